//! "Related postmortems": those a postmortem links in `related` (either
//! way), then those sharing its tags, then its area.

use crate::model::Postmortem;
use std::collections::HashMap;

/// Indexes for "related postmortems", built once per build.
pub(crate) struct Related<'p> {
    /// `related` both ways.
    linked: Vec<Vec<usize>>,
    by_area: HashMap<&'p str, Vec<usize>>,
    by_tag: HashMap<&'p str, Vec<usize>>,
}

impl<'p> Related<'p> {
    pub(crate) fn new(pms: &[&'p Postmortem]) -> Related<'p> {
        let by_id: HashMap<&str, usize> = pms.iter().enumerate().map(|(i, p)| (p.id.as_str(), i)).collect();
        let mut linked: Vec<Vec<usize>> = vec![Vec::new(); pms.len()];
        let mut by_area: HashMap<&str, Vec<usize>> = HashMap::new();
        let mut by_tag: HashMap<&str, Vec<usize>> = HashMap::new();
        for (i, pm) in pms.iter().enumerate() {
            for rel in &pm.related {
                if let Some(&j) = by_id.get(rel.trim()) {
                    if i != j {
                        linked[i].push(j);
                        linked[j].push(i);
                    }
                }
            }
            if let Some(a) = pm.area.as_deref() {
                by_area.entry(a).or_default().push(i);
            }
            for t in &pm.tags {
                by_tag.entry(t.as_str()).or_default().push(i);
            }
        }
        Related { linked, by_area, by_tag }
    }

    /// Up to six postmortems related to `i`: linked both ways first, then
    /// shared tags, then the same area; the newest first on ties.
    pub(crate) fn of(&self, pm: &Postmortem, i: usize) -> Vec<usize> {
        // at most a few hundred candidates: a sorted list beats a map
        let mut votes: Vec<(usize, i64)> = Vec::with_capacity(160);
        votes.extend(self.linked[i].iter().map(|&j| (j, 1000)));
        for t in &pm.tags {
            let tagged = self.by_tag.get(t.as_str()).map(Vec::as_slice).unwrap_or(&[]);
            votes.extend(tagged.iter().rev().take(50).map(|&j| (j, 10)));
        }
        if let Some(a) = pm.area.as_deref() {
            let same = self.by_area.get(a).map(Vec::as_slice).unwrap_or(&[]);
            votes.extend(same.iter().rev().take(50).map(|&j| (j, 5)));
        }
        votes.sort_unstable_by_key(|v| v.0);
        let mut ranked: Vec<(usize, i64)> = Vec::with_capacity(votes.len());
        for (j, s) in votes {
            match ranked.last_mut() {
                Some(last) if last.0 == j => last.1 += s,
                _ if j == i => {}
                _ => ranked.push((j, s)),
            }
        }
        // a total order (indices are unique): the best six, then in order
        let order = |a: &(usize, i64), b: &(usize, i64)| b.1.cmp(&a.1).then(b.0.cmp(&a.0));
        if ranked.len() > 6 {
            ranked.select_nth_unstable_by(5, order);
            ranked.truncate(6);
        }
        ranked.sort_by(order);
        ranked.into_iter().map(|(j, _)| j).collect()
    }
}

/// Which postmortem pages list postmortem `x` among their related ones,
/// in `before` or in `after` (the same postmortems in the same order, `x`
/// edited): the pages to render again besides `x`'s own.
pub(crate) fn related_to(before: &[&Postmortem], after: &[&Postmortem], x: usize) -> Vec<usize> {
    let (rb, ra) = (Related::new(before), Related::new(after));
    let mut candidates = std::collections::BTreeSet::new();
    for (rel, pms) in [(&rb, before), (&ra, after)] {
        candidates.extend(rel.linked[x].iter().copied());
        let pm = pms[x];
        for t in &pm.tags {
            candidates.extend(rel.by_tag.get(t.as_str()).into_iter().flatten().copied());
        }
        if let Some(a) = pm.area.as_deref() {
            candidates.extend(rel.by_area.get(a).into_iter().flatten().copied());
        }
    }
    candidates.remove(&x);
    candidates.into_iter().filter(|&j| rb.of(before[j], j).contains(&x) || ra.of(after[j], j).contains(&x)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Config;
    use std::collections::BTreeMap;

    /// The definition, counted plainly: every vote of every list, summed per
    /// postmortem, best score first, then the newest.
    fn related_by_counting(pms: &[&Postmortem], i: usize) -> Vec<usize> {
        let index: HashMap<&str, usize> = pms.iter().enumerate().map(|(k, p)| (p.id.as_str(), k)).collect();
        let mut score: BTreeMap<usize, i64> = BTreeMap::new();
        for (k, p) in pms.iter().enumerate() {
            for r in &p.related {
                match index.get(r.trim()) {
                    Some(&j) if k == i && j != i => *score.entry(j).or_default() += 1000,
                    Some(&j) if j == i && k != i => *score.entry(k).or_default() += 1000,
                    _ => {}
                }
            }
        }
        let pm = pms[i];
        let newest = |matches: &dyn Fn(&Postmortem) -> usize| -> Vec<usize> {
            let all: Vec<usize> = (0..pms.len()).flat_map(|k| std::iter::repeat_n(k, matches(pms[k]))).collect();
            all[all.len().saturating_sub(50)..].to_vec()
        };
        for t in &pm.tags {
            for k in newest(&|p: &Postmortem| p.tags.iter().filter(|x| *x == t).count()) {
                *score.entry(k).or_default() += 10;
            }
        }
        if let Some(a) = &pm.area {
            for k in newest(&|p: &Postmortem| usize::from(p.area.as_ref() == Some(a))) {
                *score.entry(k).or_default() += 5;
            }
        }
        score.remove(&i);
        let mut ranked: Vec<(usize, i64)> = score.into_iter().collect();
        ranked.sort_by(|a, b| b.1.cmp(&a.1).then(b.0.cmp(&a.0)));
        ranked.into_iter().take(6).map(|(j, _)| j).collect()
    }

    #[test]
    fn related_postmortems_are_the_best_six_by_votes() {
        let cfg = Config::defaults(std::path::Path::new("/s"));
        let mut seed = 7u64;
        let mut next = |n: u64| {
            seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            (seed >> 33) % n
        };
        let tags = ["db", "dns", "deploy", "cache", "tls", "queue"];
        let pms: Vec<Postmortem> = (0..400)
            .map(|k| {
                let tag_list: Vec<&str> = (0..next(4)).map(|_| tags[next(6) as usize]).collect();
                let related: Vec<String> = (0..next(3)).map(|_| format!("p{}", next(420))).collect();
                let text = format!(
                    "---\nid: p{k}\ntitle: t\narea: a{}\ntags: [{}]\nrelated: [{}]\n---\nBody.\n",
                    next(4),
                    tag_list.join(", "),
                    related.join(", ")
                );
                let src = crate::load::SourceFile { rel: format!("content/p{k}.md"), text };
                crate::validate::check_file(&src, &cfg).checked.unwrap().pm
            })
            .collect();
        let refs: Vec<&Postmortem> = pms.iter().collect();
        let related = Related::new(&refs);
        for i in 0..refs.len() {
            assert_eq!(related.of(refs[i], i), related_by_counting(&refs, i), "postmortem {i}");
        }
    }
}
