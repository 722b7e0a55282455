//! Helpers for running the real `retro` binary on fixture sites.

use std::path::{Path, PathBuf};
use std::process::Command;

/// What one run of the binary did.
#[derive(Debug)]
pub(crate) struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

/// Runs `retro` with `args` in `cwd`, with SOURCE_DATE_EPOCH and NO_COLOR
/// cleared unless given in `env`.
pub(crate) fn retro_env(cwd: &Path, args: &[&str], env: &[(&str, &str)]) -> Run {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_retro"));
    cmd.args(args).current_dir(cwd).env_remove("SOURCE_DATE_EPOCH").env_remove("NO_COLOR");
    for (k, v) in env {
        cmd.env(k, v);
    }
    let out = cmd.output().expect("run retro");
    let code = out.status.code().unwrap_or(-1);
    let run = Run {
        code,
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    };
    assert!(code != 101 && code != 3 && code != -1, "retro crashed: {run:?}");
    run
}

pub(crate) fn retro(cwd: &Path, args: &[&str]) -> Run {
    retro_env(cwd, args, &[])
}

/// The folder of a fixture site under tests/fixtures.
pub(crate) fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures").join(name)
}

/// The repository root, which is itself the example site.
pub(crate) fn repo_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Copies a folder tree.
pub(crate) fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        let target = to.join(e.file_name());
        if e.file_type().unwrap().is_dir() {
            copy_dir(&e.path(), &target);
        } else {
            std::fs::copy(e.path(), target).unwrap();
        }
    }
}

/// A site in a temporary folder, made for one test: a copy of a fixture
/// or a site.toml and postmortems, with files added or replaced, then run.
pub(crate) struct TestSite {
    dir: tempfile::TempDir,
}

impl TestSite {
    /// A copy of `tests/fixtures/<name>`.
    pub(crate) fn fixture(name: &str) -> TestSite {
        let dir = tempfile::tempdir().unwrap();
        copy_dir(&fixture(name), dir.path());
        TestSite { dir }
    }

    /// A site with this site.toml and nothing else.
    pub(crate) fn with_config(site_toml: &str) -> TestSite {
        TestSite { dir: tempfile::tempdir().unwrap() }.file("site.toml", site_toml)
    }

    /// Writes `text` to `rel` (relative to the site), folders and all.
    pub(crate) fn file(self, rel: &str, text: &str) -> TestSite {
        let p = self.dir.path().join(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, text).unwrap();
        self
    }

    /// Writes a postmortem: `content/<name>`.
    pub(crate) fn postmortem(self, name: &str, text: &str) -> TestSite {
        self.file(&format!("content/{name}"), text)
    }

    /// Runs `retro` in the site's folder.
    pub(crate) fn run(&self, args: &[&str]) -> Run {
        retro(self.path(), args)
    }

    pub(crate) fn path(&self) -> &Path {
        self.dir.path()
    }
}

/// A temporary site holding a copy of a fixture.
pub(crate) fn fixture_copy(name: &str) -> TestSite {
    TestSite::fixture(name)
}

/// A temporary site with the given site.toml and content files.
pub(crate) fn site(site_toml: &str, files: &[(&str, &str)]) -> TestSite {
    files.iter().fold(TestSite::with_config(site_toml), |s, (name, text)| s.postmortem(name, text))
}

/// Diagnostics of `retro check --format json` as (code, level, file, line).
pub(crate) fn json_diags(stdout: &str) -> Vec<(String, String, String, u64)> {
    let v: serde_json::Value = serde_json::from_str(stdout).expect("json output");
    v.as_array()
        .unwrap()
        .iter()
        .map(|d| {
            (
                d["code"].as_str().unwrap().to_string(),
                d["level"].as_str().unwrap().to_string(),
                d["file"].as_str().unwrap().to_string(),
                d["line"].as_u64().unwrap(),
            )
        })
        .collect()
}

/// A complete postmortem: checks clean whatever its status.
pub(crate) const COMPLETE: &str = "---
title: Checkout failed
severity: SEV1
status: final
area: payments
authors: [dana]
summary: Checkout failed.
impact: 4,000 orders.
timeline:
  started: 2024-03-14T09:00:00Z
  detected: 2024-03-14T09:10:00Z
  mitigated: 2024-03-14T09:40:00Z
  resolved: 2024-03-14T12:00:00Z
five_whys: [one, two, three, four, five]
questions:
  prevent: Load test at scale.
  similar: Search has the same pool.
  detect: Alert at 80% pool use.
  mitigate: A runbook for pool resizing.
action_items:
  - title: Alert
    kind: detect
    owner: lee
    due: 2024-04-01
  - title: Load test
    kind: prevent
    owner: dana
    due: 2024-04-15
---
Body.
";

/// Every file under `dir`, in name order.
pub(crate) fn files(dir: &Path) -> Vec<PathBuf> {
    walkdir::WalkDir::new(dir)
        .sort_by_file_name()
        .into_iter()
        .filter_map(|e| e.ok())
        .filter(|e| e.file_type().is_file())
        .map(|e| e.into_path())
        .collect()
}

/// GET `path` from the server at `addr` (`127.0.0.1:1234`): the response
/// head and body.
pub(crate) fn http_get(addr: &str, path: &str) -> (String, String) {
    use std::io::{Read, Write};
    let mut s = std::net::TcpStream::connect(addr).unwrap();
    s.set_read_timeout(Some(std::time::Duration::from_secs(5))).unwrap();
    write!(s, "GET {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n").unwrap();
    let mut out = String::new();
    s.read_to_string(&mut out).unwrap();
    let (head, body) = out.split_once("\r\n\r\n").unwrap_or((&out, ""));
    (head.to_string(), body.to_string())
}
