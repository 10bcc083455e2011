"""The flexible calibration curve, its pointwise band and its errors (ICI, E50, E90, Emax).

The curve is R's ``lowess(p, y, iter = 0)`` (:mod:`skbce._calibration.lowess`),
the smoother of ``rms::val.prob`` and of Austin & Steyerberg's integrated
calibration index: the smoothed observed frequency at each prediction,
interpolated linearly between the smoother's fit points (tied predictions
share one value, as ``approx(..., ties = mean)`` gives them).

Band
----
The smoother is linear in the outcomes: the fit at ``x`` is ``sum_j l_j y_j``.
Its pointwise standard error is ``sqrt(sum_j l_j^2 v_j)`` with the binomial
variance ``v_j = c(p_j) (1 - c(p_j))`` at the smoothed curve ``c`` (the
conditional variance of a 0/1 outcome whose probability is the curve; ``c``
clipped to ``[1 / (2 W)``, ``1 - 1 / (2 W)]``, ``W`` the total weight); the
band is ``c(x) +- z se(x)`` clipped to ``[0, 1]``, with ``z`` the normal
quantile of ``confidence_level``.  It covers the smoothed truth; where the
true calibration curve bends within a window (a third of the range on each
side), the smoothing bias is not in the band.  Standard errors are computed at
the fit points and interpolated in between.

Exact 0 and 1 predictions are kept, as val.prob keeps them in its smoother.

References
----------
.. [1] Austin, P. C. & Steyerberg, E. W. (2019). The Integrated Calibration
   Index (ICI) and related metrics for quantifying the calibration of logistic
   regression models. Statistics in Medicine 38, 4051-4065.
.. [2] Harrell, F. E. ``val.prob`` in the R package ``rms``.
"""

import math
from typing import NamedTuple

import numpy as np

from skbce._calibration.blocks import mass_positions
from skbce._calibration.lowess import lowess, masses_and_scale
from skbce._calibration.run_quantiles import SAMPLE, mass_threshold, run_quantiles
from skbce._losses.parallel import map_blocks

__all__ = [
    "CurveErrors",
    "FlexibleCurve",
    "curve_errors",
    "flexible_curve",
    "weighted_quantile",
]

#: Samples from which the distances to the curve are computed on threads.
PARALLEL_SAMPLES = 1 << 20

#: Points of the curve's grid.
N_GRID = 101


class CurveErrors(NamedTuple):
    """Absolute differences between predictions and the flexible curve.

    ``eavg`` is their weighted mean (the integrated calibration index, ICI),
    ``e50`` and ``e90`` their median and 90th percentile (R's default
    quantile, type 7), ``emax`` their maximum.  The smaller the better,
    minimum zero.
    """

    eavg: float
    e50: float
    e90: float
    emax: float


class FlexibleCurve(NamedTuple):
    """The flexible calibration curve on a grid, with a pointwise band.

    ``observed[i]`` is the smoothed frequency of the positive class at
    prediction ``x[i]``; ``low[i]``, ``high[i]`` its band at
    ``confidence_level``; ``central`` the 2.5% and 97.5% quantiles of the
    predictions (where the hierarchy's moderate level reads the band);
    ``binned`` whether the smoother ran on the binned approximation.
    """

    x: np.ndarray
    observed: np.ndarray
    low: np.ndarray
    high: np.ndarray
    confidence_level: float
    central: tuple
    binned: bool


def _unweighted_quantiles(values, q, presorted):
    """Type 7 quantiles by one single-``kth`` partition per quantile, largest first.

    (numpy's partition with several ``kth`` at once is several times slower.)
    """
    n = values.shape[0]
    flat = q.ravel()
    out = np.empty(flat.shape)
    work = values if presorted else values.copy()
    end = n
    for j in np.argsort(-flat, kind="stable"):
        h = (n - 1) * flat[j]
        lo = int(math.floor(h))
        if not presorted:
            work[: max(end, lo + 1)].partition(lo)  # everything after lo is >= work[lo]
            end = lo
        low = work[lo]
        high = low if lo + 1 >= n else (work[lo + 1] if presorted else work[lo + 1 :].min())
        out[j] = low + (h - lo) * (high - low)
    return out.reshape(q.shape)


