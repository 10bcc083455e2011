"""_metrics."""
