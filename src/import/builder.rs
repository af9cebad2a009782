//! Accumulates the resources of all input files, then resolves what one
//! file alone cannot: attributes and security groups delivered by separate
//! calls, and the list-versus-describe duplicates.

use std::collections::HashMap;
use std::hash::Hash;

use serde_json::Value;

use super::json::{each, get, id_in_name, show, Obj, Problem, Sink};
use super::table::{Record, Table};
use super::{ec2, efs, sagemaker};
use crate::snapshot::*;

/// Keys of paging and request metadata, not data.
const PAGING_KEYS: [&str; 5] = [
    "NextToken",
    "nextToken",
    "ResponseMetadata",
    "Marker",
    "NextMarker",
];

/// Ranks of the views of one resource (see [`Table`]).
const LISTED: u8 = 0;
const DESCRIBED: u8 = 1;

/// DescribeVpcAttribute, applied once all VPCs are known.
#[derive(Debug)]
struct VpcAttribute {
    vpc_id: String,
    dns_support: Option<bool>,
    dns_hostnames: Option<bool>,
    file: String,
}

/// DescribeMountTargetSecurityGroups, matched to its mount target by file name.
#[derive(Debug)]
struct MountTargetGroups {
    mount_target_id: String,
    groups: Vec<String>,
    file: String,
}

type AppKey = (String, Option<String>, Option<String>, String, String);

#[derive(Debug, Default)]
pub(crate) struct Builder {
    pub sink: Sink,
    /// Some file was recognised as an AWS API response.
    saw_aws_data: bool,
    vpcs: Table<String, Vpc>,
    subnets: Table<String, Subnet>,
    route_tables: Table<String, RouteTable>,
    network_acls: Table<String, NetworkAcl>,
    security_groups: Table<String, SecurityGroup>,
    prefix_lists: Table<String, PrefixList>,
    vpc_endpoints: Table<String, VpcEndpoint>,
    nat_gateways: Table<String, NatGateway>,
    internet_gateways: Table<String, InternetGateway>,
    egress_only_internet_gateways: Table<String, EgressOnlyInternetGateway>,
    network_interfaces: Table<String, NetworkInterface>,
    /// ENIs embedded in DescribeInstances: used for those that
    /// DescribeNetworkInterfaces did not list.
    instance_enis: Table<String, NetworkInterface>,
    instances: Table<String, Instance>,
    dhcp_options: Table<String, DhcpOptions>,
    addresses: Table<String, ElasticIp>,
    vpc_peering_connections: Table<String, VpcPeeringConnection>,
    transit_gateways: Table<String, TransitGateway>,
    transit_gateway_attachments: Table<String, TransitGatewayAttachment>,
    vpn_gateways: Table<String, VpnGateway>,
    efs_file_systems: Table<String, EfsFileSystem>,
    efs_mount_targets: Table<String, EfsMountTarget>,
    domains: Table<String, Domain>,
    user_profiles: Table<(String, String), UserProfile>,
    spaces: Table<(String, String), Space>,
    apps: Table<AppKey, App>,
    vpc_attributes: Vec<VpcAttribute>,
    mount_target_groups: Vec<MountTargetGroups>,
}

/// Add items to a table; `key` gives the table key and the id for messages.
fn put<K: Eq + Hash, T: Record>(
    t: &mut Table<K, T>,
    s: &mut Sink,
    rank: u8,
    items: Vec<T>,
    key: impl Fn(&T) -> (K, String),
) {
    for item in items {
        let (k, id) = key(&item);
        t.insert(k, &id, item, rank, &s.file, &mut s.diags);
    }
}

fn by_id<T>(id: impl Fn(&T) -> &String) -> impl Fn(&T) -> (String, String) {
    move |t| (id(t).clone(), id(t).clone())
}

