"""Plain text, Markdown and HTML fragments of reports, comparisons and tables.

Each function reads the public attributes of the object it is given (duck
typing) and the table of statistic definitions; nothing is computed here.
"""

import html

from skbce._render.definitions import COMPARISON
from skbce._render.numbers import fmt
from skbce._render.sections import header, sections, table_rows
from skbce._render.standard import verdict

__all__ = [
    "align",
    "comparison_html",
    "comparison_markdown",
    "comparison_rows",
    "comparison_text",
    "html_table",
    "md_table",
    "report_html",
    "report_markdown",
    "report_text",
    "table_html",
    "table_markdown",
    "table_text",
]


def align(rows, right=()):
    """Aligned text lines from rows of strings; ``right`` columns right-aligned."""
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
    """A Markdown table (``|`` in cells escaped)."""

    def esc(c):
        return str(c).replace("|", "\\|")

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


def _value_header(rows):
    width = max(len(r) for r in rows)
    return ["", "value", *[""] * (width - 2)]


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
            lines += ["  " + line for line in align(rows, right=range(1, len(section.header)))]
    return "\n".join(lines)


def report_markdown(report):
    """The report in Markdown (headings and tables), the verdict first."""
    title, sub = header(report)
    parts = [f"**Verdict:** {verdict(report)}", "", f"### {title}", "", sub]
    for section in sections(report):
        parts += ["", f"#### {section.title}", ""]
        if section.title == "Notes":
            parts += [r[0] for r in section.rows]
        else:
            head = section.header or _value_header(section.rows)
            parts.append(md_table(head, section.rows))
    return "\n".join(parts)


def report_html(report):
    """The report as an HTML fragment (for notebooks), the verdict first."""
    title, sub = header(report)
    e = html.escape
    parts = [f"<div><p><strong>Verdict:</strong> {e(verdict(report))}</p>"]
    parts.append(f"<h4>{e(title)}</h4><p>{e(sub)}</p>")
    for section in sections(report):
        parts.append(f"<h5>{e(section.title)}</h5>")
        if section.title == "Notes":
            parts.append("<ul>" + "".join(f"<li>{e(r[0][2:])}</li>" for r in section.rows))
            parts.append("</ul>")
            continue
        head = section.header or _value_header(section.rows)
        parts.append(html_table(head, section.rows))
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


def comparison_rows(rows_of):
    """Rows (statistic, one value per model) from ``{name: {key: value}}``."""
    return [
        [key, *(fmt(row.get(key, float("nan"))) for row in rows_of.values())] for key in COMPARISON
    ]


def comparison_text(rows_of):
    """The comparison as aligned text."""
    head = ["statistic", *rows_of]
    lines = ["Calibration comparison"]
    rows = [head, *comparison_rows(rows_of)]
    lines += ["  " + ln for ln in align(rows, right=range(1, len(head)))]
    return "\n".join(lines)


def comparison_markdown(rows_of):
    """The comparison table in Markdown."""
    return md_table(["statistic", *rows_of], comparison_rows(rows_of))


def comparison_html(rows_of):
    """The comparison table as an HTML fragment."""
    return html_table(["statistic", *rows_of], comparison_rows(rows_of), "Calibration comparison")
