"""The per-sample table behind a log loss: which samples cost what."""

import numpy as np
from scipy.special import expit

from skbce._losses.finish import finish, result_dtype
from skbce._losses.kernels import bce_sums, elementwise_bce
from skbce._losses.numpy_sums import bce_inputs
from skbce._losses.options import loss_options
from skbce._utils.numeric import scaled_weights
from skbce._utils.validation import Target

__all__ = ["LogLossBreakdown", "log_loss_breakdown"]

_COLUMNS = ("index", "y_true", "p", "corrected", "log_corrected", "weight", "share")


class LogLossBreakdown:
    """Per-sample terms of a binary log loss.

    Made by :func:`log_loss_breakdown`; not meant to be built by hand.  Each
    attribute below is an array with one entry per sample, in the order of
    the input (or of cost, for :meth:`worst`).

    Parameters
    ----------
    columns : dict of str to ndarray
        The per-sample attributes below, by name (``index``, ``y_true``,
        ``p``, ``corrected``, ``log_corrected``, ``weight``, ``share``).
    total : float
        The mean loss of all samples.
    n_clipped : int
        How many probabilities were clipped.
    pos_label : object
        The positive class.

    Attributes
    ----------
    index : ndarray of int
        Position of the sample in the input.
    y_true : ndarray
        True class label.
    p : ndarray of float
        Predicted probability of the positive class.
    corrected : ndarray of float
        The "corrected" probability: the probability given to the true
        class, ``p`` for positives and ``1 - p`` for negatives.
    log_corrected : ndarray of float
        Its natural logarithm (after clipping); the sample's loss is
        ``-log_corrected``.
    weight : ndarray of float
        Sample weight (ones when unweighted).
    share : ndarray of float
        The sample's share of the total weighted loss; the shares of all
        samples sum to one.
    total : float
        The (weighted) mean loss, equal to :func:`binary_cross_entropy` on
        the same input.
    n_clipped : int
        How many probabilities were clipped to ``[eps, 1 - eps]``.
    pos_label : object
        The positive class.

    See Also
    --------
    log_loss_breakdown : Build this table from labels and scores.
    binary_cross_entropy : The mean loss alone.

    Examples
    --------
    >>> from skbce import log_loss_breakdown
    >>> table = log_loss_breakdown([0, 1, 1, 0], [0.2, 0.9, 0.4, 0.1])
    >>> len(table), round(table.total, 4)
    (4, 0.3375)
    >>> table.corrected
    array([0.8, 0.9, 0.4, 0.9])
    """

    def __init__(self, columns, *, total, n_clipped, pos_label):
        for name in _COLUMNS:
            setattr(self, name, columns[name])
        self.total = total
        self.n_clipped = n_clipped
        self.pos_label = pos_label

    def __len__(self):
        return len(self.index)

    def _take(self, rows):
        columns = {name: getattr(self, name)[rows] for name in _COLUMNS}
        return LogLossBreakdown(
            columns, total=self.total, n_clipped=self.n_clipped, pos_label=self.pos_label
        )

    def worst(self, k=10):
        """The ``k`` samples that cost most, most expensive first.

        Parameters
        ----------
        k : int, default=10
            How many samples to keep.

        Returns
        -------
        breakdown : LogLossBreakdown
            The same table restricted to those samples; ``total`` and
            ``n_clipped`` still describe all samples.

        Raises
        ------
        ValueError
            If ``k`` is not a positive integer.

        Examples
        --------
        >>> from skbce import log_loss_breakdown
        >>> table = log_loss_breakdown([0, 1, 1, 0], [0.2, 0.9, 0.4, 0.1])
        >>> worst = table.worst(2)
        >>> worst.index, worst.y_true
        (array([2, 0]), array([1, 0]))
        """
        if isinstance(k, bool) or not isinstance(k, int | np.integer) or k < 1:
            msg = f"k must be a positive integer, got {k!r}."
            raise ValueError(msg)
        with np.errstate(invalid="ignore"):  # 0 * inf (clip=None): set to 0 below
            cost = -self.log_corrected * self.weight
        cost[self.weight == 0] = 0  # a sample of zero weight costs nothing
        return self._take(np.argsort(-cost, kind="stable")[:k])

    def to_frame(self):
        """The table as a :class:`pandas.DataFrame` (requires pandas).

        Returns
        -------
        frame : pandas.DataFrame
            One row per sample, one column per attribute, indexed by
            ``index``.

        Raises
        ------
        ImportError
            If pandas is not installed.

        Examples
        --------
        >>> from skbce import log_loss_breakdown
        >>> frame = log_loss_breakdown([0, 1], [0.2, 0.6]).to_frame()
        >>> list(frame.columns)
        ['y_true', 'p', 'corrected', 'log_corrected', 'weight', 'share']
        >>> frame["corrected"].tolist()
        [0.8, 0.6]
        """
        from skbce._utils.optional import import_optional

        pd = import_optional("pandas", "LogLossBreakdown.to_frame")
        frame = pd.DataFrame({name: getattr(self, name) for name in _COLUMNS})
        return frame.set_index("index")

    def __str__(self):
        head = ["index", "y_true", "p", "corrected", "log(corrected)", "share"]
        rows = [
            [
                str(i),
                str(y),
                f"{p:.4g}",
                f"{c:.4g}",
                f"{lc:.4f}",
                f"{s:.1%}",
            ]
            for i, y, p, c, lc, s in zip(
                self.index[:20],
                self.y_true[:20],
                self.p[:20],
                self.corrected[:20],
                self.log_corrected[:20],
                self.share[:20],
                strict=True,
            )
        ]
        widths = [max(len(r[j]) for r in [head, *rows]) for j in range(len(head))]
        lines = [
            "  ".join(v.rjust(wd) for v, wd in zip(r, widths, strict=True)) for r in [head, *rows]
        ]
        if len(self) > 20:
            lines.append(f"... ({len(self) - 20} more samples)")
        lines.append(
            f"log loss = {self.total:.6g} over {len(self)} samples shown; "
            f"{self.n_clipped} clipped; positive class = {self.pos_label!r}"
        )
        return "\n".join(lines)

    def __repr__(self):
        return (
            f"<LogLossBreakdown: {len(self)} samples, total={self.total:.6g}, "
            f"n_clipped={self.n_clipped}>"
        )


