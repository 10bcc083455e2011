"""Array-API inputs (array_api_strict, torch CPU): computed in their namespace."""

import numpy as np
import pytest
import sklearn
import sklearn.metrics
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

import skbce
from skbce._backends.dispatch import array_backend


def _strict():
    xp = pytest.importorskip("array_api_strict")
    return xp, xp.asarray


def _torch():
    torch = pytest.importorskip("torch")
    pytest.importorskip("array_api_compat")
    return torch, torch.asarray


NAMESPACES = [pytest.param(_strict, id="array_api_strict"), pytest.param(_torch, id="torch")]


@pytest.fixture(params=NAMESPACES)
def namespace(request):
    return request.param()


@pytest.fixture(params=[False, True], ids=["plain", "array_api_dispatch"])
def dispatch(request, monkeypatch):
    """Run with scikit-learn's array_api_dispatch off, and on."""
    if not request.param:
        yield
        return
    monkeypatch.setenv("SCIPY_ARRAY_API", "1")
    context = sklearn.config_context(array_api_dispatch=True)
    try:
        context.__enter__()
    except (ImportError, RuntimeError) as exc:  # old scikit-learn or SciPy
        pytest.skip(f"array_api_dispatch cannot be enabled: {exc}")
    yield
    context.__exit__(None, None, None)


@pytest.fixture
def data():
    rng = np.random.default_rng(0)
    n = 500
    p = rng.random(n)
    y = (rng.random(n) < p).astype(np.int64)
    w = rng.random(n) * 2
    y3 = rng.integers(0, 3, n)
    P3 = rng.dirichlet([1, 1, 1], n)
    return y, p, w, y3, P3


def _is_float(value):
    return type(value) is float


def test_log_loss_matches_numpy(namespace, dispatch, data):
    _, asarray = namespace
    y, p, w, y3, P3 = data
    cases = [
        ((y, p), {}),
        ((y, p), {"sample_weight": w}),
        ((y + 4, p), {"normalize": False}),
        ((y3, P3), {"sample_weight": w}),
        ((y3 * 2 - 1, P3), {}),  # labels -1, 1, 3: codes by searchsorted
        ((np.zeros_like(y3), P3), {"labels": [0, 1, 2]}),
        ((y == 1, p), {}),
    ]
    for (yt, pp), kwargs in cases:
        expected = skbce.log_loss(yt, pp, **kwargs)
        if "sample_weight" in kwargs:
            kwargs = {**kwargs, "sample_weight": asarray(kwargs["sample_weight"])}
        got = skbce.log_loss(asarray(yt), asarray(pp), **kwargs)
        assert _is_float(got)
        assert got == pytest.approx(expected, rel=1e-12)


@pytest.mark.parametrize(
    "kwargs",
    [
        {},
        {"from_logits": True},
        {"pos_weight": 2.5},
        {"label_smoothing": 0.2},
        {"clip": 1e-3, "reduction": "sum"},
        {"pos_label": 0},
    ],
    ids=["default", "logits", "pos_weight", "smoothing", "clip-sum", "pos_label"],
)
def test_binary_cross_entropy_matches_numpy(namespace, dispatch, data, kwargs):
    _, asarray = namespace
    y, p, w, _, _ = data
    s = np.log(p) - np.log1p(-p) if kwargs.get("from_logits") else p
    expected = skbce.binary_cross_entropy(y, s, sample_weight=w, **kwargs)
    got = skbce.binary_cross_entropy(asarray(y), asarray(s), sample_weight=asarray(w), **kwargs)
    assert _is_float(got)
    assert got == pytest.approx(expected, rel=1e-12)


def test_binary_cross_entropy_soft_multilabel_and_none(namespace, data):
    _, asarray = namespace
    rng = np.random.default_rng(3)
    T, S = rng.random((100, 4)), rng.random((100, 4))
    got = skbce.binary_cross_entropy(asarray(T), asarray(S), pos_weight=[1, 2, 3, 4])
    expected = skbce.binary_cross_entropy(T, S, pos_weight=[1, 2, 3, 4])
    assert got == pytest.approx(expected, rel=1e-12)
    y, p, w, _, _ = data
    none = skbce.binary_cross_entropy(asarray(y), asarray(p), reduction="none")
    assert not isinstance(none, np.ndarray)
    np.testing.assert_allclose(
        np.from_dlpack(none), skbce.binary_cross_entropy(y, p, reduction="none"), rtol=1e-12
    )


