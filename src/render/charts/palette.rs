//! The colours of charts. Severity is ordered, so it is a sequential scale
//! (dark red for the most severe to pale amber for the least), readable on
//! light and dark backgrounds and by lightness alone; the theme's badges use
//! the same four colours. Everything else (areas, lines) takes categorical
//! colours from Okabe–Ito and Paul Tol that share no hue with severity.

use plotters::style::RGBColor;

/// Most to least severe; more severities are interpolated between these.
const SEVERITY: [RGBColor; 4] = [
    RGBColor(0xc6, 0x28, 0x28), // dark red
    RGBColor(0xe8, 0x59, 0x0c), // red-orange
    RGBColor(0xf5, 0x9f, 0x00), // amber
    RGBColor(0xff, 0xd4, 0x3b), // pale yellow
];

/// The colour of the `i`-th of `n` severities, most severe first.
pub(crate) fn severity(i: usize, n: usize) -> RGBColor {
    if n <= 1 {
        return SEVERITY[0];
    }
    let t = i.min(n - 1) as f64 / (n - 1) as f64 * (SEVERITY.len() - 1) as f64;
    let (k, f) = (t.floor() as usize, t.fract());
    let (a, b) = (SEVERITY[k], SEVERITY[(k + 1).min(SEVERITY.len() - 1)]);
    let mix = |x: u8, y: u8| (f64::from(x) + (f64::from(y) - f64::from(x)) * f).round() as u8;
    RGBColor(mix(a.0, b.0), mix(a.1, b.1), mix(a.2, b.2))
}

/// Areas, most incidents first; the rest are drawn together as "other".
pub(crate) const AREAS: [RGBColor; 5] = [
    RGBColor(0x44, 0x77, 0xaa), // blue
    RGBColor(0x66, 0xcc, 0xee), // cyan
    RGBColor(0x22, 0x88, 0x33), // green
    RGBColor(0xaa, 0x33, 0x77), // purple
    RGBColor(0x99, 0x99, 0x33), // olive
];
/// "other" areas.
pub(crate) const OTHER: RGBColor = RGBColor(0x99, 0x99, 0x99);

/// Lines and dots of the measures (detect, mitigate, resolve; opened,
/// closed, open).
pub(crate) const BLUE: RGBColor = RGBColor(0, 114, 178);
pub(crate) const GREEN: RGBColor = RGBColor(0, 158, 115);
pub(crate) const PURPLE: RGBColor = RGBColor(204, 121, 167);
pub(crate) const SKY: RGBColor = RGBColor(86, 180, 233);
pub(crate) const GREY: RGBColor = RGBColor(120, 120, 120);

#[cfg(test)]
mod tests {
    use super::*;

    /// Relative luminance (WCAG).
    fn luminance(c: RGBColor) -> f64 {
        let ch = |v: u8| {
            let v = f64::from(v) / 255.0;
            if v <= 0.04045 {
                v / 12.92
            } else {
                ((v + 0.055) / 1.055).powf(2.4)
            }
        };
        0.2126 * ch(c.0) + 0.7152 * ch(c.1) + 0.0722 * ch(c.2)
    }

    #[test]
    fn severity_colours_get_lighter_from_most_to_least_severe() {
        for n in [2, 3, 4, 5, 7] {
            let l: Vec<f64> = (0..n).map(|i| luminance(severity(i, n))).collect();
            assert!(l.windows(2).all(|w| w[0] < w[1]), "{n} severities: {l:?}");
        }
        assert_eq!(severity(0, 4), SEVERITY[0]);
        assert_eq!(severity(3, 4), SEVERITY[3]);
        // the most severe stands out on both page backgrounds (3:1)
        let contrast = |a: f64, b: f64| (a.max(b) + 0.05) / (a.min(b) + 0.05);
        let red = luminance(SEVERITY[0]);
        assert!(contrast(red, 1.0) >= 3.0 && contrast(red, luminance(RGBColor(0x0d, 0x11, 0x17))) >= 3.0);
    }
}
