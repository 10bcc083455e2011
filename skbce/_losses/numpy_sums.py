"""The NumPy backend: validate NumPy-compatible inputs once, then sum them with the kernels.

Each function takes the checked :class:`~skbce._losses.options.LossOptions`
and the user's arrays, validates the arrays (:mod:`skbce._utils.validation`),
and returns ``(sums, dtype)``: mergeable :class:`~skbce._losses.sums.LossSums`
and the dtype the finished result is rounded to.
"""

import warnings

import numpy as np

from skbce._losses.finish import result_dtype
from skbce._losses.kernels import bce_sums, bce_values, binary_sums, gather_sums, squared_error_sums
from skbce._losses.log_loss_blocks import (
    CodesOutside,
    binary_blocks,
    gather_blocks,
    row_sum_tolerance,
)
from skbce._utils.binary_targets import (
    as_positive_column,
    binary_target,
    cross_entropy_targets,
    match_score_shape,
)
from skbce._utils.numeric import scaled_weights
from skbce._utils.options import clip_bounds_of, pos_weight_of
from skbce._utils.validation import (
    Target,
    check_label_type,
    check_labels,
    check_lengths,
    check_n_columns,
    check_proba,
    check_probability_range,
    check_sample_weight,
    check_scores,
    check_target,
    check_weight_extremes,
)

__all__ = [
    "bce_inputs",
    "bce_sums_of",
    "bce_values_of",
    "brier_sums_of",
    "log_loss_sums_of",
    "rows_off",
    "warn_rows",
]


def warn_rows(stacklevel=5):
    """Warn, as scikit-learn does, that rows of probabilities do not sum to one."""
    warnings.warn(
        "The rows of y_proba do not sum to one. Make sure to pass "
        "probabilities (predict_proba), with one column per class.",
        UserWarning,
        stacklevel=stacklevel,
    )


def rows_off(P):
    """Whether a row of the probability matrix ``P`` is off one by more than scikit-learn allows.

    Examples
    --------
    >>> import numpy as np
    >>> from skbce._losses.numpy_sums import rows_off
    >>> rows_off(np.array([[0.2, 0.8], [0.5, 0.5]])), rows_off(np.array([[0.2, 0.7]]))
    (False, True)
    """
    return bool(np.any(np.abs(P.sum(axis=1) - 1) > row_sum_tolerance(P.dtype)))


def log_loss_sums_of(options, y_true, y_proba, sample_weight):
    """``(sums, dtype)`` of :func:`skbce.log_loss`; class weights if asked.

    Integer labels that are the column indices ``0 .. K - 1`` (the common
    case) are checked by the kernel's own pass over the data
    (:func:`_code_sums`); other labels are found first (:func:`_label_sums`).
    """
    P = check_proba(y_proba, check_range=False)
    n = check_lengths(y_true=y_true, y_proba=P)
    w = check_sample_weight(sample_weight, n, check_values=False)
    dtype = result_dtype(P.dtype, None if w is None else w.dtype)
    if P.ndim == 2 and P.shape[1] == 1:
        P = P[:, 0]
    sums = _code_sums(options, y_true, P, w)
    if sums is None:
        check_sample_weight(sample_weight, n)
        sums = _label_sums(options, y_true, P, w)
    return sums, dtype


def _code_sums(options, y_true, P, w):
    """Sums if ``y_true`` holds the integer codes ``0 .. K - 1`` of the columns, else None.

    The kernel assumes it and its blocks check it, with the weights and the
    probabilities, in the same pass; the checks then raise the errors that
    validating first would have raised, in the same order.  None (after at
    most a few blocks when a code is out of range) lets the caller validate
    first.
    """
    if options.labels is not None or not isinstance(y_true, np.ndarray):
        return None
    if y_true.ndim != 1 or y_true.dtype.kind not in "iub":
        return None
    k = 2 if P.ndim == 1 else P.shape[1]
    target = Target(classes=np.arange(k), y=y_true, encoded=True)
    totals = options.class_totals
    try:
        if P.ndim == 1:
            sums, found = binary_blocks(target, P, w, class_totals=totals, check_codes=True)
        else:
            sums, off, found = gather_blocks(
                target, P, w, class_totals=totals, check_codes=True
            )
    except CodesOutside:
        return None
    if w is not None:
        check_weight_extremes(*found.w, sums.weight)
        if scaled_weights(np.array(found.w))[1] != 0:
            return None
    if not found.every_class:
        return None
    check_probability_range(*found.p, "y_proba")
    if P.ndim == 2 and off:
        warn_rows()
    return sums


