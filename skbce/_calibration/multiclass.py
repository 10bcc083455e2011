"""Statistics of multiclass predictions: the scores over all classes, the top label.

The log loss and the Brier score come from the loss kernels of
:mod:`skbce._losses.kernels`, the ROC AUC from
:func:`skbce._calibration.label_runs.binary_roc_auc`; this module only combines them.
"""

import math

import numpy as np

from skbce._calibration.label_runs import binary_roc_auc
from skbce._losses.kernels import gather_sums as _gather_sums
from skbce._losses.kernels import prior_log_loss_sum
from skbce._losses.kernels import squared_error_sum as _squared_error_sums
from skbce._utils.validation import Target

__all__ = ["loss_sums", "macro_auc", "multiclass_scores", "top_label"]


def macro_auc(codes, P, w, class_weight):
    """Mean one-vs-rest ROC AUC over the classes present with the rest (NaN if none)."""
    total = float(np.sum(class_weight))
    aucs = [
        binary_roc_auc((codes == j).astype(np.float64), P[:, j], w)
        for j in range(P.shape[1])
        if 0 < class_weight[j] < total
    ]
    return float(np.mean(aucs)) if aucs else math.nan


def top_label(codes, P):
    """The top-label view: ``(confidence, correct)``, correct as 0.0 or 1.0."""
    pred = np.argmax(P, axis=1)
    conf = P[np.arange(P.shape[0]), pred]
    return conf, (pred == codes).astype(np.float64)


def loss_sums(codes, P, w):
    """Log-loss sums (with class totals) of encoded labels and a probability matrix."""
    target = Target(classes=np.arange(P.shape[1]), y=codes, encoded=True)
    sums, _ = _gather_sums(target, P, w, class_totals=True)
    return target, sums


def multiclass_scores(codes, P, w, baseline):
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

    Returns
    -------
    scores : dict
        Keys as the report's attributes.
    """
    from scipy.special import xlogy

    target, sums = loss_sums(codes, P, w)
    weight = float(sums.weight)
    log_loss = sums.loss / weight
    prevalence = sums.class_weight / weight
    mean_prediction = np.asarray(P.mean(axis=0) if w is None else (w @ P) / weight, np.float64)
    entropy = prior_log_loss_sum(sums) / weight
    if baseline is None:
        nce_base, base = entropy, prevalence
    else:
        nce_base, base = -float(np.sum(xlogy(prevalence, baseline))), baseline
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
