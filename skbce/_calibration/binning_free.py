"""Calibration errors that are not artefacts of one binning.

* :func:`debiased_rmsce`: the L2 calibration error on equal-mass bins with
  the sampling variance of each bin's observed frequency subtracted (Kumar,
  Liang & Ma 2019);
* :func:`ece_sweep`: the ECE on the largest number of equal-mass bins whose
  observed frequencies stay monotone (Roelofs, Cain, Shlens & Mozer 2022);
* :func:`binning_free_errors`: both from one pass over the data.

They take the data sorted by prediction, as the report has it, and use the
equal-mass bins of the adaptive ECE
(:func:`~skbce._calibration.reliability.equal_mass_edges`): bin ``k`` of
``b`` starts after the run of ties holding the first sample whose cumulative
weight reaches ``k / b`` of the total, so a run of tied predictions is never
split (bins may then be empty; they are skipped).  Weights count as
frequencies: integer weights give the result of the data with rows repeated.

One pass stores the sums of weight, ``w * y`` and ``w * p`` of every group of
:data:`GROUP` consecutive samples (:class:`GroupSums`); the sums before any
sample then cost one group's worth of reads, so a binning into ``b`` bins
costs ``O(b * GROUP)`` instead of a pass over the data.
"""

import math
from typing import NamedTuple

import numpy as np

from skbce._calibration.blocks import BLOCK, block_slices, scaled_weights
from skbce._calibration.lowess import frequency_scale
from skbce._calibration.reliability import Binning, calibration_errors, equal_mass_edges
from skbce._utils.options import check_n_bins

__all__ = [
    "DEBIASED_N_BINS",
    "GroupSums",
    "SweepECE",
    "binning_free_errors",
    "debiased_rmsce",
    "debiased_rmsce_of_bins",
    "ece_sweep",
]

#: Default bins of :func:`debiased_rmsce`: ``num_bins=15`` of
#: ``calibration.lower_bound_scaling_ce`` (Kumar et al.'s library).
DEBIASED_N_BINS = 15

#: Samples per group of :class:`GroupSums` (divides ``BLOCK``): the reads of a
#: bin boundary take about ``GROUP`` rows of temporaries (256 made the sweep's
#: peak 4.3x the probabilities at N = 1e5; 64 makes it 1.4x, no slower).
GROUP = 64

#: Samples per block of the pass of :class:`GroupSums` (a multiple of ``GROUP``).
_PASS_BLOCK = 1 << 16

#: Bin boundaries evaluated at once (each reads up to ``GROUP`` samples), at most.
_BUDGET = 1 << 14


