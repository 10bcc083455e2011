"""map_blocks on worker threads: the same floats whatever the number of threads, and a safe pool."""

import subprocess
import sys
import textwrap
import threading
import time
import tracemalloc

import numpy as np
import pytest

import skbce
from skbce._losses import parallel
from skbce._losses.parallel import MAX_IN_FLIGHT, MIN_PARALLEL_BLOCKS, map_blocks


@pytest.fixture
def submits(monkeypatch):
    """Record how many worker tasks each parallel map_blocks call hands to the pool."""
    calls = []
    submit = parallel._pool.submit

    def spy(task, copies):
        calls.append(copies)
        submit(task, copies)

    monkeypatch.setattr(parallel._pool, "submit", spy)
    return calls


@pytest.fixture(scope="module")
def cases():
    rng = np.random.default_rng(0)
    n, k, labels = 1_300_001, 10, 10  # ragged last blocks, above the threshold
    y, p, w = rng.integers(0, 2, n), rng.random(n), rng.random(n)
    y_k, P = rng.integers(0, k, n), rng.dirichlet(np.ones(k), n)
    Y, Q = rng.integers(0, 2, (n // 6, labels)), rng.random((n // 6, labels))
    z = rng.normal(0, 8, n)
    return {
        "log_loss binary": lambda: skbce.log_loss(y, p),
        "log_loss weighted": lambda: skbce.log_loss(y, p, sample_weight=w),
        "log_loss multiclass K=10": lambda: skbce.log_loss(y_k, P),
        "bce probabilities": lambda: skbce.binary_cross_entropy(y, p),
        "bce logits": lambda: skbce.binary_cross_entropy(y, z, from_logits=True),
        "bce multilabel": lambda: skbce.binary_cross_entropy(Y, Q),
    }


CASES = [
    "log_loss binary",
    "log_loss weighted",
    "log_loss multiclass K=10",
    "bce probabilities",
    "bce logits",
    "bce multilabel",
]


@pytest.mark.parametrize("case", CASES)
def test_same_float_whatever_the_number_of_threads(cases, case, submits):
    values = []
    for n_threads in (1, 2, 3):
        with skbce.config_context(n_threads=n_threads):
            values.append(cases[case]())
    assert values[0] == values[1] == values[2]
    assert np.isfinite(values[0])
    # n_threads=1 stayed in the calling thread; 2 and 3 handed blocks to 1 and 2 workers
    assert set(submits) == {1, 2}, submits


@pytest.mark.parametrize("case", CASES)
def test_peak_memory_with_every_thread(cases, case):
    """Each block in flight has its own temporaries; they stay under 8 MiB together."""
    with skbce.config_context(n_threads=MAX_IN_FLIGHT):
        cases[case]()  # workers started before measuring
        tracemalloc.start()
        try:
            cases[case]()
            peak = tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()
    assert peak <= 8 * 2**20


def test_small_inputs_stay_in_the_calling_thread(submits):
    y, p = np.array([0, 1] * 5_000), np.linspace(0.1, 0.9, 10_000)
    with skbce.config_context(n_threads=4):
        skbce.log_loss(y, p)
        idents = set(map_blocks(lambda b: threading.get_ident(), MIN_PARALLEL_BLOCKS - 1, 1))
    assert submits == []
    assert idents == {threading.get_ident()}


def _slow_identity(block):
    time.sleep(0.001 * (block.start % 3))  # blocks end out of order
    return block.start, threading.get_ident()


def test_results_in_block_order_from_several_threads():
    with skbce.config_context(n_threads=3):
        out = map_blocks(_slow_identity, 100, 2)
    assert [start for start, _ in out] == list(range(0, 100, 2))
    assert len({ident for _, ident in out}) > 1


def test_threads_are_started_once_and_reused():
    with skbce.config_context(n_threads=3):
        map_blocks(_slow_identity, 40, 1)
        workers = {t for t in threading.enumerate() if t.name.startswith("skbce-worker")}
        map_blocks(_slow_identity, 40, 1)
    after = {t for t in threading.enumerate() if t.name.startswith("skbce-worker")}
    assert len(workers) >= 2
    assert after == workers


def test_one_thread_computes_everything_in_the_calling_thread(submits):
    with skbce.config_context(n_threads=1):
        out = map_blocks(_slow_identity, 40, 1)
    assert {ident for _, ident in out} == {threading.get_ident()}
    assert submits == []


def test_blocks_in_flight_are_capped():
    lock, state = threading.Lock(), {"now": 0, "most": 0}

    def count(block):
        with lock:
            state["now"] += 1
            state["most"] = max(state["most"], state["now"])
        time.sleep(0.002)
        with lock:
            state["now"] -= 1

    for n_threads, cap in [(2, 2), (64, MAX_IN_FLIGHT)]:
        state["most"] = 0
        with skbce.config_context(n_threads=n_threads):
            map_blocks(count, 64, 1)
        assert 1 < state["most"] <= cap


def test_first_error_in_block_order_is_raised():
    started = []

    def fail(block):
        started.append(block.start)
        if block.start == 9:
            raise KeyError("block 9")
        if block.start == 5:
            time.sleep(0.02)  # fails after block 9 has failed
            raise ValueError("block 5")
        time.sleep(0.002)
        return block.start

    with skbce.config_context(n_threads=3):
        with pytest.raises(ValueError, match="block 5"):
            map_blocks(fail, 200, 1)
        assert len(started) < 200  # no new block after a failure
        # the pool is still usable
        assert [s for s, _ in map_blocks(_slow_identity, 40, 1)] == list(range(40))


def test_nested_calls_run_in_their_own_thread():
    def outer(block):
        inner = map_blocks(lambda b: threading.get_ident(), 2 * MIN_PARALLEL_BLOCKS, 1)
        return set(inner) == {threading.get_ident()}, block.start

    with skbce.config_context(n_threads=3):
        out = map_blocks(outer, 2 * MIN_PARALLEL_BLOCKS, 1)
    assert out == [(True, start) for start in range(2 * MIN_PARALLEL_BLOCKS)]


def _python(code):
    result = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def test_no_thread_at_import_and_a_fresh_pool_after_fork():
    """Importing skbce and small inputs start no thread; a pool made before ``os.fork``
    (as under joblib or multiprocessing) is not used by the child, which starts its own."""
    out = _python(
        """
        import os, threading, time
        import numpy as np
        import skbce
        from skbce._losses.parallel import map_blocks

        print(threading.active_count())
        skbce.log_loss(np.array([0, 1] * 5000), np.full(10000, 0.5))
        print(threading.active_count())

        def block(b):
            time.sleep(0.001)
            return threading.get_ident()

        def threads_used():
            with skbce.config_context(n_threads=2):
                return len(set(map_blocks(block, 64, 1)))

        parent = threads_used()  # the parent's pool now has a worker
        read, write = os.pipe()
        pid = os.fork()
        if pid == 0:
            os.write(write, str(threads_used()).encode())
            os._exit(0)
        os.close(write)
        child = os.read(read, 100).decode()
        assert os.waitpid(pid, 0)[1] == 0
        print(parent, child)
        """
    )
    assert out.splitlines() == ["1", "1", "2 2"]
