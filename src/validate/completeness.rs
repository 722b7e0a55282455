//! Completeness: is the retrospective finished? (FORMAT.md section 3)
//!
//! Each rule is one or more *checks*; the score of a postmortem is the share
//! of applicable checks it passes. The checks, in order:
//! - one per required field (title, severity, area, authors, summary,
//!   impact, timeline.started, timeline.detected, timeline.mitigated, and
//!   timeline.resolved once final);
//! - one for the whys; one per question (four);
//! - one for having action items, where the severity requires them;
//! - one per kind the severity requires;
//! - three per action item (title, owner, due);
//! - one for unknown keys; one for blame-assigning language;
//! - one per open action item with a due date, where the severity has a
//!   deadline (`due_within_days`).

use crate::config::Config;
use crate::diagnostic::{Code, Diagnostic, Kind, Level};
use crate::model::{PmKind, Postmortem, Report, Status};
use crate::parse::{Locator, Seg};
use crate::schema::{self, Level as At, Need};
use memchr::memmem;
use std::sync::{Arc, Mutex, OnceLock};

/// A value that is not an answer: empty, a placeholder such as `TBD`, a
/// placeholder followed by a colon (`TODO: ask the DBAs`, `N/A: later`),
/// or a placeholder word followed by more words (`TODO fix it`).
pub(crate) fn is_placeholder(value: &str, cfg: &Config) -> bool {
    let v = value.trim().to_lowercase();
    if v.is_empty() {
        return true;
    }
    let written = value.trim();
    cfg.completeness.placeholders.iter().any(|p| {
        // a word written in capitals before more words: `TODO fix it`,
        // not `Todo list app fails`
        let shouted = p.chars().all(char::is_alphabetic)
            && written
                .strip_prefix(p.to_uppercase().as_str())
                .is_some_and(|rest| rest.starts_with(|c: char| !c.is_alphanumeric()));
        v == *p
            || shouted
            || v.strip_prefix(p.as_str())
                .is_some_and(|rest| rest.starts_with(':') && p.chars().any(char::is_alphanumeric))
    })
}

/// What the completeness check must not report: fields whose value is in
/// error, and fields an unknown key was likely meant to be.
#[derive(Default)]
pub(crate) struct Waiting<'a> {
    /// Path names: `summary`, `timeline.started`, `action_items[2].due`.
    pub(crate) broken: &'a [String],
    pub(crate) reported: &'a [String],
}

impl Waiting<'_> {
    /// The broken field `name` depends on (itself, or a mapping or list
    /// holding it), if any.
    fn broken_for(&self, name: &str) -> Option<&str> {
        self.broken
            .iter()
            .find(|b| {
                name == b.as_str()
                    || name.strip_prefix(b.as_str()).is_some_and(|rest| rest.starts_with('.') || rest.starts_with('['))
            })
            .map(String::as_str)
    }
}

struct Checker<'a> {
    file: &'a str,
    loc: &'a Locator<'a>,
    waiting: &'a Waiting<'a>,
    /// The broken fields that checks waited for, in order.
    waited: Vec<String>,
    applicable: usize,
    passed: usize,
    out: Vec<Diagnostic>,
}

impl Checker<'_> {
    /// Whether the checks of field `name` wait: its value, or one they
    /// need, is in error, or a reported key stands for it.
    fn waits(&mut self, names: &[&str]) -> bool {
        if names.iter().any(|n| self.waiting.reported.iter().any(|m| m == n)) {
            return true;
        }
        let Some(b) = names.iter().find_map(|n| self.waiting.broken_for(n)) else { return false };
        if !self.waited.iter().any(|w| w == b) {
            self.waited.push(b.to_string());
        }
        true
    }

    /// Counts one check; reports it at `path` when it fails.
    fn check(&mut self, ok: bool, code: Code, path: &[Seg], at_value: bool, msg: impl FnOnce() -> (String, String)) {
        self.applicable += 1;
        if ok {
            self.passed += 1;
            return;
        }
        let (message, hint) = msg();
        let l = if at_value { self.loc.value(path) } else { self.loc.key(path) };
        self.out.push(Diagnostic::new(code, self.file, l.line, l.col, message).hint(hint).span(l.len));
    }
}

