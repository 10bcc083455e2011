"""One parity test: every metric on every backend gives the numpy result.

Backends: numpy, ``array_api_strict``, torch (CPU) and Dask arrays on a
LocalCluster (threads, so the test stays fast).  Each case names the
backends it is defined for; the numpy result is the reference, itself
checked against scikit-learn in the other test modules.
"""

import contextlib

import numpy as np
import pytest
import sklearn.metrics

import skbce

ALL = ("numpy", "array_api_strict", "torch", "dask")
NO_DASK = ("numpy", "array_api_strict", "torch")


def _data():
    rng = np.random.default_rng(0)
    n = 301
    p = rng.uniform(0.01, 0.99, n)
    y = (rng.random(n) < p).astype(np.int64)
    w = rng.uniform(0.0, 2.0, n)
    y3 = rng.integers(0, 3, n)
    P3 = rng.dirichlet([1.0, 1.0, 1.0], n)
    z = rng.normal(0.0, 3.0, n)
    Y2 = rng.integers(0, 2, (n, 3))
    S2 = rng.uniform(0.01, 0.99, (n, 3))
    soft = rng.uniform(0.0, 1.0, n)
    return {
        "y": y,
        "p": p,
        "w": w,
        "y3": y3,
        "P3": P3,
        "z": z,
        "Y2": Y2,
        "S2": S2,
        "soft": soft,
    }


DATA = _data()


def _streaming(y, p, w=None, **options):
    """Three updates of a StreamingLogLoss, then its result."""
    state = skbce.StreamingLogLoss(**options)
    for part in (slice(0, 100), slice(100, 101), slice(101, None)):
        state.update(y[part], p[part], None if w is None else w[part])
    return state.result()


#: (id, metric, positional data keys, keyword data keys, options, backends)
CASES = [
    ("log_loss", skbce.log_loss, ("y", "p"), {}, {}, ALL),
    ("log_loss-weighted", skbce.log_loss, ("y", "p"), {"sample_weight": "w"}, {}, ALL),
    ("log_loss-sum", skbce.log_loss, ("y", "p"), {}, {"normalize": False}, ALL),
    ("log_loss-multiclass", skbce.log_loss, ("y3", "P3"), {"sample_weight": "w"}, {}, ALL),
    ("bce", skbce.binary_cross_entropy, ("y", "p"), {"sample_weight": "w"}, {}, ALL),
    ("bce-logits", skbce.binary_cross_entropy, ("y", "z"), {}, {"from_logits": True}, ALL),
    (
        "bce-options",
        skbce.binary_cross_entropy,
        ("y", "p"),
        {"sample_weight": "w"},
        {"pos_weight": 2.5, "label_smoothing": 0.1, "clip": 1e-3, "reduction": "sum"},
        ALL,
    ),
    ("bce-soft", skbce.binary_cross_entropy, ("soft", "p"), {}, {}, ALL),
    (
        "bce-multilabel",
        skbce.binary_cross_entropy,
        ("Y2", "S2"),
        {},
        {"pos_weight": [1, 2, 3]},
        ALL,
    ),
    (
        "bce-none",
        skbce.binary_cross_entropy,
        ("y", "p"),
        {"sample_weight": "w"},
        {"reduction": "none"},
        NO_DASK,
    ),
    ("nce", skbce.normalized_cross_entropy, ("y", "p"), {"sample_weight": "w"}, {}, ALL),
    (
        "nce-baseline",
        skbce.normalized_cross_entropy,
        ("y", "z"),
        {},
        {"baseline": 0.3, "from_logits": True},
        ALL,
    ),
    ("d2", skbce.d2_log_loss_score, ("y", "p"), {"sample_weight": "w"}, {}, ALL),
    ("d2-multiclass", skbce.d2_log_loss_score, ("y3", "P3"), {}, {}, ALL),
    ("brier", skbce.brier_score_loss, ("y", "p"), {"sample_weight": "w"}, {}, ALL),
    ("streaming", _streaming, ("y", "p"), {"w": "w"}, {}, ALL),
    (
        "streaming-logits",
        _streaming,
        ("y", "z"),
        {},
        {"from_logits": True},
        ALL,
    ),
]


@pytest.fixture(scope="module")
def dask_client():
    distributed = pytest.importorskip("distributed")
    cluster = distributed.LocalCluster(
        n_workers=1,
        threads_per_worker=2,
        processes=False,
        dashboard_address=":0",
        silence_logs=50,
    )
    client = distributed.Client(cluster, set_as_default=False)
    yield client
    client.close()
    cluster.close()


def _converter(backend, request):
    """A function turning a numpy array into an array of ``backend``."""
    if backend == "numpy":
        return lambda a: a
    if backend == "array_api_strict":
        xp = pytest.importorskip("array_api_strict")
        return xp.asarray
    if backend == "torch":
        torch = pytest.importorskip("torch")
        return torch.asarray
    da = pytest.importorskip("dask.array")
    request.getfixturevalue("dask_client")
    return lambda a: da.from_array(a, chunks=(97,) + a.shape[1:])


