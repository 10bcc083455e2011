"""The HTML report: one self-contained page, with inline SVG diagrams.

Everything is drawn from the numbers a :class:`~skbce.CalibrationReport`
already holds (its tables, curves and bands): nothing is computed here.  The
page needs no network, no external file and no JavaScript, and every piece
of text that comes from the user (class labels, group labels, column and
model names) is escaped.  Each report reads: the verdict, the scores with
their intervals, the reliability diagram, the recalibration advice, the
subgroups, then the details.
"""

import html
import os
import re
from importlib.metadata import PackageNotFoundError, version

from skbce._render.definitions import COMPARISON, explain
from skbce._render.numbers import is_number_text
from skbce._render.sections import detail_sections, headline_sections, name_of
from skbce._render.sections import header as report_header
from skbce._render.standard import gain_title, verdict
from skbce._render.subgroup_svg import subgroup_svg
from skbce._render.svg import COLORS, reliability_svg
from skbce._render.text import comparison_cells, comparison_verdicts

__all__ = [
    "COLORS",
    "comparison_fragment",
    "comparison_page",
    "page",
    "report_page",
    "report_section",
    "table",
]


_CSS = """
body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif;
  color: #222; background: #fff; margin: 2em auto; max-width: 1240px;
  padding: 0 1em; line-height: 1.4; }
h1 { font-size: 1.6em; margin-bottom: 0.2em; }
h2 { font-size: 1.3em; margin-top: 2em; border-bottom: 1px solid #ccc; }
h3 { font-size: 1.05em; margin: 1.4em 0 0.4em; }
p.sub { color: #555; margin-top: 0; }
p.verdict { font-size: 1.1em; background: #f6f6f0; border-left: 4px solid #888;
  padding: 0.5em 0.8em; }
ul.verdicts li { margin: 0.3em 0; }
table { border-collapse: collapse; margin: 0.4em 0 1em; font-size: 0.92em; }
th, td { border: 1px solid #d0d0d0; padding: 0.25em 0.6em; vertical-align: top; }
th { background: #f3f3f3; text-align: left; }
td.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
td.help { color: #555; min-width: 12em; max-width: 26em; }
table.comparison { font-size: 0.85em; }
table.comparison td, table.comparison th { padding: 0.2em 0.4em; }
table.comparison td.help { min-width: 10em; max-width: 14em; }
p.footnote { color: #555; font-size: 0.85em; margin-top: -0.6em; }
figure { margin: 0.5em 0; }
figcaption { color: #555; font-size: 0.9em; max-width: 760px; }
svg { max-width: 100%; height: auto; }
svg text { font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; }
footer { margin-top: 3em; color: #777; font-size: 0.85em; }
"""


def _e(value):
    """Escape any value for HTML text or a quoted attribute."""
    return html.escape(str(value), quote=True)


#: "0.5 [0.4, 0.6]": the interval goes under the estimate in a cell of a table.
_ESTIMATE_WITH_INTERVAL = re.compile(r"^(\S+) (\[[^\]]*\])$")


