#!/usr/bin/env bash
# capture-domain.sh DOMAIN_ID [REGION] [OUTDIR]
#
# Capture the network of one SageMaker Studio domain as raw AWS API JSON,
# one file per call, for offline auditing:
#
#     scripts/capture-domain.sh d-abc123def456 eu-west-1 ./snap
#     sagescope audit ./snap
#
# Uses only the AWS CLI (v2) and only read-only calls (Describe*, List*, Get*).
# Every call's output is written exactly as `--output json` prints it, so the
# folder can be inspected, diffed, redacted or shared as it is. A call that fails
# (AccessDenied, throttling, ...) prints a warning and the capture goes on;
# sagescope then reports whatever depends on the missing file as "unknown".
#
# Layout (the same as examples/*):
#   OUTDIR/describe-vpcs.json, describe-subnets.json, ...   EC2
#   OUTDIR/efs/...                                         EFS
#   OUTDIR/sagemaker/...                                   SageMaker
#
# IAM permissions needed (all read-only): sagemaker:DescribeDomain,
# ListUserProfiles, DescribeUserProfile, ListSpaces, DescribeSpace, ListApps;
# ec2:DescribeVpcs, DescribeVpcAttribute, DescribeSubnets, DescribeRouteTables,
# DescribeNetworkAcls, DescribeSecurityGroups, DescribeVpcEndpoints,
# DescribeNatGateways, DescribeInternetGateways, DescribeEgressOnlyInternetGateways,
# DescribePrefixLists, DescribeManagedPrefixLists, GetManagedPrefixListEntries,
# DescribeNetworkInterfaces, DescribeDhcpOptions; elasticfilesystem:
# DescribeFileSystems, DescribeMountTargets, DescribeMountTargetSecurityGroups.
# The AWS managed policy ReadOnlyAccess covers all of them.
#
# Exit status: 0 when the capture ran (warnings may have been printed), 2 on a
# usage error or when the domain itself cannot be described.

set -euo pipefail

# Never page output into `less`; this script is non-interactive.
export AWS_PAGER=""

prog=${0##*/}

usage() {
    printf 'usage: %s DOMAIN_ID [REGION] [OUTDIR]\n' "$prog" >&2
    printf '  DOMAIN_ID  SageMaker domain id, e.g. d-abc123def456\n' >&2
    printf '  REGION     default: AWS_REGION, AWS_DEFAULT_REGION or the CLI profile region\n' >&2
    printf '  OUTDIR     default: ./sagescope-DOMAIN_ID\n' >&2
    exit 2
}

warn() { printf '%s: warning: %s\n' "$prog" "$*" >&2; }
die() { printf '%s: error: %s\n' "$prog" "$*" >&2; exit 2; }

if [ $# -lt 1 ] || [ $# -gt 3 ]; then usage; fi
case $1 in -h | --help) usage ;; esac

DOMAIN_ID=$1
# Domain ids are "d-" plus lowercase letters and digits; checking this also keeps
# the id safe to use in file names.
[[ $DOMAIN_ID =~ ^d-[a-z0-9]+$ ]] || die "not a SageMaker domain id: $DOMAIN_ID"

REGION=${2:-${AWS_REGION:-${AWS_DEFAULT_REGION:-}}}
if [ -z "$REGION" ]; then
    REGION=$(aws configure get region 2>/dev/null || true)
fi
[ -n "$REGION" ] || die "no region given and none configured"

OUTDIR=${3:-./sagescope-$DOMAIN_ID}

command -v aws >/dev/null 2>&1 || die "the aws CLI is not on PATH"
case $(aws --version 2>&1) in
    aws-cli/2.*) ;;
    *) warn "AWS CLI v2 expected ($(aws --version 2>&1)); output may differ" ;;
esac

mkdir -p "$OUTDIR/efs" "$OUTDIR/sagemaker"
FAILED=0
WRITTEN=0

