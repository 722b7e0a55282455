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

use super::words::{shard_key, Words, STOP};
use crate::model::{Postmortem, Status};
use crate::render::similar::SAME;
use crate::render::site::Site;
use crate::routes::{Route, SearchFile};
use rayon::prelude::*;
use serde::Serialize;
use std::collections::BTreeMap;

/// How many postmortems' metadata one file holds.
pub(crate) const DOCS_PER_FILE: usize = 500;
/// How much of a body is kept for quoting in results.
const QUOTED_BODY: usize = 20_000;
/// BM25's saturation and length normalisation.
const K1: f64 = 1.2;
const B: f64 = 0.75;

/// The files of the index, by route.
pub(crate) struct Index {
    pub(crate) files: Vec<(Route, Vec<u8>)>,
}

/// One postmortem's words: each term with its weighted count, each word
/// form met with its term, and its weighted length.
struct DocWords {
    terms: BTreeMap<String, f64>,
    forms: BTreeMap<String, String>,
    length: f64,
}

/// Where a text stands, and how much its words count there.
const TITLE: f64 = 3.0;
const TRIGGER: f64 = 2.5;
const ID: f64 = 3.0;
const LABEL: f64 = 2.0;
const PEOPLE: f64 = 2.0;
const HEADING: f64 = 2.0;
const CAUSE: f64 = 1.5;
const ITEM: f64 = 1.5;
const TEXT: f64 = 1.0;

/// The texts of a postmortem with their weights, and the parts a result
/// quotes: (label, anchor on its page, text).
fn texts(site: &Site, i: usize) -> (Vec<(f64, String)>, Vec<(String, String, String)>) {
    let pm: &Postmortem = &site.pms[i];
    let mut weighted: Vec<(f64, String)> = Vec::new();
    let mut quoted: Vec<(String, String, String)> = Vec::new();
    let mut add = |w: f64, label: &str, text: &str, quote: bool| {
        if text.trim().is_empty() {
            return;
        }
        weighted.push((w, text.to_string()));
        if quote {
            quoted.push((label.to_string(), String::new(), text.split_whitespace().collect::<Vec<_>>().join(" ")));
        }
    };
    add(TITLE, "Title", pm.display_title(), false);
    add(ID, "Id", &pm.id, false);
    add(TRIGGER, "Trigger", pm.trigger.as_deref().unwrap_or(""), true);
    add(LABEL, "Area", pm.area.as_deref().unwrap_or(""), false);
    add(LABEL, "Tags", &pm.tags.join(" "), false);
    add(PEOPLE, "Authors", &pm.authors.join(" "), false);
    add(TEXT, "Summary", pm.summary.as_deref().unwrap_or(""), true);
    add(TEXT, "Impact", pm.impact.as_deref().unwrap_or(""), true);
    add(CAUSE, "Root cause", pm.root_cause.as_deref().unwrap_or(""), true);
    add(TEXT, "Five whys", &pm.five_whys.join(" "), true);
    add(TEXT, "Contributing factors", &pm.contributing_factors.join(", "), false);
    let q = &pm.questions;
    for (label, answer) in [("Prevent", &q.prevent), ("Similar", &q.similar), ("Detect", &q.detect), ("Mitigate", &q.mitigate)]
    {
        add(TEXT, label, answer.as_deref().unwrap_or(""), true);
    }
    for item in site.items_of_pm(i) {
        let text = [item.title, item.owner, item.given_id.unwrap_or("")].join(" · ");
        weighted.push((ITEM, item.title.to_string()));
        weighted.push((PEOPLE, item.owner.to_string()));
        weighted.push((ID, item.id.to_string()));
        quoted.push((format!("Action item {}", item.given_id.unwrap_or("")).trim().to_string(), item.anchor.clone(), text));
    }
    let body = crate::load::body(pm, &site.cfg.root);
    let (headings, plain) = plain_text(&body);
    weighted.push((HEADING, headings));
    weighted.push((TEXT, plain.clone()));
    let cut = plain.char_indices().nth(QUOTED_BODY).map_or(plain.len(), |(b, _)| b);
    if cut > 0 {
        quoted.push(("Body".to_string(), String::new(), plain[..cut].to_string()));
    }
    (weighted, quoted)
}

