"""The log-loss kernels: one block of samples in, its partial sums and extremes out.

Each block reads its samples once, while they are in cache, for everything the
call needs: the sum of the logs of the probabilities of the true classes, the
weight sums, and the extremes that the checks of the inputs read afterwards
(range of the probabilities, of the class codes, of the weights), so that no
check needs a pass over the data of its own in the calling thread.  The blocks
run on the threads of :func:`~skbce._losses.parallel.map_blocks`; their
results are combined in block order, so that the floats do not depend on the
number of threads.

Without weights, a float64 block takes one ``log`` per 16 samples
(:func:`sum_of_logs`): the product of 16 clipped probabilities (each at least
``2 ** -52``) is at least ``2 ** -832``, so it neither underflows nor becomes
subnormal.  Each sample adds one rounding of a product, an error of about
``1e-16`` per sample in the sum of logs, as small as that of one ``log`` per
sample.  A block makes few numpy calls on purpose: each call releases the GIL
and takes it back, and on two threads every taking back may wait for the other
thread (measured at N = 1e7 on two threads: 16.3 ms against 18.8 ms, best of 25,
with 12 calls less per block).
"""

from typing import NamedTuple

import numpy as np

from skbce._losses.parallel import map_blocks, scratch, threaded_step
from skbce._losses.sums import LossSums
from skbce._utils.numeric import (
    BLOCK,
    accumulator,
    clip_bounds,
    safe_sum,
    safe_weighted_sum,
    total_weight,
)

__all__ = [
    "CodesOutside",
    "add_parts",
    "Extremes",
    "binary_blocks",
    "gather_blocks",
    "in_unit_interval",
    "row_sum_tolerance",
    "sum_of_logs",
    "weighted_sums",
]

#: Mean ``-log|q|`` below which :func:`sum_of_logs` takes a log per value: the
#: products round by about ``2e-16`` per value in absolute terms, which stays
#: below ``1e-10`` of the sum only when the values' mean log is at least ``1e-5``
#: in size (nearly perfect predictions: a loss near 0).
EXACT_BELOW = 1e-5

#: Samples per product in :func:`sum_of_logs`: ``(2 ** -52) ** 16 = 2 ** -832`` is normal.
GROUP = 16
#: The bits of 1.0: ``ONE_BITS >> t`` stand in for the float ``1.0 - t``, ``t`` in {0, 1}.
ONE_BITS = np.array(1.0).view(np.uint64)[()]
#: Most samples per block of :func:`binary_blocks` on threads: 2 MiB of
#: float64 scratch per thread (measured at N = 1e7 on 2 cores: blocks of 64k
#: samples 1.2x faster on two threads than on one, of 250k 1.9x).
BINARY_LARGEST = 4 * BLOCK


class CodesOutside(Exception):  # noqa: N818 - a signal between the blocks and the caller
    """Raised in a block whose class codes fall outside the range the caller assumed."""


class Extremes(NamedTuple):
    """Extremes of the inputs seen by the blocks, for the checks after them.

    ``p`` is ``(min, max)`` of the probabilities (NaN if any is NaN, as
    :func:`numpy.minimum` propagates it); ``w`` that of the weights, or
    None without weights; ``every_class`` whether every class code occurs
    (None when the codes were not examined).
    """

    p: tuple
    w: tuple | None = None
    every_class: bool | None = None


def _low_high(values):
    return np.minimum.reduce(values), np.maximum.reduce(values)


def _merge(pairs):
    """``(min, max)`` over the per-block ``(min, max)`` pairs (NaN if any is NaN)."""
    lows, highs = zip(*pairs, strict=True)
    return np.minimum.reduce(np.asarray(lows)), np.maximum.reduce(np.asarray(highs))


def _extremes(parts, index, n):
    """The :class:`Extremes` of the per-block facts ``part[index]`` (``n == 0``: empty)."""
    if n == 0:
        return Extremes(p=(np.inf, -np.inf))
    facts = [part[index] for part in parts]
    p = _merge(f[0] for f in facts)
    w = None if facts[0][1] is None else _merge(f[1] for f in facts)
    return Extremes(p=p, w=w)


