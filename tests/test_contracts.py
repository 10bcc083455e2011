"""The contract of every public function and class of skbce, over adversarial inputs (issue #11).

For every call, whatever the input (shapes, dtypes, NaN/inf/subnormals, extreme probabilities,
logits and weights, labels of every kind, options of every type):

- the only exceptions are ``ValueError`` / ``TypeError`` whose message names an argument of the
  call;
- a result holds no NaN or inf unless the docstring says when (``clip=None``, an
  ``UndefinedMetricWarning``, a report's ``RuntimeWarning`` kept in its notes, empty bins);
- inputs are never modified (compared with snapshots taken before the call; ndarrays are sometimes
  passed read-only, which must work too);
- warnings are only of the documented kinds, and never numpy's own ("overflow encountered in ...").

Streaming states also keep their other promises: a refused update or merge leaves the state exactly
as it was, and the result equals the one-shot function on the accepted data.
"""

import functools
import inspect
import math
import re
import tempfile
import warnings
from pathlib import Path

import numpy as np
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from sklearn.exceptions import UndefinedMetricWarning
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import KFold
from sklearn.svm import LinearSVC

import skbce

PUBLIC = [name for name in skbce.__all__ if name != "__version__"]


def contract_settings(max_examples):
    """Deterministic, database-free hypothesis settings (the same examples on every run).

    No shrinking: a failure's message already shows the whole call, and shrinking many failing
    examples would take minutes.
    """
    return settings(
        max_examples=max_examples,
        phases=(Phase.explicit, Phase.generate),
        report_multiple_bugs=False,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=list(HealthCheck),
    )


# --------------------------------------------------------------------------------------------
# The contract of one call


def violation(message):
    """Report a broken contract (a function, so that a driver can collect instead of raise)."""
    raise AssertionError(message)


NUMPY_WARNING = re.compile(
    r"encountered in|Mean of empty slice|Degrees of freedom|divide by zero|invalid value"
)


def snapshot(x, depth=0):
    """A comparable picture of a value, its contents and (for objects) its attributes."""
    if depth > 4:
        return ("deep", id(x))
    if isinstance(x, np.ndarray):
        body = [snapshot(v, depth + 1) for v in x.ravel().tolist()] if x.dtype == object else None
        return ("ndarray", x.dtype.str, x.shape, x.tobytes() if body is None else body)
    if isinstance(x, list | tuple):
        return (type(x).__name__, [snapshot(v, depth + 1) for v in x])
    if isinstance(x, dict):
        return ("dict", [(repr(k), snapshot(v, depth + 1)) for k, v in x.items()])
    if isinstance(x, float):
        return ("float", repr(x))
    if isinstance(x, int | str | bytes | bool | complex | type(None) | np.generic):
        return (type(x).__name__, repr(x))
    if hasattr(x, "__dict__") and not inspect.isroutine(x) and not inspect.isclass(x):
        items = sorted(vars(x).items())
        return ("object", id(x), [(k, id(v), snapshot(v, depth + 1)) for k, v in items])
    return ("other", id(x))


def argument_names(fn, args, kwargs):
    """The parameters of a call: every named parameter of ``fn`` (defaulted ones included, as a
    default can be what is wrong) and the keys given to its ``**`` parameter."""
    names = set(kwargs)
    try:
        sig = inspect.signature(fn)
        bound = sig.bind_partial(*args, **kwargs)
    except (TypeError, ValueError):
        return names
    for name, param in sig.parameters.items():
        if param.kind is inspect.Parameter.VAR_KEYWORD:
            names |= set(bound.arguments.get(name, {}))
        elif param.kind is not inspect.Parameter.VAR_POSITIONAL:
            names.add(name)
    names.discard("self")
    return names


def short_repr(x, limit=160):
    text = f"np.array({x.tolist()!r}, {x.dtype.str!r})" if isinstance(x, np.ndarray) else repr(x)
    return text if len(text) <= limit else text[: limit - 3] + "..."


def call_repr(fn, args, kwargs):
    parts = [short_repr(a) for a in args] + [f"{k}={short_repr(v)}" for k, v in kwargs.items()]
    return f"{getattr(fn, '__qualname__', fn)}({', '.join(parts)})"


class Outcome:
    """What a call did: its result or its (accepted) error, and the warnings it gave."""

    def __init__(self, result, error, caught, text):
        self.result, self.error, self.caught, self.text = result, error, caught, text

    def warned(self, category):
        return [w for w in self.caught if issubclass(w.category, category)]


def names_one(message, names):
    """Whether a message names one of the arguments (as a whole word, in any case)."""
    return any(re.search(rf"(?<![A-Za-z0-9]){re.escape(n)}(?![A-Za-z0-9])", message, re.IGNORECASE)
               for n in names)