def table(header, rows, *, help_column=None, caption=None):
    """An HTML table from rows of strings (numbers right-aligned).

    ``help_column`` is a list of one-line explanations, one per row, added as
    a last column.  A cell may hold several lines (separated by newlines).
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
            text = _ESTIMATE_WITH_INTERVAL.sub(r"\1\n\2", str(cell))
            number = all(is_number_text(line) for line in text.split("\n"))
            cls = ' class="num"' if j > 0 and number else ""
            tag = "th" if j == 0 and header is None else "td"
            body = "<br>".join(_e(line) for line in text.split("\n"))
            cells.append(f"<{tag}{cls}>{body}</{tag}>")
        if help_column is not None:
            cells.append(f'<td class="help">{_e(help_column[i])}</td>')
        parts.append("<tr>" + "".join(cells) + "</tr>")
    parts.append("</tbody></table>")
    return "".join(parts)


# --- one report ---------------------------------------------------------------------


def _figure(report, label):
    level = f"{100 * report.confidence_level:g}%"
    return (
        '<figure class="diagram">'
        + reliability_svg({label: report})
        + "<figcaption>Reliability diagram. Each dot is a bin of predictions: its mean "
        f"predicted probability against the observed frequency, with its {level} Wilson "
        "interval and, next to it, the number of predictions in it (a bin of few "
        "predictions can be far from the diagonal by chance). The red steps are the CORP "
        "curve (isotonic recalibration of all predictions); the grey band, when shown, is "
        "where that curve would lie if the predictions were calibrated. The green dashed "
        "curve is the flexible (lowess) calibration curve with its band. The histogram "
        "under the diagram counts the predictions per bin.</figcaption></figure>"
    )


def _section_html(section, level=3):
    parts = [f"<h{level}>{_e(section.title)}</h{level}>"]
    if section.header is None:
        parts.append("<ul>" + "".join(f"<li>{_e(r[0][2:])}</li>" for r in section.rows) + "</ul>")
        return parts
    helps = None
    if any(section.keys):
        helps = [explain(key) for key in section.keys]
    parts.append(table(section.header, section.rows, help_column=helps))
    if section.footnotes:
        notes = "<br>".join(_e(note) for note in section.footnotes)
        parts.append(f'<p class="footnote">{notes}</p>')
    return parts


def _advice(report):
    """The recalibration advice in words, above the gain table."""
    gain = getattr(report, "recalibration_gain", None)
    if gain is None:
        return ""
    if gain.recommendation == "none needed":
        text = (
            "No recalibration improves the log loss out of sample (cross-fitted): "
            "use the probabilities as they are."
        )
    else:
        text = (
            f"Recalibrating with the {gain.recommendation} method lowers the log loss "
            "out of sample (cross-fitted), more than its standard error: fit it on "
            "held-out data (e.g. sklearn's CalibratedClassifierCV) before using the "
            "probabilities."
        )
    return f'<p class="advice">{_e(text)}</p>'


def _detail_html(report):
    """The detail sections; the gain section as the recalibration advice, subgroups drawn."""
    parts = []
    title = gain_title(report)
    for section in detail_sections(report):
        if not section.rows:
            continue
        if section.title == title:
            parts.append("<h3>Recalibration advice</h3>" + _advice(report))
            parts += _section_html(section, level=4)
            continue
        parts += _section_html(section)
        if section.title == "Subgroups":
            parts.append(
                '<figure class="subgroups">'
                + subgroup_svg(report)
                + "<figcaption>Each group's observed/expected ratio, calibration-in-the-"
                "large and calibration slope with their intervals; the dashed line is "
                "the ideal value.</figcaption></figure>"
            )
    return parts


def _verdict(report):
    return f'<p class="verdict"><strong>Verdict:</strong> {_e(verdict(report))}</p>'


def report_section(report, *, name=None, level=2, diagram=True, with_verdict=True):
    """The HTML of one report: verdict, header, scores, diagram, advice, subgroups, details."""
    title, sub = report_header(report)
    heading = _e(name) if name is not None else _e(title)
    parts = ['<section class="report">']
    if with_verdict:
        parts.append(_verdict(report))
    parts.append(f"<h{level}>{heading}</h{level}>")
    if name is not None:
        parts.append(f'<p class="sub">{_e(title)}</p>')
    parts.append(f'<p class="sub">{_e(sub)}</p>')
    for section in headline_sections(report):
        parts += _section_html(section)
    if diagram:
        parts.append(_figure(report, name if name is not None else "model"))
    parts += _detail_html(report)
    parts.append("</section>")
    return "".join(parts)


def _version():
    try:
        return version("skbce")
    except PackageNotFoundError:  # pragma: no cover - running from a source tree
        return "0+unknown"


def page(title, body):
    """A complete, self-contained HTML document."""
    return (
        "<!DOCTYPE html>\n"
        '<html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{_e(title)}</title><style>{_CSS}</style></head><body>"
        f"{body}"
        f"<footer>Made by skbce {_e(_version())}: a self-contained page, no "
        "network, no scripts.</footer>"
        "</body></html>\n"
    )


def _write(text, path):
    if path is not None:
        if not isinstance(path, str | os.PathLike):
            msg = f"path must be a str or path-like, got {path!r} of type {type(path).__name__}."
            raise TypeError(msg)
        with open(os.fspath(path), "w", encoding="utf-8") as f:
            f.write(text)
    return text


def report_page(report, path=None, *, title=None, subtitle=None):
    """The calibration report as one self-contained HTML page.

    The verdict, then :func:`report_section` (scores with intervals,
    diagram, advice, subgroups, details).  ``path``, ``title`` (default
    "Calibration report") and ``subtitle`` are as in :func:`comparison_page`.

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
    body = _verdict(report) + f"<h1>{_e(title)}</h1>"
    if subtitle:
        body += f'<p class="sub">{_e(subtitle)}</p>'
    body += report_section(report, level=2, with_verdict=False)
    return _write(page(title, body), path)


