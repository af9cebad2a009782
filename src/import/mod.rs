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
pub(crate) mod ec2;
mod efs;
mod json;
mod sagemaker;
mod table;

use std::collections::HashSet;
use std::fs;
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::time::Instant;

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
    load_with_phases(path).map(|(snapshot, _)| snapshot)
}

/// Where [`load_with_phases`] spent its time. `read` + `parse` is the floor
/// of any audit (reading the files and serde_json into `Value`); `build`
/// is turning the values into the snapshot. For `benches/scale.rs`.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct LoadPhases {
    pub files: usize,
    pub bytes: u64,
    pub read: std::time::Duration,
    pub parse: std::time::Duration,
    pub build: std::time::Duration,
}

/// [`load`], timing its phases.
pub fn load_with_phases(path: &Path) -> Result<(Snapshot, LoadPhases), ImportError> {
    let mut phases = LoadPhases::default();
    let meta = fs::metadata(path).map_err(|e| io_error(path, e))?;
    if meta.is_dir() {
        let snapshot = load_dir(path, &mut phases)?;
        release_free_memory();
        return Ok((snapshot, phases));
    }
    let start = Instant::now();
    let bytes = fs::read(path).map_err(|e| io_error(path, e))?;
    phases.read = start.elapsed();
    phases.files = 1;
    phases.bytes = bytes.len() as u64;
    let start = Instant::now();
    let snapshot = load_bytes(path, bytes)?;
    // Parsing and building are not separable here; count both as parse.
    phases.parse = start.elapsed();
    release_free_memory();
    Ok((snapshot, phases))
}

/// Hand the memory the import freed back to the operating system.
///
/// Parsing a file into `serde_json::Value` takes several times its size
/// (~300 MB for the 86 MB security-group file of an 8x organisation, issue
/// 5); the snapshot built from it is a fraction of that. glibc keeps freed
/// memory mapped, so without this the process would carry the parse's
/// peak as resident memory through the whole audit, and its results would
/// come on top of it. `malloc_trim` releases every free page of the heap.
/// A no-op elsewhere than glibc (other allocators return memory on their
/// own terms).
fn release_free_memory() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: malloc_trim only walks the allocator's own free lists; it
    // takes no pointer and is safe to call at any time.
    unsafe {
        libc::malloc_trim(0);
    }
}

/// Load the content of one file as [`load`] would if `path` held `bytes`:
/// a snapshot file or a single AWS API response. Touches no file (the
/// fuzz targets and tests feed it arbitrary bytes under AWS file names).
pub fn load_bytes(path: &Path, bytes: Vec<u8>) -> Result<Snapshot, ImportError> {
    let (text, value) = parse_json(path, bytes)?;
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

/// Create (or truncate) a file that only its owner may read and write
/// (0600 on Unix), for snapshots: they map a whole network. An existing
/// file gets these permissions too.
pub fn create_private(path: &Path) -> io::Result<fs::File> {
    let mut options = fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
        options.mode(0o600);
        let file = options.open(path)?;
        file.set_permissions(fs::Permissions::from_mode(0o600))?;
        Ok(file)
    }
    #[cfg(not(unix))]
    options.open(path)
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

fn load_dir(root: &Path, phases: &mut LoadPhases) -> Result<Snapshot, ImportError> {
    let mut files = Vec::new();
    let mut notes = Vec::new();
    let mut seen = HashSet::new();
    let start = Instant::now();
    walk(root, "", &mut files, &mut notes, &mut seen)?;
    phases.read += start.elapsed();
    let mut b = Builder::default();
    // One file at a time: only the largest file's text and values are in
    // memory at once, next to the snapshot being built.
    for (path, rel) in files {
        let start = Instant::now();
        let bytes = fs::read(&path).map_err(|e| io_error(&path, e))?;
        let read = Instant::now();
        phases.files += 1;
        phases.bytes += bytes.len() as u64;
        let (_, value) = parse_json(&path, bytes)?;
        let parsed = Instant::now();
        b.add_file(&rel, &stem(&path), value)
            .map_err(|m| invalid(&path, m))?;
        phases.read += read - start;
        phases.parse += parsed - read;
        phases.build += parsed.elapsed();
    }
    let start = Instant::now();
    b.sink.diags.extend(notes);
    let snapshot = b.finish(&dir_label(root));
    phases.build += start.elapsed();
    Ok(snapshot)
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

/// Parse the content of the JSON file `path`.
fn parse_json(path: &Path, bytes: Vec<u8>) -> Result<(String, Value), ImportError> {
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
