"""The command line: ``skbce demo``, ``skbce score`` and ``skbce report``.

``skbce score`` reads a file of predictions in chunks and folds the mergeable
partial sums of the kernels in :mod:`skbce._metrics.losses` (``LossSums``),
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
import re
import stat
import sys
import time

import numpy as np

__all__ = ["main"]

#: Exit status for a mistake of the user (as argparse uses for bad arguments).
USAGE_ERROR = 2

#: Rows read at a time by ``skbce score`` and ``skbce report``.
CHUNK_ROWS = 1 << 20

#: One-line explanation of each score in the text output of ``skbce score``.
EXPLAIN = {
    "log_loss": "mean of -log(probability given to the true class); 0 is perfect",
    "binary_cross_entropy": "the same loss, from logits when --from-logits (exact, not clipped)",
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


def _not_utf8(name, exc):
    return (
        f"{name} is not UTF-8 text: byte {exc.object[exc.start : exc.start + 1]!r} at "
        f"offset {exc.start} of a block cannot be decoded (save the file as UTF-8 CSV)"
    )


class Source:
    """A file of predictions: CSV (optionally gzip-compressed) or Parquet.

    The format is read from the first bytes of the file, not its name.
    ``progress()`` tells which fraction of the file has been read.
    """

    def __init__(self, path):
        self.path = path
        self.name = os.fspath(path)
        try:
            mode = os.stat(path).st_mode
            if stat.S_ISDIR(mode):
                msg = f"{self.name} is a directory, not a file"
                raise UsageError(msg)
            if not stat.S_ISREG(mode):
                msg = f"{self.name} is not a regular file (pipes and devices cannot be read twice)"
                raise UsageError(msg)
            with open(path, "rb") as f:
                magic = f.read(4)
            self.size = os.path.getsize(path)
        except FileNotFoundError:
            msg = f"no such file: {self.name}"
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
            except UnicodeDecodeError as exc:
                raise UsageError(_not_utf8(self.name, exc)) from None
            except csv.Error as exc:
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
        from skbce._utils.optional import import_optional

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
            columns = {n: batch.column(n).to_numpy(zero_copy_only=False) for n in names}
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
        except UnicodeDecodeError as exc:
            raise UsageError(_not_utf8(self.name, exc)) from None
        except (EOFError, gzip.BadGzipFile, csv.Error) as exc:
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

    The sums come from the kernels of :mod:`skbce._metrics.losses`, which walk the
    chunk in blocks.
    """
    from scipy.special import expit

    from skbce._metrics.losses import _binary_sums, _logit_sums, _squared_error_sums
    from skbce._utils.validation import Target

    target = Target(classes=np.array([0, 1]), y=t, encoded=True)
    p = expit(s) if from_logits else s
    log_loss, _, _ = _binary_sums(target, p, w, class_totals=True)
    bce = _logit_sums(target, s, w) if from_logits else log_loss
    # the kernel sums both columns of the one-hot encoding; the binary Brier
    # score is half of that
    brier = _squared_error_sums(target, p, w) / 2
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
    from skbce._metrics.losses import binary_entropy

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
    weighted = (
        ""
        if scores["total_weight"] == scores["n_rows"]
        else (f", total weight {scores['total_weight']:,.6g}")
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


# --- skbce report ------------------------------------------------------------------


def read_columns(args):
    """Read the whole file: labels (as two-class values), scores, weights."""
    parts = []  # (codes or None while undecided, scores, weights)

    def keep(t, s, w):
        parts.append((t, s, w))

    labels, _ = read_predictions(args, chunk_handler=keep)
    if len(labels.labels) < 2:
        msg = (
            f"column {args.y_true!r} holds a single class ({labels.labels[0]!r}); "
            "a calibration report needs both"
        )
        raise UsageError(msg)
    first_code = np.uint8(labels.labels[0] == labels.positive)
    codes = np.concatenate(
        [np.full(s.shape, first_code, np.uint8) if t is None else t for t, s, _ in parts]
    )
    scores = np.concatenate([s for _, s, _ in parts])
    weights = None if args.weight is None else np.concatenate([w for _, _, w in parts])
    negative = next(v for v in labels.labels if v != labels.positive)
    classes = np.asarray([negative, labels.positive])
    return classes[codes], scores, weights, labels.positive


def command_report(args):
    """``skbce report``: the calibration report of a file of predictions."""
    import warnings

    from skbce._report.report import calibration_report

    y, s, w, positive = read_columns(args)
    if args.bins > y.shape[0]:
        msg = f"--bins {args.bins} is more than the number of rows ({y.shape[0]})"
        raise UsageError(msg)
    with warnings.catch_warnings():
        # the report keeps the messages in report.notes, and prints them
        warnings.simplefilter("ignore")
        try:
            report = calibration_report(
                y,
                s,
                sample_weight=w,
                pos_label=positive,
                from_logits=args.from_logits,
                n_bins=args.bins,
                strategy=args.strategy,
            )
        except ValueError as exc:
            raise UsageError(str(exc)) from None
    if args.format == "html":
        from skbce._render.html import report_page

        subtitle = (
            f"{args.file}: labels in column {args.y_true!r}, "
            f"{'logits' if args.from_logits else 'probabilities'} in column "
            f"{args.y_proba!r}" + (f", weights in column {args.weight!r}" if args.weight else "")
        )
        text = report_page(report, title="Calibration report", subtitle=subtitle)
    elif args.format == "markdown":
        text = report.to_markdown() + "\n"
    elif args.format == "json":
        text = json.dumps(report.to_dict(), indent=2) + "\n"
    else:
        text = str(report) + "\n"
    if args.output is None:
        sys.stdout.write(text)
    else:
        try:
            with open(args.output, "w", encoding="utf-8") as f:
                f.write(text)
        except OSError as exc:
            msg = f"cannot write {args.output}: {exc.strerror or exc}"
            raise UsageError(msg) from None
        print(f"skbce report: wrote {args.output}", file=sys.stderr)
    return 0


# --- skbce demo --------------------------------------------------------------------

#: The models of the demo and their grids (kept small: the demo runs in seconds).
_DEMO_MODELS = ("logistic regression", "gradient boosting")


def _demo_models():
    from sklearn.ensemble import HistGradientBoostingClassifier
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    return {
        "logistic regression": (
            make_pipeline(StandardScaler(), LogisticRegression(max_iter=1000)),
            {"logisticregression__C": [0.01, 0.1, 1.0, 10.0, 100.0]},
        ),
        "gradient boosting": (
            HistGradientBoostingClassifier(max_iter=100, early_stopping=False, random_state=0),
            {"learning_rate": [0.03, 0.1, 0.3], "max_leaf_nodes": [4, 15]},
        ),
    }


def _short_params(params):
    return ", ".join(f"{k.split('__')[-1]}={v:g}" for k, v in params.items())


def _search_rows(search):
    """Rows (params, mean log loss, std, accuracy, rank) of a finished search."""
    res = search.cv_results_
    rows = []
    for i in np.argsort(res["rank_test_log_loss"], kind="stable"):
        rows.append(
            [
                _short_params(res["params"][i]),
                f"{-res['mean_test_log_loss'][i]:.4f}",
                f"{res['std_test_log_loss'][i]:.4f}",
                f"{res['mean_test_accuracy'][i]:.4f}",
                str(res["rank_test_log_loss"][i]),
            ]
        )
    return rows


_SEARCH_HEADER = ["parameters", "log loss", "std", "accuracy", "rank"]


def _text_table(header, rows):
    widths = [max(len(str(r[j])) for r in [header, *rows]) for j in range(len(header))]
    lines = []
    for r in [header, *rows]:
        cells = [
            str(c).ljust(w) if j == 0 else str(c).rjust(w)
            for j, (c, w) in enumerate(zip(r, widths, strict=True))
        ]
        lines.append("  " + "  ".join(cells).rstrip())
    return "\n".join(lines)


def command_demo(args):
    """``skbce demo``: tune two models by log loss, compare their calibration."""
    import warnings

    from sklearn.datasets import load_breast_cancer
    from sklearn.model_selection import GridSearchCV, StratifiedKFold, train_test_split
    from threadpoolctl import threadpool_limits

    from skbce._render.html import comparison_page, table
    from skbce._report.report import CalibrationReport, compare_calibration
    from skbce._scorer.scorer import get_scorer

    start = time.perf_counter()

    def say(text):
        print(f"[{time.perf_counter() - start:5.1f}s] {text}", flush=True)

    data = load_breast_cancer()
    X, y = data.data, data.target_names[data.target]
    X_train, X_test, y_train, y_test = train_test_split(
        X, y, test_size=0.3, stratify=y, random_state=0
    )
    say(
        f"breast cancer data (ships with scikit-learn): {X.shape[0]} samples, "
        f"{X.shape[1]} features, classes {sorted(map(str, set(y)))}; {len(y_train)} to train, "
        f"{len(y_test)} to test"
    )
    scoring = {"log_loss": get_scorer("neg_log_loss"), "accuracy": "accuracy"}
    cv = StratifiedKFold(5, shuffle=True, random_state=0)
    searches, reports = {}, {}
    for name, (model, grid) in _demo_models().items():
        n_candidates = int(np.prod([len(v) for v in grid.values()]))
        say(f"tuning {name}: {n_candidates} candidates x 5 folds, scored by log loss ...")
        search = GridSearchCV(model, grid, scoring=scoring, refit="log_loss", cv=cv)
        # one thread: on 400 samples threads cost more than they bring, and
        # OpenMP threads spinning on a busy machine slow the fits tenfold
        with warnings.catch_warnings(), threadpool_limits(1, user_api="openmp"):
            warnings.simplefilter("ignore")  # convergence chatter of weak candidates
            search.fit(X_train, y_train)
        searches[name] = search
        say(
            f"  best: {_short_params(search.best_params_)}, cross-validated log loss "
            f"{-search.best_score_:.4f}"
        )
        print(_text_table(_SEARCH_HEADER, _search_rows(search)), flush=True)
        by_accuracy = int(np.argmin(search.cv_results_["rank_test_accuracy"]))
        if by_accuracy != search.best_index_:
            res = search.cv_results_
            print(
                f"  (accuracy alone would pick {_short_params(res['params'][by_accuracy])}"
                f": log loss {-res['mean_test_log_loss'][by_accuracy]:.4f})",
                flush=True,
            )
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # kept in report.notes
            reports[name] = CalibrationReport.from_estimator(
                search.best_estimator_, X_test, y_test, n_bins=5
            )
    positive = reports[_DEMO_MODELS[0]].pos_label
    say(f"calibration on the {len(y_test)} test samples (positive class {positive!r}):")
    print(compare_calibration(reports), flush=True)
    print(f"\nreliability on the test set\n{_demo_reliability(reports)}", flush=True)

    intro = [
        "<p>The breast cancer data set that ships with scikit-learn: "
        f"{X.shape[0]} samples, {X.shape[1]} features. Each model is tuned by "
        "<code>GridSearchCV</code> on 70% of the data, scored by skbce's "
        "<code>neg_log_loss</code> scorer (5-fold cross-validation), and its best "
        "version is reported on the remaining 30%.</p>"
    ]
    for name, search in searches.items():
        intro.append(f"<h3>Search: {html_escape(name)}</h3>")
        intro.append(table(_SEARCH_HEADER, _search_rows(search)))
    path = os.path.abspath(args.output)
    try:
        comparison_page(reports, path, title="skbce demo: tuned by log loss", intro="".join(intro))
    except OSError as exc:
        msg = f"cannot write {args.output}: {exc.strerror or exc}"
        raise UsageError(msg) from None
    say(f"wrote the HTML report to {path}: open it in a web browser")
    return 0


def _demo_reliability(reports):
    """The reliability tables of the reports side by side, as text."""
    first = next(iter(reports.values())).reliability
    header = ["bin"]
    rows = [
        [f"({lo:.1f}, {hi:.1f}]"] for lo, hi in zip(first.bin_lower, first.bin_upper, strict=True)
    ]
    for report in reports.values():
        rel = report.reliability
        header += ["n", "predicted", "observed"]
        for row, n, mp, ob, empty in zip(
            rows, rel.count, rel.mean_predicted, rel.observed, rel.empty, strict=True
        ):
            row += ["0", "-", "-"] if empty else [f"{n:,}", f"{mp:.3f}", f"{ob:.3f}"]
    lines = _text_table(header, rows).splitlines()
    # the name of each model above its three columns
    starts = [m.start() for m in re.finditer(r"\s+n\b", lines[0])]
    names = " " * len(lines[0])
    for start, name in zip(starts, reports, strict=True):
        names = names[:start] + f"  {name}" + names[start + len(name) + 2 :]
    return "\n".join([names.rstrip(), *lines])


def html_escape(text):
    """Escape text for HTML."""
    import html

    return html.escape(str(text), quote=True)


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


_REPORT_EXAMPLE = """\
examples:
  skbce report predictions.csv --y-true label --y-proba p
  skbce report predictions.csv --y-true label --y-proba p --format html -o report.html
  skbce report scores.parquet --y-true y --y-proba logit --from-logits --bins 20 \\
      --strategy quantile --format markdown

FILE is read as for 'skbce score' (CSV, CSV.gz or Parquet).  Exit status 2
on a mistake in the arguments or the data.
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
    parser.add_argument("--y-true", required=True, metavar="COL", help="column of the true labels")
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
    from skbce import __version__

    parser = _Parser(
        prog="skbce",
        description="Binary cross-entropy metrics and calibration reports.",
        epilog="examples:\n  skbce demo\n  skbce score predictions.csv --y-true y "
        "--y-proba p\n  skbce report predictions.csv --y-true y --y-proba p --format "
        "html -o report.html\n\nRun 'skbce COMMAND --help' for the options of a "
        "command.",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"skbce {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    demo = commands.add_parser(
        "demo",
        help="tune two models by log loss on a bundled data set and compare their calibration",
        description="Tune a LogisticRegression and a HistGradientBoostingClassifier "
        "with GridSearchCV scored by skbce's log-loss scorer on the breast cancer data "
        "that ships with scikit-learn, print the search results and the calibration "
        "report of each model side by side, and write an HTML report.",
        epilog="examples:\n  skbce demo\n  skbce demo -o /tmp/demo.html",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    demo.add_argument(
        "-o",
        "--output",
        metavar="OUT",
        default="skbce-demo.html",
        help="where to write the HTML report (default: skbce-demo.html in the current directory)",
    )
    demo.set_defaults(handler=command_demo)

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

    report = commands.add_parser(
        "report",
        help="print or write the calibration report of a file of predictions",
        description="The calibration report of a file of predictions: scores, "
        "reliability table, calibration errors and tests, as text, Markdown, JSON "
        "or a self-contained HTML page.  The columns are held in memory.",
        epilog=_REPORT_EXAMPLE,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    _add_input_arguments(report)
    report.add_argument(
        "--bins",
        type=_positive_int,
        default=10,
        metavar="N",
        help="bins of the reliability table (default: 10)",
    )
    report.add_argument(
        "--strategy",
        choices=["uniform", "quantile"],
        default="uniform",
        help="equal-width bins or bins of equal count (default: uniform)",
    )
    report.add_argument(
        "--format",
        choices=["text", "markdown", "json", "html"],
        default="text",
        help="output format (default: text)",
    )
    report.add_argument(
        "-o",
        "--output",
        metavar="OUT",
        help="write to this file instead of standard output",
    )
    report.set_defaults(handler=command_report)
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
    >>> from skbce._cli.main import main
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
