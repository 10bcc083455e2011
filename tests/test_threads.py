"""map_blocks on worker threads: the same floats whatever the number of threads, and a safe pool."""

import math
import subprocess
import sys
import textwrap
import threading
import time
import tracemalloc

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import skbce
from skbce._losses import parallel
from skbce._losses.parallel import MAX_IN_FLIGHT, MIN_PARALLEL_BLOCKS, map_blocks, threaded_step


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


@given(
    n=st.integers(1, 10**9),
    step=st.integers(1, 2**17),
    factor=st.integers(1, 8),
    multiple=st.sampled_from([1, 16]),
)
def test_threaded_blocks_are_even_and_bounded(n, step, factor, multiple):
    largest = factor * step
    chosen = threaded_step(n, step, largest, multiple)
    blocks = len(range(0, n, chosen))
    if len(range(0, n, step)) < MIN_PARALLEL_BLOCKS:
        assert chosen == step  # computed in the calling thread, as before
        return
    count = 4 * -(-n // (4 * largest))
    assert chosen % multiple == 0
    assert chosen <= -(-largest // multiple) * multiple
    assert blocks <= count
    # every block but the last holds ``chosen`` samples; the last is not much smaller
    assert n - (blocks - 1) * chosen > chosen - count * multiple


def test_a_million_samples_run_on_threads_in_four_even_blocks(submits):
    y, p = _binary(10**6)[:2]
    with skbce.config_context(n_threads=2):
        skbce.log_loss(y, p)
    assert submits == [1]
    assert threaded_step(10**6, 2**16, 2**18, 16) == 250_000


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


# --- the checks inside the blocks ------------------------------------------------------------

BIG = 2**21 + 3  # above the parallel threshold, with a ragged last block


def _binary(n, seed=0):
    rng = np.random.default_rng(seed)
    return rng.integers(0, 2, n), rng.random(n), rng.random(n)


@pytest.mark.parametrize("n", [300, BIG], ids=["small", "large"])
@pytest.mark.parametrize("weighted", [False, True], ids=["unweighted", "weighted"])
def test_labels_checked_in_the_blocks_give_the_validated_float(n, weighted):
    """Codes 0/1 checked by the kernel's blocks and labels found first: the same float."""
    y, p, w = _binary(n)
    w = w if weighted else None
    with skbce.config_context(n_threads=2):
        assert skbce.log_loss(y, p, sample_weight=w) == skbce.log_loss(
            y, p, sample_weight=w, labels=[0, 1]
        )
        yk = np.random.default_rng(1).integers(0, 7, n)
        P = np.random.default_rng(2).dirichlet(np.ones(7), n)
        assert skbce.log_loss(yk, P, sample_weight=w) == skbce.log_loss(
            yk, P, sample_weight=w, labels=range(7)
        )


@pytest.mark.parametrize("n", [300, BIG], ids=["small", "large"])
@pytest.mark.parametrize(
    "dtype", [np.int64, np.uint64, np.int32, np.uint8, bool], ids=lambda d: np.dtype(d).name
)
def test_every_integer_label_dtype_agrees_with_scikit_learn(n, dtype):
    from sklearn.metrics import log_loss

    y, p, w = _binary(n)
    p[:6] = [0.0, 1.0, 1e-300, 1 - 1e-17, 2**-52, 1 - 2**-52]  # clipped at both ends
    y = y.astype(dtype)
    assert skbce.log_loss(y, p) == pytest.approx(log_loss(y, p), rel=1e-12)
    assert skbce.log_loss(y, p, sample_weight=w) == pytest.approx(
        log_loss(y, p, sample_weight=w), rel=1e-12
    )


@pytest.mark.parametrize("n", [300, BIG], ids=["small", "large"])
@pytest.mark.parametrize("dtype", ["bool", "int8", "int64", "uint64"])
def test_two_probability_columns_with_integer_codes_agree_with_scikit_learn(n, dtype):
    """Codes of two classes given a probability matrix: counted, not only bounded."""
    from sklearn.metrics import log_loss

    y, p, w = _binary(n)
    y = y.astype(dtype)
    P = np.column_stack([1 - p, p])
    assert skbce.log_loss(y, P) == pytest.approx(log_loss(y, P), rel=1e-12)
    assert skbce.log_loss(y, P, sample_weight=w) == pytest.approx(
        log_loss(y, P, sample_weight=w), rel=1e-12
    )
    with pytest.raises(ValueError, match="label"):  # one class present: as scikit-learn
        skbce.log_loss(np.ones(n, dtype=dtype), P)


def _bad(n, what):
    y, p, w = _binary(n)
    P = np.random.default_rng(3).dirichlet(np.ones(3), n)
    yk = np.arange(n) % 3
    last = n - 1  # in the last block: every block before it passes
    cases = {
        "p NaN": lambda: (y, _set(p, last, np.nan), None),
        "p > 1": lambda: (y, _set(p, last, 1.5), None),
        "p -inf": lambda: (y, _set(p, last, -np.inf), None),
        "w NaN": lambda: (y, p, _set(w, last, np.nan)),
        "w inf": lambda: (y, p, _set(w, last, np.inf)),
        "w inf and -inf": lambda: (y, p, _set(_set(w, 0, -np.inf), last, np.inf)),
        "w zeros": lambda: (y, p, np.zeros(n)),
        "one class": lambda: (np.zeros(n, int), p, None),
        "three classes": lambda: (_set(y, last, 2), p, None),
        "negative label": lambda: (_set(y, last, -1), p, None),
        "w NaN and one class": lambda: (np.ones(n, int), _set(p, 0, np.nan), _set(w, 1, np.nan)),
        "p NaN and one class": lambda: (np.ones(n, int), _set(p, last, np.nan), None),
        "P > 1": lambda: (yk, _set(P, (last, 1), 1.5), None),
        "P NaN and w NaN": lambda: (yk, _set(P, (last, 1), np.nan), _set(w, last, np.nan)),
        "code >= K": lambda: (_set(yk, last, 3), P, None),
        "class missing": lambda: (np.minimum(yk, 1), P, None),
    }
    return cases[what]()


def _set(a, index, value):
    a = a.copy()
    a[index] = value
    return a


BAD = {
    "p NaN": "y_proba contains NaN",
    "p > 1": r"y_proba must be probabilities within \[0, 1\], but it contains values greater",
    "p -inf": r"y_proba must be probabilities within \[0, 1\], but it contains -infinity",
    "w NaN": "sample_weight contains NaN",
    "w inf": "sample_weight contains infinite values",
    "w inf and -inf": "sample_weight contains infinite values",
    "w zeros": "sample_weight must contain at least one non-zero weight",
    "one class": "y_true contains only one class",
    "three classes": "y_proba has 2 columns but y_true has 3 classes",
    "negative label": r"y_proba has 2 columns but y_true has 3 classes: \[-1, 0, 1\]",
    "w NaN and one class": "sample_weight contains NaN",
    "p NaN and one class": "y_true contains only one class",
    "P > 1": r"y_proba must be probabilities within \[0, 1\], but it contains values greater",
    "P NaN and w NaN": "sample_weight contains NaN",
    "code >= K": "y_proba has 3 columns but y_true has 4 classes",
    "class missing": "y_proba has 3 columns but y_true has 2 classes",
}


@pytest.mark.parametrize("n", [300, BIG], ids=["small", "large"])
@pytest.mark.parametrize("what", list(BAD))
def test_checks_in_the_blocks_raise_what_validation_first_raises(n, what):
    """Whatever the number of blocks, the first error in the order of validation, no warning.

    Labels given as a list are found (and checked) before the kernel runs.
    """
    y, p, w = _bad(n, what)
    with skbce.config_context(n_threads=2), pytest.raises(ValueError, match=BAD[what]):
        skbce.log_loss(y, p, sample_weight=w)
    with pytest.raises(ValueError, match=BAD[what]):
        skbce.log_loss(y.tolist(), p, sample_weight=w)


def test_codes_out_of_range_stop_the_blocks_early(monkeypatch):
    """Labels other than 0/1 (here -1/1) cost a block or two before labels are found first."""
    from skbce._losses import log_loss_blocks

    calls = []
    check = log_loss_blocks._check_codes

    def spy(t, n_classes):
        calls.append(1)
        return check(t, n_classes)

    monkeypatch.setattr(log_loss_blocks, "_check_codes", spy)
    y, p, _ = _binary(BIG)
    with skbce.config_context(n_threads=2):
        skbce.log_loss(2 * y - 1, p)
    assert 1 <= len(calls) <= MAX_IN_FLIGHT + 1


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.one_of(
            st.floats(2.0**-52, 1.0),
            st.floats(-1.0, -(2.0**-52)),
            st.sampled_from([2.0**-52, 1.0, 1 - 2.0**-52, -(2.0**-52), -1.0]),
        ),
        min_size=1,
        max_size=1000,
    )
)
def test_one_log_per_16_samples_is_as_accurate_as_one_per_sample(values):
    """``sum(log|q|)`` from products of 16 values, against the exact sum of libm's logs."""
    from skbce._losses.log_loss_blocks import sum_of_logs

    exact = math.fsum(math.log(abs(v)) for v in values)
    got = sum_of_logs(np.array(values))
    assert abs(got - exact) <= 4e-16 * len(values) + 1e-15 * abs(exact)
