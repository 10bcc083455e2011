"""Calibration statistics, cross-checked against independent implementations.

Oracles: scikit-learn (calibration_curve, IsotonicRegression, roc_auc_score,
LogisticRegression), SciPy (isotonic_regression, binomtest), direct formulas
on hand-made data, and, when installed, model-diagnostics (CORP terms) and
relplot (smooth ECE).  Properties: weights as repeated rows, zero weights as
removed rows, scale and order invariance.
"""

import math
import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.optimize import brentq
from scipy.special import expit, logit, xlogy
from sklearn.calibration import calibration_curve
from sklearn.metrics import brier_score_loss, log_loss, roc_auc_score

from skbce._calibration import statistics as C
from skbce._calibration.isotonic import pav
from skbce._calibration.reliability import wilson_interval
from skbce._calibration.sample_pass import sample_sums
from skbce._calibration.smooth_ece import SMOOTH_GRID, Smoother, trapezoid_abs
from skbce._utils import options


def stats_of(t, p, w=None, **kwargs):
    """All statistics, with the warnings of degenerate data silenced."""
    p_s, y_s, w_s = C.sort_by_prediction(
        np.asarray(t, dtype=float),
        np.asarray(p, dtype=float),
        None if w is None else np.asarray(w, float),
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        return C.binary_statistics(p_s, y_s, w_s, **kwargs)


def make_data(n, seed=0, ties=False, weights=False, miscal=1.3):
    rng = np.random.default_rng(seed)
    p = rng.beta(2, 3, n)
    if ties:
        p = np.round(p, 2)
    t = (rng.random(n) < p**miscal).astype(float)
    w = rng.integers(0, 4, n).astype(float) if weights else None
    if weights:
        w[0] = 1.0
        w[t == 1][:1] = 1.0
    return t, p, w


# --- sorting -----------------------------------------------------------------


@given(
    st.lists(
        st.tuples(st.sampled_from([0.0, 1.0]), st.sampled_from([0.0, -0.0, 0.1, 0.5, 0.9, 1.0])),
        min_size=1,
        max_size=40,
    )
)
def test_sort_by_prediction_orders_by_p_then_positives_first(pairs):
    t = np.array([a for a, _ in pairs])
    p = np.array([b for _, b in pairs])
    w = np.arange(1.0, len(t) + 1)
    p_s, y_s, w_s = C.sort_by_prediction(t, p, w)
    order = np.lexsort((-t, p + 0.0))  # numpy's own sort, by p then label descending
    np.testing.assert_array_equal(p_s, p[order] + 0.0)
    np.testing.assert_array_equal(y_s, t[order] == 1)
    # weights travel with their samples (same multiset within each (p, y) key)
    for key in set(zip(p_s.tolist(), y_s.tolist(), strict=True)):
        mine = np.sort(w_s[(p_s == key[0]) & (y_s == key[1])])
        ref = np.sort(w[(p + 0.0 == key[0]) & ((t == 1) == key[1])])
        np.testing.assert_array_equal(mine, ref)
    p_u, y_u, none = C.sort_by_prediction(t, p)
    np.testing.assert_array_equal(p_u, p_s)
    np.testing.assert_array_equal(y_u, y_s)
    assert none is None


# --- reliability table ----------------------------------------------------------


@pytest.mark.parametrize("strategy", ["uniform", "quantile"])
@pytest.mark.parametrize("ties", [False, True], ids=["continuous", "ties-on-edges"])
@pytest.mark.parametrize("n_bins", [1, 5, 10, 37])
def test_reliability_matches_calibration_curve(strategy, ties, n_bins):
    t, p, _ = make_data(3000, seed=n_bins, ties=ties)
    if ties:  # many values exactly on the uniform edges
        p = np.round(p * 10) / 10
    rel = stats_of(t, p, n_bins=n_bins, strategy=strategy)["reliability"]
    prob_true, prob_pred = calibration_curve(t, p, n_bins=n_bins, strategy=strategy)
    nonempty = rel["count"] > 0
    np.testing.assert_allclose(rel["observed"][nonempty], prob_true, rtol=1e-12)
    np.testing.assert_allclose(rel["mean_predicted"][nonempty], prob_pred, rtol=1e-12)
    assert rel["count"].sum() == len(p)


def test_reliability_keeps_empty_bins():
    t = np.array([0, 1, 0, 1.0])
    p = np.array([0.05, 0.07, 0.93, 0.95])
    rel = stats_of(t, p, n_bins=10)["reliability"]
    assert rel["count"].tolist() == [2, 0, 0, 0, 0, 0, 0, 0, 0, 2]
    assert np.isnan(rel["observed"][1:9]).all()
    assert np.isnan(rel["ci_low"][1:9]).all()
    np.testing.assert_allclose(rel["bin_lower"], np.linspace(0, 0.9, 10))


def test_explicit_edges_follow_right_closed_bins():
    edges = np.array([0.0, 0.25, 0.5, 1.0])
    p = np.array([0.0, 0.25, 0.2501, 0.5, 0.75, 1.0])
    t = np.array([0, 1, 0, 1, 0, 1.0])
    rel = stats_of(t, p, n_bins=2, strategy=edges)["reliability"]
    # [0, .25], (.25, .5], (.5, 1]
    assert rel["count"].tolist() == [2, 2, 2]
    np.testing.assert_allclose(rel["observed"], [0.5, 0.5, 0.5])
    np.testing.assert_allclose(rel["mean_predicted"], [0.125, 0.37505, 0.875])


def test_bins_beyond_explicit_edges_fall_in_first_and_last():
    rel = stats_of(
        [0, 1, 0, 1], [0.05, 0.3, 0.6, 0.95], n_bins=2, strategy=np.array([0.2, 0.5, 0.8])
    )["reliability"]
    assert rel["count"].tolist() == [2, 2]


def test_wilson_interval_matches_scipy_binomtest():
    from scipy.stats import binomtest

    for k, n in [(0, 5), (3, 10), (10, 10), (47, 113)]:
        low, high = wilson_interval(float(k), float(n), 0.9)
        ci = binomtest(k, n).proportion_ci(confidence_level=0.9, method="wilson")
        assert low == pytest.approx(ci.low, abs=1e-12)
        assert high == pytest.approx(ci.high, abs=1e-12)
    low, high = wilson_interval(0.0, 0.0, 0.95)
    assert np.isnan(low) and np.isnan(high)


# --- calibration errors -----------------------------------------------------------


def test_ece_mce_rmsce_on_hand_made_data():
    # bins (uniform, 4): [0, .25]: p .1 .2 y 0 1 ; (.25, .5]: empty ; (.5, .75]: .6 .7 .7 y 1 1 0 ;
    # (.75, 1]: .9 y 1
    p = np.array([0.1, 0.2, 0.6, 0.7, 0.7, 0.9])
    t = np.array([0, 1, 1, 1, 0, 1.0])
    s = stats_of(t, p, n_bins=4)
    gaps = np.array([abs(0.15 - 0.5), abs(2.0 / 3 - 2.0 / 3), abs(0.9 - 1.0)])
    share = np.array([2, 3, 1]) / 6
    assert s["ece"] == pytest.approx(np.sum(share * gaps), abs=1e-15)
    assert s["mce"] == pytest.approx(0.35, abs=1e-15)
    assert s["rmsce"] == pytest.approx(math.sqrt(np.sum(share * gaps**2)), abs=1e-15)


def test_adaptive_ece_uses_equal_mass_bins():
    t, p, _ = make_data(1000, seed=3)
    s = stats_of(t, p, n_bins=8)
    order = np.argsort(p)
    parts = np.array_split(order, 8)  # 125 each, distinct predictions
    ref = sum(len(i) * abs(p[i].mean() - t[i].mean()) for i in parts) / len(p)
    assert s["adaptive_ece"] == pytest.approx(ref, rel=1e-12)
    edges = s["adaptive_edges"]
    np.testing.assert_array_equal(edges[1:-1], np.sort(p)[[125 * k - 1 for k in range(1, 8)]])


# --- smooth ECE ------------------------------------------------------------------


def smece_brute(f, y, w, sigma, grid=8001, images=3):
    """Direct reflected-Gaussian smoothing: sum of images, no binning, no DCT."""
    t = np.linspace(0, 1, grid)
    r = f - y
    g = np.zeros_like(t)
    for k in range(-images, images + 1):
        for center in (f + 2 * k, -f + 2 * k):
            g += (w * r)[None, :].dot(
                np.exp(-0.5 * ((t[None, :] - center[:, None]) / sigma) ** 2)
            ).ravel() / (sigma * math.sqrt(2 * math.pi))
    a = np.abs(g)
    return (a.sum() - 0.5 * (a[0] + a[-1])) / (grid - 1) / w.sum()


@pytest.mark.parametrize("sigma", [0.01, 0.05, 0.3, 1.5])
def test_smoothing_matches_direct_sum_of_images(sigma):
    rng = np.random.default_rng(1)
    f = np.concatenate([rng.uniform(size=60), [0.0, 1.0, 1.0]])
    y = (rng.uniform(size=f.size) < f**2).astype(float)
    w = rng.uniform(0.5, 2, f.size)
    p_s, y_s, w_s = C.sort_by_prediction(y, f, w)
    sums = sample_sums(p_s, y_s, w_s, (), SMOOTH_GRID)
    smoother = Smoother(sums["resid_grid"])
    mine = trapezoid_abs(smoother.smooth(sigma)) / w.sum()
    assert mine == pytest.approx(smece_brute(f, y, w, sigma), rel=2e-4, abs=1e-7)


def test_smooth_ece_is_a_fixed_point():
    t, p, _ = make_data(5000, seed=4)
    s = stats_of(t, p)
    sigma = s["smooth_ece_bandwidth"]
    assert s["smooth_ece"] == pytest.approx(sigma, rel=1e-9)
    # smoothing more never increases it, so the fixed point is unique
    p_s, y_s, w_s = C.sort_by_prediction(t, p)
    smoother = Smoother(sample_sums(p_s, y_s, w_s, (), SMOOTH_GRID)["resid_grid"])
    values = [trapezoid_abs(smoother.smooth(s)) for s in np.geomspace(1e-3, 1, 30)]
    assert np.all(np.diff(values) <= 1e-12 * values[0])


def test_smooth_ece_of_constant_residual_is_its_mean():
    # all residuals of one sign: the smoothed residual integrates to the mean
    p = np.full(50, 0.9)
    t = np.zeros(50)
    t[:5] = 1
    s = stats_of(t, p)
    assert s["smooth_ece"] == pytest.approx(0.8, rel=1e-9)


def test_smooth_ece_is_zero_for_exact_predictions():
    s = stats_of([0, 1, 0, 1], [0.0, 1.0, 0.0, 1.0])
    assert s["smooth_ece"] == 0.0


@pytest.mark.parametrize("seed", [0, 1])
def test_smooth_ece_matches_relplot(seed):
    relplot = pytest.importorskip("relplot")
    rng = np.random.default_rng(seed)
    f = rng.uniform(size=4000)
    y = (rng.uniform(size=4000) < np.clip(f + 0.15 * np.sin(6 * f), 0, 1)).astype(float)
    s = stats_of(y, f)
    ref, width = relplot.smECE(f, y, return_width=True)
    # relplot bisects the bandwidth to 1/1024 and truncates its kernel
    assert s["smooth_ece"] == pytest.approx(ref, abs=2e-3)
    at_same = relplot.smECE_sigma(f, y, s["smooth_ece_bandwidth"])
    assert s["smooth_ece"] == pytest.approx(at_same, rel=1e-2)


# --- isotonic recalibration and CORP ------------------------------------------------


def iso_reference(t, p, w):
    """Isotonic fit at each sample: exact ties pooled (np.unique), then sklearn's PAV."""
    from sklearn.isotonic import isotonic_regression

    w = np.ones_like(p) if w is None else w
    keep = w > 0
    out = np.full(p.shape, np.nan)
    values, inverse = np.unique(p[keep], return_inverse=True)
    weight = np.bincount(inverse, weights=w[keep])
    mean = np.bincount(inverse, weights=(w * t)[keep]) / weight
    out[keep] = isotonic_regression(mean, sample_weight=weight)[inverse]
    return out


def decomposition_reference(t, p, w, score):
    """CORP terms from the isotonic fit, by the definition."""
    w = np.ones_like(p) if w is None else w
    keep = w > 0
    t, p, w = t[keep], p[keep], w[keep]
    rc = iso_reference(t, p, w)
    rate = np.average(t, weights=w)
    if score == "log_loss":
        pc = np.clip(p, np.finfo(float).eps, 1 - np.finfo(float).eps)

        def s(q, clip=True):
            return -np.average(xlogy(t, q) + xlogy(1 - t, 1 - q), weights=w)

        sc, sr, su = s(pc), s(rc), s(np.full_like(p, rate))
    else:

        def s(q):
            return np.average((q - t) ** 2, weights=w)

        sc, sr, su = s(p), s(rc), s(np.full_like(p, rate))
    return sc - sr, su - sr, su, sc


@pytest.mark.parametrize("ties", [False, True])
@pytest.mark.parametrize("weights", [False, True])
def test_corp_terms_match_definition(ties, weights):
    t, p, w = make_data(3000, seed=5, ties=ties, weights=weights)
    s = stats_of(t, p, w)
    for key in ("log_loss", "brier_score"):
        ref = decomposition_reference(t, p, w, key)
        np.testing.assert_allclose(tuple(s["decomposition"][key]), ref, rtol=1e-10, atol=1e-13)


@pytest.mark.parametrize("ties", [False, True])
def test_corp_terms_match_model_diagnostics(ties):
    md = pytest.importorskip("model_diagnostics.scoring")
    t, p, w = make_data(2000, seed=6, ties=ties, weights=True)
    p = np.clip(p, 0.01, 0.99)  # model-diagnostics' LogLoss does not clip
    s = stats_of(t, p, w)
    for key, fn in (("log_loss", md.LogLoss()), ("brier_score", md.SquaredError())):
        ref = md.decompose(t, p, weights=w, scoring_function=fn)
        d = s["decomposition"][key]
        got = [d.miscalibration, d.discrimination, d.uncertainty, d.score]
        want = [
            float(ref[c][0]) for c in ("miscalibration", "discrimination", "uncertainty", "score")
        ]
        np.testing.assert_allclose(got, want, rtol=1e-9, atol=1e-12)


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.sampled_from([0.0, 1.0]),
            st.one_of(st.sampled_from([0.0, 0.2, 0.5, 1.0]), st.floats(0, 1)),
            st.sampled_from([0.0, 0.5, 1.0, 3.0]),
        ),
        min_size=2,
        max_size=30,
    ).filter(lambda rows: {r[0] for r in rows if r[2] > 0} == {0.0, 1.0})
)
def test_corp_identity_and_signs(rows):
    t, p, w = (np.array(c) for c in zip(*rows, strict=True))
    s = stats_of(t, p, w, n_bins=1)
    for key in ("log_loss", "brier_score"):
        d = s["decomposition"][key]
        assert abs(d.miscalibration - d.discrimination + d.uncertainty - d.score) <= 1e-12
        assert d.miscalibration >= -1e-12
        assert d.discrimination >= -1e-12
    keep = w > 0
    ref = decomposition_reference(t[keep], p[keep], w[keep], "brier_score")
    np.testing.assert_allclose(tuple(s["decomposition"]["brier_score"]), ref, atol=1e-12)


