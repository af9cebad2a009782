//! Tolerant extraction from raw AWS JSON (`serde_json::Value`).
//!
//! Every accessor returns `Err(problem)` for a value of the wrong type and
//! treats a missing key and `null` alike ("the source did not say"). The
//! caller decides whether a problem drops the field (a warning) or the whole
//! item (a warning, item skipped); nothing here panics on input data.

use std::collections::BTreeMap;
use std::net::{Ipv4Addr, Ipv6Addr};

use ipnet::{IpNet, Ipv4Net, Ipv6Net};
use serde_json::{Map, Value};

use crate::snapshot::{Diagnostic, PortRange, Protocol, Tags};

pub(crate) type Obj = Map<String, Value>;

/// What is wrong with one field, in words (becomes part of a warning).
pub(crate) type Problem = String;

/// A short rendering of an offending value for messages.
pub(crate) fn show(v: &Value) -> String {
    let mut s = v.to_string();
    if s.chars().count() > 60 {
        s = s.chars().take(57).collect::<String>() + "...";
    }
    s
}

fn wrong(key: &str, expected: &str, v: &Value) -> Problem {
    format!("`{key}` should be {expected}, found {}", show(v))
}

/// The value under `key`, `None` when missing or `null`.
pub(crate) fn get<'a>(o: &'a Obj, key: &str) -> Option<&'a Value> {
    o.get(key).filter(|v| !v.is_null())
}

pub(crate) fn req<'a>(o: &'a Obj, key: &str) -> Result<&'a Value, Problem> {
    get(o, key).ok_or_else(|| format!("missing `{key}`"))
}

pub(crate) fn opt_str<'a>(o: &'a Obj, key: &str) -> Result<Option<&'a str>, Problem> {
    match get(o, key) {
        None => Ok(None),
        Some(Value::String(s)) => Ok(Some(s.as_str())),
        Some(v) => Err(wrong(key, "a string", v)),
    }
}

/// A required, non-empty string (ids and the like).
pub(crate) fn req_str<'a>(o: &'a Obj, key: &str) -> Result<&'a str, Problem> {
    match opt_str(o, key)? {
        Some(s) if !s.trim().is_empty() => Ok(s),
        Some(_) => Err(format!("`{key}` is empty")),
        None => Err(format!("missing `{key}`")),
    }
}

pub(crate) fn opt_string(o: &Obj, key: &str) -> Result<Option<String>, Problem> {
    Ok(opt_str(o, key)?.map(str::to_string))
}

pub(crate) fn opt_bool(o: &Obj, key: &str) -> Result<Option<bool>, Problem> {
    match get(o, key) {
        None => Ok(None),
        Some(Value::Bool(b)) => Ok(Some(*b)),
        Some(v) => Err(wrong(key, "true or false", v)),
    }
}

pub(crate) fn req_bool(o: &Obj, key: &str) -> Result<bool, Problem> {
    opt_bool(o, key)?.ok_or_else(|| format!("missing `{key}`"))
}

pub(crate) fn opt_int(o: &Obj, key: &str) -> Result<Option<i64>, Problem> {
    match get(o, key) {
        None => Ok(None),
        Some(v) => v
            .as_i64()
            .map(Some)
            .ok_or_else(|| wrong(key, "an integer", v)),
    }
}

pub(crate) fn opt_obj<'a>(o: &'a Obj, key: &str) -> Result<Option<&'a Obj>, Problem> {
    match get(o, key) {
        None => Ok(None),
        Some(Value::Object(m)) => Ok(Some(m)),
        Some(v) => Err(wrong(key, "an object", v)),
    }
}

/// A list; missing or `null` is the empty list.
pub(crate) fn opt_list<'a>(o: &'a Obj, key: &str) -> Result<&'a [Value], Problem> {
    match get(o, key) {
        None => Ok(&[]),
        Some(Value::Array(a)) => Ok(a.as_slice()),
        Some(v) => Err(wrong(key, "a list", v)),
    }
}

/// A list of strings (`SubnetIds`, `SecurityGroups` of a user profile...).
pub(crate) fn str_list(o: &Obj, key: &str) -> Result<Vec<String>, Problem> {
    opt_list(o, key)?
        .iter()
        .map(|v| match v {
            Value::String(s) => Ok(s.clone()),
            v => Err(format!("`{key}` should hold strings, found {}", show(v))),
        })
        .collect()
}

