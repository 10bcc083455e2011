"""The sections of a calibration report as rows of strings, shared by every renderer.

Reads the public attributes of the report it is given (duck typing: any
object with the report's attributes; newer fields such as ``intervals`` or
``corp_test`` are shown when present) and the table of statistic
definitions; computes nothing.  The order is the one every rendering
follows: the scores with their intervals first, then the details.
"""

from typing import NamedTuple

import numpy as np

from skbce._render.definitions import (
    CURVE_ERRORS,
    DECOMPOSED,
    DEFINITIONS,
    ERRORS,
    ESTIMATES,
    RELIABILITY_COLUMNS,
    SCORES,
    TERMS,
    VALPROB,
    label,
    value_of,
)
from skbce._render.numbers import fmt, fmt_interval, fmt_p, fmt_weight
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

__all__ = [
    "Section",
    "cell",
    "header",
    "interval_of",
    "name_of",
    "sections",
    "strategy_text",
    "table_rows",
]

#: The calibration tests with a p-value that a report may hold, in order.
TEST_FIELDS = ("corp_test", "ks_calibration", "kuiper_calibration")
#: Calibration errors that a report may hold besides ``ERRORS``.
EXTRA_ERRORS = ("debiased_rmsce", "ece_sweep")


class Section(NamedTuple):
    """A titled table: ``header`` names the columns (None for notes)."""

    title: str
    header: list | None
    rows: list
    keys: list  # the statistic key of each row ('' when none)
    footnotes: tuple = ()  # lines under the table (how the intervals were made)


class _Methods:
    """Letters for the interval methods of a section: ``(a)``, ``(b)``, ... and their footnotes."""

    def __init__(self):
        self.letters = {}

    def mark(self, method):
        letter = self.letters.setdefault(method, "abcdefghijklmnopqrstuvwxyz"[len(self.letters)])
        return f"({letter})"

    def footnotes(self, level):
        return tuple(
            f"({letter}) {level} interval: {method}" for method, letter in self.letters.items()
        )


def name_of(key):
    """The human label of statistic ``key``; an unknown key in words."""
    return label(key) if key in DEFINITIONS else key.replace("_", " ")


def cell(key, value):
    """``value`` in the format of statistic ``key`` (a p-value ``0.0123`` or ``< 1e-4``)."""
    stat = DEFINITIONS.get(key)
    return fmt_p(value) if stat is not None and stat.format == "pvalue" else fmt(value)


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
        weight = f", total weight {fmt_weight(report.total_weight)}"
    return f"Calibration report: {what}", f"n = {report.n_samples:,} samples{weight}"


def _level(report):
    return f"{100 * report.confidence_level:g}%"


def strategy_text(report):
    """How the reliability table is binned, in words."""
    if isinstance(report.strategy, str):
        return f"{len(report.reliability)} {report.strategy} bins"
    return f"{len(report.reliability)} bins with given edges"


def interval_of(report, key):
    """``(low, high, method)`` of statistic ``key`` from ``report.intervals``, or None."""
    table = getattr(report, "intervals", None)
    if table is None or len(table) == 0:
        return None
    names = [str(s) for s in table["statistic"]]
    if key not in names:
        return None
    i = names.index(key)
    return float(table["low"][i]), float(table["high"][i]), str(table["method"][i])


def _with_interval(report, key, value, note, methods):
    """``[label, value, interval, note]``; the interval marked with its method's letter."""
    found = interval_of(report, key) if np.ndim(value) == 0 else None
    if found is None:
        return [name_of(key), fmt(value), "-", note]
    low, high, method = found
    return [
        name_of(key),
        fmt(value),
        f"{fmt_interval(low, high, key)} {methods.mark(method)}",
        note,
    ]


def _score_rows(report, methods):
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
            text = ", ".join(fmt(v) for v in np.asarray(value))
            rows.append([name_of(key), text, "-", "per class"])
        else:
            rows.append(_with_interval(report, key, value, notes.get(key, ""), methods))
    return rows


def _error_rows(report, methods):
    notes = {
        "adaptive_ece": f"{report.n_bins} equal-weight bins",
        "smooth_ece": f"bandwidth {fmt(report.smooth_ece_bandwidth)}",
    }
    rows = [
        _with_interval(
            report, key, value_of(report, key), notes.get(key, strategy_text(report)), methods
        )
        for key in ERRORS
    ]
    keys = list(ERRORS)
    debiased = getattr(report, "debiased_rmsce", None)
    if debiased is not None:
        note = "debiased L2 calibration error (Kumar, Liang & Ma 2019)"
        rows.append(_with_interval(report, "debiased_rmsce", debiased, note, methods))
        keys.append("debiased_rmsce")
    sweep = getattr(report, "ece_sweep", None)
    if sweep is not None:
        note = f"{sweep.n_bins} equal-mass bins: the most that keep the curve monotone"
        rows.append(_with_interval(report, "ece_sweep", sweep.statistic, note, methods))
        keys.append("ece_sweep")
    return rows, keys


