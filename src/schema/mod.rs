//! The front matter, stated once: every field with where it sits, how its
//! value is read, how to write it, and whether the completeness check asks
//! for it or it is one of the four questions. Reading the YAML
//! (parse/node.rs keeps field names without a copy and reads text fields
//! as written), reading the fields (parse/fields.rs: the keys each level
//! knows, the example in a hint), the completeness check, the postmortem
//! page and `retro new`'s scaffold read it from here; docs/format.md
//! describes it for people.

mod json_schema;

pub(crate) use json_schema::json_schema;
use std::sync::LazyLock;

/// Where a mapping sits in a front matter.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Level {
    Top,
    Timeline,
    Questions,
    Item,
}

/// What the value of a key is read as, in a mapping of fields.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Shape {
    /// One text: any scalar, as written.
    Text,
    /// A list of texts.
    TextList,
    /// A mapping of fields at that level.
    Fields(Level),
    /// A list of mappings of fields at that level.
    FieldsList(Level),
    /// Any value, read exactly (a key not known at its level).
    Any,
}

/// What the value of a field is: what the parser accepts, what `retro
/// schema` states, what `retro lsp` completes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Type {
    /// Free text: any scalar, kept as written.
    Text,
    /// One of a closed set of words.
    Word(Words),
    /// An RFC 3339 date and time with an offset.
    Stamp,
    /// A `YYYY-MM-DD` calendar date.
    Date,
    /// A list of free texts.
    Texts,
    /// A list of names of the site's contributing factors.
    Factors,
    /// A list of ids of other postmortems.
    Ids,
    /// A mapping of the fields of a level.
    Fields(Level),
    /// A list of mappings of the fields of a level.
    Items(Level),
}

impl Type {
    /// How a value of this type is read from YAML.
    pub(crate) const fn shape(self) -> Shape {
        match self {
            Type::Text | Type::Word(_) | Type::Stamp | Type::Date => Shape::Text,
            Type::Texts | Type::Factors | Type::Ids => Shape::TextList,
            Type::Fields(level) => Shape::Fields(level),
            Type::Items(level) => Shape::FieldsList(level),
        }
    }
}

/// The closed sets of words: the site's severities, and the sets of the
/// format, each stated once in the model.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Words {
    Severity,
    Status,
    Kind,
    Detection,
    ItemKind,
    ItemStatus,
}

impl Words {
    /// The words, in the order they are documented.
    pub(crate) fn list(self, cfg: &crate::config::Config) -> Vec<&str> {
        use crate::model::{Detection, ItemKind, ItemStatus, PmKind, Status};
        match self {
            Words::Severity => cfg.severities.iter().map(String::as_str).collect(),
            Words::Status => Status::WORDS.to_vec(),
            Words::Kind => PmKind::WORDS.to_vec(),
            Words::Detection => Detection::WORDS.to_vec(),
            Words::ItemKind => ItemKind::WORDS.to_vec(),
            Words::ItemStatus => ItemStatus::WORDS.to_vec(),
        }
    }
}

