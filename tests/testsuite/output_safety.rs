//! Nothing lost: `build` replaces only a folder that is its own output,
//! never the site's sources or someone else's files, never anything
//! reached through a symbolic link, and never two builds' mix.

use crate::common::*;
use std::path::{Path, PathBuf};

/// Every file under `dir` with its text, for before/after comparisons.
fn snapshot(dir: &Path) -> Vec<(PathBuf, Vec<u8>)> {
    let mut v: Vec<(PathBuf, Vec<u8>)> = walkdir::WalkDir::new(dir)
        .follow_links(false)
        .into_iter()
        .filter_map(|e| e.ok())
        .filter(|e| e.file_type().is_file())
        .map(|e| (e.path().to_path_buf(), std::fs::read(e.path()).unwrap()))
        .collect();
    v.sort();
    v
}

/// A site with one postmortem inside `parent/site`, and a folder of
/// someone's files beside it, `parent/victim`.
fn world() -> (tempfile::TempDir, PathBuf, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("site");
    std::fs::create_dir_all(root.join("content")).unwrap();
    std::fs::create_dir_all(root.join("themes/default/templates")).unwrap();
    std::fs::create_dir_all(root.join(".git")).unwrap();
    std::fs::write(root.join(".git/HEAD"), "ref: refs/heads/main\n").unwrap();
    std::fs::write(root.join("site.toml"), "title = \"Safe\"\n").unwrap();
    std::fs::write(root.join("content/2024-03-14-checkout.md"), COMPLETE).unwrap();
    let victim = dir.path().join("victim");
    std::fs::create_dir_all(victim.join("deep")).unwrap();
    std::fs::write(victim.join("thesis.txt"), "years of work").unwrap();
    std::fs::write(victim.join("deep/notes.txt"), "more").unwrap();
    (dir, root, victim)
}

fn build(root: &Path, extra: &[&str]) -> Run {
    let mut args = vec!["build", "--today", "2024-06-01"];
    args.extend_from_slice(extra);
    retro(root, &args)
}

#[test]
fn an_output_that_is_or_holds_the_sources_is_refused_and_nothing_is_touched() {
    let (dir, root, _) = world();
    let before = snapshot(dir.path());
    let parent = dir.path().to_str().unwrap().to_string();
    for out in [".", "./", "content", "content/2024", "themes", "themes/default/static", "site.toml", "..", &parent] {
        let r = build(&root, &["--output", out]);
        assert_eq!(r.code, 2, "--output {out}: {r:?}");
        assert!(r.stderr.contains("refusing to write the site to") && r.stderr.contains(out), "{out}: {}", r.stderr);
        assert_eq!(snapshot(dir.path()), before, "--output {out} changed files");
        let names: Vec<_> = std::fs::read_dir(&root).unwrap().map(|e| e.unwrap().file_name()).collect();
        assert!(names.iter().all(|n| !n.to_string_lossy().contains("retro-")), "--output {out} left {names:?}");
    }
}

#[test]
fn a_folder_of_other_files_or_a_file_is_refused_an_empty_or_own_folder_replaced() {
    let (dir, root, victim) = world();
    let before = snapshot(&victim);
    let r = build(&root, &["--output", victim.to_str().unwrap()]);
    assert_eq!(r.code, 2, "{r:?}");
    assert!(r.stderr.contains("did not write") && r.stderr.contains("victim"), "{}", r.stderr);
    assert_eq!(snapshot(&victim), before);

    let file = dir.path().join("report.pdf");
    std::fs::write(&file, "pdf").unwrap();
    let r = build(&root, &["--output", file.to_str().unwrap()]);
    assert_eq!(r.code, 2, "{r:?}");
    assert_eq!(std::fs::read_to_string(&file).unwrap(), "pdf");
    assert!(!dir.path().join(".report.pdf.retro-old").exists());

    let empty = dir.path().join("empty");
    std::fs::create_dir(&empty).unwrap();
    assert_eq!(build(&root, &["--output", empty.to_str().unwrap()]).code, 0);
    assert!(empty.join("index.html").is_file() && empty.join(".retro-output").is_file());
    // its own output is replaced again and again, leaving nothing beside it
    std::fs::write(empty.join("stale.html"), "old").unwrap();
    assert_eq!(build(&root, &["--output", empty.to_str().unwrap()]).code, 0);
    assert!(!empty.join("stale.html").exists());
    let beside: Vec<_> = std::fs::read_dir(dir.path()).unwrap().map(|e| e.unwrap().file_name()).collect();
    assert!(beside.iter().all(|n| !n.to_string_lossy().contains("retro-")), "{beside:?}");
}

#[test]
fn a_dangerous_output_dir_in_site_toml_is_a_configuration_error_at_its_line() {
    let (dir, root, victim) = world();
    let before = snapshot(dir.path());
    for value in ["content", "../victim", victim.to_str().unwrap(), ".", "themes", ".git"] {
        std::fs::write(root.join("site.toml"), format!("title = \"Safe\"\noutput_dir = \"{value}\"\n")).unwrap();
        let r = retro(&root, &["check", "--format", "json"]);
        assert_eq!(r.code, 2, "{value}: {r:?}");
        assert_eq!(json_diags(&r.stdout)[0], ("C004".into(), "error".into(), "site.toml".into(), 2), "{value}");
        let r = build(&root, &[]);
        assert_eq!(r.code, 2, "{value}: {r:?}");
        assert!(r.stderr.contains("output_dir"), "{}", r.stderr);
    }
    std::fs::write(root.join("site.toml"), "title = \"Safe\"\n").unwrap();
    let mut after = snapshot(dir.path());
    after.retain(|(p, _)| !p.ends_with("site.toml"));
    let mut before = before;
    before.retain(|(p, _)| !p.ends_with("site.toml"));
    assert_eq!(after, before);
}

