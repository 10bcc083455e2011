"""Log loss of 1e8 samples on a local Dask cluster, in-process, and with dask-ml.

Usage::

    python benchmarks/bench_dask.py                 # 1e8 samples, 2 worker processes
    python benchmarks/bench_dask.py --n 1e6         # a quick smoke test

The data are generated on the workers (``dask.array.random``) and persisted
there, so the cluster rows time the metric, not the shipping of 900 MB from
this process.  The same arrays are then gathered once into this process for
the in-process row.  dask-ml's ``log_loss`` is timed where it runs: it passes
``eps``, which scikit-learn >= 1.5 no longer accepts, and the row then says
why it failed; a second row runs it with scikit-learn patched to drop ``eps``
(timed once: it is slow), and a last line shows its bias on chunks of 90 and
10 rows, where it averages per-chunk means.  Each time is the best of
``--repeat`` runs.
"""

import argparse
import time

import numpy as np

import skbce


def best_time(func, repeat):
    """``(best wall-clock seconds, last value)`` of ``repeat`` calls."""
    best, value = np.inf, None
    for _ in range(repeat):
        start = time.perf_counter()
        value = func()
        best = min(best, time.perf_counter() - start)
    return best, value


def drop_eps():
    """Let ``sklearn.metrics.log_loss`` accept (and ignore) dask-ml's ``eps``."""
    import sklearn.metrics

    original = sklearn.metrics.log_loss
    if getattr(original, "drops_eps", False):
        return

    def log_loss(*args, eps=None, **kwargs):
        return original(*args, **kwargs)

    log_loss.drops_eps = True
    sklearn.metrics.log_loss = log_loss


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=float, default=1e8, help="number of samples")
    parser.add_argument("--chunk", type=float, default=5e6, help="rows per chunk")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    n, chunk = int(args.n), int(args.chunk)

    import dask.array as da
    from distributed import Client, LocalCluster, wait

    cluster = LocalCluster(
        n_workers=args.workers,
        threads_per_worker=1,
        processes=True,
        host="127.0.0.1",
        dashboard_address=None,
        silence_logs=50,
    )
    client = Client(cluster)
    rng = da.random.default_rng(0)
    p = rng.random(n, chunks=chunk)
    y = rng.random(n, chunks=chunk) < p
    p, y = client.persist([p, y])
    wait([p, y])

    rows = []
    seconds, on_cluster = best_time(lambda: skbce.log_loss(y, p), args.repeat)
    rows.append(("skbce on the cluster", seconds, on_cluster))

    y_local, p_local = client.compute([y, p], sync=True)
    seconds, local = best_time(lambda: skbce.log_loss(y_local, p_local), args.repeat)
    rows.append(("skbce in-process (numpy)", seconds, local))

    bias = None
    try:
        from dask_ml.metrics import log_loss as dask_ml_log_loss
    except ImportError as exc:
        rows.append(("dask-ml log_loss", np.nan, f"not installed: {exc}"))
    else:
        try:
            seconds, value = best_time(lambda: float(dask_ml_log_loss(y, p)), args.repeat)
            rows.append(("dask-ml log_loss", seconds, value))
        except Exception as exc:  # noqa: BLE001 - report whatever stops it
            rows.append(("dask-ml log_loss", np.nan, f"fails: {type(exc).__name__}: {exc}"))
        drop_eps()
        client.run(drop_eps)
        seconds, value = best_time(lambda: float(dask_ml_log_loss(y, p)), 1)
        rows.append(("dask-ml, sklearn patched", seconds, value))
        rng = np.random.default_rng(0)
        p_small = rng.random(100)
        y_small = (rng.random(100) < p_small).astype(int)
        chunks = ((90, 10),)
        small = [da.from_array(a, chunks=chunks) for a in (y_small, p_small)]
        bias = (float(dask_ml_log_loss(*small)), skbce.log_loss(*small))
        bias += (skbce.log_loss(y_small, p_small),)

    chunks = len(p.chunks[0])
    print(f"log loss of {n:.0e} samples, {chunks} chunks, {args.workers} worker processes")
    print(f"{'':28} {'seconds':>8} {'vs in-process':>14}  value")
    for name, secs, value in rows:
        ratio = secs / rows[1][1]
        shown = f"{value:.15f}" if isinstance(value, float) else value
        print(f"{name:28} {secs:8.3f} {ratio:13.2f}x  {shown}")
    print(f"|cluster - in-process| = {abs(on_cluster - local):.2e}")
    if bias is not None:
        print(
            "chunks of 90 and 10 rows: dask-ml (patched) {:.4f}, skbce on dask {:.4f}, "
            "numpy {:.4f}".format(*bias)
        )
    client.close()
    cluster.close()


if __name__ == "__main__":
    main()
