"""
Streaming a file too large for memory
=====================================

The log loss is a mean, so it can be computed from running sums: the sum of
``weight * loss``, the sum of the weights, and the weight of each class (for
the normalized cross-entropy).  :class:`skbce.StreamingLogLoss` keeps exactly
those sums, so a file read in chunks gives the same number as the whole array
at once, in memory that does not grow with the file.  The command
``skbce score`` does the same from the shell.
"""

# %%
# A file of predictions
# ---------------------
# A million rows, written in chunks (a real file would come from a batch
# scoring job).  The model is calibrated by construction: the label is drawn
# with the predicted probability.
import tempfile
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from skbce import StreamingLogLoss, log_loss

rng = np.random.default_rng(0)
folder = tempfile.TemporaryDirectory()
path = Path(folder.name) / "predictions.csv.gz"
for i in range(4):
    p = rng.beta(0.6, 2.0, size=250_000)
    y = (rng.random(p.size) < p).astype(int)
    chunk = pd.DataFrame({"clicked": y, "p_click": p.round(6)})
    chunk.to_csv(path, mode="a", header=i == 0, index=False)
print(f"{path.name}: {path.stat().st_size / 2**20:.1f} MiB compressed")

# %%
# Reading it in chunks
# --------------------
# ``update`` adds a chunk's sums; ``result`` divides.  The running value is
# printed as the chunks arrive.
state = StreamingLogLoss(labels=[0, 1])
rows, running = [], []
for chunk in pd.read_csv(path, chunksize=100_000):
    state.update(chunk["clicked"], chunk["p_click"])
    rows.append(state.n_samples)
    running.append(state.result())
print(f"streamed: {state.result():.6f} over {state.n_samples:,} rows")
print(f"normalized cross-entropy: {state.normalized_cross_entropy():.4f}")

# %%
# The same number as all the data at once (to rounding), which here still
# fits in memory, so we can check:
everything = pd.read_csv(path)
print(f"one shot: {log_loss(everything['clicked'], everything['p_click']):.6f}")

# %%
# States merge: chunks can be scored in parallel (processes, a dask cluster)
# and the states added up in any order.
halves = [StreamingLogLoss(labels=[0, 1]) for _ in range(2)]
for i, chunk in enumerate(pd.read_csv(path, chunksize=250_000)):
    halves[i % 2].update(chunk["clicked"], chunk["p_click"])
print(f"merged:   {halves[0].merge(halves[1]).result():.6f}")

# %%
fig, ax = plt.subplots()
ax.plot(rows, running, marker="o")
ax.axhline(state.result(), color="0.5", linestyle="--", label="all rows")
ax.set(xlabel="rows read", ylabel="running log loss")
ax.legend()
plt.show()

# %%
# From the shell
# --------------
# ``skbce score`` reads CSV (gzip or not) and Parquet files in chunks the
# same way, in bounded memory, and prints the log loss, binary
# cross-entropy, normalized cross-entropy and Brier score::
#
#     skbce score predictions.csv.gz --y-true clicked --y-proba p_click
#
# Here it is, called from Python:
from skbce._cli.main import main

main(["score", str(path), "--y-true", "clicked", "--y-proba", "p_click"])
folder.cleanup()
