//! PURE. `--redact`: pseudonyms for what identifies an AWS estate in a
//! report, so that reports can be shared.
//!
//! Replaced, in every string of the output (whatever the format, since the
//! report model is redacted before it is rendered):
//! - **account ids** (12-digit numbers standing alone, e.g. `OwnerId` or
//!   the account field of an ARN) by another 12-digit number;
//! - **IPv4 and IPv6 addresses and CIDR blocks** (also inside the
//!   `ip-10-1-2-3` / `ec2-52-1-2-3` host names EC2 gives).
//!
//! The pseudonyms are consistent within one [`Redactor`] (one run): the same
//! input always gets the same pseudonym, different inputs different ones,
//! so the redacted report still explains the same paths. Addresses are
//! pseudonymised *prefix-preservingly* (the Crypto-PAn construction, with
//! SipHash-2-4 as the keyed function): two addresses that share their
//! first k bits map to addresses that share their first k bits, so an
//! address inside a CIDR block stays inside the block's pseudonym, and a
//! block keeps its prefix length. The leading bits that say what kind of
//! address it is are kept, so private stays private and public stays
//! public: 10/8, 127/8 and every other first octet are kept; for 100, 169,
//! 172, 192, 198 and 203 the first 16 bits (so 100.64/10, 172.16/12 and
//! 192.168/16 stay themselves); for 192.0, 192.88, 198.51 and 203.0 the
//! first 24 bits (documentation ranges); link-local 169.254/16 (the Amazon
//! DNS resolver 169.254.169.253 and the instance metadata service), 0/8
//! and 255/8 are kept whole. IPv6 likewise (::/8 and fd00:ec2::/32, the
//! Amazon DNS and metadata addresses, kept whole; others keep their first
//! 16 or 32 bits).
//!
//! The key is random per run ([`Redactor::with_random_key`]): without it the
//! pseudonyms cannot be reversed (there are only 2^32 IPv4 addresses and
//! 10^12 account ids, so an unkeyed hash would be a lookup table away).
//! Resource ids (`vpc-…`, `sg-…`), names and regions are not redacted.

use std::collections::{HashMap, HashSet};
use std::hash::{BuildHasher, Hasher};
use std::net::{Ipv4Addr, Ipv6Addr};

use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::Value;

/// Consistent pseudonyms for one run.
#[derive(Debug, Clone)]
pub struct Redactor {
    k0: u64,
    k1: u64,
    v4: HashMap<u32, u32>,
    v6: HashMap<u128, u128>,
    accounts: HashMap<String, String>,
    account_pseudonyms: HashSet<String>,
}

