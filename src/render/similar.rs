//! "Have we seen this before?": for every postmortem, the others most like
//! it by what happened. Each is a vector of its words — stemmed English
//! (Snowball), stop words left out — weighted by where they stand (root
//! cause, trigger and whys most, then title, summary and the four answers;
//! area and tags a little) and by how rare they are in the site (TF-IDF);
//! two postmortems are as similar as the cosine of their vectors. An
//! inverted index finds the candidates: only postmortems that share one of
//! a postmortem's strongest words are scored, never all pairs. Each match
//! says which words matched and where, so a reader can judge it.

use crate::model::Postmortem;
use rayon::prelude::*;
use rust_stemmers::{Algorithm, Stemmer};
use std::collections::HashMap;

/// A fast hash for short words and term numbers (foldhash, with its fixed
/// seed so that a build is the same every time): these maps are built from
/// a site's own text, not from an attacker's choice of keys, and SipHash
/// was most of the time spent.
pub(crate) type FxBuild = foldhash::fast::FixedState;

pub(crate) type FxMap<K, V> = HashMap<K, V, FxBuild>;

/// Where a word stands, and how much it counts there.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Field {
    RootCause,
    Trigger,
    Whys,
    Title,
    Summary,
    Answers,
    Area,
    Tags,
    Factors,
}

impl Field {
    const ALL: [Field; 9] = [
        Field::RootCause,
        Field::Trigger,
        Field::Whys,
        Field::Title,
        Field::Summary,
        Field::Answers,
        Field::Area,
        Field::Tags,
        Field::Factors,
    ];

    fn weight(self) -> f64 {
        match self {
            Field::RootCause => 3.0,
            Field::Trigger | Field::Whys => 2.5,
            Field::Title => 2.0,
            Field::Summary | Field::Answers => 1.5,
            Field::Area | Field::Tags => 0.5,
            // a factor says something of the cause, more than a label
            Field::Factors => 1.0,
        }
    }

    fn name(self) -> &'static str {
        match self {
            Field::RootCause => "root cause",
            Field::Trigger => "trigger",
            Field::Whys => "whys",
            Field::Title => "title",
            Field::Summary => "summary",
            Field::Answers => "answers",
            Field::Area => "area",
            Field::Tags => "tags",
            Field::Factors => "factors",
        }
    }

    fn bit(self) -> u16 {
        1 << (self as u16)
    }

    /// The field's text in `pm`.
    fn texts(self, pm: &Postmortem) -> Vec<&str> {
        let q = &pm.questions;
        match self {
            Field::RootCause => pm.root_cause.as_deref().into_iter().collect(),
            Field::Trigger => pm.trigger.as_deref().into_iter().collect(),
            Field::Whys => pm.five_whys.iter().map(String::as_str).collect(),
            Field::Title => pm.title.as_deref().into_iter().collect(),
            Field::Summary => pm.summary.as_deref().into_iter().collect(),
            Field::Answers => {
                [&q.prevent, &q.similar, &q.detect, &q.mitigate].into_iter().flatten().map(String::as_str).collect()
            }
            Field::Area => pm.area.as_deref().into_iter().collect(),
            Field::Tags => pm.tags.iter().map(String::as_str).collect(),
            Field::Factors => pm.contributing_factors.iter().map(String::as_str).collect(),
        }
    }
}

