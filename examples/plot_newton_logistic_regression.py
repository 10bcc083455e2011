"""
Logistic regression by Newton's method with ``bce_gradient_hessian``
====================================================================

Logistic regression minimizes the binary cross-entropy of the logits
:math:`z = X w`.  :func:`skbce.bce_gradient_hessian` gives the derivatives of
each sample's loss in its logit, ``p - y`` and ``p (1 - p)``; the chain rule
turns them into the gradient :math:`X^T g` and the Hessian :math:`X^T
\\mathrm{diag}(h) X` of the weights, and Newton's method converges in a few
steps to the unpenalized maximum-likelihood fit, the coefficients of
``LogisticRegression(C=np.inf)``.
"""

# %%
import matplotlib.pyplot as plt
import numpy as np
from sklearn.datasets import make_classification
from sklearn.linear_model import LogisticRegression

from skbce import bce_gradient_hessian, binary_cross_entropy

X, y = make_classification(
    n_samples=1000, n_features=5, n_informative=3, n_redundant=0, flip_y=0.1, random_state=0
)
X1 = np.column_stack([np.ones(len(X)), X])  # a column of ones for the intercept

# %%
# Newton's method
# ---------------
# Each step solves :math:`H \delta = X^T g` and moves the weights by
# :math:`-\delta`.  The loss is convex, and the data are not separable (10% of
# the labels are flipped) and the features are linearly independent, so the
# minimum exists and is unique.
w = np.zeros(X1.shape[1])
losses = [binary_cross_entropy(y, X1 @ w, from_logits=True)]
for _ in range(10):
    g, h = bce_gradient_hessian(y, X1 @ w)
    gradient = X1.T @ g
    hessian = X1.T @ (h[:, None] * X1)
    w -= np.linalg.solve(hessian, gradient)
    losses.append(binary_cross_entropy(y, X1 @ w, from_logits=True))
    if np.max(np.abs(gradient)) < 1e-10:
        break
print(f"{len(losses) - 1} Newton steps, final loss {losses[-1]:.10f}")

# %%
# The same coefficients as scikit-learn
# -------------------------------------
reference = LogisticRegression(C=np.inf, tol=1e-12, max_iter=10_000).fit(X, y)
print("Newton:      ", np.round(w, 6))
print("scikit-learn:", np.round(np.r_[reference.intercept_, reference.coef_[0]], 6))
print("largest difference:", np.max(np.abs(w - np.r_[reference.intercept_, reference.coef_[0]])))

# %%
# Quadratic convergence
# ---------------------
# Close to the minimum Newton's method doubles the number of correct digits
# at each step: the excess loss falls like :math:`\epsilon, \epsilon^2,
# \epsilon^4, \dots` until it reaches the rounding of float64.
excess = np.array(losses) - losses[-1]
fig, ax = plt.subplots()
ax.semilogy(np.arange(len(excess) - 1), excess[:-1], marker="o")
ax.set(xlabel="Newton step", ylabel="loss - final loss")
plt.show()
