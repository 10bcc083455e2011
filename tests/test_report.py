"""The calibration report: contract names, renderings, plots, estimators, bad input."""

import builtins
import json
import math
import pickle
import warnings

import numpy as np
import pytest
from scipy.special import expit, softmax
from sklearn.calibration import calibration_curve
from sklearn.datasets import make_classification
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import brier_score_loss, d2_log_loss_score, log_loss, roc_auc_score

from skbce._report.report import (
    CalibrationComparison,
    CalibrationReport,
    ReliabilityDisplay,
    calibration_report,
    compare_calibration,
    cross_val_calibration_report,
)


@pytest.fixture
def hide_module(monkeypatch):
    """Make importing the named top-level modules fail."""

    def hide(*names):
        real_import = builtins.__import__

        def fake_import(name, *args, **kwargs):
            if name.split(".")[0] in names:
                raise ImportError(f"No module named {name!r}")
            return real_import(name, *args, **kwargs)

        monkeypatch.setattr(builtins, "__import__", fake_import)

    return hide


#: The documented columns of the reliability table, in order.
RELIABILITY_COLUMNS = (
    "bin_lower",
    "bin_upper",
    "count",
    "weight",
    "mean_predicted",
    "observed",
    "ci_low",
    "ci_high",
)


def binary_data(n=3000, seed=0):
    rng = np.random.default_rng(seed)
    p = rng.beta(2, 3, n)
    y = (rng.random(n) < p**1.2).astype(int)
    return y, p


@pytest.fixture(scope="module")
def report():
    y, p = binary_data()
    return calibration_report(y, p)


# --- the contract ------------------------------------------------------------------


def test_attributes_have_the_contract_names(report):
    for name in (
        "log_loss",
        "brier_score",
        "normalized_cross_entropy",
        "roc_auc",
        "base_rate",
        "ece",
        "mce",
        "rmsce",
        "adaptive_ece",
        "smooth_ece",
        "d2_log_loss_score",
        "mean_prediction",
        "observed_expected_ratio",
    ):
        assert isinstance(getattr(report, name), float), name
    assert report.hosmer_lemeshow._fields[:2] == ("statistic", "pvalue")
    assert isinstance(report.hosmer_lemeshow.dof, int)
    assert report.spiegelhalter._fields == ("statistic", "pvalue")
    for name in ("calibration_slope", "calibration_intercept", "calibration_in_the_large"):
        est = getattr(report, name)
        assert est._fields == ("estimate", "low", "high")
        assert est.low < est.estimate < est.high
    assert set(report.decomposition) == {"log_loss", "brier_score"}
    for d in report.decomposition.values():
        assert d._fields == ("miscalibration", "discrimination", "uncertainty", "score")
        assert d.miscalibration - d.discrimination + d.uncertainty == pytest.approx(
            d.score, abs=1e-12
        )
    assert report.decomposition["log_loss"].score == report.log_loss
    rel = report.reliability
    for col in RELIABILITY_COLUMNS:
        assert isinstance(rel[col], np.ndarray)
        assert getattr(rel, col) is rel[col]
        assert len(rel[col]) == 10
    assert report.convention == "positive class"


def test_scores_match_sklearn(report):
    y, p = binary_data()
    assert report.log_loss == pytest.approx(log_loss(y, p), rel=1e-12)
    assert report.brier_score == pytest.approx(brier_score_loss(y, p), rel=1e-12)
    assert report.roc_auc == pytest.approx(roc_auc_score(y, p), rel=1e-12)
    assert report.d2_log_loss_score == pytest.approx(
        d2_log_loss_score(y, np.c_[1 - p, p]), rel=1e-10
    )
    assert report.normalized_cross_entropy == pytest.approx(1 - report.d2_log_loss_score)
    prob_true, prob_pred = calibration_curve(y, p, n_bins=10)
    nonempty = ~report.reliability.empty
    np.testing.assert_allclose(report.reliability.observed[nonempty], prob_true, rtol=1e-12)
    np.testing.assert_allclose(report.reliability.mean_predicted[nonempty], prob_pred, rtol=1e-12)


