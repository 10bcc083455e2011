"""Exact streaming metrics: sufficient statistics that merge in any order.

A state holds sums over the samples seen so far (of ``w * loss``, of ``w``,
of ``w`` per class, and per reliability bin for calibration), so the result
over many chunks equals the one-shot function on all the data, whatever the
chunking and the order of merges.  The same states are the per-chunk partial
results that :mod:`skbce._backends.dask` reduces on a cluster.

Design
------
Chunks are validated with the helpers of :mod:`skbce._utils.validation` and summed
with the kernels of :mod:`skbce._metrics.losses`.  When the classes are not given up
front they are found from the data, as the one-shot functions do, and still
in one pass: a chunk that holds every class is summed once with its own
class order (which is then the global one); a chunk that lacks classes is
summed, for each of its labels, at every column the label can take once the
missing classes are known (one extra log per sample and missing class).  The
state keeps these sums by the assumption they rest on, and :meth:`_State.finish`
picks the ones that hold for the classes of all the data.
"""

import math
from dataclasses import dataclass, fields
from typing import Any, NamedTuple

import numpy as np

from skbce._metrics.losses import (
    BLOCK,
    LossSums,
    _bce_sums,
    _binary_sums,
    _check_weight_sum,
    _gather_sums,
    _match_score_shape,
    _nce_baseline,
    _warn_rows_do_not_sum_to_one,
    binary_entropy,
    prior_log_loss_sum,
    weighted_sum,
)
from skbce._utils.options import (
    check_bool,
    check_clip,
    check_confidence_level,
    check_n_bins,
    check_pos_weight,
    check_strategy,
)
from skbce._utils.validation import (
    Target,
    _labels_of,
    as_positive_column,
    binary_target,
    check_lengths,
    check_n_columns,
    check_proba,
    check_probability_range,
    check_sample_weight,
    check_scores,
    check_target,
    cross_entropy_targets,
    n_samples_of,
)

__all__ = ["StreamingCalibration", "StreamingLogLoss", "fixed_bin_sums"]


# --- what a state was built with ---------------------------------------------


@dataclass(frozen=True)
class _Spec:
    """The options of a state; states merge only when these are equal.

    ``kind`` is ``"log_loss"`` (classes and columns as :func:`log_loss`),
    ``"bce"`` (targets as :func:`binary_cross_entropy`) or ``"calibration"``
    (binary, as the calibration report).
    """

    kind: str
    labels: tuple | None = None
    pos_label: Any = None
    from_logits: bool = False
    pos_weight: Any = None
    label_smoothing: float = 0.0
    clip: Any = "dtype"
    bin_edges: tuple | None = None


def _differences(a, b):
    return [f.name for f in fields(a) if getattr(a, f.name) != getattr(b, f.name)]


def _label_array(values):
    """An array of labels for the validation helpers (object dtype if mixed)."""
    values = list(values)
    if len({isinstance(v, str) for v in values}) > 1:
        return np.array(values, dtype=object)
    return np.array(values)


# --- per-chunk values ------------------------------------------------------------


class CalibrationSums(NamedTuple):
    """Mergeable sums of the streamable part of the calibration report.

    Attributes
    ----------
    loss : LossSums
        Log-loss sums, with the weight of each class.
    bins : ndarray of shape (4, n_bins)
        Per bin: count, weight, sum of ``w * p``, sum of ``w * y``.
    totals : ndarray of shape (4,)
        Brier sum ``w (p - y)^2``, Spiegelhalter's numerator
        ``-w (p - y)(1 - 2p)`` and variance ``w (1 - 2p)^2 p (1 - p)``, and the
        sum of ``w * p``.
    """

    loss: LossSums
    bins: np.ndarray
    totals: np.ndarray

    def merge(self, other):
        """Return the sums over the union of both parts."""
        return CalibrationSums(
            self.loss.merge(other.loss), self.bins + other.bins, self.totals + other.totals
        )


