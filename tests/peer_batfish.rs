//! The peer corpus: thirteen real AWS snapshots from Batfish's test
//! resources with the flows Batfish's own end-to-end tests assert, vendored
//! in `tests/fixtures/peer/batfish/` (refreshed by
//! `scripts/sync-peer-corpus.sh`). `trace` must agree with every flow not
//! marked uncertain, and a blocked flow must name the component Batfish
//! names among its blockers.
//!
//! The multi-VPC scenarios (VPC peering, transit gateways, several accounts
//! and regions) were added to the corpus before the engine models them, so
//! some of their flows do not agree yet. Those are listed in [`KNOWN`], each
//! with its reason. The test fails when an unlisted flow disagrees, and also
//! when a listed flow starts to agree or no longer exists, so the list can
//! only shrink as the engine learns (issue 12).

use std::net::Ipv4Addr;
use std::path::PathBuf;

use sagescope::engine::{evaluate, FlowSpec, InjectAt, Settings, Source, Target, Verdict};
use sagescope::graph::Topology;
use sagescope::snapshot::{PortRange, Protocol};
use serde_json::Value;

fn corpus() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/peer/batfish")
}

/// Why a flow does not agree yet.
const TGW: &str = "the engine does not model transit gateways yet (issue 14): the path ends at \
                   the TGW as leaves-the-snapshot";
const PCX: &str = "the engine does not model VPC peering yet (issue 14): the path ends at the \
                   peering connection as leaves-the-snapshot";

/// Flows known not to agree yet: (scenario, flow name, the verdict sagescope
/// gives today, why). The verdict is asserted too: a flow the engine cannot
/// follow must stay `unknown`, never turn into a wrong `reachable` or
/// `blocked`.
const KNOWN: &[(&str, &str, Verdict, &str)] = &[
    (
        "test-transit-gateway-multi-account",
        "instance bat (account 028403472736) to instance fish (account 951601349076) through the shared TGW, tcp/22",
        Verdict::Unknown,
        TGW,
    ),
    (
        "test-transit-gateway-multi-account",
        "instance fish (account 951601349076) to instance bat (account 028403472736) through the shared TGW, tcp/22",
        Verdict::Unknown,
        TGW,
    ),
    (
        "test-transit-gateway-multi-table",
        "instance A to instance B through the TGW, looked up in the table A is associated with",
        Verdict::Unknown,
        TGW,
    ),
    (
        "test-transit-gateway-multi-table",
        "instance B to instance A through the TGW, looked up in the table B is associated with",
        Verdict::Unknown,
        TGW,
    ),
    (
        "test-transit-gateway-peering",
        "instance bat to instance fish: no route in the tgw-bat table bat is associated with",
        Verdict::Unknown,
        TGW,
    ),
    (
        "test-transit-gateway-peering",
        "instance bat2 to instance fish across the inter-region TGW peering",
        Verdict::Unknown,
        TGW,
    ),
    (
        "test-transit-gateway-peering",
        "instance fish to instance bat: no route in the tgw-fish table fish is associated with",
        Verdict::Unknown,
        TGW,
    ),
    (
        "test-transit-gateway-peering",
        "instance fish to instance bat2: crosses the peering, then no route on tgw-bat",
        Verdict::Unknown,
        TGW,
    ),
    (
        "test-vpc-peering",
        "instance A to instance B over VPC peering",
        Verdict::Unknown,
        PCX,
    ),
    (
        "test-vpc-peering",
        "instance B to instance A over VPC peering",
        Verdict::Unknown,
        PCX,
    ),
    (
        "test-vpc-peering",
        "instance B to an address in VPC A's CIDR that is in no subnet",
        Verdict::Unknown,
        PCX,
    ),
    (
        "test-vpc-peering",
        "instance B to an unused address inside subnet A",
        Verdict::Unknown,
        PCX,
    ),
];

/// The trace source a flow's `from` names, or why the trace cannot take it.
fn source(from: &Value) -> Result<Source, String> {
    if let Some(i) = from["instance"].as_str() {
        return Ok(Source::Instance(i.to_string()));
    }
    if let Some(e) = from["eni"].as_str() {
        return Ok(Source::Eni(e.to_string()));
    }
    let ip = match from["ip"].as_str() {
        Some(s) => Some(
            s.parse::<Ipv4Addr>()
                .map_err(|e| format!("source ip {s}: {e}"))?,
        ),
        None => None,
    };
    let at = from["at"]
        .as_str()
        .ok_or_else(|| format!("flow source {from} names no injection point"))?;
    let at = if at == "internet" {
        InjectAt::Internet
    } else if at.starts_with("subnet-") {
        InjectAt::Subnet(at.to_string())
    } else if at.starts_with("vpc-") {
        InjectAt::Vpc(at.to_string())
    } else {
        return Err(format!("trace cannot inject a packet at {at}"));
    };
    Ok(Source::Injected { ip, at })
}