/// What the completeness check asks of a field.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Need {
    Optional,
    /// Always given; what to write, for the hint of a missing one.
    Required(&'static str),
    /// Given once the postmortem is final; what it records.
    RequiredOnceFinal(&'static str),
    /// One of the four questions: answered, with this text.
    Question(&'static str),
}

/// One field of the front matter.
#[derive(Debug)]
pub(crate) struct Field {
    pub(crate) level: Level,
    pub(crate) name: &'static str,
    pub(crate) ty: Type,
    /// How to write it, for the hint of a value of the wrong type.
    pub(crate) example: &'static str,
    pub(crate) need: Need,
}

macro_rules! need {
    () => {
        Need::Optional
    };
    (required $text:literal) => {
        Need::Required($text)
    };
    (once_final $text:literal) => {
        Need::RequiredOnceFinal($text)
    };
    (asks $text:literal) => {
        Need::Question($text)
    };
}

macro_rules! ty {
    ($ty:ident) => {
        Type::$ty
    };
    (Word($words:ident)) => {
        Type::Word(Words::$words)
    };
    ($ty:ident($level:ident)) => {
        Type::$ty(Level::$level)
    };
}

macro_rules! fields {
    ($($level:ident $name:literal: $ty:ident $(($inner:ident))?, $example:literal $(, $need:ident $text:literal)?;)*) => {
        /// Every field, in the order a scaffold writes them.
        pub(crate) const FIELDS: &[Field] = &[$(Field {
            level: Level::$level,
            name: $name,
            ty: ty!($ty $(($inner))?),
            example: $example,
            need: need!($($need $text)?),
        },)*];

        /// `text` as a field name, if it is one: YAML keys that are field
        /// names are kept as these names, not copied. One match instead of
        /// a search: every key of every file passes here.
        pub(crate) fn field_name(text: &str) -> Option<&'static str> {
            // names used at two levels (`id`, `title`, `status`) match once
            #[allow(unreachable_patterns)]
            match text {
                $($name => Some($name),)*
                _ => None,
            }
        }

        /// How the value of the key `name` of a mapping at `level` is read.
        pub(crate) fn shape(level: Level, name: &str) -> Shape {
            match (level, name) {
                $((Level::$level, $name) => ty!($ty $(($inner))?).shape(),)*
                _ => Shape::Any,
            }
        }
    };
}

fields! {
    Top "id": Text, "`id: 2024-03-14-checkout-500s`";
    Top "title": Text, "`title: Checkout API returned 500s`",
        required "a one-line statement of what users saw: `title: Checkout API returned 500s for 47 minutes`";
    Top "severity": Word(Severity), "`severity: SEV2`", required "`severity: SEV2` — one of the site's severities";
    Top "status": Word(Status), "`status: draft`";
    Top "kind": Word(Kind), "`kind: incident` (or `near_miss`)";
    Top "area": Text, "`area: payments`", required "the product area or service that failed: `area: payments`";
    Top "tags": Texts, "a list: `[a, b]`, or one `- item` per line";
    Top "authors": Texts, "a list: `[a, b]`, or one `- item` per line",
        required "who wrote this: `authors: [dana, lee]`";
    Top "summary": Text, "text: `summary: >` and a paragraph on the next lines",
        required "one paragraph: what happened, to whom, for how long";
    Top "impact": Text, "text: `impact: >` and a paragraph on the next lines",
        required "who and what was affected, in numbers where possible";
    Top "timeline": Fields(Timeline), "a mapping: `timeline:` then `  started: 2024-03-14T09:02:00Z` on the next line";
    Top "detection": Word(Detection), "`detection: alert`";
    Top "trigger": Text, "`trigger: deploy`";
    Top "five_whys": Texts, "a list with one `- Why …?` per line";
    Top "root_cause": Text, "`root_cause: …`";
    Top "contributing_factors": Factors, "a list of the site's factors: `[configuration push, monitoring gap]`";
    Top "lucky": Text, "text: `lucky: >` and where we got lucky on the next lines";
    Top "questions": Fields(Questions), "a mapping: `questions:` then `  prevent: …` on the next line";
    Top "action_items": Items(Item), "a list with one `- title: …` mapping per item";
    Top "related": Ids, "a list of postmortem ids: `[2023-11-02-payments-timeout]`";
    Timeline "started": Stamp, "`2024-03-14T09:02:00Z`", required "impact began";
    Timeline "detected": Stamp, "`2024-03-14T09:02:00Z`", required "a person or an alert knew";
    Timeline "acknowledged": Stamp, "`2024-03-14T09:02:00Z`";
    Timeline "mitigated": Stamp, "`2024-03-14T09:02:00Z`", required "impact ended for users";
    Timeline "resolved": Stamp, "`2024-03-14T09:02:00Z`",
        once_final "the root cause was fixed; required once status is final";
    Questions "prevent": Text, "`prevent: we will …`", asks "How can we prevent this problem from happening again?";
    Questions "similar": Text, "`similar: …`",
        asks "Are there other areas with similar characteristics that we should improve?";
    Questions "detect": Text, "`detect: …`", asks "If this happens again, how can we catch it earlier?";
    Questions "mitigate": Text, "`mitigate: …`", asks "If this happens again, how can we mitigate it sooner?";
    Item "id": Text, "`id: PAY-101`";
    Item "title": Text, "`title: Alert on pool saturation`";
    Item "kind": Word(ItemKind), "`kind: prevent`";
    Item "owner": Text, "`owner: lee`";
    Item "due": Date, "`2024-04-01`";
    Item "status": Word(ItemStatus), "`status: open`";
    Item "closed": Date, "`2024-04-01`";
    Item "link": Text, "`link: https://tracker.example.com/PAY-101`";
}

impl Field {
    /// What the field is for and how to write it, for people: the hover
    /// of an editor and the schema's descriptions.
    pub(crate) fn description(&self) -> String {
        match self.need {
            Need::Optional => format!("E.g. {}", self.example),
            Need::Required(text) | Need::RequiredOnceFinal(text) => format!("Required: {text}."),
            Need::Question(text) => format!("{text} E.g. {}", self.example),
        }
    }
}

/// The required fields a near miss (`kind: near_miss`) need not have: it
/// hurt no one, so it has no severity, impact or impact times.
pub(crate) const NOT_ASKED_OF_NEAR_MISSES: &[&str] = &["severity", "impact", "detected", "mitigated", "resolved"];

/// The fields of a level, in order.
pub(crate) fn at(level: Level) -> impl Iterator<Item = &'static Field> {
    FIELDS.iter().filter(move |f| f.level == level)
}

