//! PURE. Run queries over the domains of a snapshot: one result per
//! (query, source, destination), each from the engine unless the query does
//! not apply or the data to ask the engine is missing.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc;

use crate::engine::{Evaluator, FlowSpec, Settings, Verdict};
use crate::findings::{self, QueryResult};
use crate::graph::Topology;
use crate::snapshot::{Diagnostic, Domain, Snapshot};

use super::sources::{self, decided, AuditSource, Mode, Origin, Planned};
use super::{Applies, Destination, Query};

/// Which domains and queries to run.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Filters {
    /// Empty = every domain.
    pub domain_ids: Vec<String>,
    /// Empty = every query that is not opt-in; otherwise exactly these.
    pub query_ids: Vec<String>,
}

impl Filters {
    pub fn domain(&self, d: &Domain) -> bool {
        self.domain_ids.is_empty() || self.domain_ids.contains(&d.id)
    }
    pub fn query(&self, q: &Query) -> bool {
        if self.query_ids.is_empty() {
            !q.opt_in
        } else {
            self.query_ids.contains(&q.id)
        }
    }
}

/// Whether a query applies to a source of a domain in `mode`.
enum Applicability {
    Applies,
    NotApplicable(String),
    Unknown(String),
}

fn applicability(query: &Query, mode: Mode, domain: &Domain, src: &AuditSource) -> Applicability {
    if query.applies == Applies::AllModes {
        return Applicability::Applies;
    }
    match mode {
        Mode::PublicInternetOnly => {
            return Applicability::NotApplicable(
                "PublicInternetOnly domain: only EFS traffic uses the customer VPC; the rest leaves through a VPC that SageMaker manages"
                    .into(),
            )
        }
        Mode::Unknown => {
            return Applicability::Unknown(format!(
                "the network mode (AppNetworkAccessType) of domain {} is not in the snapshot",
                domain.id
            ))
        }
        Mode::VpcOnly => {}
    }
    if query.applies == Applies::CustomImages {
        return match src.custom_images {
            Some(true) => Applicability::Applies,
            Some(false) => Applicability::NotApplicable("no custom image is configured".into()),
            None => Applicability::Unknown(
                "whether custom images are configured is unknown (settings not in the snapshot)"
                    .into(),
            ),
        };
    }
    Applicability::Applies
}

/// Every result, sorted by (domain, query, source, destination), the
/// domains shared out over the machine's cores ([`threads`]).
pub fn run_queries(
    snapshot: &Snapshot,
    topo: &Topology,
    queries: &[Query],
    settings: &Settings,
    filters: &Filters,
) -> Vec<QueryResult> {
    run_queries_on(snapshot, topo, queries, settings, filters, threads())
}

/// How many threads an audit uses: `SAGESCOPE_THREADS` when it is a
/// positive number, otherwise one per core.
pub fn threads() -> usize {
    std::env::var("SAGESCOPE_THREADS")
        .ok()
        .and_then(|v| v.trim().parse::<usize>().ok())
        .filter(|&n| n > 0)
        .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()))
}

/// [`run_queries`] on `threads` threads. The results are the same for any
/// number of threads: each thread takes the next domain to audit, with its
/// own [`Evaluator`] (whose answers are exactly `engine::evaluate`'s), and
/// the domains' results are put together in domain order and sorted
/// (stably) as one. Domains are handed out one at a time and their results
/// sent back as each is done, so only a few domains' results wait for an
/// earlier one to finish: memory stays that of one thread.
pub fn run_queries_on(
    snapshot: &Snapshot,
    topo: &Topology,
    queries: &[Query],
    settings: &Settings,
    filters: &Filters,
    threads: usize,
) -> Vec<QueryResult> {
    let index = sources::Index::new(snapshot);
    let domains: Vec<&Domain> = snapshot
        .domains
        .iter()
        .filter(|d| filters.domain(d))
        .collect();
    let mut results = Vec::new();
    if threads <= 1 || domains.len() < 2 {
        // Profiles with the same groups in the same subnet ask the same
        // questions: the evaluator answers each once (and shares filter
        // answers between all of them), exactly as `engine::evaluate` would.
        let mut engine = Evaluator::new(topo, settings);
        for domain in &domains {
            audit_domain(
                &mut engine,
                &index,
                snapshot,
                domain,
                queries,
                filters,
                &mut results,
            );
        }
    } else {
        let evaluator = Evaluator::maker(topo, settings);
        let next = AtomicUsize::new(0);
        let (tx, rx) = mpsc::channel::<(usize, Vec<QueryResult>)>();
        std::thread::scope(|scope| {
            for _ in 0..threads.min(domains.len()) {
                let tx = tx.clone();
                let (next, index, domains, evaluator) = (&next, &index, &domains, &evaluator);
                scope.spawn(move || {
                    let mut engine = evaluator();
                    loop {
                        let i = next.fetch_add(1, Ordering::Relaxed);
                        let Some(domain) = domains.get(i) else { break };
                        let mut out = Vec::new();
                        audit_domain(
                            &mut engine,
                            index,
                            snapshot,
                            domain,
                            queries,
                            filters,
                            &mut out,
                        );
                        if tx.send((i, out)).is_err() {
                            break;
                        }
                    }
                });
            }
            // Only the workers hold senders now: the loop ends when they
            // are done (or one panicked, which the scope then re-raises).
            drop(tx);
            let mut waiting = BTreeMap::new();
            let mut want = 0;
            for (i, out) in rx {
                waiting.insert(i, out);
                while let Some(out) = waiting.remove(&want) {
                    results.extend(out);
                    want += 1;
                }
            }
        });
    }
    // Verdicts that depend on data the collector could not read.
    super::gaps::apply(snapshot, queries, &mut results);
    findings::sort_results(&mut results);
    results
}

