"""Time skbce against scikit-learn side by side, in one run, and print two tables.

Usage::

    python benchmarks/bench_log_loss.py            # both tables (a minute or two)
    python benchmarks/bench_log_loss.py --threads  # the second table only
    python benchmarks/bench_log_loss.py --quick    # small sizes, for a smoke test

Columns: the case, N, the reference it is timed against, the best of several
runs of the reference and of skbce (ms), their ratio (how many times faster
skbce is; below 1 it is slower), and the peak memory each allocates beyond its
inputs (tracemalloc, which sees numpy's allocations).  References:
scikit-learn; the "numpy one-liner" ``-mean(log(where(y == 1, p, 1 - p)))`` on
clipped ``p``, the floor a user would write by hand; ``logaddexp`` for logits;
and, for the logits row, skbce's own probability path (the ratio shows how much
slower logits are).

The second table (issue #15) times, in turn within each round (so that all see
the same load; best of many rounds): ``floor``, reading the arrays once
(``p.sum(); y.sum()``); ``floor*``, the same reads in blocks on every thread
skbce may use (equal to ``floor`` when one core saturates the memory bus);
skbce on one thread (``skbce.config_context(n_threads=1)``, which must return
the same float, checked) and on every thread (the default ``n_threads=None``).
Then ``speedup`` (one thread / every thread) with its target, ``/floor``
(every thread / floor; the target for binary 1e7 is at most 2x), scikit-learn
(two runs) and how many times faster skbce is, and the peak memory skbce
allocates beyond its inputs with every thread (after a first call; the line
under the table gives that of a first call in a fresh process).  The title line gives the load
average and the free cores measured just before (``np.log`` on two threads
against one: 2.0 on an idle 2-core machine).
"""

import argparse
import os
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from functools import partial

import numpy as np
from _measure import best_time, peak_memory
from sklearn import metrics as sk

import skbce
from skbce._losses.parallel import map_blocks
from skbce._utils.config import effective_n_threads
from skbce._utils.numeric import BLOCK


def numpy_one_liner(y, p):
    """The hand-written floor: one log per sample, on clipped probabilities."""
    eps = np.finfo(p.dtype).eps
    p = np.clip(p, eps, 1 - eps)
    return -np.mean(np.log(np.where(y == 1, p, 1 - p)))


def numpy_logits(y, z):
    """The hand-written floor for logits: ``mean(logaddexp(0, z) - y z)``."""
    return np.mean(np.logaddexp(0, z) - y * z)


def numpy_multilabel(Y, P):
    """The hand-written floor for multilabel data: two logs per element."""
    eps = np.finfo(P.dtype).eps
    P = np.clip(P, eps, 1 - eps)
    return -np.mean(Y * np.log(P) + (1 - Y) * np.log(1 - P))


def one_thread(func):
    """``func()`` with the kernels on the calling thread only."""
    with skbce.config_context(n_threads=1):
        return func()


def read_floor(*arrays):
    """Reading the arrays once, on one thread: ``p.sum(); y.sum()``."""
    return [a.sum() for a in arrays]


