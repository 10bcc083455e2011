"""Array-API inputs: the losses computed in the arrays' own namespace.

For arrays of another library than numpy (``array_api_strict``, torch, CuPy,
JAX, ... through ``array_api_compat`` when they do not expose
``__array_namespace__`` themselves), :func:`skbce.log_loss`,
:func:`skbce.binary_cross_entropy` and :func:`skbce.normalized_cross_entropy`
compute with namespace functions only, so the data stay where they are (on a
GPU, say) and only a few numbers come back: the extremes for the range
checks, the distinct labels, and the sums.  Validation reuses
:mod:`skbce._utils.validation` on those few numbers, so the errors are the numpy
path's; the elementwise loss is :func:`skbce._metrics.losses.elementwise_bce`.

Limits: ``y_true`` holds numbers or booleans (array libraries have no
strings) and, for :func:`log_loss`, is 1-D (no indicator matrices).
"""

import numpy as np

from skbce._metrics.losses import (
    _check_weight_sum,
    _match_score_shape,
    _nce_baseline,
    _row_sum_tolerance,
    _warn_infinite,
    _warn_rows_do_not_sum_to_one,
    binary_entropy,
    clip_bounds,
    elementwise_bce,
)
from skbce._utils.options import (
    check_bool,
    check_choice,
    check_clip,
    check_pos_weight,
    check_smoothing,
)
from skbce._utils.validation import (
    binary_target,
    check_lengths,
    check_logit_range,
    check_n_columns,
    check_probability_range,
    check_target,
    check_weight_values,
    cross_entropy_targets,
)

__all__ = ["Namespace", "binary_cross_entropy", "log_loss", "normalized_cross_entropy"]

#: Namespace functions used, checked up front so that a missing one is named.
_COMMON = ("asarray", "astype", "isdtype", "sum", "min", "max", "isnan", "isinf", "any")
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
        "where",
        "zeros_like",
        "mean",
        "all",
        "unique_values",
    ),
}
_NEEDS["normalized_cross_entropy"] = _NEEDS["binary_cross_entropy"]


class Namespace:
    """The metrics bound to one array-API namespace (what the dispatch returns).

    Parameters
    ----------
    xp : module
        The array-API namespace of the inputs.

    Examples
    --------
    >>> import array_api_strict as xp
    >>> from skbce._backends.array_api import Namespace
    >>> Namespace(xp).log_loss(xp.asarray([0, 1]), xp.asarray([0.2, 0.7]))
    0.2899...
    """

    def __init__(self, xp):
        self.xp = xp

    def __repr__(self):
        return f"Namespace({self.xp.__name__})"

    def log_loss(self, *args, **kwargs):
        """:func:`log_loss` in this namespace."""
        return log_loss(self.xp, *args, **kwargs)

    def binary_cross_entropy(self, *args, **kwargs):
        """:func:`binary_cross_entropy` in this namespace."""
        return binary_cross_entropy(self.xp, *args, **kwargs)

    def normalized_cross_entropy(self, *args, **kwargs):
        """:func:`normalized_cross_entropy` in this namespace."""
        return normalized_cross_entropy(self.xp, *args, **kwargs)


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


def _device(x):
    return getattr(x, "device", None)


def _as_array(xp, value, like=None):
    """``value`` as an array of ``xp`` (lists are created on the device of ``like``)."""
    if value is None or hasattr(value, "shape") and not isinstance(value, list | tuple):
        return value
    return xp.asarray(value, device=None if like is None else _device(like))


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
        msg = f"{name}: Found array with 0 sample(s) (shape={tuple(x.shape)})."
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
    w = _as_array(xp, sample_weight, like)
    check_weight_values(
        tuple(w.shape),
        n,
        is_complex=xp.isdtype(w.dtype, "complex floating"),
        total=lambda: xp.sum(xp.astype(w, xp.float64)),
        has_nan=lambda: bool(xp.any(xp.isnan(xp.astype(w, xp.float64)))),
        has_inf=lambda: bool(xp.any(xp.isinf(xp.astype(w, xp.float64)))),
        any_nonzero=lambda: bool(xp.any(w != 0)),
    )
    return w


def _result_dtype(xp, s, w):
    """The numpy dtype the numpy path rounds its result to."""
    dtype = _numpy_dtype(xp, s.dtype)
    if w is None:
        return dtype
    wdtype = _numpy_dtype(xp, w.dtype) or np.dtype(np.float64)
    if xp.isdtype(w.dtype, ("integral", "bool")):
        return np.result_type(dtype, np.int64)
    return np.result_type(dtype, wdtype)


