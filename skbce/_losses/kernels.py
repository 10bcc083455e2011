"""NumPy kernels of the loss family: one block in, that block's partial sums out.

Every kernel is written as a function of one block (a ``slice`` of the
samples) that allocates its own temporaries and returns the block's partial
result; :func:`skbce._losses.parallel.map_blocks` walks the blocks and the
results are added in block order.  Inputs are validated arrays (see
:mod:`skbce._utils.validation`): the kernels trust them.
"""

import math

import numpy as np

from skbce._losses.log_loss_blocks import add_parts as _add
from skbce._losses.log_loss_blocks import binary_blocks, gather_blocks, row_sum_tolerance
from skbce._losses.log_loss_blocks import weighted_sums as _weighted
from skbce._losses.parallel import map_blocks
from skbce._losses.sums import LossSums
from skbce._utils.numeric import (
    BLOCK,
    accumulator,
    clip_bounds,
    safe_sum,
    safe_weighted_sum,
)
from skbce._utils.validation import Target, check_probability_range

__all__ = [
    "bce_sums",
    "bce_values",
    "baseline_loss",
    "binary_sums",
    "elementwise_bce",
    "gather_sums",
    "logit_sums",
    "prior_log_loss_sum",
    "row_sum_tolerance",
    "squared_error_sum",
    "squared_error_sums",
]


def binary_sums(target, p, w, *, class_totals=False):
    """Log-loss sums for binary labels and 1-D probabilities of class 1.

    Returns ``(sums, p_min, p_max)``: the extremes of ``p`` come from the same
    pass, so that the range check needs no pass of its own.
    """
    sums, extremes = binary_blocks(target, p, w, class_totals=class_totals)
    return (sums, *extremes.p)


def gather_sums(target, P, w, *, class_totals=False):
    """Log-loss sums for a probability matrix, one column per class: ``(sums, rows_off)``.

    Raises if ``P`` holds values outside ``[0, 1]`` or NaN; ``rows_off`` says
    whether some rows do not sum to one.
    """
    sums, rows_off, extremes = gather_blocks(target, P, w, class_totals=class_totals)
    check_probability_range(*extremes.p, "y_proba")
    return sums, rows_off


def logit_sums(target, z, w):
    """Binary cross-entropy sums for hard labels and 1-D logits.

    ``softplus(z) - t z``, computed as ``log1p(exp(-|z|)) + relu(z) - t z``:
    exact for any finite ``z``, and ``exp`` never overflows.
    """
    acc = accumulator(z.dtype)

    def block(b):
        zb = z[b]
        a, relu = softplus_parts(zb)
        np.subtract(relu, np.multiply(target.codes(b), zb), out=relu)
        loss_a, weight = _weighted(a, w, b, acc)
        loss_m, _ = _weighted(relu, w, b, acc)
        return loss_a + loss_m, weight

    loss, weight = _add(map_blocks(block, z.shape[0], BLOCK), 2)
    return LossSums(loss, weight)


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
        from scipy.special import xlogy

        return xlogy(x, y)
    return xp.where(x == 0, xp.zeros_like(y), x * xp.log(y))


