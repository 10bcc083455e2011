"""Adversarial inputs of the scorers and the streaming states (found by fuzzing).

Oracles: scikit-learn's own scorers and metrics on the same estimator and data,
the one-shot functions on the concatenated chunks, and formulas written out here.
"""

import numpy as np
import pandas as pd
import pytest
import sklearn
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.special import log_softmax
from sklearn import metrics as skm
from sklearn.dummy import DummyClassifier
from sklearn.exceptions import UndefinedMetricWarning
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GridSearchCV
from sklearn.multioutput import MultiOutputClassifier
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.svm import SVC

import skbce

#: Tests whose scikit-learn side is the behaviour of scikit-learn >= 1.9, which skbce
#: follows (older releases: no ``labels`` in brier_score_loss, no d2 scorer, other errors).
AS_SKLEARN_19 = pytest.mark.skipif(
    tuple(int(part) for part in sklearn.__version__.split(".")[:2]) < (1, 9),
    reason="records the behaviour of scikit-learn >= 1.9, which skbce follows",
)


REL = 1e-9


def _xy(n=60, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, 3))
    return X, np.digitize(X[:, 0] + 0.3 * rng.normal(size=n), [-0.5, 0.5])


def _sklearn_outcome(name, estimator, X, y, **kwargs):
    """scikit-learn's scorer: its value, or the type of error it raises."""
    try:
        return skm.get_scorer(name)(estimator, X, y, **kwargs)
    except (ValueError, TypeError, AttributeError) as exc:
        return type(exc)


# --- scorers: estimators whose predictions are not one column per class ------------------


@pytest.mark.parametrize(
    "wrap",
    [
        lambda svc: svc,
        lambda svc: make_pipeline(StandardScaler(), svc),
        lambda svc: GridSearchCV(make_pipeline(StandardScaler(), svc), {"svc__C": [1.0]}, cv=2),
    ],
    ids=["svc", "pipeline", "search"],
)
def test_one_vs_one_decision_values_are_refused(wrap):
    """SVC(decision_function_shape="ovo") with three classes returns three columns, one
    per pair of classes: they were read as per-class logits, a silent wrong loss."""
    X, y = _xy()
    ovo = wrap(SVC(decision_function_shape="ovo")).fit(X, y)
    assert ovo.decision_function(X).shape == (len(y), 3)
    with pytest.raises(ValueError, match="one column per pair of classes.*'ovo'"):
        skbce.make_scorer()(ovo, X, y)
    ovr = wrap(SVC()).fit(X, y)  # one column per class: the softmax cross-entropy
    z = ovr.decision_function(X)
    expected = np.mean(log_softmax(z, axis=1)[np.arange(len(y)), y])
    assert skbce.make_scorer()(ovr, X, y) == pytest.approx(expected, rel=REL)


def test_multi_output_classifier_is_refused_naming_classes_():
    """classes_ of one array per output: numpy's "inhomogeneous shape" error before."""
    X, y = _xy()
    ragged = MultiOutputClassifier(LogisticRegression()).fit(X, np.column_stack([y % 2, y]))
    assert _sklearn_outcome("neg_log_loss", ragged, X, np.column_stack([y % 2, y])) is ValueError
    Y = np.column_stack([y % 2, y > 0])  # two binary outputs: multilabel, not one class per row
    same = MultiOutputClassifier(LogisticRegression()).fit(X, Y)
    with pytest.warns(UserWarning, match="do not sum to one"):  # scikit-learn's nonsense
        skm.get_scorer("neg_log_loss")(same, X, Y)
    for est, target in ((ragged, np.column_stack([y % 2, y])), (same, Y)):
        with pytest.raises(ValueError, match="classes_ of MultiOutputClassifier must be a 1-D"):
            skbce.make_scorer()(est, X, target)


def test_a_single_class_everywhere_is_refused_naming_labels():
    """A model and a fold of one class: the message named labels, which were not given."""
    X, _ = _xy()
    y = np.ones(len(X), dtype=int)
    est = DummyClassifier().fit(X, y)
    assert _sklearn_outcome("neg_log_loss", est, X, y) is ValueError
    with pytest.raises(ValueError, match=r"single class \[1\]; pass labels=\[\.\.\.\]"):
        skbce.make_scorer()(est, X, y)
    expected = -skm.log_loss(y, est.predict_proba(X)[:, 0], labels=[0, 1])
    assert skbce.make_scorer(labels=[0, 1])(est, X, y) == pytest.approx(expected, rel=REL)