/// Every result of one domain, appended to `out` (unsorted).
fn audit_domain(
    engine: &mut Evaluator<'_>,
    index: &sources::Index<'_>,
    snapshot: &Snapshot,
    domain: &Domain,
    queries: &[Query],
    filters: &Filters,
    out: &mut Vec<QueryResult>,
) {
    let mode = Mode::of(domain);
    let region = sources::region_of(snapshot, domain);
    let srcs = index.domain_sources(domain);
    for query in queries.iter().filter(|q| filters.query(q)) {
        let flow = FlowSpec {
            protocol: query.flow.protocol,
            dst_ports: query.flow.ports,
            src_ports: None,
        };
        for src in &srcs {
            // Real app ENIs are not paired (see `run_notes`).
            if query.destination == Destination::AppPeer && matches!(src.origin, Origin::Eni(_)) {
                continue;
            }
            let generic = || sources::generic_destination(domain, query, region.as_deref());
            let applies = applicability(query, mode, domain, src);
            let planned = match (&applies, &src.origin) {
                (Applicability::NotApplicable(why), _) => vec![Planned::Decided {
                    destination: generic(),
                    result: decided(Verdict::NotApplicable, Some(why.clone()), vec![]),
                }],
                (Applicability::Unknown(why), _) | (_, Origin::Unknown(why)) => {
                    vec![Planned::Decided {
                        destination: generic(),
                        result: decided(Verdict::Unknown, Some(why.clone()), vec![]),
                    }]
                }
                (Applicability::Applies, _) => sources::destinations(index, domain, src, query),
            };
            for p in planned {
                let (destination, result) = match p {
                    Planned::Decided {
                        destination,
                        result,
                    } => (destination, result),
                    Planned::Evaluate {
                        destination,
                        target,
                    } => {
                        let Some(source) = src.engine_source() else {
                            continue; // unreachable: unknown origins are decided above
                        };
                        let r = engine.evaluate(&source, &target, &flow);
                        (destination, r)
                    }
                };
                let mut notes: Vec<String> = result.notes.iter().map(ToString::to_string).collect();
                notes.sort();
                notes.dedup();
                out.push(QueryResult {
                    query: query.id.clone(),
                    domain: domain.id.clone(),
                    source: src.source.clone(),
                    destination,
                    verdict: result.verdict,
                    severity: query.severity.to_string(),
                    blocked_at: result.blocked_at,
                    path: result.path,
                    return_path: result.return_path,
                    notes,
                    reachable_part: result.reachable_part.map(|p| p.to_string()),
                    fixes: Vec::new(),
                    suppressed: false,
                    suppression_reason: None,
                });
            }
        }
    }
}

