//! Writes a deterministic corpus of realistic postmortems for benchmarks:
//! `cargo run --release --example gen_corpus -- --n 10000 --out DIR`.
//! 20 quarters, a dozen areas, SEV1 about 5%, 1–6 action items each,
//! Markdown bodies of 400–1,500 words with headings, lists, tables, code
//! and links. The same `--n` (and `--seed`) always gives the same files.

use std::fmt::Write as _;
use std::path::PathBuf;

/// splitmix64: small, fast, and the same on every machine.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }
    fn pick<'a, T>(&mut self, xs: &'a [T]) -> &'a T {
        &xs[self.below(xs.len() as u64) as usize]
    }
    /// Heavy-tailed minutes: log-uniform between `lo` and `hi`.
    fn minutes(&mut self, lo: f64, hi: f64) -> i64 {
        let u = (self.next() >> 11) as f64 / (1u64 << 53) as f64;
        (lo * (hi / lo).powf(u * u)).round() as i64
    }
}

const AREAS: &[&str] = &[
    "payments",
    "checkout",
    "search",
    "auth",
    "infrastructure",
    "notifications",
    "mobile",
    "catalog",
    "shipping",
    "recommendations",
    "data-platform",
    "support-tools",
];
const TAGS: &[&str] = &[
    "deploy",
    "config",
    "database",
    "dns",
    "certificates",
    "third-party",
    "capacity",
    "network",
    "kubernetes",
    "cache",
    "queue",
    "release",
    "secrets",
    "cdn",
    "timeouts",
    "retries",
];
const PEOPLE: &[&str] = &[
    "dana", "lee", "marek", "yuki", "priya", "omar", "sara", "tomas", "anna", "ines", "jonas", "kim", "ravi", "elif",
    "noah", "mia",
];
const WORDS: &[&str] = &[
    "the",
    "service",
    "deploy",
    "queue",
    "latency",
    "database",
    "pool",
    "connection",
    "request",
    "customer",
    "alert",
    "error",
    "rate",
    "timeout",
    "retry",
    "cache",
    "cluster",
    "node",
    "region",
    "traffic",
    "replica",
    "index",
    "config",
    "change",
    "rollback",
    "runbook",
    "on-call",
    "page",
    "dashboard",
    "metric",
    "threshold",
    "budget",
    "capacity",
    "upstream",
    "downstream",
    "dependency",
    "release",
    "canary",
    "feature",
    "flag",
    "migration",
    "schema",
    "backfill",
    "worker",
    "consumer",
    "producer",
    "topic",
    "partition",
    "lag",
    "disk",
    "memory",
    "cpu",
    "saturation",
    "p99",
    "we",
    "saw",
    "found",
    "noticed",
    "because",
    "after",
    "before",
    "while",
    "during",
    "then",
    "again",
    "slowly",
    "quickly",
    "every",
    "most",
    "some",
    "none",
    "and",
    "or",
    "but",
    "with",
    "without",
    "into",
    "from",
    "for",
    "of",
    "to",
    "in",
    "on",
    "at",
    "by",
    "was",
    "were",
    "is",
    "are",
    "had",
    "has",
    "not",
    "only",
    "still",
    "already",
];

fn sentence(r: &mut Rng, words: usize) -> String {
    let mut s = String::new();
    for i in 0..words {
        let w = r.pick(WORDS);
        if i == 0 {
            let mut c = w.chars();
            if let Some(f) = c.next() {
                s.extend(f.to_uppercase());
                s.push_str(c.as_str());
            }
        } else {
            s.push(' ');
            s.push_str(w);
        }
    }
    s.push('.');
    s
}

fn paragraph(r: &mut Rng, words: &mut usize) -> String {
    let n = 3 + r.below(4) as usize;
    let mut p = Vec::new();
    for _ in 0..n {
        let len = 8 + r.below(12) as usize;
        *words += len;
        p.push(sentence(r, len));
    }
    p.join(" ")
}

