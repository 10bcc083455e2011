"""Input checking and conversion: the one place where user inputs are validated.

Public functions call these helpers once, at the edge; the kernels trust what they receive.
"""

import re
import warnings
from dataclasses import dataclass

import numpy as np

from skbce._utils.array_namespace import host_array
from skbce._utils.numeric import native_byte_order
from skbce._utils.options import InvalidParameterError, check_bool

__all__ = [
    "InvalidParameterError",
    "Target",
    "check_proba",
    "check_sample_weight",
    "check_target",
    "n_samples_of",
    "validate_multiclass",
]

#: Probability dtypes kept as they are; anything else becomes float64.
FLOAT_DTYPES = (np.float64, np.float32, np.float16)

#: Most distinct labels found by repeated comparison before falling back to a sort.
_PEEL_LIMIT = 8


def check_array(array, *, input_name, **kwargs):
    """:func:`sklearn.utils.check_array`, with errors that name the argument.

    An array it would return unchanged is returned without importing it (scoring
    a file does not load scikit-learn; the helpers below import it on use).
    Arrays of other array libraries (torch, ...) are converted to numpy first
    (:func:`~skbce._utils.array_namespace.host_array`).
    """
    array = host_array(array)
    if _accepted_as_is(array, kwargs):
        return array
    from sklearn.utils import check_array as sklearn_check_array

    return _naming(input_name, sklearn_check_array, array, input_name=input_name, **kwargs)


def _accepted_as_is(array, kwargs):
    """A non-empty 1-D or 2-D ndarray of an accepted dtype, with nothing else to check."""
    dtype = kwargs.get("dtype")
    plain = type(array) is np.ndarray and 1 <= array.ndim <= 2 and 0 not in array.shape
    if not plain or kwargs != {"ensure_2d": False, "dtype": dtype, "ensure_all_finite": False}:
        return False
    numeric = dtype == "numeric" and array.dtype.kind in "biuf"
    # ``in`` compares dtypes: a big-endian float32 is not float32 (scikit-learn converts
    # it to float64, and so computes in float64)
    return numeric or (isinstance(dtype, list) and array.dtype in dtype)


def _naming(name, func, *args, **kwargs):
    """Call a scikit-learn helper; prefix ``name`` to its error messages."""
    try:
        return func(*args, **kwargs)
    except (ValueError, TypeError) as exc:
        if re.search(rf"(?<!\w){re.escape(name)}(?!\w)", str(exc)):  # named as a word
            raise
        raise type(exc)(f"{name}: {exc}") from exc


def type_of_target(y, name):
    """:func:`sklearn.utils.multiclass.type_of_target`, errors naming ``name``."""
    from sklearn.utils.multiclass import type_of_target as sklearn_type_of_target

    return _naming(name, sklearn_type_of_target, y, input_name=name)


def unique_labels(y, name):
    """:func:`sklearn.utils.multiclass.unique_labels`, errors naming ``name``."""
    from sklearn.utils.multiclass import unique_labels as sklearn_unique_labels

    return _naming(name, sklearn_unique_labels, y)


def check_array_like(value, name, *, allow_none=False):
    if value is None and allow_none:
        return
    if hasattr(value, "tocsr") or hasattr(value, "todense"):  # scipy.sparse
        msg = (
            f"{name} must be a dense array-like, got a sparse {type(value).__name__}; "
            "convert it with .toarray()."
        )
        raise InvalidParameterError(msg)
    if isinstance(value, np.matrix):  # refused by scikit-learn: its rows stay 2-D
        msg = f"{name}: np.matrix is not supported; convert it with np.asarray."
        raise InvalidParameterError(msg)
    is_array_like = (
        hasattr(value, "__len__") or hasattr(value, "shape") or hasattr(value, "__array__")
    ) and not isinstance(value, str | bytes)
    if getattr(value, "shape", None) == ():
        is_array_like = False
    if isinstance(value, list | tuple) and value and isinstance(value[0], list | tuple):
        try:
            np.shape(value)
        except ValueError as exc:
            lengths = sorted({len(row) for row in value if hasattr(row, "__len__")})
            msg = (
                f"{name} is a ragged nested sequence (rows of lengths {lengths}); "
                "it must be rectangular."
            )
            raise ValueError(msg) from exc
    if not is_array_like or (not hasattr(value, "__len__") and np.ndim(value) == 0):
        expected = "an array-like or None" if allow_none else "an array-like"
        msg = f"{name} must be {expected}, got {value!r} of type {type(value).__name__}."
        raise InvalidParameterError(msg)


