"""Option validators: one function per option, shared by every entry point.

Each validator takes the user's value, raises ``ValueError`` (or
:class:`~skbce._utils.validation.InvalidParameterError`) with a message that
names the option and the offending value, and returns the checked value.
"""

import numbers
import warnings

import numpy as np

from skbce._utils.numeric import clip_bounds


class InvalidParameterError(ValueError, TypeError):
    """A parameter has the wrong type or an invalid value.

    Subclasses both :class:`ValueError` and :class:`TypeError`, as
    scikit-learn's own parameter errors do, so code written for either
    keeps working.
    """


def is_number(value):
    """True for real numbers (not bools)."""
    return isinstance(value, numbers.Real) and not isinstance(value, bool | np.bool_)


#: Default of the deprecated ``y_pred`` keyword (scikit-learn 1.9 renamed it ``y_proba``).
DEPRECATED = "deprecated"


def renamed_y_proba(y_proba, y_pred):
    """``y_proba``, or the deprecated ``y_pred`` keyword, as scikit-learn 1.9 takes them.

    scikit-learn 1.9 renamed ``y_pred`` of ``log_loss`` and
    ``d2_log_loss_score`` to ``y_proba``; it still accepts ``y_pred=`` with a
    ``FutureWarning``, and refuses both at once.
    """
    if isinstance(y_pred, str) and y_pred == DEPRECATED:
        return y_proba
    if y_proba is not None:
        msg = (
            "Cannot use both `y_pred` and `y_proba`. `y_pred` is deprecated, "
            "use `y_proba` instead."
        )
        raise ValueError(msg)
    warnings.warn(
        "`y_pred` was renamed to `y_proba` in version 1.9 and will be removed in 1.11. "
        "Use `y_proba` instead.",
        FutureWarning,
        stacklevel=3,
    )
    return y_pred


# --- options of the losses ----------------------------------------------------------


def check_bool(value, name):
    """Return ``value`` if it is a boolean, else raise naming ``name``."""
    if not isinstance(value, bool | np.bool_):
        msg = f"{name} must be a bool, got {value!r} of type {type(value).__name__}."
        raise InvalidParameterError(msg)
    return bool(value)


def check_choice(value, name, choices):
    """Return ``value`` if it is one of ``choices``, else raise naming ``name``."""
    if not isinstance(value, str) or value not in choices:
        msg = f"{name} must be one of {list(choices)}, got {value!r}."
        raise ValueError(msg)
    return value


def check_clip(clip):
    """Return ``clip`` checked: ``'dtype'``, a float in (0, 0.5) or None."""
    if clip is None:
        return None
    if isinstance(clip, str):
        return check_choice(clip, "clip", ["dtype"])
    if not is_number(clip) or not 0 < clip < 0.5:
        msg = f"clip must be 'dtype', None or a float in (0, 0.5), got {clip!r}."
        raise ValueError(msg)
    return float(clip)


def clip_bounds_of(clip, dtype):
    """``(lo, hi)`` bounds of a checked ``clip`` in ``dtype``, or None for no clipping.

    A float ``clip`` that rounds to 0, or to a ``1 - clip`` that rounds to 1,
    in ``dtype`` would clip nothing and give infinite losses: refused.
    """
    if clip is None:
        return None
    if clip == "dtype":
        return clip_bounds(dtype)
    lo, hi = dtype.type(clip), dtype.type(1) - dtype.type(clip)
    if lo == 0 or hi == 1:
        msg = (
            f"clip={clip!r} rounds to {'0' if lo == 0 else '1 - clip == 1'} in the "
            f"dtype of the data ({dtype.name}); pass a clip of at least "
            f"{np.finfo(dtype).eps} or clip='dtype'."
        )
        raise ValueError(msg)
    return lo, hi


def check_pos_weight(pos_weight):
    """Return ``pos_weight`` checked: None, a positive float or a tuple of them."""
    if pos_weight is None:
        return None
    values = [pos_weight] if isinstance(pos_weight, str | bytes) else np.ravel(pos_weight)
    if not all(is_number(value) for value in values):
        msg = f"pos_weight must be a positive number or a 1-D array of them, got {pos_weight!r}."
        raise InvalidParameterError(msg)
    try:
        c = np.asarray(pos_weight, dtype=np.float64)
    except OverflowError:  # an int beyond the range of float64
        c = np.asarray(np.inf)
    if c.ndim > 1:
        msg = f"pos_weight must be a scalar or a 1-D array, got shape {c.shape}."
        raise ValueError(msg)
    if not np.all(np.isfinite(c)) or np.any(c <= 0):
        msg = f"pos_weight must be positive and finite, got {pos_weight!r}."
        raise ValueError(msg)
    return float(c) if c.ndim == 0 else tuple(c.tolist())


