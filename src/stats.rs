//! The statistics behind every claim of change: a distribution-free 95 %
//! interval for a median, the exact conditional binomial test for two
//! counts, and the Mann–Whitney U test for two sets of durations. A quarter
//! is a small sample and durations are heavy-tailed, so nothing here
//! assumes a distribution.

/// The level every test and interval uses: 5 %, two-sided.
pub(crate) const ALPHA: f64 = 0.05;

/// P(X ≤ k) for X ~ Binomial(n, ½), summed exactly term by term in log
/// space (½ⁿ underflows past n = 1,074).
pub(crate) fn binomial_half_cdf(n: u64, k: u64) -> f64 {
    let ln_half_n = n as f64 * std::f64::consts::LN_2;
    let (mut sum, mut ln_choose) = (0.0, 0.0);
    for j in 0..=k.min(n) {
        sum += (ln_choose - ln_half_n).exp();
        ln_choose += ((n - j) as f64).ln() - ((j + 1) as f64).ln();
    }
    sum.min(1.0)
}

/// The 95 % interval of the median of `sorted` (ascending), distribution
/// free: [x_k, x_{n+1−k}] where k is the largest integer with
/// P(Binomial(n, ½) ≤ k − 1) ≤ 0.025. None for fewer than 6 values, where
/// no such k exists.
pub(crate) fn median_ci95(sorted: &[f64]) -> Option<(f64, f64)> {
    let n = sorted.len();
    let ln_half_n = n as f64 * std::f64::consts::LN_2;
    let (mut k, mut cdf, mut ln_choose) = (0, 0.0, 0.0);
    for j in 0..n {
        cdf += (ln_choose - ln_half_n).exp();
        if cdf > ALPHA / 2.0 + 1e-12 {
            break;
        }
        k = j + 1;
        ln_choose += ((n - j) as f64).ln() - ((j + 1) as f64).ln();
    }
    (k >= 1 && n >= 6).then(|| (sorted[k - 1], sorted[n - k]))
}

/// Two-sided p-value that two counts of events in periods of equal length
/// come from the same rate: given a + b events, a ~ Binomial(a + b, ½)
/// (the exact conditional test).
pub(crate) fn counts_p(a: u64, b: u64) -> f64 {
    if a + b == 0 {
        return 1.0;
    }
    (2.0 * binomial_half_cdf(a + b, a.min(b))).min(1.0)
}

/// Which test answered, for the sentence a page prints under the figure.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Test {
    /// Exact conditional binomial test of two counts.
    Binomial,
    /// Mann–Whitney U, exact distribution (no ties, at most 50 a side).
    MannWhitneyExact,
    /// Mann–Whitney U, normal approximation with tie and continuity
    /// correction.
    MannWhitneyNormal,
}

impl Test {
    /// How a page names it.
    pub(crate) fn name(self) -> &'static str {
        match self {
            Test::Binomial => "exact binomial test",
            Test::MannWhitneyExact => "Mann–Whitney test, exact",
            Test::MannWhitneyNormal => "Mann–Whitney test",
        }
    }
}

/// Two-sided p-value of the Mann–Whitney U test that `x` and `y` come from
/// the same distribution, and which form of the test gave it. Exact for
/// samples without ties of at most 50 values each, else the normal
/// approximation. 1 when either sample is empty.
pub(crate) fn mann_whitney_p(x: &[f64], y: &[f64]) -> (f64, Test) {
    let (n1, n2) = (x.len(), y.len());
    if n1 == 0 || n2 == 0 {
        return (1.0, Test::MannWhitneyExact);
    }
    // ranks of the pooled sample, ties given their mean rank
    let mut all: Vec<(f64, bool)> = x.iter().map(|v| (*v, true)).chain(y.iter().map(|v| (*v, false))).collect();
    all.sort_by(|a, b| a.0.total_cmp(&b.0));
    let (mut r1, mut tie_sum, mut i) = (0.0, 0.0, 0);
    while i < all.len() {
        let j = all[i..].iter().position(|v| v.0 != all[i].0).map_or(all.len(), |p| i + p);
        let rank = (i + 1 + j) as f64 / 2.0;
        r1 += rank * all[i..j].iter().filter(|v| v.1).count() as f64;
        let t = (j - i) as f64;
        tie_sum += t * t * t - t;
        i = j;
    }
    let u = r1 - (n1 * (n1 + 1)) as f64 / 2.0;
    let (m, n) = (n1 as f64, n2 as f64);
    if tie_sum == 0.0 && n1 <= 50 && n2 <= 50 {
        let dist = u_distribution(n1, n2);
        let total: f64 = dist.iter().sum();
        let u = u.round() as usize;
        let below: f64 = dist[..=u].iter().sum::<f64>() / total;
        let above: f64 = dist[u..].iter().sum::<f64>() / total;
        return ((2.0 * below.min(above)).min(1.0), Test::MannWhitneyExact);
    }
    let big_n = m + n;
    let var = m * n / 12.0 * ((big_n + 1.0) - tie_sum / (big_n * (big_n - 1.0)));
    if var <= 0.0 {
        return (1.0, Test::MannWhitneyNormal);
    }
    let z = ((u - m * n / 2.0).abs() - 0.5).max(0.0) / var.sqrt();
    ((erfc(z / std::f64::consts::SQRT_2)).min(1.0), Test::MannWhitneyNormal)
}

