//! Meta tests on the built-in queries: the registry matches `queries/`, ids
//! are unique kebab-case, every query is fully documented, and the README
//! lists them all.

use std::collections::BTreeSet;
use std::path::Path;

use sagescope::query::{self, builtin::BUILTIN, Severity};

fn queries_dir() -> &'static Path {
    Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/queries"))
}

#[test]
fn registry_matches_the_queries_folder() {
    let on_disk: BTreeSet<String> = std::fs::read_dir(queries_dir())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".toml"))
        .collect();
    let registered: BTreeSet<String> = BUILTIN.iter().map(|(f, _)| f.to_string()).collect();
    assert_eq!(
        registered, on_disk,
        "src/query/builtin.rs BUILTIN vs queries/*.toml"
    );
    for (file, text) in BUILTIN {
        let disk = std::fs::read_to_string(queries_dir().join(file)).unwrap();
        assert_eq!(&disk, text, "{file}: include_str! is stale");
    }
}

#[test]
fn every_builtin_parses_and_is_documented() {
    let mut ids = BTreeSet::new();
    for (file, text) in BUILTIN {
        let q = query::parse_query(text, file).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(format!("{}.toml", q.id), *file, "file name must be the id");
        assert!(query::is_kebab_case(&q.id), "{}", q.id);
        assert!(ids.insert(q.id.clone()), "duplicate id {}", q.id);
        assert!(Severity::parse(q.severity.as_str()).is_some());
        for (section, body) in [
            ("what", &q.docs.what),
            ("why", &q.docs.why),
            ("fix", &q.docs.fix),
        ] {
            assert!(body.trim().len() > 40, "{file}: docs.{section} is too thin");
        }
        assert!(!q.docs.references.is_empty(), "{file}: no references");
        assert!(
            q.docs
                .references
                .iter()
                .any(|r| r.starts_with("docs/sagemaker-network.md")),
            "{file}: cite the failure modes or facts of docs/sagemaker-network.md"
        );
        for r in &q.docs.references {
            assert!(
                r.starts_with("https://") || r.starts_with("docs/sagemaker-network.md"),
                "{file}: reference `{r}` is neither a URL nor a docs/sagemaker-network.md section"
            );
        }
    }
    let all = query::builtin_queries().unwrap();
    assert_eq!(all.len(), BUILTIN.len());
    assert!(all.windows(2).all(|w| w[0].id < w[1].id), "sorted by id");
}

#[test]
fn the_fixed_ids_exist_with_their_contract() {
    use query::{Applies, Destination};
    let all = query::builtin_queries().unwrap();
    let get = |id: &str| {
        all.iter()
            .find(|q| q.id == id)
            .unwrap_or_else(|| panic!("missing built-in query {id}"))
    };
    let efs = get("efs-nfs");
    assert_eq!(efs.applies, Applies::AllModes);
    assert_eq!(efs.destination, Destination::EfsMountTarget);
    assert_eq!(efs.flow.to_string(), "tcp/2049");
    let peer = get("app-to-app");
    assert_eq!(peer.applies, Applies::VpcOnly);
    assert_eq!(peer.destination, Destination::AppPeer);
    assert_eq!(peer.flow.to_string(), "tcp/8192-65535");
    for (id, service) in [
        ("sagemaker-api", "sagemaker.api"),
        ("sagemaker-runtime", "sagemaker.runtime"),
        ("sts", "sts"),
        ("logs", "logs"),
        ("s3", "s3"),
    ] {
        let q = get(id);
        assert_eq!(q.applies, Applies::VpcOnly, "{id}");
        assert_eq!(q.flow.to_string(), "tcp/443", "{id}");
        assert!(!q.opt_in, "{id}");
        assert_eq!(
            q.destination,
            Destination::Service {
                service: service.into()
            },
            "{id}"
        );
    }
}

#[test]
fn readme_lists_every_query_and_its_examples_parse() {
    let readme = std::fs::read_to_string(queries_dir().join("README.md")).unwrap();
    for q in query::builtin_queries().unwrap() {
        assert!(
            readme.contains(&format!("| `{}` | {} |", q.id, q.severity)),
            "queries/README.md: no table row for {} ({})",
            q.id,
            q.severity
        );
    }
    let blocks: Vec<&str> = readme
        .split("```toml\n")
        .skip(1)
        .map(|b| b.split("```").next().unwrap())
        .collect();
    assert_eq!(blocks.len(), 2);
    for b in blocks {
        query::parse_query(b, "queries/README.md").unwrap_or_else(|e| panic!("{e}"));
    }
}
