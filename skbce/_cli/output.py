"""What the commands print or write: JSON, text tables, files, a progress bar."""

import contextlib
import json
import math
import os
import stat
import sys
import tempfile
import time

from skbce._cli.errors import UsageError

__all__ = ["Progress", "check_output", "json_text", "text_table", "write_output"]


def _finite(value, key, notes):
    """``value`` with every non-finite float replaced by None, noted in ``notes``."""
    if isinstance(value, dict):
        return {k: _finite(v, f"{key}.{k}" if key else str(k), notes) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_finite(v, f"{key}[{i}]", notes) for i, v in enumerate(value)]
    if isinstance(value, float) and not math.isfinite(value):
        notes.setdefault(key, f"{value} is not a JSON number: written as null")
        return None
    return value


def json_text(data):
    """``data`` as valid JSON: non-finite numbers become null, with a note.

    A value that does not exist (``NaN``) or is infinite is written as
    ``null``, and ``data["notes"]`` (a dict) gets the reason under the
    value's key unless it already has one.

    Examples
    --------
    >>> from skbce._cli.output import json_text
    >>> print(json_text({"nce": float("nan"), "notes": {"nce": "one class"}}))
    {
      "nce": null,
      "notes": {
        "nce": "one class"
      }
    }
    """
    notes = {}
    clean = _finite(data, "", notes)
    if notes:
        given = clean.get("notes")
        if isinstance(given, dict):
            clean["notes"] = {**notes, **given}
        elif given:  # a list of sentences: add the ones not there
            clean["notes"] = [*given, *(f"{k}: {v}" for k, v in notes.items())]
        else:
            clean["notes"] = notes
    return json.dumps(clean, indent=2, allow_nan=False, default=str)


def check_output(path, inputs):
    """Refuse an output ``path`` that cannot be written or is one of ``inputs``.

    Called before the work: a directory, a file in a folder that does not
    exist, or an input file (whatever its spelling or links) is refused at once.
    """
    if path is None or path == "-":
        return
    folder = os.path.dirname(os.path.abspath(path)) if path else ""
    reason = None
    if not path:
        reason = "an empty name"
    elif os.path.isdir(path):
        reason = "Is a directory"
    elif path.endswith((os.sep, "/")):  # "out/" names a folder, even one that does not exist
        reason = "a name ending with / is a folder; give a file name"
    elif not os.path.isdir(folder):
        reason = f"no folder {folder}"
    if reason is not None:
        msg = f"cannot write -o {path if path else repr(path)}: {reason}"
        raise UsageError(msg)
    for name in inputs:
        try:
            same = os.path.samefile(path, name)
        except OSError:  # the output does not exist yet
            continue
        if same:
            msg = f"-o {path} is the input file {name}: choose another output file"
            raise UsageError(msg)


def write_output(text, path, inputs=()):
    """Write ``text`` to ``path`` (standard output when None or ``-``).

    Refuses a path that is one of ``inputs`` (whatever its spelling or
    symbolic links).  The text goes to a temporary file beside the target,
    renamed into place once whole: a failure leaves an existing file as it
    was and no partial file behind.
    """
    if path is None or path == "-":
        sys.stdout.write(text)
        return
    check_output(path, inputs)
    target = os.path.realpath(path)  # through a symbolic link, to the file it names
    if os.path.exists(target) and not os.path.isfile(target):  # /dev/stdout, a pipe
        _write_in_place(text, path)
        return
    folder, name = os.path.split(target)
    temporary = None
    try:
        with tempfile.NamedTemporaryFile(
            "w", encoding="utf-8", dir=folder, prefix=f".{name}.", suffix=".tmp", delete=False
        ) as f:
            temporary = f.name
            f.write(text)
        os.chmod(temporary, _file_mode(target))
        os.replace(temporary, target)
        temporary = None
    except OSError as exc:
        msg = f"cannot write -o {path}: {exc.strerror or exc}"
        raise UsageError(msg) from None
    finally:
        if temporary is not None:
            with contextlib.suppress(OSError):
                os.remove(temporary)


def _write_in_place(text, path):
    """Write ``text`` to ``path``, a device or a pipe, that cannot be replaced."""
    try:
        with open(path, "w", encoding="utf-8") as f:
            f.write(text)
    except OSError as exc:
        msg = f"cannot write -o {path}: {exc.strerror or exc}"
        raise UsageError(msg) from None


def _file_mode(path):
    """The permissions of the file at ``path``, or those a new file gets (the umask applied)."""
    try:
        return stat.S_IMODE(os.stat(path).st_mode)
    except FileNotFoundError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask


def text_table(header, rows):
    """Rows as an aligned text table (the first column left-aligned)."""
    widths = [max(len(str(r[j])) for r in [header, *rows]) for j in range(len(header))]
    lines = []
    for r in [header, *rows]:
        cells = [
            str(c).ljust(w) if j == 0 else str(c).rjust(w)
            for j, (c, w) in enumerate(zip(r, widths, strict=True))
        ]
        lines.append("  " + "  ".join(cells).rstrip())
    return "\n".join(lines)


class Progress:
    """A progress bar on stderr, drawn only when stderr is a terminal."""

    def __init__(self, label, stream=None):
        self.stream = sys.stderr if stream is None else stream
        self.enabled = self.stream.isatty()
        self.label = label
        self.last = 0.0

    def update(self, fraction, rows):
        """Redraw the bar (at most ten times a second)."""
        now = time.monotonic()
        if not self.enabled or now - self.last < 0.1:
            return
        self.last = now
        width = 30
        filled = int(round(width * fraction))
        bar = "#" * filled + "-" * (width - filled)
        self.stream.write(f"\r{self.label} [{bar}] {fraction:4.0%}  {rows:,} rows")
        self.stream.flush()

    def close(self):
        """Erase the bar."""
        if self.enabled and self.last:
            self.stream.write("\r\033[K")
            self.stream.flush()
