"""The clinical validation standard in the calibration report (issue #12, sections 1-4).

End to end through :func:`skbce.calibration_report`: the val.prob indices
and the flexible curve's errors against R's ``rms::val.prob`` itself (Dxy
against ``pROC``, as val.prob's C index rounds the predictions; E50 against
``quantile`` of the same lowess errors, as val.prob prints only Eavg, E90 and
Emax), integer weights against repeated rows for every new attribute, bad
``groups``, and the renderings (verdict first, subgroup and recalibration
sections, JSON without NaN).
"""

import json
import math
import sys
from pathlib import Path

import numpy as np
import pytest
from scipy.special import expit

from skbce._report.report import calibration_report, cross_val_calibration_report

sys.path.insert(0, str(Path(__file__).parent))
from r_oracle import run_r  # noqa: E402

RTOL = 1e-6

_R_CODE = r"""
one <- function(p, y) {
  v <- suppressWarnings(val.prob(p, y, pl = FALSE))
  er <- abs(p - approx(lowess(p, y, iter = 0), xout = p, ties = mean)$y)
  list(valprob = as.list(v),
       dxy = 2 * as.numeric(pROC::auc(y, p, quiet = TRUE, direction = "<")) - 1,
       e50 = unname(quantile(er, 0.5)))
}
result <- lapply(split(d, d$set), function(s) one(s$p, s$y))
"""


def _data(name, n=None):
    rng = np.random.default_rng({"overfitted": 1, "shifted": 2}[name])
    n = n or {"overfitted": 1500, "shifted": 4000}[name]
    true = rng.normal(0.0 if name == "overfitted" else -0.4, 1.2, n)
    y = (rng.uniform(size=n) < expit(true)).astype(float)
    p = expit(1.7 * true) if name == "overfitted" else expit(true + 0.6)
    return y, p


NAMES = ["overfitted", "shifted"]


@pytest.fixture(scope="module")
def r_results():
    data = [_data(name) for name in NAMES]
    sets = np.concatenate([np.full(y.shape, i) for i, (y, _) in enumerate(data)])
    y = np.concatenate([y for y, _ in data])
    p = np.concatenate([p for _, p in data])
    out = run_r(_R_CODE, packages=("rms", "pROC"), timeout=600, p=p, y=y, set=sets)
    return {name: out[str(i)] for i, name in enumerate(NAMES)}


@pytest.mark.parametrize("name", NAMES)
def test_report_matches_val_prob(name, r_results):
    y, p = _data(name)
    report = calibration_report(y, p)
    v, r = r_results[name]["valprob"], r_results[name]
    assert report.somers_dxy == pytest.approx(r["dxy"], rel=1e-9)
    assert report.somers_dxy == pytest.approx(v["Dxy"], abs=1e-4)  # val.prob rounds p
    assert report.nagelkerke_r2 == pytest.approx(v["R2"], rel=RTOL)
    d, u = report.discrimination_index, report.unreliability
    assert (d.index, d.statistic, d.dof) == (
        pytest.approx(v["D"], rel=RTOL),
        pytest.approx(v["D:Chi-sq"], rel=RTOL),
        1,
    )
    assert (u.index, u.statistic, u.dof) == (
        pytest.approx(v["U"], rel=RTOL),
        pytest.approx(v["U:Chi-sq"], rel=RTOL),
        2,
    )
    assert u.pvalue == pytest.approx(v["U:p"], rel=RTOL)
    assert report.quality_index == pytest.approx(v["Q"], rel=RTOL)
    assert report.eavg == pytest.approx(v["Eavg"], rel=RTOL)
    assert report.e50 == pytest.approx(r["e50"], rel=RTOL)
    assert report.e90 == pytest.approx(v["E90"], rel=RTOL)
    assert report.emax == pytest.approx(v["Emax"], rel=RTOL)


@pytest.mark.parametrize("name", NAMES)
def test_hierarchy_reads_the_report(name):
    y, p = _data(name)
    report = calibration_report(y, p)
    levels = {lv.level: lv for lv in report.hierarchy.levels}
    assert list(levels) == ["mean", "weak", "moderate", "strong"]
    assert levels["strong"].holds is None
    slope = report.calibration_slope
    assert (levels["weak"].estimate, levels["weak"].low) == (slope.estimate, slope.low)
    if name == "overfitted":  # slope 1 / 1.7: too extreme
        assert levels["weak"].holds is False and slope.high < 1
        assert "too extreme" in levels["weak"].note
    else:  # too high on average
        assert levels["mean"].holds is False
        assert report.hierarchy.summary.startswith("Mean calibration does not hold")
        assert report.recalibration_gain.recommendation in ("intercept", "logistic")


