//! From parsed YAML to the content model: types, words, timestamps, dates.
//!
//! Every field is read on its own so that one run reports every wrong field
//! of a file, each at its own line, instead of stopping at the first.

use super::locate::{Locator, Seg};
use super::node::{Key as MapKey, Mapping, Node as Value};
use crate::config::Config;
use crate::diagnostic::{Code, Diagnostic};
use crate::model::{
    ActionItem, Body, Day, Detection, ItemKind, ItemLines, ItemStatus, Lines, PmKind, Postmortem, Questions, Stamp,
    Status, Timeline,
};
use crate::schema::{self, Level};
use crate::text::closest;
use chrono::{DateTime, NaiveDate, NaiveDateTime};

/// What reading fields needs: where to report, and how to find lines.
pub(crate) struct Ctx<'a> {
    pub(crate) file: &'a str,
    pub(crate) loc: &'a Locator<'a>,
    pub(crate) cfg: &'a Config,
    pub(crate) diags: Vec<Diagnostic>,
    /// The fields (`timeline.started`, `action_items[2].due`) whose value
    /// is in error: the checks that need them wait until they are fixed.
    pub(crate) broken: Vec<String>,
    /// Fields whose absence is already reported another way, not to be
    /// reported missing too: the field an unknown key was likely meant to
    /// be (`sumary` → `summary`), a time given as a day only.
    pub(crate) reported: Vec<String>,
}

impl Ctx<'_> {
    /// Reports a problem at the value of `path`.
    pub(crate) fn at_value(&mut self, code: Code, path: &[Seg], msg: String, hint: impl Into<String>) {
        self.note_broken(code, path);
        let l = self.loc.value(path);
        self.diags.push(Diagnostic::new(code, self.file, l.line, l.col, msg).hint(hint).span(l.len));
    }

    /// Reports a problem at the key of `path`.
    pub(crate) fn at_key(&mut self, code: Code, path: &[Seg], msg: String, hint: impl Into<String>) {
        self.note_broken(code, path);
        let l = self.loc.key(path);
        self.diags.push(Diagnostic::new(code, self.file, l.line, l.col, msg).hint(hint).span(l.len));
    }

    /// Offers `with` in place of `replace` for the last problem reported.
    fn suggest_last(&mut self, replace: &str, with: &str) {
        if let Some(d) = self.diags.pop() {
            self.diags.push(d.suggest(replace, with));
        }
    }

    fn note_broken(&mut self, code: Code, path: &[Seg]) {
        if code.kind() == crate::diagnostic::Kind::Error {
            self.broken.push(path_name(path));
        }
    }

    fn wrong_type(&mut self, path: &[Seg], name: &str, want: &str, found: &Value, example: &str) {
        self.at_value(
            Code::E007,
            path,
            format!("`{name}` should be {want}, found {}", type_name(found)),
            format!("write it as {example}"),
        );
    }
}

/// How a YAML value is called in messages.
pub(crate) fn type_name(v: &Value) -> &'static str {
    match v {
        Value::Null => "nothing",
        Value::Bool(_) => "true/false",
        Value::Number(_) => "a number",
        Value::String(_) => "text",
        Value::Sequence(_) => "a list",
        Value::Mapping(_) => "a mapping",
        Value::Tagged(_) => "a tagged value",
    }
}

/// `path` rendered as people write it: `action_items[2].due`.
pub(crate) fn path_name(path: &[Seg]) -> String {
    let mut s = String::new();
    for seg in path {
        match seg {
            Seg::Key(k) => {
                if !s.is_empty() {
                    s.push('.');
                }
                s.push_str(k);
            }
            Seg::Index(i) => s.push_str(&format!("[{i}]")),
        }
    }
    s
}

fn untag(v: &Value) -> &Value {
    match v {
        Value::Tagged(t) => untag(&t.value),
        v => v,
    }
}

/// [`untag`], for a value taken out of the tree.
fn untagged(v: Value) -> Value {
    match v {
        Value::Tagged(t) => untagged(t.value),
        v => v,
    }
}