/// Something that could not be redacted (a value that no longer
/// deserialises; it cannot happen for the report types, which keep strings
/// as strings).
#[derive(Debug, thiserror::Error)]
#[error("cannot redact: {0}")]
pub struct RedactError(#[from] serde_json::Error);

impl Redactor {
    /// A redactor with a fixed key (tests; two redactors with one key give
    /// the same pseudonyms).
    pub fn with_key(key: [u8; 16]) -> Redactor {
        let (a, b) = key.split_at(8);
        Redactor {
            k0: u64::from_le_bytes(a.try_into().expect("8 bytes")),
            k1: u64::from_le_bytes(b.try_into().expect("8 bytes")),
            v4: HashMap::new(),
            v6: HashMap::new(),
            accounts: HashMap::new(),
            account_pseudonyms: HashSet::new(),
        }
    }

    /// A redactor with a key nobody knows: pseudonyms differ between runs.
    /// The key comes from the standard library's per-process random
    /// hasher seeds (the OS random source), no I/O of our own.
    pub fn with_random_key() -> Redactor {
        let mut key = [0u8; 16];
        for (i, chunk) in key.chunks_mut(8).enumerate() {
            let mut h = std::collections::hash_map::RandomState::new().build_hasher();
            h.write_usize(i);
            h.write_u128(
                std::time::SystemTime::now()
                    .duration_since(std::time::UNIX_EPOCH)
                    .map(|d| d.as_nanos())
                    .unwrap_or_default(),
            );
            chunk.copy_from_slice(&h.finish().to_le_bytes());
        }
        Redactor::with_key(key)
    }

    fn prf(&self, data: &[u8]) -> u64 {
        siphash24(self.k0, self.k1, data)
    }

    /// The pseudonym of an IPv4 address.
    pub fn ipv4(&mut self, a: Ipv4Addr) -> Ipv4Addr {
        let a = u32::from(a);
        if let Some(&p) = self.v4.get(&a) {
            return Ipv4Addr::from(p);
        }
        let p = self.permute(4, u128::from(a), 32, keep_v4(a)) as u32;
        self.v4.insert(a, p);
        Ipv4Addr::from(p)
    }

    /// The pseudonym of an IPv6 address.
    pub fn ipv6(&mut self, a: Ipv6Addr) -> Ipv6Addr {
        let a = u128::from(a);
        if let Some(&p) = self.v6.get(&a) {
            return Ipv6Addr::from(p);
        }
        let p = if a >> 32 == 0xffff {
            // IPv4-mapped: the IPv4 pseudonym, still mapped.
            (0xffff << 32) | u128::from(u32::from(self.ipv4(Ipv4Addr::from(a as u32))))
        } else {
            self.permute(6, a, 128, keep_v6(a))
        };
        self.v6.insert(a, p);
        Ipv6Addr::from(p)
    }

    /// Crypto-PAn: output bit i (from the top) is input bit i, flipped by
    /// a keyed function of the input's first i bits, for i >= `keep`.
    fn permute(&self, family: u8, bits: u128, width: u32, keep: u32) -> u128 {
        let mut out = bits;
        for i in keep..width {
            let prefix = if i == 0 { 0 } else { bits >> (width - i) };
            let mut msg = [0u8; 18];
            msg[0] = family;
            msg[1] = i as u8;
            msg[2..].copy_from_slice(&prefix.to_le_bytes());
            if self.prf(&msg) & 1 == 1 {
                out ^= 1 << (width - 1 - i);
            }
        }
        out
    }

    /// The pseudonym of a 12-digit account id (another 12-digit number,
    /// distinct for distinct accounts).
    pub fn account(&mut self, id: &str) -> String {
        if let Some(p) = self.accounts.get(id) {
            return p.clone();
        }
        let mut counter = 0u64;
        let p = loop {
            let mut msg = b"account:".to_vec();
            msg.extend_from_slice(id.as_bytes());
            msg.extend_from_slice(&counter.to_le_bytes());
            let p = format!("{:012}", self.prf(&msg) % 1_000_000_000_000);
            if p != id && !self.account_pseudonyms.contains(&p) {
                break p;
            }
            counter += 1;
        };
        self.account_pseudonyms.insert(p.clone());
        self.accounts.insert(id.to_string(), p.clone());
        p
    }

    /// Redact every account id, address and CIDR block in `s`.
    pub fn text(&mut self, s: &str) -> String {
        let b = s.as_bytes();
        let mut out = String::with_capacity(s.len());
        let mut copied = 0;
        let mut i = 0;
        while i < b.len() {
            let boundary = i == 0 || !is_word(b[i - 1]);
            if boundary {
                if let Some((end, rep)) = self.at(s, i) {
                    out.push_str(&s[copied..i]);
                    out.push_str(&rep);
                    copied = end;
                    i = end;
                    continue;
                }
            }
            i += 1;
        }
        out.push_str(&s[copied..]);
        out
    }

    /// A pseudonym for what starts at byte `i` (just after a word
    /// boundary), with the byte where it ends.
    fn at(&mut self, s: &str, i: usize) -> Option<(usize, String)> {
        let b = s.as_bytes();
        // Every pattern starts with an ASCII byte, which is also a char
        // boundary (report text has `…`, `→` and other multi-byte chars).
        if !b[i].is_ascii() {
            return None;
        }
        // EC2 host names: ip-10-1-2-3, ec2-52-1-2-3.
        for prefix in ["ip-", "ec2-"] {
            if s[i..].starts_with(prefix) {
                if let Some((end, a)) = dotted(s, i + prefix.len(), b'-') {
                    let p = self.ipv4(a).to_string().replace('.', "-");
                    return Some((end, format!("{prefix}{p}")));
                }
            }
        }
        if b[i].is_ascii_hexdigit() || b[i] == b':' {
            if let Some(r) = self.v6_at(s, i) {
                return Some(r);
            }
        }
        if b[i].is_ascii_digit() {
            if let Some((end, a)) = dotted(s, i, b'.') {
                return Some(match prefix_len(s, end, 32) {
                    Some((end2, len)) => (end2, format!("{}/{len}", self.v4_net(a, len))),
                    None => (end, self.ipv4(a).to_string()),
                });
            }
            let digits = b[i..].iter().take_while(|c| c.is_ascii_digit()).count();
            let end = i + digits;
            if digits == 12 && !ends_word(b, end) {
                return Some((end, self.account(&s[i..end])));
            }
        }
        None
    }

    fn v4_net(&mut self, a: Ipv4Addr, len: u8) -> Ipv4Addr {
        let p = u32::from(self.ipv4(a));
        let host_bits_zero = u32::from(a).checked_shl(u32::from(len)).unwrap_or(0) == 0;
        if host_bits_zero && len < 32 {
            Ipv4Addr::from(p & u32::MAX.checked_shl(32 - u32::from(len)).unwrap_or(0))
        } else {
            Ipv4Addr::from(p)
        }
    }

    fn v6_at(&mut self, s: &str, i: usize) -> Option<(usize, String)> {
        let b = s.as_bytes();
        let len = b[i..]
            .iter()
            .take_while(|c| c.is_ascii_hexdigit() || **c == b':' || **c == b'.')
            .count();
        let mut end = i + len;
        // A mixed form ends in a dotted quad; a trailing dot is prose.
        while end > i && b[end - 1] == b'.' {
            end -= 1;
        }
        let token = &s[i..end];
        let colons = token.bytes().filter(|c| *c == b':').count();
        if colons < 2 || (!token.contains("::") && colons != 7) || ends_word(b, end) {
            return None;
        }
        let a: Ipv6Addr = token.parse().ok()?;
        Some(match prefix_len(s, end, 128) {
            Some((end2, plen)) => {
                let p = u128::from(self.ipv6(a));
                let host_zero = u128::from(a).checked_shl(u32::from(plen)).unwrap_or(0) == 0;
                let p = if host_zero && plen < 128 {
                    p & u128::MAX.checked_shl(128 - u32::from(plen)).unwrap_or(0)
                } else {
                    p
                };
                (end2, format!("{}/{plen}", Ipv6Addr::from(p)))
            }
            None => (end, self.ipv6(a).to_string()),
        })
    }

    /// Redact every string (and object key) of a JSON value in place.
    pub fn value(&mut self, v: &mut Value) {
        match v {
            Value::String(s) => *s = self.text(s),
            Value::Array(a) => a.iter_mut().for_each(|x| self.value(x)),
            Value::Object(m) => {
                let old = std::mem::take(m);
                for (k, mut x) in old {
                    self.value(&mut x);
                    m.insert(self.text(&k), x);
                }
            }
            Value::Null | Value::Bool(_) | Value::Number(_) => {}
        }
    }

    /// A redacted copy of any serde value (a report, a trace, a snapshot):
    /// every string it serialises to is redacted.
    pub fn redact<T: Serialize + DeserializeOwned>(&mut self, t: &T) -> Result<T, RedactError> {
        let mut v = serde_json::to_value(t)?;
        self.value(&mut v);
        Ok(serde_json::from_value(v)?)
    }
}

/// Letters, digits and the characters that glue ids together: what may not
/// touch a number for it to stand alone.
fn is_word(c: u8) -> bool {
    c.is_ascii_alphanumeric() || c == b'_' || c == b'.'
}

/// Whether the token ending at `end` runs on into a longer word or number
/// (a `.` followed by a digit continues a number).
fn ends_word(b: &[u8], end: usize) -> bool {
    match b.get(end) {
        None => false,
        Some(c) if c.is_ascii_alphanumeric() || *c == b'_' => true,
        Some(b'.') => b.get(end + 1).is_some_and(u8::is_ascii_digit),
        Some(_) => false,
    }
}

/// Four decimal octets separated by `sep`, starting at `i`.
fn dotted(s: &str, i: usize, sep: u8) -> Option<(usize, Ipv4Addr)> {
    let b = s.as_bytes();
    let mut octets = [0u8; 4];
    let mut j = i;
    for (k, o) in octets.iter_mut().enumerate() {
        if k > 0 {
            if b.get(j) != Some(&sep) {
                return None;
            }
            j += 1;
        }
        let digits = b[j.min(b.len())..]
            .iter()
            .take_while(|c| c.is_ascii_digit())
            .count();
        if digits == 0 || digits > 3 {
            return None;
        }
        *o = s[j..j + digits].parse().ok()?;
        j += digits;
    }
    if ends_word(b, j) || (sep == b'-' && b.get(j) == Some(&b'-')) {
        return None;
    }
    Some((j, Ipv4Addr::from(octets)))
}

/// `/N` (N <= max) right after an address.
fn prefix_len(s: &str, end: usize, max: u8) -> Option<(usize, u8)> {
    let b = s.as_bytes();
    if b.get(end) != Some(&b'/') {
        return None;
    }
    let digits = b[end + 1..]
        .iter()
        .take_while(|c| c.is_ascii_digit())
        .count();
    if digits == 0 || digits > 3 || ends_word(b, end + 1 + digits) {
        return None;
    }
    let n: u8 = s[end + 1..end + 1 + digits].parse().ok()?;
    (n <= max).then_some((end + 1 + digits, n))
}

/// How many leading bits of an IPv4 address are kept: they say what kind
/// of address it is. Each choice depends only on the bits it keeps, which
/// is what keeps the whole mapping prefix-preserving.
fn keep_v4(a: u32) -> u32 {
    let (o1, o2) = (a >> 24, (a >> 16) & 0xff);
    match (o1, o2) {
        (0 | 127 | 255, _) | (169, 254) => 32,
        (192, 0 | 88) | (198, 51) | (203, 0) => 24,
        (100 | 169 | 172 | 192 | 198 | 203, _) => 16,
        _ => 8,
    }
}

fn keep_v6(a: u128) -> u32 {
    let top16 = (a >> 112) as u16;
    match top16 {
        // NAT64 (64:ff9b::/96) embeds an IPv4 address: pseudonymise it.
        0x0064 => 96,
        0x0000..=0x00ff => 128,
        0xfd00 if (a >> 96) as u32 == 0xfd00_0ec2 => 128,
        0xfd00 | 0x2001 => 32,
        _ => 16,
    }
}

/// SipHash-2-4 (Aumasson and Bernstein), the keyed function behind the
/// pseudonyms.
fn siphash24(k0: u64, k1: u64, data: &[u8]) -> u64 {
    let mut v0 = k0 ^ 0x736f_6d65_7073_6575;
    let mut v1 = k1 ^ 0x646f_7261_6e64_6f6d;
    let mut v2 = k0 ^ 0x6c79_6765_6e65_7261;
    let mut v3 = k1 ^ 0x7465_6462_7974_6573;
    let round = |v0: &mut u64, v1: &mut u64, v2: &mut u64, v3: &mut u64| {
        *v0 = v0.wrapping_add(*v1);
        *v1 = v1.rotate_left(13) ^ *v0;
        *v0 = v0.rotate_left(32);
        *v2 = v2.wrapping_add(*v3);
        *v3 = v3.rotate_left(16) ^ *v2;
        *v0 = v0.wrapping_add(*v3);
        *v3 = v3.rotate_left(21) ^ *v0;
        *v2 = v2.wrapping_add(*v1);
        *v1 = v1.rotate_left(17) ^ *v2;
        *v2 = v2.rotate_left(32);
    };
    let mut chunks = data.chunks_exact(8);
    for c in &mut chunks {
        let m = u64::from_le_bytes(c.try_into().expect("8 bytes"));
        v3 ^= m;
        round(&mut v0, &mut v1, &mut v2, &mut v3);
        round(&mut v0, &mut v1, &mut v2, &mut v3);
        v0 ^= m;
    }
    let mut last = [0u8; 8];
    let rest = chunks.remainder();
    last[..rest.len()].copy_from_slice(rest);
    last[7] = data.len() as u8;
    let m = u64::from_le_bytes(last);
    v3 ^= m;
    round(&mut v0, &mut v1, &mut v2, &mut v3);
    round(&mut v0, &mut v1, &mut v2, &mut v3);
    v0 ^= m;
    v2 ^= 0xff;
    for _ in 0..4 {
        round(&mut v0, &mut v1, &mut v2, &mut v3);
    }
    v0 ^ v1 ^ v2 ^ v3
}

#[cfg(test)]
mod tests;
