//! `--format junit`: JUnit XML, for CI test dashboards (Jenkins, GitLab,
//! Azure DevOps, GitHub test reporters).
//!
//! - `<testsuites name="sagescope">` with one `<testsuite>` per domain
//!   (named `d-… (name)`, its mode, VPC, region and ARN as `<properties>`),
//!   plus one `sagescope checks without a domain` suite when a check
//!   judged a resource outside any domain.
//! - One `<testcase>` per query result, i.e. per (query, source,
//!   destination): `classname="sagescope.<domain>.<query>"`,
//!   `name="<source> -> <destination>"`; and one per check and resource:
//!   `classname="sagescope.<domain>.check.<check>"`, `name="<resource>"`.
//! - Verdicts: reachable passes (its witness path in `<system-out>`);
//!   partial and blocked are `<failure type="partial|blocked">`; unknown is
//!   an `<error type="unknown">`, because the test could not be decided
//!   (the snapshot lacks data), which dashboards show red like the exit
//!   code (1) says, and never green as `skipped` would; not-applicable is
//!   `<skipped>` with the reason. A failing check is `<failure
//!   type="fail">`. Failure bodies hold the blockers with their reasons,
//!   the fixes with their AWS CLI commands, the witness paths and notes.
//! - Counts (`tests`, `failures`, `errors`, `skipped`) on every suite and
//!   on the root; `time="0"` (a static analysis has no per-test duration)
//!   and no timestamp, so the same snapshot gives the same bytes.
//! - Input warnings are in each suite's `<system-err>`.
//!
//! Everything is escaped for XML 1.0: markup characters become entities,
//! line breaks in attributes `&#10;`, and characters XML cannot carry at
//! all (most C0 controls) U+FFFD.

use std::io;
use std::sync::Arc;

use super::finding;
use super::{CheckResult, CheckStatus, DomainInfo, QueryResult, RenderOptions, Report};
use crate::engine::{Hop, Verdict};
use crate::snapshot::{Diagnostic, Level};

pub fn render(report: &Report, w: &mut dyn io::Write, _opts: &RenderOptions) -> io::Result<()> {
    let suites = suites(report);
    let total = suites
        .iter()
        .fold(Counts::default(), |a, s| a.add(&s.counts));
    writeln!(w, r#"<?xml version="1.0" encoding="UTF-8"?>"#)?;
    writeln!(
        w,
        r#"<testsuites name="sagescope" tests="{}" failures="{}" errors="{}" skipped="{}" time="0">"#,
        total.tests, total.failures, total.errors, total.skipped
    )?;
    for (i, s) in suites.iter().enumerate() {
        write_suite(w, i, s, &report.warnings)?;
    }
    writeln!(w, "</testsuites>")
}

/// Escape for XML 1.0 text (`attr == false`) or a double-quoted attribute.
pub fn escape(s: &str, attr: bool) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' if attr => out.push_str("&quot;"),
            '\'' if attr => out.push_str("&apos;"),
            // Attribute values are normalised (line breaks and tabs become
            // spaces) unless written as character references; a literal CR
            // in text would be read back as LF.
            '\n' if attr => out.push_str("&#10;"),
            '\t' if attr => out.push_str("&#9;"),
            '\r' => out.push_str("&#13;"),
            c if is_xml_char(c) => out.push(c),
            _ => out.push('\u{FFFD}'),
        }
    }
    out
}

/// The `Char` production of XML 1.0.
fn is_xml_char(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\r' | '\u{20}'..='\u{D7FF}' | '\u{E000}'..='\u{FFFD}' | '\u{10000}'..='\u{10FFFF}')
}

#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
struct Counts {
    tests: usize,
    failures: usize,
    errors: usize,
    skipped: usize,
}

impl Counts {
    fn add(self, o: &Counts) -> Counts {
        Counts {
            tests: self.tests + o.tests,
            failures: self.failures + o.failures,
            errors: self.errors + o.errors,
            skipped: self.skipped + o.skipped,
        }
    }
}

enum Outcome {
    Pass,
    Failure { kind: &'static str },
    Error { kind: &'static str },
    Skipped,
}

struct Case {
    classname: String,
    name: String,
    outcome: Outcome,
    /// The `message` attribute of failure, error or skipped.
    message: String,
    /// Failure or error body; `<system-out>` of a pass.
    body: String,
}

struct Suite<'a> {
    name: String,
    domain: Option<&'a DomainInfo>,
    cases: Vec<Case>,
    counts: Counts,
}

fn suites(report: &Report) -> Vec<Suite<'_>> {
    // Domains in report order, then any domain that only results or
    // checks name (a hand-made report), then checks without a domain.
    let mut keys: Vec<Option<String>> = report.domains.iter().map(|d| Some(d.id.clone())).collect();
    let mut extra: Vec<Option<String>> = report
        .results
        .iter()
        .map(|r| Some(r.domain.clone()))
        .chain(report.checks.iter().map(|c| c.domain.clone()))
        .filter(|k| !keys.contains(k))
        .collect();
    extra.sort();
    extra.dedup();
    // `None` sorts first; it belongs last.
    let no_domain = extra.first() == Some(&None);
    keys.extend(extra.into_iter().filter(Option::is_some));
    if no_domain {
        keys.push(None);
    }

