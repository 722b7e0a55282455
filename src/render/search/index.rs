//! The search index, made at build time and read by the search box in
//! pieces (the idea of Pagefind): a small root file, then only the shards
//! a query needs, the metadata of the postmortems it shows and the text
//! of those it quotes. Every piece is a script that hands its data to
//! `retroSearch` (themes/default/static/search.js), so that the search
//! works from disk too, where browsers refuse `fetch`.
//!
//! Ranking is BM25 over words weighted by where they stand (a title or
//! trigger counts most), computed here: each posting carries its score for
//! its term, and a query adds the scores of its words.

use super::words::{Vocabulary, Words, STOP};
use crate::model::{Postmortem, Status};
use crate::render::similar::{FxMap, SAME};
use crate::render::site::Site;
use crate::routes::{Route, SearchFile};
use rayon::prelude::*;
use serde::Serialize;
use std::borrow::Cow;
use std::collections::BTreeMap;

/// How many postmortems' metadata one file holds.
pub(crate) const DOCS_PER_FILE: usize = 500;
/// How much of a body is kept for quoting in results (bytes, about).
const QUOTED_BODY: usize = 2_000;
/// How many postmortems' quotes one file holds: a result loads its
/// group's.
pub(crate) const QUOTES_PER_FILE: usize = 8;
/// How much of a body is searched: its first bytes of Markdown. The
/// beginning of a postmortem's story says what happened; reading every
/// byte of long bodies would cost more than the rest of the index. A build
/// keeps these bytes in memory from checking (`crate::Reading`).
pub(crate) const SEARCHED_BODY: usize = 4_000;
/// The size a shard is split at (bytes, about): by the next character of
/// its terms, so that a query loads little even for the commonest words.
const SHARD_SIZE: usize = 48 * 1024;
/// BM25's saturation and length normalisation.
const K1: f64 = 1.2;
const B: f64 = 0.75;

/// The files of the index, by route.
pub(crate) struct Index {
    /// The root, the shards and the results' lines.
    files: Vec<(Route, Vec<u8>)>,
    /// The quotes, as the groups of postmortems read made them.
    quotes: Read,
}

impl Index {
    /// The route of every file of the index.
    pub(crate) fn routes(&self) -> impl Iterator<Item = Route> + '_ {
        let quotes = self.quotes.iter().flat_map(|c| c.quotes.iter());
        self.files.iter().map(|(route, _)| route.clone()).chain(quotes.map(|q| q.route()))
    }

    /// Each file's path and a hash of its bytes: `retro serve` writes
    /// again only the files an edit changed.
    pub(crate) fn sums(&self) -> BTreeMap<String, u64> {
        let files = self.files.iter().map(|(route, bytes)| (route.path(), sum(bytes)));
        let quotes = self.quotes.iter().flat_map(|c| c.quotes.iter()).map(|q| (q.route().path(), q.sum));
        files.chain(quotes).collect()
    }

    /// Hands each file that `wanted` selects to `emit`. The bytes of a
    /// file of quotes are handed over, not copied, and not kept: a file of
    /// quotes changes only when its group is read again, which makes it
    /// afresh (and `retro serve` wants only the files whose sums changed).
    pub(crate) fn write(&self, wanted: &dyn Fn(&Route) -> bool, emit: crate::render::Emit) -> std::io::Result<()> {
        for (route, bytes) in self.files.iter().filter(|(route, _)| wanted(route)) {
            emit(crate::render::OutputFile { path: route.path(), bytes: bytes.clone() })?;
        }
        for file in self.quotes.iter().flat_map(|c| c.quotes.iter()) {
            let route = file.route();
            if wanted(&route) {
                if let Some(bytes) = file.take() {
                    emit(crate::render::OutputFile { path: route.path(), bytes })?;
                }
            }
        }
        Ok(())
    }
}

/// A hash of a file's bytes, for [`Index::sums`].
fn sum(bytes: &[u8]) -> u64 {
    use std::hash::BuildHasher;
    crate::render::similar::FxBuild::default().hash_one(bytes)
}

/// A file of quotes: its group's number, a hash of its bytes, and the bytes
/// until they are written.
pub(crate) struct QuoteFile {
    n: usize,
    sum: u64,
    bytes: std::sync::Mutex<Option<Vec<u8>>>,
}

impl QuoteFile {
    fn new(n: usize, bytes: Vec<u8>) -> QuoteFile {
        QuoteFile { n, sum: sum(&bytes), bytes: std::sync::Mutex::new(Some(bytes)) }
    }

