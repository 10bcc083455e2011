"""The HTML report: self-contained, escaped, drawn from the report's numbers.

The last tests open the page in a real headless browser (Debian's
``chromium``) and look at a screenshot; they are skipped when no browser is
installed.
"""

import html
import math
import re
import shutil
import subprocess
from html.parser import HTMLParser

import numpy as np
import pytest
from sklearn.calibration import calibration_curve
from sklearn.metrics import brier_score_loss, log_loss, roc_auc_score

from skbce._render.definitions import COMPARISON, ERRORS, ESTIMATES, SCORES, TESTS, explain
from skbce._render.html import comparison_page
from skbce._render.svg import COLORS, GEOMETRY
from skbce._report.report import calibration_report

EVIL = "<script>alert(1)</script>"
EVIL_NAME = '"><img src=x onerror=alert(2)>'


class Elements(HTMLParser):
    """Collects the tags, attributes and text of a page."""

    def __init__(self, text):
        super().__init__()
        self.tags, self.attrs, self.text = [], [], []
        self.feed(text)

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        self.attrs += attrs

    handle_startendtag = handle_starttag

    def handle_data(self, data):
        self.text.append(data)


class Tables(HTMLParser):
    """The tables of a page: ``{heading: [[cell text, ...], ...]}`` (h3 headings)."""

    def __init__(self, text):
        super().__init__()
        self.tables, self.heading, self.rows, self.cell = {}, None, None, None
        self.in_heading = False
        self.feed(text)

    def handle_starttag(self, tag, attrs):
        if tag == "h3":
            self.in_heading, self.heading = True, ""
        elif tag == "table":
            self.rows = self.tables.setdefault(self.heading, [])
        elif tag == "tr" and self.rows is not None:
            self.rows.append([])
        elif tag in ("td", "th") and self.rows is not None:
            self.cell = ""

    def handle_endtag(self, tag):
        if tag == "h3":
            self.in_heading = False
        elif tag == "table":
            self.rows = None
        elif tag in ("td", "th") and self.cell is not None:
            self.rows[-1].append(self.cell)
            self.cell = None

    def handle_data(self, data):
        if self.in_heading:
            self.heading += data
        elif self.cell is not None:
            self.cell += data


def data():
    rng = np.random.default_rng(0)
    p = rng.uniform(size=2000)
    y = np.where(rng.uniform(size=2000) < p**0.7, EVIL, "negative")
    return y, p


@pytest.fixture(scope="module")
def report():
    y, p = data()
    return calibration_report(y, p, pos_label=EVIL)


def test_page_is_self_contained(report, tmp_path):
    path = tmp_path / "report.html"
    text = report.to_html(path)
    assert path.read_text(encoding="utf-8") == text
    assert text.startswith("<!DOCTYPE html>")
    page = Elements(text)
    assert {"script", "img", "link", "iframe", "object"}.isdisjoint(page.tags)
    assert not [a for a in page.attrs if a[0] in ("src", "href") or a[0].startswith("on")]
    assert "url(" not in text and "@import" not in text
    # the only URL is the SVG namespace, which is a name and is never fetched
    assert set(re.findall(r"https?://[^\s\"'<>]+", text)) == {"http://www.w3.org/2000/svg"}


def test_user_text_is_escaped(report):
    text = comparison_page({EVIL_NAME: report, "plain": report}, title=EVIL)
    assert EVIL not in text and EVIL_NAME not in text
    assert html.escape(EVIL) in text
    page = Elements(text)
    assert "script" not in page.tags and "img" not in page.tags
    words = "".join(page.text)
    assert EVIL in words and EVIL_NAME in words  # shown as text


def test_diagram_is_drawn_from_the_reliability_table(report):
    text = report.to_html()
    svg = text[text.index("<svg") : text.index("</svg>")]
    rel = report.reliability
    full = ~rel.empty
    centres = re.findall(r'<circle class="bin" cx="([\d.]+)" cy="([\d.]+)"', svg)
    assert len(centres) == int(full.sum())
    # map pixels back to probabilities: the plot area is a square of GEOMETRY.plot pixels
    g = GEOMETRY
    x = (np.array([float(c[0]) for c in centres]) - g.left) / g.plot
    y = 1 - (np.array([float(c[1]) for c in centres]) - g.top) / g.plot
    np.testing.assert_allclose(x, rel.mean_predicted[full], atol=1e-3)
    np.testing.assert_allclose(y, rel.observed[full], atol=1e-3)
    counts = re.findall(r'<text class="count"[^>]*>([\d,]+)</text>', svg)
    assert [int(c.replace(",", "")) for c in counts] == rel.count[full].tolist()
    assert svg.count('class="interval"') == int(full.sum())


