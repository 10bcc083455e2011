"""The command line: ``skbce demo``, ``skbce score`` and ``skbce report``.

A thin shell: :mod:`skbce._cli.parser` reads the arguments,
:mod:`skbce._cli.files` reads the file in chunks, and the commands feed the
library (``skbce score`` its streaming states, ``skbce report``
:func:`skbce.calibration_report`).  Mistakes a user can make (a missing
file, an unknown column, a value that is not a number, a damaged file) end
with a one-line message on stderr and exit status 2, never a traceback.
"""

import os
import sys
import warnings

from skbce._cli.chunk import close_all
from skbce._cli.errors import USAGE_ERROR, UsageError, one_line
from skbce._cli.parser import build_parser

__all__ = ["main"]


def _run(args):
    """Run the command; library warnings become one line each on stderr.

    NumPy's ``RuntimeWarning`` (overflow, invalid value) is not printed: a
    value it concerns is written as null with a note (JSON) or as nan/inf.
    """
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            status = args.handler(args)
        finally:  # a mistake in the data stops the reading early
            close_all()
    shown = set()
    for warning in caught:
        text = one_line(warning.message)
        if issubclass(warning.category, RuntimeWarning) or text in shown:
            continue
        shown.add(text)
        print(f"skbce {args.command}: warning: {text}", file=sys.stderr)
    return status


def main(argv=None):
    r"""Run the ``skbce`` command line.

    Parameters
    ----------
    argv : list of str, default=None
        The arguments (without the program name); ``None`` reads
        ``sys.argv[1:]``.

    Returns
    -------
    status : int
        The exit status: 0 on success, 2 on a mistake in the arguments or
        the data (with a one-line message on stderr).

    Examples
    --------
    >>> import pathlib, tempfile
    >>> from skbce._cli.main import main
    >>> folder = tempfile.TemporaryDirectory()
    >>> path = pathlib.Path(folder.name) / "predictions.csv"
    >>> _ = path.write_text("y,p\n0,0.1\n1,0.8\n1,0.6\n")
    >>> main(["score", str(path), "--y-true", "y", "--y-proba", "p", "--format", "json"])
    {
      "file": "...predictions.csv",
      "n_rows": 3,
      "total_weight": 3.0,
      "positive_class": 1,
      "base_rate": 0.666...,
      "log_loss": 0.2797...,
      "binary_cross_entropy": 0.2797...,
      "normalized_cross_entropy": 0.4395...,
      "brier_score": 0.07
    }
    0
    >>> folder.cleanup()
    """
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # --help, --version and argument errors
        return exc.code if isinstance(exc.code, int) else USAGE_ERROR
    if args.command is None:
        parser.print_usage(sys.stderr)
        print(
            "skbce: error: choose a command: demo, score or report (see skbce --help)",
            file=sys.stderr,
        )
        return USAGE_ERROR
    try:
        return _run(args)
    except UsageError as exc:
        print(f"skbce {args.command}: error: {exc}", file=sys.stderr)
        return USAGE_ERROR
    except KeyboardInterrupt:
        print(f"skbce {args.command}: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        # the reader of our output went away (e.g. `skbce ... | head`)
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 1
