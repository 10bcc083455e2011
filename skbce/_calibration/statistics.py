"""Every statistic of the binary calibration report, from sorted data.

Inputs are trusted: the report functions validate once
(:mod:`skbce._utils.validation`), sort with
:func:`~skbce._calibration.sorting.sort_by_prediction` and hand the sorted
float64 arrays to :func:`binary_statistics`.  Nothing here formats text.
Each concept has its module; this one runs them in order:

* :mod:`~skbce._calibration.sorting`: the one sort by prediction;
* :mod:`~skbce._calibration.reliability`: bin edges, per-bin sums,
  ECE/MCE/RMSCE and Wilson intervals;
* :mod:`~skbce._calibration.sample_pass`: the one blocked pass for the
  Brier score, Spiegelhalter's sums, bin sums and the smoothing grids;
* :mod:`~skbce._calibration.label_runs`: runs of labels, class weights, ROC AUC;
* :mod:`~skbce._calibration.isotonic`: PAV recalibration, CORP decomposition;
* :mod:`~skbce._calibration.smooth_ece`: the smooth ECE and its curve;
* :mod:`~skbce._calibration.goodness_of_fit`: Hosmer-Lemeshow, Spiegelhalter;
* :mod:`~skbce._calibration.logistic`: Cox slope and intercept,
  calibration-in-the-large.

Weights count as frequencies (integer weights equal repeated rows).  They are
scale-free: weights whose largest value is huge or tiny are first divided by
a power of two (:func:`~skbce._calibration.blocks.scaled_weights`), so that
multiplying every weight by a positive factor leaves every ratio of weight
sums unchanged and scales only the totals (and, as frequencies do, the
precision of the intervals and tests).
"""

import math
import warnings

import numpy as np

from skbce._calibration.blocks import scaled_weights
from skbce._calibration.cumulative import path_tests
from skbce._calibration.goodness_of_fit import (
    HosmerLemeshowResult,
    SpiegelhalterResult,
    hosmer_lemeshow,
    spiegelhalter,
)
from skbce._calibration.isotonic import (
    Decomposition,
    Recalibration,
    corp_decomposition,
    isotonic_recalibration,
    pre_blocks,
)
from skbce._calibration.label_runs import label_runs, roc_auc_of_runs
from skbce._calibration.logistic import Estimate, logistic_recalibration
from skbce._calibration.reliability import (
    Binning,
    calibration_errors,
    equal_mass_edges,
    table_edges,
    wilson_interval,
)
from skbce._calibration.sample_pass import sample_sums
from skbce._calibration.smooth_ece import SMOOTH_GRID, SmoothCurve, smooth_ece_from_grids
from skbce._calibration.sorting import sort_by_prediction, sort_keys, sort_keys_of
from skbce._losses.parallel import side_by_side
from skbce._utils.numeric import float_clip_bounds

__all__ = [
    "Decomposition",
    "Estimate",
    "HosmerLemeshowResult",
    "Recalibration",
    "SmoothCurve",
    "SpiegelhalterResult",
    "binary_statistics",
    "sort_by_prediction",
    "sort_keys",
    "sort_keys_of",
    "wilson_interval",
]

# Names the streaming state imported from this module before it was split;
# the functions live in the modules named above.
_hosmer_lemeshow = hosmer_lemeshow
_spiegelhalter = spiegelhalter
_calibration_errors = calibration_errors


def _binnings(p_s, w, n_bins, strategy):
    """The reliability table's bins and the equal-mass groups (adaptive ECE, HL)."""
    quantiles = w is not None and isinstance(strategy, str) and strategy == "quantile"
    cum_w = np.cumsum(w) if quantiles else None  # else the edges need no cumulative array
    table = Binning(table_edges(p_s, w, n_bins, strategy, cum_w), p_s)
    groups = Binning(equal_mass_edges(p_s, w, n_bins, cum_w), p_s)
    return table, groups


def _scores(p_s, y_s, w, sums, runs, baseline, clip_dtype):
    """Log loss, Brier score, NCE, D2, base rate, mean prediction, O/E ratio.

    The log loss clips ``p_s`` to the bounds of ``clip_dtype`` (that of the
    caller's probabilities), as :func:`skbce.log_loss` clips them.
    """
    from skbce._losses.kernels import baseline_loss, bce_sums, prior_log_loss_sum
    from skbce._losses.sums import LossSums
    from skbce._utils.validation import Target

    total = runs.total
    target = Target(classes=np.array([0, 1]), y=y_s, encoded=True)
    bounds = float_clip_bounds(clip_dtype)
    loss_sums = bce_sums(
        target, p_s, w, from_logits=False, pos_weight=None, smoothing=0.0, bounds=bounds
    )
    log_loss = float(loss_sums.loss) / total
    base_rate = runs.positive / total
    entropy = baseline_loss(runs.negative, runs.positive)
    nce_baseline = baseline_loss(runs.negative, runs.positive, baseline)
    # d2's constant prediction is clipped, as in d2_log_loss_score (and scikit-learn's)
    classes = LossSums(0.0, total, np.array([runs.negative, runs.positive]))
    null = prior_log_loss_sum(classes) / total
    return {
        "log_loss": log_loss,
        "brier_score": sums["brier"] / total,
        "normalized_cross_entropy": log_loss / nce_baseline if nce_baseline > 0 else math.nan,
        "nce_baseline": nce_baseline,
        "baseline": base_rate if baseline is None else baseline,
        "d2_log_loss_score": 1.0 - log_loss / null if null > 0 else math.nan,
        "base_rate": base_rate,
        "mean_prediction": sums["sum_p"] / total,
        "observed_expected_ratio": (
            runs.positive / sums["sum_p"] if sums["sum_p"] > 0 else math.inf
        ),
        "entropy": entropy,
    }


