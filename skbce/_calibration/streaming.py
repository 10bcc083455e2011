"""The streamable part of the calibration report, over data seen in chunks.

:class:`StreamingCalibration` keeps per-bin sums on fixed edges and a few
totals (:class:`CalibrationSums`) in the mergeable state of
:mod:`skbce._losses.states`, summed by :func:`calibration_chunk_sums`.
"""

import math
from typing import NamedTuple

import numpy as np

from skbce._calibration.statistics import (
    _calibration_errors,
    _hosmer_lemeshow,
    _spiegelhalter,
    wilson_interval,
)
from skbce._losses.kernels import baseline_loss, binary_sums, prior_log_loss_sum
from skbce._losses.options import loss_options
from skbce._losses.parallel import map_blocks
from skbce._losses.states import State
from skbce._losses.sums import LossSums
from skbce._metrics.streaming import _Streaming
from skbce._utils.numeric import BLOCK, scaled_weights, weighted_sum
from skbce._utils.options import check_bin_edges, check_confidence_level, check_n_bins

__all__ = ["MAX_BINS", "CalibrationSums", "StreamingCalibration", "fixed_bin_sums"]

#: Largest number of bins of a :class:`StreamingCalibration`.
MAX_BINS = 10**6


class CalibrationSums(NamedTuple):
    """Mergeable sums of the streamable part of the calibration report.

    Attributes
    ----------
    loss : LossSums
        Log-loss sums, with the weight of each class.
    bins : ndarray of shape (4, n_bins)
        Per bin: count, weight, sum of ``w * p``, sum of ``w * y``.
    totals : ndarray of shape (4,)
        Brier sum ``w (p - y)^2``, Spiegelhalter's numerator
        ``-w (p - y)(1 - 2p)`` and variance ``w (1 - 2p)^2 p (1 - p)``, and the
        sum of ``w * p``.
    scale : int
        The weights were multiplied by ``2 ** -scale`` before summing (as in
        ``LossSums.scale``, which ``loss`` shares): the weighted sums of the
        caller's weights are ``2 ** scale`` times these.
    """

    loss: LossSums
    bins: np.ndarray
    totals: np.ndarray
    scale: int = 0

    def merge(self, other):
        """Return the sums over the union of both parts."""
        scale = max(self.scale, other.scale)
        a, b = (np.ldexp(1.0, part.scale - scale) for part in (self, other))
        bins = self.bins * [[1.0], [a], [a], [a]] + other.bins * [[1.0], [b], [b], [b]]
        totals = self.totals * a + other.totals * b
        return CalibrationSums(self.loss.merge(other.loss), bins, totals, scale)


def fixed_bin_sums(p, y, w, edges):
    """Per-bin sufficient statistics of unsorted data on fixed bin edges.

    Bins are ``[e0, e1], (e1, e2], ..., (e_{m-1}, e_m]``; values below the
    first edge fall in the first bin and above the last edge in the last, as
    in :func:`sklearn.calibration.calibration_curve` and the report.

    Parameters
    ----------
    p : ndarray of float64 of shape (n_samples,)
        Probabilities of the positive class.
    y : ndarray of shape (n_samples,)
        Labels, 1 (or True) for the positive class.
    w : ndarray of float64 or None
        Sample weights.
    edges : ndarray of float64 of shape (n_bins + 1,)
        Increasing bin edges.

    Returns
    -------
    sums : ndarray of float64 of shape (4, n_bins)
        Rows: count (of samples of non-zero weight), weight, sum of ``w * p``,
        sum of ``w * y``.  Sums of disjoint parts of the data add up.

    Examples
    --------
    >>> import numpy as np
    >>> from skbce._calibration.streaming import fixed_bin_sums
    >>> fixed_bin_sums(np.array([0.1, 0.6, 0.7]), np.array([0, 1, 0]), None,
    ...                np.array([0.0, 0.5, 1.0]))
    array([[1. , 2. ],
           [1. , 2. ],
           [0.1, 1.3],
           [0. , 1. ]])
    """
    nb = edges.shape[0] - 1
    inner = edges[1:-1]

    def block(b):
        pb, yb = p[b], y[b]
        idx = np.searchsorted(inner, pb, side="left")
        if w is None:
            count = np.bincount(idx, minlength=nb).astype(np.float64)
            sum_p = np.bincount(idx, weights=pb, minlength=nb)
            return np.stack([count, count, sum_p, np.bincount(idx, weights=yb, minlength=nb)])
        wb = w[b]
        return np.stack(
            [
                np.bincount(idx[wb != 0], minlength=nb).astype(np.float64),
                np.bincount(idx, weights=wb, minlength=nb),
                np.bincount(idx, weights=wb * pb, minlength=nb),
                np.bincount(idx, weights=wb * yb, minlength=nb),
            ]
        )

    return sum(map_blocks(block, p.shape[0], BLOCK), np.zeros((4, nb)))


