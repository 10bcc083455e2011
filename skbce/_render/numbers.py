"""How numbers are printed for people: one rule for every rendering.

- A number has 4 significant digits, in fixed notation from ``1e-5`` up to
  ``1e6`` (``0.8478``, ``0.03412``, ``0.00008870``, ``123.5``), scientific
  outside (``1.235e-07``); integers (counts) in full with separators.
- A p-value is ``0.0123`` (4 decimals) or ``< 1e-4``: the same in the text,
  Markdown and HTML renderings of a report and of a comparison.
- An interval's bounds are clipped to the range of its statistic, and a
  bound within rounding error of an end of that range is that end (a Wilson
  bound of ``5.55e-17`` is ``0``).

Keys and raw floats stay in ``to_dict``, JSON and ``to_frame``.
"""

import math
import re

from skbce._utils.number_text import PVALUE_FLOOR, fmt, fmt_p, p_equals

__all__ = [
    "PVALUE_FLOOR",
    "RANGES",
    "clip_bound",
    "fmt",
    "fmt_interval",
    "fmt_p",
    "fmt_weight",
    "is_number_text",
    "p_equals",
]

_INF = math.inf
_UNIT = (0.0, 1.0)
_POSITIVE = (0.0, _INF)

#: The range of each statistic whose range is not the whole line (by key).
RANGES = {
    **dict.fromkeys(
        (
            "brier_score",
            "roc_auc",
            "base_rate",
            "mean_prediction",
            "ece",
            "mce",
            "rmsce",
            "adaptive_ece",
            "smooth_ece",
            "debiased_rmsce",
            "ece_sweep",
            "eavg",
            "e50",
            "e90",
            "emax",
            "nagelkerke_r2",
            "ks_calibration",
            "kuiper_calibration",
            "probability",
            "brier_score_miscalibration",
            "brier_score_discrimination",
            "brier_score_uncertainty",
        ),
        _UNIT,
    ),
    **dict.fromkeys(
        (
            "log_loss",
            "normalized_cross_entropy",
            "observed_expected_ratio",
            "observed_expected",
            "nce_baseline",
            "log_loss_miscalibration",
            "log_loss_discrimination",
            "log_loss_uncertainty",
            "hosmer_lemeshow_statistic",
            "corp_test",
        ),
        _POSITIVE,
    ),
    "d2_log_loss_score": (-_INF, 1.0),
    "somers_dxy": (-1.0, 1.0),
}

#: A bound this close to an end of its range (relative to the range's scale) is that end.
_SNAP = 1e-12


def clip_bound(value, key=None):
    """``value`` clipped to the range of statistic ``key``, snapped to its ends.

    Examples
    --------
    >>> from skbce._render.numbers import clip_bound
    >>> clip_bound(5.55e-17, "probability"), clip_bound(1.02, "roc_auc"), clip_bound(-3.0)
    (0.0, 1.0, -3.0)
    """
    if value is None or math.isnan(value):
        return math.nan
    lo, hi = RANGES.get(key, (-_INF, _INF))
    value = min(max(float(value), lo), hi)
    scale = hi - lo if math.isfinite(hi - lo) else 1.0
    for end in (lo, hi):
        if math.isfinite(end) and abs(value - end) <= _SNAP * scale:
            return end
    return value


def fmt_interval(low, high, key=None):
    """``[low, high]`` clipped to the range of statistic ``key``; ``-`` when both are NaN.

    Examples
    --------
    >>> from skbce._render.numbers import fmt_interval
    >>> fmt_interval(5.55e-17, 0.0821, "probability"), fmt_interval(float("nan"), float("nan"))
    ('[0, 0.08210]', '-')
    """
    low, high = clip_bound(low, key), clip_bound(high, key)
    if math.isnan(low) and math.isnan(high):
        return "-"
    return f"[{fmt(low)}, {fmt(high)}]"


def fmt_weight(value):
    """A total weight: whole numbers as counts (``1,034``), others as :func:`fmt`.

    Examples
    --------
    >>> from skbce._render.numbers import fmt_weight
    >>> fmt_weight(1034.0), fmt_weight(12.5)
    ('1,034', '12.50')
    """
    value = float(value)
    if math.isfinite(value) and value.is_integer() and abs(value) < 1e15:
        return fmt(int(value))
    return fmt(value)


_NUMBER = r"-?(?:\d[\d,]*(?:\.\d+)?(?:e[+-]\d+)?|nan|inf)"
_NUMBER_TEXT = re.compile(
    rf"(?:< )?{_NUMBER}|\[{_NUMBER}, {_NUMBER}\](?: \([a-z]\))?|{_NUMBER} \[{_NUMBER}, {_NUMBER}\]"
)


def is_number_text(text):
    """Whether a cell of a table holds a number, a p-value or an interval (to align it right).

    Examples
    --------
    >>> from skbce._render.numbers import is_number_text
    >>> is_number_text("0.1235"), is_number_text("[0, 0.5000] (a)"), is_number_text("< 1e-4")
    (True, True, True)
    >>> is_number_text("10 equal-weight groups"), is_number_text("chi2 = 3.0"), is_number_text("")
    (False, False, False)
    """
    return _NUMBER_TEXT.fullmatch(str(text).strip()) is not None
