"""Some consecutive rows of a file, as the readers hand them over, read ahead in a thread."""

import queue
import threading

# Imported here, before a read-ahead thread exists: the library's import in the
# main thread runs beside the reader's (pyarrow), and ``dataclasses`` reads
# ``sys.modules["typing"]`` without the import lock, so a ``typing`` still being
# imported by the other thread failed one run in a hundred ("partially
# initialized module 'typing' has no attribute 'ClassVar'").
import typing  # noqa: F401

__all__ = ["Chunk", "ReadAhead", "close_all"]

#: The read-ahead threads still running: a command that stops early (a
#: mistake in the data) stops them before the interpreter exits, so that no
#: thread is still parsing while Python shuts down.
_RUNNING = set()


class Chunk:
    """Some consecutive rows of the requested columns.

    Attributes
    ----------
    first_row : int
        1-based number of the first row (the header does not count).
    n_rows : int
        Number of rows.
    labels : tuple of (ndarray, ndarray)
        The label column as its distinct raw values and one code per row
        into them (``-1`` for a missing cell).
    columns : dict of str to ndarray
        The raw values of the other requested columns.
    """

    def __init__(self, first_row, n_rows, labels, columns):
        self.first_row = first_row
        self.n_rows = n_rows
        self.labels = labels
        self.columns = columns


class ReadAhead:
    """Iterate over ``items`` in a background thread, at most ``depth`` items ahead.

    The thread starts at once, so reading and parsing (pyarrow releases the
    GIL) overlap what the caller does meanwhile: importing the library, then
    the sums of the previous chunk.  An exception of the thread is raised
    by the iteration, where the caller would have met it.
    """

    def __init__(self, items, depth=2):
        self._queue = queue.Queue(maxsize=depth)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, args=(items,), daemon=True)
        _RUNNING.add(self)
        self._thread.start()

    def _put(self, entry):
        while not self._stop.is_set():
            try:
                self._queue.put(entry, timeout=0.1)
                return True
            except queue.Full:
                continue
        return False

    def _run(self, items):
        try:
            for item in items:
                if not self._put((True, item)):
                    return
        except BaseException as exc:  # noqa: BLE001 - handed to the reading thread
            self._put((False, exc))
            return
        finally:
            close = getattr(items, "close", None)
            if close is not None:
                close()
        self._put((False, None))

    def __iter__(self):
        try:
            while True:
                ok, item = self._queue.get()
                if ok:
                    yield item
                elif item is None:
                    return
                else:
                    raise item
        finally:
            self.close()

    def close(self):
        """Stop the thread and wait for it (it ends after its current item)."""
        self._stop.set()
        _RUNNING.discard(self)
        if self._thread is not threading.current_thread():
            self._thread.join()


def close_all():
    """Stop every read-ahead thread still running and wait for them."""
    for reader in list(_RUNNING):
        reader.close()
