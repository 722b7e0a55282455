//! Search: the index the search box reads (index.rs, from the words of
//! words.rs), and the compact list of every postmortem for scripts
//! (list.rs, `search-index.json`).

pub(crate) mod index;
pub(crate) mod list;
mod words;