impl Builder {
    /// Take in one parsed file. `rel` is its path relative to the imported
    /// folder, `stem` its file name without extension (for the responses
    /// that name their resource only there). `Err` is fatal for the import.
    pub fn add_file(&mut self, rel: &str, stem: &str, v: Value) -> Result<(), Problem> {
        self.sink.file = rel.to_string();
        let Value::Object(map) = v else {
            self.sink.note(
                "unknown-input",
                "not a JSON object (an AWS API response is one); skipped".to_string(),
            );
            return Ok(());
        };
        if map.contains_key("schema_version") {
            self.sink.note(
                "unknown-input",
                "a sagescope snapshot file inside an input folder; skipped \
                 (load it on its own instead)",
            );
            return Ok(());
        }
        // Describe calls about one resource return that resource's fields
        // at the top level: recognise them by their id fields.
        if get(&map, "DomainId").is_some() {
            self.saw_aws_data = true;
            self.sagemaker_single(&map);
            return Ok(());
        }
        if get(&map, "VpcId").is_some()
            && (map.contains_key("EnableDnsSupport") || map.contains_key("EnableDnsHostnames"))
        {
            self.saw_aws_data = true;
            match ec2::vpc_attribute(&map, &mut self.sink) {
                Ok((vpc_id, dns_support, dns_hostnames)) => {
                    self.vpc_attributes.push(VpcAttribute {
                        vpc_id,
                        dns_support,
                        dns_hostnames,
                        file: rel.to_string(),
                    })
                }
                Err(p) => self.sink.warn(
                    "invalid-input",
                    &[],
                    format!("DescribeVpcAttribute: {p}; skipped"),
                ),
            }
            return Ok(());
        }
        for (key, val) in &map {
            self.add_key(key, val, stem)?;
        }
        Ok(())
    }

    /// DescribeDomain, DescribeUserProfile, DescribeSpace, DescribeApp.
    fn sagemaker_single(&mut self, o: &Obj) {
        let s = &mut self.sink;
        let (kind, id_key) = if get(o, "AppName").is_some() {
            ("DescribeApp", "AppName")
        } else if get(o, "SpaceName").is_some() {
            ("DescribeSpace", "SpaceName")
        } else if get(o, "UserProfileName").is_some() {
            ("DescribeUserProfile", "UserProfileName")
        } else {
            ("DescribeDomain", "DomainId")
        };
        let r = match kind {
            "DescribeApp" => sagemaker::app(o, s).map(|a| {
                put(&mut self.apps, s, DESCRIBED, vec![a], app_key);
            }),
            "DescribeSpace" => sagemaker::space(o, s).map(|sp| {
                put(&mut self.spaces, s, DESCRIBED, vec![sp], named_key);
            }),
            "DescribeUserProfile" => sagemaker::user_profile(o, s, true).map(|u| {
                put(&mut self.user_profiles, s, DESCRIBED, vec![u], profile_key);
            }),
            _ => sagemaker::domain(o, s, true).map(|d| {
                put(
                    &mut self.domains,
                    s,
                    DESCRIBED,
                    vec![d],
                    by_id(|d: &Domain| &d.id),
                );
            }),
        };
        if let Err(p) = r {
            let id = o.get(id_key).and_then(Value::as_str);
            let msg = match id {
                Some(id) => format!("{kind} {id}: {p}; skipped"),
                None => format!("{kind}: {p}; skipped"),
            };
            s.warn("invalid-input", &id.into_iter().collect::<Vec<_>>(), msg);
        }
    }

