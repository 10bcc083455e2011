"""Adversarial inputs of the calibration report, its subgroups and renderings (second pass).

Every expected value is computed here independently: scikit-learn's metrics
and ``calibration_curve``, or plain numpy formulas written in the test.
"""

import math
import warnings

import numpy as np
import pytest
from sklearn.metrics import log_loss

import skbce


def _quiet_report(*args, **kwargs):
    """A report whose warnings (kept in its notes) are not raised."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return skbce.calibration_report(*args, **kwargs)


# --- calibration-in-the-large of one class among the finite logits ------------------


@pytest.mark.parametrize(
    ("y", "p"),
    [
        ([0, 0, 1, 1, 1], [0.0, 0.0, 0.3, 0.5, 0.7]),  # negatives only at p = 0
        ([1, 1, 0, 0, 0], [1.0, 1.0, 0.3, 0.5, 0.7]),  # positives only at p = 1
        ([0, 1, 1, 1, 1, 1], [0.0, 0.2, 0.2, 0.4, 0.6, 0.9]),
    ],
)
def test_calibration_in_the_large_of_one_class_among_finite_logits_is_nan(y, p):
    """The offset model ``logit P(y) = c + logit(p)`` fitted on the rows with
    0 < p < 1 has its maximum at c = +-inf when those rows hold one class.  With
    positives only, the fit stopped at c = 36.9 (the score ``sum y - sum sigma``
    rounded to 0) with a Wald interval of +-1e8, shown as an estimate."""
    y, p = np.asarray(y), np.asarray(p)
    inside = (p > 0) & (p < 1)
    assert np.unique(y[inside]).size == 1  # the premise: the MLE is infinite
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        report = skbce.calibration_report(y, p, n_bins=2, n_resamples=0)
    assert all(math.isnan(v) for v in report.calibration_in_the_large)
    note = "Calibration-in-the-large is nan: the predictions strictly between 0 and 1 hold one"
    assert any(str(w.message).startswith(note) for w in caught)
    assert any(n.startswith(note) for n in report.notes)


def test_subgroup_calibration_in_the_large_of_one_class_is_nan_with_a_note():
    rng = np.random.default_rng(20)
    n = 40
    p = rng.uniform(0.05, 0.95, n)
    y = (rng.uniform(size=n) < p).astype(int)
    groups = np.array(["a"] * (n - 6) + ["b"] * 6)
    y[-6:] = [0, 0, 1, 1, 1, 1]
    p[-6:] = [0.0, 0.0, 0.3, 0.4, 0.6, 0.8]
    report = _quiet_report(y, p, groups=groups, n_bins=3, n_resamples=0)
    row = report.subgroups[1]
    assert row.group == "b"
    assert math.isnan(row.calibration_in_the_large.estimate)
    assert any("Calibration-in-the-large is nan" in note for note in row.notes)


# --- subgroups against the group alone ---------------------------------------------------


def test_subgroup_n_samples_counts_zero_weight_rows_as_the_report_does():
    """A group's n_samples left out its zero-weight rows (the sort drops them)
    when it had at least 3 rows of positive weight, and counted them otherwise;
    the report's n_samples counts every row."""
    rng = np.random.default_rng(21)
    n = 40
    p = rng.uniform(size=n)
    y = (rng.uniform(size=n) < p).astype(int)
    y[:4] = [0, 1, 0, 1]
    groups = np.arange(n) % 2
    w = np.where(np.arange(n) % 4 < 2, 1.0, 0.0)  # half the rows of each group weigh 0
    w[:4] = 1.0
    w[-2:] = 0.0
    report = _quiet_report(y, p, sample_weight=w, groups=groups, n_bins=2, n_resamples=0)
    assert report.n_samples == n
    for row in report.subgroups:
        mask = groups == row.group
        assert row.n_samples == mask.sum()
        assert row.weight == pytest.approx(w[mask].sum())
        assert row.log_loss == pytest.approx(
            log_loss(y[mask], p[mask], sample_weight=w[mask]), rel=1e-9
        )