ESTIMATOR_METHODS = {"fit", "predict_proba", "decision_function", "predict", "split"}


def raised_by_estimator(exc):
    """Whether an error comes from a scikit-learn estimator's (or splitter's) own method."""
    tb = exc.__traceback__
    while tb is not None:
        code = tb.tb_frame.f_code
        if code.co_name in ESTIMATOR_METHODS and "sklearn" in code.co_filename:
            return True
        tb = tb.tb_next
    return False


def check_call(fn, *args, allowed_warnings=(), extra_names=(), any_message=False, mutable=(),
               **kwargs):
    """Call ``fn`` and check the contract; return the Outcome.

    ``any_message`` accepts any ValueError/TypeError (calls without arguments, whose result is
    checked otherwise); ``mutable`` names keyword arguments the call may change (an Axes).
    """
    text = call_repr(fn, args, kwargs)
    names = argument_names(fn, args, kwargs) | set(extra_names)
    frozen = {k: v for k, v in kwargs.items() if k not in mutable}
    before = snapshot((args, frozen))
    result = error = None
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            result = fn(*args, **kwargs)
        except (ValueError, TypeError) as exc:
            error = exc
            message = str(exc)
            if not (any_message or raised_by_estimator(exc) or names_one(message, names)):
                violation(f"{text} raised {type(exc).__name__} naming none of {sorted(names)}: "
                          f"{message!r}")
        except Exception as exc:  # noqa: BLE001 - every other exception breaks the contract
            violation(f"{text} raised {type(exc).__name__}: {exc!r}")
    if snapshot((args, frozen)) != before:
        violation(f"{text} modified its input")
    for w in caught:
        if NUMPY_WARNING.search(str(w.message)) or not issubclass(w.category, allowed_warnings):
            violation(f"{text} warned {w.category.__name__}: {w.message}")
    return Outcome(result, error, list(caught), text)


def nonfinite(x, path="result", depth=0):
    """Paths of the NaN or infinite numbers in a result (floats, arrays, dicts, sequences)."""
    if depth > 6:
        return []
    if isinstance(x, bool | np.bool_):
        return []
    if isinstance(x, float | np.floating | complex | np.complexfloating):
        return [] if np.isfinite(x) else [f"{path}={x}"]
    if isinstance(x, np.ndarray):
        if x.dtype.kind in "fc" and not np.isfinite(x).all():
            return [f"{path}[{np.flatnonzero(~np.isfinite(x.ravel())).tolist()}]"]
        if x.dtype == object:
            return [p for i, v in enumerate(x.ravel()) for p in nonfinite(v, f"{path}[{i}]", depth)]
        return []
    if isinstance(x, dict):
        return [p for k, v in x.items() for p in nonfinite(v, f"{path}[{k!r}]", depth + 1)]
    if isinstance(x, tuple) and hasattr(x, "_fields"):
        return [p for k in x._fields for p in nonfinite(getattr(x, k), f"{path}.{k}", depth + 1)]
    if isinstance(x, list | tuple):
        return [p for i, v in enumerate(x) for p in nonfinite(v, f"{path}[{i}]", depth + 1)]
    return []


def require_finite(outcome, allowed=False, why=""):
    bad = nonfinite(outcome.result)
    if bad and not allowed:
        violation(f"{outcome.text} returned non-finite values {bad[:4]} {why}".rstrip())


# --------------------------------------------------------------------------------------------
# Inputs

PROBS = [0.0, 1.0, 0.5, 0.2, 0.9, 1e-300, 5e-324, 2.2250738585072014e-308, 1 - 1e-16, 1e-8]
BAD_PROBS = [math.nan, math.inf, -math.inf, -0.1, 1.1, -5e-324]
LOGITS = [0.0, 1.5, -2.0, 36.0, -40.0, 800.0, -800.0, 1e308, -1e308, 1.7976931348623157e308,
          -1.7976931348623157e308, 5e-324]
LABEL_SETS = [
    [0, 1], [0, 1], [0, -1], [1, 2], ["a", "b"], [True, False], [0.0, 1.0], [0, "a"], [1],
    ["spam"], [0, 1, 2], ["x", "y", "z"], [0.0, 0.3, 1.0], [-1, 1], [np.int8(0), np.int8(1)],
]
DTYPES = ["keep", "keep", "keep", "object", "bool", "int8", "int16", "int32", "int64", "uint8",
          "uint64", "float16", "float32", "float64", "complex128", "str", "datetime64[s]"]
JUNK = [None, True, False, 0, 1, -1, 2, 0.5, -0.5, 1.5, math.nan, math.inf, -math.inf, 1e-300,
        1e300, 10**12, 2**70, "", "x", "auto", b"x", [1], [0, 1], (), {}, {"a": 1}, 1j,
        np.float32(0.25), np.int64(3), np.array([0.5]), np.bool_(True), object()]