def test_weighted_report_equals_repeated_rows():
    y, p = binary_data(500, seed=1)
    w = np.random.default_rng(1).integers(1, 4, len(y))
    a = calibration_report(y, p, sample_weight=w).to_dict()
    b = calibration_report(np.repeat(y, w), np.repeat(p, w)).to_dict()
    for section in ("scores", "calibration_errors", "tests", "decomposition"):
        assert json.dumps(a[section]) == json.dumps(b[section]) or _close(a[section], b[section])
    np.testing.assert_allclose(a["reliability"]["observed"], b["reliability"]["observed"])


def _close(a, b):
    if isinstance(a, dict):
        return all(_close(a[k], b[k]) for k in a)
    if isinstance(a, float):
        return math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-12)
    return a == b


def test_logits_give_the_report_of_their_probabilities():
    rng = np.random.default_rng(2)
    z = rng.normal(size=800)
    y = rng.random(800) < expit(z)
    a = calibration_report(y, z, from_logits=True)
    b = calibration_report(y, expit(z))
    assert a.log_loss == pytest.approx(b.log_loss, rel=1e-12)
    assert a.smooth_ece == pytest.approx(b.smooth_ece, rel=1e-12)


def test_pos_label_and_two_column_matrix():
    y, p = binary_data(400, seed=3)
    labels = np.where(y == 1, "spam", "ham")
    a = calibration_report(labels, p, pos_label="spam")
    b = calibration_report(labels, np.c_[1 - p, p])  # columns in sorted label order
    c = calibration_report(labels, 1 - p, pos_label="ham")
    assert a.pos_label == b.pos_label == "spam"
    assert a.log_loss == pytest.approx(b.log_loss, rel=1e-12)
    assert a.ece == pytest.approx(b.ece, rel=1e-12)
    assert c.log_loss == pytest.approx(a.log_loss, rel=1e-12)
    assert "P(y = 'spam')" in str(a)


def test_baseline_normalises_the_cross_entropy():
    y, p = binary_data(400, seed=4)
    r = calibration_report(y, p, baseline=0.3)
    rate = y.mean()
    ce = -(rate * math.log(0.3) + (1 - rate) * math.log(0.7))
    assert r.baseline == 0.3
    assert r.normalized_cross_entropy == pytest.approx(r.log_loss / ce)


# --- multiclass ----------------------------------------------------------------------


@pytest.fixture(scope="module")
def multiclass():
    rng = np.random.default_rng(5)
    P = rng.dirichlet([2, 1, 1], size=2000)
    y = np.array([rng.choice(3, p=row) for row in P])
    return np.array(["a", "b", "c"])[y], P


def test_multiclass_scores_and_top_label(multiclass):
    y, P = multiclass
    r = calibration_report(y, P, per_class=True)
    assert r.task == "multiclass" and r.convention == "top label"
    assert r.log_loss == pytest.approx(log_loss(y, P), rel=1e-12)
    onehot = (y[:, None] == np.array(["a", "b", "c"])).astype(float)
    assert r.brier_score == pytest.approx(np.mean(np.sum((P - onehot) ** 2, axis=1)), rel=1e-12)
    assert r.roc_auc == pytest.approx(roc_auc_score(y, P, multi_class="ovr"), rel=1e-12)
    assert r.d2_log_loss_score == pytest.approx(d2_log_loss_score(y, P), rel=1e-10)
    conf = P.max(axis=1)
    correct = P.argmax(axis=1) == np.searchsorted(["a", "b", "c"], y)
    prob_true, prob_pred = calibration_curve(correct, conf, n_bins=10)
    ok = ~r.reliability.empty
    np.testing.assert_allclose(r.reliability.observed[ok], prob_true, rtol=1e-12)
    np.testing.assert_allclose(r.base_rate, [np.mean(y == c) for c in "abc"])
    assert set(r.per_class) == {"a", "b", "c"}
    one = r.per_class["b"]
    assert one.log_loss == pytest.approx(log_loss(y == "b", P[:, 1]), rel=1e-12)
    assert "top label" in str(r)
    json.dumps(r.to_dict())


