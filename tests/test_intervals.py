"""Exact and asymptotic intervals of the report: t for mean losses, DeLong for AUC, O/E.

Coverage is checked on simulated data whose truth is known in closed form; DeLong against
R's pROC; integer weights against repeated rows.
"""

import sys
import warnings
from pathlib import Path

import numpy as np
import pytest
from scipy import integrate
from sklearn.metrics import roc_auc_score

from skbce._calibration.intervals import auc_interval, exact_intervals, mean_loss_intervals
from skbce._calibration.sorting import sort_by_prediction
from skbce._calibration.statistics import binary_statistics

sys.path.insert(0, str(Path(__file__).parent))
from r_oracle import run_r  # noqa: E402

LOW, HIGH = 0.05, 0.95


def _calibrated(rng, n):
    p = rng.uniform(LOW, HIGH, n)
    return p, (rng.uniform(size=n) < p).astype(float)


def _true_mean(f):
    """E[f(p)] for p uniform on [LOW, HIGH], by quadrature."""
    return integrate.quad(f, LOW, HIGH)[0] / (HIGH - LOW)


def test_t_intervals_cover_the_expected_log_loss_and_brier_score():
    true_ll = _true_mean(lambda p: -(p * np.log(p) + (1 - p) * np.log(1 - p)))
    true_bs = _true_mean(lambda p: p * (1 - p))
    rng = np.random.default_rng(0)
    hits = np.zeros(2)
    sims = 500
    for _ in range(sims):
        p_s, y_s, _ = sort_by_prediction(*_calibrated(rng, 150)[::-1])
        eps = np.finfo(float).eps
        q = np.clip(p_s, eps, 1 - eps)
        ll = float(np.mean(-np.log(np.where(y_s, q, 1 - q))))
        bs = float(np.mean((p_s - y_s) ** 2))
        rows = mean_loss_intervals(p_s, y_s, None, ll, bs, 0.95)
        hits += [r.low <= t <= r.high for r, t in zip(rows, (true_ll, true_bs), strict=True)]
    coverage = hits / sims
    assert np.all((coverage >= 0.92) & (coverage <= 0.98)), coverage


def test_delong_interval_covers_the_true_auc():
    # p uniform on [0, 1], y ~ Bernoulli(p): the scores of positives have density 2p, of
    # negatives 2(1 - p), so AUC = 4 * integral a * (a - a**2 / 2) da = 5/6
    rng = np.random.default_rng(1)
    hits, sims = 0, 500
    for _ in range(sims):
        p = rng.uniform(size=120)
        y = rng.uniform(size=120) < p
        p_s, y_s, _ = sort_by_prediction(y.astype(float), p)
        r = auc_interval(p_s, y_s, None, roc_auc_score(y, p), 0.95)
        hits += r.low <= 5 / 6 <= r.high
    assert 0.92 <= hits / sims <= 0.98


_PROC = r"""
r <- roc(d$y, d$p, quiet = TRUE, direction = "<")
ci <- ci.auc(r, method = "delong", conf.level = 0.9)
result <- list(auc = as.numeric(auc(r)), low = ci[1], high = ci[3])
"""


@pytest.mark.parametrize("ties", [False, True], ids=["continuous", "ties"])
def test_delong_matches_proc(ties):
    rng = np.random.default_rng(2)
    p = rng.uniform(size=300)
    if ties:
        p = np.round(p, 1)
    y = (rng.uniform(size=300) < p).astype(float)
    out = run_r(_PROC, packages=("pROC",), p=p, y=y)
    p_s, y_s, _ = sort_by_prediction(y, p)
    r = auc_interval(p_s, y_s, None, out["auc"], 0.9)
    np.testing.assert_allclose([r.low, r.high], [out["low"], out["high"]], rtol=1e-9)


def _rows(t, p, w):
    p_s, y_s, w_s = sort_by_prediction(t, p, w)
    with warnings.catch_warnings():  # separable data: the calibration slope is NaN
        warnings.simplefilter("ignore", RuntimeWarning)
        stats = binary_statistics(p_s, y_s, w_s, n_bins=2)
    return {r.statistic: r for r in exact_intervals(p_s, y_s, w_s, stats, 0.95)}