def fixed_bin_sums(p, y, w, edges):
    """Per-bin sufficient statistics of unsorted data on fixed bin edges.

    Bins are ``[e0, e1], (e1, e2], ..., (e_{m-1}, e_m]``; values below the
    first edge fall in the first bin and above the last edge in the last, as
    in :func:`sklearn.calibration.calibration_curve` and the report.

    Parameters
    ----------
    p : ndarray of float64 of shape (n_samples,)
        Probabilities of the positive class.
    y : ndarray of shape (n_samples,)
        Labels, 1 (or True) for the positive class.
    w : ndarray of float64 or None
        Sample weights.
    edges : ndarray of float64 of shape (n_bins + 1,)
        Increasing bin edges.

    Returns
    -------
    sums : ndarray of float64 of shape (4, n_bins)
        Rows: count, weight, sum of ``w * p``, sum of ``w * y``.  Sums of
        disjoint parts of the data add up.

    Examples
    --------
    >>> import numpy as np
    >>> from skbce._metrics.streaming import fixed_bin_sums
    >>> fixed_bin_sums(np.array([0.1, 0.6, 0.7]), np.array([0, 1, 0]), None,
    ...                np.array([0.0, 0.5, 1.0]))
    array([[1. , 2. ],
           [1. , 2. ],
           [0.1, 1.3],
           [0. , 1. ]])
    """
    nb = edges.shape[0] - 1
    out = np.zeros((4, nb))
    inner = edges[1:-1]
    for start in range(0, p.shape[0], BLOCK):
        block = slice(start, start + BLOCK)
        pb, yb = p[block], y[block]
        idx = np.searchsorted(inner, pb, side="left")
        count = np.bincount(idx, minlength=nb)
        out[0] += count
        if w is None:
            out[1] += count
            out[2] += np.bincount(idx, weights=pb, minlength=nb)
            out[3] += np.bincount(idx, weights=yb, minlength=nb)
        else:
            wb = w[block]
            out[1] += np.bincount(idx, weights=wb, minlength=nb)
            out[2] += np.bincount(idx, weights=wb * pb, minlength=nb)
            out[3] += np.bincount(idx, weights=wb * yb, minlength=nb)
    return out


def _calibration_totals(p, y, w):
    """Brier, Spiegelhalter numerator and variance, and ``sum w p``, in blocks."""
    brier = sp_num = sp_var = sum_p = 0.0
    for start in range(0, p.shape[0], BLOCK):
        block = slice(start, start + BLOCK)
        pb = p[block]
        d = pb - y[block]
        a = 1.0 - 2.0 * pb
        v = a * a * pb * (1.0 - pb)
        if w is None:
            brier += weighted_sum(d, d)
            sp_num -= weighted_sum(d, a)
            sp_var += float(np.add.reduce(v))
            sum_p += float(np.add.reduce(pb))
        else:
            wb = w[block]
            wd = wb * d
            brier += weighted_sum(wd, d)
            sp_num -= weighted_sum(wd, a)
            sp_var += weighted_sum(v, wb)
            sum_p += weighted_sum(wb, pb)
    return np.array([brier, sp_num, sp_var, sum_p])


def _value(spec, target, s, w):
    """Sums of one chunk (or part of it) for given class codes: ``(value, rows_off)``."""
    if spec.kind == "log_loss":
        if s.ndim == 2:
            return _gather_sums(target, s, w, class_totals=True)
        sums, lo, hi = _binary_sums(target, s, w, class_totals=True)
        check_probability_range(lo, hi, "y_proba")
        return sums, False
    if spec.kind == "calibration":
        sums, _, _ = _binary_sums(target, s, w, class_totals=True)
        t = np.asarray(target.codes(), dtype=np.float64)
        edges = np.asarray(spec.bin_edges)
        bins = fixed_bin_sums(s, t, w, edges)
        return CalibrationSums(sums, bins, _calibration_totals(s, t, w)), False
    n_labels = s.shape[1] if s.ndim == 2 else None
    c = check_pos_weight(spec.pos_weight, n_labels, s.dtype)
    bounds = None if spec.from_logits else check_clip(spec.clip, s.dtype)
    sums = _bce_sums(
        target,
        s,
        w,
        from_logits=spec.from_logits,
        pos_weight=c,
        smoothing=spec.label_smoothing,
        bounds=bounds,
    )
    if s.ndim == 1:
        t = target.codes() if isinstance(target, Target) else target
        positive = float(np.sum(t, dtype=np.float64)) if w is None else weighted_sum(t, w)
        sums = LossSums(sums.loss, sums.weight, np.array([sums.weight - positive, positive]))
    return sums, False


