"""Decision values scored as logits: the softmax kernel and the scorers of margins.

Issue #11 item 15: a margin of 800 against the true class costs 800 nats,
whatever the metric, where turning it into a probability and clipping cost 36.
Oracles: scipy (``log_softmax``, ``expit``), numpy's ``logaddexp``,
scikit-learn's ``log_loss`` and ``d2_log_loss_score`` on probabilities where
they are not clipped, and mpmath at 50 digits for huge margins.
"""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.special import expit, log_softmax, softmax
from sklearn import metrics as skm
from sklearn.base import BaseEstimator, ClassifierMixin, clone
from sklearn.datasets import make_classification
from sklearn.model_selection import GridSearchCV, KFold, cross_val_score, cross_validate
from sklearn.svm import LinearSVC

from skbce._losses.softmax import softmax_sums
from skbce._scorer.scorer import get_scorer, make_scorer
from skbce._utils.numeric import BLOCK
from skbce._utils.sklearn_compat import ScorerBase

mpmath = pytest.importorskip("mpmath")


def _oracle_losses(Z, codes):
    """Per-sample softmax cross-entropy from scipy, in float64."""
    Z = np.asarray(Z, dtype=np.float64)
    return -log_softmax(Z, axis=1)[np.arange(Z.shape[0]), codes]


# --- the kernel ------------------------------------------------------------------


@settings(max_examples=60, deadline=None)
@given(
    seed=st.integers(0, 2**32 - 1),
    n=st.integers(1, 80),
    k=st.integers(2, 7),
    scale=st.sampled_from([0.01, 1.0, 3.0, 30.0]),
    dtype=st.sampled_from([np.float64, np.float32]),
    weighted=st.booleans(),
)
def test_kernel_matches_scipy_log_softmax(seed, n, k, scale, dtype, weighted):
    rng = np.random.default_rng(seed)
    Z = (scale * rng.normal(size=(n, k))).astype(dtype)
    codes = rng.integers(0, k, n)
    w = rng.uniform(0.1, 3.0, n) * (rng.random(n) > 0.2) if weighted else None
    sums = softmax_sums(Z, codes, w, class_totals=True)
    expected = _oracle_losses(Z, codes)
    weights = np.ones(n) if w is None else w
    # scipy's log_softmax rounds tiny losses to within eps of 0 (the kernel does not)
    rel, tiny = (1e-12, 4e-16) if dtype == np.float64 else (1e-5, 1e-6)
    expected_sum = np.dot(weights, expected)
    assert sums.loss == pytest.approx(expected_sum, rel=rel, abs=tiny * weights.sum())
    assert sums.weight == pytest.approx(weights.sum(), rel=1e-14)
    np.testing.assert_allclose(sums.class_weight, np.bincount(codes, weights, k), rtol=1e-14)
    np.testing.assert_array_equal(sums.class_count, np.bincount(codes[weights != 0], minlength=k))


@settings(max_examples=40, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), n=st.integers(1, 50), k=st.integers(2, 5))
def test_kernel_matches_sklearn_log_loss_of_probabilities(seed, n, k):
    """Moderate margins: probabilities are not clipped, sklearn's log_loss agrees."""
    rng = np.random.default_rng(seed)
    Z = 2.0 * rng.normal(size=(n, k))
    codes = rng.integers(0, k, n)
    sums = softmax_sums(Z, codes)
    expected = skm.log_loss(codes, softmax(Z, axis=1), labels=np.arange(k))
    assert sums.loss / sums.weight == pytest.approx(expected, rel=1e-9)


def _mp_loss(row, code):
    with mpmath.workdps(50):
        terms = [mpmath.mpf(float(v)) for v in row]
        return float(mpmath.log(mpmath.fsum(mpmath.exp(t) for t in terms)) - terms[code])


@pytest.mark.parametrize(
    "row",
    [
        [0.0, 1e4],
        [1e4, 0.0],
        [-1e4, 1e4, 0.0],
        [40.0, 0.0, 0.0],  # loss 8.5e-18 for class 0: log1p keeps its digits
        [1e4, 1e4 - 1e-3, -1e4],
        [-3.0, 2.5, 9999.0, -9999.0],
        [700.0, 710.0, 720.0],  # exp would overflow without the shift
    ],
    ids=str,
)
def test_kernel_matches_mpmath_for_huge_margins(row):
    Z = np.array([row] * len(row))
    codes = np.arange(len(row))
    per_sample = [softmax_sums(Z[i : i + 1], codes[i : i + 1]).loss for i in range(len(row))]
    expected = [_mp_loss(row, c) for c in codes]
    np.testing.assert_allclose(per_sample, expected, rtol=1e-13, atol=0)


