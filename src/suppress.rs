//! Suppressions: accepted findings, written down with a reason.
//!
//! The file is TOML, `.sagescope.toml` in the current directory unless
//! `audit --suppressions FILE` names another:
//!
//! ```toml
//! [[suppress]]
//! code = "internet-egress-via-nat"   # a query id or a check id
//! resource = "subnet-0*"             # an id or ARN; `*` matches any run of characters
//! reason = "isolated by design: no NAT, packages come from CodeArtifact"
//! ```
//!
//! A suppressed finding stays in the report (`suppressed: true` and the
//! reason in JSON; a line under the table) but no longer counts for the exit
//! code. A suppression that matches no failing finding is a warning: the
//! finding was fixed, or the entry has a typo. Only [`load`] touches files.

use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::report::{CheckStatus, Report};
use crate::snapshot::Diagnostic;

/// The file looked up in the current directory.
pub const DEFAULT_FILE: &str = ".sagescope.toml";

/// One accepted finding.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Suppression {
    /// A query id or a check id.
    pub code: String,
    /// Resource id or ARN pattern (`*` wildcards).
    pub resource: String,
    pub reason: String,
    /// `<file> entry <n>` (1-based), for messages.
    pub origin: String,
}

/// A suppression file that cannot be used. Always names the file.
#[derive(Debug, thiserror::Error)]
pub enum SuppressError {
    #[error("{}: cannot read the suppression file: {message}", path.display())]
    Io { path: PathBuf, message: String },
    #[error("{origin}: {message}")]
    Invalid { origin: String, message: String },
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFile {
    #[serde(default)]
    suppress: Vec<RawEntry>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawEntry {
    code: String,
    resource: String,
    reason: Option<String>,
}

/// Parse a suppression file's text; `origin` names it in messages.
pub fn parse(text: &str, origin: &str) -> Result<Vec<Suppression>, SuppressError> {
    let raw: RawFile = toml::from_str(text).map_err(|e| SuppressError::Invalid {
        origin: origin.to_string(),
        message: e.to_string().trim_end().to_string(),
    })?;
    let mut out = Vec::new();
    for (i, e) in raw.suppress.into_iter().enumerate() {
        let at = format!("{origin} entry {}", i + 1);
        let invalid = |message: String| SuppressError::Invalid {
            origin: at.clone(),
            message,
        };
        if e.code.trim().is_empty() {
            return Err(invalid("`code` is empty (a query or check id)".into()));
        }
        if e.resource.trim().is_empty() {
            return Err(invalid(
                "`resource` is empty (an id or ARN; `*` matches everything)".into(),
            ));
        }
        let reason = e.reason.unwrap_or_default();
        if reason.trim().is_empty() {
            return Err(invalid(format!(
                "`reason` is required: say why {} on {} is accepted",
                e.code, e.resource
            )));
        }
        out.push(Suppression {
            code: e.code.trim().to_string(),
            resource: e.resource.trim().to_string(),
            reason: reason.trim().to_string(),
            origin: at,
        });
    }
    Ok(out)
}

/// Read `explicit`, else `.sagescope.toml` in `cwd` when it exists, else
/// nothing. A named file that is missing is an error.
pub fn load(explicit: Option<&Path>, cwd: &Path) -> Result<Vec<Suppression>, SuppressError> {
    let path = match explicit {
        Some(p) => p.to_path_buf(),
        None => {
            let p = cwd.join(DEFAULT_FILE);
            if !p.is_file() {
                return Ok(Vec::new());
            }
            p
        }
    };
    let text = std::fs::read_to_string(&path).map_err(|e| SuppressError::Io {
        path: path.clone(),
        message: e.to_string(),
    })?;
    let origin = match explicit {
        Some(p) => p.display().to_string(),
        None => DEFAULT_FILE.to_string(),
    };
    parse(&text, &origin)
}

/// `*` matches any run of characters (also none); the rest literally.
pub fn glob(pattern: &str, text: &str) -> bool {
    let parts: Vec<&str> = pattern.split('*').collect();
    if parts.len() == 1 {
        return pattern == text;
    }
    let (first, last) = (parts[0], parts[parts.len() - 1]);
    if !text.starts_with(first) || text.len() < first.len() + last.len() || !text.ends_with(last) {
        return false;
    }
    let mut rest = &text[first.len()..text.len() - last.len()];
    for mid in &parts[1..parts.len() - 1] {
        match rest.find(mid) {
            Some(i) => rest = &rest[i + mid.len()..],
            None => return false,
        }
    }
    true
}

/// Mark the failing results and checks that a suppression matches, and
/// return warnings for suppressions that match nothing. `ran` holds the ids
/// of the queries and checks that ran, `known` every id that exists: an
/// entry for a query or check that was not run (filtered out) is not
/// reported as unused.
pub fn apply(
    report: &mut Report,
    suppressions: &[Suppression],
    ran: &[String],
    known: &[String],
) -> Vec<Diagnostic> {
    let mut used = vec![false; suppressions.len()];
    for r in report.results.iter_mut().filter(|r| r.verdict.is_failure()) {
        let mut keys: Vec<&str> = vec![
            r.domain.as_str(),
            r.source.subnet_id.as_str(),
            r.source.name.as_str(),
        ];
        keys.extend(r.source.eni_id.as_deref());
        keys.extend(r.blocked_at.iter().map(|b| b.resource.as_str()));
        let hit = suppressions.iter().position(|s| {
            s.code == r.query && keys.iter().any(|k| !k.is_empty() && glob(&s.resource, k))
        });
        if let Some(i) = hit {
            used[i] = true;
            r.suppressed = true;
            r.suppression_reason = Some(suppressions[i].reason.clone());
        }
    }
    for c in report
        .checks
        .iter_mut()
        .filter(|c| c.status == CheckStatus::Fail)
    {
        let hit = suppressions
            .iter()
            .position(|s| s.code == c.check && glob(&s.resource, &c.resource));
        if let Some(i) = hit {
            used[i] = true;
            c.suppressed = true;
            c.suppression_reason = Some(suppressions[i].reason.clone());
        }
    }
    let mut warnings = Vec::new();
    for (s, used) in suppressions.iter().zip(used) {
        if used {
            continue;
        }
        let why = if !known.contains(&s.code) {
            format!("no query or check has the id `{}`", s.code)
        } else if !ran.contains(&s.code) {
            continue; // filtered out of this run
        } else {
            "no failing finding matches it (fixed, or a typo in `resource`?)".to_string()
        };
        warnings.push(
            Diagnostic::warning(
                "unused-suppression",
                format!(
                    "{}: suppression of {} on {} matches nothing: {why}",
                    s.origin, s.code, s.resource
                ),
            )
            .with_ids([s.code.clone(), s.resource.clone()]),
        );
    }
    warnings
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn globs() {
        assert!(glob("*", ""));
        assert!(glob("*", "sg-1"));
        assert!(glob("sg-1", "sg-1"));
        assert!(!glob("sg-1", "sg-12"));
        assert!(glob("sg-*", "sg-12"));
        assert!(glob(
            "*:user-profile/d-1/*",
            "arn:aws:sagemaker:eu-west-1:1:user-profile/d-1/alice"
        ));
        assert!(glob("a*b*c", "axxbyyc"));
        assert!(!glob("a*b*c", "axxcyyb"));
        assert!(!glob("ab*ba", "aba"));
    }

    #[test]
    fn parses_and_requires_a_reason() {
        let ok = parse(
            "[[suppress]]\ncode = \"logs\"\nresource = \"*\"\nreason = \"no SDK jobs\"\n",
            ".sagescope.toml",
        )
        .unwrap();
        assert_eq!(ok.len(), 1);
        assert_eq!(ok[0].origin, ".sagescope.toml entry 1");
        let e = parse(
            "[[suppress]]\ncode = \"logs\"\nresource = \"*\"\n",
            "f.toml",
        )
        .unwrap_err();
        assert_eq!(
            e.to_string(),
            "f.toml entry 1: `reason` is required: say why logs on * is accepted"
        );
        let e = parse(
            "[[suppress]]\ncode = \"logs\"\nresource = \"*\"\nreason = \"  \"\n",
            "f.toml",
        )
        .unwrap_err();
        assert!(e.to_string().contains("`reason` is required"), "{e}");
        let e = parse("[[supress]]\ncode = \"x\"\n", "f.toml").unwrap_err();
        assert!(e.to_string().starts_with("f.toml: "), "{e}");
        assert!(e.to_string().contains("supress"), "{e}");
        assert!(parse("", "f.toml").unwrap().is_empty());
    }

    #[test]
    fn missing_named_file_is_an_error_and_default_is_optional() {
        let dir = tempfile::tempdir().unwrap();
        assert!(load(None, dir.path()).unwrap().is_empty());
        let e = load(Some(&dir.path().join("nope.toml")), dir.path()).unwrap_err();
        assert!(e.to_string().contains("nope.toml"), "{e}");
        std::fs::write(
            dir.path().join(DEFAULT_FILE),
            "[[suppress]]\ncode = \"s3\"\nresource = \"subnet-1\"\nreason = \"r\"\n",
        )
        .unwrap();
        assert_eq!(load(None, dir.path()).unwrap()[0].code, "s3");
    }
}
