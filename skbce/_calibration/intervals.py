"""Exact and asymptotic intervals of the report's headline numbers.

Weights count as frequencies: the masses of
:func:`~skbce._calibration.lowess.frequency_masses` (integer weights as they
are, so they give the intervals of the data with rows repeated; other weights
rescaled to sum to the number of samples).

* Log loss and Brier score: the mean of per-sample losses, with the
  t interval ``mean +- t_{M-1} s / sqrt(M)``, ``s`` the weighted standard
  deviation of the losses (denominator ``M - 1``) and ``M`` the total mass.
* ROC AUC: DeLong et al. (1988), the variance ``S10 / M1 + S01 / M0`` of the
  placement values (ties counted half; as ``pROC::ci.auc(method = "delong")``),
  the interval ``AUC +- z sqrt(var)`` clipped to [0, 1].
* Observed/expected ratio: ``O/E * exp(+-z sqrt((1 - P) / O))``, the binomial
  standard error of ``log O`` (:func:`~skbce._calibration.subgroups.observed_expected`).

References
----------
.. [1] DeLong, E. R., DeLong, D. M. & Clarke-Pearson, D. L. (1988). Comparing the
   areas under two or more correlated receiver operating characteristic
   curves: a nonparametric approach. Biometrics 44, 837-845.
.. [2] Sun, X. & Xu, W. (2014). Fast implementation of DeLong's algorithm for
   comparing the areas under correlated receiver operating characteristic
   curves. IEEE Signal Processing Letters 21, 1389-1393.
"""

import math
from typing import NamedTuple

import numpy as np

from skbce._calibration.blocks import block_step
from skbce._calibration.label_runs import _segment_sums, _tie_breaks, label_runs
from skbce._calibration.lowess import frequency_masses
from skbce._calibration.subgroups import observed_expected
from skbce._losses.parallel import map_blocks
from skbce._utils.numeric import float_clip_bounds, weighted_sum

__all__ = [
    "INTERVAL_COLUMNS",
    "Interval",
    "LossMoments",
    "auc_interval",
    "exact_intervals",
    "loss_moments",
    "masses_of",
    "mean_loss_intervals",
    "multiclass_loss_intervals",
]


class Interval(NamedTuple):
    """One row of ``report.intervals``: a statistic, its estimate and interval, the method."""

    statistic: str
    estimate: float
    low: float
    high: float
    method: str


#: Columns of ``report.intervals``.
INTERVAL_COLUMNS = Interval._fields


def masses_of(w_s, n):
    """Frequency masses of the sorted weights (None: every sample counts once)."""
    return None if w_s is None else frequency_masses(w_s)


def _sum_sq(values, m):
    """``sum m values**2`` (``m`` None: unit masses), without a temporary."""
    if m is None:
        return float(np.einsum("i,i->", values, values))
    return float(np.einsum("i,i,i->", values, values, m))


def _log_of_outcome(p, y):
    """``log p`` where ``y`` (bool) is true, else ``log(1 - p)``: minus the per-sample losses."""
    q = np.subtract(1.0, p)
    np.copyto(q, p, where=y)  # the probability of the outcome
    return np.log(q, out=q)


def _squared_deviations(p_s, y_s, m, log_loss, brier, clip_dtype):
    """``sum m (l - log_loss)**2`` and ``sum m (b - brier)**2`` of the per-sample losses.

    ``l`` the log losses (clipped as the report's, to the bounds of
    ``clip_dtype``), ``b`` the squared errors; block by block (on the threads
    of :func:`~skbce._losses.parallel.map_blocks`), in two buffers per block.
    The sorted predictions need clipping only when the first or the last does.
    """
    lo, hi = float_clip_bounds(clip_dtype)
    n = p_s.shape[0]
    clip = n > 0 and not lo <= p_s[0] <= p_s[-1] <= hi

    def block(sel):
        y = y_s[sel]
        mb = None if m is None else m[sel]
        p = np.clip(p_s[sel], lo, hi) if clip else p_s[sel]
        q = _log_of_outcome(p, y)
        q += log_loss  # -(l - log_loss)
        b = np.subtract(p_s[sel], y, out=p if clip else None)
        b *= b
        b -= brier
        return _sum_sq(q, mb), _sum_sq(b, mb)

    sums = map_blocks(block, n, block_step(n))
    return math.fsum(s[0] for s in sums), math.fsum(s[1] for s in sums)


