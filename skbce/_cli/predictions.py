"""The predictions of a file, chunk by chunk, checked and named by row."""

import warnings

from skbce._cli.chunk import ReadAhead
from skbce._cli.columns import (
    LabelColumn,
    check_values,
    label_value,
    raise_first,
    text_column,
    to_float,
)
from skbce._cli.errors import UsageError, shown
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
        options = [("--y-true", args.y_true), *(("--y-proba", m) for m in self.models)]
        options += [
            (o, c) for o, c in (("--weight", args.weight), ("--group", self.group)) if c is not None
        ]
        names = [c for _, c in options]
        for k, (option, name) in enumerate(options):
            if name in names[:k]:
                first = options[names.index(name)][0]
                msg = f"the same column is given twice: {shown(name)} to {first} and to {option}"
                raise UsageError(msg)
        self.names = names
        if args.pos_label is not None and label_value(args.pos_label) is None:
            msg = f"--pos-label {args.pos_label!r} is not a label (an empty or NaN cell is missing)"
            raise UsageError(msg)
        self.labels = LabelColumn(args.y_true)
        self.n_rows = 0
        self.within_unit = dict.fromkeys(self.models, True)
        self._chunks = None

    def start(self):
        """Start reading the file in a background thread (before the library is imported)."""
        if self._chunks is None:
            text = [] if self.group is None else [self.group]
            self._chunks = ReadAhead(self.source.chunks(self.names, self.args.chunk_rows, text))
        return self

    @staticmethod
    def _numbers(chunk, name, what):
        """A checked column of numbers and its mistakes (``(row, message)`` or None)."""
        x, bad = to_float(chunk.columns[name], name, chunk.first_row)
        return x, [bad, check_values(x, name, chunk.first_row, what=what)]

    def _check(self, chunk):
        args, first = self.args, chunk.first_row
        y, bad_y = self.labels.convert(*chunk.labels, first)
        problems = [bad_y]
        what = "logits" if args.from_logits else "probabilities"
        scores = {}
        for name in self.models:
            scores[name], bad = self._numbers(chunk, name, what)
            problems += bad
        w = g = None
        if args.weight is not None:
            w, bad = self._numbers(chunk, args.weight, "weights")
            problems += bad
        if self.group is not None:
            g, bad = text_column(chunk.columns[self.group], self.group, first)
            problems.append(bad)
        raise_first(*problems)
        for name, s in scores.items():
            if self.within_unit[name]:
                self.within_unit[name] = bool(s.min() >= 0 and s.max() <= 1)
        return y, scores, w, g

    def __iter__(self):
        progress = Progress(f"skbce {self.args.command}")
        try:
            for chunk in self.start()._chunks:
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
        text = self.args.pos_label
        return None if text is None else label_value(text)
