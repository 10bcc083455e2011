"""Calibration per subgroup: one row of statistics and a hierarchy verdict per group.

Each group's rows are passed through the same statistics as the whole data
(:func:`~skbce._calibration.statistics.binary_statistics`, the val.prob
indices and the flexible curve), so a row's numbers are those of a report on
that group alone.  A statistic the group is too small (or too one-sided) for
is NaN, and the reason is in the row's ``notes``: warnings become notes, a
group never raises.

The observed/expected ratio's interval is ``O/E * exp(+-z sqrt((1 - P) / O))``
(the binomial standard error of ``log O``, ``P`` the group's event rate and
``O`` its weighted number of events; Debray et al. 2017), with weights
counted as frequencies.

References
----------
.. [1] Riley, R. D., Archer, L., Snell, K. I. E. et al. (2024). Evaluation of
   clinical prediction models (part 2): how to undertake an external
   validation study. BMJ 384, e074820.
.. [2] Debray, T. P. A., Damen, J. A. A. G., Snell, K. I. E. et al. (2017). A
   guide to systematic review and meta-analysis of prediction model
   performance. BMJ 356, i6460.
"""

import math
import warnings
from typing import NamedTuple

import numpy as np

from skbce._calibration.blocks import block_slices
from skbce._calibration.flexible_curve import flexible_curve
from skbce._calibration.hierarchy import CalibrationHierarchy, calibration_hierarchy
from skbce._calibration.lowess import frequency_total
from skbce._calibration.statistics import Estimate, binary_statistics, sort_by_prediction
from skbce._calibration.valprob import indices_of_statistics

__all__ = [
    "SubgroupRow",
    "ValidationStatistics",
    "check_groups",
    "observed_expected",
    "subgroup_table",
    "validation_statistics",
]

_NAN = Estimate(math.nan, math.nan, math.nan)


class SubgroupRow(NamedTuple):
    """The calibration of one group.

    ``n_samples`` (rows, zero weights included, as the report's) and ``weight``
    (total sample weight) of the group, its
    ``base_rate`` and ``mean_prediction``, ``observed_expected`` (O/E with
    interval), ``calibration_in_the_large`` and ``calibration_slope`` (with
    intervals), ``log_loss``, ``ece``, its ``hierarchy`` verdict and ``notes``
    (why a statistic is NaN).
    """

    group: object
    n_samples: int
    weight: float
    base_rate: float
    mean_prediction: float
    observed_expected: Estimate
    calibration_in_the_large: Estimate
    calibration_slope: Estimate
    log_loss: float
    ece: float
    hierarchy: CalibrationHierarchy
    notes: tuple


def _is_missing(value):
    """Whether one group label is a missing value: None, NaN, NaT or ``pandas.NA``.

    A missing value is unequal to itself (NaN, NaT), or cannot say whether it
    is (``pandas.NA``, whose comparisons are NA).
    """
    if value is None:
        return True
    try:
        return bool(value != value)
    except TypeError:  # pandas.NA: "boolean value of NA is ambiguous"
        return True


def _missing_among_text(groups, kind):
    """Missing labels of a sequence numpy made text, or a ValueError for a label of another type.

    ``np.asarray`` writes every item of ``[1, "1", float("nan")]`` as text: the
    number 1 would join the group ``"1"`` and NaN make a group ``"nan"``.
    """
    missing = 0
    for value in groups:
        if isinstance(value, kind):
            continue
        if not _is_missing(value):
            msg = (
                "groups must hold labels of one comparable type, got "
                f"{value!r} of type {type(value).__name__} among {kind.__name__} labels."
            )
            raise ValueError(msg)
        missing += 1
    return missing