@pytest.mark.parametrize(
    ("groups", "what"),
    [
        ([1, "1"], "1 of type int among str"),
        ([2.5, "2.5"], "2.5 of type float among str"),
        ([True, "True"], "True of type bool among str"),
        ([b"a", "a"], "b'a' of type bytes among str"),
    ],
)
def test_labels_of_mixed_types_in_a_list_are_refused_not_merged(groups, what):
    """numpy writes [1, "1"] as text: the number 1 silently joined the group "1"
    (an object array of the same labels was refused as not comparable)."""
    n = 12
    rng = np.random.default_rng(22)
    p = rng.uniform(size=n)
    y = np.arange(n) % 2
    labels = list(groups) * (n // 2)
    with pytest.raises(ValueError, match=f"groups must hold labels of one comparable type.*{what}"):
        skbce.calibration_report(y, p, groups=labels, n_bins=2, n_resamples=0)
    with pytest.raises(ValueError, match="groups must hold labels of one comparable type"):
        skbce.calibration_report(
            y, p, groups=np.array(labels, dtype=object), n_bins=2, n_resamples=0
        )


def test_text_labels_in_a_list_still_make_groups():
    n = 12
    p = np.linspace(0.05, 0.95, n)
    y = np.arange(n) % 2
    report = _quiet_report(y, p, groups=["a", "b", "c"] * 4, n_bins=2, n_resamples=0)
    assert [row.group for row in report.subgroups] == ["a", "b", "c"]
    assert [row.n_samples for row in report.subgroups] == [4, 4, 4]


# --- multiclass: classes and outcomes present only in zero-weight rows ----------------------


def test_per_class_report_of_a_class_present_only_with_zero_weight_is_a_note():
    """per_class=True checked each class's presence by counting rows: a class whose
    rows all weigh 0 made the whole report fail with 'y_true holds a single class'
    (the report without per_class notes it)."""
    rng = np.random.default_rng(23)
    P = rng.dirichlet(np.ones(3), 12)
    y = np.arange(12) % 3
    w = np.where(y == 2, 0.0, 1.0)
    report = _quiet_report(y, P, sample_weight=w, n_bins=2, n_resamples=0, per_class=True)
    assert sorted(report.per_class) == [0, 1]
    assert "No one-vs-rest report for class 2: one class." in report.notes
    keep = w > 0
    for j in (0, 1):  # each one-vs-rest report is that of the rows of non-zero weight
        expected = log_loss(y[keep] == j, P[keep, j])
        assert report.per_class[j].log_loss == pytest.approx(expected, rel=1e-12)


def test_top_label_right_only_on_zero_weight_rows_gives_the_note_not_an_error():
    """The top-label check counted rows: correct predictions only on zero-weight rows
    raised 'y_true holds a single class' instead of the note of a top label never right."""
    P = np.array([[0.7, 0.2, 0.1]] * 6)
    y = np.array([0, 1, 2, 1, 2, 0])
    w = np.array([0.0, 1.0, 1.0, 1.0, 1.0, 0.0])
    report = _quiet_report(y, P, sample_weight=w, n_bins=2, n_resamples=0)
    assert any("top label is right for no sample" in note for note in report.notes)
    assert report.log_loss == pytest.approx(log_loss(y, P, sample_weight=w), rel=1e-12)
    assert report.ece == pytest.approx(0.7)  # confidence 0.7, accuracy 0 on every weighted row


# --- estimators whose scores are not finite ------------------------------------------------


def _classifier(kind):
    from sklearn.base import BaseEstimator, ClassifierMixin

    class NotFinite(ClassifierMixin, BaseEstimator):
        """predict_proba with a NaN row, or an infinite decision_function."""

        def __init__(self, kind="proba"):
            self.kind = kind

        def fit(self, X, y):
            self.classes_ = np.unique(y)
            return self

        def __getattr__(self, name):
            if name == "predict_proba" and self.kind == "proba":
                return self._proba
            if name == "decision_function" and self.kind == "decision":
                return self._decision
            raise AttributeError(name)

        def _proba(self, X):
            proba = np.full((len(X), 2), 0.5)
            proba[0] = np.nan
            return proba

        def _decision(self, X):
            return np.where(np.asarray(X)[:, 0] > 0, np.inf, -1.0)

    return NotFinite(kind)


@pytest.mark.parametrize(
    ("kind", "method"), [("proba", "predict_proba"), ("decision", "decision_function")]
)
@pytest.mark.parametrize("where", ["from_estimator", "cross_val"])
def test_scores_that_are_not_finite_are_refused_naming_the_method(kind, method, where):
    """An infinite decision_function was refused by from_estimator (as 'y_proba
    contains infinite logits', an argument the user did not pass) but silently
    became probabilities 0 and 1 in cross_val_calibration_report."""
    rng = np.random.default_rng(24)
    X = rng.normal(size=(30, 2))
    y = np.arange(30) % 2
    model = _classifier(kind).fit(X, y)
    kwargs = {"n_bins": 2, "n_resamples": 0}
    with pytest.raises(ValueError, match=f"estimator's {method} returned NaN or infinite"):
        if where == "from_estimator":
            skbce.CalibrationReport.from_estimator(model, X, y, **kwargs)
        else:
            skbce.cross_val_calibration_report(model, X, y, cv=3, **kwargs)


# --- the histogram of bins of tied predictions ----------------------------------------------


def _tied_quantile_report():
    """Quantile bins of 20 predictions tied at two values: edges [0.3, 0.3, 0.3, 0.6, 0.6, 0.6]."""
    return _quiet_report(
        [0, 1] * 10, [0.3] * 10 + [0.6] * 10, n_bins=5, strategy="quantile", n_resamples=0
    )


def _check_bars(lefts, widths, heights, report):
    """Area is count (per 1 / n_bins), every bar at least a tenth of a bin wide, inside [0, 1]."""
    rel = report.reliability
    unit = 1 / len(rel)
    np.testing.assert_allclose(np.asarray(heights) * np.asarray(widths), rel.count * unit)
    assert np.all(np.asarray(widths) >= unit / 10 - 1e-12)
    assert np.all(np.asarray(lefts) >= 0) and np.all(np.asarray(lefts) + widths <= 1 + 1e-12)
    shown = np.asarray(heights)[rel.count > 0]
    assert shown.max() / shown.min() <= 100  # was 3e11: the bin of 10 tied predictions


def test_plot_histogram_of_a_bin_of_tied_predictions_keeps_the_other_bars_visible():
    """A zero-width quantile bin (tied predictions) got the density count / 1e-12: a bar
    of 2e12 and a count axis up to 8e12, on which the other bins did not show."""
    pytest.importorskip("matplotlib")
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    report = _tied_quantile_report()
    assert report.reliability.count.tolist() == [10, 0, 10, 0, 0]
    try:
        display = report.plot()
        patches = display.hist_ax_.patches
        lefts = [b.get_x() for b in patches]
        _check_bars(
            lefts, [b.get_width() for b in patches], [b.get_height() for b in patches], report
        )
        assert display.hist_ax_.get_ylim()[1] <= 1000
    finally:
        plt.close("all")


def test_html_histogram_of_a_bin_of_tied_predictions_keeps_the_other_bars_visible():
    import re

    report = _tied_quantile_report()
    bars = re.findall(
        r'<rect class="histogram" x="[^"]+" y="[^"]+" width="([^"]+)" height="([^"]+)"',
        report.to_html(),
    )
    assert len(bars) == 2
    heights = [float(h) for _, h in bars]
    assert min(heights) >= 2  # pixels: the bin of (0.3, 0.6] shows


@pytest.mark.parametrize("strategy", ["uniform", "quantile", [0.0, 0.2, 0.5, 1.0]])
def test_subgroup_ece_uses_the_report_strategy(strategy):
    """Each group's ECE was on n_bins uniform bins whatever the strategy: a group
    holding every sample showed another ECE than the report (0.0346 against 0.0424
    with quantile bins), although a row is documented as a report of the group alone."""
    rng = np.random.default_rng(25)
    n = 120
    p = rng.uniform(size=n)
    y = (rng.uniform(size=n) < p**1.5).astype(int)
    groups = np.arange(n) % 2
    report = _quiet_report(y, p, groups=groups, n_bins=4, strategy=strategy, n_resamples=0)
    for row in report.subgroups:
        mask = groups == row.group
        pg, yg = p[mask], y[mask]
        if isinstance(strategy, str):
            edges = (
                np.linspace(0, 1, 5)
                if strategy == "uniform"
                else np.quantile(pg, np.linspace(0, 1, 5))
            )
        else:
            edges = np.asarray(strategy)
        idx = np.clip(np.searchsorted(edges[1:-1], pg, side="left"), 0, len(edges) - 2)
        ece = (
            sum(abs(pg[idx == b].sum() - yg[idx == b].sum()) for b in range(len(edges) - 1))
            / mask.sum()
        )
        assert row.ece == pytest.approx(ece, rel=1e-12)
    whole = _quiet_report(y, p, groups=np.zeros(n), n_bins=4, strategy=strategy, n_resamples=0)
    assert whole.subgroups[0].ece == pytest.approx(whole.ece, rel=1e-12)
