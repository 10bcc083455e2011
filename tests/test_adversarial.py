"""Inputs found by adversarial fuzzing: each once crashed, hung or gave a silent wrong answer."""

import math
import time
import warnings

import numpy as np
import pytest
from sklearn.metrics import log_loss as sk_log_loss

import skbce

Y = [0, 1, 0, 1, 0, 1]
P = [0.2, 0.7, 0.4, 0.6, 0.1, 0.9]


def _report(*args, **kwargs):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return skbce.calibration_report(*args, **kwargs)


@pytest.mark.parametrize("ratio", [1e4, 1e9, 1e300])
def test_sweep_with_weights_over_many_orders_of_magnitude_is_bounded(ratio):
    """The sweep's largest number of bins came from the total weight: a 6-row report hung."""
    start = time.process_time()
    r = _report(
        [1, 0, 1, 0, 1, 0],
        [0.2, 0.3, 0.4, 0.6, 0.7, 0.8],
        sample_weight=[1.0, ratio] * 3,
        n_bins=2,
        n_resamples=0,
    )
    assert time.process_time() - start < 20.0
    assert 1 <= r.ece_sweep.n_bins <= 64 * 6


@pytest.mark.parametrize("weight", [5e-324, 1e-310, 1e-300, 1e-5, 0.5, 0.1, 1e100, 1e300, 1e308])
def test_equal_weights_of_any_scale_give_the_unweighted_report(weight):
    """Weights of 1e308 raised OverflowError; any common weight must change nothing."""
    plain = _report(Y, P, n_bins=2, n_resamples=0)
    weighted = _report(Y, P, sample_weight=[weight] * 6, n_bins=2, n_resamples=0)
    keys = ["log_loss", "brier_score", "ece", "smooth_ece", "eavg", "e50", "e90", "emax"]
    keys += ["debiased_rmsce"]  # its bins' masses were the raw weights
    for key in keys:
        got, want = getattr(weighted, key), getattr(plain, key)
        assert got == pytest.approx(want, rel=1e-9, abs=1e-12), key
    assert weighted.ece_sweep.n_bins == plain.ece_sweep.n_bins


def test_streaming_calibration_refuses_an_overflowing_total_weight():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        state = skbce.StreamingCalibration()
        state.update([0, 1, 0], [0.2, 0.3, 0.7], sample_weight=[1e308] * 3)
        with pytest.raises(ValueError, match="sample_weight"):
            state.result()


@pytest.mark.parametrize("p", [5e-324, 1e-300])
def test_tiny_probabilities_give_a_report(p):
    """Nagelkerke's R2 overflowed math.expm1 (OverflowError).

    Constant predictions take R's ``val.prob`` branch for them: its logistic
    fit is the intercept alone, the null model, so R2 is 0 and the D index
    ``-1 / n`` (``tests/test_valprob_edges.py`` checks the branch against R).
    """
    r = _report(Y, [p] * 6, n_bins=2, n_resamples=0)
    assert math.isfinite(r.log_loss)
    assert r.log_loss == pytest.approx(
        -np.mean(np.where(np.asarray(Y) == 1, np.log(np.finfo(float).eps), np.log1p(-p))),
        rel=1e-12,
    )
    assert r.nagelkerke_r2 == 0.0


@pytest.mark.parametrize("dtype", [">f8", ">f4", "<f8"])
def test_big_endian_probabilities_match_scikit_learn(dtype):
    """numpy's ufuncs refused the non-native dtype= of the kernels (TypeError)."""
    p = np.array([0.2, 0.7, 0.6, 0.1], dtype=dtype)
    y = [0, 1, 1, 0]
    expected = sk_log_loss(y, p.astype(np.float64))
    assert skbce.log_loss(y, p) == pytest.approx(expected, rel=1e-6)
    assert skbce.binary_cross_entropy(y, p) == pytest.approx(expected, rel=1e-6)
    z = np.log(p.astype(np.float64) / (1 - p.astype(np.float64))).astype(dtype)
    assert skbce.binary_cross_entropy(y, z, from_logits=True) == pytest.approx(expected, rel=1e-5)
    assert skbce.brier_score_loss(y, p) == pytest.approx(
        np.mean((p.astype(np.float64) - y) ** 2), rel=1e-6
    )


def test_notes_hold_no_floating_point_warnings_and_no_repeats():
    """Exact-0 predictions filled the notes with 300 'invalid value encountered' lines."""
    y = np.array([0, 1] * 10)
    p = np.where(y == 1, 0.9, 0.0)
    r = _report(y, p, n_bins=2, n_resamples=20)
    assert len(r.notes) == len(set(r.notes))
    assert not any("encountered in" in note for note in r.notes)
    assert any("exactly 0" in note for note in r.notes)  # the report's own note stays


