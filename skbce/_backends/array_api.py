"""Array-API inputs: the losses summed in the arrays' own namespace.

For arrays of another library than numpy (``array_api_strict``, torch, CuPy,
JAX, ... through ``array_api_compat`` when they do not expose
``__array_namespace__`` themselves), the losses are computed with namespace
functions only, so the data stay where they are (on a GPU, say) and only a
few numbers come back: the extremes for the range checks, the distinct
labels, and the sums.  Validation reuses :mod:`skbce._utils.validation` on
those few numbers, so the errors are the numpy path's; the elementwise loss
is :func:`skbce._losses.kernels.elementwise_bce`.  The options arrive checked
(:class:`~skbce._losses.options.LossOptions`); the result is mergeable
:class:`~skbce._losses.sums.LossSums`, finished by the metric.

Python lists and tuples next to such arrays are read by numpy first, with
numpy's dtypes (float64 numbers, not the namespace's default float32), then
created on the device of the arrays; labels given as a list are encoded on
the host, so they may be strings.  Sums are accumulated as the numpy path
accumulates them: in the result dtype, float16 in float32.

Limits: ``y_true`` given as an array holds numbers or booleans (array
libraries have no strings) and, for :func:`skbce.log_loss`, is 1-D (no
indicator matrices).
"""

import math

import numpy as np

from skbce._losses.finish import result_dtype
from skbce._losses.kernels import elementwise_bce, row_sum_tolerance
from skbce._losses.numpy_sums import warn_rows
from skbce._losses.sums import LossSums
from skbce._utils.binary_targets import binary_target, cross_entropy_targets, match_score_shape
from skbce._utils.numeric import accumulator, clip_bounds
from skbce._utils.options import check_bool, clip_bounds_of, pos_weight_of
from skbce._utils.validation import (
    Target,
    check_array,
    check_array_like,
    check_lengths,
    check_logit_range,
    check_n_columns,
    check_probability_range,
    check_target,
    check_weight_values,
)

__all__ = ["Namespace"]

#: Namespace functions used, checked up front so that a missing one is named.
_COMMON = (
    *("asarray", "astype", "isdtype", "sum", "min", "max", "isnan", "isinf", "any"),
    *("where", "zeros_like", "logical_not"),  # zero weights (_zero_weight_zero)
)
_NEEDS = {
    "log_loss": (*_COMMON, "abs", "clip", "log", "unique_values", "reshape"),
    "binary_cross_entropy": (
        *_COMMON,
        "abs",
        "clip",
        "log",
        "log1p",
        "exp",
        "maximum",
        "mean",
        "all",
        "unique_values",
    ),
}
_NEEDS["normalized_cross_entropy"] = _NEEDS["binary_cross_entropy"]


class Namespace:
    """The loss sums bound to one array-API namespace (what the dispatch returns).

    Parameters
    ----------
    xp : module
        The array-API namespace of the inputs.

    Examples
    --------
    >>> import array_api_strict as xp
    >>> from skbce._backends.array_api import Namespace
    >>> from skbce._losses.options import loss_options
    >>> sums, dtype = Namespace(xp).sums(
    ...     loss_options("log_loss"), xp.asarray([0, 1]), xp.asarray([0.2, 0.7]), None)
    >>> round(sums.loss / sums.weight, 4)
    0.2899
    """

    def __init__(self, xp):
        self.xp = xp

    def __repr__(self):
        return f"Namespace({self.xp.__name__})"

    def sums(self, options, y_true, y_score, sample_weight):
        """``(LossSums, dtype)`` of a loss of arrays of this namespace."""
        y_true, y_score, sample_weight = _checked_inputs(options, y_true, y_score, sample_weight)
        if options.kind == "log_loss":
            return log_loss_sums(self.xp, options, y_true, y_score, sample_weight)
        return bce_sums(self.xp, options, y_true, y_score, sample_weight)

    def values(self, options, y_true, y_score, sample_weight):
        """``(losses, n_infinite)``: weighted binary cross-entropy per sample, in ``xp``."""
        xp = self.xp
        y_true, y_score, sample_weight = _checked_inputs(options, y_true, y_score, sample_weight)
        loss, _, w, _ = _bce_losses(xp, options, y_true, y_score, sample_weight)
        if w is not None:  # the product in float64, rounded once, as numpy's in-place product
            wf = xp.astype(w, xp.float64)
            wf = wf if loss.ndim == 1 else xp.reshape(wf, (-1, 1))
            product = _zero_weight_zero(xp, xp.astype(loss, xp.float64), wf) * wf
            loss = xp.astype(product, loss.dtype)
        return loss, int(xp.sum(xp.astype(xp.isinf(loss), xp.int64)))


