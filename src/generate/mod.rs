//! `sagescope generate`: a deterministic, seeded synthetic organisation in
//! raw AWS API JSON, for benchmarks and scale tests.
//!
//! The output folder has the shape `scripts/capture-domain.sh` writes (and
//! `examples/*` show), for a whole account and region: one file per list
//! call (`describe-security-groups.json`, ...), one per describe call of a
//! single resource (`sagemaker/<domain>/describe-user-profile-<name>.json`,
//! `vpc-attributes/...`, `efs/describe-mount-target-security-groups-...`),
//! pretty-printed like `aws ... --output json`. `sagescope audit DIR`
//! reads it as it reads a capture.
//!
//! Scale 1 is 20 VPCs, 400 subnets over 3 AZs, 2,000 security groups with
//! 20,000 rules, 100 network ACLs of 20 entries, 100 interface endpoints,
//! 20 NAT gateways, 40 domains with 1,000 user profiles and 200 shared
//! spaces, a home EFS mount target in every domain AZ, and a few per cent
//! of deliberately broken paths (see [`org`]). Scale N multiplies every
//! count. The same seed gives byte-identical files.

mod org;
mod out;
pub mod rng;

use std::fs;
use std::io;
use std::path::{Path, PathBuf};

pub use org::Counts;

/// Largest scale: VPCs are /18s of 10.0.0.0/8 (1,024 of them), 20 per
/// scale unit.
pub const MAX_SCALE: u32 = 50;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Options {
    /// 1..=MAX_SCALE; multiplies every count.
    pub scale: u32,
    pub seed: u64,
}

/// What was written.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Summary {
    pub counts: Counts,
    pub files: usize,
    pub bytes: u64,
}

#[derive(Debug, thiserror::Error)]
pub enum GenerateError {
    #[error("--scale {0}: must be between 1 and {MAX_SCALE}")]
    Scale(u32),
    #[error("{path}: {message}")]
    Output { path: PathBuf, message: String },
}

/// Generate into `dir`, which must not exist or be empty (a previous run at
/// another scale would leave files that the import would read too).
pub fn write_dir(opts: &Options, dir: &Path) -> Result<Summary, GenerateError> {
    if opts.scale == 0 || opts.scale > MAX_SCALE {
        return Err(GenerateError::Scale(opts.scale));
    }
    let fail = |e: io::Error| GenerateError::Output {
        path: dir.to_path_buf(),
        message: e.to_string(),
    };
    if let Ok(mut entries) = fs::read_dir(dir) {
        if entries.next().is_some() {
            return Err(GenerateError::Output {
                path: dir.to_path_buf(),
                message: "the output folder is not empty; choose a new folder".into(),
            });
        }
    }
    fs::create_dir_all(dir).map_err(fail)?;
    let mut out = out::Out::new(dir);
    let mut g = org::Gen::new(opts.seed, opts.scale, &mut out);
    g.run().map_err(fail)?;
    let counts = std::mem::take(&mut g.counts);
    let (files, bytes) = out.finish().map_err(fail)?;
    Ok(Summary {
        counts,
        files,
        bytes,
    })
}

