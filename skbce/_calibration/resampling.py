"""Resampling on cells: the sorted data pooled into at most :data:`MAX_CELLS` cells.

A bootstrap (or a resample of outcomes) of ``N`` samples costs ``O(N)`` per
resample; the report's resamples work instead on *cells*, contiguous runs of
the sorted data that keep, per label, the mass and the sums every statistic
needs (predictions, log losses, squared errors).  A resample draws the mass of
each (cell, label) at once: under the Poisson bootstrap (Poisson(1) weights,
as frequency weights) the sum of the draws of ``k`` rows is Poisson(``k``), so
a cell's resampled mass is one Poisson draw of its mass.

* Exact cells: when the data hold at most :data:`MAX_CELLS` distinct
  predictions, a cell is a distinct prediction (its tied rows), and the
  resampled statistics are exactly those of the Poisson bootstrap of rows.
* Pooled cells: otherwise the cells are :data:`MAX_CELLS` runs of equal mass
  (ties never split), cut at the bin edges of the reliability table and of the
  equal-mass groups, so that binned sums stay exact; within a cell the
  resampled rows of a label count at their mean prediction, log loss and
  squared error.  At ``N`` above ``MAX_CELLS`` a cell holds ``N / MAX_CELLS``
  rows, far fewer than a block of the isotonic regression (about
  ``N**(2/3)``) or a bin: the pooling changes a statistic by much less than
  its sampling error, and the intervals are centred on the difference
  between the replicates and the statistic on the cells (see
  :func:`basic_interval`).

Integer weights count as repeated rows (frequency masses), so they give the
cells, and with a fixed seed the resamples, of the repeated data.
"""

from typing import NamedTuple

import numpy as np

from skbce._calibration.blocks import BLOCK, block_slices, running_sums
from skbce._calibration.isotonic import pav
from skbce._utils.numeric import float_clip_bounds

__all__ = [
    "MAX_CELLS",
    "CellMeans",
    "Cells",
    "cell_bins",
    "cell_means",
    "distinct_count",
    "isotonic_fit",
    "make_cells",
    "basic_interval",
    "random_generator",
]

#: Largest number of cells of the resamples.
MAX_CELLS = 1024


class Cells(NamedTuple):
    """Sorted data pooled into cells (module docstring).

    ``starts`` are the first rows of the cells; ``m1``, ``m0`` the masses of
    the positives and negatives; ``p1``, ``p0`` their mean predictions;
    ``ll1``, ``ll0`` their mean log losses; ``bs1``, ``bs0`` their mean squared
    errors; ``x`` the mean prediction of the cell; ``exact`` whether each
    cell is one distinct prediction; ``distinct`` the number of distinct
    predictions of the data.
    """

    starts: np.ndarray
    m1: np.ndarray
    m0: np.ndarray
    p1: np.ndarray
    p0: np.ndarray
    ll1: np.ndarray
    ll0: np.ndarray
    bs1: np.ndarray
    bs0: np.ndarray
    x: np.ndarray
    exact: bool
    distinct: int

    @property
    def mass(self):
        """The mass of each cell, both labels."""
        return self.m1 + self.m0


def random_generator(random_state):
    """A numpy Generator from ``random_state``: None is seed 0, so reports are reproducible.

    An int seeds it (None and 0 give the same draws); a
    :class:`numpy.random.RandomState` gives the seed (one draw from it); a
    Generator is used as it is.
    """
    import numbers

    if random_state is None:
        return np.random.default_rng(0)
    if isinstance(random_state, np.random.Generator):
        return random_state
    if isinstance(random_state, numbers.Integral) and not isinstance(random_state, bool):
        return np.random.default_rng(int(random_state))
    from sklearn.utils import check_random_state

    return np.random.default_rng(check_random_state(random_state).randint(2**31 - 1))


def distinct_count(p_s):
    """Number of distinct values of sorted ``p_s``, one block at a time."""
    count = int(p_s.shape[0] > 0)
    for start, stop in block_slices(p_s.shape[0]):
        lo = max(start, 1)
        count += int(np.count_nonzero(p_s[lo:stop] != p_s[lo - 1 : stop - 1]))
    return count


