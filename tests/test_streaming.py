"""Streaming states: exact for any chunking and merge order, picklable, strict on merge."""

import pickle
import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from skbce import (
    StreamingCalibration,
    StreamingLogLoss,
    binary_cross_entropy,
    log_loss,
    normalized_cross_entropy,
)
from skbce._calibration.statistics import _hosmer_lemeshow, binary_statistics, sort_by_prediction


def _chunks(n, cuts):
    edges = sorted({0, n, *(c % (n + 1) for c in cuts)})
    return [slice(a, b) for a, b in zip(edges[:-1], edges[1:], strict=False)]


def _merge_in_order(states, order):
    """Merge states pairwise, in an order drawn by hypothesis."""
    states = list(states)
    for pick in order:
        if len(states) == 1:
            break
        i = pick % len(states)
        j = (i + 1 + pick // len(states)) % len(states)
        if i == j:
            continue
        merged = states[i].merge(states[j])
        states = [s for k, s in enumerate(states) if k not in (i, j)] + [merged]
    while len(states) > 1:
        states = [states[0].merge(states[1]), *states[2:]]
    return states[0]


def _data(seed, n, n_classes, weighted, strings):
    rng = np.random.default_rng(seed)
    y = np.concatenate([np.arange(n_classes), rng.integers(0, n_classes, n - n_classes)])
    rng.shuffle(y)
    P = rng.dirichlet(np.ones(n_classes), n)
    w = rng.random(n) * 3 if weighted else None
    if strings:
        y = np.array(["ant", "bee", "cat"])[y]
    return y, P, w


MODES = ["labels", "none", "pos_label", "logits"]


@settings(max_examples=60, deadline=None)
@given(
    seed=st.integers(0, 2**32 - 1),
    n=st.integers(3, 80),
    multiclass=st.booleans(),
    weighted=st.booleans(),
    strings=st.booleans(),
    mode=st.sampled_from(MODES),
    cuts=st.lists(st.integers(0, 10_000), max_size=8),
    order=st.lists(st.integers(0, 10_000), max_size=12),
)
def test_any_chunking_any_merge_order_equals_one_shot(
    seed, n, multiclass, weighted, strings, mode, cuts, order
):
    binary = not multiclass or mode in ("pos_label", "logits")
    y, P, w = _data(seed, n, 2 if binary else 3, weighted, strings and mode != "logits")
    classes = np.unique(y)
    p = P[:, 1]
    z = np.log(p) - np.log1p(-p)
    if mode == "labels":
        score, expected = (
            (p if binary else P),
            log_loss(y, p if binary else P, labels=classes, sample_weight=w),
        )
        make = lambda: StreamingLogLoss(labels=classes)  # noqa: E731
    elif mode == "none":
        score, expected = (p if binary else P), log_loss(y, p if binary else P, sample_weight=w)
        make = StreamingLogLoss
    elif mode == "pos_label":
        pos = classes[0]  # the smaller label, to show it is honoured
        score = 1 - p
        expected = binary_cross_entropy(y, score, pos_label=pos, sample_weight=w)
        make = lambda: StreamingLogLoss(pos_label=pos)  # noqa: E731
    else:
        score = z
        expected = binary_cross_entropy(y, z, from_logits=True, sample_weight=w)
        make = lambda: StreamingLogLoss(from_logits=True)  # noqa: E731
    states = []
    for block in _chunks(n, cuts):
        state = make()
        state.update(y[block], score[block], None if w is None else w[block])
        states.append(state)
    merged = _merge_in_order(states, order)
    assert merged.n_samples == n
    assert merged.result() == pytest.approx(expected, rel=1e-12, abs=1e-12)
    if binary and mode != "labels":
        kwargs = {"from_logits": True} if mode == "logits" else {}
        if mode == "pos_label":
            kwargs = {"pos_label": classes[0]}
        nce = normalized_cross_entropy(y, score, sample_weight=w, **kwargs)
        assert merged.normalized_cross_entropy() == pytest.approx(nce, rel=1e-12)


def test_chunks_missing_a_class_with_labels_fixed():
    y = np.array([0, 0, 0, 2, 2, 1, 1])
    P = np.random.default_rng(1).dirichlet([1, 1, 1], 7)
    state = StreamingLogLoss(labels=[0, 1, 2])
    for block in (slice(0, 3), slice(3, 5), slice(5, 7)):  # each chunk holds one class
        state.update(y[block], P[block])
    assert state.result() == pytest.approx(log_loss(y, P), rel=1e-13)
    assert state.classes.tolist() == [0, 1, 2]
    np.testing.assert_array_equal(state.class_weight, [3, 2, 2])


def test_single_class_chunks_without_labels_are_resolved_at_the_end():
    y = np.array(["no", "no", "yes", "yes", "yes"])
    p = np.array([0.2, 0.4, 0.7, 0.9, 0.6])
    state = StreamingLogLoss()
    state.update(y[:2], p[:2]).update(y[2:], p[2:])
    assert state.result() == pytest.approx(log_loss(y, p), rel=1e-14)
    assert state.classes.tolist() == ["no", "yes"]


def test_one_class_overall_without_labels_raises_like_one_shot():
    state = StreamingLogLoss().update([1, 1], [0.7, 0.8])
    with pytest.raises(ValueError, match="contains only one class"):
        state.result()
    # BCE semantics: 0/1 targets need no second class
    state = StreamingLogLoss(from_logits=True).update([1, 1], [0.7, 0.8])
    expected = binary_cross_entropy([1, 1], [0.7, 0.8], from_logits=True)
    assert state.result() == pytest.approx(expected, rel=1e-14)


def test_pickle_round_trip_keeps_state():
    state = StreamingLogLoss(labels=["a", "b"]).update(["a", "b", "b"], [0.3, 0.6, 0.9])
    clone = pickle.loads(pickle.dumps(state))
    assert clone.result() == state.result()
    clone.update(["a"], [0.1])
    assert clone.n_samples == 4 and state.n_samples == 3
    cal = StreamingCalibration(n_bins=4).update([0, 1, 1, 0], [0.1, 0.8, 0.6, 0.3])
    assert pickle.loads(pickle.dumps(cal)).result()["ece"] == cal.result()["ece"]


def test_merge_is_in_place_and_leaves_other_unchanged():
    a = StreamingLogLoss(labels=[0, 1]).update([0, 1], [0.2, 0.7])
    b = StreamingLogLoss(labels=[0, 1]).update([1], [0.9])
    assert a.merge(b) is a
    assert (a.n_samples, b.n_samples) == (3, 1)
    assert a.result() == pytest.approx(log_loss([0, 1, 1], [0.2, 0.7, 0.9]), rel=1e-14)


@pytest.mark.parametrize(
    ("left", "right", "message"),
    [
        ({"labels": [0, 1]}, {"labels": [0, 1, 2]}, r"labels=\(0, 1\) vs labels=\(0, 1, 2\)"),
        ({"pos_label": 1}, {"pos_label": 0}, "pos_label=1 vs pos_label=0"),
        ({}, {"from_logits": True}, "from_logits=False vs from_logits=True"),
    ],
    ids=["labels", "pos_label", "from_logits"],
)
def test_merging_states_with_different_options_names_them(left, right, message):
    with pytest.raises(ValueError, match=message):
        StreamingLogLoss(**left).merge(StreamingLogLoss(**right))


def test_merging_different_shapes_or_kinds_raises():
    a = StreamingLogLoss().update([0, 1], [[0.8, 0.2], [0.3, 0.7]])
    b = StreamingLogLoss().update([0, 2], [[0.8, 0.1, 0.1], [0.3, 0.3, 0.4]])
    with pytest.raises(ValueError, match="other cannot be merged.*columns of y_score: 2 in one"):
        a.merge(b)
    with pytest.raises(TypeError, match="StreamingLogLoss with a StreamingCalibration"):
        a.merge(StreamingCalibration())
    cal = StreamingCalibration(n_bins=4)
    with pytest.raises(ValueError, match="bin_edges="):
        cal.merge(StreamingCalibration(n_bins=5))


def test_update_with_mismatched_lengths_names_them():
    state = StreamingLogLoss(labels=[0, 1])
    with pytest.raises(ValueError, match="y_true has 3, y_score has 2"):
        state.update([0, 1, 1], [0.2, 0.3])
    with pytest.raises(ValueError, match="sample_weight has 1 elements, but there are 2"):
        state.update([0, 1], [0.2, 0.3], sample_weight=[1.0])
    assert state.n_samples == 0


def test_pos_label_with_a_third_label_across_chunks_raises():
    state = StreamingLogLoss(pos_label="b").update(["a", "b"], [0.2, 0.7])
    with pytest.raises(ValueError, match="must be binary, got 3 classes"):
        state.update(["c"], [0.4])


def test_zero_weight_chunks_are_fine_but_not_all_zero():
    state = StreamingLogLoss(labels=[0, 1])
    state.update([0, 1], [0.2, 0.7], sample_weight=[0.0, 0.0])
    with pytest.raises(ValueError, match="at least one non-zero weight"):
        state.result()
    state.update([1], [0.9], sample_weight=[2.0])
    expected = log_loss([0, 1, 1], [0.2, 0.7, 0.9], sample_weight=[0, 0, 2])
    assert state.result() == pytest.approx(expected, rel=1e-14)


def test_empty_update_is_a_no_op_and_no_data_raises():
    state = StreamingLogLoss(labels=[0, 1]).update([], [])
    assert state.n_samples == 0
    with pytest.raises(ValueError, match="No samples seen"):
        state.result()


def test_invalid_chunks_raise_numpy_messages():
    state = StreamingLogLoss(labels=[0, 1])
    with pytest.raises(ValueError, match=r"y_score must be probabilities within \[0, 1\]"):
        state.update([0, 1], [0.2, 1.5])
    with pytest.raises(ValueError, match="y_score contains NaN"):
        state.update([0, 1], [0.2, np.nan])
    with pytest.raises(ValueError, match=r"contains labels \[5\] that are not in labels"):
        state.update([0, 5], [0.2, 0.3])
    with pytest.raises(ValueError, match="Pass labels or pos_label, not both"):
        StreamingLogLoss(labels=[0, 1], pos_label=1)
    with pytest.raises(ValueError, match="from_logits=True takes binary labels"):
        StreamingLogLoss(labels=[0, 1, 2], from_logits=True)


def test_rows_that_do_not_sum_to_one_warn():
    state = StreamingLogLoss(labels=[0, 1, 2])
    with pytest.warns(UserWarning, match="do not sum to one"):
        state.update([0, 1], [[0.5, 0.1, 0.1], [0.2, 0.7, 0.1]])


def test_multiclass_normalized_cross_entropy_is_one_minus_d2():
    from skbce import d2_log_loss_score

    y, P, w = _data(3, 50, 3, True, False)
    state = StreamingLogLoss().update(y[:20], P[:20], w[:20]).update(y[20:], P[20:], w[20:])
    expected = 1 - d2_log_loss_score(y, P, sample_weight=w)
    assert state.normalized_cross_entropy() == pytest.approx(expected, rel=1e-12)


# --- calibration -------------------------------------------------------------------


@settings(max_examples=25, deadline=None)
@given(
    seed=st.integers(0, 2**32 - 1),
    n=st.integers(20, 200),
    weighted=st.booleans(),
    cuts=st.lists(st.integers(0, 10_000), max_size=6),
    order=st.lists(st.integers(0, 10_000), max_size=8),
)
def test_streaming_calibration_equals_one_shot_on_fixed_edges(seed, n, weighted, cuts, order):
    rng = np.random.default_rng(seed)
    p = rng.beta(2, 3, n)
    y = (rng.random(n) < p**1.3).astype(int)
    y[:2] = [0, 1]
    w = rng.random(n) + 0.1 if weighted else None
    edges = np.array([0.0, 0.1, 0.25, 0.5, 0.8, 1.0])
    states = []
    for block in _chunks(n, cuts):
        state = StreamingCalibration(bin_edges=edges)
        state.update(y[block], p[block], None if w is None else w[block])
        states.append(state)
    with warnings.catch_warnings():  # HL / Spiegelhalter on degenerate draws
        warnings.simplefilter("ignore", RuntimeWarning)
        got = _merge_in_order(states, order).result()
        p_s, y_s, w_s = sort_by_prediction(y.astype(float), p, w)
        ref = binary_statistics(p_s, y_s, w_s, n_bins=5, strategy=edges)
    table, expected = got["reliability"], ref["reliability"]
    for key in ("count", "weight", "mean_predicted", "observed", "ci_low", "ci_high"):
        np.testing.assert_allclose(table[key], expected[key], rtol=1e-12, atol=1e-14)
    for key in ("log_loss", "brier_score", "ece", "mce", "rmsce", "base_rate", "mean_prediction"):
        assert got[key] == pytest.approx(ref[key], rel=1e-12, abs=1e-15), key
    assert got["spiegelhalter"].statistic == pytest.approx(
        ref["spiegelhalter"].statistic, rel=1e-9, abs=1e-12
    )
    sum_y = expected["observed"] * expected["weight"]
    sum_p = expected["mean_predicted"] * expected["weight"]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        hl = _hosmer_lemeshow(expected["weight"], np.nan_to_num(sum_y), np.nan_to_num(sum_p))
    np.testing.assert_allclose(got["hosmer_lemeshow"], hl, rtol=1e-9)


def test_streaming_calibration_logits_and_pos_label():
    rng = np.random.default_rng(5)
    z = rng.normal(size=300)
    p = 1 / (1 + np.exp(-z))
    y = np.where(rng.random(300) < p, "spam", "ham")
    by_logit = StreamingCalibration(from_logits=True, pos_label="spam")
    by_logit.update(y[:100], z[:100]).update(y[100:], z[100:])
    by_proba = StreamingCalibration(pos_label="spam").update(y, p)
    a, b = by_logit.result(), by_proba.result()
    assert a["log_loss"] == pytest.approx(b["log_loss"], rel=1e-12)
    np.testing.assert_allclose(a["reliability"]["observed"], b["reliability"]["observed"])
    assert a["log_loss"] == pytest.approx(log_loss(y, p), rel=1e-12)


def test_streaming_calibration_refuses_data_dependent_bins_and_one_class():
    with pytest.raises(ValueError, match="'quantile' bins need all the data at once"):
        StreamingCalibration(bin_edges="quantile")
    state = StreamingCalibration(pos_label=1).update([1, 1], [0.4, 0.8])
    with pytest.raises(ValueError, match="calibration needs both classes"):
        state.result()
    with pytest.raises(ValueError, match="must be non-negative"):
        StreamingCalibration().update([0, 1], [0.4, 0.8], sample_weight=[1.0, -1.0])


# --- rejected updates and merges leave the state as it was (issue #11 item 5) -----------


def _snapshot(state):
    """Everything a caller can read from a state (or the error it raises)."""
    try:
        with warnings.catch_warnings():  # Hosmer-Lemeshow on few bins
            warnings.simplefilter("ignore", RuntimeWarning)
            out = state.result()
    except ValueError as exc:
        return ("error", str(exc), state.n_samples)
    if isinstance(out, dict):
        out = pickle.dumps(sorted((k, repr(v)) for k, v in out.items()))
    return (out, state.n_samples)


BAD_UPDATES = [
    ("third-class", [2, 2], [0.5, 0.5], None),
    ("strings-after-ints", ["a", "b"], [0.5, 0.5], None),
    ("nan", [0, 1], [np.nan, 0.5], None),
    ("out-of-range", [0, 1], [0.5, 1.5], None),
    ("length", [0, 1, 1], [0.5, 0.5], None),
    ("negative-weight-length", [0, 1], [0.5, 0.5], [1.0]),
    ("3-columns", [0, 1], [[0.2, 0.3, 0.5], [0.1, 0.1, 0.8]], None),
]


@pytest.mark.parametrize("make", [StreamingLogLoss, StreamingCalibration], ids=["loss", "calib"])
@pytest.mark.parametrize("bad", BAD_UPDATES, ids=[b[0] for b in BAD_UPDATES])
def test_a_rejected_update_raises_at_once_and_changes_nothing(make, bad):
    _, y, p, w = bad
    state = make().update([0, 1, 1, 0], [0.1, 0.8, 0.6, 0.3])
    before = _snapshot(state)
    with pytest.raises(ValueError, match="y_true|y_proba|y_score|sample_weight|samples"):
        state.update(y, p, w)
    assert _snapshot(state) == before
    state.update([1, 0], [0.7, 0.2])  # and it still takes good data
    assert state.n_samples == 6


@settings(max_examples=40, deadline=None)
@given(
    first=st.lists(st.sampled_from([0, 1]), min_size=2, max_size=8),
    bad=st.lists(st.sampled_from([2, 3, -1, "x"]), min_size=1, max_size=4),
    seed=st.integers(0, 1000),
)
def test_property_result_after_a_rejected_update_equals_result_before(first, bad, seed):
    rng = np.random.default_rng(seed)
    first = [0, 1, *first]
    state = StreamingLogLoss().update(first, rng.uniform(0.01, 0.99, len(first)))
    before = state.result()
    with pytest.raises(ValueError):
        state.update(bad, rng.uniform(0.01, 0.99, len(bad)))
    assert state.result() == before


def test_a_rejected_merge_changes_neither_state():
    a = StreamingLogLoss().update([0, 1, 1, 0], [0.1, 0.8, 0.6, 0.3])
    b = StreamingLogLoss().update([2, 2], [0.5, 0.5])  # fine alone: chunks may lack classes
    c = StreamingLogLoss().update(["u", "v"], [0.5, 0.5])
    before_a, before_b = a.result(), b.n_samples
    for other in (b, c, StreamingLogLoss(labels=[0, 1])):
        with pytest.raises(ValueError):
            a.merge(other)
        assert a.result() == before_a
    assert b.n_samples == before_b
    cal = StreamingCalibration(n_bins=2).update([0, 1, 0, 1], [0.2, 0.7, 0.1, 0.9])
    cal_before = _snapshot(cal)
    with pytest.raises(ValueError):
        cal.merge(StreamingCalibration(n_bins=2).update([3, 4], [0.2, 0.7]))
    assert _snapshot(cal) == cal_before


# --- StreamingCalibration agrees with the one-shot report on every field (item 11) -----


@pytest.mark.parametrize("zero_every", [0, 2, 3], ids=["no-zeros", "half-zero", "third-zero"])
def test_streaming_calibration_equals_calibration_report_on_every_field(zero_every):
    import skbce

    rng = np.random.default_rng(zero_every)
    n = 300
    p = rng.beta(2, 3, n)
    y = (rng.random(n) < p).astype(int)
    w = rng.uniform(0.1, 2.0, n)
    if zero_every:
        w[::zero_every] = 0.0
    edges = np.array([0.0, 0.1, 0.25, 0.5, 0.8, 1.0])
    report = skbce.calibration_report(y, p, sample_weight=w, n_bins=5, strategy=edges)
    state = StreamingCalibration(bin_edges=edges)
    for block in (slice(0, 7), slice(7, 200), slice(200, None)):
        state.update(y[block], p[block], w[block])
    got = state.result()
    expected_table = report.reliability.to_dict()
    for key, values in got["reliability"].items():
        np.testing.assert_allclose(values, expected_table[key], rtol=1e-12, err_msg=key)
    scalars = [k for k in got if k not in ("reliability", "hosmer_lemeshow", "spiegelhalter")]
    for key in scalars:
        assert got[key] == pytest.approx(getattr(report, key), rel=1e-12), key
    assert tuple(got["spiegelhalter"]) == pytest.approx(tuple(report.spiegelhalter), rel=1e-9)


# --- options named in their errors (item 16) ------------------------------------------------


@pytest.mark.parametrize(
    ("make", "match"),
    [
        (lambda: StreamingLogLoss(pos_label=[1]), "pos_label"),
        (lambda: StreamingLogLoss(pos_label={1: 2}), "pos_label"),
        (lambda: StreamingCalibration(n_bins=10**12), "n_bins must be at most"),
        (lambda: StreamingCalibration(bin_edges=np.linspace(0, 1, 2 * 10**6)), "bin_edges"),
        (lambda: StreamingLogLoss(labels=[[[0, 1]]]), "labels"),
        (lambda: StreamingLogLoss(labels=[[0, 2]]), "labels"),
    ],
    ids=["pos_label-list", "pos_label-dict", "n_bins-huge", "edges-huge", "labels-3d", "labels-2d"],
)
def test_options_are_refused_at_construction_naming_them(make, match):
    with pytest.raises(ValueError, match=match):
        make()


def _sklearn_brier(y, P, w, pos_label=None):
    """The Brier score: scikit-learn's for 1-D probabilities; for a matrix, its
    definition written out (scikit-learn < 1.7 has no multiclass Brier score):
    squared errors against the one-hot labels summed over the classes, halved
    for two classes, weighted mean over the samples."""
    from sklearn.metrics import brier_score_loss

    if P.ndim == 2:
        classes = np.unique(y)
        onehot = (np.asarray(y)[:, None] == classes[None, :]).astype(np.float64)
        per_sample = ((onehot - P) ** 2).sum(axis=1)
        return float(np.average(per_sample, weights=w)) / (2.0 if P.shape[1] == 2 else 1.0)
    return brier_score_loss(y, P, sample_weight=w, pos_label=pos_label)


@settings(max_examples=60, deadline=None)
@given(
    seed=st.integers(0, 2**32 - 1),
    n=st.integers(3, 80),
    multiclass=st.booleans(),
    weighted=st.booleans(),
    mode=st.sampled_from(MODES),
    cuts=st.lists(st.integers(0, 10_000), max_size=8),
    order=st.lists(st.integers(0, 10_000), max_size=12),
)
def test_brier_score_any_chunking_equals_sklearn(seed, n, multiclass, weighted, mode, cuts, order):
    binary = not multiclass or mode in ("pos_label", "logits")
    y, P, w = _data(seed, n, 2 if binary else 3, weighted, strings=False)
    p = P[:, 1]
    score, make, expected = (p if binary else P), StreamingLogLoss, None
    if mode == "labels":
        make = lambda: StreamingLogLoss(labels=np.unique(y))  # noqa: E731
    elif mode == "pos_label":  # the smaller label as the positive class
        score, make = 1 - p, lambda: StreamingLogLoss(pos_label=0)  # noqa: E731
        expected = _sklearn_brier(y, score, w, pos_label=0)
    elif mode == "logits":
        score = np.log(p) - np.log1p(-p)
        make = lambda: StreamingLogLoss(from_logits=True)  # noqa: E731
    if expected is None:
        expected = _sklearn_brier(y, p if binary else P, w)
    states = []
    for block in _chunks(n, cuts):
        states.append(make().update(y[block], score[block], None if w is None else w[block]))
    merged = _merge_in_order(states, order)
    assert merged.brier_score_loss() == pytest.approx(expected, rel=1e-12, abs=1e-15)
    if binary:
        assert merged.brier_score_loss(scale_by_half=False) == pytest.approx(2 * expected)


@pytest.mark.parametrize("dtype", [np.float64, np.float32], ids=["float64", "float32"])
def test_brier_score_of_huge_and_tiny_weights_and_dtypes(dtype):
    rng = np.random.default_rng(0)
    y = rng.integers(0, 2, 500)
    p = rng.random(500).astype(dtype)
    w = 10.0 ** rng.uniform(-300, 300, 500)
    state = StreamingLogLoss().update(y[:200], p[:200], w[:200]).update(y[200:], p[200:], w[200:])
    expected = _sklearn_brier(y, p.astype(np.float64), w)
    assert state.brier_score_loss() == pytest.approx(
        expected, rel=1e-5 if dtype == np.float32 else 1e-12
    )


def test_brier_score_refuses_soft_targets_and_bad_scale():
    state = StreamingLogLoss(from_logits=True).update(
        np.array([0.2, 1.0, 0.0]), np.array([-1.0, 2.0, 0.5])
    )
    with pytest.raises(ValueError, match="Brier score needs class labels"):
        state.brier_score_loss()
    state = StreamingLogLoss().update([0, 1], [0.3, 0.6])
    with pytest.raises(ValueError, match="scale_by_half must be a bool or 'auto', got 'yes'"):
        state.brier_score_loss(scale_by_half="yes")
    with pytest.raises(ValueError, match="No samples seen"):
        StreamingLogLoss().brier_score_loss()


def test_brier_score_survives_pickling_and_rows_off_still_warn():
    state = StreamingLogLoss(labels=[0, 1, 2]).update([0, 2], [[0.5, 0.3, 0.2], [0.1, 0.1, 0.8]])
    again = pickle.loads(pickle.dumps(state))
    assert again.brier_score_loss() == state.brier_score_loss()
    with pytest.warns(UserWarning):
        state.update([1], [[0.2, 0.2, 0.2]])


def test_a_chunk_with_other_columns_is_refused_naming_y_score():
    state = StreamingLogLoss()
    state.update([0, 1, 2], np.eye(3))
    with pytest.raises(
        ValueError, match=r"columns of y_\w+: 3 in one, 2 in the other \(every chunk"
    ):
        state.update([0, 1], np.full((2, 2), 0.5))


@pytest.mark.parametrize("split", [1, 2, 3])
def test_uint64_labels_beyond_int64_are_classes_as_in_sklearn(split):
    """Labels 0 and 2**64 - 1 (uint64) are two classes, seen in one chunk or across chunks."""
    from sklearn.metrics import log_loss as sk_log_loss

    y = np.array([0, 2**64 - 1, 0, 2**64 - 1], dtype=np.uint64)
    p = np.array([0.2, 0.7, 0.4, 0.9])
    state = StreamingLogLoss()
    for start in range(0, 4, split):
        state.update(y[start : start + split], p[start : start + split])
    assert state.result() == pytest.approx(sk_log_loss(y, p), rel=1e-12)


def test_chunks_of_mixed_libraries_follow_the_scores_as_the_functions():
    """numpy labels and weights beside array-API or Dask scores, as ``log_loss`` takes them."""
    import array_api_strict as xp
    from sklearn.metrics import log_loss as sk_log_loss

    da = pytest.importorskip("dask.array")
    y = np.array([0, 1, 1, 0, 1, 0])
    p = np.array([0.2, 0.7, 0.6, 0.4, 0.9, 0.3])
    w = np.array([1.0, 2.0, 1.0, 0.5, 1.0, 3.0])
    state = StreamingLogLoss()
    state.update(y[:2], xp.asarray(p[:2]), sample_weight=w[:2])
    state.update(xp.asarray(y[2:4]), p[2:4], sample_weight=xp.asarray(w[2:4]))
    state.update(y[4:], da.from_array(p[4:], chunks=1), sample_weight=w[4:])
    assert state.result() == pytest.approx(sk_log_loss(y, p, sample_weight=w), rel=1e-12)
