"""The sections of the clinical validation standard, as rows of strings.

The indices of ``rms::val.prob``, the flexible curve's errors, the
calibration hierarchy, the recalibration gain and the subgroups.  Reads the
public attributes of the report it is given (duck typing) and the table of
statistic definitions; computes nothing.  :func:`skbce._render.sections.sections`
places them among the other sections.
"""

from skbce._render.definitions import CURVE_ERRORS, DEFINITIONS, LIKELIHOOD_RATIO, VALPROB, label
from skbce._render.numbers import fmt, fmt_interval, fmt_p, fmt_weight

__all__ = [
    "curve_rows",
    "gain_header",
    "gain_rows",
    "gain_title",
    "hierarchy_header",
    "hierarchy_rows",
    "holds_text",
    "subgroup_header",
    "subgroup_notes",
    "subgroup_rows",
    "valprob_rows",
    "verdict",
]


def verdict(report):
    """The verdict every rendering starts with: the hierarchy's summary."""
    return report.hierarchy.summary


def valprob_rows(report):
    """Rows (label, value, test, note) of Somers' Dxy, R2, D, U and Q."""
    notes = {
        "somers_dxy": "2 AUC - 1",
        "nagelkerke_r2": "",
        "quality_index": "Q = D - U",
    }
    rows = []
    for key in VALPROB:
        value = getattr(report, key)
        if key in LIKELIHOOD_RATIO:
            test = f"chi2 = {fmt(value.statistic)}, dof = {value.dof}"
            rows.append([label(key), fmt(value.index), test, fmt_p(value.pvalue)])
        else:
            rows.append([label(key), fmt(value), "", notes[key]])
    return rows


def curve_rows(report):
    """Rows (label, value, note) of Eavg, E50, E90 and Emax."""
    how = "binned lowess (large N)" if report.flexible_curve.binned else "lowess(p, y, iter = 0)"
    notes = {"eavg": f"|p - curve(p)| averaged; curve = {how}"}
    return [[label(key), fmt(getattr(report, key)), notes.get(key, "")] for key in CURVE_ERRORS]


def holds_text(holds):
    """``"yes"``, ``"no"`` or ``"cannot tell"``."""
    return "cannot tell" if holds is None else ("yes" if holds else "no")


def _interval(low, high, key=None):
    return fmt_interval(low, high, key)


hierarchy_header = ["level", "rests on", "estimate", "interval", "holds", "why"]


def hierarchy_rows(report):
    """One row per level of the calibration hierarchy."""
    return [
        [
            lv.level,
            label(lv.statistic) if lv.statistic in DEFINITIONS else lv.statistic.replace("_", " "),
            fmt(lv.estimate),
            _interval(lv.low, lv.high, lv.statistic),
            holds_text(lv.holds),
            lv.note,
        ]
        for lv in report.hierarchy.levels
    ]


gain_header = ["", "log loss", "Brier score", "log-loss gain", "gain SE", "gains"]


def gain_title(report):
    """The title of the recalibration section: the one-line recommendation."""
    gain = report.recalibration_gain
    return (
        f"Recalibration gain ({gain.n_splits}-fold cross-fitted): "
        f"recommended recalibration: {gain.recommendation}"
    )


def gain_rows(report):
    """The current scores, each method's cross-fitted scores, CORP's in-sample term."""
    gain = report.recalibration_gain
    rows = [["current", fmt(gain.log_loss), fmt(gain.brier_score), "", "", ""]]
    for m in gain.methods:
        rows.append(
            [
                m.method,
                fmt(m.log_loss),
                fmt(m.brier_score),
                fmt(m.log_loss_gain),
                fmt(m.gain_se),
                "yes" if m.gains else "no",
            ]
        )
    in_sample = [fmt(gain.miscalibration_log_loss), fmt(gain.miscalibration_brier)]
    rows.append(["CORP miscalibration (in-sample)", *in_sample, "", "", ""])
    return rows


subgroup_header = [
    "group",
    "n",
    "weight",
    "base rate",
    "mean prediction",
    "O/E [interval]",
    "calibration-in-the-large [interval]",
    "slope [interval]",
    "log loss",
    "ECE",
    "mean / weak / moderate",
]


def _estimate(est, key=None):
    """``"estimate [low, high]"``, or the estimate alone without an interval."""
    interval = _interval(est.low, est.high, key)
    return fmt(est.estimate) if interval == "-" else f"{fmt(est.estimate)} {interval}"


def subgroup_rows(report):
    """One row per group."""
    rows = []
    for g in report.subgroups:
        levels = " / ".join(holds_text(lv.holds) for lv in g.hierarchy.levels[:3])
        rows.append(
            [
                str(g.group),
                f"{g.n_samples:,}",
                fmt_weight(g.weight),
                fmt(g.base_rate),
                fmt(g.mean_prediction),
                _estimate(g.observed_expected, "observed_expected"),
                _estimate(g.calibration_in_the_large),
                _estimate(g.calibration_slope),
                fmt(g.log_loss),
                fmt(g.ece),
                levels,
            ]
        )
    return rows


def subgroup_notes(report):
    """The notes of the groups, each prefixed with its group."""
    if report.subgroups is None:
        return []
    return [f"group {g.group!r}: {note}" for g in report.subgroups for note in g.notes]