/// Words that say nothing of what happened: common English words and the
/// words every postmortem uses ("failed", "impact", "requests").
const STOP: &[&str] = &[
    "able",
    "about",
    "above",
    "across",
    "affected",
    "after",
    "again",
    "against",
    "all",
    "already",
    "also",
    "always",
    "among",
    "and",
    "another",
    "any",
    "anything",
    "are",
    "around",
    "away",
    "back",
    "became",
    "because",
    "become",
    "becomes",
    "been",
    "before",
    "began",
    "behind",
    "being",
    "below",
    "beside",
    "best",
    "better",
    "between",
    "both",
    "but",
    "came",
    "can",
    "cannot",
    "caused",
    "causes",
    "causing",
    "come",
    "comes",
    "could",
    "customer",
    "customers",
    "day",
    "days",
    "did",
    "does",
    "doing",
    "done",
    "down",
    "during",
    "each",
    "else",
    "enough",
    "error",
    "errors",
    "etc",
    "even",
    "ever",
    "every",
    "everything",
    "fail",
    "failed",
    "failing",
    "fails",
    "failure",
    "failures",
    "far",
    "few",
    "first",
    "fixme",
    "for",
    "found",
    "four",
    "from",
    "further",
    "gave",
    "get",
    "give",
    "given",
    "goes",
    "going",
    "gone",
    "got",
    "had",
    "half",
    "hand",
    "happened",
    "has",
    "have",
    "having",
    "her",
    "here",
    "hers",
    "high",
    "him",
    "his",
    "hour",
    "hours",
    "how",
    "however",
    "impact",
    "impacted",
    "incident",
    "incidents",
    "into",
    "issue",
    "issues",
    "its",
    "itself",
    "just",
    "kept",
    "know",
    "known",
    "large",
    "last",
    "later",
    "least",
    "led",
    "left",
    "less",
    "let",
    "like",
    "lot",
    "low",
    "made",
    "main",
    "make",
    "many",
    "may",
    "mean",
    "means",
    "meanwhile",
    "might",
    "minute",
    "minutes",
    "more",
    "most",
    "mostly",
    "moved",
    "much",
    "must",
    "near",
    "nearly",
    "need",
    "never",
    "new",
    "next",
    "nobody",
    "none",
    "nor",
    "not",
    "nothing",
    "now",
    "off",
    "often",
    "once",
    "one",
    "only",
    "other",
    "our",
    "out",
    "over",
    "own",
    "part",
    "per",
    "percent",
    "perhaps",
    "place",
    "problem",
    "problems",
    "put",
    "quite",
    "ran",
    "rather",
    "really",
    "request",
    "requests",
    "result",
    "resulted",
    "run",
    "said",
    "same",
    "second",
    "see",
    "seemed",
    "seen",
    "service",
    "services",
    "set",
    "several",
    "shall",
    "she",
    "should",
    "shown",
    "side",
    "since",
    "six",
    "small",
    "some",
    "someone",
    "something",
    "sometimes",
    "soon",
    "started",
    "still",
    "such",
    "sure",
    "system",
    "systems",
    "take",
    "taken",
    "tbd",
    "team",
    "teams",
    "ten",
    "than",
    "that",
    "the",
    "their",
    "them",
    "then",
    "there",
    "these",
    "they",
    "this",
    "those",
    "though",
    "three",
    "through",
    "thus",
    "time",
    "times",
    "today",
    "todo",
    "together",
    "told",
    "too",
    "took",
    "toward",
    "turned",
    "twice",
    "two",
    "under",
    "until",
    "upon",
    "used",
    "user",
    "users",
    "using",
    "very",
    "via",
    "want",
    "wanted",
    "was",
    "way",
    "week",
    "weeks",
    "went",
    "were",
    "what",
    "when",
    "where",
    "whether",
    "which",
    "while",
    "who",
    "whole",
    "whom",
    "whose",
    "why",
    "wide",
    "will",
    "with",
    "within",
    "without",
    "would",
    "yes",
    "yesterday",
    "yet",
    "you",
    "your",
];

/// Words engineers shorten or spell two ways, and the word they are
/// counted as: "cert" and "certificate" are one term, and so are "expiry"
/// and "expired", which the stemmer keeps apart.
pub(crate) const SAME: &[(&str, &str)] = &[
    ("authn", "authentication"),
    ("cert", "certificate"),
    ("certs", "certificate"),
    ("cfg", "configuration"),
    ("conf", "configuration"),
    ("config", "configuration"),
    ("configs", "configuration"),
    ("creds", "credentials"),
    ("db", "database"),
    ("dbs", "database"),
    ("env", "environment"),
    ("envs", "environment"),
    ("expiration", "expire"),
    ("expirations", "expire"),
    ("expiries", "expire"),
    ("expiry", "expire"),
    ("infra", "infrastructure"),
    ("k8s", "kubernetes"),
    ("oom", "memory"),
    ("perms", "permissions"),
    ("prod", "production"),
    ("ssl", "tls"),
    ("synchronisation", "synchronization"),
    ("synchronise", "synchronize"),
    ("synchronised", "synchronized"),
    ("x509", "certificate"),
];

