//! PURE. The report model and one renderer per format.
//!
//! Every renderer has the same shape, `render(&Report, &mut dyn io::Write,
//! &RenderOptions)`, writes to any writer and never looks at the terminal:
//! the caller decides colour and width. The JSON field names of [`Report`]
//! are a contract (`schema_version`, `results[].{query, domain, source,
//! destination, verdict, blocked_at, path}`, `warnings`, `notes`); add
//! fields, never rename them.

pub mod compliance;
mod finding;
pub mod json;
pub mod junit;
pub mod markdown;
pub mod sarif;
pub mod table;
pub mod trace;

use std::collections::BTreeMap;
use std::io;

use serde::{Deserialize, Serialize};

use crate::engine::Verdict;
use crate::findings::is_false;
use crate::findings::Severity;
pub use crate::findings::{sort_results, QueryResult, Remediation, SourceRef};
use crate::snapshot::{Diagnostic, Domain, Level};

/// Version of the `--format json` document.
pub const REPORT_SCHEMA_VERSION: u32 = 1;

/// Outcome of a non-path compliance check on one resource.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum CheckStatus {
    Pass,
    Fail,
}

/// One compliance check (src/checks/) evaluated on one resource.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CheckResult {
    /// Stable kebab-case check id.
    pub check: String,
    /// Domain the finding belongs to, when it belongs to one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub domain: Option<String>,
    /// The resource id (or ARN) the finding is about.
    pub resource: String,
    pub status: CheckStatus,
    /// info, low, medium, high, critical.
    pub severity: String,
    /// One line, with the ids involved.
    pub message: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub fixes: Vec<Remediation>,
    /// Accepted in the suppression file (failing checks only).
    #[serde(default, skip_serializing_if = "is_false")]
    pub suppressed: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub suppression_reason: Option<String>,
}

/// A check that was run, with its documentation (for SARIF rules, `--help`
/// style listings and Markdown reports).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct CheckInfo {
    pub id: String,
    pub title: String,
    pub severity: String,
    pub what: String,
    pub why: String,
    pub fix: String,
    pub references: Vec<String>,
}

/// A domain as the report shows it.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct DomainInfo {
    pub id: String,
    /// `arn:aws:sagemaker:<region>:<account>:domain/<id>`, when the input
    /// has it (DescribeDomain, ListDomains).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub arn: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// `VpcOnly`, `PublicInternetOnly`, or absent when unknown.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mode: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub vpc_id: Option<String>,
    #[serde(default)]
    pub subnet_ids: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub region: Option<String>,
}

impl DomainInfo {
    pub fn new(domain: &Domain, region: Option<String>) -> Self {
        let mut subnet_ids = domain.subnet_ids.clone();
        subnet_ids.sort();
        DomainInfo {
            id: domain.id.clone(),
            arn: domain.arn.clone(),
            name: domain.name.clone(),
            mode: domain.app_network_access_type.clone(),
            vpc_id: domain.vpc_id.clone(),
            subnet_ids,
            region,
        }
    }
}

/// A query that was run, for readers of the JSON that want its title.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct QueryInfo {
    pub id: String,
    pub title: String,
    pub severity: String,
    /// The query's What / Why / Fix / References (empty when unknown), for
    /// SARIF rules and Markdown reports.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub what: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub why: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub fix: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub references: Vec<String>,
}

impl QueryInfo {
    /// A query as the report shows it, with its documentation.
    pub fn from_query(q: &crate::query::Query) -> QueryInfo {
        QueryInfo {
            id: q.id.clone(),
            title: q.title.clone(),
            severity: q.severity.to_string(),
            what: q.docs.what.clone(),
            why: q.docs.why.clone(),
            fix: q.docs.fix.clone(),
            references: q.docs.references.clone(),
        }
    }
}

