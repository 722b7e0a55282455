//! Between the editor's coordinates and retro's: LSP positions count lines
//! from 0 and characters in UTF-16 code units, retro's diagnostics count
//! lines and characters from 1; editors name files by `file://` URIs.

use lsp_types::{Position, Range, Uri};
#[cfg(test)]
use std::path::Path;
use std::path::PathBuf;

/// The line `n` (from 0) of `text`, without its line break.
pub(crate) fn line(text: &str, n: usize) -> &str {
    let l = text.split('\n').nth(n).unwrap_or("");
    l.strip_suffix('\r').unwrap_or(l)
}

/// The UTF-16 offset of the character `chars` (from 0) of `line`.
pub(crate) fn utf16(line: &str, chars: usize) -> u32 {
    line.chars().take(chars).map(|c| c.len_utf16() as u32).sum()
}

/// The character index (from 0) at UTF-16 offset `units` of `line`.
pub(crate) fn char_at(line: &str, units: u32) -> usize {
    let mut seen = 0;
    for (i, c) in line.chars().enumerate() {
        if seen >= units {
            return i;
        }
        seen += c.len_utf16() as u32;
    }
    line.chars().count()
}

/// The range of `chars` characters from character `start` (from 0) of the
/// line `n` (from 0) of `text`; to the end of the line when `chars` is 0.
pub(crate) fn range(text: &str, n: usize, start: usize, chars: usize) -> Range {
    let l = line(text, n);
    let end = if chars == 0 { l.chars().count().max(start) } else { start + chars };
    Range::new(Position::new(n as u32, utf16(l, start)), Position::new(n as u32, utf16(l, end)))
}

/// The file a `file://` URI names.
pub(crate) fn path_of(uri: &Uri) -> Option<PathBuf> {
    let rest = uri.as_str().strip_prefix("file://")?;
    // `file:///home/…`, or `file://localhost/home/…`
    let rest = rest.strip_prefix("localhost").unwrap_or(rest);
    let bytes = rest.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = |b: u8| (b as char).to_digit(16);
        match (bytes[i], bytes.get(i + 1).copied().and_then(hex), bytes.get(i + 2).copied().and_then(hex)) {
            (b'%', Some(h), Some(l)) => {
                out.push((h * 16 + l) as u8);
                i += 3;
            }
            (b, _, _) => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8(out).ok().map(PathBuf::from)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_count_utf16_units_in_the_editor() {
        let l = "title: Zürich 💥 down";
        assert_eq!(utf16(l, 9), 9);
        assert_eq!(utf16(l, 15), 16, "the emoji is two units");
        assert_eq!(char_at(l, 16), 15);
        assert_eq!(char_at(l, 99), l.chars().count());
        assert_eq!(line("a\r\nb\n", 0), "a");
        assert_eq!(range("x: 1\nkey: value\n", 1, 5, 0), Range::new(Position::new(1, 5), Position::new(1, 10)));
    }

    #[test]
    fn file_uris_are_read_with_spaces_and_accents() {
        let uri: Uri = "file:///home/dana/Post%20mortems/Z%C3%BCrich.md".parse().unwrap();
        assert_eq!(path_of(&uri).unwrap(), Path::new("/home/dana/Post mortems/Zürich.md"));
        assert_eq!(path_of(&"https://example.com/a.md".parse().unwrap()), None);
    }
}