    fn route(&self) -> Route {
        Route::Search(SearchFile::Quotes(self.n))
    }

    /// The bytes, if not written yet.
    fn take(&self) -> Option<Vec<u8>> {
        // a thread that panicked holding the lock left the bytes whole
        self.bytes.lock().unwrap_or_else(std::sync::PoisonError::into_inner).take()
    }
}

/// How many postmortems are read together: their words are stemmed once
/// per group, and each group's terms merged into the site's once.
const CHUNK: usize = 64;

/// A group of postmortems' words: its terms by number, the word forms met
/// (with their term numbers), and each postmortem's terms with their
/// weighted counts in its headline (title, trigger, ids, labels, people)
/// and in the rest, and the weighted length of both. Each part saturates
/// on its own (BM25F), so that a word of the title counts fully however
/// long a body repeats another.
pub(crate) struct Chunk {
    vocabulary: Vocabulary,
    docs: Vec<DocTerms>,
    /// The files of quotes of its postmortems.
    quotes: Vec<QuoteFile>,
}

/// A postmortem's terms by number with their weighted counts in the
/// headline and the rest, and the weighted lengths of both.
type DocTerms = (Vec<(u32, [f32; 2])>, [f64; 2]);

/// A quoted part of a postmortem: label, anchor on its page, text (as
/// written: the search box folds its white space).
type Quote<'s> = (Cow<'s, str>, &'s str, Cow<'s, str>);

/// How much a headline hit counts against one in the rest.
const HEADLINE: f64 = 3.0;

/// Where a text stands, and how much its words count there.
const TITLE: f64 = 3.0;
const TRIGGER: f64 = 2.5;
const ID: f64 = 3.0;
const LABEL: f64 = 2.0;
const PEOPLE: f64 = 2.0;
const HEADING: f64 = 1.75;
const CAUSE: f64 = 1.5;
const ITEM: f64 = 1.5;
const TEXT: f64 = 1.0;

