//! `trace`: one flow's verdict with its forward and return paths, as a
//! table or as JSON.

use std::io;
use std::sync::Arc;

use comfy_table::{presets, Cell, Color, ContentArrangement, Table};
use serde::{Deserialize, Serialize};

use super::{json::write_pretty, RenderOptions, REPORT_SCHEMA_VERSION};
use crate::engine::{Blocker, Hop, PathResult, Verdict};
use crate::findings::Decision;
use crate::snapshot::Diagnostic;

/// The flow a trace checked, in words.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TraceFlow {
    /// `tcp`, `udp`, `icmp`, `all` or `proto N`.
    pub protocol: String,
    /// `443`, `8192-65535` or `all ports`.
    pub dst_ports: String,
    pub src_ports: String,
}

/// Everything `trace` found. The JSON names are a contract, like
/// [`super::Report`]'s.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TraceReport {
    pub schema_version: u32,
    /// `--from` as given.
    pub from: String,
    /// `--to` as given.
    pub to: String,
    pub flow: TraceFlow,
    pub verdict: Verdict,
    pub blocked_at: Vec<Blocker>,
    pub path: Vec<Arc<Hop>>,
    pub return_path: Vec<Arc<Hop>>,
    pub notes: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reachable_part: Option<String>,
    pub warnings: Vec<Diagnostic>,
}

impl TraceReport {
    pub fn new(
        from: String,
        to: String,
        flow: TraceFlow,
        result: PathResult,
        warnings: Vec<Diagnostic>,
    ) -> Self {
        let mut notes: Vec<String> = result.notes.iter().map(ToString::to_string).collect();
        notes.sort();
        notes.dedup();
        TraceReport {
            schema_version: REPORT_SCHEMA_VERSION,
            from,
            to,
            flow,
            verdict: result.verdict,
            blocked_at: result.blocked_at,
            path: result.path,
            return_path: result.return_path,
            notes,
            reachable_part: result.reachable_part.map(|p| p.to_string()),
            warnings,
        }
    }
}

pub fn render_json(t: &TraceReport, w: &mut dyn io::Write) -> io::Result<()> {
    write_pretty(t, w)
}

fn new_table(opts: &RenderOptions) -> Table {
    let mut t = Table::new();
    t.load_style(presets::UTF8_FULL_CONDENSED);
    t.force_no_tty();
    if opts.color {
        t.enforce_styling();
    }
    if let Some(width) = opts.width {
        t.set_width(width)
            .set_content_arrangement(ContentArrangement::Dynamic);
    }
    t
}

fn hops(hops: &[Arc<Hop>], opts: &RenderOptions) -> Table {
    let mut t = new_table(opts);
    t.set_header(["#", "resource", "kind", "decision", "rule"]);
    for (i, h) in hops.iter().enumerate() {
        let decision = Cell::new(h.decision);
        let decision = match (opts.color, h.decision) {
            (true, Decision::Deny) => decision.fg(Color::Red),
            (true, Decision::Unknown) => decision.fg(Color::DarkGrey),
            _ => decision,
        };
        t.add_row(vec![
            Cell::new(i + 1),
            Cell::new(&h.resource),
            Cell::new(h.kind),
            decision,
            Cell::new(&h.rule),
        ]);
    }
    t
}

