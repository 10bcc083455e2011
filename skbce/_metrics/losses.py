"""Log loss and the binary cross-entropy family: the public metrics.

Each metric checks its options once into a
:class:`~skbce._losses.options.LossOptions`, gets mergeable sums from the
backend the inputs call for (:func:`skbce._backends.dispatch.loss_sums`:
numpy block kernels, an array-API namespace or Dask chunks), and finishes
them with :func:`skbce._losses.finish.finish`.
"""

import warnings

import numpy as np
from sklearn.exceptions import UndefinedMetricWarning

from skbce._backends.dispatch import loss_sums, loss_values
from skbce._losses.finish import baseline_loss_of, check_weight_sum, finish, warn_infinite
from skbce._losses.kernels import prior_log_loss_sum
from skbce._losses.numpy_sums import brier_sums_of
from skbce._losses.options import host_option, loss_options
from skbce._utils.binary_targets import binary_target
from skbce._utils.options import (
    DEPRECATED,
    InvalidParameterError,
    positive_rate,
    renamed_y_proba,
)
from skbce._utils.validation import check_array_like, check_label_type, check_lengths

__all__ = [
    "binary_cross_entropy",
    "brier_score_loss",
    "d2_log_loss_score",
    "log_loss",
    "normalized_cross_entropy",
]


def log_loss(
    y_true, y_proba=None, *, normalize=True, sample_weight=None, labels=None, y_pred=DEPRECATED
):
    r"""Log loss, also known as logistic loss or cross-entropy loss.

    The negative log-likelihood of the true labels under the predicted
    probabilities; the smaller the better, the minimum is zero.  Also known as
    logistic loss, (binary) cross-entropy and negative Bernoulli (categorical)
    log-likelihood.  For labels :math:`y_i \in \{0, 1\}` and predicted
    probabilities :math:`p_i` of class 1,

    .. math::

        L = -\frac{1}{\sum_i w_i} \sum_i w_i \left[ y_i \log p_i
            + (1 - y_i) \log (1 - p_i) \right],

    and for more classes :math:`L = -\frac{1}{\sum_i w_i} \sum_i w_i \log
    p_{i, y_i}`.  A drop-in replacement for :func:`sklearn.metrics.log_loss`:
    it gives the same values, accepts and rejects the same inputs, and is
    many times faster.  It computes one logarithm per sample, in blocks that
    keep memory flat.

    Parameters
    ----------
    y_true : array-like of shape (n_samples,)
        True class labels (int, bool, float, str or object), or a one-hot
        indicator matrix of shape (n_samples, n_classes).
    y_proba : array-like of shape (n_samples,) or (n_samples, n_classes)
        Predicted probabilities, as returned by ``predict_proba``.  A 1-D array
        (or a single column) holds the probability of the positive class, the
        greater of the two labels.  Columns follow the sorted class labels.
        Values are clipped to ``[eps, 1 - eps]`` with ``eps`` the machine
        epsilon of their dtype (float64, float32 or float16; other inputs are
        converted to float64).
    normalize : bool, default=True
        If True, return the (weighted) mean loss per sample; otherwise the
        (weighted) sum.
    sample_weight : array-like of shape (n_samples,), default=None
        Sample weights.
    labels : array-like, default=None
        All class labels.  Needed when ``y_true`` lacks some classes that have
        a column in ``y_proba``.  Should be sorted; if it is not, a warning
        says so and the columns are still taken in sorted label order.
    y_pred : array-like
        Deprecated name of ``y_proba`` (as in scikit-learn 1.9): accepted with
        a ``FutureWarning``.

    Returns
    -------
    loss : float
        The log loss, computed in the floating dtype of ``y_proba``.

    Raises
    ------
    ValueError
        For probabilities outside ``[0, 1]``, NaN or infinite values, fewer
        than two classes, inconsistent lengths, a column count that does not
        match the classes, labels outside ``labels``, empty input, continuous
        or multi-output ``y_true``, weights that sum to zero (with
        ``normalize=True``).  Unlike scikit-learn, a multilabel indicator
        ``y_true`` (rows with other than exactly one positive label) is
        refused: use :func:`skbce.binary_cross_entropy` for multilabel data.

    See Also
    --------
    d2_log_loss_score : Fraction of the log loss of the class prior explained.
    sklearn.metrics.log_loss : The function this one replaces.

    Notes
    -----
    The logarithm is the natural logarithm, so the loss is in nats.  A
    confident miss (probability 0 for the true class) costs
    ``-log(eps)``: 36.04 nats in float64, 15.94 in float32.

    Inputs may also be ``dask.array`` arrays (computed chunk by chunk on the
    workers, exact for chunks of any sizes) or arrays of another array-API
    namespace, such as torch tensors (computed in that namespace).  As in
    scikit-learn, ``y_true`` and ``sample_weight`` of another library follow
    that of the probabilities (text labels, or numpy probabilities, bring
    every input to numpy).

    References
    ----------
    .. [1] C. M. Bishop (2006). Pattern Recognition and Machine Learning.
       Springer, p. 209.

    Examples
    --------
    >>> from skbce import log_loss
    >>> log_loss(["spam", "ham", "ham", "spam"],
    ...          [[.1, .9], [.9, .1], [.8, .2], [.35, .65]])
    0.21616
    >>> log_loss([0, 1, 1], [0.1, 0.8, 0.6], sample_weight=[1, 2, 1])
    0.26...
    """
    y_proba = renamed_y_proba(y_proba, y_pred)
    labels = host_option(labels)
    check_label_type(labels)
    options = loss_options("log_loss", normalize=normalize, labels=labels)
    sums, dtype = loss_sums(options, y_true, y_proba, sample_weight)
    return finish(sums, dtype, options.reduction)