/// The texts of a postmortem with their weights, and the parts a result
/// quotes: (label, anchor on its page, text).
fn texts<'s>(site: &'s Site, i: usize) -> (Vec<(f64, Cow<'s, str>)>, Vec<Quote<'s>>) {
    let pm: &Postmortem = &site.pms[i];
    let mut weighted: Vec<(f64, Cow<'s, str>)> = Vec::with_capacity(32);
    let mut quoted: Vec<Quote> = Vec::with_capacity(16);
    let mut add = |w: f64, label: &'static str, text: Cow<'s, str>, quoted_too: bool| {
        if text.trim().is_empty() {
            return;
        }
        if quoted_too {
            quoted.push((Cow::Borrowed(label), "", text.clone()));
        }
        weighted.push((w, text));
    };
    let field = |f: &'s Option<String>| Cow::Borrowed(f.as_deref().unwrap_or(""));
    add(TITLE, "Title", Cow::Borrowed(pm.display_title()), false);
    add(ID, "Id", Cow::Borrowed(&pm.id), false);
    add(TRIGGER, "Trigger", field(&pm.trigger), true);
    add(LABEL, "Area", field(&pm.area), false);
    add(LABEL, "Tags", Cow::Owned(pm.tags.join(" ")), false);
    add(PEOPLE, "Authors", Cow::Owned(pm.authors.join(" ")), false);
    add(TEXT, "Summary", field(&pm.summary), true);
    add(TEXT, "Impact", field(&pm.impact), true);
    add(CAUSE, "Root cause", field(&pm.root_cause), true);
    add(TEXT, "Five whys", Cow::Owned(pm.five_whys.join(" ")), true);
    add(TEXT, "Contributing factors", Cow::Owned(pm.contributing_factors.join(", ")), false);
    let q = &pm.questions;
    for (label, answer) in
        [("Prevent", &q.prevent), ("Similar", &q.similar), ("Detect", &q.detect), ("Mitigate", &q.mitigate)]
    {
        add(TEXT, label, field(answer), true);
    }
    for item in site.items_of_pm(i) {
        let text = [item.title, item.owner, item.given_id.unwrap_or("")].join(" · ");
        let label = format!("Action item {}", item.given_id.unwrap_or("")).trim().to_string();
        quoted.push((Cow::Owned(label), item.anchor.as_str(), Cow::Owned(text)));
        weighted.push((ITEM, Cow::Borrowed(item.title)));
        weighted.push((PEOPLE, Cow::Borrowed(item.owner)));
        weighted.push((ID, Cow::Borrowed(item.id)));
    }
    let kept = site.take_head(i);
    let read = kept.is_none().then(|| crate::load::body_head(pm, &site.cfg.root, SEARCHED_BODY));
    let body = kept.as_deref().or(read.as_deref()).unwrap_or("");
    let (headings, plain) = plain_text(body);
    // the search box folds white space: the quote is cut, not squeezed
    let quote = crate::text::head(plain.trim_start(), QUOTED_BODY).trim_end().to_string();
    if !quote.is_empty() {
        quoted.push((Cow::Borrowed("Body"), "", Cow::Owned(quote)));
    }
    weighted.push((HEADING, Cow::Owned(headings)));
    weighted.push((TEXT, Cow::Owned(plain)));
    (weighted, quoted)
}

/// A Markdown body as plain text for words and quotes, and its headings
/// apart: markup characters and link targets left out. Not a Markdown
/// parser: good enough to find and quote words, and linear, copying runs
/// of text whole.
fn plain_text(body: &str) -> (String, String) {
    let (mut headings, mut text) = (String::new(), String::with_capacity(body.len()));
    let mut fenced = false;
    for line in body.lines() {
        let t = line.trim_start();
        if t.starts_with("```") || t.starts_with("~~~") {
            fenced = !fenced;
            continue;
        }
        if fenced {
            continue;
        }
        if let Some(h) = t.strip_prefix('#') {
            headings.push_str(h.trim_start_matches('#').trim());
            headings.push(' ');
        }
        let mut rest = t.trim_start_matches(['#', '>', '-', '*', '+', '|', ' ']);
        // markup characters are ASCII: the text between them is whole
        while let Some(at) = crate::runs::first(rest.as_bytes(), &MARKUP) {
            text.push_str(&rest[..at]);
            text.push(' ');
            let after = &rest[at + 1..];
            // `](target)` of a link: the target is not text
            rest = if rest[at..].starts_with("](") { after[1..].split_once(')').map_or("", |(_, r)| r) } else { after };
        }
        text.push_str(rest);
        text.push('\n');
    }
    (headings, text)
}

/// The characters of inline markup: `*`, `_`, `` ` ``, `[`, `]`, `|`, `<`, `>`.
static MARKUP: [bool; 256] = crate::runs::marked(b"*_`[]|<>");

/// Every postmortem's words and quotes, in groups of [`CHUNK`]: kept by
/// `retro serve` between edits, which read again only the edited one's
/// group.
pub(crate) type Read = std::sync::Arc<Vec<std::sync::Arc<Chunk>>>;

impl std::fmt::Debug for Chunk {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Chunk({} postmortems, {} terms)", self.docs.len(), self.vocabulary.terms.len())
    }
}

/// Reads the words and quotes of every postmortem.
pub(crate) fn read(site: &Site) -> Read {
    let n = site.pms.len();
    let chunks =
        (0..n.div_ceil(CHUNK)).into_par_iter().map(|c| std::sync::Arc::new(chunk(site, group(c, n)))).collect();
    std::sync::Arc::new(chunks)
}

/// `kept` with the group of postmortem `i` read again.
pub(crate) fn read_again(site: &Site, kept: &Read, i: usize) -> Read {
    let mut chunks: Vec<std::sync::Arc<Chunk>> = kept.as_ref().clone();
    let c = i / CHUNK;
    if c < chunks.len() {
        chunks[c] = std::sync::Arc::new(chunk(site, group(c, site.pms.len())));
    }
    std::sync::Arc::new(chunks)
}

/// The postmortems of group `c`.
fn group(c: usize, n: usize) -> std::ops::Range<usize> {
    c * CHUNK..((c + 1) * CHUNK).min(n)
}

fn chunk(site: &Site, range: std::ops::Range<usize>) -> Chunk {
    let mut words = Words::new();
    // the postmortem's weighted counts by term number, the terms met, and
    // the terms of the text read
    let (mut counts, mut met): (Vec<[f32; 2]>, Vec<u32>) = (Vec::new(), Vec::new());
    let mut read: Vec<u32> = Vec::new();
    let mut quoted: Vec<Vec<Quote>> = Vec::with_capacity(range.len());
    let docs = range
        .clone()
        .map(|i| {
            let mut length = [0.0; 2];
            let (weighted, quotes) = texts(site, i);
            quoted.push(quotes);
            for (w, text) in &weighted {
                let w = *w;
                // the headline's texts are those weighted above the rest's
                let part = usize::from(w < LABEL);
                read.clear();
                words.each(text, &mut read);
                counts.resize(counts.len().max(words.terms.len()), [0.0; 2]);
                for &n in &read {
                    let count = &mut counts[n as usize];
                    // weights are above zero: a count of zero is a term not met
                    if *count == [0.0; 2] {
                        met.push(n);
                    }
                    count[part] += w as f32;
                }
                length[part] += w * read.len() as f64;
            }
            met.sort_unstable();
            let list = met.drain(..).map(|n| (n, std::mem::take(&mut counts[n as usize]))).collect();
            (list, length)
        })
        .collect();
    // chunks start at multiples of the group size: groups lie in one chunk
    let quotes = quoted
        .chunks(QUOTES_PER_FILE)
        .enumerate()
        .map(|(k, group)| {
            let n = range.start / QUOTES_PER_FILE + k;
            QuoteFile::new(n, script("quotes", &n, &group))
        })
        .collect();
    Chunk { vocabulary: words.finish(), docs, quotes }
}

/// A shard: the terms starting with its key, each with its postings
/// (document numbers as gaps, and scores), and the word forms starting
/// with it with their terms. Both lists are sorted, and written as maps.
#[derive(Serialize, Default)]
struct Shard<'a> {
    #[serde(serialize_with = "as_map")]
    t: Vec<(&'a str, &'a [u32])>,
    #[serde(serialize_with = "as_map")]
    f: Vec<(&'a str, &'a str)>,
}

