//! Markdown bodies to HTML: tables, footnotes, strikethrough, task lists and
//! heading anchors, then sanitized by an allow-list unless the site trusts
//! raw HTML (site.toml `trust_html`).
//!
//! Whichever path a body takes, the same holds (docs/safety.md): no event
//! handler or other attribute of the writer's choosing reaches the page
//! (heading attributes keep only a plain `id`), no id can take one of the
//! theme's own (`r-…`), no link runs script, and no image loads from
//! another host (it becomes a link to the image).

use pulldown_cmark::{html, CowStr, Event, HeadingLevel, LinkType, Options, Parser, Tag, TagEnd};
use std::collections::HashMap;
use std::sync::OnceLock;

/// The Markdown extensions of bodies, for every reader of them.
pub(crate) fn options() -> Options {
    Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_HEADING_ATTRIBUTES
}

/// Raw HTML nested deeper than this is shown as text instead of being
/// sanitized: the sanitizer's time grows with the square of the depth
/// (100,000 nested `<div>`s took 30 s), and no postmortem needs it.
pub(crate) const MAX_HTML_DEPTH: usize = 256;

/// Elements that never hold others, so never nest.
const VOID: &[&str] =
    &["area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"];

/// How deep the tags of raw HTML fragments nest, counted up to
/// [`MAX_HTML_DEPTH`] + 1: every start tag that is not void or
/// self-closing opens a level, every end tag closes one.
fn html_depth<'a>(fragments: impl Iterator<Item = &'a str>) -> usize {
    let (mut depth, mut deepest) = (0usize, 0usize);
    for html in fragments {
        for (i, _) in html.match_indices('<') {
            let rest = &html.as_bytes()[i + 1..];
            match rest.first() {
                Some(b'/') => depth = depth.saturating_sub(1),
                Some(c) if c.is_ascii_alphabetic() => {
                    let name_len = rest.iter().take_while(|c| c.is_ascii_alphanumeric()).count();
                    let name = std::str::from_utf8(&rest[..name_len]).unwrap_or("").to_ascii_lowercase();
                    let tag_end = rest.iter().position(|&c| c == b'>');
                    let self_closing = tag_end.is_some_and(|e| e > 0 && rest[e - 1] == b'/');
                    if !VOID.contains(&name.as_str()) && !self_closing {
                        depth += 1;
                        deepest = deepest.max(depth);
                        if deepest > MAX_HTML_DEPTH {
                            return deepest;
                        }
                    }
                }
                _ => {}
            }
        }
    }
    deepest
}

/// Whether a body's raw HTML nests deeper than [`MAX_HTML_DEPTH`] (it is
/// then shown as text): for `check`, which does not render bodies. A body
/// with fewer `<` than that cannot, and is not parsed.
pub fn html_too_deep(markdown: &str) -> bool {
    if memchr::memchr_iter(b'<', markdown.as_bytes()).count() <= MAX_HTML_DEPTH {
        return false;
    }
    let events: Vec<Event> = Parser::new_ext(markdown, options()).collect();
    html_depth(raw_html(&events)) > MAX_HTML_DEPTH
}

/// The raw HTML fragments among a body's events.
fn raw_html<'a>(events: &'a [Event<'a>]) -> impl Iterator<Item = &'a str> {
    events.iter().filter_map(|e| match e {
        Event::Html(h) | Event::InlineHtml(h) => Some(h.as_ref()),
        _ => None,
    })
}

/// The theme's own element ids start with this; a body's never do.
const THEME_ID_PREFIX: &str = "r-";

/// `id` made safe to use in a body: one that could be taken for the
/// theme's own gets `h-` before it.
fn body_id(id: &str) -> std::borrow::Cow<'_, str> {
    let reserved = id.get(..THEME_ID_PREFIX.len()).is_some_and(|p| p.eq_ignore_ascii_case(THEME_ID_PREFIX));
    if reserved {
        format!("h-{id}").into()
    } else {
        id.into()
    }
}

/// Whether a URL loads from another host: it has a scheme or starts with
/// two slashes (either way round), as browsers read it.
fn is_remote(url: &str) -> bool {
    let clean: String = url.chars().filter(|c| !c.is_whitespace() && !c.is_control()).take(2).collect();
    crate::text::url_scheme(url).is_some() || matches!(clean.as_str(), "//" | "\\\\" | "/\\" | "\\/")
}

