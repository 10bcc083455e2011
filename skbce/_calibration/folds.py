"""Per-fold statistics of cross-validated predictions.

Fold predictions become probabilities over all classes (with what went wrong
in the fold), and each test fold gets its log loss, Brier score, ROC AUC and
ECE from the same kernels as the report: nothing here re-writes a formula.
"""

import math

import numpy as np

from skbce._calibration.label_runs import binary_roc_auc
from skbce._calibration.multiclass import auc_classes, auc_note, loss_sums, macro_auc, top_label
from skbce._calibration.reliability import calibration_errors, table_edges
from skbce._calibration.streaming import fixed_bin_sums
from skbce._losses.kernels import row_sum_tolerance as _row_sum_tolerance
from skbce._losses.kernels import squared_error_sum as _squared_error_sums
from skbce._utils.numeric import float_clip_bounds
from skbce._utils.validation import FLOAT_DTYPES

__all__ = ["FOLD_COLUMNS", "fold_probabilities", "fold_table"]

#: Columns of the per-fold table, in order.
FOLD_COLUMNS = ("fold", "n_samples", "weight", "log_loss", "brier_score", "roc_auc", "ece")


def fold_probabilities(scores, from_logits, est_classes, classes, k):
    """A fold's predictions as probabilities over all classes, their problems and dtype.

    Parameters
    ----------
    scores : ndarray of shape (n_test,) or (n_test, n_est_classes)
        ``predict_proba`` (or ``decision_function`` when ``from_logits``).
    from_logits : bool
        Whether ``scores`` are logits.
    est_classes : array-like or None
        The classes the fold's estimator saw (None: all of ``classes``).
    classes : ndarray
        All classes, sorted.
    k : int
        The fold's number, for the messages.

    Returns
    -------
    proba : ndarray of float64 of shape (n_test, n_classes)
    problems : list of str
    dtype : numpy.dtype
        The dtype of the probabilities as predicted (float16 and float32 are
        kept by the log loss, which clips to their bounds; others become
        float64, as logits do after ``expit`` or ``softmax``).  ``proba``
        holds them exactly.
    """
    from scipy.special import expit, softmax

    problems = []
    est_classes = np.asarray(est_classes if est_classes is not None else classes)
    scores = np.asarray(scores)
    kept = not from_logits and scores.dtype in FLOAT_DTYPES
    dtype = scores.dtype if kept else np.dtype(np.float64)
    scores = scores.astype(np.float64, copy=False)
    if scores.ndim == 1:
        p1 = expit(scores) if from_logits else scores
        scores = np.column_stack([1.0 - p1, p1])
    elif from_logits:
        scores = softmax(scores, axis=1)
    proba = np.zeros((scores.shape[0], len(classes)))
    proba[:, np.searchsorted(classes, est_classes)] = scores
    missing = [c for c in classes.tolist() if c not in est_classes.tolist()]
    if missing:
        problems.append(
            f"fold {k}: class {', '.join(map(repr, missing))} absent from the training "
            "data; its probability is 0."
        )
    deviation = np.abs(proba.sum(axis=1) - 1.0)
    off = deviation > _row_sum_tolerance(dtype)
    if np.any(off):
        problems.append(
            f"fold {k}: {int(off.sum())} rows of predicted probabilities do not sum to "
            f"one (largest deviation {float(np.max(deviation)):.3g})."
        )
    return proba, problems, dtype


def _fold_ece(conf, correct, w, n_bins, strategy):
    """ECE of a fold on the bins of the report's table: ``n_bins`` and ``strategy`` (checked)."""
    if w is not None:  # the report's quantiles are those of the samples of non-zero weight
        keep = w > 0
        conf, correct, w = conf[keep], correct[keep], w[keep]
    order = np.argsort(conf, kind="stable")
    w_s = None if w is None else w[order]
    cum_w = None if w_s is None else np.cumsum(w_s)
    edges = table_edges(conf[order], w_s, n_bins, strategy, cum_w)
    sums = fixed_bin_sums(conf, correct, w, edges)
    weight = sums[1]
    nonempty = weight > 0
    mean_predicted = np.divide(sums[2], weight, out=np.zeros_like(weight), where=nonempty)
    observed = np.divide(sums[3], weight, out=np.zeros_like(weight), where=nonempty)
    ece, _, _ = calibration_errors(weight, mean_predicted, observed)
    return ece


