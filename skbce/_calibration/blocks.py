"""Blocks of the per-sample passes, and the power-of-two scale of the weights.

Every per-sample pass of the calibration statistics walks the sorted data in
blocks of :data:`BLOCK` samples, so that its temporaries stay small (16k
samples: the fixed buffers stay under the memory target of the report at
N = 1e5).
"""

import math

import numpy as np

#: Samples per block in the per-sample passes.
BLOCK = 1 << 14


def block_step(n):
    """Samples per block of a pass over ``n`` samples: ``n / 64`` within ``[BLOCK / 4, 4 BLOCK]``.

    Blocks of ``n / 64`` samples call numpy few times while their
    temporaries (several per block, a block on each thread) stay a small part
    of the data: at ``N = 1e5`` blocks of :data:`BLOCK` samples weighed as
    much as the data.

    Examples
    --------
    >>> from skbce._calibration.blocks import BLOCK, block_step
    >>> block_step(10**5) == BLOCK // 4, block_step(10**7) == 4 * BLOCK
    (True, True)
    """
    return min(4 * BLOCK, max(BLOCK // 4, n >> 6))


def block_slices(n):
    """``(start, stop)`` of each block of ``n`` samples."""
    for start in range(0, n, BLOCK):
        yield start, min(start + BLOCK, n)


def segment_sums(values_of, starts, n):
    """Sums over the segments ``[starts[i], starts[i + 1])`` (the last to ``n``).

    ``values_of(block)`` gives the values of a ``slice`` of the samples, so
    that a product such as ``m * y`` is never made at the size of the data;
    ``starts`` is increasing and begins with 0.

    Examples
    --------
    >>> import numpy as np
    >>> from skbce._calibration.blocks import segment_sums
    >>> x = np.arange(6.0)
    >>> segment_sums(lambda b: x[b] * 2, np.array([0, 1, 4]), 6).tolist()
    [0.0, 12.0, 18.0]
    """
    out = np.zeros(starts.shape[0])
    step = 4 * BLOCK
    for start in range(0, n, step):
        stop = min(start + step, n)
        first = int(np.searchsorted(starts, start, side="right")) - 1  # holds ``start``
        end = int(np.searchsorted(starts, stop, side="left"))
        local = np.concatenate(([0], starts[first + 1 : end] - start))
        out[first:end] += np.add.reduceat(values_of(slice(start, stop)), local)
    return out


def running_sums(m, start, stop, carry):
    """``np.cumsum(m)[start:stop]`` to the bit, ``carry`` the running sum before ``start``."""
    block = m[start:stop].copy()
    block[0] += carry
    return np.cumsum(block, out=block)


def mass_positions(m, targets, side="right"):
    """``np.searchsorted(np.cumsum(m), targets, side=side)`` without the cumulative array.

    The cumulative masses are taken block by block, only in the blocks that
    hold a target, each in runs of :data:`BLOCK` (the same floats as one
    ``cumsum`` of the block).

    Examples
    --------
    >>> import numpy as np
    >>> from skbce._calibration.blocks import mass_positions
    >>> mass_positions(np.array([1.0, 2.0, 3.0]), np.array([0.0, 1.0, 2.5, 6.0])).tolist()
    [0, 1, 1, 3]
    """
    n, step = m.shape[0], 4 * BLOCK
    totals = np.array([np.add.reduce(m[i : i + step]) for i in range(0, n, step)])
    before = np.concatenate(([0.0], np.cumsum(totals)))
    block = np.searchsorted(before[1:], targets, side=side)
    out = np.full(targets.shape[0], n, dtype=np.intp)
    for b in np.unique(block[block < totals.shape[0]]).tolist():
        mine = block == b
        found, carry = np.full(np.count_nonzero(mine), b * step, dtype=np.intp), 0.0
        for start in range(b * step, min((b + 1) * step, n), BLOCK):
            local = running_sums(m, start, min(start + BLOCK, (b + 1) * step, n), carry)
            carry = float(local[-1])
            local += before[b]
            found += np.searchsorted(local, targets[mine], side=side)  # local is sorted
        out[mine] = found
    return out


def power_of_two_scale(largest):
    """The power of two nearest above ``largest > 0`` (1.0 for 0, inf or NaN).

    Dividing by it is exact, and brings ``largest`` into ``(1/2, 1]`` (into
    ``(1, 2)`` above ``2**1023``, whose power of two is not a float).
    """
    if not 0 < largest < math.inf:
        return 1.0
    mantissa, exponent = math.frexp(largest)
    return math.ldexp(1.0, min(exponent, 1023))  # 2**1024 overflows: then within (1/2, 2)


def scaled_weights(w_s):
    """Weights divided by a power of two when they are huge or tiny: ``(w, scale)``.

    Sums of weights in the passes then neither overflow nor underflow, so
    every statistic is scale-free: multiplying all the weights by a positive
    factor changes only ``scale``.  Weights whose largest value is within
    ``[2**-64, 2**64]`` are used as they are (no copy).
    """
    if w_s is None or w_s.shape[0] == 0:
        return w_s, 1.0
    largest = float(np.max(w_s))
    if 2.0**-64 <= largest <= 2.0**64:
        return w_s, 1.0
    scale = power_of_two_scale(largest)
    return w_s / scale, scale