def require(xp, function, names=None):
    """Raise naming the namespace functions ``function`` needs and ``xp`` lacks.

    ``names`` defaults to everything ``function`` always uses.
    """
    names = _NEEDS[function] if names is None else names
    missing = [name for name in names if not hasattr(xp, name)]
    if missing:
        listed = ", ".join(f"{xp.__name__}.{name}" for name in missing)
        msg = f"skbce.{function} computes in the namespace of its inputs, which lacks {listed}."
        raise TypeError(msg)


# --- conversion and validation, in the namespace --------------------------------


def _detached(*values):
    """The values, torch tensors detached from autograd (a metric is not trained on)."""
    return [v.detach() if callable(getattr(v, "detach", None)) else v for v in values]


def _checked_inputs(options, y_true, y_score, sample_weight):
    """The inputs detached, once each is known to be an array-like, as on the numpy path.

    A 0-d array (or a scalar) is refused naming it, with the numpy path's
    error, the scores first.
    """
    check_array_like(y_score, options.score_name)
    check_array_like(y_true, "y_true")
    check_array_like(sample_weight, "sample_weight", allow_none=True)
    return _detached(y_true, y_score, sample_weight)


def _device(x):
    return getattr(x, "device", None)


def _like(*values):
    """The first of ``values`` that is an array (not a list or None)."""
    return next(v for v in values if v is not None and not isinstance(v, list | tuple))


def _as_array(xp, value, like, name):
    """``value`` as an array of ``xp``; a list is read by numpy, with numpy's dtypes.

    So a list of floats is float64 (not the namespace's default float32) and
    a list of strings is refused by numpy's check, naming ``name``.  The
    array is created on the device of ``like``.
    """
    if not isinstance(value, list | tuple):
        return value
    host = check_array(
        value,
        ensure_2d=False,
        dtype="numeric",
        ensure_all_finite=False,
        ensure_min_samples=0,
        input_name=name,
    )
    return xp.asarray(host, device=_device(like))


def _host_codes(xp, target, like):
    """Class codes of a :class:`Target` found on the host, as int64 in ``xp``."""
    codes = np.asarray(target.codes(), dtype=np.int64)
    return xp.asarray(codes, device=_device(like))


def _numpy_dtype(xp, dtype):
    """The numpy floating dtype of the same precision, or None."""
    for name in ("float64", "float32", "float16"):
        if dtype == getattr(xp, name, None):
            return np.dtype(name)
    return None


def _floating(xp, x, name, *, kept):
    """``x`` in a floating dtype: ``kept`` dtypes stay, others become float64."""
    if x.ndim == 0 or x.ndim > 2:
        msg = f"{name} must be a 1-D or 2-D array, got shape {tuple(x.shape)}."
        raise ValueError(msg)
    if x.shape[0] == 0:
        msg = (
            f"{name}: Found array with 0 sample(s) (shape={tuple(x.shape)}) while a "
            "minimum of 1 is required."
        )
        raise ValueError(msg)
    if xp.isdtype(x.dtype, "complex floating"):
        msg = f"{name}: Complex data not supported."
        raise ValueError(msg)
    if _numpy_dtype(xp, x.dtype) in kept:
        return x
    return xp.astype(x, xp.float64)


def _scores(xp, y_score, *, from_logits, name):
    """Probabilities in [0, 1], or finite logits, as :func:`check_scores`."""
    check_bool(from_logits, "from_logits")
    kept = (np.float64, np.float32) if from_logits else (np.float64, np.float32, np.float16)
    s = _floating(xp, y_score, name, kept=kept)
    lowest, highest = float(xp.min(s)), float(xp.max(s))
    if from_logits:
        check_logit_range(lowest, highest, name)
    else:
        check_probability_range(lowest, highest, name)
    return s


def _to_host(xp, a):
    """A small 1-D array of ``xp`` as a numpy array (for the label checks)."""
    try:
        return np.from_dlpack(a)
    except (AttributeError, BufferError, RuntimeError, TypeError, ValueError):
        if xp.isdtype(a.dtype, "bool"):
            kind = bool
        elif xp.isdtype(a.dtype, "integral"):
            kind = int
        else:
            kind = float
        return np.array([kind(a[i]) for i in range(a.shape[0])])


def _distinct(xp, y):
    return _to_host(xp, xp.unique_values(y))


