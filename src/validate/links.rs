//! `retro check --links`: internal links in bodies must lead to a page of
//! the site, and action-item links must be well-formed URLs.

use crate::config::Config;
use crate::diagnostic::{Code, Diagnostic, Level};
use crate::model::{Lines, Postmortem, Report, Status};
use pulldown_cmark::{Event, Parser, Tag};
use std::collections::HashSet;

/// Every page and file path a build of these postmortems writes, relative
/// to the site root, folders with a trailing `/`: the site's routes and
/// the built-in theme's static files.
fn site_paths(pms: &[Postmortem], reports: &[Report], cfg: &Config) -> HashSet<String> {
    use crate::routes::Route;
    // the files of a site do not depend on the day it is built
    let today = chrono::NaiveDate::MIN;
    let m = crate::metrics::compute(pms, cfg, today);
    let site = crate::render::site::Site::new(pms, reports, &m, cfg);
    let statics = crate::render::theme::STATIC.iter().map(|(name, _)| Route::Static(name.to_string()));
    site.routes()
        .into_iter()
        .chain(statics)
        .map(|r| match r.folder() {
            Some(folder) => folder.into_owned(),
            None => r.path(),
        })
        .collect()
}

/// Resolves `target` as written on the page `page` (a site path such as
/// `postmortems/x/`); `None` for external links and fragments.
fn resolve(target: &str, page: &str, base_path: &str) -> Option<String> {
    let target = target.split(['#', '?']).next().unwrap_or("");
    if target.is_empty() {
        return None;
    }
    // pages are named as written: `areas/%D0%BF…/` is `areas/п…/`
    let decoded = crate::text::percent_decode(target);
    let target = decoded.as_deref().unwrap_or(target);
    let scheme = target.find(':').is_some_and(|i| !target[..i].contains('/'));
    if scheme || target.starts_with("//") {
        return None;
    }
    let joined = match target.strip_prefix('/') {
        Some(abs) => {
            let base = base_path.trim_start_matches('/');
            let full = abs.to_string();
            full.strip_prefix(base).map(str::to_string).unwrap_or(format!("\u{0}outside-base/{full}"))
        }
        None => format!("{page}{target}"),
    };
    let dir = joined.ends_with('/') || joined.ends_with("/.") || joined.ends_with("/..");
    let mut parts: Vec<&str> = Vec::new();
    for seg in joined.split('/') {
        match seg {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            s => parts.push(s),
        }
    }
    let mut path = parts.join("/");
    if let Some(stripped) = path.strip_suffix("index.html") {
        path = stripped.to_string();
    } else if dir && !path.is_empty() {
        path.push('/');
    }
    Some(path)
}

/// Whether an action-item link is a well-formed URL: http(s) with a host,
/// mailto with an address, or a relative path; no spaces.
pub(crate) fn link_ok(link: &str) -> bool {
    if link.is_empty() || link.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return false;
    }
    let lower = link.to_ascii_lowercase();
    if let Some(rest) = lower.strip_prefix("https://").or_else(|| lower.strip_prefix("http://")) {
        let host = rest.split(['/', '?', '#']).next().unwrap_or("");
        return !host.is_empty()
            && !host.starts_with(':')
            && host.chars().all(|c| c.is_ascii_alphanumeric() || "-.:[]_@%".contains(c));
    }
    if let Some(addr) = lower.strip_prefix("mailto:") {
        return addr.contains('@');
    }
    !lower.split(['/', '?', '#']).next().unwrap_or("").contains(':')
}

/// Checks every body link and action-item link of the postmortems of an
/// analysis (`lines` and `reports` in the order of `pms`).
pub(crate) fn check(pms: &[Postmortem], lines: &[Lines], reports: &[Report], cfg: &Config) -> Vec<Diagnostic> {
    let known = site_paths(pms, reports, cfg);
    let base = cfg.base_path();
    let mut out = Vec::new();
    for (pm, lines) in pms.iter().zip(lines) {
        let page = crate::routes::Route::Postmortem(pm.id.clone()).folder().unwrap_or_default().into_owned();
        let mut found = Vec::new();
        let body = crate::load::body(pm, &cfg.root);
        // the renderer's own options: footnotes (`[^rb]`) are not links
        for (event, range) in Parser::new_ext(&body, crate::render::markdown::options()).into_offset_iter() {
            if let Event::Start(Tag::Link { dest_url, .. } | Tag::Image { dest_url, .. }) = event {
                if let Some(path) = resolve(&dest_url, &page, &base) {
                    let ok = known.contains(&path) || known.contains(&format!("{path}/"));
                    if !ok {
                        found.push((range.start, dest_url.to_string()));
                    }
                }
            }
        }
        found.sort_by_key(|f| f.0);
        // offsets in order: lines and columns are counted once, onward
        // from the last link (80,000 links on one line stay linear)
        let (mut line, mut col, mut counted) = (lines.body, 1, 0);
        for (offset, url) in found {
            let gap = &body[counted..offset];
            match gap.rfind('\n') {
                Some(last) => {
                    line += gap.matches('\n').count();
                    col = gap[last + 1..].chars().count() + 1;
                }
                None => col += gap.chars().count(),
            }
            counted = offset;
            out.push(level(
                Diagnostic::new(
                    Code::W012,
                    &pm.file,
                    line,
                    col,
                    format!("broken link: `{url}` is not a page of the site"),
                )
                .hint("link to a postmortem as `../<id>/`, or check the spelling of the path"),
                pm,
            ));
        }
        for (item, at) in pm.action_items.iter().zip(&lines.items) {
            if let Some(link) = &item.link {
                if !link_ok(link) {
                    out.push(level(
                        Diagnostic::new(
                            Code::W013,
                            &pm.file,
                            at.link.max(at.item),
                            1,
                            format!("action item `{}` has a malformed link: `{link}`", item.id),
                        )
                        .hint("write a full URL such as `https://tracker.example.com/PAY-101`"),
                        pm,
                    ));
                }
            }
        }
    }
    out
}

fn level(mut d: Diagnostic, pm: &Postmortem) -> Diagnostic {
    if pm.status == Status::Final {
        d.level = Level::Error;
    }
    d
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn links_resolve_relative_to_the_postmortem_page() {
        let page = "postmortems/a/";
        assert_eq!(resolve("../b/", page, "/").as_deref(), Some("postmortems/b/"));
        assert_eq!(resolve("../../trends/", page, "/").as_deref(), Some("trends/"));
        assert_eq!(resolve("/areas/x/#top", page, "/").as_deref(), Some("areas/x/"));
        assert_eq!(resolve("/pm/areas/x/", page, "/pm/").as_deref(), Some("areas/x/"));
        assert_eq!(resolve("../b/index.html", page, "/").as_deref(), Some("postmortems/b/"));
        assert_eq!(resolve("https://example.com/", page, "/"), None);
        assert_eq!(resolve("mailto:x@example.com", page, "/"), None);
        assert_eq!(resolve("#section", page, "/"), None);
    }

    #[test]
    fn action_item_links_must_be_well_formed() {
        for ok in [
            "https://tracker.example.com/PAY-1",
            "http://localhost:8080/x",
            "mailto:ops@example.com",
            "/runbooks/pool",
            "JIRA-1",
        ] {
            assert!(link_ok(ok), "{ok}");
        }
        for bad in ["https://", "https:// tracker", "tracker.example.com/PAY 1", "mailto:nobody", "htps:/x", ""] {
            assert!(!link_ok(bad), "{bad}");
        }
    }
}
