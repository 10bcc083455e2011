"""The command line: ``skbce demo``, ``skbce score`` and ``skbce report``.

``skbce score`` reads a file of predictions in chunks and folds the mergeable
partial sums of the kernels in :mod:`skbce._loss` (:class:`~skbce._loss.LossSums`),
so its memory does not grow with the file.  ``skbce report`` reads the
columns it needs into memory and hands them to
:func:`skbce.calibration_report`.  Mistakes a user can make (a missing file,
an unknown column, a value that is not a number, a probability outside
``[0, 1]``) end with a one-line message on stderr and exit status 2.
"""

import argparse
import contextlib
import csv
import gzip
import io
import itertools
import json
import math
import os
import sys
import time

import numpy as np

__all__ = ["main"]

#: Exit status for a mistake of the user (as argparse uses for bad arguments).
USAGE_ERROR = 2

#: Rows read at a time by ``skbce score`` and ``skbce report``.
CHUNK_ROWS = 1 << 20

#: One-line explanation of each score, shared by the text output of
#: ``skbce score``.
EXPLAIN = {
    "log_loss": "mean of -log(probability given to the true class); 0 is perfect",
    "binary_cross_entropy": "the same loss, from logits when --from-logits "
    "(exact, not clipped)",
    "normalized_cross_entropy": "log loss / entropy of the base rate; below 1 "
    "beats always predicting the base rate",
    "brier_score": "mean squared difference between probability and outcome; "
    "0 is perfect, 0.25 is a coin flip",
}


class UsageError(Exception):
    """A mistake of the user: reported in one line, exit status 2."""


# --- reading files in chunks ---------------------------------------------------


class Chunk:
    """Some consecutive rows of the requested columns.

    Attributes
    ----------
    first_row : int
        1-based number of the first row (the header does not count).
    columns : dict of str to ndarray
        The raw values of each requested column.
    """

    def __init__(self, first_row, columns):
        self.first_row = first_row
        self.columns = columns

    def __len__(self):
        return len(next(iter(self.columns.values())))