def test_normalized_cross_entropy_matches_numpy(namespace, data):
    _, asarray = namespace
    y, p, w, _, _ = data
    expected = skbce.normalized_cross_entropy(y, p, sample_weight=w)
    got = skbce.normalized_cross_entropy(asarray(y), asarray(p), sample_weight=asarray(w))
    assert got == pytest.approx(expected, rel=1e-12)


def test_float32_stays_float32(namespace, data):
    _, asarray = namespace
    y, p, _, _, _ = data
    p32 = p.astype(np.float32)
    p32[:3] = [0.0, 1.0, 0.5]  # clipped at float32's eps
    expected = skbce.log_loss(y, p32)
    got = skbce.log_loss(asarray(y), asarray(p32))
    assert got == pytest.approx(expected, rel=1e-6)
    assert float(np.float32(got)) == got


def _numpy_error(func, *args, **kwargs):
    with pytest.raises(ValueError) as info:
        func(*args, **kwargs)
    return str(info.value)


@pytest.mark.parametrize(
    ("func", "y", "s", "kwargs"),
    [
        (skbce.log_loss, [0, 1, 1], [0.2, np.nan, 0.4], {}),
        (skbce.log_loss, [0, 1, 1], [0.2, 1.5, 0.4], {}),
        (skbce.log_loss, [0, 1, 1], [-0.5, 0.5, 0.4], {}),
        (skbce.log_loss, [1, 1, 1], [0.2, 0.5, 0.4], {}),
        (skbce.log_loss, [0, 1, 2], [0.2, 0.5, 0.4], {}),
        (skbce.log_loss, [0, 1, 5], [[0.2, 0.8]] * 3, {"labels": [0, 1]}),
        (skbce.log_loss, [0, 1], [0.2, 0.5, 0.4], {}),
        (skbce.log_loss, [0, 1, 1], [0.2, 0.5, 0.4], {"sample_weight": [0.0, 0.0, 0.0]}),
        (skbce.log_loss, [0.5, 1, 1], [0.2, 0.5, 0.4], {}),
        (skbce.binary_cross_entropy, [0, 1, 1], [0.2, np.inf, 0.4], {"from_logits": True}),
        (skbce.binary_cross_entropy, [0, 2, 1], [0.2, 0.5, 0.4], {}),
        (skbce.binary_cross_entropy, [0, 1, np.nan], [0.2, 0.5, 0.4], {}),
        (skbce.binary_cross_entropy, [0, 1, 1], [0.2, 0.5, 0.4], {"pos_label": 7}),
        (skbce.binary_cross_entropy, [[0, 1]], [0.2, 0.5], {}),
        (skbce.log_loss, np.array([], dtype=int), [], {}),
        (skbce.binary_cross_entropy, np.array([], dtype=int), [], {}),
    ],
    ids=[
        "nan",
        "above-one",
        "below-zero",
        "one-class",
        "more-classes-than-columns",
        "label-not-in-labels",
        "lengths",
        "zero-weights",
        "continuous",
        "infinite-logit",
        "three-labels",
        "nan-label",
        "pos-label-missing",
        "shape",
        "empty",
        "empty-bce",
    ],
)
def test_errors_are_the_numpy_errors(namespace, func, y, s, kwargs):
    _, asarray = namespace
    expected = _numpy_error(func, np.asarray(y), np.asarray(s), **kwargs)
    if "sample_weight" in kwargs:
        kwargs = {**kwargs, "sample_weight": asarray(kwargs["sample_weight"])}
    got = _numpy_error(func, asarray(np.asarray(y)), asarray(np.asarray(s)), **kwargs)
    assert got == expected


def test_mixed_libraries_follow_the_scores_as_in_sklearn(data):
    """y_true and sample_weight of another library take that of the scores (sklearn 1.9)."""
    from sklearn.metrics import log_loss as sk_log_loss

    xp, asarray = _strict()
    y, p, w, _, _ = data
    expected = sk_log_loss(y, p, sample_weight=w)
    assert skbce.log_loss(y, asarray(p), sample_weight=w) == pytest.approx(expected, rel=1e-12)
    assert skbce.log_loss(asarray(y), p, sample_weight=asarray(w)) == pytest.approx(
        expected, rel=1e-12
    )
    text = np.where(np.asarray(y) == 1, "yes", "no")
    assert skbce.log_loss(text, asarray(p)) == pytest.approx(sk_log_loss(y, p), rel=1e-12)
    values = skbce.binary_cross_entropy(y, asarray(p), reduction="none")
    assert type(values) is type(asarray(p))
    torch = pytest.importorskip("torch")
    pytest.importorskip("array_api_compat")
    got = skbce.log_loss(asarray(y), torch.asarray(p), sample_weight=w)
    assert got == pytest.approx(expected, rel=1e-12)


