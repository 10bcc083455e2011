"""The one table of statistic definitions, and the number formats.

Every rendering of a calibration report (text, Markdown, HTML, ``to_dict``,
``to_frame``, the comparison table) takes its labels, explanations and
formats from :data:`STATISTICS`, and reads each value from the report along
the statistic's ``path``.  To add a statistic to every rendering, add one
row here (and the attribute to the report).
"""

from typing import NamedTuple

from skbce._render.numbers import fmt, p_equals

__all__ = [
    "BINNING_FREE",
    "COMPARISON",
    "CUMULATIVE",
    "CURVE_ERRORS",
    "DECOMPOSED",
    "DEFINITIONS",
    "ERRORS",
    "ESTIMATES",
    "FRAME",
    "LIKELIHOOD_RATIO",
    "NEW_TESTS",
    "RELIABILITY_COLUMNS",
    "SCORES",
    "STATISTICS",
    "TERMS",
    "TESTS",
    "VALPROB",
    "Statistic",
    "explain",
    "format_value",
    "label",
    "value_of",
]


class Statistic(NamedTuple):
    """One statistic of the report: how it is named, explained and printed."""

    key: str
    """Attribute key: the name in ``to_dict``, ``to_frame`` and the comparison."""
    label: str
    """Human label, in the text, Markdown and HTML renderings."""
    help: str
    """One line: what it measures and how to read it."""
    better: str
    """Which way is good: "lower", "higher", "one" or "zero" (ideal value), or "none"."""
    format: str
    """"number" (4 decimals or 3 significant digits), "pvalue" or "count"."""
    path: tuple
    """Where the value is: an attribute of the report, then fields or dict keys."""


def _stat(key, label, help, better, format="number", path=None):
    return Statistic(key, label, help, better, format, path or (key,))


def _parts(key, label, help, better, source, fields=("estimate", "low", "high")):
    """An estimate with its interval: three rows read from ``source``'s fields."""
    suffixes = {"estimate": "", "low": "_low", "high": "_high"}
    words = {"estimate": "", "low": " (low)", "high": " (high)"}
    return tuple(
        _stat(f"{key}{suffixes[f]}", f"{label}{words[f]}", help, better, path=(source, f))
        for f in fields
    )


def _decomposition(score, score_label):
    help_text = {
        "miscalibration": f"Part of the {score_label} that recalibration would remove: "
        "0 is calibrated. Lower is better.",
        "discrimination": "How much the predictions improve on the base rate once "
        "recalibrated. Higher is better.",
        "uncertainty": f"{score_label[0].upper()}{score_label[1:]} of the base rate: "
        "a property of the data.",
    }
    better = {"miscalibration": "lower", "discrimination": "higher", "uncertainty": "none"}
    return tuple(
        _stat(
            f"{score}_{term}",
            f"{score_label} {term}",
            help_text[term],
            better[term],
            path=("decomposition", score, term),
        )
        for term in ("miscalibration", "discrimination", "uncertainty")
    )


def _likelihood_ratio(key, label, help, better):
    """An index with its likelihood-ratio test: index, chi-square and p-value rows."""
    return (
        _stat(key, label, help, better, path=(key, "index")),
        _stat(f"{key}_chi2", f"{label} chi2", help, "none", path=(key, "statistic")),
        _stat(f"{key}_pvalue", f"{label} p-value", help, "none", "pvalue", path=(key, "pvalue")),
    )


def _test(key, label, help):
    """A test: its statistic and p-value rows, read from ``key``'s fields."""
    return (
        _stat(key, label, help, "lower", path=(key, "statistic")),
        _stat(f"{key}_pvalue", f"{label} p-value", help, "higher", "pvalue", path=(key, "pvalue")),
    )


_CURVE = "the flexible calibration curve (lowess, as rms::val.prob)"

