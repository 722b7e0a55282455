//! `search-index.json`: the compact list of every postmortem (title,
//! summary cut to 160 characters, area, tags, severity, date and URL), for
//! scripts; the site's own search reads the index of `search/index.rs`.

use crate::render::view::PmRow;
use crate::render::OutputFile;
use serde::Serialize;

#[derive(Serialize)]
struct Entry<'a> {
    /// title
    t: &'a str,
    /// the page, relative to the site's root (`postmortems/<id>/`)
    u: String,
    /// summary, shortened
    s: String,
    /// area
    a: &'a str,
    /// tags
    g: Vec<&'a str>,
    /// severity
    v: &'a str,
    /// start day
    d: &'a str,
}

pub(crate) const MAX_SUMMARY: usize = 160;

/// Whitespace runs become one space; beyond [`MAX_SUMMARY`] characters the
/// text is cut and ends in `…`. Reads only as far as it keeps.
fn shorten(s: &str) -> String {
    let mut out = String::with_capacity(s.len().min(4 * MAX_SUMMARY));
    let mut chars = 0;
    for word in s.split_whitespace() {
        if !out.is_empty() {
            out.push(' ');
            chars += 1;
        }
        out.push_str(word);
        chars += word.chars().count();
        if chars > MAX_SUMMARY {
            let cut = out.char_indices().nth(MAX_SUMMARY - 1).map_or(out.len(), |(i, _)| i);
            out.truncate(cut);
            out.truncate(out.trim_end().len());
            out.push('…');
            return out;
        }
    }
    out
}

fn entry(r: &PmRow) -> Entry<'_> {
    Entry {
        t: &r.title,
        u: crate::routes::Route::Postmortem(r.id.clone()).link(),
        s: shorten(&r.summary),
        a: r.area.as_ref().map_or("", |a| a.name.as_str()),
        g: r.tags.iter().map(|t| t.name.as_str()).collect(),
        v: &r.severity,
        d: &r.date,
    }
}

/// `search-index.json`, newest first.
pub(crate) fn index(rows: &[&PmRow]) -> OutputFile {
    let entries: Vec<Entry> = rows.iter().rev().map(|r| entry(r)).collect();
    let mut bytes = serde_json::to_vec(&entries).unwrap_or_else(|_| b"[]".to_vec());
    bytes.push(b'\n');
    OutputFile { path: crate::routes::Route::SearchIndex.path(), bytes }
}

/// One row's entry of the index, for [`from_parts`].
pub(crate) fn part(row: &PmRow) -> Vec<u8> {
    serde_json::to_vec(&entry(row)).unwrap_or_default()
}

/// The same file as [`index`], byte for byte, from every row's [`part`]
/// in site order.
pub(crate) fn from_parts<'p>(parts: impl DoubleEndedIterator<Item = &'p [u8]>) -> OutputFile {
    let mut bytes = vec![b'['];
    for (k, p) in parts.rev().enumerate() {
        if k > 0 {
            bytes.push(b',');
        }
        bytes.extend_from_slice(p);
    }
    bytes.extend_from_slice(b"]\n");
    OutputFile { path: crate::routes::Route::SearchIndex.path(), bytes }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn summaries_are_cut_on_characters() {
        let long = "é".repeat(400);
        let s = shorten(&long);
        assert_eq!(s.chars().count(), MAX_SUMMARY);
        assert!(s.ends_with('…'));
        assert_eq!(shorten("  a \n b "), "a b");
    }

    #[test]
    fn shortening_equals_joining_the_words_then_cutting() {
        let by_definition = |s: &str| {
            let s = s.split_whitespace().collect::<Vec<_>>().join(" ");
            if s.chars().count() <= MAX_SUMMARY {
                return s;
            }
            let cut: String = s.chars().take(MAX_SUMMARY - 1).collect();
            format!("{}…", cut.trim_end())
        };
        for n in [0, 1, 50, 79, 80, 81, 158, 159, 160, 161, 162, 400] {
            for word in ["a", "ab ", "é\t", "  x  y", "word\n\n"] {
                let text = word.repeat(n);
                assert_eq!(shorten(&text), by_definition(&text), "{text:?}");
                let text = format!("{} {}", "z".repeat(n), word);
                assert_eq!(shorten(&text), by_definition(&text), "{text:?}");
            }
        }
    }
}
