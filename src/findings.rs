//! The low, shared vocabulary of results: the codes that say why a
//! component blocks a flow. The engine, the queries, the fixes and every
//! report use this one enum; nothing matches on code strings.
//!
//! Codes follow Reachability Analyzer's explanation codes where RA has one
//! for the situation (docs/anchors.md, §1: "security groups / ENIs:
//! `ENI_SG_RULES_MISMATCH`, `SG_HAS_NO_RULES`, …"), so users who know RA read
//! them at once. Where RA models nothing comparable (DNS, SageMaker, EFS,
//! data missing from a snapshot), sagescope has its own, marked below.
//! The JSON spelling is the upper-snake-case name; it is a contract.

use serde::{Deserialize, Serialize};

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
