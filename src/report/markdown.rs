//! `--format markdown`: a report to paste into a ticket or a pull-request
//! comment (GitHub-flavoured Markdown).
//!
//! - A title and one summary line with the counts.
//! - Per domain: a short header (mode, VPC, region), then the failing
//!   paths first, most severe query first, sources that share a verdict
//!   and blockers grouped on one entry (as the table does): where the
//!   flow is blocked and why, then the fixes with their AWS CLI commands in
//!   fenced `sh` blocks. Passing paths are collapsed in a `<details>`
//!   block, not-applicable queries folded into one line per reason.
//! - Compliance checks per domain when the report has them: failures with
//!   their fixes, passes collapsed.
//! - Input warnings (and, collapsed, notes) at the end.
//!
//! GitHub refuses comments over 65,536 characters, so the document is
//! built from whole blocks and stops before [`MAX_CHARS`]: what does not
//! fit is counted in a closing note that points to the full report. A
//! block is never cut in the middle (no dangling code fence or
//! `<details>`). With `--quiet` the passing blocks are left out.

use std::collections::BTreeMap;
use std::io;
use std::sync::Arc;

use super::finding;
use super::trace::TraceReport;
use super::{
    CheckInfo, CheckResult, CheckStatus, DomainInfo, QueryInfo, QueryResult, Remediation,
    RenderOptions, Report,
};
use crate::engine::{Direction, Hop, Verdict};
use crate::findings::Decision;
use crate::snapshot::{Diagnostic, Level};

/// Characters at most (GitHub's comment limit is 65,536; the rest is
/// headroom for the text a user adds around the paste).
pub const MAX_CHARS: usize = 60_000;

pub fn render(report: &Report, w: &mut dyn io::Write, opts: &RenderOptions) -> io::Result<()> {
    w.write_all(document(report, opts, MAX_CHARS).as_bytes())
}

// ------------------------------------------------------------- escaping --

