//! The floor under any build: the bare program of the performance issue,
//! which only reads every postmortem, parses its front matter with
//! serde_yaml, renders its body with pulldown-cmark and writes one HTML file
//! each (in a folder of its own, as a site with pretty URLs does), on all
//! cores. No checks, templates, lists, charts or exports.
//!
//! The machines this project runs on differ by a factor of two in speed from
//! one session to the next; this program's time on the same corpus, measured
//! in the same minutes as a build, tells how fast the machine is and how much
//! of a build's time is retro's own work:
//!
//!   cargo build --release --example bench_floor
//!   target/release/examples/bench_floor --root CORPUS --output DIR
//!
//! With `--yaml-only` it stops after the front matter: read and parse the
//! YAML, nothing else, the floor the issue gives for `retro check` ("reading
//! and parsing the YAML alone takes about 0.4 s wall").
//!
//! `scripts/bench.sh` runs it beside every build. It prints one line: files,
//! bytes read and bytes written.

use rayon::prelude::*;
use std::path::{Path, PathBuf};

// the allocator retro itself uses, so that the floor is measured the same way
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn arg(name: &str) -> Option<String> {
    let args: Vec<String> = std::env::args().collect();
    args.iter().position(|a| a == name).and_then(|i| args.get(i + 1).cloned())
}

/// One page: the parsed front matter's title and the rendered body.
fn page(path: &Path, out: &Path, yaml_only: bool) -> std::io::Result<(u64, u64)> {
    let text = std::fs::read_to_string(path)?;
    let Ok(fm) = retro::internals::split("", &text) else {
        return Ok((text.len() as u64, 0));
    };
    let (yaml, body) = (fm.yaml, fm.body);
    let front: serde_yaml::Value = serde_yaml::from_str(yaml).map_err(std::io::Error::other)?;
    let title = front.get("title").and_then(|t| t.as_str()).unwrap_or("");
    if yaml_only {
        return Ok((text.len() as u64, 0));
    }
    let mut html = String::with_capacity(body.len() * 3 / 2 + 256);
    html.push_str("<!doctype html><html><head><meta charset=\"utf-8\"><title>");
    html.push_str(&retro::internals::xml_escape(title));
    html.push_str("</title></head><body><main>");
    pulldown_cmark::html::push_html(&mut html, pulldown_cmark::Parser::new_ext(body, pulldown_cmark::Options::all()));
    html.push_str("</main></body></html>\n");
    let stem = path.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default();
    let dir = out.join(stem);
    std::fs::create_dir_all(&dir)?;
    std::fs::write(dir.join("index.html"), &html)?;
    Ok((text.len() as u64, html.len() as u64))
}

fn main() {
    let (Some(root), Some(output)) = (arg("--root"), arg("--output")) else {
        eprintln!("usage: bench_floor --root CORPUS --output DIR [--yaml-only]");
        std::process::exit(2);
    };
    let out = PathBuf::from(output);
    if out.exists() {
        if let Err(e) = std::fs::remove_dir_all(&out) {
            eprintln!("bench_floor: cannot remove {}: {e}", out.display());
            std::process::exit(1);
        }
    }
    let files: Vec<PathBuf> = walkdir::WalkDir::new(Path::new(&root).join("content"))
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file() && e.path().extension().is_some_and(|x| x == "md"))
        .map(|e| e.into_path())
        .collect();
    let yaml_only = std::env::args().any(|a| a == "--yaml-only");
    let done: std::io::Result<Vec<(u64, u64)>> = files.par_iter().map(|p| page(p, &out, yaml_only)).collect();
    match done {
        Ok(sizes) => {
            let (read, written) = sizes.iter().fold((0, 0), |(r, w), (a, b)| (r + a, w + b));
            println!("{} files, {} bytes read, {} bytes written", files.len(), read, written);
        }
        Err(e) => {
            eprintln!("bench_floor: {e}");
            std::process::exit(1);
        }
    }
}