/// Pairs written as a JSON object, in their order.
fn as_map<S: serde::Serializer, V: Serialize>(pairs: &[(&str, V)], s: S) -> Result<S::Ok, S::Error> {
    s.collect_map(pairs.iter().map(|(k, v)| (k, v)))
}

/// One facet: its values and each postmortem's value by number.
#[derive(Serialize)]
struct Facet {
    name: &'static str,
    label: &'static str,
    values: Vec<String>,
    of: Vec<u32>,
}

#[derive(Serialize)]
struct Root<'a> {
    /// How many postmortems, numbered in the site's order (oldest first).
    n: usize,
    per_file: usize,
    quotes_per_file: usize,
    shards: Vec<&'a str>,
    facets: Vec<Facet>,
    /// Short forms and the terms they count as (`cert`: `certif`).
    same: BTreeMap<&'static str, String>,
    stop: &'static [&'static str],
}

/// A postmortem's line in results: title, link from the site's root, start
/// day, severity (or `near miss`), area, status, the badge's class.
type Meta<'a> = (&'a str, String, &'a str, &'a str, &'a str, &'a str, &'a str);

/// `retroSearch.<method>(<key>, <json>);`
fn script(method: &str, key: &impl Serialize, data: &impl Serialize) -> Vec<u8> {
    let mut out = format!("retroSearch.{method}(").into_bytes();
    // serializing strings, numbers and maps of them into memory cannot fail
    let _ = serde_json::to_writer(&mut out, key);
    out.push(b',');
    let _ = serde_json::to_writer(&mut out, data);
    out.extend_from_slice(b");\n");
    // kept until the site is written: the room a growing buffer doubled
    // into is given back (at 10,000 postmortems, 76 MB of buffers would
    // hold 40 MB of quotes)
    out.shrink_to_fit();
    out
}