/// Escape text for Markdown inline context (also safe inside table cells
/// and HTML blocks).
pub fn inline(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '\\' | '`' | '*' | '_' | '[' | ']' | '|' | '#' | '~' => {
                out.push('\\');
                out.push(c);
            }
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '\n' | '\r' => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

/// An id as a code span (falls back to escaped text when it holds a
/// backtick or a line break, which a code span cannot carry cleanly).
pub fn code(s: &str) -> String {
    if s.is_empty() || s.contains(['`', '\n', '\r', '|']) {
        inline(s)
    } else {
        format!("`{s}`")
    }
}

/// A fenced block whose fence is longer than any backtick run inside.
fn fenced(lang: &str, lines: &[String]) -> String {
    let body = lines.join("\n");
    let mut longest = 0;
    let mut run = 0;
    for c in body.chars() {
        if c == '`' {
            run += 1;
            longest = longest.max(run);
        } else {
            run = 0;
        }
    }
    let fence = "`".repeat((longest + 1).max(3));
    format!("{fence}{lang}\n{body}\n{fence}")
}

// ---------------------------------------------------------------- blocks --

/// The document as whole blocks, then packed under a size limit.
struct Doc {
    blocks: Vec<Block>,
}

struct Block {
    text: String,
    /// Findings (failing result groups, failing checks) this block shows,
    /// for the truncation note.
    findings: usize,
    /// Input warnings this block shows.
    warnings: usize,
}

impl Doc {
    fn push(&mut self, text: String) {
        self.blocks.push(Block {
            text,
            findings: 0,
            warnings: 0,
        });
    }
    fn finding(&mut self, text: String, findings: usize) {
        self.blocks.push(Block {
            text,
            findings,
            warnings: 0,
        });
    }

    /// Blocks joined by blank lines, stopping at the first block that
    /// would pass `limit` characters (the closing note included).
    fn pack(self, limit: usize, full_report_hint: &str) -> String {
        let mut out = String::new();
        let mut used = 0;
        let mut omitted_findings = 0;
        let mut omitted_warnings = 0;
        let mut omitted_blocks = 0;
        let mut full = false;
        // Room for the note, written when something is left out.
        let reserve = 400;
        for b in self.blocks {
            let len = b.text.chars().count() + 2;
            if !full && used + len + reserve <= limit {
                out.push_str(&b.text);
                out.push_str("\n\n");
                used += len;
            } else {
                full = true;
                omitted_blocks += 1;
                omitted_findings += b.findings;
                omitted_warnings += b.warnings;
            }
        }
        if omitted_blocks > 0 {
            let mut what = Vec::new();
            if omitted_findings > 0 {
                what.push(format!("{omitted_findings} more findings"));
            }
            if omitted_warnings > 0 {
                what.push(format!("{omitted_warnings} input warnings"));
            }
            let what = if what.is_empty() {
                "the passing results and notes".to_string()
            } else {
                what.join(" and ")
            };
            out.push_str(&format!(
                "> [!NOTE]\n> Truncated to stay under GitHub's comment size limit: {what} are not shown. {full_report_hint}\n\n"
            ));
        }
        let trimmed = out.trim_end().len();
        out.truncate(trimmed);
        out.push('\n');
        out
    }
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

fn verdict_order(v: Verdict) -> u8 {
    match v {
        Verdict::Blocked => 0,
        Verdict::Unknown => 1,
        Verdict::Partial => 2,
        Verdict::Reachable => 3,
        Verdict::NotApplicable => 4,
    }
}

fn icon(v: Verdict) -> &'static str {
    match v {
        Verdict::Reachable => "✅",
        Verdict::Partial => "⚠️",
        Verdict::Blocked => "❌",
        Verdict::Unknown => "❔",
        Verdict::NotApplicable => "➖",
    }
}

fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// `alice`, `space team-code`, `default user settings`, `eni-0abc`.
fn source_name(r: &QueryResult) -> String {
    let s = &r.source;
    match s.kind.as_str() {
        "user-profile" | "app-eni" => code(&s.name),
        "shared-space" => format!("space {}", code(&s.name)),
        "default-user-settings" => "default user settings".into(),
        "default-space-settings" => "default space settings".into(),
        other => format!("{} {}", inline(other), code(&s.name)),
    }
}

/// Sources by subnet: `` `subnet-1` (eu-west-1a): `alice`, `bob` ``.
fn sources_by_subnet(members: &[&QueryResult]) -> Vec<String> {
    let mut by_subnet: BTreeMap<(String, String), Vec<String>> = BTreeMap::new();
    for r in members {
        let key = (
            r.source.subnet_id.clone(),
            r.source.availability_zone.clone().unwrap_or_default(),
        );
        let names = by_subnet.entry(key).or_default();
        let name = source_name(r);
        if !names.contains(&name) {
            names.push(name);
        }
    }
    by_subnet
        .into_iter()
        .map(|((subnet, az), names)| {
            let at = match (subnet.is_empty(), az.is_empty()) {
                (true, _) => "unknown subnet".to_string(),
                (false, true) => code(&subnet),
                (false, false) => format!("{} ({})", code(&subnet), inline(&az)),
            };
            format!("{at}: {}", names.join(", "))
        })
        .collect()
}

fn fixes_md(fixes: &[&Remediation]) -> Vec<String> {
    let mut out = Vec::new();
    for f in fixes {
        out.push(format!("**Fix:** {}", inline(&f.summary)));
        if !f.commands.is_empty() {
            out.push(fenced("sh", &f.commands));
        }
    }
    out
}

fn query_title(q: Option<&QueryInfo>, id: &str) -> String {
    match q {
        Some(q) => format!(
            "{} · {} · {}",
            code(id),
            inline(&q.severity),
            inline(&q.title)
        ),
        None => code(id),
    }
}

/// One failing group: same query, verdict and blockers.
fn failing_block(group: &[&QueryResult], q: Option<&QueryInfo>) -> String {
    let first = group[0];
    let mut parts = vec![format!(
        "#### {} {}",
        icon(first.verdict),
        query_title(q, &first.query)
    )];
    let n = group.len();
    let mut lines = vec![format!(
        "**{}** for {}:",
        finding::verdict_title(first.verdict),
        plural(n, "source", "sources")
    )];
    lines.extend(
        sources_by_subnet(group)
            .into_iter()
            .map(|l| format!("- {l}")),
    );
    parts.push(lines.join("\n"));
    let mut dests: Vec<&str> = group.iter().map(|r| r.destination.as_str()).collect();
    dests.sort();
    dests.dedup();
    parts.push(format!(
        "**To:** {}",
        dests
            .iter()
            .map(|d| inline(d))
            .collect::<Vec<_>>()
            .join("; ")
    ));
    if let Some(part) = &first.reachable_part {
        parts.push(format!("**Reachable part:** {}", inline(part)));
    }
    if !first.blocked_at.is_empty() {
        let mut lines = vec!["**Where blocked and why:**".to_string()];
        for b in &first.blocked_at {
            let dir = match b.direction {
                Direction::Forward => "",
                Direction::Return => " (return traffic)",
            };
            lines.push(format!(
                "- {} {}{dir}: {}",
                code(&b.resource),
                code(b.code.as_str()),
                inline(&b.reason.to_string())
            ));
        }
        parts.push(lines.join("\n"));
    }
    // Notes that explain an unknown (or a partial without blockers).
    let mut notes: Vec<&String> = group.iter().flat_map(|r| &r.notes).collect();
    notes.sort();
    notes.dedup();
    if first.blocked_at.is_empty() && !notes.is_empty() {
        let mut lines = vec!["**Why:**".to_string()];
        lines.extend(notes.iter().map(|n| format!("- {}", inline(n))));
        parts.push(lines.join("\n"));
    }
    let fixes = finding::merged_fixes(group.iter().flat_map(|r| &r.fixes));
    if fixes.is_empty() {
        if let Some(q) = q.filter(|q| !q.fix.trim().is_empty()) {
            parts.push(format!(
                "**How to fix** (from the query docs): {}",
                finding::paragraphs(&q.fix).join(" ")
            ));
        }
    } else {
        parts.extend(fixes_md(&fixes));
    }
    parts.join("\n\n")
}

fn passing_block(results: &[&QueryResult], queries: &[QueryInfo], quiet: bool) -> Option<String> {
    let passing: Vec<&QueryResult> = results
        .iter()
        .copied()
        .filter(|r| r.verdict == Verdict::Reachable)
        .collect();
    if passing.is_empty() || quiet {
        return None;
    }
    let mut per_query: BTreeMap<&str, (usize, usize)> = BTreeMap::new();
    for r in results {
        let e = per_query.entry(r.query.as_str()).or_default();
        if r.verdict == Verdict::Reachable {
            e.0 += 1;
        }
        if r.verdict != Verdict::NotApplicable {
            e.1 += 1;
        }
    }
    let mut rows: Vec<(&str, usize, usize)> = per_query
        .into_iter()
        .filter(|(_, (ok, _))| *ok > 0)
        .map(|(q, (ok, all))| (q, ok, all))
        .collect();
    let rank = |id: &str| {
        queries
            .iter()
            .find(|q| q.id == id)
            .map(|q| severity_rank(&q.severity))
            .unwrap_or(5)
    };
    rows.sort_by_key(|(q, _, _)| (rank(q), *q));
    let names: Vec<&str> = rows.iter().map(|r| r.0).collect();
    let mut out = vec![
        "<details>".to_string(),
        format!(
            "<summary>✅ {} reachable ({})</summary>",
            plural(passing.len(), "result", "results"),
            inline(&names.join(", "))
        ),
        String::new(),
        "| query | reachable | title |".to_string(),
        "|---|---|---|".to_string(),
    ];
    for (q, ok, all) in rows {
        let title = queries
            .iter()
            .find(|x| x.id == q)
            .map(|x| inline(&x.title))
            .unwrap_or_default();
        let count = if ok == all {
            format!("all {ok}")
        } else {
            format!("{ok} of {all}")
        };
        out.push(format!("| {} | {count} | {title} |", code(q)));
    }
    out.push(String::new());
    out.push("</details>".to_string());
    Some(out.join("\n"))
}

fn not_applicable_block(results: &[&QueryResult], quiet: bool) -> Option<String> {
    if quiet {
        return None;
    }
    let groups = super::not_applicable_groups(results);
    if groups.is_empty() {
        return None;
    }
    let lines: Vec<String> = groups
        .into_iter()
        .map(|(reason, qs, n)| {
            let qs: Vec<String> = qs.iter().map(|q| code(q)).collect();
            let mut line = format!(
                "➖ Not applicable: {} ({})",
                qs.join(", "),
                plural(n, "result", "results")
            );
            if !reason.is_empty() {
                line.push_str(": ");
                line.push_str(&inline(reason));
            }
            line
        })
        .collect();
    Some(lines.join("  \n"))
}

fn check_block(c: &CheckResult, info: Option<&CheckInfo>) -> String {
    let title = match info {
        Some(i) => format!(
            "{} · {} · {}",
            code(&c.check),
            inline(&c.severity),
            inline(&i.title)
        ),
        None => format!("{} · {}", code(&c.check), inline(&c.severity)),
    };
    let mut parts = vec![
        format!("#### ❌ {title}"),
        format!("**{}**: {}", code(&c.resource), inline(&c.message)),
    ];
    let fixes: Vec<&Remediation> = c.fixes.iter().collect();
    parts.extend(fixes_md(&fixes));
    parts.join("\n\n")
}

fn passing_checks_block(passing: &[&CheckResult], quiet: bool) -> Option<String> {
    if passing.is_empty() || quiet {
        return None;
    }
    let mut out = vec![
        "<details>".to_string(),
        format!(
            "<summary>✅ {} passed</summary>",
            plural(passing.len(), "check", "checks")
        ),
        String::new(),
    ];
    out.extend(passing.iter().map(|c| {
        format!(
            "- {} {}: {}",
            code(&c.check),
            code(&c.resource),
            inline(&c.message)
        )
    }));
    out.push(String::new());
    out.push("</details>".to_string());
    Some(out.join("\n"))
}

fn checks_blocks(doc: &mut Doc, report: &Report, domain: Option<&str>, quiet: bool) {
    let checks: Vec<&CheckResult> = report
        .checks
        .iter()
        .filter(|c| c.domain.as_deref() == domain)
        .collect();
    if checks.is_empty() {
        return;
    }
    let failing: Vec<&CheckResult> = {
        let mut f: Vec<&CheckResult> = checks
            .iter()
            .copied()
            .filter(|c| c.status == CheckStatus::Fail)
            .collect();
        f.sort_by_key(|c| {
            (
                severity_rank(&c.severity),
                c.check.as_str(),
                c.resource.as_str(),
            )
        });
        f
    };
    let passing: Vec<&CheckResult> = checks
        .iter()
        .copied()
        .filter(|c| c.status == CheckStatus::Pass)
        .collect();
    let heading = if domain.is_some() { "###" } else { "##" };
    let title = if domain.is_some() {
        "Compliance checks"
    } else {
        "Compliance checks without a domain"
    };
    doc.push(format!(
        "{heading} {title}: {} failed, {} passed",
        failing.len(),
        passing.len()
    ));
    for c in failing {
        let info = report.check_infos.iter().find(|i| i.id == c.check);
        doc.finding(check_block(c, info), 1);
    }
    if let Some(b) = passing_checks_block(&passing, quiet) {
        doc.push(b);
    }
}

fn domain_header(d: Option<&DomainInfo>, id: &str) -> String {
    let mut title = format!("## Domain {}", code(id));
    let mut facts: Vec<String> = Vec::new();
    if let Some(d) = d {
        if let Some(name) = &d.name {
            title.push_str(&format!(" ({})", inline(name)));
        }
        facts.push(inline(d.mode.as_deref().unwrap_or("mode unknown")));
        facts.push(
            d.vpc_id
                .as_deref()
                .map(code)
                .unwrap_or_else(|| "VPC unknown".into()),
        );
        facts.extend(d.region.as_deref().map(inline));
        if !d.subnet_ids.is_empty() {
            facts.push(plural(d.subnet_ids.len(), "subnet", "subnets"));
        }
    }
    if facts.is_empty() {
        title
    } else {
        format!("{title}\n\n{}", facts.join(" · "))
    }
}

fn summary_line(report: &Report) -> String {
    let s = &report.summary;
    let failing = s.partial + s.blocked + s.unknown;
    let failed_checks = report
        .checks
        .iter()
        .filter(|c| c.status == CheckStatus::Fail)
        .count();
    let mut bad: Vec<String> = Vec::new();
    if failing > 0 {
        bad.push(format!(
            "**{}** ({} blocked, {} partial, {} unknown)",
            plural(failing, "failing path", "failing paths"),
            s.blocked,
            s.partial,
            s.unknown
        ));
    }
    if failed_checks > 0 {
        bad.push(format!(
            "**{}**",
            plural(failed_checks, "failed check", "failed checks")
        ));
    }
    let domains = plural(report.domains.len(), "domain", "domains");
    let mut line = if bad.is_empty() {
        format!("✅ **No findings** in {domains}")
    } else {
        format!("❌ {} in {domains}", bad.join(" and "))
    };
    line.push_str(&format!(
        " · {} reachable · {} not applicable ({})",
        s.reachable,
        s.not_applicable,
        plural(s.total, "result", "results")
    ));
    if !report.checks.is_empty() {
        line.push_str(&format!(
            " · {} passed",
            plural(report.checks.len() - failed_checks, "check", "checks")
        ));
    }
    let warnings = report.warnings.len();
    if warnings > 0 {
        line.push_str(&format!(
            " · ⚠️ {} (see the end)",
            plural(warnings, "input warning", "input warnings")
        ));
    }
    line
}

fn diagnostic_line(d: &Diagnostic) -> String {
    let mut line = format!("- {}: {}", code(&d.code), inline(&d.message));
    let mut context: Vec<String> = Vec::new();
    if let Some(f) = &d.file {
        context.push(code(f));
    }
    context.extend(d.ids.iter().map(|i| code(i)));
    if !context.is_empty() {
        line.push_str(&format!(" ({})", context.join(", ")));
    }
    line
}

fn document(report: &Report, opts: &RenderOptions, limit: usize) -> String {
    let mut doc = Doc { blocks: Vec::new() };
    doc.push(format!("# sagescope audit\n\n{}", summary_line(report)));
    if report.domains.is_empty() && report.results.is_empty() {
        doc.push("No SageMaker domain in the snapshot: nothing to audit.".into());
    }
    // Domains in report order, then any that only results name.
    let mut ids: Vec<&str> = report.domains.iter().map(|d| d.id.as_str()).collect();
    let mut extra: Vec<&str> = report
        .results
        .iter()
        .map(|r| r.domain.as_str())
        .chain(report.checks.iter().filter_map(|c| c.domain.as_deref()))
        .filter(|d| !ids.contains(d))
        .collect();
    extra.sort();
    extra.dedup();
    ids.extend(extra);

    for id in ids {
        let info = report.domains.iter().find(|d| d.id == id);
        let results: Vec<&QueryResult> = report.results.iter().filter(|r| r.domain == id).collect();
        doc.push(domain_header(info, id));
        let rank = |q: &str| {
            report
                .queries
                .iter()
                .find(|x| x.id == q)
                .map(|x| severity_rank(&x.severity))
                .unwrap_or(5)
        };
        let failing: Vec<&QueryResult> = results
            .iter()
            .copied()
            .filter(|r| r.verdict.is_failure())
            .collect();
        let mut groups = finding::group_results(&failing);
        groups.sort_by_key(|g| {
            (
                rank(&g[0].query),
                g[0].query.clone(),
                verdict_order(g[0].verdict),
            )
        });
        if groups.is_empty() {
            if results.iter().any(|r| r.verdict == Verdict::Reachable) {
                doc.push("✅ Every applicable path is reachable.".into());
            } else {
                doc.push("No applicable query.".into());
            }
        } else {
            doc.push(format!(
                "### Failing paths: {}",
                plural(failing.len(), "result", "results")
            ));
        }
        for g in &groups {
            let q = report.queries.iter().find(|q| q.id == g[0].query);
            doc.finding(failing_block(g, q), g.len());
        }
        if let Some(b) = passing_block(&results, &report.queries, opts.quiet) {
            doc.push(b);
        }
        if let Some(b) = not_applicable_block(&results, opts.quiet) {
            doc.push(b);
        }
        checks_blocks(&mut doc, report, Some(id), opts.quiet);
    }
    checks_blocks(&mut doc, report, None, opts.quiet);

    if !report.warnings.is_empty() {
        doc.push("## Input warnings".into());
        for d in &report.warnings {
            doc.blocks.push(Block {
                text: diagnostic_line(d),
                findings: 0,
                warnings: 1,
            });
        }
    }
    let notes: Vec<&Diagnostic> = report
        .notes
        .iter()
        .filter(|d| d.level == Level::Note)
        .collect();
    if !notes.is_empty() && !opts.quiet {
        let mut out = vec![
            "<details>".to_string(),
            format!(
                "<summary>{}</summary>",
                plural(notes.len(), "note", "notes")
            ),
            String::new(),
        ];
        out.extend(notes.iter().map(|d| diagnostic_line(d)));
        out.push(String::new());
        out.push("</details>".into());
        doc.push(out.join("\n"));
    }
    doc.push(format!(
        "<sub>sagescope {} · static analysis of the snapshot's configuration; no packet was sent.</sub>",
        env!("CARGO_PKG_VERSION")
    ));
    doc.pack(
        limit,
        "Run `sagescope audit --format json` (or `--format sarif`) for the full report.",
    )
}

// ------------------------------------------------------------------ trace --

fn hop_rows(hops: &[Arc<Hop>]) -> Vec<String> {
    let mut out = vec![
        "| # | resource | kind | decision | rule |".to_string(),
        "|---|---|---|---|---|".to_string(),
    ];
    for (i, h) in hops.iter().enumerate() {
        let decision = match h.decision {
            Decision::Deny => "**deny**".to_string(),
            d => inline(d.as_str()),
        };
        out.push(format!(
            "| {} | {} | {} | {decision} | {} |",
            i + 1,
            code(&h.resource),
            inline(h.kind.as_str()),
            inline(&h.rule.to_string())
        ));
    }
    out
}

/// `trace --format markdown`: the verdict, where it is blocked and why,
/// both paths hop by hop, notes and warnings.
pub fn render_trace(t: &TraceReport, w: &mut dyn io::Write) -> io::Result<()> {
    let flow = match t.flow.dst_ports.as_str() {
        "n/a" => t.flow.protocol.clone(),
        "all ports" => format!("{} all ports", t.flow.protocol),
        ports => format!("{}/{ports}", t.flow.protocol),
    };
    let mut parts = vec![format!(
        "# sagescope trace: {} → {} {}",
        code(&t.from),
        code(&t.to),
        inline(&flow)
    )];
    let mut verdict = format!(
        "{} **{}**",
        icon(t.verdict),
        finding::verdict_title(t.verdict)
    );
    if t.flow.src_ports != "n/a" {
        verdict.push_str(&format!(" (source ports {})", inline(&t.flow.src_ports)));
    }
    if let Some(part) = &t.reachable_part {
        verdict.push_str(&format!(": reachable part {}", inline(part)));
    }
    parts.push(verdict);
    if !t.blocked_at.is_empty() {
        let mut lines = vec!["## Where blocked and why".to_string(), String::new()];
        for b in &t.blocked_at {
            let dir = match b.direction {
                Direction::Forward => "",
                Direction::Return => " (return traffic)",
            };
            lines.push(format!(
                "- {} {} {}{dir}: {}",
                code(&b.resource),
                inline(b.kind.as_str()),
                code(b.code.as_str()),
                inline(&b.reason.to_string())
            ));
        }
        parts.push(lines.join("\n"));
    }
    for (title, hops) in [("Forward path", &t.path), ("Return path", &t.return_path)] {
        if hops.is_empty() {
            parts.push(format!("## {title}\n\n(none)"));
        } else {
            parts.push(format!("## {title}\n\n{}", hop_rows(hops).join("\n")));
        }
    }
    if !t.notes.is_empty() {
        let mut lines = vec!["## Notes".to_string(), String::new()];
        lines.extend(t.notes.iter().map(|n| format!("- {}", inline(n))));
        parts.push(lines.join("\n"));
    }
    if !t.warnings.is_empty() {
        let mut lines = vec!["## Input warnings".to_string(), String::new()];
        lines.extend(t.warnings.iter().map(diagnostic_line));
        parts.push(lines.join("\n"));
    }
    writeln!(w, "{}", parts.join("\n\n"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::findings::Code;
    use crate::report::tests::sample;

    fn md(report: &Report, opts: RenderOptions) -> String {
        let mut out = Vec::new();
        render(report, &mut out, &opts).unwrap();
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn failing_first_passing_collapsed() {
        let t = md(&sample(), RenderOptions::default());
        assert!(
            t.starts_with(
                "# sagescope audit\n\n❌ **2 failing paths** (1 blocked, 0 partial, 1 unknown) in 1 domain · 1 reachable · 2 not applicable (5 results) · ⚠️ 1 input warning (see the end)\n"
            ),
            "{t}"
        );
        let failing = t.find("#### ❌ `efs-nfs`").expect("blocked group");
        let unknown = t.find("#### ❔ `logs`").expect("unknown group");
        let passing = t.find("<details>").expect("passing collapsed");
        assert!(failing < passing && unknown < passing, "{t}");
        assert!(t.contains("- `subnet-a` (eu-west-1a): `alice`"), "{t}");
        assert!(
            t.contains("- `acl-1` `SUBNET_ACL_RESTRICTION` (return traffic): acl-1 inbound rule 100 denies the reply"),
            "{t}"
        );
        assert!(t.contains("- prefix list pl-1 entries not captured"), "{t}");
        assert!(t.contains("➖ Not applicable: `ecr-api`, `ecr-dkr` (2 results): no custom image is configured"), "{t}");
        assert!(
            t.contains(
                "## Input warnings\n\n- `dangling-subnet`: subnet-x not found (`Subnets.json`)"
            ),
            "{t}"
        );
        assert!(t.ends_with("</sub>\n"), "{t}");
        let q = md(
            &sample(),
            RenderOptions {
                quiet: true,
                ..RenderOptions::default()
            },
        );
        assert!(!q.contains("<details>"), "{q}");
        assert!(q.contains("#### ❌ `efs-nfs`"), "{q}");
    }

    #[test]
    fn fixes_and_checks() {
        let t = md(
            &crate::report::finding::sample_with_fixes_and_checks(),
            RenderOptions::default(),
        );
        assert!(t.contains("and **2 failed checks** in 1 domain"), "{t}");
        assert!(
            t.contains("**Fix:** Allow tcp 2049 from sg-1 on sg-mt (fsmt-1)\n\n```sh\naws ec2 authorize-security-group-ingress --group-id sg-mt"),
            "{t}"
        );
        assert!(
            t.contains("**Fix:** Allow the replies in acl-1 &lt;inbound&gt;\n\n```sh\naws ec2 create-network-acl-entry"),
            "{t}"
        );
        assert!(t.contains("--region eu-west-1\necho done\n```"), "{t}");
        assert!(
            t.contains("### Compliance checks: 1 failed, 1 passed"),
            "{t}"
        );
        assert!(
            t.contains("#### ❌ `domain-vpc-only` · high · Domain uses VpcOnly network access\n\n**`d-1`**: PublicInternetOnly: apps reach the internet through SageMaker's VPC\n\n**Fix:** Create a VpcOnly domain &amp; migrate"),
            "{t}"
        );
        assert!(t.contains("<summary>✅ 1 check passed</summary>"), "{t}");
        let orphans = t
            .find("## Compliance checks without a domain: 1 failed, 0 passed")
            .expect("checks without a domain");
        assert!(orphans > t.find("### Compliance checks").unwrap());
        assert!(
            t.contains("aws efs delete-file-system --file-system-id fs-old"),
            "{t}"
        );
    }

    #[test]
    fn trace_markdown() {
        use crate::engine::{Blocker, PathResult};
        use crate::report::trace::{TraceFlow, TraceReport};
        let t = TraceReport::new(
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
                    direction: Direction::Return,
                    code: Code::EniSgRulesMismatch,
                    reason: crate::findings::Why::Text("no rule | allows it".into()).into(),
                }],
                path: vec![Arc::new(Hop {
                    resource: "eni-1".into(),
                    kind: crate::findings::Kind::NetworkInterface,
                    decision: crate::findings::Decision::Deny,
                    rule: crate::findings::Rule::Text("a|b".into()),
                })],
                return_path: vec![],
                notes: vec![crate::findings::Note::Text("note *one*".into())],
                reachable_part: None,
            },
            vec![Diagnostic::warning("w", "careful")],
        );
        let mut out = Vec::new();
        render_trace(&t, &mut out).unwrap();
        let t = String::from_utf8(out).unwrap();
        insta::assert_snapshot!(t);
    }

    #[test]
    fn escaping() {
        assert_eq!(
            inline("a|b *c* <d> [e](f) `g`"),
            "a\\|b \\*c\\* &lt;d&gt; \\[e\\](f) \\`g\\`"
        );
        assert_eq!(code("sg-1"), "`sg-1`");
        assert_eq!(code("a`b"), "a\\`b");
        assert_eq!(
            fenced("sh", &["echo ```".to_string()]),
            "````sh\necho ```\n````"
        );
    }

    #[test]
    fn truncates_on_block_boundaries_with_a_note() {
        let mut r = sample();
        // Many distinct failing groups: one per blocker resource.
        let blocked = r
            .results
            .iter()
            .find(|x| x.verdict == Verdict::Blocked)
            .unwrap()
            .clone();
        for i in 0..400 {
            let mut x = blocked.clone();
            Arc::make_mut(&mut x.source).name = format!("user-{i:03}");
            x.blocked_at[0].resource = format!("sg-{i:03}");
            r.results.push(x);
        }
        let t = document(&r, &RenderOptions::default(), 8_000);
        assert!(t.chars().count() <= 8_000, "{}", t.chars().count());
        assert!(t.contains("> [!NOTE]\n> Truncated"), "{t}");
        assert!(t.contains("more findings"), "{t}");
        // Never a dangling fence or details block.
        assert_eq!(t.matches("```").count() % 2, 0);
        assert_eq!(
            t.matches("<details>").count(),
            t.matches("</details>").count()
        );
        let full = md(&r, RenderOptions::default());
        assert!(full.chars().count() <= MAX_CHARS);
    }
}
