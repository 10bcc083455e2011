"""The calibration-error estimators of issue 13, section 3, as pure functions.

Oracles: loops written from the definitions (pooled cumulative differences,
the bins of ``equal_mass_edges``, the sweep of Roelofs et al.'s
``em_monotonic_sweep``, Kumar et al.'s ``unbiased_square_ce``), mpmath sums
of the Brownian series, a Monte Carlo of Brownian motion, and simulations
with a known calibration function.
"""

import math

import mpmath
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats

from skbce._calibration.binning_free import (
    DEBIASED_N_BINS,
    SweepECE,
    binning_free_errors,
    debiased_rmsce,
    ece_sweep,
)
from skbce._calibration.cumulative import (
    CumulativeTest,
    brownian_range_sf,
    brownian_sup_abs_sf,
    cumulative_tests,
    ks_calibration,
    kuiper_calibration,
)
from skbce._calibration.reliability import equal_mass_edges

# --- oracles -------------------------------------------------------------------------------


def naive_path(p, y, w):
    """Pooled cumulative differences, C_0 = 0 included, by a loop; and sigma."""
    w = np.ones_like(p) if w is None else w
    total = math.fsum(w)
    acc, path = 0.0, [0.0]
    for i in range(p.shape[0]):
        acc += w[i] * (float(y[i]) - p[i])
        if i == p.shape[0] - 1 or p[i + 1] != p[i]:
            path.append(acc / total)
    sigma = math.sqrt(math.fsum(w * p * (1 - p))) / total
    return np.array(path), sigma


def mp_sup_abs_sf(x):
    """P(max |B| > x) from the theta series, summed by mpmath to convergence."""
    x = mpmath.mpf(x)

    def term(k):
        return (-1) ** k / (2 * k + 1) * mpmath.exp(-((2 * k + 1) ** 2) * mpmath.pi**2 / (8 * x**2))

    return 1 - 4 / mpmath.pi * mpmath.nsum(term, [0, mpmath.inf])


def mp_sup_abs_sf_images(x):
    """The same law from the method of images (accurate in the far tail)."""
    x = mpmath.mpf(x)
    return 4 * mpmath.nsum(lambda k: (-1) ** k * mpmath.ncdf(-(2 * k + 1) * x), [0, mpmath.inf])


def mp_range_sf(x):
    """P(range of B > x) from Feller's density 8 sum (-1)^(k-1) k^2 phi(k x)."""
    x = mpmath.mpf(x)
    return 8 * mpmath.nsum(lambda k: (-1) ** (k - 1) * k * mpmath.ncdf(-k * x), [1, mpmath.inf])


def mp_range_sf_theta(x):
    """The same law, Poisson-summed (Tygert's ``kuiper`` distribution function)."""
    x = mpmath.mpf(x)

    def term(j):
        jpi = (2 * j + 1) * mpmath.pi
        return (1 / x**2 + 1 / jpi**2) * mpmath.exp(-(jpi**2) / (2 * x**2))

    return 1 - 8 * mpmath.nsum(term, [0, mpmath.inf])


def bins_by_definition(p, w, b):
    """Slices of the b equal-mass bins of the adaptive ECE (ties never split)."""
    cum_w = None if w is None else np.cumsum(w)
    edges = equal_mass_edges(p, w, b, cum_w)
    bounds = np.concatenate(([0], np.searchsorted(p, edges[1:-1], side="right"), [p.shape[0]]))
    return [slice(a, c) for a, c in zip(bounds[:-1], bounds[1:], strict=True) if c > a]


def bin_means(p, y, w, slices):
    w = np.ones_like(p) if w is None else w
    mass = np.array([math.fsum(w[s]) for s in slices])
    mean_p = np.array([math.fsum(w[s] * p[s]) for s in slices]) / mass
    obs = np.array([math.fsum(w[s] * y[s]) for s in slices]) / mass
    return mass, mean_p, obs


