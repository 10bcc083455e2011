"""Several calibration reports side by side: one table, one plot."""

import math
from dataclasses import dataclass, field

import numpy as np

from skbce._render import html as _html
from skbce._render import text as _text
from skbce._render.data import frame_row
from skbce._render.definitions import COMPARISON
from skbce._render.plot import ReliabilityDisplay
from skbce._report.objects import CalibrationReport
from skbce._report.table import Table, import_pandas
from skbce._utils.options import InvalidParameterError

__all__ = ["CalibrationComparison", "compare_calibration"]


@dataclass(eq=False, repr=False)
class CalibrationComparison:
    """Several calibration reports side by side: one table, one plot.

    Built by :func:`compare_calibration`.

    Parameters
    ----------
    reports : dict of str to CalibrationReport
        The reports, by model name (at least one).

    Attributes
    ----------
    reports : dict of str to CalibrationReport
        The reports, by name.
    table : Table
        One row per statistic (column ``statistic``), one column per report.

    Examples
    --------
    >>> from skbce import CalibrationComparison, calibration_report
    >>> y = [0, 1, 1, 0, 1, 0, 0, 1] * 50
    >>> report = calibration_report(y, [0.3, 0.7, 0.6, 0.4, 0.2, 0.8, 0.5, 0.5] * 50)
    >>> comparison = CalibrationComparison({"model": report})
    >>> comparison
    <CalibrationComparison of ['model']>
    >>> comparison.table.statistic[0]
    'log_loss'
    """

    reports: dict
    table: Table = field(init=False)

    def __post_init__(self):
        _check_reports(self.reports)  # also when built directly, not by compare_calibration
        self.reports = dict(self.reports)
        columns = {"statistic": np.array(COMPARISON, dtype=object)}
        for name, row in self._frame_rows().items():
            columns[name] = np.array([row.get(k, math.nan) for k in COMPARISON])
        self.table = Table(columns)

    def _frame_rows(self):
        return {name: frame_row(r) for name, r in self.reports.items()}

    def __str__(self):
        """The comparison as text: each model's verdict, then the table of statistics."""
        return _text.comparison_text(self.reports)

    def __repr__(self):
        return f"<CalibrationComparison of {list(self.reports)}>"

    def to_markdown(self):
        """The comparison in Markdown: each model's verdict, then the table of statistics.

        Human labels and the one number format of every rendering (4
        significant digits; p-values ``0.0123`` or ``< 1e-4``); a row of
        intervals follows each statistic that has them.

        Returns
        -------
        text : str
            The verdicts, then the table of statistics.

        Examples
        --------
        >>> from skbce import calibration_report, compare_calibration
        >>> y = [0, 1, 1, 0, 1, 0, 0, 1] * 50
        >>> report = calibration_report(y, [0.3, 0.7, 0.6, 0.4, 0.2, 0.8, 0.5, 0.5] * 50)
        >>> markdown = compare_calibration({"model": report}).to_markdown()
        >>> print(markdown.splitlines()[0])
        **Calibration comparison of 1 model**
        """
        return _text.comparison_markdown(self.reports)

    def _repr_html_(self):
        return _html.comparison_fragment(self.reports)

    def to_html(self, path=None, *, title="Calibration comparison", subtitle=None):
        """The comparison as one self-contained HTML page.

        The verdict of each model first, then the table of statistics (with
        their intervals and what each says), the reliability diagrams
        overlaid, and each model's full report: its diagram (bins with Wilson
        intervals and counts, CORP curve with its bands, flexible curve with
        its band, histogram of predictions), recalibration advice, subgroups
        and every table.  No external file, no network, no JavaScript;
        model names and class labels are escaped.

        Parameters
        ----------
        path : str or path-like, default=None
            Where to write the page (UTF-8); None only returns it.
        title : str, default="Calibration comparison"
            Title of the page.
        subtitle : str, default=None
            A paragraph of text under the title (e.g. where the data come
            from); escaped.

        Returns
        -------
        page : str
            The whole document (written to ``path`` too when one is given).

        Examples
        --------
        >>> from skbce import calibration_report, compare_calibration
        >>> y = [0, 1, 1, 0, 1, 0, 0, 1] * 50
        >>> p = [0.3, 0.7, 0.6, 0.4, 0.2, 0.8, 0.5, 0.5] * 50
        >>> squeezed = [0.5 + (q - 0.5) / 2 for q in p]
        >>> page = compare_calibration({"p": calibration_report(y, p),
        ...                             "squeezed": calibration_report(y, squeezed)}).to_html()
        >>> page.startswith("<!DOCTYPE html>"), page.count("<svg") >= 3
        (True, True)
        """
        texts = {"title": title, "subtitle": "" if subtitle is None else subtitle}
        for name, text in texts.items():
            if not isinstance(text, str):
                msg = f"{name} must be a str, got {type(text).__name__}."
                raise TypeError(msg)
        return _html.comparison_page(self.reports, path, title=title, subtitle=subtitle)

    def to_dict(self):
        """``{name: report.to_dict()}``: JSON-serialisable.

        Returns
        -------
        data : dict of str to dict
            :meth:`CalibrationReport.to_dict` of each report, by name.

        Examples
        --------
        >>> from skbce import calibration_report, compare_calibration
        >>> y = [0, 1, 1, 0, 1, 0, 0, 1] * 50
        >>> report = calibration_report(y, [0.3, 0.7, 0.6, 0.4, 0.2, 0.8, 0.5, 0.5] * 50)
        >>> data = compare_calibration({"a": report, "b": report}).to_dict()
        >>> list(data), data["a"]["task"]
        (['a', 'b'], 'binary')
        """
        return {str(name): r.to_dict() for name, r in self.reports.items()}

    def to_frame(self):
        """One row per report, the columns of :meth:`CalibrationReport.to_frame`.

        Returns
        -------
        frame : pandas.DataFrame
            Indexed by the names of the reports.

        Raises
        ------
        ImportError
            If pandas is not installed.

        Examples
        --------
        >>> from skbce import calibration_report, compare_calibration
        >>> y = [0, 1, 1, 0, 1, 0, 0, 1] * 50
        >>> report = calibration_report(y, [0.3, 0.7, 0.6, 0.4, 0.2, 0.8, 0.5, 0.5] * 50)
        >>> frame = compare_calibration({"a": report, "b": report}).to_frame()
        >>> frame.index.tolist(), frame["log_loss"].round(4).tolist()
        (['a', 'b'], [0.7925, 0.7925])
        """
        pd = import_pandas("CalibrationComparison.to_frame")
        return pd.concat([r.to_frame(name=name) for name, r in self.reports.items()])

    def plot(self, ax=None, *, kind="reliability", histogram=False):
        """Overlay the reliability diagrams of all reports on one Axes.

        Bands are off in an overlay (``kind="corp"`` and ``"flexible"`` draw
        the curves only), so that up to 6 models stay readable.

        Parameters
        ----------
        ax : matplotlib Axes, default=None
            Axes to draw on; a new figure when None.
        kind : {"reliability", "corp", "both", "smooth", "flexible"}, \
default="reliability"
            As in :meth:`CalibrationReport.plot`.
        histogram : bool, default=False
            Draw each report's histogram of predictions.

        Returns
        -------
        display : ReliabilityDisplay
            Holds the plot handles: ``ax_``, ``figure_``, ``lines_`` (one
            curve per report) and ``hist_axes_``.  The reports are not
            modified.

        Examples
        --------
        >>> import matplotlib.pyplot as plt
        >>> from skbce import calibration_report, compare_calibration
        >>> y = [0, 1, 1, 0, 1, 0, 0, 1] * 50
        >>> p = [0.3, 0.7, 0.6, 0.4, 0.2, 0.8, 0.5, 0.5] * 50
        >>> squeezed = [0.5 + (q - 0.5) / 2 for q in p]
        >>> comparison = compare_calibration({"p": calibration_report(y, p),
        ...                                   "squeezed": calibration_report(y, squeezed)})
        >>> display = comparison.plot()
        >>> list(display.lines_)
        ['p', 'squeezed']
        >>> plt.close(display.figure_)
        """
        display = ReliabilityDisplay(self.reports, kind=kind, histogram=histogram)
        return display.plot(ax=ax)


