//! Reading a front matter into a [`Node`] tree with serde_yaml. [`read`]
//! asks serde_yaml for the text of text fields instead of letting it guess
//! at a number or a boolean in every plain scalar, which was a tenth of
//! reading a front matter, and keeps that text as written.

use super::node::{duplicate_key, hash_of, Key, Mapping, Node, Tagged, LINEAR_KEYS};
use crate::schema::{shape, Level, Shape};
use serde::de::{
    Deserialize, DeserializeSeed, Deserializer, EnumAccess, Error as _, MapAccess, SeqAccess, VariantAccess, Visitor,
};
use std::collections::HashMap;
use std::fmt;

/// How a tree is read.
#[derive(Clone, Copy)]
enum Mode {
    /// As serde_yaml's `Value` reads it: every plain scalar is tried as
    /// null, a boolean, an integer and a float before it is text.
    Exact,
    /// A mapping of the front matter at `Level`: the values of its text
    /// fields (and lists of text) are the text as written, without those
    /// tries; other keys' values are read exactly. A field of another
    /// shape fails, and [`read`] reads the whole file again exactly.
    Fields(Level, Keys),
    /// A list of such mappings (`action_items`).
    FieldsList(Level, Keys),
}

/// How the keys of a mapping of fields are read.
#[derive(Clone, Copy)]
enum Keys {
    /// As text: no tries either, but a tag is not seen, and a key that may
    /// not be text (`1`, `true`, `~`) fails.
    Names,
    /// As any value (a number, a tagged value…).
    Any,
}

/// Reads a front matter: as serde_yaml reads it, except that text fields
/// keep the text as written (`title: 1.50` is `1.50`, not the number 1.5).
///
/// Most files are read once, keys as text. One with a key that may not be
/// text (`1:`), or a `!` where a tag may start, is read with keys as any
/// value. One with
/// a field of the wrong shape (`tags: web`) or an error in its YAML is read
/// again exactly, so that its diagnostics are those of the exact tree.
pub(crate) fn read(yaml: &str) -> Result<Node, serde_yaml::Error> {
    let fields =
        |keys| serde_yaml::Deserializer::from_str(yaml).deserialize_any(NodeVisitor(Mode::Fields(Level::Top, keys)));
    if !may_have_tags(yaml) {
        if let Ok(node) = fields(Keys::Names) {
            return Ok(node);
        }
    }
    match fields(Keys::Any) {
        Ok(node) => Ok(node),
        Err(_) => serde_yaml::from_str(yaml),
    }
}

/// Whether `yaml` has a `!` where a tag can start: first on its line, or
/// after a space, a tab, `[`, `{` or `,`. A superset of the places YAML
/// allows tags in (`yes!` is not one, `wow !` is).
fn may_have_tags(yaml: &str) -> bool {
    let b = yaml.as_bytes();
    memchr::memchr_iter(b'!', b)
        .any(|i| i == 0 || matches!(b[i - 1], b'\n' | b'\r' | b' ' | b'\t' | b'[' | b'{' | b','))
}

struct NodeVisitor(Mode);

/// A value read in the given mode.
struct NodeSeed(Mode);

impl<'de> DeserializeSeed<'de> for NodeSeed {
    type Value = Node;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Node, D::Error> {
        d.deserialize_any(NodeVisitor(self.0))
    }
}

