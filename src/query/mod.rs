//! PURE. Path queries: what to check from every Studio app, as data.
//!
//! A query is a TOML file (format: `queries/README.md`) naming a flow
//! (protocol and destination ports), a destination kind (the home EFS mount
//! target, a peer app, an AWS service) and when it applies (network mode,
//! custom images). The built-in ones are compiled in ([`builtin`]); users
//! add their own with `--queries DIR` ([`load_dir`]). [`sources`] turns a
//! domain into the app ENIs the flows start from and [`run`] asks the engine.
//!
//! Never I/O here except [`load_dir`], which only reads the user's query
//! files.

pub mod builtin;
pub mod gaps;
pub mod run;
pub mod sources;

use std::fmt;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::snapshot::{PortRange, Protocol};

pub use crate::findings::Severity;
pub use builtin::builtin_queries;
pub use run::{run_queries, Filters};

/// When a query applies to a domain (and source).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Applies {
    /// Both network modes: EFS traffic always uses the customer VPC.
    AllModes,
    /// VpcOnly domains: in PublicInternetOnly mode everything but EFS leaves
    /// through a VPC that SageMaker manages, which we cannot audit.
    VpcOnly,
    /// VpcOnly domains whose source has custom images configured (the ECR
    /// pulls only happen then).
    CustomImages,
}

impl Applies {
    pub fn as_str(self) -> &'static str {
        match self {
            Applies::AllModes => "all-modes",
            Applies::VpcOnly => "vpc-only",
            Applies::CustomImages => "custom-images",
        }
    }
}

/// Where a query's flow goes.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case", tag = "kind")]
pub enum Destination {
    /// The domain's home EFS mount target in the source's AZ.
    EfsMountTarget,
    /// Another app of the same user profile or space, in every domain subnet.
    AppPeer,
    /// An AWS service by its endpoint service suffix (`sagemaker.api`,
    /// `s3`, `studio`...), in the domain's region.
    Service { service: String },
}

impl Destination {
    pub fn kind(&self) -> &'static str {
        match self {
            Destination::EfsMountTarget => "efs-mount-target",
            Destination::AppPeer => "app-peer",
            Destination::Service { .. } => "service",
        }
    }
}

impl fmt::Display for Destination {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Destination::Service { service } => write!(f, "service {service}"),
            other => f.write_str(other.kind()),
        }
    }
}

/// The flow a query checks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct QueryFlow {
    pub protocol: Protocol,
    /// Destination ports; [`PortRange::ALL`] for protocols without ports.
    pub ports: PortRange,
}

// As written in the TOML (`"tcp"`, `"2049"`), not as protocol numbers.
impl Serialize for QueryFlow {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let mut st = s.serialize_struct("QueryFlow", 2)?;
        st.serialize_field("protocol", &self.protocol.to_string())?;
        let ports = self.protocol.has_ports().then(|| self.ports.to_string());
        st.serialize_field("ports", &ports)?;
        st.end()
    }
}

impl fmt::Display for QueryFlow {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if !self.protocol.has_ports() || self.ports == PortRange::ALL {
            write!(f, "{}", self.protocol)
        } else {
            write!(f, "{}/{}", self.protocol, self.ports)
        }
    }
}

/// What / Why / Fix / References, shown by `queries show ID`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct QueryDocs {
    pub what: String,
    pub why: String,
    pub fix: String,
    pub references: Vec<String>,
}

/// A validated query.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Query {
    pub id: String,
    pub title: String,
    pub severity: Severity,
    pub applies: Applies,
    pub flow: QueryFlow,
    pub destination: Destination,
    pub docs: QueryDocs,
    /// Run only when named with `--query` (a feature the snapshot cannot
    /// show is in use, e.g. SageMaker Projects).
    pub opt_in: bool,
    /// `built-in` or the user file it came from.
    pub origin: String,
}

/// A query file that is not valid. Always names the file.
#[derive(Debug, thiserror::Error)]
pub enum QueryError {
    #[error("{origin}: {message}")]
    Invalid { origin: String, message: String },
    #[error("{}: {message}", path.display())]
    Io { path: PathBuf, message: String },
    #[error("{origin}: query id `{id}` is already defined by {first}")]
    Duplicate {
        origin: String,
        id: String,
        first: String,
    },
}

