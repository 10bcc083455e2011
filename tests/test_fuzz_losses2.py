"""Second fuzzing pass over the losses: input containers, dtypes, extreme options.

Each test records an input that skbce computed differently from scikit-learn
(or from an independent formula), or refused with an error that named no
argument.
"""

import warnings

import mpmath
import numpy as np
import pytest
import sklearn
import sklearn.metrics as skm
from hypothesis import given, settings
from hypothesis import strategies as st

import skbce

#: Tests whose scikit-learn side is the behaviour of scikit-learn >= 1.9, which skbce
#: follows (older releases: no ``labels`` in brier_score_loss, no d2 scorer, other errors).
AS_SKLEARN_19 = pytest.mark.skipif(
    tuple(int(part) for part in sklearn.__version__.split(".")[:2]) < (1, 9),
    reason="records the behaviour of scikit-learn >= 1.9, which skbce follows",
)


Y = [0, 1, 0, 1]
P = [0.2, 0.7, 0.4, 0.6]
P3 = np.array([[0.8, 0.1, 0.1], [0.3, 0.6, 0.1], [0.1, 0.1, 0.8], [0.4, 0.4, 0.2]])
Y3 = [0, 1, 2, 1]


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


# --- big-endian probabilities: scikit-learn computes them in float64


@AS_SKLEARN_19
@pytest.mark.parametrize("dtype", [">f4", ">f2", ">f8"])
@pytest.mark.parametrize(
    ("name", "y", "proba"),
    [
        ("log_loss", Y, P),
        ("log_loss", Y3, P3),
        ("d2_log_loss_score", Y, P),
        ("brier_score_loss", Y, P),
        ("brier_score_loss", Y3, P3),
    ],
)
def test_big_endian_probabilities_are_computed_in_float64(name, y, proba, dtype):
    """'>f4' was kept in float32 (byte-swapped), where scikit-learn converts it to float64."""
    values = np.asarray(proba, dtype=dtype)
    got = _assert_same_as_sklearn(name, y, values)
    # independent: the same values read as float64 (what scikit-learn does)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # rows rounded to float16 do not sum to 1
        want = getattr(skm, name)(y, values.astype(np.float64))
    assert got == pytest.approx(want, rel=1e-12)


def test_big_endian_float32_cross_entropy_is_that_of_its_float64_values():
    z = np.array([0.3, -1.7, 2.2, 0.01], dtype=">f4")
    t = np.array(Y, dtype=float)
    z64 = z.astype(np.float64)
    want = np.mean(np.logaddexp(0, z64) - t * z64)
    got = skbce.binary_cross_entropy(Y, z, from_logits=True)
    assert got == pytest.approx(want, rel=1e-13)


# --- pos_weight much smaller than one: 1 + (c - 1) t cancelled


@settings(max_examples=40, deadline=None)
@given(
    c=st.floats(1e-300, 1e-4),
    z=st.floats(-50, 50),
    from_logits=st.booleans(),
)
def test_small_pos_weight_scales_the_positive_loss_exactly(c, z, from_logits):
    """A pos_weight of 1e-10 gave a loss off by 1e-7; of 1e-17 a loss of zero."""
    score = z if from_logits else float(mpmath.mpf(1) / (1 + mpmath.exp(-z)))
    if not from_logits and not 0 < score < 1:
        return
    got = skbce.binary_cross_entropy(
        [1, 0], [score, score], from_logits=from_logits, pos_weight=c, reduction="none"
    )
    s = mpmath.mpf(score)
    log_p = -mpmath.log1p(mpmath.exp(-s)) if from_logits else mpmath.log(s)
    eps = np.finfo(np.float64).eps
    if not from_logits:
        log_p = mpmath.log(min(max(s, eps), 1 - eps))
    assert got[0] == pytest.approx(float(-c * log_p), rel=1e-12, abs=0)


@settings(max_examples=40, deadline=None)
@given(
    c=st.floats(1e-300, 1e-4),
    z=st.floats(-100, 100),
    t=st.sampled_from([0.0, 1.0, 0.3, 1e-12]),
)
def test_hessian_with_small_pos_weight_is_exact(c, z, t):
    """(c t + 1 - t) was computed as c t + 1 - t: zero for c < 1e-16 and t = 1."""
    y = [t, 1.0 - t] if t in (0.0, 1.0) else [t, 0.5]
    grad, hess = skbce.bce_gradient_hessian(y, [z, 0.0], pos_weight=c)
    mpmath.mp.dps = 50
    zz, tt, cc = mpmath.mpf(z), mpmath.mpf(t), mpmath.mpf(c)

    def loss(x):
        return cc * tt * mpmath.log1p(mpmath.exp(-x)) + (1 - tt) * mpmath.log1p(mpmath.exp(x))

    # independent: finite differences of the loss in 50 digits
    want_grad = mpmath.diff(loss, zz, 1)
    want_hess = mpmath.diff(loss, zz, 2)
    assert grad[0] == pytest.approx(float(want_grad), rel=1e-9, abs=1e-300)
    assert hess[0] == pytest.approx(float(want_hess), rel=1e-9, abs=1e-300)


