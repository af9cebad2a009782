//! `endpoint-policy-allows-studio`: restrictive endpoint policies still
//! allow the calls Studio makes.

use serde_json::Value;

use super::{Check, CheckContext, Docs, Finding};
use crate::engine::endpoint_service_name;
use crate::engine::policy::{is_full_access_policy, statements, strings};
use crate::fix::cli;
use crate::query::Severity;

pub const CHECK: Check = Check {
    id: "endpoint-policy-allows-studio",
    title: "Restrictive endpoint policies allow what Studio calls",
    severity: Severity::Low,
    docs: Docs {
        what: "For the sagemaker.api, sagemaker.runtime, studio, sts, logs and s3 endpoints of a \
               VpcOnly domain's VPC: a missing or default (full access) policy passes; a \
               restrictive one passes only if an Allow statement covers a call Studio makes \
               through it (sagemaker:CreateApp, sagemaker:InvokeEndpoint, sts:GetCallerIdentity, \
               logs:GetLogEvents, s3:GetObject on the JumpStart bucket) and no Deny statement \
               removes it. A heuristic: conditions are not evaluated, wildcards are.",
        why:
            "Endpoint policies are IAM documents that the path engine does not evaluate: the path \
              is open but calls are denied (AccessDenied). A restrictive S3 endpoint policy breaks \
              JumpStart and SageMaker-owned buckets (failure mode F12); a Studio endpoint policy \
              must allow sagemaker:CreateApp. A warning, since sagescope cannot prove the whole \
              policy right or wrong.",
        fix: "Restore the default policy (`aws ec2 modify-vpc-endpoint --reset-policy`) or add a \
              statement allowing the calls Studio makes (`--policy-document`).",
        references: &[
            "docs/sagemaker-network.md F12, section 2.2 (endpoint policies)",
            "https://docs.aws.amazon.com/vpc/latest/privatelink/vpc-endpoints-access.html",
            "https://docs.aws.amazon.com/sagemaker/latest/dg/studio-interface-endpoint.html",
            "https://docs.aws.amazon.com/sagemaker/latest/dg/canvas-vpc.html",
            "https://github.com/aws-samples/amazon-sagemaker-studio-vpc-networkfirewall",
        ],
    },
    run,
};

/// What Studio calls through an endpoint: (action, a resource it acts on).
fn needs(
    service: &str,
    region: &str,
    account: &str,
    domain: &str,
) -> Option<Vec<(String, String)>> {
    let sm = |what: &str| format!("arn:aws:sagemaker:{region}:{account}:{what}");
    Some(match service {
        "sagemaker.api" | "studio" => vec![(
            "sagemaker:CreateApp".into(),
            sm(&format!("app/{domain}/user/jupyterlab/default")),
        )],
        "sagemaker.runtime" => vec![("sagemaker:InvokeEndpoint".into(), sm("endpoint/model"))],
        "sts" => vec![("sts:GetCallerIdentity".into(), "*".into())],
        "logs" => vec![(
            "logs:GetLogEvents".into(),
            format!("arn:aws:logs:{region}:{account}:log-group:/aws/sagemaker/TrainingJobs:log-stream:job"),
        )],
        "s3" => vec![(
            "s3:GetObject".into(),
            format!("arn:aws:s3:::jumpstart-cache-prod-{region}/model.tar.gz"),
        )],
        _ => return None,
    })
}

/// IAM wildcard match (`*`, `?`), case-insensitive as IAM actions are.
fn glob(pattern: &str, text: &str) -> bool {
    fn go(p: &[u8], t: &[u8]) -> bool {
        match (p.first(), t.first()) {
            (None, None) => true,
            (Some(b'*'), _) => go(&p[1..], t) || (!t.is_empty() && go(p, &t[1..])),
            (Some(b'?'), Some(_)) => go(&p[1..], &t[1..]),
            (Some(a), Some(b)) if a.eq_ignore_ascii_case(b) => go(&p[1..], &t[1..]),
            _ => false,
        }
    }
    go(pattern.as_bytes(), text.as_bytes())
}

/// Whether a statement's Action/NotAction and Resource/NotResource cover
/// (action, resource).
fn covers(stmt: &Value, action: &str, resource: &str) -> bool {
    let any = |key: &str, x: &str| strings(&stmt[key]).iter().any(|p| glob(p, x));
    let act = if stmt.get("Action").is_some() {
        any("Action", action)
    } else {
        stmt.get("NotAction").is_some() && !any("NotAction", action)
    };
    let res = if stmt.get("Resource").is_some() {
        any("Resource", resource)
    } else {
        stmt.get("NotResource")
            .is_some_and(|_| !any("NotResource", resource))
    };
    act && res
}

/// `Ok(())` when the policy allows every need, else the needs it does not.
fn evaluate(policy: &Value, needs: &[(String, String)]) -> Result<(), Vec<String>> {
    let stmts = statements(policy);
    let missing: Vec<String> = needs
        .iter()
        .filter(|(a, r)| {
            let allowed = stmts
                .iter()
                .any(|s| s["Effect"] == "Allow" && covers(s, a, r));
            let denied = stmts
                .iter()
                .any(|s| s["Effect"] == "Deny" && s.get("Condition").is_none() && covers(s, a, r));
            !allowed || denied
        })
        .map(|(a, _)| a.clone())
        .collect();
    if missing.is_empty() {
        Ok(())
    } else {
        Err(missing)
    }
}