@pytest.mark.parametrize("ties", [False, True])
def test_recalibration_curve_is_the_isotonic_fit(ties):
    t, p, w = make_data(1500, seed=7, ties=ties, weights=True)
    rc = stats_of(t, p, w)["recalibration"]
    keep = w > 0
    ref = iso_reference(t[keep], p[keep], w[keep])
    idx = np.searchsorted(rc.upper, p[keep], side="left")
    np.testing.assert_allclose(rc.value[idx], ref, rtol=1e-12, atol=1e-14)
    assert np.all(np.diff(rc.value) > 0)
    assert rc.weight.sum() == pytest.approx(w.sum())


@settings(max_examples=50, deadline=None)
@given(
    st.lists(
        st.tuples(st.floats(-5, 5), st.floats(0.01, 10)),
        min_size=1,
        max_size=40,
    )
)
def test_python_pav_matches_sklearn(rows):
    from sklearn.isotonic import isotonic_regression

    y, w = (np.array(c) for c in zip(*rows, strict=True))
    fitted, blocks = pav(y, w)
    ref = isotonic_regression(y, sample_weight=w)
    np.testing.assert_allclose(fitted, ref, rtol=1e-10, atol=1e-10)
    assert blocks[0] == 0 and blocks[-1] == len(y)
    for lo, hi in zip(blocks[:-1], blocks[1:], strict=True):
        assert np.ptp(fitted[lo:hi]) == 0