WEIGHT_SCALES = [1e-300, 1e-170, 1e-10, 1.0, 3.0, 1e10, 1e170, 1e300, 1e308]


def as_container(draw, values, shape=None):
    """Values as a list, a tuple or an ndarray of some dtype (read-only at times)."""
    form = draw(st.sampled_from(["list", "array", "array", "array", "tuple"]))
    if form == "list":
        return list(values) if shape is None else np.asarray(values, dtype=object).tolist()
    if form == "tuple":
        return tuple(values) if shape is None else values
    dtype = draw(st.sampled_from(DTYPES))
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            arr = np.asarray(values) if dtype == "keep" else np.asarray(values).astype(dtype)
    except (ValueError, TypeError, OverflowError):
        arr = np.asarray(values, dtype=object)
    if draw(st.booleans()):
        arr.setflags(write=False)
    return arr


@st.composite
def labels(draw, n, label_set=None):
    label_set = draw(st.sampled_from(LABEL_SETS)) if label_set is None else label_set
    return draw(st.lists(st.sampled_from(label_set), min_size=n, max_size=n))


@st.composite
def scores(draw, n, width=None, pool=None):
    pool = pool or draw(st.sampled_from([PROBS, PROBS, PROBS, LOGITS, PROBS + BAD_PROBS]))
    cells = n if width is None else n * width
    values = draw(st.lists(st.sampled_from(pool), min_size=cells, max_size=cells))
    return values if width is None else [values[i * width:(i + 1) * width] for i in range(n)]


