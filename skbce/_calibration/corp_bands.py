"""Bands on the CORP (isotonic) reliability curve, and the CORP miscalibration test.

As R's ``reliabilitydiag`` (Dimitriadis, Gneiting & Jordan 2021), on the x
grid of the curve (the ends of its PAV blocks):

* consistency band: where the curve would lie if the predictions were
  calibrated.  Resampling: outcomes drawn as Bernoulli(p) at the observed
  predictions, the isotonic curve recomputed; pointwise quantiles.
  (``reliabilitydiag`` also bootstraps the predictions; that makes the
  resampled curves smoother than the observed one, and the test below
  reject too often: 68% of its p-values fell below 0.52 in 200 calibrated
  simulations.)  With ``N`` the total mass and ``G`` the number of
  distinct predictions, skbce switches exactly where ``reliabilitydiag``
  does: resampling when ``N <= max(1000, min(5000, 50 G))``; above,
  the discrete asymptotics when ``N >= 8 G**2`` (``x +- z sqrt(x (1 - x) /
  n_x)``, ``n_x`` the mass at ``x``) and the continuous ones otherwise
  (``x +- q (4 x (1 - x) / (N f(x)))**(1/3)``, ``q`` the quantile of
  Chernoff's distribution, ``f`` a Gaussian kernel density of the
  predictions with Silverman's bandwidth, reflected at 0 and 1).  With
  ``n_resamples=0`` the asymptotic band is used at every ``N``.
* confidence band: the rows are bootstrapped and their outcomes drawn from
  the isotonic curve itself, the curve recomputed; pointwise quantiles
  (``reliabilitydiag`` resamples at every ``N`` for this band).  None when
  ``n_resamples=0``.
* test: the statistic is the CORP miscalibration term of the Brier score
  (``reliabilitydiag``'s default score); its p-value is ``(1 + #{T* >= T}) /
  (1 + B)`` over ``B`` resamples under calibration (the consistency
  resamples): a Monte Carlo test given the predictions, exact with exact
  cells and integer weights.

Resamples run on the cells of :mod:`skbce._calibration.resampling` (exact
when the data hold at most ``MAX_CELLS`` distinct predictions); the test
compares the resampled statistics with the statistic on the same cells.
"""

import functools
import math
from typing import NamedTuple

import numpy as np

from skbce._calibration.flexible_curve import weighted_quantile
from skbce._calibration.label_runs import _segment_sums
from skbce._calibration.resampling import isotonic_fit
from skbce._calibration.smooth_ece import Smoother

__all__ = ["CorpTest", "CurveBand", "chernoff_quantile", "corp_bands"]

_DENSITY_GRID = 1025


class CurveBand(NamedTuple):
    """A pointwise band on the CORP curve: ``low[i] <= curve <= high[i]`` at ``x[i]``."""

    x: np.ndarray
    low: np.ndarray
    high: np.ndarray
    method: str


class CorpTest(NamedTuple):
    """The CORP miscalibration test: ``statistic`` (Brier MCB), ``pvalue`` and ``method``."""

    statistic: float
    pvalue: float
    method: str


@functools.lru_cache(maxsize=16)
def chernoff_quantile(q):
    """Quantile ``q`` (in [0.5, 1)) of Chernoff's distribution, ``argmax_t W(t) - t**2``.

    Its density is ``g(z) g(-z) / 2`` with ``g`` the inverse Fourier transform
    of ``2**(1/3) / Ai(i 2**(-1/3) u)`` (Groeneboom 1989), integrated here
    numerically.

    Examples
    --------
    >>> from skbce._calibration.corp_bands import chernoff_quantile
    >>> round(chernoff_quantile(0.95), 3)  # Groeneboom & Wellner (2001), Table 2
    0.845
    """
    from scipy.special import airy

    u = np.linspace(0.0, 16.0, 401)
    ghat = 2.0 ** (1.0 / 3.0) / airy(1j * 2.0 ** (-1.0 / 3.0) * u)[0]
    z = np.linspace(0.0, 3.0, 301)

    step = np.full(u.shape, u[1])  # trapezoid rule over u >= 0 (g is real)
    step[[0, -1]] *= 0.5
    re, im = ghat.real * step / np.pi, ghat.imag * step / np.pi

    def g(t):  # in runs of 32 values of t: no matrix of all of them
        out = np.empty(t.shape[0])
        for i in range(0, t.shape[0], 32):
            ut = np.outer(t[i : i + 32], u)
            out[i : i + 32] = np.cos(ut) @ re + np.sin(ut) @ im
        return out

    density = 0.5 * g(z) * g(-z)
    cdf = 0.5 + np.concatenate(([0.0], np.cumsum(0.5 * (density[1:] + density[:-1]) * z[1])))
    return float(np.interp(q, cdf, z))