class LossMoments(NamedTuple):
    """Count, means and sums of squared deviations (about the means) of the per-sample losses."""

    n: int
    log_loss: float
    log_loss_m2: float
    brier: float
    brier_m2: float


def loss_moments(p, y, *, clip_dtype=np.float64):
    """The :class:`LossMoments` of unweighted data in any order (losses clipped as the report's).

    The log losses clip ``p`` to the bounds of ``clip_dtype``.  Block by
    block, each block's mean and squared deviations about it, then combined
    (Chan, Golub & LeVeque 1983), so that no centre is needed first: the
    report computes this on the data as given, while it sorts them.

    Examples
    --------
    >>> import numpy as np
    >>> from skbce._calibration.intervals import loss_moments
    >>> m = loss_moments(np.array([0.8, 0.4]), np.array([1.0, 0.0]))
    >>> round(m.log_loss, 6), round(m.brier, 2), round(m.brier_m2, 4)
    (0.366985, 0.1, 0.0072)
    """
    lo, hi = float_clip_bounds(clip_dtype)

    def block(sel):
        pb = np.clip(p[sel], lo, hi)
        q = _log_of_outcome(pb, y[sel] != 0)
        b = np.subtract(p[sel], y[sel], out=pb)
        b *= b
        return _moments(q, -1.0), _moments(b, 1.0)

    n = p.shape[0]
    parts = map_blocks(block, n, block_step(n))
    ll, ll_m2 = _combine(part[0] for part in parts)
    bs, bs_m2 = _combine(part[1] for part in parts)
    return LossMoments(n, ll, ll_m2, bs, bs_m2)


def _moments(values, sign):
    """``(count, mean, sum of squared deviations)`` of ``sign * values``; ``values`` overwritten."""
    mean = float(np.add.reduce(values)) / values.shape[0]
    values -= mean
    return values.shape[0], sign * mean, float(np.einsum("i,i->", values, values))


def _combine(parts):
    """Mean and squared deviations of the union of blocks given by :func:`_moments`."""
    parts = list(parts)
    total = sum(count for count, _, _ in parts)
    mean = math.fsum(count * mean for count, mean, _ in parts) / total
    m2 = math.fsum(m2 + count * (block_mean - mean) ** 2 for count, block_mean, m2 in parts)
    return mean, m2


def _t_interval(mean, sum_sq, total, confidence_level, upper):
    """``mean +- t s / sqrt(M)`` clipped to ``[0, upper]`` (NaN when ``M <= 1``)."""
    from scipy.stats import t as student

    if not total > 1:
        return math.nan, math.nan
    se = math.sqrt(max(sum_sq, 0.0) / (total - 1.0) / total)
    half = float(student.ppf(0.5 + confidence_level / 2, total - 1.0)) * se
    return max(mean - half, 0.0), min(mean + half, upper)


def mean_loss_intervals(
    p_s, y_s, m, log_loss, brier, confidence_level, moments=None, *, clip_dtype=np.float64
):
    """Student t intervals of the mean log loss and Brier score (module docstring).

    ``m`` holds the frequency masses (None: one per sample); ``log_loss`` and
    ``brier`` the report's estimates, the centres of the squared deviations.
    ``moments``: the :class:`LossMoments` of the same unweighted samples, if
    already computed (their sums of squares are moved to the centres).  The
    log losses clip ``p_s`` to the bounds of ``clip_dtype``.
    """
    if moments is None:
        sq_ll, sq_bs = _squared_deviations(p_s, y_s, m, log_loss, brier, clip_dtype)
    else:
        sq_ll = moments.log_loss_m2 + moments.n * (moments.log_loss - log_loss) ** 2
        sq_bs = moments.brier_m2 + moments.n * (moments.brier - brier) ** 2
    total = float(p_s.shape[0]) if m is None else float(np.add.reduce(m))
    ll_low, ll_high = _t_interval(log_loss, sq_ll, total, confidence_level, math.inf)
    bs_low, bs_high = _t_interval(brier, sq_bs, total, confidence_level, 1.0)
    method = "t (mean of per-sample losses)"
    return (
        Interval("log_loss", log_loss, ll_low, ll_high, method),
        Interval("brier_score", brier, bs_low, bs_high, method),
    )