def weighted_quantile(values, w, q, *, presorted=False):
    """R's default (type 7) quantiles, with weights counted as repeated rows.

    Integer weights give the quantiles of the repeated rows; other weights
    are first rescaled to sum to the number of values
    (:func:`~skbce._calibration.lowess.frequency_masses`).

    Examples
    --------
    >>> import numpy as np
    >>> from skbce._calibration.flexible_curve import weighted_quantile
    >>> weighted_quantile(np.array([1.0, 2.0, 4.0]), np.array([1.0, 2.0, 1.0]), [0.5, 0.9])
    array([2. , 3.4])
    """
    q = np.asarray(q, dtype=np.float64)
    if w is None:
        return _unweighted_quantiles(values, q, presorted)
    values, w = np.asarray(values), np.asarray(w, dtype=np.float64)
    if not presorted:
        order = np.argsort(values, kind="stable")
        values, w = values[order], w[order]
    m, scale = masses_and_scale(w)  # the frequency masses are m * scale
    if m is None:  # every mass is 1
        return _unweighted_quantiles(values, q, presorted)
    h = (float(np.add.reduce(m)) * scale - 1.0) * np.ravel(q)
    lo = np.floor(h)
    last = values.shape[0] - 1
    at_lo = values[np.minimum(mass_positions(m, mass_threshold(lo) / scale), last)]
    at_hi = values[np.minimum(mass_positions(m, mass_threshold(lo + 1.0) / scale), last)]
    return (at_lo + (h - lo) * (at_hi - at_lo)).reshape(q.shape)


def _pieces(fit, p_s):
    """``(lo, hi, a, c)`` per linear piece: ``p - curve(p) = a p - c`` on ``p_s[lo:hi]``."""
    if fit.x.shape[0] == 1:
        return [(0, p_s.shape[0], 1.0, float(fit.y[0]))]
    cuts = np.searchsorted(p_s, fit.x[1:-1], side="left")
    bounds = np.concatenate(([0], cuts, [p_s.shape[0]])).tolist()
    out = []
    for j in range(len(bounds) - 1):
        x0, x1, y0, y1 = fit.x[j], fit.x[j + 1], fit.y[j], fit.y[j + 1]
        slope = (y1 - y0) / (x1 - x0)
        out.append((bounds[j], bounds[j + 1], float(1.0 - slope), float(y0 - slope * x0)))
    return out


def _falling(p, a, c):
    """How many of the first values of ``|a p - c|`` (``p`` sorted) fall, by bisection.

    ``a p - c`` rounds monotonically in ``p``: its absolute value falls
    while it keeps the sign it starts with, then rises.
    """
    if a == 0.0:
        return 0
    lo, hi = 0, p.shape[0]
    while lo < hi:
        mid = (lo + hi) // 2
        v = float(p[mid]) * a - c
        if (v < 0.0) if a > 0 else (v > 0.0):
            lo = mid + 1
        else:
            hi = mid
    return lo


def _distance_runs(fit, p_s, w_s=None):
    """``|p - curve(p)|`` for sorted ``p``, as ascending runs: ``(distances, runs)``.

    Each linear piece of the curve gives a falling then a rising run of
    distances; the falling one is written reversed, so that every run
    ascends.  ``runs`` holds ``(start, stop, weights)``, the weights a view
    of ``w_s`` in the order of the run (None without weights).  The pieces
    of large inputs are computed on the threads of
    :func:`~skbce._losses.parallel.map_blocks` (each writes its own part).
    """
    err = np.empty_like(p_s)
    pieces = _pieces(fit, p_s)

    def piece_runs(sel):
        runs = []
        for lo, hi, a, c in pieces[sel]:
            k = lo + _falling(p_s[lo:hi], a, c)
            for start, stop, order in ((lo, k, slice(None, None, -1)), (k, hi, slice(None))):
                if stop > start:
                    piece = np.multiply(p_s[start:stop][order], a, out=err[start:stop])
                    piece -= c
                    np.abs(piece, out=piece)
                    runs.append((start, stop, None if w_s is None else w_s[start:stop][order]))
        return runs

    serial = p_s.shape[0] < PARALLEL_SAMPLES  # small inputs never pay for threads
    parts = map_blocks(piece_runs, len(pieces), 1, len(pieces) + 1 if serial else 2)
    return err, [run for part in parts for run in part]


