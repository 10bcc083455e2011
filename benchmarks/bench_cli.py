"""Time ``skbce score`` on a large CSV file against reading it with pandas alone.

Usage::

    python benchmarks/bench_cli.py                 # 1e8 rows (a 1.0 GiB file)
    python benchmarks/bench_cli.py --rows 1e7      # the side-by-side check
    python benchmarks/bench_cli.py --gzip          # the same file, gzip-compressed
    python benchmarks/bench_cli.py --readers       # the CSV readers alone, in-process

The file (columns ``y``, ``p``: a label and a probability with six digits) is
generated once into ``--path`` (default: the temporary directory) and kept
for later runs.  Each command runs in a subprocess, in turn, ``--repeat``
times (the best time is kept): ``skbce score`` (start-up, pyarrow's reader,
the checks and the streaming sums), and the reference, ``pandas.read_csv``
in chunks of 2^20 rows doing nothing else (start-up included).  The table
gives the wall time, the ratio to the reference, the rows per second and the
peak resident memory of the process (``ru_maxrss``, the figure
``/usr/bin/time -v`` reports).  The claims to check: ``skbce score`` within
1.5x of the reference at 1e7 rows, and memory bounded whatever the size of
the file (the chunks' partial sums are folded as they are read).
"""

import argparse
import gzip
import os
import subprocess
import sys
import tempfile
import time

import numpy as np

CHUNK = 1_000_000

PANDAS_CHUNKS = """\
import sys
import pandas as pd
n = 0
for frame in pd.read_csv(sys.argv[1], chunksize=1 << 20):
    n += len(frame)
print(n)
"""


def csv_chunk(rng, n):
    """``n`` rows ``y,0.dddddd`` as bytes, built without Python-level loops."""
    p = rng.random(n)
    y = rng.random(n) < p
    digits = np.minimum((p * 1e6).astype(np.int64), 999_999)
    rows = np.empty((n, 11), dtype=np.uint8)
    rows[:, 0] = ord("0") + y
    rows[:, 1:4] = np.frombuffer(b",0.", dtype=np.uint8)
    for k in range(6):
        rows[:, 9 - k] = ord("0") + digits // 10**k % 10
    rows[:, 10] = ord("\n")
    return rows.tobytes()


def generate(path, n_rows, compress):
    rng = np.random.default_rng(0)
    opener = gzip.open if compress else open
    kwargs = {"compresslevel": 1} if compress else {}
    start = time.perf_counter()
    with opener(path, "wb", **kwargs) as f:
        f.write(b"y,p\n")
        for done in range(0, n_rows, CHUNK):
            f.write(csv_chunk(rng, min(CHUNK, n_rows - done)))
    size = os.path.getsize(path) / 2**30
    print(f"wrote {path}: {n_rows:,} rows, {size:.2f} GiB in {time.perf_counter() - start:.0f} s")


#: Runs a command and prints the peak RSS of that command alone (in KiB on Linux).
MEASURE = """\
import resource, subprocess, sys
code = subprocess.run(sys.argv[1:]).returncode
print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, file=sys.stderr)
sys.exit(code)
"""


def run(command):
    """Run ``command``; return (wall seconds, its peak RSS in MiB, its stdout)."""
    start = time.perf_counter()
    result = subprocess.run(
        [sys.executable, "-c", MEASURE, *command], capture_output=True, text=True, check=False
    )
    wall = time.perf_counter() - start
    if result.returncode != 0:
        sys.exit(f"{' '.join(command)} failed:\n{result.stderr}")
    peak_kib = int(result.stderr.strip().splitlines()[-1])
    return wall, peak_kib / 1024, result.stdout


