"""The indices of ``rms::val.prob``: Somers' Dxy, Nagelkerke's R2, D, U and Q.

With ``L(p) = -2 sum_i w_i [y_i log p_i + (1 - y_i) log(1 - p_i)]`` (the
deviance of the predictions as they are), ``L0`` the deviance of the base
rate (intercept only), ``L_cal`` the deviance after the logistic
recalibration ``logit P(y) = a + b logit(p)`` and ``W`` the total weight:

* discrimination index ``D = (L0 - L(p) - 1) / W``; its likelihood-ratio
  chi-square ``L0 - L(p)`` on 1 degree of freedom;
* unreliability index ``U = (L(p) - L_cal - 2) / W``; its chi-square
  ``L(p) - L_cal`` on 2 degrees of freedom tests intercept 0 and slope 1
  jointly (Cox 1958);
* quality index ``Q = D - U``;
* Nagelkerke's ``R2 = (1 - exp(-(L0 - L(p)) / W)) / (1 - exp(-L0 / W))``;
* Somers' ``Dxy = 2 AUC - 1``.

Weights count as repeated rows (integer weights give the numbers of the
repeated data; other weights are rescaled to sum to the number of samples,
:func:`~skbce._calibration.lowess.frequency_masses`).  ``val.prob`` itself
ignores its ``weights`` argument unless ``group`` is given.

Exact 0 and 1 predictions
-------------------------
Their logits are infinite: as ``val.prob`` does, and as the logistic
recalibration (:mod:`skbce._calibration.logistic`) does, they are left out of
the deviances, so D, U, Q and R2 (and ``W``) are those of the other samples.
``somers_dxy`` is ``2 AUC - 1`` with the AUC of every sample (val.prob's
leaves them out too); the flexible curve keeps them, as val.prob's does.

Constant predictions
--------------------
When every prediction (or every one strictly between 0 and 1, after the
exact 0 and 1 are left out) has one value, the slope of the recalibration
cannot be fitted; as ``val.prob``'s own branch for ``length(unique(p)) ==
1``: D's chi-square and R2 are 0 (``D = -1 / W``) and U's chi-square is
``L(p) - L0`` on 1 degree of freedom (the intercept alone), ``U = (chi2 -
1) / W``.  A constant 0 or 1 is then kept, as ``val.prob`` keeps it: a label
it contradicts makes U infinite.  (``val.prob`` prints Emax and E90 of 0
there: its vector of results has one value more than names, shifting them;
the flexible curve gives ``|p - mean(y)|`` for all three errors.)

Separated classes
-----------------
When the predictions separate the classes (all negatives at or below all
positives, or the reverse) the recalibration has no maximum-likelihood fit
(the slope is infinite, so the report's slope and intercept are NaN), but
its likelihood has a supremum: ``L_cal`` is its deviance (0, or that of the
samples at the boundary value at their mean outcome), so U is a number.
``val.prob``'s ``lrm.fit`` stops on the way (slope about 8) with U's
chi-square a little lower (``tests/test_valprob_edges.py``).

Large data
----------
Above ``EXACT_MAX`` (``10**5``) samples, the deviances are computed on the
bins of the binned lowess (:mod:`skbce._calibration.lowess`): each bin counts
as its weight of samples at its mean prediction with its mean outcome.  The
errors of ``L(p)`` and ``L_cal`` then largely cancel in U (exactly calibrated
predictions make them equal); ``tests/test_valprob.py`` checks, at
``2 * 10**5`` samples, a relative difference from the exact indices below
``1e-4`` for D's chi-square, R2 and Q and below ``1e-3`` (or ``0.01`` in
absolute terms) for U's chi-square (seen: at most ``3e-5``, and ``8e-4``
absolute on calibrated data, whose U is about 1).

References
----------
.. [1] Harrell, F. E. (2015). Regression Modeling Strategies, 2nd ed.,
   section 10.9; ``val.prob`` in the R package ``rms``.
.. [2] Cox, D. R. (1958). Two further applications of a model for binary
   regression. Biometrika 45, 562-565.
.. [3] Nagelkerke, N. J. D. (1991). A note on a general definition of the
   coefficient of determination. Biometrika 78, 691-692.
"""

import math
from typing import NamedTuple

import numpy as np

from skbce._calibration.flexible_curve import FlexibleCurve, flexible_curve
from skbce._calibration.lowess import (
    BINS,
    EXACT_MAX,
    bin_starts,
    mass_sums,
    masses_and_scale,
    outcome_sums,
)

