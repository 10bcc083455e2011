"""Logistic recalibration: the Cox calibration slope and intercept, and calibration-in-the-large.

Cox (1958): ``logit P(y) = a + b logit(p)`` gives the calibration intercept
``a`` and slope ``b``; the offset model ``logit P(y) = c + logit(p)`` gives the
calibration-in-the-large ``c`` (R: ``glm(y ~ offset(qlogis(p)), binomial)``).
Both are fitted by Newton's method on blocked sums; their Wald intervals use
the observed information at the final estimate.

Predictions of exactly 0 or 1 have infinite logits: they are left out of both
fits (as R's ``rms::val.prob`` does), with a warning that counts them; every
other statistic of the report uses them.  Predictions in ``(0, 1)`` enter
with their exact logit ``log(p / (1 - p))``, however far from 0 it is.
"""

import math
import warnings
from typing import NamedTuple

import numpy as np

from skbce._calibration.blocks import BLOCK, block_slices
from skbce._utils.numeric import weighted_sum

__all__ = ["Estimate", "logistic_recalibration"]


class Estimate(NamedTuple):
    """A point estimate with a confidence interval."""

    estimate: float
    low: float
    high: float


_NAN = Estimate(math.nan, math.nan, math.nan)


def _logits(p, out, buf):
    """``log(p / (1 - p))`` into ``out``, for ``0 < p < 1`` (exact: ``1 - p`` is)."""
    np.subtract(1.0, p, out=buf)
    np.divide(p, buf, out=out)
    np.log(out, out=out)


class _Buffers:
    """Scratch arrays of one block; the seventh only for the derivative sums."""

    def __init__(self, n, third):
        size = min(n, BLOCK)
        self.arrays = [np.empty(size) for _ in range(7 if third else 6)]

    def views(self, k):
        views = [a[:k] for a in self.arrays]
        return views if len(views) == 7 else [*views, None]


def _add_model(out, eta, x, yf, w, bufs, *, slope, third):
    """Add one block's log-likelihood, score, information (and its derivative) to ``out``.

    ``out`` holds ``ll, score, information`` (entries for ``(1, x)`` when
    ``slope``) and, when ``third``, ``T_k = sum w mu (1 - mu) (1 - 2 mu) x**k``
    for ``k`` up to 3 (1 without slope): the derivative of the information.
    """
    e, mu, s, t = bufs
    np.clip(eta, -700.0, 700.0, out=eta)
    np.negative(eta, out=e)
    np.exp(e, out=e)
    np.log1p(e, out=s)
    if w is None:  # ll = sum y eta - eta - log1p(exp(-eta))
        out[0] += weighted_sum(yf, eta) - float(np.add.reduce(eta)) - float(np.add.reduce(s))
    else:
        out[0] += weighted_sum(yf, eta) - weighted_sum(w, eta) - weighted_sum(w, s)
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
    if third:
        np.multiply(mu, -2.0, out=t)
        t += 1.0
        t *= e
    sums = [s, e, t] if third else [s, e]
    powers = (2, 3, 4) if slope else (1, 1, 1)
    base = 1
    for values, count in zip(sums, powers, strict=False):
        out[base] += float(np.add.reduce(values))
        for k in range(1, count):
            out[base + k] += weighted_sum(values, x)
            if k + 1 < count:
                values *= x
        base += count


def _sums(p, y, w, cox, citl, *, third):
    """Log-likelihood, score, information (and its derivative) of both models.

    ``cox = (a, b)`` and ``citl = c`` are the parameters (either may be None).
    Returns two arrays laid out as in :func:`_add_model`.
    """
    n = p.shape[0]
    out_cox = np.zeros(10 if third else 6)
    out_citl = np.zeros(4 if third else 3)
    buffers = _Buffers(n, third)
    for start, stop in block_slices(n):
        x, yf, eta, *bufs = buffers.views(stop - start)
        _logits(p[start:stop], x, bufs[0])
        np.copyto(yf, y[start:stop])
        wb = None if w is None else w[start:stop]
        if wb is not None:
            yf *= wb
        if cox is not None:
            np.multiply(x, cox[1], out=eta)
            eta += cox[0]
            _add_model(out_cox, eta, x, yf, wb, bufs, slope=True, third=third)
        if citl is not None:
            np.add(x, citl, out=eta)
            _add_model(out_citl, eta, x, yf, wb, bufs, slope=False, third=third)
    return out_cox, out_citl


def _cox_parts(out):
    """``(ll, score, information, derivative)`` of the Cox model's sums."""
    info = np.array([[out[3], out[4]], [out[4], out[5]]])
    if out.shape[0] == 6:
        return out[0], out[1:3], info, None
    t = out[6:10]

    def derivative(step):
        return np.array([[t[0], t[1]], [t[1], t[2]]]) * step[0] + (
            np.array([[t[1], t[2]], [t[2], t[3]]]) * step[1]
        )

    return out[0], out[1:3], info, derivative


