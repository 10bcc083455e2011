"""binary_cross_entropy and normalized_cross_entropy against independent oracles."""

import mpmath
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats
from sklearn import metrics as sk

from skbce import (
    StreamingLogLoss,
    binary_cross_entropy,
    brier_score_loss,
    d2_log_loss_score,
    log_loss,
    log_loss_breakdown,
    normalized_cross_entropy,
)

mpmath.mp.dps = 60


def mp_logit_loss(t, z):
    """t softplus(-z) + (1 - t) softplus(z) at 60 digits, as a float64.

    Written without the cancellation of ``softplus(z) - t z``, which would cost
    the reference its precision for large ``z``.
    """
    z = mpmath.mpf(float(z))
    return float(t * mpmath.log1p(mpmath.exp(-z)) + (1 - t) * mpmath.log1p(mpmath.exp(z)))


@pytest.fixture
def data():
    rng = np.random.default_rng(0)
    n = 300
    return rng.integers(0, 2, n), rng.random(n), rng.normal(0, 3, n), rng.random(n)


@settings(max_examples=200, deadline=None)
@given(st.floats(-1e4, 1e4), st.integers(0, 1))
def test_logits_match_mpmath(z, t):
    ours = binary_cross_entropy([t], [z], from_logits=True, reduction="none")[0]
    expected = mp_logit_loss(t, z)
    assert ours == pytest.approx(expected, rel=1e-14, abs=0)


@pytest.mark.parametrize("z", [-1e300, -1e10, -800.0, -40.0, 0.0, 40.0, 800.0, 1e10, 1e300])
def test_logits_finite_and_exact_far_out(z):
    losses = binary_cross_entropy([0, 1], [z, z], from_logits=True, reduction="none")
    assert np.all(np.isfinite(losses))
    assert losses[0] == pytest.approx(mp_logit_loss(0, z), rel=1e-14)
    assert losses[1] == pytest.approx(mp_logit_loss(1, z), rel=1e-14)


def test_confident_miss_at_logit_800_costs_800():
    assert binary_cross_entropy([0], [800.0], from_logits=True) == 800.0
    assert binary_cross_entropy([1], [-800.0], from_logits=True) == 800.0


def test_float32_logits_stay_finite():
    z = np.array([-1e30, -100.0, 0.0, 100.0, 3e38], dtype=np.float32)
    losses = binary_cross_entropy([1, 0, 1, 1, 0], z, from_logits=True, reduction="none")
    assert losses.dtype == np.float32
    assert np.all(np.isfinite(losses))
    assert losses[3] == pytest.approx(np.log1p(np.exp(-100.0)), rel=1e-6)


def test_logits_agree_with_probabilities(data):
    y, _, z, w = data
    p = 1 / (1 + np.exp(-z))
    assert binary_cross_entropy(y, z, from_logits=True, sample_weight=w) == pytest.approx(
        binary_cross_entropy(y, p, sample_weight=w), rel=1e-10
    )


def test_agrees_with_log_loss_and_sklearn(data):
    y, p, _, w = data
    for kwargs in ({}, {"sample_weight": w}):
        ours = binary_cross_entropy(y, p, **kwargs)
        assert ours == log_loss(y, p, **kwargs)
        assert ours == pytest.approx(sk.log_loss(y, p, **kwargs), rel=1e-12)
    assert binary_cross_entropy(y, p, reduction="sum") == pytest.approx(
        log_loss(y, p, normalize=False), rel=1e-12
    )


def test_bernoulli_logpmf_oracle(data):
    y, p, _, _ = data
    expected = -stats.bernoulli.logpmf(y, p)
    np.testing.assert_allclose(binary_cross_entropy(y, p, reduction="none"), expected, rtol=1e-13)


