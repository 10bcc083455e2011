"""The rows of a CSV file in chunks, parsed by pyarrow (the ``cli`` extra).

The file is cut into blocks of about :data:`BLOCK_BYTES` bytes at line ends
(never inside a quoted cell), and each block is parsed by pyarrow's
multithreaded CSV reader; only the requested columns are converted.  The
rules, whatever the block or chunk boundaries:

- only an empty cell is missing (``NA`` or ``null`` are text);
- every row has as many fields as the header (a longer or shorter row is
  refused, naming its row); blank lines are skipped;
- scores and weights are read as numbers by pyarrow; a block where that
  fails is read again as text, so that :func:`skbce._cli.columns.to_float`
  names the row and the cell;
- the label column comes as its distinct raw values with a code per row
  (integers as such, anything else as text).
"""

import contextlib
import csv as std_csv
import io
import re

import numpy as np

from skbce._cli.chunk import Chunk
from skbce._cli.errors import UsageError, one_line, shown

__all__ = ["BLOCK_BYTES", "csv_chunks", "import_pyarrow_csv"]

#: Bytes read at a time (the peak memory grows with it).
BLOCK_BYTES = 1 << 23

#: Bytes of a block parsed as one piece: pyarrow's threads parse the pieces in parallel,
#: and each piece's columns become numpy arrays without a copy.
PARSE_BYTES = 1 << 20

#: A quote left open is reported once this many bytes past it hold no closing quote.
MAX_CARRY = 1 << 26


def import_pyarrow_csv():
    """``(pyarrow, pyarrow.csv)``, or a :class:`UsageError` naming the extra to install."""
    from skbce._utils.optional import import_optional

    try:
        pa = import_optional("pyarrow", "Reading CSV files")
        csv = import_optional("pyarrow.csv", "Reading CSV files")
    except ImportError as exc:
        raise UsageError(str(exc)) from None
    return pa, csv


def _exact_quotes(raw, quotes, sep):
    """The quotes that open or close a quoted field, one at a time (see :func:`_inside_quotes`)."""
    kept, inside, closed = [], False, -2
    breaks = {ord(sep), ord("\n"), ord("\r")}
    for q in quotes.tolist():
        if inside:
            inside, closed = False, q
        elif q == 0 or int(raw[q - 1]) in breaks or closed == q - 1:
            inside = True  # a field opens with a quote, or a doubled quote goes on
        else:
            continue  # a quote inside a field that is not quoted is text
        kept.append(q)
    return np.array(kept, dtype=np.intp)


def _inside_quotes(raw, sep):
    """Per byte of ``raw`` (starting outside quotes): 1 inside a quoted field, else 0.

    Taking every quote in turn is right unless a quote stands inside a field
    that is not quoted (``15" screen``): an opening quote follows a delimiter,
    a line end or a closing quote.  Only then are the quotes read one at a time.
    """
    is_quote = raw == ord('"')
    inside = np.bitwise_xor.accumulate(is_quote.view(np.uint8))
    opening = np.flatnonzero(is_quote & (inside == 1))
    follows = np.zeros(256, dtype=bool)
    follows[[ord(sep), ord("\n"), ord("\r"), ord('"')]] = True
    starts = follows[raw[opening - 1]]  # the byte before each opening quote
    starts[opening == 0] = True  # (or none)
    if not starts.all():
        is_quote = np.zeros(raw.size, dtype=np.uint8)
        is_quote[_exact_quotes(raw, np.flatnonzero(raw == ord('"')), sep)] = 1
        inside = np.bitwise_xor.accumulate(is_quote)
    return inside


def _line_ends(data, sep):
    """Offset just after the last line end of ``data`` outside quotes (0 if none)."""
    if b'"' not in data:
        return data.rfind(b"\n") + 1
    raw = np.frombuffer(data, dtype=np.uint8)
    ends = np.flatnonzero((raw == ord("\n")) & (_inside_quotes(raw, sep) == 0))
    return int(ends[-1]) + 1 if ends.size else 0


def _blocks(f, source):
    """Blocks of whole lines of the binary file ``f`` (after its header line)."""
    carry = b""
    while True:
        block = f.read(BLOCK_BYTES)
        source.note_position()
        if not block:
            if carry.strip():
                yield carry
            return
        data = carry + block
        cut = _line_ends(data, source.sep)
        if cut == 0 and len(data) > MAX_CARRY:
            # counting quotes takes one in a field that is not quoted (15" screen) for
            # an opening one: ask the csv module where the whole rows end
            cut = _record_ends(data, source.sep)
        if cut == 0 and len(data) > MAX_CARRY:
            what = "a quote is not closed" if b'"' in data else "a line does not end"
            msg = f"cannot read {source.name}: {what} within {MAX_CARRY >> 20} MiB"
            raise UsageError(msg)
        carry = data[cut:]
        if cut:
            yield data if cut == len(data) else data[:cut]