def test_integer_weights_give_the_intervals_of_repeated_rows():
    rng = np.random.default_rng(3)
    p = np.round(rng.uniform(0.01, 0.99, size=80), 2)
    t = (rng.uniform(size=80) < p).astype(float)
    w = rng.integers(0, 4, 80).astype(float)
    weighted = _rows(t, p, w)
    repeated = _rows(np.repeat(t, w.astype(int)), np.repeat(p, w.astype(int)), None)
    assert set(weighted) == {"log_loss", "brier_score", "roc_auc", "observed_expected_ratio"}
    for key, row in weighted.items():
        other = repeated[key]
        np.testing.assert_allclose(
            [row.estimate, row.low, row.high], [other.estimate, other.low, other.high], rtol=1e-9
        )
        assert row.method == other.method


def test_bounds_are_clipped_to_the_range_of_the_statistic():
    # one confident miss among confident hits: mean - t se of both losses is below 0
    p = np.r_[np.full(10, 0.001), np.full(10, 0.999)]
    t = np.r_[1.0, np.zeros(9), np.ones(10)]
    rows = _rows(t, p, None)
    assert rows["log_loss"].low == 0.0 and rows["brier_score"].low == 0.0
    # a perfect ranking: DeLong's variance is 0, the interval [1, 1] (as pROC's)
    perfect = _rows(np.r_[0.0, 0.0, 1.0, 1.0], np.array([0.1, 0.2, 0.8, 0.9]), None)
    assert (perfect["roc_auc"].low, perfect["roc_auc"].high) == (1.0, 1.0)
    for row in [*rows.values(), *perfect.values()]:
        assert row.low <= row.estimate <= row.high


def test_one_sample_of_a_class_gives_no_auc_interval():
    p = np.array([0.1, 0.2, 0.3, 0.9])
    t = np.array([0.0, 0.0, 0.0, 1.0])
    row = _rows(t, p, None)["roc_auc"]
    assert row.estimate == 1.0 and np.isnan(row.low) and np.isnan(row.high)


@pytest.mark.parametrize("weighted", [False, True])
def test_delong_over_blocks_with_ties_matches_placements_counted_directly(weighted):
    # 200k rows on 300 distinct predictions: ties span the blocks of the runs;
    # the placement values are counted with searchsorted, as DeLong defines them
    rng = np.random.default_rng(0)
    n = 200_000
    p = rng.integers(0, 300, n) / 299
    t = (rng.uniform(size=n) < p).astype(float)
    w = rng.integers(1, 4, n).astype(float) if weighted else None
    p_s, y_s, w_s = sort_by_prediction(t, p, w)
    m = np.ones(n) if w_s is None else w_s
    pos, neg = np.sort(p_s[y_s]), np.sort(p_s[~y_s])
    m1, m0 = m[y_s], m[~y_s]
    cum0 = np.concatenate(([0.0], np.cumsum(m0)))
    cum1 = np.concatenate(([0.0], np.cumsum(m1)))
    below = cum0[np.searchsorted(neg, pos, side="left")]
    tied0 = cum0[np.searchsorted(neg, pos, side="right")] - below
    v10 = (below + 0.5 * tied0) / m0.sum()
    above = cum1[-1] - cum1[np.searchsorted(pos, neg, side="right")]
    tied1 = cum1[np.searchsorted(pos, neg, side="right")] - cum1[np.searchsorted(pos, neg)]
    v01 = (above + 0.5 * tied1) / m1.sum()
    auc = float(m1 @ v10) / m1.sum()
    var = m1 @ (v10 - auc) ** 2 / (m1.sum() - 1) / m1.sum()
    var += m0 @ (v01 - auc) ** 2 / (m0.sum() - 1) / m0.sum()
    assert auc == pytest.approx(roc_auc_score(t, p, sample_weight=w), rel=1e-12)
    found = auc_interval(p_s, y_s, w_s, auc, 0.95)
    half = 1.959963984540054 * np.sqrt(var)
    assert found.low == pytest.approx(auc - half, rel=1e-12)
    assert found.high == pytest.approx(auc + half, rel=1e-12)


@pytest.mark.parametrize("clipped", [False, True], ids=["inside", "clipped"])
def test_loss_moments_in_any_order_equal_two_passes_about_the_mean(clipped):
    """The blocked, combined moments against numpy's two-pass mean and squared deviations."""
    from skbce._calibration.intervals import loss_moments

    rng = np.random.default_rng(3)
    p, t = _calibrated(rng, 300_001)
    if clipped:
        p[:4] = [0.0, 1.0, 1e-300, 1 - 1e-17]
    eps = np.finfo(np.float64).eps
    pc = np.clip(p, eps, 1 - eps)
    losses = -np.log(np.where(t == 1, pc, 1 - pc))
    squares = (p - t) ** 2
    got = loss_moments(p, t)
    assert got.n == p.shape[0]
    assert got.log_loss == pytest.approx(losses.mean(), rel=1e-12)
    assert got.log_loss_m2 == pytest.approx(((losses - losses.mean()) ** 2).sum(), rel=1e-10)
    assert got.brier == pytest.approx(squares.mean(), rel=1e-12)
    assert got.brier_m2 == pytest.approx(((squares - squares.mean()) ** 2).sum(), rel=1e-10)


