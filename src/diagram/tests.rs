use std::path::{Path, PathBuf};

use super::*;
use crate::engine::Settings;
use crate::import;
use crate::query::{builtin_queries, run_queries, Filters};
use crate::report::{DomainInfo, QueryInfo};

fn path(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(rel)
}

fn diagram_of(s: &Snapshot, filters: &Filters) -> Diagram {
    let (t, _) = Topology::build(s);
    let queries = builtin_queries().unwrap();
    let results = run_queries(s, &t, &queries, &Settings::default(), filters);
    let domains = s
        .domains
        .iter()
        .filter(|d| filters.domain(d))
        .map(|d| DomainInfo::new(d, sources::region_of(s, d)))
        .collect();
    let infos = queries
        .iter()
        .filter(|q| filters.query(q))
        .map(QueryInfo::from_query)
        .collect();
    let report = Report::new(domains, infos, results, vec![]);
    build(s, &t, &report, &queries)
}

fn load(rel: &str) -> Snapshot {
    import::load(&path(rel)).unwrap()
}

const BROKEN: &str = "d-b3x8n5wq2jrz";
const SUB_A: &str = "subnet-048407747a49aad98";
const SUB_B: &str = "subnet-02d7579b6ede822c9";
const SUB_C: &str = "subnet-09c7fc614e9c2d104";

fn src(subnet: &str) -> String {
    format!("src:{BROKEN}:{subnet}")
}

fn edge<'a>(d: &'a Diagram, from: &str, to: &str) -> &'a PathEdge {
    d.edges
        .iter()
        .find(|e| e.from == from && e.to == to)
        .unwrap_or_else(|| {
            let all: Vec<_> = d
                .edges
                .iter()
                .map(|e| format!("{} -> {}", e.from, e.to))
                .collect();
            panic!("no edge {from} -> {to}: {all:#?}")
        })
}

fn all_nodes(d: &Diagram) -> Vec<&Component> {
    let mut v: Vec<&Component> = d.outside.iter().collect();
    for vpc in &d.vpcs {
        v.extend(&vpc.endpoints);
        v.extend(&vpc.gateways);
        v.extend(&vpc.blockers);
        for az in &vpc.azs {
            for s in &az.subnets {
                v.extend(&s.components);
            }
        }
    }
    v
}

fn node<'a>(d: &'a Diagram, key: &str) -> &'a Component {
    all_nodes(d)
        .into_iter()
        .find(|c| c.key == key)
        .unwrap_or_else(|| panic!("no node {key}"))
}

#[test]
fn blocked_edges_end_at_the_blocking_component() {
    let d = diagram_of(&load("examples/broken-vpc-only"), &Filters::default());
    // F1: the endpoint's group admits subnets a and b only.
    let e = edge(&d, &src(SUB_C), "blocker:sg-0795f7bcfc5cf96f6");
    assert_eq!(
        (e.verdict, e.queries.as_slice()),
        (Verdict::Blocked, &["sagemaker-api".to_string()][..])
    );
    let sg = node(&d, "blocker:sg-0795f7bcfc5cf96f6");
    assert_eq!(sg.kind, Kind::Blocker);
    assert_eq!(sg.lines, ["security group studio-vpce-sagemaker-api"]);
    assert_eq!(sg.blocking[0], "✖ ENI_SG_RULES_MISMATCH");
    assert!(
        sg.blocking
            .iter()
            .any(|l| l.starts_with("sagemaker-api: ingress of")),
        "{:?}",
        sg.blocking
    );
    // F4: private DNS off; the endpoint itself is highlighted.
    for s in [SUB_A, SUB_B, SUB_C] {
        let e = edge(&d, &src(s), "vpce:vpce-083e17cab256ae5a4");
        assert_eq!(e.verdict, Verdict::Blocked);
        assert!(
            e.notes.is_empty(),
            "the endpoint names the query: {:?}",
            e.notes
        );
    }
    assert_eq!(
        node(&d, "vpce:vpce-083e17cab256ae5a4").blocking[0],
        "✖ PRIVATE_DNS_DISABLED"
    );
    // F7: no logs endpoint at all.
    let missing = "missing:vpc-05cb0122f502b8127:com.amazonaws.eu-west-1.logs";
    assert_eq!(edge(&d, &src(SUB_B), missing).verdict, Verdict::Blocked);
    assert_eq!(node(&d, missing).kind, Kind::MissingEndpoint);
    // F3 twice: no mount target in c; the one in b lacks the inbound group.
    assert_eq!(
        edge(&d, &src(SUB_C), "efs:fs-0704e9c5a544d59e0").queries,
        ["efs-nfs"]
    );
    assert_eq!(
        edge(&d, &src(SUB_B), "blocker:sg-059a7d9e1db9be38f").queries,
        ["efs-nfs"]
    );
    // F9: subnet b's route table has no S3 route.
    assert_eq!(
        edge(&d, &src(SUB_B), "blocker:rtb-026c565a7d628495e").queries,
        ["s3"]
    );
}

