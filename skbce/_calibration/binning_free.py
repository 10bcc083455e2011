"""Calibration errors that are not artefacts of one binning.

* :func:`debiased_rmsce`: the L2 calibration error on equal-mass bins with
  the sampling variance of each bin's observed frequency subtracted (Kumar,
  Liang & Ma 2019);
* :func:`ece_sweep`: the ECE on the largest number of equal-mass bins whose
  observed frequencies stay monotone (Roelofs, Cain, Shlens & Mozer 2022).

Both take the data sorted by prediction, as the report has it, and use the
equal-mass bins of the adaptive ECE
(:func:`~skbce._calibration.reliability.equal_mass_edges`): bin ``k`` of
``b`` ends at the end of the run of ties holding the first sample whose
cumulative weight reaches ``k / b`` of the total, so a run of tied
predictions is never split (bins may then be empty and are skipped).
Weights count as frequencies: integer weights give the result of the data
with rows repeated.
"""

import math
from typing import NamedTuple

import numpy as np

from skbce._calibration.blocks import BLOCK, block_slices, scaled_weights
from skbce._calibration.reliability import Binning, calibration_errors, equal_mass_edges
from skbce._utils.options import check_n_bins

__all__ = [
    "DEBIASED_N_BINS",
    "SweepECE",
    "debiased_rmsce",
    "debiased_rmsce_of_bins",
    "ece_sweep",
]

#: Default bins of :func:`debiased_rmsce`: ``num_bins=15`` of
#: ``calibration.lower_bound_scaling_ce`` (Kumar et al.'s library).
DEBIASED_N_BINS = 15

#: Bin boundaries evaluated at once by the sweep (bounds its temporaries).
_SWEEP_BUDGET = 1 << 18


class SweepECE(NamedTuple):
    """ECE of the monotone sweep and the number of equal-mass bins it chose."""

    statistic: float
    n_bins: int


def _filled_bins(p_s, y_s, w, edges):
    """The filled :class:`~skbce._calibration.reliability.Binning` of ``edges``."""
    binning = Binning(edges, p_s)
    n = p_s.shape[0]
    buf = np.empty(min(n, BLOCK))
    wy_buf = None if w is None else np.empty(min(n, BLOCK))
    for start, stop in block_slices(n):
        k = stop - start
        wb = wy = None
        if w is not None:
            wb = w[start:stop]
            wy = np.multiply(wb, y_s[start:stop], out=wy_buf[:k])
        binning.add_block(start, stop, p_s[start:stop], y_s[start:stop], wb, wy, buf[:k])
    return binning.finish(w is not None)


def _grid_count(c, b, total):
    """``#{k in [1, b - 1]: k * total / b <= c}``, with the rounding of ``equal_mass_edges``."""
    k = np.clip(np.floor(c * (b / total)), 0.0, b - 1.0)
    k = np.where((k + 1 <= b - 1) & ((k + 1) * total / b <= c), k + 1, k)
    return np.where((k >= 1) & (k * total / b > c), k - 1, k)


def _many_bin_edges(p_s, cum_w, b):
    """Edges of ``b > n_samples`` weighted equal-mass bins, without ``b`` temporaries.

    A run of ties ends a bin when a grid point ``k W / b`` falls in its share
    of the cumulative weight: the bins of
    :func:`~skbce._calibration.reliability.equal_mass_edges`, found per run.
    """
    ends = np.flatnonzero(p_s[1:] != p_s[:-1])  # last rows of every run but the last
    after = cum_w[ends]
    before = np.concatenate(([0.0], after[:-1]))
    total = float(cum_w[-1])
    cut = _grid_count(after, b, total) > _grid_count(before, b, total)
    return np.concatenate(([p_s[0]], p_s[ends[cut]], [p_s[-1]]))


def _equal_mass_bins(p_s, y_s, w, n_bins, cum_w):
    """The filled :class:`~skbce._calibration.reliability.Binning` of ``n_bins`` equal-mass bins."""
    if n_bins > p_s.shape[0]:  # only with weights: more bins than rows
        edges = _many_bin_edges(p_s, cum_w, n_bins)
    else:
        edges = equal_mass_edges(p_s, w, n_bins, cum_w)
    return _filled_bins(p_s, y_s, w, edges)


