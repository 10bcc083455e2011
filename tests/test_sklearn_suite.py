"""scikit-learn's own tests of its log loss, Brier score and D^2 metrics, run on skbce.

The test functions are imported from the installed scikit-learn
(``sklearn/metrics/tests/test_classification.py``, ``test_common.py`` and
``test_score_objects.py``) and called with skbce's functions substituted for
scikit-learn's; none of their code is copied here, so a test that scikit-learn
adds is run too.

How the tests are collected (the simplest robust way we found): every test
function of those modules whose name or source mentions one of the metrics
(:data:`PATTERN`) is re-exported here as a thin wrapper named
``test_<module>__<test name>``, so that pytest's own collection runs it with
its fixtures and all its ``parametrize`` sets.  The wrapper carries the
original's marks, with two changes made to the ``parametrize`` marks:

* a value that is one of scikit-learn's substituted metrics (or a
  ``functools.partial`` of one, or a container holding one) becomes skbce's,
  since ``parametrize`` values are built when scikit-learn's module is
  imported and no later patching reaches them;
* a test that does not mention the metrics in its source but is parametrized
  over metric names or functions (``test_common``'s invariance tests over
  ``ALL_METRICS``, ``test_score_objects``' tests over scorer names) keeps the
  parameter sets that mention them, and only those.

A wrapper (rather than the function object itself) because its marks differ
from the original's, which is left untouched.  Parameter sets of scikit-learn's
own metrics in a parametrization over metrics, and tests that mention none of
skbce's substitutes (``d2_brier_score``), run only scikit-learn: they are
marked :data:`SKLEARN_ONLY`, under scikit-learn's warning policy.

The names the test bodies look up at run time are patched by the autouse
fixture :func:`_skbce_substituted`: the metric functions in each module, the
entries of ``test_common``'s metric dictionaries, ``get_scorer`` in
``test_score_objects`` (skbce's scorer for the names
:func:`skbce.get_scorer_names` shares with scikit-learn), and ``pytest``
itself, whose ``raises`` and ``warns`` also accept skbce's wording of a
message (:data:`MESSAGES`).  It also sets ``SCIPY_ARRAY_API=1``, without which
scikit-learn skips its array-API tests.  scikit-learn's global fixtures that
its ``conftest.py`` provides are defined below: ``global_random_seed`` as its
default (42), ``global_dtype`` with float32 too (scikit-learn runs it on
request); fixtures defined in the test modules are re-exported.

Tests that cannot apply to skbce are in :data:`EXPECTED_DIFFERENCES`, each
with its reason and the scikit-learn versions it applies to, and run as
``xfail(strict=True)``: each reports when it starts passing.  Everything
else must pass, on scikit-learn 1.6 (the oldest supported version) as on the
newest; a test absent from the installed version is simply not collected.
"""

import functools
import inspect
import os
import re
import warnings
from unittest import SkipTest

import numpy as np
import pytest
import sklearn
from sklearn import metrics as sklearn_metrics
from sklearn.utils._testing import _array_api_for_tests

import skbce

with warnings.catch_warnings():
    # scikit-learn's tests use marks (thread_unsafe, ...) that its own conftest
    # registers, and which pytest would report as unknown here.
    warnings.simplefilter("ignore", pytest.PytestUnknownMarkWarning)
    from sklearn.metrics.tests import test_classification, test_common, test_score_objects

#: scikit-learn's tests pass unsorted ``labels`` without ``pytest.warns`` in places
#: (its own suite does not make ``UserWarning`` an error); skbce warns there as
#: scikit-learn does, in its own words.
pytestmark = [
    pytest.mark.filterwarnings("ignore:labels .* are not sorted:UserWarning"),
    pytest.mark.filterwarnings("ignore:Labels passed were:UserWarning"),
]

SKLEARN_VERSION = tuple(int(part) for part in sklearn.__version__.split(".")[:2])

