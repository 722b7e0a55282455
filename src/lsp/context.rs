//! Where the cursor is in a front matter, read from the lines around it
//! the way a writer types them (block style; a flow list on one line): the
//! key whose value it is in, or the list it adds to, and at which level.
//! Half-typed front matter is not YAML yet, so this reads lines, not a tree.

use super::position::line;
use crate::schema::{self, Level, Type};

/// What the cursor is on.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Spot<'a> {
    /// The value of `key`, typed from character `from` of the line.
    Value { level: Level, key: &'a str, from: usize },
    /// An item of the list `key`, typed from character `from`.
    Item { level: Level, key: &'a str, from: usize },
    /// A key of a mapping at `level`, typed from character `from`.
    Key { level: Level, from: usize },
}

/// One line of a front matter, taken apart.
struct Parts<'a> {
    /// The column of the key, or of the text after `- `.
    col: usize,
    dash: Option<usize>,
    key: Option<&'a str>,
    /// What follows `key:` (or `- `), up to the end: spaces before it left
    /// out, spaces after it kept.
    value: &'a str,
}

fn parts(l: &str) -> Parts<'_> {
    let indent = l.len() - l.trim_start_matches(' ').len();
    let mut rest = &l[indent..];
    let mut col = indent;
    let mut dash = None;
    if let Some(r) = rest.strip_prefix("- ").or(if rest == "-" { Some("") } else { None }) {
        dash = Some(indent);
        let more = r.len() - r.trim_start_matches(' ').len();
        col = indent + 2 + more;
        rest = &r[more..];
    }
    let key_len = rest.bytes().take_while(|b| b.is_ascii_alphanumeric() || *b == b'_').count();
    let (key, value) = match rest[key_len..].strip_prefix(':') {
        Some(v) if key_len > 0 && (v.is_empty() || v.starts_with(' ')) => (Some(&rest[..key_len]), v.trim_start()),
        _ => (None, rest),
    };
    Parts { col, dash, key, value }
}

/// The lines of the front matter of `text`, from its first line: `None`
/// when the file has none.
fn front_matter(text: &str) -> Option<std::ops::Range<usize>> {
    let mut lines = text.split('\n').map(|l| l.trim_end_matches('\r'));
    if lines.next()?.trim_start_matches('\u{feff}') != "---" {
        return None;
    }
    let close = lines.position(|l| l == "---").map_or(usize::MAX, |i| i + 1);
    Some(1..close)
}

/// The key that holds the line `n` with its text at column `col`: the
/// nearest line above with a key left of it and no value, and that key's
/// level.
fn parent(text: &str, first: usize, n: usize, col: usize) -> Option<(Level, &str)> {
    for k in (first..n).rev() {
        let p = parts(line(text, k));
        let (Some(key), true) = (p.key, p.value.trim().is_empty() || p.value.starts_with('#')) else {
            if p.col < col && p.key.is_some() {
                return None;
            }
            continue;
        };
        if p.col < col {
            let level = level_at(text, first, k, p.col)?;
            return Some((level, key));
        }
    }
    None
}

/// The level of a mapping whose keys sit at column `col` on line `n`.
fn level_at(text: &str, first: usize, n: usize, col: usize) -> Option<Level> {
    if col == 0 {
        return Some(Level::Top);
    }
    let (level, key) = parent(text, first, n, col)?;
    match schema::field(level, key)?.ty {
        Type::Fields(inner) | Type::Items(inner) => Some(inner),
        _ => None,
    }
}

/// Where the cursor at line `n` (from 0), character `ch` (from 0) is.
pub(crate) fn spot(text: &str, n: usize, ch: usize) -> Option<Spot<'_>> {
    let lines = front_matter(text)?;
    if !lines.contains(&n) {
        return None;
    }
    let l = line(text, n);
    let cut = l.char_indices().nth(ch).map_or(l.len(), |(i, _)| i);
    let before = &l[..cut];
    let p = parts(before);
    let chars = |s: &str| s.chars().count();
    match (p.key, p.dash) {
        (Some(key), _) => {
            let level = level_at(text, lines.start, n, p.col)?;
            let value_at = before.len() - p.value.len();
            if let Some(open) = p.value.strip_prefix('[') {
                // a flow list: the item after the last `[` or `,`
                let item = open.rsplit(',').next().unwrap_or(open).trim_start();
                return Some(Spot::Item { level, key, from: chars(before) - chars(item) });
            }
            Some(Spot::Value { level, key, from: chars(&before[..value_at]) })
        }
        (None, Some(dash)) => {
            let (level, key) = parent_list(text, lines.start, n, dash)?;
            Some(Spot::Item { level, key, from: chars(before) - chars(p.value) })
        }
        (None, None) => {
            let level = level_at(text, lines.start, n, p.col)?;
            Some(Spot::Key { level, from: p.col })
        }
    }
}

