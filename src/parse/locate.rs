//! File positions of front-matter keys and values.
//!
//! serde_yaml gives positions for syntax errors but not for values, so this
//! small scanner maps a path such as `action_items[2].due` to the line and
//! column where it is written. It understands block style (the way
//! postmortems are written) and falls back to the nearest enclosing key it
//! can find for anything else (flow style, anchors), never to nothing.

/// One step of a path into the front matter.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Seg<'a> {
    Key(&'a str),
    Index(usize),
}

/// A position in the file: 1-based line and column, and how many
/// characters the located text spans.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Loc {
    pub(crate) line: usize,
    pub(crate) col: usize,
    pub(crate) len: usize,
}

#[derive(Debug)]
struct Entry<'a> {
    line: usize,
    /// Leading spaces.
    indent: usize,
    /// The line starts with `- `.
    dash: bool,
    /// Column (0-based) where `text` starts: after the indent and any `- `.
    start: usize,
    text: &'a str,
    /// The key this line starts with, if it is `key: …` (read once: every
    /// lookup compares keys line by line).
    key: Option<&'a str>,
}

impl<'a> Entry<'a> {
    fn key_indent(&self) -> usize {
        self.start
    }

    /// Byte offset in `text` just after `key:`.
    fn key_end(&self) -> Option<usize> {
        let k = self.key?;
        let quoted = usize::from(self.text.starts_with(['"', '\'']));
        let from = k.len() + 2 * quoted;
        Some(from + self.text[from..].find(':')? + 1)
    }

    /// The key line text `t` starts with, if it is `key: …`.
    fn read_key(t: &'a str) -> Option<&'a str> {
        let (key, rest) = if let Some(q @ ('"' | '\'')) = t.chars().next() {
            let end = t[1..].find(q)? + 1;
            (&t[1..end], &t[end + 1..])
        } else {
            let i = memchr::memchr(b':', t.as_bytes())?;
            (t[..i].trim_end(), &t[i..])
        };
        let after = rest.strip_prefix(':')?;
        (after.is_empty() || after.starts_with([' ', '\t', '\r'])).then_some(key)
    }
}

/// Finds where paths are written in one front matter block.
pub(crate) struct Locator<'a> {
    entries: Vec<Entry<'a>>,
}

impl<'a> Locator<'a> {
    /// `yaml` is the front matter text; `first_line` its first file line.
    pub(crate) fn new(yaml: &'a str, first_line: usize) -> Self {
        // about one entry per 30 bytes of a front matter
        let mut entries = Vec::with_capacity(yaml.len() / 30 + 8);
        let mut from = 0;
        let lines = memchr::memchr_iter(b'\n', yaml.as_bytes()).chain([yaml.len()]).map(|end| {
            let line = &yaml[from..end];
            from = end + 1;
            line
        });
        for (i, raw) in lines.enumerate() {
            let raw = raw.strip_suffix('\r').unwrap_or(raw);
            let indent = raw.len() - raw.trim_start_matches(' ').len();
            let rest = &raw[indent..];
            if rest.trim().is_empty() || rest.starts_with('#') {
                continue;
            }
            let (dash, start, text) = match rest.strip_prefix('-') {
                Some(after) if after.is_empty() || after.starts_with([' ', '\t']) => {
                    let trimmed = after.trim_start();
                    (true, indent + 1 + (after.len() - trimmed.len()), trimmed)
                }
                _ => (false, indent, rest),
            };
            entries.push(Entry { line: first_line + i, indent, dash, start, text, key: Entry::read_key(text) });
        }
        Locator { entries }
    }

    /// The entry the path leads to, or the deepest one found on the way,
    /// and whether the whole path was found.
    fn find(&self, path: &[Seg]) -> Option<(usize, bool)> {
        self.descend(path).map(|(i, exact, _)| (i, exact))
    }

