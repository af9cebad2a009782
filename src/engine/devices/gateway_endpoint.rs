//! Gateway VPC endpoints (S3, DynamoDB): a route target whose prefix-list
//! route carries the service's public addresses.
//!
//! AWS rules (<https://docs.aws.amazon.com/vpc/latest/privatelink/gateway-endpoints.html>,
//! docs/sagemaker-network.md F9, section 2.2):
//! - the endpoint is reached through the route table's prefix-list route
//!   (`route_table.rs`); the subnet's outbound NACL applies on the way out
//!   and its inbound rules to the reply (`nacl.rs`);
//! - it must be `available`;
//! - "Gateway endpoints support ... TCP" traffic (and ICMP); other
//!   protocols are dropped;
//! - S3 keeps its public name: DNS is unchanged (`resolve/dns.rs`);
//! - an endpoint policy may restrict what the endpoint allows; IAM policies
//!   are not evaluated on paths, only noted (`policy.rs`, and the check
//!   `endpoint-policy-allows-studio`).
//!
//! Reachability Analyzer codes produced: `VPCE_GATEWAY_PROTOCOL_RESTRICTION`,
//! `BAD_STATE`, `UNKNOWN_RESOURCE` (not in the snapshot). Out of scope:
//! `VPCE_GATEWAY_EGRESS_SOURCE_ADDRESS_RESTRICTION` (IPv6 is not modelled),
//! `ROUTES_TO_VPC_ENDPOINT` (the route is on the path instead). A route to
//! an endpoint of another type (Gateway Load Balancer) leaves the snapshot
//! (`leaves.rs`).

use crate::findings::{Absent, Beyond, Code, Filter, Kind, Rule};
use crate::graph::NodeIndex;
use crate::snapshot::EndpointType;

use super::super::branch::Branch;
use super::super::env::Ctx;
use super::super::result::Direction;
use super::super::rules::Admits;
use super::{At, Step};

impl Ctx<'_> {
    pub(super) fn via_gateway_endpoint(
        &mut self,
        mut b: Branch,
        subnet: &str,
        node: NodeIndex,
        out: &mut Vec<Step>,
    ) {
        let topo = self.topo;
        let id = topo.id_of(node);
        let Some(ep) = topo.endpoint_at(node) else {
            let absent = Absent::VpcEndpoint(id.to_string());
            out.push(self.not_captured(b, id, Kind::VpcEndpoint, absent));
            return;
        };
        if ep.endpoint_type != EndpointType::Gateway {
            let beyond = Beyond::EndpointType {
                id: id.to_string(),
                kind: format!("{:?}", ep.endpoint_type),
            };
            out.push(Step::Next(
                b,
                At::Outside {
                    subnet: subnet.to_string(),
                    target: id.to_string(),
                    beyond,
                },
            ));
            return;
        }
        self.leave_subnet(&mut b, subnet);
        if let Some(state) = ep.state.as_ref().filter(|_| !super::endpoint_serves(ep)) {
            out.push(Self::not_available(b, id, Kind::VpcEndpoint, state));
            return;
        }
        // Gateway endpoints carry TCP and ICMP only.
        let adm = Admits::protocols(&[6, 1]);
        let fwd = b.leg.fwd;
        let decision = self.apply(
            &mut b,
            fwd,
            &adm,
            Direction::Forward,
            id,
            Kind::VpcEndpoint,
            Code::VpceGatewayProtocolRestriction,
            &|| Filter::GatewayEndpoint(id.to_string()),
        );
        b.hop(
            id,
            Kind::VpcEndpoint,
            decision,
            Rule::GatewayEndpointFor(ep.service_name.clone()),
        );
        self.note_endpoint_policy(id, ep.policy_document.as_deref());
        let via = Some(ep.service_name.clone());
        out.push(Step::Next(b, At::Exit { via }));
    }
}
