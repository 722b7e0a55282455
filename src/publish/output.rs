//! Where a site may be written. retro replaces its output folder whole, so
//! before it touches anything it makes sure the folder is its own: never
//! the site's sources (the site folder, its content and themes folders,
//! site.toml) or a folder around them, never a symbolic link, and never a
//! folder of someone else's files. A folder is retro's when it carries the
//! stamp file [`STAMP`], which every build writes into its output.

use std::ffi::OsString;
use std::io;
use std::path::{Component, Path, PathBuf};

/// The file that marks a folder as retro's output: only a folder holding
/// it (or an empty one) is ever replaced.
pub(crate) const STAMP: &str = ".retro-output";

/// What the stamp file says to a person who finds it.
pub(crate) const STAMP_TEXT: &str = "This folder was written by `retro build`; the next build replaces it whole.\n";

/// Why an output folder is refused: nothing was touched.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refusal {
    /// The folder as the user named it.
    pub(crate) path: PathBuf,
    /// What it is, completing "refusing to write the site to <path>: ".
    pub(crate) reason: String,
    pub(crate) hint: String,
}

impl std::fmt::Display for Refusal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "refusing to write the site to `{}`: {}", self.path.display(), self.reason)
    }
}

/// The sources of a site that no output may be, hold or lie inside.
#[derive(Debug, Clone, Default)]
pub(crate) struct Sources {
    /// `(path, what it is)`; canonical where the path exists.
    paths: Vec<(PathBuf, &'static str)>,
    /// The site folder: an output may lie inside it, never hold it.
    root: Option<PathBuf>,
}

impl Sources {
    /// The site folder `root`, its content and themes folders and site.toml.
    pub(crate) fn of_site(root: &Path, content_dir: &str) -> Sources {
        let root = resolve(root);
        let mut paths =
            vec![(root.join(content_dir), "the content folder"), (root.join("themes"), "the themes folder")];
        paths.push((root.join(crate::config::FILE_NAME), "site.toml"));
        let paths = paths.into_iter().map(|(p, what)| (resolve(&p), what)).collect();
        Sources { paths, root: Some(root) }
    }

    /// No sources: any folder that is retro's own or empty may be replaced.
    #[cfg(test)]
    pub(crate) fn none() -> Sources {
        Sources::default()
    }
}

/// An output folder found safe to replace, by its resolved path.
#[derive(Debug, Clone)]
pub(crate) struct Output {
    /// The folder that holds the output: canonical, so no link in it is
    /// followed later.
    pub(crate) parent: PathBuf,
    pub(crate) name: OsString,
}

impl Output {
    pub(crate) fn path(&self) -> PathBuf {
        self.parent.join(&self.name)
    }

