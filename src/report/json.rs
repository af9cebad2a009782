//! `--format json`: the whole [`Report`] as one pretty-printed document.
//!
//! Wire format (schema_version 1):
//! - `schema_version`: 1.
//! - `summary`: `{total, reachable, partial, blocked, unknown,
//!   not-applicable}` counts.
//! - `domains[]`: `{id, arn?, name?, mode?, vpc_id?, subnet_ids, region?}`.
//! - `queries[]`: `{id, title, severity, what?, why?, fix?, references?}`
//!   of the queries run (the docs as written in the query file).
//! - `results[]`: `{query, domain, source: {kind, name, subnet_id,
//!   availability_zone?, security_group_ids, eni_id?}, destination, verdict,
//!   severity, blocked_at[]: {resource, kind, direction, code, reason},
//!   path[] and return_path[]: {resource, kind, decision, rule?}, notes?,
//!   reachable_part?, fixes?, suppressed?, suppression_reason?}`; verdict is
//!   one of reachable, partial, blocked, unknown, not-applicable. `fixes[]`:
//!   `{summary, commands[]}` (AWS CLI lines with the real ids) on every
//!   partial, blocked or unknown result that sagescope can remediate.
//! - `check_infos[]`: `{id, title, severity, what, why, fix, references}` of
//!   the compliance checks run; `checks[]`: `{check, domain?, resource,
//!   status (pass|fail), severity, message, fixes?, suppressed?,
//!   suppression_reason?}`, passing results included.
//! - `suppressed: true` + `suppression_reason`: the finding is accepted in
//!   the suppression file and does not count for the exit code.
//! - `warnings[]`, `notes[]`: `{level, code, message, file?, ids?}`.
//!
//! Everything is sorted, so the same snapshot always gives the same bytes.

use std::io;

use super::{RenderOptions, Report};

pub fn render(report: &Report, w: &mut dyn io::Write, _opts: &RenderOptions) -> io::Result<()> {
    write_pretty(report, w)
}

/// Pretty JSON plus a trailing newline.
pub fn write_pretty<T: serde::Serialize>(value: &T, w: &mut dyn io::Write) -> io::Result<()> {
    serde_json::to_writer_pretty(&mut *w, value)?;
    writeln!(w)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_and_ends_with_a_newline() {
        let report = crate::report::tests::sample();
        let mut out = Vec::new();
        render(&report, &mut out, &RenderOptions::default()).unwrap();
        let text = String::from_utf8(out).unwrap();
        assert!(text.ends_with("}\n"));
        let back: Report = serde_json::from_str(&text).unwrap();
        assert_eq!(back, report);
        let v: serde_json::Value = serde_json::from_str(&text).unwrap();
        assert_eq!(v["summary"]["not-applicable"], 2);
        assert_eq!(
            v["results"][2]["blocked_at"][0]["code"],
            "ENI_SG_RULES_MISMATCH"
        );
    }
}