/// One string field of every object in a list, e.g. `Groups[].GroupId`.
pub(crate) fn list_field(o: &Obj, list: &str, field: &str) -> Result<Vec<String>, Problem> {
    let mut out = Vec::new();
    for v in opt_list(o, list)? {
        let Value::Object(item) = v else {
            return Err(format!("`{list}` should hold objects, found {}", show(v)));
        };
        let s = req_str(item, field).map_err(|p| format!("`{list}`: {p}"))?;
        out.push(s.to_string());
    }
    Ok(out)
}

/// A string field of a nested object, e.g. `State.Name`.
pub(crate) fn nested_str(o: &Obj, outer: &str, inner: &str) -> Result<Option<String>, Problem> {
    match opt_obj(o, outer)? {
        None => Ok(None),
        Some(m) => opt_string(m, inner).map_err(|p| format!("`{outer}`: {p}")),
    }
}

/// AWS tags: `[{"Key": k, "Value": v}]` (EC2 `Tags`/`TagSet`, EFS `Tags`).
pub(crate) fn tags(o: &Obj, key: &str) -> Result<Tags, Problem> {
    let mut out = BTreeMap::new();
    for v in opt_list(o, key)? {
        let Value::Object(t) = v else {
            return Err(format!("`{key}` should hold objects, found {}", show(v)));
        };
        let k = opt_str(t, "Key")
            .and_then(|k| k.ok_or_else(|| "missing `Key`".to_string()))
            .map_err(|p| format!("`{key}`: {p}"))?;
        let val = opt_str(t, "Value").map_err(|p| format!("`{key}`: {p}"))?;
        out.insert(k.to_string(), val.unwrap_or_default().to_string());
    }
    Ok(out)
}

pub(crate) fn v4net(s: &str) -> Result<Ipv4Net, Problem> {
    s.trim()
        .parse()
        .map_err(|_| format!("{s:?} is not an IPv4 CIDR block"))
}

pub(crate) fn v6net(s: &str) -> Result<Ipv6Net, Problem> {
    s.trim()
        .parse()
        .map_err(|_| format!("{s:?} is not an IPv6 CIDR block"))
}

pub(crate) fn ipnet(s: &str) -> Result<IpNet, Problem> {
    s.trim()
        .parse()
        .map_err(|_| format!("{s:?} is not a CIDR block"))
}

pub(crate) fn v4addr(s: &str) -> Result<Ipv4Addr, Problem> {
    s.trim()
        .parse()
        .map_err(|_| format!("{s:?} is not an IPv4 address"))
}

pub(crate) fn v6addr(s: &str) -> Result<Ipv6Addr, Problem> {
    s.trim()
        .parse()
        .map_err(|_| format!("{s:?} is not an IPv6 address"))
}

pub(crate) fn opt_v4net(o: &Obj, key: &str) -> Result<Option<Ipv4Net>, Problem> {
    opt_str(o, key)?
        .map(|s| v4net(s).map_err(|p| format!("`{key}`: {p}")))
        .transpose()
}

pub(crate) fn opt_v6net(o: &Obj, key: &str) -> Result<Option<Ipv6Net>, Problem> {
    opt_str(o, key)?
        .map(|s| v6net(s).map_err(|p| format!("`{key}`: {p}")))
        .transpose()
}

pub(crate) fn opt_v4addr(o: &Obj, key: &str) -> Result<Option<Ipv4Addr>, Problem> {
    opt_str(o, key)?
        .map(|s| v4addr(s).map_err(|p| format!("`{key}`: {p}")))
        .transpose()
}

/// An IP protocol as AWS writes it: "-1", "6", "tcp", "icmpv6"; a JSON
/// number is accepted too (some tools emit one).
pub(crate) fn protocol(key: &str, v: &Value) -> Result<Protocol, Problem> {
    let parsed = match v {
        Value::String(s) => Protocol::parse(s),
        Value::Number(n) => match n.as_i64() {
            Some(-1) => Some(Protocol::All),
            Some(n) => u8::try_from(n).ok().map(Protocol::Number),
            None => None,
        },
        _ => None,
    };
    parsed.ok_or_else(|| format!("`{key}` {} is not an IP protocol", show(v)))
}