// The file as written. Kept apart from [`Query`] so that the TOML stays
// plain strings ("2049", "tcp") while the model holds parsed values.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawQuery {
    id: String,
    title: String,
    severity: String,
    applies: String,
    flow: RawFlow,
    destination: RawDestination,
    docs: QueryDocs,
    #[serde(default, rename = "opt-in")]
    opt_in: bool,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFlow {
    protocol: String,
    #[serde(default)]
    ports: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawDestination {
    kind: String,
    #[serde(default)]
    service: Option<String>,
}

/// Whether `s` is a kebab-case id: lower-case ASCII letters and digits in
/// words joined by single dashes.
pub fn is_kebab_case(s: &str) -> bool {
    !s.is_empty()
        && s.split('-').all(|w| {
            !w.is_empty()
                && w.bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
        })
}

/// Parse `N` or `N-M` (inclusive, N <= M, both 0-65535).
pub fn parse_port_range(s: &str) -> Result<PortRange, String> {
    let s = s.trim();
    let port = |p: &str| {
        p.trim()
            .parse::<u16>()
            .map_err(|_| format!("`{p}` is not a port number (0-65535)"))
    };
    let range = match s.split_once('-') {
        Some((a, b)) => PortRange {
            from: port(a)?,
            to: port(b)?,
        },
        None => PortRange::single(port(s)?),
    };
    if range.from > range.to {
        return Err(format!("port range `{s}` is empty (start > end)"));
    }
    Ok(range)
}

/// Parse and validate one query file. `origin` names it in errors
/// (`built-in queries/efs-nfs.toml` or the user's path).
pub fn parse_query(text: &str, origin: &str) -> Result<Query, QueryError> {
    let invalid = |message: String| QueryError::Invalid {
        origin: origin.to_string(),
        message,
    };
    let raw: RawQuery = toml::from_str(text).map_err(|e| invalid(e.to_string()))?;

    if !is_kebab_case(&raw.id) {
        return Err(invalid(format!(
            "id `{}` is not kebab-case (lower-case letters, digits and single dashes)",
            raw.id
        )));
    }
    if raw.title.trim().is_empty() {
        return Err(invalid("`title` is empty".into()));
    }
    let severity = Severity::parse(&raw.severity).ok_or_else(|| {
        invalid(format!(
            "severity `{}` is not one of info, low, medium, high, critical",
            raw.severity
        ))
    })?;
    let applies = match raw.applies.as_str() {
        "all-modes" => Applies::AllModes,
        "vpc-only" => Applies::VpcOnly,
        "custom-images" => Applies::CustomImages,
        other => {
            return Err(invalid(format!(
                "applies `{other}` is not one of all-modes, vpc-only, custom-images"
            )))
        }
    };
    let protocol = Protocol::parse(&raw.flow.protocol).ok_or_else(|| {
        invalid(format!(
            "flow.protocol `{}` is not tcp, udp, icmp, all or a number 0-255",
            raw.flow.protocol
        ))
    })?;
    let ports = match (&raw.flow.ports, protocol.has_ports()) {
        (Some(p), true) => parse_port_range(p).map_err(|e| invalid(format!("flow.ports: {e}")))?,
        (None, true) => PortRange::ALL,
        (Some(_), false) => {
            return Err(invalid(format!(
                "flow.ports is set but protocol {protocol} has no ports"
            )))
        }
        (None, false) => PortRange::ALL,
    };
    let destination = match (raw.destination.kind.as_str(), raw.destination.service) {
        ("efs-mount-target", None) => Destination::EfsMountTarget,
        ("app-peer", None) => Destination::AppPeer,
        ("service", Some(service)) => {
            let ok = !service.is_empty()
                && service
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b"-._".contains(&b));
            if !ok {
                return Err(invalid(format!(
                    "destination.service `{service}` is not an endpoint service suffix like `sagemaker.api`"
                )));
            }
            Destination::Service { service }
        }
        ("service", None) => {
            return Err(invalid(
                "destination.kind = \"service\" needs destination.service (e.g. \"sagemaker.api\")"
                    .into(),
            ))
        }
        ("efs-mount-target" | "app-peer", Some(_)) => {
            return Err(invalid(format!(
                "destination.service is only for kind = \"service\", not `{}`",
                raw.destination.kind
            )))
        }
        (other, _) => {
            return Err(invalid(format!(
                "destination.kind `{other}` is not one of efs-mount-target, app-peer, service"
            )))
        }
    };
    let docs = raw.docs;
    for (name, value) in [("what", &docs.what), ("why", &docs.why), ("fix", &docs.fix)] {
        if value.trim().is_empty() {
            return Err(invalid(format!("docs.{name} is empty")));
        }
    }
    if docs.references.is_empty() || docs.references.iter().any(|r| r.trim().is_empty()) {
        return Err(invalid(
            "docs.references needs at least one non-empty reference".into(),
        ));
    }
    Ok(Query {
        id: raw.id,
        title: raw.title.trim().to_string(),
        severity,
        applies,
        flow: QueryFlow { protocol, ports },
        destination,
        docs,
        opt_in: raw.opt_in,
        origin: origin.to_string(),
    })
}