    /// [`Locator::find`], with the entries under the one found.
    fn descend(&self, path: &[Seg]) -> Option<(usize, bool, std::ops::Range<usize>)> {
        let mut range = 0..self.entries.len();
        let mut found = None;
        for seg in path {
            let es = &self.entries[range.clone()];
            match *seg {
                Seg::Key(k) => {
                    let Some(level) = es.iter().map(Entry::key_indent).min() else {
                        return found.map(|i| (i, false, range));
                    };
                    let Some(pos) = es.iter().position(|e| e.key_indent() == level && e.key == Some(k)) else {
                        return found.map(|i| (i, false, range));
                    };
                    let idx = range.start + pos;
                    let ki = self.entries[idx].key_indent();
                    let end = (idx + 1..range.end)
                        .find(|&j| {
                            let e = &self.entries[j];
                            !(e.indent > ki || (e.dash && e.indent == ki))
                        })
                        .unwrap_or(range.end);
                    found = Some(idx);
                    range = idx + 1..end;
                }
                Seg::Index(n) => {
                    let dashes = self.dashes(range.clone());
                    let Some(&idx) = dashes.get(n) else {
                        return found.map(|i| (i, false, range));
                    };
                    let end = dashes.get(n + 1).copied().unwrap_or(range.end);
                    found = Some(idx);
                    range = idx..end;
                }
            }
        }
        found.map(|i| (i, true, range))
    }

    /// The entries in `range` that start the items of a block list: the
    /// dashes of the least indented level.
    fn dashes(&self, range: std::ops::Range<usize>) -> Vec<usize> {
        let es = &self.entries[range.clone()];
        let Some(level) = es.iter().filter(|e| e.dash).map(|e| e.indent).min() else {
            return Vec::new();
        };
        es.iter().enumerate().filter(|(_, e)| e.dash && e.indent == level).map(|(i, _)| range.start + i).collect()
    }

    /// The lines of the items of the block list at `path`, as
    /// `value(path + [Index(i)]).line` gives them one by one; empty when the
    /// list is not written as a block list (`[a, b]`) or not found.
    pub(crate) fn item_lines(&self, path: &[Seg]) -> Vec<usize> {
        match self.descend(path) {
            Some((_, true, range)) => self.dashes(range).into_iter().map(|i| self.entries[i].line).collect(),
            _ => Vec::new(),
        }
    }

    /// Whether the whole `path` is written in the block (in block style).
    pub(crate) fn has(&self, path: &[Seg]) -> bool {
        matches!(self.find(path), Some((_, true)))
    }

    /// Where the key at the end of `path` is written (for a list item: its
    /// dash). Falls back to the nearest enclosing key, then to line 1.
    pub(crate) fn key(&self, path: &[Seg]) -> Loc {
        match self.find(path) {
            Some((i, exact)) => {
                let e = &self.entries[i];
                let item = exact && matches!(path.last(), Some(Seg::Index(_)));
                let (col, len) = if e.dash && (item || e.key.is_none()) {
                    (e.indent + 1, e.text.chars().count() + e.start - e.indent)
                } else {
                    (e.start + 1, e.key.map_or(1, |k| k.chars().count()))
                };
                Loc { line: e.line, col, len }
            }
            None => Loc { line: 1, col: 1, len: 3 },
        }
    }

