"""Parity of ``skbce.log_loss`` and ``skbce.d2_log_loss_score`` with scikit-learn.

scikit-learn is the oracle: every test calls the scikit-learn metric and the skbce
metric on the same inputs and compares the outcome, never a hard-coded number.

* sklearn returns a value -> skbce returns a plain ``float`` equal within a tolerance
  that follows the dtype of ``y_proba``, and emits the same warning categories.
* sklearn raises ``ValueError`` -> skbce raises ``ValueError`` (``TypeError`` too when
  the row is about a wrong type), with a message naming the argument.
* sklearn raises its ``InvalidParameterError`` (both ``ValueError`` and ``TypeError``)
  or stumbles into a ``TypeError`` -> skbce raises ``ValueError`` or ``TypeError``.
* sklearn stumbles into any other exception (``ZeroDivisionError``, ...) -> skbce
  raises a ``ValueError``.
* Deliberate difference: a true multilabel indicator ``y_true`` (a row with other than
  exactly one positive), for which sklearn returns a meaningless number, makes skbce
  raise a ``ValueError`` pointing to ``binary_cross_entropy``.

The inputs handed to skbce are snapshotted before the call and must be unchanged after.
scikit-learn receives ``y_proba`` positionally (it was renamed from ``y_pred`` in 1.9).
"""

import math
import re
import warnings
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sp
import sklearn
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp
from sklearn import metrics as skm
from sklearn.utils.multiclass import type_of_target

import skbce

_SKLEARN = tuple(int(part) for part in sklearn.__version__.split(".")[:2])
if _SKLEARN < (1, 9):
    pytest.skip(
        "the catalogue records the behaviour of scikit-learn >= 1.9, which skbce "
        "follows; older releases accepted other inputs (e.g. they clipped "
        "probabilities outside [0, 1] instead of refusing them)",
        allow_module_level=True,
    )

METRICS = ("log_loss", "d2_log_loss_score")
LOG_LOSS_ONLY = ("log_loss",)

#: Relative tolerance by the floating dtype scikit-learn computes in. sklearn keeps
#: float16/float32 and sums in that dtype; float16 sums lose ~1e-3.
RTOL = {np.dtype(np.float16): 5e-3, np.dtype(np.float32): 1e-6}
RTOL_FLOAT64 = 1e-9

#: Warning categories scikit-learn emits about its own API or its own arithmetic.
IGNORED_SKLEARN_WARNINGS = (FutureWarning, DeprecationWarning, RuntimeWarning)
IGNORED_SKBCE_WARNINGS = (FutureWarning, DeprecationWarning)

HYPOTHESIS = settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    derandomize=True,
)


# --------------------------------------------------------------------------------------
# The comparison machinery
# --------------------------------------------------------------------------------------


@dataclass
class Outcome:
    """What one call did: a value or an exception, and the warnings it emitted."""

    value: object = None
    error: BaseException | None = None
    warnings: list = field(default_factory=list)

    def describe(self):
        cats = sorted({w.__name__ for w in self.warnings})
        if self.error is not None:
            msg = str(self.error).splitlines()[0][:160] if str(self.error) else ""
            return f"raised {type(self.error).__name__}({msg!r})"
        return f"returned {self.value!r} ({type(self.value).__name__}), warnings={cats}"


def _call(func, args, kwargs, ignored):
    with warnings.catch_warnings(record=True) as record:
        warnings.simplefilter("always")
        try:
            value, error = func(*args, **kwargs), None
        except Exception as exc:  # noqa: BLE001 - the oracle may raise anything
            value, error = None, exc
    categories = [w.category for w in record if not issubclass(w.category, ignored)]
    return Outcome(value, error, categories)


def _snapshot(obj):
    """A deep, layout-aware copy of an input, to check it is not modified."""
    if isinstance(obj, np.ndarray):
        return ("ndarray", obj.copy(order="K"), obj.flags.writeable, obj.dtype)
    if isinstance(obj, pd.DataFrame | pd.Series):
        return ("pandas", obj.copy(deep=True))
    if sp.issparse(obj):
        return ("sparse", obj.copy())
    if isinstance(obj, list | tuple):
        return (type(obj), [_snapshot(item) for item in obj])
    return ("other", obj)


def _assert_unchanged(obj, snap, name):
    kind = snap[0]
    if kind == "ndarray":
        _, before, writeable, dtype = snap
        assert obj.dtype == dtype, f"{name}: dtype changed from {dtype} to {obj.dtype}"
        assert obj.flags.writeable == writeable, f"{name}: writeable flag changed"
        np.testing.assert_array_equal(obj, before, err_msg=f"{name} was modified")
    elif kind == "pandas":
        before = snap[1]
        if isinstance(before, pd.DataFrame):
            pd.testing.assert_frame_equal(obj, before, obj=name)
        else:
            pd.testing.assert_series_equal(obj, before, obj=name)
    elif kind == "sparse":
        assert (obj != snap[1]).nnz == 0, f"{name} was modified"
    elif kind in (list, tuple):
        assert type(obj) is kind and len(obj) == len(snap[1]), f"{name} was modified"
        for i, (item, item_snap) in enumerate(zip(obj, snap[1], strict=True)):
            _assert_unchanged(item, item_snap, f"{name}[{i}]")
    else:
        before = snap[1]
        same = obj is before or obj == before
        if isinstance(before, float) and math.isnan(before):
            same = isinstance(obj, float) and math.isnan(obj)
        assert same, f"{name} was modified"


def _rtol(y_proba):
    """Tolerance for the floating dtype sklearn computes ``y_proba`` in."""
    try:
        if isinstance(y_proba, pd.DataFrame):
            dtype = np.result_type(*y_proba.dtypes)
        else:
            dtype = np.asarray(y_proba).dtype
    except Exception:  # noqa: BLE001 - not convertible: sklearn will refuse anyway
        return RTOL_FLOAT64
    return RTOL.get(np.dtype(dtype), RTOL_FLOAT64)


def _is_true_multilabel(y_true):
    """A 2-D 0/1 indicator y_true with some row having other than one positive."""
    try:
        arr = np.asarray(y_true)
        if arr.ndim != 2 or arr.shape[1] < 2:
            return False
        if type_of_target(y_true) != "multilabel-indicator":
            return False
        return not np.all(arr.astype(float).sum(axis=1) == 1)
    except Exception:  # noqa: BLE001 - anything exotic is not a multilabel target
        return False


def _close(metric, got, want, rtol, atol):
    if math.isnan(want):
        return math.isnan(got)
    if math.isinf(want):
        return got == want
    # d2 = 1 - num/den: a relative error on num/den is an absolute error ~ |1 - d2|.
    scale = abs(want) if metric == "log_loss" else max(abs(want), abs(1.0 - want))
    return abs(got - want) <= rtol * scale + atol


def _inputs_repr(y_true, y_proba, kwargs, limit=300):
    text = f"y_true={y_true!r}, y_proba={y_proba!r}, kwargs={kwargs!r}"
    text = re.sub(r"\s+", " ", text)
    return text if len(text) <= limit else text[:limit] + "..."


