//! Org-scale benchmark (issue 5): generate the synthetic organisation at
//! each scale, then load, build and audit it in a fresh child process (so
//! each scale's peak RSS is its own) and print one table plus the ratios
//! the issue sets as targets.
//!
//!     cargo bench --bench scale
//!     cargo bench --bench scale -- --scales 1,8 --repeat 3 --seed 7
//!
//! Phases, all through the library as `sagescope audit DIR` runs them:
//! - read+parse: reading every file and serde_json into `Value` (the raw
//!   AWS representation the importer works on): the floor of any audit;
//! - import: the values -> the snapshot (tolerant parsing, merging, sort);
//! - topology: `Topology::from_snapshot` (graph and indexes);
//! - audit: `query::run_queries` with every built-in query and every
//!   source of every domain (results kept, as `audit` keeps them), on
//!   `query::run::threads()` threads as `audit` runs it (SAGESCOPE_THREADS
//!   sets the count; CPU seconds add up every thread's work);
//! - trace: one `engine::evaluate` on the loaded topology (an app ENI to
//!   the SageMaker API endpoint, tcp/443), as `sagescope trace` runs it,
//!   right after loading (best of 5).
//!
//! Each phase is also measured in CPU seconds of the child (user + system,
//! getrusage), and the ratios are computed on those: on a shared
//! machine wall clock also counts the time other work held the cores. The
//! read+parse CPU time comes from a separate pass that reads and parses
//! every file into `serde_json::Value` (one at a time, as the importer
//! does) before the import; load+topology is the whole import (its own
//! reading and parsing included) and `Topology::from_snapshot`.
//!
//! Peak RSS is VmHWM from /proc/self/status, read in the child before the
//! audit (snapshot + topology) and at the end (with every result held).
//! With `--repeat R` each phase keeps its minimum
//! over R children (the machine is shared: the minimum is the least noisy).

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use sagescope::engine::{self, FlowSpec, Settings, Source, Target};
use sagescope::graph::Topology;
use sagescope::query::{self, Filters};
use sagescope::snapshot::{EndpointType, PortRange, Protocol};

/// What one child measured, one scale. Times in seconds (trace in ms);
/// `cpu_*` are this process's CPU seconds (user + system) for the phase:
/// on a shared machine they do not count the time other work held the
/// cores, so the ratios are computed on them.
#[derive(Debug, Clone, Default)]
struct Sample {
    files: usize,
    bytes: u64,
    read_parse: f64,
    import: f64,
    topology: f64,
    audit: f64,
    results: usize,
    rss_model_kb: u64,
    rss_peak_kb: u64,
    trace_ms: f64,
    cpu_read_parse: f64,
    cpu_load_topology: f64,
    cpu_audit: f64,
    /// Wall clock of the floor pass (the CPU ratio's `cpu_read_parse`).
    floor: f64,
}

impl Sample {
    fn total(&self) -> f64 {
        self.read_parse + self.import + self.topology + self.audit
    }
    /// The pipeline as `audit` runs it: load (its own read and parse
    /// included), topology, audit. The floor pass is not part of it.
    fn cpu_total(&self) -> f64 {
        self.cpu_load_topology + self.cpu_audit
    }
    fn to_line(&self) -> String {
        format!(
            "SAMPLE {} {} {} {} {} {} {} {} {} {} {} {} {} {}",
            self.files,
            self.bytes,
            self.read_parse,
            self.import,
            self.topology,
            self.audit,
            self.results,
            self.rss_model_kb,
            self.rss_peak_kb,
            self.trace_ms,
            self.cpu_read_parse,
            self.cpu_load_topology,
            self.cpu_audit,
            self.floor
        )
    }
    fn from_line(line: &str) -> Option<Sample> {
        let f: Vec<&str> = line.strip_prefix("SAMPLE ")?.split(' ').collect();
        Some(Sample {
            files: f[0].parse().ok()?,
            bytes: f[1].parse().ok()?,
            read_parse: f[2].parse().ok()?,
            import: f[3].parse().ok()?,
            topology: f[4].parse().ok()?,
            audit: f[5].parse().ok()?,
            results: f[6].parse().ok()?,
            rss_model_kb: f[7].parse().ok()?,
            rss_peak_kb: f[8].parse().ok()?,
            trace_ms: f[9].parse().ok()?,
            cpu_read_parse: f[10].parse().ok()?,
            cpu_load_topology: f[11].parse().ok()?,
            cpu_audit: f[12].parse().ok()?,
            floor: f[13].parse().ok()?,
        })
    }
    /// Keep the fastest of each phase (and the largest RSS).
    fn best(self, o: Sample) -> Sample {
        Sample {
            read_parse: self.read_parse.min(o.read_parse),
            import: self.import.min(o.import),
            topology: self.topology.min(o.topology),
            audit: self.audit.min(o.audit),
            trace_ms: self.trace_ms.min(o.trace_ms),
            rss_model_kb: self.rss_model_kb.max(o.rss_model_kb),
            rss_peak_kb: self.rss_peak_kb.max(o.rss_peak_kb),
            cpu_read_parse: self.cpu_read_parse.min(o.cpu_read_parse),
            cpu_load_topology: self.cpu_load_topology.min(o.cpu_load_topology),
            cpu_audit: self.cpu_audit.min(o.cpu_audit),
            floor: self.floor.min(o.floor),
            ..self
        }
    }
}

