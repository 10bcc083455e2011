"""skbce: binary cross-entropy metrics, scorers and calibration reports for scikit-learn."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("skbce")
except PackageNotFoundError:  # pragma: no cover - running from a source tree
    __version__ = "0+unknown"

__all__ = ["__version__"]
