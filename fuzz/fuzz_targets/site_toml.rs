//! Any text as site.toml: a Config or line-numbered diagnostics, never a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;
use std::path::Path;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    if let Err(diags) = retro::config::Config::parse(Path::new("/site"), text) {
        for d in diags {
            assert!(d.line >= 1 && d.column >= 1);
        }
    }
});