def test_confidence_level_whose_quantile_is_infinite_is_refused():
    with pytest.raises(ValueError, match="confidence_level"):
        skbce.calibration_report(Y, P, n_bins=2, confidence_level=0.9999999999999999)
    r = _report(Y, P, n_bins=2, confidence_level=0.999999, n_resamples=0)
    assert np.all(np.isfinite(r.reliability["ci_low"][r.reliability["count"] > 0]))


@pytest.mark.parametrize("random_state", [-1, 2**32, 1.5, "x", True, np.random.default_rng(1)])
def test_a_seed_that_cannot_seed_is_refused_naming_random_state(random_state):
    with pytest.raises(ValueError, match="random_state"):
        skbce.calibration_report(Y, P, n_bins=2, n_resamples=5, random_state=random_state)


@pytest.mark.parametrize("random_state", [None, 0, 2**32 - 1, np.random.RandomState(1)])
def test_seeds_that_can_seed_are_accepted(random_state):
    r = _report(Y, P, n_bins=2, n_resamples=5, random_state=random_state)
    assert len(r.intervals["statistic"]) > 5


def test_a_nan_among_string_groups_is_refused():
    """np.asarray turned it into a group named 'nan'."""
    with pytest.raises(ValueError, match="groups must not contain NaN"):
        skbce.calibration_report(Y, P, n_bins=2, groups=["a", float("nan"), "a", "b", "b", "a"])


