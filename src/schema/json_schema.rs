//! The front matter as a JSON Schema (draft 2020-12), made from the field
//! declarations of [`super::FIELDS`] and the site's settings (severities,
//! contributing factors): what `retro schema` prints for editors and
//! form-based CMSs.
//!
//! It states what one value can show: types, closed sets of words, the
//! shapes of timestamps and dates, and, for a `final` postmortem, the
//! required fields and the known keys. What needs more than one value or
//! the rest of the site (the order of the timeline, a real calendar date,
//! unique and existing ids, placeholders, blame) is `retro check`'s.

use super::{at, Field, Level, Need, Type, Words, NOT_ASKED_OF_NEAR_MISSES};
use crate::config::Config;
use serde::ser::{Serialize, SerializeMap, Serializer};

/// An RFC 3339 date and time with an offset (`T`, `t` or a space between
/// date and time), a day whose time is still to be written (W018), or
/// nothing: what `parse::fields` reads as a timestamp, less the calendar
/// (`2024-02-30` has the shape).
const STAMP: &str = r"^\s*(?:\d{4}-(?:0[1-9]|1[0-2])-(?:0[1-9]|[12]\d|3[01])(?:[Tt ](?:[01]\d|2[0-3]):[0-5]\d:(?:[0-5]\d|60)(?:\.\d+)?(?:[Zz]|[+-](?:[01]\d|2[0-3]):[0-5]\d))?)?\s*$";

/// A `YYYY-MM-DD` date, or nothing.
const DATE: &str = r"^\s*(?:\d{4}-(?:0[1-9]|1[0-2])-(?:0[1-9]|[12]\d|3[01]))?\s*$";

/// The front matter schema of the site `cfg`, as pretty JSON.
pub(crate) fn json_schema(cfg: &Config) -> String {
    let mut root = Node {
        schema: Some("https://json-schema.org/draft/2020-12/schema"),
        title: Some(format!("{}: postmortem front matter", cfg.title)),
        description: Some(
            "Made by `retro schema` from the site's site.toml. Types, words and the shapes of timestamps and \
             dates; for a final postmortem also the required fields and the known keys. `retro check` checks \
             the rest."
                .to_string(),
        ),
        ..fields(Level::Top, cfg)
    };
    root.ty = Some(&["object"]);
    root.when = Some(Box::new(is("status", "final")));
    root.then = Some(Box::new(Node {
        when: Some(Box::new(is("kind", "near_miss"))),
        then: Some(Box::new(required_once_final(true))),
        otherwise: Some(Box::new(required_once_final(false))),
        ..Node::default()
    }));
    root.defs = Some(Props(vec![(
        "text",
        Node {
            description: Some("Free text: any scalar, kept as written.".to_string()),
            ty: Some(&["string", "number", "boolean", "null"]),
            ..Node::default()
        },
    )]));
    let mut out = serde_json::to_string_pretty(&root).unwrap_or_default();
    out.push('\n');
    out
}

/// The mapping of the fields of `level`.
fn fields(level: Level, cfg: &Config) -> Node {
    Node {
        ty: Some(if level == Level::Top { &["object"] } else { &["object", "null"] }),
        properties: Some(Props(at(level).map(|f| (f.name, field(f, cfg))).collect())),
        ..Node::default()
    }
}

/// The schema of one field, with what it is for.
fn field(f: &Field, cfg: &Config) -> Node {
    Node { description: Some(f.description()), ..value(f.ty, cfg) }
}

/// The schema of a value of type `ty`.
fn value(ty: Type, cfg: &Config) -> Node {
    let text = || Node { reference: Some("#/$defs/text"), ..Node::default() };
    let list = |items: Node| Node { ty: Some(&["array", "null"]), items: Some(Box::new(items)), ..Node::default() };
    match ty {
        Type::Text => text(),
        Type::Word(words) => word(words, cfg),
        Type::Stamp => Node { ty: Some(&["string", "null"]), pattern: Some(STAMP.to_string()), ..Node::default() },
        Type::Date => Node { ty: Some(&["string", "null"]), pattern: Some(DATE.to_string()), ..Node::default() },
        Type::Texts | Type::Ids => list(text()),
        Type::Factors => list(Node {
            ty: Some(&["string"]),
            any_of: Some(vec![
                Node { one_of_words: Some(cfg.factors.iter().map(|f| Some(f.clone())).collect()), ..Node::default() },
                // the taxonomy's names in any ASCII letter case, as check reads them
                Node { pattern: Some(any_case(&cfg.factors)), ..Node::default() },
            ]),
            ..Node::default()
        }),
        Type::Fields(level) => fields(level, cfg),
        Type::Items(level) => list(Node { ty: Some(&["object"]), ..fields(level, cfg) }),
    }
}

