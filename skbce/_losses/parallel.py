"""Run a per-block kernel over the blocks of a large input, on worker threads.

Every numpy kernel is written as a function of one block (a ``slice`` of the
samples) that returns that block's partial result; :func:`map_blocks` calls
it for each block and returns the results in block order, so that the caller
adds them up in the same order, and gets the same float to the bit, whatever
the number of threads.

numpy's ufuncs release the GIL, so blocks computed on several threads run on
several cores.  The rules:

- Inputs of fewer than :data:`MIN_PARALLEL_BLOCKS` blocks run in the calling
  thread (a scorer in cross-validation, a report on 1e4 rows pays nothing).
- The threads (``n_threads`` of :func:`skbce.set_config`, less the calling
  thread, which computes blocks too) are started on the first large input and
  kept for the next ones; importing skbce starts none.  After ``os.fork`` the
  child forgets the parent's threads (they do not exist there) and starts its
  own when it needs them.
- At most :data:`MAX_IN_FLIGHT` blocks are computed at once: each allocates
  its own temporaries (up to about 2 MiB for the kernels of skbce).  The
  log-loss kernels keep their largest temporary in :func:`scratch`, a buffer of
  each thread that its next blocks reuse (no allocation, no page faults).
- A kernel that calls :func:`map_blocks` from inside a block gets its blocks
  computed in its own thread, one after the other (no deadlock, no more
  threads).
- If blocks raise, the exception of the first failing block (in block order)
  is raised, after every block in flight has ended; no new block starts once
  one has failed.
"""

import os
import queue
import threading

import numpy as np

from skbce._utils.config import effective_n_threads

__all__ = [
    "MAX_IN_FLIGHT",
    "MIN_PARALLEL_BLOCKS",
    "OVERLAP_SAMPLES",
    "map_blocks",
    "scratch",
    "side_by_side",
    "threaded_step",
]

#: Inputs of fewer blocks than this are computed in the calling thread.
MIN_PARALLEL_BLOCKS = 16
#: Blocks computed at once, at most (each allocates its own temporaries).
MAX_IN_FLIGHT = 4

_state = threading.local()  # ``_state.busy``: this thread is computing blocks
_buffers = threading.local()  # the scratch buffers of this thread, by (name, dtype)


def scratch(n, dtype, name):
    """An uninitialized array of ``n`` values of ``dtype``, private to the calling thread.

    The same memory comes back at the next call with the same ``name`` and
    ``dtype`` in this thread (grown if ``n`` is larger), so a block must be
    done with it before asking again; it is freed with the thread.

    Examples
    --------
    >>> from skbce._losses.parallel import scratch
    >>> a = scratch(4, "float64", "doc")
    >>> scratch(3, "float64", "doc").base is a.base
    True
    """
    dtype = np.dtype(dtype)
    buffers = _buffers.__dict__
    buffer = buffers.get((name, dtype))
    if buffer is None or buffer.shape[0] < n:
        buffer = buffers[(name, dtype)] = np.empty(n, dtype)
    return buffer[:n]


class _Pool:
    """Worker threads, started when first needed and then kept, fed from one queue."""

    def __init__(self):
        self._tasks = queue.SimpleQueue()
        self._threads = []
        self._lock = threading.Lock()

    def submit(self, task, copies):
        """Have ``copies`` workers call ``task``, starting workers if there are too few."""
        with self._lock:
            while len(self._threads) < copies:
                name = f"skbce-worker-{len(self._threads)}"
                thread = threading.Thread(target=self._work, name=name, daemon=True)
                thread.start()
                self._threads.append(thread)
        for _ in range(copies):
            self._tasks.put(task)

    def _work(self):
        _state.busy = True
        while True:
            self._tasks.get()()


_pool = _Pool()


def _forget_pool():
    """In a child process after ``os.fork``: the parent's threads do not exist here."""
    global _pool
    _pool = _Pool()
    _state.busy = False


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_forget_pool)


