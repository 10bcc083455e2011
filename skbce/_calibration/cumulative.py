"""Kolmogorov-Smirnov and Kuiper tests of calibration on cumulative differences.

With the predictions sorted ascending, ties pooled and ``W`` the total weight,
the cumulative differences are ``C_i = (1/W) sum_{j <= i} w_j (y_j - p_j)``,
read only at the end of each run of tied predictions, with ``C_0 = 0``.  A
calibrated model makes ``C`` a sum of independent centred terms of variance
``w_j p_j (1 - p_j)`` (weights count as frequencies: a weight of 2 is two
rows), so ``C / sigma`` with ``sigma = sqrt(sum_j w_j p_j (1 - p_j)) / W``
is asymptotically a standard Brownian motion on ``[0, 1]`` run on a changed
clock (Tygert 2021, 2023).  ``max |C| / sigma`` then follows the law of the
supremum of ``|B|`` and ``(max C - min C) / sigma`` the law of the range of
``B`` (Feller 1951), whose survival functions
:func:`brownian_sup_abs_sf` and :func:`brownian_range_sf` give the p-values.
The statistics are read on the discrete path, at the end of each run of
ties, so the p-values are conservative (too large) for small samples and
for predictions with few distinct values.

One blocked pass over the sorted arrays computes both statistics; nothing
here sorts or validates (the report does both once).
"""

import math
from typing import NamedTuple

import numpy as np

from skbce._calibration.blocks import BLOCK, scaled_weights
from skbce._losses.parallel import map_blocks

__all__ = [
    "CumulativeTest",
    "block_path",
    "brownian_range_sf",
    "brownian_sup_abs_sf",
    "cumulative_tests",
    "ks_calibration",
    "kuiper_calibration",
    "path_extremes",
    "path_tests",
]

#: Terms of each series: the neglected terms are below 1e-300 where each is used.
_TERMS = 16


class CumulativeTest(NamedTuple):
    """A test statistic on the cumulative differences and its asymptotic p-value."""

    statistic: float
    pvalue: float


def brownian_sup_abs_sf(x):
    """``P(max_{0 <= t <= 1} |B_t| > x)`` for a standard Brownian motion ``B``.

    For ``x < 1`` the theta series
    ``1 - (4 / pi) sum_k (-1)**k / (2k + 1) exp(-(2k + 1)**2 pi**2 / (8 x**2))``
    (Feller 1951; the ``kolmogorov_smirnov`` function of Tygert's ``dists.py``
    sums the same series for the distribution function); for ``x >= 1`` the
    method-of-images series ``4 sum_k (-1)**k Phi(-(2k + 1) x)``, which keeps
    tiny p-values accurate to relative precision.

    Parameters
    ----------
    x : float or array-like
        Values of ``max |B|``; those ``<= 0`` give 1.

    Returns
    -------
    sf : float or ndarray
        ``P(max |B| > x)``, the p-value of :func:`ks_calibration`.

    Examples
    --------
    >>> from skbce._calibration.cumulative import brownian_sup_abs_sf
    >>> round(float(brownian_sup_abs_sf(2.241)), 4)
    0.05
    """
    from scipy.special import ndtr

    def theta(x, k):
        odd = 2 * k + 1
        terms = np.exp(-((odd * math.pi) ** 2) / (8.0 * x * x)) / np.where(k % 2, -odd, odd)
        return 1.0 - (4.0 / math.pi) * np.sum(terms, axis=0)

    def images(x, k):
        return 4.0 * np.sum(np.where(k % 2, -1.0, 1.0) * ndtr(-(2 * k + 1) * x), axis=0)

    return _survival(x, 1.0, theta, images)


def brownian_range_sf(x):
    """``P(max_{[0, 1]} B - min_{[0, 1]} B > x)`` for a standard Brownian motion ``B``.

    The range has density ``8 sum_{k >= 1} (-1)**(k - 1) k**2 phi(k x)``
    (Feller 1951, formula 1.4), so ``P(R > x) = 8 sum_{k >= 1} (-1)**(k - 1) k
    Phi(-k x)``, used for ``x >= 1.5``.  Below, the Poisson-summed (theta)
    form of the same law, ``P(R <= x) = 8 sum_{j odd} (1 / x**2 + 1 / (j pi)**2)
    exp(-(j pi)**2 / (2 x**2))``, which is the ``kuiper`` distribution function
    of Tygert's ``dists.py`` (Tygert 2023).

    Parameters
    ----------
    x : float or array-like
        Values of the range; those ``<= 0`` give 1.

    Returns
    -------
    sf : float or ndarray
        ``P(max B - min B > x)``, the p-value of :func:`kuiper_calibration`.

    Examples
    --------
    >>> from skbce._calibration.cumulative import brownian_range_sf
    >>> brownian_range_sf([1.0, 3.0]).round(4)
    array([0.9366, 0.0108])
    """
    from scipy.special import ndtr

    def theta(x, k):
        jpi = (2 * k + 1) * math.pi
        x2 = x * x
        return 1.0 - 8.0 * np.sum(
            (1.0 / x2 + 1.0 / jpi**2) * np.exp(-(jpi**2) / (2.0 * x2)), axis=0
        )

    def feller(x, k):
        return 8.0 * np.sum(np.where(k % 2, -k - 1, k + 1) * ndtr(-(k + 1) * x), axis=0)

    return _survival(x, 1.5, theta, feller)


