"""Properties of skbce.log_loss and d2_log_loss_score.

The systematic cross-check against scikit-learn on a catalogue of inputs lives
in test_sklearn_parity.py; here are the properties and independent oracles.
"""

import math
import warnings

import mpmath
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn import metrics as sk
from sklearn.exceptions import UndefinedMetricWarning

from skbce import d2_log_loss_score, log_loss
from skbce._utils.numeric import BLOCK

mpmath.mp.dps = 50


def mp_log_loss(y, p, w=None):
    """Reference at 50 digits, from the formula, with float64 clipping."""
    eps = mpmath.mpf(float(np.finfo(np.float64).eps))
    w = np.ones(len(y)) if w is None else w
    total = mpmath.mpf(0)
    for yi, pi, wi in zip(y, p, w, strict=True):
        pi = min(max(mpmath.mpf(float(pi)), eps), 1 - eps)
        total -= mpmath.mpf(float(wi)) * mpmath.log(pi if yi == 1 else 1 - pi)
    return total / mpmath.fsum(mpmath.mpf(float(v)) for v in w)


@pytest.fixture
def binary_data():
    rng = np.random.default_rng(0)
    n = 200
    return rng.integers(0, 2, n), rng.random(n), rng.random(n)


def test_matches_mpmath_reference(binary_data):
    y, p, w = binary_data
    assert log_loss(y, p) == pytest.approx(float(mp_log_loss(y, p)), rel=1e-13)
    expected = float(mp_log_loss(y, p, w))
    assert log_loss(y, p, sample_weight=w) == pytest.approx(expected, rel=1e-13)


@pytest.mark.parametrize(
    ("dtype", "cost"),
    [(np.float64, 36.04365338911715), (np.float32, 15.942385152878742)],
    ids=["float64", "float32"],
)
def test_confident_miss_costs_minus_log_eps(dtype, cost):
    y = [0, 1]
    p = np.array([1.0, 0.0], dtype=dtype)
    assert log_loss(y, p) == pytest.approx(cost, rel=1e-6)
    assert log_loss(y, p) == pytest.approx(-np.log(np.finfo(dtype).eps), rel=1e-6)


@pytest.mark.parametrize("p", [0.0, 1e-300, 5e-324, 1e-17, 1.0, 1 - 1e-17], ids=lambda v: f"p={v}")
def test_extreme_probabilities_are_finite_and_match_sklearn(p):
    y = [0, 1, 1, 0]
    proba = [p, p, 0.5, 0.5]
    ours = log_loss(y, proba)
    assert np.isfinite(ours)
    assert ours == pytest.approx(sk.log_loss(y, proba), rel=1e-12)


def test_perfect_prediction_costs_machine_epsilon():
    assert log_loss([0, 1], [0.0, 1.0]) == pytest.approx(np.finfo(float).eps)


@pytest.mark.parametrize("n", [300, 70_000, 2_000_000])
@pytest.mark.parametrize("gap", [1e-13, 1e-10, 1e-7, 3e-5, 1e-3])
def test_nearly_perfect_predictions_keep_their_relative_precision(n, gap):
    # a loss near 0: each term is about ``gap``, so a rounding of ``1e-16`` per
    # sample would already move the mean by ``1e-16 / gap`` relative
    rng = np.random.default_rng(int(n * gap * 1e13) % 2**32)
    y = rng.integers(0, 2, n)
    e = rng.uniform(0, gap, n)
    p = np.where(y == 1, 1 - e, e)
    expected = -math.fsum(np.log(np.where(y == 1, p, 1 - p)).tolist()) / n
    assert log_loss(y, p) == pytest.approx(expected, rel=1e-10)
    assert log_loss(y, p) == pytest.approx(sk.log_loss(y, p), rel=1e-9)


def test_result_is_python_float(binary_data):
    y, p, _ = binary_data
    assert type(log_loss(y, p)) is float
    assert type(log_loss(y, p.astype(np.float32))) is float
    assert type(d2_log_loss_score(y, p)) is float


