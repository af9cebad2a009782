//! One AWS API call: a concurrency permit, progress, a log line, a count,
//! and on failure a [`Gap`] in the snapshot instead of an error.
//!
//! The SDK's retry strategy (standard mode: exponential backoff with jitter,
//! throttling and 5xx are retried) and its timeouts run *inside* each call;
//! what reaches this module has already been retried.

use std::collections::BTreeMap;
use std::fmt;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use aws_sdk_ec2::error::{DisplayErrorContext, ProvideErrorMetadata, SdkError};
use indicatif::ProgressBar;
use tokio::sync::{Semaphore, SemaphorePermit};

use crate::snapshot::{Diagnostic, Gap};

/// An API operation the collector calls: its service, its name, and the IAM
/// action that allows it (`iam-policy.json` lists exactly these).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Api {
    /// `ec2`, `efs` or `sagemaker`.
    pub service: &'static str,
    /// The operation, e.g. `DescribeSecurityGroups`.
    pub op: &'static str,
    /// IAM action(s) needed for the operation.
    pub iam: &'static [&'static str],
}

impl fmt::Display for Api {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.service, self.op)
    }
}

macro_rules! apis {
    ($($name:ident = $service:literal $op:literal [$($iam:literal),+];)+) => {
        $(pub const $name: Api = Api { service: $service, op: $op, iam: &[$($iam),+] };)+
        /// Every operation the collector can call.
        pub const ALL: &[Api] = &[$($name),+];
    };
}

/// The operations, in the order of `iam-policy.json`.
pub mod api {
    use super::Api;
    apis! {
        LIST_DOMAINS = "sagemaker" "ListDomains" ["sagemaker:ListDomains"];
        DESCRIBE_DOMAIN = "sagemaker" "DescribeDomain" ["sagemaker:DescribeDomain"];
        LIST_USER_PROFILES = "sagemaker" "ListUserProfiles" ["sagemaker:ListUserProfiles"];
        DESCRIBE_USER_PROFILE = "sagemaker" "DescribeUserProfile" ["sagemaker:DescribeUserProfile"];
        LIST_SPACES = "sagemaker" "ListSpaces" ["sagemaker:ListSpaces"];
        DESCRIBE_SPACE = "sagemaker" "DescribeSpace" ["sagemaker:DescribeSpace"];
        LIST_APPS = "sagemaker" "ListApps" ["sagemaker:ListApps"];
        DESCRIBE_VPCS = "ec2" "DescribeVpcs" ["ec2:DescribeVpcs"];
        DESCRIBE_VPC_ATTRIBUTE = "ec2" "DescribeVpcAttribute" ["ec2:DescribeVpcAttribute"];
        DESCRIBE_DHCP_OPTIONS = "ec2" "DescribeDhcpOptions" ["ec2:DescribeDhcpOptions"];
        DESCRIBE_SUBNETS = "ec2" "DescribeSubnets" ["ec2:DescribeSubnets"];
        DESCRIBE_ROUTE_TABLES = "ec2" "DescribeRouteTables" ["ec2:DescribeRouteTables"];
        DESCRIBE_NETWORK_ACLS = "ec2" "DescribeNetworkAcls" ["ec2:DescribeNetworkAcls"];
        DESCRIBE_SECURITY_GROUPS = "ec2" "DescribeSecurityGroups" ["ec2:DescribeSecurityGroups"];
        DESCRIBE_VPC_ENDPOINTS = "ec2" "DescribeVpcEndpoints" ["ec2:DescribeVpcEndpoints"];
        DESCRIBE_NAT_GATEWAYS = "ec2" "DescribeNatGateways" ["ec2:DescribeNatGateways"];
        DESCRIBE_INTERNET_GATEWAYS = "ec2" "DescribeInternetGateways" ["ec2:DescribeInternetGateways"];
        DESCRIBE_EGRESS_ONLY_INTERNET_GATEWAYS = "ec2" "DescribeEgressOnlyInternetGateways" ["ec2:DescribeEgressOnlyInternetGateways"];
        DESCRIBE_NETWORK_INTERFACES = "ec2" "DescribeNetworkInterfaces" ["ec2:DescribeNetworkInterfaces"];
        DESCRIBE_PREFIX_LISTS = "ec2" "DescribePrefixLists" ["ec2:DescribePrefixLists"];
        DESCRIBE_MANAGED_PREFIX_LISTS = "ec2" "DescribeManagedPrefixLists" ["ec2:DescribeManagedPrefixLists"];
        GET_MANAGED_PREFIX_LIST_ENTRIES = "ec2" "GetManagedPrefixListEntries" ["ec2:GetManagedPrefixListEntries"];
        DESCRIBE_FILE_SYSTEMS = "efs" "DescribeFileSystems" ["elasticfilesystem:DescribeFileSystems"];
        DESCRIBE_MOUNT_TARGETS = "efs" "DescribeMountTargets" ["elasticfilesystem:DescribeMountTargets"];
        // EFS checks the caller may read the mount target's ENI as well.
        DESCRIBE_MOUNT_TARGET_SECURITY_GROUPS = "efs" "DescribeMountTargetSecurityGroups" ["elasticfilesystem:DescribeMountTargetSecurityGroups", "ec2:DescribeNetworkInterfaceAttribute"];
    }
}

