//! Charts as SVG, drawn at build time with plotters (SVG backend, no
//! system fonts). Every chart has labelled axes whose labels never overlap,
//! a legend above the plot when it shows more than one series, an
//! accessible name (`role="img"`, `<title>`, `<desc>`), and takes the
//! page's font and text colour so it reads in light and dark mode. It has
//! no caption: the section heading above it says what it shows. Output is
//! deterministic: the same numbers give the same bytes.

mod axis;
mod legend;
pub(crate) mod palette;

use crate::metrics::percentile;
use crate::render::view::fmt_minutes;
use axis::{Axis, FONT};
pub(crate) use legend::{Key, Mark};
use plotters::coord::ranged1d::{DefaultFormatting, KeyPointHint};
use plotters::coord::Shift;
use plotters::prelude::*;
use std::ops::Range;

/// The width of every chart in SVG user units; pages scale it to their
/// content width.
const W: u32 = 900;
/// The height of the plot with its quarter labels, below the legend.
const PLOT_H: u32 = 330;
const MARGIN: u32 = 12;
/// Room for the quarter labels under the plot.
const X_AREA: u32 = 30;
/// A quarter with more incidents than this is drawn as a summary (box and
/// whiskers with its median) instead of one dot per incident, so that a
/// chart weighs the same at 100 incidents a quarter as at 100,000.
pub(crate) const DOT_LIMIT: usize = 40;

/// Drawn as the page's text colour: replaced by `currentColor`.
const INK: RGBColor = RGBColor(1, 2, 3);
/// Grid lines: replaced by `currentColor` at low opacity.
const GRID: RGBColor = RGBColor(4, 5, 6);
/// Outlines of bars: replaced by `currentColor` at half opacity.
const EDGE: RGBColor = RGBColor(7, 8, 9);

/// One named series of values, one per category (quarter).
pub(crate) struct Series {
    pub(crate) name: String,
    pub(crate) color: RGBColor,
    pub(crate) values: Vec<f64>,
}

type Res<T> = Result<T, String>;
type Coord = Cartesian2d<Ticked, Ticked>;

/// A linear axis whose ticks are exactly the given positions (plotters
/// would choose its own).
struct Ticked {
    range: Range<f64>,
    ticks: Vec<f64>,
}

impl Ticked {
    fn of(axis: &Axis) -> Ticked {
        Ticked { range: axis.range.clone(), ticks: axis.points() }
    }
}

impl Ranged for Ticked {
    type FormatOption = DefaultFormatting;
    type ValueType = f64;

    fn map(&self, v: &f64, limit: (i32, i32)) -> i32 {
        let span = self.range.end - self.range.start;
        if span == 0.0 {
            return (limit.0 + limit.1) / 2;
        }
        let share = (v - self.range.start) / span;
        limit.0 + (f64::from(limit.1 - limit.0) * share + 1e-3).floor() as i32
    }

    fn key_points<H: KeyPointHint>(&self, hint: H) -> Vec<f64> {
        if hint.weight().allow_light_points() {
            Vec::new()
        } else {
            self.ticks.clone()
        }
    }

    fn range(&self) -> Range<f64> {
        self.range.clone()
    }
}
type Ctx<'a, 'b> = ChartContext<'a, SVGBackend<'b>, Coord>;

fn err<E: std::fmt::Debug>(e: E) -> String {
    format!("chart drawing failed: {e:?}")
}

/// A font of `px` user units: plotters' SVG backend writes a font's size
/// divided by 1.24.
fn font(px: f64) -> TextStyle<'static> {
    ("sans-serif", px * 1.24).into_font().color(&INK)
}

/// What every chart has: its name and description, its legend, the
/// quarters along x and its value axis.
struct Spec<'s> {
    id: &'s str,
    title: &'s str,
    desc: String,
    keys: Vec<Key>,
    labels: &'s [String],
    y: Axis,
    y_desc: &'s str,
}

