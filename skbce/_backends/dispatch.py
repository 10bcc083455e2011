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
from skbce._utils.array_namespace import is_numpy_namespace, namespace_of

__all__ = ["array_backend", "is_dask_array", "loss_sums", "loss_values"]


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
    score_name = "y_proba" if options.kind == "log_loss" else "y_score"
    backend = array_backend(y_true=y_true, **{score_name: y_score}, sample_weight=sample_weight)
    return _NumPy if backend is None else backend


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
    backend = _backend(options, y_true, y_score, sample_weight)
    return backend.sums(options, y_true, y_score, sample_weight)


def loss_values(options, y_true, y_score, sample_weight):
    """``(losses, n_infinite)``: per-sample weighted losses (``reduction="none"``)."""
    backend = _backend(options, y_true, y_score, sample_weight)
    return backend.values(options, y_true, y_score, sample_weight)


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
        raise ValueError(msg)
    if not distinct or distinct == {"numpy"}:
        return None
    kind, xp = next(iter(kinds.values()))
    if kind == "dask":
        return _dask
    return Namespace(xp)
