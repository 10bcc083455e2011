"""The fast paths of the calibration report against direct, sample-by-sample oracles.

The logistic fits on logit segments (Taylor moments), the quantiles of
ascending runs, the weighted sort with packed indices and the run sums of
the sample pass each replace a direct computation; here each is checked
against that direct computation (``math.fsum`` over the samples, numpy's
quantiles of repeated rows, ``argsort``, ``bincount``).
"""

import math

import numpy as np
import pytest
from scipy.special import expit, log_expit

from skbce._calibration.logistic import logistic_recalibration
from skbce._calibration.logit_segments import REACH, logit_segments, model_sums
from skbce._calibration.run_quantiles import run_quantiles
from skbce._calibration.sample_pass import sample_sums
from skbce._calibration.sorting import sort_by_prediction


def _data(n, seed=0, ties=False):
    rng = np.random.default_rng(seed)
    p = rng.beta(2, 5, n)
    if ties:
        p = np.round(p, 3)
    y = (rng.random(n) < p**1.2).astype(np.float64)
    return y, p, rng.random(n)


def _direct_sums(p, y, w, a, b):
    """Log-likelihood, score and information of ``logit P(y) = a + b x``, sample by sample."""
    x = np.log(p) - np.log1p(-p)
    w = np.ones_like(p) if w is None else w
    eta = a + b * x
    mu, v = expit(eta), expit(eta) * expit(-eta)
    ll = math.fsum(w * (y * log_expit(eta) + (1 - y) * log_expit(-eta)))
    r = w * (y - mu)
    score = [math.fsum(r), math.fsum(r * x)]
    info = [[math.fsum(w * v), math.fsum(w * v * x)], [0.0, math.fsum(w * v * x * x)]]
    info[1][0] = info[0][1]
    return ll, np.array(score), np.array(info)


@pytest.mark.parametrize("n", [7, 500, 200_000], ids=["one-by-one", "small", "segments"])
@pytest.mark.parametrize("weighted", [False, True], ids=["unweighted", "weighted"])
@pytest.mark.parametrize("slope", [0.3, 1.0, 3.9])
def test_segment_sums_equal_the_sums_over_samples(n, weighted, slope):
    y, p, w = _data(n, seed=n)
    p_s, y_s, w_s = sort_by_prediction(y, p, w if weighted else None)
    seg = logit_segments(p_s, y_s, w_s, REACH / 4.0)
    ll, score, info = model_sums(seg, -0.4, slope)
    ll0, score0, info0 = _direct_sums(p_s, y_s, w_s, -0.4, slope)
    assert ll == pytest.approx(ll0, rel=1e-12)
    # the score is a difference of sums of the size of the data: compare on that scale
    scale = math.fsum(np.ones_like(p_s) if w_s is None else w_s)
    np.testing.assert_allclose(score, score0, rtol=0, atol=1e-12 * scale)
    np.testing.assert_allclose(info, info0, rtol=1e-12)


def _direct_fit(p, y, w, slope=True):
    """Newton's method on the direct sums, to convergence."""
    theta = np.array([0.0, 1.0])
    for _ in range(50):
        _, score, info = _direct_sums(p, y, w, theta[0], theta[1] if slope else 1.0)
        if slope:
            step = np.linalg.solve(info, score)
        else:
            step = np.array([score[0] / info[0, 0], 0.0])
        theta = theta + step
        if np.max(np.abs(step)) < 1e-14:
            break
    return theta, info


