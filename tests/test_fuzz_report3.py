"""Adversarial inputs of the report built from estimators (found by fuzzing, third pass)."""

import numpy as np
import pytest
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