def _equal_mass_rows(m, k):
    """``searchsorted(cumsum(m), linspace(0, sum, k + 1)[1:-1], "right")``, block by block.

    The running sums are those of one ``cumsum`` (to the bit), without its
    full-size array.
    """
    n = m.shape[0]
    ends, carry = [], 0.0  # the running sum at the end of each block
    for start, stop in block_slices(n):
        carry = float(running_sums(m, start, stop, carry)[-1])
        ends.append(carry)
    targets = np.linspace(0.0, carry, k + 1)[1:-1]
    block_of = np.searchsorted(np.array(ends), targets, side="right")
    rows = np.full(targets.shape[0], n, dtype=np.intp)  # past the last block: every row
    for b in np.unique(block_of[block_of < len(ends)]).tolist():
        start = b * BLOCK
        cum = running_sums(m, start, min(start + BLOCK, n), ends[b - 1] if b else 0.0)
        here = block_of == b
        rows[here] = start + np.searchsorted(cum, targets[here], side="right")
    return rows


def _cell_starts(p_s, m, bounds):
    """First rows of the cells (distinct predictions, or equal-mass runs cut at ``bounds``).

    Returns ``(starts, exact, distinct)``, ``distinct`` the number of distinct predictions.
    """
    n = p_s.shape[0]
    distinct = distinct_count(p_s)
    if distinct <= MAX_CELLS:
        return np.concatenate(([0], np.flatnonzero(p_s[1:] != p_s[:-1]) + 1)), True, distinct
    if m is None:
        idx = (np.arange(1, MAX_CELLS) * n) // MAX_CELLS
    else:
        idx = _equal_mass_rows(m, MAX_CELLS)
    idx = np.searchsorted(p_s, p_s[np.minimum(idx, n - 1)], side="left")  # ties never split
    starts = np.unique(np.concatenate(([0], idx, *bounds)))
    return starts[starts < n], False, distinct


def _reduce_cells(p_s, starts, n_rows, rows_of):
    """Per-cell sums of the ``n_rows`` rows ``rows_of(start, stop)`` yields for each block.

    The rows are summed one at a time, so that a generator keeps one row of a
    block at a time.
    """
    out = np.zeros((n_rows, starts.shape[0]))
    for start, stop in block_slices(p_s.shape[0]):
        i0 = int(np.searchsorted(starts, start, side="right")) - 1
        i1 = int(np.searchsorted(starts, stop, side="left"))
        local = np.maximum(starts[i0:i1], start) - start
        out[:, i0:i1] += [np.add.reduceat(row, local) for row in rows_of(start, stop)]
    return out


def _cell_sums(p_s, y_s, m, starts, clip_dtype):
    """Per-cell sums of mass, mass * p, log loss and squared error, per label.

    The log losses clip ``p`` to the bounds of ``clip_dtype``.
    """
    lo, hi = float_clip_bounds(clip_dtype)

    def rows_of(start, stop):  # one scratch row: the rows are summed as they come
        p, y = p_s[start:stop], y_s[start:stop]
        w1 = np.where(y, 1.0 if m is None else m[start:stop], 0.0)
        w0 = np.subtract(1.0 if m is None else m[start:stop], w1)
        yield w1
        yield w0
        row = np.multiply(w1, p)
        yield row
        yield np.multiply(w0, p, out=row)
        clipped = np.clip(p, lo, hi)
        np.log(clipped, out=row)
        row *= w1
        yield np.negative(row, out=row)  # -w1 log(p)
        np.log1p(np.negative(clipped, out=clipped), out=row)
        row *= w0
        yield np.negative(row, out=row)  # -w0 log(1 - p)
        np.subtract(1.0, p, out=row)
        np.square(row, out=row)
        yield np.multiply(w1, row, out=row)  # w1 (1 - p)**2
        np.multiply(w0, p, out=row)
        yield np.multiply(row, p, out=row)  # w0 p p

    return _reduce_cells(p_s, starts, 8, rows_of)


def _ratio(a, b):
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(b > 0, a / np.where(b > 0, b, 1.0), 0.0)


