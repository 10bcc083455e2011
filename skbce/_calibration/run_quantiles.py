"""Exact quantiles of values made of a few sorted runs, without sorting them.

The distances between sorted predictions and a piecewise-linear curve form,
piece by piece, a run that falls and then rises: written with each falling
part reversed, the values are a few hundred ascending runs.  A quantile of
such values needs no sort and no partition of the whole array: a systematic
sample gives cut values, a binary search per run counts the values (or adds
their masses) below each cut, and only the values between the two cuts that
bracket a quantile's rank are sorted (about ``runs * n / SAMPLE`` of them).

The quantiles are R's type 7, weights counted as frequencies, exactly as
:func:`skbce._calibration.flexible_curve.weighted_quantile` computes them.
"""

import math

import numpy as np

__all__ = ["SAMPLE", "mass_threshold", "run_quantiles"]

#: Values sampled for the cuts.
SAMPLE = 1 << 16
#: Cuts between which the values are counted, at most.
_CUTS = 1024


def mass_threshold(rank):
    """The threshold a cumulative frequency mass must pass to be above ``rank``.

    Frequency masses rescaled from fractional weights sum to whole numbers
    only up to rounding: a cumulative mass within ``2**-36`` (relative, the
    rounding of blocked sums of up to ``2**16`` terms) of the whole number
    ``rank`` counts as equal to it, as it would if the weights had been
    given as counts.  The margin stays below 1/2, so counts (whole
    cumulative masses) are compared exactly.

    Examples
    --------
    >>> from skbce._calibration.run_quantiles import mass_threshold
    >>> x = 0.1 * 3 / 0.1  # 3, up to rounding
    >>> bool(x > 3.0), bool(x > mass_threshold(3.0))
    (True, False)
    """
    return rank + np.minimum(np.multiply(rank, 2.0**-36), 0.5)


def _cuts(values, count):
    """Increasing cut values, about ``count`` of them, from a systematic sample.

    The sample holds at most ``SAMPLE`` values and an eighth of them (its
    sorted copy is then small next to the values).
    """
    step = max(8, values.shape[0] // SAMPLE)
    sample = np.sort(values[::step])
    picks = np.linspace(0, sample.shape[0] - 1, min(count, sample.shape[0]))
    return np.unique(sample[picks.astype(np.intp)])


def _bucket_masses(masses, positions, length):
    """Masses of ``[0, pos_0), [pos_0, pos_1), ..., [pos_last, length)`` of one run."""
    edges = np.concatenate(([0], positions))
    out = np.zeros(positions.shape[0] + 1)
    nonempty = np.flatnonzero(np.diff(np.append(edges, length)) > 0)
    if nonempty.shape[0]:
        out[nonempty] = np.add.reduceat(masses, edges[nonempty])
    return out


def _smallest_above(values, masses, runs, positions, cum, threshold, scale):
    """The smallest value whose cumulative mass exceeds ``threshold`` (the largest if none)."""
    threshold = mass_threshold(threshold)
    j = int(np.searchsorted(cum, threshold, side="right"))
    j = min(j, cum.shape[0] - 1)
    while j > 0 and cum[j] == cum[j - 1]:  # an empty bucket: the answer lies before it
        j -= 1
    below = float(cum[j - 1]) if j else 0.0
    pool, pool_mass = [], []
    for i, ((start, stop), pos) in enumerate(zip(runs, positions, strict=True)):
        lo = int(pos[j - 1]) if j else 0
        hi = int(pos[j]) if j < pos.shape[0] else stop - start
        pool.append(values[start + lo : start + hi])
        if masses is not None:
            pool_mass.append(masses[i][lo:hi])
    pool = np.concatenate(pool)
    order = np.argsort(pool, kind="stable")
    pool = pool[order]
    if masses is None:
        cumulative = below + np.arange(1.0, pool.shape[0] + 1.0)
    else:
        cumulative = np.cumsum(np.concatenate(pool_mass)[order])
        cumulative *= scale
        cumulative += below
    k = int(np.searchsorted(cumulative, threshold, side="right"))
    return float(pool[min(k, pool.shape[0] - 1)])


def run_quantiles(values, masses, runs, q, *, mass_scale=1.0):
    """Type 7 quantiles of ``values``, each ``values[start:stop]`` of ``runs`` ascending.

    Parameters
    ----------
    values : ndarray of float64
        Covered by the runs, each one non-decreasing.
    masses : list of ndarray of float64, or None
        One array per run: the masses of its values, in their order (a view
        such as ``w[a:b][::-1]`` serves: no copy of the weights), which
        times ``mass_scale`` are the frequency masses
        (:func:`~skbce._calibration.lowess.frequency_masses`); None: one each.
    runs : list of (int, int)
        ``(start, stop)`` of the runs, non-empty, covering ``values``.
    q : array-like of float
        Probabilities in ``[0, 1]``.
    mass_scale : float, default=1.0
        The factor from ``masses`` to frequency masses.

    Returns
    -------
    quantiles : ndarray of float64, shaped like ``q``

    Examples
    --------
    >>> import numpy as np
    >>> from skbce._calibration.run_quantiles import run_quantiles
    >>> values = np.array([0.1, 0.4, 0.9, 0.2, 0.3, 0.0, 0.5])
    >>> run_quantiles(values, None, [(0, 3), (3, 5), (5, 7)], [0.5, 0.9])
    array([0.3 , 0.66])
    >>> np.quantile(values, [0.5, 0.9])
    array([0.3 , 0.66])
    """
    q = np.asarray(q, dtype=np.float64)
    # every run keeps its position of every cut: at most a 16th of the values in all
    cuts = _cuts(values, max(16, min(_CUTS, values.shape[0] // (16 * max(1, len(runs))))))
    cum = np.zeros(cuts.shape[0] + 1)
    positions = []
    for i, (start, stop) in enumerate(runs):
        pos = np.searchsorted(values[start:stop], cuts, side="right")
        positions.append(pos)
        if masses is None:
            cum += np.diff(np.concatenate(([0], pos, [stop - start])))
        else:
            cum += _bucket_masses(masses[i], pos, stop - start)
    if masses is not None:
        cum *= mass_scale
    np.cumsum(cum, out=cum)  # mass up to each cut, then the total
    h = (float(cum[-1]) - 1.0) * q.ravel()
    out = np.empty(h.shape)
    for i, hi in enumerate(h.tolist()):
        lo = math.floor(hi)
        at_lo = _smallest_above(values, masses, runs, positions, cum, lo, mass_scale)
        at_hi = _smallest_above(values, masses, runs, positions, cum, lo + 1.0, mass_scale)
        out[i] = at_lo + (hi - lo) * (at_hi - at_lo)
    return out.reshape(q.shape)