def debiased_rmsce_of_bins(weight, mean_predicted, observed):
    """Debiased L2 calibration error from per-bin weights and means.

    Bins of weight below 2 contribute zero (as in Kumar et al.'s
    ``unbiased_square_ce``) but keep their mass; empty bins are skipped.

    Examples
    --------
    >>> import numpy as np
    >>> from skbce._calibration.binning_free import debiased_rmsce_of_bins
    >>> w, p, y = np.array([10.0, 10.0]), np.array([0.2, 0.8]), np.array([0.5, 0.5])
    >>> round(debiased_rmsce_of_bins(w, p, y), 4)  # sqrt(0.3**2 - 0.25 / 9)
    0.2494
    """
    nonempty = weight > 0
    n = weight[nonempty]
    gap = mean_predicted[nonempty] - observed[nonempty]
    ybar = observed[nonempty]
    enough = n >= 2
    variance = ybar * (1.0 - ybar) / np.where(enough, n - 1.0, 1.0)
    error = np.where(enough, gap * gap - variance, 0.0)
    estimate = float(np.sum(n * error) / np.sum(n))
    return math.sqrt(max(estimate, 0.0))


def debiased_rmsce(p_s, y_s, w_s, *, n_bins=DEBIASED_N_BINS):
    """Debiased root-mean-square calibration error on equal-mass bins.

    The plug-in estimate ``sum_k (W_k / W) (pbar_k - ybar_k)**2`` of the
    squared L2 calibration error is biased upward by the sampling variance
    of each bin's observed frequency ``ybar_k``.  Kumar, Liang & Ma (2019)
    subtract its unbiased estimate ``ybar_k (1 - ybar_k) / (W_k - 1)`` in
    each bin; bins of weight below 2 contribute zero.  The result is the
    square root of the estimate clipped at zero: a calibrated model's
    estimate scatters around zero, so the clipping (as in their
    ``unbiased_l2_ce``) makes the root biased upward by a little there.
    The smaller the better, minimum is zero.

    Weights count as frequencies (``W_k`` is the bin's total weight): integer
    weights equal repeated rows; weights summing to less than 2 per bin give
    zero.

    Parameters
    ----------
    p_s : ndarray of float64 of shape (n_samples,)
        Predicted probabilities of the positive class, sorted ascending.
    y_s : ndarray of bool of shape (n_samples,)
        Outcomes in the same order.
    w_s : ndarray of float64 of shape (n_samples,) or None
        Positive sample weights in the same order.
    n_bins : int, default=15
        Equal-mass bins (ties never split): 15 as ``num_bins`` of
        ``lower_bound_scaling_ce`` in Kumar et al.'s ``calibration`` library.

    Returns
    -------
    rmsce : float

    References
    ----------
    A. Kumar, P. Liang and T. Ma, "Verified uncertainty calibration",
    NeurIPS 2019.

    Examples
    --------
    >>> import numpy as np
    >>> from skbce._calibration.binning_free import debiased_rmsce
    >>> p = np.repeat([0.2, 0.6], 50)
    >>> y = np.tile([True] + [False] * 4, 20)
    >>> round(debiased_rmsce(p, y, None, n_bins=2), 4)  # sqrt(0.4**2 / 2 - 0.16 / 49)
    0.277
    """
    n_bins = check_n_bins(n_bins, math.inf)
    if p_s.shape[0] == 0:
        msg = f"p_s must hold at least one sample, got shape {p_s.shape}."
        raise ValueError(msg)
    w, scale = scaled_weights(w_s)
    cum_w = None if w is None else np.cumsum(w)
    bins = _equal_mass_bins(p_s, y_s, w, n_bins, cum_w)
    return debiased_rmsce_of_bins(bins.weight * scale, bins.mean_predicted, bins.observed)