    keys.into_iter()
        .map(|key| {
            let domain = key
                .as_ref()
                .and_then(|k| report.domains.iter().find(|d| &d.id == k));
            let mut cases: Vec<Case> = Vec::new();
            if let Some(k) = &key {
                cases.extend(
                    report
                        .results
                        .iter()
                        .filter(|r| &r.domain == k)
                        .map(query_case),
                );
            }
            cases.extend(
                report
                    .checks
                    .iter()
                    .filter(|c| c.domain == key)
                    .map(check_case),
            );
            let mut counts = Counts {
                tests: cases.len(),
                ..Counts::default()
            };
            for c in &cases {
                match c.outcome {
                    Outcome::Pass => {}
                    Outcome::Failure { .. } => counts.failures += 1,
                    Outcome::Error { .. } => counts.errors += 1,
                    Outcome::Skipped => counts.skipped += 1,
                }
            }
            let name = match (&key, domain.and_then(|d| d.name.as_ref())) {
                (Some(id), Some(name)) => format!("{id} ({name})"),
                (Some(id), None) => id.clone(),
                (None, _) => "sagescope checks without a domain".to_string(),
            };
            Suite {
                name,
                domain,
                cases,
                counts,
            }
        })
        .collect()
}

fn path_line(label: &str, hops: &[Arc<Hop>]) -> Option<String> {
    (!hops.is_empty()).then(|| {
        let steps: Vec<String> = hops
            .iter()
            .map(|h| format!("{} {}", h.decision, h.resource))
            .collect();
        format!("{label}: {}", steps.join(" -> "))
    })
}

fn query_case(r: &QueryResult) -> Case {
    let classname = format!("sagescope.{}.{}", r.domain, r.query);
    let name = format!("{} -> {}", r.source.describe(), r.destination);
    let headline = finding::headline(r);
    let outcome = match r.verdict {
        Verdict::Reachable => Outcome::Pass,
        Verdict::Partial => Outcome::Failure { kind: "partial" },
        Verdict::Blocked => Outcome::Failure { kind: "blocked" },
        Verdict::Unknown => Outcome::Error { kind: "unknown" },
        Verdict::NotApplicable => Outcome::Skipped,
    };
    if r.verdict == Verdict::Reachable {
        let body: Vec<String> = [
            path_line("forward", &r.path),
            path_line("return", &r.return_path),
        ]
        .into_iter()
        .flatten()
        .chain(r.notes.iter().map(|n| format!("note: {n}")))
        .collect();
        return Case {
            classname,
            name,
            outcome,
            message: String::new(),
            body: body.join("\n"),
        };
    }
    if r.verdict == Verdict::NotApplicable {
        let reason = r.notes.first().cloned().unwrap_or(headline);
        return Case {
            classname,
            name,
            outcome,
            message: reason,
            body: String::new(),
        };
    }
    let message = if r.blocked_at.is_empty() {
        format!("{}: {headline}", r.verdict)
    } else {
        let at: Vec<String> = r
            .blocked_at
            .iter()
            .map(|b| format!("{} ({})", b.resource, b.code))
            .collect();
        format!("{}: {headline}; blocked at {}", r.verdict, at.join(", "))
    };
    let mut body = vec![
        format!("{}: {headline}", r.verdict),
        format!("query {} (severity {})", r.query, r.severity),
    ];
    if !r.source.security_group_ids.is_empty() {
        body.push(format!(
            "source security groups: {}",
            r.source.security_group_ids.join(", ")
        ));
    }
    if !r.blocked_at.is_empty() {
        body.push("blocked at:".into());
        body.extend(
            r.blocked_at
                .iter()
                .map(|b| format!("  {}", finding::blocker_line(b))),
        );
    }
    let fixes: Vec<_> = r.fixes.iter().collect();
    body.extend(finding::fixes_text(&fixes));
    for (label, hops) in [("forward path", &r.path), ("return path", &r.return_path)] {
        if !hops.is_empty() {
            body.push(format!("{label}:"));
            body.extend(
                hops.iter()
                    .enumerate()
                    .map(|(i, h)| format!("  {}. {}", i + 1, finding::hop_line(h))),
            );
        }
    }
    if !r.notes.is_empty() {
        body.push("notes:".into());
        body.extend(r.notes.iter().map(|n| format!("  - {n}")));
    }
    Case {
        classname,
        name,
        outcome,
        message,
        body: body.join("\n"),
    }
}

