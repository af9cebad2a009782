//! One file per AWS component that forwards or filters traffic. Each device
//! takes a branch that has arrived at it and returns where it goes next
//! ([`Step`]): to another device ([`At`]), or to its end (a leaf). A device
//! never calls another device; the walk (`walk.rs`) does the dispatch, so a
//! new AWS component is one new file and one arm in [`Ctx::visit`].
//!
//! Filters that sit on a device (security groups on an ENI, the network ACL
//! at a subnet boundary) are functions of their own files (`sg.rs`,
//! `nacl.rs`) that the devices apply to the branch in place.
//!
//! Each file starts with the AWS rules it implements, the documentation
//! they come from, and the Reachability Analyzer explanation codes of its
//! family it produces or leaves out (docs/anchors.md §1 lists RA's codes).

mod efs_mount_target;
mod eni;
mod gateway_endpoint;
mod igw;
mod interface_endpoint;
mod leaves;
mod local;
mod nacl;
pub mod nat;
pub mod route_table;
mod sg;

use crate::findings::{Absent, Beyond, Code, Decision, Kind, Note, Rule, Why};
use crate::graph::NodeIndex;
use crate::snapshot::VpcEndpoint;

use super::branch::Branch;
use super::env::Ctx;
use super::result::Direction;

/// Whether a VPC endpoint (interface or gateway) carries traffic: AWS
/// endpoints serve only in state `available` (`pendingAcceptance`,
/// `pending`, `deleting`, `rejected`, `failed`, `expired` do not,
/// <https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_VpcEndpoint.html>,
/// State). A state that was not captured is taken as serving; the
/// verdicts that depend on it name the endpoint. The one place this rule
/// lives: name resolution (`resolve/dns.rs`), the gateway-endpoint device,
/// the checks and `explain` ask it.
pub fn endpoint_serves(ep: &VpcEndpoint) -> bool {
    ep.state.as_deref().is_none_or(|s| s == "available")
}

/// What a device does with a branch.
pub(super) enum Step {
    /// The branch goes on at another device.
    Next(Branch, At),
    /// The branch ends here (delivered, dropped, out of the snapshot); the
    /// walk checks its pending reply filters and keeps it.
    Leaf(Branch),
}

/// A device a branch can be at, with what it needs to know of where the
/// branch came from.
pub(super) enum At {
    /// The route table of `subnet` (after the source's egress filters).
    RouteTable { subnet: String },
    /// The VPC router delivering to addresses of `vpc` (the `local` route),
    /// coming from the subnet `from` (`None`: injected at the router).
    Local { from: Option<String>, vpc: String },
    /// The ENI, instance or mount target `owner` (its role decides which).
    Eni { from: Option<String>, owner: String },
    /// An internet gateway (its node: a route's target), reached by a
    /// route of `subnet` in `vpc`.
    InternetGateway {
        subnet: String,
        node: NodeIndex,
        vpc: String,
    },
    /// A NAT gateway (its node), reached by a route of `subnet`.
    NatGateway { subnet: String, node: NodeIndex },
    /// A gateway VPC endpoint (its node), reached by a route of `subnet`.
    GatewayEndpoint { subnet: String, node: NodeIndex },
    /// A route target that leads out of what the snapshot holds.
    Outside {
        subnet: String,
        target: String,
        beyond: Beyond,
    },
    /// The internet or a public AWS service address (`via`: the gateway
    /// endpoint's service that carried it there).
    Exit { via: Option<String> },
}

impl Ctx<'_> {
    /// A component the path needs is not in the snapshot (or a part of it
    /// was not captured): what happens next depends on data sagescope did
    /// not see, so the branch ends `unknown`, never `reachable` or
    /// `blocked`, naming the component (`UNKNOWN_RESOURCE`) with a note.
    /// The one place every device concludes from something missing.
    pub(super) fn not_captured(
        &mut self,
        mut b: Branch,
        resource: &str,
        kind: Kind,
        absent: Absent,
    ) -> Step {
        self.notes.push(Note::Absent(absent.clone()));
        b.block(
            resource,
            kind,
            Direction::Forward,
            Code::UnknownResource,
            Why::Absent(absent),
        );
        b.make_unknown();
        Step::Leaf(b)
    }

    /// A component that is not `available` (a NAT gateway, a gateway
    /// endpoint, an EFS mount target) stops the flow: a denying hop with its
    /// state, and `BAD_STATE`. The one place every device ends a branch on
    /// a component's state.
    pub(super) fn not_available(mut b: Branch, id: &str, kind: Kind, state: &str) -> Step {
        b.hop(id, kind, Decision::Deny, Rule::State(state.to_string()));
        b.block(
            id,
            kind,
            Direction::Forward,
            Code::BadState,
            Why::State {
                id: id.to_string(),
                state: state.to_string(),
            },
        );
        b.drop_all();
        Step::Leaf(b)
    }

    /// One dispatch arm per device.
    pub(super) fn visit(&mut self, b: Branch, at: At, out: &mut Vec<Step>) {
        match at {
            At::RouteTable { subnet } => self.route(b, &subnet, out),
            At::Local { from, vpc } => self.deliver_local(b, from.as_deref(), &vpc, out),
            At::Eni { from, owner } => self.deliver_to(b, from.as_deref(), &owner, out),
            At::InternetGateway { subnet, node, vpc } => self.via_igw(b, &subnet, node, &vpc, out),
            At::NatGateway { subnet, node } => self.via_nat(b, &subnet, node, out),
            At::GatewayEndpoint { subnet, node } => {
                self.via_gateway_endpoint(b, &subnet, node, out)
            }
            At::Outside {
                subnet,
                target,
                beyond,
            } => self.leaves_snapshot(b, &subnet, &target, beyond, out),
            At::Exit { via } => self.exit_to(b, via.as_deref(), out),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn endpoints_serve_when_available_or_not_captured() {
        let ep = |state: Option<&str>| -> VpcEndpoint {
            serde_json::from_value(serde_json::json!({
                "id": "vpce-1", "vpc_id": "vpc-1", "service_name": "s3",
                "endpoint_type": "gateway", "state": state
            }))
            .unwrap()
        };
        assert!(endpoint_serves(&ep(Some("available"))));
        assert!(endpoint_serves(&ep(None)));
        for s in [
            "pending",
            "pendingacceptance",
            "deleting",
            "failed",
            "rejected",
        ] {
            assert!(!endpoint_serves(&ep(Some(s))), "{s}");
        }
    }
}
