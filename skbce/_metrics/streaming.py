"""Exact streaming metrics: mergeable states over data seen in chunks.

A streaming metric holds a :class:`~skbce._losses.states.State`: sums over
the samples seen so far (of ``w * loss``, of ``w``, of ``w`` per class), so
the result over many chunks equals the one-shot function on all the data,
whatever the chunking and the order of merges.  Each chunk is summed by the
same kernels and finished by the same step as the one-shot functions; dask
chunks are reduced by :mod:`skbce._backends.dask`.  An update or merge that
cannot be accepted raises and leaves the state as it was.
"""

from dataclasses import replace
from typing import NamedTuple

import numpy as np

from skbce._backends.dask import reduce_states
from skbce._backends.dispatch import (
    MixedLibraries,
    array_backend,
    follow_scores,
    is_dask_array,
)
from skbce._losses.finish import baseline_loss_of, finish
from skbce._losses.kernels import prior_log_loss_sum, squared_error_sums
from skbce._losses.numpy_sums import warn_rows
from skbce._losses.options import loss_options
from skbce._losses.states import State, chunk_state, part_sums, sorted_labels
from skbce._losses.sums import LossSums
from skbce._utils.options import positive_rate
from skbce._utils.validation import InvalidParameterError, Target

__all__ = ["StreamingLogLoss"]


class _Streaming:
    """Shared plumbing of the streaming metrics: update, merge, pickling."""

    def _update(self, y_true, y_score, sample_weight):
        """Merge the state of a chunk; on any error the state is left as it was."""
        arrays = {"y_true": y_true, self._spec.score_name: y_score, "sample_weight": sample_weight}
        try:
            backend = array_backend(**arrays)
        except MixedLibraries:  # as the functions: the labels and weights follow the scores
            y_true, y_score, sample_weight = follow_scores(y_true, y_score, sample_weight)
            backend = array_backend(
                y_true=y_true, **{self._spec.score_name: y_score}, sample_weight=sample_weight
            )
        if backend is not None and is_dask_array(y_score if y_score is not None else y_true):
            part = reduce_states(self._spec, y_true, y_score, sample_weight, self._spec.score_name)
        else:
            part = chunk_state(self._spec, y_true, y_score, sample_weight)
        merged = self._state.merge(part)  # a new state: raises before anything changes
        if part.rows_off or any(getattr(v, "rows_off", False) for v in part.parts.values()):
            warn_rows(stacklevel=4)
        self._state = merged
        return self

    def merge(self, other):
        """Add the data of ``other`` to this state, in place.

        Parameters
        ----------
        other : same class as self
            A state built with the same options; it is not changed.

        Returns
        -------
        self : StreamingLogLoss or StreamingCalibration
            This state, now holding the data of both.

        Raises
        ------
        TypeError
            When ``other`` is not of the same class.
        ValueError
            When the states were built with different options (naming them)
            or saw probabilities of different shapes.

        Examples
        --------
        >>> from skbce import StreamingLogLoss
        >>> first = StreamingLogLoss().update([0, 1], [0.2, 0.9])
        >>> second = StreamingLogLoss().update([1, 1, 0], [0.6, 0.8, 0.3])
        >>> first.merge(second).n_samples
        5
        >>> second.n_samples
        3

        The same for :class:`~skbce.StreamingCalibration`:

        >>> from skbce import StreamingCalibration
        >>> state = StreamingCalibration(n_bins=2).update([0, 1], [0.2, 0.9])
        >>> state.merge(StreamingCalibration(n_bins=2).update([1, 0], [0.6, 0.3]))
        StreamingCalibration(n_bins=2) with 4 samples
        """
        if not isinstance(other, type(self)):
            msg = f"Cannot merge a {type(self).__name__} with a {type(other).__name__}."
            raise TypeError(msg)
        try:
            self._state = self._state.merge(other._state)
        except ValueError as exc:
            msg = f"other cannot be merged into this state: {exc}"
            raise ValueError(msg) from exc
        return self

    @property
    def n_samples(self):
        """Number of samples seen.

        Rows of zero weight count.

        Examples
        --------
        >>> from skbce import StreamingLogLoss
        >>> state = StreamingLogLoss()
        >>> state.n_samples
        0
        >>> state.update([0, 1, 1], [0.2, 0.9, 0.6], sample_weight=[1, 0, 2]).n_samples
        3
        """
        return self._state.n_samples


