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

The second table (issue #15) times skbce on every thread it may use (the
default ``n_threads=None``) against the same kernels on one thread
(``skbce.config_context(n_threads=1)``, which must return the same float), against
the floor of reading both arrays once (``p.sum(); y.sum()``), and against
scikit-learn, with the target ratio of each row.
"""

import argparse
import os
import time
from functools import partial

import numpy as np
from _measure import best_time, peak_memory
from sklearn import metrics as sk

import skbce
from skbce._utils.config import effective_n_threads


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


def read_floor(y, p):
    """Reading both arrays once: no kernel can be faster on one core."""
    return p.sum(), y.sum()


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
    """Yield ``(case, n, reference name, reference, skbce, target)`` for issue #15."""
    rng = np.random.default_rng(0)
    big, mid = (2**21, 2**20 + 1) if quick else (10**7, 10**6)
    y, p = rng.integers(0, 2, big), rng.random(big)
    ours = partial(skbce.log_loss, y, p)
    yield "log_loss binary", big, "read floor", partial(read_floor, y, p), ours, 0.5
    yield "log_loss binary", big, "1 thread", partial(one_thread, ours), ours, 1.7
    yield "log_loss binary", big, "sklearn", partial(sk.log_loss, y, p), ours, None
    w = rng.random(big)
    for n in (mid, big):
        ours = partial(skbce.log_loss, y[:n], p[:n], sample_weight=w[:n])
        yield "log_loss weighted", n, "1 thread", partial(one_thread, ours), ours, 1.6
    for k in (10, 100):
        yk, P = rng.integers(0, k, mid), rng.dirichlet(np.ones(k), mid)
        ours = partial(skbce.log_loss, yk, P)
        yield f"log_loss multiclass K={k}", mid, "1 thread", partial(one_thread, ours), ours, 1.6
    ours = partial(skbce.log_loss, y[: 10**4], p[: 10**4])
    yield "log_loss binary", 10**4, "1 thread", partial(one_thread, ours), ours, 0.9


def best_times(reference, ours, repeat):
    """Best times (ms) of ``reference`` and ``ours``, run in turn so that both see the same load."""
    ref_ms = our_ms = float("inf")
    for _ in range(repeat):
        ref_ms = min(ref_ms, best_time(reference, 1))
        our_ms = min(our_ms, best_time(ours, 1))
    return ref_ms, our_ms


def print_table(rows, targets):
    """Time each row and print it; ``targets`` adds the target ratio column."""
    header = (
        f"{'case':<26} {'N':>7} {'reference':<18} {'ref ms':>8} {'skbce ms':>9} "
        f"{'ratio':>7} {'ref MiB':>8} {'skbce MiB':>10}" + (f" {'target':>7}" if targets else "")
    )
    print(header)
    print("-" * len(header))
    for case, n, ref_name, reference, ours, *target in rows:
        repeat = 3 if n >= 10**7 else 7
        if ref_name == "1 thread":
            assert ours() == reference(), (ours(), reference())
        elif ref_name in ("sklearn", "numpy one-liner"):
            assert np.isclose(ours(), reference(), rtol=1e-9), (ours(), reference())
        if targets:
            repeat = 2 if ref_name == "sklearn" else 2 * repeat
        ref_ms, our_ms = best_times(reference, ours, repeat)
        ref_mib, our_mib = peak_memory(reference) / 2**20, peak_memory(ours) / 2**20
        line = (
            f"{case:<26} {n:>7.0e} {ref_name:<18} {ref_ms:>8.1f} {our_ms:>9.2f} "
            f"{ref_ms / our_ms:>6.{2 if targets else 1}f}x {ref_mib:>8.1f} {our_mib:>10.2f}"
        )
        if targets:
            line += f" {'>=' + format(target[0], '.1f') + 'x' if target[0] else '':>7}"
        print(line)


def main(argv=None):
    """Print the benchmark tables."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small sizes only")
    parser.add_argument("--threads", action="store_true", help="the threads table only")
    args = parser.parse_args(argv)

    if not args.threads:
        print_table(rows(args.quick), targets=False)
        print()
    threads = effective_n_threads()
    load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    print(
        f"skbce on {threads} threads against one thread ({time.strftime('%H:%M %Z')}, "
        f"{os.cpu_count()} CPUs, load average {load})"
    )
    print_table(thread_rows(args.quick), targets=True)


if __name__ == "__main__":
    main()