def _check_weights(xp, sample_weight, n, like):
    """:func:`check_sample_weight` in the namespace; returns the weights or None."""
    if sample_weight is None:
        return None
    w = _as_array(xp, sample_weight, like, "sample_weight")
    check_weight_values(
        tuple(w.shape),
        n,
        is_complex=xp.isdtype(w.dtype, "complex floating"),
        total=lambda: _quiet_total(xp, w),
        has_nan=lambda: bool(xp.any(xp.isnan(xp.astype(w, xp.float64)))),
        has_inf=lambda: bool(xp.any(xp.isinf(xp.astype(w, xp.float64)))),
        any_nonzero=lambda: bool(xp.any(w)),
    )
    return w


def _quiet_total(xp, w):
    """Sum of the weights in float64; ``inf`` when it overflows, without numpy's warning.

    (Weights near the float64 maximum are rescaled before the loss is summed.)
    """
    with np.errstate(over="ignore"):  # array_api_strict sums with numpy
        return float(xp.sum(xp.astype(w, xp.float64)))


def _result_dtype(xp, s, w):
    """The numpy dtype the numpy path rounds its result to."""
    dtype = _numpy_dtype(xp, s.dtype)
    if w is None:
        return result_dtype(dtype)
    if xp.isdtype(w.dtype, ("integral", "bool")):
        return result_dtype(dtype, np.int64)
    return result_dtype(dtype, _numpy_dtype(xp, w.dtype) or np.dtype(np.float64))


def _weighted_sum(xp, loss, w, dtype):
    """``(sum of w * loss, sum of w)`` as Python floats.

    Accumulated as on the numpy path: in the result dtype ``dtype``, but a
    float16 sum in float32 (:func:`skbce._utils.numeric.accumulator`) and a
    float16 weighted sum in float64 (:func:`skbce._utils.numeric.weighted_sum`).
    """
    if w is None:
        acc = getattr(xp, np.dtype(accumulator(dtype)).name)
        return float(xp.sum(xp.astype(loss, acc))), float(loss.shape[0])
    acc = xp.float64 if dtype == np.float16 else getattr(xp, dtype.name)
    wa = xp.astype(w, acc)
    total = xp.sum(_zero_weight_zero(xp, xp.astype(loss, acc), wa) * wa)
    return float(total), float(xp.sum(xp.astype(w, xp.float64)))


def _zero_weight_zero(xp, values, w):
    """``values`` with 0 where the weight is 0 (``w`` None: unchanged), to multiply by ``w``.

    A sample of zero weight adds nothing, also with an infinite loss
    (``0 * inf`` is NaN), as on the numpy path.  ``w`` weighs the rows of
    2-D ``values``.
    """
    if w is None:
        return values
    w = w if values.ndim == 1 else xp.reshape(w, (-1, 1))
    zero = xp.logical_not(w) if xp.isdtype(w.dtype, "bool") else w == 0  # no bool == int
    return xp.where(zero, xp.zeros_like(values), values)


def _scaled(xp, w):
    """Weights rescaled by a power of two, as :func:`skbce._utils.numeric.scaled_weights`."""
    if w is None:
        return None, 0
    wf = xp.astype(w, xp.float64)
    top = max(abs(float(xp.max(wf))), abs(float(xp.min(wf))))
    scale = int(np.frexp(top)[1]) if top else 0
    if -64 <= scale <= 64:
        return w, 0
    half = -scale // 2  # 2.0 ** 1062 (weights of 1e-320) overflows a Python float
    return wf * 2.0**half * 2.0 ** (-scale - half), scale


# --- the sums ------------------------------------------------------------------------


def log_loss_sums(xp, options, y_true, y_proba, sample_weight):
    """``(LossSums, dtype)`` of :func:`skbce.log_loss` for arrays of ``xp``, in ``xp``."""
    require(xp, "log_loss")
    labels = options.labels
    P = _as_array(xp, y_proba, _like(y_proba, y_true, sample_weight), "y_proba")
    P = _floating(xp, P, "y_proba", kept=(np.float64, np.float32, np.float16))
    n = check_lengths(y_true=y_true, y_proba=P)
    w = _check_weights(xp, sample_weight, n, P)
    target, codes = _label_codes(xp, y_true, labels, P)
    if P.ndim == 2 and P.shape[1] == 1:
        P = P[:, 0]
    check_probability_range(float(xp.min(P)), float(xp.max(P)), "y_proba")
    eps, one_minus_eps = (float(b) for b in clip_bounds(_numpy_dtype(xp, P.dtype)))
    if P.ndim == 1:
        check_n_columns(target, 2, labels)
        loss = elementwise_bce(codes == 1, P, bounds=(eps, one_minus_eps), xp=xp)
    else:
        tolerance = float(row_sum_tolerance(_numpy_dtype(xp, P.dtype)))
        if bool(xp.any(xp.abs(xp.sum(P, axis=1) - 1) > tolerance)):
            warn_rows()
        check_n_columns(target, P.shape[1], labels)
        loss = -xp.log(xp.clip(_gather(xp, P, codes), eps, one_minus_eps))
    dtype = _result_dtype(xp, P, w)
    w, scale = _scaled(xp, w)
    total, weight = _weighted_sum(xp, loss, w, dtype)
    sums = LossSums(total, weight, scale=scale)
    if options.class_totals:
        counts, weights = _class_totals(xp, codes, w, target.n_classes)
        sums = sums._replace(class_weight=weights, class_count=counts)
    return sums, dtype