#[cfg(unix)]
#[test]
fn links_named_like_staging_folders_or_as_the_output_are_never_followed() {
    use std::os::unix::fs::symlink;
    let (_dir, root, victim) = world();
    let before = snapshot(&victim);
    for name in [".public.retro-new", ".public.retro-old"] {
        symlink("../victim", root.join(name)).unwrap();
        let r = build(&root, &[]);
        assert_eq!(r.code, 2, "{name}: {r:?}");
        assert!(r.stderr.contains(name) && r.stderr.contains("symbolic link"), "{}", r.stderr);
        assert_eq!(snapshot(&victim), before, "{name}");
        assert!(root.join(name).symlink_metadata().unwrap().file_type().is_symlink(), "the link itself is kept");
        std::fs::remove_file(root.join(name)).unwrap();
    }
    // an output that is a link to a folder, even one retro wrote, is refused
    std::fs::write(victim.join(".retro-output"), "").unwrap();
    let before = snapshot(&victim);
    symlink(&victim, root.join("public")).unwrap();
    let r = build(&root, &[]);
    assert_eq!(r.code, 2, "{r:?}");
    assert!(r.stderr.contains("symbolic link"), "{}", r.stderr);
    assert_eq!(snapshot(&victim), before);
    // a link inside an old site is removed as a link
    std::fs::remove_file(root.join("public")).unwrap();
    assert_eq!(build(&root, &[]).code, 0);
    symlink(&victim, root.join("public/escape")).unwrap();
    symlink(victim.join("thesis.txt"), root.join("public/thesis.txt")).unwrap();
    assert_eq!(build(&root, &[]).code, 0);
    assert_eq!(snapshot(&victim), before);
}

#[test]
fn a_copy_left_by_an_interrupted_build_is_cleaned_up_by_the_next() {
    let (_dir, root, _) = world();
    assert_eq!(build(&root, &[]).code, 0);
    // what a removal that failed after the swap leaves: the previous site
    // beside the new one; and a staging folder of a build that was killed
    for name in [".public.retro-old", ".public.retro-new"] {
        let left = root.join(name);
        copy_dir(&root.join("public"), &left);
        std::fs::write(left.join("extra.html"), "x").unwrap();
        let r = build(&root, &[]);
        assert_eq!(r.code, 0, "{name}: {r:?}");
        assert!(!left.exists(), "{name} is removed");
    }
    // but a folder of that name that is not retro's is left alone
    let foreign = root.join(".public.retro-old");
    std::fs::create_dir(&foreign).unwrap();
    std::fs::write(foreign.join("mine.txt"), "mine").unwrap();
    let r = build(&root, &[]);
    assert_eq!(r.code, 2, "{r:?}");
    assert_eq!(std::fs::read_to_string(foreign.join("mine.txt")).unwrap(), "mine");
}

#[cfg(unix)]
#[test]
fn a_second_build_into_the_same_output_waits_for_the_first() {
    let (_dir, root, _) = world();
    // hold the lock a build takes, as a running build does
    let held = std::fs::File::open(&root).unwrap();
    held.lock().unwrap();
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_retro"))
        .args(["build", "--today", "2024-06-01"])
        .current_dir(&root)
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    std::thread::sleep(std::time::Duration::from_millis(800));
    assert!(child.try_wait().unwrap().is_none(), "the build waits while another holds the output");
    assert!(!root.join("public").exists());
    held.unlock().unwrap();
    let out = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    assert!(stderr.contains("waiting for another retro build"), "{stderr}");
    assert!(root.join("public/index.html").is_file());
}

#[test]
fn builds_of_two_sites_into_one_output_at_once_never_publish_a_mix() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let mut sites = Vec::new();
    for (i, title) in ["Alpha site", "Beta site"].iter().enumerate() {
        let root = dir.path().join(format!("s{i}"));
        std::fs::create_dir_all(root.join("content")).unwrap();
        std::fs::write(root.join("site.toml"), format!("title = \"{title}\"\n")).unwrap();
        for n in 0..40 {
            let text = COMPLETE.replace("Checkout failed", &format!("{title} incident {n}"));
            std::fs::write(root.join(format!("content/2024-03-14-s{i}-{n}.md")), text).unwrap();
        }
        sites.push(root);
    }
    for _ in 0..3 {
        let children: Vec<_> = sites
            .iter()
            .map(|root| {
                std::process::Command::new(env!("CARGO_BIN_EXE_retro"))
                    .args(["build", "--today", "2024-06-01", "--output", out.to_str().unwrap()])
                    .current_dir(root)
                    .stderr(std::process::Stdio::piped())
                    .spawn()
                    .unwrap()
            })
            .collect::<Vec<_>>();
        let children: Vec<_> = children.into_iter().map(|c| c.wait_with_output().unwrap()).collect();
        for c in &children {
            assert!(c.status.success(), "{}", String::from_utf8_lossy(&c.stderr));
        }
        let pages: Vec<String> = std::fs::read_dir(out.join("postmortems"))
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .filter(|n| n.starts_with("2024"))
            .collect();
        let s0 = pages.iter().filter(|n| n.contains("-s0-")).count();
        let s1 = pages.iter().filter(|n| n.contains("-s1-")).count();
        assert!((s0, s1) == (40, 0) || (s0, s1) == (0, 40), "a mix of both sites: {s0} and {s1} pages");
    }
}