def test_multilabel_value_from_issue():
    Y = [[1, 0, 1], [0, 1, 1]]
    P = [[0.9, 0.2, 0.8], [0.1, 0.7, 0.6]]
    assert binary_cross_entropy(Y, P) == pytest.approx(0.2540848, abs=1e-7)
    per_element = binary_cross_entropy(Y, P, reduction="none")
    assert per_element.shape == (2, 3)
    expected = -(np.array(Y) * np.log(P) + (1 - np.array(Y)) * np.log(1 - np.array(P)))
    np.testing.assert_allclose(per_element, expected, rtol=1e-14)


def test_multilabel_weighted_mean_over_samples_of_label_means():
    rng = np.random.default_rng(1)
    Y = rng.integers(0, 2, (50, 4))
    P = rng.random((50, 4))
    w = rng.random(50)
    elementwise = -(Y * np.log(P) + (1 - Y) * np.log(1 - P))
    expected = np.average(elementwise.mean(axis=1), weights=w)
    assert binary_cross_entropy(Y, P, sample_weight=w) == pytest.approx(expected, rel=1e-13)


def test_soft_targets_minimum_is_entropy():
    t = np.array([0.2, 0.5, 0.9])
    entropy = -(t * np.log(t) + (1 - t) * np.log(1 - t))
    np.testing.assert_allclose(binary_cross_entropy(t, t, reduction="none"), entropy, rtol=1e-14)
    assert binary_cross_entropy(t, t + 0.05) > binary_cross_entropy(t, t)


@pytest.mark.parametrize("from_logits", [False, True], ids=["proba", "logits"])
def test_pos_weight_semantics(data, from_logits):
    y, p, z, _ = data
    c = 3.0
    score = z if from_logits else p
    prob = 1 / (1 + np.exp(-z)) if from_logits else p
    expected = -(c * y * np.log(prob) + (1 - y) * np.log(1 - prob))
    ours = binary_cross_entropy(y, score, from_logits=from_logits, pos_weight=c, reduction="none")
    np.testing.assert_allclose(ours, expected, rtol=1e-9)


def test_pos_weight_per_label():
    Y = np.array([[1, 0], [1, 1]])
    P = np.array([[0.6, 0.3], [0.8, 0.9]])
    c = np.array([2.0, 0.5])
    expected = -(c * Y * np.log(P) + (1 - Y) * np.log(1 - P))
    np.testing.assert_allclose(
        binary_cross_entropy(Y, P, pos_weight=c, reduction="none"), expected, rtol=1e-14
    )


def test_label_smoothing_keras_semantics(data):
    y, p, _, _ = data
    ls = 0.1
    t = y * (1 - ls) + ls / 2
    expected = np.mean(-(t * np.log(p) + (1 - t) * np.log(1 - p)))
    assert binary_cross_entropy(y, p, label_smoothing=ls) == pytest.approx(expected, rel=1e-13)


def test_clip_none_gives_inf_with_warning():
    with pytest.warns(RuntimeWarning, match="1 samples have probability 0"):
        losses = binary_cross_entropy([0, 1], [0.5, 0.0], clip=None, reduction="none")
    assert np.isinf(losses[1])
    with pytest.warns(RuntimeWarning, match="infinite loss"):
        assert np.isinf(binary_cross_entropy([0, 1], [0.5, 0.0], clip=None))


def test_clip_float(data):
    y = [0, 1]
    assert binary_cross_entropy(y, [0.0, 1.0], clip=1e-3) == pytest.approx(-np.log(1 - 1e-3))


def test_pos_label_selects_positive_class():
    assert binary_cross_entropy(["a", "b"], [0.9, 0.2], pos_label="a") == pytest.approx(
        -np.mean(np.log([0.9, 0.8]))
    )
    assert binary_cross_entropy([-1, 1], [0.1, 0.8]) == pytest.approx(-np.mean(np.log([0.9, 0.8])))