impl<'de> Visitor<'de> for NodeVisitor {
    type Value = Node;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("any YAML value")
    }

    fn visit_bool<E>(self, b: bool) -> Result<Node, E> {
        Ok(Node::Bool(b))
    }

    fn visit_i64<E>(self, n: i64) -> Result<Node, E> {
        Ok(Node::Number(n.into()))
    }

    fn visit_u64<E>(self, n: u64) -> Result<Node, E> {
        Ok(Node::Number(n.into()))
    }

    fn visit_f64<E>(self, n: f64) -> Result<Node, E> {
        Ok(Node::Number(n.into()))
    }

    fn visit_str<E>(self, s: &str) -> Result<Node, E> {
        Ok(Node::String(s.to_owned()))
    }

    fn visit_string<E>(self, s: String) -> Result<Node, E> {
        Ok(Node::String(s))
    }

    fn visit_unit<E>(self) -> Result<Node, E> {
        Ok(Node::Null)
    }

    fn visit_none<E>(self) -> Result<Node, E> {
        Ok(Node::Null)
    }

    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Node, D::Error> {
        NodeSeed(self.0).deserialize(d)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Node, A::Error> {
        let mut items = Vec::with_capacity(seq.size_hint().unwrap_or(0).min(64));
        let mode = match self.0 {
            Mode::FieldsList(level, keys) => Mode::Fields(level, keys),
            Mode::Exact | Mode::Fields(..) => Mode::Exact,
        };
        while let Some(item) = seq.next_element_seed(NodeSeed(mode))? {
            items.push(item);
        }
        Ok(Node::Sequence(items))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Node, A::Error> {
        // a front matter mapping has a handful of keys (an action item 7, the
        // top level 17): room for 8 spares the first three doublings
        let mut m = Mapping { entries: Vec::with_capacity(map.size_hint().unwrap_or(8).min(64)) };
        let mut index: Option<HashMap<u64, Vec<usize>>> = None;
        loop {
            let key = match self.0 {
                Mode::Fields(_, Keys::Names) => map.next_key_seed(FieldKey)?,
                _ => map.next_key::<Key>()?,
            };
            let Some(key) = key else { break };
            if m.position(&key, index.as_ref()).is_some() {
                return Err(A::Error::custom(duplicate_key(&key)));
            }
            let (shape, keys) = match (self.0, &key) {
                (Mode::Fields(level, keys), Key::Field(name)) => (shape(level, name), keys),
                _ => (Shape::Any, Keys::Any),
            };
            let value = match shape {
                Shape::Text => map.next_value_seed(Text)?,
                Shape::TextList => map.next_value_seed(TextList)?,
                Shape::Fields(level) => map.next_value_seed(NodeSeed(Mode::Fields(level, keys)))?,
                Shape::FieldsList(level) => map.next_value_seed(NodeSeed(Mode::FieldsList(level, keys)))?,
                Shape::Any => map.next_value_seed(NodeSeed(Mode::Exact))?,
            };
            let at = m.entries.len();
            if let Some(index) = index.as_mut() {
                index.entry(hash_of(&key)).or_default().push(at);
            } else if at + 1 > LINEAR_KEYS {
                let mut all: HashMap<u64, Vec<usize>> = HashMap::new();
                for (i, (k, _)) in m.entries.iter().enumerate() {
                    all.entry(hash_of(k)).or_default().push(i);
                }
                all.entry(hash_of(&key)).or_default().push(at);
                index = Some(all);
            }
            m.entries.push((key, value));
        }
        Ok(Node::Mapping(m))
    }

    fn visit_enum<A: EnumAccess<'de>>(self, data: A) -> Result<Node, A::Error> {
        let (tag, contents): (String, _) = data.variant()?;
        Ok(Node::Tagged(Box::new(Tagged { tag, value: contents.newtype_variant_seed(NodeSeed(self.0))? })))
    }
}

impl<'de> Deserialize<'de> for Node {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Node, D::Error> {
        d.deserialize_any(NodeVisitor(Mode::Exact))
    }
}

/// A key that must be a field name ([`Keys::Names`]).
struct FieldKey;

impl<'de> DeserializeSeed<'de> for FieldKey {
    type Value = Key;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Key, D::Error> {
        d.deserialize_str(self)
    }
}

impl<'de> Visitor<'de> for FieldKey {
    type Value = Key;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a field name")
    }

    fn visit_str<E: serde::de::Error>(self, s: &str) -> Result<Key, E> {
        // other text than a field name is a text key too (a team's own
        // `jira:`), unless it may be one serde_yaml reads as null, a boolean
        // or a number when written plainly: that one fails, and the file is
        // read again
        let maybe_not_text = || {
            s.is_empty()
                || s.starts_with(|c: char| c.is_ascii_digit() || matches!(c, '+' | '-' | '.' | '~'))
                || matches!(s, "null" | "Null" | "NULL" | "true" | "True" | "TRUE" | "false" | "False" | "FALSE")
        };
        match Key::new(s) {
            Key::Other(_) if maybe_not_text() => Err(E::custom("not a field name")),
            key => Ok(key),
        }
    }
}

/// A text field's value: null, or the text as written.
struct Text;

impl<'de> DeserializeSeed<'de> for Text {
    type Value = Node;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Node, D::Error> {
        d.deserialize_option(self)
    }
}