/// CPU seconds (user + system) this process has used so far (all its
/// threads), from getrusage(2): microseconds, where /proc/self/stat counts
/// 10 ms clock ticks (too coarse for the phases of the 1x run, which the
/// 16x/1x ratio divides by).
fn cpu_seconds() -> f64 {
    // SAFETY: getrusage only writes the struct it is given.
    let mut u: libc::rusage = unsafe { std::mem::zeroed() };
    if unsafe { libc::getrusage(libc::RUSAGE_SELF, &mut u) } != 0 {
        return 0.0;
    }
    let secs = |t: libc::timeval| t.tv_sec as f64 + t.tv_usec as f64 / 1e6;
    secs(u.ru_utime) + secs(u.ru_stime)
}

/// The floor of any audit: read every JSON file of the folder and parse it
/// with serde_json into `Value`, one file at a time (as the importer
/// does). Returns (wall seconds, CPU seconds).
fn read_parse_floor(dir: &Path) -> (f64, f64) {
    fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
        let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)
            .expect("read the folder")
            .map(|e| e.expect("an entry").path())
            .collect();
        entries.sort();
        for p in entries {
            if p.is_dir() {
                walk(&p, out);
            } else if p.extension().is_some_and(|e| e == "json") {
                out.push(p);
            }
        }
    }
    let (wall, cpu) = (Instant::now(), cpu_seconds());
    let mut files = Vec::new();
    walk(dir, &mut files);
    for f in files {
        let bytes = std::fs::read(&f).expect("read a file");
        let v: serde_json::Value = serde_json::from_slice(&bytes).expect("JSON");
        std::hint::black_box(&v);
    }
    (wall.elapsed().as_secs_f64(), cpu_seconds() - cpu)
}

fn vm_hwm_kb() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find_map(|l| l.strip_prefix("VmHWM:"))
                .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        })
        .unwrap_or(0)
}

