//! Blame where it hides (W009), beyond the site's fixed phrases: words that
//! judge people ("sloppy", "didn't bother", "Tom's fault"), and a person as
//! the subject of a failure verb ("John forgot", "the on-call failed to
//! notice", "Lee, who didn't read it") — the SRE Workbook's animated
//! language and counterfactual reasoning. A system as the subject is not
//! blame: "the check failed to run because the queue was full".
//!
//! A person is a pronoun (he, she), a name the file knows (its authors and
//! action-item owners), a role (the engineer, the on-call, the reviewer) or
//! a capitalised word. A capitalised word at the start of a sentence may be
//! a system ("Monitoring failed to alert"): there it is a person only with
//! a verb machines do not do (forgot, should have, neglected) or a human
//! act as the object ("failed to notice", "missed the alert").
//! Measured on a labelled set of 160 sentences (tests/fixtures/blame).

/// What a finding is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Rule {
    /// A word that judges a person: sloppy, careless, didn't bother.
    Judgement,
    /// A person as the subject of a failure verb.
    PersonFailed,
}

impl Rule {
    /// How to write it instead.
    pub(crate) fn hint(self) -> &'static str {
        match self {
            Rule::Judgement => {
                "describe what happened and what made it reasonable at the time, not what the person is: what did the system or the process allow?"
            }
            Rule::PersonFailed => {
                "describe what made the action reasonable at the time (what the person saw, the tools, the pressure) and what the system did not catch, not who failed"
            }
        }
    }
}

/// A finding: a byte range of the text.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Finding {
    pub(crate) start: usize,
    pub(crate) end: usize,
    pub(crate) rule: Rule,
}

/// Words that judge whoever they are said of.
const JUDGEMENT: &[&str] = &[
    "careless",
    "carelessly",
    "carelessness",
    "incompetence",
    "incompetent",
    "irresponsible",
    "lazy",
    "negligence",
    "negligent",
    "reckless",
    "recklessly",
    "sloppy",
];

/// Phrases that judge, as words.
const JUDGEMENT_PHRASES: &[&[&str]] = &[
    &["didn't", "bother"],
    &["did", "not", "bother"],
    &["dropped", "the", "ball"],
    &["screwed", "up"],
    &["messed", "up"],
    &["made", "a", "mistake"],
    &["human", "error"],
    &["fault", "of"],
    &["should", "have", "known"],
    &["should've", "known"],
];

/// What a possessive is blamed for: "Tom's fault", "Jo's mistake".
const BLAMED: &[&str] = &["fault", "mistake"];

/// Verbs only people do: any person-like subject is blame.
const HUMAN_VERBS: &[&[&str]] = &[
    &["forgot"],
    &["forgets"],
    &["forgotten"],
    &["neglected"],
    &["should", "have"],
    &["should've"],
    &["shouldn't", "have"],
    &["supposed", "to"],
];

/// Verbs systems do too: blame with a person, or a human act as object.
const FAILURE_VERBS: &[&[&str]] =
    &[&["failed", "to"], &["fails", "to"], &["missed"], &["ignored"], &["overlooked"], &["didn't"], &["did", "not"]];

/// What people do that a failure verb can say they did not.
const HUMAN_ACTS: &[&str] = &[
    "ask",
    "check",
    "communicate",
    "double-check",
    "escalate",
    "follow",
    "inform",
    "notice",
    "read",
    "realise",
    "realize",
    "remember",
    "review",
    "tell",
    "test",
    "update",
    "verify",
];

/// What people miss or ignore.
const HUMAN_OBJECTS: &[&str] = &[
    "alert",
    "alerts",
    "comment",
    "comments",
    "deprecation",
    "handover",
    "message",
    "note",
    "page",
    "review",
    "signs",
    "step",
    "warning",
    "warnings",
    "bug",
    "test",
    "capacity",
    "obvious",
    "failing",
    "reviewer's",
];

/// Roles that name a person.
const ROLES: &[&str] = &[
    "admin",
    "administrator",
    "author",
    "contractor",
    "dba",
    "developer",
    "engineer",
    "intern",
    "on-call",
    "oncall",
    "operator",
    "reviewer",
    "sre",
];