#[test]
fn partial_edges_deliver_and_point_at_the_limit() {
    let d = diagram_of(&load("examples/broken-vpc-only"), &Filters::default());
    let e = edge(&d, &src(SUB_A), "vpce:vpce-023472aa8570fd754");
    assert_eq!(e.verdict, Verdict::Partial);
    assert!(!e.limit);
    assert_eq!(e.notes, ["s3 tcp/443 only from source ports 32768-61000"]);
    // The gateway endpoint says what arrives, and from where.
    let gw = node(&d, "vpce:vpce-023472aa8570fd754");
    let text: Vec<&str> = gw.arrivals.iter().map(|(_, l)| l.as_str()).collect();
    assert_eq!(
        text.join(" "),
        "◐ s3 tcp/443 only from source ports 32768-61000 ← 1a"
    );
    assert!(gw.arrivals.iter().all(|(v, _)| *v == Verdict::Partial));
    let l = edge(&d, &src(SUB_A), "blocker:acl-066aba27990b40399");
    assert!(l.limit);
    assert_eq!(l.verdict, Verdict::Partial);
    let acl = node(&d, "blocker:acl-066aba27990b40399");
    assert_eq!(acl.blocking[0], "✖ SUBNET_ACL_RESTRICTION (return traffic)");
}

#[test]
fn edges_aggregate_profiles_spaces_and_app_enis() {
    let d = diagram_of(&load("examples/broken-vpc-only"), &Filters::default());
    // Five sources in subnet c (defaults, alice, bob, team-code, the ENI),
    // nine queries: one edge per place the flows end.
    let from_c: Vec<_> = d.edges.iter().filter(|e| e.from == src(SUB_C)).collect();
    let targets: BTreeSet<&str> = from_c.iter().map(|e| e.to.as_str()).collect();
    assert_eq!(from_c.len(), targets.len());
    assert!(from_c.len() <= 9, "{from_c:#?}");
    let sts = edge(&d, &src(SUB_C), "vpce:vpce-0b9da652e187b905a");
    assert_eq!(sts.results, 5);
    assert!(sts.notes.is_empty());
    let c = node(&d, &src(SUB_C));
    assert!(
        c.lines.contains(&"profiles: alice, bob".to_string()),
        "{:?}",
        c.lines
    );
    assert!(
        c.lines
            .iter()
            .any(|l| l.starts_with("running: eni-0d81ac43506a38cec 10.20.3.57")),
        "{:?}",
        c.lines
    );
    // Reachable peers are a line on the node, not a loop.
    assert_eq!(
        c.passes,
        ["✔ app-to-app tcp/8192-65535 to peers in 1a, 1b, 1c"]
    );
    assert!(d.edges.iter().all(|e| e.from != e.to));
}

#[test]
fn every_edge_joins_drawn_nodes() {
    for rel in [
        "examples/broken-vpc-only",
        "examples/healthy-vpc-only",
        "examples/public-internet-only",
        "tests/fixtures/diagram/three-az-ten-endpoints.json",
    ] {
        let d = diagram_of(&load(rel), &Filters::default());
        let keys: BTreeSet<&str> = all_nodes(&d).into_iter().map(|c| c.key.as_str()).collect();
        for e in &d.edges {
            assert!(
                keys.contains(e.from.as_str()) && keys.contains(e.to.as_str()),
                "{rel}: {e:?}"
            );
        }
        for l in &d.links {
            assert!(
                keys.contains(l.from.as_str()) && keys.contains(l.to.as_str()),
                "{rel}: {l:?}"
            );
        }
        let unique: BTreeSet<&str> = keys.iter().copied().collect();
        assert_eq!(
            unique.len(),
            all_nodes(&d).len(),
            "{rel}: a node is drawn twice"
        );
    }
}

