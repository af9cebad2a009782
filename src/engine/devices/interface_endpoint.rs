//! Interface VPC endpoints (PrivateLink): an ENI per subnet the endpoint is
//! in, found through name resolution (`resolve/dns.rs`), filtered by the
//! endpoint's security groups like any ENI (`eni.rs`, `sg.rs`).
//!
//! AWS rules (<https://docs.aws.amazon.com/vpc/latest/privatelink/create-interface-endpoint.html>,
//! docs/sagemaker-network.md section 2): the endpoint's security groups
//! must admit the client on the service port; the endpoint policy may
//! restrict what is allowed through it (IAM is not evaluated on paths,
//! only noted: `policy.rs`, check `endpoint-policy-allows-studio`).
//!
//! Codes: `NO_VPC_ENDPOINT`, `PRIVATE_DNS_DISABLED` and
//! `VPC_DNS_ATTRIBUTES_DISABLED` come from name resolution; the security
//! group codes from `sg.rs`. Out of scope: `VPCE_SERVICE_NOT_INSTALLED_IN_AZ`
//! (a client in an AZ without an endpoint ENI still resolves to the ENIs of
//! the other AZs and reaches them), `VPCE_INTRA_VPC_TRAFFIC`.

use crate::findings::{Kind, Note, Receiver};
use crate::graph::Topology;
use crate::snapshot::NetworkInterface;

use super::super::env::Ctx;
use super::eni::Owner;

/// The endpoint `ep` as the owner of its ENI `e`.
pub(super) fn owner(topo: &Topology, e: &NetworkInterface, ep: &str) -> Owner {
    let svc = topo
        .endpoint(ep)
        .map(|x| x.service_name.clone())
        .unwrap_or_default();
    Owner::new(
        e.subnet_id.clone(),
        topo.groups_of_eni(&e.id),
        ep.to_string(),
        Kind::VpcEndpoint,
        Receiver::EndpointEni {
            eni: e.id.clone(),
            endpoint: ep.to_string(),
            service: svc,
        },
    )
}

impl Ctx<'_> {
    /// Notes an endpoint policy that is not full access (interface and
    /// gateway endpoints alike): the path is not judged by IAM.
    pub(super) fn note_endpoint_policy(&mut self, id: &str, doc: Option<&str>) {
        if doc.is_some_and(|p| !self.cache.full_access(p)) {
            self.notes.push(Note::RestrictivePolicy {
                endpoint: id.to_string(),
            });
        }
    }
}