class _PartSums(NamedTuple):
    """The value of a :class:`StreamingLogLoss` state for a part of the data.

    The log-loss sums and, for hard labels, the squared-error sums of the
    same samples (both columns of binary data, as
    :func:`~skbce._losses.kernels.squared_error_sums`); ``rows_off`` when
    some rows of a probability matrix do not sum to one.  ``scale`` is set
    by the state on the sums of a chunk (see ``LossSums.scale``).
    """

    loss: LossSums
    squares: LossSums | None
    rows_off: bool = False
    scale: int = 0

    def scaled(self):
        """``(loss, squares)`` with ``scale`` applied."""
        if not self.scale:
            return self.loss, self.squares
        squares = None if self.squares is None else self.squares._replace(scale=self.scale)
        return self.loss._replace(scale=self.scale), squares

    def merge(self, other):
        """Return the sums over the union of both parts."""
        (loss, squares), (other_loss, other_squares) = self.scaled(), other.scaled()
        both = None if squares is None or other_squares is None else squares.merge(other_squares)
        return _PartSums(loss.merge(other_loss), both, self.rows_off or other.rows_off)


def _part_sums(spec, target, s, w):
    """The ``chunk_sums`` of a :class:`StreamingLogLoss`: loss and squared-error sums.

    Squared errors need hard labels and probabilities of one class per
    column (1-D, or 2-D for ``log_loss``); logits are turned into
    probabilities first.
    """
    loss, rows_off = part_sums(replace(spec, chunk_sums=None), target, s, w)
    squares = None
    hard = isinstance(target, Target) and target.y.ndim == 1
    if hard and (s.ndim == 1 or spec.kind == "log_loss"):
        if spec.from_logits:
            from scipy.special import expit

            s = expit(s)
        squares = squared_error_sums(target, s, w)
    return _PartSums(loss, squares, bool(rows_off))


def _check_labels_option(labels, pos_label):
    if labels is not None and pos_label is not None:
        msg = "Pass labels or pos_label, not both."
        raise ValueError(msg)
    return sorted_labels(labels)


