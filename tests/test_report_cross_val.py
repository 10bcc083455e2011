"""cross_val_calibration_report: out-of-fold pooling, per-fold scores, problems, bad input."""

import math
import warnings

import numpy as np
import pytest
from scipy.special import expit
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.datasets import make_classification
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import brier_score_loss, log_loss, roc_auc_score
from sklearn.model_selection import StratifiedKFold, cross_val_predict
from sklearn.tree import DecisionTreeClassifier

from skbce._report.report import (
    CalibrationReport,
    calibration_report,
    cross_val_calibration_report,
)


@pytest.fixture(scope="module")
def classification():
    return make_classification(n_samples=600, n_features=6, random_state=0)


def test_cross_val_report_pools_out_of_fold_predictions(classification):
    X, y = classification
    cv = StratifiedKFold(4, shuffle=True, random_state=0)
    r = cross_val_calibration_report(LogisticRegression(), X, y, cv=cv)
    oof = cross_val_predict(LogisticRegression(), X, y, cv=cv, method="predict_proba")
    assert r.log_loss == pytest.approx(log_loss(y, oof), rel=1e-10)
    assert len(r.folds) == 4 and r.problems == []
    assert r.folds.n_samples.sum() == len(y)
    for k, (_, test) in enumerate(cv.split(X, y)):
        assert r.folds.log_loss[k] == pytest.approx(log_loss(y[test], oof[test]), rel=1e-10)
        assert r.folds.roc_auc[k] == pytest.approx(roc_auc_score(y[test], oof[test, 1]), rel=1e-10)
    assert "Folds" in str(r)


def test_cross_val_collects_fold_problems():
    rng = np.random.default_rng(9)
    y = np.repeat([0, 1, 2], 30)
    X = rng.normal(size=(90, 3)) + 2.0 * np.eye(3)[y]
    # fold 0 trains without class 2; the other folds are ordinary
    tests = [np.r_[0:10, 30:40, 60:70], np.r_[10:20, 40:50, 70:80], np.r_[20:30, 50:60, 80:90]]
    trains = [np.r_[10:30, 40:60]] + [np.setdiff1d(np.arange(90), t) for t in tests[1:]]
    folds = list(zip(trains, tests, strict=True))
    tree = DecisionTreeClassifier(max_depth=3, random_state=0)
    with warnings.catch_warnings():  # the tree's 0 and 1 have infinite logits
        warnings.simplefilter("ignore", RuntimeWarning)
        r = cross_val_calibration_report(tree, X, y, cv=folds)
    text = " ".join(r.problems)
    assert "fold 0: class 2 absent from the training data" in text
    assert "clips it to eps" in text
    assert len(r.folds) == 3
    assert np.isfinite(r.folds.log_loss).all()


class _Unnormalised(ClassifierMixin, BaseEstimator):
    def fit(self, X, y):
        self.classes_ = np.unique(y)
        return self

    def predict_proba(self, X):
        p = expit(np.asarray(X)[:, 0])
        return np.c_[0.9 * (1 - p), p]


def test_cross_val_flags_rows_not_summing_to_one(classification):
    X, y = classification
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        r = cross_val_calibration_report(_Unnormalised(), X, y, cv=2)
    assert any("do not sum to one" in p for p in r.problems)


def test_cross_val_notes_single_class_test_fold():
    rng = np.random.default_rng(10)
    X = rng.normal(size=(60, 2))
    y = np.repeat([0, 1], 30)
    folds = [
        (np.arange(10, 60), np.arange(10)),
        (np.r_[0:10, 50:60], np.arange(10, 50)),
        (np.arange(50), np.arange(50, 60)),
    ]
    r = cross_val_calibration_report(LogisticRegression(), X, y, cv=folds)
    assert math.isnan(r.folds.roc_auc[0])
    assert any("holds one class" in p for p in r.problems)


# --- cross-validation checks its inputs as the one-shot report ------------------------


class _NaNColumn(ClassifierMixin, BaseEstimator):
    """predict_proba with NaN in the first column of the first row."""

    def fit(self, X, y):
        self.classes_ = np.unique(y)
        return self

    def predict_proba(self, X):
        P = np.full((len(X), 2), 0.5)
        P[0, 0] = np.nan
        return P


def _message(func, *args, **kwargs):
    with pytest.raises(ValueError) as info:
        func(*args, **kwargs)
    return str(info.value)


