"""
Comparing four models: the verdict, the bands and the subgroups
===============================================================

:func:`~skbce.compare_calibration` puts several calibration reports side by
side.  Every rendering of the comparison opens with the *verdict* of each
model (the calibration hierarchy in plain words), then the scores with their
intervals, then the details; ``to_html()`` writes all of it, diagrams
included, as one self-contained page.  This example compares four classifiers
on the same test data, then reads the verdicts, the bands of the reliability
curves and the subgroups.
"""

# %%
# Four models, one test set
# -------------------------
# A logistic regression, naive Bayes (over-confident: it multiplies
# likelihoods as if the features were independent), a random forest (timid:
# averaging trees rarely reaches 0 or 1) and a gradient-boosting model.  The
# first feature splits the test samples into two groups, passed as
# ``groups``: each report then holds a row of calibration statistics per
# group.
import tempfile
import textwrap
import warnings
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
from sklearn.datasets import make_classification
from sklearn.ensemble import (
    HistGradientBoostingClassifier,
    RandomForestClassifier,
)
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import train_test_split
from sklearn.naive_bayes import GaussianNB

from skbce import CalibrationReport, compare_calibration

X, y = make_classification(
    n_samples=4000,
    n_features=20,
    n_informative=4,
    n_redundant=8,
    random_state=0,
)
X_train, X_test, y_train, y_test = train_test_split(
    X, y, test_size=0.5, random_state=0
)
groups = np.where(X_test[:, 0] > 0, "x0 > 0", "x0 <= 0")

models = {
    "logistic": LogisticRegression(),
    "naive Bayes": GaussianNB(),
    "forest": RandomForestClassifier(random_state=0),
    "boosting": HistGradientBoostingClassifier(random_state=0),
}
reports = {}
for name, model in models.items():
    model.fit(X_train, y_train)
    # the forest predicts exact 0s and 1s: the report warns that
    # their infinite logits are left out of the calibration slope
    # (the message is kept in report.notes)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        reports[name] = CalibrationReport.from_estimator(
            model, X_test, y_test, groups=groups, random_state=0
        )
comparison = compare_calibration(reports)

# %%
# The comparison, verdicts first
# ------------------------------
# In a notebook (and here) the comparison shows itself as HTML: each model's
# verdict, then one row per statistic with the model's value and, under it,
# its 95% interval (bootstrap, DeLong for the ROC AUC, the mean of per-sample
# losses for the log loss and the Brier score), then the binned reliability
# curves overlaid.  p-values read ``0.0123`` or ``< 1e-4``, in every
# rendering.  (The gallery shows the value of a cell's last expression.)
comparison  # noqa: B018

# %%
# Reading the verdicts
# --------------------
# The hierarchy of Van Calster et al. checks, in order, *mean* calibration
# (are the predictions right on average: observed/expected near 1?), *weak*
# calibration (calibration slope near 1: not too extreme, not too timid) and
# *moderate* calibration (the flexible calibration curve near the diagonal
# where the predictions lie).  The verdict names the first level that fails,
# why, and what recalibration would fix it.
for name, report in reports.items():
    verdict = f"{name}: {report.hierarchy.summary}"
    print(textwrap.fill(verdict, 66, subsequent_indent="    "))
    advice = report.recalibration_gain.recommendation
    print(f"    recommended recalibration: {advice}")

# %%
# The bands of the curves
# -----------------------
# A reliability curve wiggles by chance; its bands say how much.  The CORP
# curve (``kind="corp"``) is the isotonic recalibration of the predictions:
# its *consistency band* (grey) is where the curve would lie if the
# predictions were calibrated, so a curve leaving the band is evidence of
# miscalibration; its *confidence band* (red) is where the curve itself
# lies, bootstrapped.  The flexible curve (``kind="flexible"``, lowess as R's
# ``val.prob``) comes with its own pointwise band.  The histogram under each
# diagram counts the predictions (its own axis, on the right): where there
# are few, the bands widen.  Naive Bayes's verdict says its predictions are
# too low on average; its CORP curve runs above the diagonal and out of the
# consistency band.
fig, axes = plt.subplots(1, 2, figsize=(11, 5.2))
bayes = reports["naive Bayes"]
bayes.plot(ax=axes[0], kind="corp", name="naive Bayes")
bayes.plot(ax=axes[1], kind="flexible", name="naive Bayes")
for ax in axes:
    ax.set_title(ax.get_title(loc="left"), loc="left", fontsize=7)
fig.tight_layout()
plt.show()

# %%
# The CORP test turns the consistency band into a p-value, and the
# cumulative (Kolmogorov-Smirnov and Kuiper) tests need no bins at all.
# p-values are printed as the reports print them: ``0.0123`` or ``< 1e-4``.


def p_text(p):
    return f"= {p:.4f}" if p >= 1e-4 else "< 1e-4"


for name, report in reports.items():
    corp = p_text(report.corp_test.pvalue)
    ks = p_text(report.ks_calibration.pvalue)
    print(f"{name:>11}: CORP test p {corp}, KS p {ks}")

# %%
# Subgroups
# ---------
# A model calibrated overall can be off in a subgroup.  With ``groups``,
# each report holds one row per group: its observed/expected ratio, its
# calibration-in-the-large and its slope, each with an interval, and its
# own verdict.  The HTML page draws them as small multiples, one panel per
# statistic.


def estimate(est):
    return f"{est.estimate:.2f} [{est.low:.2f}, {est.high:.2f}]"


for name, report in reports.items():
    for row in report.subgroups:
        oe = estimate(row.observed_expected)
        slope = estimate(row.calibration_slope)
        print(f"{name:>11} {row.group:<7} O/E {oe}  slope {slope}")

# %%
# The whole page
# --------------
# ``to_html(path)`` writes every model's full report on one page: verdicts,
# the table, the overlaid curves, then per model its reliability diagram
# (bins with Wilson intervals and counts, CORP curve with its bands, flexible
# curve with its band, histogram), the recalibration advice, the subgroup
# table and panels, and every statistic with a line saying what it means.
# The page needs no network and no script: open it in any browser, or send
# it.
path = Path(tempfile.gettempdir()) / "skbce_comparison.html"
page = comparison.to_html(path, title="Four models, one test set")
print(f"{len(page):,} characters, {page.count('<svg')} diagrams")
