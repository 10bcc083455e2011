"""The one number format, and the renderings that use it: verdict first, human labels.

The format rules (4 significant digits, p-values ``0.0123`` or ``< 1e-4``,
interval bounds clipped to the statistic's range) are tested as a table, and
every rendering of a report and of a comparison is checked against them.
"""

import html
import math
import re

import numpy as np
import pytest
from sklearn.metrics import brier_score_loss, log_loss, roc_auc_score

from skbce._render.definitions import COMPARISON, DEFINITIONS
from skbce._render.numbers import clip_bound, fmt, fmt_interval, fmt_p, is_number_text, p_equals
from skbce._report.report import calibration_report, compare_calibration


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (0.123456, "0.1235"),
        (0.8478, "0.8478"),
        (0.0123456, "0.01235"),
        (8.870e-05, "0.00008870"),
        (1.0e-5, "0.00001000"),
        (9.99949e-6, "9.999e-06"),
        (1e-7, "1.000e-07"),
        (5.55e-17, "5.550e-17"),
        (0.5, "0.5000"),
        (1.0, "1.000"),
        (0.99996, "1.000"),
        (12.0, "12.00"),
        (123.456, "123.5"),
        (123456.7, "123457"),
        (999999.4, "1.000e+06"),
        (99999.4, "99999"),
        (1e6, "1.000e+06"),
        (-0.03412, "-0.03412"),
        (0.0, "0"),
        (12345, "12,345"),
        (np.int64(7), "7"),
        (np.float32(0.25), "0.2500"),
        (float("nan"), "nan"),
        (float("inf"), "inf"),
        (-float("inf"), "-inf"),
        (None, "-"),
    ],
    ids=repr,
)
def test_numbers_have_four_significant_digits(value, text):
    assert fmt(value) == text


@pytest.mark.parametrize(
    ("p", "text", "sentence"),
    [
        (0.01234, "0.0123", "p = 0.0123"),
        (0.5, "0.5000", "p = 0.5000"),
        (1.0, "1.0000", "p = 1.0000"),
        (1e-4, "0.0001", "p = 0.0001"),
        (9.9e-5, "< 1e-4", "p < 1e-4"),
        (1e-17, "< 1e-4", "p < 1e-4"),
        (0.0, "< 1e-4", "p < 1e-4"),
        (float("nan"), "nan", "p = nan"),
    ],
    ids=repr,
)
def test_pvalues(p, text, sentence):
    assert fmt_p(p) == text
    assert p_equals(p) == sentence


@pytest.mark.parametrize(
    ("low", "high", "key", "text"),
    [
        (5.55e-17, 0.0821, "probability", "[0, 0.08210]"),
        (-0.01, 0.5, "ece", "[0, 0.5000]"),
        (0.98, 1.0 - 1e-15, "roc_auc", "[0.9800, 1.000]"),
        (0.98, 1.02, "roc_auc", "[0.9800, 1.000]"),
        (-0.2, 3.0, "log_loss", "[0, 3.000]"),
        (-0.2, 3.0, "calibration_slope", "[-0.2000, 3.000]"),
        (-0.2, 3.0, None, "[-0.2000, 3.000]"),
        (float("nan"), float("nan"), "ece", "-"),
        (float("nan"), 0.3, "ece", "[nan, 0.3000]"),
    ],
)
def test_intervals_are_clipped_to_the_range(low, high, key, text):
    assert fmt_interval(low, high, key) == text


def test_clip_keeps_values_inside_the_range():
    assert clip_bound(0.3, "ece") == 0.3
    assert clip_bound(1e-9, "ece") == 1e-9  # small, but not rounding noise
    assert math.isnan(clip_bound(float("nan"), "ece"))


@pytest.mark.parametrize(
    ("text", "number"),
    [
        ("0.1235", True),
        ("-1.000e-07", True),
        ("12,345", True),
        ("< 1e-4", True),
        ("[0, 0.5000]", True),
        ("[0.1, 0.2] (b)", True),
        ("0.5 [0.4, 0.6]", True),
        ("nan", True),
        ("10 equal-weight groups", False),
        ("chi2 = 3.0, dof = 8", False),
        ("yes", False),
        ("", False),
    ],
)
def test_number_cells_are_recognised(text, number):
    assert is_number_text(text) is number


# --- the renderings ---------------------------------------------------------------------


