//! Finding and reading the postmortem files of a site (FORMAT.md section 1).

use crate::config::Config;
use crate::diagnostic::{Code, Diagnostic};
use crate::text::line_col;
use std::path::{Path, PathBuf};
use walkdir::WalkDir;

/// One postmortem file's text, by its path relative to the site folder.
#[derive(Clone, Debug, PartialEq)]
pub struct SourceFile {
    /// Relative to the site folder, `/`-separated: `content/2024/x.md`.
    pub rel: String,
    pub text: String,
}

/// The postmortem files of a site, found but not read yet.
#[derive(Debug, Default)]
pub(crate) struct Found {
    /// `(site-relative path, path)` in name order.
    pub(crate) paths: Vec<(String, PathBuf)>,
    pub(crate) problems: Vec<Diagnostic>,
}

/// Walks the content folder in name order, skipping names that start with
/// `_` or `.`, and lists every `*.md` file without reading it. Symbolic
/// links are listed only when they resolve to a file inside the site
/// folder; others are named in a warning and left alone. Folder links are
/// never followed, so link loops cannot hang the walk.
pub(crate) fn discover(cfg: &Config) -> Found {
    let mut out = Found::default();
    let root = &cfg.root;
    let content = cfg.content_path();
    if !content.is_dir() {
        return out;
    }
    let canonical_root = root.canonicalize().unwrap_or_else(|_| root.clone());
    // the content folder itself (or a folder above it) may be a link too
    if let Err(d) = inside_site(&canonical_root, &cfg.content_dir, &content) {
        out.problems.push(d);
        return out;
    }
    let walker = WalkDir::new(&content)
        .follow_links(false)
        // siblings share their folder's path, so comparing whole paths
        // orders them by name, without taking each name apart again
        .sort_by(|a, b| a.path().as_os_str().cmp(b.path().as_os_str()))
        .into_iter()
        .filter_entry(|e| e.depth() == 0 || !is_hidden(e.file_name()));
    for entry in walker {
        let entry = match entry {
            Ok(e) => e,
            Err(e) => {
                let rel = e.path().map(|p| rel_path(root, p)).unwrap_or_else(|| cfg.content_dir.clone());
                out.problems.push(
                    Diagnostic::new(Code::E001, &rel, 1, 1, format!("cannot read: {e}"))
                        .hint("check the folder's permissions"),
                );
                continue;
            }
        };
        let path = entry.path();
        if path.extension().is_none_or(|x| x != "md") {
            continue;
        }
        let rel = rel_path(root, path);
        if entry.path_is_symlink() {
            match inside_site(&canonical_root, &rel, path) {
                Ok(target) if target.is_file() => {}
                Ok(_) => continue,
                Err(d) => {
                    out.problems.push(d);
                    continue;
                }
            }
        } else if !entry.file_type().is_file() {
            continue;
        }
        out.paths.push((rel, path.to_path_buf()));
    }
    out
}

/// Where `path` (site-relative `rel`) really is, when that is inside the
/// site folder `canonical_root`: every symbolic link on the way resolved.
/// A path that leads out of the site, or cannot be resolved, is a W011
/// warning and is not to be read. The one rule for every file retro reads
/// from a site: postmortems, the content folder, theme files.
pub(crate) fn inside_site(canonical_root: &Path, rel: &str, path: &Path) -> Result<PathBuf, Diagnostic> {
    match path.canonicalize() {
        Ok(target) if target.starts_with(canonical_root) => Ok(target),
        Ok(target) => Err(Diagnostic::new(
            Code::W011,
            rel,
            1,
            1,
            format!(
                "`{rel}` is a symbolic link (or lies under one) to {}, out of the site; not read",
                target.display()
            ),
        )
        .hint("copy what it points to into the site, or remove the link")),
        Err(e) => {
            Err(Diagnostic::new(Code::W011, rel, 1, 1, format!("symbolic link cannot be resolved ({e}); not read"))
                .hint("fix or remove the link"))
        }
    }
}

