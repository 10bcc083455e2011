"""The HTML report: one self-contained page, with an inline SVG reliability diagram.

Everything is drawn from the numbers a :class:`~skbce.CalibrationReport`
already holds (its tables and its reliability bins): nothing is computed
here.  The page needs no network, no external file and no JavaScript, and
every piece of text that comes from the user (class labels, column and model
names) is escaped.
"""

import html
import math
import os

__all__ = ["comparison_page", "report_page"]

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

#: One line per score (keys are report attributes): what it measures, which way is good.
SCORE_HELP = {
    "log_loss": "Mean of -log(probability given to the true class). 0 is perfect; "
    "a confident miss costs up to 36 nats. Lower is better.",
    "brier_score": "Mean squared difference between predicted probability and "
    "outcome. 0 is perfect; a constant 0.5 scores 0.25 (binary). Lower is better.",
    "normalized_cross_entropy": "Log loss divided by that of always predicting the "
    "base rate. Below 1 beats the constant prediction. Lower is better.",
    "d2_log_loss_score": "Fraction of the base rate's log loss explained: 1 is "
    "perfect, 0 no better than the base rate. Higher is better.",
    "roc_auc": "Chance that a positive is scored above a negative: ranking only, "
    "blind to calibration. 0.5 is chance, 1 is perfect.",
    "base_rate": "Weighted frequency of the positive class (per class for multiclass data).",
    "mean_prediction": "Mean predicted probability: equals the base rate when "
    "calibrated in the large.",
    "observed_expected_ratio": "Observed over expected positives: 1 when "
    "calibrated in the large, above 1 when the model under-predicts.",
}

#: One line per calibration error and test (keys as in the comparison table).
STATISTIC_HELP = {
    "ece": "Weighted mean |predicted - observed| over the bins: 0 is calibrated; "
    "depends on the binning and is biased upwards on small samples.",
    "mce": "Largest |predicted - observed| of any bin: sensitive to small bins.",
    "rmsce": "Root mean square of the bin gaps.",
    "adaptive_ece": "ECE on bins holding equal weight.",
    "smooth_ece": "Kernel-smoothed ECE, free of a choice of bins: 0 is calibrated.",
    "hosmer_lemeshow": "Chi-squared test over equal-weight groups: a small p-value "
    "signals miscalibration (large samples flag tiny gaps).",
    "spiegelhalter": "z-test of calibration based on the Brier score: a small "
    "p-value signals miscalibration.",
    "calibration_slope": "1 is ideal; below 1 the predictions are too extreme "
    "(overconfident), above 1 too timid.",
    "calibration_intercept": "0 is ideal, read together with the slope.",
    "calibration_in_the_large": "Logit shift that makes the mean prediction "
    "right: 0 is ideal, positive when the model under-predicts.",
    "log_loss_miscalibration": "Part of the log loss that recalibration would "
    "remove: 0 is calibrated. Lower is better.",
    "log_loss_discrimination": "How much the predictions improve on the base "
    "rate once recalibrated. Higher is better.",
    "log_loss_uncertainty": "Log loss of the base rate: a property of the data.",
}
STATISTIC_HELP["hosmer_lemeshow_pvalue"] = STATISTIC_HELP["hosmer_lemeshow"]
STATISTIC_HELP["spiegelhalter_pvalue"] = STATISTIC_HELP["spiegelhalter"]

#: The rows of the report's error and test tables, by label.
ROW_KEYS = {
    "ECE": "ece",
    "MCE": "mce",
    "RMSCE": "rmsce",
    "adaptive ECE": "adaptive_ece",
    "smooth ECE": "smooth_ece",
    "Hosmer-Lemeshow": "hosmer_lemeshow",
    "Spiegelhalter": "spiegelhalter",
    "calibration slope": "calibration_slope",
    "calibration intercept": "calibration_intercept",
    "calibration-in-the-large": "calibration_in_the_large",
}


def explain(key):
    """The one-line explanation of a score or statistic ('' if unknown)."""
    return SCORE_HELP.get(key) or STATISTIC_HELP.get(key, "")


