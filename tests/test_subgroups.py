"""Calibration per subgroup: rows against per-group oracles, bad groups, small groups."""

import math

import numpy as np
import pytest
from sklearn.metrics import log_loss

from skbce._calibration.subgroups import check_groups, observed_expected, subgroup_table


def _data(n=3000, seed=0):
    rng = np.random.default_rng(seed)
    p = rng.uniform(0.02, 0.98, n)
    t = (rng.uniform(size=n) < p).astype(float)
    return t, p, rng


def test_one_row_per_group_matching_the_group_alone():
    t, p, rng = _data()
    groups = rng.choice(["north", "south", "west"], size=t.shape[0])
    rows = subgroup_table(t, p, None, groups)
    assert [r.group for r in rows] == ["north", "south", "west"]
    for row in rows:
        mask = groups == row.group
        assert row.n_samples == mask.sum() and row.weight == mask.sum()
        assert row.base_rate == pytest.approx(t[mask].mean(), rel=1e-12)
        assert row.mean_prediction == pytest.approx(p[mask].mean(), rel=1e-12)
        assert row.log_loss == pytest.approx(log_loss(t[mask], p[mask]), rel=1e-9)
        ratio = t[mask].sum() / p[mask].sum()
        assert row.observed_expected.estimate == pytest.approx(ratio, rel=1e-12)
        assert row.observed_expected.low < ratio < row.observed_expected.high
        assert row.hierarchy.levels[0].level == "mean"
        assert row.notes == ()


def test_integer_weights_equal_repeated_rows():
    t, p, rng = _data(n=600, seed=1)
    w = rng.integers(1, 4, t.shape[0])
    groups = rng.integers(0, 2, t.shape[0])
    weighted = subgroup_table(t, p, w.astype(float), groups)
    repeated = subgroup_table(np.repeat(t, w), np.repeat(p, w), None, np.repeat(groups, w))
    for a, b in zip(weighted, repeated, strict=True):
        assert a.weight == b.weight
        for field in ("base_rate", "mean_prediction", "log_loss", "ece"):
            assert getattr(a, field) == pytest.approx(getattr(b, field), rel=1e-9)
        for field in ("observed_expected", "calibration_in_the_large"):
            assert getattr(a, field) == pytest.approx(getattr(b, field), rel=1e-6)


def test_small_and_one_sided_groups_give_nan_with_notes():
    t, p, _ = _data(n=200, seed=2)
    groups = np.array(["big"] * 170 + ["single"] + ["negatives"] * 29)
    t[171:] = 0.0
    rows = {r.group: r for r in subgroup_table(t, p, None, groups)}
    single = rows["single"]
    assert math.isnan(single.log_loss) and math.isnan(single.calibration_slope.estimate)
    assert "too few" in single.notes[0]
    assert [lv.holds for lv in single.hierarchy.levels] == [None] * 4
    negatives = rows["negatives"]
    assert math.isnan(negatives.calibration_slope.estimate)
    assert any("one class" in note for note in negatives.notes)
    assert negatives.base_rate == 0.0 and negatives.observed_expected.estimate == 0.0


@pytest.mark.parametrize(
    ("groups", "match"),
    [
        (np.zeros(5), r"shape \(6,\)"),
        (np.zeros((6, 1)), r"shape \(6,\)"),
        ([1.0, 2.0, np.nan, 1.0, 2.0, 1.0], "NaN or None"),
        (["a", None, "b", "a", "b", "a"], "NaN or None"),
        ([{"a": 1}] * 6, "comparable"),
        (np.array([1 + 2j] * 5 + [np.nan]), "NaN or None"),
    ],
    ids=["short", "2d", "nan", "none", "dicts", "complex-nan"],
)
def test_bad_groups_raise_naming_groups(groups, match):
    t, p, _ = _data(n=6)
    with pytest.raises(ValueError, match=match) as info:
        subgroup_table(t, p, None, groups)
    assert str(info.value).startswith("groups")


def test_check_groups_accepts_labels_of_any_plain_type():
    assert check_groups([True, False, True], 3).dtype == bool
    assert check_groups(np.array([3, 1, 3]), 3).tolist() == [3, 1, 3]


def test_observed_expected_interval_covers_at_about_its_level():
    rng = np.random.default_rng(3)
    covered = 0
    sims = 2000
    for _ in range(sims):
        p = rng.uniform(0.05, 0.5, 300)
        y = rng.uniform(size=300) < p
        est = observed_expected(float(y.sum()), float(p.sum()), 300.0)
        covered += est.low <= 1.0 <= est.high
    assert 0.93 <= covered / sims <= 0.97


@pytest.mark.parametrize("observed", [1e-300, 1e-12, 1.0])
def test_observed_expected_with_a_tiny_observed_weight(observed):
    """A tiny weight of events gives an unbounded interval, not an OverflowError."""
    from scipy.special import ndtri

    r = observed_expected(observed, 0.5, 100.0)
    half = float(ndtri(0.975)) * math.sqrt((1.0 - observed / 100.0) / observed)
    assert r.estimate == pytest.approx(observed / 0.5, rel=1e-15)
    assert r.low == pytest.approx(observed / 0.5 * math.exp(-half), rel=1e-12, abs=1e-300)
    assert r.high == (math.inf if half >= 700 else pytest.approx(observed / 0.5 * math.exp(half)))
