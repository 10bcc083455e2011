"""Time skbce's calibration report against the tools it replaces, in one run.

Usage::

    python benchmarks/bench_calibration.py           # N = 1e5, 1e6, 1e7 (a few minutes)
    python benchmarks/bench_calibration.py --quick   # N = 1e4, 1e5, for a smoke test

For each N the whole ``skbce.calibration_report`` (scores, reliability table,
ECE family with smooth ECE, Hosmer-Lemeshow, Spiegelhalter, Cox slope, CORP
decomposition, and the clinical validation standard: val.prob's indices, the
flexible curve and its errors, the hierarchy verdict, the cross-fitted
recalibration gain) is timed, then with ``groups`` (10 subgroups, each with
its own statistics), next to single pieces a user would otherwise
combine: scikit-learn's ``calibration_curve`` and ``IsotonicRegression``,
SciPy's ``isotonic_regression`` on presorted data, ``np.argsort``, and, when
installed, model-diagnostics' ``decompose`` with ``LogLoss`` and relplot's
``smECE``.  Columns: best wall-clock time (ms), that time over the report's
(above 1: the tool alone is slower than the whole report), and the peak
memory allocated beyond the inputs (tracemalloc), in MiB and in multiples of
the probability array.  Targets: the report at least 2x faster than
``decompose`` alone and at most 4x the probability array in extra memory.
"""

import argparse
import warnings
from functools import partial

import numpy as np
from _measure import best_time, peak_memory
from scipy.optimize import isotonic_regression
from sklearn.calibration import calibration_curve
from sklearn.isotonic import IsotonicRegression

try:
    from skbce import calibration_report
except ImportError:  # not exported yet
    from skbce._report.report import calibration_report


def tools(y, p, w):
    """Yield ``(name, callable, measure_memory)``; optional tools when installed."""
    yield "skbce calibration_report", partial(calibration_report, y, p), True
    groups = np.arange(y.shape[0]) % 10
    yield "  ... with 10 groups", partial(calibration_report, y, p, groups=groups), True
    if w is not None:
        yield "  ... with sample_weight", partial(calibration_report, y, p, sample_weight=w), True
    yield "sklearn calibration_curve", partial(calibration_curve, y, p, n_bins=10), False
    yield "sklearn IsotonicRegression", partial(IsotonicRegression().fit, p, y), False
    y_sorted = y[np.argsort(p)].astype(np.float64)
    yield "scipy isotonic (presorted)", partial(isotonic_regression, y_sorted), False
    yield "np.argsort(p)", partial(np.argsort, p), False
    try:
        from model_diagnostics.scoring import LogLoss, decompose
    except ImportError:
        print("  (model-diagnostics not installed: pip install model-diagnostics)")
    else:
        yield (
            "model-diagnostics decompose",
            partial(decompose, y.astype(np.float64), p, scoring_function=LogLoss()),
            True,
        )
    try:
        import relplot
    except ImportError:
        print("  (relplot not installed: pip install relplot)")
    else:
        yield "relplot smECE", partial(relplot.smECE, p, y.astype(np.float64)), False


def main(argv=None):
    """Print the benchmark table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small sizes only")
    args = parser.parse_args(argv)
    sizes = [10**4, 10**5] if args.quick else [10**5, 10**6, 10**7]

    header = f"{'tool':<30} {'N':>7} {'ms':>10} {'/ report':>9} {'peak MiB':>9} {'x p':>6}"
    print(header)
    print("-" * len(header))
    rng = np.random.default_rng(0)
    for n in sizes:
        p = rng.beta(2, 5, n)
        y = (rng.random(n) < p**1.2).astype(np.int64)
        w = rng.random(n) if n == sizes[-2] else None
        repeat = 1 if n >= 10**7 else 3
        reference = None
        for name, func, memory in tools(y, p, w):
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                ms = best_time(func, repeat + (2 if name.startswith("skbce") else 0))
                peak = peak_memory(func) if memory else None
            reference = reference or ms
            mem = "" if peak is None else f"{peak / 2**20:>9.1f} {peak / p.nbytes:>6.2f}"
            print(f"{name:<30} {n:>7.0e} {ms:>10.1f} {ms / reference:>8.2f}x {mem}")
        print()


if __name__ == "__main__":
    main()