# --- the state -----------------------------------------------------------------


class _State:
    """Sums over a part of the data, keyed by the class assignment they assume.

    Keys: ``("direct",)`` when the classes are known (``labels``,
    ``pos_label``, indicator matrices); ``("all", classes)`` for a chunk that
    holds ``width`` classes (codes are ranks among them); ``("one", label,
    column)`` for a label of a chunk that lacks classes, at each column it can
    take; ``("unit",)`` for soft or multilabel targets of a cross-entropy.
    """

    def __init__(self, spec):
        self.spec = spec
        self.parts = {}
        self.labels = set()
        self.width = None
        self.dtype = None
        self.n_samples = 0
        self.weighted = False
        self.nonzero_weight = False
        self.rows_off = False
        self.soft_example = None

    def __repr__(self):
        return f"_State({self.spec.kind}, n_samples={self.n_samples}, parts={len(self.parts)})"

    def add(self, key, value):
        old = self.parts.get(key)
        self.parts[key] = value if old is None else old.merge(value)

    def _check_mergeable(self, other):
        if not isinstance(other, _State):
            msg = f"Cannot merge a state with {other!r} of type {type(other).__name__}."
            raise TypeError(msg)
        differ = _differences(self.spec, other.spec)
        if differ:
            listed = "; ".join(
                f"{name}={getattr(self.spec, name)!r} vs {name}={getattr(other.spec, name)!r}"
                for name in differ
            )
            msg = f"Cannot merge states built with different options: {listed}."
            raise ValueError(msg)
        if None not in (self.width, other.width) and self.width != other.width:
            what = "columns of y_proba" if self.spec.kind == "log_loss" else "shape of y_score"
            msg = (
                f"Cannot merge parts with a different {what}: {self.width} in one part, "
                f"{other.width} in the other."
            )
            raise ValueError(msg)

    def merge(self, other):
        """A new state for the union of both parts (neither is changed)."""
        self._check_mergeable(other)
        out = _State(self.spec)
        for state in (self, other):
            for key, value in state.parts.items():
                out.add(key, value)
        out.labels = self.labels | other.labels
        out.width = self.width if self.width is not None else other.width
        dtypes = [d for d in (self.dtype, other.dtype) if d is not None]
        out.dtype = np.result_type(*dtypes) if dtypes else None
        out.n_samples = self.n_samples + other.n_samples
        out.weighted = self.weighted or other.weighted
        out.nonzero_weight = self.nonzero_weight or other.nonzero_weight
        out.rows_off = self.rows_off or other.rows_off
        out.soft_example = (
            self.soft_example if self.soft_example is not None else other.soft_example
        )
        out._check_labels()
        return out

    def _check_labels(self):
        """Raise as soon as the labels seen cannot be those of a valid input."""
        pos = self.spec.pos_label
        if pos is not None and len(self.labels | {pos}) > 2:
            binary_target(_label_array(self.labels), pos_label=pos)

    # -- the classes of all the data, and the sums that hold for them --

    def classes(self):
        """The classes of the data seen, found as the one-shot functions do."""
        spec = self.spec
        if spec.labels is not None:
            return np.asarray(spec.labels)
        if spec.pos_label is not None:
            return binary_target(_label_array(self.labels), pos_label=spec.pos_label).classes
        if ("direct",) in self.parts:  # indicator matrices: one class per column
            return np.arange(self.width)
        if spec.kind == "bce":
            values = sorted(self.labels, key=repr)
            if self.soft_example is not None:
                values.append(self.soft_example)
            if not values:  # multilabel (2-D) targets only
                return np.array([0, 1])
            target = cross_entropy_targets(_label_array(values))
            return target.classes if isinstance(target, Target) else np.array([0, 1])
        if spec.kind == "calibration":
            return binary_target(_label_array(self.labels)).classes
        target = check_target(_label_array(self.labels))
        check_n_columns(target, self.width, None)
        return target.classes

    def finish(self):
        """Return ``(sums, classes)`` over all the data seen."""
        if self.n_samples == 0:
            msg = "No samples seen: call update (or merge a state with samples) first."
            raise ValueError(msg)
        if self.weighted and not self.nonzero_weight:
            check_sample_weight(np.zeros(1), 1)  # raises the all-zero error
        classes = self.classes()
        rank = {v: i for i, v in enumerate(classes.tolist())}
        order = tuple(classes.tolist())
        total = None
        for key, value in self.parts.items():
            kind = key[0]
            if kind == "all" and tuple(key[1]) != order:
                msg = f"Internal error: a chunk with classes {key[1]} among classes {order}."
                raise RuntimeError(msg)
            if kind == "one" and rank.get(key[1]) != key[2]:
                continue
            total = value if total is None else total.merge(value)
        return total, classes