def _band_x(recalibration):
    return np.unique(np.concatenate((recalibration.lower, recalibration.upper)))


def _density(cells, mass, n_total):
    """Kernel density of the predictions on a grid of [0, 1] (Silverman's bandwidth)."""
    x = cells.x[mass > 0]
    w = mass[mass > 0]
    mean = float(w @ x) / float(w.sum())
    sd = math.sqrt(max(float(w @ (x - mean) ** 2) / float(w.sum()), 0.0))
    q25, q75 = weighted_quantile(x, w, [0.25, 0.75], presorted=True)
    spread = min(sd, (q75 - q25) / 1.34) or sd
    bandwidth = max(0.9 * spread * n_total ** (-0.2), 2.0 / (_DENSITY_GRID - 1))
    m1 = _DENSITY_GRID - 1
    u = np.clip(x, 0.0, 1.0) * m1
    j = np.minimum(np.floor(u).astype(np.intp), m1 - 1)
    frac = u - j
    grid = np.bincount(j, weights=w * (1 - frac), minlength=_DENSITY_GRID)
    grid += np.bincount(j + 1, weights=w * frac, minlength=_DENSITY_GRID)
    smoothed = np.maximum(Smoother(grid).smooth(bandwidth), 0.0)
    area = (smoothed.sum() - 0.5 * (smoothed[0] + smoothed[-1])) / m1  # trapezoid rule
    return np.linspace(0.0, 1.0, _DENSITY_GRID), smoothed / area


def _asymptotic_band(x, p_s, m, cells, total, confidence_level):
    """The discrete or continuous asymptotic consistency band (module docstring)."""
    from scipy.special import ndtri

    var = x * (1.0 - x)
    if total >= 8.0 * cells.distinct**2:
        left = np.searchsorted(p_s, x, side="left")
        right = np.searchsorted(p_s, x, side="right")
        n_x = (right - left).astype(np.float64) if m is None else _segment_sums(m, left, right)
        half = float(ndtri(0.5 + confidence_level / 2)) * np.sqrt(var / n_x)
        method = "discrete asymptotics (normal at each distinct prediction)"
    else:
        grid, dens = _density(cells, cells.mass, total)
        f = np.interp(x, grid, dens)
        with np.errstate(divide="ignore"):
            half = chernoff_quantile(0.5 + confidence_level / 2) * np.cbrt(4.0 * var / (total * f))
        method = "continuous asymptotics (Chernoff)"
    return CurveBand(x, np.clip(x - half, 0.0, 1.0), np.clip(x + half, 0.0, 1.0), method)


def _resampled_curve(cells, c, s, x):
    """The isotonic curve of resampled cells at ``x`` (constant beyond their range)."""
    used = c > 0
    if not np.any(used):  # a bootstrap that drew no row (tiny data): no curve
        return np.full(x.shape, np.nan), np.empty(0), used
    fit = isotonic_fit(s[used] / c[used], c[used])
    return np.interp(x, cells.x[used], fit), fit, used


def _brier_mcb(cells, c, s, fit, used):
    """Brier miscalibration term of cells whose rows all predict the cell's mean."""
    a, b, px = s[used], c[used] - s[used], cells.x[used]
    score = float(a @ (1.0 - px) ** 2 + b @ px**2)
    recal = float(a @ (1.0 - fit) ** 2 + b @ fit**2)
    return (score - recal) / float(c.sum())