/// The child: measure one scale's folder.
fn child(dir: &Path) {
    let (floor, cpu_read_parse) = read_parse_floor(dir);
    let cpu = cpu_seconds();
    let (snapshot, phases) = sagescope::import::load_with_phases(dir).expect("import");
    let start = Instant::now();
    // As `audit` does: the topology keeps the snapshot (no second copy).
    let (topo, _) = Topology::from_snapshot(snapshot);
    let snapshot = &topo.snapshot;
    let topology = start.elapsed();
    let cpu_load_topology = cpu_seconds() - cpu;
    let rss_model_kb = vm_hwm_kb();

    // trace, right after loading as `sagescope trace` runs it: a real app
    // ENI to its VPC's SageMaker API endpoint, tcp/443 (best of 5, each
    // with a fresh engine cache).
    let eni = snapshot
        .network_interfaces
        .iter()
        .find(|e| {
            e.description
                .starts_with("[DO NOT DELETE] ENI managed by SageMaker")
        })
        .expect("an app ENI");
    let vpce = snapshot
        .vpc_endpoints
        .iter()
        .find(|e| {
            e.vpc_id == eni.vpc_id
                && e.endpoint_type == EndpointType::Interface
                && e.service_name.ends_with(".sagemaker.api")
        })
        .expect("a SageMaker API endpoint");
    let to = topo
        .eni(&vpce.network_interface_ids[0])
        .expect("endpoint ENI")
        .private_ips[0]
        .address;
    let flow = FlowSpec {
        protocol: Protocol::TCP,
        dst_ports: PortRange::single(443),
        src_ports: None,
    };
    let settings = Settings::default();
    let mut trace = Duration::MAX;
    for _ in 0..5 {
        let start = Instant::now();
        let r = engine::evaluate(
            &topo,
            &Source::Eni(eni.id.clone()),
            &Target::Ip(to),
            &flow,
            &settings,
        );
        trace = trace.min(start.elapsed());
        assert!(!r.path.is_empty());
    }

    let queries = query::builtin_queries().expect("built-in queries");
    let (start, cpu) = (Instant::now(), cpu_seconds());
    let results = query::run_queries(snapshot, &topo, &queries, &settings, &Filters::default());
    let audit = start.elapsed();
    let cpu_audit = cpu_seconds() - cpu;

    let s = Sample {
        files: phases.files,
        bytes: phases.bytes,
        read_parse: (phases.read + phases.parse).as_secs_f64(),
        import: phases.build.as_secs_f64(),
        topology: topology.as_secs_f64(),
        audit: audit.as_secs_f64(),
        results: results.len(),
        rss_model_kb,
        rss_peak_kb: vm_hwm_kb(),
        trace_ms: trace.as_secs_f64() * 1e3,
        cpu_read_parse,
        cpu_load_topology,
        cpu_audit,
        floor,
    };
    println!("{}", s.to_line());
}

