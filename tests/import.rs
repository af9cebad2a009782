//! The offline importer against real AWS JSON (the Batfish corpus) and the
//! synthetic cases in tests/fixtures/import/.

use std::fs;
use std::path::{Path, PathBuf};

use sagescope::import::{load, write_snapshot, ImportError};
use sagescope::snapshot::{
    Diagnostic, EndpointType, Level, PortRange, Protocol, RouteDestination, RouteTarget,
    RuleAction, Snapshot,
};

fn batfish_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/peer/batfish")
}

fn batfish(scenario: &str) -> Snapshot {
    let dir = batfish_root().join(scenario).join("aws");
    load(&dir).unwrap_or_else(|e| panic!("{scenario}: {e}"))
}

fn fixture_dir(case: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/import")
        .join(case)
}

fn fixture(case: &str) -> Snapshot {
    load(&fixture_dir(case)).unwrap_or_else(|e| panic!("{case}: {e}"))
}

fn warnings(s: &Snapshot) -> Vec<&Diagnostic> {
    s.diagnostics
        .iter()
        .filter(|d| d.level == Level::Warning)
        .collect()
}

fn with_code<'a>(s: &'a Snapshot, code: &str) -> Vec<&'a Diagnostic> {
    s.diagnostics.iter().filter(|d| d.code == code).collect()
}

fn net<T: std::str::FromStr>(s: &str) -> T
where
    T::Err: std::fmt::Debug,
{
    s.parse().unwrap()
}

/// Write `files` (relative path, contents) under a fresh temporary folder.
fn temp_tree(files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for (rel, text) in files {
        let p = dir.path().join(rel);
        fs::create_dir_all(p.parent().unwrap()).unwrap();
        fs::write(p, text).unwrap();
    }
    dir
}

// ------------------------------------------------------------ Batfish ----

/// Import warnings the corpus is known to give: (scenario, code, id, why).
/// Like the peer test's list of known disagreements, this list can only
/// shrink: a listed warning that no longer appears fails the test.
const KNOWN_WARNINGS: &[(&str, &str, &str, &str)] = &[(
    "test-transit-gateway-peering",
    "duplicate-id",
    "tgw-attach-012e5d602f859dd80",
    "each account lists its own end of the TGW peering attachment (requester and accepter \
     views differ); merging the two views comes with transit gateways (issue 14)",
)];

#[test]
fn every_batfish_snapshot_imports_without_warnings() {
    let mut scenarios: Vec<_> = fs::read_dir(batfish_root())
        .expect("the vendored Batfish corpus in tests/fixtures/peer/batfish")
        .map(|e| e.unwrap().path())
        .filter(|p| p.join("aws").is_dir())
        .collect();
    scenarios.sort();
    assert!(scenarios.len() >= 13, "{scenarios:?}");
    let mut seen_known = Vec::new();
    for dir in scenarios {
        let name = dir.file_name().unwrap().to_string_lossy().to_string();
        let s = load(&dir.join("aws")).unwrap_or_else(|e| panic!("{}: {e}", dir.display()));
        assert!(!s.vpcs.is_empty(), "{name}");
        assert!(!s.subnets.is_empty() && !s.security_groups.is_empty());
        assert!(!s.instances.is_empty() && !s.network_interfaces.is_empty());
        let unexpected: Vec<&Diagnostic> = warnings(&s)
            .into_iter()
            .filter(|d| {
                let known = KNOWN_WARNINGS.iter().position(|(sc, code, id, _)| {
                    *sc == name && d.code == *code && d.message.starts_with(&format!("{id} "))
                });
                if let Some(i) = known {
                    seen_known.push(i);
                }
                known.is_none()
            })
            .collect();
        assert_eq!(unexpected, Vec::<&Diagnostic>::new(), "{name}");
        // Relative, `/`-separated file names only.
        for d in &s.diagnostics {
            let f = d.file.as_deref().unwrap();
            assert!(!f.contains('\\') && !f.starts_with('/'), "{f}");
        }
    }
    for (i, (sc, code, id, _)) in KNOWN_WARNINGS.iter().enumerate() {
        assert!(
            seen_known.contains(&i),
            "{sc}: the known warning {code} {id} is gone: remove it from KNOWN_WARNINGS"
        );
    }
}

