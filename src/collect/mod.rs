//! The live collector (feature `aws`): AWS APIs -> [`Snapshot`].
//!
//! The only async code and the only SDK imports of the crate. It produces
//! exactly the snapshot model that `import` produces from the raw API JSON
//! of the same calls, so `collect` + `audit FILE` and a live `audit` give the
//! same results. One file per service (`ec2`, `efs`, `sagemaker`); `call`
//! wraps every request (concurrency limit, progress, log line, count, gap).
//!
//! Order of calls (each level waits only for what it needs):
//! 1. ListDomains (unless `--domain-id`), then DescribeDomain for each.
//! 2. At once: for each VPC the describes filtered by `vpc-id`; for each
//!    home EFS its file system and mount targets (then each mount target's
//!    groups); for each domain its profiles, spaces (list, then describe
//!    each) and apps; the region's AWS prefix lists; egress-only gateways.
//! 3. Groups referenced from outside the VPC, by id (rarely any).
//! 4. Referenced prefix lists whose entries are not known yet.
//!
//! Partial failure is normal: a call that is denied or keeps failing after
//! the SDK's retries becomes a [`Gap`] and the run goes on. Only a failure
//! to reach AWS at all (no credentials, no network) on the first call ends
//! the run with an error. The whole run is bounded by `--timeout`: what is
//! still in flight then becomes gaps, plus one gap saying the snapshot is
//! incomplete (`query::gaps` then makes every verdict unknown).

mod call;
mod ec2;
mod efs;
mod sagemaker;

use std::collections::{BTreeMap, BTreeSet};
use std::io::IsTerminal;
use std::sync::Arc;
use std::time::{Duration, Instant};

use aws_config::timeout::TimeoutConfig;
use aws_config::{BehaviorVersion, Region, SdkConfig};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use call::{api, pages, Calls};
pub use call::{api::ALL as OPERATIONS, Api, Failure};

use crate::snapshot::*;

/// `collect` and live `audit` options (validated by `cli`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LiveOptions {
    /// `--region`; else the SDK's default chain (AWS_REGION, profile).
    pub region: Option<String>,
    /// `--profile`; else AWS_PROFILE or `default`.
    pub profile: Option<String>,
    /// `--endpoint-url`: one URL for every service (the SDK's own
    /// AWS_ENDPOINT_URL and AWS_ENDPOINT_URL_<SERVICE> work as well).
    pub endpoint_url: Option<String>,
    /// Collect only these domains; empty = every domain in the region.
    pub domain_ids: Vec<String>,
    /// Requests in flight at most.
    pub concurrency: usize,
    /// Timeout of the whole run (`--timeout`): what is not collected by
    /// then becomes gaps.
    pub timeout: Duration,
    /// Timeout of one request attempt (`--call-timeout`).
    pub call_timeout: Duration,
    /// Show a progress bar on stderr (only drawn when stderr is a terminal).
    pub progress: bool,
}

impl Default for LiveOptions {
    fn default() -> Self {
        LiveOptions {
            region: None,
            profile: None,
            endpoint_url: None,
            domain_ids: Vec::new(),
            concurrency: DEFAULT_CONCURRENCY,
            timeout: Duration::from_secs(DEFAULT_TIMEOUT_SECS),
            call_timeout: Duration::from_secs(DEFAULT_CALL_TIMEOUT_SECS),
            progress: false,
        }
    }
}

pub const DEFAULT_CONCURRENCY: usize = 8;
/// `--timeout`: the whole run.
pub const DEFAULT_TIMEOUT_SECS: u64 = 600;
/// `--call-timeout`: one request attempt.
pub const DEFAULT_CALL_TIMEOUT_SECS: u64 = 30;