def _test_rows(report):
    hl, sp = report.hosmer_lemeshow, report.spiegelhalter
    rows = [
        [
            label("hosmer_lemeshow"),
            f"chi2 = {fmt(hl.statistic)}, dof = {hl.dof}",
            fmt_p(hl.pvalue),
            f"{report.n_bins} equal-weight groups, dof = groups - 2",
        ],
        [label("spiegelhalter"), f"z = {fmt(sp.statistic)}", fmt_p(sp.pvalue), ""],
    ]
    keys = ["hosmer_lemeshow", "spiegelhalter"]
    notes = {
        "corp_test": "CORP miscalibration term",
        "ks_calibration": "largest |cumulative (y - p)| over predictions sorted ascending",
        "kuiper_calibration": "range of the cumulative (y - p)",
    }
    for key in TEST_FIELDS:
        result = getattr(report, key, None)
        if result is None:
            continue
        note = notes[key]
        method = getattr(result, "method", None)
        if method:
            note = f"{note}; p-value: {method}"
        rows.append([name_of(key), fmt(result.statistic), fmt_p(result.pvalue), note])
        keys.append(key)
    return rows, keys


def _estimate_rows(report):
    level = _level(report)
    notes = (f"Cox, {level} Wald CI; 1 is ideal", "Cox; 0 is ideal", "slope fixed at 1")
    rows = []
    for key, note in zip(ESTIMATES, notes, strict=True):
        est = getattr(report, key)
        rows.append([label(key), fmt(est.estimate), fmt_interval(est.low, est.high, key), note])
    return rows


def _decomposition_rows(report, methods):
    rows = []
    for score in DECOMPOSED:
        d = report.decomposition[score]
        cells = []
        for term in TERMS:
            found = interval_of(report, f"{score}_{term}")
            text = fmt(getattr(d, term))
            if found is not None:
                interval = fmt_interval(found[0], found[1], f"{score}_{term}")
                text += f" {interval} {methods.mark(found[2])}"
            cells.append(text)
        rows.append([label(score), fmt(d.score), *cells])
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
                fmt_weight(row["weight"]) if weighted else f"{row['count']:,}",
                fmt(row["mean_predicted"]),
                fmt(row["observed"]),
                fmt_interval(row["ci_low"], row["ci_high"], "probability"),
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


def _blank(n):
    return [""] * n


def headline_sections(report):
    """The scores and the calibration errors, each with its interval: what comes first."""
    level = _level(report)
    head = ["statistic", "value", f"{level} interval", "note"]
    score_methods, error_methods = _Methods(), _Methods()
    scores = _score_rows(report, score_methods)
    errors, error_keys = _error_rows(report, error_methods)
    if all(row[2] == "-" for row in (*scores, *errors)):  # a report without intervals
        head = [head[0], head[1], head[3]]
        scores, errors = ([r[:2] + r[3:] for r in rows] for rows in (scores, errors))
    return [
        Section("Scores", head, scores, list(SCORES), score_methods.footnotes(level)),
        Section("Calibration errors", head, errors, error_keys, error_methods.footnotes(level)),
    ]


def _standard_sections(report):
    """The sections of the validation standard (hierarchy, val.prob, gain, subgroups)."""
    level = _level(report)
    out = [
        Section(
            f"Calibration hierarchy (Van Calster et al.; {level} intervals)",
            hierarchy_header,
            hierarchy_rows(report),
            _blank(len(report.hierarchy.levels)),
        ),
        Section(
            "Validation indices (as rms::val.prob)",
            ["index", "value", "test", "p-value or note"],
            valprob_rows(report),
            list(VALPROB),
        ),
        Section(
            "Flexible calibration curve errors",
            ["statistic", "value", "note"],
            curve_rows(report),
            list(CURVE_ERRORS),
        ),
    ]
    rows = gain_rows(report)
    out.append(Section(gain_title(report), gain_header, rows, _blank(len(rows))))
    if report.subgroups is not None:
        rows = subgroup_rows(report)
        out.append(Section("Subgroups", subgroup_header, rows, _blank(len(rows))))
    return out


def detail_sections(report):
    """Everything after the headline: tests, the validation standard, tables, notes."""
    level = _level(report)
    top = " (top-label problem)" if report.task == "multiclass" else ""
    columns = ("count", "weight", "mean_predicted", "observed")
    reliability_header = [
        "bin",
        *(RELIABILITY_COLUMNS[k] for k in columns),
        f"{level} CI",
        RELIABILITY_COLUMNS["gap"],
    ]
    tests, test_keys = _test_rows(report)
    methods = _Methods()
    decomposition = _decomposition_rows(report, methods)
    out = [
        Section("Tests", ["test", "statistic", "p-value", "note"], tests, test_keys),
        Section(
            "Calibration slope and intercept",
            ["estimate", "value", f"{level} interval", "note"],
            _estimate_rows(report),
            list(ESTIMATES),
        ),
        *_standard_sections(report),
        Section(
            f"CORP decomposition{top}: score = miscalibration - discrimination + uncertainty",
            ["", "score", *TERMS],
            decomposition,
            list(DECOMPOSED),
            methods.footnotes(level),
        ),
        Section(
            f"Reliability ({strategy_text(report)}; {level} Wilson intervals; "
            "gap = predicted - observed)",
            reliability_header,
            _reliability_rows(report),
            _blank(len(report.reliability)),
        ),
    ]
    if report.folds is not None:
        rows = table_rows(report.folds)
        out.append(Section("Folds", list(report.folds.columns), rows, _blank(len(rows))))
    notes = [*report.problems, *report.notes, *subgroup_notes(report)]
    if notes:
        out.append(Section("Notes", None, [[f"- {p}"] for p in notes], _blank(len(notes))))
    return out


def sections(report):
    """Every section of the report, in order: the renderers' common input."""
    return [*headline_sections(report), *detail_sections(report)]