def four_digits(value):
    """A matcher of ``value`` printed with 4 significant digits (an independent rule)."""

    class Matches:
        def __eq__(self, text):
            digits = text.replace("-", "").replace(".", "").lstrip("0")
            unit = 10.0 ** (math.floor(math.log10(abs(value))) - 3)
            return len(digits) == 4 and abs(float(text) - value) <= 0.5 * unit * (1 + 1e-9)

        def __repr__(self):
            return f"<{value!r} to 4 significant digits>"

    return Matches()


def test_tables_show_numbers_computed_independently(report):
    """The numbers on the page, against scikit-learn and numpy on the raw data."""
    y, p = data()
    t = (y == EVIL).astype(int)
    tables = Tables(report.to_html()).tables
    scores = {row[0]: row[1] for row in tables["Scores"][1:]}
    assert scores["log loss"] == four_digits(log_loss(t, p))
    assert scores["Brier score"] == four_digits(brier_score_loss(t, p))
    assert scores["ROC AUC"] == four_digits(roc_auc_score(t, p))
    assert scores["base rate"] == four_digits(t.mean())
    assert scores["mean prediction"] == four_digits(p.mean())
    # ten uniform bins, closed on the right as calibration_curve's
    bins = np.searchsorted(np.linspace(0, 1, 11)[1:-1], p)
    count = np.bincount(bins, minlength=10)
    gap = np.abs(np.bincount(bins, p, 10) - np.bincount(bins, t, 10))
    errors = {row[0]: row[1] for row in tables["Calibration errors"][1:]}
    assert errors["ECE"] == four_digits(gap.sum() / len(p))
    assert errors["MCE"] == four_digits(np.max(gap / count))
    reliability = next(rows for title, rows in tables.items() if title.startswith("Reliability"))
    assert [int(row[1].replace(",", "")) for row in reliability[1:]] == count.tolist()
    prob_true, prob_pred = calibration_curve(t, p, n_bins=10)
    assert [row[3] for row in reliability[1:]] == [four_digits(v) for v in prob_pred]
    assert [row[4] for row in reliability[1:]] == [four_digits(v) for v in prob_true]


def test_every_statistic_shown_is_explained(report):
    tables = Tables(report.to_html()).tables
    for title in ("Scores", "Calibration errors", "Tests", "Calibration slope and intercept"):
        header, *rows = tables[title]
        assert header[-1] == "what it says"
        assert len(rows) >= 2
        assert all(row[-1].strip() for row in rows), title
    for key in (*SCORES, *ERRORS, *TESTS, *ESTIMATES, *COMPARISON):
        assert explain(key), key


def test_empty_bins_and_multiclass():
    rng = np.random.default_rng(1)
    p = rng.uniform(0.6, 0.9, size=300)  # bins below 0.6 are empty
    y = rng.uniform(size=300) < p
    text = calibration_report(y, p).to_html()
    assert text.count('class="bin"') == 3
    P = rng.dirichlet([1, 1, 1], size=300)
    labels = np.array(["a", "b", "c"])[[rng.choice(3, p=row) for row in P]]
    text = calibration_report(labels, P).to_html()
    assert "Confidence (top label)" in text and "<svg" in text


# --- in a real browser ------------------------------------------------------------


def _browser():
    for name in ("chromium", "chromium-browser"):
        path = shutil.which(name)
        if path:
            return path
    pytest.skip("no chromium browser installed")


def _run_browser(tmp_path, *args):
    """Run headless chromium with a fresh profile; return its completed process."""
    command = [
        _browser(),
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        f"--user-data-dir={tmp_path / 'profile'}",
        *args,
    ]
    return subprocess.run(command, capture_output=True, timeout=120, check=False)


def test_page_in_a_headless_browser(report, tmp_path):
    plt = pytest.importorskip("matplotlib.pyplot")
    page = tmp_path / "report.html"
    report.to_html(page)
    shot = tmp_path / "shot.png"
    result = _run_browser(
        tmp_path, f"--screenshot={shot}", "--window-size=1200,2600", page.as_uri()
    )
    assert shot.exists(), result.stderr.decode(errors="replace")[-2000:]
    pixels = plt.imread(shot)[..., :3]
    assert pixels.shape[:2] == (2600, 1200)
    not_white = np.any(pixels < 0.9, axis=2)
    assert not_white.mean() > 0.02  # not blank: text, tables and the chart
    curve = np.array([int(COLORS[0][i : i + 2], 16) for i in (1, 3, 5)]) / 255
    drawn = np.all(np.abs(pixels - curve) < 0.02, axis=2)
    assert drawn.sum() > 300  # the curve and its dots, in the first colour

    dom = _run_browser(tmp_path, "--dump-dom", page.as_uri()).stdout.decode()
    assert html.escape(EVIL, quote=False) in dom  # the label is text
    assert "<script" not in dom