#[test]
fn vpc_endpoint_gateway_prefix_list_and_route() {
    let s = batfish("test-vpc-endpoint-gateway");
    let pl = s
        .prefix_lists
        .iter()
        .find(|p| p.id == "pl-63a5400a")
        .unwrap();
    assert!(pl.entries_known);
    assert_eq!(pl.name, "com.amazonaws.us-east-1.s3");
    assert!(pl.cidrs.contains(&net("52.216.0.0/15")));
    assert_eq!(pl.cidrs.len(), 4);

    let rt = s
        .route_tables
        .iter()
        .find(|r| r.id == "rtb-04f71fc2caa8d94cf")
        .unwrap();
    assert!(!rt.main);
    assert_eq!(rt.subnet_ids, ["subnet-01e5f0945f6d6f47c"]);
    assert!(rt.routes.iter().any(|r| r.destination
        == RouteDestination::PrefixList("pl-63a5400a".into())
        && r.target == RouteTarget::VpcEndpoint("vpce-0b7357542bb7b83ec".into())
        && r.active));
    assert!(rt.routes.iter().any(|r| r.target == RouteTarget::Local
        && r.destination == RouteDestination::Ipv4(net("10.1.0.0/16"))));
    let main = s.route_tables.iter().filter(|r| r.main).count();
    assert_eq!(main, 1);

    let ep = &s.vpc_endpoints[0];
    assert_eq!(ep.id, "vpce-0b7357542bb7b83ec");
    assert_eq!(ep.endpoint_type, EndpointType::Gateway);
    assert_eq!(ep.state.as_deref(), Some("available"));
    assert_eq!(ep.route_table_ids.len(), 2);
    assert_eq!(ep.private_dns_enabled, Some(false));
    assert!(ep
        .policy_document
        .as_deref()
        .unwrap()
        .contains("2008-10-17"));

    let entries: usize = s.network_acls.iter().map(|a| a.entries.len()).sum();
    assert_eq!(entries, 8);

    // Files of kinds sagescope does not read are noted, by top-level key.
    let unknown = with_code(&s, "unknown-input");
    let noted = |file: &str, key: &str| {
        unknown
            .iter()
            .any(|d| d.file.as_deref() == Some(file) && d.message.contains(key))
    };
    assert!(noted("RdsInstances.json", "DBInstances"));
    assert!(noted("VpcEndpointServices.json", "ServiceDetails"));
    assert!(noted("LoadBalancers.json", "LoadBalancers"));
    assert!(noted("AvailabilityZones.json", "AvailabilityZones"));
    assert!(noted("CustomerGateways.json", "CustomerGateways"));
    // Empty lists of known kinds are no news.
    assert!(!unknown
        .iter()
        .any(|d| d.file.as_deref() == Some("TransitGateways.json")));
    assert!(unknown.iter().all(|d| d.level == Level::Note));
}

#[test]
fn public_subnet_instance_addresses_and_rules() {
    let s = batfish("test-public-subnet");
    let i = s
        .instances
        .iter()
        .find(|i| i.id == "i-06669a407b2ef3ae5")
        .unwrap();
    assert_eq!(i.private_ip, Some(net("10.0.0.91")));
    assert_eq!(i.public_ip, Some(net("18.216.80.133")));
    assert_eq!(i.state.as_deref(), Some("running"));
    assert_eq!(i.subnet_id.as_deref(), Some("subnet-0bb82ae8b3ea5dc78"));
    assert_eq!(i.network_interface_ids, ["eni-00064850627e198ee"]);
    assert_eq!(i.security_group_ids, ["sg-09ccba6656672061b"]);
    assert!(i.source_dest_check);

    let eni = &s.network_interfaces[0];
    assert_eq!(eni.id, "eni-00064850627e198ee");
    assert_eq!(
        eni.private_ips[0].address,
        net::<std::net::Ipv4Addr>("10.0.0.91")
    );
    assert_eq!(eni.private_ips[0].public_ip, Some(net("18.216.80.133")));
    assert!(eni.private_ips[0].primary);

    let acl = &s.network_acls[0];
    assert_eq!(acl.id, "acl-0d9449710ec85473c");
    assert!(acl.is_default);
    assert_eq!(acl.subnet_ids, ["subnet-0bb82ae8b3ea5dc78"]);
    assert_eq!(acl.entries.len(), 4);
    assert_eq!(
        (acl.entries[0].rule_number, acl.entries[0].egress),
        (100, false)
    );
    assert_eq!(acl.entries[0].protocol, Protocol::All);
    assert_eq!(acl.entries[1].action, RuleAction::Deny);

    let sg = s
        .security_groups
        .iter()
        .find(|g| g.id == "sg-09ccba6656672061b")
        .unwrap();
    assert_eq!(sg.name, "launch-wizard-1");
    assert_eq!(sg.ingress.len(), 1);
    assert_eq!(sg.ingress[0].protocol, Protocol::TCP);
    assert_eq!(sg.ingress[0].port_range(), PortRange::single(22));
    assert_eq!(sg.ingress[0].ipv4, [net::<ipnet::Ipv4Net>("0.0.0.0/0")]);
    assert_eq!(sg.egress[0].protocol, Protocol::All);
    let default = s
        .security_groups
        .iter()
        .find(|g| g.name == "default")
        .unwrap();
    assert_eq!(default.ingress[0].groups[0].group_id, default.id);
    assert_eq!(
        default.ingress[0].groups[0].user_id.as_deref(),
        Some("554773406868")
    );

    assert_eq!(s.internet_gateways[0].vpc_ids, [s.vpcs[0].id.clone()]);
}

