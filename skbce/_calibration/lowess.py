"""The lowess smoother of R (``lowess(x, y, iter = 0)``), weighted and binned.

This is the flexible calibration curve of ``rms::val.prob``: a local linear
fit with tricube weights (Cleveland 1979) of the outcomes on the predictions,
computed at a subset of the predictions and interpolated linearly in between,
exactly as R's ``clowess`` (``src/library/stats/src/lowess.c``) does it:

* the window at a point ``xs`` holds ``ns = floor(span * n + 1e-7)`` samples
  (at least 2): it starts at the sample where R's ``nleft`` lands (it moves
  right while the distance to its left end exceeds the distance to the
  sample just after its right end) and ends where the distance from ``xs``
  exceeds ``0.999 h`` (ties included), ``h`` the larger distance to the
  window's two ends;
* tricube weights ``(1 - (r / h)^3)^3``, 1 within ``0.001 h``, 0 beyond
  ``0.999 h``; a weighted least-squares line unless the weighted spread of
  the window's ``x`` is at most ``0.001`` of the range of ``x`` (then the
  weighted mean);
* the fit is computed at the smallest ``x``, then at the last ``x`` within
  ``delta`` (default 1% of the range) of the last fitted one (or the next
  ``x``, whichever is further), and so on up to the largest ``x``; values in
  between are linear interpolations; tied ``x`` share their value.

Only the robustness iterations (``iter``) of R's lowess are left out, as
val.prob leaves them out.

Weights
-------
A sample of integer weight ``k`` counts as ``k`` repeated samples, so integer
weights give the curve of the repeated rows.  Other weights are rescaled to
sum to the number of samples (with positive weight) and then counted the same
way; rescaling all weights changes nothing then.

Binned approximation
--------------------
The exact smoother costs about ``2 / delta`` local fits over ``span`` of the
data (about 100 passes over 2/3 of it).  Above ``exact_max`` samples
(default ``10**5``) the samples are first pooled into at most about
``2 * BINS`` bins, contiguous in the order of ``x``, no wider than
``1 / BINS`` of the range and holding at most ``1 / BINS`` of the weight
(``BINS = 2048``; tied ``x`` always share a bin); each bin is one point at
its weighted mean ``x``, with the weight and the sum of outcomes of its
samples.  The fit points, the ends of each window and its bandwidth ``h``
are still found exactly among the samples (binary searches), so only the
sums of each local fit are binned: the tricube weight of a bin is taken at
its mean.  The bins are narrow against the window, so the weights change
little within a bin: on the data sets of the test suite at ``n = 10**5``
the binned curve differs from the exact one by less than ``5e-5`` (in
probability) everywhere (``tests/test_lowess.py`` checks this bound; the
largest difference seen there is about ``7e-6``).

References
----------
.. [1] Cleveland, W. S. (1979). Robust locally weighted regression and
   smoothing scatterplots. JASA 74, 829-836.
.. [2] R Core Team. ``lowess`` in package stats (``lowess.c``).
"""

import math
from typing import NamedTuple

import numpy as np

from skbce._calibration.blocks import BLOCK, mass_positions, power_of_two_scale, segment_sums

__all__ = [
    "EXACT_MAX",
    "SPAN",
    "LowessFit",
    "bin_starts",
    "frequency_masses",
    "frequency_scale",
    "frequency_total",
    "mass_sums",
    "lowess",
    "masses_and_scale",
    "outcome_sums",
]

#: The smoother is exact at or below this many samples, binned above.
EXACT_MAX = 100_000

#: Bins of the binned approximation: at most ``1 / BINS`` of the range wide,
#: at most ``1 / BINS`` of the weight heavy.
BINS = 2048

#: R's default span ``f``.
SPAN = 2.0 / 3.0


