"""_calibration."""