def _new_labels(state, classes):
    state.labels.update(classes.tolist())
    state._check_labels()


def _label_parts(spec, y_true, width, state):
    """``(key, target, rows)`` for a chunk: the assumptions to sum it under."""
    if spec.labels is not None:
        target = check_target(y_true, labels=spec.labels)
        check_n_columns(target, width, spec.labels)
        return [(("direct",), target, None)]
    if spec.pos_label is not None:
        y, classes = _labels_of(y_true, "y_true")
        _new_labels(state, classes)
        t = np.asarray(y == spec.pos_label)
        if t.shape != y.shape:  # labels that cannot equal pos_label
            t = np.zeros(y.shape, dtype=bool)
        return [(("direct",), Target(np.array([0, 1]), t, encoded=True), None)]
    if spec.kind == "bce" and np.ndim(y_true) == 2:
        return [(("unit",), cross_entropy_targets(y_true), None)]
    if np.ndim(y_true) == 2 and np.shape(y_true)[1] > 1:  # indicator matrix
        target = check_target(y_true)
        check_n_columns(target, width, None)
        return [(("direct",), target, None)]
    if spec.kind == "bce":
        y = y_true if isinstance(y_true, np.ndarray) else np.asarray(y_true)
        if y.dtype.kind in "iubf" and y.ndim == 1:
            lo, hi = y.min(), y.max()
            if np.isnan(lo) or np.isnan(hi) or (lo >= 0 and hi <= 1):
                r = cross_entropy_targets(y)
                if not isinstance(r, Target):
                    state.soft_example = float(r[(r != 0) & (r != 1)][0])
                    return [(("unit",), r, None)]
    y, classes = _labels_of(y_true, "y_true")
    _new_labels(state, classes)
    m = classes.shape[0]
    if m > width:
        return []  # more classes than columns: finish() raises
    if m == width:
        is_range = y.dtype.kind in "iub" and classes.tolist() == list(range(m))
        return [(("all", tuple(classes.tolist())), Target(classes, y, encoded=is_range), None)]
    parts = []
    columns = np.arange(width)
    for r, c in enumerate(classes.tolist()):
        rows = y == c
        n_c = int(np.count_nonzero(rows))
        for j in range(r, r + width - m + 1):
            code = np.full(n_c, j, dtype=np.intp if width > 2 else bool)
            parts.append((("one", c, j), Target(columns, code, encoded=True), rows))
    return parts


def chunk_state(spec, y_true, y_score, sample_weight=None):
    """Validate one chunk and return its :class:`_State`.

    Inputs are checked as the one-shot functions check them, except that a
    chunk may lack classes and have weights that are all zero.
    """
    state = _State(spec)
    if n_samples_of(y_true, "y_true") == 0 and n_samples_of(y_score, "y_score") == 0:
        return state
    if spec.kind == "log_loss":
        s = check_proba(y_score, check_range=False)
        n = check_lengths(y_true=y_true, y_proba=s)
        if s.ndim == 2 and s.shape[1] == 1:
            s = s[:, 0]
        state.width = 2 if s.ndim == 1 else s.shape[1]
    elif spec.kind == "calibration":
        s = check_scores(y_score, from_logits=spec.from_logits, name="y_proba")
        s = as_positive_column(s, "y_proba").astype(np.float64, copy=False)
        n = check_lengths(y_true=y_true, y_proba=s)
        state.width = 2
    else:
        s = check_scores(y_score, from_logits=spec.from_logits)
        n = check_lengths(y_true=y_true, y_score=s)
        s = _match_score_shape(s, np.shape(y_true))
        state.width = 2 if s.ndim == 1 else s.shape[1:]
    w = check_sample_weight(sample_weight, n, allow_all_zero=True)
    if spec.kind == "calibration":
        if spec.from_logits:
            from scipy.special import expit

            s = expit(s)
        if w is not None:
            w = w.astype(np.float64, copy=False)
            if w.min() < 0:
                msg = f"sample_weight must be non-negative, got min={w.min()}."
                raise ValueError(msg)
    state.n_samples = n
    state.dtype = s.dtype if w is None else np.result_type(s.dtype, w.dtype)
    state.weighted = w is not None
    state.nonzero_weight = w is None or bool(np.any(w))
    for key, target, rows in _label_parts(spec, y_true, state.width, state):
        sb = s if rows is None else s[rows]
        if sb.shape[0] == 0:
            continue
        wb = w if w is None or rows is None else w[rows]
        value, rows_off = _value(spec, target, sb, wb)
        state.rows_off |= bool(rows_off)
        state.add(key, value)
    return state


