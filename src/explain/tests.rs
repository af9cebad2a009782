use std::path::Path;

use super::*;
use crate::import;
use crate::snapshot::{GroupRef, Protocol, RouteDestination, RouteTarget};

fn example(name: &str) -> Snapshot {
    import::load(
        &Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("examples")
            .join(name),
    )
    .unwrap()
}

fn explain_first(s: &Snapshot) -> DomainExplanation {
    let (t, _) = Topology::build(s);
    let mut e = explain(s, &t, &[]);
    assert_eq!(e.domains.len(), 1);
    e.domains.remove(0)
}

/// (status, code) of every flagged item, in section order.
fn flagged(d: &DomainExplanation) -> Vec<(Status, String)> {
    d.sections
        .iter()
        .flat_map(|s| &s.items)
        .filter_map(|i| i.code.clone().map(|c| (i.status, c)))
        .filter(|(s, _)| *s != Status::Info)
        .collect()
}

fn item<'a>(d: &'a DomainExplanation, code: &str) -> &'a Item {
    d.sections
        .iter()
        .flat_map(|s| &s.items)
        .find(|i| i.code.as_deref() == Some(code))
        .unwrap_or_else(|| panic!("no item with code {code}: {:#?}", flagged(d)))
}

fn group_mut<'a>(s: &'a mut Snapshot, name_prefix: &str) -> &'a mut crate::snapshot::SecurityGroup {
    s.security_groups
        .iter_mut()
        .find(|g| g.name.starts_with(name_prefix))
        .unwrap()
}

#[test]
fn healthy_example_has_nothing_missing() {
    let d = explain_first(&example("healthy-vpc-only"));
    assert_eq!(flagged(&d), vec![]);
    assert_eq!(d.counts.error + d.counts.unknown + d.counts.warning, 0);
    assert!(d.counts.ok > 20, "{:?}", d.counts);
    let ids: Vec<&str> = d.sections.iter().map(|s| s.id.as_str()).collect();
    assert_eq!(
        ids,
        [
            "domain",
            "authentication",
            "execution-roles",
            "network-mode",
            "vpc",
            "subnets",
            "security-groups",
            "nfs-security-groups",
            "kms",
            "home-efs",
            "endpoints",
            "users-and-apps"
        ]
    );
}

#[test]
fn broken_example_reports_the_faults_explain_can_see() {
    let d = explain_first(&example("broken-vpc-only"));
    assert_eq!(
        flagged(&d),
        [
            (
                Status::Error,
                "mount-target-without-inbound-nfs-group".to_string()
            ),
            (Status::Error, "mount-target-missing-in-az".to_string()),
            (Status::Error, "endpoint-private-dns-off".to_string()),
            (Status::Error, "s3-route-missing".to_string()),
            (Status::Warning, "endpoint-az-coverage".to_string()),
            (Status::Warning, "endpoint-recommended-missing".to_string()),
        ]
    );
    let mt = item(&d, "mount-target-without-inbound-nfs-group");
    assert_eq!(mt.ids, ["fsmt-0944303c96e81d59d", "sg-08922444968f2e4a2"]);
    assert!(mt.meaning.contains("aws efs modify-mount-target-security-groups --mount-target-id fsmt-0944303c96e81d59d --security-groups sg-059a7d9e1db9be38f sg-08922444968f2e4a2"), "{}", mt.meaning);
    let az = item(&d, "mount-target-missing-in-az");
    assert_eq!(az.parameter, "Mount target in eu-west-1c");
    let s3 = item(&d, "s3-route-missing");
    assert!(
        s3.meaning
            .contains("subnet-02d7579b6ede822c9 (rtb-026c565a7d628495e)"),
        "{}",
        s3.meaning
    );
    assert!(
        s3.meaning
            .contains("--add-route-table-ids rtb-026c565a7d628495e"),
        "{}",
        s3.meaning
    );
    let sts = item(&d, "endpoint-az-coverage");
    assert!(
        sts.parameter.starts_with("sts endpoint"),
        "{}",
        sts.parameter
    );
    assert!(
        sts.meaning.contains("No ENI in eu-west-1c"),
        "{}",
        sts.meaning
    );
}

#[test]
fn public_internet_only_needs_no_endpoint_and_allows_public_subnets() {
    let d = explain_first(&example("public-internet-only"));
    assert_eq!(flagged(&d), vec![]);
    let endpoints = d.sections.iter().find(|s| s.id == "endpoints").unwrap();
    assert_eq!(endpoints.items[0].value, "none");
    let mode = &d
        .sections
        .iter()
        .find(|s| s.id == "network-mode")
        .unwrap()
        .items[0];
    assert_eq!(mode.value, "PublicInternetOnly");
    assert!(
        mode.meaning.contains("Only the home EFS"),
        "{}",
        mode.meaning
    );
}

