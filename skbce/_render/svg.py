"""The reliability diagram as inline SVG, drawn from the numbers a report holds.

One report: the binned points with their Wilson intervals and their counts,
the CORP (isotonic) curve with its consistency band (and confidence band when
the report has one), the flexible curve with its band, the diagonal, a legend
that explains each mark, and under it a histogram of the predictions with
its own count axis.  Several reports: an overlay of the binned curves, bands
off.  Reads the public attributes of the reports (duck typing); computes
nothing but pixel positions.  Every piece of user text is escaped.
"""

import html
import math
from typing import NamedTuple

import numpy as np

from skbce._render.data import histogram_bars
from skbce._render.numbers import fmt

__all__ = ["COLORS", "GEOMETRY", "MARKS", "Geometry", "reliability_svg"]

#: Curve colours (matplotlib's "tab10"), one per report of an overlay.
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

#: The colour of each mark of a one-report diagram.
MARKS = {
    "bins": COLORS[0],
    "corp": "#d62728",
    "consistency": "#7f7f7f",
    "flexible": "#2ca02c",
    "diagonal": "#444444",
    "histogram": COLORS[0],
}


class Geometry(NamedTuple):
    """Where things are, in pixels: the plot area, the histogram under it, the legend."""

    width: int = 760
    left: int = 64
    top: int = 20
    plot: int = 440  # the plot area is a square
    gap: int = 26
    hist: int = 110
    bottom: int = 46

    @property
    def height(self):
        """Height of the whole drawing."""
        return self.top + self.plot + self.gap + self.hist + self.bottom

    @property
    def legend_x(self):
        """Left edge of the legend, right of the plot area."""
        return self.left + self.plot + 22

    @property
    def hist_top(self):
        """Top of the histogram's area."""
        return self.top + self.plot + self.gap

    def x(self, v):
        """Pixel column of probability ``v``."""
        return self.left + float(v) * self.plot

    def y(self, v):
        """Pixel row of frequency ``v``."""
        return self.top + (1.0 - float(v)) * self.plot


#: The geometry of every diagram.
GEOMETRY = Geometry()
_G = GEOMETRY


def _e(value):
    return html.escape(str(value), quote=True)


def _finite(*values):
    return all(v is not None and math.isfinite(float(v)) for v in values)


def _level(report):
    return f"{100 * report.confidence_level:g}%"


def _frame(xlabel, ylabel, histogram):
    """The plot area, its grid, ticks and axis labels."""
    height = _G.height if histogram else _G.top + _G.plot + _G.bottom
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="reliability" width="{_G.width}" '
        f'height="{height}" viewBox="0 0 {_G.width} {height}" role="img" '
        'style="max-width: 100%; height: auto" '
        f'aria-label="Reliability diagram: {_e(ylabel)} against {_e(xlabel)}">',
        f'<rect x="{_G.left}" y="{_G.top}" width="{_G.plot}" height="{_G.plot}" '
        'fill="#fff" stroke="#888"/>',
    ]
    bottom = (_G.hist_top + _G.hist) if histogram else (_G.top + _G.plot)
    for k in range(6):
        v = k / 5
        out.append(
            f'<line x1="{_G.x(v):.1f}" y1="{_G.top}" x2="{_G.x(v):.1f}" y2="{_G.top + _G.plot}" '
            'stroke="#eee"/>'
            f'<line x1="{_G.left}" y1="{_G.y(v):.1f}" x2="{_G.left + _G.plot}" y2="{_G.y(v):.1f}" '
            'stroke="#eee"/>'
            f'<text class="tick" x="{_G.x(v):.1f}" y="{bottom + 16}" font-size="12" '
            f'text-anchor="middle">{v:.1f}</text>'
            f'<text class="tick" x="{_G.left - 6}" y="{_G.y(v) + 4:.1f}" font-size="12" '
            f'text-anchor="end">{v:.1f}</text>'
        )
    middle = _G.top + _G.plot / 2
    out.append(
        f'<text class="axis" x="{_G.left + _G.plot / 2:.1f}" y="{bottom + 38}" font-size="13" '
        f'text-anchor="middle">{_e(xlabel)}</text>'
        f'<text class="axis" x="16" y="{middle:.1f}" font-size="13" text-anchor="middle" '
        f'transform="rotate(-90 16 {middle:.1f})">{_e(ylabel)}</text>'
    )
    return out


