//! Charts as SVG, drawn at build time with plotters (SVG backend, no
//! system fonts). Every chart is titled, has labelled axes and a legend,
//! an accessible name (`role="img"`, `<title>`, `<desc>`), and follows the
//! page's text colour so it reads in light and dark mode. Output is
//! deterministic: the same numbers give the same bytes.

use super::view::fmt_minutes;
use plotters::prelude::*;

const W: u32 = 720;
const H: u32 = 360;
/// Drawn as the page's text colour: replaced by `currentColor`.
const INK: RGBColor = RGBColor(1, 2, 3);
/// Grid lines: replaced by `currentColor` at low opacity.
const GRID: RGBColor = RGBColor(4, 5, 6);

/// Okabe–Ito colours: distinguishable with every common colour-vision
/// deficiency. Severity badges use the same order.
pub(crate) const PALETTE: [RGBColor; 8] = [
    RGBColor(213, 94, 0),    // vermillion
    RGBColor(230, 159, 0),   // orange
    RGBColor(0, 114, 178),   // blue
    RGBColor(0, 158, 115),   // bluish green
    RGBColor(204, 121, 167), // reddish purple
    RGBColor(86, 180, 233),  // sky blue
    RGBColor(240, 228, 66),  // yellow
    RGBColor(120, 120, 120), // grey
];

/// One named series of values, one per category (quarter).
pub(crate) struct Series {
    pub(crate) name: String,
    pub(crate) color: RGBColor,
    pub(crate) values: Vec<f64>,
}

type Res<T> = Result<T, String>;

fn err<E: std::fmt::Debug>(e: E) -> String {
    format!("chart drawing failed: {e:?}")
}

/// Adds the accessible name and description, and maps the ink colours to
/// `currentColor`.
fn finish(svg: String, id: &str, title: &str, desc: &str) -> String {
    let esc = super::feed::xml_escape;
    let svg = svg
        .replace("#010203", "currentColor")
        .replace("stroke=\"#040506\"", "stroke=\"currentColor\" stroke-opacity=\"0.15\"")
        .replace("#040506", "currentColor");
    let head_end = svg.find('>').map_or(0, |i| i + 1);
    let (head, rest) = svg.split_at(head_end);
    let head = head.replacen(
        "<svg ",
        &format!("<svg role=\"img\" aria-labelledby=\"{id}-title {id}-desc\" class=\"chart\" id=\"{id}\" "),
        1,
    );
    format!(
        "{head}\n<title id=\"{id}-title\">{}</title>\n<desc id=\"{id}-desc\">{}</desc>{rest}",
        esc(title),
        esc(desc)
    )
}

/// The shared look of every chart's axes and grid: quarters along x,
/// labelled ticks, horizontal grid lines only, ink that follows the page.
fn look<'m, 'a, 'b, Y: plotters::coord::ranged1d::Ranged, DB: DrawingBackend>(
    mesh: &'m mut plotters::chart::MeshStyle<'a, 'b, plotters::coord::types::RangedCoordf64, Y, DB>,
    n: usize,
    fmt_x: &'b dyn Fn(&f64) -> String,
    fmt_y: &'b dyn Fn(&Y::ValueType) -> String,
    y_labels: usize,
    y_desc: &str,
) -> &'m mut plotters::chart::MeshStyle<'a, 'b, plotters::coord::types::RangedCoordf64, Y, DB> {
    mesh.disable_x_mesh()
        .x_labels(n.max(1))
        .x_label_formatter(fmt_x)
        .y_label_formatter(fmt_y)
        .y_labels(y_labels)
        .x_desc("quarter")
        .y_desc(y_desc)
        .axis_style(INK)
        .light_line_style(TRANSPARENT)
        .bold_line_style(GRID)
        .label_style(("sans-serif", 12).into_font().color(&INK))
        .axis_desc_style(("sans-serif", 13).into_font().color(&INK))
}

/// A titled chart area with room for quarter labels below and `y_area`
/// pixels of value labels on the left.
fn frame<'a, 'b, DB: DrawingBackend>(
    root: &'a DrawingArea<DB, plotters::coord::Shift>,
    title: &str,
    y_area: u32,
) -> ChartBuilder<'a, 'b, DB> {
    let mut b = ChartBuilder::on(root);
    b.caption(title, ("sans-serif", 18).into_font().color(&INK))
        .margin(10)
        .x_label_area_size(44)
        .y_label_area_size(y_area);
    b
}

