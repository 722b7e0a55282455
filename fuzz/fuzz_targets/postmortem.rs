//! Any bytes as a postmortem file: decoding, front matter, YAML, fields,
//! rules and completeness must return diagnostics, never panic or hang.
#![no_main]

use libfuzzer_sys::fuzz_target;
use retro::config::Config;
use std::path::Path;

fuzz_target!(|data: &[u8]| {
    let cfg = Config::defaults(Path::new("/site"));
    let Ok(src) = retro::internals::decode("content/fuzz.md", data.to_vec()) else { return };
    let result = retro::internals::check_file(&src, &cfg);
    for d in &result.diags {
        assert!(d.line >= 1 && d.column >= 1);
        // every diagnostic can be shown with its source line
        let _ = retro::diagnostic::render_human(std::slice::from_ref(d), &|_| Some(src.text.as_str()), false);
    }
    if let Some(c) = result.checked.filter(|_| !result.has_errors) {
        let (pms, reports) = (vec![c.pm], vec![c.report]);
        let today = chrono::NaiveDate::from_ymd_opt(2026, 1, 1).unwrap();
        let m = retro::internals::compute(&pms, &cfg, today);
        let mut files = Vec::new();
        let _ = retro::internals::exports(&pms, &reports, &m, &cfg, &mut |f| {
            files.push(f);
            Ok(())
        });
    }
});