def assert_parity(
    metric,
    y_true,
    y_proba,
    kwargs=None,
    *,
    arg=None,
    wrong_type=False,
    rtol=None,
    atol=0.0,
):
    """Call sklearn and skbce on the same inputs and compare their outcomes.

    Parameters
    ----------
    arg : str or None
        Regex the skbce error message must match when sklearn refuses the input
        (the name of the offending argument).
    wrong_type : bool
        The input is of a wrong type: a ``TypeError`` is acceptable from skbce even
        where sklearn raises a plain ``ValueError``.
    """
    kwargs = dict(kwargs or {})
    sk_func = getattr(skm, metric)
    bce_func = getattr(skbce, metric)

    expected = _call(sk_func, (y_true, y_proba), kwargs, IGNORED_SKLEARN_WARNINGS)

    snaps = {
        "y_true": _snapshot(y_true),
        "y_proba": _snapshot(y_proba),
        **{k: _snapshot(v) for k, v in kwargs.items()},
    }
    got = _call(bce_func, (y_true, y_proba), kwargs, IGNORED_SKBCE_WARNINGS)
    _assert_unchanged(y_true, snaps["y_true"], "y_true")
    _assert_unchanged(y_proba, snaps["y_proba"], "y_proba")
    for k, v in kwargs.items():
        _assert_unchanged(v, snaps[k], k)

    context = (
        f"\n{metric}({_inputs_repr(y_true, y_proba, kwargs)})"
        f"\n  sklearn: {expected.describe()}\n  skbce:   {got.describe()}"
    )

    if expected.error is None and _is_true_multilabel(y_true):
        # Deliberate difference: refuse the multilabel indicator sklearn misreads.
        assert isinstance(got.error, ValueError), "multilabel y_true must be refused" + context
        assert "binary_cross_entropy" in str(got.error), context
        return got

    if expected.error is not None:
        err = expected.error
        if isinstance(err, ValueError) and isinstance(err, TypeError):
            allowed = (ValueError, TypeError)  # sklearn's InvalidParameterError
        elif isinstance(err, ValueError):
            allowed = (ValueError, TypeError) if wrong_type else (ValueError,)
        elif isinstance(err, TypeError):
            allowed = (ValueError, TypeError)
        else:  # ZeroDivisionError, AttributeError, ...: skbce must say it clearly
            allowed = (ValueError,)
        names = " or ".join(a.__name__ for a in allowed)
        assert got.error is not None, f"expected {names}" + context
        assert isinstance(got.error, allowed), f"expected {names}" + context
        if arg is not None:
            assert re.search(arg, str(got.error)), f"error message should name {arg!r}" + context
        return got

    assert got.error is None, "skbce refused an input sklearn accepts" + context
    assert type(got.value) is float, "result must be a plain float" + context
    tol = _rtol(y_proba) if rtol is None else rtol
    assert _close(metric, got.value, expected.value, tol, atol), (
        f"values differ (rtol={tol:g}, atol={atol:g})" + context
    )
    for cat in expected.warnings:
        assert any(issubclass(c, cat) for c in got.warnings), (
            f"skbce should warn {cat.__name__}" + context
        )
    for cat in got.warnings:
        assert any(issubclass(cat, c) for c in expected.warnings), (
            f"skbce warns {cat.__name__}, sklearn does not" + context
        )
    return got


# --------------------------------------------------------------------------------------
# The catalogue
# --------------------------------------------------------------------------------------


@dataclass
class Case:
    y_true: object
    y_proba: object
    kwargs: dict
    arg: str | None = None
    wrong_type: bool = False
    prepare: object = None


def _readonly(*arrays):
    out = []
    for a in arrays:
        a = np.array(a)
        a.setflags(write=False)
        out.append(a)
    return out


def _prepare_readonly(y_true, y_proba, kwargs):
    y_true, y_proba = _readonly(y_true, y_proba)
    kwargs = {k: _readonly(v)[0] for k, v in kwargs.items()}
    return y_true, y_proba, kwargs


def _strided(a):
    """The same values as a non-contiguous view (every other element/row)."""
    a = np.asarray(a)
    big = np.repeat(a, 2, axis=0)
    return big[::2]


def _prepare_strided(y_true, y_proba, kwargs):
    return (
        _strided(y_true),
        _strided(y_proba),
        {k: _strided(v) for k, v in kwargs.items()},
    )


def _prepare_reversed(y_true, y_proba, kwargs):
    rev = lambda a: np.asarray(a)[::-1]  # noqa: E731 - negative strides
    return rev(y_true), rev(y_proba), {k: rev(v) for k, v in kwargs.items()}


def _prepare_fortran(y_true, y_proba, kwargs):
    return y_true, np.asfortranarray(np.asarray(y_proba)), kwargs


def _prepare_column_slice(y_true, y_proba, kwargs):
    """y_proba as a column slice of a wider C-ordered matrix (strided 2-D view)."""
    p = np.asarray(y_proba)
    wide = np.concatenate([p, np.full_like(p, 0.123)], axis=1)
    return y_true, wide[:, : p.shape[1]], kwargs


CASES = []


def case(
    id_,
    y_true,
    y_proba,
    *,
    metrics=METRICS,
    arg=None,
    wrong_type=False,
    prepare=None,
    **kwargs,
):
    """Add one row to the catalogue, for each metric in ``metrics``."""
    for metric in metrics:
        c = Case(y_true, y_proba, kwargs, arg, wrong_type, prepare)
        CASES.append(pytest.param(metric, c, id=f"{metric}-{id_}"))


Y4 = [0, 1, 1, 0]
P4 = [0.2, 0.7, 0.6, 0.4]
P4_2D = [[0.8, 0.2], [0.3, 0.7], [0.4, 0.6], [0.6, 0.4]]
Y3C = [0, 1, 2, 2, 1]
P3C = [
    [0.7, 0.2, 0.1],
    [0.1, 0.8, 0.1],
    [0.2, 0.2, 0.6],
    [0.5, 0.25, 0.25],
    [0.3, 0.3, 0.4],
]
W4 = [1.0, 2.0, 0.5, 3.0]
ONE_HOT3 = [[1, 0, 0], [0, 1, 0], [0, 0, 1], [0, 0, 1], [0, 1, 0]]

# ---- accepted inputs: label types
case("binary-int-1d", Y4, P4)
case("binary-int-2d", Y4, P4_2D)
case("multiclass-int", Y3C, P3C)
case("binary-str-1d", ["ham", "spam", "spam", "ham"], P4)
case("binary-str-2d", ["ham", "spam", "spam", "ham"], P4_2D)
case("multiclass-str", ["b", "c", "d", "d", "c"], P3C)
case("binary-bool", [False, True, True, False], P4)
case("binary-float", [0.0, 1.0, 1.0, 0.0], P4)
case("multiclass-float", [0.0, 1.0, 2.0, 2.0, 1.0], P3C)
case("binary-negative-int", [-1, 1, 1, -1], P4)
case("binary-uint8", np.array(Y4, dtype=np.uint8), P4)
case("binary-large-int", [10**12, 2 * 10**12, 2 * 10**12, 10**12], P4)
case("binary-object-str", np.array(["a", "b", "b", "a"], dtype=object), P4)
case("binary-numpy-str_", [np.str_("a"), np.str_("b"), np.str_("b"), np.str_("a")], P4)
case("binary-numeric-strings", ["0.5", "1.5", "1.5", "0.5"], P4)
case("multiclass-range", range(4), [[0.6, 0.2, 0.1, 0.1]] * 4)
case("binary-one-sample-with-labels", [1], [0.3], labels=[0, 1])
case("object-int-y_true", np.array(Y4, dtype=object), P4, arg="y_true")

# ---- accepted inputs: labels=
case("labels-sorted", Y4, P4, labels=[0, 1])
case("labels-absent-class-int", [0, 1, 1], P3C[:3], labels=[0, 1, 2])
case("labels-absent-class-middle", [0, 2, 2], P3C[:3], labels=[0, 1, 2])
case("labels-absent-class-str", ["a", "b", "b"], P3C[:3], labels=["a", "b", "c"])
case("labels-two-absent", [1, 1, 3], [[0.1, 0.6, 0.1, 0.2]] * 3, labels=[0, 1, 2, 3])
case("labels-numpy", Y4, P4, labels=np.array([0, 1]))
case("labels-tuple", Y4, P4, labels=(0, 1))
case("labels-series", Y4, P4, labels=pd.Series([0, 1]))
case("labels-float-for-int-y", Y4, P4, labels=[0.0, 1.0])
case("single-class-with-labels-1d", [1, 1, 1], [0.2, 0.7, 0.6], labels=[0, 1])
case(
    "single-class-with-labels-2d",
    [1, 1, 1],
    [[0.8, 0.2], [0.3, 0.7], [0.4, 0.6]],
    labels=[0, 1],
)
case("single-class-str-with-labels", ["b", "b"], [0.2, 0.7], labels=["a", "b"])

