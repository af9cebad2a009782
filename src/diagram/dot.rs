//! PURE. A [`Diagram`] as Graphviz DOT, built with graphviz-rust's model
//! and printer.
//!
//! graphviz-rust prints ids verbatim, so every string that reaches the DOT
//! text goes through [`quoted`] (a DOT string) or [`html`] (an HTML-like
//! label): names come from AWS tags and may hold quotes, `<` or `&`.
//!
//! Layout choices (checked on rendered pictures, see the README): left to
//! right, so sources sit on the left of each subnet and paths run right
//! towards endpoints and gateways; clusters for VPC, AZ and subnet;
//! HTML labels with a bold title and small detail lines; `newrank` so that
//! ranks are computed across clusters.

use graphviz_rust::dot_structures::{
    Attribute, Edge, EdgeTy, Graph, GraphAttributes, Id, Node, NodeId, Stmt, Subgraph, Vertex,
};
use graphviz_rust::printer::{DotPrinter, PrinterContext};

use super::{Component, Diagram, Kind, Legend, PathEdge, VpcBox};
use crate::engine::Verdict;

/// Colour of a verdict: edges, legend and edge labels.
pub fn verdict_color(v: Verdict) -> &'static str {
    match v {
        Verdict::Reachable => "#2e7d32",
        Verdict::Partial => "#ef6c00",
        Verdict::Blocked => "#c62828",
        Verdict::Unknown | Verdict::NotApplicable => "#757575",
    }
}

const FONT: &str = "Helvetica";
const BLOCK_FILL: &str = "#ffebee";
const BLOCK_LINE: &str = "#c62828";

/// A DOT quoted string.
pub fn quoted(s: &str) -> Id {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => {}
            c => out.push(c),
        }
    }
    out.push('"');
    Id::Escaped(out)
}

