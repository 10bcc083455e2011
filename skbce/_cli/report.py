"""``skbce report``: the calibration report of a file of predictions (held in memory)."""

import sys
import warnings

import numpy as np

from skbce._cli.errors import UsageError, library_errors
from skbce._cli.output import check_output, json_text, write_output
from skbce._cli.predictions import Predictions

__all__ = ["command_report"]


def read_columns(predictions):
    """The whole file: labels, scores and weights (None without ``--weight``)."""
    parts = list(predictions)
    predictions.check_both_classes("a calibration report")
    y = np.concatenate([p[0] for p in parts])
    s = np.concatenate([p[1] for p in parts])
    w = None if predictions.args.weight is None else np.concatenate([p[2] for p in parts])
    return y, s, w


def _html(report, args):
    from skbce._render.html import report_page

    subtitle = (
        f"{args.file}: labels in column {args.y_true!r}, "
        f"{'logits' if args.from_logits else 'probabilities'} in column "
        f"{args.y_proba!r}" + (f", weights in column {args.weight!r}" if args.weight else "")
    )
    return report_page(report, title="Calibration report", subtitle=subtitle)


def render(report, args):
    """The report in the format asked for, ending with a newline."""
    if args.format == "html":
        return _html(report, args)
    if args.format == "markdown":
        return report.to_markdown() + "\n"
    if args.format == "json":
        return json_text(report.to_dict()) + "\n"
    return str(report) + "\n"


def command_report(args):
    """``skbce report``: the calibration report of a file of predictions."""
    from skbce._report.report import calibration_report

    predictions = Predictions(args)
    check_output(args.output, [args.file])  # before the work, not after
    y, s, w = read_columns(predictions)
    if args.bins > y.shape[0]:
        msg = f"--bins {args.bins} is more than the number of rows ({y.shape[0]})"
        raise UsageError(msg)
    with warnings.catch_warnings(), library_errors(predictions.library_names()):
        # the report keeps the messages in report.notes, and prints them
        warnings.simplefilter("ignore")
        report = calibration_report(
            y,
            s,
            sample_weight=w,
            pos_label=predictions.pos_label(),
            from_logits=args.from_logits,
            n_bins=args.bins,
            strategy=args.strategy,
        )
    write_output(render(report, args), args.output, [args.file])
    if args.output is not None:
        print(f"skbce report: wrote {args.output}", file=sys.stderr)
    return 0
