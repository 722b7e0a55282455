//! GitHub Actions workflow commands, so problems show inline on pull requests.

use super::Diagnostic;

/// One `::error file=…,line=…,col=…,title=…::message` line per diagnostic.
pub(crate) fn render_github(diags: &[Diagnostic]) -> String {
    let mut out = String::new();
    for d in diags {
        let title = format!("{} {}", d.code.as_str(), d.message);
        let mut message = d.message.clone();
        if !d.hint.is_empty() {
            message.push_str("\nhelp: ");
            message.push_str(&d.hint);
        }
        out.push_str(&format!(
            "::{} file={},line={},col={},title={}::{}\n",
            // the runner's word for information is `notice`
            match d.level {
                super::Level::Info => "notice",
                level => level.as_str(),
            },
            escape_property(&d.file),
            d.line,
            d.column,
            escape_property(&title),
            escape_data(&message)
        ));
    }
    out
}

/// Escapes a message as the Actions runner expects: `%`, CR and LF; and
/// shows every other control character (ESC, BEL…) as a visible one, so
/// that a postmortem's text can never drive the CI log's terminal.
fn escape_data(s: &str) -> String {
    crate::text::visible(s).replace('%', "%25").replace('\r', "%0D").replace('\n', "%0A")
}

/// Escapes a property value: as a message, plus `:` and `,`.
fn escape_property(s: &str) -> String {
    escape_data(s).replace(':', "%3A").replace(',', "%2C")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostic::Code;

    #[test]
    fn escapes_percent_newlines_and_property_separators() {
        let d = Diagnostic::new(Code::W009, "content/a,b:c.md", 7, 2, "100% \"human error\"\r\nhere").hint("h");
        let out = render_github(&[d]);
        let expected = "::warning file=content/a%2Cb%3Ac.md,line=7,col=2,\
title=W009 100%25 \"human error\"%0D%0Ahere::100%25 \"human error\"%0D%0Ahere%0Ahelp: h\n";
        assert_eq!(out, expected);
    }

    #[test]
    fn control_characters_never_reach_the_log_raw() {
        let d = Diagnostic::new(Code::E008, "content/\u{1b}.md", 2, 1, "unknown severity `\u{1b}[31mX\u{7}`")
            .hint("\u{9b}");
        let out = render_github(&[d]);
        assert!(!out.trim_end().chars().any(|c| c.is_control()), "{out:?}");
        assert!(out.contains("`\u{241b}[31mX\u{2407}`"), "{out}");
    }
}