__all__ = [
    "LikelihoodRatioIndex",
    "ValProb",
    "ValProbIndices",
    "indices_of_statistics",
    "val_prob",
    "val_prob_indices",
]

#: Samples per block of the deviance pass.
_BLOCK = 1 << 14


class LikelihoodRatioIndex(NamedTuple):
    """An index of val.prob with its likelihood-ratio test.

    ``index`` is the index (D or U), ``statistic`` the likelihood-ratio
    chi-square, ``dof`` its degrees of freedom and ``pvalue`` its upper tail.
    """

    index: float
    statistic: float
    dof: int
    pvalue: float


class ValProbIndices(NamedTuple):
    """Somers' Dxy, Nagelkerke's R2 and the D, U and Q indices of ``rms::val.prob``.

    The larger the better for ``somers_dxy``, ``nagelkerke_r2``,
    ``discrimination_index`` and ``quality_index``; the smaller the better
    for ``unreliability`` (0 or below: no evidence of miscalibration).
    """

    somers_dxy: float
    nagelkerke_r2: float
    discrimination_index: LikelihoodRatioIndex
    unreliability: LikelihoodRatioIndex
    quality_index: float


def _deviances(p_s, y_s, m, intercept, slope):
    """``L(p)`` and ``L_cal``: deviances of the predictions and of their recalibration.

    One blocked pass.  A sample's log-likelihood is ``y eta - log(1 + exp(eta))``
    with ``eta = logit(p)`` (then ``y log p + (1 - y) log(1 - p)``) and
    ``eta = intercept + slope logit(p)``, ``eta`` clipped to ``[-700, 700]``.
    """
    as_is = recalibrated = 0.0
    for start in range(0, p_s.shape[0], _BLOCK):
        p = p_s[start : start + _BLOCK]
        yf = y_s[start : start + _BLOCK].astype(np.float64)
        lq = np.log1p(-p)
        logit = np.log(p)
        logit -= lq
        if m is not None:
            mass = m[start : start + _BLOCK]
            yf *= mass
            lq *= mass
        eta = logit * slope
        eta += intercept
        np.clip(eta, -700.0, 700.0, out=eta)
        soft = np.exp(eta, out=eta)
        np.log1p(soft, out=soft)
        soft_sum = float(soft.sum()) if m is None else _dot(mass, soft)
        as_is += _dot(yf, logit) + float(lq.sum())
        recalibrated += intercept * float(yf.sum()) + slope * _dot(yf, logit) - soft_sum
    return -2.0 * as_is, -2.0 * recalibrated


def _dot(a, b):
    return float(np.einsum("i,i->", a, b))


def _pooled(p_s, y_s, m):
    """Bins of the sorted data as points: mean prediction, mean outcome, mass."""
    starts = bin_starts(p_s, m, BINS)
    if m is None:
        mass = np.diff(np.append(starts, p_s.shape[0])).astype(np.float64)
        sum_p = np.add.reduceat(p_s, starts)
    else:
        mass = np.add.reduceat(m, starts)
        sum_p = mass_sums(p_s, m, starts)
    return sum_p / mass, outcome_sums(y_s, m, starts) / mass, mass


def _upper_tail(dof, statistic):
    """Chi-square upper tail; 1 for a statistic at or below 0 (as R's ``pchisq``)."""
    from scipy.special import chdtrc

    if math.isnan(statistic):
        return math.nan
    return float(chdtrc(dof, statistic)) if statistic > 0 else 1.0


