//! The one problem type every layer produces, and its reporters.
//!
//! A [`Diagnostic`] names a stable code, a level, the file relative to the
//! site folder, a 1-based line and column *of the file* (line 1 is the
//! opening `---`), a message and a hint. Codes are listed in [`Code`] and
//! documented in `docs/diagnostics.md`.

mod github;
mod human;
mod json;

pub(crate) use github::render_github;
pub use human::render_human;
pub(crate) use json::render_json;

use serde::Serialize;

/// Whether a problem makes the file untrustworthy as data, or only says the
/// retrospective is unfinished (FORMAT.md section 3).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub(crate) enum Kind {
    Error,
    Completeness,
    /// Worth knowing while writing, never a problem: a likely recurrence.
    Info,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Level {
    Error,
    Warning,
    /// Never fails a check, even `--strict`.
    Info,
}

impl Level {
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            Level::Error => "error",
            Level::Warning => "warning",
            Level::Info => "info",
        }
    }
}

/// Stable diagnostic codes. `E…` are errors, `W…` completeness problems,
/// `I…` information for the writer, `C…` problems of site.toml. Never renumber: tools match on them.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Code {
    /// The file cannot be read.
    E001,
    /// The file is not UTF-8 or contains a NUL byte.
    E002,
    /// No front matter: the file does not start with `---`.
    E003,
    /// The front matter has no closing `---`.
    E004,
    /// The front matter is not valid YAML.
    E005,
    /// The front matter is not a mapping of keys to values.
    E006,
    /// A field has the wrong type.
    E007,
    /// Unknown severity.
    E008,
    /// Unknown status (of a postmortem or an action item).
    E009,
    /// Unknown kind of an action item or a postmortem.
    E010,
    /// Unknown detection.
    E011,
    /// Timeline out of order.
    E012,
    /// Timestamp without an offset, or not RFC 3339.
    E013,
    /// Date not YYYY-MM-DD or not a calendar date.
    E014,
    /// `closed` missing on a done or wont_do action item.
    E015,
    /// `closed` before the incident started.
    E016,
    /// Two postmortems with the same id.
    E017,
    /// Two action items with the same id.
    E018,
    /// A `related` id that does not exist.
    E019,
    /// An id that is not a safe slug.
    E020,
    /// A contributing factor not in the site's taxonomy.
    E021,
    /// A required field is missing or empty.
    W001,
    /// Fewer than `min_whys` non-empty, distinct whys.
    W002,
    /// One of the four questions is missing, empty or a placeholder.
    W003,
    /// No action items where the severity requires them.
    W004,
    /// No action item of a kind the severity requires.
    W005,
    /// An action item without an owner.
    W006,
    /// An action item without a due date.
    W007,
    /// Unknown front-matter key.
    W008,
    /// Blame-assigning language.
    W009,
    /// An open action item due later than the severity's deadline.
    W010,
    /// A symbolic link that points out of the site, or nowhere; not read.
    W011,
    /// A body link to a page that does not exist (`check --links`).
    W012,
    /// A malformed action-item link (`check --links`).
    W013,
    /// Raw HTML nested too deeply to sanitize: shown as text.
    W014,
    /// A start far from every other postmortem's: likely a typo.
    W015,
    /// A draft or review postmortem past its review deadline
    /// (`[policy] final_within_days`; `check` only).
    W016,
    /// An action item without a title, or with a placeholder (`TODO`).
    W017,
    /// A timeline time given as a day only: still to be written.
    W018,
    /// A likely recurrence of an earlier final postmortem that `related`
    /// does not list (`check` only, on drafts and reviews).
    I001,
    /// Completeness checks that wait until a value in error is fixed.
    I002,
    /// site.toml missing or unreadable.
    C001,
    /// site.toml is not valid TOML or has a value of the wrong type.
    C002,
    /// site.toml has an unknown key.
    C003,
    /// site.toml has a value that is not allowed.
    C004,
    /// The content folder does not exist.
    C005,
    /// A theme template or static file cannot be read or compiled.
    T001,
}

impl Code {
    pub(crate) fn as_str(self) -> &'static str {
        use Code::*;
        match self {
            E001 => "E001",
            E002 => "E002",
            E003 => "E003",
            E004 => "E004",
            E005 => "E005",
            E006 => "E006",
            E007 => "E007",
            E008 => "E008",
            E009 => "E009",
            E010 => "E010",
            E011 => "E011",
            E012 => "E012",
            E013 => "E013",
            E014 => "E014",
            E015 => "E015",
            E016 => "E016",
            E017 => "E017",
            E018 => "E018",
            E019 => "E019",
            E020 => "E020",
            E021 => "E021",
            W001 => "W001",
            W002 => "W002",
            W003 => "W003",
            W004 => "W004",
            W005 => "W005",
            W006 => "W006",
            W007 => "W007",
            W008 => "W008",
            W009 => "W009",
            W010 => "W010",
            W011 => "W011",
            W012 => "W012",
            W013 => "W013",
            W014 => "W014",
            W015 => "W015",
            W016 => "W016",
            W017 => "W017",
            W018 => "W018",
            I001 => "I001",
            I002 => "I002",
            C001 => "C001",
            C002 => "C002",
            C003 => "C003",
            C004 => "C004",
            C005 => "C005",
            T001 => "T001",
        }
    }

    /// Errors and configuration problems make data untrustworthy;
    /// `W` codes are completeness problems, `I` codes information.
    pub(crate) fn kind(self) -> Kind {
        match self.as_str().as_bytes()[0] {
            b'W' => Kind::Completeness,
            b'I' => Kind::Info,
            _ => Kind::Error,
        }
    }
}