def _label_sums(options, y_true, P, w):
    """Sums of validated weights, for labels found (and checked) before the kernel."""
    labels = options.labels
    target = check_target(y_true, labels=labels)
    w, scale = scaled_weights(w)
    totals = options.class_totals
    if P.ndim == 1:
        check_n_columns(target, 2, labels)
        sums, p_min, p_max = binary_sums(target, P, w, class_totals=totals)
        check_probability_range(p_min, p_max, "y_proba")
    else:
        if target.n_classes != P.shape[1]:
            # scikit-learn checks the values and warns about the rows first.
            check_probability_range(P.min(), P.max(), "y_proba")
            if rows_off(P):
                warn_rows()
            check_n_columns(target, P.shape[1], labels)
        sums, off = gather_sums(target, P, w, class_totals=totals)
        if off:
            warn_rows()
    return sums._replace(scale=scale)


def bce_inputs(
    options, y_true, y_score, sample_weight, score_name="y_score", *, non_negative=False
):
    """Validated ``(target, s, w, kernel_options)`` of a binary cross-entropy."""
    s = check_scores(y_score, from_logits=options.from_logits, name=score_name)
    target = cross_entropy_targets(y_true, pos_label=options.pos_label)
    y_shape = target.y.shape if isinstance(target, Target) else target.shape
    s = match_score_shape(s, y_shape, score_name)
    w = check_sample_weight(sample_weight, y_shape[0], non_negative=non_negative)
    n_labels = s.shape[1] if s.ndim == 2 else None
    kernel_options = {
        "from_logits": options.from_logits,
        "pos_weight": pos_weight_of(options.pos_weight, n_labels, s.dtype),
        "bounds": None if options.from_logits else clip_bounds_of(options.clip, s.dtype),
    }
    return target, s, w, kernel_options


def bce_sums_of(options, y_true, y_score, sample_weight):
    """``(sums, dtype)`` of :func:`skbce.binary_cross_entropy` (mean or sum).

    With ``options.class_totals`` the sums carry the weight of each class,
    and the scores must be 1-D (as :func:`skbce.normalized_cross_entropy`).
    """
    target, s, w, kernel_options = bce_inputs(options, y_true, y_score, sample_weight)
    if options.class_totals and s.ndim != 1:
        msg = f"normalized_cross_entropy takes 1-D binary data, got y_score of shape {s.shape}."
        raise ValueError(msg)
    dtype = result_dtype(s.dtype, None if w is None else w.dtype)
    w, scale = scaled_weights(w)
    sums = bce_sums(
        target,
        s,
        w,
        smoothing=options.label_smoothing,
        positives=options.class_totals,
        **kernel_options,
    )
    return sums._replace(scale=scale), dtype


def bce_values_of(options, y_true, y_score, sample_weight):
    """``(losses, n_infinite)`` of :func:`skbce.binary_cross_entropy` (``"none"``)."""
    target, s, w, kernel_options = bce_inputs(options, y_true, y_score, sample_weight)
    out = bce_values(target, s, w, smoothing=options.label_smoothing, **kernel_options)
    return out, int(np.count_nonzero(np.isinf(out)))


def brier_sums_of(options, y_true, y_proba, sample_weight, labels=None):
    """``(sums, dtype, n_classes)`` of :func:`skbce.brier_score_loss`.

    ``labels`` (the user's, unchecked) serve a probability matrix only:
    scikit-learn ignores them for 1-D probabilities.
    """
    P = check_proba(y_proba)
    n = check_lengths(y_true=y_true, y_proba=P)
    w = check_sample_weight(sample_weight, n)
    if P.ndim == 1 or P.shape[1] == 1:
        P = as_positive_column(P, "y_proba")
        target = binary_target(y_true, pos_label=options.pos_label, one_class=True)
        n_classes = 2
    else:
        check_label_type(labels)
        labels = check_labels(labels)
        target = check_target(y_true, labels=labels)
        if rows_off(P):
            warn_rows()
        check_n_columns(target, P.shape[1], labels)
        n_classes = P.shape[1]
    dtype = result_dtype(P.dtype, None if w is None else w.dtype)
    w, scale = scaled_weights(w)
    return squared_error_sums(target, P, w)._replace(scale=scale), dtype, n_classes