def naive_sweep(p, y, w):
    """Roelofs et al.'s sweep on the bins of the definition, b = 2, 3, ... by a loop."""
    n = p.shape[0]
    b_max = max(1, n - 1)  # weights as frequencies: counts as repeated rows, others sum to n
    if w is not None and np.all(w == np.round(w)):
        b_max = max(1, min(math.ceil(math.fsum(w)), 64 * n + 1) - 1)
    chosen = b_max
    for b in range(2, b_max + 1):
        _, _, obs = bin_means(p, y, w, bins_by_definition(p, w, b))
        if np.any(np.diff(obs) < 0):
            chosen = b - 1
            break
    mass, mean_p, obs = bin_means(p, y, w, bins_by_definition(p, w, chosen))
    return math.fsum(mass * np.abs(mean_p - obs)) / math.fsum(mass), chosen


def caltrain_sweep(p, y):
    """``em_monotonic_sweep`` of Roelofs et al.'s caltrain, for sorted tie-free data."""
    n = p.shape[0]

    def ece_and_monotone(b):
        bins = np.minimum(b - 1, np.floor(np.arange(n) / n * b)).astype(int)
        ece, last, monotone = 0.0, -1000.0, True
        for i in range(b):
            cur = bins == i
            if cur.any():
                ym = y[cur].mean()
                monotone &= not ym < last
                last = ym
                ece += cur.sum() * abs(ym - p[cur].mean())
        return ece / n, monotone

    chosen = 1
    for b in range(2, n):
        if not ece_and_monotone(b)[1]:
            break
        chosen = b
    return ece_and_monotone(chosen)[0], chosen


def kumar_unbiased_square(p, y, n_bins):
    """Kumar et al.'s ``unbiased_square_ce`` on equal-count bins of tie-free data."""
    total = 0.0
    for pb, yb in zip(
        np.array_split(p, n_bins), np.array_split(y.astype(float), n_bins), strict=True
    ):
        if pb.shape[0] >= 2:
            ybar = yb.mean()
            total += pb.shape[0] * ((pb.mean() - ybar) ** 2 - ybar * (1 - ybar) / (pb.shape[0] - 1))
    return total / p.shape[0]


def sorted_sample(rng, n, calibration=lambda q: q, decimals=None):
    p = np.sort(rng.random(n))
    if decimals is not None:
        p = np.round(p, decimals)
    y = rng.random(n) < calibration(p)
    order = np.lexsort((~y, p))  # positives first within ties, as the report sorts
    return p[order], y[order]


# --- Kolmogorov-Smirnov and Kuiper ---------------------------------------------------------


@pytest.mark.parametrize("decimals", [None, 1, 2], ids=["distinct", "ties-1", "ties-2"])
@pytest.mark.parametrize("weighted", [False, True], ids=["unweighted", "weighted"])
def test_cumulative_statistics_match_a_loop(decimals, weighted):
    rng = np.random.default_rng(0)
    p, y = sorted_sample(rng, 400, lambda q: q**1.3, decimals)
    w = rng.uniform(0.1, 3.0, p.shape[0]) if weighted else None
    path, sigma = naive_path(p, y, w)
    ks, kuiper = cumulative_tests(p, y, w)
    assert ks.statistic == pytest.approx(np.abs(path).max(), rel=1e-12)
    assert kuiper.statistic == pytest.approx(path.max() - path.min(), rel=1e-12)
    assert ks.pvalue == pytest.approx(float(mp_sup_abs_sf(ks.statistic / sigma)), rel=1e-9)
    assert kuiper.pvalue == pytest.approx(float(mp_range_sf(kuiper.statistic / sigma)), rel=1e-9)
    assert ks_calibration(p, y, w) == ks and kuiper_calibration(p, y, w) == kuiper
    assert isinstance(ks, CumulativeTest)


