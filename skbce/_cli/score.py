"""``skbce score``: the losses of a file of predictions, from the library's streaming states."""

import os

from skbce._cli.errors import library_errors
from skbce._cli.output import json_text
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


def compute_scores(args):
    """Feed every chunk of ``args.file`` to the streaming states; return the scores."""
    from skbce._calibration.streaming import StreamingCalibration
    from skbce._metrics.streaming import StreamingLogLoss
    from skbce._utils.validation import binary_target

    predictions = Predictions(args)
    names = predictions.library_names()
    with library_errors(names):
        pos_label = predictions.pos_label()
        # one bin: the state's sums give log loss, Brier score and base rate
        calibration = StreamingCalibration(
            n_bins=1, pos_label=pos_label, from_logits=args.from_logits
        )
        # from logits: the exact binary cross-entropy, not clipped
        logits = (
            StreamingLogLoss(pos_label=pos_label, from_logits=True) if args.from_logits else None
        )
        for y, s, w in predictions:
            calibration.update(y, s, w)
            if logits is not None:
                logits.update(y, s, w)
        predictions.check_both_classes("skbce score")
        classes = binary_target(predictions.labels.classes(), pos_label=pos_label).classes
        summary = calibration.result()
        if logits is not None:
            summary["binary_cross_entropy"] = logits.result()
            summary["normalized_cross_entropy"] = logits.normalized_cross_entropy()
    return {
        "file": os.fspath(args.file),
        "n_rows": predictions.n_rows,
        "total_weight": summary["total_weight"],
        "positive_class": classes.tolist()[1],
        "base_rate": summary["base_rate"],
        "log_loss": summary["log_loss"],
        "binary_cross_entropy": summary.get("binary_cross_entropy", summary["log_loss"]),
        "normalized_cross_entropy": summary["normalized_cross_entropy"],
        "brier_score": summary["brier_score"],
    }


def format_scores(scores):
    """The text output of ``skbce score``."""
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
    width = max(len(name) for name, _ in SCORES.values())
    for key, (name, explain) in SCORES.items():
        lines.append(f"{name:<{width}}  {scores[key]:<10.6g}  {explain}")
    lines.append("")
    lines.append("All are losses: lower is better.")
    return "\n".join(lines)


def command_score(args):
    """``skbce score``: print the scores of a file of predictions."""
    scores = compute_scores(args)
    print(json_text(scores) if args.format == "json" else format_scores(scores))
    return 0
