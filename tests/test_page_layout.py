"""The rendered layout of a comparison page of 6 models with subgroups, in headless Chromium.

The page itself has no script.  The test adds one to a copy of it: once
the page is laid out, the script measures it (the width of each diagram,
the legend entries, every table cell whose text overflows it, SVG text
that leaves its drawing, the page's own width) and writes the result into
the DOM, which ``chromium --dump-dom`` prints.  Skipped without chromium.
"""

import json
import re
import subprocess

import numpy as np
import pytest
from scipy.special import expit, logit
from test_html import _browser

from skbce._report.report import calibration_report, compare_calibration

MEASURE = """
<script>
window.addEventListener("load", () => {
  const svgs = [...document.querySelectorAll("svg.reliability, svg.subgroups")];
  const out = {
    diagrams: svgs.map((s) => ({
      cls: s.getAttribute("class"),
      width: s.getBoundingClientRect().width,
      legend: [...s.querySelectorAll("g.legend-entry")].map((g) =>
        [...g.querySelectorAll("text")].map((t) => t.textContent).join(" ")),
      outside: [...s.querySelectorAll("text")].filter((t) => {
        const box = t.getBoundingClientRect(), frame = s.getBoundingClientRect();
        return box.left < frame.left - 0.5 || box.top < frame.top - 0.5
          || box.right > frame.right + 0.5 || box.bottom > frame.bottom + 0.5;
      }).map((t) => t.textContent),
    })),
    overflowing: [...document.querySelectorAll("td, th")]
      .filter((c) => c.scrollWidth > c.clientWidth + 1)
      .map((c) => c.textContent),
    page: [document.documentElement.scrollWidth, document.documentElement.clientWidth],
    tables: [...document.querySelectorAll("table, figure")].map(
      (t) => t.getBoundingClientRect().right),
    body: document.body.getBoundingClientRect().right,
  };
  const pre = document.createElement("pre");
  pre.id = "layout";
  pre.textContent = JSON.stringify(out);
  document.body.appendChild(pre);
});
</script>
"""

LEGEND = [
    "bin: observed frequency, 95% Wilson interval; label = count",
    "CORP curve (isotonic recalibration)",
    "consistency band (95%): CORP curve if calibrated",
    "CORP confidence band (95%)",
    "flexible curve (lowess)",
    "its 95% band",
    "perfectly calibrated",
    "histogram of predictions (below, own count axis)",
]

MODELS = (
    "calibrated",
    "overconfident",
    "timid",
    "too high",
    "too low (quantile bins)",
    "noisy",
)


@pytest.fixture(scope="module")
def comparison():
    rng = np.random.default_rng(0)
    n = 2000
    p = rng.beta(2, 3, size=n)
    y = rng.uniform(size=n) < p
    groups = rng.choice(["north", "south", "a rather long group name"], size=n)
    z = logit(p)
    predictions = (
        p,
        expit(2 * z),
        expit(0.5 * z),
        expit(z + 0.7),
        expit(z - 0.5),
        np.clip(p + rng.normal(0, 0.1, n), 0.001, 0.999),
    )
    reports = {
        name: calibration_report(
            y, q, groups=groups, strategy="quantile" if "quantile" in name else "uniform"
        )
        for name, q in zip(MODELS, predictions, strict=True)
    }
    return compare_calibration(reports)


def _measure(page, tmp):
    """Open ``page`` with the measuring script in headless Chromium; its measures."""
    browser = _browser()
    measured = tmp / "page.html"
    measured.write_text(page.replace("</body>", MEASURE + "</body>"), encoding="utf-8")
    command = [
        browser,
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        f"--user-data-dir={tmp / 'profile'}",
        "--window-size=1280,1000",
        "--dump-dom",
        measured.as_uri(),
    ]
    result = subprocess.run(command, capture_output=True, timeout=180, check=False)
    dom = result.stdout.decode(errors="replace")
    found = re.search(r'<pre id="layout">(.*?)</pre>', dom, re.S)
    assert found, result.stderr.decode(errors="replace")[-2000:]
    return json.loads(found.group(1).replace("&amp;", "&").replace("&lt;", "<"))


@pytest.fixture(scope="module")
def layout(comparison, tmp_path_factory):
    page = comparison.to_html()
    assert "<script" not in page
    return _measure(page, tmp_path_factory.mktemp("layout"))


def test_every_diagram_is_wide(layout):
    reliability = [d for d in layout["diagrams"] if d["cls"] == "reliability"]
    assert len(reliability) == 1 + len(MODELS)  # the overlay and one per model
    assert all(d["width"] >= 640 for d in reliability), [d["width"] for d in reliability]
    subgroups = [d for d in layout["diagrams"] if d["cls"] == "subgroups"]
    assert len(subgroups) == len(MODELS)


def test_every_legend_entry_is_present(comparison, layout):
    overlay, *singles = [d for d in layout["diagrams"] if d["cls"] == "reliability"]
    assert overlay["legend"] == [*MODELS, "perfectly calibrated"]
    for diagram, report in zip(singles, comparison.reports.values(), strict=True):
        expected = [
            entry
            for entry in LEGEND
            if not ("consistency" in entry and getattr(report, "consistency_band", None) is None)
            and not ("confidence" in entry and getattr(report, "confidence_band", None) is None)
        ]
        assert diagram["legend"] == expected


def test_no_text_overflows(layout):
    assert layout["overflowing"] == []
    assert [d["outside"] for d in layout["diagrams"]] == [[]] * len(layout["diagrams"])
    width, viewport = layout["page"]
    assert width <= viewport
    assert max(layout["tables"]) <= layout["body"] + 0.5  # tables and figures fit the column


def test_four_models_fit_a_docs_column(comparison, tmp_path):
    """The notebook/docs fragment of 4 models in a 610-pixel column (the docs' width)."""
    four = compare_calibration(dict(list(comparison.reports.items())[:4]))
    page = (
        '<!DOCTYPE html><html><head><meta charset="utf-8"></head><body style="margin: 0">'
        f'<div style="width: 610px">{four._repr_html_()}</div></body></html>'
    )
    layout = _measure(page, tmp_path)
    assert layout["overflowing"] == []
    assert max(layout["tables"]) <= 610.5
    (overlay,) = layout["diagrams"]
    assert 500 <= overlay["width"] <= 610  # scaled down to the column, inside the figure
    assert overlay["outside"] == []
