//! The compliance checks against their fixtures: every check has a `pass/`
//! folder on which it passes (and judges something) and a `fail/` folder
//! on which it fails on exactly the resources its README names, each
//! failure with a remediation whose commands name those resources.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use sagescope::checks::{self, CheckContext, REGISTRY};
use sagescope::graph::Topology;
use sagescope::import;
use sagescope::report::{CheckResult, CheckStatus};

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/checks")
}

fn run(dir: &Path, id: &str) -> Vec<CheckResult> {
    let snap = import::load(dir).unwrap_or_else(|e| panic!("{e}"));
    let (topo, _) = Topology::build(&snap);
    let (results, infos) = checks::run(&CheckContext::new(&snap, &topo, &[]), &[id.to_string()]);
    assert_eq!(infos.len(), 1);
    assert!(results.iter().all(|r| r.check == id));
    results
}

/// The backticked ids after "Fails on:" in the fixture's README.
fn expected_failures(id: &str) -> BTreeSet<String> {
    let readme = std::fs::read_to_string(fixtures().join(id).join("README.md"))
        .unwrap_or_else(|e| panic!("{id}: README.md: {e}"));
    let line = readme
        .lines()
        .find(|l| l.contains("Fails on:"))
        .unwrap_or_else(|| panic!("{id}: README.md has no `Fails on:` line"));
    let after = line.split_once("Fails on:").unwrap().1;
    let ids: BTreeSet<String> = after
        .split('`')
        .skip(1)
        .step_by(2)
        .map(str::to_string)
        .collect();
    assert!(!ids.is_empty(), "{id}: no ids after `Fails on:`");
    ids
}

#[test]
fn every_check_has_fixtures_and_every_fixture_a_check() {
    let on_disk: BTreeSet<String> = std::fs::read_dir(fixtures())
        .unwrap()
        .map(|e| e.unwrap())
        .filter(|e| e.path().is_dir())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    let registered: BTreeSet<String> = REGISTRY.iter().map(|c| c.id.to_string()).collect();
    assert_eq!(
        on_disk, registered,
        "tests/fixtures/checks/* vs checks::REGISTRY"
    );
    for id in &registered {
        for part in ["pass", "fail", "README.md"] {
            assert!(fixtures().join(id).join(part).exists(), "{id}/{part}");
        }
    }
}

#[test]
fn pass_fixtures_pass() {
    for c in REGISTRY {
        let results = run(&fixtures().join(c.id).join("pass"), c.id);
        assert!(!results.is_empty(), "{}: judged nothing on pass/", c.id);
        for r in &results {
            assert_eq!(r.status, CheckStatus::Pass, "{}: {r:#?}", c.id);
            assert!(r.fixes.is_empty(), "{}: a pass carries no fix", c.id);
            assert_eq!(r.severity, c.severity.as_str());
        }
    }
}

#[test]
fn fail_fixtures_fail_on_the_named_resources_with_fixes() {
    for c in REGISTRY {
        let results = run(&fixtures().join(c.id).join("fail"), c.id);
        let failing: BTreeSet<String> = results
            .iter()
            .filter(|r| r.status == CheckStatus::Fail)
            .map(|r| r.resource.clone())
            .collect();
        assert_eq!(failing, expected_failures(c.id), "{}: {results:#?}", c.id);
        for r in results.iter().filter(|r| r.status == CheckStatus::Fail) {
            assert!(!r.message.is_empty(), "{}", c.id);
            assert!(
                !r.fixes.is_empty(),
                "{}: {} has no remediation",
                c.id,
                r.resource
            );
            for f in &r.fixes {
                assert!(!f.summary.is_empty());
                assert!(!f.commands.is_empty(), "{}: {f:?}", c.id);
                for cmd in &f.commands {
                    assert!(cmd.starts_with("aws "), "{}: {cmd}", c.id);
                }
            }
            // The remediation names the resource, or the message explains it.
            let text: String = r
                .fixes
                .iter()
                .flat_map(|f| f.commands.iter().chain(std::iter::once(&f.summary)))
                .cloned()
                .collect::<Vec<_>>()
                .join("\n");
            let short = r.resource.rsplit('/').next().unwrap();
            assert!(
                text.contains(short)
                    || r.message.contains(short)
                    || r.check == "domain-customer-managed-key",
                "{}: neither the fix nor the message names {}: {text}",
                c.id,
                r.resource
            );
        }
    }
}