/// Adds completeness problems to `diags` (which may already hold unknown-key
/// warnings), raises them to errors for final postmortems, and sets the
/// postmortem's `problems` and `score`.
/// Also returns the broken fields that checks waited for.
pub(crate) fn check(
    pm: &Postmortem,
    diags: &mut Vec<Diagnostic>,
    loc: &Locator,
    text: &str,
    cfg: &Config,
    waiting: &Waiting,
) -> (Report, Vec<String>) {
    let mut c = Checker { file: &pm.file, loc, waiting, waited: Vec::new(), applicable: 0, passed: 0, out: Vec::new() };
    answers(&mut c, pm, loc, cfg);
    action_items(&mut c, pm, cfg);
    let final_ = pm.status == Status::Final;

    // Unknown keys were reported while reading fields; they fail one check.
    c.applicable += 1;
    if !diags.iter().any(|d| d.code == Code::W008) {
        c.passed += 1;
    }
    let names: Vec<String> = pm
        .authors
        .iter()
        .chain(pm.action_items.iter().filter_map(|i| i.owner.as_ref()))
        .map(|n| n.trim().to_lowercase())
        .filter(|n| !n.is_empty())
        .collect();
    let blame = blame(&pm.file, text, cfg, &names);
    c.applicable += 1;
    if blame.is_empty() {
        c.passed += 1;
    }
    c.out.extend(blame);

    let (applicable, passed, waited) = (c.applicable, c.passed, c.waited);
    diags.extend(c.out);
    if final_ {
        for d in diags.iter_mut().filter(|d| d.kind() == Kind::Completeness) {
            d.level = Level::Error;
        }
    }
    let report = Report {
        problems: diags.iter().filter(|d| d.kind() == Kind::Completeness).cloned().collect(),
        score: if applicable == 0 { 1.0 } else { passed as f64 / applicable as f64 },
    };
    (report, waited)
}

/// The fields, whys and questions a finished retrospective has answered.
fn answers(c: &mut Checker, pm: &Postmortem, loc: &Locator, cfg: &Config) {
    use Seg::Key;
    let filled = |v: &Option<String>| v.as_deref().is_some_and(|s| !is_placeholder(s, cfg));

    let final_ = pm.status == Status::Final;
    for f in schema::at(At::Top).chain(schema::at(At::Timeline)) {
        let what = match f.need {
            Need::Required(what) => what,
            Need::RequiredOnceFinal(what) if final_ => what,
            _ => continue,
        };
        if schema::NOT_ASKED_OF_NEAR_MISSES.contains(&f.name) && (pm.kind == PmKind::NearMiss || c.waits(&["kind"])) {
            continue;
        }
        let t = &pm.timeline;
        // a text that is there but a placeholder (`TODO: …`) says so
        let placeholder =
            |v: &Option<String>| v.as_deref().is_some_and(|s| !s.trim().is_empty() && is_placeholder(s, cfg));
        let is_placeholder_value = match f.name {
            "title" => placeholder(&pm.title),
            "area" => placeholder(&pm.area),
            "summary" => placeholder(&pm.summary),
            "impact" => placeholder(&pm.impact),
            _ => false,
        };
        let given = match f.name {
            "title" => filled(&pm.title),
            "severity" => pm.severity.is_some(),
            "area" => filled(&pm.area),
            "authors" => pm.authors.iter().any(|a| !a.trim().is_empty()),
            "summary" => filled(&pm.summary),
            "impact" => filled(&pm.impact),
            "started" => t.started.is_some(),
            "detected" => t.detected.is_some(),
            "mitigated" => t.mitigated.is_some(),
            "resolved" => t.resolved.is_some(),
            // a field the schema requires and this check cannot see
            _ => false,
        };
        let (timeline, key) = (f.level == At::Timeline, f.name);
        let path: &[Seg] = if timeline { &[Key("timeline"), Key(key)] } else { &[Key(key)] };
        if c.waits(&[&crate::parse::path_name(path)]) {
            continue;
        }
        c.check(given, Code::W001, path, false, || {
            let name = if timeline { format!("timeline.{key}") } else { key.to_string() };
            let hint = if timeline {
                // an example from the file's own timeline: its latest time
                let t = &pm.timeline;
                let latest = [&t.started, &t.detected, &t.acknowledged, &t.mitigated, &t.resolved]
                    .into_iter()
                    .flatten()
                    .map(|s| s.at)
                    .max()
                    .map(|at| at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true));
                match latest {
                    Some(at) => {
                        format!("add `{key}:` under `timeline:`, a time with its offset like `{at}` — when {what}")
                    }
                    None => format!("add `{key}: 2024-03-14T09:02:00Z` under `timeline:` — when {what}"),
                }
            } else {
                what.to_string()
            };
            let msg = if is_placeholder_value {
                format!("`{name}` is a placeholder, not an answer")
            } else {
                missing_msg(&name, loc.has(path))
            };
            (msg, hint)
        });
    }

    let mut seen = std::collections::HashSet::new();
    let whys = pm.five_whys.iter().filter(|w| !is_placeholder(w, cfg) && seen.insert(w.trim().to_lowercase())).count();
    let min = cfg.completeness.min_whys;
    if !c.waits(&["five_whys"]) {
        c.check(whys >= min, Code::W002, &[Key("five_whys")], false, || {
        (
            format!("only {whys} of {min} whys answered (non-empty and distinct)"),
            "keep asking why until the answer is about how the organisation works, not what one person did; site.toml completeness.min_whys sets how many".to_string(),
        )
        });
    }

    for (key, question, answer) in pm.questions.answers() {
        let path = [Key("questions"), Key(key)];
        if c.waits(&[&format!("questions.{key}")]) {
            continue;
        }
        let state = match answer.as_deref() {
            None => "is not answered",
            Some(a) if a.trim().is_empty() => "is empty",
            Some(a) if is_placeholder(a, cfg) => "is a placeholder",
            Some(_) => "",
        };
        c.check(state.is_empty(), Code::W003, &path, answer.is_some(), || {
            (format!("question `{key}` {state}"), format!("answer it under `questions:` — {question}"))
        });
    }
}