/// The field `name` of `level`.
pub(crate) fn field(level: Level, name: &str) -> Option<&'static Field> {
    at(level).find(|f| f.name == name)
}

/// The names of the fields of a level, in order: the keys it knows.
pub(crate) fn keys(level: Level) -> &'static [&'static str] {
    static KEYS: LazyLock<[Vec<&'static str>; 4]> = LazyLock::new(|| {
        [Level::Top, Level::Timeline, Level::Questions, Level::Item].map(|l| at(l).map(|f| f.name).collect())
    });
    &KEYS[level as usize]
}

/// The four questions every postmortem answers, in order: their key under
/// `questions:` and their text.
pub(crate) fn questions() -> impl Iterator<Item = (&'static str, &'static str)> {
    FIELDS.iter().filter_map(|f| match f.need {
        Need::Question(q) => Some((f.name, q)),
        _ => None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn field_names_are_exactly_the_names_of_the_fields() {
        for f in FIELDS {
            assert_eq!(field_name(f.name), Some(f.name));
            assert!(field(f.level, f.name).is_some(), "{}", f.name);
        }
        let all: std::collections::HashSet<&str> = FIELDS.iter().map(|f| f.name).collect();
        assert_eq!(all.len(), 33);
        for other in ["", "Title", "titles", "tag", " id", "id ", "action-items", "due_date"] {
            assert_eq!(field_name(other), None, "{other:?}");
        }
    }

    #[test]
    fn each_level_knows_its_own_keys() {
        assert_eq!(keys(Level::Timeline), ["started", "detected", "acknowledged", "mitigated", "resolved"]);
        assert_eq!(keys(Level::Item), ["id", "title", "kind", "owner", "due", "status", "closed", "link"]);
        assert_eq!(shape(Level::Top, "timeline"), Shape::Fields(Level::Timeline));
        assert_eq!(shape(Level::Item, "timeline"), Shape::Any);
        assert_eq!(questions().map(|q| q.0).collect::<Vec<_>>(), ["prevent", "similar", "detect", "mitigate"]);
    }
}