/// The index of the site's postmortems.
pub(crate) fn build(site: &Site, chunks: &Read) -> Index {
    let n = site.pms.len();
    let lengths = || chunks.iter().flat_map(|c| c.docs.iter().map(|d| d.1));
    let avg = |part: usize| (lengths().map(|l| l[part]).sum::<f64>() / n.max(1) as f64).max(1.0);
    let avg = [avg(0), avg(1)];
    let saturated = |tf: f64, len: f64, avg: f64| tf * (K1 + 1.0) / (tf + K1 * (1.0 - B + B * len / avg));
    // the site's terms, numbered as first met; each chunk's numbers
    // mapped; how many postmortems have each term
    let mut number: FxMap<&str, u32> = FxMap::default();
    let mut terms: Vec<&str> = Vec::new();
    let mut df: Vec<u32> = Vec::new();
    let mut forms: FxMap<&str, u32> = FxMap::default();
    let globals: Vec<Vec<u32>> = chunks
        .iter()
        .map(|c| {
            let global: Vec<u32> = c
                .vocabulary
                .terms
                .iter()
                .map(|t| {
                    *number.entry(t.as_str()).or_insert_with(|| {
                        terms.push(t.as_str());
                        df.push(0);
                        (terms.len() - 1) as u32
                    })
                })
                .collect();
            for (form, k) in &c.vocabulary.forms {
                forms.entry(form.as_str()).or_insert(global[*k as usize]);
            }
            for &(k, _) in c.docs.iter().flat_map(|(list, _)| list) {
                df[global[k as usize] as usize] += 1;
            }
            global
        })
        .collect();
    let idf: Vec<f64> =
        df.iter().map(|&df| (1.0 + (n as f64 - f64::from(df) + 0.5) / (f64::from(df) + 0.5)).ln()).collect();
    // each term's postings as numbers: gaps between documents, and scores
    let mut scored: Vec<Vec<u32>> = df.iter().map(|&df| Vec::with_capacity(2 * df as usize)).collect();
    let mut last = vec![0u32; terms.len()];
    let docs = chunks.iter().zip(&globals).flat_map(|(c, global)| c.docs.iter().map(move |d| (d, global)));
    for (doc, ((list, len), global)) in docs.enumerate() {
        let doc = doc as u32;
        for &(k, tf) in list {
            let t = global[k as usize] as usize;
            let s = HEADLINE * saturated(tf[0].into(), len[0], avg[0]) + saturated(tf[1].into(), len[1], avg[1]);
            scored[t].push(doc - last[t]);
            // scores in tenths: small integers in the file
            scored[t].push(((s * idf[t] * 10.0).round() as u32).max(1));
            last[t] = doc;
        }
    }
    let mut sorted: Vec<(&str, &[u32])> = terms.iter().zip(&scored).map(|(t, p)| (*t, p.as_slice())).collect();
    sorted.sort_unstable_by_key(|t| t.0);
    let mut forms: Vec<(&str, &str)> = forms.into_iter().map(|(f, k)| (f, terms[k as usize])).collect();
    forms.sort_unstable();
    let keys = shard_keys(&sorted, &forms);
    let number_of: FxMap<&str, usize> = keys.iter().enumerate().map(|(k, key)| (key.as_str(), k)).collect();
    let key_of = |word: &str| -> usize {
        // the longest key the word starts with: its first two characters
        // are one, and each longer key's shorter prefixes are keys too
        let ends = word.char_indices().map(|(i, c)| i + c.len_utf8()).skip(1);
        ends.map_while(|end| number_of.get(&word[..end]).copied()).last().unwrap_or(0)
    };
    let mut shards: Vec<Shard> = keys.iter().map(|_| Shard::default()).collect();
    for (term, flat) in sorted {
        shards[key_of(term)].t.push((term, flat));
    }
    for (form, term) in forms {
        shards[key_of(form)].f.push((form, term));
    }
    // a key all of whose words lie in longer keys' shards has no file
    let (keys, shards): (Vec<String>, Vec<Shard>) =
        keys.into_iter().zip(shards).filter(|(_, s)| !(s.t.is_empty() && s.f.is_empty())).unzip();

    let mut files: Vec<(Route, Vec<u8>)> = Vec::new();
    let root = Root {
        n,
        per_file: DOCS_PER_FILE,
        quotes_per_file: QUOTES_PER_FILE,
        shards: keys.iter().map(String::as_str).collect(),
        facets: facets(site),
        same: {
            let words = Words::new();
            SAME.iter().filter_map(|&(short, _)| Some((short, words.term(short)?))).collect()
        },
        stop: STOP,
    };
    files.push((Route::Search(SearchFile::Root), script("root", &(), &root)));
    for (key, shard) in keys.iter().zip(&shards) {
        files.push((Route::Search(SearchFile::Shard(key.clone())), script("shard", key, shard)));
    }
    for (k, start) in (0..n).step_by(DOCS_PER_FILE).enumerate() {
        let metas: Vec<Meta> = (start..(start + DOCS_PER_FILE).min(n))
            .map(|i| {
                let r = site.row(i);
                let area = r.area.as_ref().map_or("", |a| a.name.as_str());
                let link = Route::Postmortem(r.id.clone()).link();
                (
                    r.title.as_str(),
                    link,
                    r.date.as_str(),
                    r.severity.as_str(),
                    area,
                    r.status.as_str(),
                    r.sev_class.as_str(),
                )
            })
            .collect();
        files.push((Route::Search(SearchFile::Docs(k)), script("docs", &k, &metas)));
    }
    Index { files, quotes: chunks.clone() }
}

