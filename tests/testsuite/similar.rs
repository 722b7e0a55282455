//! "Have we seen this before?" on a corpus built to be hard: eight causes,
//! each told four times in other words, under other titles and in other
//! areas, and twelve lookalikes that share an area and tags with a cluster
//! member but not its cause (tests/fixtures/similar/clusters.txt).

use crate::common::*;
use serde_json::Value;
use std::collections::BTreeMap;

/// Each postmortem's cluster, or `lookalike`.
fn clusters() -> BTreeMap<String, String> {
    let text = std::fs::read_to_string(fixture("similar/clusters.txt")).unwrap();
    text.lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        .map(|l| {
            let (id, cluster) = l.split_once(": ").unwrap();
            (id.to_string(), cluster.to_string())
        })
        .collect()
}

/// Each postmortem's similar ones, best first: (id, reasons).
fn similar(out: &std::path::Path) -> BTreeMap<String, Vec<(String, Vec<String>)>> {
    let pms: Value = serde_json::from_str(&std::fs::read_to_string(out.join("api/postmortems.json")).unwrap()).unwrap();
    pms.as_array()
        .unwrap()
        .iter()
        .map(|p| {
            let list = p["similar"]
                .as_array()
                .unwrap()
                .iter()
                .map(|m| {
                    let reasons = m["reasons"].as_array().unwrap().iter().map(|r| r.as_str().unwrap().into()).collect();
                    (m["id"].as_str().unwrap().to_string(), reasons)
                })
                .collect();
            (p["id"].as_str().unwrap().to_string(), list)
        })
        .collect()
}

