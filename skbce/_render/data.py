"""Reports as plain data: the JSON-serialisable dict and the flat row of ``to_frame``.

Keys come from the table of statistic definitions; values are read from the
public attributes of the report (duck typing); nothing is computed here.
"""

import math
from typing import NamedTuple

import numpy as np

from skbce._render.definitions import (
    BINNING_FREE,
    CURVE_ERRORS,
    ERRORS,
    ESTIMATES,
    FRAME,
    NEW_TESTS,
    SCORES,
    TESTS,
    VALPROB,
    value_of,
)
from skbce._render.standard import verdict

__all__ = ["HistogramBars", "frame_row", "histogram_bars", "report_dict", "to_python"]


def to_python(value):
    """A JSON-serialisable Python value: NaN and infinities become None.

    Examples
    --------
    >>> import numpy as np
    >>> from skbce._render.data import to_python
    >>> to_python({"a": np.array([1.0, np.nan]), "b": np.float32(0.5)})
    {'a': [1.0, None], 'b': 0.5}
    """
    if isinstance(value, dict):
        return {str(k): to_python(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        if hasattr(value, "_asdict"):
            return to_python(value._asdict())
        return [to_python(v) for v in value]
    if isinstance(value, np.ndarray):
        return [to_python(v) for v in value.tolist()]
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, bool | int | str) or value is None:
        return value
    return str(value)


def _settings(report):
    strategy = report.strategy if isinstance(report.strategy, str) else "edges"
    return {
        "n_bins": report.n_bins,
        "strategy": strategy,
        "confidence_level": report.confidence_level,
        "baseline": report.baseline,
        "interval": "wilson",
        "n_resamples": getattr(report, "n_resamples", None),
        "hosmer_lemeshow_groups": "equal-weight bins, dof = groups - 2",
    }


def _table_dict(table):
    return {k: table[k] for k in table.columns}


def _band(band):
    return None if band is None else band._asdict()


def report_dict(report):
    """Every number of a report as a JSON-serialisable dict (see ``to_dict``)."""
    return to_python(
        {
            "verdict": verdict(report),
            "task": report.task,
            "convention": report.convention,
            "classes": list(np.asarray(report.classes).tolist()),
            "pos_label": report.pos_label,
            "n_samples": report.n_samples,
            "total_weight": report.total_weight,
            "settings": _settings(report),
            "scores": {k: value_of(report, k) for k in (*SCORES, "nce_baseline")},
            "calibration_errors": {
                k: value_of(report, k) for k in (*ERRORS, "smooth_ece_bandwidth")
            },
            "tests": {k: getattr(report, k)._asdict() for k in (*TESTS, *ESTIMATES)},
            "decomposition": {k: v._asdict() for k, v in report.decomposition.items()},
            "reliability": {k: report.reliability[k] for k in report.reliability.columns},
            "recalibration": report.recalibration._asdict(),
            "hierarchy": report.hierarchy._asdict(),
            "validation": {k: getattr(report, k) for k in VALPROB},
            "curve_errors": {k: getattr(report, k) for k in CURVE_ERRORS},
            "flexible_curve": report.flexible_curve._asdict(),
            "recalibration_gain": report.recalibration_gain._asdict(),
            "binning_free": {k: value_of(report, k) for k in BINNING_FREE},
            "cumulative_tests": {k: getattr(report, k)._asdict() for k in NEW_TESTS[:-1]},
            "corp_test": report.corp_test._asdict(),
            "intervals": _table_dict(report.intervals),
            "consistency_band": _band(report.consistency_band),
            "confidence_band": _band(report.confidence_band),
            "subgroups": None
            if report.subgroups is None
            else [g._asdict() for g in report.subgroups],
            "folds": None if report.folds is None else _table_dict(report.folds),
            "problems": list(report.problems),
            "notes": list(report.notes),
            "per_class": None
            if report.per_class is None
            else {str(k): report_dict(v) for k, v in report.per_class.items()},
        }
    )


def frame_row(report):
    """The scalar statistics of a report, keyed as ``to_frame``'s columns."""
    row = {}
    for key in FRAME:
        value = value_of(report, key)
        if np.ndim(value) == 0:
            row[key] = float(value)
    for interval in report.intervals:  # the bounds of every interval
        for bound in ("low", "high"):
            row.setdefault(f"{interval['statistic']}_{bound}", float(interval[bound]))
    return row


class HistogramBars(NamedTuple):
    """The bars of a histogram of predictions: ``left``, ``width``, ``height``, axis label."""

    left: np.ndarray
    width: np.ndarray
    height: np.ndarray
    label: str


def histogram_bars(reliability):
    """The bars of the histogram under a reliability diagram, one per bin of the table.

    Bins of equal width show their counts.  Bins of unequal width (quantile or
    given edges) show their count per ``1 / n_bins`` of probability (area is
    count), each drawn at least ``1 / (10 n_bins)`` wide around its middle: a
    bin of tied predictions has width 0, and its density would be infinite
    (with a floor of ``1e-12``, its bar made every other bar invisible).

    Examples
    --------
    >>> import numpy as np
    >>> from skbce._render.data import histogram_bars
    >>> table = {"bin_lower": np.array([0.3, 0.3]), "bin_upper": np.array([0.3, 0.6]),
    ...          "count": np.array([10, 10])}
    >>> bars = histogram_bars(table)
    >>> bars.height.round(3).tolist(), bars.label
    ([100.0, 16.667], 'count per 0.5')
    """
    lower = np.asarray(reliability["bin_lower"], dtype=float)
    upper = np.asarray(reliability["bin_upper"], dtype=float)
    counts = np.asarray(reliability["count"], dtype=float)
    width = upper - lower
    unit = 1.0 / width.shape[0]
    if np.allclose(width, unit, rtol=1e-6, atol=1e-12):
        return HistogramBars(lower, width, counts, "count")
    drawn = np.maximum(width, unit / 10)
    left = np.clip((lower + upper - drawn) / 2, 0.0, 1.0 - drawn)
    left = np.where(width < drawn, left, lower)
    return HistogramBars(left, drawn, counts * unit / drawn, f"count per {unit:.3g}")
