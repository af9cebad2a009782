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
use crate::findings::Code;

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
            .filter(|r| !r.suppressed)
            .collect();
        if opts.quiet
            && shown.is_empty()
            && !super::compliance::has_failing(report, Some(&domain.id))
        {
            continue;
        }
        writeln!(w, "{}", title(domain))?;
        if shown.is_empty() {
            // Quiet with only failing checks, or no query run (`--check`).
            if !opts.quiet && !results.is_empty() {
                writeln!(w, "  (no applicable query)")?;
            }
        } else if opts.expand {
            writeln!(w, "{}", table(&shown, opts))?;
        } else {
            writeln!(w, "{}", grouped_table(&shown, &report.queries, opts))?;
        }
        if !opts.quiet {
            for line in not_applicable_lines(&results) {
                writeln!(w, "{line}")?;
            }
        }
        super::compliance::render_domain(report, Some(&domain.id), w, opts)?;
        writeln!(w)?;
    }
    // Checks not tied to an audited domain (leftovers of deleted domains).
    if report.checks.iter().any(|c| c.domain.is_none())
        && (!opts.quiet || super::compliance::has_failing(report, None))
    {
        super::compliance::render_domain(report, None, w, opts)?;
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
    let mut t = new_table(
        opts,
        &[
            "query",
            "source",
            "destination",
            "verdict",
            "where blocked",
            "why",
        ],
    );
    for r in results {
        let verdict = verdict_cell(r.verdict, opts);
        let where_blocked: Vec<String> = r
            .blocked_at
            .iter()
            .map(|b| format!("{} {}", b.resource, b.code))
            .collect();
        let mut why: Vec<String> = Vec::new();
        if let Some(part) = &r.reachable_part {
            why.push(format!("reachable {part}"));
        }
        why.extend(r.blocked_at.iter().map(|b| b.reason.to_string()));
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

fn severity_rank(s: &str) -> u8 {
    match s {
        "critical" => 0,
        "high" => 1,
        "medium" => 2,
        "low" => 3,
        _ => 4,
    }
}

/// Results sharing a verdict and blockers: (verdict, (resource, code)s, members).
type Group<'a> = (Verdict, Vec<(String, Code)>, Vec<&'a QueryResult>);

/// One row per (query, verdict, blockers): the sources that share an
/// answer are listed together, failures first, queries by severity. A
/// domain with 4 profiles in 3 subnets gives a screenful, not 150 rows.
fn grouped_table(
    results: &[&QueryResult],
    queries: &[super::QueryInfo],
    opts: &RenderOptions,
) -> Table {
    let mut t = new_table(
        opts,
        &["query", "sources", "verdict", "where blocked", "why"],
    );
    let rank = |id: &str| {
        queries
            .iter()
            .find(|q| q.id == id)
            .map(|q| severity_rank(&q.severity))
            .unwrap_or(5)
    };
    let mut ids: Vec<&str> = results.iter().map(|r| r.query.as_str()).collect();
    ids.sort_by_key(|id| (rank(id), *id));
    ids.dedup();
    for id in ids {
        let of_query: Vec<&QueryResult> =
            results.iter().copied().filter(|r| r.query == id).collect();
        // Group by verdict and the set of blockers.
        let mut groups: Vec<Group> = Vec::new();
        for r in &of_query {
            let key: Vec<(String, Code)> = r
                .blocked_at
                .iter()
                .map(|b| (b.resource.clone(), b.code))
                .collect();
            match groups.iter_mut().find(|g| g.0 == r.verdict && g.1 == key) {
                Some(g) => g.2.push(r),
                None => groups.push((r.verdict, key, vec![r])),
            }
        }
        groups.sort_by_key(|g| (verdict_order(g.0), g.1.clone()));
        for (verdict, _, members) in groups {
            let sources = if members.len() == of_query.len() && members.len() > 1 {
                format!("all ({} results)", members.len())
            } else {
                sources_cell(&members)
            };
            let first = members[0];
            let mut why: Vec<String> = Vec::new();
            if let Some(part) = &first.reachable_part {
                why.push(format!("reachable {part}"));
            }
            why.extend(first.blocked_at.iter().map(|b| b.reason.to_string()));
            if why.is_empty() && verdict != Verdict::Reachable {
                why.extend(first.notes.first().cloned());
            }
            let where_blocked: Vec<String> = first
                .blocked_at
                .iter()
                .map(|b| format!("{} {}", b.resource, b.code))
                .collect();
            t.add_row(vec![
                Cell::new(id),
                Cell::new(sources),
                verdict_cell(verdict, opts),
                Cell::new(where_blocked.join("\n")),
                Cell::new(why.join("\n")),
            ]);
        }
    }
    t
}

/// Sources grouped by subnet: `subnet-0abc (eu-west-1c): alice, bob,
/// space team-code, defaults, eni-0123`.
fn sources_cell(members: &[&QueryResult]) -> String {
    let mut by_subnet: BTreeMap<(String, String), Vec<String>> = BTreeMap::new();
    for r in members {
        let s = &r.source;
        let name = match s.kind.as_str() {
            "user-profile" | "app-eni" => s.name.clone(),
            "shared-space" => format!("space {}", s.name),
            "default-user-settings" => "(default user settings)".to_string(),
            "default-space-settings" => "(default space settings)".to_string(),
            other => format!("{other} {}", s.name),
        };
        let key = (
            s.subnet_id.clone(),
            s.availability_zone.clone().unwrap_or_default(),
        );
        let names = by_subnet.entry(key).or_default();
        if !names.contains(&name) {
            names.push(name);
        }
    }
    by_subnet
        .into_iter()
        .map(|((subnet, az), names)| {
            let at = if az.is_empty() {
                subnet
            } else {
                format!("{subnet} ({az})")
            };
            format!("{at}: {}", names.join(", "))
        })
        .collect::<Vec<_>>()
        .join("\n")
}

fn verdict_order(v: Verdict) -> u8 {
    match v {
        Verdict::Blocked => 0,
        Verdict::Unknown => 1,
        Verdict::Partial => 2,
        Verdict::Reachable => 3,
        Verdict::NotApplicable => 4,
    }
}

fn verdict_cell(v: Verdict, opts: &RenderOptions) -> Cell {
    let c = Cell::new(v.as_str());
    if opts.color {
        c.fg(verdict_color(v))
    } else {
        c
    }
}

fn new_table(opts: &RenderOptions, header: &[&str]) -> Table {
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
    t.set_header(header.to_vec());
    t
}

/// `not applicable: ecr-api, ecr-dkr (4 results): no custom image is configured`
fn not_applicable_lines(results: &[&QueryResult]) -> Vec<String> {
    super::not_applicable_groups(results)
        .into_iter()
        .map(|(reason, queries, n)| {
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
        assert!(t.contains("subnet-a (eu-west-1a): alice"), "{t}");
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
    fn expand_shows_one_row_per_result() {
        let t = text(RenderOptions {
            expand: true,
            ..RenderOptions::default()
        });
        assert!(
            t.contains("user-profile alice @ subnet-a/eu-west-1a"),
            "{t}"
        );
        assert!(t.contains("destination"), "{t}");
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