def _label_codes(xp, y_true, labels, like):
    """``(target, codes)``: the classes of ``y_true`` and each sample's code, int64 in ``xp``.

    A list is encoded on the host by :func:`check_target`, as on the numpy
    path (so its labels may be strings); an array of ``xp`` in ``xp``, from
    its distinct values.
    """
    if isinstance(y_true, list | tuple):
        target = check_target(y_true, labels=labels)
        return target, _host_codes(xp, target, like)
    if y_true.ndim == 2 and y_true.shape[1] == 1:  # a column of labels, as numpy reads it
        y_true = xp.reshape(y_true, (-1,))
    if y_true.ndim != 1:
        msg = (
            f"y_true must hold 1-D class labels for arrays of {xp.__name__}, got shape "
            f"{tuple(y_true.shape)}."
        )
        raise ValueError(msg)
    distinct = _distinct(xp, y_true)
    target = check_target(distinct, labels=labels)
    return target, _codes(xp, y_true, target, distinct)


def _class_totals(xp, codes, w, k):
    """Number (of non-zero weight) and weight of each class, as float64 numpy arrays."""
    wf = None if w is None else xp.astype(w, xp.float64)
    counts, weights = [], []
    for c in range(k):
        hit = xp.astype(codes == c, xp.float64)
        if wf is None:
            counts.append(float(xp.sum(hit)))
            weights.append(counts[-1])
        else:
            counts.append(float(xp.sum(xp.astype((codes == c) & (wf != 0), xp.float64))))
            weights.append(float(xp.sum(hit * wf)))
    return np.array(counts), np.array(weights)


def _codes(xp, y, target, distinct):
    """Column of each sample's class, as an integer array of ``xp``.

    The codes of the ``distinct`` values of ``y`` (a numpy array of its
    dtype) are found on the host, as on the numpy path; each sample then
    looks its value up among them, in ``y``'s own dtype (labels need not fit
    that dtype: a uint8 ``y`` with ``labels=[0, 255, 256]``).
    """
    if target.encoded:
        return xp.astype(y, xp.int64)
    require(xp, "log_loss", ["searchsorted", "take"])
    values = xp.asarray(distinct.tolist(), dtype=y.dtype, device=_device(y))
    codes = np.asarray(target.codes(), dtype=np.int64)
    if callable(getattr(y, "contiguous", None)):  # torch warns on strided values (y[::2], y.T)
        y = y.contiguous()
    index = xp.searchsorted(values, y)
    return xp.take(xp.asarray(codes.tolist(), dtype=xp.int64, device=_device(y)), index)


def _gather(xp, P, codes):
    """``P[i, codes[i]]`` with ``take_along_axis``, or ``take`` on the flat array."""
    if hasattr(xp, "take_along_axis"):
        return xp.reshape(xp.take_along_axis(P, xp.reshape(codes, (-1, 1)), axis=1), (-1,))
    require(xp, "log_loss", ["take_along_axis"] if not hasattr(xp, "take") else ["arange"])
    n, k = P.shape
    offsets = xp.arange(n, dtype=xp.int64, device=_device(P)) * k
    return xp.take(xp.reshape(P, (-1,)), offsets + codes)


