"""The isotonic (PAV) recalibration and the CORP score decomposition.

The isotonic regression of ``y`` on ``p`` with ties pooled equals the
sample-level isotonic regression in the sorted order (positives first within
ties: a tie group reads ``1..1 0..0``, a violating run that PAV pools anyway),
and adjacent samples with the same label, or a 1 followed by a 0, always share
a PAV block.  So PAV runs on one pre-pooled block per ``0 -> 1`` transition.
"""

from array import array
from typing import NamedTuple

import numpy as np

from skbce._utils.numeric import weighted_sum

__all__ = [
    "Decomposition",
    "Recalibration",
    "block_weights",
    "corp_decomposition",
    "isotonic_recalibration",
    "pav",
    "pre_blocks",
    "recalibrated_sums",
]


class Decomposition(NamedTuple):
    """CORP decomposition ``score = miscalibration - discrimination + uncertainty``."""

    miscalibration: float
    discrimination: float
    uncertainty: float
    score: float


class Recalibration(NamedTuple):
    """The isotonic (PAV) recalibration as a step function of the prediction.

    Block ``i`` maps predictions in ``[lower[i], upper[i]]`` to ``value[i]``
    and holds total weight ``weight[i]``.
    """

    lower: np.ndarray
    upper: np.ndarray
    value: np.ndarray
    weight: np.ndarray


def pre_blocks(runs):
    """PAV pre-blocks: a run of ones and the run of zeros after it.

    Returns ``[ones, zeros, first]``: their weights and first sample (a list,
    which :func:`isotonic_recalibration` empties).  A leading run of zeros
    forms a pre-block of its own.
    """
    weight = runs.weight
    lead0 = int(not runs.first_label)
    n_pos = (weight.shape[0] - lead0 + 1) // 2
    n_neg = weight.shape[0] - n_pos
    size = n_pos + lead0
    ones = np.zeros(size)
    ones[lead0:] = weight[lead0::2]
    zeros = np.zeros(size)
    zeros[:n_neg] = weight[1 - lead0 :: 2]
    first = np.zeros(size, dtype=np.intp)
    first[lead0:] = runs.starts[lead0::2]
    return [ones, zeros, first]


def _isotonic(y, w):
    """Weighted increasing isotonic regression: ``(fitted, block_starts)``.

    ``block_starts`` holds the index of the first element of each block and
    ends with ``len(y)``.  Uses :func:`scipy.optimize.isotonic_regression`
    (SciPy >= 1.12) and :func:`pav` otherwise.
    """
    try:
        from scipy.optimize import isotonic_regression
    except ImportError:  # pragma: no cover - SciPy < 1.12
        return pav(y, w)
    res = isotonic_regression(y, weights=w, increasing=True)
    return res.x, np.asarray(res.blocks, dtype=np.intp)


def pav(y, w):
    """Weighted pool-adjacent-violators algorithm (increasing), in plain Python.

    The fallback of :func:`_isotonic` for SciPy < 1.12.  Returns the fitted
    values and the block starts (ending with ``len(y)``).

    Examples
    --------
    >>> import numpy as np
    >>> from skbce._calibration.isotonic import pav
    >>> fitted, blocks = pav(np.array([0.0, 1.0, 0.0, 1.0]), np.ones(4))
    >>> fitted.tolist(), blocks.tolist()
    ([0.0, 0.5, 0.5, 1.0], [0, 1, 3, 4])
    """
    # compact arrays, not lists of Python floats: the blocks of the stack take
    # 24 bytes each (the report's memory stays within 4x the probabilities)
    values, weights, firsts = array("d"), array("d"), array("q")
    i = 0
    for start in range(0, y.shape[0], 4096):  # Python floats of 4096 values at a time
        stop = start + 4096
        for yi, wi in zip(y[start:stop].tolist(), w[start:stop].tolist(), strict=True):
            values.append(yi)
            weights.append(wi)
            firsts.append(i)
            i += 1
            while len(values) > 1 and values[-2] >= values[-1]:
                v, u = values.pop(), weights.pop()
                firsts.pop()
                total = weights[-1] + u
                values[-1] = (weights[-1] * values[-1] + u * v) / total
                weights[-1] = total
    firsts.append(len(y))
    blocks = np.frombuffer(firsts, dtype=np.int64).astype(np.intp)
    fitted = np.repeat(np.frombuffer(values, dtype=np.float64), np.diff(blocks))
    return fitted, blocks