class _Mixed:
    """The rows between the first positive and the last negative, with prefix sums.

    Outside ``[start, stop)`` every row before is negative and every row after
    positive, so the positive weight before row ``i`` is known from the
    cumulative weight; inside, ``pos`` holds it.
    """

    def __init__(self, p_s, y_s, w, cum_w, start, stop):
        self.p_s, self.w, self.cum_w = p_s, w, cum_w
        self.n = p_s.shape[0]
        self.total = float(self.n) if w is None else float(cum_w[-1])
        self.start, self.stop = start, stop
        y = y_s[start:stop]
        wy = y.astype(np.float64) if w is None else w[start:stop] * y
        self.pos = np.concatenate(([0.0], np.cumsum(wy)))

    def weight_before(self, i):
        """Total weight of the rows before ``i`` (an index array in ``[0, n]``)."""
        if self.w is None:
            return i.astype(np.float64)
        return np.where(i > 0, self.cum_w[np.maximum(i - 1, 0)], 0.0)

    def positive_before(self, i):
        """Positive weight of the rows before ``i``."""
        inside = self.pos[np.clip(i - self.start, 0, self.pos.shape[0] - 1)]
        after = np.maximum(i, self.stop)
        return inside + (self.weight_before(after) - self.weight_before(np.array(self.stop)))

    def bounds(self, k, b):
        """End of bin ``k - 1`` (start of bin ``k``) of ``b`` equal-mass bins."""
        if self.w is None:
            idx = (k * self.n + b - 1) // b - 1  # ceil(k n / b) - 1, as equal_mass_edges
        else:
            idx = np.searchsorted(self.cum_w, k * self.total / b, side="left")
        idx = np.clip(idx, 0, self.n - 1)
        return np.where(k > 0, np.searchsorted(self.p_s, self.p_s[idx], side="right"), 0)

    def band(self, b):
        """First and last bin of ``b`` that can meet the mixed rows (one spare each side)."""
        lo = self.weight_before(np.array(self.start)) / self.total
        hi = self.weight_before(np.array(self.last_run)) / self.total
        ka = np.clip(np.floor(lo * b).astype(np.int64) - 1, 0, b - 1)
        kb = np.clip(np.floor(hi * b).astype(np.int64) + 1, 0, b - 1)
        return ka, kb


def _monotone(weight, positive, group=None):
    """Whether ``positive / weight`` never decreases (within each group; empty bins skipped)."""
    keep = weight > 0
    mean = positive[keep] / weight[keep]
    drop = mean[:-1] > mean[1:]
    if group is not None:
        g = group[keep]
        drop &= g[:-1] == g[1:]
        return drop, g[:-1]
    return not np.any(drop)


def _mixed_rows(p_s, y_s, w, cum_w):
    """The :class:`_Mixed` rows, or None when every equal-mass binning is monotone."""
    n = p_s.shape[0]
    first_pos = int(np.argmax(y_s))
    last_neg = n - 1 - int(np.argmin(y_s[::-1]))
    if not y_s[first_pos] or y_s[last_neg] or last_neg < first_pos:
        return None  # one class, or every negative before every positive
    start = int(np.searchsorted(p_s, p_s[first_pos], side="left"))
    last_run = int(np.searchsorted(p_s, p_s[last_neg], side="left"))
    stop = int(np.searchsorted(p_s, p_s[last_neg], side="right"))
    mixed = _Mixed(p_s, y_s, w, cum_w, start, stop)
    mixed.last_run = last_run
    p = p_s[start:stop]
    runs = np.flatnonzero(np.concatenate(([True], p[1:] != p[:-1])))
    edges = np.append(runs, stop - start)
    run_weight = np.diff(edges).astype(np.float64) if w is None else np.add.reduceat(
        w[start:stop], runs
    )
    if _monotone(run_weight, np.diff(mixed.pos[edges])):
        return None  # the finest binning (one bin per distinct prediction) is monotone
    return mixed


def _first_violation(mixed, levels):
    """The smallest ``b`` in ``levels`` whose equal-mass bins are not monotone, or None."""
    ka, kb = mixed.band(levels)
    count = kb - ka + 2  # boundaries ka .. kb + 1
    level = np.repeat(np.arange(levels.shape[0]), count)
    first = np.cumsum(count) - count
    k = ka[level] + np.arange(level.shape[0]) - first[level]
    b = levels[level]
    bounds = mixed.bounds(k, b)
    weight = np.diff(mixed.weight_before(bounds))
    positive = np.diff(mixed.positive_before(bounds))
    same = level[1:] == level[:-1]
    weight[~same] = 0.0  # the pair that straddles two levels is no bin
    drop, group = _monotone(weight, positive, level[1:])
    if not np.any(drop):
        return None
    return int(levels[group[drop].min()])


