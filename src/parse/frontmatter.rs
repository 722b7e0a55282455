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
    pub close_line: usize,
    pub body: &'a str,
    /// File line on which the body starts.
    pub body_line: usize,
}

/// Splits `text` (a byte-order mark and CRLF allowed) at the first line
/// `---` and the next line `---`.
pub fn split<'a>(file: &str, text: &'a str) -> Result<FrontMatter<'a>, Diagnostic> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut lines = text.split_inclusive('\n');
    let first = lines.next().unwrap_or("");
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
    let mut offset = yaml_start;
    for (line, l) in (2..).zip(lines) {
        if is_fence(l) {
            let body_start = offset + l.len();
            return Ok(FrontMatter {
                yaml: &text[yaml_start..offset],
                yaml_line: 2,
                close_line: line,
                body: &text[body_start..],
                body_line: line + 1,
            });
        }
        offset += l.len();
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

    #[test]
    fn a_file_ending_at_the_closing_fence_has_an_empty_body() {
        let fm = split("f", "---\na: 1\n---").unwrap();
        assert_eq!(fm.body, "");
    }
}
