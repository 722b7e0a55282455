//! Turning file text into the content model: front matter, fields, positions.

mod fields;
mod frontmatter;
mod locate;
mod node;
mod read;

#[cfg(test)]
pub(crate) use fields::{parse_day, parse_stamp};
pub(crate) use fields::{parse_postmortem, path_name, type_name, Ctx};
pub use frontmatter::{split, FrontMatter};
pub(crate) use locate::{Locator, Seg};
pub(crate) use node::Node;
pub(crate) use read::read;
