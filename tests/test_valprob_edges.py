"""val.prob's statistics on edge cases, against R's ``rms::val.prob`` (and formulas).

R is the oracle, in one session (``val.prob(p, y, pl = FALSE)`` per case).
Where val.prob's number is not the statistic it names, the test says why and
checks skbce against the formula written out here instead:

* constant predictions: val.prob's own branch (D chi-square 0, U on 1 dof);
  its Emax and E90 print 0 because its result vector has one value more than
  names (see ``skbce._calibration.valprob``): all three errors are ``|p - mean(y)|``;
* separated classes: ``lrm.fit`` stops before the supremum of the likelihood
  (slope about 8), so its U is a little low: the supremum is written out;
* predictions of 1e-12 that the label contradicts: ``lrm.fit``'s deviance is
  off in the sixth digit; the deviance is written out with log1p.
"""

import math
import sys
import warnings
from pathlib import Path

import numpy as np
import pytest
from scipy.special import expit, xlogy

from skbce._calibration.valprob import val_prob

sys.path.insert(0, str(Path(__file__).parent))
from r_oracle import run_r  # noqa: E402

_R_CODE = r"""
result <- lapply(split(d, d$set), function(s) {
  v <- suppressWarnings(val.prob(s$p, s$y, pl = FALSE))
  w <- suppressWarnings(val.prob(logit = qlogis(s$p), y = s$y, pl = FALSE))
  list(v = as.list(v[1:18]), from_logit = as.list(w[1:18]), n_out = sum(s$p %in% c(0, 1)))
})
"""

_Y8 = [0, 1, 0, 0, 1, 1, 0, 0]
CASES = {
    "constant": ([0.3] * 8, _Y8),
    "constant_n3": ([0.5] * 3, [0, 1, 1]),
    "constant_at_base_rate": ([0.5] * 4, [0, 1, 0, 1]),
    "constant_zero": ([0.0] * 5, [0, 0, 1, 0, 0]),
    "exact_zero_one": (
        [0, 0.1, 0.2, 0.4, 0.5, 0.7, 0.9, 1, 1, 0.3],
        [0, 0, 1, 0, 1, 1, 1, 1, 0, 0],
    ),
    "n3": ([0.2, 0.5, 0.7], [0, 1, 0]),
    "n4": ([0.2, 0.5, 0.7, 0.9], [0, 1, 0, 1]),
    "n7": ([0.05, 0.2, 0.3, 0.45, 0.6, 0.8, 0.95], [0, 1, 0, 0, 1, 1, 0]),
    "n10": (np.linspace(0.05, 0.95, 10), [0, 0, 1, 0, 0, 1, 1, 0, 1, 1]),
    "one_positive": (np.linspace(0.05, 0.6, 12), [0] * 7 + [1] + [0] * 4),
    "one_negative": (np.linspace(0.3, 0.95, 12), [1] * 5 + [0] + [1] * 6),
    "two_values": ([0.2] * 10 + [0.7] * 10, [0] * 8 + [1] * 8 + [0] * 4),
    "heavy_ties": (
        np.round(np.random.default_rng(1).uniform(0.05, 0.95, 200), 1),
        np.random.default_rng(2).integers(0, 2, 200),
    ),
    "near_zero_one": ([1e-12, 0.1, 0.3, 0.5, 0.6, 0.8, 1 - 1e-12, 0.2], [0, 0, 1, 0, 1, 1, 1, 0]),
    "near_zero_one_wrong": (
        [1e-12, 0.1, 0.3, 0.5, 0.6, 0.8, 1 - 1e-12, 0.2],
        [1, 0, 1, 0, 1, 1, 0, 0],
    ),
    "separated": ([0.1, 0.2, 0.6, 0.7, 0.9], [0, 0, 1, 1, 1]),
    "separated_reversed": ([0.1, 0.2, 0.6, 0.7, 0.9], [1, 1, 0, 0, 0]),
    "separated_at_a_tie": ([0.1, 0.2, 0.5, 0.5, 0.7, 0.9], [0, 0, 0, 1, 1, 1]),
}
NAMES = list(CASES)
CONSTANT = {n for n in NAMES if n.startswith("constant")}
SEPARATED = {n for n in NAMES if n.startswith("separated")}


def _case(name):
    p, y = CASES[name]
    return np.asarray(p, dtype=np.float64), np.asarray(y, dtype=np.float64)


