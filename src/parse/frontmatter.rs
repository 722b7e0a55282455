//! Splitting a file into its YAML front matter and Markdown body.

use crate::diagnostic::{Code, Diagnostic};

/// The two parts of a postmortem file.
#[derive(Debug, PartialEq)]
pub struct FrontMatter<'a> {
    /// The YAML between the `---` lines.
    pub yaml: &'a str,
    /// File line of the first YAML line (2, the line after the opening `---`).
    pub yaml_line: usize,
    /// File line of the closing `---`.
    pub(crate) close_line: usize,
    pub body: &'a str,
    /// File line on which the body starts.
    pub body_line: usize,
}

/// Splits `text` (a byte-order mark and CRLF allowed) at the first line
/// `---` and the next line `---`.
pub fn split<'a>(file: &str, text: &'a str) -> Result<FrontMatter<'a>, Diagnostic> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let first = text.split_inclusive('\n').next().unwrap_or("");
    if !is_fence(first) {
        let (msg, hint) = if text.trim().is_empty() {
            ("the file is empty", "start the file with a front matter block; `retro new \"Title\"` writes one for you")
        } else {
            (
                "no front matter: the file must start with a line `---`",
                "put the YAML fields between a first line `---` and a second line `---`, then the Markdown body",
            )
        };
        return Err(Diagnostic::new(Code::E003, file, 1, 1, msg).hint(hint));
    }
    let yaml_start = first.len();
    let bytes = text.as_bytes();
    let mut line_start = yaml_start;
    loop {
        // only lines that start with `---` can close the front matter
        if bytes[line_start..].starts_with(b"---") {
            let line_end = memchr::memchr(b'\n', &bytes[line_start..]).map_or(bytes.len(), |i| line_start + i + 1);
            if is_fence(&text[line_start..line_end]) {
                let close_line = 2 + memchr::memchr_iter(b'\n', &bytes[yaml_start..line_start]).count();
                return Ok(FrontMatter {
                    yaml: &text[yaml_start..line_start],
                    yaml_line: 2,
                    close_line,
                    body: &text[line_end..],
                    body_line: close_line + 1,
                });
            }
        }
        match memchr::memmem::find(&bytes[line_start..], b"\n---") {
            Some(i) => line_start += i + 1,
            None => break,
        }
    }
    Err(Diagnostic::new(Code::E004, file, 1, 1, "the front matter is not closed: no second line `---`")
        .hint("end the YAML fields with a line `---` before the Markdown body")
        .span(3))
}

fn is_fence(line: &str) -> bool {
    line.trim_end_matches(['\n', '\r', ' ', '\t']) == "---"
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_front_matter_and_body_with_their_lines() {
        let fm = split("f", "---\na: 1\nb: 2\n---\n# Body\n").unwrap();
        assert_eq!(fm.yaml, "a: 1\nb: 2\n");
        assert_eq!((fm.yaml_line, fm.close_line, fm.body_line), (2, 4, 5));
        assert_eq!(fm.body, "# Body\n");
    }

    #[test]
    fn accepts_crlf_and_a_byte_order_mark() {
        let fm = split("f", "\u{feff}---\r\na: 1\r\n---\r\nbody").unwrap();
        assert_eq!(fm.yaml, "a: 1\r\n");
        assert_eq!(fm.body, "body");
    }

    #[test]
    fn missing_unclosed_and_empty_are_different_errors() {
        assert_eq!(split("f", "# title\n").unwrap_err().code, Code::E003);
        assert_eq!(split("f", "").unwrap_err().message, "the file is empty");
        assert_eq!(split("f", "---\na: 1\n").unwrap_err().code, Code::E004);
        assert_eq!(split("f", "---").unwrap_err().code, Code::E004);
    }

    /// The definition, line by line: the first line after the opening
    /// fence that is `---` (trailing spaces, tabs and CR allowed) closes it.
    fn split_line_by_line(text: &str) -> Option<(&str, usize, &str)> {
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        let mut lines = text.split_inclusive('\n');
        if !is_fence(lines.next()?) {
            return None;
        }
        let start = text.split_inclusive('\n').next()?.len();
        let mut offset = start;
        for (n, l) in (2..).zip(lines) {
            if is_fence(l) {
                return Some((&text[start..offset], n, &text[offset + l.len()..]));
            }
            offset += l.len();
        }
        None
    }

    #[test]
    fn finds_the_same_closing_fence_as_reading_line_by_line() {
        let parts = ["---", "----", "--- ", "---\t", " ---", "-- -", "a: 1", "x---", "", "\r", "é: ---"];
        let mut n = 0;
        for a in parts {
            for b in parts {
                for c in parts {
                    for end in ["\n", "\r\n"] {
                        let text = format!("---{end}{a}{end}{b}{end}{c}");
                        let got = split("f", &text).ok().map(|fm| (fm.yaml, fm.close_line, fm.body));
                        assert_eq!(got, split_line_by_line(&text), "{text:?}");
                        n += 1;
                    }
                }
            }
        }
        assert_eq!(n, 11 * 11 * 11 * 2);
    }

    #[test]
    fn a_file_ending_at_the_closing_fence_has_an_empty_body() {
        let fm = split("f", "---\na: 1\n---").unwrap();
        assert_eq!(fm.body, "");
    }
}
