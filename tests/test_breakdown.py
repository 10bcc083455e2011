"""log_loss_breakdown: the worked per-sample table."""

import builtins

import numpy as np
import pytest

from skbce import binary_cross_entropy, log_loss_breakdown


@pytest.fixture
def table():
    return log_loss_breakdown(["ham", "spam", "spam", "ham"], [0.1, 0.8, 0.01, 0.0])


def test_columns_follow_definitions(table):
    np.testing.assert_array_equal(table.index, [0, 1, 2, 3])
    np.testing.assert_array_equal(table.y_true, ["ham", "spam", "spam", "ham"])
    np.testing.assert_allclose(table.corrected, [0.9, 0.8, 0.01, 1.0])
    eps = np.finfo(float).eps
    np.testing.assert_allclose(table.log_corrected, np.log([0.9, 0.8, 0.01, 1 - eps]))
    assert table.share.sum() == pytest.approx(1.0)
    assert table.n_clipped == 1
    assert table.pos_label == "spam"


@pytest.mark.parametrize("dtype", [np.float64, np.float32], ids=["float64", "float32"])
def test_total_agrees_with_sklearn_and_the_columns(dtype):
    from sklearn.metrics import log_loss as sk_log_loss

    rtol = 1e-12 if dtype == np.float64 else 1e-5
    rng = np.random.default_rng(0)
    y, p, w = rng.integers(0, 2, 100), rng.random(100).astype(dtype), rng.random(100)
    p[:3] = [0.0, 1.0, 1e-30]  # clipped
    table = log_loss_breakdown(y, p, sample_weight=w)
    assert table.total == pytest.approx(sk_log_loss(y, p, sample_weight=w), rel=rtol)
    # an independent formula on the columns: scipy's Bernoulli log-pmf of clipped p
    from scipy.stats import bernoulli

    eps = np.finfo(dtype).eps
    logpmf = bernoulli.logpmf(y, np.clip(p.astype(np.float64), eps, 1 - eps))
    np.testing.assert_allclose(table.log_corrected, logpmf, rtol=rtol)
    assert table.total == pytest.approx(-np.average(logpmf, weights=w), rel=rtol)


def test_logits():
    z = np.array([-2.0, 3.0])
    table = log_loss_breakdown([0, 1], z, from_logits=True)
    np.testing.assert_allclose(table.corrected, 1 / (1 + np.exp(-np.abs(z))))
    assert table.total == pytest.approx(binary_cross_entropy([0, 1], z, from_logits=True))


def test_worst(table):
    worst = table.worst(2)
    np.testing.assert_array_equal(worst.index, [2, 1])
    assert worst.total == table.total
    with pytest.raises(ValueError, match="k must be a positive integer"):
        table.worst(0)


def test_str_is_readable(table):
    text = str(table)
    assert "corrected" in text and "share" in text
    assert "1 clipped" in text


def test_to_frame(table):
    pd = pytest.importorskip("pandas")
    frame = table.to_frame()
    assert isinstance(frame, pd.DataFrame)
    assert list(frame.columns) == ["y_true", "p", "corrected", "log_corrected", "weight", "share"]


def test_to_frame_without_pandas(table, monkeypatch):
    real_import = builtins.__import__

    def fake_import(name, *args, **kwargs):
        if name == "pandas" or name.startswith("pandas."):
            raise ImportError("No module named 'pandas'")
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", fake_import)
    monkeypatch.delitem(__import__("sys").modules, "pandas", raising=False)
    with pytest.raises(ImportError, match=r"pip install \"skbce\[pandas\]\""):
        table.to_frame()


def test_rejects_multilabel():
    with pytest.raises(ValueError, match="1-D hard binary labels"):
        log_loss_breakdown([[0, 1]], [[0.2, 0.3]])


@pytest.mark.parametrize("weight", [1e5, 1e30, 1e300])
def test_float16_probabilities_with_large_weights_give_finite_shares(weight):
    """The weights were cast to float16 (inf above 65504): NaN shares."""
    p = np.array([0.0504, 0.7, 0.3], dtype=np.float16)
    w = np.array([weight, 1.0, 2.0])
    table = log_loss_breakdown([0, 1, 0], p, sample_weight=w)
    terms = -np.log(np.array([1 - 0.0504, 0.7, 1 - 0.3], dtype=np.float16).astype(float)) * w
    np.testing.assert_allclose(table.share, terms / terms.sum(), rtol=2e-3)
    np.testing.assert_array_equal(table.weight, w)
