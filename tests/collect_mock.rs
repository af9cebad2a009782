//! The collector with the SDK's own mocking utility (aws-smithy-mocks):
//! pagination, throttling then success, 5xx then success, AccessDenied and
//! a call that keeps failing, each through the real SDK retry strategy.
#![cfg(feature = "aws")]

use std::time::Duration;

use aws_sdk_ec2::config::retry::RetryConfig;
use aws_sdk_ec2::config::{BehaviorVersion, Credentials, Region};
use aws_sdk_ec2::error::ErrorMetadata;
use aws_sdk_ec2::operation::describe_network_acls::{
    DescribeNetworkAclsError, DescribeNetworkAclsOutput,
};
use aws_sdk_ec2::operation::describe_security_groups::DescribeSecurityGroupsOutput;
use aws_sdk_ec2::operation::describe_subnets::{DescribeSubnetsError, DescribeSubnetsOutput};
use aws_sdk_ec2::types as ec2t;
use aws_sdk_sagemaker::types as smt;
use aws_smithy_mocks::{create_mock_http_client, mock, MockResponseInterceptor, Rule, RuleMode};
use sagescope::collect::{collect, Clients, Collection, LiveOptions};

fn retry() -> RetryConfig {
    RetryConfig::standard()
        .with_max_attempts(3)
        .with_initial_backoff(Duration::from_millis(1))
}

fn interceptor(rules: &[Rule]) -> MockResponseInterceptor {
    let mut i = MockResponseInterceptor::new().rule_mode(RuleMode::MatchAny);
    for r in rules {
        i = i.with_rule(r);
    }
    i
}

/// Clients whose every call is answered by the first matching rule.
fn clients(rules: &[Rule]) -> Clients {
    let creds = Credentials::new("AKIDEXAMPLE", "secret", None, None, "test");
    let region = Region::new("us-east-1");
    Clients {
        ec2: aws_sdk_ec2::Client::from_conf(
            aws_sdk_ec2::Config::builder()
                .behavior_version(BehaviorVersion::latest())
                .region(region.clone())
                .credentials_provider(creds.clone())
                .http_client(create_mock_http_client())
                .interceptor(interceptor(rules))
                .retry_config(retry())
                .build(),
        ),
        efs: aws_sdk_efs::Client::from_conf(
            aws_sdk_efs::Config::builder()
                .behavior_version(BehaviorVersion::latest())
                .region(region.clone())
                .credentials_provider(creds.clone())
                .http_client(create_mock_http_client())
                .interceptor(interceptor(rules))
                .retry_config(retry())
                .build(),
        ),
        sagemaker: aws_sdk_sagemaker::Client::from_conf(
            aws_sdk_sagemaker::Config::builder()
                .behavior_version(BehaviorVersion::latest())
                .region(region)
                .credentials_provider(creds)
                .http_client(create_mock_http_client())
                .interceptor(interceptor(rules))
                .retry_config(retry())
                .build(),
        ),
    }
}

fn sg(id: &str, peer: Option<&str>) -> ec2t::SecurityGroup {
    let mut perm = ec2t::IpPermission::builder()
        .ip_protocol("tcp")
        .from_port(443)
        .to_port(443);
    if let Some(p) = peer {
        perm = perm.user_id_group_pairs(ec2t::UserIdGroupPair::builder().group_id(p).build());
    }
    ec2t::SecurityGroup::builder()
        .group_id(id)
        .group_name(id)
        .vpc_id("vpc-1")
        .ip_permissions(perm.build())
        .build()
}

fn subnets() -> DescribeSubnetsOutput {
    DescribeSubnetsOutput::builder()
        .subnets(
            ec2t::Subnet::builder()
                .subnet_id("subnet-1")
                .vpc_id("vpc-1")
                .cidr_block("10.0.1.0/24")
                .availability_zone("us-east-1a")
                .build(),
        )
        .build()
}

fn nacls() -> DescribeNetworkAclsOutput {
    DescribeNetworkAclsOutput::builder()
        .network_acls(
            ec2t::NetworkAcl::builder()
                .network_acl_id("acl-1")
                .vpc_id("vpc-1")
                .associations(
                    ec2t::NetworkAclAssociation::builder()
                        .subnet_id("subnet-1")
                        .build(),
                )
                .build(),
        )
        .build()
}