def _targets(xp, y, pos_label, like):
    """Targets of a cross-entropy, as :func:`cross_entropy_targets` decides.

    For an array of ``xp`` the decision rests on a few facts (extremes,
    whether all values are 0 or 1, the distinct labels) computed in ``xp``
    and checked on the host; a list is decided on the host.  Returns 0/1
    (or soft) targets in ``xp``.
    """
    if not isinstance(y, list | tuple) and math.prod(y.shape) == 0:
        cross_entropy_targets(np.empty(tuple(y.shape)), pos_label=pos_label)  # raises: empty
    if isinstance(y, list | tuple):
        target = cross_entropy_targets(y, pos_label=pos_label)
        if isinstance(target, Target):
            return _host_codes(xp, target, like)
        return xp.asarray(target, device=_device(like))
    if xp.isdtype(y.dtype, "bool") and pos_label is None:
        return y
    if pos_label is None or y.ndim == 2:
        integral = xp.isdtype(y.dtype, "integral")
        lowest, highest = float(xp.min(y)), float(xp.max(y))
        in_range = lowest >= 0 and highest <= 1
        if np.isnan(lowest) or np.isnan(highest) or in_range or y.ndim == 2:
            hard = integral or (in_range and bool(xp.all((y == 0) | (y == 1))))
            probe = [lowest, highest] if hard else [lowest, highest, 0.5]
            probe = np.array(probe, dtype=np.int64 if integral else np.float64)
            cross_entropy_targets(probe if y.ndim == 1 else probe[None, :], pos_label=pos_label)
            return y
    if y.ndim != 1:
        msg = f"y_true must be 1-D labels or a 2-D indicator matrix, got shape {tuple(y.shape)}."
        raise ValueError(msg)
    distinct = _distinct(xp, y)
    target = binary_target(distinct, pos_label=pos_label)
    # the positive label as a value of y's dtype: array_api_strict compares no int
    # array with True (pos_label=True for 0/1 labels), nor a float label with ints
    positive = distinct[distinct == target.classes[1]][:1]  # present: binary_target checked
    return y == xp.asarray(positive, dtype=y.dtype, device=_device(y))


def _bce_losses(xp, options, y_true, y_score, sample_weight):
    """Per-sample losses of the binary cross-entropy in ``xp``, not yet weighted.

    Returns ``(loss, t, w, dtype)``: the losses (averaged over the labels of
    multilabel data unless ``reduction="none"``), the targets, the checked
    weights (or None) and the result dtype.
    """
    require(xp, "binary_cross_entropy")
    s = _as_array(xp, y_score, _like(y_score, y_true, sample_weight), "y_score")
    s = _scores(xp, s, from_logits=options.from_logits, name="y_score")
    t = _targets(xp, y_true, options.pos_label, s)
    s = match_score_shape(s, tuple(t.shape))
    w = _check_weights(xp, sample_weight, t.shape[0], s)
    if options.class_totals and s.ndim != 1:
        msg = (
            "normalized_cross_entropy takes 1-D binary data, got y_score of shape "
            f"{tuple(s.shape)}."
        )
        raise ValueError(msg)
    dtype = _numpy_dtype(xp, s.dtype)
    c = pos_weight_of(options.pos_weight, s.shape[1] if s.ndim == 2 else None, dtype)
    if c is not None:
        c = xp.asarray(c.tolist(), dtype=s.dtype, device=_device(s))
    bounds = None if options.from_logits else clip_bounds_of(options.clip, dtype)
    if bounds is not None:
        bounds = (float(bounds[0]), float(bounds[1]))
    smoothing = options.label_smoothing
    tt = xp.astype(t, s.dtype) * (1 - smoothing) + smoothing / 2 if smoothing else t
    loss = elementwise_bce(
        tt, s, from_logits=options.from_logits, pos_weight=c, bounds=bounds, xp=xp
    )
    if options.reduction != "none" and loss.ndim == 2:  # the mean in the accumulator
        loss = xp.mean(xp.astype(loss, getattr(xp, np.dtype(accumulator(dtype)).name)), axis=1)
    return loss, t, w, _result_dtype(xp, s, w)


def bce_sums(xp, options, y_true, y_score, sample_weight):
    """``(LossSums, dtype)`` of :func:`skbce.binary_cross_entropy` in ``xp``."""
    loss, t, w, dtype = _bce_losses(xp, options, y_true, y_score, sample_weight)
    n_inf = 0
    if options.clip is None and not options.from_logits:
        n_inf = int(xp.sum(xp.astype(xp.isinf(_zero_weight_zero(xp, loss, w)), xp.int64)))
    w, scale = _scaled(xp, w)
    total, weight = _weighted_sum(xp, loss, w, dtype)
    class_weight = None
    if options.class_totals:  # each class's weight summed on its own (no cancellation)
        tf = xp.astype(t, xp.float64)
        wf = None if w is None else xp.astype(w, xp.float64)
        parts = (1 - tf, tf) if wf is None else ((1 - tf) * wf, tf * wf)
        class_weight = np.array([float(xp.sum(part)) for part in parts])
    return LossSums(total, weight, class_weight, n_inf, scale), dtype