#[derive(Debug, thiserror::Error)]
pub enum CollectError {
    #[error("no AWS region: pass --region, set AWS_REGION, or set `region` in the profile")]
    NoRegion,
    #[error("cannot start the async runtime: {0}")]
    Runtime(#[from] std::io::Error),
    #[error("cannot reach AWS ({api} failed: {message}); check the credentials, the region and the network")]
    Unreachable { api: String, message: String },
    #[error("--domain-id {id}: no such domain in region {region} ({message})")]
    NoSuchDomain {
        id: String,
        region: String,
        message: String,
    },
}

/// The SDK clients the collector uses.
#[derive(Debug, Clone)]
pub struct Clients {
    pub ec2: aws_sdk_ec2::Client,
    pub efs: aws_sdk_efs::Client,
    pub sagemaker: aws_sdk_sagemaker::Client,
}

impl Clients {
    pub fn new(conf: &SdkConfig) -> Clients {
        Clients {
            ec2: aws_sdk_ec2::Client::new(conf),
            efs: aws_sdk_efs::Client::new(conf),
            sagemaker: aws_sdk_sagemaker::Client::new(conf),
        }
    }
}

/// The SDK configuration: aws-config's standard chain (environment, shared
/// config and credentials files with `--profile`, SSO, web identity, ECS
/// and EC2 instance metadata), the SDK's retry strategy (standard mode
/// unless AWS_RETRY_MODE / AWS_MAX_ATTEMPTS say otherwise) and a timeout
/// per attempt. Returns the config and its region.
pub async fn load_config(opts: &LiveOptions) -> Result<(SdkConfig, String), CollectError> {
    let mut loader = aws_config::defaults(BehaviorVersion::latest());
    if let Some(p) = &opts.profile {
        loader = loader.profile_name(p);
    }
    if let Some(r) = &opts.region {
        loader = loader.region(Region::new(r.clone()));
    }
    if let Some(u) = &opts.endpoint_url {
        loader = loader.endpoint_url(u);
    }
    let attempt = opts.call_timeout;
    loader = loader.timeout_config(
        TimeoutConfig::builder()
            .connect_timeout(Duration::from_secs(5).min(attempt))
            .operation_attempt_timeout(attempt)
            // Room for the retries and their backoff.
            .operation_timeout(attempt * 3 + Duration::from_secs(10))
            .build(),
    );
    let conf = loader.load().await;
    let region = conf
        .region()
        .map(|r| r.to_string())
        .ok_or(CollectError::NoRegion)?;
    Ok((conf, region))
}

/// What a run collected and how.
#[derive(Debug, Clone)]
pub struct Collection {
    pub snapshot: Snapshot,
    pub region: String,
    /// Requests per operation (`ec2:DescribeVpcs` -> 1); pages count.
    pub calls: BTreeMap<String, u32>,
    pub elapsed: Duration,
}

impl Collection {
    pub fn total_calls(&self) -> u32 {
        self.calls.values().sum()
    }
}

/// Shared by every task of a run.
pub(crate) struct Ctx {
    pub ec2: aws_sdk_ec2::Client,
    pub efs: aws_sdk_efs::Client,
    pub sm: aws_sdk_sagemaker::Client,
    pub calls: Calls,
}

fn progress_bar() -> ProgressBar {
    let pb = ProgressBar::with_draw_target(Some(0), ProgressDrawTarget::stderr());
    pb.set_style(
        ProgressStyle::with_template("{spinner} collecting: {pos}/{len} calls {wide_msg}")
            .unwrap_or_else(|_| ProgressStyle::default_spinner()),
    );
    pb.enable_steady_tick(Duration::from_millis(120));
    pb
}

/// Load the configuration and collect, on a runtime of its own.
pub fn collect_blocking(opts: &LiveOptions) -> Result<Collection, CollectError> {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    rt.block_on(async {
        let (conf, region) = load_config(opts).await?;
        collect(Clients::new(&conf), &region, opts).await
    })
}

/// Collect with the given clients (tests pass mocked ones).
pub async fn collect(
    clients: Clients,
    region: &str,
    opts: &LiveOptions,
) -> Result<Collection, CollectError> {
    let started = Instant::now();
    let progress = (opts.progress && std::io::stderr().is_terminal()).then(progress_bar);
    let ctx = Arc::new(Ctx {
        ec2: clients.ec2,
        efs: clients.efs,
        sm: clients.sagemaker,
        calls: Calls::new(opts.concurrency, progress),
    });

    // The whole run is bounded by `--timeout`. When it expires, the
    // pending work is dropped (its tasks aborted), every call still in
    // flight becomes a gap, and one more gap says the run was cut short:
    // data of calls not made yet is missing and nothing tells which, so
    // every verdict is unknown. Never a partial snapshot that looks whole.
    let mut snap = Snapshot::new();
    let mut listed: Option<Vec<Domain>> = None;
    let run = async {
        let ds = domains(&ctx, region, opts).await?;
        listed = Some(ds.clone());
        gather(&ctx, &ds, &mut snap).await;
        Ok::<(), CollectError>(())
    };
    let outcome = tokio::time::timeout(opts.timeout, run).await;
    match outcome {
        Ok(r) => r?,
        Err(_) => ctx.calls.expire(opts.timeout),
    }
    snap.domains = match listed {
        Some(ds) => ds,
        // Cut short before the domains were described.
        None => {
            let ids: BTreeSet<&String> = opts.domain_ids.iter().collect();
            ids.into_iter().map(|id| bare_domain(id, None)).collect()
        }
    };

    // Aborted tasks may still hold the context for a moment: take the
    // record out instead of waiting for them.
    let record = ctx.calls.take_record();
    snap.gaps = record.gaps;
    snap.diagnostics = record.diagnostics;
    snap.normalize();
    Ok(Collection {
        snapshot: snap,
        region: region.to_string(),
        calls: record.calls,
        elapsed: started.elapsed(),
    })
}

/// Step 1: the domains, described.
async fn domains(
    ctx: &Arc<Ctx>,
    region: &str,
    opts: &LiveOptions,
) -> Result<Vec<Domain>, CollectError> {
    let c = &ctx.calls;
    let mut listed: BTreeMap<String, Domain> = BTreeMap::new();
    let ids: Vec<String> = if opts.domain_ids.is_empty() {
        let r: Result<Vec<Domain>, Failure> = pages!(
            c,
            api::LIST_DOMAINS,
            None,
            ctx.sm.list_domains().into_paginator(),
            |p| p
                .domains()
                .iter()
                .filter_map(sagemaker::listed_domain)
                .collect::<Vec<_>>()
        );
        match r {
            Ok(ds) => {
                for d in ds {
                    listed.insert(d.id.clone(), d);
                }
            }
            // Nothing else can work: say so instead of a snapshot of gaps.
            Err(f) if f.transport => {
                return Err(CollectError::Unreachable {
                    api: api::LIST_DOMAINS.to_string(),
                    message: f.message,
                })
            }
            Err(_) => {}
        }
        listed.keys().cloned().collect()
    } else {
        let set: BTreeSet<String> = opts.domain_ids.iter().cloned().collect();
        set.into_iter().collect()
    };

    let mut set = tokio::task::JoinSet::new();
    for (i, id) in ids.iter().enumerate() {
        let ctx = Arc::clone(ctx);
        let id = id.clone();
        set.spawn(async move {
            let r = ctx
                .calls
                .one(
                    api::DESCRIBE_DOMAIN,
                    Some(&id),
                    ctx.sm.describe_domain().domain_id(&id).send(),
                )
                .await
                .map(|o| sagemaker::domain(&o));
            (i, r)
        });
    }
    let mut results: Vec<Option<Described>> = vec![None; ids.len()];
    while let Some(r) = set.join_next().await {
        if let Ok((i, r)) = r {
            results[i] = Some(r);
        }
    }
    let mut out = Vec::new();
    let mut unreachable = None;
    let mut any_ok = false;
    for (id, r) in ids.iter().zip(results) {
        match r {
            Some(Ok(Some(d))) => {
                any_ok = true;
                out.push(sagemaker::merge_domain(d, listed.get(id)));
            }
            Some(Err(f)) if !opts.domain_ids.is_empty() => {
                // AWS answers ResourceNotFound; moto a ValidationException
                // "Could not find domain".
                let missing = match f.code.as_deref() {
                    Some("ResourceNotFound") => true,
                    Some("ValidationException") => {
                        let m = f.message.to_ascii_lowercase();
                        m.contains("not find") || m.contains("not found")
                    }
                    _ => false,
                };
                if missing {
                    return Err(CollectError::NoSuchDomain {
                        id: id.clone(),
                        region: region.to_string(),
                        message: f.message,
                    });
                }
                if f.transport && unreachable.is_none() {
                    unreachable = Some(f.message.clone());
                }
                out.push(bare_domain(id, listed.get(id)));
            }
            // Known from ListDomains only (or not at all): its network
            // settings are unknown, which the engine reports as such.
            _ => out.push(bare_domain(id, listed.get(id))),
        }
    }
    if let (false, Some(message)) = (any_ok, unreachable) {
        return Err(CollectError::Unreachable {
            api: api::DESCRIBE_DOMAIN.to_string(),
            message,
        });
    }
    Ok(out)
}

/// DescribeDomain's outcome (`None` inside: an answer without a DomainId).
type Described = Result<Option<Domain>, Failure>;

fn bare_domain(id: &str, listed: Option<&Domain>) -> Domain {
    listed.cloned().unwrap_or_else(|| Domain {
        id: id.to_string(),
        arn: None,
        name: None,
        status: None,
        failure_reason: None,
        auth_mode: None,
        app_network_access_type: None,
        vpc_id: None,
        subnet_ids: Vec::new(),
        home_efs_file_system_id: None,
        kms_key_id: None,
        app_security_group_management: None,
        security_group_id_for_domain_boundary: None,
        default_user_settings: UserSettings::default(),
        default_space_settings: None,
        domain_settings_security_group_ids: Vec::new(),
        ip_address_type: None,
        url: None,
        described: false,
    })
}

/// What one task of step 2 brought back.
enum Part {
    Vpc(Box<ec2::VpcParts>),
    Efs(Vec<EfsFileSystem>, Vec<EfsMountTarget>),
    People(Vec<UserProfile>, Vec<Space>, Vec<App>),
    EgressOnly(Vec<EgressOnlyInternetGateway>),
    AwsPrefixLists(Vec<PrefixList>),
}

/// Steps 2-4 into `snap`.
async fn gather(ctx: &Arc<Ctx>, domains: &[Domain], snap: &mut Snapshot) {
    let vpc_ids: BTreeSet<String> = domains.iter().filter_map(|d| d.vpc_id.clone()).collect();
    let fs_ids: BTreeSet<String> = domains
        .iter()
        .filter_map(|d| d.home_efs_file_system_id.clone())
        .collect();

    let mut set = tokio::task::JoinSet::new();
    for vpc in &vpc_ids {
        let (ctx, vpc) = (Arc::clone(ctx), vpc.clone());
        set.spawn(async move { Part::Vpc(Box::new(ec2::vpc_parts(&ctx, &vpc).await)) });
    }
    for fs in &fs_ids {
        let (ctx, fs) = (Arc::clone(ctx), fs.clone());
        set.spawn(async move {
            let (f, m) = efs::file_system_parts(&ctx, &fs).await;
            Part::Efs(f, m)
        });
    }
    for d in domains.iter().filter(|d| d.described) {
        let (ctx, id) = (Arc::clone(ctx), d.id.clone());
        set.spawn(async move {
            let (p, s, a) = sagemaker::people(&ctx, &id).await;
            Part::People(p, s, a)
        });
    }
    if !vpc_ids.is_empty() {
        let (ctx1, vpcs) = (Arc::clone(ctx), vpc_ids.clone());
        set.spawn(async move {
            Part::EgressOnly(ec2::egress_only_internet_gateways(&ctx1, &vpcs).await)
        });
        let ctx2 = Arc::clone(ctx);
        set.spawn(async move { Part::AwsPrefixLists(ec2::aws_prefix_lists(&ctx2).await) });
    }
    // Sorted afterwards (normalize): the order tasks finish in is no matter.
    while let Some(r) = set.join_next().await {
        let Ok(part) = r else { continue };
        match part {
            Part::Vpc(v) => {
                let v = *v;
                snap.vpcs.extend(v.vpcs);
                snap.dhcp_options.extend(v.dhcp_options);
                snap.subnets.extend(v.subnets);
                snap.route_tables.extend(v.route_tables);
                snap.network_acls.extend(v.network_acls);
                snap.security_groups.extend(v.security_groups);
                snap.vpc_endpoints.extend(v.vpc_endpoints);
                snap.nat_gateways.extend(v.nat_gateways);
                snap.internet_gateways.extend(v.internet_gateways);
                snap.network_interfaces.extend(v.network_interfaces);
            }
            Part::Efs(f, m) => {
                snap.efs_file_systems.extend(f);
                snap.efs_mount_targets.extend(m);
            }
            Part::People(p, s, a) => {
                snap.user_profiles.extend(p);
                snap.spaces.extend(s);
                snap.apps.extend(a);
            }
            Part::EgressOnly(g) => snap.egress_only_internet_gateways.extend(g),
            Part::AwsPrefixLists(p) => snap.prefix_lists.extend(p),
        }
    }
    dedup(snap);

    // Step 3: groups named from outside the VPC (rules of other groups,
    // domain and profile settings). Groups they name in turn, up to 3 rounds.
    let mut asked: BTreeSet<String> = BTreeSet::new();
    for _ in 0..3 {
        let missing: BTreeSet<String> = referenced_groups(domains, snap)
            .into_iter()
            .filter(|g| !asked.contains(g) && !snap.security_groups.iter().any(|s| &s.id == g))
            .collect();
        if missing.is_empty() {
            break;
        }
        asked.extend(missing.iter().cloned());
        let found = ec2::security_groups_by_id(ctx, &missing).await;
        snap.security_groups.extend(found);
        dedup(snap);
    }

    // Step 4: prefix lists named by rules and routes whose entries are not
    // known (customer-managed lists, AWS lists outside DescribePrefixLists).
    let missing: BTreeSet<String> = referenced_prefix_lists(snap)
        .into_iter()
        .filter(|p| {
            !snap
                .prefix_lists
                .iter()
                .any(|l| &l.id == p && l.entries_known)
        })
        .collect();
    if !missing.is_empty() {
        for l in ec2::managed_prefix_lists(ctx, &missing).await {
            match snap.prefix_lists.iter_mut().find(|x| x.id == l.id) {
                Some(x) => {
                    if x.name.is_empty() {
                        x.name = l.name;
                    }
                    if x.owner_id.is_none() {
                        x.owner_id = l.owner_id;
                    }
                    if x.address_family.is_none() {
                        x.address_family = l.address_family;
                    }
                    if !x.entries_known && l.entries_known {
                        x.cidrs = l.cidrs;
                        x.entries_known = true;
                    }
                }
                None => snap.prefix_lists.push(l),
            }
        }
    }

    // A mount target whose groups could not be read carries those of its
    // ENI (EFS puts them there), as the importer does.
    for mt in &mut snap.efs_mount_targets {
        if mt.security_group_ids.is_some() {
            continue;
        }
        if let Some(eni) = mt
            .network_interface_id
            .as_ref()
            .and_then(|e| snap.network_interfaces.iter().find(|n| &n.id == e))
        {
            mt.security_group_ids = Some(eni.security_group_ids.clone());
        }
    }
}

/// Keep the first of each id (two domains may share a VPC).
fn dedup(snap: &mut Snapshot) {
    fn by<T>(v: &mut Vec<T>, id: impl Fn(&T) -> &str) {
        let mut seen = BTreeSet::new();
        v.retain(|x| seen.insert(id(x).to_string()));
    }
    by(&mut snap.vpcs, |x| &x.id);
    by(&mut snap.subnets, |x| &x.id);
    by(&mut snap.security_groups, |x| &x.id);
    by(&mut snap.prefix_lists, |x| &x.id);
    by(&mut snap.network_interfaces, |x| &x.id);
    by(&mut snap.dhcp_options, |x| &x.id);
}

/// Every security group id the snapshot names.
fn referenced_groups(domains: &[Domain], snap: &Snapshot) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    for g in &snap.security_groups {
        for r in g.ingress.iter().chain(&g.egress) {
            out.extend(r.groups.iter().map(|x| x.group_id.clone()));
        }
    }
    for d in domains {
        out.extend(d.default_user_settings.security_groups.iter().cloned());
        if let Some(s) = &d.default_space_settings {
            out.extend(s.security_groups.iter().cloned());
        }
        out.extend(d.domain_settings_security_group_ids.iter().cloned());
        out.extend(d.security_group_id_for_domain_boundary.iter().cloned());
    }
    for p in &snap.user_profiles {
        if let Some(u) = &p.user_settings {
            out.extend(u.security_groups.iter().cloned());
        }
    }
    for e in &snap.vpc_endpoints {
        out.extend(e.security_group_ids.iter().cloned());
    }
    for m in &snap.efs_mount_targets {
        out.extend(m.security_group_ids.iter().flatten().cloned());
    }
    out.retain(|g| g.starts_with("sg-"));
    out
}

/// Every prefix list id that rules and routes name.
fn referenced_prefix_lists(snap: &Snapshot) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    for g in &snap.security_groups {
        for r in g.ingress.iter().chain(&g.egress) {
            out.extend(r.prefix_lists.iter().cloned());
        }
    }
    for t in &snap.route_tables {
        for r in &t.routes {
            if let RouteDestination::PrefixList(p) = &r.destination {
                out.insert(p.clone());
            }
        }
    }
    out
}

/// `-v`: one log line per call on stderr (only sagescope's own events, so
/// nothing the SDK logs about requests or credentials).
pub fn init_logging(verbose: bool) {
    use tracing_subscriber::filter::Targets;
    use tracing_subscriber::prelude::*;
    if !verbose {
        return;
    }
    let filter = Targets::new().with_target("sagescope", tracing::Level::INFO);
    let _ = tracing_subscriber::registry()
        .with(
            tracing_subscriber::fmt::layer()
                .with_writer(std::io::stderr)
                .with_target(false)
                .without_time()
                .with_filter(filter),
        )
        .try_init();
}