    /// One top-level key of a list-style response.
    fn add_key(&mut self, key: &str, v: &Value, stem: &str) -> Result<(), Problem> {
        let s = &mut self.sink;
        match key {
            "Vpcs" => {
                let items = each(s, key, v, "VpcId", ec2::vpc);
                put(&mut self.vpcs, s, DESCRIBED, items, by_id(|x: &Vpc| &x.id));
            }
            "Subnets" => {
                let items = each(s, key, v, "SubnetId", ec2::subnet);
                put(
                    &mut self.subnets,
                    s,
                    DESCRIBED,
                    items,
                    by_id(|x: &Subnet| &x.id),
                );
            }
            "RouteTables" => {
                let items = each(s, key, v, "RouteTableId", ec2::route_table);
                put(
                    &mut self.route_tables,
                    s,
                    DESCRIBED,
                    items,
                    by_id(|x: &RouteTable| &x.id),
                );
            }
            "NetworkAcls" => {
                let items = each(s, key, v, "NetworkAclId", ec2::network_acl);
                put(
                    &mut self.network_acls,
                    s,
                    DESCRIBED,
                    items,
                    by_id(|x: &NetworkAcl| &x.id),
                );
            }
            "SecurityGroups" if is_list_of_strings(v) => {
                // DescribeMountTargetSecurityGroups: group ids of the mount
                // target named in the file name.
                let Some(mt) = id_in_name(stem, "fsmt-") else {
                    return Err("`SecurityGroups` is a list of group ids \
                         (DescribeMountTargetSecurityGroups), but the file name does not \
                         name the mount target (fsmt-...)"
                        .into());
                };
                let mut groups = Vec::new();
                for (i, g) in v.as_array().into_iter().flatten().enumerate() {
                    match g.as_str() {
                        Some(g) => groups.push(g.to_string()),
                        None => s.warn(
                            "invalid-input",
                            &[&mt],
                            format!(
                                "{mt}: SecurityGroups[{i}] {} is not a group id; ignored",
                                show(g)
                            ),
                        ),
                    }
                }
                self.mount_target_groups.push(MountTargetGroups {
                    mount_target_id: mt,
                    groups,
                    file: s.file.clone(),
                });
            }
            "SecurityGroups" => {
                let items = each(s, key, v, "GroupId", ec2::security_group);
                put(
                    &mut self.security_groups,
                    s,
                    DESCRIBED,
                    items,
                    by_id(|x: &SecurityGroup| &x.id),
                );
            }
            "PrefixLists" => {
                let items = each(s, key, v, "PrefixListId", ec2::prefix_list);
                put(
                    &mut self.prefix_lists,
                    s,
                    DESCRIBED,
                    items,
                    by_id(|x: &PrefixList| &x.id),
                );
            }
            "Entries" => {
                // GetManagedPrefixListEntries names its list only in the request.
                let Some(pl) = id_in_name(stem, "pl-") else {
                    return Err(
                        "`Entries` (GetManagedPrefixListEntries) needs the prefix list id \
                         (pl-...) in the file name"
                            .into(),
                    );
                };
                let list = ec2::prefix_list_entries(&pl, v, s);
                put(
                    &mut self.prefix_lists,
                    s,
                    DESCRIBED,
                    vec![list],
                    by_id(|x: &PrefixList| &x.id),
                );
            }
            "VpcEndpoints" => {
                let items = each(s, key, v, "VpcEndpointId", ec2::vpc_endpoint);
                put(
                    &mut self.vpc_endpoints,
                    s,
                    DESCRIBED,
                    items,
                    by_id(|x: &VpcEndpoint| &x.id),
                );
            }
            "NatGateways" => {
                let items = each(s, key, v, "NatGatewayId", ec2::nat_gateway);
                put(
                    &mut self.nat_gateways,
                    s,
                    DESCRIBED,
                    items,
                    by_id(|x: &NatGateway| &x.id),
                );
            }
            "InternetGateways" => {
                let items = each(s, key, v, "InternetGatewayId", ec2::internet_gateway);
                put(
                    &mut self.internet_gateways,
                    s,
                    DESCRIBED,
                    items,
                    by_id(|x: &InternetGateway| &x.id),
                );
            }
            "EgressOnlyInternetGateways" => {
                let items = each(
                    s,
                    key,
                    v,
                    "EgressOnlyInternetGatewayId",
                    ec2::egress_only_internet_gateway,
                );
                put(
                    &mut self.egress_only_internet_gateways,
                    s,
                    DESCRIBED,
                    items,
                    by_id(|x: &EgressOnlyInternetGateway| &x.id),
                );
            }
            "NetworkInterfaces" => {
                let items = each(s, key, v, "NetworkInterfaceId", |o, s| {
                    ec2::network_interface(o, s, None)
                });
                put(
                    &mut self.network_interfaces,
                    s,
                    DESCRIBED,
                    items,
                    by_id(|x: &NetworkInterface| &x.id),
                );
            }
            "Reservations" => {
                let reservations = each(s, key, v, "ReservationId", ec2::reservation);
                for (instance, enis) in reservations.into_iter().flatten() {
                    put(
                        &mut self.instances,
                        s,
                        DESCRIBED,
                        vec![instance],
                        by_id(|x: &Instance| &x.id),
                    );
                    // Fallback data only: differences with another capture
                    // are not worth a warning here.
                    for eni in enis {
                        let id = eni.id.clone();
                        self.instance_enis.insert(
                            id.clone(),
                            &id,
                            eni,
                            DESCRIBED,
                            &s.file,
                            &mut Vec::new(),
                        );
                    }
                }
            }
            "DhcpOptions" => {
                let items = each(s, key, v, "DhcpOptionsId", ec2::dhcp_options);
                put(
                    &mut self.dhcp_options,
                    s,
                    DESCRIBED,
                    items,
                    by_id(|x: &DhcpOptions| &x.id),
                );
            }
            "Addresses" => {
                let items = each(s, key, v, "PublicIp", ec2::address);
                put(&mut self.addresses, s, DESCRIBED, items, |a: &ElasticIp| {
                    let id = a
                        .allocation_id
                        .clone()
                        .unwrap_or_else(|| a.public_ip.to_string());
                    (id.clone(), id)
                });
            }
            "VpcPeeringConnections" => {
                let items = each(
                    s,
                    key,
                    v,
                    "VpcPeeringConnectionId",
                    ec2::vpc_peering_connection,
                );
                put(
                    &mut self.vpc_peering_connections,
                    s,
                    DESCRIBED,
                    items,
                    by_id(|x: &VpcPeeringConnection| &x.id),
                );
            }
            "TransitGateways" => {
                let items = each(s, key, v, "TransitGatewayId", ec2::transit_gateway);
                put(
                    &mut self.transit_gateways,
                    s,
                    DESCRIBED,
                    items,
                    by_id(|x: &TransitGateway| &x.id),
                );
            }
            "TransitGatewayAttachments" => {
                let items = each(
                    s,
                    key,
                    v,
                    "TransitGatewayAttachmentId",
                    ec2::transit_gateway_attachment,
                );
                // The generic view; the VPC-attachment view adds subnets.
                put(
                    &mut self.transit_gateway_attachments,
                    s,
                    LISTED,
                    items,
                    by_id(|x: &TransitGatewayAttachment| &x.id),
                );
            }
            "TransitGatewayVpcAttachments" => {
                let items = each(
                    s,
                    key,
                    v,
                    "TransitGatewayAttachmentId",
                    ec2::transit_gateway_vpc_attachment,
                );
                put(
                    &mut self.transit_gateway_attachments,
                    s,
                    DESCRIBED,
                    items,
                    by_id(|x: &TransitGatewayAttachment| &x.id),
                );
            }
            "VpnGateways" => {
                let items = each(s, key, v, "VpnGatewayId", ec2::vpn_gateway);
                put(
                    &mut self.vpn_gateways,
                    s,
                    DESCRIBED,
                    items,
                    by_id(|x: &VpnGateway| &x.id),
                );
            }
            "FileSystems" => {
                let items = each(s, key, v, "FileSystemId", efs::file_system);
                put(
                    &mut self.efs_file_systems,
                    s,
                    DESCRIBED,
                    items,
                    by_id(|x: &EfsFileSystem| &x.id),
                );
            }
            "MountTargets" => {
                let items = each(s, key, v, "MountTargetId", efs::mount_target);
                put(
                    &mut self.efs_mount_targets,
                    s,
                    DESCRIBED,
                    items,
                    by_id(|x: &EfsMountTarget| &x.id),
                );
            }
            "Domains" => {
                let items = each(s, key, v, "DomainId", |o, s| sagemaker::domain(o, s, false));
                put(
                    &mut self.domains,
                    s,
                    LISTED,
                    items,
                    by_id(|x: &Domain| &x.id),
                );
            }
            "UserProfiles" => {
                let items = each(s, key, v, "UserProfileName", |o, s| {
                    sagemaker::user_profile(o, s, false)
                });
                put(&mut self.user_profiles, s, LISTED, items, profile_key);
            }
            "Spaces" => {
                let items = each(s, key, v, "SpaceName", sagemaker::space);
                put(&mut self.spaces, s, LISTED, items, named_key);
            }
            "Apps" => {
                let items = each(s, key, v, "AppName", sagemaker::app);
                put(&mut self.apps, s, LISTED, items, app_key);
            }
            k if PAGING_KEYS.contains(&k) => return Ok(()),
            _ => {
                s.note(
                    "unknown-input",
                    format!("`{key}` is not a kind of data sagescope reads; skipped"),
                );
                return Ok(());
            }
        }
        self.saw_aws_data = true;
        Ok(())
    }