def test_sample_weight_normalisation_differs_from_torch_by_design():
    w = np.array([2.0, 2.0])
    losses = binary_cross_entropy([0, 1], [0.2, 0.7], reduction="none")
    assert binary_cross_entropy([0, 1], [0.2, 0.7], sample_weight=w) == pytest.approx(
        np.sum(w * losses) / w.sum()
    )


BAD = [
    ("nan logits", dict(y_score=[0.1, np.nan], from_logits=True), "NaN"),
    ("smoothing", dict(label_smoothing=1.5), "label_smoothing"),
    ("pos_weight zero", dict(pos_weight=0.0), "pos_weight"),
    ("pos_weight length", dict(pos_weight=[1.0, 2.0, 3.0]), "pos_weight"),
    ("shape", dict(y_score=[0.1, 0.2, 0.3]), "shape"),
    ("pos_label", dict(y_true=["a", "b"], pos_label="c"), "pos_label='c'"),
    ("reduction", dict(reduction="avg"), "reduction"),
    ("clip", dict(clip=0.7), "clip"),
    ("proba range", dict(y_score=[0.1, 1.2]), "within \\[0, 1\\]"),
    ("targets range 2-D", dict(y_true=[[0, 2]], y_score=[[0.1, 0.2]]), "within \\[0, 1\\]"),
]


@pytest.mark.parametrize(("kwargs", "match"), [b[1:] for b in BAD], ids=[b[0] for b in BAD])
def test_bad_input(kwargs, match):
    args = {"y_true": [0, 1], "y_score": [0.1, 0.2], **kwargs}
    with pytest.raises(ValueError, match=match):
        binary_cross_entropy(args.pop("y_true"), args.pop("y_score"), **args)


# --- normalized cross-entropy ----------------------------------------------------


def test_nce_equals_one_minus_d2(data):
    y, p, _, w = data
    assert normalized_cross_entropy(y, p) == pytest.approx(1 - d2_log_loss_score(y, p), rel=1e-12)
    assert normalized_cross_entropy(y, p, sample_weight=w) == pytest.approx(
        1 - d2_log_loss_score(y, p, sample_weight=w), rel=1e-12
    )


def test_nce_with_baseline(data):
    y, p, _, _ = data
    b = 0.3
    # the loss of always predicting the baseline, on these labels (He et al., 2014)
    constant = log_loss(y, np.full(len(y), b))
    assert normalized_cross_entropy(y, p, baseline=b) == pytest.approx(
        log_loss(y, p) / constant, rel=1e-13
    )


def test_nce_of_base_rate_prediction_is_one():
    y = np.array([0, 0, 0, 1])
    assert normalized_cross_entropy(y, np.full(4, 0.25)) == pytest.approx(1.0, rel=1e-14)


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"baseline": 1.0}, "baseline"),
        ({"baseline": "x"}, "baseline"),
        ({"y_true": [1, 1]}, "single class"),
    ],
    ids=["baseline one", "baseline str", "single class"],
)
def test_nce_bad_input(kwargs, match):
    y = kwargs.pop("y_true", [0, 1])
    with pytest.raises(ValueError, match=match):
        normalized_cross_entropy(y, [0.2, 0.6], **kwargs)


# --- clip below the dtype's resolution (issue #11 item 4) ---------------------------------


@pytest.mark.parametrize(
    ("dtype", "clip"),
    [(np.float32, 1e-50), (np.float16, 1e-10), (np.float64, 1e-17), (np.float32, 1e-9)],
    ids=["f32-1e-50", "f16-1e-10", "f64-1-clip-is-1", "f32-1e-9"],
)
def test_a_clip_that_rounds_away_in_the_dtype_is_refused(dtype, clip):
    p = np.array([0.5, 0.0], dtype=dtype)
    with pytest.raises(ValueError, match=rf"clip.*{np.dtype(dtype).name}"):
        binary_cross_entropy([0, 1], p, clip=clip)


