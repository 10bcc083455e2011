"""Bootstrap intervals of the report: coverage on known truth, cells, weights, seeds."""

import warnings

import numpy as np
import pytest
from scipy import integrate
from threadpoolctl import threadpool_limits

from skbce._calibration.bootstrap import BOOTSTRAPPED, bootstrap_intervals
from skbce._calibration.flexible_curve import flexible_curve
from skbce._calibration.resampling import MAX_CELLS, basic_interval, make_cells
from skbce._calibration.sorting import sort_by_prediction
from skbce._calibration.statistics import binary_statistics
from skbce._calibration.uncertainty import _estimates, uncertainty


def _population_ece(calibration, n_bins=10):
    """ECE of ``n_bins`` equal-width bins when p is uniform and P(y = 1 | p) = calibration(p)."""
    total = 0.0
    for k in range(n_bins):
        lo, hi = k / n_bins, (k + 1) / n_bins
        observed = integrate.quad(calibration, lo, hi)[0] * n_bins
        total += abs((lo + hi) / 2 - observed) / n_bins
    return total


def _ece_row(t, p, seed, n_resamples):
    p_s, y_s, w_s = sort_by_prediction(t, p)
    stats = binary_statistics(p_s, y_s, w_s)
    stats |= {"eavg": 0.0, "e50": 0.0, "e90": 0.0, "emax": 0.0}  # not looked at here
    estimates = _estimates(stats)
    cells = make_cells(p_s, y_s, None)
    rng = np.random.default_rng(seed)
    with threadpool_limits(1, user_api="blas"):
        rows = bootstrap_intervals(
            cells, p_s, estimates, n_resamples=n_resamples, rng=rng, confidence_level=0.95
        )
    return rows[0]


def test_ece_interval_covers_the_population_ece_of_a_known_miscalibration():
    truth = _population_ece(lambda p: p**2)  # 1/6
    rng = np.random.default_rng(0)
    hits, sims = 0, 100
    for i in range(sims):
        p = rng.uniform(size=400)
        t = (rng.uniform(size=400) < p**2).astype(float)
        row = _ece_row(t, p, i, 60)
        assert row.statistic == "ece" and row.method.startswith("bootstrap basic")
        hits += row.low <= truth <= row.high
    assert 0.90 <= hits / sims <= 0.99, hits / sims


def _fields(t, p, w, seed, n_resamples=40):
    p_s, y_s, w_s = sort_by_prediction(t, p, w)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        stats = binary_statistics(p_s, y_s, w_s)
        stats |= flexible_curve(p_s, y_s, w_s)[1]._asdict()
        return uncertainty(
            p_s, y_s, w_s, stats, n_resamples=n_resamples, random_state=seed, confidence_level=0.9
        )


def _same(a, b):
    for key in ("estimate", "low", "high"):
        np.testing.assert_allclose(a["intervals"][key], b["intervals"][key], rtol=1e-9)
    assert a["intervals"]["method"] == b["intervals"]["method"]
    for band in ("consistency_band", "confidence_band"):
        np.testing.assert_allclose(a[band].low, b[band].low, rtol=1e-9)
        np.testing.assert_allclose(a[band].high, b[band].high, rtol=1e-9)
    assert a["corp_test"].pvalue == b["corp_test"].pvalue


def test_integer_weights_equal_repeated_rows_with_a_fixed_seed():
    # tied predictions (at most 99 values): the cells are exact, so the Poisson draws of a
    # cell's mass are those of its repeated rows
    rng = np.random.default_rng(1)
    p = np.round(rng.uniform(0.01, 0.99, 150), 2)
    t = (rng.uniform(size=150) < p).astype(float)
    w = rng.integers(0, 4, 150)
    weighted = _fields(t, p, w.astype(float), 5)
    repeated = _fields(np.repeat(t, w), np.repeat(p, w), None, 5)
    _same(weighted, repeated)
    assert weighted["intervals"]["method"][4].endswith("exact cells)")


def test_same_random_state_same_numbers_other_seed_other_bootstrap():
    rng = np.random.default_rng(2)
    p = rng.uniform(size=300)
    t = (rng.uniform(size=300) < p).astype(float)
    _same(_fields(t, p, None, 7), _fields(t, p, None, 7))
    _same(_fields(t, p, None, None), _fields(t, p, None, 0))  # None is seed 0
    a, b = _fields(t, p, None, 7), _fields(t, p, None, 8)
    assert a["intervals"]["low"][:4] == b["intervals"]["low"][:4]  # exact rows
    assert a["intervals"]["low"][4:] != b["intervals"]["low"][4:]