def test_isotonic_falls_back_to_python_pav(monkeypatch):
    import scipy.optimize

    t, p, w = make_data(500, seed=8, ties=True, weights=True)
    expected = stats_of(t, p, w)["decomposition"]
    monkeypatch.delattr(scipy.optimize, "isotonic_regression", raising=False)
    got = stats_of(t, p, w)["decomposition"]
    for key in expected:
        np.testing.assert_allclose(tuple(got[key]), tuple(expected[key]), rtol=1e-12)


# --- scores and AUC --------------------------------------------------------------------


@pytest.mark.parametrize("ties", [False, True])
@pytest.mark.parametrize("weights", [False, True])
def test_scores_match_sklearn(ties, weights):
    t, p, w = make_data(2000, seed=9, ties=ties, weights=weights)
    p[:3] = [0.0, 1.0, 1.0]
    s = stats_of(t, p, w)
    assert s["log_loss"] == pytest.approx(log_loss(t, p, sample_weight=w), rel=1e-12)
    assert s["brier_score"] == pytest.approx(brier_score_loss(t, p, sample_weight=w), rel=1e-12)
    assert s["roc_auc"] == pytest.approx(roc_auc_score(t, p, sample_weight=w), rel=1e-12)
    rate = np.average(t, weights=w)
    assert s["base_rate"] == pytest.approx(rate, rel=1e-12)
    assert s["mean_prediction"] == pytest.approx(np.average(p, weights=w), rel=1e-12)
    ww = np.ones_like(p) if w is None else w
    assert s["observed_expected_ratio"] == pytest.approx(ww @ t / (ww @ p), rel=1e-12)
    entropy = -(rate * math.log(rate) + (1 - rate) * math.log(1 - rate))
    assert s["normalized_cross_entropy"] == pytest.approx(s["log_loss"] / entropy, rel=1e-12)
    assert s["d2_log_loss_score"] == pytest.approx(1 - s["log_loss"] / entropy, rel=1e-12)


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.sampled_from([0.0, 1.0]),
            st.sampled_from([0.0, 0.1, 0.5, 0.7, 1.0]),
            st.sampled_from([0.5, 1.0, 2.0]),
        ),
        min_size=2,
        max_size=30,
    ).filter(lambda rows: {r[0] for r in rows} == {0.0, 1.0})
)
def test_roc_auc_with_ties_matches_sklearn(rows):
    t, p, w = (np.array(c) for c in zip(*rows, strict=True))
    s = stats_of(t, p, w, n_bins=1)
    assert s["roc_auc"] == pytest.approx(roc_auc_score(t, p, sample_weight=w), abs=1e-12)


