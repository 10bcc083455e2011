"""skbce: binary cross-entropy metrics, scorers and calibration reports for scikit-learn."""

from importlib.metadata import PackageNotFoundError, version

from skbce._calibration.streaming import StreamingCalibration
from skbce._metrics.breakdown import LogLossBreakdown, log_loss_breakdown
from skbce._metrics.gradient import bce_gradient_hessian
from skbce._metrics.losses import (
    binary_cross_entropy,
    brier_score_loss,
    d2_log_loss_score,
    log_loss,
    normalized_cross_entropy,
)
from skbce._metrics.streaming import StreamingLogLoss
from skbce._report.report import (
    CalibrationComparison,
    CalibrationReport,
    ReliabilityDisplay,
    calibration_report,
    compare_calibration,
    cross_val_calibration_report,
)
from skbce._scorer.scorer import get_scorer, get_scorer_names, make_scorer
from skbce._utils.config import config_context, get_config, set_config

try:
    __version__ = version("skbce")
except PackageNotFoundError:  # pragma: no cover - running from a source tree
    __version__ = "0+unknown"

__all__ = [
    "CalibrationComparison",
    "CalibrationReport",
    "LogLossBreakdown",
    "ReliabilityDisplay",
    "StreamingCalibration",
    "StreamingLogLoss",
    "__version__",
    "bce_gradient_hessian",
    "binary_cross_entropy",
    "brier_score_loss",
    "calibration_report",
    "compare_calibration",
    "config_context",
    "cross_val_calibration_report",
    "d2_log_loss_score",
    "get_config",
    "get_scorer",
    "get_scorer_names",
    "log_loss",
    "log_loss_breakdown",
    "make_scorer",
    "normalized_cross_entropy",
    "set_config",
]