def test_ties_are_pooled():
    # Within the tie at 0.5 the positive comes first: an unpooled path would
    # reach 0.5 / 3 after it; pooled, the path goes 0 -> 0 (the whole tie).
    p = np.array([0.5, 0.5, 0.9])
    y = np.array([True, False, True])
    ks = ks_calibration(p, y, None)
    assert ks.statistic == pytest.approx(0.1 / 3)


@pytest.mark.parametrize(
    "x", [1e-3, 0.2, 0.5, 0.9, 0.999, 1.0, 1.001, 1.2, 1.5, 2.0, 3.0, 5.0, 8.0, 12.0, 30.0]
)
def test_brownian_series_against_mpmath(x):
    # Both series of each law agree, and the library matches them to
    # relative precision even in the far tail (p-values of 1e-190).
    with mpmath.workdps(40):
        sup = mp_sup_abs_sf_images(x) if x > 0.3 else mp_sup_abs_sf(x)
        rng_sf = mp_range_sf(x) if x > 0.5 else mp_range_sf_theta(x)
        if 0.5 < x < 6:
            assert abs(mp_sup_abs_sf(x) - sup) < 1e-30
            assert abs(mp_range_sf_theta(x) - rng_sf) < 1e-30
    assert brownian_sup_abs_sf(x) == pytest.approx(float(sup), rel=1e-12, abs=1e-300)
    assert brownian_range_sf(x) == pytest.approx(float(rng_sf), rel=1e-12, abs=1e-300)


def test_brownian_series_known_values_and_limits():
    assert brownian_sup_abs_sf(0.0) == 1.0 and brownian_range_sf(0.0) == 1.0
    assert brownian_sup_abs_sf(-1.0) == 1.0 and brownian_range_sf(np.inf) == 0.0
    # Means: E max|B| = sqrt(pi / 2), E range = 2 sqrt(2 / pi) (Feller 1951).
    from scipy.integrate import quad

    mean_sup = quad(brownian_sup_abs_sf, 0, 40, limit=200)[0]
    mean_range = quad(brownian_range_sf, 0, 40, limit=200)[0]
    assert mean_sup == pytest.approx(math.sqrt(math.pi / 2), rel=1e-9)
    assert mean_range == pytest.approx(2 * math.sqrt(2 / math.pi), rel=1e-9)
    x = np.linspace(0.01, 10, 500)
    assert np.all(np.diff(brownian_sup_abs_sf(x)) <= 0)
    assert np.all(np.diff(brownian_range_sf(x)) <= 0)


def brownian_extremes(rng, n_paths, n_steps):
    """Max and min of Brownian paths on [0, 1], exact within each step (bridge maxima)."""
    dt = 1.0 / n_steps
    steps = rng.normal(0.0, math.sqrt(dt), (n_paths, n_steps))
    ends = np.cumsum(steps, axis=1)
    starts = np.concatenate([np.zeros((n_paths, 1)), ends[:, :-1]], axis=1)
    spread = (ends - starts) ** 2
    top = (starts + ends + np.sqrt(spread - 2 * dt * np.log(rng.random(spread.shape)))) / 2
    bottom = (starts + ends - np.sqrt(spread - 2 * dt * np.log(rng.random(spread.shape)))) / 2
    return top.max(axis=1), bottom.min(axis=1)


def test_brownian_laws_against_monte_carlo():
    # Within each step the maximum of the Brownian bridge between the two
    # endpoints has P(M > m) = exp(-2 (m - a)(m - b) / dt), so the simulated
    # extremes carry no discretisation bias; the survival functions applied
    # to them must then be uniform.
    rng = np.random.default_rng(0)
    top, bottom = brownian_extremes(rng, 20_000, 64)
    sup_abs = np.maximum(top, -bottom)
    assert stats.kstest(brownian_sup_abs_sf(sup_abs), "uniform").pvalue > 0.01
    assert stats.kstest(brownian_range_sf(top - bottom), "uniform").pvalue > 0.01
    # and they are not interchangeable: the range is not distributed as max |B|
    assert stats.kstest(brownian_sup_abs_sf(top - bottom), "uniform").pvalue < 1e-6


