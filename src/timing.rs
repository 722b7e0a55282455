//! Named build phases, timed. `RETRO_TIMINGS=1` prints each phase's wall
//! time on stderr, and on Linux the process's peak memory so far, so a
//! profile of a build is one variable away.

use std::time::Instant;

/// Whether `RETRO_TIMINGS` asks for timings.
fn enabled() -> bool {
    std::env::var_os("RETRO_TIMINGS").is_some_and(|v| !v.is_empty() && v != "0")
}

pub(crate) struct Phases {
    on: bool,
    last: Instant,
}

impl Phases {
    pub(crate) fn start() -> Phases {
        Phases { on: enabled(), last: Instant::now() }
    }

    /// Ends the current phase, naming it.
    pub(crate) fn done(&mut self, name: &str) {
        if self.on {
            eprintln!("timing: {name:<10} {:>8.1} ms{}", self.last.elapsed().as_secs_f64() * 1000.0, peak_memory());
        }
        self.last = Instant::now();
    }
}

/// Runs `f`; with `RETRO_TIMINGS` set, prints its wall time under `name`
/// and the process's peak memory so far (for work that runs beside other
/// work, such as one group of pages).
pub(crate) fn timed<T>(name: &str, f: impl FnOnce() -> T) -> T {
    if !enabled() {
        return f();
    }
    let start = Instant::now();
    let out = f();
    eprintln!("timing:   {name:<16} {:>8.1} ms{}", start.elapsed().as_secs_f64() * 1000.0, peak_memory());
    out
}

/// `, peak N MB` from /proc/self/status where there is one.
fn peak_memory() -> String {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let kb = status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<u64>().ok());
    kb.map_or(String::new(), |kb| format!(", peak {} MB", kb / 1024))
}