def _budget(n):
    """Bin boundaries evaluated at once for ``n`` samples.

    Their reads (about ``GROUP / 2`` rows each, a few arrays per row) stay
    well below the size of the data.
    """
    return max(GROUP, min(_BUDGET, n // (8 * GROUP)))

#: With integer weights, the sweep's largest number of bins is at most this many per sample.
MAX_BINS_PER_SAMPLE = 64

#: Past this many bins the sweep first checks whether the finest binning is monotone.
_FINEST_CHECK = 1024


class SweepECE(NamedTuple):
    """ECE of the monotone sweep and the number of equal-mass bins it chose."""

    statistic: float
    n_bins: int


def _group_totals(x, dtype=np.float64):
    """Sums of ``x`` over consecutive groups of :data:`GROUP` (the last may be short)."""
    full = x.shape[0] // GROUP * GROUP
    sums = x[:full].reshape(-1, GROUP).sum(axis=1, dtype=dtype)
    if full < x.shape[0]:
        sums = np.append(sums, x[full:].sum(dtype=dtype))
    return sums


def _ragged_rows(starts, lengths):
    """Rows ``starts[j] + range(lengths[j])`` for every ``j``, and their ``j``."""
    owner = np.repeat(np.arange(starts.shape[0]), lengths)
    rows = np.arange(owner.shape[0]) - np.repeat(np.cumsum(lengths) - lengths, lengths)
    rows += np.repeat(starts, lengths)
    return rows, owner


class GroupSums:
    """Cumulative sums of ``w``, ``w * y`` and ``w * p`` at every :data:`GROUP`-th sample.

    Built in one blocked pass; :meth:`before` gives the sums over the samples
    before any index and :meth:`bin_sums` the sums of any bins.
    """

    def __init__(self, p_s, y_s, w):
        self.p_s, self.y_s, self.w = p_s, y_s, w
        n = self.n = p_s.shape[0]
        parts = ([], [], [])
        buf = np.empty(min(n, _PASS_BLOCK))
        for start in range(0, n, _PASS_BLOCK):
            stop = min(start + _PASS_BLOCK, n)
            p, y = p_s[start:stop], y_s[start:stop]
            if w is None:
                parts[1].append(_group_totals(y.view(np.uint8)))
                parts[2].append(_group_totals(p))
                continue
            wb, b = w[start:stop], buf[: stop - start]
            parts[0].append(_group_totals(wb))
            parts[1].append(_group_totals(np.multiply(wb, y, out=b)))
            parts[2].append(_group_totals(np.multiply(wb, p, out=b)))
        cumulate = lambda s: np.concatenate(([0.0], *s)).cumsum()  # noqa: E731
        self.weight = None if w is None else cumulate(parts[0])
        self.positive, self.predicted = cumulate(parts[1]), cumulate(parts[2])
        self.total = float(n) if w is None else float(self.weight[-1])

    def before(self, i, predicted=True):
        """Sums of ``w``, ``w * y`` (and ``w * p``) over the samples before each index ``i``."""
        group = i // GROUP
        rows, owner = _ragged_rows(group * GROUP, i - group * GROUP)
        size = i.shape[0]
        add = lambda v: np.bincount(owner, weights=v, minlength=size)  # noqa: E731
        if self.w is None:
            weight = i.astype(np.float64)
            w_rows = None
            positive = self.positive[group] + add(self.y_s[rows])
        else:
            w_rows = self.w[rows]
            weight = self.weight[group] + add(w_rows)
            positive = self.positive[group] + add(np.where(self.y_s[rows], w_rows, 0.0))
        if not predicted:
            return weight, positive, None
        p_rows = self.p_s[rows] if w_rows is None else self.p_s[rows] * w_rows
        return weight, positive, self.predicted[group] + add(p_rows)

    def _first_reaching(self, t):
        """First sample whose cumulative weight (itself included) reaches ``t``."""
        group = np.clip(np.searchsorted(self.weight, t, side="left") - 1, 0, None)
        group = np.minimum(group, self.weight.shape[0] - 2)
        rows = np.minimum(group[:, None] * GROUP + np.arange(GROUP), self.n - 1)
        reached = np.cumsum(self.w[rows], axis=1) + self.weight[group][:, None] >= t[:, None]
        first = np.where(reached.any(axis=1), np.argmax(reached, axis=1), GROUP - 1)
        return np.minimum(group * GROUP + first, self.n - 1)

    def bounds(self, k, b):
        """Start of bin ``k`` of ``b`` equal-mass bins (``k`` and ``b`` arrays)."""
        if self.w is None:
            idx = (k * self.n + b - 1) // b - 1  # ceil(k n / b) - 1, as equal_mass_edges
        else:
            idx = self._first_reaching(k * self.total / b)
        idx = np.clip(idx, 0, self.n - 1)
        return np.where(k > 0, np.searchsorted(self.p_s, self.p_s[idx], side="right"), 0)

    def bin_sums(self, b):
        """Weight, ``w * y`` and ``w * p`` of each of ``b`` equal-mass bins."""
        sums = []
        budget = _budget(self.n)
        for start in range(0, b + 1, budget):
            k = np.arange(start, min(start + budget + 1, b + 1), dtype=np.int64)
            sums.append(np.diff(np.stack(self.before(self.bounds(k, np.full_like(k, b))))))
        return np.concatenate(sums, axis=1)


def _filled_bins(p_s, y_s, w, edges):
    """Weight, ``w * y`` and ``w * p`` of the bins of ``edges``, by a pass over the data."""
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
    binning.finish(w is not None)
    return np.stack([binning.weight, binning.sum_y, binning.sum_p])


def _grid_count(c, b, total):
    """``#{k in [1, b - 1]: k * total / b <= c}``, with the rounding of ``equal_mass_edges``."""
    k = np.clip(np.floor(c * (b / total)), 0.0, b - 1.0)
    k = np.where((k + 1 <= b - 1) & ((k + 1) * total / b <= c), k + 1, k)
    return np.where((k >= 1) & (k * total / b > c), k - 1, k)


def _many_bin_edges(p_s, cum_w, b):
    """Edges of ``b > n_samples`` equal-mass bins, without ``b`` temporaries.

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


def _equal_mass_sums(sums, b):
    """Weight, ``w * y`` and ``w * p`` of ``b`` equal-mass bins.

    Few bins come from the group sums; many (more than a 64th of the samples)
    from a pass over the data, which is then cheaper.
    """
    if b * 64 <= sums.n:
        return sums.bin_sums(b)
    p_s, w = sums.p_s, sums.w
    cum_w = None if w is None else np.cumsum(w)
    if b > sums.n:  # more bins than rows
        edges = _many_bin_edges(p_s, np.arange(1.0, sums.n + 1) if w is None else cum_w, b)
    else:
        edges = equal_mass_edges(p_s, w, b, cum_w)
    return _filled_bins(p_s, sums.y_s, w, edges)


def _means(bin_sums):
    """Weight, mean prediction and observed frequency of each bin (NaN when empty)."""
    weight, positive, predicted = bin_sums
    with np.errstate(invalid="ignore", divide="ignore"):
        return weight, predicted / weight, positive / weight


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


def _check_samples(p_s):
    if p_s.shape[0] == 0:
        msg = f"p_s must hold at least one sample, got shape {p_s.shape}."
        raise ValueError(msg)


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

    Weights count as frequencies (``W_k`` is the bin's frequency mass):
    integer weights equal repeated rows, other weights are rescaled to sum
    to the number of samples (their scale changes nothing); bins of mass
    below 2 give zero.

    Parameters
    ----------
    p_s, y_s, w_s : ndarray of shape (n_samples,)
        Predicted probabilities of the positive class sorted ascending
        (float64), the outcomes (bool) and positive weights (float64, or
        None for unit weights) in the same order.
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
    return binning_free_errors(p_s, y_s, w_s, n_bins=n_bins, sweep=False)[0]


class _Band:
    """The samples from the first positive to the last negative.

    Samples before are all negative and samples after all positive, so only
    bins that meet the band can make the observed frequencies decrease.
    ``None`` from :meth:`of` when there is no band (one class, or every
    negative before every positive): then every binning is monotone.
    """

    @classmethod
    def of(cls, sums):
        y_s, n = sums.y_s, sums.n
        first_pos = int(np.argmax(y_s))
        last_neg = n - 1 - int(np.argmin(y_s[::-1]))
        if not y_s[first_pos] or y_s[last_neg] or last_neg < first_pos:
            return None
        band = cls()
        band.window = None
        p_s = sums.p_s
        starts = np.searchsorted(p_s, [p_s[first_pos], p_s[last_neg]], side="left")
        band.share = sums.before(starts, predicted=False)[0] / sums.total
        band.rows = (int(starts[0]), int(np.searchsorted(p_s, p_s[last_neg], side="right")))
        return band

    def bins(self, b):
        """First and last bin of ``b`` that can meet the band (one spare each side)."""
        ka = np.clip(np.floor(self.share[0] * b).astype(np.int64) - 1, 0, b - 1)
        kb = np.clip(np.floor(self.share[1] * b).astype(np.int64) + 1, 0, b - 1)
        return ka, kb

    def open_window(self, sums, b):
        """Prefix sums over the band and four bins of ``b`` on each side, if that is short."""
        span = 4 * (sums.n // b + 1)
        lo, hi = max(0, self.rows[0] - span), min(sums.n, self.rows[1] + span)
        if hi - lo <= sums.n // 4:
            self.window = _Window(sums, lo, hi)

    def finest_is_monotone(self, sums):
        """Whether the bins of single distinct predictions are monotone (a pass over the band)."""
        start, stop = self.rows
        p = sums.p_s[start:stop]
        runs = np.flatnonzero(np.concatenate(([True], p[1:] != p[:-1])))
        y = sums.y_s[start:stop]
        if sums.w is None:
            weight = np.diff(np.append(runs, stop - start)).astype(np.float64)
            positive = np.add.reduceat(y, runs, dtype=np.float64)
        else:
            w = sums.w[start:stop]
            weight = np.add.reduceat(w, runs)
            positive = np.add.reduceat(np.where(y, w, 0.0), runs)
        return not np.any(_drops(weight, positive)[0])


def _drops(weight, positive, group=None):
    """Where ``positive / weight`` decreases (within a group; empty bins skipped)."""
    keep = weight > 0
    mean = positive[keep] / weight[keep]
    drop = mean[:-1] > mean[1:]
    if group is None:
        return drop, None
    g = group[keep]
    drop &= g[:-1] == g[1:]
    return drop, g[:-1]


class _Window:
    """Exact prefix sums over the rows ``[lo, hi)`` around a band.

    Once bins are small, the bins that meet a narrow band lie in a short
    window of rows; their sums then come from these prefix sums at no cost
    per boundary, instead of a group's worth of reads.
    """

    def __init__(self, sums, lo, hi):
        self.lo, self.hi, self.at_end = lo, hi, hi == sums.n
        base_w, base_y, _ = sums.before(np.array([lo]), predicted=False)
        y = sums.y_s[lo:hi]
        if sums.w is None:
            w_cum, y_cum = np.arange(1.0, hi - lo + 1.0), np.cumsum(y, dtype=np.float64)
        else:
            w = sums.w[lo:hi]
            w_cum, y_cum = np.cumsum(w), np.cumsum(np.where(y, w, 0.0))
        self.weight = np.concatenate(([0.0], w_cum)) + base_w[0]
        self.positive = np.concatenate(([0.0], y_cum)) + base_y[0]

    def bounds(self, sums, k, b):
        """:meth:`GroupSums.bounds` when every bound falls in the window, else None."""
        lo, hi = self.lo, self.hi
        if sums.w is None:
            idx = (k * sums.n + b - 1) // b - 1
        else:
            t = k * sums.total / b
            if np.any((t <= self.weight[0]) | (t > self.weight[-1])):
                return None
            idx = lo + np.searchsorted(self.weight[1:], t, side="left")
        if np.any(k == 0) or np.any((idx < lo) | (idx >= hi)):
            return None
        p = sums.p_s[lo:hi]
        ends = lo + np.searchsorted(p, p[idx - lo], side="right")
        if not self.at_end and np.any(ends == hi):
            return None  # a run of ties may go on past the window
        return ends

    def before(self, i):
        return self.weight[i - self.lo], self.positive[i - self.lo]


def _bin_weights(sums, band, k, b):
    """Weight and positive weight before the bounds ``k`` of ``b`` bins."""
    window = band.window
    bounds = None if window is None else window.bounds(sums, k, b)
    if bounds is not None:
        return window.before(bounds)
    return sums.before(sums.bounds(k, b), predicted=False)[:2]


def _first_violation(sums, band, levels):
    """The smallest ``b`` in ``levels`` whose equal-mass bins are not monotone, or None."""
    ka, kb = band.bins(levels)
    count = kb - ka + 2  # boundaries ka .. kb + 1
    k, level = _ragged_rows(ka, count)
    weight, positive = _bin_weights(sums, band, k, levels[level])
    weight, positive = np.diff(weight), np.diff(positive)
    weight[level[1:] != level[:-1]] = 0.0  # the pair that straddles two levels is no bin
    drop, group = _drops(weight, positive, level[1:])
    if not np.any(drop):
        return None
    return int(levels[group[drop].min()])


def _sweep(sums, b_max):
    """Largest ``b <= b_max`` such that every ``b' <= b`` gives monotone bins."""
    band = _Band.of(sums)
    if band is None:
        return b_max
    b0, size, checked = 2, 16, False
    while b0 <= b_max:
        if b0 > _FINEST_CHECK and not checked:
            if band.finest_is_monotone(sums):  # then so is every coarser binning
                return b_max
            checked = True
            band.open_window(sums, b0)
        levels = np.arange(b0, min(b0 + size, b_max + 1), dtype=np.int64)
        ka, kb = band.bins(levels)
        budget = _budget(sums.n) if band.window is None else 16 * _BUDGET  # no reads there
        fits = np.cumsum(kb - ka + 2) <= budget
        levels = levels[: max(1, int(np.count_nonzero(fits)))]
        found = _first_violation(sums, band, levels)
        if found is not None:
            return found - 1
        b0 = int(levels[-1]) + 1
        size = min(2 * size, budget // 2)  # a level has at least 2 boundaries
    return b_max


def ece_sweep(p_s, y_s, w_s):
    """ECE on the largest number of equal-mass bins that keeps them monotone.

    Following Roelofs et al. (2022) and their ``em_monotonic_sweep``, the
    number of equal-mass bins ``b`` grows from 1 and the sweep stops at the
    first ``b`` whose observed frequencies (weighted means of the outcomes,
    empty bins skipped, ties allowed) decrease somewhere; the ECE
    (``sum_k (W_k / W) |pbar_k - ybar_k|``) is then computed on ``b - 1``
    bins.  As in their code, ``b`` is at most ``n - 1`` and at least 1.  Weights
    count as frequencies: integer weights as repeated rows (``b`` at most
    ``ceil(W) - 1``, and at most :data:`MAX_BINS_PER_SAMPLE` times ``n``, so
    that the time stays bounded by the data), other weights rescaled to sum
    to ``n`` (the result does not depend on their scale).  The
    bins are those of the adaptive ECE, which never split a run of tied
    predictions; without ties they are the bins of the reference code.
    The smaller the better, minimum is zero.

    The sweep reads only the bins that meet the samples from the first
    positive to the last negative (bins before hold only negatives, bins
    after only positives, and cannot break monotonicity), checks many ``b``
    at once from group sums, and past 1024 bins returns at once if the bins
    of single distinct predictions are monotone (then every coarser binning
    is).  Its cost is one pass over the data plus about ``GROUP`` reads per
    bin of the levels it visits; nearly separated data can make it visit up
    to ``n`` levels.

    Parameters
    ----------
    p_s, y_s, w_s : ndarray of shape (n_samples,)
        As for :func:`debiased_rmsce`.

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
    return binning_free_errors(p_s, y_s, w_s, debiased=False)[1]


def binning_free_errors(p_s, y_s, w_s, *, n_bins=DEBIASED_N_BINS, debiased=True, sweep=True):
    """:func:`debiased_rmsce` and :func:`ece_sweep` from one pass over the data.

    Returns ``(rmsce, SweepECE)``, with None for a result not asked for.

    Examples
    --------
    >>> import numpy as np
    >>> from skbce._calibration.binning_free import binning_free_errors
    >>> p = np.linspace(0.05, 0.95, 10)
    >>> rmsce, sweep = binning_free_errors(p, p > 0.5, None, n_bins=2)
    >>> round(rmsce, 4), sweep.n_bins
    (0.25, 9)
    """
    n_bins = check_n_bins(n_bins, math.inf)
    _check_samples(p_s)
    w, scale = scaled_weights(w_s)
    sums = GroupSums(p_s, y_s, w)
    # weights count as frequencies: counts as they are, others rescaled to sum to n
    divisor, factor = (1.0, None) if w is None else frequency_scale(w_s)
    rmsce = result = None
    if debiased:
        weight, mean_p, observed = _means(_equal_mass_sums(sums, n_bins))
        weight = weight * scale if factor is None else weight * (scale / divisor) * factor
        rmsce = debiased_rmsce_of_bins(weight, mean_p, observed)
    if sweep:
        if w is None:
            b_max = max(1, sums.n - 1)
        else:  # at most MAX_BINS_PER_SAMPLE n bins
            total = float(np.add.reduce(w_s)) if factor is None else float(sums.n)
            total = min(total, MAX_BINS_PER_SAMPLE * sums.n + 1.0)
            b_max = int(max(1.0, math.ceil(total) - 1.0))
        b_star = _sweep(sums, b_max)
        ece, _, _ = calibration_errors(*_means(_equal_mass_sums(sums, b_star)))
        result = SweepECE(float(ece), int(b_star))
    return rmsce, result
