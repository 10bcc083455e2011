"""Log loss and the binary cross-entropy family.

Public functions validate their inputs once (:mod:`skbce._utils.validation`) and
hand plain arrays to the private kernels below.  The kernels walk the data in
blocks of :data:`BLOCK` samples, so temporaries stay in cache and memory stays
flat, and return mergeable partial sums (:class:`LossSums`) that streaming and
distributed computations add up.
"""

import warnings

import numpy as np
from scipy.special import xlogy
from sklearn.exceptions import UndefinedMetricWarning

from skbce._backends.dispatch import array_backend
from skbce._losses.sums import LossSums
from skbce._utils.numeric import BLOCK, accumulator, clip_bounds, total_weight, weighted_sum
from skbce._utils.options import (
    InvalidParameterError,
    check_bool,
    check_choice,
    check_clip,
    check_pos_weight,
    check_smoothing,
    is_number,
)
from skbce._utils.validation import (
    Target,
    as_positive_column,
    binary_target,
    check_lengths,
    check_n_columns,
    check_proba,
    check_probability_range,
    check_sample_weight,
    check_scores,
    check_target,
    cross_entropy_targets,
)

__all__ = [
    "binary_cross_entropy",
    "brier_score_loss",
    "d2_log_loss_score",
    "log_loss",
    "normalized_cross_entropy",
]

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
    acc = accumulator(p.dtype)
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
            loss -= weighted_sum(q, wb)
            weight += total_weight(wb)
            if class_totals:
                positive += weighted_sum(t, wb, np.float64)
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
    acc = accumulator(P.dtype)
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
            loss -= weighted_sum(q, wb)
            weight += total_weight(wb)
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

    Inputs may also be ``dask.array`` arrays (computed chunk by chunk on the
    workers, exact for chunks of any sizes) or arrays of another array-API
    namespace, such as torch tensors (computed in that namespace); all inputs
    of one call must then be of the same kind.

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
    backend = array_backend(y_true=y_true, y_proba=y_proba, sample_weight=sample_weight)
    if backend is not None:  # dask or array-API inputs
        return backend.log_loss(
            y_true, y_proba, normalize=normalize, sample_weight=sample_weight, labels=labels
        )
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
    sums, dtype = _log_loss_sums(y_true, y_proba, sample_weight, labels, class_totals=True)
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


# --- the binary cross-entropy family -------------------------------------------


def softplus_parts(z, xp=None):
    """``(a, relu(z))`` with ``a = log1p(exp(-|z|))``.

    ``softplus(z) = a + relu(z)`` and ``softplus(-z) = a + relu(-z)``: both
    terms are non-negative, so the sums neither overflow nor cancel, and
    ``exp`` never sees a positive argument.  ``xp`` is the array namespace
    (numpy by default, where the work is done in place).
    """
    if xp is not None:
        return xp.log1p(xp.exp(-xp.abs(z))), xp.maximum(z, 0)
    a = np.abs(z)
    np.negative(a, out=a)
    np.exp(a, out=a)
    np.log1p(a, out=a)
    return a, np.maximum(z, 0)


def _xlogy(x, y, xp):
    """``x * log(y)``, zero where ``x`` is zero (:func:`scipy.special.xlogy`)."""
    if xp is None:
        return xlogy(x, y)
    return xp.where(x == 0, xp.zeros_like(y), x * xp.log(y))


