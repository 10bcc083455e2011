"""What recalibration would gain, estimated honestly by cross-fitting.

Three recalibration maps of the predictions ``p`` are fitted on ``k - 1``
folds and scored (log loss and Brier score) on the held-out fold, for each of
the ``k`` folds (``k = 5``), so the scores are out-of-sample.  In the order of
the predictions, each run of ``k`` consecutive samples holds one sample of
every fold, in a random rotation (seeded by ``random_state``): the folds are
random and span the predictions evenly.  The methods:

* ``intercept``: ``logit q = c + logit p`` (calibration-in-the-large);
* ``logistic``: ``logit q = a + b logit p`` (Cox's logistic recalibration);
* ``isotonic``: the isotonic (PAV) regression of the outcome on ``p``, ties
  pooled; held-out predictions between fitted values are interpolated
  linearly, and its values are kept within ``[1 / (2 W), 1 - 1 / (2 W)]`` (``W``
  the training weight) so that a held-out log loss stays finite.

Next to them: the current log loss and Brier score, and the in-sample CORP
miscalibration terms (score minus the score after the in-sample isotonic
recalibration), which the cross-fitted gains approach from below as the
data grow.

Recommendation
--------------
A method *gains* when its cross-fitted log-loss improvement over the
current predictions is at least 1% of the current log loss and more than
``z`` standard errors of the mean per-sample improvement (``z`` the normal
quantile of ``confidence_level``, one-sided).  If no method gains:
``"none needed"``; with fewer than ``k`` samples of a class the scores are
NaN and the recommendation says there are too few samples to tell.
Otherwise the simplest method (intercept, then logistic, then isotonic)
among those that gain whose improvement is at least 90% of the best
improvement among them.

Predictions of exactly 0 or 1 are left out of the logistic fits (their
logits are infinite) and are kept as they are by the intercept and logistic
maps; every log loss clips the probabilities to ``[eps, 1 - eps]``, ``eps``
that of the dtype of the report's probabilities (``clip_dtype``), as the
report's log loss does, so the current log loss is the report's.  The fits
run on the sums of weight and outcome per distinct prediction (and per
fold), so they are exact; with more than ``MAX_POINTS`` distinct
predictions the predictions are first pooled into narrow bins
(:func:`~skbce._calibration.lowess.bin_starts`, about 4000 bins).  Pooling
changes the intercept and logistic scores in about the sixth digit; the
isotonic fit on pooled bins is a slightly smoother estimator than the PAV of
the samples (on 60,000 uniform predictions its held-out log loss differed by
4e-4, and the in-sample CORP term by 8e-5; ``tests/test_recalibration_gain.py``
bounds them by 1e-3 and 5e-4).  The report's own CORP decomposition is exact.
"""

import math
from typing import NamedTuple

import numpy as np

from skbce._calibration.blocks import block_step
from skbce._calibration.lowess import bin_starts, frequency_scale
from skbce._utils.numeric import float_clip_bounds

__all__ = ["MethodGain", "RecalibrationGain", "recalibration_gain"]

#: Above this many distinct predictions, the fits run on pooled bins.
MAX_POINTS = 20_000

_METHODS = ("intercept", "logistic", "isotonic")


class MethodGain(NamedTuple):
    """Cross-fitted scores after one recalibration method.

    ``log_loss`` and ``brier_score`` are the held-out scores after the
    recalibration; ``log_loss_gain`` the current log loss minus
    ``log_loss`` (positive: the recalibration helps) and ``gain_se`` its
    standard error; ``gains`` whether it passes the rule of the module.
    """

    method: str
    log_loss: float
    brier_score: float
    log_loss_gain: float
    gain_se: float
    gains: bool


class RecalibrationGain(NamedTuple):
    """The three methods, the current scores, CORP's miscalibration and a recommendation."""

    methods: tuple
    log_loss: float
    brier_score: float
    miscalibration_log_loss: float
    miscalibration_brier: float
    recommendation: str
    n_splits: int


class _Cells(NamedTuple):
    """Weight and weighted outcome per (fold, bin), and each bin's prediction."""

    weight: np.ndarray  # (k, B)
    positives: np.ndarray  # (k, B)
    p: np.ndarray  # (B,)


