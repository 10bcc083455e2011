"""Time skbce against scikit-learn side by side, in one run, and print a table.

Usage::

    python benchmarks/bench_log_loss.py           # the full table (about a minute)
    python benchmarks/bench_log_loss.py --quick   # small sizes, for a smoke test

Columns: the case, N, the best of several runs for scikit-learn and for skbce
(ms), their ratio (how many times faster skbce is), and the peak memory each
allocates beyond its inputs (tracemalloc, which sees numpy's allocations).
A "numpy one-liner" row times ``-mean(log(where(y == 1, p, 1 - p)))`` on
clipped ``p``, the floor a user would write by hand.
"""

import argparse
import time
import tracemalloc
from functools import partial

import numpy as np
from sklearn import metrics as sk

import skbce


def best_time(func, repeat):
    """Best wall-clock time of ``repeat`` calls, in milliseconds."""
    best = np.inf
    for _ in range(repeat):
        start = time.perf_counter()
        func()
        best = min(best, time.perf_counter() - start)
    return best * 1e3


def peak_memory(func):
    """Peak memory allocated while ``func`` runs, in MiB."""
    tracemalloc.start()
    tracemalloc.reset_peak()
    func()
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return peak / 2**20


def numpy_one_liner(y, p):
    """The hand-written floor: one log per sample, on clipped probabilities."""
    eps = np.finfo(p.dtype).eps
    p = np.clip(p, eps, 1 - eps)
    return -np.mean(np.log(np.where(y == 1, p, 1 - p)))


def cases(quick):
    """Yield ``(name, n, y_true, y_proba, kwargs)``."""
    rng = np.random.default_rng(0)
    big = [10**5] if quick else [10**6, 10**7]
    for n in big:
        y = rng.integers(0, 2, n)
        p = rng.random(n)
        yield "binary int, 1-D float64", n, y, p, {}
        if n == big[0]:
            yield "binary weighted", n, y, p, {"sample_weight": rng.random(n)}
            yield "binary str labels", n, np.where(y == 1, "spam", "ham"), p, {}
    n = 10**5 if quick else 10**6
    for k in (10, 100):
        y = rng.integers(0, k, n)
        P = rng.dirichlet(np.ones(k), n)
        yield f"multiclass K={k}", n, y, P, {}


def main(argv=None):
    """Print the benchmark table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small sizes only")
    args = parser.parse_args(argv)

    header = (
        f"{'case':<28} {'N':>9} {'sklearn ms':>11} {'skbce ms':>9} {'ratio':>7} "
        f"{'sklearn MiB':>12} {'skbce MiB':>10}"
    )
    print(header)
    print("-" * len(header))
    for name, n, y, p, kwargs in cases(args.quick):
        repeat = 2 if n >= 10**7 or p.ndim == 2 else 5
        run_ours = partial(skbce.log_loss, y, p, **kwargs)
        run_theirs = partial(sk.log_loss, y, p, **kwargs)
        ours = best_time(run_ours, repeat + 3)
        theirs = best_time(run_theirs, repeat)
        assert np.isclose(run_ours(), run_theirs(), rtol=1e-9), (run_ours(), run_theirs())
        mem_ours = peak_memory(run_ours)
        mem_theirs = peak_memory(run_theirs)
        print(
            f"{name:<28} {n:>9.0e} {theirs:>11.1f} {ours:>9.2f} {theirs / ours:>6.1f}x "
            f"{mem_theirs:>12.1f} {mem_ours:>10.2f}"
        )
        if name.startswith("binary int"):
            run_floor = partial(numpy_one_liner, y, p)
            floor = best_time(run_floor, repeat + 3)
            mem_floor = peak_memory(run_floor)
            print(
                f"{'  numpy one-liner':<28} {n:>9.0e} {floor:>11.1f} {ours:>9.2f} "
                f"{floor / ours:>6.1f}x {mem_floor:>12.1f} {mem_ours:>10.2f}"
            )


if __name__ == "__main__":
    main()
