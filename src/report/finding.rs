//! PURE. The wording of one finding, shared by the SARIF, JUnit and
//! Markdown renderers so that a blocked path reads the same everywhere: a
//! headline, the blockers (or the notes, when nothing blocks but data is
//! missing), the fixes, the docs reflowed, stable identities.

use std::collections::BTreeMap;

use super::{DomainInfo, QueryResult, Remediation, SourceRef};
use crate::engine::{Blocker, Direction, Hop, Verdict};

/// "Blocked", "Partial", ... for headings.
pub(crate) fn verdict_title(v: Verdict) -> &'static str {
    match v {
        Verdict::Reachable => "Reachable",
        Verdict::Partial => "Partial",
        Verdict::Blocked => "Blocked",
        Verdict::Unknown => "Unknown",
        Verdict::NotApplicable => "Not applicable",
    }
}

/// What the verdict means for this source and destination, as one clause
/// (no final period): "user-profile alice @ subnet-1/eu-west-1a cannot
/// reach sagemaker.api (eu-west-1) tcp/443".
pub(crate) fn headline(r: &QueryResult) -> String {
    let src = r.source.describe();
    let dst = &r.destination;
    match r.verdict {
        Verdict::Reachable => format!("{src} reaches {dst}"),
        Verdict::Partial => match &r.reachable_part {
            Some(part) => format!("{src} reaches {dst} only in part ({part})"),
            None => format!("{src} reaches {dst} only in part"),
        },
        Verdict::Blocked => format!("{src} cannot reach {dst}"),
        Verdict::Unknown => {
            format!("whether {src} reaches {dst} depends on data the snapshot lacks")
        }
        Verdict::NotApplicable => format!("{} does not apply to {src}", r.query),
    }
}

/// `sg-1 (ENI_SG_RULES_MISMATCH): no egress rule ...`, with `return
/// traffic` when the reply is what gets dropped.
pub(crate) fn blocker_line(b: &Blocker) -> String {
    let direction = match b.direction {
        Direction::Forward => "",
        Direction::Return => ", return traffic",
    };
    format!("{} ({}{direction}): {}", b.resource, b.code, b.reason)
}

/// Why a result is not reachable: its blockers, or, when nothing blocks
/// (unknown verdicts, not-applicable ones), its notes.
pub(crate) fn reasons(r: &QueryResult) -> Vec<String> {
    if !r.blocked_at.is_empty() {
        return r.blocked_at.iter().map(blocker_line).collect();
    }
    if r.verdict == Verdict::Reachable {
        return Vec::new();
    }
    r.notes.clone()
}

/// One hop of a witness path: `allow sg-1 (security-group): sg-1 egress
/// rule 2: tcp 443 to pl-1`.
pub(crate) fn hop_line(h: &Hop) -> String {
    if h.rule.is_empty() {
        format!("{} {} ({})", h.decision, h.resource, h.kind)
    } else {
        format!("{} {} ({}): {}", h.decision, h.resource, h.kind, h.rule)
    }
}

/// The fixes of several results, each once, in the order first seen (the
/// fix module puts the most direct one first).
pub(crate) fn merged_fixes<'a, I>(fixes: I) -> Vec<&'a Remediation>
where
    I: IntoIterator<Item = &'a Remediation>,
{
    let mut out: Vec<&Remediation> = Vec::new();
    for f in fixes {
        if !out.contains(&f) {
            out.push(f);
        }
    }
    out
}

/// Plain-text fixes: `Fix: summary` then the commands, indented.
pub(crate) fn fixes_text(fixes: &[&Remediation]) -> Vec<String> {
    let mut lines = Vec::new();
    for f in fixes {
        lines.push(format!("Fix: {}", f.summary));
        lines.extend(f.commands.iter().map(|c| format!("  {c}")));
    }
    lines
}

/// Docs text as paragraphs. Query and check docs are hard-wrapped (TOML
/// and Rust string literals); consumers (SARIF viewers, Markdown) wrap by
/// themselves, so lines are joined within a paragraph. List items (`- `,
/// `* `, `1. `) stay on their own lines.
pub(crate) fn paragraphs(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    for para in text.trim().split("\n\n") {
        let mut lines: Vec<String> = Vec::new();
        for line in para.lines().map(str::trim).filter(|l| !l.is_empty()) {
            let item = line.starts_with("- ")
                || line.starts_with("* ")
                || line
                    .split_once(". ")
                    .is_some_and(|(n, _)| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()));
            match lines.last_mut() {
                Some(last) if !item => {
                    last.push(' ');
                    last.push_str(line);
                }
                _ => lines.push(line.to_string()),
            }
        }
        if !lines.is_empty() {
            out.push(lines.join("\n"));
        }
    }
    out
}

/// Whether a reference is a link (the others name sections of
/// `docs/sagemaker-network.md`).
pub(crate) fn is_url(s: &str) -> bool {
    s.starts_with("https://") || s.starts_with("http://")
}