def _fold_row(codes, P, w, bins, k, clip_dtype):
    """The scores of one test fold, and the notes about it.

    ``bins`` is the ECE's ``(n_bins, strategy, positive)``.
    """
    binary = P.shape[1] == 2
    target, sums = loss_sums(codes, P, w, clip_dtype=clip_dtype)
    weight = float(sums.weight)
    row = {"fold": k, "n_samples": codes.shape[0], "weight": weight}
    if not weight > 0:
        note = f"fold {k}: the sample weights of its test fold are all zero; its scores are nan."
        return row | dict.fromkeys(FOLD_COLUMNS[3:], math.nan), [note]
    notes = []
    eps = float_clip_bounds(clip_dtype)[0]
    clipped = int(np.count_nonzero(P[np.arange(codes.shape[0]), codes] < eps))
    if clipped:
        notes.append(
            f"fold {k}: {clipped} samples have probability below eps for their true "
            f"class; the log loss clips it to eps (a loss of {-math.log(eps):.2f} each)."
        )
    if binary:
        brier = _squared_error_sums(target, P[:, 1], w) / (2.0 * weight)
        auc = binary_roc_auc(codes.astype(np.float64), P[:, 1], w)
        if math.isnan(auc):
            notes.append(f"fold {k}: the test fold holds one class; its ROC AUC is undefined.")
        positive = bins[2]
        conf, correct = P[:, positive], (codes == positive).astype(np.float64)
    else:
        brier = _squared_error_sums(target, P, w) / weight
        auc = macro_auc(codes, P, w, sums.class_weight)
        note = auc_note(len(auc_classes(sums.class_weight)), P.shape[1], "the test fold")
        if note is not None:
            notes.append(f"fold {k}: {note}")
        conf, correct = top_label(codes, P)
    row |= {
        "log_loss": float(sums.loss) / weight,
        "brier_score": brier,
        "roc_auc": auc,
        "ece": _fold_ece(conf, correct, w, *bins[:2]),
    }
    return row, notes


def fold_table(
    tests,
    probas,
    codes,
    sample_weight,
    n_bins,
    *,
    strategy="uniform",
    positive=1,
    clip_dtype=np.float64,
):
    """Per-fold scores of cross-validated predictions.

    Parameters
    ----------
    tests : list of ndarray of intp
        The test indices of each fold.
    probas : list of ndarray of shape (n_test, n_classes)
        The probabilities of each fold (from :func:`fold_probabilities`).
    codes : ndarray of intp of shape (n_samples,)
        Column of each sample's class, for all samples.
    sample_weight : ndarray of float64 or None
        Weights of all samples, validated.
    n_bins : int
        Bins of the ECE.
    strategy : {"uniform", "quantile"} or ndarray of edges, default="uniform"
        Bin edges of the ECE, as the report's table (checked): quantiles are
        those of the fold's predictions.
    positive : int, default=1
        Binary: the column of the positive class, whose probability the ECE
        bins (multiclass: the top label).
    clip_dtype : dtype, default=np.float64
        The dtype of the predicted probabilities: the log loss is computed
        in it, clipped to its bounds, as :func:`skbce.log_loss` does.

    Returns
    -------
    columns : dict of str to list
        :data:`FOLD_COLUMNS`, one value per fold.
    notes : list of str
        What is clipped or undefined in a fold.
    """
    columns = {key: [] for key in FOLD_COLUMNS}
    notes = []
    for k, (test, P) in enumerate(zip(tests, probas, strict=True)):
        w = None if sample_weight is None else sample_weight[test]
        bins = (n_bins, strategy, positive)
        row, fold_notes = _fold_row(codes[test], P, w, bins, k, clip_dtype)
        notes += fold_notes
        for key in FOLD_COLUMNS:
            columns[key].append(row[key])
    return columns, notes
