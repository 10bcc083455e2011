"""The one rule for printing numbers and p-values to people.

Every rendering (:mod:`skbce._render`) and every sentence written by the
calibration layer (the hierarchy's verdict) prints numbers with :func:`fmt`
and p-values with :func:`fmt_p`, so the same number reads the same
everywhere.
"""

import math
import numbers

__all__ = ["PVALUE_FLOOR", "fmt", "fmt_p", "p_equals"]

#: p-values below this print as ``< 1e-4``.
PVALUE_FLOOR = 1e-4


def fmt(value, digits=4):
    """A number for people: 4 significant digits, NaN as 'nan', integers with separators.

    Parameters
    ----------
    value : float, int or None
        The number; None prints as ``-``.
    digits : int, default=4
        Significant digits.

    Returns
    -------
    text : str

    Examples
    --------
    >>> from skbce._utils.number_text import fmt
    >>> fmt(0.123456), fmt(0.0123456), fmt(8.87e-05), fmt(1e-7), fmt(12345), fmt(float("nan"))
    ('0.1235', '0.01235', '0.00008870', '1.000e-07', '12,345', 'nan')
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
    if value == 0:
        return "0"
    exponent = math.floor(math.log10(abs(float(f"{abs(value):.{digits - 1}e}"))))
    if not -5 <= exponent < 6:
        return f"{value:.{digits - 1}e}"
    return f"{value:.{max(digits - 1 - exponent, 0)}f}"


def fmt_p(p):
    """A p-value: ``0.0123``, ``< 1e-4`` or ``nan``.

    Examples
    --------
    >>> from skbce._utils.number_text import fmt_p
    >>> fmt_p(0.01234), fmt_p(0.5), fmt_p(3e-9), fmt_p(float("nan"))
    ('0.0123', '0.5000', '< 1e-4', 'nan')
    """
    if p is None or math.isnan(p):
        return "nan"
    if p < PVALUE_FLOOR:
        return "< 1e-4"
    return f"{min(float(p), 1.0):.4f}"


def p_equals(p):
    """``"p = 0.0123"`` or ``"p < 1e-4"`` (the rule of :func:`fmt_p`).

    Examples
    --------
    >>> from skbce._utils.number_text import p_equals
    >>> p_equals(0.01234), p_equals(1e-300)
    ('p = 0.0123', 'p < 1e-4')
    """
    text = fmt_p(p)
    return f"p {text}" if text.startswith("<") else f"p = {text}"
