"""The calibration report: numbers from :mod:`skbce._calibration`, rendered by :mod:`skbce._render`.

:func:`calibration_report` validates its inputs once, hands sorted arrays to
the calibration layer and wraps the numbers in a :class:`CalibrationReport`
(declared fields), whose methods call the renderers: text, Markdown, HTML, a
dict, a pandas DataFrame and the reliability diagram (a display object).
This module gathers the public names of the report layer.
"""

from skbce._render.plot import ReliabilityDisplay
from skbce._report.comparison import CalibrationComparison, compare_calibration
from skbce._report.cross_val import cross_val_calibration_report
from skbce._report.objects import CalibrationReport
from skbce._report.table import Table

__all__ = [
    "CalibrationComparison",
    "CalibrationReport",
    "ReliabilityDisplay",
    "Table",
    "calibration_report",
    "compare_calibration",
    "cross_val_calibration_report",
]


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
    groups=None,
    n_resamples=200,
    random_state=None,
    labels=None,
):
    """Calibration report of predicted probabilities: scores, errors, tests.

    One weighted pass gathers what otherwise takes several libraries: the
    scores (log loss, Brier, normalized cross-entropy, D2, ROC AUC), a
    reliability table with intervals and empty bins kept, the calibration
    errors (ECE, MCE, RMSCE, adaptive ECE, smooth ECE), the Hosmer-Lemeshow
    and Spiegelhalter tests, the Cox calibration slope and intercept, and the
    CORP decomposition ``score = miscalibration - discrimination +
    uncertainty`` of the log loss and the Brier score; and what a clinical
    validation reports: every index of R's ``rms::val.prob`` (Somers' Dxy,
    Nagelkerke's R2, the D, U and Q indices, the flexible calibration curve
    and its errors Eavg (ICI), E50, E90, Emax), the calibration hierarchy of
    Van Calster et al. as a verdict, calibration per subgroup (``groups``)
    and what recalibration would gain, cross-fitted; the Kolmogorov-Smirnov
    and Kuiper tests of the cumulative differences; and the uncertainty of
    it all: an interval on every headline number (``report.intervals``:
    exact or asymptotic where a good method exists, bootstrap elsewhere),
    consistency and confidence bands on the CORP curve and the CORP
    miscalibration test.  Every quantity honours
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
    groups : array-like of shape (n_samples,), default=None
        A group label per sample (numbers, strings or booleans; no NaN):
        ``report.subgroups`` then holds one row of calibration statistics and
        a hierarchy verdict per group.  A group too small for a statistic gets
        NaN and a note, never an error.
    n_resamples : int, default=200
        Resamples of the bootstrap intervals in ``report.intervals``, of the
        bands ``report.consistency_band`` and ``report.confidence_band`` and
        of ``report.corp_test``.  0 turns resampling off: the bootstrap rows
        get NaN bounds, the consistency band its asymptotic version, the
        confidence band None and the test a NaN p-value; the exact intervals
        stay.
    random_state : int, RandomState instance or None, default=None
        Seeds the random parts of the report: the resamples and the
        assignment of samples to the 5 folds of the cross-fitting of
        ``report.recalibration_gain``.  None uses a fixed seed (0), so that
        two reports of the same data are equal; the same int gives the same
        report, another int other draws.
    labels : array-like of shape (n_classes,), default=None
        The classes of the columns of a probability matrix, sorted, as in
        :func:`skbce.log_loss`: for data that lack some of the model's
        classes.  None takes the classes of ``y_true``.  Not for 1-D
        probabilities (``pos_label`` names their class).

    Returns
    -------
    report : CalibrationReport
        Numbers as attributes; ``str(report)``, ``to_markdown()``,
        ``to_dict()``, ``to_frame()``, ``plot()``.

    Raises
    ------
    ValueError
        For probabilities outside [0, 1] or NaN, a single class, invalid
        ``n_bins``, ``strategy``, ``confidence_level`` or ``baseline``, or
        ``groups`` of the wrong length or with missing labels, or
        ``n_resamples`` not an integer >= 0.

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

    Intervals (``report.intervals``, at ``confidence_level``): Student t on
    the mean of the per-sample losses for the log loss and the Brier score,
    DeLong for the ROC AUC, log-normal for the observed/expected ratio; the
    basic bootstrap for the calibration errors, Eavg/E50/E90/Emax and the
    decomposition terms.  Resamples are Poisson bootstraps drawn on cells of
    the sorted data: one cell per distinct prediction when there are at
    most 1024 (exact), else 1024 runs of equal weight
    (:mod:`skbce._calibration.resampling`), so that their cost does not grow
    with the number of samples.  The consistency band follows R's
    ``reliabilitydiag``: resampling up to ``max(1000, min(5000, 50 G))``
    samples (``G`` distinct predictions), asymptotic beyond
    (:mod:`skbce._calibration.corp_bands`).

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
    .. [6] E. R. DeLong, D. M. DeLong and D. L. Clarke-Pearson (1988). Comparing
       the areas under two or more correlated receiver operating
       characteristic curves: a nonparametric approach. Biometrics 44(3).

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
    >>> bool(abs(d.miscalibration - d.discrimination + d.uncertainty - d.score) < 1e-12)
    True
    >>> report.reliability.count[:3]
    array([210, 209, 185])
    >>> row = next(iter(report.intervals))  # rows as dicts
    >>> row["statistic"], row["method"]
    ('log_loss', 't (mean of per-sample losses)')
    >>> report.corp_test.pvalue > 0.05
    True
    """
    return CalibrationReport.from_predictions(
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
        groups=groups,
        n_resamples=n_resamples,
        random_state=random_state,
        labels=labels,
    )