# ---- accepted inputs: sample_weight and normalize
case("weights-float", Y4, P4, sample_weight=W4)
case("weights-int", Y4, P4, sample_weight=[1, 2, 3, 4])
case("weights-float32", Y4, P4, sample_weight=np.array(W4, dtype=np.float32))
case("weights-bool", Y4, P4, sample_weight=[True, False, True, True])
W4_F32 = np.array([1.0, 0.3, 1.0, 0.7], dtype=np.float32)  # inexact in float32
for _kind, _y in [
    ("int", Y4),
    ("bool", [False, True, True, False]),
    ("str", ["a", "b", "b", "a"]),
    ("float", [0.0, 1.0, 1.0, 0.0]),
]:
    case(f"weights-float32-inexact-{_kind}", _y, P4, sample_weight=W4_F32)
    case(f"weights-float32-inexact-{_kind}-2d", _y, P4_2D, sample_weight=W4_F32)
case(
    "weights-float32-inexact-multiclass",
    Y3C,
    P3C,
    sample_weight=np.array([0.1, 0.2, 0.3, 0.7, 1.3], dtype=np.float32),
)
case(
    "weights-float32-inexact-one-hot",
    ONE_HOT3,
    P3C,
    sample_weight=np.array([0.1, 0.2, 0.3, 0.7, 1.3], dtype=np.float32),
)
case("weights-with-zeros", Y4, P4, sample_weight=[0, 1, 0, 2])
case("weights-one-nonzero", Y4, P4, sample_weight=[0, 0, 0, 2])
case("weights-negative", Y4, P4, sample_weight=[2.0, -1.0, 3.0, 0.5])
case("weights-all-negative", Y4, P4, sample_weight=[-1.0, -2.0, -1.0, -1.0])
case("weights-series", Y4, P4, sample_weight=pd.Series(W4, index=[9, 8, 7, 6]))
case("weights-tuple", Y4, P4, sample_weight=tuple(W4))
case("weights-multiclass", Y3C, P3C, sample_weight=[1, 2, 3, 4, 5])
case("normalize-false", Y4, P4, metrics=LOG_LOSS_ONLY, normalize=False)
case("normalize-true", Y4, P4, metrics=LOG_LOSS_ONLY, normalize=True)
case("normalize-np-false", Y4, P4, metrics=LOG_LOSS_ONLY, normalize=np.False_)
case(
    "normalize-false-weights",
    Y4,
    P4,
    metrics=LOG_LOSS_ONLY,
    normalize=False,
    sample_weight=W4,
)
case(
    "normalize-false-weights-zero-sum",
    Y4,
    P4,
    metrics=LOG_LOSS_ONLY,
    normalize=False,
    sample_weight=[1.0, -1.0, 0.0, 0.0],
)
case(
    "normalize-false-multiclass",
    Y3C,
    P3C,
    metrics=LOG_LOSS_ONLY,
    normalize=False,
)

# ---- accepted inputs: y_proba dtypes and shapes
case("proba-float16", Y4, np.array(P4, dtype=np.float16))
case("proba-float32", Y4, np.array(P4, dtype=np.float32))
case("proba-float32-2d", Y3C, np.array(P3C, dtype=np.float32))
case("proba-float16-2d", Y3C, np.array(P3C, dtype=np.float16))
case("proba-longdouble", Y4, np.array(P4, dtype=np.longdouble))
case("proba-int", Y4, [0, 1, 1, 0])
case("proba-int-wrong", Y4, [1, 0, 0, 1])
case("proba-bool", Y4, [False, True, False, True])
case("proba-object", Y4, np.array(P4, dtype=object))
case("proba-numeric-strings", Y4, ["0.2", "0.7", "0.6", "0.4"], wrong_type=True)
case("proba-column", Y4, [[p] for p in P4])
case("proba-column-float32", Y4, np.array([[p] for p in P4], dtype=np.float32))
case(
    "proba-float32-weights-float32",
    Y4,
    np.array(P4, np.float32),
    sample_weight=np.array(W4, np.float32),
)
case(
    "proba-float16-weights-int",
    Y4,
    np.array(P4, np.float16),
    sample_weight=[1, 2, 3, 4],
)
case(
    "proba-float32-normalize-false",
    Y4,
    np.array(P4, dtype=np.float32),
    metrics=LOG_LOSS_ONLY,
    normalize=False,
)

# ---- accepted inputs: y_true shapes
case("y_true-column-array", np.array([[0], [1], [1], [0]]), P4)
case("y_true-column-array-multiclass", np.array([[y] for y in Y3C]), P3C)
case("y_true-column-bool", np.array([[False], [True], [True], [False]]), P4)
case("one-hot-list", ONE_HOT3, P3C)
case("one-hot-array", np.array(ONE_HOT3), P3C)
case("one-hot-binary", [[1, 0], [0, 1], [0, 1], [1, 0]], P4_2D)
case("one-hot-bool", np.array(ONE_HOT3, dtype=bool), P3C)
case("one-hot-float", np.array(ONE_HOT3, dtype=float), P3C)
case("one-hot-column-unused", [[1, 0, 0], [0, 1, 0], [1, 0, 0]], P3C[:3])
case("one-hot-dataframe", pd.DataFrame(ONE_HOT3, columns=list("xyz")), P3C)
case("one-hot-weights", ONE_HOT3, P3C, sample_weight=[1, 2, 3, 4, 5])

# ---- accepted inputs: containers
case("tuple", tuple(Y4), tuple(P4))
case("tuple-2d", tuple(Y3C), tuple(tuple(r) for r in P3C))
case("numpy", np.array(Y4), np.array(P4))
case("series", pd.Series(Y4, index=[5, 3, 9, 1]), pd.Series(P4, index=[0, 1, 2, 3]))
case("series-str", pd.Series(["a", "b", "b", "a"]), P4)
case("series-categorical", pd.Series(["a", "b", "b", "a"], dtype="category"), P4)
case(
    "series-categorical-reversed",
    pd.Series(pd.Categorical(["a", "b", "b", "a"], categories=["b", "a"])),
    P4,
)
case(
    "series-categorical-unused-category",
    pd.Series(pd.Categorical(["a", "b", "b", "a"], categories=["a", "b", "c"])),
    P4,
)
case("series-categorical-int", pd.Series([3, 1, 3, 1], dtype="category"), P4)
case("series-Int64", pd.Series(Y4, dtype="Int64"), P4)
case("series-boolean", pd.Series([False, True, True, False], dtype="boolean"), P4)
case("series-string-dtype", pd.Series(["a", "b", "b", "a"], dtype="string"), P4)
case("series-Float64-proba", Y4, pd.Series(P4, dtype="Float64"))
case("dataframe-proba", Y4, pd.DataFrame(P4_2D, columns=["no", "yes"]))
case("dataframe-proba-float32", Y4, pd.DataFrame(np.array(P4_2D, np.float32)))
case("dataframe-proba-multiclass", Y3C, pd.DataFrame(P3C, columns=["c", "a", "b"]))
case("dataframe-y_true-column", pd.DataFrame({"y": Y4}), P4)
case("dataframe-proba-column", Y4, pd.DataFrame({"p": P4}))

