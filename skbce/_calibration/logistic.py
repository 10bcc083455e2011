"""Logistic recalibration: the Cox calibration slope and intercept, and calibration-in-the-large.

Cox (1958): ``logit P(y) = a + b logit(p)`` gives the calibration intercept
``a`` and slope ``b``; the offset model ``logit P(y) = c + logit(p)`` gives the
calibration-in-the-large ``c`` (R: ``glm(y ~ offset(qlogis(p)), binomial)``).
Both are fitted by Newton's method, to full precision, on the sorted logits
compressed into narrow segments (:mod:`skbce._calibration.logit_segments`:
one pass over the data, then a few operations per segment and step); their
Wald intervals use the observed information at the final estimate.

Predictions of exactly 0 or 1 have infinite logits: they are left out of both
fits (as R's ``rms::val.prob`` does), with a warning that counts them; every
other statistic of the report uses them.  Predictions in ``(0, 1)`` enter
with their exact logit ``log(p / (1 - p))``, however far from 0 it is.
"""

import math
import warnings
from typing import NamedTuple

import numpy as np

from skbce._calibration.logit_segments import REACH, logit_segments, model_sums

__all__ = ["Estimate", "logistic_recalibration"]


class Estimate(NamedTuple):
    """A point estimate with a confidence interval."""

    estimate: float
    low: float
    high: float


_NAN = Estimate(math.nan, math.nan, math.nan)


class _Fit(NamedTuple):
    """Where Newton's method stopped: parameters, information there, and whether it converged."""

    x: np.ndarray
    information: np.ndarray
    converged: bool


#: Newton steps at most.
_MAX_ITER = 100


def _newton(seg, start, *, slope):
    """Maximum likelihood on the segments by Newton's method with step halving.

    ``slope`` False fits the offset model (slope fixed at 1).  It stops once
    a step is below ``1e-12`` relative to ``1 + |x|`` (the information is
    then the one at the final estimate), or when no step along the Newton
    direction raises the likelihood and the step is already below ``1e-8``
    (rounding); otherwise it fails.
    """
    size = 2 if slope else 1

    def sums(theta):
        ll, score, info = model_sums(seg, theta[0], theta[1] if slope else 1.0)
        return ll, score[:size], info[:size, :size]

    theta = np.array(start, dtype=np.float64)
    ll, score, info = sums(theta)
    for _ in range(_MAX_ITER):
        if not np.isfinite(ll):
            break
        try:
            step = np.linalg.solve(info, score)
        except np.linalg.LinAlgError:
            break
        if not np.all(np.isfinite(step)):
            break
        relative = float(np.max(np.abs(step) / (1.0 + np.abs(theta))))
        for _ in range(60):  # halve until the likelihood does not drop
            new = sums(theta + step)
            if np.isfinite(new[0]) and new[0] >= ll - 1e-12 * abs(ll):
                break
            step = step / 2
        else:
            return _Fit(theta, info, relative < 1e-8)
        theta = theta + step
        ll, score, info = new
        if relative < 1e-12:
            return _Fit(theta, info, True)
    return _Fit(theta, info, False)


#: Slopes up to this size are served by the first segmentation.
_SLOPE = 4.0


def _fit(p, y, w, *, fit_cox, fit_citl):
    """Fit the Cox (intercept, slope) and calibration-in-the-large models.

    One pass builds the segments (:mod:`skbce._calibration.logit_segments`)
    for slopes up to :data:`_SLOPE`; a steeper fitted slope gets narrower
    segments (another pass) and the fit continues from where it was.
    """
    if not (fit_cox or fit_citl):
        return None, None
    seg = logit_segments(p, y, w, REACH / _SLOPE)
    citl = _newton(seg, [0.0], slope=False) if fit_citl else None
    cox = None
    start = [0.0, 1.0]
    for _ in range(3 if fit_cox else 0):
        cox = _newton(seg, start, slope=True)
        steep = abs(float(cox.x[1]))
        if not cox.converged or steep * seg.radius <= REACH:
            break
        start = cox.x
        seg = logit_segments(p, y, w, REACH / (1.25 * steep))
    return cox, citl


def _estimate(fit, index, z, scale):
    """Estimate and Wald interval; the information is of weights divided by ``scale``."""
    if fit is None or not fit.converged:
        return _NAN
    est = float(fit.x[index])
    try:
        cov = np.linalg.inv(fit.information)
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
    # the offset model's maximum is at an infinite c unless both classes are there
    both = bool(y.any() and not y.all())
    cox, citl = _fit(p, y, w, fit_cox=reason is None, fit_citl=both)
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
        why = "its logistic fit did not converge."
        if citl is None:
            why = (
                "every prediction is exactly 0 or 1."
                if p.shape[0] == 0
                else "the predictions strictly between 0 and 1 hold one class only, "
                "so its maximum-likelihood estimate is infinite."
            )
        warnings.warn(f"Calibration-in-the-large is nan: {why}", RuntimeWarning, stacklevel=3)
    return (
        _estimate(cox, 1, z, scale),
        _estimate(cox, 0, z, scale),
        _estimate(citl, 0, z, scale),
    )