def _record_ends(data, sep):
    """Offset just after the last whole row of ``data``, read by the csv module (0 if none)."""
    text = data.decode(errors="replace")
    rows = std_csv.reader(io.StringIO(text, newline="\n"), delimiter=sep, strict=True)
    whole = [0]  # lines read at the end of each row
    try:
        with _field_limit(len(text)):
            for _ in rows:
                whole.append(rows.line_num)
        if not text.endswith("\n"):  # the last row may go on in the next block
            whole.pop()
    except std_csv.Error:  # a quote open at the end of data, or a malformed row
        pass
    if not whole or not whole[-1]:
        return 0
    ends = np.flatnonzero(np.frombuffer(data, dtype=np.uint8) == ord("\n"))
    return int(ends[whole[-1] - 1]) + 1


@contextlib.contextmanager
def _field_limit(size):
    """Let Python's csv module read fields of ``size`` characters (131072 by default)."""
    limit = std_csv.field_size_limit(max(std_csv.field_size_limit(), size))
    try:
        yield
    finally:
        std_csv.field_size_limit(limit)


class _Parser:
    """Parse blocks of a CSV file into numpy columns with pyarrow."""

    def __init__(self, source, available, names, text):
        self.pa, self.csv = import_pyarrow_csv()
        self.source = source
        self.names = names
        self.text = list(text)
        self.label_type = self.pa.int64()
        self.text_labels = self.pa.dictionary(self.pa.int32(), self.pa.string())
        self.read_options = self.csv.ReadOptions(column_names=available, block_size=PARSE_BYTES)
        # data of one block are parsed in this thread: no task is left on pyarrow's
        # pool when a mistake in them ends the command (pyarrow 14 could then abort
        # the process at exit: "terminate called without an active exception")
        self.one_block = self.csv.ReadOptions(
            column_names=available, block_size=PARSE_BYTES, use_threads=False
        )
        self.bad_rows = []

    def _bad_row(self, row):
        self.bad_rows.append(row)
        return "skip"

    def _read(self, data, types):
        pa, csv = self.pa, self.csv
        self.bad_rows = []
        convert = csv.ConvertOptions(
            column_types=types,
            include_columns=self.names,
            null_values=[""],
            strings_can_be_null=True,
            quoted_strings_can_be_null=False,
        )
        parse = csv.ParseOptions(
            delimiter=self.source.sep,
            newlines_in_values=b'"' in data,
            invalid_row_handler=self._bad_row,
        )
        try:
            table = self._parse_table(data, parse, convert)
        except pa.ArrowInvalid as exc:  # pyarrow says so when the first row is malformed
            if "Empty CSV file" not in str(exc) or not data.strip():
                raise
            self._refuse_first_malformed(data, parse)
        if self.bad_rows:
            self._refuse_row(data, parse, min(self._offset(data, r.text) for r in self.bad_rows))
        return table

    def _options(self, data, whole=False):
        """Read options of ``data``: pieces parsed on pyarrow's threads, or ``whole``, one piece."""
        if len(data) <= PARSE_BYTES:
            return self.one_block
        if whole:
            return self.csv.ReadOptions(
                column_names=self.read_options.column_names,
                block_size=len(data) + 1,
                use_threads=False,
            )
        return self.read_options

    def _parse_table(self, data, parse, convert):
        """``data`` parsed in pieces; as one piece when a row is longer than a piece."""
        pa, csv = self.pa, self.csv
        try:
            return csv.read_csv(
                pa.py_buffer(data),
                read_options=self._options(data),
                parse_options=parse,
                convert_options=convert,
            )
        except pa.ArrowInvalid as exc:  # "straddling object straddles two block boundaries"
            if "straddl" not in str(exc):
                raise
        self.bad_rows = []
        return csv.read_csv(
            pa.py_buffer(data),
            read_options=self._options(data, whole=True),
            parse_options=parse,
            convert_options=convert,
        )

    @staticmethod
    def _offset(data, text):
        """Where the line ``text`` starts in ``data``."""
        line = text.encode()
        if data.startswith(line):
            return 0
        found = [data.find(end + line) + 1 for end in (b"\n", b"\r")]  # a lone CR ends a row too
        return min((at for at in found if at > 0), default=0)

    def _rows_before(self, data, offset):
        """Number of rows of ``data`` before ``offset`` (a row start), as pyarrow counts them."""
        if not offset:
            return 0
        return self.csv.read_csv(
            self.pa.py_buffer(data[:offset]),
            read_options=self._options(data[:offset], whole=True),
            parse_options=self.csv.ParseOptions(
                delimiter=self.source.sep, newlines_in_values=b'"' in data[:offset]
            ),
            convert_options=self.csv.ConvertOptions(include_columns=[]),
        ).num_rows

    def _check_quotes(self, data):
        """Refuse a quote left open, or closed rows later before text.

        pyarrow takes the rows in between into the cell (``He said "hi`` ...
        ``15" screen``); a quoted cell on one line followed by text is kept.
        """
        raw = np.frombuffer(data, dtype=np.uint8)
        inside = _inside_quotes(raw, self.source.sep)
        if inside[-1]:  # only at the end of the file
            self._refuse_open_quote(data)
        was = np.concatenate(([0], inside[:-1]))
        quote = raw == ord('"')
        opens = np.flatnonzero(quote & (inside == 1) & (was == 0))
        closes = np.flatnonzero(quote & (inside == 0) & (was == 1))
        after = np.append(raw, ord("\n"))[closes + 1]
        ends = np.zeros(256, dtype=bool)
        ends[[ord(self.source.sep), ord("\n"), ord("\r"), ord('"')]] = True
        for k in np.flatnonzero(~ends[after]).tolist():
            j = k
            while j and closes[j - 1] == opens[j] - 1:  # a doubled quote: the same cell
                j -= 1
            cell = data[opens[j] : closes[k]]
            if b"\n" in cell or b"\r" in cell:
                start = max(data.rfind(b"\n", 0, opens[j]), data.rfind(b"\r", 0, opens[j])) + 1
                row = self.first_row + self._rows_before(data, start)
                line = re.split(rb"[\r\n]", data[start:], maxsplit=1)[0].decode(errors="replace")
                msg = (
                    f"cannot read {self.source.name}: row {row} opens a quote that closes "
                    f"rows later before text ({shown(line)}): a quote is not closed?"
                )
                raise UsageError(msg)

    def _refuse_row(self, data, parse, offset):
        """A row of ``data`` starting at ``offset`` has the wrong number of fields."""
        before = self._rows_before(data, offset)
        text = re.split(rb"[\r\n]", data[offset:], maxsplit=1)[0].decode(errors="replace")
        fields = self._fields(data[offset:])
        width = len(self.read_options.column_names)
        what = f"{fields} field{'s' if fields != 1 else ''} ({shown(text)}), the header {width}"
        if fields in (None, width):  # then a quote opens and is not closed
            what = f"a quote that is not closed ({shown(text)})"
        row = self.first_row + before
        raise UsageError(f"cannot read {self.source.name}: row {row} has {what}")

    def _fields(self, data):
        """Number of fields of the row that opens ``data``; None when a quote is not closed.

        A quoted delimiter or line break is inside a field, as the parser reads it.
        """
        rows = std_csv.reader(
            io.StringIO(data.decode(errors="replace"), newline=""),
            delimiter=self.source.sep,
            strict=True,
        )
        try:
            with _field_limit(len(data)):
                return len(next(rows, []))
        except std_csv.Error:
            return None

    def _refuse_open_quote(self, data):
        """Refuse a quote opened and never closed at the end of the file.

        pyarrow takes the rest of the file into the cell, rows and all; a
        quote inside a field that is not quoted (``5" screen``) is text.
        """
        text = data.decode(errors="replace")
        lines = io.StringIO(text, newline="").readlines()  # as the csv module counts them
        rows = std_csv.reader(io.StringIO(text, newline=""), delimiter=self.source.sep, strict=True)
        row, start = self.first_row, 0
        try:
            with _field_limit(len(text)):
                for fields in rows:
                    row += bool(fields)  # blank lines are skipped
                    start = rows.line_num
        except std_csv.Error as exc:
            if "unexpected end of data" not in str(exc):
                return
            line = shown(lines[start].rstrip("\r\n") if start < len(lines) else "")
            msg = (
                f"cannot read {self.source.name}: row {row} has a quote that is not closed ({line})"
            )
            raise UsageError(msg) from None

    def _refuse_first_malformed(self, data, parse):
        """The first row of ``data`` with the wrong number of fields or an open quote."""
        width, offset = len(self.read_options.column_names), 0
        for line in data.split(b"\n"):
            text = line.decode(errors="replace").rstrip("\r")
            if text and (len(text.split(self.source.sep)) != width or text.count('"') % 2):
                self._refuse_row(data, parse, offset)
            offset += len(line) + 1
        raise UsageError(f"cannot read {self.source.name}: row {self.first_row} is malformed")

    def _attempts(self, data):
        """Column types to try, fastest first: numbers, then text labels, then all text."""
        pa = self.pa
        label, others = self.names[0], self.names[1:]
        numbers = {n: pa.string() if n in self.text else pa.float64() for n in others}
        attempts = [{**numbers, label: self.label_type}]
        if self.label_type != self.text_labels and re.search(rb"0[xX]", data):
            # pyarrow reads "0x1f" as the integer 31 (and 0xFF..FF as -1): text here
            attempts = []
        if self.label_type != self.text_labels:
            attempts.append({**numbers, label: self.text_labels})
        # not numbers: read as text, so that the checks name the row and the cell
        attempts.append({**dict.fromkeys(others, pa.string()), label: self.text_labels})
        return attempts

    def parse(self, data, first_row):
        """The record batches of a block, each as ``((categories, codes), columns, n_rows)``."""
        self.first_row = first_row
        if b'"' in data:
            self._check_quotes(data)
        attempts = self._attempts(data)
        for k, types in enumerate(attempts, start=1):
            try:
                table = self._read(data, types)
                break
            except self.pa.ArrowInvalid as exc:
                if "conversion error" not in str(exc) or k == len(attempts):
                    raise
                self.label_type = self.text_labels  # the labels are not all integers
        for batch in table.to_batches():
            if not batch.num_rows:  # a piece of blank lines only
                continue
            # each batch's arrays become numpy arrays without a copy (no nulls)
            columns = {n: _numpy(batch.column(n)) for n in self.names[1:]}
            yield self._labels(batch.column(self.names[0])), columns, batch.num_rows

    def _labels(self, column):
        """A label column as (distinct values, code per row; ``-1`` missing)."""
        if self.pa.types.is_dictionary(column.type):
            indices = column.indices
            codes = _numpy(indices.fill_null(-1) if indices.null_count else indices)
            return _numpy(column.dictionary).astype(object), codes
        if not column.null_count:
            return _integer_codes(_numpy(column))
        missing = _numpy(column.is_null().cast(self.pa.int8())).astype(bool)
        present = column.drop_null()
        values = _numpy(column.fill_null(present[0] if len(present) else 0))
        categories, codes = _integer_codes(values)
        return categories, np.where(missing, -1, codes)