/// The sanitizer: ammonia's defaults (no scripts, styles, event handlers or
/// `javascript:`/`data:` URLs), plus what the Markdown renderer emits:
/// heading and footnote ids, task-list checkboxes. Any `<input>` left is a
/// disabled checkbox; ids are kept clear of the theme's; images from other
/// hosts lose their `src`.
fn sanitizer() -> &'static ammonia::Builder<'static> {
    static B: OnceLock<ammonia::Builder<'static>> = OnceLock::new();
    B.get_or_init(|| {
        let mut b = ammonia::Builder::default();
        b.add_tags(["input"])
            .add_tag_attributes("input", ["type", "checked"])
            .set_tag_attribute_value("input", "disabled", "")
            .add_tag_attributes("div", ["id"])
            .add_tag_attributes("sup", ["id"])
            .add_tag_attributes("li", ["id"])
            .attribute_filter(|element, attribute, value| match (element, attribute) {
                ("input", "type") => Some("checkbox".into()),
                ("img", "src") if is_remote(value) => None,
                (_, "id") => Some(body_id(value).into_owned().into()),
                _ => Some(value.into()),
            })
            .link_rel(Some("noopener noreferrer nofollow"));
        for h in ["h1", "h2", "h3", "h4", "h5", "h6"] {
            b.add_tag_attributes(h, ["id"]);
        }
        b
    })
}

/// A heading id from its text: lowercase words joined by `-`, unique in
/// the document (`-1`, `-2` for repeats).
fn anchor(text: &str, seen: &mut Ids) -> String {
    let mut id = String::new();
    for c in text.chars() {
        if c.is_alphanumeric() {
            id.extend(c.to_lowercase());
        } else if (c.is_whitespace() || c == '-' || c == '_') && !id.ends_with('-') && !id.is_empty() {
            id.push('-');
        }
    }
    let id = id.trim_end_matches('-').to_string();
    let id = if id.is_empty() { "section".to_string() } else { body_id(&id).into_owned() };
    unique(id, seen)
}

/// A heading id as written (`{#id}`), when it is a plain name: letters,
/// digits, `-` and `_`.
fn given_anchor(given: &str, seen: &mut Ids) -> Option<String> {
    let plain = !given.is_empty() && given.chars().all(|c| c.is_alphanumeric() || c == '-' || c == '_');
    plain.then(|| unique(body_id(given).into_owned(), seen))
}

/// The ids a body has given so far, and the next number to try after each.
#[derive(Default)]
struct Ids {
    taken: std::collections::HashSet<String>,
    next: HashMap<String, usize>,
}

/// `id`, or `id-1`, `id-2`… when the document already has it; never one
/// that could be the theme's (`r-1` from a heading `R` written twice
/// becomes `h-r-1`).
fn unique(id: String, seen: &mut Ids) -> String {
    let n = seen.next.entry(id.clone()).or_insert(0);
    loop {
        let candidate = if *n == 0 { id.clone() } else { format!("{id}-{n}") };
        let candidate = body_id(&candidate).into_owned();
        *n += 1;
        if seen.taken.insert(candidate.clone()) {
            return candidate;
        }
    }
}

