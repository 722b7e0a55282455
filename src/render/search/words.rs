//! The words of the search index, read as the search box reads a query:
//! lowercase, a short form as its long one (`cert` is `certificate`, the
//! fact stated once in [`SAME`]), common English words left out, the rest
//! stemmed (Snowball English, as the similar incidents are). An id such as
//! `PAY-201` is also one word of its own, so that it is found exactly.

use crate::render::similar::{FxMap, SAME};
use rust_stemmers::{Algorithm, Stemmer};

/// Words too common to find anything by. The search box leaves them out
/// of a query too (the list is in the index's root file).
pub(crate) const STOP: &[&str] = &[
    "a", "about", "after", "all", "also", "an", "and", "any", "are", "as", "at", "be", "been", "before", "but", "by",
    "can", "could", "did", "do", "does", "for", "from", "had", "has", "have", "he", "her", "his", "how", "i", "if",
    "in", "into", "is", "it", "its", "may", "more", "most", "no", "not", "of", "on", "only", "or", "other", "our",
    "out", "over", "she", "should", "so", "some", "such", "than", "that", "the", "their", "them", "then", "there",
    "these", "they", "this", "those", "to", "too", "up", "us", "was", "we", "were", "what", "when", "where", "which",
    "while", "who", "why", "will", "with", "would", "you", "your",
];

/// Reads words into terms, each distinct word stemmed once, each term
/// numbered in the order first met.
pub(crate) struct Words {
    stemmer: Stemmer,
    /// Each word met and its term's number (`None`: a stop word).
    seen: FxMap<String, Option<u32>>,
    /// The same for the words of 2 to 16 ASCII letters and digits (most
    /// words), lowercase, by [`sixteen`]: found without hashing and
    /// comparing text.
    short: FxMap<u128, Option<u32>>,
    /// The terms by number.
    pub(crate) terms: Vec<String>,
    numbers: FxMap<String, u32>,
    buf: String,
}

impl Words {
    pub(crate) fn new() -> Words {
        Words {
            stemmer: Stemmer::create(Algorithm::English),
            seen: FxMap::default(),
            short: FxMap::default(),
            terms: Vec::new(),
            numbers: FxMap::default(),
            buf: String::new(),
        }
    }

    /// Adds to `out` the term number of each word of `text` that is a
    /// term, in order. Most words are short runs of ASCII letters and
    /// digits, looked up as one number; the others are lowercased, split
    /// at `-` and `_`, or taken apart by Unicode's classes.
    pub(crate) fn each(&mut self, text: &str, out: &mut Vec<u32>) {
        for (start, end) in crate::runs::Runs::new(text.as_bytes(), &WORD_BYTE) {
            if let Some(n) = self.plain(text, start, end, out) {
                out.push(n);
            }
        }
    }

    /// The term of the word at bytes `start..end` of `text` (both ends at
    /// ASCII bytes or the text's ends: character boundaries) when it is a
    /// word of ASCII letters and digits (most words); the terms of any
    /// other word are added to `out`.
    #[inline(always)]
    fn plain(&mut self, text: &str, start: usize, end: usize, out: &mut Vec<u32>) -> Option<u32> {
        let len = end - start;
        // a word of one byte is a letter or a digit, or a joiner alone
        if len < 2 {
            return None;
        }
        let token = || &text[start..end];
        if len > 16 {
            let token = token();
            if token.bytes().all(|c| c.is_ascii_alphanumeric()) {
                return self.word(token, false);
            }
            self.whole(token, out);
            return None;
        }
        let raw = sixteen(text.as_bytes(), start, len);
        if !is_alphanumeric(raw) {
            self.whole(token(), out);
            return None;
        }
        // 0x20 set in each byte lowercases a letter and leaves a digit
        let key = raw | LOWER[len];
        if let Some(&n) = self.short.get(&key) {
            return n;
        }
        let n = self.word(token(), false);
        self.short.insert(key, n);
        n
    }

    /// The terms of a word with `-`, `_` or characters past ASCII.
    fn whole(&mut self, token: &str, out: &mut Vec<u32>) {
        if token.is_ascii() {
            self.token(token, out);
        } else {
            for t in token.split(|c: char| !(c.is_alphanumeric() || c == '-' || c == '_')) {
                self.token(t, out);
            }
        }
    }

    fn token(&mut self, token: &str, out: &mut Vec<u32>) {
        let token = token.trim_matches(|c| c == '-' || c == '_');
        if token.len() < 2 {
            return;
        }
        // `PAY-201`, `INC_42`: an id, found whole, and its parts
        if token.contains(['-', '_']) {
            if is_id(token) {
                if let Some(n) = self.word(token, true) {
                    out.push(n);
                }
            }
            for part in token.split(['-', '_']) {
                if let Some(n) = self.plain(part, 0, part.len(), out) {
                    out.push(n);
                }
            }
        } else if let Some(n) = self.word(token, false) {
            out.push(n);
        }
    }

    /// The number of the term of `token`, if it is one; `whole`: kept as
    /// written (an id), not stemmed.
    fn word(&mut self, token: &str, whole: bool) -> Option<u32> {
        self.buf.clear();
        if token.is_ascii() {
            self.buf.push_str(token);
            self.buf.make_ascii_lowercase();
        } else {
            self.buf.extend(token.chars().flat_map(char::to_lowercase));
        }
        if let Some(&n) = self.seen.get(self.buf.as_str()) {
            return n;
        }
        let word = self.buf.clone();
        let term = if whole { Some(word.clone()) } else { self.term(&word) };
        let n = term.map(|t| match self.numbers.get(&t) {
            Some(&n) => n,
            None => {
                let n = self.terms.len() as u32;
                self.numbers.insert(t.clone(), n);
                self.terms.push(t);
                n
            }
        });
        self.seen.insert(word, n);
        n
    }

