//! `domain-customer-managed-key`: the domain encrypts its volumes with a
//! customer managed KMS key.

use super::{Check, CheckContext, Docs, Finding};
use crate::fix::cli::{self, placeholder};
use crate::query::Severity;

pub const CHECK: Check = Check {
    id: "domain-customer-managed-key",
    title: "Domain storage is encrypted with a customer managed KMS key",
    severity: Severity::Info,
    docs: Docs {
        what: "Checks that each described domain has a KmsKeyId, the customer managed key that \
               encrypts its home EFS and the EBS volumes of its apps. Without one, AWS uses an \
               AWS managed key.",
        why: "An AWS managed key cannot be restricted by a key policy, disabled or audited per \
              domain, which many compliance frameworks require (Prowler \
              sagemaker_domain_encrypted_with_cmk, Checkov CKV_AWS_187). It does not affect any \
              network path, hence the info severity.",
        fix:
            "The key is chosen at CreateDomain and cannot be changed afterwards: create a KMS key, \
              create a new domain with --kms-key-id and the same network settings, and move the \
              users' data over (or accept the AWS managed key and suppress this finding).",
        references: &[
            "docs/sagemaker-network.md section 1.4 (KmsKeyId), 7.3, 7.4",
            "https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_CreateDomain.html",
            "https://docs.aws.amazon.com/sagemaker/latest/dg/encryption-at-rest-studio.html",
        ],
    },
    run,
};

fn run(cx: &CheckContext<'_>) -> Vec<Finding> {
    let mut out = Vec::new();
    for d in cx.domains() {
        let dom = Some(d.id.as_str());
        if let Some(key) = &d.kms_key_id {
            out.push(Finding::pass(dom, &d.id, format!("encrypted with {key}")));
            continue;
        }
        let region = cx.region(d);
        let r = region.as_deref();
        let name = d.name.clone().unwrap_or_else(|| d.id.clone());
        let mut settings = serde_json::Map::new();
        settings.insert(
            "ExecutionRole".into(),
            d.default_user_settings
                .execution_role
                .clone()
                .unwrap_or_else(|| placeholder("execution-role-arn"))
                .into(),
        );
        if !d.default_user_settings.security_groups.is_empty() {
            settings.insert(
                "SecurityGroups".into(),
                serde_json::json!(d.default_user_settings.security_groups),
            );
        }
        let mut subnets = d.subnet_ids.clone();
        subnets.sort();
        let mut create = cli::Cmd::new("sagemaker", "create-domain", r)
            .arg("domain-name", &format!("{name}-cmk"))
            .arg("auth-mode", d.auth_mode.as_deref().unwrap_or("IAM"))
            .arg(
                "app-network-access-type",
                d.app_network_access_type.as_deref().unwrap_or("VpcOnly"),
            )
            .arg("vpc-id", d.vpc_id.as_deref().unwrap_or("<vpc-id>"));
        create = if subnets.is_empty() {
            create.arg("subnet-ids", "<subnet-ids>")
        } else {
            create.args("subnet-ids", &subnets)
        };
        let create = create
            .arg(
                "default-user-settings",
                &serde_json::Value::Object(settings).to_string(),
            )
            .arg("kms-key-id", "<key-arn>")
            .build();
        out.push(
            Finding::fail(
                dom,
                &d.id,
                "no KmsKeyId: the home EFS and app volumes use an AWS managed key",
            )
            .fix(
                "The key is fixed at creation: create a customer managed key and a new domain with \
                 the same network settings, then migrate the users",
                vec![
                    cli::Cmd::new("kms", "create-key", r)
                        .arg("description", &format!("SageMaker Studio domain {name}"))
                        .build(),
                    create,
                ],
            ),
        );
    }
    out
}
