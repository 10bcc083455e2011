"""Calibration statistics of probabilistic binary classifiers.

Everything here is numbers: binning, the reliability table, calibration
errors, calibration tests, the CORP score decomposition and the isotonic
(PAV) recalibration.  Inputs are trusted: the public functions in
:mod:`skbce._report.report` validate once (:mod:`skbce._utils.validation`) and hand plain
float64 arrays to :func:`binary_statistics`.  Nothing here formats text.

Design
------
One sort serves every statistic that needs order.  The probabilities are
sorted together with the labels as one integer key: the bits of a
non-negative float64 order like the float, so ``(bits(p) << 1) | (1 - y)``
sorts by ``p`` and, within ties, puts the positives first.  The sorted ``p``
and ``y`` are read back from the key, so the unweighted case needs no
``argsort``.  With that order

* a reliability bin is a contiguous slice (its bounds come from a binary
  search of the edges), so bin sums are segment sums;
* the isotonic regression (PAV) of ``y`` on ``p`` with ties pooled equals the
  sample-level isotonic regression in this order (a tie group reads ``1..1
  0..0``, a violating run that PAV pools anyway), and adjacent samples with
  the same label, or a 1 followed by a 0, always share a PAV block; so PAV
  runs on one pre-pooled block per ``0 -> 1`` transition;
* the ROC AUC is a sum over runs of equal labels (ties as mid-ranks).

Per-sample sums (log loss, Brier score, Spiegelhalter's test, the kernel
smoothing of the smooth ECE, the logistic recalibration) walk the sorted data
in blocks, so temporaries stay small.
"""

import math
import warnings
from typing import NamedTuple

import numpy as np

__all__ = [
    "Decomposition",
    "Estimate",
    "HosmerLemeshowResult",
    "Recalibration",
    "SmoothCurve",
    "SpiegelhalterResult",
    "binary_statistics",
    "sort_by_prediction",
    "sort_keys",
    "sort_keys_of",
    "wilson_interval",
]

#: Samples per block in the per-sample passes.
BLOCK = 1 << 14

#: Grid points on [0, 1] for the kernel smoothing of the smooth ECE.
SMOOTH_GRID = (1 << 14) + 1

_EPS = float(np.finfo(np.float64).eps)


def _dot(a, b):
    """Inner product of two 1-D arrays, as a Python float.

    ``np.einsum`` runs a single-threaded SIMD loop; ``np.dot`` calls a BLAS
    whose threads stall when the machine is busy.
    """
    return float(np.einsum("i,i->", a, b))


# --- results ----------------------------------------------------------------


class Estimate(NamedTuple):
    """A point estimate with a confidence interval."""

    estimate: float
    low: float
    high: float


class HosmerLemeshowResult(NamedTuple):
    """Hosmer-Lemeshow goodness-of-fit test."""

    statistic: float
    pvalue: float
    dof: int


class SpiegelhalterResult(NamedTuple):
    """Spiegelhalter's z test of calibration."""

    statistic: float
    pvalue: float


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


class SmoothCurve(NamedTuple):
    """Kernel-smoothed reliability curve at the smooth-ECE bandwidth.

    ``observed[i]`` is the smoothed frequency of the positive class near
    prediction ``x[i]``; ``density[i]`` the smoothed density of predictions.
    """

    x: np.ndarray
    observed: np.ndarray
    density: np.ndarray
    bandwidth: float


# --- sorting ----------------------------------------------------------------


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
        for start in range(0, n, BLOCK):  # the permutation's memory takes the keys
            block = order[start : start + BLOCK]
            block[...] = bits[block]
        bits = order
        del order
    y_sorted = np.empty(n, dtype=np.bool_)
    np.bitwise_and(bits, 1, out=y_sorted.view(np.uint8), casting="unsafe")
    np.logical_not(y_sorted, out=y_sorted)
    bits >>= 1
    return bits.view(np.float64), y_sorted, w_sorted


# --- bins -------------------------------------------------------------------


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
    ws = w_s[keep]
    before = cw - ws
    if before[-1] == 0:
        return np.full(n_bins + 1, ps[0])
    return np.interp(q, before / before[-1], ps)