# ---- accepted inputs: memory layout
case("readonly", Y4, P4, sample_weight=W4, labels=[0, 1], prepare=_prepare_readonly)
case("readonly-2d", Y3C, P3C, sample_weight=[1, 2, 3, 4, 5], prepare=_prepare_readonly)
case("strided", Y4, P4, sample_weight=W4, prepare=_prepare_strided)
case("strided-2d", Y3C, P3C, sample_weight=[1, 2, 3, 4, 5], prepare=_prepare_strided)
case(
    "negative-strides",
    Y3C,
    P3C,
    sample_weight=[1, 2, 3, 4, 5],
    prepare=_prepare_reversed,
)
case("fortran-order", Y3C, P3C, prepare=_prepare_fortran)
case("column-slice", Y3C, P3C, prepare=_prepare_column_slice)

# ---- accepted inputs: extreme probabilities
case("proba-exact-0-and-1", Y4, [0.0, 1.0, 1.0, 0.0])
case("proba-confident-miss", Y4, [1.0, 0.0, 0.0, 1.0])
case("proba-mixed-0-1", [0, 1, 1, 0], [0.0, 1.0, 0.0, 1.0])
case("proba-1e-300", [0, 1, 0], [1e-300, 1e-300, 1 - 1e-16])
case("proba-near-eps", [1, 0, 1, 0], [2.2e-16, 1 - 2.2e-16, 4.4e-16, 1e-17])
case("proba-negative-zero", [0, 1], [-0.0, 0.3])
case("proba-2d-zeros", Y3C, [[1, 0, 0], [0, 0, 1], [0, 0, 1], [0, 1, 0], [0, 1, 0]])
case("proba-float32-confident-miss", [1, 0], np.array([0.0, 1.0], dtype=np.float32))
case(
    "proba-float32-near-one",
    [1, 0, 0],
    np.array([1e-45, 1 - 2**-24, 0.99999], dtype=np.float32),
)
case("proba-float32-tiny", [1, 1], np.array([1e-30, 1e-8], dtype=np.float32))
case("proba-float16-confident-miss", [1, 0], np.array([0.0, 1.0], dtype=np.float16))
case("proba-float16-tiny", [1, 0], np.array([1e-7, 0.9999], dtype=np.float16))

# ---- warnings
case("labels-unsorted-int", [0, 1], [[0.8, 0.2], [0.3, 0.7]], labels=[1, 0])
case("labels-unsorted-str", ["a", "b"], [0.2, 0.3], labels=["b", "a"])
case(
    "labels-unsorted-multiclass",
    [0, 1, 2],
    [[0.2, 0.7, 0.1], [0.3, 0.6, 0.1], [0.1, 0.1, 0.8]],
    labels=[2, 0, 1],
)
case("rows-not-summing-to-one", [0, 1], [[0.5, 0.2], [0.3, 0.7]])
case("rows-summing-above-one", Y3C, [[0.7, 0.7, 0.1]] * 5)
case("rows-within-float64-tolerance", [0, 1], [[0.5, 0.5 + 1e-9], [0.3, 0.7]])
case("rows-outside-float64-tolerance", [0, 1], [[0.5, 0.5 + 1e-7], [0.3, 0.7]])
case(
    "rows-within-float32-tolerance",
    [0, 1],
    np.array([[0.5, 0.5 + 1e-4], [0.3, 0.7]], dtype=np.float32),
)
case(
    "rows-outside-float32-tolerance",
    [0, 1],
    np.array([[0.5, 0.5 + 1e-3], [0.3, 0.7]], dtype=np.float32),
)
case("rows-all-zero", [0, 1], [[0.0, 0.0], [0.3, 0.7]])
case("d2-one-sample", [1], [0.3], metrics=("d2_log_loss_score",), labels=[0, 1])
case("d2-one-sample-one-hot", [[0, 1]], [[0.2, 0.8]], metrics=("d2_log_loss_score",))
case(
    "d2-one-sample-2d",
    ["a"],
    [[0.3, 0.7]],
    metrics=("d2_log_loss_score",),
    labels=["a", "b"],
)

# ---- refusals: y_proba
case("proba-nan", Y4, [0.2, np.nan, 0.6, 0.4], arg="y_proba")
case("proba-inf", Y4, [0.2, np.inf, 0.6, 0.4], arg="y_proba")
case("proba-neg-inf", Y4, [0.2, -np.inf, 0.6, 0.4], arg="y_proba")
case(
    "proba-nan-2d",
    Y4,
    [[0.8, 0.2], [np.nan, 0.7], [0.4, 0.6], [0.6, 0.4]],
    arg="y_proba",
)
case("proba-above-one", Y4, [0.2, 1.5, 0.6, 0.4], arg="y_proba")
case("proba-barely-above-one", Y4, [0.2, 1 + 1e-15, 0.6, 0.4], arg="y_proba")
case("proba-below-zero", Y4, [0.2, -0.5, 0.6, 0.4], arg="y_proba")
case("proba-barely-below-zero", Y4, [0.2, -1e-300, 0.6, 0.4], arg="y_proba")
case("proba-2d-above-one", Y3C, [[1.2, -0.1, -0.1]] * 5, arg="y_proba")
case(
    "proba-float32-nan",
    Y4,
    np.array([0.2, np.nan, 0.6, 0.4], np.float32),
    arg="y_proba",
)
case(
    "proba-Float64-NA",
    Y4,
    pd.Series([0.2, None, 0.6, 0.4], dtype="Float64"),
    arg="y_proba",
)
case(
    "proba-object-None",
    Y4,
    np.array([0.2, None, 0.6, 0.4], dtype=object),
    arg="y_proba",
    wrong_type=True,
)
case("proba-strings", Y4, ["a", "b", "c", "d"], arg="y_proba", wrong_type=True)
case(
    "proba-dataframe-strings",
    Y4,
    pd.DataFrame({"p": list("abcd")}),
    arg="y_proba",
    wrong_type=True,
)
case("proba-complex", Y4, np.array(P4, dtype=complex), arg="y_proba", wrong_type=True)
case("proba-complex-imag", Y4, np.array(P4) + 1j, arg="y_proba", wrong_type=True)
case("proba-3d", Y4, np.full((4, 2, 1), 0.5), arg="y_proba")
case("proba-ragged", [0, 1], [[0.2, 0.8], [0.3]], arg="y_proba", wrong_type=True)
case("proba-zero-columns", [0, 1], np.zeros((2, 0)), arg="y_proba")
case("proba-scalar", [1], 0.2, arg="y_proba", wrong_type=True)
case("proba-0d-array", [1], np.array(0.2), arg="y_proba", wrong_type=True)
case("proba-None", Y4, None, arg="y_proba", wrong_type=True)
case(
    "proba-sparse",
    [0, 1],
    sp.csr_matrix([[0.8, 0.2], [0.3, 0.7]]),
    arg="y_proba",
    wrong_type=True,
)
case("wrong-column-count", Y3C, [[0.2, 0.8]] * 5, arg="y_proba|labels")
case(
    "wrong-column-count-labels",
    Y3C,
    [[0.2, 0.8]] * 5,
    labels=[0, 1, 2],
    arg="y_proba|labels",
)
case("too-many-columns", Y4, [[0.2, 0.7, 0.1]] * 4, arg="y_proba|labels")
case("column-for-multiclass", Y3C, [[0.2]] * 5, arg="y_proba|labels")
case("1d-with-three-labels", [0, 1], [0.2, 0.3], labels=[0, 1, 2], arg="y_proba|labels")