def pos_weight_of(pos_weight, n_labels, dtype):
    """A checked ``pos_weight`` as an array of ``dtype`` for ``n_labels`` labels."""
    if pos_weight is None:
        return None
    c = np.asarray(pos_weight, dtype=np.float64)
    if c.ndim == 1 and c.shape[0] not in (1, n_labels or 1):
        msg = (
            f"pos_weight must be a scalar or hold one weight per label "
            f"({n_labels or 1}), got shape {c.shape}."
        )
        raise ValueError(msg)
    return c.astype(dtype)


def check_pos_label(pos_label):
    """Return ``pos_label`` if it is None or a single label (real number, bool or str).

    As scikit-learn's parameter check: bytes and complex labels are refused
    (scikit-learn refuses bytes labels in ``y_true`` too).
    """
    if pos_label is None or isinstance(pos_label, numbers.Real | str | np.bool_):
        return pos_label
    msg = (
        f"pos_label must be a single class label (int, float, bool or str), got "
        f"{pos_label!r} of type {type(pos_label).__name__}."
    )
    raise InvalidParameterError(msg)


def check_smoothing(label_smoothing):
    """Return ``label_smoothing`` as a float in [0, 1], else raise naming it."""
    if not is_number(label_smoothing) or not 0 <= label_smoothing <= 1:
        msg = f"label_smoothing must be a float in [0, 1], got {label_smoothing!r}."
        raise ValueError(msg)
    return float(label_smoothing)


# --- options of the calibration report -------------------------------------------------


def check_n_bins(n_bins, n_samples, name="n_bins"):
    """Return ``n_bins`` as an int in ``[1, n_samples]``, else raise naming it."""
    if not isinstance(n_bins, numbers.Integral) or isinstance(n_bins, bool | np.bool_):
        msg = f"{name} must be an integer, got {n_bins!r}."
        raise ValueError(msg)
    if n_bins < 1:
        msg = f"{name} must be at least 1, got {n_bins}."
        raise ValueError(msg)
    if n_bins > n_samples:
        msg = f"{name}={n_bins} is larger than the number of samples ({n_samples})."
        raise ValueError(msg)
    return int(n_bins)


def check_strategy(strategy):
    """Return ``"uniform"``, ``"quantile"`` or the validated array of edges."""
    if isinstance(strategy, str):
        if strategy not in ("uniform", "quantile"):
            msg = (
                "strategy must be 'uniform', 'quantile' or an array of bin edges, "
                f"got {strategy!r}."
            )
            raise ValueError(msg)
        return strategy
    return check_bin_edges(strategy, "strategy")


def check_bin_edges(edges, name="bin_edges"):
    """Return ``edges`` as a float64 array of increasing bin edges within [0, 1]."""
    try:
        array = np.asarray(edges, dtype=np.float64)
    except (TypeError, ValueError) as exc:
        msg = f"{name} must be an array of bin edges within [0, 1], got {edges!r}."
        raise ValueError(msg) from exc
    if array.ndim != 1 or array.shape[0] < 2:
        msg = f"{name} must hold at least 2 bin edges in a 1-D array, got shape {array.shape}."
        raise ValueError(msg)
    if not np.all(np.isfinite(array)) or array[0] < 0 or array[-1] > 1:
        msg = f"{name} bin edges must lie within [0, 1], got {array.tolist()}."
        raise ValueError(msg)
    if np.any(np.diff(array) <= 0):
        msg = f"{name} bin edges must be strictly increasing, got {array.tolist()}."
        raise ValueError(msg)
    return array


