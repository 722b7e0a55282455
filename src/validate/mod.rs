//! Checking postmortems: errors that make data untrustworthy, and
//! completeness problems that say a retrospective is unfinished.

mod blame;
mod completeness;
pub(crate) mod history;
pub(crate) mod links;
mod rules;
mod site;

pub(crate) use completeness::is_placeholder;

use crate::config::Config;
use crate::diagnostic::{Code, Diagnostic, Kind};
use crate::load::SourceFile;
use crate::model::{Checked, Lines, Postmortem};
use crate::parse::{self, Locator};
use crate::text::line_col;

/// One file, checked.
#[derive(Clone, Debug)]
pub struct FileResult {
    /// Whatever could be read, present once the front matter is a mapping;
    /// to be trusted as data only when `has_errors` is false.
    pub checked: Option<Checked>,
    pub has_errors: bool,
    pub diags: Vec<Diagnostic>,
}

/// The id a file gets when it sets none: its name without `.md`, made a
/// safe slug.
pub(crate) fn default_id(rel: &str) -> String {
    let name = rel.rsplit('/').next().unwrap_or(rel);
    let stem = name.strip_suffix(".md").unwrap_or(name);
    if crate::text::is_safe_slug(stem) {
        stem.to_string()
    } else {
        crate::text::slugify(stem)
    }
}

/// Parses and checks one file on its own.
pub fn check_file(src: &SourceFile, cfg: &Config) -> FileResult {
    let file = src.rel.as_str();
    let fail = |d: Diagnostic| FileResult { checked: None, has_errors: true, diags: vec![d] };
    let fm = match parse::split(file, &src.text) {
        Ok(fm) => fm,
        Err(d) => return fail(d),
    };
    let value = match parse::read(fm.yaml) {
        Ok(v) => v,
        Err(e) => return fail(yaml_error(file, &e, &fm)),
    };
    // the fields are taken out of the tree as they are read
    let mut root = match value {
        parse::Node::Mapping(m) => m,
        parse::Node::Tagged(t) if matches!(t.value, parse::Node::Mapping(_)) => match t.value {
            parse::Node::Mapping(m) => m,
            other => return fail(not_a_mapping(file, &other)),
        },
        other => return fail(not_a_mapping(file, &other)),
    };
    let loc = Locator::new(fm.yaml, fm.yaml_line);
    let mut ctx = parse::Ctx { file, loc: &loc, cfg, diags: Vec::new(), broken: Vec::new(), reported: Vec::new() };
    let (pm, lines) = parse::parse_postmortem(&mut ctx, &mut root, &default_id(file), fm.body, fm.body_line);
    rules::check(&pm, &mut ctx);
    if crate::render::markdown::html_too_deep(fm.body) {
        ctx.diags.push(
            Diagnostic::new(
                Code::W014,
                file,
                fm.body_line,
                1,
                format!(
                    "the body's raw HTML nests deeper than {} levels; it is shown as text",
                    crate::render::markdown::MAX_HTML_DEPTH
                ),
            )
            .hint("write the body in Markdown, or with far fewer nested HTML elements"),
        );
    }
    let has_errors = ctx.diags.iter().any(|d| d.kind() == Kind::Error);
    let parse::Ctx { diags, broken, reported, .. } = ctx;
    let mut diags = diags;
    // Completeness is judged whatever errors the file has, so that one run
    // reports every problem; only the checks that need a value in error
    // wait (a bad timestamp is not also "missing"), and the file says so
    // once. A reported key's field is not also reported missing.
    let waiting = completeness::Waiting { broken: &broken, reported: &reported };
    let (report, waited) = completeness::check(&pm, &mut diags, &loc, &src.text, cfg, &waiting);
    if !waited.is_empty() {
        let them = waited.iter().map(|w| format!("`{w}`")).collect::<Vec<_>>().join(", ");
        let (it, is) = if waited.len() == 1 { ("it", "is") } else { ("they", "are") };
        diags.push(
            Diagnostic::new(
                Code::I002,
                file,
                1,
                1,
                format!("the completeness checks of {them} wait until {it} {is} fixed"),
            )
            .hint("fix the errors in this file; the next check runs them"),
        );
    }
    FileResult { checked: Some(Checked { pm, lines, report }), has_errors, diags }
}