    /// Resolve cross-file data and produce the snapshot. `input` names the
    /// imported folder or file in a `no-aws-data` warning.
    pub fn finish(mut self, input: &str) -> Snapshot {
        self.apply_vpc_attributes();
        // ENIs known only from DescribeInstances.
        for eni in std::mem::take(&mut self.instance_enis).into_vec() {
            if !self.network_interfaces.contains(&eni.id) {
                let id = eni.id.clone();
                self.network_interfaces
                    .insert(id.clone(), &id, eni, LISTED, "", &mut Vec::new());
            }
        }
        self.apply_mount_target_groups();

        let mut diags = std::mem::take(&mut self.sink.diags);
        if !self.saw_aws_data {
            diags.push(Diagnostic::warning(
                "no-aws-data",
                format!("no AWS API responses found in {input}: nothing to audit"),
            ));
        }
        let mut snap = Snapshot {
            schema_version: SCHEMA_VERSION,
            vpcs: self.vpcs.into_vec(),
            subnets: self.subnets.into_vec(),
            route_tables: self.route_tables.into_vec(),
            network_acls: self.network_acls.into_vec(),
            security_groups: self.security_groups.into_vec(),
            prefix_lists: self.prefix_lists.into_vec(),
            vpc_endpoints: self.vpc_endpoints.into_vec(),
            nat_gateways: self.nat_gateways.into_vec(),
            internet_gateways: self.internet_gateways.into_vec(),
            egress_only_internet_gateways: self.egress_only_internet_gateways.into_vec(),
            network_interfaces: self.network_interfaces.into_vec(),
            instances: self.instances.into_vec(),
            dhcp_options: self.dhcp_options.into_vec(),
            addresses: self.addresses.into_vec(),
            vpc_peering_connections: self.vpc_peering_connections.into_vec(),
            transit_gateways: self.transit_gateways.into_vec(),
            transit_gateway_attachments: self.transit_gateway_attachments.into_vec(),
            vpn_gateways: self.vpn_gateways.into_vec(),
            efs_file_systems: self.efs_file_systems.into_vec(),
            efs_mount_targets: self.efs_mount_targets.into_vec(),
            domains: self.domains.into_vec(),
            user_profiles: self.user_profiles.into_vec(),
            spaces: self.spaces.into_vec(),
            apps: self.apps.into_vec(),
            gaps: Vec::new(),
            diagnostics: diags,
        };
        snap.normalize();
        snap
    }