/// Draws the frame of a chart (legend, axes, labels, grid) and then the
/// marks `body` draws into it; returns the finished SVG.
fn draw(spec: Spec, body: impl FnOnce(&mut Ctx) -> Res<()>) -> Res<String> {
    let y_text = spec.y.ticks.iter().map(|t| axis::text_width(&t.1, FONT)).fold(0.0, f64::max);
    let y_area = (y_text + 12.0 + if spec.y_desc.is_empty() { 0.0 } else { FONT + 12.0 }).ceil() as u32;
    let left = MARGIN + y_area;
    let places = legend::layout(&spec.keys, f64::from(left), f64::from(W - MARGIN));
    let legend_h = legend::height(&places);
    let x = axis::categories(spec.labels, f64::from(W - left - MARGIN));
    let mut buf = String::new();
    let plot;
    {
        let root = SVGBackend::with_string(&mut buf, (W, legend_h + PLOT_H)).into_drawing_area();
        let (_, lower): (_, DrawingArea<_, Shift>) = root.split_vertically(legend_h);
        let mut chart = ChartBuilder::on(&lower)
            .margin(MARGIN)
            .x_label_area_size(X_AREA)
            .y_label_area_size(y_area)
            .build_cartesian_2d(Ticked::of(&x), Ticked::of(&spec.y))
            .map_err(err)?;
        let fx = |v: &f64| x.label(*v);
        let fy = |v: &f64| spec.y.label(*v);
        let mut mesh = chart.configure_mesh();
        mesh.disable_x_mesh()
            .x_label_formatter(&fx)
            .y_label_formatter(&fy)
            .axis_style(INK)
            .light_line_style(TRANSPARENT)
            .bold_line_style(GRID)
            .label_style(font(FONT))
            .axis_desc_style(font(FONT));
        if !spec.y_desc.is_empty() {
            mesh.y_desc(spec.y_desc);
        }
        mesh.draw().map_err(err)?;
        plot = chart.plotting_area().get_pixel_range();
        body(&mut chart)?;
        root.present().map_err(err)?;
    }
    let area = format!("{} {} {} {}", plot.0.start, plot.1.start, plot.0.end, plot.1.end);
    Ok(finish(buf, &spec, &legend::svg(&spec.keys, &places), &area))
}

/// Adds the accessible name and description, the legend and the plot's
/// bounds (`data-plot="left top right bottom"`), lets text take the page's
/// font, and maps the ink colours to `currentColor`.
fn finish(svg: String, spec: &Spec, legend: &str, plot: &str) -> String {
    let esc = super::feed::xml_escape;
    let id = spec.id;
    let svg = svg
        .replace(" font-family=\"sans-serif\"", "")
        .replace("#010203", "currentColor")
        .replace("stroke=\"#040506\"", "stroke=\"currentColor\" stroke-opacity=\"0.15\"")
        .replace("#040506", "currentColor")
        .replace("stroke=\"#070809\"", "stroke=\"currentColor\" stroke-opacity=\"0.5\"");
    let head_end = svg.find('>').map_or(0, |i| i + 1);
    let (head, rest) = svg.split_at(head_end);
    let head = head.replacen(
        "<svg ",
        &format!(
            "<svg role=\"img\" aria-labelledby=\"{id}-title {id}-desc\" class=\"chart\" id=\"{id}\" data-plot=\"{plot}\" "
        ),
        1,
    );
    format!(
        "{head}\n<title id=\"{id}-title\">{}</title>\n<desc id=\"{id}-desc\">{}</desc>{legend}{rest}",
        esc(spec.title),
        esc(&spec.desc)
    )
}

/// The point radius for `n` quarters: smaller when they stand close.
fn radius(n: usize) -> i32 {
    if n > 24 {
        3
    } else {
        4
    }
}