#: numpy dtype of the pyarrow number types viewed in place by :func:`_numpy`.
_VIEWED = {"double": "f8", "float": "f4", "int64": "i8", "int32": "i4", "int8": "i1"}


def _numpy(array):
    """A pyarrow array as a numpy array (nulls as NaN or None).

    Numbers without nulls are viewed in place and text dictionaries listed,
    without pyarrow's conversion, which imports pandas when it is installed.
    """
    dtype = _VIEWED.get(str(array.type))
    if dtype is not None and not array.null_count:
        return np.frombuffer(array.buffers()[1], dtype, len(array), array.offset * int(dtype[1]))
    if str(array.type) == "string" and len(array) <= 1 << 16:  # a dictionary's values
        return np.array(array.to_pylist(), dtype=object)
    return array.to_numpy(zero_copy_only=False)


def _integer_codes(values):
    """Integer labels as (distinct values, code per row), in three passes for two classes."""
    lo, hi = values.min(), values.max()
    if hi - lo > 1 and ((values != lo) & (values != hi)).any():
        categories, codes = np.unique(values, return_inverse=True)
    else:  # every value is lo or hi
        categories = np.array([lo] if lo == hi else [lo, hi])
        codes = (values == hi).view(np.int8) if lo != hi else np.zeros(values.shape, np.int8)
    return categories.astype(object), codes


def _arrow_error(name, exc):
    """One line about what pyarrow could not read."""
    text = str(exc)
    if "invalid UTF8" in text:
        return f"{name} is not UTF-8 text (save the file as UTF-8 CSV)"
    return f"cannot read {name}: {one_line(text.replace('CSV parse error: ', ''))}"


def csv_chunks(source, available, names, chunk_rows, text=()):
    """Yield :class:`Chunk` objects of ``names`` (the label column first).

    The columns in ``text`` (groups) are read as text, the others but the
    labels as numbers.
    """
    parser = _Parser(source, available, names, text)
    first = 1
    with source.open_binary() as f:
        f.readline()  # the header, read by the source
        for block in _blocks(f, source):
            try:
                batches = list(parser.parse(block, first))
            except parser.pa.ArrowException as exc:
                raise UsageError(_arrow_error(source.name, exc)) from None
            for (categories, codes), columns, n in batches:
                for start in range(0, n, chunk_rows):
                    part = slice(start, start + chunk_rows)
                    cut = {k: v[part] for k, v in columns.items()}
                    yield Chunk(first + start, len(codes[part]), (categories, codes[part]), cut)
                first += n