/// A Markdown body as plain text for words and quotes, and its headings
/// apart: markup characters and link targets left out. Not a Markdown
/// parser: good enough to find and quote words, and linear.
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
        let t = t.trim_start_matches(['#', '>', '-', '*', '+', '|', ' ']);
        let mut rest = t;
        while !rest.is_empty() {
            // `](target)` of a link: the target is not text
            if let Some(after) = rest.strip_prefix("](") {
                rest = after.split_once(')').map_or("", |(_, r)| r);
                text.push(' ');
                continue;
            }
            let c = rest.chars().next().unwrap_or(' ');
            if !matches!(c, '*' | '_' | '`' | '[' | ']' | '|' | '<' | '>') {
                text.push(c);
            } else {
                text.push(' ');
            }
            rest = &rest[c.len_utf8()..];
        }
        text.push('\n');
    }
    (headings, text)
}

fn doc_words(weighted: &[(f64, String)], words: &mut Words) -> DocWords {
    let mut d = DocWords { terms: BTreeMap::new(), forms: BTreeMap::new(), length: 0.0 };
    for (w, text) in weighted {
        words.each(text, |form, term| {
            *d.terms.entry(term.to_string()).or_default() += w;
            d.length += w;
            if form != term && !d.forms.contains_key(form) {
                d.forms.insert(form.to_string(), term.to_string());
            }
        });
    }
    d
}

/// A shard: the terms starting with its two characters, each with its
/// postings (document numbers as gaps, and scores), and the word forms
/// starting with them with their terms.
#[derive(Serialize, Default)]
struct Shard {
    t: BTreeMap<String, Vec<u32>>,
    f: BTreeMap<String, String>,
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
    shards: Vec<&'a str>,
    facets: Vec<Facet>,
    /// Short forms and the terms they count as (`cert`: `certif`).
    same: BTreeMap<&'static str, String>,
    stop: &'static [&'static str],
}

/// A postmortem's line in results: title, link from the site's root, start
/// day, severity (or `near miss`), area, status, the badge's class.
type Meta<'a> = (&'a str, String, &'a str, &'a str, &'a str, &'a str, &'a str);

#[derive(Serialize)]
struct Fragment<'a> {
    parts: &'a [(String, String, String)],
}

/// `retroSearch.<method>(<key>, <json>);`
fn script(method: &str, key: &impl Serialize, data: &impl Serialize) -> Vec<u8> {
    let mut out = format!("retroSearch.{method}(").into_bytes();
    // serializing strings, numbers and maps of them cannot fail
    out.extend(serde_json::to_vec(key).unwrap_or_default());
    out.push(b',');
    out.extend(serde_json::to_vec(data).unwrap_or_default());
    out.extend_from_slice(b");\n");
    out
}

/// The index of the site's postmortems.
pub(crate) fn build(site: &Site) -> Index {
    let n = site.pms.len();
    let read: Vec<(DocWords, Vec<(String, String, String)>)> = (0..n)
        .into_par_iter()
        .map_init(Words::new, |words, i| {
            let (weighted, quoted) = texts(site, i);
            (doc_words(&weighted, words), quoted)
        })
        .collect();
    let avg = (read.iter().map(|d| d.0.length).sum::<f64>() / n.max(1) as f64).max(1.0);
    let mut postings: BTreeMap<&str, Vec<(u32, f64)>> = BTreeMap::new();
    let mut forms: BTreeMap<&str, &str> = BTreeMap::new();
    for (doc, (d, _)) in read.iter().enumerate() {
        for (term, tf) in &d.terms {
            postings.entry(term).or_default().push((doc as u32, tf * (K1 + 1.0) / (tf + K1 * (1.0 - B + B * d.length / avg))));
        }
        for (form, term) in &d.forms {
            forms.entry(form).or_insert(term);
        }
    }
    let mut shards: BTreeMap<String, Shard> = BTreeMap::new();
    for (term, list) in postings {
        let df = list.len() as f64;
        let idf = (1.0 + (n as f64 - df + 0.5) / (df + 0.5)).ln();
        let mut flat = Vec::with_capacity(list.len() * 2);
        let mut last = 0;
        for (doc, s) in list {
            flat.push(doc - last);
            // scores in tenths: small integers in the file
            flat.push(((s * idf * 10.0).round() as u32).max(1));
            last = doc;
        }
        shards.entry(shard_key(term)).or_default().t.insert(term.to_string(), flat);
    }
    for (form, term) in forms {
        shards.entry(shard_key(form)).or_default().f.insert(form.to_string(), term.to_string());
    }

    let mut files: Vec<(Route, Vec<u8>)> = Vec::new();
    let keys: Vec<&str> = shards.keys().map(String::as_str).collect();
    let root = Root {
        n,
        per_file: DOCS_PER_FILE,
        shards: keys,
        facets: facets(site),
        same: {
            let words = Words::new();
            SAME.iter().filter_map(|&(short, _)| Some((short, words.term(short)?))).collect()
        },
        stop: STOP,
    };
    files.push((Route::Search(SearchFile::Root), script("root", &(), &root)));
    for (key, shard) in &shards {
        files.push((Route::Search(SearchFile::Shard(key.clone())), script("shard", key, shard)));
    }
    for (k, start) in (0..n).step_by(DOCS_PER_FILE).enumerate() {
        let metas: Vec<Meta> = (start..(start + DOCS_PER_FILE).min(n))
            .map(|i| {
                let r = site.row(i);
                let area = r.area.as_ref().map_or("", |a| a.name.as_str());
                let link = Route::Postmortem(r.id.clone()).link();
                (r.title.as_str(), link, r.date.as_str(), r.severity.as_str(), area, r.status.as_str(), r.sev_class.as_str())
            })
            .collect();
        files.push((Route::Search(SearchFile::Docs(k)), script("docs", &k, &metas)));
    }
    for (i, (_, quoted)) in read.iter().enumerate() {
        files.push((Route::Search(SearchFile::Fragment(i)), script("fragment", &i, &Fragment { parts: quoted })));
    }
    Index { files }
}

