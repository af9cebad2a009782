//! `--format sarif`: SARIF 2.1.0 (OASIS), for code-scanning dashboards,
//! Security Hub importers and SARIF viewers.
//!
//! - One run. `tool.driver.rules` holds the path queries that were run
//!   (`report.queries`), then the compliance checks (`report.check_infos`),
//!   each with its What as `fullDescription` and What / Why / Fix /
//!   References as `help` (text and Markdown), `defaultConfiguration.level`
//!   from its severity (critical, high: `error`; medium: `warning`; low,
//!   info: `note`) and `properties.{severity, tags, sagescopeKind}`.
//! - Results are findings only: one per query result that is partial,
//!   blocked or unknown (the exit-code-1 verdicts), and one per failing
//!   check. Reachable and not-applicable results and passing checks are
//!   counted in `run.properties` (`summary`, `checks`), not listed: a SARIF
//!   consumer treats every result as something to look at.
//! - Unknown verdicts are `kind: fail` like the exit code says, but their
//!   level is capped at `warning`: the path is not proven broken, the
//!   snapshot lacks the data to decide.
//! - AWS resources have no file and line, so results carry logical
//!   locations only (`kind: resource`, `properties.resourceType` the
//!   CloudFormation type): `locations` are the components that would have
//!   to change (the blockers; the source when nothing blocks), and
//!   `relatedLocations` the source (with its ARN when the domain's is
//!   known), its subnet and the domain (with its ARN).
//! - The witness path is a `codeFlow` with a `forward` and a `return`
//!   thread flow, one location per hop with the rule that decided.
//! - Fixes are in the message (text and Markdown) and in
//!   `properties.fixes` (`[{summary, commands}]`, as in `--format json`).
//!   SARIF `fixes` objects are not used: they describe edits to artifacts
//!   (`artifactChanges` with byte or line regions, at least one required),
//!   while our fixes are AWS API calls on live resources.
//! - `partialFingerprints["sagescopeFinding/v1"]` is a digest of what was
//!   asked (query, domain, source, subnet, destination; or check, domain,
//!   resource), never of the answer, so an alert keeps its identity across
//!   runs while its blockers change.
//! - Input warnings and notes are `invocations[0].toolExecutionNotifications`.
//!
//! Output is deterministic: the report is sorted and every object here is
//! a struct (no map whose key order depends on serde_json features).

use std::collections::BTreeMap;
use std::io;
use std::sync::Arc;

use serde::Serialize;

use super::finding;
use super::{
    json::write_pretty, CheckInfo, CheckResult, CheckStatus, DomainInfo, QueryInfo, QueryResult,
    Remediation, RenderOptions, Report, Summary,
};
use crate::engine::{Blocker, Hop, Verdict};
use crate::findings::Decision;
use crate::snapshot::{Diagnostic, Level};

/// The `$schema` the log declares: the OASIS publication of SARIF 2.1.0
/// with Errata 01.
pub const SARIF_SCHEMA: &str =
    "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json";

/// Key of the one partial fingerprint (versioned: a change of recipe is a
/// new key, so old alerts are not silently re-identified).
pub const FINGERPRINT_KEY: &str = "sagescopeFinding/v1";

pub fn render(report: &Report, w: &mut dyn io::Write, _opts: &RenderOptions) -> io::Result<()> {
    write_pretty(&log(report), w)
}

/// SARIF level of a severity.
pub fn level(severity: &str) -> &'static str {
    match severity {
        "critical" | "high" => "error",
        "medium" => "warning",
        _ => "note",
    }
}

// ------------------------------------------------------------ the model --