def _weighted_sum(xp, loss, w, dtype):
    """``(sum of w * loss, sum of w)`` as Python floats."""
    if w is None:
        return float(xp.sum(loss)), float(loss.shape[0])
    target = getattr(xp, dtype.name)
    total = xp.sum(xp.astype(loss, target) * xp.astype(w, target))
    return float(total), float(xp.sum(xp.astype(w, xp.float64)))


# --- the metrics -------------------------------------------------------------------


def log_loss(xp, y_true, y_proba, *, normalize=True, sample_weight=None, labels=None):
    """:func:`skbce.log_loss` of arrays of namespace ``xp``, computed in ``xp``.

    Examples
    --------
    >>> import array_api_strict as xp
    >>> from skbce import log_loss
    >>> log_loss(xp.asarray([0, 1, 1]), xp.asarray([0.1, 0.8, 0.6]))
    0.2797...
    """
    require(xp, "log_loss")
    check_bool(normalize, "normalize")
    P = _floating(xp, _as_array(xp, y_proba), "y_proba", kept=(np.float64, np.float32, np.float16))
    y = _as_array(xp, y_true, P)
    n = check_lengths(y_true=y, y_proba=P)
    w = _check_weights(xp, sample_weight, n, P)
    if y.ndim != 1:
        msg = (
            f"y_true must hold 1-D class labels for arrays of {xp.__name__}, got shape "
            f"{tuple(y.shape)}."
        )
        raise ValueError(msg)
    target = check_target(_distinct(xp, y), labels=labels)
    classes = target.classes.tolist()
    if P.ndim == 2 and P.shape[1] == 1:
        P = P[:, 0]
    lowest, highest = float(xp.min(P)), float(xp.max(P))
    eps, one_minus_eps = (float(b) for b in clip_bounds(_numpy_dtype(xp, P.dtype)))
    if P.ndim == 1:
        check_n_columns(target, 2, labels)
        check_probability_range(lowest, highest, "y_proba")
        loss = elementwise_bce(y == classes[1], P, bounds=(eps, one_minus_eps), xp=xp)
    else:
        check_probability_range(lowest, highest, "y_proba")
        tolerance = float(_row_sum_tolerance(_numpy_dtype(xp, P.dtype)))
        if bool(xp.any(xp.abs(xp.sum(P, axis=1) - 1) > tolerance)):
            _warn_rows_do_not_sum_to_one()
        check_n_columns(target, P.shape[1], labels)
        codes = _codes(xp, y, target)
        q = _gather(xp, P, codes)
        loss = -xp.log(xp.clip(q, eps, one_minus_eps))
    dtype = _result_dtype(xp, P, w)
    total, weight = _weighted_sum(xp, loss, w, dtype)
    if not normalize:
        return float(dtype.type(total))
    _check_weight_sum(weight)
    return float(dtype.type(total / weight))


def _codes(xp, y, target):
    """Column of each sample's class, as an integer array of ``xp``."""
    if target.encoded:
        return xp.astype(y, xp.int64)
    require(xp, "log_loss", ["searchsorted"])
    classes = xp.asarray(target.classes.tolist(), dtype=y.dtype, device=_device(y))
    return xp.astype(xp.searchsorted(classes, y), xp.int64)


def _gather(xp, P, codes):
    """``P[i, codes[i]]`` with ``take_along_axis``, or ``take`` on the flat array."""
    if hasattr(xp, "take_along_axis"):
        return xp.reshape(xp.take_along_axis(P, xp.reshape(codes, (-1, 1)), axis=1), (-1,))
    require(xp, "log_loss", ["take_along_axis"] if not hasattr(xp, "take") else ["arange"])
    n, k = P.shape
    offsets = xp.arange(n, dtype=xp.int64, device=_device(P)) * k
    return xp.take(xp.reshape(P, (-1,)), offsets + codes)


def _targets(xp, y, pos_label):
    """Targets of a cross-entropy, as :func:`cross_entropy_targets` decides.

    The decision rests on a few facts (extremes, whether all values are 0 or
    1, the distinct labels) computed in ``xp`` and checked on the host.
    Returns 0/1 (or soft) targets in ``xp``.
    """
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
    target = binary_target(_distinct(xp, y), pos_label=pos_label)
    return y == target.classes.tolist()[1]


