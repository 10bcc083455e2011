"""Every public callable, method and property has a numpydoc docstring with a runnable example.

The public objects are the names of ``skbce._WHERE`` (``skbce.__all__``
without ``__version__``), the public methods and properties that skbce's
classes among them define (also those inherited from skbce base classes), and
those of the scorer objects that :func:`skbce.make_scorer` and
:func:`skbce.get_scorer` return.  Methods that scorers inherit from
scikit-learn (``set_score_request``, ``get_metadata_routing``) are
scikit-learn's documentation and are not checked.

The examples themselves run as doctests (``--doctest-modules``); here each
docstring must have an Examples section holding a ``>>>`` line, and
numpydoc's validator must report none of the codes of ``ENFORCED``.
"""

import inspect
import re

import pytest

import skbce

#: numpydoc codes not enforced, and why.
IGNORED = {
    "ES01": "an extended summary is not needed for a one-line property",
    "SA01": "See Also only where it helps, not on every method",
    "RT02": "the house style names return values (``loss : float``), as scikit-learn does",
    "SS05": "the house style allows noun-phrase summaries (``The report in Markdown``)",
}

#: Every code of numpydoc 1.6+ but the ignored ones (listed, so that a new
#: numpydoc code does not fail CI unannounced).
ENFORCED = (
    "EX01",
    *(f"GL{i:02d}" for i in (1, 2, 3, 5, 6, 7, 8, 9, 10)),
    *(f"PR{i:02d}" for i in range(1, 11)),
    "RT01",
    "RT03",
    "RT04",
    "RT05",
    "SA02",
    "SA03",
    "SA04",
    "SS01",
    "SS02",
    "SS03",
    "SS04",
    "SS06",
    "YD01",
)

#: (object, code) pairs allowed, and why.
EXEMPT = {
    # A dataclass of some sixty fields, all documented under Attributes; it is
    # built by calibration_report and its constructors, never by hand.
    ("skbce.CalibrationReport", "PR01"),
    # Built by make_scorer from internal pieces; its parameters are private.
    ("skbce._scorer.scorer._MetricScorer", "PR01"),
}


def _scorer_classes():
    """The classes of the scorers that make_scorer and get_scorer return (private)."""
    return {type(skbce.make_scorer()), type(skbce.get_scorer("neg_log_loss"))}


def _own_members(cls):
    """Public methods and properties that ``cls`` or an skbce base class defines."""
    members = {}
    for base in reversed(cls.__mro__):
        if not base.__module__.startswith("skbce"):
            continue
        for attr, value in vars(base).items():
            if attr.startswith("_"):
                continue
            if isinstance(value, property | classmethod | staticmethod) or inspect.isfunction(
                value
            ):
                members[attr] = value
    return sorted(members)


def _public_objects():
    """``{import path: object}`` of every public callable, method and property."""
    found = {}
    classes = []
    for name in sorted(skbce._WHERE):
        obj = getattr(skbce, name)
        found[f"skbce.{name}"] = obj
        if inspect.isclass(obj):
            classes.append((f"skbce.{name}", obj))
    for cls in sorted(_scorer_classes(), key=lambda c: c.__qualname__):
        path = f"{cls.__module__}.{cls.__qualname__}"
        found[path] = cls
        classes.append((path, cls))
    for path, cls in classes:
        for attr in _own_members(cls):
            found[f"{path}.{attr}"] = inspect.getattr_static(cls, attr)
    return found


PUBLIC = _public_objects()


def _docstring(obj):
    if isinstance(obj, classmethod | staticmethod):
        obj = obj.__func__
    return inspect.getdoc(obj) or ""


def _examples_section(doc):
    """The text of the Examples section of a numpydoc docstring ('' when none)."""
    match = re.search(r"^Examples\n-{8,}\n(.*?)(?=^\w[\w ]*\n-{3,}\n|\Z)", doc, re.M | re.S)
    return match.group(1) if match else ""


def test_the_public_objects_are_found():
    # the classes, their members and the scorers' members are all here
    expected = {
        "skbce.log_loss",
        "skbce.CalibrationReport.from_estimator",
        "skbce.CalibrationReport.to_frame",
        "skbce.CalibrationComparison.plot",
        "skbce.ReliabilityDisplay.plot",
        "skbce.StreamingLogLoss.loss_sum",
        "skbce.StreamingCalibration.merge",
        "skbce.LogLossBreakdown.worst",
        "skbce._scorer.scorer._MetricScorer.score_estimator",
        "skbce._scorer.scorer._MetricScorer.metric_params",
    }
    assert expected <= set(PUBLIC)
    assert not any(path.endswith(".set_score_request") for path in PUBLIC)
    assert set(skbce.__all__) - {"__version__"} == {
        p.split(".")[1] for p in PUBLIC if p.count(".") == 1
    }


def test_examples_section_parser():
    doc = "Summary.\n\nExamples\n--------\n>>> 1 + 1\n2\n\nNotes\n-----\nText.\n"
    assert _examples_section(doc).startswith(">>> 1 + 1")
    assert "Text" not in _examples_section(doc)
    assert _examples_section("Summary.\n\nNotes\n-----\n>>> 1\n") == ""


@pytest.mark.parametrize("path", sorted(PUBLIC))
def test_has_docstring_with_doctest_example(path):
    doc = _docstring(PUBLIC[path])
    assert doc.strip(), f"{path} has no docstring"
    examples = _examples_section(doc)
    assert examples, f"{path} has no Examples section"
    assert re.search(r"^>>> \S", examples, re.M), f"the Examples of {path} hold no >>> line"


@pytest.mark.parametrize("path", sorted(PUBLIC))
def test_numpydoc_validation(path):
    validate = pytest.importorskip("numpydoc.validate").validate
    errors = [
        f"{code} {message}"
        for code, message in validate(path)["errors"]
        if code in ENFORCED and (path, code) not in EXEMPT
    ]
    assert not errors, f"{path}:\n" + "\n".join(errors)


def test_ignored_and_enforced_codes_are_disjoint():
    assert not set(IGNORED) & set(ENFORCED)
    numpydoc_validate = pytest.importorskip("numpydoc.validate")
    # every code is either enforced or ignored with a reason
    assert set(numpydoc_validate.ERROR_MSGS) <= set(ENFORCED) | set(IGNORED)


def test_exemptions_are_still_needed():
    validate = pytest.importorskip("numpydoc.validate").validate
    for path, code in EXEMPT:
        codes = {c for c, _ in validate(path)["errors"]}
        assert code in codes, f"({path!r}, {code!r}) is no longer needed: remove it from EXEMPT"