/// Why a call gave no data (after the SDK's retries).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Failure {
    /// `Code: message`, or what went wrong on the way.
    pub message: String,
    /// The service's error code, when the service answered.
    pub code: Option<String>,
    /// No HTTP answer at all (connection, DNS, TLS, credentials, timeout).
    pub transport: bool,
}

/// Words of an error, capped: AWS messages can carry an encoded
/// authorization blob that helps nobody in a snapshot.
fn cap(mut s: String) -> String {
    const MAX: usize = 400;
    if s.len() > MAX {
        let mut end = MAX;
        while !s.is_char_boundary(end) {
            end -= 1;
        }
        s.truncate(end);
        s.push('…');
    }
    s
}

/// Describe an SDK error without anything secret: the service's code and
/// message, or the kind of transport failure. Requests (and so signatures
/// and credentials) are never part of these errors.
pub fn failure<E>(e: &SdkError<E>) -> Failure
where
    E: ProvideErrorMetadata + std::error::Error + Send + Sync + 'static,
{
    match e {
        SdkError::ServiceError(se) => {
            let code = se.err().code().unwrap_or("Unknown").to_string();
            let status = se.raw().status().as_u16();
            let message = match se.err().message() {
                Some(m) if !m.is_empty() => format!("{code}: {m}"),
                _ => format!("{code} (HTTP {status})"),
            };
            Failure {
                message: cap(message),
                code: Some(code),
                transport: false,
            }
        }
        SdkError::ResponseError(r) => Failure {
            message: format!("unreadable response (HTTP {})", r.raw().status().as_u16()),
            code: None,
            transport: false,
        },
        SdkError::TimeoutError(_) => Failure {
            message: "timed out".into(),
            code: None,
            transport: true,
        },
        _ => Failure {
            message: cap(format!("{}", DisplayErrorContext(e))),
            code: None,
            transport: true,
        },
    }
}

/// What a collection run records besides data.
#[derive(Debug, Default)]
pub struct Record {
    pub gaps: Vec<Gap>,
    pub diagnostics: Vec<Diagnostic>,
    /// Requests sent per operation (`ec2:DescribeVpcs` -> 2); a paginated
    /// call counts one per page.
    pub calls: BTreeMap<String, u32>,
}

/// Shared by all the tasks of one collection run.
pub struct Calls {
    limit: Semaphore,
    record: Mutex<Record>,
    progress: Option<ProgressBar>,
    /// Calls started and not finished yet, by a serial number.
    in_flight: Mutex<BTreeMap<u64, (Api, Option<String>)>>,
    next: AtomicU64,
    /// The run's `--timeout` expired: nothing more is recorded.
    expired: AtomicBool,
}

/// One request in flight: counts it and logs it when finished.
pub struct Started<'a> {
    calls: &'a Calls,
    api: Api,
    resource: Option<String>,
    at: Instant,
    key: u64,
}

/// The gap that says a run was cut short by its `--timeout`.
pub const RUN_TIMEOUT_API: &str = "sagescope:collect";

impl Calls {
    pub fn new(concurrency: usize, progress: Option<ProgressBar>) -> Calls {
        Calls {
            limit: Semaphore::new(concurrency.max(1)),
            record: Mutex::new(Record::default()),
            progress,
            in_flight: Mutex::new(BTreeMap::new()),
            next: AtomicU64::new(0),
            expired: AtomicBool::new(false),
        }
    }

