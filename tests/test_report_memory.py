"""Memory of the calibration report at the issue's scale, and the blocked helpers it rests on.

Peak memory is measured with :mod:`tracemalloc` (numpy's allocations are
traced), beyond the inputs, after a report of a small sample (which imports
what the report needs: modules count in tracemalloc too); the target is
at most 4x the probability array (issue #13), with weights and with
subgroups too.  Memory, unlike wall-clock time, does not depend on the load
of the machine.
"""

import sys
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import skbce
from skbce._calibration.blocks import BLOCK, mass_positions, segment_sums

sys.path.insert(0, str(Path(__file__).parents[1] / "benchmarks"))
from _measure import peak_memory  # noqa: E402 - the benchmarks' own measure

N = 10**6


@pytest.mark.parametrize(
    ("case", "n"),
    [
        ("plain", N),
        ("weighted", N),
        ("integer weights", N),
        ("groups", N),
        ("plain", 10**5),  # the exact lowess, and fixed buffers weigh more
        ("weighted", 10**5),  # the frequency masses are the weights times one scale
        ("groups", 10**5),  # ten reports of 1e4 samples, one after the other
        ("resampled", 10**5),  # the default 200 resamples: cells, smoother matrix
    ],
)
def test_report_peak_memory_is_at_most_four_probability_arrays(case, n):
    rng = np.random.default_rng(0)
    p = rng.beta(2, 5, n)
    y = (rng.random(n) < p**1.2).astype(np.int64)
    kwargs = {
        "plain": {},
        "weighted": {"sample_weight": rng.random(n)},
        "integer weights": {"sample_weight": rng.integers(1, 4, n).astype(np.float64)},
        "groups": {"groups": np.arange(n) % 10},
        "resampled": {},
    }[case]
    n_resamples = 200 if case == "resampled" else 0
    small = {k: v[:1000] for k, v in kwargs.items()}
    skbce.calibration_report(y[:1000], p[:1000], n_resamples=n_resamples, **small)
    # tracemalloc also counts what other threads of the process allocate meanwhile (a
    # Dask or pyarrow thread left by an earlier test): the lower of two calls
    peak = min(
        peak_memory(lambda: skbce.calibration_report(y, p, n_resamples=n_resamples, **kwargs))
        for _ in range(2)
    )
    assert peak <= 4 * p.nbytes, f"peak {peak / p.nbytes:.2f}x the probability array"


@settings(max_examples=60, deadline=None)
@given(
    n=st.integers(1, 3 * 4 * BLOCK),
    n_starts=st.integers(1, 50),
    seed=st.integers(0, 2**32 - 1),
)
def test_segment_sums_equal_reduceat_of_the_whole_product(n, n_starts, seed):
    rng = np.random.default_rng(seed)
    x, m = rng.random(n), rng.random(n)
    starts = np.unique(np.concatenate(([0], rng.integers(0, n, n_starts))))
    got = segment_sums(lambda b: x[b] * m[b], starts, n)
    np.testing.assert_allclose(got, np.add.reduceat(x * m, starts), rtol=1e-12, atol=1e-12)


@settings(max_examples=60, deadline=None)
@given(
    n=st.integers(1, 3 * 4 * BLOCK),
    seed=st.integers(0, 2**32 - 1),
    integers=st.booleans(),
    side=st.sampled_from(["left", "right"]),
)
def test_mass_positions_equal_searchsorted_of_the_cumulative_masses(n, seed, integers, side):
    """Exact for integer masses (their sums are exact); within one position otherwise."""
    rng = np.random.default_rng(seed)
    m = rng.integers(0, 4, n).astype(np.float64) if integers else rng.random(n)
    cum = np.cumsum(m)
    targets = np.sort(rng.uniform(-1.0, cum[-1] + 1.0, 40))
    if integers:
        targets = np.concatenate((targets, np.arange(0.0, cum[-1] + 1.0, max(1.0, cum[-1] / 30))))
        targets.sort()
    got = mass_positions(m, targets, side=side)
    want = np.searchsorted(cum, targets, side=side)
    if integers:
        assert np.array_equal(got, want)
    else:
        assert np.all(np.abs(got - want) <= 1)


def test_smooth_ece_leaves_no_reference_cycle_holding_its_arrays():
    """Brent's method wraps its function in a reference cycle: the smoother's arrays must
    not stay in it until a garbage collection (they did, 0.27 MB per subgroup)."""
    import gc
    import tracemalloc

    from skbce._calibration.smooth_ece import SMOOTH_GRID, smooth_ece_from_grids

    rng = np.random.default_rng(1)
    resid, mass = rng.normal(0.0, 1.0, SMOOTH_GRID), rng.uniform(0.5, 1.5, SMOOTH_GRID)
    smooth_ece_from_grids(resid, mass, float(mass.sum()))  # imports and caches first
    gc.collect()
    gc.disable()
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        result = smooth_ece_from_grids(resid, mass, float(mass.sum()))
        kept = tracemalloc.get_traced_memory()[0] - before
    finally:
        tracemalloc.stop()
        gc.enable()
    assert 0.0 < result[0] < 1.0
    assert kept < 8 * SMOOTH_GRID, f"{kept} bytes kept after the call"
