"""The lowess smoother: R's ``lowess(x, y, iter = 0)``, its binned approximation, its band."""

import sys
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.special import expit

from skbce._calibration.flexible_curve import flexible_curve, weighted_quantile
from skbce._calibration.lowess import EXACT_MAX, lowess

sys.path.insert(0, str(Path(__file__).parent))
from r_oracle import run_r  # noqa: E402


def _sets():
    rng = np.random.default_rng(0)
    out = {
        "two": (np.array([0.3, 0.7]), np.array([0.0, 1.0])),
        "three_tied": (np.array([0.5, 0.5, 0.2]), np.array([1.0, 0.0, 0.0])),
        "all_tied": (np.full(5, 0.4), np.array([1.0, 0.0, 0.0, 1.0, 1.0])),
    }
    for n in (7, 31, 400, 3000):
        x = expit(rng.normal(-1.0, 1.5, n))
        out[f"logitnormal_{n}"] = (x, (rng.uniform(size=n) < x).astype(float))
    x = np.round(rng.beta(0.5, 3.0, 2000), 2)  # heavy ties, skewed
    out["ties"] = (x, (rng.uniform(size=2000) < x).astype(float))
    x = np.concatenate([rng.uniform(0.0, 0.01, 300), [0.9, 0.95, 1.0]])  # gaps: fits at every point
    out["gap"] = (x, (rng.uniform(size=303) < 0.3).astype(float))
    return out


def test_matches_r_lowess():
    sets = _sets()
    names = list(sets)
    x = np.concatenate([sets[k][0] for k in names])
    y = np.concatenate([sets[k][1] for k in names])
    group = np.concatenate([np.full(sets[k][0].shape, i) for i, k in enumerate(names)])
    code = r"""
    one <- function(s) {
      sm <- lowess(s$x, s$y, iter = 0)
      if (length(unique(sm$x)) == 1) return(list(y = rep(mean(sm$y), nrow(s))))
      list(y = approx(sm, xout = sort(s$x), ties = mean)$y)
    }
    result <- lapply(split(d, d$g), one)
    """
    r = run_r(code, x=x, y=y, g=group)
    for i, name in enumerate(names):
        xs, ys = sets[name]
        order = np.argsort(xs, kind="stable")
        fit = lowess(xs[order], ys[order])
        expected = np.atleast_1d(np.asarray(r[str(i)]["y"], dtype=float))
        np.testing.assert_allclose(
            fit.at(xs[order]), expected, rtol=1e-10, atol=1e-12, err_msg=name
        )


@pytest.mark.parametrize(
    "draw",
    [
        lambda rng, n: rng.uniform(0.0, 1.0, n),
        lambda rng, n: expit(rng.normal(-2.0, 2.0, n)),
        lambda rng, n: rng.beta(0.5, 5.0, n),
    ],
    ids=["uniform", "logitnormal", "skewed"],
)
def test_binned_within_documented_bound_at_the_switch(draw):
    """At the switch-over size the binned curve is within 5e-5 of the exact one."""
    rng = np.random.default_rng(1)
    x = np.sort(draw(rng, EXACT_MAX))
    y = rng.uniform(size=x.shape[0]) < expit(1.4 * np.log(x / (1 - x)) + 0.3)
    exact = lowess(x, y)
    binned = lowess(x, y, exact_max=EXACT_MAX - 1)
    assert not exact.binned and binned.binned
    assert np.max(np.abs(exact.at(x) - binned.at(x))) < 5e-5


def test_binned_weighted_close_to_exact():
    rng = np.random.default_rng(2)
    x = np.sort(rng.uniform(0.0, 1.0, 20_000))
    y = rng.uniform(size=x.shape[0]) < x
    w = rng.integers(1, 4, x.shape[0]).astype(float)
    exact = lowess(x, y, w)
    binned = lowess(x, y, w, exact_max=1000)
    assert np.max(np.abs(exact.at(x) - binned.at(x))) < 5e-5


def test_weights_are_repeated_rows_and_zero_weights_removed_rows():
    rng = np.random.default_rng(3)
    x = np.sort(np.round(rng.uniform(0.0, 1.0, 300), 2))
    y = rng.uniform(size=300) < x
    w = rng.integers(0, 4, 300)
    a = lowess(x, y, w.astype(float))
    b = lowess(np.repeat(x, w), np.repeat(y, w))
    np.testing.assert_allclose(a.at(x), b.at(x), rtol=1e-12, atol=1e-14)


