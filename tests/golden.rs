//! Golden output (insta): `audit` of the three examples and the two traces
//! of examples/broken-vpc-only/README.md, as JSON and as the plain table
//! (not a terminal, no colour). Review changes with `cargo insta review`
//! (or `INSTA_UPDATE=always cargo test --test golden` and read the diff).

mod support;

use support::{manifest, sagescope};

fn example(name: &str) -> String {
    manifest(&format!("examples/{name}"))
        .to_str()
        .unwrap()
        .to_string()
}

/// stdout of a run that must exit with `code`; stderr must be empty (no
/// warnings on the examples).
fn run(args: &[&str], code: i32) -> String {
    let r = sagescope(args);
    assert_eq!(r.code, code, "{}: {}", args.join(" "), r.stderr);
    assert_eq!(r.stderr, "", "{}", args.join(" "));
    r.stdout
}

const EXAMPLES: [(&str, i32); 3] = [
    ("healthy-vpc-only", 0),
    ("broken-vpc-only", 1),
    ("public-internet-only", 0),
];

#[test]
fn audit_json() {
    for (name, code) in EXAMPLES {
        let out = run(&["audit", &example(name), "--format", "json"], code);
        insta::assert_snapshot!(format!("audit_json__{name}"), out);
    }
}

#[test]
fn audit_table() {
    for (name, code) in EXAMPLES {
        let out = run(&["audit", &example(name), "--color", "never"], code);
        insta::assert_snapshot!(format!("audit_table__{name}"), out);
    }
}

/// The two traces of examples/broken-vpc-only/README.md.
const TRACES: [(&str, &str, i32); 2] = [
    ("blocked", "eni-0d81ac43506a38cec", 1),
    ("reachable", "eni-06ff09ec0cfad6fd3", 0),
];

fn trace_args<'a>(dir: &'a str, from: &'a str) -> Vec<&'a str> {
    vec![
        "trace",
        dir,
        "--from",
        from,
        "--to",
        "10.20.3.11",
        "--protocol",
        "tcp",
        "--port",
        "443",
    ]
}

#[test]
fn trace_json() {
    let dir = example("broken-vpc-only");
    for (label, from, code) in TRACES {
        let mut args = trace_args(&dir, from);
        args.extend(["--format", "json"]);
        let out = run(&args, code);
        insta::assert_snapshot!(format!("trace_json__{label}"), out);
    }
}

#[test]
fn trace_table() {
    let dir = example("broken-vpc-only");
    for (label, from, code) in TRACES {
        let mut args = trace_args(&dir, from);
        args.extend(["--color", "never"]);
        let out = run(&args, code);
        insta::assert_snapshot!(format!("trace_table__{label}"), out);
    }
}