def _pointwise(curves, confidence_level):
    alpha = 1.0 - confidence_level
    with np.errstate(invalid="ignore"):
        finite = np.isfinite(curves).sum(axis=0) > 0
        low = np.full(curves.shape[1], np.nan)
        high = np.full(curves.shape[1], np.nan)
        if np.any(finite):
            kept = curves if np.all(finite) else curves[:, finite]  # no copy when all are
            q = np.nanquantile(kept, [alpha / 2, 1 - alpha / 2], axis=0)
            low[finite], high[finite] = q
    return low, high


def _outcomes(rng, mass, probability):
    """Positive mass of cells whose rows draw Bernoulli outcomes.

    A cell of integer mass ``c`` (rows, or integer weights counted as rows)
    gets Binomial(``c``, ``probability``); a non-integer mass counts as
    ``max(1, round(c))`` rows of equal weight.
    """
    rows = np.maximum(np.rint(mass), 1.0)
    return rng.binomial(rows.astype(np.int64), probability) * (mass / rows)


def _resample(cells, x, cep, rng, n_resamples, consistency_curves):
    """Curves of both bands and Brier MCBs of the resamples.

    Consistency (and the test): outcomes drawn as Bernoulli(p) at the
    observed predictions; their curves are kept only if
    ``consistency_curves`` (else None: an asymptotic band).  Confidence: the
    rows bootstrapped (Poisson masses per cell) and their outcomes drawn from
    the isotonic curve ``cep``, as ``reliabilitydiag`` does.
    """
    mass = cells.mass
    consistency = np.empty((n_resamples, x.shape[0])) if consistency_curves else None
    confidence = np.empty((n_resamples, x.shape[0]))
    mcb = np.empty(n_resamples)
    for i in range(n_resamples):
        s = _outcomes(rng, mass, cells.x)
        curve, fit, used = _resampled_curve(cells, mass, s, x)
        if consistency is not None:
            consistency[i] = curve
        mcb[i] = _brier_mcb(cells, mass, s, fit, used)
        counts = rng.poisson(mass)
        s = rng.binomial(counts, cep).astype(np.float64)
        confidence[i] = _resampled_curve(cells, counts.astype(np.float64), s, x)[0]
    return consistency, confidence, mcb


def corp_bands(p_s, m, cells, recalibration, statistic, *, n_resamples, rng, confidence_level):
    """``(consistency_band, confidence_band, corp_test)`` of sorted data (module docstring).

    ``m`` are the frequency masses (None: one per row), ``cells`` the
    :class:`~skbce._calibration.resampling.Cells` of the data (with
    ``n_resamples=0``, their :class:`~skbce._calibration.resampling.CellMeans`
    suffice),
    ``recalibration`` the report's CORP curve and ``statistic`` its Brier
    miscalibration term.
    """
    x = _band_x(recalibration)
    total = float(p_s.shape[0]) if m is None else float(np.add.reduce(m))
    resampling = total <= max(1000, min(5000, 50 * cells.distinct))
    if n_resamples == 0:
        band = _asymptotic_band(x, p_s, m, cells, total, confidence_level)
        return band, None, CorpTest(statistic, math.nan, "none (n_resamples=0)")
    mass = cells.mass
    _, fit, used = _resampled_curve(cells, mass, cells.m1, x)
    on_cells = _brier_mcb(cells, mass, cells.m1, fit, used)
    cep = np.zeros_like(mass)
    cep[used] = np.clip(fit, 0.0, 1.0)
    curves, confidence_curves, mcb = _resample(cells, x, cep, rng, n_resamples, resampling)
    if resampling:
        low, high = _pointwise(curves, confidence_level)
        consistency = CurveBand(x, low, high, f"resampling ({n_resamples} resamples)")
    else:
        consistency = _asymptotic_band(x, p_s, m, cells, total, confidence_level)
    low, high = _pointwise(confidence_curves, confidence_level)
    confidence = CurveBand(x, low, high, f"resampling ({n_resamples} resamples)")
    pvalue = (1.0 + float(np.count_nonzero(mcb >= on_cells - 1e-12 * abs(on_cells)))) / (
        1.0 + n_resamples
    )
    what = "" if cells.exact else f", on {cells.starts.shape[0]} pooled cells"
    method = f"Bernoulli resampling under calibration ({n_resamples} resamples{what})"
    return consistency, confidence, CorpTest(statistic, pvalue, method)
