//! The Atom feed of final postmortems and the sitemap.

use crate::config::Config;
use crate::model::{Postmortem, Status};
use crate::routes::Route;
use serde::Serialize;

/// Escapes text for XML and HTML content and quoted attribute values;
/// drops characters XML 1.0 does not allow.
pub fn xml_escape(s: &str) -> String {
    let mut out = Vec::with_capacity(s.len() + 16);
    // writing into a Vec cannot fail
    let _ = write_xml_escaped(s, &mut out);
    // only whole UTF-8 sequences and ASCII replacements are written
    String::from_utf8(out).unwrap_or_default()
}

/// [`xml_escape`] into a writer: Tera's escape function. Jumps from one
/// byte that needs a look to the next, copying the plain runs between
/// them whole: most text has few or none.
pub(crate) fn write_xml_escaped(s: &str, out: &mut dyn std::io::Write) -> std::io::Result<()> {
    // bytes that need a look: markup, control characters, and 0xEF (the
    // lead byte of U+FFFE and U+FFFF)
    const NEEDS: [bool; 256] = {
        let mut t = [false; 256];
        let mut b = 0;
        while b < 0x20 {
            t[b] = !matches!(b, 0x09 | 0x0a | 0x0d);
            b += 1;
        }
        t[b'&' as usize] = true;
        t[b'<' as usize] = true;
        t[b'>' as usize] = true;
        t[b'"' as usize] = true;
        t[b'\'' as usize] = true;
        t[0xef] = true;
        t
    };
    let b = s.as_bytes();
    let (mut plain, mut from) = (0, 0);
    while let Some(k) = crate::runs::first(&b[from..], &NEEDS) {
        let at = from + k;
        let (rep, len): (&[u8], usize) = match b[at] {
            b'&' => (b"&amp;", 1),
            b'<' => (b"&lt;", 1),
            b'>' => (b"&gt;", 1),
            b'"' => (b"&quot;", 1),
            b'\'' => (b"&apos;", 1),
            // U+FFFE and U+FFFF: EF BF BE, EF BF BF
            0xef if matches!(b.get(at + 1..at + 3), Some([0xbf, 0xbe | 0xbf])) => (b"", 3),
            0xef => {
                from = at + 1;
                continue;
            }
            // a control character XML does not allow
            _ => (b"", 1),
        };
        out.write_all(&b[plain..at])?;
        out.write_all(rep)?;
        (plain, from) = (at + len, at + len);
    }
    out.write_all(&b[plain..])
}

/// What the feed template (`feed.xml`) shows.
#[derive(Serialize)]
pub(crate) struct Feed {
    title: String,
    base: String,
    /// The feed's own URL.
    url: String,
    /// The latest instant of its entries, whatever offsets they were
    /// written with.
    updated: String,
    entries: Vec<Entry>,
}

#[derive(Serialize)]
struct Entry {
    title: String,
    id: String,
    url: String,
    updated: String,
    published: Option<String>,
    /// `unknown` when the postmortem names none.
    authors: Vec<String>,
    /// Severity and area.
    categories: Vec<String>,
    summary: String,
}