class LowessFit(NamedTuple):
    """The smoothed curve at its fit points, with what its band needs.

    ``x[i]`` and ``y[i]`` are the fit points (increasing ``x``); the curve at
    any prediction is their linear interpolation (:meth:`at`).  ``se[i]`` is
    the standard error of ``y[i]`` (binomial variance of the outcomes at the
    curve, propagated through the linear smoother), or NaN when not asked.
    ``binned`` says whether the binned approximation was used.
    """

    x: np.ndarray
    y: np.ndarray
    se: np.ndarray
    binned: bool

    def at(self, p):
        """The curve at predictions ``p`` (linear interpolation, as R's ``approx``)."""
        return np.interp(p, self.x, self.y)


class _Positions:
    """Positions in the repeated rows: the cumulative masses of one array, block by block.

    Masses are ``mass * scale`` (``mass`` None: every mass 1); only the
    cumulative masses at the ends of blocks are kept, and a block's own are
    summed when a position falls in it (no array of the size of ``mass``).
    """

    def __init__(self, mass, scale, n):
        self.mass, self.scale, self.n = mass, scale, n
        self.ends = None
        if mass is not None:
            starts = np.arange(0, n, BLOCK)
            self.ends = np.cumsum(np.add.reduceat(mass, starts) * scale if n else np.zeros(0))

    def total(self):
        """The total mass."""
        if self.ends is None:
            return float(self.n)
        return float(self.ends[-1]) if self.n else 0.0

    def find(self, k):
        """``(i, c)``: the first index whose cumulative mass ``c`` exceeds position ``k``."""
        if self.ends is None:
            return k, k + 1.0
        b = min(int(np.searchsorted(self.ends, k, side="right")), self.ends.shape[0] - 1)
        cum = np.cumsum(self.mass[b * BLOCK : (b + 1) * BLOCK] * self.scale)
        cum += float(self.ends[b - 1]) if b else 0.0
        j = min(int(np.searchsorted(cum, k, side="right")), cum.shape[0] - 1)
        return b * BLOCK + j, float(cum[j])


class _Points(NamedTuple):
    """Distinct ``x`` (increasing) with their masses and mean outcomes.

    Masses are ``mass * scale`` (``mass`` None: every mass 1).  Distinct
    samples are their own points: ``x``, ``mass``, ``y`` and ``sample_x``
    are then views of the data.
    """

    x: np.ndarray
    mass: np.ndarray | None
    y: np.ndarray  # the mean outcome of each point
    scale: float
    positions: _Positions  # of the points
    sample_x: np.ndarray  # the samples' x, for the exact ends of the windows
    sample_positions: _Positions  # of the samples

    def total(self):
        """The total mass."""
        return self.positions.total()

    def first_inside(self, k):
        """The point holding (0-based) position ``k`` of the repeated rows, and its share inside.

        The share is that of the point's mass at or after position ``k``.
        """
        start, cum = self.positions.find(k)
        if self.mass is None:
            return start, cum - k
        return start, (cum - k) / (float(self.mass[start]) * self.scale)


def _integers(w):
    return bool(np.all(np.round(w) == w))


def _all_ones(m, scale=1.0):
    """Whether every mass ``m * scale`` is 1 (blocked: no boolean array of the size of ``m``)."""
    return all(
        bool(np.all(m[i : i + BLOCK] * scale == 1.0)) for i in range(0, m.shape[0], BLOCK)
    )


def frequency_scale(w):
    """``(divisor, factor)`` of :func:`frequency_masses`: ``w / divisor * factor``.

    ``factor`` is None for counts (integer weights up to ``2**53``, kept as
    they are).  Blocked: no temporary of the size of ``w``.
    """
    w = np.asarray(w, dtype=np.float64)
    largest = float(np.max(w)) if w.shape[0] else 0.0
    blocks = range(0, w.shape[0], BLOCK)
    if largest <= 2.0**53 and all(_integers(w[i : i + BLOCK]) for i in blocks):
        return 1.0, None
    divisor = power_of_two_scale(largest)  # exact; the sum below cannot overflow
    total = math.fsum(float(np.add.reduce(w[i : i + BLOCK] / divisor)) for i in blocks)
    return divisor, w.shape[0] / total