def elementwise_bce(t, s, *, from_logits=False, pos_weight=None, bounds=None, xp=None):
    """Binary cross-entropy of each element, as a new array in the dtype of ``s``.

    Parameters
    ----------
    t : ndarray
        Hard targets (0/1 or booleans) when ``hard``, else soft targets in
        ``[0, 1]``; broadcastable against ``s``.
    s : ndarray
        Probabilities of the positive class, or logits when ``from_logits``.
    from_logits : bool
        Whether ``s`` holds logits.
    pos_weight : ndarray or None
        Weight ``c`` of the positive term, ``-[c t log p + (1 - t) log(1 - p)]``;
        broadcasts along the last axis.
    bounds : tuple or None
        ``(lo, hi)`` to clip probabilities to; ``None`` for no clipping.
    xp : namespace or None
        The array-API namespace of ``t`` and ``s``; ``None`` for numpy.
    """
    dtype = s.dtype
    if xp is None:
        hard = t.dtype.kind in "iub"
        tf = t.astype(dtype, copy=False)
        clip, log = np.clip, np.log
    else:
        hard = xp.isdtype(t.dtype, ("bool", "integral"))
        tf = xp.astype(t, dtype)
        clip, log = xp.clip, xp.log
    if from_logits:
        a, relu = softplus_parts(s, xp)
        if hard:
            # relu((1 - 2t) z) = relu(z) - t z, exact for t in {0, 1}
            loss = a + (relu - tf * s)
        else:
            loss = tf * (a + (relu - s))
            loss_neg = (1 - tf) * (a + relu)
            loss = (loss if pos_weight is None else loss * pos_weight) + loss_neg
            return loss
    elif hard:
        q = abs(1 - tf - s)
        if bounds is not None:
            q = clip(q, *bounds)
        with np.errstate(divide="ignore"):
            loss = -log(q)
    else:
        p1 = s if bounds is None else clip(s, *bounds)
        p0 = 1 - s if bounds is None else clip(1 - s, *bounds)
        with np.errstate(divide="ignore", invalid="ignore"):
            loss = -_xlogy(tf, p1, xp)
            if pos_weight is not None:
                loss = loss * pos_weight
            loss = loss - _xlogy(1 - tf, p0, xp)
        return loss if xp is not None else loss.astype(dtype, copy=False)
    if pos_weight is not None:
        loss = loss * (1 + (pos_weight - 1) * tf)
    return loss


def _logit_sums(target, z, w):
    """Binary cross-entropy sums for hard labels and 1-D logits.

    ``softplus(z) - t z``, computed as ``log1p(exp(-|z|)) + relu((1 - 2t) z)``
    in two buffers: exact for any finite ``z``, and ``exp`` never overflows.
    """
    n = z.shape[0]
    a = np.empty(min(n, BLOCK), dtype=z.dtype)
    m, tz = np.empty_like(a), np.empty_like(a)
    loss = weight = 0.0
    for start in range(0, n, BLOCK):
        block = slice(start, start + BLOCK)
        t = target.codes(block)
        zb = z[block]
        ab, mb, tzb = a[: zb.shape[0]], m[: zb.shape[0]], tz[: zb.shape[0]]
        np.abs(zb, out=ab)
        np.negative(ab, out=ab)
        np.exp(ab, out=ab)
        np.log1p(ab, out=ab)
        np.multiply(t, zb, out=tzb)
        np.maximum(zb, 0, out=mb)
        np.subtract(mb, tzb, out=mb)
        if w is None:
            loss += float(np.add.reduce(ab)) + float(np.add.reduce(mb))
        else:
            wb = w[block]
            loss += weighted_sum(ab, wb) + weighted_sum(mb, wb)
            weight += total_weight(wb)
    return LossSums(loss, n if w is None else weight)