def test_multiclass_logits_use_softmax(multiclass):
    y, P = multiclass
    z = np.log(P) + 3.0
    a = calibration_report(y, z, from_logits=True)
    assert a.log_loss == pytest.approx(log_loss(y, softmax(z, axis=1)), rel=1e-10)


# --- renderings --------------------------------------------------------------------


def test_text_summary_is_aligned_and_complete(report):
    text = str(report)
    for needle in (
        "Scores",
        "log loss",
        "ROC AUC",
        "Calibration errors",
        "smooth ECE",
        "Hosmer-Lemeshow",
        "dof = groups - 2",
        "Spiegelhalter",
        "calibration slope",
        "Wald",
        "CORP decomposition",
        "Reliability",
        "Wilson",
        "positive class",
    ):
        assert needle in text, needle
    table = text.split("Reliability")[1].splitlines()[1:]
    assert len({len(line) for line in table if line.strip()}) <= 2
    assert repr(report).startswith("<CalibrationReport binary")


def test_markdown_and_html(report):
    md = report.to_markdown()
    assert md.startswith(f"**Verdict:** {report.hierarchy.summary}")
    assert "\n### Calibration report" in md
    assert "| log loss |" in md
    html_text = report._repr_html_()
    assert html_text.startswith("<div>") and "<table>" in html_text


def test_html_escapes_user_text():
    y = np.array(["<b>bad</b>", "ok&"] * 10)
    p = np.linspace(0.05, 0.95, 20)
    r = calibration_report(y, p, pos_label="<b>bad</b>", n_bins=3)
    out = r._repr_html_()
    assert "<b>bad</b>" not in out
    assert "&lt;b&gt;bad&lt;/b&gt;" in out
    cmp = compare_calibration({"<script>x</script>": r})
    assert "<script>" not in cmp._repr_html_()


def test_empty_bins_are_flagged_in_every_rendering():
    p = np.r_[np.linspace(0.01, 0.09, 6), np.linspace(0.91, 0.99, 6)]
    r = calibration_report([0, 1] * 6, p)
    assert r.reliability.empty.tolist() == [False] + [True] * 8 + [False]
    assert "empty" in str(r)
    d = r.to_dict()["reliability"]
    assert d["observed"][1] is None and d["empty"][1] is True


def test_to_dict_is_json_with_documented_keys(report):
    d = report.to_dict()
    json.dumps(d, allow_nan=False)
    assert list(d)[0] == "verdict"
    assert set(d) == {
        "verdict",
        "hierarchy",
        "validation",
        "curve_errors",
        "flexible_curve",
        "recalibration_gain",
        "binning_free",
        "cumulative_tests",
        "corp_test",
        "intervals",
        "consistency_band",
        "confidence_band",
        "subgroups",
        "task",
        "convention",
        "classes",
        "pos_label",
        "n_samples",
        "total_weight",
        "settings",
        "scores",
        "calibration_errors",
        "tests",
        "decomposition",
        "reliability",
        "recalibration",
        "folds",
        "problems",
        "notes",
        "per_class",
    }
    assert d["tests"]["hosmer_lemeshow"]["dof"] == report.hosmer_lemeshow.dof
    assert d["decomposition"]["brier_score"]["score"] == report.brier_score
    assert d["settings"]["interval"] == "wilson"


def test_to_frame(report):
    pd = pytest.importorskip("pandas")
    frame = report.to_frame(name="m")
    assert isinstance(frame, pd.DataFrame) and frame.index.tolist() == ["m"]
    assert frame.loc["m", "calibration_slope_low"] == report.calibration_slope.low
    table = report.reliability.to_frame()
    assert table.columns[:8].tolist() == list(RELIABILITY_COLUMNS)


def test_to_frame_without_pandas(report, hide_module):
    hide_module("pandas")
    with pytest.raises(ImportError, match="needs pandas"):
        report.to_frame()


# --- plots ----------------------------------------------------------------------------


