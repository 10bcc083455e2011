"""The matplotlib reliability diagram: a display object holding the plot handles.

As scikit-learn's :class:`~sklearn.calibration.CalibrationDisplay`, the
display keeps ``ax_``, ``figure_`` and ``line_``; the reports it draws are
read (public attributes, duck typing) and never modified.
"""

import math
import textwrap
import warnings
from collections.abc import Mapping

import numpy as np

from skbce._render.data import histogram_bars
from skbce._utils.options import InvalidParameterError, check_bool, check_choice

__all__ = ["KINDS", "ReliabilityDisplay", "import_pyplot"]

#: What ``plot`` can draw.
KINDS = ("reliability", "corp", "both", "smooth", "flexible")


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
    kind : {"reliability", "corp", "both", "smooth", "flexible"}, \
default="reliability"
        The binned diagram with interval bars, the CORP (isotonic) step curve
        (with its consistency and confidence bands when the report has them),
        both, the kernel-smoothed curve of the smooth ECE, or the flexible
        (lowess) calibration curve with its band.  Bands are drawn for one
        report only: an overlay of several shows the curves.
    histogram : bool, default=True
        Draw each report's predictions per bin on a twin axis with a count
        axis (per unit of ``1 / n_bins`` for bins of unequal width).

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
    bands_ : dict of str to PolyCollection
        The bands drawn (keys ``"consistency"``, ``"confidence"``,
        ``"flexible"``), one report only.

    Examples
    --------
    >>> import numpy as np
    >>> from skbce import calibration_report
    >>> from skbce import ReliabilityDisplay
    >>> p = np.linspace(0.01, 0.99, 300)
    >>> report = calibration_report(np.random.default_rng(0).uniform(size=300) < p, p, n_bins=5)
    >>> display = ReliabilityDisplay({"model": report}, kind="corp").plot()
    >>> display.hist_ax_ is not None, list(display.lines_)
    (True, ['model'])
    >>> import matplotlib.pyplot as plt
    >>> plt.close(display.figure_)
    """

    def __init__(self, reports, *, kind="reliability", histogram=True):
        self.reports = _check_reports(reports)
        self.kind = check_choice(kind, "kind", KINDS)
        self.histogram = check_bool(histogram, "histogram")

    def plot(self, ax=None):
        """Draw on ``ax`` (a new figure when None).

        Parameters
        ----------
        ax : matplotlib Axes, default=None
            Axes to draw on; a new figure when None.

        Returns
        -------
        self : ReliabilityDisplay
            With ``ax_``, ``figure_``, ``line_``, ``lines_``, ``hist_ax_``,
            ``hist_axes_`` and ``bands_``.

        Raises
        ------
        ImportError
            If matplotlib is not installed.
        TypeError
            If ``ax`` is not a matplotlib Axes (the error is also a ValueError).

        Examples
        --------
        >>> import matplotlib.pyplot as plt
        >>> from skbce import calibration_report
        >>> from skbce import ReliabilityDisplay
        >>> report = calibration_report([0, 1, 1, 0, 1, 0], [0.2, 0.8, 0.35, 0.3, 0.7, 0.4],
        ...                             n_bins=3)
        >>> fig, ax = plt.subplots()
        >>> display = ReliabilityDisplay({"model": report}, histogram=False).plot(ax=ax)
        >>> display.ax_ is ax, display.hist_ax_ is None
        (True, True)
        >>> plt.close(fig)
        """
        plt = import_pyplot()
        if ax is None:
            _, ax = plt.subplots(figsize=(6.4, 5.6))
        _check_axes(ax)
        self.lines_, self.hist_axes_, self.bands_ = {}, {}, {}
        if len(self.reports) == 1:
            self.bands_ = _bands(ax, next(iter(self.reports.values())), self.kind)
        for name, report in self.reports.items():
            line = _curves(ax, report, self.kind, str(name))
            self.lines_[name] = line
            if self.histogram:
                self.hist_axes_[name] = _histogram(ax, report, line.get_color())
        ax.plot(
            [0, 1], [0, 1], linestyle="--", color="0.4", linewidth=1, label="perfectly calibrated"
        )
        first = next(iter(self.reports))
        self.line_ = self.lines_[first]
        self.hist_ax_ = self.hist_axes_.get(first)
        report = self.reports[first]
        binary = report.task == "binary"
        ax.set_xlim(0, 1)
        ax.set_ylim(0, 1)
        ax.set_xlabel("Mean predicted probability" if binary else "Confidence")
        ax.set_ylabel("Observed frequency" if binary else "Accuracy")
        if len(self.reports) == 1:  # the verdict first, as in every rendering
            verdict = getattr(getattr(report, "hierarchy", None), "summary", "")
            ax.set_title("\n".join(textwrap.wrap(verdict, 70)), fontsize=8, loc="left")
        ax.legend(loc="upper left", fontsize="small")
        self.ax_ = ax
        self.figure_ = ax.figure
        return self


def _check_axes(ax):
    """Refuse an ``ax`` that is not a matplotlib Axes, naming the argument."""
    from matplotlib.axes import Axes

    if not isinstance(ax, Axes):
        msg = f"ax must be a matplotlib Axes or None, got {ax!r} of type {type(ax).__name__}."
        raise InvalidParameterError(msg)


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


def _level(report):
    return f"{100 * report.confidence_level:g}%"


def _bands(ax, report, kind):
    """The bands of one report's curves (drawn under them); ``{name: PolyCollection}``."""
    bands = {}
    if kind in ("corp", "both"):
        for name, color, alpha, what in (
            ("consistency", "0.5", 0.3, "consistency band"),
            ("confidence", "tab:red", 0.15, "CORP confidence band"),
        ):
            band = getattr(report, f"{name}_band", None)
            if band is not None:
                bands[name] = ax.fill_between(
                    band.x,
                    band.low,
                    band.high,
                    color=color,
                    alpha=alpha,
                    linewidth=0,
                    step="post" if name == "confidence" else None,
                    label=f"{what} ({_level(report)})",
                )
    if kind == "flexible":
        fc = report.flexible_curve
        bands["flexible"] = ax.fill_between(
            fc.x,
            fc.low,
            fc.high,
            color="tab:green",
            alpha=0.2,
            linewidth=0,
            label=f"flexible curve band ({_level(report)})",
        )
    return bands


