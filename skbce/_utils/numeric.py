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
    accumulator (by default the common dtype of the inputs, as ``dot``, but
    float64 for float16: the products are exact, and a float16 sum would
    overflow from 65504 on).  Inputs wider than ``dtype`` (long double
    weights) are summed in their own dtype: ``einsum`` refuses to narrow them.
    """
    common = np.result_type(values, w)
    if dtype is None and common == np.float16:
        dtype = np.float64
    elif dtype is not None and not np.can_cast(common, dtype):
        dtype = common
    return float(np.einsum("i,i->", values, w, dtype=dtype))


def clip_bounds(dtype):
    """``(eps, 1 - eps)`` for ``dtype``: probabilities are clipped to this range."""
    eps = np.finfo(dtype).eps
    return eps, dtype.type(1) - eps


def float_clip_bounds(dtype):
    """:func:`clip_bounds` of ``dtype`` as Python floats (exact for float16, float32, float64).

    The calibration report computes on float64 copies of the probabilities;
    clipping them to these bounds clips as :func:`skbce.log_loss` clips the
    data in their own ``dtype``.
    """
    return tuple(float(bound) for bound in clip_bounds(np.dtype(dtype)))


def accumulator(dtype):
    """Dtype of block sums: numpy (so scikit-learn) sums float16 in float32."""
    return np.float32 if dtype == np.float16 else dtype


def safe_sum(values, acc):
    """``sum(values)`` in ``acc``; in long double if that overflows for finite values."""
    with np.errstate(over="ignore"):
        total = np.add.reduce(values, dtype=acc)
    if np.isfinite(total) or not np.all(np.isfinite(values)):
        return total
    return np.add.reduce(values, dtype=np.longdouble)


def safe_weighted_sum(values, w, dtype=None):
    """:func:`weighted_sum`, in long double if that overflows for finite values."""
    with np.errstate(over="ignore"):
        total = weighted_sum(values, w, dtype)
    if np.isfinite(total) or not np.all(np.isfinite(values)):
        return total
    wide = np.longdouble
    return np.einsum("i,i->", values.astype(wide), w.astype(wide))


#: Weights whose largest magnitude lies outside ``2 ** +-WEIGHT_RANGE`` are rescaled.
WEIGHT_RANGE = 64


def scaled_weights(w):
    """``(w * 2 ** -scale, scale)``: weights of largest magnitude near one.

    Weights are rescaled (exactly, by a power of two) only when their largest
    magnitude is beyond ``2 ** +-64``, so that sums of ``w * loss`` neither
    overflow nor underflow; then ``scale`` is the exponent, else 0.
    """
    if w is None or w.shape[0] == 0:
        return w, 0
    top = max(abs(float(np.max(w))), abs(float(np.min(w))))
    if top == 0:
        return w, 0
    scale = int(np.frexp(top)[1])
    if -WEIGHT_RANGE <= scale <= WEIGHT_RANGE:
        return w, 0
    return np.ldexp(w.astype(np.float64), -scale), scale


def native_byte_order(arr):
    """``arr`` in the machine's byte order.

    Big-endian input is converted: numpy's ufuncs refuse a non-native
    ``dtype=`` argument.
    """
    return arr if arr.dtype.isnative else arr.astype(arr.dtype.newbyteorder("="))