    /// Wait for one of the `--concurrency` slots.
    pub async fn permit(&self) -> SemaphorePermit<'_> {
        self.limit
            .acquire()
            .await
            .expect("the semaphore is never closed")
    }

    pub fn start(&self, api: Api, resource: Option<&str>) -> Started<'_> {
        if let Some(pb) = &self.progress {
            pb.inc_length(1);
            pb.set_message(api.to_string());
        }
        let key = self.next.fetch_add(1, Ordering::Relaxed);
        self.in_flight
            .lock()
            .unwrap()
            .insert(key, (api, resource.map(str::to_string)));
        Started {
            calls: self,
            api,
            resource: resource.map(str::to_string),
            at: Instant::now(),
            key,
        }
    }

    /// The run's `--timeout` expired: each call in flight becomes a gap,
    /// plus one for the calls not made yet. Later outcomes are ignored.
    pub fn expire(&self, after: Duration) {
        if self.expired.swap(true, Ordering::SeqCst) {
            return;
        }
        let pending = std::mem::take(&mut *self.in_flight.lock().unwrap());
        let mut rec = self.record.lock().unwrap();
        let secs = after.as_secs_f64();
        for (api, resource) in pending.into_values() {
            rec.gaps.push(Gap {
                api: api.to_string(),
                resource,
                iam_action: Some(api.iam.join(", ")),
                error: format!("not finished when the run's --timeout ({secs} s) expired"),
            });
        }
        rec.gaps.push(Gap {
            api: RUN_TIMEOUT_API.to_string(),
            resource: None,
            iam_action: None,
            error: format!(
                "the collection run stopped at its --timeout ({secs} s) before every call was \
                 made: the snapshot is incomplete"
            ),
        });
        tracing::warn!(
            target: "sagescope::collect",
            "the run's --timeout ({secs} s) expired: the snapshot is incomplete"
        );
    }

    pub fn warn(&self, d: Diagnostic) {
        self.record.lock().unwrap().diagnostics.push(d);
    }

    /// What the run recorded (the calls of tasks still being aborted
    /// after a `--timeout` add nothing more).
    pub fn take_record(&self) -> Record {
        self.expired.store(true, Ordering::SeqCst);
        if let Some(pb) = &self.progress {
            pb.finish_and_clear();
        }
        std::mem::take(&mut *self.record.lock().unwrap())
    }

    /// A single (not paginated) call.
    pub async fn one<T, E, F>(&self, api: Api, resource: Option<&str>, fut: F) -> Result<T, Failure>
    where
        F: std::future::Future<Output = Result<T, SdkError<E>>>,
        E: ProvideErrorMetadata + std::error::Error + Send + Sync + 'static,
    {
        let _permit = self.permit().await;
        let started = self.start(api, resource);
        let r = fut.await;
        match r {
            Ok(v) => {
                started.ok(1);
                Ok(v)
            }
            Err(e) => Err(started.failed(&e)),
        }
    }
}

impl Started<'_> {
    fn elapsed(&self) -> Duration {
        self.at.elapsed()
    }

    fn count(&self) {
        if self.calls.expired.load(Ordering::SeqCst) {
            return;
        }
        *self
            .calls
            .record
            .lock()
            .unwrap()
            .calls
            .entry(self.api.to_string())
            .or_default() += 1;
        if let Some(pb) = &self.calls.progress {
            pb.inc(1);
        }
    }

    /// The call succeeded after `pages` pages.
    pub fn ok(self, pages: u32) {
        self.calls.in_flight.lock().unwrap().remove(&self.key);
        self.count();
        tracing::info!(
            target: "sagescope::collect",
            "{} {} ok ({} ms{})",
            self.api,
            self.resource.as_deref().unwrap_or("-"),
            self.elapsed().as_millis(),
            if pages > 1 { format!(", {pages} pages") } else { String::new() }
        );
    }

    /// One more page of a paginated call was fetched (counted as a call).
    pub fn page(&self) {
        self.count();
    }

    /// The call failed for good: record a gap.
    pub fn failed<E>(self, e: &SdkError<E>) -> Failure
    where
        E: ProvideErrorMetadata + std::error::Error + Send + Sync + 'static,
    {
        let f = failure(e);
        self.count();
        self.fail_with(f)
    }

    /// Record `f` as a gap.
    pub fn fail_with(self, f: Failure) -> Failure {
        self.calls.in_flight.lock().unwrap().remove(&self.key);
        if self.calls.expired.load(Ordering::SeqCst) {
            return f;
        }
        tracing::warn!(
            target: "sagescope::collect",
            "{} {} failed after {} ms: {}",
            self.api,
            self.resource.as_deref().unwrap_or("-"),
            self.elapsed().as_millis(),
            f.message
        );
        let iam_action = Some(self.api.iam.join(", "));
        self.calls.record.lock().unwrap().gaps.push(Gap {
            api: self.api.to_string(),
            resource: self.resource.clone(),
            iam_action,
            error: f.message.clone(),
        });
        f
    }
}

/// Fetch every page of a paginator and flatten the items, as one call:
/// one permit for all its pages (they are sequential anyway), one count
/// per page. A page that fails (after retries) fails the whole list: a
/// partial list would look complete to the engine.
macro_rules! pages {
    ($calls:expr, $api:expr, $resource:expr, $paginator:expr, |$page:ident| $items:expr) => {{
        let calls: &$crate::collect::call::Calls = $calls;
        let _permit = calls.permit().await;
        let started = calls.start($api, $resource);
        let mut stream = $paginator.send();
        let mut out = Vec::new();
        let mut pages: u32 = 0;
        let mut failed = None;
        while let Some(page) = stream.next().await {
            match page {
                Ok($page) => {
                    pages += 1;
                    if pages > 1 {
                        started.page();
                    }
                    out.extend($items);
                }
                Err(e) => {
                    failed = Some(e);
                    break;
                }
            }
        }
        match failed {
            None => {
                started.ok(pages.max(1));
                Ok(out)
            }
            Some(e) => Err(started.failed(&e)),
        }
    }};
}
pub(crate) use pages;
