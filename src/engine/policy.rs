//! VPC endpoint policies: when a policy document lets everything through.
//!
//! AWS: an endpoint policy is a resource-based IAM policy that "controls
//! access to the service through the endpoint"; without one, or with the
//! default one (a single statement allowing `*` actions on `*` resources to
//! the `*` principal), the endpoint imposes no restriction
//! (<https://docs.aws.amazon.com/vpc/latest/privatelink/vpc-endpoints-access.html>,
//! docs/sagemaker-network.md F12, section 2.2). IAM reads a principal of
//! `"*"`, `{"AWS": "*"}` and `{"AWS": ["*"]}` alike as everyone, and any
//! element may be a string or a list of strings
//! (<https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_principal.html>).
//! An explicit Deny always wins over an Allow, so a document with a Deny
//! statement restricts something even beside an allow-all statement.
//!
//! The engine uses this to note a restrictive policy on a path; the check
//! `endpoint-policy-allows-studio` uses it before evaluating the statements.

use serde_json::Value;

/// The strings of an element that may be a string or a list of strings.
pub fn strings(v: &Value) -> Vec<&str> {
    match v {
        Value::String(s) => vec![s.as_str()],
        Value::Array(a) => a.iter().filter_map(Value::as_str).collect(),
        _ => Vec::new(),
    }
}

/// The statements of a policy document: `Statement` may be one object or a
/// list of them; anything else holds none.
pub fn statements(policy: &Value) -> Vec<&Value> {
    match &policy["Statement"] {
        Value::Array(a) => a.iter().collect(),
        o @ Value::Object(_) => vec![o],
        _ => Vec::new(),
    }
}

/// Whether an endpoint policy document allows every action on every
/// resource to every principal, unconditionally, and denies nothing.
/// A document that is not JSON is not full access.
pub fn is_full_access_policy(doc: &str) -> bool {
    let Ok(v) = serde_json::from_str::<Value>(doc) else {
        return false;
    };
    let statements = statements(&v);
    let star = |x: &Value| strings(x).contains(&"*");
    let everyone = |p: &Value| star(p) || p.get("AWS").is_some_and(star);
    let denies = statements.iter().any(|s| s["Effect"] == "Deny");
    !denies
        && statements.iter().any(|s| {
            s["Effect"] == "Allow"
                && everyone(&s["Principal"])
                && star(&s["Action"])
                && star(&s["Resource"])
                && s.get("Condition").is_none()
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn full_access_forms_and_restrictions() {
        // The default policy AWS attaches, and the equivalent spellings of
        // "everyone" and of single-element lists.
        for doc in [
            r#"{"Statement":[{"Effect":"Allow","Principal":"*","Action":"*","Resource":"*"}]}"#,
            r#"{"Version":"2008-10-17","Statement":{"Effect":"Allow","Principal":"*","Action":"*","Resource":"*"}}"#,
            r#"{"Statement":[{"Effect":"Allow","Principal":{"AWS":"*"},"Action":["*"],"Resource":["*"]}]}"#,
            r#"{"Statement":[{"Effect":"Allow","Principal":{"AWS":["*"]},"Action":"*","Resource":"*"}]}"#,
        ] {
            assert!(is_full_access_policy(doc), "{doc}");
        }
        for doc in [
            // Narrower action, resource or principal.
            r#"{"Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"*"}]}"#,
            r#"{"Statement":[{"Effect":"Allow","Principal":"*","Action":"*","Resource":"arn:aws:s3:::b/*"}]}"#,
            r#"{"Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:root"},"Action":"*","Resource":"*"}]}"#,
            // A condition restricts.
            r#"{"Statement":[{"Effect":"Allow","Principal":"*","Action":"*","Resource":"*","Condition":{"StringEquals":{"aws:PrincipalAccount":"111122223333"}}}]}"#,
            // An explicit Deny wins over the allow-all statement.
            r#"{"Statement":[{"Effect":"Allow","Principal":"*","Action":"*","Resource":"*"},{"Effect":"Deny","Principal":"*","Action":"sagemaker:DeleteDomain","Resource":"*"}]}"#,
            // Not a policy.
            r#"{"Statement":"x"}"#,
            "not json",
        ] {
            assert!(!is_full_access_policy(doc), "{doc}");
        }
    }
}