def _curves(ax, report, kind, label):
    """Draw the curves of one report; return the main one."""
    line, color = None, None
    if kind in ("reliability", "both"):
        rel = report.reliability
        ok = ~rel.empty
        yerr = np.vstack([rel.observed[ok] - rel.ci_low[ok], rel.ci_high[ok] - rel.observed[ok]])
        container = ax.errorbar(
            rel.mean_predicted[ok],
            rel.observed[ok],
            yerr=np.maximum(yerr, 0),
            marker="o",
            capsize=3,
            label=f"{label} (bins, {_level(report)} Wilson)",
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
            label=f"{label} (CORP)",
        )
        line = line or corp
    if kind == "smooth":
        sc, rc = report.smooth_curve, report.recalibration
        inside = (sc.x >= rc.lower[0]) & (sc.x <= rc.upper[-1])  # where there are data
        (line,) = ax.plot(sc.x[inside], sc.observed[inside], label=f"{label} (smooth ECE curve)")
    if kind == "flexible":
        fc = report.flexible_curve
        (line,) = ax.plot(fc.x, fc.observed, label=f"{label} (flexible curve)")
    return line


def _nice_top(value):
    if value <= 0:
        return 1.0
    step = 10 ** math.floor(math.log10(value))
    return next(m * step for m in (1, 2, 2.5, 5, 10) if m * step >= value)


def _histogram(ax, report, color):
    """The predictions per bin as bars on a twin axis, with a count axis on the right.

    Bins of unequal width show their count per ``1 / n_bins`` of probability.
    """
    bars = histogram_bars(report.reliability)
    hist_ax = ax.twinx()
    heights = bars.height
    hist_ax.bar(
        bars.left,
        heights,
        width=bars.width,
        align="edge",
        alpha=0.25,
        color=color,
        edgecolor="none",
    )
    top = _nice_top(float(np.max(heights)) if heights.size else 0.0)
    hist_ax.set_ylim(0, 4 * top)
    hist_ax.set_yticks([0, top / 2, top])
    hist_ax.set_ylabel(bars.label, loc="bottom")
    return hist_ax
