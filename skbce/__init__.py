"""skbce: binary cross-entropy metrics, scorers and calibration reports for scikit-learn."""

from importlib.metadata import PackageNotFoundError, version

from ._loss import d2_log_loss_score, log_loss

try:
    __version__ = version("skbce")
except PackageNotFoundError:  # pragma: no cover - running from a source tree
    __version__ = "0+unknown"

__all__ = ["__version__", "d2_log_loss_score", "log_loss"]
