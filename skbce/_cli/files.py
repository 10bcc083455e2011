"""Files of predictions: CSV (optionally compressed: gzip, bzip2, xz) or Parquet, read in chunks.

The format is read from the bytes of the file (Parquet opens and ends with
``PAR1``), not its name, but for a damaged file that opens so.  The
header of a CSV file is read here (a UTF-8 byte-order mark is dropped and the
delimiter is found among ``,`` ``;`` tab and ``|`` unless ``--sep`` names
it); the rows are read by :mod:`skbce._cli.csv_chunks` (pyarrow's CSV
parser) or :mod:`skbce._cli.parquet_chunks`.  Every failure to read ends in a
:class:`~skbce._cli.errors.UsageError` of one line.
"""

import bz2
import codecs
import collections
import contextlib
import csv
import gzip
import io
import lzma
import os
import re
import shutil
import stat
import sys
import tempfile
import weakref
import zlib

from skbce._cli.errors import UsageError, one_line, shown

__all__ = ["CHUNK_ROWS", "Source", "printable"]

#: Rows read at a time by ``skbce score`` and ``skbce report``.
CHUNK_ROWS = 1 << 20

#: Delimiters found by looking at the header, in order of preference on a tie.
DELIMITERS = (",", ";", "\t", "|")

#: Errors of reading a damaged or compressed file.
READ_ERRORS = (EOFError, OSError, zlib.error, lzma.LZMAError, csv.Error)


#: Compressed files read, by the bytes they start with.
_OPENERS = {
    "gzip": lambda raw: gzip.GzipFile(fileobj=raw),
    "bzip2": lambda raw: bz2.BZ2File(raw),
    "xz": lambda raw: lzma.LZMAFile(raw),
}

#: Where each compression is told by: the first bytes of the file (a pattern).
_MAGIC = {
    "gzip": rb"\x1f\x8b",
    "bzip2": rb"BZh[1-9](1AY&SY|\x17rE8P\x90)",  # a block, or the end of an empty stream
    "xz": rb"\xfd7zXZ\x00",
    "zip": rb"PK\x03\x04",
    "zstd": rb"\x28\xb5\x2f\xfd",
}


def _compression(start, name):
    """The compression of a file that starts with the bytes ``start`` (None: not compressed).

    A zip archive or a zstd file is refused, naming the compression.
    """
    found = next((k for k, magic in _MAGIC.items() if re.match(magic, start)), None)
    if found in ("zip", "zstd"):
        msg = (
            f"{name} is {'a zip archive' if found == 'zip' else 'compressed with zstd'}: "
            "only gzip, bzip2 and xz files are read; decompress it first"
        )
        raise UsageError(msg)
    return found


def _not_utf8(name, exc):
    return (
        f"{name} is not UTF-8 text: byte {exc.object[exc.start : exc.start + 1]!r} at "
        f"offset {exc.start} of a block cannot be decoded (save the file as UTF-8 CSV)"
    )


def printable(path):
    r"""A file name as text that any output takes.

    A name that is not UTF-8 reaches Python with its bytes as lone
    surrogates, which a UTF-8 file or terminal refuses: they are shown as
    the replacement character.

    Examples
    --------
    >>> from skbce._cli.files import printable
    >>> import os
    >>> printable(os.fsdecode(b"caf\xe9.csv")) == "caf\ufffd.csv"
    True
    """
    return os.fsencode(path).decode("utf-8", "replace")


def describe_delimiter(sep):
    """A delimiter as words for messages."""
    return "tab" if sep == "\t" else repr(sep)


@contextlib.contextmanager
def read_errors(name):
    """Turn every error of reading ``name`` into a one-line :class:`UsageError`."""
    try:
        yield
    except UnicodeDecodeError as exc:
        raise UsageError(_not_utf8(name, exc)) from None
    except READ_ERRORS as exc:
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else exc
        msg = f"cannot read {name}: {one_line(reason)}"
        raise UsageError(msg) from None