impl<'de> Visitor<'de> for Text {
    type Value = Node;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("text")
    }

    fn visit_none<E>(self) -> Result<Node, E> {
        Ok(Node::Null)
    }

    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Node, D::Error> {
        d.deserialize_str(self)
    }

    fn visit_str<E>(self, s: &str) -> Result<Node, E> {
        Ok(Node::String(s.to_owned()))
    }

    fn visit_string<E>(self, s: String) -> Result<Node, E> {
        Ok(Node::String(s))
    }
}

/// A list-of-text field's value: null, or a list of [`Text`].
struct TextList;

impl<'de> DeserializeSeed<'de> for TextList {
    type Value = Node;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Node, D::Error> {
        d.deserialize_option(self)
    }
}

impl<'de> Visitor<'de> for TextList {
    type Value = Node;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a list of texts")
    }

    fn visit_none<E>(self) -> Result<Node, E> {
        Ok(Node::Null)
    }

    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Node, D::Error> {
        d.deserialize_seq(self)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Node, A::Error> {
        let mut items = Vec::with_capacity(seq.size_hint().unwrap_or(4).min(64));
        while let Some(item) = seq.next_element_seed(Text)? {
            items.push(item);
        }
        Ok(Node::Sequence(items))
    }
}

/// Reads a key as [`NodeVisitor`] reads any value, except that text
/// naming a known field becomes [`Key::Field`].
struct KeyVisitor;

impl<'de> Visitor<'de> for KeyVisitor {
    type Value = Key;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        NodeVisitor(Mode::Exact).expecting(f)
    }

    fn visit_bool<E>(self, b: bool) -> Result<Key, E> {
        Ok(Key::Other(Node::Bool(b)))
    }

    fn visit_i64<E>(self, n: i64) -> Result<Key, E> {
        Ok(Key::Other(Node::Number(n.into())))
    }

    fn visit_u64<E>(self, n: u64) -> Result<Key, E> {
        Ok(Key::Other(Node::Number(n.into())))
    }

    fn visit_f64<E>(self, n: f64) -> Result<Key, E> {
        Ok(Key::Other(Node::Number(n.into())))
    }

    fn visit_str<E>(self, s: &str) -> Result<Key, E> {
        Ok(Key::new(s))
    }

    fn visit_unit<E>(self) -> Result<Key, E> {
        Ok(Key::Other(Node::Null))
    }

    fn visit_none<E>(self) -> Result<Key, E> {
        Ok(Key::Other(Node::Null))
    }

    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Key, D::Error> {
        Key::deserialize(d)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<Key, A::Error> {
        NodeVisitor(Mode::Exact).visit_seq(seq).map(Key::Other)
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Key, A::Error> {
        NodeVisitor(Mode::Exact).visit_map(map).map(Key::Other)
    }

    fn visit_enum<A: EnumAccess<'de>>(self, data: A) -> Result<Key, A::Error> {
        NodeVisitor(Mode::Exact).visit_enum(data).map(Key::Other)
    }
}

impl<'de> Deserialize<'de> for Key {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Key, D::Error> {
        d.deserialize_any(KeyVisitor)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(yaml: &str) -> Result<Node, String> {
        serde_yaml::from_str(yaml).map_err(|e| e.to_string())
    }

    /// The reference: what serde_yaml's own Value makes of the same text.
    fn value(yaml: &str) -> Result<serde_yaml::Value, String> {
        serde_yaml::from_str(yaml).map_err(|e| e.to_string())
    }

    /// The same tree, compared field by field with serde_yaml's Value.
    fn same(n: &Node, v: &serde_yaml::Value) -> bool {
        use serde_yaml::Value as V;
        match (n, v) {
            (Node::Null, V::Null) => true,
            (Node::Bool(a), V::Bool(b)) => a == b,
            (Node::Number(a), V::Number(b)) => a == b && a.to_string() == b.to_string(),
            (Node::String(a), V::String(b)) => a == b,
            (Node::Sequence(a), V::Sequence(b)) => a.len() == b.len() && a.iter().zip(b).all(|(x, y)| same(x, y)),
            (Node::Mapping(a), V::Mapping(b)) => {
                a.len() == b.len() && a.entries.iter().zip(b).all(|((k, x), (l, y))| same_key(k, l) && same(x, y))
            }
            (Node::Tagged(a), V::Tagged(b)) => b.tag == a.tag && same(&a.value, &b.value),
            _ => false,
        }
    }

