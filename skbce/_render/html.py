"""The HTML report: one self-contained page, with an inline SVG reliability diagram.

Everything is drawn from the numbers a :class:`~skbce.CalibrationReport`
already holds (its tables and its reliability bins): nothing is computed
here.  The page needs no network, no external file and no JavaScript, and
every piece of text that comes from the user (class labels, column and model
names) is escaped.
"""

import html
import os
from importlib.metadata import PackageNotFoundError, version

from skbce._render.data import frame_row
from skbce._render.definitions import COMPARISON, explain
from skbce._render.sections import header as report_header
from skbce._render.sections import sections
from skbce._render.standard import verdict
from skbce._render.svg import COLORS, reliability_svg
from skbce._render.text import comparison_rows

__all__ = ["COLORS", "comparison_page", "report_page", "report_section", "table"]


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


# --- one report ---------------------------------------------------------------------


def _figure(report, label):
    return (
        "<figure>"
        + reliability_svg({label: report})
        + "<figcaption>Each dot is a bin: mean predicted probability against the "
        "observed frequency, with its interval; dots on the dashed diagonal are "
        "calibrated. Shaded bars: share of the samples in each bin.</figcaption>"
        "</figure>"
    )


def _section_html(section):
    parts = [f"<h3>{_e(section.title)}</h3>"]
    if section.title == "Notes":
        parts.append("<ul>" + "".join(f"<li>{_e(r[0][2:])}</li>" for r in section.rows) + "</ul>")
        return parts
    head, rows, helps = section.header, section.rows, None
    if head is None:
        helps = [explain(key) for key in section.keys]
        if section.title == "Scores":
            head = ["score", "value", "note"]
        else:
            width = max(len(r) for r in rows)
            head = ["", "value", *[""] * (width - 2)]
            rows = [list(r) + [""] * (width - len(r)) for r in rows]
    parts.append(table(head, rows, help_column=helps))
    return parts


def _verdict(report):
    return f'<p class="verdict"><strong>Verdict:</strong> {_e(verdict(report))}</p>'


def report_section(report, *, name=None, level=2, diagram=True, with_verdict=True):
    """The HTML of one report: verdict, header, scores, diagram, then every table."""
    title, sub = report_header(report)
    heading = _e(name) if name is not None else _e(title)
    parts = ['<section class="report">']
    if with_verdict:
        parts.append(_verdict(report))
    parts.append(f"<h{level}>{heading}</h{level}>")
    if name is not None:
        parts.append(f'<p class="sub">{_e(title)}</p>')
    parts.append(f'<p class="sub">{_e(sub)}</p>')
    for section in sections(report):
        if not section.rows:
            continue
        parts += _section_html(section)
        if section.title == "Scores" and diagram:
            parts.append(_figure(report, name if name is not None else "model"))
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
    body = _verdict(report) + f"<h1>{_e(title)}</h1>"
    if subtitle:
        body += f'<p class="sub">{_e(subtitle)}</p>'
    body += report_section(report, level=2, with_verdict=False)
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
    rows_of = {name: frame_row(r) for name, r in reports.items()}
    helps = [explain(key) for key in COMPARISON]
    body = [f"<h1>{_e(title)}</h1>", intro, "<h2>Side by side</h2>"]
    body.append('<div class="row"><figure>')
    body.append(reliability_svg(reports, histogram=False))
    body.append(
        "<figcaption>The reliability curves of all models: the closer to the dashed "
        "diagonal, the better calibrated.</figcaption></figure>"
    )
    body.append(
        table(["statistic", *reports], comparison_rows(rows_of), help_column=helps) + "</div>"
    )
    body += [report_section(r, name=name) for name, r in reports.items()]
    return _write(page(title, "".join(body)), path)
