//! PURE. What the collection gaps of a snapshot make unknown (issue 3).
//!
//! A gap is a call the collector could not make (denied, kept failing,
//! timed out). The snapshot then lacks data, and the engine, which sees
//! only what is there, could take a missing VPC endpoint for "no endpoint"
//! (a false `blocked`) or a missing NACL for "no NACL" (a false
//! `reachable`). So every definite verdict (reachable, partial, blocked)
//! that depends on a gap becomes `unknown`, with a reason that keeps what
//! the engine found and names the gap and the IAM action that fixes it.
//!
//! What a gap makes incomplete, by API:
//! - the network every path crosses (VPC, subnets, ENIs, security groups,
//!   route tables, NACLs, prefix lists): every query;
//! - what only service traffic needs (VPC endpoints, the VPC's DNS
//!   attributes, DHCP options, NAT, internet and egress-only gateways):
//!   the service queries;
//! - the home EFS (file system, mount targets and their groups): efs-nfs;
//! - the domain's own description: every query of that domain;
//! - SageMaker listings and profile/space descriptions: sources may be
//!   missing (a report note); the sources whose settings are missing are
//!   already unknown.
//!
//! And to whom, by the gap's resource: a VPC id -> the domains in it, a
//! domain id (or `domain/name`) -> that domain, a file system or mount
//! target -> the domains whose home EFS it is, a DHCP option set -> the
//! domains whose VPC uses it. Anything else (no resource, a group or prefix
//! list looked up by id) may concern any domain, so it concerns them all.

use std::collections::BTreeSet;

use crate::engine::{Blocker, Direction, PathResult, Verdict};
use crate::findings::Code;
use crate::findings::QueryResult;
use crate::snapshot::{Diagnostic, Gap, Snapshot};

use super::{Destination, Query};

/// What a gap makes incomplete.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Affects {
    /// The network every path crosses: every query.
    EveryPath,
    /// What only traffic to AWS services needs: the service queries.
    Services,
    /// The home EFS and its mount targets: the EFS queries.
    Efs,
    /// The domain's description: every query of the domain.
    Domain,
    /// Which sources exist (listings, profile and space settings): results
    /// may be missing; no verdict that was computed depends on it.
    Sources,
}

impl Affects {
    /// What the gap of `api` (`service:Operation`) makes incomplete. An
    /// operation not known here (a newer collector, the whole-run timeout)
    /// is taken to concern every path.
    pub fn of(api: &str) -> Affects {
        let (service, op) = api.split_once(':').unwrap_or(("", api));
        match (service, op) {
            (
                "ec2",
                "DescribeVpcEndpoints"
                | "DescribeVpcAttribute"
                | "DescribeDhcpOptions"
                | "DescribeNatGateways"
                | "DescribeInternetGateways"
                | "DescribeEgressOnlyInternetGateways",
            ) => Affects::Services,
            ("efs" | "elasticfilesystem", _) => Affects::Efs,
            ("sagemaker", "DescribeDomain") => Affects::Domain,
            (
                "sagemaker",
                "ListDomains"
                | "ListUserProfiles"
                | "DescribeUserProfile"
                | "ListSpaces"
                | "DescribeSpace"
                | "ListApps",
            ) => Affects::Sources,
            _ => Affects::EveryPath,
        }
    }

    /// Whether a result of `query` (None: a query not known) consults it.
    fn concerns(self, query: Option<&Query>) -> bool {
        match (self, query.map(|q| &q.destination)) {
            (Affects::Sources, _) => false,
            (Affects::EveryPath | Affects::Domain, _) | (_, None) => true,
            (Affects::Services, Some(d)) => matches!(d, Destination::Service { .. }),
            (Affects::Efs, Some(d)) => matches!(d, Destination::EfsMountTarget),
        }
    }
}

