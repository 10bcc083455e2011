"""One sort serves every statistic that needs order.

The probabilities are sorted together with the labels as one integer key: the
bits of a non-negative float64 order like the float, so
``(bits(p) << 1) | (1 - y)`` sorts by ``p`` and, within ties, puts the
positives first.  The sorted ``p`` and ``y`` are read back from the key, so
the unweighted case needs no ``argsort``.
"""

import numpy as np

from skbce._calibration.blocks import block_slices

__all__ = ["sort_by_prediction", "sort_keys", "sort_keys_of"]


def sort_by_prediction(t, p, w=None):
    """Sort by prediction, positives first within ties; return ``(p, y, w)``.

    Parameters
    ----------
    t : ndarray of float64
        Labels, 1.0 for the positive class, 0.0 for the negative one.
    p : ndarray of float64
        Probabilities of the positive class, in ``[0, 1]``.
    w : ndarray of float64 or None
        Sample weights.

    Returns
    -------
    p_sorted : ndarray of float64
    y_sorted : ndarray of bool
    w_sorted : ndarray of float64 or None
        Samples of zero weight are left out: they change no statistic.

    Examples
    --------
    >>> import numpy as np
    >>> from skbce._calibration.sorting import sort_by_prediction
    >>> p, y, w = sort_by_prediction(np.array([0.0, 1.0, 1.0]), np.array([0.7, 0.2, 0.7]))
    >>> p.tolist(), y.tolist(), w
    ([0.2, 0.7, 0.7], [True, True, False], None)
    """
    return sort_keys(sort_keys_of(t, p, w))


def sort_keys_of(t, p, w=None):
    """The integer sort keys ``(bits(p) << 1) | (1 - y)`` and the weights.

    Returns a list ``[keys, w]`` for :func:`sort_keys`, which takes the arrays
    out of it: once the caller drops ``t`` and ``p``, the sort needs no
    memory beyond the keys, the permutation and the sorted weights.
    """
    if w is not None and not np.all(w):
        keep = w != 0
        t, p, w = t[keep], p[keep], w[keep]
    bits = np.add(p, 0.0).view(np.int64)  # a copy, with -0.0 turned into +0.0
    bits <<= 1  # p <= 1.0 has its bits below 2**62: no overflow
    np.bitwise_or(bits, t == 0, out=bits)  # negatives after positives in ties
    return [bits, w]


def sort_keys(keys_and_weights):
    """Sort the output of :func:`sort_keys_of` (emptying it); ``(p, y, w)`` sorted."""
    w = keys_and_weights.pop()
    bits = keys_and_weights.pop()
    n = bits.shape[0]
    if w is None:
        bits.sort()
        w_sorted = None
    else:
        order = np.argsort(bits)
        w_sorted = w[order]
        del w
        for start, stop in block_slices(n):  # the permutation's memory takes the keys
            block = order[start:stop]
            block[...] = bits[block]
        bits = order
        del order
    y_sorted = np.empty(n, dtype=np.bool_)
    np.bitwise_and(bits, 1, out=y_sorted.view(np.uint8), casting="unsafe")
    np.logical_not(y_sorted, out=y_sorted)
    bits >>= 1
    return bits.view(np.float64), y_sorted, w_sorted
