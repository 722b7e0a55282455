//! Writing the built site atomically: into a fresh folder beside the
//! output, swapped in only when every file is written, so a failed build
//! leaves the previous site exactly as it was. [`output`] decides which
//! folders may be replaced at all; a lock on the folder that holds the
//! output keeps two builds from writing one site at once.

pub(crate) mod output;

use crate::render::{OutputFile, Sink};
use output::{Output, Refusal, Sources};
use rayon::prelude::*;
use std::io;
use std::path::{Component, Path, PathBuf};

/// The suffixes of the folders a build keeps beside its output
/// (`.public.retro-new`, `.public.retro-old`): the new site while it is
/// written, the previous one while it is removed.
pub(crate) const WORK_FOLDERS: [&str; 2] = [".retro-new", ".retro-old"];

/// The folders a build into `out` keeps beside it, by [`WORK_FOLDERS`].
pub(crate) fn work_folders(out: &Path) -> Vec<PathBuf> {
    let (Some(parent), Some(name)) = (out.parent(), out.file_name()) else { return Vec::new() };
    WORK_FOLDERS.iter().map(|suffix| parent.join(format!(".{}{suffix}", name.to_string_lossy()))).collect()
}

/// Why a site was not published, and what became of the previous one.
#[derive(Debug)]
pub enum PublishError {
    /// The output may not be replaced: nothing was touched.
    Refused(Refusal),
    /// Writing or swapping in the new site failed: the previous site is
    /// unchanged.
    Unchanged(io::Error),
    /// The swap failed half-way and the previous site could not be put
    /// back: it is at `previous`.
    Moved { previous: PathBuf, error: io::Error },
}

impl std::fmt::Display for PublishError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            PublishError::Refused(r) => r.fmt(f),
            PublishError::Unchanged(e) => write!(f, "{e}; the previous site is unchanged"),
            PublishError::Moved { previous, error } => write!(
                f,
                "{error}; the new site is not published and the previous one is at `{}` (the next build cleans up)",
                previous.display()
            ),
        }
    }
}

impl From<Refusal> for PublishError {
    fn from(r: Refusal) -> Self {
        PublishError::Refused(r)
    }
}

/// A published site whose previous copy could not be removed: it is at
/// `path` and the next build removes it.
#[derive(Debug)]
pub struct Leftover {
    pub(crate) path: PathBuf,
    pub(crate) error: io::Error,
}

/// A build in progress: a fresh folder beside the output that files are
/// written into as they are rendered, swapped in by [`Staging::commit`].
pub(crate) struct Staging {
    out: Output,
    dir: PathBuf,
    /// Held until the staging folder is committed or dropped.
    _lock: std::fs::File,
}

impl Staging {
    /// Checks that `out` may be replaced (see [`output::check`]), waits for
    /// any other build into the same folder, removes what an interrupted
    /// build left, and prepares `.<name>.retro-new` beside `out`.
    pub(crate) fn new(out: &Path, sources: &Sources) -> Result<Staging, PublishError> {
        let target = output::check(out, sources)?;
        std::fs::create_dir_all(&target.parent).map_err(PublishError::Unchanged)?;
        let lock = lock(&target).map_err(PublishError::Unchanged)?;
        // checked again under the lock: another build may have just
        // finished, or the folder may have changed meanwhile
        let target = output::check(out, sources)?;
        let dir = target.sibling(WORK_FOLDERS[0]);
        for leftover in [&dir, &target.sibling(WORK_FOLDERS[1])] {
            remove_leftover(out, leftover)?;
        }
        std::fs::create_dir(&dir)
            .and_then(|()| std::fs::write(dir.join(output::STAMP), output::STAMP_TEXT))
            .map_err(PublishError::Unchanged)?;
        Ok(Staging { out: target, dir, _lock: lock })
    }

    /// Swaps the new site in for the old one, atomically where the
    /// platform can exchange two folders (Linux), else by two renames.
    /// `Ok(Some(_))` when the site is published but the previous copy
    /// could not be removed.
    pub(crate) fn commit(self) -> Result<Option<Leftover>, PublishError> {
        let out = self.out.path();
        if let Err(reason) = output::replaceable(&out) {
            let _ = remove_tree(&self.dir);
            return Err(Refusal {
                path: out,
                reason: format!("{reason} (it changed during the build)"),
                hint: "let one build at a time write this folder".into(),
            }
            .into());
        }
        let exists = std::fs::symlink_metadata(&out).is_ok();
        let old = if !exists {
            std::fs::rename(&self.dir, &out).map_err(|e| self.failed(e))?;
            return Ok(None);
        } else if exchange(&self.dir, &out).map_err(|e| self.failed(e))? {
            // the previous site now sits where the new one was built
            self.dir.clone()
        } else {
            let old = self.out.sibling(WORK_FOLDERS[1]);
            std::fs::rename(&out, &old).map_err(|e| self.failed(e))?;
            if let Err(error) = std::fs::rename(&self.dir, &out) {
                let _ = remove_tree(&self.dir);
                return Err(match std::fs::rename(&old, &out) {
                    Ok(()) => PublishError::Unchanged(error),
                    Err(_) => PublishError::Moved { previous: old, error },
                });
            }
            old
        };
        Ok(remove_tree(&old).err().map(|error| Leftover { path: old, error }))
    }