class Source:
    """A file of predictions: CSV (optionally gzip-compressed) or Parquet.

    The format is read from the first bytes of the file, not its name.
    ``progress()`` tells which fraction of the file has been read.
    """

    def __init__(self, path):
        self.path = path
        self.name = os.fspath(path)
        try:
            with open(path, "rb") as f:
                magic = f.read(4)
            self.size = os.path.getsize(path)
        except FileNotFoundError:
            msg = f"no such file: {self.name}"
            raise UsageError(msg) from None
        except IsADirectoryError:
            msg = f"{self.name} is a directory, not a file"
            raise UsageError(msg) from None
        except OSError as exc:
            msg = f"cannot read {self.name}: {exc.strerror or exc}"
            raise UsageError(msg) from None
        if not magic:
            msg = f"{self.name} is empty"
            raise UsageError(msg)
        self.kind = "parquet" if magic == b"PAR1" else "csv"
        self.gzip = magic[:2] == b"\x1f\x8b"
        self._raw = None
        self._rows_read = 0
        self._n_rows = None

    def progress(self):
        """Fraction of the file read so far, in ``[0, 1]``."""
        if self.kind == "parquet":
            return self._rows_read / max(self._n_rows or 1, 1)
        if self._raw is None or self._raw.closed:
            return 0.0
        return min(self._raw.tell() / max(self.size, 1), 1.0)

    def columns(self):
        """The names of the columns in the file."""
        if self.kind == "parquet":
            return list(self._parquet().schema_arrow.names)
        with self._open_text() as f:
            try:
                header = next(csv.reader(f), None)
            except (csv.Error, UnicodeDecodeError) as exc:
                msg = f"cannot read the header of {self.name}: {exc}"
                raise UsageError(msg) from None
        if not header:
            msg = f"{self.name} has no header line (the first line names the columns)"
            raise UsageError(msg)
        return header

    def chunks(self, names, chunk_rows=CHUNK_ROWS):
        """Yield :class:`Chunk` objects of the columns ``names``, in file order."""
        available = self.columns()
        missing = [n for n in names if n not in available]
        if missing:
            listed = ", ".join(available)
            msg = f"{self.name} has no column {missing[0]!r}; its columns are: {listed}"
            raise UsageError(msg)
        if self.kind == "parquet":
            yield from self._parquet_chunks(names, chunk_rows)
        else:
            yield from self._csv_chunks(available, names, chunk_rows)

    # parquet

    def _parquet(self):
        from ._optional import import_optional

        try:
            pq = import_optional("pyarrow.parquet", "Reading Parquet files")
        except ImportError as exc:
            raise UsageError(str(exc)) from None
        try:
            return pq.ParquetFile(self.path)
        except Exception as exc:  # pyarrow raises its own error types
            msg = f"cannot read {self.name} as Parquet: {exc}"
            raise UsageError(msg) from None

    def _parquet_chunks(self, names, chunk_rows):
        pf = self._parquet()
        self._n_rows = pf.metadata.num_rows
        first = 1
        for batch in pf.iter_batches(batch_size=chunk_rows, columns=list(names)):
            columns = {
                n: batch.column(n).to_numpy(zero_copy_only=False) for n in names
            }
            chunk = Chunk(first, columns)
            first += len(chunk)
            self._rows_read += len(chunk)
            yield chunk

    # csv

    @contextlib.contextmanager
    def _open_binary(self):
        with open(self.path, "rb") as raw:
            self._raw = raw
            if self.gzip:
                with gzip.GzipFile(fileobj=raw) as f:
                    yield f
            else:
                yield raw

    @contextlib.contextmanager
    def _open_text(self):
        with self._open_binary() as f:
            text = io.TextIOWrapper(f, encoding="utf-8", newline="")
            try:
                yield text
            finally:
                text.detach()

    def _csv_chunks(self, available, names, chunk_rows):
        try:
            import pandas  # noqa: F401
        except ImportError:
            reader = self._csv_chunks_numpy
        else:
            reader = self._csv_chunks_pandas
        try:
            yield from reader(available, names, chunk_rows)
        except (EOFError, gzip.BadGzipFile, UnicodeDecodeError, csv.Error) as exc:
            msg = f"cannot read {self.name}: {exc}"
            raise UsageError(msg) from None

    def _csv_chunks_pandas(self, available, names, chunk_rows):
        import pandas as pd

        first = 1
        with self._open_binary() as f:
            try:
                reader = pd.read_csv(
                    f,
                    usecols=list(names),
                    index_col=False,
                    chunksize=chunk_rows,
                    encoding="utf-8",
                )
                for frame in reader:
                    columns = {n: frame[n].to_numpy() for n in names}
                    chunk = Chunk(first, columns)
                    first += len(chunk)
                    yield chunk
            except pd.errors.ParserError as exc:
                msg = f"cannot read {self.name}: {str(exc).strip().splitlines()[-1]}"
                raise UsageError(msg) from None
            except pd.errors.EmptyDataError:
                return

    def _csv_chunks_numpy(self, available, names, chunk_rows):
        """The CSV reader without pandas: :func:`numpy.loadtxt` on lines read in chunks."""
        index = [available.index(n) for n in names]
        first = 1
        with self._open_text() as f:
            f.readline()
            while lines := list(itertools.islice(f, chunk_rows)):
                try:
                    table = np.loadtxt(
                        lines,
                        delimiter=",",
                        quotechar='"',
                        usecols=index,
                        dtype=str,
                        ndmin=2,
                        encoding=None,
                    )
                except ValueError as exc:
                    msg = f"cannot read {self.name} near row {first}: {exc}"
                    raise UsageError(msg) from None
                columns = {n: table[:, j] for j, n in enumerate(names)}
                chunk = Chunk(first, columns)
                first += len(chunk)
                yield chunk


# --- checking and converting columns ---------------------------------------------


def _first(mask):
    return int(np.flatnonzero(mask)[0])


def _is_missing(values):
    """Mask of missing values (NaN, None, empty text) in a raw column."""
    if values.dtype.kind == "f":
        return np.isnan(values)
    if values.dtype.kind in "US":
        return values == ""
    if values.dtype.kind == "O":
        with np.errstate(invalid="ignore"):
            return (values != values) | np.equal(values, None) | (values == "")
    return np.zeros(values.shape, dtype=bool)