def test_baseline_changes_only_the_normalisation():
    t, p, _ = make_data(500, seed=10)
    s = stats_of(t, p, baseline=0.2)
    rate = t.mean()
    ce = -(rate * math.log(0.2) + (1 - rate) * math.log(0.8))
    assert s["nce_baseline"] == pytest.approx(ce)
    assert s["normalized_cross_entropy"] == pytest.approx(s["log_loss"] / ce)
    assert s["d2_log_loss_score"] == pytest.approx(stats_of(t, p)["d2_log_loss_score"])


# --- tests of calibration ---------------------------------------------------------------


def test_hosmer_lemeshow_by_hand():
    # 6 distinct predictions, 3 equal-mass groups of 2
    p = np.array([0.1, 0.2, 0.4, 0.5, 0.7, 0.9])
    t = np.array([0, 1, 0, 1, 1, 1.0])
    hl = stats_of(t, p, n_bins=3)["hosmer_lemeshow"]
    stat = 0.0
    for idx in ([0, 1], [2, 3], [4, 5]):
        o, e, n = t[idx].sum(), p[idx].sum(), len(idx)
        stat += (o - e) ** 2 / (e * (1 - e / n))
    from scipy.stats import chi2

    assert hl.dof == 1
    assert hl.statistic == pytest.approx(stat, rel=1e-12)
    assert hl.pvalue == pytest.approx(chi2.sf(stat, 1), rel=1e-12)