def isotonic_recalibration(p_s, blocks):
    """Isotonic (PAV) recalibration of the sorted data, from its :func:`pre_blocks`.

    PAV pools each pre-block (a run of ones then a run of zeros) anyway, so it
    runs on one element per ``0 -> 1`` transition.  ``blocks`` is emptied
    (the caller may drop its label runs before: the fit then needs no more
    memory than the pre-blocks).  Returns ``(ones, zeros, fitted, curve)``:
    the weights of ones and zeros of each PAV block, its fitted value, and
    the step function.
    """
    n = p_s.shape[0]
    first = blocks.pop()
    zeros = blocks.pop()
    ones = blocks.pop()
    total = ones + zeros
    if not np.all(total > 0):
        keep = total > 0
        ones, zeros, total, first = ones[keep], zeros[keep], total[keep], first[keep]
    fitted, blocks = _isotonic(ones / total, total)
    lo, hi = blocks[:-1], blocks[1:]
    last = np.append(first[hi[:-1]], n)  # one past the last sample of a block
    curve = Recalibration(
        lower=p_s[first[lo]],
        upper=p_s[last - 1],
        value=fitted[lo],
        weight=np.add.reduceat(total, lo),
    )
    return np.add.reduceat(ones, lo), np.add.reduceat(zeros, lo), curve.value, curve


def recalibrated_sums(ones, zeros):
    """Weighted sums of the log loss and the Brier score of the PAV recalibration.

    ``ones`` and ``zeros`` are the weights of each PAV block's positives and
    negatives; the block predicts ``ones / (ones + zeros)``.  Its complement
    is taken as ``zeros / (ones + zeros)``, not ``1 - fitted``: a block whose
    negatives weigh less than ``1e-16`` of it has a fitted value that rounds
    to 1, and ``log(1 - 1)`` made the recalibrated log loss infinite.  The
    losses are ``-log(ones / total) = log1p(zeros / ones)`` (and the same for
    the negatives), exact also where the ratio rounds to 1.

    Examples
    --------
    >>> import numpy as np
    >>> from skbce._calibration.isotonic import recalibrated_sums
    >>> ll, bs = recalibrated_sums(np.array([1e20]), np.array([1.0]))
    >>> round(ll, 3), bs
    (47.052, 1.0)
    """
    from scipy.special import xlog1py

    total = ones + zeros
    with np.errstate(divide="ignore"):  # a block without negatives (or positives)
        log_loss = float(np.sum(xlog1py(ones, zeros / ones) + xlog1py(zeros, ones / zeros)))
    q1, q0 = ones / total, zeros / total
    return log_loss, float(weighted_sum(ones, q0 * q0) + weighted_sum(zeros, q1 * q1))


def block_weights(values, weights, ones, zeros):
    """The weights of positives and negatives of each block of the isotonic fit of ``values``."""
    starts = _isotonic(values, weights)[1][:-1]
    return np.add.reduceat(ones, starts), np.add.reduceat(zeros, starts)


def corp_decomposition(ones, zeros, total, scores):
    """CORP decompositions of the log loss and the Brier score.

    ``ones`` and ``zeros`` come from :func:`isotonic_recalibration` (the
    weights of the positives and negatives of each PAV block; the
    recalibrated scores are exact: no clipping needed); ``scores`` holds
    ``log_loss``, ``brier_score``, ``base_rate`` and ``entropy`` (the
    uncertainty of the log loss).
    """
    ll_recal, bs_recal = recalibrated_sums(ones, zeros)
    ll_recal, bs_recal = ll_recal / total, bs_recal / total
    rate = scores["base_rate"]
    log_loss, brier, entropy = scores["log_loss"], scores["brier_score"], scores["entropy"]
    unc_bs = rate * (1.0 - rate)
    return {
        "log_loss": Decomposition(log_loss - ll_recal, entropy - ll_recal, entropy, log_loss),
        "brier_score": Decomposition(brier - bs_recal, unc_bs - bs_recal, unc_bs, brier),
    }
