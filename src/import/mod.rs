//! PURE (apart from reading the input files). Raw AWS API JSON (AWS CLI,
//! boto3, Batfish aws_configs) -> Snapshot.
//!
//! Each file is identified by its top-level key (`Vpcs`, `RouteTables`,
//! `DomainId`...), never by its name: names differ between the AWS CLI,
//! boto3 scripts and Batfish. Only two responses that do not carry their
//! resource's id are matched by the id in the file name
//! (GetManagedPrefixListEntries and DescribeMountTargetSecurityGroups).
//! Files are read in sorted path order, so duplicates resolve the same way
//! on every machine, and diagnostics name files relative to the imported
//! folder, so the snapshot does not depend on where that folder lives.

mod builder;
mod ec2;
mod efs;
mod json;
mod sagemaker;
mod table;

use std::collections::HashSet;
use std::fs;
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use serde_json::Value;

use crate::snapshot::{Diagnostic, Snapshot, SCHEMA_VERSION};
use builder::Builder;

/// An input error: always names the file and, for JSON syntax errors, the
/// line and column.
#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    #[error("{path}: {message}")]
    Io { path: PathBuf, message: String },
    #[error("{path}:{line}:{column}: malformed JSON: {message}")]
    Syntax {
        path: PathBuf,
        line: usize,
        column: usize,
        message: String,
    },
    #[error("{path}: {message}")]
    Invalid { path: PathBuf, message: String },
}

impl ImportError {
    /// The file (or folder) the error is about.
    pub fn path(&self) -> &Path {
        match self {
            ImportError::Io { path, .. }
            | ImportError::Syntax { path, .. }
            | ImportError::Invalid { path, .. } => path,
        }
    }
}

fn io_error(path: &Path, e: io::Error) -> ImportError {
    ImportError::Io {
        path: path.to_path_buf(),
        message: e.to_string(),
    }
}

fn invalid(path: &Path, message: impl Into<String>) -> ImportError {
    ImportError::Invalid {
        path: path.to_path_buf(),
        message: message.into(),
    }
}

/// Load PATH: a snapshot file written by `import`/`collect`, a directory of
/// AWS API responses (read recursively), or a single AWS API response file.
pub fn load(path: &Path) -> Result<Snapshot, ImportError> {
    let meta = fs::metadata(path).map_err(|e| io_error(path, e))?;
    if meta.is_dir() {
        return load_dir(path);
    }
    let (text, value) = read_json(path)?;
    if value.get("schema_version").is_some() {
        return load_snapshot(path, &text, &value);
    }
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| path.display().to_string());
    let mut b = Builder::default();
    b.add_file(&name, &stem(path), value)
        .map_err(|m| invalid(path, m))?;
    Ok(b.finish(&name))
}

/// Write a snapshot as `load` reads it back: pretty JSON and a newline.
pub fn write_snapshot(snapshot: &Snapshot, w: &mut dyn Write) -> io::Result<()> {
    serde_json::to_writer_pretty(&mut *w, snapshot)?;
    w.write_all(b"\n")
}

/// A snapshot file: refuse versions this build does not know, then let
/// serde check the rest.
fn load_snapshot(path: &Path, text: &str, value: &Value) -> Result<Snapshot, ImportError> {
    let version = &value["schema_version"];
    if version.as_u64() != Some(u64::from(SCHEMA_VERSION)) {
        return Err(invalid(
            path,
            format!(
                "snapshot schema_version {version} is not supported (this sagescope reads \
                 version {SCHEMA_VERSION}); re-create the snapshot with this version"
            ),
        ));
    }
    let mut snap: Snapshot = serde_json::from_str(text).map_err(|e| {
        invalid(
            path,
            format!(
                "invalid snapshot file at line {} column {}: {}",
                e.line(),
                e.column(),
                strip_position(&e)
            ),
        )
    })?;
    snap.normalize();
    Ok(snap)
}

