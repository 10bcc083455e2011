"""The rows of a Parquet file in chunks (needs pyarrow: the ``parquet`` extra)."""

import numpy as np

from skbce._cli.chunk import Chunk
from skbce._cli.errors import UsageError, one_line, shown

__all__ = ["parquet_chunks", "parquet_columns"]


def _parquet_file(source):
    from skbce._utils.optional import import_optional

    try:
        pq = import_optional("pyarrow.parquet", "Reading Parquet files")
    except ImportError as exc:
        raise UsageError(str(exc)) from None
    try:
        return pq.ParquetFile(source.path)
    except Exception as exc:  # pyarrow raises its own error types  # noqa: BLE001
        msg = f"cannot read {source.name} as Parquet: {one_line(exc)}"
        raise UsageError(msg) from None


def parquet_columns(source):
    """The column names of a Parquet file."""
    return list(_parquet_file(source).schema_arrow.names)


def _check_types(source, schema, names):
    """Refuse columns whose type is not numbers, booleans, text or null."""
    import pyarrow.types as pt

    for name in names:
        kind = schema.field(name).type
        if pt.is_dictionary(kind):
            kind = kind.value_type
        plain = (
            pt.is_integer(kind)
            or pt.is_floating(kind)
            or pt.is_boolean(kind)
            or pt.is_string(kind)
            or pt.is_large_string(kind)
            or pt.is_decimal(kind)
            or pt.is_null(kind)
        )
        if not plain:
            msg = (
                f"column {shown(name)} of {source.name} has Parquet type {one_line(kind)}, "
                "not numbers or labels"
            )
            raise UsageError(msg)


def _categories(values):
    """The distinct values of a column and a code per row (``-1`` for null or NaN)."""
    missing = (
        np.array([v is None or v != v for v in values.tolist()], dtype=bool)
        if (values.dtype.kind == "O")
        else (np.isnan(values) if values.dtype.kind == "f" else np.zeros(values.shape, bool))
    )
    present = values[~missing]
    if values.dtype.kind == "O":
        present = present.astype(str) if all(isinstance(v, str) for v in present) else present
    categories, inverse = np.unique(present, return_inverse=True)
    codes = np.full(values.shape, -1, dtype=np.intp)
    codes[~missing] = inverse
    return categories.astype(object), codes


def parquet_chunks(source, names, chunk_rows):
    """Yield :class:`~skbce._cli.chunk.Chunk` objects of ``names`` (labels first)."""
    pf = _parquet_file(source)
    _check_types(source, pf.schema_arrow, names)
    source.n_rows = pf.metadata.num_rows
    first = 1
    # pyarrow takes a C long: more rows than the file holds is the whole file
    batch_size = min(chunk_rows, max(source.n_rows, 1))
    try:
        for batch in pf.iter_batches(batch_size=batch_size, columns=list(names)):
            raw = {n: batch.column(n).to_numpy(zero_copy_only=False) for n in names}
            labels = _categories(raw.pop(names[0]))
            yield Chunk(first, batch.num_rows, labels, raw)
            first += batch.num_rows
    except UsageError:
        raise
    except Exception as exc:  # pyarrow raises its own error types  # noqa: BLE001
        msg = f"cannot read {source.name} as Parquet: {one_line(exc)}"
        raise UsageError(msg) from None