def to_float(values, column, first_row):
    """A raw column as float64; refuse text and missing values, naming the row."""
    if values.dtype.kind in "iub":
        return values.astype(np.float64)
    if values.dtype.kind != "f":
        try:
            values = values.astype(np.float64)
        except (ValueError, TypeError):
            for i, v in enumerate(values):
                try:
                    float(v)
                except (ValueError, TypeError):
                    msg = (
                        f"column {column!r} must hold numbers, "
                        f"but row {first_row + i} has {_plain(v)!r}"
                    )
                    raise UsageError(msg) from None
    values = np.asarray(values, dtype=np.float64)
    missing = np.isnan(values)
    if missing.any():
        msg = f"column {column!r} has a missing or NaN value at row {first_row + _first(missing)}"
        raise UsageError(msg)
    return values


def _distinct(values, limit=3):
    """Up to ``limit`` distinct values of ``values``, in order of first appearance."""
    found = []
    rest = values
    while rest.size and len(found) < limit:
        found.append(rest[0])
        rest = rest[rest != rest[0]]
    return found


def _plain(value):
    """A label as a plain Python value: numbers as int when integral."""
    value = value.item() if isinstance(value, np.generic) else value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


class BinaryLabels:
    """Encodes a label column chunk by chunk into 0/1 codes.

    The positive class is ``pos_label`` if given, else the greater of the two
    labels (as in scikit-learn; 1 for 0/1 labels).  Until the file has shown
    both labels the positive class may be unknown: :meth:`encode` then
    returns None and the caller keeps sums both ways.
    """

    def __init__(self, column, pos_label=None):
        self.column = column
        self.pos_label_text = pos_label
        self.labels = []  # distinct labels, in order of first appearance
        self.numeric = None
        self.positive = None

    def _convert(self, values, first_row):
        if values.dtype.kind == "b":
            values = values.astype(np.int8)
        elif values.dtype.kind in "USO":
            # text that reads as numbers everywhere is numbers (as pandas does)
            try:
                values = values.astype(np.float64)
            except (ValueError, TypeError):
                values = values.astype(object)
        missing = _is_missing(values)
        if missing.any():
            row = first_row + _first(missing)
            msg = f"column {self.column!r} has a missing value at row {row}"
            raise UsageError(msg)
        return values

    def _parse_pos_label(self):
        text = self.pos_label_text
        if not self.numeric:
            return text
        lowered = text.strip().lower()
        if lowered in ("true", "false"):
            return int(lowered == "true")
        try:
            return _plain(float(text))
        except ValueError:
            return text  # not a label: reported by finish()

    def encode(self, values, first_row):
        """0/1 codes (uint8) of a chunk of labels, or None while undecided."""
        values = self._convert(values, first_row)
        numeric = values.dtype.kind != "O"
        if self.numeric is None:
            self.numeric = numeric
        for value in _distinct(values):
            label = _plain(value)
            if label in self.labels:
                continue
            if isinstance(label, str) == self.numeric or len(self.labels) == 2:
                row = first_row + _first(values == value)
                shown = ", ".join(repr(v) for v in self.labels)
                msg = (
                    f"column {self.column!r} must hold two classes, but row {row} has "
                    f"{label!r} after {shown}"
                )
                raise UsageError(msg)
            self.labels.append(label)
        if self.positive is None:
            if self.pos_label_text is not None:
                self.positive = self._parse_pos_label()
            elif self.numeric and set(self.labels) <= {0, 1}:
                self.positive = 1
            elif len(self.labels) == 2:
                self.positive = max(self.labels)
            else:
                return None
        if isinstance(self.positive, str) and self.numeric:
            return np.zeros(values.shape, dtype=np.uint8)
        return (values == self.positive).astype(np.uint8)

    def finish(self):
        """Check the labels seen in the whole file; return the positive class."""
        if self.pos_label_text is not None:
            if self.positive not in self.labels:
                msg = (
                    f"--pos-label {self.pos_label_text!r} is not a label of column "
                    f"{self.column!r}: {self.labels}"
                )
                raise UsageError(msg)
        elif len(self.labels) < 2:
            msg = (
                f"column {self.column!r} contains only one class ({self.labels[0]!r}); "
                "pass --pos-label to say which class is positive"
            )
            raise UsageError(msg)
        return self.positive