def test_kernel_over_several_blocks():
    rng = np.random.default_rng(0)
    k = 3
    n = 2 * (2 * BLOCK // k) + 17  # three blocks, the last one short
    Z = 4.0 * rng.normal(size=(n, k))
    codes = rng.integers(0, k, n)
    w = rng.uniform(0, 2, n)
    sums = softmax_sums(Z, codes, w)
    assert sums.loss == pytest.approx(np.dot(w, _oracle_losses(Z, codes)), rel=1e-12)


def test_kernel_unseen_classes():
    """A -inf logit: no mass for that class; as the true class it costs unseen_loss."""
    Z = np.array([[1.0, -np.inf, 2.0], [1.0, -np.inf, 2.0]])
    codes = np.array([0, 1])
    sums = softmax_sums(Z, codes, unseen_loss=36.0)
    expected_first = _oracle_losses(Z[:1, [0, 2]], [0])[0]
    assert sums.loss == pytest.approx(expected_first + 36.0, rel=1e-14)
    assert np.isinf(softmax_sums(Z, codes).loss)


# --- scorers of margins: issue #11 item 15 ------------------------------------------


class _Margin(ClassifierMixin, BaseEstimator):
    """A hand-made classifier: its margin is ``scale * X[:, 0]``, no predict_proba."""

    def __init__(self, scale=1.0):
        self.scale = scale

    def fit(self, X, y):
        self.classes_ = np.unique(y)
        return self

    def decision_function(self, X):
        return self.scale * np.asarray(X, dtype=float)[:, 0]


def _margin_data(n=200, misses=(13, 151)):
    """Labels alternate; the margin feature is +-1, wrong at ``misses`` (one per half)."""
    y = np.arange(n) % 2
    x = 2.0 * y - 1
    x[list(misses)] *= -1
    return x[:, None], y


def _fold_oracles(scale, X, y):
    """``{scorer name: expected value}`` of one fold, from numpy and scipy alone."""
    z = scale * X[:, 0]
    per_sample = np.logaddexp(0, np.where(y == 1, -z, z))  # softplus of the signed margin
    bce = per_sample.mean()
    rate = y.mean()
    prior_loss = -(rate * np.log(rate) + (1 - rate) * np.log(1 - rate))
    return {
        "neg_log_loss": -bce,
        "neg_binary_cross_entropy": -bce,
        "neg_normalized_cross_entropy": -bce / prior_loss,
        "d2_log_loss_score": 1 - bce / prior_loss,
        "neg_brier_score": -np.mean((expit(z) - y) ** 2),  # Brier of expit(margin)
    }


def test_margin_of_800_costs_800_in_every_metric():
    X, y = _margin_data()
    cv = KFold(2)
    names = list(_fold_oracles(1.0, X, y))
    scoring = {name: get_scorer(name) for name in names}
    result = cross_validate(_Margin(800.0), X, y, cv=cv, scoring=scoring, n_jobs=2)
    for i, (_, test) in enumerate(cv.split(X)):
        expected = _fold_oracles(800.0, X[test], y[test])
        for name in names:
            assert result[f"test_{name}"][i] == pytest.approx(expected[name], rel=1e-12), name
    # One miss in 100 costs 800 / 100 = 8 nats per sample, not 36 / 100.
    np.testing.assert_allclose(result["test_neg_log_loss"], -8.0, rtol=1e-12)


def test_cross_val_score_of_margins():
    X, y = _margin_data()
    for scale in (-800.0, 1.0, 800.0):
        scores = cross_val_score(_Margin(scale), X, y, cv=KFold(4), scoring=make_scorer())
        expected = [
            _fold_oracles(scale, X[test], y[test])["neg_log_loss"] for _, test in KFold(4).split(X)
        ]
        np.testing.assert_allclose(scores, expected, rtol=1e-12)


def test_grid_search_prefers_the_margin_that_is_not_overconfident():
    """Clipped at 36 nats, a miss at margin 800 looked cheap: the search picked it."""
    X, y = _margin_data()
    search = GridSearchCV(_Margin(), {"scale": [0.5, 800.0]}, cv=KFold(2), scoring=make_scorer())
    search.fit(X, y)
    assert search.best_params_ == {"scale": 0.5}
    for j, scale in enumerate(search.cv_results_["param_scale"]):
        for i, (_, test) in enumerate(KFold(2).split(X)):
            expected = _fold_oracles(scale, X[test], y[test])["neg_log_loss"]
            got = search.cv_results_[f"split{i}_test_score"][j]
            assert got == pytest.approx(expected, rel=1e-12)


@pytest.mark.parametrize("n_classes", [2, 3])
def test_linear_svc_folds_against_scipy(n_classes):
    X, y = make_classification(
        n_samples=150,
        n_features=5,
        n_informative=3,
        n_redundant=0,
        n_classes=n_classes,
        random_state=0,
    )
    X = 30 * X  # large margins, where clipping used to bite
    cv = KFold(3, shuffle=True, random_state=0)
    scores = cross_val_score(LinearSVC(), X, y, cv=cv, scoring=make_scorer())
    for score, (train, test) in zip(scores, cv.split(X), strict=True):
        z = clone(LinearSVC()).fit(X[train], y[train]).decision_function(X[test])
        if z.ndim == 1:
            z = np.column_stack([np.zeros_like(z), z])
        assert score == pytest.approx(-_oracle_losses(z, y[test]).mean(), rel=1e-12)


def test_weighted_multiclass_margins_and_d2():
    rng = np.random.default_rng(0)
    y = rng.integers(0, 3, 60)
    Z = 300 * rng.normal(size=(60, 3))
    w = rng.uniform(0.1, 2, 60)

    class _Fixed(_Margin):
        def decision_function(self, X):
            return Z

    clf = _Fixed().fit(None, y)
    losses = _oracle_losses(Z, y)
    loss = make_scorer()(clf, None, y, sample_weight=w)
    assert loss == pytest.approx(-np.dot(w, losses) / w.sum(), rel=1e-12)
    prior = np.bincount(y, w) / w.sum()
    prior_loss = -np.dot(np.bincount(y, w), np.log(prior))
    d2 = get_scorer("d2_log_loss_score")(clf, None, y, sample_weight=w)
    assert d2 == pytest.approx(1 - np.dot(w, losses) / prior_loss, rel=1e-12)
    for factor in (1e-300, 1e300):  # scaling the weights changes nothing
        assert make_scorer()(clf, None, y, sample_weight=factor * w) == pytest.approx(loss)
        scaled = get_scorer("d2_log_loss_score")(clf, None, y, sample_weight=factor * w)
        assert scaled == pytest.approx(d2)
    # sklearn agrees where the probabilities are not clipped (rescaled margins)
    small = Z / 100
    expected = skm.d2_log_loss_score(y, softmax(small, axis=1), sample_weight=w)
    clf.decision_function = lambda X: small
    assert get_scorer("d2_log_loss_score")(clf, None, y, sample_weight=w) == pytest.approx(
        expected, rel=1e-9
    )


def test_float32_margins():
    X, y = _margin_data()
    z32 = (3.0 * X[:, 0]).astype(np.float32)

    class _Float32(_Margin):
        def decision_function(self, X):
            return z32

    value = make_scorer()(_Float32().fit(X, y), X, y)
    assert value == pytest.approx(_fold_oracles(3.0, X, y)["neg_log_loss"], rel=1e-6)


@pytest.mark.parametrize("bad", [np.nan, np.inf, -np.inf], ids=["nan", "inf", "-inf"])
def test_non_finite_margins_are_refused(bad):
    X, y = _margin_data(n=10, misses=())
    X[3, 0] = bad
    with pytest.raises(ValueError, match="decision_function contains"):
        make_scorer()(_Margin().fit(X, y), X, y)


# --- the scikit-learn compatibility shim ------------------------------------------


def test_compat_properties_read_sklearn_private_attributes():
    """The one place that reads scikit-learn's private scorer attributes still finds them."""
    scorer = make_scorer("binary_cross_entropy", pos_weight=2.0)
    assert isinstance(scorer, ScorerBase)
    assert scorer.sign == scorer._sign == -1
    assert scorer.metric_params == scorer._kwargs == {"pos_weight": 2.0}
    assert scorer.score_func is scorer._score_func
    sklearn_scorer = skm.make_scorer(skm.log_loss, response_method="predict_proba")
    assert isinstance(scorer, type(sklearn_scorer))
