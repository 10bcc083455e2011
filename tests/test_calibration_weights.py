"""Weights are scale-free: multiplying every weight by c > 0, from 1e-300 to 1e300.

Weights count as frequencies (integer weights equal repeated rows, see
``test_calibration.py``), so scaling them by ``c`` is having ``c`` times the
data: every ratio of weight sums (scores, calibration errors, curves,
estimates) is unchanged, totals are multiplied by ``c``, and the precision of
the inference follows the frequencies: Hosmer-Lemeshow's statistic times
``c``, Spiegelhalter's z times ``sqrt(c)``, Wald intervals narrower by
``sqrt(c)``, and each bin's Wilson interval that of ``c`` times its counts
(checked with mpmath on the textbook formula).  Nothing may overflow,
underflow to a wrong value, raise or warn on the way.
"""

import math
import warnings

import mpmath
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.special import chdtrc, ndtr, ndtri

from skbce import calibration_report
from skbce._calibration.label_runs import binary_roc_auc
from skbce._calibration.statistics import binary_statistics, sort_by_prediction

#: Keys multiplied by c.
EXTENSIVE = {"total_weight", "reliability.weight", "recalibration.weight"}
#: Keys checked by their own scaling law below.
INFERENCE = {
    "reliability.ci_low",
    "reliability.ci_high",
    "hosmer_lemeshow.statistic",
    "hosmer_lemeshow.pvalue",
    "spiegelhalter.statistic",
    "spiegelhalter.pvalue",
    "ks_calibration.pvalue",
    "kuiper_calibration.pvalue",
}
WALD = ("calibration_slope", "calibration_intercept", "calibration_in_the_large")

factors = st.floats(-300.0, 300.0).map(lambda e: 10.0**e)


def _flatten(stats):
    out = {}
    for key, value in stats.items():
        if isinstance(value, dict):
            out.update({f"{key}.{k}": v for k, v in _flatten(value).items()})
        elif hasattr(value, "_asdict"):
            out.update({f"{key}.{k}": v for k, v in value._asdict().items()})
        else:
            out[key] = value
    return out


def _data(seed, n, ties):
    rng = np.random.default_rng(seed)
    p = rng.beta(2, 3, n)
    if ties:
        p = np.round(p, 1)
    t = (rng.random(n) < p**1.3).astype(float)
    t[:2] = [0.0, 1.0]
    w = rng.uniform(0.2, 3.0, n)
    return t, p, w


def _stats(t, p, w):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        stats = binary_statistics(*sort_by_prediction(t, p, w), n_bins=5)
    return stats, sorted(str(c.message) for c in caught)


def _wilson_mpmath(k, n, level):
    """The textbook Wilson interval at 800 digits: exact even where center - half cancels."""
    with mpmath.workdps(800):
        k, n = mpmath.mpf(k), mpmath.mpf(n)
        z = mpmath.mpf(float(ndtri(0.5 + level / 2)))
        phat = k / n
        denom = 1 + z**2 / n
        center = (phat + z**2 / (2 * n)) / denom
        half = z * mpmath.sqrt(phat * (1 - phat) / n + z**2 / (4 * n**2)) / denom
        return float(max(center - half, 0)), float(min(center + half, 1))


def _check_inference(a, b, c, p, w):
    """``b`` (weights times ``c``) against ``a`` by the laws of frequency weights."""
    from skbce._calibration.cumulative import brownian_range_sf, brownian_sup_abs_sf

    # the cumulative tests: z = statistic / (sqrt(sum w p (1 - p)) / sum w) grows as sqrt(c)
    sigma = math.sqrt(math.fsum(w * p * (1 - p))) / math.fsum(w)
    for key, sf in (
        ("ks_calibration", brownian_sup_abs_sf),
        ("kuiper_calibration", brownian_range_sf),
    ):
        z = a[key].statistic / sigma * math.sqrt(c)
        assert b[key].pvalue == pytest.approx(float(sf(z)), rel=1e-6, abs=1e-300), key
    rel_a, rel_b = a["reliability"], b["reliability"]
    for i in np.flatnonzero(rel_a["weight"] > 0):
        k = rel_a["observed"][i] * rel_a["weight"][i] * mpmath.mpf(c)
        low, high = _wilson_mpmath(k, rel_a["weight"][i] * mpmath.mpf(c), 0.95)
        assert rel_b["ci_low"][i] == pytest.approx(low, rel=1e-9, abs=1e-300)
        assert rel_b["ci_high"][i] == pytest.approx(high, rel=1e-9, abs=1e-300)
    hl_a, hl_b = a["hosmer_lemeshow"], b["hosmer_lemeshow"]
    if not math.isnan(hl_a.statistic):
        assert hl_b.statistic == pytest.approx(hl_a.statistic * c, rel=1e-9)
        assert hl_b.pvalue == pytest.approx(chdtrc(hl_a.dof, hl_a.statistic * c), rel=1e-6)
    z = a["spiegelhalter"].statistic * math.sqrt(c)
    assert b["spiegelhalter"].statistic == pytest.approx(z, rel=1e-9)
    assert b["spiegelhalter"].pvalue == pytest.approx(2 * ndtr(-abs(z)), rel=1e-6, abs=1e-300)
    for key in WALD:
        ea, eb = a[key], b[key]
        assert eb.estimate == pytest.approx(ea.estimate, rel=1e-9, abs=1e-12)
        half = (ea.high - ea.low) / 2 / math.sqrt(c)
        assert (eb.high - eb.low) / 2 == pytest.approx(half, rel=1e-7)