@pytest.mark.parametrize("kind", ["reliability", "corp", "both", "smooth"])
def test_plot_uses_the_given_axes(pyplot, kind):
    y, p = binary_data(500, seed=6)
    r = calibration_report(y, p)
    before = r.to_dict()
    fig, ax = pyplot.subplots()
    display = r.plot(ax=ax, kind=kind)
    assert isinstance(display, ReliabilityDisplay)
    assert display.ax_ is ax and display.figure_ is fig
    assert display.line_ is not None and display.lines_ == {"positive class": display.line_}
    assert display.hist_ax_ is not None and display.hist_ax_.figure is fig
    assert ax.get_xlim() == (0, 1)
    # the handles live on the display: the report is left as it was
    assert not {"ax_", "figure_", "line_", "hist_ax_"} & set(vars(r))
    assert json.dumps(r.to_dict()) == json.dumps(before)


def test_plot_draws_the_reliability_table(pyplot):
    y, p = binary_data(500, seed=6)
    r = calibration_report(y, p, n_bins=5)
    display = r.plot(kind="reliability", histogram=False)
    x, obs = display.line_.get_data()
    prob_true, prob_pred = calibration_curve(y, p, n_bins=5)
    np.testing.assert_allclose(x, prob_pred, rtol=1e-12)
    np.testing.assert_allclose(obs, prob_true, rtol=1e-12)


def test_plot_makes_its_own_figure(pyplot):
    y, p = binary_data(200, seed=7)
    display = calibration_report(y, p).plot(histogram=False)
    assert display.hist_ax_ is None and display.hist_axes_ == {}
    assert display.figure_ is pyplot.gcf()


def test_plot_rejects_unknown_kind(pyplot, report):
    with pytest.raises(ValueError, match="kind"):
        report.plot(kind="pie")


def test_plot_without_matplotlib(report, hide_module):
    hide_module("matplotlib")
    with pytest.raises(ImportError, match="needs matplotlib"):
        report.plot()


def test_comparison_table_and_plot(pyplot):
    y, p = binary_data(800, seed=8)
    a = calibration_report(y, p)
    b = calibration_report(y, np.clip(1.4 * p - 0.1, 0.01, 0.99))
    cmp = compare_calibration({"raw": a, "stretched": b})
    assert isinstance(cmp, CalibrationComparison)
    i = list(cmp.table.statistic).index("ece")
    assert cmp.table["raw"][i] == a.ece and cmp.table["stretched"][i] == b.ece
    assert "stretched" in str(cmp) and "| ECE |" in cmp.to_markdown()
    json.dumps(cmp.to_dict())
    fig, ax = pyplot.subplots()
    display = cmp.plot(ax=ax, histogram=True)
    assert display.ax_ is ax and display.figure_ is fig
    assert set(display.lines_) == {"raw", "stretched"} and set(display.hist_axes_) == set(
        display.lines_
    )
    assert not hasattr(a, "ax_") and not hasattr(cmp, "ax_")
    pd = pytest.importorskip("pandas")
    assert cmp.to_frame().index.tolist() == ["raw", "stretched"]
    assert isinstance(cmp.to_frame(), pd.DataFrame)


@pytest.mark.parametrize("bad", [{}, [1], {"x": 1.0}])
def test_compare_rejects_non_reports(bad):
    with pytest.raises(ValueError, match="reports"):
        compare_calibration(bad)


# --- estimators and cross-validation ----------------------------------------------------


@pytest.fixture(scope="module")
def classification():
    return make_classification(n_samples=600, n_features=6, random_state=0)


def test_from_estimator_predict_proba_and_decision_function(classification):
    X, y = classification
    clf = LogisticRegression().fit(X, y)
    a = CalibrationReport.from_estimator(clf, X, y)
    b = CalibrationReport.from_estimator(clf, X, y, response_method="decision_function")
    ref = log_loss(y, clf.predict_proba(X))
    assert a.log_loss == pytest.approx(ref, rel=1e-10)
    assert b.log_loss == pytest.approx(ref, rel=1e-8)
    c = CalibrationReport.from_estimator(
        clf, X, y, pos_label=0, response_method="decision_function"
    )
    assert c.log_loss == pytest.approx(ref, rel=1e-8)
    assert c.pos_label == 0
    with pytest.raises(ValueError, match="response_method"):
        CalibrationReport.from_estimator(clf, X, y, response_method="predict")


