"""
Calibration reports before and after CalibratedClassifierCV
===========================================================

Classifiers err on the side their method leans to: naive Bayes multiplies
likelihoods as if the features were independent and pushes probabilities to
0 and 1, a random forest averages trees and rarely reaches 0 or 1, a
logistic regression fits the log-odds directly.  The calibration report says
which way each one errs and by how much, and whether recalibration with
:class:`~sklearn.calibration.CalibratedClassifierCV` helps.
"""

# %%
# Four classifiers on the same data
# ---------------------------------
import matplotlib.pyplot as plt
from sklearn.calibration import CalibratedClassifierCV
from sklearn.datasets import make_classification
from sklearn.ensemble import RandomForestClassifier
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import train_test_split
from sklearn.naive_bayes import GaussianNB
from sklearn.svm import LinearSVC

from skbce import CalibrationReport, compare_calibration

X, y = make_classification(
    n_samples=6000, n_features=20, n_informative=4, n_redundant=8, random_state=0
)
X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.5, random_state=0)

models = {
    "logistic regression": LogisticRegression(),
    "naive Bayes": GaussianNB(),
    "random forest": RandomForestClassifier(n_estimators=50, random_state=0),
    "linear SVC": LinearSVC(),
}

# %%
# The reports are computed on the test half.  ``from_estimator`` uses
# ``predict_proba``, or the decision values read as logits for the linear SVC,
# which has no probabilities.
before = {}
for name, model in models.items():
    model.fit(X_train, y_train)
    before[name] = CalibrationReport.from_estimator(model, X_test, y_test)
comparison = compare_calibration(before)
print(comparison)

# %%
# The calibration slope tells the direction.  Naive Bayes is over-confident
# (slope well below 1).  The linear SVC's margins, read as logits, are far too
# timid (slope above 2): their scale is arbitrary, not a log-odds.  The random
# forest is a little timid, the logistic regression about right.  The ROC AUC
# ranks the models differently from the log loss: ranking and calibration
# are separate qualities.
# ``plot`` returns a display holding the matplotlib handles (``ax_``,
# ``figure_``, one curve per model in ``lines_``); the reports are left as they are.
display = comparison.plot()
display.ax_.set_title("Before recalibration")
plt.show()

# %%
# After CalibratedClassifierCV
# ----------------------------
# Sigmoid (Platt) recalibration fits ``logit P(y = 1) = a z + b`` on
# cross-validated predictions; isotonic regression fits any increasing map
# and needs more data.  Both leave the ranking, hence the ROC AUC, nearly
# unchanged: recalibration repairs the probabilities, not the model.
after = {}
for name, model in models.items():
    calibrated = CalibratedClassifierCV(model, method="sigmoid", cv=3)
    calibrated.fit(X_train, y_train)
    after[name] = CalibrationReport.from_estimator(calibrated, X_test, y_test)

for name in models:
    b, a = before[name], after[name]
    print(
        f"{name:>20}: log loss {b.log_loss:.3f} -> {a.log_loss:.3f}, "
        f"slope {b.calibration_slope.estimate:.2f} -> {a.calibration_slope.estimate:.2f}, "
        f"ROC AUC {b.roc_auc:.3f} -> {a.roc_auc:.3f}"
    )

# %%
fig, axes = plt.subplots(1, 2, figsize=(11, 4.5), sharey=True)
compare_calibration(before).plot(ax=axes[0]).ax_.set_title("before")
compare_calibration(after).plot(ax=axes[1]).ax_.set_title("after CalibratedClassifierCV (sigmoid)")
fig.tight_layout()
plt.show()

# %%
# The decomposition of the log loss makes the gain exact: recalibration
# shrinks the *miscalibration* term and leaves *discrimination* (what the
# ranking is worth) about where it was.
for name in models:
    b = before[name].decomposition["log_loss"]
    a = after[name].decomposition["log_loss"]
    print(
        f"{name:>20}: miscalibration {b.miscalibration:.3f} -> {a.miscalibration:.3f}, "
        f"discrimination {b.discrimination:.3f} -> {a.discrimination:.3f}"
    )

# %%
# The verdict, the recalibration advice and the subgroups
# --------------------------------------------------------
# Each report starts with the calibration hierarchy's verdict (mean, weak,
# moderate calibration) in plain words, and says which recalibration, if any,
# would pay off out of sample (cross-fitted on the test half): the forest's
# and naive Bayes' flexible miscalibration calls for isotonic or logistic
# recalibration, the logistic regression needs none.
for name in models:
    print(f"{name}: {before[name].hierarchy.summary}")
    print(f"    recommended recalibration: {before[name].recalibration_gain.recommendation}")

# %%
# With ``groups``, every group gets its own row (size, O/E, slope, log loss,
# ECE and its own verdict): here the samples split by the sign of the first
# feature.  A model calibrated overall can be off in a subgroup.
groups = (X_test[:, 0] > 0).astype(int)
by_group = CalibrationReport.from_estimator(models["naive Bayes"], X_test, y_test, groups=groups)
for row in by_group.subgroups:
    print(
        f"group {row.group}: n = {row.n_samples}, O/E {row.observed_expected.estimate:.2f}, "
        f"slope {row.calibration_slope.estimate:.2f}, holds: "
        + ", ".join(f"{lv.level} {lv.holds}" for lv in row.hierarchy.levels[:3])
    )