# capture FILE ARGS...
#   Run `aws ARGS... --region REGION --output json` and write its output to
#   OUTDIR/FILE. On failure, warn with the CLI's error message and carry on;
#   no file is left behind, so a missing file always means "not captured".
capture() {
    local file=$1 out err
    shift
    out="$OUTDIR/$file"
    err=$(mktemp)
    if aws "$@" --region "$REGION" --output json >"$out.partial" 2>"$err"; then
        mv "$out.partial" "$out"
        WRITTEN=$((WRITTEN + 1))
        printf '  %s\n' "$file" >&2
    else
        rm -f "$out.partial"
        FAILED=$((FAILED + 1))
        warn "aws $* failed: $(tr -s '\n' ' ' <"$err")"
    fi
    rm -f "$err"
}

# value ARGS...
#   Run `aws ARGS... --region REGION --output text` (ARGS include a --query) and
#   print the result one item per line. Prints nothing if the call fails (the
#   matching capture has already warned) or if the answer is empty ("None").
value() {
    local v
    v=$(aws "$@" --region "$REGION" --output text 2>/dev/null) || return 0
    printf '%s\n' "$v" | tr -s '\t' '\n' | grep -v -x -e 'None' -e '' || true
}

printf '%s: capturing %s in %s into %s\n' "$prog" "$DOMAIN_ID" "$REGION" "$OUTDIR" >&2

# --- SageMaker domain: the anchor for everything else -------------------------
capture "sagemaker/describe-domain-$DOMAIN_ID.json" \
    sagemaker describe-domain --domain-id "$DOMAIN_ID"
[ -s "$OUTDIR/sagemaker/describe-domain-$DOMAIN_ID.json" ] ||
    die "cannot describe domain $DOMAIN_ID; nothing else can be located"

# Read the network settings back with --query, so that jq is not needed.
VPC=$(value sagemaker describe-domain --domain-id "$DOMAIN_ID" --query 'VpcId')
HOME_FS=$(value sagemaker describe-domain --domain-id "$DOMAIN_ID" --query 'HomeEfsFileSystemId')
# Custom EFS file systems attached through the domain defaults (mounted like home).
CUSTOM_FS=$(value sagemaker describe-domain --domain-id "$DOMAIN_ID" \
    --query '[DefaultUserSettings.CustomFileSystemConfigs[].EFSFileSystemConfig.FileSystemId,
              DefaultSpaceSettings.CustomFileSystemConfigs[].EFSFileSystemConfig.FileSystemId][]')
SUBNETS=$(value sagemaker describe-domain --domain-id "$DOMAIN_ID" --query 'SubnetIds')
[ -n "$VPC" ] || die "domain $DOMAIN_ID has no VpcId"
printf '%s: VPC %s, subnets %s\n' "$prog" "$VPC" "$(printf '%s' "$SUBNETS" | tr '\n' ' ')" >&2

# --- EC2: the VPC and everything in it -----------------------------------------
VPC_FILTER="Name=vpc-id,Values=$VPC"

capture describe-vpcs.json ec2 describe-vpcs --vpc-ids "$VPC"
# Private DNS of interface endpoints needs both attributes true.
capture describe-vpc-attribute-enableDnsSupport.json \
    ec2 describe-vpc-attribute --vpc-id "$VPC" --attribute enableDnsSupport
capture describe-vpc-attribute-enableDnsHostnames.json \
    ec2 describe-vpc-attribute --vpc-id "$VPC" --attribute enableDnsHostnames
# All subnets of the VPC, not only the domain's: endpoints, NAT gateways and
# mount targets may live in others.
capture describe-subnets.json ec2 describe-subnets --filters "$VPC_FILTER"
# Route tables include the main table, used by subnets without an association.
capture describe-route-tables.json ec2 describe-route-tables --filters "$VPC_FILTER"
capture describe-network-acls.json ec2 describe-network-acls --filters "$VPC_FILTER"
capture describe-security-groups.json ec2 describe-security-groups --filters "$VPC_FILTER"
capture describe-vpc-endpoints.json ec2 describe-vpc-endpoints --filters "$VPC_FILTER"
# DescribeNatGateways spells its filter option --filter (singular).
capture describe-nat-gateways.json ec2 describe-nat-gateways --filter "$VPC_FILTER"
capture describe-internet-gateways.json \
    ec2 describe-internet-gateways --filters "Name=attachment.vpc-id,Values=$VPC"