@st.composite
def weights(draw, n):
    kind = draw(st.sampled_from(["none", "none", "scale", "scale", "scale", "zeros", "negative",
                                 "nan", "inf", "short", "2d", "bool", "str", "cancel"]))
    scale = draw(st.sampled_from(WEIGHT_SCALES))
    if kind == "none":
        return None
    w = draw(st.lists(st.sampled_from([0.0, 0.5, 1.0, 2.0, 7.0]), min_size=n, max_size=n))
    w = [v * scale for v in w]
    w = {
        "scale": w, "zeros": [0.0] * n, "negative": [-v - 1.0 for v in w],
        "nan": w[:-1] + [math.nan] if n else [math.nan], "inf": [math.inf] * n,
        "short": w[:-1], "2d": [[v] for v in w], "bool": [True] * n, "str": ["1"] * n,
        "cancel": [scale, -scale] * (n // 2) + [0.0] * (n % 2),
    }[kind]
    return as_container(draw, w)


@st.composite
def binary_inputs(draw, max_width=3):
    """(y_true, y_score, sample_weight, n) of mostly binary, sometimes broken, shapes."""
    n = draw(st.sampled_from([0, 1, 2, 3, 4, 6, 8]))
    shape = draw(st.sampled_from(["1d"] * 8 + ["col", "two", "three", "0d", "ragged", "short"]))
    y = draw(labels(n))
    if shape == "0d":
        return y[0] if y else 1, draw(st.sampled_from(PROBS)), None, n
    if shape in ("col", "two", "three"):
        width = {"col": 1, "two": 2, "three": min(3, max_width)}[shape]
        s = draw(scores(n, width))
        if shape != "col" and draw(st.booleans()):  # multilabel indicator targets
            y = draw(labels(n * width, [0, 1]))
            y = [y[i * width:(i + 1) * width] for i in range(n)]
    else:
        s = draw(scores(n))
        if shape == "ragged" and n:
            s = [s[:1], s[1:]] if n > 2 else [[v, v] if i else [v] for i, v in enumerate(s)]
        if shape == "short":
            s = s[:-1]
    return as_container(draw, y), as_container(draw, s), draw(weights(n)), n


def option(valid):
    """A valid value of an option, or a junk one of any type."""
    return st.one_of(st.sampled_from(valid), st.sampled_from(valid), st.sampled_from(JUNK))


@st.composite
def options(draw, spec):
    """Keyword options drawn from ``{name: [valid values]}``, each sometimes left out."""
    return {k: draw(option(v)) for k, v in spec.items() if draw(st.integers(0, 2))}


def max_magnitude(*arrays):
    """The largest finite magnitude in some inputs (0 when none is numeric)."""
    top = 0.0
    for a in arrays:
        try:
            v = np.abs(np.asarray(a, dtype=float))
        except (ValueError, TypeError):
            continue
        v = v[np.isfinite(v)]
        top = max(top, float(v.max()) if v.size else 0.0)
    return top


def result_dtype_max(result):
    dtype = getattr(result, "dtype", np.dtype(float))
    return float(np.finfo(dtype).max) if dtype.kind == "f" else float(np.finfo(float).max)


# --------------------------------------------------------------------------------------------
# Losses

BCE_OPTIONS = {
    "from_logits": [False, True], "pos_label": [None, 1, 0, -1, "a", "b", True, 2],
    "pos_weight": [None, 1.0, 3.0, 0.0, [1.0, 2.0]], "label_smoothing": [0.0, 0.1, 1.0],
    "clip": ["dtype", None, 1e-7, 1e-50, 0.0, 0.5], "reduction": ["mean", "sum", "none"],
}


def overflow_possible(outcome, y_score, weight, reduction):
    """Whether a sum (or a weighted term) may exceed the result dtype's range: inf is right."""
    if reduction == "mean":
        return False
    bound = (max_magnitude(y_score) + 40.0) * max(max_magnitude(weight), 1.0) * 10.0
    return bound >= result_dtype_max(outcome.result) / 16


@contract_settings(120)
@given(binary_inputs(), options(BCE_OPTIONS))
def test_binary_cross_entropy(data, opts):
    y, s, w, _ = data
    out = check_call(skbce.binary_cross_entropy, y, s, sample_weight=w,
                     allowed_warnings=(RuntimeWarning,), **opts)
    if out.error is not None:
        return
    documented_inf = opts.get("clip", "dtype") is None and not opts.get("from_logits", False)
    if documented_inf and nonfinite(out.result) and not any(
        re.search(r"\d", str(x.message)) for x in out.warned(RuntimeWarning)
    ):
        violation(f"{out.text}: an infinite loss without a warning that counts the samples")
    allowed = documented_inf or overflow_possible(out, s, w, opts.get("reduction", "mean"))
    require_finite(out, allowed)


@contract_settings(100)
@given(binary_inputs(), options({"normalize": [True, False],
                                 "labels": [None, [0, 1], ["a", "b"], [0, 1, 2], [2, 1, 0], [1]]}))
def test_log_loss(data, opts):
    y, s, w, _ = data
    out = check_call(skbce.log_loss, y, s, sample_weight=w, allowed_warnings=(UserWarning,),
                     **opts)
    if out.error is None:
        require_finite(out, overflow_possible(out, s, w, "mean" if opts.get("normalize", 1)
                                              else "sum"))


@contract_settings(80)
@given(binary_inputs(), options({"pos_label": [None, 1, 0, "a", 2, True],
                                 "labels": [None, [0, 1], ["a", "b"], [0, 1, 2]],
                                 "scale_by_half": ["auto", True, False]}))
def test_brier_score_loss(data, opts):
    y, s, w, _ = data
    out = check_call(skbce.brier_score_loss, y, s, sample_weight=w, **opts)
    if out.error is None:
        require_finite(out)


@contract_settings(80)
@given(binary_inputs(), options({"labels": [None, [0, 1], ["a", "b"], [0, 1, 2]]}))
def test_d2_log_loss_score(data, opts):
    y, s, w, _ = data
    out = check_call(skbce.d2_log_loss_score, y, s, sample_weight=w,
                     allowed_warnings=(UndefinedMetricWarning, UserWarning), **opts)
    if out.error is None:
        require_finite(out, bool(out.warned(UndefinedMetricWarning)),
                       "without an UndefinedMetricWarning")


@contract_settings(80)
@given(binary_inputs(), options({"baseline": [None, 0.3, 0.5, 1e-300, 1 - 1e-16],
                                 "pos_label": [None, 1, 0, "a"], "from_logits": [False, True]}))
def test_normalized_cross_entropy(data, opts):
    y, s, w, _ = data
    out = check_call(skbce.normalized_cross_entropy, y, s, sample_weight=w, **opts)
    if out.error is None:
        require_finite(out)


@contract_settings(80)
@given(binary_inputs(), options({"pos_weight": [None, 1.0, 3.0, [1.0, 2.0]]}))
def test_bce_gradient_hessian(data, opts):
    y, s, w, _ = data
    out = check_call(skbce.bce_gradient_hessian, y, s, sample_weight=w, **opts)
    if out.error is None:
        require_finite(out, max_magnitude(w) * 10 * (1 + max_magnitude(opts.get("pos_weight")))
                       >= np.finfo(float).max / 16)


@contract_settings(80)
@given(binary_inputs(), options({k: BCE_OPTIONS[k] for k in ("from_logits", "pos_label", "clip")}),
       st.sampled_from(JUNK + [0, 1, 3, 100]))
def test_log_loss_breakdown(data, opts, k):
    y, s, w, _ = data
    out = check_call(skbce.log_loss_breakdown, y, s, sample_weight=w,
                     allowed_warnings=(RuntimeWarning,), **opts)
    if out.error is not None:
        return
    table = out.result
    documented_inf = opts.get("clip", "dtype") is None and not opts.get("from_logits", False)
    total = check_call(lambda: table.total)
    require_finite(total, documented_inf)
    check_call(str, table)
    check_call(table.to_frame)
    worst = check_call(table.worst, k)
    if worst.error is None:
        check_call(str, worst.result)


# --------------------------------------------------------------------------------------------
# Calibration report

REPORT_OPTIONS = {
    "pos_label": [None, 1, 0, "a", True], "from_logits": [False, True],
    "n_bins": [1, 2, 3, 10, 10**12], "strategy": ["uniform", "quantile", [0.0, 0.5, 1.0],
                                                   [0.0, 0.5, 0.5, 1.0], [0.2, 0.1]],
    "confidence_level": [0.95, 0.5, 1e-300, 1 - 1e-16], "baseline": [None, 0.3, [0.2, 0.3, 0.5]],
    "per_class": [False, True], "n_resamples": [0, 1, 7, -1, 2.5, True, None],
    "random_state": [None, 0, 12345, np.random.RandomState(0), "seed"],
}


def check_report(out):
    """A successful report: non-finite numbers only where the report says why."""
    if out.error is not None:
        return
    report = out.result
    d = check_call(report.to_dict).result
    bad = [p for p in nonfinite(d) if not p.startswith(("result['reliability']",
                                                          "result['per_class']"))]
    if report.n_resamples == 0:  # documented: no bootstrap bounds, no p-value of the CORP test
        bad = [p for p in bad if not p.startswith(("result['intervals']",
                                                    "result['corp_test']"))]
    explained = [w for w in out.warned(RuntimeWarning) if str(w.message) in report.notes]
    if bad and not explained:
        violation(f"{out.text}: non-finite {bad[:4]} without a RuntimeWarning kept in notes")
    for method in (str, lambda r: r.to_markdown(), lambda r: r.to_frame()):
        check_call(method, report, allowed_warnings=(RuntimeWarning,))


@contract_settings(100)
@given(binary_inputs(), options(REPORT_OPTIONS))
def test_calibration_report(data, opts):
    y, s, w, _ = data
    out = check_call(skbce.calibration_report, y, s, sample_weight=w,
                     allowed_warnings=(RuntimeWarning,), **opts)
    check_report(out)


@contract_settings(20)
@given(st.sampled_from([1e-300, 1e-170, 1e-10, 3.0, 1e10, 1e170, 1e300]), st.integers(0, 2**32 - 1))
def test_calibration_report_weights_are_scale_free(scale, seed):
    rng = np.random.default_rng(seed)
    y = np.r_[0, 1, rng.integers(0, 2, 30)]
    p = rng.uniform(0.01, 0.99, y.size)
    w = rng.choice([0.5, 1.0, 2.0], y.size)
    ref = skbce.calibration_report(y, p, sample_weight=w, n_bins=3)
    out = check_call(skbce.calibration_report, y, p, sample_weight=w * scale, n_bins=3,
                     allowed_warnings=(RuntimeWarning,))
    if out.error is not None:
        violation(f"{out.text} refused weights scaled by {scale}: {out.error}")
    for key in ("log_loss", "brier_score", "ece", "roc_auc", "smooth_ece", "d2_log_loss_score"):
        got, want = getattr(out.result, key), getattr(ref, key)
        if not math.isclose(got, want, rel_tol=1e-9, abs_tol=1e-12):
            violation(f"{out.text}: {key} = {got} with weights scaled by {scale}, {want} unscaled")


@functools.cache
def fitted(kind):
    """Small fitted classifiers, one per kind of labels."""
    rng = np.random.default_rng(0)
    X = rng.normal(size=(40, 2))
    y = {"binary": (X[:, 0] > 0).astype(int), "strings": np.where(X[:, 0] > 0, "b", "a"),
         "minus": np.where(X[:, 0] > 0, 0, -1), "three": np.digitize(X[:, 0], [-0.5, 0.5])}
    base = kind.split("-")[0]
    model = LinearSVC() if kind.endswith("svc") else LogisticRegression()
    return model.fit(X, y[base]), X, y[base]


ESTIMATORS = ["binary", "strings", "minus", "three", "binary-svc", "three-svc"]


@st.composite
def estimator_inputs(draw):
    est, X, y = fitted(draw(st.sampled_from(ESTIMATORS)))
    n = draw(st.sampled_from([0, 1, 2, 5, 12, 40]))
    how = draw(st.sampled_from(["same"] * 4 + ["relabel", "one-class", "nan-X", "short-y"]))
    X, y = X[:n].copy(), y[:n].copy()
    if how == "relabel":
        y = np.asarray(draw(labels(n)), dtype=object)
    elif how == "one-class":
        y = y[:1].repeat(n)
    elif how == "nan-X" and n:
        X[0, 0] = np.nan
    elif how == "short-y":
        y = y[:-1]
    return est, X, y, draw(weights(n))


@contract_settings(40)
@given(estimator_inputs(), options({k: REPORT_OPTIONS[k] for k in ("pos_label", "n_bins")}
                                   | {"response_method": ["auto", "predict_proba",
                                                          "decision_function"]}))
def test_calibration_report_from_estimator(data, opts):
    est, X, y, w = data
    out = check_call(skbce.CalibrationReport.from_estimator, est, X, y, sample_weight=w,
                     allowed_warnings=(RuntimeWarning,), **opts)
    check_report(out)


@contract_settings(15)
@given(estimator_inputs(),
       options({"cv": [2, 3, KFold(2), [], 1, 0, "x"], "n_bins": [2, 5],
                "fit_params": [None, {}, {"sample_weight": np.ones(3)}],
                "response_method": ["auto", "predict_proba", "decision_function"]}))
def test_cross_val_calibration_report(data, opts):
    est, X, y, w = data
    with warnings.catch_warnings():  # sklearn's own warnings from fitting tiny folds
        warnings.simplefilter("ignore")
        from sklearn.base import clone

        est = clone(est)
    out = check_call(skbce.cross_val_calibration_report, est, X, y, sample_weight=w,
                     allowed_warnings=(RuntimeWarning, UserWarning), **opts)
    check_report(out)


REPORT_KINDS = ["binary", "weighted", "multiclass", "degenerate", "separated", "strings"]


@functools.cache
def reports():
    rng = np.random.default_rng(1)
    y = rng.integers(0, 2, 60)
    p = np.clip(rng.uniform(size=60), 0, 1)
    y3 = rng.integers(0, 3, 60)
    p3 = rng.dirichlet(np.ones(3), 60)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return {
            "binary": skbce.calibration_report(y, p),
            "weighted": skbce.calibration_report(y, p, sample_weight=rng.uniform(0, 2, 60)),
            "multiclass": skbce.calibration_report(y3, p3, per_class=True),
            "degenerate": skbce.calibration_report([0, 1, 0, 1], [0.5] * 4, n_bins=2),
            "separated": skbce.calibration_report([0, 0, 1, 1], [0.0, 0.1, 0.9, 1.0], n_bins=2),
            "strings": skbce.calibration_report(["a", "b", "b"], [0.2, 0.6, 0.9], n_bins=2),
        }




PLOT_OPTIONS = {"kind": ["reliability", "corp", "both", "smooth"], "histogram": [True, False],
                "name": [None, "model", "<b>"]}


@contract_settings(20)
@given(st.sampled_from(REPORT_KINDS), options(PLOT_OPTIONS),
       st.sampled_from([None, "model", 3, "", [1], object()]), st.sampled_from([None, "file", 3]))
def test_report_methods(pyplot, key, opts, name, path):
    report = reports()[key]
    before = snapshot(report)
    check_call(report.to_frame, name=name)
    with tempfile.TemporaryDirectory() as tmp:
        target = str(Path(tmp) / "r.html") if path == "file" else path
        check_call(report.to_html, path=target)
    for use_ax in (False, True):
        ax = pyplot.subplots()[1] if use_ax else None
        out = check_call(report.plot, ax=ax, mutable=("ax",), **opts)
        if out.error is None and use_ax and getattr(out.result, "ax_", ax) is not ax:
            violation(f"{out.text} did not draw on the Axes it was given")
        pyplot.close("all")
    after = snapshot(report)
    plot_handles = {"ax_", "figure_", "line_", "hist_ax_"}
    if [e for e in after[2] if e[0] not in plot_handles] != [
        e for e in before[2] if e[0] not in plot_handles
    ]:
        violation(f"{key} report: a method changed the report's fields")


@contract_settings(20)
@given(st.lists(st.sampled_from(REPORT_KINDS), max_size=3),
       st.sampled_from(["str", "int", "none", "list", "junk"]), options(PLOT_OPTIONS))
def test_compare_calibration(pyplot, keys, key_kind, opts):
    values = [reports()[k] for k in keys]
    names = {"str": [f"m{i}" for i in range(len(keys))], "int": list(range(len(keys))),
             "none": [None] * len(keys)}
    arg = values if key_kind == "list" else (
        {f"m{i}": "junk" for i in range(len(keys))} if key_kind == "junk"
        else dict(zip(names[key_kind], values, strict=False)))
    out = check_call(skbce.compare_calibration, arg)
    if out.error is not None:
        return
    cmp = out.result
    for method in (str, lambda c: c.to_markdown(), lambda c: c.to_dict(), lambda c: c.to_frame(),
                   lambda c: c.plot(**opts)):
        check_call(method, cmp, extra_names=("reports",) + tuple(opts))
    pyplot.close("all")


@contract_settings(20)
@given(st.sampled_from(["reports", "empty", "int-key", *map(repr, JUNK[:6])]),
       options(PLOT_OPTIONS))
def test_reliability_display(pyplot, arg_kind, opts):
    report = reports()[REPORT_KINDS[0]]
    arg = {"reports": {"m": report}, "empty": {}, "int-key": {1: report}}.get(arg_kind, arg_kind)
    before = snapshot(report)
    opts = {k: v for k, v in opts.items() if k != "name"}
    made = check_call(skbce.ReliabilityDisplay, arg, **opts)
    if made.error is None:
        ax = pyplot.subplots()[1]
        out = check_call(made.result.plot, ax=ax, mutable=("ax",))
        if out.error is None and out.result.ax_ is not ax:
            violation("ReliabilityDisplay.plot did not draw on the Axes it was given")
    pyplot.close("all")
    if snapshot(report) != before:
        violation("ReliabilityDisplay changed the report it draws")


@contract_settings(30)
@given(st.sampled_from(JUNK + [1, 2, None]))
def test_configuration(n_threads):
    config = skbce.get_config()
    try:
        check_call(skbce.set_config, n_threads=n_threads)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            context = check_call(skbce.config_context, n_threads=n_threads).result
        if context is not None:
            entered = check_call(context.__enter__, extra_names=("n_threads",))
            if entered.error is None:
                context.__exit__(None, None, None)
        got = check_call(skbce.get_config).result
        got["n_threads"] = "changed"
        if skbce.get_config() == got:
            violation("get_config() returned the live configuration, not a copy")
    finally:
        skbce.set_config(**config)


# --------------------------------------------------------------------------------------------
# Streaming states


def take_state(state):
    return snapshot(state)


@st.composite
def chunks(draw):
    label_set = draw(st.sampled_from(LABEL_SETS))
    out = []
    for _ in range(draw(st.integers(1, 4))):
        y, s, w, _ = draw(binary_inputs(max_width=3))
        if draw(st.integers(0, 2)):  # mostly chunks of one label set, so results exist
            n = draw(st.integers(0, 4))
            y = draw(labels(n, label_set))
            s = draw(scores(n, pool=PROBS))
            w = draw(st.sampled_from([None, [1.0] * n, [2.5] * n]))
        out.append((y, s, w))
    return out


def feed(state, data, extra_names):
    """Update a state chunk by chunk; refused chunks must leave it exactly as it was."""
    accepted = []
    for y, s, w in data:
        before = take_state(state)
        out = check_call(state.update, y, s, sample_weight=w, extra_names=extra_names,
                         allowed_warnings=(UserWarning,))
        if out.error is not None:
            if take_state(state) != before:
                violation(f"{out.text} was refused ({out.error}) but changed the state")
        else:
            accepted.append((y, s, w))
    return accepted


def concatenated(accepted):
    ys = [v for y, _, _ in accepted for v in np.asarray(y, dtype=object).tolist()]
    ss = [v for _, s, _ in accepted for v in np.asarray(s, dtype=object).tolist()]
    if all(w is None for *_, w in accepted):
        return ys, ss, None
    ws = [v for y, _, w in accepted
          for v in (np.ones(len(np.asarray(y))) if w is None else np.asarray(w, dtype=float))]
    return ys, ss, ws


def agree(got, want):
    return (isinstance(got, Exception) and isinstance(want, Exception)) or (
        not isinstance(got, Exception) and not isinstance(want, Exception)
        and math.isclose(got, want, rel_tol=1e-9, abs_tol=1e-12)
    )


STREAM_OPTIONS = {"labels": [None, [0, 1], ["a", "b"], [0, 1, 2], [-1, 0]],
                  "pos_label": [None, 1, 0, "a", -1], "from_logits": [False, True]}


@contract_settings(80)
@given(options(STREAM_OPTIONS), chunks())
def test_streaming_log_loss(opts, data):
    made = check_call(skbce.StreamingLogLoss, **opts)
    if made.error is not None:
        return
    state = made.result
    accepted = feed(state, data, STREAM_OPTIONS)
    got = check_call(state.result, any_message=True)
    check_call(repr, state)
    if not accepted:
        return
    y, s, w = concatenated(accepted)
    if opts.get("pos_label") is not None or opts.get("from_logits"):
        # binary: labels (two of them) only fix the classes, as y_true's do
        fn, kw = skbce.binary_cross_entropy, {k: opts[k] for k in ("pos_label", "from_logits")
                                              if k in opts}
    elif opts.get("labels") is not None:
        fn, kw = skbce.log_loss, {"labels": opts["labels"]}
    else:
        fn, kw = skbce.log_loss, {}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            want = fn(y, s, sample_weight=w, **kw)
        except (ValueError, TypeError) as exc:
            want = exc
    result = got.error if got.error is not None else got.result
    if not agree(result, want):
        violation(f"{got.text} after updates {accepted!r} gave {result!r}; "
                  f"{fn.__name__}(..., **{kw}) gives {want!r}")


@contract_settings(40)
@given(options(STREAM_OPTIONS), chunks(), chunks())
def test_streaming_log_loss_merge(opts, first, second):
    states = []
    for data in (first, second):
        made = check_call(skbce.StreamingLogLoss, **opts)
        if made.error is not None:
            return
        feed(made.result, data, STREAM_OPTIONS)
        states.append(made.result)
    before = [take_state(s) for s in states]
    out = check_call(states[0].merge, states[1], extra_names=STREAM_OPTIONS)
    if out.error is not None and [take_state(s) for s in states] != before:
        violation(f"{out.text} was refused ({out.error}) but changed a state")


CAL_OPTIONS = {"n_bins": [1, 3, 10, 10**12], "bin_edges": [None, [0.0, 0.5, 1.0], [0.5, 0.2]],
               "pos_label": [None, 1, "a"], "from_logits": [False, True],
               "confidence_level": [0.95, 0.5]}


@contract_settings(60)
@given(options(CAL_OPTIONS), chunks())
def test_streaming_calibration(opts, data):
    made = check_call(skbce.StreamingCalibration, **opts)
    if made.error is not None:
        return
    state = made.result
    accepted = feed(state, data, CAL_OPTIONS)
    got = check_call(state.result, any_message=True, allowed_warnings=(RuntimeWarning,))
    check_call(repr, state)
    if not accepted:
        return
    y, s, w = concatenated(accepted)
    edges = opts.get("bin_edges")
    edges = np.linspace(0, 1, opts.get("n_bins", 10) + 1) if edges is None else edges
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            ref = skbce.calibration_report(
                y, s, sample_weight=w, strategy=edges, pos_label=opts.get("pos_label"),
                from_logits=opts.get("from_logits", False), n_bins=1)
        except (ValueError, TypeError):
            return
    if got.error is not None:
        violation(f"{got.text} after updates {accepted!r} raised {got.error!r}; "
                  "the one-shot report of the same data works")
    table = got.result["reliability"]
    for key in ("count", "weight", "observed", "mean_predicted"):
        if not np.allclose(table[key], ref.reliability[key], rtol=1e-9, equal_nan=True):
            violation(f"{got.text} after updates {accepted!r}: reliability[{key!r}] = "
                      f"{table[key]!r}, the one-shot report has {ref.reliability[key]!r}")


# --------------------------------------------------------------------------------------------
# Scorers

SCORER_OPTIONS = {"metric": [*skbce.get_scorer_names(), "log_loss", "binary_cross_entropy",
                             "brier_score", "normalized_cross_entropy", "d2_log_loss_score",
                             "nope", skbce.log_loss],
                  "response_method": ["auto", "predict_proba", "decision_function"],
                  "greater_is_better": [None, True, False]}


@contract_settings(60)
@given(options(SCORER_OPTIONS),
       options({"pos_weight": [3.0], "labels": [None, [0, 1]], "pos_label": [None, 1, "b"],
                "from_logits": [False, True], "sample_weight": [None, np.ones(5)]}),
       estimator_inputs())
def test_scorer(metric_opts, params, data):
    made = check_call(skbce.make_scorer, **metric_opts, **params)
    if made.error is not None:
        return
    est, X, y, _ = data
    check_call(repr, made.result)
    out = check_call(made.result, est, X, y, extra_names=set(metric_opts) | set(params) | {"y"},
                     allowed_warnings=(UserWarning,))
    if out.error is None:
        require_finite(out)


@contract_settings(30)
@given(st.sampled_from([*skbce.get_scorer_names(), *JUNK, "neg_log_loss ", "log_loss"]))
def test_get_scorer(name):
    check_call(skbce.get_scorer, name)
    check_call(skbce.get_scorer_names)


def test_every_public_name_has_a_contract_test():
    tested = {
        "CalibrationComparison", "CalibrationReport", "LogLossBreakdown", "StreamingCalibration",
        "StreamingLogLoss", "bce_gradient_hessian", "binary_cross_entropy", "brier_score_loss",
        "calibration_report", "compare_calibration", "config_context", "get_config", "set_config",
        "cross_val_calibration_report",
        "d2_log_loss_score", "get_scorer", "get_scorer_names", "log_loss", "log_loss_breakdown",
        "make_scorer", "normalized_cross_entropy", "ReliabilityDisplay",
    }
    assert set(PUBLIC) == tested