@settings(max_examples=40, deadline=None)
@given(
    c=factors,
    seed=st.integers(0, 5),
    n=st.integers(20, 300),
    ties=st.booleans(),
)
def test_scaling_the_weights_changes_only_totals_and_frequency_precision(c, seed, n, ties):
    t, p, w = _data(seed, n, ties)
    a, notes_a = _stats(t, p, w)
    b, notes_b = _stats(t, p, w * c)
    assert notes_b == notes_a  # no overflow or underflow warning appears
    fa, fb = _flatten(a), _flatten(b)
    assert fa.keys() == fb.keys()
    for key, va in fa.items():
        if key in INFERENCE or key.split(".")[0] in WALD:
            continue
        expected = np.asarray(va, dtype=float) * (c if key in EXTENSIVE else 1.0)
        np.testing.assert_allclose(fb[key], expected, rtol=1e-9, atol=1e-12, err_msg=key)
    _check_inference(a, b, c, p, w)


@settings(max_examples=25, deadline=None)
@given(c=factors, seed=st.integers(0, 5))
def test_report_end_to_end_is_scale_free(c, seed):
    t, p, w = _data(seed, 120, ties=False)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        a = calibration_report(t, p, sample_weight=w, n_bins=5)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no overflow, underflow or division warning
        b = calibration_report(t, p, sample_weight=w * c, n_bins=5)
    assert b.notes == a.notes
    for key in ("log_loss", "brier_score", "roc_auc", "ece", "mce", "rmsce", "adaptive_ece"):
        assert getattr(b, key) == pytest.approx(getattr(a, key), rel=1e-9), key
    for key in ("smooth_ece", "normalized_cross_entropy", "d2_log_loss_score", "base_rate"):
        assert getattr(b, key) == pytest.approx(getattr(a, key), rel=1e-9), key
    assert b.total_weight == pytest.approx(a.total_weight * c, rel=1e-12)
    assert b.calibration_slope.estimate == pytest.approx(a.calibration_slope.estimate, rel=1e-9)


def test_tiny_weights_of_the_issue_do_not_divide_by_zero():
    # issue #11 item 3: sample_weight=[1e-170] * n raised ZeroDivisionError
    t = np.array([0, 1, 0, 1, 1, 0, 1, 0, 0, 1.0])
    p = np.array([0.2, 0.7, 0.4, 0.6, 0.9, 0.3, 0.55, 0.1, 0.65, 0.8])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # too few HL groups at n_bins=2
        tiny = calibration_report(t, p, sample_weight=[1e-170] * 10, n_bins=2)
        plain = calibration_report(t, p, n_bins=2)
    assert tiny.roc_auc == pytest.approx(plain.roc_auc, rel=1e-12)
    assert tiny.log_loss == pytest.approx(plain.log_loss, rel=1e-12)


@pytest.mark.parametrize("c", [1e-300, 1e-170, 1.0, 1e170, 1e300])
def test_roc_auc_is_scale_free(c):
    from sklearn.metrics import roc_auc_score

    t, p, w = _data(3, 200, ties=True)
    assert binary_roc_auc(t, p, w * c) == pytest.approx(
        roc_auc_score(t, p, sample_weight=w), rel=1e-12
    )


@settings(max_examples=40, deadline=None)
@given(
    seed=st.integers(0, 2**32 - 1),
    n=st.integers(12, 80),
    power=st.integers(1, 12),
    scale=st.floats(-5.0, 5.0),
    zeros=st.booleans(),
)
def test_report_with_a_few_dominant_weights(seed, n, power, scale, zeros):
    """Weights spanning many orders of magnitude: the report, with subgroups and resamples,
    is built and rendered (found by fuzzing: IndexError in the smoother, StopIteration in
    the recommendation, OverflowError in a subgroup's O/E interval)."""
    rng = np.random.default_rng(seed)
    p = np.sort(rng.uniform(size=n))
    y = (rng.uniform(size=n) < p).astype(int)
    y[:2] = [0, 1]
    w = rng.uniform(size=n) ** power * 10.0**scale
    if zeros:
        w[rng.uniform(size=n) < 0.3] = 0.0
        w[:2] = 1.0
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        r = calibration_report(
            y, p, sample_weight=w, n_resamples=15, groups=np.arange(n) % 2, random_state=0
        )
    assert math.isfinite(r.log_loss) and r.flexible_curve is not None
    assert "Recalibration" in str(r) or "recalibration" in str(r).lower()