impl Summary {
    /// One paragraph for the terminal.
    pub fn describe(&self, dir: &Path) -> String {
        let c = &self.counts;
        let faults: Vec<String> = c.faults.iter().map(|(k, n)| format!("{n} × {k}")).collect();
        format!(
            "wrote {} files ({:.1} MB) to {}: {} VPCs, {} subnets, {} security groups with {} rules, \
             {} network ACLs ({} entries), {} interface endpoints, {} NAT gateways, {} network interfaces, \
             {} domains, {} user profiles, {} shared spaces, {} EFS mount targets\n\
             deliberate faults: {}",
            self.files,
            self.bytes as f64 / 1e6,
            dir.display(),
            c.vpcs,
            c.subnets,
            c.security_groups,
            c.sg_rules,
            c.network_acls,
            c.nacl_entries,
            c.interface_endpoints,
            c.nat_gateways,
            c.network_interfaces,
            c.domains,
            c.user_profiles,
            c.shared_spaces,
            c.mount_targets,
            if faults.is_empty() { "none".to_string() } else { faults.join(", ") }
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;

    fn read_all(dir: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
        let mut out = BTreeMap::new();
        let mut stack = vec![dir.to_path_buf()];
        while let Some(d) = stack.pop() {
            for e in fs::read_dir(&d).unwrap() {
                let p = e.unwrap().path();
                if p.is_dir() {
                    stack.push(p);
                } else {
                    out.insert(
                        p.strip_prefix(dir).unwrap().to_path_buf(),
                        fs::read(&p).unwrap(),
                    );
                }
            }
        }
        out
    }

    #[test]
    fn same_seed_same_bytes_other_seed_other_bytes() {
        let (a, b, c) = (
            tempfile::tempdir().unwrap(),
            tempfile::tempdir().unwrap(),
            tempfile::tempdir().unwrap(),
        );
        let opts = Options { scale: 1, seed: 42 };
        let sa = write_dir(&opts, a.path()).unwrap();
        let sb = write_dir(&opts, b.path()).unwrap();
        assert_eq!(sa, sb);
        let (fa, fb) = (read_all(a.path()), read_all(b.path()));
        assert_eq!(fa.len(), sa.files);
        assert_eq!(fa.values().map(|v| v.len() as u64).sum::<u64>(), sa.bytes);
        assert!(fa == fb, "same seed must give byte-identical files");
        write_dir(&Options { scale: 1, seed: 43 }, c.path()).unwrap();
        assert!(read_all(c.path()) != fa);
        // A second run into a used folder is refused.
        assert!(matches!(
            write_dir(&opts, a.path()),
            Err(GenerateError::Output { .. })
        ));
        assert!(matches!(
            write_dir(&Options { scale: 0, seed: 1 }, c.path()),
            Err(GenerateError::Scale(0))
        ));
    }

    #[test]
    fn scale_one_has_the_issue_counts_and_imports_cleanly() {
        let dir = tempfile::tempdir().unwrap();
        let s = write_dir(&Options { scale: 1, seed: 7 }, dir.path()).unwrap();
        let c = &s.counts;
        assert_eq!(
            (
                c.vpcs,
                c.subnets,
                c.security_groups,
                c.sg_rules,
                c.network_acls,
                c.nacl_entries
            ),
            (20, 400, 2000, 20_000, 100, 2000)
        );
        assert_eq!((c.interface_endpoints, c.nat_gateways), (100, 20));
        assert_eq!(
            (c.domains, c.user_profiles, c.shared_spaces),
            (40, 1000, 200)
        );

        let snap = crate::import::load(dir.path()).unwrap();
        let warnings: Vec<_> = snap
            .diagnostics
            .iter()
            .filter(|d| d.level == crate::snapshot::Level::Warning)
            .collect();
        assert!(warnings.is_empty(), "{warnings:#?}");
        assert_eq!(snap.vpcs.len(), 20);
        assert!(snap.vpcs.iter().all(|v| v.enable_dns_support == Some(true)));
        assert_eq!(snap.subnets.len(), 400);
        assert_eq!(snap.security_groups.len(), 2000);
        let peers: usize = snap
            .security_groups
            .iter()
            .flat_map(|g| g.ingress.iter().chain(&g.egress))
            .map(|r| r.ipv4.len() + r.prefix_lists.len() + r.groups.len())
            .sum();
        assert_eq!(peers, 20_000);
        assert_eq!(snap.network_acls.len(), 100);
        assert!(snap.network_acls.iter().all(|a| a.entries.len() == 20));
        let interface = snap
            .vpc_endpoints
            .iter()
            .filter(|e| e.endpoint_type == crate::snapshot::EndpointType::Interface)
            .count();
        assert_eq!(interface, 100);
        assert_eq!(snap.nat_gateways.len(), 20);
        assert_eq!(snap.domains.len(), 40);
        assert!(snap.domains.iter().all(|d| d.described));
        assert_eq!(snap.user_profiles.len(), 1000);
        assert!(snap.user_profiles.iter().all(|p| p.user_settings.is_some()));
        assert_eq!(snap.spaces.len(), 200);
        assert!(snap
            .efs_mount_targets
            .iter()
            .all(|m| m.security_group_ids.is_some()));
        // Every domain AZ has a mount target, except where a fault says not.
        let missing = c
            .faults
            .get("F3 no EFS mount target in one domain AZ")
            .copied()
            .unwrap_or(0);
        let azs: usize = snap.domains.iter().map(|d| d.subnet_ids.len()).sum();
        assert_eq!(snap.efs_mount_targets.len() + missing, azs);
    }

    #[test]
    fn scale_two_starts_with_scale_one() {
        let (a, b) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
        let s1 = write_dir(&Options { scale: 1, seed: 5 }, a.path()).unwrap();
        let s2 = write_dir(&Options { scale: 2, seed: 5 }, b.path()).unwrap();
        assert_eq!(s2.counts.sg_rules, 40_000);
        // Every count of the issue doubles (mount targets follow the
        // domains' AZs and the F3 faults, both drawn per domain).
        let counts = |c: &Counts| {
            [
                c.vpcs,
                c.subnets,
                c.security_groups,
                c.sg_rules,
                c.network_acls,
                c.nacl_entries,
                c.interface_endpoints,
                c.nat_gateways,
                c.domains,
                c.user_profiles,
                c.shared_spaces,
            ]
        };
        let doubled: Vec<usize> = counts(&s1.counts).iter().map(|n| 2 * n).collect();
        assert_eq!(counts(&s2.counts).to_vec(), doubled);
        let f3 = s2
            .counts
            .faults
            .get("F3 no EFS mount target in one domain AZ")
            .copied()
            .unwrap_or(0);
        // Every domain has 2 or 3 AZs; an F3 fault leaves one out.
        assert!(s2.counts.mount_targets + f3 >= 2 * s2.counts.domains);
        let one = read_all(a.path());
        let two = read_all(b.path());
        // Per-resource files of scale 1 reappear unchanged at scale 2.
        let profile = one
            .keys()
            .find(|p| p.to_string_lossy().contains("describe-user-profile-"))
            .unwrap();
        assert_eq!(one[profile], two[profile]);
    }

    /// The scale-1 organisation of `seed`, imported as `audit` reads it,
    /// with its topology and the topology's warnings.
    fn imported(
        seed: u64,
    ) -> (
        crate::snapshot::Snapshot,
        crate::graph::Topology,
        Vec<crate::snapshot::Diagnostic>,
    ) {
        let dir = tempfile::tempdir().unwrap();
        write_dir(&Options { scale: 1, seed }, dir.path()).unwrap();
        let snap = crate::import::load(dir.path()).unwrap();
        let (topo, warnings) = crate::graph::Topology::build(&snap);
        (snap, topo, warnings)
    }

    /// `sagescope audit` of a generated organisation runs cleanly and the
    /// deliberate faults show up as blocked paths (one query, to keep the
    /// debug build's check of every memoised answer short).
    #[test]
    fn audit_of_a_generated_organisation_finds_the_faults() {
        let (snap, topo, warnings) = imported(1);
        assert!(warnings.is_empty(), "{warnings:#?}");
        let queries = crate::query::builtin_queries().unwrap();
        let filters = crate::query::Filters {
            domain_ids: vec![],
            query_ids: vec!["sagemaker-api".into()],
        };
        let settings = crate::engine::Settings::default();
        let results = crate::query::run_queries(&snap, &topo, &queries, &settings, &filters);
        let count = |v: crate::engine::Verdict| results.iter().filter(|r| r.verdict == v).count();
        assert!(results.len() > 1000, "{}", results.len());
        assert!(count(crate::engine::Verdict::Reachable) > results.len() / 2);
        let blocked = count(crate::engine::Verdict::Blocked);
        assert!(
            blocked > 0 && blocked < results.len() / 10,
            "a few per cent blocked: {blocked} of {}",
            results.len()
        );
    }

    /// Issue 5: an audit shared out over threads gives the results of one
    /// thread, byte for byte, whatever the number of threads.
    #[test]
    fn audit_results_do_not_depend_on_the_thread_count() {
        let (snap, topo, _) = imported(3);
        let queries = crate::query::builtin_queries().unwrap();
        let filters = crate::query::Filters {
            domain_ids: snap.domains.iter().take(7).map(|d| d.id.clone()).collect(),
            query_ids: vec![
                "sagemaker-api".into(),
                "efs-nfs".into(),
                "app-to-app".into(),
            ],
        };
        let settings = crate::engine::Settings::default();
        let run = |threads| {
            let r = crate::query::run::run_queries_on(
                &snap, &topo, &queries, &settings, &filters, threads,
            );
            serde_json::to_string(&r).unwrap()
        };
        let one = run(1);
        assert!(one.len() > 10_000, "{}", one.len());
        for threads in [2, 3, 16] {
            assert!(run(threads) == one, "{threads} threads differ from one");
        }
    }
}