def _calibration_totals(p, y, w):
    """Brier, Spiegelhalter numerator and variance, and ``sum w p``, in blocks."""

    def block(b):
        pb = p[b]
        d = pb - y[b]
        a = 1.0 - 2.0 * pb
        v = a * a * pb * (1.0 - pb)
        wb = np.ones_like(pb) if w is None else w[b]
        wd = wb * d
        return np.array(
            [weighted_sum(wd, d), -weighted_sum(wd, a), weighted_sum(v, wb), weighted_sum(wb, pb)]
        )

    return sum(map_blocks(block, p.shape[0], BLOCK), np.zeros(4))


def calibration_chunk_sums(options, target, p, w):
    """The :class:`CalibrationSums` of one chunk (the ``chunk_sums`` of its options).

    Weights beyond ``2 ** +-64`` are first scaled by a power of two, so that
    the products ``w * p`` of tiny weights do not underflow (nor sums of huge
    ones overflow).
    """
    w, scale = scaled_weights(w)
    sums, _, _ = binary_sums(target, p, w, class_totals=True)
    t = np.asarray(target.codes(), dtype=np.float64)
    bins = fixed_bin_sums(p, t, w, np.asarray(options.bin_edges))
    return CalibrationSums(sums._replace(scale=scale), bins, _calibration_totals(p, t, w), scale)


def _unscaled(values, scale):
    """Sums over weights times ``2 ** -scale`` back on the caller's scale (inf past float64)."""
    with np.errstate(over="ignore"):
        return np.ldexp(values, scale)


def _spiegelhalter_of(num, var, scale):
    """Spiegelhalter's test of sums over weights times ``2 ** -scale``.

    ``2 ** scale`` need not be a float (``scale`` up to 1024): half of it
    goes into the numerator, the test takes the remaining factor 1 or 2.
    """
    half = scale // 2
    return _spiegelhalter(math.ldexp(num, half), var, math.ldexp(1.0, scale - 2 * half))


