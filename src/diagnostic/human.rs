//! rustc-style diagnostics for people, drawn by annotate-snippets.

use super::{Diagnostic, Level as DLevel};
use annotate_snippets::{AnnotationKind, Group, Level, Renderer, Snippet};

/// Renders every diagnostic as rustc does: the message with its code, the
/// file, line and column, the source line with a caret, and the hint.
/// `source` returns a file's text by its site-relative path, when known.
pub fn render_human<'s>(diags: &[Diagnostic], source: &dyn Fn(&str) -> Option<&'s str>, color: bool) -> String {
    let renderer = if color { Renderer::styled() } else { Renderer::plain() };
    let mut out = String::new();
    // the last source line shown, as shown, and for a long one where each
    // character starts: problems come sorted, so all of one line's share it
    let mut last: Option<Shown> = None;
    for d in diags {
        let level = match d.level {
            DLevel::Error => Level::ERROR,
            DLevel::Warning => Level::WARNING,
            DLevel::Info => Level::INFO,
        };
        if last.as_ref().is_none_or(|l| l.file != d.file || l.line != d.line) {
            last = Some(Shown::of(source(&d.file), d, last.as_ref()));
        }
        let line_text = last.as_ref().and_then(|l| l.text.as_ref().map(|t| (t.as_str(), &l.starts)));
        let message = crate::text::visible(&d.message);
        let hint = crate::text::visible(&d.hint);
        let title = level.primary_title(message.as_ref()).id(d.code.as_str());
        // a long line is shown as a window around the column, so that many
        // problems on one long line cost no more than as many short ones
        let window = line_text.map(|(t, starts)| match starts {
            None => (std::borrow::Cow::Borrowed(t), d.column, false),
            Some(starts) => {
                let (text, column) = window(t, starts, d.column);
                (text, column, true)
            }
        });
        let mut group: Group = match &window {
            Some((text, column, _)) => {
                let text = text.as_ref();
                let (start, end) = caret_range(text, *column, d.span);
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
        let shown = renderer.render(&[group]);
        match &window {
            // the location names the real column, not the window's
            Some((_, column, true)) => out.push_str(&shown.replacen(
                &format!("{}:{}:{column}", d.file, d.line),
                &format!("{}:{}:{}", d.file, d.line, d.column),
                1,
            )),
            _ => out.push_str(&shown),
        }
        out.push_str("\n\n");
    }
    out
}

/// A source line as diagnostics show it.
struct Shown {
    file: String,
    line: usize,
    /// Where the line starts in its file.
    offset: usize,
    /// The line, its control characters made visible (a terminal must
    /// never receive a writer's control characters); `None` when unknown.
    text: Option<String>,
    /// For a line of more than [`WINDOW_FROM`] bytes, where each character
    /// starts.
    starts: Option<Vec<usize>>,
}

impl Shown {
    /// The line of `d`; found onward from the line `before` when it is an
    /// earlier line of the same file, so that a file's problems, sorted by
    /// line, are found in one pass over it.
    fn of(source: Option<&str>, d: &Diagnostic, before: Option<&Shown>) -> Shown {
        let from = before.filter(|b| b.file == d.file && b.line <= d.line).map_or((1, 0), |b| (b.line, b.offset));
        let found = source.and_then(|s| line_from(s, from, d.line));
        let offset = found.map_or(0, |(at, _)| at);
        let text = found.map(|(_, l)| crate::text::visible(l).into_owned());
        let starts =
            text.as_ref().filter(|t| t.len() > WINDOW_FROM).map(|t| t.char_indices().map(|(i, _)| i).collect());
        Shown { file: d.file.clone(), line: d.line, offset, text, starts }
    }
}

/// 1-based line `n` of `text` and the byte offset where it starts, found
/// from `(line, offset)`, the start of an earlier line; without its line
/// ending or a byte-order mark.
fn line_from(text: &str, (mut line, mut offset): (usize, usize), n: usize) -> Option<(usize, &str)> {
    if n == 0 {
        return None;
    }
    while line < n {
        offset += text.get(offset..)?.find('\n')? + 1;
        line += 1;
    }
    let rest = text.get(offset..)?;
    let l = rest.split('\n').next()?;
    let l = l.strip_suffix('\r').unwrap_or(l);
    Some((offset, l.strip_prefix('\u{feff}').unwrap_or(l)))
}

/// Lines longer than this (in bytes) are cut to a window of [`MAX_SHOWN`]
/// characters around the problem, with `…` where text was left out;
/// shorter ones are shown as the renderer shows them.
const WINDOW_FROM: usize = 1_000;
/// Characters of a cut line shown.
const MAX_SHOWN: usize = 100;

/// The part of a long `line` around 1-based char `column`, with `…` where
/// text was left out, and the column in it. `starts` holds the byte
/// offset of each character of the line.
fn window<'a>(line: &'a str, starts: &[usize], column: usize) -> (std::borrow::Cow<'a, str>, usize) {
    if starts.len() <= MAX_SHOWN {
        return (line.into(), column);
    }
    let first = column.saturating_sub(1).saturating_sub(MAX_SHOWN / 2).min(starts.len() - MAX_SHOWN);
    let last = first + MAX_SHOWN;
    let end = starts.get(last).copied().unwrap_or(line.len());
    let (before, after) = (if first > 0 { "…" } else { "" }, if last < starts.len() { "…" } else { "" });
    (format!("{before}{}{after}", &line[starts[first]..end]).into(), column - first + usize::from(first > 0))
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
    fn a_long_line_is_shown_as_a_window_around_the_column() {
        let line = format!("{}TARGET{}", "a".repeat(5_000), "b".repeat(5_000));
        let src = format!("---\n{line}\n");
        let d = Diagnostic::new(Code::W012, "content/a.md", 2, 5_001, "here").span(6);
        let out = render_human(&[d], &|_| Some(src.as_str()), false);
        assert!(out.len() < 1_000, "{} bytes", out.len());
        assert!(out.contains("…aaaa") && out.contains("TARGETbbbb") && out.contains("bb…"), "{out}");
        assert!(out.contains("--> content/a.md:2:5001"), "the real column is named: {out}");
        let caret_line = out.lines().find(|l| l.contains('^')).unwrap();
        let text_line = out.lines().find(|l| l.contains("TARGET")).unwrap();
        assert_eq!(caret_line.find('^'), text_line.find("TARGET").map(|i| text_line[..i].chars().count()), "{out}");
    }

    #[test]
    fn many_problems_of_a_file_each_show_their_own_line() {
        let a = "---\nline two\nline three\nline four\r\n---\n";
        let b = "\u{feff}---\nother two\n";
        let d = |f: &str, l: usize| Diagnostic::new(Code::W001, f, l, 1, "x");
        let diags = [d("a.md", 2), d("a.md", 4), d("a.md", 4), d("b.md", 1), d("b.md", 2), d("a.md", 3), d("a.md", 9)];
        let out = render_human(&diags, &|f| Some(if f == "a.md" { a } else { b }), false);
        for shown in ["2 | line two", "4 | line four\n", "1 | ---", "2 | other two", "3 | line three", "a.md:9:1"] {
            assert!(out.contains(shown), "{shown:?} in {out}");
        }
        assert_eq!(out.matches("4 | line four").count(), 2);
    }

    #[test]
    fn unknown_source_still_names_file_and_line() {
        let d = Diagnostic::new(Code::E001, "content/gone.md", 1, 1, "cannot read");
        let out = render_human(&[d], &|_| None, false);
        assert!(out.contains("content/gone.md:1:1"), "{out}");
    }
}