@AS_SKLEARN_19
def test_d2_scorer_of_one_sample_is_nan_with_a_warning_as_sklearns():
    X, y = _xy()
    est = LogisticRegression().fit(X, y)
    with pytest.warns(UndefinedMetricWarning, match="less than two samples"):
        theirs = skm.get_scorer("d2_log_loss_score")(est, X[:1], y[:1])
    with pytest.warns(UndefinedMetricWarning, match="less than two samples"):
        ours = skbce.get_scorer("d2_log_loss_score")(est, X[:1], y[:1])
    assert np.isnan(ours) and np.isnan(theirs)
    with pytest.raises(ValueError, match=r"single class \(0\)"):  # two samples of one class
        skbce.get_scorer("d2_log_loss_score")(est, X[y == 0][:2], y[y == 0][:2])


# --- StreamingCalibration: weights of any scale -----------------------------------------

_SCALE_FREE = [
    "log_loss",
    "brier_score",
    "normalized_cross_entropy",
    "d2_log_loss_score",
    "base_rate",
    "mean_prediction",
    "observed_expected_ratio",
    "ece",
    "mce",
    "rmsce",
]


def _calibration_data(seed, n=200):
    rng = np.random.default_rng(seed)
    p = rng.uniform(0.02, 0.98, n)
    y = (rng.random(n) < p).astype(int)
    w = rng.uniform(0.5, 2.0, n)
    return y, p, w


@pytest.mark.parametrize("exponent", [-1074 + 3, -1060, -1000, -70, 70, 1000, 1015])
def test_streaming_calibration_of_tiny_and_huge_weights_is_scale_free(exponent):
    """Weights times 2**e: means unchanged, totals times 2**e, Spiegelhalter's z times 2**(e/2).

    Weights of 5e-324 gave an ECE of 0.175 instead of 0.048 and a log loss of 0.45
    instead of 0.506 (the products w * p underflowed).  The oracle is the state of
    the unit weights: multiplying by a power of two is exact.
    """
    y, p, w = _calibration_data(exponent % 7)
    if exponent < -1050:
        w = np.ones_like(w)  # subnormal weights: only few bits, keep them exact
    edges = np.linspace(0, 1, 6)
    unit = skbce.StreamingCalibration(bin_edges=edges)
    scaled = skbce.StreamingCalibration(bin_edges=edges)
    for block in (slice(0, 50), slice(50, 51), slice(51, None)):
        unit.update(y[block], p[block], w[block])
        scaled.update(y[block], p[block], np.ldexp(w[block], exponent))
    expected, got = unit.result(), scaled.result()
    for key in _SCALE_FREE:
        assert got[key] == pytest.approx(expected[key], rel=1e-12), key
    for key in ("mean_predicted", "observed"):
        np.testing.assert_allclose(
            got["reliability"][key], expected["reliability"][key], rtol=1e-12
        )
    factor = 2.0**exponent
    assert got["total_weight"] == pytest.approx(expected["total_weight"] * factor, rel=1e-12)
    z = expected["spiegelhalter"].statistic * 2.0 ** (exponent / 2)
    assert got["spiegelhalter"].statistic == pytest.approx(z, rel=1e-9)
    if abs(exponent) <= 1000:  # the statistic itself is a float there
        hl = expected["hosmer_lemeshow"].statistic * factor
        assert got["hosmer_lemeshow"].statistic == pytest.approx(hl, rel=1e-9)


@pytest.mark.parametrize("shift", [-1000, -60, 0, 60, 900])
def test_streaming_calibration_merges_states_of_different_weight_scales(shift):
    """Two states summed at different scales: their merge equals one state of both."""
    import pickle

    y, p, w = _calibration_data(3)
    low = np.ldexp(w[:120], -64)
    edges = np.linspace(0, 1, 5)
    oracle = skbce.StreamingCalibration(bin_edges=edges).update(y[:120], p[:120], low)
    oracle.update(y[120:], p[120:], w[120:])
    a = skbce.StreamingCalibration(bin_edges=edges).update(y[:120], p[:120], np.ldexp(low, shift))
    b = skbce.StreamingCalibration(bin_edges=edges).update(
        y[120:], p[120:], np.ldexp(w[120:], shift)
    )
    got = pickle.loads(pickle.dumps(b)).merge(pickle.loads(pickle.dumps(a))).result()
    expected = oracle.result()
    for key in _SCALE_FREE:
        assert got[key] == pytest.approx(expected[key], rel=1e-12), key
    np.testing.assert_array_equal(got["reliability"]["count"], expected["reliability"]["count"])
    weights = np.ldexp(expected["reliability"]["weight"], shift)
    np.testing.assert_allclose(got["reliability"]["weight"], weights, rtol=1e-12)