_CSS = """
body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif;
  color: #222; background: #fff; margin: 2em auto; max-width: 1240px;
  padding: 0 1em; line-height: 1.4; }
h1 { font-size: 1.6em; margin-bottom: 0.2em; }
h2 { font-size: 1.3em; margin-top: 2em; border-bottom: 1px solid #ccc; }
h3 { font-size: 1.05em; margin: 1.4em 0 0.4em; }
p.sub { color: #555; margin-top: 0; }
table { border-collapse: collapse; margin: 0.4em 0 1em; font-size: 0.92em; }
th, td { border: 1px solid #d0d0d0; padding: 0.25em 0.6em; vertical-align: top; }
th { background: #f3f3f3; text-align: left; }
td.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
td.help { color: #555; max-width: 26em; }
.row { display: flex; flex-wrap: wrap; gap: 1.5em; align-items: flex-start; }
figure { margin: 0.5em 0; }
figcaption { color: #555; font-size: 0.9em; max-width: 520px; }
svg text { font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; }
footer { margin-top: 3em; color: #777; font-size: 0.85em; }
"""


def _e(value):
    """Escape any value for HTML text or a quoted attribute."""
    return html.escape(str(value), quote=True)


def _is_number_text(text):
    head = text.strip().lstrip("[(-<").strip()
    return bool(head) and (head[0].isdigit() or head in ("nan", "inf"))


def table(header, rows, *, help_column=None, caption=None):
    """An HTML table from rows of strings (numbers right-aligned).

    ``help_column`` is a list of one-line explanations, one per row, added as
    a last column.
    """
    parts = ["<table>"]
    if caption:
        parts.append(f"<caption>{_e(caption)}</caption>")
    if header is not None:
        cells = list(header) + (["what it says"] if help_column is not None else [])
        parts.append("<thead><tr>" + "".join(f"<th>{_e(h)}</th>" for h in cells))
        parts.append("</tr></thead>")
    parts.append("<tbody>")
    for i, row in enumerate(rows):
        cells = []
        for j, cell in enumerate(row):
            text = str(cell)
            cls = ' class="num"' if j > 0 and _is_number_text(text) else ""
            tag = "th" if j == 0 and header is None else "td"
            cells.append(f"<{tag}{cls}>{_e(text)}</{tag}>")
        if help_column is not None:
            cells.append(f'<td class="help">{_e(help_column[i])}</td>')
        parts.append("<tr>" + "".join(cells) + "</tr>")
    parts.append("</tbody></table>")
    return "".join(parts)


# --- the reliability diagram ----------------------------------------------------

_W, _H = 520, 440
_LEFT, _RIGHT, _TOP, _BOTTOM = 62, 18, 18, 56
_PW, _PH = _W - _LEFT - _RIGHT, _H - _TOP - _BOTTOM


def _x(v):
    return _LEFT + v * _PW


def _y(v):
    return _TOP + (1.0 - v) * _PH


def _finite(*values):
    return all(v is not None and math.isfinite(float(v)) for v in values)


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
    if histogram:
        rel = first.reliability
        shares = [float(w) / first.total_weight for w in rel.weight]
        top = max(shares) if shares else 0.0
        color = COLORS[0]
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
    out.append(
        f'<line class="diagonal" x1="{_x(0)}" y1="{_y(0)}" x2="{_x(1)}" y2="{_y(1)}" '
        'stroke="#777" stroke-dasharray="5,4"/>'
    )
    legend = []
    for index, (name, report) in enumerate(reports.items()):
        color = COLORS[index % len(COLORS)]
        rel = report.reliability
        points = []
        for i in range(len(rel)):
            if rel.empty[i]:
                continue
            px, py = rel.mean_predicted[i], rel.observed[i]
            if not _finite(px, py):
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
        legend.append((name, color))
    legend.append(("perfectly calibrated", "#777"))
    for i, (name, color) in enumerate(legend):
        y = _TOP + 16 + 18 * i
        dash = ' stroke-dasharray="5,4"' if i == len(legend) - 1 else ""
        out.append(
            f'<line x1="{_LEFT + 10}" y1="{y - 4}" x2="{_LEFT + 34}" y2="{y - 4}" '
            f'stroke="{color}" stroke-width="2.5"{dash}/>'
            f'<text class="legend" x="{_LEFT + 40}" y="{y}" font-size="12">{_e(name)}</text>'
        )
    out.append("</svg>")
    return "".join(out)


# --- one report ---------------------------------------------------------------------


def _scores_table(report):
    from skbce._report.report import _SCORE_NAMES

    rows = report._score_rows()
    helps = [SCORE_HELP.get(key, "") for key, _ in _SCORE_NAMES]
    return table(["score", "value", "note"], rows, help_column=helps)