@pytest.fixture(scope="module")
def data():
    rng = np.random.default_rng(0)
    p = rng.beta(2, 3, size=1500)
    y = (rng.uniform(size=1500) < p**0.8).astype(int)
    groups = rng.choice(["a", "b"], size=1500)
    return y, p, groups


@pytest.fixture(scope="module")
def comparison(data):
    y, p, groups = data
    near = np.clip(p, 1e-3, 1 - 1e-3)
    return compare_calibration(
        {
            "model": calibration_report(y, p, groups=groups, random_state=0),
            "squared": calibration_report(y, near**2, groups=groups, random_state=0),
        }
    )


def _plain(text):
    """The words of a rendering: HTML tags dropped, entities decoded."""
    return html.unescape(re.sub(r"<[^>]+>", "  ", text))


def _renderings(comparison):
    report = comparison.reports["model"]
    texts = {
        "text": str(report),
        "markdown": report.to_markdown(),
        "fragment": report._repr_html_(),
        "page": report.to_html(),
        "comparison text": str(comparison),
        "comparison markdown": comparison.to_markdown(),
        "comparison fragment": comparison._repr_html_(),
        "comparison page": comparison.to_html(),
    }
    return {name: _plain(text) for name, text in texts.items()}


def test_every_rendering_starts_with_the_verdict(comparison):
    report = comparison.reports["model"]
    summary = report.hierarchy.summary
    assert str(report).startswith(summary)
    assert report.to_markdown().startswith(f"**Verdict:** {summary}")
    text = str(comparison)
    first_table_line = text.index("log loss")
    for name, r in comparison.reports.items():
        words = " ".join(r.hierarchy.summary.split()[:5])
        assert f"{name}: " in text[:first_table_line]
        assert words in " ".join(text[:first_table_line].split())
    md = comparison.to_markdown()
    assert md.index("- **squared**: ") < md.index("| statistic |")
    page = comparison.to_html()
    assert page.index("Verdicts") < page.index("Side by side") < page.index("<svg")


def test_scores_come_with_their_intervals_before_the_details(comparison):
    report = comparison.reports["model"]
    text = str(report)
    scores = text[text.index("Scores") : text.index("Calibration errors")]
    assert "95% interval" in scores.splitlines()[1]
    assert text.index("Scores") < text.index("Tests") < text.index("Reliability")
    intervals = getattr(report, "intervals", None)
    if intervals is not None and "log_loss" in list(intervals["statistic"]):
        i = list(intervals["statistic"]).index("log_loss")
        low, high = intervals["low"][i], intervals["high"][i]
        assert f"[{fmt(low)}, {fmt(high)}]" in scores


_NUMBER = r"-?\d[\d,]*(?:\.\d+)?(?:e[+-]\d+)?"


def _numbers(text):
    """Every number of a rendering (labels such as 'E90' or 'R2' aside)."""
    text = re.sub(r"[A-Za-z]\d+", " ", text.replace("< 1e-4", " "))
    return re.findall(rf"(?<![\w.]){_NUMBER}", text)


def test_one_number_format_everywhere(comparison):
    for name, text in _renderings(comparison).items():
        for number in _numbers(text):
            if "e" in number:  # scientific only far from 1
                assert abs(float(number)) < 1e-5 or abs(float(number)) >= 1e6, (name, number)
            digits = number.lstrip("-").replace(",", "").replace(".", "").split("e")[0]
            assert len(digits.lstrip("0")) <= 6 or "," in number, (name, number)
        assert "e-17" not in text and "e-16" not in text, name
        assert "0.0000" not in text.replace("1.0000", ""), name
        assert "p < 1e-16" not in text, name


def _pvalues(report):
    """Every p-value a report holds, by name."""
    out = {
        "Hosmer-Lemeshow": report.hosmer_lemeshow.pvalue,
        "Spiegelhalter": report.spiegelhalter.pvalue,
        "U": report.unreliability.pvalue,
        "D": report.discrimination_index.pvalue,
    }
    for name in ("corp_test", "ks_calibration", "kuiper_calibration"):
        if getattr(report, name, None) is not None:
            out[name] = getattr(report, name).pvalue
    return out