/// Load every `*.toml` in `dir` (not recursive), sorted by file name.
/// Other files (a README) are ignored; a directory without any query file
/// is an error, as it is most likely the wrong directory.
pub fn load_dir(dir: &Path) -> Result<Vec<Query>, QueryError> {
    let io = |message: String| QueryError::Io {
        path: dir.to_path_buf(),
        message,
    };
    let entries = std::fs::read_dir(dir).map_err(|e| io(e.to_string()))?;
    let mut files = Vec::new();
    for entry in entries {
        let path = entry.map_err(|e| io(e.to_string()))?.path();
        if path.extension().is_some_and(|e| e == "toml") && path.is_file() {
            files.push(path);
        }
    }
    files.sort();
    if files.is_empty() {
        return Err(io("no query file (*.toml) in this directory".into()));
    }
    files
        .iter()
        .map(|path| {
            let text = std::fs::read_to_string(path).map_err(|e| QueryError::Io {
                path: path.clone(),
                message: e.to_string(),
            })?;
            parse_query(&text, &path.display().to_string())
        })
        .collect()
}

/// Built-in queries followed by the user's; an id defined twice is an error
/// naming the second file.
pub fn merge(builtin: Vec<Query>, user: Vec<Query>) -> Result<Vec<Query>, QueryError> {
    let mut all: Vec<Query> = Vec::with_capacity(builtin.len() + user.len());
    for q in builtin.into_iter().chain(user) {
        if let Some(first) = all.iter().find(|a| a.id == q.id) {
            let first = if first.origin == "built-in" {
                "a built-in query".to_string()
            } else {
                first.origin.clone()
            };
            return Err(QueryError::Duplicate {
                origin: q.origin,
                id: q.id,
                first,
            });
        }
        all.push(q);
    }
    all.sort_by(|a, b| a.id.cmp(&b.id));
    Ok(all)
}

#[cfg(test)]
mod tests {
    use super::*;

    const GOOD: &str = r#"
id = "my-check"
title = "A check"
severity = "low"
applies = "vpc-only"
[flow]
protocol = "tcp"
ports = "443"
[destination]
kind = "service"
service = "sagemaker.api"
[docs]
what = "w"
why = "y"
fix = "f"
references = ["r"]
"#;

    #[test]
    fn parses_a_good_query() {
        let q = parse_query(GOOD, "x.toml").unwrap();
        assert_eq!(q.id, "my-check");
        assert_eq!(q.flow.ports, PortRange::single(443));
        assert_eq!(
            q.destination,
            Destination::Service {
                service: "sagemaker.api".into()
            }
        );
        assert_eq!(q.flow.to_string(), "tcp/443");
    }

    fn err(text: &str) -> String {
        parse_query(text, "x.toml").unwrap_err().to_string()
    }

    #[test]
    fn rejects_bad_fields_naming_the_file() {
        let e = err(&GOOD.replace("\"low\"", "\"urgent\""));
        assert!(e.starts_with("x.toml: severity `urgent`"), "{e}");
        let e = err(&GOOD.replace("my-check", "My_Check"));
        assert!(e.contains("not kebab-case"), "{e}");
        let e = err(&GOOD.replace("\"443\"", "\"70000\""));
        assert!(e.contains("flow.ports"), "{e}");
        let e = err(&GOOD.replace("\"443\"", "\"500-400\""));
        assert!(e.contains("empty"), "{e}");
        let e = err(&GOOD.replace("what = \"w\"", "what = \"  \""));
        assert!(e.contains("docs.what is empty"), "{e}");
        let e = err(&GOOD.replace("references = [\"r\"]", "references = []"));
        assert!(e.contains("references"), "{e}");
        let e = err(&GOOD.replace("service = \"sagemaker.api\"\n", ""));
        assert!(e.contains("needs destination.service"), "{e}");
        let e = err(&GOOD.replace("[docs]", "colour = \"red\"\n[docs]"));
        assert!(e.contains("unknown field"), "{e}");
        let e = err("id = ");
        assert!(e.starts_with("x.toml: "), "{e}");
    }

    #[test]
    fn ports_need_a_port_protocol() {
        let e = err(&GOOD.replace("\"tcp\"", "\"icmp\""));
        assert!(e.contains("has no ports"), "{e}");
    }

    #[test]
    fn kebab_case() {
        assert!(is_kebab_case("efs-nfs"));
        assert!(is_kebab_case("s3"));
        for bad in ["", "-a", "a-", "a--b", "A", "a_b", "a b"] {
            assert!(!is_kebab_case(bad), "{bad}");
        }
    }

    #[test]
    fn duplicate_ids_are_errors() {
        let a = parse_query(GOOD, "built-in").unwrap();
        let b = parse_query(GOOD, "mine.toml").unwrap();
        let e = merge(vec![a], vec![b]).unwrap_err().to_string();
        assert_eq!(
            e,
            "mine.toml: query id `my-check` is already defined by a built-in query"
        );
    }
}