/// The field at `path` (`[timeline, started]`, `[action_items, 2, due]`).
fn field_at(path: &[Seg]) -> Option<&'static schema::Field> {
    let (level, name) = match path {
        [Seg::Key(name)] => (Level::Top, name),
        [Seg::Key("timeline"), Seg::Key(name)] => (Level::Timeline, name),
        [Seg::Key("questions"), Seg::Key(name)] => (Level::Questions, name),
        [Seg::Key("action_items"), Seg::Index(_), Seg::Key(name)] => (Level::Item, name),
        _ => return None,
    };
    schema::field(level, name)
}

/// How to write the field at `path`, for a hint.
fn example(path: &[Seg]) -> &'static str {
    field_at(path).map_or("", |f| f.example)
}

/// Free text: any scalar, written as text; `None` when absent or null.
fn text(ctx: &mut Ctx, map: &mut Mapping, path: &[Seg]) -> Option<String> {
    text_or(ctx, map, path, || example(path).to_string())
}

/// [`text`], with the example of a wrong type made only when needed.
fn text_or(ctx: &mut Ctx, map: &mut Mapping, path: &[Seg], example: impl FnOnce() -> String) -> Option<String> {
    let Some(Seg::Key(key)) = path.last() else {
        return None;
    };
    match untagged(map.take(key)?) {
        Value::Null => None,
        Value::String(s) => Some(s),
        Value::Bool(b) => Some(b.to_string()),
        Value::Number(n) => Some(n.to_string()),
        other => {
            ctx.wrong_type(path, &path_name(path), "text", &other, &example());
            None
        }
    }
}

/// A list of free-text items; a missing or null list is empty.
fn text_list(ctx: &mut Ctx, map: &mut Mapping, path: &[Seg]) -> Vec<String> {
    texts(ctx, map, path, None)
}

/// [`text_list`], with the file line of each item.
fn text_list_lines(ctx: &mut Ctx, map: &mut Mapping, path: &[Seg]) -> (Vec<String>, Vec<usize>) {
    let mut lines = Vec::new();
    let texts = texts(ctx, map, path, Some(&mut lines));
    (texts, lines)
}

fn texts(ctx: &mut Ctx, map: &mut Mapping, path: &[Seg], mut lines: Option<&mut Vec<usize>>) -> Vec<String> {
    let example = example(path);
    let Some(Seg::Key(key)) = path.last() else {
        return Vec::new();
    };
    let mut out = Vec::new();
    match map.take(key).map(untagged) {
        None | Some(Value::Null) => {}
        Some(Value::Sequence(items)) => {
            // the lines of block-style items in one walk; flow-style ones
            // (`[a, b]`) are looked up one by one
            let found = if lines.is_some() { ctx.loc.item_lines(path) } else { Vec::new() };
            let item_path = |i| {
                let mut p = path.to_vec();
                p.push(Seg::Index(i));
                p
            };
            out.reserve(items.len());
            for (i, item) in items.into_iter().enumerate() {
                let s = match untagged(item) {
                    Value::Null => String::new(),
                    Value::String(s) => s,
                    Value::Bool(b) => b.to_string(),
                    Value::Number(n) => n.to_string(),
                    other => {
                        let p = item_path(i);
                        ctx.wrong_type(&p, &path_name(&p), "text", &other, example);
                        continue;
                    }
                };
                out.push(s);
                if let Some(lines) = lines.as_deref_mut() {
                    lines.push(found.get(i).copied().unwrap_or_else(|| ctx.loc.value(&item_path(i)).line));
                }
            }
        }
        Some(other) => ctx.wrong_type(path, key, "a list", &other, example),
    }
    out
}

