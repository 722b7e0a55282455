//! The `retro` command: the library's command line, run.

use std::process::ExitCode;

// Building a site allocates many small strings (template values, escaped
// text); mimalloc makes a 10,000-postmortem build markedly cheaper than
// glibc's allocator (docs/performance.md).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    retro::cli::run()
}