#[test]
fn an_emptied_nfs_pair_is_missing_its_rules() {
    let mut s = example("healthy-vpc-only");
    group_mut(&mut s, "security-group-for-inbound-nfs-")
        .ingress
        .clear();
    group_mut(&mut s, "security-group-for-outbound-nfs-")
        .egress
        .clear();
    let d = explain_first(&s);
    assert_eq!(
        flagged(&d),
        [
            (Status::Error, "nfs-inbound-rule-missing".to_string()),
            (Status::Error, "nfs-outbound-rule-missing".to_string()),
        ]
    );
    let i = item(&d, "nfs-inbound-rule-missing");
    assert_eq!(i.value, "no ingress rules (emptied)");
    assert!(i.meaning.contains("aws ec2 authorize-security-group-ingress --group-id sg-0ed730293c245018b --ip-permissions IpProtocol=tcp,FromPort=2049,ToPort=2049,UserIdGroupPairs=[{GroupId=sg-0dd6fba35e900bf49}]"), "{}", i.meaning);
    let o = item(&d, "nfs-outbound-rule-missing");
    assert_eq!(o.value, "no egress rules (emptied)");
    assert!(d.counts.error == 2);
}

#[test]
fn a_deleted_nfs_pair_is_missing() {
    let mut s = example("healthy-vpc-only");
    s.security_groups
        .retain(|g| !g.name.starts_with("security-group-for-"));
    let d = explain_first(&s);
    let codes: Vec<String> = flagged(&d).into_iter().map(|(_, c)| c).collect();
    assert_eq!(
        codes,
        ["nfs-inbound-group-missing", "nfs-outbound-group-missing"]
    );
    assert_eq!(item(&d, "nfs-inbound-group-missing").value, "deleted");
    assert_eq!(item(&d, "nfs-inbound-group-missing").status, Status::Error);
}

#[test]
fn nfs_rules_must_be_tcp_2049_between_the_pair() {
    let mut s = example("healthy-vpc-only");
    let outbound = group_mut(&mut s, "security-group-for-outbound-nfs-")
        .id
        .clone();
    // Only a TCP 443 rule from the right group: not NFS.
    let inbound = group_mut(&mut s, "security-group-for-inbound-nfs-");
    inbound.ingress.truncate(1);
    inbound.ingress[0].protocol = Protocol::TCP;
    inbound.ingress[0].from_port = Some(443);
    inbound.ingress[0].to_port = Some(443);
    inbound.ingress[0].groups = vec![GroupRef {
        group_id: outbound.clone(),
        user_id: None,
        vpc_peering_connection_id: None,
    }];
    let d = explain_first(&s);
    assert_eq!(
        item(&d, "nfs-inbound-rule-missing").value,
        format!("1 ingress rule(s), none TCP 2049 from {outbound}")
    );
    // All traffic from the outbound group covers NFS.
    let inbound = group_mut(&mut s, "security-group-for-inbound-nfs-");
    inbound.ingress[0].protocol = Protocol::All;
    assert_eq!(flagged(&explain_first(&s)), vec![]);
    // TCP 2049 from another group does not.
    let inbound = group_mut(&mut s, "security-group-for-inbound-nfs-");
    inbound.ingress[0].groups[0].group_id = "sg-other".into();
    assert!(flagged(&explain_first(&s))
        .iter()
        .any(|(_, c)| c == "nfs-inbound-rule-missing"));
}

#[test]
fn groups_that_were_not_captured_are_unknown() {
    let mut s = example("healthy-vpc-only");
    s.security_groups.clear();
    let (t, _) = Topology::build(&s);
    let e = explain(&s, &t, &[]);
    assert!(e.has_problems());
    let d = &e.domains[0];
    assert!(flagged(d)
        .iter()
        .all(|(st, c)| *st == Status::Unknown && c == "security-groups-unknown"));
    assert!(d.counts.unknown >= 3, "{:?}", d.counts);
}

#[test]
fn mount_target_without_captured_groups_is_unknown() {
    let mut s = example("healthy-vpc-only");
    s.efs_mount_targets[0].security_group_ids = None;
    let d = explain_first(&s);
    assert_eq!(
        flagged(&d),
        [(Status::Unknown, "mount-target-groups-unknown".to_string())]
    );
}

#[test]
fn an_undescribed_domain_says_so_and_stops() {
    let mut s = example("healthy-vpc-only");
    s.domains[0].described = false;
    let d = explain_first(&s);
    assert_eq!(d.sections[0].id, "domain");
    assert_eq!(
        flagged(&d),
        [(Status::Unknown, "domain-not-described".to_string())]
    );
    assert!(d.sections.iter().all(|s| s.id != "nfs-security-groups"));
}