/// One of a closed set of words.
fn word<T>(
    ctx: &mut Ctx,
    map: &mut Mapping,
    path: &[Seg],
    words: &[&str],
    parse: impl Fn(&str) -> Option<T>,
    code: Code,
) -> Option<T> {
    let example = || format!("`{}: {}`", path.last().map_or(String::new(), |s| path_name(&[*s])), words[0]);
    let s = text_or(ctx, map, path, example)?;
    let t = s.trim();
    if let Some(v) = parse(t) {
        return Some(v);
    }
    let name = path_name(path);
    let meant = closest(t, words).or_else(|| words.iter().copied().find(|w| w.eq_ignore_ascii_case(t)));
    let hint = match meant {
        Some(w) => format!("did you mean `{w}`? {name} is one of: {}", words.join(", ")),
        None => format!("{name} is one of: {}", words.join(", ")),
    };
    ctx.at_value(code, path, format!("unknown {} `{t}`", name.rsplit('.').next().unwrap_or(&name)), hint);
    if let Some(w) = meant {
        ctx.suggest_last(t, w);
    }
    None
}

/// An RFC 3339 timestamp with an offset.
fn stamp(ctx: &mut Ctx, map: &mut Mapping, path: &[Seg]) -> Option<Stamp> {
    let s = text(ctx, map, path)?;
    let raw = s.trim();
    if raw.is_empty() {
        return None;
    }
    let name = || path_name(path);
    match parse_stamp(raw) {
        Ok(at) => Some(Stamp { raw: raw.to_string(), at }),
        Err(StampError::Invalid) if parse_day(raw).is_some() => {
            // the day is known, the time still to be written: unfinished,
            // not wrong (`retro new --date` writes `started` so)
            let example =
                chrono::TimeZone::from_local_datetime(&ctx.cfg.timezone, &parse_day(raw)?.and_hms_opt(9, 0, 0)?)
                    .earliest()
                    .map(|t| t.fixed_offset().to_rfc3339())?;
            let l = ctx.loc.value(path);
            let d = Diagnostic::new(
                Code::W018,
                ctx.file,
                l.line,
                l.col,
                format!("`{}` has the day but not the time yet: `{raw}`", name()),
            )
            .hint(format!("write the time with its offset, e.g. `{example}`"))
            .span(l.len);
            ctx.diags.push(d);
            ctx.reported.push(name());
            None
        }
        Err(StampError::NoOffset(local)) => {
            let utc = format!("{}Z", local.format("%Y-%m-%dT%H:%M:%S"));
            let tz = ctx.cfg.timezone;
            let site =
                chrono::TimeZone::from_local_datetime(&tz, &local).earliest().map(|t| t.fixed_offset().to_rfc3339());
            let hint = match site {
                Some(at) if tz != chrono_tz::UTC => {
                    format!("write it with the offset it was taken in: `{at}` in {} (the site's timezone), or `{utc}` if it was UTC", tz.name())
                }
                _ => format!("write it with the offset it was taken in: `{utc}` if it was UTC"),
            };
            ctx.at_value(Code::E013, path, format!("`{}` has no UTC offset: `{raw}`", name()), hint);
            None
        }
        Err(StampError::Invalid) => {
            ctx.at_value(
                Code::E013,
                path,
                format!("`{}` is not an RFC 3339 timestamp: `{raw}`", name()),
                "write date, time and offset, e.g. `2024-03-14T09:02:00Z` or `2024-03-14T10:02:00+01:00`",
            );
            None
        }
    }
}

#[derive(Debug, PartialEq)]
pub(crate) enum StampError {
    /// A date and time without an offset: the time as written.
    NoOffset(NaiveDateTime),
    Invalid,
}

pub(crate) fn parse_stamp(raw: &str) -> Result<DateTime<chrono::FixedOffset>, StampError> {
    if let Ok(t) = DateTime::parse_from_rfc3339(raw) {
        return Ok(t);
    }
    for f in ["%Y-%m-%dT%H:%M:%S%.f", "%Y-%m-%d %H:%M:%S%.f", "%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"] {
        if let Ok(local) = NaiveDateTime::parse_from_str(raw, f) {
            return Err(StampError::NoOffset(local));
        }
    }
    Err(StampError::Invalid)
}