/// Words between a subject and its verb ("Raj was supposed to").
const SKIPPED: &[&str] = &[
    "again",
    "already",
    "also",
    "apparently",
    "clearly",
    "completely",
    "just",
    "had",
    "has",
    "have",
    "never",
    "obviously",
    "probably",
    "simply",
    "still",
    "then",
    "was",
    "were",
];

/// Capitalised words that are not people.
const NOT_NAMES: &[&str] = &["it", "its", "our", "that", "the", "their", "there", "these", "they", "this", "we", "you"];

struct Word<'t> {
    start: usize,
    end: usize,
    /// ASCII-lowercased, with a typographic apostrophe as `'`.
    lower: std::borrow::Cow<'t, str>,
    text: &'t str,
    /// The first word of its sentence.
    first: bool,
}

/// The words of `text` with their places (`lower` is `text` with ASCII
/// letters lowercased: the same bytes in the same places); a sentence ends
/// at `.`, `!`, `?`, `;`, `:` or a blank line. A word is ASCII letters and
/// digits, `'`, `-`, and any non-ASCII character (`’`, `é`).
fn words<'t>(text: &'t str, lower: &'t str) -> Vec<Word<'t>> {
    let mut out = Vec::new();
    scan(lower, 0, usize::MAX, |s, e, _, first| {
        let l = &lower[s..e];
        out.push(Word { start: s, end: e, lower: straight(l), text: &text[s..e], first });
    });
    out
}

/// `word` with a typographic apostrophe as `'`. Most words are ASCII:
/// told apart without searching them for `’`.
fn straight(word: &str) -> std::borrow::Cow<'_, str> {
    if !word.is_ascii() && word.contains('’') {
        word.replace('’', "'").into()
    } else {
        word.into()
    }
}

/// A byte's class for [`scan`]: a byte of a word, a sentence's end, a
/// line's end, other white space, anything else.
const OTHER: u8 = 0;
const WORD: u8 = 1;
const END: u8 = 2;
const LINE: u8 = 3;
const SPACE: u8 = 4;

/// The class of each byte, looked up: [`scan`] reads every byte of the
/// sentences it is given.
static CLASS: [u8; 256] = {
    let mut t = [OTHER; 256];
    let mut b = 0;
    while b < 256 {
        let c = b as u8;
        t[b] = if c.is_ascii_alphanumeric() || c == b'\'' || c == b'-' || c >= 0x80 {
            WORD
        } else if matches!(c, b'.' | b'!' | b'?' | b';' | b':') {
            END
        } else if c == b'\n' {
            LINE
        } else if c.is_ascii_whitespace() {
            SPACE
        } else {
            OTHER
        };
        b += 1;
    }
    t
};

/// Walks the words of `lower` from `from`, a sentence's start: for each,
/// its byte range (quotes and dashes around it left out), where its
/// sentence starts, and whether it is the sentence's first word. A
/// sentence ends at `.`, `!`, `?`, `;`, `:` or a blank line. Stops at the
/// end of the sentence that holds byte `until`, and returns where that is.
fn scan(lower: &str, from: usize, until: usize, mut each: impl FnMut(usize, usize, usize, bool)) -> usize {
    let bytes = lower.as_bytes();
    let (mut sentence, mut first, mut newlines, mut i) = (from, true, 0, from);
    while i < bytes.len() {
        match CLASS[usize::from(bytes[i])] {
            WORD => {}
            class => {
                match class {
                    LINE => newlines += 1,
                    SPACE => {}
                    _ => newlines = 0,
                }
                if class == END || newlines >= 2 {
                    if i >= until {
                        return i + 1;
                    }
                    (sentence, first) = (i + 1, true);
                }
                i += 1;
                continue;
            }
        }
        let start = i;
        while i < bytes.len() && CLASS[usize::from(bytes[i])] == WORD {
            i += 1;
        }
        newlines = 0;
        let (mut s, mut e) = (start, i);
        // most words start and end with a letter or digit: nothing to strip
        while s < e && STRIPPED[usize::from(bytes[s])] | STRIPPED[usize::from(bytes[e - 1])] {
            let before = (s, e);
            if bytes[s] == b'\'' || bytes[s] == b'-' {
                s += 1;
            } else if lower[s..e].starts_with('’') {
                s += '’'.len_utf8();
            }
            if s < e && (bytes[e - 1] == b'\'' || bytes[e - 1] == b'-') {
                e -= 1;
            } else if lower[s..e].ends_with('’') {
                e -= '’'.len_utf8();
            }
            if (s, e) == before {
                break;
            }
        }
        if s < e && lower.is_char_boundary(s) && lower.is_char_boundary(e) {
            each(s, e, sentence, first);
            first = false;
        }
    }
    bytes.len()
}

