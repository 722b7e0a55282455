//! site.toml: the site's settings, read and checked once.

use crate::diagnostic::{Code, Diagnostic};
use crate::model::ItemKind;
use crate::text::{closest, line_col};
use chrono_tz::Tz;
use serde::Deserialize;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use toml::Spanned;

pub(crate) const FILE_NAME: &str = "site.toml";

/// Placeholders that never count as an answer (FORMAT.md section 3).
pub(crate) const DEFAULT_PLACEHOLDERS: &[&str] = &["tbd", "todo", "tbc", "fixme", "n/a", "-", "?", "..."];
/// Phrases that assign blame to people (FORMAT.md section 3).
pub(crate) const DEFAULT_BLAME_PHRASES: &[&str] =
    &["human error", "careless", "should have known", "negligent", "fault of"];

/// The longest `due_within_days` deadline: 100 years.
const MAX_DUE_DAYS: i64 = 36_525;

const TOP_KEYS: &[&str] = &[
    "title",
    "base_url",
    "timezone",
    "severities",
    "theme",
    "output_dir",
    "content_dir",
    "min_sample",
    "trust_html",
    "completeness",
    "policy",
    "taxonomy",
];
const TAXONOMY_KEYS: &[&str] = &["contributing_factors"];

/// The contributing factors a site starts with: the SRE Workbook's
/// postmortem analysis, and what teams add to it most.
pub(crate) const DEFAULT_FACTORS: &[&str] = &[
    "binary push",
    "configuration push",
    "capacity or load",
    "dependency failure",
    "hardware or infrastructure",
    "network",
    "certificate or secret expiry",
    "data corruption",
    "software bug",
    "process",
    "monitoring gap",
    "unknown",
];
const POLICY_KEYS: &[&str] = &["final_within_days"];
const COMPLETENESS_KEYS: &[&str] =
    &["min_whys", "placeholders", "action_items_required", "kinds_required", "blame_phrases", "due_within_days"];

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawConfig {
    title: Option<String>,
    base_url: Option<Spanned<String>>,
    timezone: Option<Spanned<String>>,
    severities: Option<Spanned<Vec<String>>>,
    theme: Option<Spanned<String>>,
    output_dir: Option<Spanned<String>>,
    content_dir: Option<Spanned<String>>,
    min_sample: Option<Spanned<i64>>,
    trust_html: Option<bool>,
    completeness: Option<RawCompleteness>,
    policy: Option<RawPolicy>,
    taxonomy: Option<RawTaxonomy>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawTaxonomy {
    contributing_factors: Option<Spanned<Vec<String>>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawPolicy {
    final_within_days: Option<Spanned<i64>>,
}

/// The `[policy]` table: deadlines a team sets itself.
#[derive(Clone, Debug, Default, PartialEq)]
pub(crate) struct Policy {
    /// A postmortem is final within this many days of mitigation (of its
    /// start, without a mitigation time).
    pub(crate) final_within_days: Option<i64>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawCompleteness {
    min_whys: Option<Spanned<i64>>,
    placeholders: Option<Vec<String>>,
    action_items_required: Option<Spanned<Vec<String>>>,
    kinds_required: Option<Spanned<BTreeMap<String, Vec<String>>>>,
    blame_phrases: Option<Vec<String>>,
    due_within_days: Option<Spanned<BTreeMap<String, i64>>>,
}

/// The `[completeness]` rules.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Completeness {
    pub(crate) min_whys: usize,
    /// Lowercased; the defaults plus the site's own.
    pub(crate) placeholders: Vec<String>,
    pub(crate) action_items_required: Vec<String>,
    pub(crate) kinds_required: BTreeMap<String, Vec<ItemKind>>,
    /// Lowercased; the defaults plus the site's own.
    pub(crate) blame_phrases: Vec<String>,
    pub(crate) due_within_days: BTreeMap<String, i64>,
}

/// A site's settings with every default applied and every value checked.
#[derive(Clone, Debug, PartialEq)]
pub struct Config {
    /// The site folder.
    pub(crate) root: PathBuf,
    pub(crate) title: String,
    /// Always ends with `/`: `/`, `/handbook/` or `https://example.com/pm/`.
    pub(crate) base_url: String,
    pub timezone: Tz,
    pub(crate) severities: Vec<String>,
    pub(crate) theme: String,
    /// Relative to `root` unless absolute.
    pub(crate) output_dir: PathBuf,
    pub(crate) content_dir: String,
    /// Quarters with fewer incidents are too few to compare.
    pub(crate) min_sample: usize,
    /// Whether raw HTML in bodies is published as written.
    pub(crate) trust_html: bool,
    pub(crate) completeness: Completeness,
    pub(crate) policy: Policy,
    /// The contributing factors a postmortem may name, in the site's order.
    pub(crate) factors: Vec<String>,
}

impl Config {
    /// The settings used when site.toml leaves everything out.
    pub fn defaults(root: &Path) -> Config {
        Config {
            root: root.to_path_buf(),
            title: "Postmortems".to_string(),
            base_url: "/".to_string(),
            timezone: Tz::UTC,
            severities: ["SEV1", "SEV2", "SEV3", "SEV4"].map(String::from).to_vec(),
            theme: "default".to_string(),
            output_dir: PathBuf::from("public"),
            content_dir: "content".to_string(),
            min_sample: 5,
            trust_html: false,
            completeness: Completeness {
                min_whys: 5,
                placeholders: DEFAULT_PLACEHOLDERS.iter().map(|s| s.to_string()).collect(),
                action_items_required: vec!["SEV1".to_string(), "SEV2".to_string()],
                kinds_required: BTreeMap::from([("SEV1".to_string(), vec![ItemKind::Prevent, ItemKind::Detect])]),
                blame_phrases: DEFAULT_BLAME_PHRASES.iter().map(|s| s.to_string()).collect(),
                due_within_days: BTreeMap::new(),
            },
            policy: Policy::default(),
            factors: DEFAULT_FACTORS.iter().map(|s| s.to_string()).collect(),
        }
    }

    /// Reads `<root>/site.toml`.
    pub fn load(root: &Path) -> Result<Config, Vec<Diagnostic>> {
        let path = root.join(FILE_NAME);
        let text =
            std::fs::read_to_string(&path).map_err(|e| {
                let hint = if e.kind() == std::io::ErrorKind::NotFound {
                    "run retro in a site folder, pass --root DIR, or create a site with `retro init DIR`"
                } else {
                    "check the file's permissions and that it is UTF-8 text"
                };
                vec![Diagnostic::new(Code::C001, FILE_NAME, 1, 1, format!("cannot read {}: {e}", path.display()))
                    .hint(hint)]
            })?;
        Config::parse(root, &text)
    }

    /// Parses the text of a site.toml.
    pub fn parse(root: &Path, text: &str) -> Result<Config, Vec<Diagnostic>> {
        let raw: RawConfig = toml::from_str(text).map_err(|e| {
            // every syntax error, unknown key and wrong type in one run
            let all = every_toml_error(text);
            if all.is_empty() {
                vec![toml_error(text, &e)]
            } else {
                all
            }
        })?;
        let mut cfg = Config::defaults(root);
        let mut errs = Vec::new();
        let at = |span: std::ops::Range<usize>, msg: String, hint: &str| {
            let (line, col) = line_col(text, span.start);
            Diagnostic::new(Code::C004, FILE_NAME, line, col, msg).hint(hint).span(span.len())
        };

        if let Some(t) = raw.title {
            cfg.title = t;
        }
        if let Some(b) = raw.base_url {
            let v = b.get_ref().trim();
            if base_url_ok(v) {
                cfg.base_url = with_slash(v);
            } else {
                errs.push(at(
                    b.span(),
                    format!("base_url `{}` is neither a path nor an http(s) URL", v.escape_debug()),
                    "write a path such as \"/\" or \"/postmortems/\", or a URL such as \"https://example.com/postmortems/\" \
                     (a path that starts with `//` or `/\\` would load every page's scripts from another host)",
                ));
            }
        }
        if let Some(tz) = raw.timezone {
            match tz.get_ref().parse::<Tz>() {
                Ok(z) => cfg.timezone = z,
                Err(_) => errs.push(at(
                    tz.span(),
                    format!("unknown timezone `{}`", tz.get_ref()),
                    "use an IANA name such as \"UTC\", \"Europe/Berlin\" or \"America/New_York\"",
                )),
            }
        }
        if let Some(sev) = raw.severities {
            let list = sev.get_ref();
            let mut seen = std::collections::HashSet::new();
            if list.is_empty() {
                errs.push(at(
                    sev.span(),
                    "severities is empty".into(),
                    "list them most severe first: [\"SEV1\", \"SEV2\", \"SEV3\"]",
                ));
            } else if let Some(d) = list.iter().find(|s| !seen.insert(s.as_str())) {
                errs.push(at(
                    sev.span(),
                    format!("severity `{d}` is listed twice"),
                    "list each severity once, most severe first",
                ));
            } else if let Some(b) = list.iter().find(|s| s.trim().is_empty()) {
                errs.push(at(sev.span(), format!("severity `{b}` is blank"), "give every severity a name"));
            } else {
                cfg.severities = list.clone();
            }
        }
        if let Some(theme) = raw.theme {
            let v = theme.get_ref();
            if crate::text::is_safe_slug(v) {
                cfg.theme = v.clone();
            } else {
                errs.push(at(
                    theme.span(),
                    format!("theme `{v}` is not a folder name"),
                    "name a folder under themes/, e.g. \"default\"",
                ));
            }
        }
        if let Some(c) = raw.content_dir {
            let v = c.get_ref().trim().trim_end_matches('/');
            if v.is_empty() || Path::new(v).is_absolute() || v.split('/').any(|p| p == "..") {
                errs.push(at(
                    c.span(),
                    "content_dir must be a folder inside the site".into(),
                    "e.g. content_dir = \"content\"",
                ));
            } else {
                cfg.content_dir = v.to_string();
            }
        }
        if let Some(out) = raw.output_dir {
            match output_dir_problem(out.get_ref(), &cfg.content_dir) {
                None => cfg.output_dir = PathBuf::from(out.get_ref().trim()),
                Some(problem) => errs.push(at(
                    out.span(),
                    format!("output_dir `{}` {problem}", out.get_ref()),
                    "name a folder of its own inside the site, e.g. output_dir = \"public\"; \
                     `retro build --output DIR` writes anywhere else",
                )),
            }
        }
        if let Some(m) = raw.min_sample {
            match usize::try_from(*m.get_ref()) {
                Ok(v) => cfg.min_sample = v,
                Err(_) => errs.push(at(m.span(), "min_sample must be 0 or more".into(), "e.g. min_sample = 5")),
            }
        }
        if let Some(t) = raw.trust_html {
            cfg.trust_html = t;
        }
        if let Some(c) = raw.completeness {
            completeness(c, &cfg.severities.clone(), &mut cfg.completeness, &at, &mut errs);
        }
        if let Some(d) = raw.policy.and_then(|p| p.final_within_days) {
            if (0..=MAX_DUE_DAYS).contains(d.get_ref()) {
                cfg.policy.final_within_days = Some(*d.get_ref());
            } else {
                errs.push(at(
                    d.span(),
                    format!("final_within_days must be from 0 to {MAX_DUE_DAYS} days (100 years)"),
                    "e.g. final_within_days = 14",
                ));
            }
        }
        if let Some(f) = raw.taxonomy.and_then(|t| t.contributing_factors) {
            let list = f.get_ref();
            let mut seen = std::collections::HashSet::new();
            if let Some(b) = list.iter().find(|s| s.trim().is_empty()) {
                errs.push(at(f.span(), format!("contributing factor `{b}` is blank"), "give every factor a name"));
            } else if let Some(d) = list.iter().find(|s| !seen.insert(s.trim().to_lowercase())) {
                errs.push(at(
                    f.span(),
                    format!("contributing factor `{d}` is listed twice"),
                    "list each factor once (names are compared without case)",
                ));
            } else {
                cfg.factors = list.iter().map(|s| s.trim().to_string()).collect();
            }
        }
        if errs.is_empty() {
            Ok(cfg)
        } else {
            Err(errs)
        }
    }

    /// The same settings published under another `base_url`; `None` when
    /// it is neither a path on the site's own host nor an http(s) URL.
    pub(crate) fn with_base_url(&self, base_url: &str) -> Option<Config> {
        let v = base_url.trim();
        base_url_ok(v).then(|| Config { base_url: with_slash(v), ..self.clone() })
    }

    /// The path part of `base_url`: `/pm/` for `https://example.com/pm/`.
    pub(crate) fn base_path(&self) -> String {
        match self.base_url.split_once("://") {
            Some((_, rest)) => rest.find('/').map_or("/".to_string(), |i| rest[i..].to_string()),
            None => self.base_url.clone(),
        }
    }

    /// The content folder.
    pub(crate) fn content_path(&self) -> PathBuf {
        self.root.join(&self.content_dir)
    }

    /// The output folder.
    pub(crate) fn output_path(&self) -> PathBuf {
        self.root.join(&self.output_dir)
    }

    /// A site-relative link: `base_url` joined with `path` (no leading `/`).
    pub(crate) fn url(&self, path: &str) -> String {
        format!("{}{}", self.base_url, path)
    }
}

/// `v` ending with `/`, as every `base_url` does.
fn with_slash(v: &str) -> String {
    if v.ends_with('/') {
        v.to_string()
    } else {
        format!("{v}/")
    }
}

/// Whether `v` is a path on the site's own host (`/`, `/pm/`) or an http(s)
/// URL with a host. Browsers read `//host`, `/\\host` and such paths with
/// hidden whitespace as another host, so backslashes, whitespace and
/// control characters are never allowed.
fn base_url_ok(v: &str) -> bool {
    if v.chars().any(|c| c == '\\' || c.is_whitespace() || c.is_control()) {
        return false;
    }
    if let Some(rest) = v.strip_prefix("https://").or_else(|| v.strip_prefix("http://")) {
        return !rest.is_empty() && !rest.starts_with('/');
    }
    v.starts_with('/') && !v.starts_with("//")
}

/// What makes `output_dir` unsafe, if anything: the build replaces that
/// folder whole, and site.toml can be changed by a pull request, so it must
/// be a folder of its own inside the site, apart from the sources.
fn output_dir_problem(value: &str, content_dir: &str) -> Option<&'static str> {
    use std::ffi::OsStr;
    use std::path::Component;
    let path = Path::new(value.trim());
    if path.is_absolute() || path.components().any(|c| !matches!(c, Component::Normal(_) | Component::CurDir)) {
        return Some("must be a folder inside the site (no absolute path, no `..`)");
    }
    let parts: Vec<&OsStr> =
        path.components().filter(|c| matches!(c, Component::Normal(_))).map(|c| c.as_os_str()).collect();
    if parts.is_empty() {
        return Some("is the site folder itself: the build would delete the site");
    }
    let content: Vec<&OsStr> = Path::new(content_dir).components().map(|c| c.as_os_str()).collect();
    let overlaps = |other: &[&OsStr]| parts.starts_with(other) || other.starts_with(&parts);
    if overlaps(&content) {
        return Some("is, holds or lies inside the content folder: the build would delete postmortems");
    }
    if overlaps(&[OsStr::new("themes")]) {
        return Some("is, holds or lies inside the themes folder");
    }
    if parts[0] == OsStr::new(FILE_NAME) || parts[0].to_string_lossy().starts_with('.') {
        return Some("names site.toml or a hidden folder such as .git");
    }
    None
}

/// The tables of site.toml and the keys each knows.
const TABLES: &[(&str, &[&str])] =
    &[("completeness", COMPLETENESS_KEYS), ("policy", POLICY_KEYS), ("taxonomy", TAXONOMY_KEYS)];

/// Every syntax error of site.toml; or, when it parses, every unknown key
/// and every value of the wrong type, each read on its own so that one
/// does not hide the next.
fn every_toml_error(text: &str) -> Vec<Diagnostic> {
    use toml::de::{DeTable, DeValue};
    let (table, errors) = DeTable::parse_recoverable(text);
    if !errors.is_empty() {
        return errors.iter().map(|e| toml_error(text, e)).collect();
    }
    let mut out = Vec::new();
    let unknown = |key: &str, span: std::ops::Range<usize>, known: &[&str]| {
        let (line, col) = line_col(text, span.start);
        let hint = match closest(key, known) {
            Some(k) => format!("did you mean `{k}`?"),
            None => format!("the known keys here are {}", known.join(", ")),
        };
        Diagnostic::new(Code::C003, FILE_NAME, line, col, format!("unknown key `{key}` in site.toml"))
            .hint(hint)
            .span(key.chars().count())
    };
    // a value read alone, as the only key of its table
    let typed = |header: &str, key: &str, span: std::ops::Range<usize>| {
        let snippet = format!("{header}{key} = {}\n", &text[span.clone()]);
        let e = toml::from_str::<RawConfig>(&snippet).err()?;
        let (line, col) = line_col(text, span.start);
        // serde's names for types, in the words of TOML
        let message = [
            ("expected i64", "expected a whole number"),
            ("expected a map", "expected a table such as { SEV1 = 14 }"),
            ("expected a sequence", "expected a list such as [\"a\", \"b\"]"),
            ("expected a string", "expected text in quotes"),
            ("expected a boolean", "expected true or false"),
        ]
        .iter()
        .fold(e.message().trim().to_string(), |m, (from, to)| m.replace(from, to));
        Some(
            Diagnostic::new(Code::C002, FILE_NAME, line, col, format!("site.toml: `{key}`: {message}"))
                .hint("see the site.toml reference in docs/site-toml.md")
                .span(span.len()),
        )
    };
    for (k, v) in table.get_ref().iter() {
        let key = k.get_ref().as_ref();
        let Some(&top) = TOP_KEYS.iter().find(|t| **t == key) else {
            out.push(unknown(key, k.span(), TOP_KEYS));
            continue;
        };
        match (TABLES.iter().find(|(t, _)| *t == top), v.get_ref()) {
            (Some((name, known)), DeValue::Table(inner)) => {
                for (ik, iv) in inner.iter() {
                    let sub = ik.get_ref().as_ref();
                    if known.contains(&sub) {
                        out.extend(typed(&format!("[{name}]\n"), sub, iv.span()));
                    } else {
                        out.push(unknown(sub, ik.span(), known));
                    }
                }
            }
            _ => out.extend(typed("", key, v.span())),
        }
    }
    crate::diagnostic::sort(&mut out);
    out
}

/// Maps a TOML error to a diagnostic at its line, suggesting the closest
/// known key for an unknown one.
fn toml_error(text: &str, e: &toml::de::Error) -> Diagnostic {
    let (line, col) = e.span().map_or((1, 1), |s| line_col(text, s.start));
    let msg = e.message().trim().to_string();
    if let Some(rest) = msg.strip_prefix("unknown field `") {
        let key = rest.split('`').next().unwrap_or_default();
        let known = if COMPLETENESS_KEYS.contains(&key) || msg.contains("min_whys") {
            COMPLETENESS_KEYS
        } else if msg.contains("final_within_days") {
            POLICY_KEYS
        } else if msg.contains("contributing_factors") {
            TAXONOMY_KEYS
        } else {
            TOP_KEYS
        };
        let hint = match closest(key, known) {
            Some(k) => format!("did you mean `{k}`?"),
            None => format!("the known keys here are {}", known.join(", ")),
        };
        return Diagnostic::new(Code::C003, FILE_NAME, line, col, format!("unknown key `{key}` in site.toml"))
            .hint(hint)
            .span(key.chars().count());
    }
    Diagnostic::new(Code::C002, FILE_NAME, line, col, format!("site.toml: {msg}"))
        .hint("see the site.toml reference in docs/site-toml.md")
}

/// The `[completeness]` table, read into `comp`; its problems go to `errs`.
fn completeness(
    c: RawCompleteness,
    severities: &[String],
    comp: &mut Completeness,
    at: &dyn Fn(std::ops::Range<usize>, String, &str) -> Diagnostic,
    errs: &mut Vec<Diagnostic>,
) {
    let check_sevs =
        |names: &mut dyn Iterator<Item = &String>, span: std::ops::Range<usize>, errs: &mut Vec<Diagnostic>| {
            for s in names {
                if !severities.contains(s) {
                    errs.push(at(
                        span.clone(),
                        format!("`{s}` is not one of the severities"),
                        &format!("the severities are {}", severities.join(", ")),
                    ));
                }
            }
        };
    if let Some(m) = c.min_whys {
        match usize::try_from(*m.get_ref()) {
            Ok(v) => comp.min_whys = v,
            Err(_) => errs.push(at(m.span(), "min_whys must be 0 or more".into(), "e.g. min_whys = 5")),
        }
    }
    if let Some(p) = c.placeholders {
        comp.placeholders.extend(p.iter().map(|s| s.trim().to_lowercase()).filter(|s| !s.is_empty()));
    }
    if let Some(a) = c.action_items_required {
        check_sevs(&mut a.get_ref().iter(), a.span(), errs);
        comp.action_items_required = a.into_inner();
    }
    if let Some(k) = c.kinds_required {
        check_sevs(&mut k.get_ref().keys(), k.span(), errs);
        let mut map = BTreeMap::new();
        for (sev, kinds) in k.get_ref() {
            let mut parsed = Vec::new();
            for kind in kinds {
                match ItemKind::parse(kind) {
                    Some(x) => parsed.push(x),
                    None => errs.push(at(
                        k.span(),
                        format!("`{kind}` is not an action-item kind"),
                        &format!("the kinds are {}", ItemKind::WORDS.join(", ")),
                    )),
                }
            }
            map.insert(sev.clone(), parsed);
        }
        comp.kinds_required = map;
    }
    if let Some(b) = c.blame_phrases {
        comp.blame_phrases.extend(b.iter().map(|s| s.trim().to_lowercase()).filter(|s| !s.is_empty()));
    }
    if let Some(d) = c.due_within_days {
        check_sevs(&mut d.get_ref().keys(), d.span(), errs);
        if d.get_ref().values().any(|&n| !(0..=MAX_DUE_DAYS).contains(&n)) {
            errs.push(at(
                d.span(),
                format!("due_within_days must be from 0 to {MAX_DUE_DAYS} days (100 years)"),
                "e.g. due_within_days = { SEV1 = 15, SEV2 = 30 }",
            ));
        }
        comp.due_within_days = d.into_inner();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_unknown_key_and_wrong_type_of_site_toml_is_reported_in_one_run() {
        let text = "title = \"t\"\ntimezon = \"UTC\"\nmin_sample = \"five\"\n\n[completeness]\nmin_why = 3\ndue_within_days = 7\n\n[policy]\nfinal_within_days = \"x\"\n";
        let errs = Config::parse(Path::new("."), text).unwrap_err();
        let got: Vec<(&str, usize)> = errs.iter().map(|d| (d.code.as_str(), d.line)).collect();
        assert_eq!(got, [("C003", 2), ("C002", 3), ("C003", 6), ("C002", 7), ("C002", 10)]);
        assert_eq!(errs[0].hint, "did you mean `timezone`?");
        assert_eq!(errs[1].message, "site.toml: `min_sample`: invalid type: string \"five\", expected a whole number");
        // a syntax error stops there: nothing after it can be read
        let errs = Config::parse(Path::new("."), "title = \ntimezone = [\n").unwrap_err();
        assert!(errs.iter().all(|d| d.code == Code::C002), "{errs:?}");
    }

    #[test]
    fn the_scaffold_lists_the_default_factors_and_a_taxonomy_replaces_them() {
        let scaffold = crate::scaffold::site_files().into_iter().find(|(n, _)| *n == "site.toml").unwrap().1;
        let cfg = Config::parse(Path::new("."), scaffold).unwrap();
        assert_eq!(cfg.factors, DEFAULT_FACTORS);
        let cfg = Config::parse(Path::new("."), "[taxonomy]\ncontributing_factors = [\" flaky test \", \"vendor\"]\n")
            .unwrap();
        assert_eq!(cfg.factors, ["flaky test", "vendor"]);
        let err = Config::parse(Path::new("."), "[taxonomy]\ncontributing_factors = [\"a\", \"A\"]\n").unwrap_err();
        assert!(err[0].message.contains("listed twice"), "{err:?}");
        let err = Config::parse(Path::new("."), "[taxonomy]\ncontributing_factor = []\n").unwrap_err();
        assert_eq!(err[0].hint, "did you mean `contributing_factors`?");
    }

    fn parse(t: &str) -> Result<Config, Vec<Diagnostic>> {
        Config::parse(Path::new("/site"), t)
    }

    #[test]
    fn empty_file_gives_the_defaults() {
        assert_eq!(parse("").unwrap(), Config::defaults(Path::new("/site")));
    }

    #[test]
    fn reads_every_key() {
        let c = parse(
            r#"title = "Acme"
base_url = "/pm"
timezone = "Europe/Berlin"
severities = ["P1", "P2"]
output_dir = "out"
min_sample = 3
[completeness]
min_whys = 3
placeholders = ["Pending"]
action_items_required = ["P1"]
kinds_required = { P1 = ["prevent"] }
blame_phrases = ["Sloppy"]
due_within_days = { P1 = 10 }
"#,
        )
        .unwrap();
        assert_eq!(c.title, "Acme");
        assert_eq!(c.base_url, "/pm/");
        assert_eq!(c.timezone, chrono_tz::Europe::Berlin);
        assert_eq!(c.severities, ["P1", "P2"]);
        assert_eq!(c.min_sample, 3);
        assert_eq!(c.completeness.min_whys, 3);
        assert!(c.completeness.placeholders.contains(&"pending".to_string()));
        assert!(c.completeness.placeholders.contains(&"tbd".to_string()));
        assert_eq!(c.completeness.kinds_required["P1"], [ItemKind::Prevent]);
        assert!(c.completeness.blame_phrases.contains(&"sloppy".to_string()));
        assert_eq!(c.completeness.due_within_days["P1"], 10);
    }

    #[test]
    fn unknown_key_names_its_line_and_the_closest_key() {
        let e = parse("title = \"x\"\ntimezon = \"UTC\"\n").unwrap_err();
        assert_eq!(e[0].code, Code::C003);
        assert_eq!(e[0].line, 2);
        assert_eq!(e[0].hint, "did you mean `timezone`?");
        let e = parse("[completeness]\nmin_why = 3\n").unwrap_err();
        assert_eq!((e[0].line, e[0].hint.as_str()), (2, "did you mean `min_whys`?"));
    }

    #[test]
    fn bad_values_are_errors_with_their_line() {
        let e = parse("title = \"x\"\ntimezone = \"Mars/Olympus\"\n").unwrap_err();
        assert_eq!((e[0].code, e[0].line, e[0].column), (Code::C004, 2, 12));
        let e = parse("[completeness]\naction_items_required = [\"SEV9\"]\n").unwrap_err();
        assert_eq!((e[0].code, e[0].line), (Code::C004, 2));
        let e = parse("min_sample = \"five\"\n").unwrap_err();
        assert_eq!((e[0].code, e[0].line), (Code::C002, 1));
        let e = parse("title = \n").unwrap_err();
        assert_eq!(e[0].code, Code::C002);
    }

    #[test]
    fn a_deadline_past_the_calendar_is_a_configuration_error() {
        for v in ["300000000", "-1", "9223372036854775807", "36526"] {
            let e = parse(&format!("[completeness]\ndue_within_days = {{ SEV1 = {v} }}\n")).unwrap_err();
            assert_eq!((e[0].code, e[0].line), (Code::C004, 2), "{v}");
        }
        assert!(parse("[completeness]\ndue_within_days = { SEV1 = 36525 }\n").is_ok());
    }

    #[test]
    fn a_base_url_that_names_another_host_by_a_path_is_refused() {
        for bad in [
            "//evil.example/",
            "/\\\\evil.example/",
            "\\\\evil.example",
            "/\\t/evil.example",
            "https:///x",
            "https://",
            "evil.example",
            "javascript:alert(1)//",
        ] {
            let e = parse(&format!("base_url = \"{bad}\"\n")).unwrap_err();
            assert_eq!(e[0].code, Code::C004, "{bad}");
        }
        for good in ["/", "/pm", "/a/b/", "https://example.com", "http://localhost:8080/pm/"] {
            assert!(parse(&format!("base_url = \"{good}\"\n")).is_ok(), "{good}");
        }
        let c = parse("").unwrap();
        assert!(c.with_base_url("//evil.example/").is_none() && c.with_base_url("/\\evil").is_none());
    }

    #[test]
    fn an_output_dir_that_would_delete_sources_or_leave_the_site_is_refused() {
        for bad in [
            ".",
            "./",
            "content",
            "content/site",
            "./content",
            "themes",
            "themes/x",
            "site.toml",
            ".git",
            "../site",
            "/tmp/out",
            "public/../content",
            "",
        ] {
            let e = parse(&format!("title = \"x\"\noutput_dir = \"{bad}\"\n")).unwrap_err();
            assert_eq!((e[0].code, e[0].line), (Code::C004, 2), "{bad}");
        }
        let e = parse("content_dir = \"posts/2024\"\noutput_dir = \"posts\"\n").unwrap_err();
        assert_eq!(e[0].line, 2);
        for good in ["public", "out/site", "./public", "contents", "themes-site"] {
            assert!(parse(&format!("output_dir = \"{good}\"\n")).is_ok(), "{good}");
        }
    }
}