    /// The terms met and the word forms that are not their own term (what
    /// an index keeps of a reading: the tables that made them are let go).
    pub(crate) fn finish(self) -> Vocabulary {
        let terms = self.terms;
        let forms =
            self.seen.into_iter().filter_map(|(w, n)| n.filter(|&n| terms[n as usize] != w).map(|n| (w, n))).collect();
        Vocabulary { terms, forms }
    }

    /// The term of a lowercase word.
    pub(crate) fn term(&self, word: &str) -> Option<String> {
        if word.chars().count() < 2 || STOP.contains(&word) {
            return None;
        }
        let long = SAME.iter().find(|(short, _)| *short == word).map_or(word, |(_, long)| long);
        if long.bytes().all(|b| b.is_ascii_digit()) {
            return Some(long.to_string());
        }
        Some(self.stemmer.stem(long).into_owned())
    }
}

/// The terms of a reading by number, and each word met that is not its
/// own term with its term's number: the forms the search box looks up
/// (`expired`: `expir`).
pub(crate) struct Vocabulary {
    pub(crate) terms: Vec<String>,
    pub(crate) forms: Vec<(String, u32)>,
}

/// The bytes of words: ASCII letters and digits, `-`, `_`, and the bytes
/// of characters past ASCII.
static WORD_BYTE: [bool; 256] = crate::runs::word_bytes(b"-_");

/// The `len` (1 to 16) bytes of `text` from `start` as one number, the
/// bytes past them zero.
fn sixteen(text: &[u8], start: usize, len: usize) -> u128 {
    let mut word = [0u8; 16];
    match text.get(start..start + 16) {
        Some(sixteen) => word.copy_from_slice(sixteen),
        None => word[..len].copy_from_slice(&text[start..start + len]),
    }
    u128::from_le_bytes(word) & MASK[len]
}

/// The bits of the first `len` bytes of a [`sixteen`] number, by `len`.
static MASK: [u128; 17] = {
    let mut t = [0; 17];
    let mut len = 1;
    while len <= 16 {
        t[len] = u128::MAX >> (8 * (16 - len));
        len += 1;
    }
    t
};

/// 0x20 in each of the first `len` bytes, by `len`: set, it lowercases a
/// letter and leaves a digit.
static LOWER: [u128; 17] = {
    let mut t = [0; 17];
    let mut len = 0;
    while len <= 16 {
        t[len] = (ONES * 0x20) & MASK[len];
        len += 1;
    }
    t
};

/// A byte of 1 in each place of a [`sixteen`] number.
const ONES: u128 = u128::MAX / 255;

/// Whether the bytes of a word read by [`sixteen`] are ASCII letters and
/// digits: none past ASCII, none `-` or `_` (its other bytes are word
/// bytes, and its zero bytes neither).
fn is_alphanumeric(word: u128) -> bool {
    const HIGH: u128 = ONES * 0x80;
    let has_zero = |v: u128| v.wrapping_sub(ONES) & !v & HIGH != 0;
    word & HIGH == 0 && !has_zero(word ^ (ONES * u128::from(b'-'))) && !has_zero(word ^ (ONES * u128::from(b'_')))
}

/// Whether a token with `-` or `_` is an id: letters and digits on both
/// sides of each separator, with a digit somewhere (`PAY-201`,
/// `2024-03-14-checkout`; not `follow-up`).
fn is_id(token: &str) -> bool {
    token.bytes().any(|b| b.is_ascii_digit()) && token.split(['-', '_']).all(|p| !p.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn terms(text: &str) -> Vec<(String, String)> {
        let mut w = Words::new();
        let mut numbers = Vec::new();
        w.each(text, &mut numbers);
        let v = w.finish();
        let forms: FxMap<u32, Vec<&str>> = v.forms.iter().fold(FxMap::default(), |mut m, (f, n)| {
            m.entry(*n).or_default().push(f.as_str());
            m
        });
        numbers
            .iter()
            .map(|&n| {
                let term = v.terms[n as usize].clone();
                let form = forms.get(&n).and_then(|f| f.first()).map_or(term.clone(), |f| f.to_string());
                (form, term)
            })
            .collect()
    }

    #[test]
    fn words_are_stemmed_short_forms_widened_and_ids_kept_whole() {
        let t = terms("The certs EXPIRED; see PAY-201 and a follow-up.");
        let pairs: Vec<(&str, &str)> = t.iter().map(|(w, t)| (w.as_str(), t.as_str())).collect();
        assert_eq!(
            pairs,
            [
                ("certs", "certif"),
                ("expired", "expir"),
                ("see", "see"),
                ("pay-201", "pay-201"),
                ("pay", "pay"),
                ("201", "201"),
                ("follow", "follow"),
            ]
        );
        assert_eq!(terms("expiry")[0].1, "expir", "a short form counts as its long one");
        let joined: Vec<String> = terms("a--b roll--back x__y -- __").into_iter().map(|t| t.1).collect();
        assert_eq!(joined, ["roll", "back"], "empty and one-letter parts are no words");
        let long: Vec<String> =
            terms("Reconfiguration RECONFIGURATIONS reconfigurationsabc").into_iter().map(|t| t.1).collect();
        assert_eq!(long[0], long[1], "words past 8 and 16 letters read as the shorter ones: {long:?}");
        assert_ne!(long[1], long[2]);
        assert_eq!(terms("failovers")[0].1, terms("failover")[0].1);
    }
}
