//! The built-in queries: `queries/*.toml`, compiled into the binary.
//!
//! The list is explicit (no build script); `tests/queries_meta.rs` checks it
//! matches the files in `queries/`.

use super::{parse_query, Query, QueryError};

/// (file name, contents) of every built-in query.
pub const BUILTIN: &[(&str, &str)] = &[
    (
        "app-to-app.toml",
        include_str!("../../queries/app-to-app.toml"),
    ),
    ("ecr-api.toml", include_str!("../../queries/ecr-api.toml")),
    ("ecr-dkr.toml", include_str!("../../queries/ecr-dkr.toml")),
    ("efs-nfs.toml", include_str!("../../queries/efs-nfs.toml")),
    ("logs.toml", include_str!("../../queries/logs.toml")),
    ("s3.toml", include_str!("../../queries/s3.toml")),
    (
        "sagemaker-api.toml",
        include_str!("../../queries/sagemaker-api.toml"),
    ),
    (
        "sagemaker-runtime.toml",
        include_str!("../../queries/sagemaker-runtime.toml"),
    ),
    (
        "servicecatalog.toml",
        include_str!("../../queries/servicecatalog.toml"),
    ),
    ("sts.toml", include_str!("../../queries/sts.toml")),
    ("studio.toml", include_str!("../../queries/studio.toml")),
];

/// Parse the built-in queries, sorted by id. An error here is a bug in a
/// file under `queries/` (the meta test catches it first).
pub fn builtin_queries() -> Result<Vec<Query>, QueryError> {
    let mut queries = BUILTIN
        .iter()
        .map(|(file, text)| {
            let mut q = parse_query(text, &format!("queries/{file}"))?;
            q.origin = "built-in".to_string();
            Ok(q)
        })
        .collect::<Result<Vec<_>, QueryError>>()?;
    queries.sort_by(|a, b| a.id.cmp(&b.id));
    Ok(queries)
}