/// How many of the C(m + n, m) orderings give each U from 0 to m·n: the
/// coefficients of the Gaussian binomial ∏ᵢ (1 − q^(n+i)) / (1 − qⁱ),
/// i = 1..m, built one factor at a time (exact in i128 up to 50 a side).
fn u_distribution(m: usize, n: usize) -> Vec<f64> {
    let mut c = vec![0i128; m * n + 1];
    c[0] = 1;
    for i in 1..=m {
        for u in (n + i..c.len()).rev() {
            c[u] -= c[u - n - i];
        }
        for u in i..c.len() {
            c[u] += c[u - i];
        }
    }
    c.into_iter().map(|v| v as f64).collect()
}

/// The complementary error function (Numerical Recipes' erfcc, relative
/// error below 1.2e-7), for the normal approximation.
fn erfc(x: f64) -> f64 {
    let z = x.abs();
    let t = 1.0 / (1.0 + 0.5 * z);
    let poly = -z * z - 1.265_512_23
        + t * (1.000_023_68
            + t * (0.374_091_96
                + t * (0.096_784_18
                    + t * (-0.186_288_06
                        + t * (0.278_868_07
                            + t * (-1.135_203_98 + t * (1.488_515_87 + t * (-0.822_152_23 + t * 0.170_872_77))))))));
    let r = t * poly.exp();
    if x >= 0.0 {
        r
    } else {
        2.0 - r
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(a: f64, b: f64) -> bool {
        (a - b).abs() < 1e-9
    }

    #[test]
    fn binomial_cdf_by_hand() {
        // n = 4: 1, 4, 6, 4, 1 over 16
        assert!(close(binomial_half_cdf(4, 0), 1.0 / 16.0));
        assert!(close(binomial_half_cdf(4, 2), 11.0 / 16.0));
        assert!(close(binomial_half_cdf(4, 4), 1.0));
        // n = 20, k = 5: 21,700 / 1,048,576
        assert!(close(binomial_half_cdf(20, 5), 21_700.0 / 1_048_576.0));
        // far past f64's smallest power of two: still a probability
        let big = binomial_half_cdf(5000, 2500);
        assert!(big > 0.5 && big < 0.52, "{big}");
    }

    #[test]
    fn median_interval_matches_the_sign_test_table() {
        let xs = |n: usize| (1..=n).map(|v| v as f64).collect::<Vec<_>>();
        // none below 6 values: P(B(5, ½) ≤ 0) = 1/32 > 0.025
        assert_eq!(median_ci95(&xs(5)), None);
        assert_eq!(median_ci95(&[]), None);
        // 6: 1/64 ≤ 0.025, 7/64 > → k = 1, [x1, x6]
        assert_eq!(median_ci95(&xs(6)), Some((1.0, 6.0)));
        // 7: k = 1, [x1, x7]; 8: 9/256 > 0.025 → k = 1
        assert_eq!(median_ci95(&xs(7)), Some((1.0, 7.0)));
        assert_eq!(median_ci95(&xs(8)), Some((1.0, 8.0)));
        // 9: P(≤ 1) = 10/512 ≤ 0.025 → k = 2, [x2, x8]
        assert_eq!(median_ci95(&xs(9)), Some((2.0, 8.0)));
        // 20: P(≤ 5) = 0.0207, P(≤ 6) = 0.0577 → k = 6, [x6, x15]
        assert_eq!(median_ci95(&xs(20)), Some((6.0, 15.0)));
    }

    #[test]
    fn count_test_by_hand() {
        // 10 against 2: P(X ≥ 10 | 12) = 79/4096, two-sided 0.0386
        assert!(close(counts_p(10, 2), 2.0 * 79.0 / 4096.0));
        assert!(counts_p(10, 2) < ALPHA);
        // 9 against 3: 299/4096 one side, 0.146 two-sided: no change shown
        assert!(close(counts_p(3, 9), 2.0 * 299.0 / 4096.0));
        assert!(counts_p(9, 3) > ALPHA);
        assert_eq!(counts_p(0, 0), 1.0);
        assert_eq!(counts_p(4, 4), 1.0);
        // 0 against 5: 2/32
        assert!(close(counts_p(0, 5), 0.0625));
    }

    #[test]
    fn mann_whitney_matches_the_table_of_critical_values() {
        // n1 = n2 = 5, two-sided 5 %: reject at U ≤ 2 (P(U ≤ 2) = 4/252)
        let x = [1.0, 2.0, 3.0, 4.0, 6.0];
        let y = [5.0, 7.0, 8.0, 9.0, 10.0]; // U = 1
        let (p, t) = mann_whitney_p(&x, &y);
        assert_eq!(t, Test::MannWhitneyExact);
        assert!(close(p, 2.0 * 2.0 / 252.0), "{p}");
        let x = [1.0, 2.0, 3.0, 6.0, 7.0];
        let y = [4.0, 5.0, 8.0, 9.0, 10.0]; // U = 4
        assert!(mann_whitney_p(&x, &y).0 > ALPHA);
        let u_of = |x: &[f64], y: &[f64]| x.iter().map(|a| y.iter().filter(|b| a > *b).count()).sum::<usize>();
        // U = 2 rejects, U = 3 does not (n1 = n2 = 5)
        let y = [3.5, 10.0, 11.0, 12.0, 13.0];
        let x = [1.0, 2.0, 4.0, 5.0, 6.0];
        assert_eq!(u_of(&x, &y), 3);
        assert!(close(mann_whitney_p(&x, &y).0, 2.0 * 7.0 / 252.0));
        let x = [1.0, 2.0, 3.0, 5.0, 6.0];
        let y = [4.0, 10.0, 11.0, 12.0, 13.0];
        assert_eq!(u_of(&x, &y), 2);
        assert!(mann_whitney_p(&x, &y).0 < ALPHA);
        // n1 = n2 = 10: critical U = 23
        let x: Vec<f64> = (0..10).map(|i| f64::from(i) * 2.0).collect();
        let shifted = |s: f64| x.iter().map(|v| v + s).collect::<Vec<_>>();
        for shift in [5.0, 7.0, 9.0, 11.0] {
            let y = shifted(shift + 0.5);
            let u = u_of(&x, &y);
            assert_eq!(mann_whitney_p(&x, &y).0 < ALPHA, u <= 23, "U = {u}");
        }
    }

    #[test]
    fn mann_whitney_with_ties_uses_the_normal_approximation() {
        let x = [1.0, 1.0, 2.0, 2.0, 3.0, 3.0];
        let (p, t) = mann_whitney_p(&x, &x);
        assert_eq!(t, Test::MannWhitneyNormal);
        assert!(close(p, 1.0), "{p}");
        let y = [5.0, 5.0, 6.0, 6.0, 7.0, 7.0];
        assert!(mann_whitney_p(&x, &y).0 < 0.01);
        assert!((erfc(0.0) - 1.0).abs() < 1e-6 && (erfc(1.959_964 / std::f64::consts::SQRT_2) - 0.05).abs() < 1e-6);
    }

    /// splitmix64: the same draws on every machine.
    struct Rng(u64);
    impl Rng {
        fn unit(&mut self) -> f64 {
            self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
            let mut z = self.0;
            z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
            z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
            ((z ^ (z >> 31)) >> 11) as f64 / (1u64 << 53) as f64
        }
        fn poisson(&mut self, rate: f64) -> u64 {
            let (limit, mut k, mut p) = ((-rate).exp(), 0, 1.0);
            loop {
                p *= self.unit();
                if p <= limit {
                    return k;
                }
                k += 1;
            }
        }
        /// Heavy-tailed minutes: log-normal around 45.
        fn minutes(&mut self) -> f64 {
            let (a, b) = (self.unit().max(1e-12), self.unit());
            let z = (-2.0 * a.ln()).sqrt() * (std::f64::consts::TAU * b).cos();
            (45f64.ln() + 1.2 * z).exp().round()
        }
    }

    #[test]
    fn when_nothing_changed_a_change_is_claimed_in_at_most_five_percent_of_draws() {
        let mut rng = Rng(2021);
        let draws = 4000;
        for rate in [2.0, 6.0, 20.0] {
            let hits = (0..draws).filter(|_| counts_p(rng.poisson(rate), rng.poisson(rate)) < ALPHA).count();
            let share = hits as f64 / f64::from(draws);
            assert!(share <= 0.055, "counts at rate {rate}: {share}");
        }
        for n in [3, 6, 10, 30, 80] {
            let hits = (0..draws)
                .filter(|_| {
                    let x: Vec<f64> = (0..n).map(|_| rng.minutes()).collect();
                    let y: Vec<f64> = (0..n + 2).map(|_| rng.minutes()).collect();
                    mann_whitney_p(&x, &y).0 < ALPHA
                })
                .count();
            let share = hits as f64 / f64::from(draws);
            assert!(share <= 0.06, "durations, n = {n}: {share}");
        }
    }
}
