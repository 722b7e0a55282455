//! `retro schema`: the JSON Schema of the front matter agrees with `check`
//! on every fixture postmortem of the test suite.

use crate::common::{fixture, json_diags, repo_root, retro, site};
use std::collections::BTreeMap;
use std::path::Path;

/// The errors a schema can show from one value: wrong types, unknown
/// words, malformed timestamps and dates, unknown contributing factors.
const ONE_VALUE_ERRORS: &[&str] = &["E007", "E008", "E009", "E010", "E011", "E013", "E014", "E021"];

fn validator(root: &Path) -> jsonschema::Validator {
    let run = retro(root, &["schema"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let schema: serde_json::Value = serde_json::from_str(&run.stdout).expect("the schema is JSON");
    jsonschema::draft202012::new(&schema).expect("a valid draft 2020-12 schema")
}

/// The front matter of `text` as JSON, when it is YAML at all.
fn front_matter(text: &str) -> Option<serde_json::Value> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text).replace("\r\n", "\n");
    let rest = text.strip_prefix("---\n")?;
    let end = match rest.find("\n---") {
        Some(i) => i + 1,
        None if rest.starts_with("---") => 0,
        None => return None,
    };
    let yaml: serde_yaml::Value = serde_yaml::from_str(&rest[..end]).ok()?;
    serde_json::to_value(yaml).ok()
}

/// Per file of the site: whether the schema accepts its front matter, and
/// the codes of `check`'s errors.
fn judge(root: &Path) -> Vec<(String, bool, Vec<String>)> {
    let v = validator(root);
    let run = retro(root, &["check", "--format", "json"]);
    let mut errors: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for (code, level, file, _) in json_diags(&run.stdout) {
        if level == "error" {
            errors.entry(file).or_default().push(code);
        }
    }
    let content = root.join("content");
    let mut out = Vec::new();
    for e in walkdir::WalkDir::new(&content).sort_by_file_name() {
        let e = e.unwrap();
        let rel = e.path().strip_prefix(root).unwrap().to_string_lossy().into_owned();
        if !rel.ends_with(".md") || rel.split('/').any(|p| p.starts_with('_') || p.starts_with('.')) {
            continue;
        }
        let Some(fm) =
            std::fs::read(e.path()).ok().and_then(|b| String::from_utf8(b).ok()).and_then(|t| front_matter(&t))
        else {
            continue;
        };
        out.push((rel.clone(), v.is_valid(&fm), errors.remove(&rel).unwrap_or_default()));
    }
    out
}

#[test]
fn every_fixture_postmortem_is_judged_by_the_schema_as_check_judges_it() {
    // the scaffolds too: `retro init`'s example and `retro new`'s file
    let fresh = tempfile::tempdir().unwrap();
    let new_site = fresh.path().join("site");
    assert_eq!(retro(fresh.path(), &["init", "site"]).code, 0);
    assert_eq!(retro(&new_site, &["new", "Checkout returned 500s", "--date", "2026-11-28"]).code, 0);
    let mut sites = vec![repo_root(), new_site];
    sites.extend(["errors", "every-problem", "hostile", "metrics", "similar"].map(fixture));
    let (mut valid, mut invalid) = (0, 0);
    for root in &sites {
        for (file, accepted, errors) in judge(root) {
            let where_ = format!("{}: {file}", root.display());
            if accepted {
                valid += 1;
                let shown: Vec<&String> = errors.iter().filter(|c| ONE_VALUE_ERRORS.contains(&c.as_str())).collect();
                // a timestamp or date of the right shape on a day the
                // calendar lacks is check's to find
                let calendar = root.ends_with("errors") && shown.iter().all(|c| *c == "E013" || *c == "E014");
                assert!(shown.is_empty() || calendar, "{where_}: the schema accepts a file check rejects: {errors:?}");
            } else {
                invalid += 1;
                assert!(!errors.is_empty(), "{where_}: the schema rejects a file check accepts");
            }
        }
    }
    println!("schema: {valid} fixture postmortems valid, {invalid} invalid, each as check judges it");
    assert!(valid >= 40 && invalid >= 40, "{valid} valid, {invalid} invalid");
}

#[test]
fn a_value_of_the_wrong_type_fails_the_schema() {
    let s = site("", &[]);
    let v = validator(s.path());
    let good = front_matter(crate::common::COMPLETE).unwrap();
    assert!(v.is_valid(&good));
    for (field, wrong) in [
        ("title", serde_json::json!(["a", "list"])),
        ("tags", serde_json::json!("web")),
        ("severity", serde_json::json!("sev1")),
        ("timeline", serde_json::json!("2024-03-14")),
        ("action_items", serde_json::json!({"title": "one"})),
    ] {
        let mut bad = good.clone();
        bad[field] = wrong;
        assert!(!v.is_valid(&bad), "{field}");
    }
    let mut bad = good.clone();
    bad["timeline"]["started"] = serde_json::json!("2024-03-14 09:00");
    assert!(!v.is_valid(&bad), "a timestamp without an offset");
}
