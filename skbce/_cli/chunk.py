"""Some consecutive rows of a file, as the readers hand them over."""

__all__ = ["Chunk"]


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
