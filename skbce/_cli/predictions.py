"""The predictions of a file, chunk by chunk, checked and named by row."""

from skbce._cli.columns import LabelColumn, check_values, raise_first, to_float
from skbce._cli.errors import UsageError
from skbce._cli.files import Source
from skbce._cli.output import Progress

__all__ = ["Predictions"]


class Predictions:
    """The labels, scores and weights of ``args.file``, read in chunks.

    Iterating yields ``(labels, scores, weights)`` per chunk (``weights`` is
    None without ``--weight``), each value checked with its row named in the
    message.  After the iteration, :attr:`labels` holds the distinct labels
    and :attr:`n_rows` the number of rows.
    """

    def __init__(self, args):
        self.args = args
        self.source = Source(args.file, getattr(args, "sep", None))
        names = [args.y_true, args.y_proba]
        if args.weight is not None:
            names.append(args.weight)
        if len(set(names)) != len(names):
            msg = f"the same column is given twice: {names}"
            raise UsageError(msg)
        self.names = names
        self.labels = LabelColumn(args.y_true)
        self.n_rows = 0

    def _check(self, chunk):
        args, first = self.args, chunk.first_row
        y, bad_y = self.labels.convert(*chunk.labels, first)
        s, bad_s = to_float(chunk.columns[args.y_proba], args.y_proba, first)
        if s is not None:
            what = "logits" if args.from_logits else "probabilities"
            bad_s = check_values(s, args.y_proba, first, what=what)
        w = bad_w = None
        if args.weight is not None:
            w, bad_w = to_float(chunk.columns[args.weight], args.weight, first)
            if w is not None:
                bad_w = check_values(w, args.weight, first, what="weights")
        raise_first(bad_y, bad_s, bad_w)
        return y, s, w

    def __iter__(self):
        progress = Progress(f"skbce {self.args.command}")
        try:
            for chunk in self.source.chunks(self.names, self.args.chunk_rows):
                if chunk.n_rows:
                    yield self._check(chunk)
                self.n_rows += chunk.n_rows
                progress.update(self.source.progress(), self.n_rows)
        finally:
            progress.close()
        if self.n_rows == 0:
            msg = f"{self.source.name} has no rows"
            raise UsageError(msg)

    def check_both_classes(self, what):
        """After reading: refuse a label column that holds a single class."""
        classes = self.labels.classes().tolist()
        if len(classes) < 2:
            msg = (
                f"column {self.args.y_true!r} holds a single class ({classes[0]!r}); "
                f"{what} needs both"
            )
            raise UsageError(msg)

    def library_names(self):
        """The words for the library's argument names in its messages."""
        names = {
            "y_true": f"column {self.args.y_true!r}",
            "y_proba": f"column {self.args.y_proba!r}",
            "y_score": f"column {self.args.y_proba!r}",
            "pos_label": "--pos-label",
        }
        if self.args.weight is not None:
            names["sample_weight"] = f"column {self.args.weight!r}"
        return names

    def pos_label(self):
        """``--pos-label`` as a label (read as the cells of the column are)."""
        from skbce._cli.columns import label_value

        text = self.args.pos_label
        return None if text is None else label_value(text)
