//! Every input of the YAML test suite, used as a postmortem's front matter,
//! gets a clear diagnostic naming its file or a clean result: never a
//! panic, a hang or a crash (../shared/corpora/yaml-test-suite).

use crate::common::*;
use std::collections::HashSet;
use std::path::PathBuf;

fn corpus() -> Option<PathBuf> {
    let dir = repo_root().join("../shared/corpora/yaml-test-suite");
    if dir.is_dir() {
        Some(dir)
    } else if std::env::var_os("CI").is_some() {
        panic!("the YAML test suite corpus is missing at {}", dir.display());
    } else {
        eprintln!("skipping: no corpus at {}", dir.display());
        None
    }
}

#[test]
fn every_yaml_test_suite_input_gets_a_diagnostic_or_a_clean_result() {
    let Some(dir) = corpus() else { return };
    let site = tempfile::tempdir().unwrap();
    std::fs::write(site.path().join("site.toml"), "").unwrap();
    let content = site.path().join("content");
    std::fs::create_dir_all(&content).unwrap();
    let mut names = Vec::new();
    let mut invalid = HashSet::new();
    let errors_txt = std::fs::read_to_string(dir.join("ERRORS.txt")).unwrap_or_default();
    for l in errors_txt.lines() {
        invalid.insert(l.trim().to_string());
    }
    for e in std::fs::read_dir(&dir).unwrap() {
        let p = e.unwrap().path();
        if p.extension().is_some_and(|x| x == "yaml") {
            let stem = p.file_stem().unwrap().to_string_lossy().into_owned();
            let yaml = std::fs::read(&p).unwrap();
            let mut text = b"---\n".to_vec();
            text.extend_from_slice(&yaml);
            if !yaml.ends_with(b"\n") {
                text.push(b'\n');
            }
            text.extend_from_slice(b"---\nBody.\n");
            std::fs::write(content.join(format!("{stem}.md")), text).unwrap();
            names.push(stem);
        }
    }
    assert!(names.len() >= 400, "{} inputs", names.len());
    let r = retro(site.path(), &["check", "--format", "json"]);
    assert!(r.code == 0 || r.code == 1, "{}", r.stderr);
    let diags = json_diags(&r.stdout);
    let files: HashSet<String> = diags.iter().map(|d| d.2.clone()).collect();
    for d in &diags {
        assert!(d.2.starts_with("content/") && d.3 >= 1, "{d:?}");
    }
    // Every input the suite calls invalid YAML is named with an error, unless
    // splitting at `---` lines made a different document of it.
    let mut named = 0;
    for n in names.iter().filter(|n| invalid.contains(n.as_str())) {
        let f = format!("content/{n}.md");
        if diags.iter().any(|d| d.2 == f && d.1 == "error") {
            named += 1;
        }
    }
    let total_invalid = names.iter().filter(|n| invalid.contains(n.as_str())).count();
    assert!(named * 10 >= total_invalid * 9, "only {named} of {total_invalid} invalid inputs reported");
    // Nearly every input is a problem for a postmortem (not a mapping of
    // known fields); all of them are reported by file.
    assert!(files.len() * 10 >= names.len() * 9, "{} of {} files named", files.len(), names.len());
}