def simulated_pvalues(calibration, n_sims=300, n=600, seed=0, decimals=None):
    rng = np.random.default_rng(seed)
    out = np.empty((n_sims, 2))
    for i in range(n_sims):
        p, y = sorted_sample(rng, n, calibration, decimals=decimals)
        ks, kuiper = cumulative_tests(p, y, None)
        out[i] = ks.pvalue, kuiper.pvalue
    return out


def test_pvalues_are_uniform_under_calibration():
    pvalues = simulated_pvalues(lambda q: q)
    assert stats.kstest(pvalues[:, 0], "uniform").pvalue > 0.01
    assert stats.kstest(pvalues[:, 1], "uniform").pvalue > 0.01


def test_pvalues_are_conservative_for_tied_predictions():
    # 101 distinct predictions: the pooled path is read at 101 points only,
    # so its extremes fall short of the Brownian ones and the p-values are
    # larger than uniform (the tests reject less often than their level).
    pvalues = simulated_pvalues(lambda q: q, decimals=2)
    assert np.all(np.mean(pvalues < 0.05, axis=0) <= 0.05 + 2.5 * math.sqrt(0.05 * 0.95 / 300))
    assert stats.kstest(pvalues[:, 1], "uniform", alternative="less").pvalue < 0.01


@pytest.mark.parametrize(
    "calibration",
    [lambda q: np.clip(q + 0.08, 0, 1), lambda q: q**2, lambda q: 0.5 + 0.6 * (q - 0.5)],
    ids=["shifted", "overconfident-high", "overconfident"],
)
def test_pvalues_reject_miscalibration(calibration):
    pvalues = simulated_pvalues(calibration, n_sims=40, n=2000, seed=1)
    assert np.mean(pvalues < 0.05, axis=0).min() > 0.9


def test_certain_predictions_have_no_variance():
    p = np.array([0.0, 0.0, 1.0, 1.0])
    right = cumulative_tests(p, np.array([False, False, True, True]), None)
    assert right[0] == (0.0, 1.0) and right[1] == (0.0, 1.0)
    wrong = cumulative_tests(p, np.array([False, True, True, True]), None)
    assert wrong[0] == (0.25, 0.0) and wrong[1] == (0.25, 0.0)


@pytest.mark.parametrize(("p", "y"), [(0.5, True), (0.2, False), (1.0, True)])
def test_one_sample(p, y):
    ks, kuiper = cumulative_tests(np.array([p]), np.array([y]), None)
    gap = float(y) - p
    assert ks.statistic == pytest.approx(abs(gap)) and kuiper.statistic == pytest.approx(abs(gap))
    sigma = math.sqrt(p * (1 - p))
    expected = (1.0 if gap == 0 else 0.0) if sigma == 0 else brownian_sup_abs_sf(abs(gap) / sigma)
    assert ks.pvalue == pytest.approx(expected)