def check_groups(groups, n_samples):
    """Group labels as a 1-D array of ``n_samples`` usable labels, or ValueError naming ``groups``.

    Examples
    --------
    >>> from skbce._calibration.subgroups import check_groups
    >>> check_groups(["a", "b", "a"], 3)
    array(['a', 'b', 'a'], dtype='<U1')
    >>> check_groups([1.0, float("nan")], 2)
    Traceback (most recent call last):
    ...
    ValueError: groups must not contain NaN or None, got 1 missing label(s).
    >>> check_groups(np.array(["2024-01-01", "NaT"], dtype="datetime64[D]"), 2)
    Traceback (most recent call last):
    ...
    ValueError: groups must not contain NaN or None, got 1 missing label(s).
    """
    try:
        labels = np.asarray(groups)
    except (TypeError, ValueError) as exc:
        msg = f"groups must be an array-like of labels of shape (n_samples,), got {exc}."
        raise ValueError(msg) from exc
    if labels.ndim != 1 or labels.shape[0] != n_samples:
        msg = f"groups must have shape ({n_samples},) like y_true, got shape {labels.shape}."
        raise ValueError(msg)
    if labels.dtype.kind in "fc":
        missing = int(np.count_nonzero(np.isnan(labels)))
    elif labels.dtype.kind == "M":  # NaT is the missing date
        missing = int(np.count_nonzero(np.isnat(labels)))
    elif labels.dtype.kind == "O":
        missing = sum(map(_is_missing, labels))
    elif labels.dtype.kind in "US" and not hasattr(groups, "dtype"):
        missing = _missing_among_text(groups, str if labels.dtype.kind == "U" else bytes)
    else:
        missing = 0 if labels.dtype.kind in "biuUSM" else -1
    if missing < 0:
        msg = f"groups must hold numbers, strings or booleans, got dtype {labels.dtype}."
        raise ValueError(msg)
    if missing:
        msg = f"groups must not contain NaN or None, got {missing} missing label(s)."
        raise ValueError(msg)
    try:
        np.unique(labels)
    except TypeError as exc:
        msg = f"groups must hold labels of one comparable type, got {exc}."
        raise ValueError(msg) from exc
    return labels


def observed_expected(observed, expected, total, *, confidence_level=0.95):
    """The observed/expected ratio with its interval (module docstring).

    Parameters
    ----------
    observed, expected : float
        Weighted sums of the outcomes and of the predictions.
    total : float
        Total weight, counted as frequencies.
    confidence_level : float, default=0.95
        Of the interval.

    Returns
    -------
    ratio : Estimate
        NaN interval when there is no event or no expected event.

    Examples
    --------
    >>> from skbce._calibration.subgroups import observed_expected
    >>> r = observed_expected(120.0, 100.0, 1000.0)
    >>> round(r.estimate, 2), round(r.low, 3), round(r.high, 3)
    (1.2, 1.015, 1.419)
    """
    from scipy.special import ndtri

    if not (expected > 0 and observed > 0):
        ratio = observed / expected if expected > 0 else math.nan
        return Estimate(ratio, math.nan, math.nan)
    z = float(ndtri(0.5 + confidence_level / 2))
    ratio = observed / expected
    half = z * math.sqrt(max(1.0 - observed / total, 0.0) / observed)
    high = ratio * math.exp(half) if half < 700.0 else math.inf  # a tiny observed weight
    return Estimate(ratio, ratio * math.exp(-half), high)


class ValidationStatistics(NamedTuple):
    """The val.prob indices, the flexible curve and its errors, O/E and the verdict."""

    indices: object
    curve: object
    errors: object
    observed_expected: Estimate
    hierarchy: CalibrationHierarchy


def validation_statistics(p_s, y_s, w_s, stats, *, confidence_level=0.95):
    """The statistics of the validation standard of sorted data, given ``binary_statistics``'s.

    ``stats`` is the output of
    :func:`~skbce._calibration.statistics.binary_statistics` on the same
    sorted ``p_s``, ``y_s``, ``w_s``; its AUC and Cox fits are reused.  One
    place computes this for a whole report and for each of its subgroups.
    """
    slope, citl = stats["calibration_slope"], stats["calibration_in_the_large"]
    indices = indices_of_statistics(p_s, y_s, w_s, stats)
    curve, errors = flexible_curve(p_s, y_s, w_s, confidence_level=confidence_level)
    # the weighted means of the statistics, scaled to the weight counted as frequencies
    total = float(p_s.shape[0]) if w_s is None else frequency_total(w_s)
    observed, expected = stats["base_rate"] * total, stats["mean_prediction"] * total
    o_e = observed_expected(observed, expected, total, confidence_level=confidence_level)
    verdict = calibration_hierarchy(
        calibration_in_the_large=citl,
        calibration_slope=slope,
        unreliability_pvalue=indices.unreliability.pvalue,
        flexible_curve=curve,
        observed_expected_ratio=o_e,
        confidence_level=confidence_level,
    )
    return ValidationStatistics(indices, curve, errors, o_e, verdict)


