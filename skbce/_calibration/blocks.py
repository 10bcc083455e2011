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
    """Samples per block of a pass over ``n`` samples: :data:`BLOCK`, up to 4 times that.

    Blocks of ``n / 64`` samples or more (at most ``4 * BLOCK``) call numpy
    fewer times; their temporaries stay a small part of the data.

    Examples
    --------
    >>> from skbce._calibration.blocks import BLOCK, block_step
    >>> block_step(10**5) == BLOCK, block_step(10**7) == 4 * BLOCK
    (True, True)
    """
    return min(4 * BLOCK, max(BLOCK, n >> 6))


def block_slices(n):
    """``(start, stop)`` of each block of ``n`` samples."""
    for start in range(0, n, BLOCK):
        yield start, min(start + BLOCK, n)


def power_of_two_scale(largest):
    """The power of two nearest above ``largest > 0`` (1.0 for 0, inf or NaN).

    Dividing by it is exact, and brings ``largest`` into ``(1/2, 1]``.
    """
    if not 0 < largest < math.inf:
        return 1.0
    mantissa, exponent = math.frexp(largest)
    return math.ldexp(1.0, exponent)


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
