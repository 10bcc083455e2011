"""The matplotlib reliability diagram: a display object holding the plot handles.

As scikit-learn's :class:`~sklearn.calibration.CalibrationDisplay`, the
display keeps ``ax_``, ``figure_`` and ``line_``; the reports it draws are
read (public attributes, duck typing) and never modified.
"""

import warnings
from collections.abc import Mapping

import numpy as np

from skbce._utils.options import InvalidParameterError, check_bool, check_choice

__all__ = ["KINDS", "ReliabilityDisplay", "import_pyplot"]

#: What ``plot`` can draw.
KINDS = ("reliability", "corp", "both", "smooth")


def import_pyplot():
    """``matplotlib.pyplot``, or an ImportError saying how to install it."""
    try:
        with warnings.catch_warnings():
            # old matplotlib with new pyparsing warns at import time
            warnings.simplefilter("ignore", DeprecationWarning)
            import matplotlib.pyplot as plt
    except ImportError as exc:
        msg = (
            "Plotting needs matplotlib, which is not installed. Install it with "
            "`pip install matplotlib` (or `pip install skbce[plot]`)."
        )
        raise ImportError(msg) from exc
    return plt


class ReliabilityDisplay:
    """Reliability diagram of one or more calibration reports.

    Made by :meth:`CalibrationReport.plot <skbce.CalibrationReport.plot>` and
    :meth:`CalibrationComparison.plot <skbce.CalibrationComparison.plot>`;
    :meth:`plot` draws it.

    Parameters
    ----------
    reports : dict of str to CalibrationReport
        The curves, by legend label, drawn in this order.
    kind : {"reliability", "corp", "both", "smooth"}, default="reliability"
        The binned diagram with interval bars, the CORP (isotonic) step curve,
        both, or the kernel-smoothed curve of the smooth ECE.
    histogram : bool, default=True
        Draw each report's share of weight per bin on a twin axis.

    Attributes
    ----------
    ax_ : matplotlib Axes
        The Axes of the diagram.
    figure_ : matplotlib Figure
        Its figure.
    line_ : matplotlib Line2D
        The main curve of the first report.
    lines_ : dict of str to Line2D
        The main curve of each report.
    hist_ax_ : matplotlib Axes or None
        The twin Axes of the first report's histogram (None without one).
    hist_axes_ : dict of str to Axes
        The histogram Axes of each report (empty without histograms).

    Examples
    --------
    >>> import numpy as np
    >>> from skbce import calibration_report
    >>> from skbce._render.plot import ReliabilityDisplay
    >>> p = np.linspace(0.01, 0.99, 300)
    >>> report = calibration_report(np.random.default_rng(0).uniform(size=300) < p, p, n_bins=5)
    >>> display = ReliabilityDisplay({"model": report}, kind="corp").plot()
    >>> display.hist_ax_ is not None, list(display.lines_)
    (True, ['model'])
    >>> display.figure_.clear()
    """

    def __init__(self, reports, *, kind="reliability", histogram=True):
        self.reports = _check_reports(reports)
        self.kind = check_choice(kind, "kind", KINDS)
        self.histogram = check_bool(histogram, "histogram")

    def plot(self, ax=None):
        """Draw on ``ax`` (a new figure when None).

        Returns
        -------
        self : ReliabilityDisplay
            With ``ax_``, ``figure_``, ``line_``, ``lines_``, ``hist_ax_``
            and ``hist_axes_``.
        """
        plt = import_pyplot()
        if ax is None:
            _, ax = plt.subplots()
        ax.plot([0, 1], [0, 1], linestyle="--", color="0.5", linewidth=1, label="_diagonal")
        self.lines_, self.hist_axes_ = {}, {}
        for name, report in self.reports.items():
            line = _curves(ax, report, self.kind, str(name))
            self.lines_[name] = line
            if self.histogram:
                self.hist_axes_[name] = _histogram(ax, report, line.get_color())
        first = next(iter(self.reports))
        self.line_ = self.lines_[first]
        self.hist_ax_ = self.hist_axes_.get(first)
        binary = self.reports[first].task == "binary"
        ax.set_xlim(0, 1)
        ax.set_ylim(0, 1)
        ax.set_xlabel("Mean predicted probability" if binary else "Confidence")
        ax.set_ylabel("Observed frequency" if binary else "Accuracy")
        ax.legend(loc="upper left")
        self.ax_ = ax
        self.figure_ = ax.figure
        return self


def _check_reports(reports):
    """``reports`` as a dict of names to reports (anything with their public fields)."""
    if not isinstance(reports, Mapping) or not reports:
        msg = f"reports must be a non-empty dict of names to CalibrationReport, got {reports!r}."
        raise InvalidParameterError(msg)
    for name, report in reports.items():
        if not isinstance(name, str):
            msg = f"reports must be keyed by model names (str), got {name!r}."
            raise InvalidParameterError(msg)
        if not all(hasattr(report, a) for a in ("task", "reliability", "recalibration")):
            msg = f"reports[{name!r}] must be a CalibrationReport, got {type(report).__name__}."
            raise InvalidParameterError(msg)
    return dict(reports)


def _curves(ax, report, kind, label):
    """Draw the curves of one report; return the main one."""
    line, color = None, None
    if kind in ("reliability", "both"):
        rel = report.reliability
        ok = ~rel.empty
        yerr = np.vstack([rel.observed[ok] - rel.ci_low[ok], rel.ci_high[ok] - rel.observed[ok]])
        container = ax.errorbar(
            rel.mean_predicted[ok], rel.observed[ok], yerr=yerr, marker="o", capsize=3, label=label
        )
        line = container.lines[0]
        color = line.get_color()
    if kind in ("corp", "both"):
        rc = report.recalibration
        (corp,) = ax.plot(
            np.column_stack([rc.lower, rc.upper]).ravel(),
            np.repeat(rc.value, 2),
            color=color,
            linestyle="-" if kind == "corp" else ":",
            label=label if kind == "corp" else f"{label} (CORP)",
        )
        line = line or corp
    if kind == "smooth":
        sc, rc = report.smooth_curve, report.recalibration
        inside = (sc.x >= rc.lower[0]) & (sc.x <= rc.upper[-1])  # where there are data
        (line,) = ax.plot(sc.x[inside], sc.observed[inside], label=label)
    return line


def _histogram(ax, report, color):
    """The share of weight in each bin, as bars on a twin axis."""
    rel = report.reliability
    hist_ax = ax.twinx()
    share = rel.weight / report.total_weight
    hist_ax.bar(
        rel.bin_lower,
        share,
        width=rel.bin_upper - rel.bin_lower,
        align="edge",
        alpha=0.25,
        color=color,
        edgecolor="none",
    )
    top = float(np.max(share)) if share.size else 1.0
    hist_ax.set_ylim(0, 4 * top if top > 0 else 1)
    hist_ax.set_yticks([])
    return hist_ax