/// How many of its strongest words a postmortem is matched on.
const QUERY_TERMS: usize = 24;
/// How many similar postmortems are kept for each.
pub(crate) const TOP: usize = 5;
/// The least similarity (cosine, 0 to 1) shown.
pub(crate) const THRESHOLD: f64 = 0.05;
/// The least similarity `check` notes as a likely recurrence (I001).
pub(crate) const LIKELY: f64 = 0.12;
/// How many matched words a match names.
const REASONS: usize = 4;

/// Every postmortem's similar ones, in site order, shared between a build
/// and the edits `retro serve` applies after it.
pub(crate) type Ranked = std::sync::Arc<Vec<Vec<Match>>>;

/// One similar postmortem.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Match {
    pub(crate) index: usize,
    /// Cosine similarity, 0 to 1.
    pub(crate) score: f64,
    /// The words that matched, strongest first, each with the fields both
    /// have it in: "certificate (root cause, trigger)".
    pub(crate) reasons: Vec<String>,
}

struct Term {
    id: u32,
    weight: f64,
    fields: u16,
}

/// How many postmortems a group of [`Chunk`] holds.
const CHUNK: usize = 256;

/// A group of postmortems' words, each word written once.
struct Chunk {
    /// Each word met, in the order first met, and whether it is an
    /// `area:…` or `tags:…` key rather than a word of text.
    words: Vec<(String, bool)>,
    /// Each postmortem's words by their number in `words`, in that order:
    /// (number, sum of field weights, fields).
    docs: Vec<Vec<(u32, f64, u16)>>,
}

impl Chunk {
    fn of(group: &[&Postmortem]) -> Chunk {
        let mut numbers: FxMap<String, u32> = FxMap::default();
        let mut words: Vec<(String, bool)> = Vec::new();
        let mut buf = String::new();
        let mut of_doc: FxMap<u32, (f64, u16)> = FxMap::default();
        let docs = group
            .iter()
            .map(|pm| {
                of_doc.clear();
                for field in Field::ALL {
                    for text in field.texts(pm) {
                        let mut put = |w: &str, key: bool| {
                            let n = match numbers.get(w) {
                                Some(&n) => n,
                                None => {
                                    let n = words.len() as u32;
                                    numbers.insert(w.to_string(), n);
                                    words.push((w.to_string(), key));
                                    n
                                }
                            };
                            let e = of_doc.entry(n).or_insert((0.0, 0));
                            e.0 += field.weight();
                            e.1 |= field.bit();
                        };
                        match field {
                            // an area or tag is one term of its own kind
                            Field::Area | Field::Tags | Field::Factors => {
                                put(&format!("{}:{}", field.name(), text.trim().to_lowercase()), true)
                            }
                            _ => {
                                for w in text.split(|c: char| !c.is_alphanumeric()) {
                                    if let Some(w) = word(w, &mut buf) {
                                        put(w, false);
                                    }
                                }
                            }
                        }
                    }
                }
                let mut list: Vec<(u32, f64, u16)> = of_doc.iter().map(|(&n, &(w, f))| (n, w, f)).collect();
                list.sort_unstable_by_key(|t| t.0);
                list
            })
            .collect();
        Chunk { words, docs }
    }
}

/// The similar postmortems of each of `pms`, best first.
pub(crate) fn rank(pms: &[&Postmortem]) -> Vec<Vec<Match>> {
    rank_only(pms, |_| true)
}