def _same(a, b, rtol=1e-9):
    """Equal numbers (NaN equal to NaN), recursively through named tuples and arrays."""
    if hasattr(a, "_fields"):
        assert a._fields == b._fields
        for x, z in zip(a, b, strict=True):
            _same(x, z, rtol)
    elif isinstance(a, tuple):
        assert len(a) == len(b)
        for x, z in zip(a, b, strict=True):
            _same(x, z, rtol)
    elif isinstance(a, np.ndarray) or isinstance(a, float):
        np.testing.assert_allclose(a, b, rtol=rtol, atol=1e-12)
    else:
        assert a == b


def test_integer_weights_equal_repeated_rows():
    rng = np.random.default_rng(3)
    y, p = _data("overfitted", n=900)
    groups = rng.choice(["a", "b", "c"], size=y.shape[0])
    w = rng.integers(0, 4, size=y.shape[0])
    weighted = calibration_report(y, p, sample_weight=w, groups=groups, random_state=0)
    rows = np.repeat(np.arange(y.shape[0]), w)
    repeated = calibration_report(y[rows], p[rows], groups=groups[rows], random_state=0)
    for key in (
        "somers_dxy",
        "nagelkerke_r2",
        "discrimination_index",
        "unreliability",
        "quality_index",
        "eavg",
        "e50",
        "e90",
        "emax",
        "flexible_curve",
        "hierarchy",
    ):
        _same(getattr(weighted, key), getattr(repeated, key))
    for a, b in zip(weighted.subgroups, repeated.subgroups, strict=True):
        _same(a._replace(n_samples=0), b._replace(n_samples=0))
    gw, gr = weighted.recalibration_gain, repeated.recalibration_gain
    # the in-sample parts are equal; the cross-fitted ones differ only by the folds
    # (a weighted row falls in one fold, its repeats in several), and so may the
    # recommendation between two close methods
    _same(gw._replace(methods=(), recommendation=""), gr._replace(methods=(), recommendation=""))
    close = {"intercept": 0.01, "logistic": 0.01}
    for mw, mr in zip(gw.methods, gr.methods, strict=True):
        assert mw.method == mr.method
        if mw.method in close:
            assert mw.log_loss == pytest.approx(mr.log_loss, abs=close[mw.method])
            assert mw.brier_score == pytest.approx(mr.brier_score, abs=close[mw.method])
        else:  # isotonic sees a repeated row in its training folds: repeats flatter it
            assert mr.log_loss <= mw.log_loss


def test_recalibration_gain_is_seeded():
    y, p = _data("shifted", n=800)
    a, b = calibration_report(y, p), calibration_report(y, p)
    assert a.recalibration_gain == b.recalibration_gain  # None: a fixed seed
    c = calibration_report(y, p, random_state=7).recalibration_gain
    assert c.log_loss == a.recalibration_gain.log_loss
    assert c.methods != a.recalibration_gain.methods


def test_subgroups_rows_are_reports_of_the_groups():
    rng = np.random.default_rng(4)
    y, p = _data("shifted", n=1200)
    groups = rng.integers(0, 2, size=y.shape[0])
    report = calibration_report(y, p, groups=groups)
    assert [g.group for g in report.subgroups] == [0, 1]
    for g in report.subgroups:
        alone = calibration_report(y[groups == g.group], p[groups == g.group])
        assert g.n_samples == alone.n_samples
        assert g.log_loss == pytest.approx(alone.log_loss, rel=1e-12)
        assert g.calibration_slope == alone.calibration_slope
        assert g.hierarchy.summary == alone.hierarchy.summary


@pytest.mark.parametrize(
    ("groups", "match"),
    [
        (np.zeros(5), "groups"),  # wrong length
        (np.r_[np.zeros(9), np.nan], "groups"),
        ([None] + [1] * 9, "groups"),
        (np.zeros((10, 2)), "groups"),
    ],
)
def test_bad_groups_raise_naming_groups(groups, match):
    y = np.r_[np.zeros(5), np.ones(5)]
    p = np.linspace(0.1, 0.9, 10)
    with pytest.raises(ValueError, match=match):
        calibration_report(y, p, groups=groups)


def test_single_sample_groups_give_nan_and_notes_not_errors():
    y, p = _data("shifted", n=300)
    groups = np.r_[np.arange(3), np.full(297, 99)]  # three groups of one sample
    report = calibration_report(y, p, groups=groups)
    small = [g for g in report.subgroups if g.n_samples == 1]
    assert len(small) == 3
    for g in small:
        assert math.isnan(g.calibration_slope.estimate) and g.notes
        assert g.hierarchy.levels[0].holds is None
    assert any(line.strip().startswith("- group 0:") for line in str(report).splitlines())
    json.dumps(report.to_dict(), allow_nan=False)