def _citl_parts(out):
    """``(ll, score, information, derivative)`` of the offset model's sums."""
    derivative = None if out.shape[0] == 3 else (lambda step: out[3:4].reshape(1, 1) * step[0])
    return out[0], out[1:2], out[2:3].reshape(1, 1), derivative


class _Newton:
    """Newton's method with step halving for a concave log-likelihood.

    Newton's method converges quadratically: the step after ``d_k`` is about
    ``d_k**2 / d_{k-1}**2`` times ``d_k``.  It stops when that predicted next
    step (relative to ``1 + |x|``) is below ``error`` and the step itself
    below ``tol``, and takes the last step; the information matrix is moved
    to the final estimate with its derivative (first order, so its error is
    of the order of that predicted step too).  Without the derivative it
    stops only on a negligible step (it takes one more pass, which brings
    the derivative), unless ``exact_information`` is False (a warm start
    needs neither the information nor the last digits).

    ``borrowed = (derivative, information)`` is the derivative found on a
    subsample, with the information there: scaled by the ratio of the
    informations it serves the full data, whose last step is so small that
    the subsample's error in the derivative does not show.  ``lent`` holds
    the last derivative of its own sums, to lend.
    """

    #: Passes at most; the largest last step; the largest predicted error.
    max_iter = 100
    tol = 1e-4
    error = 1e-8

    def __init__(self, start, *, exact_information=True, borrowed=None):
        self.x = np.atleast_1d(np.asarray(start, dtype=np.float64))
        self.candidate = self.x.copy()
        self.ll, self.step, self.information = -np.inf, None, None
        self.status = "active"  # then "converged" or "failed"
        self.iterations = 0
        self.previous = math.inf  # the last relative step
        self.exact_information = exact_information
        self.borrowed, self.lent = borrowed, None

    def _derivative(self, derivative, information):
        """Its own derivative (kept to lend), else the borrowed one, scaled."""
        if derivative is not None:
            self.lent = (derivative, information)
            return derivative
        if self.borrowed is None:
            return None
        borrowed, reference = self.borrowed
        ratio = information[0, 0] / reference[0, 0]
        return lambda step: ratio * borrowed(step)

    def _done(self, relative, derivative):
        """Whether the step of relative size ``relative`` is the last one."""
        if not self.exact_information:
            return relative < self.tol
        if relative < 1e-10:
            return True
        if derivative is None or not relative < self.tol:
            return False
        # previous >= 1e-10 (else the previous step was the last one)
        ratio = relative / self.previous if self.previous < math.inf else 1.0
        return relative * ratio * ratio < self.error

    @property
    def active(self):
        return self.status == "active"

    @property
    def converged(self):
        return self.status == "converged"

    def update(self, ll, score, information, derivative):
        """Take the sums at ``candidate``; set the next candidate."""
        self.iterations += 1
        if self.iterations > self.max_iter:
            self.status = "failed"
            return
        if not np.isfinite(ll) or ll < self.ll - 1e-12 * abs(self.ll):
            if self.step is None or np.max(np.abs(self.step)) < 1e-14:
                self.status = "failed"
                return
            self.step = self.step / 2  # back off towards the last accepted point
            self.candidate = self.x + self.step
            return
        self.x, self.ll, self.information = self.candidate, ll, information
        derivative = self._derivative(derivative, information)
        try:
            step = np.linalg.solve(information, score)
        except np.linalg.LinAlgError:
            self.status = "failed"
            return
        if not np.all(np.isfinite(step)):
            self.status = "failed"
            return
        relative = float(np.max(np.abs(step) / (1.0 + np.abs(self.x))))
        if self._done(relative, derivative):
            self.x = self.x + step
            if derivative is not None:
                self.information = information + derivative(step)
            self.status = "converged"
            return
        self.previous = relative
        self.step = step
        self.candidate = self.x + step


#: Relative step after which the next pass may be the last.
_NEAR = 0.03