/// [`rank`] for the postmortems `wanted` picks (by index); the others get
/// no list. Every postmortem still counts in how rare a word is.
pub(crate) fn rank_only(pms: &[&Postmortem], wanted: impl Fn(usize) -> bool + Sync) -> Vec<Vec<Match>> {
    // each group of postmortems, on all cores, numbers the words it meets
    // once, so that a word costs one allocation per group, not per
    // postmortem
    let chunks: Vec<Chunk> = pms.par_chunks(CHUNK).map(Chunk::of).collect();
    // then the site's terms: the stems, numbered in the order first met,
    // each word stemmed once however often it comes
    let stemmer = Stemmer::create(Algorithm::English);
    let mut vocab: FxMap<String, u32> = FxMap::default();
    let mut word_terms: FxMap<&str, u32> = FxMap::default();
    // the first form of each stem met, for the reasons
    let mut surface: Vec<String> = Vec::new();
    let maps: Vec<Vec<u32>> = chunks
        .iter()
        .map(|c| {
            c.words
                .iter()
                .map(|(w, key)| {
                    *word_terms.entry(w.as_str()).or_insert_with(|| {
                        let stem = if *key { w.clone() } else { stemmer.stem(w).into_owned() };
                        let next = vocab.len() as u32;
                        *vocab.entry(stem).or_insert_with(|| {
                            // an area or tag is shown as its name
                            surface.push(match w.split_once(':').filter(|_| *key) {
                                Some((_, name)) => name.to_string(),
                                None => w.clone(),
                            });
                            next
                        })
                    })
                })
                .collect()
        })
        .collect();
    let mut docs: Vec<Vec<Term>> = chunks
        .par_iter()
        .zip(maps.par_iter())
        .flat_map_iter(|(c, map)| {
            c.docs.iter().map(move |list| {
                let mut terms: Vec<Term> =
                    list.iter().map(|&(n, weight, fields)| Term { id: map[n as usize], weight, fields }).collect();
                terms.sort_by_key(|t| t.id);
                // two words of one stem are one term
                terms.dedup_by(|t, kept| {
                    let same = t.id == kept.id;
                    if same {
                        kept.weight += t.weight;
                        kept.fields |= t.fields;
                    }
                    same
                });
                terms
            })
        })
        .collect();
    let n = docs.len() as f64;
    let mut df = vec![0u32; vocab.len()];
    for d in &docs {
        for t in d {
            df[t.id as usize] += 1;
        }
    }
    // weights: (1 + ln(1 + tf)) × idf, then each vector to length 1
    for d in &mut docs {
        for t in d.iter_mut() {
            t.weight = (1.0 + t.weight.ln_1p()) * (n / f64::from(df[t.id as usize])).ln_1p();
        }
        let norm = d.iter().map(|t| t.weight * t.weight).sum::<f64>().sqrt();
        for t in d.iter_mut() {
            t.weight = if norm > 0.0 { t.weight / norm } else { 0.0 };
        }
    }
    let mut postings: Vec<Vec<(u32, f64)>> = vec![Vec::new(); vocab.len()];
    for (i, d) in docs.iter().enumerate() {
        for t in d {
            postings[t.id as usize].push((i as u32, t.weight));
        }
    }
    // a word in more than 1 % of the postmortems (and more than 30) says
    // little of what happened and costs much: it finds no candidates
    let common = (docs.len() / 100).max(30);
    (0..docs.len())
        .into_par_iter()
        .map_init(
            || (vec![0.0f64; docs.len()], Vec::<u32>::new()),
            |(acc, touched), i| {
                if !wanted(i) {
                    return Vec::new();
                }
                let mut query: Vec<&Term> = docs[i].iter().filter(|t| t.weight > 0.0).collect();
                query.sort_by(|a, b| b.weight.total_cmp(&a.weight).then(a.id.cmp(&b.id)));
                query.truncate(QUERY_TERMS);
                for t in &query {
                    let list = &postings[t.id as usize];
                    if list.len() > common {
                        continue;
                    }
                    for &(j, w) in list {
                        if j as usize != i {
                            if acc[j as usize] == 0.0 {
                                touched.push(j);
                            }
                            acc[j as usize] += t.weight * w;
                        }
                    }
                }
                let mut best: Vec<(u32, f64)> = Vec::new();
                for &j in touched.iter() {
                    if acc[j as usize] >= THRESHOLD {
                        best.push((j, acc[j as usize]));
                    }
                    acc[j as usize] = 0.0;
                }
                touched.clear();
                best.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
                best.truncate(TOP);
                best.into_iter()
                    .map(|(j, s)| Match {
                        index: j as usize,
                        score: s,
                        reasons: reasons(&query, &docs[j as usize], &surface),
                    })
                    .collect()
            },
        )
        .collect()
}