@pytest.mark.parametrize("chunks", [2, None], ids=["known chunks", "unknown chunks"])
def test_dask_beside_numpy_follows_the_scores(data, chunks):
    """Dask scores take numpy labels in their chunks; numpy scores compute Dask labels."""
    from sklearn.metrics import log_loss as sk_log_loss

    da = pytest.importorskip("dask.array")
    y, p, w, _, _ = data
    y, p, w = np.asarray(y), np.asarray(p), np.asarray(w)
    dask_p = da.from_array(p, chunks=2)
    if chunks is None:  # boolean indexing leaves the chunk sizes unknown
        dask_p = dask_p[dask_p >= 0]
    expected = sk_log_loss(y, p, sample_weight=w)
    assert skbce.log_loss(y, dask_p, sample_weight=w) == pytest.approx(expected, rel=1e-12)
    got = skbce.log_loss(da.from_array(y, chunks=3), p, sample_weight=da.from_array(w, chunks=3))
    assert got == pytest.approx(expected, rel=1e-12)


def test_lists_adopt_the_namespace_of_the_arrays():
    xp, asarray = _strict()
    got = skbce.log_loss([0, 1, 1], asarray([0.2, 0.7, 0.9]), sample_weight=[1, 2, 3])
    assert got == pytest.approx(
        skbce.log_loss([0, 1, 1], [0.2, 0.7, 0.9], sample_weight=[1, 2, 3]), rel=1e-12
    )


def test_a_missing_namespace_function_is_named(monkeypatch):
    xp, asarray = _strict()
    y, p = asarray([0, 1]), asarray([0.2, 0.7])
    monkeypatch.delattr(xp, "clip")
    with pytest.raises(TypeError, match="lacks array_api_strict.clip"):
        skbce.log_loss(y, p)
    monkeypatch.delattr(xp, "take_along_axis")
    monkeypatch.delattr(xp, "take")
    from skbce._backends.array_api import _gather

    with pytest.raises(TypeError, match="lacks array_api_strict.take_along_axis"):
        _gather(xp, asarray([[0.2, 0.8]]), asarray([1]))


def test_numpy_inputs_stay_on_the_numpy_path(data):
    y, p, w, _, _ = data
    assert array_backend(y_true=y, y_proba=p, sample_weight=w) is None
    assert array_backend(y_true=list(y), y_proba=p, sample_weight=None) is None
    pd = pytest.importorskip("pandas")
    assert array_backend(y_true=pd.Series(y), y_proba=p) is None


def test_the_data_stay_in_the_namespace(monkeypatch):
    """Only a few numbers (extremes, distinct labels, sums) leave the namespace."""
    xp, asarray = _strict()
    y = asarray(np.arange(1000) % 2)
    p = asarray(np.linspace(0.01, 0.99, 1000))
    Array = type(p)
    exported = []
    real = Array.__dlpack__

    def spy(self, *args, **kwargs):
        exported.append(self.shape)
        return real(self, *args, **kwargs)

    def refuse(self, *args, **kwargs):
        pytest.fail(f"an array of shape {self.shape} was copied to numpy")

    monkeypatch.setattr(Array, "__dlpack__", spy)
    monkeypatch.setattr(Array, "__array__", refuse, raising=False)
    w = asarray(np.ones(1000))
    assert skbce.log_loss(y, p, sample_weight=w) == pytest.approx(
        skbce.log_loss(np.arange(1000) % 2, np.linspace(0.01, 0.99, 1000)), rel=1e-12
    )
    assert exported == [(2,)]  # the distinct labels only


# --- lists next to arrays (fuzz round 2, #7) ------------------------------------------

LIST_CASES = [
    ([0, 1, 1, 0], [0.2, 0.7, 0.6, 0.4], [0.1, 0.2, 0.3, 0.4]),
    ([0, 1, 1, 0], [0.2, 0.7, 0.6, 0.40000001], [1e300, 1.0, 1.0, 1.0]),
    ([1, 0, 1, 1], [0.9, 1e-50, 0.55, 0.5], [1e-300, 1e-40, 3.0, 1.0]),
    (["a", "b", "b", "a"], [0.2, 0.7, 0.6, 0.4], [1, 2, 3, 4]),
]


#: Which arguments are lists (the others are arrays); string labels must be a list.
LISTED = [
    pytest.param(case, as_list, id=f"case{case}-{as_list}")
    for case in range(len(LIST_CASES))
    for as_list in ("y_true", "y_score", "sample_weight", "y_true+sample_weight")
    if "y_true" in as_list or not isinstance(LIST_CASES[case][0][0], str)
]