/// A TCP/UDP port range from two optional bounds. Both missing = all ports.
pub(crate) fn port_range(from: Option<i64>, to: Option<i64>) -> Result<Option<PortRange>, Problem> {
    let port = |p: i64| -> Result<u16, Problem> {
        u16::try_from(p).map_err(|_| format!("port {p} is out of range 0-65535"))
    };
    match (from, to) {
        (None, None) => Ok(None),
        (Some(f), Some(t)) => {
            let (f, t) = (port(f)?, port(t)?);
            if f > t {
                return Err(format!("port range {f}-{t} has From > To"));
            }
            Ok(Some(PortRange { from: f, to: t }))
        }
        (Some(_), None) => Err("port range has a start but no end".into()),
        (None, Some(_)) => Err("port range has an end but no start".into()),
    }
}

/// An ICMP type or code: -1 (any) or 0..=255.
pub(crate) fn icmp_value(what: &str, v: i64) -> Result<i32, Problem> {
    if (-1..=255).contains(&v) {
        Ok(v as i32)
    } else {
        Err(format!("ICMP {what} {v} is out of range -1..255"))
    }
}

/// Find an AWS id with the given prefix (`pl-`, `fsmt-`) in a file stem:
/// the first place where the prefix is followed by lower-case hex digits
/// (what the regex `pl-[0-9a-f]+` would find), all of those digits.
pub(crate) fn id_in_name(stem: &str, prefix: &str) -> Option<String> {
    let mut start = 0;
    while let Some(pos) = stem[start..].find(prefix) {
        let hex_start = start + pos + prefix.len();
        let hex_len = stem.as_bytes()[hex_start..]
            .iter()
            .take_while(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(*b))
            .count();
        if hex_len > 0 {
            return Some(stem[start + pos..hex_start + hex_len].to_string());
        }
        start = hex_start;
    }
    None
}

/// Collects the diagnostics of one import, attributed to the current file.
#[derive(Debug, Default)]
pub(crate) struct Sink {
    /// The current file, relative to the imported folder, `/`-separated.
    pub file: String,
    pub diags: Vec<Diagnostic>,
}

impl Sink {
    /// A warning about the current file.
    pub fn warn(&mut self, code: &str, ids: &[&str], message: impl Into<String>) {
        let d = Diagnostic::warning(code, message)
            .with_file(self.file.clone())
            .with_ids(ids.iter().copied());
        self.diags.push(d);
    }

    /// A note about the current file.
    pub fn note(&mut self, code: &str, message: impl Into<String>) {
        let d = Diagnostic::note(code, message).with_file(self.file.clone());
        self.diags.push(d);
    }

    /// A field of `id` that could not be read: warn, go on without it.
    pub fn invalid_field(&mut self, id: &str, problem: &str) {
        self.warn(
            "invalid-input",
            &[id],
            format!("{id}: {problem}; value ignored"),
        );
    }

    /// Unwrap a field result, turning a problem into a warning and the
    /// default value ("not said").
    pub fn soft<T: Default>(&mut self, id: &str, r: Result<T, Problem>) -> T {
        match r {
            Ok(v) => v,
            Err(p) => {
                self.invalid_field(id, &p);
                T::default()
            }
        }
    }
}

/// Each object of the nested list `o[key]` through `f`; an element that is
/// not an object or that `f` rejects is dropped with a warning against `id`.
pub(crate) fn sub_items<T>(
    s: &mut Sink,
    id: &str,
    o: &Obj,
    key: &str,
    f: impl FnMut(&Obj) -> Result<T, Problem>,
) -> Vec<T> {
    sub_items_at(s, id, "", o, key, f)
}

