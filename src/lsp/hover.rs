//! Hover: what a key is for, and over the timeline the durations it makes
//! (TTD, TTA, TTM, TTR), computed as the site's metrics compute them.

use super::context::key_on;
use super::position::{line, range};
use super::workspace::Workspace;
use crate::schema::{self, Level};
use lsp_types::{Hover, HoverContents, MarkupContent, MarkupKind};

/// What to show over line `n` of the open file `rel`.
pub(crate) fn hover(ws: &Workspace, rel: &str, n: usize) -> Option<Hover> {
    let text = ws.text(rel)?;
    let (level, key) = key_on(text, n)?;
    let field = schema::field(level, key)?;
    let mut md = format!("**{key}**: {}", field.description());
    if level == Level::Timeline {
        md.push_str("\n\n");
        md.push_str(&durations(ws, rel, key));
    }
    let l = line(text, n);
    let col = l.find(key).map_or(0, |b| l[..b].chars().count());
    Some(Hover {
        contents: HoverContents::Markup(MarkupContent { kind: MarkupKind::Markdown, value: md }),
        range: Some(range(text, n, col, key.chars().count())),
    })
}

/// The timeline's durations as a Markdown table, the one `key` takes part
/// in first.
fn durations(ws: &Workspace, rel: &str, key: &str) -> String {
    let d = ws.postmortem(rel).map(crate::metrics::durations).unwrap_or_default();
    let rows = [
        ("TTD", "time to detect", "detected − started", d.ttd, "detected"),
        ("TTA", "time to acknowledge", "acknowledged − detected", d.tta, "acknowledged"),
        ("TTM", "time to mitigate", "mitigated − started", d.ttm, "mitigated"),
        ("TTR", "time to resolve", "resolved − started", d.ttr, "resolved"),
    ];
    let mut out = String::from("| | | |\n| --- | --- | --- |\n");
    let mut sorted: Vec<_> = rows.iter().collect();
    sorted.sort_by_key(|r| r.4 != key);
    for (short, long, how, value, _) in sorted {
        out.push_str(&format!("| **{short}** ({long}) | {} | {how} |\n", crate::render::view::fmt_minutes(*value)));
    }
    out
}
