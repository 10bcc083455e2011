"""
Choosing hyper-parameters by log loss rather than accuracy
==========================================================

Accuracy only sees on which side of 0.5 each prediction falls, so it cannot
tell confident probabilities from timid ones, and on a few hundred validation
samples it moves in steps that are mostly noise.  The log loss scores the
probabilities themselves.  Here both tune the number of neighbours of a
k-nearest-neighbours classifier, whose probabilities are the fraction of
positive neighbours: few neighbours give coarse, over-confident
probabilities.
"""

# %%
# Data and a grid search scored by both
# -------------------------------------
# ``skbce.get_scorer("neg_log_loss")`` is a scorer like scikit-learn's (the
# loss is negated so that greater is better); the search records accuracy
# too, and refits the candidate with the best log loss.
import matplotlib.pyplot as plt
import numpy as np
from sklearn.datasets import make_classification
from sklearn.model_selection import GridSearchCV, StratifiedKFold, train_test_split
from sklearn.neighbors import KNeighborsClassifier
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from skbce import calibration_report, compare_calibration, get_scorer

X, y = make_classification(
    n_samples=1500, n_features=10, n_informative=4, flip_y=0.05, random_state=7
)
X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=500, random_state=0)

neighbours = [1, 2, 3, 5, 8, 13, 21, 34, 55, 89, 144]
search = GridSearchCV(
    make_pipeline(StandardScaler(), KNeighborsClassifier()),
    {"kneighborsclassifier__n_neighbors": neighbours},
    scoring={"log_loss": get_scorer("neg_log_loss"), "accuracy": "accuracy"},
    refit="log_loss",
    cv=StratifiedKFold(5, shuffle=True, random_state=0),
)
search.fit(X_train, y_train)
res = search.cv_results_
best_loss = neighbours[int(np.argmin(res["rank_test_log_loss"]))]
best_accuracy = neighbours[int(np.argmin(res["rank_test_accuracy"]))]
print(f"log loss picks k={best_loss}, accuracy picks k={best_accuracy}")

# %%
# The two criteria along the grid
# -------------------------------
# Accuracy is flat within its fold-to-fold spread over most of the grid: its
# maximum is a coin toss among many candidates.  The log loss has a clear
# minimum: with one neighbour every prediction is 0 or 1 and every mistake
# costs the clipped maximum of 36 nats.
fig, (ax_loss, ax_acc) = plt.subplots(2, 1, sharex=True, figsize=(6, 6))
ax_loss.errorbar(neighbours, -res["mean_test_log_loss"], res["std_test_log_loss"], marker="o")
ax_loss.axvline(best_loss, color="C1", linestyle="--", label=f"best log loss (k={best_loss})")
ax_loss.set(yscale="log", ylabel="log loss (CV, lower is better)")
ax_loss.legend()
ax_acc.errorbar(neighbours, res["mean_test_accuracy"], res["std_test_accuracy"], marker="o")
ax_acc.axvline(
    best_accuracy, color="C2", linestyle="--", label=f"best accuracy (k={best_accuracy})"
)
ax_acc.set(xscale="log", xlabel="number of neighbours k", ylabel="accuracy (CV)")
ax_acc.legend()
fig.tight_layout()

# %%
# What the choice means on new data
# ---------------------------------
# On the held-out test set the two choices have the same accuracy.  The
# log-loss choice has a much lower log loss, and the CORP decomposition says
# why: far less miscalibration.  With 21 neighbours some samples still get
# probability exactly 0 or 1, and each such miss costs the clipped 36 nats.
# The Brier score and the binned errors (ECE), which do not punish confident
# misses as hard, rate the two alike.  The calibration slopes show the two
# ways of missing: below 1 is over-confident, above 1 timid.  When
# probabilities drive decisions, a confident mistake is the expensive one,
# and the log loss is the criterion that prices it.
reports = {}
for k in sorted({best_loss, best_accuracy}):
    model = make_pipeline(StandardScaler(), KNeighborsClassifier(n_neighbors=k))
    model.fit(X_train, y_train)
    accuracy = model.score(X_test, y_test)
    reports[f"k={k} (accuracy {accuracy:.3f})"] = calibration_report(
        y_test, model.predict_proba(X_test)[:, 1], n_bins=8
    )
comparison = compare_calibration(reports)
print(comparison)

# %%
comparison.plot()
plt.title("Reliability on the test set")
plt.show()
