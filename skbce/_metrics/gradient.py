"""Derivatives of the binary cross-entropy with respect to the logits."""

import numpy as np
from scipy.special import expit

from skbce._losses.numpy_sums import bce_inputs
from skbce._losses.options import loss_options
from skbce._utils.validation import Target

__all__ = ["bce_gradient_hessian"]


def bce_gradient_hessian(y_true, logits, *, sample_weight=None, pos_weight=None):
    r"""Gradient and Hessian of the per-sample binary cross-entropy in the logits.

    For the loss :math:`\ell = -[c\, t \log \sigma(z) + (1 - t) \log(1 -
    \sigma(z))]` of a logit :math:`z`, target :math:`t` and positive weight
    :math:`c`,

    .. math::

        \frac{\partial \ell}{\partial z} = (1 - t)\, \sigma(z) - c\, t\,
        \sigma(-z), \qquad
        \frac{\partial^2 \ell}{\partial z^2} = (c\, t + 1 - t)\, \sigma(z)\,
        \sigma(-z),

    which are ``p - y`` and ``p (1 - p)`` in the plain case.  Both are computed
    from :math:`\sigma(z)` and :math:`\sigma(-z)` directly, so they stay exact
    for extreme logits (no ``1 - p`` cancellation).  Sample weights multiply
    both.  The ``(grad, hess)`` pair is the form gradient-boosting libraries
    take from a custom objective.

    Parameters
    ----------
    y_true : array-like of shape (n_samples,) or (n_samples, n_labels)
        0/1 labels, other binary class labels (the greater one is positive),
        or soft targets in ``[0, 1]``.
    logits : array-like of the same shape as ``y_true``
        The logits (raw scores) :math:`z`.
    sample_weight : array-like of shape (n_samples,), default=None
        Sample weights, non-negative (a negative weight would make the
        Hessian negative, and the objective no longer convex).
    pos_weight : float or array-like of shape (n_labels,), default=None
        Weight :math:`c` of the positive term, as in
        :func:`binary_cross_entropy`.

    Returns
    -------
    grad : ndarray of the shape of ``logits``
        First derivatives of each sample's loss.
    hess : ndarray of the shape of ``logits``
        Second derivatives (never negative: the loss is convex in :math:`z`).

    See Also
    --------
    binary_cross_entropy : The loss, with ``from_logits=True``.

    Examples
    --------
    >>> from skbce import bce_gradient_hessian
    >>> grad, hess = bce_gradient_hessian([0, 1, 1], [-1.0, 2.0, 0.0])
    >>> grad
    array([ 0.26894142, -0.11920292, -0.5       ])
    >>> hess
    array([0.19661193, 0.10499359, 0.25      ])
    """
    options = loss_options("bce", from_logits=True, pos_weight=pos_weight)
    target, z, w, kernel_options = bce_inputs(
        options, y_true, logits, sample_weight, "logits", non_negative=True
    )
    c = kernel_options["pos_weight"]
    t = target.codes() if isinstance(target, Target) else target
    t = np.asarray(t, dtype=z.dtype)
    p, q = expit(z), expit(-z)  # sigma(z) and 1 - sigma(z), each exact
    positive = t if c is None else c * t
    grad = (1 - t) * p - positive * q
    hess = (positive + (1 - t)) * (p * q)  # c t + 1 would round away a small c
    if w is not None:
        # multiplied in the weights' dtype: a weight beyond the range of
        # float32 logits must not become inf (0 * inf is NaN)
        scale = w if z.ndim == 1 else w[:, None]
        grad *= scale
        hess *= scale
    return grad, hess
