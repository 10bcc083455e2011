"""The one blocked pass over the sorted samples.

It gathers the Brier score, the sums of Spiegelhalter's test, the mean
prediction, the per-bin sums of the reliability tables and the grid masses of
the smooth ECE; every temporary lives in a buffer allocated once.
"""

import numpy as np

from skbce._calibration.blocks import BLOCK, block_slices
from skbce._utils.numeric import weighted_sum

__all__ = ["sample_sums"]


class _Buffers:
    """Scratch arrays of one block, allocated once."""

    def __init__(self, n, weighted):
        size = min(n, BLOCK)
        self.d, self.a, self.v, self.u, self.s = (np.empty(size) for _ in range(5))
        self.wd = np.empty(size) if weighted else None
        self.wy = np.empty(size) if weighted else None
        self.j = np.empty(size, dtype=np.intp)

    def views(self, k):
        return (self.d[:k], self.a[:k], self.v[:k], self.u[:k], self.s[:k], self.j[:k])


def _add_to_grid(p, w, wd, u, s, j, resid, mass):
    """Linear binning of ``w * (p - y)`` and ``w`` onto the grid (``p`` sorted, so ``j`` is)."""
    m1 = resid.shape[0] - 1
    np.multiply(p, m1, out=u)
    np.copyto(j, u, casting="unsafe")  # floor, as u >= 0
    np.minimum(j, m1 - 1, out=j)
    u -= j  # fraction towards the next grid point
    j0, j1 = int(j[0]), int(j[-1]) + 1
    j -= j0
    span = j1 - j0
    np.multiply(wd, u, out=s)
    resid[j0 + 1 : j1 + 1] += np.bincount(j, weights=s, minlength=span)
    np.subtract(wd, s, out=s)
    resid[j0:j1] += np.bincount(j, weights=s, minlength=span)
    if w is not None:
        u *= w
    mass[j0 + 1 : j1 + 1] += np.bincount(j, weights=u, minlength=span)
    if w is None:
        np.subtract(1.0, u, out=s)
    else:
        np.subtract(w, u, out=s)
    mass[j0:j1] += np.bincount(j, weights=s, minlength=span)


def sample_sums(p_s, y_s, w_s, binnings, grid):
    """One blocked pass: Brier, Spiegelhalter sums, bin sums, smoothing grids.

    Returns a dict of sums (``brier``, ``sp_num``, ``sp_var``, ``sum_p``,
    ``resid_grid``, ``mass_grid``) and fills the binnings.  ``grid`` points
    carry the linearly binned masses of ``w * (p - y)`` and ``w`` for the
    smooth ECE.
    """
    resid = np.zeros(grid)
    mass = np.zeros(grid)
    brier = sp_num = sp_var = sum_p = 0.0
    buffers = _Buffers(p_s.shape[0], w_s is not None)
    for start, stop in block_slices(p_s.shape[0]):
        p = p_s[start:stop]
        y = y_s[start:stop]
        d, a, v, u, s, j = buffers.views(stop - start)
        np.subtract(p, y, out=d)  # residual, prediction minus outcome
        if w_s is None:
            w = wy = None
            wd = d
            sum_p += float(np.add.reduce(p))
        else:
            w = w_s[start:stop]
            wd, wy = buffers.wd[: stop - start], buffers.wy[: stop - start]
            np.multiply(d, w, out=wd)
            np.multiply(w, y, out=wy)
            sum_p += weighted_sum(w, p)
        brier += weighted_sum(wd, d)
        np.multiply(p, -2.0, out=a)
        a += 1.0
        sp_num -= weighted_sum(wd, a)
        np.multiply(a, a, out=v)
        v *= p
        np.subtract(1.0, p, out=s)
        v *= s
        sp_var += float(np.add.reduce(v)) if w is None else weighted_sum(v, w)
        for binning in binnings:
            binning.add_block(start, stop, p, y, w, wy, s)
        _add_to_grid(p, w, wd, u, s, j, resid, mass)
    return {
        "brier": brier,
        "sp_num": sp_num,
        "sp_var": sp_var,
        "sum_p": sum_p,
        "resid_grid": resid,
        "mass_grid": mass,
    }
