"""The calibration report of out-of-fold predictions, with per-fold scores."""

import reprlib

import numpy as np

from skbce._calibration.folds import fold_probabilities, fold_table
from skbce._calibration.subgroups import check_groups
from skbce._report.build import Settings, build_report, check_X_y, index_of, response, take
from skbce._report.objects import CalibrationReport
from skbce._report.table import Table
from skbce._utils.options import (
    check_baseline,
    check_bool,
    check_confidence_level,
    check_n_bins,
    check_n_resamples,
    check_strategy,
)
from skbce._utils.validation import check_sample_weight, labels_of

__all__ = ["cross_val_calibration_report"]


def _splits(cv, estimator, X, y, groups):
    """The (train, test) index pairs of ``cv`` (given ``groups``): some, test folds disjoint."""
    from sklearn.base import is_classifier
    from sklearn.model_selection import check_cv

    n = y.shape[0]
    try:
        splitter = check_cv(cv, y, classifier=is_classifier(estimator))
        pairs = splitter.split(X, y, groups if _uses_groups(splitter) else None)
        splits = [
            (_indices(train, n, k, "train"), _indices(test, n, k, "test"))
            for k, (train, test) in enumerate(pairs)
        ]
        if not splits:
            raise ValueError("it gives no train/test split")
    except (TypeError, ValueError) as exc:  # a pair that is not one is a TypeError
        msg = f"cv={reprlib.repr(cv)} cannot split the data: {exc}"
        raise (ValueError if isinstance(exc, ValueError) else TypeError)(msg) from exc
    covered = np.zeros(n, dtype=bool)
    for _, test in splits:
        if np.any(covered[test]):
            msg = "cv must give disjoint test folds: a sample is in two test folds."
            raise ValueError(msg)
        covered[test] = True
    return splits, int((~covered).sum())


def _indices(part, n, k, what):
    """The ``what`` ("train" or "test") samples of fold ``k`` as indices in ``[0, n)``.

    Integer indices (negative ones counted from the end) or a boolean mask of
    length ``n``, as scikit-learn's ``cross_validate`` takes them; not empty,
    each sample once.
    """
    idx = np.asarray(part)
    where = f"fold {k} has {what} samples"
    if idx.dtype == bool:
        if idx.shape != (n,):
            msg = f"{where} as a boolean mask of shape {idx.shape}, not ({n},)"
            raise ValueError(msg)
        idx = np.flatnonzero(idx)
    if idx.ndim != 1 or not (idx.dtype.kind in "iu" or (idx.size == 0 and idx.dtype.kind == "f")):
        msg = f"{where} of shape {idx.shape} and dtype {idx.dtype}, not a 1-D array of indices"
        raise ValueError(msg)
    if idx.size == 0:
        raise ValueError(f"fold {k} has no {what} samples")
    if idx.min() < -n or idx.max() >= n:
        msg = f"{where} outside [-{n}, {n}) (there are {n} samples)"
        raise ValueError(msg)
    idx = np.where(idx < 0, idx + n, idx).astype(np.intp, copy=False)
    if np.unique(idx).shape[0] != idx.shape[0]:
        raise ValueError(f"{where} given more than once")
    return idx


def _uses_groups(splitter):
    """Whether ``splitter.split`` reads ``groups`` (others warn that they ignore them)."""
    try:
        return bool(splitter.get_metadata_routing().split.requests.get("groups"))
    except AttributeError:  # not a scikit-learn splitter: give them, as cross_validate does
        return True


def _fold_predictions(estimator, X, y, splits, fit_params, response_method, classes):
    """Fit a clone on each training fold; the test folds' probabilities, problems and dtype.

    The dtype is the common dtype of the folds' probabilities as predicted
    (their log losses clip to its bounds).
    """
    from sklearn.base import clone

    n = y.shape[0]
    probas, problems, dtypes = [], [], []
    for k, (train, test) in enumerate(splits):
        params = {
            key: take(v, train) if np.ndim(v) >= 1 and len(v) == n else v
            for key, v in fit_params.items()
        }
        try:
            est = clone(estimator).fit(take(X, train), y[train], **params)
        except Exception as exc:  # the estimator's own error, with the fold that caused it
            exc.add_note(
                f"Raised fitting {type(estimator).__name__} on the train samples of fold {k} of cv."
            )
            raise
        scores, from_logits, est_classes = response(est, take(X, test), response_method)
        proba, fold_problems, dtype = fold_probabilities(
            scores, from_logits, est_classes, classes, k
        )
        probas.append(proba)
        problems += fold_problems
        dtypes.append(dtype)
    return probas, problems, np.result_type(*dtypes)


