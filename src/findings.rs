//! The low, shared vocabulary of results, used by the engine, the queries,
//! the checks, the fixes and every report, and importing none of them:
//! verdicts, hops and blockers (the engine's witness), the codes that say
//! why a component blocks a flow, severities, and one query result with its
//! source and remediations. Keeping them here is what lets `query` and
//! `report`, and the engine's files, depend on each other in one direction
//! only.
//!
//! Codes:
//! Codes follow Reachability Analyzer's explanation codes where RA has one
//! for the situation (docs/anchors.md, §1: "security groups / ENIs:
//! `ENI_SG_RULES_MISMATCH`, `SG_HAS_NO_RULES`, …"), so users who know RA read
//! them at once. Where RA models nothing comparable (DNS, SageMaker, EFS,
//! data missing from a snapshot), sagescope has its own, marked below.
//! The JSON spelling is the upper-snake-case name; it is a contract.

use std::fmt;
use std::sync::Arc;

use serde::{Deserialize, Serialize};

mod rule;
mod words;

pub use rule::*;
pub use words::*;

/// Why a component stops (part of) a flow.
///
/// Declared in the alphabetical order of the names, so that sorting by
/// code sorts as the names do (a unit test keeps it so).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum Code {
    /// RA: a component is not in a usable state (a NAT gateway or endpoint
    /// that is not `available`).
    BadState,
    /// RA: a route whose target is gone (blackhole).
    BadStateRoute,
    /// sagescope: the home EFS has no mount target in the app's AZ
    /// (docs/sagemaker-network.md F3).
    EfsNoMountTargetInAz,
    /// RA: no rule of the ENI's security groups admits the flow.
    EniSgRulesMismatch,
    /// RA: an internet gateway is asked to carry traffic to an address of
    /// its own VPC.
    IgwDestinationAddressInVpcCidrs,
    /// RA: the sender has no public or Elastic IP for the internet gateway
    /// to translate.
    IgwPublicIpAssociationForEgress,
    /// sagescope: the path leaves what the snapshot holds (a peering
    /// connection, transit gateway, VPN): the far side is unknown.
    LeavesSnapshot,
    /// sagescope: a response the verdict depends on was not collected
    /// (a gap of the collector or importer).
    MissingData,
    /// RA: no path at all (for example a routing loop).
    NoPath,
    /// RA: the route table has no route for the destination.
    NoRouteToDestination,
    /// sagescope: the VPC has no interface endpoint for a service that
    /// VpcOnly Studio needs and no other way to it.
    NoVpcEndpoint,
    /// sagescope: the endpoint exists but private DNS is off, so the
    /// service's public name does not resolve to it (docs/sagemaker-network.md F4).
    PrivateDnsDisabled,
    /// RA: the component does not carry the flow's IP protocol (a NAT
    /// gateway carries TCP, UDP and ICMP only).
    ProtocolRestriction,
    /// RA: none of the ENI's security groups has a rule in that direction.
    SgHasNoRules,
    /// RA: a network ACL entry denies the flow (either direction).
    SubnetAclRestriction,
    /// RA: a component is not associated where it would have to be (an
    /// internet gateway that is not attached to the VPC).
    UnassociatedComponent,
    /// RA: nothing in the snapshot holds the destination address.
    UnknownDestination,
    /// RA: a component the path needs is not in the snapshot.
    UnknownResource,
    /// RA: a gateway endpoint carries only TCP and ICMP
    /// (docs: "Gateway endpoints support only IPv4 traffic … TCP").
    VpceGatewayProtocolRestriction,
    /// sagescope: `enableDnsSupport` or `enableDnsHostnames` is off, so
    /// private DNS of interface endpoints does not work (docs/sagemaker-network.md F5).
    VpcDnsAttributesDisabled,
}