def _equal_mass_edges(p_s, w_s, n_bins, cum_w):
    """Edges that split the weight into ``n_bins`` equal parts (ties never split).

    Edge ``k`` is the smallest prediction whose cumulative weight reaches
    ``k / n_bins`` of the total (the inverted CDF), so a bin ``(e[k-1], e[k]]``
    holds one ``n_bins``-th of the weight unless ties force otherwise.
    Integer weights give the edges of the data with rows repeated.
    """
    n = p_s.shape[0]
    k = np.arange(1, n_bins, dtype=np.int64)
    if w_s is None:
        idx = -((-k * n) // n_bins) - 1
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


class _Binning:
    """Per-bin sums of weight, ``w * p`` and ``w * y``, filled block by block."""

    def __init__(self, edges, bounds):
        self.edges = edges
        self.bounds = bounds
        nb = edges.shape[0] - 1
        self.weight = np.zeros(nb)
        self.sum_p = np.zeros(nb)
        self.sum_y = np.zeros(nb)

    def add_block(self, start, stop, p, y, w, wy, buf):
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

    def finish(self, weighted):
        self.count = np.diff(self.bounds).astype(np.int64)
        if not weighted:
            self.weight = self.count.astype(np.float64)
        with np.errstate(invalid="ignore", divide="ignore"):
            self.mean_predicted = np.where(self.weight > 0, self.sum_p / self.weight, np.nan)
            self.observed = np.where(self.weight > 0, self.sum_y / self.weight, np.nan)
        return self


# --- the per-sample pass ------------------------------------------------------


def _main_pass(p_s, y_s, w_s, binnings, grid):
    """One blocked pass: Brier, Spiegelhalter sums, bin sums, smoothing grids.

    Returns a dict of sums and fills the binnings.  ``grid`` points carry the
    linearly binned masses of ``w * (p - y)`` and ``w`` for the smooth ECE.
    Every temporary lives in a buffer allocated once.
    """
    n = p_s.shape[0]
    m1 = grid - 1
    resid = np.zeros(grid)
    mass = np.zeros(grid)
    brier = sp_num = sp_var = sum_p = 0.0
    size = min(n, BLOCK)
    d_buf, a_buf, v_buf, u_buf, s_buf = (np.empty(size) for _ in range(5))
    wd_buf = np.empty(size) if w_s is not None else None
    wy_buf = np.empty(size) if w_s is not None else None
    j_buf = np.empty(size, dtype=np.intp)
    for start in range(0, n, BLOCK):
        stop = min(start + BLOCK, n)
        k = stop - start
        p = p_s[start:stop]
        y = y_s[start:stop]
        d, a, v, u, s, j = d_buf[:k], a_buf[:k], v_buf[:k], u_buf[:k], s_buf[:k], j_buf[:k]
        np.subtract(p, y, out=d)  # residual, prediction minus outcome
        if w_s is None:
            w = wy = None
            wd = d
            sum_p += float(np.add.reduce(p))
        else:
            w = w_s[start:stop]
            wd, wy = wd_buf[:k], wy_buf[:k]
            np.multiply(d, w, out=wd)
            np.multiply(w, y, out=wy)
            sum_p += _dot(w, p)
        brier += _dot(wd, d)
        np.multiply(p, -2.0, out=a)
        a += 1.0
        sp_num -= _dot(wd, a)
        np.multiply(a, a, out=v)
        v *= p
        np.subtract(1.0, p, out=s)
        v *= s
        sp_var += float(np.add.reduce(v)) if w is None else _dot(v, w)
        for binning in binnings:
            binning.add_block(start, stop, p, y, w, wy, s)
        # Linear binning onto the grid: p is sorted, so j is too.
        np.multiply(p, m1, out=u)
        np.copyto(j, u, casting="unsafe")  # floor, as u >= 0
        np.minimum(j, m1 - 1, out=j)
        u -= j  # fraction towards the next grid point
        j0, j1 = int(j[0]), int(j[-1]) + 1
        j -= j0
        span = j1 - j0
        np.multiply(wd, u, out=s)
        resid[j0 + 1 : j1 + 1] += np.bincount(j, weights=s, minlength=span)
        np.subtract(wd, s, out=s)
        resid[j0:j1] += np.bincount(j, weights=s, minlength=span)
        if w is not None:
            u *= w
        mass[j0 + 1 : j1 + 1] += np.bincount(j, weights=u, minlength=span)
        if w is None:
            np.subtract(1.0, u, out=s)
        else:
            np.subtract(w, u, out=s)
        mass[j0:j1] += np.bincount(j, weights=s, minlength=span)
    return {
        "brier": brier,
        "sp_num": sp_num,
        "sp_var": sp_var,
        "sum_p": sum_p,
        "resid_grid": resid,
        "mass_grid": mass,
    }


# --- runs, AUC and the isotonic recalibration --------------------------------


def _segment_sums(a, starts, ends):
    """Sums of ``a[starts[i]:ends[i]]`` for sorted, non-overlapping segments."""
    out = np.zeros(starts.shape[0])
    nonempty = ends > starts
    if not np.any(nonempty):
        return out
    s, e = starts[nonempty], ends[nonempty]
    idx = np.empty(2 * s.shape[0], dtype=np.intp)
    idx[0::2] = s
    idx[1::2] = e
    if idx[-1] >= a.shape[0]:
        idx = idx[:-1]  # the last segment runs to the end
    out[nonempty] = np.add.reduceat(a, idx)[0::2]
    return out


def _runs(y_s, w_s):
    """Runs of equal labels in the sorted data: ``(starts, weights, first_label)``.

    Labels alternate from run to run, so ``first_label`` gives them all.
    """
    n = y_s.shape[0]
    mask = np.empty(n, dtype=np.bool_)
    mask[0] = True
    np.not_equal(y_s[1:], y_s[:-1], out=mask[1:])
    starts = np.flatnonzero(mask)
    del mask
    if w_s is None:
        weight = np.empty(starts.shape[0])
        np.subtract(starts[1:], starts[:-1], out=weight[:-1])
        weight[-1] = n - starts[-1]
    else:
        weight = np.add.reduceat(w_s, starts)
    return starts, weight, bool(y_s[0])


def _tie_breaks(p_s, starts):
    """Starts of zero-runs that continue a tie group of the run of ones before."""
    found = []
    for i in range(0, starts.shape[0], BLOCK):
        m = starts[i : i + BLOCK]
        found.append(m[p_s[m] == p_s[m - 1]])
    return np.concatenate(found) if found else np.empty(0, dtype=np.intp)


def _roc_auc(p_s, w_s, starts, weight, first_label, w_pos, w_neg):
    """Weighted ROC AUC with ties counted half, from the runs of labels.

    In the sorted order (positives first within ties) a positive after a
    negative has a strictly larger prediction, so the strictly ordered pairs
    are a sum over runs; tied pairs sit where a run of ones meets a run of
    zeros at the same prediction.
    """
    lead0 = not first_label
    pos = weight[int(lead0) :: 2]  # runs of ones
    neg = weight[int(not lead0) :: 2]  # runs of zeros
    before = np.cumsum(pos)
    if lead0:  # zero-run 2m has m runs of ones before it
        strict = _dot(neg[1:], w_pos - before[: neg.shape[0] - 1])
        strict += float(neg[0]) * w_pos
    else:  # zero-run 2m + 1 has m + 1 runs of ones before it
        strict = _dot(neg, w_pos - before[: neg.shape[0]])
    del before
    # 1 -> 0 transitions inside a tie group
    m = _tie_breaks(p_s, starts[(1 if first_label else 2) :: 2])
    tied = 0.0
    if m.shape[0]:
        value = p_s[m]
        left = np.searchsorted(p_s, value, side="left")
        right = np.searchsorted(p_s, value, side="right")
        if w_s is None:
            tied = _dot((m - left).astype(np.float64), right - m)
        else:
            tied = _dot(_segment_sums(w_s, left, m), _segment_sums(w_s, m, right))
    return (strict + 0.5 * tied) / (w_pos * w_neg)


def _pre_blocks(starts, weight, first_label):
    """PAV pre-blocks: a run of ones and the run of zeros after it.

    Returns ``(ones, zeros, first)``: their weights and first sample.  A
    leading run of zeros forms a pre-block of its own.
    """
    lead0 = int(not first_label)
    n_pos = (weight.shape[0] - lead0 + 1) // 2
    n_neg = weight.shape[0] - n_pos
    size = n_pos + lead0
    ones = np.zeros(size)
    ones[lead0:] = weight[lead0::2]
    zeros = np.zeros(size)
    zeros[:n_neg] = weight[1 - lead0 :: 2]
    first = np.zeros(size, dtype=np.intp)
    first[lead0:] = starts[lead0::2]
    return ones, zeros, first


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
    """
    values, weights, firsts = [], [], []
    for i, (yi, wi) in enumerate(zip(y.tolist(), w.tolist(), strict=True)):
        values.append(yi)
        weights.append(wi)
        firsts.append(i)
        while len(values) > 1 and values[-2] >= values[-1]:
            v, u = values.pop(), weights.pop()
            firsts.pop()
            total = weights[-1] + u
            values[-1] = (weights[-1] * values[-1] + u * v) / total
            weights[-1] = total
    blocks = np.array([*firsts, len(y)], dtype=np.intp)
    fitted = np.repeat(np.array(values, dtype=np.float64), np.diff(blocks))
    return fitted, blocks


def _recalibration(p_s, ones, zeros, first):
    """Isotonic (PAV) recalibration of the sorted data, from its pre-blocks.

    PAV pools each pre-block (a run of ones then a run of zeros) anyway, so it
    runs on one element per ``0 -> 1`` transition.  Returns the fitted value
    of each pre-block (pre-blocks of zero weight dropped, from all three
    arrays) and the step function.
    """
    n = p_s.shape[0]
    total = ones + zeros
    if not np.all(total > 0):
        keep = total > 0
        ones, zeros, total, first = ones[keep], zeros[keep], total[keep], first[keep]
    y = ones / total
    fitted, blocks = _isotonic(y, total)
    del y
    lo, hi = blocks[:-1], blocks[1:]
    last = np.append(first[hi[:-1]], n)  # one past the last sample of a block
    curve = Recalibration(
        lower=p_s[first[lo]],
        upper=p_s[last - 1],
        value=fitted[lo],
        weight=np.add.reduceat(total, lo),
    )
    return ones, zeros, fitted, curve


# --- smooth ECE -----------------------------------------------------------------


class _Smoother:
    """Reflected-Gaussian kernel smoothing of grid masses on [0, 1].

    The reflected Gaussian kernel (images at every reflection, i.e. the heat
    kernel with Neumann boundaries) has the cosine series
    ``K(t, s) = 1 + 2 sum_k exp(-(pi sigma k)**2 / 2) cos(pi k t) cos(pi k s)``,
    so smoothing is two DCT-I transforms.
    """

    def __init__(self, masses):
        from scipy.fft import dct

        self._dct = dct
        self.m = masses.shape[0]
        x = masses.copy()
        x[1:-1] *= 0.5
        self.coef = dct(x, type=1)
        self.k2 = (np.pi * np.arange(self.m)) ** 2

    def smooth(self, sigma):
        a = np.exp(-0.5 * sigma * sigma * self.k2)
        a *= self.coef
        a[-1] *= 2.0
        return self._dct(a, type=1)


def _trapezoid_abs(g):
    m1 = g.shape[0] - 1
    a = np.abs(g)
    return (a.sum() - 0.5 * (a[0] + a[-1])) / m1


def smooth_ece_from_grids(resid, mass, total_weight):
    """Smooth ECE with the fixed-point bandwidth, and the smoothed curve.

    ``smECE_sigma = integral |sum_i w_i (p_i - y_i) K_sigma(t, p_i)| dt / W``
    with the reflected Gaussian kernel; the reported value is at the
    bandwidth ``sigma*`` with ``smECE_sigma* = sigma*`` (Blasiok & Nakkiran,
    2023), found by Brent's method (the function decreases in ``sigma``).
    """
    from scipy.optimize import brentq

    m1 = resid.shape[0] - 1
    smoother = _Smoother(resid)

    def value(sigma):
        return _trapezoid_abs(smoother.smooth(sigma)) / total_weight

    lowest = 4.0 / m1  # the grid resolves bandwidths above this
    if not np.any(resid):
        sigma = lowest
        ece = 0.0
    elif value(lowest) <= lowest:
        sigma = lowest
        ece = value(lowest)
    elif value(1.0) >= 1.0:
        sigma = ece = 1.0
    else:
        sigma = brentq(lambda s: value(s) - s, lowest, 1.0, xtol=1e-12, rtol=1e-12)
        ece = value(sigma)
    # the smoothed reliability curve at that bandwidth
    g = smoother.smooth(sigma)
    dens = _Smoother(mass).smooth(sigma)
    grid_x = np.linspace(0.0, 1.0, m1 + 1)
    first = _Smoother(mass * grid_x).smooth(sigma)  # linear binning keeps sum w p
    step = max(1, m1 // 512)
    sel = slice(0, m1 + 1, step)
    with np.errstate(invalid="ignore", divide="ignore"):
        observed = np.clip((first[sel] - g[sel]) / dens[sel], 0.0, 1.0)
    curve = SmoothCurve(
        x=grid_x[sel], observed=observed, density=dens[sel] / total_weight, bandwidth=sigma
    )
    return float(ece), float(sigma), curve


# --- tests ----------------------------------------------------------------------


def wilson_interval(successes, trials, confidence_level):
    """Wilson score interval for a binomial proportion (NaN where ``trials == 0``).

    Examples
    --------
    >>> from skbce._calibration.statistics import wilson_interval
    >>> low, high = wilson_interval(8.0, 10.0, 0.95)
    >>> round(float(low), 4), round(float(high), 4)
    (0.4902, 0.9433)
    """
    from scipy.special import ndtri

    k = np.asarray(successes, dtype=np.float64)
    n = np.asarray(trials, dtype=np.float64)
    z = ndtri(0.5 + confidence_level / 2)
    z2 = z * z
    with np.errstate(invalid="ignore", divide="ignore"):
        phat = k / n
        denom = 1.0 + z2 / n
        center = (phat + z2 / (2 * n)) / denom
        half = z * np.sqrt(np.maximum(phat * (1 - phat), 0.0) / n + z2 / (4 * n * n)) / denom
        low = np.where(n > 0, np.clip(center - half, 0.0, 1.0), np.nan)
        high = np.where(n > 0, np.clip(center + half, 0.0, 1.0), np.nan)
    return low, high


def _hosmer_lemeshow(weight, observed_sum, expected_sum):
    """Hosmer-Lemeshow statistic over non-empty groups, ``dof = groups - 2``."""
    from scipy.special import chdtrc

    nonempty = weight > 0
    n_g, o_g, e_g = weight[nonempty], observed_sum[nonempty], expected_sum[nonempty]
    groups = int(n_g.shape[0])
    dof = groups - 2
    if dof < 1:
        warnings.warn(
            f"Hosmer-Lemeshow test needs at least 3 non-empty groups, got {groups}: "
            "statistic and p-value are nan.",
            RuntimeWarning,
            stacklevel=4,
        )
        return HosmerLemeshowResult(math.nan, math.nan, dof)
    var = e_g * (1.0 - e_g / n_g)
    diff2 = (o_g - e_g) ** 2
    with np.errstate(divide="ignore", invalid="ignore"):
        terms = np.where(var > 0, diff2 / var, np.where(diff2 > 0, np.inf, 0.0))
    stat = float(terms.sum())
    return HosmerLemeshowResult(stat, float(chdtrc(dof, stat)), dof)


def _spiegelhalter(num, var):
    """Spiegelhalter's z from its sums; two-sided p-value."""
    from scipy.special import ndtr

    if not var > 0:
        warnings.warn(
            "Spiegelhalter's test is undefined when every prediction is 0, 1/2 or 1 "
            "(zero variance): z and p-value are nan.",
            RuntimeWarning,
            stacklevel=4,
        )
        return SpiegelhalterResult(math.nan, math.nan)
    z = num / math.sqrt(var)
    return SpiegelhalterResult(z, float(2 * ndtr(-abs(z))))


# --- logistic recalibration (Cox) ------------------------------------------------


def _logit_sums(p_s, y_s, w_s, cox, citl):
    """Log-likelihood, gradient and Hessian of both recalibration models.

    ``cox = (a, b)``: ``logit P(y) = a + b logit(p)``;
    ``citl = c``: ``logit P(y) = c + logit(p)``.  Either may be None.
    With ``e = exp(-eta)``: ``mu = 1 / (1 + e)`` and the log-likelihood of a
    sample is ``-(1 - y) eta - log1p(e)``.
    """
    n = p_s.shape[0]
    out_cox = np.zeros(6)  # ll, g_a, g_b, H_aa, H_ab, H_bb
    out_citl = np.zeros(3)  # ll, g_c, H_cc
    size = min(n, BLOCK)
    x_buf, y_buf, eta_buf, e_buf, mu_buf, s_buf = (np.empty(size) for _ in range(6))
    fits = [(params, out) for params, out in ((cox, out_cox), (citl, out_citl))]
    fits = [(params, out) for params, out in fits if params is not None]
    for start in range(0, n, BLOCK):
        stop = min(start + BLOCK, n)
        k = stop - start
        x, yf, eta, e, mu, s = (b[:k] for b in (x_buf, y_buf, eta_buf, e_buf, mu_buf, s_buf))
        np.clip(p_s[start:stop], _EPS, 1 - _EPS, out=x)
        np.subtract(1.0, x, out=s)
        x /= s
        np.log(x, out=x)  # logit(p)
        np.copyto(yf, y_s[start:stop])
        w = None
        if w_s is not None:
            w = w_s[start:stop]
            yf *= w  # w * y
        for params, out in fits:
            if out is out_cox:
                np.multiply(x, params[1], out=eta)
                eta += params[0]
            else:
                np.add(x, params, out=eta)
            np.clip(eta, -700.0, 700.0, out=eta)
            np.negative(eta, out=e)
            np.exp(e, out=e)
            np.log1p(e, out=s)
            if w is None:
                ll = _dot(yf, eta) - float(np.add.reduce(eta))
                ll -= float(np.add.reduce(s))
            else:
                ll = _dot(yf, eta) - _dot(w, eta)
                ll -= _dot(w, s)
            out[0] += ll
            np.add(e, 1.0, out=mu)
            np.reciprocal(mu, out=mu)  # expit(eta)
            np.multiply(mu, mu, out=e)
            np.subtract(mu, e, out=e)  # mu (1 - mu)
            if w is None:
                np.subtract(yf, mu, out=s)
            else:
                np.multiply(mu, w, out=s)
                np.subtract(yf, s, out=s)
                e *= w
            out[1] += float(np.add.reduce(s))
            if out is out_cox:
                out[2] += _dot(s, x)
                out[3] += float(np.add.reduce(e))
                np.multiply(e, x, out=s)
                out[4] += float(np.add.reduce(s))
                out[5] += _dot(s, x)
            else:
                out[2] += float(np.add.reduce(e))
    return out_cox, out_citl


class _Newton:
    """Newton's method with step halving for a concave log-likelihood."""

    def __init__(self, start, max_iter=100, tol=1e-7):
        self.x = np.atleast_1d(np.asarray(start, dtype=np.float64))
        self.candidate = self.x.copy()
        self.ll = -np.inf
        self.step = None
        self.hessian = None
        self.converged = False
        self.failed = False
        self.iterations = 0
        self.max_iter = max_iter
        self.tol = tol

    @property
    def active(self):
        return not (self.converged or self.failed)

    def update(self, ll, grad, hess):
        """Take the sums at ``candidate``; set the next candidate."""
        self.iterations += 1
        if self.iterations > self.max_iter:
            self.failed = True
            return
        if not np.isfinite(ll) or ll < self.ll - 1e-12 * abs(self.ll):
            if self.step is None or np.max(np.abs(self.step)) < 1e-14:
                self.failed = True
                return
            self.step = self.step / 2  # back off towards the last accepted point
            self.candidate = self.x + self.step
            return
        self.x, self.ll, self.hessian = self.candidate, ll, hess
        try:
            step = np.linalg.solve(hess, grad)
        except np.linalg.LinAlgError:
            self.failed = True
            return
        if not np.all(np.isfinite(step)):
            self.failed = True
            return
        if np.max(np.abs(step) / (1.0 + np.abs(self.x))) < self.tol:
            self.x = self.x + step
            self.converged = True
            return
        self.step = step
        self.candidate = self.x + step


def _fit_recalibration(p_s, y_s, w_s, *, fit_cox):
    """Fit the Cox (slope, intercept) and calibration-in-the-large models.

    A deterministic subsample warm-starts Newton's method, so the full data
    usually needs two passes.  Newton's method stops when its step is below
    ``1e-4`` (relative) and takes that last step: the error left is of the
    order of the square of that step.
    """
    n = p_s.shape[0]
    start_cox, start_citl = np.array([0.0, 1.0]), np.array([0.0])
    step = n // (1 << 16)
    stages = [slice(None, None, step)] if step > 1 else []
    stages.append(slice(None))
    cox = citl = None
    for sel in stages:
        tol = 1e-4 if sel == slice(None) else 1e-8
        cox = _Newton(start_cox, tol=tol) if fit_cox else None
        citl = _Newton(start_citl, tol=tol)
        ps, ys = p_s[sel], y_s[sel]
        ws = None if w_s is None else w_s[sel]
        while (cox is not None and cox.active) or citl.active:
            c_args = cox.candidate if cox is not None and cox.active else None
            i_args = citl.candidate[0] if citl.active else None
            sc, si = _logit_sums(ps, ys, ws, c_args, i_args)
            if c_args is not None:
                cox.update(sc[0], sc[1:3], np.array([[sc[3], sc[4]], [sc[4], sc[5]]]))
            if i_args is not None:
                citl.update(si[0], si[1:2], si[2:3].reshape(1, 1))
        if cox is not None and cox.converged:
            start_cox = cox.x
        if citl.converged:
            start_citl = citl.x
    return cox, citl


def _estimate(newton, index, z):
    if newton is None or not newton.converged:
        return Estimate(math.nan, math.nan, math.nan)
    try:
        cov = np.linalg.inv(newton.hessian)
    except np.linalg.LinAlgError:
        return Estimate(float(newton.x[index]), math.nan, math.nan)
    se = math.sqrt(max(cov[index, index], 0.0))
    est = float(newton.x[index])
    return Estimate(est, est - z * se, est + z * se)


def _logistic_recalibration(p_s, y_s, w_s, lowest_pos, highest_neg, confidence_level):
    """Calibration slope and intercept (Cox) and calibration-in-the-large."""
    from scipy.special import ndtri

    z = float(ndtri(0.5 + confidence_level / 2))

    def clip(v):
        return min(max(float(v), _EPS), 1 - _EPS)

    fit_cox = True
    if clip(p_s[0]) == clip(p_s[-1]):
        fit_cox = False
        reason = "all predictions are equal (after clipping to [eps, 1 - eps])"
    elif clip(highest_neg) <= clip(lowest_pos):
        # (quasi-)complete separation: no negative above the lowest positive
        fit_cox = False
        reason = (
            "the predictions separate the classes perfectly, so the "
            "maximum-likelihood slope is infinite"
        )
    cox, citl = _fit_recalibration(p_s, y_s, w_s, fit_cox=fit_cox)
    if not fit_cox:
        warnings.warn(
            f"Calibration slope and intercept are nan: {reason}.",
            RuntimeWarning,
            stacklevel=4,
        )
    elif not cox.converged:
        warnings.warn(
            "Calibration slope and intercept are nan: the logistic recalibration did not converge.",
            RuntimeWarning,
            stacklevel=4,
        )
    if not citl.converged:
        warnings.warn(
            "Calibration-in-the-large is nan: its logistic fit did not converge.",
            RuntimeWarning,
            stacklevel=4,
        )
    return _estimate(cox, 1, z), _estimate(cox, 0, z), _estimate(citl, 0, z)


# --- calibration errors -------------------------------------------------------


def _calibration_errors(weight, mean_predicted, observed):
    """ECE (L1), MCE (max) and RMSCE (L2) over the non-empty bins."""
    nonempty = weight > 0
    share = weight[nonempty] / weight.sum()
    gap = np.abs(mean_predicted[nonempty] - observed[nonempty])
    ece = _dot(share, gap)
    mce = float(gap.max())
    rmsce = math.sqrt(_dot(share, gap * gap))
    return ece, mce, rmsce


# --- everything -------------------------------------------------------------


def binary_statistics(
    p_s,
    y_s,
    w_s,
    *,
    n_bins=10,
    strategy="uniform",
    confidence_level=0.95,
    baseline=None,
):
    """All statistics of the calibration report for sorted binary data.

    Parameters
    ----------
    p_s, y_s, w_s : ndarray
        The output of :func:`sort_by_prediction`: sorted probabilities of the
        positive class, labels (bool) and weights (or None).
    n_bins : int
        Bins of the table for ``"uniform"`` and ``"quantile"``; always the
        number of equal-mass groups of the adaptive ECE and Hosmer-Lemeshow.
    strategy : {"uniform", "quantile"} or ndarray of edges
        Already checked by :func:`check_strategy`.
    confidence_level : float
        Of the intervals.
    baseline : float or None
        Reference rate of the normalized cross-entropy (None: the base rate).

    Returns
    -------
    stats : dict
        Plain numbers, arrays and named tuples; keys as the report attributes.
    """
    from scipy.special import xlogy

    from skbce._metrics.losses import _binary_sums, binary_entropy
    from skbce._utils.validation import Target

    n = p_s.shape[0]
    weighted = w_s is not None
    cum_w = np.cumsum(w_s) if weighted else None
    if isinstance(strategy, str):
        if strategy == "uniform":
            edges = np.linspace(0.0, 1.0, n_bins + 1)
        else:
            edges = _quantile_edges(p_s, w_s, n_bins, cum_w)
    else:
        edges = strategy
    table = _Binning(edges, _bin_bounds(p_s, edges))
    mass_edges = _equal_mass_edges(p_s, w_s, n_bins, cum_w)
    del cum_w
    groups = _Binning(mass_edges, _bin_bounds(p_s, mass_edges))
    sums = _main_pass(p_s, y_s, w_s, (table, groups), SMOOTH_GRID)
    table.finish(weighted)
    groups.finish(weighted)

    # runs of labels: class weights, AUC, PAV
    starts, run_weight, first_label = _runs(y_s, w_s)
    total = float(run_weight.sum())
    w_pos = float(run_weight[int(not first_label) :: 2].sum())
    w_neg = total - w_pos
    if w_pos > 0 and w_neg > 0:
        roc_auc = _roc_auc(p_s, w_s, starts, run_weight, first_label, w_pos, w_neg)
    else:
        roc_auc = math.nan
        warnings.warn(
            "ROC AUC is nan: one class has zero total weight.",
            RuntimeWarning,
            stacklevel=3,
        )
    # lowest positive and highest negative, for the separation check
    lowest_pos = float(p_s[starts[int(not first_label)]])
    last_label = first_label == (starts.shape[0] % 2 == 1)
    highest_neg = float(p_s[starts[-1] - 1] if last_label else p_s[-1])
    ones, zeros, first = _pre_blocks(starts, run_weight, first_label)
    del starts, run_weight
    ones, zeros, fitted, recal = _recalibration(p_s, ones, zeros, first)
    del first
    slope, intercept, citl = _logistic_recalibration(
        p_s, y_s, w_s, lowest_pos, highest_neg, confidence_level
    )

    # scores
    target = Target(classes=np.array([0, 1]), y=y_s, encoded=True)
    loss_sums, _, _ = _binary_sums(target, p_s, w_s)
    log_loss = loss_sums.loss / total
    brier = sums["brier"] / total
    base_rate = w_pos / total
    mean_prediction = sums["sum_p"] / total
    entropy = binary_entropy(base_rate)
    nce_baseline = entropy if baseline is None else _cross_entropy(base_rate, baseline)
    with np.errstate(divide="ignore", invalid="ignore"):
        nce = log_loss / nce_baseline if nce_baseline > 0 else math.nan
        d2 = 1.0 - log_loss / entropy if entropy > 0 else math.nan

    # CORP decomposition (recalibrated scores are exact: no clipping needed)
    ll_recal = -float(np.sum(xlogy(ones, fitted) + xlogy(zeros, 1.0 - fitted))) / total
    bs_recal = (_dot(ones, (1.0 - fitted) ** 2) + _dot(zeros, fitted**2)) / total
    unc_bs = base_rate * (1.0 - base_rate)
    decomposition = {
        "log_loss": Decomposition(log_loss - ll_recal, entropy - ll_recal, entropy, log_loss),
        "brier_score": Decomposition(brier - bs_recal, unc_bs - bs_recal, unc_bs, brier),
    }

    ece, mce, rmsce = _calibration_errors(table.weight, table.mean_predicted, table.observed)
    adaptive_ece, _, _ = _calibration_errors(groups.weight, groups.mean_predicted, groups.observed)
    smooth_ece, bandwidth, smooth_curve = smooth_ece_from_grids(
        sums["resid_grid"], sums["mass_grid"], total
    )
    ci_low, ci_high = wilson_interval(table.sum_y, table.weight, confidence_level)
    hl = _hosmer_lemeshow(groups.weight, groups.sum_y, groups.sum_p)
    spiegelhalter = _spiegelhalter(sums["sp_num"], sums["sp_var"])
    with np.errstate(divide="ignore", invalid="ignore"):
        oe = w_pos / sums["sum_p"] if sums["sum_p"] > 0 else math.inf
    return {
        "n_samples": n,
        "total_weight": total,
        "log_loss": log_loss,
        "brier_score": brier,
        "normalized_cross_entropy": nce,
        "nce_baseline": nce_baseline,
        "baseline": base_rate if baseline is None else baseline,
        "d2_log_loss_score": d2,
        "roc_auc": roc_auc,
        "base_rate": base_rate,
        "mean_prediction": mean_prediction,
        "observed_expected_ratio": oe,
        "reliability": {
            "bin_lower": edges[:-1].copy(),
            "bin_upper": edges[1:].copy(),
            "count": table.count,
            "weight": table.weight,
            "mean_predicted": table.mean_predicted,
            "observed": table.observed,
            "ci_low": ci_low,
            "ci_high": ci_high,
        },
        "ece": ece,
        "mce": mce,
        "rmsce": rmsce,
        "adaptive_ece": adaptive_ece,
        "adaptive_edges": mass_edges,
        "smooth_ece": smooth_ece,
        "smooth_ece_bandwidth": bandwidth,
        "smooth_curve": smooth_curve,
        "hosmer_lemeshow": hl,
        "spiegelhalter": spiegelhalter,
        "calibration_slope": slope,
        "calibration_intercept": intercept,
        "calibration_in_the_large": citl,
        "decomposition": decomposition,
        "recalibration": recal,
    }


def _cross_entropy(rate, baseline):
    """Log loss of the constant prediction ``baseline`` when the base rate is ``rate``."""
    from scipy.special import xlogy

    return -float(xlogy(rate, baseline) + xlogy(1.0 - rate, 1.0 - baseline))
