//! The site as the editor sees it: every postmortem file checked, from its
//! open buffer when the editor has it open, else from disk, and the
//! problems of each open file exactly as `retro check` reports them.

use crate::config::Config;
use crate::diagnostic::{sort, Diagnostic};
use crate::model::Postmortem;
use crate::CheckedFile;
use chrono::NaiveDate;
use rayon::prelude::*;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

pub(crate) struct Workspace {
    pub(crate) cfg: Config,
    /// The day review deadlines are measured against.
    today: NaiveDate,
    /// The site folder, with links resolved: editors name files by their
    /// real path.
    real_root: PathBuf,
    /// Problems found before any file is read (links out of the site).
    before: Vec<Diagnostic>,
    /// Every postmortem file by its site-relative path, checked.
    files: BTreeMap<String, CheckedFile>,
    /// The text of each file open in the editor.
    open: BTreeMap<String, String>,
}

impl Workspace {
    /// Reads and checks every postmortem of the site.
    pub(crate) fn load(cfg: Config, today: NaiveDate) -> Workspace {
        let found = crate::load::discover(&cfg);
        let files = found
            .paths
            .par_iter()
            .map(|(rel, path)| (rel.clone(), crate::check_one(rel, path, &cfg, 0)))
            .collect::<Vec<_>>()
            .into_iter()
            .collect();
        let real_root = cfg.root.canonicalize().unwrap_or_else(|_| cfg.root.clone());
        Workspace { cfg, today, real_root, before: found.problems, files, open: BTreeMap::new() }
    }

    /// The site-relative path of `path` when it is a postmortem file of
    /// the site: a `.md` file in the content folder, no part of its path
    /// starting with `_` or `.`.
    pub(crate) fn rel(&self, path: &Path) -> Option<String> {
        let inside = path.strip_prefix(&self.real_root).or_else(|_| path.strip_prefix(&self.cfg.root)).ok()?;
        let parts: Vec<&str> = inside.iter().map(|p| p.to_str()).collect::<Option<_>>()?;
        let rel = parts.join("/");
        let in_content = rel.strip_prefix(self.cfg.content_dir.trim_end_matches('/'))?.strip_prefix('/')?;
        let skipped = in_content.split('/').any(|p| crate::load::is_hidden(p.as_ref()));
        (!skipped && rel.ends_with(".md")).then_some(rel)
    }

    /// The absolute path of a site-relative one.
    pub(crate) fn path(&self, rel: &str) -> PathBuf {
        self.real_root.join(rel)
    }

    /// The editor opened or changed the file `rel`: it is checked from
    /// `text` from now on.
    pub(crate) fn set(&mut self, rel: &str, text: String) {
        let checked = match crate::load::decode(rel, text.clone().into_bytes()) {
            Ok(src) => (Ok(crate::validate::check_file(&src, &self.cfg)), None),
            Err(d) => (Err(d), None),
        };
        self.files.insert(rel.to_string(), checked);
        self.open.insert(rel.to_string(), text);
    }

    /// The editor closed the file `rel`: it is read from disk again (or
    /// forgotten, when it is no longer there).
    pub(crate) fn close(&mut self, rel: &str) {
        self.open.remove(rel);
        let path = self.path(rel);
        if path.is_file() {
            self.files.insert(rel.to_string(), crate::check_one(rel, &path, &self.cfg, 0));
        } else {
            self.files.remove(rel);
        }
    }

    /// The text of an open file.
    pub(crate) fn text(&self, rel: &str) -> Option<&str> {
        self.open.get(rel).map(String::as_str)
    }

    /// The postmortem read from a file, errors or not.
    pub(crate) fn postmortem(&self, rel: &str) -> Option<&Postmortem> {
        match self.files.get(rel)? {
            (Ok(r), _) => r.checked.as_ref().map(|c| &c.pm),
            _ => None,
        }
    }

    /// Every postmortem read, errors or not, in file order.
    pub(crate) fn postmortems(&self) -> impl Iterator<Item = &Postmortem> {
        self.files.values().filter_map(|(r, _)| r.as_ref().ok()?.checked.as_ref().map(|c| &c.pm))
    }

    /// The problems of each open file, as `retro check` reports them: its
    /// own, those of the checks across files (duplicate and unknown ids),
    /// review deadlines and likely recurrences.
    pub(crate) fn diagnostics(&self) -> BTreeMap<&str, Vec<Diagnostic>> {
        let mut out: BTreeMap<&str, Vec<Diagnostic>> = self.open.keys().map(|k| (k.as_str(), Vec::new())).collect();
        let checked: Vec<CheckedFile> = self.files.values().cloned().collect();
        let analysis = crate::assemble(self.before.clone(), checked, self.files.len());
        let open = |f: &str| self.open.contains_key(f);
        let history = crate::validate::history::check(&analysis, &self.cfg, self.today, open);
        for d in analysis.diags.into_iter().chain(history) {
            if let Some(list) = out.get_mut(d.file.as_str()) {
                list.push(d);
            }
        }
        for list in out.values_mut() {
            sort(list);
        }
        out
    }
}