# Egress-only IGWs cannot be filtered by VPC; capture all, sagescope picks its own.
capture describe-egress-only-internet-gateways.json ec2 describe-egress-only-internet-gateways
# ENIs: endpoint, mount-target, NAT and the real Studio app ENIs
# ("[DO NOT DELETE] ENI managed by SageMaker for Studio Domain(d-...)").
capture describe-network-interfaces.json \
    ec2 describe-network-interfaces --filters "$VPC_FILTER"

DOPT=$(value ec2 describe-vpcs --vpc-ids "$VPC" --query 'Vpcs[0].DhcpOptionsId')
# "default" means the VPC has no DHCP option set (AmazonProvidedDNS).
if [ -n "$DOPT" ] && [ "$DOPT" != default ]; then
    capture describe-dhcp-options.json ec2 describe-dhcp-options --dhcp-options-ids "$DOPT"
fi

# Prefix lists: security-group rules and routes name them (pl-...). The AWS
# service lists (S3, DynamoDB) come with their CIDRs from DescribePrefixLists;
# customer-managed lists need GetManagedPrefixListEntries, one file per list.
capture describe-prefix-lists.json ec2 describe-prefix-lists
capture describe-managed-prefix-lists.json ec2 describe-managed-prefix-lists
for pl in $(value ec2 describe-managed-prefix-lists --query "PrefixLists[?OwnerId!='AWS'].PrefixListId"); do
    capture "get-managed-prefix-list-entries-$pl.json" \
        ec2 get-managed-prefix-list-entries --prefix-list-id "$pl"
done

# --- EFS: the home file system (and custom ones), mount targets, their groups --
capture_efs() {
    # capture_efs FS_ID SUFFIX: SUFFIX is "" for the home file system, "-fs-..." otherwise.
    local fs=$1 suffix=$2 mt
    capture "efs/describe-file-systems$suffix.json" efs describe-file-systems --file-system-id "$fs"
    capture "efs/describe-mount-targets$suffix.json" efs describe-mount-targets --file-system-id "$fs"
    # The groups of a mount target are not in DescribeMountTargets; sagescope
    # matches each file to its mount target by the fsmt id in the file name.
    for mt in $(value efs describe-mount-targets --file-system-id "$fs" --query 'MountTargets[].MountTargetId'); do
        capture "efs/describe-mount-target-security-groups-$mt.json" \
            efs describe-mount-target-security-groups --mount-target-id "$mt"
    done
}
if [ -n "$HOME_FS" ]; then
    capture_efs "$HOME_FS" ""
else
    warn "domain $DOMAIN_ID reports no HomeEfsFileSystemId"
fi
for fs in $(printf '%s\n' "$CUSTOM_FS" | sort -u); do
    [ "$fs" = "$HOME_FS" ] || capture_efs "$fs" "-$fs"
done

# --- SageMaker: who runs apps, with which security groups ----------------------
# Effective groups: DefaultUserSettings ∪ the profile's UserSettings (private
# spaces use their owner's); shared spaces use DefaultSpaceSettings.
capture sagemaker/list-user-profiles.json \
    sagemaker list-user-profiles --domain-id-equals "$DOMAIN_ID"
for name in $(value sagemaker list-user-profiles --domain-id-equals "$DOMAIN_ID" \
    --query 'UserProfiles[].UserProfileName'); do
    capture "sagemaker/describe-user-profile-$name.json" \
        sagemaker describe-user-profile --domain-id "$DOMAIN_ID" --user-profile-name "$name"
done
capture sagemaker/list-spaces.json sagemaker list-spaces --domain-id-equals "$DOMAIN_ID"
for name in $(value sagemaker list-spaces --domain-id-equals "$DOMAIN_ID" --query 'Spaces[].SpaceName'); do
    capture "sagemaker/describe-space-$name.json" \
        sagemaker describe-space --domain-id "$DOMAIN_ID" --space-name "$name"
done
capture sagemaker/list-apps.json sagemaker list-apps --domain-id-equals "$DOMAIN_ID"

printf '%s: wrote %d files into %s' "$prog" "$WRITTEN" "$OUTDIR" >&2
if [ "$FAILED" -gt 0 ]; then
    printf '; %d call(s) failed (see the warnings above)\n' "$FAILED" >&2
else
    printf '\n' >&2
fi