fn body(r: &mut Rng) -> String {
    let target = 400 + r.below(1100) as usize;
    let mut words = 0;
    let mut b = String::new();
    let sections =
        ["What happened", "Timeline", "What went well", "What went wrong", "Where we got lucky", "Follow-up"];
    let mut k = 0;
    while words < target {
        let _ = writeln!(b, "## {}\n", sections[k % sections.len()]);
        let _ = writeln!(b, "{}\n", paragraph(r, &mut words));
        match k % 4 {
            0 => {
                for _ in 0..3 + r.below(3) {
                    let len = 6 + r.below(8) as usize;
                    words += len;
                    let _ = writeln!(b, "- {}", sentence(r, len));
                }
                b.push('\n');
            }
            1 => {
                b.push_str("| time | event |\n|---|---|\n");
                for h in 0..4 {
                    words += 6;
                    let _ = writeln!(b, "| 0{}:{:02} | {} |", 9 + h, r.below(60), sentence(r, 6));
                }
                b.push('\n');
            }
            2 => {
                let _ = writeln!(
                    b,
                    "```\n$ kubectl get pods -n {}\nERROR pool exhausted after {} ms\n```\n",
                    r.pick(AREAS),
                    r.below(5000)
                );
                words += 10;
            }
            _ => {
                let _ = writeln!(b, "See the [runbook](https://runbooks.example.com/{}) and [dashboard](https://grafana.example.com/d/{}).\n", r.pick(AREAS), r.below(1000));
                words += 6;
            }
        }
        let _ = writeln!(b, "{}\n", paragraph(r, &mut words));
        k += 1;
    }
    b
}