fn load_dir(root: &Path) -> Result<Snapshot, ImportError> {
    let mut files = Vec::new();
    let mut notes = Vec::new();
    let mut seen = HashSet::new();
    walk(root, "", &mut files, &mut notes, &mut seen)?;
    let mut b = Builder::default();
    for (path, rel) in files {
        let (_, value) = read_json(&path)?;
        b.add_file(&rel, &stem(&path), value)
            .map_err(|m| invalid(&path, m))?;
    }
    b.sink.diags.extend(notes);
    Ok(b.finish(&dir_label(root)))
}

/// The folder's own name (not where it lives), for messages kept in the
/// snapshot.
fn dir_label(root: &Path) -> String {
    let name = root
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .or_else(|| {
            fs::canonicalize(root)
                .ok()
                .and_then(|p| p.file_name().map(|n| n.to_string_lossy().into_owned()))
        });
    match name {
        Some(n) => format!("folder `{n}`"),
        None => format!("`{}`", root.display()),
    }
}

/// Depth-first, each folder in sorted name order: the same file order on
/// every machine. Collects `*.json` files as (path, relative path).
fn walk(
    dir: &Path,
    rel: &str,
    files: &mut Vec<(PathBuf, String)>,
    notes: &mut Vec<Diagnostic>,
    seen: &mut HashSet<PathBuf>,
) -> Result<(), ImportError> {
    // Symlinked folders are followed, but each real folder is read once.
    if let Ok(real) = fs::canonicalize(dir) {
        if !seen.insert(real) {
            return Ok(());
        }
    }
    let mut entries = Vec::new();
    for e in fs::read_dir(dir).map_err(|e| io_error(dir, e))? {
        let e = e.map_err(|e| io_error(dir, e))?;
        entries.push((e.file_name(), e.path()));
    }
    entries.sort();
    for (name, path) in entries {
        let name = name.to_string_lossy().into_owned();
        let rel = if rel.is_empty() {
            name.clone()
        } else {
            format!("{rel}/{name}")
        };
        let note = |message: String| Diagnostic::note("unknown-input", message).with_file(&rel);
        let meta = match fs::metadata(&path) {
            Ok(m) => m,
            Err(e) => {
                notes.push(note(format!("cannot be read ({e}); skipped")));
                continue;
            }
        };
        if meta.is_dir() {
            // .git, .terraform and the like hold no API responses.
            if !name.starts_with('.') {
                walk(&path, &rel, files, notes, seen)?;
            }
        } else if name.starts_with('.') {
            notes.push(note("hidden file; skipped".into()));
        } else if path
            .extension()
            .is_some_and(|x| x.eq_ignore_ascii_case("json"))
        {
            files.push((path, rel));
        } else {
            notes.push(note("not a .json file; skipped".into()));
        }
    }
    Ok(())
}

fn stem(path: &Path) -> String {
    path.file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default()
}

/// serde_json appends " at line L column C" to its messages; the error
/// variants say it their own way.
fn strip_position(e: &serde_json::Error) -> String {
    let msg = e.to_string();
    let suffix = format!(" at line {} column {}", e.line(), e.column());
    msg.strip_suffix(&suffix).unwrap_or(&msg).to_string()
}

/// Read and parse one JSON file.
fn read_json(path: &Path) -> Result<(String, Value), ImportError> {
    let bytes = fs::read(path).map_err(|e| io_error(path, e))?;
    let text = String::from_utf8(bytes).map_err(|e| {
        invalid(
            path,
            format!(
                "not UTF-8 text (invalid byte at offset {})",
                e.utf8_error().valid_up_to()
            ),
        )
    })?;
    // PowerShell's Out-File writes a byte-order mark; JSON does not allow one.
    let text = match text.strip_prefix('\u{feff}') {
        Some(t) => t.to_string(),
        None => text,
    };
    if text.trim().is_empty() {
        return Err(invalid(
            path,
            "empty file (expected an AWS API response in JSON)",
        ));
    }
    let value = serde_json::from_str(&text).map_err(|e| ImportError::Syntax {
        path: path.to_path_buf(),
        line: e.line(),
        column: e.column(),
        message: strip_position(&e),
    })?;
    Ok((text, value))
}