def n_samples_of(value, name):
    """Number of samples (first dimension) of an array-like named ``name``."""
    check_array_like(value, name)
    shape = getattr(value, "shape", None)
    if shape is not None:
        if len(shape) == 0:
            msg = f"{name} must be an array-like of samples, got a scalar {value!r}."
            raise InvalidParameterError(msg)
        if shape[0] is None or shape[0] != shape[0]:  # a lazy array's unknown length (NaN)
            msg = (
                f"{name} has unknown chunk sizes; call {name}.compute_chunk_sizes() "
                "(or pass lengths=True when converting from a dask DataFrame)."
            )
            raise ValueError(msg)
        return int(shape[0])
    return len(value)


def check_proba(y_proba, *, name="y_proba", check_range=True):
    """Convert probabilities to a 1-D or 2-D floating array, in native byte order.

    float64, float32 and float16 arrays are kept (no copy); others become
    float64, as in scikit-learn.  NaN and infinite values are rejected, and
    with ``check_range`` values outside ``[0, 1]``.
    """
    check_array_like(y_proba, name)
    arr = check_array(
        y_proba,
        ensure_2d=False,
        dtype=list(FLOAT_DTYPES),
        ensure_all_finite=False,
        input_name=name,
    )
    if arr.ndim == 0:  # pragma: no cover - check_array rejects scalars
        msg = f"{name} must be a 1-D or 2-D array, got a scalar."
        raise ValueError(msg)
    arr = native_byte_order(arr)
    if check_range:
        check_probability_range(arr.min(), arr.max(), name)
    return arr


def check_probability_range(lowest, highest, name):
    """Raise if the extremes of a probability array are NaN, inf or outside [0, 1].

    ``NaN`` propagates through ``min`` and ``max`` and infinities fall outside
    ``[0, 1]``, so the two extremes tell everything.
    """
    if np.isnan(lowest) or np.isnan(highest):
        msg = f"{name} contains NaN."
        raise ValueError(msg)
    if highest > 1:
        what = "infinity" if np.isinf(highest) else f"values greater than 1 (max={highest})"
        msg = f"{name} must be probabilities within [0, 1], but it contains {what}."
        raise ValueError(msg)
    if lowest < 0:
        what = "-infinity" if np.isinf(lowest) else f"values lower than 0 (min={lowest})"
        msg = f"{name} must be probabilities within [0, 1], but it contains {what}."
        raise ValueError(msg)


def check_label_type(labels):
    """Refuse ``labels`` that scikit-learn's metrics refuse as of unknown type.

    An object array whose first label is not a string (``np.array([0, 1],
    dtype=object)``) has the target type ``"unknown"`` for
    :func:`sklearn.utils.multiclass.type_of_target`, and
    :func:`sklearn.metrics.log_loss` raises; its labels as a tuple would not
    show it any more.
    """
    if not hasattr(labels, "dtype"):
        return
    values = np.asarray(labels)
    if values.dtype.kind != "O" or not values.size:
        return
    first = values.flat[0]
    if not isinstance(first, str):
        msg = (
            f"labels: Unknown label type: an object array whose first label is "
            f"{first!r} of type {type(first).__name__}; pass labels of a numeric "
            "or string dtype."
        )
        raise ValueError(msg)


class IndicatorLabels(tuple):
    """The classes ``0 .. c - 1`` declared by an indicator matrix ``labels``.

    A one-hot ``y_true`` of ``c`` columns may come with them, as in
    scikit-learn (not with 1-D labels).
    """

    __slots__ = ()