def _sweep(mixed, b_max):
    """Largest ``b <= b_max`` such that every ``b' <= b`` gives monotone bins."""
    if mixed is None:
        return b_max
    b0, size = 2, 32
    while b0 <= b_max:
        levels = np.arange(b0, min(b0 + size, b_max + 1), dtype=np.int64)
        ka, kb = mixed.band(levels)
        fits = np.cumsum(kb - ka + 2) <= _SWEEP_BUDGET
        levels = levels[: max(1, int(np.count_nonzero(fits)))]
        found = _first_violation(mixed, levels)
        if found is not None:
            return found - 1
        b0 = int(levels[-1]) + 1
        size *= 2
    return b_max


def ece_sweep(p_s, y_s, w_s):
    """ECE on the largest number of equal-mass bins that keeps them monotone.

    Following Roelofs et al. (2022) and their ``em_monotonic_sweep``, the
    number of equal-mass bins ``b`` grows from 1 and the sweep stops at the
    first ``b`` whose observed frequencies (weighted means of the outcomes,
    empty bins skipped, ties allowed) decrease somewhere; the ECE
    (``sum_k (W_k / W) |pbar_k - ybar_k|``) is then computed on ``b - 1``
    bins.  As in their code, ``b`` is at most ``n - 1`` (``ceil(W) - 1`` with
    weights, so that integer weights equal repeated rows) and at least 1.  The
    bins are those of the adaptive ECE, which never split a run of tied
    predictions; without ties they are the bins of the reference code.
    The smaller the better, minimum is zero.

    The sweep reads only the rows between the first positive and the last
    negative (bins before hold only negatives, bins after only positives,
    and cannot break monotonicity), checks many ``b`` at once from prefix
    sums, and returns at once when the bins of single distinct predictions
    are already monotone (then every coarser binning is).  Its cost is one
    pass over the data plus about ``b`` bins per level for the levels it
    visits; nearly separated data can make it visit up to ``n`` levels.

    Parameters
    ----------
    p_s : ndarray of float64 of shape (n_samples,)
        Predicted probabilities of the positive class, sorted ascending.
    y_s : ndarray of bool of shape (n_samples,)
        Outcomes in the same order.
    w_s : ndarray of float64 of shape (n_samples,) or None
        Positive sample weights in the same order.

    Returns
    -------
    result : SweepECE
        ``statistic`` (the ECE) and ``n_bins`` (the ``b`` chosen).

    References
    ----------
    R. Roelofs, N. Cain, J. Shlens and M. C. Mozer, "Mitigating bias in
    calibration error estimation", AISTATS 2022.

    Examples
    --------
    >>> import numpy as np
    >>> from skbce._calibration.binning_free import ece_sweep
    >>> p = np.array([0.1, 0.2, 0.3, 0.4, 0.6, 0.7, 0.8, 0.9])
    >>> y = np.array([False, True, False, False, True, False, True, True])
    >>> result = ece_sweep(p, y, None)  # 4 bins: frequencies 0.5, 0, 0.5, 1
    >>> round(result.statistic, 4), result.n_bins
    (0.175, 3)
    """
    n = p_s.shape[0]
    if n == 0:
        msg = f"p_s must hold at least one sample, got shape {p_s.shape}."
        raise ValueError(msg)
    w, scale = scaled_weights(w_s)
    cum_w = None if w is None else np.cumsum(w)
    if w is None:
        b_max = max(1, n - 1)
    else:
        b_max = int(max(1.0, min(math.ceil(float(cum_w[-1]) * scale) - 1.0, 2.0**53)))
    b_star = _sweep(_mixed_rows(p_s, y_s, w, cum_w), b_max)
    bins = _equal_mass_bins(p_s, y_s, w, b_star, cum_w)
    ece, _, _ = calibration_errors(bins.weight, bins.mean_predicted, bins.observed)
    return SweepECE(float(ece), int(b_star))