/// A `YYYY-MM-DD` calendar date.
fn day(ctx: &mut Ctx, map: &mut Mapping, path: &[Seg]) -> Option<Day> {
    let s = text(ctx, map, path)?;
    let raw = s.trim();
    if raw.is_empty() {
        return None;
    }
    match parse_day(raw) {
        Some(date) => Some(Day { raw: raw.to_string(), date }),
        None => {
            let shaped = raw.len() == 10
                && raw.bytes().enumerate().all(|(i, b)| if i == 4 || i == 7 { b == b'-' } else { b.is_ascii_digit() });
            let name = path_name(path);
            let msg = if shaped {
                format!("`{name}` is not a calendar date: `{raw}`")
            } else {
                format!("`{name}` is not a date in the form YYYY-MM-DD: `{raw}`")
            };
            ctx.at_value(Code::E014, path, msg, "write a real date as YYYY-MM-DD, e.g. `2024-04-01`");
            None
        }
    }
}

pub(crate) fn parse_day(raw: &str) -> Option<NaiveDate> {
    let b = raw.as_bytes();
    let shaped = b.len() == 10 && b[4] == b'-' && b[7] == b'-';
    if !shaped {
        return None;
    }
    // the usual case, all digits, without chrono's format parser (a tenth
    // of its cost); anything else through chrono
    let digits = |r: std::ops::Range<usize>| -> Option<u32> {
        b[r].iter().try_fold(0u32, |n, &c| c.is_ascii_digit().then(|| n * 10 + u32::from(c - b'0')))
    };
    match (digits(0..4), digits(5..7), digits(8..10)) {
        (Some(y), Some(m), Some(d)) => NaiveDate::from_ymd_opt(y as i32, m, d),
        _ => NaiveDate::parse_from_str(raw, "%Y-%m-%d").ok(),
    }
}

/// A nested mapping; `None` (with an error for other types) otherwise.
fn mapping(ctx: &mut Ctx, map: &mut Mapping, path: &[Seg]) -> Option<Mapping> {
    let Some(Seg::Key(key)) = path.last() else {
        return None;
    };
    match map.take(key).map(untagged) {
        None | Some(Value::Null) => None,
        Some(Value::Mapping(m)) => Some(m),
        Some(other) => {
            ctx.wrong_type(path, &path_name(path), "a mapping", &other, example(path));
            None
        }
    }
}

/// Reports keys that are not text, and unknown keys with the closest known one.
fn check_keys(ctx: &mut Ctx, map: &Mapping, path: &[Seg], level: Level) {
    let known = schema::keys(level);
    for k in map.keys() {
        let key = match k {
            MapKey::Field(s) => Ok(*s),
            MapKey::Other(n) => match untag(n) {
                Value::String(s) => Ok(s.as_str()),
                other => Err(other),
            },
        };
        match key {
            Ok(s) if known.contains(&s) => {}
            Ok(s) => {
                let mut p = path.to_vec();
                p.push(Seg::Key(s));
                let meant = closest(s, known);
                let hint = match meant {
                    Some(c) => {
                        // the field it was meant to be, when the file lacks it
                        let given = map.keys().any(|k| matches!(k, MapKey::Field(f) if *f == c));
                        let mut meant = path.to_vec();
                        meant.push(Seg::Key(c));
                        if !given {
                            ctx.reported.push(path_name(&meant));
                        }
                        match schema::field(level, c).map(|f| f.need) {
                            Some(schema::Need::Required(_) | schema::Need::Question(_)) if !given => {
                                format!("did you mean `{c}`? `{c}` is required, and counts as missing until renamed")
                            }
                            _ => format!("did you mean `{c}`?"),
                        }
                    }
                    None => format!("known keys here: {}", known.join(", ")),
                };
                ctx.at_key(Code::W008, &p, format!("unknown key `{}`", path_name(&p)), hint);
                if let Some(c) = meant {
                    ctx.suggest_last(s, c);
                }
            }
            Err(other) => {
                let l = ctx.loc.key(path);
                let where_ =
                    if path.is_empty() { "the front matter".to_string() } else { format!("`{}`", path_name(path)) };
                ctx.diags.push(
                    Diagnostic::new(
                        Code::E007,
                        ctx.file,
                        l.line,
                        l.col,
                        format!("a key in {where_} is {}, not text", type_name(other)),
                    )
                    .hint("keys are words such as `title` or `severity`"),
                );
            }
        }
    }
}