def merge_states(*states):
    """Merge any number of states (a step of a tree reduction)."""
    out = states[0]
    for state in states[1:]:
        out = out.merge(state)
    return out


# --- public classes ----------------------------------------------------------------


class _Streaming:
    """Shared plumbing of the streaming metrics: update, merge, pickling."""

    _score_name = "y_score"

    def _update(self, y_true, y_score, sample_weight):
        from skbce._backends.dispatch import array_backend, is_dask_array

        backend = array_backend(
            y_true=y_true, **{self._score_name: y_score}, sample_weight=sample_weight
        )
        if backend is not None and is_dask_array(y_score if y_score is not None else y_true):
            from skbce._backends.dask import reduce_states

            part = reduce_states(self._spec, y_true, y_score, sample_weight, self._score_name)
        else:
            part = chunk_state(self._spec, y_true, y_score, sample_weight)
        if part.rows_off:
            _warn_rows_do_not_sum_to_one()
        self._state = self._state.merge(part)
        return self

    def merge(self, other):
        """Add the data of ``other`` to this state, in place.

        Parameters
        ----------
        other : same class as self
            A state built with the same options; it is not changed.

        Returns
        -------
        self : object
            This state, now holding the data of both.

        Raises
        ------
        ValueError
            When the states were built with different options (naming them)
            or saw probabilities of different shapes.
        """
        if not isinstance(other, type(self)):
            msg = f"Cannot merge a {type(self).__name__} with a {type(other).__name__}."
            raise TypeError(msg)
        self._state = self._state.merge(other._state)
        return self

    @property
    def n_samples(self):
        """Number of samples seen."""
        return self._state.n_samples


def sorted_labels(labels):
    """``labels`` checked as the one-shot functions check them, as a sorted tuple."""
    if labels is None:
        return None
    classes = check_target(labels, labels=labels, name="labels").classes
    return tuple(classes.tolist())


def _check_labels_option(labels, pos_label):
    if labels is not None and pos_label is not None:
        msg = "Pass labels or pos_label, not both."
        raise ValueError(msg)
    return sorted_labels(labels)


