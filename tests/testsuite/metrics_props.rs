//! Properties of the metrics that must hold for any input.

use chrono::{DateTime, Duration, NaiveDate};
use proptest::prelude::*;
use retro::config::Config;
use retro::internals::{compute, percentile, Quarter};
use retro::internals::{ActionItem, Body, Day, ItemStatus, Postmortem, Stamp, Status, Timeline};
use std::path::Path;

fn stamp(at: DateTime<chrono::FixedOffset>) -> Stamp {
    Stamp { raw: at.to_rfc3339(), at }
}

fn postmortem(i: usize, start_min: i64, ttd: i64, ttm: i64, items: &[(i64, Option<i64>)]) -> Postmortem {
    let base = DateTime::parse_from_rfc3339("2020-01-01T00:00:00+05:30").unwrap();
    let started = base + Duration::minutes(start_min);
    let start_day = started.date_naive();
    let action_items = items
        .iter()
        .enumerate()
        .map(|(k, (due, closed))| ActionItem {
            id: format!("{i}-{k}"),
            title: None,
            kind: None,
            owner: None,
            due: Some(Day { raw: String::new(), date: start_day + Duration::days(*due) }),
            status: if closed.is_some() { ItemStatus::Done } else { ItemStatus::Open },
            closed: closed.map(|c| Day { raw: String::new(), date: start_day + Duration::days(c) }),
            link: None,
        })
        .collect();
    Postmortem {
        id: format!("pm-{i}"),
        file: format!("content/{i}.md"),
        title: None,
        severity: Some(["SEV1", "SEV2", "SEV3", "SEV4"][i % 4].into()),
        status: Status::Final,
        area: Some(["a", "b", "c"][i % 3].into()),
        tags: vec![],
        authors: vec![],
        summary: None,
        impact: None,
        timeline: Timeline {
            started: Some(stamp(started)),
            detected: Some(stamp(started + Duration::minutes(ttd))),
            acknowledged: None,
            mitigated: Some(stamp(started + Duration::minutes(ttd + ttm))),
            resolved: None,
        },
        detection: None,
        trigger: None,
        five_whys: vec![],
        root_cause: None,
        questions: Default::default(),
        action_items,
        kind: retro::internals::PmKind::Incident,
        contributing_factors: vec![],
        lucky: None,
        related: vec![],
        body: Body::Memory(String::new()),
    }
}

proptest! {
    #[test]
    fn percentiles_lie_between_min_and_max_and_grow_with_p(mut xs in prop::collection::vec(-1e6f64..1e6, 1..60), p in 0f64..1.0, q in 0f64..1.0) {
        xs.sort_by(f64::total_cmp);
        let (lo, hi) = (xs[0], xs[xs.len() - 1]);
        let a = percentile(&xs, p).unwrap();
        prop_assert!(a >= lo - 1e-9 && a <= hi + 1e-9);
        let (small, big) = if p <= q { (p, q) } else { (q, p) };
        prop_assert!(percentile(&xs, small).unwrap() <= percentile(&xs, big).unwrap() + 1e-9);
        prop_assert_eq!(percentile(&xs, 0.0).unwrap(), lo);
        prop_assert_eq!(percentile(&xs, 1.0).unwrap(), hi);
    }

    #[test]
    fn every_incident_lands_in_exactly_one_quarter_and_counts_add_up(
        incidents in prop::collection::vec(
            (0i64..3_000_000, 0i64..10_000, 0i64..10_000, prop::collection::vec((-30i64..400, prop::option::of(0i64..900)), 0..5)),
            1..40,
        ),
        tz in prop::sample::select(vec!["UTC", "Europe/Berlin", "America/New_York", "Asia/Kolkata", "Pacific/Chatham"]),
    ) {
        let pms: Vec<Postmortem> = incidents.iter().enumerate().map(|(i, (s, d, m, items))| postmortem(i, *s, *d, *m, items)).collect();
        let mut cfg = Config::defaults(Path::new("/s"));
        cfg.timezone = tz.parse().unwrap();
        let today = NaiveDate::from_ymd_opt(2026, 1, 1).unwrap();
        let m = compute(&pms, &cfg, today);
        // exactly one quarter each, the one its start falls in locally
        let mut seen = vec![0; pms.len()];
        for q in &m.quarters {
            prop_assert_eq!(q.incidents, q.members.len());
            prop_assert_eq!(q.by_severity.iter().map(|x| x.1).sum::<usize>(), q.incidents);
            for &i in &q.members {
                seen[i] += 1;
                let local = pms[i].timeline.started.as_ref().unwrap().at.with_timezone(&cfg.timezone).date_naive();
                prop_assert_eq!(Quarter::of(local), q.period);
            }
        }
        prop_assert!(seen.iter().all(|&n| n == 1));
        prop_assert_eq!(m.quarters.iter().map(|q| q.incidents).sum::<usize>(), pms.len());
        // quarters run without gaps
        for w in m.quarters.windows(2) {
            prop_assert_eq!(w[0].period.next(), w[1].period);
        }
        // open at the end of a quarter never exceeds what was opened so far,
        // and opened − closed-so-far never goes below what is still open
        let mut opened = 0;
        for q in &m.quarters {
            opened += q.action_items.opened;
            prop_assert!(q.action_items.open_at_end <= opened);
            // a share only where an incident has both times, and within 0..1
            let both = q.members.iter().any(|&i| m.durations[i].ttd.is_some() && m.durations[i].ttm.is_some());
            prop_assert_eq!(q.undetected_share.is_some(), both);
            prop_assert!(q.undetected_share.is_none_or(|s| (0.0..=1.0 + 1e-12).contains(&s)));
        }
        prop_assert_eq!(opened, m.total.action_items.opened);
        prop_assert!(m.total.action_items.overdue <= m.total.action_items.open);
    }
}