/// Stacked bars: one bar per category, one segment per series.
pub(crate) fn stacked_bars(id: &str, title: &str, labels: &[String], series: &[Series], y_desc: &str) -> Res<String> {
    let n = labels.len();
    let at = |s: &Series, i: usize| s.values.get(i).copied().filter(|v| v.is_finite()).unwrap_or(0.0);
    let max = (0..n).map(|i| series.iter().map(|s| at(s, i)).sum::<f64>()).fold(0.0, f64::max);
    let keys = keys(series, Mark::Block);
    let spec = Spec { id, title, desc: describe(labels, series), keys, labels, y: axis::counts(max), y_desc };
    draw(spec, |chart| {
        let mut base = vec![0.0; n];
        for s in series {
            let mut bars = Vec::new();
            for (i, b) in base.iter_mut().enumerate() {
                let (y0, v) = (*b, at(s, i));
                *b += v;
                if v > 0.0 {
                    let corners = [(i as f64 - 0.35, y0), (i as f64 + 0.35, y0 + v)];
                    bars.push(Rectangle::new(corners, s.color.filled()));
                    bars.push(Rectangle::new(corners, EDGE.stroke_width(1)));
                }
            }
            chart.draw_series(bars).map_err(err)?;
        }
        Ok(())
    })
}

/// The legend of several series; none for one.
fn keys(series: &[Series], mark: Mark) -> Vec<Key> {
    if series.len() < 2 {
        return Vec::new();
    }
    series.iter().map(|s| Key { name: s.name.clone(), color: s.color, mark }).collect()
}

/// Lines with points: one line per series over the categories. A value
/// that is not a number (no value) breaks the line.
pub(crate) fn lines(
    id: &str,
    title: &str,
    labels: &[String],
    series: &[Series],
    y_desc: &str,
    percent: bool,
) -> Res<String> {
    let n = labels.len();
    let max = series.iter().flat_map(|s| s.values.iter().copied()).filter(|v| v.is_finite()).fold(0.0, f64::max);
    let y = if percent { axis::shares(max) } else { axis::counts(max) };
    let spec = Spec { id, title, desc: describe(labels, series), keys: keys(series, Mark::Line), labels, y, y_desc };
    draw(spec, |chart| {
        for s in series {
            let color = s.color;
            let points: Vec<(usize, f64)> = s.values.iter().copied().enumerate().take(n).collect();
            for run in points.split(|(_, v)| !v.is_finite()).filter(|r| !r.is_empty()) {
                let run: Vec<(f64, f64)> = run.iter().map(|(i, v)| (*i as f64, *v)).collect();
                chart.draw_series(LineSeries::new(run.clone(), color.stroke_width(3))).map_err(err)?;
                chart.draw_series(run.into_iter().map(|p| Circle::new(p, radius(n), color.filled()))).map_err(err)?;
            }
        }
        Ok(())
    })
}

