//! `retro init DIR`: a new site that builds and checks clean.

use super::{EXIT_INTERNAL, EXIT_OK, EXIT_PROBLEMS};
use std::path::Path;

pub fn run(dir: &Path) -> u8 {
    let files = crate::scaffold::site_files();
    // every file is new, or none is written
    let taken: Vec<String> = files
        .iter()
        .map(|(rel, _)| dir.join(rel))
        .filter(|p| std::fs::symlink_metadata(p).is_ok())
        .map(|p| p.display().to_string())
        .collect();
    if !taken.is_empty() {
        eprintln!(
            "error: {} already exist{}; not overwriting anything\n  = help: run `retro init` in a new or empty folder",
            taken.join(", "),
            if taken.len() == 1 { "s" } else { "" }
        );
        return EXIT_PROBLEMS;
    }
    let mut written = Vec::new();
    for (rel, text) in files {
        let path = dir.join(rel);
        match crate::scaffold::write_new(&path, text) {
            Ok(()) => written.push(path),
            Err(e) => {
                // take back what this run wrote: no half-made site
                for w in &written {
                    let _ = std::fs::remove_file(w);
                }
                eprintln!("error: cannot write {}: {e}", path.display());
                return if e.kind() == std::io::ErrorKind::AlreadyExists { EXIT_PROBLEMS } else { EXIT_INTERNAL };
            }
        }
    }
    eprintln!("created a site in {0}: run `retro check --root {0}` and `retro build --root {0}`", dir.display());
    EXIT_OK
}