def _reliability(table, scale, confidence_level):
    """The reliability table of the report (weights back on the caller's scale)."""
    weight = table.weight * scale
    ci_low, ci_high = wilson_interval(table.sum_y * scale, weight, confidence_level)
    return {
        "bin_lower": table.edges[:-1].copy(),
        "bin_upper": table.edges[1:].copy(),
        "count": table.count,
        "weight": weight,
        "mean_predicted": table.mean_predicted,
        "observed": table.observed,
        "ci_low": ci_low,
        "ci_high": ci_high,
    }


def _errors_and_tests(table, groups, sums, total, scale):
    """ECE family, smooth ECE, Hosmer-Lemeshow (on the equal-mass groups), Spiegelhalter."""
    ece, mce, rmsce = calibration_errors(table.weight, table.mean_predicted, table.observed)
    adaptive_ece, _, _ = calibration_errors(groups.weight, groups.mean_predicted, groups.observed)
    smooth_ece, bandwidth, smooth_curve = smooth_ece_from_grids(
        sums["resid_grid"], sums["mass_grid"], total
    )
    hl = hosmer_lemeshow(groups.weight * scale, groups.sum_y * scale, groups.sum_p * scale)
    return {
        "ece": ece,
        "mce": mce,
        "rmsce": rmsce,
        "adaptive_ece": adaptive_ece,
        "adaptive_edges": groups.edges,
        "smooth_ece": smooth_ece,
        "smooth_ece_bandwidth": bandwidth,
        "smooth_curve": smooth_curve,
        "hosmer_lemeshow": hl,
        "spiegelhalter": spiegelhalter(sums["sp_num"], sums["sp_var"], scale),
    }


def binary_statistics(
    p_s,
    y_s,
    w_s,
    *,
    n_bins=10,
    strategy="uniform",
    confidence_level=0.95,
    baseline=None,
    clip_dtype=np.float64,
):
    """All statistics of the calibration report for sorted binary data.

    Parameters
    ----------
    p_s, y_s, w_s : ndarray
        The output of :func:`sort_by_prediction`: sorted probabilities of the
        positive class, labels (bool) and weights (or None).
    n_bins : int
        Bins of the table for ``"uniform"`` and ``"quantile"``; always the
        number of equal-mass groups of the adaptive ECE and Hosmer-Lemeshow.
    strategy : {"uniform", "quantile"} or ndarray of edges
        Already checked by :func:`~skbce._utils.options.check_strategy`.
    confidence_level : float
        Of the intervals.
    baseline : float or None
        Reference rate of the normalized cross-entropy (None: the base rate).
    clip_dtype : dtype, default=np.float64
        The dtype of the caller's probabilities: the log loss clips them to
        its :func:`~skbce._utils.numeric.clip_bounds`, as :func:`skbce.log_loss`
        does (every other statistic reads them unclipped).

    Returns
    -------
    stats : dict
        Plain numbers, arrays and named tuples; keys as the report attributes.
        Degenerate data give NaN statistics with a ``RuntimeWarning`` saying
        why (the report turns warnings into notes).

    Examples
    --------
    >>> import numpy as np
    >>> from skbce._calibration.statistics import binary_statistics, sort_by_prediction
    >>> t = np.array([0.0, 0.0, 1.0, 1.0, 0.0, 1.0])
    >>> p = np.array([0.1, 0.4, 0.35, 0.8, 0.2, 0.9])
    >>> stats = binary_statistics(*sort_by_prediction(t, p), n_bins=3)
    >>> round(stats["log_loss"], 4), round(stats["roc_auc"], 4)
    (0.3696, 0.8889)
    """
    w, scale = scaled_weights(w_s)
    table, groups = _binnings(p_s, w, n_bins, strategy)
    sums = sample_sums(p_s, y_s, w, (table, groups), SMOOTH_GRID)
    table.finish(w is not None)
    groups.finish(w is not None)

    def ordered():
        runs = label_runs(y_s, w)
        scores = _scores(p_s, y_s, w, sums, runs, baseline, clip_dtype)
        roc_auc = roc_auc_of_runs(p_s, w, runs)
        blocks, total = pre_blocks(runs), runs.total
        del runs  # the fit then needs no more memory than the pre-blocks
        ones, zeros, _, recal = isotonic_recalibration(p_s, blocks)
        decomposition = corp_decomposition(ones, zeros, total, scores)
        return scores, roc_auc, total, recal, decomposition

    # the logistic fit (which may warn) beside the statistics of the label runs
    (scores, roc_auc, total, recal, decomposition), (slope, intercept, citl) = side_by_side(
        ordered,
        lambda: logistic_recalibration(p_s, y_s, w, confidence_level, scale),
        p_s.shape[0] if w is None else 0,
    )
    if math.isnan(roc_auc):
        warnings.warn(
            "ROC AUC is nan: one class has zero total weight.", RuntimeWarning, stacklevel=2
        )
    del scores["entropy"]
    cumulative = path_tests(*sums["path"], total, sums["p_var"], scale)
    return {
        "n_samples": p_s.shape[0],
        "total_weight": total * scale,
        **scores,
        "roc_auc": roc_auc,
        "reliability": _reliability(table, scale, confidence_level),
        **_errors_and_tests(table, groups, sums, total, scale),
        **dict(zip(("ks_calibration", "kuiper_calibration"), cumulative, strict=True)),
        "calibration_slope": slope,
        "calibration_intercept": intercept,
        "calibration_in_the_large": citl,
        "decomposition": decomposition,
        "recalibration": recal._replace(weight=recal.weight * scale),
    }