    fn apply_vpc_attributes(&mut self) {
        for a in std::mem::take(&mut self.vpc_attributes) {
            let diags = &mut self.sink.diags;
            let Some(vpc) = self.vpcs.get_mut(&a.vpc_id) else {
                diags.push(
                    Diagnostic::warning(
                        "unmatched-input",
                        format!(
                            "DescribeVpcAttribute for {} but that VPC is not among the \
                             described VPCs; attribute ignored",
                            a.vpc_id
                        ),
                    )
                    .with_file(a.file)
                    .with_ids([a.vpc_id]),
                );
                continue;
            };
            let attrs = [
                (
                    "enableDnsSupport",
                    &mut vpc.enable_dns_support,
                    a.dns_support,
                ),
                (
                    "enableDnsHostnames",
                    &mut vpc.enable_dns_hostnames,
                    a.dns_hostnames,
                ),
            ];
            for (name, slot, new) in attrs {
                match (*slot, new) {
                    (_, None) => {}
                    (None, Some(v)) => *slot = Some(v),
                    (Some(old), Some(v)) if old == v => {}
                    (Some(old), Some(v)) => diags.push(
                        Diagnostic::warning(
                            "duplicate-id",
                            format!(
                                "{}: {name} is {old} in an earlier file and {v} in {}; \
                                 keeping {old}",
                                a.vpc_id, a.file
                            ),
                        )
                        .with_file(a.file.clone())
                        .with_ids([a.vpc_id.clone()]),
                    ),
                }
            }
        }
    }

