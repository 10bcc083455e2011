"""Dask arrays on a real two-process LocalCluster: same numbers as numpy."""

import re

import numpy as np
import pytest

import skbce
from skbce import StreamingCalibration, StreamingLogLoss

da = pytest.importorskip("dask.array")
distributed = pytest.importorskip("distributed")


@pytest.fixture(scope="session")
def client():
    cluster = distributed.LocalCluster(
        n_workers=2,
        threads_per_worker=1,
        processes=True,
        host="127.0.0.1",
        dashboard_address=":0",
        silence_logs=50,
    )
    client = distributed.Client(cluster)
    yield client
    client.close()
    cluster.close()


@pytest.fixture
def data():
    rng = np.random.default_rng(0)
    n = 1000
    p = rng.random(n)
    y = (rng.random(n) < p).astype(np.int64)
    w = rng.random(n) * 2
    P3 = rng.dirichlet([1, 1, 1], n)
    y3 = rng.integers(0, 3, n)
    return y, p, w, y3, P3


UNEVEN = (900, 37, 1, 62)


def test_log_loss_unequal_chunks_is_exact(client, data):
    y, p, w, _, _ = data
    Y, P, W = (da.from_array(a, chunks=(UNEVEN,)) for a in (y, p, w))
    assert skbce.log_loss(Y, P) == pytest.approx(skbce.log_loss(y, p), rel=1e-12)
    expected = skbce.log_loss(y, p, sample_weight=w)
    assert skbce.log_loss(Y, P, sample_weight=W) == pytest.approx(expected, rel=1e-12)
    expected = skbce.log_loss(y, p, normalize=False)
    assert skbce.log_loss(Y, P, normalize=False) == pytest.approx(expected, rel=1e-12)


@pytest.mark.parametrize(
    "chunks",
    [(90, 10), (1, 99), (50, 50), (3, 7, 90), (99, 1)],
    ids=["90-10", "1-99", "50-50", "3-7-90", "99-1"],
)
def test_any_chunking_gives_sklearn_log_loss(client, chunks):
    # Chunks that split the classes apart: a mean of per-chunk means (or a
    # per-chunk class decision) would differ from the log loss of all the data.
    from sklearn.metrics import log_loss as sk_log_loss

    rng = np.random.default_rng(1)
    y = np.r_[np.zeros(90, int), np.ones(10, int)]
    p = np.r_[rng.uniform(0.0, 0.5, 90), rng.uniform(0.0, 0.2, 10)]
    w = rng.uniform(0.1, 3.0, 100)
    Y, P, W = (da.from_array(a, chunks=(chunks,)) for a in (y, p, w))
    assert skbce.log_loss(Y, P) == pytest.approx(sk_log_loss(y, p), rel=1e-12)
    expected = sk_log_loss(y, p, sample_weight=w)
    assert skbce.log_loss(Y, P, sample_weight=W) == pytest.approx(expected, rel=1e-12)


def test_multiclass_labels_found_in_one_pass_with_chunks_missing_classes(client, data):
    _, _, w, y3, P3 = data
    labels = np.array(["ant", "bee", "cat"])[y3]
    order = np.argsort(y3, kind="stable")  # sorted: most chunks hold one class
    Y = da.from_array(labels[order], chunks=97)
    P = da.from_array(P3[order], chunks=(97, 2))  # columns rechunked to one block
    W = da.from_array(w[order], chunks=250)
    expected = skbce.log_loss(labels, P3, sample_weight=w)
    assert skbce.log_loss(Y, P, sample_weight=W) == pytest.approx(expected, rel=1e-12)
    expected = skbce.log_loss(labels, P3, labels=["ant", "bee", "cat"])
    assert skbce.log_loss(Y, P, labels=["ant", "bee", "cat"]) == pytest.approx(expected, rel=1e-12)


@pytest.mark.parametrize(
    "kwargs",
    [
        {},
        {"from_logits": True},
        {"pos_weight": 2.5, "label_smoothing": 0.1},
        {"clip": 1e-4, "reduction": "sum"},
        {"pos_label": 0},
    ],
    ids=["default", "logits", "pos_weight-smoothing", "clip-sum", "pos_label"],
)
def test_binary_cross_entropy_matches_numpy(client, data, kwargs):
    y, p, w, _, _ = data
    s = np.log(p) - np.log1p(-p) if kwargs.get("from_logits") else p
    Y, S, W = (da.from_array(a, chunks=(UNEVEN,)) for a in (y, s, w))
    expected = skbce.binary_cross_entropy(y, s, sample_weight=w, **kwargs)
    got = skbce.binary_cross_entropy(Y, S, sample_weight=W, **kwargs)
    assert got == pytest.approx(expected, rel=1e-12)


def test_soft_and_multilabel_targets(client):
    rng = np.random.default_rng(2)
    T, S = rng.random((200, 3)), rng.random((200, 3))
    got = skbce.binary_cross_entropy(da.from_array(T, chunks=(30, 1)), da.from_array(S, chunks=50))
    assert got == pytest.approx(skbce.binary_cross_entropy(T, S), rel=1e-12)
    t = rng.random(200)
    got = skbce.binary_cross_entropy(da.from_array(t, chunks=70), da.from_array(S[:, 0], chunks=70))
    assert got == pytest.approx(skbce.binary_cross_entropy(t, S[:, 0]), rel=1e-12)