def masses_and_scale(w):
    """``(m, scale)``: the frequency masses of positive weights ``w`` as ``m * scale``.

    ``m`` is ``w`` itself (no copy) unless its largest value is outside
    ``[2**-64, 2**64]`` (then the masses, whose sums cannot overflow); None
    when every mass is 1.

    Examples
    --------
    >>> import numpy as np
    >>> from skbce._calibration.lowess import masses_and_scale
    >>> masses_and_scale(np.array([1.0, 3.0]))  # counts
    (array([1., 3.]), 1.0)
    >>> masses_and_scale(np.array([0.25, 0.75]))  # rescaled to sum to 2
    (array([0.25, 0.75]), 2.0)
    >>> masses_and_scale(np.array([0.5, 0.5]))  # every mass is 1
    (None, 1.0)
    """
    divisor, factor = frequency_scale(w)
    if factor is None:
        m, scale = w, 1.0
    elif 2.0**-64 <= float(np.max(w)) <= 2.0**64:
        m, scale = w, factor / divisor
    else:
        m, scale = frequency_masses(w), 1.0
    return (None, 1.0) if _all_ones(m, scale) else (m, scale)


def frequency_total(w):
    """The sum of :func:`frequency_masses` of ``w``, without making them.

    Examples
    --------
    >>> import numpy as np
    >>> from skbce._calibration.lowess import frequency_total
    >>> frequency_total(np.array([1.0, 3.0])), frequency_total(np.array([0.5, 1.5]))
    (4.0, 2.0)
    """
    w = np.asarray(w, dtype=np.float64)
    divisor, factor = frequency_scale(w)
    if factor is None:
        return float(np.add.reduce(w))
    return (
        math.fsum(
            float(np.add.reduce(w[i : i + BLOCK] / divisor)) for i in range(0, w.shape[0], BLOCK)
        )
        * factor
    )


def frequency_masses(w):
    """Weights as frequencies: counts as they are, others rescaled to sum to ``n``.

    Counts are integer weights up to ``2**53``; larger or fractional weights
    are rescaled, so their scale changes nothing.

    Examples
    --------
    >>> import numpy as np
    >>> from skbce._calibration.lowess import frequency_masses
    >>> frequency_masses(np.array([1.0, 3.0])), frequency_masses(np.array([0.5, 1.5]))
    (array([1., 3.]), array([0.5, 1.5]))
    """
    w = np.asarray(w, dtype=np.float64)
    divisor, factor = frequency_scale(w)
    if factor is None:
        return w
    masses = w / divisor
    masses *= factor
    return masses