@pytest.mark.parametrize("n", [BLOCK - 1, BLOCK, BLOCK + 1, 3 * BLOCK + 17])
@pytest.mark.parametrize("weighted", [False, True], ids=["unweighted", "weighted"])
def test_block_boundaries(n, weighted):
    rng = np.random.default_rng(n)
    y = rng.integers(0, 3, n)
    P = rng.dirichlet(np.ones(3), n)
    w = rng.random(n) if weighted else None
    assert log_loss(y, P, sample_weight=w) == pytest.approx(
        sk.log_loss(y, P, sample_weight=w), rel=1e-12
    )
    yb, p = y % 2, P[:, 0]
    assert log_loss(yb, p, sample_weight=w) == pytest.approx(
        sk.log_loss(yb, p, sample_weight=w), rel=1e-12
    )


# --- invariances --------------------------------------------------------------

labels_and_probas = st.integers(2, 60).flatmap(
    lambda n: st.tuples(
        st.lists(st.integers(0, 1), min_size=n, max_size=n).filter(
            lambda ys: 0 < sum(ys) < len(ys)
        ),
        st.lists(st.floats(0, 1), min_size=n, max_size=n),
        st.lists(st.integers(1, 5), min_size=n, max_size=n),
    )
)


@settings(max_examples=60, deadline=None)
@given(labels_and_probas, st.randoms(use_true_random=False))
def test_sample_order_invariance(data, rnd):
    y, p, _ = data
    order = list(range(len(y)))
    rnd.shuffle(order)
    shuffled = log_loss([y[i] for i in order], [p[i] for i in order])
    assert shuffled == pytest.approx(log_loss(y, p), rel=1e-12, abs=1e-15)


@settings(max_examples=60, deadline=None)
@given(labels_and_probas)
def test_integer_weights_equal_repeated_rows(data):
    y, p, counts = data
    repeated_y = np.repeat(y, counts)
    repeated_p = np.repeat(p, counts)
    weighted = log_loss(y, p, sample_weight=counts)
    assert weighted == pytest.approx(log_loss(repeated_y, repeated_p), rel=1e-12)
    weighted_sum = log_loss(y, p, sample_weight=counts, normalize=False)
    assert weighted_sum == pytest.approx(
        log_loss(repeated_y, repeated_p, normalize=False), rel=1e-12
    )


@settings(max_examples=60, deadline=None)
@given(labels_and_probas, st.floats(1e-3, 1e3))
def test_unit_and_scaled_weights(data, scale):
    y, p, counts = data
    assert log_loss(y, p, sample_weight=np.ones(len(y))) == pytest.approx(log_loss(y, p), rel=1e-12)
    w = np.asarray(counts, dtype=float)
    assert log_loss(y, p, sample_weight=scale * w) == pytest.approx(
        log_loss(y, p, sample_weight=w), rel=1e-12
    )


def test_zero_weights_equal_removed_rows(binary_data):
    y, p, w = binary_data
    w = w.copy()
    w[::3] = 0
    keep = w != 0
    assert log_loss(y, p, sample_weight=w) == pytest.approx(
        log_loss(y[keep], p[keep], sample_weight=w[keep]), rel=1e-12
    )


def test_list_ndarray_and_pandas_inputs_agree(binary_data):
    pd = pytest.importorskip("pandas")
    y, p, w = binary_data
    expected = log_loss(y, p, sample_weight=w)
    assert log_loss(y.tolist(), p.tolist(), sample_weight=w.tolist()) == expected
    assert log_loss(pd.Series(y), pd.Series(p), sample_weight=pd.Series(w)) == expected
    frame = pd.DataFrame({"a": 1 - p, "b": p})
    assert log_loss(y, frame, sample_weight=w) == pytest.approx(expected, rel=1e-12)