def test_a_clip_just_above_the_resolution_is_kept():
    p = np.float32([0.5, 0.0])
    got = binary_cross_entropy([0, 1], p, clip=1e-6)
    expected = -(np.log(0.5) + np.log(np.float64(np.float32(1e-6)))) / 2
    assert got == pytest.approx(expected, rel=1e-6)


@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
def test_clip_none_warning_counts_the_infinite_samples(reduction):
    y = [0, 1, 1, 0, 1]
    p = [0.5, 0.0, 0.0, 1.0, 0.7]
    with pytest.warns(RuntimeWarning, match=r"^3 samples have probability 0"):
        binary_cross_entropy(y, p, clip=None, reduction=reduction)
    with pytest.warns(RuntimeWarning, match=r"^1 samples have probability 0"):
        binary_cross_entropy([[1, 0], [0, 0]], [[0.0, 0.5], [0.5, 0.5]], clip=None)


# --- sums that overflow where the answer is finite (item 7) --------------------------------


def test_huge_logits_give_the_finite_mean():
    got = binary_cross_entropy([0, 1], [1e308, -1e308], from_logits=True)
    assert got == 1e308
    assert binary_cross_entropy([0, 1], [1e308, -1e308], from_logits=True, reduction="sum") == (
        np.inf
    )


LOSSES = {
    "log_loss": lambda y, p, w: log_loss(y, p, sample_weight=w),
    "log_loss-sum/W": lambda y, p, w: log_loss(y, p, sample_weight=w, normalize=False) / w.sum(),
    "bce": lambda y, p, w: binary_cross_entropy(y, p, sample_weight=w),
    "bce-options": lambda y, p, w: binary_cross_entropy(
        y, p, sample_weight=w, pos_weight=2.0, label_smoothing=0.1, clip=1e-4
    ),
    "bce-logits": lambda y, p, w: binary_cross_entropy(
        y, np.log(p / (1 - p)), sample_weight=w, from_logits=True
    ),
    "nce": lambda y, p, w: normalized_cross_entropy(y, p, sample_weight=w),
    "d2": lambda y, p, w: d2_log_loss_score(y, p, sample_weight=w),
    "brier": lambda y, p, w: brier_score_loss(y, p, sample_weight=w),
    "streaming": lambda y, p, w: StreamingLogLoss().update(y, p, w).result(),
    "breakdown": lambda y, p, w: log_loss_breakdown(y, p, sample_weight=w).total,
}


@settings(max_examples=30, deadline=None)
@given(exponent=st.integers(-300, 300), seed=st.integers(0, 1000))
@pytest.mark.parametrize("name", list(LOSSES))
def test_scaling_every_weight_changes_nothing(name, exponent, seed):
    rng = np.random.default_rng(seed)
    n = 20
    p = rng.uniform(0.01, 0.99, n)
    y = (rng.random(n) < p).astype(int)
    y[:2] = [0, 1]
    w = rng.uniform(0.1, 1.0, n)
    loss = LOSSES[name]
    # a power of ten is not exact in binary: compare to 1e-12, not bit for bit
    assert loss(y, p, w * 10.0**exponent) == pytest.approx(loss(y, p, w), rel=1e-12)


@pytest.mark.parametrize("weight", [1e308, 1e-308, 5e-324])
def test_extreme_equal_weights_equal_no_weights(weight):
    y, p = [0, 1, 1, 0], [0.2, 0.7, 0.9, 0.4]
    w = np.full(4, weight)
    assert log_loss(y, p, sample_weight=w) == pytest.approx(log_loss(y, p), rel=1e-15)
    assert binary_cross_entropy(y, p, sample_weight=w) == pytest.approx(
        binary_cross_entropy(y, p), rel=1e-15
    )


def test_pos_weight_that_is_not_a_number_is_named():
    with pytest.raises(ValueError, match="pos_weight") as info:
        binary_cross_entropy([0, 1], [0.2, 0.7], pos_weight="a")
    assert isinstance(info.value, TypeError)  # InvalidParameterError: both
