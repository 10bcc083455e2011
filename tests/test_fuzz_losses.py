"""Inputs found by fuzzing the losses against scikit-learn: each was accepted,
refused or computed differently from scikit-learn, or crashed inside numpy."""

import warnings

import numpy as np
import pytest
import sklearn
import sklearn.metrics as skm
from scipy.special import expit, xlogy

import skbce

SKLEARN = tuple(int(part) for part in sklearn.__version__.split(".")[:2])
#: Tests whose scikit-learn side is the behaviour of scikit-learn >= 1.9, which skbce
#: follows (older releases: no ``labels`` in brier_score_loss, other errors).
AS_SKLEARN_19 = pytest.mark.skipif(
    SKLEARN < (1, 9), reason="records the behaviour of scikit-learn >= 1.9, which skbce follows"
)

Y = [0, 1, 0, 1]
P = [0.2, 0.7, 0.4, 0.6]
P2 = np.array([[0.8, 0.2], [0.3, 0.7], [0.6, 0.4], [0.4, 0.6]])
Y3 = [0, 1, 2, 1]
P3 = np.array([[0.8, 0.1, 0.1], [0.3, 0.6, 0.1], [0.1, 0.1, 0.8], [0.4, 0.4, 0.2]])


def _outcome(func, *args, **kwargs):
    """``("ok", value)`` or ``("error", exception)``; warnings are not compared."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        try:
            return "ok", func(*args, **kwargs)
        except (ValueError, TypeError) as exc:
            return "error", exc


def _assert_same_as_sklearn(name, *args, **kwargs):
    """Both raise (skbce with a ValueError or TypeError) or both give the same value."""
    want = _outcome(getattr(skm, name), *args, **kwargs)
    got = _outcome(getattr(skbce, name), *args, **kwargs)
    assert got[0] == want[0], (got, want)
    if want[0] == "ok":
        assert got[1] == pytest.approx(want[1], rel=1e-9, abs=1e-15)
    return got[1]


# --- long double weights: numpy's einsum and bincount refused to narrow them


@pytest.mark.parametrize(
    ("name", "y", "proba"),
    [
        ("d2_log_loss_score", Y, P),
        ("d2_log_loss_score", Y, P2),
        ("d2_log_loss_score", Y3, P3),
        ("log_loss", Y3, P3),
        ("brier_score_loss", Y, P),
    ],
)
@pytest.mark.parametrize("weights", [[1.0, 2.0, 3.0, 4.0], [0.5, 0.0, 1e-3, 7.0]])
def test_long_double_weights_give_scikit_learn_s_value(name, y, proba, weights):
    """d2_log_loss_score raised numpy's TypeError 'could not be cast from float128'."""
    w = np.array(weights, dtype=np.longdouble)
    _assert_same_as_sklearn(name, y, proba, sample_weight=w)


@pytest.mark.parametrize("baseline", [None, 0.3])
def test_long_double_weights_in_normalized_cross_entropy(baseline):
    w = np.array([1.0, 2.0, 3.0, 4.0], dtype=np.longdouble)
    got = skbce.normalized_cross_entropy(Y, P, sample_weight=w, baseline=baseline)
    t, p, wf = np.array(Y, float), np.array(P), np.array(w, float)
    loss = -np.sum(wf * (t * np.log(p) + (1 - t) * np.log1p(-p))) / wf.sum()
    r = np.sum(wf * t) / wf.sum()
    b = r if baseline is None else baseline
    assert got == pytest.approx(loss / -(r * np.log(b) + (1 - r) * np.log1p(-b)), rel=1e-12)


# --- gradient: float32 logits with weights beyond float32's range


@pytest.mark.parametrize("weight", [1e39, 1e300, 1e308])
def test_gradient_of_float32_logits_with_huge_weights_has_no_nan(weight):
    """The weights were cast to float32 (inf) first: 0 * inf gave NaN gradients and Hessians."""
    y = np.array([1, 0, 1, 0])
    z = np.array([3e38, -3e38, 0.5, -2.0], dtype=np.float32)
    w = np.array([weight, weight, 1.0, 3.0])
    grad, hess = skbce.bce_gradient_hessian(y, z, sample_weight=w)
    z64 = z.astype(np.float64)
    p, q = expit(z64), expit(-z64)
    want_grad = ((1 - y) * p - y * q) * w
    want_hess = p * q * w
    assert not np.isnan(grad).any() and not np.isnan(hess).any()
    np.testing.assert_allclose(grad, want_grad.astype(np.float32), rtol=1e-6)
    np.testing.assert_allclose(hess, want_hess.astype(np.float32), rtol=1e-6)