/// Reads every field of the front matter. Errors and unknown-key warnings
/// go to `ctx.diags`; the result holds whatever could be read.
pub(crate) fn parse_postmortem(
    ctx: &mut Ctx,
    root: &mut Mapping,
    default_id: &str,
    body: &str,
    body_line: usize,
) -> (Postmortem, Lines) {
    use Seg::Key;
    check_keys(ctx, root, &[], Level::Top);

    let id = match text(ctx, root, &[Key("id")]) {
        Some(id) => {
            let id = id.trim().to_string();
            if !crate::text::is_safe_slug(&id) {
                ctx.at_value(
                    Code::E020,
                    &[Key("id")],
                    format!("id `{id}` is not a safe slug"),
                    format!(
                        "use lowercase letters, digits, `.`, `_` and `-`, starting with a letter or digit, without `..`: e.g. `{}`",
                        crate::text::slugify(&id)
                    ),
                );
            }
            id
        }
        None => default_id.to_string(),
    };
    if crate::routes::RESERVED_IDS.contains(&id.as_str()) {
        let msg = format!("id `{id}` is the name of a page of the site, not free for a postmortem");
        let hint = "choose another id, e.g. one that starts with the incident's date";
        if root.contains_key("id") {
            ctx.at_value(Code::E020, &[Key("id")], msg, hint.to_string());
        } else {
            ctx.diags.push(
                Diagnostic::new(Code::E020, ctx.file, 1, 1, msg)
                    .hint(format!("{hint}: rename the file, or set `id:` in the front matter")),
            );
        }
    }
    let severity_words: Vec<&str> = ctx.cfg.severities.iter().map(String::as_str).collect();
    let severity = word(
        ctx,
        root,
        &[Key("severity")],
        &severity_words,
        |s| Some(s.to_string()).filter(|s| severity_words.contains(&s.as_str())),
        Code::E008,
    );
    let status = word(ctx, root, &[Key("status")], Status::WORDS, Status::parse, Code::E009).unwrap_or(Status::Draft);
    let detection = word(ctx, root, &[Key("detection")], Detection::WORDS, Detection::parse, Code::E011);
    let kind = word(ctx, root, &[Key("kind")], PmKind::WORDS, PmKind::parse, Code::E010).unwrap_or(PmKind::Incident);
    let contributing_factors = factors(ctx, root);

    let mut timeline = Timeline::default();
    if let Some(mut t) = mapping(ctx, root, &[Key("timeline")]) {
        check_keys(ctx, &t, &[Key("timeline")], Level::Timeline);
        let t = &mut t;
        timeline.started = stamp(ctx, t, &[Key("timeline"), Key("started")]);
        timeline.detected = stamp(ctx, t, &[Key("timeline"), Key("detected")]);
        timeline.acknowledged = stamp(ctx, t, &[Key("timeline"), Key("acknowledged")]);
        timeline.mitigated = stamp(ctx, t, &[Key("timeline"), Key("mitigated")]);
        timeline.resolved = stamp(ctx, t, &[Key("timeline"), Key("resolved")]);
    }

    let mut questions = Questions::default();
    if let Some(mut q) = mapping(ctx, root, &[Key("questions")]) {
        check_keys(ctx, &q, &[Key("questions")], Level::Questions);
        let q = &mut q;
        questions.prevent = text(ctx, q, &[Key("questions"), Key("prevent")]);
        questions.similar = text(ctx, q, &[Key("questions"), Key("similar")]);
        questions.detect = text(ctx, q, &[Key("questions"), Key("detect")]);
        questions.mitigate = text(ctx, q, &[Key("questions"), Key("mitigate")]);
    }

    let (action_items, item_lines) = items(ctx, root, &id);
    let (related, related_lines) = text_list_lines(ctx, root, &[Key("related")]);
    let id_line = if root.contains_key("id") { ctx.loc.key(&[Key("id")]).line } else { 1 };
    let started_line =
        if timeline.started.is_some() { ctx.loc.key(&[Key("timeline"), Key("started")]).line } else { 1 };
    let status_line = if root.contains_key("status") { ctx.loc.key(&[Key("status")]).line } else { 1 };
    let lines = Lines {
        id: id_line,
        related: related_lines,
        started: started_line,
        status: status_line,
        body: body_line,
        items: item_lines,
    };
    let pm = Postmortem {
        title: text(ctx, root, &[Key("title")]),
        severity,
        status,
        area: text(ctx, root, &[Key("area")]),
        tags: text_list(ctx, root, &[Key("tags")]),
        authors: text_list(ctx, root, &[Key("authors")]),
        summary: text(ctx, root, &[Key("summary")]),
        impact: text(ctx, root, &[Key("impact")]),
        timeline,
        detection,
        trigger: text(ctx, root, &[Key("trigger")]),
        five_whys: text_list(ctx, root, &[Key("five_whys")]),
        root_cause: text(ctx, root, &[Key("root_cause")]),
        contributing_factors,
        lucky: text(ctx, root, &[Key("lucky")]),
        kind,
        questions,
        action_items,
        related,
        id,
        file: ctx.file.to_string(),
        body: Body::Memory(body.to_string()),
    };
    (pm, lines)
}