/// The words of `query` that `other` has too, strongest first.
fn reasons(query: &[&Term], other: &[Term], surface: &[String]) -> Vec<String> {
    let mut shared: Vec<(f64, String)> = query
        .iter()
        .filter_map(|t| {
            let o = other.binary_search_by_key(&t.id, |o| o.id).ok().map(|k| &other[k])?;
            let both = t.fields & o.fields;
            let fields: Vec<&str> = Field::ALL.iter().filter(|f| both & f.bit() != 0).map(|f| f.name()).collect();
            let word = &surface[t.id as usize];
            let text = match fields.as_slice() {
                [] => word.clone(),
                ["area"] => format!("same area: {word}"),
                ["tags"] => format!("shared tag: {word}"),
                ["factors"] => format!("shared factor: {word}"),
                _ => format!("{word} ({})", fields.join(", ")),
            };
            Some((t.weight * o.weight, text))
        })
        .collect();
    shared.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
    shared.into_iter().take(REASONS).map(|(_, s)| s).collect()
}

/// `token` as a word that can say what happened — lowercase (in `buf`),
/// three letters or more, not only digits, not a stop word — or none.
fn word<'b>(token: &str, buf: &'b mut String) -> Option<&'b str> {
    if token.len() < 2 || token.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    buf.clear();
    if token.is_ascii() {
        buf.push_str(token);
        buf.make_ascii_lowercase();
    } else {
        if token.chars().count() < 3 {
            return None;
        }
        buf.extend(token.chars().flat_map(char::to_lowercase));
    }
    match KNOWN.get(buf.as_str()) {
        Some(&same) => same,
        None if buf.len() < 3 => None,
        None => Some(buf.as_str()),
    }
}