impl Code {
    /// Every code, in declaration (and name) order.
    pub const ALL: &'static [Code] = &[
        Code::BadState,
        Code::BadStateRoute,
        Code::EfsNoMountTargetInAz,
        Code::EniSgRulesMismatch,
        Code::IgwDestinationAddressInVpcCidrs,
        Code::IgwPublicIpAssociationForEgress,
        Code::LeavesSnapshot,
        Code::MissingData,
        Code::NoPath,
        Code::NoRouteToDestination,
        Code::NoVpcEndpoint,
        Code::PrivateDnsDisabled,
        Code::ProtocolRestriction,
        Code::SgHasNoRules,
        Code::SubnetAclRestriction,
        Code::UnassociatedComponent,
        Code::UnknownDestination,
        Code::UnknownResource,
        Code::VpceGatewayProtocolRestriction,
        Code::VpcDnsAttributesDisabled,
    ];

    /// The name as it appears in every output.
    pub fn as_str(self) -> &'static str {
        match self {
            Code::BadState => "BAD_STATE",
            Code::BadStateRoute => "BAD_STATE_ROUTE",
            Code::EfsNoMountTargetInAz => "EFS_NO_MOUNT_TARGET_IN_AZ",
            Code::EniSgRulesMismatch => "ENI_SG_RULES_MISMATCH",
            Code::IgwDestinationAddressInVpcCidrs => "IGW_DESTINATION_ADDRESS_IN_VPC_CIDRS",
            Code::IgwPublicIpAssociationForEgress => "IGW_PUBLIC_IP_ASSOCIATION_FOR_EGRESS",
            Code::LeavesSnapshot => "LEAVES_SNAPSHOT",
            Code::MissingData => "MISSING_DATA",
            Code::NoPath => "NO_PATH",
            Code::NoRouteToDestination => "NO_ROUTE_TO_DESTINATION",
            Code::NoVpcEndpoint => "NO_VPC_ENDPOINT",
            Code::PrivateDnsDisabled => "PRIVATE_DNS_DISABLED",
            Code::ProtocolRestriction => "PROTOCOL_RESTRICTION",
            Code::SgHasNoRules => "SG_HAS_NO_RULES",
            Code::SubnetAclRestriction => "SUBNET_ACL_RESTRICTION",
            Code::UnassociatedComponent => "UNASSOCIATED_COMPONENT",
            Code::UnknownDestination => "UNKNOWN_DESTINATION",
            Code::UnknownResource => "UNKNOWN_RESOURCE",
            Code::VpceGatewayProtocolRestriction => "VPCE_GATEWAY_PROTOCOL_RESTRICTION",
            Code::VpcDnsAttributesDisabled => "VPC_DNS_ATTRIBUTES_DISABLED",
        }
    }

    /// Whether the code says the answer depends on data the snapshot lacks
    /// (a result blocked only by such codes is `unknown`, never `blocked`).
    pub fn is_missing_data(self) -> bool {
        matches!(
            self,
            Code::UnknownResource | Code::LeavesSnapshot | Code::MissingData
        )
    }
}

impl std::fmt::Display for Code {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The answer for one flow space.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Verdict {
    /// The whole flow space gets through, there and back.
    Reachable,
    /// Part of the flow space gets through (some addresses, some ports).
    Partial,
    /// Nothing gets through.
    Blocked,
    /// The answer depends on data the snapshot lacks. Never reported as
    /// reachable.
    Unknown,
    /// The query does not apply (e.g. VpcOnly queries on a
    /// PublicInternetOnly domain).
    NotApplicable,
}

impl Verdict {
    pub fn as_str(self) -> &'static str {
        match self {
            Verdict::Reachable => "reachable",
            Verdict::Partial => "partial",
            Verdict::Blocked => "blocked",
            Verdict::Unknown => "unknown",
            Verdict::NotApplicable => "not-applicable",
        }
    }

    /// Whether this verdict is a finding (exit code 1).
    pub fn is_failure(self) -> bool {
        matches!(self, Verdict::Partial | Verdict::Blocked | Verdict::Unknown)
    }
}

