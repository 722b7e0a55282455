//! The content model: what a postmortem *is*, once parsed and validated.

use crate::diagnostic::Diagnostic;
use chrono::{DateTime, FixedOffset, NaiveDate};

/// An RFC 3339 timestamp with its offset, and the text as written.
#[derive(Clone, Debug, PartialEq)]
pub struct Stamp {
    pub raw: String,
    pub at: DateTime<FixedOffset>,
}

/// A `YYYY-MM-DD` date and the text as written.
#[derive(Clone, Debug, PartialEq)]
pub struct Day {
    pub raw: String,
    pub date: NaiveDate,
}

/// Declares a closed set of words used in front matter, with parsing and
/// printing, so that the accepted words are written down once.
macro_rules! word_enum {
    ($(#[$m:meta])* $name:ident { $($variant:ident = $word:literal),+ $(,)? }) => {
        $(#[$m])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub enum $name { $($variant),+ }
        impl $name {
            pub const WORDS: &'static [&'static str] = &[$($word),+];
            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $word),+ }
            }
            pub fn parse(s: &str) -> Option<Self> {
                match s { $($word => Some($name::$variant),)+ _ => None }
            }
        }
        impl serde::Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(self.as_str())
            }
        }
    };
}

word_enum!(
    /// Where a postmortem is in its life.
    Status { Draft = "draft", Review = "review", Final = "final" }
);
word_enum!(
    /// Whether users were hurt, or it nearly happened.
    PmKind { Incident = "incident", NearMiss = "near_miss" }
);
word_enum!(
    /// What an action item is meant to achieve.
    ItemKind { Prevent = "prevent", Detect = "detect", Mitigate = "mitigate", Process = "process" }
);
word_enum!(
    /// Where an action item is.
    ItemStatus { Open = "open", InProgress = "in_progress", Done = "done", WontDo = "wont_do" }
);
word_enum!(
    /// Who noticed the incident first.
    Detection { Alert = "alert", Customer = "customer", Employee = "employee", Other = "other" }
);

impl ItemStatus {
    /// Open or in progress: still work to do.
    pub fn is_open(self) -> bool {
        matches!(self, ItemStatus::Open | ItemStatus::InProgress)
    }

    /// The status for people: `in progress`, `won't do`.
    pub fn label(self) -> &'static str {
        match self {
            ItemStatus::Open => "open",
            ItemStatus::InProgress => "in progress",
            ItemStatus::Done => "done",
            ItemStatus::WontDo => "won't do",
        }
    }
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct Timeline {
    pub started: Option<Stamp>,
    pub detected: Option<Stamp>,
    pub acknowledged: Option<Stamp>,
    pub mitigated: Option<Stamp>,
    pub resolved: Option<Stamp>,
}

/// The answers to the four questions.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Questions {
    pub prevent: Option<String>,
    pub similar: Option<String>,
    pub detect: Option<String>,
    pub mitigate: Option<String>,
}

impl Questions {
    /// Each question's key, text and answer, in the schema's order.
    pub fn answers(&self) -> impl Iterator<Item = (&'static str, &'static str, &Option<String>)> {
        crate::schema::questions().map(move |(key, question)| {
            let answer = match key {
                "prevent" => &self.prevent,
                "similar" => &self.similar,
                "detect" => &self.detect,
                _ => &self.mitigate,
            };
            (key, question, answer)
        })
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct ActionItem {
    /// As written, or `<postmortem id>#<1-based index>`.
    pub id: String,
    pub title: Option<String>,
    pub kind: Option<ItemKind>,
    pub owner: Option<String>,
    pub due: Option<Day>,
    pub status: ItemStatus,
    pub closed: Option<Day>,
    pub link: Option<String>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Postmortem {
    pub id: String,
    /// Path of the file relative to the site folder, with `/` separators.
    pub file: String,
    pub title: Option<String>,
    pub severity: Option<String>,
    pub status: Status,
    /// An incident, or a near miss: counted apart, without severity or
    /// times in the metrics.
    pub kind: PmKind,
    pub area: Option<String>,
    pub tags: Vec<String>,
    pub authors: Vec<String>,
    pub summary: Option<String>,
    pub impact: Option<String>,
    pub timeline: Timeline,
    pub detection: Option<Detection>,
    pub trigger: Option<String>,
    pub five_whys: Vec<String>,
    pub root_cause: Option<String>,
    /// Names from the site's taxonomy, as the taxonomy writes them.
    pub contributing_factors: Vec<String>,
    /// Where we got lucky.
    pub lucky: Option<String>,
    pub questions: Questions,
    pub action_items: Vec<ActionItem>,
    pub related: Vec<String>,
    /// The Markdown body.
    pub body: Body,
}

/// A postmortem as checking leaves it: the postmortem, where its fields
/// are in its file, and what the completeness check found.
#[derive(Clone, Debug, PartialEq)]
pub struct Checked {
    pub pm: Postmortem,
    pub lines: Lines,
    pub report: Report,
}

/// Where a postmortem's fields are in its file: what diagnostics point at.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Lines {
    /// The `id` key, or 1 when the id comes from the file name.
    pub id: usize,
    /// Each `related` entry.
    pub related: Vec<usize>,
    /// `timeline.started`, or 1 without one.
    pub started: usize,
    /// The `status` key, or 1 without one (a draft).
    pub status: usize,
    /// The line on which the body starts.
    pub body: usize,
    /// Each action item's, in order.
    pub items: Vec<ItemLines>,
}

/// Where an action item is in its file.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ItemLines {
    /// The item's first line.
    pub item: usize,
    /// Its `link`, when it has one; 0 otherwise.
    pub link: usize,
}

/// A postmortem's Markdown body, after the closing `---`.
#[derive(Clone, Debug, PartialEq)]
pub enum Body {
    Memory(String),
    /// Dropped from memory after checking and read from the file again
    /// when its page is rendered (`load::body`): a large site is never
    /// held in memory whole. `head`: its first bytes, when they are kept
    /// (a build's search index reads a body's beginning).
    OnDisk {
        head: Option<String>,
    },
}

impl Body {
    /// This body dropped from memory, its first `head` bytes kept (none
    /// when 0).
    pub(crate) fn on_disk(&self, head: usize) -> Body {
        let head = match self {
            Body::Memory(text) => (head > 0).then(|| crate::text::head(text, head).to_string()),
            Body::OnDisk { head } => head.clone(),
        };
        Body::OnDisk { head }
    }

    /// The first bytes kept of a body dropped from memory, moved out.
    pub(crate) fn take_head(&mut self) -> Option<String> {
        match self {
            Body::OnDisk { head } => head.take(),
            Body::Memory(_) => None,
        }
    }
}

/// What the completeness check found in a postmortem.
#[derive(Clone, Debug, PartialEq)]
pub struct Report {
    /// Completeness problems (errors never reach the model).
    pub problems: Vec<Diagnostic>,
    /// Share of applicable completeness checks passed, 0 to 1.
    pub score: f64,
}

impl Postmortem {
    /// The title, or the id when the title is missing.
    pub fn display_title(&self) -> &str {
        self.title.as_deref().unwrap_or(&self.id)
    }
}