/// The newest 50 final postmortems, newest first. Entry ids are tag URIs
/// built from the postmortem id, so they never change when the site moves.
pub(crate) fn feed(pms: &[Postmortem], cfg: &Config) -> Feed {
    let mut finals: Vec<&Postmortem> =
        pms.iter().filter(|p| p.status == Status::Final && p.timeline.started.is_some()).collect();
    finals.reverse();
    finals.truncate(50);
    let updated_at = |p: &Postmortem| {
        let t = &p.timeline;
        t.resolved.as_ref().or(t.mitigated.as_ref()).or(t.started.as_ref()).map(|s| s.at)
    };
    let updated = finals
        .iter()
        .filter_map(|p| updated_at(p))
        .max_by_key(|at| at.timestamp_micros())
        .map_or_else(|| "1970-01-01T00:00:00+00:00".into(), |at| at.to_rfc3339());
    let entries = finals
        .into_iter()
        .map(|p| {
            let mut authors: Vec<String> = p.authors.iter().filter(|a| !a.trim().is_empty()).cloned().collect();
            if authors.is_empty() {
                authors.push("unknown".into());
            }
            Entry {
                title: p.display_title().to_string(),
                id: p.id.clone(),
                url: cfg.url(&Route::Postmortem(p.id.clone()).link()),
                updated: updated_at(p).map(|at| at.to_rfc3339()).unwrap_or_default(),
                published: p.timeline.started.as_ref().map(|s| s.at.to_rfc3339()),
                authors,
                categories: p.severity.iter().chain(&p.area).cloned().collect(),
                summary: p.summary.as_deref().unwrap_or_default().trim().to_string(),
            }
        })
        .collect();
    Feed { title: cfg.title.clone(), base: cfg.base_url.clone(), url: cfg.url(&Route::Feed.link()), updated, entries }
}

/// The URL of every HTML page among `routes`, in the order of their files,
/// for the sitemap template (`sitemap.xml`). Search engines need absolute
/// URLs: set `base_url` to the full address for a sitemap they accept.
pub(crate) fn sitemap_urls(routes: &[Route], cfg: &Config) -> Vec<String> {
    let mut pages: Vec<(String, &Route)> = routes.iter().filter(|r| r.is_page()).map(|r| (r.path(), r)).collect();
    pages.sort_unstable();
    pages.into_iter().map(|(_, route)| cfg.url(&route.link())).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The escaping rules written plainly, char by char.
    fn oracle(s: &str) -> String {
        let mut out = String::new();
        for c in s.chars() {
            match c {
                '&' => out.push_str("&amp;"),
                '<' => out.push_str("&lt;"),
                '>' => out.push_str("&gt;"),
                '"' => out.push_str("&quot;"),
                '\'' => out.push_str("&apos;"),
                c if (c as u32) < 0x20 && !matches!(c, '\t' | '\n' | '\r') => {}
                '\u{fffe}' | '\u{ffff}' => {}
                c => out.push(c),
            }
        }
        out
    }

    #[test]
    fn xml_escape_agrees_with_the_plain_rules() {
        let pieces = [
            "a", "&", "<", ">", "\"", "'", "\u{1}", "\t", "\n", "\r", "\u{1f}", "é", "\u{fffe}", "\u{ffff}",
            "\u{fffd}", "\u{f000}", "\u{efff}", "\u{ff00}", "日本", "🙂", " ",
        ];
        // every sequence of up to three pieces
        for a in pieces {
            for b in pieces {
                for c in pieces {
                    let s = format!("{a}{b}{c}");
                    assert_eq!(xml_escape(&s), oracle(&s), "{s:?}");
                }
            }
        }
    }

    #[test]
    fn xml_escape_agrees_with_the_plain_rules_at_every_place_of_long_text() {
        // across and inside the blocks of eight bytes looked at together
        let pieces =
            ["&", "<", ">", "\"", "'", "\u{1}", "\t", "\n", "\u{fffe}", "\u{ffff}", "\u{fffd}", "\u{efff}", "é"];
        for fill in ["a", "é", "日"] {
            for piece in pieces {
                for at in 0..40 {
                    let s = format!("{}{piece}{}", fill.repeat(at), fill.repeat(40 - at));
                    assert_eq!(xml_escape(&s), oracle(&s), "{s:?}");
                }
            }
            assert_eq!(xml_escape(&fill.repeat(64)), fill.repeat(64));
        }
    }

    #[test]
    fn xml_escape_handles_markup_and_forbidden_characters() {
        assert_eq!(xml_escape("a<b>&\"c\"'\u{1}"), "a&lt;b&gt;&amp;&quot;c&quot;&apos;");
        assert_eq!(xml_escape("plain é text"), "plain é text");
        assert_eq!(xml_escape("é<\u{ffff}ü"), "é&lt;ü");
    }
}
