//! Checking postmortems: errors that make data untrustworthy, and
//! completeness problems that say a retrospective is unfinished.

mod completeness;
mod rules;
mod site;

pub use completeness::is_placeholder;

use crate::config::Config;
use crate::diagnostic::{Code, Diagnostic, Kind};
use crate::load::SourceFile;
use crate::model::Postmortem;
use crate::parse::{self, Locator};

/// One file, checked.
#[derive(Debug)]
pub struct FileResult {
    /// Present when the file has no errors.
    pub postmortem: Option<Postmortem>,
    /// The id the file claims, even when it has errors.
    pub id: Option<String>,
    pub diags: Vec<Diagnostic>,
}

/// The id a file gets when it sets none: its name without `.md`, made a
/// safe slug.
pub fn default_id(rel: &str) -> String {
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
    let fail = |d: Diagnostic| FileResult {
        postmortem: None,
        id: None,
        diags: vec![d],
    };
    let fm = match parse::split(file, &src.text) {
        Ok(fm) => fm,
        Err(d) => return fail(d),
    };
    let value: serde_yaml::Value = match serde_yaml::from_str(fm.yaml) {
        Ok(v) => v,
        Err(e) => return fail(yaml_error(file, &e, fm.yaml_line, fm.yaml)),
    };
    let root = match &value {
        serde_yaml::Value::Mapping(m) => m,
        serde_yaml::Value::Tagged(t) if matches!(t.value, serde_yaml::Value::Mapping(_)) => {
            match &t.value {
                serde_yaml::Value::Mapping(m) => m,
                _ => return fail(not_a_mapping(file, &value)),
            }
        }
        other => return fail(not_a_mapping(file, other)),
    };
    let loc = Locator::new(fm.yaml, fm.yaml_line);
    let mut ctx = parse::Ctx {
        file,
        loc: &loc,
        cfg,
        diags: Vec::new(),
    };
    let mut pm = parse::parse_postmortem(&mut ctx, root, &default_id(file), fm.body, fm.body_line);
    rules::check(&pm, &mut ctx);
    let id = Some(pm.id.clone());
    let has_errors = ctx.diags.iter().any(|d| d.kind() == Kind::Error);
    let mut diags = ctx.diags;
    if has_errors {
        return FileResult {
            postmortem: None,
            id,
            diags,
        };
    }
    completeness::check(&mut pm, &mut diags, &loc, &src.text, cfg);
    FileResult {
        postmortem: Some(pm),
        id,
        diags,
    }
}

/// Checks across files: unique ids, unique action-item ids, `related` ids
/// that exist. `known_ids` holds the ids of every file, with or without
/// errors, so that a broken file does not also break links to it.
pub fn check_site(pms: &[Postmortem], known_ids: &[(String, String)]) -> Vec<Diagnostic> {
    site::check(pms, known_ids)
}

fn not_a_mapping(file: &str, v: &serde_yaml::Value) -> Diagnostic {
    let what = parse::type_name(v);
    let msg = if matches!(v, serde_yaml::Value::Null) {
        "the front matter is empty".to_string()
    } else {
        format!("the front matter should be a mapping of fields, found {what}")
    };
    Diagnostic::new(Code::E006, file, 2, 1, msg)
        .hint("write one `key: value` per line, e.g. `title: Checkout API returned 500s`")
}

/// Maps a serde_yaml error to the file's line and column.
fn yaml_error(file: &str, e: &serde_yaml::Error, yaml_line: usize, yaml: &str) -> Diagnostic {
    let full = e.to_string();
    let (line, col) = match e.location() {
        Some(l) => (l.line() + yaml_line - 1, l.column()),
        None => (yaml_line, 1),
    };
    // serde_yaml appends positions relative to the front matter; drop them,
    // the diagnostic carries the file's own.
    let msg = match full.find(" at line ") {
        Some(i) => full[..i].to_string(),
        None => full.clone(),
    };
    let msg = msg.trim_end_matches(':').trim().to_string();
    let hint = if msg.contains("duplicate entry") {
        "each key may appear once; merge the two entries or remove one".to_string()
    } else if msg.contains("recursion limit")
        || msg.contains("repetition limit")
        || msg.contains("alias") && msg.contains("limit")
    {
        "the front matter nests or repeats too deeply; write the values out plainly".to_string()
    } else if msg.contains("tab") {
        "indent with spaces, not tabs".to_string()
    } else if yaml
        .lines()
        .nth(line.saturating_sub(yaml_line))
        .is_some_and(|l| l.contains(": ") && l.matches(": ").count() > 1)
    {
        "a value containing `: ` must be quoted: `title: \"Checkout: 500s\"`".to_string()
    } else {
        "check indentation and quoting near this line; a value containing `: ` or starting with `*`, `&`, `!`, `[` or `{` must be quoted".to_string()
    };
    Diagnostic::new(
        Code::E005,
        file,
        line,
        col,
        format!("invalid YAML in front matter: {msg}"),
    )
    .hint(hint)
    .span(1)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    fn run(text: &str) -> FileResult {
        let src = SourceFile {
            rel: "content/x.md".into(),
            text: text.into(),
        };
        check_file(&src, &Config::defaults(Path::new("/s")))
    }

    fn codes(r: &FileResult) -> Vec<(String, usize)> {
        r.diags
            .iter()
            .map(|d| (d.code.as_str().to_string(), d.line))
            .collect()
    }

    #[test]
    fn yaml_syntax_errors_are_mapped_to_file_lines() {
        let r = run("---\ntitle: ok\narea: [unclosed\nseverity: SEV1\n---\n");
        assert_eq!(r.diags[0].code, Code::E005);
        assert!(r.diags[0].line >= 3, "{:?}", r.diags);
        assert!(
            !r.diags[0].message.contains("at line"),
            "{}",
            r.diags[0].message
        );
    }

    #[test]
    fn duplicate_keys_are_an_error() {
        let r = run("---\ntitle: a\ntitle: b\n---\n");
        assert_eq!(r.diags[0].code, Code::E005);
        assert!(
            r.diags[0].message.contains("duplicate"),
            "{}",
            r.diags[0].message
        );
    }

    #[test]
    fn empty_and_non_mapping_front_matter_are_errors() {
        assert_eq!(codes(&run("---\n---\nbody")), [("E006".to_string(), 2)]);
        assert_eq!(
            codes(&run("---\n- a\n- b\n---\n")),
            [("E006".to_string(), 2)]
        );
    }

    #[test]
    fn default_ids_come_from_file_names_as_safe_slugs() {
        assert_eq!(
            default_id("content/2024/2024-03-14-checkout.md"),
            "2024-03-14-checkout"
        );
        assert_eq!(
            default_id("content/Checkout Outage März.md"),
            "checkout-outage-marz"
        );
    }

    #[test]
    fn every_wrong_field_is_reported_in_one_run_at_its_line() {
        let r = run("---\nseverity: SEV9\nstatus: done\ndetection: pager\ntimeline:\n  started: 2024-01-01T10:00:00\n  detected: soon\ntags: web\n---\n");
        assert_eq!(
            codes(&r),
            [
                ("E008", 2),
                ("E009", 3),
                ("E011", 4),
                ("E013", 6),
                ("E013", 7),
                ("E007", 8)
            ]
            .map(|(c, l)| (c.to_string(), l))
        );
        assert!(r.postmortem.is_none());
        assert_eq!(
            r.diags[0].hint,
            "did you mean `SEV1`? severity is one of: SEV1, SEV2, SEV3, SEV4"
        );
    }
}