impl Serialize for Code {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

/// One problem, located in a file.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Diagnostic {
    pub code: Code,
    pub level: Level,
    pub file: String,
    pub line: usize,
    pub column: usize,
    pub message: String,
    pub hint: String,
    /// Length in characters of the text the problem is about, starting at
    /// `column` (0: to the end of the line). Used to draw the caret.
    #[serde(skip)]
    pub span: usize,
    /// When the hint is a "did you mean": the text as written on the
    /// diagnostic's line (at or after `column`) and what to write instead,
    /// which an editor offers as a quick fix.
    #[serde(skip)]
    pub suggestion: Option<Box<Suggestion>>,
}

/// A replacement of a text on a diagnostic's line.
#[derive(Clone, Debug, PartialEq)]
pub struct Suggestion {
    pub replace: String,
    pub with: String,
}

impl Diagnostic {
    /// A new diagnostic. Completeness problems start as warnings; the
    /// validator raises them to errors for `final` postmortems.
    pub(crate) fn new(code: Code, file: &str, line: usize, column: usize, message: impl Into<String>) -> Self {
        let level = match code.kind() {
            Kind::Error => Level::Error,
            Kind::Completeness => Level::Warning,
            Kind::Info => Level::Info,
        };
        Diagnostic {
            code,
            level,
            file: file.to_string(),
            line: line.max(1),
            column: column.max(1),
            message: message.into(),
            hint: String::new(),
            span: 0,
            suggestion: None,
        }
    }

    pub(crate) fn hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = hint.into();
        self
    }

    /// Offers `with` in place of `replace`, the text on the line.
    pub(crate) fn suggest(mut self, replace: &str, with: &str) -> Self {
        self.suggestion = Some(Box::new(Suggestion { replace: replace.to_string(), with: with.to_string() }));
        self
    }

    pub(crate) fn span(mut self, chars: usize) -> Self {
        self.span = chars;
        self
    }

    pub(crate) fn kind(&self) -> Kind {
        self.code.kind()
    }
}

/// Sorts diagnostics by file, line, column and code, so that output never
/// depends on the order work was done in.
pub(crate) fn sort(diags: &mut [Diagnostic]) {
    diags.sort_by(|a, b| {
        (&a.file, a.line, a.column, a.code, &a.message).cmp(&(&b.file, b.line, b.column, b.code, &b.message))
    });
}

/// Counts for the summary line.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Tally {
    pub errors: usize,
    pub warnings: usize,
    /// Information for the writer: never a problem.
    pub infos: usize,
    /// Files with an error or a warning.
    pub files_with_problems: usize,
}

pub(crate) fn tally(diags: &[Diagnostic]) -> Tally {
    let mut t = Tally::default();
    let mut last_file: Option<&str> = None;
    let mut files: Vec<&str> = Vec::new();
    for d in diags {
        match d.level {
            Level::Error => t.errors += 1,
            Level::Warning => t.warnings += 1,
            Level::Info => {
                t.infos += 1;
                continue;
            }
        }
        if last_file != Some(d.file.as_str()) {
            files.push(&d.file);
            last_file = Some(&d.file);
        }
    }
    files.sort_unstable();
    files.dedup();
    t.files_with_problems = files.len();
    t
}

pub(crate) fn plural(n: usize, word: &str) -> String {
    if n == 1 {
        format!("{n} {word}")
    } else {
        format!("{n} {word}s")
    }
}

/// `3 errors, 5 warnings in 2 of 40 postmortems`, and `; 1 note` when
/// there is information for the writer.
pub(crate) fn summary_line(t: Tally, postmortems: usize) -> String {
    let line = if t.errors == 0 && t.warnings == 0 {
        format!("no problems in {}", plural(postmortems, "postmortem"))
    } else {
        format!(
            "{}, {} in {} of {}",
            plural(t.errors, "error"),
            plural(t.warnings, "warning"),
            t.files_with_problems,
            plural(postmortems, "postmortem")
        )
    };
    if t.infos == 0 {
        line
    } else {
        format!("{line}; {}", plural(t.infos, "note"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn summary_line_counts_errors_warnings_and_files() {
        let d = |f: &str, c: Code| Diagnostic::new(c, f, 1, 1, "m");
        let diags = vec![d("a.md", Code::E012), d("a.md", Code::W001), d("b.md", Code::W002)];
        let t = tally(&diags);
        assert_eq!(summary_line(t, 40), "1 error, 2 warnings in 2 of 40 postmortems");
        assert_eq!(summary_line(Tally::default(), 1), "no problems in 1 postmortem");
        let notes = vec![d("a.md", Code::I001), d("a.md", Code::I001)];
        assert_eq!(summary_line(tally(&notes), 3), "no problems in 3 postmortems; 2 notes");
        assert_eq!(tally(&notes).files_with_problems, 0);
    }

    #[test]
    fn w_codes_are_completeness_problems_and_start_as_warnings() {
        assert_eq!(Code::W004.kind(), Kind::Completeness);
        assert_eq!(Diagnostic::new(Code::W004, "f", 1, 1, "m").level, Level::Warning);
        assert_eq!(Diagnostic::new(Code::E004, "f", 1, 1, "m").level, Level::Error);
        assert_eq!(Diagnostic::new(Code::I001, "f", 1, 1, "m").level, Level::Info);
    }

    #[test]
    fn line_and_column_are_never_zero() {
        let d = Diagnostic::new(Code::E001, "f", 0, 0, "m");
        assert_eq!((d.line, d.column), (1, 1));
    }
}