/// Spot-check the exact commands of a few checks on their fixtures.
#[test]
fn fail_fixture_commands() {
    let cmds = |id: &str| -> Vec<String> {
        run(&fixtures().join(id).join("fail"), id)
            .into_iter()
            .filter(|r| r.status == CheckStatus::Fail)
            .flat_map(|r| r.fixes)
            .flat_map(|f| f.commands)
            .collect()
    };
    assert_eq!(
        cmds("vpc-dns-attributes"),
        [
            r#"aws ec2 modify-vpc-attribute --vpc-id vpc-0c4e1a2b3c4d5e6f7 --enable-dns-hostnames '{"Value":true}' --region eu-west-1"#
        ]
    );
    assert_eq!(
        cmds("efs-mount-target-nfs-group"),
        [
            "aws efs modify-mount-target-security-groups --mount-target-id fsmt-0b2c3d4e5f6a70829 \
          --security-groups sg-0d3e4f5a6b7c8d930 sg-0f1e2d3c4b5a60718 --region eu-west-1"
        ]
    );
    assert_eq!(
        cmds("efs-mount-target-in-each-az"),
        ["aws efs create-mount-target --file-system-id fs-0c4e8a2b6d0f1a3c5 --subnet-id subnet-0b22d5f9a3c7e1b24 \
          --security-groups sg-0f1e2d3c4b5a60718 --region eu-west-1"]
    );
    assert_eq!(
        cmds("s3-gateway-endpoint-routes"),
        [
            "aws ec2 modify-vpc-endpoint --vpc-endpoint-id vpce-0f6b7d8e9a0c1bc6d \
          --add-route-table-ids rtb-0d4c3b2a1f0e9d836 --region eu-west-1"
        ]
    );
    assert_eq!(
        cmds("interface-endpoint-az-coverage"),
        [
            "aws ec2 modify-vpc-endpoint --vpc-endpoint-id vpce-0d4f5b6c7e8a90a4b \
          --add-subnet-ids subnet-0b22d5f9a3c7e1b24 --region eu-west-1"
        ]
    );
    assert_eq!(
        cmds("vpc-endpoints-present"),
        ["aws ec2 create-vpc-endpoint --vpc-id vpc-0c4e1a2b3c4d5e6f7 --vpc-endpoint-type Interface \
          --service-name com.amazonaws.eu-west-1.logs --subnet-ids subnet-0a11c4e8f2b6d0a13 subnet-0b22d5f9a3c7e1b24 \
          --security-group-ids sg-0e9d8c7b6a5f40312 --private-dns-enabled --region eu-west-1"]
    );
    let mut settings = cmds("user-settings-security-groups");
    settings.sort();
    assert_eq!(
        settings,
        [
            r#"aws sagemaker update-domain --domain-id d-c4e8k2m6p0sa --default-space-settings '{"SecurityGroups":["sg-0a5e1c0d2b3f40718"]}' --region eu-west-1"#,
            r#"aws sagemaker update-domain --domain-id d-c4e8k2m6p0sa --default-user-settings '{"SecurityGroups":["sg-0a5e1c0d2b3f40718"]}' --region eu-west-1"#,
            r#"aws sagemaker update-domain --domain-id d-c4e8k2m6p0sa --default-user-settings '{"SecurityGroups":["sg-0a5e1c0d2b3f40718"]}' --region eu-west-1"#,
        ]
    );
    let orphans = cmds("orphaned-domain-resources");
    assert!(
        orphans.contains(
            &"aws ec2 delete-security-group --group-id sg-0a0d0e1e2d3c4b5a6 --region eu-west-1"
                .to_string()
        ),
        "{orphans:#?}"
    );
    assert!(
        orphans.contains(
            &"aws efs delete-file-system --file-system-id fs-0d1e2f3a4b5c6d7e8 --region eu-west-1"
                .to_string()
        ),
        "{orphans:#?}"
    );
    assert!(
        orphans.contains(
            &"aws ec2 revoke-security-group-ingress --group-id sg-0a0d0e1e2d3c4b5a6 --ip-permissions \
              'IpProtocol=tcp,FromPort=2049,ToPort=2049,UserIdGroupPairs=[{GroupId=sg-0b0d0e1e2d3c4b5a7}]' \
              --region eu-west-1"
                .to_string()
        ),
        "{orphans:#?}"
    );
}

/// On the bundled examples: the broken one reports the non-path faults its
/// README lists, the healthy one only the legitimate F8/F18 (and the
/// informational AWS-managed key).
#[test]
fn examples_report_their_documented_findings() {
    let failing = |example: &str| -> BTreeSet<(String, String)> {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("examples")
            .join(example);
        let snap = import::load(&dir).unwrap();
        let (topo, _) = Topology::build(&snap);
        let (results, _) = checks::run(&CheckContext::new(&snap, &topo, &[]), &[]);
        results
            .into_iter()
            .filter(|r| r.status == CheckStatus::Fail)
            .map(|r| (r.check, r.resource))
            .collect()
    };
    let s = |a: &str, b: &str| (a.to_string(), b.to_string());
    let broken = failing("broken-vpc-only");
    for expected in [
        s("interface-endpoint-private-dns", "vpce-083e17cab256ae5a4"),
        s("vpc-endpoints-present", "com.amazonaws.eu-west-1.logs"),
        s("efs-mount-target-in-each-az", "subnet-09c7fc614e9c2d104"),
        s("efs-mount-target-nfs-group", "fsmt-0944303c96e81d59d"),
        s("s3-gateway-endpoint-routes", "rtb-026c565a7d628495e"),
        s("interface-endpoint-az-coverage", "vpce-0b9da652e187b905a"),
        s("internet-egress-via-nat", "subnet-048407747a49aad98"),
        s("shared-self-referencing-group", "sg-01d68063591339a7e"),
    ] {
        assert!(
            broken.contains(&expected),
            "{expected:?} not in {broken:#?}"
        );
    }
    let healthy = failing("healthy-vpc-only");
    let kinds: BTreeSet<&str> = healthy.iter().map(|(c, _)| c.as_str()).collect();
    assert_eq!(
        kinds,
        BTreeSet::from([
            "domain-customer-managed-key",
            "internet-egress-via-nat",
            "shared-self-referencing-group"
        ]),
        "{healthy:#?}"
    );
    let public = failing("public-internet-only");
    assert!(
        public.contains(&s("domain-vpc-only", "d-p4t6v1zyq8ce")),
        "{public:#?}"
    );
}
