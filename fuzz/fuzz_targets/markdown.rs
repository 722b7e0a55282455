//! Any text as a postmortem body: rendered on the fast path or through the
//! sanitizer, never a panic, and never an event handler, a theme id or an
//! image from another host in the page.
#![no_main]

use libfuzzer_sys::fuzz_target;

/// Every tag's name and its attributes `(name, value)` as written.
fn tags(html: &str) -> Vec<(String, Vec<(String, String)>)> {
    let mut out = Vec::new();
    let b = html.as_bytes();
    let mut i = 0;
    while i < b.len() {
        if b[i] != b'<' || !b.get(i + 1).is_some_and(u8::is_ascii_alphabetic) {
            i += 1;
            continue;
        }
        let mut j = i + 1;
        while j < b.len() && b[j].is_ascii_alphanumeric() {
            j += 1;
        }
        let name = html[i + 1..j].to_ascii_lowercase();
        let mut attrs = Vec::new();
        loop {
            while j < b.len() && (b[j] == b' ' || b[j] == b'/') {
                j += 1;
            }
            if j >= b.len() || b[j] == b'>' {
                break;
            }
            let start = j;
            while j < b.len() && !matches!(b[j], b'=' | b' ' | b'>' | b'/') {
                j += 1;
            }
            let attr = html[start..j].to_ascii_lowercase();
            let mut value = String::new();
            if b.get(j) == Some(&b'=') && b.get(j + 1) == Some(&b'"') {
                let end = html[j + 2..].find('"').map_or(b.len(), |e| j + 2 + e);
                value = html[j + 2..end].to_string();
                j = end + 1;
            }
            attrs.push((attr, value));
        }
        out.push((name, attrs));
        i = j;
    }
    out
}

fuzz_target!(|data: &[u8]| {
    let Ok(body) = std::str::from_utf8(data) else { return };
    let _ = retro::internals::html_too_deep(body);
    let _ = retro::internals::render_markdown(body, true);
    let html = retro::internals::render_markdown(body, false);
    for (tag, attrs) in tags(&html) {
        assert!(tag != "script" && tag != "iframe" && tag != "style", "<{tag}> in {html}");
        for (a, v) in attrs {
            assert!(!a.starts_with("on"), "{a} on <{tag}> in {html}");
            assert!(a != "id" || !v.to_ascii_lowercase().starts_with("r-"), "theme id {v} in {html}");
            if tag == "img" && a == "src" {
                // another host: a scheme (as browsers read it) or `//`
                let clean: String = v.chars().filter(|c| !c.is_whitespace() && !c.is_control()).collect();
                let remote = retro::internals::url_scheme(&v).is_some() || ["//", "/\\", "\\\\", "\\/"].iter().any(|p| clean.starts_with(p));
                assert!(!remote, "remote image {v} in {html}");
            }
        }
    }
});
