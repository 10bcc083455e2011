"""Tests of calibration: Hosmer-Lemeshow and Spiegelhalter's z test.

Weights count as frequencies (integer weights equal repeated rows), so the
statistics grow with the weights' scale; they are computed from sums divided
by a power of two, so that no scale overflows or underflows on the way.
"""

import math
import warnings
from typing import NamedTuple

import numpy as np

from skbce._calibration.blocks import power_of_two_scale

__all__ = ["HosmerLemeshowResult", "SpiegelhalterResult", "hosmer_lemeshow", "spiegelhalter"]


class HosmerLemeshowResult(NamedTuple):
    """Hosmer-Lemeshow goodness-of-fit test."""

    statistic: float
    pvalue: float
    dof: int


class SpiegelhalterResult(NamedTuple):
    """Spiegelhalter's z test of calibration."""

    statistic: float
    pvalue: float


def hosmer_lemeshow(weight, observed_sum, expected_sum):
    """Hosmer-Lemeshow statistic over non-empty groups, ``dof = groups - 2``.

    Parameters
    ----------
    weight, observed_sum, expected_sum : ndarray
        Per group: total weight, weighted count of positives, sum of ``w * p``.

    Returns
    -------
    HosmerLemeshowResult
        NaN statistic and p-value, with a warning, below 3 non-empty groups.

    Examples
    --------
    >>> import numpy as np
    >>> from skbce._calibration.goodness_of_fit import hosmer_lemeshow
    >>> hl = hosmer_lemeshow(np.array([10.0, 10, 10]), np.array([1.0, 5, 9]), np.array([2.0, 5, 8]))
    >>> round(hl.statistic, 4), hl.dof
    (1.25, 1)
    """
    from scipy.special import chdtrc

    nonempty = weight > 0
    groups = int(np.count_nonzero(nonempty))
    dof = groups - 2
    if dof < 1:
        warnings.warn(
            f"Hosmer-Lemeshow test needs at least 3 non-empty groups, got {groups}: "
            "statistic and p-value are nan.",
            RuntimeWarning,
            stacklevel=4,
        )
        return HosmerLemeshowResult(math.nan, math.nan, dof)
    scale = power_of_two_scale(float(np.max(weight)))
    n_g, o_g, e_g = (a[nonempty] / scale for a in (weight, observed_sum, expected_sum))
    var = e_g * (1.0 - e_g / n_g)
    diff2 = (o_g - e_g) ** 2
    with np.errstate(divide="ignore", invalid="ignore"):
        terms = np.where(var > 0, diff2 / var, np.where(diff2 > 0, np.inf, 0.0))
    stat = float(terms.sum()) * scale  # a Python float: overflows to inf quietly
    return HosmerLemeshowResult(stat, float(chdtrc(dof, stat)), dof)


def spiegelhalter(num, var, scale=1.0):
    """Spiegelhalter's z from its sums; two-sided p-value.

    ``num = sum w (y - p) (1 - 2 p)`` and ``var = sum w (1 - 2 p)**2 p (1 - p)``
    computed with the weights divided by ``scale``.

    Examples
    --------
    >>> from skbce._calibration.goodness_of_fit import spiegelhalter
    >>> z = spiegelhalter(2.0, 4.0)
    >>> z.statistic, round(z.pvalue, 4)
    (1.0, 0.3173)
    """
    from scipy.special import ndtr

    if not var > 0:
        warnings.warn(
            "Spiegelhalter's test is undefined when every prediction is 0, 1/2 or 1 "
            "(zero variance): z and p-value are nan.",
            RuntimeWarning,
            stacklevel=4,
        )
        return SpiegelhalterResult(math.nan, math.nan)
    z = num / math.sqrt(var) * math.sqrt(scale)
    return SpiegelhalterResult(z, float(2 * ndtr(-abs(z))))