def _folds(rotations, offsets, start, stop):
    """The folds of sorted samples ``start:stop`` (``start`` a multiple of ``k``).

    Sample ``i`` is in fold ``(i + offsets[i // k]) % k``: each run of ``k``
    samples is one of the ``k`` rotations of ``0 .. k - 1`` (the rows of
    ``rotations``).
    """
    k = rotations.shape[0]
    runs = offsets[start // k : -(-stop // k)]
    return np.take(rotations, runs, axis=0).ravel()[: stop - start]


def _cell_sums(p_s, y_s, w_s, starts, offsets, k):
    """Weight and weighted positives per (fold, bin), and weight and ``sum w p`` per bin.

    Block by block (weights as frequencies, :func:`frequency_scale`): no
    temporary of the size of the data.  Unweighted, only the positives are
    counted (the weights are counts, known from the folds' pattern).
    """
    n, n_bins = p_s.shape[0], starts.shape[0]
    scale = None if w_s is None else frequency_scale(w_s)
    weight, positives = np.zeros((n_bins, k)), np.zeros((n_bins, k))
    sum_w, sum_wp = np.zeros(n_bins), np.zeros(n_bins)
    rotations = ((np.arange(k)[:, None] + np.arange(k)) % k).astype(offsets.dtype)
    step = k * max(1, block_step(n) // k)  # blocks start at runs of k
    for start in range(0, n, step):
        stop = min(start + step, n)
        first = int(np.searchsorted(starts, start, side="right")) - 1
        last = int(np.searchsorted(starts, stop, side="left"))
        local = np.clip(starts[first:last], start, stop) - start  # local[0] == 0
        cells, size = slice(first, last), (last - first) * k
        base = np.arange(0, size, k)
        folds, y = _folds(rotations, offsets, start, stop), y_s[start:stop]
        if scale is None:
            ones = np.flatnonzero(y)
            code = np.repeat(base, np.diff(np.append(np.searchsorted(ones, local), ones.shape[0])))
            code += folds[ones]
            positives[cells] += np.bincount(code, minlength=size).reshape(-1, k)
            continue
        divisor, factor = scale
        m = w_s[start:stop] if factor is None else w_s[start:stop] / divisor * factor
        code = np.repeat(base, np.diff(np.append(local, stop - start)))
        code += folds
        weight[cells] += np.bincount(code, weights=m, minlength=size).reshape(-1, k)
        positives[cells] += np.bincount(code[y], weights=m[y], minlength=size).reshape(-1, k)
        sum_w[cells] += np.add.reduceat(m, local)
        sum_wp[cells] += np.add.reduceat(m * p_s[start:stop], local)
    return weight.T.copy(), positives.T.copy(), sum_w, sum_wp


def _many_distinct(p_s):
    """Whether sorted ``p_s`` holds more than ``MAX_POINTS`` distinct values.

    Strictly increasing values at ``MAX_POINTS + 1`` evenly spaced positions
    settle it without a pass over the data.
    """
    n = p_s.shape[0]
    if n <= MAX_POINTS:
        return False
    probe = p_s[np.linspace(0, n - 1, MAX_POINTS + 1).astype(np.intp)]
    if np.all(probe[1:] > probe[:-1]):
        return True
    return 1 + int(np.count_nonzero(p_s[1:] != p_s[:-1])) > MAX_POINTS


def _cells(p_s, y_s, w_s, n_splits, rng):
    n, k = p_s.shape[0], n_splits
    starts = bin_starts(p_s, w_s, MAX_POINTS // 10 if _many_distinct(p_s) else None)
    offsets = rng.randint(k, size=-(-n // k)).astype(np.min_scalar_type(k))
    weight, positives, sum_w, sum_wp = _cell_sums(p_s, y_s, w_s, starts, offsets, k)
    if w_s is None:
        # fold f holds, among the samples before s, s // k plus one of the partial run
        edges = np.append(starts, n)
        run, rest = edges // k, edges % k
        rotation = offsets[np.minimum(run, offsets.shape[0] - 1)]
        folds = np.arange(k)[:, None]
        before = run[None, :] + ((folds - rotation[None, :]) % k < rest[None, :])
        weight = np.diff(before, axis=1).astype(np.float64)
        sum_w, sum_wp = np.diff(edges).astype(np.float64), np.add.reduceat(p_s, starts)
    return _Cells(weight, positives, np.clip(sum_wp / sum_w, 0.0, 1.0))


def _log_likelihood(theta, x, weight, positives):
    eta = theta[0] + theta[1] * x
    return _dot(positives, eta) - _dot(weight, np.logaddexp(0.0, eta))


def _dot(a, b):
    return float(np.einsum("i,i->", a, b))


def _fit_logistic(x, weight, positives, *, slope):
    """Maximum-likelihood ``(a, b)`` of ``logit q = a + b x`` (``b = 1`` unless ``slope``).

    Newton's method with step halving on the per-bin sums; it stops when the
    step is below ``1e-10`` or the likelihood cannot grow (separated data:
    the last point reached).
    """
    from scipy.special import expit

    finite = np.isfinite(x) & (weight > 0)
    x, weight, positives = x[finite], weight[finite], positives[finite]
    theta = np.array([0.0, 1.0])
    ll = _log_likelihood(theta, x, weight, positives)
    for _ in range(100):
        mu = expit(theta[0] + theta[1] * x)
        resid, curv = positives - weight * mu, weight * mu * (1.0 - mu)
        if slope:
            grad = np.array([resid.sum(), _dot(resid, x)])
            cx = curv * x
            hess = np.array([[curv.sum(), cx.sum()], [cx.sum(), _dot(cx, x)]])
            with np.errstate(all="ignore"):
                step = np.linalg.lstsq(hess, grad, rcond=None)[0]
        else:
            step = np.array([resid.sum() / curv.sum(), 0.0])
        for _ in range(60):  # halve until the likelihood does not drop
            new_ll = _log_likelihood(theta + step, x, weight, positives)
            if new_ll >= ll - 1e-12 * abs(ll):
                break
            step = step / 2
        else:
            break
        theta, ll = theta + step, new_ll
        if not np.all(np.isfinite(step)) or np.max(np.abs(step)) < 1e-10:
            break
    return float(theta[0]), float(theta[1])


def _isotonic_map(p, weight, positives, *, keep_off_edges=True):
    """The PAV fit at the bins with training weight, interpolated (and kept off 0 and 1)."""
    from sklearn.isotonic import isotonic_regression

    seen = weight > 0
    fitted = isotonic_regression(positives[seen] / weight[seen], sample_weight=weight[seen])
    q = np.interp(p, p[seen], fitted)
    if not keep_off_edges:
        return q
    floor = 0.5 / float(weight.sum())
    return np.clip(q, floor, 1.0 - floor)


def _maps(cells, train_weight, train_positives):
    """Recalibrated predictions of every bin, per method, fitted on the training sums."""
    from scipy.special import expit

    with np.errstate(divide="ignore"):
        x = np.log(cells.p) - np.log1p(-cells.p)
    out = {}
    for method in ("intercept", "logistic"):
        a, b = _fit_logistic(x, train_weight, train_positives, slope=method == "logistic")
        with np.errstate(invalid="ignore"):
            out[method] = np.where(np.isfinite(x), expit(a + b * x), cells.p)
    out["isotonic"] = _isotonic_map(cells.p, train_weight, train_positives)
    return out


def _losses(q, weight, positives, bounds):
    """Per-bin log loss and Brier sums, and per-sample log-loss values for y = 1 and y = 0.

    The log loss clips ``q`` to ``bounds``, ``[eps, 1 - eps]`` (``eps`` the
    machine epsilon of the dtype of the predictions), as scikit-learn's and
    the report's: exact 0 and 1 predictions cost at most ``-log(eps)`` (about
    36 nats in float64), never infinity.
    """
    from scipy.special import xlogy

    brier = positives * (1.0 - q) ** 2 + (weight - positives) * q * q
    q = np.clip(q, *bounds)
    l1, l0 = -np.log(q), -np.log1p(-q)
    log_loss = xlogy(positives, q) + xlogy(weight - positives, 1.0 - q)
    return -log_loss, brier, l1, l0


def _gain(method, cells, held, current, z, threshold, bounds):
    """Held-out scores of one method over all folds, its gain and the gain's standard error."""
    w_all = float(cells.weight.sum())
    ll = br = diff_sq = 0.0
    for k, q in enumerate(held):
        weight, positives = cells.weight[k], cells.positives[k]
        ll_k, br_k, l1, l0 = _losses(q, weight, positives, bounds)
        ll += float(ll_k.sum())
        br += float(br_k.sum())
        with np.errstate(invalid="ignore"):
            d1, d0 = current[2] - l1, current[3] - l0
        diff_sq += float(np.nansum(positives * d1 * d1 + (weight - positives) * d0 * d0))
    ll, br = ll / w_all, br / w_all
    gain = current[0] - ll
    var = max(diff_sq / w_all - gain * gain, 0.0)
    se = math.sqrt(var / w_all)
    gains = bool(gain >= threshold and gain > z * se)
    return MethodGain(method, ll, br, gain, se, gains)


def _recommend(methods):
    gaining = [m for m in methods if m.gains]
    if not gaining:
        return "none needed"
    best = max(m.log_loss_gain for m in gaining)  # a method that does not gain cannot set it
    return next(m.method for m in gaining if m.log_loss_gain >= 0.9 * best)


def recalibration_gain(
    p_s,
    y_s,
    w_s=None,
    *,
    n_splits=5,
    random_state=None,
    confidence_level=0.95,
    clip_dtype=np.float64,
):
    """Cross-fitted log loss and Brier score after intercept, logistic and isotonic recalibration.

    Parameters
    ----------
    p_s, y_s : ndarray of shape (n_samples,)
        Predictions sorted ascending, and the outcomes (0/1 or bool) in
        their order.
    w_s : ndarray of float64 or None
        Sample weights (positive; the report leaves zero weights out).  They
        count as frequencies (integer weights as repeated rows, others
        rescaled to sum to ``n_samples``): they set the standard errors.
    n_splits : int, default=5
        Folds of the cross-fitting.
    random_state : int, RandomState instance or None, default=None
        Seeds the assignment of samples to folds.
    confidence_level : float, default=0.95
        Sets ``z`` of the recommendation rule (module docstring).
    clip_dtype : dtype, default=np.float64
        The dtype of the predictions: every log loss clips to its
        :func:`~skbce._utils.numeric.clip_bounds`, as the report's.

    Returns
    -------
    gain : RecalibrationGain

    Examples
    --------
    >>> import numpy as np
    >>> from scipy.special import expit, logit
    >>> from skbce._calibration.recalibration_gain import recalibration_gain
    >>> rng = np.random.default_rng(0)
    >>> p = np.sort(rng.uniform(0.02, 0.98, 5000))
    >>> y = rng.uniform(size=p.size) < expit(0.5 * logit(p))  # predictions too extreme
    >>> recalibration_gain(p, y, random_state=0).recommendation
    'logistic'
    """
    from scipy.special import ndtri
    from sklearn.utils import check_random_state

    rng = check_random_state(random_state)
    y_s = np.asarray(y_s, dtype=bool)
    cells = _cells(p_s, y_s, w_s, n_splits, rng)
    total_w, total_y = cells.weight.sum(axis=0), cells.positives.sum(axis=0)
    bounds = float_clip_bounds(clip_dtype)
    current = _losses(cells.p, total_w, total_y, bounds)
    w_all = float(total_w.sum())
    log_loss, brier = float(current[0].sum()) / w_all, float(current[1].sum()) / w_all
    positive = np.count_nonzero(y_s)
    per_class = positive, y_s.shape[0] - positive
    if min(per_class) < n_splits:
        nan = MethodGain("", math.nan, math.nan, math.nan, math.nan, False)
        methods = tuple(nan._replace(method=m) for m in _METHODS)
        note = f"too few samples to tell (each class needs at least {n_splits})"
        return RecalibrationGain(methods, log_loss, brier, math.nan, math.nan, note, n_splits)
    held = {m: [] for m in _METHODS}
    for k in range(n_splits):
        maps = _maps(cells, total_w - cells.weight[k], total_y - cells.positives[k])
        for m in _METHODS:
            held[m].append(maps[m])
    z = float(ndtri(confidence_level))
    ref = (log_loss, brier, current[2], current[3])
    methods = tuple(_gain(m, cells, held[m], ref, z, 0.01 * log_loss, bounds) for m in _METHODS)
    iso = _isotonic_map(cells.p, total_w, total_y, keep_off_edges=False)
    iso_ll, iso_br, _, _ = _losses(iso, total_w, total_y, bounds)
    return RecalibrationGain(
        methods,
        log_loss,
        brier,
        log_loss - float(iso_ll.sum()) / w_all,
        brier - float(iso_br.sum()) / w_all,
        _recommend(methods),
        n_splits,
    )
