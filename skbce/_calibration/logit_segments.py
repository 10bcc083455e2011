"""The logits of sorted predictions, compressed into segments without loss of precision.

The logistic recalibration fits ``logit P(y) = a + b x`` with ``x = logit(p)``;
every Newton step needs sums over the samples of functions of ``a + b x``
(the logistic function ``sigma``, its derivative, the softplus).  Here the
sorted logits are cut, in one pass, into segments of half-width at most
``radius``; each segment keeps its centre ``c`` and the weighted moments
``sum w t**k`` of the distances ``t = x - c`` (``k <= ORDER + 2``), and the
whole data keeps ``sum w y`` and ``sum w y x``.  A sum such as
``sum w sigma(a + b x)`` is then, segment by segment, the Taylor series of
``sigma`` at ``a + b c`` applied to the moments.  The series of ``sigma``
converges for ``|b t| < pi`` (its poles are at ``+-i pi``); cut after the
power :data:`ORDER` with ``|b t| <= REACH`` its error is about
``(REACH / pi)**(ORDER + 1)``, below ``1e-14`` of the sum (checked against
``math.fsum`` of the samples in ``tests/test_calibration_fast_paths.py``).  So a Newton
step costs a few operations per segment instead of a pass over the data,
and the fit iterates to full precision.

Samples whose logits lie so far apart (against the slope) that segments would
hold fewer than about :data:`MIN_PER_SEGMENT` samples each are kept one by one
instead (``radius = 0``: each logit is its own centre), which is exact.
"""

import math
from typing import NamedTuple

import numpy as np

from skbce._calibration.blocks import block_step
from skbce._losses.parallel import map_blocks

__all__ = ["MIN_PER_SEGMENT", "ORDER", "REACH", "Segments", "logit_segments", "model_sums"]

#: Powers of the Taylor series kept.
ORDER = 4
#: Largest ``|slope| * |logit - centre|`` the series serves.
REACH = 0.02
#: Below this many samples per segment (on average), samples are kept one by one.
MIN_PER_SEGMENT = 4


class Segments(NamedTuple):
    """Segments of sorted logits: centres, moments ``sum w t**k``, ``sum w y``, ``sum w y x``.

    ``moments[:, k]`` is ``sum w t**k`` over the segment (``moments[:, 0]``
    its weight); ``radius`` bounds ``|t|`` (0: one sample per segment, and
    only the weights are kept).
    """

    centre: np.ndarray
    moments: np.ndarray
    radius: float
    sum_y: float
    sum_yx: float


def logits(p, out=None):
    """``log(p / (1 - p))`` for ``0 < p < 1`` (exact: ``1 - p`` is), into ``out``."""
    out = np.subtract(1.0, p, out=out)
    np.divide(p, out, out=out)
    return np.log(out, out=out)


def _segment_block(p, y, w, origin, width):
    """One block: segment numbers, their moments, ``sum w y`` and ``sum w y x``."""
    x = logits(p)
    yf = y.astype(np.float64)
    if w is not None:
        yf *= w
    sum_y = float(np.add.reduce(yf))
    yf *= x
    sums = (sum_y, float(np.add.reduce(yf)))
    u = np.subtract(x, origin, out=yf)  # >= 0 (up to rounding): x is sorted
    u *= 1.0 / width
    number = np.floor(u, out=x)
    t = np.subtract(u, number, out=u)
    t -= 0.5
    t *= width  # x - centre, centre = origin + (number + 0.5) width
    starts = np.flatnonzero(number[1:] != number[:-1])
    starts += 1
    starts = np.concatenate(([0], starts))
    moments = np.empty((starts.shape[0], ORDER + 3))
    if w is None:
        moments[:, 0] = np.diff(np.append(starts, p.shape[0]))
        power = t.copy()
    else:
        moments[:, 0] = np.add.reduceat(w, starts)
        power = t * w
    for k in range(1, ORDER + 3):
        moments[:, k] = np.add.reduceat(power, starts)
        if k < ORDER + 2:
            power *= t
    return number[starts], moments, sums


def _merge(parts, origin, width):
    """Segments of the whole data from those of its blocks (a segment may span blocks)."""
    numbers = np.concatenate([part[0] for part in parts])
    moments = np.concatenate([part[1] for part in parts])
    first = np.flatnonzero(np.concatenate(([True], numbers[1:] != numbers[:-1])))
    if first.shape[0] < numbers.shape[0]:
        moments = np.add.reduceat(moments, first, axis=0)
        numbers = numbers[first]
    sum_y = math.fsum(part[2][0] for part in parts)
    sum_yx = math.fsum(part[2][1] for part in parts)
    centre = origin + (numbers + 0.5) * width
    return Segments(centre, moments, width / 2, sum_y, sum_yx)


def _one_by_one(p, y, w):
    """Every sample its own segment (exact for any slope)."""
    x = logits(p)
    yf = y.astype(np.float64)
    if w is not None:
        yf *= w
    mass = np.ones((p.shape[0], 1)) if w is None else w.reshape(-1, 1).copy()
    return Segments(x, mass, 0.0, float(np.sum(yf)), float(np.einsum("i,i->", yf, x)))