def test_normalized_cross_entropy_matches_numpy(client, data):
    y, p, w, _, _ = data
    labels = np.where(y == 1, "yes", "no")
    Y, P, W = (da.from_array(a, chunks=(UNEVEN,)) for a in (labels, p, w))
    expected = skbce.normalized_cross_entropy(labels, p, sample_weight=w)
    assert skbce.normalized_cross_entropy(Y, P, sample_weight=W) == pytest.approx(
        expected, rel=1e-12
    )
    expected = skbce.normalized_cross_entropy(labels, p, baseline=0.3)
    assert skbce.normalized_cross_entropy(Y, P, baseline=0.3) == pytest.approx(expected, rel=1e-12)


def test_streaming_states_update_from_dask(client, data):
    y, p, w, _, _ = data
    state = StreamingLogLoss(labels=[0, 1])
    state.update(da.from_array(y[:600], chunks=128), da.from_array(p[:600], chunks=128))
    state.update(y[600:], p[600:])
    assert state.result() == pytest.approx(skbce.log_loss(y, p), rel=1e-12)

    edges = [0.0, 0.2, 0.5, 0.9, 1.0]
    cal = StreamingCalibration(bin_edges=edges)
    cal.update(*(da.from_array(a, chunks=(UNEVEN,)) for a in (y, p, w)))
    ref = StreamingCalibration(bin_edges=edges).update(y, p, w)
    got, expected = cal.result(), ref.result()
    np.testing.assert_allclose(
        got["reliability"]["observed"], expected["reliability"]["observed"], rtol=1e-12
    )
    assert got["ece"] == pytest.approx(expected["ece"], rel=1e-12)
    assert got["hosmer_lemeshow"].statistic == pytest.approx(
        expected["hosmer_lemeshow"].statistic, rel=1e-9
    )


def test_errors_name_what_differs(client, data):
    y, p, w, _, _ = data
    Y, P = da.from_array(y, chunks=100), da.from_array(p, chunks=100)
    assert skbce.log_loss(y, P) == pytest.approx(skbce.log_loss(y, p), rel=1e-12)  # follows P
    with pytest.raises(ValueError, match="y_true has 999, y_proba has 1000"):
        skbce.log_loss(Y[:-1], P)
    with pytest.raises(ValueError, match="unknown chunk sizes"):
        skbce.log_loss(Y[Y >= 0], P)
    bad = da.from_array(np.r_[p[:-1], 1.5], chunks=100)
    with pytest.raises(ValueError, match=r"within \[0, 1\], but it contains values greater"):
        skbce.log_loss(Y, bad)
    with pytest.raises(ValueError, match="contains only one class"):
        skbce.log_loss(da.zeros(10, chunks=3, dtype=int), da.full(10, 0.3, chunks=3))
    with pytest.raises(ValueError, match="reduction='none' is not supported for dask"):
        skbce.binary_cross_entropy(Y, P, reduction="none")
    with pytest.raises(ValueError, match="at least one non-zero weight"):
        skbce.log_loss(Y, P, sample_weight=da.zeros(1000, chunks=100))


def test_rows_that_do_not_sum_to_one_warn_on_the_client(client, data):
    _, _, _, y3, P3 = data
    with pytest.warns(UserWarning, match="do not sum to one"):
        skbce.log_loss(da.from_array(y3, chunks=300), da.from_array(P3 * 0.5, chunks=300))


def _error(func, *args, **kwargs):
    with pytest.raises(ValueError) as info:  # InvalidParameterError is a ValueError
        func(*args, **kwargs)
    return str(info.value)


def _update(y, p):
    return StreamingLogLoss().update(y, p)


#: The entry points whose input checks the two tests below compare.
CHECKED = [
    skbce.log_loss,
    skbce.binary_cross_entropy,
    skbce.normalized_cross_entropy,
    skbce.brier_score_loss,
    skbce.d2_log_loss_score,
    _update,
]


@pytest.mark.parametrize("func", CHECKED)
def test_scalars_and_empty_arrays_give_the_numpy_errors(client, func):
    """A 0-d or an empty dask array is refused with the numpy path's message."""
    zero_d = (np.array(1), np.array(0.5))
    expected = _error(func, *zero_d).split(", got ")[0]  # then the repr of the value
    assert _error(func, *(da.from_array(a) for a in zero_d)).split(", got ")[0] == expected
    if func in (skbce.d2_log_loss_score, _update):  # NaN with a warning; no samples
        return
    empty = (np.array([], dtype=np.int64), np.array([]))
    expected = _error(func, *empty)
    assert "0 sample(s)" in expected
    assert _error(func, *(da.from_array(a, chunks=1) for a in empty)) == expected


@pytest.mark.parametrize("func", CHECKED)
def test_unknown_chunk_sizes_are_named(client, data, func):
    y, p, _, _, _ = data
    Y, P = da.from_array(y, chunks=100), da.from_array(p, chunks=100)
    with pytest.raises(ValueError, match=r"y_true has unknown chunk sizes; call y_true\.compute"):
        func(Y[Y >= 0], P[Y >= 0])
    try:  # the numpy-only Brier score reads (computes) y_proba first: then it works
        got = func(Y, P[P >= 0])
    except ValueError as exc:
        assert re.search(r"y_\w+ has unknown chunk sizes; call y_\w+\.compute", str(exc))
    else:
        assert got == pytest.approx(func(y, p), rel=1e-12)
