//! `retro init DIR`: a new site that builds and checks clean.

use super::{Stop, EXIT_OK, EXIT_PROBLEMS};
use std::path::Path;

pub(crate) fn run(dir: &Path) -> Result<u8, Stop> {
    let files = crate::scaffold::site_files();
    // every file is new, or none is written
    let taken: Vec<String> = files
        .iter()
        .map(|(rel, _)| dir.join(rel))
        .filter(|p| std::fs::symlink_metadata(p).is_ok())
        .map(|p| p.display().to_string())
        .collect();
    if !taken.is_empty() {
        let verb = if taken.len() == 1 { "exists" } else { "exist" };
        return Err(Stop::Failed {
            message: format!("{} already {verb}; not overwriting anything", taken.join(", ")),
            hint: Some("run `retro init` in a new or empty folder".into()),
            code: EXIT_PROBLEMS,
        });
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
                let mut stop = Stop::io(format!("cannot write {}: {e}", path.display()), None);
                if let (Stop::Failed { code, .. }, std::io::ErrorKind::AlreadyExists) = (&mut stop, e.kind()) {
                    *code = EXIT_PROBLEMS;
                }
                return Err(stop);
            }
        }
    }
    eprintln!(
        "created a site in {0}, with an example to read in {0}/{1} (it is not counted).\n\
         next:\n  \
         retro new \"What happened\" --date YYYY-MM-DD --root {0}   write your first postmortem\n  \
         retro serve --root {0}                                      preview the site as you write\n  \
         retro check --root {0}                                      what is missing, as CI will say",
        dir.display(),
        crate::scaffold::EXAMPLE_FILE
    );
    Ok(EXIT_OK)
}
