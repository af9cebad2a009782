//! PURE. Flow spaces, path search, verdicts, witness and blocked paths.

pub mod atoms;
mod branch;
mod cache;
mod devices;
mod env;
mod filter;
mod intervals;
mod memo;
pub mod policy;
mod resolve;
pub mod result;
pub mod rules;
pub mod space;
mod walk;

use std::net::Ipv4Addr;

pub use cache::Cache;
pub use devices::{endpoint_serves, nat, route_table};
pub use memo::Evaluator;
pub use policy::is_full_access_policy;
pub use resolve::dns::{endpoint_service_name, public_name};
pub use result::{Blocker, Code, Direction, Hop, PathResult, Verdict};

use crate::graph::Topology;
use crate::snapshot::{PortRange, Protocol};

/// Where a flow starts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    /// A real network interface in the snapshot, from its primary private IP.
    Eni(String),
    /// An EC2 instance, from its primary ENI's primary private IP.
    Instance(String),
    /// A Studio app ENI that does not exist yet (or we did not see): it
    /// would get *some* address in `subnet_id` and carry exactly these groups.
    Virtual(VirtualEni),
    /// A packet injected at a point: `internet`, a subnet or a VPC router,
    /// with a given source address or (None) any plausible one.
    Injected { ip: Option<Ipv4Addr>, at: InjectAt },
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum InjectAt {
    Internet,
    Subnet(String),
    Vpc(String),
}

/// A virtual Studio app ENI.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct VirtualEni {
    /// Human label, e.g. "user-profile alice".
    pub label: String,
    pub subnet_id: String,
    pub security_group_ids: Vec<String>,
}

/// Where a flow goes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    /// One IPv4 address (trace). Whatever owns it in the snapshot is the
    /// destination; an address nobody owns goes where routing sends it.
    Ip(Ipv4Addr),
    /// A real ENI (all its private addresses).
    Eni(String),
    /// An EFS mount target (its address, its ENI and its groups).
    MountTarget(String),
    /// Another virtual app ENI (app-to-app).
    Virtual(VirtualEni),
    /// An AWS service by its endpoint service suffix ("sagemaker.api",
    /// "sts", "logs", "s3", ...) in a region: resolved like the SDK would
    /// (private DNS of an interface endpoint, else the public name).
    Service { service: String, region: String },
}

/// The flow space: protocol and port ranges. Addresses come from the
/// source and target.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FlowSpec {
    pub protocol: Protocol,
    /// Destination ports (ignored for protocols without ports).
    pub dst_ports: PortRange,
    /// Source ports; `None` = the settings' ephemeral range.
    pub src_ports: Option<PortRange>,
}

/// Engine-wide settings.
#[derive(Debug, Clone, PartialEq)]
pub struct Settings {
    /// The client's ephemeral port range, used as the source ports of
    /// requests and the destination ports of replies (default 1024-65535).
    pub ephemeral_ports: PortRange,
    /// AWS ip-ranges.json: makes the public ranges of services concrete.
    pub ip_ranges: Option<IpRanges>,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            ephemeral_ports: PortRange {
                from: 1024,
                to: 65535,
            },
            ip_ranges: None,
        }
    }
}

/// The subset of AWS ip-ranges.json the engine needs.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct IpRanges {
    /// (service, region, prefix), e.g. ("S3", "eu-west-1", 52.218.0.0/17).
    pub prefixes: Vec<(String, String, ipnet::Ipv4Net)>,
}

/// Evaluate one flow. Never panics; anything it cannot decide is `unknown`.
pub fn evaluate(
    topo: &Topology,
    src: &Source,
    dst: &Target,
    flow: &FlowSpec,
    settings: &Settings,
) -> PathResult {
    walk::evaluate(topo, src, dst, flow, settings)
}

#[cfg(test)]
mod tests;
