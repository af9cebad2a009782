//! Writing AWS CLI–shaped JSON files: `aws ... --output json` pretty-prints
//! with 4-space indentation and ends with a newline. List responses
//! (`{"SecurityGroups": [...]}`) are streamed item by item, so generating
//! scale 16 never holds the whole organisation in memory.

use std::collections::BTreeMap;
use std::fs::{self, File};
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};

use serde::Serialize;
use serde_json::ser::{PrettyFormatter, Serializer};
use serde_json::Value;

fn pretty(v: &Value) -> Vec<u8> {
    let mut buf = Vec::new();
    let mut ser = Serializer::with_formatter(&mut buf, PrettyFormatter::with_indent(b"    "));
    v.serialize(&mut ser).expect("a Value always serializes");
    buf
}

struct ListFile {
    w: BufWriter<File>,
    items: usize,
}

/// The output folder: list files open while the organisation is walked,
/// single-resource files written at once. Counts files and bytes.
pub struct Out {
    root: PathBuf,
    lists: BTreeMap<String, ListFile>,
    pub files: usize,
    pub bytes: u64,
}

impl Out {
    pub fn new(root: &Path) -> Out {
        Out {
            root: root.to_path_buf(),
            lists: BTreeMap::new(),
            files: 0,
            bytes: 0,
        }
    }

    fn create(&mut self, rel: &str) -> io::Result<BufWriter<File>> {
        let path = self.root.join(rel);
        if let Some(dir) = path.parent() {
            fs::create_dir_all(dir)?;
        }
        self.files += 1;
        Ok(BufWriter::with_capacity(1 << 16, File::create(path)?))
    }

    /// Open `rel` as the list response `{"<key>": [...]}`.
    pub fn open_list(&mut self, rel: &str, key: &str) -> io::Result<()> {
        let mut w = self.create(rel)?;
        let head = format!("{{\n    \"{key}\": [");
        w.write_all(head.as_bytes())?;
        self.bytes += head.len() as u64;
        self.lists.insert(rel.to_string(), ListFile { w, items: 0 });
        Ok(())
    }

    /// Append one item to an open list file, indented as the CLI does.
    pub fn push(&mut self, rel: &str, item: &Value) -> io::Result<()> {
        let f = self
            .lists
            .get_mut(rel)
            .unwrap_or_else(|| panic!("list file {rel} is not open"));
        let mut text = Vec::with_capacity(1024);
        text.extend_from_slice(if f.items == 0 { b"\n" } else { b",\n" });
        // JSON strings never hold a raw newline, so indenting line by line
        // is safe.
        for (i, line) in pretty(item).split(|&b| b == b'\n').enumerate() {
            if i > 0 {
                text.push(b'\n');
            }
            text.extend_from_slice(b"        ");
            text.extend_from_slice(line);
        }
        f.w.write_all(&text)?;
        f.items += 1;
        self.bytes += text.len() as u64;
        Ok(())
    }

    /// Write a whole single-resource file.
    pub fn single(&mut self, rel: &str, v: &Value) -> io::Result<()> {
        let mut w = self.create(rel)?;
        let mut text = pretty(v);
        text.push(b'\n');
        w.write_all(&text)?;
        w.flush()?;
        self.bytes += text.len() as u64;
        Ok(())
    }

    /// Close every list file.
    pub fn finish(mut self) -> io::Result<(usize, u64)> {
        for (_, mut f) in std::mem::take(&mut self.lists) {
            let tail: &[u8] = if f.items == 0 {
                b"]\n}\n"
            } else {
                b"\n    ]\n}\n"
            };
            f.w.write_all(tail)?;
            f.w.flush()?;
            self.bytes += tail.len() as u64;
        }
        Ok((self.files, self.bytes))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn list_files_are_what_the_cli_prints() {
        let dir = tempfile::tempdir().unwrap();
        let mut out = Out::new(dir.path());
        out.open_list("a.json", "Vpcs").unwrap();
        out.open_list("empty.json", "NatGateways").unwrap();
        out.push(
            "a.json",
            &json!({"VpcId": "vpc-1", "Tags": [{"Key": "k", "Value": "v"}]}),
        )
        .unwrap();
        out.push("a.json", &json!({"VpcId": "vpc-2"})).unwrap();
        let (files, bytes) = out.finish().unwrap();
        let a = fs::read_to_string(dir.path().join("a.json")).unwrap();
        let expected = serde_json::to_value(
            serde_json::from_str::<Value>(&a).unwrap(), // parses
        )
        .unwrap();
        assert_eq!(expected["Vpcs"][1]["VpcId"], "vpc-2");
        let mut cli = pretty(&expected);
        cli.push(b'\n');
        assert_eq!(a.as_bytes(), cli.as_slice(), "{a}");
        let e = fs::read_to_string(dir.path().join("empty.json")).unwrap();
        assert_eq!(e, "{\n    \"NatGateways\": []\n}\n");
        assert_eq!(files, 2);
        assert_eq!(bytes as usize, a.len() + e.len());
    }
}