def test_options_given_twice_warn_and_the_metadata_win_as_in_sklearn():
    """sample_weight in make_scorer and in the call: scikit-learn warns, skbce was silent."""
    X, y = _xy()
    est = LogisticRegression().fit(X, y)
    rng = np.random.default_rng(1)
    fixed, passed = rng.uniform(0.1, 2, len(y)), rng.uniform(0.1, 2, len(y))
    theirs_scorer = skm.make_scorer(
        skm.log_loss, response_method="predict_proba", greater_is_better=False, sample_weight=fixed
    )
    with pytest.warns(UserWarning, match="overlap"):
        theirs = theirs_scorer(est, X, y, sample_weight=passed)
    with pytest.warns(UserWarning, match=r"\['sample_weight'\] were given both"):
        ours = skbce.make_scorer(sample_weight=fixed)(est, X, y, sample_weight=passed)
    assert ours == pytest.approx(theirs, rel=REL)
    assert ours == pytest.approx(-skm.log_loss(y, est.predict_proba(X), sample_weight=passed))


@pytest.mark.parametrize("metric", ["binary_cross_entropy", "normalized_cross_entropy"])
@pytest.mark.parametrize("where", ["model", "fold", "labels"])
def test_binary_metrics_of_more_classes_name_the_classes(metric, where):
    """A three-class model scored on a fold of two classes said that y_score (which the
    caller never passed) must be 1-D."""
    X, y3 = _xy()
    y = y3 if where == "model" else y3 % 2
    est = LogisticRegression().fit(X, y)
    fold = y3[y3 < 2] if where == "model" else np.where(y == 1, 1, 2 * (where == "fold"))
    kwargs = {"labels": [0, 1, 7]} if where == "labels" else {}
    rows = y3 < 2 if where == "model" else slice(None)
    with pytest.raises(ValueError, match=rf"make_scorer\('{metric}'\) scores two classes, got 3"):
        skbce.make_scorer(metric, **kwargs)(est, X[rows], fold)
    binary = LogisticRegression().fit(X, y3 % 2)  # and two classes still score
    p = binary.predict_proba(X)[:, 1]
    t = y3 % 2
    loss = -np.mean(t * np.log(p) + (1 - t) * np.log1p(-p))
    expected = loss if metric == "binary_cross_entropy" else loss / _entropy(t.mean())
    assert -skbce.make_scorer(metric)(binary, X, t) == pytest.approx(expected, rel=REL)


def _entropy(rate):
    return -(rate * np.log(rate) + (1 - rate) * np.log1p(-rate))


# --- StreamingLogLoss: chunks of any container, dtype and size equal the one-shot loss ---

_CONTAINERS = {
    "ndarray": lambda a: a,
    "list": lambda a: a.tolist(),
    "pandas": lambda a: (pd.Series if a.ndim == 1 else pd.DataFrame)(a),
    "column": lambda a: a.reshape(-1, 1) if a.ndim == 1 else a,
    "noncontiguous": lambda a: np.repeat(a, 2, axis=0)[::2],
}


def _stream_in_chunks(make, y, s, w, cuts, containers, roundtrip):
    import pickle

    states, edges = [], sorted({0, len(y), *(c % (len(y) + 1) for c in cuts)})
    edges = [0, *edges]  # an empty chunk first
    for i, (a, b) in enumerate(zip(edges[:-1], edges[1:], strict=True)):
        wrap = _CONTAINERS[containers[i % len(containers)]]
        y_chunk = wrap(y[a:b]) if wrap is not _CONTAINERS["column"] else y[a:b]
        state = make().update(y_chunk, wrap(s[a:b]), None if w is None else w[a:b])
        states.append(pickle.loads(pickle.dumps(state)) if roundtrip[i % len(roundtrip)] else state)
    total = make()
    for state in states[::-1]:
        total.merge(state)
    return total


