"""Adversarial inputs of the scorers and the streaming states (found by fuzzing).

Oracles: scikit-learn's own scorers and metrics on the same estimator and data,
the one-shot functions on the concatenated chunks, and formulas written out here.
"""

import numpy as np
import pytest

import skbce

# --- StreamingCalibration: weights of any scale -----------------------------------------

_SCALE_FREE = [
    "log_loss",
    "brier_score",
    "normalized_cross_entropy",
    "d2_log_loss_score",
    "base_rate",
    "mean_prediction",
    "observed_expected_ratio",
    "ece",
    "mce",
    "rmsce",
]


def _calibration_data(seed, n=200):
    rng = np.random.default_rng(seed)
    p = rng.uniform(0.02, 0.98, n)
    y = (rng.random(n) < p).astype(int)
    w = rng.uniform(0.5, 2.0, n)
    return y, p, w


@pytest.mark.parametrize("exponent", [-1074 + 3, -1060, -1000, -70, 70, 1000, 1015])
def test_streaming_calibration_of_tiny_and_huge_weights_is_scale_free(exponent):
    """Weights times 2**e: means unchanged, totals times 2**e, Spiegelhalter's z times 2**(e/2).

    Weights of 5e-324 gave an ECE of 0.175 instead of 0.048 and a log loss of 0.45
    instead of 0.506 (the products w * p underflowed).  The oracle is the state of
    the unit weights: multiplying by a power of two is exact.
    """
    y, p, w = _calibration_data(exponent % 7)
    if exponent < -1050:
        w = np.ones_like(w)  # subnormal weights: only few bits, keep them exact
    edges = np.linspace(0, 1, 6)
    unit = skbce.StreamingCalibration(bin_edges=edges)
    scaled = skbce.StreamingCalibration(bin_edges=edges)
    for block in (slice(0, 50), slice(50, 51), slice(51, None)):
        unit.update(y[block], p[block], w[block])
        scaled.update(y[block], p[block], np.ldexp(w[block], exponent))
    expected, got = unit.result(), scaled.result()
    for key in _SCALE_FREE:
        assert got[key] == pytest.approx(expected[key], rel=1e-12), key
    for key in ("mean_predicted", "observed"):
        np.testing.assert_allclose(
            got["reliability"][key], expected["reliability"][key], rtol=1e-12
        )
    factor = 2.0**exponent
    assert got["total_weight"] == pytest.approx(expected["total_weight"] * factor, rel=1e-12)
    z = expected["spiegelhalter"].statistic * 2.0 ** (exponent / 2)
    assert got["spiegelhalter"].statistic == pytest.approx(z, rel=1e-9)
    if abs(exponent) <= 1000:  # the statistic itself is a float there
        hl = expected["hosmer_lemeshow"].statistic * factor
        assert got["hosmer_lemeshow"].statistic == pytest.approx(hl, rel=1e-9)


@pytest.mark.parametrize("shift", [-1000, -60, 0, 60, 900])
def test_streaming_calibration_merges_states_of_different_weight_scales(shift):
    """Two states summed at different scales: their merge equals one state of both."""
    import pickle

    y, p, w = _calibration_data(3)
    low = np.ldexp(w[:120], -64)
    edges = np.linspace(0, 1, 5)
    oracle = skbce.StreamingCalibration(bin_edges=edges).update(y[:120], p[:120], low)
    oracle.update(y[120:], p[120:], w[120:])
    a = skbce.StreamingCalibration(bin_edges=edges).update(y[:120], p[:120], np.ldexp(low, shift))
    b = skbce.StreamingCalibration(bin_edges=edges).update(
        y[120:], p[120:], np.ldexp(w[120:], shift)
    )
    got = pickle.loads(pickle.dumps(b)).merge(pickle.loads(pickle.dumps(a))).result()
    expected = oracle.result()
    for key in _SCALE_FREE:
        assert got[key] == pytest.approx(expected[key], rel=1e-12), key
    np.testing.assert_array_equal(got["reliability"]["count"], expected["reliability"]["count"])
    weights = np.ldexp(expected["reliability"]["weight"], shift)
    np.testing.assert_allclose(got["reliability"]["weight"], weights, rtol=1e-12)
