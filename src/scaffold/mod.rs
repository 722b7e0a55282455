//! Writing new files: `retro new` (a postmortem to fill in) and
//! `retro init` (a whole site that builds and checks clean).

use crate::config::Config;
use crate::text::slugify;
use chrono::NaiveDate;
use std::path::{Path, PathBuf};

const NEW: &str = include_str!("new.md");
const EXAMPLE: &str = include_str!("example.md");
/// Where `init` puts the example: a name starting with `_` is never read
/// as a postmortem, so it does not count in a new team's numbers.
pub(crate) const EXAMPLE_FILE: &str = "content/_example.md";
const SITE_TOML: &str = include_str!("site.toml");

/// Quotes text as a YAML double-quoted scalar.
fn yaml_quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' | '\r' | '\t' => out.push(' '),
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// The path and text of a new postmortem titled `title`, started on `day`:
/// the day names the file, and `started` holds it when the writer gave it
/// (`dated`), for the time to be added (W018 until then).
pub(crate) fn new_postmortem(
    cfg: &Config,
    title: &str,
    severity: &str,
    area: Option<&str>,
    day: NaiveDate,
    dated: bool,
) -> (PathBuf, String) {
    let name = format!("{}-{}.md", day.format("%Y-%m-%d"), slugify(title));
    let now = format!("{}T09:00:00Z", day.format("%Y-%m-%d"));
    let started = if dated {
        format!("{:<29}# impact began: add the time, e.g. {now}", format!("started: {}", day.format("%Y-%m-%d")))
    } else {
        format!("{:<29}# impact began", "started:")
    };
    let questions: Vec<String> =
        crate::schema::questions().map(|(key, question)| format!("  # {question}\n  {key}: TODO")).collect();
    let questions = questions.join("\n");
    let text = fill(
        NEW,
        &[
            ("title", &yaml_quote(title.trim())),
            ("severity", severity),
            ("area", &area.map(yaml_quote).unwrap_or_default()),
            ("now", &now),
            ("started", &started),
            ("questions", &questions),
        ],
    );
    (cfg.content_path().join(name), text)
}

/// `template` with each `{{name}}` replaced by its value, in one pass:
/// a value is never read as a template again, so a title holding
/// `{{area}}` stays as written.
fn fill(template: &str, values: &[(&str, &str)]) -> String {
    let mut out = String::with_capacity(template.len() + 64);
    let mut rest = template;
    while let Some(open) = rest.find("{{") {
        out.push_str(&rest[..open]);
        let after = &rest[open + 2..];
        match after.find("}}").and_then(|close| values.iter().find(|(k, _)| *k == &after[..close]).map(|v| (close, v)))
        {
            Some((close, (_, value))) => {
                out.push_str(value);
                rest = &after[close + 2..];
            }
            None => {
                out.push_str("{{");
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

/// Writes a new file, refusing to overwrite one that exists.
pub(crate) fn write_new(path: &Path, text: &str) -> std::io::Result<()> {
    if let Some(p) = path.parent() {
        std::fs::create_dir_all(p)?;
    }
    let mut f = std::fs::OpenOptions::new().write(true).create_new(true).open(path)?;
    std::io::Write::write_all(&mut f, text.as_bytes())
}

/// The files of a new site, relative to its folder.
pub(crate) fn site_files() -> Vec<(&'static str, &'static str)> {
    vec![("site.toml", SITE_TOML), (EXAMPLE_FILE, EXAMPLE)]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn new_postmortem_quotes_the_title_and_names_the_file_by_date_and_slug() {
        let cfg = Config::defaults(Path::new("/site"));
        let day = NaiveDate::from_ymd_opt(2026, 11, 22).unwrap();
        let (path, text) = new_postmortem(&cfg, "Checkout: \"500s\"", "SEV2", Some("payments"), day, true);
        assert_eq!(path, Path::new("/site/content/2026-11-22-checkout-500s.md"));
        assert!(text.contains("title: \"Checkout: \\\"500s\\\"\"\n"), "{text}");
        assert!(text.contains("severity: SEV2"));
        assert!(text.contains("area: \"payments\""));
        let v: serde_yaml::Value = serde_yaml::from_str(text.split("---").nth(1).unwrap()).unwrap();
        assert_eq!(v["title"].as_str(), Some("Checkout: \"500s\""));
        assert_eq!(v["timeline"]["started"].as_str(), Some("2026-11-22"), "the day, for the time to be added");
    }

    #[test]
    fn user_text_is_never_read_as_a_template() {
        let cfg = Config::defaults(Path::new("/site"));
        let day = NaiveDate::from_ymd_opt(2026, 11, 22).unwrap();
        let (_, text) =
            new_postmortem(&cfg, "{{area}} and {{severity}} {{now}} {{", "SEV2", Some("{{title}}"), day, false);
        let v: serde_yaml::Value = serde_yaml::from_str(text.split("---").nth(1).unwrap()).unwrap();
        assert_eq!(v["title"].as_str(), Some("{{area}} and {{severity}} {{now}} {{"));
        assert_eq!(v["area"].as_str(), Some("{{title}}"));
        assert_eq!(fill("a {{x}} {{y}} {{x", &[("x", "{{y}}"), ("y", "2")]), "a {{y}} 2 {{x");
    }
}
