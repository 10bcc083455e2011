"""skbce.set_config / get_config / config_context, and the number of threads they give."""

import os
import re
import threading

import numpy as np
import pytest

import skbce
from skbce._utils.config import effective_n_threads


@pytest.fixture(autouse=True)
def _restore_config():
    saved = skbce.get_config()
    yield
    skbce.set_config(**saved)


def _in_other_thread(func):
    out = []
    thread = threading.Thread(target=lambda: out.append(func()))
    thread.start()
    thread.join()
    return out[0]


def test_default_is_none():
    assert skbce.get_config() == {"n_threads": None}


def test_get_config_returns_a_copy():
    config = skbce.get_config()
    config["n_threads"] = 7
    assert skbce.get_config()["n_threads"] is None


def test_set_config_is_process_wide():
    skbce.set_config(n_threads=3)
    assert skbce.get_config()["n_threads"] == 3
    assert _in_other_thread(skbce.get_config)["n_threads"] == 3
    skbce.set_config()  # an omitted option keeps its value
    assert skbce.get_config()["n_threads"] == 3
    skbce.set_config(n_threads=None)
    assert skbce.get_config()["n_threads"] is None


def test_context_restores_and_stays_in_its_thread():
    skbce.set_config(n_threads=2)
    with skbce.config_context(n_threads=1):
        assert skbce.get_config()["n_threads"] == 1
        assert _in_other_thread(skbce.get_config)["n_threads"] == 2
        with skbce.config_context(n_threads=5):
            assert skbce.get_config()["n_threads"] == 5
        assert skbce.get_config()["n_threads"] == 1
        with skbce.config_context():  # nothing given: nothing changes
            assert skbce.get_config()["n_threads"] == 1
    assert skbce.get_config()["n_threads"] == 2


def test_context_restores_after_an_exception():
    with pytest.raises(RuntimeError, match="inside"):
        with skbce.config_context(n_threads=4):
            raise RuntimeError("inside")
    assert skbce.get_config()["n_threads"] is None


def test_set_config_inside_a_context():
    with skbce.config_context(n_threads=1):
        skbce.set_config(n_threads=3)
        assert skbce.get_config()["n_threads"] == 3  # seen at once in this thread
    assert skbce.get_config()["n_threads"] == 3  # and process-wide afterwards


@pytest.mark.parametrize(
    "bad", [0, -1, -2, 1.5, 2.0, "x", "2", True, False, np.float64(2), [2]], ids=repr
)
def test_invalid_n_threads(bad):
    msg = rf"n_threads must be None or a positive integer, got {re.escape(repr(bad))}\."
    with pytest.raises(ValueError, match=msg):
        skbce.set_config(n_threads=bad)
    with pytest.raises(ValueError, match=msg):
        with skbce.config_context(n_threads=bad):
            pass  # pragma: no cover - never entered
    assert skbce.get_config()["n_threads"] is None


def test_numpy_integers_are_accepted():
    skbce.set_config(n_threads=np.int64(2))
    assert skbce.get_config()["n_threads"] == 2
    assert type(skbce.get_config()["n_threads"]) is int


def _cpus():
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))
    return os.cpu_count()


def test_none_means_the_cpus_of_this_process(monkeypatch):
    monkeypatch.delenv("OMP_NUM_THREADS", raising=False)
    assert effective_n_threads() == _cpus()


@pytest.mark.parametrize(
    ("omp", "expected"),
    [("1", 1), ("1,2", 1), ("100000", None), ("abc", None), ("0", None), ("", None)],
    ids=repr,
)
def test_omp_num_threads_caps_the_default(monkeypatch, omp, expected):
    monkeypatch.setenv("OMP_NUM_THREADS", omp)
    assert effective_n_threads() == (expected or _cpus())


def test_an_explicit_value_is_not_capped(monkeypatch):
    monkeypatch.setenv("OMP_NUM_THREADS", "1")
    with skbce.config_context(n_threads=3):
        assert effective_n_threads() == 3


def test_joblib_workers_do_not_oversubscribe():
    """joblib's loky workers set OMP_NUM_THREADS to their share of the CPUs."""
    joblib = pytest.importorskip("joblib")
    cpus = _cpus()
    n_jobs = 2
    got = joblib.Parallel(n_jobs=n_jobs, backend="loky")(
        joblib.delayed(effective_n_threads)() for _ in range(n_jobs)
    )
    assert got == [max(cpus // n_jobs, 1)] * n_jobs