    /// Where the value at the end of `path` is written; its key when the
    /// value is on later lines or the path was not found exactly.
    pub(crate) fn value(&self, path: &[Seg]) -> Loc {
        let Some((i, true)) = self.find(path) else {
            return self.key(path);
        };
        let e = &self.entries[i];
        let off = match path.last() {
            Some(Seg::Key(_)) => match e.key_end() {
                Some(off) => off,
                None => return self.key(path),
            },
            _ => 0,
        };
        let rest = &e.text[off..];
        let lead = rest.len() - rest.trim_start().len();
        let value = rest.trim();
        if value.is_empty() || value.starts_with('#') {
            return self.key(path);
        }
        let col = e.start + e.text[..off + lead].chars().count() + 1;
        Loc { line: e.line, col, len: value.chars().count() }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use Seg::*;

    const FM: &str = "id: x
title: Checkout
summary: >
  text with key: inside
timeline:
  started: 2024-03-14T09:02:00Z   # impact began
  detected: 2024-03-14T09:40:00Z
five_whys:
  - Why one?
  - Why two?
tags: [a, b]
action_items:
  - id: PAY-1
    owner: lee
  - title: second
    due: 2024-04-01
authors:
- dana
- lee
";

    fn loc(l: &Locator, p: &[Seg]) -> (usize, usize) {
        let v = l.value(p);
        (v.line, v.col)
    }

    #[test]
    fn finds_top_level_and_nested_keys_on_file_lines() {
        let l = Locator::new(FM, 2);
        assert_eq!(loc(&l, &[Key("title")]), (3, 8));
        assert_eq!(loc(&l, &[Key("timeline"), Key("detected")]), (8, 13));
        assert_eq!(l.key(&[Key("timeline"), Key("detected")]), Loc { line: 8, col: 3, len: 8 });
        // a value that ends in a comment spans the value only up to the end of line
        assert_eq!(loc(&l, &[Key("timeline"), Key("started")]), (7, 12));
    }

    #[test]
    fn finds_list_items_and_keys_inside_them() {
        let l = Locator::new(FM, 2);
        assert_eq!(loc(&l, &[Key("five_whys"), Index(1)]), (11, 5));
        assert_eq!(loc(&l, &[Key("action_items"), Index(0), Key("owner")]), (15, 12));
        assert_eq!(loc(&l, &[Key("action_items"), Index(1), Key("due")]), (17, 10));
        assert_eq!(loc(&l, &[Key("action_items"), Index(1), Key("title")]), (16, 12));
        assert_eq!(loc(&l, &[Key("authors"), Index(1)]), (20, 3));
    }

    #[test]
    fn falls_back_to_the_nearest_enclosing_key() {
        let l = Locator::new(FM, 2);
        // flow-style list: the key's line
        assert_eq!(l.value(&[Key("tags"), Index(1)]).line, 12);
        // missing nested key: its parent
        assert_eq!(l.key(&[Key("timeline"), Key("resolved")]).line, 6);
        // missing item key: the item
        assert_eq!(l.key(&[Key("action_items"), Index(0), Key("due")]).line, 14);
        // nothing found: line 1, the opening fence
        assert_eq!(l.key(&[Key("nope")]).line, 1);
        // text inside a block scalar is not a key
        assert_eq!(l.key(&[Key("text with key")]).line, 1);
    }
    #[test]
    fn item_lines_are_the_lines_value_and_key_give_item_by_item() {
        let more = format!("{FM}nested:\n  - - a\n    - b\n  -\n    c\n  # note\n  - d\n");
        let l = Locator::new(&more, 2);
        for key in ["five_whys", "tags", "action_items", "authors", "nested", "title", "missing"] {
            let lines = l.item_lines(&[Key(key)]);
            for i in 0..4 {
                let one = l.value(&[Key(key), Index(i)]).line;
                if let Some(&line) = lines.get(i) {
                    assert_eq!(line, one, "{key}[{i}]");
                    // an action item's line is its key's (its dash)
                    assert_eq!(line, l.key(&[Key(key), Index(i)]).line, "{key}[{i}]");
                } else {
                    // not a block list item: value() falls back to an enclosing key
                    assert!(!matches!(l.find(&[Key(key), Index(i)]), Some((_, true))), "{key}[{i}]");
                }
            }
        }
        assert_eq!(l.item_lines(&[Key("five_whys")]), [10, 11]);
        assert_eq!(l.item_lines(&[Key("nested")]), [22, 24, 27]);
        assert!(l.item_lines(&[Key("tags")]).is_empty());
    }
}