def test_inputs_are_not_modified(binary_data):
    y, p, w = binary_data
    copies = y.copy(), p.copy(), w.copy()
    log_loss(y, p, sample_weight=w)
    P = np.column_stack([1 - p, p])
    P_copy = P.copy()
    log_loss(y, P, sample_weight=w)
    for before, after in zip(copies + (P_copy,), (y, p, w, P), strict=True):
        np.testing.assert_array_equal(before, after)


def test_string_labels_positive_class_is_the_greater():
    p = [0.9, 0.2, 0.7]
    assert log_loss(["spam", "ham", "spam"], p) == pytest.approx(log_loss([1, 0, 1], p), rel=1e-15)


def test_labels_with_absent_class():
    y = [0, 2, 2]
    P = [[0.5, 0.2, 0.3], [0.1, 0.1, 0.8], [0.2, 0.3, 0.5]]
    expected = -np.mean(np.log([0.5, 0.8, 0.5]))
    assert log_loss(y, P, labels=[0, 1, 2]) == pytest.approx(expected, rel=1e-14)


def test_one_hot_y_true_is_accepted_as_classes():
    Y = [[1, 0, 0], [0, 0, 1]]
    P = [[0.7, 0.2, 0.1], [0.1, 0.1, 0.8]]
    assert log_loss(Y, P) == pytest.approx(-np.mean(np.log([0.7, 0.8])), rel=1e-14)


# --- refusals -----------------------------------------------------------------

BAD_INPUTS = [
    ("nan", [0, 1], [0.5, np.nan], {}, "y_proba contains NaN"),
    ("inf", [0, 1], [0.5, np.inf], {}, "y_proba.*infinity"),
    ("above one", [0, 1], [0.5, 1.5], {}, "y_proba.*greater than 1"),
    ("below zero", [0, 1], [0.5, -0.1], {}, "y_proba.*lower than 0"),
    ("2-D above one", [0, 1], [[0.5, 0.5], [-0.5, 1.5]], {}, "y_proba.*greater"),
    ("single class", [1, 1], [0.5, 0.6], {}, "only one class"),
    ("one label", [1, 1], [0.5, 0.6], {"labels": [1]}, "at least two classes"),
    ("lengths", [0, 1, 1], [0.5, 0.6], {}, "y_true has 3, y_proba has 2"),
    ("columns", [0, 1, 2], [0.5, 0.6, 0.1], {}, "2 columns but y_true has 3"),
    (
        "labels do not cover",
        [0, 1, 2],
        [[0.5, 0.5]] * 3,
        {"labels": [0, 1]},
        r"y_true contains labels \[2\]",
    ),
    ("empty", [], [], {}, "0 sample"),
    ("3-D", [0, 1], np.full((2, 2, 1), 0.5), {}, "dim 3"),
    ("continuous", [0.5, 1.5], [0.5, 0.5], {}, "type 'continuous'"),
    (
        "multi-output",
        [[0, 2], [1, 0]],
        [0.5, 0.5],
        {},
        "type 'multiclass-multioutput'",
    ),
    (
        "multilabel",
        [[1, 0, 1], [0, 1, 1]],
        [[0.9, 0.2, 0.8], [0.1, 0.7, 0.6]],
        {},
        "binary_cross_entropy",
    ),
    ("weights sum to zero", [0, 1], [0.5, 0.5], {"sample_weight": [1, -1]}, "sums to zero"),
    ("all-zero weights", [0, 1], [0.5, 0.5], {"sample_weight": [0, 0]}, "non-zero"),
    ("weight length", [0, 1], [0.5, 0.5], {"sample_weight": [1]}, "sample_weight has 1"),
    ("weight nan", [0, 1], [0.5, 0.5], {"sample_weight": [1, np.nan]}, "sample_weight"),
    ("weight 2-D", [0, 1], [0.5, 0.5], {"sample_weight": [[1, 1]]}, "sample_weight"),
    ("duplicate labels", [0, 1], [0.5, 0.5], {"labels": [0, 0, 1]}, "repeat"),
    ("normalize", [0, 1], [0.5, 0.5], {"normalize": 1}, "normalize must be a bool"),
    ("scalar y_true", 1, [0.5], {}, "y_true must be an array-like"),
    ("scalar weight", [0, 1], [0.5, 0.5], {"sample_weight": 2.0}, "sample_weight must be"),
]