/// The contributing factors, each as the site's taxonomy writes it (the
/// case may differ); an unknown one is an error at its line.
fn factors(ctx: &mut Ctx, root: &mut Mapping) -> Vec<String> {
    use Seg::{Index, Key};
    // each kept name's place in the list as written (an item that is not
    // text is an error of its own and is left out)
    let places: Vec<usize> = match root.get("contributing_factors").map(untag) {
        Some(Value::Sequence(items)) => items
            .iter()
            .enumerate()
            .filter(|(_, v)| !matches!(untag(v), Value::Sequence(_) | Value::Mapping(_)))
            .map(|(i, _)| i)
            .collect(),
        _ => Vec::new(),
    };
    let names = text_list(ctx, root, &[Key("contributing_factors")]);
    let mut out: Vec<String> = Vec::with_capacity(names.len());
    for (k, name) in names.iter().enumerate() {
        let i = places.get(k).copied().unwrap_or(k);
        let name = name.trim();
        match ctx.cfg.factors.iter().find(|f| f.eq_ignore_ascii_case(name)) {
            Some(f) if !out.contains(f) => out.push(f.clone()),
            Some(_) => {}
            None => {
                let known: Vec<&str> = ctx.cfg.factors.iter().map(String::as_str).collect();
                let lower = name.to_lowercase();
                let meant = closest(&lower, &known);
                let hint = match meant {
                    Some(f) => format!("did you mean `{f}`? The site's factors: {}", known.join(", ")),
                    None => format!(
                        "the site's factors: {}; a team adds its own under [taxonomy] contributing_factors in site.toml",
                        known.join(", ")
                    ),
                };
                let message = if name.is_empty() {
                    "a contributing factor is empty".to_string()
                } else {
                    format!("unknown contributing factor `{name}`")
                };
                ctx.at_value(Code::E021, &[Key("contributing_factors"), Index(i)], message, hint);
                if let Some(f) = meant.filter(|_| !name.is_empty()) {
                    ctx.suggest_last(name, f);
                }
            }
        }
    }
    out
}