/// Renders a body. Headings get ids (kept when written with `{#id}` as a
/// plain name; classes and other attributes written there are dropped);
/// HTML is sanitized unless `trust_html`.
pub fn render(markdown: &str, trust_html: bool) -> String {
    // about one event per 10 bytes of a prose body: sized once instead of
    // doubled (and copied) a dozen times
    let mut out: Vec<Event> = Vec::with_capacity(markdown.len() / 10 + 16);
    out.extend(Parser::new_ext(markdown, options()));
    if markdown.contains("://") {
        out = autolink(out);
    }
    let mut seen = Ids::default();
    let mut images_linked = false;
    // headings in place: an id from their text, one level down, no
    // attributes; footnote labels (their ids) and remote images made safe
    for i in 0..out.len() {
        match &mut out[i] {
            Event::Start(Tag::Heading { .. }) => heading(&mut out, i, &mut seen),
            Event::End(TagEnd::Heading(level)) => out[i] = Event::End(TagEnd::Heading(shift(*level))),
            Event::FootnoteReference(label) | Event::Start(Tag::FootnoteDefinition(label)) => {
                if let std::borrow::Cow::Owned(safe) = body_id(label) {
                    *label = CowStr::from(safe);
                }
            }
            Event::Start(Tag::Image { dest_url, .. }) if !trust_html && is_remote(dest_url) => {
                images_linked = true;
                image_as_link(&mut out, i);
            }
            _ => {}
        }
    }
    if images_linked {
        // an image without alt text still needs words to click
        let mut i = 1;
        while i < out.len() {
            if let (Event::Start(Tag::Link { dest_url, .. }), Event::End(TagEnd::Link)) = (&out[i - 1], &out[i]) {
                let text = format!("image: {dest_url}");
                out.insert(i, Event::Text(text.into()));
            }
            i += 1;
        }
    }
    // Without raw HTML, pulldown-cmark's own output is safe once link and
    // image targets are: it escapes all text and attributes. Only bodies
    // with raw HTML need the (much slower) HTML sanitizer.
    let mut raw_html = out.iter().any(|e| matches!(e, Event::Html(_) | Event::InlineHtml(_)));
    if raw_html && !trust_html && html_depth(self::raw_html(&out)) > MAX_HTML_DEPTH {
        // too deep to sanitize in reasonable time: shown as text (W014)
        for e in out.iter_mut() {
            if let Event::Html(h) | Event::InlineHtml(h) = e {
                *e = Event::Text(std::mem::replace(h, CowStr::Borrowed("")));
            }
        }
        raw_html = false;
    }
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

/// Bare `http://` and `https://` URLs in text (not in code, links or
/// images) become links to themselves, as readers of a postmortem expect
/// of a pasted dashboard or ticket URL; pulldown-cmark links only those
/// written in `<…>`.
fn autolink(events: Vec<Event>) -> Vec<Event> {
    let mut out = Vec::with_capacity(events.len());
    // how deep inside links, images and code blocks the walk is
    let mut inside = 0usize;
    let mut events = events.into_iter().peekable();
    while let Some(e) = events.next() {
        match e {
            Event::Start(Tag::Link { .. } | Tag::Image { .. } | Tag::CodeBlock(_)) => inside += 1,
            Event::End(TagEnd::Link | TagEnd::Image | TagEnd::CodeBlock) => inside = inside.saturating_sub(1),
            Event::Text(first) if inside == 0 => {
                // the parser cuts a run of text in several events (at `_`,
                // `*`, `[`…): a URL may span them
                let mut run = vec![first];
                while let Some(Event::Text(_)) = events.peek() {
                    if let Some(Event::Text(t)) = events.next() {
                        run.push(t);
                    }
                }
                if run.iter().any(|t| t.contains("://")) {
                    split_urls(&run.concat(), &mut out);
                } else {
                    out.extend(run.into_iter().map(Event::Text));
                }
                continue;
            }
            _ => {}
        }
        out.push(e);
    }
    out
}

/// `text` as text and links to the bare URLs in it.
fn split_urls(text: &str, out: &mut Vec<Event<'_>>) {
    let lower = text.to_ascii_lowercase();
    let mut done = 0;
    while let Some((start, end)) = bare_url(text, &lower, done) {
        if start > done {
            out.push(Event::Text(CowStr::from(text[done..start].to_string())));
        }
        let url = CowStr::from(text[start..end].to_string());
        out.push(Event::Start(Tag::Link {
            link_type: LinkType::Autolink,
            dest_url: url.clone(),
            title: CowStr::Borrowed(""),
            id: CowStr::Borrowed(""),
        }));
        out.push(Event::Text(url));
        out.push(Event::End(TagEnd::Link));
        done = end;
    }
    if done < text.len() {
        out.push(Event::Text(CowStr::from(text[done..].to_string())));
    }
}

/// Where the first bare URL in `text` from byte `from` starts and ends:
/// `http://` or `https://` (any case; `lower` is `text` in lowercase) at a
/// word's start, up to white space, a quote, a backtick or an angle
/// bracket, without trailing punctuation or a closing bracket that has no
/// opening one in the URL. Linear in the text searched.
fn bare_url(text: &str, lower: &str, from: usize) -> Option<(usize, usize)> {
    let mut from = from;
    while let Some(at) = lower[from..].find("http").map(|i| from + i) {
        from = at + 4;
        let scheme_len = if lower[at..].starts_with("https://") {
            8
        } else if lower[at..].starts_with("http://") {
            7
        } else {
            continue;
        };
        if text[..at].chars().next_back().is_some_and(char::is_alphanumeric) {
            continue;
        }
        let len = text[at..]
            .find(|c: char| c.is_whitespace() || matches!(c, '<' | '>' | '"' | '`'))
            .unwrap_or(text.len() - at);
        let mut end = at + len;
        let url = &text[at..end];
        let count = |c: char| url.matches(c).count();
        let (mut parens, mut brackets) =
            (count(')') as isize - count('(') as isize, count(']') as isize - count('[') as isize);
        loop {
            match text[at..end].chars().next_back() {
                Some('.' | ',' | ':' | ';' | '!' | '?' | '\'' | '*' | '_') => end -= 1,
                Some(')') if parens > 0 => {
                    parens -= 1;
                    end -= 1;
                }
                Some(']') if brackets > 0 => {
                    brackets -= 1;
                    end -= 1;
                }
                _ => break,
            }
        }
        if end > at + scheme_len {
            return Some((at, end));
        }
        from = from.max(end);
    }
    None
}

/// The heading that starts at `out[i]` one level down, without classes
/// or attributes, with an id: the one given, when it is free, else one
/// made from its text.
fn heading(out: &mut [Event], i: usize, seen: &mut Ids) {
    let Event::Start(Tag::Heading { level, id, classes, attrs }) = &mut out[i] else { return };
    let level = shift(*level);
    classes.clear();
    attrs.clear();
    let id = match id.take().and_then(|g| given_anchor(&g, seen)) {
        Some(given) => given,
        None => {
            let mut text = String::new();
            for e in out[i + 1..].iter().take_while(|e| !matches!(e, Event::End(TagEnd::Heading(_)))) {
                if let Event::Text(t) | Event::Code(t) = e {
                    text.push_str(t);
                }
            }
            anchor(&text, seen)
        }
    };
    if let Event::Start(Tag::Heading { level: l, id: slot, .. }) = &mut out[i] {
        *l = level;
        *slot = Some(CowStr::from(id));
    }
}

/// The image that starts at `out[i]` as a link to it: its alt text
/// becomes the link's text, its end the link's.
fn image_as_link(out: &mut [Event], i: usize) {
    let Event::Start(Tag::Image { dest_url, title, .. }) = &out[i] else { return };
    let (dest_url, title) = (dest_url.clone(), title.clone());
    out[i] = Event::Start(Tag::Link { link_type: LinkType::Inline, dest_url, title, id: CowStr::Borrowed("") });
    let mut depth = 0usize;
    for e in out[i + 1..].iter_mut() {
        match e {
            Event::Start(Tag::Image { .. }) => depth += 1,
            Event::End(TagEnd::Image) if depth == 0 => {
                *e = Event::End(TagEnd::Link);
                break;
            }
            Event::End(TagEnd::Image) => depth -= 1,
            _ => {}
        }
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
    fn bare_urls_in_text_become_links_but_not_in_code_or_links() {
        let h = render("See https://status.example.com/incidents/42. And (http://x.io/a_(b)) too", false);
        assert!(
            h.contains(
                "<a href=\"https://status.example.com/incidents/42\">https://status.example.com/incidents/42</a>."
            ),
            "{h}"
        );
        assert!(h.contains("(<a href=\"http://x.io/a_(b)\">http://x.io/a_(b)</a>)"), "{h}");
        let h = render("`https://in.code/x` and [named](https://a.b/) and\n\n    https://indented.code/\n", false);
        assert_eq!(h.matches("<a ").count(), 1, "{h}");
        // words that only contain the scheme are text
        let url = |t: &str| bare_url(t, &t.to_ascii_lowercase(), 0);
        assert_eq!(url("xhttps://a.b"), None);
        assert_eq!(url("https:// x"), None);
        assert_eq!(url("say https://a.b/c, then"), Some((4, 17)));
        // a quote ends a URL: it cannot break out of the attribute
        let h = render("https://a.b/\"onmouseover=\"alert(1)", false);
        assert!(h.contains("<a href=\"https://a.b/\">https://a.b/</a>\"onmouseover"), "{h}");
        // hostile: many URLs, many brackets, many schemes; nothing
        // quadratic, nothing lost
        let start = std::time::Instant::now();
        for hostile in
            ["http://a ".repeat(50_000), format!("http://a{}", ")".repeat(200_000)), "http://".repeat(50_000)]
        {
            let h = render(&(hostile.clone() + " https://ok.example/"), false);
            assert!(
                h.ends_with("<a href=\"https://ok.example/\">https://ok.example/</a></p>\n"),
                "{}",
                &h[h.len() - 100..]
            );
        }
        assert!(start.elapsed().as_secs() < 5, "{:?}", start.elapsed());
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

    #[test]
    fn heading_attributes_never_reach_the_page_and_ids_stay_clear_of_the_theme() {
        for md in [
            "# Title {onfocus=alert(1) tabindex=1 autofocus}",
            "# Title {#r-main .r-banner onclick=alert(1)}",
            "# Title {#ok style=color:red data-x=1}",
            "# Title {#\"><script>x</script> }",
        ] {
            for body in [md.to_string(), format!("{md}\n\n<em>raw</em>")] {
                let h = render(&body, false);
                let lower = h.to_lowercase();
                for bad in ["onfocus", "onclick", "tabindex", "autofocus", "class=", "style=", "data-x", "<script"] {
                    assert!(!lower.contains(bad), "{bad} in {h}");
                }
                assert!(!h.contains("id=\"r-"), "a theme id in {h}");
            }
        }
        assert!(render("# Title {#ok}", false).contains("<h2 id=\"ok\">"));
        assert!(render("# Title {#r-main}", false).contains("<h2 id=\"h-r-main\">"));
        assert!(render("# R Main", false).contains("<h2 id=\"h-r-main\">"), "made from the text too");
        let h = render("# R\n\n# R\n\n# A-1\n\n# A\n\n# A", false);
        for id in ["\"r\"", "\"h-r-1\"", "\"a-1\"", "\"a\"", "\"a-2\""] {
            assert_eq!(h.matches(&format!("id={id}")).count(), 1, "{id} once in {h}");
        }
        assert!(render("x[^r-q]\n\n[^r-q]: note", false).contains("id=\"h-r-q\""), "footnote ids");
        let raw = render("<h2 id=\"r-body\">x</h2><div id=\"R-main\">y</div>", false);
        assert!(raw.contains("id=\"h-r-body\"") && raw.contains("id=\"h-R-main\""), "{raw}");
    }

    #[test]
    fn raw_html_nested_too_deep_is_shown_as_text_in_linear_time() {
        let deep = "<div>".repeat(200_000) + "x" + &"</div>".repeat(200_000);
        assert!(html_too_deep(&deep));
        let started = std::time::Instant::now();
        let h = render(&deep, false);
        assert!(started.elapsed() < std::time::Duration::from_secs(5), "{:?}", started.elapsed());
        assert!(!h.contains("<div>") && h.contains("&lt;div&gt;"), "shown as text");
        // depth, not length: many shallow tags are sanitized as usual
        let wide = "<b>x</b> ".repeat(5_000);
        assert!(!html_too_deep(&wide));
        assert!(render(&wide, false).contains("<b>x</b>"));
        let just = "<div>".repeat(MAX_HTML_DEPTH) + &"</div>".repeat(MAX_HTML_DEPTH);
        assert!(!html_too_deep(&just) && render(&just, false).contains("<div><div>"));
        assert!(html_too_deep(&format!("<p>{just}</p>")));
        // void and self-closing tags never nest
        assert!(!html_too_deep(&"<br><img src=a.png><hr/>".repeat(1_000)));
    }

    #[test]
    fn images_from_other_hosts_become_links_and_inputs_inert_checkboxes() {
        for (md, shown) in [
            ("![graph](https://evil.example/x.png)", "<a href=\"https://evil.example/x.png\">graph</a>"),
            ("![](//evil.example/x.png)", ">image: //evil.example/x.png</a>"),
            ("![a *b*](HTTP://evil.example/y.png \"t\")", "title=\"t\">a <em>b</em></a>"),
        ] {
            let h = render(md, false);
            assert!(!h.contains("<img"), "{h}");
            assert!(h.contains(shown), "{h}");
        }
        assert!(render("![local](../img/x.png)", false).contains("<img src=\"../img/x.png\""));
        let h = render("<img src=\"https://evil.example/p.gif\" alt=\"p\"> <img src=\"/\\evil.example/q\">", false);
        assert!(!h.contains("evil.example"), "{h}");
        let h = render("<input type=\"text\" name=\"password\" value=\"x\" autofocus onfocus=\"x()\">", false);
        assert!(h.contains("<input type=\"checkbox\" disabled=\"\">"), "{h}");
        assert!(!h.contains("password") && !h.contains("onfocus") && !h.contains("value"), "{h}");
        // trusted sites keep their own images
        assert!(render("<img src=\"https://cdn.example/x.png\">", true).contains("https://cdn.example/x.png"));
    }

    /// Every tag of `html` with its attribute names.
    fn attribute_names(html: &str) -> Vec<(String, Vec<String>)> {
        let mut out = Vec::new();
        let mut rest = html;
        while let Some(i) = rest.find('<') {
            rest = &rest[i + 1..];
            let Some(end) = rest.find('>') else { break };
            let tag = &rest[..end];
            if tag.starts_with('/') || tag.starts_with('!') {
                continue;
            }
            let mut parts = tag.split_whitespace();
            let name = parts.next().unwrap_or_default().trim_end_matches('/').to_string();
            // attribute values are quoted and escaped: names are what
            // stands before `=` or alone outside quotes
            let mut names = Vec::new();
            let mut in_quote = false;
            let mut word = String::new();
            for c in tag[name.len()..].chars() {
                match c {
                    '"' => in_quote = !in_quote,
                    c if in_quote => {
                        let _ = c;
                    }
                    '=' | ' ' | '/' => {
                        if !word.is_empty() {
                            names.push(std::mem::take(&mut word));
                        }
                    }
                    c => word.push(c),
                }
            }
            if !word.is_empty() {
                names.push(word);
            }
            out.push((name, names));
        }
        out
    }

    fn fragment() -> impl proptest::strategy::Strategy<Value = String> {
        use proptest::strategy::Strategy;
        proptest::sample::select(vec![
            "# Head {onclick=x() #r-main .c}",
            "## Two {#r-q tabindex=1 autofocus onfocus=alert(1)}",
            "### {#id}",
            "# R- main",
            "x[^r-main] y[^1]",
            "[^r-main]: note",
            "[^1]: one",
            "![alt](https://evil.example/a.png)",
            "![](//evil.example/b.png)",
            "![ok](img/c.png)",
            "[link](javascript:alert(1))",
            "[l](https://ok.example/)",
            "- [x] done",
            "| a | b |\n|:--|--:|\n| 1 | 2 |",
            "<em onmouseover=x()>e</em>",
            "<input type=text autofocus onfocus=x()>",
            "<img src=https://evil.example/i.png onerror=x()>",
            "`code {#r-x}`",
            "plain text",
            "",
        ])
        .prop_map(String::from)
    }

    proptest::proptest! {
        #[test]
        fn generated_bodies_are_equally_safe_on_the_fast_path_and_through_the_sanitizer(
            parts in proptest::collection::vec((fragment(), 0..3usize), 1..8)
        ) {
            let mut md = String::new();
            for (p, sep) in &parts {
                md.push_str(p);
                md.push_str(["\n\n", "\n", " "][*sep]);
            }
            let allowed = ["href", "src", "alt", "title", "id", "type", "checked", "disabled", "rel", "style", "class",
                "start", "align"];
            for html in [render(&md, false), render(&format!("{md}\n\n<b>raw</b>"), false)] {
                for (tag, names) in attribute_names(&html) {
                    for n in &names {
                        proptest::prop_assert!(allowed.contains(&n.as_str()), "<{tag} {n}> in {html}");
                        proptest::prop_assert!(n != "class" || tag == "div" || tag == "sup" || tag == "li",
                            "class on <{tag}> in {html}");
                    }
                    proptest::prop_assert!(tag != "script");
                }
                proptest::prop_assert!(!html.contains("id=\"r-"), "a theme id in {html}");
                proptest::prop_assert!(!html.contains("src=\"https://") && !html.contains("src=\"//"), "{html}");
                let lower = html.to_lowercase();
                proptest::prop_assert!(!lower.contains("=\"javascript:"), "{html}");
            }
        }
    }
}
