//! The ticks and labels of chart axes: which quarters are labelled so that
//! no two labels overlap, whole numbers for counts, round percentages, and
//! human durations on a logarithmic scale.

use std::ops::Range;

/// The font size of every chart text, in SVG user units (the page's font).
pub(crate) const FONT: f64 = 14.0;
/// The space kept between two neighbouring labels.
const GAP: f64 = 10.0;

/// The width a label takes: characters times a generous average advance of
/// sans-serif text (digits are about 0.55 em, capitals up to 0.7 em).
pub(crate) fn text_width(text: &str, size: f64) -> f64 {
    text.chars().count() as f64 * size * 0.62
}

/// One axis: its range and the labelled positions on it.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Axis {
    pub(crate) range: Range<f64>,
    pub(crate) ticks: Vec<(f64, String)>,
}

impl Axis {
    /// The label at a tick position; nothing elsewhere.
    pub(crate) fn label(&self, v: f64) -> String {
        self.ticks.iter().find(|(t, _)| (t - v).abs() < 1e-9).map(|(_, l)| l.clone()).unwrap_or_default()
    }

    pub(crate) fn points(&self) -> Vec<f64> {
        self.ticks.iter().map(|(t, _)| *t).collect()
    }
}

/// "2024-Q3" as (2024, 3).
fn quarter_of(label: &str) -> Option<(i32, u32)> {
    let (y, q) = label.split_once("-Q")?;
    Some((y.parse().ok()?, q.parse().ok().filter(|q| (1..=4).contains(q))?))
}

/// Categories along x, one per label, on a plot `width` units wide. Every
/// label is shown when they all fit; otherwise quarters are labelled by
/// their year at each first quarter (every year, or every 2nd, 5th, 10th
/// year), and other labels every k-th counting back from the newest, so
/// that no two labels ever overlap.
pub(crate) fn categories(labels: &[String], width: f64) -> Axis {
    let n = labels.len();
    let range = -0.5..(n.max(1) as f64 - 0.5);
    let per = width / n.max(1) as f64;
    let widest = labels.iter().map(|l| text_width(l, FONT)).fold(0.0, f64::max);
    let tick = |i: usize, l: String| (i as f64, l);
    if widest + GAP <= per {
        return Axis { range, ticks: labels.iter().enumerate().map(|(i, l)| tick(i, l.clone())).collect() };
    }
    let quarters: Option<Vec<(i32, u32)>> = labels.iter().map(|l| quarter_of(l)).collect();
    if let Some(quarters) = quarters {
        let need = text_width("0000", FONT) + GAP;
        let every = [1, 2, 5, 10, 20, 50, 100].into_iter().find(|k| per * 4.0 * f64::from(*k) >= need).unwrap_or(100);
        let ticks: Vec<(f64, String)> = quarters
            .iter()
            .enumerate()
            .filter(|(_, (y, q))| *q == 1 && y.rem_euclid(every) == 0)
            .map(|(i, (y, _))| tick(i, y.to_string()))
            .collect();
        if !ticks.is_empty() {
            return Axis { range, ticks };
        }
    }
    let step = ((widest + GAP) / per).ceil().max(1.0) as usize;
    let ticks =
        labels.iter().enumerate().filter(|(i, _)| (n - 1 - i).is_multiple_of(step)).map(|(i, l)| tick(i, l.clone()));
    Axis { range, ticks: ticks.collect() }
}

/// A count axis from 0: whole-number labels only (0, 1, 2 for a maximum of
/// 2), at most six, in steps of 1, 2 or 5 times a power of ten. A little
/// room above the top label keeps the highest mark whole.
pub(crate) fn counts(max: f64) -> Axis {
    let max = if max.is_finite() { max.max(1.0) } else { 1.0 };
    let step = nice_step(max, 5.0).max(1.0);
    let top = (max / step).ceil() * step;
    let ticks = (0..=(top / step).round() as i64).map(|k| (k as f64 * step, format!("{:.0}", k as f64 * step)));
    Axis { range: 0.0..top * 1.04, ticks: ticks.collect() }
}

