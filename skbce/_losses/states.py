"""Mergeable states: sums over a part of the data, keyed by the classes they assume.

A state holds :class:`~skbce._losses.sums.LossSums` (or the ``chunk_sums``
of its options) over the samples seen so far, so that the result over many
chunks equals the one-shot function on all the data, whatever the chunking
and the order of merges.  The streaming metrics and the Dask backend both
build and merge these states.

When the classes are not given up front they are found from the data, as the
one-shot functions do, and still in one pass: a chunk that holds every class
is summed once with its own class order (which is then the global one); a
chunk that lacks classes is summed, for each of its labels, at every column
the label can take once the missing classes are known (one extra log per
sample and missing class).  The state keeps these sums by the assumption they
rest on, and :meth:`State.finish` picks the ones that hold for the classes of
all the data.
"""

import numpy as np

from skbce._losses.kernels import bce_sums, binary_sums, gather_sums
from skbce._utils import binary_targets as targets
from skbce._utils import validation as checks
from skbce._utils.numeric import scaled_weights
from skbce._utils.options import clip_bounds_of, pos_weight_of

__all__ = ["State", "chunk_state", "merge_states", "part_sums", "sorted_labels"]


def _label_array(values):
    """An array of labels for the validation helpers (object dtype if mixed).

    Integers beyond int64 stay integers (uint64), as numpy reads an array of
    them, not the floats a list of Python ints of both ranges becomes.
    """
    values = list(values)
    if len({isinstance(v, str) for v in values}) > 1:
        return np.array(values, dtype=object)
    array = np.array(values)
    if array.dtype.kind == "f" and all(isinstance(v, int) for v in values):
        if min(values) >= 0 and max(values) < 2**64:
            return np.array(values, dtype=np.uint64)
    return array


def sorted_labels(labels):
    """Checked ``labels`` (a tuple, see :func:`loss_options`) sorted, as a tuple."""
    if labels is None:
        return None
    classes = checks.check_target(np.asarray(labels), labels=labels, name="labels").classes
    return tuple(classes.tolist())


def part_sums(spec, target, s, w):
    """Sums of one chunk (or part of it) for given class codes: ``(value, rows_off)``."""
    if spec.chunk_sums is not None:
        return spec.chunk_sums(spec, target, s, w), False
    if spec.kind == "log_loss":
        if s.ndim == 2:
            return gather_sums(target, s, w, class_totals=True)
        sums, lo, hi = binary_sums(target, s, w, class_totals=True)
        checks.check_probability_range(lo, hi, spec.score_name)
        return sums, False
    n_labels = s.shape[1] if s.ndim == 2 else None
    sums = bce_sums(
        target,
        s,
        w,
        from_logits=spec.from_logits,
        pos_weight=pos_weight_of(spec.pos_weight, n_labels, s.dtype),
        smoothing=spec.label_smoothing,
        bounds=None if spec.from_logits else clip_bounds_of(spec.clip, s.dtype),
        positives=True,
    )
    return sums, False


