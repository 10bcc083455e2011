"""The sections of a calibration report as rows of strings, shared by every renderer.

Reads the public attributes of the report it is given (duck typing: any
object with the report's attributes) and the table of statistic definitions;
computes nothing.
"""

from typing import NamedTuple

import numpy as np

from skbce._render.definitions import (
    CURVE_ERRORS,
    DECOMPOSED,
    ERRORS,
    ESTIMATES,
    RELIABILITY_COLUMNS,
    SCORES,
    TERMS,
    VALPROB,
    fmt,
    format_value,
    label,
    value_of,
)
from skbce._render.standard import (
    curve_rows,
    gain_header,
    gain_rows,
    gain_title,
    hierarchy_header,
    hierarchy_rows,
    subgroup_header,
    subgroup_notes,
    subgroup_rows,
    valprob_rows,
)

__all__ = ["Section", "header", "sections", "table_rows"]


class Section(NamedTuple):
    """A titled table: ``header`` is None for rows of (label, value, notes...)."""

    title: str
    header: list | None
    rows: list
    keys: list  # the statistic key of each row ('' when none)


def header(report):
    """The title line and the size line of a report."""
    if report.task == "binary":
        what = f"binary, calibration of P(y = {report.pos_label!r}) (positive class)"
    else:
        what = (
            f"multiclass ({len(report.classes)} classes), calibration of the top "
            "label: confidence = largest probability, correct = its class is "
            "the true one"
        )
    weight = ""
    if report.total_weight != report.n_samples:
        weight = f", total weight {fmt(report.total_weight)}"
    return f"Calibration report: {what}", f"n = {report.n_samples:,} samples{weight}"


def _level(report):
    return f"{100 * report.confidence_level:g}%"


def strategy_text(report):
    """How the reliability table is binned, in words."""
    if isinstance(report.strategy, str):
        return f"{len(report.reliability)} {report.strategy} bins"
    return f"{len(report.reliability)} bins with given edges"


def _score_rows(report):
    notes = {
        "normalized_cross_entropy": f"{label('nce_baseline')} {fmt(report.nce_baseline)}",
        "observed_expected_ratio": "sum y / sum p"
        if report.task == "binary"
        else "accuracy / confidence",
    }
    rows = []
    for key in SCORES:
        value = value_of(report, key)
        if np.ndim(value):
            text, note = ", ".join(fmt(v) for v in np.asarray(value)), "per class"
        else:
            text, note = fmt(value), ""
        rows.append([label(key), text, notes.get(key, note)])
    return rows


def _error_rows(report):
    notes = {
        "adaptive_ece": f"{report.n_bins} equal-weight bins",
        "smooth_ece": f"bandwidth {fmt(report.smooth_ece_bandwidth)}",
    }
    return [
        [label(key), fmt(value_of(report, key)), notes.get(key, strategy_text(report))]
        for key in ERRORS
    ]


def _test_rows(report):
    hl, sp = report.hosmer_lemeshow, report.spiegelhalter
    rows = [
        [
            label("hosmer_lemeshow"),
            f"chi2 = {fmt(hl.statistic)}, dof = {hl.dof}",
            format_value("hosmer_lemeshow_pvalue", hl.pvalue),
            f"{report.n_bins} equal-weight groups, dof = groups - 2",
        ],
        [
            label("spiegelhalter"),
            f"z = {fmt(sp.statistic)}",
            format_value("spiegelhalter_pvalue", sp.pvalue),
            "",
        ],
    ]
    notes = (f"Cox, {_level(report)} Wald CI; 1 is ideal", "Cox; 0 is ideal", "slope fixed at 1")
    for key, note in zip(ESTIMATES, notes, strict=True):
        est = getattr(report, key)
        rows.append([label(key), fmt(est.estimate), f"[{fmt(est.low)}, {fmt(est.high)}]", note])
    return rows


def _decomposition_rows(report):
    rows = []
    for score in DECOMPOSED:
        d = report.decomposition[score]
        rows.append([label(score), fmt(d.score), *(fmt(getattr(d, t)) for t in TERMS)])
    return rows


def _reliability_rows(report):
    weighted = report.total_weight != report.n_samples
    rows = []
    for i, row in enumerate(report.reliability):
        left = "[" if i == 0 else "("
        bin_text = f"{left}{row['bin_lower']:.3g}, {row['bin_upper']:.3g}]"
        if row["empty"]:
            rows.append([bin_text, "0", "0", "-", "-", "empty", "-"])
            continue
        rows.append(
            [
                bin_text,
                f"{row['count']:,}",
                fmt(row["weight"]) if weighted else f"{row['count']:,}",
                fmt(row["mean_predicted"]),
                fmt(row["observed"]),
                f"[{fmt(row['ci_low'], 3)}, {fmt(row['ci_high'], 3)}]",
                fmt(row["gap"]),
            ]
        )
    return rows


def table_rows(table):
    """Rows of strings of a column table (numbers formatted)."""
    rows = []
    for row in table:
        rows.append([fmt(v) if isinstance(v, int | float) else str(v) for v in row.values()])
    return rows


def _standard_sections(report):
    """The sections of the validation standard (hierarchy, val.prob, gain, subgroups)."""
    out = [
        Section(
            f"Calibration hierarchy (Van Calster et al.; {_level(report)} intervals)",
            hierarchy_header,
            hierarchy_rows(report),
            [""] * len(report.hierarchy.levels),
        ),
        Section("Validation indices (as rms::val.prob)", None, valprob_rows(report), list(VALPROB)),
        Section("Flexible calibration curve errors", None, curve_rows(report), list(CURVE_ERRORS)),
    ]
    rows = gain_rows(report)
    out.append(Section(gain_title(report), gain_header, rows, [""] * len(rows)))
    if report.subgroups is not None:
        rows = subgroup_rows(report)
        out.append(Section("Subgroups", subgroup_header, rows, [""] * len(rows)))
    return out


def sections(report):
    """Every section of the report, in order: the renderers' common input."""
    level = _level(report)
    top = " (top-label problem)" if report.task == "multiclass" else ""
    columns = ("count", "weight", "mean_predicted", "observed")
    reliability_header = [
        "bin",
        *(RELIABILITY_COLUMNS[k] for k in columns),
        f"{level} CI",
        RELIABILITY_COLUMNS["gap"],
    ]
    out = [
        Section("Scores", None, _score_rows(report), list(SCORES)),
        Section("Calibration errors", None, _error_rows(report), list(ERRORS)),
        Section(
            "Tests", None, _test_rows(report), ["hosmer_lemeshow", "spiegelhalter", *ESTIMATES]
        ),
        *_standard_sections(report),
        Section(
            f"CORP decomposition{top}: score = miscalibration - discrimination + uncertainty",
            ["", "score", *TERMS],
            _decomposition_rows(report),
            list(DECOMPOSED),
        ),
        Section(
            f"Reliability ({strategy_text(report)}; {level} Wilson intervals; "
            "gap = predicted - observed)",
            reliability_header,
            _reliability_rows(report),
            [""] * len(report.reliability),
        ),
    ]
    if report.folds is not None:
        rows = table_rows(report.folds)
        out.append(Section("Folds", list(report.folds.columns), rows, [""] * len(rows)))
    notes = [*report.problems, *report.notes, *subgroup_notes(report)]
    if notes:
        out.append(Section("Notes", None, [[f"- {p}"] for p in notes], [""] * len(notes)))
    return out
