"""Plain text, Markdown and HTML fragments of reports, comparisons and tables.

Each function reads the public attributes of the object it is given (duck
typing) and the table of statistic definitions; nothing is computed here.
"""

import html
import math
import textwrap

from skbce._render.data import frame_row
from skbce._render.definitions import COMPARISON, ESTIMATES
from skbce._render.numbers import fmt_interval, is_number_text
from skbce._render.sections import (
    cell,
    header,
    headline_sections,
    interval_of,
    name_of,
    sections,
    table_rows,
)
from skbce._render.standard import verdict
from skbce._render.svg import reliability_svg

__all__ = [
    "align",
    "comparison_cells",
    "comparison_html",
    "comparison_markdown",
    "comparison_rows",
    "comparison_text",
    "comparison_verdicts",
    "html_table",
    "md_table",
    "md_text",
    "one_line",
    "report_html",
    "report_markdown",
    "report_text",
    "table_html",
    "table_markdown",
    "table_text",
]


#: Control characters that would break a table's row, and what shows them on one line.
_BREAKS = str.maketrans({"\n": "\\n", "\r": "\\r", "\t": "\\t"})


def one_line(text):
    r"""``text`` with line breaks and tabs escaped (a label ``"a\nb"`` reads ``a\nb``).

    Examples
    --------
    >>> print(one_line("c\nd"))
    c\nd
    """
    return str(text).translate(_BREAKS)


#: The characters of inline HTML, as entities (Markdown shows them as the characters).
_ENTITIES = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;"})


def md_text(text):
    r"""``text`` for Markdown: :func:`one_line`, with ``&``, ``<`` and ``>`` as entities.

    Markdown renders inline HTML: a label ``<b>x</b>`` or ``<script>`` would
    be markup, not text.  Every piece of Markdown text that can hold a
    label, a name or a title goes through here.

    Examples
    --------
    >>> print(md_text("<b>x</b> & y\nz"))
    &lt;b&gt;x&lt;/b&gt; &amp; y\nz
    """
    return one_line(text).translate(_ENTITIES)


def align(rows, right=()):
    """Aligned text lines from rows of strings; ``right`` columns right-aligned.

    Line breaks and tabs in cells (labels of groups or classes) are escaped:
    they broke the row across lines.
    """
    rows = [[one_line(c) for c in r] for r in rows]
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    lines = []
    for r in rows:
        cells = [
            c.rjust(w) if i in right else c.ljust(w)
            for i, (c, w) in enumerate(zip(r, widths, strict=True))
        ]
        lines.append("  ".join(cells).rstrip())
    return lines


def md_table(head, rows):
    """A Markdown table (``|``, line breaks, tabs and HTML in cells escaped, :func:`md_text`)."""

    def esc(c):
        return md_text(c).replace("|", "\\|")

    out = ["| " + " | ".join(esc(h) for h in head) + " |"]
    out.append("|" + "|".join("---" for _ in head) + "|")
    out += ["| " + " | ".join(esc(c) for c in r) + " |" for r in rows]
    return "\n".join(out)


def html_table(head, rows, caption=None):
    """A plain HTML table, every cell escaped."""
    e = html.escape
    parts = ["<table>"]
    if caption:
        parts.append(f"<caption>{e(caption)}</caption>")
    parts.append("<thead><tr>" + "".join(f"<th>{e(str(h))}</th>" for h in head))
    parts.append("</tr></thead><tbody>")
    for r in rows:
        parts.append("<tr>" + "".join(f"<td>{e(str(c))}</td>" for c in r) + "</tr>")
    parts.append("</tbody></table>")
    return "".join(parts)


# --- one report -------------------------------------------------------------------


def report_text(report):
    """The report as aligned plain text (``str(report)``), the verdict first."""
    lines = [verdict(report), "", *header(report)]
    for section in sections(report):
        lines += ["", section.title]
        if not section.rows:
            continue
        if section.header is None:
            lines += ["  " + line for line in align(section.rows)]
        else:
            rows = [section.header, *section.rows]
            lines += ["  " + line for line in align(rows, right=_numeric_columns(rows))]
            lines += ["  " + note for note in section.footnotes]
    return "\n".join(lines)


def report_markdown(report):
    """The report in Markdown (headings and tables), the verdict first."""
    title, sub = header(report)
    parts = [f"**Verdict:** {md_text(verdict(report))}", "", f"### {md_text(title)}", ""]
    parts.append(md_text(sub))
    for section in sections(report):
        parts += ["", f"#### {md_text(section.title)}", ""]
        if section.header is None:
            parts += [md_text(r[0]) for r in section.rows]
        else:
            parts.append(md_table(section.header, section.rows))
            if section.footnotes:
                parts += ["", "  \n".join(map(md_text, section.footnotes))]
    return "\n".join(parts)


