"""How numbers are printed for people: one rule for every rendering."""

import math
import numbers

__all__ = ["fmt", "p_equals"]


def fmt(value, digits=4):
    """A number for people: NaN as 'nan', integers with separators.

    Examples
    --------
    >>> from skbce._render.numbers import fmt
    >>> fmt(0.123456), fmt(1e-5), fmt(12345), fmt(float("nan"))
    ('0.1235', '1.000e-05', '12,345', 'nan')
    """
    if value is None:
        return "-"
    if isinstance(value, numbers.Integral) and not isinstance(value, bool):
        return f"{int(value):,}"
    value = float(value)
    if math.isnan(value):
        return "nan"
    if math.isinf(value):
        return "inf" if value > 0 else "-inf"
    if value != 0 and (abs(value) < 10 ** -(digits - 1) or abs(value) >= 1e6):
        return f"{value:.{digits - 1}e}"
    return f"{value:.{digits}f}"


def p_equals(p):
    """``"p = 0.012"``; ``"p < 1e-16"`` below what a double resolves near 1."""
    if p is None or math.isnan(p):
        return "p = nan"
    if p < 1e-16:
        return "p < 1e-16"
    return f"p = {p:.3g}" if p < 0.001 else f"p = {p:.3f}"
