"""The rows of a CSV file in chunks, with pandas' C parser or, without pandas, the csv module.

Both readers follow the same rules (checked by the tests): only an empty cell
is missing, a row with more fields than the header is refused, a shorter row
has empty cells at its end, blank lines are skipped, and the label column
comes as its distinct raw values with a code per row.
"""

import csv
import itertools
import operator
import warnings

import numpy as np

from skbce._cli.chunk import Chunk
from skbce._cli.errors import UsageError, one_line

__all__ = ["csv_chunks"]


def csv_chunks(source, available, names, chunk_rows):
    """Yield :class:`Chunk` objects of ``names`` (the label column first)."""
    try:
        import pandas  # noqa: F401
    except ImportError:
        yield from _chunks_csv_module(source, available, names, chunk_rows)
    else:
        yield from _chunks_pandas(source, available, names, chunk_rows)


def _chunks_pandas(source, available, names, chunk_rows):
    import pandas as pd

    label = names[0]
    first = 1
    with source.open_binary() as f, warnings.catch_warnings():
        warnings.simplefilter("error", pd.errors.ParserWarning)
        try:
            # every column is parsed (not usecols) so that a row with more
            # fields than the header is refused rather than cut silently
            reader = pd.read_csv(
                f,
                sep=source.sep,
                index_col=False,
                dtype={label: "category"},
                keep_default_na=False,
                na_values=[""],
                chunksize=chunk_rows,
                encoding="utf-8-sig",
            )
            for frame in reader:
                labels = frame[label].cat
                categories = labels.categories.to_numpy(dtype=object)
                codes = labels.codes.to_numpy()
                columns = {n: frame[n].to_numpy() for n in names[1:]}
                yield Chunk(first, len(frame), (categories, codes), columns)
                first += len(frame)
        except pd.errors.ParserWarning:
            msg = f"cannot read {source.name}: row 1 has more fields than the header"
            raise UsageError(msg) from None
        except pd.errors.ParserError as exc:
            msg = f"cannot read {source.name}: {one_line(str(exc).split('C error: ')[-1])}"
            raise UsageError(msg) from None
        except pd.errors.EmptyDataError:
            return


def _chunks_csv_module(source, available, names, chunk_rows):
    index = [available.index(n) for n in names]
    width = len(available)
    first = 1
    with source.open_text() as f:
        # strict: a quote left open is an error, not the rest of the file in one cell
        reader = csv.reader(f, delimiter=source.sep, strict=True)
        next(reader, None)
        rows = filter(None, reader)  # blank lines are skipped, as pandas does
        while block := list(itertools.islice(rows, chunk_rows)):
            lengths = np.fromiter(map(len, block), dtype=np.intp, count=len(block))
            if lengths.max() > width:
                i = int(np.argmax(lengths > width))
                msg = (
                    f"cannot read {source.name}: Expected {width} fields in row "
                    f"{first + i}, saw {lengths[i]}"
                )
                raise UsageError(msg)
            if lengths.min() < width:  # a short row has empty cells at its end
                block = [r + [""] * (width - len(r)) for r in block]
            cells = [np.array(list(map(operator.itemgetter(j), block)), dtype=str) for j in index]
            categories, codes = np.unique(cells[0], return_inverse=True)
            empty = np.flatnonzero(categories == "")
            if empty.size:
                codes = np.where(codes == empty[0], -1, codes)
            columns = dict(zip(names[1:], cells[1:], strict=True))
            yield Chunk(first, len(block), (categories.astype(object), codes), columns)
            first += len(block)