# ---- refusals: y_true
case("single-class", [1, 1, 1], [0.2, 0.7, 0.6], arg="y_true|labels")
case("single-class-str", ["a", "a"], [0.2, 0.7], arg="y_true|labels")
case("multioutput-y_true", [[0, 1], [1, 2]], [[0.5, 0.5], [0.5, 0.5]], arg="y_true")
case("continuous-y_true", [0.5, 1.5, 2.5], [[0.2, 0.3, 0.5]] * 3, arg="y_true")
case("continuous-binary-y_true", [0.5, 1.5], [0.2, 0.3], arg="y_true")
case(
    "continuous-y_true-with-labels",
    [0.5, 1.5],
    [0.2, 0.3],
    labels=[0.5, 1.5],
    arg="y_true|labels",
)
case("nan-in-y_true", [0, np.nan, 1], [0.2, 0.3, 0.4], arg="y_true")
case("inf-in-y_true", [0, np.inf, 1], [0.2, 0.3, 0.4], arg="y_true")
case(
    "Int64-NA-in-y_true",
    pd.Series([0, None, 1], dtype="Int64"),
    [0.2, 0.3, 0.4],
    arg="y_true",
)
case("mixed-str-num-list", [0, "a", 1], [0.2, 0.3, 0.4], arg="y_true")
case(
    "mixed-str-num-object",
    np.array([0, "a"], dtype=object),
    [0.2, 0.3],
    arg="y_true",
    wrong_type=True,
)
case("mixed-str-nan", ["a", np.nan], [0.2, 0.3], arg="y_true")
case(
    "y_true-None-in-object",
    np.array(["a", None], dtype=object),
    [0.2, 0.3],
    arg="y_true",
    wrong_type=True,
)
case("y_true-bytes", np.array([b"a", b"b"]), [0.2, 0.3], arg="y_true", wrong_type=True)
case("y_true-column-list", [[0], [1]], [0.2, 0.3], arg="y_true")
case("y_true-list-of-tuples", [(0,), (1,)], [0.2, 0.3], arg="y_true")
case("y_true-scalar", 1, [0.2], arg="y_true", wrong_type=True)
case("y_true-0d-array", np.array(1), np.array(0.2), arg="y_true|y_proba", wrong_type=True)
case("scalars", 1, 0.2, arg="y_true|y_proba", wrong_type=True)
case("y_true-None", None, [0.2, 0.3], arg="y_true", wrong_type=True)
case("y_true-string", "ab", [0.2, 0.3], arg="y_true", wrong_type=True)
case(
    "y_true-generator",
    None,
    [0.2, 0.3],
    arg="y_true",
    wrong_type=True,
    prepare=lambda y, p, kw: ((i % 2 for i in range(2)), p, kw),
)
case(
    "y_true-sparse",
    sp.csr_matrix([[1, 0], [0, 1]]),
    [[0.8, 0.2], [0.3, 0.7]],
    arg="y_true",
    wrong_type=True,
)
case(
    "one-hot-wrong-columns",
    [[1, 0, 0], [0, 1, 0]],
    [[0.8, 0.2], [0.3, 0.7]],
    arg="y_true|y_proba|labels",
)
case(
    "one-hot-with-labels",
    [[1, 0], [0, 1]],
    [[0.8, 0.2], [0.3, 0.7]],
    labels=[0, 1],
    arg="y_true|labels",
)
case(
    "one-hot-with-str-labels",
    [[1, 0], [0, 1]],
    [[0.8, 0.2], [0.3, 0.7]],
    labels=["a", "b"],
    arg="y_true|labels",
)

# ---- refusals: lengths and emptiness
case("length-y_proba-short", [0, 1, 1], [0.2, 0.7], arg="y_true|y_proba|samples")
case("length-y_proba-long", [0, 1], [0.2, 0.7, 0.4], arg="y_true|y_proba|samples")
case(
    "length-2d-y_proba",
    [0, 1, 1],
    [[0.8, 0.2], [0.3, 0.7]],
    arg="y_true|y_proba|samples",
)
case(
    "length-sample_weight",
    [0, 1, 1],
    [0.2, 0.7, 0.6],
    sample_weight=[1, 2],
    arg="sample_weight",
)
case(
    "length-sample_weight-empty",
    [0, 1],
    [0.2, 0.3],
    sample_weight=[],
    arg="sample_weight",
)
case("empty", [], [], arg="y_true|y_proba|empty|sample")
case("empty-2d", [], np.zeros((0, 2)), arg="y_true|y_proba|empty|sample")
case(
    "empty-with-labels",
    [],
    np.zeros((0, 2)),
    labels=[0, 1],
    arg="y_true|y_proba|empty|sample",
)

# ---- refusals: labels=
case("labels-not-covering", [0, 1, 2], [[0.2, 0.7, 0.1]] * 3, labels=[0, 1], arg="labels")
case("labels-disjoint", [0, 1], [0.2, 0.3], labels=[2, 3], arg="labels")
case("labels-str-for-int", [0, 1], [0.2, 0.3], labels=["0", "1"], arg="labels")
case("labels-int-for-str", ["0", "1"], [0.2, 0.3], labels=[0, 1], arg="labels")
case("labels-one-element", [1, 1], [0.2, 0.6], labels=[1], arg="labels")
case("labels-empty", [0, 1], [0.2, 0.3], labels=[], arg="labels")
case("labels-duplicates", [0, 1], [0.2, 0.3], labels=[0, 1, 1], arg="labels")
case("labels-mixed-types", [0, 1], [0.2, 0.3], labels=[0, "a"], arg="labels")
case(
    "labels-with-nan",
    [0, 1],
    [[0.2, 0.7, 0.1]] * 2,
    labels=[0, 1, np.nan],
    arg="labels",
)
case("labels-string", [0, 1], [0.2, 0.3], labels="ab", arg="labels", wrong_type=True)
case("labels-scalar", [0, 1], [0.2, 0.3], labels=1, arg="labels", wrong_type=True)
case(
    "labels-0d-array",
    [0, 1],
    [0.2, 0.3],
    labels=np.array(1),
    arg="labels",
    wrong_type=True,
)
case("labels-set", [0, 1], [0.2, 0.3], labels={0, 1}, arg="labels", wrong_type=True)

# ---- refusals: sample_weight
case("weights-2d", [0, 1], [0.2, 0.3], sample_weight=[[1], [2]], arg="sample_weight")
case("weights-row", [0, 1], [0.2, 0.3], sample_weight=[[1, 2]], arg="sample_weight")
case("weights-nan", [0, 1], [0.2, 0.3], sample_weight=[1, np.nan], arg="sample_weight")
case("weights-inf", [0, 1], [0.2, 0.3], sample_weight=[1, np.inf], arg="sample_weight")
case("weights-all-zero", [0, 1], [0.2, 0.3], sample_weight=[0, 0], arg="sample_weight")
case(
    "weights-all-zero-normalize-false",
    [0, 1],
    [0.2, 0.3],
    sample_weight=[0, 0],
    metrics=LOG_LOSS_ONLY,
    normalize=False,
    arg="sample_weight",
)
case(
    "weights-sum-zero-mixed-signs",
    [0, 1],
    [0.2, 0.3],
    sample_weight=[1, -1],
    arg="sample_weight",
)
case(
    "weights-sum-zero-four",
    Y4,
    P4,
    sample_weight=[1.0, -2.0, 0.5, 0.5],
    arg="sample_weight",
)
case(
    "weights-strings",
    [0, 1],
    [0.2, 0.3],
    sample_weight=["a", "b"],
    arg="sample_weight",
    wrong_type=True,
)
case(
    "weights-complex",
    [0, 1],
    [0.2, 0.3],
    sample_weight=np.array([1, 2], complex),
    arg="sample_weight",
    wrong_type=True,
)
case(
    "weights-scalar",
    [0, 1],
    [0.2, 0.3],
    sample_weight=2.0,
    arg="sample_weight",
    wrong_type=True,
)
case(
    "weights-0d-array",
    [0, 1],
    [0.2, 0.3],
    sample_weight=np.array(2.0),
    arg="sample_weight",
    wrong_type=True,
)