impl std::fmt::Display for Verdict {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Defines a kebab-case enum whose JSON spelling is its `as_str`, with
/// `ALL` in declaration order (declared in name order, so that sorting by
/// the enum sorts as the names did when these were strings).
macro_rules! kebab_enum {
    ($(#[$m:meta])* $name:ident { $($(#[$vm:meta])* $v:ident => $s:literal,)* }) => {
        $(#[$m])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
        pub enum $name {
            $($(#[$vm])* #[serde(rename = $s)] $v,)*
        }
        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$v,)*];
            pub fn as_str(self) -> &'static str {
                match self {
                    $($name::$v => $s,)*
                }
            }
        }
        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}

kebab_enum! {
    /// What a hop's or blocker's component is.
    Kind {
        /// The AWS network between a public address and its owner's VPC.
        AwsBackbone => "aws-backbone",
        /// The public endpoint of an AWS service (`aws-service:<name>`).
        AwsService => "aws-service",
        /// A response the collector or importer could not get.
        CollectionGap => "collection-gap",
        /// Name resolution (private DNS of an endpoint, or public names).
        Dns => "dns",
        EfsFileSystem => "efs-file-system",
        EfsMountTarget => "efs-mount-target",
        /// A route target beyond what the snapshot holds.
        External => "external",
        Instance => "instance",
        Internet => "internet",
        InternetGateway => "internet-gateway",
        NatGateway => "nat-gateway",
        NetworkAcl => "network-acl",
        NetworkInterface => "network-interface",
        RouteTable => "route-table",
        SecurityGroup => "security-group",
        /// The flow's source, when it cannot be placed.
        Source => "source",
        Subnet => "subnet",
        /// The app ENI Studio would create (no id yet).
        VirtualAppEni => "virtual-app-eni",
        Vpc => "vpc",
        VpcEndpoint => "vpc-endpoint",
    }
}

kebab_enum! {
    /// What a component did with the flow on a hop.
    Decision {
        /// A filter let all of it through.
        Allow => "allow",
        /// Handed to its destination.
        Deliver => "deliver",
        /// Stopped here.
        Deny => "deny",
        /// Left the VPC for the internet or a public AWS endpoint.
        Exit => "exit",
        /// Put onto the VPC router (a source without an ENI).
        Inject => "inject",
        /// Nothing arrived here (the hop names the rules that matter).
        NotReached => "not-reached",
        /// A filter let part of it through.
        Partial => "partial",
        /// A name resolved.
        Resolve => "resolve",
        /// Forwarded by a route.
        Route => "route",
        /// Sent by the source.
        Send => "send",
        /// Addresses translated (NAT, internet gateway).
        Translate => "translate",
        /// What happens here is outside the snapshot.
        Unknown => "unknown",
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Direction {
    Forward,
    Return,
}

/// One component on a path and what it decided.
///
/// Paths hold their hops behind an `Arc`: an audit gives the same hop
/// (the same rule of the same group, the same source's app ENI) to
/// thousands of results, and a branch of the path search copies its path
/// at every fork. The JSON is the same as for plain values.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Hop {
    /// AWS id of the component (`sg-…`, `acl-…`, `rtb-…`, `subnet-…`,
    /// `eni-…`, `nat-…`, `igw-…`, `vpce-…`), or `internet` /
    /// `aws-service:<name>` for the world outside the snapshot.
    pub resource: String,
    /// What the component is.
    pub kind: Kind,
    /// What the component did.
    pub decision: Decision,
    /// The rule that decided, as data; in the JSON its words ("sg-0abc
    /// egress rule 2: tcp 443 to pl-63a5400a"), left out when no rule is
    /// involved.
    #[serde(default, skip_serializing_if = "Rule::is_empty")]
    pub rule: Rule,
}

/// A component that would have to change for the flow to get through.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Blocker {
    pub resource: String,
    pub kind: Kind,
    pub direction: Direction,
    /// Modelled on Reachability Analyzer explanation codes
    /// (`ENI_SG_RULES_MISMATCH`, `SUBNET_ACL_RESTRICTION`,
    /// `NO_ROUTE_TO_DESTINATION`, ...) plus sagescope's own for what RA
    /// does not model (`PRIVATE_DNS_DISABLED`, `MISSING_DATA`, ...): one
    /// enum, [`Code`].
    pub code: Code,
    /// Why, as data: the reports (and the JSON's `reason` string) put it
    /// in words. Blockers are grouped and fixed by it, never by its words.
    pub reason: Reason,
}

/// How much a failing query matters.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Severity {
    Info,
    Low,
    Medium,
    High,
    Critical,
}

impl Severity {
    pub const ALL: [Severity; 5] = [
        Severity::Info,
        Severity::Low,
        Severity::Medium,
        Severity::High,
        Severity::Critical,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Low => "low",
            Severity::Medium => "medium",
            Severity::High => "high",
            Severity::Critical => "critical",
        }
    }

