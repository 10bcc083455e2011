"""Statistics of multiclass predictions: the scores over all classes, the top label.

The log loss and the Brier score come from the loss kernels of
:mod:`skbce._losses.kernels`, the ROC AUC from
:func:`skbce._calibration.label_runs.binary_roc_auc`; this module only combines them.
"""

import math
import warnings

import numpy as np

from skbce._calibration.label_runs import binary_roc_auc
from skbce._losses.kernels import gather_sums as _gather_sums
from skbce._losses.kernels import prior_log_loss_sum
from skbce._losses.kernels import squared_error_sum as _squared_error_sums
from skbce._utils.validation import Target

__all__ = ["auc_classes", "auc_note", "loss_sums", "macro_auc", "multiclass_scores", "top_label"]


def auc_classes(class_weight):
    """The columns whose one-vs-rest ROC AUC is defined: classes present, with a rest."""
    total = float(np.sum(class_weight))
    return [j for j in range(len(class_weight)) if 0 < class_weight[j] < total]


def auc_note(n_present, n_classes, where="y_true"):
    """Why the macro ROC AUC is NaN or averages fewer classes than columns; None if neither."""
    if n_present == n_classes:
        return None
    if n_present == 0:
        return f"ROC AUC is nan: {where} holds a single class (one-vs-rest needs a rest)."
    return (
        f"ROC AUC is the mean one-vs-rest AUC of the {n_present} classes of {where}, "
        f"not of all {n_classes}: an absent class has none."
    )


def macro_auc(codes, P, w, class_weight):
    """Mean one-vs-rest ROC AUC over the classes present with the rest (NaN if none)."""
    aucs = [
        binary_roc_auc((codes == j).astype(np.float64), P[:, j], w)
        for j in auc_classes(class_weight)
    ]
    return float(np.mean(aucs)) if aucs else math.nan


def top_label(codes, P):
    """The top-label view: ``(confidence, correct)``, correct as 0.0 or 1.0."""
    pred = np.argmax(P, axis=1)
    conf = P[np.arange(P.shape[0]), pred]
    return conf, (pred == codes).astype(np.float64)


def loss_sums(codes, P, w, *, clip_dtype=np.float64):
    """Log-loss sums (with class totals) of encoded labels and a probability matrix.

    The log loss is that of ``P`` in ``clip_dtype``, the dtype of the
    probabilities as given (``P`` holds them in float64, exactly): clipped to
    its bounds and computed in it, as :func:`skbce.log_loss` computes it.
    """
    target = Target(classes=np.arange(P.shape[1]), y=codes, encoded=True)
    sums, _ = _gather_sums(target, P.astype(clip_dtype, copy=False), w, class_totals=True)
    return target, sums


def multiclass_scores(codes, P, w, baseline, *, clip_dtype=np.float64):
    """Log loss, Brier, NCE, D2, macro ROC AUC and prevalences of multiclass data.

    Parameters
    ----------
    codes : ndarray of intp of shape (n_samples,)
        Column of each sample's class.
    P : ndarray of float64 of shape (n_samples, n_classes)
        Probabilities, validated.
    w : ndarray of float64 or None
        Sample weights, validated.
    baseline : ndarray of shape (n_classes,) or None
        Class priors of the constant prediction of the normalized
        cross-entropy; None uses the prevalences.
    clip_dtype : dtype, default=np.float64
        The dtype of the probabilities as given: the log loss is computed in
        it (:func:`loss_sums`); the other scores read ``P``.

    Returns
    -------
    scores : dict
        Keys as the report's attributes.
    """
    from scipy.special import xlogy

    target, sums = loss_sums(codes, P, w, clip_dtype=clip_dtype)
    weight = float(sums.weight)
    log_loss = float(sums.loss) / weight  # a Python float, whatever the dtype of the sum
    prevalence = sums.class_weight / weight
    mean_prediction = np.asarray(P.mean(axis=0) if w is None else (w @ P) / weight, np.float64)
    entropy = prior_log_loss_sum(sums) / weight
    if np.count_nonzero(sums.class_weight > 0) < 2:
        entropy = 0.0  # one class: the prior's loss is that of clipping, not an entropy
    if baseline is None:
        nce_base, base = entropy, prevalence
    else:
        nce_base, base = -float(np.sum(xlogy(prevalence, baseline))), baseline
    _warn_undefined(sums.class_weight, entropy, nce_base)
    return {
        "log_loss": log_loss,
        "brier_score": _squared_error_sums(target, P, w) / weight,
        "normalized_cross_entropy": log_loss / nce_base if nce_base > 0 else math.nan,
        "nce_baseline": nce_base,
        "baseline": base,
        "d2_log_loss_score": 1.0 - log_loss / entropy if entropy > 0 else math.nan,
        "roc_auc": macro_auc(codes, P, w, sums.class_weight),
        "base_rate": prevalence,
        "mean_prediction": mean_prediction,
    }


def _warn_undefined(class_weight, entropy, nce_base):
    """Warn (the report's notes) of the scores the labels leave undefined.

    A macro ROC AUC of fewer classes than columns (data lacking a class of
    the model) is defined: the report notes it without a warning.
    """
    if not auc_classes(class_weight):
        warnings.warn(auc_note(0, len(class_weight)), RuntimeWarning, stacklevel=3)
    if not entropy > 0:
        what = "D2 log loss score is" if nce_base > 0 else "D2 log loss score and NCE are"
        msg = f"{what} nan: y_true holds a single class, whose entropy is zero."
        warnings.warn(msg, RuntimeWarning, stacklevel=3)