fn check_case(c: &CheckResult) -> Case {
    let domain = c.domain.as_deref().unwrap_or("no-domain");
    let classname = format!("sagescope.{domain}.check.{}", c.check);
    match c.status {
        CheckStatus::Pass => Case {
            classname,
            name: c.resource.clone(),
            outcome: Outcome::Pass,
            message: String::new(),
            body: c.message.clone(),
        },
        CheckStatus::Fail => {
            let fixes: Vec<_> = c.fixes.iter().collect();
            let mut body = vec![
                format!("fail: {}", c.message),
                format!("check {} (severity {})", c.check, c.severity),
            ];
            body.extend(finding::fixes_text(&fixes));
            Case {
                classname,
                name: c.resource.clone(),
                outcome: Outcome::Failure { kind: "fail" },
                message: c.message.clone(),
                body: body.join("\n"),
            }
        }
    }
}

fn write_suite(
    w: &mut dyn io::Write,
    id: usize,
    s: &Suite<'_>,
    warnings: &[Diagnostic],
) -> io::Result<()> {
    let c = &s.counts;
    writeln!(
        w,
        r#"  <testsuite name="{}" id="{id}" tests="{}" failures="{}" errors="{}" skipped="{}" time="0">"#,
        escape(&s.name, true),
        c.tests,
        c.failures,
        c.errors,
        c.skipped
    )?;
    if let Some(d) = s.domain {
        let props: Vec<(&str, &str)> = [
            ("domain", Some(d.id.as_str())),
            ("arn", d.arn.as_deref()),
            ("name", d.name.as_deref()),
            ("mode", d.mode.as_deref()),
            ("vpc", d.vpc_id.as_deref()),
            ("region", d.region.as_deref()),
        ]
        .into_iter()
        .filter_map(|(k, v)| v.map(|v| (k, v)))
        .collect();
        writeln!(w, "    <properties>")?;
        for (k, v) in props {
            writeln!(
                w,
                r#"      <property name="{k}" value="{}"/>"#,
                escape(v, true)
            )?;
        }
        writeln!(w, "    </properties>")?;
    }
    for case in &s.cases {
        write!(
            w,
            r#"    <testcase classname="{}" name="{}" time="0""#,
            escape(&case.classname, true),
            escape(&case.name, true)
        )?;
        let message = escape(&case.message, true);
        match &case.outcome {
            Outcome::Pass if case.body.is_empty() => writeln!(w, "/>")?,
            Outcome::Pass => {
                writeln!(w, ">")?;
                writeln!(
                    w,
                    "      <system-out>{}</system-out>",
                    escape(&case.body, false)
                )?;
                writeln!(w, "    </testcase>")?;
            }
            Outcome::Skipped => {
                writeln!(w, ">")?;
                writeln!(w, r#"      <skipped message="{message}"/>"#)?;
                writeln!(w, "    </testcase>")?;
            }
            Outcome::Failure { kind } | Outcome::Error { kind } => {
                let tag = match case.outcome {
                    Outcome::Error { .. } => "error",
                    _ => "failure",
                };
                writeln!(w, ">")?;
                writeln!(
                    w,
                    r#"      <{tag} type="{kind}" message="{message}">{}</{tag}>"#,
                    escape(&case.body, false)
                )?;
                writeln!(w, "    </testcase>")?;
            }
        }
    }
    let warnings: Vec<String> = warnings
        .iter()
        .filter(|d| d.level == Level::Warning)
        .map(|d| {
            let mut line = Vec::new();
            // write_diagnostic cannot fail on a Vec.
            let _ = super::write_diagnostic(&mut line, d);
            String::from_utf8_lossy(&line).trim_end().to_string()
        })
        .collect();
    if !warnings.is_empty() {
        writeln!(
            w,
            "    <system-err>{}</system-err>",
            escape(&warnings.join("\n"), false)
        )?;
    }
    writeln!(w, "  </testsuite>")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::tests::sample;

    fn xml(report: &Report) -> String {
        let mut out = Vec::new();
        render(report, &mut out, &RenderOptions::default()).unwrap();
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn escapes_markup_quotes_breaks_and_non_xml_chars() {
        assert_eq!(
            escape("a<b>&\"c'\n\t\r\u{1}\u{FFFE}", true),
            "a&lt;b&gt;&amp;&quot;c&apos;&#10;&#9;&#13;\u{FFFD}\u{FFFD}"
        );
        assert_eq!(escape("a\"'\n\tb", false), "a\"'\n\tb");
    }

    #[test]
    fn parses_back_with_counts_and_outcomes() {
        let text = xml(&sample());
        let doc = roxmltree::Document::parse(&text).unwrap();
        let root = doc.root_element();
        assert_eq!(root.tag_name().name(), "testsuites");
        assert_eq!(root.attribute("tests"), Some("5"));
        assert_eq!(root.attribute("failures"), Some("1"));
        assert_eq!(root.attribute("errors"), Some("1"));
        assert_eq!(root.attribute("skipped"), Some("2"));
        let suite = root.first_element_child().unwrap();
        assert_eq!(suite.attribute("name"), Some("d-1 (prod)"));
        let failure = doc
            .descendants()
            .find(|n| n.has_tag_name("failure"))
            .unwrap();
        assert_eq!(failure.attribute("type"), Some("blocked"));
        let body = failure.text().unwrap();
        assert!(
            body.contains("acl-1 (SUBNET_ACL_RESTRICTION, return traffic): acl-1 inbound rule 100 denies the reply"),
            "{body}"
        );
        let error = doc.descendants().find(|n| n.has_tag_name("error")).unwrap();
        assert_eq!(error.attribute("type"), Some("unknown"));
        assert!(error
            .text()
            .unwrap()
            .contains("prefix list pl-1 entries not captured"));
        let skipped: Vec<_> = doc
            .descendants()
            .filter(|n| n.has_tag_name("skipped"))
            .collect();
        assert_eq!(skipped.len(), 2);
        assert_eq!(
            skipped[0].attribute("message"),
            Some("no custom image is configured")
        );
        let err = doc
            .descendants()
            .find(|n| n.has_tag_name("system-err"))
            .unwrap();
        assert!(err.text().unwrap().starts_with("warning[dangling-subnet]"));
    }

    #[test]
    fn fixes_and_checks() {
        let text = xml(&crate::report::finding::sample_with_fixes_and_checks());
        let doc = roxmltree::Document::parse(&text).unwrap();
        let root = doc.root_element();
        // 5 query results and 3 check results.
        assert_eq!(root.attribute("tests"), Some("8"));
        assert_eq!(root.attribute("failures"), Some("3"));
        assert_eq!(root.attribute("errors"), Some("1"));
        assert_eq!(root.attribute("skipped"), Some("2"));
        let suites: Vec<_> = root.children().filter(|n| n.is_element()).collect();
        assert_eq!(suites.len(), 2);
        assert_eq!(
            suites[1].attribute("name"),
            Some("sagescope checks without a domain")
        );
        assert_eq!(suites[1].attribute("failures"), Some("1"));
        let case = |classname: &str, name: &str| {
            doc.descendants()
                .find(|n| {
                    n.has_tag_name("testcase")
                        && n.attribute("classname") == Some(classname)
                        && n.attribute("name") == Some(name)
                })
                .unwrap_or_else(|| panic!("{classname} {name}"))
        };
        let vpc = case("sagescope.d-1.check.domain-vpc-only", "d-1");
        let failure = vpc.first_element_child().unwrap();
        assert_eq!(failure.tag_name().name(), "failure");
        assert_eq!(failure.attribute("type"), Some("fail"));
        assert!(failure.text().unwrap().contains(
            "Fix: Create a VpcOnly domain & migrate\n  aws sagemaker create-domain --app-network-access-type VpcOnly"
        ));
        let pass = case("sagescope.d-1.check.domain-vpc-only", "subnet-a");
        assert_eq!(
            pass.first_element_child().unwrap().tag_name().name(),
            "system-out"
        );
        case(
            "sagescope.no-domain.check.orphaned-domain-resources",
            "fs-old",
        );
        let efs = doc
            .descendants()
            .find(|n| n.has_tag_name("failure") && n.attribute("type") == Some("blocked"))
            .unwrap();
        let body = efs.text().unwrap();
        assert!(body.contains("Fix: Allow tcp 2049 from sg-1 on sg-mt (fsmt-1)\n  aws ec2 authorize-security-group-ingress"), "{body}");
        assert!(
            body.contains(
                "Fix: Allow the replies in acl-1 <inbound>\n  aws ec2 create-network-acl-entry"
            ),
            "{body}"
        );
    }

    #[test]
    fn hostile_text_round_trips() {
        let mut r = sample();
        let nasty = "a & b <c> \"d\" 'e'\nline2 ]]> \u{7}";
        Arc::make_mut(&mut r.results[2].source).name = nasty.into();
        r.results[2].blocked_at[0].reason = crate::findings::Why::Text(nasty.into()).into();
        let text = xml(&r);
        let doc = roxmltree::Document::parse(&text).unwrap();
        let case = doc
            .descendants()
            .find(|n| {
                n.has_tag_name("testcase")
                    && n.attribute("name").is_some_and(|a| a.contains("line2"))
            })
            .unwrap();
        let want = nasty.replace('\u{7}', "\u{FFFD}");
        assert!(case.attribute("name").unwrap().contains(&want));
        let failure = case.first_element_child().unwrap();
        assert!(failure.text().unwrap().contains(&want));
    }
}