@settings(max_examples=40, deadline=None)
@given(
    st.lists(
        st.tuples(st.sampled_from([0.0, 0.3, 0.5, 1.0]), st.booleans()), min_size=1, max_size=3
    )
)
def test_tiny_samples(rows):
    # 1 to 3 samples, certain predictions included: finite results, no warning
    # (warnings are errors here), and the definitions by loop.
    p, y, _ = sorted_rows([8 * q for q, _ in rows], [t for _, t in rows], [1] * len(rows))
    path, sigma = naive_path(p, y, None)
    ks, kuiper = cumulative_tests(p, y, None)
    assert ks.statistic == pytest.approx(np.abs(path).max(), abs=1e-15)
    assert kuiper.statistic == pytest.approx(path.max() - path.min(), abs=1e-15)
    assert 0.0 <= ks.pvalue <= 1.0 and 0.0 <= kuiper.pvalue <= 1.0
    if sigma == 0:
        assert ks.pvalue == (1.0 if ks.statistic == 0 else 0.0)
    ece, n_bins = naive_sweep(p, y, None)
    assert ece_sweep(p, y, None) == (pytest.approx(ece, abs=1e-15), n_bins)
    n_bins = min(DEBIASED_N_BINS, p.shape[0])
    mass, mean_p, obs = bin_means(p, y, None, bins_by_definition(p, None, n_bins))
    enough = mass >= 2
    terms = (mean_p - obs) ** 2 - obs * (1 - obs) / np.where(enough, mass - 1, 1)
    expected = math.sqrt(max(0.0, np.sum(np.where(enough, mass * terms, 0.0)) / mass.sum()))
    assert debiased_rmsce(p, y, None) == pytest.approx(expected, abs=1e-15)


def test_empty_input_is_refused():
    empty = np.array([])
    for func in (ks_calibration, kuiper_calibration, debiased_rmsce, ece_sweep):
        with pytest.raises(ValueError, match="p_s must hold at least one sample"):
            func(empty, empty.astype(bool), None)


def test_huge_and_tiny_weights_are_scale_free():
    rng = np.random.default_rng(3)
    p, y = sorted_sample(rng, 300, decimals=2)
    w = rng.uniform(0.5, 2.0, p.shape[0])
    ks, kuiper = cumulative_tests(p, y, w)
    for factor in (2.0**-900, 2.0**900):
        scaled = cumulative_tests(p, y, w * factor)
        assert scaled[0].statistic == pytest.approx(ks.statistic, rel=1e-12)
        assert scaled[1].statistic == pytest.approx(kuiper.statistic, rel=1e-12)
        # frequencies: the p-value follows the total weight
        z = ks.statistic / (naive_path(p, y, w)[1] / math.sqrt(factor))
        assert scaled[0].pvalue == pytest.approx(float(brownian_sup_abs_sf(z)), abs=1e-12)


# --- debiased RMSCE ------------------------------------------------------------------------


def test_debiased_rmsce_matches_kumar_on_tie_free_data():
    # 450 samples: bins of equal counts, the same in both conventions.
    rng = np.random.default_rng(4)
    p, y = sorted_sample(rng, 450, lambda q: q**1.5)
    expected = kumar_unbiased_square(p, y, DEBIASED_N_BINS)
    assert debiased_rmsce(p, y, None) == pytest.approx(math.sqrt(max(expected, 0.0)), rel=1e-12)
    assert debiased_rmsce(p, y, None, n_bins=9) == pytest.approx(
        math.sqrt(max(kumar_unbiased_square(p, y, 9), 0.0)), rel=1e-12
    )


def test_debiased_rmsce_is_unbiased_where_the_plug_in_is_not():
    # Fixed predictions, outcomes drawn from the known calibration function
    # c(p) = p**2.  The target is the squared error of the binned model,
    # sum_k (n_k / n) (mean p - mean c(p))**2 over the 15 bins.  The plug-in
    # estimate adds the variance of each bin's frequency (about 0.008 here);
    # the debiased one removes it up to the within-bin spread of c.
    rng = np.random.default_rng(5)
    n, n_bins = 300, DEBIASED_N_BINS
    p = np.sort(rng.random(n))
    c = p**2
    target = sum(
        pb.shape[0] / n * (pb.mean() - cb.mean()) ** 2
        for pb, cb in zip(np.array_split(p, n_bins), np.array_split(c, n_bins), strict=True)
    )
    debiased, plug_in = [], []
    for _ in range(400):
        y = rng.random(n) < c
        debiased.append(debiased_rmsce(p, y, None) ** 2)
        plug_in.append(
            sum(
                pb.shape[0] / n * (pb.mean() - yb.mean()) ** 2
                for pb, yb in zip(np.array_split(p, n_bins), np.array_split(y, n_bins), strict=True)
            )
        )
    assert min(debiased) > 0  # no clipping: the mean of the squares is the estimator's
    assert abs(np.mean(debiased) - target) < 0.0008
    assert np.mean(plug_in) - target > 0.006


