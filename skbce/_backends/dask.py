"""Dask arrays: the metrics as a tree reduction of per-chunk sums.

Each chunk is validated and summed where it lives, into the mergeable state
of :mod:`skbce._metrics.streaming`; the states are merged up a tree and only the
final state, a few numbers, reaches the client.  So the result is exact
whatever the chunk sizes (sums, not averages of per-chunk means), the data
are read once, and no prediction is gathered to one machine.  The classes,
when not given, are found in the same pass (see :mod:`skbce._metrics.streaming`).

Dask is an optional dependency (``pip install "skbce[dask]"``), imported
only when a dask array is passed.
"""

import math

import numpy as np

from skbce._backends.dispatch import is_dask_array
from skbce._metrics.losses import (
    _check_weight_sum,
    _nce_baseline,
    _warn_infinite,
    _warn_rows_do_not_sum_to_one,
    binary_entropy,
)
from skbce._metrics.streaming import _Spec, chunk_state, merge_states, sorted_labels
from skbce._utils.optional import import_optional
from skbce._utils.options import (
    check_bool,
    check_choice,
    check_clip,
    check_pos_weight,
    check_smoothing,
)
from skbce._utils.validation import (
    FLOAT_DTYPES,
    check_lengths,
)

__all__ = [
    "binary_cross_entropy",
    "log_loss",
    "normalized_cross_entropy",
    "reduce_states",
]

#: States merged by one task of the tree reduction.
FAN_IN = 8


def _aligned_blocks(arrays, reference):
    """Delayed blocks of the named arrays, rechunked along rows like ``reference``.

    Lists and tuples become dask arrays; other dimensions form one chunk, so
    each block holds whole rows.
    """
    da = import_optional("dask.array", "Metrics of dask arrays")
    for name, value in arrays.items():
        if is_dask_array(value) and any(math.isnan(c) for c in value.chunks[0]):
            msg = (
                f"{name} has unknown chunk sizes; call {name}.compute_chunk_sizes() "
                "(or pass lengths=True when converting from a dask DataFrame)."
            )
            raise ValueError(msg)
    check_lengths(**arrays)
    rows = arrays[reference].chunks[0]
    blocks = {}
    for name, value in arrays.items():
        if value is None:
            blocks[name] = [None] * len(rows)
            continue
        if not is_dask_array(value):
            value = da.from_array(np.asarray(value), chunks=-1)
        chunks = (rows, *((size,) for size in value.shape[1:]))
        if value.chunks != chunks:
            value = value.rechunk(chunks)
        blocks[name] = list(value.to_delayed().reshape(-1))
    return blocks


def reduce_states(spec, y_true, y_score, sample_weight, score_name):
    """The merged :mod:`skbce._metrics.streaming` state of dask arrays, computed by dask.

    Uses the current scheduler (a ``distributed.Client`` when one is active).
    """
    dask = import_optional("dask", "Metrics of dask arrays")
    arrays = {"y_true": y_true, score_name: y_score, "sample_weight": sample_weight}
    reference = next(name for name, value in arrays.items() if is_dask_array(value))
    blocks = _aligned_blocks(arrays, reference)
    chunk = dask.delayed(chunk_state)
    merge = dask.delayed(merge_states)
    states = [
        chunk(spec, yb, sb, wb)
        for yb, sb, wb in zip(
            blocks["y_true"], blocks[score_name], blocks["sample_weight"], strict=True
        )
    ]
    while len(states) > 1:
        states = [merge(*states[i : i + FAN_IN]) for i in range(0, len(states), FAN_IN)]
    (state,) = dask.compute(states[0])
    return state


def _score_dtype(y_score, from_logits):
    """The floating dtype the numpy path would give ``y_score``."""
    kept = FLOAT_DTYPES[:2] if from_logits else FLOAT_DTYPES
    dtype = np.dtype(y_score.dtype)
    return dtype if dtype in kept else np.dtype(np.float64)