def cross_val_calibration_report(
    estimator,
    X,
    y,
    *,
    cv=5,
    sample_weight=None,
    pos_label=None,
    response_method="auto",
    fit_params=None,
    groups=None,
    n_bins=10,
    strategy="uniform",
    confidence_level=0.95,
    baseline=None,
    per_class=False,
    random_state=None,
    n_resamples=200,
):
    """Calibration report of out-of-fold predictions, with per-fold scores.

    Fits a clone of ``estimator`` on each training fold, predicts its test
    fold, and reports on the pooled predictions.  ``report.folds`` holds the
    scores of each fold; what went wrong in a fold (a class missing from its
    training data, predictions clipped by the log loss, rows that do not sum
    to one, a test fold with one class) is listed in ``report.problems``
    instead of silently becoming NaN.

    Parameters
    ----------
    estimator : classifier
        Not fitted; cloned for each fold.
    X : array-like of shape (n_samples, n_features)
        Input data.
    y : array-like of shape (n_samples,)
        True labels.
    cv : int, cross-validation generator or iterable, default=5
        As in :func:`sklearn.model_selection.cross_validate` (stratified
        folds for an integer).  Test folds must not overlap.
    sample_weight : array-like of shape (n_samples,), default=None
        Weights of the report (pass them to fitting through ``fit_params``).
    pos_label : int, float, bool or str, default=None
        The positive class (binary).
    response_method : {"auto", "predict_proba", "decision_function"}, \
default="auto"
        How to get probabilities (decision functions are logits).
    fit_params : dict, default=None
        Passed to ``fit``; arrays of length ``n_samples`` are split by fold.
    groups : array-like of shape (n_samples,), default=None
        A group label per sample: the pooled out-of-fold report gets
        ``subgroups``, one row per group (as in :func:`calibration_report`);
        also given to a group splitter of ``cv`` (``GroupKFold``,
        ``LeaveOneGroupOut``, ...), as
        :func:`~sklearn.model_selection.cross_validate` does, which keeps
        each group in one test fold.
    n_bins : int, default=10
        As in :func:`calibration_report`.
    strategy : {"uniform", "quantile"} or array-like of edges, default="uniform"
        As in :func:`calibration_report`.
    confidence_level : float, default=0.95
        As in :func:`calibration_report`.
    baseline : float or array-like of shape (n_classes,), default=None
        As in :func:`calibration_report`.
    per_class : bool, default=False
        As in :func:`calibration_report`.
    random_state : int, RandomState instance or None, default=None
        Seeds the cross-fitting of the pooled report's
        ``recalibration_gain`` (not the folds of ``cv``); None a fixed seed,
        as in :func:`calibration_report`; also seeds the resamples.
    n_resamples : int, default=200
        As in :func:`calibration_report`.

    Returns
    -------
    report : CalibrationReport
        The pooled out-of-fold report with ``folds`` and ``problems``.

    Raises
    ------
    ValueError
        If ``cv`` cannot split the data or gives overlapping test folds, or
        for the invalid inputs and options that :func:`calibration_report`
        refuses (checked before any fit).
    TypeError
        If ``cv`` gives something that is not a (train, test) pair.

    See Also
    --------
    calibration_report : The report of given predictions.
    CalibrationReport.from_estimator : The report of a fitted classifier.

    Examples
    --------
    Three folds of a logistic regression:

    >>> from sklearn.datasets import make_classification
    >>> from sklearn.linear_model import LogisticRegression
    >>> from skbce import cross_val_calibration_report
    >>> X, y = make_classification(n_samples=600, random_state=0)
    >>> report = cross_val_calibration_report(LogisticRegression(), X, y, cv=3)
    >>> len(report.folds), report.problems
    (3, [])
    """
    from sklearn.utils import indexable

    n = check_X_y(X, y)
    X, y = indexable(X, y)
    y_arr, classes = labels_of(y, "y", nested=True)  # before any fit: errors name y
    w = check_sample_weight(sample_weight, n)
    w = None if w is None else w.astype(np.float64, copy=False)
    # the options are checked before any fit (the pooled report checks them again, cheaply)
    check_n_bins(n_bins, n)
    check_strategy(strategy)
    check_confidence_level(confidence_level)
    check_n_resamples(n_resamples)
    check_bool(per_class, "per_class")
    check_baseline(baseline, n_classes=max(2, len(classes)))
    groups = None if groups is None else check_groups(groups, n)
    splits, left_out = _splits(cv, estimator, X, y_arr, groups)
    probas, problems, dtype = _fold_predictions(
        estimator, X, y_arr, splits, dict(fit_params or {}), response_method, classes
    )
    if left_out:
        problems.append(f"{left_out} samples are in no test fold and are left out.")
    order = np.concatenate([test for _, test in splits])
    options = Settings(
        n_bins,
        strategy,
        confidence_level,
        baseline,
        per_class,
        None if groups is None else groups[order],
        random_state,
        n_resamples,
    )
    w_oof = None if w is None else w[order]
    report = build_report(
        CalibrationReport,
        y_arr[order],
        np.concatenate(probas).astype(dtype, copy=False),  # exact: the values are of dtype
        w_oof,
        options,
        pos_label=pos_label,
        labels=classes,
    )
    codes = np.searchsorted(classes, y_arr)
    tests = [test for _, test in splits]
    binary = report.task == "binary"
    columns, fold_notes = fold_table(
        tests,
        probas,
        codes,
        w,
        report.n_bins,
        strategy=report.strategy,
        positive=index_of(classes, report.pos_label) if binary else 1,
        clip_dtype=dtype,
    )
    report.folds = Table(columns)
    report.problems = problems + fold_notes
    return report
