"""``skbce report``: the calibration report of a file of predictions (held in memory).

Several ``--y-proba`` columns give a comparison (one report per column,
named by it), from one reading of the file.
"""

import sys
import warnings

import numpy as np

from skbce._cli.errors import UsageError, library_errors
from skbce._cli.output import check_output, json_text, write_output
from skbce._cli.predictions import Predictions

__all__ = ["command_report"]


def read_columns(predictions):
    """The whole file, read once: labels, scores by column, weights and groups (or None)."""
    parts = list(predictions)
    predictions.check_both_classes("a calibration report")

    def joined(k):
        return None if parts[0][k] is None else np.concatenate([p[k] for p in parts])

    # labels of chunks seen before a label beyond int64 are int64: all as the classes
    kind = predictions.labels.classes().dtype
    y = np.concatenate([p[0].astype(kind, copy=False) for p in parts])
    scores = {m: np.concatenate([p[1][m] for p in parts]) for m in predictions.models}
    return y, scores, joined(2), joined(3)


def _subtitle(args, name):
    what = "logits" if args.from_logits else "probabilities"
    columns = ", ".join(repr(c) for c in args.y_proba)
    plural = "s" if len(args.y_proba) > 1 else ""
    extra = "".join(
        f", {kind} in column {column!r}"
        for kind, column in (("weights", args.weight), ("groups", args.group))
        if column is not None
    )
    labels = f"labels in column {args.y_true!r}"
    return f"{name}: {labels}, {what} in column{plural} {columns}{extra}"


def render(reports, args, name):
    """The report (one column) or the comparison (several) of the file ``name``, as asked."""
    if len(reports) == 1:
        (shown,) = reports.values()
    else:
        from skbce._report.comparison import compare_calibration

        shown = compare_calibration(reports)
    if args.format == "html":
        if len(reports) > 1:
            return shown.to_html(title="Calibration comparison", subtitle=_subtitle(args, name))
        from skbce._render.html import report_page

        return report_page(shown, title="Calibration report", subtitle=_subtitle(args, name))
    if args.format == "markdown":
        return shown.to_markdown() + "\n"
    if args.format == "json":
        return json_text(shown.to_dict()) + "\n"
    return str(shown) + "\n"


def command_report(args):
    """``skbce report``: the calibration report of each score column of a file."""
    from skbce._report.report import calibration_report

    predictions = Predictions(args)
    check_output(args.output, [args.file])  # before the work, not after
    y, scores, w, groups = read_columns(predictions)
    if args.bins > y.shape[0]:
        msg = f"--bins {args.bins} is more than the number of rows ({y.shape[0]})"
        raise UsageError(msg)
    reports = {}
    for name, s in scores.items():
        with warnings.catch_warnings(), library_errors(predictions.library_names(name)):
            # the report keeps the messages in report.notes, and prints them
            warnings.simplefilter("ignore")
            reports[name] = calibration_report(
                y,
                s,
                sample_weight=w,
                pos_label=predictions.pos_label(),
                from_logits=args.from_logits,
                n_bins=args.bins,
                strategy=args.strategy,
                groups=groups,
            )
    write_output(render(reports, args, predictions.source.name), args.output, [args.file])
    if args.output not in (None, "-"):
        print(f"skbce report: wrote {args.output}", file=sys.stderr)
    return 0