def _survival(x, switch, below, above):
    """``below(x, k)`` for ``0 < x < switch``, ``above(x, k)`` beyond, 1 for ``x <= 0``.

    ``k`` holds the term indices ``0 .. _TERMS - 1`` along a leading axis.
    """
    x = np.asarray(x, dtype=np.float64)
    k = np.arange(_TERMS).reshape((-1,) + (1,) * x.ndim)
    with np.errstate(divide="ignore", over="ignore", invalid="ignore"):
        out = np.where(x < switch, below(x, k), above(x, k))
    return np.where(x > 0, np.clip(out, 0.0, 1.0), 1.0)[()]


def block_path(s, p, following):
    """``(last, top, bottom)`` of one block's part of the path ``C = -S``.

    ``s`` holds the running sums ``S`` of ``w (p - y)`` within the block
    (``C`` sums ``w (y - p)``), ``p`` the block's sorted predictions and
    ``following`` the prediction after the block (None at the end): the path
    is read at the last sample of each run of tied predictions.
    """
    ends = np.ones(p.shape[0], dtype=np.bool_)  # last sample of a tie run
    np.not_equal(p[:-1], p[1:], out=ends[:-1])
    if following is not None:
        ends[-1] = p[-1] != following
    path = s if np.all(ends) else s[ends]  # ties: read at the ends of their runs only
    top = -float(np.min(path, initial=np.inf))
    return -float(s[-1]), top, -float(np.max(path, initial=-np.inf))


def path_extremes(parts):
    """``(max C, min C)`` of the whole path (``C_0 = 0`` included) from :func:`block_path`'s.

    Adding the sums of the blocks before gives the same floats as one running
    sum (adding a number keeps the order of floats).
    """
    top = bottom = carry = 0.0
    for last, block_top, block_bottom in parts:
        top = max(top, carry + block_top)
        bottom = min(bottom, carry + block_bottom)
        carry += last
    return top, bottom


def _pooled_path(p_s, y_s, w):
    """``(max C, min C, W, V)`` of the unnormalised pooled path, blockwise.

    ``W`` is the total weight and ``V = sum w p (1 - p)``; the blocks run on
    the threads of :func:`~skbce._losses.parallel.map_blocks`.
    """
    n = p_s.shape[0]

    def block(sel):
        p = p_s[sel]
        d = np.subtract(p, y_s[sel])
        v = np.subtract(1.0, p)
        v *= p
        if w is None:
            variance, total = float(np.add.reduce(v)), float(p.shape[0])
        else:
            wb = w[sel]
            d *= wb
            variance, total = float(np.einsum("i,i->", v, wb)), float(np.add.reduce(wb))
        following = p_s[sel.stop] if sel.stop < n else None
        return block_path(np.cumsum(d, out=d), p, following), variance, total

    parts = map_blocks(block, n, BLOCK)
    top, bottom = path_extremes(part[0] for part in parts)
    return top, bottom, sum(part[2] for part in parts), sum(part[1] for part in parts)


def _pvalue(z, statistic, sf):
    """``sf(z)``; without variance (every p in {0, 1}): 1 if the statistic is 0, else 0."""
    if math.isnan(z):
        return 1.0 if statistic == 0 else 0.0
    return float(sf(z))


def cumulative_tests(p_s, y_s, w_s):
    """Kolmogorov-Smirnov and Kuiper tests from one pass: ``(ks, kuiper)``.

    Parameters and the meaning of the results as in :func:`ks_calibration`
    and :func:`kuiper_calibration`, which call this.

    Examples
    --------
    >>> import numpy as np
    >>> from skbce._calibration.cumulative import cumulative_tests
    >>> p = np.array([0.1, 0.3, 0.5, 0.7, 0.9])
    >>> y = np.array([False, False, True, True, True])
    >>> ks, kuiper = cumulative_tests(p, y, None)
    >>> round(ks.statistic, 3), round(kuiper.statistic, 3)
    (0.1, 0.18)
    """
    if p_s.shape[0] == 0:
        msg = f"p_s must hold at least one sample, got shape {p_s.shape}."
        raise ValueError(msg)
    w, scale = scaled_weights(w_s)
    return path_tests(*_pooled_path(p_s, y_s, w), scale)