#[test]
fn nat_gateway_and_icmp_rule() {
    let s = batfish("test-nat-gateway");
    let nat = &s.nat_gateways[0];
    assert_eq!(nat.id, "nat-07ab4846da51f4612");
    assert_eq!(nat.state, "available");
    assert_eq!(nat.connectivity_type, "public");
    assert_eq!(nat.addresses[0].public_ip, Some(net("3.135.127.225")));
    assert_eq!(nat.addresses[0].private_ip, Some(net("10.1.250.210")));
    assert!(s.route_tables.iter().any(|t| t
        .routes
        .iter()
        .any(|r| r.target == RouteTarget::NatGateway(nat.id.clone())
            && r.destination == RouteDestination::Ipv4(net("0.0.0.0/0")))));
    let icmp = s
        .security_groups
        .iter()
        .flat_map(|g| &g.ingress)
        .find(|r| r.protocol == Protocol::ICMP)
        .unwrap();
    assert_eq!((icmp.from_port, icmp.to_port), (Some(8), Some(0)));
    let nat_eni = s
        .network_interfaces
        .iter()
        .find(|e| e.interface_type.as_deref() == Some("nat_gateway"))
        .unwrap();
    assert!(nat_eni.requester_managed);
    assert!(!nat_eni.source_dest_check);
}

#[test]
fn vpn_gateway_and_interface_endpoint() {
    let s = batfish("test-public-private-subnet");
    assert_eq!(s.vpn_gateways[0].id, "vgw-070087240d6fa2989");
    assert_eq!(s.vpn_gateways[0].vpc_ids, ["vpc-0b966fdeb36d5e43f"]);
    let main = s.route_tables.iter().find(|t| t.main).unwrap();
    assert!(main
        .routes
        .iter()
        .any(|r| r.target == RouteTarget::VirtualPrivateGateway("vgw-070087240d6fa2989".into())));

    let s = batfish("test-vpc-endpoint-interface");
    let ep = &s.vpc_endpoints[0];
    assert_eq!(ep.endpoint_type, EndpointType::Interface);
    assert_eq!(ep.private_dns_enabled, Some(true));
    assert_eq!(ep.network_interface_ids, ["eni-0084b734451ba23ca"]);
    assert_eq!(ep.security_group_ids, ["sg-0973207c61f3466e1"]);
    let eni = s
        .network_interfaces
        .iter()
        .find(|e| e.id == "eni-0084b734451ba23ca")
        .unwrap();
    assert_eq!(eni.interface_type.as_deref(), Some("vpc_endpoint"));
}

#[test]
fn a_single_response_file_imports_alone() {
    let path = batfish_root().join("test-public-subnet/aws/Subnets.json");
    let s = load(&path).unwrap();
    assert_eq!(s.subnets.len(), 1);
    assert!(s.vpcs.is_empty() && s.diagnostics.is_empty());

    let path = batfish_root().join("test-vpc-endpoint-gateway/aws/RdsInstances.json");
    let s = load(&path).unwrap();
    assert_eq!(
        with_code(&s, "unknown-input")[0].file.as_deref(),
        Some("RdsInstances.json")
    );
    assert_eq!(with_code(&s, "no-aws-data").len(), 1);
}

// ----------------------------------------------------------- fixtures ----