def test_hosmer_lemeshow_needs_three_groups():
    p_s, y_s, w_s = C.sort_by_prediction(np.array([0, 1, 0, 1.0]), np.array([0.2, 0.4, 0.6, 0.8]))
    with pytest.warns(RuntimeWarning, match="Hosmer-Lemeshow test needs at least 3"):
        s = C.binary_statistics(p_s, y_s, w_s, n_bins=2)
    assert math.isnan(s["hosmer_lemeshow"].statistic)


def test_spiegelhalter_by_hand():
    p = np.array([0.1, 0.3, 0.6, 0.8, 0.95])
    t = np.array([0, 1, 0, 1, 1.0])
    sp = stats_of(t, p, n_bins=1)["spiegelhalter"]
    z = np.sum((t - p) * (1 - 2 * p)) / math.sqrt(np.sum((1 - 2 * p) ** 2 * p * (1 - p)))
    from scipy.stats import norm

    assert sp.statistic == pytest.approx(z, rel=1e-12)
    assert sp.pvalue == pytest.approx(2 * norm.sf(abs(z)), rel=1e-12)


def loglik(params, x, t, w):
    eta = params[0] + params[1] * x
    return np.sum(w * (t * eta - np.logaddexp(0, eta)))


@pytest.mark.parametrize("weights", [False, True])
@pytest.mark.parametrize("n", [400, 200_000], ids=["small", "subsampled-warm-start"])
def test_cox_slope_matches_unpenalised_logistic_regression(weights, n):
    from sklearn.linear_model import LogisticRegression

    t, p, w = make_data(n, seed=11, weights=weights)
    s = stats_of(t, p, w)
    x = logit(np.clip(p, np.finfo(float).eps, 1 - np.finfo(float).eps))
    ww = np.ones_like(p) if w is None else w
    lr = LogisticRegression(C=np.inf, tol=1e-12, max_iter=10_000)
    lr.fit(x[:, None], t, sample_weight=ww)
    assert s["calibration_slope"].estimate == pytest.approx(lr.coef_[0, 0], rel=1e-6)
    assert s["calibration_intercept"].estimate == pytest.approx(
        lr.intercept_[0], rel=1e-6, abs=1e-8
    )
    # Wald interval from a finite-difference Hessian of the log-likelihood
    est = np.array([s["calibration_intercept"].estimate, s["calibration_slope"].estimate])
    h = 1e-4
    H = np.empty((2, 2))
    for i in range(2):
        for j in range(2):
            ei, ej = np.eye(2)[i] * h, np.eye(2)[j] * h
            H[i, j] = (
                loglik(est + ei + ej, x, t, ww)
                - loglik(est + ei - ej, x, t, ww)
                - loglik(est - ei + ej, x, t, ww)
                + loglik(est - ei - ej, x, t, ww)
            ) / (4 * h * h)
    se = np.sqrt(np.diag(np.linalg.inv(-H)))
    half = 1.959963984540054 * se[1]
    assert s["calibration_slope"].high - s["calibration_slope"].estimate == pytest.approx(
        half, rel=1e-4
    )
    # calibration-in-the-large: the offset model's score equation
    c = brentq(lambda c: np.sum(ww * (t - expit(c + x))), -10, 10, xtol=1e-14)
    assert s["calibration_in_the_large"].estimate == pytest.approx(c, rel=1e-7, abs=1e-10)