def logit_segments(p, y, w, radius):
    """The :class:`Segments` of sorted ``p`` in ``(0, 1)`` with labels ``y`` and weights ``w``.

    ``radius`` is the largest half-width of a segment (``REACH / |slope|``
    serves slopes up to ``|slope|``).  One blocked pass, on worker threads
    for large inputs.

    Examples
    --------
    >>> import numpy as np
    >>> from skbce._calibration.logit_segments import logit_segments
    >>> p = np.array([0.2, 0.2001, 0.2002, 0.2003, 0.5, 0.5001, 0.5002, 0.5003])
    >>> seg = logit_segments(p, np.array([0, 0, 1, 0, 1, 1, 0, 1]), None, 0.5)
    >>> seg.moments[:, 0].tolist(), seg.sum_y  # two segments of 4 samples, 4 positives
    ([4.0, 4.0], 4.0)
    """
    n = p.shape[0]
    origin = float(logits(p[:1])[0])
    span = float(logits(p[-1:])[0]) - origin
    if not span / (2.0 * radius) < max(n, 1) / MIN_PER_SEGMENT:
        return _one_by_one(p, y, w)
    width = 2.0 * radius

    def block(sel):
        return _segment_block(p[sel], y[sel], None if w is None else w[sel], origin, width)

    return _merge(map_blocks(block, n, block_step(n)), origin, width)


def _sigma_series(eta, order):
    """Taylor coefficients of ``sigma(eta + tau)`` in ``tau``, powers ``0..order`` (at most 5).

    The derivatives are polynomials in ``mu = sigma(eta)`` and ``nu =
    sigma(-eta)``, each computed on its own (no ``1 - mu``), written so that
    every term keeps its precision relative to ``mu nu``.
    """
    from scipy.special import expit

    mu, nu = expit(eta), expit(-eta)
    v = mu * nu
    out = np.empty((eta.shape[0], order + 1))
    out[:, 0] = mu
    if order >= 1:
        out[:, 1] = v
    if order >= 2:
        out[:, 2] = v * (nu - mu) / 2
    if order >= 3:
        out[:, 3] = v * (1.0 - 6.0 * v) / 6
    if order >= 4:
        out[:, 4] = v * (nu - mu) * (1.0 - 12.0 * v) / 24
    if order >= 5:
        out[:, 5] = v * (1.0 - v * (30.0 - 120.0 * v)) / 120
    return out


def _totals(coef, slope, seg):
    """``sum_samples g_f(eta) x**i`` (``i = 0, 1, 2``), ``g_f`` of Taylor coefficients ``coef``.

    ``coef`` has shape ``(segments, functions, terms)``; the result
    ``(functions, 3)``.  Per segment the sums about the centre are
    ``A_j = sum_k coef_k slope**k moments_{k+j}``; about 0 they become
    ``A_0``, ``c A_0 + A_1`` and ``c**2 A_0 + 2 c A_1 + A_2``.
    """
    c = seg.centre
    if seg.radius == 0:  # one sample per segment: t = 0
        weighted = coef[:, :, 0] * seg.moments[:, :1]
        return np.stack([weighted.sum(axis=0), c @ weighted, (c * c) @ weighted], axis=1)
    terms = coef.shape[2]
    scaled = coef * slope ** np.arange(terms)
    hankel = np.lib.stride_tricks.sliding_window_view(seg.moments, terms, axis=1)[:, :3]
    about = scaled @ hankel.transpose(0, 2, 1)  # (segments, functions, j)
    a0, a1, a2 = about[:, :, 0], about[:, :, 1], about[:, :, 2]
    return np.stack(
        [a0.sum(axis=0), c @ a0 + a1.sum(axis=0), (c * c) @ a0 + 2.0 * (c @ a1) + a2.sum(axis=0)],
        axis=1,
    )


def model_sums(seg, intercept, slope):
    """Log-likelihood, score and information of ``logit P(y) = intercept + slope x``.

    The score and information are those of ``(intercept, slope)``; the
    offset model (slope fixed at 1) uses their first entries.

    Examples
    --------
    >>> import numpy as np
    >>> from scipy.special import expit
    >>> from skbce._calibration.logit_segments import logit_segments, model_sums
    >>> p = np.linspace(0.1, 0.9, 9)
    >>> y = np.array([0, 0, 1, 0, 1, 0, 1, 1, 1])
    >>> ll, score, info = model_sums(logit_segments(p, y, None, 0.005), 0.0, 1.0)
    >>> bool(np.isclose(score[0], (y - p).sum()))
    True
    """
    order = 0 if seg.radius == 0 else seg.moments.shape[1] - 3
    eta = intercept + slope * seg.centre
    sigma = _sigma_series(eta, order + 1)
    coef = np.empty((eta.shape[0], 3, order + 1))
    coef[:, 0] = sigma[:, : order + 1]  # the mean
    coef[:, 1] = sigma[:, 1:] * np.arange(1, order + 2)  # its derivative, the variance
    coef[:, 2, 0] = np.logaddexp(0.0, eta)  # the softplus, whose derivative is sigma
    coef[:, 2, 1:] = sigma[:, :order] / np.arange(1, order + 1)
    (mu, var, sp) = _totals(coef, slope, seg)
    sp = sp[0]
    ll = intercept * seg.sum_y + slope * seg.sum_yx - sp
    score = np.array([seg.sum_y - mu[0], seg.sum_yx - mu[1]])
    information = np.array([[var[0], var[1]], [var[1], var[2]]])
    return ll, score, information
