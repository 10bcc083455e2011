"""The reliability table: bin edges, per-bin sums, calibration errors, Wilson intervals.

The data are sorted by prediction, so a bin is a contiguous slice (its bounds
come from a binary search of the edges) and bin sums are segment sums.
"""

import math

import numpy as np

from skbce._calibration.blocks import mass_positions
from skbce._utils.numeric import weighted_sum

__all__ = [
    "Binning",
    "calibration_errors",
    "equal_mass_edges",
    "table_edges",
    "wilson_interval",
]


def _weights_are_constant(w_s):
    return w_s is None or bool(np.all(w_s == w_s[0]))


def _quantile_edges(p_s, w_s, n_bins, cum_w):
    """Edges at the quantiles ``k / n_bins`` of the predictions.

    Unweighted (or constant weights): :func:`numpy.percentile` with its
    default linear method, exactly as ``sklearn.calibration.calibration_curve``.
    Weighted: the same linear interpolation with the sample at plotting
    position ``(weight before it) / (total weight before the last sample)``,
    which reduces to the unweighted rule for equal weights.
    """
    q = np.linspace(0.0, 1.0, n_bins + 1)
    if _weights_are_constant(w_s):
        return np.percentile(p_s, q * 100)
    keep = w_s > 0
    ps, cw = p_s[keep], cum_w[keep]
    before = cw - w_s[keep]
    if before[-1] == 0:
        return np.full(n_bins + 1, ps[0])
    return np.interp(q, before / before[-1], ps)


def table_edges(p_s, w_s, n_bins, strategy, cum_w):
    """Edges of the reliability table: ``strategy`` is "uniform", "quantile" or the edges."""
    if isinstance(strategy, str):
        if strategy == "uniform":
            return np.linspace(0.0, 1.0, n_bins + 1)
        return _quantile_edges(p_s, w_s, n_bins, cum_w)
    return strategy


