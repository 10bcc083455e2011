"""Time skbce's calibration report against a sort and the tools it replaces, in one run.

Usage::

    python benchmarks/bench_calibration.py           # N = 1e5, 1e6, 1e7 (several minutes)
    python benchmarks/bench_calibration.py --quick   # N = 1e4, 1e5, for a smoke test
    python benchmarks/bench_calibration.py --report-only  # the report against np.argsort

For each N the whole ``skbce.calibration_report`` (scores, reliability table,
ECE family with smooth ECE, Hosmer-Lemeshow, Spiegelhalter, Cox slope, CORP
decomposition, the clinical validation standard, the binning-free
estimators, and the intervals that need no resampling) is timed with
``n_resamples=0`` next to ``np.argsort(p)`` alone, the two measured in
turn (best of several runs each), so that a busy machine slows both alike.
Then the same report with ``sample_weight``, with ``groups`` (10 subgroups),
and with the default resampling (``n_resamples=200``, N up to 1e6, against
the report without it), and single tools a user would otherwise combine:
scikit-learn's ``calibration_curve`` and ``IsotonicRegression``, SciPy's
``isotonic_regression`` on presorted data and, when installed,
model-diagnostics' ``decompose`` and relplot's ``smECE``.

Columns: best wall-clock time (ms); that time over the reference of the row
(``np.argsort(p)`` for the reports without resampling and for the tools,
the report without resampling for the resampled one); the peak memory
allocated beyond the inputs (tracemalloc), in MiB and in multiples of the
probability array; the target of the row.  Targets (issue #13): the report
without resampling faster than ``np.argsort(p)`` at N = 1e7, with the
default resampling at most 5x the report without it, and at most 4x the
probability array in extra memory.
"""

import argparse
import inspect
import os
import time
import warnings
from functools import partial

import numpy as np
from _measure import best_time, peak_memory

try:
    from skbce import calibration_report
except ImportError:  # not exported yet
    from skbce._report.report import calibration_report

#: Whether the report takes ``n_resamples`` (issue #13); older versions do not resample.
RESAMPLES = "n_resamples" in inspect.signature(calibration_report).parameters


def report(y, p, n_resamples=0, **kwargs):
    """The report with ``n_resamples`` resamples (none on versions without the option)."""
    if RESAMPLES:
        kwargs["n_resamples"] = n_resamples
    elif n_resamples:
        msg = "this skbce has no n_resamples option"
        raise TypeError(msg)
    return calibration_report(y, p, **kwargs)


def interleaved(funcs, repeat):
    """Best time (ms) of each function, the functions called in turn ``repeat`` times."""
    best = [float("inf")] * len(funcs)
    for _ in range(repeat):
        for i, func in enumerate(funcs):
            start = time.perf_counter()
            func()
            best[i] = min(best[i], time.perf_counter() - start)
    return [b * 1e3 for b in best]


def row(name, n, ms, reference, p, peak=None, target=""):
    """One printed row."""
    mem = " " * 16 if peak is None else f"{peak / 2**20:>9.1f} {peak / p.nbytes:>6.2f}"
    print(f"{name:<32} {n:>7.0e} {ms:>10.1f} {ms / reference:>8.2f}x {mem}  {target}")


def tools(y, p):
    """Yield ``(name, callable)`` of the other tools; optional ones when installed."""
    from scipy.optimize import isotonic_regression
    from sklearn.calibration import calibration_curve
    from sklearn.isotonic import IsotonicRegression

    yield "sklearn calibration_curve", partial(calibration_curve, y, p, n_bins=10)
    yield "sklearn IsotonicRegression", partial(IsotonicRegression().fit, p, y)
    y_sorted = y[np.argsort(p)].astype(np.float64)
    yield "scipy isotonic (presorted)", partial(isotonic_regression, y_sorted)
    try:
        from model_diagnostics.scoring import LogLoss, decompose
    except ImportError:
        print("  (model-diagnostics not installed: pip install model-diagnostics)")
    else:
        yf = y.astype(np.float64)
        yield "model-diagnostics decompose", partial(decompose, yf, p, scoring_function=LogLoss())
    try:
        import relplot
    except ImportError:
        print("  (relplot not installed: pip install relplot)")
    else:
        yield "relplot smECE", partial(relplot.smECE, p, y.astype(np.float64))


def reports(n, y, p, w, repeat, *, resample):
    """The report rows of one N: without resampling, weighted, grouped, resampled."""
    sort = partial(np.argsort, p)
    plain = partial(report, y, p)
    ms_report, ms_sort = interleaved([plain, sort], repeat)
    target = "< 1x" if n >= 10**7 else ""
    row("skbce report, n_resamples=0", n, ms_report, ms_sort, p, peak_memory(plain), target)
    weighted = partial(report, y, p, sample_weight=w)
    ms_weighted, ms_sort_w = interleaved([weighted, sort], repeat)
    row("  ... with sample_weight", n, ms_weighted, ms_sort_w, p, peak_memory(weighted))
    groups = np.arange(n) % 10
    grouped = partial(report, y, p, groups=groups)
    ms_grouped, ms_sort_g = interleaved([grouped, sort], max(1, repeat - 1))
    row("  ... with 10 groups", n, ms_grouped, ms_sort_g, p, peak_memory(grouped))
    if resample and RESAMPLES:
        resampled = partial(report, y, p, n_resamples=200, random_state=0)
        ms_resampled, ms_plain = interleaved([resampled, plain], max(1, repeat - 1))
        peak = peak_memory(resampled)
        row("  ... n_resamples=200 / above", n, ms_resampled, ms_plain, p, peak, "<= 5x")
    row("np.argsort(p)", n, ms_sort, ms_sort, p)
    return ms_sort


def main(argv=None):
    """Print the benchmark table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small sizes only")
    parser.add_argument("--report-only", action="store_true", help="no other tools")
    args = parser.parse_args(argv)
    sizes = [10**4, 10**5] if args.quick else [10**5, 10**6, 10**7]
    load = os.getloadavg() if hasattr(os, "getloadavg") else ("?",) * 3
    print(f"{os.cpu_count()} CPUs, load average {', '.join(f'{v:.2f}' for v in load)}")
    if not RESAMPLES:
        print("(this skbce has no n_resamples option: its report does not resample)")
    header = f"{'case':<32} {'N':>7} {'ms':>10} {'/ ref':>9} {'peak MiB':>9} {'x p':>6}  target"
    print(header)
    print("-" * len(header))
    rng = np.random.default_rng(0)
    for n in sizes:
        p = rng.beta(2, 5, n)
        y = (rng.random(n) < p**1.2).astype(np.int64)
        w = rng.random(n)
        repeat = 5  # best of 5: on a shared machine single runs vary by 20-30%
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            ms_sort = reports(n, y, p, w, repeat, resample=n <= 10**6)
            if not args.report_only:
                for name, func in tools(y, p):
                    row(name, n, best_time(func, 1 if n >= 10**7 else 3), ms_sort, p)
        print()


if __name__ == "__main__":
    main()