/// Where the sentence that holds byte `at` starts: where [`scan`], walking
/// from the text's start, would say it does. After the last sentence end
/// before `at`, or after the last run of white space with two line ends.
fn sentence_start(lower: &[u8], at: usize) -> usize {
    let mut i = at;
    while i > 0 {
        match CLASS[usize::from(lower[i - 1])] {
            END => return i,
            LINE | SPACE => {
                let end = i;
                let mut lines = 0;
                while i > 0 && matches!(CLASS[usize::from(lower[i - 1])], LINE | SPACE) {
                    lines += usize::from(lower[i - 1] == b'\n');
                    i -= 1;
                }
                if lines >= 2 {
                    return end;
                }
            }
            _ => i -= 1,
        }
    }
    0
}

/// The bytes a word's ends may have that are stripped: `'`, `-`, and the
/// first and last bytes of `’` (U+2019: E2 80 99).
static STRIPPED: [bool; 256] = crate::runs::marked(b"'-\xE2\x99");

/// Whether `word` (lowercased bytes) may start a rule, by its length and
/// first letter alone: most words stop here, never made into text.
fn may_start_a_rule(word: &[u8]) -> bool {
    word.len() <= 15 && !BY_SHAPE[shape(word)].is_empty()
}

/// A word's length (to 15) and first byte, as one index.
fn shape(word: &[u8]) -> usize {
    (word.len().min(15) << 8) | usize::from(word[0])
}

/// The first words of the rules, by [`shape`]: a word is compared with
/// the one or two of its length and first letter, not with all.
static BY_SHAPE: std::sync::LazyLock<Vec<Vec<&'static str>>> = std::sync::LazyLock::new(|| {
    let mut by = vec![Vec::new(); 16 << 8];
    let firsts =
        JUDGEMENT.iter().copied().chain(JUDGEMENT_PHRASES.iter().chain(HUMAN_VERBS).chain(FAILURE_VERBS).map(|p| p[0]));
    for w in firsts {
        let list: &mut Vec<&str> = &mut by[shape(w.as_bytes())];
        if !list.contains(&w) {
            list.push(w);
        }
    }
    by
});

/// Whether a finding can start at this (lowercased) word: a judging word,
/// the first word of a phrase or verb of the rules, or a possessive.
fn starts_a_rule(w: &str) -> bool {
    w.ends_with("'s") || (may_start_a_rule(w.as_bytes()) && BY_SHAPE[shape(w.as_bytes())].contains(&w))
}

/// Whether `ws[at..]` starts with `phrase`.
fn starts(ws: &[Word], at: usize, phrase: &[&str]) -> bool {
    phrase.iter().enumerate().all(|(k, p)| ws.get(at + k).is_some_and(|w| w.lower == *p))
}

/// Every finding in `text`; `lower` is `text` with ASCII letters
/// lowercased; `names` are the lowercased names the file knows. The text
/// is first scanned for the words a rule starts with; only their
/// sentences are read word by word.
pub(crate) fn find(text: &str, lower: &str, names: &[String]) -> Vec<Finding> {
    findings(text, lower, names, triggers(lower))
}