#[test]
fn recurrences_in_other_words_find_each_other_and_lookalikes_rank_below_them() {
    let o = tempfile::tempdir().unwrap();
    let out = o.path().join("public");
    let r = retro(&fixture("similar"), &["build", "--output", out.to_str().unwrap()]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let clusters = clusters();
    let similar = similar(&out);
    assert_eq!(similar.len(), clusters.len(), "every postmortem of the corpus is in clusters.txt");

    let (mut pairs, mut in_top3, mut lookalike_above_mate, mut members) = (0, 0, 0, 0);
    for (id, cluster) in clusters.iter().filter(|(_, c)| *c != "lookalike") {
        members += 1;
        let mates: Vec<&String> = clusters.iter().filter(|(o, c)| *c == cluster && *o != id).map(|(o, _)| o).collect();
        let list = &similar[id];
        let rank = |other: &str| list.iter().position(|(o, _)| o == other);
        pairs += mates.len();
        in_top3 += mates.iter().filter(|m| rank(m).is_some_and(|r| r < 3)).count();
        let worst_mate = mates.iter().filter_map(|m| rank(m)).max();
        for (at, (other, reasons)) in list.iter().enumerate() {
            let above_a_mate = worst_mate.is_some_and(|w| at < w);
            if above_a_mate && clusters[other] == "lookalike" {
                lookalike_above_mate += 1;
            }
            // a match on area and tags alone never outranks a shared cause
            let labels_only = reasons.iter().all(|r| r.starts_with("same area:") || r.starts_with("shared tag:"));
            assert!(!(labels_only && above_a_mate), "{id}: {other} shares only labels, above a mate: {list:?}");
        }
        // the best match is never a lookalike
        assert_ne!(list.first().map(|(o, _)| clusters[o].as_str()), Some("lookalike"), "{id}: {list:?}");
    }
    let share = in_top3 as f64 / pairs as f64;
    println!(
        "similar incidents on {} postmortems ({members} in 8 clusters, {} lookalikes): \
         cluster mates in the top 3 for {in_top3} of {pairs} pairs ({:.1} %); \
         a lookalike above a mate {lookalike_above_mate} times",
        clusters.len(),
        clusters.len() - members,
        share * 100.0
    );
    assert!(share >= 0.8, "{in_top3} of {pairs}");
    assert!(lookalike_above_mate * 10 <= members, "{lookalike_above_mate} lookalikes above a mate");
    // every match says why, in words of what happened or labels
    assert!(similar.values().flatten().all(|(_, reasons)| !reasons.is_empty()));
}

/// A finished earlier postmortem and a later one that tells the same cause
/// in other words.
fn earlier_and_later(later_status: &str, related: &str) -> TestSite {
    let earlier = COMPLETE.replace("title: Checkout failed", "title: Checkout handshakes failed").replace(
        "five_whys:",
        "root_cause: The certificate renewal job failed silently, so the certificate expired.\nfive_whys:",
    );
    let later = COMPLETE
        .replace("title: Checkout failed", "title: Partner webhooks rejected")
        .replace("area: payments", "area: integrations")
        .replace("2024-03-14", "2024-09-02")
        .replace("2024-04-01", "2024-10-01")
        .replace("2024-04-15", "2024-10-15")
        .replace("status: final", &format!("status: {later_status}\n{related}"))
        .replace("five_whys:", "root_cause: \"Our cert expired because nothing renewed it: the renewal automation skipped it.\"\nfive_whys:");
    site("title = \"t\"\n", &[("2024-03-14-handshakes.md", &earlier), ("2024-09-02-webhooks.md", &later)])
}

#[test]
fn check_notes_a_likely_recurrence_in_a_draft_without_failing() {
    let s = earlier_and_later("draft", "");
    let r = s.run(&["check", "--strict", "--format", "json", "--today", "2024-09-03"]);
    assert_eq!(r.code, 0, "a note never fails a check, even --strict: {}{}", r.stdout, r.stderr);
    let diags: Value = serde_json::from_str(&r.stdout).unwrap();
    let notes: Vec<&Value> = diags.as_array().unwrap().iter().filter(|d| d["code"] == "I001").collect();
    assert_eq!(notes.len(), 1, "{diags:#}");
    assert_eq!(notes[0]["level"], "info");
    assert_eq!(notes[0]["file"], "content/2024-09-02-webhooks.md");
    let message = notes[0]["message"].as_str().unwrap();
    assert!(message.contains("`2024-03-14-handshakes`") && message.contains("certificate (root cause)"), "{message}");
    assert!(notes[0]["hint"].as_str().unwrap().contains("related: [2024-03-14-handshakes]"));
    assert!(r.stderr.contains("no problems in 2 postmortems; 1 note"), "{}", r.stderr);
    // a notice in GitHub's format
    let r = s.run(&["check", "--format", "github", "--today", "2024-09-03"]);
    assert!(r.stdout.starts_with("::notice file=content/2024-09-02-webhooks.md,line=1,"), "{}", r.stdout);
}

#[test]
fn check_notes_no_recurrence_once_linked_or_final() {
    for (status, related) in [("draft", "related: [2024-03-14-handshakes]"), ("final", "")] {
        let r = earlier_and_later(status, related).run(&["check", "--format", "json", "--today", "2024-09-03"]);
        assert_eq!(r.code, 0, "{}", r.stdout);
        assert!(!r.stdout.contains("I001"), "{status} {related}: {}", r.stdout);
    }
}

/// The earlier postmortem's `prevent` item PAY-101 closed done on `closed`;
/// the later incident started on 2024-09-02.
fn fixed_on(closed: &str) -> TestSite {
    let s = earlier_and_later("final", "");
    let earlier = std::fs::read_to_string(s.path().join("content/2024-03-14-handshakes.md")).unwrap().replace(
        "  - title: Load test\n    kind: prevent\n    owner: dana\n    due: 2024-04-15\n",
        &format!("  - id: PAY-101\n    title: Load test\n    kind: prevent\n    owner: dana\n    due: 2024-04-15\n    status: done\n    closed: {closed}\n"),
    );
    s.postmortem("2024-03-14-handshakes.md", &earlier)
}

#[test]
fn a_recurrence_after_a_fix_closed_the_day_before_and_not_the_day_after() {
    for (closed, after_fix) in [("2024-09-01", true), ("2024-09-03", false)] {
        let s = fixed_on(closed);
        let out = s.path().join("public");
        let r = s.run(&["build", "--output", out.to_str().unwrap(), "--today", "2024-12-01"]);
        assert_eq!(r.code, 0, "{}", r.stderr);
        let pms: Value =
            serde_json::from_str(&std::fs::read_to_string(out.join("api/postmortems.json")).unwrap()).unwrap();
        let later = &pms[1];
        assert_eq!(later["id"], "2024-09-02-webhooks");
        let (item, day) =
            if after_fix { (Value::from("PAY-101"), Value::from(closed)) } else { (Value::Null, Value::Null) };
        let want =
            serde_json::json!([{"id": "2024-03-14-handshakes", "after_fix": after_fix, "item": item, "closed": day}]);
        assert_eq!(later["recurrence_of"], want, "closed {closed}");
        assert_eq!(pms[0]["recurrence_of"], serde_json::json!([]));

        let page = |id: &str| std::fs::read_to_string(out.join(format!("postmortems/{id}/index.html"))).unwrap();
        let (earlier_page, later_page) = (page("2024-03-14-handshakes"), page("2024-09-02-webhooks"));
        let trends = std::fs::read_to_string(out.join("trends/index.html")).unwrap();
        assert!(later_page.contains("Possible recurrence of"), "closed {closed}");
        if after_fix {
            assert!(later_page.contains("after <strong>PAY-101</strong>, a prevent item, was closed on 2024-09-01"));
            assert!(earlier_page.contains("May not have held"), "closed {closed}");
            assert!(trends.contains("Fixes that may not have held") && trends.contains("closed 2024-09-01"));
        } else {
            assert!(later_page.contains("none of its prevent items was done before this one started"));
            // closed 2024-09-03, today 2024-12-01: 89 days, nothing since
            assert!(earlier_page.contains("Has held for 89 days"), "closed {closed}");
            assert!(!trends.contains("Fixes that may not have held"));
        }
    }
}
