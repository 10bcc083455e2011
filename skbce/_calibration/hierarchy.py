"""The calibration hierarchy of Van Calster et al. as a verdict.

Four levels, each implied by the next (Van Calster et al. 2016):

* **mean** (calibration-in-the-large): the average prediction equals the
  event rate.  Holds when the interval of calibration-in-the-large (the
  intercept of ``logit P(y) = c + logit(p)``) contains 0 and, when given, the
  interval of the observed/expected ratio contains 1.
* **weak**: no systematic over- or under-fitting, calibration intercept 0 and
  slope 1.  Holds when the interval of the calibration slope (Cox) contains 1
  and the unreliability test (the joint test of intercept 0 and slope 1) does
  not reject at ``1 - confidence_level``.
* **moderate**: the observed frequency equals the prediction at every
  prediction.  Holds when the flexible curve's pointwise band contains the
  diagonal over the central 95% of the predictions (between their 2.5% and
  97.5% quantiles; the tails hold too few samples to judge).
* **strong**: calibrated for every combination of the predictors.  Not
  assessable from the predictions and outcomes alone: always ``holds = None``.

``holds`` is True, False, or None when the statistic is NaN (the data cannot
tell).  "Holds" means "no evidence against it at this level of confidence",
not proof.

References
----------
.. [1] Van Calster, B., Nieboer, D., Vergouwe, Y., De Cock, B., Pencina,
   M. J. & Steyerberg, E. W. (2016). A calibration hierarchy for risk models
   was defined: from utopia to empirical data. J Clin Epidemiol 74, 167-176.
.. [2] Van Calster, B., McLernon, D. J., van Smeden, M., Wynants, L. &
   Steyerberg, E. W. (2019). Calibration: the Achilles heel of predictive
   analytics. BMC Medicine 17, 230.
"""

import math
from typing import NamedTuple

import numpy as np

from skbce._utils.number_text import fmt, p_equals

__all__ = ["CalibrationHierarchy", "HierarchyLevel", "calibration_hierarchy"]


class HierarchyLevel(NamedTuple):
    """One level of the calibration hierarchy.

    ``statistic`` names what the verdict rests on, ``estimate``, ``low`` and
    ``high`` its value and interval; ``holds`` is True, False or None (cannot
    tell); ``note`` says why in words.
    """

    level: str
    statistic: str
    estimate: float
    low: float
    high: float
    holds: bool | None
    note: str


class CalibrationHierarchy(NamedTuple):
    """The four levels (mean, weak, moderate, strong) and a plain-words summary."""

    levels: tuple
    summary: str


def _covers(low, high, value):
    if math.isnan(low) or math.isnan(high):
        return None
    return bool(low <= value <= high)


def _fmt(estimate, low, high):
    if math.isnan(low) or math.isnan(high):
        return fmt(estimate)
    return f"{fmt(estimate)} [{fmt(low)}, {fmt(high)}]"


def _as_estimate(value):
    """An ``(estimate, low, high)`` triple from an Estimate-like tuple or a float."""
    if isinstance(value, tuple):
        return tuple(float(v) for v in value[:3])
    return float(value), math.nan, math.nan


def _mean_level(citl, observed_expected):
    c, c_lo, c_hi = _as_estimate(citl)
    r, r_lo, r_hi = _as_estimate(observed_expected)
    verdicts = [_covers(c_lo, c_hi, 0.0), _covers(r_lo, r_hi, 1.0)]
    verdicts = [v for v in verdicts if v is not None]
    holds = None if not verdicts else all(verdicts)
    if holds is None:
        note = "calibration-in-the-large could not be estimated"
    elif holds:
        note = f"observed/expected {_fmt(r, r_lo, r_hi)}: predictions are right on average"
    else:
        way = "too high" if (c < 0 if not math.isnan(c) else r < 1) else "too low"
        note = f"observed/expected {_fmt(r, r_lo, r_hi)}: predictions are {way} on average"
    return HierarchyLevel("mean", "calibration_in_the_large", c, c_lo, c_hi, holds, note)


def _weak_level(slope, unreliability_pvalue, alpha):
    b, b_lo, b_hi = _as_estimate(slope)
    covers = _covers(b_lo, b_hi, 1.0)
    if covers is None or math.isnan(unreliability_pvalue):
        holds, note = None, "the calibration slope could not be estimated"
    else:
        holds = covers and unreliability_pvalue >= alpha
        if b < 1 and not covers:
            note = f"slope {_fmt(b, b_lo, b_hi)} means predictions are too extreme (overfitting)"
        elif b > 1 and not covers:
            note = f"slope {_fmt(b, b_lo, b_hi)} means predictions are too modest (underfitting)"
        elif not holds:
            note = (
                f"slope {_fmt(b, b_lo, b_hi)} is fine but intercept and slope together are "
                f"off (unreliability test {p_equals(unreliability_pvalue)})"
            )
        else:
            note = f"slope {_fmt(b, b_lo, b_hi)}: neither too extreme nor too modest"
    return HierarchyLevel("weak", "calibration_slope", b, b_lo, b_hi, holds, note)


