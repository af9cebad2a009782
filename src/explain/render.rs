//! PURE. Renderers of an [`Explanation`]: text for the terminal, Markdown
//! for tickets and PR comments, JSON for scripts. Each writes to any writer
//! and never looks at the terminal; the caller passes colour and width.

use std::io::{self, Write};

use super::{DomainExplanation, Explanation, Item, Status};
use crate::report::RenderOptions;

/// Width the text is wrapped to when the terminal's is unknown (pipes,
/// files, tests): stable output.
const DEFAULT_WIDTH: usize = 100;
/// Column where values and meanings start (after the status word).
const INDENT: usize = 12;

fn status_color(s: Status) -> &'static str {
    match s {
        Status::Ok => "\x1b[32m",
        Status::Info => "\x1b[2m",
        Status::Warning => "\x1b[33m",
        Status::Error => "\x1b[1;31m",
        Status::Unknown => "\x1b[35m",
    }
}

fn paint(s: &str, color: &str, on: bool) -> String {
    if on {
        format!("{color}{s}\x1b[0m")
    } else {
        s.to_string()
    }
}

/// Greedy word wrap; a word longer than the width gets a line of its own.
fn wrap(text: &str, width: usize) -> Vec<String> {
    let mut lines = Vec::new();
    let mut line = String::new();
    for word in text.split_whitespace() {
        if !line.is_empty() && line.chars().count() + 1 + word.chars().count() > width {
            lines.push(std::mem::take(&mut line));
        }
        if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(word);
    }
    if !line.is_empty() {
        lines.push(line);
    }
    lines
}

fn heading(d: &DomainExplanation) -> String {
    let mut parts = vec![match &d.name {
        Some(n) => format!("Domain {} ({n})", d.domain_id),
        None => format!("Domain {}", d.domain_id),
    }];
    parts.push(
        d.mode
            .clone()
            .unwrap_or_else(|| "network mode unknown".into()),
    );
    if let Some(r) = &d.region {
        parts.push(r.clone());
    }
    parts.join(" · ")
}

fn item_line(i: &Item) -> String {
    let mut line = if i.value.is_empty() {
        i.parameter.clone()
    } else {
        format!("{}: {}", i.parameter, i.value)
    };
    if let Some(code) = &i.code {
        line.push_str(&format!("  [{code}]"));
    }
    line
}

/// The terminal text: one block per section, each item as
/// `status  parameter: value [code]` with its meaning below, then the
/// problems again at the end, so they are what the reader sees last.
pub fn render_text(e: &Explanation, w: &mut dyn Write, opts: &RenderOptions) -> io::Result<()> {
    let width = opts
        .width
        .map(usize::from)
        .unwrap_or(DEFAULT_WIDTH)
        .clamp(60, 160);
    let text_width = width - INDENT;
    for (n, d) in e.domains.iter().enumerate() {
        if n > 0 {
            writeln!(w)?;
        }
        writeln!(w, "{}", paint(&heading(d), "\x1b[1m", opts.color))?;
        for s in &d.sections {
            writeln!(w)?;
            writeln!(w, "{}", paint(&s.title, "\x1b[1;4m", opts.color))?;
            for i in &s.items {
                let status = format!("{:<width$}", i.status.as_str(), width = INDENT - 2);
                let mut lines = wrap(&item_line(i), text_width).into_iter();
                let first = lines.next().unwrap_or_default();
                writeln!(
                    w,
                    "  {}{first}",
                    paint(&status, status_color(i.status), opts.color)
                )?;
                for l in lines.chain(wrap(&i.meaning, text_width)) {
                    writeln!(w, "{:INDENT$}{l}", "")?;
                }
            }
        }
        let problems: Vec<_> = d.problems().collect();
        writeln!(w)?;
        if problems.is_empty() {
            writeln!(
                w,
                "{}",
                paint(
                    "Nothing required is missing: the auto-created resources are intact.",
                    "\x1b[32m",
                    opts.color
                )
            )?;
        } else {
            writeln!(
                w,
                "{}",
                paint("Missing, broken or unknown", "\x1b[1;4m", opts.color)
            )?;
            for (_, i) in problems {
                let line = summary_line(i);
                let status = format!("{:<width$}", i.status.as_str(), width = INDENT - 2);
                let mut lines = wrap(&line, text_width).into_iter();
                writeln!(
                    w,
                    "  {}{}",
                    paint(&status, status_color(i.status), opts.color),
                    lines.next().unwrap_or_default()
                )?;
                for l in lines {
                    writeln!(w, "{:INDENT$}{l}", "")?;
                }
            }
        }
        writeln!(w, "{}: {}", d.domain_id, d.counts)?;
    }
    Ok(())
}

