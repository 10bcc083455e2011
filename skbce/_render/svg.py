"""The reliability diagram as inline SVG, drawn from the reports' reliability tables.

Reads the public attributes of the reports (duck typing); computes nothing
but pixel positions.  Every piece of user text (model names) is escaped.
"""

import html
import math

__all__ = ["COLORS", "reliability_svg"]

#: Curve colours (matplotlib's "tab10"), one per report.
COLORS = (
    "#1f77b4",
    "#ff7f0e",
    "#2ca02c",
    "#d62728",
    "#9467bd",
    "#8c564b",
    "#e377c2",
    "#7f7f7f",
    "#bcbd22",
    "#17becf",
)

_W, _H = 520, 440
_LEFT, _RIGHT, _TOP, _BOTTOM = 62, 18, 18, 56
_PW, _PH = _W - _LEFT - _RIGHT, _H - _TOP - _BOTTOM


def _e(value):
    return html.escape(str(value), quote=True)


def _x(v):
    return _LEFT + v * _PW


def _y(v):
    return _TOP + (1.0 - v) * _PH


def _finite(*values):
    return all(v is not None and math.isfinite(float(v)) for v in values)


def _frame(xlabel, ylabel):
    """The plot area, its grid, ticks and axis labels."""
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="reliability" width="{_W}" '
        f'height="{_H}" viewBox="0 0 {_W} {_H}" role="img" '
        f'aria-label="Reliability diagram: {_e(ylabel)} against {_e(xlabel)}">',
        f'<rect x="{_LEFT}" y="{_TOP}" width="{_PW}" height="{_PH}" fill="#fff" stroke="#888"/>',
    ]
    for k in range(6):
        v = k / 5
        out.append(
            f'<line x1="{_x(v):.1f}" y1="{_TOP}" x2="{_x(v):.1f}" y2="{_TOP + _PH}" '
            'stroke="#eee"/>'
            f'<line x1="{_LEFT}" y1="{_y(v):.1f}" x2="{_LEFT + _PW}" y2="{_y(v):.1f}" '
            'stroke="#eee"/>'
            f'<text x="{_x(v):.1f}" y="{_TOP + _PH + 16}" font-size="11" '
            f'text-anchor="middle">{v:.1f}</text>'
            f'<text x="{_LEFT - 6}" y="{_y(v) + 4:.1f}" font-size="11" '
            f'text-anchor="end">{v:.1f}</text>'
        )
    out.append(
        f'<text x="{_LEFT + _PW / 2:.1f}" y="{_H - 12}" font-size="13" '
        f'text-anchor="middle">{_e(xlabel)}</text>'
        f'<text x="16" y="{_TOP + _PH / 2:.1f}" font-size="13" text-anchor="middle" '
        f'transform="rotate(-90 16 {_TOP + _PH / 2:.1f})">{_e(ylabel)}</text>'
    )
    return out


def _histogram(report, color):
    """The share of weight in each bin, as bars along the bottom."""
    rel = report.reliability
    shares = [float(w) / report.total_weight for w in rel.weight]
    top = max(shares) if shares else 0.0
    out = []
    for lo, hi, share in zip(rel.bin_lower, rel.bin_upper, shares, strict=True):
        if top <= 0 or share <= 0:
            continue
        height = 0.25 * _PH * share / top
        out.append(
            f'<rect class="histogram" x="{_x(lo):.1f}" y="{_TOP + _PH - height:.1f}" '
            f'width="{_x(hi) - _x(lo):.1f}" height="{height:.1f}" fill="{color}" '
            f'fill-opacity="0.18"><title>{share:.1%} of the weight in '
            f"[{lo:.3g}, {hi:.3g}]</title></rect>"
        )
    return out


def _curve(name, report, color):
    """The intervals, the polyline and the dots of one report's non-empty bins."""
    rel = report.reliability
    out, points = [], []
    for i in range(len(rel)):
        px, py = rel.mean_predicted[i], rel.observed[i]
        if rel.empty[i] or not _finite(px, py):
            continue
        lo, hi = rel.ci_low[i], rel.ci_high[i]
        if _finite(lo, hi):
            out.append(
                f'<line class="interval" x1="{_x(px):.1f}" y1="{_y(lo):.1f}" '
                f'x2="{_x(px):.1f}" y2="{_y(hi):.1f}" stroke="{color}" '
                'stroke-opacity="0.6"/>'
            )
        tip = (
            f"{name}: bin ({rel.bin_lower[i]:.3g}, {rel.bin_upper[i]:.3g}], "
            f"{int(rel.count[i]):,} samples, predicted {px:.3f}, observed {py:.3f}"
        )
        points.append((px, py, tip))
    if points:
        coords = " ".join(f"{_x(px):.1f},{_y(py):.1f}" for px, py, _ in points)
        out.append(
            f'<polyline class="curve" points="{coords}" fill="none" '
            f'stroke="{color}" stroke-width="2.5"/>'
        )
        out += [
            f'<circle class="bin" cx="{_x(px):.1f}" cy="{_y(py):.1f}" r="4.5" '
            f'fill="{color}"><title>{_e(tip)}</title></circle>'
            for px, py, tip in points
        ]
    return out


def _legend(entries):
    """Legend lines; the last entry (the diagonal) dashed."""
    out = []
    for i, (name, color) in enumerate(entries):
        y = _TOP + 16 + 18 * i
        dash = ' stroke-dasharray="5,4"' if i == len(entries) - 1 else ""
        out.append(
            f'<line x1="{_LEFT + 10}" y1="{y - 4}" x2="{_LEFT + 34}" y2="{y - 4}" '
            f'stroke="{color}" stroke-width="2.5"{dash}/>'
            f'<text class="legend" x="{_LEFT + 40}" y="{y}" font-size="12">{_e(name)}</text>'
        )
    return out


def reliability_svg(reports, *, histogram=True):
    """The reliability diagram of one or more reports, as an inline ``<svg>``.

    Parameters
    ----------
    reports : dict of str to CalibrationReport
        The curves, by name (legend label); drawn in this order.
    histogram : bool, default=True
        Draw the share of weight in each bin (of the first report) as bars
        along the bottom.

    Returns
    -------
    svg : str
    """
    reports = dict(reports)
    first = next(iter(reports.values()))
    binary = first.task == "binary"
    xlabel = "Mean predicted probability" if binary else "Confidence (top label)"
    ylabel = "Observed frequency" if binary else "Accuracy"
    out = _frame(xlabel, ylabel)
    if histogram:
        out += _histogram(first, COLORS[0])
    out.append(
        f'<line class="diagonal" x1="{_x(0)}" y1="{_y(0)}" x2="{_x(1)}" y2="{_y(1)}" '
        'stroke="#777" stroke-dasharray="5,4"/>'
    )
    legend = []
    for index, (name, report) in enumerate(reports.items()):
        color = COLORS[index % len(COLORS)]
        out += _curve(name, report, color)
        legend.append((name, color))
    out += _legend([*legend, ("perfectly calibrated", "#777")])
    out.append("</svg>")
    return "".join(out)
