"""The report objects: declared fields holding numbers, and methods that render them.

Every method that renders (``str``, ``to_markdown``, ``to_html``,
``to_dict``, ``to_frame``, ``plot``) hands the object to a renderer of
:mod:`skbce._render`, which reads its public attributes and the table of
statistic definitions.
"""

from dataclasses import dataclass, field
from typing import Any

from skbce._render import html as _html
from skbce._render import text as _text
from skbce._render.data import frame_row, report_dict
from skbce._render.numbers import fmt
from skbce._render.plot import ReliabilityDisplay
from skbce._report.build import (
    Settings,
    build_report,
    check_X_y,
    check_y_classes,
    response,
    sorted_classes,
)
from skbce._report.table import Table, import_pandas

__all__ = ["CalibrationReport"]


@dataclass(eq=False, repr=False, kw_only=True)
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
        the machine epsilon of their dtype as given, 1.19e-7 for float32 and
        2.2e-16 for float64, as scikit-learn; logits, made probabilities in
        float64, to the float64 bounds) and Brier score (multiclass: summed
        over classes, in ``[0, 2]``, as scikit-learn).  Lower is better.  Every
        log loss of the report (decomposition, NCE, D2, intervals,
        recalibration gain, subgroups) clips the same way; the other
        statistics read the probabilities unclipped.
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
    adaptive_edges : ndarray
        Edges of the equal-weight bins of the adaptive ECE and the
        Hosmer-Lemeshow groups.
    smooth_ece : float
        Kernel-smoothed ECE with the fixed-point bandwidth
        ``smooth_ece_bandwidth`` (Blasiok & Nakkiran 2023).
    smooth_ece_bandwidth : float
        That bandwidth.
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
    somers_dxy : float
        Somers' rank correlation ``2 * roc_auc - 1`` (as ``rms::val.prob``'s
        ``Dxy``).  Higher is better.
    nagelkerke_r2 : float
        Nagelkerke's R2 of the predictions as they are (val.prob's ``R2``).
    discrimination_index, unreliability : LikelihoodRatioIndex
        val.prob's D and U: ``index``, ``statistic`` (the likelihood-ratio
        chi-square), ``dof`` (1 for D, 2 for U) and ``pvalue``.  U's test is
        the joint test of intercept 0 and slope 1 of the logistic
        recalibration (Cox 1958).  Exact 0 and 1 predictions (infinite
        logits) are left out of D, U, Q and R2, as val.prob leaves them out.
    quality_index : float
        val.prob's Q, ``D - U``.  Higher is better.
    eavg, e50, e90, emax : float
        Mean (the integrated calibration index, ICI), median, 90th
        percentile and maximum of ``|p - c(p)|`` over the predictions, with
        ``c`` the flexible calibration curve: R's ``lowess(p, y, iter=0)``
        (span 2/3, ``delta`` 1% of the range) interpolated at every
        prediction with ties averaged, as val.prob does; above 10^5
        predictions the smoother runs on a documented binned approximation
        (:mod:`skbce._calibration.lowess`).
    flexible_curve : FlexibleCurve
        That curve on a grid (``x``, ``observed``) with a pointwise band
        (``low``, ``high``) at ``confidence_level``.
    hierarchy : CalibrationHierarchy
        The calibration hierarchy of Van Calster et al.: ``levels`` (mean,
        weak, moderate, strong), each with ``statistic``, ``estimate``,
        ``low``, ``high``, ``holds`` (True, False or None when the data
        cannot tell) and ``note``; and ``summary``, the verdict in plain words
        that every rendering starts with.
    recalibration_gain : RecalibrationGain
        Log loss and Brier score after intercept-only, logistic (Cox) and
        isotonic recalibration, cross-fitted on 5 folds (seeded by
        ``random_state``), next to the current scores and the in-sample CORP
        miscalibration; ``recommendation`` is one of ``"none needed"``,
        ``"intercept"``, ``"logistic"``, ``"isotonic"``.
    debiased_rmsce : float
        The debiased L2 calibration error of Kumar, Liang & Ma (2019) on 15
        equal-mass bins: the squared bin gaps minus their sampling variance.
    ece_sweep : SweepECE
        ``statistic``: the ECE on the largest number of equal-mass bins whose
        observed frequencies stay monotone (Roelofs et al. 2022), and
        ``n_bins``, that number.
    ks_calibration, kuiper_calibration : CumulativeTest
        ``statistic`` and asymptotic ``pvalue`` of the Kolmogorov-Smirnov and
        Kuiper statistics of the cumulative differences between outcomes and
        predictions sorted by prediction (Tygert 2021).
    intervals : Table
        One row per headline number: ``statistic`` (the attribute key, e.g.
        ``"log_loss"``, ``"ece"``, ``"log_loss_miscalibration"``),
        ``estimate``, ``low``, ``high`` (at ``confidence_level``, clipped to
        the statistic's range) and ``method``: ``"t (mean of per-sample
        losses)"`` for ``log_loss`` and ``brier_score``, ``"DeLong"`` for
        ``roc_auc``, ``"log-normal (O/E)"`` for
        ``observed_expected_ratio``, and a basic bootstrap (``"bootstrap
        basic (...)"``, or ``"none (n_resamples=0)"`` with NaN bounds) for
        ``ece``, ``rmsce``, ``adaptive_ece``, ``smooth_ece``, ``eavg``,
        ``e50``, ``e90``, ``emax`` and the miscalibration and
        discrimination terms of both decompositions.
    consistency_band : CurveBand
        ``x`` (the ends of the blocks of ``recalibration``), ``low``,
        ``high``, ``method``: where the CORP curve would lie, pointwise at
        ``confidence_level``, if the predictions were calibrated (outcomes
        resampled as Bernoulli(p); asymptotic for large samples, as R's
        ``reliabilitydiag``; see :func:`calibration_report`).
    confidence_band : CurveBand or None
        The same for the curve itself (rows bootstrapped, outcomes drawn
        from the curve); None when ``n_resamples=0``.
    corp_test : CorpTest
        ``statistic`` (the CORP miscalibration term of the Brier score),
        ``pvalue`` (``(1 + #{T* >= T}) / (1 + B)`` over ``B`` resamples under
        calibration; NaN when ``n_resamples=0``) and ``method``.
    subgroups : tuple of SubgroupRow or None
        With ``groups``: one row per group (sorted labels) with ``n_samples``,
        ``weight``, ``base_rate``, ``mean_prediction``,
        ``observed_expected``, ``calibration_in_the_large`` and
        ``calibration_slope`` (with intervals), ``log_loss``, ``ece``, the
        group's ``hierarchy`` and ``notes`` (why a number is NaN: a group
        too small gets NaN, never an error).  None without ``groups``.

        Multiclass: every attribute from ``somers_dxy`` to ``subgroups`` is of
        the top-label problem (confidence against correct), as the
        calibration slope and the decomposition are; ``somers_dxy`` is then
        ``2 AUC - 1`` of that problem, not of the macro ``roc_auc``.
    per_class : dict or None
        One-vs-rest binary reports per class (multiclass, on request).
    folds : Table or None
        Per-fold scores (cross-validated reports).
    problems : list of str
        Problems found in the folds (cross-validated reports).
    notes : list of str
        Why a number is NaN, from the warnings given while computing.
    n_bins, strategy, confidence_level, n_resamples : object
        The settings.

    Examples
    --------
    >>> from skbce import CalibrationReport
    >>> report = CalibrationReport.from_predictions(
    ...     [0, 1, 1, 0, 1, 0], [0.2, 0.8, 0.35, 0.3, 0.7, 0.4], n_bins=3
    ... )
    >>> report.task, report.n_samples, report.reliability.count
    ('binary', 6, array([2, 2, 2]))
    """

    task: str
    convention: str
    classes: Any
    pos_label: Any
    n_samples: int
    total_weight: float
    log_loss: float
    brier_score: float
    normalized_cross_entropy: float
    nce_baseline: float
    baseline: Any
    d2_log_loss_score: float
    roc_auc: float
    base_rate: Any
    mean_prediction: Any
    observed_expected_ratio: float
    reliability: Table
    ece: float
    mce: float
    rmsce: float
    adaptive_ece: float
    adaptive_edges: Any
    smooth_ece: float
    smooth_ece_bandwidth: float
    smooth_curve: Any
    hosmer_lemeshow: Any
    spiegelhalter: Any
    calibration_slope: Any
    calibration_intercept: Any
    calibration_in_the_large: Any
    decomposition: dict
    recalibration: Any
    somers_dxy: float
    nagelkerke_r2: float
    discrimination_index: Any
    unreliability: Any
    quality_index: float
    eavg: float
    e50: float
    e90: float
    emax: float
    flexible_curve: Any
    hierarchy: Any
    recalibration_gain: Any
    debiased_rmsce: float
    ece_sweep: Any
    ks_calibration: Any
    kuiper_calibration: Any
    intervals: Table
    consistency_band: Any
    confidence_band: Any
    corp_test: Any
    subgroups: tuple | None = None
    n_bins: int
    strategy: Any
    confidence_level: float
    n_resamples: int = 200
    per_class: dict | None = None
    folds: Table | None = None
    problems: list = field(default_factory=list)
    notes: list = field(default_factory=list)

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
        groups=None,
        random_state=None,
        n_resamples=200,
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
        groups : array-like of shape (n_samples,), default=None
            A group label per sample, as in :func:`calibration_report`.
        random_state : int, RandomState instance or None, default=None
            Seeds the resamples and the cross-fitting, as in
            :func:`calibration_report`.
        n_resamples : int, default=200
            As in :func:`calibration_report`.
        n_bins : int, default=10
            As in :func:`calibration_report`.
        strategy : {"uniform", "quantile"} or array-like of edges, default="uniform"
            As in :func:`calibration_report`.
        confidence_level : float, default=0.95
            As in :func:`calibration_report`.
        baseline : float or array-like of shape (n_classes,), default=None
            As in :func:`calibration_report`.
        per_class : bool, default=False
            As in :func:`calibration_report`.

        Returns
        -------
        report : CalibrationReport
            The report on ``estimator``'s probabilities (or logits) for ``X``.

        Raises
        ------
        sklearn.exceptions.NotFittedError
            If the classifier is not fitted.
        TypeError
            If ``estimator`` is a regressor or has no ``classes_`` (a
            clusterer, a mixture, an outlier detector).
        ValueError
            If ``y`` holds labels that are not in ``classes_``, the model
            knows a single class, or its decision function has one column per
            pair of classes (``decision_function_shape="ovo"``).

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
        check_X_y(X, y)
        y_proba, from_logits, labels = response(estimator, X, response_method)
        y_proba, labels, pos_label = sorted_classes(y_proba, labels, pos_label, from_logits)
        check_y_classes(y, labels)
        return cls.from_predictions(
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
            groups=groups,
            n_resamples=n_resamples,
            random_state=random_state,
            labels=labels if y_proba.ndim == 2 else None,  # 1-D: the scores of pos_label
        )

    @classmethod
    def from_predictions(
        cls,
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
        groups=None,
        n_resamples=200,
        random_state=None,
        labels=None,
    ):
        """Report on predicted probabilities: :func:`calibration_report`, spelled as a constructor.

        Parameters
        ----------
        y_true : array-like of shape (n_samples,)
            True labels.
        y_proba : array-like of shape (n_samples,) or (n_samples, n_classes)
            Probabilities (or logits with ``from_logits``).
        sample_weight : array-like of shape (n_samples,), default=None
            As in :func:`calibration_report`.
        pos_label : int, float, bool or str, default=None
            As in :func:`calibration_report`.
        from_logits : bool, default=False
            As in :func:`calibration_report`.
        n_bins : int, default=10
            As in :func:`calibration_report`.
        strategy : {"uniform", "quantile"} or array-like of edges, default="uniform"
            As in :func:`calibration_report`.
        confidence_level : float, default=0.95
            As in :func:`calibration_report`.
        baseline : float or array-like of shape (n_classes,), default=None
            As in :func:`calibration_report`.
        per_class : bool, default=False
            As in :func:`calibration_report`.
        groups : array-like of shape (n_samples,), default=None
            As in :func:`calibration_report`.
        n_resamples : int, default=200
            As in :func:`calibration_report`.
        random_state : int, RandomState instance or None, default=None
            As in :func:`calibration_report`.
        labels : array-like of shape (n_classes,), default=None
            As in :func:`calibration_report`.

        Returns
        -------
        report : CalibrationReport
            Equal to ``calibration_report(y_true, y_proba, ...)``.

        Raises
        ------
        ValueError
            As :func:`calibration_report`.

        See Also
        --------
        calibration_report : The same report, as a function.
        from_estimator : The report on a fitted classifier's predictions.

        Examples
        --------
        >>> from skbce import CalibrationReport
        >>> report = CalibrationReport.from_predictions(
        ...     [0, 1, 1, 0, 1, 0], [0.2, 0.8, 0.35, 0.3, 0.7, 0.4], n_bins=3
        ... )
        >>> round(report.log_loss, 4)  # sklearn.metrics.log_loss: 0.4534
        0.4534
        """
        options = Settings(
            n_bins,
            strategy,
            confidence_level,
            baseline,
            per_class,
            groups,
            random_state,
            n_resamples,
        )
        given = {"pos_label": pos_label, "from_logits": from_logits, "labels": labels}
        return build_report(cls, y_true, y_proba, sample_weight, options, **given)

    # -- renderings ---------------------------------------------------------------

    def __str__(self):
        return _text.report_text(self)

    def __repr__(self):
        return (
            f"<CalibrationReport {self.task}, n={self.n_samples}, "
            f"log_loss={fmt(self.log_loss)}, ece={fmt(self.ece)}, "
            f"smooth_ece={fmt(self.smooth_ece)}>"
        )

    def to_markdown(self):
        """The report in Markdown (headings and tables).

        Returns
        -------
        text : str
            The verdict first, then the sections of the report.

        Examples
        --------
        >>> from skbce import calibration_report
        >>> report = calibration_report([0, 1, 1, 0, 1, 0], [0.2, 0.8, 0.35, 0.3, 0.7, 0.4],
        ...                             n_bins=3)
        >>> print(report.to_markdown().splitlines()[2])
        ### Calibration report: binary, calibration of P(y = 1) (positive class)
        """
        return _text.report_markdown(self)

    def _repr_html_(self):
        return _text.report_html(self)

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
            The page, also written to ``path`` when given.

        Examples
        --------
        >>> from skbce import calibration_report
        >>> report = calibration_report([0, 1, 1, 0, 1, 0], [0.2, 0.8, 0.35, 0.3, 0.7, 0.4],
        ...                             n_bins=3)
        >>> page = report.to_html()
        >>> page.startswith("<!DOCTYPE html>") and page.count("<table") >= 5
        True
        """
        return _html.report_page(self, path)

    def to_dict(self):
        """All numbers as a JSON-serialisable dict (NaN and infinity as None).

        Keys: ``verdict`` (first: ``hierarchy.summary``), ``task``,
        ``convention``, ``classes``, ``pos_label``,
        ``n_samples``, ``total_weight``, ``settings`` (``n_bins``,
        ``strategy``, ``confidence_level``, ``baseline``, ``interval``, ``n_resamples``,
        ``hosmer_lemeshow_groups``), ``scores`` (the score attributes and
        ``nce_baseline``), ``calibration_errors`` (``ece``, ``mce``,
        ``rmsce``, ``adaptive_ece``, ``smooth_ece``,
        ``smooth_ece_bandwidth``), ``tests`` (``hosmer_lemeshow``,
        ``spiegelhalter``, ``calibration_slope``, ``calibration_intercept``,
        ``calibration_in_the_large``, each a dict of its fields),
        ``decomposition`` (``log_loss`` and ``brier_score``, each with
        ``miscalibration``, ``discrimination``, ``uncertainty``, ``score``),
        ``reliability`` (column name to list), ``recalibration`` (``lower``,
        ``upper``, ``value``, ``weight``), ``hierarchy`` (``levels``, a list
        of dicts, and ``summary``), ``validation`` (``somers_dxy``,
        ``nagelkerke_r2``, ``quality_index``, and ``discrimination_index``
        and ``unreliability`` as dicts of ``index``, ``statistic``, ``dof``,
        ``pvalue``), ``curve_errors`` (``eavg``, ``e50``, ``e90``,
        ``emax``), ``flexible_curve`` (its fields, arrays as lists),
        ``recalibration_gain`` (its fields, ``methods`` a list of dicts, and
        ``recommendation``), ``binning_free`` (``debiased_rmsce``,
        ``ece_sweep``, ``ece_sweep_n_bins``), ``cumulative_tests``
        (``ks_calibration`` and ``kuiper_calibration``, each with
        ``statistic`` and ``pvalue``), ``corp_test`` (``statistic``,
        ``pvalue``, ``method``), ``intervals`` (column name to list),
        ``consistency_band`` and ``confidence_band`` (``x``, ``low``,
        ``high`` as lists and ``method``, or None), ``subgroups`` (a list of dicts, one per group,
        or None), ``folds`` (column name to list, or
        None), ``problems`` and ``notes`` (lists of str), and ``per_class``
        (class label to such a dict, or None).

        Returns
        -------
        data : dict
            Lists, str, numbers, None and nested dicts only.

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
        return report_dict(self)

    def to_frame(self, name="model"):
        """The scalar statistics as a one-row :class:`pandas.DataFrame`.

        Columns are the score and error attributes, the tests (e.g.
        ``hosmer_lemeshow_pvalue``, ``calibration_slope_low``), the
        decomposition terms (e.g. ``log_loss_miscalibration``) and the
        validation indices (``somers_dxy``, ``nagelkerke_r2``,
        ``discrimination_index`` and ``unreliability`` with their ``_chi2``
        and ``_pvalue``, ``quality_index``, ``eavg``, ``e50``, ``e90``,
        ``emax``), ``debiased_rmsce``, ``ece_sweep`` (and
        ``ece_sweep_n_bins``), the tests ``ks_calibration``,
        ``kuiper_calibration``, ``corp_test`` (with their ``_pvalue``) and
        the bounds of every row of ``intervals`` (e.g. ``log_loss_low``,
        ``ece_high``).  Rows of
        several reports concatenate (see :func:`compare_calibration`).  The
        reliability table has its own ``report.reliability.to_frame()``.

        Parameters
        ----------
        name : str, default="model"
            Index of the row.

        Returns
        -------
        frame : pandas.DataFrame
            One row, indexed by ``name``.

        Raises
        ------
        ImportError
            If pandas is not installed.

        Examples
        --------
        >>> from skbce import calibration_report
        >>> report = calibration_report([0, 1, 1, 0, 1, 0], [0.2, 0.8, 0.35, 0.3, 0.7, 0.4],
        ...                             n_bins=3)
        >>> frame = report.to_frame(name="logistic")
        >>> frame.index.tolist(), round(float(frame.loc["logistic", "log_loss"]), 4)
        (['logistic'], 0.4534)
        """
        pd = import_pandas("CalibrationReport.to_frame")
        return pd.DataFrame([frame_row(self)], index=[name])

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
        kind : {"reliability", "corp", "both", "smooth", "flexible"}, \
default="reliability"
            The binned diagram, the CORP step curve, both, the kernel
            smoothed curve of the smooth ECE, or the flexible (lowess)
            calibration curve with its band.
        histogram : bool, default=True
            Draw the histogram of predictions.
        name : str, default=None
            Legend label of the curve.

        Returns
        -------
        display : ReliabilityDisplay
            Holds the plot handles: ``ax_``, ``figure_``, ``line_`` (the main
            curve) and ``hist_ax_`` (the histogram's twin Axes or None).  The
            report itself is not modified.

        Examples
        --------
        >>> from skbce import calibration_report
        >>> report = calibration_report([0, 1, 1, 0, 1, 0], [0.2, 0.8, 0.35, 0.3, 0.7, 0.4],
        ...                             n_bins=3)
        >>> display = report.plot(kind="both")
        >>> display.ax_.get_xlabel()
        'Mean predicted probability'
        >>> import matplotlib.pyplot as plt
        >>> plt.close(display.figure_)
        """
        label = self.convention if name is None or name == "" else str(name)
        display = ReliabilityDisplay({label: self}, kind=kind, histogram=histogram)
        return display.plot(ax=ax)