# ---- refusals: normalize
for _bad in (1, 0, 0.0, "yes", None, [True]):
    case(
        f"normalize-{_bad!r}",
        Y4,
        P4,
        metrics=LOG_LOSS_ONLY,
        normalize=_bad,
        arg="normalize",
        wrong_type=True,
    )

# ---- deliberate difference: multilabel indicator y_true
case("multilabel-two-positives", [[1, 1], [0, 1]], [[0.8, 0.2], [0.3, 0.7]])
case("multilabel-zero-row", [[0, 0], [0, 1]], [[0.8, 0.2], [0.3, 0.7]])
case("multilabel-3", [[1, 1, 0], [0, 1, 1]], [[0.3, 0.3, 0.4], [0.2, 0.3, 0.5]])
case("multilabel-array", np.array([[1, 0, 1], [0, 1, 0], [1, 0, 0]]), P3C[:3])
case("multilabel-dataframe", pd.DataFrame([[1, 1], [0, 1], [1, 0]]), [[0.5, 0.5]] * 3)


@pytest.mark.parametrize(("metric", "row"), CASES)
def test_catalogue(metric, row):
    y_true, y_proba, kwargs = row.y_true, row.y_proba, dict(row.kwargs)
    if row.prepare is not None:
        y_true, y_proba, kwargs = row.prepare(y_true, y_proba, kwargs)
    assert_parity(metric, y_true, y_proba, kwargs, arg=row.arg, wrong_type=row.wrong_type)


# --------------------------------------------------------------------------------------
# Large inputs (beyond any internal block size) and keyword calls
# --------------------------------------------------------------------------------------

N_LARGE = 300_000

LARGE = [
    # id, n_classes, one_d, dtype, weights, normalize
    ("binary-1d-float64", 2, True, np.float64, None, True),
    ("binary-1d-float64-weights", 2, True, np.float64, "float", True),
    ("binary-1d-float64-sum", 2, True, np.float64, None, False),
    ("binary-1d-float32", 2, True, np.float32, None, True),
    ("binary-1d-float32-weights32", 2, True, np.float32, "float32", True),
    ("binary-1d-float32-sum", 2, True, np.float32, None, False),
    ("binary-2d-float64-int-weights", 2, False, np.float64, "int", True),
    ("multiclass-float64", 4, False, np.float64, None, True),
    ("multiclass-float64-weights-sum", 4, False, np.float64, "float", False),
    ("multiclass-float32", 4, False, np.float32, "float", True),
    ("binary-1d-float64-extremes", 2, True, np.float64, "negative", True),
]


def _large_problem(n_classes, one_d, dtype, weights, seed):
    rng = np.random.default_rng(seed)
    y = rng.integers(0, n_classes, N_LARGE)
    p = rng.dirichlet(np.ones(n_classes), N_LARGE)
    if weights == "negative":  # extremes, plus a few negative weights
        p[::7] = np.round(p[::7])
        p[::11, 0] = 1e-300
        p[::11, 1] = 1 - 1e-300
    p = p.astype(dtype)
    y_proba = p[:, 1] if one_d else p
    w = {
        None: None,
        "float": rng.random(N_LARGE) * 3,
        "float32": (rng.random(N_LARGE) * 3).astype(np.float32),
        "int": rng.integers(0, 5, N_LARGE),
        "negative": rng.random(N_LARGE) * 3 - 0.2,
    }[weights]
    return y, y_proba, w


@pytest.mark.parametrize("metric", METRICS)
@pytest.mark.parametrize(
    ("n_classes", "one_d", "dtype", "weights", "normalize"),
    [pytest.param(*row[1:], id=row[0]) for row in LARGE],
)
def test_large_input(metric, n_classes, one_d, dtype, weights, normalize):
    y, y_proba, w = _large_problem(n_classes, one_d, dtype, weights, seed=n_classes)
    kwargs = {"sample_weight": w}
    if metric == "log_loss":
        kwargs["normalize"] = normalize
    rtol = RTOL_FLOAT64 if dtype == np.float64 else RTOL[np.dtype(dtype)]
    assert_parity(metric, y, y_proba, kwargs, rtol=rtol)


@pytest.mark.parametrize("metric", METRICS)
def test_large_string_labels_with_absent_class(metric):
    rng = np.random.default_rng(3)
    classes = np.array(["ant", "bee", "cat", "dog"])
    y = classes[rng.integers(0, 3, N_LARGE)]  # "dog" never occurs
    p = rng.dirichlet(np.ones(4), N_LARGE)
    assert_parity(metric, y, p, {"labels": list(classes)})


@pytest.mark.parametrize("metric", METRICS)
def test_y_proba_by_keyword(metric):
    # skbce's second argument is named y_proba (sklearn >= 1.9); sklearn's result is
    # computed positionally so that the comparison also runs with older sklearn.
    want = getattr(skm, metric)(Y4, P4, sample_weight=W4)
    got = getattr(skbce, metric)(y_true=Y4, y_proba=P4, sample_weight=W4)
    assert type(got) is float
    assert _close(metric, got, want, RTOL_FLOAT64, 0.0)


@pytest.mark.parametrize("metric", METRICS)
def test_options_are_keyword_only(metric):
    # sklearn refuses a third positional argument; so must skbce.
    with pytest.raises(TypeError):
        getattr(skm, metric)(Y4, P4, W4)
    with pytest.raises(TypeError):
        getattr(skbce, metric)(Y4, P4, W4)


# --------------------------------------------------------------------------------------
# Property tests over random valid inputs
# --------------------------------------------------------------------------------------

LABEL_SETS = {
    "int": [-3, 0, 2, 7],
    "str": ["ant", "bee", "cat", "dog"],
    "bool": [False, True],
    "float": [0.0, 1.0, 2.0, 10.0],
    "object": ["ant", "bee", "cat", "dog"],
}

PROBABILITY = st.one_of(
    st.floats(0.0, 1.0, allow_subnormal=False),
    st.sampled_from([0.0, 1.0, 1e-300, 1e-20, 1e-8, 0.5, 1 - 1e-12]),
)


def _as_y_true(values, kind, container):
    if kind == "object":
        arr = np.array(values, dtype=object)
    else:
        arr = np.array(values)
    if container == "list":
        return arr.tolist()
    if container == "series":
        return pd.Series(arr, index=np.arange(len(arr))[::-1] * 10)
    if container == "categorical" and kind != "object":
        return pd.Series(arr).astype("category")
    return arr