fn machine() -> String {
    let cpu = std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|s| {
            s.lines()
                .find_map(|l| l.strip_prefix("model name"))
                .map(|v| v.trim_start_matches([' ', '\t', ':']).to_string())
        })
        .unwrap_or_else(|| "unknown CPU".into());
    let n = std::thread::available_parallelism().map_or(1, |n| n.get());
    let load = std::fs::read_to_string("/proc/loadavg").unwrap_or_default();
    let load: Vec<&str> = load.split_whitespace().take(3).collect();
    format!("{cpu}, {n} CPUs; load average at start {}", load.join(" "))
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.first().map(String::as_str) == Some("--child") {
        child(Path::new(&args[1]));
        return;
    }
    let mut scales = vec![1u32, 2, 4, 8, 16];
    let mut seed = 1u64;
    let mut repeat = 1usize;
    let mut keep: Option<PathBuf> = None;
    let mut it = args.iter();
    while let Some(a) = it.next() {
        match a.as_str() {
            "--scales" => {
                scales = it
                    .next()
                    .expect("--scales 1,2,4")
                    .split(',')
                    .map(|s| s.trim().parse().expect("a scale number"))
                    .collect()
            }
            "--seed" => seed = it.next().expect("--seed S").parse().expect("a seed"),
            "--repeat" => repeat = it.next().expect("--repeat R").parse().expect("a count"),
            "--keep" => keep = Some(PathBuf::from(it.next().expect("--keep DIR"))),
            // `cargo bench` passes --bench; filters are not used here.
            _ => {}
        }
    }
    println!("sagescope scale benchmark, seed {seed}, best of {repeat}");
    println!("machine: {}", machine());
    println!(
        "audit threads: {} (SAGESCOPE_THREADS, else one per core); CPU times add up every thread's",
        query::run::threads()
    );
    let exe = std::env::current_exe().expect("own path");
    let mut samples: Vec<(u32, Sample, Duration)> = Vec::new();
    for &scale in &scales {
        let tmp = tempfile::tempdir().expect("temp dir");
        let dir = match &keep {
            Some(k) => k.join(format!("scale-{scale}")),
            None => tmp.path().join(format!("scale-{scale}")),
        };
        let start = Instant::now();
        if !dir.exists() {
            sagescope::generate::write_dir(&sagescope::generate::Options { scale, seed }, &dir)
                .expect("generate");
        }
        let gen = start.elapsed();
        let mut best: Option<Sample> = None;
        for _ in 0..repeat {
            let out = Command::new(&exe)
                .arg("--child")
                .arg(&dir)
                .output()
                .expect("run the child");
            let text = String::from_utf8_lossy(&out.stdout);
            let s = text.lines().find_map(Sample::from_line).unwrap_or_else(|| {
                panic!(
                    "child failed at scale {scale}: {}\n{}",
                    text,
                    String::from_utf8_lossy(&out.stderr)
                )
            });
            best = Some(match best {
                Some(b) => b.best(s),
                None => s,
            });
        }
        let s = best.expect("repeat >= 1");
        eprintln!(
            "scale {scale}: {:.2} s total ({} results)",
            s.total(),
            s.results
        );
        samples.push((scale, s, gen));
    }

    println!();
    println!("Wall clock (s):");
    println!(
        "| scale | files | size (MB) | read+parse | import | topology | audit | results | total | RSS snapshot+topology (MB) | peak RSS (MB) | trace (ms) |"
    );
    println!("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
    for (scale, s, _) in &samples {
        println!(
            "| {scale}x | {} | {:.1} | {:.3} | {:.3} | {:.3} | {:.3} | {} | {:.3} | {:.0} | {:.0} | {:.2} |",
            s.files,
            s.bytes as f64 / 1e6,
            s.read_parse,
            s.import,
            s.topology,
            s.audit,
            s.results,
            s.total(),
            s.rss_model_kb as f64 / 1024.0,
            s.rss_peak_kb as f64 / 1024.0,
            s.trace_ms
        );
    }
    println!();
    println!("CPU (s, user + system of the child):");
    println!(
        "| scale | read+parse (floor pass) | load+topology | audit | total (load+topology+audit) | audit / read+parse | same on wall clock (floor pass: wall s) |"
    );
    println!("|---:|---:|---:|---:|---:|---:|---:|");
    for (scale, s, _) in &samples {
        println!(
            "| {scale}x | {:.2} | {:.2} | {:.2} | {:.2} | {:.2} | {:.2} ({:.3}) |",
            s.cpu_read_parse,
            s.cpu_load_topology,
            s.cpu_audit,
            s.cpu_total(),
            s.cpu_audit / s.cpu_read_parse.max(0.01),
            s.audit / s.floor.max(0.001),
            s.floor
        );
    }
    println!();
    let at = |k: u32| samples.iter().find(|(s, _, _)| *s == k).map(|(_, s, _)| s);
    let verdict = |ok: bool| if ok { "meets" } else { "MISSES" };
    if let Some(s) = at(8) {
        let r = s.cpu_audit / s.cpu_read_parse.max(0.01);
        let w = s.audit / s.floor.max(0.001);
        println!(
            "audit / read+parse at 8x: {r:.2} on CPU time (all threads' work), {w:.2} on wall clock (target <= 3: {} on CPU, {} on wall clock)",
            verdict(r <= 3.0),
            verdict(w <= 3.0)
        );
        let m = s.rss_model_kb as f64 * 1024.0 / s.bytes as f64;
        let p = s.rss_peak_kb as f64 * 1024.0 / s.bytes as f64;
        println!(
            "peak RSS / size on disk at 8x: {p:.2} with every result held, {m:.2} for snapshot + topology (target <= 4: {}, {})",
            verdict(p <= 4.0),
            verdict(m <= 4.0)
        );
        println!(
            "trace of one flow at 8x after loading: {:.2} ms (target <= 50: {})",
            s.trace_ms,
            verdict(s.trace_ms <= 50.0)
        );
    }
    if let (Some(a), Some(b)) = (at(1), at(16)) {
        let r = b.cpu_total() / a.cpu_total();
        let w = b.total() / a.total();
        println!(
            "whole pipeline time(16x) / time(1x): {r:.1} on CPU time, {w:.1} on wall clock (target <= 20: {})",
            verdict(r <= 20.0)
        );
    }
    for (scale, _, gen) in &samples {
        eprintln!("(generating {scale}x took {:.2} s)", gen.as_secs_f64());
    }
}