# --- bad input ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"y_proba": [0.2, 1.3, 0.5, 0.1]}, "y_proba"),
        ({"y_proba": [0.2, np.nan, 0.5, 0.1]}, "y_proba"),
        ({"y_true": [1, 1, 1, 1]}, "y_true"),
        ({"n_bins": 0}, "n_bins"),
        ({"n_bins": 5}, "n_bins"),
        ({"n_bins": 2.0}, "n_bins"),
        ({"strategy": "kmeans"}, "strategy"),
        ({"strategy": [0.0, 0.7, 0.3, 1.0]}, "strategy"),
        ({"confidence_level": 1.0}, "confidence_level"),
        ({"confidence_level": 0}, "confidence_level"),
        ({"baseline": 1.0}, "baseline"),
        ({"sample_weight": [1.0, -1.0, 1.0, 1.0]}, "sample_weight"),
        ({"n_resamples": -1}, "n_resamples"),
        ({"n_resamples": 2.5}, "n_resamples"),
        ({"n_resamples": True}, "n_resamples"),
        ({"n_resamples": "10"}, "n_resamples"),
    ],
    ids=lambda v: str(v)[:30],
)
def test_bad_input_raises_naming_the_argument(kwargs, match):
    args = {"y_true": [0, 1, 0, 1], "y_proba": [0.2, 0.8, 0.5, 0.1], "n_bins": 3, **kwargs}
    with pytest.raises(ValueError, match=match):
        calibration_report(args.pop("y_true"), args.pop("y_proba"), **args)


def test_degenerate_data_warn_and_keep_the_reason():
    with pytest.warns(RuntimeWarning) as record:
        r = calibration_report([0, 1, 0, 1, 1, 0], np.full(6, 0.5), n_bins=3)
    messages = " ".join(str(w.message) for w in record)
    assert "all predictions are equal" in messages
    assert math.isnan(r.calibration_slope.estimate)
    assert any("all predictions are equal" in n for n in r.notes)
    assert "all predictions are equal" in str(r)
    assert r.roc_auc == 0.5 and math.isfinite(r.log_loss)


def test_multiclass_top_label_always_right_gives_nan_with_warning():
    P = [[0.7, 0.2, 0.1], [0.1, 0.8, 0.1], [0.2, 0.2, 0.6], [0.3, 0.4, 0.3]]
    y = [0, 1, 2, 1]
    with pytest.warns(UserWarning, match="top label is right for every sample"):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            report = calibration_report(y, P, n_bins=2)
    assert report.log_loss == pytest.approx(log_loss(y, P), rel=1e-12)
    # every top-label prediction is right: observed frequency 1 in each bin
    observed = report.reliability.observed[report.reliability.count > 0]
    np.testing.assert_allclose(observed, 1.0)
    assert report.ece == pytest.approx(np.mean(1 - np.max(P, axis=1)), rel=1e-12)
    assert np.isnan(report.calibration_slope.estimate)


# --- the comparison, and inputs left alone --------------------------------------------


@pytest.mark.parametrize("name", [1, None, ("a",)], ids=repr)
def test_compare_refuses_names_that_are_not_strings(report, name):
    with pytest.raises(TypeError, match="reports must be keyed by model names"):
        compare_calibration({name: report})
    with pytest.raises(ValueError, match="reports"):
        compare_calibration({"a": report, name: report})