#: scikit-learn's test modules, by the short name used in the names of the tests here.
MODULES = {
    "classification": test_classification,
    "common": test_common,
    "score_objects": test_score_objects,
}

#: A test or a parameter set is run when its text matches this.
PATTERN = re.compile(r"log_loss|brier|d2_log_loss|neg_log_loss")

#: A test or parameter set calls skbce when its text matches this (``d2_brier_score``
#: and the other metrics of a parametrization over metrics are scikit-learn's own).
SUBSTITUTED = re.compile(r"log_loss|brier_score_loss|neg_brier_score")

#: Only scikit-learn runs in the tests and parameter sets that do not match
#: :data:`SUBSTITUTED`: they run under scikit-learn's warning policy, which lets
#: its own ``UserWarning`` and ``UndefinedMetricWarning`` through, rather than
#: this project's ``filterwarnings = error``.
SKLEARN_ONLY = pytest.mark.filterwarnings("ignore")

#: The metrics substituted: scikit-learn's function -> skbce's.
SUBSTITUTES = {
    getattr(sklearn_metrics, name): getattr(skbce, name)
    for name in ("log_loss", "brier_score_loss", "d2_log_loss_score")
}

#: The scorer names skbce provides in place of scikit-learn's.
SHARED_SCORERS = frozenset(skbce.get_scorer_names()) & frozenset(
    sklearn_metrics.get_scorer_names()
)

_MULTILABEL = (
    "skbce's log_loss, d2_log_loss_score and brier_score_loss refuse a multilabel "
    "indicator y_true (rows with other than one positive), for which scikit-learn "
    "returns the sum of -log p over each row's positive labels, not a loss of the "
    "labels; skbce.binary_cross_entropy is the multilabel loss",
    (None, None),
)
_SKBCE_METRICS = r"(brier_score_loss|d2_log_loss_score|log_loss|unnormalized_log_loss)"
#: Tests that cannot pass on skbce, by ``(module, test node name regex)``: the
#: reason, and the scikit-learn versions ``(lowest, highest)`` (inclusive,
#: ``None`` for unbounded) where the difference applies.  Each runs as
#: ``xfail(strict=True)``.
EXPECTED_DIFFERENCES = {
    ("common", r"test_sample_order_invariance_multilabel_and_multioutput"): _MULTILABEL,
    ("common", rf"test_multilabel_sample_weight_invariance\[{_SKBCE_METRICS}\]"): _MULTILABEL,
    (
        "common",
        # named test_thresholded_... before scikit-learn 1.9
        rf"test_(continuous|thresholded)_multilabel_multioutput_permutations_invariance"
        rf"\[{_SKBCE_METRICS}\]",
    ): _MULTILABEL,
    (
        "common",
        rf"test_array_api_compliance\[{_SKBCE_METRICS}-check_array_api_multilabel_.*\]",
    ): _MULTILABEL,
    ("classification", r"test_brier_score_loss_deprecation_warning"): (
        "scikit-learn 1.6 takes the y_prob keyword of brier_score_loss with a "
        "FutureWarning; it was removed in 1.7, and skbce follows the newest "
        "scikit-learn (TypeError)",
        (None, (1, 6)),
    ),
    ("classification", r"test_d2_log_loss_score"): (
        "the test calls d2_log_loss_score(y_pred=...), the name of the argument "
        "before scikit-learn 1.9; skbce follows 1.9, where y_pred= gives a "
        "FutureWarning (an error here)",
        (None, (1, 8)),
    ),
    ("score_objects", r"test_thresholded_scorers"): (
        "skbce's scorers align predict_proba's columns with the classes of the "
        "estimator and of the fold (docs/scorers.rst, 'Column alignment'): a "
        "classifier fitted on one class is scored (the other class has "
        "probability 0), where scikit-learn's neg_log_loss refuses a one-column "
        "predict_proba ('need classifier with two classes')",
        (None, None),
    ),
}