def test_without_resamples_bootstrap_rows_have_nan_bounds():
    rng = np.random.default_rng(3)
    p = rng.uniform(size=200)
    t = (rng.uniform(size=200) < p).astype(float)
    found = _fields(t, p, None, 0, n_resamples=0)
    rows = found["intervals"]
    assert rows["statistic"][4:] == list(BOOTSTRAPPED)
    assert all(m == "none (n_resamples=0)" for m in rows["method"][4:])
    assert np.all(np.isnan(rows["low"][4:])) and np.all(np.isfinite(rows["low"][:4]))
    assert found["confidence_band"] is None and np.isnan(found["corp_test"].pvalue)
    assert found["consistency_band"].method.startswith("continuous asymptotics")


def test_bounds_within_the_range_of_each_statistic():
    rng = np.random.default_rng(4)
    p = rng.uniform(size=500)
    t = (rng.uniform(size=500) < p**3).astype(float)
    rows = _fields(t, p, None, 0)["intervals"]
    for key, low, high in zip(
        rows["statistic"][4:], rows["low"][4:], rows["high"][4:], strict=True
    ):
        lo, hi = BOOTSTRAPPED[key]
        assert lo <= low <= high <= hi, key


def test_pooled_cells_above_max_cells_distinct_predictions():
    rng = np.random.default_rng(5)
    n = 20 * MAX_CELLS
    p_s = np.sort(rng.uniform(size=n))
    y_s = rng.uniform(size=n) < p_s
    cells = make_cells(p_s, y_s, None, [np.array([n // 3])])
    assert not cells.exact and MAX_CELLS <= cells.starts.shape[0] <= MAX_CELLS + 1
    assert n // 3 in cells.starts  # cut at the bin bounds
    np.testing.assert_allclose(cells.m1.sum(), y_s.sum())
    np.testing.assert_allclose(cells.m1 @ cells.p1 + cells.m0 @ cells.p0, p_s.sum(), rtol=1e-12)


@pytest.mark.parametrize(
    ("replicates", "estimate", "centre", "expected"),
    [
        ([0.1, 0.2, 0.3], 0.2, 0.2, (0.1, 0.3)),  # symmetric: as the percentile interval
        ([0.3, 0.4, 0.5], 0.2, 0.2, (0.0, 0.2)),  # replicates biased up: moved down, clipped
    ],
    ids=["symmetric", "biased"],
)
def test_basic_interval(replicates, estimate, centre, expected):
    low, high = basic_interval(np.array(replicates), estimate, centre, 1 - 1e-12, (0.0, 1.0))
    np.testing.assert_allclose((low, high), expected, atol=1e-9)


@pytest.mark.parametrize("weighted", [False, True])
def test_cell_means_are_the_masses_and_means_of_the_cells(weighted):
    from skbce._calibration.resampling import cell_means

    rng = np.random.default_rng(3)
    n = 60_000  # above MAX_CELLS distinct predictions and several blocks
    p = np.round(rng.beta(2, 5, n), 4)
    t = (rng.uniform(size=n) < p).astype(float)
    w = rng.uniform(0.1, 3.0, n) if weighted else None
    p_s, y_s, w_s = sort_by_prediction(t, p, w)
    bounds = [np.array([n // 3, n // 2])]
    cells = make_cells(p_s, y_s, w_s, bounds)
    means = cell_means(p_s, w_s, bounds)
    np.testing.assert_array_equal(means.starts, cells.starts)
    np.testing.assert_allclose(means.mass, cells.m1 + cells.m0, rtol=1e-12)
    np.testing.assert_allclose(means.x, cells.x, rtol=1e-12)
    assert means.distinct == cells.distinct == np.unique(p).shape[0]
    # equal-mass cells: each holds about 1 / MAX_CELLS of the mass (ties never split)
    assert means.mass.max() <= means.mass.sum() / MAX_CELLS * 1.5


def test_equal_mass_rows_are_those_of_one_cumulative_sum():
    from skbce._calibration.resampling import _equal_mass_rows

    rng = np.random.default_rng(4)
    for m in (
        rng.uniform(size=50_001),
        np.where(rng.uniform(size=70_000) < 0.99, 0.0, 1e6 * rng.uniform(size=70_000)),
        rng.integers(0, 3, 40_000).astype(float),
    ):
        cum = np.cumsum(m)
        for k in (2, 7, MAX_CELLS):
            expected = np.searchsorted(cum, np.linspace(0.0, cum[-1], k + 1)[1:-1], side="right")
            np.testing.assert_array_equal(_equal_mass_rows(m, k), expected)
