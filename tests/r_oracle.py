"""Run R as a test oracle: data in through a CSV file, results back as JSON.

Tests that compare with R call :func:`run_r`; they are skipped (with the
reason) only when ``Rscript`` or a needed R package is missing.  CI installs
R and the packages (``.ci/run``), so there these tests run.
"""

import json
import shutil
import subprocess
import tempfile
from pathlib import Path

import numpy as np
import pytest

RSCRIPT = shutil.which("Rscript")

#: An R function writing numbers, named vectors and lists as JSON (NA as null).
_TO_JSON = r"""
to_json <- function(x) {
  named <- function(keys, values) paste0("{", paste(sprintf("\"%s\": %s",
    gsub("\"", "'", keys), values), collapse = ", "), "}")
  if (is.list(x)) {
    inner <- vapply(x, to_json, "")
    if (!is.null(names(x))) return(named(names(x), inner))
    return(paste0("[", paste(inner, collapse = ", "), "]"))
  }
  keys <- names(x)
  x <- as.numeric(x)
  v <- ifelse(is.na(x), "null", ifelse(is.infinite(x), ifelse(x > 0, "1e999", "-1e999"),
              sprintf("%.17g", x)))
  if (!is.null(keys)) return(named(keys, v))
  if (length(v) == 1) return(v)
  paste0("[", paste(v, collapse = ", "), "]")
}
"""


def require_r(*packages):
    """Skip the calling test unless Rscript and every R package in ``packages`` exist."""
    if RSCRIPT is None:
        pytest.skip("Rscript is not installed (CI installs r-base-core)")
    for package in packages:
        found = subprocess.run(
            [RSCRIPT, "-e", f"cat(requireNamespace('{package}', quietly=TRUE))"],
            capture_output=True,
            text=True,
            check=False,
        )
        if found.stdout.strip() != "TRUE":
            pytest.skip(f"R package {package} is not installed (CI installs r-cran-{package})")


def run_r(code, packages=(), timeout=120, **columns):
    """Run R ``code`` on a data frame ``d`` built from ``columns``; return its JSON result.

    The code sees a data frame ``d`` (columns named as the keyword arguments,
    written with 17 significant digits) and must leave a named list in
    ``result``.  Numbers come back as floats (NA as None, infinities as
    ``inf``), named vectors and named lists as dicts, others as lists
    (matrices flattened column by column).

    Examples
    --------
    >>> out = run_r("result <- list(m = mean(d$x))", x=[1.0, 2.0])
    >>> out["m"]
    1.5
    """
    require_r(*packages)
    with tempfile.TemporaryDirectory() as tmp:
        data = Path(tmp) / "data.csv"
        out = Path(tmp) / "out.json"
        names = list(columns)
        arrays = [np.asarray(columns[n], dtype=np.float64) for n in names]
        with data.open("w") as f:
            f.write(",".join(names) + "\n")
            for row in zip(*arrays, strict=True):
                f.write(",".join(repr(float(v)) for v in row) + "\n")
        script = "\n".join(
            [
                *(f"suppressPackageStartupMessages(library({p}))" for p in packages),
                f"d <- read.csv('{data}')" if names else "d <- NULL",
                code,
                _TO_JSON,
                f"writeLines(to_json(result), '{out}')",
            ]
        )
        done = subprocess.run(
            [RSCRIPT, "--vanilla", "-e", script],
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )
        if done.returncode != 0:
            raise RuntimeError(f"R failed:\n{done.stderr}")
        return json.loads(out.read_text())
