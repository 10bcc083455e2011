"""The calibration hierarchy verdict on data whose miscalibration is known."""

import math

import numpy as np
import pytest
from scipy.special import expit, logit

from skbce._calibration.hierarchy import calibration_hierarchy
from skbce._calibration.statistics import binary_statistics, sort_by_prediction
from skbce._calibration.valprob import val_prob


def _verdict(y, p):
    t = np.asarray(y, dtype=np.float64)
    stats = binary_statistics(*sort_by_prediction(t, np.asarray(p, dtype=np.float64)))
    vp = val_prob(y, p)
    return calibration_hierarchy(
        calibration_in_the_large=stats["calibration_in_the_large"],
        calibration_slope=stats["calibration_slope"],
        unreliability_pvalue=vp.unreliability.pvalue,
        flexible_curve=vp.flexible_curve,
        observed_expected_ratio=stats["observed_expected_ratio"],
    )


def _simulate(truth, n=20_000, seed=0, center=-0.5):
    rng = np.random.default_rng(seed)
    p = expit(rng.normal(center, 1.2, n))
    y = (rng.uniform(size=n) < truth(p)).astype(int)
    return y, p


def _holds(h):
    return {lv.level: lv.holds for lv in h.levels}


def test_calibrated_holds_everywhere_but_strong():
    h = _verdict(*_simulate(lambda p: p))
    assert _holds(h) == {"mean": True, "weak": True, "moderate": True, "strong": None}
    assert h.summary.startswith("Mean, weak and moderate calibration hold")


def test_overfitted_fails_weak_with_too_extreme():
    h = _verdict(*_simulate(lambda p: expit(0.6 * logit(p)), center=0.0))
    assert _holds(h)["weak"] is False
    assert "too extreme (overfitting)" in h.summary
    assert h.levels[1].high < 1.0


def test_underfitted_fails_weak_with_too_modest():
    h = _verdict(*_simulate(lambda p: expit(1.6 * logit(p)), center=0.0))
    assert _holds(h)["weak"] is False
    assert "too modest (underfitting)" in h.levels[1].note


def test_shifted_fails_mean_and_says_which_way():
    h = _verdict(*_simulate(lambda p: expit(logit(p) - 0.4)))
    assert _holds(h)["mean"] is False
    assert h.summary.startswith("Mean calibration does not hold")
    assert "too high on average" in h.summary
    assert "intercept" in h.summary


def test_bent_curve_fails_moderate():
    h = _verdict(*_simulate(lambda p: np.clip(p + 0.12 * np.sin(2 * np.pi * p), 0.01, 0.99)))
    assert _holds(h)["moderate"] is False
    assert "at prediction" in h.levels[2].note


def test_nan_statistics_give_none_not_an_error():
    nan3 = (math.nan, math.nan, math.nan)
    h = calibration_hierarchy(
        calibration_in_the_large=nan3, calibration_slope=nan3, unreliability_pvalue=math.nan
    )
    assert [lv.holds for lv in h.levels] == [None, None, None, None]
    assert h.summary == "The data cannot tell whether the predictions are calibrated."


@pytest.mark.parametrize(
    ("ratio", "holds"), [((1.0, 0.9, 1.1), True), ((1.3, 1.2, 1.4), False), (1.3, True)]
)
def test_observed_expected_interval_counts_when_given(ratio, holds):
    h = calibration_hierarchy(
        calibration_in_the_large=(0.0, -0.1, 0.1),
        calibration_slope=(1.0, 0.9, 1.1),
        unreliability_pvalue=0.5,
        observed_expected_ratio=ratio,
    )
    assert h.levels[0].holds is holds
    assert h.levels[3].holds is None and h.levels[3].statistic == "not assessable"
