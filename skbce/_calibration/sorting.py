"""One sort serves every statistic that needs order.

The probabilities are sorted together with the labels as one integer key: the
bits of a non-negative float64 order like the float, so
``(bits(p) << 1) | (1 - y)`` sorts by ``p`` and, within ties, puts the
positives first.  The sorted ``p`` and ``y`` are read back from the key, so
the unweighted case needs no ``argsort``.
"""

import numpy as np

from skbce._calibration.blocks import BLOCK, block_slices

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
    # one pass makes the copy: p <= 1.0 has its bits below 2**62 (no overflow), and
    # the shift drops the sign bit of -0.0, whose key is then that of +0.0
    bits = np.left_shift(p.view(np.int64), 1)
    np.bitwise_or(bits, t == 0, out=bits)  # negatives after positives in ties
    return [bits, w]


def _blocked(n):
    return ((start, min(start + BLOCK, n)) for start in range(0, n, BLOCK))


def _permutation(bits):
    """The permutation that sorts the non-negative int64 keys ``bits`` (equal keys in any order).

    The keys are sorted with their index packed into their low bits (an
    integer sort, several times faster than ``argsort``); the few groups of
    keys that share their remaining high bits are then put in order among
    themselves.  Returns ``(order, bits[order])``, or None when those groups
    are large (many tied predictions: ``argsort`` is then as fast).
    """
    n = bits.shape[0]
    shift = max(1, (n - 1).bit_length())
    packed = bits >> shift
    packed <<= shift
    for start, stop in _blocked(n):
        packed[start:stop] |= np.arange(start, stop, dtype=np.int64)
    packed.sort()
    packed &= (1 << shift) - 1
    order = packed
    keys = bits[order]
    late = [np.flatnonzero(keys[a + 1 : b + 1] < keys[a:b]) + a for a, b in _blocked(n - 1)]
    late = np.concatenate(late) if late else np.empty(0, dtype=np.intp)
    if late.shape[0] == 0:
        return order, keys
    # the groups of equal high bits with a key out of order: keys below and
    # above a group's bounds are in order, so a binary search finds them
    group = np.unique(keys[late] >> shift)
    lo = np.searchsorted(keys, group << shift, side="left")
    size = np.searchsorted(keys, (group + 1) << shift, side="left") - lo
    total = int(size.sum())
    if total > n >> 3:
        return None
    dirty = np.arange(total) + np.repeat(lo - (np.cumsum(size) - size), size)
    fix = dirty[np.argsort(keys[dirty], kind="stable")]
    order[dirty] = order[fix]
    keys[dirty] = keys[fix]
    return order, keys


def sort_keys(keys_and_weights):
    """Sort the output of :func:`sort_keys_of` (emptying it); ``(p, y, w)`` sorted."""
    w = keys_and_weights.pop()
    bits = keys_and_weights.pop()
    n = bits.shape[0]
    if w is None:
        bits.sort()
        w_sorted = None
    else:
        found = _permutation(bits) if n > 1 else None
        if found is None:
            order = np.argsort(bits)
            w_sorted = w[order]
            for start, stop in block_slices(n):  # the permutation's memory takes the keys
                block = order[start:stop]
                block[...] = bits[block]
            bits = order
        else:
            order, bits = found
            w_sorted = w[order]
        del w, order
    y_sorted = np.empty(n, dtype=np.bool_)
    np.bitwise_and(bits, 1, out=y_sorted.view(np.uint8), casting="unsafe")
    np.logical_not(y_sorted, out=y_sorted)
    bits >>= 1
    return bits.view(np.float64), y_sorted, w_sorted