/// One VpcOnly domain in vpc-1 with two user profiles; its security groups
/// come in two pages, and so do its profiles.
fn domain_rules() -> Vec<Rule> {
    use aws_sdk_ec2::Client as Ec2;
    use aws_sdk_sagemaker::Client as Sm;
    vec![
        mock!(Sm::describe_domain).then_output(|| {
            aws_sdk_sagemaker::operation::describe_domain::DescribeDomainOutput::builder()
                .domain_id("d-1")
                .domain_arn("arn:aws:sagemaker:us-east-1:111122223333:domain/d-1")
                .vpc_id("vpc-1")
                .subnet_ids("subnet-1")
                .app_network_access_type(smt::AppNetworkAccessType::VpcOnly)
                .default_user_settings(smt::UserSettings::builder().security_groups("sg-1").build())
                .build()
        }),
        mock!(Sm::list_user_profiles)
            .match_requests(|r| r.next_token().is_none())
            .then_output(|| {
                aws_sdk_sagemaker::operation::list_user_profiles::ListUserProfilesOutput::builder()
                    .user_profiles(
                        smt::UserProfileDetails::builder()
                            .domain_id("d-1")
                            .user_profile_name("alice")
                            .build(),
                    )
                    .next_token("page-2")
                    .build()
            }),
        mock!(Sm::list_user_profiles)
            .match_requests(|r| r.next_token() == Some("page-2"))
            .then_output(|| {
                aws_sdk_sagemaker::operation::list_user_profiles::ListUserProfilesOutput::builder()
                    .user_profiles(
                        smt::UserProfileDetails::builder()
                            .domain_id("d-1")
                            .user_profile_name("bob")
                            .build(),
                    )
                    .build()
            }),
        mock!(Sm::describe_user_profile).then_compute_output(|req| {
            aws_sdk_sagemaker::operation::describe_user_profile::DescribeUserProfileOutput::builder()
                .domain_id("d-1")
                .user_profile_name(req.user_profile_name().unwrap_or_default())
                .user_settings(smt::UserSettings::builder().security_groups("sg-2").build())
                .build()
        }),
        mock!(Sm::list_spaces).then_output(|| {
            aws_sdk_sagemaker::operation::list_spaces::ListSpacesOutput::builder().build()
        }),
        mock!(Sm::list_apps)
            .then_output(|| aws_sdk_sagemaker::operation::list_apps::ListAppsOutput::builder().build()),
        mock!(Ec2::describe_vpcs).then_output(|| {
            aws_sdk_ec2::operation::describe_vpcs::DescribeVpcsOutput::builder()
                .vpcs(ec2t::Vpc::builder().vpc_id("vpc-1").cidr_block("10.0.0.0/16").build())
                .build()
        }),
        mock!(Ec2::describe_vpc_attribute).then_output(|| {
            let yes = ec2t::AttributeBooleanValue::builder().value(true).build();
            aws_sdk_ec2::operation::describe_vpc_attribute::DescribeVpcAttributeOutput::builder()
                .vpc_id("vpc-1")
                .enable_dns_support(yes.clone())
                .enable_dns_hostnames(yes)
                .build()
        }),
        mock!(Ec2::describe_subnets).then_output(subnets),
        mock!(Ec2::describe_route_tables).then_output(|| {
            aws_sdk_ec2::operation::describe_route_tables::DescribeRouteTablesOutput::builder().build()
        }),
        mock!(Ec2::describe_network_acls).then_output(nacls),
        mock!(Ec2::describe_security_groups)
            .match_requests(|r| r.next_token().is_none())
            .then_output(|| {
                DescribeSecurityGroupsOutput::builder()
                    .security_groups(sg("sg-1", Some("sg-2")))
                    .next_token("sg-page-2")
                    .build()
            }),
        mock!(Ec2::describe_security_groups)
            .match_requests(|r| r.next_token() == Some("sg-page-2"))
            .then_output(|| {
                DescribeSecurityGroupsOutput::builder()
                    .security_groups(sg("sg-2", None))
                    .build()
            }),
        mock!(Ec2::describe_vpc_endpoints).then_output(|| {
            aws_sdk_ec2::operation::describe_vpc_endpoints::DescribeVpcEndpointsOutput::builder()
                .vpc_endpoints(
                    ec2t::VpcEndpoint::builder()
                        .vpc_endpoint_id("vpce-1")
                        .vpc_id("vpc-1")
                        .service_name("com.amazonaws.us-east-1.sagemaker.api")
                        .vpc_endpoint_type(ec2t::VpcEndpointType::Interface)
                        // What the API sends; the SDK enum expects "Available".
                        .state(ec2t::State::from("available"))
                        .build(),
                )
                .build()
        }),
        mock!(Ec2::describe_nat_gateways).then_output(|| {
            aws_sdk_ec2::operation::describe_nat_gateways::DescribeNatGatewaysOutput::builder().build()
        }),
        mock!(Ec2::describe_internet_gateways).then_output(|| {
            aws_sdk_ec2::operation::describe_internet_gateways::DescribeInternetGatewaysOutput::builder()
                .build()
        }),
        mock!(Ec2::describe_egress_only_internet_gateways).then_output(|| {
            aws_sdk_ec2::operation::describe_egress_only_internet_gateways::DescribeEgressOnlyInternetGatewaysOutput::builder().build()
        }),
        mock!(Ec2::describe_network_interfaces).then_output(|| {
            aws_sdk_ec2::operation::describe_network_interfaces::DescribeNetworkInterfacesOutput::builder()
                .build()
        }),
        mock!(Ec2::describe_prefix_lists).then_output(|| {
            aws_sdk_ec2::operation::describe_prefix_lists::DescribePrefixListsOutput::builder().build()
        }),
    ]
}