def make_cells(p_s, y_s, m, bounds=(), *, clip_dtype=np.float64):
    """The :class:`Cells` of sorted data with frequency masses ``m`` (None: one per row).

    ``bounds`` are row indices where a cell must start (bin bounds); the
    cells' log losses clip ``p_s`` to the bounds of ``clip_dtype`` (those of
    the report's log loss).

    Examples
    --------
    >>> import numpy as np
    >>> from skbce._calibration.resampling import make_cells
    >>> cells = make_cells(np.array([0.2, 0.2, 0.7]), np.array([True, False, True]), None)
    >>> cells.m1.tolist(), cells.m0.tolist(), cells.x.tolist(), cells.exact
    ([1.0, 1.0], [1.0, 0.0], [0.2, 0.7], True)
    """
    starts, exact, distinct = _cell_starts(p_s, m, bounds)
    s = _cell_sums(p_s, y_s, m, starts, clip_dtype)
    m1, m0 = s[0], s[1]
    return Cells(
        starts=starts,
        m1=m1,
        m0=m0,
        p1=_ratio(s[2], m1),
        p0=_ratio(s[3], m0),
        ll1=_ratio(s[4], m1),
        ll0=_ratio(s[5], m0),
        bs1=_ratio(s[6], m1),
        bs0=_ratio(s[7], m0),
        x=_ratio(s[2] + s[3], m1 + m0),
        exact=exact,
        distinct=distinct,
    )


class CellMeans(NamedTuple):
    """The cells' first rows, masses and mean predictions (no per-label sums).

    ``distinct`` is the number of distinct predictions of the data.
    """

    starts: np.ndarray
    mass: np.ndarray
    x: np.ndarray
    distinct: int


def cell_means(p_s, m, bounds=()):
    """The :class:`CellMeans` of the cells :func:`make_cells` would make, in one light pass.

    What an asymptotic band needs of the cells (the density of the
    predictions), when nothing is resampled.

    Examples
    --------
    >>> import numpy as np
    >>> from skbce._calibration.resampling import cell_means
    >>> cells = cell_means(np.array([0.2, 0.2, 0.7]), None)
    >>> cells.mass.tolist(), cells.x.tolist()
    ([2.0, 1.0], [0.2, 0.7])
    """
    starts, _, distinct = _cell_starts(p_s, m, bounds)
    if m is None:
        mass = np.diff(np.append(starts, p_s.shape[0])).astype(np.float64)
        sums = np.add.reduceat(p_s, starts)
    else:
        mass, sums = _reduce_cells(p_s, starts, 2, lambda a, b: (m[a:b], m[a:b] * p_s[a:b]))
    return CellMeans(starts, mass, _ratio(sums, mass), distinct)


def cell_bins(cells, p_s, edges):
    """Bin of each cell for the bins ``[e0, e1], (e1, e2], ...`` of the sorted data."""
    bounds = np.searchsorted(p_s, edges[1:-1], side="right")
    return np.searchsorted(bounds, cells.starts, side="right")


def isotonic_fit(values, weights):
    """Weighted increasing isotonic regression (SciPy's, or :func:`pav` for SciPy < 1.12)."""
    try:
        from scipy.optimize import isotonic_regression
    except ImportError:  # pragma: no cover - SciPy < 1.12
        return pav(values, weights)[0]
    return isotonic_regression(values, weights=weights, increasing=True).x


def basic_interval(replicates, estimate, on_cells, confidence_level, bounds):
    """Basic (reverse percentile) bootstrap interval, clipped to ``bounds``.

    ``[2 T - q_high, 2 T - q_low]`` with ``q`` the quantiles of the
    replicates around their centre ``on_cells``, the statistic computed on the
    cells as drawn (``T`` itself with exact cells): the replicates' spread
    and bias around ``on_cells`` stand for the estimate's around the truth,
    which removes the first-order bias of the calibration errors (always
    positive, biased upwards) that a percentile interval would double.  The
    interval is widened to hold the estimate when the bias correction would
    move it past it (calibrated data: every replicate above the estimate).  NaN
    replicates (a resample with one class) are left out.
    """
    finite = replicates[np.isfinite(replicates)]
    if finite.shape[0] < 2 or not np.isfinite(estimate):
        return float("nan"), float("nan")
    alpha = 1.0 - confidence_level
    q_low, q_high = np.quantile(finite, [alpha / 2, 1.0 - alpha / 2])
    centre = on_cells if np.isfinite(on_cells) else estimate
    lo, hi = bounds
    low = min(estimate - (q_high - centre), estimate)  # widened to hold the estimate
    high = max(estimate + (centre - q_low), estimate)
    return float(np.clip(low, lo, hi)), float(np.clip(high, lo, hi))