@pytest.mark.parametrize("scale", [0.1, 1 / 3, 1e-300, 1e-310, 1e300])
def test_quantiles_of_rescaled_counts_are_those_of_the_repeated_rows(scale):
    """E50 and E90 changed with the scale of the weights: the cumulative masses of
    rescaled weights land near whole numbers, and rounding put them on either side."""
    from skbce._calibration.flexible_curve import weighted_quantile
    from skbce._calibration.run_quantiles import run_quantiles

    rng = np.random.default_rng(3)
    q = [0.0, 0.1, 0.5, 0.9, 0.975, 1.0]
    n = 60
    counts = rng.permutation(np.repeat([0, 1, 2], n // 3))  # sum n: the masses are the counts
    values = rng.normal(size=n)
    expected = np.quantile(np.repeat(values, counts), q)
    got = weighted_quantile(values, counts * scale, q)
    np.testing.assert_allclose(got, expected, rtol=1e-12)
    # the path of large inputs: ascending runs and masses times a scale
    runs = [(0, 20), (20, 45), (45, 60)]
    ascending = np.concatenate([np.sort(values[a:b]) for a, b in runs])
    masses = [(counts * 0.1)[a:b][np.argsort(values[a:b])] for a, b in runs]
    got = run_quantiles(ascending, masses, runs, q, mass_scale=10.0)
    np.testing.assert_allclose(got, expected, rtol=1e-12)


def test_flexible_curve_errors_do_not_depend_on_the_scale_of_the_weights():
    from skbce._calibration.flexible_curve import flexible_curve

    rng = np.random.default_rng(4)
    n = 70_000  # above the sample of the quantiles of runs
    p = np.sort(rng.random(n))
    y = rng.random(n) < p**1.3
    w = rng.random(n) + 0.01
    want = flexible_curve(p, y, w)[1]
    for scale in (1e-310, 0.1, 3.0, 1e300):
        got = flexible_curve(p, y, w * scale)[1]
        for key in ("eavg", "e50", "e90", "emax"):
            assert getattr(got, key) == pytest.approx(getattr(want, key), rel=1e-9), (scale, key)


Y5, P5 = [0, 1, 1, 0, 1], [0.1, 0.8, 0.6, 0.3, 0.95]


def _exact_nce(weights, baseline=None):
    """The normalized cross-entropy in mpmath: mean loss over that of predicting the base rate."""
    import mpmath

    with mpmath.workdps(700):  # a share of 1e-300 next to one of 1 - 1e-300
        w = [mpmath.mpf(v) for v in weights]
        total = sum(w)
        loss = sum(
            wi * -mpmath.log(mpmath.mpf(p) if y else 1 - mpmath.mpf(p))
            for wi, y, p in zip(w, Y5, P5, strict=True)
        )
        rate = sum(wi for wi, y in zip(w, Y5, strict=True) if y) / total
        b = rate if baseline is None else mpmath.mpf(baseline)
        return float(loss / total / -(rate * mpmath.log(b) + (1 - rate) * mpmath.log(1 - b)))


@pytest.mark.parametrize("heavy", [1e16, 3e16, 1e20, 1e300])
def test_one_dominant_weight_keeps_each_class_weight(heavy):
    """The negative class's weight was the total less the positives': with one weight
    1e16 times the others it came out -2 (d2 of the wrong sign, or a false 'sums to
    zero' error; NCE refused as one class)."""
    from sklearn.metrics import d2_log_loss_score as sk_d2

    w = [1.0, heavy, 1.0, 1.0, 1.0]
    expected = sk_d2(Y5, P5, sample_weight=w)
    assert skbce.d2_log_loss_score(Y5, P5, sample_weight=w) == pytest.approx(expected, rel=1e-9)
    nce = skbce.normalized_cross_entropy(Y5, P5, sample_weight=w)
    assert nce == pytest.approx(_exact_nce(w), rel=1e-9)
    stream = skbce.StreamingLogLoss()
    stream.update(Y5, P5, sample_weight=w)
    np.testing.assert_array_equal(stream.class_weight, [2.0, heavy + 2.0])
    assert stream.normalized_cross_entropy() == pytest.approx(nce, rel=1e-12)
    report = _report(Y5, P5, sample_weight=w, n_bins=2, n_resamples=0)
    assert report.normalized_cross_entropy == pytest.approx(nce, rel=1e-9)


@pytest.mark.parametrize("baseline", [0.3, 0.9])
def test_nce_with_a_baseline_is_the_same_number_everywhere(baseline):
    """The function divided by the entropy of the baseline, the report by the loss of
    predicting the baseline on these labels (He et al.'s definition)."""
    expected = _exact_nce([1.0] * 5, baseline)
    got = skbce.normalized_cross_entropy(Y5, P5, baseline=baseline)
    assert got == pytest.approx(expected, rel=1e-12)
    stream = skbce.StreamingLogLoss()
    stream.update(Y5, P5)
    assert stream.normalized_cross_entropy(baseline) == pytest.approx(expected, rel=1e-12)
    report = _report(Y5, P5, baseline=baseline, n_bins=2, n_resamples=0)
    assert report.normalized_cross_entropy == pytest.approx(expected, rel=1e-12)


def test_weighted_class_totals_of_float_labels():
    """Float 0/1 labels with weights crashed in the class totals (bitwise_and of floats)."""
    w = [1.0, 2.0, 1.0]
    expected = skbce.normalized_cross_entropy([0, 1, 1], [0.2, 0.7, 0.6], sample_weight=w)
    got = skbce.normalized_cross_entropy([0.0, 1.0, 1.0], [0.2, 0.7, 0.6], sample_weight=w)
    assert got == expected


@pytest.mark.parametrize("scale", [1e-310, 0.1, 7.0, 1e300])
def test_debiased_rmsce_counts_fractional_weights_as_frequencies(scale):
    """The bias correction took each bin's raw total weight as its count: weights of
    0.1 corrected ten times too much, weights of 1e300 not at all."""
    rng = np.random.default_rng(5)
    n = 400
    p = rng.random(n)
    y = rng.random(n) < p**0.7
    w = rng.random(n) + 0.05
    want = _report(y, p, sample_weight=w, n_resamples=0).debiased_rmsce
    got = _report(y, p, sample_weight=w * scale, n_resamples=0).debiased_rmsce
    assert got == pytest.approx(want, rel=1e-9)
    assert want > 0


@pytest.mark.filterwarnings("ignore")  # the notes are re-issued as warnings
def test_reports_built_on_several_threads_keep_their_own_notes():
    """Notes are warnings caught process-wide: reports built at once on several threads
    took each other's notes (a plain report noted a perfect separation) and left
    warning filters behind."""
    from concurrent.futures import ThreadPoolExecutor

    rng = np.random.default_rng(8)
    cases = []
    for i in range(8):
        n = 300
        p = rng.random(n)
        y = (p > 0.5) if i % 2 else (rng.random(n) < p)  # every other one separates perfectly
        cases.append((y.astype(int), p))

    def build(case):
        return skbce.calibration_report(*case, n_resamples=0).notes

    serial = [build(case) for case in cases]
    filters = len(warnings.filters)
    with ThreadPoolExecutor(4) as pool:
        threaded = list(pool.map(build, cases * 2))
    assert threaded == serial * 2
    assert len(warnings.filters) == filters


@pytest.mark.parametrize("heavy", [1.0, 1e12, 1e17])
def test_report_d2_is_the_function_s_d2(heavy):
    """The report divided by the entropy of the base rate, the function (as scikit-learn)
    by the loss of the clipped class frequencies: 11% apart at a base rate of 1 - 3e-17."""
    from sklearn.metrics import d2_log_loss_score as sk_d2

    y, p = [0, 1, 1, 0, 1, 0], [0.1, 0.8, 0.6, 0.3, 0.95, 0.2]
    w = [1.0, heavy, 1.0, 1.0, 1.0, 1.0]
    report = _report(y, p, sample_weight=w, n_bins=2, n_resamples=0)
    expected = sk_d2(y, p, sample_weight=w)
    assert report.d2_log_loss_score == pytest.approx(expected, rel=1e-9)
    stream = skbce.StreamingCalibration(n_bins=2)
    stream.update(y, p, sample_weight=w)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # Hosmer-Lemeshow on two bins
        found = stream.result()
    assert found["d2_log_loss_score"] == pytest.approx(expected, rel=1e-9)