/// Traces one flow; `Ok` when sagescope agrees with Batfish, otherwise what
/// it said instead.
fn check_flow(topo: &Topology, flow: &Value) -> Result<(), (Option<Verdict>, String)> {
    let protocol = Protocol::Number(flow["protocol_number"].as_u64().unwrap() as u8);
    let dst_ports = flow["port"]
        .as_u64()
        .map(|p| PortRange::single(p as u16))
        .unwrap_or(PortRange::ALL);
    let src_ports = flow["src_port"]
        .as_u64()
        .map(|p| PortRange::single(p as u16));
    let spec = FlowSpec {
        protocol,
        dst_ports,
        src_ports,
    };
    let to: Ipv4Addr = flow["to"]["ip"].as_str().unwrap().parse().unwrap();
    let r = evaluate(
        topo,
        &source(&flow["from"]).map_err(|e| (None, e))?,
        &Target::Ip(to),
        &spec,
        &Settings::default(),
    );
    let want = flow["expect"].as_str().unwrap();
    let agrees = match want {
        "reachable" => r.verdict == Verdict::Reachable,
        "blocked" => {
            let by = flow["blocked_by"].as_str().unwrap();
            r.verdict == Verdict::Blocked && r.blocked_at.iter().any(|b| b.resource == by)
        }
        other => return Err((None, format!("unknown expectation {other}"))),
    };
    // Bidirectional flows must show the reply's path too.
    if agrees
        && flow["bidirectional_checked"].as_bool() == Some(true)
        && r.verdict == Verdict::Reachable
        && r.path.is_empty()
    {
        return Err((Some(r.verdict), "reachable with no path".into()));
    }
    if agrees {
        return Ok(());
    }
    let verdict = r.verdict;
    Err((
        Some(verdict),
        format!(
            "expected {want} (blocked_by {}), got {} blocked_at {:?}\n  path {:?}\n  notes {:?}",
            flow["blocked_by"],
            r.verdict,
            r.blocked_at
                .iter()
                .map(|b| format!("{} {} {}", b.resource, b.code, b.reason))
                .collect::<Vec<_>>(),
            r.path
                .iter()
                .map(|h| format!("{} {} {}", h.resource, h.decision, h.rule))
                .collect::<Vec<_>>(),
            r.notes
        ),
    ))
}

#[test]
fn trace_agrees_with_batfish_expectations() {
    let mut checked = 0;
    let mut seen = Vec::new();
    let mut unexpected = Vec::new();
    let mut now_agree = Vec::new();
    let mut dirs: Vec<_> = std::fs::read_dir(corpus())
        .expect("the vendored peer corpus in tests/fixtures/peer/batfish")
        .map(|e| e.unwrap().path())
        .filter(|p| p.join("expect.json").exists())
        .collect();
    dirs.sort();
    assert!(
        dirs.len() >= 8,
        "only {} scenarios with expect.json",
        dirs.len()
    );
    for dir in dirs {
        let scenario = dir.file_name().unwrap().to_string_lossy().to_string();
        let expect: Value =
            serde_json::from_str(&std::fs::read_to_string(dir.join("expect.json")).unwrap())
                .unwrap();
        let snap =
            sagescope::import::load(&dir.join("aws")).unwrap_or_else(|e| panic!("{scenario}: {e}"));
        let (topo, _) = Topology::build(&snap);
        for flow in expect["flows"].as_array().unwrap() {
            if flow["uncertain"].as_bool() == Some(true) {
                continue;
            }
            let name = flow["name"].as_str().unwrap();
            checked += 1;
            let known = KNOWN
                .iter()
                .find(|(s, n, _, _)| *s == scenario && *n == name);
            if known.is_some() {
                seen.push((scenario.clone(), name.to_string()));
            }
            match (check_flow(&topo, flow), known) {
                (Ok(()), None) => {}
                (Err((got, _)), Some((_, _, today, _))) if got == Some(*today) => {}
                (Err((_, e)), Some((_, _, today, _))) => unexpected.push(format!(
                    "{scenario} / {name}: listed in KNOWN as {today}, but now: {e}"
                )),
                (Ok(()), Some(_)) => now_agree.push(format!("{scenario} / {name}")),
                (Err((_, e)), None) => unexpected.push(format!("{scenario} / {name}: {e}")),
            }
        }
    }
    let stale: Vec<String> = KNOWN
        .iter()
        .filter(|(s, n, _, _)| !seen.iter().any(|(a, b)| a == s && b == n))
        .map(|(s, n, _, _)| format!("{s} / {n}"))
        .collect();
    assert!(checked >= 27, "only {checked} flows checked");
    assert!(
        unexpected.is_empty(),
        "{} disagreements not in KNOWN:\n{}",
        unexpected.len(),
        unexpected.join("\n")
    );
    assert!(
        now_agree.is_empty(),
        "these flows agree now: remove them from KNOWN\n{}",
        now_agree.join("\n")
    );
    assert!(
        stale.is_empty(),
        "KNOWN lists flows the corpus no longer has (or marks uncertain):\n{}",
        stale.join("\n")
    );
}

/// Every KNOWN entry gives its reason, once.
#[test]
fn known_disagreements_are_explained() {
    for (i, (s, n, _, why)) in KNOWN.iter().enumerate() {
        assert!(why.len() > 20, "{s} / {n}: say why it does not agree yet");
        assert!(
            !KNOWN[..i].iter().any(|(a, b, _, _)| a == s && b == n),
            "{s} / {n} listed twice"
        );
    }
}