#: skbce words some messages its own way, naming the argument and what is wrong:
#: a fragment of scikit-learn's expected message (as the test gives it to
#: ``pytest.raises`` or ``pytest.warns``, unescaped) -> the regex skbce's message
#: matches (as an alternative to scikit-learn's, since a test may call scikit-learn's
#: own metrics too).  The category of the exception or warning is still checked as
#: scikit-learn's test asks.
MESSAGES = {
    # ValueError: labels of y_true missing from labels=
    "not belonging to the passed labels": r"y_true contains labels \[.*\] that are not in labels=",
    # UserWarning: labels= not sorted
    "But this function assumes labels are ordered lexicographically": (
        r"labels \[.*\] are not sorted; the columns of the probabilities are taken"
    ),
    # UserWarning: rows of y_proba not summing to one
    "do not sum to one": r"The rows of y_proba do not sum to one",
    # ValueError: 1-D y_proba and more than two classes
    "is multiclass but should be binary": r"y_true must be binary, got \d+ classes",
    # ValueError: columns of y_proba and classes of y_true
    "contain different number of classes": r"y_proba has \d+ columns but y_true has \d+ classes",
    # ValueError: inconsistent lengths (skbce names the arrays)
    "inconsistent numbers of samples": (
        r"sample_weight has \d+ elements, but there are \d+ samples"
        r"|Inconsistent numbers of samples: y_true has \d+"
    ),
    # ValueError: a single class in y_true and no labels=
    "contains only one label": (
        r"y_true contains only one class \(.*\); pass every expected class through the labels"
    ),
    # ValueError: multiclass y_true for scikit-learn 1.6's binary-only Brier score
    "Only binary classification is supported": r"y_true must be binary, got \d+ classes",
    # ValueError: labels= of one class
    "The labels array needs to contain at least two": r"labels must contain at least two classes",
    # ValueError: columns of y_proba and labels=
    # (scikit-learn 1.6's test passes labels that also miss y_true's labels, the error
    # skbce reports first)
    "number of classes in labels is different": (
        r"y_proba has \d+ columns but labels has \d+|y_true contains labels .* not in labels="
    ),
    # ValueError: string labels without pos_label
    "and pos_label is not specified": r"y_true holds the labels \[.*\] and pos_label is not given",
}


def _translated(match):
    """skbce's regex for the message scikit-learn's test expects (``match``)."""
    if not isinstance(match, str):
        return match
    text = re.sub(r"\\(.)", r"\1", match)
    for fragment, pattern in MESSAGES.items():
        if fragment in text:
            return f"(?:{match})|(?:{pattern})"
    return match


class _Pytest:
    """``pytest`` for scikit-learn's test modules, with :data:`MESSAGES` translated."""

    def __getattr__(self, name):
        return getattr(pytest, name)

    @staticmethod
    def raises(expected, *args, match=None, **kwargs):
        return pytest.raises(expected, *args, match=_translated(match), **kwargs)

    @staticmethod
    def warns(expected, *args, match=None, **kwargs):
        return pytest.warns(expected, *args, match=_translated(match), **kwargs)


def _substitute(value):
    """``value`` with scikit-learn's substituted metrics replaced by skbce's."""
    try:
        if value in SUBSTITUTES:
            return SUBSTITUTES[value]
    except TypeError:  # unhashable
        pass
    if isinstance(value, functools.partial) and value.func in SUBSTITUTES:
        return functools.partial(SUBSTITUTES[value.func], *value.args, **value.keywords)
    if type(value) in (list, tuple):
        return type(value)(_substitute(item) for item in value)
    if type(value) is dict:
        return {key: _substitute(item) for key, item in value.items()}
    return value


def _text(value):
    """What the pattern is matched against for a parameter value."""
    if isinstance(value, functools.partial):
        return f"{_text(value.func)} {value.args} {value.keywords}"
    if type(value) in (list, tuple):
        return " ".join(_text(item) for item in value)
    if type(value) is dict:
        return " ".join(f"{key} {_text(item)}" for key, item in value.items())
    return getattr(value, "__name__", None) or repr(value)


