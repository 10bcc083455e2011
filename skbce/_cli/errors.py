"""Mistakes of the user: one line on stderr and exit status 2, never a traceback."""

import contextlib
import re

__all__ = ["USAGE_ERROR", "UsageError", "library_errors", "shown"]

#: Exit status for a mistake of the user (as argparse uses for bad arguments).
USAGE_ERROR = 2

#: Longest text of a value or column name quoted in a message.
_SHOWN = 40


class UsageError(Exception):
    """A mistake of the user: reported in one line, exit status 2."""


def shown(value):
    """``repr(value)`` on one short line, for messages (never echo a whole file)."""
    if type(value).__module__ == "numpy" and hasattr(value, "item"):
        value = value.item()
    text = repr(value)
    if len(text) > _SHOWN:
        text = text[: _SHOWN - 3] + "..."
    return text


def one_line(text):
    """The first non-empty line of ``text``, shortened."""
    lines = [line.strip() for line in str(text).splitlines() if line.strip()]
    line = lines[0] if lines else str(text)
    return line if len(line) <= 200 else line[:197] + "..."


@contextlib.contextmanager
def library_errors(names):
    """Turn the library's ``ValueError``/``TypeError`` into :class:`UsageError`.

    The library's messages name its arguments (``y_true``, ``y_proba``,
    ``sample_weight``, ``pos_label``); ``names`` maps each argument to the words
    the user knows (``"column 'label'"``, ``"--pos-label"``).
    """
    try:
        yield
    except (ValueError, TypeError) as exc:
        message = one_line(exc)
        for argument, words in names.items():
            message = re.sub(rf"\b{argument}\b=?", words + " ", message)
        raise UsageError(re.sub(r" +", " ", message).replace(" :", ":")) from None
