"""The arguments of ``skbce``: one small function per subcommand.

Nothing here imports scikit-learn, SciPy or the library: ``skbce --help``
and ``skbce --version`` stay fast; each command imports what it uses.
"""

import argparse
import re

from skbce._cli.errors import USAGE_ERROR
from skbce._cli.files import CHUNK_ROWS

__all__ = ["build_parser"]

_SCORE_EXAMPLE = """\
examples:
  skbce score predictions.csv --y-true label --y-proba p
  skbce score scores.csv.xz --y-true clicked --y-proba logit --from-logits
  skbce score data.parquet --y-true y --y-proba p --weight w --pos-label yes

FILE is a CSV file with a header line (optionally compressed with gzip, bzip2
or xz; the delimiter , ; tab or | is found from the header, or given by --sep) or a
Parquet file, read with pyarrow (pip install "skbce[cli]"); - reads standard
input (copied to a temporary file first, as a pipe is).  It is read once,
in chunks, so memory stays bounded whatever its size; several --y-proba
columns are scored side by side, each named by its column.  Rows are
numbered from 1 after the header.  Exit status 2 on a mistake in the
arguments or the data.
"""

_REPORT_EXAMPLE = """\
examples:
  skbce report predictions.csv --y-true label --y-proba p
  skbce report predictions.csv --y-true label --y-proba p --format html -o report.html
  skbce report scores.parquet --y-true y --y-proba logit --from-logits --bins 20 \\
      --strategy quantile --format markdown
  skbce report predictions.csv --y-true label --y-proba lr gbm --group site \\
      --format html -o comparison.html

FILE is read once, as for 'skbce score' (CSV, compressed or not, or Parquet).  Several
--y-proba columns give a comparison of the models, each named by its column;
--group adds a subgroup table to each report.  Exit status 2 on a mistake in
the arguments or the data.
"""

_MAIN_EXAMPLE = """\
examples:
  skbce demo
  skbce score predictions.csv --y-true y --y-proba p
  skbce report predictions.csv --y-true y --y-proba p --format html -o report.html

Run 'skbce COMMAND --help' for the options of a command."""


class _Parser(argparse.ArgumentParser):
    """An argument parser whose errors fit on one line."""

    def error(self, message):
        """Print a one-line error and exit with status 2."""
        found = re.match(r"argument (?:\S+/)?(\S+): expected (?:at least )?one argument", message)
        if found:  # argparse reads a value starting with '-' (but a number) as an option
            option = found.group(1)
            message += f" (if its value starts with '-', write {option}=VALUE, e.g. {option}=-1)"
        self.exit(USAGE_ERROR, f"{self.prog}: error: {message} (see {self.prog} --help)\n")


    def parse_args(self, args=None, namespace=None):
        """Parse ``args``; an unknown argument is named by the subcommand's parser.

        argparse leaves arguments a subcommand does not know to the main
        parser ("skbce: error"); here the subcommand reports them, and says
        which other command takes an option that it does not.
        """
        namespace, extras = self.parse_known_args(args, namespace)
        if extras:
            commands = getattr(self, "commands", {})
            parser = commands.get(getattr(namespace, "command", None), self)
            message = f"unrecognized arguments: {' '.join(extras)}"
            others = [
                f"skbce {name}"
                for name, other in commands.items()
                if other is not parser and extras[0] in other._option_string_actions
            ]
            if others:
                message += f" ({extras[0]} is an option of {' and '.join(others)})"
            parser.error(message)
        return namespace


class _Once(argparse.Action):
    """Store a value; giving the option twice is an error, not "the last one wins"."""

    def __call__(self, parser, namespace, values, option_string=None):
        given = vars(namespace).setdefault("given_once", set())
        if self.dest in given:
            parser.error(f"{option_string} is given twice")
        given.add(self.dest)
        setattr(namespace, self.dest, values)


class _OnceFlag(_Once):
    """A flag (``store_true``) that may be given once."""

    def __init__(self, option_strings, dest, default=False, required=False, help=None):
        super().__init__(
            option_strings, dest, nargs=0, default=default, required=required, help=help
        )

    def __call__(self, parser, namespace, values, option_string=None):
        super().__call__(parser, namespace, True, option_string)


def _positive_int(text):
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1:
        msg = f"must be a positive integer, got {text!r}"
        raise argparse.ArgumentTypeError(msg)
    return value


def _delimiter(text):
    value = {"tab": "\t", "\\t": "\t"}.get(text.lower(), text)
    if len(value) != 1 or value in '"\r\n' or not value.isascii():
        msg = f"must be one character (an ASCII one, or 'tab'), got {text!r}"
        raise argparse.ArgumentTypeError(msg)
    return value