/// The action items, and where each is in the file.
fn items(ctx: &mut Ctx, root: &mut Mapping, pm_id: &str) -> (Vec<ActionItem>, Vec<ItemLines>) {
    use Seg::{Index, Key};
    let (mut out, mut at) = (Vec::new(), Vec::new());
    let list = match root.take("action_items").map(untagged) {
        None | Some(Value::Null) => return (out, at),
        Some(Value::Sequence(s)) => s,
        Some(other) => {
            ctx.wrong_type(&[Key("action_items")], "action_items", "a list", &other, example(&[Key("action_items")]));
            return (out, at);
        }
    };
    out.reserve(list.len());
    // the items' lines in one walk (block style; a flow list is looked up
    // item by item)
    let lines = ctx.loc.item_lines(&[Key("action_items")]);
    for (i, item) in list.into_iter().enumerate() {
        let base = [Key("action_items"), Index(i)];
        let Value::Mapping(m) = untag(&item) else {
            ctx.wrong_type(
                &base,
                &path_name(&base),
                "a mapping",
                &item,
                "`- title: …` followed by `owner:`, `due:` on the next lines",
            );
            continue;
        };
        let p = |k: &'static str| [Key("action_items"), Index(i), Key(k)];
        check_keys(ctx, m, &base, Level::Item);
        let Value::Mapping(mut m) = untagged(item) else {
            continue;
        };
        let m = &mut m;
        let id = text(ctx, m, &p("id")).map(|s| s.trim().to_string()).unwrap_or_else(|| format!("{pm_id}#{}", i + 1));
        out.push(ActionItem {
            title: text(ctx, m, &p("title")),
            kind: word(ctx, m, &p("kind"), ItemKind::WORDS, ItemKind::parse, Code::E010),
            owner: text(ctx, m, &p("owner")).map(|s| s.trim().to_string()).filter(|s| !s.is_empty()),
            due: day(ctx, m, &p("due")),
            status: word(ctx, m, &p("status"), ItemStatus::WORDS, ItemStatus::parse, Code::E009)
                .unwrap_or(ItemStatus::Open),
            closed: day(ctx, m, &p("closed")),
            link: text(ctx, m, &p("link")).map(|s| s.trim().to_string()).filter(|s| !s.is_empty()),
            id,
        });
        at.push(ItemLines {
            item: lines.get(i).copied().unwrap_or_else(|| ctx.loc.key(&base).line),
            link: if m.contains_key("link") { ctx.loc.value(&p("link")).line } else { 0 },
        });
    }
    (out, at)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timestamps_need_an_offset() {
        assert!(parse_stamp("2024-03-14T09:02:00Z").is_ok());
        assert!(parse_stamp("2024-03-14T09:02:00+01:00").is_ok());
        assert!(parse_stamp("2024-03-14 09:02:00Z").is_ok());
        let local = |s| NaiveDateTime::parse_from_str(s, "%Y-%m-%dT%H:%M:%S").unwrap();
        assert_eq!(parse_stamp("2024-03-14T09:02:00"), Err(StampError::NoOffset(local("2024-03-14T09:02:00"))));
        assert_eq!(parse_stamp("2024-03-14 09:02"), Err(StampError::NoOffset(local("2024-03-14T09:02:00"))));
        assert_eq!(parse_stamp("yesterday"), Err(StampError::Invalid));
        assert_eq!(parse_stamp("2024-02-30T09:02:00Z"), Err(StampError::Invalid));
    }

    #[test]
    fn dates_must_be_real_and_shaped_yyyy_mm_dd() {
        assert_eq!(parse_day("2024-02-29"), NaiveDate::from_ymd_opt(2024, 2, 29));
        assert_eq!(parse_day("2025-02-29"), None);
        assert_eq!(parse_day("2025-02-30"), None);
        assert_eq!(parse_day("2024-4-1"), None);
        assert_eq!(parse_day("01.04.2024"), None);
        assert_eq!(parse_day("+12024-04-01"), None);
    }

    #[test]
    fn the_fast_day_parser_agrees_with_chrono() {
        let mut inputs: Vec<String> = Vec::new();
        for y in ["0000", "1999", "2024", "2025", "2100", "9999"] {
            for m in 0..=13 {
                for d in 0..=32 {
                    inputs.push(format!("{y}-{m:02}-{d:02}"));
                }
            }
        }
        inputs.extend(["2024-0a-01", "2024-01-1x", "+999-01-01", "-999-01-01", "2024-01-01"].map(String::from));
        for raw in inputs {
            assert_eq!(parse_day(&raw), NaiveDate::parse_from_str(&raw, "%Y-%m-%d").ok(), "{raw}");
        }
    }

    #[test]
    fn path_names_read_as_written() {
        use Seg::*;
        assert_eq!(path_name(&[Key("action_items"), Index(2), Key("due")]), "action_items[2].due");
    }
}
