//! Small text helpers shared by the parsers: positions, slugs, suggestions.

/// 1-based (line, column in characters) of byte offset `byte` in `text`.
pub fn line_col(text: &str, byte: usize) -> (usize, usize) {
    let byte = floor_char_boundary(text, byte.min(text.len()));
    let before = &text[..byte];
    let line = before.bytes().filter(|&b| b == b'\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let column = before[line_start..].chars().count() + 1;
    (line, column)
}

fn floor_char_boundary(text: &str, mut i: usize) -> usize {
    while i > 0 && !text.is_char_boundary(i) {
        i -= 1;
    }
    i
}

/// A safe id: `[a-z0-9][a-z0-9._-]*` without `..` (FORMAT.md section 3).
pub fn is_safe_slug(s: &str) -> bool {
    let mut bytes = s.bytes();
    match bytes.next() {
        Some(b) if b.is_ascii_lowercase() || b.is_ascii_digit() => {}
        _ => return false,
    }
    s.len() <= 200
        && bytes.all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || matches!(b, b'.' | b'_' | b'-'))
        && !s.contains("..")
}

/// Turns any text into a safe slug: ASCII letters and digits kept and
/// lowercased, everything else collapsed into single `-`. Letters with
/// accents lose them where Unicode decomposes simply (é → e); other
/// characters become separators. Never empty: falls back to `untitled`.
pub fn slugify(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut dash = false;
    for c in s.chars() {
        let c = fold_accent(c).to_ascii_lowercase();
        if c.is_ascii_alphanumeric() {
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
pub fn is_unprintable(c: char) -> bool {
    (c.is_control() && c != '\t' && c != '\n' && c != '\r') || matches!(c, '\u{2028}' | '\u{2029}')
}

/// `s` with every [`is_unprintable`] character shown as a visible one, one
/// character for one so that columns still point at them: C0 controls and
/// DEL as their Unicode control pictures (ESC as ␛), others as U+FFFD.
pub fn visible(s: &str) -> std::borrow::Cow<'_, str> {
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
pub fn closest<'a>(word: &str, candidates: &[&'a str]) -> Option<&'a str> {
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
    fn safe_slugs_are_lowercase_ascii_without_dotdot() {
        assert!(is_safe_slug("2024-03-14-checkout-500s"));
        assert!(is_safe_slug("a.b_c-d"));
        for bad in ["", "../../x", "a..b", "-a", ".a", "A", "a/b", "a b", "ä"] {
            assert!(!is_safe_slug(bad), "{bad}");
        }
    }

    #[test]
    fn slugify_makes_safe_slugs_from_titles_and_file_names() {
        assert_eq!(slugify("Checkout returned 500s"), "checkout-returned-500s");
        assert_eq!(slugify("  Störung im Zahlungsverkehr! "), "storung-im-zahlungsverkehr");
        assert_eq!(slugify("日本"), "untitled");
        assert!(is_safe_slug(&slugify("../../etc/passwd")));
    }

    #[test]
    fn closest_suggests_typos_only() {
        let keys = ["severity", "status", "summary", "area"];
        assert_eq!(closest("sevrity", &keys), Some("severity"));
        assert_eq!(closest("Severity", &keys), Some("severity"));
        assert_eq!(closest("owner", &keys), None);
    }
}