def val_prob_indices(p_s, y_s, w_s=None, *, roc_auc, intercept, slope):
    """Dxy, R2, D, U and Q of ``rms::val.prob`` from the report's own fits.

    Parameters
    ----------
    p_s : ndarray of float64 of shape (n_samples,)
        Predicted probabilities, sorted ascending.
    y_s : ndarray of shape (n_samples,)
        Outcomes, 0/1 or bool.
    w_s : ndarray of float64 or None
        Sample weights (see the module docstring).
    roc_auc : float
        The (weighted) ROC AUC of the predictions.
    intercept, slope : float
        The logistic recalibration (Cox) ``logit P(y) = intercept + slope
        logit(p)``, fitted by maximum likelihood; NaN (no fit) gives NaN U
        and Q.

    Returns
    -------
    indices : ValProbIndices

    Examples
    --------
    >>> import numpy as np
    >>> from skbce._calibration.valprob import val_prob_indices
    >>> p = np.array([0.1, 0.3, 0.4, 0.6, 0.8, 0.9])
    >>> y = np.array([0, 0, 1, 0, 1, 1])
    >>> out = val_prob_indices(p, y, roc_auc=8 / 9, intercept=-0.13404, slope=1.46523)
    >>> round(out.discrimination_index.index, 4), round(out.quality_index, 4)
    (0.3453, 0.6427)
    """
    m, scale = (None, 1.0) if w_s is None else masses_and_scale(w_s)  # masses m * scale
    if p_s.shape[0] and p_s[0] != p_s[-1]:  # one value: val.prob keeps even 0 or 1
        lo = int(np.searchsorted(p_s, 0.0, side="right"))
        hi = int(np.searchsorted(p_s, 1.0, side="left"))
        p_s, y_s = p_s[lo:hi], y_s[lo:hi]
        m = None if m is None else m[lo:hi]
    if p_s.shape[0] and p_s[0] == p_s[-1]:
        return _constant(p_s, y_s, m, scale, roc_auc)
    if p_s.shape[0] > EXACT_MAX:
        p_s, y_s, m = _pooled(p_s, y_s, m)
        m = None if m is None else m * scale
        scale = 1.0
    if p_s.shape[0] == 0:
        nan = LikelihoodRatioIndex(math.nan, math.nan, 1, math.nan)
        return ValProbIndices(
            2.0 * float(roc_auc) - 1.0, math.nan, nan, nan._replace(dof=2), math.nan
        )
    total = float(p_s.shape[0]) if m is None else math.fsum(m) * scale
    if m is None:
        positives = np.count_nonzero(y_s)
    else:  # outcomes, or the bins' mean outcomes once pooled
        positives = scale * (np.add.reduce(m, where=y_s) if y_s.dtype == bool else m @ y_s)
    rate = float(positives) / total
    null = -2.0 * total * sum(r * math.log(r) for r in (rate, 1.0 - rate) if r > 0)
    as_is, recalibrated = (
        scale * d for d in _deviances(p_s, y_s, m, float(intercept), float(slope))
    )
    lr = null - as_is
    d = LikelihoodRatioIndex((lr - 1.0) / total, lr, 1, _upper_tail(1, lr))
    if not math.isfinite(recalibrated):
        recalibrated = _separated_deviance(p_s, y_s, m, scale)
    u_chi2 = as_is - recalibrated if math.isfinite(recalibrated) else math.nan
    u = LikelihoodRatioIndex((u_chi2 - 2.0) / total, u_chi2, 2, _upper_tail(2, u_chi2))
    r2 = _nagelkerke(lr, null, total)
    return ValProbIndices(2.0 * float(roc_auc) - 1.0, r2, d, u, d.index - u.index)


def _separated_deviance(p_s, y_s, m, scale):
    """The least deviance of the recalibration of separated classes, or NaN.

    When the sorted predictions separate the classes (every negative at or
    below every positive, or the reverse) the likelihood of ``a + b logit(p)``
    has its supremum at an infinite slope: 1 for every sample but those at a
    shared boundary value, which get their own mean outcome.  The deviance of
    that supremum is then ``L_cal`` (``val.prob``'s ``lrm.fit`` stops on the
    way there, a little above it).
    """
    from scipy.special import xlogy

    y = y_s == 1  # pooled bins hold mean outcomes: separated only if each is 0 or 1
    if not (y.any() and not y.all()) or np.any((y_s != 0) & ~y):
        return math.nan
    first_pos, last_pos = int(np.argmax(y)), y.shape[0] - 1 - int(np.argmax(y[::-1]))
    first_neg, last_neg = int(np.argmin(y)), y.shape[0] - 1 - int(np.argmin(y[::-1]))
    if p_s[last_neg] <= p_s[first_pos]:
        boundary = p_s[first_pos] if p_s[last_neg] == p_s[first_pos] else None
    elif p_s[last_pos] <= p_s[first_neg]:
        boundary = p_s[first_neg] if p_s[last_pos] == p_s[first_neg] else None
    else:
        return math.nan
    if boundary is None:
        return 0.0
    tie = p_s == boundary
    mass = np.ones(p_s.shape[0]) if m is None else m * scale
    pos, neg = float(mass[tie & y].sum()), float(mass[tie & ~y].sum())
    return -2.0 * float(xlogy(pos, pos / (pos + neg)) + xlogy(neg, neg / (pos + neg)))