def report_section(report, *, name=None, level=2, diagram=True):
    """The HTML of one report: header, scores, diagram, then every table."""
    title, sub = report._header()
    heading = _e(name) if name is not None else _e(title)
    parts = [f'<section class="report"><h{level}>{heading}</h{level}>']
    if name is not None:
        parts.append(f'<p class="sub">{_e(title)}</p>')
    parts.append(f'<p class="sub">{_e(sub)}</p>')
    parts.append("<h3>Scores</h3>")
    parts.append(_scores_table(report))
    if diagram:
        label = name if name is not None else "model"
        parts.append(
            "<figure>"
            + reliability_svg({label: report})
            + "<figcaption>Each dot is a bin: mean predicted probability against the "
            "observed frequency, with its interval; dots on the dashed diagonal are "
            "calibrated. Shaded bars: share of the samples in each bin.</figcaption>"
            "</figure>"
        )
    for section, header, rows in report._sections():
        if section == "Scores" or not rows:
            continue
        parts.append(f"<h3>{_e(section)}</h3>")
        if section == "Notes":
            parts.append("<ul>" + "".join(f"<li>{_e(r[0][2:])}</li>" for r in rows) + "</ul>")
            continue
        helps = None
        if header is None:
            helps = [explain(ROW_KEYS.get(r[0], "")) for r in rows]
            width = max(len(r) for r in rows)
            header = ["", "value", *[""] * (width - 2)]
            rows = [list(r) + [""] * (width - len(r)) for r in rows]
        parts.append(table(header, rows, help_column=helps))
    parts.append("</section>")
    return "".join(parts)


def page(title, body):
    """A complete, self-contained HTML document."""
    from skbce import __version__

    return (
        "<!DOCTYPE html>\n"
        '<html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{_e(title)}</title><style>{_CSS}</style></head><body>"
        f"{body}"
        f"<footer>Made by skbce {_e(__version__)}: a self-contained page, no "
        "network, no scripts.</footer>"
        "</body></html>\n"
    )


def _write(text, path):
    if path is not None:
        with open(os.fspath(path), "w", encoding="utf-8") as f:
            f.write(text)
    return text


def report_page(report, path=None, *, title=None, subtitle=None):
    """The calibration report as one self-contained HTML page.

    Parameters
    ----------
    report : CalibrationReport
        The report to render.
    path : str or path-like, default=None
        Where to write the page (UTF-8); None only returns it.
    title : str, default=None
        Title of the page.
    subtitle : str, default=None
        A line of text under the title (e.g. where the data come from).

    Returns
    -------
    html : str
        The page.

    Examples
    --------
    >>> from skbce import calibration_report
    >>> from skbce._render.html import report_page
    >>> report = calibration_report([0, 1, 1, 0, 1, 0], [0.2, 0.8, 0.35, 0.3, 0.7, 0.4],
    ...                             n_bins=3)
    >>> text = report_page(report)
    >>> text.startswith("<!DOCTYPE html>"), "<svg" in text, "<script" in text
    (True, True, False)
    """
    title = "Calibration report" if title is None else title
    body = f"<h1>{_e(title)}</h1>"
    if subtitle:
        body += f'<p class="sub">{_e(subtitle)}</p>'
    body += report_section(report, level=2)
    return _write(page(title, body), path)


def comparison_page(reports, path=None, *, title="Calibration reports", intro=""):
    """Several reports on one page: one overlaid diagram, then each report.

    Parameters
    ----------
    reports : dict of str to CalibrationReport
        The reports, by model name.
    path : str or path-like, default=None
        Where to write the page; None only returns it.
    title : str, default="Calibration reports"
        Title of the page.
    intro : str, default=""
        HTML placed under the title (already escaped by the caller).

    Returns
    -------
    html : str
        The page.

    Examples
    --------
    >>> import numpy as np
    >>> from skbce import calibration_report
    >>> from skbce._render.html import comparison_page
    >>> rng = np.random.default_rng(0)
    >>> p = rng.uniform(size=500)
    >>> y = rng.uniform(size=500) < p
    >>> text = comparison_page({"a": calibration_report(y, p),
    ...                         "b": calibration_report(y, p ** 2)})
    >>> text.count('class="curve"')  # the overlay and one per report
    4
    """
    from skbce._report.report import CalibrationComparison

    reports = dict(reports)
    comparison = CalibrationComparison(reports)
    helps = [explain(key) for key in comparison._ROWS]
    body = [f"<h1>{_e(title)}</h1>", intro, "<h2>Side by side</h2>"]
    body.append('<div class="row"><figure>')
    body.append(reliability_svg(reports, histogram=False))
    body.append(
        "<figcaption>The reliability curves of all models: the closer to the dashed "
        "diagonal, the better calibrated.</figcaption></figure>"
    )
    body.append(table(["statistic", *reports], comparison._rows(), help_column=helps) + "</div>")
    body += [report_section(r, name=name) for name, r in reports.items()]
    return _write(page(title, "".join(body)), path)