def _host(value):
    """A result (float or array of any library) as numpy."""
    if isinstance(value, float):
        return value
    if hasattr(value, "cpu"):
        return value.cpu().numpy()
    return np.from_dlpack(value) if not isinstance(value, np.ndarray) else value


@pytest.mark.parametrize("backend", ALL)
@pytest.mark.parametrize("case", CASES, ids=[case[0] for case in CASES])
def test_every_metric_on_every_backend_matches_numpy(case, backend, request):
    name, metric, positional, keyword, options, backends = case
    convert = _converter(backend, request)
    if backend not in backends:  # refused with a message that says why
        args = [convert(DATA[k]) for k in positional]
        kwargs = {a: convert(DATA[k]) for a, k in keyword.items()}
        with pytest.raises(ValueError, match=f"not supported for {backend} arrays"):
            metric(*args, **kwargs, **options)
        return
    expected = metric(
        *(DATA[k] for k in positional), **{a: DATA[k] for a, k in keyword.items()}, **options
    )
    args = [convert(DATA[k]) for k in positional]
    kwargs = {a: convert(DATA[k]) for a, k in keyword.items()}
    if backend == "dask":
        with request.getfixturevalue("dask_client").as_current():
            got = metric(*args, **kwargs, **options)
    else:
        got = metric(*args, **kwargs, **options)
    if isinstance(expected, float):
        assert isinstance(got, float)
        assert got == pytest.approx(expected, rel=1e-12, abs=1e-15)
    else:
        np.testing.assert_allclose(_host(got), expected, rtol=1e-12)


# --- float16 with weights (fuzz round 2, #8) -------------------------------------------


def _float16_oracle(y, p, w):
    """Weighted mean of scikit-learn's float16 losses, summed exactly, in the result dtype.

    The losses are those of ``sklearn.metrics.log_loss`` on float16 input:
    columns ``[1 - p, p]`` and the clipping at float16's eps, in float16.
    """
    import math

    eps = np.finfo(np.float16).eps
    P = np.clip(np.column_stack([1 - p, p]), eps, 1 - eps)
    loss = -np.log(P[np.arange(len(y)), y])
    assert loss.dtype == np.float16
    w64 = np.ones(len(y)) if w is None else w.astype(np.float64)
    mean = math.fsum(loss.astype(np.float64) * w64) / math.fsum(w64)
    return float(np.result_type(p, np.float16 if w is None else w).type(mean))


F16_WEIGHTS = {
    "none": lambda rng, n: None,
    "float64-1e5": lambda rng, n: rng.uniform(1e5, 2e5, n),
    "float16-6e4": lambda rng, n: rng.uniform(3e4, 6e4, n).astype(np.float16),
    "float16-small": lambda rng, n: rng.uniform(0.5, 2.0, n).astype(np.float16),
}


@pytest.mark.parametrize("backend", ("numpy", "torch", "dask"))
@pytest.mark.parametrize("weights", F16_WEIGHTS, ids=list(F16_WEIGHTS))
def test_float16_weighted_losses_are_the_exact_sums_on_every_backend(weights, backend, request):
    """No overflow past 65504, no float16 rounding of the sums: the same float everywhere."""
    rng = np.random.default_rng(7)
    n = 301
    y = rng.integers(0, 2, n)
    p = rng.uniform(0.01, 0.99, n).astype(np.float16)
    w = F16_WEIGHTS[weights](rng, n)
    expected = _float16_oracle(y, p, w)
    with np.errstate(over="ignore", invalid="ignore"):  # float16 sums overflow
        reference = sklearn.metrics.log_loss(y, p, sample_weight=w)
    if np.isfinite(reference):  # scikit-learn rounds its products and sums to float16
        assert reference == pytest.approx(expected, rel=4 * 2.0**-10)
    # float16 results are equal; float64 ones (float64 weights) equal to rounding
    rel = 0 if np.result_type(p, np.float16 if w is None else w) == np.float16 else 1e-13
    convert = _converter(backend, request)
    args = (convert(y), convert(p))
    kwargs = {"sample_weight": None if w is None else convert(w)}
    client = request.getfixturevalue("dask_client") if backend == "dask" else None
    with contextlib.nullcontext() if client is None else client.as_current():
        assert skbce.log_loss(*args, **kwargs) == pytest.approx(expected, rel=rel, abs=0)
        assert skbce.binary_cross_entropy(*args, **kwargs) == pytest.approx(expected, rel=rel)
        nce = skbce.normalized_cross_entropy(*args, **kwargs)
    expected_nce = skbce.normalized_cross_entropy(y, p, sample_weight=w)
    assert np.isfinite(expected_nce)
    assert nce == pytest.approx(expected_nce, rel=rel)
