//! The front matter as a tree of YAML values (read by [`super::read`]).
//!
//! The same shape and rules as `serde_yaml::Value` (including the error for
//! a key written twice), but a mapping is a list of pairs: a front matter
//! has a few dozen keys, and hashing every one of them to build a map, then
//! again to look fields up, cost more than reading the YAML around them.

use crate::schema::field_name;
use std::collections::HashMap;
use std::hash::{DefaultHasher, Hash, Hasher};

/// One YAML value.
#[derive(Clone, Debug, Default)]
pub(crate) enum Node {
    #[default]
    Null,
    Bool(bool),
    Number(serde_yaml::Number),
    String(String),
    Sequence(Vec<Node>),
    Mapping(Mapping),
    Tagged(Box<Tagged>),
}

/// A value written with a tag: `!something value`.
#[derive(Clone, Debug)]
pub(crate) struct Tagged {
    pub(crate) tag: String,
    pub(crate) value: Node,
}

/// A YAML mapping in the order it was written. Keys are unique.
#[derive(Clone, Debug, Default)]
pub(crate) struct Mapping {
    pub(super) entries: Vec<(Key, Node)>,
}

/// A mapping's key. The usual one, a field name retro knows, is kept as
/// that name: no copy of its text per key and file.
#[derive(Clone, Debug)]
pub(crate) enum Key {
    /// Text that is one of retro's field names ([`field_name`]).
    Field(&'static str),
    /// Any other key: other text, a number, a list, a tagged value…
    Other(Node),
}

impl Key {
    pub(super) fn new(text: &str) -> Key {
        match field_name(text) {
            Some(name) => Key::Field(name),
            None => Key::Other(Node::String(text.to_owned())),
        }
    }

    /// The key's text, when it is text (untagged).
    pub(crate) fn text(&self) -> Option<&str> {
        match self {
            Key::Field(s) => Some(s),
            Key::Other(Node::String(s)) => Some(s),
            Key::Other(_) => None,
        }
    }
}

impl PartialEq for Key {
    fn eq(&self, other: &Key) -> bool {
        match (self, other) {
            (Key::Other(a), Key::Other(b)) => a == b,
            (a, b) => a.text().is_some() && a.text() == b.text(),
        }
    }
}

impl Eq for Key {}

/// The same hash as the text key as a [`Node::String`].
impl Hash for Key {
    fn hash<H: Hasher>(&self, state: &mut H) {
        match self {
            Key::Field(s) => {
                std::mem::discriminant(&Node::String(String::new())).hash(state);
                s.hash(state);
            }
            Key::Other(n) => n.hash(state),
        }
    }
}

impl Mapping {
    /// The value of the text key `key`.
    pub(crate) fn get(&self, key: &str) -> Option<&Node> {
        self.entries.iter().find(|(k, _)| k.text() == Some(key)).map(|(_, v)| v)
    }

    /// Takes the value of the text key `key` out of the mapping, leaving
    /// null in its place (the key stays).
    pub(crate) fn take(&mut self, key: &str) -> Option<Node> {
        self.entries.iter_mut().find(|(k, _)| k.text() == Some(key)).map(|(_, v)| std::mem::take(v))
    }

    pub(crate) fn contains_key(&self, key: &str) -> bool {
        self.get(key).is_some()
    }

    pub(crate) fn keys(&self) -> impl Iterator<Item = &Key> {
        self.entries.iter().map(|(k, _)| k)
    }

    pub(crate) fn len(&self) -> usize {
        self.entries.len()
    }

    /// The entry whose key equals `key`, for the duplicate-key check.
    pub(super) fn position(&self, key: &Key, index: Option<&HashMap<u64, Vec<usize>>>) -> Option<usize> {
        match index {
            Some(index) => index.get(&hash_of(key))?.iter().copied().find(|&i| self.entries[i].0 == *key),
            None => self.entries.iter().position(|(k, _)| k == key),
        }
    }
}

/// Above this many keys, keys written twice are found with a hash index
/// instead of by comparing each new key with all the others.
pub(super) const LINEAR_KEYS: usize = 16;

pub(super) fn hash_of(n: &Key) -> u64 {
    let mut h = DefaultHasher::new();
    n.hash(&mut h);
    h.finish()
}

/// Equality as serde_yaml defines it: mappings regardless of order, tags
/// with or without their `!`.
impl PartialEq for Node {
    fn eq(&self, other: &Node) -> bool {
        match (self, other) {
            (Node::Null, Node::Null) => true,
            (Node::Bool(a), Node::Bool(b)) => a == b,
            (Node::Number(a), Node::Number(b)) => a == b,
            (Node::String(a), Node::String(b)) => a == b,
            (Node::Sequence(a), Node::Sequence(b)) => a == b,
            (Node::Mapping(a), Node::Mapping(b)) => {
                a.len() == b.len()
                    && a.entries.iter().all(|(k, v)| b.position(k, None).is_some_and(|i| b.entries[i].1 == *v))
            }
            (Node::Tagged(a), Node::Tagged(b)) => nobang(&a.tag) == nobang(&b.tag) && a.value == b.value,
            _ => false,
        }
    }
}

impl Eq for Node {}

/// Consistent with [`PartialEq`]: a mapping hashes its pairs in any order.
impl Hash for Node {
    fn hash<H: Hasher>(&self, state: &mut H) {
        std::mem::discriminant(self).hash(state);
        match self {
            Node::Null => {}
            Node::Bool(b) => b.hash(state),
            Node::Number(n) => n.hash(state),
            Node::String(s) => s.hash(state),
            Node::Sequence(items) => items.hash(state),
            Node::Mapping(m) => {
                let mut xor = 0;
                for (k, v) in &m.entries {
                    let mut h = DefaultHasher::new();
                    k.hash(&mut h);
                    v.hash(&mut h);
                    xor ^= h.finish();
                }
                xor.hash(state);
            }
            Node::Tagged(t) => {
                nobang(&t.tag).hash(state);
                t.value.hash(state);
            }
        }
    }
}

fn nobang(tag: &str) -> &str {
    tag.strip_prefix('!').filter(|t| !t.is_empty()).unwrap_or(tag)
}

/// serde_yaml's words for a key written twice.
pub(super) fn duplicate_key(key: &Key) -> String {
    let key = match key {
        Key::Field(s) => return format!("duplicate entry with key {s:?}"),
        Key::Other(n) => n,
    };
    match key {
        Node::Null => "duplicate entry with null key".to_string(),
        Node::Bool(b) => format!("duplicate entry with key `{b}`"),
        Node::Number(n) => format!("duplicate entry with key {n}"),
        Node::String(s) => format!("duplicate entry with key {s:?}"),
        Node::Sequence(_) | Node::Mapping(_) | Node::Tagged(_) => "duplicate entry in YAML map".to_string(),
    }
}