_HL_HELP = (
    "Chi-squared test over equal-weight groups: a small p-value signals "
    "miscalibration (large samples flag tiny gaps)."
)
_SP_HELP = "z-test of calibration based on the Brier score: a small p-value signals miscalibration."

#: Every statistic, in the order of the renderings.
STATISTICS = (
    _stat(
        "log_loss",
        "log loss",
        "Mean of -log(probability given to the true class). 0 is perfect; "
        "a confident miss costs up to 36 nats. Lower is better.",
        "lower",
    ),
    _stat(
        "brier_score",
        "Brier score",
        "Mean squared difference between predicted probability and outcome. "
        "0 is perfect; a constant 0.5 scores 0.25 (binary). Lower is better.",
        "lower",
    ),
    _stat(
        "normalized_cross_entropy",
        "normalized cross-entropy",
        "Log loss divided by that of always predicting the base rate. Below 1 beats "
        "the constant prediction. Lower is better.",
        "lower",
    ),
    _stat(
        "d2_log_loss_score",
        "D2 log loss score",
        "Fraction of the base rate's log loss explained: 1 is perfect, 0 no better "
        "than the base rate. Higher is better.",
        "higher",
    ),
    _stat(
        "roc_auc",
        "ROC AUC",
        "Chance that a positive is scored above a negative: ranking only, blind to "
        "calibration. 0.5 is chance, 1 is perfect.",
        "higher",
    ),
    _stat(
        "base_rate",
        "base rate",
        "Weighted frequency of the positive class (per class for multiclass data).",
        "none",
    ),
    _stat(
        "mean_prediction",
        "mean prediction",
        "Mean predicted probability: equals the base rate when calibrated in the large.",
        "none",
    ),
    _stat(
        "observed_expected_ratio",
        "observed/expected",
        "Observed over expected positives: 1 when calibrated in the large, above 1 "
        "when the model under-predicts.",
        "one",
    ),
    _stat(
        "nce_baseline",
        "baseline log loss",
        "Log loss of always predicting the baseline: the denominator of the "
        "normalized cross-entropy.",
        "none",
    ),
    _stat(
        "ece",
        "ECE",
        "Weighted mean |predicted - observed| over the bins: 0 is calibrated; depends "
        "on the binning and is biased upwards on small samples.",
        "lower",
    ),
    _stat(
        "mce", "MCE", "Largest |predicted - observed| of any bin: sensitive to small bins.", "lower"
    ),
    _stat("rmsce", "RMSCE", "Root mean square of the bin gaps.", "lower"),
    _stat("adaptive_ece", "adaptive ECE", "ECE on bins holding equal weight.", "lower"),
    _stat(
        "smooth_ece",
        "smooth ECE",
        "Kernel-smoothed ECE, free of a choice of bins: 0 is calibrated.",
        "lower",
    ),
    _stat(
        "smooth_ece_bandwidth",
        "smooth ECE bandwidth",
        "Bandwidth of the kernel of the smooth ECE, chosen by the fixed-point rule.",
        "none",
    ),
    _stat("hosmer_lemeshow", "Hosmer-Lemeshow", _HL_HELP, "none"),
    _stat(
        "hosmer_lemeshow_statistic",
        "Hosmer-Lemeshow chi2",
        _HL_HELP,
        "lower",
        path=("hosmer_lemeshow", "statistic"),
    ),
    _stat(
        "hosmer_lemeshow_pvalue",
        "Hosmer-Lemeshow p-value",
        _HL_HELP,
        "higher",
        "pvalue",
        path=("hosmer_lemeshow", "pvalue"),
    ),
    _stat("spiegelhalter", "Spiegelhalter", _SP_HELP, "none"),
    _stat(
        "spiegelhalter_z", "Spiegelhalter z", _SP_HELP, "zero", path=("spiegelhalter", "statistic")
    ),
    _stat(
        "spiegelhalter_pvalue",
        "Spiegelhalter p-value",
        _SP_HELP,
        "higher",
        "pvalue",
        path=("spiegelhalter", "pvalue"),
    ),
    *_parts(
        "calibration_slope",
        "calibration slope",
        "1 is ideal; below 1 the predictions are too extreme (overconfident), above 1 too timid.",
        "one",
        "calibration_slope",
    ),
    *_parts(
        "calibration_intercept",
        "calibration intercept",
        "0 is ideal, read together with the slope.",
        "zero",
        "calibration_intercept",
    ),
    *_parts(
        "calibration_in_the_large",
        "calibration-in-the-large",
        "Logit shift that makes the mean prediction right: 0 is ideal, positive when "
        "the model under-predicts.",
        "zero",
        "calibration_in_the_large",
    ),
    *_decomposition("log_loss", "log loss"),
    *_decomposition("brier_score", "Brier score"),
    _stat(
        "somers_dxy",
        "Somers' Dxy",
        "Rank correlation of predictions and outcomes, 2 AUC - 1: 0 is chance, 1 is "
        "perfect ranking. Higher is better.",
        "higher",
    ),
    _stat(
        "nagelkerke_r2",
        "Nagelkerke R2",
        "Share of the base rate's log-likelihood explained, rescaled to reach 1. Higher is better.",
        "higher",
    ),
    *_likelihood_ratio(
        "discrimination_index",
        "discrimination index D",
        "How far the predictions beat the base rate (likelihood-ratio chi-square - 1, "
        "per unit weight; test on 1 dof). Higher is better.",
        "higher",
    ),
    *_likelihood_ratio(
        "unreliability",
        "unreliability index U",
        "What logistic recalibration would gain (joint test of intercept 0 and slope 1, "
        "2 dof); 0 or below: no evidence of miscalibration. Lower is better.",
        "lower",
    ),
    _stat(
        "quality_index",
        "quality index Q",
        "Discrimination minus unreliability, D - U. Higher is better.",
        "higher",
    ),
    _stat(
        "eavg",
        "Eavg (ICI)",
        f"Integrated calibration index: weighted mean |p - curve(p)| with {_CURVE}. "
        "0 is calibrated. Lower is better.",
        "lower",
    ),
    _stat("e50", "E50", f"Median |p - curve(p)| with {_CURVE}. Lower is better.", "lower"),
    _stat(
        "e90", "E90", f"90th percentile of |p - curve(p)| with {_CURVE}. Lower is better.", "lower"
    ),
    _stat("emax", "Emax", f"Largest |p - curve(p)| with {_CURVE}. Lower is better.", "lower"),
    _stat(
        "debiased_rmsce",
        "debiased RMSCE",
        "L2 calibration error on equal-mass bins with the sampling noise of each bin "
        "subtracted (Kumar et al. 2019): 0 is calibrated. Lower is better.",
        "lower",
    ),
    _stat(
        "ece_sweep",
        "sweep ECE",
        "ECE on the most equal-mass bins that keep the observed frequencies monotone "
        "(Roelofs et al. 2022): 0 is calibrated. Lower is better.",
        "lower",
        path=("ece_sweep", "statistic"),
    ),
    _stat(
        "ece_sweep_n_bins",
        "sweep ECE bins",
        "Number of equal-mass bins the sweep ECE chose.",
        "none",
        "count",
        path=("ece_sweep", "n_bins"),
    ),
    *_test(
        "ks_calibration",
        "Kolmogorov-Smirnov calibration",
        "Largest cumulative difference between outcomes and predictions sorted by "
        "prediction (Tygert 2021): a small p-value signals miscalibration.",
    ),
    *_test(
        "kuiper_calibration",
        "Kuiper calibration",
        "Range of the cumulative differences between outcomes and predictions sorted by "
        "prediction (Tygert 2021): a small p-value signals miscalibration.",
    ),
    *_test(
        "corp_test",
        "CORP miscalibration test",
        "Brier miscalibration term of the CORP decomposition, tested against outcomes "
        "resampled under calibration: a small p-value signals miscalibration.",
    ),
)

