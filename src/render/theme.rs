//! The theme: Tera templates and static files. The default theme in
//! `themes/default/` is compiled into the binary; a site's own
//! `themes/<theme>/templates/<name>` or `themes/<theme>/static/<name>`
//! replaces the built-in file of the same name, and may add new ones.

use crate::config::Config;
use crate::diagnostic::{Code, Diagnostic};
use std::path::{Path, PathBuf};

macro_rules! builtin {
    ($($name:literal),+ $(,)?) => {
        &[$(($name, include_str!(concat!("../../themes/default/templates/", $name)))),+]
    };
}

/// Built-in templates, by name.
pub(crate) const TEMPLATES: &[(&str, &str)] = builtin!(
    "base.html",
    "components.html",
    "index.html",
    "postmortem.html",
    "postmortems.html",
    "action_items.html",
    "action_items_nav.html",
    "action_items_closed.html",
    "action_items_view.html",
    "action_items_group.html",
    "trends.html",
    "quarter.html",
    "quarters.html",
    "taxonomy.html",
    "taxonomy_list.html",
    "contributing_factors.html",
    "404.html",
    "feed.xml",
    "sitemap.xml",
);

/// Built-in static files, by name; published under `static/`.
pub(crate) const STATIC: &[(&str, &str)] = &[
    ("style.css", include_str!("../../themes/default/static/style.css")),
    ("search.js", include_str!("../../themes/default/static/search.js")),
    ("tables.js", include_str!("../../themes/default/static/tables.js")),
    ("favicon.svg", include_str!("../../themes/default/static/favicon.svg")),
];

/// A theme ready to render. Parsing the templates takes tens of
/// milliseconds: a build loads it while it checks postmortems, and
/// `retro serve` keeps it between edits.
pub(crate) struct Theme {
    pub(crate) tera: tera::Tera,
    /// Static files by name, built-in or the site's own.
    pub(crate) statics: Vec<(String, Vec<u8>)>,
}

impl std::fmt::Debug for Theme {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let names: Vec<&str> = self.tera.get_template_names().collect();
        f.debug_struct("Theme").field("templates", &names).field("statics", &self.statics.len()).finish()
    }
}

fn theme_error(file: String, msg: String) -> Diagnostic {
    Diagnostic::new(Code::T001, &file, 1, 1, msg)
        .hint("fix the template, or delete it to use the built-in one; docs/themes.md lists the variables")
}

/// Loads the built-in theme with the site's overrides.
pub(crate) fn load(cfg: &Config) -> Result<Theme, Vec<Diagnostic>> {
    let mut templates: Vec<(String, String)> = TEMPLATES.iter().map(|(n, t)| (n.to_string(), t.to_string())).collect();
    let mut statics: Vec<(String, Vec<u8>)> =
        STATIC.iter().map(|(n, t)| (n.to_string(), t.as_bytes().to_vec())).collect();
    let mut errs = Vec::new();
    let files = site_files(cfg);
    for (list, is_template) in [(&files.templates, true), (&files.statics, false)] {
        for f in list {
            let read = std::fs::read(&f.path).map_err(|x| x.to_string());
            let added = read.and_then(|bytes| {
                if is_template {
                    let text = String::from_utf8(bytes).map_err(|_| format!("template {} is not UTF-8", f.name))?;
                    replace(&mut templates, f.name.clone(), text)
                } else {
                    replace(&mut statics, f.name.clone(), bytes)
                }
            });
            if let Err(msg) = added {
                errs.push(theme_error(f.rel.clone(), msg));
            }
        }
    }
    if !errs.is_empty() {
        return Err(errs);
    }
    let mut tera = tera::Tera::default();
    tera.autoescape_on(vec![".html", ".xml"]);
    // like Tera's own, but leaves `/` alone so that URLs stay readable
    tera.set_escape_fn(super::feed::write_xml_escaped);
    if let Err(e) = tera.add_raw_templates(templates.iter().map(|(n, t)| (n.as_str(), t.as_str()))) {
        return Err(vec![template_diagnostic(&cfg.theme, &e)
            .hint("fix the template, or delete it to use the built-in one; docs/themes.md lists the variables")]);
    }
    Ok(Theme { tera, statics })
}