/// A share axis from 0 %: up to 100 % (or past it, when a value is), in
/// steps of 20 %.
pub(crate) fn shares(max: f64) -> Axis {
    let top = if max.is_finite() && max > 1.0 { (max * 5.0).ceil() / 5.0 } else { 1.0 };
    let ticks = (0..=(top * 5.0).round() as i64).map(|k| (k as f64 * 0.2, format!("{}%", k * 20)));
    Axis { range: 0.0..top * 1.04, ticks: ticks.collect() }
}

/// 1, 2 or 5 times a power of ten: the smallest such step that covers
/// `span` in at most `parts` steps.
fn nice_step(span: f64, parts: f64) -> f64 {
    let raw = span / parts;
    let mag = 10f64.powf(raw.log10().floor());
    [1.0, 2.0, 5.0, 10.0].into_iter().map(|m| m * mag).find(|s| *s >= raw).unwrap_or(10.0 * mag)
}

/// Round durations a reader knows, in minutes.
const HUMAN: [(f64, &str); 9] = [
    (1.0, "1 min"),
    (10.0, "10 min"),
    (60.0, "1 h"),
    (360.0, "6 h"),
    (1440.0, "1 d"),
    (10_080.0, "1 w"),
    (43_200.0, "30 d"),
    (129_600.0, "90 d"),
    (525_600.0, "1 y"),
];

/// A duration axis on a log scale (durations are heavy-tailed): positions
/// are log10(minutes), labelled at human durations (1 min, 10 min, 1 h,
/// 6 h, 1 d, 1 w, …) and fitted to the data. A zero duration has no place
/// on a log scale: when there is one, the axis gets a band of its own
/// below the lowest duration, labelled "0 min".
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Durations {
    pub(crate) axis: Axis,
    /// Where zero is drawn, when a value is zero.
    pub(crate) zero: Option<f64>,
    /// Where the band of zeros ends (a dashed line), when there is one.
    pub(crate) zero_edge: Option<f64>,
}

impl Durations {
    pub(crate) fn fit(values: impl Iterator<Item = f64>) -> Durations {
        let (mut lo, mut hi, mut zero) = (f64::INFINITY, 0.0f64, false);
        for v in values.filter(|v| v.is_finite()) {
            if v <= 0.0 {
                zero = true;
            } else {
                lo = lo.min(v);
                hi = hi.max(v);
            }
        }
        if !lo.is_finite() {
            (lo, hi) = (10.0, 60.0);
        }
        // the human durations around the data: the largest at or below
        // the smallest value, the smallest at or above the largest one
        let bottom = HUMAN.iter().rev().map(|h| h.0).find(|h| *h <= lo).unwrap_or(lo);
        let top = HUMAN.iter().map(|h| h.0).find(|h| *h >= hi).unwrap_or(hi);
        let top =
            if top <= bottom { HUMAN.iter().map(|h| h.0).find(|h| *h > bottom).unwrap_or(bottom * 10.0) } else { top };
        let (b, t) = (bottom.log10(), top.log10());
        let mut ticks: Vec<(f64, String)> =
            HUMAN.iter().filter(|(m, _)| *m >= bottom && *m <= top).map(|(m, l)| (m.log10(), l.to_string())).collect();
        let pad = (t - b) * 0.03;
        let (zero_at, edge, start) = if zero {
            let z = b - 0.5;
            ticks.insert(0, (z, "0 min".to_string()));
            (Some(z), Some(b - 0.25), z - 0.2)
        } else {
            (None, None, b - pad)
        };
        Durations { axis: Axis { range: start..t + pad, ticks }, zero: zero_at, zero_edge: edge }
    }

