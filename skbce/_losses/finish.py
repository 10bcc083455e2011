"""The one finishing step of every loss: from mergeable sums to the number returned."""

import warnings

import numpy as np

from skbce._losses.kernels import baseline_loss

__all__ = ["baseline_loss_of", "check_weight_sum", "finish", "result_dtype", "warn_infinite"]


def result_dtype(score_dtype, weight_dtype=None):
    """The dtype a result is rounded to: that of the scores, widened by the weights."""
    if weight_dtype is None:
        return np.dtype(score_dtype)
    return np.result_type(score_dtype, weight_dtype)


def check_weight_sum(weight):
    """Raise if the weights sum to zero (the weighted mean is undefined)."""
    if weight == 0:
        msg = (
            "sample_weight sums to zero, so the weighted mean is undefined; "
            "use normalize=False for the weighted sum."
        )
        raise ValueError(msg)


def warn_infinite(n_infinite, stacklevel=4):
    """Warn that ``n_infinite`` samples have an infinite loss (``clip=None``)."""
    if n_infinite:
        warnings.warn(
            f"{n_infinite} samples have probability 0 for their true class and an "
            "infinite loss (clip=None).",
            RuntimeWarning,
            stacklevel=stacklevel,
        )


def finish(sums, dtype, reduction="mean"):
    """The loss from its sums: the weighted sum or mean, rounded to ``dtype``.

    ``sums`` are the :class:`~skbce._losses.sums.LossSums` over all the data;
    ``dtype`` the dtype of the result (see :func:`result_dtype`);
    ``reduction`` is ``"mean"`` (an error if the weights sum to zero) or
    ``"sum"``.  Warns first when some samples have an infinite loss.

    Examples
    --------
    >>> import numpy as np
    >>> from skbce._losses.sums import LossSums
    >>> from skbce._losses.finish import finish
    >>> finish(LossSums(1.5, 3.0), np.dtype(np.float64))
    0.5
    """
    warn_infinite(sums.n_infinite)
    if reduction == "sum":
        return float(dtype.type(np.ldexp(sums.loss, sums.scale)))
    check_weight_sum(sums.weight)
    return float(dtype.type(sums.loss / sums.weight))


def baseline_loss_of(baseline, sums):
    """The normalized cross-entropy's denominator: the loss of always predicting the base rate.

    ``baseline`` (checked) or, when None, the positive rate of ``sums``
    (whose ``class_weight`` holds the weight of each class), predicted for
    every sample of ``sums``.
    """
    check_weight_sum(sums.weight)
    negative, positive = (float(v) for v in sums.class_weight)
    if baseline is None and not (negative > 0 and positive > 0):
        msg = (
            "y_true holds a single class, or sample_weight leaves a class without "
            f"positive weight (class weights {negative!r} and {positive!r}), so its base "
            "rate has zero or undefined entropy; pass baseline (e.g. the positive rate "
            "of the training data)."
        )
        raise ValueError(msg)
    return baseline_loss(negative, positive, baseline)