def _diagonal():
    return (
        f'<line class="diagonal" x1="{_G.x(0)}" y1="{_G.y(0)}" x2="{_G.x(1)}" y2="{_G.y(1)}" '
        f'stroke="{MARKS["diagonal"]}" stroke-width="1.2" stroke-dasharray="5,4"/>'
    )


def _clip01(values):
    return np.clip(np.asarray(values, dtype=float), 0.0, 1.0)


def _band(cls, x, low, high, color, opacity, tip):
    """A shaded band between ``low`` and ``high`` over ``x`` (finite points only)."""
    x, low, high = (np.asarray(a, dtype=float) for a in (x, low, high))
    ok = np.isfinite(x) & np.isfinite(low) & np.isfinite(high)
    if ok.sum() < 2:
        return []
    x, low, high = _clip01(x[ok]), _clip01(low[ok]), _clip01(high[ok])
    upper = [f"{_G.x(a):.1f},{_G.y(b):.1f}" for a, b in zip(x, high, strict=True)]
    lower = [f"{_G.x(a):.1f},{_G.y(b):.1f}" for a, b in zip(x[::-1], low[::-1], strict=True)]
    return [
        f'<polygon class="{cls}" points="{" ".join(upper + lower)}" fill="{color}" '
        f'fill-opacity="{opacity}" stroke="none"><title>{_e(tip)}</title></polygon>'
    ]


def _line(cls, x, y, color, width=2.0, dash=None, opacity=1.0):
    x, y = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
    ok = np.isfinite(x) & np.isfinite(y)
    if ok.sum() < 2:
        return []
    coords = " ".join(
        f"{_G.x(a):.1f},{_G.y(b):.1f}" for a, b in zip(_clip01(x[ok]), _clip01(y[ok]), strict=True)
    )
    extra = f' stroke-dasharray="{dash}"' if dash else ""
    return [
        f'<polyline class="{cls}" points="{coords}" fill="none" stroke="{color}" '
        f'stroke-width="{width}" stroke-opacity="{opacity}"{extra}/>'
    ]


def _steps(recalibration):
    """The CORP curve as a step function: each block flat over [lower, upper]."""
    rc = recalibration
    x = np.column_stack([rc.lower, rc.upper]).ravel()
    y = np.repeat(np.asarray(rc.value, dtype=float), 2)
    return x, y


def _bins(name, report, color, *, counts):
    """The joining line and the dots of the non-empty bins, with intervals and counts.

    Without ``counts`` (an overlay) the intervals and counts are left out, to
    keep several models readable.
    """
    rel = report.reliability
    out, points = [], []
    for i in range(len(rel)):
        px, py = rel.mean_predicted[i], rel.observed[i]
        if rel.empty[i] or not _finite(px, py):
            continue
        lo, hi = rel.ci_low[i], rel.ci_high[i]
        if counts and _finite(lo, hi):  # intervals and counts: one report only
            x = _G.x(px)
            out.append(
                f'<path class="interval" d="M{x:.1f},{_G.y(lo):.1f}V{_G.y(hi):.1f}'
                f'M{x - 3:.1f},{_G.y(lo):.1f}h6M{x - 3:.1f},{_G.y(hi):.1f}h6" '
                f'stroke="{color}" stroke-opacity="0.7" fill="none"/>'
            )
        tip = (
            f"{name}: bin ({rel.bin_lower[i]:.3g}, {rel.bin_upper[i]:.3g}], "
            f"n = {int(rel.count[i]):,}, predicted {fmt(px)}, observed {fmt(py)}"
        )
        points.append((px, py, int(rel.count[i]), tip))
    if points:
        xs, ys = [p[0] for p in points], [p[1] for p in points]
        out += _line("curve", xs, ys, color, width=1.5, opacity=0.6 if counts else 1.0)
        for px, py, n, tip in points:
            out.append(
                f'<circle class="bin" cx="{_G.x(px):.1f}" cy="{_G.y(py):.1f}" r="4.5" '
                f'fill="{color}"><title>{_e(tip)}</title></circle>'
            )
            if counts:
                out.append(
                    f'<text class="count" x="{_G.x(px) + 6:.1f}" y="{_G.y(py) - 6:.1f}" '
                    f'font-size="10" fill="{color}" stroke="#fff" stroke-width="3" '
                    f'paint-order="stroke">{n:,}</text>'
                )
    return out