def _fit(p, y, w, *, fit_cox, fit_citl):
    """Fit the Cox (intercept, slope) and calibration-in-the-large models.

    A deterministic subsample warm-starts Newton's method, so the full data
    usually needs two passes (see :class:`_Newton` for when it stops).  The
    derivative of the information (more sums) is gathered once the last step
    is below :data:`_NEAR` (so that this pass may be the last one), on the
    subsample when there is one (it lends it to the full data).
    """
    n = p.shape[0]
    start_cox, start_citl = np.array([0.0, 1.0]), np.array([0.0])
    step = max(n >> 16, 4) if n >= 1 << 16 else 1  # a subsample of 16k to 128k rows
    stages = [slice(None, None, step)] if step > 1 else []
    stages.append(slice(None))
    cox = citl = None
    for sel in stages:
        final = sel == slice(None)
        lent_cox, lent_citl = (None if m is None else m.lent for m in (cox, citl))
        cox = _Newton(start_cox, exact_information=final, borrowed=lent_cox) if fit_cox else None
        citl = (
            _Newton(start_citl, exact_information=final, borrowed=lent_citl) if fit_citl else None
        )
        ps, ys, ws = p[sel], y[sel], None if w is None else w[sel]
        while (cox is not None and cox.active) or (citl is not None and citl.active):
            c_args = cox.candidate if cox is not None and cox.active else None
            i_args = citl.candidate[0] if citl is not None and citl.active else None
            active = [m for m in (cox, citl) if m is not None and m.active]
            near = max(m.previous for m in active) < _NEAR
            third = near and any(m.borrowed is None for m in active)
            sc, si = _sums(ps, ys, ws, c_args, i_args, third=third)
            if c_args is not None:
                cox.update(*_cox_parts(sc))
            if i_args is not None:
                citl.update(*_citl_parts(si))
        if cox is not None and cox.converged:
            start_cox = cox.x
        if citl is not None and citl.converged:
            start_citl = citl.x
    return cox, citl


def _estimate(newton, index, z, scale):
    """Estimate and Wald interval; the information is of weights divided by ``scale``."""
    if newton is None or not newton.converged:
        return _NAN
    est = float(newton.x[index])
    try:
        cov = np.linalg.inv(newton.information)
    except np.linalg.LinAlgError:
        return Estimate(est, math.nan, math.nan)
    se = math.sqrt(max(cov[index, index], 0.0)) / math.sqrt(scale)
    return Estimate(est, est - z * se, est + z * se)


def _finite_logits(p_s, y_s, w_s):
    """The rows with ``0 < p < 1`` (a slice of the sorted data) and the counts left out."""
    lo = int(np.searchsorted(p_s, 0.0, side="right"))
    hi = int(np.searchsorted(p_s, 1.0, side="left"))
    n = p_s.shape[0]
    if lo or hi < n:
        warnings.warn(
            f"{lo} prediction(s) of exactly 0 and {n - hi} of exactly 1 have infinite "
            "logits: they were left out of the logistic recalibration (calibration "
            "slope, intercept and calibration-in-the-large), as R's rms::val.prob does; "
            "every other statistic uses them.",
            RuntimeWarning,
            stacklevel=4,
        )
    return p_s[lo:hi], y_s[lo:hi], None if w_s is None else w_s[lo:hi]


def _why_no_slope(p, y):
    """Why the Cox model cannot be fitted on sorted ``(p, y)``, or None."""
    n = p.shape[0]
    if n == 0:
        return "every prediction is exactly 0 or 1"
    if not (y.any() and not y.all()):
        return "the predictions strictly between 0 and 1 hold one class only"
    if p[0] == p[-1]:
        return "all predictions are equal"
    lowest_pos = p[int(np.argmax(y))]
    highest_neg = p[n - 1 - int(np.argmin(y[::-1]))]
    if highest_neg <= lowest_pos:  # (quasi-)complete separation
        return (
            "the predictions separate the classes perfectly, so the "
            "maximum-likelihood slope is infinite"
        )
    return None


def logistic_recalibration(p_s, y_s, w_s, confidence_level, scale=1.0):
    """Calibration slope, intercept (Cox) and calibration-in-the-large, with Wald intervals.

    Parameters
    ----------
    p_s, y_s, w_s : ndarray
        Sorted predictions, labels (bool) and weights (or None), the weights
        divided by ``scale``.
    confidence_level : float
        Of the Wald intervals (``estimate +- z * se``, as R's ``confint.default``).
    scale : float
        The factor the weights were divided by: weights count as frequencies,
        so the standard errors shrink as ``1 / sqrt(scale)``.

    Returns
    -------
    slope, intercept, in_the_large : Estimate
        NaN (with a warning saying why) when a model cannot be fitted.
    """
    from scipy.special import ndtri

    z = float(ndtri(0.5 + confidence_level / 2))
    p, y, w = _finite_logits(p_s, y_s, w_s)
    reason = _why_no_slope(p, y)
    cox, citl = _fit(p, y, w, fit_cox=reason is None, fit_citl=p.shape[0] > 0)
    if reason is not None:
        message = f"Calibration slope and intercept are nan: {reason}."
    elif not cox.converged:
        message = (
            "Calibration slope and intercept are nan: the logistic recalibration did not converge."
        )
    else:
        message = None
    if message is not None:
        warnings.warn(message, RuntimeWarning, stacklevel=3)
    if citl is None or not citl.converged:
        warnings.warn(
            "Calibration-in-the-large is nan: its logistic fit did not converge"
            + (" (every prediction is exactly 0 or 1)." if citl is None else "."),
            RuntimeWarning,
            stacklevel=3,
        )
    return (
        _estimate(cox, 1, z, scale),
        _estimate(cox, 0, z, scale),
        _estimate(citl, 0, z, scale),
    )
