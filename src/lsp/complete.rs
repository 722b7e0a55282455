//! Completion: the words a field accepts (severities, statuses, kinds,
//! detection methods, the taxonomy's factors), the values the site already
//! uses (areas, tags, people), ids of other postmortems with their titles,
//! and the keys a mapping knows.

use super::context::{spot, Spot};
use super::position::{line, utf16};
use super::workspace::Workspace;
use crate::schema::{self, Level, Type};
use lsp_types::{CompletionItem, CompletionItemKind, CompletionTextEdit, Position, Range, TextEdit};
use std::collections::BTreeMap;

/// What to offer at line `n`, character `ch` (from 0) of the open file `rel`.
pub(crate) fn complete(ws: &Workspace, rel: &str, n: usize, ch: usize) -> Vec<CompletionItem> {
    let Some(text) = ws.text(rel) else {
        return Vec::new();
    };
    let Some(at) = spot(text, n, ch) else {
        return Vec::new();
    };
    let l = line(text, n);
    let edit = |from: usize, new_text: String| {
        let range = Range::new(Position::new(n as u32, utf16(l, from)), Position::new(n as u32, utf16(l, ch)));
        Some(CompletionTextEdit::Edit(TextEdit { range, new_text }))
    };
    let (offers, from) = match at {
        Spot::Value { level, key, from } | Spot::Item { level, key, from } => (values(ws, rel, level, key), from),
        Spot::Key { level, from } => (keys(level), from),
    };
    offers
        .into_iter()
        .enumerate()
        .map(|(i, o)| CompletionItem {
            label: o.label.clone(),
            kind: Some(o.kind),
            detail: o.detail,
            // the order given, not the editor's alphabetical one
            sort_text: Some(format!("{i:05}")),
            filter_text: Some(o.label.clone()),
            text_edit: edit(from, o.insert.unwrap_or(o.label)),
            ..CompletionItem::default()
        })
        .collect()
}

/// One thing to offer.
struct Offer {
    label: String,
    detail: Option<String>,
    kind: CompletionItemKind,
    /// What to write, when not the label.
    insert: Option<String>,
}

impl Offer {
    fn word(label: &str, detail: Option<String>) -> Offer {
        Offer { label: label.to_string(), detail, kind: CompletionItemKind::ENUM_MEMBER, insert: None }
    }
}

/// The values the key `key` at `level` takes.
fn values(ws: &Workspace, rel: &str, level: Level, key: &str) -> Vec<Offer> {
    let Some(field) = schema::field(level, key) else {
        return Vec::new();
    };
    match field.ty {
        Type::Word(words) => words.list(&ws.cfg).into_iter().map(|w| Offer::word(w, None)).collect(),
        Type::Factors => ws.cfg.factors.iter().map(|f| Offer::word(f, Some("contributing factor".into()))).collect(),
        Type::Ids => {
            let own = ws.postmortem(rel).map(|pm| pm.id.as_str());
            let mut pms: Vec<_> = ws.postmortems().filter(|pm| Some(pm.id.as_str()) != own).collect();
            // the newest first: a writer links recent incidents most
            pms.sort_by(|a, b| b.id.cmp(&a.id));
            pms.into_iter()
                .map(|pm| Offer {
                    label: pm.id.clone(),
                    detail: pm.title.as_deref().map(|t| t.trim().to_string()),
                    kind: CompletionItemKind::REFERENCE,
                    insert: None,
                })
                .collect()
        }
        Type::Text | Type::Texts => {
            let used = match (level, key) {
                (Level::Top, "area") => used(ws, |pm| pm.area.iter().cloned().collect()),
                (Level::Top, "tags") => used(ws, |pm| pm.tags.clone()),
                (Level::Top, "authors") | (Level::Item, "owner") => used(ws, |pm| {
                    pm.authors.iter().cloned().chain(pm.action_items.iter().filter_map(|a| a.owner.clone())).collect()
                }),
                _ => return Vec::new(),
            };
            used.into_iter()
                .map(|(value, n)| Offer {
                    label: value,
                    detail: Some(format!("in {n} postmortem{}", if n == 1 { "" } else { "s" })),
                    kind: CompletionItemKind::VALUE,
                    insert: None,
                })
                .collect()
        }
        _ => Vec::new(),
    }
}

/// The values the site uses, the most used first: each value with the
/// number of postmortems that use it.
fn used(ws: &Workspace, of: impl Fn(&crate::model::Postmortem) -> Vec<String>) -> Vec<(String, usize)> {
    let mut count: BTreeMap<String, usize> = BTreeMap::new();
    for pm in ws.postmortems() {
        let mut values: Vec<String> =
            of(pm).into_iter().map(|v| v.trim().to_string()).filter(|v| !v.is_empty()).collect();
        values.sort();
        values.dedup();
        for v in values {
            *count.entry(v).or_default() += 1;
        }
    }
    let mut out: Vec<(String, usize)> = count.into_iter().collect();
    out.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    out
}

/// The keys of a mapping at `level`, written with their colon.
fn keys(level: Level) -> Vec<Offer> {
    schema::at(level)
        .map(|f| Offer {
            label: f.name.to_string(),
            detail: Some(f.description()),
            kind: CompletionItemKind::FIELD,
            insert: Some(format!("{}: ", f.name)),
        })
        .collect()
}