# --- labels: object arrays of numbers are of "unknown" type for scikit-learn

OBJECT_LABELS = [
    np.array([0, 1, 2], dtype=object),
    np.array([[0], [1], [2]], dtype=object),
    np.array([False, True], dtype=object),
]


@pytest.mark.parametrize("labels", OBJECT_LABELS, ids=["ints", "column", "bools"])
@pytest.mark.parametrize(
    ("name", "y", "proba"),
    [
        ("log_loss", Y3, P3),
        ("log_loss", Y, P),
        ("d2_log_loss_score", Y3, P3),
        ("brier_score_loss", Y3, P3),
        ("log_loss", [0.0, 1.0, 2.0, 1.0], P3),
    ],
)
def test_object_labels_of_numbers_are_refused_as_by_scikit_learn(name, y, proba, labels):
    """They were read as a tuple of Python numbers and accepted."""
    outcome = _outcome(getattr(skbce, name), y, proba, labels=labels)
    want = _outcome(getattr(skm, name), y, proba, labels=labels)
    assert outcome[0] == want[0]
    if outcome[0] == "error":
        assert "labels" in str(outcome[1])


@pytest.mark.parametrize(
    "labels",
    [np.array(["a", "b", "c"], dtype=object), np.array(["a", 1, 2], dtype=object)],
)
def test_object_labels_of_strings_are_still_read(labels):
    y = np.array(["a", "b", "c", "b"], dtype=object)
    _assert_same_as_sklearn("log_loss", y, P3, labels=labels)


# --- brier_score_loss with 1-D probabilities: scikit-learn's binary rules


@AS_SKLEARN_19
@pytest.mark.parametrize(
    "labels",
    [{0, 1}, [[0], [1]], np.array([0, 1], dtype=object), ["x", "y", "z"], [5]],
    ids=["set", "nested", "object", "other", "one"],
)
def test_brier_ignores_labels_with_1d_probabilities(labels):
    """labels were checked even though scikit-learn does not read them for 1-D y_proba."""
    got = _assert_same_as_sklearn("brier_score_loss", Y, P, labels=labels)
    assert got == pytest.approx(np.mean((np.array(Y) - np.array(P)) ** 2))


@pytest.mark.parametrize("labels", [1, "ab", 3.5])
def test_brier_refuses_labels_that_are_not_array_like(labels):
    with pytest.raises((ValueError, TypeError), match="labels"):
        skbce.brier_score_loss(Y, P, labels=labels)
    with pytest.raises((ValueError, TypeError), match="labels"):
        skm.brier_score_loss(Y, P, labels=labels)


@AS_SKLEARN_19
@pytest.mark.parametrize(
    "y",
    [
        np.array(["2020-01-01", "2020-01-02"] * 2, dtype="datetime64[D]"),
        np.array([10, 20, 10, 20], dtype="timedelta64[s]"),
        [[0], [1], [0], [1]],
        [[2], [5], [2], [5]],
        ([False], [True], [False], [True]),
    ],
    ids=["datetime", "timedelta", "nested", "nested-2-5", "nested-bool"],
)
def test_brier_takes_the_binary_labels_scikit_learn_takes(y):
    """Datetime labels asked for pos_label, a column of labels as nested lists was refused."""
    got = _assert_same_as_sklearn("brier_score_loss", y, P)
    assert got == pytest.approx(np.mean((np.array([0, 1, 0, 1]) - np.array(P)) ** 2))


@pytest.mark.parametrize(
    "y",
    [np.array(["a", "b", "a", "b"], dtype=object), np.array([0, 1, 0, 1], dtype=object)],
)
def test_brier_still_needs_pos_label_for_object_labels(y):
    _assert_same_as_sklearn("brier_score_loss", y, P)
    _assert_same_as_sklearn("brier_score_loss", y, P, pos_label=y[1])


# --- d2_log_loss_score: a class whose signed weights cancel


