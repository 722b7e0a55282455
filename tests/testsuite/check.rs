//! `retro check`: every error class named with file and line, in every
//! output format, with the exit codes of FORMAT.md section 3.

use crate::common::*;

/// Every error of tests/fixtures/errors, one file per error class.
const EXPECTED_ERRORS: &[(&str, &str, u64)] = &[
    ("E002", "content/e002-not-utf8.md", 2),
    ("E002", "content/e002-nul-byte.md", 2),
    ("E003", "content/e003-no-front-matter.md", 1),
    ("E004", "content/e004-unclosed.md", 1),
    ("E005", "content/e005-duplicate-key.md", 4),
    ("E005", "content/e005-yaml-syntax.md", 5),
    ("E006", "content/e006-not-mapping.md", 2),
    ("E007", "content/e007-wrong-type.md", 4),
    ("E007", "content/e007-wrong-type.md", 5),
    ("E008", "content/e008-unknown-severity.md", 3),
    ("E009", "content/e009-unknown-status.md", 3),
    ("E010", "content/e010-unknown-kind.md", 5),
    ("E011", "content/e011-unknown-detection.md", 3),
    ("E012", "content/e012-out-of-order.md", 5),
    ("E013", "content/e013-no-offset.md", 4),
    ("E014", "content/e014-bad-date.md", 5),
    ("E015", "content/e015-done-without-closed.md", 5),
    ("E016", "content/e016-closed-before-start.md", 10),
    ("E017", "content/e017-duplicate-id-a.md", 2),
    ("E017", "content/e017-duplicate-id-b.md", 2),
    ("E018", "content/e018-duplicate-item-a.md", 4),
    ("E018", "content/e018-duplicate-item-b.md", 5),
    ("E019", "content/e019-unknown-related.md", 5),
    ("E020", "content/e020-unsafe-id.md", 2),
];

#[test]
fn every_error_class_is_named_with_code_file_and_line() {
    let r = retro(&fixture("errors"), &["check", "--format", "json"]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    let errors: Vec<(String, String, u64)> = json_diags(&r.stdout)
        .into_iter()
        .filter(|d| d.0.starts_with('E'))
        .map(|(c, l, f, n)| {
            assert_eq!(l, "error");
            (c, f, n)
        })
        .collect();
    let expected: Vec<(String, String, u64)> =
        EXPECTED_ERRORS.iter().map(|(c, f, l)| (c.to_string(), f.to_string(), *l)).collect();
    assert_eq!(errors, expected);
}

#[test]
fn each_broken_file_alone_fails_the_check_with_its_code() {
    // Files that only break in pairs (duplicates) or by reference are covered above.
    for (code, file, line) in EXPECTED_ERRORS.iter().filter(|e| !matches!(e.0, "E017" | "E018" | "E019")) {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("site.toml"), "").unwrap();
        std::fs::create_dir_all(dir.path().join("content")).unwrap();
        std::fs::copy(fixture("errors").join(file), dir.path().join(file)).unwrap();
        let r = retro(dir.path(), &["check", "--format", "json"]);
        assert_eq!(r.code, 1, "{file}: {}", r.stderr);
        let d = json_diags(&r.stdout);
        assert!(d.iter().any(|(c, _, f, l)| c == code && f == file && l == line), "{file}: {d:?}");
    }
}

/// The whole human report of `check` on the fixture with one file per
/// error class: every message, source line, caret, hint and the order, as
/// recorded in snapshots/ (a change shows as a diff; `INSTA_UPDATE=always
/// cargo test` records a new one after reading it).
#[test]
fn human_output_is_rustc_style_without_colour_off_a_terminal() {
    let r = retro(&fixture("errors"), &["check"]);
    assert_eq!(r.code, 1);
    assert!(r.stdout.is_empty());
    assert!(!r.stderr.contains('\u{1b}'), "no colour codes when not on a terminal");
    // the summary ends with the time taken
    let (report, time) = r.stderr.trim_end().rsplit_once(" (").unwrap();
    assert!(time.ends_with(" ms)"), "{time}");
    insta::assert_snapshot!("check_errors_human", report);
}

