"""
Scoring a LinearSVC through its decision function
=================================================

:class:`~sklearn.svm.LinearSVC` has no ``predict_proba``, so scikit-learn's
``"neg_log_loss"`` cannot score it.  skbce's scorers read its
``decision_function`` as logits: the log loss becomes the logistic loss of
the margin, which is enough to tune the SVC.  But margins are not calibrated
logits; a single scale factor (temperature scaling) shows how far off they
are.
"""

# %%
# Tuning C by the log loss of the margins
# ---------------------------------------
import matplotlib.pyplot as plt
import numpy as np
from scipy.optimize import minimize_scalar
from sklearn.calibration import CalibratedClassifierCV
from sklearn.datasets import make_classification
from sklearn.model_selection import GridSearchCV, train_test_split
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.svm import LinearSVC

from skbce import binary_cross_entropy, get_scorer, log_loss

X, y = make_classification(n_samples=3000, n_features=20, n_informative=5, random_state=0)
X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.4, random_state=0)

search = GridSearchCV(
    make_pipeline(StandardScaler(), LinearSVC()),
    {"linearsvc__C": np.logspace(-4, 1, 6)},
    scoring=get_scorer("neg_log_loss"),
)
search.fit(X_train, y_train)
res = search.cv_results_
for C, score in zip(res["param_linearsvc__C"], res["mean_test_score"], strict=True):
    print(f"C={C:<8g} log loss of the margins {-score:.4f}")
svc = search.best_estimator_

# %%
# How far the margins are from logits
# -----------------------------------
# ``binary_cross_entropy(..., from_logits=True)`` scores logits directly,
# without overflow.  Scaling the margins by a factor ``t`` changes no
# prediction and no ranking, only the confidence: the log loss as a function
# of ``t`` has its minimum where the scaled margins are best read as logits.
z_test = svc.decision_function(X_test)
scales = np.logspace(-1, 1.5, 60)
losses = [binary_cross_entropy(y_test, t * z_test, from_logits=True) for t in scales]
z_train = svc.decision_function(X_train)
fit = minimize_scalar(
    lambda t: binary_cross_entropy(y_train, t * z_train, from_logits=True),
    bounds=(0.01, 100),
    method="bounded",
)
print(f"best scale on the training data: t = {fit.x:.2f}")

fig, ax = plt.subplots()
ax.plot(scales, losses)
ax.axvline(1, color="0.5", linestyle="--", label="raw margins (t = 1)")
ax.axvline(fit.x, color="C1", linestyle="--", label=f"fitted scale t = {fit.x:.2f}")
ax.set(xscale="log", xlabel="scale t of the margins", ylabel="log loss on the test set")
ax.legend()
plt.show()

# %%
# Margins of a hinge loss sit around +-1 by construction, whatever the true
# confidence; here they must be stretched by the factor above to become
# reasonable logits.  :class:`~sklearn.calibration.CalibratedClassifierCV`
# with ``method="sigmoid"`` fits such a scale (and a shift) on
# cross-validated margins and gives proper probabilities:
calibrated = CalibratedClassifierCV(svc, method="sigmoid", cv=3).fit(X_train, y_train)
results = {
    "raw margins as logits": binary_cross_entropy(y_test, z_test, from_logits=True),
    f"margins times {fit.x:.2f}": binary_cross_entropy(y_test, fit.x * z_test, from_logits=True),
    "CalibratedClassifierCV": log_loss(y_test, calibrated.predict_proba(X_test)),
}
for name, loss in results.items():
    print(f"{name:<24} log loss {loss:.4f}")
