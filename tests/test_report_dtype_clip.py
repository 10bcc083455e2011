"""The report's log losses clip at the eps of the probabilities' own dtype, as log_loss does.

``sklearn.metrics.log_loss`` (and ``skbce.log_loss``) clip float32 probabilities
to ``[eps, 1 - eps]`` with the float32 eps (1.19e-7), float16 ones with the
float16 eps (9.77e-4).  The report computes in float64 but must clip at the
same bounds; the statistics that take no log (ROC AUC, ECE, the reliability
table, the Brier score) read the probabilities unclipped, exactly as a report
of the same values in float64.  The references are scikit-learn's metrics on
the same arrays and plain numpy formulas written here.
"""

import math
import warnings

import numpy as np
import pytest
import sklearn.base
import sklearn.metrics
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.stats import t as student

import skbce

#: Relative tolerance of the report (float64 arithmetic) against scikit-learn
#: (arithmetic in the dtype): its rounding, not the clipping.
RTOL = {np.float16: 1e-3, np.float32: 1e-6, np.float64: 1e-12}
DTYPES = list(RTOL)


def _report(y, p, **kwargs):
    kwargs.setdefault("n_resamples", 0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # notes of degenerate statistics (exact 0 and 1)
        return skbce.calibration_report(y, p, **kwargs)


def _binary_data(n, extremes, seed=0):
    rng = np.random.default_rng(seed)
    p = rng.uniform(0.0, 1.0, n)
    y = (rng.uniform(size=n) < p).astype(int)
    if extremes:  # confidently wrong and confidently right at both ends
        p[:4] = [0.0, 1.0, 0.0, 1.0]
        y[:4] = [1, 0, 0, 1]
    return y, p


def _clipped_losses(y, p, dtype):
    """Per-sample log losses of ``p`` (float64 values) clipped at the eps of ``dtype``."""
    eps = float(np.finfo(dtype).eps)
    q = np.clip(np.where(y == 1, p, 1.0 - p), eps, 1.0 - eps)
    return -np.log(q)


@pytest.mark.parametrize("extremes", [True, False], ids=["exact-0-1", "inside"])
@pytest.mark.parametrize("dtype", DTYPES)
def test_binary_log_loss_matches_sklearn(dtype, extremes):
    y, p = _binary_data(400, extremes)
    p = p.astype(dtype)
    report = _report(y, p)
    expected = sklearn.metrics.log_loss(y, p)
    assert report.log_loss == pytest.approx(expected, rel=RTOL[dtype])
    assert report.log_loss == pytest.approx(skbce.log_loss(y, p), rel=RTOL[dtype])
    d2 = sklearn.metrics.d2_log_loss_score(y, p)
    assert report.d2_log_loss_score == pytest.approx(d2, rel=10 * RTOL[dtype])
    rate = y.mean()
    entropy = -(rate * math.log(rate) + (1 - rate) * math.log1p(-rate))
    assert report.normalized_cross_entropy == pytest.approx(expected / entropy, rel=RTOL[dtype])


@pytest.mark.parametrize("dtype", [np.float16, np.float32])
def test_float32_exact_zero_no_longer_costs_the_float64_bound(dtype):
    """The reported case: one exact 0 for a positive costs -log(eps) of the dtype."""
    y = np.array([1, 0, 1, 0, 1, 0])
    p = np.array([0.0, 0.25, 0.75, 0.25, 0.75, 0.25], dtype=dtype)
    expected = (-math.log(np.finfo(dtype).eps) - 5 * math.log(0.75)) / 6
    report = _report(y, p, n_bins=2)
    assert report.log_loss == pytest.approx(expected, rel=1e-12)
    assert report.log_loss == pytest.approx(sklearn.metrics.log_loss(y, p), rel=RTOL[dtype])


@pytest.mark.parametrize("extremes", [True, False], ids=["exact-0-1", "inside"])
@pytest.mark.parametrize("dtype", [np.float16, np.float32])
def test_statistics_without_logs_are_those_of_the_float64_values(dtype, extremes):
    y, p = _binary_data(400, extremes, seed=1)
    p = p.astype(dtype)
    low = _report(y, p)
    wide = _report(y, p.astype(np.float64))
    assert low.roc_auc == wide.roc_auc
    assert low.roc_auc == pytest.approx(sklearn.metrics.roc_auc_score(y, p), rel=1e-12)
    assert low.ece == wide.ece
    assert low.brier_score == wide.brier_score
    for column in ("weight", "mean_predicted", "observed"):
        np.testing.assert_array_equal(low.reliability[column], wide.reliability[column])
    # the decomposition's discrimination and uncertainty take no clipped log
    ll, ll_wide = low.decomposition["log_loss"], wide.decomposition["log_loss"]
    assert ll.discrimination == pytest.approx(ll_wide.discrimination, rel=1e-12, abs=1e-15)
    assert ll.uncertainty == ll_wide.uncertainty
    # MCB - DSC + UNC is the score, and only MCB moves with the clipping
    assert ll.score == low.log_loss
    assert ll.miscalibration - ll.discrimination + ll.uncertainty == pytest.approx(
        low.log_loss, rel=1e-12
    )
    assert ll.miscalibration - ll_wide.miscalibration == pytest.approx(
        low.log_loss - wide.log_loss, rel=1e-9, abs=1e-14
    )


@pytest.mark.parametrize("dtype", DTYPES)
def test_log_loss_interval_is_the_t_interval_of_the_clipped_losses(dtype):
    y, p = _binary_data(300, True, seed=2)
    p = p.astype(dtype)
    report = _report(y, p)
    losses = _clipped_losses(y, p.astype(np.float64), dtype)
    n = losses.shape[0]
    half = student.ppf(0.975, n - 1) * losses.std(ddof=1) / math.sqrt(n)
    row = report.intervals.statistic.tolist().index("log_loss")
    assert report.intervals["estimate"][row] == report.log_loss
    assert report.log_loss == pytest.approx(losses.mean(), rel=1e-12)
    assert report.intervals["low"][row] == pytest.approx(losses.mean() - half, rel=1e-9)
    assert report.intervals["high"][row] == pytest.approx(losses.mean() + half, rel=1e-9)


@pytest.mark.parametrize("dtype", DTYPES)
def test_recalibration_gain_and_subgroups_share_the_clipping(dtype):
    y, p = _binary_data(400, True, seed=3)
    p = p.astype(dtype)
    groups = np.arange(400) % 2
    report = _report(y, p, groups=groups)
    # few distinct predictions: the gain's cells are exact, its current loss the report's
    assert report.recalibration_gain.log_loss == pytest.approx(report.log_loss, rel=1e-12)
    for row in report.subgroups:
        mask = groups == row.group
        expected = sklearn.metrics.log_loss(y[mask], p[mask])
        assert row.log_loss == pytest.approx(expected, rel=RTOL[dtype])


@pytest.mark.parametrize("extremes", [True, False], ids=["exact-0-1", "inside"])
@pytest.mark.parametrize("dtype", DTYPES)
def test_multiclass_log_loss_matches_sklearn(dtype, extremes):
    rng = np.random.default_rng(4)
    P = rng.dirichlet([1.0, 1.0, 1.0], 300)
    y = rng.integers(0, 3, 300)
    if extremes:
        P[:3] = [[0.0, 0.0, 1.0], [1.0, 0.0, 0.0], [0.0, 1.0, 0.0]]
        y[:3] = [0, 0, 2]
    P = P.astype(dtype)
    report = _report(y, P, n_resamples=20)
    expected = sklearn.metrics.log_loss(y, P)
    assert report.log_loss == pytest.approx(expected, rel=RTOL[dtype])
    assert isinstance(report.log_loss, float)
    wide = _report(y, P.astype(np.float64), n_resamples=20)
    assert report.roc_auc == wide.roc_auc
    assert report.brier_score == wide.brier_score
    assert report.ece == wide.ece
    # the all-class t interval: of the per-sample losses clipped at the dtype's eps
    eps = float(np.finfo(dtype).eps)
    losses = -np.log(np.clip(P.astype(np.float64)[np.arange(300), y], eps, 1.0 - eps))
    half = student.ppf(0.975, 299) * losses.std(ddof=1) / math.sqrt(300)
    row = report.intervals.statistic.tolist().index("log_loss")
    centre = report.log_loss
    assert report.intervals["high"][row] == pytest.approx(centre + half, rel=RTOL[dtype])


def test_logits_keep_the_float64_clipping():
    """Logits become float64 probabilities (expit): float32 logits report as float64 ones."""
    rng = np.random.default_rng(5)
    z = rng.normal(0.0, 30.0, 200).astype(np.float32)  # beyond +-36.7: p rounds to 0 or 1
    y = rng.integers(0, 2, 200)
    low = _report(y, z, from_logits=True)
    wide = _report(y, z.astype(np.float64), from_logits=True)
    assert low.log_loss == wide.log_loss
    p = 1.0 / (1.0 + np.exp(-z.astype(np.float64)))
    assert low.log_loss == pytest.approx(_clipped_losses(y, p, np.float64).mean(), rel=1e-9)


class _Float32Model(sklearn.base.ClassifierMixin, sklearn.base.BaseEstimator):
    """A logistic regression whose probabilities are float32, a few rounded to 0 and 1."""

    def fit(self, X, y):
        from sklearn.linear_model import LogisticRegression

        self.model_ = LogisticRegression().fit(X, y)
        self.classes_ = self.model_.classes_
        return self

    def predict_proba(self, X):
        P = self.model_.predict_proba(X).astype(np.float32)
        P[:3] = [[1.0, 0.0], [0.0, 1.0], [1.0, 0.0]]
        return P


def test_cross_val_report_clips_at_the_predictions_dtype():
    from sklearn.model_selection import KFold

    rng = np.random.default_rng(6)
    X = rng.normal(size=(300, 2))
    y = (X[:, 0] + rng.normal(size=300) > 0).astype(int)
    cv = KFold(3)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        report = skbce.cross_val_calibration_report(_Float32Model(), X, y, cv=cv, n_resamples=0)
    pooled, folds = [], []
    for train, test in cv.split(X):
        P = _Float32Model().fit(X[train], y[train]).predict_proba(X[test])
        folds.append(sklearn.metrics.log_loss(y[test], P, labels=[0, 1]))
        pooled.append((y[test], P))
    y_oof = np.concatenate([t for t, _ in pooled])
    P_oof = np.concatenate([P for _, P in pooled])
    assert report.log_loss == pytest.approx(sklearn.metrics.log_loss(y_oof, P_oof), rel=1e-6)
    np.testing.assert_allclose(report.folds["log_loss"], folds, rtol=1e-6)
    assert any("a loss of 15.94 each" in note for note in report.problems)


@settings(max_examples=30, deadline=None)
@given(
    n=st.integers(8, 80),
    seed=st.integers(0, 2**32 - 1),
    n_extreme=st.integers(0, 4),
    weighted=st.booleans(),
)
def test_property_float32_report_log_loss_is_sklearns(n, seed, n_extreme, weighted):
    rng = np.random.default_rng(seed)
    p = rng.uniform(0.0, 1.0, n).astype(np.float32)
    p[:n_extreme] = rng.integers(0, 2, n_extreme)  # exact 0 and 1
    y = rng.integers(0, 2, n)
    y[:2] = [0, 1]  # both classes
    w = rng.uniform(0.5, 2.0, n) if weighted else None
    report = _report(y, p, sample_weight=w, n_bins=3)
    expected = sklearn.metrics.log_loss(y, p, sample_weight=w)
    assert report.log_loss == pytest.approx(expected, rel=1e-6)
    wide = _report(y, p.astype(np.float64), sample_weight=w, n_bins=3)
    assert report.roc_auc == wide.roc_auc
    assert report.ece == wide.ece