def sum_of_logs(q):
    """``sum(log(abs(q)))`` of a float64 array with ``2 ** -52 <= abs(q) <= 1`` (or NaN).

    Multiplies groups of :data:`GROUP` values and takes one ``log`` per
    product.  ``q`` may be overwritten.
    """
    n = q.shape[0]
    if n < GROUP * GROUP:
        return float(np.add.reduce(np.log(np.abs(q))))
    m = -(-n // GROUP)  # products
    if m * GROUP != n:  # pad with ones: every group still holds a value of q
        q = np.concatenate([q, np.ones(m * GROUP - n)])
    products = np.multiply.reduce(q.reshape(GROUP, m), axis=0)
    np.abs(products, out=products)
    np.log(products, out=products)
    total = float(np.add.reduce(products))
    if -total < n * EXACT_BELOW:  # the rounding of the products would show: a log per value
        return float(np.add.reduce(np.log(np.abs(q[:n]))))
    return total


def _one_minus(t, dtype):
    """``1 - t`` in the scratch buffer of this thread, for class codes ``t`` in {0, 1}.

    For float64 and 8-byte integer codes, one shift of the bits of ``1.0``:
    ``t = 1`` gives the float of bits ``ONE_BITS >> 1``, about ``1e-154``,
    instead of ``0``; subtracting a probability of at least ``2 ** -52`` from
    it gives the same float as from ``0`` (the caller clips smaller ones).
    The shift is unsigned: numpy's signed one also looks for negative counts
    (measured at N = 1e7 on one thread: 35.5 ms against 37.1, best of 40).
    """
    out = scratch(t.shape[0], dtype, "q")
    if dtype == np.float64 and t.dtype.kind in "iu" and t.dtype.itemsize == 8:
        np.right_shift(ONE_BITS, t.view(np.uint64), out=out.view(np.uint64))
        return out
    return np.subtract(1, t, dtype=dtype, out=out)


def _check_codes(t, n_classes):
    """Raise :class:`CodesOutside` if a class code of the block is outside ``[0, n_classes)``.

    One integer ``max`` of the codes read as unsigned: negative ones read
    larger than any class (:func:`numpy.bincount` would hold the GIL).
    """
    if int(np.maximum.reduce(t.view(f"u{t.dtype.itemsize}"))) >= n_classes:
        raise CodesOutside


def _every_code_present(target, n_classes):
    """Whether each of the codes ``0 .. n_classes - 1`` occurs in ``target`` (all in range).

    Searched in growing prefixes: the classes of most data all occur among
    the first few samples.
    """
    t = target.codes()
    start, size = 0, 1024
    seen = np.zeros(n_classes, dtype=np.int64)
    while start < t.shape[0]:
        part = np.asarray(t[start : start + size], dtype=np.intp)
        seen += np.bincount(part, minlength=n_classes)
        if np.all(seen):
            return True
        start, size = start + size, 4 * size
    return False


def weighted_sums(values, w, block, acc):
    """``(sum of w * values, sum of w)`` over ``block`` (``w`` None: unit weights)."""
    if w is None:
        return safe_sum(values, acc), values.shape[0]
    wb = w[block]
    # inf and -inf weights: refused by the caller; a total beyond float64 (weights near
    # 1e308): the caller rescales the weights and sums again
    with np.errstate(invalid="ignore", over="ignore"):
        return safe_weighted_sum(values, wb), total_weight(wb)


def _weighted_log_sum(q, w, b, acc):
    """``(sum of w log|q|, sum of w)`` of the block, ``q`` overwritten."""
    if w is None and q.dtype == np.float64:
        return sum_of_logs(q), q.shape[0]
    np.abs(q, out=q)
    np.log(q, out=q)
    return weighted_sums(q, w, b, acc)


def _class_weights(t, w):
    """``(negative, positive, count)``: each class's weight and the positives of non-zero weight.

    Each class's weight is summed on its own (not as the total less the
    other's, which cancels when one weight dominates).  ``t`` holds 0/1 codes
    of any numeric dtype.
    """
    positives = t if t.dtype == np.bool_ else t != 0
    positive = safe_weighted_sum(positives, w, np.float64)
    negative = safe_weighted_sum(~positives, w, np.float64)
    return negative, positive, np.count_nonzero(positives & (w != 0))


def binary_blocks(target, p, w, *, class_totals=False, check_codes=False):
    """``(sums, extremes)`` of the log loss of binary labels and 1-D probabilities.

    The probability given to the true class is ``|1 - t - p|`` clipped to
    ``[eps, 1 - eps]``, the value scikit-learn takes (the sign is kept when no
    value needs clipping: :func:`sum_of_logs` and the weighted sums read
    ``|q|``).  With
    ``check_codes`` the codes of ``target`` are examined: a block with a code
    outside {0, 1} raises :class:`CodesOutside`.
    """
    lo, hi = clip_bounds(p.dtype)
    acc = accumulator(p.dtype)

    def block(b):
        t, pb = target.codes(b), p[b]
        if check_codes:
            _check_codes(t, 2)
        q = _one_minus(t, p.dtype)
        p_ext = _low_high(pb)  # after reading t: ``pb`` is in cache for the subtraction
        w_ext = None if w is None else _low_high(w[b])
        np.subtract(q, pb, out=q)
        if not lo <= p_ext[0] <= p_ext[1] <= hi:  # also when NaN: clip leaves it
            np.abs(q, out=q)
            np.clip(q, lo, hi, out=q)
        loss, weight = _weighted_log_sum(q, w, b, acc)
        negative = positive = count = 0.0
        if class_totals and w is None:
            positive = count = np.count_nonzero(t)
            negative = t.shape[0] - count
        elif class_totals:
            negative, positive, count = _class_weights(t, w[b])
        return (-loss, weight, positive, count, negative), (p_ext, w_ext)

    n = p.shape[0]
    parts = map_blocks(block, n, threaded_step(n, BLOCK, BINARY_LARGEST, GROUP), 2)
    loss, weight, positive, count, negative = add_parts((part[0] for part in parts), 5)
    sums = LossSums(loss, weight)
    if class_totals:
        n_nonzero = n if w is None else np.count_nonzero(w)
        with np.errstate(over="ignore"):  # long double sums beyond float64: the caller rescales
            class_weight = np.array([negative, positive], dtype=np.float64)
        sums = sums._replace(
            class_weight=class_weight,
            class_count=np.array([n_nonzero - count, count], dtype=np.float64),
        )
    found = _extremes(parts, 1, n)
    if check_codes:
        found = found._replace(every_class=_every_code_present(target, 2))
    return sums, found


def add_parts(parts, size=4):
    """Column sums of per-block tuples, in block order.

    Weights of inf and -inf (refused by the caller, after the blocks) give NaN
    without a warning.
    """
    totals = [0.0] * size
    with np.errstate(invalid="ignore"):
        for part in parts:
            for i in range(size):
                totals[i] = totals[i] + part[i]
    return totals


def in_unit_interval(flat):
    """True if every value of the flat float array is within [0, 1] (no NaN).

    Non-negative floats order like their bit patterns read as unsigned
    integers, and negative values, NaN and infinity all read greater than
    ``1.0`` does: one integer ``max`` checks everything.  (``-0.0`` reads as
    negative too; the caller then looks closer.)
    """
    bits = flat.view(np.dtype(f"u{flat.dtype.itemsize}"))
    return np.maximum.reduce(bits) <= np.ones(1, flat.dtype).view(bits.dtype)[0]


def row_sum_tolerance(dtype):
    """How far a row sum may be from one, as in scikit-learn."""
    return 1e-8 + np.sqrt(np.finfo(dtype).eps)


def gather_blocks(target, P, w, *, class_totals=False, check_codes=False):
    """``(sums, rows_off, extremes)`` of the log loss of a probability matrix.

    One pass over ``P`` in blocks of rows: the range of the values, the row
    sums (for the warning scikit-learn gives when rows are not distributions)
    and the gather of each sample's probability of its true class.  With
    ``check_codes`` the class codes are examined: a block with a code outside
    ``[0, n_classes)`` raises :class:`CodesOutside`, and the extremes say
    whether every code occurs.
    """
    n, k = P.shape
    lo, hi = clip_bounds(P.dtype)
    tolerance = row_sum_tolerance(P.dtype)
    acc = accumulator(P.dtype)
    step = max(1, (8 * BLOCK) // k)
    step = threaded_step(n, step, step, 1)
    offsets = np.arange(min(step, n)) * k

    def block(b):
        Pb = np.ascontiguousarray(P[b])
        flat = Pb.reshape(-1)
        p_ext = (0.0, 1.0) if in_unit_interval(flat) else _low_high(flat)
        codes = np.asarray(target.codes(b), dtype=np.intp)
        if check_codes:
            _check_codes(codes, k)
        facts = (p_ext, None if w is None else _low_high(w[b]))
        if not 0 <= p_ext[0] <= p_ext[1] <= 1:  # the caller raises: only the checks' sums
            with np.errstate(invalid="ignore"):
                weight = 0.0 if w is None else total_weight(w[b])
            return (0.0, weight, 0.0, 0.0, False), facts
        sums = np.einsum("ij->i", Pb)  # rows within [0, k]: ``s - 1`` is exact near 1
        rows_off = float(np.maximum.reduce(sums)) - 1.0 > tolerance
        rows_off = rows_off or 1.0 - float(np.minimum.reduce(sums)) > tolerance
        rows = codes.shape[0]
        index = np.add(offsets[:rows], codes, out=scratch(rows, np.intp, "index"))
        q = np.take(flat, index, out=scratch(rows, P.dtype, "q"), mode="clip")  # codes checked
        np.clip(q, lo, hi, out=q)
        loss, weight = _weighted_log_sum(q, w, b, acc)
        counts = weights = 0.0
        if class_totals and w is None:
            counts = weights = np.bincount(codes, minlength=k).astype(np.float64)
        elif class_totals:
            wb = w[b]
            counts = np.bincount(codes[wb != 0], minlength=k).astype(np.float64)
            # bincount refuses long double weights
            weights = np.bincount(codes, weights=wb.astype(np.float64, copy=False), minlength=k)
        return (-loss, weight, weights, counts, rows_off), facts

    parts = map_blocks(block, n, step, 2)
    loss, weight, weights, counts = add_parts(part[0] for part in parts)
    rows_off = any(part[0][4] for part in parts)
    sums = LossSums(loss, weight)
    if class_totals:
        sums = LossSums(loss, weight, weights, class_count=counts)
    found = _extremes(parts, 1, n)
    if check_codes:
        found = found._replace(every_class=_every_code_present(target, k))
    return sums, rows_off, found