    fn same_key(k: &Key, v: &serde_yaml::Value) -> bool {
        match k {
            Key::Field(s) => matches!(v, serde_yaml::Value::String(t) if t == s),
            Key::Other(n) => same(n, v),
        }
    }

    #[test]
    fn reads_what_serde_yaml_value_reads_and_rejects_what_it_rejects() {
        let inputs = [
            "a: 1\nb: [x, 2.5, true, ~, -3]\nc: {d: e}\n",
            "title: \"quoted\"\nn: 18446744073709551615\nf: .inf\ng: -.nan\nh: 1e3\n",
            "t: !custom {x: 1}\nu: !!str 12\nv: !x [1, 2]\n",
            "? [a, b]\n: c\n? {k: v}\n: d\n1: one\ntrue: yes\n~: nothing\n",
            "a: 1\na: 2\n",
            "1: x\n1: y\n",
            "1: x\n1.0: y\n",
            "true: x\ntrue: y\n",
            "~: x\nnull: y\n",
            "? [a, b]\n: 1\n? [a, b]\n: 2\n",
            "? {a: 1, b: 2}\n: x\n? {b: 2, a: 1}\n: y\n",
            "!t a: 1\n!t a: 2\n",
            "x: !a 1\ny: !b 1\n",
            "- a\n- b: [1, {c: d}]\n",
            "",
            "just text",
            "a: [1, 2\n",
            "&x a: *x\n",
            "a: &anchor [1, 2]\nb: *anchor\n",
            "\"k\\u00e9\": v\nk\u{e9}: w\n",
        ];
        for yaml in inputs {
            match (parse(yaml), value(yaml)) {
                (Ok(n), Ok(v)) => assert!(same(&n, &v), "{yaml:?}: {n:?} vs {v:?}"),
                (Err(a), Err(b)) => assert_eq!(a, b, "{yaml:?}"),
                (a, b) => panic!("{yaml:?}: {a:?} vs {b:?}"),
            }
        }
    }

    #[test]
    fn a_key_written_twice_in_a_large_mapping_is_found() {
        let mut yaml: String = (0..500).map(|i| format!("k{i}: {i}\n")).collect();
        assert!(parse(&yaml).is_ok());
        yaml.push_str("k250: again\n");
        assert_eq!(parse(&yaml).unwrap_err(), value(&yaml).unwrap_err());
        let numbers: String = (0..100).map(|i| format!("{i}: x\n")).chain(["42: y\n".to_string()]).collect();
        assert_eq!(parse(&numbers).unwrap_err(), value(&numbers).unwrap_err());
    }

    /// A full front matter of every field, as the example site writes them.
    const FULL: &str = "id: 2024-03-14-checkout\ntitle: \"Checkout: 500s\"\nseverity: SEV1\nstatus: final\narea: payments\ntags: [db, 'pool']\nauthors:\n  - lee\n  -\nsummary: >\n  Folded\n  text.\nimpact: |\n  Literal\ntimeline:\n  started: 2024-03-14T09:02:00Z\n  detected: 2024-03-14 09:10:00+01:00\n  acknowledged:\n  mitigated: ~\n  resolved: null\ndetection: alert\ntrigger: deploy\nfive_whys:\n  - Why? Because.\n  - \"\"\nroot_cause: pool\nquestions:\n  prevent: a\n  similar: b\n  detect: c\n  mitigate: d\naction_items:\n  - id: PAY-1\n    title: Alert\n    kind: detect\n    owner: lee\n    due: 2024-04-01\n    status: done\n    closed: 2024-03-30\n    link: https://x.example/1\n  - title: &t Again\n    owner: *t\nrelated: []\n";

    fn exact(yaml: &str) -> Result<Node, String> {
        serde_yaml::from_str(yaml).map_err(|e| e.to_string())
    }

    fn fields(yaml: &str) -> Result<Node, String> {
        serde_yaml::Deserializer::from_str(yaml)
            .deserialize_any(NodeVisitor(Mode::Fields(Level::Top, Keys::Names)))
            .map_err(|e| e.to_string())
    }