def check_probabilities(p, column, first_row):
    """Refuse probabilities outside ``[0, 1]``, naming the first such row."""
    bad = (p < 0) | (p > 1)
    if bad.any():
        i = _first(bad)
        msg = (
            f"column {column!r} must hold probabilities within [0, 1], but row "
            f"{first_row + i} has {p[i]:g} (pass --from-logits for logits or "
            "decision values)"
        )
        raise UsageError(msg)


def check_finite(x, column, first_row, what):
    """Refuse infinite values, naming the first such row."""
    bad = ~np.isfinite(x)
    if bad.any():
        i = _first(bad)
        msg = f"column {column!r} must hold finite {what}, but row {first_row + i} has {x[i]:g}"
        raise UsageError(msg)


# --- skbce score -------------------------------------------------------------------


class ScoreSums:
    """Mergeable sums over part of a file, from which every score is finished.

    Attributes
    ----------
    log_loss : LossSums
        Sums of the log loss of the (clipped) probabilities; ``class_weight``
        holds the weight of each class.
    bce : LossSums
        Sums of the binary cross-entropy (of the logits, with ``--from-logits``).
    brier : float
        Weighted sum of the squared errors.
    """

    def __init__(self, log_loss, bce, brier):
        self.log_loss = log_loss
        self.bce = bce
        self.brier = brier

    def merge(self, other):
        """Sums over the union of both parts."""
        return ScoreSums(
            self.log_loss.merge(other.log_loss),
            self.bce.merge(other.bce),
            self.brier + other.brier,
        )


def chunk_sums(t, s, w, *, from_logits):
    """:class:`ScoreSums` of one chunk: labels 0/1, scores, weights or None.

    The loss sums come from the kernels of :mod:`skbce._loss`, the Brier
    score from :func:`sklearn.metrics.brier_score_loss` times the chunk's
    weight.
    """
    from scipy.special import expit
    from sklearn.metrics import brier_score_loss

    from ._loss import _binary_sums, _logit_sums, total_weight
    from ._validation import Target

    target = Target(classes=np.array([0, 1]), y=t, encoded=True)
    p = expit(s) if from_logits else s
    log_loss, _, _ = _binary_sums(target, p, w, class_totals=True)
    bce = _logit_sums(target, s, w) if from_logits else log_loss
    # brier_score_loss needs both classes (or pos_label) to know the positive one
    brier = brier_score_loss(t, p, sample_weight=w, pos_label=1) * (
        t.shape[0] if w is None else total_weight(w)
    )
    return ScoreSums(log_loss, bce, brier)


class Progress:
    """A progress bar on stderr, drawn only when stderr is a terminal."""

    def __init__(self, label, stream=None):
        self.stream = sys.stderr if stream is None else stream
        self.enabled = self.stream.isatty()
        self.label = label
        self.last = 0.0

    def update(self, fraction, rows):
        """Redraw the bar (at most ten times a second)."""
        now = time.monotonic()
        if not self.enabled or now - self.last < 0.1:
            return
        self.last = now
        width = 30
        filled = int(round(width * fraction))
        bar = "#" * filled + "-" * (width - filled)
        self.stream.write(f"\r{self.label} [{bar}] {fraction:4.0%}  {rows:,} rows")
        self.stream.flush()

    def close(self):
        """Erase the bar."""
        if self.enabled and self.last:
            self.stream.write("\r\033[K")
            self.stream.flush()