@pytest.mark.parametrize(
    ("y", "weights"),
    [
        (Y3, [1.0, -1.0, 1.0, 1.0]),
        (Y3, [1.0, -2.0, 1.0, 2.0]),
        ([0, 1, 2, 1, 0, 2], [1.0, 0.5, 2.0, -0.5, 3.0, 1.0]),
    ],
)
def test_d2_with_a_class_of_zero_total_weight_among_others_is_scikit_learn_s(y, weights):
    """Refused (prior zero), where scikit-learn gives the score of the other classes."""
    proba = P3 if len(y) == 4 else np.vstack([P3, P3[:2]])
    got = _assert_same_as_sklearn("d2_log_loss_score", y, proba, sample_weight=weights)
    # independently: the prior of a class of zero weight adds 0 * log(eps) = 0
    t = np.eye(3)[y]
    w = np.array(weights)
    loss = -np.sum(w * np.log(np.sum(t * proba, axis=1)))
    class_weight = w @ t
    prior = np.clip(class_weight / w.sum(), np.finfo(float).eps, 1 - np.finfo(float).eps)
    present = class_weight != 0
    null = -np.sum(class_weight[present] * np.log(prior[present]))
    assert got == pytest.approx(1 - loss / null, rel=1e-9)


def test_d2_with_one_class_of_non_zero_weight_is_still_refused():
    with pytest.raises(ValueError, match="sample_weight"):
        skbce.d2_log_loss_score(Y, P, sample_weight=[1.0, -1.0, 1.0, 1.0])
    with pytest.raises((ValueError, ZeroDivisionError)):
        skm.d2_log_loss_score(Y, P, sample_weight=[1.0, -1.0, 1.0, 1.0])


# --- clip=None: a sample of zero weight with an infinite loss


@pytest.mark.parametrize(
    ("y", "p", "weights"),
    [
        ([0, 0, 0, 1], [0.0, 0.0, 1.0, 0.7], [1.0, 2.0, 0.0, 1.0]),
        ([1, 0, 1, 0], [0.0, 0.3, 0.9, 1.0], [0.0, 1.0, 3.0, 0.0]),
        ([0.5, 0.2, 1.0, 0.0], [0.0, 0.3, 0.9, 1.0], [0.0, 1.0, 3.0, 0.0]),
        ([[0, 1], [1, 1], [0, 0]], [[1.0, 0.4], [0.2, 0.9], [0.5, 0.5]], [0.0, 1.0, 2.0]),
    ],
    ids=["binary", "two", "soft", "multilabel"],
)
def test_zero_weight_sample_with_infinite_loss_adds_nothing(y, p, weights):
    """0 * inf made the mean, the sum and the per-sample losses NaN."""
    w = np.array(weights)
    keep = w != 0
    y_kept = np.asarray(y, dtype=float)[keep]
    p_kept = np.asarray(p, dtype=float)[keep]
    # independent: the loss of the samples of non-zero weight only
    each = -(xlogy(y_kept, p_kept) + xlogy(1 - y_kept, 1 - p_kept))
    each = each.mean(axis=1) if each.ndim == 2 else each
    want_sum = np.sum(w[keep] * each)
    got = skbce.binary_cross_entropy(y, p, sample_weight=w, clip=None)
    assert got == pytest.approx(want_sum / w.sum(), rel=1e-12)
    got_sum = skbce.binary_cross_entropy(y, p, sample_weight=w, clip=None, reduction="sum")
    assert got_sum == pytest.approx(want_sum, rel=1e-12)
    none = skbce.binary_cross_entropy(y, p, sample_weight=w, clip=None, reduction="none")
    assert not np.isnan(none).any()
    assert np.all(none[~keep] == 0)


def test_zero_weight_sample_with_infinite_loss_in_the_breakdown():
    table = skbce.log_loss_breakdown(
        [0, 0, 1, 0], [0.2, 0.0, 0.0, 0.5], sample_weight=[1.0, 2.0, 0.0, 1.0], clip=None
    )
    want = np.array([np.log(1.25), 0.0, 0.0, np.log(2.0)])
    assert table.total == pytest.approx(want.sum() / 4.0, rel=1e-12)
    np.testing.assert_allclose(np.asarray(table.share, float), want / want.sum(), rtol=1e-12)


