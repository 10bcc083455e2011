"""Fuzzing the backends: array-API namespaces and Dask give the numpy path's values and errors.

Also the float16 softmax kernel and the thread configuration.  Every value
is compared with the numpy path on the same data (itself checked against
scikit-learn elsewhere) or with plain formulas written here.
"""

import contextlib
import os
import warnings

import numpy as np
import pytest
import sklearn.metrics
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.special import log_softmax

import skbce
from skbce._losses.softmax import softmax_sums
from skbce._losses.sums import LossSums
from skbce._utils.config import effective_n_threads
from skbce._utils.options import InvalidParameterError

try:  # the oldest-dependency leg of CI has no torch: its other backends are still tested
    import torch
except ImportError:
    torch = None
xps = pytest.importorskip("array_api_strict")
da = pytest.importorskip("dask.array")
dask = pytest.importorskip("dask")
pytest.importorskip("array_api_compat")


@pytest.fixture(autouse=True)
def _synchronous_dask():
    with dask.config.set(scheduler="synchronous"):
        yield


def _torch(a):
    return torch.asarray(np.asarray(a))


def _strict(a):
    return xps.asarray(np.asarray(a))


def _dask(chunks):
    return lambda a: da.from_array(np.asarray(a), chunks=(chunks, *np.shape(a)[1:]))


NAMESPACES = {"torch": _torch, "strict": _strict} if torch else {"strict": _strict}
CONVERTERS = {**NAMESPACES, "dask3": _dask(3), "dask1": _dask(1)}
needs_torch = pytest.mark.skipif(torch is None, reason="torch is not installed")


@contextlib.contextmanager
def _array_api_dispatch(on):
    """scikit-learn's ``array_api_dispatch`` on or off (skipped where it cannot be enabled)."""
    if not on:
        yield
        return
    saved = os.environ.get("SCIPY_ARRAY_API")
    os.environ["SCIPY_ARRAY_API"] = "1"
    try:
        with sklearn.config_context(array_api_dispatch=True):
            yield
    except (ImportError, RuntimeError) as exc:  # old scikit-learn or SciPy
        pytest.skip(f"array_api_dispatch cannot be enabled: {exc}")
    finally:
        if saved is None:
            del os.environ["SCIPY_ARRAY_API"]
        else:
            os.environ["SCIPY_ARRAY_API"] = saved


def _host(value):
    if hasattr(value, "detach"):
        return value.detach().numpy()
    if isinstance(value, xps._array_object.Array):
        return np.from_dlpack(value)
    return value


def _outcome(func, *args, **kwargs):
    """``("ok", value)`` or ``("error", type, message)``, warnings as errors."""
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        try:
            return ("ok", func(*args, **kwargs))
        except Exception as exc:  # noqa: BLE001 - compared with the numpy path's
            return ("error", type(exc), str(exc))


# --- the same values as numpy, on random data ---------------------------------------------