#[test]
fn vpc_only_on_a_public_subnet_is_an_error() {
    let mut s = example("healthy-vpc-only");
    s.internet_gateways.push(crate::snapshot::InternetGateway {
        id: "igw-1".into(),
        vpc_ids: vec![s.vpcs[0].id.clone()],
        tags: Default::default(),
    });
    let rt = s
        .route_tables
        .iter_mut()
        .find(|r| !r.subnet_ids.is_empty())
        .unwrap();
    rt.routes.push(crate::snapshot::Route {
        destination: RouteDestination::Ipv4("0.0.0.0/0".parse().unwrap()),
        target: RouteTarget::InternetGateway("igw-1".into()),
        active: true,
        origin: None,
    });
    let d = explain_first(&s);
    let codes: Vec<String> = flagged(&d).into_iter().map(|(_, c)| c).collect();
    assert_eq!(codes, ["vpc-only-public-subnet"; 3]);
    assert!(item(&d, "vpc-only-public-subnet").meaning.contains("igw-1"));
}

#[test]
fn dualstack_needs_ipv6_on_every_subnet() {
    let mut s = example("healthy-vpc-only");
    s.domains[0].ip_address_type = Some("dualstack".into());
    s.subnets[0].ipv6_cidrs = vec!["2001:db8::/64".parse().unwrap()];
    let d = explain_first(&s);
    let i = item(&d, "dualstack-subnet-without-ipv6");
    assert_eq!(i.status, Status::Error);
    assert_eq!(i.ids.len(), 2);
}

#[test]
fn vpc_only_without_app_groups_is_f9() {
    let mut s = example("healthy-vpc-only");
    s.domains[0].default_user_settings.security_groups.clear();
    for p in &mut s.user_profiles {
        if let Some(u) = &mut p.user_settings {
            u.security_groups.clear();
        }
    }
    s.domains[0].domain_settings_security_group_ids = vec!["sg-0a23c6dd50d1ef1f6".into()];
    let d = explain_first(&s);
    assert_eq!(
        item(&d, "security-groups-only-in-domain-settings").status,
        Status::Error
    );
}

#[test]
fn too_many_groups_after_the_union() {
    let mut s = example("healthy-vpc-only");
    let p = s.user_profiles[0].user_settings.as_mut().unwrap();
    p.security_groups = (1..=4).map(|i| format!("sg-extra{i}")).collect();
    let d = explain_first(&s);
    let i = item(&d, "too-many-security-groups");
    assert!(i.meaning.contains("6 of at most 5"), "{}", i.meaning);
    // The four groups do not exist either.
    assert_eq!(
        flagged(&d)
            .iter()
            .filter(|(_, c)| c == "security-group-missing")
            .count(),
        4
    );
}

#[test]
fn domain_ids_select_and_sort() {
    let s = example("healthy-vpc-only");
    let (t, _) = Topology::build(&s);
    assert_eq!(explain(&s, &t, &["d-other".into()]).domains.len(), 0);
    assert_eq!(explain(&s, &t, &["d-h7k2m9qpx4ta".into()]).domains.len(), 1);
}

#[test]
fn codes_are_unique_documented_kebab_case() {
    let mut seen = std::collections::BTreeSet::new();
    for (code, what) in CODES {
        assert!(crate::query::is_kebab_case(code), "{code}");
        assert!(seen.insert(*code), "{code} twice");
        assert!(!what.is_empty());
    }
}

#[test]
fn app_eni_owner_reads_the_node_tag() {
    let s = example("broken-vpc-only");
    let eni = s
        .network_interfaces
        .iter()
        .find(|e| e.id == "eni-0d81ac43506a38cec")
        .unwrap();
    assert_eq!(
        app_eni_owner(&s, eni, "d-b3x8n5wq2jrz").as_deref(),
        Some("space alice-notebooks")
    );
    assert_eq!(app_eni_owner(&s, eni, "d-other"), None);
}

#[test]
fn renderers_escape_and_wrap() {
    let mut s = example("healthy-vpc-only");
    s.domains[0].name = Some("a|b <x>".into());
    let (t, _) = Topology::build(&s);
    let e = explain(&s, &t, &[]);
    let mut md = Vec::new();
    render::render_markdown(&e, &mut md).unwrap();
    let md = String::from_utf8(md).unwrap();
    assert!(md.contains("a\\|b &lt;x&gt; / d-h7k2m9qpx4ta"), "{md}");
    let mut text = Vec::new();
    render::render_text(&e, &mut text, &crate::report::RenderOptions::default()).unwrap();
    let text = String::from_utf8(text).unwrap();
    assert!(
        text.lines()
            .all(|l| l.chars().count() <= 100 || !l.trim().contains(' ')),
        "{text}"
    );
    assert!(!text.contains('\x1b'));
    let mut json = Vec::new();
    render::render_json(&e, &mut json).unwrap();
    let v: serde_json::Value = serde_json::from_slice(&json).unwrap();
    assert_eq!(v["schema_version"], 1);
    assert_eq!(v["domains"][0]["sections"][0]["items"][0]["status"], "info");
}