/// A stable 64-bit FNV-1a digest of `parts`, as 16 hex digits. Used for
/// fingerprints that must not change between runs, platforms or Rust
/// versions (std's hashers promise none of that).
pub(crate) fn digest(parts: &[&str]) -> String {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for (i, part) in parts.iter().enumerate() {
        if i > 0 {
            // A separator that cannot occur in ids, so ("a", "bc") and
            // ("ab", "c") differ.
            h ^= 0x1f;
            h = h.wrapping_mul(0x0000_0100_0000_01b3);
        }
        for b in part.bytes() {
            h ^= u64::from(b);
            h = h.wrapping_mul(0x0000_0100_0000_01b3);
        }
    }
    format!("{h:016x}")
}

/// The identity of a query result across runs: what was asked from where,
/// not what was answered (a blocked path that becomes partial is the same
/// finding).
pub(crate) fn result_identity(r: &QueryResult) -> [&str; 7] {
    [
        "query",
        &r.query,
        &r.domain,
        &r.source.kind,
        &r.source.name,
        &r.source.subnet_id,
        &r.destination,
    ]
}

/// `arn:aws:sagemaker:eu-west-1:111122223333:domain/d-1` -> the
/// `arn:aws:sagemaker:eu-west-1:111122223333:` prefix.
fn sagemaker_arn_prefix(domain_arn: &str) -> Option<&str> {
    let i = domain_arn.find(":domain/")?;
    let prefix = &domain_arn[..=i];
    (prefix.starts_with("arn:") && prefix.split(':').count() == 6).then_some(prefix)
}

/// The ARN of a Studio source, derived from its domain's ARN (SageMaker
/// user profiles and spaces always live in the domain's account and
/// region): `...:user-profile/d-1/alice`, `...:space/d-1/team`.
pub(crate) fn source_arn(domain: Option<&DomainInfo>, s: &SourceRef) -> Option<String> {
    let d = domain?;
    let prefix = sagemaker_arn_prefix(d.arn.as_deref()?)?;
    let kind = match s.kind.as_str() {
        "user-profile" => "user-profile",
        "shared-space" => "space",
        _ => return None,
    };
    Some(format!("{prefix}{kind}/{}/{}", d.id, s.name))
}

/// CloudFormation type of an AWS resource, from its id prefix (ids are
/// unambiguous; kinds differ between hops and blockers).
pub(crate) fn resource_type(id: &str) -> Option<&'static str> {
    let prefix = id.split_once('-').map(|(p, _)| p)?;
    Some(match prefix {
        "sg" => "AWS::EC2::SecurityGroup",
        "acl" => "AWS::EC2::NetworkAcl",
        "rtb" => "AWS::EC2::RouteTable",
        "subnet" => "AWS::EC2::Subnet",
        "vpc" => "AWS::EC2::VPC",
        "vpce" => "AWS::EC2::VPCEndpoint",
        "nat" => "AWS::EC2::NatGateway",
        "igw" => "AWS::EC2::InternetGateway",
        "eigw" => "AWS::EC2::EgressOnlyInternetGateway",
        "eni" => "AWS::EC2::NetworkInterface",
        "pl" => "AWS::EC2::PrefixList",
        "i" => "AWS::EC2::Instance",
        "tgw" => "AWS::EC2::TransitGateway",
        "pcx" => "AWS::EC2::VPCPeeringConnection",
        "fs" => "AWS::EFS::FileSystem",
        "fsmt" => "AWS::EFS::MountTarget",
        "d" => "AWS::SageMaker::Domain",
        _ => return None,
    })
}

/// Results grouped by what a reader would fix together: same query,
/// verdict and blockers. Groups keep the report's order of first
/// appearance.
pub(crate) fn group_results<'a>(results: &[&'a QueryResult]) -> Vec<Vec<&'a QueryResult>> {
    /// Query, verdict, and the blockers' (resource, code).
    type Key<'k> = (&'k str, Verdict, Vec<(&'k str, &'k str)>);
    let mut index: BTreeMap<Key<'_>, usize> = BTreeMap::new();
    let mut groups: Vec<Vec<&QueryResult>> = Vec::new();
    for r in results {
        let blockers: Vec<(&str, &str)> = r
            .blocked_at
            .iter()
            .map(|b| (b.resource.as_str(), b.code.as_str()))
            .collect();
        let key = (r.query.as_str(), r.verdict, blockers);
        match index.get(&key) {
            Some(&i) => groups[i].push(r),
            None => {
                index.insert(key, groups.len());
                groups.push(vec![r]);
            }
        }
    }
    groups
}