_PARAM_TYPE = type(pytest.param(None))


def _unpack(argvalue):
    """``(values, marks, id)`` of one parametrize entry."""
    if isinstance(argvalue, _PARAM_TYPE):
        return argvalue.values, argvalue.marks, argvalue.id
    return argvalue, (), None


def _param_id(values, n_names):
    """A readable id for parameter values, as pytest's default but naming functions."""
    values = values if n_names > 1 else (values,)
    parts = []
    for value in values:
        if value is None or isinstance(value, str | int | float | bool | np.generic):
            parts.append(str(value))
        elif isinstance(value, functools.partial):
            keywords = ",".join(f"{key}={val}" for key, val in value.keywords.items())
            parts.append(f"{value.func.__name__}({keywords})")
        elif callable(value) and hasattr(value, "__name__"):
            parts.append(value.__name__)
        else:
            return None
    return "-".join(parts)


def _rewrite_parametrize(mark, keep_matching, over_metrics):
    """A parametrize mark with skbce's metrics, keeping the matching sets if asked.

    A parametrization ``over_metrics`` (some of its sets mention them) marks
    its sets of scikit-learn's metrics only :data:`SKLEARN_ONLY`.
    """
    argnames, argvalues = mark.args[0], list(mark.args[1])
    n_names = len(argnames) if isinstance(argnames, list | tuple) else len(argnames.split(","))
    ids = mark.kwargs.get("ids")
    id_list = list(ids) if ids is not None and not callable(ids) else [None] * len(argvalues)
    names = argnames if isinstance(argnames, list | tuple) else argnames.split(",")
    names = [name.strip() for name in names]
    entries = []
    for argvalue, given_id in zip(argvalues, id_list, strict=True):
        values, marks, own_id = _unpack(argvalue)
        if keep_matching and not PATTERN.search(_text(values)):
            continue
        if not _runs_here(dict(zip(names, _as_tuple(values, n_names), strict=True))):
            continue
        new_id = own_id or given_id
        if new_id is None and not callable(ids):
            new_id = _param_id(values, n_names)
        if over_metrics and not SUBSTITUTED.search(_text(values)):
            marks = (*marks, SKLEARN_ONLY)
        values = _as_tuple(_substitute(values), n_names)
        entries.append(pytest.param(*values, marks=marks, id=new_id))
    kwargs = {key: val for key, val in mark.kwargs.items() if key != "ids"}
    if callable(ids):
        kwargs["ids"] = ids
    return pytest.mark.parametrize(argnames, entries, **kwargs)


def _runs_here(params):
    """Whether an array-API parameter set's namespaces and devices exist on this machine.

    scikit-learn parametrizes its array-API tests over every namespace and
    device it knows (CuPy, dpnp, CUDA, MPS, XPU), as ``array_namespace`` and
    ``device_name`` or as ``(xp, device)`` pairs, and skips the absent ones
    when they run; they are left out here instead, by scikit-learn's own
    check, so that the skips do not hide the tests that do run.
    """
    pairs = [(value.xp, value.device) for value in params.values() if hasattr(value, "xp")]
    if isinstance(params.get("array_namespace"), str):
        device = params.get("device_name", params.get("device"))
        pairs.append((params["array_namespace"], device))
    saved = os.environ.get("SCIPY_ARRAY_API")
    os.environ["SCIPY_ARRAY_API"] = "1"
    try:
        for namespace, device in pairs:
            _array_api_for_tests(namespace, device)
    except SkipTest:
        return False
    finally:
        if saved is None:
            del os.environ["SCIPY_ARRAY_API"]
    return True


def _as_tuple(values, n_names):
    return tuple(values) if n_names > 1 else (values,)