def test_perfect_calibration_has_unit_slope_on_recalibrated_labels():
    rng = np.random.default_rng(13)
    p = rng.uniform(0.05, 0.95, 50_000)
    t = (rng.uniform(size=p.size) < p).astype(float)
    s = stats_of(t, p)
    assert s["calibration_slope"].low < 1 < s["calibration_slope"].high
    assert s["calibration_in_the_large"].low < 0 < s["calibration_in_the_large"].high


def test_all_predictions_equal_gives_nan_slope_with_reason():
    p_s, y_s, w_s = C.sort_by_prediction(np.array([0, 1, 0, 1, 1.0]), np.full(5, 0.4))
    with pytest.warns(RuntimeWarning) as record:
        s = C.binary_statistics(p_s, y_s, w_s, n_bins=2)
    messages = " ".join(str(r.message) for r in record)
    assert "all predictions are equal" in messages
    assert math.isnan(s["calibration_slope"].estimate)
    assert not math.isnan(s["calibration_in_the_large"].estimate)
    assert s["roc_auc"] == 0.5
    assert s["decomposition"]["log_loss"].discrimination == pytest.approx(0, abs=1e-15)


def test_perfect_separation_gives_nan_slope_with_reason():
    p_s, y_s, w_s = C.sort_by_prediction(np.array([0, 0, 1, 1.0]), np.array([0.1, 0.3, 0.3, 0.9]))
    with pytest.warns(RuntimeWarning) as record:  # also: too few Hosmer-Lemeshow groups
        s = C.binary_statistics(p_s, y_s, w_s, n_bins=2)
    assert any("separate the classes perfectly" in str(r.message) for r in record)
    assert math.isnan(s["calibration_slope"].estimate)
    assert s["roc_auc"] == pytest.approx(roc_auc_score([0, 0, 1, 1], [0.1, 0.3, 0.3, 0.9]))