def _bce_blocks(target, s, w, *, smoothing, reduce, **options):
    """Walk the data in blocks of rows; yield per-sample losses times weights.

    Per-sample losses average the labels of multilabel data.  With
    ``reduce=False`` elementwise losses (times weights) are yielded instead.
    """
    n = s.shape[0]
    step = max(1, BLOCK // (s.shape[1] if s.ndim == 2 else 1))
    for start in range(0, n, step):
        block = slice(start, start + step)
        t = target.codes(block) if isinstance(target, Target) else target[block]
        if smoothing:
            t = t.astype(s.dtype) * (1 - smoothing) + smoothing / 2
        loss = elementwise_bce(t, s[block], **options)
        if reduce and loss.ndim == 2:
            loss = loss.mean(axis=1, dtype=accumulator(loss.dtype))
        if w is not None:
            wb = w[block]
            loss *= wb if loss.ndim == 1 else wb[:, None]
        yield block, loss


def _bce_sums(target, s, w, *, from_logits, pos_weight, smoothing, bounds):
    """Sums of :func:`binary_cross_entropy` for validated inputs.

    The one-log kernels serve hard labels with the default options; anything
    else goes through :func:`_bce_blocks`.  Infinite losses (``clip=None``)
    are left for the caller to warn about.
    """
    default_clip = from_logits or bounds == clip_bounds(s.dtype)
    simple = pos_weight is None and not smoothing and default_clip
    if simple and s.ndim == 1 and isinstance(target, Target):
        if from_logits:
            return _logit_sums(target, s, w)
        return _binary_sums(target, s, w)[0]
    blocks = _bce_blocks(
        target,
        s,
        w,
        smoothing=smoothing,
        reduce=True,
        from_logits=from_logits,
        pos_weight=pos_weight,
        bounds=bounds,
    )
    acc = accumulator(s.dtype)
    total = sum(float(np.add.reduce(loss, dtype=acc)) for _, loss in blocks)
    return LossSums(total, s.shape[0] if w is None else total_weight(w))


def _prepare_bce(y_true, y_score, sample_weight, pos_label, from_logits):
    """Validate the common inputs of the cross-entropy functions."""
    s = check_scores(y_score, from_logits=from_logits)
    target = cross_entropy_targets(y_true, pos_label=pos_label)
    y_shape = target.y.shape if isinstance(target, Target) else target.shape
    s = _match_score_shape(s, y_shape)
    w = check_sample_weight(sample_weight, y_shape[0])
    return target, s, w


def _match_score_shape(s, y_shape):
    """``s`` as 1-D scores for 1-D targets; raise unless its shape is ``y_shape``."""
    if len(y_shape) == 1:
        s = as_positive_column(s, "y_score")
    if tuple(s.shape) != tuple(y_shape):
        msg = f"y_score has shape {tuple(s.shape)} but y_true has shape {tuple(y_shape)}."
        raise ValueError(msg)
    return s


def binary_cross_entropy(
    y_true,
    y_score,
    *,
    from_logits=False,
    pos_label=None,
    sample_weight=None,
    pos_weight=None,
    label_smoothing=0.0,
    clip="dtype",
    reduction="mean",
):
    r"""Binary cross-entropy of probabilities or logits, with its common options.

    The smaller the better.  Also known as log loss, logistic loss and
    negative Bernoulli log-likelihood.  For targets :math:`t_i \in [0, 1]`
    and probabilities :math:`p_i` of the positive class,

    .. math::

        \ell_i = -\left[ c\, t_i \log p_i + (1 - t_i) \log (1 - p_i) \right],

    with :math:`c` the ``pos_weight`` (1 by default); the result is the
    weighted mean :math:`\sum_i w_i \ell_i / \sum_i w_i` (``"mean"``), the
    sum :math:`\sum_i w_i \ell_i` (``"sum"``) or the :math:`w_i \ell_i`
    themselves (``"none"``).  For hard labels, probabilities and the default
    options it equals :func:`log_loss`.  Its minimum is 0 for hard labels and
    the mean entropy of the targets for soft targets.

    Parameters
    ----------
    y_true : array-like of shape (n_samples,) or (n_samples, n_labels)
        Binary class labels of any type (``pos_label`` says which is positive;
        by default the greater one), or numbers in ``[0, 1]``: hard 0/1
        targets or soft targets.  A 2-D array is a multilabel indicator (or
        soft target) matrix: the loss is computed elementwise, averaged over
        the labels of each sample, then over samples.
    y_score : array-like of the same shape as ``y_true``
        Predicted probabilities of the positive class, or logits (for example
        ``decision_function`` values) when ``from_logits=True``.
    from_logits : bool, default=False
        Whether ``y_score`` holds logits.  Logits are computed as
        ``softplus(z) - t z`` without overflow or cancellation, and are not
        clipped: a confident miss at ``z = 800`` costs 800.
    pos_label : int, float, bool or str, default=None
        The positive class of 1-D class labels.
    sample_weight : array-like of shape (n_samples,), default=None
        Sample weights.  ``"mean"`` divides by their sum (scikit-learn's
        convention; torch's ``BCELoss(weight=...)`` divides by the number of
        samples instead).
    pos_weight : float or array-like of shape (n_labels,), default=None
        Weight of the positive term, as ``pos_weight`` of torch's
        ``BCEWithLogitsLoss``; one per label for multilabel data.
    label_smoothing : float, default=0.0
        Targets are smoothed to ``t (1 - label_smoothing) + label_smoothing / 2``
        (Keras' convention).
    clip : "dtype", float or None, default="dtype"
        Probabilities are clipped to ``[eps, 1 - eps]``: ``"dtype"`` takes the
        machine epsilon of their dtype (scikit-learn's policy), a float gives
        ``eps``, and ``None`` disables clipping, so that a confident miss costs
        ``inf`` (with a warning that counts them).  Logits are never clipped.
    reduction : {"mean", "sum", "none"}, default="mean"
        How per-sample losses are combined; ``"none"`` returns the weighted
        per-sample losses, of shape ``(n_samples, n_labels)`` for multilabel
        data.

    Returns
    -------
    loss : float or ndarray
        A float for ``"mean"`` and ``"sum"``, an array for ``"none"``, in the
        floating dtype of ``y_score``.

    See Also
    --------
    log_loss : The drop-in replacement of scikit-learn's log loss.
    normalized_cross_entropy : The loss relative to that of the base rate.
    log_loss_breakdown : The per-sample table behind the loss.
    bce_gradient_hessian : Derivatives with respect to the logits.

    Notes
    -----
    Inputs may also be ``dask.array`` arrays (computed chunk by chunk on the
    workers, exact for chunks of any sizes) or arrays of another array-API
    namespace, such as torch tensors (computed in that namespace); all inputs
    of one call must then be of the same kind.  ``reduction="none"`` is not
    available for dask arrays.

    Examples
    --------
    >>> from skbce import binary_cross_entropy
    >>> binary_cross_entropy([0, 1, 1], [0.1, 0.8, 0.6])
    0.2797...
    >>> binary_cross_entropy([0, 1, 1], [-2.2, 1.4, 0.4], from_logits=True)
    0.2795...
    >>> Y = [[1, 0, 1], [0, 1, 1]]
    >>> P = [[.9, .2, .8], [.1, .7, .6]]
    >>> binary_cross_entropy(Y, P)
    0.2540...
    >>> binary_cross_entropy([0, 1], [0.2, 0.9], reduction="none")
    array([0.22314355, 0.10536052])
    """
    backend = array_backend(y_true=y_true, y_score=y_score, sample_weight=sample_weight)
    if backend is not None:  # dask or array-API inputs
        return backend.binary_cross_entropy(
            y_true,
            y_score,
            from_logits=from_logits,
            pos_label=pos_label,
            sample_weight=sample_weight,
            pos_weight=pos_weight,
            label_smoothing=label_smoothing,
            clip=clip,
            reduction=reduction,
        )
    check_choice(reduction, "reduction", ["mean", "sum", "none"])
    smoothing = check_smoothing(label_smoothing)
    target, s, w = _prepare_bce(y_true, y_score, sample_weight, pos_label, from_logits)
    n_labels = s.shape[1] if s.ndim == 2 else None
    c = check_pos_weight(pos_weight, n_labels, s.dtype)
    bounds = None if from_logits else check_clip(clip, s.dtype)

    if reduction == "none":
        blocks = _bce_blocks(
            target,
            s,
            w,
            smoothing=smoothing,
            reduce=False,
            from_logits=from_logits,
            pos_weight=c,
            bounds=bounds,
        )
        out = np.empty(s.shape, dtype=s.dtype)
        for block, loss in blocks:
            out[block] = loss
        _warn_infinite(out, clip)
        return out
    sums = _bce_sums(
        target, s, w, from_logits=from_logits, pos_weight=c, smoothing=smoothing, bounds=bounds
    )
    _warn_infinite(np.array(sums.loss), clip)
    dtype = s.dtype if w is None else np.result_type(s.dtype, w.dtype)
    if reduction == "sum":
        return float(dtype.type(sums.loss))
    _check_weight_sum(sums.weight)
    return float(dtype.type(sums.loss / sums.weight))


def _warn_infinite(losses, clip):
    if clip is None and np.any(np.isinf(losses)):
        count = int(np.count_nonzero(np.isinf(losses)))
        what = f"{count} samples have" if losses.ndim else "Some samples have"
        warnings.warn(
            f"{what} probability 0 for their true class and an infinite loss (clip=None).",
            RuntimeWarning,
            stacklevel=3,
        )


def binary_entropy(rate):
    """Entropy in nats of a Bernoulli distribution with mean ``rate``."""
    return -float(xlogy(rate, rate) + xlogy(1 - rate, 1 - rate))


def normalized_cross_entropy(
    y_true,
    y_score,
    *,
    baseline=None,
    sample_weight=None,
    pos_label=None,
    from_logits=False,
):
    r"""Normalized cross-entropy: the loss relative to that of a base rate.

    The binary cross-entropy of the predictions divided by the entropy of a
    base rate :math:`b`, the loss of always predicting :math:`b`:

    .. math::

        \mathrm{NCE} = \frac{\mathrm{BCE}}{-b \log b - (1 - b) \log (1 - b)}.

    Lower is better; below 1 beats the constant predictor.  Also known as
    normalized entropy (He et al., 2014).  With ``baseline=None`` it equals
    ``1 - d2_log_loss_score``.

    Parameters
    ----------
    y_true : array-like of shape (n_samples,)
        Binary class labels, or 0/1 (or soft) targets.
    y_score : array-like of shape (n_samples,)
        Probabilities of the positive class, or logits when ``from_logits``.
    baseline : float, default=None
        The base rate :math:`b` in ``(0, 1)``, for example the positive rate of
        the training data; ``None`` takes the (weighted) positive rate of
        ``y_true``.
    sample_weight : array-like of shape (n_samples,), default=None
        Sample weights.
    pos_label : int, float, bool or str, default=None
        The positive class of ``y_true``.
    from_logits : bool, default=False
        Whether ``y_score`` holds logits.

    Returns
    -------
    nce : float
        The normalized cross-entropy.

    Notes
    -----
    Inputs may also be ``dask.array`` arrays (computed chunk by chunk on the
    workers, exact for chunks of any sizes) or arrays of another array-API
    namespace, such as torch tensors (computed in that namespace); all inputs
    of one call must then be of the same kind.

    References
    ----------
    .. [1] X. He et al. (2014). Practical Lessons from Predicting Clicks on Ads
       at Facebook. ADKDD'14.

    Examples
    --------
    >>> from skbce import normalized_cross_entropy
    >>> normalized_cross_entropy([0, 1, 1, 0], [0.2, 0.9, 0.6, 0.3])
    0.431...
    >>> normalized_cross_entropy([0, 1, 1, 0], [0.2, 0.9, 0.6, 0.3], baseline=0.3)
    0.489...
    """
    backend = array_backend(y_true=y_true, y_score=y_score, sample_weight=sample_weight)
    if backend is not None:  # dask or array-API inputs
        return backend.normalized_cross_entropy(
            y_true,
            y_score,
            baseline=baseline,
            sample_weight=sample_weight,
            pos_label=pos_label,
            from_logits=from_logits,
        )
    target, s, w = _prepare_bce(y_true, y_score, sample_weight, pos_label, from_logits)
    if s.ndim != 1:
        msg = f"normalized_cross_entropy takes 1-D binary data, got y_score of shape {s.shape}."
        raise ValueError(msg)
    positive = weight = None
    if baseline is None:
        t = target.codes() if isinstance(target, Target) else target
        weight = s.shape[0] if w is None else total_weight(w)
        positive = float(np.sum(t, dtype=np.float64) if w is None else weighted_sum(t, w))
    baseline = _nce_baseline(baseline, positive, weight)
    bounds = None if from_logits else clip_bounds(s.dtype)
    sums = _bce_sums(
        target, s, w, from_logits=from_logits, pos_weight=None, smoothing=0.0, bounds=bounds
    )
    _check_weight_sum(sums.weight)
    dtype = s.dtype if w is None else np.result_type(s.dtype, w.dtype)
    return float(dtype.type(sums.loss / sums.weight)) / binary_entropy(baseline)


def _nce_baseline(baseline, positive, weight):
    """``baseline`` checked, or when None the positive rate ``positive / weight``."""
    if baseline is None:
        _check_weight_sum(weight)
        baseline = positive / weight
        if not 0 < baseline < 1:
            msg = (
                "y_true holds a single class, so its base rate has zero entropy; "
                "pass baseline (e.g. the positive rate of the training data)."
            )
            raise ValueError(msg)
    elif not is_number(baseline) or not 0 < baseline < 1:
        msg = f"baseline must be a float in (0, 1), got {baseline!r}."
        raise ValueError(msg)
    return baseline


# --- Brier score ------------------------------------------------------------------


def _squared_error_sums(target, P, w):
    """Sum over samples of ``w * sum_k (onehot_k - P_k)^2``, in blocks."""
    total = 0.0
    binary = P.ndim == 1
    step = BLOCK if binary else max(1, BLOCK // P.shape[1])
    for start in range(0, P.shape[0], step):
        block = slice(start, start + step)
        codes = target.codes(block)
        if binary:
            err = codes - P[block]
            per_sample = 2 * err * err  # both columns of the one-hot encoding
        else:
            Pb = P[block]
            picked = np.take_along_axis(Pb, np.asarray(codes, np.intp)[:, None], 1)[:, 0]
            per_sample = np.einsum("ij,ij->i", Pb, Pb) - 2 * picked + 1
        if w is None:
            total += float(np.add.reduce(per_sample, dtype=np.float64))
        else:
            total += weighted_sum(per_sample, w[block])
    return total


def brier_score_loss(
    y_true, y_proba, *, sample_weight=None, pos_label=None, labels=None, scale_by_half="auto"
):
    r"""Brier score: the mean squared error of predicted probabilities.

    The smaller the better, minimum zero.  A strictly proper scoring rule,
    like the log loss, but bounded: a confident miss costs 1 (binary), not
    36 nats.  For :math:`C` classes,
    :math:`\frac{1}{\sum_i w_i} \sum_i w_i \sum_c (y_{ic} - p_{ic})^2`, which
    lies in ``[0, 2]``; for binary data it is customarily halved to
    :math:`\frac{1}{\sum_i w_i} \sum_i w_i (y_i - p_i)^2` in ``[0, 1]``.
    Agrees with :func:`sklearn.metrics.brier_score_loss` (scikit-learn >= 1.7).

    Parameters
    ----------
    y_true : array-like of shape (n_samples,)
        True class labels.
    y_proba : array-like of shape (n_samples,) or (n_samples, n_classes)
        Predicted probabilities: of the positive class (1-D), or one column
        per class in sorted label order.
    sample_weight : array-like of shape (n_samples,), default=None
        Sample weights.
    pos_label : int, float, bool or str, default=None
        The positive class for 1-D ``y_proba``; by default the greater label.
    labels : array-like, default=None
        All class labels, for 2-D ``y_proba``.
    scale_by_half : bool or "auto", default="auto"
        Halve the score; ``"auto"`` halves it for two classes only.

    Returns
    -------
    score : float
        The Brier score.

    See Also
    --------
    log_loss : The logarithmic scoring rule.

    References
    ----------
    .. [1] G. W. Brier (1950). Verification of forecasts expressed in terms of
       probability. Monthly Weather Review 78(1), 1-3.

    Examples
    --------
    >>> from skbce import brier_score_loss
    >>> brier_score_loss([0, 1, 1, 0], [0.1, 0.9, 0.8, 0.3])
    0.0375
    >>> brier_score_loss(["eggs", "ham", "spam"],
    ...                  [[0.8, 0.1, 0.1], [0.2, 0.7, 0.1], [0.2, 0.2, 0.6]])
    0.146...
    """
    if not (isinstance(scale_by_half, bool | np.bool_) or scale_by_half == "auto"):
        msg = f"scale_by_half must be a bool or 'auto', got {scale_by_half!r}."
        raise InvalidParameterError(msg)
    P = check_proba(y_proba)
    n = check_lengths(y_true=y_true, y_proba=P)
    w = check_sample_weight(sample_weight, n)
    if P.ndim == 1 or P.shape[1] == 1:
        P = as_positive_column(P, "y_proba")
        target = binary_target(y_true, pos_label=pos_label, one_class=True)
        n_classes = 2
    else:
        target = check_target(y_true, labels=labels)
        if np.any(np.abs(P.sum(axis=1) - 1) > _row_sum_tolerance(P.dtype)):
            _warn_rows_do_not_sum_to_one()
        check_n_columns(target, P.shape[1], labels)
        n_classes = P.shape[1]
    weight = n if w is None else total_weight(w)
    _check_weight_sum(weight)
    score = _squared_error_sums(target, P, w) / weight
    if scale_by_half == "auto":
        scale_by_half = n_classes < 3
    return score / 2 if scale_by_half else score