@st.composite
def _cases(draw):
    n = draw(st.integers(1, 9))
    multilabel = draw(st.booleans())
    shape = (n, 3) if multilabel else (n,)
    seed = draw(st.integers(0, 2**32 - 1))
    rng = np.random.default_rng(seed)
    y = rng.integers(0, 2, shape)
    if draw(st.booleans()):
        y = y.astype(draw(st.sampled_from([bool, np.int32, np.uint8, np.float64])))
    from_logits = draw(st.booleans())
    s = rng.normal(size=shape) * 5 if from_logits else rng.random(shape)
    if not from_logits and draw(st.booleans()):
        s.flat[0] = draw(st.sampled_from([0.0, 1.0]))  # clipped, or infinite with clip=None
    kwargs = {"from_logits": from_logits}
    kind = draw(st.sampled_from(["none", "float", "tiny", "int", "zeros"]))
    if kind != "none":
        w = rng.random(n) * {"float": 1.0, "tiny": 1e-300}.get(kind, 1.0)
        if kind == "int":
            w = rng.integers(1, 4, n)
        if kind == "zeros" or draw(st.booleans()):
            w[: n // 2] = 0  # a chunk of zero weights next to tiny ones
        kwargs["sample_weight"] = w
    if draw(st.booleans()):
        kwargs["pos_weight"] = draw(st.sampled_from([0.5, 3.0, [0.5, 1.0, 2.0]]))
        if not multilabel and isinstance(kwargs["pos_weight"], list):
            kwargs["pos_weight"] = 2.0
    kwargs["label_smoothing"] = draw(st.sampled_from([0.0, 0.0, 0.1, 1.0]))
    if not from_logits:
        kwargs["clip"] = draw(st.sampled_from(["dtype", None, 1e-3]))
    return y, s, kwargs


@settings(max_examples=40, deadline=None)
@given(case=_cases(), reduction=st.sampled_from(["mean", "sum", "none"]), dispatch=st.booleans())
def test_binary_cross_entropy_equals_the_numpy_path(case, reduction, dispatch):
    y, s, kwargs = case
    kwargs = {**kwargs, "reduction": reduction}
    expected = _outcome(skbce.binary_cross_entropy, y, s, **kwargs)
    for name, convert in CONVERTERS.items():
        if name.startswith("dask") and reduction == "none":
            continue
        w = kwargs.get("sample_weight")
        with _array_api_dispatch(dispatch and name in NAMESPACES):
            got = _outcome(
                skbce.binary_cross_entropy,
                convert(y),
                convert(s),
                **{**kwargs, "sample_weight": None if w is None else convert(w)},
            )
        _assert_same(expected, got, name, reduction == "none")


def _assert_same(expected, got, name, per_sample):
    assert got[0] == expected[0], (name, expected, got)
    if expected[0] == "error":
        assert got[1] is expected[1], (name, expected, got)
        return
    if per_sample:  # an array of the input's namespace, the numpy path's values
        assert type(got[1]) is (torch.Tensor if name == "torch" else xps._array_object.Array)
        np.testing.assert_allclose(_host(got[1]), expected[1], rtol=1e-12, atol=0)
    else:
        assert type(got[1]) is float
        assert got[1] == pytest.approx(expected[1], rel=1e-12, abs=0) or (
            np.isinf(got[1]) and got[1] == expected[1]
        )


@settings(max_examples=30, deadline=None)
@given(
    n=st.integers(2, 9),
    seed=st.integers(0, 2**32 - 1),
    weights=st.sampled_from(["none", "float", "tiny", "int"]),
    dispatch=st.booleans(),
)
def test_the_metrics_of_labels_equal_the_numpy_path(n, seed, weights, dispatch):
    rng = np.random.default_rng(seed)
    y = rng.integers(0, 2, n)
    y[:2] = [0, 1]
    p = rng.random(n)
    w = None
    if weights != "none":
        w = rng.integers(0, 3, n) if weights == "int" else rng.random(n)
        w = w * (1e-300 if weights == "tiny" else 1)
        w[:2] = [1, 2]
        w[2 : 2 + n // 3] = 0
        w = w * (1e-300 if weights == "tiny" else 1)
    metrics = [
        (skbce.log_loss, {}),
        (skbce.log_loss, {"normalize": False}),
        (skbce.d2_log_loss_score, {}),
        (skbce.normalized_cross_entropy, {}),
        (skbce.normalized_cross_entropy, {"baseline": 0.3}),
        (skbce.brier_score_loss, {}),
    ]
    for metric, kwargs in metrics:
        expected = _outcome(metric, y, p, sample_weight=w, **kwargs)
        for name, convert in CONVERTERS.items():
            cw = None if w is None else convert(w)
            with _array_api_dispatch(dispatch and name in NAMESPACES):
                got = _outcome(metric, convert(y), convert(p), sample_weight=cw, **kwargs)
            _assert_same(expected, got, name, False)


# --- zero-weight chunks next to tiny weights (merged sums kept their scale 0) ----------------


def test_a_chunk_of_zero_weights_keeps_the_scale_of_tiny_weights():
    rng = np.random.default_rng(0)
    y, p = rng.integers(0, 2, 9), rng.random(9)
    y[:2] = [0, 1]
    w = rng.random(9) * 1e-315  # subnormal when summed unscaled
    w[6:] = 0
    q = np.where(y == 1, p, 1 - p)
    wn = w / w.max()  # the same mean, in the normal range
    expected = -np.sum(wn * np.log(q)) / np.sum(wn)
    numpy_value = skbce.log_loss(y, p, sample_weight=w)
    assert numpy_value == pytest.approx(expected, rel=1e-13)
    for chunks in (3, 1, (6, 3), (2, 4, 3)):
        dy, dp, dw = (da.from_array(a, chunks=chunks) for a in (y, p, w))
        assert skbce.log_loss(dy, dp, sample_weight=dw) == pytest.approx(expected, rel=1e-13)
        got = skbce.binary_cross_entropy(dy, dp, sample_weight=dw)
        assert got == pytest.approx(expected, rel=1e-13)


def test_d2_with_one_weighted_class_and_a_zero_weight_chunk():
    """The prior's loss is then ``w * 1e-16``: subnormal unless the weights keep their scale."""
    y = np.array([1, 1, 1, 0, 1, 1, 1, 1, 0])
    p = np.array([0.04, 0.9, 0.35, 0.75, 0.51, 0.14, 0.1, 0.8, 0.97])
    w = np.array([0, 9.98e-301, 0, 0, 1.72e-301, 6.7e-301, 0, 0, 0])
    expected = skbce.d2_log_loss_score(y, p, sample_weight=w)
    wn = w / w.max()
    loss = -np.sum(wn * np.log(np.where(y == 1, p, 1 - p)))
    prior = -np.sum(wn) * np.log1p(-np.finfo(np.float64).eps)  # class 0 clipped to eps
    assert expected == pytest.approx(1 - loss / prior, rel=1e-12)
    for chunks in (3, 1):
        dy, dp, dw = (da.from_array(a, chunks=chunks) for a in (y, p, w))
        got = skbce.d2_log_loss_score(dy, dp, sample_weight=dw)
        assert got == pytest.approx(expected, rel=1e-12)


@pytest.mark.parametrize("zero_first", [True, False])
def test_merging_zero_sums_takes_the_other_scale(zero_first):
    tiny = LossSums(3.0, 2.0, np.array([0.5, 1.5]), scale=-1000, class_count=np.ones(2))
    zero = LossSums(0.0, 0.0, np.zeros(2), scale=0, class_count=np.ones(2))
    merged = zero.merge(tiny) if zero_first else tiny.merge(zero)
    assert merged.scale == -1000
    assert (merged.loss, merged.weight) == (3.0, 2.0)
    assert merged.class_weight.tolist() == [0.5, 1.5]
    assert merged.class_count.tolist() == [2.0, 2.0]


# --- errors: the numpy path's type, naming the argument ------------------------------------

Y, P = np.array([0, 1, 1, 0]), np.array([0.2, 0.7, 0.6, 0.4])
BAD = {
    "0-d y_true": (np.array(1), P, {}, "y_true"),
    "0-d scores": (Y, np.array(0.5), {}, "y_"),
    "0-d weights": (Y, P, {"sample_weight": np.array(2.0)}, "sample_weight"),
    "2-D weights": (Y, P, {"sample_weight": np.ones((1, 4))}, "sample_weight"),
    "empty": (np.array([], dtype=int), np.array([]), {}, "0 sample"),
    "NaN score": (Y, np.array([0.2, np.nan, 0.6, 0.4]), {}, "y_"),
    "inf score": (Y, np.array([0.2, np.inf, 0.6, 0.4]), {}, "y_"),
    "score above 1": (Y, np.array([0.2, 1.5, 0.6, 0.4]), {}, "y_"),
    "zero weights": (Y, P, {"sample_weight": np.zeros(4)}, "sample_weight"),
    "NaN weight": (Y, P, {"sample_weight": np.array([1, np.nan, 1, 1])}, "sample_weight"),
    "short weights": (Y, P, {"sample_weight": np.ones(3)}, "sample_weight"),
    "short scores": (Y, P[:3], {}, "y_"),
}
FUNCS = {
    "log_loss": skbce.log_loss,
    "bce": skbce.binary_cross_entropy,
    "bce_none": lambda *a, **k: skbce.binary_cross_entropy(*a, reduction="none", **k),
    "nce": skbce.normalized_cross_entropy,
    "d2": skbce.d2_log_loss_score,
    "brier": skbce.brier_score_loss,
}


#: Every backend with every function, on the numpy path and with scikit-learn's
#: array-API dispatch for the namespaces (Dask refuses ``reduction="none"``).
REFUSAL_RUNS = [
    (backend, func, dispatch)
    for backend in CONVERTERS
    for func in FUNCS
    for dispatch in ([False, True] if backend in NAMESPACES else [False])
    if not (backend.startswith("dask") and func == "bce_none")
]


@pytest.mark.parametrize("case", BAD, ids=str)
@pytest.mark.parametrize(
    ("backend", "func", "dispatch"),
    REFUSAL_RUNS,
    ids=[f"{b}-{f}-{'dispatch' if d else 'plain'}" for b, f, d in REFUSAL_RUNS],
)
def test_refused_inputs_get_the_numpy_error(func, case, backend, dispatch):
    y, s, kwargs, named = BAD[case]
    expected = _outcome(FUNCS[func], y, s, **kwargs)
    convert = CONVERTERS[backend]
    converted = {k: convert(v) for k, v in kwargs.items()}
    with _array_api_dispatch(dispatch):
        got = _outcome(FUNCS[func], convert(y), convert(s), **converted)
    if expected[0] == "ok":  # d2 of too few samples is NaN with a warning, brier takes 0 weights
        assert got[0] == "ok", got
        np.testing.assert_allclose(np.asarray(got[1], dtype=float), expected[1], rtol=1e-12)
        return
    assert got[0] == "error", got
    assert got[1] is expected[1], (expected, got)
    if issubclass(expected[1], Warning):  # d2 of fewer than two samples: NaN, warned
        assert got[2] == expected[2]
    else:
        assert named in got[2]


@pytest.mark.parametrize("convert", NAMESPACES.values(), ids=NAMESPACES)
@pytest.mark.parametrize("clip", ["dtype", None])
@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
def test_bool_weights_in_a_namespace(convert, clip, reduction):
    """array_api_strict refused ``bool_array == 0`` (a TypeError naming nothing)."""
    w = np.array([True, False, True, True])
    expected = skbce.binary_cross_entropy(Y, P, sample_weight=w, clip=clip, reduction=reduction)
    got = skbce.binary_cross_entropy(
        convert(Y), convert(P), sample_weight=convert(w), clip=clip, reduction=reduction
    )
    np.testing.assert_allclose(_host(got), expected, rtol=1e-12)
    manual = -np.log(np.where(Y == 1, P, 1 - P)) * w
    np.testing.assert_allclose(
        expected, {"mean": manual.sum() / 3, "sum": manual.sum(), "none": manual}[reduction]
    )


@pytest.mark.parametrize("convert", NAMESPACES.values(), ids=NAMESPACES)
@pytest.mark.parametrize("metric", [skbce.log_loss, skbce.d2_log_loss_score])
def test_a_column_of_labels_in_a_namespace(convert, metric):
    """``y_true`` of shape (n, 1) is a column of labels, as on the numpy path (was refused)."""
    expected = metric(Y[:, None], P)
    assert expected == metric(Y, P)
    assert metric(convert(Y[:, None]), convert(P)) == pytest.approx(expected, rel=1e-12)


def _transposed(a):
    return torch.stack([torch.asarray(a), torch.asarray(a)], dim=-1).transpose(0, -1)[0]


def _stepped(a):
    return torch.asarray(np.repeat(a, 2, axis=0))[::2]


@needs_torch
@pytest.mark.parametrize("strided", [_transposed, _stepped])
@pytest.mark.parametrize("labels", [[-1.0, 2.0], [0.0, 1.0], [3, 7]], ids=repr)
def test_non_contiguous_tensors(strided, labels):
    """Labels other than 0..k-1 go through searchsorted, which warned on strided tensors."""
    y = np.array(labels)[[0, 1, 1, 0, 1]]
    p = np.array([0.2, 0.7, 0.6, 0.4, 0.9])
    ty, tp = strided(y), strided(p)
    assert not ty.is_contiguous() and not tp.is_contiguous()
    for metric in (skbce.log_loss, skbce.d2_log_loss_score, skbce.brier_score_loss):
        got = _outcome(metric, ty, tp)
        assert got == ("ok", pytest.approx(metric(y, p), rel=1e-12))
    expected = skbce.binary_cross_entropy(y, p, reduction="none")
    got = skbce.binary_cross_entropy(ty, tp, reduction="none")
    np.testing.assert_allclose(got.numpy(), expected, rtol=1e-12)


@needs_torch
@pytest.mark.parametrize("requires_grad", [False, True])
def test_float_label_tensors_that_require_grad(requires_grad):
    y = torch.tensor([0.0, 1.0, 1.0, 0.0], dtype=torch.float64, requires_grad=requires_grad)
    p = torch.tensor(P, requires_grad=requires_grad)
    assert skbce.normalized_cross_entropy(y, p, baseline=[0.6, 0.4], pos_label=1.0) == (
        pytest.approx(skbce.normalized_cross_entropy(Y, P, baseline=[0.6, 0.4], pos_label=1))
    )
    got = skbce.binary_cross_entropy(y, p, reduction="none")
    assert not got.requires_grad
    np.testing.assert_allclose(got.numpy(), -np.log(np.where(Y == 1, P, 1 - P)), rtol=1e-12)


# --- options given as arrays of another library -----------------------------------------------


def _grad(a):
    return torch.tensor(a, dtype=torch.float64, requires_grad=True)


OPTION_ARRAYS = {
    **(
        {"torch": lambda a: torch.tensor(a, dtype=torch.float64), "torch_grad": _grad}
        if torch
        else {}
    ),
    "strict": lambda a: xps.asarray(a),
    "dask": lambda a: da.from_array(np.asarray(a)),
    "numpy": np.asarray,
}


@needs_torch
@pytest.mark.parametrize("convert", OPTION_ARRAYS.values(), ids=OPTION_ARRAYS)
@pytest.mark.parametrize("pos_weight", [2.0, [1.0, 3.0]], ids=repr)
def test_pos_weight_as_an_array(convert, pos_weight):
    Y2, P2 = np.array([[0, 1], [1, 0], [1, 1]]), np.array([[0.2, 0.7], [0.6, 0.4], [0.9, 0.3]])
    c = np.broadcast_to(pos_weight, (3, 2))
    manual = -(c * Y2 * np.log(P2) + (1 - Y2) * np.log(1 - P2)).mean()
    assert skbce.binary_cross_entropy(Y2, P2, pos_weight=pos_weight) == pytest.approx(manual)
    got = skbce.binary_cross_entropy(Y2, P2, pos_weight=convert(pos_weight))
    assert got == pytest.approx(manual, rel=1e-12)
    got = skbce.binary_cross_entropy(_torch(Y2), _torch(P2), pos_weight=convert(pos_weight))
    assert got == pytest.approx(manual, rel=1e-12)


@pytest.mark.parametrize("convert", OPTION_ARRAYS.values(), ids=OPTION_ARRAYS)
@pytest.mark.parametrize(("baseline", "pos_label"), [(0.4, None), (0.4, 0), ([0.6, 0.4], 0)])
def test_baseline_as_an_array(convert, baseline, pos_label):
    rate = baseline if np.ndim(baseline) == 0 else baseline[0]  # pos_label 0: the first prior
    positive = Y == (1 if pos_label is None else pos_label)
    q = np.where(positive, P, 1 - P)  # y_score: the probability of the positive class
    manual = -np.log(q).mean() / -(positive.mean() * np.log(rate) + (1 - positive.mean()) * (
        np.log1p(-rate)
    ))
    kwargs = {"pos_label": pos_label}
    assert skbce.normalized_cross_entropy(Y, P, baseline=baseline, **kwargs) == (
        pytest.approx(manual, rel=1e-12)
    )
    got = skbce.normalized_cross_entropy(Y, P, baseline=convert(baseline), **kwargs)
    assert got == pytest.approx(manual, rel=1e-12)


@pytest.mark.parametrize("convert", [*OPTION_ARRAYS.values(), list], ids=[*OPTION_ARRAYS, "list"])
@pytest.mark.parametrize(
    "metric", [skbce.log_loss, skbce.d2_log_loss_score, skbce.brier_score_loss]
)
def test_labels_as_an_array(convert, metric):
    """array_api_strict and Dask labels were 'unhashable type'."""
    y = np.array([0, 2, 2, 0])
    P3 = np.array([[0.5, 0.2, 0.3], [0.1, 0.1, 0.8], [0.2, 0.4, 0.4], [1, 0, 0]])
    labels = np.array([0, 1, 2])
    expected = metric(y, P3, labels=labels)
    assert metric(y, P3, labels=convert(labels.astype(float))) == pytest.approx(expected)


@pytest.mark.parametrize(
    "baseline", [np.array(1.5), *([torch.tensor(0.0)] if torch else []), "a"], ids=repr
)
def test_bad_0d_baseline_is_named(baseline):
    with pytest.raises(ValueError, match="baseline"):
        skbce.normalized_cross_entropy(Y, P, baseline=baseline)


# --- Dask: the whole shapes in messages -------------------------------------------------------


@pytest.mark.parametrize("chunks", [1, 2])
def test_dask_shape_errors_give_the_whole_shapes(chunks):
    p2 = np.stack([1 - P, P], axis=1)
    for metric in (skbce.binary_cross_entropy, skbce.normalized_cross_entropy):
        with pytest.raises(ValueError, match=r"y_score .*shape \(4, 2\)"):
            metric(_dask(chunks)(Y), _dask(chunks)(p2))
    with pytest.raises(ValueError, match=r"y_score has shape \(4,\) but y_true has shape \(4, 1\)"):
        skbce.binary_cross_entropy(_dask(chunks)(Y[:, None]), _dask(chunks)(P))
    with pytest.raises(ValueError, match=r"sample_weight must be a 1-D array.*\(4, 1\)"):
        skbce.log_loss(_dask(chunks)(Y), _dask(chunks)(P), sample_weight=_dask(chunks)(P[:, None]))


@needs_torch
def test_torch_shapes_are_tuples_in_messages():
    with pytest.raises(ValueError, match=r"got shape \(4, 2\)\.$"):
        skbce.binary_cross_entropy(_torch(Y), _torch(np.stack([1 - P, P], axis=1)))


def test_unknown_chunk_sizes():
    """Boolean indexing leaves the chunk sizes unknown: named; computed, the numpy value."""
    keep = np.array([True, False, True, True, True, False, True, True])
    y = np.array([0, 1, 1, 0, 1, 0, 0, 1])
    p = np.linspace(0.1, 0.9, 8)
    mask = da.from_array(keep, chunks=3)
    dy, dp = da.from_array(y, chunks=3)[mask], da.from_array(p, chunks=3)[mask]
    with pytest.raises(ValueError, match="y_true has unknown chunk sizes"):
        skbce.log_loss(dy, dp)
    dy, dp = dy.compute_chunk_sizes(), dp.compute_chunk_sizes()
    for metric in (skbce.log_loss, skbce.binary_cross_entropy, skbce.normalized_cross_entropy):
        assert metric(dy, dp) == pytest.approx(metric(y[keep], p[keep]), rel=1e-12)


# --- float16 softmax --------------------------------------------------------------------------


@settings(max_examples=40, deadline=None)
@given(
    seed=st.integers(0, 2**32 - 1),
    n=st.integers(1, 300),
    k=st.integers(2, 6),
    scale=st.sampled_from([0.5, 3.0, 30.0, 1000.0]),
    weighted=st.booleans(),
)
def test_float16_softmax_is_computed_in_float32(seed, n, k, scale, weighted):
    rng = np.random.default_rng(seed)
    Z = (rng.normal(size=(n, k)) * scale).astype(np.float16)
    codes = rng.integers(0, k, n)
    w = rng.random(n).astype(np.float16) + np.float16(0.1) if weighted else None
    exact = -log_softmax(Z.astype(np.float64), axis=1)[np.arange(n), codes]
    weights = np.ones(n) if w is None else w.astype(np.float64)
    sums = softmax_sums(Z, codes, w)
    # float16 arithmetic was off by about 5e-4; float32's rounding is below 1e-6, and
    # log_softmax's own error is absolute, about 1e-16 a sample (log(1 + 1e-12))
    expected = np.sum(exact * weights)
    assert float(sums.loss) == pytest.approx(expected, rel=2e-6, abs=1e-15 * n)


def test_float16_softmax_of_a_known_case():
    """log(1 + e^-3 + e^-5): float16's exp and log1p are off by 2e-4 relative."""
    Z = np.array([[3.0, 0.0, -2.0]] * 4, dtype=np.float16)
    sums = softmax_sums(Z, np.zeros(4, dtype=int))
    assert float(sums.loss) == pytest.approx(4 * np.log1p(np.exp(-3) + np.exp(-5)), rel=1e-6)


# --- configuration of threads -----------------------------------------------------------------


@pytest.fixture
def _restore_config():
    saved = skbce.get_config()
    yield
    skbce.set_config(**saved)


@pytest.mark.usefixtures("_restore_config")
@pytest.mark.parametrize(
    "bad", [0, -2, 1.5, "2", True, np.True_, np.int64(0), np.float32(2), 2j], ids=repr
)
def test_invalid_n_threads_are_named(bad):
    for setter in (skbce.set_config, lambda **k: skbce.config_context(**k).__enter__()):
        with pytest.raises(InvalidParameterError, match="n_threads must be None or a positive"):
            setter(n_threads=bad)
    assert skbce.get_config()["n_threads"] is None


@pytest.mark.usefixtures("_restore_config")
@pytest.mark.parametrize("good", [np.int64(2), np.uint8(2), 2])
def test_numpy_integers_are_python_ints(good):
    with skbce.config_context(n_threads=good):
        assert skbce.get_config()["n_threads"] == 2
        assert type(effective_n_threads()) is int
    skbce.set_config(n_threads=good)
    assert type(skbce.get_config()["n_threads"]) is int


def _cpus():
    return len(os.sched_getaffinity(0))


@pytest.mark.parametrize(
    ("omp", "cap"),
    [("", None), ("abc", None), ("0", None), ("-1", None), ("1.5", None), ("2,1", 2),
     (" 1 ", 1), ("1,", 1), ("\u00b2", None), ("\u0663", None), ("1" * 40, None)],
    ids=repr,
)
def test_omp_num_threads_values(monkeypatch, omp, cap):
    """'²' passed ``str.isdigit`` and made ``int`` raise in every large computation."""
    monkeypatch.setenv("OMP_NUM_THREADS", omp)
    expected = _cpus() if cap is None else min(cap, _cpus())
    assert effective_n_threads() == expected
    if omp != "\u00b2":
        return
    rng = np.random.default_rng(0)
    y, p = rng.integers(0, 2, 1_100_000), rng.random(1_100_000)
    with skbce.config_context(n_threads=None):
        assert skbce.log_loss(y, p) == pytest.approx(sklearn.metrics.log_loss(y, p), rel=1e-9)


# --- labels in a namespace: pos_label of another type, labels beyond the dtype ----------------


@pytest.mark.parametrize("convert", NAMESPACES.values(), ids=NAMESPACES)
@pytest.mark.parametrize(
    ("y", "pos_label"),
    [
        (np.array([0, 1, 1, 0], dtype=np.uint8), True),
        (np.array([1.0, 0.0, 1.0, 1.0]), True),
        (np.array([0, 1, 1, 0]), 1.0),
        (np.array([-1, 1, 1, -1]), -1),
    ],
    ids=["uint8-True", "float-True", "int-1.0", "int--1"],
)
def test_pos_label_of_another_type_than_y_true(convert, y, pos_label):
    """array_api_strict refused ``int_array == True`` (a TypeError naming nothing)."""
    positive = y == pos_label
    manual = -np.log(np.where(positive, P, 1 - P))
    got = skbce.binary_cross_entropy(convert(y), convert(P), pos_label=pos_label)
    assert got == pytest.approx(manual.mean(), rel=1e-12)
    got = skbce.binary_cross_entropy(convert(y), convert(P), pos_label=pos_label, reduction="none")
    np.testing.assert_allclose(_host(got), manual, rtol=1e-12)
    if positive.any():
        expected = skbce.normalized_cross_entropy(y, P, pos_label=pos_label)
        got = skbce.normalized_cross_entropy(convert(y), convert(P), pos_label=pos_label)
        assert got == pytest.approx(expected, rel=1e-12)


@pytest.mark.parametrize("convert", [np.asarray, *NAMESPACES.values()], ids=["numpy", *NAMESPACES])
def test_absent_pos_label_is_named(convert):
    with pytest.raises(ValueError, match=r"pos_label=True is not a label of y_true"):
        skbce.binary_cross_entropy(convert(np.zeros(4, dtype=int)), convert(P), pos_label=True)


@pytest.mark.parametrize("convert", NAMESPACES.values(), ids=NAMESPACES)
@pytest.mark.parametrize("labels", [[0, 255, 256], [-3, 0, 255]], ids=repr)
def test_labels_beyond_the_dtype_of_y_true(convert, labels):
    """A uint8 y_true with a label of 256 or -3 overflowed in the namespace."""
    y = np.array([0, 255, 255, 255, 0], dtype=np.uint8)
    P3 = np.random.default_rng(0).dirichlet([1, 1, 1], 5)
    column = np.searchsorted(labels, y.astype(int))
    manual = -np.log(P3[np.arange(5), column]).mean()
    assert skbce.log_loss(y, P3, labels=labels) == pytest.approx(manual, rel=1e-12)
    got = skbce.log_loss(convert(y), convert(P3), labels=labels)
    assert got == pytest.approx(manual, rel=1e-12)
    expected = skbce.d2_log_loss_score(y, P3, labels=labels)
    got = skbce.d2_log_loss_score(convert(y), convert(P3), labels=labels)
    assert got == pytest.approx(expected, rel=1e-12)


# --- weights at the ends of float64 -------------------------------------------------------------

EXTREME_WEIGHTS = {
    "near max": np.array([1.7e308, 1.7e308, 1.7e308, 1e308, 1.7e308, 1.7e308]),
    "max and ones": np.array([1e308, 1e308, 1, 1, 1, 1]),
    "subnormal": np.array([1e-320, 3e-321, 0, 1e-322, 2e-320, 5e-321]),
}


@pytest.mark.parametrize("backend", ["numpy", *CONVERTERS], ids=str)
@pytest.mark.parametrize("weights", EXTREME_WEIGHTS, ids=str)
@pytest.mark.parametrize("multiclass", [False, True])
def test_weights_at_the_ends_of_float64(backend, weights, multiclass):
    """Sums near 1e308 warned (numpy, array_api_strict); 2.0 ** 1062 raised OverflowError."""
    y = np.array([0, 1, 1, 0, 2, 2]) if multiclass else np.array([0, 1, 1, 0, 0, 1])
    rng = np.random.default_rng(1)
    p = rng.dirichlet([1, 1, 1], 6) if multiclass else rng.random(6)
    w = EXTREME_WEIGHTS[weights]
    wn = w / w.max()  # the same means, with weights near one
    q = p[np.arange(6), y] if multiclass else np.where(y == 1, p, 1 - p)
    manual = -np.sum(wn * np.log(q)) / np.sum(wn)
    convert = CONVERTERS.get(backend, np.asarray)
    args = (convert(y), convert(p))
    metrics = [skbce.log_loss, skbce.d2_log_loss_score, skbce.brier_score_loss]
    if not multiclass:
        metrics += [skbce.binary_cross_entropy, skbce.normalized_cross_entropy]
    for metric in metrics:
        got = _outcome(metric, *args, sample_weight=convert(w))
        assert got[0] == "ok", (metric.__name__, got)
        expected = metric(y, p, sample_weight=wn)
        assert got[1] == pytest.approx(expected, rel=1e-12), metric.__name__
    assert skbce.log_loss(*args, sample_weight=convert(w)) == pytest.approx(manual, rel=1e-12)
