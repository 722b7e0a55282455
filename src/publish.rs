//! Writing the built site atomically: into a fresh folder beside the
//! output, swapped in only when every file is written, so a failed build
//! leaves the previous site exactly as it was.

use crate::render::{OutputFile, Sink};
use rayon::prelude::*;
use std::io;
use std::path::{Component, Path, PathBuf};

/// A build in progress: a fresh folder beside the output that files are
/// written into as they are rendered, swapped in by [`Staging::commit`].
pub struct Staging {
    out: PathBuf,
    dir: PathBuf,
    old: PathBuf,
}

impl Staging {
    /// Prepares `.<name>.retro-new` beside `out`, removing leftovers of an
    /// interrupted build.
    pub fn new(out: &Path) -> io::Result<Staging> {
        let parent = out.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
        std::fs::create_dir_all(parent)?;
        let name = out.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_else(|| "public".into());
        let staging = Staging {
            out: out.to_path_buf(),
            dir: parent.join(format!(".{name}.retro-new")),
            old: parent.join(format!(".{name}.retro-old")),
        };
        for leftover in [&staging.dir, &staging.old] {
            if leftover.exists() {
                remove_tree(leftover)?;
            }
        }
        std::fs::create_dir_all(&staging.dir)?;
        Ok(staging)
    }

    /// Swaps the new site in for the old one.
    pub fn commit(self) -> io::Result<()> {
        if self.out.exists() {
            std::fs::rename(&self.out, &self.old)?;
        }
        if let Err(e) = std::fs::rename(&self.dir, &self.out) {
            // put the previous site back
            let _ = std::fs::rename(&self.old, &self.out);
            let _ = std::fs::remove_dir_all(&self.dir);
            return Err(e);
        }
        if self.old.exists() {
            remove_tree(&self.old)?;
        }
        Ok(())
    }

    /// Drops the new site; the old one stays as it was.
    pub fn abort(self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

impl Sink for Staging {
    fn put(&self, f: OutputFile) -> io::Result<()> {
        let path = safe_join(&self.dir, &f.path)?;
        if let Some(p) = path.parent() {
            std::fs::create_dir_all(p)?;
        }
        std::fs::write(&path, &f.bytes)
    }
}

/// Replaces single files of a published site, each atomically (written
/// beside its target, then renamed over it).
pub struct InPlace(pub PathBuf);

impl Sink for InPlace {
    fn put(&self, f: OutputFile) -> io::Result<()> {
        let path = safe_join(&self.0, &f.path)?;
        if let Some(p) = path.parent() {
            std::fs::create_dir_all(p)?;
        }
        let tmp = path.with_extension("retro-tmp");
        std::fs::write(&tmp, &f.bytes)?;
        std::fs::rename(&tmp, &path)
    }
}

/// Writes `files` as the whole content of `out`, atomically.
pub fn publish(out: &Path, files: &[OutputFile]) -> io::Result<()> {
    let staging = Staging::new(out)?;
    let written: io::Result<()> = files.par_iter().try_for_each(|f| staging.put(f.clone()));
    match written {
        Ok(()) => staging.commit(),
        Err(e) => {
            staging.abort();
            Err(e)
        }
    }
}

/// Removes a folder and everything in it, on all cores (a site has a
/// folder per page). Symbolic links are removed, never followed.
fn remove_tree(dir: &Path) -> io::Result<()> {
    let entries: Vec<std::fs::DirEntry> = std::fs::read_dir(dir)?.collect::<io::Result<_>>()?;
    entries.par_iter().try_for_each(|e| {
        if e.file_type()?.is_dir() {
            remove_page_folder(&e.path())
        } else {
            std::fs::remove_file(e.path())
        }
    })?;
    std::fs::remove_dir(dir)
}

/// Most folders of a site hold one page, `index.html`: removing it and
/// then the folder takes two system calls instead of six (open, read
/// twice, close). Anything else in the folder, or no `index.html`, falls
/// back to reading it.
fn remove_page_folder(dir: &Path) -> io::Result<()> {
    match std::fs::remove_file(dir.join("index.html")) {
        Ok(()) => {}
        Err(e) if e.kind() == io::ErrorKind::NotFound => {}
        Err(_) => return remove_tree(dir),
    }
    match std::fs::remove_dir(dir) {
        Ok(()) => Ok(()),
        Err(_) => remove_tree(dir),
    }
}

/// `dir/rel`, refusing any path that could leave `dir`.
fn safe_join(dir: &Path, rel: &str) -> io::Result<PathBuf> {
    let p = Path::new(rel);
    if rel.is_empty() || !p.components().all(|c| matches!(c, Component::Normal(_))) {
        return Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            format!("refusing to write outside the output folder: {rel}"),
        ));
    }
    Ok(dir.join(p))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn f(path: &str, s: &str) -> OutputFile {
        OutputFile { path: path.into(), bytes: s.as_bytes().to_vec() }
    }

    #[test]
    fn replaces_the_whole_output_folder() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("public");
        publish(&out, &[f("a.txt", "1"), f("api/b.json", "2")]).unwrap();
        publish(&out, &[f("c.txt", "3")]).unwrap();
        assert!(!out.join("a.txt").exists());
        assert_eq!(std::fs::read_to_string(out.join("c.txt")).unwrap(), "3");
        let names: Vec<_> = std::fs::read_dir(dir.path()).unwrap().map(|e| e.unwrap().file_name()).collect();
        assert_eq!(names, ["public"], "no staging folders left behind");
    }

    #[test]
    fn removing_a_site_removes_every_kind_of_folder_and_never_follows_links() {
        let dir = tempfile::tempdir().unwrap();
        let site = dir.path().join("site");
        let outside = dir.path().join("outside");
        std::fs::create_dir_all(outside.join("keep")).unwrap();
        std::fs::write(outside.join("keep.txt"), "keep").unwrap();
        for (path, text) in [
            ("a/index.html", "page only"),
            ("b/index.html", "page and more"),
            ("b/extra.css", "x"),
            ("c/data.json", "no page"),
            ("d/index.html/nested.txt", "a folder named index.html"),
            ("e/f/index.html", "nested page"),
            ("top.txt", "file"),
        ] {
            let p = site.join(path);
            std::fs::create_dir_all(p.parent().unwrap()).unwrap();
            std::fs::write(p, text).unwrap();
        }
        std::fs::create_dir_all(site.join("g")).unwrap();
        #[cfg(unix)]
        {
            std::fs::create_dir_all(site.join("h")).unwrap();
            std::os::unix::fs::symlink(outside.join("keep.txt"), site.join("h/index.html")).unwrap();
            std::os::unix::fs::symlink(&outside, site.join("link-to-folder")).unwrap();
        }
        remove_tree(&site).unwrap();
        assert!(!site.exists());
        assert_eq!(std::fs::read_to_string(outside.join("keep.txt")).unwrap(), "keep");
        assert!(outside.join("keep").is_dir());
    }

    #[test]
    fn a_failed_write_leaves_the_previous_site_untouched() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("public");
        publish(&out, &[f("index.html", "old")]).unwrap();
        let err = publish(&out, &[f("new.html", "new"), f("../escape.html", "x")]);
        assert!(err.is_err());
        assert_eq!(std::fs::read_to_string(out.join("index.html")).unwrap(), "old");
        assert!(!out.join("new.html").exists());
        assert!(!dir.path().join("escape.html").exists());
    }
}