def test_no_input_is_modified(pyplot, tmp_path):
    pytest.importorskip("pandas")
    y, p = binary_data(400, seed=12)
    w = np.random.default_rng(12).uniform(0.5, 2.0, 400)
    arrays = [a.copy() for a in (y, p, w)]
    r = calibration_report(y, p, sample_weight=w)
    s = calibration_report(y, np.clip(1.3 * p - 0.1, 0.01, 0.99))
    snapshots = {id(x): pickle.dumps(x) for x in (r, s)}
    cmp = compare_calibration({"a": r, "b": s})
    for call in (
        str,
        repr,
        lambda x: x.to_markdown(),
        lambda x: x._repr_html_(),
        lambda x: x.to_dict(),
        lambda x: x.to_frame(),
    ):
        for x in (r, cmp):
            call(x)
    r.to_html(tmp_path / "r.html")
    r.reliability.to_frame()
    for kind in ("reliability", "corp", "both", "smooth"):
        r.plot(kind=kind)
        cmp.plot(kind=kind, histogram=True)
    for x in (r, s):
        assert pickle.dumps(x) == snapshots[id(x)]
    for a, b in zip(arrays, (y, p, w), strict=True):
        np.testing.assert_array_equal(a, b)


@pytest.mark.parametrize("scale", [1e-300, 1e-170, 1e-20, 1.0, 1e20, 1e170, 1e300])
def test_no_numpy_warning_leaks_at_any_weight_scale(classification, scale):
    X, y = classification
    w = scale * np.random.default_rng(13).uniform(0.5, 2.0, len(y))
    P = np.random.default_rng(13).dirichlet([1, 1, 1], size=len(y))
    y3 = np.random.default_rng(14).integers(0, 3, len(y))
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        reports = [
            calibration_report(y, expit(X[:, 0]), sample_weight=w),
            calibration_report(y3, P, sample_weight=w, per_class=True),
            cross_val_calibration_report(LogisticRegression(), X, y, cv=3, sample_weight=w),
        ]
    leaked = [str(c.message) for c in caught if "encountered" in str(c.message)]
    assert leaked == []
    for r in reports:
        assert not [n for n in r.notes if "encountered" in n]
        assert np.isfinite(r.log_loss)
    # the scale of the weights changes no point estimate
    ref = calibration_report(y, expit(X[:, 0]), sample_weight=w / scale)
    assert reports[0].log_loss == pytest.approx(ref.log_loss, rel=1e-12)
    assert reports[0].ece == pytest.approx(ref.ece, rel=1e-12)
    assert reports[2].folds.ece == pytest.approx(
        cross_val_calibration_report(
            LogisticRegression(), X, y, cv=3, sample_weight=w / scale
        ).folds.ece,
        rel=1e-12,
    )


def test_to_html_path_of_the_wrong_type(report):
    with pytest.raises(TypeError, match="path must be a str or path-like, got 3"):
        report.to_html(path=3)


def test_ragged_probabilities_name_y_proba():
    with pytest.raises(ValueError, match="y_proba must be a rectangular array-like"):
        calibration_report([0, 1], [[0.2], [0.1, 0.3]])


# --- uncertainty (issue #13) ----------------------------------------------------------------

HEADLINE = (
    "log_loss",
    "brier_score",
    "roc_auc",
    "observed_expected_ratio",
    "ece",
    "rmsce",
    "adaptive_ece",
    "smooth_ece",
    "eavg",
    "e50",
    "e90",
    "emax",
    "log_loss_miscalibration",
    "log_loss_discrimination",
    "brier_score_miscalibration",
    "brier_score_discrimination",
)


def test_intervals_bands_and_corp_test(report):
    table = report.intervals
    assert table.columns == ("statistic", "estimate", "low", "high", "method")
    assert list(table.statistic) == list(HEADLINE)
    methods = dict(zip(table.statistic, table.method, strict=True))
    assert methods["roc_auc"] == "DeLong" and methods["log_loss"].startswith("t ")
    assert methods["ece"].startswith("bootstrap basic (200 Poisson resamples")
    for row in table:
        assert row["low"] <= row["estimate"] <= row["high"], row
        key = row["statistic"]
        parts = key.rsplit("_", 1)
        if parts[-1] in ("miscalibration", "discrimination"):
            want = getattr(report.decomposition[parts[0]], parts[1])
        else:
            want = getattr(report, key)
        assert row["estimate"] == want
    for band in (report.consistency_band, report.confidence_band):
        assert band._fields == ("x", "low", "high", "method")
        assert np.all(band.low <= band.high) and band.x.shape == band.low.shape
    x = report.consistency_band.x
    assert np.all(np.isin(report.recalibration.lower, x))
    test = report.corp_test
    assert test.statistic == report.decomposition["brier_score"].miscalibration
    assert 1 / 201 <= test.pvalue <= 1 and test.pvalue * 201 == pytest.approx(
        round(test.pvalue * 201)
    )