/// [`sub_items`] inside a part of the resource (`at`, e.g. "IpPermissions
/// rule 2"), named in the warnings.
pub(crate) fn sub_items_at<T>(
    s: &mut Sink,
    id: &str,
    at: &str,
    o: &Obj,
    key: &str,
    mut f: impl FnMut(&Obj) -> Result<T, Problem>,
) -> Vec<T> {
    let at = if at.is_empty() {
        String::new()
    } else {
        format!("{at}: ")
    };
    let list = match opt_list(o, key) {
        Ok(l) => l,
        Err(p) => {
            s.invalid_field(id, &format!("{at}{p}"));
            return Vec::new();
        }
    };
    let mut out = Vec::new();
    for (i, v) in list.iter().enumerate() {
        let r = match v {
            Value::Object(m) => f(m),
            _ => Err(format!("should be an object, found {}", show(v))),
        };
        match r {
            Ok(t) => out.push(t),
            Err(p) => s.invalid_field(id, &format!("{at}{key}[{i}]: {p}")),
        }
    }
    out
}

/// Walk the list under a known top-level key: each element must be an
/// object and go through `f`; an element that `f` rejects is skipped with an
/// `invalid-input` warning naming its position and, if it has one, its id
/// (`id_key`).
pub(crate) fn each<T>(
    s: &mut Sink,
    key: &str,
    v: &Value,
    id_key: &str,
    f: impl FnMut(&Obj, &mut Sink) -> Result<T, Problem>,
) -> Vec<T> {
    let Value::Array(items) = v else {
        s.warn(
            "invalid-input",
            &[],
            format!("`{key}` should be a list, found {}; ignored", show(v)),
        );
        return Vec::new();
    };
    each_in(s, key, items, id_key, f)
}