class _Run:
    """One call of :func:`map_blocks`: threads claim blocks in order until none is left."""

    def __init__(self, func, step, n_blocks):
        self.func, self.step = func, step
        self.results = [None] * n_blocks
        self.errors = {}
        self.claimed = self.finished = 0
        self.stopped = False
        self.cond = threading.Condition()

    def _claim(self):
        with self.cond:
            if self.stopped or self.claimed == len(self.results):
                return None
            self.claimed += 1
            return self.claimed - 1

    def __call__(self):
        """Compute blocks until every block is claimed or one has failed."""
        while (i := self._claim()) is not None:
            start = i * self.step
            try:
                self.results[i] = self.func(slice(start, start + self.step))
            except BaseException as exc:  # re-raised by the caller, in block order
                with self.cond:
                    self.errors[i] = exc
                    self.stopped = True
            with self.cond:
                self.finished += 1
                if self.finished == self.claimed:
                    self.cond.notify_all()

    def stop_and_wait(self):
        """Let no new block start, and wait for the blocks in flight."""
        with self.cond:
            self.stopped = True
            self.cond.wait_for(lambda: self.finished == self.claimed)


def map_blocks(func, n, step, min_blocks=MIN_PARALLEL_BLOCKS):
    """Results of ``func(slice(start, start + step))`` for each block of ``range(n)``.

    Parameters
    ----------
    func : callable
        Takes a ``slice`` of the samples and returns that block's partial
        result.  It must not write to memory shared with other blocks: blocks
        may run at the same time on different threads.
    n : int
        Number of samples.
    step : int
        Samples per block.
    min_blocks : int, default=MIN_PARALLEL_BLOCKS
        Fewer blocks than this are computed in the calling thread (a kernel
        with larger blocks lowers it, so that threads start at the same
        number of samples).

    Returns
    -------
    results : list
        One result per block, in block order, whatever the number of threads.

    Examples
    --------
    >>> from skbce._losses.parallel import map_blocks
    >>> map_blocks(lambda block: (block.start, block.stop), 5, 2)
    [(0, 2), (2, 4), (4, 6)]
    """
    n_blocks = len(range(0, n, step))
    threads = 1
    if n_blocks >= max(2, min_blocks) and not getattr(_state, "busy", False):
        threads = min(effective_n_threads(), MAX_IN_FLIGHT, n_blocks)
    if threads == 1:
        return [func(slice(start, start + step)) for start in range(0, n, step)]
    run = _Run(func, step, n_blocks)
    _pool.submit(run, threads - 1)
    _state.busy = True
    try:
        run()
    finally:
        _state.busy = False
        run.stop_and_wait()
    if run.errors:
        raise run.errors[min(run.errors)]
    return run.results


def threaded_step(n, step, largest, multiple=16):
    """Samples per block of :func:`map_blocks` for a kernel whose small inputs take ``step``.

    Inputs of fewer than :data:`MIN_PARALLEL_BLOCKS` blocks of ``step``
    (computed in the calling thread) keep ``step``.  Larger ones are cut into
    a multiple of 4 blocks of about equal size, at most ``largest`` samples
    each (rounded up to a ``multiple``): 2 or 4 threads share them evenly,
    and the blocks are as large as the kernel's cache allows.  On several
    threads, each numpy call of a block hands the GIL back and may wait for
    the other threads to give it up: measured on 2 cores at N = 1e6, blocks
    of 64k samples ran slower on two threads than on one, blocks of 250k
    1.6x faster.  The blocks depend on ``n`` alone, never on the number of
    threads, so that the sums do not either.

    Examples
    --------
    >>> from skbce._losses.parallel import threaded_step
    >>> threaded_step(10**4, 2**16, 2**18), threaded_step(10**7, 2**16, 2**18)
    (65536, 250000)
    """
    if len(range(0, n, step)) < MIN_PARALLEL_BLOCKS:
        return step
    count = 4 * -(-n // (4 * largest))
    return -(-n // (count * multiple)) * multiple


#: Samples from which :func:`side_by_side` runs its two parts at once (below, the
#: thread hand-over costs more than it saves).
OVERLAP_SAMPLES = 1 << 20


def side_by_side(first, second, n_samples):
    """``(first(), second())``, computed at once on two threads for ``n_samples`` large.

    From :data:`OVERLAP_SAMPLES` samples on, through :func:`map_blocks` (two
    blocks of one call each); with ``n_threads=1``, or fewer samples, one
    after the other.  The blocks of their own :func:`map_blocks` calls run in
    their thread.  The two parts must not depend on each other, and only the
    second may warn (the first's warnings would reach the caller's
    ``warnings.catch_warnings`` in an order that depends on the threads).

    Examples
    --------
    >>> from skbce._losses.parallel import side_by_side
    >>> side_by_side(lambda: 1, lambda: 2, 10**7)
    (1, 2)
    """
    if n_samples < OVERLAP_SAMPLES:
        return first(), second()
    return tuple(map_blocks(lambda block: (first, second)[block.start](), 2, 1, 2))