class StreamingLogLoss(_Streaming):
    """Exact log loss (binary cross-entropy) over data seen in chunks.

    Holds only sufficient statistics: the sums of ``w * loss``, of ``w`` and
    of ``w`` per class.  :meth:`result` equals the one-shot function on all
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

    _score_name = "y_score"

    def __init__(self, *, labels=None, pos_label=None, from_logits=False):
        check_bool(from_logits, "from_logits")
        labels = _check_labels_option(labels, pos_label)
        if from_logits and labels is not None and len(labels) != 2:
            msg = f"from_logits=True takes binary labels, got labels={list(labels)}."
            raise ValueError(msg)
        kind = "log_loss" if pos_label is None and not from_logits else "bce"
        self.labels = labels
        self.pos_label = pos_label
        self.from_logits = from_logits
        self._spec = _Spec(kind, labels=labels, pos_label=pos_label, from_logits=from_logits)
        self._state = _State(self._spec)

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
        """
        return self._update(y_true, y_score, sample_weight)

    def _sums(self):
        return self._state.finish()

    @property
    def loss_sum(self):
        """Sum of ``sample_weight * loss`` over the samples seen."""
        return self._sums()[0].loss

    @property
    def weight_sum(self):
        """Sum of the sample weights (the number of samples when unweighted)."""
        return self._sums()[0].weight

    @property
    def classes(self):
        """The classes, sorted; for ``pos_label`` the negative class comes first."""
        return self._sums()[1]

    @property
    def class_weight(self):
        """Sum of the sample weights of each class, in the order of :attr:`classes`."""
        return self._sums()[0].class_weight

    def result(self):
        """The (weighted) mean log loss over all the data seen.

        Returns
        -------
        loss : float
            Equal to the one-shot function on the concatenated chunks.
        """
        sums, _ = self._sums()
        _check_weight_sum(sums.weight)
        return float(self._state.dtype.type(sums.loss / sums.weight))

    def normalized_cross_entropy(self, baseline=None):
        """The loss divided by that of a constant prediction.

        For binary data, the loss over the entropy of ``baseline`` (by default
        the weighted positive rate of the data seen), as
        :func:`skbce.normalized_cross_entropy`; for more classes, the loss over
        that of the class frequencies (``1 - d2_log_loss_score``).  Lower is
        better; below 1 beats the constant predictor.

        Parameters
        ----------
        baseline : float, default=None
            Base rate in ``(0, 1)`` of binary data.

        Returns
        -------
        nce : float
        """
        sums, classes = self._sums()
        loss = self.result()
        if len(classes) > 2:
            if baseline is not None:
                msg = "baseline applies to binary data only."
                raise ValueError(msg)
            return float(sums.loss) / prior_log_loss_sum(sums)
        positive = None if sums.class_weight is None else float(sums.class_weight[1])
        baseline = _nce_baseline(baseline, positive, sums.weight)
        return loss / binary_entropy(baseline)