fn run(cx: &CheckContext<'_>) -> Vec<Finding> {
    let mut out = Vec::new();
    for d in cx.vpc_only_domains() {
        let (Some(vpc), Some(region)) = (d.vpc_id.as_deref(), cx.region(d)) else {
            continue;
        };
        let dom = Some(d.id.as_str());
        let account = d
            .arn
            .as_deref()
            .and_then(|a| a.split(':').nth(4))
            .filter(|a| !a.is_empty())
            .unwrap_or("*")
            .to_string();
        for ep in cx.endpoints(vpc) {
            let Some((svc, need)) = [
                "sagemaker.api",
                "sagemaker.runtime",
                "studio",
                "sts",
                "logs",
                "s3",
            ]
            .into_iter()
            .find(|s| endpoint_service_name(s, &region) == ep.service_name)
            .and_then(|s| needs(s, &region, &account, &d.id).map(|n| (s, n))) else {
                continue;
            };
            let Some(doc) = &ep.policy_document else {
                out.push(Finding::pass(
                    dom,
                    &ep.id,
                    format!("{svc}: no endpoint policy (full access)"),
                ));
                continue;
            };
            if is_full_access_policy(doc) {
                out.push(Finding::pass(
                    dom,
                    &ep.id,
                    format!("{svc}: default full-access policy"),
                ));
                continue;
            }
            let policy: Value = serde_json::from_str(doc).unwrap_or(Value::Null);
            match evaluate(&policy, &need) {
                Ok(()) => out.push(Finding::pass(
                    dom,
                    &ep.id,
                    format!(
                        "{svc}: restrictive policy allows {} (conditions not evaluated)",
                        need.iter()
                            .map(|(a, _)| a.as_str())
                            .collect::<Vec<_>>()
                            .join(", ")
                    ),
                )),
                Err(missing) => {
                    let r = Some(region.as_str());
                    let statement = serde_json::json!({
                        "Sid": "AllowSageMakerStudio",
                        "Effect": "Allow",
                        "Principal": "*",
                        "Action": need.iter().map(|(a, _)| a.clone()).collect::<Vec<_>>(),
                        "Resource": "*",
                    });
                    let mut merged = policy.clone();
                    let mut cmds = vec![cli::endpoint_reset_policy(&ep.id, r)];
                    let summary_add;
                    match merged.get_mut("Statement") {
                        Some(Value::Array(a)) => {
                            a.push(statement);
                            summary_add = "or add an Allow statement for them";
                            cmds.push(cli::endpoint_policy(&ep.id, &merged.to_string(), r));
                        }
                        Some(o @ Value::Object(_)) => {
                            *o = Value::Array(vec![o.clone(), statement]);
                            summary_add = "or add an Allow statement for them";
                            cmds.push(cli::endpoint_policy(&ep.id, &merged.to_string(), r));
                        }
                        _ => summary_add = "(the policy could not be parsed)",
                    }
                    out.push(
                        Finding::fail(
                            dom,
                            &ep.id,
                            format!(
                                "{svc}: the endpoint policy does not allow {} (Studio calls it through {})",
                                missing.join(", "),
                                ep.id
                            ),
                        )
                        .fix(
                            format!(
                                "Restore the full-access policy of {} (first command), {summary_add} (second)",
                                ep.id
                            ),
                            cmds,
                        ),
                    );
                }
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn globs() {
        assert!(glob("sagemaker:*", "sagemaker:CreateApp"));
        assert!(glob("SageMaker:Create*", "sagemaker:CreateApp"));
        assert!(glob("*", "anything"));
        assert!(glob(
            "arn:aws:s3:::jumpstart-cache-prod-*/*",
            "arn:aws:s3:::jumpstart-cache-prod-eu-west-1/x"
        ));
        assert!(!glob("s3:PutObject", "s3:GetObject"));
        assert!(glob("s3:?etObject", "s3:GetObject"));
    }

    #[test]
    fn evaluation() {
        let need = vec![("s3:GetObject".to_string(), "arn:aws:s3:::b/k".to_string())];
        let allow = serde_json::json!({"Statement": [{"Effect": "Allow", "Principal": "*",
            "Action": ["s3:Get*"], "Resource": "arn:aws:s3:::b/*"}]});
        assert_eq!(evaluate(&allow, &need), Ok(()));
        let other = serde_json::json!({"Statement": {"Effect": "Allow", "Principal": "*",
            "Action": "s3:GetObject", "Resource": "arn:aws:s3:::mine/*"}});
        assert_eq!(
            evaluate(&other, &need),
            Err(vec!["s3:GetObject".to_string()])
        );
        let mut denied = allow.clone();
        denied["Statement"]
            .as_array_mut()
            .unwrap()
            .push(serde_json::json!({
            "Effect": "Deny", "Principal": "*", "NotAction": "s3:PutObject", "Resource": "*"}));
        assert!(evaluate(&denied, &need).is_err());
    }
}
