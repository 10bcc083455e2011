"""Bands on the CORP curve and the CORP miscalibration test (Dimitriadis, Gneiting & Jordan)."""

import numpy as np
import pytest
from scipy import stats as st
from threadpoolctl import threadpool_limits

from skbce._calibration.corp_bands import chernoff_quantile, corp_bands
from skbce._calibration.resampling import make_cells
from skbce._calibration.sorting import sort_by_prediction
from skbce._calibration.statistics import binary_statistics


def _bands(p, t, *, n_resamples=50, seed=0, level=0.9):
    p_s, y_s, _ = sort_by_prediction(t, p)
    found = binary_statistics(p_s, y_s, None)
    cells = make_cells(p_s, y_s, None)
    mcb = found["decomposition"]["brier_score"].miscalibration
    with threadpool_limits(1, user_api="blas"):
        bands = corp_bands(
            p_s,
            None,
            cells,
            found["recalibration"],
            mcb,
            n_resamples=n_resamples,
            rng=np.random.default_rng(seed),
            confidence_level=level,
        )
    return (*bands, found["recalibration"])


def _curve_at(recalibration, x):
    """The CORP step curve at the points ``x`` (block ends), linear between blocks."""
    xs = np.column_stack((recalibration.lower, recalibration.upper)).ravel()
    ys = np.repeat(recalibration.value, 2)
    return np.interp(x, xs, ys)


def test_corp_test_pvalues_are_uniform_under_calibration():
    rng = np.random.default_rng(0)
    pvalues = []
    for i in range(150):
        p = rng.uniform(size=100)
        t = (rng.uniform(size=100) < p).astype(float)
        test = _bands(p, t, n_resamples=39, seed=i)[2]
        assert test.method.startswith("Bernoulli resampling")
        pvalues.append(test.pvalue)
    assert st.kstest(pvalues, "uniform").pvalue > 0.01


def test_corp_test_rejects_a_known_miscalibration():
    rng = np.random.default_rng(1)
    rejected = 0
    for i in range(20):
        p = rng.uniform(size=400)
        t = (rng.uniform(size=400) < p**2).astype(float)  # over-predicts
        rejected += _bands(p, t, n_resamples=99, seed=i)[2].pvalue <= 0.05
    assert rejected >= 18


def test_consistency_band_holds_the_curve_of_calibrated_predictions_at_about_its_level():
    # under calibration the CORP curve falls in the consistency band pointwise at about its level
    # (and holds the diagonal nearly everywhere: it is built around it)
    rng = np.random.default_rng(2)
    inside = diagonal = total = 0
    for i in range(40):
        p = rng.uniform(0.05, 0.95, 300)
        t = (rng.uniform(size=300) < p).astype(float)
        band, _, _, recal = _bands(p, t, n_resamples=60, seed=i)
        assert band.method.startswith("resampling")
        curve = _curve_at(recal, band.x)
        inside += np.count_nonzero((band.low <= curve + 1e-12) & (curve - 1e-12 <= band.high))
        diagonal += np.count_nonzero((band.low <= band.x) & (band.x <= band.high))
        total += band.x.shape[0]
    assert 0.8 <= inside / total <= 0.97  # 90% band from 60 resamples: tails a bit short
    assert diagonal / total >= 0.9


def test_confidence_band_holds_the_true_curve_at_about_its_level():
    rng = np.random.default_rng(3)
    inside = total = 0
    for i in range(40):
        p = rng.uniform(0.05, 0.95, 300)
        t = (rng.uniform(size=300) < p**2).astype(float)
        _, band, _, _ = _bands(p, t, n_resamples=60, seed=i)
        central = (band.x > 0.2) & (band.x < 0.8)  # the boundary blocks are biased
        truth = band.x[central] ** 2
        inside += np.count_nonzero((band.low[central] <= truth) & (truth <= band.high[central]))
        total += np.count_nonzero(central)
    assert 0.75 <= inside / total <= 0.99


@pytest.mark.parametrize(
    ("n", "levels", "method"),
    [
        (800, None, "resampling"),
        (20000, None, "continuous asymptotics"),
        (20000, 11, "discrete asymptotics"),
    ],
    ids=["resampling", "continuous", "discrete"],
)
def test_switch_to_asymptotics_where_reliabilitydiag_does(n, levels, method):
    rng = np.random.default_rng(4)
    p = rng.uniform(0.05, 0.95, n)
    if levels is not None:
        p = np.round(p * (levels - 1)) / (levels - 1)
        p = np.clip(p, 0.05, 0.95)
    t = (rng.uniform(size=n) < p).astype(float)
    band, confidence, test, recal = _bands(p, t, n_resamples=30)
    assert band.method.startswith(method)
    assert np.all(np.isfinite(band.low)) and np.all(band.low <= band.high)
    assert confidence.method.startswith("resampling") and 0 < test.pvalue <= 1
    np.testing.assert_array_equal(band.x, np.unique(np.r_[recal.lower, recal.upper]))


def test_continuous_asymptotic_band_holds_calibrated_curves():
    rng = np.random.default_rng(5)
    inside = total = 0
    for i in range(8):
        p = rng.uniform(size=20000)
        t = (rng.uniform(size=20000) < p).astype(float)
        band, _, _, recal = _bands(p, t, n_resamples=0, seed=i)
        curve = _curve_at(recal, band.x)
        central = (band.x > 0.1) & (band.x < 0.9)
        c, lo, hi = curve[central], band.low[central], band.high[central]
        inside += np.count_nonzero((lo <= c) & (c <= hi))
        total += np.count_nonzero(central)
    assert 0.8 <= inside / total <= 0.99


@pytest.mark.parametrize(
    ("q", "expected"),
    [(0.90, 0.664235), (0.95, 0.845081), (0.99, 1.171530)],
)
def test_chernoff_quantiles(q, expected):
    # Groeneboom & Wellner (2001), "Computing Chernoff's distribution", Table 2
    assert chernoff_quantile(q) == pytest.approx(expected, abs=2e-4)