def compare_calibration(reports):
    """Several calibration reports side by side: one table and one plot.

    Parameters
    ----------
    reports : dict of str to CalibrationReport
        The reports, by model name (at least one).

    Returns
    -------
    comparison : CalibrationComparison
        ``str()``, ``to_markdown()`` and ``to_html()`` (each model's verdict
        first), ``to_frame()``, ``to_dict()`` and ``plot(ax=None)`` (a
        :class:`ReliabilityDisplay`).

    Raises
    ------
    ValueError
        If ``reports`` is not a non-empty dict of :class:`CalibrationReport`.
    TypeError
        If a name is not a str (the error is also a ValueError).

    Examples
    --------
    >>> import numpy as np
    >>> from skbce import calibration_report, compare_calibration
    >>> rng = np.random.default_rng(0)
    >>> p = rng.uniform(size=1000)
    >>> y = rng.uniform(size=1000) < p
    >>> cmp = compare_calibration({
    ...     "model": calibration_report(y, p),
    ...     "overconfident": calibration_report(y, np.clip(1.5 * p - 0.25, 0.01, 0.99)),
    ... })
    >>> cmp.table.statistic[:2]
    array(['log_loss', 'brier_score'], dtype=object)
    """
    return CalibrationComparison(reports)


def _check_reports(reports):
    """Refuse what is not a non-empty dict of model names to reports, naming ``reports``."""
    if not isinstance(reports, dict) or not reports:
        msg = f"reports must be a non-empty dict of name to CalibrationReport, got {reports!r}."
        raise ValueError(msg)
    for name, report in reports.items():
        if not isinstance(name, str):
            msg = (
                "reports must be keyed by model names (str), got the key "
                f"{name!r} of type {type(name).__name__}."
            )
            raise InvalidParameterError(msg)
        if not isinstance(report, CalibrationReport):
            msg = f"reports[{name!r}] must be a CalibrationReport, got {type(report).__name__}."
            raise ValueError(msg)
