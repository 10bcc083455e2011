"""Bootstrap intervals of the statistics without a good exact interval.

ECE, RMSCE, adaptive ECE, smooth ECE, Eavg/E50/E90/Emax and the
miscalibration and discrimination terms of the CORP decompositions of the log
loss and the Brier score.  Each resample is a Poisson bootstrap drawn on the
cells of :mod:`skbce._calibration.resampling` (one Poisson draw per cell and
label); the interval is the basic (reverse percentile) bootstrap interval
(:func:`~skbce._calibration.resampling.basic_interval`), the replicates
taken around the statistic on the cells (the statistic itself with exact
cells), clipped to the statistic's range.

What each replicate recomputes:

* binned errors: the bins of the estimate (edges fixed) with the resampled
  masses;
* smooth ECE: the smooth ECE at the estimate's (fixed-point) bandwidth, on a
  grid of :data:`SMOOTH_GRID` points (the report's uses 16385; the
  replicates are read around the value of the cells on this grid): one
  smoothing per resample instead of a root search;
* Eavg, E50, E90, Emax: a local-linear tricube smoother with the span of the
  flexible curve (2/3 of the mass) evaluated at :data:`CURVE_POINTS` points,
  windows fixed at those of the estimate, then interpolated at every cell (a
  proxy of R's lowess that costs one small matrix product per resample;
  the replicates are read around the proxy's own value);
* decompositions: the isotonic regression of the cells.
"""

import math

import numpy as np

from skbce._calibration.flexible_curve import weighted_quantile
from skbce._calibration.intervals import Interval
from skbce._calibration.isotonic import block_weights, recalibrated_sums
from skbce._calibration.reliability import calibration_errors
from skbce._calibration.resampling import basic_interval, cell_bins
from skbce._calibration.smooth_ece import Smoother, trapezoid_abs

__all__ = ["BOOTSTRAPPED", "bootstrap_intervals"]

#: Grid points of the smooth ECE of the replicates.
SMOOTH_GRID = (1 << 11) + 1
#: Points where the proxy of the flexible curve is evaluated.
CURVE_POINTS = 51
_SPAN = 2.0 / 3.0

#: The bootstrapped statistics, in the order of the rows, with their ranges.
BOOTSTRAPPED = {
    "ece": (0.0, 1.0),
    "rmsce": (0.0, 1.0),
    "adaptive_ece": (0.0, 1.0),
    "smooth_ece": (0.0, 1.0),
    "eavg": (0.0, 1.0),
    "e50": (0.0, 1.0),
    "e90": (0.0, 1.0),
    "emax": (0.0, 1.0),
    "log_loss_miscalibration": (0.0, math.inf),
    "log_loss_discrimination": (0.0, math.log(2.0)),
    "brier_score_miscalibration": (0.0, 1.0),
    "brier_score_discrimination": (0.0, 0.25),
}


class _Problem:
    """What the replicates need, computed once from the cells and the estimate's bins."""

    def __init__(self, cells, p_s, table_edges, group_edges, bandwidth):
        self.cells = cells
        self.bandwidth = bandwidth
        self.table_bin = cell_bins(cells, p_s, table_edges)
        self.n_table = table_edges.shape[0] - 1
        self.group_bin = cell_bins(cells, p_s, group_edges)
        self.n_groups = group_edges.shape[0] - 1
        self.grid_j, self.grid_u = _linear_binning(np.concatenate((cells.p1, cells.p0)))
        self.curve = _CurveProxy(cells.x, cells.mass)


def _linear_binning(x):
    """Grid index and fraction of each point on the replicates' smoothing grid."""
    m1 = SMOOTH_GRID - 1
    u = np.clip(x, 0.0, 1.0) * m1
    j = np.minimum(np.floor(u).astype(np.intp), m1 - 1)
    return j, u - j


def _tricube_weights(x, mass, used, point, out):
    """Tricube weights of the cells ``x`` around ``point``, its window holding 2/3 of the mass.

    One point at a time: the matrix of the distances is never made.
    """
    dist = np.abs(x - point)
    dist[~used] = np.inf
    order = np.argsort(dist)
    cum = np.cumsum(mass[order])
    reach = np.argmax(cum >= _SPAN * cum[-1:])
    h = max(float(dist[order[reach]]), 1e-12)
    r = np.minimum(dist / h, 1.0, out=dist)
    np.subtract(1.0, r**3, out=out)
    out **= 3
    out[out < 1e-12] = 0.0  # no subnormal numbers in the products