def read_predictions(args, *, chunk_handler):
    """Read ``args.file`` chunk by chunk and pass checked arrays to ``chunk_handler``.

    ``chunk_handler(t, s, w)`` receives the 0/1 codes of the labels (or None
    while the positive class is undecided, with the raw labels' single value
    known to :class:`BinaryLabels`), the scores and the weights (or None).
    Returns the :class:`BinaryLabels` and the number of rows.
    """
    source = Source(args.file)
    names = [args.y_true, args.y_proba]
    if args.weight is not None:
        names.append(args.weight)
    if len(set(names)) != len(names):
        msg = f"the same column is given twice: {names}"
        raise UsageError(msg)
    labels = BinaryLabels(args.y_true, args.pos_label)
    progress = Progress(f"skbce {args.command}")
    n_rows = 0
    try:
        for chunk in source.chunks(names, args.chunk_rows):
            first = chunk.first_row
            s = to_float(chunk.columns[args.y_proba], args.y_proba, first)
            if args.from_logits:
                check_finite(s, args.y_proba, first, "logits")
            else:
                check_probabilities(s, args.y_proba, first)
            w = None
            if args.weight is not None:
                w = to_float(chunk.columns[args.weight], args.weight, first)
                check_finite(w, args.weight, first, "weights")
            t = labels.encode(chunk.columns[args.y_true], first)
            if len(chunk):
                chunk_handler(t, s, w)
            n_rows += len(chunk)
            progress.update(source.progress(), n_rows)
    finally:
        progress.close()
    if n_rows == 0:
        msg = f"{source.name} has no rows"
        raise UsageError(msg)
    labels.finish()
    return labels, n_rows


def compute_scores(args):
    """Fold the sums of every chunk of ``args.file``; return the scores as a dict."""
    from ._loss import binary_entropy

    totals = {}  # "known": sums with the positive class settled; 0/1: if undecided

    def add(key, sums):
        totals[key] = sums if key not in totals else totals[key].merge(sums)

    def handle(t, s, w):
        if t is None:  # one label so far, positive class unknown: keep both ways
            add(0, chunk_sums(np.zeros(s.shape, np.uint8), s, w, from_logits=args.from_logits))
            add(1, chunk_sums(np.ones(s.shape, np.uint8), s, w, from_logits=args.from_logits))
        else:
            add("known", chunk_sums(t, s, w, from_logits=args.from_logits))

    labels, n_rows = read_predictions(args, chunk_handler=handle)
    if 0 in totals:
        first_is_positive = labels.labels[0] == labels.positive
        add("known", totals[int(first_is_positive)])
    sums = totals["known"]
    weight = sums.log_loss.weight
    if weight == 0:
        msg = f"the weights in column {args.weight!r} sum to zero"
        raise UsageError(msg)
    negatives, positives = sums.log_loss.class_weight
    base_rate = positives / weight
    entropy = binary_entropy(base_rate)
    bce = sums.bce.loss / weight
    return {
        "file": os.fspath(args.file),
        "n_rows": n_rows,
        "total_weight": float(weight),
        "positive_class": labels.positive,
        "base_rate": base_rate,
        "log_loss": sums.log_loss.loss / weight,
        "binary_cross_entropy": bce,
        "normalized_cross_entropy": bce / entropy if entropy > 0 else math.nan,
        "brier_score": sums.brier / weight,
    }


def format_scores(scores):
    """The text output of ``skbce score``."""
    weighted = "" if scores["total_weight"] == scores["n_rows"] else (
        f", total weight {scores['total_weight']:,.6g}"
    )
    lines = [
        f"{scores['file']}: {scores['n_rows']:,} rows{weighted}; positive class "
        f"{scores['positive_class']!r}, base rate {scores['base_rate']:.4g}",
        "",
    ]
    names = {
        "log_loss": "log loss",
        "binary_cross_entropy": "binary cross-entropy",
        "normalized_cross_entropy": "normalized cross-entropy",
        "brier_score": "Brier score",
    }
    width = max(len(v) for v in names.values())
    for key, name in names.items():
        lines.append(f"{name:<{width}}  {scores[key]:<10.6g}  {EXPLAIN[key]}")
    lines.append("")
    lines.append("All are losses: lower is better.")
    return "\n".join(lines)


def command_score(args):
    """``skbce score``: print the scores of a file of predictions."""
    scores = compute_scores(args)
    if args.format == "json":
        print(json.dumps(scores, indent=2, default=str))
    else:
        print(format_scores(scores))
    return 0


# --- the parser ---------------------------------------------------------------------

_SCORE_EXAMPLE = """\
examples:
  skbce score predictions.csv --y-true label --y-proba p
  skbce score scores.csv.gz --y-true clicked --y-proba logit --from-logits
  skbce score data.parquet --y-true y --y-proba p --weight w --pos-label yes

FILE is a CSV file with a header line (optionally gzip-compressed) or a
Parquet file (needs pyarrow: pip install "skbce[parquet]").  It is read in
chunks, so memory stays bounded whatever its size.  Rows are numbered from 1
after the header.  Exit status 2 on a mistake in the arguments or the data.
"""


