"""``skbce score``: the losses of a file of predictions, from the library's streaming states."""

import math

import numpy as np

from skbce._cli.errors import library_errors
from skbce._cli.output import json_text, text_table
from skbce._cli.predictions import Predictions

__all__ = ["command_score", "compute_scores", "format_scores"]

#: The scores, their names in the text output, and a one-line explanation.
SCORES = {
    "log_loss": ("log loss", "mean of -log(probability given to the true class); 0 is perfect"),
    "binary_cross_entropy": (
        "binary cross-entropy",
        "the same loss, from logits when --from-logits (exact, not clipped)",
    ),
    "normalized_cross_entropy": (
        "normalized cross-entropy",
        "log loss / entropy of the base rate; below 1 beats always predicting the base rate",
    ),
    "brier_score": (
        "Brier score",
        "mean squared difference between probability and outcome; 0 is perfect, "
        "0.25 is a coin flip",
    ),
}


class _LabelWeights:
    """The weight of each label, kept as ``sums * 2**scale``.

    Weights near the largest float do not overflow (three weights of 1e308
    add up to inf): the base rate and the check for both classes stay exact.
    """

    def __init__(self):
        self.sums = {}
        self.scale = None  # set by the first chunk

    def update(self, y, w):
        """Add the labels ``y`` of a chunk with their weights ``w`` (None: one each)."""
        first = y[0]
        mask = y == first
        labels = [first.item() if hasattr(first, "item") else first]
        if not mask.all():
            other = y[np.argmin(mask)]
            labels.append(other.item() if hasattr(other, "item") else other)
        if w is None:
            parts = [float(np.count_nonzero(mask)), float(mask.size - np.count_nonzero(mask))]
            scale = 0 if self.scale is None else self.scale
        else:
            top = math.frexp(float(w.max()))[1]  # every weight is below 2**top
            scale = top if self.scale is None else max(self.scale, top)
            scaled = np.ldexp(w, -scale)
            parts = [float(scaled[mask].sum()), float(scaled[~mask].sum())]
        self.sums = {k: math.ldexp(v, (self.scale or 0) - scale) for k, v in self.sums.items()}
        self.scale = scale
        for label, part in zip(labels, parts, strict=False):
            self.sums[label] = self.sums.get(label, 0.0) + part

    def figures(self, positive_class):
        """``(total weight, base rate)``; a ValueError when a class has no weight."""
        total = sum(self.sums.values())
        positive = self.sums.get(positive_class, 0.0)
        if not 0 < positive < total:
            msg = (
                "y_true holds a single class (among the samples of non-zero weight); "
                "calibration needs both classes."
            )
            raise ValueError(msg)
        try:
            total_weight = math.ldexp(total, self.scale or 0)
        except OverflowError:  # written as inf (null in JSON, with a note)
            total_weight = math.inf
        return total_weight, positive / total


class _Model:
    """The streaming state of one score column."""

    def __init__(self, pos_label, from_logits):
        from skbce._metrics.streaming import StreamingLogLoss

        # its sums give log loss, Brier score and base rate; from logits the
        # exact binary cross-entropy, not clipped
        self.state = StreamingLogLoss(pos_label=pos_label, from_logits=from_logits)
        # from logits, the log loss of the probabilities (clipped), as the report gives it
        self.calibration = None
        if from_logits:
            from skbce._calibration.streaming import StreamingCalibration

            self.calibration = StreamingCalibration(
                n_bins=1, pos_label=pos_label, from_logits=from_logits
            )

    def update(self, y, s, w):
        self.state.update(y, s, w)
        if self.calibration is not None:
            self.calibration.update(y, s, w)

    def result(self):
        state = self.state
        loss = state.result()
        summary = {
            "log_loss": loss,
            "binary_cross_entropy": loss,
            "normalized_cross_entropy": state.normalized_cross_entropy(),
            "brier_score": state.brier_score_loss(),
        }
        if self.calibration is not None:
            summary["log_loss"] = self.calibration.result()["log_loss"]
        return summary


def compute_scores(args):
    """Feed every chunk of ``args.file`` (read once) to the states of every model.

    Returns the scores of the single ``--y-proba`` column, or for several
    columns the shared figures and ``models``: the scores by column.
    """
    predictions = Predictions(args).start()  # read while the library is imported
    from skbce._utils.binary_targets import binary_target

    pos_label = predictions.pos_label()
    models = {}
    for name in predictions.models:
        with library_errors(predictions.library_names(name)):
            models[name] = _Model(pos_label, args.from_logits)
    weights = _LabelWeights()
    for y, scores, w, _ in predictions:
        for name, model in models.items():
            with library_errors(predictions.library_names(name)):
                model.update(y, scores[name], w)
        weights.update(y, w)
    predictions.check_both_classes("skbce score")
    names = predictions.library_names(predictions.models[0])
    with library_errors(names):
        classes = binary_target(predictions.labels.classes(), pos_label=pos_label).classes
        total_weight, base_rate = weights.figures(classes.tolist()[1])
    results = {}
    for name, model in models.items():
        with library_errors(predictions.library_names(name)):
            results[name] = model.result()
    shared = {
        "file": predictions.source.name,
        "n_rows": predictions.n_rows,
        "total_weight": total_weight,
        "positive_class": classes.tolist()[1],
        "base_rate": base_rate,
    }
    each = {name: {key: r[key] for key in SCORES} for name, r in results.items()}
    if len(each) == 1:
        return {**shared, **each[predictions.models[0]]}
    return {**shared, "models": each}


def format_scores(scores):
    """The text output of ``skbce score``: one line per score, or a table of models."""
    weighted = (
        ""
        if scores["total_weight"] == scores["n_rows"]
        else f", total weight {scores['total_weight']:,.6g}"
    )
    lines = [
        f"{scores['file']}: {scores['n_rows']:,} rows{weighted}; positive class "
        f"{scores['positive_class']!r}, base rate {scores['base_rate']:.4g}",
        "",
    ]
    models = scores.get("models")
    width = max(len(name) for name, _ in SCORES.values())
    if models is None:
        for key, (name, explain) in SCORES.items():
            lines.append(f"{name:<{width}}  {scores[key]:<10.6g}  {explain}")
    else:
        header = ["model", *(name for name, _ in SCORES.values())]
        rows = [[m, *(f"{v[k]:.6g}" for k in SCORES)] for m, v in models.items()]
        lines += [text_table(header, rows), ""]
        lines += [f"{name:<{width}}  {explain}" for name, explain in SCORES.values()]
    lines.append("")
    lines.append("All are losses: lower is better.")
    return "\n".join(lines)


def command_score(args):
    """``skbce score``: print the scores of a file of predictions."""
    scores = compute_scores(args)
    print(json_text(scores) if args.format == "json" else format_scores(scores))
    return 0
