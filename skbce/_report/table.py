"""A light column table: the reliability bins and the per-fold scores of a report."""

import numpy as np

from skbce._render.data import to_python
from skbce._render.text import table_html, table_markdown, table_text

__all__ = ["Table", "import_pandas"]


def import_pandas(what):
    """``pandas``, or an ImportError saying that ``what`` needs it."""
    try:
        import pandas as pd
    except ImportError as exc:
        msg = (
            f"{what} needs pandas, which is not installed. Install it with "
            "`pip install pandas` (or `pip install skbce[pandas]`)."
        )
        raise ImportError(msg) from exc
    return pd


class Table:
    """A light column table: named numpy arrays of equal length.

    Columns are attributes (``table.count``) and items (``table["count"]``).

    Parameters
    ----------
    columns : dict of str to array-like
        The columns, in order.

    Examples
    --------
    >>> from skbce._report.report import Table
    >>> t = Table({"a": [1, 2], "b": [0.5, 0.25]})
    >>> t.b
    array([0.5 , 0.25])
    >>> len(t), t.columns
    (2, ('a', 'b'))
    """

    def __init__(self, columns):
        self._data = {str(k): np.asarray(v) for k, v in columns.items()}
        lengths = {v.shape[0] for v in self._data.values()}
        if len(lengths) > 1:
            msg = f"Table columns must have equal lengths, got {sorted(lengths)}."
            raise ValueError(msg)

    @property
    def columns(self):
        """Names of the columns, in order."""
        return tuple(self._data)

    def __getattr__(self, name):
        data = self.__dict__.get("_data", {})
        if name in data:
            return data[name]
        raise AttributeError(name)

    def __getitem__(self, name):
        return self._data[name]

    def __len__(self):
        return next(iter(self._data.values())).shape[0] if self._data else 0

    def __iter__(self):
        """Rows as dicts."""
        for i in range(len(self)):
            yield {k: v[i].item() if hasattr(v[i], "item") else v[i] for k, v in self._data.items()}

    def to_dict(self):
        """Columns as lists (NaN as None): JSON-serialisable."""
        return {k: to_python(v) for k, v in self._data.items()}

    def to_frame(self):
        """The table as a :class:`pandas.DataFrame` (pandas is imported here)."""
        pd = import_pandas("Table.to_frame")
        return pd.DataFrame(dict(self._data))

    def __repr__(self):
        return table_text(self)

    def to_markdown(self):
        """The table in Markdown."""
        return table_markdown(self)

    def _repr_html_(self):
        return table_html(self)