/// The list a `- ` item at column `dash` belongs to: the nearest key above
/// at or left of the dash (`tags:` then `- a`, or `  - a`).
fn parent_list(text: &str, first: usize, n: usize, dash: usize) -> Option<(Level, &str)> {
    for k in (first..n).rev() {
        let p = parts(line(text, k));
        match p.key {
            Some(key) if p.col <= dash && p.dash.is_none() => {
                return Some((level_at(text, first, k, p.col)?, key));
            }
            _ if p.dash.is_some_and(|d| d < dash) => return None,
            _ => {}
        }
    }
    None
}

/// The key written on line `n` and its level: what a hover is over.
pub(crate) fn key_on(text: &str, n: usize) -> Option<(Level, &str)> {
    let lines = front_matter(text)?;
    if !lines.contains(&n) {
        return None;
    }
    let p = parts(line(text, n));
    Some((level_at(text, lines.start, n, p.col)?, p.key?))
}

#[cfg(test)]
mod tests {
    use super::*;

    const FILE: &str = "---\ntitle: Checkout\narea: \ntags: [web, pa\ntimeline:\n  started: 2024-03-14T09:00:00Z\n  \
                        mitigated: \nauthors:\n  - da\naction_items:\n  - title: Alert\n    owner: l\n    ki\n\
                        - stray\n---\nBody\n";

    fn at(line: usize) -> Option<Spot<'static>> {
        spot(FILE, line, super::line(FILE, line).chars().count())
    }

    #[test]
    fn the_cursor_is_read_as_the_key_or_list_it_is_in() {
        assert_eq!(at(2), Some(Spot::Value { level: Level::Top, key: "area", from: 6 }));
        assert_eq!(at(3), Some(Spot::Item { level: Level::Top, key: "tags", from: 12 }));
        assert_eq!(at(6), Some(Spot::Value { level: Level::Timeline, key: "mitigated", from: 13 }));
        assert_eq!(at(8), Some(Spot::Item { level: Level::Top, key: "authors", from: 4 }));
        assert_eq!(at(11), Some(Spot::Value { level: Level::Item, key: "owner", from: 11 }));
        assert_eq!(at(12), Some(Spot::Key { level: Level::Item, from: 4 }));
        assert_eq!(at(13), Some(Spot::Item { level: Level::Top, key: "action_items", from: 2 }));
        assert_eq!(at(15), None, "the body");
        assert_eq!(spot(FILE, 0, 0), None, "the fence");
        let typing = "---\ntags: [we \nowner: da  \n---\n";
        assert_eq!(spot(typing, 1, 10), Some(Spot::Item { level: Level::Top, key: "tags", from: 7 }));
        assert_eq!(spot(typing, 2, 11), Some(Spot::Value { level: Level::Top, key: "owner", from: 7 }));
        assert_eq!(spot(typing, 2, 99), Some(Spot::Value { level: Level::Top, key: "owner", from: 7 }));
        assert_eq!(key_on(FILE, 5), Some((Level::Timeline, "started")));
        assert_eq!(key_on(FILE, 10), Some((Level::Item, "title")));
    }

    proptest::proptest! {
        #[test]
        fn any_text_and_position_is_read_without_panic(
            body in "(---\n)?([ a-z_:\\-\\[,#é💥\r]{0,12}\n){0,8}(---\n)?",
            n in 0usize..12,
            ch in 0usize..16,
        ) {
            let _ = spot(&body, n, ch);
            let _ = key_on(&body, n);
        }
    }
}