def check_labels(labels):
    """``labels`` as a tuple of labels in the given order (None stays None).

    A 2-D ``labels`` is read as scikit-learn reads it: an ``(m, 1)`` array
    (not nested lists) holds labels; an indicator matrix of ``c`` columns
    declares the classes ``0 .. c - 1`` (with scikit-learn's warning unless
    every row is ``[0, 1]``).
    """
    if labels is None:
        return None
    check_array_like(labels, "labels")
    shape = np.shape(labels)
    nested = isinstance(labels, list | tuple)
    if len(shape) == 2 and shape[0] and (shape[1] > 1 or not nested):
        values = np.asarray(labels)
        classes = np.unique(values) if shape[1] == 1 else np.arange(shape[1])
        indicator = values.dtype.kind in "biuf" and np.all((values == 0) | (values == 1))
        if shape[1] > 1 and not indicator:
            msg = f"labels of 2 dimensions must be a 0/1 indicator matrix, got {labels!r}."
            raise ValueError(msg)
        if shape != (1, 1) and not np.all(values == classes[: shape[1]]):
            msg = f"labels {values.tolist()} are read as the classes {classes.tolist()}."
            warnings.warn(msg, UserWarning, stacklevel=4)
        if shape[1] > 1:
            return IndicatorLabels(classes.tolist())
        labels = classes
    elif len(shape) != 1:
        msg = f"labels must be a 1-D array-like of class labels, got {labels!r} of shape {shape}."
        raise ValueError(msg)
    if not hasattr(labels, "tolist"):
        return tuple(labels)
    values = labels.tolist()
    kind = getattr(getattr(labels, "dtype", None), "kind", "")
    if kind and kind in "iu" and np.asarray(values).dtype.kind not in "iu":
        values = list(np.asarray(labels))  # uint64 beyond int64 as Python ints became float64
    return tuple(values)


def check_sample_weight(
    sample_weight, n_samples, *, allow_all_zero=False, non_negative=False, check_values=True
):
    """Validate ``sample_weight``; return ``None`` or a 1-D numeric array.

    The array keeps its own numeric dtype (the result dtype of a weighted
    mean follows it, as in :func:`numpy.average`).  ``allow_all_zero`` accepts
    a part of the data whose weights are all zero (streaming, dask chunks);
    the caller then checks the whole.  ``check_values=False`` checks the
    shape and type only: the caller then checks the values with
    :func:`check_weight_extremes`, from extremes found by its own pass.
    """
    if sample_weight is None:
        return None
    check_array_like(sample_weight, "sample_weight", allow_none=True)
    w = check_array(
        sample_weight,
        ensure_2d=False,
        dtype="numeric",
        ensure_all_finite=False,
        input_name="sample_weight",
    )
    if w.dtype.kind not in "biufc":
        msg = f"sample_weight must hold numbers, got an array of dtype {w.dtype}."
        raise InvalidParameterError(msg)
    if not check_values:
        check_weight_shape(w.shape, n_samples, is_complex=w.dtype.kind == "c")
        return w
    check_weight_values(
        w.shape,
        n_samples,
        is_complex=w.dtype.kind == "c",
        total=lambda: _finite_total(w),
        has_nan=lambda: np.isnan(w).any(),
        has_inf=lambda: np.isinf(w).any(),
        any_nonzero=None if allow_all_zero else lambda: np.any(w),
    )
    if non_negative and w.shape[0] and np.min(w) < 0:
        msg = f"sample_weight must be non-negative, got min={np.min(w)}."
        raise ValueError(msg)
    return w


def _finite_total(w):
    """``sum(w)``, finite for finite weights (in long double if float64 overflows)."""
    with np.errstate(over="ignore", invalid="ignore"):
        total = np.add.reduce(w, dtype=np.float64)
        if np.isinf(total) and np.all(np.isfinite(w)):
            total = np.add.reduce(w, dtype=np.longdouble)
    return total


def check_weight_values(shape, n_samples, *, is_complex, total, has_nan, has_inf, any_nonzero):
    """The checks of :func:`check_sample_weight`, on facts about the weights.

    Shared by every array library: ``total``, ``has_nan``, ``has_inf`` and
    ``any_nonzero`` are functions without arguments, called only when needed
    (``any_nonzero=None`` skips the all-zero check).
    """
    check_weight_shape(shape, n_samples, is_complex=is_complex)
    _check_weight_facts(total, has_nan, has_inf, any_nonzero)