def d2_log_loss_score(
    y_true, y_proba=None, *, sample_weight=None, labels=None, y_pred=DEPRECATED
):
    r""":math:`D^2` score function, fraction of log loss explained.

    :math:`D^2 = 1 - L / L_0`, where :math:`L` is the log loss of
    ``y_proba`` and :math:`L_0` that of the constant prediction of the
    (weighted) class frequencies in ``y_true``.  The greater the better: 1 is
    a perfect prediction, 0 is no better than the class prior, and it is
    negative for worse models.  A drop-in replacement for
    :func:`sklearn.metrics.d2_log_loss_score`.

    Parameters
    ----------
    y_true : array-like of shape (n_samples,)
        True class labels.
    y_proba : array-like of shape (n_samples,) or (n_samples, n_classes)
        Predicted probabilities, as for :func:`log_loss`.
    sample_weight : array-like of shape (n_samples,), default=None
        Sample weights.
    labels : array-like, default=None
        All class labels, as for :func:`log_loss`.
    y_pred : array-like
        Deprecated name of ``y_proba``, as for :func:`log_loss`.

    Returns
    -------
    d2 : float
        The :math:`D^2` score.  NaN, with an
        :class:`~sklearn.exceptions.UndefinedMetricWarning`, for fewer than
        two samples.

    Raises
    ------
    ValueError
        For the inputs :func:`log_loss` refuses; like it, and unlike
        scikit-learn, for a multilabel indicator ``y_true`` (rows with other
        than exactly one positive label).

    See Also
    --------
    log_loss : The loss this score is based on.
    normalized_cross_entropy : ``1 - d2_log_loss_score`` (but for extreme base rates).

    Examples
    --------
    >>> from skbce import d2_log_loss_score
    >>> d2_log_loss_score([0, 1, 1, 0], [0.2, 0.9, 0.6, 0.3])
    0.568...
    """
    y_proba = renamed_y_proba(y_proba, y_pred)
    labels = host_option(labels)
    check_label_type(labels)
    options = loss_options("log_loss", labels=labels, class_totals=True)
    n = check_lengths(y_true=y_true, y_proba=y_proba, sample_weight=sample_weight)
    if n < 2:
        warnings.warn(
            "D^2 score is not well-defined with less than two samples.",
            UndefinedMetricWarning,
            stacklevel=2,
        )
        return float("nan")
    sums, dtype = loss_sums(options, y_true, y_proba, sample_weight)
    check_weight_sum(sums.weight)
    _check_positive_classes(sums)
    return 1.0 - float(dtype.type(sums.loss)) / prior_log_loss_sum(sums)