def multiclass_loss_intervals(
    codes, P, w, log_loss, brier, confidence_level, *, clip_dtype=np.float64
):
    """Student t intervals of the all-class log loss and Brier score of a probability matrix.

    The per-sample losses are ``-log P[i, y_i]`` (clipped as the log loss
    clips it, to the bounds of ``clip_dtype``) and
    ``sum_k (P[i, k] - [y_i = k])**2``; ``w`` the sample weights (counted as
    frequencies), ``log_loss`` and ``brier`` the estimates.

    Examples
    --------
    >>> import numpy as np
    >>> from skbce._calibration.intervals import multiclass_loss_intervals
    >>> P = np.array([[0.7, 0.2, 0.1], [0.1, 0.8, 0.1], [0.2, 0.2, 0.6], [0.3, 0.3, 0.4]])
    >>> codes = np.array([0, 1, 2, 0])
    >>> ll = float(-np.log(P[np.arange(4), codes]).mean())
    >>> rows = multiclass_loss_intervals(codes, P, None, ll, 0.4, 0.95)
    >>> [row.statistic for row in rows], round(rows[0].estimate, 4)
    (['log_loss', 'brier_score'], 0.5737)
    """
    m = masses_of(w, codes.shape[0])
    lo, hi = float_clip_bounds(clip_dtype)

    def block(sel):
        Pb, cb = P[sel], codes[sel]
        q = Pb[np.arange(Pb.shape[0]), cb]
        b = np.einsum("ij,ij->i", Pb, Pb)
        b -= 2.0 * q
        b += 1.0 - brier
        q = np.log(np.clip(q, lo, hi, out=q), out=q)
        q += log_loss  # -(l - log_loss)
        mb = None if m is None else m[sel]
        return _sum_sq(q, mb), _sum_sq(b, mb)

    n = codes.shape[0]
    sums = map_blocks(block, n, max(1, block_step(n) // P.shape[1]))
    total = float(n) if m is None else float(np.add.reduce(m))
    method = "t (mean of per-sample losses)"
    bounds = (("log_loss", log_loss, math.inf, 0), ("brier_score", brier, 2.0, 1))
    return tuple(
        Interval(
            name,
            value,
            *_t_interval(value, math.fsum(s[i] for s in sums), total, confidence_level, upper),
            method,
        )
        for name, value, upper, i in bounds
    )


def _shifted_cumsum(values, lead, size):
    """``out[i] = sum(values[: i + lead])`` for ``i < size`` (``lead`` is 0 or 1)."""
    out = np.empty(size)
    if lead:
        np.cumsum(values[:size], out=out)
    elif size:
        out[0] = 0.0
        np.cumsum(values[: size - 1], out=out[1:])
    return out


def _tie_masses(p_s, m, runs, lead):
    """Ties across the end of a run of positives: ``(k, j, tied_pos, tied_neg)``.

    ``k`` indexes the run of positives, ``j`` the run of negatives after it,
    ``tied_pos`` and ``tied_neg`` the masses of the rows tied at the boundary.
    """
    b = _tie_breaks(p_s, runs.starts[(1 if runs.first_label else 2) :: 2])
    value = p_s[b]
    left = np.searchsorted(p_s, value, side="left")
    right = np.searchsorted(p_s, value, side="right")
    if m is None:
        tied_pos, tied_neg = (b - left).astype(np.float64), (right - b).astype(np.float64)
    else:
        tied_pos, tied_neg = _segment_sums(m, left, b), _segment_sums(m, b, right)
    r = np.searchsorted(runs.starts, b)  # the run of negatives starting at b
    return (r - 1 - lead) // 2, (r - 1 + lead) // 2, tied_pos, tied_neg


def _tie_blocks(p_s, step):
    """``(start, stop)`` of blocks of about ``step`` rows that never split a tie."""
    n, start = p_s.shape[0], 0
    while start < n:
        stop = min(start + step, n)
        if stop < n:
            stop = int(np.searchsorted(p_s, p_s[stop - 1], side="right"))
        yield start, stop
        start = stop


def _placement_sums(p_s, y_s, m, auc, m1, m0):
    """DeLong's ``sum pos (V10 - AUC)**2`` and ``sum neg (V01 - AUC)**2``, from the label runs.

    In the sorted order (positives first within ties) the negatives below the
    positives of a run are those of the runs before it, and the positives
    above the negatives of a run those of the runs after it; a tie across the
    end of a run of positives adds half the tied mass of the other class to
    the tied rows only.  Block by block (blocks never split a tie), so that
    the runs take little memory.
    """
    s10 = s01 = neg_before = pos_before = 0.0
    for start, stop in _tie_blocks(p_s, block_step(p_s.shape[0])):
        mb = None if m is None else m[start:stop]
        runs = label_runs(y_s[start:stop], mb)
        lead = int(not runs.first_label)  # index of the first run of positives
        ones, zeros = runs.weight[lead::2], runs.weight[1 - lead :: 2]
        # negatives before each run of positives, positives before each run of negatives
        v10 = _shifted_cumsum(zeros, lead, ones.shape[0])
        v10 += neg_before
        v10 /= m0
        v10 -= auc  # each positive of a run, ties aside
        v01 = _shifted_cumsum(ones, 1 - lead, zeros.shape[0])
        v01 += pos_before - m1
        v01 /= -m1
        v01 -= auc  # each negative of a run, ties aside
        k, j, tied_pos, tied_neg = _tie_masses(p_s[start:stop], mb, runs, lead)
        h10, h01 = 0.5 * tied_neg / m0, 0.5 * tied_pos / m1
        s10 += _sum_sq(v10, ones) + float(tied_pos @ (h10 * (2.0 * v10[k] + h10)))
        s01 += _sum_sq(v01, zeros) + float(tied_neg @ (h01 * (2.0 * v01[j] + h01)))
        neg_before += float(np.add.reduce(zeros))
        pos_before += float(np.add.reduce(ones))
    return s10, s01


def auc_interval(p_s, y_s, m, auc, confidence_level):
    """DeLong's interval of the ROC AUC of sorted data (module docstring).

    Examples
    --------
    >>> import numpy as np
    >>> from skbce._calibration.intervals import auc_interval
    >>> p = np.array([0.1, 0.3, 0.35, 0.4, 0.6, 0.8])
    >>> y = np.array([False, False, True, False, True, True])
    >>> r = auc_interval(p, y, None, 8 / 9, 0.95)
    >>> round(r.low, 4), round(r.high, 4)  # pROC: ci.auc(y, p, method = "delong")
    (0.5809, 1.0)
    """
    from scipy.special import ndtri

    method = "DeLong"
    m1 = float(np.count_nonzero(y_s)) if m is None else weighted_sum(y_s, m)
    m0 = (float(p_s.shape[0]) if m is None else float(np.add.reduce(m))) - m1
    if not (m1 > 1 and m0 > 1) or math.isnan(auc):
        return Interval("roc_auc", auc, math.nan, math.nan, method)
    s10, s01 = _placement_sums(p_s, y_s, m, auc, m1, m0)
    variance = s10 / (m1 - 1.0) / m1 + s01 / (m0 - 1.0) / m0
    half = float(ndtri(0.5 + confidence_level / 2)) * math.sqrt(variance)
    return Interval("roc_auc", auc, max(auc - half, 0.0), min(auc + half, 1.0), method)


def exact_intervals(p_s, y_s, w_s, stats, confidence_level, *, clip_dtype=np.float64):
    """The rows of the statistics with exact or asymptotic intervals.

    Log loss and Brier score (t), ROC AUC (DeLong), observed/expected ratio
    (log-normal); ``stats`` is :func:`~skbce._calibration.statistics.binary_statistics`'s,
    with the :class:`LossMoments` of the data under ``loss_moments`` when the
    caller computed them.  The log losses clip ``p_s`` to the bounds of
    ``clip_dtype``, as ``stats["log_loss"]`` does.
    """
    m = masses_of(w_s, p_s.shape[0])
    moments = stats.get("loss_moments") if m is None else None
    rows = list(
        mean_loss_intervals(
            p_s,
            y_s,
            m,
            stats["log_loss"],
            stats["brier_score"],
            confidence_level,
            moments,
            clip_dtype=clip_dtype,
        )
    )
    rows.append(auc_interval(p_s, y_s, m, stats["roc_auc"], confidence_level))
    total = float(p_s.shape[0]) if m is None else float(np.add.reduce(m))
    o_e = observed_expected(
        stats["base_rate"] * total,
        stats["mean_prediction"] * total,
        total,
        confidence_level=confidence_level,
    )
    ratio = stats["observed_expected_ratio"]
    rows.append(Interval("observed_expected_ratio", ratio, o_e.low, o_e.high, "log-normal (O/E)"))
    return rows