def bin_starts(x_s, m=None, n_bins=None):
    """First index of each bin of sorted ``x_s``: one bin per distinct value, or pooled.

    With ``n_bins``, the bins are contiguous runs no wider than ``1 / n_bins``
    of the range and holding at most ``1 / n_bins`` of the mass ``m`` (None:
    one per sample), about ``2 * n_bins`` of them; tied values share a bin.

    Examples
    --------
    >>> import numpy as np
    >>> from skbce._calibration.lowess import bin_starts
    >>> bin_starts(np.array([0.1, 0.1, 0.2, 0.5, 0.5]))
    array([0, 2, 3])
    """
    n = x_s.shape[0]
    if n_bins is None:
        return np.flatnonzero(np.concatenate(([True], x_s[1:] != x_s[:-1])))
    lo, hi = float(x_s[0]), float(x_s[-1])
    if m is None:
        by_mass = x_s[np.arange(0, n, max(1, n // n_bins))]
    else:
        targets = np.linspace(0.0, float(np.add.reduce(m)), n_bins + 1)[:-1]
        by_mass = x_s[mass_positions(m, targets).clip(0, n - 1)]
    by_width = lo + (hi - lo) * (np.arange(n_bins) / n_bins)
    starts = np.unique(np.searchsorted(x_s, np.concatenate((by_mass, by_width)), side="left"))
    starts = starts[starts < n]
    starts[0] = 0
    return starts


def outcome_sums(y_s, m, starts):
    """``sum m y`` over the bins of sorted samples that begin at ``starts``.

    Unweighted labels (bool) are counted from the positions of the positives,
    without a float copy of the labels.
    """
    if m is None and y_s.dtype == np.bool_:
        ends = np.searchsorted(np.flatnonzero(y_s), np.append(starts, y_s.shape[0]))
        return np.diff(ends).astype(np.float64)
    if m is None:
        return segment_sums(lambda b: y_s[b].astype(np.float64), starts, y_s.shape[0])
    return segment_sums(lambda b: m[b] * y_s[b], starts, y_s.shape[0])


def mass_sums(x_s, m, starts):
    """``sum m x`` over the bins of sorted samples that begin at ``starts``."""
    return segment_sums(lambda b: x_s[b] * m[b], starts, x_s.shape[0])


def _points(x_s, y_s, m, scale, n_bins):
    """Pool sorted samples into points: one per distinct ``x``, or one per bin.

    ``m`` the samples' masses over ``scale`` (None: 1 each); the points'
    masses are on the same scale.
    """
    n = x_s.shape[0]
    samples = _Positions(m, scale, n)
    if n_bins is None and _distinct(x_s):
        return _Points(x_s, m, y_s, scale, samples, x_s, samples)
    starts = bin_starts(x_s, m, n_bins)
    if m is None:
        mass = np.diff(np.append(starts, n)).astype(np.float64)
    else:
        mass = np.add.reduceat(m, starts)
    y = outcome_sums(y_s, m, starts) / mass
    if n_bins is None:
        x = x_s[starts]
    else:
        x = (np.add.reduceat(x_s, starts) if m is None else mass_sums(x_s, m, starts)) / mass
    points = _Positions(mass, scale, mass.shape[0])  # scale is 1 without masses
    if n_bins is None:
        return _Points(x, mass, y, scale, points, x, points)
    return _Points(x, mass, y, scale, points, x_s, samples)


def _distinct(x_s):
    """Whether sorted ``x_s`` has no ties (blocked: no boolean array of its size)."""
    last = x_s.shape[0] - 1
    return all(
        bool(np.all(x_s[i + 1 : min(i + BLOCK, last) + 1] != x_s[i : min(i + BLOCK, last)]))
        for i in range(0, last, BLOCK)
    )


def _sum_of_products(*arrays):
    """``sum`` of the elementwise product of the arrays (``einsum``: no temporary, no BLAS)."""
    return float(np.einsum(",".join("i" * len(arrays)) + "->", *arrays))


def _centred_sum(weights, x, a, other=None):
    """``sum prod(weights) (x - a) other`` (``other`` None: ``x - a``), in blocks of ``x - a``."""
    total = 0.0
    for i in range(0, x.shape[0], BLOCK):
        d = np.subtract(x[i : i + BLOCK], a)
        o = d if other is None else other[i : i + BLOCK]
        total += _sum_of_products(*(w[i : i + BLOCK] for w in weights), d, o)
    return total


def _x_at(pts, k):
    """The ``x`` of the sample at (0-based) position ``k`` of the repeated rows."""
    k = pts.sample_positions.find(k)[0]
    return pts.sample_x[min(k, pts.sample_x.shape[0] - 1)]


def _left_end(pts, xs, k, ns, kmax):
    """R's ``nleft`` for ``xs``: the first window start ``>= k`` where it stops moving."""

    def moves(j):
        return j < kmax and xs - _x_at(pts, j) > _x_at(pts, j + ns) - xs

    if not moves(k):
        return k
    lo, hi = k + 1, kmax
    while lo < hi:
        mid = (lo + hi) // 2
        if moves(mid):
            lo = mid + 1
        else:
            hi = mid
    return lo


class _Window(NamedTuple):
    """The local fit at one point: its value and what its variance needs."""

    value: float
    start: int
    stop: int
    xs: float  # where the fit is (its tricube weights are recomputed, not kept)
    h: float  # the window's half-width
    share: float  # of the first point's mass inside the window
    a: float
    b: float
    total: float


def _local_fit(pts, xs, k, ns, xrange):
    """R's ``lowest``: the local linear fit at ``xs`` on the window starting at ``k``.

    The tricube weights are the one array of the window's size; the sums
    take them times the masses without a product array, the centred sums in
    blocks.  ``total`` is on the scale of ``pts.mass``.
    """
    h = max(xs - _x_at(pts, k), _x_at(pts, k + ns - 1) - xs)
    h9 = 0.999 * h
    start, share = pts.first_inside(k)
    stop = int(np.searchsorted(pts.x, xs + h9, side="right"))
    while stop < pts.x.shape[0] and pts.x[stop] - xs <= h9:
        stop += 1
    while stop > start + 1 and pts.x[stop - 1] > xs and pts.x[stop - 1] - xs > h9:
        stop -= 1
    stop = max(stop, start)
    x, y = pts.x[start:stop], pts.y[start:stop]
    tri = _tricube(x, xs, h)
    tri[:1] *= share  # the window may hold only part of its first point
    weights = (tri,) if pts.mass is None else (tri, pts.mass[start:stop])
    total = _sum_of_products(*weights)
    if not total > 0:  # R: the point's own y (the mean outcome of its ties)
        own = min(int(np.searchsorted(pts.x, xs)), pts.x.shape[0] - 1)
        return _Window(float(pts.y[own]), start, stop, xs, h, share, xs, 0.0, 1.0)
    a = _sum_of_products(*weights, x) / total
    b = 0.0
    if h > 0:
        c = _centred_sum(weights, x, a) / total
        if math.sqrt(c) > 0.001 * xrange:
            b = (xs - a) / c
    value = (_sum_of_products(*weights, y) + b * _centred_sum(weights, x, a, y)) / total
    return _Window(value, start, stop, xs, h, share, a, b, total)


def _tricube(x, xs, h):
    """R's tricube weights of the points ``x`` for a fit at ``xs`` of half-width ``h``.

    The same floats as ``u = r / h; (1 - u * u * u) ** 3`` written out; the
    temporaries are of the size of a block.
    """
    tri = np.empty(x.shape[0])
    for i in range(0, x.shape[0], BLOCK):
        r = np.subtract(x[i : i + BLOCK], xs, out=tri[i : i + BLOCK])
        np.abs(r, out=r)
        near, far = r <= 0.001 * h, r > 0.999 * h
        with np.errstate(divide="ignore", invalid="ignore"):
            r /= h
            cube = np.multiply(r, r)
            cube *= r
            np.subtract(1.0, cube, out=cube)
        np.multiply(cube, cube, out=r)
        r *= cube
        r[near] = 1.0
        r[far] = 0.0
    return tri


def _fit_points(pts, span, delta):
    """R's ``clowess`` loop: the local fits at the ``x`` it picks among the samples."""
    xs_all = pts.sample_x
    n_x = xs_all.shape[0]
    xrange = float(xs_all[-1]) - float(xs_all[0])
    n = int(math.floor(pts.total() + 1e-7))
    ns = max(2, min(n, int(span * n + 1e-7)))
    kmax = max(n - ns, 0)
    windows, fitted = [], []
    k, i = 0, 0
    while True:
        xs = float(xs_all[i])
        k = _left_end(pts, xs, k, ns, kmax)
        windows.append(_local_fit(pts, xs, k, ns, xrange))
        fitted.append(xs)
        last = int(np.searchsorted(xs_all, xs, side="right")) - 1  # ties share the fit
        if last >= n_x - 1:
            break
        beyond = int(np.searchsorted(xs_all, xs + delta, side="right"))
        i = max(last + 1, beyond - 1)
    return np.array(fitted), windows


def _standard_errors(pts, windows, curve_x, curve_y):
    """Binomial standard errors of the fits, with the outcome variance at the curve.

    ``sqrt(sum_j l_j^2 v_j)`` over the samples ``j`` (a point of mass ``m``
    holds ``m`` samples of equal ``l_j``; with masses ``mass * scale``, the
    sums over ``mass`` are divided by ``scale``).  The points are read in
    blocks, the variances of a block made once for all the windows that
    reach it (no array of the size of the points).
    """
    floor = 0.5 / pts.total()  # a curve at 0 or 1 still has some variance
    n = pts.x.shape[0]
    var = np.zeros(len(windows))
    for start in range(0, n, BLOCK):
        stop = min(start + BLOCK, n)
        v = np.interp(pts.x[start:stop], curve_x, curve_y)
        np.clip(v, floor, 1.0 - floor, out=v)
        v *= 1.0 - v
        for j, win in enumerate(windows):
            lo, hi = max(win.start, start), min(win.stop, stop)
            if lo < hi:
                var[j] += _lever_sum(pts, win, lo, hi, v[lo - start : hi - start])
    return np.sqrt(np.maximum(var, 0.0) / pts.scale)  # l_j is on the scale of the masses


def _lever_sum(pts, win, lo, hi, v):
    """``sum_j l_j^2 v_j`` over the points ``lo:hi`` of the window ``win``."""
    x = pts.x[lo:hi]
    lever = np.subtract(x, win.a)  # a sample's weight in the fit: l_j
    lever *= win.b
    lever += 1.0
    lever *= _tricube(x, win.xs, win.h)
    lever /= win.total
    lever *= lever
    if lo == win.start:
        lever[0] *= win.share  # the part of the first point inside the window
    masses = () if pts.mass is None else (pts.mass[lo:hi],)
    return _sum_of_products(lever, *masses, v)


def lowess(x_s, y_s, w_s=None, *, span=SPAN, delta=None, exact_max=EXACT_MAX, se=False):
    """R's ``lowess(x, y, f = span, iter = 0, delta)`` of sorted data, weighted.

    Parameters
    ----------
    x_s : ndarray of float64 of shape (n_samples,)
        Predictions, sorted ascending (ties anywhere).
    y_s : ndarray of shape (n_samples,)
        Outcomes (0/1 or any numbers), in the order of ``x_s``.
    w_s : ndarray of float64 or None
        Non-negative sample weights (see the module docstring); None for 1.
    span : float, default=2/3
        Share of the samples in each local fit (R's ``f``).
    delta : float or None
        Fit points closer than this are interpolated; None: 1% of the range.
    exact_max : int, default=EXACT_MAX
        Above this many samples, the binned approximation is used.
    se : bool, default=False
        Also compute the standard errors of the fits (:class:`LowessFit`).

    Returns
    -------
    fit : LowessFit

    Examples
    --------
    >>> import numpy as np
    >>> from skbce._calibration.lowess import lowess
    >>> x = np.array([0.1, 0.2, 0.3, 0.4, 0.5, 0.6])
    >>> y = np.array([0.0, 0.0, 1.0, 0.0, 1.0, 1.0])
    >>> np.round(lowess(x, y).y, 4)  # R: round(lowess(x, y, iter = 0)$y, 4)
    array([-0.1198,  0.2863,  0.4274,  0.5726,  0.7137,  1.1198])
    """
    x_s = np.asarray(x_s, dtype=np.float64)
    y_s = np.asarray(y_s)
    m, scale = None, 1.0
    if w_s is not None:
        keep = w_s > 0
        if not np.all(keep):
            x_s, y_s, w_s = x_s[keep], y_s[keep], w_s[keep]
        m, scale = masses_and_scale(w_s)
    xrange = float(x_s[-1]) - float(x_s[0])
    delta = 0.01 * xrange if delta is None else float(delta)
    binned = x_s.shape[0] > exact_max
    pts = _points(x_s, y_s, m, scale, BINS if binned else None)
    curve_x, windows = _fit_points(pts, span, delta)
    curve_y = np.array([win.value for win in windows])
    errors = np.full(curve_x.shape, np.nan)
    if se:
        errors = _standard_errors(pts, windows, curve_x, curve_y)
    return LowessFit(curve_x, curve_y, errors, binned)