def test_pvalues_follow_one_rule_in_every_rendering(comparison):
    renderings = _renderings(comparison)
    for name, report in comparison.reports.items():
        pvalues = _pvalues(report)
        shown = {k: v for k, v in pvalues.items() if k in ("Hosmer-Lemeshow", "Spiegelhalter")}
        for rendering, text in renderings.items():
            if name != "model" and not rendering.startswith("comparison"):
                continue
            for what, p in (pvalues if name == "model" else shown).items():
                if rendering.startswith("comparison") and what not in shown:
                    continue
                assert fmt_p(p) in text, (rendering, what)
                if fmt_p(p) != "< 1e-4":
                    assert f"{p:.3g}" not in text or f"{p:.3g}" in fmt_p(p), (rendering, what)
    pvalue_keys = [k for k in COMPARISON if DEFINITIONS[k].format == "pvalue"]
    rows = {row[0]: row[1:] for row in _comparison_rows(comparison)}
    for key in pvalue_keys:
        cells = rows[DEFINITIONS[key].label]
        for cell, report in zip(cells, comparison.reports.values(), strict=True):
            assert cell == fmt_p(report.to_frame().iloc[0][key])


def _comparison_rows(comparison):
    lines = str(comparison).splitlines()
    start = next(i for i, line in enumerate(lines) if line.strip().startswith("statistic"))
    out = []
    for line in lines[start + 1 :]:
        cells = re.split(r"\s{2,}", line.strip())
        out.append(cells)
    return out


def test_labels_are_words_and_keys_stay_in_the_data(comparison):
    renamed = [k for k in COMPARISON if DEFINITIONS[k].label != k]
    for name, text in _renderings(comparison).items():
        for key in renamed:
            assert not re.search(rf"(?<![\w.]){key}(?![\w.])", text), (name, key)
    assert list(comparison.table.statistic) == list(COMPARISON)
    assert set(COMPARISON) <= set(comparison.to_frame().columns)


def test_comparison_numbers_match_sklearn(data, comparison):
    y, p, _ = data
    near = np.clip(p, 1e-3, 1 - 1e-3)
    rows = {row[0]: row[1:] for row in _comparison_rows(comparison)}
    for column, q in enumerate((p, near**2)):
        expected = {
            "log loss": log_loss(y, q),
            "Brier score": brier_score_loss(y, q),
            "ROC AUC": roc_auc_score(y, q),
        }
        for label, value in expected.items():
            shown = float(rows[label][column])
            assert shown == pytest.approx(value, rel=5e-4), label


def test_comparison_to_html_writes_a_page(comparison, tmp_path):
    path = tmp_path / "cmp.html"
    text = comparison.to_html(path, title="<b>x</b>", subtitle="a & b")
    assert path.read_text(encoding="utf-8") == text
    assert "&lt;b&gt;x&lt;/b&gt;" in text and "a &amp; b" in text
    assert text.count('<svg xmlns="http://www.w3.org/2000/svg" class="reliability"') == 3
    assert text.count('class="subgroups"') >= 2
    with pytest.raises(TypeError, match="path"):
        comparison.to_html(3)


def test_report_without_subgroups_has_no_subgroup_section(data):
    y, p, _ = data
    page = calibration_report(y, p).to_html()
    assert "Subgroups" not in page and 'class="subgroups"' not in page
    assert "Recalibration advice" in page


@pytest.mark.parametrize("power", [0.5, 1.0, 2.0], ids=["too modest", "calibrated", "too extreme"])
def test_verdict_and_hierarchy_notes_print_numbers_under_the_one_rule(power):
    # the verdict is written by the calibration layer: its numbers obey the same rule
    rng = np.random.default_rng(3)
    p = rng.uniform(0.02, 0.98, 3000)
    y = rng.uniform(size=3000) < p**power
    report = calibration_report(y, p, n_resamples=0)
    texts = [report.hierarchy.summary] + [level.note for level in report.hierarchy.levels]
    numbers = [n for t in texts for n in re.findall(r"(?<![\w.])-?\d+\.\d+(?:e[+-]\d+)?", t)]
    assert numbers or power == 1.0
    for number in numbers:
        assert fmt(float(number)) == number, (number, texts)


def test_comparison_of_reports_at_other_levels_names_each_level(data):
    y, p, _ = data
    reports = {
        "at 90%": calibration_report(y, p, confidence_level=0.9, n_resamples=0),
        "at 99%": calibration_report(y, p, confidence_level=0.99, n_resamples=0),
    }
    text = str(compare_calibration(reports))
    assert "interval (90%, 99%)" in text
    assert "90% interval" not in text  # it labelled the 99% intervals too