def _check_positive_classes(sums):
    """Raise if the weights of a class present in ``y_true`` sum to zero, leaving one class.

    The prior of that class is then zero (clipped to ``eps``), and its
    samples' weighted loss under the prior sums to zero, as in scikit-learn.
    With two or more classes of non-zero weight the score is that of the
    others; with one, the prior's loss is only the clipping's ``eps``
    (scikit-learn raises a division by zero, or gives a number of order
    ``1e15``).
    """
    empty = (sums.class_weight == 0) & (sums.class_count > 0)
    if np.any(empty) and np.count_nonzero(sums.class_weight) < 2:
        index = np.flatnonzero(empty).tolist()
        msg = (
            f"sample_weight sums to zero over the samples of the classes at positions "
            f"{index}, so their prior is zero and D^2 is undefined."
        )
        raise ValueError(msg)


def binary_cross_entropy(
    y_true,
    y_score,
    *,
    from_logits=False,
    pos_label=None,
    sample_weight=None,
    pos_weight=None,
    label_smoothing=0.0,
    clip="dtype",
    reduction="mean",
):
    r"""Binary cross-entropy of probabilities or logits, with its common options.

    The smaller the better.  Also known as log loss, logistic loss and
    negative Bernoulli log-likelihood.  For targets :math:`t_i \in [0, 1]`
    and probabilities :math:`p_i` of the positive class,

    .. math::

        \ell_i = -\left[ c\, t_i \log p_i + (1 - t_i) \log (1 - p_i) \right],

    with :math:`c` the ``pos_weight`` (1 by default); the result is the
    weighted mean :math:`\sum_i w_i \ell_i / \sum_i w_i` (``"mean"``), the
    sum :math:`\sum_i w_i \ell_i` (``"sum"``) or the :math:`w_i \ell_i`
    themselves (``"none"``).  For hard labels, probabilities and the default
    options it equals :func:`log_loss`.  Its minimum is 0 for hard labels and
    the mean entropy of the targets for soft targets.

    Parameters
    ----------
    y_true : array-like of shape (n_samples,) or (n_samples, n_labels)
        Binary class labels of any type (``pos_label`` says which is positive;
        by default the greater one), or numbers in ``[0, 1]``: hard 0/1
        targets or soft targets.  A 2-D array is a multilabel indicator (or
        soft target) matrix: the loss is computed elementwise, averaged over
        the labels of each sample, then over samples.
    y_score : array-like of the same shape as ``y_true``
        Predicted probabilities of the positive class, or logits (for example
        ``decision_function`` values) when ``from_logits=True``.
    from_logits : bool, default=False
        Whether ``y_score`` holds logits.  Logits are computed as
        ``softplus(z) - t z`` without overflow or cancellation, and are not
        clipped: a confident miss at ``z = 800`` costs 800.
    pos_label : int, float, bool or str, default=None
        The positive class of 1-D class labels.
    sample_weight : array-like of shape (n_samples,), default=None
        Sample weights.  ``"mean"`` divides by their sum (scikit-learn's
        convention; torch's ``BCELoss(weight=...)`` divides by the number of
        samples instead).
    pos_weight : float or array-like of shape (n_labels,), default=None
        Weight of the positive term, as ``pos_weight`` of torch's
        ``BCEWithLogitsLoss``; one per label for multilabel data.
    label_smoothing : float, default=0.0
        Targets are smoothed to ``t (1 - label_smoothing) + label_smoothing / 2``
        (Keras' convention).
    clip : "dtype", float or None, default="dtype"
        Probabilities are clipped to ``[eps, 1 - eps]``: ``"dtype"`` takes the
        machine epsilon of their dtype (scikit-learn's policy), a float gives
        ``eps``, and ``None`` disables clipping, so that a confident miss costs
        ``inf`` (with a warning that counts them).  Logits are never clipped.
    reduction : {"mean", "sum", "none"}, default="mean"
        How per-sample losses are combined; ``"none"`` returns the weighted
        per-sample losses, of shape ``(n_samples, n_labels)`` for multilabel
        data.

    Returns
    -------
    loss : float or ndarray
        A float for ``"mean"`` and ``"sum"``, an array for ``"none"``, in the
        floating dtype of ``y_score``.

    See Also
    --------
    log_loss : The drop-in replacement of scikit-learn's log loss.
    normalized_cross_entropy : The loss relative to that of the base rate.
    log_loss_breakdown : The per-sample table behind the loss.
    bce_gradient_hessian : Derivatives with respect to the logits.

    Notes
    -----
    Inputs may also be ``dask.array`` arrays (computed chunk by chunk on the
    workers, exact for chunks of any sizes) or arrays of another array-API
    namespace, such as torch tensors (computed in that namespace).  As in
    scikit-learn, ``y_true`` and ``sample_weight`` of another library follow
    that of ``y_score`` (text labels, or numpy scores, bring every input to
    numpy).  ``reduction="none"`` is not
    available for dask arrays.

    Examples
    --------
    >>> from skbce import binary_cross_entropy
    >>> binary_cross_entropy([0, 1, 1], [0.1, 0.8, 0.6])
    0.2797...
    >>> binary_cross_entropy([0, 1, 1], [-2.2, 1.4, 0.4], from_logits=True)
    0.2795...
    >>> Y = [[1, 0, 1], [0, 1, 1]]
    >>> P = [[.9, .2, .8], [.1, .7, .6]]
    >>> binary_cross_entropy(Y, P)
    0.2540...
    >>> binary_cross_entropy([0, 1], [0.2, 0.9], reduction="none")
    array([0.22314355, 0.10536052])
    """
    options = loss_options(
        "bce",
        from_logits=from_logits,
        pos_label=pos_label,
        pos_weight=pos_weight,
        label_smoothing=label_smoothing,
        clip=clip,
        reduction=reduction,
    )
    if options.reduction == "none":
        losses, n_infinite = loss_values(options, y_true, y_score, sample_weight)
        warn_infinite(n_infinite, stacklevel=3)
        return losses
    sums, dtype = loss_sums(options, y_true, y_score, sample_weight)
    return finish(sums, dtype, options.reduction)