/// Action items: there, of the kinds the severity asks for, each with an
/// owner and a due date in time.
fn action_items(c: &mut Checker, pm: &Postmortem, cfg: &Config) {
    use Seg::{Index, Key};
    let sev = pm.severity.clone().unwrap_or_default();
    if c.waits(&["action_items"]) {
        return;
    }
    // what the severity asks waits for a severity in error
    let sev_read = !c.waits(&["severity"]);
    if sev_read && cfg.completeness.action_items_required.contains(&sev) {
        c.check(!pm.action_items.is_empty(), Code::W004, &[Key("action_items")], false, || {
            (
                format!("a {sev} postmortem has no action items"),
                "add `action_items:` with at least one item: title, kind, owner, due".to_string(),
            )
        });
    }
    // an item without a real title is not yet an action: it does not
    // count for a kind the severity asks for
    let titled = |i: &crate::model::ActionItem| i.title.as_deref().is_some_and(|t| !is_placeholder(t, cfg));
    let kind_fields: Vec<String> = (0..pm.action_items.len()).map(|i| format!("action_items[{i}].kind")).collect();
    let kinds_read = !c.waits(&kind_fields.iter().map(String::as_str).collect::<Vec<_>>());
    if let Some(kinds) = cfg.completeness.kinds_required.get(&sev).filter(|_| kinds_read && sev_read) {
        for kind in kinds {
            c.check(
                pm.action_items.iter().any(|i| i.kind == Some(*kind) && titled(i)),
                Code::W005,
                &[Key("action_items")],
                false,
                || {
                    (
                        format!("a {sev} postmortem needs an action item of kind `{}`", kind.as_str()),
                        format!("add an item with `kind: {}`, or mark an existing one", kind.as_str()),
                    )
                },
            );
        }
    }
    let deadline = cfg.completeness.due_within_days.get(&sev).copied().filter(|_| sev_read);
    let start_day = crate::metrics::start_day(pm, cfg.timezone);
    for (i, item) in pm.action_items.iter().enumerate() {
        let base = [Key("action_items"), Index(i)];
        let name = |field: &str| format!("action_items[{i}].{field}");
        if !c.waits(&[&name("title")]) {
            c.check(titled(item), Code::W017, &base, false, || {
                let what = if item.title.as_deref().is_some_and(|t| !t.trim().is_empty()) {
                    "a placeholder title"
                } else {
                    "no title"
                };
                (
                    format!("action item `{}` has {what}", item.id),
                    "write what will be done, as a task someone can finish: `title: Alert on pool saturation above 80%`"
                        .to_string(),
                )
            });
        }
        if !c.waits(&[&name("owner")]) {
            c.check(item.owner.is_some(), Code::W006, &base, false, || {
                (
                    format!("action item `{}` has no owner", item.id),
                    "add `owner:` — one person who answers for it, not a team".to_string(),
                )
            });
        }
        if c.waits(&[&name("due")]) {
            continue;
        }
        c.check(item.due.is_some(), Code::W007, &base, false, || {
            // with a deadline for the severity, the hint names the last day
            let by = deadline.zip(start_day).and_then(|(days, start)| {
                start.checked_add_signed(chrono::TimeDelta::try_days(days)?).map(|limit| (days, limit))
            });
            let hint = match by {
                Some((days, limit)) => format!(
                    "add `due: YYYY-MM-DD`: a {sev} item is due within {days} days of the incident, by {limit} (site.toml due_within_days)"
                ),
                None => "add `due: YYYY-MM-DD`".to_string(),
            };
            (format!("action item `{}` has no due date", item.id), hint)
        });
        if let (Some(days), Some(due), Some(start), true) = (deadline, &item.due, start_day, item.status.is_open()) {
            // a deadline past the calendar's end is no deadline
            let limit = start.checked_add_signed(chrono::TimeDelta::try_days(days).unwrap_or(chrono::TimeDelta::MAX));
            let Some(limit) = limit else { continue };
            c.check(due.date <= limit, Code::W010, &[Key("action_items"), Index(i), Key("due")], true, || {
                (
                    format!(
                        "action item `{}` is due {}, later than {days} days after a {sev} incident ({limit})",
                        item.id, due.raw
                    ),
                    "bring the date forward, or split the item into a first step due in time and a follow-up"
                        .to_string(),
                )
            });
        }
    }
}