/// The findings at `triggers` (as [`triggers`] finds them).
fn findings(text: &str, lower: &str, names: &[String], triggers: Vec<(usize, usize)>) -> Vec<Finding> {
    let mut out: Vec<Finding> = Vec::new();
    for (at, sentence) in triggers {
        if out.last().is_some_and(|f| at < f.end) {
            continue;
        }
        // the sentence, to its end (at most a few hundred bytes on)
        let bytes = lower.as_bytes();
        let mut end = (at..bytes.len()).find(|&i| matches!(bytes[i], b'.' | b'!' | b'?' | b';')).unwrap_or(bytes.len());
        end = end.min(at + 400);
        while !lower.is_char_boundary(end) {
            end -= 1;
        }
        let ws = words(&text[sentence..end], &lower[sentence..end]);
        let Some(i) = ws.iter().position(|w| w.start + sentence == at) else { continue };
        if let Some(mut f) = rule_at(&ws, i, names) {
            f.start += sentence;
            f.end += sentence;
            out.push(f);
        }
    }
    out
}

/// Where a word a rule starts with is, and where its sentence starts.
/// Most sentences hold no finding: only those holding a cue (found in one
/// pass over the text, [`CUES`]) are walked word by word. (A possessive
/// is a trigger only there: it starts a finding only before `fault` or
/// `mistake`.)
fn triggers(lower: &str) -> Vec<(usize, usize)> {
    let Some(cues) = CUES.as_ref() else { return triggers_in_every_sentence(lower) };
    let (bytes, mut out, mut walked) = (lower.as_bytes(), Vec::new(), 0);
    for cue in cues.find_iter(lower) {
        let (start, end) = (cue.start(), cue.end());
        // a word of its own: not inside a longer word
        let apart = |at: Option<&u8>| at.is_none_or(|b| !b.is_ascii_alphanumeric());
        if start < walked || !apart(start.checked_sub(1).map(|i| &bytes[i])) || !apart(bytes.get(end)) {
            continue;
        }
        // the possessive before `fault` or `mistake` may stand in the
        // sentence before ("Tom's: fault"): walked from there
        let blamed = BLAMED.contains(&&lower[start..end]);
        let before = bytes[walked..start].iter().rposition(u8::is_ascii_alphanumeric).filter(|_| blamed);
        let from = sentence_start(bytes, before.map_or(start, |k| walked + k));
        walked = scan(lower, from, start, |s, e, sentence, _| trigger(lower, s, e, sentence, &mut out));
    }
    out
}

/// [`triggers`], every sentence walked word by word.
fn triggers_in_every_sentence(lower: &str) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    scan(lower, 0, usize::MAX, |s, e, sentence, _| trigger(lower, s, e, sentence, &mut out));
    out
}

/// Adds the word at `s..e` of `lower` to `out` with its sentence's start
/// when a rule starts with it.
fn trigger(lower: &str, s: usize, e: usize, sentence: usize, out: &mut Vec<(usize, usize)>) {
    // most words are too long, or start with a letter no rule word starts
    // with: looked at as bytes, not made into text
    let word = &lower.as_bytes()[s..e];
    let possessive = word.last() == Some(&b's') && (word.ends_with(b"'s") || word.ends_with("’s".as_bytes()));
    if !possessive && !may_start_a_rule(word) {
        return;
    }
    if starts_a_rule(&straight(&lower[s..e])) {
        out.push((s, sentence));
    }
}

/// The words a sentence with a finding holds: the first words of the
/// rules, and what a possessive is blamed for ("Tom's fault"), each also
/// with a typographic apostrophe. Found by SIMD (Teddy); `None` on a
/// processor without it (x86-64 without SSSE3): every sentence is then
/// walked.
static CUES: std::sync::LazyLock<Option<aho_corasick::packed::Searcher>> = std::sync::LazyLock::new(|| {
    let words = BY_SHAPE.iter().flatten().chain(BLAMED).copied();
    let cues: std::collections::BTreeSet<String> = words.flat_map(|w| [w.to_string(), w.replace('\'', "’")]).collect();
    aho_corasick::packed::Config::new()
        .match_kind(aho_corasick::packed::MatchKind::LeftmostLongest)
        .builder()
        .extend(cues)
        .build()
});

