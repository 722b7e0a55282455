//! Markdown bodies to HTML: tables, footnotes, strikethrough, task lists and
//! heading anchors, then sanitized by an allow-list unless the site trusts
//! raw HTML (site.toml `trust_html`).

use pulldown_cmark::{html, CowStr, Event, HeadingLevel, Options, Parser, Tag, TagEnd};
use std::collections::HashMap;
use std::sync::OnceLock;

fn options() -> Options {
    Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_HEADING_ATTRIBUTES
}

/// The sanitizer: ammonia's defaults (no scripts, styles, event handlers or
/// `javascript:`/`data:` URLs), plus what the Markdown renderer emits:
/// heading and footnote ids, task-list checkboxes.
fn sanitizer() -> &'static ammonia::Builder<'static> {
    static B: OnceLock<ammonia::Builder<'static>> = OnceLock::new();
    B.get_or_init(|| {
        let mut b = ammonia::Builder::default();
        b.add_tags(["input"])
            .add_tag_attributes("input", ["type", "checked", "disabled"])
            .add_tag_attributes("div", ["id"])
            .add_tag_attributes("sup", ["id"])
            .add_tag_attributes("li", ["id"])
            .link_rel(Some("noopener noreferrer nofollow"));
        for h in ["h1", "h2", "h3", "h4", "h5", "h6"] {
            b.add_tag_attributes(h, ["id"]);
        }
        b
    })
}

/// A heading id from its text: lowercase words joined by `-`, unique in
/// the document (`-1`, `-2` for repeats).
fn anchor(text: &str, seen: &mut HashMap<String, usize>) -> String {
    let mut id = String::new();
    for c in text.chars() {
        if c.is_alphanumeric() {
            id.extend(c.to_lowercase());
        } else if (c.is_whitespace() || c == '-' || c == '_') && !id.ends_with('-') && !id.is_empty() {
            id.push('-');
        }
    }
    let id = id.trim_end_matches('-').to_string();
    let id = if id.is_empty() { "section".to_string() } else { id };
    let n = seen.entry(id.clone()).or_insert(0);
    *n += 1;
    if *n == 1 {
        id
    } else {
        format!("{id}-{}", *n - 1)
    }
}

/// Renders a body. Headings get ids (kept when written with `{#id}`);
/// HTML is sanitized unless `trust_html`.
pub fn render(markdown: &str, trust_html: bool) -> String {
    // about one event per 10 bytes of a prose body: sized once instead of
    // doubled (and copied) a dozen times
    let mut out: Vec<Event> = Vec::with_capacity(markdown.len() / 10 + 16);
    out.extend(Parser::new_ext(markdown, options()));
    let mut seen = HashMap::new();
    // headings in place: an id from their text, one level down
    for i in 0..out.len() {
        match &out[i] {
            Event::Start(Tag::Heading { level, id, .. }) => {
                let level = shift(*level);
                let id = match id {
                    Some(given) => given.clone(),
                    None => {
                        let mut text = String::new();
                        for e in out[i + 1..].iter().take_while(|e| !matches!(e, Event::End(TagEnd::Heading(_)))) {
                            if let Event::Text(t) | Event::Code(t) = e {
                                text.push_str(t);
                            }
                        }
                        CowStr::from(anchor(&text, &mut seen))
                    }
                };
                if let Event::Start(Tag::Heading { level: l, id: slot, .. }) = &mut out[i] {
                    *l = level;
                    *slot = Some(id);
                }
            }
            Event::End(TagEnd::Heading(level)) => out[i] = Event::End(TagEnd::Heading(shift(*level))),
            _ => {}
        }
    }
    // Without raw HTML, pulldown-cmark's own output is safe once link and
    // image targets are: it escapes all text and attributes. Only bodies
    // with raw HTML need the (much slower) HTML sanitizer.
    let raw_html = out.iter().any(|e| matches!(e, Event::Html(_) | Event::InlineHtml(_)));
    if !trust_html && !raw_html {
        for e in out.iter_mut() {
            if let Event::Start(Tag::Link { dest_url, .. } | Tag::Image { dest_url, .. }) = e {
                if !safe_url(dest_url) {
                    *dest_url = CowStr::Borrowed("#");
                }
            }
        }
    }
    let mut html_out = String::with_capacity(markdown.len() * 3 / 2);
    html::push_html(&mut html_out, out.into_iter());
    if trust_html || !raw_html {
        html_out
    } else {
        sanitizer().clean(&html_out).to_string()
    }
}

