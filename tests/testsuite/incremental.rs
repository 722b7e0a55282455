//! `retro serve` applies an edit of one postmortem without a full build
//! (pipeline::edit, then pipeline::finish). Whatever the edit, the site it
//! leaves must be byte for byte the site a full build makes.

use crate::common::*;
use chrono::NaiveDate;
use retro::config::Config;
use retro::pipeline::{build, edit, finish, Edited, Failure, State};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

const FILE: &str = "content/2024/2024-11-29-black-friday-stale-carts.md";

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 22).unwrap()
}

/// Every file under `dir` by relative path, and every folder (`name/`,
/// empty content).
fn tree(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    walkdir::WalkDir::new(dir)
        .min_depth(1)
        .into_iter()
        .map(|e| e.unwrap())
        .map(|e| {
            let rel = e.path().strip_prefix(dir).unwrap().to_string_lossy().replace('\\', "/");
            if e.file_type().is_dir() {
                (format!("{rel}/"), Vec::new())
            } else {
                (rel, std::fs::read(e.path()).unwrap())
            }
        })
        .collect()
}

struct Site {
    _dir: tempfile::TempDir,
    root: PathBuf,
    cfg: Config,
    out: PathBuf,
    state: State,
}

impl Site {
    /// The example site, built once.
    fn new() -> Site {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("site");
        copy_dir(&repo_root().join("content"), &root.join("content"));
        std::fs::copy(repo_root().join("site.toml"), root.join("site.toml")).unwrap();
        let cfg = Config::load(&root).unwrap();
        let out = dir.path().join("incremental");
        let state = build(&cfg, today(), &out).unwrap().state;
        Site { _dir: dir, root, cfg, out, state }
    }

    fn text(&self) -> String {
        std::fs::read_to_string(self.root.join(FILE)).unwrap()
    }

    fn write(&self, text: &str) {
        std::fs::write(self.root.join(FILE), text).unwrap();
    }

    /// Applies the edit of FILE as `retro serve` does.
    fn apply(&mut self) -> Option<Result<Edited, Failure>> {
        edit(&self.cfg, &mut self.state, FILE, today(), &self.out)
    }

    /// Edits FILE with `change`, applies it, and compares the site with a
    /// full build of the same content; returns whether more than the
    /// postmortem's own page was rendered.
    fn edit_and_compare(&mut self, what: &str, change: impl Fn(&str) -> String) -> bool {
        let before = self.text();
        let after = change(&before);
        assert_ne!(before, after, "{what}: the edit changes nothing");
        self.write(&after);
        let edited = match self.apply() {
            Some(Ok(e)) => e,
            other => panic!("{what}: not applied alone: {other:?}"),
        };
        assert_eq!(edited.page, "postmortems/2024-11-29-black-friday-stale-carts/index.html");
        let more =
            finish(&self.cfg, &mut self.state, edited.rest, &self.out).unwrap_or_else(|e| panic!("{what}: {e:?}")) > 0;
        let full = self._dir.path().join("full");
        let built = build(&self.cfg, today(), &full).unwrap();
        let (a, b) = (tree(&self.out), tree(&full));
        let differ: Vec<&String> = b.keys().filter(|k| a.get(*k) != b.get(*k)).collect();
        let extra: Vec<&String> = a.keys().filter(|k| !b.contains_key(*k)).collect();
        assert!(
            differ.is_empty() && extra.is_empty(),
            "{what}: differs from a full build: {differ:?}, left over: {extra:?}"
        );
        assert_eq!(self.state.files, built.state.files, "{what}");
        assert_eq!(self.state.diags, built.state.diags, "{what}");
        more
    }
}

#[test]
fn a_body_edit_rewrites_only_its_page_and_matches_a_full_build() {
    let mut site = Site::new();
    let more = site.edit_and_compare("body", |t| format!("{t}\nOne more paragraph with **emphasis**.\n"));
    assert!(!more, "a body edit needs only its own page");
}

#[test]
fn a_body_edit_that_changes_the_completeness_score_updates_every_row_of_it() {
    let mut site = Site::new();
    // blame language in the body is a completeness problem: the score in
    // every list and export changes, not only the page
    let more = site.edit_and_compare("blame", |t| format!("{t}\nIt was human error.\n"));
    assert!(more, "the rows that show the score are rendered again");
}

#[test]
fn front_matter_edits_match_a_full_build() {
    let mut site = Site::new();
    let title = "title: Black Friday — the CDN served other customers' cached cart pages";
    assert!(site.edit_and_compare("title", |t| t.replace(title, "title: Black Friday — cached cart pages")));
    assert!(site.edit_and_compare("severity", |t| t.replacen("severity: SEV1", "severity: SEV2", 1)));
    assert!(site.edit_and_compare("a new tag", |t| t
        .replace("tags: [cdn, privacy, config]", "tags: [cdn, privacy, config, one-off]")));
    assert!(site.out.join("tags/one-off/index.html").exists());
    assert!(site.edit_and_compare("the tag gone again", |t| t.replace(", one-off]", "]")));
    assert!(!site.out.join("tags/one-off").exists(), "the page of a tag nobody uses is removed, folder and all");
    assert!(site.edit_and_compare("a new area", |t| t.replace("area: infrastructure", "area: edge")));
    assert!(site.edit_and_compare("an item reopened", |t| t.replacen(
        "    status: done\n    closed: 2024-12-18\n",
        "    status: open\n",
        1
    )));
    assert!(site.edit_and_compare("a why removed", |t| {
        let why = t.lines().find(|l| l.starts_with("  - Why is there no review?")).unwrap().to_string();
        t.replace(&format!("{why}\n"), "")
    }));
    // linked both ways: the other postmortem's related list shows it
    assert!(site.edit_and_compare("a related link", |t| {
        t.replace("area: edge\n", "area: edge\nrelated: [2024-10-03-checkout-pool-exhausted]\n")
    }));
    assert!(site.edit_and_compare("detected later", |t| t
        .replace("detected: 2024-11-29T09:08:00+01:00", "detected: 2024-11-29T09:09:00+01:00")));
}

#[test]
fn an_edit_with_errors_writes_nothing_and_keeps_the_state() {
    let mut site = Site::new();
    let before = tree(&site.out);
    let files = site.state.files.clone();
    let text = site.text();
    site.write(&text.replace("severity: SEV1", "severity: [SEV1"));
    match site.apply() {
        Some(Err(Failure::Problems { diags, sources, .. })) => {
            assert!(diags.iter().all(|d| d.file == FILE), "{diags:?}");
            assert_eq!(sources.len(), 1);
        }
        other => panic!("expected the file's errors: {other:?}"),
    }
    assert_eq!(tree(&site.out), before, "nothing written");
    assert_eq!(site.state.files, files);
    // fixing it applies alone again
    site.write(&text.replace("area: infrastructure", "area: edge"));
    assert!(matches!(site.apply(), Some(Ok(Edited { .. }))));
}

#[test]
fn edits_that_move_or_rename_a_postmortem_need_a_full_build() {
    let mut site = Site::new();
    let text = site.text();
    site.write(&text.replace("started: 2024-11-29T07:58:00+01:00", "started: 2024-11-29T07:50:00+01:00"));
    assert!(site.apply().is_none(), "a new start can change the order of postmortems");
    site.write(&text.replacen("---\n", "---\nid: black-friday\n", 1));
    assert!(site.apply().is_none(), "a new id is a new page");
    site.write(&text.replace("area: infrastructure\n", "area: infrastructure\nrelated: [no-such-postmortem]\n"));
    assert!(site.apply().is_none(), "an unknown related id is a site-wide error: the full build reports it");
}
