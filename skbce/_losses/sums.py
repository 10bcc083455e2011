"""Mergeable partial sums, from which every loss of the family is finished."""

from typing import NamedTuple

import numpy as np


class LossSums(NamedTuple):
    """Partial sums from which every loss in the family is finished.

    Sums from disjoint parts of the data merge by addition
    (:meth:`merge`), in any order.

    Attributes
    ----------
    loss : float
        Sum of ``w * loss`` over the samples (a ``numpy.longdouble`` when a
        float64 sum would overflow).
    weight : float
        Sum of ``w`` (the number of samples when unweighted).
    class_weight : ndarray of float64 or None
        Sum of ``w`` per class, when requested.
    n_infinite : int
        Number of samples whose loss is infinite (only with ``clip=None``).
    class_count : ndarray of float64 or None
        Number of samples of non-zero weight of each class, with ``class_weight``.
    scale : int
        The weights were multiplied by ``2 ** -scale`` before summing (so that
        weights from 1e-300 to 1e300 neither underflow nor overflow): the
        true weighted sums are ``loss``, ``weight`` and ``class_weight`` times
        ``2 ** scale``.  Means do not depend on it.
    """

    loss: float
    weight: float
    class_weight: np.ndarray | None = None
    n_infinite: int = 0
    scale: int = 0
    class_count: np.ndarray | None = None

    def _is_zero(self):
        """Whether every sum is zero (rescaling it is exact in any direction)."""
        return (
            self.loss == 0
            and self.weight == 0
            and (self.class_weight is None or not np.any(self.class_weight))
        )

    def rescaled(self, scale):
        """The same sums expressed with weights scaled by ``2 ** -scale``."""
        if scale == self.scale:
            return self
        shift = self.scale - scale
        cw = None if self.class_weight is None else np.ldexp(self.class_weight, shift)
        return self._replace(
            loss=np.ldexp(self.loss, shift),
            weight=np.ldexp(self.weight, shift),
            class_weight=cw,
            scale=scale,
        )

    def merge(self, other):
        """Return the sums over the union of both parts.

        The larger scale is kept (rescaling the other part down cannot
        overflow), but a part whose sums are all zero (a chunk of zero
        weights) has no scale of its own: it takes the other's, so that
        tiny weights elsewhere are not pulled into the subnormal range.
        """
        scales = [part.scale for part in (self, other) if not part._is_zero()]
        scale = max(scales, default=max(self.scale, other.scale))
        a, b = self.rescaled(scale), other.rescaled(scale)
        return LossSums(
            a.loss + b.loss,
            a.weight + b.weight,
            _add(a.class_weight, b.class_weight),
            a.n_infinite + b.n_infinite,
            scale,
            _add(a.class_count, b.class_count),
        )


def _add(a, b):
    return None if a is None or b is None else a + b
