//! PURE. AWS CLI v2 command lines, one builder per call sagescope suggests.
//!
//! Every builder takes the real ids; where a value cannot be known from a
//! snapshot (a resource that does not exist yet, a free CIDR) the caller
//! passes a placeholder in angle brackets (`<new-sg-id>`), which
//! [`placeholder`] makes and the table shows as is. Arguments that hold
//! JSON or shell metacharacters are single-quoted, so each line can be
//! pasted into a POSIX shell.

use ipnet::{Ipv4Net, Ipv6Net};

use crate::snapshot::{PortRange, Protocol, RouteDestination, SgRule};

/// `<what>`: a value the user must fill in.
pub fn placeholder(what: &str) -> String {
    format!("<{what}>")
}

/// Quote one shell word when it needs it (JSON, shorthand with brackets,
/// spaces).
pub fn sh(word: &str) -> String {
    let safe = !word.is_empty()
        && word.chars().all(|c| {
            c.is_ascii_alphanumeric()
                || matches!(c, '-' | '_' | '.' | '/' | ':' | ',' | '=' | '@' | '+')
        });
    if safe {
        word.to_string()
    } else {
        format!("'{}'", word.replace('\'', r"'\''"))
    }
}

/// Build `aws <service> <op> --flag value ...` with `--region` last.
#[derive(Debug, Clone)]
pub struct Cmd {
    parts: Vec<String>,
    region: Option<String>,
}

impl Cmd {
    pub fn new(service: &str, op: &str, region: Option<&str>) -> Cmd {
        Cmd {
            parts: vec!["aws".into(), service.into(), op.into()],
            region: region.map(str::to_string),
        }
    }
    /// `--flag value` (value quoted when needed; placeholders are not).
    pub fn arg(mut self, flag: &str, value: &str) -> Cmd {
        self.parts.push(format!("--{flag}"));
        self.parts.push(word(value));
        self
    }
    /// `--flag v1 v2 ...`.
    pub fn args<S: AsRef<str>>(mut self, flag: &str, values: &[S]) -> Cmd {
        self.parts.push(format!("--{flag}"));
        self.parts.extend(values.iter().map(|v| word(v.as_ref())));
        self
    }
    /// A bare `--flag`.
    pub fn flag(mut self, flag: &str) -> Cmd {
        self.parts.push(format!("--{flag}"));
        self
    }
    pub fn build(self) -> String {
        let mut s = self.parts.join(" ");
        if let Some(r) = self.region {
            s.push_str(" --region ");
            s.push_str(&r);
        }
        s
    }
}

fn word(v: &str) -> String {
    // `<new-sg-id>` stays readable; it is not meant to be run as is.
    if v.starts_with('<') && v.ends_with('>') && !v.contains(' ') {
        v.to_string()
    } else {
        sh(v)
    }
}

/// The `IpProtocol` value of `--ip-permissions` shorthand.
fn ip_protocol(p: Protocol) -> String {
    match p {
        Protocol::All => "-1".into(),
        Protocol::Number(6) => "tcp".into(),
        Protocol::Number(17) => "udp".into(),
        Protocol::Number(1) => "icmp".into(),
        Protocol::Number(58) => "icmpv6".into(),
        Protocol::Number(n) => n.to_string(),
    }
}

/// The peer of a security group rule to add.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Peer {
    Group(String),
    Cidr(Ipv4Net),
    Cidr6(Ipv6Net),
    PrefixList(String),
}

/// One `--ip-permissions` shorthand value: protocol, ports, one peer.
pub fn ip_permission(protocol: Protocol, ports: PortRange, peer: &Peer) -> String {
    let mut s = format!("IpProtocol={}", ip_protocol(protocol));
    if protocol.has_ports() {
        s.push_str(&format!(",FromPort={},ToPort={}", ports.from, ports.to));
    }
    s.push(',');
    s.push_str(&match peer {
        Peer::Group(g) => format!("UserIdGroupPairs=[{{GroupId={g}}}]"),
        Peer::Cidr(c) => format!("IpRanges=[{{CidrIp={c}}}]"),
        Peer::Cidr6(c) => format!("Ipv6Ranges=[{{CidrIpv6={c}}}]"),
        Peer::PrefixList(p) => format!("PrefixListIds=[{{PrefixListId={p}}}]"),
    });
    s
}