    #[test]
    fn a_front_matter_of_fields_reads_as_the_exact_tree() {
        let fast = fields(FULL).expect("read in one pass");
        assert_eq!(fast, exact(FULL).unwrap());
        assert_eq!(read(FULL).map_err(|e| e.to_string()), exact(FULL));
        // every postmortem of the example site and of the test fixtures
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut n = 0;
        for dir in ["content", "tests/fixtures"] {
            for e in walkdir::WalkDir::new(root.join(dir)).into_iter().filter_map(Result::ok) {
                let Ok(text) = std::fs::read_to_string(e.path()) else { continue };
                let Ok(fm) = super::super::split("f", &text) else { continue };
                if e.path().extension().is_some_and(|x| x == "md") {
                    assert_eq!(read(fm.yaml).map_err(|e| e.to_string()), exact(fm.yaml), "{}", e.path().display());
                    n += 1;
                }
            }
        }
        assert!(n >= 40, "{n} files");
    }

    #[test]
    fn text_fields_are_read_as_written() {
        // serde_yaml would make numbers and booleans of these and retro
        // would print them back differently: read as text, they stay
        // a key unknown at its level is read exactly, value and all
        let Node::Mapping(m) = read("title: 1.50\ntitel: 1.50\ntimeline: {owner: 1.50}\n").unwrap() else { panic!() };
        assert_eq!(m.get("title"), Some(&Node::String("1.50".into())));
        assert!(matches!(m.get("titel"), Some(Node::Number(_))));
        assert!(matches!(m.get("timeline"), Some(Node::Mapping(t)) if matches!(t.get("owner"), Some(Node::Number(_)))));
        // a tag on a text field is not seen: its text is read
        for (yaml, text) in [("summary: !t ~\n", "~"), ("title: !!float 5\n", "5"), ("title: !t x\n", "x")] {
            let Node::Mapping(m) = read(yaml).unwrap() else { panic!() };
            assert_eq!(m.get(&yaml[..yaml.find(':').unwrap()]), Some(&Node::String(text.into())), "{yaml:?}");
        }
        for (value, text) in
            [("1.50", "1.50"), ("1e3", "1e3"), ("0x1F", "0x1F"), ("+5", "+5"), ("TRUE", "TRUE"), (".inf", ".inf")]
        {
            let yaml = format!("title: {value}\n");
            let Node::Mapping(m) = read(&yaml).unwrap() else { panic!() };
            assert!(matches!(m.get("title"), Some(Node::String(s)) if s == text), "{value}: {m:?}");
            assert!(!matches!(exact(&yaml).unwrap(), Node::Mapping(e) if e.get("title") == m.get("title")), "{value}");
        }
        // an integer past u64 was an error of serde_yaml's, not of the file
        let big = "title: 18446744073709551616000\n";
        assert!(exact(big).is_err());
        assert!(
            matches!(read(big).unwrap(), Node::Mapping(m) if m.get("title") == Some(&Node::String(big[7..30].into())))
        );
        // nulls are nulls, quoted text is text
        for (value, null) in [("", true), ("~", true), ("null", true), ("\"\"", false), ("'~'", false)] {
            let Node::Mapping(m) = read(&format!("summary: {value}\n")).unwrap() else { panic!() };
            assert_eq!(matches!(m.get("summary"), Some(Node::Null)), null, "{value:?}");
        }
    }

    /// `fast` says what `exact` says, with the text as written where serde_yaml
    /// made a number or a boolean of a plain scalar (that text, read on its
    /// own, is the exact value), and without the tags of text fields.
    fn agrees(fast: &Node, exact: &Node) -> bool {
        match (fast, exact) {
            (Node::String(s), Node::Number(_) | Node::Bool(_)) => {
                serde_yaml::from_str::<Node>(s).ok().as_ref() == Some(exact)
            }
            // the tag of a text field is dropped (fields.rs never looks at
            // one), a tagged null included: it is the text written
            (Node::String(s), Node::Tagged(t)) => {
                agrees(fast, &t.value)
                    || (t.value == Node::Null && matches!(s.as_str(), "~" | "null" | "Null" | "NULL"))
            }
            (Node::Sequence(a), Node::Sequence(b)) => a.len() == b.len() && a.iter().zip(b).all(|(x, y)| agrees(x, y)),
            (Node::Mapping(a), Node::Mapping(b)) => {
                a.len() == b.len() && a.entries.iter().zip(&b.entries).all(|((k, x), (l, y))| k == l && agrees(x, y))
            }
            (a, b) => a == b,
        }
    }

