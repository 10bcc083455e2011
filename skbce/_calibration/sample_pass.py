"""The one blocked pass over the sorted samples.

It gathers the Brier score, the sums of Spiegelhalter's test, the mean
prediction, the grid masses of the smooth ECE and the path of the
cumulative differences (Kolmogorov-Smirnov and Kuiper tests), block by block (on worker
threads for large inputs, the blocks' sums added in block order, so the
result does not depend on the threads); the per-bin sums of the reliability
tables come from whole bins (:meth:`~skbce._calibration.reliability.Binning.fill`).
The data are sorted, so the grid cells of a block are runs of consecutive
samples: their sums are segment sums, not scattered additions.
"""

import numpy as np

from skbce._calibration.blocks import block_step
from skbce._calibration.cumulative import block_path, path_extremes
from skbce._losses.parallel import map_blocks

__all__ = ["sample_sums"]


def _dot(a, b, buf):
    """``sum(a * b)`` through the scratch array ``buf`` (no BLAS)."""
    return float(np.add.reduce(np.multiply(a, b, out=buf)))


def _grid_block(p, w, wd, m1, buf):
    """Linear binning of ``w * (p - y)`` and ``w`` onto the grid: ``(cells, four sums)``.

    A sample at ``u = p * m1`` between grid points ``j`` and ``j + 1`` gives
    ``1 - (u - j)`` of its mass to ``j`` and ``u - j`` to ``j + 1``; the
    cells of sorted samples are runs, summed at once.
    """
    u = np.multiply(p, m1, out=buf[0])
    j = np.floor(u, out=buf[1])
    np.minimum(j, m1 - 1, out=j)
    u -= j  # fraction towards the next grid point
    starts = np.flatnonzero(j[1:] != j[:-1])
    starts += 1
    starts = np.concatenate(([0], starts))
    s = np.multiply(wd, u, out=buf[2])
    resid_hi = np.add.reduceat(s, starts)
    resid_lo = np.add.reduceat(np.subtract(wd, s, out=s), starts)
    if w is not None:
        u *= w
    mass_hi = np.add.reduceat(u, starts)
    mass_lo = np.add.reduceat(np.subtract(1.0 if w is None else w, u, out=u), starts)
    return j[starts].astype(np.intp), resid_lo, resid_hi, mass_lo, mass_hi


def _block_sums(p, y, w, m1, following):
    """Sums of one block (Brier, Spiegelhalter, mean prediction, variance), its grid sums, its path.

    The path is the block's part of the cumulative differences
    (:func:`~skbce._calibration.cumulative.block_path`); ``following`` is the
    prediction after the block (None at the end).
    """
    buf = [np.empty(p.shape[0]) for _ in range(3)]
    d = np.subtract(p, y)  # residual, prediction minus outcome
    if w is None:
        wd = d
        sum_p = float(np.add.reduce(p))
    else:
        wd = np.multiply(d, w)
        sum_p = _dot(w, p, buf[0])
    brier = _dot(wd, d, buf[0])
    path = block_path(np.cumsum(wd, out=buf[0]), p, following)
    a = np.multiply(p, -2.0, out=d if w is not None else buf[1])
    a += 1.0
    sp_num = -_dot(wd, a, buf[0])
    u = np.subtract(1.0, p, out=buf[0])
    u *= p  # p (1 - p): the variance of an outcome
    p_var = float(np.add.reduce(u)) if w is None else _dot(u, w, buf[2])
    v = np.multiply(a, a, out=a)
    v *= u
    sp_var = float(np.add.reduce(v)) if w is None else _dot(v, w, buf[0])
    grid = _grid_block(p, w, wd, m1, buf)
    return np.array([brier, sp_num, sp_var, sum_p, p_var]), grid, path


def sample_sums(p_s, y_s, w_s, binnings, grid):
    """One blocked pass: Brier, Spiegelhalter sums, bin sums, smoothing grids.

    Returns a dict of sums (``brier``, ``sp_num``, ``sp_var``, ``sum_p``,
    ``p_var`` the sum of ``w p (1 - p)``, ``resid_grid``, ``mass_grid``, and
    ``path``, the ``(max C, min C)`` of the cumulative differences of
    :mod:`~skbce._calibration.cumulative`) and fills the binnings.  ``grid`` points
    carry the linearly binned masses of ``w * (p - y)`` and ``w`` for the
    smooth ECE.
    """
    for binning in binnings:
        binning.fill(p_s, y_s, w_s)
    m1 = grid - 1

    n = p_s.shape[0]

    def block(sel):
        following = p_s[sel.stop] if sel.stop < n else None
        return _block_sums(p_s[sel], y_s[sel], None if w_s is None else w_s[sel], m1, following)

    resid = np.zeros(grid)
    mass = np.zeros(grid)
    totals = np.zeros(5)
    parts = map_blocks(block, n, block_step(n))
    for sums, (cells, resid_lo, resid_hi, mass_lo, mass_hi), _ in parts:
        totals += sums
        resid[cells] += resid_lo
        resid[cells + 1] += resid_hi
        mass[cells] += mass_lo
        mass[cells + 1] += mass_hi
    brier, sp_num, sp_var, sum_p, p_var = totals.tolist()
    return {
        "brier": brier,
        "sp_num": sp_num,
        "sp_var": sp_var,
        "sum_p": sum_p,
        "p_var": p_var,
        "path": path_extremes(part[2] for part in parts),
        "resid_grid": resid,
        "mass_grid": mass,
    }