/// The stop words (to nothing) and the words counted as another, in one
/// map: every word of every postmortem is looked up here.
static KNOWN: std::sync::LazyLock<FxMap<&'static str, Option<&'static str>>> = std::sync::LazyLock::new(|| {
    STOP.iter().map(|&w| (w, None)).chain(SAME.iter().map(|&(w, same)| (w, Some(same)))).collect()
});

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Body, Status, Timeline};

    /// A postmortem of `area` and `tags` whose cause is told in `root`,
    /// `trigger` and `why`.
    fn pm(id: &str, title: &str, area: &str, tags: &[&str], trigger: &str, root: &str, why: &str) -> Postmortem {
        Postmortem {
            id: id.into(),
            file: format!("{id}.md"),
            title: Some(title.into()),
            severity: Some("SEV2".into()),
            status: Status::Final,
            area: Some(area.into()),
            tags: tags.iter().map(|t| t.to_string()).collect(),
            authors: vec![],
            summary: None,
            impact: None,
            timeline: Timeline::default(),
            detection: None,
            trigger: Some(trigger.into()),
            five_whys: vec![why.into()],
            root_cause: Some(root.into()),
            questions: Default::default(),
            action_items: vec![],
            kind: crate::model::PmKind::Incident,
            contributing_factors: vec![],
            lucky: None,
            related: vec![],
            body: Body::Memory(String::new()),
        }
    }

    /// Three causes, each told three times in other words and areas, and
    /// three lookalikes that share only area and tags with them.
    fn corpus() -> Vec<Postmortem> {
        vec![
            pm(
                "cert-1",
                "Card payments declined",
                "payments",
                &["tls"],
                "certificate expiry",
                "The client certificate for the card processor expired unnoticed",
                "Why? Nobody owned renewing the certificate",
            ),
            pm(
                "cert-2",
                "Login broken for enterprise tenants",
                "auth",
                &["sso"],
                "expired certificate",
                "A signing certificate expired and was not renewed in time",
                "Why? Renewal reminders went to a former employee",
            ),
            pm(
                "cert-3",
                "Mobile images missing",
                "mobile",
                &["cdn"],
                "certificate renewal missed",
                "The CDN certificate was renewed late, after it had expired",
                "Why? Certificate expiry dates are not inventoried",
            ),
            pm(
                "pool-1",
                "Checkout errors at peak",
                "checkout",
                &["database"],
                "deploy",
                "The database connection pool was exhausted by an extra query",
                "Why? Load tests run on a tiny data set",
            ),
            pm(
                "pool-2",
                "Search timeouts",
                "search",
                &["database"],
                "traffic spike",
                "Connections ran out: the pool limit was too low for peak traffic",
                "Why? The pool size was copied from staging",
            ),
            pm(
                "pool-3",
                "Refund jobs stalled",
                "payments",
                &["queue"],
                "batch job",
                "Workers waited for database connections; the pool was exhausted",
                "Why? Each worker held a connection while idle",
            ),
            pm(
                "dns-1",
                "Emails bounced",
                "notifications",
                &["email"],
                "config change",
                "A DNS record was deleted during a zone migration",
                "Why? The migration script dropped MX records",
            ),
            pm(
                "dns-2",
                "API unreachable for partners",
                "platform",
                &["network"],
                "zone transfer",
                "DNS records vanished after moving the zone to a new provider",
                "Why? Records were not compared before and after",
            ),
            pm(
                "dns-3",
                "Status page down",
                "support",
                &["dns"],
                "provider switch",
                "The DNS zone lost records in the move to another provider",
                "Why? Nobody checked the record count",
            ),
            // lookalikes: the same areas and tags, other causes
            pm(
                "other-1",
                "Slow invoice rendering",
                "payments",
                &["tls"],
                "vendor outage",
                "The PDF renderer had an outage in one region",
                "Why? We depend on one region",
            ),
            pm(
                "other-2",
                "Buy button hidden",
                "checkout",
                &["database"],
                "frontend release",
                "A CSS change hid the button on small screens",
                "Why? Visual tests cover desktop only",
            ),
            pm(
                "other-3",
                "Newsletter sent twice",
                "notifications",
                &["email"],
                "retry",
                "A retry after a timeout sent every message a second time",
                "Why? Sending is not idempotent",
            ),
        ]
    }

    #[test]
    fn word_lists_are_sorted_without_repeats_and_apart() {
        assert!(STOP.windows(2).all(|w| w[0] < w[1]));
        assert!(SAME.windows(2).all(|w| w[0].0 < w[1].0));
        assert_eq!(KNOWN.len(), STOP.len() + SAME.len(), "a word is both a stop word and a short form");
    }

    #[test]
    fn short_forms_and_spellings_count_as_one_word() {
        let mut buf = String::new();
        assert_eq!(word("Cert", &mut buf), Some("certificate"));
        assert_eq!(word("DB", &mut buf), Some("database"));
        assert_eq!(word("expiry", &mut buf), Some("expire"));
        assert_eq!(word("ab", &mut buf), None);
        assert_eq!(word("failed", &mut buf), None);
        assert_eq!(word("Renewal", &mut buf), Some("renewal"));
    }

    #[test]
    fn a_shared_cause_in_other_words_outranks_a_shared_area_and_tags() {
        let pms = corpus();
        let refs: Vec<&Postmortem> = pms.iter().collect();
        let ranked = rank(&refs);
        let cluster = |id: &str| id.split('-').next().unwrap_or("").to_string();
        let (mut pairs, mut found) = (0, 0);
        for (i, matches) in ranked.iter().enumerate().take(9) {
            let mates: Vec<usize> = (0..9).filter(|&j| j != i && cluster(&pms[j].id) == cluster(&pms[i].id)).collect();
            let top: Vec<usize> = matches.iter().take(3).map(|m| m.index).collect();
            pairs += mates.len();
            found += mates.iter().filter(|j| top.contains(j)).count();
            // no lookalike ranks above a cluster mate
            if let Some(worst_mate) = matches.iter().rposition(|m| mates.contains(&m.index)) {
                assert!(
                    matches[..worst_mate].iter().all(|m| m.index < 9),
                    "{}: a lookalike above a mate: {matches:?}",
                    pms[i].id
                );
            }
        }
        eprintln!("cluster mates in the top 3: {found} of {pairs}");
        assert!(found * 10 >= pairs * 8, "{found} of {pairs}");
        // each match says why
        let m = &ranked[0][0];
        assert!(m.reasons.iter().any(|r| r.starts_with("certificate") || r.starts_with("expired")), "{m:?}");
        // deterministic
        assert_eq!(rank(&refs), ranked);
    }
}
