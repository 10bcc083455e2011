"""Softmax cross-entropy of logits: the log loss of multiclass decision values.

The loss of a sample with logits ``z`` (one per class) and true class ``y``
is ``-log_softmax(z)[y] = logsumexp(z) - z[y]``.  It is computed as

    (max(z) - z[y]) + log1p(sum of exp(z[j] - max(z)) over j other than the argmax)

Both terms are non-negative, so they neither overflow nor cancel: margins of
``1e4`` cost ``1e4`` (no clipping), and a loss of ``4e-18`` (a margin of 40 in
favour of the true class) keeps its digits, where ``log(sum(exp(z - max)))``
rounds it to 0.  :func:`softmax_block_sums` is the kernel of one block of
rows; :func:`softmax_sums` walks it over the blocks with
:func:`~skbce._losses.parallel.map_blocks` and merges the
:class:`~skbce._losses.sums.LossSums`.
"""

from functools import reduce

import numpy as np

from skbce._losses.parallel import map_blocks
from skbce._losses.sums import LossSums
from skbce._utils.numeric import BLOCK, accumulator, safe_sum, safe_weighted_sum, total_weight


def softmax_block_sums(Z, codes, w=None, *, n_classes=None, unseen_loss=np.inf):
    """Softmax cross-entropy sums of one block of rows.

    Parameters
    ----------
    Z : ndarray of shape (n_rows, n_classes)
        Logits, float64, float32 or float16 (computed in float32); ``-inf``
        marks a class the model does not predict (probability 0).  No NaN
        and no ``+inf``.
    codes : ndarray of int of shape (n_rows,)
        Column of the true class of each row.
    w : ndarray of shape (n_rows,), default=None
        Sample weights.
    n_classes : int, default=None
        If given, also sum the weights per true class (``class_weight`` of
        the result, of this length) and count the rows of non-zero weight of
        each (``class_count``).
    unseen_loss : float, default=inf
        Loss of a row whose true class has logit ``-inf``.

    Returns
    -------
    sums : LossSums
        Sums of ``w * loss`` and of ``w`` over the rows.

    Examples
    --------
    >>> import numpy as np
    >>> from skbce._losses.softmax import softmax_block_sums
    >>> sums = softmax_block_sums(np.array([[0.0, 800.0], [1.0, 1.0]]), np.array([0, 1]))
    >>> print(f"{sums.loss:.6f}", sums.weight)
    800.693147 2
    """
    Z = Z.astype(accumulator(Z.dtype), copy=False)  # float16 in float32: exp and log1p too
    rows = np.arange(Z.shape[0])
    top = np.argmax(Z, axis=1)
    z_max = Z[rows, top]
    z_true = Z[rows, codes]
    rest = np.subtract(Z, z_max[:, None])
    np.exp(rest, out=rest)
    rest[rows, top] = 0  # the argmax term is the 1 of log1p
    loss = np.log1p(np.einsum("ij->i", rest))
    loss += z_max - z_true  # inf where the true logit is -inf
    if unseen_loss != np.inf:
        loss[z_true == -np.inf] = unseen_loss
    if w is None:
        total = safe_sum(loss, accumulator(loss.dtype))
        weight = Z.shape[0]
    else:
        total = safe_weighted_sum(loss, w)
        weight = total_weight(w)
    if n_classes is None:
        return LossSums(total, weight)
    counted = codes if w is None else codes[w != 0]
    return LossSums(
        total,
        weight,
        class_weight_sums(codes, w, n_classes),
        class_count=np.bincount(counted, minlength=n_classes).astype(np.float64),
    )


def class_weight_sums(codes, w, n_classes):
    """Sum of the weights of each class, in float64 (counts when ``w`` is None).

    Examples
    --------
    >>> import numpy as np
    >>> from skbce._losses.softmax import class_weight_sums
    >>> class_weight_sums(np.array([0, 2, 2]), np.array([1.0, 0.5, 2.0]), 4)
    array([1. , 0. , 2.5, 0. ])
    """
    w = None if w is None else w.astype(np.float64, copy=False)  # bincount refuses long double
    return np.bincount(codes, weights=w, minlength=n_classes).astype(np.float64)


def softmax_sums(Z, codes, w=None, *, class_totals=False, unseen_loss=np.inf):
    """Softmax cross-entropy sums of a logit matrix, walked in blocks of rows.

    Parameters
    ----------
    Z : ndarray of shape (n_samples, n_classes)
        Logits, as for :func:`softmax_block_sums`.
    codes : ndarray of int of shape (n_samples,)
        Column of the true class of each sample.
    w : ndarray of shape (n_samples,), default=None
        Sample weights.
    class_totals : bool, default=False
        Also sum the weights, and count the rows of non-zero weight, per true
        class (for the class prior of :math:`D^2`).
    unseen_loss : float, default=inf
        Loss of a sample whose true class has logit ``-inf``.

    Returns
    -------
    sums : LossSums
        The merged sums of every block.

    Examples
    --------
    >>> import numpy as np
    >>> from skbce._losses.softmax import softmax_sums
    >>> Z = np.array([[2.0, 0.0, -1.0], [0.0, 0.0, 0.0]])
    >>> sums = softmax_sums(Z, np.array([0, 2]), class_totals=True)
    >>> print(f"{sums.loss / sums.weight:.6f}", sums.class_weight.tolist())
    0.634229 [1.0, 0.0, 1.0]
    """
    n, k = Z.shape
    codes = np.asarray(codes, dtype=np.intp)
    n_classes = k if class_totals else None

    def block_sums(block):
        wb = None if w is None else w[block]
        return softmax_block_sums(
            Z[block], codes[block], wb, n_classes=n_classes, unseen_loss=unseen_loss
        )

    parts = map_blocks(block_sums, n, max(1, (2 * BLOCK) // k))
    zeros = None if n_classes is None else np.zeros(k)
    empty = LossSums(0.0, 0.0, zeros, class_count=zeros)
    return reduce(LossSums.merge, parts, empty)
