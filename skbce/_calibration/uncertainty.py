"""The uncertainty of a report: intervals on the headline numbers, bands on the CORP curve.

One function gathers it from the sorted data and the statistics of
:func:`~skbce._calibration.statistics.binary_statistics`: the exact and
asymptotic intervals (:mod:`~skbce._calibration.intervals`), the bootstrap
intervals (:mod:`~skbce._calibration.bootstrap`), the consistency and
confidence bands of the CORP curve and the CORP miscalibration test
(:mod:`~skbce._calibration.corp_bands`).  The resamples share one set of
cells (:mod:`~skbce._calibration.resampling`) and one random generator.
"""

import math
import warnings

import numpy as np

from skbce._calibration.bootstrap import bootstrap_intervals
from skbce._calibration.corp_bands import CorpTest, corp_bands
from skbce._calibration.intervals import INTERVAL_COLUMNS, exact_intervals, masses_of
from skbce._calibration.resampling import cell_means, make_cells, random_generator

__all__ = ["uncertainty"]


def _estimates(stats):
    """The estimates by row key, with the decomposition terms flattened and the bins' edges."""
    flat = {
        f"{score}_{term}": getattr(parts, term)
        for score, parts in stats["decomposition"].items()
        for term in ("miscalibration", "discrimination")
    }
    rel = stats["reliability"]
    table_edges = np.append(np.asarray(rel["bin_lower"]), np.asarray(rel["bin_upper"])[-1:])
    return stats | flat | {"table_edges": table_edges}


def uncertainty(
    p_s,
    y_s,
    w_s,
    stats,
    *,
    n_resamples,
    random_state,
    confidence_level,
    exact=None,
    clip_dtype=np.float64,
):
    """Fields ``intervals`` (columns), ``consistency_band``, ``confidence_band``, ``corp_test``.

    ``stats`` holds the statistics of the report (with ``eavg``...``emax``);
    its log loss clips ``p_s`` to the bounds of ``clip_dtype``, and so do the
    log losses of the intervals.
    Data of one class (the top label of a multiclass model always, or
    never, right) get NaN bounds, no bands and a NaN p-value.

    ``random_state`` None draws with seed 0 (a report is reproducible); the
    same ``random_state`` gives the same numbers.  ``exact``: the rows of
    :func:`~skbce._calibration.intervals.exact_intervals`, if the caller
    computed them already (None: computed here).

    Examples
    --------
    >>> import numpy as np
    >>> from skbce._calibration.flexible_curve import flexible_curve
    >>> from skbce._calibration.statistics import binary_statistics, sort_by_prediction
    >>> from skbce._calibration.uncertainty import uncertainty
    >>> rng = np.random.default_rng(0)
    >>> p = rng.uniform(size=500)
    >>> t = (rng.uniform(size=500) < p).astype(float)
    >>> p_s, y_s, w_s = sort_by_prediction(t, p)
    >>> stats = binary_statistics(p_s, y_s, w_s)
    >>> stats |= flexible_curve(p_s, y_s)[1]._asdict()  # eavg, e50, e90, emax
    >>> found = uncertainty(p_s, y_s, w_s, stats, n_resamples=50, random_state=0,
    ...                     confidence_level=0.95)
    >>> found["intervals"]["statistic"][:3]
    ['log_loss', 'brier_score', 'roc_auc']
    >>> 0 < found["corp_test"].pvalue <= 1
    True
    """
    from threadpoolctl import threadpool_limits  # a dependency of scikit-learn

    with threadpool_limits(1, user_api="blas"):  # threads only slow products this small
        return _uncertainty(
            p_s, y_s, w_s, stats, n_resamples, random_state, confidence_level, exact, clip_dtype
        )


def _uncertainty(
    p_s, y_s, w_s, stats, n_resamples, random_state, confidence_level, exact, clip_dtype
):
    estimates = _estimates(stats)
    if exact is None:
        exact = exact_intervals(p_s, y_s, w_s, stats, confidence_level, clip_dtype=clip_dtype)
    rows = exact
    m = masses_of(w_s, p_s.shape[0])  # after: one copy of the masses at a time
    if not 0 < stats["base_rate"] < 1:  # one class: nothing to resample
        rows += bootstrap_intervals(
            None, p_s, estimates, n_resamples=0, rng=None, confidence_level=confidence_level
        )
        rows = [r._replace(low=np.nan, high=np.nan, method="none (one class)") for r in rows]
        test = CorpTest(estimates["brier_score_miscalibration"], np.nan, "none (one class)")
        return _fields(rows, None, None, test)
    edges = (estimates["table_edges"], stats["adaptive_edges"])
    bounds = [np.searchsorted(p_s, e[1:-1], side="right") for e in edges]
    # without resamples only the asymptotic band reads the cells: their masses and means
    if n_resamples:
        cells = make_cells(p_s, y_s, m, bounds, clip_dtype=clip_dtype)
    else:
        cells = cell_means(p_s, m, bounds)
    rng = random_generator(random_state)
    rows += bootstrap_intervals(
        cells, p_s, estimates, n_resamples=n_resamples, rng=rng, confidence_level=confidence_level
    )
    consistency, confidence, test = corp_bands(
        p_s,
        m,
        cells,
        stats["recalibration"],
        estimates["brier_score_miscalibration"],
        n_resamples=n_resamples,
        rng=rng,
        confidence_level=confidence_level,
    )
    _warn_missing(rows)
    return _fields(rows, consistency, confidence, test)


def _warn_missing(rows):
    """A RuntimeWarning naming the statistics whose interval the data cannot give."""
    missing = [
        r.statistic
        for r in rows
        if not r.method.startswith("none")
        and math.isfinite(r.estimate)
        and not (math.isfinite(r.low) and math.isfinite(r.high))
    ]
    if missing:
        warnings.warn(
            f"No interval for {', '.join(missing)}: too few samples of a class, or too "
            "few resamples with both classes.",
            RuntimeWarning,
            stacklevel=3,
        )


def _fields(rows, consistency, confidence, test):
    columns = {name: [getattr(r, name) for r in rows] for name in INTERVAL_COLUMNS}
    return {
        "intervals": columns,
        "consistency_band": consistency,
        "confidence_band": confidence,
        "corp_test": test,
    }
