//! Turning file text into the content model: front matter, fields, positions.

mod fields;
mod frontmatter;
mod locate;
mod node;

pub use fields::{parse_postmortem, path_name, type_name, Ctx};
pub use frontmatter::{split, FrontMatter};
pub use locate::{Loc, Locator, Seg};
pub use node::{read, Mapping, Node};