#[test]
fn sagemaker_vpconly_in_accounts_region_layout() {
    let s = fixture("sagemaker-vpconly");
    // Only the README is not an API response.
    assert_eq!(s.diagnostics.len(), 1, "{:#?}", s.diagnostics);
    assert_eq!(s.diagnostics[0].file.as_deref(), Some("README.md"));

    let vpc = &s.vpcs[0];
    // Associated CIDR blocks only, primary first.
    assert_eq!(vpc.cidr_blocks, [net("10.20.0.0/16"), net("100.64.0.0/16")]);
    assert_eq!(vpc.enable_dns_support, Some(true));
    assert_eq!(vpc.enable_dns_hostnames, Some(false));

    // Domain: described, and completed from ListDomains; the listed-only
    // one is not described.
    let d = &s.domains[0];
    assert_eq!(d.id, "d-abcdefghijkl");
    assert!(d.described && d.is_vpc_only());
    assert_eq!(d.region(), Some("eu-west-1"));
    assert_eq!(d.subnet_ids.len(), 2);
    assert_eq!(
        d.home_efs_file_system_id.as_deref(),
        Some("fs-0f5000000000001")
    );
    assert_eq!(
        d.default_user_settings.security_groups,
        ["sg-0510d10000000000a"]
    );
    assert_eq!(
        d.default_user_settings.custom_images,
        ["team-image", "kg-image"]
    );
    let space_defaults = d.default_space_settings.as_ref().unwrap();
    assert_eq!(space_defaults.security_groups, ["sg-0510d10000000000a"]);
    assert_eq!(d.ip_address_type.as_deref(), Some("ipv4"));
    let other = &s.domains[1];
    assert_eq!(other.id, "d-listedonly01");
    assert!(!other.described);
    assert_eq!(other.app_network_access_type, None);

    // Profiles: alice described (settings known), bob listed only.
    let alice = &s.user_profiles[0];
    assert_eq!(alice.name, "alice");
    let settings = alice.user_settings.as_ref().unwrap();
    assert_eq!(settings.security_groups, ["sg-0a11ce0000000000e"]);
    assert_eq!(settings.custom_images, ["alice-editor"]);
    assert_eq!(s.user_profiles[1].name, "bob");
    assert!(s.user_profiles[1].user_settings.is_none());

    // Spaces: ListSpaces summaries and DescribeSpace merged.
    let team = s.spaces.iter().find(|sp| sp.name == "team").unwrap();
    assert_eq!(team.sharing_type.as_deref(), Some("Shared"));
    assert!(team.arn.is_some());
    let private = s
        .spaces
        .iter()
        .find(|sp| sp.name == "alice-private")
        .unwrap();
    assert_eq!(private.sharing_type.as_deref(), Some("Private"));
    assert_eq!(private.owner_user_profile_name.as_deref(), Some("alice"));
    let app = s.apps.iter().find(|a| a.space_name.is_some()).unwrap();
    assert_eq!(app.instance_type.as_deref(), Some("ml.t3.medium"));

    // Prefix lists from three calls.
    let pl = |id: &str| s.prefix_lists.iter().find(|p| p.id == id).unwrap();
    let corp = pl("pl-0abc12345def67890");
    assert!(corp.entries_known);
    assert_eq!(corp.name, "corp-networks");
    assert_eq!(corp.cidrs, [net("192.0.2.0/24"), net("198.51.100.0/24")]);
    let s3 = pl("pl-6da54004");
    assert!(s3.entries_known);
    assert_eq!(s3.owner_id.as_deref(), Some("AWS"));
    assert!(s3.cidrs.contains(&net("52.218.0.0/17")));
    assert!(!pl("pl-0feedface0000000").entries_known);
    // Entries of a list never described still make a list.
    let orphan = pl("pl-0ddd0000");
    assert!(orphan.entries_known && orphan.cidrs == [net::<ipnet::IpNet>("203.0.113.0/24")]);

    // Mount targets: groups from DescribeMountTargetSecurityGroups, or
    // else from the mount target's ENI.
    let mt = |id: &str| s.efs_mount_targets.iter().find(|m| m.id == id).unwrap();
    assert_eq!(
        mt("fsmt-0aaa1111").security_group_ids.as_deref(),
        Some(&["sg-0f51000000000000c".to_string()][..])
    );
    assert_eq!(
        mt("fsmt-0bbb2222").security_group_ids.as_deref(),
        Some(
            &[
                "sg-0f51000000000000c".to_string(),
                "sg-0510d10000000000a".to_string()
            ][..]
        )
    );
    assert_eq!(
        mt("fsmt-0aaa1111").availability_zone.as_deref(),
        Some("eu-west-1a")
    );
    assert!(s.efs_file_systems[0].encrypted);

    // Routes: every target kind, instance preferred over its ENI, blackhole.
    let rt = s
        .route_tables
        .iter()
        .find(|t| t.id == "rtb-0b000000000000002")
        .unwrap();
    assert_eq!(
        rt.subnet_ids,
        ["subnet-0aaa000000000000a", "subnet-0bbb000000000000b"]
    );
    let to = |dest: &str| {
        rt.routes
            .iter()
            .find(|r| r.destination.to_string() == dest)
            .unwrap()
    };
    assert_eq!(
        to("10.99.0.0/16").target,
        RouteTarget::Instance("i-0c0c0c0c0c0c0c0c1".into())
    );
    assert!(!to("192.168.0.0/16").active);
    assert_eq!(
        to("192.168.0.0/16").target,
        RouteTarget::TransitGateway("tgw-0123456789abcdef0".into())
    );
    assert_eq!(
        to("::/0").target,
        RouteTarget::EgressOnlyInternetGateway("eigw-0e16000000000001".into())
    );
    assert!(matches!(
        to("pl-0abc12345def67890").target,
        RouteTarget::CoreNetwork(_)
    ));
    assert!(matches!(
        to("10.30.0.0/16").target,
        RouteTarget::VpcPeeringConnection(_)
    ));

    // NACL details.
    let acl = &s.network_acls[0];
    let e = |n: u32| {
        acl.entries
            .iter()
            .find(|e| e.rule_number == n && !e.egress)
            .unwrap()
    };
    assert_eq!(e(100).port_range, Some(PortRange::single(2049)));
    assert_eq!(e(120).icmp_type_code, Some((-1, -1)));
    assert_eq!(e(140).protocol, Protocol::ICMPV6);
    assert_eq!(e(140).ipv6_cidr, Some(net("::/0")));

    // Security group rules keep AWS order.
    let studio = s
        .security_groups
        .iter()
        .find(|g| g.id == "sg-0510d10000000000a")
        .unwrap();
    assert_eq!(studio.egress.len(), 5);
    assert_eq!(studio.egress[1].prefix_lists, ["pl-6da54004"]);
    assert_eq!(studio.egress[4].protocol, Protocol::UDP);
    assert_eq!(studio.egress[4].ipv6, [net::<ipnet::Ipv6Net>("fd00::/8")]);

    // Upper-case states are lower-cased; ConnectivityType defaults to public.
    assert_eq!(s.nat_gateways[0].state, "available");
    assert_eq!(s.nat_gateways[0].connectivity_type, "public");
    let api = s
        .vpc_endpoints
        .iter()
        .find(|e| e.service_name.ends_with("sagemaker.api"))
        .unwrap();
    assert_eq!(api.state.as_deref(), Some("available"));
    // A detached internet gateway is attached to nothing.
    let detached = s
        .internet_gateways
        .iter()
        .find(|g| g.id == "igw-0detached000000001")
        .unwrap();
    assert!(detached.vpc_ids.is_empty());

    // The proxy's ENI is only in DescribeInstances: taken from there.
    let proxy = s
        .network_interfaces
        .iter()
        .find(|e| e.id == "eni-0ccc00000000000d1")
        .unwrap();
    assert_eq!(proxy.instance_id.as_deref(), Some("i-0c0c0c0c0c0c0c0c1"));
    assert_eq!(proxy.availability_zone.as_deref(), Some("eu-west-1a"));
    assert_eq!(proxy.private_ips[0].public_ip, Some(net("198.51.100.50")));
    assert!(!proxy.source_dest_check);

    let dhcp = &s.dhcp_options[0];
    assert_eq!(dhcp.domain_name_servers, ["AmazonProvidedDNS"]);
    assert_eq!(
        dhcp.domain_name.as_deref(),
        Some("eu-west-1.compute.internal")
    );
}