@pytest.mark.parametrize(("case", "as_list"), LISTED)
@pytest.mark.parametrize(
    "metric",
    [
        skbce.log_loss,
        skbce.d2_log_loss_score,
        skbce.binary_cross_entropy,
        skbce.normalized_cross_entropy,
    ],
)
def test_lists_next_to_arrays_give_the_numpy_value(namespace, dispatch, metric, case, as_list):
    """A list keeps numpy's dtypes (float64, not the namespace's float32; strings)."""
    _, asarray = namespace
    y, s, w = LIST_CASES[case]
    expected = metric(np.asarray(y), np.asarray(s), sample_weight=np.asarray(w))
    if metric is not skbce.normalized_cross_entropy:  # hard labels: bce is the log loss
        name = "log_loss" if metric is skbce.binary_cross_entropy else metric.__name__
        sklearn_metric = getattr(sklearn.metrics, name)
        assert expected == pytest.approx(sklearn_metric(y, s, sample_weight=w), rel=1e-12)
    args = {"y_true": y, "y_score": s, "sample_weight": w}
    args = {k: v if k in as_list.split("+") else asarray(np.asarray(v)) for k, v in args.items()}
    got = metric(args["y_true"], args["y_score"], sample_weight=args["sample_weight"])
    assert _is_float(got)
    assert got == pytest.approx(expected, rel=1e-13)


def test_lists_of_labels_follow_the_numpy_rules(namespace):
    _, asarray = namespace
    p = asarray(np.array([0.2, 0.7, 0.6, 0.4]))
    y = ["spam", "ham", "ham", "spam"]
    got = skbce.binary_cross_entropy(y, p, pos_label="ham")
    assert got == pytest.approx(sklearn.metrics.log_loss(y, [0.8, 0.3, 0.4, 0.6]), rel=1e-13)
    P = asarray(np.array([[0.2, 0.3, 0.5], [0.6, 0.3, 0.1], [0.1, 0.1, 0.8]]))
    expected = sklearn.metrics.log_loss(["c", "a", "c"], np.from_dlpack(P), labels=["a", "b", "c"])
    assert skbce.log_loss(["c", "a", "c"], P, labels=["a", "b", "c"]) == pytest.approx(
        expected, rel=1e-13
    )
    expected = _numpy_error(skbce.log_loss, np.array([1, 1, 1, 1]), np.from_dlpack(p), labels=["a"])
    assert _numpy_error(skbce.log_loss, [1, 1, 1, 1], p, labels=["a"]) == expected
    with pytest.raises(ValueError, match="y_proba"):
        skbce.log_loss([0, 1, 1, 0], ["a", "b", "c", "d"], sample_weight=asarray([1, 1, 1, 1]))
    with pytest.raises(ValueError, match="sample_weight"):
        skbce.log_loss([0, 1, 1, 0], p, sample_weight=["a", "b", "c", "d"])


# --- numpy-only entry points (fuzz round 2, #9, #12, #13) -----------------------------


def _numpy_only_results(y, p, w):
    """What the numpy-only entry points compute, as floats."""
    state = skbce.StreamingLogLoss()
    state.update(y[:20], p[:20], None if w is None else w[:20])
    state.update(y[20:], p[20:], None if w is None else w[20:])
    report = skbce.calibration_report(y, p, sample_weight=w, n_resamples=0, n_bins=5)
    return {
        "brier_score_loss": skbce.brier_score_loss(y, p, sample_weight=w),
        "report.log_loss": report.log_loss,
        "report.brier_score": report.brier_score,
        "log_loss_breakdown": skbce.log_loss_breakdown(y, p, sample_weight=w).total,
        "StreamingLogLoss": state.result(),
        "StreamingLogLoss.brier_score_loss": state.brier_score_loss(),
    }


@pytest.mark.parametrize("dtype", ["float64", "float32"])
def test_numpy_only_entry_points_take_namespace_arrays(namespace, dispatch, dtype):
    """They convert to numpy, with or without array_api_dispatch, and keep the dtype."""
    _, asarray = namespace
    rng = np.random.default_rng(0)
    y = rng.integers(0, 2, 60)
    p = rng.uniform(0.02, 0.98, 60).astype(dtype)
    w = rng.uniform(0.5, 2.0, 60).astype(dtype)
    with sklearn.config_context(array_api_dispatch=False):
        expected = _numpy_only_results(y, p, w)
        reference = sklearn.metrics.brier_score_loss(y, p, sample_weight=w)
    assert expected["brier_score_loss"] == pytest.approx(reference, rel=1e-6)
    got = _numpy_only_results(asarray(y), asarray(p), asarray(w))
    assert got == expected  # the same dtype, so the same floats
    if dtype == "float32":
        assert float(np.float32(got["brier_score_loss"])) == got["brier_score_loss"]