/// Counts per verdict.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Summary {
    pub total: usize,
    pub reachable: usize,
    pub partial: usize,
    pub blocked: usize,
    pub unknown: usize,
    #[serde(rename = "not-applicable")]
    pub not_applicable: usize,
}

impl Summary {
    pub fn of(results: &[QueryResult]) -> Summary {
        let mut s = Summary {
            total: results.len(),
            ..Summary::default()
        };
        for r in results {
            match r.verdict {
                Verdict::Reachable => s.reachable += 1,
                Verdict::Partial => s.partial += 1,
                Verdict::Blocked => s.blocked += 1,
                Verdict::Unknown => s.unknown += 1,
                Verdict::NotApplicable => s.not_applicable += 1,
            }
        }
        s
    }
}

impl std::fmt::Display for Summary {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} result{}: {} reachable, {} partial, {} blocked, {} unknown, {} not applicable",
            self.total,
            if self.total == 1 { "" } else { "s" },
            self.reachable,
            self.partial,
            self.blocked,
            self.unknown,
            self.not_applicable
        )
    }
}

/// Everything `audit` found.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Report {
    pub schema_version: u32,
    pub summary: Summary,
    /// The audited domains, sorted by id.
    pub domains: Vec<DomainInfo>,
    /// The queries run, sorted by id.
    pub queries: Vec<QueryInfo>,
    /// Sorted by (domain, query, source kind, source name, subnet, destination).
    pub results: Vec<QueryResult>,
    /// Compliance checks run (empty until checks are evaluated).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub check_infos: Vec<CheckInfo>,
    /// Compliance check results, sorted by (domain, check, resource).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub checks: Vec<CheckResult>,
    pub warnings: Vec<Diagnostic>,
    pub notes: Vec<Diagnostic>,
}

impl Report {
    /// Assemble a report: sorts domains, queries and diagnostics (results
    /// come sorted, see [`sort_results`]), splits diagnostics by level and
    /// counts the verdicts.
    pub fn new(
        mut domains: Vec<DomainInfo>,
        mut queries: Vec<QueryInfo>,
        results: Vec<QueryResult>,
        diagnostics: Vec<Diagnostic>,
    ) -> Report {
        domains.sort();
        queries.sort();
        let (warnings, notes) = split_diagnostics(diagnostics);
        Report {
            schema_version: REPORT_SCHEMA_VERSION,
            summary: Summary::of(&results),
            domains,
            queries,
            results,
            check_infos: Vec::new(),
            checks: Vec::new(),
            warnings,
            notes,
        }
    }

    /// The exit code 1 condition: a partial, blocked or unknown query
    /// result, or a failing check, at or above `fail_on`. Without
    /// `--fail-on`, every failing query result counts (issue 2's contract)
    /// and checks count from medium severity up: low and info checks are
    /// advice (F8, F16, F18, AWS-managed KMS key), not broken paths.
    pub fn has_findings(&self, fail_on: Option<Severity>) -> bool {
        let at = |s: &str, min: Severity| Severity::parse(s).is_none_or(|s| s >= min);
        let queries_min = fail_on.unwrap_or(Severity::Info);
        let checks_min = fail_on.unwrap_or(Severity::Medium);
        self.results
            .iter()
            .any(|r| r.verdict.is_failure() && !r.suppressed && at(&r.severity, queries_min))
            || self.checks.iter().any(|c| {
                c.status == CheckStatus::Fail && !c.suppressed && at(&c.severity, checks_min)
            })
    }
}

/// The report's result order: domain, query, source (kind, name, subnet,
/// ...), destination.
/// The not-applicable results folded per reason (the reason is the
/// result's first note): `(reason, sorted query ids, number of results)`,
/// for the one-line-per-reason summaries of the table and Markdown.
pub fn not_applicable_groups<'a>(
    results: &[&'a QueryResult],
) -> Vec<(&'a str, Vec<&'a str>, usize)> {
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
            (reason, queries, n)
        })
        .collect()
}