/// [`each`] over the elements of a list already in hand.
pub(crate) fn each_in<T>(
    s: &mut Sink,
    key: &str,
    items: &[Value],
    id_key: &str,
    mut f: impl FnMut(&Obj, &mut Sink) -> Result<T, Problem>,
) -> Vec<T> {
    let mut out = Vec::with_capacity(items.len());
    for (i, item) in items.iter().enumerate() {
        let Value::Object(o) = item else {
            s.warn(
                "invalid-input",
                &[],
                format!(
                    "{key}[{i}] should be an object, found {}; skipped",
                    show(item)
                ),
            );
            continue;
        };
        match f(o, s) {
            Ok(t) => out.push(t),
            Err(p) => match o.get(id_key).and_then(Value::as_str) {
                Some(id) => s.warn(
                    "invalid-input",
                    &[id],
                    format!("{key}[{i}] {id}: {p}; skipped"),
                ),
                None => s.warn("invalid-input", &[], format!("{key}[{i}]: {p}; skipped")),
            },
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn obj(v: Value) -> Obj {
        match v {
            Value::Object(m) => m,
            _ => panic!("not an object"),
        }
    }

    #[test]
    fn protocols_by_name_and_number() {
        assert_eq!(protocol("P", &json!("-1")), Ok(Protocol::All));
        assert_eq!(protocol("P", &json!("6")), Ok(Protocol::TCP));
        assert_eq!(protocol("P", &json!("tcp")), Ok(Protocol::TCP));
        assert_eq!(protocol("P", &json!("UDP")), Ok(Protocol::UDP));
        assert_eq!(protocol("P", &json!("icmpv6")), Ok(Protocol::ICMPV6));
        assert_eq!(protocol("P", &json!("50")), Ok(Protocol::Number(50)));
        assert_eq!(protocol("P", &json!(-1)), Ok(Protocol::All));
        assert_eq!(protocol("P", &json!(17)), Ok(Protocol::UDP));
        assert!(protocol("P", &json!("banana")).is_err());
        assert!(protocol("P", &json!(300)).is_err());
        assert!(protocol("P", &json!(true)).is_err());
    }

    #[test]
    fn port_ranges() {
        assert_eq!(port_range(None, None), Ok(None));
        assert_eq!(
            port_range(Some(443), Some(443)),
            Ok(Some(PortRange::single(443)))
        );
        assert_eq!(port_range(Some(0), Some(65535)), Ok(Some(PortRange::ALL)));
        assert!(port_range(Some(1024), Some(22)).is_err());
        assert!(port_range(Some(-1), Some(80)).is_err());
        assert!(port_range(Some(1), Some(70000)).is_err());
        assert!(port_range(Some(1), None).is_err());
        assert_eq!(icmp_value("type", -1), Ok(-1));
        assert!(icmp_value("code", 256).is_err());
    }

    #[test]
    fn wrong_types_are_problems_not_panics() {
        let o = obj(json!({"CidrBlock": 5, "Ids": ["a", 1], "B": "yes", "N": 1.5, "Z": null}));
        assert!(opt_str(&o, "CidrBlock").is_err());
        assert_eq!(opt_str(&o, "Missing"), Ok(None));
        assert_eq!(opt_str(&o, "Z"), Ok(None));
        assert!(str_list(&o, "Ids").is_err());
        assert!(opt_bool(&o, "B").is_err());
        assert!(opt_int(&o, "N").is_err());
        assert!(req_str(&o, "Missing")
            .unwrap_err()
            .contains("missing `Missing`"));
        assert!(opt_v4net(&obj(json!({"C": "10.0.0.0/33"})), "C").is_err());
        assert_eq!(
            opt_v4net(&obj(json!({"C": "10.0.0.0/16"})), "C"),
            Ok(Some("10.0.0.0/16".parse().unwrap()))
        );
    }

    #[test]
    fn tags_and_nested_fields() {
        let o = obj(json!({
            "Tags": [{"Key": "Name", "Value": "x"}, {"Key": "empty"}],
            "State": {"Code": 16, "Name": "running"},
            "Groups": [{"GroupId": "sg-1", "GroupName": "a"}, {"GroupId": "sg-2"}]
        }));
        let t = tags(&o, "Tags").unwrap();
        assert_eq!(t.get("Name").map(String::as_str), Some("x"));
        assert_eq!(t.get("empty").map(String::as_str), Some(""));
        assert_eq!(
            nested_str(&o, "State", "Name"),
            Ok(Some("running".to_string()))
        );
        assert_eq!(
            list_field(&o, "Groups", "GroupId").unwrap(),
            ["sg-1", "sg-2"]
        );
        assert!(tags(&obj(json!({"Tags": [1]})), "Tags").is_err());
    }

    #[test]
    fn ids_in_file_names() {
        assert_eq!(
            id_in_name("get-managed-prefix-list-entries-pl-0abc", "pl-").as_deref(),
            Some("pl-0abc")
        );
        assert_eq!(
            id_in_name(
                "describe-mount-target-security-groups-fsmt-0123abcd",
                "fsmt-"
            )
            .as_deref(),
            Some("fsmt-0123abcd")
        );
        assert_eq!(
            id_in_name("pl-63a5400a.page2", "pl-").as_deref(),
            Some("pl-63a5400a")
        );
        assert_eq!(id_in_name("entries_pl-1f", "pl-").as_deref(), Some("pl-1f"));
        assert_eq!(
            id_in_name("entries-pl-0abcpage2", "pl-").as_deref(),
            Some("pl-0abc")
        );
        assert_eq!(
            id_in_name("EFS mount target for fs-1 (fsmt-0abc)", "fsmt-").as_deref(),
            Some("fsmt-0abc")
        );
        // No hex digits after the prefix: no id.
        assert_eq!(id_in_name("sample-pl-", "pl-"), None);
        assert_eq!(id_in_name("entries-pl-XYZ", "pl-"), None);
        assert_eq!(id_in_name("get-managed-prefix-list-entries", "pl-"), None);
        assert_eq!(id_in_name("x-fsmt-", "fsmt-"), None);
        // The first well-formed one wins.
        assert_eq!(
            id_in_name("pl-xyz-pl-00ff", "pl-").as_deref(),
            Some("pl-00ff")
        );
    }

    #[test]
    fn each_skips_bad_items_with_warnings() {
        let mut s = Sink {
            file: "a/b.json".into(),
            ..Default::default()
        };
        let v = json!([{"Id": "x-1"}, 7, {"Id": "x-2", "Bad": true}, {}]);
        let got = each(&mut s, "Things", &v, "Id", |o, _| {
            if o.contains_key("Bad") {
                return Err("bad thing".into());
            }
            req_str(o, "Id").map(str::to_string)
        });
        assert_eq!(got, ["x-1"]);
        assert_eq!(s.diags.len(), 3);
        assert!(s
            .diags
            .iter()
            .all(|d| d.file.as_deref() == Some("a/b.json")));
        assert!(s.diags[1].message.contains("x-2: bad thing"));
        assert_eq!(s.diags[1].ids, ["x-2"]);
        assert!(s.diags[2].message.contains("missing `Id`"));
    }
}
