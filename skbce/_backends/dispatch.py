"""The one place that picks the library computing a loss: NumPy, Dask, or an array API.

The public metrics call :func:`loss_sums` (or :func:`loss_values`) with their
checked options.  For numpy arrays, lists and pandas objects
:func:`array_backend` answers ``None`` after a few ``isinstance`` checks, and
the numpy kernels run (:mod:`skbce._losses.numpy_sums`).  Dask arrays go to
:mod:`skbce._backends.dask` (per-chunk states reduced on the cluster); arrays
of another array-API namespace (``array_api_strict``, torch, CuPy, ...) to
:mod:`skbce._backends.array_api`, which computes in their namespace.  Every
backend returns mergeable sums, finished by :func:`skbce._losses.finish.finish`.
"""

import numpy as np

from skbce._backends import dask as _dask
from skbce._backends.array_api import Namespace
from skbce._backends.dask import is_dask_array
from skbce._losses import numpy_sums
from skbce._utils.array_namespace import (
    foreign_namespace,
    host_array,
    is_numpy_namespace,
    namespace_of,
)

__all__ = [
    "MixedLibraries",
    "array_backend",
    "follow_scores",
    "is_dask_array",
    "loss_sums",
    "loss_values",
]


class _NumPy:
    """The numpy backend, with the interface of the others."""

    @staticmethod
    def sums(options, y_true, y_score, sample_weight):
        if options.kind == "log_loss":
            return numpy_sums.log_loss_sums_of(options, y_true, y_score, sample_weight)
        return numpy_sums.bce_sums_of(options, y_true, y_score, sample_weight)

    @staticmethod
    def values(options, y_true, y_score, sample_weight):
        return numpy_sums.bce_values_of(options, y_true, y_score, sample_weight)


def _backend(options, y_true, y_score, sample_weight):
    """``(backend, y_true, y_score, sample_weight)``: the inputs in the backend's library."""
    score_name = "y_proba" if options.kind == "log_loss" else "y_score"
    try:
        backend = array_backend(y_true=y_true, **{score_name: y_score}, sample_weight=sample_weight)
    except MixedLibraries:
        y_true, y_score, sample_weight = follow_scores(y_true, y_score, sample_weight)
        backend = array_backend(y_true=y_true, **{score_name: y_score}, sample_weight=sample_weight)
    return (_NumPy if backend is None else backend), y_true, y_score, sample_weight


def follow_scores(y_true, y_score, sample_weight):
    """Inputs of several array libraries moved to that of ``y_score``.

    As scikit-learn's metrics (1.9) take them: ``y_true`` and
    ``sample_weight`` follow the scores.  Numeric labels and the weights are
    copied into the scores' library (on their device; for Dask, in the
    scores' chunks of rows); labels that library cannot hold (text), Dask
    scores of unknown chunk sizes, or numpy scores bring every input to
    numpy (Dask arrays computed).

    Examples
    --------
    >>> import numpy as np
    >>> import array_api_strict as xp
    >>> from skbce._backends.dispatch import follow_scores
    >>> y, p, w = follow_scores(np.array([0, 1]), xp.asarray([0.2, 0.7]), None)
    >>> type(y) is type(p), w is None
    (True, True)
    """
    inputs = (y_true, sample_weight)
    hosted = [_on_host(v) for v in inputs]
    text = y_true is not None and np.asarray(hosted[0]).dtype.kind not in "biuf"
    if is_dask_array(y_score) and not text and not np.isnan(sum(y_score.chunks[0])):
        from dask import array as da

        moved = [_dask_like(da, v, y_score) for v in hosted]
        return moved[0], y_score, moved[1]
    xp = foreign_namespace(y_score)
    if xp is None or text or is_dask_array(y_score):
        return hosted[0], _on_host(y_score), hosted[1]
    device = getattr(y_score, "device", None)
    moved = [v if v is None else xp.asarray(v, device=device) for v in hosted]
    return moved[0], y_score, moved[1]


def _on_host(value):
    """``value`` as numpy (Dask arrays computed); lists, tuples and None unchanged."""
    if value is None or isinstance(value, list | tuple):
        return value
    if is_dask_array(value):
        value = value.compute()
    return np.asarray(host_array(value))


def _dask_like(da, value, like):
    """``value`` (numpy, a list or None) as a Dask array in the row chunks of ``like``."""
    if value is None:
        return None
    value = np.asarray(value)
    return da.from_array(value, chunks=(like.chunks[0], *value.shape[1:]))


def loss_sums(options, y_true, y_score, sample_weight):
    """``(LossSums, dtype)`` of a loss, from whichever backend the inputs call for.

    Examples
    --------
    >>> from skbce._backends.dispatch import loss_sums
    >>> from skbce._losses.options import loss_options
    >>> sums, dtype = loss_sums(loss_options("log_loss"), [0, 1], [0.2, 0.7], None)
    >>> round(float(sums.loss / sums.weight), 4)
    0.2899
    """
    backend, *inputs = _backend(options, y_true, y_score, sample_weight)
    return backend.sums(options, *inputs)


def loss_values(options, y_true, y_score, sample_weight):
    """``(losses, n_infinite)``: per-sample weighted losses (``reduction="none"``)."""
    backend, *inputs = _backend(options, y_true, y_score, sample_weight)
    return backend.values(options, *inputs)


class MixedLibraries(ValueError):
    """Inputs of several array libraries (the losses take them: :func:`follow_scores`)."""


#: Inputs that never leave the numpy path on their own (they adopt the
#: library of the other inputs).
_PLAIN = (np.ndarray, list, tuple, np.generic)


def _type_name(value):
    cls = type(value)
    return f"{cls.__module__.split('.')[0]}.{cls.__qualname__}"


def array_backend(**arrays):
    """The backend for the named array inputs; None for the numpy path.

    Parameters
    ----------
    **arrays : array-like or None
        The inputs of a metric, by argument name.

    Returns
    -------
    backend : None, module or object
        ``None`` for numpy; otherwise an object with the functions ``sums``
        and ``values`` (the module :mod:`skbce._backends.dask` or a
        :class:`~skbce._backends.array_api.Namespace`).

    Raises
    ------
    ValueError
        When the inputs come from different array libraries (lists and
        tuples adopt the library of the other inputs).

    Examples
    --------
    >>> import numpy as np
    >>> from skbce._backends.dispatch import array_backend
    >>> array_backend(y_true=[0, 1], y_proba=np.array([0.2, 0.7])) is None
    True
    """
    for value in arrays.values():
        if value is not None and not isinstance(value, _PLAIN):
            return _foreign_backend(arrays)
    return None


def _foreign_backend(arrays):
    kinds = {}
    for name, value in arrays.items():
        if value is None or isinstance(value, list | tuple):
            continue
        if is_dask_array(value):
            kinds[name] = ("dask", None)
            continue
        xp = None if isinstance(value, np.ndarray | np.generic) else namespace_of(value)
        if xp is None or is_numpy_namespace(xp):
            kinds[name] = ("numpy", None)
        else:
            kinds[name] = (xp.__name__, xp)
    distinct = {kind for kind, _ in kinds.values()}
    if len(distinct) > 1:
        listed = ", ".join(f"{name} is a {_type_name(arrays[name])}" for name in kinds)
        msg = f"Mixing array types in one call: {listed}. Pass all arrays from the same library."
        raise MixedLibraries(msg)
    if not distinct or distinct == {"numpy"}:
        return None
    kind, xp = next(iter(kinds.values()))
    if kind == "dask":
        return _dask
    return Namespace(xp)