def test_debiased_rmsce_clips_at_zero_for_calibrated_data():
    rng = np.random.default_rng(6)
    values = []
    for _ in range(50):
        p, y = sorted_sample(rng, 300)
        values.append(debiased_rmsce(p, y, None))
    assert min(values) == 0.0  # negative estimates are clipped ...
    assert np.mean(values) < 0.05  # ... and the rest stays small


def test_debiased_rmsce_tiny_bins_contribute_zero():
    # One sample per bin: no variance estimate, every bin contributes zero.
    p = np.array([0.1, 0.4, 0.8])
    assert debiased_rmsce(p, np.array([True, False, False]), None, n_bins=3) == 0.0
    # Weights summing to 2 in a bin make it count (frequency weights).
    w = np.array([2.0, 2.0, 2.0])
    y = np.array([True, False, False])
    expected = math.sqrt((0.9**2 + 0.4**2 + 0.8**2) / 3)  # ybar in {0, 1}: no variance
    assert debiased_rmsce(p, y, w, n_bins=3) == pytest.approx(expected)


@pytest.mark.parametrize("n_bins", [0, -1, 2.5, True, "15"])
def test_debiased_rmsce_rejects_bad_n_bins(n_bins):
    p = np.array([0.2, 0.7])
    with pytest.raises(ValueError, match="n_bins"):
        debiased_rmsce(p, np.array([False, True]), None, n_bins=n_bins)


# --- monotone sweep ECE --------------------------------------------------------------------


def test_sweep_doctest_example_explained():
    # 2 bins: frequencies 1/4, 3/4; 3 bins (3, 3, 2 samples): 1/3, 1/3, 1
    # (equal frequencies keep monotonicity); 4 bins: 1/2, 0, 1/2, 1 drops.
    p = np.array([0.1, 0.2, 0.3, 0.4, 0.6, 0.7, 0.8, 0.9])
    y = np.array([False, True, False, False, True, False, True, True])
    result = ece_sweep(p, y, None)
    assert isinstance(result, SweepECE) and result.n_bins == 3
    expected = (3 * abs(0.2 - 1 / 3) + 3 * abs(1.7 / 3 - 1 / 3) + 2 * abs(0.85 - 1)) / 8
    assert result.statistic == pytest.approx(expected)


def test_sweep_stops_at_the_first_drop():
    # 12 samples.  4 bins of 3: frequencies 0, 1/3, 1/3, 1 (monotone), but
    # 3 bins of 4: 1/4, 0, 3/4 drop, so the sweep stops there and keeps 2
    # bins (frequencies 1/6, 2/3), as Roelofs et al.'s code does, although a
    # larger number of bins is monotone again.
    p = np.linspace(0.05, 0.95, 12)
    y = np.array([0, 0, 0, 1, 0, 0, 0, 0, 1, 1, 1, 1], dtype=bool)
    assert ece_sweep(p, y, None).n_bins == 2


def test_sweep_one_bin_when_two_already_drop():
    p = np.array([0.1, 0.2, 0.3, 0.4])
    y = np.array([True, True, False, False])
    result = ece_sweep(p, y, None)
    assert result == (pytest.approx(abs(0.25 - 0.5)), 1)


@pytest.mark.parametrize(
    "y",
    [[False] * 6, [True] * 6, [False, False, False, True, True, True]],
    ids=["no-positive", "no-negative", "separated"],
)
def test_sweep_goes_to_n_minus_one_when_always_monotone(y):
    p = np.linspace(0.1, 0.9, 6)
    y = np.array(y)
    result = ece_sweep(p, y, None)
    assert result.n_bins == 5
    assert result.statistic == pytest.approx(naive_sweep(p, y, None)[0])


