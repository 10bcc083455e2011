"""Metrics of decision values read as logits, for scorers of estimators without predict_proba.

:func:`log_loss` and :func:`d2_log_loss_score` take probabilities; their
scorers call the functions here, with the same signatures, when they score a
``decision_function``.  Binary margins go through the stable logits path of
:func:`~skbce.binary_cross_entropy` (``from_logits=True``), decision values
of more classes through the softmax kernel
(:func:`skbce._losses.softmax.softmax_sums`).  Nothing is clipped: a margin
of 800 against the true class costs 800 nats (a probability rounded to 0
would cost ``-log(eps)``, 36 nats).  Only a class the model never saw (its
logit is ``-inf``: probability 0) costs ``-log(eps)``, as probability 0 does
in :func:`log_loss`.
"""

import warnings

import numpy as np
from sklearn.exceptions import UndefinedMetricWarning

from skbce._losses.finish import check_weight_sum, finish, result_dtype
from skbce._losses.kernels import prior_log_loss_sum
from skbce._losses.numpy_sums import bce_sums_of
from skbce._losses.options import loss_options
from skbce._losses.softmax import softmax_sums
from skbce._utils.numeric import scaled_weights
from skbce._utils.options import check_bool
from skbce._utils.validation import check_lengths, check_sample_weight, check_target

__all__ = ["d2_log_loss_of_logits", "log_loss_of_logits"]


def _logit_sums(y_true, z, sample_weight, labels, *, class_totals=False):
    """Validate; return the log-loss sums of logits ``z`` and the result dtype."""
    if z.ndim == 1:  # binary margins: the logits path of binary_cross_entropy
        options = loss_options("bce", from_logits=True, class_totals=class_totals)
        return bce_sums_of(options, y_true, z, sample_weight)
    n = check_lengths(y_true=y_true, y_score=z)
    w = check_sample_weight(sample_weight, n)
    codes = np.asarray(check_target(y_true, labels=labels).codes(), dtype=np.intp)
    dtype = result_dtype(z.dtype, None if w is None else w.dtype)
    w, scale = scaled_weights(w)
    unseen = -np.log(np.finfo(z.dtype).eps)  # probability 0, clipped as in log_loss
    sums = softmax_sums(z, codes, w, class_totals=class_totals, unseen_loss=unseen)
    return sums._replace(scale=scale), dtype


def log_loss_of_logits(y_true, z, *, normalize=True, sample_weight=None, labels=None):
    """Log loss of logits: :func:`skbce.log_loss` of ``expit(z)`` or ``softmax(z)``, unclipped.

    Parameters
    ----------
    y_true : array-like of shape (n_samples,)
        True labels: 0 and 1 for 1-D ``z``, else labels of ``labels``.
    z : ndarray of shape (n_samples,) or (n_samples, n_classes)
        Validated, finite logits: of class 1 (1-D), or one column per class
        of ``labels`` (``-inf`` for a class the model never saw).
    normalize : bool, default=True
        Weighted mean (True) or weighted sum (False).
    sample_weight : array-like of shape (n_samples,), default=None
        Sample weights.
    labels : array-like, default=None
        The classes, one per column of ``z``.

    Returns
    -------
    loss : float
        In the dtype of ``z`` (widened by that of the weights).

    Examples
    --------
    >>> import numpy as np
    >>> from skbce._scorer.logits import log_loss_of_logits
    >>> log_loss_of_logits(np.array([0, 1]), np.array([800.0, 800.0]), labels=[0, 1])
    400.0
    """
    reduction = "mean" if check_bool(normalize, "normalize") else "sum"
    sums, dtype = _logit_sums(y_true, z, sample_weight, labels)
    return finish(sums, dtype, reduction)


def d2_log_loss_of_logits(y_true, z, *, sample_weight=None, labels=None):
    """:func:`skbce.d2_log_loss_score` of logits: ``1 - L / L0``, with ``L`` unclipped.

    ``L`` is :func:`log_loss_of_logits` and ``L0`` the log loss of the
    (weighted) class frequencies of ``y_true``.  Parameters as for
    :func:`log_loss_of_logits`.

    Returns
    -------
    d2 : float
        NaN, with an :class:`~sklearn.exceptions.UndefinedMetricWarning`, for
        fewer than two samples.

    Examples
    --------
    >>> import numpy as np
    >>> from skbce._scorer.logits import d2_log_loss_of_logits
    >>> d2_log_loss_of_logits(np.array([0, 1, 1, 0]), np.array([-3.0, 2.0, 1.0, 0.0]))
    0.5737...
    """
    if check_lengths(y_true=y_true, y_score=z) < 2:
        msg = "D^2 score is not well-defined with less than two samples."
        warnings.warn(msg, UndefinedMetricWarning, stacklevel=2)
        return float("nan")
    sums, dtype = _logit_sums(y_true, z, sample_weight, labels, class_totals=True)
    check_weight_sum(sums.weight)
    return 1.0 - float(dtype.type(sums.loss)) / prior_log_loss_sum(sums)