def _constant(p_s, y_s, m, scale, roc_auc):
    """val.prob's indices of predictions that all equal ``p_s[0]`` (its own branch).

    No slope can be fitted: D's chi-square and R2 are 0, so ``D = -1 / W``,
    and U's chi-square ``L(p) - L0`` tests the intercept alone (1 degree of
    freedom, ``U = (chi2 - 1) / W``).  ``L(p)`` is infinite for a prediction
    of exactly 0 or 1 that a label contradicts.
    """
    from scipy.special import xlogy

    if m is None:
        total, positives = float(p_s.shape[0]), float(np.count_nonzero(y_s))
    else:
        total, positives = math.fsum(m) * scale, float(np.add.reduce(m, where=y_s)) * scale
    negatives, p, rate = total - positives, float(p_s[0]), positives / total
    as_is = -2.0 * float(xlogy(positives, p) + xlogy(negatives, 1.0 - p))
    null = -2.0 * float(xlogy(positives, rate) + xlogy(negatives, 1.0 - rate))
    u_chi2 = max(as_is - null, 0.0)  # >= 0 (Gibbs): no rounding below it
    d = LikelihoodRatioIndex(-1.0 / total, 0.0, 1, 1.0)
    u = LikelihoodRatioIndex((u_chi2 - 1.0) / total, u_chi2, 1, _upper_tail(1, u_chi2))
    return ValProbIndices(2.0 * float(roc_auc) - 1.0, 0.0, d, u, d.index - u.index)


def _nagelkerke(lr, null, total):
    """Nagelkerke's R2 ``(1 - exp(-LR / N)) / (1 - exp(-null / N))``; ``-inf`` past overflow."""
    if not null > 0:
        return math.nan
    x = -lr / total
    return (-math.expm1(x) if x < 709.0 else -math.inf) / -math.expm1(-null / total)


def indices_of_statistics(p_s, y_s, w_s, stats):
    """:func:`val_prob_indices` with the AUC and Cox fit of ``binary_statistics``'s ``stats``."""
    return val_prob_indices(
        p_s,
        y_s,
        w_s,
        roc_auc=stats["roc_auc"],
        intercept=stats["calibration_intercept"].estimate,
        slope=stats["calibration_slope"].estimate,
    )


class ValProb(NamedTuple):
    """Every number ``rms::val.prob`` prints that the calibration report lacked.

    The fields of :class:`ValProbIndices`, the errors of the flexible curve
    (:class:`~skbce._calibration.flexible_curve.CurveErrors`) and the curve
    itself (:class:`~skbce._calibration.flexible_curve.FlexibleCurve`).
    """

    somers_dxy: float
    nagelkerke_r2: float
    discrimination_index: LikelihoodRatioIndex
    unreliability: LikelihoodRatioIndex
    quality_index: float
    eavg: float
    e50: float
    e90: float
    emax: float
    flexible_curve: FlexibleCurve


def val_prob(y_true, y_proba, *, sample_weight=None, pos_label=None, confidence_level=0.95):
    """The statistics of R's ``rms::val.prob(p, y)`` for binary predictions.

    Parameters
    ----------
    y_true : array-like of shape (n_samples,)
        Binary labels.
    y_proba : array-like of shape (n_samples,)
        Predicted probabilities of the positive class.
    sample_weight : array-like of shape (n_samples,), default=None
        Integer weights count as repeated rows.
    pos_label : int, float, bool or str, default=None
        The positive class (as :func:`skbce.calibration_report` reads it).
    confidence_level : float, default=0.95
        Of the flexible curve's pointwise band.

    Returns
    -------
    result : ValProb

    Examples
    --------
    >>> from skbce._calibration.valprob import val_prob
    >>> out = val_prob([0, 0, 1, 0, 1, 1], [0.1, 0.3, 0.4, 0.6, 0.8, 0.9])
    >>> round(out.somers_dxy, 4), round(out.unreliability.statistic, 4)
    (0.7778, 0.215)
    """
    from skbce._calibration.statistics import binary_statistics, sort_by_prediction
    from skbce._utils.binary_targets import validate_binary

    t, p, w, _ = validate_binary(y_true, y_proba, sample_weight=sample_weight, pos_label=pos_label)
    p_s, y_s, w_s = sort_by_prediction(t, p, w)
    stats = binary_statistics(p_s, y_s, w_s, confidence_level=confidence_level)
    indices = indices_of_statistics(p_s, y_s, w_s, stats)
    curve, errors = flexible_curve(p_s, y_s, w_s, confidence_level=confidence_level)
    return ValProb(*indices, *errors, curve)