#[test]
fn a_file_that_is_not_text_shows_the_line_and_the_byte() {
    let r = retro(&fixture("errors"), &["check"]);
    let out = &r.stderr;
    // the byte that is not UTF-8 as U+FFFD, the NUL byte as ␀, each under a caret
    assert!(
        out.contains(
            " --> content/e002-not-utf8.md:2:16\n  |\n2 | title: Latin-1 \u{fffd}t\u{fffd}\n  |                ^\n"
        ),
        "{out}"
    );
    assert!(
        out.contains(" --> content/e002-nul-byte.md:2:11\n  |\n2 | title: NUL\u{2400}\n  |           ^\n"),
        "{out}"
    );
}

#[test]
fn problems_are_sorted_by_file_and_line() {
    let r = retro(&fixture("errors"), &["check", "--format", "json"]);
    let d = json_diags(&r.stdout);
    let keys: Vec<(String, u64)> = d.iter().map(|x| (x.2.clone(), x.3)).collect();
    let mut sorted = keys.clone();
    sorted.sort();
    assert_eq!(keys, sorted);
}

#[test]
fn github_format_writes_escaped_workflow_commands() {
    let r = retro(&fixture("errors"), &["check", "--format", "github"]);
    assert_eq!(r.code, 1);
    let line = r.stdout.lines().find(|l| l.contains("e012-out-of-order") && l.contains("E012")).unwrap();
    assert!(
        line.starts_with(
            "::error file=content/e012-out-of-order.md,line=5,col=13,title=E012 timeline out of order%3A detected is before started::timeline out of order: detected is before started%0Ahelp: "
        ),
        "{line}"
    );
    assert!(r.stdout.lines().all(|l| ["::error ", "::warning ", "::notice "].iter().any(|p| l.starts_with(p))));
}

#[test]
fn json_diagnostics_have_the_fields_of_the_format() {
    let r = retro(&fixture("errors"), &["check", "--format", "json"]);
    let v: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    for d in v.as_array().unwrap() {
        let mut keys: Vec<&str> = d.as_object().unwrap().keys().map(String::as_str).collect();
        keys.sort();
        assert_eq!(keys, ["code", "column", "file", "hint", "level", "line", "message"]);
        assert!(!d["hint"].as_str().unwrap().is_empty(), "every problem has a hint: {d}");
        assert!(d["line"].as_u64().unwrap() >= 1 && d["column"].as_u64().unwrap() >= 1);
    }
}