class _Parser(argparse.ArgumentParser):
    """An argument parser whose errors fit on one line."""

    def error(self, message):
        """Print a one-line error and exit with status 2."""
        self.exit(USAGE_ERROR, f"{self.prog}: error: {message} (see {self.prog} --help)\n")


def _positive_int(text):
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1:
        msg = f"must be a positive integer, got {text!r}"
        raise argparse.ArgumentTypeError(msg)
    return value


def _add_input_arguments(parser):
    parser.add_argument("file", metavar="FILE", help="CSV, CSV.gz or Parquet file")
    parser.add_argument(
        "--y-true", required=True, metavar="COL", help="column of the true labels"
    )
    parser.add_argument(
        "--y-proba",
        required=True,
        metavar="COL",
        help="column of the predicted probability of the positive class "
        "(or of logits, with --from-logits)",
    )
    parser.add_argument("--weight", metavar="COL", help="column of sample weights")
    parser.add_argument(
        "--pos-label",
        metavar="L",
        help="the positive class (default: the greater label, 1 for 0/1 labels)",
    )
    parser.add_argument(
        "--from-logits",
        action="store_true",
        help="--y-proba holds logits (decision values), not probabilities",
    )
    parser.add_argument(
        "--chunk-rows",
        type=_positive_int,
        default=CHUNK_ROWS,
        metavar="N",
        help=f"rows read at a time (default: {CHUNK_ROWS}); memory grows with it",
    )


def build_parser():
    """The argument parser of the ``skbce`` command."""
    from . import __version__

    parser = _Parser(
        prog="skbce",
        description="Binary cross-entropy metrics and calibration reports.",
        epilog="examples:\n  skbce demo\n  skbce score predictions.csv --y-true y "
        "--y-proba p\n\nRun 'skbce COMMAND --help' for the options of a command.",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"skbce {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    score = commands.add_parser(
        "score",
        help="print log loss, binary cross-entropy, normalized cross-entropy and "
        "Brier score of a file of predictions",
        description="Print the log loss, binary cross-entropy, normalized "
        "cross-entropy and Brier score of a file of predictions.",
        epilog=_SCORE_EXAMPLE,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    _add_input_arguments(score)
    score.add_argument(
        "--format",
        choices=["text", "json"],
        default="text",
        help="output format (default: text)",
    )
    score.set_defaults(handler=command_score)
    return parser


def main(argv=None):
    r"""Run the ``skbce`` command line.

    Parameters
    ----------
    argv : list of str, default=None
        The arguments (without the program name); ``None`` reads
        ``sys.argv[1:]``.

    Returns
    -------
    status : int
        The exit status: 0 on success, 2 on a mistake in the arguments or
        the data (with a one-line message on stderr).

    Examples
    --------
    >>> import pathlib, tempfile
    >>> from skbce._cli import main
    >>> folder = tempfile.TemporaryDirectory()
    >>> path = pathlib.Path(folder.name) / "predictions.csv"
    >>> _ = path.write_text("y,p\n0,0.1\n1,0.8\n1,0.6\n")
    >>> main(["score", str(path), "--y-true", "y", "--y-proba", "p", "--format", "json"])
    {
      "file": "...predictions.csv",
      "n_rows": 3,
      "total_weight": 3.0,
      "positive_class": 1,
      "base_rate": 0.666...,
      "log_loss": 0.2797...,
      "binary_cross_entropy": 0.2797...,
      "normalized_cross_entropy": 0.4395...,
      "brier_score": 0.07
    }
    0
    >>> folder.cleanup()
    """
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # --help, --version and argument errors
        return exc.code if isinstance(exc.code, int) else USAGE_ERROR
    if args.command is None:
        parser.print_help()
        return USAGE_ERROR
    try:
        return args.handler(args)
    except UsageError as exc:
        print(f"skbce {args.command}: error: {exc}", file=sys.stderr)
        return USAGE_ERROR
    except KeyboardInterrupt:
        print(f"skbce {args.command}: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        # the reader of our output went away (e.g. `skbce ... | head`)
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 1