class StreamingCalibration(_Streaming):
    """The binned part of the calibration report, over data seen in chunks.

    Keeps per-bin sums (count, weight, ``w * p``, ``w * y``) on fixed bin
    edges and a few totals, from which :meth:`result` gives the reliability
    table with Wilson intervals, the ECE family (ECE, MCE, RMSCE), the
    Hosmer-Lemeshow test on these bins, Spiegelhalter's test, and the log
    loss, Brier score, base rate and normalized cross-entropy: exactly what
    the one-shot report gives on the same edges, for any chunking and order
    of merges.  States pickle; :meth:`update` takes :mod:`dask.array` inputs.

    Parameters
    ----------
    n_bins : int, default=10
        Number of equal-width bins on ``[0, 1]``.
    bin_edges : array-like, default=None
        Increasing bin edges within ``[0, 1]``; overrides ``n_bins``.
    pos_label : int, float, bool or str, default=None
        The positive class; by default the greater of the two labels.
    from_logits : bool, default=False
        Whether ``y_proba`` holds logits (turned into probabilities with the
        logistic function).
    confidence_level : float, default=0.95
        Of the intervals of the reliability table.

    Notes
    -----
    Not streamable, so not here: anything that needs all the data at once.
    Quantile and equal-mass bins (and so the adaptive ECE, and the report's
    Hosmer-Lemeshow on equal-mass groups: here it uses the fixed bins, with
    ``dof = non-empty bins - 2``), the isotonic (CORP) decomposition, the
    smooth ECE, the ROC AUC and the Cox calibration slope and intercept.

    Examples
    --------
    >>> from skbce import StreamingCalibration
    >>> state = StreamingCalibration(n_bins=3)
    >>> state.update([0, 1, 1], [0.1, 0.7, 0.9]).update([0, 0, 1], [0.4, 0.5, 0.8])
    StreamingCalibration(n_bins=3) with 6 samples
    >>> summary = state.result()
    >>> summary["reliability"]["observed"]
    array([0., 0., 1.])
    >>> round(summary["ece"], 4)
    0.2667
    >>> summary["hosmer_lemeshow"].dof
    1
    """

    _score_name = "y_proba"

    def __init__(
        self, *, n_bins=10, bin_edges=None, pos_label=None, from_logits=False, confidence_level=0.95
    ):


        check_bool(from_logits, "from_logits")
        if bin_edges is None:
            n_bins = check_n_bins(n_bins, math.inf)
            edges = np.linspace(0.0, 1.0, n_bins + 1)
        else:
            edges = check_strategy(bin_edges)
            if isinstance(edges, str):
                msg = (
                    f"bin_edges must be an array of edges, got {bin_edges!r}: "
                    f"{edges!r} bins need all the data at once."
                )
                raise ValueError(msg)
        self.n_bins = edges.shape[0] - 1
        self.bin_edges = edges
        self.pos_label = pos_label
        self.from_logits = from_logits
        self.confidence_level = check_confidence_level(confidence_level)
        self._spec = _Spec(
            "calibration",
            pos_label=pos_label,
            from_logits=from_logits,
            bin_edges=tuple(edges.tolist()),
        )
        self._state = _State(self._spec)

    def __repr__(self):
        return f"StreamingCalibration(n_bins={self.n_bins}) with {self.n_samples} samples"

    def update(self, y_true, y_proba, sample_weight=None):
        """Add a chunk of data.

        Parameters
        ----------
        y_true : array-like of shape (n_samples,)
            Binary labels.
        y_proba : array-like of shape (n_samples,)
            Probabilities of the positive class (logits when ``from_logits``).
            NumPy arrays, lists, pandas objects, or dask arrays.
        sample_weight : array-like of shape (n_samples,), default=None
            Non-negative sample weights.

        Returns
        -------
        self : StreamingCalibration
        """
        return self._update(y_true, y_proba, sample_weight)

    def result(self):
        """The streamable statistics of the calibration report.

        Returns
        -------
        summary : dict
            Keys as in the calibration report: ``n_samples``,
            ``total_weight``, ``log_loss``, ``brier_score``,
            ``normalized_cross_entropy``, ``d2_log_loss_score``,
            ``base_rate``, ``mean_prediction``, ``observed_expected_ratio``,
            ``reliability`` (a dict of per-bin arrays: ``bin_lower``,
            ``bin_upper``, ``count``, ``weight``, ``mean_predicted``,
            ``observed``, ``ci_low``, ``ci_high``), ``ece``, ``mce``,
            ``rmsce``, ``hosmer_lemeshow`` (on the fixed bins) and
            ``spiegelhalter``.
        """
        from skbce._calibration.statistics import (
            _calibration_errors,
            _hosmer_lemeshow,
            _spiegelhalter,
            wilson_interval,
        )

        sums, _ = self._state.finish()
        total = float(sums.loss.weight)
        positive = float(sums.loss.class_weight[1])
        if not 0 < positive < total:
            msg = (
                "y_true holds a single class (among the samples of non-zero weight); "
                "calibration needs both classes."
            )
            raise ValueError(msg)
        count, weight, sum_p, sum_y = sums.bins
        brier, sp_num, sp_var, total_p = sums.totals.tolist()
        with np.errstate(invalid="ignore", divide="ignore"):
            mean_predicted = np.where(weight > 0, sum_p / weight, np.nan)
            observed = np.where(weight > 0, sum_y / weight, np.nan)
        ci_low, ci_high = wilson_interval(sum_y, weight, self.confidence_level)
        ece, mce, rmsce = _calibration_errors(weight, mean_predicted, observed)
        log_loss = sums.loss.loss / total
        base_rate = positive / total
        entropy = binary_entropy(base_rate)
        edges = self.bin_edges
        return {
            "n_samples": self.n_samples,
            "total_weight": total,
            "log_loss": log_loss,
            "brier_score": brier / total,
            "normalized_cross_entropy": log_loss / entropy,
            "d2_log_loss_score": 1.0 - log_loss / entropy,
            "base_rate": base_rate,
            "mean_prediction": total_p / total,
            "observed_expected_ratio": positive / total_p if total_p > 0 else math.inf,
            "reliability": {
                "bin_lower": edges[:-1].copy(),
                "bin_upper": edges[1:].copy(),
                "count": count.astype(np.int64),
                "weight": weight,
                "mean_predicted": mean_predicted,
                "observed": observed,
                "ci_low": ci_low,
                "ci_high": ci_high,
            },
            "ece": ece,
            "mce": mce,
            "rmsce": rmsce,
            "hosmer_lemeshow": _hosmer_lemeshow(weight, sum_y, sum_p),
            "spiegelhalter": _spiegelhalter(sp_num, sp_var),
        }
