//! Where a path leaves what the snapshot models.
//!
//! - The internet, or a public AWS service address (reached through an
//!   internet gateway, a NAT gateway or a gateway endpoint): the network
//!   part of the path is done, the flow is reachable as far as the VPC goes.
//! - A route target the engine does not model (VPC peering, transit
//!   gateway, virtual private gateway, an appliance ENI, a Gateway Load
//!   Balancer endpoint) or that is not in the snapshot: the far side is
//!   unknown, so the verdict is `unknown`, never `reachable` or `blocked`.
//!
//! Codes produced: `LEAVES_SNAPSHOT` (sagescope's own: RA follows these
//! components, the snapshot does not hold their far side) and
//! `UNKNOWN_RESOURCE` (the target is not in the snapshot).

use crate::findings::{Beyond, Code, Decision, Kind, Note, Rule, Why};

use super::super::atoms::AtomKind;
use super::super::branch::Branch;
use super::super::env::Ctx;
use super::super::result::Direction;
use super::super::space::DST;
use super::Step;

impl Ctx<'_> {
    pub(super) fn leaves_snapshot(
        &mut self,
        mut b: Branch,
        subnet: &str,
        target: &str,
        beyond: Beyond,
        out: &mut Vec<Step>,
    ) {
        // The outbound rules of the subnet apply; the reply's path is beyond
        // what the snapshot shows, so no reply check is left pending.
        let fwd = b.leg.fwd;
        self.nacl_filter(&mut b, subnet, true, Direction::Forward, fwd);
        b.hop(
            target,
            Kind::External,
            Decision::Unknown,
            Rule::Beyond(beyond.clone()),
        );
        let code = if matches!(beyond, Beyond::MissingTarget(_)) {
            Code::UnknownResource
        } else {
            Code::LeavesSnapshot
        };
        b.block(
            target,
            Kind::External,
            Direction::Forward,
            code,
            Why::Beyond(beyond.clone()),
        );
        self.notes.push(Note::Beyond(beyond));
        b.make_unknown();
        out.push(Step::Leaf(b));
    }

    pub(super) fn exit_to(&mut self, mut b: Branch, via: Option<&str>, out: &mut Vec<Step>) {
        let dsts = b.ideal.projection(DST);
        let service = dsts.iter().find_map(|iv| {
            (iv.lo..=iv.hi.min(iv.lo + 64)).find_map(|a| match self.atoms.get(a) {
                Some(AtomKind::Service { service, .. }) => Some(service.clone()),
                _ => None,
            })
        });
        match (service, via) {
            (Some(s), _) => b.hop(
                &format!("aws-service:{s}"),
                Kind::AwsService,
                Decision::Exit,
                Rule::PublicEndpoint(s.clone()),
            ),
            (None, Some(v)) => b.hop(
                &format!("aws-service:{v}"),
                Kind::AwsService,
                Decision::Exit,
                Rule::ToAddrs(self.atoms.describe_set(&dsts)),
            ),
            (None, None) => b.hop(
                "internet",
                Kind::Internet,
                Decision::Exit,
                Rule::ToAddrs(self.atoms.describe_set(&dsts)),
            ),
        }
        out.push(Step::Leaf(b));
    }
}