    pub fn parse(s: &str) -> Option<Severity> {
        Severity::ALL.into_iter().find(|v| v.as_str() == s)
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Where a query's flow starts, as reported.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct SourceRef {
    /// `user-profile`, `shared-space`, `default-user-settings`,
    /// `default-space-settings`, `app-eni`.
    pub kind: String,
    /// Profile or space name, `default` for the domain defaults, or the ENI
    /// id for real app ENIs.
    pub name: String,
    /// Empty when the domain's subnets are unknown.
    pub subnet_id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub availability_zone: Option<String>,
    /// The effective security groups the source carries (empty when they
    /// are unknown).
    pub security_group_ids: Vec<String>,
    /// The real ENI id, for `app-eni` sources.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub eni_id: Option<String>,
}

impl SourceRef {
    /// `user-profile alice @ subnet-0abc/eu-west-1a`.
    pub fn describe(&self) -> String {
        let who = if self.name == "default" && self.kind.starts_with("default-") {
            self.kind.clone()
        } else {
            format!("{} {}", self.kind, self.name)
        };
        let place = match (&self.subnet_id, &self.availability_zone) {
            (s, _) if s.is_empty() => "unknown subnet".to_string(),
            (s, Some(az)) => format!("{s}/{az}"),
            (s, None) => s.clone(),
        };
        format!("{who} @ {place}")
    }
}

/// One verdict of one query for one source.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct QueryResult {
    pub query: String,
    pub domain: String,
    /// Shared by every result of the source (an audit holds ~30 per source).
    pub source: Arc<SourceRef>,
    /// The destination in words and ids ("fsmt-0abc (fs-0abc, 10.20.3.11)
    /// tcp/2049", "sagemaker.api (eu-west-1) tcp/443").
    pub destination: String,
    pub verdict: Verdict,
    /// Query severity (info, low, medium, high, critical).
    pub severity: String,
    pub blocked_at: Vec<Blocker>,
    /// Hops are shared between results (see [`Hop`]).
    pub path: Vec<Arc<Hop>>,
    pub return_path: Vec<Arc<Hop>>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reachable_part: Option<String>,
    /// Concrete remediations with the real ids filled in (empty when
    /// reachable or not applicable).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub fixes: Vec<Remediation>,
    /// Accepted in the suppression file: kept in the report, not counted
    /// for the exit code.
    #[serde(default, skip_serializing_if = "is_false")]
    pub suppressed: bool,
    /// The suppression's reason, when suppressed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub suppression_reason: Option<String>,
}

/// Serde's `skip_serializing_if` for flags that are off.
pub(crate) fn is_false(b: &bool) -> bool {
    !*b
}

/// One way to fix a finding: what to do, and the AWS CLI commands that do it.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Remediation {
    /// One line: "Allow TCP 443 from sg-0abc on sg-0def (endpoint vpce-0123)".
    pub summary: String,
    /// Copy-paste AWS CLI commands, in order.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub commands: Vec<String>,
}

