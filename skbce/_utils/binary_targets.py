"""Binary targets: the labels of a two-class problem and the scores of its positive class.

scikit-learn's rules: without ``pos_label`` the positive class is the greater
of the two labels; a cross-entropy also takes soft targets in ``[0, 1]`` and
2-D indicator matrices.
"""

import numpy as np

from skbce._utils.validation import (
    Target,
    check_array,
    check_array_like,
    check_lengths,
    check_sample_weight,
    check_scores,
    label_array,
    labels_of,
)

__all__ = [
    "as_positive_column",
    "binary_target",
    "cross_entropy_targets",
    "match_score_shape",
    "validate_binary",
]


def validate_binary(
    y_true,
    y_score,
    *,
    sample_weight=None,
    pos_label=None,
    from_logits=False,
    y_score_name="y_proba",
):
    """Validate binary labels and scores of the positive class.

    Returns
    -------
    t : ndarray of float64
        1.0 for the positive class, 0.0 for the negative one.
    p : ndarray of float64
        Probability of the positive class (``expit`` of logits when
        ``from_logits``).
    w : ndarray of float64 or None
        Sample weights.
    classes : ndarray
        The two class labels, negative first.
    """
    from scipy.special import expit

    score = check_scores(y_score, from_logits=from_logits, name=y_score_name)
    score = as_positive_column(score, y_score_name).astype(np.float64, copy=False)
    n = check_lengths(y_true=y_true, **{y_score_name: score})
    w = check_sample_weight(sample_weight, n, non_negative=True)
    target = binary_target(y_true, pos_label=pos_label)
    t = np.asarray(target.codes(), dtype=np.float64)
    p = expit(score) if from_logits else score
    return t, p, None if w is None else w.astype(np.float64, copy=False), target.classes


def as_positive_column(score, name):
    """A 1-D view of scores given as ``(n,)`` or ``(n, 1)``."""
    if score.ndim == 2 and score.shape[1] == 1:
        return score[:, 0]
    if score.ndim != 1:
        msg = f"{name} must be 1-D scores of the positive class, got shape {tuple(score.shape)}."
        raise ValueError(msg)
    return score


def binary_target(y_true, *, pos_label=None, name="y_true", one_class=False):
    """Encode binary labels; the positive class is ``pos_label``.

    Without ``pos_label`` the positive class is the greater of the two labels,
    as in scikit-learn, and ``y_true`` must hold two classes.  With
    ``pos_label``, ``y_true`` may hold that single class (the other class is
    then unknown and reported as ``None``).

    With ``one_class=True`` (scikit-learn's rule for the Brier score),
    ``y_true`` may hold a single class and ``pos_label`` may be absent from
    it; by default ``pos_label`` is 1 for labels within {0, 1} or {-1, 1},
    else the greater label, and labels of a string or object dtype need it.
    """
    check_array_like(y_true, name)
    if one_class and isinstance(y_true, list | tuple) and np.shape(y_true)[1:] == (1,):
        y_true = np.asarray(y_true)  # scikit-learn's Brier score takes a column of labels
    y, classes = labels_of(y_true, name)
    values = classes.tolist()
    if len(classes) > 2:
        msg = f"{name} must be binary, got {len(classes)} classes: {values}."
        raise ValueError(msg)
    if one_class:
        pos_label = _one_class_pos_label(values, y.dtype.kind not in "OUS", pos_label, name)
    elif pos_label is None:
        if len(classes) < 2:
            msg = (
                f"{name} contains only one class ({values[0]!r}); pass pos_label to "
                "say which class is positive."
            )
            raise ValueError(msg)
        pos_label = values[1]
    elif pos_label not in values:
        msg = f"pos_label={pos_label!r} is not a label of {name}: {values}."
        raise ValueError(msg)
    if values == [0, 1] and pos_label == 1 and y.dtype.kind in "iub":
        return Target(classes=classes, y=y, encoded=True)
    negatives = [c for c in values if c != pos_label]
    ordered = np.array([negatives[0] if negatives else None, pos_label], dtype=object)
    return Target(classes=ordered, y=y)


def _one_class_pos_label(values, numeric, pos_label, name):
    """scikit-learn's positive class of the Brier score (any ``pos_label`` is kept)."""
    if pos_label is not None:
        return pos_label
    if numeric and (set(values) <= {0, 1} or set(values) <= {-1, 1}):
        return 1
    if not numeric:
        msg = (
            f"{name} holds the labels {values} and pos_label is not given: pass "
            "pos_label, or use labels within {0, 1} or {-1, 1}."
        )
        raise ValueError(msg)
    return values[-1]


def cross_entropy_targets(y_true, *, pos_label=None, name="y_true"):
    """Targets of a binary cross-entropy: hard labels, or soft targets in [0, 1].

    Returns a :class:`Target` for hard labels (class labels of any type, or
    numbers that are all 0 or 1) and a float array for soft targets (numbers
    in ``[0, 1]``, of which some lie strictly between).  A 2-D ``y_true`` is a
    multilabel indicator (or soft target) matrix and is always numeric.
    """
    check_array_like(y_true, name)
    y = label_array(y_true)
    if y is None or y.dtype.kind not in "iubf":
        y = np.asarray(y_true)
    if y.size == 0:
        msg = f"{name} is empty (shape {y.shape}); it must hold at least one target."
        raise ValueError(msg)
    numeric = y.dtype.kind in "iubf"
    if y.ndim == 2 or (numeric and pos_label is None):
        if pos_label is not None:
            msg = "pos_label applies to 1-D class labels, not to a 2-D y_true."
            raise ValueError(msg)
        if not numeric:
            y = check_array(y, ensure_2d=False, dtype=np.float64, input_name=name)
        lowest, highest = y.min(), y.max()
        if np.isnan(lowest) or np.isnan(highest):
            msg = f"{name} contains NaN."
            raise ValueError(msg)
        if lowest >= 0 and highest <= 1:
            if y.dtype.kind in "iub" or np.all((y == 0) | (y == 1)):
                return Target(classes=np.array([0, 1]), y=y, encoded=True)
            return y
        if y.ndim == 2:
            msg = (
                f"{name} must be a multilabel indicator or soft targets within "
                f"[0, 1], got values in [{lowest}, {highest}]."
            )
            raise ValueError(msg)
    if y.ndim != 1:
        msg = f"{name} must be 1-D labels or a 2-D indicator matrix, got shape {y.shape}."
        raise ValueError(msg)
    return binary_target(y_true, pos_label=pos_label, name=name)


def match_score_shape(s, y_shape, name="y_score"):
    """``s`` as 1-D scores for 1-D targets; raise unless its shape is ``y_shape``."""
    if len(y_shape) == 1:
        s = as_positive_column(s, name)
    if tuple(s.shape) != tuple(y_shape):
        msg = f"{name} has shape {tuple(s.shape)} but y_true has shape {tuple(y_shape)}."
        raise ValueError(msg)
    return s