#[test]
fn query_filter_draws_one_query() {
    let f = Filters {
        domain_ids: vec![],
        query_ids: vec!["efs-nfs".into()],
    };
    let d = diagram_of(&load("examples/broken-vpc-only"), &f);
    assert!(
        d.edges.iter().all(|e| e.queries == ["efs-nfs"]),
        "{:#?}",
        d.edges
    );
    assert_eq!(d.edges.len(), 3);
    assert_eq!(d.legend.queries, ["efs-nfs"]);
}

#[test]
fn output_does_not_depend_on_input_order() {
    let s = load("examples/broken-vpc-only");
    let mut r = s.clone();
    r.subnets.reverse();
    r.security_groups.reverse();
    r.vpc_endpoints.reverse();
    r.network_interfaces.reverse();
    r.user_profiles.reverse();
    r.normalize();
    let a = dot::to_dot(&diagram_of(&s, &Filters::default()));
    let b = dot::to_dot(&diagram_of(&r, &Filters::default()));
    assert_eq!(a, b);
    assert_eq!(a, dot::to_dot(&diagram_of(&s, &Filters::default())));
}

#[test]
fn unknown_verdicts_are_grey_edges_to_their_destination() {
    let mut s = load("examples/healthy-vpc-only");
    s.domains[0].app_network_access_type = None;
    let d = diagram_of(&s, &Filters::default());
    let unknown: Vec<_> = d
        .edges
        .iter()
        .filter(|e| e.verdict == Verdict::Unknown)
        .collect();
    assert!(!unknown.is_empty());
    let sts = unknown
        .iter()
        .find(|e| e.queries == ["sts"])
        .expect("an unknown sts edge");
    assert_eq!(sts.to, "dest:sts (eu-west-1) tcp/443");
    assert!(
        sts.notes[0].starts_with("sts tcp/443: the network mode"),
        "{:?}",
        sts.notes
    );
    let dest = node(&d, "dest:sts (eu-west-1) tcp/443");
    assert!(dest.arrivals[0]
        .1
        .starts_with("? sts tcp/443: the network mode"));
}

#[test]
fn two_domains_in_one_vpc_get_their_own_source_nodes() {
    let mut s = load("examples/broken-vpc-only");
    let mut other = s.domains[0].clone();
    other.id = "d-second".into();
    other.name = Some("second".into());
    other.subnet_ids.truncate(1);
    s.domains.push(other);
    s.normalize();
    let d = diagram_of(&s, &Filters::default());
    assert_eq!(
        node(&d, &src(SUB_A)).title,
        format!("Studio apps of {BROKEN}")
    );
    assert_eq!(
        node(&d, &format!("src:d-second:{SUB_A}")).title,
        "Studio apps of d-second"
    );
    assert!(d.title.contains("d-second (second)"), "{}", d.title);
}

#[test]
fn dot_text_escapes_names() {
    assert_eq!(
        dot::quoted("a\"b\\c\nd").clone(),
        graphviz_rust::dot_structures::Id::Escaped("\"a\\\"b\\\\c\\nd\"".into())
    );
    assert_eq!(
        dot::escape_html("<a&b \"c\">"),
        "&lt;a&amp;b &quot;c&quot;&gt;"
    );
    let mut s = load("examples/broken-vpc-only");
    s.subnets[0]
        .tags
        .insert("Name".into(), "evil\" <b>&".into());
    s.vpcs[0].tags.insert("Name".into(), "quote\"d".into());
    let text = dot::to_dot(&diagram_of(&s, &Filters::default()));
    assert!(
        text.contains("evil&quot; &lt;b&gt;&amp;"),
        "subnet name not escaped"
    );
    assert!(!text.contains("evil\" <b>"));
    assert!(text.starts_with("digraph sagescope {"));
    assert!(text.ends_with("}\n"));
}

#[test]
fn service_suffixes() {
    assert_eq!(
        service_suffix("com.amazonaws.eu-west-1.sagemaker.api"),
        "sagemaker.api"
    );
    assert_eq!(service_suffix("aws.sagemaker.eu-west-1.studio"), "studio");
    assert_eq!(service_suffix("weird"), "weird");
    assert_eq!(wrap_max("a b c d", 3, 1), ["a b …"]);
    assert_eq!(
        names_lines("p: ", &["x".into(), "y".into(), "z".into()], 2),
        ["p: x, y, +1 more"]
    );
}