class State:
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
        return f"State({self.spec.kind}, n_samples={self.n_samples}, parts={len(self.parts)})"

    def add(self, key, value):
        old = self.parts.get(key)
        self.parts[key] = value if old is None else old.merge(value)

    def _check_mergeable(self, other):
        if not isinstance(other, State):
            msg = f"Cannot merge a state with {other!r} of type {type(other).__name__}."
            raise TypeError(msg)
        differ = self.spec.differences(other.spec)
        if differ:
            listed = "; ".join(
                f"{name}={getattr(self.spec, name)!r} vs {name}={getattr(other.spec, name)!r}"
                for name in differ
            )
            msg = f"Cannot merge states built with different options: {listed}."
            raise ValueError(msg)
        if None not in (self.width, other.width) and self.width != other.width:
            name = self.spec.score_name
            what = f"columns of {name}" if self.spec.kind == "log_loss" else f"shape of {name}"
            msg = (
                f"The parts differ in the {what}: {self.width} in one, {other.width} in "
                f"the other (every chunk of {name} must have the same)."
            )
            raise ValueError(msg)

    def merge(self, other):
        """A new state for the union of both parts (neither is changed)."""
        self._check_mergeable(other)
        out = State(self.spec)
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
        spec, labels = self.spec, self.labels
        if len({isinstance(v, str) for v in labels}) > 1:
            listed = sorted(labels, key=repr)
            msg = f"y_true mixes string and non-string labels across chunks: {listed}."
            raise ValueError(msg)
        pos = spec.pos_label
        if pos is not None and len(labels | {pos}) > 2:
            targets.binary_target(_label_array(labels), pos_label=pos)
        binary = spec.kind == "calibration" or (spec.kind == "bce" and self.width == 2)
        if binary and len(labels) > 2:
            targets.binary_target(_label_array(labels))  # raises: not binary
        if spec.kind == "log_loss" and isinstance(self.width, int) and len(labels) > self.width:
            what = "is 1-D (two classes)" if self.width == 2 else f"has {self.width} columns"
            msg = (
                f"y_true holds {len(labels)} classes {sorted(labels, key=repr)} "
                f"but {spec.score_name} {what}."
            )
            raise ValueError(msg)

    # -- the classes of all the data, and the sums that hold for them --

    def classes(self):
        """The classes of the data seen, found as the one-shot functions do."""
        spec = self.spec
        if spec.labels is not None:
            return np.asarray(spec.labels)
        if spec.pos_label is not None:
            return targets.binary_target(
                _label_array(self.labels), pos_label=spec.pos_label
            ).classes
        if ("direct",) in self.parts:  # indicator matrices: one class per column
            return np.arange(self.width)
        if spec.kind == "bce":
            values = sorted(self.labels, key=repr)
            if self.soft_example is not None:
                values.append(self.soft_example)
            if not values:  # multilabel (2-D) targets only
                return np.array([0, 1])
            target = targets.cross_entropy_targets(_label_array(values))
            return target.classes if isinstance(target, checks.Target) else np.array([0, 1])
        if spec.kind == "calibration":
            return targets.binary_target(_label_array(self.labels)).classes
        target = checks.check_target(_label_array(self.labels))
        checks.check_n_columns(target, self.width, None)
        return target.classes

    def finish(self):
        """Return ``(sums, classes)`` over all the data seen."""
        if self.n_samples == 0:
            msg = "No samples seen: call update (or merge a state with samples) first."
            raise ValueError(msg)
        if self.weighted and not self.nonzero_weight:
            checks.check_sample_weight(np.zeros(1), 1)  # raises the all-zero error
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
        target = checks.check_target(y_true, labels=spec.labels)
        checks.check_n_columns(target, width, spec.labels)
        return [(("direct",), target, None)]
    if spec.pos_label is not None:
        y, classes = checks.labels_of(y_true, "y_true")
        _new_labels(state, classes)
        t = checks.equals_label(y, spec.pos_label)
        return [(("direct",), checks.Target(np.array([0, 1]), t, encoded=True), None)]
    if spec.kind == "bce" and np.ndim(y_true) == 2:
        return [(("unit",), targets.cross_entropy_targets(y_true), None)]
    if np.ndim(y_true) == 2 and np.shape(y_true)[1] > 1:  # indicator matrix
        target = checks.check_target(y_true)
        checks.check_n_columns(target, width, None)
        return [(("direct",), target, None)]
    if spec.kind == "bce":
        y = y_true if isinstance(y_true, np.ndarray) else np.asarray(y_true)
        if y.dtype.kind in "iubf" and y.ndim == 1:
            lo, hi = y.min(), y.max()
            if np.isnan(lo) or np.isnan(hi) or (lo >= 0 and hi <= 1):
                r = targets.cross_entropy_targets(y)
                if not isinstance(r, checks.Target):
                    state.soft_example = float(r[(r != 0) & (r != 1)][0])
                    return [(("unit",), r, None)]
    y, classes = checks.labels_of(y_true, "y_true")
    _new_labels(state, classes)
    m = classes.shape[0]
    if m == width:
        is_range = y.dtype.kind in "iub" and classes.tolist() == list(range(m))
        return [
            (("all", tuple(classes.tolist())), checks.Target(classes, y, encoded=is_range), None)
        ]
    parts = []
    columns = np.arange(width)
    for r, c in enumerate(classes.tolist()):
        rows = y == c
        n_c = int(np.count_nonzero(rows))
        for j in range(r, r + width - m + 1):
            code = np.full(n_c, j, dtype=np.intp if width > 2 else bool)
            parts.append((("one", c, j), checks.Target(columns, code, encoded=True), rows))
    return parts


def chunk_state(spec, y_true, y_score, sample_weight=None):
    """Validate one chunk and return its :class:`State`.

    Inputs are checked as the one-shot functions check them, except that a
    chunk may lack classes and have weights that are all zero.
    """
    state = State(spec)
    calibration = spec.kind == "calibration"
    name = spec.score_name
    if checks.n_samples_of(y_true, "y_true") == 0 and checks.n_samples_of(y_score, name) == 0:
        return state
    if spec.kind == "log_loss":
        s = checks.check_proba(y_score, name=name, check_range=False)
        n = checks.check_lengths(y_true=y_true, **{name: s})
        if s.ndim == 2 and s.shape[1] == 1:
            s = s[:, 0]
        state.width = 2 if s.ndim == 1 else s.shape[1]
    elif spec.kind == "calibration":
        s = checks.check_scores(y_score, from_logits=spec.from_logits, name=name)
        s = targets.as_positive_column(s, name).astype(np.float64, copy=False)
        n = checks.check_lengths(y_true=y_true, **{name: s})
        state.width = 2
    else:
        s = checks.check_scores(y_score, from_logits=spec.from_logits, name=name)
        n = checks.check_lengths(y_true=y_true, **{name: s})
        s = targets.match_score_shape(s, np.shape(y_true), name)
        state.width = 2 if s.ndim == 1 else s.shape[1:]
    w = checks.check_sample_weight(sample_weight, n, allow_all_zero=True, non_negative=calibration)
    if calibration and spec.from_logits:
        from scipy.special import expit

        s = expit(s)
    if calibration:
        w = None if w is None else w.astype(np.float64, copy=False)
    state.n_samples = n
    state.dtype = s.dtype if w is None else np.result_type(s.dtype, w.dtype)
    state.weighted = w is not None
    state.nonzero_weight = w is None or bool(np.any(w))
    if not calibration:
        w, scale = scaled_weights(w)
    for key, target, rows in _label_parts(spec, y_true, state.width, state):
        sb = s if rows is None else s[rows]
        if sb.shape[0] == 0:
            continue
        wb = w if w is None or rows is None else w[rows]
        value, rows_off = part_sums(spec, target, sb, wb)
        if not calibration and scale:
            value = value._replace(scale=scale)
        state.rows_off |= bool(rows_off)
        state.add(key, value)
    return state


def merge_states(*states):
    """Merge any number of states (a step of a tree reduction)."""
    out = states[0]
    for state in states[1:]:
        out = out.merge(state)
    return out