#[test]
fn completeness_fails_final_postmortems_and_warns_for_drafts() {
    let missing_area = COMPLETE.replace("area: payments\n", "");
    let s = site("", &[("a.md", &missing_area)]);
    let r = s.run(&["check", "--format", "json"]);
    assert_eq!(r.code, 1);
    assert_eq!(json_diags(&r.stdout), [("W001".into(), "error".into(), "content/a.md".into(), 1)]);

    let draft = missing_area.replace("status: final", "status: draft");
    let s = site("", &[("a.md", &draft)]);
    let r = s.run(&["check", "--format", "json"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(json_diags(&r.stdout), [("W001".into(), "warning".into(), "content/a.md".into(), 1)]);
    assert!(r.stderr.contains("0 errors, 1 warning in 1 of 1 postmortem"), "{}", r.stderr);

    let r = s.run(&["check", "--strict"]);
    assert_eq!(r.code, 1, "--strict fails on warnings");
}

#[test]
fn a_clean_site_exits_zero() {
    let s = site("", &[("a.md", COMPLETE)]);
    let r = s.run(&["check"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stderr.starts_with("no problems in 1 postmortem"), "{}", r.stderr);
}

#[test]
fn unknown_front_matter_keys_suggest_the_closest_key() {
    let s = site("", &[("a.md", &COMPLETE.replace("severity: SEV1", "sevrity: SEV1\nseverity: SEV1"))]);
    let r = s.run(&["check"]);
    assert!(r.stderr.contains("unknown key `sevrity`"), "{}", r.stderr);
    assert!(r.stderr.contains("= help: did you mean `severity`?"), "{}", r.stderr);
}

#[test]
fn site_toml_problems_exit_2_with_their_line() {
    let s = site("title = \"x\"\ntimezone = \"Mars/Base\"\n", &[("a.md", COMPLETE)]);
    let r = s.run(&["check"]);
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("error[C004]: unknown timezone `Mars/Base`"), "{}", r.stderr);
    assert!(r.stderr.contains("--> site.toml:2:12"), "{}", r.stderr);

    let s = site("titel = \"x\"\n", &[]);
    let r = s.run(&["check", "--format", "json"]);
    assert_eq!(r.code, 2);
    assert_eq!(json_diags(&r.stdout), [("C003".into(), "error".into(), "site.toml".into(), 1)]);
    assert!(r.stdout.contains("did you mean `title`?"));

    let empty = tempfile::tempdir().unwrap();
    let r = retro(empty.path(), &["check"]);
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("error[C001]: cannot read"), "{}", r.stderr);
    assert!(r.stderr.contains("retro init"), "{}", r.stderr);
}

#[test]
fn bad_flags_are_usage_errors() {
    let s = site("", &[]);
    assert_eq!(s.run(&["check", "--format", "xml"]).code, 2);
    assert_eq!(s.run(&["check", "--today", "2025-02-30"]).code, 2);
    assert_eq!(s.run(&["frobnicate"]).code, 2);
    assert_eq!(s.run(&[]).code, 2);
}

#[test]
fn links_flag_reports_broken_internal_links_and_malformed_item_links() {
    let body = "\nSee [the other one](../b/) and [the trends](/trends/).\n\nBut [this](../nope/) is gone.\n";
    let a = COMPLETE
        .replace("status: final", "status: draft")
        .replace("    due: 2024-04-15", "    due: 2024-04-15\n    link: tracker.example.com/PAY 1")
        + body;
    let b = COMPLETE.replace("title: Checkout failed", "title: Other");
    let s = site("", &[("a.md", &a), ("b.md", &b)]);
    let r = s.run(&["check", "--format", "json"]);
    assert_eq!(r.code, 0, "without --links nothing is reported: {}", r.stdout);
    let r = s.run(&["check", "--links", "--format", "json"]);
    let d = json_diags(&r.stdout);
    // the malformed link is reported on its line (29); COMPLETE has 31
    // lines, the body a blank line, then the links: the broken one is on 35
    assert_eq!(
        d,
        [
            ("W013".into(), "warning".into(), "content/a.md".into(), 29),
            ("W012".into(), "warning".into(), "content/a.md".into(), 35)
        ],
        "{}",
        r.stdout
    );
    assert!(r.stdout.contains("broken link: `../nope/`"), "{}", r.stdout);
    assert_eq!(r.code, 0, "warnings of a draft");
    assert_eq!(s.run(&["check", "--links", "--strict"]).code, 1);
}

#[test]
fn a_missing_content_folder_is_a_configuration_error() {
    let s = site("title = \"x\"\n", &[]);
    for cmd in ["check", "build"] {
        let r = s.run(&[cmd]);
        assert_eq!(r.code, 2, "{cmd}: {}", r.stderr);
        assert!(r.stderr.contains("error[C005]: the content folder `content` does not exist"), "{}", r.stderr);
    }
}

/// A file with a problem in every field: one run reports every one that
/// does not need a broken value, says once what waits, and each hint is a
/// fix that is itself valid (a timestamp with its offset, the file's own
/// dates).
#[test]
fn one_run_reports_every_problem_of_a_file() {
    let r = retro(&fixture("every-problem"), &["check", "--today", "2026-12-01"]);
    assert_eq!(r.code, 1);
    let (report, _) = r.stderr.trim_end().rsplit_once(" (").unwrap();
    insta::assert_snapshot!("check_every_problem_human", report);
}