pub fn render_table(
    t: &TraceReport,
    w: &mut dyn io::Write,
    opts: &RenderOptions,
) -> io::Result<()> {
    let flow = match t.flow.dst_ports.as_str() {
        "n/a" => t.flow.protocol.clone(),
        "all ports" => format!("{} all ports", t.flow.protocol),
        ports => format!("{}/{ports}", t.flow.protocol),
    };
    write!(w, "Trace {} -> {} {flow}", t.from, t.to)?;
    if t.flow.src_ports != "n/a" {
        write!(w, " (source ports {})", t.flow.src_ports)?;
    }
    writeln!(w)?;
    let verdict = t.verdict.as_str();
    let color = match t.verdict {
        _ if !opts.color => None,
        Verdict::Reachable => Some("32"),
        Verdict::Partial => Some("33"),
        Verdict::Blocked => Some("31"),
        Verdict::Unknown | Verdict::NotApplicable => Some("90"),
    };
    match color {
        Some(c) => writeln!(w, "verdict: \u{1b}[{c}m{verdict}\u{1b}[0m")?,
        None => writeln!(w, "verdict: {verdict}")?,
    }
    if let Some(part) = &t.reachable_part {
        writeln!(w, "reachable part: {part}")?;
    }
    writeln!(w, "\nforward path:")?;
    if t.path.is_empty() {
        writeln!(w, "  (none)")?;
    } else {
        writeln!(w, "{}", hops(&t.path, opts))?;
    }
    writeln!(w, "\nreturn path:")?;
    if t.return_path.is_empty() {
        writeln!(w, "  (none)")?;
    } else {
        writeln!(w, "{}", hops(&t.return_path, opts))?;
    }
    if !t.blocked_at.is_empty() {
        writeln!(w, "\nblocked at:")?;
        let mut b = new_table(opts);
        b.set_header(["resource", "kind", "direction", "code", "reason"]);
        for x in &t.blocked_at {
            let direction = match x.direction {
                crate::engine::Direction::Forward => "forward",
                crate::engine::Direction::Return => "return",
            };
            b.add_row(vec![
                x.resource.clone(),
                x.kind.to_string(),
                direction.to_string(),
                x.code.to_string(),
                x.reason.to_string(),
            ]);
        }
        writeln!(w, "{b}")?;
    }
    if !t.notes.is_empty() {
        writeln!(w, "\nnotes:")?;
        for n in &t.notes {
            writeln!(w, "  - {n}")?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::Direction;
    use crate::findings::Code;

    fn sample() -> TraceReport {
        TraceReport::new(
            "i-1".into(),
            "10.0.1.5".into(),
            TraceFlow {
                protocol: "tcp".into(),
                dst_ports: "443".into(),
                src_ports: "1024-65535".into(),
            },
            PathResult {
                verdict: Verdict::Blocked,
                blocked_at: vec![Blocker {
                    resource: "sg-1".into(),
                    kind: crate::findings::Kind::SecurityGroup,
                    direction: Direction::Forward,
                    code: Code::EniSgRulesMismatch,
                    reason: crate::findings::Why::Text("no egress rule allows tcp 443".into())
                        .into(),
                }],
                path: vec![Arc::new(Hop {
                    resource: "eni-1".into(),
                    kind: crate::findings::Kind::NetworkInterface,
                    decision: crate::findings::Decision::Deny,
                    rule: crate::findings::Rule::Text("".into()),
                })],
                return_path: vec![],
                notes: ["b", "a", "a"]
                    .into_iter()
                    .map(|n| crate::findings::Note::Text(n.into()))
                    .collect(),
                reachable_part: None,
            },
            vec![],
        )
    }

    #[test]
    fn table_lists_paths_blockers_and_notes() {
        let mut out = Vec::new();
        render_table(&sample(), &mut out, &RenderOptions::default()).unwrap();
        let t = String::from_utf8(out).unwrap();
        assert!(
            t.starts_with(
                "Trace i-1 -> 10.0.1.5 tcp/443 (source ports 1024-65535)\nverdict: blocked\n"
            ),
            "{t}"
        );
        assert!(t.contains("eni-1"), "{t}");
        assert!(t.contains("ENI_SG_RULES_MISMATCH"), "{t}");
        assert!(t.contains("return path:\n  (none)"), "{t}");
        assert!(t.contains("notes:\n  - a\n  - b\n"), "{t}");
    }

    #[test]
    fn json_has_the_contract_fields() {
        let mut out = Vec::new();
        render_json(&sample(), &mut out).unwrap();
        let v: serde_json::Value = serde_json::from_slice(&out).unwrap();
        for key in [
            "schema_version",
            "verdict",
            "blocked_at",
            "path",
            "return_path",
            "notes",
        ] {
            assert!(v.get(key).is_some(), "{key}");
        }
        assert_eq!(v["verdict"], "blocked");
    }
}