def _materialized(mark):
    """``mark``, its parameter sets in a list if it is a parametrize mark.

    scikit-learn builds some from a generator, which can be read only once.
    """
    if mark.name != "parametrize":
        return mark
    return pytest.mark.parametrize(mark.args[0], list(mark.args[1]), **mark.kwargs).mark


def _marks_of(function, mentioned, substituted):
    """The marks of the wrapper of ``function``, or None if it is not to run.

    ``mentioned``: its source matches :data:`PATTERN`; ``substituted``: it
    matches :data:`SUBSTITUTED`.
    """
    marks = [_materialized(mark) for mark in getattr(function, "pytestmark", [])]
    parametrize = [mark for mark in marks if mark.name == "parametrize"]
    matching = [mark for mark in parametrize if PATTERN.search(_text(list(mark.args[1])))]
    if not mentioned and not matching:
        return None
    marks = [
        _rewrite_parametrize(mark, not mentioned and mark in matching, mark in matching)
        if mark.name == "parametrize"
        else mark
        for mark in marks
    ]
    return marks if substituted or matching else [*marks, SKLEARN_ONLY]


def _wrapper(function, marks):
    @functools.wraps(function)
    def run(*args, **kwargs):
        return function(*args, **kwargs)

    run.pytestmark = marks
    return run


def _collect():
    """The wrappers of the matching tests, by name, and the fixtures they need."""
    tests, fixtures = {}, {}
    for short, module in MODULES.items():
        for name, function in vars(module).items():
            if not (name.startswith("test") and inspect.isfunction(function)):
                continue
            if function.__module__ != module.__name__:
                continue
            source = inspect.getsource(function)
            marks = _marks_of(
                function, bool(PATTERN.search(source)), bool(SUBSTITUTED.search(source))
            )
            if marks is None:
                continue
            tests[f"test_{short}__{name}"] = _wrapper(function, marks)
            for argname in inspect.signature(function).parameters:
                fixture = vars(module).get(argname)
                if fixture is not None:
                    assert fixtures.get(argname, fixture) is fixture, argname
                    fixtures[argname] = fixture
    return tests, fixtures


_TESTS, _FIXTURES = _collect()
globals().update(_FIXTURES)
globals().update(_TESTS)


@pytest.fixture
def global_random_seed():
    """scikit-learn's default seed of its ``global_random_seed`` fixture."""
    return 42


@pytest.fixture(params=[np.float32, np.float64])
def global_dtype(request):
    """scikit-learn's ``global_dtype`` fixture (float32 runs here, not only on request)."""
    return request.param


def _shared_get_scorer(get_scorer):
    def get(scoring):
        if isinstance(scoring, str) and scoring in SHARED_SCORERS:
            return skbce.get_scorer(scoring)
        return get_scorer(scoring)

    return get


@pytest.fixture(autouse=True)
def _skbce_substituted(monkeypatch, request):
    """skbce's metrics and scorers in place of scikit-learn's, in the test modules."""
    for module in MODULES.values():
        for name, value in vars(module).items():
            if _substitute(value) is not value and not isinstance(value, dict | list | tuple):
                monkeypatch.setattr(module, name, _substitute(value))
            elif type(value) is dict:
                for key, item in value.items():
                    if _substitute(item) is not item:
                        monkeypatch.setitem(value, key, _substitute(item))
    monkeypatch.setattr(
        test_score_objects, "get_scorer", _shared_get_scorer(test_score_objects.get_scorer)
    )
    for module in MODULES.values():
        monkeypatch.setattr(module, "pytest", _Pytest())
    # scikit-learn's array-API tests run only where this is set (as its CI sets it);
    # scikit-learn reads it when array_api_dispatch is enabled.
    monkeypatch.setenv("SCIPY_ARRAY_API", "1")
    _mark_expected_difference(request)