def check_weight_extremes(low, high, total):
    """The value checks of :func:`check_sample_weight`, from facts a kernel found.

    ``low`` and ``high`` are the minimum and maximum of the weights (NaN if
    any weight is NaN, as :func:`numpy.minimum` gives it), ``total`` their
    sum: the same errors, in the same order, as :func:`check_sample_weight`.

    Examples
    --------
    >>> from skbce._utils.validation import check_weight_extremes
    >>> check_weight_extremes(0.0, 0.0, 0.0)
    Traceback (most recent call last):
    ...
    ValueError: sample_weight must contain at least one non-zero weight, got all zeros.
    """
    _check_weight_facts(
        lambda: total,
        has_nan=lambda: np.isnan(low) or np.isnan(high),
        has_inf=lambda: np.isinf(low) or np.isinf(high),
        any_nonzero=lambda: low != 0 or high != 0,
    )


def check_weight_shape(shape, n_samples, *, is_complex):
    """Raise unless the weights are real and of shape ``(n_samples,)``."""
    if len(shape) != 1:
        msg = f"sample_weight must be a 1-D array, got an array of shape {tuple(shape)}."
        raise ValueError(msg)
    if shape[0] != n_samples:
        msg = f"sample_weight has {shape[0]} elements, but there are {n_samples} samples."
        raise ValueError(msg)
    if is_complex:
        msg = "sample_weight must be real, got complex values."
        raise ValueError(msg)


def _check_weight_facts(total, has_nan, has_inf, any_nonzero):
    # One pass: a NaN or infinite weight makes the sum non-finite.
    total = float(total())
    if not np.isfinite(total):
        if has_nan():
            msg = "sample_weight contains NaN."
            raise ValueError(msg)
        if has_inf():
            msg = "sample_weight contains infinite values."
            raise ValueError(msg)
    if any_nonzero is not None and total == 0 and not any_nonzero():
        msg = "sample_weight must contain at least one non-zero weight, got all zeros."
        raise ValueError(msg)


@dataclass(frozen=True)
class Target:
    """Class labels in a form the kernels read block by block.

    Attributes
    ----------
    classes : ndarray
        Sorted class labels; column ``k`` of a probability matrix is class
        ``classes[k]``.
    y : ndarray
        One entry per sample: integer codes into ``classes`` when ``encoded``,
        else the raw labels.
    encoded : bool
        Whether ``y`` already holds codes (for binary data: 0 and 1).
    """

    classes: np.ndarray
    y: np.ndarray
    encoded: bool = False

    @property
    def n_classes(self):
        """Number of classes."""
        return len(self.classes)

    def codes(self, block=slice(None)):
        """Class codes of the samples in ``block`` (booleans for binary data)."""
        yb = self.y[block]
        if self.encoded:
            return yb
        if self.n_classes == 2:
            return equals_label(yb, self.classes[1])
        return np.searchsorted(self.classes, yb)


def equals_label(y, label):
    """Boolean array: which entries of the label array ``y`` equal ``label``.

    A text label matches no number and a number no text label, without
    numpy's elementwise comparison of mismatched types (a warning and a
    scalar on older numpy).
    """
    text = isinstance(label, str | bytes)
    if (y.dtype.kind in "iubfc" and text) or (y.dtype.kind in "US" and not text):
        return np.zeros(y.shape, dtype=bool)
    try:
        equal = np.asarray(y == label)
    except OverflowError as exc:  # an int beyond the range of the labels' dtype (bool)
        msg = f"pos_label={label!r} cannot be compared with the labels of dtype {y.dtype}."
        raise ValueError(msg) from exc
    return equal if equal.shape == y.shape else np.zeros(y.shape, dtype=bool)


def label_array(y_true):
    """An ndarray view of ``y_true`` when that cannot change its meaning."""
    y_true = host_array(y_true)
    if isinstance(y_true, np.ndarray):
        return y_true
    module = type(y_true).__module__
    if module.startswith("pandas") and hasattr(y_true, "dtype"):
        if isinstance(y_true.dtype, np.dtype) and y_true.dtype.kind in "iubUS":
            return y_true.to_numpy()
        return None
    if isinstance(y_true, list | tuple):
        arr = np.asarray(y_true)
        if arr.dtype.kind in "iub":  # strings would hide a mix of str and numbers
            return arr
    return None