async fn run(overrides: Vec<Rule>) -> Collection {
    let mut rules = overrides;
    rules.extend(domain_rules());
    let opts = LiveOptions {
        domain_ids: vec!["d-1".into()],
        ..LiveOptions::default()
    };
    collect(clients(&rules), "us-east-1", &opts).await.unwrap()
}

fn ids<T>(v: &[T], id: impl Fn(&T) -> &str) -> Vec<String> {
    v.iter().map(|x| id(x).to_string()).collect()
}

#[tokio::test]
async fn every_page_is_collected() {
    let c = run(vec![]).await;
    let s = &c.snapshot;
    assert!(s.gaps.is_empty(), "{:?}", s.gaps);
    assert_eq!(ids(&s.security_groups, |g| &g.id), ["sg-1", "sg-2"]);
    assert_eq!(
        c.calls["ec2:DescribeSecurityGroups"], 2,
        "two pages, two requests"
    );
    assert_eq!(ids(&s.user_profiles, |p| &p.name), ["alice", "bob"]);
    assert_eq!(c.calls["sagemaker:ListUserProfiles"], 2);
    assert_eq!(c.calls["sagemaker:DescribeUserProfile"], 2);
    assert!(s.user_profiles.iter().all(|p| p.user_settings.is_some()));
    assert_eq!(s.vpcs[0].enable_dns_support, Some(true));
    // VPC endpoint State compared as a string, whatever the SDK enum says.
    assert_eq!(s.vpc_endpoints[0].state.as_deref(), Some("available"));
    assert!(s.domains[0].described);
    // Every operation the collector sent is read-only and in the policy.
    let policy: serde_json::Value =
        serde_json::from_str(include_str!("../iam-policy.json")).unwrap();
    let allowed: Vec<&str> = policy["Statement"][0]["Action"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a.as_str().unwrap())
        .collect();
    for op in c.calls.keys() {
        let name = op.split(':').nth(1).unwrap_or_default();
        assert!(
            ["Describe", "List", "Get"]
                .iter()
                .any(|p| name.starts_with(p)),
            "{op} is not a read-only operation"
        );
        let iam = op.replacen("efs:", "elasticfilesystem:", 1);
        assert!(
            allowed.contains(&iam.as_str()),
            "{op} not in iam-policy.json"
        );
    }
}

