"""The smooth ECE (Blasiok & Nakkiran, 2023) and its smoothed reliability curve.

The blocked sample pass (:mod:`skbce._calibration.sample_pass`) bins the masses
of ``w * (p - y)`` and ``w`` linearly onto a grid of :data:`SMOOTH_GRID`
points; here they are smoothed with a reflected Gaussian kernel.
"""

from typing import NamedTuple

import numpy as np

__all__ = ["SMOOTH_GRID", "SmoothCurve", "Smoother", "smooth_ece_from_grids", "trapezoid_abs"]

#: Grid points on [0, 1] for the kernel smoothing of the smooth ECE.
SMOOTH_GRID = (1 << 14) + 1


class SmoothCurve(NamedTuple):
    """Kernel-smoothed reliability curve at the smooth-ECE bandwidth.

    ``observed[i]`` is the smoothed frequency of the positive class near
    prediction ``x[i]``; ``density[i]`` the smoothed density of predictions.
    """

    x: np.ndarray
    observed: np.ndarray
    density: np.ndarray
    bandwidth: float


class Smoother:
    """Reflected-Gaussian kernel smoothing of grid masses on [0, 1].

    The reflected Gaussian kernel (images at every reflection, i.e. the heat
    kernel with Neumann boundaries) has the cosine series
    ``K(t, s) = 1 + 2 sum_k exp(-(pi sigma k)**2 / 2) cos(pi k t) cos(pi k s)``,
    so smoothing is two DCT-I transforms.
    """

    def __init__(self, masses):
        from scipy.fft import dct

        self._dct = dct
        self.m = masses.shape[0]
        x = masses.copy()
        x[1:-1] *= 0.5
        self.coef = dct(x, type=1, overwrite_x=True)

    def smooth(self, sigma):
        """The smoothed values on the grid at bandwidth ``sigma`` (a new array)."""
        a = np.arange(self.m, dtype=np.float64)
        a *= np.pi
        np.square(a, out=a)  # (pi k)**2, made here: one grid array less to keep
        a *= -0.5 * sigma * sigma
        np.exp(a, out=a)
        a *= self.coef
        a[-1] *= 2.0
        return self._dct(a, type=1, overwrite_x=True)


def trapezoid_abs(g):
    """Trapezoid-rule integral of ``|g|`` over [0, 1] on its uniform grid."""
    m1 = g.shape[0] - 1
    a = np.abs(g)
    return (a.sum() - 0.5 * (a[0] + a[-1])) / m1


def _fixed_point(resid, smoother, total_weight):
    """``(sigma*, smECE)`` with ``smECE_sigma* = sigma*`` (the grid's lowest if none)."""
    from scipy.optimize import brentq

    def value(sigma):
        return trapezoid_abs(smoother.smooth(sigma)) / total_weight

    lowest = 4.0 / (resid.shape[0] - 1)  # the grid resolves bandwidths above this
    if not np.any(resid):
        return lowest, 0.0
    if value(lowest) <= lowest:
        return lowest, value(lowest)
    if value(1.0) >= 1.0:
        return 1.0, 1.0
    sigma = brentq(lambda s: value(s) - s, lowest, 1.0, xtol=1e-12, rtol=1e-12)
    found = sigma, value(sigma)
    # brentq's wrapper of ``value`` is a reference cycle: without this, it would hold
    # the smoother's arrays until the next garbage collection (one per subgroup)
    smoother = None
    return found


def smooth_ece_from_grids(resid, mass, total_weight):
    """Smooth ECE with the fixed-point bandwidth, and the smoothed curve.

    ``smECE_sigma = integral |sum_i w_i (p_i - y_i) K_sigma(t, p_i)| dt / W``
    with the reflected Gaussian kernel; the reported value is at the
    bandwidth ``sigma*`` with ``smECE_sigma* = sigma*``, found by Brent's
    method (the function decreases in ``sigma``).  Returns ``(smooth_ece,
    bandwidth, curve)``.
    """
    m1 = resid.shape[0] - 1
    sel = slice(0, m1 + 1, max(1, m1 // 512))  # the points of the curve
    smoother = Smoother(resid)
    sigma, ece = _fixed_point(resid, smoother, total_weight)
    g = smoother.smooth(sigma)[sel].copy()
    del smoother  # one grid array at a time: the grids weigh as much as 1e5 samples
    dens = Smoother(mass).smooth(sigma)[sel].copy()
    grid_x = np.linspace(0.0, 1.0, m1 + 1)
    grid_x *= mass  # linear binning keeps sum w p
    first = Smoother(grid_x).smooth(sigma)[sel]
    del grid_x
    with np.errstate(invalid="ignore", divide="ignore"):
        observed = np.clip((first - g) / dens, 0.0, 1.0)
    curve = SmoothCurve(
        x=np.linspace(0.0, 1.0, m1 + 1)[sel].copy(),
        observed=observed,
        density=dens / total_weight,
        bandwidth=sigma,
    )
    return float(ece), float(sigma), curve
