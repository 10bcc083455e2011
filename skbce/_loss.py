"""Log loss and the binary cross-entropy family.

Public functions validate their inputs once (:mod:`skbce._validation`) and
hand plain arrays to the private kernels below.  The kernels walk the data in
blocks of :data:`BLOCK` samples, so temporaries stay in cache and memory stays
flat, and return mergeable partial sums (:class:`LossSums`) that streaming and
distributed computations add up.
"""

import warnings
from typing import NamedTuple

import numpy as np
from sklearn.exceptions import UndefinedMetricWarning

from ._validation import (
    check_bool,
    check_lengths,
    check_n_columns,
    check_probability_range,
    check_proba,
    check_sample_weight,
    check_target,
    n_samples_of,
)

__all__ = ["d2_log_loss_score", "log_loss"]

#: Samples per block in the kernels: 64k float64 values fill 512 KiB.
BLOCK = 1 << 16


class LossSums(NamedTuple):
    """Partial sums from which every loss in the family is finished.

    Sums from disjoint parts of the data merge by addition
    (:meth:`merge`), in any order.

    Attributes
    ----------
    loss : float
        Sum of ``w * loss`` over the samples.
    weight : float
        Sum of ``w`` (the number of samples when unweighted).
    class_weight : ndarray of float64 or None
        Sum of ``w`` per class, when requested.
    """

    loss: float
    weight: float
    class_weight: np.ndarray | None = None

    def merge(self, other):
        """Return the sums over the union of both parts."""
        cw = None
        if self.class_weight is not None and other.class_weight is not None:
            cw = self.class_weight + other.class_weight
        return LossSums(self.loss + other.loss, self.weight + other.weight, cw)


def clip_bounds(dtype):
    """``(eps, 1 - eps)`` for ``dtype``: probabilities are clipped to this range."""
    eps = np.finfo(dtype).eps
    return eps, dtype.type(1) - eps


def _accumulator(dtype):
    """Dtype of block sums: numpy (so scikit-learn) sums float16 in float32."""
    return np.float32 if dtype == np.float16 else dtype


def _binary_sums(target, p, w, *, class_totals=False):
    """Log-loss sums for binary labels and 1-D probabilities of class 1.

    Each sample costs one ``log``: the probability given to the true class is
    ``|1 - t - p|`` (``p`` when ``t = 1``, ``1 - p`` when ``t = 0``), the same
    floating-point value scikit-learn takes.  Also returns the minimum and
    maximum of ``p``, so that the range check needs no pass of its own.
    """
    n = p.shape[0]
    lo, hi = clip_bounds(p.dtype)
    buf = np.empty(min(n, BLOCK), dtype=p.dtype)
    loss = weight = positive = 0.0
    p_min, p_max = np.inf, -np.inf
    acc = _accumulator(p.dtype)
    for start in range(0, n, BLOCK):
        block = slice(start, start + BLOCK)
        t = target.codes(block)
        pb = p[block]
        q = buf[: pb.shape[0]]
        p_min = np.minimum(p_min, np.minimum.reduce(pb))
        p_max = np.maximum(p_max, np.maximum.reduce(pb))
        np.subtract(1, t, out=q)
        np.subtract(q, pb, out=q)
        np.abs(q, out=q)
        np.clip(q, lo, hi, out=q)
        np.log(q, out=q)
        if w is None:
            loss -= float(np.add.reduce(q, dtype=acc))
            if class_totals:
                positive += np.count_nonzero(t)
        else:
            wb = w[block]
            loss -= float(np.dot(q, wb))
            weight += wb.sum()
            if class_totals:
                positive += float(np.dot(t, wb))
    if w is None:
        weight = n
    class_weight = np.array([weight - positive, positive]) if class_totals else None
    return LossSums(loss, weight, class_weight), p_min, p_max


def _in_unit_interval(flat):
    """True if every value of the flat float array is within [0, 1] (no NaN).

    Non-negative floats order like their bit patterns read as unsigned
    integers, and negative values, NaN and infinity all read greater than
    ``1.0`` does: one integer ``max`` checks everything.  (``-0.0`` reads as
    negative too; the caller then looks closer.)
    """
    bits = flat.view(np.dtype(f"u{flat.dtype.itemsize}"))
    return np.maximum.reduce(bits) <= np.ones(1, flat.dtype).view(bits.dtype)[0]