#[test]
fn invalid_values_are_skipped_with_warnings() {
    let s = fixture("invalid-values");
    let invalid = with_code(&s, "invalid-input");
    let has = |file: &str, id: Option<&str>, text: &str| {
        invalid.iter().any(|d| {
            d.file.as_deref() == Some(file)
                && id.is_none_or(|id| d.ids.iter().any(|i| i == id) && d.message.contains(id))
                && d.message.contains(text)
        })
    };
    // A wrong type drops the field, not the subnet.
    assert!(has(
        "us-east-2/Subnets.json",
        Some("subnet-000000000000000a1"),
        "`CidrBlock`"
    ));
    let sub = s
        .subnets
        .iter()
        .find(|x| x.id == "subnet-000000000000000a1")
        .unwrap();
    assert_eq!(sub.cidr, None);
    // A subnet without id is skipped.
    assert!(has("us-east-2/Subnets.json", None, "missing `SubnetId`"));
    assert_eq!(s.subnets.len(), 2);
    assert!(has(
        "us-east-2/Vpcs.json",
        Some("vpc-0000000000000000b"),
        "10.0.0.0/33"
    ));
    assert!(has(
        "us-east-2/SecurityGroups.json",
        Some("sg-000000000000000a1"),
        "banana"
    ));
    assert!(has(
        "us-east-2/SecurityGroups.json",
        Some("sg-000000000000000a1"),
        "1024-22"
    ));
    assert!(has(
        "us-east-2/NetworkAcls.json",
        Some("acl-000000000000000a1"),
        "2000-1000"
    ));
    // Issue 6: the first unreadable entry skips the whole ACL (rules apply
    // in order), so the later "banana" entry is not even reached.
    assert!(has(
        "us-east-2/NetworkAcls.json",
        Some("acl-000000000000000a1"),
        "the whole ACL is skipped"
    ));
    assert!(has(
        "us-east-2/RouteTables.json",
        Some("rtb-000000000000000a1"),
        "300.0.0.0/8"
    ));

    let sg = &s.security_groups[0];
    // Rules 2 and 3 dropped; rule 4 keeps its valid CIDR only.
    assert_eq!(sg.ingress.len(), 3);
    assert_eq!(sg.ingress[1].ipv4, [net::<ipnet::Ipv4Net>("10.0.0.0/16")]);
    assert_eq!(
        (sg.ingress[2].from_port, sg.ingress[2].to_port),
        (Some(8), Some(-1))
    );
    assert!(s.network_acls.is_empty(), "{:?}", s.network_acls);
    // Issue 6: a route without a destination makes the whole table's
    // lookups unknown (one catch-all route to an unknown target).
    let rt = &s.route_tables[0];
    assert!(rt.main);
    assert_eq!(rt.routes.len(), 1);
    assert_eq!(rt.routes[0].destination.to_string(), "0.0.0.0/0");
    assert_eq!(rt.routes[0].target.id(), "unreadable-route-target");

    // Data for resources never described.
    let unmatched = with_code(&s, "unmatched-input");
    assert_eq!(unmatched.len(), 2);
    assert!(unmatched.iter().any(|d| d.ids == ["vpc-00000000000000fff"]));
    assert!(unmatched.iter().any(|d| d.ids == ["fsmt-0ffff"]));
    // A JSON file that is not an object is noted.
    assert!(with_code(&s, "unknown-input")
        .iter()
        .any(|d| d.file.as_deref() == Some("us-east-2/Notes.json")));
}