def _verdict_list(reports):
    items = "".join(
        f"<li><strong>{_e(name)}</strong>: {_e(text)}</li>"
        for name, text in comparison_verdicts(reports)
    )
    return f'<ul class="verdicts">{items}</ul>'


def _comparison_table(reports, *, help_column=True):
    """The statistics by model: each value with its interval under it."""
    rows = []
    for key, values, intervals in comparison_cells(reports):
        if intervals is not None:
            values = [f"{v}\n{i}" for v, i in zip(values, intervals, strict=True)]
        rows.append([name_of(key), *values])
    helps = [explain(key) for key in COMPARISON] if help_column else None
    text = table(["statistic", *map(str, reports)], rows, help_column=helps)
    return text.replace("<table>", '<table class="comparison">', 1)


def _overlay(reports, where="in its section below"):
    return (
        '<figure class="overlay">'
        + reliability_svg(reports, histogram=False)
        + "<figcaption>The binned reliability curves of all models (bands off, so that "
        "they stay readable): the closer to the dashed diagonal, the better calibrated. "
        f"Each model's own diagram, with its bands and counts, is {where}.</figcaption>"
        "</figure>"
    )


#: The few rules a fragment carries into a notebook or a docs page (scoped to it).
_FRAGMENT_CSS = (
    ".skbce-comparison table { font-size: 0.72em; }"
    ".skbce-comparison td, .skbce-comparison th { padding: 0.15em 0.3em; }"
    ".skbce-comparison td.num { white-space: nowrap; text-align: right; }"
    ".skbce-comparison td:first-child, .skbce-comparison th { text-align: left; }"
)


def comparison_fragment(reports):
    """The comparison as an HTML fragment (notebooks, docs): verdicts, table, overlay.

    Parameters
    ----------
    reports : dict of str to CalibrationReport
        The reports, by model name.

    Returns
    -------
    html : str
    """
    reports = dict(reports)
    return (
        f'<div class="skbce-comparison"><style>{_FRAGMENT_CSS}</style>'
        "<p><strong>Verdicts</strong></p>"
        + _verdict_list(reports)
        + _comparison_table(reports, help_column=False)
        + _overlay(reports, "on the page of to_html()")
        + "</div>"
    )


def comparison_page(reports, path=None, *, title="Calibration comparison", subtitle=None):
    """Several reports on one page: verdicts, table, overlaid diagram, then each report.

    Parameters
    ----------
    reports : dict of str to CalibrationReport
        The reports, by model name.
    path : str or path-like, default=None
        Where to write the page; None only returns it.
    title : str, default="Calibration comparison"
        Title of the page.
    subtitle : str, default=None
        A paragraph of text under the title (e.g. where the data come from).

    Returns
    -------
    html : str
        The page of the comparison.

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
    reports = dict(reports)
    body = [f"<h1>{_e(title)}</h1>"]
    if subtitle:
        body.append(f'<p class="sub">{_e(subtitle)}</p>')
    body += ["<h2>Verdicts</h2>", _verdict_list(reports)]
    body += ["<h2>Side by side</h2>", _comparison_table(reports), _overlay(reports)]
    body += [report_section(r, name=name) for name, r in reports.items()]
    return _write(page(title, "".join(body)), path)