def elementwise_bce(t, s, *, from_logits=False, pos_weight=None, bounds=None, xp=None):
    """Binary cross-entropy of each element, as a new array in the dtype of ``s``.

    Parameters
    ----------
    t : ndarray
        Hard targets (0/1 or booleans) or soft targets in ``[0, 1]``;
        broadcastable against ``s``.
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
    if xp is None:
        hard = t.dtype.kind in "iub"
        tf = t.astype(s.dtype, copy=False)
        clip, log = np.clip, np.log
    else:
        hard = xp.isdtype(t.dtype, ("bool", "integral"))
        tf = xp.astype(t, s.dtype)
        clip, log = xp.clip, xp.log
    if from_logits:
        a, relu = softplus_parts(s, xp)
        if hard:  # relu((1 - 2t) z) = relu(z) - t z, exact for t in {0, 1}
            loss = a + (relu - tf * s)
        else:
            loss = tf * (a + (relu - s))
            loss = loss if pos_weight is None else loss * pos_weight
            return loss + (1 - tf) * (a + relu)
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
        return loss if xp is not None else loss.astype(s.dtype, copy=False)
    if pos_weight is not None:  # c t + (1 - t), exact for t in {0, 1} (1 + (c - 1) t cancels)
        loss = loss * (pos_weight * tf + (1 - tf))
    return loss


def _targets_of(target, b, s, smoothing):
    t = target.codes(b) if isinstance(target, Target) else target[b]
    if smoothing:
        t = t.astype(s.dtype) * (1 - smoothing) + smoothing / 2
    return t


def bce_values(target, s, w, *, smoothing=0.0, **options):
    """Per-element losses times weights (``reduction="none"``), a new array."""

    def block(b):
        loss = elementwise_bce(_targets_of(target, b, s, smoothing), s[b], **options)
        if w is not None:
            wb = w[b]
            if options["bounds"] is None and not options["from_logits"]:
                loss[wb == 0] = 0  # a sample of zero weight adds nothing, not 0 * inf
            loss *= wb if loss.ndim == 1 else wb[:, None]
        return loss

    step = max(1, BLOCK // (s.shape[1] if s.ndim == 2 else 1))
    parts = map_blocks(block, s.shape[0], step)
    return np.concatenate(parts) if parts else np.empty(s.shape, s.dtype)


def bce_sums(target, s, w, *, from_logits, pos_weight, smoothing, bounds, positives=False):
    """Sums of the binary cross-entropy of validated inputs.

    The one-log kernels serve hard labels with the default options; anything
    else goes through :func:`elementwise_bce` block by block, counting the
    samples of infinite loss (``bounds=None``).  ``positives`` adds the
    weight of each class (1-D targets) as ``class_weight``.
    """
    default_clip = from_logits or bounds == clip_bounds(s.dtype)
    simple = pos_weight is None and not smoothing and default_clip
    if simple and s.ndim == 1 and isinstance(target, Target):
        if not from_logits:
            return binary_sums(target, s, w, class_totals=positives)[0]
        sums = logit_sums(target, s, w)
    else:
        sums = _general_bce_sums(
            target,
            s,
            w,
            from_logits=from_logits,
            pos_weight=pos_weight,
            smoothing=smoothing,
            bounds=bounds,
        )
    if not positives or s.ndim != 1:
        return sums
    class_weight = np.array(_class_weights(target, w, s.shape[0]), dtype=np.float64)
    return sums._replace(class_weight=class_weight)


def _general_bce_sums(target, s, w, *, smoothing, **options):
    acc = accumulator(s.dtype)
    count_infinite = options["bounds"] is None and not options["from_logits"]

    def block(b):
        loss = elementwise_bce(_targets_of(target, b, s, smoothing), s[b], **options)
        if loss.ndim == 2:
            loss = loss.mean(axis=1, dtype=acc)
        if count_infinite and w is not None:
            loss[w[b] == 0] = 0  # a sample of zero weight adds nothing, not 0 * inf
        n_inf = int(np.count_nonzero(np.isinf(loss))) if count_infinite else 0
        total, weight = _weighted(loss, w, b, acc)
        return total, weight, n_inf

    step = max(1, BLOCK // (s.shape[1] if s.ndim == 2 else 1))
    loss, weight, n_inf = _add(map_blocks(block, s.shape[0], step), 3)
    return LossSums(loss, weight, n_infinite=int(n_inf))


def _class_weights(target, w, n):
    """Weights of the negative and of the positive targets, each summed on its own.

    Soft targets count fractionally: ``sum w (1 - t)`` and ``sum w t`` (the
    total less one of them would cancel when one weight dominates).
    """

    def block(b):
        t = target.codes(b) if isinstance(target, Target) else target[b]
        t = np.asarray(t, dtype=np.float64)
        rest = np.subtract(1.0, t)
        if w is None:
            return safe_sum(rest, np.float64), safe_sum(t, np.float64)
        return safe_weighted_sum(rest, w[b], np.float64), safe_weighted_sum(t, w[b], np.float64)

    return _add(map_blocks(block, n, BLOCK), 2)


def squared_error_sums(target, P, w):
    """``LossSums`` of ``w * sum_k (onehot_k - P_k)^2``, computed in the dtype of ``P``.

    The per-sample sum of squares is computed in the dtype of ``P`` over both
    columns of a binary problem, as scikit-learn does.
    """
    binary = P.ndim == 1
    acc = accumulator(P.dtype)

    def block(b):
        codes = target.codes(b)
        if binary and P.dtype == np.float64:  # both columns: twice the square
            per_sample = np.subtract(P[b], codes)
            np.multiply(per_sample, per_sample, out=per_sample)
            np.add(per_sample, per_sample, out=per_sample)
        elif binary:  # as scikit-learn, whose 1 - p rounds in float32 and float16
            t = codes.astype(P.dtype)
            pb = P[b]
            negative = (1 - t) - (1 - pb)
            positive = t - pb
            per_sample = negative * negative + positive * positive
        else:
            err = P[b].copy()
            rows = np.arange(err.shape[0])
            err[rows, np.asarray(codes, np.intp)] -= 1
            if P.dtype == np.float64:
                per_sample = np.einsum("ij,ij->i", err, err)
            else:  # as scikit-learn: the squares rounded to float32 or float16, then summed
                np.multiply(err, err, out=err)
                per_sample = err.sum(axis=1)
        return _weighted(per_sample.astype(P.dtype, copy=False), w, b, acc)

    step = BLOCK if binary else max(1, BLOCK // P.shape[1])
    loss, weight = _add(map_blocks(block, P.shape[0], step), 2)
    return LossSums(loss, weight)


def prior_log_loss_sum(sums):
    """Weighted log-loss sum of the constant prediction of the class frequencies.

    Computed in float64, whatever the dtype of the predictions; in the same
    weight scale as ``sums``.
    """
    weights = sums.class_weight
    prior = weights / sums.weight
    lo, hi = clip_bounds(np.dtype(np.float64))
    present = weights != 0
    return -float(np.dot(weights[present], np.log(np.clip(prior[present], lo, hi))))


def baseline_loss(negative, positive, baseline=None):
    """Mean log loss of always predicting ``baseline`` on data of these class weights.

    ``baseline=None`` predicts the data's positive rate: the loss is then the
    entropy (nats) of that rate.  Each class's share comes from its own
    weight, and the log of a share above 1/2 is the ``log1p`` of the other's:
    a class 1e16 times heavier than the other still gives the loss to
    rounding.  A class of zero share adds nothing (``0 log 0 = 0``).

    Examples
    --------
    >>> from skbce._losses.kernels import baseline_loss
    >>> round(baseline_loss(1.0, 1.0), 6), round(baseline_loss(1.0, 1.0, 0.25), 6)
    (0.693147, 0.836988)
    """
    total = negative + positive
    shares = (negative / total, positive / total)
    loss = 0.0
    for k, share in enumerate(shares):
        if share == 0:
            continue
        if baseline is not None:
            log = math.log(baseline) if k else math.log1p(-baseline)
        else:
            log = math.log1p(-shares[1 - k]) if share > 0.5 else math.log(share)
        loss -= share * log
    return loss


def squared_error_sum(target, P, w):
    """Sum over samples of ``w * sum_k (onehot_k - P_k)^2``, as a float."""
    sums = squared_error_sums(target, P, w)
    return float(sums.loss)