#[test]
fn duplicates_identical_kept_once_differing_warned() {
    let s = fixture("duplicates");
    assert_eq!(s.vpcs.len(), 1);
    assert_eq!(s.subnets.len(), 2);
    let dups = with_code(&s, "duplicate-id");
    assert_eq!(dups.len(), 1, "{dups:#?}");
    let d = dups[0];
    assert_eq!(d.ids, ["subnet-000000000000000b2"]);
    assert!(d.message.contains("capture-1/describe-subnets.json"));
    assert!(d.message.contains("capture-2/describe-subnets.json"));
    // The first in file order wins.
    let sub = s
        .subnets
        .iter()
        .find(|x| x.id == "subnet-000000000000000b2")
        .unwrap();
    assert_eq!(sub.cidr, Some(net("10.0.2.0/24")));
}

#[test]
fn import_is_deterministic_and_independent_of_location() {
    let a = fixture("sagemaker-vpconly");
    let b = fixture("sagemaker-vpconly");
    assert_eq!(a, b);
    // The same tree somewhere else gives the same snapshot.
    let tmp = tempfile::tempdir().unwrap();
    copy_tree(
        &fixture_dir("invalid-values"),
        &tmp.path().join("elsewhere"),
    );
    let moved = load(&tmp.path().join("elsewhere")).unwrap();
    assert_eq!(moved, fixture("invalid-values"));
}

fn copy_tree(from: &Path, to: &Path) {
    fs::create_dir_all(to).unwrap();
    for e in fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        let dest = to.join(e.file_name());
        if e.path().is_dir() {
            copy_tree(&e.path(), &dest);
        } else {
            fs::copy(e.path(), dest).unwrap();
        }
    }
}

// ------------------------------------------------------ snapshot files ----

#[test]
fn snapshot_file_round_trip() {
    for s in [
        fixture("sagemaker-vpconly"),
        batfish("test-vpc-endpoint-gateway"),
    ] {
        let mut text = Vec::new();
        write_snapshot(&s, &mut text).unwrap();
        assert!(text.ends_with(b"}\n"));
        let tmp = temp_tree(&[("snap.json", std::str::from_utf8(&text).unwrap())]);
        let back = load(&tmp.path().join("snap.json")).unwrap();
        assert_eq!(back, s);
    }
}