#[tokio::test]
async fn throttling_then_success_is_retried() {
    use aws_sdk_ec2::Client as Ec2;
    let throttled = mock!(Ec2::describe_subnets)
        .sequence()
        .error(|| {
            DescribeSubnetsError::generic(
                ErrorMetadata::builder()
                    .code("RequestLimitExceeded")
                    .message("Request limit exceeded.")
                    .build(),
            )
        })
        .times(2)
        .output(subnets)
        .build();
    let c = run(vec![throttled.clone()]).await;
    assert!(c.snapshot.gaps.is_empty(), "{:?}", c.snapshot.gaps);
    assert_eq!(ids(&c.snapshot.subnets, |s| &s.id), ["subnet-1"]);
    assert_eq!(
        throttled.num_calls(),
        3,
        "two throttled attempts, then success"
    );
}

#[tokio::test]
async fn server_error_then_success_is_retried() {
    use aws_sdk_ec2::Client as Ec2;
    let flaky = mock!(Ec2::describe_network_acls)
        .sequence()
        .http_status(503, None)
        .times(2)
        .output(nacls)
        .build();
    let c = run(vec![flaky.clone()]).await;
    assert!(c.snapshot.gaps.is_empty(), "{:?}", c.snapshot.gaps);
    assert_eq!(ids(&c.snapshot.network_acls, |a| &a.id), ["acl-1"]);
    assert_eq!(flaky.num_calls(), 3);
}

#[tokio::test]
async fn access_denied_becomes_a_gap_and_the_run_completes() {
    use aws_sdk_ec2::Client as Ec2;
    let denied = mock!(Ec2::describe_network_acls).then_error(|| {
        DescribeNetworkAclsError::generic(
            ErrorMetadata::builder()
                .code("UnauthorizedOperation")
                .message("You are not authorized to perform this operation.")
                .build(),
        )
    });
    let c = run(vec![denied.clone()]).await;
    let s = &c.snapshot;
    assert!(s.network_acls.is_empty());
    assert_eq!(s.gaps.len(), 1, "{:?}", s.gaps);
    let g = &s.gaps[0];
    assert_eq!(g.api, "ec2:DescribeNetworkAcls");
    assert_eq!(g.resource.as_deref(), Some("vpc-1"));
    assert_eq!(g.iam_action.as_deref(), Some("ec2:DescribeNetworkAcls"));
    assert!(g.error.starts_with("UnauthorizedOperation"), "{}", g.error);
    assert_eq!(denied.num_calls(), 1, "access denied is not retried");
    // Everything else was still collected.
    assert_eq!(ids(&s.security_groups, |g| &g.id), ["sg-1", "sg-2"]);
    assert_eq!(ids(&s.subnets, |x| &x.id), ["subnet-1"]);
}

#[tokio::test]
async fn a_call_that_keeps_failing_becomes_a_gap() {
    use aws_sdk_ec2::Client as Ec2;
    let down = mock!(Ec2::describe_vpc_endpoints)
        .sequence()
        .http_status(500, None)
        .repeatedly()
        .build();
    let c = run(vec![down.clone()]).await;
    let s = &c.snapshot;
    assert!(s.vpc_endpoints.is_empty());
    assert_eq!(s.gaps.len(), 1, "{:?}", s.gaps);
    assert_eq!(s.gaps[0].api, "ec2:DescribeVpcEndpoints");
    assert_eq!(down.num_calls(), 3, "the SDK's three attempts");
}