def test_renderings_start_with_the_verdict_and_show_the_new_sections():
    rng = np.random.default_rng(5)
    y, p = _data("overfitted", n=1000)
    report = calibration_report(y, p, groups=rng.choice(["x", "y"], size=1000))
    summary = report.hierarchy.summary
    text, md, frag = str(report), report.to_markdown(), report._repr_html_()
    page = report.to_html()
    assert text.startswith(summary)
    assert md.startswith(f"**Verdict:** {summary}")
    assert frag.startswith(f"<div><p><strong>Verdict:</strong> {summary}")
    body = page.split("<body>", 1)[1]
    assert body.startswith('<p class="verdict"><strong>Verdict:</strong> ')
    recommendation = report.recalibration_gain.recommendation
    for rendering in (text, md, frag, page):
        assert "Subgroups" in rendering and "Calibration hierarchy" in rendering
        assert f"recommended recalibration: {recommendation}" in rendering
        assert "Eavg (ICI)" in rendering and "unreliability index U" in rendering
    assert text.index("Calibration hierarchy") < text.index("Subgroups")
    data = report.to_dict()
    assert next(iter(data)) == "verdict" and data["verdict"] == summary
    assert data["recalibration_gain"]["recommendation"] == recommendation
    assert [g["group"] for g in data["subgroups"]] == ["x", "y"]
    assert data["hierarchy"]["levels"][3]["holds"] is None
    json.dumps(data, allow_nan=False)


def test_without_groups_only_the_verdict_and_new_sections_are_added():
    y, p = _data("shifted", n=500)
    report = calibration_report(y, p)
    assert report.subgroups is None and report.to_dict()["subgroups"] is None
    assert "Subgroups" not in str(report)


def test_to_frame_has_the_new_scalars():
    pytest.importorskip("pandas")
    y, p = _data("shifted", n=500)
    report = calibration_report(y, p)
    row = report.to_frame().iloc[0]
    assert row["somers_dxy"] == report.somers_dxy
    assert row["unreliability_pvalue"] == report.unreliability.pvalue
    assert row["discrimination_index_chi2"] == report.discrimination_index.statistic
    for key in ("nagelkerke_r2", "quality_index", "eavg", "e50", "e90", "emax"):
        assert row[key] == getattr(report, key)


def test_multiclass_uses_the_top_label_problem():
    rng = np.random.default_rng(6)
    P = rng.dirichlet([2, 2, 2], size=600)
    y = np.array([rng.choice(3, p=row) for row in P])
    report = calibration_report(y, P, groups=rng.integers(0, 2, size=600))
    conf, correct = P.max(axis=1), (P.argmax(axis=1) == y).astype(float)
    top = calibration_report(correct, conf)
    assert report.eavg == pytest.approx(top.eavg, rel=1e-12)
    assert report.unreliability == top.unreliability
    assert report.hierarchy.summary == top.hierarchy.summary
    assert len(report.subgroups) == 2
    assert str(report).startswith(report.hierarchy.summary)


def test_cross_val_report_gets_subgroups():
    from sklearn.datasets import make_classification
    from sklearn.linear_model import LogisticRegression

    X, y = make_classification(n_samples=400, random_state=0)
    groups = np.where(X[:, 0] > 0, "high", "low")
    report = cross_val_calibration_report(LogisticRegression(), X, y, cv=3, groups=groups)
    assert [g.group for g in report.subgroups] == ["high", "low"]
    assert sum(g.n_samples for g in report.subgroups) == 400
    for g in report.subgroups:
        assert g.n_samples == int((groups == g.group).sum())
    with pytest.raises(ValueError, match="groups"):
        cross_val_calibration_report(LogisticRegression(), X, y, groups=groups[:10])


def test_exact_zero_one_predictions_keep_every_number_finite():
    y, p = _data("shifted", n=1000)
    p[:40], y[:40] = 0.0, 0.0  # confident and right
    p[40:50], y[40:50] = 1.0, 0.0  # confident and wrong
    with pytest.warns(RuntimeWarning, match="exactly 0") as caught:
        report = calibration_report(y, p)
    assert len({str(w.message) for w in caught}) == 1  # only the documented note
    gain = report.recalibration_gain
    assert gain.log_loss == pytest.approx(report.log_loss, rel=1e-12)
    assert gain.miscalibration_log_loss == pytest.approx(
        report.decomposition["log_loss"].miscalibration, rel=1e-9
    )
    assert all(math.isfinite(m.log_loss) and math.isfinite(m.gain_se) for m in gain.methods)
    assert math.isfinite(report.eavg) and math.isfinite(report.unreliability.statistic)
    json.dumps(report.to_dict(), allow_nan=False)