fn label_at(labels: &[String], x: f64) -> String {
    let i = x.round();
    if (x - i).abs() < 0.01 && i >= 0.0 {
        labels.get(i as usize).cloned().unwrap_or_default()
    } else {
        String::new()
    }
}

/// The top of the y axis: room above the data for a legend of `entries`
/// lines in the upper left corner (about 16 px each on a 256 px plot).
/// How many value labels a count axis from 0 to `ymax` gets: few enough
/// that every one is a whole number (0, 1, 2 for a maximum of 2, never
/// 0, 0, 1, 1, 2).
fn count_labels(ymax: f64) -> usize {
    (ymax as usize + 1).clamp(2, 6)
}

/// A count for an axis label; nothing between whole numbers.
fn count_label(y: &f64) -> String {
    if (y - y.round()).abs() < 1e-9 {
        format!("{y:.0}")
    } else {
        String::new()
    }
}

fn headroom(max: f64, entries: usize) -> f64 {
    let legend = ((12 + 16 * entries) as f64 / 256.0).min(0.6);
    if max <= 0.0 {
        1.0
    } else {
        max / (1.0 - legend) * 1.05
    }
}

/// Stacked bars: one bar per category, one segment per series.
pub(crate) fn stacked_bars(id: &str, title: &str, labels: &[String], series: &[Series], y_desc: &str) -> Res<String> {
    let n = labels.len();
    let totals: Vec<f64> =
        (0..n).map(|i| series.iter().map(|s| s.values.get(i).copied().unwrap_or(0.0)).sum()).collect();
    let ymax = headroom(totals.iter().copied().fold(0.0, f64::max), series.len()).ceil();
    let mut buf = String::new();
    {
        let root = SVGBackend::with_string(&mut buf, (W, H)).into_drawing_area();
        let mut chart =
            frame(&root, title, 48).build_cartesian_2d(-0.5f64..(n as f64 - 0.5), 0f64..ymax).map_err(err)?;
        let fmt_x = |x: &f64| label_at(labels, *x);
        look(&mut chart.configure_mesh(), n, &fmt_x, &count_label, count_labels(ymax), y_desc).draw().map_err(err)?;
        let mut base = vec![0.0; n];
        for s in series {
            let color = s.color;
            let bars: Vec<Rectangle<(f64, f64)>> = (0..n)
                .filter_map(|i| {
                    let v = s.values.get(i).copied().unwrap_or(0.0);
                    let y0 = base[i];
                    base[i] += v;
                    (v > 0.0)
                        .then(|| Rectangle::new([(i as f64 - 0.35, y0), (i as f64 + 0.35, y0 + v)], color.filled()))
                })
                .collect();
            chart
                .draw_series(bars)
                .map_err(err)?
                .label(s.name.as_str())
                .legend(move |(x, y)| Rectangle::new([(x, y - 5), (x + 12, y + 5)], color.filled()));
        }
        legend(&mut chart)?;
        root.present().map_err(err)?;
    }
    let desc = describe(labels, series);
    Ok(finish(buf, id, title, &desc))
}