    /// A sibling named after the output: `.public.retro-new`.
    pub(crate) fn sibling(&self, suffix: &str) -> PathBuf {
        let mut n = OsString::from(".");
        n.push(&self.name);
        n.push(suffix);
        self.parent.join(n)
    }
}

/// Checks that `out` may be replaced by a site built from `sources`.
pub(crate) fn check(out: &Path, sources: &Sources) -> Result<Output, Refusal> {
    let refuse = |reason: String, hint: &str| Refusal { path: out.to_path_buf(), reason, hint: hint.to_string() };
    let elsewhere = "pass another --output, or set output_dir in site.toml to a folder such as \"public\"";
    let abs = std::path::absolute(out).map_err(|e| refuse(format!("its path cannot be resolved ({e})"), elsewhere))?;
    let (parent, name) = match abs.components().next_back() {
        Some(Component::Normal(name)) => {
            let parent = abs.parent().unwrap_or(Path::new("/"));
            (resolve(parent), name.to_os_string())
        }
        // `.`, `..` or `/`: an existing folder, named by what it resolves to
        _ => {
            let real = abs.canonicalize().map_err(|e| refuse(format!("it cannot be resolved ({e})"), elsewhere))?;
            match (real.parent(), real.file_name()) {
                (Some(p), Some(n)) => (p.to_path_buf(), n.to_os_string()),
                _ => return Err(refuse("it is the root of the file system".into(), elsewhere)),
            }
        }
    };
    let target = parent.join(&name);
    if let Some(root) = &sources.root {
        if root.starts_with(&target) {
            let what = if *root == target { "it is the site folder itself" } else { "it holds the site folder" };
            return Err(refuse(format!("{what}; the build would delete the site's sources"), elsewhere));
        }
    }
    for (source, what) in &sources.paths {
        let how = if *source == target {
            "it is"
        } else if source.starts_with(&target) {
            "it holds"
        } else if target.starts_with(source) {
            "it lies inside"
        } else {
            continue;
        };
        return Err(refuse(format!("{how} {what} of the site"), elsewhere));
    }
    let output = Output { parent, name };
    replaceable(&target).map_err(|reason| {
        refuse(
            reason,
            "retro replaces only a folder it wrote (it holds a `.retro-output` file) or an empty one; \
             pass another --output, or move the folder away yourself (a site built by a retro older \
             than the stamp: delete it once)",
        )
    })?;
    Ok(output)
}

/// Whether the folder at `path` may be removed and replaced: absent, empty
/// or stamped, and not a symbolic link. `Err` says what it is instead.
pub(crate) fn replaceable(path: &Path) -> Result<(), String> {
    let meta = match std::fs::symlink_metadata(path) {
        Ok(m) => m,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(()),
        Err(e) => return Err(format!("it cannot be inspected ({e})")),
    };
    if meta.file_type().is_symlink() {
        let to = std::fs::read_link(path).map(|t| format!(" to `{}`", t.display())).unwrap_or_default();
        return Err(format!("it is a symbolic link{to}, and retro never writes or deletes through links"));
    }
    if !meta.is_dir() {
        return Err("it is a file, not a folder".into());
    }
    if is_stamped(path) {
        return Ok(());
    }
    let mut entries = std::fs::read_dir(path).map_err(|e| format!("it cannot be read ({e})"))?;
    match entries.next() {
        None => Ok(()),
        Some(_) => Err("it is a folder that retro did not write (it has files and no `.retro-output` stamp)".into()),
    }
}

/// Whether `dir` holds the stamp as a plain file (not a link to one).
pub(crate) fn is_stamped(dir: &Path) -> bool {
    std::fs::symlink_metadata(dir.join(STAMP)).is_ok_and(|m| m.is_file())
}

/// `path` made absolute with every link in it resolved, as far as it
/// exists; the part that does not exist yet is appended as written, with
/// `.` and `..` taken lexically.
fn resolve(path: &Path) -> PathBuf {
    let abs = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
    let mut rest = Vec::new();
    let mut base = abs.as_path();
    let real = loop {
        match base.canonicalize() {
            Ok(r) => break r,
            Err(_) => match (base.parent(), base.components().next_back()) {
                (Some(p), Some(c)) => {
                    rest.push(c.as_os_str().to_os_string());
                    base = p;
                }
                _ => break base.to_path_buf(),
            },
        }
    };
    let mut out = real;
    for c in rest.iter().rev() {
        match c.to_str() {
            Some(".") => {}
            Some("..") => {
                out.pop();
            }
            _ => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn site() -> (tempfile::TempDir, Sources) {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("site");
        std::fs::create_dir_all(root.join("content")).unwrap();
        std::fs::write(root.join("site.toml"), "").unwrap();
        let s = Sources::of_site(&root, "content");
        (dir, s)
    }

    #[test]
    fn the_sources_and_folders_around_them_are_refused() {
        let (dir, s) = site();
        let root = dir.path().join("site");
        for (out, says) in [
            (root.clone(), "site folder itself"),
            (root.join("."), "site folder itself"),
            (root.join("content"), "it is the content folder"),
            (root.join("content/x"), "lies inside the content folder"),
            (root.join("themes"), "it is the themes folder"),
            (root.join("themes/default/static"), "lies inside the themes folder"),
            (root.join("site.toml"), "it is site.toml"),
            (dir.path().to_path_buf(), "holds the site folder"),
            (root.join("public/../content"), "it is the content folder"),
        ] {
            let e = check(&out, &s).unwrap_err();
            assert!(e.reason.contains(says), "{}: {e}", out.display());
        }
        assert!(check(&root.join("public"), &s).is_ok());
        assert!(check(&dir.path().join("elsewhere/deep"), &s).is_ok());
    }

    #[test]
    fn only_empty_or_stamped_folders_are_replaced() {
        let (dir, s) = site();
        let docs = dir.path().join("docs");
        std::fs::create_dir_all(&docs).unwrap();
        assert!(check(&docs, &s).is_ok(), "empty");
        std::fs::write(docs.join("notes.txt"), "mine").unwrap();
        assert!(check(&docs, &s).unwrap_err().reason.contains("did not write"));
        std::fs::write(docs.join(STAMP), STAMP_TEXT).unwrap();
        assert!(check(&docs, &s).is_ok(), "stamped");
        let file = dir.path().join("file");
        std::fs::write(&file, "x").unwrap();
        assert!(check(&file, &s).unwrap_err().reason.contains("is a file"));
    }

    #[cfg(unix)]
    #[test]
    fn a_link_is_refused_even_to_a_stamped_folder() {
        let (dir, s) = site();
        let real = dir.path().join("real");
        std::fs::create_dir_all(&real).unwrap();
        std::fs::write(real.join(STAMP), STAMP_TEXT).unwrap();
        let link = dir.path().join("site/public");
        std::os::unix::fs::symlink(&real, &link).unwrap();
        assert!(check(&link, &s).unwrap_err().reason.contains("symbolic link"));
        // a link into the sources, in a parent of the output
        let via = dir.path().join("via");
        std::os::unix::fs::symlink(dir.path().join("site"), &via).unwrap();
        assert!(check(&via.join("content"), &s).unwrap_err().reason.contains("content folder"));
    }
}