/// Durations per quarter on a log scale (they are heavy-tailed): one dot
/// per incident with each quarter's median as a bar; a quarter with more
/// than [`DOT_LIMIT`] incidents as a box of its middle half and whiskers
/// from the 10th to the 90th percentile. Zero durations sit in a band of
/// their own below the axis, as rings.
pub(crate) fn durations(
    id: &str,
    title: &str,
    labels: &[String],
    values: &[Vec<f64>],
    medians: &[Option<f64>],
    color: RGBColor,
) -> Res<String> {
    let n = labels.len();
    let scale = axis::Durations::fit(values.iter().flatten().copied());
    let sorted: Vec<Vec<f64>> = values
        .iter()
        .map(|v| {
            let mut v: Vec<f64> = v.iter().copied().filter(|x| x.is_finite()).collect();
            v.sort_by(f64::total_cmp);
            v
        })
        .collect();
    let summarised = sorted.iter().any(|v| v.len() > DOT_LIMIT);
    let dotted = sorted.iter().any(|v| !v.is_empty() && v.len() <= DOT_LIMIT);
    let mut keys = Vec::new();
    let key = |name: &str, mark| Key { name: name.into(), color, mark };
    if dotted {
        keys.push(key("one incident", Mark::Dot));
    }
    if scale.zero.is_some() && dotted {
        keys.push(key("0 min", Mark::Ring));
    }
    keys.push(key("median", Mark::Median));
    if summarised {
        keys.push(key("middle half of the quarter's incidents", Mark::Box));
        keys.push(key("10th to 90th percentile", Mark::Whisker));
    }
    let desc = labels
        .iter()
        .zip(values)
        .zip(medians)
        .map(|((l, v), m)| format!("{l}: {} incidents, median {}", v.len(), fmt_minutes(*m)))
        .collect::<Vec<_>>()
        .join("; ");
    let spec = Spec { id, title, desc, keys, labels, y: scale.axis.clone(), y_desc: "log scale" };
    draw(spec, |chart| {
        if let Some(edge) = scale.zero_edge {
            let line = PathElement::new(vec![(-0.5, edge), (n as f64 - 0.5, edge)], GRID.stroke_width(1));
            chart.draw_series(std::iter::once(line)).map_err(err)?;
        }
        let y = |v: f64| scale.at(v);
        let (mut dots, mut rings, mut boxes, mut whiskers) = (Vec::new(), Vec::new(), Vec::new(), Vec::new());
        for (i, vs) in sorted.iter().enumerate() {
            let x = i as f64;
            if vs.len() > DOT_LIMIT {
                let q = |p| percentile(vs, p).map_or(0.0, y);
                let corners = [(x - 0.3, q(0.25)), (x + 0.3, q(0.75))];
                boxes.push(Rectangle::new(corners, color.mix(0.35).filled()));
                boxes.push(Rectangle::new(corners, color.stroke_width(1)));
                whiskers.push(PathElement::new(vec![(x, q(0.1)), (x, q(0.25))], color.stroke_width(2)));
                whiskers.push(PathElement::new(vec![(x, q(0.75)), (x, q(0.9))], color.stroke_width(2)));
                continue;
            }
            for (k, v) in vs.iter().enumerate() {
                // spread equal-looking values sideways, deterministically
                let p = (x + ((k % 7) as f64 - 3.0) * 0.05, y(*v));
                if *v <= 0.0 {
                    rings.push(Circle::new(p, radius(n), color.stroke_width(2)));
                } else {
                    dots.push(Circle::new(p, radius(n), color.mix(0.75).filled()));
                }
            }
        }
        chart.draw_series(boxes).map_err(err)?;
        chart.draw_series(whiskers).map_err(err)?;
        chart.draw_series(dots).map_err(err)?;
        chart.draw_series(rings).map_err(err)?;
        let marks = medians.iter().enumerate().filter_map(|(i, m)| {
            m.map(|m| PathElement::new(vec![(i as f64 - 0.3, y(m)), (i as f64 + 0.3, y(m))], INK.stroke_width(3)))
        });
        chart.draw_series(marks).map_err(err)?;
        Ok(())
    })
}

/// A plain-text account of the numbers, for screen readers.
fn describe(labels: &[String], series: &[Series]) -> String {
    labels
        .iter()
        .enumerate()
        .map(|(i, l)| {
            let parts: Vec<String> = series
                .iter()
                .map(|s| {
                    let v = s.values.get(i).copied().unwrap_or(0.0);
                    if !v.is_finite() {
                        format!("{} —", s.name)
                    } else if v.fract() == 0.0 {
                        format!("{} {v:.0}", s.name)
                    } else {
                        format!("{} {:.0}%", s.name, v * 100.0)
                    }
                })
                .collect();
            format!("{l}: {}", parts.join(", "))
        })
        .collect::<Vec<_>>()
        .join("; ")
}

#[cfg(test)]
mod tests {
    use super::palette::{BLUE, GREEN};
    use super::*;

