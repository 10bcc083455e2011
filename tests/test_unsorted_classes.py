"""Estimators whose ``classes_`` are not sorted: their columns follow ``classes_``.

scikit-learn's own classifiers sort their classes, but a custom one need not;
the report and the scorers must read each column as the class ``classes_``
names (the report once took them in sorted order: a log loss of 2.76 for 0.28).
"""

import numpy as np
import pytest
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import log_loss as sk_log_loss
from sklearn.metrics import roc_auc_score

import skbce


class Permuted(ClassifierMixin, BaseEstimator):
    """A logistic regression whose classes_ (and columns) come in the order ``order``."""

    def __init__(self, order=(1, 0)):
        self.order = order

    def fit(self, X, y):
        self.model_ = LogisticRegression().fit(X, y)
        self.classes_ = self.model_.classes_[list(self.order)]
        return self

    def predict_proba(self, X):
        return self.model_.predict_proba(X)[:, list(self.order)]

    def decision_function(self, X):
        # the logit of classes_[1], as scikit-learn's binary classifiers give it
        z = self.model_.decision_function(X)
        return z if self.classes_[1] == self.model_.classes_[1] else -z

    def predict(self, X):
        return self.model_.predict(X)


def _data(n_classes):
    rng = np.random.default_rng(0)
    X = rng.normal(size=(300, 3))
    cuts = [0.0] if n_classes == 2 else [-0.5, 0.5]
    y = np.digitize(X[:, 0] + rng.normal(size=300) * 0.5, cuts)
    return X, y


@pytest.mark.parametrize("order", [(1, 0), (2, 0, 1), (1, 2, 0)])
def test_report_from_estimator_reads_columns_by_classes(order):
    X, y = _data(len(order))
    est = Permuted(order).fit(X, y)
    truth = est.model_.predict_proba(X)  # sorted columns
    report = skbce.CalibrationReport.from_estimator(est, X, y, n_resamples=0)
    assert report.log_loss == pytest.approx(sk_log_loss(y, truth), rel=1e-12)
    scorer = skbce.get_scorer("neg_log_loss")
    assert scorer(est, X, y) == pytest.approx(-sk_log_loss(y, truth), rel=1e-12)


@pytest.mark.parametrize("response_method", ["predict_proba", "decision_function"])
@pytest.mark.parametrize("pos_label", [None, 0, 1])
def test_binary_positive_class_of_unsorted_classes(response_method, pos_label):
    X, y = _data(2)
    est = Permuted((1, 0)).fit(X, y)
    report = skbce.CalibrationReport.from_estimator(
        est, X, y, pos_label=pos_label, response_method=response_method, n_resamples=0
    )
    positive = 0 if pos_label is None else pos_label  # the default: classes_[1]
    assert report.pos_label == positive
    p = est.model_.predict_proba(X)[:, positive]
    assert report.roc_auc == pytest.approx(roc_auc_score(y == positive, p), rel=1e-12)
    assert report.log_loss == pytest.approx(sk_log_loss(y == positive, p), rel=1e-9)


def test_report_of_data_lacking_a_class_of_the_model():
    # the report had no labels argument: a model of three classes could not be reported
    # on data of two
    rng = np.random.default_rng(1)
    P = rng.dirichlet(np.ones(3), 300)
    y = rng.integers(0, 2, 300)
    report = skbce.calibration_report(y, P, labels=[0, 1, 2], n_resamples=0)
    assert report.log_loss == pytest.approx(sk_log_loss(y, P, labels=[0, 1, 2]), rel=1e-12)
    with pytest.raises(ValueError, match="labels argument"):
        skbce.calibration_report(y, P, n_resamples=0)
    with pytest.raises(ValueError, match="labels applies to a matrix"):
        skbce.calibration_report(y, P[:, 1], labels=[0, 1], n_resamples=0)