def test_intervals_from_moments_while_sorting_equal_their_own_pass(monkeypatch):
    """Large unweighted reports take the losses' moments while they sort: the same intervals."""
    import skbce
    from skbce._losses import parallel

    rng = np.random.default_rng(4)
    p, t = _calibrated(rng, 50_000)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        monkeypatch.setattr(parallel, "OVERLAP_SAMPLES", 10**9)
        own = skbce.calibration_report(t, p, n_resamples=0).intervals
        monkeypatch.setattr(parallel, "OVERLAP_SAMPLES", 1000)
        with skbce.config_context(n_threads=2):
            overlapped = skbce.calibration_report(t, p, n_resamples=0).intervals
    for column in ("estimate", "low", "high"):
        np.testing.assert_allclose(overlapped[column], own[column], rtol=1e-12, atol=1e-15)
    assert list(overlapped["method"]) == list(own["method"])


def test_a_report_side_by_side_on_two_threads_equals_one_computed_in_turn(monkeypatch):
    """Every number of the report, with its parts side by side on two threads or in turn."""
    import skbce
    from skbce._losses import parallel

    rng = np.random.default_rng(5)
    p, t = _calibrated(rng, 40_000)

    def numbers(value, key=""):
        if isinstance(value, dict):
            for k, v in value.items():
                yield from numbers(v, f"{key}.{k}")
        elif isinstance(value, (list, tuple)):
            for i, v in enumerate(value):
                yield from numbers(v, f"{key}[{i}]")
        elif isinstance(value, (int, float, np.number, np.ndarray)) and not isinstance(value, bool):
            yield key, np.asarray(value, dtype=float)

    reports = {}
    for threshold, n_threads in ((10**9, 1), (1000, 2)):
        monkeypatch.setattr(parallel, "OVERLAP_SAMPLES", threshold)
        with warnings.catch_warnings(), skbce.config_context(n_threads=n_threads):
            warnings.simplefilter("ignore", RuntimeWarning)
            report = skbce.calibration_report(t, p, n_resamples=20, random_state=1)
        reports[threshold] = (dict(numbers(report.to_dict())), report.notes)
    (one, notes_one), (two, notes_two) = reports[10**9], reports[1000]
    assert one.keys() == two.keys() and len(one) > 50
    for key in one:
        np.testing.assert_allclose(two[key], one[key], rtol=1e-12, atol=1e-15, err_msg=key)
    assert notes_two == notes_one


@pytest.mark.parametrize("weighted", [False, True])
def test_multiclass_report_intervals_are_those_of_the_all_class_losses(weighted):
    """The multiclass report printed the top label's intervals beside the all-class
    log loss and Brier score (e.g. 1.352 [0.7452, 0.8115])."""
    from scipy import stats

    import skbce

    rng = np.random.default_rng(2)
    n, k = 600, 4
    P = rng.dirichlet(np.ones(k), n)
    y = np.array([rng.choice(k, p=row) for row in P])
    counts = rng.integers(1, 4, n) if weighted else np.ones(n, dtype=int)
    report = skbce.calibration_report(
        y, P, sample_weight=counts.astype(float) if weighted else None, n_resamples=0
    )
    table = report.intervals
    rows = {s: i for i, s in enumerate(table.statistic.tolist())}
    assert "roc_auc" not in rows  # the macro AUC has no interval
    # independent: the t interval of the per-sample losses, rows repeated by their counts
    losses = {
        "log_loss": -np.log(P[np.arange(n), y]),
        "brier_score": ((P - np.eye(k)[y]) ** 2).sum(axis=1),
    }
    for name, per_sample in losses.items():
        values = np.repeat(per_sample, counts)
        low, high = stats.t.interval(
            0.95, values.shape[0] - 1, loc=values.mean(), scale=stats.sem(values)
        )
        i = rows[name]
        assert table.estimate[i] == pytest.approx(getattr(report, name), rel=1e-12)
        assert table.estimate[i] == pytest.approx(values.mean(), rel=1e-9)
        assert table.low[i] == pytest.approx(max(low, 0.0), rel=1e-9)
        assert table.high[i] == pytest.approx(high, rel=1e-9)
