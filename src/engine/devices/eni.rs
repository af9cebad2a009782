//! Delivery to a network interface: an instance's or app's ENI, an
//! interface endpoint's ENI (`interface_endpoint.rs`), an EFS mount
//! target's ENI (`efs_mount_target.rs`), a NAT gateway's ENI, a virtual app
//! ENI, or an instance or mount target whose ENI was not captured.
//!
//! AWS rules: crossing into the ENI's subnet from another subnet meets both
//! subnets' NACLs (`nacl.rs`); the ENI's security groups filter the request
//! on the way in (`sg.rs`: ingress). A NAT gateway's ENI has no security
//! groups ("You cannot associate a security group with a NAT gateway",
//! <https://docs.aws.amazon.com/vpc/latest/userguide/nat-gateway-basics.html>).
//!
//! Codes produced: `UNKNOWN_RESOURCE` (the owner's subnet or groups were not
//! captured); the security-group and NACL codes come from their filters.
//! Out of scope: `ENI_SOURCE_DEST_CHECK_RESTRICTION` (appliance ENIs are a
//! route target that leaves the snapshot, `leaves.rs`), `ENI_ADDRESS_RESTRICTION`.

use crate::findings::{Absent, Code, Decision, Kind, Label, Note, Receiver, Rule, Why};
use crate::graph::EniRole;

use super::super::branch::Branch;
use super::super::env::Ctx;
use super::super::result::Direction;
use super::super::space::Space;
use super::{efs_mount_target, interface_endpoint, Step};

/// What receives a delivered flow.
pub(super) struct Owner {
    /// The subnet it sits in.
    pub subnet: String,
    /// Its security groups (`None`: not captured).
    pub groups: Option<Vec<String>>,
    /// The component the hop names (the endpoint, not its ENI).
    pub resource: String,
    pub kind: Kind,
    /// What the delivering hop names.
    pub receiver: Receiver,
}

impl Owner {
    pub(super) fn new(
        subnet: String,
        groups: Option<Vec<String>>,
        resource: String,
        kind: Kind,
        receiver: Receiver,
    ) -> Owner {
        Owner {
            subnet,
            groups,
            resource,
            kind,
            receiver,
        }
    }
}

impl Ctx<'_> {
    pub(super) fn deliver_to(
        &mut self,
        mut b: Branch,
        from: Option<&str>,
        owner: &str,
        out: &mut Vec<Step>,
    ) {
        let topo = self.topo;
        let info: Option<Owner> = if owner.starts_with("virtual:") {
            self.virtual_dst.clone().map(|(_, s, g, l)| {
                Owner::new(
                    s.clone(),
                    Some(g),
                    s,
                    Kind::NetworkInterface,
                    Receiver::NewApp(l),
                )
            })
        } else if let Some(e) = topo.eni(owner) {
            match topo.eni_role(owner) {
                Some(EniRole::VpcEndpoint(ep)) => Some(interface_endpoint::owner(topo, e, ep)),
                Some(EniRole::MountTarget(mt)) => Some(efs_mount_target::owner(topo, e, mt)),
                Some(EniRole::NatGateway(n)) => Some(Owner::new(
                    e.subnet_id.clone(),
                    None,
                    n.clone(),
                    Kind::NatGateway,
                    Receiver::NatEni {
                        eni: owner.to_string(),
                        nat: n.clone(),
                    },
                )),
                None => Some(Owner::new(
                    e.subnet_id.clone(),
                    topo.groups_of_eni(owner),
                    owner.to_string(),
                    Kind::NetworkInterface,
                    Receiver::Id(owner.to_string()),
                )),
            }
        } else if let Some(i) = topo.instance(owner) {
            i.subnet_id.clone().map(|s| {
                Owner::new(
                    s,
                    Some(i.security_group_ids.clone()),
                    owner.to_string(),
                    Kind::Instance,
                    Receiver::Id(owner.to_string()),
                )
            })
        } else {
            topo.mount_target(owner).map(|m| {
                Owner::new(
                    m.subnet_id.clone(),
                    m.security_group_ids.clone(),
                    owner.to_string(),
                    Kind::EfsMountTarget,
                    Receiver::Id(owner.to_string()),
                )
            })
        };
        let Some(Owner {
            subnet: dsub,
            groups,
            resource,
            kind,
            receiver,
        }) = info
        else {
            let absent = Absent::Subnet(owner.to_string());
            out.push(self.not_captured(b, owner, Kind::NetworkInterface, absent));
            return;
        };
        // NACLs apply only between subnets.
        match from {
            Some(s) => self.cross_subnets(&mut b, s, &dsub),
            None => self.enter_subnet(&mut b, &dsub),
        }
        if kind == Kind::EfsMountTarget {
            if let Some(state) = efs_mount_target::not_serving(topo, &resource) {
                out.push(Self::not_available(b, &resource, kind, state));
                return;
            }
        }
        let is_nat = kind == Kind::NatGateway;
        match groups {
            Some(g) => self.sg_filter(&mut b, &g, false, &Label::Of(resource.clone())),
            None if is_nat => {}
            None => {
                let absent = Absent::Groups(resource.clone());
                self.notes.push(Note::Absent(absent.clone()));
                b.block(
                    &resource,
                    kind,
                    Direction::Forward,
                    Code::UnknownResource,
                    Why::Absent(absent),
                );
                b.unknown = true;
                b.sure = Space::empty();
            }
        }
        if kind == Kind::VpcEndpoint {
            if let Some(ep) = topo.endpoint(&resource) {
                self.note_endpoint_policy(&resource, ep.policy_document.as_deref());
            }
        }
        let decision = if b.maybe.is_empty() {
            Decision::NotReached
        } else {
            Decision::Deliver
        };
        b.hop(&resource, kind, decision, Rule::Receiver(receiver));
        out.push(Step::Leaf(b));
    }
}
