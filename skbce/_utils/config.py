"""Configuration of skbce: how many threads the numpy kernels may use.

The scikit-learn pattern (``sklearn/_config.py``), written for our one
option: :func:`set_config` changes the process-wide value, which every thread
sees; :func:`config_context` overrides it in the calling thread only, until its
block ends, so that a context entered in one thread never changes what another
thread computes with.  :func:`get_config` shows the value in effect in the
calling thread, and :func:`effective_n_threads` turns it into a number.
"""

import numbers
import os
import threading
from contextlib import contextmanager

from skbce._utils.options import InvalidParameterError

__all__ = ["config_context", "effective_n_threads", "get_config", "set_config"]

_global_config = {"n_threads": None}
_local = threading.local()  # ``_local.config``: this thread's override, while a context is open


class _Unchanged:
    """Default of :func:`set_config`'s options: leave the current value as it is."""

    def __repr__(self):
        return "<unchanged>"


_UNCHANGED = _Unchanged()


def check_n_threads(n_threads):
    """Return ``n_threads`` if it is None or a positive integer, else raise naming it."""
    if n_threads is None:
        return None
    if (
        isinstance(n_threads, numbers.Integral)
        and not isinstance(n_threads, bool)
        and n_threads >= 1
    ):
        return int(n_threads)
    msg = f"n_threads must be None or a positive integer, got {n_threads!r}."
    raise InvalidParameterError(msg)


def _current():
    """The mutable configuration in effect in the calling thread."""
    local = getattr(_local, "config", None)
    return _global_config if local is None else local


def get_config():
    """Return the configuration of skbce in effect in the calling thread.

    Returns
    -------
    config : dict
        Keys are the options of :func:`set_config`; a copy, so changing it
        changes nothing.

        - ``"n_threads"``: threads the numpy kernels may use on large inputs
          (None: as many as the CPUs this process may use, capped by the
          ``OMP_NUM_THREADS`` environment variable when it is set).

    See Also
    --------
    set_config : Change the configuration for the whole process.
    config_context : Change it for a block of code, in the calling thread.

    Examples
    --------
    >>> import skbce
    >>> skbce.get_config()
    {'n_threads': None}
    >>> with skbce.config_context(n_threads=1):
    ...     skbce.get_config()
    {'n_threads': 1}
    """
    return dict(_current())


def set_config(*, n_threads=_UNCHANGED):
    """Change the configuration of skbce for the whole process.

    The new values hold in every thread, except in a thread that is inside a
    :func:`config_context` block, where they hold until the block ends.

    Parameters
    ----------
    n_threads : int or None, default=<unchanged>
        Threads the numpy kernels may use on large inputs (about a million
        samples or more; smaller inputs always run in the calling thread).
        None (the initial value) means as many as the CPUs this process may
        use (:func:`os.sched_getaffinity`, else :func:`os.cpu_count`), capped
        by the ``OMP_NUM_THREADS`` environment variable when it is set, as in
        the workers of ``joblib`` (so that a ``GridSearchCV(n_jobs=...)`` does
        not start more threads than cores).  ``1`` computes in the calling
        thread only.  At most four blocks are computed at once, whatever the
        value (each needs up to about two megabytes of temporaries, of which
        each thread keeps 1.5 MB for its next blocks).  Results are
        identical, to the bit, whatever the number of threads.  When omitted,
        the current value is kept.

    Raises
    ------
    ValueError
        If ``n_threads`` is neither None nor a positive integer.

    See Also
    --------
    get_config : The configuration in effect.
    config_context : Change the configuration for a block of code.

    Examples
    --------
    >>> import skbce
    >>> skbce.set_config(n_threads=1)
    >>> skbce.get_config()["n_threads"]
    1
    >>> skbce.set_config(n_threads=None)  # back to every available CPU
    """
    if n_threads is not _UNCHANGED:
        n_threads = check_n_threads(n_threads)
        _global_config["n_threads"] = n_threads
        local = getattr(_local, "config", None)
        if local is not None:
            local["n_threads"] = n_threads


@contextmanager
def config_context(*, n_threads=_UNCHANGED):
    """Change the configuration of skbce in the calling thread, for a block of code.

    On exit, the calling thread gets back the configuration it had on entry
    (even if the block raised).  Other threads are not affected.

    Parameters
    ----------
    n_threads : int or None, default=<unchanged>
        Threads the numpy kernels may use on large inputs; see
        :func:`set_config`.  When omitted, the current value is kept.

    Yields
    ------
    None

    Raises
    ------
    ValueError
        Before the block runs, if ``n_threads`` is neither None nor a
        positive integer.

    See Also
    --------
    get_config : The configuration in effect, inside the block or outside.
    set_config : Change the configuration for the whole process.

    Examples
    --------
    >>> import numpy as np
    >>> import skbce
    >>> rng = np.random.default_rng(0)
    >>> y, p = rng.integers(0, 2, 2_000_000), rng.random(2_000_000)
    >>> with skbce.config_context(n_threads=1):
    ...     one = skbce.log_loss(y, p)
    >>> one == skbce.log_loss(y, p)  # every thread: the same float, to the bit
    True
    """
    new = dict(_current())
    if n_threads is not _UNCHANGED:
        new["n_threads"] = check_n_threads(n_threads)
    saved = getattr(_local, "config", None)
    _local.config = new
    try:
        yield
    finally:
        _local.config = saved


def _available_cpus():
    """CPUs this process may run on, capped by ``OMP_NUM_THREADS`` when set."""
    try:
        cpus = len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not on Linux
        cpus = os.cpu_count() or 1
    omp = os.environ.get("OMP_NUM_THREADS", "").split(",")[0].strip()
    if omp.isascii() and omp.isdigit() and int(omp) >= 1:  # not '²', which int() refuses
        cpus = min(cpus, int(omp))
    return max(cpus, 1)


def effective_n_threads():
    """The number of threads the kernels may use now, in the calling thread.

    Examples
    --------
    >>> from skbce._utils.config import config_context, effective_n_threads
    >>> with config_context(n_threads=3):
    ...     effective_n_threads()
    3
    """
    n_threads = _current()["n_threads"]
    return _available_cpus() if n_threads is None else n_threads