def _nice_top(value):
    """A round number at or above ``value`` for the top of a count axis."""
    if value <= 0:
        return 1.0
    step = 10 ** math.floor(math.log10(value))
    for m in (1, 2, 2.5, 5, 10):
        if m * step >= value:
            return m * step
    return 10 * step  # pragma: no cover - the loop always returns


def _histogram(report):
    """Predictions per bin as bars under the diagram, with a count axis.

    Bins of unequal width (quantile or given edges) are drawn as densities:
    each bar's height is its count per ``1 / n_bins`` of probability, so that
    equal-mass bins show where the predictions lie instead of a flat band.
    """
    rel = report.reliability
    lower, upper = np.asarray(rel.bin_lower, float), np.asarray(rel.bin_upper, float)
    counts = np.asarray(rel.count, dtype=float)
    bars = histogram_bars(rel)
    heights = bars.height
    top = _nice_top(float(np.max(heights)) if heights.size else 0.0)
    base, span = _G.hist_top + _G.hist, _G.hist
    out = [
        f'<rect x="{_G.left}" y="{_G.hist_top}" width="{_G.plot}" height="{span}" '
        'fill="#fff" stroke="#888"/>'
    ]
    for k in range(3):
        v = top * k / 2
        y = base - span * k / 2
        out.append(
            f'<line x1="{_G.left}" y1="{y:.1f}" x2="{_G.left + _G.plot}" y2="{y:.1f}" '
            'stroke="#eee"/>'
            f'<text class="tick" x="{_G.left - 6}" y="{y + 4:.1f}" font-size="11" '
            f'text-anchor="end">{fmt(int(v)) if v == int(v) else fmt(v)}</text>'
        )
    what = bars.label
    middle = _G.hist_top + span / 2
    out.append(
        f'<text class="axis" x="16" y="{middle:.1f}" font-size="12" text-anchor="middle" '
        f'transform="rotate(-90 16 {middle:.1f})">{_e(what)}</text>'
    )
    for lo, hi, n, h, x, w in zip(
        lower, upper, counts, heights, bars.left, bars.width, strict=True
    ):
        if n <= 0:
            continue
        bar = span * h / top
        out.append(
            f'<rect class="histogram" x="{_G.x(x):.1f}" y="{base - bar:.1f}" '
            f'width="{max(_G.x(x + w) - _G.x(x) - 1, 0.5):.1f}" height="{bar:.1f}" '
            f'fill="{MARKS["histogram"]}" fill-opacity="0.35"><title>{int(n):,} predictions '
            f"in [{lo:.3g}, {hi:.3g}]</title></rect>"
        )
    return out


def _glyph(kind, color, x, y):
    """The sample mark of a legend entry, 26 px wide, centred on row ``y``."""
    if kind == "dot":
        return (
            f'<path d="M{x + 13},{y - 8}V{y + 8}M{x + 10},{y - 8}h6M{x + 10},{y + 8}h6" '
            f'stroke="{color}" fill="none"/><circle cx="{x + 13}" cy="{y}" r="4.5" fill="{color}"/>'
        )
    if kind in ("band", "bar"):
        opacity = 0.35 if kind == "bar" else 0.3
        return (
            f'<rect x="{x}" y="{y - 7}" width="26" height="14" fill="{color}" '
            f'fill-opacity="{opacity}"/>'
        )
    dash = {"line": "", "dash": ' stroke-dasharray="6,3"', "diagonal": ' stroke-dasharray="5,4"'}
    return (
        f'<line x1="{x}" y1="{y}" x2="{x + 26}" y2="{y}" stroke="{color}" '
        f'stroke-width="2.2"{dash[kind]}/>'
    )


def _legend(entries):
    """Legend rows right of the plot: (kind, colour, lines of text)."""
    out = ['<g class="legend">']
    x, y = _G.legend_x, _G.top + 12
    for kind, color, lines in entries:
        out.append(f'<g class="legend-entry">{_glyph(kind, color, x, y)}')
        for k, line in enumerate(lines):
            out.append(
                f'<text class="legend" x="{x + 34}" y="{y + 4 + 15 * k}" '
                f'font-size="12">{_e(line)}</text>'
            )
        out.append("</g>")
        y += 15 * len(lines) + 12
    out.append("</g>")
    return out