/// Checks across files: unique ids, unique action-item ids, `related` ids
/// that exist. `pms` holds every file that could be read, with or without
/// errors, so that one run reports everything and a broken file does not
/// also break links to it.
pub(crate) fn check_site(pms: &[(&Postmortem, &Lines)]) -> Vec<Diagnostic> {
    site::check(pms)
}

fn not_a_mapping(file: &str, v: &parse::Node) -> Diagnostic {
    let what = parse::type_name(v);
    let msg = if matches!(v, parse::Node::Null) {
        "the front matter is empty".to_string()
    } else {
        format!("the front matter should be a mapping of fields, found {what}")
    };
    Diagnostic::new(Code::E006, file, 2, 1, msg)
        .hint("write one `key: value` per line, e.g. `title: Checkout API returned 500s`")
}

/// A character of front matter that YAML refuses (controls but tab and
/// line endings, DEL, C1 controls, U+FFFE, U+FFFF) or reads as a line
/// break where editors show none.
fn odd_in_yaml(c: char) -> bool {
    matches!(c, '\u{0}'..='\u{8}' | '\u{b}' | '\u{c}' | '\u{e}'..='\u{1f}' | '\u{7f}'..='\u{9f}')
        || matches!(c, '\u{2028}' | '\u{2029}' | '\u{fffe}' | '\u{ffff}')
}

/// Maps a serde_yaml error to the file's line and column. Positions inside
/// the message ("while parsing a flow sequence at line 3 column 7") are
/// rewritten to file lines too.
fn yaml_error(file: &str, e: &serde_yaml::Error, fm: &parse::FrontMatter) -> Diagnostic {
    let (yaml_line, yaml) = (fm.yaml_line, fm.yaml);
    let full = e.to_string();
    // A character YAML refuses, or reads as a line break where editors
    // do not (U+0085, U+2028, U+2029), is named at its own place: libyaml
    // gives a reader error no line, and counts its own lines after a break
    // an editor does not show.
    let odd = yaml.char_indices().find(|(_, c)| odd_in_yaml(*c));
    let at = e.location().map(|l| l.index()).filter(|&i| i > 0 || !full.contains(" at position "));
    let is_break = |c: char| matches!(c, '\u{85}' | '\u{2028}' | '\u{2029}');
    // a break is legal YAML: it is the cause only of an error just after it
    let caused = |&(i, c): &(usize, char)| match at {
        _ if !is_break(c) => full.contains("control characters") || at.is_none_or(|at| at >= i),
        Some(at) => at >= i && line_col(yaml, at).0 <= line_col(yaml, i).0 + 1,
        None => false,
    };
    if let Some((i, c)) = odd.filter(caused) {
        let (l, col) = line_col(yaml, i);
        let what = match c {
            c if is_break(c) => "YAML reads it as a line break, which no editor shows",
            '\u{fffe}' | '\u{ffff}' => "YAML does not allow this noncharacter",
            _ => "YAML does not allow control characters",
        };
        return Diagnostic::new(
            Code::E005,
            file,
            l + yaml_line - 1,
            col,
            format!("invalid YAML in front matter: U+{:04X} here: {what}", c as u32),
        )
        .hint("delete the character; to keep it, write it as an escape in double quotes, e.g. \"\\x01\"")
        .span(1);
    }
    // from the byte offset, counting only `\n` as a line break
    let (mut line, mut col) = match at {
        Some(i) => {
            let (l, c) = line_col(yaml, i);
            (l + yaml_line - 1, c)
        }
        None => (yaml_line, 1),
    };
    let (head, context) = match full.find(" at line ") {
        Some(i) => {
            let rest = &full[i + 9..];
            let ctx = rest.find(", ").map(|j| &rest[j + 2..]).unwrap_or("");
            (&full[..i], ctx)
        }
        None => (full.as_str(), ""),
    };
    let mut msg = head.trim_end_matches(':').trim().to_string();
    if !context.is_empty() {
        msg.push_str(&format!(" ({})", shift_lines(context, yaml_line - 1)));
    }
    // At the end of the front matter (an unclosed list, say), the place
    // where the construct was opened says more than the closing fence.
    if line >= fm.close_line {
        if let Some((l, c)) = context_position(context) {
            (line, col) = (l + yaml_line - 1, c);
        }
    }
    if let Some(key) = msg.strip_prefix("duplicate entry with key \"").and_then(|r| r.split('"').next()) {
        if let Some((l, c)) = second_occurrence(yaml, key) {
            (line, col) = (l + yaml_line - 1, c);
        }
    }
    let this_line = yaml.lines().nth(line.saturating_sub(yaml_line)).unwrap_or("");
    let hint = if msg.contains("duplicate entry") {
        "each key may appear once; merge the two entries or remove one"
    } else if msg.contains("recursion limit") || msg.contains("repetition limit") {
        "the front matter nests or repeats too deeply; write the values out plainly"
    } else if msg.contains("tab") {
        "indent with spaces, not tabs"
    } else if msg.contains("flow sequence") {
        "a list written `[a, b]` must be closed with `]` on the same line, or written one `- item` per line"
    } else if msg.contains("flow mapping") {
        "a mapping written `{a: 1}` must be closed with `}`"
    } else if this_line.matches(": ").count() > 1 {
        "a value containing `: ` must be quoted: `title: \"Checkout: 500s\"`"
    } else {
        "check indentation and quoting near this line; quote values that contain `: ` or start with `*`, `&`, `!`, `%`, `@`, `[` or `{`"
    };
    Diagnostic::new(Code::E005, file, line, col, format!("invalid YAML in front matter: {msg}")).hint(hint).span(1)
}

