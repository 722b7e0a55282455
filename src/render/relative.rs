//! Links relative to the page. With the default `base_url` (`/`), every
//! root-absolute link a page carries (`href`, `src`, `action` and
//! `data-index` values that start with one `/`) is written relative to the
//! page's own folder, and a link to a folder names its `index.html`, so
//! that a site opened from disk (a downloaded CI artifact) or published
//! under any path works without configuration. A `base_url` of another
//! path or a full URL keeps links absolute and folder-style.

use crate::routes::Route;

/// The attributes whose values are links.
const LINKS: [&[u8]; 4] = [b"href", b"src", b"action", b"data-index"];

/// What takes the place of the leading `/` on the page at `route`: `../`
/// per folder it is deep (`""` for the home page); `None` for the 404
/// page, which is served at any depth and keeps links absolute.
pub(crate) fn prefix(route: &Route) -> Option<String> {
    let folder = route.folder()?;
    Some("../".repeat(folder.matches('/').count()))
}

/// `html` with root-absolute link values made relative by `prefix`; a
/// protocol-relative `//host` link, text and every other attribute are
/// left as they are. Linear: it visits each `="/` once, and looks back
/// only to the start of its tag.
pub(crate) fn relative(html: &[u8], prefix: &str) -> Vec<u8> {
    static FINDER: std::sync::OnceLock<memchr::memmem::Finder<'static>> = std::sync::OnceLock::new();
    let finder = FINDER.get_or_init(|| memchr::memmem::Finder::new(b"=\"/"));
    let mut out = Vec::with_capacity(html.len() + html.len() / 16);
    let mut done = 0;
    for eq in finder.find_iter(html) {
        let value = &html[eq + 1..];
        if eq < done || value.starts_with(b"\"//") || !is_link(&html[..eq]) || !in_tag(&html[..eq]) {
            continue;
        }
        // the value without its quotes and leading `/`, up to the tag's end
        let end = memchr::memchr2(b'"', b'>', &value[1..]).map_or(value.len(), |i| i + 1);
        let link = &value[2..end];
        // a folder's page is its index.html: from disk, a browser shows a
        // folder as a list of files
        let path_len = memchr::memchr2(b'#', b'?', link).unwrap_or(link.len());
        let (path, rest) = link.split_at(path_len);
        out.extend_from_slice(&html[done..=eq]);
        out.push(b'"');
        out.extend_from_slice(prefix.as_bytes());
        out.extend_from_slice(path);
        if path.is_empty() || path.ends_with(b"/") {
            out.extend_from_slice(b"index.html");
        }
        out.extend_from_slice(rest);
        done = eq + 1 + end;
    }
    out.extend_from_slice(&html[done..]);
    out
}

/// Whether the end of `before` lies inside a tag: its last `<` comes after
/// its last `>` (attribute values hold no raw `>`: they are escaped).
fn in_tag(before: &[u8]) -> bool {
    match memchr::memrchr2(b'<', b'>', before) {
        Some(i) => before[i] == b'<',
        None => false,
    }
}

/// Whether the attribute whose name ends at the end of `before` is a link.
fn is_link(before: &[u8]) -> bool {
    let name_len = before.iter().rev().take_while(|b| b.is_ascii_alphanumeric() || **b == b'-').count();
    let name = &before[before.len() - name_len..];
    let spaced = before.len() > name_len && before[before.len() - name_len - 1].is_ascii_whitespace();
    spaced && LINKS.iter().any(|l| name.eq_ignore_ascii_case(l))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rel(html: &str, prefix: &str) -> String {
        String::from_utf8(relative(html.as_bytes(), prefix)).unwrap()
    }

    #[test]
    fn page_prefixes_climb_one_folder_per_level() {
        assert_eq!(prefix(&Route::Home).as_deref(), Some(""));
        assert_eq!(prefix(&Route::Trends(crate::routes::Per::Quarter)).as_deref(), Some("../"));
        assert_eq!(prefix(&Route::Postmortem("a".into())).as_deref(), Some("../../"));
        assert_eq!(prefix(&Route::PostmortemList(3)).as_deref(), Some("../../../"));
        assert_eq!(prefix(&Route::NotFound), None);
    }

    #[test]
    fn root_absolute_links_become_relative_and_nothing_else_changes() {
        let page = r##"<link rel="stylesheet" href="/static/style.css"><a class="brand" href="/">Home</a>
<form action="/postmortems/" data-index="/search-index.json"><img src="/static/x.png" alt="a=/b">
<a href="//cdn.example/x">cdn</a> <a href="https://a.b/">ext</a> <a href="#r-main">skip</a>
<p>text with href="/not-a-link" and a = "/b"</p><a title="/t" data-x="/y" href="/p/">p</a>"##;
        let out = rel(page, "../../");
        assert!(out.contains(r#"href="../../static/style.css""#), "{out}");
        assert!(out.contains(r#"<a class="brand" href="../../index.html">Home</a>"#));
        assert!(out.contains(r#"action="../../postmortems/index.html" data-index="../../search-index.json""#));
        assert!(out.contains(r#"src="../../static/x.png" alt="a=/b""#));
        assert!(out.contains(r#"href="//cdn.example/x""#) && out.contains(r#"href="https://a.b/""#));
        assert!(out.contains(r##"href="#r-main""##));
        assert!(out.contains(r#"<p>text with href="/not-a-link" and a = "/b"</p>"#), "text is not a tag");
        assert!(out.contains(r#"title="/t" data-x="/y" href="../../p/index.html""#), "only link attributes");
        let home = rel(r#"<a href="/">h</a><a href="/trends/#r-sev1">t</a><a href="/api/x.json?v=1">j</a>"#, "");
        assert_eq!(
            home,
            r#"<a href="index.html">h</a><a href="trends/index.html#r-sev1">t</a><a href="api/x.json?v=1">j</a>"#
        );
        // unfinished markup is copied as it is
        assert_eq!(rel("a < b", "../"), "a < b");
        assert_eq!(rel(r#"<a href="/x"#, "../"), r#"<a href="../x"#);
        assert_eq!(rel(r#"<a href="/x/"#, "../"), r#"<a href="../x/index.html"#);
    }
}
