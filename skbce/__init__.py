"""skbce: binary cross-entropy metrics, scorers and calibration reports for scikit-learn.

The public names are imported when first used (a module ``__getattr__``), so
``import skbce`` and ``skbce --version`` do not load scikit-learn, SciPy,
pandas or matplotlib; ``from skbce import log_loss`` works as usual.
``__version__`` is read from the installed package's metadata, also on first
use.
"""

import importlib

#: The module defining each public name.
_WHERE = {
    "StreamingCalibration": "skbce._calibration.streaming",
    "LogLossBreakdown": "skbce._metrics.breakdown",
    "log_loss_breakdown": "skbce._metrics.breakdown",
    "bce_gradient_hessian": "skbce._metrics.gradient",
    "binary_cross_entropy": "skbce._metrics.losses",
    "brier_score_loss": "skbce._metrics.losses",
    "d2_log_loss_score": "skbce._metrics.losses",
    "log_loss": "skbce._metrics.losses",
    "normalized_cross_entropy": "skbce._metrics.losses",
    "StreamingLogLoss": "skbce._metrics.streaming",
    "CalibrationComparison": "skbce._report.report",
    "CalibrationReport": "skbce._report.report",
    "ReliabilityDisplay": "skbce._report.report",
    "calibration_report": "skbce._report.report",
    "compare_calibration": "skbce._report.report",
    "cross_val_calibration_report": "skbce._report.report",
    "get_scorer": "skbce._scorer.scorer",
    "get_scorer_names": "skbce._scorer.scorer",
    "make_scorer": "skbce._scorer.scorer",
    "config_context": "skbce._utils.config",
    "get_config": "skbce._utils.config",
    "set_config": "skbce._utils.config",
}

__all__ = sorted([*_WHERE, "__version__"])


def _version():
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("skbce")
    except PackageNotFoundError:  # pragma: no cover - running from a source tree
        return "0+unknown"


def __getattr__(name):
    """Import a public name from its module on first use, then keep it here."""
    if name == "__version__":
        globals()[name] = _version()
        return globals()[name]
    module = _WHERE.get(name)
    if module is None:
        msg = f"module 'skbce' has no attribute {name!r}"
        raise AttributeError(msg)
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__():
    return sorted({*globals(), *__all__})
