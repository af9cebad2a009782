use super::*;

fn r() -> Redactor {
    Redactor::with_key(*b"0123456789abcdef")
}

fn v4(s: &str) -> Ipv4Addr {
    s.parse().unwrap()
}

/// A small deterministic generator (xorshift) for sampled checks.
fn addresses(n: usize) -> Vec<u32> {
    let mut x = 0x9e37_79b9_u32;
    (0..n)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 17;
            x ^= x << 5;
            x
        })
        .collect()
}

#[test]
fn siphash_matches_the_reference_vector() {
    // From the SipHash paper, appendix A: key 00..0f, message 00..0e.
    let k0 = u64::from_le_bytes([0, 1, 2, 3, 4, 5, 6, 7]);
    let k1 = u64::from_le_bytes([8, 9, 10, 11, 12, 13, 14, 15]);
    let msg: Vec<u8> = (0..15).collect();
    assert_eq!(siphash24(k0, k1, &msg), 0xa129_ca61_49be_45e5);
}

#[test]
fn same_input_same_pseudonym_different_inputs_different_ones() {
    let mut a = r();
    let mut b = r();
    let mut seen = HashSet::new();
    for x in addresses(20_000) {
        let p = a.ipv4(Ipv4Addr::from(x));
        assert_eq!(p, a.ipv4(Ipv4Addr::from(x)));
        assert_eq!(p, b.ipv4(Ipv4Addr::from(x)), "same key, same pseudonym");
        assert!(seen.insert(p), "{p} twice");
    }
    let mut other = Redactor::with_key(*b"fedcba9876543210");
    let moved = addresses(1000)
        .into_iter()
        .filter(|x| other.ipv4(Ipv4Addr::from(*x)) != a.ipv4(Ipv4Addr::from(*x)))
        .count();
    assert!(moved > 900, "another key, other pseudonyms ({moved})");
}

#[test]
fn prefixes_are_preserved() {
    let mut red = r();
    let xs = addresses(2000);
    for pair in xs.chunks(2) {
        let (a, b) = (pair[0], pair[1] ^ (pair[0] & 0xffff_0000));
        let shared = (a ^ b).leading_zeros();
        let (pa, pb) = (
            u32::from(red.ipv4(Ipv4Addr::from(a))),
            u32::from(red.ipv4(Ipv4Addr::from(b))),
        );
        assert_eq!((pa ^ pb).leading_zeros(), shared, "{a:x} {b:x}");
    }
}

#[test]
fn kinds_of_address_stay_recognisable() {
    let mut red = r();
    let within = |red: &mut Redactor, a: &str, net: &str| {
        let net: ipnet::Ipv4Net = net.parse().unwrap();
        let p = red.ipv4(v4(a));
        assert!(net.contains(&p), "{a} -> {p} left {net}");
        p
    };
    for (a, net) in [
        ("10.20.3.11", "10.0.0.0/8"),
        ("172.31.7.9", "172.16.0.0/12"),
        ("192.168.1.20", "192.168.0.0/16"),
        ("100.64.0.9", "100.64.0.0/10"),
        ("52.218.14.1", "52.0.0.0/8"),
        ("3.5.64.10", "3.0.0.0/8"),
        ("198.51.100.7", "198.51.100.0/24"),
    ] {
        within(&mut red, a, net);
    }
    // Public ranges that share a first octet with a private one stay out
    // of it.
    let p = red.ipv4(v4("172.67.1.1"));
    assert!(!"172.16.0.0/12"
        .parse::<ipnet::Ipv4Net>()
        .unwrap()
        .contains(&p));
    // Addresses with a meaning of their own are kept.
    for a in [
        "169.254.169.253",
        "169.254.169.254",
        "127.0.0.1",
        "0.0.0.0",
        "255.255.255.255",
    ] {
        assert_eq!(red.ipv4(v4(a)), v4(a));
    }
    // The address changes (a private one too).
    assert_ne!(red.ipv4(v4("10.20.3.11")), v4("10.20.3.11"));
}