/// Report-level notes about what the run could not cover.
pub fn run_notes(snapshot: &Snapshot, queries: &[Query], filters: &Filters) -> Vec<Diagnostic> {
    let wanted =
        |d: &str| filters.domain_ids.is_empty() || filters.domain_ids.iter().any(|x| x == d);
    let mut notes = super::gaps::notes(snapshot, &wanted);
    let peer_queries: Vec<&str> = queries
        .iter()
        .filter(|q| filters.query(q) && q.destination == Destination::AppPeer)
        .map(|q| q.id.as_str())
        .collect();
    if peer_queries.is_empty() {
        return notes;
    }
    let index = sources::Index::new(snapshot);
    for domain in snapshot.domains.iter().filter(|d| filters.domain(d)) {
        let enis: Vec<String> = index
            .app_enis(&domain.id)
            .iter()
            .map(|e| e.id.clone())
            .collect();
        if !enis.is_empty() {
            notes.push(
                Diagnostic::note(
                    "real-app-enis-not-paired",
                    format!(
                        "{}: real app ENIs of domain {} are not checked against each other: their descriptions do not say which user profile or space they serve",
                        peer_queries.join(", "),
                        domain.id
                    ),
                )
                .with_ids(enis),
            );
        }
    }
    notes
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::query::builtin_queries;
    use serde_json::json;

    fn snapshot(mode: Option<&str>) -> Snapshot {
        let mut d = json!({
            "id": "d-1", "described": true, "vpc_id": "vpc-1", "subnet_ids": ["subnet-a"],
            "arn": "arn:aws:sagemaker:eu-west-1:1:domain/d-1", "home_efs_file_system_id": "fs-1"
        });
        if let Some(m) = mode {
            d["app_network_access_type"] = json!(m);
        }
        serde_json::from_value(json!({
            "schema_version": 1,
            "subnets": [{"id": "subnet-a", "vpc_id": "vpc-1", "availability_zone": "eu-west-1a"}],
            "efs_mount_targets": [{"id": "fsmt-a", "file_system_id": "fs-1", "subnet_id": "subnet-a"}],
            "domains": [d],
            "network_interfaces": [{"id": "eni-app", "subnet_id": "subnet-a", "vpc_id": "vpc-1",
                "description": "[DO NOT DELETE] ENI managed by SageMaker for Studio Domain(d-1) - x"}]
        }))
        .unwrap()
    }

    fn run(s: &Snapshot, filters: &Filters) -> Vec<QueryResult> {
        let (topo, _) = Topology::build(s);
        run_queries(
            s,
            &topo,
            &builtin_queries().unwrap(),
            &Settings::default(),
            filters,
        )
    }

    fn verdicts(results: &[QueryResult], query: &str) -> Vec<Verdict> {
        results
            .iter()
            .filter(|r| r.query == query)
            .map(|r| r.verdict)
            .collect()
    }

    #[test]
    fn public_internet_only_emits_not_applicable_for_vpc_only_queries() {
        let s = snapshot(Some("PublicInternetOnly"));
        let r = run(&s, &Filters::default());
        // default-user-settings @ subnet-a + the real app ENI.
        assert_eq!(verdicts(&r, "sagemaker-api"), [Verdict::NotApplicable; 2]);
        assert_eq!(verdicts(&r, "ecr-api"), [Verdict::NotApplicable; 2]);
        // Real ENIs are never paired for app-to-app.
        assert_eq!(verdicts(&r, "app-to-app"), [Verdict::NotApplicable]);
        assert!(r
            .iter()
            .filter(|r| r.query == "efs-nfs")
            .all(|r| r.verdict != Verdict::NotApplicable));
        assert_eq!(r[0].severity, "high");
    }

    #[test]
    fn unknown_mode_makes_vpc_only_queries_unknown() {
        let s = snapshot(None);
        let r = run(&s, &Filters::default());
        let api: Vec<_> = r.iter().filter(|r| r.query == "sts").collect();
        assert!(!api.is_empty());
        for x in api {
            assert_eq!(x.verdict, Verdict::Unknown);
            assert!(x.notes[0].contains("network mode"), "{:?}", x.notes);
            assert_eq!(x.destination, "sts (eu-west-1) tcp/443");
        }
    }

    #[test]
    fn custom_image_queries_need_custom_images() {
        let s = snapshot(Some("VpcOnly"));
        let r = run(&s, &Filters::default());
        assert_eq!(verdicts(&r, "ecr-dkr"), [Verdict::NotApplicable; 2]);
        let mut s = s;
        s.domains[0].default_user_settings.custom_images = vec!["img".into()];
        let r = run(&s, &Filters::default());
        assert!(!verdicts(&r, "ecr-dkr").contains(&Verdict::NotApplicable));
    }

    #[test]
    fn filters_and_order() {
        let s = snapshot(Some("VpcOnly"));
        let f = Filters {
            domain_ids: vec!["d-1".into()],
            query_ids: vec!["s3".into(), "efs-nfs".into()],
        };
        let r = run(&s, &f);
        let keys: Vec<_> = r
            .iter()
            .map(|r| format!("{} {} {}", r.query, r.source.kind, r.destination))
            .collect();
        assert_eq!(
            keys,
            [
                "efs-nfs app-eni fsmt-a (fs-1) tcp/2049",
                "efs-nfs default-user-settings fsmt-a (fs-1) tcp/2049",
                "s3 app-eni s3 (eu-west-1) tcp/443",
                "s3 default-user-settings s3 (eu-west-1) tcp/443",
            ]
        );
        let none = run(
            &s,
            &Filters {
                domain_ids: vec!["d-2".into()],
                query_ids: vec![],
            },
        );
        assert!(none.is_empty());
    }

    #[test]
    fn notes_name_unpaired_real_enis() {
        let s = snapshot(Some("VpcOnly"));
        let n = run_notes(&s, &builtin_queries().unwrap(), &Filters::default());
        assert_eq!(n.len(), 1);
        assert_eq!(n[0].ids, ["eni-app"]);
        let only_s3 = Filters {
            domain_ids: vec![],
            query_ids: vec!["s3".into()],
        };
        assert!(run_notes(&s, &builtin_queries().unwrap(), &only_s3).is_empty());
    }
}