/// The finding that starts at word `i` of a sentence's words, if any.
fn rule_at(ws: &[Word], i: usize, names: &[String]) -> Option<Finding> {
    let w = &ws[i];
    if JUDGEMENT.contains(&w.lower.as_ref()) {
        return Some(Finding { start: w.start, end: w.end, rule: Rule::Judgement });
    }
    if let Some(p) = JUDGEMENT_PHRASES.iter().find(|p| starts(ws, i, p)) {
        return Some(Finding { start: w.start, end: ws[i + p.len() - 1].end, rule: Rule::Judgement });
    }
    // "Tom's fault", "Jo's mistake"
    if w.lower.ends_with("'s") && ws.get(i + 1).is_some_and(|n| BLAMED.contains(&n.lower.as_ref())) {
        return Some(Finding { start: w.start, end: ws[i + 1].end, rule: Rule::Judgement });
    }
    let human = HUMAN_VERBS.iter().find(|p| starts(ws, i, p));
    let failure = FAILURE_VERBS.iter().find(|p| starts(ws, i, p));
    let verb = human.or(failure)?;
    let after = i + verb.len();
    // what follows the verb: a human act ("failed to notice") or what
    // people miss ("missed the alert")
    let next: Vec<&str> = ws[after..ws.len().min(after + 4)].iter().map(|w| w.lower.as_ref()).collect();
    let acts = next.first().is_some_and(|n| HUMAN_ACTS.contains(n));
    let objects = next.iter().any(|n| HUMAN_OBJECTS.contains(n));
    let negation = verb == &["didn't"] || verb == &["did", "not"];
    if negation && !acts {
        return None;
    }
    // "failed to notice" is a person's; "missed the alert" too
    let takes_object = matches!(verb.first(), Some(&("missed" | "ignored" | "overlooked")));
    let by_person = human.is_some() || if takes_object { objects } else { acts };
    let subject = subject(ws, i, names, by_person)?;
    Some(Finding { start: ws[subject].start, end: ws[after - 1].end, rule: Rule::PersonFailed })
}

