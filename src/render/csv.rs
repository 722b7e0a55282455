//! CSV downloads beside the JSON exports, for spreadsheets (RFC 4180).

use super::{Emit, OutputFile};
use crate::config::Config;
use crate::metrics::Metrics;
use crate::model::{Postmortem, Report};
use crate::routes::{Export, Route};

/// One CSV field: quoted when it holds a comma or a semicolon (the
/// separator of spreadsheets in many locales), a quote or a line break; a
/// leading `=`, `+`, `-`, `@`, tab or CR, after any spaces, is prefixed
/// with `'` so that a spreadsheet shows it as text instead of running it
/// as a formula.
#[cfg(test)]
fn field(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    push_field(&mut out, s);
    out
}

/// A CSV field (see `field` in the tests), written at the end of `out`.
fn push_field(out: &mut String, s: &str) {
    let formula = s.trim_start_matches(' ').starts_with(['=', '+', '-', '@', '\t', '\r']) && s.parse::<f64>().is_err();
    let quoted = s.contains([',', ';', '"', '\n', '\r']);
    if quoted {
        out.push('"');
    }
    if formula {
        out.push('\'');
    }
    if quoted {
        for (i, part) in s.split('"').enumerate() {
            if i > 0 {
                out.push_str("\"\"");
            }
            out.push_str(part);
        }
        out.push('"');
    } else {
        out.push_str(s);
    }
}

fn row<S: AsRef<str>>(out: &mut String, fields: &[S]) {
    for (i, f) in fields.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        push_field(out, f.as_ref());
    }
    out.push_str("\r\n");
}

fn num(x: Option<f64>) -> String {
    x.map_or(String::new(), |v| v.to_string())
}

/// New columns go last, so that a spreadsheet's formulas keep their cells.
const PM_HEADER: [&str; 21] = [
    "id",
    "title",
    "severity",
    "status",
    "area",
    "tags",
    "authors",
    "quarter",
    "url",
    "started",
    "detected",
    "acknowledged",
    "mitigated",
    "resolved",
    "ttd_minutes",
    "tta_minutes",
    "ttm_minutes",
    "ttr_minutes",
    "completeness_score",
    "kind",
    "contributing_factors",
];

const ITEM_HEADER: [&str; 12] = [
    "postmortem",
    "id",
    "title",
    "kind",
    "owner",
    "due",
    "status",
    "closed",
    "link",
    "overdue",
    "age_days",
    "days_overdue",
];

/// Postmortem `i`'s line of `api/postmortems.csv`.
fn pm_line(out: &mut String, pms: &[Postmortem], reports: &[Report], m: &Metrics, cfg: &Config, i: usize) {
    let pm = &pms[i];
    let t = &pm.timeline;
    let raw = |s: &Option<crate::model::Stamp>| s.as_ref().map_or(String::new(), |s| s.raw.clone());
    let d = &m.durations[i];
    row(
        out,
        &[
            pm.id.clone(),
            pm.title.clone().unwrap_or_default(),
            pm.severity.clone().unwrap_or_default(),
            pm.status.as_str().into(),
            pm.area.clone().unwrap_or_default(),
            pm.tags.join("; "),
            pm.authors.join("; "),
            m.quarter_of[i].map_or(String::new(), |q| q.to_string()),
            cfg.url(&Route::Postmortem(pm.id.clone()).link()),
            raw(&t.started),
            raw(&t.detected),
            raw(&t.acknowledged),
            raw(&t.mitigated),
            raw(&t.resolved),
            num(d.ttd),
            num(d.tta),
            num(d.ttm),
            num(d.ttr),
            reports[i].score.to_string(),
            pm.kind.as_str().into(),
            pm.contributing_factors.join("; "),
        ],
    );
}

/// The lines of postmortem `i`'s action items in `api/action-items.csv`.
fn item_lines(out: &mut String, pms: &[Postmortem], m: &Metrics, i: usize) {
    let pm = &pms[i];
    for (it, s) in pm.action_items.iter().zip(&m.items[i]) {
        row(
            out,
            &[
                pm.id.clone(),
                it.id.clone(),
                it.title.clone().unwrap_or_default(),
                it.kind.map_or(String::new(), |k| k.as_str().into()),
                it.owner.clone().unwrap_or_default(),
                it.due.as_ref().map_or(String::new(), |d| d.raw.clone()),
                it.status.as_str().into(),
                it.closed.as_ref().map_or(String::new(), |d| d.raw.clone()),
                it.link.clone().unwrap_or_default(),
                s.overdue.to_string(),
                s.age_days.map_or(String::new(), |x| x.to_string()),
                s.days_overdue.map_or(String::new(), |x| x.to_string()),
            ],
        );
    }
}

