//! Name resolution of AWS service endpoints, the way the SDK in a Studio app
//! sees it.
//!
//! An interface endpoint answers for the service's public name only when
//! the endpoint has PrivateDnsEnabled *and* the VPC has both enableDnsSupport
//! and enableDnsHostnames (F4, F5); and only through the Amazon-provided
//! resolver: with custom DHCP name servers the answer depends on resolvers
//! sagescope cannot see, so the verdict is `unknown`. Otherwise the name
//! resolves to the service's public addresses, which only a NAT gateway (or
//! an internet gateway with a public IP) reaches. S3 is special: a gateway
//! endpoint changes routing, not DNS, so S3 keeps its public addresses and
//! the prefix-list route carries them.

use crate::findings::{Code, Decision, Kind, Note, Rule, Why};
use crate::snapshot::EndpointType;

use super::super::atoms::{ip_iv, net_iv, AddrMatch, AtomKind};
use super::super::devices::endpoint_serves;
use super::super::env::Ctx;
use super::super::result::{Blocker, Direction, Hop};
use super::super::space::Iv;
use super::{Resolved, ResolvedParts};

/// The PrivateLink service name of a service suffix in a region.
pub fn endpoint_service_name(service: &str, region: &str) -> String {
    match service {
        "studio" | "notebook" | "experiments" | "partner-app" => {
            format!("aws.sagemaker.{region}.{service}")
        }
        _ => format!("com.amazonaws.{region}.{service}"),
    }
}

/// The public DNS name clients use (for witness text only).
pub fn public_name(service: &str, region: &str) -> String {
    match service {
        "sagemaker.api" => format!("api.sagemaker.{region}.amazonaws.com"),
        "sagemaker.runtime" => format!("runtime.sagemaker.{region}.amazonaws.com"),
        "studio" => format!("studio.{region}.sagemaker.aws"),
        "ecr.api" => format!("api.ecr.{region}.amazonaws.com"),
        "ecr.dkr" => format!("*.dkr.ecr.{region}.amazonaws.com"),
        s => format!("{s}.{region}.amazonaws.com"),
    }
}

/// ip-ranges.json service keys for a service suffix.
fn ip_ranges_service(service: &str) -> &'static str {
    match service {
        "s3" => "S3",
        "dynamodb" => "DYNAMODB",
        "ec2" => "EC2",
        _ => "AMAZON",
    }
}