/// Escape text for an HTML-like label.
pub fn escape_html(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\n' | '\r' => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

/// An HTML-like label from already-escaped markup.
fn html(markup: String) -> Id {
    Id::Html(format!("<{markup}>"))
}

fn plain(s: &str) -> Id {
    Id::Plain(s.to_string())
}

fn attr(k: &str, v: Id) -> Attribute {
    Attribute(plain(k), v)
}

fn sattr(k: &str, v: &str) -> Attribute {
    attr(k, quoted(v))
}

fn node_id(key: &str) -> NodeId {
    NodeId(quoted(key), None)
}

/// `<B>title</B>` then one left-aligned line per entry; passing checks in
/// green, blocking lines in red.
fn label_markup(c: &Component, title_size: u8) -> String {
    let (title, lines, blocking) = (&c.title, &c.lines, &c.blocking);
    let mut m = format!(
        "<FONT POINT-SIZE=\"{title_size}\"><B>{}</B></FONT>",
        escape_html(title)
    );
    for l in lines {
        m.push_str(&format!(
            "<BR ALIGN=\"LEFT\"/><FONT POINT-SIZE=\"9\">{}</FONT>",
            escape_html(l)
        ));
    }
    for (v, l) in &c.arrivals {
        m.push_str(&format!(
            "<BR ALIGN=\"LEFT\"/><FONT POINT-SIZE=\"9\" COLOR=\"{}\">{}</FONT>",
            verdict_color(*v),
            escape_html(l)
        ));
    }
    for l in &c.passes {
        m.push_str(&format!(
            "<BR ALIGN=\"LEFT\"/><FONT POINT-SIZE=\"9\" COLOR=\"{}\">{}</FONT>",
            verdict_color(Verdict::Reachable),
            escape_html(l)
        ));
    }
    for l in blocking {
        m.push_str(&format!(
            "<BR ALIGN=\"LEFT\"/><FONT POINT-SIZE=\"9\" COLOR=\"{BLOCK_LINE}\">{}</FONT>",
            escape_html(l)
        ));
    }
    m.push_str("<BR ALIGN=\"LEFT\"/>");
    m
}

fn style_of(kind: Kind) -> (&'static str, &'static str, &'static str) {
    // (shape, style, fill)
    match kind {
        Kind::Sources => ("box", "rounded,filled", "#e3f2fd"),
        Kind::InterfaceEndpoint => ("box", "rounded,filled", "#fff8e1"),
        Kind::GatewayEndpoint => ("cds", "filled", "#fff8e1"),
        Kind::MissingEndpoint => ("box", "rounded,dashed,filled", BLOCK_FILL),
        Kind::NatGateway => ("box", "filled", "#eceff1"),
        Kind::InternetGateway => ("box", "filled", "#eceff1"),
        Kind::MountTarget => ("box", "rounded,filled", "#e0f2f1"),
        Kind::FileSystem => ("cylinder", "filled", "#e0f2f1"),
        Kind::Blocker => ("box", "filled", BLOCK_FILL),
        Kind::Internet => ("ellipse", "filled", "#f5f5f5"),
        Kind::Service => ("ellipse", "filled", "#f5f5f5"),
        Kind::Destination => ("ellipse", "dashed", "#ffffff"),
    }
}

fn node(c: &Component) -> Stmt {
    let (shape, style, fill) = style_of(c.kind);
    let blocked = !c.blocking.is_empty() || matches!(c.kind, Kind::Blocker | Kind::MissingEndpoint);
    let mut attrs = vec![
        attr("shape", plain(shape)),
        sattr("style", style),
        sattr("fillcolor", if blocked { BLOCK_FILL } else { fill }),
        attr("label", html(label_markup(c, 10))),
    ];
    if blocked {
        attrs.push(sattr("color", BLOCK_LINE));
        attrs.push(attr("penwidth", plain("2.5")));
    }
    if c.kind == Kind::Blocker {
        // A double border: a rule, not a resource that carries traffic.
        attrs.push(attr("peripheries", plain("2")));
    }
    if !c.blocking.is_empty() {
        attrs.push(attr("tooltip", quoted(&c.blocking.join("\n"))));
    }
    Stmt::Node(Node::new(node_id(&c.key), attrs))
}

fn cluster(id: String, label: String, attrs: Vec<Attribute>, mut stmts: Vec<Stmt>) -> Stmt {
    let mut head = vec![Stmt::Attribute(attr("label", html(label)))];
    head.extend(attrs.into_iter().map(Stmt::Attribute));
    head.append(&mut stmts);
    Stmt::Subgraph(Subgraph {
        id: plain(&id),
        stmts: head,
    })
}

/// A cluster or graph title: bold, then left-aligned detail lines.
fn box_label(title: &str, lines: &[String], size: u8) -> String {
    let mut m = format!(
        "<FONT POINT-SIZE=\"{size}\"><B>{}</B></FONT>",
        escape_html(title)
    );
    for l in lines {
        m.push_str(&format!(
            "<BR ALIGN=\"LEFT\"/><FONT POINT-SIZE=\"9\">{}</FONT>",
            escape_html(l)
        ));
    }
    m.push_str("<BR ALIGN=\"LEFT\"/>");
    m
}

fn vpc_cluster(n: usize, v: &VpcBox) -> Stmt {
    let mut stmts = Vec::new();
    for (a, az) in v.azs.iter().enumerate() {
        let mut az_stmts = Vec::new();
        for (s, sub) in az.subnets.iter().enumerate() {
            let fill = if sub.public { "#fff8e1" } else { "#f4f9fd" };
            let style = if sub.domain_subnet {
                "rounded,filled"
            } else {
                "rounded,dashed,filled"
            };
            az_stmts.push(cluster(
                format!("cluster_v{n}_az{a}_s{s}"),
                box_label(&sub.title, &sub.lines, 10),
                vec![
                    sattr("style", style),
                    sattr("fillcolor", fill),
                    sattr("color", "#78909c"),
                ],
                sub.components.iter().map(node).collect(),
            ));
        }
        stmts.push(cluster(
            format!("cluster_v{n}_az{a}"),
            box_label(&az.title, &[], 11),
            vec![
                sattr("style", "dashed,rounded"),
                sattr("color", "#90a4ae"),
                sattr("bgcolor", "#ffffff"),
            ],
            az_stmts,
        ));
    }
    if !v.endpoints.is_empty() {
        stmts.push(cluster(
            format!("cluster_v{n}_endpoints"),
            box_label("VPC endpoints", &[], 11),
            vec![sattr("style", "rounded"), sattr("color", "#bcaaa4")],
            v.endpoints.iter().map(node).collect(),
        ));
    }
    if !v.blockers.is_empty() {
        stmts.push(cluster(
            format!("cluster_v{n}_blockers"),
            box_label(
                "Blocking rules",
                &["security groups, NACLs, route tables".into()],
                11,
            ),
            vec![sattr("style", "rounded,dashed"), sattr("color", BLOCK_LINE)],
            v.blockers.iter().map(node).collect(),
        ));
    }
    stmts.extend(v.gateways.iter().map(node));
    cluster(
        format!("cluster_v{n}"),
        box_label(&v.title, &v.lines, 12),
        vec![
            sattr("style", "rounded,filled"),
            sattr("fillcolor", "#fafafa"),
            sattr("color", "#37474f"),
            attr("penwidth", plain("1.5")),
        ],
        stmts,
    )
}

fn path_edge(e: &PathEdge) -> Stmt {
    let color = verdict_color(e.verdict);
    let (width, style, head) = match e.verdict {
        Verdict::Reachable => ("1.3", "solid", "normal"),
        Verdict::Partial if e.limit => ("1.6", "dashed", "tee"),
        Verdict::Partial => ("2.2", "solid", "normal"),
        Verdict::Blocked => ("2.2", "solid", "tee"),
        Verdict::Unknown | Verdict::NotApplicable => ("1.3", "dashed", "empty"),
    };
    let mut attributes = vec![
        sattr("color", color),
        attr("penwidth", plain(width)),
        sattr("style", style),
        attr("arrowhead", plain(head)),
        attr("tooltip", quoted(&e.tooltip)),
    ];
    if e.from != e.to {
        // Leave the source on its right and enter targets on their left:
        // edges then run between the boxes instead of across subnet titles.
        attributes.push(attr("tailport", plain("e")));
        attributes.push(attr("headport", plain("w")));
    }
    Stmt::Edge(Edge {
        ty: EdgeTy::Pair(Vertex::N(node_id(&e.from)), Vertex::N(node_id(&e.to))),
        attributes,
    })
}

fn legend_node(l: &Legend) -> Stmt {
    let mut rows = String::from("<TR><TD COLSPAN=\"2\" ALIGN=\"LEFT\"><B>Legend</B></TD></TR>");
    let names = [
        (Verdict::Reachable, "reachable"),
        (
            Verdict::Partial,
            "partial: only part of the flow gets through",
        ),
        (Verdict::Blocked, "blocked: ends at the blocking component"),
        (Verdict::Unknown, "unknown: the snapshot lacks the data"),
    ];
    for (v, what) in names {
        let n = l
            .counts
            .iter()
            .find(|(x, _)| *x == v)
            .map(|x| x.1)
            .unwrap_or(0);
        let line = match v {
            Verdict::Unknown => "- - - -&gt;",
            Verdict::Blocked => "———|",
            _ => "———&gt;",
        };
        rows.push_str(&format!(
            "<TR><TD ALIGN=\"LEFT\"><FONT COLOR=\"{}\"><B>{line}</B></FONT></TD><TD ALIGN=\"LEFT\">{} ({n} result{})</TD></TR>",
            verdict_color(v),
            escape_html(what),
            if n == 1 { "" } else { "s" }
        ));
    }
    rows.push_str(&format!(
        "<TR><TD COLSPAN=\"2\" ALIGN=\"LEFT\"><FONT POINT-SIZE=\"9\">{}</FONT></TD></TR>",
        escape_html(
            "coloured lines on a target: what arrives (✔ ◐ ✖ ?) ← from which subnets (1a = AZ a)"
        )
    ));
    let shapes = [
        (
            Kind::Sources,
            "Studio apps of one subnet: profiles, spaces, running apps",
        ),
        (Kind::InterfaceEndpoint, "interface / gateway endpoint"),
        (Kind::MountTarget, "home EFS mount target"),
        (Kind::Blocker, "blocking component, with its rule"),
    ];
    for (k, what) in shapes {
        let (_, _, fill) = style_of(k);
        let (fill, border) = if k == Kind::Blocker {
            (BLOCK_FILL, BLOCK_LINE)
        } else {
            (fill, "#78909c")
        };
        rows.push_str(&format!(
            "<TR><TD BGCOLOR=\"{fill}\" COLOR=\"{border}\" BORDER=\"1\" WIDTH=\"34\"> </TD><TD ALIGN=\"LEFT\">{}</TD></TR>",
            escape_html(what)
        ));
    }
    // A wrapped text row; continuation lines are indented.
    let text_row = |text: &str, color: &str| {
        let mut cell = String::new();
        for (i, line) in super::wrap(text, 70).iter().enumerate() {
            if i > 0 {
                cell.push_str("<BR ALIGN=\"LEFT\"/>&#160;&#160;&#160;&#160;");
            }
            cell.push_str(&escape_html(line));
        }
        format!(
            "<TR><TD COLSPAN=\"2\" ALIGN=\"LEFT\" BALIGN=\"LEFT\"><FONT POINT-SIZE=\"9\" COLOR=\"{color}\">{cell}</FONT></TD></TR>"
        )
    };
    if !l.queries.is_empty() {
        rows.push_str(&text_row(
            &format!("queries drawn: {}", l.queries.join(", ")),
            "#000000",
        ));
    }
    for (why, queries) in &l.not_applicable {
        rows.push_str(&text_row(
            &format!("not drawn, not applicable: {} ({why})", queries.join(", ")),
            "#757575",
        ));
    }
    Stmt::Node(Node::new(
        node_id("legend"),
        vec![
            attr("shape", plain("plaintext")),
            attr(
                "label",
                html(format!(
                    "<TABLE BORDER=\"1\" COLOR=\"#b0bec5\" CELLBORDER=\"0\" CELLSPACING=\"2\" CELLPADDING=\"3\" BGCOLOR=\"#ffffff\">{rows}</TABLE>"
                )),
            ),
        ],
    ))
}

/// The diagram as a graphviz-rust graph.
pub fn to_graph(d: &Diagram) -> Graph {
    let mut stmts = vec![
        Stmt::GAttribute(GraphAttributes::Graph(vec![
            attr("rankdir", plain("LR")),
            attr("newrank", plain("true")),
            attr("compound", plain("true")),
            sattr("fontname", FONT),
            attr("fontsize", plain("12")),
            attr("labelloc", plain("t")),
            attr("labeljust", plain("l")),
            attr("nodesep", plain("0.45")),
            attr("ranksep", plain("1.3")),
            attr("pad", plain("0.3")),
            attr("label", html(box_label(&d.title, &[], 16))),
        ])),
        Stmt::GAttribute(GraphAttributes::Node(vec![
            sattr("fontname", FONT),
            attr("fontsize", plain("10")),
            sattr("margin", "0.12,0.06"),
            sattr("color", "#546e7a"),
        ])),
        Stmt::GAttribute(GraphAttributes::Edge(vec![
            sattr("fontname", FONT),
            attr("fontsize", plain("9")),
            attr("arrowsize", plain("0.8")),
        ])),
        legend_node(&d.legend),
    ];
    for (n, v) in d.vpcs.iter().enumerate() {
        stmts.push(vpc_cluster(n, v));
    }
    stmts.extend(d.outside.iter().map(node));
    for l in &d.links {
        stmts.push(Stmt::Edge(Edge {
            ty: EdgeTy::Pair(Vertex::N(node_id(&l.from)), Vertex::N(node_id(&l.to))),
            attributes: vec![
                sattr("color", "#9e9e9e"),
                sattr("style", "dashed"),
                attr("arrowhead", plain("none")),
            ],
        }));
    }
    stmts.extend(d.edges.iter().map(path_edge));
    Graph::DiGraph {
        id: plain("sagescope"),
        strict: false,
        stmts,
    }
}

/// The diagram as DOT text, ending with a newline.
pub fn to_dot(d: &Diagram) -> String {
    let mut ctx = PrinterContext::default();
    let mut s = to_graph(d).print(&mut ctx);
    s.push('\n');
    s
}
