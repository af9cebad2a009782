//! The peer corpus: six real AWS snapshots from Batfish's test resources
//! with the flows Batfish's own end-to-end tests assert
//! (`../shared/peer/batfish/*/expect.json`). `trace` must agree with every
//! flow not marked uncertain, and a blocked flow must name the component
//! Batfish names among its blockers.

use std::net::Ipv4Addr;
use std::path::PathBuf;

use sagescope::engine::{evaluate, FlowSpec, InjectAt, Settings, Source, Target, Verdict};
use sagescope::graph::Topology;
use sagescope::snapshot::{PortRange, Protocol};
use serde_json::Value;

fn corpus() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/peer/batfish")
}

fn source(from: &Value) -> Source {
    if let Some(i) = from["instance"].as_str() {
        return Source::Instance(i.to_string());
    }
    if let Some(e) = from["eni"].as_str() {
        return Source::Eni(e.to_string());
    }
    let ip = from["ip"].as_str().map(|s| s.parse::<Ipv4Addr>().unwrap());
    let at = from["at"].as_str().unwrap();
    let at = if at == "internet" {
        InjectAt::Internet
    } else if at.starts_with("subnet-") {
        InjectAt::Subnet(at.to_string())
    } else if at.starts_with("vpc-") {
        InjectAt::Vpc(at.to_string())
    } else {
        panic!("unsupported injection point {at}")
    };
    Source::Injected { ip, at }
}

#[test]
fn trace_agrees_with_batfish_expectations() {
    let mut checked = 0;
    let mut failures = Vec::new();
    let mut dirs: Vec<_> = std::fs::read_dir(corpus())
        .expect("peer corpus present")
        .map(|e| e.unwrap().path())
        .filter(|p| p.join("expect.json").exists())
        .collect();
    dirs.sort();
    for dir in dirs {
        let expect: Value =
            serde_json::from_str(&std::fs::read_to_string(dir.join("expect.json")).unwrap())
                .unwrap();
        let snap = sagescope::import::load(&dir.join("aws")).unwrap();
        let (topo, _) = Topology::build(&snap);
        for flow in expect["flows"].as_array().unwrap() {
            if flow["uncertain"].as_bool() == Some(true) {
                continue;
            }
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
                &topo,
                &source(&flow["from"]),
                &Target::Ip(to),
                &spec,
                &Settings::default(),
            );
            let want = flow["expect"].as_str().unwrap();
            let got_ok = match want {
                "reachable" => r.verdict == Verdict::Reachable,
                "blocked" => {
                    let by = flow["blocked_by"].as_str().unwrap();
                    r.verdict == Verdict::Blocked && r.blocked_at.iter().any(|b| b.resource == by)
                }
                other => panic!("unknown expectation {other}"),
            };
            checked += 1;
            if !got_ok {
                failures.push(format!(
                    "{} / {}: expected {want} (blocked_by {}), got {} blocked_at {:?}\n  path {:?}\n  notes {:?}",
                    dir.file_name().unwrap().to_string_lossy(),
                    flow["name"],
                    flow["blocked_by"],
                    r.verdict,
                    r.blocked_at.iter().map(|b| format!("{} {} {}", b.resource, b.code, b.reason)).collect::<Vec<_>>(),
                    r.path.iter().map(|h| format!("{} {} {}", h.resource, h.decision, h.rule)).collect::<Vec<_>>(),
                    r.notes
                ));
            }
            // Bidirectional flows must show the reply's path too.
            if flow["bidirectional_checked"].as_bool() == Some(true)
                && r.verdict == Verdict::Reachable
            {
                assert!(!r.path.is_empty());
            }
        }
    }
    assert!(checked >= 14, "only {checked} flows checked");
    assert!(
        failures.is_empty(),
        "{} disagreements:\n{}",
        failures.len(),
        failures.join("\n")
    );
}
