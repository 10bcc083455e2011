"""Adversarial inputs of the report built from estimators (found by fuzzing, third pass)."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn.datasets import make_classification
from sklearn.ensemble import IsolationForest
from sklearn.exceptions import NotFittedError
from sklearn.linear_model import LinearRegression, LogisticRegression
from sklearn.mixture import GaussianMixture
from sklearn.model_selection import GridSearchCV
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.svm import SVC

from skbce import CalibrationReport, cross_val_calibration_report

FAST = {"n_bins": 5, "n_resamples": 0}
X3, Y3 = make_classification(
    n_samples=150, n_classes=3, n_informative=3, n_redundant=0, random_state=0
)


def _report(where, estimator, X, y, **kwargs):
    if where == "from_estimator":
        return CalibrationReport.from_estimator(estimator.fit(X, y), X, y, **FAST, **kwargs)
    return cross_val_calibration_report(estimator, X, y, cv=3, **FAST, **kwargs)


@pytest.mark.parametrize("where", ["from_estimator", "cross_val"])
@pytest.mark.parametrize(
    "wrap",
    [
        pytest.param(lambda e: e, id="SVC"),
        pytest.param(make_pipeline, id="pipeline"),
        pytest.param(lambda e: GridSearchCV(e, {"C": [1.0]}, cv=2), id="search"),
    ],
)
def test_pairwise_decision_function_of_three_classes_is_refused(where, wrap):
    """SVC(decision_function_shape='ovo') on three classes gives three columns, one per
    pair of classes: the report read them as per-class logits (a silent wrong log loss)."""
    ovo = wrap(SVC(decision_function_shape="ovo"))
    with pytest.raises(ValueError, match=r"one column per pair of classes.*'ovo'"):
        _report(where, ovo, X3, Y3)
    ovr = wrap(SVC(decision_function_shape="ovr"))
    assert np.isfinite(_report(where, ovr, X3, Y3).log_loss)


@pytest.mark.parametrize("where", ["from_estimator", "cross_val"])
@pytest.mark.parametrize(
    "estimator",
    [
        pytest.param(GaussianMixture(3, random_state=0), id="GaussianMixture"),
        pytest.param(IsolationForest(n_estimators=10, random_state=0), id="IsolationForest"),
    ],
)
def test_estimators_that_are_not_classifiers_are_refused(where, estimator):
    """A mixture's predict_proba (component posteriors) was read as class probabilities
    and an outlier detector's decision_function as logits: reports of numbers that are
    not of the classes."""
    name = type(estimator).__name__
    with pytest.raises(TypeError, match=f"fitted classifier with a classes_.*{name}"):
        _report(where, estimator, X3, Y3)


@pytest.mark.parametrize("where", ["from_estimator", "cross_val"])
def test_regressor_is_refused_naming_it(where):
    """A regressor: "estimator has none of [...]"; now a TypeError naming the regressor."""
    y = (Y3 == 0).astype(int)
    with pytest.raises(TypeError, match="must be a classifier, got the regressor LinearRegression"):
        _report(where, LinearRegression(), X3, y)


@pytest.mark.parametrize(
    "estimator",
    [
        LogisticRegression(),
        make_pipeline(StandardScaler(), LogisticRegression()),
        GridSearchCV(LogisticRegression(), {"C": [1.0]}),
    ],
    ids=["LogisticRegression", "pipeline", "search"],
)
def test_unfitted_classifier_gives_not_fitted_error(estimator):
    with pytest.raises(NotFittedError):
        CalibrationReport.from_estimator(estimator, X3, Y3, **FAST)


# --- cross_val_calibration_report: folds given as iterables --------------------------

XB, YB = make_classification(n_samples=40, n_features=4, random_state=1)
HALF = np.arange(40) < 20


def test_cv_of_boolean_masks_gives_the_report_of_their_indices():
    """Boolean masks (which cross_validate takes) crashed with numpy's IndexError: the
    masks were concatenated as if they were indices."""
    from sklearn.metrics import log_loss

    masks = [(~HALF, HALF), (HALF, ~HALF)]
    indices = [(np.flatnonzero(a), np.flatnonzero(b)) for a, b in masks]
    by_mask = cross_val_calibration_report(LogisticRegression(), XB, YB, cv=masks, **FAST)
    by_index = cross_val_calibration_report(LogisticRegression(), XB, YB, cv=indices, **FAST)
    y_oof = np.concatenate([YB[test] for _, test in indices])
    proba = np.concatenate(
        [LogisticRegression().fit(XB[tr], YB[tr]).predict_proba(XB[te]) for tr, te in indices]
    )
    assert by_mask.n_samples == 40
    assert by_mask.log_loss == pytest.approx(log_loss(y_oof, proba), rel=1e-12)
    assert by_mask.to_dict() == by_index.to_dict()


IDX = np.arange(40)


@pytest.mark.parametrize(
    ("test0", "match"),
    [
        pytest.param(np.r_[0, IDX[:20]], "fold 0 has test samples given more than once", id="dup"),
        pytest.param(np.r_[IDX[:20], 40], r"fold 0 has test samples outside \[-40, 40\)", id="oob"),
        pytest.param(IDX[:20].astype(float), "not a 1-D array of indices", id="float"),
        pytest.param(IDX[:20].astype(str), "not a 1-D array of indices", id="str"),
        pytest.param(IDX[:20, None], r"shape \(20, 1\).*not a 1-D array", id="2d"),
        pytest.param(IDX[:0], "fold 0 has no test samples", id="empty"),
        pytest.param(HALF[:30], r"boolean mask of shape \(30,\), not \(40,\)", id="short mask"),
    ],
)
def test_cv_folds_that_are_not_index_arrays_are_refused_naming_cv(test0, match):
    """A sample twice in a test fold was counted twice (n_samples 41); indices out of
    range, of floats or strings crashed in numpy (IndexError); 2-D indices reached the
    estimator as 3-D data; an empty test fold failed in predict_proba."""
    cv = [(IDX[20:], test0), (IDX[:20], IDX[20:])]
    with pytest.raises(ValueError, match=r"(?s)cv=\[.*cannot split the data: .*" + match):
        cross_val_calibration_report(LogisticRegression(), XB, YB, cv=cv, **FAST)


def test_cv_of_negative_indices_counts_from_the_end():
    cv = [(IDX[20:39], np.r_[IDX[:20], -1]), (IDX[:20], IDX[20:39])]
    report = cross_val_calibration_report(LogisticRegression(), XB, YB, cv=cv, **FAST)
    assert report.n_samples == 40
    assert list(report.folds.n_samples) == [21, 19]


@pytest.mark.parametrize(
    ("cv", "error"),
    [(1, ValueError), (True, ValueError), ([1, 2], TypeError), ([(IDX,)], ValueError)],
)
def test_cv_that_cannot_split_is_named(cv, error):
    """cv=1 gave scikit-learn's 'n_splits=1' and pairs that are not pairs 'cannot unpack
    non-iterable int object', without naming cv."""
    with pytest.raises(error, match="cv=.* cannot split the data"):
        cross_val_calibration_report(LogisticRegression(), XB, YB, cv=cv, **FAST)