#[test]
fn snapshot_of_unknown_version_is_refused() {
    let tmp = temp_tree(&[("old.json", r#"{"schema_version": 99, "vpcs": []}"#)]);
    let err = load(&tmp.path().join("old.json")).unwrap_err();
    let msg = err.to_string();
    assert!(msg.contains("old.json") && msg.contains("99"), "{msg}");
    assert!(matches!(err, ImportError::Invalid { .. }));
}

#[test]
fn snapshot_inside_a_folder_is_skipped_with_a_note() {
    let tmp = temp_tree(&[
        ("snap.json", r#"{"schema_version": 1}"#),
        (
            "vpcs.json",
            r#"{"Vpcs": [{"VpcId": "vpc-1", "CidrBlock": "10.0.0.0/16"}]}"#,
        ),
    ]);
    let s = load(tmp.path()).unwrap();
    assert_eq!(s.vpcs.len(), 1);
    assert_eq!(
        with_code(&s, "unknown-input")[0].file.as_deref(),
        Some("snap.json")
    );
}

// ------------------------------------------------------------- errors ----

#[test]
fn syntax_error_names_file_line_and_column() {
    let tmp = temp_tree(&[
        ("a/Vpcs.json", r#"{"Vpcs": []}"#),
        (
            "b/Subnets.json",
            "{\n  \"Subnets\": [\n    {\"SubnetId\": }\n  ]\n}\n",
        ),
    ]);
    let err = load(tmp.path()).unwrap_err();
    match &err {
        ImportError::Syntax {
            path, line, column, ..
        } => {
            assert!(path.ends_with("b/Subnets.json"));
            assert_eq!((*line, *column), (3, 18));
        }
        other => panic!("{other:?}"),
    }
    assert!(
        err.to_string()
            .contains("Subnets.json:3:18: malformed JSON"),
        "{err}"
    );
}

#[test]
fn empty_file_is_an_error() {
    for text in ["", "  \n"] {
        let tmp = temp_tree(&[("Vpcs.json", text)]);
        let err = load(tmp.path()).unwrap_err();
        assert!(err.to_string().contains("Vpcs.json") && err.to_string().contains("empty file"));
    }
}

#[test]
fn missing_path_is_an_io_error() {
    let err = load(Path::new("/definitely/not/here")).unwrap_err();
    assert!(matches!(err, ImportError::Io { .. }));
    assert!(err.to_string().contains("/definitely/not/here"));
}

#[test]
fn file_name_matched_kinds_need_the_id_in_the_name() {
    let tmp = temp_tree(&[("entries.json", r#"{"Entries": [{"Cidr": "10.0.0.0/8"}]}"#)]);
    let err = load(tmp.path()).unwrap_err();
    assert!(
        err.to_string().contains("entries.json") && err.to_string().contains("pl-"),
        "{err}"
    );

    let tmp = temp_tree(&[("groups.json", r#"{"SecurityGroups": ["sg-1"]}"#)]);
    let err = load(tmp.path()).unwrap_err();
    assert!(
        err.to_string().contains("groups.json") && err.to_string().contains("fsmt-"),
        "{err}"
    );

    // Named properly, they work; SecurityGroups as objects is DescribeSecurityGroups.
    let tmp = temp_tree(&[
        (
            "x/get-managed-prefix-list-entries-pl-0abc.json",
            r#"{"Entries": [{"Cidr": "10.0.0.0/8", "Description": "corp"}]}"#,
        ),
        (
            "x/describe-mount-target-security-groups-fsmt-0abc.json",
            r#"{"SecurityGroups": ["sg-1", "sg-2"]}"#,
        ),
        (
            "x/mt.json",
            r#"{"MountTargets": [{"MountTargetId": "fsmt-0abc", "FileSystemId": "fs-1", "SubnetId": "subnet-1"}]}"#,
        ),
        (
            "x/sg.json",
            r#"{"SecurityGroups": [{"GroupId": "sg-1", "GroupName": "a"}]}"#,
        ),
    ]);
    let s = load(tmp.path()).unwrap();
    assert_eq!(s.prefix_lists[0].id, "pl-0abc");
    assert!(s.prefix_lists[0].entries_known);
    assert_eq!(
        s.efs_mount_targets[0].security_group_ids,
        Some(vec!["sg-1".to_string(), "sg-2".to_string()])
    );
    assert_eq!(s.security_groups[0].id, "sg-1");
    assert!(s.diagnostics.is_empty(), "{:#?}", s.diagnostics);
}

#[test]
fn folder_without_aws_data_is_ok_but_warned() {
    let tmp = temp_tree(&[
        ("notes.txt", "hello"),
        ("zones.json", r#"{"AvailabilityZones": []}"#),
    ]);
    let s = load(tmp.path()).unwrap();
    assert_eq!(with_code(&s, "no-aws-data").len(), 1);
    assert_eq!(with_code(&s, "unknown-input").len(), 2);
    let s = load(tempfile::tempdir().unwrap().path()).unwrap();
    assert_eq!(with_code(&s, "no-aws-data").len(), 1);
}

#[test]
fn both_timestamp_styles_and_paging_keys_are_fine() {
    let tmp = temp_tree(&[(
        "eps.json",
        r#"{"VpcEndpoints": [
            {"VpcEndpointId": "vpce-1", "VpcId": "vpc-1", "ServiceName": "com.amazonaws.eu-west-1.s3",
             "VpcEndpointType": "Gateway", "State": "Available", "CreationTimestamp": "2023-07-14T00:00:00.000Z"},
            {"VpcEndpointId": "vpce-2", "VpcId": "vpc-1", "ServiceName": "com.amazonaws.eu-west-1.sts",
             "VpcEndpointType": "Interface", "CreationTimestamp": "2020-05-08 03:45:53+00:00"}],
           "NextToken": "abc", "ResponseMetadata": {"RequestId": "r"}}"#,
    )]);
    let s = load(tmp.path()).unwrap();
    assert_eq!(s.vpc_endpoints.len(), 2);
    assert_eq!(s.vpc_endpoints[0].state.as_deref(), Some("available"));
    assert!(s.diagnostics.is_empty(), "{:#?}", s.diagnostics);
}

/// Audit `snapshot` with every built-in query; (query, source name,
/// subnet) -> verdict.
fn verdicts(snapshot: &Snapshot) -> Vec<(String, String, String, sagescope::engine::Verdict)> {
    let queries = sagescope::query::builtin_queries().unwrap();
    let (topo, _) = sagescope::graph::Topology::build(snapshot);
    sagescope::query::run_queries(
        snapshot,
        &topo,
        &queries,
        &sagescope::engine::Settings::default(),
        &sagescope::query::Filters::default(),
    )
    .into_iter()
    .map(|r| {
        (
            r.query,
            r.source.name.clone(),
            r.source.subnet_id.clone(),
            r.verdict,
        )
    })
    .collect()
}

fn healthy_with(edit: impl Fn(&mut serde_json::Value), file: &str) -> tempfile::TempDir {
    let tmp = tempfile::tempdir().unwrap();
    copy_tree(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/healthy-vpc-only"),
        tmp.path(),
    );
    let path = tmp.path().join(file);
    let mut v: serde_json::Value = serde_json::from_slice(&std::fs::read(&path).unwrap()).unwrap();
    edit(&mut v);
    std::fs::write(&path, serde_json::to_vec(&v).unwrap()).unwrap();
    tmp
}

#[test]
fn issue_6_an_unreadable_nacl_deny_never_turns_blocked_into_reachable() {
    use sagescope::engine::Verdict;
    // A deny for TCP 443 to the VPC, ahead of the allows: sagemaker-api
    // is blocked wherever it leaves the source's subnet.
    let deny = serde_json::json!({"RuleNumber": 50, "Egress": true, "Protocol": "6",
        "RuleAction": "deny", "CidrBlock": "10.20.0.0/16", "PortRange": {"From": 443, "To": 443}});
    let readable = healthy_with(
        |v| {
            v["NetworkAcls"][1]["Entries"]
                .as_array_mut()
                .unwrap()
                .push(deny.clone())
        },
        "describe-network-acls.json",
    );
    let mut broken_deny = deny.clone();
    broken_deny["Protocol"] = serde_json::json!("banana");
    let unreadable = healthy_with(
        |v| {
            v["NetworkAcls"][1]["Entries"]
                .as_array_mut()
                .unwrap()
                .push(broken_deny.clone())
        },
        "describe-network-acls.json",
    );
    let before = verdicts(&load(readable.path()).unwrap());
    let after = verdicts(&load(unreadable.path()).unwrap());
    assert_eq!(before.len(), after.len());
    let mut blocked = 0;
    for (b, a) in before.iter().zip(&after) {
        assert_eq!((&b.0, &b.1, &b.2), (&a.0, &a.1, &a.2));
        if b.3 != Verdict::Reachable {
            assert_ne!(a.3, Verdict::Reachable, "{b:?} became {a:?}");
        }
        if matches!(b.3, Verdict::Blocked | Verdict::Partial) && b.0 == "sagemaker-api" {
            blocked += 1;
            assert_eq!(a.3, Verdict::Unknown, "{a:?}");
        }
    }
    assert!(
        blocked > 0,
        "the readable deny blocks (part of) sagemaker-api"
    );
}

#[test]
fn issue_6_an_unreadable_route_never_turns_blocked_into_reachable() {
    use sagescope::engine::Verdict;
    // A blackhole for subnet c in the subnets' table: traffic to it drops.
    let blackhole = serde_json::json!({"DestinationCidrBlock": "10.20.3.0/24",
        "GatewayId": "igw-0deleted", "State": "blackhole"});
    let readable = healthy_with(
        |v| {
            v["RouteTables"][1]["Routes"]
                .as_array_mut()
                .unwrap()
                .push(blackhole.clone())
        },
        "describe-route-tables.json",
    );
    // The same route with its target lost, and with its destination broken.
    for broken in [
        serde_json::json!({"DestinationCidrBlock": "10.20.3.0/24", "State": "blackhole"}),
        serde_json::json!({"DestinationCidrBlock": "10.20.3.0/33", "GatewayId": "igw-0deleted",
            "State": "blackhole"}),
    ] {
        let unreadable = healthy_with(
            |v| {
                v["RouteTables"][1]["Routes"]
                    .as_array_mut()
                    .unwrap()
                    .push(broken.clone())
            },
            "describe-route-tables.json",
        );
        let before = verdicts(&load(readable.path()).unwrap());
        let after = verdicts(&load(unreadable.path()).unwrap());
        assert_eq!(before.len(), after.len());
        assert!(before.iter().any(|b| b.3 == Verdict::Blocked));
        for (b, a) in before.iter().zip(&after) {
            if b.3 != Verdict::Reachable {
                assert_ne!(a.3, Verdict::Reachable, "{broken}: {b:?} became {a:?}");
            }
        }
    }
}