def test_same_random_state_same_report_and_none_is_seed_zero():
    y, p = binary_data(400)
    a = calibration_report(y, p, random_state=3, n_resamples=30).to_dict()
    assert a == calibration_report(y, p, random_state=3, n_resamples=30).to_dict()
    b = calibration_report(y, p, n_resamples=30).to_dict()
    assert b == calibration_report(y, p, random_state=0, n_resamples=30).to_dict()
    assert a["intervals"]["low"][4:] != b["intervals"]["low"][4:]


def test_no_resamples_keeps_the_exact_intervals():
    y, p = binary_data(400)
    r = calibration_report(y, p, n_resamples=0)
    rows = {row["statistic"]: row for row in r.intervals}
    assert np.isfinite(rows["roc_auc"]["low"]) and math.isnan(rows["ece"]["low"])
    assert rows["ece"]["method"] == "none (n_resamples=0)"
    assert r.confidence_band is None and math.isnan(r.corp_test.pvalue)
    assert r.consistency_band is not None and not r.notes
    d = r.to_dict()
    json.dumps(d, allow_nan=False)
    assert d["confidence_band"] is None and d["settings"]["n_resamples"] == 0
    frame = r.to_frame()
    assert frame.loc["model", "roc_auc_low"] == rows["roc_auc"]["low"]
    assert math.isnan(frame.loc["model", "ece_high"])


def test_new_statistics_in_every_rendering(report):
    d = report.to_dict()
    assert set(d["binning_free"]) == {"debiased_rmsce", "ece_sweep", "ece_sweep_n_bins"}
    assert set(d["cumulative_tests"]) == {"ks_calibration", "kuiper_calibration"}
    assert d["corp_test"]["pvalue"] == report.corp_test.pvalue
    assert len(d["consistency_band"]["x"]) == report.consistency_band.x.shape[0]
    frame = report.to_frame()
    for column in ("debiased_rmsce", "ece_sweep", "ks_calibration_pvalue", "corp_test_pvalue"):
        assert column in frame.columns, column
    assert frame.loc["model", "log_loss_high"] == report.intervals.high[0]


def test_estimator_and_cross_validation_take_n_resamples(classification):
    X, y = classification
    clf = LogisticRegression().fit(X, y)
    r = CalibrationReport.from_estimator(clf, X, y, n_resamples=0)
    assert r.n_resamples == 0 and r.confidence_band is None
    cv = cross_val_calibration_report(LogisticRegression(), X, y, cv=3, n_resamples=10)
    assert cv.n_resamples == 10 and "10 Poisson resamples" in cv.intervals.method[4]
    with pytest.raises(ValueError, match="n_resamples"):
        cross_val_calibration_report(LogisticRegression(), X, y, n_resamples=-2)


def test_from_predictions_is_calibration_report_as_a_constructor():
    from sklearn.metrics import log_loss as sk_log_loss

    rng = np.random.default_rng(7)
    p = rng.uniform(0.01, 0.99, 500)
    y = np.where(rng.uniform(size=500) < p, "spam", "ham")
    w = rng.integers(1, 4, 500)
    report = CalibrationReport.from_predictions(y, p, sample_weight=w, n_resamples=0, n_bins=5)
    same = calibration_report(y, p, sample_weight=w, n_resamples=0, n_bins=5)
    assert isinstance(report, CalibrationReport)
    assert report.log_loss == pytest.approx(sk_log_loss(y, p, sample_weight=w), rel=1e-12)
    assert report.to_dict().keys() == same.to_dict().keys()
    assert report.ece == same.ece and report.pos_label == "spam"