/// A link target the sanitizer would keep: relative, or a scheme on
/// ammonia's default list (http, https, mailto, tel, ftp…), in any case.
fn safe_url(url: &str) -> bool {
    crate::text::url_scheme(url).is_none_or(|s| {
        matches!(s.as_str(), "http" | "https" | "mailto" | "tel" | "ftp" | "ftps" | "irc" | "ircs" | "xmpp" | "sms")
    })
}

/// Body headings sit below the page's own h1 and section h2s: `#` becomes
/// h2, `##` h3, and so on.
fn shift(level: HeadingLevel) -> HeadingLevel {
    match level {
        HeadingLevel::H1 => HeadingLevel::H2,
        HeadingLevel::H2 => HeadingLevel::H3,
        HeadingLevel::H3 => HeadingLevel::H4,
        HeadingLevel::H4 => HeadingLevel::H5,
        _ => HeadingLevel::H6,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_tables_footnotes_strikethrough_tasks_and_anchors() {
        let md = "## What went well\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n~~old~~ text[^1]\n\n- [x] done\n\n[^1]: note\n\n## What went well\n";
        let h = render(md, false);
        assert!(h.contains("<h3 id=\"what-went-well\">What went well</h3>"), "{h}");
        assert!(h.contains("<h3 id=\"what-went-well-1\">"), "{h}");
        assert!(h.contains("<table>"), "{h}");
        assert!(h.contains("<del>old</del>"), "{h}");
        assert!(h.contains("type=\"checkbox\""), "{h}");
        assert!(h.contains("<a href=\"#1\"") && h.contains("id=\"1\""), "footnote and its target: {h}");
    }

    #[test]
    fn raw_html_and_dangerous_urls_are_neutralised_by_default() {
        let md = "<script>alert(1)</script>\n\n<img src=x onerror=alert(1)>\n\n[a](javascript:alert(1)) [b](JaVaScRiPt:alert(1)) [c](data:text/html,x) [d](vbscript:x)\n\n<a href=\"java&#115;cript:alert(1)\">e</a>";
        let h = render(md, false);
        let lower = h.to_lowercase();
        for bad in ["<script", "onerror", "javascript:", "data:text", "vbscript:"] {
            assert!(!lower.contains(bad), "{bad} in {h}");
        }
        // trusted sites keep their HTML
        assert!(render("<b onclick=\"x()\">b</b>", true).contains("onclick"));
        // without raw HTML the fast path neutralises the same URLs
        let h = render(
            "[a](javascript:alert(1)) [b]( JaVa\tScRiPt:x) ![c](data:image/png;base64,x) [d](https://ok.example/)",
            false,
        );
        let lower = h.to_lowercase();
        assert!(!lower.contains("javascript") && !lower.contains("data:"), "{h}");
        assert!(h.contains("href=\"https://ok.example/\""), "{h}");
    }

    #[test]
    fn safe_links_survive_and_sanitized_links_get_rel_noopener() {
        let h = render("[tracker](https://tracker.example.com/PAY-1) [rel](../other/)", false);
        assert!(h.contains("href=\"https://tracker.example.com/PAY-1\""), "{h}");
        assert!(h.contains("href=\"../other/\""), "{h}");
        // bodies with raw HTML go through the sanitizer, which also marks links
        let h = render("<em>x</em> [tracker](https://tracker.example.com/PAY-1)", false);
        assert!(h.contains("rel=\"noopener noreferrer nofollow\""), "{h}");
    }
}