/// The first "line N column M" of a libyaml context, as numbers.
fn context_position(context: &str) -> Option<(usize, usize)> {
    let rest = &context[context.find("line ")? + 5..];
    let (l, rest) = rest.split_once(" column ")?;
    let c: String = rest.chars().take_while(char::is_ascii_digit).collect();
    Some((l.parse().ok()?, c.parse().ok()?))
}

/// Adds `by` to every "line N" in a libyaml message.
fn shift_lines(s: &str, by: usize) -> String {
    let mut out = String::new();
    let mut rest = s;
    while let Some(i) = rest.find("line ") {
        out.push_str(&rest[..i + 5]);
        rest = &rest[i + 5..];
        let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
        match rest[..digits].parse::<usize>() {
            Ok(n) => out.push_str(&(n + by).to_string()),
            Err(_) => out.push_str(&rest[..digits]),
        }
        rest = &rest[digits..];
    }
    out.push_str(rest);
    out
}

/// 1-based (line, column) of the second `key:` at the indentation of the
/// first one, in `yaml`.
fn second_occurrence(yaml: &str, key: &str) -> Option<(usize, usize)> {
    let mut indent = None;
    for (i, l) in yaml.lines().enumerate() {
        let t = l.trim_start_matches([' ', '-']);
        let ind = l.len() - t.len();
        let is_key = t.strip_prefix(key).is_some_and(|r| r.trim_start().starts_with(':'));
        if !is_key {
            continue;
        }
        match indent {
            None => indent = Some(ind),
            Some(first) if first == ind => return Some((i + 1, ind + 1)),
            Some(_) => {}
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    fn run(text: &str) -> FileResult {
        let src = SourceFile { rel: "content/x.md".into(), text: text.into() };
        check_file(&src, &Config::defaults(Path::new("/s")))
    }

    fn codes(r: &FileResult) -> Vec<(String, usize)> {
        r.diags.iter().map(|d| (d.code.as_str().to_string(), d.line)).collect()
    }

    #[test]
    fn control_characters_and_hidden_line_breaks_are_named_at_their_place() {
        for (c, col) in [("\u{1}", 14), ("\u{b}", 14), ("\u{1b}", 14), ("\u{7f}", 14), ("\u{fffe}", 14)] {
            let r = run(&format!("---\ntitle: ok\nseverity: SEV4\nsummary: bad {c} here\n---\n"));
            let d = &r.diags[0];
            assert_eq!((d.code, d.line, d.column), (Code::E005, 4, col), "{c:?}: {}", d.message);
            assert!(d.message.contains(&format!("U+{:04X}", c.chars().next().unwrap() as u32)), "{}", d.message);
        }
        // a hidden break splits `b` off as a key without `:`: named where it is
        for c in ["\u{85}", "\u{2028}"] {
            let r = run(&format!("---\ntitle: ok\nseverity: SEV4\nsummary: a{c}b\nimpact: [x\n---\n"));
            let d = &r.diags[0];
            assert_eq!((d.code, d.line, d.column), (Code::E005, 4, 11), "{c:?}: {}", d.message);
            assert!(d.message.contains("line break"), "{}", d.message);
        }
        // but a legal break far before an unrelated error is not blamed
        let r = run("---\ntitle: \"a\u{2028}b\"\nseverity: SEV4\narea: x\nimpact: y\ntags: [open\n---\n");
        assert!(!r.diags[0].message.contains("U+2028"), "{}", r.diags[0].message);
    }

    #[test]
    fn yaml_syntax_errors_are_mapped_to_file_lines() {
        let r = run("---\ntitle: ok\narea: [unclosed\nseverity: SEV1\n---\n");
        assert_eq!(r.diags[0].code, Code::E005);
        assert!(r.diags[0].line >= 3, "{:?}", r.diags);
        // the context names the file line where the list was opened
        assert!(r.diags[0].message.contains("line 3 column 7"), "{}", r.diags[0].message);
    }

    #[test]
    fn duplicate_keys_are_an_error() {
        let r = run("---\ntitle: a\ntitle: b\n---\n");
        assert_eq!(r.diags[0].code, Code::E005);
        assert!(r.diags[0].message.contains("duplicate"), "{}", r.diags[0].message);
        assert_eq!((r.diags[0].line, r.diags[0].column), (3, 1), "at the second key");
    }

    #[test]
    fn empty_and_non_mapping_front_matter_are_errors() {
        assert_eq!(codes(&run("---\n---\nbody")), [("E006".to_string(), 2)]);
        assert_eq!(codes(&run("---\n- a\n- b\n---\n")), [("E006".to_string(), 2)]);
    }

    #[test]
    fn default_ids_come_from_file_names_as_safe_slugs() {
        assert_eq!(default_id("content/2024/2024-03-14-checkout.md"), "2024-03-14-checkout");
        assert_eq!(default_id("content/Checkout Outage März.md"), "checkout-outage-marz");
    }

    #[test]
    fn every_wrong_field_is_reported_in_one_run_at_its_line() {
        let r = run("---\nseverity: SEV9\nstatus: done\ndetection: pager\ntimeline:\n  started: 2024-01-01T10:00:00\n  detected: soon\ntags: web\n---\n");
        let errors = [("E008", 2), ("E009", 3), ("E011", 4), ("E013", 6), ("E013", 7), ("E007", 8)];
        // and in the same run every completeness problem that does not
        // need a broken value (title, area, authors, summary, impact,
        // mitigated, whys, the four questions); started and detected are
        // not also "missing", and the file says once what waits
        let rest = [("W001", 1); 5].into_iter().chain([("W001", 5), ("W002", 1)]).chain([("W003", 1); 4]);
        let want: Vec<(String, usize)> =
            errors.into_iter().chain(rest).chain([("I002", 1)]).map(|(c, l)| (c.to_string(), l)).collect();
        assert_eq!(codes(&r), want);
        let waits = r.diags.last().unwrap();
        assert_eq!(
            waits.message,
            "the completeness checks of `severity`, `timeline.started`, `timeline.detected` wait until they are fixed"
        );
        assert!(r.has_errors);
        assert_eq!(r.diags[0].hint, "did you mean `SEV1`? severity is one of: SEV1, SEV2, SEV3, SEV4");
    }
}