@pytest.fixture(scope="module")
def r_results():
    data = [_case(n) for n in NAMES]
    sets = np.concatenate([np.full(p.shape, i) for i, (p, _) in enumerate(data)])
    p = np.concatenate([p for p, _ in data])
    y = np.concatenate([y for _, y in data])
    out = run_r(_R_CODE, packages=("rms",), timeout=300, p=p, y=y, set=sets)
    return {name: out[str(i)] for i, name in enumerate(NAMES)}


def _ours(p, y, **kwargs):
    with warnings.catch_warnings(record=True) as seen:
        warnings.simplefilter("always")
        out = val_prob(y, p, pos_label=1, **kwargs)
    return out, [str(w.message) for w in seen]


def _deviance(p, y):
    """``-2 sum [y log p + (1 - y) log(1 - p)]`` with log1p, 0 log 0 = 0."""
    return -2.0 * float(np.sum(xlogy(y, p)) + np.sum(np.where(y == 0, np.log1p(-p), 0.0)))


def _separated_u(name, p, y):
    """``L(p)`` minus the least deviance of the recalibration (boundary tie group)."""
    tie = {"separated_at_a_tie": p == 0.5}.get(name, np.zeros(p.shape, dtype=bool))
    k, n = y[tie].sum(), tie.sum()
    return _deviance(p, y) + 2.0 * (xlogy(k, k / n) + xlogy(n - k, (n - k) / n) if n else 0.0)


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("weighted", [False, True], ids=["", "unit-weights"])
def test_indices_match_val_prob(r_results, name, weighted):
    p, y = _case(name)
    ours, _ = _ours(p, y, sample_weight=np.ones_like(p) if weighted else None)
    v = r_results[name]["v"]
    rel = 1e-4 if name == "near_zero_one_wrong" else 1e-6  # module docstring
    d, u = ours.discrimination_index, ours.unreliability
    assert d.index == pytest.approx(v["D"], rel=rel)
    assert d.statistic == pytest.approx(v["D:Chi-sq"], rel=rel, abs=1e-12)
    assert ours.nagelkerke_r2 == pytest.approx(v["R2"], rel=rel, abs=1e-12)
    assert u.dof == (1 if name in CONSTANT else 2)
    u_rel, u_abs = (2e-3, 1e-3) if name in SEPARATED else (1e-6, 1e-6)  # lrm.fit stops early
    assert u.statistic == pytest.approx(v["U:Chi-sq"], rel=u_rel, abs=u_abs)
    assert u.index == pytest.approx(v["U"], rel=u_rel, abs=u_abs)
    assert u.pvalue == pytest.approx(v["U:p"], rel=u_rel, abs=1e-9)
    assert ours.quality_index == pytest.approx(v["Q"], rel=max(rel, u_rel), abs=u_abs)
    assert ours.eavg == pytest.approx(v["Eavg"], rel=1e-9, abs=1e-12)
    if name in CONSTANT:  # val.prob's Emax and E90 are shifted names (module docstring)
        assert ours.emax == ours.e90 == pytest.approx(abs(p[0] - y.mean()), rel=1e-12)
        assert d.pvalue == v["D:p"] == 1.0
    else:
        assert ours.emax == pytest.approx(v["Emax"], rel=1e-9)
        assert ours.e90 == pytest.approx(v["E90"], rel=1e-9)
    if name != "exact_zero_one":  # val.prob's Dxy leaves out exact 0 and 1; ours keeps them
        assert ours.somers_dxy == pytest.approx(v["Dxy"], abs=2e-4)  # lrm.fit's grid


@pytest.mark.parametrize("name", NAMES)
def test_logit_input_gives_the_same_numbers(r_results, name):
    """val.prob(logit = qlogis(p)) equals val.prob(p); ours on expit(logit) too."""
    p, y = _case(name)
    if name in CONSTANT and p[0] in (0.0, 1.0):
        pytest.skip("qlogis(0) = -Inf: plogis gives back 0, the same case")
    with np.errstate(divide="ignore"):
        lg = np.log(p) - np.log1p(-p)
    ours, _ = _ours(expit(lg), y)
    v, w = r_results[name]["v"], r_results[name]["from_logit"]
    for key in ("D", "D:Chi-sq", "U:Chi-sq", "R2"):
        assert w[key] == pytest.approx(v[key], rel=1e-6, abs=1e-9)
    assert ours.discrimination_index.statistic == pytest.approx(w["D:Chi-sq"], rel=1e-5, abs=1e-9)