class StreamingCalibration(_Streaming):
    """The binned part of the calibration report, over data seen in chunks.

    Keeps per-bin sums (count, weight, ``w * p``, ``w * y``) on fixed bin
    edges and a few totals, from which :meth:`result` gives the reliability
    table with Wilson intervals, the ECE family (ECE, MCE, RMSCE), the
    Hosmer-Lemeshow test on these bins, Spiegelhalter's test, and the log
    loss, Brier score, base rate and normalized cross-entropy: exactly what
    the one-shot report gives on the same edges, for any chunking and order
    of merges.  States pickle; :meth:`update` takes :mod:`dask.array` inputs.

    Parameters
    ----------
    n_bins : int, default=10
        Number of equal-width bins on ``[0, 1]``, at most ``MAX_BINS``
        (one million: the state holds four floats per bin).
    bin_edges : array-like, default=None
        Increasing bin edges within ``[0, 1]``; overrides ``n_bins``.
    pos_label : int, float, bool or str, default=None
        The positive class; by default the greater of the two labels.
    from_logits : bool, default=False
        Whether ``y_proba`` holds logits (turned into probabilities with the
        logistic function).
    confidence_level : float, default=0.95
        Of the intervals of the reliability table.

    Notes
    -----
    Not streamable, so not here: anything that needs all the data at once.
    Quantile and equal-mass bins (and so the adaptive ECE, and the report's
    Hosmer-Lemeshow on equal-mass groups: here it uses the fixed bins, with
    ``dof = non-empty bins - 2``), the isotonic (CORP) decomposition, the
    smooth ECE, the ROC AUC and the Cox calibration slope and intercept.

    Examples
    --------
    >>> from skbce import StreamingCalibration
    >>> state = StreamingCalibration(n_bins=3)
    >>> state.update([0, 1, 1], [0.1, 0.7, 0.9]).update([0, 0, 1], [0.4, 0.5, 0.8])
    StreamingCalibration(n_bins=3) with 6 samples
    >>> summary = state.result()
    >>> summary["reliability"]["observed"]
    array([0., 0., 1.])
    >>> round(summary["ece"], 4)
    0.2667
    >>> summary["hosmer_lemeshow"].dof
    1
    """

    def __init__(
        self, *, n_bins=10, bin_edges=None, pos_label=None, from_logits=False, confidence_level=0.95
    ):

        if bin_edges is None:
            n_bins = check_n_bins(n_bins, math.inf)
            if n_bins > MAX_BINS:
                msg = f"n_bins must be at most {MAX_BINS}, got {n_bins}."
                raise ValueError(msg)
            edges = np.linspace(0.0, 1.0, n_bins + 1)
        else:
            if isinstance(bin_edges, str):
                msg = (
                    f"bin_edges must be an array of edges, got {bin_edges!r}: "
                    f"{bin_edges!r} bins need all the data at once."
                )
                raise ValueError(msg)
            edges = check_bin_edges(bin_edges)
        if edges.shape[0] - 1 > MAX_BINS:
            msg = f"bin_edges must give at most {MAX_BINS} bins, got {edges.shape[0] - 1}."
            raise ValueError(msg)
        self.n_bins = edges.shape[0] - 1
        self.bin_edges = edges
        self.pos_label = pos_label
        self.from_logits = from_logits
        self.confidence_level = check_confidence_level(confidence_level)
        self._spec = loss_options(
            "calibration",
            pos_label=pos_label,
            from_logits=from_logits,
            bin_edges=tuple(edges.tolist()),
            chunk_sums=calibration_chunk_sums,
        )
        self._state = State(self._spec)

    def __repr__(self):
        return f"StreamingCalibration(n_bins={self.n_bins}) with {self.n_samples} samples"

    def update(self, y_true, y_proba, sample_weight=None):
        """Add a chunk of data.

        Parameters
        ----------
        y_true : array-like of shape (n_samples,)
            Binary labels.
        y_proba : array-like of shape (n_samples,)
            Probabilities of the positive class (logits when ``from_logits``).
            NumPy arrays, lists, pandas objects, or dask arrays.
        sample_weight : array-like of shape (n_samples,), default=None
            Non-negative sample weights.

        Returns
        -------
        self : StreamingCalibration
            This state, now holding the chunk too.

        Raises
        ------
        ValueError
            When the chunk is invalid (as for :func:`~skbce.calibration_report`)
            or its labels do not fit those seen so far; the state is then left
            unchanged.

        Examples
        --------
        >>> from skbce import StreamingCalibration
        >>> state = StreamingCalibration(n_bins=2)
        >>> state.update([0, 1], [0.2, 0.9]).update([1], [0.6]).n_samples
        3
        """
        return self._update(y_true, y_proba, sample_weight)

    def result(self):
        """The streamable statistics of the calibration report.

        Returns
        -------
        summary : dict
            Keys as in the calibration report: ``n_samples``,
            ``total_weight``, ``log_loss``, ``brier_score``,
            ``normalized_cross_entropy``, ``d2_log_loss_score``,
            ``base_rate``, ``mean_prediction``, ``observed_expected_ratio``,
            ``reliability`` (a dict of per-bin arrays: ``bin_lower``,
            ``bin_upper``, ``count``, ``weight``, ``mean_predicted``,
            ``observed``, ``ci_low``, ``ci_high``), ``ece``, ``mce``,
            ``rmsce``, ``hosmer_lemeshow`` (on the fixed bins) and
            ``spiegelhalter``.

        Raises
        ------
        ValueError
            When no samples were seen, when the samples of non-zero weight
            hold a single class, or when the total weight overflows float64.

        See Also
        --------
        calibration_report : All the statistics, on all the data at once.

        Examples
        --------
        >>> from skbce import StreamingCalibration, calibration_report
        >>> y, p = [0, 1, 1, 0, 1, 0], [0.2, 0.8, 0.35, 0.3, 0.7, 0.4]
        >>> state = StreamingCalibration(n_bins=3).update(y[:4], p[:4]).update(y[4:], p[4:])
        >>> summary = state.result()
        >>> summary["reliability"]["count"]
        array([2, 2, 2])
        >>> summary["ece"], calibration_report(y, p, n_bins=3).ece
        (0.2083..., 0.2083...)
        """
        sums, _ = self._state.finish()
        total = float(sums.loss.weight)
        negative, positive = (float(v) for v in sums.loss.class_weight)
        total_weight = float(_unscaled(total, sums.scale))
        if not math.isfinite(total_weight):
            msg = (
                "sample_weight: the total weight overflows float64; divide the weights by "
                "a common factor (the statistics do not depend on their scale)."
            )
            raise ValueError(msg)
        if not (positive > 0 and negative > 0):
            msg = (
                "y_true holds a single class (among the samples of non-zero weight); "
                "calibration needs both classes."
            )
            raise ValueError(msg)
        brier, sp_num, sp_var, total_p = sums.totals.tolist()
        log_loss = sums.loss.loss / total
        return {
            "n_samples": self.n_samples,
            "total_weight": total_weight,
            "log_loss": log_loss,
            "brier_score": brier / total,
            "normalized_cross_entropy": log_loss / baseline_loss(negative, positive),
            "d2_log_loss_score": 1.0 - log_loss * total / prior_log_loss_sum(sums.loss),
            "base_rate": positive / total,
            "mean_prediction": total_p / total,
            "observed_expected_ratio": positive / total_p if total_p > 0 else math.inf,
            **self._binned(sums),
            "spiegelhalter": _spiegelhalter_of(sp_num, sp_var, sums.scale),
        }

    def _binned(self, sums):
        """The reliability table, the ECE family and Hosmer-Lemeshow on the bins."""
        count, weight, sum_p, sum_y = sums.bins
        with np.errstate(invalid="ignore", divide="ignore"):
            mean_predicted = np.where(weight > 0, sum_p / weight, np.nan)
            observed = np.where(weight > 0, sum_y / weight, np.nan)
        ece, mce, rmsce = _calibration_errors(weight, mean_predicted, observed)
        weight, sum_p, sum_y = (_unscaled(a, sums.scale) for a in (weight, sum_p, sum_y))
        ci_low, ci_high = wilson_interval(sum_y, weight, self.confidence_level)
        edges = self.bin_edges
        return {
            "reliability": {
                "bin_lower": edges[:-1].copy(),
                "bin_upper": edges[1:].copy(),
                "count": count.astype(np.int64),
                "weight": weight,
                "mean_predicted": mean_predicted,
                "observed": observed,
                "ci_low": ci_low,
                "ci_high": ci_high,
            },
            "ece": ece,
            "mce": mce,
            "rmsce": rmsce,
            "hosmer_lemeshow": _hosmer_lemeshow(weight, sum_y, sum_p),
        }