def _gather_sums(target, P, w, *, class_totals=False):
    """Log-loss sums for a probability matrix: one column per class.

    One pass over ``P`` in blocks of rows: the range check, the row sums
    (for the warning scikit-learn gives when rows are not distributions) and
    the gather of each sample's probability of its true class.
    """
    n, k = P.shape
    lo, hi = clip_bounds(P.dtype)
    tolerance = _row_sum_tolerance(P.dtype)
    loss = weight = 0.0
    acc = _accumulator(P.dtype)
    rows_off = False
    class_weight = np.zeros(k) if class_totals else None
    step = max(1, (2 * BLOCK) // k)
    offsets = np.arange(min(n, step)) * k
    for start in range(0, n, step):
        block = slice(start, start + step)
        Pb = np.ascontiguousarray(P[block])
        flat = Pb.reshape(-1)
        if not _in_unit_interval(flat):
            check_probability_range(flat.min(), flat.max(), "y_proba")
        if not rows_off:
            total = np.einsum("ij->i", Pb)
            rows_off = bool(np.any(np.abs(total - 1) > tolerance))
        codes = np.asarray(target.codes(block), dtype=np.intp)
        q = np.take(flat, offsets[: codes.shape[0]] + codes)
        np.clip(q, lo, hi, out=q)
        np.log(q, out=q)
        if w is None:
            loss -= float(np.add.reduce(q, dtype=acc))
            if class_totals:
                class_weight += np.bincount(codes, minlength=k)
        else:
            wb = w[block]
            loss -= float(np.dot(q, wb))
            weight += wb.sum()
            if class_totals:
                class_weight += np.bincount(codes, weights=wb, minlength=k)
    if w is None:
        weight = n
    return LossSums(loss, weight, class_weight), rows_off


def _row_sum_tolerance(dtype):
    """How far a row sum may be from one, as in scikit-learn."""
    return 1e-8 + np.sqrt(np.finfo(dtype).eps)


def _warn_rows_do_not_sum_to_one():
    warnings.warn(
        "The rows of y_proba do not sum to one. Make sure to pass "
        "probabilities (predict_proba), with one column per class.",
        UserWarning,
        stacklevel=4,
    )


def _log_loss_sums(y_true, y_proba, sample_weight, labels, *, class_totals=False):
    """Validate the inputs of :func:`log_loss`; return its sums and result dtype."""
    P = check_proba(y_proba, check_range=False)
    n = check_lengths(y_true=y_true, y_proba=P)
    w = check_sample_weight(sample_weight, n)
    target = check_target(y_true, labels=labels)
    if P.ndim == 2 and P.shape[1] == 1:
        P = P[:, 0]
    if P.ndim == 1:
        check_n_columns(target, 2, labels)
        sums, p_min, p_max = _binary_sums(target, P, w, class_totals=class_totals)
        check_probability_range(p_min, p_max, "y_proba")
    else:
        if target.n_classes != P.shape[1]:
            # scikit-learn checks the values and warns about the rows first.
            check_probability_range(P.min(), P.max(), "y_proba")
            if np.any(np.abs(P.sum(axis=1) - 1) > _row_sum_tolerance(P.dtype)):
                _warn_rows_do_not_sum_to_one()
            check_n_columns(target, P.shape[1], labels)
        sums, rows_off = _gather_sums(target, P, w, class_totals=class_totals)
        if rows_off:
            _warn_rows_do_not_sum_to_one()
    dtype = P.dtype if w is None else np.result_type(P.dtype, w.dtype)
    return sums, dtype


def _check_weight_sum(weight):
    if weight == 0:
        msg = (
            "sample_weight sums to zero, so the weighted mean is undefined; "
            "use normalize=False for the weighted sum."
        )
        raise ValueError(msg)


def log_loss(y_true, y_proba, *, normalize=True, sample_weight=None, labels=None):
    r"""Log loss, also known as logistic loss or cross-entropy loss.

    The negative log-likelihood of the true labels under the predicted
    probabilities; the smaller the better, the minimum is zero.  Also known as
    logistic loss, (binary) cross-entropy and negative Bernoulli (categorical)
    log-likelihood.  For labels :math:`y_i \in \{0, 1\}` and predicted
    probabilities :math:`p_i` of class 1,

    .. math::

        L = -\frac{1}{\sum_i w_i} \sum_i w_i \left[ y_i \log p_i
            + (1 - y_i) \log (1 - p_i) \right],

    and for more classes :math:`L = -\frac{1}{\sum_i w_i} \sum_i w_i \log
    p_{i, y_i}`.  A drop-in replacement for :func:`sklearn.metrics.log_loss`:
    it gives the same values, accepts and rejects the same inputs, and is
    many times faster.  It computes one logarithm per sample, in blocks that
    keep memory flat.

    Parameters
    ----------
    y_true : array-like of shape (n_samples,)
        True class labels (int, bool, float, str or object), or a one-hot
        indicator matrix of shape (n_samples, n_classes).
    y_proba : array-like of shape (n_samples,) or (n_samples, n_classes)
        Predicted probabilities, as returned by ``predict_proba``.  A 1-D array
        (or a single column) holds the probability of the positive class, the
        greater of the two labels.  Columns follow the sorted class labels.
        Values are clipped to ``[eps, 1 - eps]`` with ``eps`` the machine
        epsilon of their dtype (float64, float32 or float16; other inputs are
        converted to float64).
    normalize : bool, default=True
        If True, return the (weighted) mean loss per sample; otherwise the
        (weighted) sum.
    sample_weight : array-like of shape (n_samples,), default=None
        Sample weights.
    labels : array-like, default=None
        All class labels.  Needed when ``y_true`` lacks some classes that have
        a column in ``y_proba``.  Should be sorted; if it is not, a warning
        says so and the columns are still taken in sorted label order.

    Returns
    -------
    loss : float
        The log loss, computed in the floating dtype of ``y_proba``.

    Raises
    ------
    ValueError
        For probabilities outside ``[0, 1]``, NaN or infinite values, fewer
        than two classes, inconsistent lengths, a column count that does not
        match the classes, labels outside ``labels``, empty input, continuous
        or multi-output ``y_true``, weights that sum to zero (with
        ``normalize=True``).  Unlike scikit-learn, a multilabel indicator
        ``y_true`` (rows with other than exactly one positive label) is
        refused: use :func:`skbce.binary_cross_entropy` for multilabel data.

    See Also
    --------
    d2_log_loss_score : Fraction of the log loss of the class prior explained.
    sklearn.metrics.log_loss : The function this one replaces.

    Notes
    -----
    The logarithm is the natural logarithm, so the loss is in nats.  A
    confident miss (probability 0 for the true class) costs
    ``-log(eps)``: 36.04 nats in float64, 15.94 in float32.

    References
    ----------
    .. [1] C. M. Bishop (2006). Pattern Recognition and Machine Learning.
       Springer, p. 209.

    Examples
    --------
    >>> from skbce import log_loss
    >>> log_loss(["spam", "ham", "ham", "spam"],
    ...          [[.1, .9], [.9, .1], [.8, .2], [.35, .65]])
    0.21616
    >>> log_loss([0, 1, 1], [0.1, 0.8, 0.6], sample_weight=[1, 2, 1])
    0.26...
    """
    check_bool(normalize, "normalize")
    sums, dtype = _log_loss_sums(y_true, y_proba, sample_weight, labels)
    if not normalize:
        return float(dtype.type(sums.loss))
    _check_weight_sum(sums.weight)
    return float(dtype.type(sums.loss / sums.weight))


def d2_log_loss_score(y_true, y_proba, *, sample_weight=None, labels=None):
    r""":math:`D^2` score function, fraction of log loss explained.

    :math:`D^2 = 1 - L / L_0`, where :math:`L` is the log loss of
    ``y_proba`` and :math:`L_0` that of the constant prediction of the
    (weighted) class frequencies in ``y_true``.  The greater the better: 1 is
    a perfect prediction, 0 is no better than the class prior, and it is
    negative for worse models.  A drop-in replacement for
    :func:`sklearn.metrics.d2_log_loss_score`.

    Parameters
    ----------
    y_true : array-like of shape (n_samples,)
        True class labels.
    y_proba : array-like of shape (n_samples,) or (n_samples, n_classes)
        Predicted probabilities, as for :func:`log_loss`.
    sample_weight : array-like of shape (n_samples,), default=None
        Sample weights.
    labels : array-like, default=None
        All class labels, as for :func:`log_loss`.

    Returns
    -------
    d2 : float
        The :math:`D^2` score.  NaN, with an
        :class:`~sklearn.exceptions.UndefinedMetricWarning`, for fewer than
        two samples.

    See Also
    --------
    log_loss : The loss this score is based on.
    normalized_cross_entropy : Equals ``1 - d2_log_loss_score``.

    Examples
    --------
    >>> from skbce import d2_log_loss_score
    >>> d2_log_loss_score([0, 1, 1, 0], [0.2, 0.9, 0.6, 0.3])
    0.568...
    """
    n = check_lengths(y_true=y_true, y_proba=y_proba, sample_weight=sample_weight)
    if n < 2:
        warnings.warn(
            "D^2 score is not well-defined with less than two samples.",
            UndefinedMetricWarning,
            stacklevel=2,
        )
        return float("nan")
    sums, dtype = _log_loss_sums(
        y_true, y_proba, sample_weight, labels, class_totals=True
    )
    _check_weight_sum(sums.weight)
    return 1.0 - float(dtype.type(sums.loss)) / prior_log_loss_sum(sums)


def prior_log_loss_sum(sums):
    """Weighted log-loss sum of the constant prediction of the class frequencies.

    Computed in float64, whatever the dtype of the predictions.
    """
    weights = sums.class_weight
    prior = weights / sums.weight
    lo, hi = clip_bounds(np.dtype(np.float64))
    present = weights != 0
    return -float(np.dot(weights[present], np.log(np.clip(prior[present], lo, hi))))
