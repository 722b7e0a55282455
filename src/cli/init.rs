//! `retro init DIR`: a new site that builds and checks clean.

use super::{EXIT_INTERNAL, EXIT_OK, EXIT_PROBLEMS};
use std::path::Path;

pub fn run(dir: &Path) -> u8 {
    if dir.join(crate::config::FILE_NAME).exists() {
        eprintln!("error: {} already has a site.toml; not overwriting it", dir.display());
        return EXIT_PROBLEMS;
    }
    for (rel, text) in crate::scaffold::site_files() {
        let path = dir.join(rel);
        if let Err(e) = crate::scaffold::write_new(&path, text) {
            eprintln!("error: cannot write {}: {e}", path.display());
            return EXIT_INTERNAL;
        }
    }
    eprintln!("created a site in {0}: run `retro check --root {0}` and `retro build --root {0}`", dir.display());
    EXIT_OK
}
