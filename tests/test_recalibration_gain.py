"""Cross-fitted recalibration gain against scikit-learn's own fits, and its recommendations."""

import math

import numpy as np
import pytest
from scipy.optimize import brentq
from scipy.special import expit, logit
from sklearn.isotonic import IsotonicRegression
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import brier_score_loss, log_loss
from sklearn.utils import check_random_state

from skbce._calibration.recalibration_gain import recalibration_gain
from skbce._calibration.statistics import binary_statistics, sort_by_prediction


def _data(truth, n=4000, seed=0):
    rng = np.random.default_rng(seed)
    p = np.sort(np.round(rng.uniform(0.02, 0.98, n), 4))  # some ties
    y = rng.uniform(size=n) < truth(p)
    return p, y


def _reference(p, y, seed, k=5):
    """The same folds, fitted by scikit-learn and scipy, scored by sklearn's metrics."""
    n = p.shape[0]
    offsets = check_random_state(seed).randint(k, size=-(-n // k))
    index = np.arange(n)
    fold = (index + offsets[index // k]) % k  # the documented rotation per run of k
    x = logit(p)
    out = {m: np.empty_like(p) for m in ("intercept", "logistic", "isotonic")}
    for j in range(k):
        train, test = fold != j, fold == j
        xt, yt = x[train], y[train]
        c = brentq(
            lambda c, xt=xt, yt=yt: float(np.sum(expit(c + xt) - yt)), -20.0, 20.0, xtol=1e-14
        )
        out["intercept"][test] = expit(c + x[test])
        lr = LogisticRegression(C=np.inf, tol=1e-12, max_iter=10_000)
        lr.fit(xt[:, None], yt)
        out["logistic"][test] = lr.predict_proba(x[test][:, None])[:, 1]
        iso = IsotonicRegression(out_of_bounds="clip").fit(p[train], yt)
        floor = 0.5 / train.sum()
        out["isotonic"][test] = np.clip(iso.predict(p[test]), floor, 1 - floor)
    return out


@pytest.mark.parametrize(
    "truth",
    [lambda p: p, lambda p: expit(0.6 * logit(p) + 0.3)],
    ids=["calibrated", "miscalibrated"],
)
def test_matches_scikit_learn_cross_fit(truth):
    p, y = _data(truth)
    gain = recalibration_gain(p, y, random_state=7)
    ref = _reference(p, y, seed=7)
    assert gain.log_loss == pytest.approx(log_loss(y, p), rel=1e-10)
    assert gain.brier_score == pytest.approx(brier_score_loss(y, p), rel=1e-10)
    for m in gain.methods:
        assert m.log_loss == pytest.approx(log_loss(y, ref[m.method]), rel=1e-6), m.method
        assert m.brier_score == pytest.approx(brier_score_loss(y, ref[m.method]), rel=1e-6)
        assert m.log_loss_gain == pytest.approx(gain.log_loss - m.log_loss, rel=1e-12)


def test_in_sample_miscalibration_is_corp():
    p, y = _data(lambda p: expit(0.6 * logit(p)))
    stats = binary_statistics(*sort_by_prediction(y.astype(float), p))
    gain = recalibration_gain(p, y, random_state=0)
    corp = stats["decomposition"]
    assert gain.miscalibration_log_loss == pytest.approx(corp["log_loss"].miscalibration, rel=1e-9)
    assert gain.miscalibration_brier == pytest.approx(corp["brier_score"].miscalibration, rel=1e-9)


@pytest.mark.parametrize(
    ("truth", "expected"),
    [
        (lambda p: p, "none needed"),
        (lambda p: expit(logit(p) - 0.6), "intercept"),
        (lambda p: expit(0.5 * logit(p)), "logistic"),
        (lambda p: np.where(p < 0.5, 0.3, 0.7), "isotonic"),
    ],
    ids=["calibrated", "shifted", "too-extreme", "step"],
)
def test_recommendation(truth, expected):
    p, y = _data(truth, n=20_000, seed=1)
    assert recalibration_gain(p, y, random_state=0).recommendation == expected


def test_seeded_and_scale_free_in_weights():
    p, y = _data(lambda p: expit(0.7 * logit(p)), n=3000)
    w = np.random.default_rng(2).uniform(0.5, 2.0, p.shape[0])
    a = recalibration_gain(p, y, w, random_state=3)
    assert a == recalibration_gain(p, y, w, random_state=3)
    b = recalibration_gain(p, y, 1000.0 * w, random_state=3)
    for ma, mb in zip(a.methods, b.methods, strict=True):
        assert ma.log_loss == pytest.approx(mb.log_loss, rel=1e-9)
        assert ma.gain_se == pytest.approx(mb.gain_se, rel=1e-9)


def test_pooled_bins_close_to_exact(monkeypatch):
    """Above MAX_POINTS distinct predictions the pooled fit changes scores only slightly."""
    from skbce._calibration import recalibration_gain as module

    rng = np.random.default_rng(4)
    p = np.sort(rng.uniform(0.02, 0.98, 60_000))
    y = rng.uniform(size=p.shape[0]) < expit(0.6 * logit(p))
    pooled = recalibration_gain(p, y, random_state=0)
    monkeypatch.setattr(module, "MAX_POINTS", 10**9)  # one point per distinct prediction
    exact = recalibration_gain(p, y, random_state=0)
    assert exact.log_loss == pytest.approx(log_loss(y, p), rel=1e-10)
    assert pooled.log_loss == pytest.approx(exact.log_loss, abs=1e-5)
    for a, b in zip(pooled.methods[:2], exact.methods[:2], strict=True):  # intercept, logistic
        assert a.log_loss == pytest.approx(b.log_loss, abs=1e-5)
        assert a.brier_score == pytest.approx(b.brier_score, abs=1e-5)
    # isotonic on pooled bins is a (slightly smoother) estimator of its own: documented bound
    assert pooled.methods[2].log_loss == pytest.approx(exact.methods[2].log_loss, abs=1e-3)
    assert pooled.miscalibration_log_loss == pytest.approx(exact.miscalibration_log_loss, abs=5e-4)


def test_too_few_samples_of_a_class_gives_nan_and_says_so():
    p = np.linspace(0.1, 0.9, 40)
    y = np.zeros(40, dtype=bool)
    y[[5, 20, 30]] = True
    gain = recalibration_gain(p, y, random_state=0)
    assert gain.recommendation.startswith("too few samples")
    assert all(math.isnan(m.log_loss) and not m.gains for m in gain.methods)
    assert gain.log_loss == pytest.approx(log_loss(y, p), rel=1e-12)


@pytest.mark.parametrize("k", [2, 5, 7])
@pytest.mark.parametrize("weighted", [False, True])
def test_cells_across_blocks_match_direct_sums(k, weighted):
    """Sums per (fold, bin), made block by block, against one bincount of the documented folds."""
    from skbce._calibration.blocks import block_step
    from skbce._calibration.recalibration_gain import _cells

    rng = np.random.default_rng(k)
    n = 150_001
    assert n > 2 * block_step(n)  # blocks end inside bins and inside runs of k
    p = np.sort(np.round(rng.uniform(0.0, 1.0, n), 3))  # ties across block ends
    y = rng.uniform(size=n) < p
    w = rng.uniform(0.1, 3.0, n) if weighted else None
    cells = _cells(p, y, w, k, check_random_state(3))
    offsets = check_random_state(3).randint(k, size=-(-n // k))
    index = np.arange(n)
    fold = (index + offsets[index // k]) % k
    starts = np.flatnonzero(np.r_[True, p[1:] != p[:-1]])
    bins = np.searchsorted(starts, index, side="right") - 1
    mass = np.ones(n) if w is None else w * (n / w.sum())  # weights as frequencies
    code = fold * starts.shape[0] + bins
    size = k * starts.shape[0]
    weight = np.bincount(code, weights=mass, minlength=size).reshape(k, -1)
    positives = np.bincount(code[y], weights=mass[y], minlength=size).reshape(k, -1)
    np.testing.assert_allclose(cells.weight, weight, rtol=1e-12, atol=1e-9)
    np.testing.assert_allclose(cells.positives, positives, rtol=1e-12, atol=1e-9)
    mean_p = np.bincount(bins, weights=mass * p) / np.bincount(bins, weights=mass)
    np.testing.assert_allclose(cells.p, mean_p, rtol=1e-12)


def test_recommendation_is_among_the_methods_that_gain():
    """The best gain of a method that does not pass the rule cannot leave none to recommend
    (this raised StopIteration)."""
    from skbce._calibration.recalibration_gain import MethodGain, _recommend

    methods = (
        MethodGain("intercept", 0.5, 0.2, 0.02, 0.001, True),
        MethodGain("logistic", 0.5, 0.2, 0.021, 0.001, True),
        MethodGain("isotonic", 0.4, 0.2, 0.2, 1.0, False),  # larger, but too uncertain
    )
    assert _recommend(methods) == "intercept"
    assert _recommend(methods[2:]) == "none needed"