pub fn sort_results(results: &mut [QueryResult]) {
    // A stable sort of the results themselves would take a scratch buffer
    // of half of them (~50 MB for an 8x organisation, at the audit's peak):
    // sort their indexes instead (stable: equal keys keep their order) and
    // move each result once.
    fn key(r: &QueryResult) -> (&String, &String, &SourceRef, &String) {
        (&r.domain, &r.query, &r.source, &r.destination)
    }
    let mut order: Vec<usize> = (0..results.len()).collect();
    order.sort_by(|&a, &b| key(&results[a]).cmp(&key(&results[b])));
    permute(results, &mut order);
}

/// Reorder `items` so that position `i` holds what was at `order[i]`
/// (`order` is a permutation of the positions), following each cycle once.
/// Leaves `order` as the identity.
pub(crate) fn permute<T>(items: &mut [T], order: &mut [usize]) {
    for start in 0..items.len() {
        let mut at = start;
        while order[at] != start {
            let from = order[at];
            items.swap(at, from);
            order[at] = at;
            at = from;
        }
        order[at] = at;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeSet;

    #[test]
    fn codes_are_unique_and_spelled_as_serde_writes_them() {
        let names: BTreeSet<&str> = Code::ALL.iter().map(|c| c.as_str()).collect();
        assert_eq!(names.len(), Code::ALL.len(), "two codes share a name");
        for c in Code::ALL {
            let json = serde_json::to_string(c).unwrap();
            assert_eq!(json, format!("\"{}\"", c.as_str()));
            let back: Code = serde_json::from_str(&json).unwrap();
            assert_eq!(back, *c);
            assert!(c
                .as_str()
                .chars()
                .all(|ch| ch.is_ascii_uppercase() || ch.is_ascii_digit() || ch == '_'));
        }
    }

    #[test]
    fn declaration_order_is_name_order() {
        // `Blocker` derives `Ord`; sorting by code must sort as the names
        // did when codes were strings.
        let mut by_name = Code::ALL.to_vec();
        by_name.sort_by_key(|c| c.as_str());
        assert_eq!(by_name, Code::ALL.to_vec());
        let mut by_ord = Code::ALL.to_vec();
        by_ord.sort();
        assert_eq!(by_ord, Code::ALL.to_vec());
    }

    #[test]
    fn kinds_and_decisions_are_unique_sorted_and_spelled_as_serde_writes_them() {
        fn check<T: Copy + Ord + std::fmt::Debug + Serialize + serde::de::DeserializeOwned>(
            all: &[T],
            name: fn(T) -> &'static str,
        ) {
            let names: BTreeSet<&str> = all.iter().map(|k| name(*k)).collect();
            assert_eq!(names.len(), all.len(), "two share a name");
            let mut sorted = all.to_vec();
            sorted.sort_by_key(|k| name(*k));
            assert_eq!(sorted, all.to_vec(), "declaration order is not name order");
            for k in all {
                let json = serde_json::to_string(k).unwrap();
                assert_eq!(json, format!("\"{}\"", name(*k)));
                assert_eq!(serde_json::from_str::<T>(&json).unwrap(), *k);
                assert!(name(*k).chars().all(|c| c.is_ascii_lowercase() || c == '-'));
            }
        }
        check(Kind::ALL, Kind::as_str);
        check(Decision::ALL, Decision::as_str);
    }

    #[test]
    fn all_is_in_declaration_order_without_gaps() {
        for (i, c) in Code::ALL.iter().enumerate() {
            assert_eq!(*c as usize, i, "{c} is out of place in Code::ALL");
        }
        assert_eq!(
            Code::VpcDnsAttributesDisabled as usize + 1,
            Code::ALL.len(),
            "a code is missing from Code::ALL"
        );
    }
}
