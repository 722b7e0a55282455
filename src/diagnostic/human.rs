//! rustc-style diagnostics for people, drawn by annotate-snippets.

use super::{Diagnostic, Level as DLevel};
use annotate_snippets::{AnnotationKind, Group, Level, Renderer, Snippet};

/// Renders every diagnostic as rustc does: the message with its code, the
/// file, line and column, the source line with a caret, and the hint.
/// `source` returns a file's text by its site-relative path, when known.
pub fn render_human<'s>(diags: &[Diagnostic], source: &dyn Fn(&str) -> Option<&'s str>, color: bool) -> String {
    let renderer = if color { Renderer::styled() } else { Renderer::plain() };
    let mut out = String::new();
    for d in diags {
        let level = match d.level {
            DLevel::Error => Level::ERROR,
            DLevel::Warning => Level::WARNING,
        };
        // a terminal must never receive a writer's control characters
        let line_text = source(&d.file).and_then(|text| nth_line(text, d.line)).map(crate::text::visible);
        let line_text = line_text.as_deref();
        let message = crate::text::visible(&d.message);
        let hint = crate::text::visible(&d.hint);
        let title = level.primary_title(message.as_ref()).id(d.code.as_str());
        let mut group: Group = match line_text {
            Some(text) => {
                let (start, end) = caret_range(text, d.column, d.span);
                title.element(
                    Snippet::source(text)
                        .line_start(d.line)
                        .path(d.file.as_str())
                        .annotation(AnnotationKind::Primary.span(start..end)),
                )
            }
            None => title.element(annotate_snippets::Origin::path(d.file.as_str()).line(d.line).char_column(d.column)),
        };
        if !d.hint.is_empty() {
            group = group.element(Level::HELP.message(hint.as_ref()));
        }
        out.push_str(&renderer.render(&[group]));
        out.push_str("\n\n");
    }
    out
}

/// The text of 1-based line `n`, without its line ending or a byte-order mark.
fn nth_line(text: &str, n: usize) -> Option<&str> {
    let line = text.split('\n').nth(n.checked_sub(1)?)?;
    let line = line.strip_suffix('\r').unwrap_or(line);
    Some(line.strip_prefix('\u{feff}').unwrap_or(line))
}

/// Byte range in `line` covering `span` characters from 1-based char
/// `column`, or to the end of the line's text when `span` is 0; never empty
/// unless the line is.
fn caret_range(line: &str, column: usize, span: usize) -> (usize, usize) {
    let byte_at = |chars: usize| line.char_indices().nth(chars).map_or(line.len(), |(i, _)| i);
    let start = byte_at(column.saturating_sub(1));
    let end = if span == 0 { start + line[start..].trim_end().len() } else { byte_at(column.saturating_sub(1) + span) };
    if end > start || start >= line.len() {
        (start, end.max(start))
    } else {
        (start, byte_at(column))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostic::Code;

    #[test]
    fn renders_code_location_source_line_caret_and_help() {
        let src = "---\ntitle: x\ntimeline:\n  detected: 2024-01-01T00:00:00Z\n---\n";
        let d = Diagnostic::new(Code::E012, "content/a.md", 4, 3, "timeline out of order: detected is before started")
            .hint("fix the timestamps");
        let out = render_human(&[d], &|_| Some(src), false);
        assert!(out.contains("error[E012]: timeline out of order: detected is before started"), "{out}");
        assert!(out.contains("--> content/a.md:4:3"), "{out}");
        assert!(out.contains("4 |   detected: 2024-01-01T00:00:00Z"), "{out}");
        assert!(out.contains("^^^^^^^^"), "{out}");
        assert!(out.contains("= help: fix the timestamps"), "{out}");
    }

    #[test]
    fn caret_covers_span_or_rest_of_line() {
        assert_eq!(caret_range("  key: value  ", 3, 0), (2, 12));
        assert_eq!(caret_range("  key: value", 3, 3), (2, 5));
        assert_eq!(caret_range("", 1, 0), (0, 0));
        assert_eq!(caret_range("é x", 3, 1), (3, 4));
    }

    #[test]
    fn control_characters_are_shown_as_pictures_never_sent_to_the_terminal() {
        let src = "---\nsummary: \u{1b}[31mred\u{7}\n---\n";
        let d = Diagnostic::new(Code::E005, "content/a.md", 2, 10, "bad \u{1b}[2J").hint("h \u{7}");
        let out = render_human(&[d], &|_| Some(src), false);
        assert!(!out.chars().any(|c| c.is_control() && c != '\n'), "{out:?}");
        assert!(out.contains("2 | summary: \u{241b}[31mred\u{2407}"), "{out}");
        assert!(out.contains("bad \u{241b}[2J"), "{out}");
    }

    #[test]
    fn unknown_source_still_names_file_and_line() {
        let d = Diagnostic::new(Code::E001, "content/gone.md", 1, 1, "cannot read");
        let out = render_human(&[d], &|_| None, false);
        assert!(out.contains("content/gone.md:1:1"), "{out}");
    }
}