def threaded_read_floor(*arrays):
    """Reading the arrays once in blocks, on every thread skbce may use."""

    def block(b):
        return [np.add.reduce(a[b], axis=None) for a in arrays]

    step = max(1, 8 * BLOCK // max(1, arrays[-1][0].size))
    return map_blocks(block, arrays[0].shape[0], step)


def parallel_capacity():
    """How many cores are free now: ``np.log`` of an L2-resident array on 2 threads against 1.

    Both threads release the GIL in ``np.log``: on an idle 2-core machine this
    gives about 2.0; 1.0 means another process holds the second core.
    """
    x = np.random.default_rng(0).random(1 << 14)

    def work(_):
        for _ in range(40):
            np.log(x)

    with ThreadPoolExecutor(2) as pool:

        def two():
            list(pool.map(work, range(2)))

        return 2 * best_time(partial(work, 0), 9) / best_time(two, 9)


def rows(quick):
    """Yield ``(case, n, reference name, reference, skbce)`` for each row."""
    rng = np.random.default_rng(0)
    sizes = [10**5] if quick else [10**6, 10**7]
    n1 = sizes[0]
    for n in sizes:
        y, p = rng.integers(0, 2, n), rng.random(n)
        yield (
            "log_loss binary",
            n,
            "sklearn",
            partial(sk.log_loss, y, p),
            partial(skbce.log_loss, y, p),
        )
        yield (
            "log_loss binary",
            n,
            "numpy one-liner",
            partial(numpy_one_liner, y, p),
            partial(skbce.log_loss, y, p),
        )
        if n == n1:
            w = rng.random(n)
            yield (
                "log_loss weighted",
                n,
                "sklearn",
                partial(sk.log_loss, y, p, sample_weight=w),
                partial(skbce.log_loss, y, p, sample_weight=w),
            )
            ys = np.where(y == 1, "spam", "ham")
            yield (
                "log_loss str labels",
                n,
                "sklearn",
                partial(sk.log_loss, ys, p),
                partial(skbce.log_loss, ys, p),
            )
    for k in (10, 100):
        y = rng.integers(0, k, n1)
        P = rng.dirichlet(np.ones(k), n1)
        yield (
            f"log_loss multiclass K={k}",
            n1,
            "sklearn",
            partial(sk.log_loss, y, P),
            partial(skbce.log_loss, y, P),
        )
    y, p, z = rng.integers(0, 2, n1), rng.random(n1), rng.normal(0, 3, n1)
    yield (
        "bce probabilities",
        n1,
        "numpy one-liner",
        partial(numpy_one_liner, y, p),
        partial(skbce.binary_cross_entropy, y, p),
    )
    yield (
        "bce logits",
        n1,
        "numpy logaddexp",
        partial(numpy_logits, y, z),
        partial(skbce.binary_cross_entropy, y, z, from_logits=True),
    )
    yield (
        "bce logits",
        n1,
        "bce probabilities",
        partial(skbce.binary_cross_entropy, y, p),
        partial(skbce.binary_cross_entropy, y, z, from_logits=True),
    )
    Y, P = rng.integers(0, 2, (n1, 10)), rng.random((n1, 10))
    yield (
        "bce multilabel x10",
        n1,
        "numpy floor",
        partial(numpy_multilabel, Y, P),
        partial(skbce.binary_cross_entropy, Y, P),
    )


def thread_rows(quick):
    """Yield ``(case, n, arrays, skbce, sklearn or None, target)`` for issue #15."""
    rng = np.random.default_rng(0)
    big, mid = (2**21, 2**20 + 1) if quick else (10**7, 10**6)
    y, p, w = rng.integers(0, 2, big), rng.random(big), rng.random(big)
    yield "log_loss binary", big, (y, p), partial(skbce.log_loss, y, p), sk.log_loss, 1.7
    for n in (mid, big):
        arrays = (y[:n], p[:n], w[:n])
        ours = partial(skbce.log_loss, *arrays[:2], sample_weight=arrays[2])
        yield "log_loss weighted", n, arrays, ours, None, 1.6
    for k in (10, 100):
        yk, P = rng.integers(0, k, mid), rng.dirichlet(np.ones(k), mid)
        yield f"log_loss multiclass K={k}", mid, (yk, P), partial(skbce.log_loss, yk, P), None, 1.6
    small = (y[: 10**4], p[: 10**4])
    yield "log_loss binary", 10**4, small, partial(skbce.log_loss, *small), sk.log_loss, None


def print_thread_table(rows):
    """Time each row, 1 thread and every thread in turn, and print the table."""
    header = (
        f"{'case':<26} {'N':>7} {'floor':>7} {'floor*':>7} {'1 thread':>9} {'threads':>8} "
        f"{'speedup':>8} {'target':>7} {'/floor':>7} {'sklearn':>8} {'x faster':>8} {'MiB':>6}"
    )
    print(header)
    print("-" * len(header))
    for case, n, arrays, ours, sklearn, target in rows:
        assert ours() == one_thread(ours), "n_threads changed the result"
        repeat = 15 if n >= 10**7 else 41
        floor, floor_all, one, every = interleaved(
            [
                partial(read_floor, *arrays),
                partial(threaded_read_floor, *arrays),
                partial(one_thread, ours),
                ours,
            ],
            repeat,
        )
        sk_ms = best_time(partial(sklearn, *arrays), 2) if sklearn else float("nan")
        mib = peak_memory(ours) / 2**20
        wanted = f">={target:.1f}x" if target else ""
        print(
            f"{case:<26} {n:>7.0e} {floor:>7.1f} {floor_all:>7.1f} {one:>9.2f} {every:>8.2f} "
            f"{one / every:>7.2f}x {wanted:>7} {every / floor:>6.2f}x {sk_ms:>8.1f} "
            f"{sk_ms / every:>7.1f}x {mib:>6.2f}"
        )


FIRST_CALL = """
import tracemalloc
import numpy as np
import skbce

rng = np.random.default_rng(0)
y, p = rng.integers(0, 2, {n}), rng.random({n})
skbce.log_loss(y[:100], p[:100])  # imports done, no thread, tiny scratch buffers
tracemalloc.start()
skbce.log_loss(y, p)
print(tracemalloc.get_traced_memory()[1] / 2**20)
"""


def first_call_peak(n):
    """Peak memory (MiB) of a first ``log_loss`` call on ``n`` binary samples, in a fresh process.

    After a call on 100 samples (which imports what the first call imports),
    so that it includes what the table's later calls do not see: starting the
    threads and allocating their scratch buffers (kept for the next calls).
    """
    code = FIRST_CALL.format(n=n)
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return float(out.stdout)


def interleaved(funcs, repeat):
    """Best times (ms) of each of ``funcs``, called in turn ``repeat`` times (the same load)."""
    best = [float("inf")] * len(funcs)
    for _ in range(repeat):
        for i, func in enumerate(funcs):
            best[i] = min(best[i], best_time(func, 1))
    return best


def best_times(reference, ours, repeat):
    """Best times (ms) of ``reference`` and ``ours``, run in turn so that both see the same load."""
    ref_ms = our_ms = float("inf")
    for _ in range(repeat):
        ref_ms = min(ref_ms, best_time(reference, 1))
        our_ms = min(our_ms, best_time(ours, 1))
    return ref_ms, our_ms


def print_table(rows):
    """Time each row against its reference and print it."""
    header = (
        f"{'case':<26} {'N':>7} {'reference':<18} {'ref ms':>8} {'skbce ms':>9} "
        f"{'ratio':>7} {'ref MiB':>8} {'skbce MiB':>10}"
    )
    print(header)
    print("-" * len(header))
    for case, n, ref_name, reference, ours in rows:
        if ref_name in ("sklearn", "numpy one-liner"):
            assert np.isclose(ours(), reference(), rtol=1e-9), (ours(), reference())
        ref_ms, our_ms = best_times(reference, ours, 3 if n >= 10**7 else 7)
        ref_mib, our_mib = peak_memory(reference) / 2**20, peak_memory(ours) / 2**20
        print(
            f"{case:<26} {n:>7.0e} {ref_name:<18} {ref_ms:>8.1f} {our_ms:>9.2f} "
            f"{ref_ms / our_ms:>6.1f}x {ref_mib:>8.1f} {our_mib:>10.2f}"
        )


def main(argv=None):
    """Print the benchmark tables."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small sizes only")
    parser.add_argument("--threads", action="store_true", help="the threads table only")
    args = parser.parse_args(argv)

    if not args.threads:
        print_table(rows(args.quick))
        print()
    load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    print(
        f"skbce on {effective_n_threads()} threads against one thread "
        f"({time.strftime('%H:%M %Z')}, {os.cpu_count()} CPUs, load average {load}, "
        f"free cores measured {parallel_capacity():.2f})"
    )
    print_thread_table(thread_rows(args.quick))
    n = 2**21 if args.quick else 10**7
    print(
        f"Peak memory of a first call on {n:.0e} binary samples in a fresh process "
        f"(threads started, scratch buffers allocated): {first_call_peak(n):.2f} MiB"
    )


if __name__ == "__main__":
    main()