/// Reads one file, rejecting bytes that are not UTF-8 text.
pub(crate) fn read(rel: &str, path: &Path) -> Result<SourceFile, Diagnostic> {
    let bytes = std::fs::read(path).map_err(|e| {
        Diagnostic::new(Code::E001, rel, 1, 1, format!("cannot read the file: {e}"))
            .hint("check the file's permissions")
    })?;
    decode(rel, bytes)
}

/// A file that [`decode`] refused, as a diagnostic can show it: bytes that
/// are not UTF-8 as U+FFFD and NUL bytes as `␀` (U+2400), one character for
/// one, so that the columns [`decode`] counted point at them.
pub(crate) fn shown(rel: &str, path: &Path) -> Option<SourceFile> {
    let bytes = std::fs::read(path).ok()?;
    let text = String::from_utf8_lossy(&bytes).replace('\0', "\u{2400}");
    Some(SourceFile { rel: rel.to_string(), text })
}

/// Checks that `bytes` are UTF-8 without NUL bytes.
pub fn decode(rel: &str, bytes: Vec<u8>) -> Result<SourceFile, Diagnostic> {
    let text = String::from_utf8(bytes).map_err(|e| {
        let good = e.utf8_error().valid_up_to();
        let bytes = e.as_bytes();
        let prefix = String::from_utf8_lossy(&bytes[..good]);
        let (line, col) = line_col(&prefix, good);
        Diagnostic::new(
            Code::E002,
            rel,
            line,
            col,
            format!("the file is not UTF-8: byte 0x{:02x} at line {line}", bytes[good]),
        )
        .hint("save the file as UTF-8 (most editors: File → Save with encoding → UTF-8)")
        .span(1)
    })?;
    // memchr's vector search: a tenth of `str::find`'s instructions
    if let Some(i) = memchr::memchr(0, text.as_bytes()) {
        let (line, col) = line_col(&text, i);
        return Err(Diagnostic::new(
            Code::E002,
            rel,
            line,
            col,
            format!("the file contains a NUL byte at line {line}"),
        )
        .hint("remove the NUL byte; postmortems are plain text")
        .span(1));
    }
    Ok(SourceFile { rel: rel.to_string(), text })
}

/// Whether a file or folder name is skipped: it starts with `_` or `.`.
pub(crate) fn is_hidden(name: &std::ffi::OsStr) -> bool {
    let name = name.to_string_lossy();
    name.starts_with('_') || name.starts_with('.')
}

/// `path` relative to `root`, with `/` separators.
fn rel_path(root: &Path, path: &Path) -> String {
    let rel = path.strip_prefix(root).unwrap_or(path);
    rel.components().map(|c| c.as_os_str().to_string_lossy()).collect::<Vec<_>>().join("/")
}

/// A postmortem's body: borrowed from the model, or the file read again
/// with the offset at which its body starts.
#[derive(Debug)]
pub(crate) enum BodyText<'a> {
    Memory(&'a str),
    File(String, usize),
}

impl std::ops::Deref for BodyText<'_> {
    type Target = str;

    fn deref(&self) -> &str {
        match self {
            BodyText::Memory(s) => s,
            BodyText::File(text, start) => text.get(*start..).unwrap_or(""),
        }
    }
}

/// The body of `pm`: from memory, or read again from `root`/its file (a
/// large site keeps bodies on disk until their page is rendered). A file
/// that changed or vanished since it was checked gives its current body,
/// or an empty one.
pub(crate) fn body<'p>(pm: &'p crate::model::Postmortem, root: &Path) -> BodyText<'p> {
    if let crate::model::Body::Memory(body) = &pm.body {
        return BodyText::Memory(body);
    }
    let Ok(src) = read(&pm.file, &root.join(&pm.file)) else {
        return BodyText::Memory("");
    };
    // the file's text is kept and the body sliced out of it: no copy
    match crate::parse::split(&pm.file, &src.text) {
        Ok(fm) => {
            // the body is the text's end
            let start = src.text.len() - fm.body.len();
            BodyText::File(src.text, start)
        }
        Err(_) => BodyText::Memory(""),
    }
}