def _few_unique(y):
    """Sorted distinct values of ``y`` by repeated comparison, or None if many.

    For a handful of classes this is several times faster than a sort, most of
    all for strings.
    """
    found = []
    rest = y
    while rest.size:
        if len(found) == _PEEL_LIMIT:
            return None
        value = rest[0]
        found.append(value)
        rest = rest[rest != value]
    return np.sort(np.asarray(found, dtype=y.dtype))


def _unique_int(y):
    lo, hi = int(y.min()), int(y.max())
    if y.dtype.kind == "b" or hi - lo <= 1:
        return np.unique(np.array([lo, hi], dtype=y.dtype))
    if 0 <= lo and hi < max(1 << 20, 4 * y.size):
        return np.flatnonzero(np.bincount(y)).astype(y.dtype)
    return np.unique(y)


def labels_of(y_true, name, *, nested=False):
    """Classes of a 1-D label vector, with scikit-learn's rules for targets.

    A column of labels as nested Python sequences (``[[0], [1]]``) is refused
    unless ``nested``: scikit-learn's log loss takes it only with ``labels``.
    """
    y_true = host_array(y_true)
    y = label_array(y_true)
    if y is not None and y.ndim == 1 and y.dtype.kind in "iubU" and y.size:
        classes = _unique_int(y) if y.dtype.kind in "iub" else _few_unique(y)
        if classes is None:
            classes = np.unique(y)
        return y, classes
    if not nested and isinstance(y_true, list | tuple) and np.shape(y_true)[1:] == (1,):
        # scikit-learn accepts an (n, 1) array but not nested Python sequences
        msg = f"{name} must be a flat sequence of labels, got nested sequences."
        raise ValueError(msg)
    kind = type_of_target(y_true, name)
    if kind not in ("binary", "multiclass"):
        msg = (
            f"{name} must hold class labels (binary or multiclass), got a target of type {kind!r}."
        )
        raise ValueError(msg)
    y = np.asarray(y_true)
    if y.ndim == 2:
        y = y.ravel()
    return y, unique_labels(y if nested else y_true, name)


def _from_indicator(y_true, labels, name):
    """Codes of a one-hot indicator matrix; refuse true multilabel data."""
    y = check_array(y_true, ensure_2d=True, dtype=None, input_name=name)
    positives = np.count_nonzero(y, axis=1)
    if np.any(positives != 1):
        bad = int(np.flatnonzero(positives != 1)[0])
        msg = (
            f"{name} is a multilabel indicator matrix (row {bad} has "
            f"{positives[bad]} positive labels); this metric expects one class per "
            "sample. For the elementwise binary cross-entropy of multilabel data, "
            "use skbce.binary_cross_entropy."
        )
        raise ValueError(msg)
    same_columns = isinstance(labels, IndicatorLabels) and len(labels) == y.shape[1]
    if labels is not None and not same_columns:
        msg = (
            f"labels cannot be combined with a label indicator matrix {name} (but as "
            "an indicator matrix of as many columns): its columns already are the classes."
        )
        raise ValueError(msg)
    return Target(classes=np.arange(y.shape[1]), y=np.argmax(y, axis=1), encoded=True)