def _moderate_level(curve):
    if curve is None:
        return HierarchyLevel(
            "moderate", "flexible_curve", math.nan, math.nan, math.nan, None, "no flexible curve"
        )
    lo, hi = curve.central
    inside = (curve.x >= lo) & (curve.x <= hi)
    if not np.any(inside):
        inside = np.ones(curve.x.shape, dtype=bool)
    x, obs = curve.x[inside], curve.observed[inside]
    low, high = curve.low[inside], curve.high[inside]
    outside = np.maximum(low - x, x - high)  # > 0 where the diagonal leaves the band
    j = int(np.argmax(outside))
    holds = bool(outside[j] <= 0)
    if holds:
        note = "the flexible curve's band contains the diagonal for the central 95% of predictions"
    else:
        observed = _fmt(obs[j], low[j], high[j])
        note = f"at prediction {fmt(x[j])} the observed frequency is {observed}"
    return HierarchyLevel(
        "moderate", "flexible_curve", float(obs[j]), float(low[j]), float(high[j]), holds, note
    )


_STRONG = HierarchyLevel(
    "strong",
    "not assessable",
    math.nan,
    math.nan,
    math.nan,
    None,
    "calibration for every combination of predictors cannot be checked from predictions alone",
)

_ADVICE = {
    "mean": "Recalibrate the intercept (or the base rate) before using the probabilities.",
    "weak": "A logistic recalibration (slope and intercept) would fix this; shrink or "
    "regularize the model to prevent it.",
    "moderate": "A flexible (isotonic) recalibration would fix this.",
}


def _summary(levels):
    """One or two sentences: what holds, the first level that does not, and what to do."""
    judged = [lv for lv in levels if lv.holds is not None]
    if not judged:
        return "The data cannot tell whether the predictions are calibrated."
    failed = [lv for lv in judged if not lv.holds]
    if not failed:
        held = [lv.level for lv in judged]
        names = ", ".join(held[:-1]) + (" and " if len(held) > 1 else "") + held[-1]
        verb = "holds" if len(held) == 1 else "hold"
        return (
            f"{names.capitalize()} calibration {verb}: no evidence of miscalibration "
            "(strong calibration cannot be checked from predictions alone)."
        )
    first = failed[0]
    before = [lv.level for lv in levels[: levels.index(first)] if lv.holds]
    if before:
        head = f"{' and '.join(before).capitalize()} calibration "
        head += f"{'holds' if len(before) == 1 else 'hold'}; {first.level} calibration does not: "
    else:
        head = f"{first.level.capitalize()} calibration does not hold: "
    return f"{head}{first.note}. {_ADVICE[first.level]}"


def calibration_hierarchy(
    *,
    calibration_in_the_large,
    calibration_slope,
    unreliability_pvalue,
    flexible_curve=None,
    observed_expected_ratio=math.nan,
    confidence_level=0.95,
):
    """The calibration hierarchy (mean, weak, moderate, strong) as a verdict.

    Parameters
    ----------
    calibration_in_the_large : Estimate or tuple ``(estimate, low, high)``
        Intercept of ``logit P(y) = c + logit(p)`` with its interval.
    calibration_slope : Estimate or tuple ``(estimate, low, high)``
        Cox calibration slope with its interval.
    unreliability_pvalue : float
        P-value of the joint test of intercept 0 and slope 1 (val.prob's U).
    flexible_curve : FlexibleCurve or None
        The flexible calibration curve with its band
        (:func:`skbce._calibration.flexible_curve.flexible_curve`).
    observed_expected_ratio : Estimate, tuple or float, default=nan
        O/E with its interval (a float: no interval, not used in the verdict).
    confidence_level : float, default=0.95
        Of the intervals; the unreliability test rejects below ``1 - confidence_level``.

    Returns
    -------
    hierarchy : CalibrationHierarchy
        ``levels`` (one :class:`HierarchyLevel` per level) and ``summary``.

    Examples
    --------
    >>> from skbce._calibration.hierarchy import calibration_hierarchy
    >>> h = calibration_hierarchy(
    ...     calibration_in_the_large=(0.01, -0.05, 0.07),
    ...     calibration_slope=(0.70, 0.62, 0.78),
    ...     unreliability_pvalue=1e-6,
    ...     observed_expected_ratio=(1.01, 0.96, 1.06),
    ... )
    >>> [level.holds for level in h.levels]
    [True, False, None, None]
    >>> print(h.summary)  # doctest: +NORMALIZE_WHITESPACE
    Mean calibration holds; weak calibration does not: slope 0.70 [0.62, 0.78] means
    predictions are too extreme (overfitting). A logistic recalibration (slope and
    intercept) would fix this; shrink or regularize the model to prevent it.
    """
    levels = (
        _mean_level(calibration_in_the_large, observed_expected_ratio),
        _weak_level(calibration_slope, float(unreliability_pvalue), 1.0 - confidence_level),
        _moderate_level(flexible_curve),
        _STRONG,
    )
    return CalibrationHierarchy(levels, _summary(levels))