def test_bin_with_one_sample_is_defined():
    s = stats_of([0, 1, 1, 0, 1], [0.05, 0.51, 0.55, 0.45, 0.99], n_bins=10)
    rel = s["reliability"]
    assert rel["count"][0] == 1
    assert rel["observed"][0] == 0 and 0 <= rel["ci_low"][0] < rel["ci_high"][0] <= 1


# --- weights -----------------------------------------------------------------------------


def flatten(s):
    out = {}
    for k, v in s.items():
        if isinstance(v, dict):
            for kk, vv in flatten(v).items():
                out[f"{k}.{kk}"] = vv
        elif hasattr(v, "_asdict"):
            for kk, vv in v._asdict().items():
                out[f"{k}.{kk}"] = vv
        else:
            out[k] = v
    return out


_SIZE_DEPENDENT = {"n_samples", "reliability.count"}


def assert_same_stats(a, b, rtol=1e-9, skip=()):
    fa, fb = flatten(a), flatten(b)
    for key in fa:
        if key in _SIZE_DEPENDENT or key in skip or key == "smooth_curve.bandwidth":
            continue
        va, vb = fa[key], fb[key]
        if isinstance(va, float | int | np.floating | np.ndarray):
            np.testing.assert_allclose(va, vb, rtol=rtol, atol=1e-12, err_msg=key)


@pytest.mark.parametrize("ties", [False, True])
def test_integer_weights_equal_repeated_rows(ties):
    t, p, w = make_data(600, seed=13, ties=ties, weights=True)
    reps = w.astype(int)
    weighted = stats_of(t, p, w, n_bins=7)
    repeated = stats_of(np.repeat(t, reps), np.repeat(p, reps), n_bins=7)
    assert_same_stats(weighted, repeated, skip={"total_weight"})
    assert weighted["total_weight"] == len(np.repeat(t, reps))


def test_quantile_edges_with_unit_weights_equal_unweighted():
    t, p, _ = make_data(300, seed=14)
    a = stats_of(t, p, np.ones_like(p), strategy="quantile")
    b = stats_of(t, p, strategy="quantile")
    assert_same_stats(a, b)


