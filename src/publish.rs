//! Writing the built site atomically: into a fresh folder beside the
//! output, swapped in only when every file is written, so a failed build
//! leaves the previous site exactly as it was.

use crate::render::OutputFile;
use rayon::prelude::*;
use std::io;
use std::path::{Component, Path, PathBuf};

/// Writes `files` as the whole content of `out`.
pub fn publish(out: &Path, files: &[OutputFile]) -> io::Result<()> {
    let parent = out.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
    std::fs::create_dir_all(parent)?;
    let name = out.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_else(|| "public".into());
    let staging = parent.join(format!(".{name}.retro-new"));
    let old = parent.join(format!(".{name}.retro-old"));
    for leftover in [&staging, &old] {
        if leftover.exists() {
            std::fs::remove_dir_all(leftover)?;
        }
    }
    std::fs::create_dir_all(&staging)?;
    let written = write_all(&staging, files);
    if let Err(e) = written {
        let _ = std::fs::remove_dir_all(&staging);
        return Err(e);
    }
    if out.exists() {
        std::fs::rename(out, &old)?;
    }
    if let Err(e) = std::fs::rename(&staging, out) {
        // put the previous site back
        let _ = std::fs::rename(&old, out);
        return Err(e);
    }
    if old.exists() {
        std::fs::remove_dir_all(&old)?;
    }
    Ok(())
}

/// Creates every folder once, then writes the files on all cores.
fn write_all(dir: &Path, files: &[OutputFile]) -> io::Result<()> {
    let paths: Vec<PathBuf> = files.iter().map(|f| safe_join(dir, &f.path)).collect::<io::Result<_>>()?;
    let mut folders: Vec<&Path> = paths.iter().filter_map(|p| p.parent()).collect();
    folders.sort_unstable();
    folders.dedup();
    for f in folders {
        std::fs::create_dir_all(f)?;
    }
    paths.par_iter().zip(files).try_for_each(|(path, f)| std::fs::write(path, &f.bytes))
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