def _spooled(stream, name):
    """Copy ``stream`` (read once) to a temporary file; its path.

    ``stream`` is a binary file, or a text one with a ``buffer`` (standard input).
    """
    stream = getattr(stream, "buffer", stream)
    if stream is None:
        msg = f"{name} is closed: pipe a file into skbce, or name one"
        raise UsageError(msg)
    if stream.isatty():
        msg = f"{name} is a terminal: pipe a file into skbce, or name one"
        raise UsageError(msg)
    with tempfile.NamedTemporaryFile(prefix="skbce-", suffix=".input", delete=False) as copy:
        try:
            shutil.copyfileobj(stream, copy, 1 << 20)
        except BaseException:
            _remove(copy.name)
            raise
    return copy.name


def _remove(path):
    with contextlib.suppress(OSError):
        os.remove(path)


class Source:
    """A file of predictions, opened lazily.

    Parameters
    ----------
    path : str or path-like
        The file.
    sep : str or None
        The delimiter of a CSV file; None finds it from the header.
    """

    def __init__(self, path, sep=None):
        self.path = path
        self.name = "standard input" if os.fspath(path) == "-" else printable(path)
        self.sep = sep
        self._raw = None
        self.rows_read = 0
        self.bytes_read = 0
        magic = self._check_file()
        self.kind = "parquet" if magic == b"PAR1" else "csv"
        self.n_rows = None

    def _check_file(self):
        try:
            if os.fspath(self.path) == "-":
                self._copy_of(sys.stdin)
            mode = os.stat(self.path).st_mode
            if stat.S_ISDIR(mode):
                msg = f"{self.name} is a directory, not a file"
                raise UsageError(msg)
            if stat.S_ISFIFO(mode):  # a pipe (<(command), /dev/stdin) can be read once
                with open(self.path, "rb") as pipe:
                    self._copy_of(pipe)
            elif not stat.S_ISREG(mode):
                msg = f"{self.name} is not a regular file, nor a pipe"
                raise UsageError(msg)
            with open(self.path, "rb") as f:
                magic = f.read(4)
                self.compression = _compression(magic + f.read(6), self.name)
                if magic == b"PAR1":  # Parquet, or a CSV file whose header starts so
                    magic = self._parquet_or_text(f)
            self.size = os.path.getsize(self.path)
        except FileNotFoundError:
            msg = f"no such file: {self.name}"
            raise UsageError(msg) from None
        except OSError as exc:
            msg = f"cannot read {self.name}: {exc.strerror or exc}"
            raise UsageError(msg) from None
        if not magic:
            msg = f"{self.name} is empty"
            raise UsageError(msg)
        return magic

    def _copy_of(self, stream):
        """Read from a copy of ``stream``, removed when this source is."""
        self.path = _spooled(stream, self.name)
        weakref.finalize(self, _remove, self.path)

    def _parquet_or_text(self, f):
        """``b"PAR1"`` for a Parquet file (damaged or not), ``b"text"`` for a CSV header.

        A Parquet file ends with ``PAR1`` too; a damaged one (or one named
        ``.parquet``) holds bytes that are not UTF-8 text soon after.
        """
        f.seek(-4, os.SEEK_END)
        if f.read(4) == b"PAR1" or self.name.lower().endswith((".parquet", ".pq")):
            return b"PAR1"
        f.seek(0)
        try:
            codecs.getincrementaldecoder("utf-8")().decode(f.read(1 << 12))
        except UnicodeDecodeError:
            return b"PAR1"
        return b"text"

    def progress(self):
        """Fraction of the file read so far, in ``[0, 1]``."""
        if self.kind == "parquet":
            return self.rows_read / max(self.n_rows or 1, 1)
        return min(self.bytes_read / max(self.size, 1), 1.0)

    def note_position(self):
        """Record how far the reader got in the file (for :meth:`progress`)."""
        self.bytes_read = self._raw.tell()

    @contextlib.contextmanager
    def open_binary(self):
        """The bytes of the file, decompressed when it is compressed."""
        with open(self.path, "rb") as raw:
            self._raw = raw
            if self.compression is None:
                yield raw
            else:
                with _OPENERS[self.compression](raw) as f:
                    yield f

    @contextlib.contextmanager
    def open_text(self):
        """The text of the file (UTF-8, a byte-order mark dropped)."""
        with self.open_binary() as f:
            text = io.TextIOWrapper(f, encoding="utf-8-sig", newline="")
            try:
                yield text
            finally:
                text.detach()

    def columns(self):
        """The names of the columns in the file; refuse a header that is not one."""
        if self.kind == "parquet":
            from skbce._cli.parquet_chunks import parquet_columns

            names = parquet_columns(self)
        else:
            with read_errors(self.name), self.open_text() as f:
                try:
                    names = self._csv_header(f)
                except UnicodeDecodeError as exc:  # the first block, from the first byte
                    if exc.start == 0 and exc.object[:2] in (b"\xff\xfe", b"\xfe\xff"):
                        msg = (
                            f"{self.name} is UTF-16 text (a byte-order mark starts it): "
                            "save it as UTF-8 CSV"
                        )
                        raise UsageError(msg) from None
                    raise
        repeated = sorted(n for n, k in collections.Counter(names).items() if k > 1)
        if repeated:
            msg = f"{self.name} has several columns named {shown(repeated[0])}; names must differ"
            raise UsageError(msg)
        return names

    def _csv_header(self, f):
        first = f.readline()
        if "\x00" in first:  # UTF-8 text holds no NUL byte, a CSV header none
            msg = (
                f"{self.name} is not a CSV file: its first line holds NUL bytes "
                "(a binary file, or UTF-16 text: save it as UTF-8 CSV)"
            )
            raise UsageError(msg)
        if self.sep is None:  # a delimiter inside a quoted name does not count
            outside = re.sub(r'"[^"]*("|$)', "", first)
            counts = [outside.count(d) for d in DELIMITERS]
            self.sep = DELIMITERS[counts.index(max(counts))]
        f.seek(0)
        header = next(csv.reader(f, delimiter=self.sep), None)
        if not header or header == [""]:
            msg = f"{self.name} has no header line (the first line names the columns)"
            raise UsageError(msg)
        broken = [n for n in header if "\n" in n or "\r" in n]
        if broken:
            msg = (
                f"the header of {self.name} has a line break inside quotes in "
                f"{shown(broken[0])} (an unclosed quote?)"
            )
            raise UsageError(msg)
        if first.endswith("\r"):  # the rows are cut at line feeds
            msg = (
                f"{self.name} ends its lines with a carriage return alone (old Mac "
                "line ends): save it with LF or CRLF line ends"
            )
            raise UsageError(msg)
        return header

    def chunks(self, names, chunk_rows=CHUNK_ROWS, text=()):
        """Yield :class:`~skbce._cli.chunk.Chunk` objects of ``names`` (labels first), in order.

        The columns in ``text`` are read as text (a CSV file's other columns
        but the labels as numbers).
        """
        available = self.columns()
        missing = [n for n in names if n not in available]
        if missing:
            listed = ", ".join(shown(n)[1:-1] for n in available[:20])
            more = f" and {len(available) - 20} more" if len(available) > 20 else ""
            if self.kind == "csv":
                more += f" (delimiter {describe_delimiter(self.sep)})"
            msg = f"{self.name} has no column {shown(missing[0])}; its columns are: {listed}{more}"
            raise UsageError(msg)
        if self.kind == "parquet":
            from skbce._cli.parquet_chunks import parquet_chunks

            reader = parquet_chunks(self, names, chunk_rows)
        else:
            from skbce._cli.csv_chunks import csv_chunks

            reader = csv_chunks(self, available, names, chunk_rows, text)
        with read_errors(self.name):
            for chunk in reader:
                self.rows_read += chunk.n_rows
                yield chunk
