//! `retro build`: the JSON exports of FORMAT.md section 5, with metrics
//! checked against hand computations, reproducibility and atomic output.

use crate::common::*;
use serde_json::{json, Value};
use std::path::Path;

fn read_json(path: &Path) -> Value {
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

fn build_metrics_fixture(today: &str) -> (tempfile::TempDir, Value, Value, Value) {
    let out = tempfile::tempdir().unwrap();
    let o = out.path().join("site");
    let r = retro(&fixture("metrics"), &["build", "--output", o.to_str().unwrap(), "--today", today]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let m = read_json(&o.join("api/metrics.json"));
    let p = read_json(&o.join("api/postmortems.json"));
    let a = read_json(&o.join("api/action-items.json"));
    (out, m, p, a)
}

fn close(v: &Value, expected: f64) {
    let x = v.as_f64().unwrap_or_else(|| panic!("not a number: {v}"));
    assert!((x - expected).abs() < 1e-9, "{x} != {expected}");
}

/// tests/fixtures/metrics: four incidents in Europe/Berlin, by hand:
/// c 2025-01-15 SEV3 search   TTD 30 TTM 90  TTR 180
/// a 2025-04-01 00:30 Berlin (2025-03-31 22:30Z) SEV1 payments TTD 20 TTM 60 TTR 240
/// b 2025-05-10 SEV2 search   TTD 5  TTM 35
/// d 2025-06-30 23:59 Berlin  SEV2 payments TTD 10 TTA 10 TTM 130 (across midnight)
#[test]
fn quarter_metrics_match_hand_computation() {
    let (_o, m, _, _) = build_metrics_fixture("2025-08-01");
    assert_eq!(m["today"], "2025-08-01");
    assert_eq!(m["timezone"], "Europe/Berlin");
    let qs = m["quarters"].as_array().unwrap();
    // to today's quarter, which is not complete
    assert_eq!(qs.len(), 3);
    let complete: Vec<&Value> = qs.iter().map(|q| &q["complete"]).collect();
    assert_eq!(complete, [&json!(true), &json!(true), &json!(false)]);
    assert_eq!((&qs[2]["quarter"], &qs[2]["incidents"]), (&json!("2025-Q3"), &json!(0)));

    let q1 = &qs[0];
    assert_eq!(q1["quarter"], "2025-Q1");
    assert_eq!(q1["incidents"], 1);
    assert_eq!(q1["by_severity"], json!({"SEV1": 0, "SEV2": 0, "SEV3": 1, "SEV4": 0}));
    assert_eq!(q1["by_area"], json!({"search": 1}));
    assert_eq!(q1["ttd_minutes"], json!({"median": 30.0, "median_ci95": null, "p90": 30.0}));
    close(&q1["undetected_share"], 30.0 / 90.0);
    // SRCH-0 is opened in Q1, closed on 2025-04-02 (Q2): open at the end of Q1
    assert_eq!(q1["action_items"], json!({"opened": 1, "closed": 0, "open_at_end": 1}));

    let q2 = &qs[1];
    assert_eq!(q2["quarter"], "2025-Q2", "a starts on 04-01 in Berlin");
    assert_eq!(q2["incidents"], 3);
    assert_eq!(q2["by_severity"], json!({"SEV1": 1, "SEV2": 2, "SEV3": 0, "SEV4": 0}));
    assert_eq!(q2["by_area"], json!({"payments": 2, "search": 1}));
    // TTD [5, 10, 20]: median 10, p90 h = 1.8 → 10 + 0.8·10 = 18
    assert_eq!(q2["ttd_minutes"], json!({"median": 10.0, "median_ci95": null, "p90": 18.0}));
    // TTM [35, 60, 130]: median 60, p90 → 60 + 0.8·70 = 116
    assert_eq!(q2["ttm_minutes"], json!({"median": 60.0, "median_ci95": null, "p90": 116.0}));
    assert_eq!(q2["ttr_minutes"], json!({"median": 240.0, "median_ci95": null, "p90": 240.0}));
    // (20 + 5 + 10) / (60 + 35 + 130)
    close(&q2["undetected_share"], 35.0 / 225.0);
    // opened: PAY-1, PAY-2, SRCH-1; closed in Q2: SRCH-0 (04-02), PAY-1 (04-05); open at 06-30: PAY-2, SRCH-1
    assert_eq!(q2["action_items"], json!({"opened": 3, "closed": 2, "open_at_end": 2}));

    let t = &m["total"];
    assert_eq!(t["incidents"], 4);
    assert_eq!(t["by_severity"], json!({"SEV1": 1, "SEV2": 2, "SEV3": 1, "SEV4": 0}));
    assert_eq!(t["by_area"], json!({"payments": 2, "search": 2}));
    // TTD [5, 10, 20, 30]: median 15, p90 h = 2.7 → 20 + 0.7·10 = 27
    close(&t["ttd_minutes"]["median"], 15.0);
    close(&t["ttd_minutes"]["p90"], 27.0);
    // TTM [35, 60, 90, 130]: median 75, p90 → 90 + 0.7·40 = 118
    close(&t["ttm_minutes"]["median"], 75.0);
    close(&t["ttm_minutes"]["p90"], 118.0);
    // TTR [180, 240]: median 210, p90 h = 0.9 → 180 + 0.9·60 = 234
    close(&t["ttr_minutes"]["median"], 210.0);
    close(&t["ttr_minutes"]["p90"], 234.0);
    close(&t["undetected_share"], 65.0 / 315.0);
    // PAY-2 due 05-01 is overdue on 08-01; SRCH-1 due 08-01 is not (due today)
    assert_eq!(t["action_items"], json!({"opened": 4, "closed": 2, "open": 2, "overdue": 1}));
}

#[test]
fn postmortems_json_is_sorted_by_start_instant_with_durations() {
    let (_o, _, p, _) = build_metrics_fixture("2025-08-01");
    let ids: Vec<&str> = p.as_array().unwrap().iter().map(|x| x["id"].as_str().unwrap()).collect();
    assert_eq!(ids, ["c-search-index", "a-payments-pool", "b-search-latency", "d-payments-midnight"]);
    let d = &p[3];
    assert_eq!(d["quarter"], "2025-Q2");
    assert_eq!(d["url"], "/postmortems/d-payments-midnight/");
    assert_eq!(d["started"], "2025-06-30T21:59:00Z", "timestamps are written as given");
    assert_eq!(d["acknowledged"], "2025-06-30T22:19:00Z");
    assert_eq!(d["resolved"], Value::Null);
    assert_eq!((d["ttd_minutes"].as_f64(), d["tta_minutes"].as_f64()), (Some(10.0), Some(10.0)));
    assert_eq!((d["ttm_minutes"].as_f64(), d["ttr_minutes"].clone()), (Some(130.0), Value::Null));
    assert_eq!(d["status"], "draft");
    // a draft SEV2 without action items: 9 fields (no resolved before final) + whys + 4 questions
    // + items required + unknown keys + blame = 17 checks; W004 fails one
    close(&d["completeness"]["score"], 16.0 / 17.0);
    assert_eq!(d["completeness"]["problems"][0]["code"], "W004");
    assert_eq!(d["completeness"]["problems"][0]["level"], "warning");
    let b = &p[2];
    assert_eq!(b["started"], "2025-05-10T10:00:00+02:00");
    assert_eq!(b["action_items"][0]["id"], "SRCH-1");
    assert!(b["action_items"][0].get("postmortem").is_none());
    let keys: Vec<&str> = p[0].as_object().unwrap().keys().map(String::as_str).collect();
    assert_eq!(keys.len(), 27, "{keys:?}");
    // the fixture sets no review deadline
    assert_eq!((&p[0]["review_due"], &p[0]["review_overdue"]), (&Value::Null, &Value::from(false)));
}

#[test]
fn action_items_have_state_and_age_as_of_today() {
    let (_o, _, _, a) = build_metrics_fixture("2025-08-01");
    let rows: Vec<(&str, &str, bool, i64, Option<i64>)> = a
        .as_array()
        .unwrap()
        .iter()
        .map(|x| {
            (
                x["postmortem"].as_str().unwrap(),
                x["id"].as_str().unwrap(),
                x["overdue"].as_bool().unwrap(),
                x["age_days"].as_i64().unwrap(),
                x["days_overdue"].as_i64(),
            )
        })
        .collect();
    assert_eq!(
        rows,
        [
            ("c-search-index", "SRCH-0", false, 77, None),     // closed 04-02 − 01-15
            ("a-payments-pool", "PAY-1", false, 4, None),      // closed 04-05 − 04-01 (Berlin start day)
            ("a-payments-pool", "PAY-2", true, 122, Some(92)), // today 08-01 − 04-01; due 05-01: 92 days overdue
            ("b-search-latency", "SRCH-1", false, 83, None),   // today 08-01 − 05-10, due today
        ]
    );
    let keys: Vec<&str> = a[0].as_object().unwrap().keys().map(String::as_str).collect();
    assert_eq!(
        keys,
        [
            "postmortem",
            "id",
            "title",
            "kind",
            "owner",
            "due",
            "status",
            "closed",
            "link",
            "overdue",
            "age_days",
            "days_overdue"
        ]
    );
}

#[test]
fn today_flag_beats_source_date_epoch_which_beats_the_clock() {
    let o = tempfile::tempdir().unwrap();
    let out = o.path().join("s");
    let out = out.to_str().unwrap();
    // 1750000000 = 2025-06-15T15:06:40Z
    let env = [("SOURCE_DATE_EPOCH", "1750000000")];
    retro_env(&fixture("metrics"), &["build", "--output", out], &env);
    assert_eq!(read_json(&Path::new(out).join("api/metrics.json"))["today"], "2025-06-15");
    retro_env(&fixture("metrics"), &["build", "--output", out, "--today", "2025-08-01"], &env);
    assert_eq!(read_json(&Path::new(out).join("api/metrics.json"))["today"], "2025-08-01");
    let r = retro_env(&fixture("metrics"), &["build", "--output", out], &[("SOURCE_DATE_EPOCH", "tomorrow")]);
    assert_eq!(r.code, 2);
}

#[test]
fn two_builds_of_the_same_input_are_byte_identical() {
    let o = tempfile::tempdir().unwrap();
    let (x, y) = (o.path().join("x"), o.path().join("y"));
    for out in [&x, &y] {
        let r = retro(&fixture("metrics"), &["build", "--output", out.to_str().unwrap(), "--today", "2025-08-01"]);
        assert_eq!(r.code, 0);
    }
    let (a, b) = (files(&x), files(&y));
    let rel = |root: &std::path::Path, l: &[std::path::PathBuf]| -> Vec<String> {
        l.iter().map(|p| p.strip_prefix(root).unwrap().to_string_lossy().into_owned()).collect()
    };
    assert_eq!(rel(&x, &a), rel(&y, &b), "the same files");
    assert!(a.iter().any(|p| p.to_string_lossy().contains("/search/t/")), "the search index is among them");
    for (p, q) in a.iter().zip(&b) {
        assert_eq!(std::fs::read(p).unwrap(), std::fs::read(q).unwrap(), "{}", p.display());
    }
}

#[test]
fn a_failed_build_leaves_the_previous_output_untouched() {
    let s = fixture_copy("metrics");
    let r = s.run(&["build", "--today", "2025-08-01"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let before = std::fs::read(s.path().join("public/api/metrics.json")).unwrap();
    std::fs::write(s.path().join("content/broken.md"), "---\ntitle: [unclosed\n---\n").unwrap();
    let r = s.run(&["build", "--today", "2026-01-01"]);
    assert_eq!(r.code, 1);
    assert!(r.stderr.contains("error[E005]"), "{}", r.stderr);
    assert!(r.stderr.contains("--> content/broken.md:2:"), "{}", r.stderr);
    assert!(r.stderr.contains("the previous site is unchanged"), "{}", r.stderr);
    assert_eq!(std::fs::read(s.path().join("public/api/metrics.json")).unwrap(), before);
}

#[test]
fn base_url_prefixes_urls_from_site_toml_or_the_flag() {
    let s = fixture_copy("metrics");
    let toml = std::fs::read_to_string(s.path().join("site.toml")).unwrap();
    std::fs::write(s.path().join("site.toml"), format!("{toml}base_url = \"/handbook\"\n")).unwrap();
    s.run(&["build", "--today", "2025-08-01"]);
    let p = read_json(&s.path().join("public/api/postmortems.json"));
    assert_eq!(p[0]["url"], "/handbook/postmortems/c-search-index/");
    s.run(&["build", "--today", "2025-08-01", "--base-url", "https://example.com/pm/"]);
    let p = read_json(&s.path().join("public/api/postmortems.json"));
    assert_eq!(p[0]["url"], "https://example.com/pm/postmortems/c-search-index/");
    assert_eq!(s.run(&["build", "--base-url", "example.com"]).code, 2);
}

#[test]
fn the_example_site_checks_and_builds() {
    let root = repo_root();
    let o = tempfile::tempdir().unwrap();
    let out = o.path().join("public");
    let r = retro(&root, &["build", "--output", out.to_str().unwrap(), "--today", "2026-11-22"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let p = read_json(&out.join("api/postmortems.json"));
    let n = p.as_array().unwrap().len();
    assert!((15..=25).contains(&n), "{n} postmortems");
    let m = read_json(&out.join("api/metrics.json"));
    assert!(m["quarters"].as_array().unwrap().len() >= 6);
    // drafts with visible gaps warn, but nothing final is incomplete
    let r = retro(&root, &["check", "--format", "json"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(json_diags(&r.stdout).iter().all(|d| d.1 == "warning"));
}

/// A site of `n` incidents in 2025-Q1 whose times to detect are 1, 2, …, n
/// minutes (incident k detected k minutes after it started).
fn ttd_site(n: usize) -> TestSite {
    let mut s = TestSite::with_config("title = \"CI\"\n");
    std::fs::create_dir_all(s.path().join("content")).unwrap();
    for k in 1..=n {
        s = s.postmortem(
            &format!("i{k}.md"),
            &format!(
                "---\ntitle: Incident {k}\nseverity: SEV3\nstatus: draft\ntimeline:\n  started: 2025-02-{k:02}T10:00:00Z\n  detected: 2025-02-{k:02}T10:{k:02}:00Z\n---\nBody.\n"
            ),
        );
    }
    s
}

/// The median's 95 % interval is [x_k, x_(n+1-k)] with k the largest
/// integer where P(Binomial(n, ½) ≤ k − 1) ≤ 0.025, by hand:
/// n = 5: none (1/32 > 0.025); 6: k = 1 (1/64); 7: k = 1 (8/128 > 0.025 for
/// k = 2); 20: k = 6 (P(≤ 5) = 0.0207, P(≤ 6) = 0.0577); 0: no median.
#[test]
fn median_intervals_and_years_in_metrics_json_match_hand_computation() {
    for (n, median, ci) in [
        (0, Value::Null, Value::Null),
        (5, json!(3.0), Value::Null),
        (6, json!(3.5), json!([1.0, 6.0])),
        (7, json!(4.0), json!([1.0, 7.0])),
        (20, json!(10.5), json!([6.0, 15.0])),
    ] {
        let s = ttd_site(n);
        let out = tempfile::tempdir().unwrap();
        let o = out.path().join("site");
        let r = retro(s.path(), &["build", "--output", o.to_str().unwrap(), "--today", "2026-03-10"]);
        assert_eq!(r.code, 0, "{}", r.stderr);
        let m = read_json(&o.join("api/metrics.json"));
        let total = &m["total"]["ttd_minutes"];
        assert_eq!((&total["median"], &total["median_ci95"]), (&median, &ci), "total of n = {n}");
        if n == 0 {
            assert_eq!(m["quarters"], json!([]));
            assert_eq!(m["years"], json!([]));
            continue;
        }
        // quarters 2025-Q1 … 2026-Q1 (today's), years 2025 and 2026
        let q = &m["quarters"][0];
        assert_eq!((&q["quarter"], &q["complete"]), (&json!("2025-Q1"), &json!(true)));
        assert_eq!((&q["ttd_minutes"]["median"], &q["ttd_minutes"]["median_ci95"]), (&median, &ci));
        let years = m["years"].as_array().unwrap();
        assert_eq!(years.len(), 2);
        let (y, now) = (&years[0], &years[1]);
        assert_eq!((&y["year"], &y["complete"], &y["incidents"]), (&json!(2025), &json!(true), &json!(n)));
        assert_eq!(y["quarter"], Value::Null, "a year has no quarter key");
        assert_eq!((&y["ttd_minutes"]["median"], &y["ttd_minutes"]["median_ci95"]), (&median, &ci));
        assert_eq!((&now["year"], &now["complete"], &now["incidents"]), (&json!(2026), &json!(false), &json!(0)));
        assert_eq!(now["ttd_minutes"], json!({"median": null, "median_ci95": null, "p90": null}));
        assert_eq!(m["quarters"].as_array().unwrap().last().unwrap()["complete"], json!(false));
    }
}