class StreamingLogLoss(_Streaming):
    """Exact log loss (binary cross-entropy) over data seen in chunks.

    Holds only sufficient statistics: the sums of ``w * loss``, of ``w``, of
    ``w`` per class and of ``w`` times the squared error (for
    :meth:`brier_score_loss`).  :meth:`result` equals the one-shot function on all
    the data (to floating-point rounding) for any chunking and any order of
    :meth:`merge`; states pickle, so they travel between processes.
    :meth:`update` also takes :mod:`dask.array` inputs, summed chunk by chunk
    on the cluster.

    Parameters
    ----------
    labels : array-like, default=None
        All class labels, fixed up front: chunks that lack some classes are
        fine, and the columns of ``y_score`` follow the sorted labels.
        :meth:`result` then equals ``log_loss(y, p, labels=labels)``.
    pos_label : int, float, bool or str, default=None
        The positive class of binary labels, fixed up front; ``y_score`` is its
        probability (or logit).  :meth:`result` then equals
        ``binary_cross_entropy(y, p, pos_label=pos_label)``.
    from_logits : bool, default=False
        Whether ``y_score`` holds logits of the positive class (binary data):
        :meth:`result` equals ``binary_cross_entropy(y, z, from_logits=True)``.

    Notes
    -----
    Without ``labels`` and ``pos_label`` the classes are found from the data
    as the one-shot functions find them (the sorted distinct labels; 0/1
    targets for logits), still in one pass: a chunk that lacks classes is
    summed for each column its labels can take (one more logarithm per sample
    and missing class) and the right sums are picked by :meth:`result`.  Pass
    ``labels`` with many classes and small chunks.

    The log loss is smaller the better, minimum zero; also known as logistic
    loss, cross-entropy and negative Bernoulli log-likelihood.

    Examples
    --------
    >>> from skbce import StreamingLogLoss, log_loss
    >>> y, p = [0, 1, 1, 0, 1], [0.1, 0.8, 0.6, 0.3, 0.9]
    >>> state = StreamingLogLoss(labels=[0, 1])
    >>> state.update(y[:2], p[:2]).update(y[2:], p[2:]).result()
    0.2602...
    >>> log_loss(y, p)
    0.2602...
    >>> other = StreamingLogLoss(labels=[0, 1]).update([1], [0.7])
    >>> state.merge(other).n_samples
    6
    """

    def __init__(self, *, labels=None, pos_label=None, from_logits=False):
        kind = "log_loss" if pos_label is None and not from_logits else "bce"
        options = loss_options(
            kind,
            labels=labels,
            pos_label=pos_label,
            from_logits=from_logits,
            score_name="y_score",
        )
        labels = _check_labels_option(options.labels, options.pos_label)
        if from_logits and labels is not None and len(labels) != 2:
            msg = f"from_logits=True takes binary labels, got labels={list(labels)}."
            raise ValueError(msg)
        self.labels = labels
        self.pos_label = pos_label
        self.from_logits = from_logits
        self._spec = replace(options, labels=labels, chunk_sums=_part_sums)
        self._state = State(self._spec)

    def __repr__(self):
        return (
            f"StreamingLogLoss(labels={self.labels!r}, pos_label={self.pos_label!r}, "
            f"from_logits={self.from_logits!r}) with {self.n_samples} samples"
        )

    def update(self, y_true, y_score, sample_weight=None):
        """Add a chunk of data.

        Parameters
        ----------
        y_true : array-like of shape (n_samples,)
            True labels of the chunk.
        y_score : array-like of shape (n_samples,) or (n_samples, n_classes)
            Probabilities (as for :func:`skbce.log_loss`), or logits when
            ``from_logits``.  NumPy arrays, lists, pandas objects, or dask
            arrays (then all inputs are dask arrays).
        sample_weight : array-like of shape (n_samples,), default=None
            Sample weights.

        Returns
        -------
        self : StreamingLogLoss
            This state, now holding the chunk too.

        Raises
        ------
        ValueError
            When the chunk is invalid (as for the one-shot functions) or does
            not fit the data seen so far; the state is then left unchanged.

        Examples
        --------
        >>> from skbce import StreamingLogLoss
        >>> state = StreamingLogLoss()
        >>> state.update([0, 1], [0.2, 0.9]).update([1], [0.6]).n_samples
        3
        """
        return self._update(y_true, y_score, sample_weight)

    def _sums(self):
        total, classes = self._state.finish()
        return total.scaled()[0], classes

    @property
    def loss_sum(self):
        """Sum of ``sample_weight * loss`` over the samples seen.

        :meth:`result` is ``loss_sum / weight_sum``.

        Examples
        --------
        >>> from skbce import StreamingLogLoss
        >>> state = StreamingLogLoss().update([0, 1], [0.5, 0.5], sample_weight=[1, 3])
        >>> state.loss_sum
        2.7725...
        """
        sums = self._sums()[0]
        return float(np.ldexp(sums.loss, sums.scale))

    @property
    def weight_sum(self):
        """Sum of the sample weights (the number of samples when unweighted).

        Examples
        --------
        >>> from skbce import StreamingLogLoss
        >>> state = StreamingLogLoss().update([0, 1], [0.5, 0.5], sample_weight=[1, 3])
        >>> state.weight_sum
        4.0
        """
        sums = self._sums()[0]
        return float(np.ldexp(sums.weight, sums.scale))

    @property
    def classes(self):
        """The classes, sorted; for ``pos_label`` the negative class comes first.

        Examples
        --------
        >>> from skbce import StreamingLogLoss
        >>> StreamingLogLoss().update(["b", "a", "b"], [0.7, 0.2, 0.9]).classes
        array(['a', 'b'], dtype='<U1')
        """
        return self._sums()[1]

    @property
    def class_weight(self):
        """Sum of the sample weights of each class, in the order of :attr:`classes`.

        None for soft targets.

        Examples
        --------
        >>> from skbce import StreamingLogLoss
        >>> state = StreamingLogLoss().update([0, 1, 1], [0.2, 0.7, 0.9], sample_weight=[1, 2, 1])
        >>> state.class_weight
        array([1., 3.])
        """
        sums = self._sums()[0]
        return None if sums.class_weight is None else np.ldexp(sums.class_weight, sums.scale)

    def result(self):
        """The (weighted) mean log loss over all the data seen.

        Returns
        -------
        loss : float
            Equal to the one-shot function on the concatenated chunks.

        Raises
        ------
        ValueError
            When no samples were seen.

        Examples
        --------
        >>> from skbce import StreamingLogLoss, log_loss
        >>> y, p = [0, 1, 1, 0], [0.1, 0.9, 0.8, 0.3]
        >>> state = StreamingLogLoss().update(y[:3], p[:3]).update(y[3:], p[3:])
        >>> state.result()
        0.1976...
        >>> log_loss(y, p)
        0.1976...
        """
        sums, _ = self._sums()
        return finish(sums, self._state.dtype)

    def brier_score_loss(self, scale_by_half="auto"):
        """The Brier score over all the data seen.

        Equal to :func:`skbce.brier_score_loss` on the concatenated chunks
        (of the probabilities, ``expit`` of the logits when ``from_logits``):
        the mean squared error of the probabilities, halved by default for
        binary data.  Lower is better, minimum zero.

        Parameters
        ----------
        scale_by_half : bool or "auto", default="auto"
            Halve the score; ``"auto"`` halves it for two classes only.

        Returns
        -------
        score : float
            The (weighted) mean squared error, halved or not.

        Raises
        ------
        ValueError
            For soft or multilabel targets, whose Brier score is not defined
            here, or when no samples were seen.

        Examples
        --------
        >>> from skbce import StreamingLogLoss, brier_score_loss
        >>> y, p = [0, 1, 1, 0], [0.1, 0.9, 0.8, 0.3]
        >>> state = StreamingLogLoss().update(y[:2], p[:2]).update(y[2:], p[2:])
        >>> state.brier_score_loss(), brier_score_loss(y, p)
        (0.0375, 0.0375)
        """
        if not (isinstance(scale_by_half, bool | np.bool_) or scale_by_half == "auto"):
            msg = f"scale_by_half must be a bool or 'auto', got {scale_by_half!r}."
            raise InvalidParameterError(msg)
        total, classes = self._state.finish()
        squares = total.scaled()[1]
        if squares is None:
            msg = "The Brier score needs class labels; y_true held soft or multilabel targets."
            raise ValueError(msg)
        score = finish(squares, self._state.dtype)
        halve = len(classes) < 3 if scale_by_half == "auto" else scale_by_half
        return score / 2 if halve else score

    def normalized_cross_entropy(self, baseline=None):
        """The loss divided by that of a constant prediction.

        For binary data, the loss over that of always predicting ``baseline``
        (by default the weighted positive rate of the data seen), as
        :func:`skbce.normalized_cross_entropy`; for more classes, the loss over
        that of the class frequencies (``1 - d2_log_loss_score``).  Lower is
        better; below 1 beats the constant predictor.

        Parameters
        ----------
        baseline : float or array-like of shape (2,), default=None
            Base rate in ``(0, 1)`` of the positive class of binary data, or
            the priors of the two classes in sorted order of the labels.

        Returns
        -------
        nce : float
            The normalized cross-entropy.

        Raises
        ------
        ValueError
            When ``baseline`` is given for more than two classes, when the
            labels hold a single class of more than two, or when no samples
            were seen.

        Examples
        --------
        >>> from skbce import StreamingLogLoss, normalized_cross_entropy
        >>> y, p = [0, 1, 1, 0], [0.1, 0.9, 0.8, 0.3]
        >>> state = StreamingLogLoss().update(y[:2], p[:2]).update(y[2:], p[2:])
        >>> state.normalized_cross_entropy()
        0.2851...
        >>> normalized_cross_entropy(y, p)
        0.2851...
        """
        sums, classes = self._sums()
        loss = self.result()
        if len(classes) > 2:
            if baseline is not None:
                msg = "baseline applies to binary data only."
                raise ValueError(msg)
            if np.count_nonzero(np.asarray(sums.class_weight) > 0) < 2:
                msg = (
                    "y_true holds a single class, so its class frequencies have zero "
                    "entropy: the normalized cross-entropy (1 - D2) is undefined."
                )
                raise ValueError(msg)
            return float(sums.loss) / prior_log_loss_sum(sums)
        return loss / baseline_loss_of(positive_rate(baseline, classes), sums)