/// An existing rule as `--ip-permissions` shorthand (to revoke it exactly).
pub fn rule_permission(rule: &SgRule) -> String {
    let mut s = format!("IpProtocol={}", ip_protocol(rule.protocol));
    if let (Some(f), Some(t)) = (rule.from_port, rule.to_port) {
        if rule.protocol != Protocol::All {
            s.push_str(&format!(",FromPort={f},ToPort={t}"));
        }
    }
    let join = |items: Vec<String>| items.join(",");
    if !rule.groups.is_empty() {
        let pairs = rule
            .groups
            .iter()
            .map(|g| format!("{{GroupId={}}}", g.group_id))
            .collect();
        s.push_str(&format!(",UserIdGroupPairs=[{}]", join(pairs)));
    }
    if !rule.ipv4.is_empty() {
        let r = rule
            .ipv4
            .iter()
            .map(|c| format!("{{CidrIp={c}}}"))
            .collect();
        s.push_str(&format!(",IpRanges=[{}]", join(r)));
    }
    if !rule.ipv6.is_empty() {
        let r = rule
            .ipv6
            .iter()
            .map(|c| format!("{{CidrIpv6={c}}}"))
            .collect();
        s.push_str(&format!(",Ipv6Ranges=[{}]", join(r)));
    }
    if !rule.prefix_lists.is_empty() {
        let r = rule
            .prefix_lists
            .iter()
            .map(|p| format!("{{PrefixListId={p}}}"))
            .collect();
        s.push_str(&format!(",PrefixListIds=[{}]", join(r)));
    }
    s
}

pub fn authorize_sg(group: &str, ingress: bool, permission: &str, region: Option<&str>) -> String {
    let op = if ingress {
        "authorize-security-group-ingress"
    } else {
        "authorize-security-group-egress"
    };
    Cmd::new("ec2", op, region)
        .arg("group-id", group)
        .arg("ip-permissions", permission)
        .build()
}

pub fn revoke_sg(group: &str, ingress: bool, permission: &str, region: Option<&str>) -> String {
    let op = if ingress {
        "revoke-security-group-ingress"
    } else {
        "revoke-security-group-egress"
    };
    Cmd::new("ec2", op, region)
        .arg("group-id", group)
        .arg("ip-permissions", permission)
        .build()
}

pub fn create_security_group(
    name: &str,
    description: &str,
    vpc: &str,
    region: Option<&str>,
) -> String {
    Cmd::new("ec2", "create-security-group", region)
        .arg("group-name", name)
        .arg("description", description)
        .arg("vpc-id", vpc)
        .build()
}

pub fn delete_security_group(group: &str, region: Option<&str>) -> String {
    Cmd::new("ec2", "delete-security-group", region)
        .arg("group-id", group)
        .build()
}