def _corp_marks(report, level):
    """The consistency and confidence bands and the CORP curve, with their legend rows."""
    out, legend = [], []
    band = getattr(report, "consistency_band", None)
    if band is not None:
        tip = f"consistency band ({band.method}): where the CORP curve lies if calibrated"
        out += _band("consistency", band.x, band.low, band.high, MARKS["consistency"], 0.3, tip)
        legend.append(
            (
                "band",
                MARKS["consistency"],
                [f"consistency band ({level}):", "CORP curve if calibrated"],
            )
        )
    band = getattr(report, "confidence_band", None)
    if band is not None:
        tip = f"confidence band of the CORP curve ({band.method})"
        out += _band("confidence", band.x, band.low, band.high, MARKS["corp"], 0.12, tip)
        legend.append(("band", MARKS["corp"], [f"CORP confidence band ({level})"]))
    x, y = _steps(report.recalibration)
    out += _line("corp", x, y, MARKS["corp"], width=2.2)
    legend.insert(0, ("line", MARKS["corp"], ["CORP curve (isotonic", "recalibration)"]))
    return out, legend


def _flexible_marks(report, level):
    fc = getattr(report, "flexible_curve", None)
    if fc is None:
        return [], []
    tip = f"flexible curve, {level} pointwise band"
    out = _band("flexible-band", fc.x, fc.low, fc.high, MARKS["flexible"], 0.15, tip)
    out += _line("flexible", fc.x, fc.observed, MARKS["flexible"], width=2.0, dash="6,3")
    legend = [
        ("dash", MARKS["flexible"], ["flexible curve (lowess)"]),
        ("band", MARKS["flexible"], [f"its {level} band"]),
    ]
    return out, legend


def _single(name, report, histogram):
    """Every mark of one report, drawn back to front, and the legend."""
    level = _level(report)
    bands, corp_legend = _corp_marks(report, level)
    flexible, flex_legend = _flexible_marks(report, level)
    out = [*bands, *flexible, _diagonal(), *_bins(name, report, MARKS["bins"], counts=True)]
    legend = [
        (
            "dot",
            MARKS["bins"],
            ["bin: observed frequency,", f"{level} Wilson interval;", "label = count"],
        ),
        *corp_legend,
        *flex_legend,
        ("diagonal", MARKS["diagonal"], ["perfectly calibrated"]),
    ]
    if histogram:
        legend.append(
            ("bar", MARKS["histogram"], ["histogram of predictions", "(below, own count axis)"])
        )
    return out, legend


def _overlay(reports):
    out, legend = [_diagonal()], []
    for index, (name, report) in enumerate(reports.items()):
        color = COLORS[index % len(COLORS)]
        out += _bins(name, report, color, counts=False)
        legend.append(("line", color, [str(name)]))
    legend.append(("diagonal", MARKS["diagonal"], ["perfectly calibrated"]))
    return out, legend


def reliability_svg(reports, *, histogram=True):
    """The reliability diagram of one report, or an overlay of several, as inline ``<svg>``.

    Parameters
    ----------
    reports : dict of str to CalibrationReport
        One report: its full diagram (bins, CORP curve and bands, flexible
        curve and band, diagonal).  Several: their binned curves overlaid,
        bands off, in this order (the legend shows the names).
    histogram : bool, default=True
        Draw the histogram of the (first) report's predictions under the diagram.

    Returns
    -------
    svg : str

    Examples
    --------
    >>> import numpy as np
    >>> from skbce import calibration_report
    >>> from skbce._render.svg import reliability_svg
    >>> p = np.random.default_rng(0).uniform(size=400)
    >>> report = calibration_report(np.random.default_rng(1).uniform(size=400) < p, p)
    >>> svg = reliability_svg({"model": report})
    >>> svg.startswith("<svg"), svg.count('class="bin"'), 'class="corp"' in svg
    (True, 10, True)
    """
    reports = dict(reports)
    first = next(iter(reports.values()))
    binary = first.task == "binary"
    xlabel = "Mean predicted probability" if binary else "Confidence (top label)"
    ylabel = "Observed frequency" if binary else "Accuracy"
    out = _frame(xlabel, ylabel, histogram)
    if len(reports) == 1:
        marks, legend = _single(next(iter(reports)), first, histogram)
    else:
        marks, legend = _overlay(reports)
    out += marks
    if histogram:
        out += _histogram(first)
    out += _legend(legend)
    out.append("</svg>")
    return "".join(out)
