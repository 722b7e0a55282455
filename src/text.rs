//! Small text helpers shared by the parsers: positions, slugs, suggestions.

/// 1-based (line, column in characters) of byte offset `byte` in `text`.
pub(crate) fn line_col(text: &str, byte: usize) -> (usize, usize) {
    let byte = floor_char_boundary(text, byte.min(text.len()));
    let before = &text[..byte];
    let line = before.bytes().filter(|&b| b == b'\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let column = before[line_start..].chars().count() + 1;
    (line, column)
}

/// `text` up to about `bytes` bytes: whole when it is no longer, else cut
/// at the last white space before them, so that no word is cut in two
/// (at a character's start when there is none).
pub(crate) fn head(text: &str, bytes: usize) -> &str {
    if text.len() <= bytes {
        return text;
    }
    let cut = &text[..floor_char_boundary(text, bytes)];
    if text[cut.len()..].starts_with(char::is_whitespace) {
        return cut;
    }
    cut.rfind(char::is_whitespace).map_or(cut, |at| &cut[..at])
}

fn floor_char_boundary(text: &str, mut i: usize) -> usize {
    while i > 0 && !text.is_char_boundary(i) {
        i -= 1;
    }
    i
}

/// A character a slug is made of besides `.`, `_` and `-`: a lowercase
/// ASCII letter, a digit, or a letter of another script that is not
/// upper case (Cyrillic, Greek, CJK…).
fn is_slug_char(c: char) -> bool {
    c.is_ascii_lowercase() || c.is_ascii_digit() || (!c.is_ascii() && c.is_alphanumeric() && !c.is_uppercase())
}

/// A safe id: a slug character, then slug characters, `.`, `_` or `-`,
/// without `..`, at most 200 bytes (docs/format.md).
pub(crate) fn is_safe_slug(s: &str) -> bool {
    let mut chars = s.chars();
    match chars.next() {
        Some(c) if is_slug_char(c) => {}
        _ => return false,
    }
    s.len() <= 200 && chars.all(|c| is_slug_char(c) || matches!(c, '.' | '_' | '-')) && !s.contains("..")
}

/// Turns any text into a safe slug: letters and digits kept and
/// lowercased, of any script, everything else collapsed into single `-`.
/// Latin letters with accents lose them where Unicode decomposes simply
/// (é → e). Never empty: falls back to `untitled`.
pub(crate) fn slugify(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut dash = false;
    for c in s.chars().map(fold_accent).flat_map(char::to_lowercase) {
        if is_slug_char(c) {
            if dash && !out.is_empty() {
                out.push('-');
            }
            dash = false;
            out.push(c);
        } else {
            dash = true;
        }
        if out.len() >= 80 {
            break;
        }
    }
    if out.is_empty() {
        "untitled".to_string()
    } else {
        out
    }
}

/// The slug of an area or tag name, for its page. Names that differ only in
/// letter case, accents or spacing (`Payments`, `payments`) are one name
/// and share a slug; any other difference (`payments!`) gets a slug of its
/// own: the readable slug and a short hash of the name, so that distinct
/// names never merge into one page.
pub(crate) fn name_slug(name: &str) -> String {
    // a site has few names (areas, tags, owners, factors) and links each
    // many times: every action item's row links its owner and area
    thread_local! {
        static SLUGS: std::cell::RefCell<std::collections::HashMap<String, String, foldhash::fast::FixedState>> =
            Default::default();
    }
    SLUGS.with_borrow_mut(|slugs| {
        if let Some(slug) = slugs.get(name) {
            return slug.clone();
        }
        let slug = name_slug_of(name);
        // a bound, for a site whose every name differs
        if slugs.len() < 4096 {
            slugs.insert(name.to_string(), slug.clone());
        }
        slug
    })
}

fn name_slug_of(name: &str) -> String {
    let slug = slugify(name);
    let mut plain = String::with_capacity(name.len());
    for word in name.split_whitespace() {
        if !plain.is_empty() {
            plain.push('-');
        }
        plain.extend(word.chars().map(fold_accent).flat_map(char::to_lowercase));
    }
    if plain == slug {
        return slug;
    }
    // FNV-1a: stable across builds, platforms and versions
    let hash = plain.bytes().fold(0x811c_9dc5_u32, |h, b| (h ^ u32::from(b)).wrapping_mul(0x0100_0193));
    format!("{slug}-{:06x}", hash & 0x00ff_ffff)
}

/// `segment` as it may stand in a URL path: letters, digits and `-._~`
/// as they are, every other byte percent-encoded (`платежи` becomes
/// `%D0%BF%D0%BB…`), so that every tool reads the link alike.
pub(crate) fn url_segment(segment: &str) -> std::borrow::Cow<'_, str> {
    let keep = |b: u8| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~');
    if segment.bytes().all(keep) {
        return segment.into();
    }
    let mut out = String::with_capacity(segment.len() * 3);
    for b in segment.bytes() {
        if keep(b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out.into()
}

/// A URL path with its `%XX` escapes decoded; `None` when an escape is
/// not two hex digits or the bytes are not UTF-8.
pub(crate) fn percent_decode(s: &str) -> Option<String> {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' {
            let hex = b.get(i + 1..i + 3).filter(|h| h.iter().all(u8::is_ascii_hexdigit))?;
            out.push(u8::from_str_radix(std::str::from_utf8(hex).ok()?, 16).ok()?);
            i += 3;
        } else {
            out.push(b[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

/// [`url_segment`] of each segment of a `/`-separated path.
pub(crate) fn url_path(path: &str) -> String {
    path.split('/').map(url_segment).collect::<Vec<_>>().join("/")
}

/// The base letter of common Latin letters with diacritics.
fn fold_accent(c: char) -> char {
    match c {
        'à'..='å' | 'À'..='Å' => 'a',
        'ç' | 'Ç' => 'c',
        'è'..='ë' | 'È'..='Ë' => 'e',
        'ì'..='ï' | 'Ì'..='Ï' => 'i',
        'ñ' | 'Ñ' => 'n',
        'ò'..='ö' | 'ø' | 'Ò'..='Ö' | 'Ø' => 'o',
        'ù'..='ü' | 'Ù'..='Ü' => 'u',
        'ý' | 'ÿ' | 'Ý' => 'y',
        'ß' => 's',
        _ => c,
    }
}

/// A character that cannot be shown as itself in a terminal or a CI log:
/// C0 controls but tab, DEL and C1 controls. The line breaks `\n` and `\r`
/// are the caller's.
pub(crate) fn is_unprintable(c: char) -> bool {
    (c.is_control() && c != '\t' && c != '\n' && c != '\r') || matches!(c, '\u{2028}' | '\u{2029}')
}

/// `s` with every [`is_unprintable`] character shown as a visible one, one
/// character for one so that columns still point at them: C0 controls and
/// DEL as their Unicode control pictures (ESC as ␛), others as U+FFFD.
pub(crate) fn visible(s: &str) -> std::borrow::Cow<'_, str> {
    if !s.chars().any(is_unprintable) {
        return s.into();
    }
    s.chars()
        .map(|c| match c {
            c if !is_unprintable(c) => c,
            '\u{0}'..='\u{1f}' => char::from_u32(0x2400 + c as u32).unwrap_or('\u{fffd}'),
            '\u{7f}' => '\u{2421}',
            _ => '\u{fffd}',
        })
        .collect::<String>()
        .into()
}

/// The candidate closest to `word` by edit distance, if it is close enough
/// to be a plausible typo.
pub(crate) fn closest<'a>(word: &str, candidates: &[&'a str]) -> Option<&'a str> {
    let word = word.to_lowercase();
    candidates
        .iter()
        .map(|c| (strsim::damerau_levenshtein(&word, &c.to_lowercase()), *c))
        .filter(|(d, c)| *d <= (c.len() / 3).max(1) + usize::from(c.len() > 6))
        .min_by_key(|(d, c)| (*d, *c))
        .map(|(_, c)| c)
}

/// The scheme of a link target as a browser reads it — whitespace and
/// control characters skipped, ASCII letters lowercased — or `None` for a
/// relative target (no `:` before the first `/`, `?` or `#`).
pub fn url_scheme(url: &str) -> Option<String> {
    let mut scheme = String::new();
    for c in url.chars().filter(|c| !c.is_whitespace() && !c.is_control()) {
        match c {
            ':' => return Some(scheme),
            '/' | '?' | '#' => return None,
            c => scheme.push(c.to_ascii_lowercase()),
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn url_schemes_are_read_as_browsers_read_them() {
        // the definition: clean, lowercase, then look for `:` before the path
        let by_definition = |url: &str| {
            let lower: String =
                url.chars().filter(|c| !c.is_whitespace() && !c.is_control()).collect::<String>().to_ascii_lowercase();
            let path_start = lower.find(['/', '?', '#']).unwrap_or(lower.len());
            lower.find(':').filter(|&i| i < path_start).map(|i| lower[..i].to_string())
        };
        for url in [
            "https://x.example/",
            "HTTPS://x",
            " Java\tScRiPt:alert(1)",
            "java\u{0}script:x",
            "mailto:a@b",
            "/relative:x",
            "../a",
            "#frag:x",
            "?q=a:b",
            "no-scheme",
            "",
            ":",
            "é:x",
            "data:text/html,x",
            "a b:c",
        ] {
            assert_eq!(url_scheme(url), by_definition(url), "{url:?}");
        }
    }

    #[test]
    fn line_col_counts_lines_and_characters() {
        let t = "ab\ncdé\nfg";
        assert_eq!(line_col(t, 0), (1, 1));
        assert_eq!(line_col(t, 3), (2, 1));
        assert_eq!(line_col(t, 7), (2, 4)); // after the two-byte é
        assert_eq!(line_col(t, 999), (3, 3));
        assert_eq!(line_col(t, 6), (2, 3)); // inside é: the character's start
    }

    #[test]
    fn safe_slugs_are_lowercase_letters_and_digits_without_dotdot() {
        assert!(is_safe_slug("2024-03-14-checkout-500s"));
        assert!(is_safe_slug("a.b_c-d"));
        assert!(is_safe_slug("2026-12-02-платежи") && is_safe_slug("決済"));
        for bad in ["", "../../x", "a..b", "-a", ".a", "A", "a/b", "a b", "Ä", "a\u{300}", "a%2f", "a\\b"] {
            assert!(!is_safe_slug(bad), "{bad}");
        }
    }

    #[test]
    fn name_slugs_keep_every_script_and_never_merge_distinct_names() {
        let names = ["Платежи", "Поиск", "決済", "payments", "Payments", "payments!", "Payments ", "Zahlungs Verkehr"];
        let slugs: Vec<String> = names.iter().map(|n| name_slug(n)).collect();
        assert_eq!(slugs[0], "платежи");
        assert_eq!(slugs[2], "決済");
        assert_eq!((slugs[3].as_str(), slugs[4].as_str(), slugs[6].as_str()), ("payments", "payments", "payments"));
        assert!(slugs[5].starts_with("payments-") && slugs[5].len() == "payments-".len() + 6, "{}", slugs[5]);
        assert_eq!(slugs[7], "zahlungs-verkehr");
        let mut distinct = slugs.clone();
        distinct.sort();
        distinct.dedup();
        assert_eq!(distinct.len(), 6, "only case and spacing variants share: {slugs:?}");
        assert_eq!(url_segment("платежи"), "%D0%BF%D0%BB%D0%B0%D1%82%D0%B5%D0%B6%D0%B8");
        assert_eq!(url_segment("a-b_c.d~e"), "a-b_c.d~e");
        assert_eq!(url_path("areas/決済/"), "areas/%E6%B1%BA%E6%B8%88/");
        assert_eq!(percent_decode(&url_path("areas/決済/")).as_deref(), Some("areas/決済/"));
        assert_eq!(percent_decode("%+1"), None);
        assert_eq!(percent_decode("a%2"), None);
    }

    #[test]
    fn a_remembered_name_slug_is_the_one_made_afresh() {
        let names = ["Payments", "payments!", "Платежи", "a  b", ""];
        let first: Vec<String> = names.iter().map(|n| name_slug(n)).collect();
        // past the bound, names are no longer remembered but still slugged
        for k in 0..5000 {
            assert_eq!(name_slug(&format!("area {k}")), name_slug_of(&format!("area {k}")));
        }
        for (name, slug) in names.iter().zip(&first) {
            assert_eq!(&name_slug(name), slug);
            assert_eq!(&name_slug_of(name), slug);
        }
    }

    #[test]
    fn slugify_makes_safe_slugs_from_titles_and_file_names() {
        assert_eq!(slugify("Checkout returned 500s"), "checkout-returned-500s");
        assert_eq!(slugify("  Störung im Zahlungsverkehr! "), "storung-im-zahlungsverkehr");
        assert_eq!(slugify("日本"), "日本");
        assert_eq!(slugify("Платежи упали"), "платежи-упали");
        assert_eq!(slugify("!!!"), "untitled");
        assert!(is_safe_slug(&slugify("Платежи упали")) && is_safe_slug(&slugify("決済 障害")));
        assert!(!is_safe_slug("Платежи"), "upper case is not a slug");
        assert!(is_safe_slug(&slugify("../../etc/passwd")));
    }

    #[test]
    fn a_head_ends_between_words() {
        assert_eq!(head("the cert expired", 100), "the cert expired");
        assert_eq!(head("the cert expired", 12), "the cert");
        assert_eq!(head("the cert expired", 8), "the cert", "a word that ends at the cut stays");
        assert_eq!(head("déjà vu", 2), "d", "no white space: cut at a character");
    }

    #[test]
    fn closest_suggests_typos_only() {
        let keys = ["severity", "status", "summary", "area"];
        assert_eq!(closest("sevrity", &keys), Some("severity"));
        assert_eq!(closest("Severity", &keys), Some("severity"));
        assert_eq!(closest("owner", &keys), None);
    }
}