def equal_mass_edges(p_s, w_s, n_bins, cum_w=None):
    """Edges that split the weight into ``n_bins`` equal parts (ties never split).

    Edge ``k`` is the smallest prediction whose cumulative weight reaches
    ``k / n_bins`` of the total (the inverted CDF), so a bin ``(e[k-1], e[k]]``
    holds one ``n_bins``-th of the weight unless ties force otherwise.
    Integer weights give the edges of the data with rows repeated.  ``cum_w``:
    the cumulative weights, if the caller has them (None: found block by
    block).
    """
    n = p_s.shape[0]
    k = np.arange(1, n_bins, dtype=np.int64)
    if w_s is None:
        idx = -((-k * n) // n_bins) - 1
    elif cum_w is None:
        targets = k * float(np.add.reduce(w_s)) / n_bins
        idx = np.minimum(mass_positions(w_s, targets, side="left"), n - 1)
    else:
        idx = np.searchsorted(cum_w, k * cum_w[-1] / n_bins, side="left")
        idx = np.minimum(idx, n - 1)
    return np.concatenate(([p_s[0]], p_s[idx], [p_s[-1]]))


def _bin_bounds(p_s, edges):
    """Slice bounds of the bins ``[e0, e1], (e1, e2], ...`` in the sorted data.

    Values below the first edge fall in the first bin and values above the
    last edge in the last bin, as in ``calibration_curve``.
    """
    n = p_s.shape[0]
    inner = np.searchsorted(p_s, edges[1:-1], side="right")
    return np.concatenate(([0], inner, [n])).astype(np.intp)


class Binning:
    """Per-bin sums of weight, ``w * p`` and ``w * y``, filled block by block or at once."""

    def __init__(self, edges, p_s):
        self.edges = edges
        self.bounds = _bin_bounds(p_s, edges)
        nb = edges.shape[0] - 1
        self.weight = np.zeros(nb)
        self.sum_p = np.zeros(nb)
        self.sum_y = np.zeros(nb)

    def add_block(self, start, stop, p, y, w, wy, buf):
        """Add the samples ``start:stop`` (``wy = w * y``; ``buf`` is scratch space)."""
        b = self.bounds
        i0 = int(np.searchsorted(b, start, side="right")) - 1
        i1 = int(np.searchsorted(b, stop, side="left"))
        local = np.clip(b[i0 : i1 + 1], start, stop) - start
        lo, hi = local[:-1], local[1:]
        nonempty = hi > lo
        idx = lo[nonempty]
        sel = np.arange(i0, i1)[nonempty]
        if w is None:
            self.sum_p[sel] += np.add.reduceat(p, idx)
            self.sum_y[sel] += np.add.reduceat(y, idx, dtype=np.float64)
        else:
            self.weight[sel] += np.add.reduceat(w, idx)
            np.multiply(w, p, out=buf)
            self.sum_p[sel] += np.add.reduceat(buf, idx)
            self.sum_y[sel] += np.add.reduceat(wy, idx)

    def fill(self, p_s, y_s, w_s):
        """Add every sample at once, bin by bin (sorted data: a bin is a slice)."""
        b = self.bounds
        for i in np.flatnonzero(b[1:] > b[:-1]).tolist():
            p, y = p_s[b[i] : b[i + 1]], y_s[b[i] : b[i + 1]]
            if w_s is None:
                self.sum_p[i] += float(np.add.reduce(p))
                self.sum_y[i] += float(np.count_nonzero(y))
            else:
                w = w_s[b[i] : b[i + 1]]
                self.weight[i] += float(np.add.reduce(w))
                self.sum_p[i] += weighted_sum(w, p)
                self.sum_y[i] += float(np.add.reduce(w, where=y.astype(bool, copy=False)))

    def finish(self, weighted):
        """Counts, and the mean prediction and observed frequency of each bin."""
        self.count = np.diff(self.bounds).astype(np.int64)
        if not weighted:
            self.weight = self.count.astype(np.float64)
        with np.errstate(invalid="ignore", divide="ignore"):
            self.mean_predicted = np.where(self.weight > 0, self.sum_p / self.weight, np.nan)
            self.observed = np.where(self.weight > 0, self.sum_y / self.weight, np.nan)
        return self


def calibration_errors(weight, mean_predicted, observed):
    """ECE (L1), MCE (max) and RMSCE (L2) over the non-empty bins.

    Examples
    --------
    >>> import numpy as np
    >>> from skbce._calibration.reliability import calibration_errors
    >>> calibration_errors(np.array([1.0, 3.0]), np.array([0.2, 0.6]), np.array([0.0, 0.8]))
    (0.2, 0.2, 0.2)
    """
    nonempty = weight > 0
    share = weight[nonempty] / weight.sum()
    gap = np.abs(mean_predicted[nonempty] - observed[nonempty])
    ece = weighted_sum(share, gap)
    mce = float(gap.max())
    rmsce = math.sqrt(weighted_sum(share, gap * gap))
    return ece, mce, rmsce


def wilson_interval(successes, trials, confidence_level):
    """Wilson score interval for a binomial proportion (NaN where ``trials == 0``).

    The upper bound is written as ``(k + z**2 / 2 + z sqrt(k (n - k) / n +
    z**2 / 4)) / (n + z**2)``, which neither overflows nor underflows for any
    finite ``k <= n``; the lower bound is ``k**2 / n / (n + z**2)`` (the product
    of the two roots of Wilson's quadratic) over the upper one, free of the
    cancellation of ``center - half``.

    Examples
    --------
    >>> from skbce._calibration.reliability import wilson_interval
    >>> low, high = wilson_interval(8.0, 10.0, 0.95)
    >>> round(float(low), 4), round(float(high), 4)
    (0.4902, 0.9433)
    """
    from scipy.special import ndtri

    k = np.asarray(successes, dtype=np.float64)
    n = np.asarray(trials, dtype=np.float64)
    z = float(ndtri(0.5 + confidence_level / 2))
    z2 = z * z
    with np.errstate(invalid="ignore", divide="ignore"):
        k = np.clip(k, 0.0, n)
        denom = n + z2
        upper = (k + z2 / 2 + z * np.sqrt(k * ((n - k) / n) + z2 / 4)) / denom
        lower = k * (k / n) / denom / upper
        low = np.where(n > 0, np.clip(lower, 0.0, 1.0), np.nan)
        high = np.where(n > 0, np.clip(upper, 0.0, 1.0), np.nan)
    return low, high
