"""The matplotlib reliability diagram: kinds, bands, legend, histogram with its count axis."""

import numpy as np
import pytest

from skbce._render.plot import KINDS, ReliabilityDisplay
from skbce._report.report import calibration_report, compare_calibration


@pytest.fixture(scope="module")
def data():
    rng = np.random.default_rng(0)
    p = rng.beta(2, 5, size=1200)
    y = (rng.uniform(size=1200) < p).astype(int)
    return y, p


@pytest.fixture(scope="module")
def report(data):
    return calibration_report(*data, random_state=0)


def _legend(ax):
    return [t.get_text() for t in ax.get_legend().get_texts()]


@pytest.mark.parametrize("kind", KINDS)
def test_every_kind_draws_on_the_given_axes(pyplot, report, kind):
    fig, ax = pyplot.subplots()
    display = report.plot(ax=ax, kind=kind, name="m")
    assert isinstance(display, ReliabilityDisplay)
    assert display.ax_ is ax and display.figure_ is fig
    assert "perfectly calibrated" in _legend(ax)
    assert display.line_ is display.lines_["m"]
    assert display.line_ in ax.get_lines()


def test_corp_draws_the_isotonic_curve_and_its_bands(pyplot, report):
    display = report.plot(kind="corp", name="m")
    rc = report.recalibration
    x, y = display.line_.get_data()
    np.testing.assert_array_equal(x, np.column_stack([rc.lower, rc.upper]).ravel())
    np.testing.assert_array_equal(y, np.repeat(rc.value, 2))
    legend = _legend(display.ax_)
    for name in ("consistency", "confidence"):
        band = getattr(report, f"{name}_band", None)
        if band is None:
            assert name not in display.bands_
            continue
        assert name in display.bands_
        assert any(name in entry for entry in legend)
        paths = display.bands_[name].get_paths()
        vertices = np.concatenate([p.vertices for p in paths])
        inside = vertices[:, 0] >= band.x[0]
        assert vertices[inside, 1].min() >= np.nanmin(band.low) - 1e-12
        assert vertices[inside, 1].max() <= np.nanmax(band.high) + 1e-12


def test_flexible_draws_the_curve_and_its_band(pyplot, report):
    display = report.plot(kind="flexible", name="m")
    fc = report.flexible_curve
    x, y = display.line_.get_data()
    np.testing.assert_array_equal(x, fc.x)
    np.testing.assert_array_equal(y, fc.observed)
    assert "flexible" in display.bands_
    assert any("band" in entry for entry in _legend(display.ax_))


def test_histogram_has_a_count_axis(pyplot, data, report):
    _, p = data
    display = report.plot()
    hist = display.hist_ax_
    assert hist.get_ylabel() == "count"
    heights = [patch.get_height() for patch in hist.patches]
    bins = np.searchsorted(np.linspace(0, 1, 11)[1:-1], p)  # [0, .1], (.1, .2], ...
    assert heights == np.bincount(bins, minlength=10).tolist()
    ticks = hist.get_yticks()
    assert ticks[0] == 0 and ticks[-1] >= max(heights) and len(ticks) == 3


def test_histogram_of_quantile_bins_shows_density(pyplot, data):
    y, p = data
    report = calibration_report(y, p, strategy="quantile", n_bins=5, random_state=0)
    hist = report.plot().hist_ax_
    assert hist.get_ylabel() == "count per 0.2"
    rel = report.reliability
    heights = np.array([patch.get_height() for patch in hist.patches])
    np.testing.assert_allclose(heights, rel.count * 0.2 / (rel.bin_upper - rel.bin_lower))
    assert heights.max() > 2 * heights.min()  # not a flat band: the predictions pile up low


def test_title_is_the_verdict(pyplot, report):
    title = report.plot().ax_.get_title(loc="left")
    assert " ".join(title.split()) == report.hierarchy.summary


def test_overlay_draws_curves_without_bands(pyplot, data):
    y, p = data
    reports = {
        f"model {k}": calibration_report(y, p**a, random_state=0)
        for k, a in enumerate((1, 0.7, 1.4))
    }
    display = compare_calibration(reports).plot(kind="corp")
    assert display.bands_ == {}
    assert list(display.lines_) == list(reports)
    assert _legend(display.ax_)[-1] == "perfectly calibrated"