#[test]
fn cidr_blocks_keep_their_length_and_their_members() {
    let mut red = r();
    let out = red
        .text("subnet 10.20.3.0/24 holds 10.20.3.11; anywhere is 0.0.0.0/0, the VPC 10.20.0.0/16");
    let words: Vec<&str> = out
        .split([' ', ';', ','])
        .filter(|w| w.contains('.'))
        .collect();
    let subnet: ipnet::Ipv4Net = words[0].parse().unwrap();
    let host: Ipv4Addr = words[1].parse().unwrap();
    let vpc: ipnet::Ipv4Net = words[3].parse().unwrap();
    assert_eq!(subnet.prefix_len(), 24);
    assert_eq!(subnet, subnet.trunc(), "a network stays a network");
    assert!(subnet.contains(&host));
    assert!(vpc.contains(&subnet.network()));
    assert_eq!(words[2], "0.0.0.0/0");
    assert!(!out.contains("10.20.3"), "{out}");
}

#[test]
fn account_ids_in_arns_owner_fields_and_names() {
    let mut red = r();
    let text = "arn:aws:sagemaker:eu-west-1:111122223333:domain/d-1 owner 111122223333, \
                role arn:aws:iam::444455556666:role/x, bucket sagemaker-eu-west-1-111122223333 \
                and 111122223333/sg-0abc";
    let out = red.text(text);
    assert!(
        !out.contains("111122223333") && !out.contains("444455556666"),
        "{out}"
    );
    let p = red.account("111122223333");
    assert_eq!(p.len(), 12);
    assert!(p.bytes().all(|c| c.is_ascii_digit()));
    assert_eq!(out.matches(&p).count(), 4, "{out}");
    assert_ne!(p, red.account("444455556666"));
    assert!(out.starts_with("arn:aws:sagemaker:eu-west-1:"));
}

#[test]
fn ids_versions_and_other_numbers_are_left_alone() {
    let mut red = r();
    for s in [
        "subnet-0966e35736def668a",
        "vpc-012345678901abcde",
        "eni-12345678 and eni-12345678901234567 (AWS ids are 8 or 17 hex digits)",
        "fs-0123456789012",
        "version 1.2.3 and 1.2.3.4.5",
        "1234567890123 has 13 digits, 12345678901 has 11",
        "ports 32768-61000, tcp/443, 8192-65535",
        "at 12:30:45 on 2024-01-02T03:04:05Z",
        "std::io and a::b::c",
        "d-h7k2m9qpx4ta/alice",
        "unicode … → 10 ✓",
    ] {
        assert_eq!(red.text(s), s);
    }
}

#[test]
fn host_names_and_ipv6() {
    let mut red = r();
    let out = red.text("→10.1.1.1…10.1.1.2");
    assert!(
        out.starts_with("→10.") && out.contains('…') && !out.contains("10.1.1.1"),
        "{out}"
    );
    let out = red.text("ip-10-20-3-11.eu-west-1.compute.internal resolves to 10.20.3.11");
    let host = out
        .split('.')
        .next()
        .unwrap()
        .trim_start_matches("ip-")
        .replace('-', ".");
    assert!(out.ends_with(&host), "{out}");
    assert!(!out.contains("10-20-3-11"));

    let out =
        red.text("rule ::/0 and 2600:1f18:4a3:6900::/56 to 2600:1f18:4a3:6900::1, fd00:ec2::253");
    assert!(out.starts_with("rule ::/0 and 2600:"), "{out}");
    assert!(out.ends_with("fd00:ec2::253"), "{out}");
    assert!(!out.contains("4a3:6900"), "{out}");
    let net: ipnet::Ipv6Net = out.split(' ').nth(3).unwrap().parse().unwrap();
    let host: Ipv6Addr = out
        .split(' ')
        .nth(5)
        .unwrap()
        .trim_end_matches(',')
        .parse()
        .unwrap();
    assert_eq!(net.prefix_len(), 56);
    assert!(net.contains(&host));
    let mapped = red.text("::ffff:10.1.2.3");
    assert!(mapped.starts_with("::ffff:10."), "{mapped}");
    assert_ne!(mapped, "::ffff:10.1.2.3");
}

#[test]
fn json_values_and_serde_types() {
    let mut red = r();
    let mut v = serde_json::json!({
        "owner": "111122223333",
        "tags": {"10.0.0.1": "x"},
        "list": ["arn:aws:ec2:eu-west-1:111122223333:vpc/vpc-1", 6, null, true],
    });
    red.value(&mut v);
    let text = v.to_string();
    assert!(
        !text.contains("111122223333") && !text.contains("10.0.0.1"),
        "{text}"
    );
    assert_eq!(v["list"][1], 6);

    let net: ipnet::Ipv4Net = "10.20.0.0/16".parse().unwrap();
    let back = red.redact(&vec![net]).unwrap();
    assert_eq!(back[0].prefix_len(), 16);
    assert_ne!(back[0], net);
}