def normalized_cross_entropy(
    y_true,
    y_score,
    *,
    baseline=None,
    sample_weight=None,
    pos_label=None,
    from_logits=False,
):
    r"""Normalized cross-entropy: the loss relative to that of a base rate.

    The binary cross-entropy of the predictions divided by the loss of always
    predicting a base rate :math:`b` on the same targets, of (weighted)
    positive rate :math:`r`:

    .. math::

        \mathrm{NCE} = \frac{\mathrm{BCE}}{-r \log b - (1 - r) \log (1 - b)}.

    Lower is better; below 1 beats the constant predictor.  Also known as
    normalized entropy (He et al., 2014).  With ``baseline=None``, :math:`b = r`
    and the denominator is the entropy of :math:`r`; then NCE equals
    ``1 - d2_log_loss_score``, except where that score (as scikit-learn's)
    clips the base rate to ``[eps, 1 - eps]`` (a class with almost no weight)
    or computes in float16.

    Parameters
    ----------
    y_true : array-like of shape (n_samples,)
        Binary class labels, or 0/1 (or soft) targets.
    y_score : array-like of shape (n_samples,)
        Probabilities of the positive class, or logits when ``from_logits``.
    baseline : float or array-like of shape (2,), default=None
        The base rate :math:`b` in ``(0, 1)``, for example the positive rate of
        the training data, or the priors of the two classes in the sorted
        order of the labels (the positive class's is then :math:`b`);
        ``None`` takes the (weighted) positive rate of ``y_true``.
    sample_weight : array-like of shape (n_samples,), default=None
        Sample weights.
    pos_label : int, float, bool or str, default=None
        The positive class of ``y_true``.
    from_logits : bool, default=False
        Whether ``y_score`` holds logits.

    Returns
    -------
    nce : float
        The normalized cross-entropy.

    Notes
    -----
    Inputs may also be ``dask.array`` arrays or arrays of another array-API
    namespace, as for :func:`log_loss`.

    References
    ----------
    .. [1] X. He et al. (2014). Practical Lessons from Predicting Clicks on Ads
       at Facebook. ADKDD'14.

    Examples
    --------
    >>> from skbce import normalized_cross_entropy
    >>> normalized_cross_entropy([0, 1, 1, 0], [0.2, 0.9, 0.6, 0.3])
    0.431...
    >>> normalized_cross_entropy([0, 1, 1, 0], [0.2, 0.9, 0.6, 0.3], baseline=0.3)
    0.383...
    """
    options = loss_options(
        "bce", baseline=baseline, pos_label=pos_label, from_logits=from_logits, class_totals=True
    )
    rate = _positive_rate(host_option(baseline), options.baseline, y_true, pos_label)
    sums, dtype = loss_sums(options, y_true, y_score, sample_weight)
    return finish(sums, dtype) / baseline_loss_of(rate, sums)