/// The domains a gap concerns; `None` = every domain.
fn domains_of(snapshot: &Snapshot, gap: &Gap) -> Option<BTreeSet<String>> {
    let r = gap.resource.as_deref()?;
    let doms = |f: &dyn Fn(&crate::snapshot::Domain) -> bool| -> BTreeSet<String> {
        snapshot
            .domains
            .iter()
            .filter(|d| f(d))
            .map(|d| d.id.clone())
            .collect()
    };
    let found = if r.starts_with("vpc-") {
        doms(&|d| d.vpc_id.as_deref() == Some(r))
    } else if r.starts_with("d-") {
        // `d-1` or `d-1/alice` (a profile or space of the domain).
        let id = r.split('/').next().unwrap_or(r);
        BTreeSet::from([id.to_string()])
    } else if r.starts_with("fs-") {
        doms(&|d| d.home_efs_file_system_id.as_deref() == Some(r))
    } else if r.starts_with("fsmt-") {
        let fs = snapshot
            .efs_mount_targets
            .iter()
            .find(|m| m.id == r)
            .map(|m| m.file_system_id.as_str());
        match fs {
            Some(fs) => doms(&|d| d.home_efs_file_system_id.as_deref() == Some(fs)),
            None => return None,
        }
    } else if r.starts_with("dopt-") {
        let vpcs: BTreeSet<&str> = snapshot
            .vpcs
            .iter()
            .filter(|v| v.dhcp_options_id.as_deref() == Some(r))
            .map(|v| v.id.as_str())
            .collect();
        doms(&|d| d.vpc_id.as_deref().is_some_and(|v| vpcs.contains(v)))
    } else {
        // A group or prefix list by id: the collector names only the
        // first of the ids it asked for.
        return None;
    };
    // Nothing in the snapshot says who it concerns: everyone.
    (!found.is_empty()).then_some(found)
}

/// "ec2:DescribeVpcEndpoints on vpc-1 was denied (UnauthorizedOperation:
/// ...); grant ec2:DescribeVpcEndpoints and collect again".
pub fn describe(gap: &Gap) -> String {
    // The collector's own gap: its whole-run --timeout cut it short.
    if gap.api.starts_with("sagescope:") {
        return format!("{}; collect again with a longer --timeout", gap.error);
    }
    let on = gap
        .resource
        .as_deref()
        .map(|r| format!(" on {r}"))
        .unwrap_or_default();
    let denied = [
        "AccessDenied",
        "UnauthorizedOperation",
        "AccessDeniedException",
    ]
    .iter()
    .any(|c| gap.error.starts_with(c));
    let what = if denied { "was denied" } else { "failed" };
    let fix = match &gap.iam_action {
        Some(a) if denied => format!("; grant {a} and collect again"),
        Some(a) => format!("; collect again (IAM action: {a})"),
        None => "; collect again".to_string(),
    };
    format!("{}{on} {what} ({}){fix}", gap.api, gap.error)
}

/// The engine's verdict in words, to keep next to the gap.
fn would_be(verdict: Verdict, reachable_part: Option<&str>, blocked_at: &[Blocker]) -> String {
    match verdict {
        Verdict::Reachable => "would be reachable".to_string(),
        Verdict::Partial => match reachable_part {
            Some(p) => format!("would be partially reachable ({p})"),
            None => "would be partially reachable".to_string(),
        },
        _ => {
            let at: Vec<String> = blocked_at
                .iter()
                .map(|b| format!("{} ({})", b.resource, b.code))
                .collect();
            if at.is_empty() {
                "would be blocked".to_string()
            } else {
                format!("would be blocked at {}", at.join(", "))
            }
        }
    }
}

/// One result's fields that a gap changes.
struct Fields<'a> {
    verdict: &'a mut Verdict,
    blocked_at: &'a mut Vec<Blocker>,
    notes: &'a mut Vec<String>,
    reachable_part: &'a mut Option<String>,
}