def check_target(y_true, *, labels=None, name="y_true"):
    """Find the classes of ``y_true`` and encode it for the kernels.

    Follows scikit-learn's rules: the classes are the sorted distinct labels
    of ``labels`` when given (with a warning if ``labels`` is not sorted) or
    of ``y_true``; at least two classes are required; ``y_true`` must hold
    class labels (not continuous values), all within ``labels``.

    Returns
    -------
    target : Target
    """
    check_array_like(y_true, name)
    y_true = host_array(y_true)
    if labels is not None:
        check_array_like(labels, "labels")
    if np.ndim(y_true) == 2 and np.shape(y_true)[1] > 1:
        if type_of_target(y_true, name) == "multilabel-indicator":
            return _from_indicator(y_true, labels, name)
    y, classes = labels_of(y_true, name, nested=labels is not None)
    if labels is not None:
        present = classes
        label_values = np.asarray(labels)
        classes = unique_labels(labels, "labels")
        if len(classes) != len(label_values):
            msg = f"labels must not repeat a label, got {label_values.tolist()}."
            raise ValueError(msg)
        if np.any(classes != label_values):
            warnings.warn(
                f"labels {label_values.tolist()} are not sorted; the "
                f"columns of the probabilities are taken to be in the order "
                f"{classes.tolist()}. Pass labels={classes.tolist()} and make sure "
                "the columns of y_proba follow that order.",
                UserWarning,
                stacklevel=3,
            )
        known = set(classes.tolist())
        missing = [v for v in present.tolist() if v not in known]
        if missing:
            msg = f"{name} contains labels {missing} that are not in labels={classes.tolist()}."
            raise ValueError(msg)
    if len(classes) < 2:
        if labels is None:
            msg = (
                f"{name} contains only one class ({classes.tolist()[0]!r}); pass every expected "
                "class through the labels argument."
            )
        else:
            msg = f"labels must contain at least two classes, got {classes.tolist()}."
        raise ValueError(msg)
    is_range = y.dtype.kind in "iub" and classes.tolist() == list(range(len(classes)))
    return Target(classes=classes, y=y, encoded=is_range)


def check_lengths(**arrays):
    """Raise if the named arrays do not all have the same number of samples."""
    sizes = {name: n_samples_of(a, name) for name, a in arrays.items() if a is not None}
    if len(set(sizes.values())) > 1:
        listed = ", ".join(f"{name} has {n}" for name, n in sizes.items())
        msg = f"Inconsistent numbers of samples: {listed}."
        raise ValueError(msg)
    return next(iter(sizes.values()))


def check_scores(y_score, *, from_logits, name="y_score"):
    """Probabilities in ``[0, 1]``, or finite logits when ``from_logits``."""
    check_bool(from_logits, "from_logits")
    if not from_logits:
        return check_proba(y_score, name=name)
    check_array_like(y_score, name)
    z = check_array(
        y_score,
        ensure_2d=False,
        dtype=list(FLOAT_DTYPES[:2]),
        ensure_all_finite=False,
        input_name=name,
    )
    check_logit_range(z.min(), z.max(), name)
    return native_byte_order(z)


def check_logit_range(lowest, highest, name):
    """Raise if the extremes of an array of logits are NaN or infinite."""
    if np.isnan(lowest) or np.isnan(highest):
        msg = f"{name} contains NaN logits."
        raise ValueError(msg)
    if np.isinf(lowest) or np.isinf(highest):
        msg = f"{name} contains infinite logits (min={lowest}, max={highest})."
        raise ValueError(msg)


def validate_multiclass(y_true, y_proba, *, sample_weight=None, labels=None):
    """Validate class labels and a probability matrix.

    Returns
    -------
    codes : ndarray of intp
        Column index of each sample's class.
    P : ndarray of float64 of shape (n_samples, n_classes)
    w : ndarray of float64 or None
    classes : ndarray
    """
    P = check_proba(y_proba).astype(np.float64, copy=False)
    if P.ndim == 1:
        P = np.column_stack([1.0 - P, P])
    n = check_lengths(y_true=y_true, y_proba=P)
    w = check_sample_weight(sample_weight, n, non_negative=True)
    target = check_target(y_true, labels=labels)
    check_n_columns(target, P.shape[1], labels)
    codes = np.asarray(target.codes(), dtype=np.intp)
    return codes, P, None if w is None else w.astype(np.float64, copy=False), target.classes


def check_n_columns(target, n_columns, labels):
    """Raise if the number of probability columns differs from the classes."""
    if target.n_classes == n_columns:
        return
    source = "y_true" if labels is None else "labels"
    msg = (
        f"y_proba has {n_columns} columns but {source} has {target.n_classes} "
        f"classes: {target.classes.tolist()}."
    )
    if labels is None:
        msg += " Pass every class through the labels argument."
    raise ValueError(msg)
