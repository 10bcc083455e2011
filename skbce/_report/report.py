"""The calibration report: numbers from :mod:`skbce._calibration.statistics`, rendered.

:func:`calibration_report` validates its inputs once, hands sorted arrays to
:func:`skbce._calibration.statistics.binary_statistics` and wraps the numbers in a
:class:`CalibrationReport`, which renders them as text, Markdown, HTML, a
dict or a pandas DataFrame and draws the reliability diagram.  Renderers
never compute statistics.
"""

import html
import math
import numbers
import warnings
from typing import NamedTuple

import numpy as np

from skbce._calibration import statistics as _cal
from skbce._utils.options import (
    check_baseline,
    check_confidence_level,
    check_n_bins,
    check_strategy,
)
from skbce._utils.validation import validate_binary, validate_multiclass

__all__ = [
    "CalibrationComparison",
    "CalibrationReport",
    "Table",
    "calibration_report",
    "compare_calibration",
    "cross_val_calibration_report",
]


# --- small helpers ------------------------------------------------------------


def _import_pyplot():
    try:
        with warnings.catch_warnings():
            # old matplotlib with new pyparsing warns at import time
            warnings.simplefilter("ignore", DeprecationWarning)
            import matplotlib.pyplot as plt
    except ImportError as exc:
        msg = (
            "Plotting needs matplotlib, which is not installed. Install it with "
            "`pip install matplotlib` (or `pip install skbce[plot]`)."
        )
        raise ImportError(msg) from exc
    return plt


def _import_pandas(what):
    try:
        import pandas as pd
    except ImportError as exc:
        msg = (
            f"{what} needs pandas, which is not installed. Install it with "
            "`pip install pandas` (or `pip install skbce[pandas]`)."
        )
        raise ImportError(msg) from exc
    return pd