@AS_SKLEARN_19
@settings(max_examples=40, deadline=None)
@given(
    seed=st.integers(0, 2**32 - 1),
    n=st.integers(3, 40),
    n_classes=st.sampled_from([2, 3]),
    kind=st.sampled_from(["int", "str", "bool", "unsorted-int"]),
    weighted=st.sampled_from([None, "uniform", "zeros", "tiny"]),
    cuts=st.lists(st.integers(0, 1000), max_size=6),
    containers=st.lists(st.sampled_from(sorted(_CONTAINERS)), min_size=1, max_size=4),
    roundtrip=st.lists(st.booleans(), min_size=1, max_size=3),
)
def test_streaming_log_loss_of_any_chunks_equals_sklearn(
    seed, n, n_classes, kind, weighted, cuts, containers, roundtrip
):
    """Classes seen late (sorted labels: the first chunks hold the first classes),
    empty chunks, pickling mid-stream, merges in reverse: sklearn's log_loss."""
    rng = np.random.default_rng(seed)
    if kind == "bool":
        n_classes = 2
    codes = np.sort(np.r_[np.arange(n_classes), rng.integers(0, n_classes, n - n_classes)])
    names = {
        "int": np.array([-3, 0, 8]),
        "str": np.array(["ant", "bee", "cat"]),
        "bool": np.array([False, True]),
        "unsorted-int": np.array([9, 4, 1]),
    }[kind]
    y = names[codes]
    classes = np.unique(names[:n_classes])
    P = rng.dirichlet(np.ones(n_classes), n)  # columns follow the sorted classes
    s = P[:, 1] if n_classes == 2 else P
    w = {
        None: None,
        "uniform": rng.uniform(0.1, 3, n),
        "zeros": rng.uniform(0.1, 3, n) * (rng.random(n) < 0.6),
        "tiny": rng.uniform(0.1, 3, n) * 1e-300,
    }[weighted]
    if weighted == "zeros":
        w[rng.integers(0, n)] = 1.0  # not all zero
    state = _stream_in_chunks(skbce.StreamingLogLoss, y, s, w, cuts, containers, roundtrip)
    assert state.n_samples == n
    assert state.result() == pytest.approx(skm.log_loss(y, s, sample_weight=w), rel=REL)
    if n_classes == 2:
        expected = skm.brier_score_loss(y, s, sample_weight=w, pos_label=classes[-1])
    else:
        expected = skm.brier_score_loss(y, P, sample_weight=w, labels=classes)
    assert state.brier_score_loss() == pytest.approx(expected, rel=REL)


# --- scorers in scikit-learn's machinery: both joblib backends, routing, refit ------------


@AS_SKLEARN_19
@pytest.mark.parametrize(("backend", "labels"), [("loky", "str"), ("threading", "bool")])
def test_cross_validate_and_search_in_parallel_match_sklearn(backend, labels):
    from joblib import parallel_backend
    from sklearn import config_context
    from sklearn.model_selection import cross_validate

    X, y = _xy(90, seed=3)
    y = np.array(["yes", "no"])[y % 2] if labels == "str" else (y % 2).astype(bool)
    w = np.random.default_rng(3).uniform(0.2, 2.0, len(y))
    names = ["neg_log_loss", "neg_brier_score", "d2_log_loss_score"]
    ours = {name: skbce.get_scorer(name) for name in names}
    if labels == "str":  # sklearn's Brier scorer needs a pos_label with string labels
        names.remove("neg_brier_score")
        del ours["neg_brier_score"]
    with config_context(enable_metadata_routing=True), parallel_backend(backend, n_jobs=2):
        for scorer in ours.values():
            scorer.set_score_request(sample_weight=True)
        theirs = {n: skm.get_scorer(n).set_score_request(sample_weight=True) for n in names}
        scaler = StandardScaler().set_fit_request(sample_weight=False)
        est = make_pipeline(scaler, LogisticRegression().set_fit_request(sample_weight=True))
        kwargs = {"cv": 3, "return_train_score": True, "params": {"sample_weight": w}, "n_jobs": 2}
        got = cross_validate(est, X, y, scoring=ours, **kwargs)
        expected = cross_validate(est, X, y, scoring=theirs, **kwargs)
        grid = {"logisticregression__C": [0.01, 1.0]}
        search = GridSearchCV(est, grid, cv=3, scoring=ours, refit="d2_log_loss_score", n_jobs=2)
        search.fit(X, y, sample_weight=w)
    for name in names:
        for split in ("test", "train"):
            key = f"{split}_{name}"
            np.testing.assert_allclose(got[key], expected[key], rtol=REL, err_msg=key)
    best = np.argmax(search.cv_results_["mean_test_d2_log_loss_score"])
    assert search.best_index_ == best
    refit = search.best_estimator_
    assert search.score(X, y) == pytest.approx(skm.get_scorer("d2_log_loss_score")(refit, X, y))
