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
        Sum of ``w * loss`` over the samples.
    weight : float
        Sum of ``w`` (the number of samples when unweighted).
    class_weight : ndarray of float64 or None
        Sum of ``w`` per class, when requested.
    """

    loss: float
    weight: float
    class_weight: np.ndarray | None = None

    def merge(self, other):
        """Return the sums over the union of both parts."""
        cw = None
        if self.class_weight is not None and other.class_weight is not None:
            cw = self.class_weight + other.class_weight
        return LossSums(self.loss + other.loss, self.weight + other.weight, cw)