def _prepare(xp, y_true, y_score, sample_weight, pos_label, from_logits):
    """Validated ``(t, s, w)`` in ``xp``, as :func:`skbce._metrics.losses._prepare_bce`."""
    s = _scores(xp, _as_array(xp, y_score), from_logits=from_logits, name="y_score")
    y = _as_array(xp, y_true, s)
    t = _targets(xp, y, pos_label)
    s = _match_score_shape(s, tuple(y.shape))
    w = _check_weights(xp, sample_weight, y.shape[0], s)
    return t, s, w


def binary_cross_entropy(
    xp,
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
    """:func:`skbce.binary_cross_entropy` of arrays of namespace ``xp``, in ``xp``.

    Examples
    --------
    >>> import array_api_strict as xp
    >>> from skbce import binary_cross_entropy
    >>> binary_cross_entropy(xp.asarray([0, 1, 1]), xp.asarray([-2.2, 1.4, 0.4]),
    ...                      from_logits=True)
    0.2795...
    """
    require(xp, "binary_cross_entropy")
    check_choice(reduction, "reduction", ["mean", "sum", "none"])
    smoothing = check_smoothing(label_smoothing)
    t, s, w = _prepare(xp, y_true, y_score, sample_weight, pos_label, from_logits)
    dtype = _numpy_dtype(xp, s.dtype)
    n_labels = s.shape[1] if s.ndim == 2 else None
    c = check_pos_weight(pos_weight, n_labels, dtype)
    if c is not None:
        c = xp.asarray(c.tolist(), dtype=s.dtype, device=_device(s))
    bounds = None if from_logits else check_clip(clip, dtype)
    if bounds is not None:
        bounds = (float(bounds[0]), float(bounds[1]))
    if smoothing:
        t = xp.astype(t, s.dtype) * (1 - smoothing) + smoothing / 2
    loss = elementwise_bce(t, s, from_logits=from_logits, pos_weight=c, bounds=bounds, xp=xp)
    if reduction != "none" and loss.ndim == 2:
        loss = xp.mean(loss, axis=1)
    if w is not None:
        wl = xp.astype(w, loss.dtype)
        loss = loss * (wl if loss.ndim == 1 else xp.reshape(wl, (-1, 1)))
    if reduction == "none":
        count = int(xp.sum(xp.astype(xp.isinf(loss), xp.int64)))
        if count:
            _warn_infinite(np.full(count, np.inf), clip)
        return loss
    total = float(xp.sum(loss))
    _warn_infinite(np.array(total), clip)
    weight = float(s.shape[0]) if w is None else float(xp.sum(xp.astype(w, xp.float64)))
    out_dtype = _result_dtype(xp, s, w)
    if reduction == "sum":
        return float(out_dtype.type(total))
    _check_weight_sum(weight)
    return float(out_dtype.type(total / weight))


def normalized_cross_entropy(
    xp, y_true, y_score, *, baseline=None, sample_weight=None, pos_label=None, from_logits=False
):
    """:func:`skbce.normalized_cross_entropy` of arrays of namespace ``xp``, in ``xp``.

    Examples
    --------
    >>> import array_api_strict as xp
    >>> from skbce import normalized_cross_entropy
    >>> normalized_cross_entropy(xp.asarray([0, 1, 1, 0]), xp.asarray([0.2, 0.9, 0.6, 0.3]))
    0.431...
    """
    require(xp, "normalized_cross_entropy")
    t, s, w = _prepare(xp, y_true, y_score, sample_weight, pos_label, from_logits)
    if s.ndim != 1:
        msg = (
            "normalized_cross_entropy takes 1-D binary data, got y_score of shape "
            f"{tuple(s.shape)}."
        )
        raise ValueError(msg)
    positive = weight = None
    if baseline is None:
        tf = xp.astype(t, xp.float64)
        if w is None:
            weight, positive = float(s.shape[0]), float(xp.sum(tf))
        else:
            wf = xp.astype(w, xp.float64)
            weight, positive = float(xp.sum(wf)), float(xp.sum(tf * wf))
    baseline = _nce_baseline(baseline, positive, weight)
    loss = binary_cross_entropy(xp, t, s, from_logits=from_logits, sample_weight=w)
    return loss / binary_entropy(baseline)