# --- pos_label: the types scikit-learn takes


@pytest.mark.parametrize("pos_label", [b"b", 1j, np.complex128(1)])
@pytest.mark.parametrize("y", [Y, ["a", "b", "a", "b"]])
def test_pos_label_of_bytes_or_complex_is_refused(pos_label, y):
    """Accepted (the Brier score then counted every sample as negative); scikit-learn refuses."""
    _assert_same_as_sklearn("brier_score_loss", y, P, pos_label=pos_label)
    for func in (
        skbce.brier_score_loss,
        skbce.binary_cross_entropy,
        skbce.normalized_cross_entropy,
        skbce.log_loss_breakdown,
    ):
        with pytest.raises(TypeError, match="pos_label"):
            func(y, P, pos_label=pos_label)


@AS_SKLEARN_19
@pytest.mark.parametrize("pos_label", [10**20, -(10**30)])
def test_pos_label_beyond_int64_with_bool_labels_names_pos_label(pos_label):
    """numpy's OverflowError 'Python int too large to convert to C long' (so did scikit-learn's)."""
    y = [False, True, False, True]
    with pytest.raises(ValueError, match="pos_label"):
        skbce.brier_score_loss(y, P, pos_label=pos_label)
    with pytest.raises(OverflowError):
        skm.brier_score_loss(y, P, pos_label=pos_label)


# --- np.matrix: refused by scikit-learn, read as multilabel data by the cross-entropies


MATRIX_CASES = [
    (np.matrix(Y).T, np.array(P)[:, None], "y_true"),
    (np.matrix(Y), P, "y_true"),
    (Y, np.matrix(P).T, "y_score"),
    (np.matrix(Y).T, np.matrix(P).T, "y_score"),  # the scores are checked first
]


@pytest.mark.parametrize(("y", "score", "name"), MATRIX_CASES)
@pytest.mark.parametrize(
    "func",
    [
        skbce.binary_cross_entropy,
        skbce.normalized_cross_entropy,
        skbce.log_loss_breakdown,
        skbce.bce_gradient_hessian,
    ],
)
def test_np_matrix_is_refused_naming_the_argument(func, y, score, name):
    """binary_cross_entropy crashed ('only 0-dimensional arrays can be converted'),
    bce_gradient_hessian returned (n, 1) derivatives."""
    name = "logits" if func is skbce.bce_gradient_hessian and name == "y_score" else name
    with pytest.raises(TypeError, match=name):
        func(y, score)


@pytest.mark.parametrize("name", ["log_loss", "d2_log_loss_score", "brier_score_loss"])
@pytest.mark.parametrize(
    ("y", "proba", "weight"),
    [(np.matrix(Y).T, P, None), (Y, np.matrix(P).T, None), (Y, P, np.matrix([1.0, 2, 3, 4]))],
)
def test_np_matrix_is_refused_as_by_scikit_learn(name, y, proba, weight):
    want = _outcome(getattr(skm, name), y, proba, sample_weight=weight)
    got = _outcome(getattr(skbce, name), y, proba, sample_weight=weight)
    assert want[0] == got[0] == "error"
    assert isinstance(got[1], TypeError)


@pytest.mark.parametrize(
    ("y", "score"),
    [([0.1, 0.9, 0.5, 1.0], P), (np.array(Y)[:, None], np.array(P)[:, None])],
    ids=["soft", "column"],
)
def test_breakdown_refusal_names_y_true(y, score):
    with pytest.raises(ValueError, match="y_true"):
        skbce.log_loss_breakdown(y, score)


# --- labels of uint64 beyond the range of int64


U64 = np.array([0, 2**64 - 1], dtype=np.uint64)


@AS_SKLEARN_19
@pytest.mark.parametrize("name", ["log_loss", "d2_log_loss_score", "brier_score_loss"])
@pytest.mark.parametrize(
    "y",
    [U64[[0, 1, 1, 0]], U64[[1, 1, 1, 1]], U64[[0, 0, 0, 0]]],
    ids=["both", "top", "zero"],
)
def test_uint64_labels_beyond_int64_are_read(name, y):
    """labels=np.array([0, 2**64 - 1], dtype=uint64) became float64 labels: 'Unknown label type'."""
    proba = np.column_stack([1 - np.array(P), P])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # scikit-learn's float cast of uint64
        got = _assert_same_as_sklearn(name, y, proba, labels=U64)
    if name == "log_loss":
        codes = (y != 0).astype(int)
        want = -np.mean(np.log(proba[np.arange(4), codes]))
        assert got == pytest.approx(want, rel=1e-12)


# --- multiclass Brier score of float32 and float16 probabilities


