//! Chart legends, drawn in a band above the plot so that they never hide a
//! mark, wrapped onto as many rows as the names need. A chart of one series
//! has no legend: its heading says what it shows.

use super::axis::text_width;
use plotters::style::RGBColor;
use std::fmt::Write as _;

/// How a legend entry looks, matching the mark in the plot.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) enum Mark {
    /// A bar segment.
    Block,
    /// A line with points.
    Line,
    /// One incident.
    Dot,
    /// An incident at zero.
    Ring,
    /// The median: a bar in the text colour.
    Median,
    /// The middle half of a quarter's incidents.
    Box,
    /// The 10th to the 90th percentile.
    Whisker,
}

#[derive(Clone, Debug)]
pub(crate) struct Key {
    pub(crate) name: String,
    pub(crate) color: RGBColor,
    pub(crate) mark: Mark,
}

const SIZE: f64 = 13.0;
const ROW: f64 = 22.0;
const SWATCH: f64 = 16.0;

/// Entries placed in rows from `left` to `right`: (x, row) of each.
pub(crate) fn layout(keys: &[Key], left: f64, right: f64) -> Vec<(f64, usize)> {
    let mut at = Vec::with_capacity(keys.len());
    let (mut x, mut row) = (left, 0);
    for k in keys {
        let w = SWATCH + 6.0 + text_width(&k.name, SIZE) + 18.0;
        if x > left && x + w > right {
            (x, row) = (left, row + 1);
        }
        at.push((x, row));
        x += w;
    }
    at
}

/// The height of the band the legend takes; none without entries.
pub(crate) fn height(places: &[(f64, usize)]) -> u32 {
    places.iter().map(|p| p.1 + 1).max().map_or(0, |rows| (rows as f64 * ROW + 8.0) as u32)
}

fn hex(c: RGBColor) -> String {
    format!("#{:02X}{:02X}{:02X}", c.0, c.1, c.2)
}

/// The legend as SVG, in `<g class="legend">`.
pub(crate) fn svg(keys: &[Key], places: &[(f64, usize)]) -> String {
    if keys.is_empty() {
        return String::new();
    }
    let mut s = format!("<g class=\"legend\" font-size=\"{SIZE}\" fill=\"currentColor\">");
    for (k, (x, row)) in keys.iter().zip(places) {
        let y = 6.0 + ROW * *row as f64 + ROW / 2.0;
        let c = hex(k.color);
        let (x0, x1) = (*x, *x + SWATCH);
        let mid = x0 + SWATCH / 2.0;
        let _ = match k.mark {
            Mark::Block => write!(s, "<rect x=\"{x0}\" y=\"{}\" width=\"{SWATCH}\" height=\"12\" fill=\"{c}\"/>", y - 6.0),
            Mark::Line => write!(
                s,
                "<line x1=\"{x0}\" y1=\"{y}\" x2=\"{x1}\" y2=\"{y}\" stroke=\"{c}\" stroke-width=\"3\"/><circle cx=\"{mid}\" cy=\"{y}\" r=\"4\" fill=\"{c}\"/>"
            ),
            Mark::Dot => write!(s, "<circle cx=\"{mid}\" cy=\"{y}\" r=\"4\" fill=\"{c}\"/>"),
            Mark::Ring => write!(
                s,
                "<circle cx=\"{mid}\" cy=\"{y}\" r=\"4\" fill=\"none\" stroke=\"{c}\" stroke-width=\"2\"/>"
            ),
            Mark::Median => write!(
                s,
                "<line x1=\"{x0}\" y1=\"{y}\" x2=\"{x1}\" y2=\"{y}\" stroke=\"currentColor\" stroke-width=\"3\"/>"
            ),
            Mark::Box => write!(
                s,
                "<rect x=\"{x0}\" y=\"{}\" width=\"{SWATCH}\" height=\"12\" fill=\"{c}\" fill-opacity=\"0.35\" stroke=\"{c}\"/>",
                y - 6.0
            ),
            Mark::Whisker => write!(
                s,
                "<line x1=\"{mid}\" y1=\"{}\" x2=\"{mid}\" y2=\"{}\" stroke=\"{c}\" stroke-width=\"2\"/>",
                y - 7.0,
                y + 7.0
            ),
        };
        let _ = write!(
            s,
            "<text x=\"{}\" y=\"{y}\" dy=\"0.35em\">{}</text>",
            x1 + 6.0,
            crate::render::feed::xml_escape(&k.name)
        );
    }
    s.push_str("</g>");
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(name: &str) -> Key {
        Key { name: name.into(), color: RGBColor(1, 2, 3), mark: Mark::Block }
    }

    #[test]
    fn long_legends_wrap_onto_rows_within_the_width() {
        let keys: Vec<Key> = (0..8).map(|i| key(&format!("a rather long area name {i}"))).collect();
        let places = layout(&keys, 60.0, 890.0);
        assert!(places.iter().map(|p| p.1).max().unwrap() >= 2);
        for (k, (x, _)) in keys.iter().zip(&places) {
            assert!(*x >= 60.0 && x + SWATCH + 6.0 + text_width(&k.name, SIZE) <= 890.0, "{x}");
        }
        assert_eq!(height(&[]), 0);
        assert_eq!(height(&places), (3.0 * ROW + 8.0) as u32);
    }

    #[test]
    fn names_are_escaped() {
        let s = svg(&[key("<b>&")], &[(0.0, 0)]);
        assert!(s.contains("&lt;b&gt;&amp;") && !s.contains("<b>"), "{s}");
    }
}