def log_loss(y_true, y_proba, *, normalize=True, sample_weight=None, labels=None):
    """:func:`skbce.log_loss` of dask arrays, by a reduction of per-chunk sums.

    Examples
    --------
    >>> import dask.array as da
    >>> from skbce import log_loss
    >>> y = da.from_array([0, 1, 1, 0, 1], chunks=3)
    >>> p = da.from_array([0.1, 0.8, 0.6, 0.3, 0.9], chunks=3)
    >>> log_loss(y, p)
    0.2602...
    """
    check_bool(normalize, "normalize")
    spec = _Spec("log_loss", labels=sorted_labels(labels))
    state = reduce_states(spec, y_true, y_proba, sample_weight, "y_proba")
    if state.rows_off:
        _warn_rows_do_not_sum_to_one()
    sums, _ = state.finish()
    if not normalize:
        return float(state.dtype.type(sums.loss))
    _check_weight_sum(sums.weight)
    return float(state.dtype.type(sums.loss / sums.weight))


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
    """:func:`skbce.binary_cross_entropy` of dask arrays (``"mean"`` or ``"sum"``).

    Examples
    --------
    >>> import dask.array as da
    >>> from skbce import binary_cross_entropy
    >>> y = da.from_array([0, 1, 1], chunks=2)
    >>> z = da.from_array([-2.2, 1.4, 0.4], chunks=2)
    >>> binary_cross_entropy(y, z, from_logits=True)
    0.2795...
    """
    check_choice(reduction, "reduction", ["mean", "sum", "none"])
    if reduction == "none":
        msg = (
            "reduction='none' is not supported for dask arrays (it is not a "
            "reduction); map skbce.binary_cross_entropy(..., reduction='none') "
            "over aligned blocks with dask.array.map_blocks instead."
        )
        raise ValueError(msg)
    smoothing = check_smoothing(label_smoothing)
    check_bool(from_logits, "from_logits")
    dtype = _score_dtype(_meta(y_score), from_logits)
    shape = _meta(y_score).shape
    n_labels = shape[1] if len(shape) == 2 else None
    c = check_pos_weight(pos_weight, n_labels, dtype)
    if not from_logits:
        check_clip(clip, dtype)
    spec = _Spec(
        "bce",
        pos_label=pos_label,
        from_logits=from_logits,
        pos_weight=None if c is None else _hashable(c.tolist()),
        label_smoothing=smoothing,
        clip=clip,
    )
    state = reduce_states(spec, y_true, y_score, sample_weight, "y_score")
    sums, _ = state.finish()
    _warn_infinite(np.array(sums.loss), clip)
    if reduction == "sum":
        return float(state.dtype.type(sums.loss))
    _check_weight_sum(sums.weight)
    return float(state.dtype.type(sums.loss / sums.weight))


def _meta(value):
    """Something with the ``shape`` and ``dtype`` of an input (lists become arrays)."""
    return value if is_dask_array(value) else np.asarray(value)


def _hashable(value):
    return tuple(value) if isinstance(value, list) else value


def normalized_cross_entropy(
    y_true, y_score, *, baseline=None, sample_weight=None, pos_label=None, from_logits=False
):
    """:func:`skbce.normalized_cross_entropy` of dask arrays.

    Examples
    --------
    >>> import dask.array as da
    >>> from skbce import normalized_cross_entropy
    >>> y = da.from_array([0, 1, 1, 0], chunks=3)
    >>> p = da.from_array([0.2, 0.9, 0.6, 0.3], chunks=3)
    >>> normalized_cross_entropy(y, p)
    0.431...
    """
    check_bool(from_logits, "from_logits")
    shape = tuple(_meta(y_score).shape)
    if len(shape) == 2 and shape[1] != 1 or len(shape) > 2:
        msg = f"normalized_cross_entropy takes 1-D binary data, got y_score of shape {shape}."
        raise ValueError(msg)
    spec = _Spec("bce", pos_label=pos_label, from_logits=from_logits)
    state = reduce_states(spec, y_true, y_score, sample_weight, "y_score")
    sums, _ = state.finish()
    baseline = _nce_baseline(baseline, float(sums.class_weight[1]), sums.weight)
    _check_weight_sum(sums.weight)
    loss = float(state.dtype.type(sums.loss / sums.weight))
    return loss / binary_entropy(baseline)