/// Re-wrap prose (docs text, whose TOML line breaks are the author's, not
/// ours) to `width` columns; blank lines stay paragraph breaks.
pub fn reflow(text: &str, width: usize) -> Vec<String> {
    let mut out = Vec::new();
    for (i, para) in text.trim().split("\n\n").enumerate() {
        if i > 0 {
            out.push(String::new());
        }
        let mut line = String::new();
        for word in para.split_whitespace() {
            if !line.is_empty() && line.len() + 1 + word.len() > width {
                out.push(std::mem::take(&mut line));
            }
            if !line.is_empty() {
                line.push(' ');
            }
            line.push_str(word);
        }
        if !line.is_empty() {
            out.push(line);
        }
    }
    out
}

/// Sorted, deduplicated (warnings, notes).
pub fn split_diagnostics(mut diagnostics: Vec<Diagnostic>) -> (Vec<Diagnostic>, Vec<Diagnostic>) {
    diagnostics.sort();
    diagnostics.dedup();
    diagnostics
        .into_iter()
        .partition(|d| d.level == Level::Warning)
}

/// How a renderer should write.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct RenderOptions {
    /// ANSI colours (the caller checked the TTY, `--color` and NO_COLOR).
    pub color: bool,
    /// Wrap tables to this width; `None` = no limit (stable output).
    pub width: Option<u16>,
    /// Table: show only findings (partial, blocked, unknown).
    pub quiet: bool,
    /// Table: one row per result (default: sources sharing a verdict and
    /// its blockers are grouped on one row).
    pub expand: bool,
    /// Table: list the remediations (`audit --fix`).
    pub fix: bool,
}

