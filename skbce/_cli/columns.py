"""Columns of a file as arrays the library takes: one set of rules for every reader.

A reader hands over the raw values of a chunk: the label column as its
distinct values and a code per row (``-1`` for a missing cell), the other
columns as numbers or text.  Every reader (pandas, the ``csv`` module,
Parquet) goes through the same conversions here, so a file means the same
whatever reads it and however it is split into chunks:

- a cell is missing when it is empty (or null in Parquet, or NaN);
- a label that reads as a number is that number (``1``, ``1.0`` and ``1e0``
  are one label), ``true``/``false`` in any case are 1 and 0, and any other
  text is the text itself; a column mixing numbers and text is refused;
- a score or weight must read as a number.

Which class is positive is decided by the library, from the whole column
(:func:`skbce._utils.binary_targets.binary_target`'s rules).
"""

import contextlib
import decimal
import math

import numpy as np

from skbce._cli.errors import UsageError, shown

__all__ = [
    "LabelColumn",
    "check_values",
    "label_array",
    "label_value",
    "raise_first",
    "text_column",
    "to_float",
]

_BOOLEANS = {"true": 1, "false": 0}


def label_value(value):
    """The label a raw cell stands for; None when the cell is missing.

    Examples
    --------
    >>> from skbce._cli.columns import label_value
    >>> from decimal import Decimal
    >>> [label_value(v) for v in ["1", "1.0", 2.0, "TRUE", True, " yes", "", None, Decimal("1.0")]]
    [1, 1, 2, 1, 1, ' yes', None, None, 1]
    >>> label_value("1_0")
    '1_0'
    >>> label_value("+9007199254740993"), label_value(Decimal("9007199254740993"))
    (9007199254740993, 9007199254740993)
    """
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, decimal.Decimal):  # Parquet decimals: numbers like any other
        whole = value.is_finite() and value == value.to_integral_value()
        value = int(value) if whole else float(value)
    if value is None:
        return None
    if isinstance(value, str | bytes):
        text = value.decode() if isinstance(value, bytes) else value
        if text.strip().lower() in _BOOLEANS:
            return _BOOLEANS[text.strip().lower()]
        if _python_only(text):  # float() reads "1_0" as 10: text, as every CSV reader reads it
            return text
        with contextlib.suppress(ValueError):  # integers exactly, beyond 2**53 too
            return int(text)
        try:
            value = float(text)
        except ValueError:
            return text if text else None
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, float):
        if math.isnan(value):
            return None
        if value.is_integer():
            return int(value)
    return value


def label_array(labels):
    """Labels (as :func:`label_value` gives them) as one array, as numpy would read them.

    Text as text; integers exactly, as int64 (uint64 beyond it); other
    numbers as float64.

    Examples
    --------
    >>> from skbce._cli.columns import label_array
    >>> label_array([0, 2**64 - 1]).dtype, label_array([0, 0.5]).dtype
    (dtype('uint64'), dtype('float64'))
    """
    if any(isinstance(v, str) for v in labels):
        return np.array(labels, dtype=str)
    if all(isinstance(v, int) for v in labels):
        for dtype in (np.int64, np.uint64):
            info = np.iinfo(dtype)
            if all(info.min <= v <= info.max for v in labels):
                return np.array(labels, dtype=dtype)
    return np.array(labels, dtype=np.float64)


class LabelColumn:
    """The labels of a column, chunk by chunk, as one array type for the whole file.

    Keeps the distinct labels seen (with the row of their first appearance)
    only to name rows in messages: at most two classes, no missing cell, no
    mix of numbers and text.
    """

    def __init__(self, column):
        self.column = column
        self.labels = {}  # label -> first row

    def convert(self, categories, codes, first_row):
        """The labels of a chunk given as distinct raw values and a code per row.

        Returns ``(labels, problem)``: the array of labels, and the first
        mistake of the chunk as ``(row, message)`` (None when there is none).
        """
        values = [label_value(v) for v in categories]
        gone = [k for k, v in enumerate(values) if v is None]
        missing = codes < 0
        if gone:
            missing |= np.isin(codes, gone)
        problem = None
        if missing.any():
            row = first_row + _first(missing)
            problem = (row, f"column {self.column!r} has a missing value at row {row}")
            codes = np.where(missing, len(values), codes)
        # only labels not seen in earlier chunks can be a mistake
        new = {k for k, v in enumerate(values) if v is not None and v not in self.labels}
        present = []
        if new:
            counts = np.bincount(codes, minlength=len(values))[: len(values)]
            present = [k for k in np.flatnonzero(counts).tolist() if k in new]
        firsts = sorted((first_row + int(np.argmax(codes == k)), k) for k in present)
        for row, k in firsts:
            if problem is not None and problem[0] < row:
                break
            found = self._see(values[k], row)
            if found is not None:
                problem = found
                break
        if problem is not None:
            return None, problem
        table = label_array([0 if v is None else v for v in values])
        return table[codes], None

    def _see(self, label, row):
        if label in self.labels:
            return None
        if isinstance(label, int) and not math.isfinite(_as_float(label)):
            msg = f"column {self.column!r} has a label too large for a number at row {row}"
            return row, f"{msg}: {shown(label)}"
        seen = list(self.labels)
        if seen and isinstance(label, str) != isinstance(seen[0], str):
            msg = (
                f"column {self.column!r} mixes numbers and text: row {row} has "
                f"{shown(label)} after {shown(seen[0])}"
            )
            return row, msg
        if len(seen) == 2:
            listed = ", ".join(shown(v) for v in seen)
            msg = (
                f"column {self.column!r} must hold two classes, but row {row} has "
                f"{shown(label)} after {listed}"
            )
            return row, msg
        self.labels[label] = row
        return None

    def classes(self):
        """The distinct labels seen, sorted, as an array for the validation module."""
        return label_array(sorted(self.labels))