#[derive(Serialize)]
struct Log {
    #[serde(rename = "$schema")]
    schema: &'static str,
    version: &'static str,
    runs: Vec<Run>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Run {
    tool: Tool,
    invocations: Vec<Invocation>,
    results: Vec<SarifResult>,
    properties: RunProperties,
}

#[derive(Serialize)]
struct Tool {
    driver: Driver,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Driver {
    name: &'static str,
    version: &'static str,
    semantic_version: &'static str,
    rules: Vec<Rule>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Rule {
    id: String,
    name: String,
    short_description: Text,
    full_description: Text,
    help: Text,
    #[serde(skip_serializing_if = "Option::is_none")]
    help_uri: Option<String>,
    default_configuration: Configuration,
    properties: RuleProperties,
}

/// `message` and `multiformatMessageString`.
#[derive(Serialize)]
struct Text {
    text: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    markdown: Option<String>,
}

impl Text {
    fn plain(text: impl Into<String>) -> Text {
        Text {
            text: text.into(),
            markdown: None,
        }
    }
}

#[derive(Serialize)]
struct Configuration {
    level: &'static str,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct RuleProperties {
    tags: Vec<&'static str>,
    severity: String,
    /// `path-query` or `compliance-check`.
    sagescope_kind: &'static str,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Invocation {
    execution_successful: bool,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    tool_execution_notifications: Vec<Notification>,
}

#[derive(Serialize)]
struct Notification {
    level: &'static str,
    message: Text,
    descriptor: DescriptorRef,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    locations: Vec<Location>,
    #[serde(skip_serializing_if = "Option::is_none")]
    properties: Option<NotificationProperties>,
}

#[derive(Serialize)]
struct DescriptorRef {
    id: String,
}

#[derive(Serialize)]
struct NotificationProperties {
    file: String,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SarifResult {
    rule_id: String,
    rule_index: usize,
    kind: &'static str,
    level: &'static str,
    message: Text,
    locations: Vec<Location>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    related_locations: Vec<Location>,
    partial_fingerprints: BTreeMap<&'static str, String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    code_flows: Vec<CodeFlow>,
    properties: ResultProperties,
}

#[derive(Serialize, PartialEq)]
#[serde(rename_all = "camelCase")]
struct Location {
    logical_locations: Vec<LogicalLocation>,
}

#[derive(Serialize, PartialEq)]
#[serde(rename_all = "camelCase")]
struct LogicalLocation {
    name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    fully_qualified_name: Option<String>,
    kind: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    properties: Option<LogicalProperties>,
}

#[derive(Serialize, PartialEq)]
#[serde(rename_all = "camelCase")]
struct LogicalProperties {
    #[serde(skip_serializing_if = "Option::is_none")]
    resource_type: Option<&'static str>,
    /// What the resource is to the finding: `blocker`, `source`,
    /// `source-subnet`, `domain`, `resource`, `hop`.
    role: &'static str,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct CodeFlow {
    message: Text,
    thread_flows: Vec<ThreadFlow>,
}

#[derive(Serialize)]
struct ThreadFlow {
    id: &'static str,
    message: Text,
    locations: Vec<ThreadFlowLocation>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ThreadFlowLocation {
    location: HopLocation,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    kinds: Vec<&'static str>,
    execution_order: usize,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct HopLocation {
    logical_locations: Vec<LogicalLocation>,
    message: Text,
}

/// `result.properties`: the finding as `--format json` has it.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ResultProperties {
    /// `query` or `check`.
    sagescope_kind: &'static str,
    /// Verdict of a query result (partial, blocked, unknown) or `fail`.
    verdict: String,
    severity: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    domain: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    source: Option<super::SourceRef>,
    #[serde(skip_serializing_if = "Option::is_none")]
    destination: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    resource: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    blocked_at: Vec<Blocker>,
    #[serde(skip_serializing_if = "Option::is_none")]
    reachable_part: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    notes: Vec<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    fixes: Vec<Remediation>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct RunProperties {
    report_schema_version: u32,
    /// Counts per verdict of all query results, findings or not.
    summary: Summary,
    checks: CheckCounts,
    domains: Vec<DomainInfo>,
}

#[derive(Serialize)]
struct CheckCounts {
    total: usize,
    pass: usize,
    fail: usize,
}

// --------------------------------------------------------------- rules --

/// Rules in `driver.rules` order, and where each id went.
struct Rules {
    rules: Vec<Rule>,
    queries: BTreeMap<String, usize>,
    checks: BTreeMap<String, usize>,
}

fn query_rule(q: &QueryInfo) -> Rule {
    doc_rule(
        &q.id,
        &q.title,
        &q.severity,
        [&q.what, &q.why, &q.fix],
        &q.references,
        "path-query",
        vec!["sagemaker", "network", "reachability"],
    )
}

fn check_rule(c: &CheckInfo) -> Rule {
    doc_rule(
        &c.id,
        &c.title,
        &c.severity,
        [&c.what, &c.why, &c.fix],
        &c.references,
        "compliance-check",
        vec!["sagemaker", "network", "compliance"],
    )
}

/// `efs-nfs` -> `EfsNfs`: SARIF wants a name readable by people, and
/// id-like names are the convention.
fn camel(id: &str) -> String {
    id.split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(|w| {
            let mut cs = w.chars();
            match cs.next() {
                Some(c) => c.to_ascii_uppercase().to_string() + cs.as_str(),
                None => String::new(),
            }
        })
        .collect()
}

fn doc_rule(
    id: &str,
    title: &str,
    severity: &str,
    [what, why, fix]: [&String; 3],
    references: &[String],
    kind: &'static str,
    tags: Vec<&'static str>,
) -> Rule {
    let title = if title.trim().is_empty() { id } else { title };
    let what_paras = finding::paragraphs(what);
    let mut text: Vec<String> = Vec::new();
    let mut markdown: Vec<String> = Vec::new();
    for (heading, body) in [("What", what), ("Why", why), ("Fix", fix)] {
        let paras = finding::paragraphs(body);
        if paras.is_empty() {
            continue;
        }
        text.push(format!("{heading}: {}", paras.join("\n\n")));
        markdown.push(format!("**{heading}.** {}", paras.join("\n\n")));
    }
    if !references.is_empty() {
        text.push(format!(
            "References:\n{}",
            references
                .iter()
                .map(|r| format!("- {r}"))
                .collect::<Vec<_>>()
                .join("\n")
        ));
        markdown.push(format!(
            "**References.**\n\n{}",
            references
                .iter()
                .map(|r| if finding::is_url(r) {
                    format!("- <{r}>")
                } else {
                    format!("- {r}")
                })
                .collect::<Vec<_>>()
                .join("\n")
        ));
    }
    if text.is_empty() {
        text.push(title.to_string());
        markdown.push(title.to_string());
    }
    Rule {
        id: id.to_string(),
        name: camel(id),
        short_description: Text::plain(title),
        full_description: Text::plain(if what_paras.is_empty() {
            title.to_string()
        } else {
            what_paras.join("\n\n")
        }),
        help: Text {
            text: text.join("\n\n"),
            markdown: Some(markdown.join("\n\n")),
        },
        help_uri: references.iter().find(|r| finding::is_url(r)).cloned(),
        default_configuration: Configuration {
            level: level(severity),
        },
        properties: RuleProperties {
            tags,
            severity: severity.to_string(),
            sagescope_kind: kind,
        },
    }
}

fn rules(report: &Report) -> Rules {
    let mut r = Rules {
        rules: Vec::new(),
        queries: BTreeMap::new(),
        checks: BTreeMap::new(),
    };
    for q in &report.queries {
        if !r.queries.contains_key(&q.id) {
            r.queries.insert(q.id.clone(), r.rules.len());
            r.rules.push(query_rule(q));
        }
    }
    // A result whose query is not listed (a hand-made report) still gets
    // a rule, so that every ruleIndex points somewhere.
    for res in &report.results {
        if res.verdict.is_failure() && !r.queries.contains_key(&res.query) {
            r.queries.insert(res.query.clone(), r.rules.len());
            r.rules.push(query_rule(&QueryInfo {
                id: res.query.clone(),
                title: res.query.clone(),
                severity: res.severity.clone(),
                what: String::new(),
                why: String::new(),
                fix: String::new(),
                references: Vec::new(),
            }));
        }
    }
    for c in &report.check_infos {
        if !r.checks.contains_key(&c.id) {
            r.checks.insert(c.id.clone(), r.rules.len());
            r.rules.push(check_rule(c));
        }
    }
    for c in &report.checks {
        if c.status == CheckStatus::Fail && !r.checks.contains_key(&c.check) {
            r.checks.insert(c.check.clone(), r.rules.len());
            r.rules.push(check_rule(&CheckInfo {
                id: c.check.clone(),
                title: c.check.clone(),
                severity: c.severity.clone(),
                what: String::new(),
                why: String::new(),
                fix: String::new(),
                references: Vec::new(),
            }));
        }
    }
    r
}

// ------------------------------------------------------------- results --

fn logical(
    name: &str,
    fqn: Option<String>,
    resource_type: Option<&'static str>,
    role: &'static str,
) -> LogicalLocation {
    LogicalLocation {
        name: name.to_string(),
        fully_qualified_name: fqn,
        kind: "resource",
        properties: Some(LogicalProperties {
            resource_type,
            role,
        }),
    }
}

fn resource(id: &str, role: &'static str) -> LogicalLocation {
    logical(id, None, finding::resource_type(id), role)
}

fn domain_location(domain_id: &str, info: Option<&DomainInfo>) -> LogicalLocation {
    logical(
        domain_id,
        info.and_then(|d| d.arn.clone()),
        Some("AWS::SageMaker::Domain"),
        "domain",
    )
}

fn source_location(r: &QueryResult, domain: Option<&DomainInfo>) -> LogicalLocation {
    let s = &r.source;
    let fqn = finding::source_arn(domain, s).unwrap_or_else(|| match s.kind.as_str() {
        "app-eni" => s.name.clone(),
        _ => format!("{}/{}/{}", r.domain, s.kind, s.name),
    });
    let (name, resource_type) = match s.kind.as_str() {
        "user-profile" => (s.name.clone(), Some("AWS::SageMaker::UserProfile")),
        "shared-space" => (s.name.clone(), Some("AWS::SageMaker::Space")),
        "app-eni" => (s.name.clone(), Some("AWS::EC2::NetworkInterface")),
        // Default settings live on the domain.
        _ => (s.kind.clone(), Some("AWS::SageMaker::Domain")),
    };
    logical(&name, Some(fqn), resource_type, "source")
}

/// Locations, one logical location each, without duplicates (SARIF wants
/// unique items).
fn locations(items: Vec<LogicalLocation>) -> Vec<Location> {
    let mut out: Vec<Location> = Vec::new();
    for l in items {
        if out.iter().any(|o| o.logical_locations[0].name == l.name) {
            continue;
        }
        out.push(Location {
            logical_locations: vec![l],
        });
    }
    out
}

fn thread_flow(id: &'static str, label: &str, hops: &[Arc<Hop>]) -> Option<ThreadFlow> {
    if hops.is_empty() {
        return None;
    }
    Some(ThreadFlow {
        id,
        message: Text::plain(format!("{label} path, {} hop(s)", hops.len())),
        locations: hops
            .iter()
            .enumerate()
            .map(|(i, h)| ThreadFlowLocation {
                location: HopLocation {
                    logical_locations: vec![logical(
                        &h.resource,
                        None,
                        finding::resource_type(&h.resource),
                        "hop",
                    )],
                    message: Text::plain(finding::hop_line(h)),
                },
                kinds: match h.decision {
                    Decision::Deny => vec!["danger"],
                    Decision::Unknown => vec!["unknown"],
                    _ => vec![],
                },
                execution_order: i + 1,
            })
            .collect(),
    })
}

fn fixes_markdown(fixes: &[&Remediation]) -> Vec<String> {
    let mut out = Vec::new();
    for f in fixes {
        out.push(format!("**Fix:** {}", f.summary));
        if !f.commands.is_empty() {
            out.push(format!("```sh\n{}\n```", f.commands.join("\n")));
        }
    }
    out
}

fn query_result(r: &QueryResult, report: &Report, rules: &Rules) -> SarifResult {
    let domain = report.domains.iter().find(|d| d.id == r.domain);
    let mut lvl = level(&r.severity);
    if r.verdict == Verdict::Unknown && lvl == "error" {
        lvl = "warning";
    }
    let head = format!(
        "{} {}: {}.",
        r.query,
        r.verdict.as_str(),
        finding::headline(r)
    );
    let reasons = finding::reasons(r);
    let fixes: Vec<&Remediation> = r.fixes.iter().collect();
    let mut text = vec![head.clone()];
    let mut md = vec![head];
    if !r.blocked_at.is_empty() {
        text.push(format!("Blocked at: {}", reasons.join("; ")));
        md.push(format!(
            "Blocked at:\n{}",
            reasons
                .iter()
                .map(|x| format!("- {x}"))
                .collect::<Vec<_>>()
                .join("\n")
        ));
    } else if !reasons.is_empty() {
        text.push(format!("Notes: {}", reasons.join("; ")));
        md.push(format!(
            "Notes:\n{}",
            reasons
                .iter()
                .map(|x| format!("- {x}"))
                .collect::<Vec<_>>()
                .join("\n")
        ));
    }
    text.extend(finding::fixes_text(&fixes));
    md.extend(fixes_markdown(&fixes));

    let primary: Vec<LogicalLocation> = if r.blocked_at.is_empty() {
        vec![source_location(r, domain)]
    } else {
        r.blocked_at
            .iter()
            .map(|b| resource(&b.resource, "blocker"))
            .collect()
    };
    let mut related = vec![source_location(r, domain)];
    if !r.source.subnet_id.is_empty() {
        related.push(resource(&r.source.subnet_id, "source-subnet"));
    }
    related.push(domain_location(&r.domain, domain));
    let related = if r.blocked_at.is_empty() {
        related.into_iter().skip(1).collect()
    } else {
        related
    };

    let flows: Vec<ThreadFlow> = [
        thread_flow("forward", "Forward", &r.path),
        thread_flow("return", "Return", &r.return_path),
    ]
    .into_iter()
    .flatten()
    .collect();
    let code_flows = if flows.is_empty() {
        Vec::new()
    } else {
        vec![CodeFlow {
            message: Text::plain(format!(
                "Witness: the candidate path from {} toward {}",
                r.source.describe(),
                r.destination
            )),
            thread_flows: flows,
        }]
    };

    SarifResult {
        rule_id: r.query.clone(),
        rule_index: rules.queries[&r.query],
        kind: "fail",
        level: lvl,
        message: Text {
            text: text.join("\n"),
            markdown: Some(md.join("\n\n")),
        },
        locations: locations(primary),
        related_locations: locations(related),
        partial_fingerprints: BTreeMap::from([(
            FINGERPRINT_KEY,
            finding::digest(&finding::result_identity(r)),
        )]),
        code_flows,
        properties: ResultProperties {
            sagescope_kind: "query",
            verdict: r.verdict.as_str().to_string(),
            severity: r.severity.clone(),
            domain: Some(r.domain.clone()),
            source: Some((*r.source).clone()),
            destination: Some(r.destination.clone()),
            resource: None,
            blocked_at: r.blocked_at.clone(),
            reachable_part: r.reachable_part.clone(),
            notes: r.notes.clone(),
            fixes: r.fixes.clone(),
        },
    }
}

fn check_result(c: &CheckResult, report: &Report, rules: &Rules) -> SarifResult {
    let head = format!("{} failed on {}: {}", c.check, c.resource, c.message);
    let fixes: Vec<&Remediation> = c.fixes.iter().collect();
    let mut text = vec![head.clone()];
    let mut md = vec![head];
    text.extend(finding::fixes_text(&fixes));
    md.extend(fixes_markdown(&fixes));
    let mut related = Vec::new();
    if let Some(d) = &c.domain {
        if *d != c.resource {
            let info = report.domains.iter().find(|x| &x.id == d);
            related.push(domain_location(d, info));
        }
    }
    SarifResult {
        rule_id: c.check.clone(),
        rule_index: rules.checks[&c.check],
        kind: "fail",
        level: level(&c.severity),
        message: Text {
            text: text.join("\n"),
            markdown: Some(md.join("\n\n")),
        },
        locations: locations(vec![resource(&c.resource, "resource")]),
        related_locations: locations(related),
        partial_fingerprints: BTreeMap::from([(
            FINGERPRINT_KEY,
            finding::digest(&[
                "check",
                &c.check,
                c.domain.as_deref().unwrap_or(""),
                &c.resource,
            ]),
        )]),
        code_flows: Vec::new(),
        properties: ResultProperties {
            sagescope_kind: "check",
            verdict: "fail".into(),
            severity: c.severity.clone(),
            domain: c.domain.clone(),
            source: None,
            destination: None,
            resource: Some(c.resource.clone()),
            blocked_at: Vec::new(),
            reachable_part: None,
            notes: Vec::new(),
            fixes: c.fixes.clone(),
        },
    }
}

fn notification(d: &Diagnostic) -> Notification {
    let ids: Vec<LogicalLocation> = d.ids.iter().map(|id| resource(id, "resource")).collect();
    Notification {
        level: match d.level {
            Level::Warning => "warning",
            Level::Note => "note",
        },
        message: Text::plain(d.message.clone()),
        descriptor: DescriptorRef { id: d.code.clone() },
        locations: if ids.is_empty() {
            Vec::new()
        } else {
            vec![Location {
                logical_locations: dedup_logical(ids),
            }]
        },
        properties: d.file.clone().map(|file| NotificationProperties { file }),
    }
}

fn dedup_logical(items: Vec<LogicalLocation>) -> Vec<LogicalLocation> {
    let mut out: Vec<LogicalLocation> = Vec::new();
    for l in items {
        if !out.contains(&l) {
            out.push(l);
        }
    }
    out
}

fn log(report: &Report) -> Log {
    let rules = rules(report);
    let mut results: Vec<SarifResult> = report
        .results
        .iter()
        .filter(|r| r.verdict.is_failure())
        .map(|r| query_result(r, report, &rules))
        .collect();
    results.extend(
        report
            .checks
            .iter()
            .filter(|c| c.status == CheckStatus::Fail)
            .map(|c| check_result(c, report, &rules)),
    );
    let fail = report
        .checks
        .iter()
        .filter(|c| c.status == CheckStatus::Fail)
        .count();
    let notifications = report
        .warnings
        .iter()
        .chain(&report.notes)
        .map(notification)
        .collect();
    Log {
        schema: SARIF_SCHEMA,
        version: "2.1.0",
        runs: vec![Run {
            tool: Tool {
                driver: Driver {
                    name: "sagescope",
                    version: env!("CARGO_PKG_VERSION"),
                    semantic_version: env!("CARGO_PKG_VERSION"),
                    rules: rules.rules,
                },
            },
            invocations: vec![Invocation {
                execution_successful: true,
                tool_execution_notifications: notifications,
            }],
            results,
            properties: RunProperties {
                report_schema_version: report.schema_version,
                summary: report.summary,
                checks: CheckCounts {
                    total: report.checks.len(),
                    pass: report.checks.len() - fail,
                    fail,
                },
                domains: report.domains.clone(),
            },
        }],
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::tests::sample;

    fn sarif(report: &Report) -> serde_json::Value {
        let mut out = Vec::new();
        render(report, &mut out, &RenderOptions::default()).unwrap();
        serde_json::from_slice(&out).unwrap()
    }

    #[test]
    fn findings_only_with_rules_levels_and_counts() {
        let v = sarif(&sample());
        assert_eq!(v["version"], "2.1.0");
        let run = &v["runs"][0];
        let results = run["results"].as_array().unwrap();
        // The blocked efs-nfs and the unknown logs result; not the
        // reachable or not-applicable ones.
        let ids: Vec<&str> = results
            .iter()
            .map(|r| r["ruleId"].as_str().unwrap())
            .collect();
        assert_eq!(ids, ["efs-nfs", "logs"]);
        assert_eq!(results[0]["level"], "error");
        // Unknown is capped at warning.
        assert_eq!(results[1]["level"], "warning");
        assert_eq!(run["properties"]["summary"]["reachable"], 1);
        assert_eq!(run["properties"]["summary"]["not-applicable"], 2);
        // Every result's ruleIndex points at its rule.
        let rules = run["tool"]["driver"]["rules"].as_array().unwrap();
        for r in results {
            let i = r["ruleIndex"].as_u64().unwrap() as usize;
            assert_eq!(rules[i]["id"], r["ruleId"]);
        }
        let blocked = &results[0];
        let locs: Vec<&str> = blocked["locations"]
            .as_array()
            .unwrap()
            .iter()
            .map(|l| l["logicalLocations"][0]["name"].as_str().unwrap())
            .collect();
        assert_eq!(locs, ["sg-1", "acl-1"]);
        let related: Vec<&str> = blocked["relatedLocations"]
            .as_array()
            .unwrap()
            .iter()
            .map(|l| {
                l["logicalLocations"][0]["fullyQualifiedName"]
                    .as_str()
                    .or(l["logicalLocations"][0]["name"].as_str())
                    .unwrap()
            })
            .collect();
        assert_eq!(
            related,
            [
                "arn:aws:sagemaker:eu-west-1:111122223333:user-profile/d-1/alice",
                "subnet-a",
                "arn:aws:sagemaker:eu-west-1:111122223333:domain/d-1"
            ]
        );
        let text = blocked["message"]["text"].as_str().unwrap();
        assert!(
            text.starts_with(
                "efs-nfs blocked: user-profile alice @ subnet-a/eu-west-1a cannot reach somewhere tcp/443."
            ),
            "{text}"
        );
        assert!(
            text.contains("acl-1 (SUBNET_ACL_RESTRICTION, return traffic)"),
            "{text}"
        );
        let notes = run["invocations"][0]["toolExecutionNotifications"]
            .as_array()
            .unwrap();
        assert_eq!(notes.len(), 2);
        assert_eq!(notes[0]["descriptor"]["id"], "dangling-subnet");
        assert_eq!(notes[0]["properties"]["file"], "Subnets.json");
    }

    #[test]
    fn fingerprints_follow_the_question_not_the_answer() {
        let mut r = sample();
        let fp = |v: &serde_json::Value, i: usize| {
            v["runs"][0]["results"][i]["partialFingerprints"][FINGERPRINT_KEY]
                .as_str()
                .unwrap()
                .to_string()
        };
        let before = sarif(&r);
        let i = r
            .results
            .iter()
            .position(|x| x.verdict == Verdict::Blocked)
            .unwrap();
        r.results[i].verdict = Verdict::Partial;
        r.results[i].blocked_at.pop();
        let after = sarif(&r);
        assert_eq!(fp(&before, 0), fp(&after, 0));
        assert_ne!(fp(&before, 0), fp(&before, 1));
        Arc::make_mut(&mut r.results[i].source).name = "bob".into();
        assert_ne!(fp(&before, 0), fp(&sarif(&r), 0));
    }

    /// Both vendored schemas (tests/fixtures/sarif/PROVENANCE.md), formats
    /// asserted.
    pub(crate) fn validators() -> Vec<jsonschema::Validator> {
        let draft07: serde_json::Value = serde_json::from_str(&patched_draft07()).unwrap();
        let errata01: serde_json::Value = serde_json::from_str(include_str!(
            "../../tests/fixtures/sarif/sarif-schema-2.1.0-errata01.json"
        ))
        .unwrap();
        [draft07, errata01]
            .iter()
            .map(|schema| {
                jsonschema::options()
                    .should_validate_formats(true)
                    .build(schema)
                    .unwrap()
            })
            .collect()
    }

    /// The draft-07 copy with its one invalid regex replaced by Errata
    /// 01's: `run.language` and `toolComponent.language` have the pattern
    /// `^[a-zA-Z]{2}|^[a-zA-Z]{2}-[a-zA-Z]{2}]?$`, whose lone `]` is not
    /// ECMA-262, so the meta-schema check (`format: regex`) refuses the
    /// schema. sagescope writes neither property.
    fn patched_draft07() -> String {
        let text = include_str!("../../tests/fixtures/sarif/sarif-schema-2.1.0.json");
        let bad = r#""^[a-zA-Z]{2}|^[a-zA-Z]{2}-[a-zA-Z]{2}]?$""#;
        assert_eq!(text.matches(bad).count(), 2, "the vendored file changed");
        text.replace(bad, r#""^[a-zA-Z]{2}(-[a-zA-Z]{2})?$""#)
    }

    fn validate(v: &serde_json::Value) {
        for validator in validators() {
            let errors: Vec<String> = validator
                .iter_errors(v)
                .map(|e| format!("{} at {}", e, e.instance_path()))
                .collect();
            assert!(errors.is_empty(), "{errors:#?}");
        }
    }

    #[test]
    fn fixes_and_checks_are_rendered_and_valid() {
        let report = crate::report::finding::sample_with_fixes_and_checks();
        let v = sarif(&report);
        validate(&v);
        let run = &v["runs"][0];
        let rules = run["tool"]["driver"]["rules"].as_array().unwrap();
        let check_rule = rules
            .iter()
            .find(|r| r["id"] == "domain-vpc-only")
            .expect("a rule per check");
        assert_eq!(check_rule["defaultConfiguration"]["level"], "error");
        assert_eq!(
            check_rule["properties"]["sagescopeKind"],
            "compliance-check"
        );
        assert_eq!(
            check_rule["helpUri"],
            "https://docs.aws.amazon.com/sagemaker/latest/dg/studio-notebooks-and-internet-access.html"
        );
        let help = check_rule["help"]["markdown"].as_str().unwrap();
        assert!(
            help.contains("**Why.** PublicInternetOnly apps reach the internet through a VPC you do not control."),
            "{help}"
        );
        assert!(help.contains("- docs/sagemaker-network.md F1"), "{help}");

        let results = run["results"].as_array().unwrap();
        let ids: Vec<&str> = results
            .iter()
            .map(|r| r["ruleId"].as_str().unwrap())
            .collect();
        // Failing checks only; the passing one is counted.
        assert_eq!(
            ids,
            [
                "efs-nfs",
                "logs",
                "domain-vpc-only",
                "orphaned-domain-resources"
            ]
        );
        assert_eq!(run["properties"]["checks"]["pass"], 1);
        assert_eq!(run["properties"]["checks"]["fail"], 2);

        let blocked = &results[0];
        assert_eq!(blocked["properties"]["fixes"].as_array().unwrap().len(), 2);
        let text = blocked["message"]["text"].as_str().unwrap();
        assert!(
            text.contains("\nFix: Allow tcp 2049 from sg-1 on sg-mt (fsmt-1)\n  aws ec2 authorize-security-group-ingress --group-id sg-mt"),
            "{text}"
        );
        let md = blocked["message"]["markdown"].as_str().unwrap();
        assert!(
            md.contains("```sh\naws ec2 create-network-acl-entry --network-acl-id acl-1"),
            "{md}"
        );
        assert!(md.contains("--region eu-west-1\necho done\n```"), "{md}");

        let check = &results[2];
        assert_eq!(check["kind"], "fail");
        assert_eq!(check["level"], "error");
        assert_eq!(
            check["locations"][0]["logicalLocations"][0]["properties"]["resourceType"],
            "AWS::SageMaker::Domain"
        );
        assert!(check["message"]["text"]
            .as_str()
            .unwrap()
            .contains("Fix: Create a VpcOnly domain & migrate\n  aws sagemaker create-domain"));
        let orphan = &results[3];
        assert_eq!(orphan["level"], "note");
        assert!(orphan.get("relatedLocations").is_none());
        assert_eq!(
            orphan["locations"][0]["logicalLocations"][0]["properties"]["resourceType"],
            "AWS::EFS::FileSystem"
        );
        assert_eq!(
            orphan["properties"]["fixes"][0]["commands"][0],
            "aws efs delete-file-system --file-system-id fs-old --region eu-west-1"
        );
        let rules_by_index = |i: usize| rules[i]["id"].as_str().unwrap();
        for r in results {
            assert_eq!(
                rules_by_index(r["ruleIndex"].as_u64().unwrap() as usize),
                r["ruleId"]
            );
        }
    }

    #[test]
    fn the_schema_check_is_not_vacuous() {
        let good = sarif(&crate::report::finding::sample_with_fixes_and_checks());
        let mut bad_level = good.clone();
        bad_level["runs"][0]["results"][0]["level"] = "fatal".into();
        let mut bad_uri = good.clone();
        bad_uri["runs"][0]["tool"]["driver"]["rules"][0]["helpUri"] = "not a uri".into();
        let mut extra = good.clone();
        extra["runs"][0]["results"][0]["fixes"] =
            serde_json::json!([{"description": {"text": "x"}}]);
        for validator in validators() {
            assert!(validator.is_valid(&good));
            assert!(!validator.is_valid(&bad_level));
            assert!(
                !validator.is_valid(&extra),
                "fix objects need artifactChanges"
            );
        }
        // Formats are asserted (helpUri is format: uri).
        assert!(validators().iter().any(|v| !v.is_valid(&bad_uri)));
    }

    #[test]
    fn camel_names() {
        assert_eq!(camel("efs-nfs"), "EfsNfs");
        assert_eq!(camel("sagemaker-api"), "SagemakerApi");
        assert_eq!(camel("x"), "X");
    }
}
