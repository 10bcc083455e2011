"""Runs of equal labels in the sorted data, and the ROC AUC computed from them.

In the sorted order (positives first within ties) a positive after a negative
has a strictly larger prediction, so the ROC AUC is a sum over runs of equal
labels, with tied pairs counted half.  The runs also give the class weights
and the pre-blocks of the isotonic regression.
"""

import math

import numpy as np

from skbce._calibration.blocks import BLOCK, scaled_weights
from skbce._calibration.sorting import sort_by_prediction
from skbce._utils.numeric import weighted_sum

__all__ = ["LabelRuns", "binary_roc_auc", "label_runs", "roc_auc_of_runs"]


class LabelRuns:
    """Runs of equal labels: ``starts``, ``weight``, ``first_label``; class weights.

    Labels alternate from run to run, so ``first_label`` gives them all.
    """

    def __init__(self, starts, weight, first_label):
        self.starts = starts
        self.weight = weight
        self.first_label = first_label
        self.total = float(weight.sum())
        self.positive = float(weight[int(not first_label) :: 2].sum())
        self.negative = float(weight[int(first_label) :: 2].sum())  # not total - positive


def label_runs(y_s, w_s):
    """The :class:`LabelRuns` of sorted labels ``y_s`` (bool) with weights ``w_s``."""
    n = y_s.shape[0]
    mask = np.empty(n, dtype=np.bool_)
    mask[0] = True
    np.not_equal(y_s[1:], y_s[:-1], out=mask[1:])
    starts = np.flatnonzero(mask)
    del mask
    if w_s is None:
        weight = np.empty(starts.shape[0])
        np.subtract(starts[1:], starts[:-1], out=weight[:-1])
        weight[-1] = n - starts[-1]
    else:
        weight = np.add.reduceat(w_s, starts)
    return LabelRuns(starts, weight, bool(y_s[0]))


def _segment_sums(a, starts, ends):
    """Sums of ``a[starts[i]:ends[i]]`` for sorted, non-overlapping segments."""
    out = np.zeros(starts.shape[0])
    nonempty = ends > starts
    if not np.any(nonempty):
        return out
    s, e = starts[nonempty], ends[nonempty]
    idx = np.empty(2 * s.shape[0], dtype=np.intp)
    idx[0::2] = s
    idx[1::2] = e
    if idx[-1] >= a.shape[0]:
        idx = idx[:-1]  # the last segment runs to the end
    out[nonempty] = np.add.reduceat(a, idx)[0::2]
    return out


def _tie_breaks(p_s, starts):
    """Starts of zero-runs that continue a tie group of the run of ones before."""
    found = []
    for i in range(0, starts.shape[0], BLOCK):
        m = starts[i : i + BLOCK]
        found.append(m[p_s[m] == p_s[m - 1]])
    return np.concatenate(found) if found else np.empty(0, dtype=np.intp)


def _tied_pairs(p_s, w_s, runs):
    """Weight of the (positive, negative) pairs with equal predictions."""
    m = _tie_breaks(p_s, runs.starts[(1 if runs.first_label else 2) :: 2])
    if not m.shape[0]:
        return 0.0
    value = p_s[m]
    left = np.searchsorted(p_s, value, side="left")
    right = np.searchsorted(p_s, value, side="right")
    if w_s is None:
        return weighted_sum((m - left).astype(np.float64), (right - m).astype(np.float64))
    return weighted_sum(_segment_sums(w_s, left, m), _segment_sums(w_s, m, right))


def roc_auc_of_runs(p_s, w_s, runs):
    """Weighted ROC AUC with ties counted half (NaN if a class has no weight).

    The weights must be in a range where their products neither overflow nor
    underflow (:func:`~skbce._calibration.blocks.scaled_weights` brings them there).
    """
    w_pos, w_neg = runs.positive, runs.negative
    if not (w_pos > 0 and w_neg > 0):
        return math.nan
    lead0 = not runs.first_label
    pos = runs.weight[int(lead0) :: 2]  # runs of ones
    neg = runs.weight[int(not lead0) :: 2]  # runs of zeros
    before = np.cumsum(pos)
    if lead0:  # zero-run 2m has m runs of ones before it
        strict = weighted_sum(neg[1:], w_pos - before[: neg.shape[0] - 1])
        strict += float(neg[0]) * w_pos
    else:  # zero-run 2m + 1 has m + 1 runs of ones before it
        strict = weighted_sum(neg, w_pos - before[: neg.shape[0]])
    del before
    return (strict + 0.5 * _tied_pairs(p_s, w_s, runs)) / w_pos / w_neg


def binary_roc_auc(t, p, w=None):
    """ROC AUC of binary labels ``t`` (0/1 floats) and scores ``p`` in ``[0, 1]``.

    NaN when a class has zero total weight.  Scale-free in ``w``.

    Examples
    --------
    >>> import numpy as np
    >>> from skbce._calibration.label_runs import binary_roc_auc
    >>> binary_roc_auc(np.array([0.0, 0.0, 1.0, 1.0]), np.array([0.1, 0.4, 0.35, 0.8]))
    0.75
    """
    p_s, y_s, w_s = sort_by_prediction(t, p, w)
    if p_s.shape[0] == 0:
        return math.nan
    w_s, _ = scaled_weights(w_s)
    return roc_auc_of_runs(p_s, w_s, label_runs(y_s, w_s))