    fn scalar() -> impl proptest::strategy::Strategy<Value = String> {
        use proptest::prelude::*;
        prop_oneof![
            "[a-z][a-z ]{0,8}",
            prop::sample::select(vec![
                "1",
                "-7",
                "1.50",
                "1e3",
                "0x1F",
                "0o17",
                "+5",
                "007",
                ".inf",
                "-.inf",
                ".nan",
                "true",
                "False",
                "TRUE",
                "~",
                "null",
                "",
                "\"\"",
                "'1.5'",
                "\"true\"",
                "2024-04-01",
                "2024-03-14T09:02:00Z",
                "a: b",
                "[x]",
                "[1, two]",
                "{a: 1}",
                "!t x",
                "!t ~",
                "&a x",
                "*a",
                "|\n    lit",
                ">\n    fold",
            ])
            .prop_map(String::from),
        ]
    }

    proptest::proptest! {
        #[test]
        fn any_front_matter_reads_as_the_exact_tree_with_text_as_written(
            entries in proptest::collection::vec(
                (
                    proptest::sample::select(vec![
                        "title", "severity", "tags", "timeline", "action_items", "questions", "started", "owner",
                        "related", "titel", "1", "!t title", "x y", "true", "~", "1.5", "-x", ".5", "NULL", "'1'",
                        "\"title\"", "jira",
                    ]),
                    scalar(),
                    proptest::collection::vec(scalar(), 0..3),
                    0..4u8,
                ),
                0..8,
            )
        ) {
            let mut yaml = String::new();
            for (key, value, more, form) in &entries {
                match form {
                    0 => yaml.push_str(&format!("{key}: {value}\n")),
                    1 => {
                        yaml.push_str(&format!("{key}:\n"));
                        for v in std::iter::once(value).chain(more) {
                            yaml.push_str(&format!("  - {v}\n"));
                        }
                    }
                    2 => {
                        yaml.push_str(&format!("{key}:\n"));
                        for (k, v) in ["started", "owner", "zz"].iter().zip(std::iter::once(value).chain(more)) {
                            yaml.push_str(&format!("  {k}: {v}\n"));
                        }
                    }
                    _ => {
                        yaml.push_str(&format!("{key}:\n  - title: {value}\n"));
                        for v in more {
                            yaml.push_str(&format!("    owner: {v}\n"));
                        }
                    }
                }
            }
            match (read(&yaml), exact(&yaml)) {
                (Ok(f), Ok(e)) => proptest::prop_assert!(agrees(&f, &e), "{yaml:?}\n{f:?}\n{e:?}"),
                (Err(f), Err(e)) => proptest::prop_assert_eq!(f.to_string(), e),
                (f, e) => proptest::prop_assert!(false, "{yaml:?}: {f:?} vs {e:?}"),
            }
        }
    }

    #[test]
    fn every_place_a_tag_can_start_is_seen() {
        for yaml in ["!t title: x", "title: !t x", "- !t x", "[!t x]", "{a: 1,!t b: 2}", "a:\t!t x", "a:\n!t b"] {
            assert!(may_have_tags(yaml), "{yaml:?}");
        }
        for yaml in ["title: It broke!", "summary: \"yes!\"", "a: b!c", "no bang"] {
            assert!(!may_have_tags(yaml), "{yaml:?}");
        }
    }

    #[test]
    fn keys_other_than_field_names_are_read_as_any_value() {
        for yaml in ["1: x\ntitle: 1.50\n", "~: x\n", "true: x\n", "-1: x\n", ".5: x\n", "'1': x\n", "\"\": x\n"] {
            assert!(fields(yaml).is_err(), "{yaml:?} has a key that may not be text");
            assert_eq!(read(yaml).map_err(|e| e.to_string()).map(|n| agrees(&n, &exact(yaml).unwrap())), Ok(true));
        }
        // a team's own keys are text keys, read in one pass
        let Node::Mapping(m) = fields("jira: PAY-1\ntitle: 1.50\ncustomer-impact: 2\n").unwrap() else { panic!() };
        assert!(matches!(m.keys().next(), Some(Key::Other(Node::String(k))) if k == "jira"));
        assert_eq!(m.get("title"), Some(&Node::String("1.50".into())));
        assert!(matches!(m.get("customer-impact"), Some(Node::Number(_))), "an unknown key's value is read exactly");
        // a tagged key is never taken for the field it names
        for yaml in ["!t title: x\n", "title: x\n!t title: y\n", "{!t title: x}\n"] {
            assert!(may_have_tags(yaml));
            assert_eq!(read(yaml).map_err(|e| e.to_string()), exact(yaml), "{yaml:?}");
        }
        let Node::Mapping(m) = read("1: x\ntitle: 1.50\n").unwrap() else { panic!() };
        assert_eq!(m.get("title"), Some(&Node::String("1.50".into())), "text as written there too");
        assert!(matches!(m.keys().next(), Some(Key::Other(Node::Number(_)))));
    }