def check_confidence_level(confidence_level):
    """Return ``confidence_level`` as a float in ``(0, 1)``, else raise naming it."""
    ok = isinstance(confidence_level, numbers.Real) and not isinstance(
        confidence_level, bool | np.bool_
    )
    if not ok or not 0 < confidence_level < 1:
        msg = f"confidence_level must be a number in (0, 1), got {confidence_level!r}."
        raise ValueError(msg)
    if not 0.5 + float(confidence_level) / 2 < 1.0:  # the normal quantile would be infinite
        msg = f"confidence_level={confidence_level!r} is too close to 1: at most 1 - 2**-52."
        raise ValueError(msg)
    return float(confidence_level)


def check_seed(random_state):
    """``random_state`` if it can seed the draws, else raise naming it.

    None, an int in ``[0, 2**32)`` or a RandomState can (scikit-learn's rule).
    """
    if random_state is None or isinstance(random_state, np.random.RandomState):
        return random_state
    ok = isinstance(random_state, numbers.Integral) and not isinstance(
        random_state, bool | np.bool_
    )
    if not ok or not 0 <= random_state < 2**32:
        msg = (
            "random_state must be None, an int in [0, 2**32 - 1] or a numpy RandomState, "
            f"got {random_state!r}."
        )
        raise ValueError(msg)
    return int(random_state)


def check_baseline(baseline, n_classes=2):
    """Validate ``baseline``: a rate in (0, 1), or class priors for multiclass.

    Returns ``None``, a float (binary) or a float64 array of shape
    ``(n_classes,)`` that sums to one (multiclass).
    """
    if baseline is None:
        return None
    if n_classes == 2 and np.ndim(baseline) == 0:
        ok = isinstance(baseline, numbers.Real) and not isinstance(baseline, bool | np.bool_)
        if not ok or not 0 < baseline < 1:
            msg = f"baseline must be a probability in (0, 1), got {baseline!r}."
            raise ValueError(msg)
        return float(baseline)
    try:
        prior = np.asarray(baseline, dtype=np.float64)
    except (TypeError, ValueError) as exc:
        msg = f"baseline must be a probability or class priors, got {baseline!r}."
        raise ValueError(msg) from exc
    if prior.shape != (n_classes,):
        msg = f"baseline must hold one prior per class ({n_classes}), got shape {prior.shape}."
        raise ValueError(msg)
    if not np.all((prior > 0) & (prior < 1)) or abs(prior.sum() - 1) > 1e-8:
        msg = f"baseline class priors must lie in (0, 1) and sum to one, got {prior.tolist()}."
        raise ValueError(msg)
    return prior if n_classes > 2 else float(prior[1])


def positive_rate(baseline, classes):
    """The positive class's rate from a binary ``baseline``: a rate, or two priors.

    Two priors follow the sorted labels (as the columns of ``predict_proba``):
    the positive class's is the first when it is the smaller label
    (``pos_label=0`` of 0/1 labels), the second otherwise.  ``classes`` holds
    the negative then the positive class.

    Examples
    --------
    >>> from skbce._utils.options import positive_rate
    >>> positive_rate([0.3, 0.7], [1, 0]), positive_rate([0.3, 0.7], ["a", "b"])
    (0.3, 0.7)
    """
    rate = check_baseline(baseline)  # validated: a rate, or two priors (then the second's)
    if rate is None or np.ndim(baseline) == 0:
        return rate
    negative, positive = list(classes)
    if positive == min(negative, positive):
        return float(np.asarray(baseline, dtype=np.float64)[0])
    return rate


def check_response_method(response_method):
    """Return the estimator methods ``response_method`` reads, in order of preference.

    ``"auto"`` reads ``predict_proba``, else ``decision_function``; the other
    values read that one method.  Shared by the scorers and the report.
    """
    methods = {
        "auto": ("predict_proba", "decision_function"),
        "predict_proba": ("predict_proba",),
        "decision_function": ("decision_function",),
    }
    if not isinstance(response_method, str) or response_method not in methods:
        msg = f"response_method must be one of {list(methods)}, got {response_method!r}."
        raise InvalidParameterError(msg)
    return methods[response_method]


def check_n_resamples(n_resamples):
    """Return ``n_resamples`` as an int ``>= 0`` (0 turns resampling off), else raise naming it."""
    integral = isinstance(n_resamples, numbers.Integral)
    if not integral or isinstance(n_resamples, bool | np.bool_) or n_resamples < 0:
        msg = f"n_resamples must be an integer >= 0 (0: no resampling), got {n_resamples!r}."
        raise ValueError(msg)
    return int(n_resamples)