def test_model_of_a_single_class_is_refused_naming_its_classes():
    """A classifier fitted on one class: 'labels applies to a matrix of probabilities',
    an argument from_estimator does not take."""
    from sklearn.dummy import DummyClassifier

    model = DummyClassifier().fit(XB, np.ones(40, dtype=int))
    with pytest.raises(ValueError, match=r"fitted on a single class \(classes_=\[1\]\)"):
        CalibrationReport.from_estimator(model, XB, YB, **FAST)


@pytest.mark.filterwarnings("ignore::RuntimeWarning")  # two distinct predictions
def test_model_of_a_single_class_in_a_fold_is_a_problem_of_the_fold():
    """The cross-validated report keeps such a fold (its class's probability is 1)."""
    from sklearn.dummy import DummyClassifier
    from sklearn.metrics import log_loss

    y = (IDX >= 30).astype(int)
    cv = [(IDX[:20], IDX[20:]), (IDX[20:], IDX[:20])]
    report = cross_val_calibration_report(DummyClassifier(), XB, y, cv=cv, **FAST)
    assert report.problems[0].startswith("fold 0: class 1 absent from the training data")
    expected = np.r_[np.tile([1.0, 0.0], (20, 1)), np.tile([0.5, 0.5], (20, 1))]
    y_oof = np.r_[y[20:], y[:20]]
    assert report.log_loss == pytest.approx(log_loss(y_oof, expected), rel=1e-12)


def test_estimator_error_in_a_fold_names_the_fold():
    """A binary training fold of one class: the solver's error did not say which fold."""
    y = (IDX >= 30).astype(int)
    cv = [(IDX[:20], IDX[20:]), (IDX[20:], IDX[:20])]
    with pytest.raises(ValueError, match="at least 2 classes") as info:
        cross_val_calibration_report(LogisticRegression(), XB, y, cv=cv, **FAST)
    assert "fitting LogisticRegression on the train samples of fold 0 of cv" in str(
        info.value.__notes__
    )


