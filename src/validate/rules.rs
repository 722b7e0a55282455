//! Rules that make a single file's data untrustworthy when broken:
//! timeline order, and the `closed` date of action items.

use crate::diagnostic::Code;
use crate::model::{Postmortem, Stamp};
use crate::parse::{Ctx, Seg};

/// Adds an error for each broken rule to `ctx.diags`.
pub(crate) fn check(pm: &Postmortem, ctx: &mut Ctx) {
    timeline_order(pm, ctx);
    closed_dates(pm, ctx);
}

/// started ≤ detected ≤ (acknowledged ≤) mitigated ≤ resolved, compared as
/// instants whatever their offsets. Each timestamp is compared with the
/// nearest earlier one given, so one wrong value gives one error.
fn timeline_order(pm: &Postmortem, ctx: &mut Ctx) {
    let t = &pm.timeline;
    let chain: [(&str, &Option<Stamp>); 5] = [
        ("started", &t.started),
        ("detected", &t.detected),
        ("acknowledged", &t.acknowledged),
        ("mitigated", &t.mitigated),
        ("resolved", &t.resolved),
    ];
    let mut prev: Option<(&str, &Stamp)> = None;
    for (name, stamp) in chain {
        let Some(stamp) = stamp else { continue };
        if let Some((pname, p)) = prev {
            if stamp.at < p.at {
                let gap = (p.at - stamp.at).num_minutes();
                ctx.at_value(
                    Code::E012,
                    &[Seg::Key("timeline"), Seg::Key(name)],
                    format!("timeline out of order: {name} is before {pname}"),
                    format!(
                        "{name} ({}) is {} before {pname} ({}); the order is started ≤ detected ≤ acknowledged ≤ mitigated ≤ resolved — check the dates and the UTC offsets",
                        stamp.raw,
                        human_minutes(gap),
                        p.raw
                    ),
                );
                continue;
            }
        }
        prev = Some((name, stamp));
    }
}

fn human_minutes(m: i64) -> String {
    match m {
        m if m < 1 => "less than a minute".to_string(),
        m if m < 120 => format!("{m} min"),
        m if m < 48 * 60 => format!("{:.1} h", m as f64 / 60.0),
        m => format!("{:.1} days", m as f64 / 1440.0),
    }
}

/// Done and wont_do items need a `closed` date, and none may be closed
/// before the incident started (in the site's timezone).
fn closed_dates(pm: &Postmortem, ctx: &mut Ctx) {
    let start_day = crate::metrics::start_day(pm, ctx.cfg.timezone);
    for (i, item) in pm.action_items.iter().enumerate() {
        let path = |k| [Seg::Key("action_items"), Seg::Index(i), Seg::Key(k)];
        match (&item.closed, item.status.is_open()) {
            (None, false) => ctx.at_value(
                Code::E015,
                &path("status"),
                format!("action item `{}` is {} but has no `closed` date", item.id, item.status.as_str()),
                "add `closed: YYYY-MM-DD`, the day it was done or dropped",
            ),
            (Some(c), _) => {
                if let Some(start) = start_day {
                    if c.date < start {
                        ctx.at_value(
                            Code::E016,
                            &path("closed"),
                            format!(
                                "action item `{}` is closed on {} before the incident started on {start}",
                                item.id, c.raw
                            ),
                            "check the year and month of `closed`",
                        );
                    }
                }
            }
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::config::Config;
    use crate::load::SourceFile;
    use crate::validate::check_file;
    use std::path::Path;

    fn errs(yaml: &str) -> Vec<(String, usize, String)> {
        let src = SourceFile { rel: "c/x.md".into(), text: format!("---\n{yaml}---\n") };
        check_file(&src, &Config::defaults(Path::new("/s")))
            .diags
            .into_iter()
            .filter(|d| d.code.as_str().starts_with('E'))
            .map(|d| (d.code.as_str().to_string(), d.line, d.message))
            .collect()
    }

    #[test]
    fn detected_before_started_is_an_error_at_detected() {
        let e = errs("timeline:\n  started: 2024-03-14T09:02:00Z\n  detected: 2024-03-14T08:40:00Z\n");
        assert_eq!(e, [("E012".into(), 4, "timeline out of order: detected is before started".into())]);
    }

    #[test]
    fn order_compares_instants_across_offsets() {
        // 10:30+02:00 is 08:30Z: after 08:00Z, so in order.
        assert!(errs("timeline:\n  started: 2024-03-14T08:00:00Z\n  detected: 2024-03-14T10:30:00+02:00\n").is_empty());
        // 09:30+02:00 is 07:30Z: before 08:00Z.
        assert_eq!(
            errs("timeline:\n  started: 2024-03-14T08:00:00Z\n  detected: 2024-03-14T09:30:00+02:00\n").len(),
            1
        );
    }

    #[test]
    fn acknowledged_takes_part_in_the_order_when_given() {
        let e = errs("timeline:\n  started: 2024-03-14T08:00:00Z\n  detected: 2024-03-14T08:10:00Z\n  acknowledged: 2024-03-14T08:30:00Z\n  mitigated: 2024-03-14T08:20:00Z\n");
        assert_eq!(e[0].2, "timeline out of order: mitigated is before acknowledged");
        assert_eq!(e[0].1, 6);
    }

    #[test]
    fn one_wrong_timestamp_gives_one_error() {
        let e = errs("timeline:\n  started: 2024-03-14T08:00:00Z\n  detected: 2023-03-14T08:10:00Z\n  mitigated: 2024-03-14T08:20:00Z\n  resolved: 2024-03-14T09:20:00Z\n");
        assert_eq!(e.len(), 1, "{e:?}");
    }

    #[test]
    fn done_items_need_closed_and_closed_cannot_precede_the_start() {
        let e = errs("timeline:\n  started: 2024-03-14T08:00:00Z\naction_items:\n  - title: a\n    status: done\n  - title: b\n    status: wont_do\n    closed: 2024-03-13\n  - title: c\n    status: done\n    closed: 2024-03-14\n");
        assert_eq!(e.iter().map(|x| (x.0.as_str(), x.1)).collect::<Vec<_>>(), [("E015", 6), ("E016", 9)]);
    }

    #[test]
    fn closed_is_compared_with_the_start_day_in_the_site_timezone() {
        // Started 2024-03-14T23:30-05:00 = 2024-03-15T04:30Z: in UTC the start day is the 15th,
        // so an item closed on the 14th was closed before the incident.
        let e = errs("timeline:\n  started: 2024-03-14T23:30:00-05:00\naction_items:\n  - title: a\n    status: done\n    closed: 2024-03-14\n");
        assert_eq!(e.len(), 1);
    }
}