/// A definite verdict that depends on `gaps` becomes `unknown`: the
/// engine's finding stays in the first note, the gaps become the
/// `MISSING_DATA` blockers. An unknown one gets the gaps as notes.
fn degrade(f: Fields<'_>, gaps: &[&Gap]) {
    if gaps.is_empty() {
        return;
    }
    let said: Vec<String> = gaps.iter().map(|g| describe(g)).collect();
    match *f.verdict {
        Verdict::Reachable | Verdict::Partial | Verdict::Blocked => {
            let was = would_be(*f.verdict, f.reachable_part.as_deref(), f.blocked_at);
            f.notes
                .insert(0, format!("{was}, but {}", said.join("; and ")));
            *f.verdict = Verdict::Unknown;
            *f.reachable_part = None;
            *f.blocked_at = gaps
                .iter()
                .zip(&said)
                .map(|(g, reason)| Blocker {
                    resource: g.resource.clone().unwrap_or_else(|| g.api.clone()),
                    kind: crate::findings::Kind::CollectionGap,
                    direction: Direction::Forward,
                    code: Code::MissingData,
                    reason: crate::findings::Why::Text(reason.clone()).into(),
                })
                .collect();
        }
        Verdict::Unknown => {
            for s in said {
                f.notes.push(format!("also: {s}"));
            }
        }
        Verdict::NotApplicable => {}
    }
}

/// Turn every definite verdict that depends on a gap into `unknown`; add
/// the gap to the reasons of results that were unknown already.
pub fn apply(snapshot: &Snapshot, queries: &[Query], results: &mut [QueryResult]) {
    if snapshot.gaps.is_empty() {
        return;
    }
    let scoped: Vec<(&Gap, Affects, Option<BTreeSet<String>>)> = snapshot
        .gaps
        .iter()
        .map(|g| (g, Affects::of(&g.api), domains_of(snapshot, g)))
        .collect();
    for r in results.iter_mut() {
        let query = queries.iter().find(|q| q.id == r.query);
        let gaps: Vec<&Gap> = scoped
            .iter()
            .filter(|(_, affects, doms)| {
                affects.concerns(query) && doms.as_ref().is_none_or(|d| d.contains(&r.domain))
            })
            .map(|(g, _, _)| *g)
            .collect();
        degrade(
            Fields {
                verdict: &mut r.verdict,
                blocked_at: &mut r.blocked_at,
                notes: &mut r.notes,
                reachable_part: &mut r.reachable_part,
            },
            &gaps,
        );
    }
}

/// `trace` (one flow to an address, no query, no domain): any gap but a
/// SageMaker listing may lie on its path.
pub fn apply_to_path(snapshot: &Snapshot, r: &mut PathResult) {
    let gaps: Vec<&Gap> = snapshot
        .gaps
        .iter()
        .filter(|g| Affects::of(&g.api) != Affects::Sources)
        .collect();
    if gaps.is_empty() {
        return;
    }
    // The gaps' words join the engine's notes.
    let mut notes: Vec<String> = r.notes.iter().map(ToString::to_string).collect();
    let mut part = r.reachable_part.as_ref().map(ToString::to_string);
    degrade(
        Fields {
            verdict: &mut r.verdict,
            blocked_at: &mut r.blocked_at,
            notes: &mut notes,
            reachable_part: &mut part,
        },
        &gaps,
    );
    if part.is_none() {
        r.reachable_part = None;
    }
    r.notes = notes.into_iter().map(crate::findings::Note::Text).collect();
}