/// The importer's rule, live: an unreadable route keeps its destination
/// with an unknown target, an unreadable destination makes its table
/// unknown, and an unreadable NACL entry skips the whole ACL. Nothing is
/// silently dropped, so no verdict through them can be `reachable`.
#[tokio::test]
async fn unreadable_routes_and_acl_entries_make_verdicts_unknown() {
    use aws_sdk_ec2::operation::describe_route_tables::DescribeRouteTablesOutput;
    use aws_sdk_ec2::Client as Ec2;
    use sagescope::snapshot::{RouteDestination, RouteTarget};
    let local = || {
        ec2t::Route::builder()
            .destination_cidr_block("10.0.0.0/16")
            .gateway_id("local")
            .build()
    };
    let tables = mock!(Ec2::describe_route_tables).then_output(move || {
        DescribeRouteTablesOutput::builder()
            .route_tables(
                ec2t::RouteTable::builder()
                    .route_table_id("rtb-1")
                    .vpc_id("vpc-1")
                    .associations(ec2t::RouteTableAssociation::builder().main(true).build())
                    .routes(local())
                    // A destination without any target.
                    .routes(
                        ec2t::Route::builder()
                            .destination_cidr_block("0.0.0.0/0")
                            .build(),
                    )
                    .build(),
            )
            .route_tables(
                ec2t::RouteTable::builder()
                    .route_table_id("rtb-2")
                    .vpc_id("vpc-1")
                    .routes(local())
                    // An unreadable destination.
                    .routes(
                        ec2t::Route::builder()
                            .destination_cidr_block("10.300.0.0/16")
                            .nat_gateway_id("nat-1")
                            .build(),
                    )
                    .build(),
            )
            .build()
    });
    let entry = |n: i32, protocol: &str| {
        ec2t::NetworkAclEntry::builder()
            .rule_number(n)
            .egress(false)
            .protocol(protocol)
            .rule_action(ec2t::RuleAction::Allow)
            .cidr_block("0.0.0.0/0")
            .build()
    };
    let acls = mock!(Ec2::describe_network_acls).then_output(move || {
        DescribeNetworkAclsOutput::builder()
            .network_acls(
                ec2t::NetworkAcl::builder()
                    .network_acl_id("acl-1")
                    .vpc_id("vpc-1")
                    .associations(
                        ec2t::NetworkAclAssociation::builder()
                            .subnet_id("subnet-1")
                            .build(),
                    )
                    .entries(entry(100, "-1"))
                    // A deny the engine would need; unreadable protocol.
                    .entries(entry(90, "bogus"))
                    .build(),
            )
            .network_acls(
                ec2t::NetworkAcl::builder()
                    .network_acl_id("acl-2")
                    .vpc_id("vpc-1")
                    .entries(entry(100, "-1"))
                    .build(),
            )
            .build()
    });
    let c = run(vec![tables, acls]).await;
    let s = &c.snapshot;
    let unreadable = RouteTarget::Other("unreadable-route-target".into());

    let rtb1 = s.route_tables.iter().find(|t| t.id == "rtb-1").unwrap();
    assert_eq!(rtb1.routes.len(), 2, "nothing dropped: {:?}", rtb1.routes);
    let default = rtb1
        .routes
        .iter()
        .find(|r| r.destination == RouteDestination::Ipv4("0.0.0.0/0".parse().unwrap()))
        .expect("the route without a target is kept");
    assert_eq!(default.target, unreadable);

    let rtb2 = s.route_tables.iter().find(|t| t.id == "rtb-2").unwrap();
    assert_eq!(rtb2.routes.len(), 1, "the whole table is unknown");
    assert_eq!(rtb2.routes[0].target, unreadable);
    assert_eq!(
        rtb2.routes[0].destination,
        RouteDestination::Ipv4("0.0.0.0/0".parse().unwrap())
    );

    assert_eq!(
        ids(&s.network_acls, |a| &a.id),
        ["acl-2"],
        "acl-1 is skipped as a whole"
    );
    let msgs: Vec<&str> = s.diagnostics.iter().map(|d| d.message.as_str()).collect();
    for want in [
        "rtb-1: Routes[1]: no target",
        "kept with an unknown target",
        "rtb-2: Routes[1]: \"10.300.0.0/16\" is not an IPv4 CIDR block; every route of rtb-2 is unknown",
        "acl-1: Entries[1]: rule 90:",
        "the whole ACL is skipped",
    ] {
        assert!(msgs.iter().any(|m| m.contains(want)), "{want:?} in {msgs:?}");
    }

    // The verdicts from subnet-1 (no readable ACL, main table with an
    // unknown default route) are never reachable.
    let (topo, _) = sagescope::graph::Topology::build(s);
    let results = sagescope::query::run_queries(
        s,
        &topo,
        &sagescope::query::builtin_queries().unwrap(),
        &sagescope::engine::Settings::default(),
        &sagescope::query::Filters::default(),
    );
    let from_subnet: Vec<_> = results
        .iter()
        .filter(|r| r.source.subnet_id == "subnet-1")
        .collect();
    assert!(!from_subnet.is_empty());
    for r in from_subnet {
        assert_ne!(
            r.verdict,
            sagescope::engine::Verdict::Reachable,
            "{} {}",
            r.query,
            r.destination
        );
    }
}