def _mark_expected_difference(request):
    short, _, _ = request.node.name.removeprefix("test_").partition("__")
    for (module, pattern), (reason, (low, high)) in EXPECTED_DIFFERENCES.items():
        applies = (low is None or SKLEARN_VERSION >= low) and (
            high is None or SKLEARN_VERSION <= high
        )
        name = request.node.name.removeprefix(f"test_{short}__")
        if module == short and applies and re.fullmatch(pattern, name):
            request.applymarker(pytest.mark.xfail(strict=True, reason=reason))


def test_collected_every_metric():
    """The pattern finds tests of each substituted metric, and parametrized ones."""
    text = " ".join(_TESTS)
    for name in ("log_loss", "brier_score_loss", "d2_log_loss_score"):
        assert name in text
    assert any(
        mark.name == "parametrize" for test in _TESTS.values() for mark in test.pytestmark
    )


def test_substituted():
    """Inside a test, the names scikit-learn's tests look up are skbce's."""
    assert test_classification.log_loss is skbce.log_loss
    assert test_classification.brier_score_loss is skbce.brier_score_loss
    assert test_classification.d2_log_loss_score is skbce.d2_log_loss_score
    assert test_common.ALL_METRICS["log_loss"] is skbce.log_loss
    assert test_common.ALL_METRICS["unnormalized_log_loss"].func is skbce.log_loss
    for name in SHARED_SCORERS:
        scorer = test_score_objects.get_scorer(name)
        assert type(scorer) is type(skbce.get_scorer(name)), name
    accuracy = test_score_objects.get_scorer("accuracy")
    assert type(accuracy) is type(sklearn_metrics.get_scorer("accuracy"))


def test_parameters_substituted():
    """Function-valued parameters of scikit-learn's tests are skbce's, none left of sklearn's."""
    values = [
        value
        for test in _TESTS.values()
        for mark in test.pytestmark
        if mark.name == "parametrize"
        for entry in mark.args[1]
        for value in _unpack(entry)[0]
    ]
    functions = {getattr(value, "func", value) for value in values if callable(value)}
    assert skbce.log_loss in functions
    assert not functions & set(SUBSTITUTES)


def test_expected_differences_apply():
    """Each expected difference of the installed scikit-learn names one of its tests.

    (A stale entry, of a test renamed or removed, would otherwise go unnoticed.)
    """
    for (module, pattern), (_, (low, high)) in EXPECTED_DIFFERENCES.items():
        if (low is None or SKLEARN_VERSION >= low) and (high is None or SKLEARN_VERSION <= high):
            test = pattern.split(r"\[")[0]
            names = vars(MODULES[module])
            assert any(re.fullmatch(test, name) for name in names), pattern


@pytest.mark.parametrize("metric", [skbce.log_loss, skbce.d2_log_loss_score])
def test_y_pred_keyword_deprecated(metric):
    """``y_pred=`` works with scikit-learn 1.9's FutureWarning; with ``y_proba=`` it is refused."""
    y_true, y_proba = np.array([0, 1, 1, 0]), np.array([0.2, 0.7, 0.9, 0.4])
    loss = -np.mean(np.log([0.8, 0.7, 0.9, 0.6]))
    prior = -np.log(0.5)
    expected = loss if metric is skbce.log_loss else 1 - loss / prior
    with pytest.warns(FutureWarning, match="`y_pred` was renamed to `y_proba`"):
        assert metric(y_true, y_pred=y_proba) == pytest.approx(expected, rel=1e-12)
    with pytest.raises(ValueError, match="Cannot use both `y_pred` and `y_proba`"):
        metric(y_true, y_proba, y_pred=y_proba)
    with pytest.raises(ValueError, match="y_proba"):
        metric(y_true)


def test_one_class_message_shows_the_label():
    """The label of a single-class y_true is shown as given, not as ``np.int64(2)``."""
    with pytest.raises(ValueError, match=r"only one class \(2\);"):
        skbce.log_loss(np.array([2, 2]), np.array([[0.3, 0.7], [0.4, 0.6]]))