@st.composite
def problems(draw, *, metric, negative_weights=False, max_n=25):
    """A valid (y_true, y_proba, kwargs) triple, with the tolerance to use."""
    kind = draw(st.sampled_from(sorted(LABEL_SETS)))
    universe = LABEL_SETS[kind]
    n_total = draw(st.integers(2, len(universe)))
    classes = universe[:n_total]
    n = draw(st.integers(1, max_n))
    idx = draw(st.lists(st.integers(0, n_total - 1), min_size=n, max_size=n))
    use_labels = draw(st.booleans())
    present = sorted(set(idx))
    columns = list(range(n_total)) if use_labels else present
    k = len(columns)
    one_d = k == 2 and draw(st.booleans())

    dtype = draw(st.sampled_from([np.float64, np.float64, np.float32, np.float16]))
    raw = np.array(
        draw(st.lists(st.lists(PROBABILITY, min_size=k, max_size=k), min_size=n, max_size=n)),
        dtype=np.float64,
    ).reshape(n, k)
    raw[raw.sum(axis=1) == 0] = 1.0
    proba = raw / raw.sum(axis=1, keepdims=True)
    if draw(st.integers(0, 9)) == 0:  # now and then rows that do not sum to one
        proba = proba * draw(st.sampled_from([0.5, 0.9, 1.1]))
        proba = np.clip(proba, 0, 1)
    proba = proba.astype(dtype)
    y_proba = proba[:, 1] if one_d else proba

    # (pandas cannot even print float16 frames without a RuntimeWarning)
    containers = ["array", "list"] + (["pandas"] if dtype != np.float16 else [])
    p_container = draw(st.sampled_from(containers))
    if p_container == "list":
        y_proba = y_proba.tolist()
    elif p_container == "pandas":
        y_proba = pd.Series(y_proba) if one_d else pd.DataFrame(y_proba)

    y_container = draw(st.sampled_from(["array", "list", "series", "categorical"]))
    y_true = _as_y_true([classes[i] for i in idx], kind, y_container)

    kwargs = {}
    if use_labels:
        labels = list(classes)
        if draw(st.integers(0, 4)) == 0:  # now and then unsorted: UserWarning
            labels = draw(st.permutations(labels))
        kwargs["labels"] = np.array(labels, dtype=object) if kind == "object" else labels

    weights = draw(st.sampled_from(["none", "float", "int", "float32", "zeros"]))
    if negative_weights:
        weights = "signed"
    if weights == "float":
        w = draw(st.lists(st.floats(1e-3, 10.0), min_size=n, max_size=n))
    elif weights == "int":
        w = draw(st.lists(st.integers(0, 5), min_size=n, max_size=n))
    elif weights == "float32":
        w = np.array(
            draw(st.lists(st.floats(1e-3, 10.0), min_size=n, max_size=n)),
            dtype=np.float32,
        )
    elif weights == "zeros":  # some zero weights, maybe all
        w = draw(st.lists(st.sampled_from([0.0, 0.0, 1.0, 2.5]), min_size=n, max_size=n))
    elif weights == "signed":  # integer-valued, so that sums are exact
        w = [float(v) for v in draw(st.lists(st.integers(-5, 5), min_size=n, max_size=n))]
    else:
        w = None
    if w is not None:
        kwargs["sample_weight"] = w
    if metric == "log_loss" and draw(st.booleans()):
        kwargs["normalize"] = draw(st.sampled_from([True, False, np.False_]))
    return y_true, y_proba, kwargs


def _signed_weights_atol(y_true, y_proba, kwargs, rtol):
    """Absolute tolerance for signed weights: scale of the sum of |w_i| * loss_i."""
    w = np.asarray(kwargs["sample_weight"], dtype=float)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            scale = skm.log_loss(
                y_true,
                y_proba,
                normalize=False,
                sample_weight=np.abs(w),
                labels=kwargs.get("labels"),
            )
        except Exception:  # noqa: BLE001 - sklearn will refuse the input anyway
            return 0.0
    if kwargs.get("normalize", True):
        total = abs(w.sum())
        scale = scale / total if total else 0.0
    return 4 * rtol * scale


@pytest.mark.parametrize("metric", METRICS)
@settings(HYPOTHESIS, max_examples=100)
@given(data=st.data())
def test_random_valid_inputs(metric, data):
    y_true, y_proba, kwargs = data.draw(problems(metric=metric))
    assert_parity(metric, y_true, y_proba, kwargs)


@settings(HYPOTHESIS, max_examples=100)
@given(data=st.data())
def test_random_signed_weights(data):
    y_true, y_proba, kwargs = data.draw(problems(metric="log_loss", negative_weights=True))
    atol = _signed_weights_atol(y_true, y_proba, kwargs, _rtol(y_proba))
    assert_parity("log_loss", y_true, y_proba, kwargs, atol=atol)


@st.composite
def one_hot_problems(draw):
    n = draw(st.integers(1, 20))
    k = draw(st.integers(2, 5))
    idx = draw(st.lists(st.integers(0, k - 1), min_size=n, max_size=n))
    y = np.eye(k, dtype=draw(st.sampled_from([int, bool, float])))[idx]
    raw = draw(hnp.arrays(np.float64, (n, k), elements=PROBABILITY))
    raw[raw.sum(axis=1) == 0] = 1.0
    p = raw / raw.sum(axis=1, keepdims=True)
    kwargs = {}
    if draw(st.booleans()):
        kwargs["sample_weight"] = draw(st.lists(st.floats(0.1, 5.0), min_size=n, max_size=n))
    y_true = pd.DataFrame(y) if draw(st.booleans()) else y
    return y_true, p, kwargs


@pytest.mark.parametrize("metric", METRICS)
@HYPOTHESIS
@given(problem=one_hot_problems())
def test_random_one_hot_y_true(metric, problem):
    y_true, y_proba, kwargs = problem
    assert_parity(metric, y_true, y_proba, kwargs)


@st.composite
def multilabel_problems(draw):
    n = draw(st.integers(2, 12))
    k = draw(st.integers(2, 4))
    y = draw(hnp.arrays(np.int64, (n, k), elements=st.integers(0, 1)))
    assume(not np.all(y.sum(axis=1) == 1))
    assume(type_of_target(y) == "multilabel-indicator")
    p = np.full((n, k), 1.0 / k)
    return y, p


@pytest.mark.parametrize("metric", METRICS)
@settings(HYPOTHESIS, max_examples=20)
@given(problem=multilabel_problems())
def test_random_multilabel_is_refused(metric, problem):
    y_true, y_proba = problem
    # sklearn returns a number here (the premise of the deliberate difference) ...
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            value = getattr(skm, metric)(y_true, y_proba)
        except ZeroDivisionError:  # d2 of an all-zero indicator
            value = math.nan
    assume(math.isfinite(value))
    # ... and skbce refuses it, pointing to binary_cross_entropy.
    with pytest.raises(ValueError, match="binary_cross_entropy"):
        getattr(skbce, metric)(y_true, y_proba)


@pytest.mark.parametrize("metric", METRICS)
@HYPOTHESIS
@given(
    n=st.integers(1, 40),
    seed=st.integers(0, 2**32 - 1),
    layout=st.sampled_from(["strided", "reversed", "fortran", "readonly"]),
)
def test_random_memory_layouts(metric, n, seed, layout):
    rng = np.random.default_rng(seed)
    y = rng.integers(0, 3, n)
    p = rng.dirichlet(np.ones(3), n)
    kwargs = {"sample_weight": rng.random(n)}
    prepare = {
        "strided": _prepare_strided,
        "reversed": _prepare_reversed,
        "fortran": _prepare_fortran,
        "readonly": _prepare_readonly,
    }[layout]
    y, p, kwargs = prepare(y, p, kwargs)
    assert_parity(metric, y, p, kwargs)


# --- issue #11 item 14: the remaining differences, with sklearn as the oracle -------------


def _outcome(func, *args, **kwargs):
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", UserWarning)
            return func(*args, **kwargs), None
    except Exception as exc:  # noqa: BLE001 - the oracle's outcome, whatever it is
        return None, exc