@pytest.mark.parametrize("fmt", ["csr", "coo", "csc"])
def test_sparse_input_of_the_estimator_is_accepted(fmt):
    """X as a scipy sparse matrix (which the estimator reads) was refused as "X must be a
    dense array-like": the check of labels and scores was applied to X."""
    import scipy.sparse as sp
    from sklearn.metrics import log_loss
    from sklearn.model_selection import KFold, cross_val_predict

    X = sp.random(60, 4, density=0.5, random_state=0, format=fmt)
    y = np.arange(60) % 2
    model = LogisticRegression().fit(X, y)
    report = CalibrationReport.from_estimator(model, X, y, **FAST)
    assert report.log_loss == pytest.approx(log_loss(y, model.predict_proba(X)), rel=1e-12)
    cv = KFold(3)
    oof = cross_val_calibration_report(LogisticRegression(), X, y, cv=cv, **FAST)
    proba = cross_val_predict(LogisticRegression(), X, y, cv=cv, method="predict_proba")
    assert oof.log_loss == pytest.approx(log_loss(y, proba), rel=1e-12)
    with pytest.raises(ValueError, match="X has 59, y has 60"):
        CalibrationReport.from_estimator(model, sp.csr_matrix(X)[:-1], y, **FAST)


@pytest.mark.parametrize(
    ("y", "error", "match"),
    [
        pytest.param(np.array(["a", 1] * 20, dtype=object), TypeError, "^y: ", id="mixed"),
        pytest.param(
            np.r_[IDX[:39] % 2, np.nan],
            ValueError,
            "Input y contains NaN",
            id="NaN",  # scikit-learn's type_of_target casts the NaN to int before it checks
            marks=pytest.mark.filterwarnings("ignore:invalid value encountered in cast"),
        ),
        pytest.param(
            np.column_stack([IDX % 2, IDX % 3 == 0]).astype(int),
            ValueError,
            "y must hold class labels.*'multilabel-indicator'",
            id="multilabel",
        ),
        pytest.param(IDX * 0.5, ValueError, "y must hold class labels.*'continuous'", id="float"),
    ],
)
def test_cross_val_labels_are_checked_before_fitting_naming_y(y, error, match):
    """Mixed labels gave numpy's bare "'<' not supported", NaN "cv=3 cannot split the
    data", a multilabel y a complaint about classes_ after the fits; a continuous y was
    named y_true, an argument of another function."""
    from sklearn.dummy import DummyClassifier

    with pytest.raises(error, match=match):
        cross_val_calibration_report(DummyClassifier(), XB, y, cv=2, **FAST)


def test_cross_val_column_vector_of_labels_is_its_column():
    """y of shape (n, 1) crashed with numpy's "non-broadcastable output operand"."""
    column = cross_val_calibration_report(LogisticRegression(), XB, YB[:, None], cv=2, **FAST)
    flat = cross_val_calibration_report(LogisticRegression(), XB, YB, cv=2, **FAST)
    assert column.to_dict() == flat.to_dict()


# --- multiclass models: per-class tables and scores against scikit-learn ------------


class _Fixed:
    """A duck-typed classifier returning given probabilities (row ``X[i, 0]``), columns in
    the order of its unsorted ``classes_``."""

    def __init__(self, P, classes):
        self.P, self.classes_ = P, classes

    def predict_proba(self, X):
        return self.P[np.asarray(X)[:, 0].astype(int)]


@pytest.mark.filterwarnings("ignore::RuntimeWarning")  # statistics few bins leave NaN
@settings(max_examples=40, deadline=None)
@given(
    seed=st.integers(0, 2**32 - 1),
    k=st.integers(3, 4),
    n_bins=st.integers(1, 7),
    strategy=st.sampled_from(["uniform", "quantile"]),
    decimals=st.sampled_from([None, 1, 2]),
)
def test_per_class_tables_are_sklearn_calibration_curves(seed, k, n_bins, strategy, decimals):
    """Each class's one-vs-rest table (non-empty bins) is calibration_curve of that column,
    the log loss that of sklearn on the columns in sorted order (classes_ unsorted)."""
    from sklearn.calibration import calibration_curve
    from sklearn.metrics import log_loss

    rng = np.random.default_rng(seed)
    n = int(rng.integers(20, 80))
    P = rng.dirichlet(np.full(k, rng.uniform(0.3, 3.0)), size=n)
    if decimals is not None:  # ties
        P = np.round(P, decimals) + 1e-3
        P /= P.sum(axis=1, keepdims=True)
    codes = np.r_[np.arange(k), [rng.choice(k, p=p) for p in P[k:]]]
    classes = np.array([7, -2, 30, 4])[:k][rng.permutation(k)]
    y, X = classes[codes], np.arange(n)[:, None]
    report = CalibrationReport.from_estimator(
        _Fixed(P, classes), X, y, per_class=True, n_bins=n_bins, strategy=strategy,
        n_resamples=0,
    )  # fmt: skip
    order = np.argsort(classes)
    assert report.log_loss == pytest.approx(log_loss(y, P[:, order]), rel=1e-9)
    assert list(report.per_class) == np.sort(classes).tolist()
    for j, label in enumerate(classes.tolist()):
        table = report.per_class[label].reliability
        kept = ~table.empty
        observed, predicted = calibration_curve(
            y == label, P[:, j], n_bins=n_bins, strategy=strategy
        )
        np.testing.assert_allclose(table.observed[kept], observed, rtol=1e-12, atol=1e-15)
        np.testing.assert_allclose(table.mean_predicted[kept], predicted, rtol=1e-12, atol=1e-15)


