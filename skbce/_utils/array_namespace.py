"""Arrays of other libraries than numpy: their namespace, and numpy copies of them.

Arrays of an array-API namespace (``array_api_strict``, torch, CuPy, ...; torch
through ``array_api_compat``) are summed in their namespace by the loss
backends.  The functions written for numpy only (the Brier score, the
calibration report, the breakdown, the streaming states) take them through
:func:`host_array`, so that they give the numpy result whatever
scikit-learn's ``array_api_dispatch`` says.
"""

import numpy as np

__all__ = ["foreign_namespace", "host_array", "namespace_of"]

#: Floating dtypes numpy keeps; other floating dtypes (bfloat16) become float64.
_KEPT_FLOATS = ("float64", "float32", "float16")


def namespace_of(value):
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


def is_numpy_namespace(xp):
    """Whether ``xp`` is numpy (or its ``array_api_compat`` wrapper)."""
    return xp is np or getattr(xp, "__name__", "") in ("numpy", "array_api_compat.numpy")


def foreign_namespace(value):
    """The namespace of an array of another array-API library than numpy, else None.

    None for numpy arrays and scalars, lists, pandas objects and Dask arrays
    (which numpy converts, computing them).
    """
    if value is None or isinstance(value, np.ndarray | np.generic | list | tuple | str | bytes):
        return None
    if type(value).__module__.startswith(("dask.", "pandas.")):
        return None
    xp = namespace_of(value)
    return None if xp is None or is_numpy_namespace(xp) else xp


def host_array(value):
    """A numpy array of an array of another array library; anything else unchanged.

    Torch tensors are detached from autograd and moved to the CPU; floating
    dtypes numpy lacks (bfloat16) become float64, as the numpy path makes
    any floating dtype other than float64, float32 and float16.

    Examples
    --------
    >>> import array_api_strict as xp
    >>> from skbce._utils.array_namespace import host_array
    >>> host_array(xp.asarray([0.25, 0.5]))
    array([0.25, 0.5 ])
    >>> host_array([1, 2])
    [1, 2]
    """
    xp = foreign_namespace(value)
    if xp is None:
        return value
    if callable(getattr(value, "detach", None)):  # torch: leave the autograd graph
        value = value.detach()
    if callable(getattr(value, "cpu", None)):  # torch: a copy only from another device
        value = value.cpu()
    kept = [getattr(xp, name, None) for name in _KEPT_FLOATS]
    if xp.isdtype(value.dtype, "real floating") and value.dtype not in kept:
        value = xp.astype(value, xp.float64)
    try:
        return np.from_dlpack(value)
    except (AttributeError, BufferError, RuntimeError, TypeError, ValueError):
        return np.asarray(value)