    #[test]
    fn keys_unknown_at_their_level_and_fields_of_another_shape_are_read_exactly() {
        for yaml in [
            "titel: x\n",
            "1: one\n",
            "true: x\n",
            "~: x\n",
            "? [a]\n: b\n",
            "!t title: x\n",
            "title: [a, b]\n",
            "title: {a: 1}\n",
            "tags: web\n",
            "tags: [a, [b]]\n",
            "timeline: 5\n",
            "action_items: [1, {kind: x}, {x: 1}]\n",
            "action_items: {kind: x}\n",
            "timeline: {tags: web, started: x}\n",
            "timeline: {started: [1]}\n",
            "questions: [a]\n",
            "!root {title: x}\n",
            "title: !!null x\n",
            "title: a\ntitle: b\n",
            "title: a\n!t title: b\n",
            "title: [unclosed\n",
            "- a\n",
            "just text",
            "",
        ] {
            let exact = exact(yaml);
            assert_eq!(read(yaml).map_err(|e| e.to_string()), exact, "{yaml:?}");
        }
    }

    #[test]
    fn field_name_keys_written_twice_are_found_as_other_keys_are() {
        // past the linear search, through the hash index, and beside equal
        // text that is not a field name
        let mut yaml: String = (0..20).map(|i| format!("k{i}: {i}\n")).collect();
        yaml.push_str("title: a\nsummary: b\n");
        assert!(parse(&yaml).is_ok());
        for again in ["title: c\n", "\"title\": c\n", "'summary': c\n"] {
            let twice = format!("{yaml}{again}");
            assert_eq!(parse(&twice).unwrap_err(), value(&twice).unwrap_err(), "{again}");
        }
        assert_eq!(parse("title: a\ntitle: b\n").unwrap_err(), value("title: a\ntitle: b\n").unwrap_err());
        // a tagged key is another key, as in serde_yaml
        assert!(parse("title: a\n!t title: b\n").is_ok() && value("title: a\n!t title: b\n").is_ok());
        // mappings as keys compare their field-name keys in any order
        let keys = "? {title: 1, id: 2}\n: x\n? {id: 2, title: 1}\n: y\n";
        assert_eq!(parse(keys).unwrap_err(), value(keys).unwrap_err());
    }

    #[test]
    fn a_field_name_key_equals_and_hashes_as_the_same_text_key() {
        let field = Key::Field("title");
        let text = Key::Other(Node::String("title".into()));
        assert_eq!(field, text);
        assert_eq!(hash_of(&field), hash_of(&text));
        assert_ne!(field, Key::Other(Node::String("titles".into())));
        assert_ne!(field, Key::Field("area"));
    }

    #[test]
    fn text_keys_are_looked_up_and_other_keys_are_not_text() {
        let Node::Mapping(m) = parse("title: x\n1: one\n\"2\": two\n").unwrap() else { panic!() };
        assert!(matches!(m.get("title"), Some(Node::String(s)) if s == "x"));
        assert!(m.get("1").is_none(), "a number key is not the text key \"1\"");
        assert!(matches!(m.get("2"), Some(Node::String(s)) if s == "two"));
        assert!(m.contains_key("title") && !m.contains_key("missing"));
        assert_eq!(m.len(), 3);
        let mut m = m;
        assert!(matches!(m.take("title"), Some(Node::String(s)) if s == "x"));
        assert!(matches!(m.get("title"), Some(Node::Null)), "taking leaves the key with null");
        assert!(m.take("missing").is_none());
    }
}
