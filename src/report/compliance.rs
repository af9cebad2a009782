//! `--format table` additions: the compliance checks of each domain, the
//! suppressed findings, and (with `audit --fix`) the remediations; plus the
//! `checks` / `checks show ID` listings.
//!
//! Called by `table::render` inside its per-domain loop, so every domain
//! reads top-down: path queries, then checks, then what to do about them.

use std::collections::BTreeMap;
use std::io;

use comfy_table::{presets, Cell, Color, ContentArrangement, Table};

use super::{CheckInfo, CheckResult, CheckStatus, QueryResult, Remediation, RenderOptions, Report};

/// Whether `domain` (None: findings not tied to an audited domain) has a
/// failing check or suppressed finding to show in quiet mode.
pub fn has_failing(report: &Report, domain: Option<&str>) -> bool {
    report
        .checks
        .iter()
        .any(|c| c.domain.as_deref() == domain && c.status == CheckStatus::Fail && !c.suppressed)
}

/// The part of a domain's section that follows the query table.
pub fn render_domain(
    report: &Report,
    domain: Option<&str>,
    w: &mut dyn io::Write,
    opts: &RenderOptions,
) -> io::Result<()> {
    let results: Vec<&QueryResult> = report
        .results
        .iter()
        .filter(|r| Some(r.domain.as_str()) == domain)
        .collect();
    for line in suppressed_lines(&results) {
        writeln!(w, "{line}")?;
    }
    let checks: Vec<&CheckResult> = report
        .checks
        .iter()
        .filter(|c| c.domain.as_deref() == domain)
        .collect();
    if !checks.is_empty() {
        let failed = checks
            .iter()
            .filter(|c| c.status == CheckStatus::Fail && !c.suppressed)
            .count();
        let suppressed = checks.iter().filter(|c| c.suppressed).count();
        let passed = checks
            .iter()
            .filter(|c| c.status == CheckStatus::Pass)
            .count();
        let mut head = format!(
            "{}Checks: {failed} failed, {passed} passed",
            if domain.is_none() { "Other " } else { "" }
        );
        if suppressed > 0 {
            head.push_str(&format!(", {suppressed} suppressed"));
        }
        writeln!(w, "{head}")?;
        // Failing and suppressed checks get a row each; passing ones too
        // with --expand, else one line that names them (as the query
        // table's "not applicable" line does).
        let shown: Vec<&CheckResult> = checks
            .iter()
            .copied()
            .filter(|c| match c.status {
                CheckStatus::Fail => !opts.quiet || !c.suppressed,
                CheckStatus::Pass => opts.expand && !opts.quiet,
            })
            .collect();
        if !shown.is_empty() {
            writeln!(w, "{}", checks_table(&shown, opts))?;
        }
        if !opts.expand && !opts.quiet && passed > 0 {
            writeln!(w, "{}", passed_line(&checks))?;
        }
    }
    if opts.fix {
        let fixes = fixes_lines(&results, &checks);
        if !fixes.is_empty() {
            writeln!(w, "Fixes")?;
            for line in fixes {
                writeln!(w, "{line}")?;
            }
        }
    }
    Ok(())
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

fn new_table(opts: &RenderOptions, header: &[&str]) -> Table {
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
    t.set_header(header.to_vec());
    t
}

fn status_cell(c: &CheckResult, opts: &RenderOptions) -> Cell {
    let (text, color) = match (c.status, c.suppressed) {
        (CheckStatus::Fail, true) => ("suppressed", Color::DarkGrey),
        (CheckStatus::Fail, false) => ("fail", Color::Red),
        (CheckStatus::Pass, _) => ("pass", Color::Green),
    };
    let cell = Cell::new(text);
    if opts.color {
        cell.fg(color)
    } else {
        cell
    }
}

/// Failing checks one per row (most severe first), then suppressed ones,
/// then the passing ones given (one row per result: --expand).
fn checks_table(checks: &[&CheckResult], opts: &RenderOptions) -> Table {
    let mut t = new_table(
        opts,
        &["check", "severity", "status", "resource", "message"],
    );
    let mut failing: Vec<&CheckResult> = checks
        .iter()
        .copied()
        .filter(|c| c.status == CheckStatus::Fail)
        .collect();
    failing.sort_by_key(|c| {
        (
            c.suppressed,
            severity_rank(&c.severity),
            c.check.clone(),
            c.resource.clone(),
        )
    });
    for c in failing {
        let mut message = c.message.clone();
        if let Some(reason) = &c.suppression_reason {
            message.push_str(&format!("\nsuppressed: {reason}"));
        }
        t.add_row(vec![
            Cell::new(&c.check),
            Cell::new(&c.severity),
            status_cell(c, opts),
            Cell::new(&c.resource),
            Cell::new(message),
        ]);
    }
    for c in checks.iter().filter(|c| c.status == CheckStatus::Pass) {
        t.add_row(vec![
            Cell::new(&c.check),
            Cell::new(&c.severity),
            status_cell(c, opts),
            Cell::new(&c.resource),
            Cell::new(&c.message),
        ]);
    }
    t
}

/// `passed: domain-vpc-only, efs-mount-target-in-each-az (3 resources), …
/// (--expand lists them)`.
fn passed_line(checks: &[&CheckResult]) -> String {
    let mut by_check: BTreeMap<&str, usize> = BTreeMap::new();
    for c in checks.iter().filter(|c| c.status == CheckStatus::Pass) {
        *by_check.entry(c.check.as_str()).or_default() += 1;
    }
    let names: Vec<String> = by_check
        .into_iter()
        .map(|(check, n)| match n {
            1 => check.to_string(),
            n => format!("{check} ({n} resources)"),
        })
        .collect();
    format!("passed: {} (--expand lists them)", names.join(", "))
}

/// `suppressed: logs (12 results): no SDK jobs in this domain`.
fn suppressed_lines(results: &[&QueryResult]) -> Vec<String> {
    let mut by: BTreeMap<(&str, &str), usize> = BTreeMap::new();
    for r in results.iter().filter(|r| r.suppressed) {
        *by.entry((
            r.query.as_str(),
            r.suppression_reason.as_deref().unwrap_or(""),
        ))
        .or_default() += 1;
    }
    by.into_iter()
        .map(|((query, reason), n)| {
            format!(
                "suppressed: {query} ({n} result{}): {reason}",
                if n == 1 { "" } else { "s" }
            )
        })
        .collect()
}

/// Each distinct remediation once, with what it fixes: failing unsuppressed
/// query results (by query), then failing unsuppressed checks.
fn fixes_lines(results: &[&QueryResult], checks: &[&CheckResult]) -> Vec<String> {
    // The same commands may come with different summaries (a query result
    // and a check about one fault): list them once, under the first.
    let mut order: Vec<&Remediation> = Vec::new();
    let mut what: BTreeMap<&[String], BTreeMap<String, usize>> = BTreeMap::new();
    let failing_results = results
        .iter()
        .filter(|r| r.verdict.is_failure() && !r.suppressed);
    let failing_checks = checks
        .iter()
        .filter(|c| c.status == CheckStatus::Fail && !c.suppressed);
    let entries = failing_results
        .flat_map(|r| r.fixes.iter().map(move |f| (f, r.query.clone())))
        .chain(failing_checks.flat_map(|c| {
            c.fixes
                .iter()
                .map(move |f| (f, format!("{} {}", c.check, c.resource)))
        }));
    for (fix, label) in entries {
        let key = fix.commands.as_slice();
        if !what.contains_key(key) {
            order.push(fix);
        }
        *what.entry(key).or_default().entry(label).or_default() += 1;
    }
    let mut lines = Vec::new();
    for fix in order {
        let labels: Vec<String> = what[fix.commands.as_slice()]
            .iter()
            .map(|(l, n)| {
                if *n > 1 {
                    format!("{l} ({n} results)")
                } else {
                    l.clone()
                }
            })
            .collect();
        lines.push(format!("- {} [{}]", fix.summary, labels.join(", ")));
        for c in &fix.commands {
            lines.push(format!("    {c}"));
        }
    }
    lines
}

/// `sagescope checks`: one row per check.
pub fn render_list(infos: &[CheckInfo], w: &mut dyn io::Write) -> io::Result<()> {
    let mut t = new_table(&RenderOptions::default(), &["id", "severity", "title"]);
    for c in infos {
        t.add_row(vec![c.id.clone(), c.severity.clone(), c.title.clone()]);
    }
    writeln!(w, "{t}")?;
    writeln!(
        w,
        "{} checks. `sagescope checks show ID` prints a check's documentation.",
        infos.len()
    )
}

/// `sagescope checks show ID`: What / Why / Fix / References.
pub fn render_doc(c: &CheckInfo, w: &mut dyn io::Write) -> io::Result<()> {
    writeln!(w, "{}: {}", c.id, c.title)?;
    writeln!(w, "severity {}", c.severity)?;
    for (heading, text) in [("What", &c.what), ("Why", &c.why), ("Fix", &c.fix)] {
        writeln!(w, "\n{heading}")?;
        for line in super::reflow(text, 78) {
            writeln!(w, "  {line}")?;
        }
    }
    writeln!(w, "\nReferences")?;
    for r in &c.references {
        writeln!(w, "  - {r}")?;
    }
    Ok(())
}