class _CurveProxy:
    """A local-linear tricube smoother on the cells, with fixed windows (module docstring)."""

    def __init__(self, x, mass):
        used = mass > 0
        lo, hi = float(x[used].min()), float(x[used].max())
        self.x = x
        self.points = np.linspace(lo, hi, CURVE_POINTS) if hi > lo else np.array([lo])
        self.kernel = np.empty((self.points.shape[0], x.shape[0]))
        for row, point in zip(self.kernel, self.points.tolist(), strict=True):
            _tricube_weights(x, mass, used, point, out=row)

    def errors(self, c, s):
        """Eavg, E50, E90, Emax with masses ``c`` and positive masses ``s`` per cell."""
        x = self.x
        sums = self.kernel @ np.stack((c, c * x, c * x * x, s, s * x), axis=1)
        s0, s1, s2, sy, sxy = sums.T
        with np.errstate(invalid="ignore", divide="ignore"):
            mx, my = s1 / s0, sy / s0
            var = s2 / s0 - mx * mx
            slope = np.where(var > 1e-14, (sxy / s0 - mx * my) / var, 0.0)
        fit = my + slope * (self.points - mx)
        curve = np.interp(x, self.points, fit) if fit.shape[0] > 1 else np.full_like(x, fit[0])
        used = c > 0
        err, w = np.abs(x[used] - curve[used]), c[used]
        if not np.all(np.isfinite(err)) or err.shape[0] == 0:
            return [math.nan] * 4
        order = np.argsort(err)
        e50, e90 = weighted_quantile(err[order], w[order], [0.5, 0.9], presorted=True)
        return [float(err @ w / w.sum()), float(e50), float(e90), float(err.max())]


def _binned(bins, n_bins, c, c1, sum_p):
    weight = np.bincount(bins, weights=c, minlength=n_bins)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean_p = np.bincount(bins, weights=sum_p, minlength=n_bins) / weight
        observed = np.bincount(bins, weights=c1, minlength=n_bins) / weight
    return calibration_errors(weight, mean_p, observed)


def _smooth(problem, c1, c0, total):
    """Smooth ECE of resampled cells at the estimate's bandwidth (module docstring)."""
    cells = problem.cells
    resid = np.concatenate((c1 * (cells.p1 - 1.0), c0 * cells.p0))
    j, u = problem.grid_j, problem.grid_u
    grid = np.bincount(j, weights=resid * (1 - u), minlength=SMOOTH_GRID)
    grid += np.bincount(j + 1, weights=resid * u, minlength=SMOOTH_GRID)
    return trapezoid_abs(Smoother(grid).smooth(problem.bandwidth)) / total


def _decompositions(cells, c1, c0, total):
    """MCB and DSC of the log loss and of the Brier score of resampled cells."""
    from scipy.special import xlogy

    c = c1 + c0
    used = c > 0
    a1, a0 = block_weights(c1[used] / c[used], c[used], c1[used], c0[used])
    ll_recal, bs_recal = recalibrated_sums(a1, a0)
    ll_recal, bs_recal = ll_recal / total, bs_recal / total
    rate = float(c1.sum()) / total
    entropy = -float(xlogy(rate, rate) + xlogy(1.0 - rate, 1.0 - rate))
    log_loss = float(c1 @ cells.ll1 + c0 @ cells.ll0) / total
    brier = float(c1 @ cells.bs1 + c0 @ cells.bs0) / total
    return [
        log_loss - ll_recal,
        entropy - ll_recal,
        brier - bs_recal,
        rate * (1.0 - rate) - bs_recal,
    ]


def _replicate(problem, c1, c0):
    """The bootstrapped statistics (order of :data:`BOOTSTRAPPED`) of one resample."""
    cells = problem.cells
    c = c1 + c0
    total = float(c.sum())
    if not (c1.sum() > 0 and c0.sum() > 0):
        return [math.nan] * len(BOOTSTRAPPED)
    sum_p = c1 * cells.p1 + c0 * cells.p0
    ece, _, rmsce = _binned(problem.table_bin, problem.n_table, c, c1, sum_p)
    adaptive, _, _ = _binned(problem.group_bin, problem.n_groups, c, c1, sum_p)
    return [
        ece,
        rmsce,
        adaptive,
        _smooth(problem, c1, c0, total),
        *problem.curve.errors(c, c1),
        *_decompositions(cells, c1, c0, total),
    ]


def bootstrap_intervals(cells, p_s, stats, *, n_resamples, rng, confidence_level):
    """Rows of ``report.intervals`` for :data:`BOOTSTRAPPED` (NaN bounds without resamples).

    ``stats`` holds the estimates (keys as the report's attributes, the
    decomposition terms flattened as ``log_loss_miscalibration``...), and the
    ``table_edges`` and ``adaptive_edges`` of the estimate's bins.
    """
    if n_resamples == 0:
        return [
            Interval(key, stats[key], math.nan, math.nan, "none (n_resamples=0)")
            for key in BOOTSTRAPPED
        ]
    problem = _Problem(
        cells, p_s, stats["table_edges"], stats["adaptive_edges"], stats["smooth_ece_bandwidth"]
    )
    on_cells = _replicate(problem, cells.m1, cells.m0)
    replicates = np.empty((n_resamples, len(BOOTSTRAPPED)))
    for i in range(n_resamples):
        replicates[i] = _replicate(problem, rng.poisson(cells.m1), rng.poisson(cells.m0))
    what = "exact cells" if cells.exact else f"{cells.starts.shape[0]} pooled cells"
    method = f"bootstrap basic ({n_resamples} Poisson resamples, {what})"
    rows = []
    for k, (key, bounds) in enumerate(BOOTSTRAPPED.items()):
        low, high = basic_interval(
            replicates[:, k], stats[key], on_cells[k], confidence_level, bounds
        )
        rows.append(Interval(key, stats[key], low, high, method))
    return rows