/// Lines with points: one line per series over the categories.
pub(crate) fn lines(
    id: &str,
    title: &str,
    labels: &[String],
    series: &[Series],
    y_desc: &str,
    percent: bool,
) -> Res<String> {
    let n = labels.len();
    let max = series.iter().flat_map(|s| s.values.iter().copied()).fold(0.0, f64::max);
    let ymax = if percent { headroom(1.0, series.len()) } else { headroom(max, series.len()).ceil() };
    let mut buf = String::new();
    {
        let root = SVGBackend::with_string(&mut buf, (W, H)).into_drawing_area();
        let mut chart =
            frame(&root, title, 52).build_cartesian_2d(-0.5f64..(n as f64 - 0.5), 0f64..ymax).map_err(err)?;
        let fmt_x = |x: &f64| label_at(labels, *x);
        let fmt_y = |y: &f64| if percent { format!("{:.0}%", y * 100.0) } else { count_label(y) };
        let y_labels = if percent { 6 } else { count_labels(ymax) };
        look(&mut chart.configure_mesh(), n, &fmt_x, &fmt_y, y_labels, y_desc).draw().map_err(err)?;
        for s in series {
            let color = s.color;
            // a value that is not a number (no value) breaks the line
            let runs: Vec<Vec<(f64, f64)>> = s
                .values
                .iter()
                .enumerate()
                .collect::<Vec<_>>()
                .split(|(_, v)| !v.is_finite())
                .filter(|run| !run.is_empty())
                .map(|run| run.iter().map(|(i, v)| (*i as f64, **v)).collect())
                .collect();
            for (k, run) in runs.iter().enumerate() {
                let line = chart.draw_series(LineSeries::new(run.clone(), color.stroke_width(3))).map_err(err)?;
                if k == 0 {
                    line.label(s.name.as_str())
                        .legend(move |(x, y)| PathElement::new(vec![(x, y), (x + 14, y)], color.stroke_width(3)));
                }
            }
            chart.draw_series(runs.into_iter().flatten().map(|p| Circle::new(p, 4, color.filled()))).map_err(err)?;
        }
        legend(&mut chart)?;
        root.present().map_err(err)?;
    }
    let desc = describe(labels, series);
    Ok(finish(buf, id, title, &desc))
}

/// Every incident as a dot per quarter, on a log scale (durations are
/// heavy-tailed), with each quarter's median as a bar.
pub(crate) fn dots(
    id: &str,
    title: &str,
    labels: &[String],
    values: &[Vec<f64>],
    medians: &[Option<f64>],
    color: RGBColor,
) -> Res<String> {
    let n = labels.len();
    let floor = 0.5;
    let max = values.iter().flatten().copied().fold(1.0, f64::max);
    // whole decades of minutes: 1 min … 10,000 min
    let top = 10f64.powf((max * 1.5).log10().ceil()).max(10.0);
    let mut buf = String::new();
    {
        let root = SVGBackend::with_string(&mut buf, (W, H)).into_drawing_area();
        let mut chart = frame(&root, title, 64)
            .build_cartesian_2d(-0.5f64..(n as f64 - 0.5), (floor..top).log_scale())
            .map_err(err)?;
        let fmt_x = |x: &f64| label_at(labels, *x);
        let fmt_y = |y: &f64| fmt_minutes(Some(*y));
        look(&mut chart.configure_mesh(), n, &fmt_x, &fmt_y, 6, "minutes (log scale)").draw().map_err(err)?;
        let mut pts = Vec::new();
        for (i, vs) in values.iter().enumerate() {
            let mut sorted = vs.clone();
            sorted.sort_by(f64::total_cmp);
            for (k, v) in sorted.iter().enumerate() {
                // spread equal-looking values sideways, deterministically
                let dx = ((k % 7) as f64 - 3.0) * 0.05;
                pts.push((i as f64 + dx, v.max(floor)));
            }
        }
        chart
            .draw_series(pts.into_iter().map(|p| Circle::new(p, 4, color.mix(0.75).filled())))
            .map_err(err)?
            .label("one incident")
            .legend(move |(x, y)| Circle::new((x + 6, y), 4, color.filled()));
        let marks: Vec<PathElement<(f64, f64)>> = medians
            .iter()
            .enumerate()
            .filter_map(|(i, m)| {
                m.map(|m| {
                    PathElement::new(
                        vec![(i as f64 - 0.3, m.max(floor)), (i as f64 + 0.3, m.max(floor))],
                        INK.stroke_width(3),
                    )
                })
            })
            .collect();
        chart
            .draw_series(marks)
            .map_err(err)?
            .label("median")
            .legend(|(x, y)| PathElement::new(vec![(x, y), (x + 14, y)], INK.stroke_width(3)));
        legend(&mut chart)?;
        root.present().map_err(err)?;
    }
    let counts: Vec<String> = labels
        .iter()
        .zip(values)
        .zip(medians)
        .map(|((l, v), m)| format!("{l}: {} incidents, median {}", v.len(), fmt_minutes(*m)))
        .collect();
    Ok(finish(buf, id, title, &counts.join("; ")))
}