/// One of a closed set of words, or nothing.
fn word(words: Words, cfg: &Config) -> Node {
    let mut list: Vec<Option<String>> = words.list(cfg).into_iter().map(|w| Some(w.to_string())).collect();
    list.push(None);
    Node { one_of_words: Some(list), ..Node::default() }
}

/// A pattern matching each of `names` in any ASCII letter case, with
/// spaces around.
fn any_case(names: &[String]) -> String {
    let alternatives: Vec<String> = names
        .iter()
        .map(|name| {
            name.chars()
                .map(|c| {
                    if c.is_ascii_alphabetic() {
                        format!("[{}{}]", c.to_ascii_lowercase(), c.to_ascii_uppercase())
                    } else if c.is_ascii_alphanumeric() || c == ' ' || !c.is_ascii() {
                        c.to_string()
                    } else {
                        format!("\\{c}")
                    }
                })
                .collect()
        })
        .collect();
    format!(r"^\s*(?:{})\s*$", alternatives.join("|"))
}

/// `key` is present and is `word`.
fn is(key: &'static str, word: &'static str) -> Node {
    Node {
        properties: Some(Props(vec![(key, Node { constant: Some(word), ..Node::default() })])),
        required: Some(vec![key]),
        ..Node::default()
    }
}

/// What a final postmortem must have: the required fields of each level
/// (fewer for a near miss), and no key the format does not know.
fn required_once_final(near_miss: bool) -> Node {
    let asked = |f: &&Field| {
        let not_asked = near_miss && NOT_ASKED_OF_NEAR_MISSES.contains(&f.name);
        !matches!(f.need, Need::Optional) && !not_asked
    };
    let known = |level: Level| Node {
        one_of_words: Some(at(level).map(|f| Some(f.name.to_string())).collect()),
        ..Node::default()
    };
    let mut top: Vec<&'static str> = Vec::new();
    let mut nested = Vec::new();
    for f in at(Level::Top) {
        match f.ty {
            Type::Fields(level) => {
                let inner: Vec<&'static str> = at(level).filter(asked).map(|f| f.name).collect();
                if !inner.is_empty() {
                    top.push(f.name);
                }
                nested.push((
                    f.name,
                    Node {
                        required: Some(inner).filter(|r| !r.is_empty()),
                        property_names: Some(Box::new(known(level))),
                        ..Node::default()
                    },
                ));
            }
            Type::Items(level) => nested.push((
                f.name,
                Node {
                    items: Some(Box::new(Node { property_names: Some(Box::new(known(level))), ..Node::default() })),
                    ..Node::default()
                },
            )),
            _ if asked(&f) => top.push(f.name),
            _ => {}
        }
    }
    Node {
        required: Some(top),
        property_names: Some(Box::new(known(Level::Top))),
        properties: Some(Props(nested)),
        ..Node::default()
    }
}

/// A JSON Schema, with only the keywords used here; its keys come out in
/// the order of this struct, and properties in the order of the fields.
#[derive(Default, serde::Serialize)]
struct Node {
    #[serde(rename = "$schema", skip_serializing_if = "Option::is_none")]
    schema: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    title: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    description: Option<String>,
    #[serde(rename = "$ref", skip_serializing_if = "Option::is_none")]
    reference: Option<&'static str>,
    #[serde(rename = "type", skip_serializing_if = "Option::is_none", serialize_with = "one_or_list")]
    ty: Option<&'static [&'static str]>,
    #[serde(rename = "const", skip_serializing_if = "Option::is_none")]
    constant: Option<&'static str>,
    #[serde(rename = "enum", skip_serializing_if = "Option::is_none")]
    one_of_words: Option<Vec<Option<String>>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pattern: Option<String>,
    #[serde(rename = "anyOf", skip_serializing_if = "Option::is_none")]
    any_of: Option<Vec<Node>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    items: Option<Box<Node>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    properties: Option<Props>,
    #[serde(skip_serializing_if = "Option::is_none")]
    required: Option<Vec<&'static str>>,
    #[serde(rename = "propertyNames", skip_serializing_if = "Option::is_none")]
    property_names: Option<Box<Node>>,
    #[serde(rename = "if", skip_serializing_if = "Option::is_none")]
    when: Option<Box<Node>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    then: Option<Box<Node>>,
    #[serde(rename = "else", skip_serializing_if = "Option::is_none")]
    otherwise: Option<Box<Node>>,
    #[serde(rename = "$defs", skip_serializing_if = "Option::is_none")]
    defs: Option<Props>,
}

/// `"object"`, or `["object", "null"]`.
fn one_or_list<S: Serializer>(types: &Option<&'static [&'static str]>, s: S) -> Result<S::Ok, S::Error> {
    match types {
        Some([one]) => s.serialize_str(one),
        other => other.serialize(s),
    }
}