/// The first `bytes` bytes of `pm`'s body, about (as [`crate::text::head`]
/// cuts it): from memory, or read again.
pub(crate) fn body_head<'p>(pm: &'p crate::model::Postmortem, root: &Path, bytes: usize) -> BodyText<'p> {
    match &pm.body {
        crate::model::Body::OnDisk { head: Some(head) } => BodyText::Memory(crate::text::head(head, bytes)),
        _ => match body(pm, root) {
            BodyText::Memory(text) => BodyText::Memory(crate::text::head(text, bytes)),
            BodyText::File(mut text, start) => {
                text.truncate(start + crate::text::head(&text[start..], bytes).len());
                BodyText::File(text, start)
            }
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn invalid_utf8_names_the_line() {
        let e = decode("a.md", b"---\ntitle: ok\nbad: \xff\n".to_vec()).unwrap_err();
        assert_eq!((e.code, e.line, e.column), (Code::E002, 3, 6));
        assert!(e.message.contains("0xff"), "{}", e.message);
    }

    #[test]
    fn nul_bytes_are_rejected_with_their_line() {
        let e = decode("a.md", b"---\n\n x\0".to_vec()).unwrap_err();
        assert_eq!((e.code, e.line, e.column), (Code::E002, 3, 3));
    }

    #[test]
    fn walks_in_name_order_skipping_hidden_and_underscore_names() {
        let dir = tempfile::tempdir().unwrap();
        let c = dir.path().join("content");
        std::fs::create_dir_all(c.join("2024")).unwrap();
        std::fs::create_dir_all(c.join("_drafts")).unwrap();
        for f in ["b.md", "a.md", "2024/c.md", "_t.md", ".h.md", "_drafts/d.md", "notes.txt"] {
            std::fs::write(c.join(f), "x").unwrap();
        }
        let l = discover(&Config::defaults(dir.path()));
        let names: Vec<&str> = l.paths.iter().map(|(rel, _)| rel.as_str()).collect();
        assert_eq!(names, ["content/2024/c.md", "content/a.md", "content/b.md"]);
    }

    #[cfg(unix)]
    #[test]
    fn links_out_of_the_site_are_named_and_not_read_and_loops_do_not_hang() {
        let outside = tempfile::tempdir().unwrap();
        std::fs::write(outside.path().join("secret.md"), "secret").unwrap();
        let dir = tempfile::tempdir().unwrap();
        let c = dir.path().join("content");
        std::fs::create_dir_all(&c).unwrap();
        std::fs::write(c.join("real.md"), "x").unwrap();
        std::os::unix::fs::symlink(outside.path().join("secret.md"), c.join("leak.md")).unwrap();
        std::os::unix::fs::symlink(&c, c.join("loop")).unwrap();
        std::os::unix::fs::symlink(c.join("real.md"), c.join("alias.md")).unwrap();
        let l = discover(&Config::defaults(dir.path()));
        let names: Vec<&str> = l.paths.iter().map(|(rel, _)| rel.as_str()).collect();
        assert_eq!(names, ["content/alias.md", "content/real.md"]);
        assert_eq!(l.problems.len(), 1);
        assert_eq!((l.problems[0].code, l.problems[0].file.as_str()), (Code::W011, "content/leak.md"));
    }

    #[cfg(unix)]
    #[test]
    fn a_content_folder_that_links_out_of_the_site_is_not_read() {
        let outside = tempfile::tempdir().unwrap();
        std::fs::write(outside.path().join("secret.md"), "secret").unwrap();
        let dir = tempfile::tempdir().unwrap();
        std::os::unix::fs::symlink(outside.path(), dir.path().join("content")).unwrap();
        let l = discover(&Config::defaults(dir.path()));
        assert!(l.paths.is_empty());
        assert_eq!((l.problems[0].code, l.problems[0].file.as_str()), (Code::W011, "content"));
        // a link to a folder inside the site is fine
        std::fs::remove_file(dir.path().join("content")).unwrap();
        std::fs::create_dir_all(dir.path().join("posts")).unwrap();
        std::fs::write(dir.path().join("posts/a.md"), "x").unwrap();
        std::os::unix::fs::symlink(dir.path().join("posts"), dir.path().join("content")).unwrap();
        assert_eq!(discover(&Config::defaults(dir.path())).paths.len(), 1);
    }
}