@pytest.mark.parametrize("case", ["plain", "weighted", "steep"])
def test_logistic_fits_match_newton_on_the_samples(case):
    y, p, w = _data(50_000, seed=3)
    if case == "steep":  # predictions far too modest: a slope of about 8, a second pass
        p = expit(0.12 * (np.log(p) - np.log1p(-p)))
        y = (np.random.default_rng(4).random(p.shape[0]) < expit(8 * np.log(p / (1 - p)))) * 1.0
    weights = w if case == "weighted" else None
    p_s, y_s, w_s = sort_by_prediction(y, p, weights)
    slope, intercept, citl = logistic_recalibration(p_s, y_s, w_s, 0.95)
    theta, info = _direct_fit(p_s, y_s, w_s)
    assert slope.estimate == pytest.approx(theta[1], rel=1e-11)
    assert intercept.estimate == pytest.approx(theta[0], rel=1e-11, abs=1e-13)
    se = math.sqrt(np.linalg.inv(info)[1, 1])
    assert (slope.high - slope.low) / 2 == pytest.approx(1.959963984540054 * se, rel=1e-9)
    offset, _ = _direct_fit(p_s, y_s, w_s, slope=False)
    assert citl.estimate == pytest.approx(offset[0], rel=1e-11, abs=1e-13)


@pytest.mark.parametrize("seed", range(4))
def test_run_quantiles_are_type_7_of_repeated_rows(seed):
    rng = np.random.default_rng(seed)
    lengths = rng.integers(1, 3000, 40)
    runs, start = [], 0
    for length in lengths.tolist():
        runs.append((start, start + length))
        start += length
    values = np.concatenate([np.sort(np.round(rng.random(k), 2)) for k in lengths])
    q = [0.0, 0.1, 0.5, 0.9, 0.975, 1.0]
    assert np.array_equal(run_quantiles(values, None, runs, q), np.quantile(values, q))
    counts = rng.integers(0, 4, values.shape[0]).astype(np.float64)
    counts[0] = 1.0
    expected = np.quantile(np.repeat(values, counts.astype(int)), q)
    per_run = [counts[a:b] for a, b in runs]
    np.testing.assert_allclose(run_quantiles(values, per_run, runs, q), expected, rtol=1e-15)
    halves = [c / 2 for c in per_run]  # masses given at half their size
    got = run_quantiles(values, halves, runs, q, mass_scale=2.0)
    np.testing.assert_allclose(got, expected, rtol=1e-15)


@pytest.mark.parametrize("ties", [False, True], ids=["continuous", "ties"])
def test_weighted_sort_matches_argsort(ties):
    y, p, w = _data(300_000, seed=5, ties=ties)
    p_s, y_s, w_s = sort_by_prediction(y, p, w)
    order = np.lexsort((y == 0, p))  # by prediction, positives first within ties
    assert np.array_equal(p_s, p[order]) and np.array_equal(y_s, y[order] == 1)
    groups = np.flatnonzero(np.r_[True, (np.diff(p_s) != 0) | (np.diff(y_s) != 0)])
    np.testing.assert_allclose(
        np.add.reduceat(w_s, groups), np.add.reduceat(w[order], groups), rtol=1e-12
    )


def test_sample_pass_grids_equal_scattered_sums():
    y, p, w = _data(100_000, seed=6)
    p_s, y_s, w_s = sort_by_prediction(y, p, w)
    grid = 1025
    sums = sample_sums(p_s, y_s, w_s, (), grid)
    u = p_s * (grid - 1)
    j = np.minimum(np.floor(u).astype(np.intp), grid - 2)
    frac = u - j
    wd = w_s * (p_s - y_s)
    resid = np.bincount(j, wd * (1 - frac), grid) + np.bincount(j + 1, wd * frac, grid)
    mass = np.bincount(j, w_s * (1 - frac), grid) + np.bincount(j + 1, w_s * frac, grid)
    np.testing.assert_allclose(sums["resid_grid"], resid, rtol=1e-10, atol=1e-10)
    np.testing.assert_allclose(sums["mass_grid"], mass, rtol=1e-12)
    assert sums["brier"] == pytest.approx(math.fsum(w_s * (p_s - y_s) ** 2), rel=1e-12)
    sp_var = math.fsum(w_s * (1 - 2 * p_s) ** 2 * p_s * (1 - p_s))
    assert sums["sp_var"] == pytest.approx(sp_var, rel=1e-12)