/// The word before the verb at `verb` that is a person, if its subject is
/// one. `by_person`: the verb or its object is something people do, so a
/// capitalised first word of a sentence counts as a name.
fn subject(ws: &[Word], verb: usize, names: &[String], by_person: bool) -> Option<usize> {
    if ws[verb].first {
        return None;
    }
    let mut k = verb;
    while k > 0 {
        k -= 1;
        if !SKIPPED.contains(&ws[k].lower.as_ref()) || ws[k].first {
            break;
        }
    }
    // "Lee, who didn't read it", "the engineer who deployed it should have"
    let who = (k.saturating_sub(4)..=k).rev().find(|&j| ws[j].lower == "who" && !ws[j].first);
    let at = who.map_or(k, |j| j - 1);
    let w = &ws[at];
    let person = match w.lower.as_ref() {
        "he" | "she" => true,
        l if names.iter().any(|n| n == l) => true,
        l if ROLES.contains(&l) => true,
        l if NOT_NAMES.contains(&l) => false,
        _ => {
            let mut chars = w.text.chars();
            let capital = chars.next().is_some_and(char::is_uppercase) && chars.all(|c| !c.is_uppercase());
            capital && w.text.chars().count() > 1 && (!w.first || by_person)
        }
    };
    person.then_some(at)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn flagged(s: &str) -> bool {
        !find(s, &s.to_ascii_lowercase(), &["dana".into(), "lee".into(), "marek".into()]).is_empty()
    }

    #[test]
    fn a_person_failing_is_blame_a_system_failing_is_not() {
        assert!(flagged("John forgot to set the variable."));
        assert!(flagged("John was sloppy and should have noticed."));
        assert!(!flagged("The check failed to run because the queue was full."));
        assert!(!flagged("Monitoring failed to alert because the threshold was wrong."));
        assert!(flagged("Priya missed the alert."));
        assert!(!flagged("The alert missed the spike."));
    }

    /// Pieces of text around the rules' words: sentence ends, blank lines,
    /// apostrophes both plain and typographic, joined words.
    fn piece() -> impl proptest::strategy::Strategy<Value = &'static str> {
        proptest::sample::select(vec![
            "John",
            "the engineer",
            "forgot",
            "forgotten",
            "failed to",
            "notice",
            "missed",
            "the alert",
            "didn't",
            "didn’t",
            "did not",
            "bother",
            "should have",
            "should've",
            "should’ve",
            "shouldn't",
            "known",
            "Tom's",
            "Tom’s",
            "fault",
            "mistake",
            "human error",
            "sloppy",
            "candidate",
            "homemade",
            "forgotx",
            "didn'",
            "xdid",
            "should'vex",
            "x",
            "é",
            "'",
            "’",
            "-",
            ".",
            ";",
            ":",
            "!",
            "?",
            ",",
            " ",
            " ",
            " ",
            "\n",
            "\n\n",
            " \n \n ",
            "\t",
            "(",
            "\"",
        ])
    }

    proptest::proptest! {
        // a finding needs a few pieces in a row: many short cases
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(8192))]
        #[test]
        fn the_sentences_with_cues_hold_every_finding(pieces in proptest::collection::vec(piece(), 0..24)) {
            let text: String = pieces.concat();
            let lower = text.to_ascii_lowercase();
            let names = ["tom".to_string()];
            let everywhere = findings(&text, &lower, &names, triggers_in_every_sentence(&lower));
            proptest::prop_assert_eq!(find(&text, &lower, &names), everywhere);
        }
    }

    #[test]
    fn the_sentences_with_cues_hold_every_finding_of_the_labelled_set_and_the_example_site() {
        let mut texts = vec![include_str!("../../tests/fixtures/blame/sentences.txt").to_string()];
        let content = concat!(env!("CARGO_MANIFEST_DIR"), "/content");
        for entry in walkdir::WalkDir::new(content).into_iter().filter_map(Result::ok) {
            if entry.path().extension().is_some_and(|e| e == "md") {
                texts.push(std::fs::read_to_string(entry.path()).unwrap());
            }
        }
        let (names, mut found) = (["dana".to_string(), "lee".to_string()], 0);
        for text in &texts {
            let lower = text.to_ascii_lowercase();
            let everywhere = findings(text, &lower, &names, triggers_in_every_sentence(&lower));
            assert_eq!(find(text, &lower, &names), everywhere);
            found += everywhere.len();
        }
        assert!(found > 50, "the texts hold findings: {found}");
    }

    /// The labelled set: precision and recall of what `check` reports.
    #[test]
    fn precision_and_recall_on_the_labelled_set() {
        let set = include_str!("../../tests/fixtures/blame/sentences.txt");
        let (mut tp, mut fp, mut fn_, mut tn) = (0, 0, 0, 0);
        let mut wrong = Vec::new();
        for line in set.lines().filter(|l| !l.starts_with('#') && !l.trim().is_empty()) {
            let (label, sentence) = line.split_once(": ").unwrap();
            let blame = label == "B";
            match (blame, flagged(sentence)) {
                (true, true) => tp += 1,
                (false, true) => {
                    fp += 1;
                    wrong.push(format!("false positive: {sentence}"));
                }
                (true, false) => {
                    fn_ += 1;
                    wrong.push(format!("missed: {sentence}"));
                }
                (false, false) => tn += 1,
            }
        }
        let precision = tp as f64 / (tp + fp) as f64;
        let recall = tp as f64 / (tp + fn_) as f64;
        println!(
            "blame rules on {} sentences ({} blameful): precision {precision:.3} ({tp} of {}), recall {recall:.3} ({tp} of {}); {tn} true negatives",
            tp + fp + fn_ + tn,
            tp + fn_,
            tp + fp,
            tp + fn_
        );
        for w in &wrong {
            println!("  {w}");
        }
        assert!(tp + fp + fn_ + tn >= 150);
        assert!(precision >= 0.9, "precision {precision}");
        assert!(recall >= 0.8, "recall {recall}");
    }
}