/// `parameter [code]: first sentence of the meaning` (the problem list).
fn summary_line(i: &Item) -> String {
    let mut line = i.parameter.clone();
    if let Some(code) = &i.code {
        line.push_str(&format!(" [{code}]"));
    }
    let first = match i.meaning.find(". ") {
        Some(n) => &i.meaning[..=n],
        None => i.meaning.as_str(),
    };
    if !first.is_empty() {
        line.push_str(": ");
        line.push_str(first);
    }
    line
}

/// Text for a Markdown table cell: pipes, backslashes and the characters
/// GitHub would take for HTML (`<endpoint-sg>`) escaped.
fn md_cell(s: &str) -> String {
    s.replace('\\', "\\\\")
        .replace('|', "\\|")
        .replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace(['\n', '\r'], " ")
}

/// A meaning whose `Fix:` command becomes a code span, so it can be copied.
fn md_meaning(s: &str) -> String {
    match s.split_once(" Fix: ") {
        Some((text, cmd)) => format!(
            "{} Fix: `{}`",
            md_cell(text),
            cmd.replace('|', "\\|").replace('`', "'")
        ),
        None => md_cell(s),
    }
}

fn md_status(s: Status) -> &'static str {
    match s {
        Status::Ok => "✅ ok",
        Status::Info => "ℹ️ info",
        Status::Warning => "⚠️ warning",
        Status::Error => "❌ error",
        Status::Unknown => "❔ unknown",
    }
}

/// Markdown: a heading per domain, what is missing first (that is what a
/// ticket is about), then one table per section.
pub fn render_markdown(e: &Explanation, w: &mut dyn Write) -> io::Result<()> {
    writeln!(w, "# sagescope explain")?;
    for d in &e.domains {
        writeln!(w)?;
        writeln!(w, "## {}", heading(d))?;
        writeln!(w)?;
        writeln!(w, "**{}**", d.counts)?;
        let problems: Vec<_> = d.problems().chain(d.warnings()).collect();
        if !problems.is_empty() {
            writeln!(w)?;
            writeln!(w, "### Missing, broken or unknown")?;
            writeln!(w)?;
            for (s, i) in problems {
                let code = i
                    .code
                    .as_ref()
                    .map(|c| format!(" `{c}`"))
                    .unwrap_or_default();
                writeln!(
                    w,
                    "- {}{code} — {} › **{}**: {}. {}",
                    md_status(i.status),
                    s.title,
                    md_cell(&i.parameter),
                    md_cell(&i.value),
                    md_meaning(&i.meaning)
                )?;
            }
        }
        for s in &d.sections {
            writeln!(w)?;
            writeln!(w, "### {}", s.title)?;
            writeln!(w)?;
            writeln!(w, "| Status | Parameter | Value | Meaning |")?;
            writeln!(w, "|---|---|---|---|")?;
            for i in &s.items {
                let value = match &i.code {
                    Some(c) => format!("{} `{c}`", md_cell(&i.value)),
                    None => md_cell(&i.value),
                };
                writeln!(
                    w,
                    "| {} | {} | {} | {} |",
                    md_status(i.status),
                    md_cell(&i.parameter),
                    value,
                    md_meaning(&i.meaning)
                )?;
            }
        }
    }
    writeln!(w)?;
    writeln!(w, "_Total: {}._", e.counts)?;
    Ok(())
}

/// The JSON document (`schema_version`, `domains[].sections[].items[]`,
/// `counts`), pretty-printed, with a final newline.
pub fn render_json(e: &Explanation, w: &mut dyn Write) -> io::Result<()> {
    serde_json::to_writer_pretty(&mut *w, e)?;
    writeln!(w)
}