def test_zero_weights_equal_removed_rows_and_scaling_is_neutral():
    t, p, w = make_data(500, seed=15, weights=True)
    keep = w > 0
    a = stats_of(t, p, w)
    b = stats_of(t[keep], p[keep], w[keep])
    assert_same_stats(a, b, skip={"reliability.count"})
    # point estimates do not depend on the scale of the weights
    c = stats_of(t, p, 0.01 * w)
    for key in ("log_loss", "brier_score", "ece", "adaptive_ece", "smooth_ece", "roc_auc"):
        assert c[key] == pytest.approx(a[key], rel=1e-9)
    for key in ("log_loss", "brier_score"):
        np.testing.assert_allclose(
            tuple(c["decomposition"][key]), tuple(a["decomposition"][key]), rtol=1e-9
        )
    assert c["calibration_slope"].estimate == pytest.approx(
        a["calibration_slope"].estimate, rel=1e-7
    )


def test_sample_order_does_not_matter():
    t, p, w = make_data(800, seed=16, ties=True, weights=True)
    perm = np.random.default_rng(0).permutation(len(p))
    assert_same_stats(stats_of(t, p, w), stats_of(t[perm], p[perm], w[perm]), rtol=1e-10)


# --- parameter checks ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "match"),
    [
        (0, "n_bins must be at least 1"),
        (11, "larger than the number of samples"),
        (2.5, "n_bins must be an integer"),
        (True, "n_bins must be an integer"),
    ],
)
def test_check_n_bins(value, match):
    with pytest.raises(ValueError, match=match):
        options.check_n_bins(value, 10)


@pytest.mark.parametrize(
    "value", ["uniformly", [0.5], [0.0, 0.5, 0.5, 1.0], [-0.1, 1.0], [0.0, np.nan, 1.0], [[0, 1]]]
)
def test_check_strategy(value):
    with pytest.raises(ValueError, match="strategy"):
        options.check_strategy(value)


@pytest.mark.parametrize("value", [0, 1, -0.5, 1.5, "0.9", None, np.nan, True])
def test_check_confidence_level(value):
    with pytest.raises(ValueError, match="confidence_level"):
        options.check_confidence_level(value)


@pytest.mark.parametrize("value", [0, 1, 1.2, "x", [0.5, 0.5, 0.1]])
def test_check_baseline(value):
    with pytest.raises(ValueError, match="baseline"):
        options.check_baseline(value)


# --- exact 0 and 1 predictions in the logistic recalibration --------------------------


def test_exact_zero_and_one_predictions_are_left_out_of_the_logistic_fits_only():
    t, p, _ = make_data(400, seed=21)
    t2 = np.concatenate([t, [0, 1, 1, 0, 1.0]])
    p2 = np.concatenate([p, [0, 0, 1, 1, 1.0]])
    with pytest.warns(RuntimeWarning, match=r"2 prediction\(s\) of exactly 0 and 3 of exactly 1"):
        s = C.binary_statistics(*C.sort_by_prediction(t2, p2), n_bins=5)
    without = stats_of(t, p, n_bins=5)
    for key in ("calibration_slope", "calibration_intercept", "calibration_in_the_large"):
        np.testing.assert_allclose(tuple(s[key]), tuple(without[key]), rtol=1e-12)
    eps = np.finfo(float).eps
    assert s["log_loss"] == pytest.approx(log_loss(t2, np.clip(p2, eps, 1 - eps)), rel=1e-12)
    assert s["n_samples"] == len(p2)


@pytest.mark.parametrize(
    ("t", "p", "reason"),
    [
        ([0, 1, 0, 1.0], [0, 1, 0, 1.0], "every prediction is exactly 0 or 1"),
        ([0, 1, 1, 0, 1.0], [0, 0.3, 0.6, 1, 0.9], "hold one class only"),
    ],
    ids=["all-exact", "one-class-left"],
)
def test_logistic_fits_without_finite_logits_are_nan_with_reasons(t, p, reason):
    with pytest.warns(RuntimeWarning) as record:
        s = C.binary_statistics(*C.sort_by_prediction(np.array(t), np.array(p)), n_bins=2)
    messages = " ".join(str(r.message) for r in record)
    assert reason in messages and "exactly 0" in messages
    assert math.isnan(s["calibration_slope"].estimate)
    assert math.isnan(s["calibration_intercept"].low)