/// Report notes for gaps that may hide sources (and so whole results).
pub fn notes(snapshot: &Snapshot, domain_wanted: &dyn Fn(&str) -> bool) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for g in &snapshot.gaps {
        if Affects::of(&g.api) != Affects::Sources {
            continue;
        }
        let domain = g
            .resource
            .as_deref()
            .filter(|r| r.starts_with("d-"))
            .map(|r| r.split('/').next().unwrap_or(r).to_string());
        if let Some(d) = &domain {
            if !domain_wanted(d) {
                continue;
            }
        }
        let whom = match &domain {
            Some(d) => format!("domain {d}"),
            None => "the region".to_string(),
        };
        let what = match g.api.split_once(':').map(|x| x.1).unwrap_or("") {
            "ListDomains" => "domains may be missing from this audit".to_string(),
            "ListUserProfiles" => format!("user profiles of {whom} may be missing"),
            "ListSpaces" => format!("spaces of {whom} may be missing"),
            "ListApps" => format!("running apps of {whom} may be missing"),
            _ => format!("the settings of {} are unknown, so are its results", {
                g.resource.as_deref().unwrap_or("a profile or space")
            }),
        };
        let mut d = Diagnostic::warning(
            "incomplete-sources",
            format!("results may be incomplete: {what}: {}", describe(g)),
        );
        if let Some(id) = &domain {
            d = d.with_ids([id.clone()]);
        }
        out.push(d);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::graph::Topology;
    use crate::query::{builtin_queries, run_queries, Filters};
    use serde_json::json;

    /// A healthy VpcOnly domain (the bundled example) with `gaps`.
    fn snapshot(gaps: serde_json::Value) -> Snapshot {
        let mut v = json!({
            "schema_version": 1,
            "domains": [{"id": "d-1", "described": true, "vpc_id": "vpc-1",
                "app_network_access_type": "VpcOnly", "subnet_ids": ["subnet-a"],
                "arn": "arn:aws:sagemaker:eu-west-1:111122223333:domain/d-1",
                "home_efs_file_system_id": "fs-1",
                "default_user_settings": {"security_groups": ["sg-app"]}},
                {"id": "d-2", "described": true, "vpc_id": "vpc-2",
                "app_network_access_type": "VpcOnly", "subnet_ids": ["subnet-z"],
                "arn": "arn:aws:sagemaker:eu-west-1:111122223333:domain/d-2",
                "default_user_settings": {"security_groups": []}}],
            "vpcs": [{"id": "vpc-1", "cidr_blocks": ["10.0.0.0/16"],
                "enable_dns_support": true, "enable_dns_hostnames": true}],
            "subnets": [{"id": "subnet-a", "vpc_id": "vpc-1", "cidr": "10.0.1.0/24",
                "availability_zone": "eu-west-1a"}],
            "route_tables": [{"id": "rtb-1", "vpc_id": "vpc-1", "main": true,
                "routes": [{"destination": {"kind": "ipv4", "value": "10.0.0.0/16"},
                    "target": {"kind": "local"}, "active": true}]}],
            "network_acls": [{"id": "acl-1", "vpc_id": "vpc-1", "is_default": true,
                "subnet_ids": ["subnet-a"], "entries": [
                {"action": "allow", "cidr": "0.0.0.0/0", "egress": false, "protocol": "all", "rule_number": 100},
                {"action": "allow", "cidr": "0.0.0.0/0", "egress": true, "protocol": "all", "rule_number": 100}]}],
            "security_groups": [{"id": "sg-app", "name": "app", "vpc_id": "vpc-1",
                "ingress": [{"protocol": "all", "ipv4": ["10.0.0.0/16"]}],
                "egress": [{"protocol": "all", "ipv4": ["0.0.0.0/0"]}]}],
            "efs_mount_targets": [{"id": "fsmt-a", "file_system_id": "fs-1",
                "subnet_id": "subnet-a", "ip_address": "10.0.1.9", "security_group_ids": ["sg-app"]}]
        });
        v["gaps"] = gaps;
        serde_json::from_value(v).expect("test snapshot")
    }

    fn run(s: &Snapshot) -> Vec<QueryResult> {
        let (topo, _) = Topology::build(s);
        run_queries(
            s,
            &topo,
            &builtin_queries().unwrap(),
            &crate::engine::Settings::default(),
            &Filters::default(),
        )
    }

    fn of<'a>(r: &'a [QueryResult], domain: &str, query: &str) -> Vec<&'a QueryResult> {
        r.iter()
            .filter(|x| x.domain == domain && x.query == query)
            .collect()
    }

    fn gap(api: &str, resource: Option<&str>) -> serde_json::Value {
        json!({"api": api, "resource": resource, "iam_action": api,
            "error": "UnauthorizedOperation: You are not authorized to perform this operation."})
    }

    #[test]
    fn apis_map_to_what_they_make_incomplete() {
        for api in [
            "ec2:DescribeSecurityGroups",
            "ec2:DescribeRouteTables",
            "ec2:DescribeNetworkAcls",
            "ec2:DescribeSubnets",
            "ec2:DescribeNetworkInterfaces",
            "ec2:DescribePrefixLists",
            "ec2:GetManagedPrefixListEntries",
            "ec2:DescribeVpcs",
            "collect:Timeout",
        ] {
            assert_eq!(Affects::of(api), Affects::EveryPath, "{api}");
        }
        for api in [
            "ec2:DescribeVpcEndpoints",
            "ec2:DescribeVpcAttribute",
            "ec2:DescribeDhcpOptions",
            "ec2:DescribeNatGateways",
            "ec2:DescribeInternetGateways",
            "ec2:DescribeEgressOnlyInternetGateways",
        ] {
            assert_eq!(Affects::of(api), Affects::Services, "{api}");
        }
        assert_eq!(Affects::of("efs:DescribeMountTargets"), Affects::Efs);
        assert_eq!(
            Affects::of("efs:DescribeMountTargetSecurityGroups"),
            Affects::Efs
        );
        assert_eq!(Affects::of("sagemaker:DescribeDomain"), Affects::Domain);
        assert_eq!(Affects::of("sagemaker:ListUserProfiles"), Affects::Sources);
    }

    #[test]
    fn without_gaps_nothing_changes() {
        let s = snapshot(json!([]));
        let before = run(&s);
        let mut after = before.clone();
        apply(&s, &builtin_queries().unwrap(), &mut after);
        assert_eq!(before, after);
        // The EFS query is reachable here: the tests below start from it.
        assert!(of(&before, "d-1", "efs-nfs")
            .iter()
            .all(|r| r.verdict == Verdict::Reachable));
    }

    #[test]
    fn a_denied_endpoint_listing_makes_service_verdicts_unknown_not_blocked() {
        let s = snapshot(json!([gap("ec2:DescribeVpcEndpoints", Some("vpc-1"))]));
        let r = run(&s);
        let sm = of(&r, "d-1", "sagemaker-api");
        assert!(!sm.is_empty());
        for x in sm {
            assert_eq!(x.verdict, Verdict::Unknown, "{x:?}");
            assert!(
                x.notes[0].starts_with("would be blocked at ")
                    && x.notes[0].contains("but ec2:DescribeVpcEndpoints on vpc-1 was denied")
                    && x.notes[0].contains("grant ec2:DescribeVpcEndpoints"),
                "{:?}",
                x.notes
            );
            assert_eq!(x.blocked_at[0].code, Code::MissingData);
            assert_eq!(x.blocked_at[0].resource, "vpc-1");
        }
        // The EFS query does not consult endpoints: unchanged.
        assert!(of(&r, "d-1", "efs-nfs")
            .iter()
            .all(|x| x.verdict == Verdict::Reachable));
        // Another VPC's domain is not concerned.
        let other: Vec<_> = of(&r, "d-2", "sagemaker-api");
        assert!(other
            .iter()
            .all(|x| !x.notes.iter().any(|n| n.contains("DescribeVpcEndpoints"))));
    }

    #[test]
    fn a_denied_nacl_listing_makes_every_path_unknown_never_reachable() {
        let s = snapshot(json!([gap("ec2:DescribeNetworkAcls", Some("vpc-1"))]));
        let r = run(&s);
        let d1: Vec<_> = r.iter().filter(|x| x.domain == "d-1").collect();
        assert!(!d1.is_empty());
        for x in &d1 {
            assert!(
                matches!(x.verdict, Verdict::Unknown | Verdict::NotApplicable),
                "{} {:?}",
                x.query,
                x.verdict
            );
        }
        let efs = of(&r, "d-1", "efs-nfs");
        assert!(efs[0].notes[0].starts_with("would be reachable, but ec2:DescribeNetworkAcls"));
    }

    #[test]
    fn efs_gaps_concern_the_efs_query_of_the_domain_whose_home_it_is() {
        let s = snapshot(json!([gap("efs:DescribeMountTargets", Some("fs-1"))]));
        let r = run(&s);
        assert!(of(&r, "d-1", "efs-nfs")
            .iter()
            .all(|x| x.verdict == Verdict::Unknown));
        let before = run(&snapshot(json!([])));
        for q in ["sagemaker-api", "app-to-app"] {
            let a: Vec<_> = of(&r, "d-1", q).iter().map(|x| x.verdict).collect();
            let b: Vec<_> = of(&before, "d-1", q).iter().map(|x| x.verdict).collect();
            assert_eq!(a, b, "{q}");
        }
        // A mount target id finds its file system.
        let s = snapshot(json!([gap(
            "efs:DescribeMountTargetSecurityGroups",
            Some("fsmt-a")
        )]));
        let d = domains_of(&s, &s.gaps[0]).unwrap();
        assert_eq!(d, BTreeSet::from(["d-1".to_string()]));
    }

    #[test]
    fn gaps_without_a_known_owner_concern_every_domain() {
        let s = snapshot(json!([gap(
            "ec2:DescribeSecurityGroups",
            Some("sg-elsewhere")
        )]));
        assert_eq!(domains_of(&s, &s.gaps[0]), None);
        let s = snapshot(json!([{"api": "ec2:DescribePrefixLists",
            "error": "timed out"}]));
        assert_eq!(domains_of(&s, &s.gaps[0]), None);
        let r = run(&s);
        for x in r.iter().filter(|x| x.verdict != Verdict::NotApplicable) {
            assert_eq!(x.verdict, Verdict::Unknown, "{} {}", x.domain, x.query);
        }
        let n = of(&r, "d-1", "efs-nfs")[0].notes[0].clone();
        assert!(
            n.ends_with("but ec2:DescribePrefixLists failed (timed out); collect again"),
            "{n}"
        );
    }

    #[test]
    fn a_missing_domain_description_makes_its_results_unknown() {
        let s = snapshot(json!([gap("sagemaker:DescribeDomain", Some("d-1"))]));
        let r = run(&s);
        assert!(r
            .iter()
            .filter(|x| x.domain == "d-1")
            .all(|x| matches!(x.verdict, Verdict::Unknown | Verdict::NotApplicable)));
    }

    #[test]
    fn listing_gaps_are_notes_that_results_may_be_incomplete() {
        let s = snapshot(json!([
            gap("sagemaker:ListUserProfiles", Some("d-1")),
            gap("sagemaker:ListDomains", None),
            gap("sagemaker:ListSpaces", Some("d-2")),
        ]));
        let before = run(&snapshot(json!([])));
        assert_eq!(run(&s), before, "no computed verdict depends on them");
        let n = notes(&s, &|d| d == "d-1");
        let msgs: Vec<&str> = n.iter().map(|d| d.message.as_str()).collect();
        assert_eq!(msgs.len(), 2, "{msgs:?}");
        assert!(msgs[0].starts_with("results may be incomplete: user profiles of domain d-1 may be missing: sagemaker:ListUserProfiles on d-1 was denied"));
        assert!(msgs[1].contains("domains may be missing"));
        assert!(n.iter().all(|d| d.code == "incomplete-sources"));
    }

    #[test]
    fn a_trace_through_missing_data_is_unknown() {
        let s = snapshot(json!([gap("ec2:DescribeNetworkAcls", Some("vpc-1"))]));
        let mut r = PathResult {
            verdict: Verdict::Reachable,
            blocked_at: vec![],
            path: vec![],
            return_path: vec![],
            notes: vec![crate::findings::Note::Text(
                "endpoint policy not evaluated".into(),
            )],
            reachable_part: None,
        };
        apply_to_path(&s, &mut r);
        assert_eq!(r.verdict, Verdict::Unknown);
        assert!(r.notes[0]
            .to_string()
            .starts_with("would be reachable, but ec2:DescribeNetworkAcls on vpc-1"));
        assert_eq!(r.notes[1].to_string(), "endpoint policy not evaluated");
        // A listing gap is not on any path.
        let s = snapshot(json!([gap("sagemaker:ListApps", Some("d-1"))]));
        let mut r2 = r.clone();
        r2.verdict = Verdict::Blocked;
        apply_to_path(&s, &mut r2);
        assert_eq!(r2.verdict, Verdict::Blocked);
    }

    #[test]
    fn unknown_results_name_the_gap_too() {
        let s = snapshot(json!([gap("ec2:DescribeSubnets", Some("vpc-2"))]));
        let r = run(&s);
        let d2: Vec<_> = r
            .iter()
            .filter(|x| x.domain == "d-2" && x.verdict == Verdict::Unknown)
            .collect();
        assert!(!d2.is_empty());
        assert!(d2.iter().all(|x| x
            .notes
            .iter()
            .any(|n| n.starts_with("also: ec2:DescribeSubnets"))));
    }
}