#: The statistics by key.
DEFINITIONS = {s.key: s for s in STATISTICS}

#: The rows of the report's sections, and the columns of ``to_frame``.
SCORES = (
    "log_loss",
    "brier_score",
    "normalized_cross_entropy",
    "d2_log_loss_score",
    "roc_auc",
    "base_rate",
    "mean_prediction",
    "observed_expected_ratio",
)
ERRORS = ("ece", "mce", "rmsce", "adaptive_ece", "smooth_ece")
TESTS = ("hosmer_lemeshow", "spiegelhalter")
ESTIMATES = ("calibration_slope", "calibration_intercept", "calibration_in_the_large")
VALPROB = ("somers_dxy", "nagelkerke_r2", "discrimination_index", "unreliability", "quality_index")
CURVE_ERRORS = ("eavg", "e50", "e90", "emax")
LIKELIHOOD_RATIO = ("discrimination_index", "unreliability")
BINNING_FREE = ("debiased_rmsce", "ece_sweep", "ece_sweep_n_bins")
CUMULATIVE = ("ks_calibration", "kuiper_calibration")
#: Tests with a statistic and a p-value (keys of their rows: ``key``, ``key_pvalue``).
NEW_TESTS = (*CUMULATIVE, "corp_test")

DECOMPOSED = ("log_loss", "brier_score")
TERMS = ("miscalibration", "discrimination", "uncertainty")
FRAME = (
    *SCORES,
    "nce_baseline",
    *ERRORS,
    "hosmer_lemeshow_statistic",
    "hosmer_lemeshow_pvalue",
    "spiegelhalter_z",
    "spiegelhalter_pvalue",
    *(f"{k}{s}" for k in ESTIMATES for s in ("", "_low", "_high")),
    *(f"{score}_{term}" for score in DECOMPOSED for term in TERMS),
    *(
        f"{k}{s}"
        for k in VALPROB
        for s in (("", "_chi2", "_pvalue") if k in LIKELIHOOD_RATIO else ("",))
    ),
    *CURVE_ERRORS,
    *BINNING_FREE,
    *(f"{k}{s}" for k in NEW_TESTS for s in ("", "_pvalue")),
)
COMPARISON = (
    *(k for k in SCORES if k not in ("base_rate", "mean_prediction")),
    *ERRORS,
    "hosmer_lemeshow_pvalue",
    "spiegelhalter_pvalue",
    *ESTIMATES,
    *(f"log_loss_{term}" for term in TERMS),
)

#: Columns of the reliability table, with their labels in the renderings.
RELIABILITY_COLUMNS = {
    "bin_lower": "bin lower edge",
    "bin_upper": "bin upper edge",
    "count": "count",
    "weight": "weight",
    "mean_predicted": "predicted",
    "observed": "observed",
    "ci_low": "CI low",
    "ci_high": "CI high",
    "gap": "gap",
    "empty": "empty",
}


def label(key):
    """The human label of a statistic (the key itself if unknown)."""
    stat = DEFINITIONS.get(key)
    return key if stat is None else stat.label


def explain(key):
    """The one-line explanation of a statistic ('' if unknown)."""
    stat = DEFINITIONS.get(key)
    return "" if stat is None else stat.help


def value_of(obj, key):
    """The value of statistic ``key`` read from ``obj`` along its path."""
    first, *rest = DEFINITIONS[key].path
    value = getattr(obj, first)
    for step in rest:
        value = value[step] if isinstance(value, dict) else getattr(value, step)
    return value


def format_value(key, value):
    """``value`` printed in the format of statistic ``key``."""
    kind = DEFINITIONS[key].format if key in DEFINITIONS else "number"
    if kind == "pvalue":
        return p_equals(value)
    return fmt(value)
