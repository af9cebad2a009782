//! `--format table`: one table per domain, for people.
//!
//! Not-applicable results are folded into one line per reason under each
//! table (a PublicInternetOnly domain would otherwise show a wall of them),
//! and the report ends with a one-line summary. Warnings and notes are not
//! written here: the caller prints them on stderr.

use std::collections::BTreeMap;
use std::io;

use comfy_table::{presets, Cell, Color, ContentArrangement, Table};

use super::{DomainInfo, QueryResult, RenderOptions, Report};
use crate::engine::Verdict;

pub fn render(report: &Report, w: &mut dyn io::Write, opts: &RenderOptions) -> io::Result<()> {
    if report.domains.is_empty() {
        writeln!(w, "No SageMaker domain in the snapshot: nothing to audit.")?;
    }
    for domain in &report.domains {
        let results: Vec<&QueryResult> = report
            .results
            .iter()
            .filter(|r| r.domain == domain.id)
            .collect();
        let shown: Vec<&QueryResult> = results
            .iter()
            .copied()
            .filter(|r| r.verdict != Verdict::NotApplicable)
            .filter(|r| !opts.quiet || r.verdict.is_failure())
            .collect();
        if opts.quiet && shown.is_empty() {
            continue;
        }
        writeln!(w, "{}", title(domain))?;
        if shown.is_empty() {
            writeln!(w, "  (no applicable query)")?;
        } else {
            writeln!(w, "{}", table(&shown, opts))?;
        }
        if !opts.quiet {
            for line in not_applicable_lines(&results) {
                writeln!(w, "{line}")?;
            }
        }
        writeln!(w)?;
    }
    writeln!(w, "{}", report.summary)
}

fn title(d: &DomainInfo) -> String {
    let mut parts = vec![match &d.name {
        Some(name) => format!("Domain {} ({name})", d.id),
        None => format!("Domain {}", d.id),
    }];
    parts.push(d.mode.clone().unwrap_or_else(|| "mode unknown".into()));
    parts.push(d.vpc_id.clone().unwrap_or_else(|| "VPC unknown".into()));
    parts.extend(d.region.clone());
    parts.join(" · ")
}

fn verdict_color(v: Verdict) -> Color {
    match v {
        Verdict::Reachable => Color::Green,
        Verdict::Partial => Color::Yellow,
        Verdict::Blocked => Color::Red,
        Verdict::Unknown | Verdict::NotApplicable => Color::DarkGrey,
    }
}

fn table(results: &[&QueryResult], opts: &RenderOptions) -> Table {
    let mut t = Table::new();
    t.load_style(presets::UTF8_FULL_CONDENSED);
    // The renderer writes to any writer: the caller decided colour and width.
    t.force_no_tty();
    if opts.color {
        t.enforce_styling();
    }
    if let Some(width) = opts.width {
        t.set_width(width)
            .set_content_arrangement(ContentArrangement::Dynamic);
    }
    t.set_header([
        "query",
        "source",
        "destination",
        "verdict",
        "where blocked",
        "why",
    ]);
    for r in results {
        let verdict = Cell::new(r.verdict.as_str());
        let verdict = if opts.color {
            verdict.fg(verdict_color(r.verdict))
        } else {
            verdict
        };
        let where_blocked: Vec<String> = r
            .blocked_at
            .iter()
            .map(|b| format!("{} {}", b.resource, b.code))
            .collect();
        let mut why: Vec<String> = Vec::new();
        if let Some(part) = &r.reachable_part {
            why.push(format!("reachable {part}"));
        }
        why.extend(r.blocked_at.iter().map(|b| b.reason.clone()));
        if why.is_empty() && r.verdict != Verdict::Reachable {
            why.extend(r.notes.first().cloned());
        }
        t.add_row(vec![
            Cell::new(&r.query),
            Cell::new(r.source.describe()),
            Cell::new(&r.destination),
            verdict,
            Cell::new(where_blocked.join("\n")),
            Cell::new(why.join("\n")),
        ]);
    }
    t
}

/// `not applicable: ecr-api, ecr-dkr (4 results): no custom image is configured`
fn not_applicable_lines(results: &[&QueryResult]) -> Vec<String> {
    let mut by_reason: BTreeMap<&str, (Vec<&str>, usize)> = BTreeMap::new();
    for r in results
        .iter()
        .filter(|r| r.verdict == Verdict::NotApplicable)
    {
        let reason = r.notes.first().map(String::as_str).unwrap_or("");
        let entry = by_reason.entry(reason).or_default();
        if !entry.0.contains(&r.query.as_str()) {
            entry.0.push(&r.query);
        }
        entry.1 += 1;
    }
    by_reason
        .into_iter()
        .map(|(reason, (mut queries, n))| {
            queries.sort();
            let plural = if n == 1 { "" } else { "s" };
            let mut line = format!(
                "not applicable: {} ({n} result{plural})",
                queries.join(", ")
            );
            if !reason.is_empty() {
                line.push_str(": ");
                line.push_str(reason);
            }
            line
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::tests::sample;

    fn text(opts: RenderOptions) -> String {
        let mut out = Vec::new();
        render(&sample(), &mut out, &opts).unwrap();
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn plain_table() {
        let t = text(RenderOptions::default());
        assert!(!t.contains('\u{1b}'), "no colour unless asked");
        let lines: Vec<&str> = t.lines().collect();
        assert_eq!(lines[0], "Domain d-1 (prod) · VpcOnly · vpc-1 · eu-west-1");
        assert!(
            t.contains("user-profile alice @ subnet-a/eu-west-1a"),
            "{t}"
        );
        assert!(t.contains("sg-1 ENI_SG_RULES_MISMATCH"), "{t}");
        assert!(t.contains("acl-1 SUBNET_ACL_RESTRICTION"), "{t}");
        assert!(t.contains("acl-1 inbound rule 100 denies the reply"), "{t}");
        assert!(t.contains("prefix list pl-1 entries not captured"), "{t}");
        assert!(
            t.contains(
                "not applicable: ecr-api, ecr-dkr (2 results): no custom image is configured"
            ),
            "{t}"
        );
        assert!(
            !t.contains("│ ecr-api"),
            "not-applicable rows are folded: {t}"
        );
        assert_eq!(
            *lines.last().unwrap(),
            "5 results: 1 reachable, 0 partial, 1 blocked, 1 unknown, 2 not applicable"
        );
    }

    #[test]
    fn golden_layout() {
        insta::assert_snapshot!(text(RenderOptions::default()));
    }

    #[test]
    fn quiet_shows_only_findings() {
        let t = text(RenderOptions {
            quiet: true,
            ..RenderOptions::default()
        });
        assert!(!t.contains("│ sts"), "{t}");
        assert!(t.contains("│ efs-nfs"), "{t}");
        assert!(!t.contains("not applicable:"), "{t}");
    }

    #[test]
    fn colour_when_asked() {
        let t = text(RenderOptions {
            color: true,
            ..RenderOptions::default()
        });
        assert!(t.contains('\u{1b}'), "{t}");
    }
}