/// `api/postmortems.csv` and `api/action-items.csv`, each handed to `emit`
/// as soon as it is made, so that only one is in memory at a time.
pub(crate) fn exports(
    pms: &[Postmortem],
    reports: &[Report],
    m: &Metrics,
    cfg: &Config,
    emit: Emit,
) -> std::io::Result<()> {
    let pm_lines = (0..pms.len()).map(|i| {
        let mut line = String::new();
        pm_line(&mut line, pms, reports, m, cfg, i);
        line
    });
    let item_lines = (0..pms.len()).map(|i| {
        let mut lines = String::new();
        item_lines(&mut lines, pms, m, i);
        lines
    });
    files(pms, pm_lines, item_lines, emit)
}

/// Postmortem `i`'s line of `api/postmortems.csv` and its items' lines of
/// `api/action-items.csv`, for [`from_parts`].
pub(crate) fn parts(pms: &[Postmortem], reports: &[Report], m: &Metrics, cfg: &Config, i: usize) -> (String, String) {
    let (mut line, mut lines) = (String::new(), String::new());
    pm_line(&mut line, pms, reports, m, cfg, i);
    item_lines(&mut lines, pms, m, i);
    (line, lines)
}

/// The same files as [`exports`], byte for byte, from every postmortem's
/// [`parts`].
pub(crate) fn from_parts<'p>(
    pms: &[Postmortem],
    parts: impl Iterator<Item = (&'p str, &'p str)> + Clone,
    emit: Emit,
) -> std::io::Result<()> {
    files(pms, parts.clone().map(|x| x.0), parts.map(|x| x.1), emit)
}

/// Both files: a header, then the lines in order; the first is handed on
/// before the second is made.
fn files(
    pms: &[Postmortem],
    pm_lines: impl Iterator<Item = impl AsRef<str>>,
    item_lines: impl Iterator<Item = impl AsRef<str>>,
    emit: Emit,
) -> std::io::Result<()> {
    // about 300 bytes per postmortem and 180 per action item
    let mut p = String::with_capacity(pms.len() * 320);
    row(&mut p, &PM_HEADER);
    pm_lines.for_each(|l| p.push_str(l.as_ref()));
    emit(OutputFile { path: Route::Export(Export::PostmortemsCsv).path(), bytes: p.into_bytes() })?;
    let n_items: usize = pms.iter().map(|p| p.action_items.len()).sum();
    let mut a = String::with_capacity(n_items * 200);
    row(&mut a, &ITEM_HEADER);
    item_lines.for_each(|l| a.push_str(l.as_ref()));
    emit(OutputFile { path: Route::Export(Export::ActionItemsCsv).path(), bytes: a.into_bytes() })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_are_quoted_and_formulas_defused() {
        assert_eq!(field("plain"), "plain");
        assert_eq!(field("a,b"), "\"a,b\"");
        assert_eq!(field("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(field("line\nbreak"), "\"line\nbreak\"");
        assert_eq!(field("=HYPERLINK(\"x\")"), "\"'=HYPERLINK(\"\"x\"\")\"");
        assert_eq!(field("-12.5"), "-12.5");
        assert_eq!(field("@cmd"), "'@cmd");
    }

    #[test]
    fn a_cell_with_either_separator_is_quoted_and_every_cell_guarded() {
        assert_eq!(field("a;=cmd|' /C calc'!A0"), "\"a;=cmd|' /C calc'!A0\"");
        assert_eq!(field("x;y"), "\"x;y\"");
        assert_eq!(field("  =1+1"), "'  =1+1");
        assert_eq!(field(";=1"), "\";=1\"");
        assert_eq!(field("=1;2"), "\"'=1;2\"");
        // a row of such cells splits the same on `,` and on `;`
        let mut line = String::new();
        row(&mut line, &["a;=1", "b,=2", "=3"]);
        assert_eq!(line, "\"a;=1\",\"b,=2\",'=3\r\n");
    }
}
