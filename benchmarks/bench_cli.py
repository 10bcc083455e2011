"""Time ``skbce score`` on a large CSV file and measure its peak memory.

Usage::

    python benchmarks/bench_cli.py                 # 1e8 rows (a 1.2 GB file)
    python benchmarks/bench_cli.py --rows 1e6      # a quick check
    python benchmarks/bench_cli.py --gzip          # the same file, gzip-compressed

The file (columns ``y``, ``p``: a label and a probability with six digits) is
generated once into ``--path`` (default: the temporary directory) and kept
for later runs.  ``skbce score`` then runs in a subprocess, once with pandas'
CSV reader and once without pandas (Python's ``csv`` module, the fallback
reader, with the same rules), and the table gives the wall
time, the rows per second and the peak resident memory of the process
(``ru_maxrss``, the figure ``/usr/bin/time -v`` reports).  The
claim to check: memory stays bounded (under 1 GiB) whatever the size of the
file, because the chunks' partial sums are folded as they are read.
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

NO_PANDAS = """\
import sys
class Hide:
    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] == "pandas":
            raise ImportError("hidden")
sys.meta_path.insert(0, Hide())
from skbce._cli.main import main
sys.exit(main(sys.argv[1:]))
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


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=float, default=1e8, help="rows of the file")
    parser.add_argument("--path", default=None, help="where to write the file")
    parser.add_argument("--gzip", action="store_true", help="gzip the file")
    parser.add_argument("--regenerate", action="store_true", help="write the file again")
    args = parser.parse_args()
    n_rows = int(args.rows)
    suffix = ".csv.gz" if args.gzip else ".csv"
    path = args.path or os.path.join(tempfile.gettempdir(), f"skbce-bench-{n_rows}{suffix}")
    if args.regenerate or not os.path.exists(path):
        generate(path, n_rows, args.gzip)
    score = ["score", path, "--y-true", "y", "--y-proba", "p", "--format", "json"]
    variants = [
        ("csv module (no pandas)", [sys.executable, "-c", NO_PANDAS, *score]),
        ("pandas reader", [sys.executable, "-m", "skbce", *score]),
    ]
    print(f"\nskbce score on {n_rows:,} rows ({os.path.getsize(path) / 2**30:.2f} GiB)")
    print(f"{'reader':<26} {'time (s)':>9} {'rows/s':>12} {'peak RSS (MiB)':>15}  log loss")
    for name, command in variants:
        wall, peak, out = run(command)
        loss = out.split('"log_loss": ')[1].split(",")[0]
        print(f"{name:<26} {wall:>9.1f} {n_rows / wall:>12,.0f} {peak:>15.0f}  {loss}")


if __name__ == "__main__":
    main()