    fn labels() -> Vec<String> {
        vec!["2024-Q1".into(), "2024-Q2".into()]
    }

    fn one(values: Vec<f64>) -> Vec<Series> {
        vec![Series { name: "SEV1".into(), color: palette::severity(0, 4), values }]
    }

    #[test]
    fn charts_are_accessible_svg_and_deterministic() {
        let s = one(vec![2.0, 1.0]);
        let a = stacked_bars("c1", "Incidents by severity", &labels(), &s, "incidents").unwrap();
        let b = stacked_bars("c1", "Incidents by severity", &labels(), &s, "incidents").unwrap();
        assert_eq!(a, b);
        assert!(a.starts_with("<svg role=\"img\" aria-labelledby=\"c1-title c1-desc\""), "{}", &a[..200]);
        assert!(a.contains("<title id=\"c1-title\">Incidents by severity</title>"));
        assert!(a.contains("2024-Q1: SEV1 2; 2024-Q2: SEV1 1"));
        assert!(a.contains("viewBox"));
        assert!(a.contains("currentColor"));
        assert!(!a.contains("#010203") && !a.contains("font-family"), "page colour and font");
        // two bars in the series colour; one series has no legend
        assert_eq!(a.matches("fill=\"#C62828\"").count(), 2);
        assert!(!a.contains("class=\"legend\""));
        // no caption: the title is not drawn as text
        assert!(!a.contains(">Incidents by severity</text>"));
    }

    #[test]
    fn several_series_have_a_legend_above_the_plot() {
        let s = vec![
            Series { name: "opened".into(), color: BLUE, values: vec![2.0, 1.0] },
            Series { name: "closed".into(), color: GREEN, values: vec![0.0, 1.0] },
        ];
        let l = lines("l", "Items", &labels(), &s, "items", false).unwrap();
        let plot_top: f64 = l.split("data-plot=\"").nth(1).unwrap().split(' ').nth(1).unwrap().parse().unwrap();
        let legend = l.split("<g class=\"legend\"").nth(1).unwrap().split("</g>").next().unwrap();
        assert!(legend.contains(">opened</text>") && legend.contains(">closed</text>"));
        for y in legend.split(" y=\"").skip(1).chain(legend.split(" cy=\"").skip(1)) {
            let y: f64 = y.split('"').next().unwrap().parse().unwrap();
            assert!(y + 7.0 < plot_top, "legend at {y}, plot from {plot_top}");
        }
    }

    #[test]
    fn durations_are_dots_or_a_summary_past_the_limit() {
        let d = durations("d", "TTD", &labels(), &[vec![5.0, 50.0, 0.0], vec![]], &[Some(5.0), None], BLUE).unwrap();
        assert!(d.contains("2024-Q1: 3 incidents, median 5 min; 2024-Q2: 0 incidents, median —"), "{d}");
        assert!(d.contains(">0 min</text>"), "a zero has its own band");
        assert_eq!(d.matches("<circle").count(), 3 + 2, "two dots and a ring, and their legend marks");
        let many: Vec<f64> = (1..=1000).map(f64::from).collect();
        let big = durations("d", "TTD", &labels(), &[many.clone(), many], &[Some(500.0), Some(500.0)], BLUE).unwrap();
        assert_eq!(big.matches("<circle").count(), 0, "summaries, not 2,000 dots");
        assert!(big.len() < 12_000, "{} bytes", big.len());
        assert!(big.contains("middle half"));
    }

    #[test]
    fn a_line_has_a_gap_where_a_value_is_missing() {
        let s = vec![Series { name: "share".into(), color: palette::PURPLE, values: vec![0.25, f64::NAN] }];
        let l = lines("g", "Undetected", &labels(), &s, "share", true).unwrap();
        assert!(l.contains("2024-Q1: share 25%; 2024-Q2: share —"), "{l}");
        assert!(!l.contains("NaN"));
        assert_eq!(l.matches("<circle").count(), 1);
    }
}