/// A hand-built report with fixes on a result and compliance checks
/// (passing, failing, with and without a domain), for the renderers'
/// tests: the fixes and checks are filled by other modules, and every
/// format must show them when present.
#[cfg(test)]
pub(crate) fn sample_with_fixes_and_checks() -> super::Report {
    use super::{CheckInfo, CheckResult, CheckStatus};
    let mut r = super::tests::sample();
    let i = r
        .results
        .iter()
        .position(|x| x.verdict == Verdict::Blocked)
        .expect("sample has a blocked result");
    r.results[i].fixes = vec![
        Remediation {
            summary: "Allow tcp 2049 from sg-1 on sg-mt (fsmt-1)".into(),
            commands: vec![
                "aws ec2 authorize-security-group-ingress --group-id sg-mt --ip-permissions 'IpProtocol=tcp,FromPort=2049,ToPort=2049,UserIdGroupPairs=[{GroupId=sg-1}]' --region eu-west-1".into(),
            ],
        },
        Remediation {
            summary: "Allow the replies in acl-1 <inbound>".into(),
            commands: vec![
                "aws ec2 create-network-acl-entry --network-acl-id acl-1 --ingress --rule-number 90 --protocol tcp --port-range From=1024,To=65535 --cidr-block 10.0.0.0/16 --rule-action allow --region eu-west-1".into(),
                "echo done".into(),
            ],
        },
    ];
    r.check_infos = vec![
        CheckInfo {
            id: "domain-vpc-only".into(),
            title: "Domain uses VpcOnly network access".into(),
            severity: "high".into(),
            what: "Checks the domain's AppNetworkAccessType.".into(),
            why: "PublicInternetOnly apps reach the internet\nthrough a VPC you do not control.".into(),
            fix: "Create a VpcOnly domain.".into(),
            references: vec![
                "docs/sagemaker-network.md F1".into(),
                "https://docs.aws.amazon.com/sagemaker/latest/dg/studio-notebooks-and-internet-access.html".into(),
            ],
        },
        CheckInfo {
            id: "orphaned-domain-resources".into(),
            title: "No NFS groups or home EFS outlive their domain".into(),
            severity: "low".into(),
            what: "Finds leftovers of deleted domains.".into(),
            why: "They cost money and confuse audits.".into(),
            fix: "Delete them.".into(),
            references: vec![],
        },
    ];
    r.checks = vec![
        CheckResult {
            check: "domain-vpc-only".into(),
            domain: Some("d-1".into()),
            resource: "d-1".into(),
            status: CheckStatus::Fail,
            severity: "high".into(),
            message: "PublicInternetOnly: apps reach the internet through SageMaker's VPC".into(),
            fixes: vec![Remediation {
                summary: "Create a VpcOnly domain & migrate".into(),
                commands: vec!["aws sagemaker create-domain --app-network-access-type VpcOnly --region eu-west-1".into()],
            }],
            suppressed: false,
            suppression_reason: None,
        },
        CheckResult {
            check: "domain-vpc-only".into(),
            domain: Some("d-1".into()),
            resource: "subnet-a".into(),
            status: CheckStatus::Pass,
            severity: "high".into(),
            message: "subnet-a is private".into(),
            fixes: vec![],
            suppressed: false,
            suppression_reason: None,
        },
        CheckResult {
            check: "orphaned-domain-resources".into(),
            domain: None,
            resource: "fs-old".into(),
            status: CheckStatus::Fail,
            severity: "low".into(),
            message: "fs-old is the home EFS of d-gone, which no longer exists".into(),
            fixes: vec![Remediation {
                summary: "Delete fs-old".into(),
                commands: vec!["aws efs delete-file-system --file-system-id fs-old --region eu-west-1".into()],
            }],
            suppressed: false,
            suppression_reason: None,
        },
    ];
    r
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paragraphs_join_wrapped_lines_and_keep_items() {
        assert_eq!(
            paragraphs("a b\nc\n\n- x\n  y\n- z\n1. one\n\n\n"),
            ["a b c", "- x y\n- z\n1. one"]
        );
        assert!(paragraphs("  \n").is_empty());
    }

    #[test]
    fn digest_is_stable_and_separates_parts() {
        // FNV-1a 64 of the empty string is its offset basis.
        assert_eq!(digest(&[""]), "cbf29ce484222325");
        assert_eq!(digest(&["a"]), "af63dc4c8601ec8c");
        assert_ne!(digest(&["a", "bc"]), digest(&["ab", "c"]));
    }

    #[test]
    fn arns_and_types() {
        let d = DomainInfo {
            id: "d-1".into(),
            arn: Some("arn:aws:sagemaker:eu-west-1:111122223333:domain/d-1".into()),
            name: None,
            mode: None,
            vpc_id: None,
            subnet_ids: vec![],
            region: None,
        };
        let mut s = SourceRef {
            kind: "user-profile".into(),
            name: "alice".into(),
            subnet_id: "subnet-1".into(),
            availability_zone: None,
            security_group_ids: vec![],
            eni_id: None,
        };
        assert_eq!(
            source_arn(Some(&d), &s).as_deref(),
            Some("arn:aws:sagemaker:eu-west-1:111122223333:user-profile/d-1/alice")
        );
        s.kind = "shared-space".into();
        assert_eq!(
            source_arn(Some(&d), &s).as_deref(),
            Some("arn:aws:sagemaker:eu-west-1:111122223333:space/d-1/alice")
        );
        s.kind = "default-user-settings".into();
        assert_eq!(source_arn(Some(&d), &s), None);
        assert_eq!(resource_type("sg-0abc"), Some("AWS::EC2::SecurityGroup"));
        assert_eq!(resource_type("fsmt-1"), Some("AWS::EFS::MountTarget"));
        assert_eq!(resource_type("internet"), None);
        assert_eq!(resource_type("aws-service:s3"), None);
    }
}