    fn apply_mount_target_groups(&mut self) {
        for g in std::mem::take(&mut self.mount_target_groups) {
            let diags = &mut self.sink.diags;
            let Some(mt) = self.efs_mount_targets.get_mut(&g.mount_target_id) else {
                diags.push(
                    Diagnostic::warning(
                        "unmatched-input",
                        format!(
                            "security groups of mount target {} but that mount target is \
                             not among the described ones (DescribeMountTargets); ignored",
                            g.mount_target_id
                        ),
                    )
                    .with_file(g.file)
                    .with_ids([g.mount_target_id]),
                );
                continue;
            };
            match &mt.security_group_ids {
                None => mt.security_group_ids = Some(g.groups),
                Some(old) if *old == g.groups => {}
                Some(_) => diags.push(
                    Diagnostic::warning(
                        "duplicate-id",
                        format!(
                            "security groups of {} differ between two files (the later one \
                             is {}); keeping the first",
                            g.mount_target_id, g.file
                        ),
                    )
                    .with_file(g.file)
                    .with_ids([g.mount_target_id]),
                ),
            }
        }
        // Otherwise a mount target carries the groups of its ENI (EFS puts
        // them there); find the ENI by id, or by the description EFS gives
        // it: "EFS mount target for fs-... (fsmt-...)".
        if self.efs_mount_targets.is_empty() {
            return;
        }
        let mut by_mount_target: HashMap<String, &NetworkInterface> = HashMap::new();
        for eni in self.network_interfaces.iter() {
            if let Some(mt) = id_in_name(&eni.description, "fsmt-") {
                by_mount_target.entry(mt).or_insert(eni);
            }
        }
        let enis = &self.network_interfaces;
        for mt in self.efs_mount_targets.iter_mut() {
            if mt.security_group_ids.is_some() {
                continue;
            }
            let eni = match &mt.network_interface_id {
                Some(e) => enis.get(e),
                None => by_mount_target.get(&mt.id).copied(),
            };
            if let Some(eni) = eni {
                mt.security_group_ids = Some(eni.security_group_ids.clone());
            }
        }
    }
}

fn is_list_of_strings(v: &Value) -> bool {
    v.as_array().is_some_and(|a| a.iter().any(Value::is_string))
}

fn named_key(s: &Space) -> ((String, String), String) {
    (
        (s.domain_id.clone(), s.name.clone()),
        format!("{}/{}", s.domain_id, s.name),
    )
}

fn profile_key(u: &UserProfile) -> ((String, String), String) {
    (
        (u.domain_id.clone(), u.name.clone()),
        format!("{}/{}", u.domain_id, u.name),
    )
}