/// The facets a search can be narrowed by, each postmortem's value by its
/// number: severity, area, year, status, and incident or near miss when
/// the site has near misses.
fn facets(site: &Site) -> Vec<Facet> {
    let n = site.pms.len();
    let facet = |name, label, value: &dyn Fn(usize) -> String, order: Option<Vec<String>>| {
        let of_each: Vec<String> = (0..n).map(value).collect();
        let mut values: Vec<String> = order.unwrap_or_default();
        for v in &of_each {
            if !values.contains(v) {
                values.push(v.clone());
            }
        }
        if name == "area" || name == "year" {
            values.sort();
        }
        if name == "year" {
            values.reverse();
        }
        let of = of_each.iter().map(|v| values.iter().position(|x| x == v).unwrap_or(0) as u32).collect();
        Facet { name, label, values, of }
    };
    let mut out = vec![
        facet("severity", "Severity", &|i| site.row(i).severity.clone(), Some(site.cfg.severities.clone())),
        facet("area", "Area", &|i| site.row(i).area.as_ref().map_or("—".to_string(), |a| a.name.clone()), None),
        facet("year", "Year", &|i| site.row(i).date.get(..4).unwrap_or("—").to_string(), None),
        facet(
            "status",
            "Status",
            &|i| site.pms[i].status.as_str().to_string(),
            Some([Status::Draft, Status::Review, Status::Final].map(|s| s.as_str().to_string()).to_vec()),
        ),
    ];
    if site.pms.iter().any(|p| p.kind == crate::model::PmKind::NearMiss) {
        out.push(facet("kind", "Kind", &|i| site.pms[i].kind.as_str().to_string(), None));
    }
    // a severity no postmortem has is no filter
    for f in &mut out {
        let used: Vec<bool> = (0..f.values.len()).map(|k| f.of.contains(&(k as u32))).collect();
        if used.iter().all(|u| *u) {
            continue;
        }
        let map: Vec<u32> = used.iter().scan(0u32, |next, &u| {
            let at = *next;
            if u {
                *next += 1;
            }
            Some(at)
        }).collect();
        f.of = f.of.iter().map(|&v| map[v as usize]).collect();
        let mut k = 0;
        f.values.retain(|_| {
            k += 1;
            used[k - 1]
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markdown_is_read_as_text_with_its_headings_apart() {
        let (h, t) = plain_text("# Timeline\nThe **cert** [expired](https://x.example/a_b) at `09:00`.\n```\ncode_here\n```\n");
        assert_eq!(h.trim(), "Timeline");
        assert_eq!(t.split_whitespace().collect::<Vec<_>>().join(" "), "Timeline The cert expired at 09:00 .");
        assert!(!t.contains("x.example") && !t.contains("code_here"), "{t:?}");
    }
}
