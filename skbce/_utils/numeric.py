"""Numeric helpers shared by every kernel: block size, weighted sums, clip bounds."""

import numpy as np

#: Samples per block in the kernels: 64k float64 values fill 512 KiB.
BLOCK = 1 << 16


def total_weight(w):
    """Sum of weights in float64, whatever their dtype (as :func:`numpy.average`)."""
    return float(np.add.reduce(w, dtype=np.float64))


def weighted_sum(values, w, dtype=None):
    """``sum(values * w)`` without a temporary and without BLAS.

    :func:`numpy.einsum` keeps to the calling thread; a BLAS ``dot`` may start
    threads that stall for milliseconds on a busy machine.  ``dtype`` sets the
    accumulator (by default the common dtype of the inputs, as ``dot``).
    """
    return float(np.einsum("i,i->", values, w, dtype=dtype))


def clip_bounds(dtype):
    """``(eps, 1 - eps)`` for ``dtype``: probabilities are clipped to this range."""
    eps = np.finfo(dtype).eps
    return eps, dtype.type(1) - eps


def accumulator(dtype):
    """Dtype of block sums: numpy (so scikit-learn) sums float16 in float32."""
    return np.float32 if dtype == np.float16 else dtype
