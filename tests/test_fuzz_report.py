"""Adversarial inputs of the report, streaming and scorer APIs (found by fuzzing)."""

import warnings

import numpy as np
import pandas as pd
import pytest

import skbce

RNG = np.random.default_rng(0)
N = 12
P = np.linspace(0.05, 0.95, N)
Y = np.array([0, 1] * (N // 2))


def _dates(n_missing):
    dates = pd.date_range("2024-01-01", periods=2).repeat(N // 2).to_numpy().copy()
    dates[:n_missing] = np.datetime64("NaT")
    return dates


@pytest.mark.parametrize("n_missing", [1, 3])
@pytest.mark.parametrize(
    "make",
    [
        pytest.param(lambda d: d, id="datetime64"),
        pytest.param(lambda d: d.astype("datetime64[D]"), id="datetime64[D]"),
        pytest.param(lambda d: pd.Series(d), id="Series of Timestamps"),
        pytest.param(lambda d: list(d), id="list of datetime64"),
        pytest.param(
            lambda d: pd.Series(np.where(pd.isna(d), None, "a"), dtype="string"), id="string NA"
        ),
        pytest.param(
            lambda d: pd.array(np.where(pd.isna(d), None, True), dtype="boolean"), id="boolean NA"
        ),
        pytest.param(lambda d: np.array(pd.Series(d).tolist(), dtype=object), id="object NaT"),
    ],
)
def test_missing_group_labels_of_any_kind_are_refused_and_counted(make, n_missing):
    """NaT became a group of its own (labelled None); pandas.NA failed as 'one comparable
    type, boolean value of NA is ambiguous' instead of naming the missing labels."""
    groups = make(_dates(n_missing))
    expected = int(pd.isna(pd.Series(groups)).sum())
    assert expected == n_missing
    with pytest.raises(ValueError, match=f"groups must not contain NaN.*got {expected} missing"):
        skbce.calibration_report(Y, P, groups=groups, n_bins=2, n_resamples=0)


def test_dates_without_missing_values_still_make_groups():
    groups = _dates(0)
    report = skbce.calibration_report(Y, P, groups=groups, n_bins=3, n_resamples=0)
    assert [row.n_samples for row in report.subgroups] == [N // 2, N // 2]


@pytest.mark.parametrize("labels", [["a", "b"], ["x", "y", "z"]])
def test_scorer_labels_of_another_type_are_named_in_the_error(labels):
    """The message blamed y_true and the estimator's classes, which agree, and left out
    the labels argument that did not."""
    from sklearn.linear_model import LogisticRegression

    X = RNG.normal(size=(N, 2))
    model = LogisticRegression().fit(X, Y)
    scorer = skbce.make_scorer("log_loss", labels=labels)
    with pytest.raises(ValueError, match=r"labels=\[" + repr(labels[0])):
        scorer(model, X, Y)


@pytest.mark.parametrize("ax", [5, "axes", [None]], ids=["int", "str", "list"])
@pytest.mark.parametrize("comparison", [False, True])
def test_plot_refuses_what_is_not_an_axes_naming_ax(ax, comparison):
    """A wrong ax crashed as AttributeError: 'int' object has no attribute 'errorbar'."""
    pytest.importorskip("matplotlib")
    import matplotlib.pyplot as plt

    report = skbce.calibration_report(Y, P, n_bins=3, n_resamples=0)
    target = skbce.compare_calibration({"a": report}) if comparison else report
    try:
        with pytest.raises(TypeError, match="ax must be a matplotlib Axes"):
            target.plot(ax=ax)
        figure, axes = plt.subplots()
        assert target.plot(ax=axes).ax_ is axes
    finally:
        plt.close("all")


@pytest.mark.parametrize("splitter", ["GroupKFold", "LeaveOneGroupOut", "StratifiedGroupKFold"])
def test_cross_val_report_gives_groups_to_group_splitters(splitter):
    """groups were not given to cv.split: group splitters failed with "The 'groups'
    parameter should not be None" although groups was passed."""
    from sklearn import model_selection
    from sklearn.linear_model import LogisticRegression
    from sklearn.metrics import log_loss

    rng = np.random.default_rng(1)
    X = rng.normal(size=(60, 2))
    y = (X[:, 0] + rng.normal(size=60) > 0).astype(int)
    groups = np.arange(60) % 4
    cv = getattr(model_selection, splitter)()
    if splitter != "LeaveOneGroupOut":
        cv.n_splits = 3
    report = skbce.cross_val_calibration_report(
        LogisticRegression(), X, y, cv=cv, groups=groups, n_bins=3, n_resamples=0
    )
    proba = model_selection.cross_val_predict(
        LogisticRegression(), X, y, cv=cv, groups=groups, method="predict_proba"
    )
    assert report.log_loss == pytest.approx(log_loss(y, proba), rel=1e-12)
    expected = [len(test) for _, test in cv.split(X, y, groups)]
    assert list(report.folds.n_samples) == expected


@pytest.mark.parametrize("per_class", ["no", None, 0, 1])
@pytest.mark.parametrize("where", ["calibration_report", "from_estimator", "cross_val"])
def test_per_class_must_be_a_bool(per_class, where):
    """per_class was read as truthy: per_class="no" gave one-vs-rest reports."""
    from sklearn.linear_model import LogisticRegression

    rng = np.random.default_rng(2)
    X = rng.normal(size=(30, 2))
    y = np.arange(30) % 3
    kwargs = {"per_class": per_class, "n_bins": 3, "n_resamples": 0}
    with pytest.raises(TypeError, match="per_class must be a bool"):
        if where == "calibration_report":
            skbce.calibration_report(y, rng.dirichlet([1, 1, 1], 30), **kwargs)
        elif where == "from_estimator":
            model = LogisticRegression().fit(X, y)
            skbce.CalibrationReport.from_estimator(model, X, y, **kwargs)
        else:
            skbce.cross_val_calibration_report(LogisticRegression(), X, y, cv=3, **kwargs)


def _exact_recalibrated_log_loss(y, p, w):
    """Weighted log loss of the PAV recalibration (ties pooled), in exact fractions."""
    import math
    from fractions import Fraction

    pooled = {}
    for yi, pi, wi in zip(y, p, w, strict=True):
        ones, zeros = pooled.setdefault(pi, [Fraction(0), Fraction(0)])
        pooled[pi] = [ones + Fraction(wi) * yi, zeros + Fraction(wi) * (1 - yi)]
    blocks = []
    for key in sorted(pooled):
        ones, zeros = pooled[key]
        if ones + zeros == 0:
            continue
        blocks.append([ones, zeros])
        while len(blocks) > 1:
            (a1, a0), (b1, b0) = blocks[-2], blocks[-1]
            if a1 * (b1 + b0) < b1 * (a1 + a0):  # increasing: no violation
                break
            blocks[-2:] = [[a1 + b1, a0 + b0]]

    def log(q):
        return math.log(q.numerator) - math.log(q.denominator)

    terms = [float(c) * log(c / (b1 + b0)) for b1, b0 in blocks for c in (b1, b0) if c]
    total = sum(b1 + b0 for b1, b0 in blocks)
    return -math.fsum(terms) / float(total)


@pytest.mark.filterwarnings("ignore:Calibration slope and intercept are nan")
@pytest.mark.parametrize("heavy", [1e16, 1e17, 1e20, 1e100, 1e200])
@pytest.mark.parametrize("seed", [0, 5, 8, 10, 11])
def test_corp_log_loss_decomposition_is_finite_for_dominant_weights(heavy, seed):
    """A PAV block whose negatives weigh < 1e-16 of it has a fitted value that rounds
    to 1: log(1 - fitted) made miscalibration and discrimination -inf, silently,
    also in their bootstrap intervals."""
    from sklearn.metrics import log_loss

    rng = np.random.default_rng(seed)
    n = 30
    p = rng.uniform(size=n)
    y = (rng.uniform(size=n) < p).astype(int)
    y[:2] = [0, 1]
    w = rng.choice([1.0, heavy], n)
    w[:2] = 1.0
    report = skbce.calibration_report(y, p, sample_weight=w, n_bins=5, n_resamples=20)
    d = report.decomposition["log_loss"]
    recalibrated = _exact_recalibrated_log_loss(y.tolist(), p.tolist(), w.tolist())
    score = log_loss(y, p, sample_weight=w / heavy)
    assert d.miscalibration == pytest.approx(score - recalibrated, rel=1e-9, abs=1e-12)
    assert d.discrimination == pytest.approx(d.uncertainty - recalibrated, rel=1e-9, abs=1e-12)
    rows = {row["statistic"]: row for row in report.intervals}
    for name in ("log_loss_miscalibration", "log_loss_discrimination"):
        assert np.isfinite(rows[name]["low"]) and np.isfinite(rows[name]["high"]), name


@pytest.mark.parametrize("label", ["c\nd", "c\r\nd", "c\td"])
def test_labels_with_line_breaks_keep_each_table_row_on_one_line(label):
    """A group or model name with a newline split its row of the text and Markdown
    tables across two lines (a broken Markdown table)."""
    rng = np.random.default_rng(3)
    n = 60
    p = rng.uniform(size=n)
    y = (rng.uniform(size=n) < p).astype(int)
    groups = np.array(["a", label, "e"])[np.arange(n) % 3]
    report = skbce.calibration_report(y, p, groups=groups, n_bins=3, n_resamples=0)
    shown = label.replace("\r", "\\r").replace("\n", "\\n").replace("\t", "\\t")
    texts = {
        "markdown": report.to_markdown(),
        "text": str(report),
        "comparison markdown": skbce.compare_calibration({label: report}).to_markdown(),
        "comparison text": str(skbce.compare_calibration({label: report})),
    }
    for kind, text in texts.items():
        lines = text.splitlines()
        assert not any(line.rstrip().endswith(("c", "| c")) for line in lines), kind
        assert any(shown in line for line in lines), kind
        if "markdown" in kind:  # every table row has the columns of its header
            rows = [line for line in lines if line.startswith("|")]
            for row in rows:
                assert row.endswith("|"), (kind, row)


@pytest.mark.parametrize("right", ["every", "no"])
def test_multiclass_top_label_always_or_never_right_is_in_the_notes(right):
    """Its warning was given but left out of report.notes (which keeps every other)."""
    y = np.array([0, 1, 2, 0, 1, 2])
    correct = np.eye(3)[y] * 0.7 + 0.1
    proba = correct if right == "every" else np.roll(correct, 1, axis=1)
    assert np.mean(np.argmax(proba, axis=1) == y) == (1.0 if right == "every" else 0.0)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        report = skbce.calibration_report(y, proba, n_bins=2, n_resamples=0)
    messages = {str(w.message) for w in caught}
    assert any(f"top label is right for {right} sample" in m for m in messages)
    assert messages <= set(report.notes)


class _ColumnsOff:
    """A classifier whose predict_proba drops or adds a column (or an OvO SVC)."""

    @staticmethod
    def make(kind):
        from sklearn.base import BaseEstimator, ClassifierMixin
        from sklearn.linear_model import LogisticRegression

        class ColumnsOff(ClassifierMixin, BaseEstimator):
            def __init__(self, kind="drop"):
                self.kind = kind

            def fit(self, X, y):
                self.model_ = LogisticRegression().fit(X, y)
                self.classes_ = self.model_.classes_
                return self

            def predict(self, X):
                return self.model_.predict(X)

            def predict_proba(self, X):
                proba = self.model_.predict_proba(X)
                if self.kind == "drop":
                    return proba[:, 1:]
                return np.column_stack([proba, np.zeros(len(proba))])

        return ColumnsOff(kind)


@pytest.mark.parametrize("n_classes", [2, 3])
@pytest.mark.parametrize("kind", ["drop", "add", "ovo"])
@pytest.mark.parametrize("where", ["from_estimator", "cross_val"])
def test_predictions_that_do_not_fit_the_classes_are_refused(kind, n_classes, where):
    """A column too few crashed with IndexError; a column too many (or the
    n * (n - 1) / 2 columns of a one-vs-one SVC) was silently cut to the first ones."""
    from sklearn.svm import SVC

    rng = np.random.default_rng(4)
    X = rng.normal(size=(48, 2))
    n_classes = 4 if kind == "ovo" else n_classes
    y = np.arange(48) % n_classes
    if kind == "ovo":
        model = SVC(decision_function_shape="ovo", break_ties=False)
    else:
        model = _ColumnsOff.make(kind)
    kwargs = {"n_bins": 3, "n_resamples": 0}
    match = "one column per pair of classes" if kind == "ovo" else "does not match the classifier"
    with pytest.raises(ValueError, match=match):
        if where == "from_estimator":
            skbce.CalibrationReport.from_estimator(model.fit(X, y), X, y, **kwargs)
        else:
            skbce.cross_val_calibration_report(model, X, y, cv=2, **kwargs)


def test_multiclass_report_of_one_class_gives_nan_scores_with_notes():
    """With labels, y_true of one class gave D2 = -8e15 and NCE = 8e15 (the clipped
    loss of the one-hot prior, 2e-16, as the entropy), and a NaN ROC AUC, all without
    a note; skbce.d2_log_loss_score refuses one class."""
    rng = np.random.default_rng(5)
    proba = rng.dirichlet(np.ones(3), 12)
    y = np.zeros(12, dtype=int)
    with pytest.raises(ValueError, match="one class"):
        skbce.d2_log_loss_score(y, proba)
    with warnings.catch_warnings(record=True):
        warnings.simplefilter("always")
        report = skbce.calibration_report(y, proba, labels=[0, 1, 2], n_bins=2, n_resamples=0)
    assert np.isnan(report.d2_log_loss_score)
    assert np.isnan(report.normalized_cross_entropy)
    assert np.isnan(report.roc_auc)
    notes = " ".join(report.notes)
    assert "ROC AUC is nan" in notes and "D2 log loss score and NCE are nan" in notes
    stream = skbce.StreamingLogLoss(labels=[0, 1, 2]).update(y, proba)
    with pytest.raises(ValueError, match="single class"):
        stream.normalized_cross_entropy()


def test_macro_auc_of_data_lacking_a_class_is_noted():
    """The macro ROC AUC silently averaged fewer classes than the model's."""
    from sklearn.metrics import roc_auc_score

    rng = np.random.default_rng(6)
    proba = rng.dirichlet(np.ones(3), 40)
    y = np.arange(40) % 2
    report = skbce.calibration_report(y, proba, labels=[0, 1, 2], n_bins=4, n_resamples=0)
    expected = np.mean([roc_auc_score(y == j, proba[:, j]) for j in (0, 1)])
    assert report.roc_auc == pytest.approx(expected, rel=1e-12)
    assert any("mean one-vs-rest AUC of the 2 classes" in note for note in report.notes)


def test_cross_val_multiclass_fold_of_one_class_notes_its_auc():
    """A multiclass test fold of one class had a NaN ROC AUC and no problem listed
    (binary folds had one)."""
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import KFold

    rng = np.random.default_rng(7)
    X = rng.normal(size=(60, 2))
    y = np.r_[np.zeros(20, dtype=int), np.arange(40) % 3]
    report = skbce.cross_val_calibration_report(
        LogisticRegression(), X, y, cv=KFold(3), n_bins=3, n_resamples=0
    )
    assert np.isnan(report.folds.roc_auc[0]) and not np.isnan(report.folds.roc_auc[1])
    assert any(p.startswith("fold 0: ROC AUC is nan") for p in report.problems)


@pytest.mark.parametrize(
    "reports, match",
    [({}, "non-empty dict"), ({"a": 1}, "must be a CalibrationReport"), ([], "non-empty dict")],
)
@pytest.mark.parametrize("build", ["compare_calibration", "CalibrationComparison"])
def test_comparison_built_directly_checks_its_reports(reports, match, build):
    """CalibrationComparison({}) crashed with IndexError and {"a": 1} with AttributeError;
    only compare_calibration checked its argument."""
    with pytest.raises(ValueError, match=f"reports.*{match}"):
        getattr(skbce, build)(reports)


@pytest.mark.parametrize("labels", [(0, 1), ("a", "b"), (False, True), (-1, 1)])
@pytest.mark.parametrize("positive", [0, 1])
@pytest.mark.parametrize("matrix", [False, True])
def test_binary_baseline_priors_follow_the_sorted_classes(labels, positive, matrix):
    """Two class priors were read as [negative, positive] whatever pos_label: with the
    smaller label positive, the NCE was normalized by the other class's prior."""
    from sklearn.metrics import log_loss

    rng = np.random.default_rng(8)
    p1 = rng.uniform(0.05, 0.95, 40)  # probability of the greater label
    codes = (rng.uniform(size=40) < p1).astype(int)
    codes[:2] = [0, 1]
    y = np.array(labels, dtype=object)[codes]
    if isinstance(labels[0], str | bool):
        y = y.astype(type(labels[0]))
    else:
        y = y.astype(int)
    priors = [0.2, 0.8]  # of the sorted labels
    proba = np.column_stack([1 - p1, p1]) if matrix else (p1 if positive else 1 - p1)
    report = skbce.calibration_report(
        y, proba, pos_label=labels[positive], baseline=priors, n_bins=3, n_resamples=0
    )
    rate = np.mean(codes == positive)
    b = priors[positive]
    baseline_loss = -(rate * np.log(b) + (1 - rate) * np.log(1 - b))
    expected = log_loss(codes, p1) / baseline_loss
    assert report.baseline == pytest.approx(b)
    assert report.normalized_cross_entropy == pytest.approx(expected, rel=1e-12)


@pytest.mark.parametrize("positive", [0, 1])
@pytest.mark.parametrize("priors", [[0.2, 0.8], [0.6, 0.4]])
def test_scorer_baseline_priors_follow_the_sorted_classes(positive, priors):
    """The scorer binarizes y to the positive class, then the metric read the second
    prior as the positive's: wrong with pos_label the smaller label."""
    from sklearn.linear_model import LogisticRegression
    from sklearn.metrics import log_loss

    rng = np.random.default_rng(9)
    X = rng.normal(size=(50, 2))
    y = np.where(X[:, 0] + rng.normal(size=50) > 0, "b", "a")
    model = LogisticRegression().fit(X, y)
    label = ["a", "b"][positive]
    scorer = skbce.make_scorer("normalized_cross_entropy", baseline=priors, pos_label=label)
    hits = y == label
    p = model.predict_proba(X)[:, positive]
    rate, b = hits.mean(), priors[positive]
    expected = log_loss(hits, p) / -(rate * np.log(b) + (1 - rate) * np.log(1 - b))
    assert -scorer(model, X, y) == pytest.approx(expected, rel=1e-12)


@pytest.mark.parametrize("positive", [0, 1])
@pytest.mark.parametrize("labels", [(0, 1), ("a", "b")])
def test_streaming_nce_baseline_priors_follow_the_sorted_classes(positive, labels):
    """StreamingLogLoss(pos_label=<smaller label>) read two priors as [negative, positive]."""
    from sklearn.metrics import log_loss

    rng = np.random.default_rng(10)
    p1 = rng.uniform(0.05, 0.95, 40)
    codes = (rng.uniform(size=40) < p1).astype(int)
    y = np.array(labels)[codes]
    priors = [0.25, 0.75]
    state = skbce.StreamingLogLoss(pos_label=labels[positive])
    state.update(y, p1 if positive else 1 - p1)
    rate, b = np.mean(codes == positive), priors[positive]
    expected = log_loss(codes, p1) / -(rate * np.log(b) + (1 - rate) * np.log(1 - b))
    assert state.normalized_cross_entropy(baseline=priors) == pytest.approx(expected, rel=1e-12)


def test_cross_val_report_groups_with_a_splitter_that_ignores_them_do_not_warn():
    """Passing groups to every splitter made StratifiedKFold warn that it ignores them."""
    from sklearn.linear_model import LogisticRegression

    rng = np.random.default_rng(11)
    X = rng.normal(size=(60, 2))
    y = (X[:, 0] + rng.normal(size=60) > 0).astype(int)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        report = skbce.cross_val_calibration_report(
            LogisticRegression(), X, y, cv=3, groups=np.arange(60) % 2, n_bins=3, n_resamples=0
        )
    assert [row.n_samples for row in report.subgroups] == [30, 30]


@pytest.mark.parametrize(("option", "value"), [("title", None), ("title", 3), ("subtitle", 1.5)])
def test_comparison_page_title_and_subtitle_must_be_text(option, value):
    y, p = [0, 1, 1, 0, 1, 0, 0, 1] * 10, [0.3, 0.7, 0.6, 0.4, 0.2, 0.8, 0.5, 0.5] * 10
    comparison = skbce.compare_calibration({"a": skbce.calibration_report(y, p, n_resamples=0)})
    with pytest.raises(TypeError, match=f"{option} must be a str"):
        comparison.to_html(**{option: value})


@pytest.mark.parametrize("k", [2, 3])
def test_rows_not_summing_to_one_warn_and_are_kept_in_the_notes(k):
    """scikit-learn's log_loss warns about such rows; the report said nothing."""
    from sklearn.metrics import log_loss as sk_log_loss

    rng = np.random.default_rng(11)
    P = rng.dirichlet(np.ones(k), 300) * 0.9
    y = rng.integers(0, k, 300)
    with pytest.warns(UserWarning, match="do not sum to one") as caught:
        sk_log_loss(y, P)
    with pytest.warns(UserWarning, match="do not sum to one"):
        report = skbce.calibration_report(y, P, n_resamples=0)
    assert any("do not sum to one" in note for note in report.notes)
    assert len(caught) >= 1