    /// Where a duration is drawn.
    pub(crate) fn at(&self, minutes: f64) -> f64 {
        match self.zero {
            Some(z) if minutes <= 0.0 => z,
            _ => minutes.max(1e-3).log10(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn quarters(from: i32, n: usize) -> Vec<String> {
        (0..n).map(|i| format!("{}-Q{}", from + (i / 4) as i32, i % 4 + 1)).collect()
    }

    /// Labels never overlap: centres at least the half-widths apart.
    fn no_overlap(axis: &Axis, n: usize, width: f64) -> bool {
        let per = width / n as f64;
        axis.ticks.windows(2).all(|w| {
            let gap = (w[1].0 - w[0].0) * per;
            gap >= (text_width(&w[0].1, FONT) + text_width(&w[1].1, FONT)) / 2.0
        })
    }

    #[test]
    fn every_quarter_is_labelled_while_they_fit() {
        let a = categories(&quarters(2024, 8), 800.0);
        assert_eq!(a.ticks.len(), 8);
        assert_eq!(a.label(0.0), "2024-Q1");
        assert_eq!(a.label(0.5), "");
    }

    #[test]
    fn many_quarters_are_labelled_by_year_without_overlap() {
        for n in [13, 22, 40, 80, 200, 400] {
            let labels = quarters(2016, n);
            let a = categories(&labels, 800.0);
            assert!(no_overlap(&a, n, 800.0), "{n} quarters: {:?}", a.ticks);
            assert!(a.ticks.iter().all(|(_, l)| l.len() == 4), "years only: {:?}", a.ticks);
            assert!(a.ticks.len() >= 3, "{n} quarters: {:?}", a.ticks);
        }
        // 40 quarters from 2016: each year's first quarter
        let a = categories(&quarters(2016, 40), 800.0);
        assert_eq!(a.ticks.first(), Some(&(0.0, "2016".to_string())));
        assert_eq!(a.ticks.len(), 10);
    }

    #[test]
    fn other_labels_are_thinned_from_the_newest() {
        let labels: Vec<String> = (0..30).map(|i| format!("label number {i}")).collect();
        let a = categories(&labels, 800.0);
        assert!(no_overlap(&a, 30, 800.0), "{:?}", a.ticks);
        assert_eq!(a.ticks.last().map(|t| t.1.as_str()), Some("label number 29"));
    }

    #[test]
    fn count_axes_have_whole_numbers_only() {
        let labels = |a: Axis| a.ticks.into_iter().map(|t| t.1).collect::<Vec<_>>();
        assert_eq!(labels(counts(0.0)), ["0", "1"]);
        assert_eq!(labels(counts(1.0)), ["0", "1"]);
        assert_eq!(labels(counts(2.0)), ["0", "1", "2"]);
        assert_eq!(labels(counts(5.0)), ["0", "1", "2", "3", "4", "5"]);
        assert_eq!(labels(counts(7.0)), ["0", "2", "4", "6", "8"]);
        assert_eq!(labels(counts(37.0)), ["0", "10", "20", "30", "40"]);
        assert_eq!(labels(counts(480.0)), ["0", "100", "200", "300", "400", "500"]);
        assert!(counts(2.0).range.end > 2.0, "room above the top");
    }

    #[test]
    fn share_axes_run_to_100_percent_or_past_it() {
        let a = shares(0.4);
        assert_eq!(a.ticks.last().unwrap().1, "100%");
        assert_eq!(a.ticks.len(), 6);
        assert_eq!(shares(1.3).ticks.last().unwrap().1, "140%");
    }

    #[test]
    fn duration_axes_use_human_ticks_fitted_to_the_data() {
        let names = |d: &Durations| d.axis.ticks.iter().map(|t| t.1.clone()).collect::<Vec<_>>();
        let d = Durations::fit([5.0, 47.0, 190.0].into_iter());
        assert_eq!(names(&d), ["1 min", "10 min", "1 h", "6 h"]);
        assert_eq!(d.zero, None);
        let d = Durations::fit([0.0, 12.0, 3000.0].into_iter());
        assert_eq!(names(&d), ["0 min", "10 min", "1 h", "6 h", "1 d", "1 w"]);
        // a zero is drawn in its own band, below the lowest duration
        let z = d.zero.unwrap();
        assert!(z < d.at(10.0) && d.axis.range.start < z && d.zero_edge.unwrap() > z);
        assert_eq!(d.at(0.0), z);
        // one value: still an axis with two labels around it
        assert_eq!(names(&Durations::fit([60.0].into_iter())), ["1 h", "6 h"]);
        assert_eq!(names(&Durations::fit(std::iter::empty())), ["10 min", "1 h"]);
    }
}