def test_band_covers_the_truth_at_about_its_level():
    """Calibrated data (truth on the diagonal, linear): 95% bands cover it 88-99% of the time."""
    rng = np.random.default_rng(4)
    probes = np.array([0.2, 0.5, 0.8])
    covered = []
    for _ in range(120):
        p = np.sort(rng.uniform(0.05, 0.95, 400))
        y = rng.uniform(size=p.shape[0]) < p
        curve, _ = flexible_curve(p, y, confidence_level=0.95)
        low, high = np.interp(probes, curve.x, curve.low), np.interp(probes, curve.x, curve.high)
        covered.append((low <= probes) & (probes <= high))
    rate = np.mean(covered, axis=0)
    assert np.all((rate >= 0.88) & (rate <= 0.99)), rate


def test_band_misses_a_miscalibrated_curve():
    rng = np.random.default_rng(5)
    p = np.sort(rng.uniform(0.05, 0.95, 5000))
    y = rng.uniform(size=p.shape[0]) < expit(0.5 * np.log(p / (1 - p)))  # predictions too extreme
    curve, errors = flexible_curve(p, y)
    inside = (curve.x >= 0.2) & (curve.x <= 0.3)
    assert np.all(curve.low[inside] > curve.x[inside])  # observed above: too low predictions
    assert errors.emax > 0.1


@pytest.mark.parametrize("q", [0.0, 0.025, 0.5, 0.9, 1.0])
def test_weighted_quantile_is_type_7_of_repeated_rows(q):
    rng = np.random.default_rng(6)
    v = rng.normal(size=50)
    w = rng.integers(0, 5, 50)
    expected = np.quantile(np.repeat(v, w), q)
    assert weighted_quantile(v, w.astype(float), q) == pytest.approx(expected, rel=1e-12)


@pytest.mark.parametrize("n", [1, 2, 5, 1000])
def test_unweighted_quantiles_match_numpy(n):
    values = np.round(np.random.default_rng(n).normal(size=n), 1)  # ties
    q = [0.9, 0.0, 0.5, 1.0, 0.025, 0.975]
    expected = np.quantile(values, q)
    np.testing.assert_allclose(weighted_quantile(values, None, q), expected, rtol=1e-14)
    sorted_q = weighted_quantile(np.sort(values), None, q, presorted=True)
    np.testing.assert_allclose(sorted_q, expected, rtol=1e-14)


@pytest.mark.parametrize("ties", [False, True], ids=["distinct", "ties"])
def test_standard_errors_are_those_of_the_linear_smoother(ties):
    """The fits are linear in the outcomes: the smoother's weights, found by moving one
    outcome at a time, give the binomial standard errors directly."""
    rng = np.random.default_rng(4)
    n = 60
    x = np.sort(rng.uniform(0.05, 0.95, n))
    if ties:
        x = np.round(x, 1)
    y = (rng.uniform(size=n) < x).astype(float)
    fit = lowess(x, y, se=True)
    rows = np.empty((n, fit.x.shape[0]))
    for j in range(n):
        moved = y.copy()
        moved[j] += 1.0
        rows[j] = lowess(x, moved).y - fit.y  # sample j's weight in each fit
    floor = 0.5 / n
    v = np.clip(np.interp(x, fit.x, fit.y), floor, 1.0 - floor)
    expected = np.sqrt(np.einsum("jk,j->k", rows**2, v * (1.0 - v)))
    np.testing.assert_allclose(fit.se, expected, rtol=1e-9, atol=1e-12)


@settings(max_examples=60, deadline=None)
@given(
    seed=st.integers(0, 2**32 - 1),
    n=st.integers(3, 60),
    power=st.integers(1, 12),
    span=st.sampled_from([2 / 3, 0.3, 0.1]),
)
def test_dominant_weights_give_finite_curves(seed, n, power, span):
    """A few heavy weights leave windows that hold no other point: R then keeps the point's
    own outcome (this raised IndexError)."""
    rng = np.random.default_rng(seed)
    x = np.sort(rng.uniform(0.0, 1.0, n))
    y = rng.uniform(size=n) < x
    w = rng.uniform(size=n) ** power * 10.0
    fit = lowess(x, y, w, span=span, se=True)
    assert np.all(np.isfinite(fit.y)) and np.all(np.isfinite(fit.se))