fn main() {
    let mut n = 1000usize;
    let mut out = PathBuf::from("corpus");
    let mut seed = 42u64;
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        match a.as_str() {
            "--n" => n = args.next().and_then(|v| v.parse().ok()).unwrap_or(n),
            "--out" => out = args.next().map(PathBuf::from).unwrap_or(out),
            "--seed" => seed = args.next().and_then(|v| v.parse().ok()).unwrap_or(seed),
            other => {
                eprintln!("unknown argument {other}\nusage: gen_corpus --n 10000 --out DIR [--seed 42]");
                std::process::exit(2);
            }
        }
    }
    let mut r = Rng(seed);
    let content = out.join("content");
    if content.exists() {
        // a fresh corpus: never mix files of two runs
        std::fs::remove_dir_all(&content).expect("remove the previous corpus");
    }
    std::fs::create_dir_all(&content).expect("create the output folder");
    std::fs::write(
        out.join("site.toml"),
        "title = \"Benchmark corpus\"\ntimezone = \"Europe/Berlin\"\nmin_sample = 5\n",
    )
    .expect("write site.toml");
    // 20 quarters: 2021-Q1 to 2025-Q4
    let start = chrono::NaiveDate::from_ymd_opt(2021, 1, 1).expect("valid date");
    let days = 20 * 365 / 4;
    let mut item_no = 0;
    for i in 0..n {
        let day = start + chrono::Duration::days((i * days / n.max(1)) as i64);
        let area = *r.pick(AREAS);
        let sev = match r.below(100) {
            0..=4 => "SEV1",
            5..=24 => "SEV2",
            25..=64 => "SEV3",
            _ => "SEV4",
        };
        let id = format!("{}-{area}-{i:06}", day.format("%Y-%m-%d"));
        let hour = 6 + r.below(14);
        let minute = r.below(60);
        let started = day.and_hms_opt(hour as u32, minute as u32, 0).expect("valid time");
        let ttd = r.minutes(1.0, 600.0);
        let tta = r.minutes(1.0, 30.0);
        let ttm = ttd + tta + r.minutes(2.0, 900.0);
        let ttr = ttm + r.minutes(10.0, 20000.0);
        let t = |m: i64| (started + chrono::Duration::minutes(m)).format("%Y-%m-%dT%H:%M:00Z").to_string();
        let status = if r.below(10) < 8 { "final" } else { *r.pick(&["draft", "review"]) };
        let mut f = String::new();
        let _ = writeln!(f, "---\nid: {id}");
        let _ = writeln!(
            f,
            "title: \"{} {} {} for {} minutes\"",
            area,
            r.pick(&["outage", "degradation", "errors", "latency"]),
            r.pick(&["after a deploy", "during peak traffic", "after a config change", "caused by a dependency"]),
            ttm
        );
        let _ = writeln!(f, "severity: {sev}\nstatus: {status}\narea: {area}");
        let _ = writeln!(f, "tags: [{}, {}]", r.pick(TAGS), r.pick(TAGS));
        let _ = writeln!(f, "authors: [{}, {}]", r.pick(PEOPLE), r.pick(PEOPLE));
        let _ = writeln!(f, "summary: >\n  {}", sentence(&mut r, 30));
        let _ = writeln!(f, "impact: >\n  {}", sentence(&mut r, 20));
        let _ = writeln!(
            f,
            "timeline:\n  started: {}\n  detected: {}\n  acknowledged: {}\n  mitigated: {}",
            t(0),
            t(ttd),
            t(ttd + tta),
            t(ttm)
        );
        if status == "final" {
            let _ = writeln!(f, "  resolved: {}", t(ttr));
        }
        let _ = writeln!(
            f,
            "detection: {}\ntrigger: {}",
            r.pick(&["alert", "alert", "customer", "employee", "other"]),
            r.pick(TAGS)
        );
        f.push_str("five_whys:\n");
        for w in 0..5 {
            let _ = writeln!(f, "  - Why {}? {}", w + 1, sentence(&mut r, 12));
        }
        let _ = writeln!(f, "root_cause: {}", sentence(&mut r, 10));
        f.push_str("questions:\n");
        for q in ["prevent", "similar", "detect", "mitigate"] {
            let _ = writeln!(f, "  {q}: {}", sentence(&mut r, 14));
        }
        f.push_str("action_items:\n");
        let items = if sev == "SEV1" { 2 + r.below(5) } else { 1 + r.below(6) };
        for k in 0..items {
            item_no += 1;
            let kind = if sev == "SEV1" && k < 2 {
                ["prevent", "detect"][k as usize]
            } else {
                *r.pick(&["prevent", "detect", "mitigate", "process"])
            };
            let due = day + chrono::Duration::days(7 + r.below(60) as i64);
            let _ = writeln!(
                f,
                "  - id: BENCH-{item_no}\n    title: {}\n    kind: {kind}\n    owner: {}\n    due: {}",
                sentence(&mut r, 8),
                r.pick(PEOPLE),
                due.format("%Y-%m-%d")
            );
            // old incidents' items are mostly closed; recent ones mostly open
            let age_share = i as f64 / n.max(1) as f64;
            let open_percent = (5.0 + 45.0 * age_share.powi(4)) as u64;
            if r.below(100) >= open_percent {
                let closed = due - chrono::Duration::days(r.below(5) as i64);
                let closed = closed.max(day);
                let _ = writeln!(f, "    status: done\n    closed: {}", closed.format("%Y-%m-%d"));
            } else {
                let _ = writeln!(f, "    status: {}", r.pick(&["open", "in_progress"]));
            }
            let _ = writeln!(f, "    link: https://tracker.example.com/BENCH-{item_no}");
        }
        f.push_str("---\n");
        f.push_str(&body(&mut r));
        let dir = content.join(day.format("%Y").to_string());
        std::fs::create_dir_all(&dir).expect("create a year folder");
        std::fs::write(dir.join(format!("{id}.md")), f).expect("write a postmortem");
    }
    eprintln!("wrote {n} postmortems to {}", content.display());
}