pub(in crate::engine) fn resolve_service(
    cx: &mut Ctx<'_>,
    vpc: Option<&str>,
    service: &str,
    region: &str,
) -> Resolved {
    let topo = cx.topo();
    let name = endpoint_service_name(service, region);
    let host = public_name(service, region);
    let mut hops = Vec::new();
    let mut blockers = Vec::new();
    let mut unknown = false;

    let Some(vpc_id) = vpc else {
        cx.note(Note::SourceVpcUnknown { host: host.clone() });
        return ResolvedParts {
            addrs: AddrMatch::default(),
            label: host,
            pre_hops: hops,
            pre_blockers: blockers,
            unknown: true,
        }
        .into();
    };
    let v = topo.vpc(vpc_id);
    let endpoints: Vec<_> = topo
        .endpoints_of_vpc(vpc_id)
        .filter(|e| e.service_name == name)
        .collect();
    let gateway = endpoints
        .iter()
        .find(|e| e.endpoint_type == EndpointType::Gateway);
    let interface = endpoints
        .iter()
        .find(|e| e.endpoint_type == EndpointType::Interface && endpoint_serves(e));
    if let Some(e) = endpoints
        .iter()
        .find(|e| e.endpoint_type == EndpointType::Interface && !endpoint_serves(e))
    {
        cx.note(Note::EndpointState {
            endpoint: e.id.clone(),
            service: name.clone(),
            state: e.state.clone().unwrap_or_default(),
        });
    }

    // Name resolution through the Amazon resolver?
    let dhcp_custom = v
        .and_then(|v| v.dhcp_options_id.as_deref())
        .and_then(|d| topo.dhcp_options(d))
        .filter(|d| {
            !d.domain_name_servers.is_empty()
                && d.domain_name_servers
                    .iter()
                    .any(|s| s != "AmazonProvidedDNS")
        });
    let dns_support = v.and_then(|v| v.enable_dns_support);
    let dns_hostnames = v.and_then(|v| v.enable_dns_hostnames);

    let use_interface = match (interface, gateway) {
        // S3: with a gateway endpoint in the VPC, in-VPC clients keep using
        // the gateway (private DNS for S3 interface endpoints defaults to
        // inbound-resolver-only in that case).
        (Some(_), Some(_)) if service == "s3" => None,
        (Some(i), _) => Some(*i),
        _ => None,
    };

    if let Some(ep) = use_interface {
        if let Some(d) = dhcp_custom {
            unknown = true;
            cx.note(Note::CustomDns {
                vpc: vpc_id.to_string(),
                dhcp: d.id.clone(),
                servers: d.domain_name_servers.clone(),
                host: host.clone(),
                endpoint: ep.id.clone(),
            });
        }
        // Issue 6: DHCP options the VPC names but the snapshot lacks may
        // hold custom name servers just as well: unknown, like those.
        if let Some(d) = v
            .and_then(|v| v.dhcp_options_id.as_deref())
            .filter(|d| *d != "default" && topo.dhcp_options(d).is_none())
        {
            unknown = true;
            cx.note(Note::DhcpMissing {
                vpc: vpc_id.to_string(),
                dhcp: d.to_string(),
                host: host.clone(),
                endpoint: ep.id.clone(),
            });
        }
        // Private DNS that the input did not state (or stated unreadably)
        // is taken as possibly on: the name may resolve to the endpoint or
        // to the public addresses, so the verdict is unknown at best.
        if ep.private_dns_enabled.is_none() {
            unknown = true;
            cx.note(Note::PrivateDnsUnknown {
                endpoint: ep.id.clone(),
                host: host.clone(),
            });
        }
        let maybe_private_dns = ep.private_dns_enabled != Some(false);
        let private_dns = ep.private_dns_enabled == Some(true)
            && dns_support == Some(true)
            && dns_hostnames == Some(true);
        if maybe_private_dns
            && (dns_support.is_none() || dns_hostnames.is_none())
            && dns_support != Some(false)
            && dns_hostnames != Some(false)
        {
            unknown = true;
            cx.note(Note::DnsAttributesAssumed {
                vpc: vpc_id.to_string(),
                endpoint: ep.id.clone(),
            });
        }
        if private_dns
            || (unknown
                && maybe_private_dns
                && dns_support != Some(false)
                && dns_hostnames != Some(false))
        {
            let mut ivs = Vec::new();
            let mut ips = Vec::new();
            for eni in &ep.network_interface_ids {
                match topo.eni(eni) {
                    Some(e) => {
                        for p in &e.private_ips {
                            ivs.push(ip_iv(p.address));
                            ips.push(p.address);
                        }
                    }
                    None => {
                        unknown = true;
                        cx.note(Note::EndpointEniMissing {
                            endpoint: ep.id.clone(),
                            eni: eni.clone(),
                        });
                    }
                }
            }
            if ep.network_interface_ids.is_empty() {
                unknown = true;
                cx.note(Note::EndpointNoEnis {
                    endpoint: ep.id.clone(),
                });
            }
            hops.push(Hop {
                resource: ep.id.clone(),
                kind: Kind::Dns,
                decision: Decision::Resolve,
                rule: Rule::ResolvesToEndpoint {
                    host: host.clone(),
                    ips,
                    endpoint: ep.id.clone(),
                },
            });
            return ResolvedParts {
                addrs: AddrMatch::exact(ivs),
                label: format!("{service} via {}", ep.id),
                pre_hops: hops,
                pre_blockers: blockers,
                unknown,
            }
            .into();
        }
        // The endpoint exists but its name is not the service's.
        let (res, code, why) = if ep.private_dns_enabled == Some(false) {
            (
                ep.id.clone(),
                Code::PrivateDnsDisabled,
                Why::PrivateDnsDisabled {
                    endpoint: ep.id.clone(),
                    service: name.clone(),
                    host: host.clone(),
                },
            )
        } else {
            (
                vpc_id.to_string(),
                Code::VpcDnsAttributesDisabled,
                Why::DnsAttributes {
                    vpc: vpc_id.to_string(),
                    support: dns_support,
                    hostnames: dns_hostnames,
                    endpoint: ep.id.clone(),
                },
            )
        };
        blockers.push(Blocker {
            resource: res.clone(),
            kind: if code == Code::PrivateDnsDisabled {
                Kind::VpcEndpoint
            } else {
                Kind::Vpc
            },
            direction: Direction::Forward,
            code,
            reason: why.into(),
        });
        hops.push(Hop {
            resource: res,
            kind: Kind::Dns,
            decision: Decision::Resolve,
            rule: Rule::EndpointNotUsed {
                host: host.clone(),
                endpoint: ep.id.clone(),
            },
        });
    } else if gateway.is_none() {
        blockers.push(Blocker {
            resource: vpc_id.to_string(),
            kind: Kind::Vpc,
            direction: Direction::Forward,
            code: Code::NoVpcEndpoint,
            reason: Why::NoEndpoint {
                vpc: vpc_id.to_string(),
                service: name.clone(),
                host: host.clone(),
            }
            .into(),
        });
        hops.push(Hop {
            resource: host.clone(),
            kind: Kind::Dns,
            decision: Decision::Resolve,
            rule: Rule::NoEndpointFor {
                host: host.clone(),
                service: name.clone(),
            },
        });
    } else {
        hops.push(Hop {
            resource: host.clone(),
            kind: Kind::Dns,
            decision: Decision::Resolve,
            rule: Rule::Public { host: host.clone() },
        });
    }

    // The public name is answered by the Amazon resolver only when the VPC
    // has enableDnsSupport (custom DHCP name servers answer on their own).
    if dhcp_custom.is_none() {
        match dns_support {
            Some(false) => {
                blockers.push(Blocker {
                    resource: vpc_id.to_string(),
                    kind: Kind::Vpc,
                    direction: Direction::Forward,
                    code: Code::VpcDnsAttributesDisabled,
                    reason: Why::NoResolver {
                        vpc: vpc_id.to_string(),
                        host: host.clone(),
                    }
                    .into(),
                });
                hops.push(Hop {
                    resource: vpc_id.to_string(),
                    kind: Kind::Dns,
                    decision: Decision::Deny,
                    rule: Rule::NoResolution { host: host.clone() },
                });
                return ResolvedParts {
                    addrs: AddrMatch::default(),
                    label: host,
                    pre_hops: hops,
                    pre_blockers: blockers,
                    unknown: false,
                }
                .into();
            }
            None => {
                unknown = true;
                cx.note(Note::DnsAttributesUnknown {
                    vpc: vpc_id.to_string(),
                    host: host.clone(),
                });
            }
            Some(true) => {}
        }
    }

    // The public addresses: ip-ranges.json, else the service's managed
    // prefix list, else a symbolic atom.
    let key = ip_ranges_service(service);
    let from_ranges: Vec<Iv> = cx
        .settings()
        .ip_ranges
        .as_ref()
        .map(|r| {
            r.prefixes
                .iter()
                .filter(|(s, reg, _)| s == key && reg == region)
                .map(|(_, _, n)| net_iv(*n))
                .collect()
        })
        .unwrap_or_default();
    let addrs = if !from_ranges.is_empty() {
        AddrMatch::exact(from_ranges)
    } else if let Some(pl) = topo
        .snapshot
        .prefix_lists
        .iter()
        .find(|p| p.name == name && p.entries_known && !p.cidrs.is_empty())
    {
        AddrMatch::exact(
            pl.cidrs
                .iter()
                .filter_map(|c| match c {
                    ipnet::IpNet::V4(n) => Some(net_iv(*n)),
                    _ => None,
                })
                .collect(),
        )
    } else {
        let a = cx.atoms_mut().add(AtomKind::Service {
            service: service.to_string(),
            region: region.to_string(),
        });
        AddrMatch::exact(vec![Iv::point(a)])
    };
    ResolvedParts {
        addrs,
        label: format!("{service} public endpoint"),
        pre_hops: hops,
        pre_blockers: blockers,
        unknown,
    }
    .into()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn service_names() {
        assert_eq!(
            endpoint_service_name("sagemaker.api", "eu-west-1"),
            "com.amazonaws.eu-west-1.sagemaker.api"
        );
        assert_eq!(
            endpoint_service_name("studio", "eu-west-1"),
            "aws.sagemaker.eu-west-1.studio"
        );
    }
}
