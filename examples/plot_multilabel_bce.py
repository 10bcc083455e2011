"""
Binary cross-entropy of multilabel data
=======================================

In multilabel data each sample may carry several labels at once (a document's
topics, the objects in a picture), so each label is its own yes/no question.
The loss is the binary cross-entropy of every (sample, label) pair,
:func:`skbce.binary_cross_entropy`.  :func:`skbce.log_loss` refuses such data
rather than return a number that is neither this loss nor a categorical log
loss.
"""

# %%
# A multilabel problem and a model per label
# ------------------------------------------
import matplotlib.pyplot as plt
import numpy as np
from sklearn.datasets import make_multilabel_classification
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import train_test_split
from sklearn.multioutput import MultiOutputClassifier

from skbce import binary_cross_entropy, log_loss

X, Y = make_multilabel_classification(
    n_samples=2000, n_features=20, n_classes=6, n_labels=2, random_state=0
)
X_train, X_test, Y_train, Y_test = train_test_split(X, Y, test_size=0.5, random_state=0)
model = MultiOutputClassifier(LogisticRegression(max_iter=1000)).fit(X_train, Y_train)

# ``predict_proba`` gives one (n_samples, 2) array per label: keep the
# probability of "yes" of each, as a (n_samples, n_labels) matrix.
P = np.column_stack([proba[:, 1] for proba in model.predict_proba(X_test)])
print("label frequencies:", Y_test.mean(axis=0).round(2))

# %%
# One number, and one per label
# -----------------------------
# The loss averages over labels, then over samples.  ``reduction="none"``
# keeps every (sample, label) term, so the loss of each label is a column
# mean; their mean is the overall loss.
print(f"binary cross-entropy: {binary_cross_entropy(Y_test, P):.4f}")
terms = binary_cross_entropy(Y_test, P, reduction="none")
per_label = terms.mean(axis=0)
print("per label:", per_label.round(4), "mean:", round(per_label.mean(), 4))

# %%
# A label's loss depends on how rare it is, so compare each with the loss of
# predicting its frequency (the entropy of the label): below it the model has
# learnt something about that label.
rate = Y_test.mean(axis=0)
entropy = -(rate * np.log(rate) + (1 - rate) * np.log(1 - rate))
labels = np.arange(Y.shape[1])
fig, ax = plt.subplots()
ax.bar(labels - 0.2, per_label, width=0.4, label="model")
ax.bar(labels + 0.2, entropy, width=0.4, label="predicting the label frequency")
ax.set(xlabel="label", ylabel="binary cross-entropy (nats)", xticks=labels)
ax.legend()
plt.show()

# %%
# Weighting the positives: ``pos_weight``
# ----------------------------------------
# When missing a positive costs more than a false alarm, ``pos_weight``
# multiplies the positive term of each label, as in PyTorch's
# ``BCEWithLogitsLoss``; here the weights make positives and negatives of
# each label count equally.
pos_weight = (1 - Y_train.mean(axis=0)) / Y_train.mean(axis=0)
print("pos_weight:", pos_weight.round(2))
weighted = binary_cross_entropy(Y_test, P, pos_weight=pos_weight)
print(f"weighted binary cross-entropy: {weighted:.4f}")

# %%
# Why ``log_loss`` refuses
# ------------------------
# scikit-learn's ``log_loss`` reads a multilabel matrix as if each row were a
# single class and returns a number; skbce says what to use instead.
try:
    log_loss(Y_test, P)
except ValueError as error:
    print(error)