@AS_SKLEARN_19
@settings(max_examples=40, deadline=None)
@given(
    seed=st.integers(0, 2**32 - 1),
    n=st.integers(2, 40),
    k=st.integers(3, 12),
    dtype=st.sampled_from([np.float32, np.float16]),
    weighted=st.booleans(),
)
def test_multiclass_brier_in_float32_and_float16_is_scikit_learn_s(seed, n, k, dtype, weighted):
    """The squares were summed in one einsum (1.5e-7 off in float32, 1e-3 in float16)."""
    rng = np.random.default_rng(seed)
    proba = rng.random((n, k))
    proba = (proba / proba.sum(axis=1, keepdims=True)).astype(dtype)
    y = rng.integers(0, k, n)
    w = rng.random(n) * 3 if weighted else None
    got = _assert_same_as_sklearn(
        "brier_score_loss", y, proba, labels=list(range(k)), sample_weight=w
    )
    # independent: the squares in the dtype of the probabilities, summed over each row
    err = proba.copy()
    err[np.arange(n), y] -= 1
    per_sample = (err * err).sum(axis=1).astype(np.float64)
    want = np.average(per_sample, weights=w)  # in float64: equal to a few roundings of dtype
    assert got == pytest.approx(want, rel=8 * float(np.finfo(dtype).eps))


# --- a column of labels as nested lists, with labels: scikit-learn reads it


@AS_SKLEARN_19
@pytest.mark.parametrize("name", ["log_loss", "d2_log_loss_score", "brier_score_loss"])
@pytest.mark.parametrize(
    ("y", "labels"),
    [
        ([[1], [0], [1], [0]], [0, 1]),
        (([1], [0], [1], [1]), [0, 1]),
        ([["b"], ["a"], ["b"], ["a"]], ["a", "b"]),
        ([[1], [0], [1], [0]], [0, 1, 2]),
        ([[1], [0], [1], [0]], None),
    ],
    ids=["ints", "tuple", "strings", "extra-label", "no-labels"],
)
def test_nested_column_of_labels_with_labels_as_in_scikit_learn(name, y, labels):
    """Refused ('a flat sequence of labels') where scikit-learn takes it given labels."""
    proba = np.column_stack([1 - np.array(P), P])
    got = _assert_same_as_sklearn(name, y, proba, labels=labels)
    if name == "log_loss" and not isinstance(got, Exception) and labels is not None:
        codes = np.array([labels.index(row[0]) for row in y])
        assert got == pytest.approx(-np.mean(np.log(proba[np.arange(4), codes])), rel=1e-12)


def test_brier_refusal_of_multilabel_rows_does_not_name_log_loss():
    with pytest.raises(ValueError, match="y_true is a multilabel") as info:
        skbce.brier_score_loss([[0, 1], [1, 1]], [[0.2, 0.8], [0.6, 0.4]])
    assert "log_loss" not in str(info.value)


def test_breakdown_worst_with_a_zero_weight_infinite_loss():
    """worst() computed 0 * inf: numpy's 'invalid value' warning and a NaN cost."""
    y, p, w = [1, 0, 1, 0], [0.0, 0.3, 0.9, 0.6], [0.0, 1.0, 2.0, 3.0]
    table = skbce.log_loss_breakdown(y, p, sample_weight=w, clip=None)
    worst = table.worst(4)
    # independent: the weighted costs 0 (zero weight), -log(0.7), -2 log(0.9), -3 log(0.4)
    cost = np.array([0.0, -np.log(0.7), -2 * np.log(0.9), -3 * np.log(0.4)])
    np.testing.assert_array_equal(worst.index, np.argsort(-cost, kind="stable"))
    assert list(worst.index)[-1] == 0


# --- options: errors that name the option


@pytest.mark.parametrize("pos_weight", [10**400, -(10**400), [1.0, 10**400]])
@pytest.mark.parametrize("func", [skbce.binary_cross_entropy, skbce.bce_gradient_hessian])
def test_pos_weight_beyond_float64_names_pos_weight(func, pos_weight):
    """numpy's OverflowError 'int too large to convert to float'."""
    with pytest.raises(ValueError, match="pos_weight"):
        func([[0, 1], [1, 0]], [[0.2, 0.3], [0.4, 0.5]], pos_weight=pos_weight)


@pytest.mark.parametrize("value", [np.array([0.1, 0.2]), np.array(["auto", "auto"]), ["auto"]])
def test_brier_scale_by_half_of_an_array_names_it(value):
    """'The truth value of an array with more than one element is ambiguous'."""
    with pytest.raises(ValueError, match="scale_by_half"):
        skbce.brier_score_loss(Y, P, scale_by_half=value)
    with pytest.raises((ValueError, TypeError)):
        skm.brier_score_loss(Y, P, scale_by_half=value)


@pytest.mark.parametrize(
    "weights", [[-1.0, -1.0, -1.0, -1.0], [1.0, 0.0, 1.0, 0.0], [-1.0, 1.0, -1.0, 1.0]]
)
def test_nce_weights_that_leave_a_class_without_weight_name_sample_weight(weights):
    """The message said 'y_true holds a single class' of a y_true with two classes."""
    with pytest.raises(ValueError, match="sample_weight"):
        skbce.normalized_cross_entropy(Y, P, sample_weight=weights)