def test_exact_zero_one_counts_and_rows_left_out(r_results):
    p, y = _case("exact_zero_one")
    ours, messages = _ours(p, y)
    assert r_results["exact_zero_one"]["n_out"] == 3
    assert any("1 prediction(s) of exactly 0 and 2 of exactly 1" in m for m in messages)
    v = r_results["exact_zero_one"]["v"]
    n = (v["D:Chi-sq"] - 1.0) / v["D"]  # val.prob's n: the rows it kept
    assert n == pytest.approx(7.0, rel=1e-12)
    assert (ours.discrimination_index.statistic - 1.0) / ours.discrimination_index.index == (
        pytest.approx(7.0, rel=1e-12)
    )


@pytest.mark.parametrize("name", sorted(SEPARATED))
def test_separated_unreliability_is_the_supremum(name):
    p, y = _case(name)
    ours, messages = _ours(p, y)
    assert any("separate the classes" in m or "did not converge" in m for m in messages)
    assert ours.unreliability.statistic == pytest.approx(_separated_u(name, p, y), rel=1e-12)


@pytest.mark.parametrize("name", ["near_zero_one", "near_zero_one_wrong", "n7", "one_negative"])
def test_discrimination_chi2_is_the_deviance_difference(name):
    p, y = _case(name)
    ours, _ = _ours(p, y)
    r = y.mean()
    null = -2.0 * len(y) * (xlogy(r, r) + xlogy(1 - r, 1 - r))
    assert ours.discrimination_index.statistic == pytest.approx(null - _deviance(p, y), rel=1e-12)


@pytest.mark.parametrize("name", sorted(CONSTANT))
def test_constant_predictions_written_out(name):
    p, y = _case(name)
    ours, _ = _ours(p, y)
    n, r = len(y), y.mean()
    null = -2.0 * n * (xlogy(r, r) + xlogy(1 - r, 1 - r))
    u = _deviance(p, y) - null
    assert ours.discrimination_index.index == -1.0 / n
    assert ours.nagelkerke_r2 == 0.0
    assert ours.unreliability.statistic == pytest.approx(u, rel=1e-12, abs=1e-12)
    if math.isfinite(u):
        assert ours.quality_index == pytest.approx(-1.0 / n - (u - 1.0) / n, rel=1e-12)
    else:
        assert ours.quality_index == -math.inf and ours.unreliability.pvalue == 0.0


# --- Markdown of user labels (skbce._render.text.md_text) ---------------------------

_HOSTILE = ["<script>alert(1)</script>", "<b>x</b> & co", "a|b\nc"]


def _markdowns():
    from skbce import calibration_report, compare_calibration

    rng = np.random.default_rng(0)
    n = 600
    p = rng.uniform(0.05, 0.95, n)
    y = np.where(rng.uniform(size=n) < p, "<i>yes</i>", "<no>")
    groups = np.array(_HOSTILE)[rng.integers(0, 3, n)]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        report = calibration_report(y, p, pos_label="<i>yes</i>", groups=groups, random_state=0)
        comparison = compare_calibration({"<b>model</b> & 1": report, "<img src=x>": report})
    return report.to_markdown(), comparison.to_markdown()


def test_markdown_escapes_html_in_labels_names_and_titles():
    report_md, comparison_md = _markdowns()
    for md in (report_md, comparison_md):
        for raw in ("<script>", "<b>", "<i>", "<img", "<no>", "</"):
            assert raw not in md
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in report_md
    assert "&lt;b&gt;x&lt;/b&gt; &amp; co" in report_md
    assert "a\\|b\\nc" in report_md  # pipes and line breaks still escaped
    assert "**&lt;b&gt;model&lt;/b&gt; &amp; 1**" in comparison_md
    assert "&lt;img src=x&gt;" in comparison_md


def test_md_text_and_md_table_cells():
    from skbce._render.text import md_table, md_text

    assert md_text("<a> & <b>\r\tc") == "&lt;a&gt; &amp; &lt;b&gt;\\r\\tc"
    assert md_text("&amp;") == "&amp;amp;"  # text, not an entity: shown as typed
    table = md_table(["<h>"], [["x|<y>\nz"]])
    assert table.splitlines() == ["| &lt;h&gt; |", "|---|", "| x\\|&lt;y&gt;\\nz |"]
