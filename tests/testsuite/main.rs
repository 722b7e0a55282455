//! retro's integration tests, one binary: each module runs the real
//! `retro` binary (or the library's public API) on fixture sites in
//! tests/fixtures/, one folder per case, with the helpers of `common`.

mod browser;
mod build;
mod charts;
mod check;
mod ci_recipes;
mod common;
mod factors;
mod hostile;
mod incremental;
mod lsp;
mod metrics_props;
mod output_safety;
mod scaffold;
mod schema;
mod search;
mod serve;
mod similar;
mod site;
mod tracker;
mod yaml_suite;