/// `warning[code]: message (file; ids)`, one line, for stderr.
pub fn write_diagnostic(w: &mut dyn io::Write, d: &Diagnostic) -> io::Result<()> {
    let level = match d.level {
        Level::Warning => "warning",
        Level::Note => "note",
    };
    write!(w, "{level}[{}]: {}", d.code, d.message)?;
    let mut context: Vec<String> = Vec::new();
    if let Some(f) = &d.file {
        context.push(f.clone());
    }
    if !d.ids.is_empty() {
        context.push(d.ids.join(", "));
    }
    if !context.is_empty() {
        write!(w, " ({})", context.join("; "))?;
    }
    writeln!(w)
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::engine::Blocker;
    use crate::findings::{permute, Code};
    use std::sync::Arc;

    use crate::engine::Direction;

    /// Issue 5: the results are sorted through their indexes; the order
    /// must be that of a stable sort (equal keys keep their order).
    #[test]
    fn sort_results_is_a_stable_sort() {
        let base = sample().results;
        // Every arrangement of a few results with repeated keys, told apart
        // by their notes.
        let mut pool = Vec::new();
        for (i, r) in base.iter().cycle().take(7).enumerate() {
            let mut r = r.clone();
            r.notes = vec![format!("#{i}")];
            pool.push(r);
        }
        let mut seed = 7u64;
        for _ in 0..200 {
            let mut v = pool.clone();
            for i in (1..v.len()).rev() {
                seed = seed
                    .wrapping_mul(6364136223846793005)
                    .wrapping_add(1442695040888963407);
                v.swap(i, (seed >> 33) as usize % (i + 1));
            }
            let mut expected = v.clone();
            expected.sort_by(|a, b| {
                (&a.domain, &a.query, &a.source, &a.destination).cmp(&(
                    &b.domain,
                    &b.query,
                    &b.source,
                    &b.destination,
                ))
            });
            sort_results(&mut v);
            assert_eq!(v, expected);
        }
        let mut order = vec![2, 0, 1];
        let mut items = vec!['a', 'b', 'c'];
        permute(&mut items, &mut order);
        assert_eq!(items, ['c', 'a', 'b']);
        assert_eq!(order, [0, 1, 2]);
    }

    #[test]
    fn reflow_wraps_and_keeps_paragraphs() {
        assert_eq!(reflow("a b\nc dd\n\n e", 4), ["a b", "c dd", "", "e"]);
    }

    pub(crate) fn sample() -> Report {
        let src = |kind: &str, name: &str| SourceRef {
            kind: kind.into(),
            name: name.into(),
            subnet_id: "subnet-a".into(),
            availability_zone: Some("eu-west-1a".into()),
            security_group_ids: vec!["sg-1".into()],
            eni_id: None,
        };
        let result = |query: &str, source: SourceRef, verdict: Verdict| QueryResult {
            query: query.into(),
            domain: "d-1".into(),
            source: Arc::new(source),
            destination: "somewhere tcp/443".into(),
            verdict,
            severity: "high".into(),
            blocked_at: vec![],
            path: vec![],
            return_path: vec![],
            notes: vec![],
            reachable_part: None,
            fixes: vec![],
            suppressed: false,
            suppression_reason: None,
        };
        let mut blocked = result("efs-nfs", src("user-profile", "alice"), Verdict::Blocked);
        blocked.blocked_at = vec![
            Blocker {
                resource: "sg-1".into(),
                kind: crate::findings::Kind::SecurityGroup,
                direction: Direction::Forward,
                code: Code::EniSgRulesMismatch,
                reason: crate::findings::Why::Text("no egress rule of sg-1 allows tcp 2049".into())
                    .into(),
            },
            Blocker {
                resource: "acl-1".into(),
                kind: crate::findings::Kind::NetworkAcl,
                direction: Direction::Return,
                code: Code::SubnetAclRestriction,
                reason: crate::findings::Why::Text(
                    "acl-1 inbound rule 100 denies the reply".into(),
                )
                .into(),
            },
        ];
        let mut unknown = result(
            "logs",
            src("default-user-settings", "default"),
            Verdict::Unknown,
        );
        unknown.notes = vec!["prefix list pl-1 entries not captured".into()];
        let mut na = result(
            "ecr-api",
            src("default-user-settings", "default"),
            Verdict::NotApplicable,
        );
        na.notes = vec!["no custom image is configured".into()];
        let mut na2 = na.clone();
        na2.query = "ecr-dkr".into();
        let ok = result("sts", src("user-profile", "alice"), Verdict::Reachable);
        let mut results = vec![na, na2, blocked, unknown, ok];
        sort_results(&mut results);
        Report::new(
            vec![DomainInfo {
                id: "d-1".into(),
                arn: Some("arn:aws:sagemaker:eu-west-1:111122223333:domain/d-1".into()),
                name: Some("prod".into()),
                mode: Some("VpcOnly".into()),
                vpc_id: Some("vpc-1".into()),
                subnet_ids: vec!["subnet-a".into()],
                region: Some("eu-west-1".into()),
            }],
            vec![],
            results,
            vec![
                Diagnostic::note("n", "a note"),
                Diagnostic::warning("dangling-subnet", "subnet-x not found")
                    .with_file("Subnets.json"),
            ],
        )
    }

    #[test]
    fn summary_counts_and_findings() {
        let r = sample();
        assert_eq!(
            r.summary.to_string(),
            "5 results: 1 reachable, 0 partial, 1 blocked, 1 unknown, 2 not applicable"
        );
        assert!(r.has_findings(None));
        assert!(r.has_findings(Some(Severity::Info)));
        assert!(r.has_findings(Some(Severity::High)));
        assert!(!r.has_findings(Some(Severity::Critical)));
        assert_eq!(r.warnings.len(), 1);
        assert_eq!(r.notes.len(), 1);
    }

    #[test]
    fn diagnostics_render_on_one_line() {
        let mut out = Vec::new();
        write_diagnostic(&mut out, &sample().warnings[0]).unwrap();
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "warning[dangling-subnet]: subnet-x not found (Subnets.json)\n"
        );
    }
}
