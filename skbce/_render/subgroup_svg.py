"""Small multiples of the subgroups as inline SVG: one panel per statistic, one row per group.

Each panel shows every group's estimate with its interval against the ideal
value (dashed): observed/expected (1), calibration-in-the-large (0) and
calibration slope (1).  Reads ``report.subgroups`` (duck typing); computes
nothing but pixel positions.  Group labels are escaped.
"""

import html
import math

from skbce._render.numbers import fmt

__all__ = ["PANELS", "subgroup_svg"]

#: The panels: (field of a subgroup row, title, ideal value).
PANELS = (
    ("observed_expected", "observed/expected", 1.0),
    ("calibration_in_the_large", "calibration-in-the-large", 0.0),
    ("calibration_slope", "calibration slope", 1.0),
)

_LABEL, _PANEL, _GAP, _ROW, _TOP, _BOTTOM = 96, 200, 16, 22, 34, 30
_COLOR = "#1f77b4"


def _e(value):
    return html.escape(str(value), quote=True)


def _finite(*values):
    return all(math.isfinite(float(v)) for v in values)


def _limits(estimates, ideal):
    """A range holding every finite estimate and bound, and the ideal value, padded."""
    values = [ideal]
    for est in estimates:
        values += [float(v) for v in est if math.isfinite(float(v))]
    lo, hi = min(values), max(values)
    pad = 0.08 * (hi - lo) if hi > lo else 0.5
    return lo - pad, hi + pad


def _panel(x0, rows, field, title, ideal):
    """One panel: title, axis ticks, ideal line, a dot and an interval per group."""
    estimates = [tuple(getattr(g, field)) for g in rows]
    lo, hi = _limits(estimates, ideal)

    def px(v):
        return x0 + (float(v) - lo) / (hi - lo) * _PANEL

    bottom = _TOP + _ROW * len(rows)
    out = [
        f'<text class="panel-title" x="{x0 + _PANEL / 2:.1f}" y="16" font-size="12" '
        f'text-anchor="middle">{_e(title)}</text>',
        f'<rect x="{x0}" y="{_TOP - 8}" width="{_PANEL}" height="{bottom - _TOP + 8}" '
        'fill="none" stroke="#bbb"/>',
        f'<line class="ideal" x1="{px(ideal):.1f}" y1="{_TOP - 8}" x2="{px(ideal):.1f}" '
        f'y2="{bottom}" stroke="#444" stroke-dasharray="4,3"/>',
    ]
    for v in (lo + 0.08 * (hi - lo), ideal, hi - 0.08 * (hi - lo)):
        out.append(
            f'<text class="tick" x="{px(v):.1f}" y="{bottom + 16}" font-size="10" '
            f'text-anchor="middle">{_e(fmt(v, 3))}</text>'
        )
    for i, (estimate, low, high) in enumerate(estimates):
        y = _TOP + _ROW * i + _ROW / 2 - 4
        if _finite(low, high):
            out.append(
                f'<line class="group-interval" x1="{px(low):.1f}" y1="{y:.1f}" '
                f'x2="{px(high):.1f}" y2="{y:.1f}" stroke="{_COLOR}" stroke-width="2"/>'
            )
        if _finite(estimate):
            tip = f"{rows[i].group}: {fmt(estimate)} [{fmt(low)}, {fmt(high)}]"
            out.append(
                f'<circle class="group-estimate" cx="{px(estimate):.1f}" cy="{y:.1f}" r="4" '
                f'fill="{_COLOR}"><title>{_e(tip)}</title></circle>'
            )
    return out


def subgroup_svg(report):
    """The subgroups' estimates with their intervals, one small panel per statistic.

    Parameters
    ----------
    report : CalibrationReport
        A report with ``subgroups`` (a tuple of rows with ``group``,
        ``observed_expected``, ``calibration_in_the_large`` and
        ``calibration_slope``, each an estimate with ``low`` and ``high``).

    Returns
    -------
    svg : str
        Empty when the report has no subgroups.

    Examples
    --------
    >>> from skbce import calibration_report
    >>> from skbce._render.subgroup_svg import subgroup_svg
    >>> y = [0, 1, 1, 0, 1, 0, 0, 1] * 60
    >>> p = [0.3, 0.7, 0.6, 0.4, 0.2, 0.8, 0.5, 0.5] * 60
    >>> svg = subgroup_svg(calibration_report(y, p, groups=[i % 3 for i in range(480)]))
    >>> svg.count('class="group-estimate"')  # 3 groups, 3 panels
    9
    """
    rows = getattr(report, "subgroups", None)
    if not rows:
        return ""
    width = _LABEL + len(PANELS) * (_PANEL + _GAP)
    height = _TOP + _ROW * len(rows) + _BOTTOM
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="subgroups" width="{width}" '
        f'height="{height}" viewBox="0 0 {width} {height}" role="img" '
        'style="max-width: 100%; height: auto" '
        'aria-label="Calibration by subgroup">'
    ]
    for i, g in enumerate(rows):
        name = str(g.group)
        short = name if len(name) <= 14 else name[:13] + "\u2026"
        y = _TOP + _ROW * i + _ROW / 2
        out.append(
            f'<text class="group" x="{_LABEL - 8}" y="{y:.1f}" font-size="11" '
            f'text-anchor="end"><title>{_e(name)}</title>{_e(short)}</text>'
        )
    for k, (field, title, ideal) in enumerate(PANELS):
        out += _panel(_LABEL + k * (_PANEL + _GAP), rows, field, title, ideal)
    out.append("</svg>")
    return "".join(out)