@pytest.mark.parametrize("model", [LogisticRegression(), SVC()], ids=["proba", "decision"])
@pytest.mark.parametrize("n_classes", [2, 3])
@pytest.mark.parametrize("kind", ["str", "extra"])
def test_labels_unknown_to_the_estimator_are_refused_naming_y(model, n_classes, kind):
    """The errors named y_true, labels= or pos_label=1, none of them arguments of
    from_estimator (e.g. "pos_label=1 is not a label of y_true: ['0', '1']")."""
    y = np.arange(40) % n_classes
    fitted = model.fit(XB, y)
    bad = y.astype(str) if kind == "str" else np.where(IDX == 0, 9, y)
    expected = r"\['0', '1'" if kind == "str" else r"\[9\]"
    with pytest.raises(ValueError, match=r"^y contains labels " + expected + ".*classes_=\\[0, 1"):
        CalibrationReport.from_estimator(fitted, XB, bad, **FAST)


@pytest.mark.parametrize("where", ["from_estimator", "cross_val"])
def test_missing_response_method_names_the_estimator_and_response_method(where):
    from sklearn.svm import LinearSVC

    with pytest.raises(ValueError, match=r"LinearSVC has none of.*response_method='predict_proba'"):
        _report(where, LinearSVC(), XB, YB, response_method="predict_proba")


def _ece(p, y, edges):
    """ECE written out: bins [e0, e1], (e1, e2], ..., weights the counts."""
    b = np.searchsorted(edges[1:-1], p, side="left")
    return sum(
        np.mean(b == j) * abs(p[b == j].mean() - y[b == j].mean()) for j in np.unique(b)
    )


@pytest.mark.parametrize("strategy", ["uniform", "quantile", "edges"])
@pytest.mark.parametrize("pos_label", [None, 0])
def test_fold_ece_uses_the_bins_of_the_report(strategy, pos_label):
    """The per-fold ECE was always on uniform bins of P[:, 1]: with strategy="quantile"
    or given edges, or pos_label=0, a single fold of every sample did not give the
    pooled report's ECE."""
    idx = np.arange(40)
    cv = [(idx, idx[:25]), (idx, idx[25:])]
    edges = np.array([0.0, 0.2, 0.5, 0.7, 1.0])
    given = edges if strategy == "edges" else strategy
    report = cross_val_calibration_report(
        LogisticRegression(), XB, YB, cv=cv, strategy=given, n_bins=4,
        pos_label=pos_label, n_resamples=0,
    )  # fmt: skip
    column = 0 if pos_label == 0 else 1
    for k, test in enumerate([idx[:25], idx[25:]]):
        p = LogisticRegression().fit(XB, YB).predict_proba(XB[test])[:, column]
        y = (YB[test] == column).astype(float)
        if strategy == "quantile":
            edges = np.percentile(p, np.linspace(0, 100, 5))
        elif strategy == "uniform":
            edges = np.linspace(0, 1, 5)
        assert report.folds.ece[k] == pytest.approx(_ece(p, y, edges), rel=1e-9)


def test_messages_of_sklearn_checks_name_y_even_when_they_hold_the_letter():
    """``y`` is prefixed unless the message names it as a word (any message holds a "y")."""
    from sklearn.linear_model import LogisticRegression

    X = np.random.default_rng(0).random((20, 2))
    y = np.array(["a", None] * 10, dtype=object)
    with pytest.raises(TypeError, match=r"^y: '<' not supported"):
        cross_val_calibration_report(LogisticRegression(), X, y)