def _group_row(label, t, p, w, *, n_bins, strategy, confidence_level, clip_dtype):
    """The row of one group; warnings become notes."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        p_s, y_s, w_s = sort_by_prediction(t, p, w)
        stats = binary_statistics(
            p_s,
            y_s,
            w_s,
            n_bins=n_bins,
            strategy=strategy,
            confidence_level=confidence_level,
            clip_dtype=clip_dtype,
        )
        found = validation_statistics(p_s, y_s, w_s, stats, confidence_level=confidence_level)
    notes = tuple(dict.fromkeys(str(c.message) for c in caught))
    return SubgroupRow(
        label,
        int(t.shape[0]),  # every row, as the report's n_samples (the sort drops zero weights)
        float(stats["total_weight"]),
        float(stats["base_rate"]),
        float(stats["mean_prediction"]),
        found.observed_expected,
        stats["calibration_in_the_large"],
        stats["calibration_slope"],
        float(stats["log_loss"]),
        float(stats["ece"]),
        found.hierarchy,
        notes,
    )


def _too_small_row(label, t, p, w, note):
    """A row of NaN statistics (but counts and rates) for a group too small for any."""
    weight = float(t.shape[0] if w is None else w.sum())
    with np.errstate(invalid="ignore", divide="ignore"):
        rate = float((t if w is None else t * w).sum()) / weight if weight > 0 else math.nan
        mean = float((p if w is None else p * w).sum()) / weight if weight > 0 else math.nan
    nan3 = (math.nan, math.nan, math.nan)
    verdict = calibration_hierarchy(
        calibration_in_the_large=nan3, calibration_slope=nan3, unreliability_pvalue=math.nan
    )
    return SubgroupRow(
        label,
        int(t.shape[0]),
        weight,
        rate,
        mean,
        _NAN,
        _NAN,
        _NAN,
        math.nan,
        math.nan,
        verdict,
        (note,),
    )


def _group_codes(labels):
    """``(uniques, codes)``: the sorted distinct labels and each sample's index among them.

    The codes take the smallest unsigned integer type that holds them and
    are found block by block (``np.unique(..., return_inverse=True)`` would
    hold several arrays of the size of the data at once).
    """
    uniques = np.unique(labels)
    codes = np.empty(labels.shape[0], dtype=np.min_scalar_type(uniques.shape[0]))
    for start, stop in block_slices(labels.shape[0]):
        codes[start:stop] = np.searchsorted(uniques, labels[start:stop])
    return uniques, codes


def subgroup_table(
    t,
    p,
    w,
    groups,
    *,
    n_bins=10,
    strategy="uniform",
    confidence_level=0.95,
    clip_dtype=np.float64,
):
    """Calibration statistics and the hierarchy verdict of every group.

    Parameters
    ----------
    t : ndarray of float64 of shape (n_samples,)
        Labels, 1.0 for the positive class and 0.0 for the negative one
        (validated, in the caller's order).
    p : ndarray of float64 of shape (n_samples,)
        Probabilities of the positive class.
    w : ndarray of float64 or None
        Sample weights.
    groups : array-like of shape (n_samples,)
        A group label per sample (numbers, strings or booleans; no NaN).
    n_bins : int, default=10
        Bins of each group's ECE (at most the group's number of rows of
        non-zero weight).
    strategy : {"uniform", "quantile"} or ndarray of edges, default="uniform"
        Bin edges of each group's ECE, as the report's (checked): quantiles are
        those of the group's predictions.
    confidence_level : float, default=0.95
        Of the intervals and the verdicts.
    clip_dtype : dtype, default=np.float64
        The dtype of the caller's probabilities: each group's log loss clips
        to its :func:`~skbce._utils.numeric.clip_bounds`, as the report's.

    Returns
    -------
    rows : tuple of SubgroupRow
        One per group, in sorted order of the labels.

    Examples
    --------
    >>> import numpy as np
    >>> from skbce._calibration.subgroups import subgroup_table
    >>> rng = np.random.default_rng(0)
    >>> p = rng.uniform(0.05, 0.95, 3000)
    >>> t = (rng.uniform(size=3000) < p).astype(float)
    >>> g = np.where(np.arange(3000) % 3 == 0, "a", "b")
    >>> rows = subgroup_table(t, p, None, g)
    >>> [(r.group, r.n_samples, round(r.observed_expected.estimate, 2)) for r in rows]
    [('a', 1000, 0.95), ('b', 2000, 1.02)]
    """
    uniques, codes = _group_codes(check_groups(groups, t.shape[0]))
    rows = []
    for j, label in enumerate(uniques.tolist()):
        mask = codes == j
        tg, pg, wg = t[mask], p[mask], None if w is None else w[mask]
        positive = int(np.count_nonzero(mask if wg is None else wg > 0))
        if positive < 3:
            note = f"{positive} sample(s) of positive weight: too few for any statistic."
            rows.append(_too_small_row(label, tg, pg, wg, note))
            continue
        rows.append(
            _group_row(
                label,
                tg,
                pg,
                wg,
                n_bins=n_bins,
                strategy=strategy,
                confidence_level=confidence_level,
                clip_dtype=clip_dtype,
            )
        )
    return tuple(rows)