def _as_float(value):
    """``float(value)``; infinite beyond the largest float."""
    try:
        return float(value)
    except OverflowError:
        return math.inf


def _first(mask):
    return int(np.flatnonzero(mask)[0])


def _is_missing(values):
    """Mask of missing cells (NaN, None, empty text) of a raw column."""
    if values.dtype.kind == "f":
        return np.isnan(values)
    if values.dtype.kind in "US":
        return values == values.dtype.type()
    if values.dtype.kind == "O":
        return np.array([v is None or v == "" or v != v for v in values], dtype=bool)
    return np.zeros(values.shape, dtype=bool)


def _python_only(text):
    """Whether Python's ``float`` reads ``text`` as a number where no CSV reader does.

    ``"0_1"`` is 1 and ``"\uff10.\uff12"`` (full-width digits) 0.2 to Python;
    numbers in a file are ASCII, without ``_``.
    """
    return isinstance(text, str) and ("_" in text or not text.isascii())


def _python_only_any(values):
    """Whether some text of ``values`` is :func:`_python_only`."""
    return values.dtype.kind in "OU" and any(_python_only(v) for v in values.tolist())


def _not_a_number(values):
    """Index of the first value that does not read as a number, or None."""
    for i, v in enumerate(values.tolist()):
        if _python_only(v):  # no CSV reader takes "0_1" for 1
            return i
        try:
            float(v)
        except (ValueError, TypeError, OverflowError):
            return i
    return None


def to_float(values, column, first_row):
    """A raw column as float64, and its first mistake as ``(row, message)`` or None.

    With a mistake the values are those read before it (NaN for a missing
    cell), so that a range check can still find an earlier mistake.
    """
    if values.dtype.kind in "iub":
        return values.astype(np.float64), None
    problem = None
    if values.dtype.kind != "f":
        missing = _is_missing(values)
        filled = np.where(missing, "nan", values)
        try:
            values = filled.astype(np.float64)
            if _python_only_any(filled):
                raise ValueError
        except (ValueError, TypeError, OverflowError):
            i = _not_a_number(filled)
            msg = (
                f"column {column!r} must hold numbers, but row {first_row + i} "
                f"has {shown(filled[i])}"
            )
            problem = (first_row + i, msg)
            values = filled[:i].astype(np.float64)
    values = values.astype(np.float64, copy=False)
    missing = np.isnan(values)
    if missing.any():
        problem = _missing(column, first_row, missing)
    return values, problem


def text_column(values, column, first_row):
    """A column of group names as text, and its first missing cell as ``(row, message)``."""
    missing = _is_missing(values)
    if missing.any():
        row = first_row + _first(missing)
        return None, (row, f"column {column!r} has a missing value at row {row}")
    if values.dtype.kind != "O":  # numbers (Parquet): group names as written
        values = np.array([str(label_value(v)) for v in values.tolist()], dtype=object)
    return values.astype(object), None


def _missing(column, first_row, missing):
    row = first_row + _first(missing)
    return row, f"column {column!r} has a missing or NaN value at row {row}"


def check_values(x, column, first_row, *, what):
    """The first row of ``x`` that is not a ``what`` as ``(row, message)``, or None.

    ``what`` is ``"probabilities"`` (within ``[0, 1]``), ``"logits"`` (finite)
    or ``"weights"`` (finite and non-negative).
    """
    if what == "probabilities":
        bad = (x < 0) | (x > 1)
    elif what == "logits":
        bad = ~np.isfinite(x)
    else:
        bad = ~np.isfinite(x) | (x < 0)
    if not bad.any():
        return None
    i = _first(bad)
    row, value = first_row + i, x[i]
    if what == "probabilities":
        # percentages: every value of the chunk within [0, 100]
        hint = (
            "percentages? divide them by 100"
            if 0 <= np.fmin.reduce(x) and np.fmax.reduce(x) <= 100
            else "pass --from-logits for logits or decision values"
        )
        msg = (
            f"column {column!r} must hold probabilities within [0, 1], but row {row} has "
            f"{value:g} ({hint})"
        )
    elif what == "logits":
        msg = f"column {column!r} must hold finite logits, but row {row} has {value:g}"
    else:
        kind = "finite" if not np.isfinite(value) else "non-negative"
        msg = f"column {column!r} must hold {kind} weights, but row {row} has {value:g}"
    return row, msg


def raise_first(*problems):
    """Raise the problem of the earliest row among ``problems`` (None for none)."""
    found = [p for p in problems if p is not None]
    if found:
        raise UsageError(min(found, key=lambda p: p[0])[1])