/// The keys of the shards: the first two characters of the terms and word
/// forms, and longer prefixes where a shard would pass [`SHARD_SIZE`]: a
/// word lies in the shard of the longest key it starts with. Sorted.
fn shard_keys(terms: &[(&str, &[u32])], forms: &[(&str, &str)]) -> Vec<String> {
    // each word's size in its shard, about: its text and its postings
    let mut sized: Vec<(&str, usize)> = terms.iter().map(|(t, p)| (*t, t.len() + 4 + p.len() * 3)).collect();
    sized.extend(forms.iter().map(|(f, t)| (*f, f.len() + t.len() + 6)));
    sized.sort_unstable();
    let mut keys = Vec::new();
    split(&sized, 2, &mut keys);
    keys.sort();
    keys.dedup();
    keys
}

/// Adds the keys of `words` (sorted, sharing their first `depth - 1`
/// characters) by their first `depth` characters, splitting a group too
/// large by one more.
fn split(words: &[(&str, usize)], depth: usize, keys: &mut Vec<String>) {
    // a word's first `depth` characters, and whether it has more
    fn first(w: &str, depth: usize) -> (&str, bool) {
        match w.char_indices().nth(depth) {
            Some((end, _)) => (&w[..end], true),
            None => (w, false),
        }
    }
    let prefix = |w| first(w, depth);
    let mut start = 0;
    while start < words.len() {
        let key = prefix(words[start].0).0;
        let end = start + words[start..].iter().take_while(|(w, _)| prefix(w).0 == key).count();
        let group = &words[start..end];
        let size: usize = group.iter().map(|g| g.1).sum();
        keys.push(key.to_string());
        if size > SHARD_SIZE {
            // the words no longer than the key stay in its shard
            let longer: Vec<(&str, usize)> = group.iter().copied().filter(|(w, _)| prefix(w).1).collect();
            split(&longer, depth + 1, keys);
        }
        start = end;
    }
}

/// The facets a search can be narrowed by, each postmortem's value by its
/// number: severity, area, year, status, and incident or near miss when
/// the site has near misses.
fn facets(site: &Site) -> Vec<Facet> {
    let n = site.pms.len();
    // `order`: the values in the order to show them, those no postmortem
    // has left out (a severity nobody has is no filter); others follow
    // in the order met
    let facet = |name, label, value: &dyn Fn(usize) -> String, order: &[&str]| {
        let of_each: Vec<String> = (0..n).map(value).collect();
        let mut values: Vec<String> =
            order.iter().filter(|o| of_each.iter().any(|v| v == *o)).map(|o| o.to_string()).collect();
        for v in &of_each {
            if !values.contains(v) {
                values.push(v.clone());
            }
        }
        if name == "area" {
            values.sort();
        }
        if name == "year" {
            values.sort_by(|a, b| b.cmp(a));
        }
        let of = of_each.iter().map(|v| values.iter().position(|x| x == v).unwrap_or(0) as u32).collect();
        Facet { name, label, values, of }
    };
    let severities: Vec<&str> = site.cfg.severities.iter().map(String::as_str).collect();
    let mut out = vec![
        facet("severity", "Severity", &|i| site.row(i).severity.clone(), &severities),
        facet("area", "Area", &|i| site.row(i).area.as_ref().map_or("—".to_string(), |a| a.name.clone()), &[]),
        facet("year", "Year", &|i| site.row(i).date.get(..4).unwrap_or("—").to_string(), &[]),
        facet("status", "Status", &|i| site.pms[i].status.as_str().to_string(), Status::WORDS),
    ];
    if site.pms.iter().any(|p| p.kind == crate::model::PmKind::NearMiss) {
        out.push(facet("kind", "Kind", &|i| site.pms[i].kind.as_str().to_string(), &[]));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markdown_is_read_as_text_with_its_headings_apart() {
        let (h, t) = plain_text(
            "# Timeline\nThe **cert** [expired](https://x.example/a_b) at `09:00` (UTC).\n```\ncode_here\n```\n",
        );
        assert_eq!(h.trim(), "Timeline");
        assert_eq!(t.split_whitespace().collect::<Vec<_>>().join(" "), "Timeline The cert expired at 09:00 (UTC).");
        assert!(!t.contains("x.example") && !t.contains("code_here"), "{t:?}");
    }
}