def test_torch_tensors_that_require_grad_or_are_bfloat16():
    torch = pytest.importorskip("torch")
    pytest.importorskip("array_api_compat")
    rng = np.random.default_rng(1)
    y = rng.integers(0, 2, 60)
    p = rng.uniform(0.02, 0.98, 60)
    w = rng.uniform(0.5, 2.0, 60)
    expected = _numpy_only_results(y, p, w)
    got = _numpy_only_results(
        torch.asarray(y), torch.asarray(p, requires_grad=True), torch.asarray(w, requires_grad=True)
    )
    assert got == expected
    for metric in (skbce.log_loss, skbce.binary_cross_entropy, skbce.d2_log_loss_score):
        grad = metric(torch.asarray(y), torch.asarray(p, requires_grad=True))
        assert grad == pytest.approx(metric(y, p), rel=1e-13)
    # bfloat16 is read as float64, as numpy reads any other floating dtype
    p16 = torch.asarray(p, dtype=torch.bfloat16)
    exact = p16.to(torch.float64).numpy()
    assert _numpy_only_results(torch.asarray(y), p16, None) == _numpy_only_results(y, exact, None)
    assert skbce.log_loss(torch.asarray(y), p16) == pytest.approx(
        sklearn.metrics.log_loss(y, exact), rel=1e-13
    )


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    rows=st.lists(
        st.tuples(
            st.integers(0, 1),
            st.floats(0.0, 1.0),
            st.floats(1e-300, 1e300) | st.sampled_from([0.0, 1.0]),
        ),
        min_size=2,
        max_size=12,
    )
)
def test_list_arguments_never_lose_precision(namespace, rows):
    """Any list of floats next to an array: the value of the all-numpy call."""
    _, asarray = namespace
    y, p, w = (list(column) for column in zip(*rows, strict=True))
    assume(len(set(y)) == 2 and sum(w) > 0)
    expected = skbce.log_loss(y, p, sample_weight=w)
    assert skbce.log_loss(asarray(np.asarray(y)), p, sample_weight=w) == pytest.approx(
        expected, rel=1e-13
    )
    assert skbce.log_loss(y, asarray(np.asarray(p)), sample_weight=w) == pytest.approx(
        expected, rel=1e-13
    )


@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
@pytest.mark.parametrize("multilabel", [False, True], ids=["binary", "multilabel"])
def test_zero_weight_sample_with_infinite_loss_adds_nothing(namespace, reduction, multilabel):
    """clip=None: a zero-weight sample of probability 0 for its true class (0 * inf = NaN)."""
    xp, asarray = namespace
    y = np.array([[1, 0], [1, 1], [0, 1], [0, 0]]) if multilabel else np.array([1, 1, 1, 0])
    p = np.array([[0.0, 0.3], [0.7, 0.6], [0.6, 0.5], [0.2, 0.1]])
    p = p if multilabel else p[:, 0]
    w = np.array([0.0, 1.0, 2.0, 1.0])
    keep = w != 0  # the formula on the samples of non-zero weight, written out
    q = np.where(y == 1, p, 1 - p)[keep]
    losses = -np.log(q) if not multilabel or reduction == "none" else -np.log(q).mean(axis=1)
    weighted = losses * (w[keep] if losses.ndim == 1 else w[keep][:, None])
    if reduction == "none":
        weighted = np.concatenate([np.zeros((1, *weighted.shape[1:])), weighted])
    expected = {"mean": weighted.sum() / w.sum(), "sum": weighted.sum(), "none": weighted}
    got = skbce.binary_cross_entropy(
        asarray(y), asarray(p), sample_weight=asarray(w), clip=None, reduction=reduction
    )
    np.testing.assert_allclose(np.asarray(got, dtype=np.float64), expected[reduction], rtol=1e-12)


@pytest.mark.parametrize("scores", [[0.5], []], ids=["scores", "no scores"])
def test_empty_y_true_is_refused_naming_it(namespace, scores):
    xp, asarray = namespace
    y = asarray(np.array([], dtype=np.int64))
    with pytest.raises(ValueError, match="y_true is empty|0 sample"):
        skbce.binary_cross_entropy(y, asarray(np.array(scores, dtype=np.float64)))