fn missing_msg(key: &str, present: bool) -> String {
    if present {
        format!("`{key}` is empty")
    } else {
        format!("missing `{key}`")
    }
}

/// Searchers for a list of phrases (lowercased), built once and shared by
/// every file and thread of a run. One SIMD substring search per phrase
/// over lowercased text is several times faster than an Aho-Corasick
/// automaton ignoring case, which has no fast prefilter for such phrases.
fn blame_finders(phrases: &[String]) -> Option<Arc<Vec<memmem::Finder<'static>>>> {
    type Cache = Mutex<Option<(Vec<String>, Arc<Vec<memmem::Finder<'static>>>)>>;
    static CACHE: OnceLock<Cache> = OnceLock::new();
    let cache = CACHE.get_or_init(|| Mutex::new(None));
    let mut slot = cache.lock().ok()?;
    match &*slot {
        Some((p, f)) if p == phrases => Some(f.clone()),
        _ => {
            let finders: Vec<memmem::Finder<'static>> = phrases
                .iter()
                .map(|p| p.to_ascii_lowercase())
                .filter(|p| !p.is_empty())
                .map(|p| memmem::Finder::new(p.as_bytes()).into_owned())
                .collect();
            let finders = Arc::new(finders);
            *slot = Some((phrases.to_vec(), finders.clone()));
            Some(finders)
        }
    }
}

/// The hint of a site's own blame phrase.
const PHRASE_HINT: &str = "describe what the system allowed and why it made sense at the time, not who failed";

