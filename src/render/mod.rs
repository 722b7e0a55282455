//! Turning the model and its metrics into output files.

pub mod api;

/// One file of the built site: its path under the output folder and bytes.
#[derive(Clone, Debug, PartialEq)]
pub struct OutputFile {
    /// `/`-separated, relative: `api/metrics.json`.
    pub path: String,
    pub bytes: Vec<u8>,
}