def _py(value):
    """A JSON-serialisable Python value: NaN and infinities become None."""
    if isinstance(value, dict):
        return {str(k): _py(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        if hasattr(value, "_asdict"):
            return _py(value._asdict())
        return [_py(v) for v in value]
    if isinstance(value, np.ndarray):
        return [_py(v) for v in value.tolist()]
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, bool | int | str) or value is None:
        return value
    return str(value)


def _fmt(value, digits=4):
    """A number for people: NaN as 'nan', integers with separators."""
    if value is None:
        return "-"
    if isinstance(value, numbers.Integral) and not isinstance(value, bool):
        return f"{int(value):,}"
    value = float(value)
    if math.isnan(value):
        return "nan"
    if math.isinf(value):
        return "inf" if value > 0 else "-inf"
    if value != 0 and (abs(value) < 10 ** -(digits - 1) or abs(value) >= 1e6):
        return f"{value:.{digits - 1}e}"
    return f"{value:.{digits}f}"


def _p_equals(p):
    """``"p = 0.012"``; ``"p < 1e-16"`` below what a double resolves near 1."""
    if p is None or math.isnan(p):
        return "p = nan"
    if p < 1e-16:
        return "p < 1e-16"
    return f"p = {p:.3g}" if p < 0.001 else f"p = {p:.3f}"


def _align(rows, right=()):
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


def _md_table(header, rows):
    def esc(c):
        return str(c).replace("|", "\\|")

    out = ["| " + " | ".join(esc(h) for h in header) + " |"]
    out.append("|" + "|".join("---" for _ in header) + "|")
    out += ["| " + " | ".join(esc(c) for c in r) + " |" for r in rows]
    return "\n".join(out)


def _html_table(header, rows, caption=None):
    e = html.escape
    parts = ["<table>"]
    if caption:
        parts.append(f"<caption>{e(caption)}</caption>")
    parts.append("<thead><tr>" + "".join(f"<th>{e(str(h))}</th>" for h in header))
    parts.append("</tr></thead><tbody>")
    for r in rows:
        parts.append("<tr>" + "".join(f"<td>{e(str(c))}</td>" for c in r) + "</tr>")
    parts.append("</tbody></table>")
    return "".join(parts)


# --- tables -------------------------------------------------------------------


class Table:
    """A light column table: named numpy arrays of equal length.

    Columns are attributes (``table.count``) and items (``table["count"]``).

    Parameters
    ----------
    columns : dict of str to array-like
        The columns, in order.

    Examples
    --------
    >>> from skbce._report.report import Table
    >>> t = Table({"a": [1, 2], "b": [0.5, 0.25]})
    >>> t.b
    array([0.5 , 0.25])
    >>> len(t), t.columns
    (2, ('a', 'b'))
    """

    def __init__(self, columns):
        self._data = {str(k): np.asarray(v) for k, v in columns.items()}
        lengths = {v.shape[0] for v in self._data.values()}
        if len(lengths) > 1:
            msg = f"Table columns must have equal lengths, got {sorted(lengths)}."
            raise ValueError(msg)

    @property
    def columns(self):
        """Names of the columns, in order."""
        return tuple(self._data)

    def __getattr__(self, name):
        data = self.__dict__.get("_data", {})
        if name in data:
            return data[name]
        raise AttributeError(name)

    def __getitem__(self, name):
        return self._data[name]

    def __len__(self):
        return next(iter(self._data.values())).shape[0] if self._data else 0

    def __iter__(self):
        """Rows as dicts."""
        for i in range(len(self)):
            yield {k: v[i].item() if hasattr(v[i], "item") else v[i] for k, v in self._data.items()}

    def to_dict(self):
        """Columns as lists (NaN as None): JSON-serialisable."""
        return {k: _py(v) for k, v in self._data.items()}

    def to_frame(self):
        """The table as a :class:`pandas.DataFrame` (pandas is imported here)."""
        pd = _import_pandas("Table.to_frame")
        return pd.DataFrame(dict(self._data))

    def _rows(self):
        rows = []
        for row in self:
            rows.append(
                [_fmt(v) if isinstance(v, numbers.Number) else str(v) for v in row.values()]
            )
        return rows

    def __repr__(self):
        if not self._data:
            return "Table()"
        rows = [list(self.columns), *self._rows()]
        return "\n".join(_align(rows, right=range(len(self.columns))))

    def to_markdown(self):
        """The table in Markdown."""
        return _md_table(self.columns, self._rows())

    def _repr_html_(self):
        return _html_table(self.columns, self._rows())


# --- the report -----------------------------------------------------------------

_SCORE_NAMES = (
    ("log_loss", "log loss"),
    ("brier_score", "Brier score"),
    ("normalized_cross_entropy", "normalized cross-entropy"),
    ("d2_log_loss_score", "D2 log loss score"),
    ("roc_auc", "ROC AUC"),
    ("base_rate", "base rate"),
    ("mean_prediction", "mean prediction"),
    ("observed_expected_ratio", "observed/expected"),
)

_ERROR_NAMES = (
    ("ece", "ECE"),
    ("mce", "MCE"),
    ("rmsce", "RMSCE"),
    ("adaptive_ece", "adaptive ECE"),
    ("smooth_ece", "smooth ECE"),
)

_RELIABILITY_COLUMNS = (
    "bin_lower",
    "bin_upper",
    "count",
    "weight",
    "mean_predicted",
    "observed",
    "ci_low",
    "ci_high",
    "gap",
    "empty",
)


class CalibrationReport:
    """How far predicted probabilities can be trusted: scores, errors, tests.

    Built by :func:`calibration_report`, :meth:`from_estimator` or
    :func:`cross_val_calibration_report`; every number is an attribute.

    Attributes
    ----------
    task : {"binary", "multiclass"}
        Kind of data.
    convention : str
        What is calibrated: ``"positive class"`` (binary: the probability of
        ``pos_label``) or ``"top label"`` (multiclass: the largest
        probability against whether its class is the true one).
    classes : ndarray
        Class labels (binary: negative then positive).
    pos_label : object
        The positive class (binary) or None.
    n_samples : int
        Number of samples.
    total_weight : float
        Sum of the sample weights (``n_samples`` when unweighted).
    log_loss, brier_score : float
        Mean log loss (probabilities clipped to ``[eps, 1 - eps]`` with ``eps``
        the float64 machine epsilon, as scikit-learn) and Brier score
        (multiclass: summed over classes, in ``[0, 2]``, as scikit-learn).
        Lower is better.
    normalized_cross_entropy : float
        ``log_loss / nce_baseline``; below 1 beats the constant prediction.
    nce_baseline : float
        Log loss of always predicting ``baseline`` (by default the base rate,
        then the entropy of the labels).
    baseline : float or ndarray
        The rate (or class priors) of that constant prediction.
    d2_log_loss_score : float
        ``1 - log_loss / entropy of the labels``, as
        :func:`sklearn.metrics.d2_log_loss_score`.  Higher is better.
    roc_auc : float
        ROC AUC, ties counted half (multiclass: macro one-vs-rest).
    base_rate, mean_prediction : float or ndarray
        Weighted frequency of the positive class and mean predicted
        probability (multiclass: per class).
    observed_expected_ratio : float
        ``sum(w * y) / sum(w * p)`` (O/E); 1 when calibrated in the large
        (multiclass: accuracy over mean confidence).
    reliability : Table
        One row per bin: ``bin_lower``, ``bin_upper``, ``count`` (rows of
        non-zero weight),
        ``weight``, ``mean_predicted``, ``observed``, ``ci_low``, ``ci_high``
        (Wilson interval), ``gap`` (``mean_predicted - observed``) and
        ``empty``.  Bins are ``[e0, e1], (e1, e2], ..., (e_{k-1}, e_k]``, as in
        :func:`sklearn.calibration.calibration_curve`; empty bins are kept
        with NaN values.
    ece, mce, rmsce : float
        Weighted mean, maximum and root mean square of ``|gap|`` over the
        non-empty bins of the table.
    adaptive_ece : float
        ECE on ``n_bins`` bins of equal weight (edges in ``adaptive_edges``).
    smooth_ece : float
        Kernel-smoothed ECE with the fixed-point bandwidth
        ``smooth_ece_bandwidth`` (Blasiok & Nakkiran 2023).
    smooth_curve : SmoothCurve
        The smoothed reliability curve at that bandwidth.
    hosmer_lemeshow : HosmerLemeshowResult
        ``statistic``, ``pvalue``, ``dof``: chi-squared over the ``n_bins``
        equal-weight groups, ``dof = groups - 2``.
    spiegelhalter : SpiegelhalterResult
        ``statistic`` (z) and two-sided ``pvalue``.
    calibration_slope, calibration_intercept : Estimate
        ``estimate``, ``low``, ``high`` of ``b`` and ``a`` in the logistic
        recalibration ``logit P(y = 1) = a + b logit(p)`` (Cox), with Wald
        intervals.  Calibrated: slope 1, intercept 0.
    calibration_in_the_large : Estimate
        ``c`` in ``logit P(y = 1) = c + logit(p)`` (slope fixed at 1).
    decomposition : dict
        ``"log_loss"`` and ``"brier_score"`` to :class:`Decomposition`
        (``miscalibration``, ``discrimination``, ``uncertainty``, ``score``),
        the CORP decomposition ``score = MCB - DSC + UNC`` (multiclass: of
        the top-label problem).
    recalibration : Recalibration
        The isotonic (PAV) recalibration behind the decomposition.
    per_class : dict or None
        One-vs-rest binary reports per class (multiclass, on request).
    folds : Table or None
        Per-fold scores (cross-validated reports).
    problems : list of str
        Problems found in the folds (cross-validated reports).
    notes : list of str
        Why a number is NaN, from the warnings given while computing.
    n_bins, strategy, confidence_level : object
        The settings.
    """

    def __init__(self, stats, *, settings, task="binary", classes=None, pos_label=None):
        self.task = task
        self.classes = classes
        self.pos_label = pos_label
        self.convention = "positive class" if task == "binary" else "top label"
        self.n_bins = settings["n_bins"]
        self.strategy = settings["strategy"]
        self.confidence_level = settings["confidence_level"]
        self.per_class = None
        self.folds = None
        self.problems = []
        self.notes = []
        rel = dict(stats.pop("reliability"))
        with np.errstate(invalid="ignore"):
            rel["gap"] = rel["mean_predicted"] - rel["observed"]
        rel["empty"] = rel["weight"] == 0
        self.reliability = Table({k: rel[k] for k in _RELIABILITY_COLUMNS})
        for key, value in stats.items():
            setattr(self, key, value)

    # -- construction from an estimator ----------------------------------------

    @classmethod
    def from_estimator(
        cls,
        estimator,
        X,
        y,
        *,
        sample_weight=None,
        pos_label=None,
        response_method="auto",
        n_bins=10,
        strategy="uniform",
        confidence_level=0.95,
        baseline=None,
        per_class=False,
    ):
        """Report on the predictions of a fitted classifier.

        Parameters
        ----------
        estimator : fitted classifier
            Uses ``predict_proba``, or ``decision_function`` as logits.
        X : array-like of shape (n_samples, n_features)
            Input data.
        y : array-like of shape (n_samples,)
            True labels.
        sample_weight : array-like of shape (n_samples,), default=None
            Sample weights.
        pos_label : int, float, bool or str, default=None
            The positive class (binary); default ``estimator.classes_[1]``.
        response_method : {"auto", "predict_proba", "decision_function"}, \
default="auto"
            ``"auto"`` tries ``predict_proba`` first.
        n_bins, strategy, confidence_level, baseline, per_class
            As in :func:`calibration_report`.

        Returns
        -------
        report : CalibrationReport

        Examples
        --------
        >>> from sklearn.datasets import make_classification
        >>> from sklearn.linear_model import LogisticRegression
        >>> from skbce import CalibrationReport
        >>> X, y = make_classification(n_samples=500, random_state=0)
        >>> clf = LogisticRegression().fit(X, y)
        >>> report = CalibrationReport.from_estimator(clf, X, y)
        >>> round(report.roc_auc, 2)
        0.91
        """
        y_proba, from_logits, labels = _response(estimator, X, response_method)
        if from_logits and y_proba.ndim == 1 and labels is not None and pos_label is not None:
            if _index_of(labels, pos_label) == 0:
                y_proba = -y_proba  # the decision function is the logit of classes_[1]
        return _report(
            y,
            y_proba,
            sample_weight=sample_weight,
            pos_label=pos_label,
            from_logits=from_logits,
            n_bins=n_bins,
            strategy=strategy,
            confidence_level=confidence_level,
            baseline=baseline,
            per_class=per_class,
            labels=labels,
        )

    # -- renderings ---------------------------------------------------------------

    def _header(self):
        if self.task == "binary":
            what = f"binary, calibration of P(y = {self.pos_label!r}) (positive class)"
        else:
            what = (
                f"multiclass ({len(self.classes)} classes), calibration of the top "
                "label: confidence = largest probability, correct = its class is "
                "the true one"
            )
        weight = ""
        if self.total_weight != self.n_samples:
            weight = f", total weight {_fmt(self.total_weight)}"
        return f"Calibration report: {what}", f"n = {self.n_samples:,} samples{weight}"

    def _score_rows(self):
        rows = []
        for key, label in _SCORE_NAMES:
            value = getattr(self, key)
            if np.ndim(value):
                text = ", ".join(_fmt(v) for v in np.asarray(value))
                note = "per class"
            else:
                text, note = _fmt(value), ""
            if key == "normalized_cross_entropy":
                note = f"baseline log loss {_fmt(self.nce_baseline)}"
            elif key == "observed_expected_ratio":
                note = "sum y / sum p" if self.task == "binary" else "accuracy / confidence"
            rows.append([label, text, note])
        return rows

    def _strategy_text(self):
        if isinstance(self.strategy, str):
            return f"{len(self.reliability)} {self.strategy} bins"
        return f"{len(self.reliability)} bins with given edges"

    def _error_rows(self):
        rows = []
        for key, label in _ERROR_NAMES:
            note = ""
            if key in ("ece", "mce", "rmsce"):
                note = self._strategy_text()
            elif key == "adaptive_ece":
                note = f"{self.n_bins} equal-weight bins"
            elif key == "smooth_ece":
                note = f"bandwidth {_fmt(self.smooth_ece_bandwidth)}"
            rows.append([label, _fmt(getattr(self, key)), note])
        return rows

    def _test_rows(self):
        level = f"{100 * self.confidence_level:g}%"
        hl, sp = self.hosmer_lemeshow, self.spiegelhalter
        rows = [
            [
                "Hosmer-Lemeshow",
                f"chi2 = {_fmt(hl.statistic)}, dof = {hl.dof}",
                _p_equals(hl.pvalue),
                f"{self.n_bins} equal-weight groups, dof = groups - 2",
            ],
            ["Spiegelhalter", f"z = {_fmt(sp.statistic)}", _p_equals(sp.pvalue), ""],
        ]
        for key, label, note in (
            ("calibration_slope", "calibration slope", f"Cox, {level} Wald CI; 1 is ideal"),
            ("calibration_intercept", "calibration intercept", "Cox; 0 is ideal"),
            ("calibration_in_the_large", "calibration-in-the-large", "slope fixed at 1"),
        ):
            est = getattr(self, key)
            rows.append([label, _fmt(est.estimate), f"[{_fmt(est.low)}, {_fmt(est.high)}]", note])
        return rows

    def _decomposition_rows(self):
        rows = []
        for key, label in (("log_loss", "log loss"), ("brier_score", "Brier score")):
            d = self.decomposition[key]
            rows.append(
                [
                    label,
                    _fmt(d.score),
                    _fmt(d.miscalibration),
                    _fmt(d.discrimination),
                    _fmt(d.uncertainty),
                ]
            )
        return rows

    def _reliability_rows(self):
        rel = self.reliability
        rows = []
        for i, row in enumerate(rel):
            left = "[" if i == 0 else "("
            bin_text = f"{left}{row['bin_lower']:.3g}, {row['bin_upper']:.3g}]"
            if row["empty"]:
                rows.append([bin_text, "0", "0", "-", "-", "empty", "-"])
                continue
            rows.append(
                [
                    bin_text,
                    f"{row['count']:,}",
                    _fmt(row["weight"])
                    if self.total_weight != self.n_samples
                    else f"{row['count']:,}",
                    _fmt(row["mean_predicted"]),
                    _fmt(row["observed"]),
                    f"[{_fmt(row['ci_low'], 3)}, {_fmt(row['ci_high'], 3)}]",
                    _fmt(row["gap"]),
                ]
            )
        return rows

    def _sections(self):
        """(title, header, rows) of every section, shared by the renderers."""
        level = f"{100 * self.confidence_level:g}%"
        top = " (top-label problem)" if self.task == "multiclass" else ""
        sections = [
            ("Scores", None, self._score_rows()),
            ("Calibration errors", None, self._error_rows()),
            ("Tests", None, self._test_rows()),
            (
                f"CORP decomposition{top}: score = miscalibration - discrimination + uncertainty",
                ["", "score", "miscalibration", "discrimination", "uncertainty"],
                self._decomposition_rows(),
            ),
            (
                f"Reliability ({self._strategy_text()}; {level} Wilson intervals; "
                "gap = predicted - observed)",
                ["bin", "count", "weight", "predicted", "observed", f"{level} CI", "gap"],
                self._reliability_rows(),
            ),
        ]
        if self.folds is not None:
            cols = self.folds.columns
            sections.append(("Folds", list(cols), self.folds._rows()))
        notes = [*self.problems, *self.notes]
        if notes:
            sections.append(("Notes", None, [[f"- {p}"] for p in notes]))
        return sections

    def __str__(self):
        title, sub = self._header()
        lines = [title, sub]
        for name, header, rows in self._sections():
            lines += ["", name]
            if not rows:
                continue
            if header is None:
                lines += ["  " + line for line in _align(rows)]
            else:
                lines += [
                    "  " + line for line in _align([header, *rows], right=range(1, len(header)))
                ]
        return "\n".join(lines)

    def __repr__(self):
        return (
            f"<CalibrationReport {self.task}, n={self.n_samples}, "
            f"log_loss={_fmt(self.log_loss)}, ece={_fmt(self.ece)}, "
            f"smooth_ece={_fmt(self.smooth_ece)}>"
        )

    def to_markdown(self):
        """The report in Markdown (headings and tables).

        Returns
        -------
        text : str

        Examples
        --------
        >>> from skbce import calibration_report
        >>> report = calibration_report([0, 1, 1, 0, 1, 0], [0.2, 0.8, 0.35, 0.3, 0.7, 0.4],
        ...                             n_bins=3)
        >>> print(report.to_markdown().splitlines()[0])
        ### Calibration report: binary, calibration of P(y = 1) (positive class)
        """
        title, sub = self._header()
        parts = [f"### {title}", "", sub]
        for name, header, rows in self._sections():
            parts += ["", f"#### {name}", ""]
            if name == "Notes":
                parts += [r[0] for r in rows]
            elif header is None:
                width = max(len(r) for r in rows)
                parts.append(_md_table(["", "value", *[""] * (width - 2)], rows))
            else:
                parts.append(_md_table(header, rows))
        return "\n".join(parts)

    def _repr_html_(self):
        title, sub = self._header()
        e = html.escape
        parts = [f"<div><h4>{e(title)}</h4><p>{e(sub)}</p>"]
        for name, header, rows in self._sections():
            if name == "Notes":
                parts.append(f"<h5>{e(name)}</h5><ul>")
                parts += [f"<li>{e(r[0][2:])}</li>" for r in rows]
                parts.append("</ul>")
                continue
            if header is None:
                width = max(len(r) for r in rows)
                header = ["", "value", *[""] * (width - 2)]
            parts.append(f"<h5>{e(name)}</h5>")
            parts.append(_html_table(header, rows))
        parts.append("</div>")
        return "".join(parts)

    def to_html(self, path=None):
        """The report as one self-contained HTML page, with an SVG reliability diagram.

        No external file, no network, no JavaScript; user-supplied text
        (class labels) is escaped.

        Parameters
        ----------
        path : str or path-like, default=None
            Where to write the page (UTF-8); None only returns it.

        Returns
        -------
        html : str
            The page.

        Examples
        --------
        >>> from skbce import calibration_report
        >>> report = calibration_report([0, 1, 1, 0, 1, 0], [0.2, 0.8, 0.35, 0.3, 0.7, 0.4],
        ...                             n_bins=3)
        >>> report.to_html().startswith("<!DOCTYPE html>")
        True
        """
        from skbce._render.html import report_page

        return report_page(self, path)

    def to_dict(self):
        """All numbers as a JSON-serialisable dict (NaN and infinity as None).

        Keys: ``task``, ``convention``, ``classes``, ``pos_label``,
        ``n_samples``, ``total_weight``, ``settings`` (``n_bins``,
        ``strategy``, ``confidence_level``, ``baseline``, ``interval``,
        ``hosmer_lemeshow_groups``), ``scores`` (the score attributes and
        ``nce_baseline``), ``calibration_errors`` (``ece``, ``mce``,
        ``rmsce``, ``adaptive_ece``, ``smooth_ece``,
        ``smooth_ece_bandwidth``), ``tests`` (``hosmer_lemeshow``,
        ``spiegelhalter``, ``calibration_slope``, ``calibration_intercept``,
        ``calibration_in_the_large``, each a dict of its fields),
        ``decomposition`` (``log_loss`` and ``brier_score``, each with
        ``miscalibration``, ``discrimination``, ``uncertainty``, ``score``),
        ``reliability`` (column name to list), ``recalibration`` (``lower``,
        ``upper``, ``value``, ``weight``), ``folds`` (column name to list, or
        None), ``problems`` and ``notes`` (lists of str), and ``per_class``
        (class label to such a dict, or None).

        Returns
        -------
        data : dict

        Examples
        --------
        >>> import json
        >>> from skbce import calibration_report
        >>> report = calibration_report([0, 1, 1, 0, 1, 0], [0.2, 0.8, 0.35, 0.3, 0.7, 0.4],
        ...                             n_bins=3)
        >>> data = report.to_dict()
        >>> data["scores"]["roc_auc"]
        0.888...
        >>> _ = json.dumps(data)
        """
        strategy = self.strategy if isinstance(self.strategy, str) else "edges"
        return _py(
            {
                "task": self.task,
                "convention": self.convention,
                "classes": list(np.asarray(self.classes).tolist()),
                "pos_label": self.pos_label,
                "n_samples": self.n_samples,
                "total_weight": self.total_weight,
                "settings": {
                    "n_bins": self.n_bins,
                    "strategy": strategy,
                    "confidence_level": self.confidence_level,
                    "baseline": self.baseline,
                    "interval": "wilson",
                    "hosmer_lemeshow_groups": "equal-weight bins, dof = groups - 2",
                },
                "scores": {
                    **{k: getattr(self, k) for k, _ in _SCORE_NAMES},
                    "nce_baseline": self.nce_baseline,
                },
                "calibration_errors": {
                    **{k: getattr(self, k) for k, _ in _ERROR_NAMES},
                    "smooth_ece_bandwidth": self.smooth_ece_bandwidth,
                },
                "tests": {
                    k: getattr(self, k)._asdict()
                    for k in (
                        "hosmer_lemeshow",
                        "spiegelhalter",
                        "calibration_slope",
                        "calibration_intercept",
                        "calibration_in_the_large",
                    )
                },
                "decomposition": {k: v._asdict() for k, v in self.decomposition.items()},
                "reliability": self.reliability.to_dict(),
                "recalibration": self.recalibration._asdict(),
                "folds": None if self.folds is None else self.folds.to_dict(),
                "problems": list(self.problems),
                "notes": list(self.notes),
                "per_class": None
                if self.per_class is None
                else {str(k): v.to_dict() for k, v in self.per_class.items()},
            }
        )

    def _flat(self):
        """Scalar statistics as a flat ordered dict (one row of a comparison)."""
        row = {k: getattr(self, k) for k, _ in _SCORE_NAMES if np.ndim(getattr(self, k)) == 0}
        row["nce_baseline"] = self.nce_baseline
        for k, _ in _ERROR_NAMES:
            row[k] = getattr(self, k)
        row["hosmer_lemeshow_statistic"] = self.hosmer_lemeshow.statistic
        row["hosmer_lemeshow_pvalue"] = self.hosmer_lemeshow.pvalue
        row["spiegelhalter_z"] = self.spiegelhalter.statistic
        row["spiegelhalter_pvalue"] = self.spiegelhalter.pvalue
        for k in ("calibration_slope", "calibration_intercept", "calibration_in_the_large"):
            est = getattr(self, k)
            row[k] = est.estimate
            row[f"{k}_low"] = est.low
            row[f"{k}_high"] = est.high
        for k, d in self.decomposition.items():
            row[f"{k}_miscalibration"] = d.miscalibration
            row[f"{k}_discrimination"] = d.discrimination
            row[f"{k}_uncertainty"] = d.uncertainty
        return {k: float(v) for k, v in row.items()}

    def to_frame(self, name="model"):
        """The scalar statistics as a one-row :class:`pandas.DataFrame`.

        Columns are the score and error attributes, the tests (e.g.
        ``hosmer_lemeshow_pvalue``, ``calibration_slope_low``) and the
        decomposition terms (e.g. ``log_loss_miscalibration``).  Rows of
        several reports concatenate (see :func:`compare_calibration`).  The
        reliability table has its own ``report.reliability.to_frame()``.

        Parameters
        ----------
        name : str, default="model"
            Index of the row.

        Returns
        -------
        frame : pandas.DataFrame
        """
        pd = _import_pandas("CalibrationReport.to_frame")
        return pd.DataFrame([self._flat()], index=[name])

    # -- plot ---------------------------------------------------------------------

    def plot(self, ax=None, *, kind="reliability", histogram=True, name=None):
        """Draw the reliability diagram.

        Observed frequency against mean predicted probability per bin with
        interval bars, the diagonal, and beneath a histogram of the
        predictions (on a twin axis); ``kind`` adds or swaps in the CORP
        (isotonic) recalibration curve or the smoothed curve.

        Parameters
        ----------
        ax : matplotlib Axes, default=None
            Axes to draw on; a new figure when None.
        kind : {"reliability", "corp", "both", "smooth"}, default="reliability"
            The binned diagram, the CORP step curve, both, or the kernel
            smoothed curve of the smooth ECE.
        histogram : bool, default=True
            Draw the histogram of predictions.
        name : str, default=None
            Legend label of the curve.

        Returns
        -------
        self : CalibrationReport
            With ``ax_``, ``figure_``, ``line_`` (the main curve) and
            ``hist_ax_`` (the histogram's twin Axes or None).

        Examples
        --------
        >>> from skbce import calibration_report
        >>> report = calibration_report([0, 1, 1, 0, 1, 0], [0.2, 0.8, 0.35, 0.3, 0.7, 0.4],
        ...                             n_bins=3)
        >>> report.plot(kind="both").ax_.get_xlabel()
        'Mean predicted probability'
        >>> report.figure_.clear()
        """
        if kind not in ("reliability", "corp", "both", "smooth"):
            msg = f"kind must be 'reliability', 'corp', 'both' or 'smooth', got {kind!r}."
            raise ValueError(msg)
        plt = _import_pyplot()
        if ax is None:
            _, ax = plt.subplots()
        _draw(self, ax, kind=kind, histogram=histogram, name=name)
        return self


def _draw(report, ax, *, kind, histogram, name, color=None):
    label = name or ("positive class" if report.task == "binary" else "top label")
    ax.plot([0, 1], [0, 1], linestyle="--", color="0.5", linewidth=1, label="_diagonal")
    line = None
    rel = report.reliability
    if kind in ("reliability", "both"):
        ok = ~rel.empty
        yerr = np.vstack([rel.observed[ok] - rel.ci_low[ok], rel.ci_high[ok] - rel.observed[ok]])
        container = ax.errorbar(
            rel.mean_predicted[ok],
            rel.observed[ok],
            yerr=yerr,
            marker="o",
            capsize=3,
            color=color,
            label=label,
        )
        line = container.lines[0]
        color = line.get_color()
    if kind in ("corp", "both"):
        rc = report.recalibration
        xs = np.column_stack([rc.lower, rc.upper]).ravel()
        ys = np.repeat(rc.value, 2)
        (corp,) = ax.plot(
            xs,
            ys,
            color=color,
            linestyle="-" if kind == "corp" else ":",
            label=label if kind == "corp" else f"{label} (CORP)",
        )
        line = line or corp
        color = corp.get_color()
    if kind == "smooth":
        sc, rc = report.smooth_curve, report.recalibration
        inside = (sc.x >= rc.lower[0]) & (sc.x <= rc.upper[-1])  # where there are data
        (line,) = ax.plot(sc.x[inside], sc.observed[inside], color=color, label=label)
        color = line.get_color()
    hist_ax = None
    if histogram:
        hist_ax = ax.twinx()
        share = rel.weight / report.total_weight
        widths = rel.bin_upper - rel.bin_lower
        hist_ax.bar(
            rel.bin_lower,
            share,
            width=widths,
            align="edge",
            alpha=0.25,
            color=color,
            edgecolor="none",
        )
        top = float(np.max(share)) if share.size else 1.0
        hist_ax.set_ylim(0, 4 * top if top > 0 else 1)
        hist_ax.set_yticks([])
    ax.set_xlim(0, 1)
    ax.set_ylim(0, 1)
    xlabel = "Mean predicted probability" if report.task == "binary" else "Confidence"
    ax.set_xlabel(xlabel)
    ax.set_ylabel("Observed frequency" if report.task == "binary" else "Accuracy")
    ax.legend(loc="upper left")
    report.ax_ = ax
    report.figure_ = ax.figure
    report.line_ = line
    report.hist_ax_ = hist_ax
    return line


# --- computing reports ----------------------------------------------------------


def _settings(n_bins, strategy, confidence_level):
    return {"n_bins": n_bins, "strategy": strategy, "confidence_level": confidence_level}


def _collect_warnings(func, *args, **kwargs):
    """Run ``func``; return its result and the messages of its warnings, re-issued."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        result = func(*args, **kwargs)
    notes = []
    for w in caught:
        notes.append(str(w.message))
        warnings.warn_explicit(w.message, w.category, w.filename, w.lineno)
    return result, notes


def _binary_report(
    data, *, n_bins, strategy, confidence_level, baseline, classes, pos_label, one_class=False
):
    """The report of validated binary data ``[t, p, w]`` (the list is emptied).

    ``one_class`` lets ``t`` hold one outcome only (the statistics that need
    both are then NaN, with warnings): the top-label view of a multiclass
    model that is always, or never, right.
    """
    w = data.pop()
    p = data.pop()
    t = data.pop()
    n_rows = p.shape[0]
    n_bins = check_n_bins(n_bins, n_rows)
    if w is not None and w.min() < 0:
        msg = f"sample_weight must be non-negative, got min={w.min()}."
        raise ValueError(msg)
    positive = float(np.sum(t)) if w is None else float(np.einsum("i,i->", t, w))
    if not one_class and not 0 < positive < (n_rows if w is None else float(w.sum())):
        msg = (
            "y_true holds a single class (among the samples of non-zero weight); "
            "calibration needs both classes."
        )
        raise ValueError(msg)
    keys = _cal.sort_keys_of(t, p, w)
    del t, p, w  # the sort then takes no memory beyond its own
    p_s, y_s, w_s = _cal.sort_keys(keys)
    stats, notes = _collect_warnings(
        _cal.binary_statistics,
        p_s,
        y_s,
        w_s,
        n_bins=n_bins,
        strategy=strategy,
        confidence_level=confidence_level,
        baseline=baseline,
    )
    stats["n_samples"] = n_rows
    report = CalibrationReport(
        stats,
        settings=_settings(n_bins, strategy, confidence_level),
        task="binary",
        classes=classes,
        pos_label=pos_label,
    )
    report.notes = notes
    return report


def _softmax(z, name):
    from scipy.special import softmax
    from sklearn.utils import check_array

    z = check_array(z, dtype=np.float64, input_name=name)
    return softmax(z, axis=1)


def _report(
    y_true,
    y_proba,
    *,
    sample_weight,
    pos_label,
    from_logits,
    n_bins,
    strategy,
    confidence_level,
    baseline,
    per_class=False,
    labels=None,
):
    """Validate once and build the report (binary or multiclass)."""
    strategy = check_strategy(strategy)
    confidence_level = check_confidence_level(confidence_level)
    ndim = np.ndim(y_proba)
    if ndim == 2 and np.shape(y_proba)[1] > 1:
        if from_logits:
            y_proba = _softmax(y_proba, "y_proba")
        codes, P, w, classes = validate_multiclass(
            y_true, y_proba, sample_weight=sample_weight, labels=labels
        )
        if P.shape[1] == 2:
            pos = 1 if pos_label is None else _index_of(classes, pos_label)
            data = [(codes == pos).astype(np.float64), P[:, pos], w]
            ordered = np.array([classes[1 - pos], classes[pos]], dtype=object)
            baseline = check_baseline(baseline)
            del codes, P, w
            return _binary_report(
                data,
                n_bins=n_bins,
                strategy=strategy,
                confidence_level=confidence_level,
                baseline=baseline,
                classes=ordered,
                pos_label=_label(classes[pos]),
            )
        return _multiclass_report(
            codes,
            P,
            w,
            classes,
            n_bins=n_bins,
            strategy=strategy,
            confidence_level=confidence_level,
            baseline=baseline,
            per_class=per_class,
        )
    *data, classes = validate_binary(
        y_true, y_proba, sample_weight=sample_weight, pos_label=pos_label, from_logits=from_logits
    )
    baseline = check_baseline(baseline)
    del y_true, y_proba, sample_weight  # the report frees the arrays it no longer needs
    return _binary_report(
        data,
        n_bins=n_bins,
        strategy=strategy,
        confidence_level=confidence_level,
        baseline=baseline,
        classes=classes,
        pos_label=_label(classes[1]),
    )


def _label(value):
    return value.item() if isinstance(value, np.generic) else value


def _index_of(classes, label):
    matches = [i for i, c in enumerate(np.asarray(classes).tolist()) if c == label]
    if not matches:
        msg = f"pos_label={label!r} is not a class: {np.asarray(classes).tolist()}."
        raise ValueError(msg)
    return matches[0]


def _multiclass_scores(codes, P, w, baseline):
    """Log loss, Brier, NCE, D2, macro ROC AUC, prevalences of multiclass data."""
    from scipy.special import xlogy

    from skbce._metrics.losses import _gather_sums
    from skbce._utils.validation import Target

    n, k = P.shape
    target = Target(classes=np.arange(k), y=codes, encoded=True)
    sums, _ = _gather_sums(target, P, w)
    weight = float(n if w is None else w.sum())
    log_loss = sums.loss / weight
    rows = np.arange(n)
    per_row = np.einsum("ij,ij->i", P, P) - 2.0 * P[rows, codes] + 1.0
    brier = float(per_row.mean() if w is None else np.einsum("i,i->", per_row, w) / weight)
    counts = np.bincount(codes, weights=w, minlength=k)
    prevalence = counts / weight
    mean_prediction = (P.mean(axis=0) if w is None else (w @ P) / weight).astype(np.float64)
    entropy = -float(np.sum(xlogy(prevalence, prevalence)))
    if baseline is None:
        nce_base = entropy
        base_rate = prevalence
    else:
        nce_base = -float(np.sum(xlogy(prevalence, baseline)))
        base_rate = baseline
    aucs = []
    for j in range(k):
        if 0 < counts[j] < weight:
            aucs.append(_binary_auc((codes == j).astype(np.float64), P[:, j], w))
    roc_auc = float(np.mean(aucs)) if aucs else math.nan
    return {
        "log_loss": log_loss,
        "brier_score": brier,
        "normalized_cross_entropy": log_loss / nce_base if nce_base > 0 else math.nan,
        "nce_baseline": nce_base,
        "baseline": base_rate,
        "d2_log_loss_score": 1.0 - log_loss / entropy if entropy > 0 else math.nan,
        "roc_auc": roc_auc,
        "base_rate": prevalence,
        "mean_prediction": mean_prediction,
    }


def _binary_auc(t, p, w):
    p_s, y_s, w_s = _cal.sort_by_prediction(t, p, w)
    starts, weight, first = _cal._runs(y_s, w_s)
    w_pos = float(weight[int(not first) :: 2].sum())
    w_neg = float(weight.sum()) - w_pos
    if not (w_pos > 0 and w_neg > 0):
        return math.nan
    return _cal._roc_auc(p_s, w_s, starts, weight, first, w_pos, w_neg)


def _multiclass_report(
    codes, P, w, classes, *, n_bins, strategy, confidence_level, baseline, per_class
):
    k = P.shape[1]
    baseline = check_baseline(baseline, n_classes=k)
    pred = np.argmax(P, axis=1)
    conf = P[np.arange(P.shape[0]), pred]
    correct = (pred == codes).astype(np.float64)
    del pred
    one_class = not 0 < correct.sum() < correct.shape[0]
    if one_class:
        what = "every" if correct.sum() else "no"
        warnings.warn(
            f"The top label is right for {what} sample: the top-label statistics that "
            "need both outcomes (ROC AUC, calibration slope and intercept, "
            "calibration-in-the-large) are nan; per_class=True gives one-vs-rest reports.",
            UserWarning,
            stacklevel=3,
        )
    report = _binary_report(
        [correct, conf, w],
        n_bins=n_bins,
        strategy=strategy,
        confidence_level=confidence_level,
        baseline=None,
        classes=np.array([False, True], dtype=object),
        pos_label=True,
        one_class=one_class,
    )
    scores, notes = _collect_warnings(_multiclass_scores, codes, P, w, baseline)
    for key, value in scores.items():
        setattr(report, key, value)
    report.task = "multiclass"
    report.convention = "top label"
    report.classes = classes
    report.pos_label = None
    report.notes += notes
    if per_class:
        report.per_class = {}
        for j, label in enumerate(np.asarray(classes).tolist()):
            t = (codes == j).astype(np.float64)
            if not 0 < t.sum() < t.shape[0]:
                report.notes.append(f"No one-vs-rest report for class {label!r}: one class.")
                continue
            report.per_class[label] = _binary_report(
                [t, P[:, j], w],
                n_bins=n_bins,
                strategy=strategy,
                confidence_level=confidence_level,
                baseline=None,
                classes=np.array(["rest", label], dtype=object),
                pos_label=label,
            )
    return report


def calibration_report(
    y_true,
    y_proba,
    *,
    sample_weight=None,
    pos_label=None,
    from_logits=False,
    n_bins=10,
    strategy="uniform",
    confidence_level=0.95,
    baseline=None,
    per_class=False,
):
    """Calibration report of predicted probabilities: scores, errors, tests.

    One weighted pass gathers what otherwise takes several libraries: the
    scores (log loss, Brier, normalized cross-entropy, D2, ROC AUC), a
    reliability table with intervals and empty bins kept, the calibration
    errors (ECE, MCE, RMSCE, adaptive ECE, smooth ECE), the Hosmer-Lemeshow
    and Spiegelhalter tests, the Cox calibration slope and intercept, and the
    CORP decomposition ``score = miscalibration - discrimination +
    uncertainty`` of the log loss and the Brier score.  Every quantity honours
    ``sample_weight``, treated as frequency weights: integer weights give the
    report of the data with rows repeated, zero weights that of the data
    without those rows (point estimates do not depend on the scale of the
    weights; intervals and tests do, as they would with repeated rows).

    Binary data calibrate the probability of the positive class.  For a
    probability matrix with three or more columns the scores cover all
    classes and the calibration part is computed for the top label
    (confidence = largest probability, "positive" = that class is the true
    one), and per class on request.

    Parameters
    ----------
    y_true : array-like of shape (n_samples,)
        True labels.
    y_proba : array-like of shape (n_samples,) or (n_samples, n_classes)
        Probabilities of the positive class, or one column per class (sorted
        labels, as ``predict_proba``).  Logits when ``from_logits``.
    sample_weight : array-like of shape (n_samples,), default=None
        Sample weights.
    pos_label : int, float, bool or str, default=None
        The positive class; default the greater label.
    from_logits : bool, default=False
        Whether ``y_proba`` holds logits (softmax is applied to a matrix).
    n_bins : int, default=10
        Bins of the reliability table (``"uniform"`` or ``"quantile"``), and
        the number of equal-weight groups of the adaptive ECE and the
        Hosmer-Lemeshow test.  At least 1, at most the number of samples.
    strategy : {"uniform", "quantile"} or array-like of edges, default="uniform"
        Bin edges: ``n_bins`` equal widths on [0, 1], the quantiles of the
        predictions (as :func:`sklearn.calibration.calibration_curve`; with
        weights, the same linear interpolation between samples placed by
        cumulative weight, which for integer weights differs slightly from
        the quantiles of repeated rows), or strictly increasing edges within
        [0, 1].  Bins are ``[e0, e1], (e1, e2], ...``; predictions outside
        the edges count in the first or last bin.
    confidence_level : float, default=0.95
        Level of the intervals, in (0, 1).
    baseline : float or array-like of shape (n_classes,), default=None
        Rate (or class priors) of the constant prediction that normalizes the
        cross-entropy, e.g. the training base rate; None uses ``y_true``'s.
    per_class : bool, default=False
        Multiclass: also give one-vs-rest reports per class in
        ``report.per_class``.

    Returns
    -------
    report : CalibrationReport
        Numbers as attributes; ``str(report)``, ``to_markdown()``,
        ``to_dict()``, ``to_frame()``, ``plot()``.

    Raises
    ------
    ValueError
        For probabilities outside [0, 1] or NaN, a single class, invalid
        ``n_bins``, ``strategy``, ``confidence_level`` or ``baseline``.

    Warns
    -----
    RuntimeWarning
        When a number is NaN because the data do not define it (all
        predictions equal, perfect separation, ...); the message is also kept
        in ``report.notes``.

    See Also
    --------
    cross_val_calibration_report : The report of out-of-fold predictions.
    compare_calibration : Several reports side by side.

    Notes
    -----
    The CORP decomposition (Dimitriadis, Gneiting & Jordan 2021) recalibrates
    by isotonic regression with equal predictions pooled; miscalibration is
    the score minus the score of the recalibrated predictions, discrimination
    the score of the base rate minus it, uncertainty the score of the base
    rate.  Hosmer-Lemeshow uses ``n_bins`` equal-weight groups with
    ``groups - 2`` degrees of freedom, the classical choice for a model fitted
    on the same data; on independent data ``groups`` degrees of freedom are
    arguably right (``report.hosmer_lemeshow.dof`` lets you redo it).

    References
    ----------
    .. [1] T. Dimitriadis, T. Gneiting and A. I. Jordan (2021). Stable reliability
       diagrams for probabilistic classifiers. PNAS 118(8).
    .. [2] J. Blasiok and P. Nakkiran (2023). Smooth ECE: Principled reliability
       diagrams via kernel smoothing. arXiv:2309.12236.
    .. [3] D. W. Hosmer and S. Lemeshow (1980). Goodness of fit tests for the
       multiple logistic regression model. Comm. Statist. A9(10).
    .. [4] D. J. Spiegelhalter (1986). Probabilistic prediction in patient
       management and clinical trials. Statistics in Medicine 5(5).
    .. [5] D. R. Cox (1958). Two further applications of a model for binary
       regression. Biometrika 45(3/4).

    Examples
    --------
    >>> import numpy as np
    >>> from skbce import calibration_report
    >>> rng = np.random.default_rng(0)
    >>> p = rng.uniform(size=2000)
    >>> y = rng.uniform(size=2000) < p
    >>> report = calibration_report(y, p)
    >>> round(report.ece, 3), round(report.calibration_slope.estimate, 2)
    (0.02..., 1.0...)
    >>> d = report.decomposition["log_loss"]
    >>> abs(d.miscalibration - d.discrimination + d.uncertainty - d.score) < 1e-12
    True
    >>> report.reliability.count[:3]
    array([210, 209, 185])
    """
    return _report(
        y_true,
        y_proba,
        sample_weight=sample_weight,
        pos_label=pos_label,
        from_logits=from_logits,
        n_bins=n_bins,
        strategy=strategy,
        confidence_level=confidence_level,
        baseline=baseline,
        per_class=per_class,
    )


# --- estimators and cross-validation ------------------------------------------------


def _response(estimator, X, response_method):
    """Predictions of a fitted classifier: ``(scores, from_logits, labels)``."""
    from sklearn.utils.validation import check_is_fitted

    if response_method not in ("auto", "predict_proba", "decision_function"):
        msg = (
            "response_method must be 'auto', 'predict_proba' or "
            f"'decision_function', got {response_method!r}."
        )
        raise ValueError(msg)
    check_is_fitted(estimator)
    classes = getattr(estimator, "classes_", None)
    methods = (
        ("predict_proba", "decision_function") if response_method == "auto" else (response_method,)
    )
    for method in methods:
        if hasattr(estimator, method):
            scores = np.asarray(getattr(estimator, method)(X))
            if method == "predict_proba":
                return scores, False, classes
            return scores, True, classes
    msg = f"estimator has none of {list(methods)}; cannot compute probabilities."
    raise ValueError(msg)


def _take(X, idx):
    if hasattr(X, "iloc"):
        return X.iloc[idx]
    if hasattr(X, "tocsr") or hasattr(X, "shape"):
        return X[idx]
    return [X[i] for i in idx]


class _FoldPredictions(NamedTuple):
    test: np.ndarray
    proba: np.ndarray  # (n_test, n_classes), columns = all classes


def cross_val_calibration_report(
    estimator,
    X,
    y,
    *,
    cv=5,
    sample_weight=None,
    pos_label=None,
    response_method="auto",
    fit_params=None,
    n_bins=10,
    strategy="uniform",
    confidence_level=0.95,
    baseline=None,
    per_class=False,
):
    """Calibration report of out-of-fold predictions, with per-fold scores.

    Fits a clone of ``estimator`` on each training fold, predicts its test
    fold, and reports on the pooled predictions.  ``report.folds`` holds the
    scores of each fold; what went wrong in a fold (a class missing from its
    training data, predictions clipped by the log loss, rows that do not sum
    to one, a test fold with one class) is listed in ``report.problems``
    instead of silently becoming NaN.

    Parameters
    ----------
    estimator : classifier
        Not fitted; cloned for each fold.
    X : array-like of shape (n_samples, n_features)
        Input data.
    y : array-like of shape (n_samples,)
        True labels.
    cv : int, cross-validation generator or iterable, default=5
        As in :func:`sklearn.model_selection.cross_validate` (stratified
        folds for an integer).  Test folds must not overlap.
    sample_weight : array-like of shape (n_samples,), default=None
        Weights of the report (pass them to fitting through ``fit_params``).
    pos_label : int, float, bool or str, default=None
        The positive class (binary).
    response_method : {"auto", "predict_proba", "decision_function"}, \
default="auto"
        How to get probabilities (decision functions are logits).
    fit_params : dict, default=None
        Passed to ``fit``; arrays of length ``n_samples`` are split by fold.
    n_bins, strategy, confidence_level, baseline, per_class
        As in :func:`calibration_report`.

    Returns
    -------
    report : CalibrationReport
        The pooled out-of-fold report with ``folds`` and ``problems``.

    Examples
    --------
    >>> from sklearn.datasets import make_classification
    >>> from sklearn.linear_model import LogisticRegression
    >>> from skbce import cross_val_calibration_report
    >>> X, y = make_classification(n_samples=600, random_state=0)
    >>> report = cross_val_calibration_report(LogisticRegression(), X, y, cv=3)
    >>> len(report.folds), report.problems
    (3, [])
    """
    from sklearn.base import clone, is_classifier
    from sklearn.model_selection import check_cv
    from sklearn.utils import indexable

    X, y = indexable(X, y)
    y_arr = np.asarray(y)
    n = y_arr.shape[0]
    classes = np.unique(y_arr)
    cv = check_cv(cv, y_arr, classifier=is_classifier(estimator))
    fit_params = dict(fit_params or {})
    covered = np.zeros(n, dtype=bool)
    folds, problems = [], []
    for k, (train, test) in enumerate(cv.split(X, y_arr)):
        test = np.asarray(test)
        if np.any(covered[test]):
            msg = "cv must give disjoint test folds: a sample is in two test folds."
            raise ValueError(msg)
        covered[test] = True
        params = {
            key: _take(v, train) if np.ndim(v) >= 1 and len(v) == n else v
            for key, v in fit_params.items()
        }
        est = clone(estimator).fit(_take(X, train), y_arr[train], **params)
        scores, from_logits, est_classes = _response(est, _take(X, test), response_method)
        proba, fold_problems = _fold_proba(scores, from_logits, est_classes, classes, k)
        problems += fold_problems
        folds.append(_FoldPredictions(test, proba))
    if not covered.all():
        problems.append(f"{int((~covered).sum())} samples are in no test fold and are left out.")
    order = np.concatenate([f.test for f in folds])
    proba = np.concatenate([f.proba for f in folds])
    y_oof = y_arr[order]
    w = None if sample_weight is None else np.asarray(sample_weight)[order]
    y_score = proba[:, 1] if len(classes) == 2 and pos_label is None else proba
    report = _report(
        y_oof,
        y_score,
        sample_weight=w,
        pos_label=pos_label,
        from_logits=False,
        n_bins=n_bins,
        strategy=strategy,
        confidence_level=confidence_level,
        baseline=baseline,
        per_class=per_class,
        labels=classes if len(classes) > 2 else None,
    )
    report.folds, fold_notes = _fold_table(folds, y_arr, sample_weight, classes, report, n_bins)
    report.problems = problems + fold_notes
    return report


def _fold_proba(scores, from_logits, est_classes, classes, k):
    """Fold predictions as probabilities over all classes, and their problems."""
    from scipy.special import expit

    problems = []
    n_cls = len(classes)
    est_classes = np.asarray(est_classes if est_classes is not None else classes)
    if from_logits:
        if scores.ndim == 1:
            p1 = expit(scores)
            scores = np.column_stack([1.0 - p1, p1])
        else:
            scores = _softmax(scores, "decision_function")
    elif scores.ndim == 1:
        scores = np.column_stack([1.0 - scores, scores])
    scores = np.asarray(scores, dtype=np.float64)
    proba = np.zeros((scores.shape[0], n_cls))
    where = np.searchsorted(classes, est_classes)
    proba[:, where] = scores
    missing = [c for c in classes.tolist() if c not in est_classes.tolist()]
    if missing:
        problems.append(
            f"fold {k}: class {', '.join(map(repr, missing))} absent from the training "
            "data; its probability is 0."
        )
    sums = proba.sum(axis=1)
    off = np.abs(sums - 1.0) > 1e-8 + np.sqrt(np.finfo(np.float64).eps)
    if np.any(off):
        problems.append(
            f"fold {k}: {int(off.sum())} rows of predicted probabilities do not sum to "
            f"one (largest deviation {float(np.max(np.abs(sums - 1.0))):.3g})."
        )
    return proba, problems


def _fold_table(folds, y_arr, sample_weight, classes, report, n_bins):
    """Per-fold scores: log loss, Brier score, ROC AUC, ECE of each test fold."""
    rows = {
        k: [] for k in ("fold", "n_samples", "weight", "log_loss", "brier_score", "roc_auc", "ece")
    }
    notes = []
    eps = np.finfo(np.float64).eps
    w_all = None if sample_weight is None else np.asarray(sample_weight, dtype=np.float64)
    for k, f in enumerate(folds):
        codes = np.searchsorted(classes, y_arr[f.test])
        w = None if w_all is None else w_all[f.test]
        weight = float(len(f.test) if w is None else w.sum())
        P = f.proba
        q = P[np.arange(len(f.test)), codes]
        clipped = int(np.count_nonzero(q < eps))
        if clipped:
            notes.append(
                f"fold {k}: {clipped} samples have probability below eps for their true "
                "class; the log loss clips it to eps (a loss of 36.04 each)."
            )
        ll = -np.log(np.clip(q, eps, 1 - eps))
        onehot = np.zeros_like(P)
        onehot[np.arange(len(f.test)), codes] = 1.0
        sq = ((P - onehot) ** 2).sum(axis=1)
        if P.shape[1] == 2:
            sq = sq / 2

        def avg(v, w=w, weight=weight):
            return float(v.mean()) if w is None else float(v @ w / weight)

        present = np.unique(codes)
        if len(classes) == 2:
            if len(present) < 2:
                auc = math.nan
                notes.append(f"fold {k}: the test fold holds one class; its ROC AUC is undefined.")
            else:
                auc = _binary_auc((codes == 1).astype(float), P[:, 1], w)
            conf, correct = P[:, 1], (codes == 1)
        else:
            aucs = [
                _binary_auc((codes == j).astype(float), P[:, j], w)
                for j in present
                if 0 < np.sum(codes == j) < len(codes)
            ]
            auc = float(np.mean(aucs)) if aucs else math.nan
            pred = P.argmax(axis=1)
            conf, correct = P[np.arange(len(pred)), pred], pred == codes
        edges = np.linspace(0, 1, n_bins + 1)
        ids = np.searchsorted(edges[1:-1], conf)
        bw = np.bincount(ids, weights=w, minlength=n_bins)
        bp = np.bincount(ids, weights=conf if w is None else conf * w, minlength=n_bins)
        by = np.bincount(
            ids, weights=correct.astype(float) if w is None else correct * w, minlength=n_bins
        )
        ok = bw > 0
        ece = float(np.sum(np.abs(bp[ok] - by[ok])) / weight)
        for key, value in (
            ("fold", k),
            ("n_samples", len(f.test)),
            ("weight", weight),
            ("log_loss", avg(ll)),
            ("brier_score", avg(sq)),
            ("roc_auc", auc),
            ("ece", ece),
        ):
            rows[key].append(value)
    return Table(rows), notes


# --- comparison --------------------------------------------------------------------


class CalibrationComparison:
    """Several calibration reports side by side: one table, one plot.

    Built by :func:`compare_calibration`.

    Attributes
    ----------
    reports : dict of str to CalibrationReport
        The reports, by name.
    table : Table
        One row per statistic (column ``statistic``), one column per report.
    """

    _ROWS = (
        "log_loss",
        "brier_score",
        "normalized_cross_entropy",
        "d2_log_loss_score",
        "roc_auc",
        "observed_expected_ratio",
        "ece",
        "mce",
        "rmsce",
        "adaptive_ece",
        "smooth_ece",
        "hosmer_lemeshow_pvalue",
        "spiegelhalter_pvalue",
        "calibration_slope",
        "calibration_intercept",
        "calibration_in_the_large",
        "log_loss_miscalibration",
        "log_loss_discrimination",
        "log_loss_uncertainty",
    )

    def __init__(self, reports):
        self.reports = reports
        flats = {name: r._flat() for name, r in reports.items()}
        columns = {"statistic": np.array(self._ROWS, dtype=object)}
        for name, flat in flats.items():
            columns[name] = np.array([flat.get(k, math.nan) for k in self._ROWS])
        self.table = Table(columns)

    def _rows(self):
        return [
            [stat, *[_fmt(self.table[name][i]) for name in self.reports]]
            for i, stat in enumerate(self._ROWS)
        ]

    def __str__(self):
        header = ["statistic", *self.reports]
        lines = ["Calibration comparison"]
        lines += ["  " + ln for ln in _align([header, *self._rows()], right=range(1, len(header)))]
        return "\n".join(lines)

    def __repr__(self):
        return f"<CalibrationComparison of {list(self.reports)}>"

    def to_markdown(self):
        """The comparison table in Markdown."""
        return _md_table(["statistic", *self.reports], self._rows())

    def _repr_html_(self):
        return _html_table(["statistic", *self.reports], self._rows(), "Calibration comparison")

    def to_dict(self):
        """``{name: report.to_dict()}``: JSON-serialisable."""
        return {str(name): r.to_dict() for name, r in self.reports.items()}

    def to_frame(self):
        """One row per report, the columns of :meth:`CalibrationReport.to_frame`."""
        pd = _import_pandas("CalibrationComparison.to_frame")
        return pd.concat([r.to_frame(name=name) for name, r in self.reports.items()])

    def plot(self, ax=None, *, kind="reliability", histogram=False):
        """Overlay the reliability diagrams of all reports on one Axes.

        Parameters
        ----------
        ax : matplotlib Axes, default=None
            Axes to draw on; a new figure when None.
        kind : {"reliability", "corp", "both", "smooth"}, default="reliability"
            As in :meth:`CalibrationReport.plot`.
        histogram : bool, default=False
            Draw each report's histogram of predictions.

        Returns
        -------
        self : CalibrationComparison
            With ``ax_``, ``figure_`` and ``lines_`` (one per report).
        """
        if kind not in ("reliability", "corp", "both", "smooth"):
            msg = f"kind must be 'reliability', 'corp', 'both' or 'smooth', got {kind!r}."
            raise ValueError(msg)
        plt = _import_pyplot()
        if ax is None:
            _, ax = plt.subplots()
        self.lines_ = {}
        for name, report in self.reports.items():
            saved = {a: getattr(report, a, None) for a in ("ax_", "figure_", "line_", "hist_ax_")}
            self.lines_[name] = _draw(report, ax, kind=kind, histogram=histogram, name=str(name))
            for a, v in saved.items():  # drawing on a shared Axes leaves the reports alone
                if v is None:
                    report.__dict__.pop(a, None)
                else:
                    setattr(report, a, v)
        self.ax_ = ax
        self.figure_ = ax.figure
        return self


def compare_calibration(reports):
    """Several calibration reports side by side: one table and one plot.

    Parameters
    ----------
    reports : dict of str to CalibrationReport
        The reports, by model name (at least one).

    Returns
    -------
    comparison : CalibrationComparison
        ``str()``, ``to_markdown()``, ``to_frame()``, ``to_dict()`` and
        ``plot(ax=None)``.

    Examples
    --------
    >>> import numpy as np
    >>> from skbce import calibration_report, compare_calibration
    >>> rng = np.random.default_rng(0)
    >>> p = rng.uniform(size=1000)
    >>> y = rng.uniform(size=1000) < p
    >>> cmp = compare_calibration({
    ...     "model": calibration_report(y, p),
    ...     "overconfident": calibration_report(y, np.clip(1.5 * p - 0.25, 0, 1)),
    ... })
    >>> cmp.table.statistic[:2]
    array(['log_loss', 'brier_score'], dtype=object)
    """
    if not isinstance(reports, dict) or not reports:
        msg = f"reports must be a non-empty dict of name to CalibrationReport, got {reports!r}."
        raise ValueError(msg)
    for name, report in reports.items():
        if not isinstance(report, CalibrationReport):
            msg = f"reports[{name!r}] must be a CalibrationReport, got {type(report).__name__}."
            raise ValueError(msg)
    return CalibrationComparison(dict(reports))