/// Every blame-assigning phrase in the file (the site's phrases, ASCII
/// letter case ignored, and the rules of `blame.rs`; `names` are the
/// file's people, lowercased), with its line and column. Where findings
/// overlap, the one starting first wins, the longest among those starting
/// together.
fn blame(file: &str, text: &str, cfg: &Config, names: &[String]) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    // ASCII lowercasing keeps every byte in place: a match in `lower` is
    // the same range of `text`, on character boundaries (phrases are
    // whole UTF-8 strings)
    let lower = text.to_ascii_lowercase();
    let mut hits: Vec<(usize, usize, &str)> = match blame_finders(&cfg.completeness.blame_phrases) {
        Some(finders) => finders
            .iter()
            .flat_map(|f| f.find_iter(lower.as_bytes()).map(move |at| (at, at + f.needle().len(), PHRASE_HINT)))
            .collect(),
        None => Vec::new(),
    };
    hits.extend(super::blame::find(text, &lower, names).into_iter().map(|f| (f.start, f.end, f.rule.hint())));
    hits.sort_unstable_by(|a, b| a.0.cmp(&b.0).then(b.1.cmp(&a.1)));
    let (mut line, mut line_start, mut scanned, mut taken) = (1, 0, 0, 0);
    for (at, end, hint) in hits {
        let Some(found) = text.get(at..end).filter(|_| at >= taken) else { continue };
        // whole words only at the start: "default of" is not "fault of"
        if text[..at].chars().next_back().is_some_and(char::is_alphanumeric) {
            continue;
        }
        taken = end;
        for (i, b) in text.as_bytes()[scanned..at].iter().enumerate() {
            if *b == b'\n' {
                line += 1;
                line_start = scanned + i + 1;
            }
        }
        scanned = at;
        let col = text[line_start..at].chars().count() + 1;
        out.push(
            Diagnostic::new(Code::W009, file, line, col, format!("blame-assigning language: \"{found}\""))
                .hint(hint)
                .span(found.chars().count()),
        );
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::load::SourceFile;
    use crate::validate::check_file;
    use std::path::Path;

    const COMPLETE: &str = "---
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
five_whys:
  - one
  - two
  - three
  - four
  - five
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

    fn run_with(text: &str, cfg: &Config) -> (Vec<(String, usize, Level)>, f64) {
        let r = check_file(&SourceFile { rel: "c/x.md".into(), text: text.into() }, cfg);
        let c = r.checked.expect("no errors");
        (r.diags.iter().map(|d| (d.code.as_str().to_string(), d.line, d.level)).collect(), c.report.score)
    }

    fn run(text: &str) -> (Vec<(String, usize, Level)>, f64) {
        run_with(text, &Config::defaults(Path::new("/s")))
    }

    #[test]
    fn a_complete_postmortem_has_no_problems_and_scores_one() {
        assert_eq!(run(COMPLETE), (vec![], 1.0));
    }

    #[test]
    fn placeholders_are_not_answers() {
        let cfg = Config::defaults(Path::new("/s"));
        for p in
            ["TBD", " todo ", "N/A", "-", "?", "...", "FIXME", "TODO: ask the DBAs", "", "TODO fix it", "TBD - later"]
        {
            assert!(is_placeholder(p, &cfg), "{p:?}");
        }
        for a in ["Todo list app fails", "Nothing to add: the pool is unique", "-1 replicas"] {
            assert!(!is_placeholder(a, &cfg), "{a:?}");
        }
    }

    #[test]
    fn missing_fields_and_placeholder_answers_are_reported_where_they_belong() {
        let text =
            COMPLETE.replace("area: payments\n", "").replace("  detect: Alert at 80% pool use.", "  detect: TBD");
        let (d, score) = run(&text);
        assert_eq!(d, [("W001".into(), 1, Level::Error), ("W003".into(), 22, Level::Error)]);
        // 10 fields + whys + 4 questions + items + 2 kinds + 2×3 item checks + keys + blame = 26 checks, 24 passed
        assert!((score - 24.0 / 26.0).abs() < 1e-12, "{score}");
    }

    #[test]
    fn drafts_get_warnings_and_resolved_is_not_required_before_final() {
        let text = COMPLETE
            .replace("status: final", "status: draft")
            .replace("  resolved: 2024-03-14T12:00:00Z\n", "")
            .replace("area: payments", "area: TBD");
        let (d, _) = run(&text);
        assert_eq!(d, [("W001".into(), 5, Level::Warning)]);
    }

    #[test]
    fn whys_must_be_non_empty_and_distinct() {
        let text = COMPLETE.replace("  - four\n", "  - One\n").replace("  - five\n", "  - TODO\n");
        let (d, _) = run(&text);
        assert_eq!(d, [("W002".into(), 14, Level::Error)]);
    }

    #[test]
    fn sev1_needs_items_of_the_required_kinds_with_owner_and_due() {
        let text = COMPLETE.replace("    kind: prevent\n    owner: dana\n", "");
        let (d, _) = run(&text);
        assert_eq!(d.iter().map(|x| (x.0.as_str(), x.1)).collect::<Vec<_>>(), [("W005", 25), ("W006", 30)]);
        let none = COMPLETE.split("action_items:").next().unwrap().to_string() + "---\n";
        let (d, _) = run(&none);
        assert_eq!(d.iter().map(|x| x.0.as_str()).collect::<Vec<_>>(), ["W004", "W005", "W005"]);
    }

    #[test]
    fn unknown_keys_suggest_the_closest_known_key() {
        let text = COMPLETE.replace("severity: SEV1", "severity: SEV1\nsevrity: SEV2");
        let r = check_file(&SourceFile { rel: "c/x.md".into(), text }, &Config::defaults(Path::new("/s")));
        assert_eq!(r.diags.len(), 1);
        assert_eq!((r.diags[0].code, r.diags[0].line), (Code::W008, 4));
        assert_eq!(r.diags[0].hint, "did you mean `severity`?");
    }

    #[test]
    fn blame_phrases_are_found_with_line_and_column_in_any_case() {
        let text = COMPLETE.replace(
            "Body.",
            "It was Human Error.\nNot careless, just tired; carelessly again.\nThe default of the client.",
        );
        let (d, _) = run(&text);
        assert_eq!(
            d.iter().map(|x| (x.0.as_str(), x.1)).collect::<Vec<_>>(),
            [("W009", 35), ("W009", 36), ("W009", 36)]
        );
    }

    #[test]
    fn overlapping_blame_phrases_report_the_first_and_longest_once() {
        let mut cfg = Config::defaults(Path::new("/s"));
        cfg.completeness.blame_phrases = vec!["should have".into(), "should have known".into(), "have known".into()];
        let text = "x: SHOULD HAVE KNOWN better, and should have asked.\nNégligent ünd Should have";
        let found: Vec<(usize, usize, String)> =
            blame("f.md", text, &cfg, &[]).into_iter().map(|d| (d.line, d.column, d.message)).collect();
        assert_eq!(
            found,
            [
                (1, 4, "blame-assigning language: \"SHOULD HAVE KNOWN\"".to_string()),
                (1, 34, "blame-assigning language: \"should have\"".to_string()),
                (2, 15, "blame-assigning language: \"Should have\"".to_string()),
            ]
        );
        cfg.completeness.blame_phrases = vec!["négligent".into(), String::new()];
        // non-ASCII letters match as written; an empty phrase matches
        // nothing; the built-in rules still find "should have known"
        let found: Vec<(usize, usize)> = blame("f.md", text, &cfg, &[]).iter().map(|d| (d.line, d.column)).collect();
        assert_eq!(found, [(1, 4), (2, 1)]);
    }

    #[test]
    fn due_within_days_flags_late_open_items_only() {
        let mut cfg = Config::defaults(Path::new("/s"));
        cfg.completeness.due_within_days.insert("SEV1".into(), 30);
        // 2024-03-14 + 30 days = 2024-04-13: the item due 2024-04-15 is late, the one due 2024-04-01 is not
        let (d, _) = run_with(COMPLETE, &cfg);
        assert_eq!(d.iter().map(|x| (x.0.as_str(), x.1)).collect::<Vec<_>>(), [("W010", 33)]);
        let closed =
            COMPLETE.replace("    due: 2024-04-15", "    due: 2024-04-15\n    status: done\n    closed: 2024-04-10");
        assert!(run_with(&closed, &cfg).0.is_empty());
        // the boundary: due on the last day is in time, a day later is not
        let on_time = COMPLETE.replace("    due: 2024-04-15", "    due: 2024-04-13");
        assert!(run_with(&on_time, &cfg).0.is_empty());
        let a_day_late = COMPLETE.replace("    due: 2024-04-15", "    due: 2024-04-14");
        assert_eq!(run_with(&a_day_late, &cfg).0.len(), 1);
        // an item without a due date is told the last day the policy allows
        let undated = COMPLETE.replace("    due: 2024-04-15\n", "");
        let r = check_file(&SourceFile { rel: "c/x.md".into(), text: undated }, &cfg);
        let w = r.diags.iter().find(|d| d.code == Code::W007).expect("W007");
        assert_eq!(
            w.hint,
            "add `due: YYYY-MM-DD`: a SEV1 item is due within 30 days of the incident, by 2024-04-13 (site.toml due_within_days)"
        );
    }
}