def path_tests(top, bottom, total, variance, scale=1.0):
    """``(ks, kuiper)`` from the extremes of the unnormalised path, ``W`` and ``V``.

    ``top`` and ``bottom`` are ``max C`` and ``min C`` before dividing by the
    total weight ``total``; ``variance`` is ``sum w p (1 - p)``; the weights
    were divided by ``scale`` (:func:`~skbce._calibration.blocks.scaled_weights`).
    """
    ks = max(top, -bottom) / total
    kuiper = (top - bottom) / total
    sigma = math.sqrt(variance / scale) / total
    with np.errstate(divide="ignore", invalid="ignore"):
        z_ks = ks / sigma if sigma > 0 else math.nan
        z_kuiper = kuiper / sigma if sigma > 0 else math.nan
    return (
        CumulativeTest(ks, _pvalue(z_ks, ks, brownian_sup_abs_sf)),
        CumulativeTest(kuiper, _pvalue(z_kuiper, kuiper, brownian_range_sf)),
    )


def ks_calibration(p_s, y_s, w_s):
    """Kolmogorov-Smirnov test of calibration on the cumulative differences.

    With the data sorted by prediction and ties pooled,
    ``C_i = (1/W) sum_{j <= i} w_j (y_j - p_j)`` (read at the end of each run
    of tied predictions, ``C_0 = 0``, ``W`` the total weight) and the
    statistic is ``max_i |C_i|``: the largest gap between the cumulated
    outcomes and the cumulated predictions, as a share of the total weight.
    The smaller the better, minimum is zero (Tygert 2021; Gupta et al. 2021).

    The p-value is asymptotic: ``statistic / sigma`` with
    ``sigma = sqrt(sum_j w_j p_j (1 - p_j)) / W`` follows, under calibration,
    the law of ``max |B|`` for a standard Brownian motion ``B`` on ``[0, 1]``
    (:func:`brownian_sup_abs_sf`).  Weights are frequencies: integer weights
    give the statistic and p-value of the data with rows repeated, and
    multiplying all weights by ``c`` divides ``sigma`` by ``sqrt(c)``.  When
    every prediction is 0 or 1, ``sigma = 0``: the p-value is then 1.0 if
    the statistic is 0 and 0.0 otherwise (a certain prediction that failed
    is refuted).

    Parameters
    ----------
    p_s, y_s, w_s : ndarray of shape (n_samples,)
        The data as the report sorts it: predictions of the positive class
        in ascending order (float64), outcomes (bool) and positive weights
        (float64), or None for unit weights.

    Returns
    -------
    result : CumulativeTest
        ``statistic`` (``max |C|``) and its asymptotic ``pvalue``.

    References
    ----------
    M. Tygert, "Cumulative deviation of a subpopulation from the full
    population", Journal of Big Data 8 (2021); "Calibration of P-values for
    calibration and for deviation of a subpopulation from the full
    population", Advances in Computational Mathematics 49 (2023).
    K. Gupta, A. Rahimi, T. Ajanthan, T. Mensink, C. Sminchisescu and
    R. Hartley, "Calibration of neural networks using splines", ICLR 2021.

    Examples
    --------
    >>> import numpy as np
    >>> from skbce._calibration.cumulative import ks_calibration
    >>> p = np.array([0.2, 0.2, 0.4, 0.6, 0.8])
    >>> y = np.array([True, False, False, True, True])
    >>> result = ks_calibration(p, y, None)
    >>> round(result.statistic, 3), round(result.pvalue, 3)
    (0.16, 0.8)
    """
    return cumulative_tests(p_s, y_s, w_s)[0]


def kuiper_calibration(p_s, y_s, w_s):
    """Kuiper test of calibration on the cumulative differences.

    The statistic is ``max_i C_i - min_i C_i`` over the pooled cumulative
    differences of :func:`ks_calibration` (``C_0 = 0`` included): the range
    of the path, which, unlike ``max |C|``, does not depend on where the
    cumulation starts.  The smaller the better, minimum is zero.  Under
    calibration ``statistic / sigma`` asymptotically follows the range of a
    standard Brownian motion on ``[0, 1]`` (:func:`brownian_range_sf`);
    weights and the case ``sigma = 0`` as in :func:`ks_calibration`.

    Parameters
    ----------
    p_s, y_s, w_s : ndarray of shape (n_samples,)
        As for :func:`ks_calibration`.

    Returns
    -------
    result : CumulativeTest
        ``statistic`` (``max C - min C``) and its asymptotic ``pvalue``.

    References
    ----------
    M. Tygert, "Calibration of P-values for calibration and for deviation of
    a subpopulation from the full population", Advances in Computational
    Mathematics 49 (2023).
    W. Feller, "The asymptotic distribution of the range of sums of
    independent random variables", Annals of Mathematical Statistics 22
    (1951), 427-432.

    Examples
    --------
    The path dips to -0.08 and climbs to 0.1: Kuiper adds both excursions,
    Kolmogorov-Smirnov keeps the larger.

    >>> import numpy as np
    >>> from skbce._calibration.cumulative import ks_calibration, kuiper_calibration
    >>> p = np.linspace(0.1, 0.9, 5)
    >>> kuiper = kuiper_calibration(p, p > 0.4, None)
    >>> round(kuiper.statistic, 3), round(ks_calibration(p, p > 0.4, None).statistic, 3)
    (0.18, 0.1)
    """
    return cumulative_tests(p_s, y_s, w_s)[1]