/// Named schemas, kept in the order given.
struct Props(Vec<(&'static str, Node)>);

impl Serialize for Props {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut map = s.serialize_map(Some(self.0.len()))?;
        for (k, v) in &self.0 {
            map.serialize_entry(k, v)?;
        }
        map.end()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parse::{parse_day, parse_stamp};

    fn validator(cfg: &Config) -> jsonschema::Validator {
        let schema: serde_json::Value = serde_json::from_str(&json_schema(cfg)).expect("the schema is JSON");
        jsonschema::draft202012::new(&schema).expect("the schema is a valid 2020-12 schema")
    }

    fn accepts(v: &jsonschema::Validator, yaml: &str) -> bool {
        let value: serde_json::Value = serde_yaml::from_str(yaml).expect("test YAML");
        v.is_valid(&value)
    }

    #[test]
    fn timestamp_shapes_agree_with_the_parser() {
        let v = validator(&Config::defaults(std::path::Path::new(".")));
        for raw in [
            "2024-03-14T09:02:00Z",
            "2024-03-14T10:02:00+01:00",
            "2024-03-14 10:02:00-05:30",
            "2024-03-14t10:02:00.250z",
            "2024-03-14T09:02:00",
            "2024-03-14 09:02",
            "2024-03-14",
            "2024-13-14T09:02:00Z",
            "2024-03-14T24:02:00Z",
            "2024-03-14T09:02:00+0100",
            "14/03/2024 09:02 UTC",
            "2024-03-14T09:02:00 Z",
        ] {
            let yaml = format!("timeline: {{started: '{raw}'}}");
            let day_only = parse_day(raw).is_some();
            assert_eq!(accepts(&v, &yaml), parse_stamp(raw).is_ok() || day_only, "{raw}");
        }
        assert!(accepts(&v, "timeline: {started: '', detected: ~}"), "empty is missing, not wrong");
    }

    #[test]
    fn date_shapes_agree_with_the_parser() {
        let v = validator(&Config::defaults(std::path::Path::new(".")));
        for raw in ["2024-04-01", "2024-4-1", "2024-04-01T00:00:00Z", "01.04.2024", "2024-00-10", "2024-12-31"] {
            let yaml = format!("action_items: [{{title: t, due: '{raw}'}}]");
            assert_eq!(accepts(&v, &yaml), parse_day(raw).is_some(), "{raw}");
        }
    }

    #[test]
    fn words_come_from_the_site_and_factors_match_in_any_case() {
        let mut cfg = Config::defaults(std::path::Path::new("."));
        cfg.severities = vec!["P1".to_string(), "P2".to_string()];
        cfg.factors = vec!["Change (config push)".to_string(), "capacity".to_string()];
        let v = validator(&cfg);
        assert!(accepts(&v, "severity: P1\nstatus: review\nkind: near_miss\ndetection: alert"));
        assert!(!accepts(&v, "severity: SEV1"));
        assert!(!accepts(&v, "status: finished"));
        assert!(accepts(&v, "contributing_factors: [change (CONFIG push), Capacity]"));
        assert!(!accepts(&v, "contributing_factors: [change config push]"));
        assert!(!accepts(&v, "contributing_factors: [capacity, {name: x}]"));
    }

    #[test]
    fn a_final_postmortem_needs_its_fields_and_known_keys_only() {
        let v = validator(&Config::defaults(std::path::Path::new(".")));
        assert!(accepts(&v, "status: draft\nsumary: typo"), "a draft may be unfinished");
        assert!(!accepts(&v, "status: final\ntitle: t"), "a final one may not");
        let full = "status: final\ntitle: t\nseverity: SEV2\narea: a\nauthors: [x]\nsummary: s\nimpact: i\n\
                    timeline: {started: 2024-03-14T09:02:00Z, detected: 2024-03-14T09:02:00Z, \
                    mitigated: 2024-03-14T09:02:00Z, resolved: 2024-03-14T09:02:00Z}\n\
                    questions: {prevent: p, similar: s, detect: d, mitigate: m}\n";
        assert!(accepts(&v, full));
        assert!(!accepts(&v, &format!("{full}sumary: typo")));
        assert!(!accepts(&v, &full.replace("resolved", "resolvd")));
        let near_miss = "status: final\nkind: near_miss\ntitle: t\narea: a\nauthors: [x]\nsummary: s\n\
                         timeline: {started: 2024-03-14T09:02:00Z}\n\
                         questions: {prevent: p, similar: s, detect: d, mitigate: m}\n";
        assert!(accepts(&v, near_miss));
        assert!(!accepts(&v, &near_miss.replace("kind: near_miss\n", "")));
    }

    #[test]
    fn the_schema_is_the_same_every_time() {
        let cfg = Config::defaults(std::path::Path::new("."));
        assert_eq!(json_schema(&cfg), json_schema(&cfg));
        let text = json_schema(&cfg);
        let title = text.find("\"title\"").expect("title");
        let severity = text.find("\"severity\"").expect("severity");
        assert!(title < severity, "properties in the order of the fields");
    }
}