    /// The new site could not be swapped in: it is removed, the old one
    /// was never touched.
    fn failed(&self, e: io::Error) -> PublishError {
        let _ = remove_tree(&self.dir);
        PublishError::Unchanged(e)
    }

    /// Drops the new site; the old one stays as it was.
    pub(crate) fn abort(self) {
        let _ = remove_tree(&self.dir);
    }
}

/// An exclusive advisory lock on the folder that holds an output; a second
/// build into the same folder waits for the first. On Unix the folder
/// itself is locked (nothing is left beside the output); elsewhere, where a
/// folder cannot be opened as a file, a lock file `.<name>.retro-lock`.
fn lock(out: &Output) -> io::Result<std::fs::File> {
    #[cfg(unix)]
    let f = std::fs::File::open(&out.parent)?;
    #[cfg(not(unix))]
    let f = std::fs::OpenOptions::new().create(true).truncate(false).write(true).open(out.sibling(".retro-lock"))?;
    match f.try_lock() {
        Ok(()) => Ok(f),
        Err(std::fs::TryLockError::WouldBlock) => {
            eprintln!("waiting for another retro build writing into {} to finish", out.parent.display());
            f.lock()?;
            Ok(f)
        }
        Err(std::fs::TryLockError::Error(e)) => Err(e),
    }
}

/// Removes what an interrupted build left at `path`: only a real folder
/// that carries retro's stamp (or is empty); a link or anything else there
/// is refused, never followed.
fn remove_leftover(out: &Path, path: &Path) -> Result<(), PublishError> {
    if std::fs::symlink_metadata(path).is_err() {
        return Ok(());
    }
    output::replaceable(path).map_err(|reason| Refusal {
        path: out.to_path_buf(),
        reason: format!("`{}`, where retro keeps its staging folder, is not retro's: {reason}", path.display()),
        hint: "remove or rename it yourself, then build again".into(),
    })?;
    remove_tree(path).map_err(PublishError::Unchanged)
}

/// Exchanges two folders in one step; `Ok(false)` where the platform or
/// file system cannot.
#[cfg(target_os = "linux")]
fn exchange(a: &Path, b: &Path) -> io::Result<bool> {
    use rustix::fs::{renameat_with, RenameFlags, CWD};
    match renameat_with(CWD, a, CWD, b, RenameFlags::EXCHANGE) {
        Ok(()) => Ok(true),
        Err(e) if e == rustix::io::Errno::INVAL || e == rustix::io::Errno::NOSYS => Ok(false),
        Err(e) => Err(e.into()),
    }
}

#[cfg(not(target_os = "linux"))]
fn exchange(_: &Path, _: &Path) -> io::Result<bool> {
    Ok(false)
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
pub(crate) struct InPlace(pub(crate) PathBuf);

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
#[cfg(test)]
fn publish(out: &Path, files: &[OutputFile]) -> Result<(), PublishError> {
    let staging = Staging::new(out, &Sources::none())?;
    let written: io::Result<()> = files.par_iter().try_for_each(|f| staging.put(f.clone()));
    match written {
        Ok(()) => staging.commit().map(drop),
        Err(e) => {
            staging.abort();
            Err(PublishError::Unchanged(e))
        }
    }
}

/// Removes a folder and everything in it, on all cores (a site has a
/// folder per page). Symbolic links are removed, never followed.
fn remove_tree(dir: &Path) -> io::Result<()> {
    if std::fs::symlink_metadata(dir)?.file_type().is_symlink() {
        return Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            format!("`{}` is a symbolic link: removed as a link, never followed", dir.display()),
        ));
    }
    remove_folder(dir)
}

/// [`remove_tree`] of a folder known to be a real folder.
fn remove_folder(dir: &Path) -> io::Result<()> {
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
        Err(_) => return remove_folder(dir),
    }
    match std::fs::remove_dir(dir) {
        Ok(()) => Ok(()),
        Err(_) => remove_folder(dir),
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
