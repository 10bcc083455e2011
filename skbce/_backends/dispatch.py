"""Which library computes a metric: numpy (the fast path), Dask, or an array API.

The public metrics call :func:`array_backend` first.  For numpy arrays,
lists and pandas objects it answers ``None`` after a few ``isinstance``
checks, and the numpy code runs as before.  Dask arrays go to
:mod:`skbce._backends.dask` (per-chunk sums reduced on the cluster); arrays of another
array-API namespace (``array_api_strict``, torch, CuPy, ...) to
:mod:`skbce._backends.array_api`, which computes in their namespace.
"""

import numpy as np

__all__ = ["array_backend", "is_dask_array"]

#: Inputs that never leave the numpy path on their own (they adopt the
#: library of the other inputs).
_PLAIN = (np.ndarray, list, tuple, np.generic)


def is_dask_array(value):
    """True for a :class:`dask.array.Array` (checked without importing dask)."""
    return type(value).__module__.startswith("dask.") and hasattr(value, "to_delayed")


def _type_name(value):
    cls = type(value)
    return f"{cls.__module__.split('.')[0]}.{cls.__qualname__}"


def _namespace(value):
    """The array-API namespace of ``value``, or None if it has none we can use."""
    if hasattr(value, "__array_namespace__"):
        return value.__array_namespace__()
    try:
        import array_api_compat
    except ImportError:
        return None
    if array_api_compat.is_array_api_obj(value):
        return array_api_compat.array_namespace(value)
    return None


def _is_numpy_namespace(xp):
    return xp is np or getattr(xp, "__name__", "") in ("numpy", "array_api_compat.numpy")


def array_backend(**arrays):
    """The backend for the named array inputs; None for the numpy path.

    Parameters
    ----------
    **arrays : array-like or None
        The inputs of a metric, by argument name.

    Returns
    -------
    backend : None, module or object
        ``None`` for numpy; otherwise an object with the functions
        ``log_loss``, ``binary_cross_entropy`` and
        ``normalized_cross_entropy``.

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
        xp = None if isinstance(value, np.ndarray | np.generic) else _namespace(value)
        if xp is None or _is_numpy_namespace(xp):
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
        from skbce._backends import dask as _dask

        return _dask
    from skbce._backends.array_api import Namespace

    return Namespace(xp)
