"""The predictions of a file, chunk by chunk, checked and named by row."""

import warnings

from skbce._cli.columns import LabelColumn, check_values, raise_first, text_column, to_float
from skbce._cli.errors import UsageError
from skbce._cli.files import Source
from skbce._cli.output import Progress

__all__ = ["Predictions"]


class Predictions:
    """The labels, scores, weights and groups of ``args.file``, read once, in chunks.

    Iterating yields ``(labels, scores, weights, groups)`` per chunk:
    ``scores`` maps each ``--y-proba`` column to its values, ``weights`` is
    None without ``--weight`` and ``groups`` None without ``--group``; each
    value is checked with its row named in the message.  After the
    iteration, :attr:`labels` holds the distinct labels and :attr:`n_rows`
    the number of rows.
    """

    def __init__(self, args):
        self.args = args
        self.source = Source(args.file, getattr(args, "sep", None))
        self.models = list(args.y_proba)
        self.group = getattr(args, "group", None)
        names = [args.y_true, *self.models]
        names += [c for c in (args.weight, self.group) if c is not None]
        if len(set(names)) != len(names):
            msg = f"the same column is given twice: {names}"
            raise UsageError(msg)
        self.names = names
        self.labels = LabelColumn(args.y_true)
        self.n_rows = 0
        self.within_unit = dict.fromkeys(self.models, True)

    def _scores(self, chunk):
        """The checked score columns of a chunk and their first mistake."""
        what = "logits" if self.args.from_logits else "probabilities"
        scores, problems = {}, []
        for name in self.models:
            s, bad = to_float(chunk.columns[name], name, chunk.first_row)
            if s is not None:
                bad = check_values(s, name, chunk.first_row, what=what)
                if self.within_unit[name] and s.size:
                    self.within_unit[name] = bool(s.min() >= 0 and s.max() <= 1)
            scores[name] = s
            problems.append(bad)
        return scores, problems

    def _check(self, chunk):
        args, first = self.args, chunk.first_row
        y, bad_y = self.labels.convert(*chunk.labels, first)
        scores, problems = self._scores(chunk)
        w = bad_w = g = bad_g = None
        if args.weight is not None:
            w, bad_w = to_float(chunk.columns[args.weight], args.weight, first)
            if w is not None:
                bad_w = check_values(w, args.weight, first, what="weights")
        if self.group is not None:
            g, bad_g = text_column(chunk.columns[self.group], self.group, first)
        raise_first(bad_y, *problems, bad_w, bad_g)
        return y, scores, w, g

    def __iter__(self):
        progress = Progress(f"skbce {self.args.command}")
        text = [] if self.group is None else [self.group]
        try:
            for chunk in self.source.chunks(self.names, self.args.chunk_rows, text):
                if chunk.n_rows:
                    yield self._check(chunk)
                self.n_rows += chunk.n_rows
                progress.update(self.source.progress(), self.n_rows)
        finally:
            progress.close()
        if self.n_rows == 0:
            msg = f"{self.source.name} has no rows"
            raise UsageError(msg)
        self._warn_logits()

    def _warn_logits(self):
        """``--from-logits`` on a column whose values all lie within [0, 1]."""
        if not self.args.from_logits:
            return
        for name, inside in self.within_unit.items():
            if inside:
                msg = (
                    f"--from-logits, but every value of column {name!r} is within [0, 1]: "
                    "if they are probabilities, drop --from-logits (the scores below "
                    "read them as logits)"
                )
                warnings.warn(msg, UserWarning, stacklevel=2)

    def check_both_classes(self, what):
        """After reading: refuse a label column that holds a single class."""
        classes = self.labels.classes().tolist()
        if len(classes) < 2:
            msg = (
                f"column {self.args.y_true!r} holds a single class ({classes[0]!r}); "
                f"{what} needs both"
            )
            raise UsageError(msg)

    def library_names(self, model):
        """The words for the library's argument names in its messages about ``model``."""
        names = {
            "y_true": f"column {self.args.y_true!r}",
            "y_proba": f"column {model!r}",
            "y_score": f"column {model!r}",
            "pos_label": "--pos-label",
        }
        if self.args.weight is not None:
            names["sample_weight"] = f"column {self.args.weight!r}"
        if self.group is not None:
            names["groups"] = f"column {self.group!r}"
        return names

    def pos_label(self):
        """``--pos-label`` as a label (read as the cells of the column are)."""
        from skbce._cli.columns import label_value

        text = self.args.pos_label
        return None if text is None else label_value(text)