@pytest.mark.parametrize("weight", [None, 2.0, 1e300])
def test_breakdown_shares_of_huge_logits_are_not_nan(weight):
    """The weighted losses overflowed (inf / inf): NaN shares beside a finite total."""
    z = [1e308, 9e307, -1.0, 0.0]
    w = None if weight is None else [weight, weight, weight, weight]
    table = skbce.log_loss_breakdown([0, 0, 1, 0], z, from_logits=True, sample_weight=w)
    share = np.asarray(table.share, float)
    assert not np.isnan(share).any()
    # independent: losses of the two huge logits are the logits themselves
    assert share[0] == pytest.approx(1 / (1 + z[1] / z[0]), rel=1e-12)
    assert share[1] == pytest.approx(1 / (1 + z[0] / z[1]), rel=1e-12)
    assert share.sum() == pytest.approx(1.0, rel=1e-12)


# --- empty y_true beside non-empty scores


@pytest.mark.parametrize(
    "func",
    [
        skbce.binary_cross_entropy,
        skbce.normalized_cross_entropy,
        skbce.log_loss_breakdown,
        skbce.bce_gradient_hessian,
    ],
)
@pytest.mark.parametrize(
    ("y", "score"),
    [([], [0.2, 0.3]), (np.empty((2, 0)), [0.2, 0.3]), (np.empty((0, 2)), np.full((2, 2), 0.5))],
    ids=["empty", "no-labels", "no-rows"],
)
def test_empty_targets_are_refused_naming_y_true(func, y, score):
    """numpy's 'zero-size array to reduction operation minimum' named no argument."""
    with pytest.raises(ValueError, match="y_true"):
        func(y, score)


# --- labels given as an indicator matrix with a one-hot y_true


INDICATOR_CASES = [
    (np.eye(2)[Y], P2, [[0, 1]]),
    (np.eye(2)[Y], P2, np.array([[0, 1], [1, 0]])),
    (np.eye(2)[Y].astype(bool), P, np.array([[1, 0]])),
    (np.eye(3)[Y3], P3, np.array([[1, 0, 0], [0, 1, 0]])),
    (np.eye(2)[Y], P2, np.array([[0, 1, 0]])),
    (np.eye(2)[Y], P2, [0, 1]),
    (np.eye(3)[Y3], P3, [[0], [1], [2]]),
]


@AS_SKLEARN_19
@pytest.mark.parametrize(("y", "proba", "labels"), INDICATOR_CASES)
@pytest.mark.parametrize("name", ["log_loss", "d2_log_loss_score"])
def test_one_hot_y_true_with_indicator_labels_as_in_scikit_learn(name, y, proba, labels):
    """A one-hot y_true with indicator labels of as many columns was refused."""
    got = _assert_same_as_sklearn(name, y, proba, labels=labels)
    if not isinstance(got, Exception) and name == "log_loss":
        codes = np.argmax(y, axis=1)
        columns = np.column_stack([1 - np.asarray(proba), proba]) if np.ndim(proba) == 1 else proba
        want = -np.mean(np.log(columns[np.arange(len(codes)), codes]))
        assert got == pytest.approx(want, rel=1e-12)


@pytest.mark.parametrize(
    ("labels", "pos_label"),
    [((0, 1), 0), ((0, 1), 1), (("a", "b"), "a"), (("a", "b"), "b"), ((-1, 1), -1)],
)
def test_nce_two_priors_follow_the_sorted_labels_whatever_pos_label(labels, pos_label):
    """normalized_cross_entropy(..., pos_label=0, baseline=[p0, p1]) normalized by p1's loss."""
    from sklearn.metrics import log_loss as sk_log_loss

    rng = np.random.default_rng(3)
    codes = rng.integers(0, 2, 200)
    y = np.array(labels, dtype=object if isinstance(labels[0], str) else None)[codes]
    p_pos = rng.uniform(0.05, 0.95, 200)  # probability of pos_label
    priors = [0.3, 0.7]  # of the sorted labels
    b = priors[sorted(labels).index(pos_label)]
    is_pos = y == pos_label
    rate = is_pos.mean()
    expected = sk_log_loss(is_pos, p_pos) / -(rate * np.log(b) + (1 - rate) * np.log1p(-b))
    got = skbce.normalized_cross_entropy(y, p_pos, pos_label=pos_label, baseline=priors)
    assert got == pytest.approx(expected, rel=1e-12)


def test_nce_two_priors_with_only_the_positive_class_is_refused():
    with pytest.raises(ValueError, match="baseline"):
        skbce.normalized_cross_entropy([0, 0, 0], [0.2, 0.4, 0.5], pos_label=0, baseline=[0.3, 0.7])