def test_sweep_shortcut_when_the_finest_bins_are_monotone():
    # 3000 samples: 1400 negatives, a tie of mixed labels, 1400 positives.
    # One bin per distinct prediction is monotone (0, ..., 0, 1/2, 1, ..., 1),
    # hence every binning is, and the sweep ends at n - 1 bins without
    # visiting each b (it checks the finest bins past 1024 bins).
    p = np.concatenate(
        [np.linspace(0.01, 0.4, 1400), np.full(200, 0.5), np.linspace(0.6, 0.99, 1400)]
    )
    y = np.concatenate([np.zeros(1400, bool), np.tile([True, False], 100), np.ones(1400, bool)])
    order = np.lexsort((~y, p))
    result = ece_sweep(p[order], y[order], None)
    assert result.n_bins == 2999


def prefix_sweep(p, y):
    """The sweep on tie-free unweighted data, each b from prefix sums (b = 2, 3, ...)."""
    n = p.shape[0]
    cum_y = np.concatenate(([0], np.cumsum(y)))
    cum_p = np.concatenate(([0.0], np.cumsum(p)))

    def bins(b):
        bounds = -((-np.arange(b + 1) * n) // b)  # ceil(k n / b)
        count = np.diff(bounds)
        keep = count > 0
        return count[keep], np.diff(cum_y[bounds])[keep], np.diff(cum_p[bounds])[keep]

    chosen = n - 1
    for b in range(2, n):
        count, pos, _ = bins(b)
        if np.any(np.diff(pos / count) < 0):
            chosen = b - 1
            break
    count, pos, pred = bins(max(chosen, 1))
    return np.sum(np.abs(pred - pos)) / n, max(chosen, 1)


@pytest.mark.parametrize("noise", [0, 3, 30], ids=["swapped-pair", "band-3", "band-30"])
def test_sweep_on_nearly_separated_data(noise):
    # All negatives then all positives but for a short band in the middle:
    # the sweep goes past a thousand bins (where it reads the band through a
    # window of prefix sums) before the bins are small enough to drop.
    rng = np.random.default_rng(noise)
    n = 4000
    p = np.linspace(0.01, 0.99, n)
    y = p > 0.5
    middle = n // 2
    y[middle - 1], y[middle] = True, False
    if noise:
        y[middle - noise : middle + noise] = rng.random(2 * noise) < 0.5
    ece, n_bins = prefix_sweep(p, y)
    result = ece_sweep(p, y, None)
    assert n_bins > 1024 or noise
    assert result.n_bins == n_bins
    assert result.statistic == pytest.approx(ece, rel=1e-12)
    weighted = ece_sweep(p, y, np.full(n, 2.0))  # every row twice: the cap doubles
    assert weighted.n_bins == (n_bins if n_bins < n - 1 else 2 * n - 1)


@pytest.mark.parametrize("seed", range(6))
def test_sweep_matches_caltrain_on_tie_free_data(seed):
    rng = np.random.default_rng(seed)
    n = int(rng.integers(5, 120))
    p, y = sorted_sample(rng, n, lambda q: q ** rng.uniform(0.5, 2))
    ece, n_bins = caltrain_sweep(p, y)
    result = ece_sweep(p, y, None)
    assert result.n_bins == n_bins
    assert result.statistic == pytest.approx(ece, rel=1e-12, abs=1e-15)


@pytest.mark.parametrize("seed", range(4))
def test_sweep_matches_the_definition_on_tied_float32_data(seed):
    # float32 predictions rounded to few values: many ties, never split.
    rng = np.random.default_rng(seed)
    p32 = np.round(rng.random(400).astype(np.float32) * 20) / np.float32(20)
    y = rng.random(400) < p32
    p = p32.astype(np.float64)
    order = np.lexsort((~y, p))
    p, y = p[order], y[order]
    ece, n_bins = naive_sweep(p, y, None)
    result = ece_sweep(p, y, None)
    assert result.n_bins == n_bins
    assert result.statistic == pytest.approx(ece, rel=1e-12)
    path, _ = naive_path(p, y, None)
    assert ks_calibration(p, y, None).statistic == pytest.approx(np.abs(path).max(), rel=1e-12)


def test_sweep_at_scale_is_fast_and_finds_many_bins():
    rng = np.random.default_rng(7)
    p, y = sorted_sample(rng, 200_000)
    result = ece_sweep(p, y, None)
    assert 5 < result.n_bins < 400
    slices = bins_by_definition(p, None, result.n_bins)
    mass, mean_p, obs = bin_means(p, y, None, slices)
    assert np.all(np.diff(obs) >= 0)
    assert result.statistic == pytest.approx(np.sum(mass * np.abs(mean_p - obs)) / p.shape[0])
    _, _, obs_next = bin_means(p, y, None, bins_by_definition(p, None, result.n_bins + 1))
    assert np.any(np.diff(obs_next) < 0)


def test_one_pass_gives_both():
    rng = np.random.default_rng(8)
    p, y = sorted_sample(rng, 1000, lambda q: q**1.2, decimals=3)
    w = rng.uniform(0.5, 2, p.shape[0])
    rmsce, sweep = binning_free_errors(p, y, w, n_bins=12)
    assert rmsce == debiased_rmsce(p, y, w, n_bins=12) and sweep == ece_sweep(p, y, w)


# --- weights: integer weights equal repeated rows ------------------------------------------

data = st.integers(1, 40).flatmap(
    lambda n: st.tuples(
        st.lists(st.integers(0, 8), min_size=n, max_size=n),
        st.lists(st.booleans(), min_size=n, max_size=n),
        st.lists(st.integers(1, 4), min_size=n, max_size=n),
    )
)


def sorted_rows(values, labels, weights):
    p = np.array(values, dtype=np.float64) / 8.0
    y = np.array(labels)
    w = np.array(weights, dtype=np.float64)
    order = np.lexsort((~y, p))
    return p[order], y[order], w[order]


@settings(max_examples=60, deadline=None)
@given(data)
def test_integer_weights_equal_repeated_rows(rows):
    p, y, w = sorted_rows(*rows)
    rep = np.repeat(np.arange(p.shape[0]), w.astype(int))
    pr, yr = p[rep], y[rep]
    for weighted, repeated in zip(
        cumulative_tests(p, y, w), cumulative_tests(pr, yr, None), strict=True
    ):
        assert weighted.statistic == pytest.approx(repeated.statistic, rel=1e-12, abs=1e-15)
        assert weighted.pvalue == pytest.approx(repeated.pvalue, rel=1e-9, abs=1e-15)
    n_bins = min(DEBIASED_N_BINS, pr.shape[0])
    assert debiased_rmsce(p, y, w, n_bins=n_bins) == pytest.approx(
        debiased_rmsce(pr, yr, None, n_bins=n_bins), rel=1e-9, abs=1e-12
    )
    weighted, repeated = ece_sweep(p, y, w), ece_sweep(pr, yr, None)
    assert weighted.n_bins == repeated.n_bins
    assert weighted.statistic == pytest.approx(repeated.statistic, rel=1e-12, abs=1e-15)


@settings(max_examples=40, deadline=None)
@given(data)
def test_weighted_sweep_matches_the_definition(rows):
    p, y, w = sorted_rows(*rows)
    w = w * 0.75  # not integers: frequencies that sum to n, so the cap is n - 1
    ece, n_bins = naive_sweep(p, y, w)
    result = ece_sweep(p, y, w)
    assert result.n_bins == n_bins
    assert result.statistic == pytest.approx(ece, rel=1e-12, abs=1e-15)