@pytest.mark.parametrize(
    ("metric", "args"),
    [
        ("log_loss", (sp.csr_matrix([[0], [1]]), [0.2, 0.7])),
        ("log_loss", ([0, 1], sp.csr_matrix([[0.2], [0.7]]))),
        ("d2_log_loss_score", ([0, 1, 1], sp.csr_matrix([[0.2], [0.7], [0.6]]))),
        ("brier_score_loss", ([0, 1], sp.csr_matrix([[0.2], [0.7]]))),
        ("brier_score_loss", (sp.csr_matrix([[0], [1]]), [0.2, 0.7])),
    ],
    ids=["log_loss-y_true", "log_loss-y_proba", "d2-y_proba", "brier-y_proba", "brier-y_true"],
)
def test_sparse_inputs_raise_an_error_that_is_both_value_and_type_error(metric, args):
    _, expected = _outcome(getattr(skm, metric), *args)
    assert isinstance(expected, ValueError) and isinstance(expected, TypeError)
    with pytest.raises(ValueError, match="y_true|y_proba") as info:
        getattr(skbce, metric)(*args)
    assert isinstance(info.value, TypeError)


BRIER_CASES = [
    ("strings-no-pos_label", ["a", "b", "a"], [0.2, 0.7, 0.1], {}),
    ("strings-pos_label", ["a", "b", "a"], [0.2, 0.7, 0.1], {"pos_label": "a"}),
    ("pos_label-2-on-01", [0, 1, 0], [0.2, 0.7, 0.1], {"pos_label": 2}),
    ("single-class-2", [2, 2, 2], [0.2, 0.7, 0.1], {}),
    ("single-class-0", [0, 0, 0], [0.2, 0.7, 0.1], {}),
    ("minus-one-one", [-1, 1, -1], [0.2, 0.7, 0.1], {}),
    ("labels-5", [0, 1, 0], [0.2, 0.7, 0.1], {"labels": 5}),
    ("float32", [0, 1, 0, 1], np.float32([0.2, 0.7, 0.1, 0.33]), {}),
    ("float16", [0, 1, 0, 1], np.float16([0.2, 0.7, 0.1, 0.33]), {}),
    ("float32-weighted", [0, 1, 0, 1], np.float32([0.2, 0.7, 0.1, 0.33]),
     {"sample_weight": [1.0, 2.0, 3.0, 0.5]}),
    ("float16-multiclass", [0, 1, 2, 1],
     np.float16([[0.2, 0.7, 0.1], [0.3, 0.3, 0.4], [0.1, 0.1, 0.8], [0.5, 0.25, 0.25]]), {}),
    ("float32-multiclass", [0, 1, 2, 1],
     np.float32([[0.2, 0.7, 0.1], [0.3, 0.3, 0.4], [0.1, 0.1, 0.8], [0.5, 0.25, 0.25]]), {}),
]  # fmt: skip


@pytest.mark.parametrize("case", BRIER_CASES, ids=[c[0] for c in BRIER_CASES])
def test_brier_score_loss_agrees_with_sklearn(case):
    _, y, p, kwargs = case
    expected, error = _outcome(skm.brier_score_loss, y, p, **kwargs)
    if error is not None:
        allowed = (ValueError, TypeError) if isinstance(error, TypeError) else ValueError
        with pytest.raises(allowed):
            skbce.brier_score_loss(y, p, **kwargs)
        return
    got = skbce.brier_score_loss(y, p, **kwargs)
    assert got == pytest.approx(expected, rel=1e-9)


def _warned(call):
    """``(value or exception type, whether a UserWarning was given)`` of ``call``."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            value = call()
        except (ValueError, TypeError):
            value = ValueError
    return value, any(issubclass(c.category, UserWarning) for c in caught)


P3 = [[0.2, 0.5, 0.3], [0.1, 0.7, 0.2], [0.3, 0.6, 0.1]]


@pytest.mark.parametrize(
    ("labels", "y", "proba", "expected"),
    [
        ([[0, 1]], [0, 1, 1], [0.2, 0.7, 0.6], "same"),
        ([[1, 0]], [0, 1, 1], [0.2, 0.7, 0.6], "same"),
        ([[0, 1], [1, 0]], [0, 1, 1], [0.2, 0.7, 0.6], "same"),
        ([[0.0, 1.0]], [0, 1, 1], [0.2, 0.7, 0.6], "same"),
        ([[True, False]], [0, 1, 1], [0.2, 0.7, 0.6], "same"),
        (np.array([[0], [1]]), [0, 1, 1], [0.2, 0.7, 0.6], "same"),
        (np.array([["a"], ["b"]]), ["a", "b", "b"], [0.2, 0.7, 0.6], "same"),
        ([[0, 1, 0]], [0, 1, 1], P3, "same"),
        ([[0, 1, 0]], [0, 1, 1], [0.2, 0.7, 0.6], "same"),  # both refuse: 3 classes, 2 columns
        ([[0.5, 1.0]], [0, 1, 1], [0.2, 0.7, 0.6], "same"),  # both refuse: not an indicator
        ([[[0, 1]]], [0, 1, 1], [0.2, 0.7, 0.6], "same"),
        (np.zeros((0, 2)), [0, 1, 1], [0.2, 0.7, 0.6], "same"),
        # scikit-learn fails with "unhashable type: 'list'" (its message about labels
        # missing from ``labels`` builds a set of the rows); skbce gives the value of
        # the classes the indicator declares
        ([[0, 1, 0]], [0, 1, 2], P3, [0, 1, 2]),
        ([[0, 0]], [0, 1, 1], [0.2, 0.7, 0.6], [0, 1]),
        # scikit-learn takes any two integers for an indicator and scores 2 as the
        # negative class of the classes [0, 1]; skbce refuses the label 2
        ([[1, 2]], [1, 2, 2], [0.2, 0.7, 0.6], "refused"),
        # nested lists of one column: scikit-learn fails ("unhashable type"), skbce refuses
        ([[0], [1]], [0, 1, 1], [0.2, 0.7, 0.6], "refused"),
    ],
)
def test_log_loss_with_labels_of_two_dimensions(labels, y, proba, expected):
    # scikit-learn reads a 2-D labels as a target: an indicator matrix of c
    # columns declares the classes 0 .. c - 1, an (m, 1) array holds labels
    got, warned = _warned(lambda: skbce.log_loss(y, proba, labels=labels))
    if expected == "same":
        expected, sklearn_warned = _warned(lambda: skm.log_loss(y, proba, labels=labels))
        assert warned == sklearn_warned
    elif expected != "refused":
        expected = skm.log_loss(y, proba, labels=expected)
    if expected in (ValueError, "refused"):
        with warnings.catch_warnings(), pytest.raises(ValueError, match="labels"):
            warnings.simplefilter("ignore")
            skbce.log_loss(y, proba, labels=labels)
        return
    assert got == pytest.approx(expected, rel=1e-12)


@pytest.mark.parametrize(
    "weights",
    [
        [0.1, 0.1, -0.1, 0.2],
        [0.1, 0.2, -0.1, 0.3],
        [1.0, -1.0, -1.0, 1.0],
        [0.3, -0.3, 0.3, 0.3],
        [-1.0, -2.0, -1.0, -3.0],
    ],
    ids=["class0-0.1-0.1", "class0-0.1-0.1b", "all-sum-zero", "class1-zero", "negative"],
)
def test_d2_with_weights_summing_to_zero_raises_as_sklearn(weights):
    # A class present in y_true whose weights sum to zero has prior 0: the null
    # model's loss is 0 * inf. sklearn raises ZeroDivisionError when its rounding
    # gives exactly 0, and returns a meaningless ~1e15 otherwise (a documented
    # difference: skbce raises in both cases).
    y, p = [0, 1, 0, 1], [0.2, 0.7, 0.4, 0.6]
    expected, error = _outcome(skm.d2_log_loss_score, y, p, sample_weight=weights)
    if error is not None or abs(expected) > 1e10:
        with pytest.raises(ValueError, match="sample_weight"):
            skbce.d2_log_loss_score(y, p, sample_weight=weights)
    else:
        got = skbce.d2_log_loss_score(y, p, sample_weight=weights)
        assert got == pytest.approx(expected, rel=1e-9)