def _positive_rate(baseline, checked, y_true, pos_label):
    """The positive class's rate of ``baseline`` (``checked``: the validated rate or None).

    Two priors follow the sorted labels: with a ``pos_label`` the smaller
    label, the first is the positive class's (``checked`` holds the second).
    """
    if pos_label is None or np.ndim(baseline) == 0:
        return checked
    classes = binary_target(np.asarray(host_option(y_true)), pos_label=pos_label).classes
    if classes[0] is None:
        msg = (
            "baseline: two class priors follow the sorted labels, and y_true holds only "
            f"pos_label={pos_label!r}; give the positive class's rate as a float."
        )
        raise ValueError(msg)
    return positive_rate(baseline, classes)


def brier_score_loss(
    y_true, y_proba, *, sample_weight=None, pos_label=None, labels=None, scale_by_half="auto"
):
    r"""Brier score: the mean squared error of predicted probabilities.

    The smaller the better, minimum zero.  A strictly proper scoring rule,
    like the log loss, but bounded: a confident miss costs 1 (binary), not
    36 nats.  For :math:`C` classes,
    :math:`\frac{1}{\sum_i w_i} \sum_i w_i \sum_c (y_{ic} - p_{ic})^2`, which
    lies in ``[0, 2]``; for binary data it is customarily halved to
    :math:`\frac{1}{\sum_i w_i} \sum_i w_i (y_i - p_i)^2` in ``[0, 1]``.
    Agrees with :func:`sklearn.metrics.brier_score_loss` (scikit-learn >= 1.7).

    Parameters
    ----------
    y_true : array-like of shape (n_samples,)
        True class labels.
    y_proba : array-like of shape (n_samples,) or (n_samples, n_classes)
        Predicted probabilities: of the positive class (1-D), or one column
        per class in sorted label order.
    sample_weight : array-like of shape (n_samples,), default=None
        Sample weights.
    pos_label : int, float, bool or str, default=None
        The positive class for 1-D ``y_proba``; by default the greater label.
    labels : array-like, default=None
        All class labels, for 2-D ``y_proba`` (ignored for 1-D ``y_proba``,
        as by scikit-learn).
    scale_by_half : bool or "auto", default="auto"
        Halve the score; ``"auto"`` halves it for two classes only.

    Returns
    -------
    score : float
        The Brier score.

    Raises
    ------
    ValueError
        For probabilities outside ``[0, 1]``, inconsistent lengths, labels
        outside ``labels`` and, unlike scikit-learn, a multilabel indicator
        ``y_true`` (rows with other than exactly one positive label).

    See Also
    --------
    log_loss : The logarithmic scoring rule.

    References
    ----------
    .. [1] G. W. Brier (1950). Verification of forecasts expressed in terms of
       probability. Monthly Weather Review 78(1), 1-3.

    Examples
    --------
    >>> from skbce import brier_score_loss
    >>> brier_score_loss([0, 1, 1, 0], [0.1, 0.9, 0.8, 0.3])
    0.0375
    >>> brier_score_loss(["eggs", "ham", "spam"],
    ...                  [[0.8, 0.1, 0.1], [0.2, 0.7, 0.1], [0.2, 0.2, 0.6]])
    0.146...
    """
    auto = isinstance(scale_by_half, str) and scale_by_half == "auto"
    if not (isinstance(scale_by_half, bool | np.bool_) or auto):
        msg = f"scale_by_half must be a bool or 'auto', got {scale_by_half!r}."
        raise InvalidParameterError(msg)
    labels = host_option(labels)
    check_array_like(labels, "labels", allow_none=True)
    options = loss_options("brier", pos_label=pos_label)
    sums, dtype, n_classes = brier_sums_of(options, y_true, y_proba, sample_weight, labels)
    score = finish(sums, dtype)
    if auto:
        scale_by_half = n_classes < 3
    return score / 2 if scale_by_half else score
