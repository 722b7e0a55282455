//! `retro init` and `retro new`.

use crate::common::*;

#[test]
fn init_creates_a_site_that_checks_clean_and_builds() {
    let dir = tempfile::tempdir().unwrap();
    let site = dir.path().join("handbook");
    let r = retro(dir.path(), &["init", "handbook"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    // it says what to do next
    assert!(r.stderr.contains("retro new \"What happened\" --date YYYY-MM-DD --root handbook"), "{}", r.stderr);
    assert!(r.stderr.contains("retro serve --root handbook"), "{}", r.stderr);
    // the example is there to read, and does not count in the team's numbers
    assert!(site.join("content/_example.md").is_file());
    let r = retro(&site, &["check", "--strict"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stderr.starts_with("no problems in 0 postmortems"), "{}", r.stderr);
    let r = retro(&site, &["build", "--today", "2026-11-22"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(site.join("public/api/metrics.json").is_file());
    // never over an existing site
    let r = retro(dir.path(), &["init", "handbook"]);
    assert_eq!(r.code, 1);
    assert!(r.stderr.contains("site.toml") && r.stderr.contains("already exist"), "{}", r.stderr);
}

#[test]
fn new_writes_a_dated_file_with_every_prompt_and_refuses_to_overwrite() {
    let s = site("", &[]);
    let env = [("SOURCE_DATE_EPOCH", "1763800000")]; // 2025-11-22T08:26:40Z
    let r = retro_env(s.path(), &["new", "Checkout returned 500s", "--severity", "SEV2", "--area", "payments"], &env);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let path = s.path().join("content/2025-11-22-checkout-returned-500s.md");
    let text = std::fs::read_to_string(&path).unwrap();
    for needle in [
        "title: \"Checkout returned 500s\"",
        "severity: SEV2",
        "status: draft",
        "area: \"payments\"",
        "started:",
        "five_whys:",
        "TODO: 5. Why?",
        "prevent: TODO",
        "similar: TODO",
        "detect: TODO",
        "mitigate: TODO",
        "action_items:",
    ] {
        assert!(text.contains(needle), "missing {needle:?} in\n{text}");
    }
    // the new draft has no errors, only completeness warnings for its prompts
    let r = s.run(&["check", "--format", "json"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let d = json_diags(&r.stdout);
    assert!(d.iter().all(|x| x.1 == "warning"), "{d:?}");
    assert!(d.iter().any(|x| x.0 == "W002"), "whys are prompts, not answers: {d:?}");
    assert_eq!(d.iter().filter(|x| x.0 == "W003").count(), 4, "four unanswered questions: {d:?}");

    std::fs::write(&path, "mine").unwrap();
    let r = retro_env(s.path(), &["new", "Checkout returned 500s"], &env);
    assert_eq!(r.code, 1);
    assert!(r.stderr.contains("already exists"), "{}", r.stderr);
    assert_eq!(std::fs::read_to_string(&path).unwrap(), "mine");
}

#[test]
fn new_rejects_unknown_severities() {
    let s = site("", &[]);
    let r = s.run(&["new", "x", "--severity", "P1"]);
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("SEV1, SEV2, SEV3, SEV4"), "{}", r.stderr);
    // a severity in the wrong case is named as check names it
    let r = s.run(&["new", "x", "--severity", "sev1"]);
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("did you mean `SEV1`?"), "{}", r.stderr);
    // --date names the file after the incident's day, not today
    let r = s.run(&["new", "Cards declined", "--date", "2026-03-04"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let text = std::fs::read_to_string(s.path().join("content/2026-03-04-cards-declined.md")).unwrap();
    assert!(text.contains("e.g. 2026-03-04T09:00:00Z"), "{text}");
}

#[test]
fn new_with_a_date_fills_started_with_the_day_and_check_asks_for_the_time() {
    let s = site("timezone = \"Europe/Berlin\"\n", &[]);
    assert_eq!(s.run(&["new", "Cards declined", "--date", "2026-03-04"]).code, 0);
    let text = std::fs::read_to_string(s.path().join("content/2026-03-04-cards-declined.md")).unwrap();
    let line =
        text.lines().position(|l| l.trim_start().starts_with("started: 2026-03-04")).expect("started filled") + 1;
    let r = s.run(&["check", "--format", "json"]);
    assert_eq!(r.code, 0, "a draft with the day only is unfinished, not wrong: {}", r.stdout);
    let diags: Vec<serde_json::Value> = serde_json::from_str(&r.stdout).unwrap();
    let started: Vec<&serde_json::Value> = diags.iter().filter(|d| d["line"] == line).collect();
    assert_eq!(started.len(), 1, "one problem at started, not also `missing`: {started:?}");
    assert_eq!(started[0]["code"], "W018");
    assert_eq!(started[0]["hint"], "write the time with its offset, e.g. `2026-03-04T09:00:00+01:00`");
    // once final, the time is required
    std::fs::write(
        s.path().join("content/2026-03-04-cards-declined.md"),
        text.replace("status: draft", "status: final"),
    )
    .unwrap();
    let r = s.run(&["check", "--format", "json"]);
    let diags: Vec<serde_json::Value> = serde_json::from_str(&r.stdout).unwrap();
    assert!(diags.iter().any(|d| d["code"] == "W018" && d["level"] == "error"), "{diags:?}");
}

#[test]
fn init_over_existing_files_names_them_and_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let site = dir.path().join("handbook");
    std::fs::create_dir_all(site.join("content")).unwrap();
    std::fs::write(site.join("content/_example.md"), "mine").unwrap();
    let r = retro(dir.path(), &["init", "handbook"]);
    assert_eq!(r.code, 1, "{r:?}");
    assert!(r.stderr.contains("_example.md") && r.stderr.contains("already exist"), "{}", r.stderr);
    assert!(!site.join("site.toml").exists(), "nothing half-written");
    assert_eq!(std::fs::read_to_string(site.join("content/_example.md")).unwrap(), "mine");
}
