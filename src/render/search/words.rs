//! The words of the search index, read as the search box reads a query:
//! lowercase, a short form as its long one (`cert` is `certificate`, the
//! fact stated once in [`SAME`]), common English words left out, the rest
//! stemmed (Snowball English, as the similar incidents are). An id such as
//! `PAY-201` is also one word of its own, so that it is found exactly.

use crate::render::similar::SAME;
use rust_stemmers::{Algorithm, Stemmer};
use std::collections::HashMap;

/// Words too common to find anything by. The search box leaves them out
/// of a query too (the list is in the index's root file).
pub(crate) const STOP: &[&str] = &[
    "a", "about", "after", "all", "also", "an", "and", "any", "are", "as", "at", "be", "been", "before", "but",
    "by", "can", "could", "did", "do", "does", "for", "from", "had", "has", "have", "he", "her", "his", "how",
    "i", "if", "in", "into", "is", "it", "its", "may", "more", "most", "no", "not", "of", "on", "only", "or",
    "other", "our", "out", "over", "she", "should", "so", "some", "such", "than", "that", "the", "their", "them",
    "then", "there", "these", "they", "this", "those", "to", "too", "up", "us", "was", "we", "were", "what",
    "when", "where", "which", "while", "who", "why", "will", "with", "would", "you", "your",
];

/// Reads words into terms, stemming each distinct word once.
pub(crate) struct Words {
    stemmer: Stemmer,
    /// Each word met, and its term (`None`: a stop word).
    seen: HashMap<String, Option<String>>,
}

impl Words {
    pub(crate) fn new() -> Words {
        Words { stemmer: Stemmer::create(Algorithm::English), seen: HashMap::new() }
    }

    /// Calls `put(word, term)` for each word of `text` that is a term: the
    /// word as written (lowercase) and the term it counts as.
    pub(crate) fn each(&mut self, text: &str, mut put: impl FnMut(&str, &str)) {
        for token in text.split(|c: char| !(c.is_alphanumeric() || c == '-' || c == '_')) {
            let token = token.trim_matches(|c| c == '-' || c == '_');
            if token.is_empty() {
                continue;
            }
            // `PAY-201`, `INC_42`: an id, found whole
            if token.contains(['-', '_']) {
                if is_id(token) {
                    let id = token.to_lowercase();
                    put(&id, &id);
                }
                for part in token.split(['-', '_']).filter(|p| !p.is_empty()) {
                    self.word(part, &mut put);
                }
            } else {
                self.word(token, &mut put);
            }
        }
    }

    fn word(&mut self, token: &str, put: &mut impl FnMut(&str, &str)) {
        let lower = token.to_lowercase();
        if lower.chars().count() < 2 {
            return;
        }
        if !self.seen.contains_key(&lower) {
            let term = self.term(&lower);
            self.seen.insert(lower.clone(), term);
        }
        if let Some(Some(term)) = self.seen.get(&lower) {
            put(&lower, term);
        }
    }

    /// The term of a lowercase word.
    pub(crate) fn term(&self, word: &str) -> Option<String> {
        if STOP.contains(&word) {
            return None;
        }
        let long = SAME.iter().find(|(short, _)| *short == word).map_or(word, |(_, long)| long);
        if long.bytes().all(|b| b.is_ascii_digit()) {
            return Some(long.to_string());
        }
        Some(self.stemmer.stem(long).into_owned())
    }
}

/// Whether a token with `-` or `_` is an id: letters and digits on both
/// sides of each separator, with a digit somewhere (`PAY-201`,
/// `2024-03-14-checkout`; not `follow-up`).
fn is_id(token: &str) -> bool {
    token.bytes().any(|b| b.is_ascii_digit()) && token.split(['-', '_']).all(|p| !p.is_empty())
}

/// The first two characters of a term: the shard of the index it lies in.
pub(crate) fn shard_key(term: &str) -> String {
    term.chars().take(2).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn terms(text: &str) -> Vec<(String, String)> {
        let mut out = Vec::new();
        Words::new().each(text, |w, t| out.push((w.to_string(), t.to_string())));
        out
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
        assert_eq!(terms("failovers")[0].1, terms("failover")[0].1);
    }
}