@pytest.mark.parametrize(
    ("y", "p", "kwargs", "match"),
    [case[1:] for case in BAD_INPUTS],
    ids=[case[0] for case in BAD_INPUTS],
)
def test_bad_input_raises_value_error_naming_the_problem(y, p, kwargs, match):
    with pytest.raises(ValueError, match=match):
        log_loss(y, p, **kwargs)


def test_warns_like_sklearn_on_rows_not_summing_to_one():
    y, P = [0, 1], [[0.2, 0.9], [0.3, 0.7]]
    with pytest.warns(UserWarning, match="do not sum to one"):
        ours = log_loss(y, P)
    with pytest.warns(UserWarning):
        assert ours == sk.log_loss(y, P)


def test_warns_on_unsorted_labels_and_uses_sorted_order():
    y, P = [0, 1, 1], [[0.8, 0.2], [0.3, 0.7], [0.4, 0.6]]
    with pytest.warns(UserWarning, match="not sorted"):
        ours = log_loss(y, P, labels=[1, 0])
    assert ours == log_loss(y, P, labels=[0, 1])


def test_no_warning_for_valid_input(binary_data):
    y, p, _ = binary_data
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        log_loss(y, p)
        log_loss(y, np.column_stack([1 - p, p]))


# --- d2 -----------------------------------------------------------------------


def test_d2_is_one_minus_ratio_to_prior(binary_data):
    y, p, w = binary_data
    prior = np.average(y, weights=w)
    baseline = log_loss(y, np.full(len(y), prior), sample_weight=w)
    expected = 1 - log_loss(y, p, sample_weight=w) / baseline
    assert d2_log_loss_score(y, p, sample_weight=w) == pytest.approx(expected, rel=1e-12)


def test_d2_of_prior_prediction_is_zero():
    y = np.array([0, 1, 1, 2, 2, 2])
    P = np.tile(np.bincount(y) / len(y), (len(y), 1))
    assert d2_log_loss_score(y, P) == pytest.approx(0.0, abs=1e-14)


def test_d2_single_sample_warns_and_returns_nan():
    with pytest.warns(UndefinedMetricWarning, match="less than two samples"):
        assert np.isnan(d2_log_loss_score([1], [0.5]))


@pytest.mark.parametrize(
    ("call", "name"),
    [
        (lambda v, r: v.check_proba(r), "y_proba"),
        (lambda v, r: v.validate_binary([0, 1], r), "y_proba"),
        (lambda v, r: v.validate_multiclass([0, 1], r), "y_proba"),
        (lambda v, r: v.validate_binary(r, [0.2, 0.7]), "y_true"),
        (lambda v, r: v.check_target(r), "y_true"),
        (lambda v, r: v.cross_entropy_targets(r), "y_true"),
        (lambda v, r: log_loss([0, 1], r), "y_proba"),
        (lambda v, r: log_loss(r, [0.2, 0.7]), "y_true"),
    ],
    ids=["check_proba", "binary", "multiclass", "binary-y_true", "target", "bce-targets",
         "log_loss-y_proba", "log_loss-y_true"],
)  # fmt: skip
def test_ragged_inputs_are_named(call, name):
    from types import SimpleNamespace

    from skbce._utils import binary_targets, validation

    checks = SimpleNamespace(**{**vars(validation), **vars(binary_targets)})
    with pytest.raises(ValueError, match=rf"^{name} is a ragged nested sequence"):
        call(checks, [[0.2, 0.8], [0.1]])