def test_cross_val_weights_of_the_wrong_length(classification):
    X, y = classification
    w = np.ones(len(y) - 1)
    expected = _message(calibration_report, y, np.full(len(y), 0.5), sample_weight=w)
    got = _message(cross_val_calibration_report, LogisticRegression(), X, y, sample_weight=w)
    assert got == expected and "sample_weight" in got


def test_cross_val_nan_probabilities_raise_as_from_estimator(classification):
    X, y = classification
    expected = _message(CalibrationReport.from_estimator, _NaNColumn().fit(X, y), X, y)
    assert _message(cross_val_calibration_report, _NaNColumn(), X, y, cv=3) == expected
    assert "NaN" in expected


def test_cross_val_test_fold_of_zero_weight(classification):
    X, y = classification
    w = np.ones(len(y))
    w[:200] = 0.0
    folds = [(np.arange(200, 600), np.arange(200)), (np.arange(200), np.arange(200, 600))]
    r = cross_val_calibration_report(LogisticRegression(), X, y, cv=folds, sample_weight=w)
    assert r.folds.weight.tolist() == [0.0, 400.0]
    assert np.isnan([r.folds[k][0] for k in ("log_loss", "brier_score", "roc_auc", "ece")]).all()
    assert any("fold 0" in p and "zero" in p for p in r.problems)
    oof = cross_val_predict(LogisticRegression(), X, y, cv=folds, method="predict_proba")
    test = folds[1][1]
    assert r.folds.log_loss[1] == pytest.approx(log_loss(y[test], oof[test]), rel=1e-10)
    assert r.folds.brier_score[1] == pytest.approx(
        brier_score_loss(y[test], oof[test, 1]), rel=1e-10
    )
    assert r.log_loss == pytest.approx(log_loss(y, oof, sample_weight=w), rel=1e-10)


@pytest.mark.parametrize("cv", [[], iter([])], ids=["list", "iterator"])
def test_cross_val_without_splits_names_cv(classification, cv):
    X, y = classification
    with pytest.raises(
        ValueError, match=r"cv=.* cannot split the data: it gives no train/test split"
    ):
        cross_val_calibration_report(LogisticRegression(), X, y, cv=cv)


def test_cross_val_multiclass_fold_scores_match_sklearn():
    rng = np.random.default_rng(11)
    y = rng.integers(0, 3, 300)
    X = rng.normal(size=(300, 3)) + np.eye(3)[y]
    w = rng.uniform(0.5, 2.0, 300)
    cv = StratifiedKFold(3, shuffle=True, random_state=0)
    r = cross_val_calibration_report(LogisticRegression(), X, y, cv=cv, sample_weight=w)
    oof = cross_val_predict(LogisticRegression(), X, y, cv=cv, method="predict_proba")
    for k, (_, test) in enumerate(cv.split(X, y)):
        wt = w[test]
        assert r.folds.log_loss[k] == pytest.approx(
            log_loss(y[test], oof[test], sample_weight=wt), rel=1e-10
        )
        onehot = np.eye(3)[y[test]]
        brier = np.average(np.sum((oof[test] - onehot) ** 2, axis=1), weights=wt)
        assert r.folds.brier_score[k] == pytest.approx(brier, rel=1e-10)
        auc = roc_auc_score(
            y[test], oof[test], multi_class="ovr", average="macro", sample_weight=wt
        )
        assert r.folds.roc_auc[k] == pytest.approx(auc, rel=1e-10)
        conf, pred = oof[test].max(axis=1), oof[test].argmax(axis=1)
        bins = np.searchsorted(np.linspace(0, 1, 11)[1:-1], conf)
        gap = np.bincount(bins, wt * conf, 10) - np.bincount(bins, wt * (pred == y[test]), 10)
        assert r.folds.ece[k] == pytest.approx(np.abs(gap).sum() / wt.sum(), rel=1e-10)


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"y": np.array([0, 1])}, "X has 600, y has 2"),
        ({"cv": 700}, "cv=700 cannot split"),
        ({"n_bins": -1}, "n_bins"),
        ({"confidence_level": 2.0}, "confidence_level"),
    ],
    ids=["lengths", "cv", "n_bins", "confidence_level"],
)
def test_cross_val_bad_input_names_the_argument(classification, kwargs, match):
    X, y = classification
    args = {"y": y, **kwargs}
    with pytest.raises(ValueError, match=match):
        cross_val_calibration_report(LogisticRegression(), X, args.pop("y"), **args)