def _add_input_arguments(parser):
    parser.add_argument(
        "file",
        metavar="FILE",
        help="CSV file (.gz, .bz2, .xz too) or Parquet file; - for standard input",
    )
    once = {"action": _Once, "metavar": "COL"}
    parser.add_argument("--y-true", required=True, help="column of the true labels", **once)
    parser.add_argument(
        "--y-proba",
        required=True,
        nargs="+",
        help="column(s) of the predicted probability of the positive class "
        "(or of logits, with --from-logits); several columns compare several "
        "models, each named by its column",
        **once,
    )
    parser.add_argument("--weight", help="column of sample weights", **once)
    parser.add_argument(
        "--pos-label",
        action=_Once,
        metavar="L",
        help="the positive class (default: the greater label, 1 for 0/1 labels)",
    )
    parser.add_argument(
        "--from-logits",
        action=_OnceFlag,
        help="--y-proba holds logits (decision values), not probabilities",
    )
    parser.add_argument(
        "--sep",
        action=_Once,
        type=_delimiter,
        metavar="C",
        help="the delimiter of a CSV file (default: found from the header among , ; tab |)",
    )
    parser.add_argument(
        "--chunk-rows",
        action=_Once,
        type=_positive_int,
        default=CHUNK_ROWS,
        metavar="N",
        help=f"rows read at a time (default: {CHUNK_ROWS}); memory grows with it",
    )


def _handler(name):
    """The function of a command, imported when the command runs."""

    def run(args):
        import importlib

        module = importlib.import_module(f"skbce._cli.{name}")
        return getattr(module, f"command_{name}")(args)

    return run


def _command(commands, name, *, summary, description, epilog):
    """Add the subcommand ``name``, run by ``command_<name>`` of ``skbce._cli.<name>``."""
    parser = commands.add_parser(
        name,
        help=summary,
        description=description,
        epilog=epilog,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.set_defaults(handler=_handler(name))
    return parser


def _add_format(parser, choices):
    parser.add_argument(
        "--format",
        action=_Once,
        choices=choices,
        default="text",
        help="output format (default: text)",
    )


def _add_demo(commands):
    demo = _command(
        commands,
        "demo",
        summary="tune two models by log loss on a bundled data set and compare their calibration",
        description="Tune a LogisticRegression and a HistGradientBoostingClassifier "
        "with GridSearchCV scored by skbce's log-loss scorer on the breast cancer data "
        "that ships with scikit-learn, print the search results and the calibration "
        "report of each model side by side, and write an HTML report.",
        epilog="examples:\n  skbce demo\n  skbce demo -o /tmp/demo.html",
    )
    demo.add_argument(
        "-o",
        "--output",
        action=_Once,
        metavar="OUT",
        default="skbce-demo.html",
        help="where to write the HTML report (default: skbce-demo.html in the current "
        "directory; - for standard output)",
    )


def _add_score(commands):
    score = _command(
        commands,
        "score",
        summary="print log loss, binary cross-entropy, normalized cross-entropy and "
        "Brier score of a file of predictions",
        description="Print the log loss, binary cross-entropy, normalized "
        "cross-entropy and Brier score of a file of predictions.",
        epilog=_SCORE_EXAMPLE,
    )
    _add_input_arguments(score)
    _add_format(score, ["text", "json"])


def _add_report(commands):
    report = _command(
        commands,
        "report",
        summary="print or write the calibration report of a file of predictions",
        description="The calibration report of a file of predictions: scores, "
        "reliability table, calibration errors and tests, as text, Markdown, JSON "
        "or a self-contained HTML page.  The columns are held in memory.",
        epilog=_REPORT_EXAMPLE,
    )
    _add_input_arguments(report)
    report.add_argument(
        "--bins",
        action=_Once,
        type=_positive_int,
        default=10,
        metavar="N",
        help="bins of the reliability table (default: 10)",
    )
    report.add_argument(
        "--strategy",
        action=_Once,
        choices=["uniform", "quantile"],
        default="uniform",
        help="equal-width bins or bins of equal count (default: uniform)",
    )
    report.add_argument(
        "--group",
        action=_Once,
        metavar="COL",
        help="column of subgroups (e.g. sex or site): each report gets a subgroup table",
    )
    _add_format(report, ["text", "markdown", "json", "html"])
    report.add_argument(
        "-o",
        "--output",
        action=_Once,
        metavar="OUT",
        help="write to this file instead of standard output (- for standard output)",
    )


class _Version(argparse.Action):
    """``--version``: the installed version, read only when asked for."""

    def __init__(self, option_strings, dest, help=None):
        super().__init__(option_strings, dest, nargs=0, default=argparse.SUPPRESS, help=help)

    def __call__(self, parser, namespace, values, option_string=None):
        from importlib.metadata import PackageNotFoundError, version

        try:
            release = version("skbce")
        except PackageNotFoundError:  # pragma: no cover - running from a source tree
            release = "0+unknown"
        print(f"skbce {release}")
        parser.exit()


def build_parser():
    """The argument parser of the ``skbce`` command."""
    parser = _Parser(
        prog="skbce",
        description="Binary cross-entropy metrics and calibration reports.",
        epilog=_MAIN_EXAMPLE,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action=_Version, help="print the version and exit")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    _add_demo(commands)
    _add_score(commands)
    _add_report(commands)
    parser.commands = commands.choices
    return parser