/// `modify-vpc-attribute` takes one attribute per call.
pub fn enable_vpc_dns(vpc: &str, attribute: &str, region: Option<&str>) -> String {
    Cmd::new("ec2", "modify-vpc-attribute", region)
        .arg("vpc-id", vpc)
        .arg(attribute, r#"{"Value":true}"#)
        .build()
}

pub fn endpoint_private_dns(endpoint: &str, region: Option<&str>) -> String {
    Cmd::new("ec2", "modify-vpc-endpoint", region)
        .arg("vpc-endpoint-id", endpoint)
        .flag("private-dns-enabled")
        .build()
}

pub fn endpoint_add_subnets(endpoint: &str, subnets: &[String], region: Option<&str>) -> String {
    Cmd::new("ec2", "modify-vpc-endpoint", region)
        .arg("vpc-endpoint-id", endpoint)
        .args("add-subnet-ids", subnets)
        .build()
}

pub fn endpoint_add_route_tables(
    endpoint: &str,
    tables: &[String],
    region: Option<&str>,
) -> String {
    Cmd::new("ec2", "modify-vpc-endpoint", region)
        .arg("vpc-endpoint-id", endpoint)
        .args("add-route-table-ids", tables)
        .build()
}

pub fn endpoint_reset_policy(endpoint: &str, region: Option<&str>) -> String {
    Cmd::new("ec2", "modify-vpc-endpoint", region)
        .arg("vpc-endpoint-id", endpoint)
        .flag("reset-policy")
        .build()
}

pub fn endpoint_policy(endpoint: &str, policy_json: &str, region: Option<&str>) -> String {
    Cmd::new("ec2", "modify-vpc-endpoint", region)
        .arg("vpc-endpoint-id", endpoint)
        .arg("policy-document", policy_json)
        .build()
}

pub fn create_interface_endpoint(
    vpc: &str,
    service_name: &str,
    subnets: &[String],
    groups: &[String],
    region: Option<&str>,
) -> String {
    Cmd::new("ec2", "create-vpc-endpoint", region)
        .arg("vpc-id", vpc)
        .arg("vpc-endpoint-type", "Interface")
        .arg("service-name", service_name)
        .args("subnet-ids", subnets)
        .args("security-group-ids", groups)
        .flag("private-dns-enabled")
        .build()
}

pub fn create_gateway_endpoint(
    vpc: &str,
    service_name: &str,
    tables: &[String],
    region: Option<&str>,
) -> String {
    Cmd::new("ec2", "create-vpc-endpoint", region)
        .arg("vpc-id", vpc)
        .arg("vpc-endpoint-type", "Gateway")
        .arg("service-name", service_name)
        .args("route-table-ids", tables)
        .build()
}

pub fn delete_endpoint(endpoint: &str, region: Option<&str>) -> String {
    Cmd::new("ec2", "delete-vpc-endpoints", region)
        .arg("vpc-endpoint-ids", endpoint)
        .build()
}

/// The `--destination-…` flag of a route destination.
fn destination_arg(cmd: Cmd, dest: &RouteDestination) -> Cmd {
    match dest {
        RouteDestination::Ipv4(n) => cmd.arg("destination-cidr-block", &n.to_string()),
        RouteDestination::Ipv6(n) => cmd.arg("destination-ipv6-cidr-block", &n.to_string()),
        RouteDestination::PrefixList(p) => cmd.arg("destination-prefix-list-id", p),
    }
}

/// `create-route` (or `replace-route` when `replace`) to a NAT gateway.
pub fn route_to_nat(
    table: &str,
    dest: &RouteDestination,
    nat: &str,
    replace: bool,
    region: Option<&str>,
) -> String {
    let op = if replace {
        "replace-route"
    } else {
        "create-route"
    };
    destination_arg(
        Cmd::new("ec2", op, region).arg("route-table-id", table),
        dest,
    )
    .arg("nat-gateway-id", nat)
    .build()
}

pub fn delete_route(table: &str, dest: &RouteDestination, region: Option<&str>) -> String {
    destination_arg(
        Cmd::new("ec2", "delete-route", region).arg("route-table-id", table),
        dest,
    )
    .build()
}

pub fn create_route_table(vpc: &str, region: Option<&str>) -> String {
    Cmd::new("ec2", "create-route-table", region)
        .arg("vpc-id", vpc)
        .build()
}

pub fn associate_route_table(table: &str, subnet: &str, region: Option<&str>) -> String {
    Cmd::new("ec2", "associate-route-table", region)
        .arg("route-table-id", table)
        .arg("subnet-id", subnet)
        .build()
}

pub fn allocate_eip(region: Option<&str>) -> String {
    Cmd::new("ec2", "allocate-address", region)
        .arg("domain", "vpc")
        .build()
}

pub fn create_nat_gateway(subnet: &str, allocation: &str, region: Option<&str>) -> String {
    Cmd::new("ec2", "create-nat-gateway", region)
        .arg("subnet-id", subnet)
        .arg("allocation-id", allocation)
        .build()
}

pub fn attach_internet_gateway(igw: &str, vpc: &str, region: Option<&str>) -> String {
    Cmd::new("ec2", "attach-internet-gateway", region)
        .arg("internet-gateway-id", igw)
        .arg("vpc-id", vpc)
        .build()
}

/// The `--protocol` value of a NACL entry.
fn nacl_protocol(p: Protocol) -> String {
    match p {
        Protocol::All => "-1".into(),
        Protocol::Number(6) => "tcp".into(),
        Protocol::Number(17) => "udp".into(),
        Protocol::Number(n) => n.to_string(),
    }
}

/// A NACL allow entry: `create-network-acl-entry`, or
/// `replace-network-acl-entry` when `replace`.
#[allow(clippy::too_many_arguments)]
pub fn nacl_allow(
    replace: bool,
    acl: &str,
    rule_number: u32,
    egress: bool,
    protocol: Protocol,
    ports: PortRange,
    cidr: &Ipv4Net,
    region: Option<&str>,
) -> String {
    let op = if replace {
        "replace-network-acl-entry"
    } else {
        "create-network-acl-entry"
    };
    let mut c = Cmd::new("ec2", op, region)
        .arg("network-acl-id", acl)
        .flag(if egress { "egress" } else { "ingress" })
        .arg("rule-number", &rule_number.to_string())
        .arg("protocol", &nacl_protocol(protocol));
    if protocol.has_ports() {
        c = c.arg(
            "port-range",
            &format!("From={},To={}", ports.from, ports.to),
        );
    }
    c.arg("cidr-block", &cidr.to_string())
        .arg("rule-action", "allow")
        .build()
}

pub fn create_mount_target(
    fs: &str,
    subnet: &str,
    groups: &[String],
    region: Option<&str>,
) -> String {
    Cmd::new("efs", "create-mount-target", region)
        .arg("file-system-id", fs)
        .arg("subnet-id", subnet)
        .args("security-groups", groups)
        .build()
}

/// Replaces the mount target's whole group set.
pub fn mount_target_groups(mount_target: &str, groups: &[String], region: Option<&str>) -> String {
    Cmd::new("efs", "modify-mount-target-security-groups", region)
        .arg("mount-target-id", mount_target)
        .args("security-groups", groups)
        .build()
}

pub fn delete_mount_target(mount_target: &str, region: Option<&str>) -> String {
    Cmd::new("efs", "delete-mount-target", region)
        .arg("mount-target-id", mount_target)
        .build()
}

pub fn delete_file_system(fs: &str, region: Option<&str>) -> String {
    Cmd::new("efs", "delete-file-system", region)
        .arg("file-system-id", fs)
        .build()
}

/// `{"SecurityGroups":["sg-1","sg-2"]}` for UserSettings-shaped arguments.
pub fn security_groups_json(groups: &[String]) -> String {
    serde_json::json!({ "SecurityGroups": groups }).to_string()
}

pub fn update_domain_default_groups(
    domain: &str,
    space: bool,
    groups: &[String],
    region: Option<&str>,
) -> String {
    let flag = if space {
        "default-space-settings"
    } else {
        "default-user-settings"
    };
    Cmd::new("sagemaker", "update-domain", region)
        .arg("domain-id", domain)
        .arg(flag, &security_groups_json(groups))
        .build()
}

pub fn update_profile_groups(
    domain: &str,
    profile: &str,
    groups: &[String],
    region: Option<&str>,
) -> String {
    Cmd::new("sagemaker", "update-user-profile", region)
        .arg("domain-id", domain)
        .arg("user-profile-name", profile)
        .arg("user-settings", &security_groups_json(groups))
        .build()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quoting() {
        assert_eq!(sh("sg-1"), "sg-1");
        assert_eq!(sh(r#"{"Value":true}"#), r#"'{"Value":true}'"#);
        assert_eq!(sh("it's"), r"'it'\''s'");
        assert_eq!(sh("a b"), "'a b'");
        assert_eq!(sh(""), "''");
    }

    #[test]
    fn permissions() {
        let tcp443 = PortRange::single(443);
        assert_eq!(
            ip_permission(Protocol::TCP, tcp443, &Peer::Group("sg-1".into())),
            "IpProtocol=tcp,FromPort=443,ToPort=443,UserIdGroupPairs=[{GroupId=sg-1}]"
        );
        assert_eq!(
            ip_permission(
                Protocol::All,
                PortRange::ALL,
                &Peer::Cidr("10.0.0.0/16".parse().unwrap())
            ),
            "IpProtocol=-1,IpRanges=[{CidrIp=10.0.0.0/16}]"
        );
        assert_eq!(
            authorize_sg(
                "sg-2",
                true,
                &ip_permission(Protocol::TCP, tcp443, &Peer::PrefixList("pl-1".into())),
                Some("eu-west-1")
            ),
            "aws ec2 authorize-security-group-ingress --group-id sg-2 --ip-permissions \
             'IpProtocol=tcp,FromPort=443,ToPort=443,PrefixListIds=[{PrefixListId=pl-1}]' --region eu-west-1"
        );
    }

    #[test]
    fn existing_rules_round_trip_to_shorthand() {
        let rule: SgRule = serde_json::from_value(serde_json::json!({
            "protocol": 6, "from_port": 2049, "to_port": 2049,
            "groups": [{"group_id": "sg-out"}], "ipv4": ["10.0.0.0/8"]
        }))
        .unwrap();
        assert_eq!(
            rule_permission(&rule),
            "IpProtocol=tcp,FromPort=2049,ToPort=2049,UserIdGroupPairs=[{GroupId=sg-out}],IpRanges=[{CidrIp=10.0.0.0/8}]"
        );
    }

    #[test]
    fn nacl_and_routes() {
        assert_eq!(
            nacl_allow(
                true,
                "acl-1",
                200,
                false,
                Protocol::TCP,
                PortRange { from: 1024, to: 65535 },
                &"0.0.0.0/0".parse().unwrap(),
                None
            ),
            "aws ec2 replace-network-acl-entry --network-acl-id acl-1 --ingress --rule-number 200 \
             --protocol tcp --port-range From=1024,To=65535 --cidr-block 0.0.0.0/0 --rule-action allow"
        );
        let dest = RouteDestination::Ipv4("0.0.0.0/0".parse().unwrap());
        assert_eq!(
            route_to_nat("rtb-1", &dest, "nat-1", false, None),
            "aws ec2 create-route --route-table-id rtb-1 --destination-cidr-block 0.0.0.0/0 --nat-gateway-id nat-1"
        );
        assert_eq!(
            create_interface_endpoint(
                "vpc-1",
                "com.amazonaws.eu-west-1.logs",
                &["subnet-a".into(), "subnet-b".into()],
                &[placeholder("endpoint-sg-id")],
                Some("eu-west-1")
            ),
            "aws ec2 create-vpc-endpoint --vpc-id vpc-1 --vpc-endpoint-type Interface \
             --service-name com.amazonaws.eu-west-1.logs --subnet-ids subnet-a subnet-b \
             --security-group-ids <endpoint-sg-id> --private-dns-enabled --region eu-west-1"
        );
        assert_eq!(
            update_domain_default_groups("d-1", false, &["sg-1".into()], None),
            r#"aws sagemaker update-domain --domain-id d-1 --default-user-settings '{"SecurityGroups":["sg-1"]}'"#
        );
    }
}