def _shares(losses, scaled, wide):
    """Each sample's share of the weighted loss sum, in dtype ``wide``.

    The losses are first scaled exactly by a power of two (their largest near
    one), so that the weighted sum does not overflow for logits near 1e308;
    a sample of zero weight has no share, even of an infinite loss
    (``clip=None``); infinite losses of non-zero weight give NaN shares.
    """
    top = float(np.max(losses)) if losses.size else 0.0
    shift = int(np.frexp(top)[1]) if np.isfinite(top) and top > 0 else 0
    weighted = np.ldexp(losses.astype(wide), -shift)
    if scaled is not None:
        with np.errstate(invalid="ignore"):  # 0 * inf: set to 0 below
            weighted *= scaled.astype(wide)
        weighted[scaled == 0] = 0
    total_sum = weighted.sum()
    with np.errstate(invalid="ignore"):  # inf / inf when clip=None: NaN shares
        return weighted / total_sum if total_sum else np.zeros_like(weighted)


def log_loss_breakdown(
    y_true, y_score, *, from_logits=False, pos_label=None, sample_weight=None, clip="dtype"
):
    """The per-sample table behind a binary log loss.

    For each sample: its index, true class, predicted probability of the
    positive class, the "corrected" probability (the probability given to
    the true class), its logarithm and its share of the total loss.  The
    loss is minus the weighted mean of the logarithms.  Useful to see which
    samples a model is confidently wrong about: a confident miss costs far
    more than many near misses.

    Parameters
    ----------
    y_true : array-like of shape (n_samples,)
        Binary class labels (or 0/1).
    y_score : array-like of shape (n_samples,)
        Probabilities of the positive class, or logits when ``from_logits``.
    from_logits : bool, default=False
        Whether ``y_score`` holds logits (never clipped).
    pos_label : int, float, bool or str, default=None
        The positive class; by default the greater label.
    sample_weight : array-like of shape (n_samples,), default=None
        Sample weights.
    clip : "dtype", float or None, default="dtype"
        Clipping of probabilities, as in :func:`binary_cross_entropy`.

    Returns
    -------
    breakdown : LogLossBreakdown
        The table, with ``total``, ``n_clipped``, ``worst(k)`` and
        ``to_frame()``.

    Examples
    --------
    >>> from skbce import log_loss_breakdown
    >>> table = log_loss_breakdown(["ham", "spam", "spam"], [0.1, 0.8, 0.01])
    >>> print(table)
    index  y_true     p  corrected  log(corrected)  share
        0     ham   0.1        0.9         -0.1054   2.1%
        1    spam   0.8        0.8         -0.2231   4.5%
        2    spam  0.01       0.01         -4.6052  93.3%
    log loss = 1.64456 over 3 samples shown; 0 clipped; positive class = 'spam'
    >>> table.worst(1).index
    array([2])
    """
    options = loss_options("bce", from_logits=from_logits, pos_label=pos_label, clip=clip)
    target, s, w, kernel_options = bce_inputs(options, y_true, y_score, sample_weight)
    if not isinstance(target, Target) or s.ndim != 1:
        got = f"of shape {s.shape}" if s.ndim != 1 else "soft targets"
        msg = f"log_loss_breakdown takes 1-D hard binary labels in y_true, got {got}."
        raise ValueError(msg)
    t = np.asarray(target.codes(), dtype=bool)
    bounds = kernel_options["bounds"]
    p = expit(s) if from_logits else s
    corrected = np.where(t, p, expit(-s)) if from_logits else np.where(t, s, 1 - s)
    n_clipped = 0
    if bounds is not None:
        n_clipped = int(np.count_nonzero((corrected < bounds[0]) | (corrected > bounds[1])))
    losses = elementwise_bce(t, s, from_logits=from_logits, bounds=bounds)
    # weights keep their own precision: float16 losses with weights above 65504 gave NaN shares
    wide = losses.dtype if w is None else np.result_type(losses.dtype, w.dtype)
    weight = np.ones_like(losses) if w is None else w.astype(wide)
    scaled, scale = scaled_weights(w)
    share = _shares(losses, scaled, wide)
    dtype = result_dtype(s.dtype, None if w is None else w.dtype)
    sums = bce_sums(target, s, scaled, smoothing=0.0, **kernel_options)
    total = finish(sums._replace(scale=scale), dtype)
    columns = {
        "index": np.arange(len(t)),
        "y_true": target.y,
        "p": p,
        "corrected": corrected,
        "log_corrected": -losses,
        "weight": weight,
        "share": share,
    }
    return LogLossBreakdown(
        columns, total=total, n_clipped=n_clipped, pos_label=target.classes.tolist()[1]
    )