fn legend<'a, DB: DrawingBackend + 'a, CT: plotters::coord::CoordTranslate>(
    chart: &mut ChartContext<'a, DB, CT>,
) -> Res<()> {
    chart
        .configure_series_labels()
        .position(SeriesLabelPosition::UpperLeft)
        .label_font(("sans-serif", 12).into_font().color(&INK))
        .border_style(GRID)
        .draw()
        .map_err(err)
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
    use super::*;

    fn labels() -> Vec<String> {
        vec!["2024-Q1".into(), "2024-Q2".into()]
    }

    #[test]
    fn charts_are_accessible_svg_and_deterministic() {
        let s = vec![Series { name: "SEV1".into(), color: PALETTE[0], values: vec![2.0, 1.0] }];
        let a = stacked_bars("c1", "Incidents by severity", &labels(), &s, "incidents").unwrap();
        let b = stacked_bars("c1", "Incidents by severity", &labels(), &s, "incidents").unwrap();
        assert_eq!(a, b);
        assert!(a.starts_with("<svg role=\"img\" aria-labelledby=\"c1-title c1-desc\""), "{}", &a[..200]);
        assert!(a.contains("<title id=\"c1-title\">Incidents by severity</title>"));
        assert!(a.contains("2024-Q1: SEV1 2; 2024-Q2: SEV1 1"));
        assert!(a.contains("viewBox"));
        assert!(a.contains("currentColor"));
        assert!(!a.contains("#010203"));
        // two bars drawn in the series colour
        assert_eq!(a.matches("fill=\"#D55E00\"").count(), 3, "two bars and the legend swatch");
    }

    #[test]
    fn dot_plots_and_lines_render() {
        let d = dots("d", "TTD", &labels(), &[vec![5.0, 50.0, 0.0], vec![]], &[Some(5.0), None], PALETTE[2]).unwrap();
        assert!(d.contains("2024-Q1: 3 incidents, median 5 min; 2024-Q2: 0 incidents, median —"), "{d}");
        let l = lines(
            "l",
            "Share",
            &labels(),
            &[Series { name: "x".into(), color: PALETTE[1], values: vec![0.25, 0.5] }],
            "share",
            true,
        )
        .unwrap();
        assert!(l.contains("x 25%"));
    }

    /// The value labels of an SVG chart, top to bottom as drawn.
    fn y_labels(svg: &str) -> Vec<String> {
        svg.split("<text")
            .filter(|t| t.contains("text-anchor=\"end\""))
            .filter_map(|t| t.split_once('>').map(|(_, rest)| rest.split('<').next().unwrap_or("").trim().to_string()))
            .filter(|l| !l.is_empty())
            .collect()
    }

    #[test]
    fn count_axes_are_labelled_with_whole_numbers_only() {
        for (max, want) in [(1.0, vec!["0", "1"]), (2.0, vec!["0", "1", "2"])] {
            let s = vec![Series { name: "SEV1".into(), color: PALETTE[0], values: vec![max, 0.0] }];
            let bars = stacked_bars("b", "Incidents", &labels(), &s, "incidents").unwrap();
            let line = lines("l", "SEV1", &labels(), &s, "incidents", false).unwrap();
            for svg in [bars, line] {
                let got = y_labels(&svg);
                assert!(got.iter().all(|l| l.parse::<u32>().is_ok()), "{got:?}");
                let mut sorted = got.clone();
                sorted.sort();
                sorted.dedup();
                assert_eq!(sorted.len(), got.len(), "no label twice: {got:?}");
                assert!(want.iter().all(|w| got.contains(&w.to_string())), "{got:?} lacks {want:?}");
            }
        }
        // a large count still gets few, round labels
        let s = vec![Series { name: "x".into(), color: PALETTE[0], values: vec![37.0, 3.0] }];
        let got = y_labels(&lines("l", "x", &labels(), &s, "incidents", false).unwrap());
        assert!(got.len() <= 6 && got.iter().all(|l| l.parse::<u32>().is_ok_and(|v| v % 5 == 0)), "{got:?}");
    }

    #[test]
    fn a_line_has_a_gap_where_a_value_is_missing() {
        let s = vec![Series { name: "share".into(), color: PALETTE[4], values: vec![0.25, f64::NAN] }];
        let l = lines("g", "Undetected", &labels(), &s, "share", true).unwrap();
        assert!(l.contains("2024-Q1: share 25%; 2024-Q2: share —"), "{l}");
        assert!(!l.contains("NaN"));
    }
}