def report_html(report):
    """The report as an HTML fragment (for notebooks): the verdict, the numbers, the diagram."""
    title, sub = header(report)
    e = html.escape
    parts = [f"<div><p><strong>Verdict:</strong> {e(verdict(report))}</p>"]
    parts.append(f"<h4>{e(title)}</h4><p>{e(sub)}</p>")
    headline = len(headline_sections(report))
    for i, section in enumerate(sections(report)):
        if i == headline:  # the diagram after the headline numbers
            parts.append(reliability_svg({"model": report}))
        parts.append(f"<h5>{e(section.title)}</h5>")
        if section.header is None:
            parts.append("<ul>" + "".join(f"<li>{e(r[0][2:])}</li>" for r in section.rows))
            parts.append("</ul>")
            continue
        parts.append(html_table(section.header, section.rows))
        parts += [f"<p>{e(note)}</p>" for note in section.footnotes]
    parts.append("</div>")
    return "".join(parts)


# --- a column table ---------------------------------------------------------------


def table_text(table):
    """A column table as aligned text."""
    if not table.columns:
        return "Table()"
    rows = [list(table.columns), *table_rows(table)]
    return "\n".join(align(rows, right=range(len(table.columns))))


def table_markdown(table):
    """A column table in Markdown."""
    return md_table(table.columns, table_rows(table))


def table_html(table):
    """A column table as an HTML fragment."""
    return html_table(table.columns, table_rows(table))


# --- several reports ----------------------------------------------------------------


def comparison_verdicts(reports):
    """``(name, verdict)`` of each report, in order."""
    return [(str(name), verdict(r)) for name, r in reports.items()]


def _interval(report, key):
    """The interval of ``key``: from ``report.intervals``, else an estimate's own."""
    found = interval_of(report, key)
    if found is None and key in ESTIMATES:
        est = getattr(report, key)
        found = (est.low, est.high, "")
    return found


def comparison_cells(reports):
    """``(key, values, intervals)`` per statistic of the comparison, as strings.

    ``intervals`` is None when no report has an interval for the statistic.
    """
    reports = dict(reports)
    rows_of = [frame_row(r) for r in reports.values()]
    out = []
    for key in COMPARISON:
        values = [cell(key, row.get(key, math.nan)) for row in rows_of]
        found = [_interval(r, key) for r in reports.values()]
        intervals = None
        if any(f is not None for f in found):
            intervals = ["-" if f is None else fmt_interval(f[0], f[1], key) for f in found]
        out.append((key, values, intervals))
    return out


def comparison_rows(reports):
    """Rows (label, one value per model) of the comparison's statistics.

    Human labels, one number format (p-values as ``0.0123`` or ``< 1e-4``);
    a statistic with an interval in any report is followed by a row of the
    intervals.
    """
    levels = [f"{100 * r.confidence_level:g}%" for r in reports.values()]
    label = f"  {levels[0]} interval"
    if len(set(levels)) > 1:  # each model's own level, in the order of the columns
        label = f"  interval ({', '.join(levels)})"
    rows = []
    for key, values, intervals in comparison_cells(reports):
        rows.append([name_of(key), *values])
        if intervals is not None:
            rows.append([label, *intervals])
    return rows


def _numeric_columns(rows):
    return [j for j in range(1, len(rows[0])) if any(is_number_text(r[j]) for r in rows[1:])]


def _title(reports):
    n = len(reports)
    return f"Calibration comparison of {n} model{'' if n == 1 else 's'}"


def comparison_text(reports, *, width=88):
    """The comparison as plain text: each model's verdict, then the table."""
    lines = [_title(reports), "", "Verdicts"]
    for name, text in comparison_verdicts(reports):
        lines += textwrap.wrap(
            f"{one_line(name)}: {text}", width, initial_indent="  ", subsequent_indent="    "
        )
    head = ["statistic", *map(str, reports)]
    rows = [head, *comparison_rows(reports)]
    lines += ["", *("  " + ln for ln in align(rows, right=_numeric_columns(rows)))]
    return "\n".join(lines)


def comparison_markdown(reports):
    """The comparison in Markdown: the verdicts as a list, then the table."""
    parts = [f"**{_title(reports)}**", ""]
    parts += [
        f"- **{md_text(name)}**: {md_text(text)}" for name, text in comparison_verdicts(reports)
    ]
    parts += ["", md_table(["statistic", *map(str, reports)], comparison_rows(reports))]
    return "\n".join(parts)


def comparison_html(reports):
    """The comparison as an HTML fragment (for notebooks): the verdicts, then the table."""
    e = html.escape
    items = "".join(
        f"<li><strong>{e(name)}</strong>: {e(text)}</li>"
        for name, text in comparison_verdicts(reports)
    )
    table = html_table(
        ["statistic", *map(str, reports)], comparison_rows(reports), "Calibration comparison"
    )
    return f"<div><p><strong>Verdicts</strong></p><ul>{items}</ul>{table}</div>"