def readers(path, repeat):
    """The CSV readers alone, in this process: best wall time of each."""
    import pandas as pd
    import pyarrow as pa
    import pyarrow.csv as pc

    from skbce._cli import csv_chunks
    from skbce._cli.files import Source

    def pandas_chunks(**kwargs):
        return sum(len(f) for f in pd.read_csv(path, chunksize=1 << 20, **kwargs))

    def arrow_stream(block):
        options = pc.ReadOptions(block_size=block)
        return sum(b.num_rows for b in pc.open_csv(path, read_options=options))

    def skbce_reader(block):
        csv_chunks.BLOCK_BYTES = block
        source = Source(path)
        return sum(c.n_rows for c in source.chunks(["y", "p"], 1 << 20))

    cases = {
        "pandas read_csv whole": lambda: len(pd.read_csv(path)),
        "pandas read_csv, 2^20-row chunks": pandas_chunks,
        "  ... usecols, dtype, engine='c'": lambda: pandas_chunks(
            usecols=["y", "p"], dtype={"y": "category", "p": "float64"}, engine="c"
        ),
        "pyarrow read_csv whole (threads)": lambda: pc.read_csv(path).num_rows,
        "pyarrow open_csv, 1 MiB blocks": lambda: arrow_stream(1 << 20),
        "pyarrow open_csv, 16 MiB blocks": lambda: arrow_stream(1 << 24),
        "skbce reader, 1 MiB blocks": lambda: skbce_reader(1 << 20),
        "skbce reader, 4 MiB blocks": lambda: skbce_reader(1 << 22),
        "skbce reader, 16 MiB blocks": lambda: skbce_reader(1 << 24),
    }
    print(f"\nCSV readers alone, in-process, best of {repeat} (pyarrow {pa.__version__}, "
          f"pandas {pd.__version__})")
    print(f"{'reader':<36} {'time (s)':>9}")
    for name, read in cases.items():
        best = np.inf
        for _ in range(repeat):
            start = time.perf_counter()
            read()
            best = min(best, time.perf_counter() - start)
        print(f"{name:<36} {best:>9.2f}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=float, default=1e8, help="rows of the file")
    parser.add_argument("--path", default=None, help="where to write the file")
    parser.add_argument("--gzip", action="store_true", help="gzip the file")
    parser.add_argument("--regenerate", action="store_true", help="write the file again")
    parser.add_argument("--repeat", type=int, default=2, help="runs of each command")
    parser.add_argument("--readers", action="store_true", help="time the readers alone")
    args = parser.parse_args()
    n_rows = int(args.rows)
    suffix = ".csv.gz" if args.gzip else ".csv"
    path = args.path or os.path.join(tempfile.gettempdir(), f"skbce-bench-{n_rows}{suffix}")
    if args.regenerate or not os.path.exists(path):
        generate(path, n_rows, args.gzip)
    if args.readers:
        readers(path, args.repeat)
        return
    score = ["score", path, "--y-true", "y", "--y-proba", "p", "--format", "json"]
    variants = {
        "pandas read_csv, 2^20-row chunks": [sys.executable, "-c", PANDAS_CHUNKS, path],
        "skbce score": [sys.executable, "-m", "skbce", *score],
    }
    best = {name: (np.inf, 0.0, "") for name in variants}
    for _ in range(args.repeat):
        for name, command in variants.items():  # in turn, so that both meet the same load
            wall, peak, out = run(command)
            best[name] = min(best[name], (wall, peak, out))
    reference = best["pandas read_csv, 2^20-row chunks"][0]
    load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    print(f"\n{n_rows:,} rows ({os.path.getsize(path) / 2**30:.2f} GiB), best of {args.repeat}, "
          f"load average {load}")
    print(f"{'command':<34} {'time (s)':>9} {'ratio':>6} {'rows/s':>12} {'peak RSS (MiB)':>15}"
          "  log loss")
    for name, (wall, peak, out) in best.items():
        loss = out.split('"log_loss": ')[1].split(",")[0] if "log_loss" in out else ""
        print(f"{name:<34} {wall:>9.2f} {wall / reference:>5.2f}x {n_rows / wall:>12,.0f} "
              f"{peak:>15.0f}  {loss}")


if __name__ == "__main__":
    main()