def curve_errors(fit, p_s, w_s=None):
    """Eavg (ICI), E50, E90 and Emax of sorted predictions against a lowess fit.

    Parameters
    ----------
    fit : LowessFit
        The flexible curve (:func:`skbce._calibration.lowess.lowess`).
    p_s : ndarray of float64
        The predictions, sorted.
    w_s : ndarray of float64 or None
        Their weights.

    Returns
    -------
    errors : CurveErrors
        Eavg, E50, E90 and Emax.

    Examples
    --------
    >>> import numpy as np
    >>> from skbce._calibration.lowess import lowess
    >>> from skbce._calibration.flexible_curve import curve_errors
    >>> p = np.array([0.1, 0.2, 0.3, 0.4, 0.5, 0.6])
    >>> y = np.array([0, 0, 1, 0, 1, 1])
    >>> e = curve_errors(lowess(p, y), p)
    >>> round(e.eavg, 4), round(e.emax, 4)  # R: val.prob(p, y)["Eavg"], ["Emax"]
    (0.2233, 0.5198)
    """
    if w_s is not None and not np.all(w_s > 0):
        keep = w_s > 0
        p_s, w_s = p_s[keep], w_s[keep]
    m, scale = (None, 1.0) if w_s is None else masses_and_scale(w_s)  # masses m * scale
    err, runs = _distance_runs(fit, p_s, m)
    masses = None if m is None else [run[2] for run in runs]
    spans = [run[:2] for run in runs]
    if m is None:
        eavg = float(np.mean(err))
    else:  # pairwise sums: math.fsum over 1e7 numpy floats takes a second
        dots = [np.einsum("i,i->", mr, err[a:b]) for (a, b), mr in zip(spans, masses, strict=True)]
        eavg = math.fsum(dots) / math.fsum(float(np.add.reduce(mr)) for mr in masses)
    if err.shape[0] < SAMPLE:
        e50, e90 = weighted_quantile(err, None if m is None else np.concatenate(masses), [0.5, 0.9])
    else:  # exact too, without sorting
        e50, e90 = run_quantiles(err, masses, spans, [0.5, 0.9], mass_scale=scale)
    return CurveErrors(eavg, float(e50), float(e90), float(np.max(err)))


def flexible_curve(p_s, y_s, w_s=None, *, confidence_level=0.95, n_grid=N_GRID):
    """The flexible calibration curve of sorted data on a grid, its band and its errors.

    Parameters
    ----------
    p_s : ndarray of float64 of shape (n_samples,)
        Predicted probabilities, sorted ascending.
    y_s : ndarray of shape (n_samples,)
        Outcomes (0/1 or bool) in the same order.
    w_s : ndarray of float64 or None
        Sample weights (integer weights count as repeated rows).
    confidence_level : float, default=0.95
        Of the pointwise band.
    n_grid : int, default=101
        Grid points, evenly spaced from the smallest to the largest prediction.

    Returns
    -------
    curve : FlexibleCurve
    errors : CurveErrors

    Examples
    --------
    >>> import numpy as np
    >>> from skbce._calibration.flexible_curve import flexible_curve
    >>> rng = np.random.default_rng(0)
    >>> p = np.sort(rng.uniform(0.05, 0.95, 2000))
    >>> y = rng.uniform(size=p.size) < p
    >>> curve, errors = flexible_curve(p, y)
    >>> bool(np.all((curve.low <= curve.x) & (curve.x <= curve.high)))
    True
    >>> errors.eavg < 0.03
    True
    """
    from scipy.special import ndtri

    fit = lowess(p_s, y_s, w_s, se=True)
    z = float(ndtri(0.5 + confidence_level / 2))
    x = np.linspace(float(p_s[0]), float(p_s[-1]), n_grid)
    observed = fit.at(x)
    se = np.interp(x, fit.x, fit.se)
    low = np.clip(observed - z * se, 0.0, 1.0)
    high = np.clip(observed + z * se, 0.0, 1.0)
    q025, q975 = weighted_quantile(p_s, w_s, [0.025, 0.975], presorted=True)
    curve = FlexibleCurve(
        x, observed, low, high, confidence_level, (float(q025), float(q975)), fit.binned
    )
    return curve, curve_errors(fit, p_s, w_s)
