"""Dask arrays: the losses as a tree reduction of per-chunk states.

Each chunk is validated and summed where it lives, into the mergeable state
of :mod:`skbce._losses.states`; the states are merged up a tree and only the
final state, a few numbers, reaches the client.  So the result is exact
whatever the chunk sizes (sums, not averages of per-chunk means), the data
are read once, and no prediction is gathered to one machine.  The classes,
when not given, are found in the same pass (see :mod:`skbce._losses.states`).
The chunk tasks receive the checked options and do not check them again.

Dask is an optional dependency (``pip install "skbce[dask]"``), imported
only when a dask array is passed.
"""

from dataclasses import replace

import numpy as np

from skbce._losses.numpy_sums import warn_rows
from skbce._losses.states import chunk_state, merge_states, sorted_labels
from skbce._utils.binary_targets import match_score_shape
from skbce._utils.optional import import_optional
from skbce._utils.options import clip_bounds_of, pos_weight_of
from skbce._utils.validation import FLOAT_DTYPES, check_array_like, check_lengths, check_proba

__all__ = ["is_dask_array", "reduce_states", "sums", "values"]


def is_dask_array(value):
    """True for a :class:`dask.array.Array` (checked without importing dask)."""
    return type(value).__module__.startswith("dask.") and hasattr(value, "to_delayed")


#: States merged by one task of the tree reduction.
FAN_IN = 8


def _aligned_blocks(arrays, reference):
    """Delayed blocks of the named arrays, rechunked along rows like ``reference``.

    Lists and tuples become dask arrays; other dimensions form one chunk, so
    each block holds whole rows.
    """
    da = import_optional("dask.array", "Metrics of dask arrays")
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
    """The merged :mod:`skbce._losses.states` state of dask arrays, computed by dask.

    Uses the current scheduler (a ``distributed.Client`` when one is active).
    """
    dask = import_optional("dask", "Metrics of dask arrays")
    arrays = {"y_true": y_true, score_name: y_score, "sample_weight": sample_weight}
    _check_lengths(arrays)
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


def _check_lengths(arrays):
    """The number of samples; raise as numpy does for scalars and unknown lengths.

    The arrays are checked in the order of ``arrays``: a 0-d array is not an
    array-like of samples, and a NaN length (unknown chunk sizes) is named.
    """
    for name, value in arrays.items():
        check_array_like(value, name, allow_none=name == "sample_weight")
    weight = arrays.get("sample_weight")
    if weight is not None and np.ndim(weight) != 1:
        msg = f"sample_weight must be a 1-D array, got an array of shape {np.shape(weight)}."
        raise ValueError(msg)
    return check_lengths(**arrays)


def _score_dtype(y_score, from_logits):
    """The floating dtype the numpy path would give ``y_score``."""
    kept = FLOAT_DTYPES[:2] if from_logits else FLOAT_DTYPES
    dtype = np.dtype(y_score.dtype)
    return dtype if dtype in kept else np.dtype(np.float64)


def _meta(value):
    """Something with the ``shape`` and ``dtype`` of an input (lists become arrays)."""
    return value if is_dask_array(value) else np.asarray(value)


def sums(options, y_true, y_score, sample_weight):
    """``(LossSums, dtype)`` of a loss of dask arrays, reduced by dask.

    Examples
    --------
    >>> import dask.array as da
    >>> from skbce._backends import dask as backend
    >>> from skbce._losses.options import loss_options
    >>> y = da.from_array([0, 1, 1, 0, 1], chunks=3)
    >>> p = da.from_array([0.1, 0.8, 0.6, 0.3, 0.9], chunks=3)
    >>> total, dtype = backend.sums(loss_options("log_loss"), y, p, None)
    >>> round(float(total.loss / total.weight), 4)
    0.2603
    """
    score_name = "y_proba" if options.kind == "log_loss" else "y_score"
    check_array_like(y_score, score_name)  # named first, as on the numpy path
    arrays = {"y_true": y_true, score_name: y_score, "sample_weight": sample_weight}
    if _check_lengths(arrays) == 0:  # the numpy path's error, from the (empty) data
        check_proba(np.asarray(y_score), name=score_name, check_range=False)
    if options.kind == "log_loss":
        spec = replace(options, labels=sorted_labels(options.labels), reduction="mean")
        state = reduce_states(spec, y_true, y_score, sample_weight, "y_proba")
        if state.rows_off:
            warn_rows()
        return state.finish()[0], state.dtype
    shape = tuple(_meta(y_score).shape)
    dtype = _score_dtype(_meta(y_score), options.from_logits)
    y_shape = tuple(_meta(y_true).shape)
    if len(shape) <= 2 and len(y_shape) <= 2:  # the numpy path's error, with the whole shapes
        match_score_shape(np.broadcast_to(np.zeros((), dtype), shape), y_shape)
    if options.class_totals and (len(shape) == 2 and shape[1] != 1 or len(shape) > 2):
        msg = f"normalized_cross_entropy takes 1-D binary data, got y_score of shape {shape}."
        raise ValueError(msg)
    pos_weight_of(options.pos_weight, shape[1] if len(shape) == 2 else None, dtype)
    if not options.from_logits:
        clip_bounds_of(options.clip, dtype)
    state = reduce_states(options, y_true, y_score, sample_weight, "y_score")
    return state.finish()[0], state.dtype


def values(options, y_true, y_score, sample_weight):
    """Refused: ``reduction="none"`` is not a reduction."""
    msg = (
        "reduction='none' is not supported for dask arrays (it is not a "
        "reduction); map skbce.binary_cross_entropy(..., reduction='none') "
        "over aligned blocks with dask.array.map_blocks instead."
    )
    raise ValueError(msg)