/// Symbolic links in the site's theme that lead out of the site: named in
/// W011 warnings, never read (`check` and `build` report them).
pub(crate) fn links_out(cfg: &Config) -> Vec<Diagnostic> {
    site_files(cfg).links_out
}

/// One file of the site's theme that replaces or adds to the built-in ones.
struct SiteFile {
    name: String,
    /// Site-relative, for diagnostics.
    rel: String,
    /// Where it really is, inside the site.
    path: PathBuf,
}

/// The site's theme files, and the links among them that lead out of the
/// site (not read).
struct SiteFiles {
    templates: Vec<SiteFile>,
    statics: Vec<SiteFile>,
    links_out: Vec<Diagnostic>,
}

/// The files directly in `themes/<theme>/templates` and `…/static`, in name
/// order, hidden names skipped; each read only where it really is inside
/// the site ([`crate::load::inside_site`]), whatever links lead there.
fn site_files(cfg: &Config) -> SiteFiles {
    let mut out = SiteFiles { templates: Vec::new(), statics: Vec::new(), links_out: Vec::new() };
    let dir = cfg.root.join("themes").join(&cfg.theme);
    if !dir.exists() {
        return out;
    }
    let root = cfg.root.canonicalize().unwrap_or_else(|_| cfg.root.clone());
    let rel = |p: &Path| p.strip_prefix(&cfg.root).unwrap_or(p).to_string_lossy().into_owned();
    for (sub, list) in [("templates", &mut out.templates), ("static", &mut out.statics)] {
        let folder = dir.join(sub);
        let Ok(entries) = std::fs::read_dir(&folder) else { continue };
        if let Err(d) = crate::load::inside_site(&root, &rel(&folder), &folder) {
            out.links_out.push(d);
            continue;
        }
        let mut entries: Vec<std::fs::DirEntry> = entries.filter_map(|e| e.ok()).collect();
        entries.sort_by_key(|e| e.file_name());
        for e in entries {
            let name = e.file_name().to_string_lossy().into_owned();
            if name.starts_with('.') {
                continue;
            }
            let path = e.path();
            match crate::load::inside_site(&root, &rel(&path), &path) {
                Ok(real) if real.is_file() => list.push(SiteFile { name, rel: rel(&path), path: real }),
                Ok(_) => {}
                Err(d) => out.links_out.push(d),
            }
        }
    }
    out
}

fn replace<T>(list: &mut Vec<(String, T)>, name: String, value: T) -> Result<(), String> {
    match list.iter_mut().find(|(n, _)| *n == name) {
        Some(slot) => slot.1 = value,
        None => list.push((name, value)),
    }
    Ok(())
}

/// A Tera error as a diagnostic. Syntax and rendering errors point at
/// the template, line and column where Tera found them (the template is
/// named by the path that overrides it in the site's theme); other errors
/// (a missing parent template, a circular `extends`) at the templates
/// folder.
pub(crate) fn template_diagnostic(theme: &str, e: &tera::Error) -> Diagnostic {
    match e.kind() {
        tera::ErrorKind::SyntaxError(r) | tera::ErrorKind::RenderingError(r) if !r.filename().is_empty() => {
            let span = r.span();
            let width = if span.end_line == span.start_line { span.end_col.saturating_sub(span.start_col) } else { 1 };
            Diagnostic::new(
                Code::T001,
                &format!("themes/{theme}/templates/{}", r.filename()),
                span.start_line.max(1),
                span.start_col + 1,
                r.message(),
            )
            .span(width.max(1))
        }
        _ => Diagnostic::new(Code::T001, &format!("themes/{theme}/templates"), 1, 1, template_message(e)),
    }
}

/// Tera's error with its causes, on one line.
pub(crate) fn template_message(e: &tera::Error) -> String {
    let mut msg = e.to_string();
    let mut source = std::error::Error::source(e);
    while let Some(s) = source {
        msg.push_str(": ");
        msg.push_str(&s.to_string());
        source = s.source();
    }
    msg
}