fn app_key(a: &App) -> (AppKey, String) {
    let owner = a
        .user_profile_name
        .as_deref()
        .or(a.space_name.as_deref())
        .unwrap_or("-");
    (
        (
            a.domain_id.clone(),
            a.user_profile_name.clone(),
            a.space_name.clone(),
            a.app_type.clone(),
            a.app_name.clone(),
        ),
        format!("{}/{owner}/{}/{}", a.domain_id, a.app_type, a.app_name),
    )
}

// ------------------------------------------------------------- merging ----

/// Fill a `None` from the other view.
fn fill<T: Clone>(slot: &mut Option<T>, other: &Option<T>) {
    if slot.is_none() {
        slot.clone_from(other);
    }
}

impl Record for Vpc {}
impl Record for Subnet {}
impl Record for RouteTable {}
impl Record for NetworkAcl {}
impl Record for SecurityGroup {}
impl Record for VpcEndpoint {}
impl Record for NatGateway {}
impl Record for InternetGateway {}
impl Record for EgressOnlyInternetGateway {}
impl Record for NetworkInterface {}
impl Record for Instance {}
impl Record for DhcpOptions {}
impl Record for ElasticIp {}
impl Record for VpcPeeringConnection {}
impl Record for TransitGateway {}
impl Record for VpnGateway {}
impl Record for EfsFileSystem {}
impl Record for EfsMountTarget {}

/// DescribePrefixLists, DescribeManagedPrefixLists and
/// GetManagedPrefixListEntries each say part of a prefix list: they merge
/// unless they contradict each other.
impl Record for PrefixList {
    fn merge_peer(&mut self, o: &Self) -> bool {
        let differ =
            |a: &Option<String>, b: &Option<String>| matches!((a, b), (Some(a), Some(b)) if a != b);
        if !self.name.is_empty() && !o.name.is_empty() && self.name != o.name {
            return false;
        }
        if differ(&self.owner_id, &o.owner_id) || differ(&self.address_family, &o.address_family) {
            return false;
        }
        if self.entries_known && o.entries_known {
            let mut a = self.cidrs.clone();
            let mut b = o.cidrs.clone();
            a.sort();
            b.sort();
            if a != b {
                return false;
            }
        }
        if self.name.is_empty() {
            self.name.clone_from(&o.name);
        }
        fill(&mut self.owner_id, &o.owner_id);
        fill(&mut self.address_family, &o.address_family);
        if !self.entries_known && o.entries_known {
            self.cidrs.clone_from(&o.cidrs);
            self.entries_known = true;
        }
        true
    }
}

impl Record for TransitGatewayAttachment {
    fn fill_from(&mut self, o: &Self) {
        fill(&mut self.resource_type, &o.resource_type);
        fill(&mut self.resource_id, &o.resource_id);
        fill(&mut self.state, &o.state);
        if self.subnet_ids.is_empty() {
            self.subnet_ids.clone_from(&o.subnet_ids);
        }
    }
}

impl Record for Domain {
    fn fill_from(&mut self, o: &Self) {
        fill(&mut self.arn, &o.arn);
        fill(&mut self.name, &o.name);
        fill(&mut self.status, &o.status);
        fill(&mut self.url, &o.url);
    }
}

impl Record for UserProfile {
    fn fill_from(&mut self, o: &Self) {
        fill(&mut self.arn, &o.arn);
        fill(&mut self.status, &o.status);
    }
}

impl Record for Space {
    fn fill_from(&mut self, o: &Self) {
        fill(&mut self.arn, &o.arn);
        fill(&mut self.status, &o.status);
        fill(&mut self.sharing_type, &o.sharing_type);
        fill(
            &mut self.owner_user_profile_name,
            &o.owner_user_profile_name,
        );
        fill(&mut self.app_type, &o.app_type);
    }
}

impl Record for App {
    fn fill_from(&mut self, o: &Self) {
        fill(&mut self.status, &o.status);
        fill(&mut self.instance_type, &o.instance_type);
    }
}
