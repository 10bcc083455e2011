"""The documentation's promises that a test can keep.

The Sphinx build (``.ci/run``) runs the gallery and fails on any warning;
here, quickly: the API page lists exactly ``skbce.__all__``, the code in the
user guide runs and prints what the text says, and each example has the
shape sphinx-gallery renders.
"""

import ast
import doctest
import importlib.util
from pathlib import Path

import pytest

import skbce

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs"
EXAMPLES = ROOT / "examples"


@pytest.fixture(scope="module")
def conf():
    spec = importlib.util.spec_from_file_location("docs_conf", DOCS / "conf.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_api_page_lists_exactly_all(conf):
    text = conf.api_rst()
    listed = [line.strip() for line in text.splitlines() if line.startswith("   ")]
    listed = [name for name in listed if not name.startswith(":")]
    assert sorted(listed) == sorted(n for n in skbce.__all__ if n != "__version__")
    assert "skbce.__version__" in text


def test_version_comes_from_the_package(conf):
    assert conf.release == skbce.__version__


@pytest.mark.parametrize(
    "page",
    sorted(
        p.relative_to(DOCS).as_posix()
        for p in DOCS.rglob("*.rst")
        if "_build" not in p.parts and "generated" not in p.parts and "auto_examples" not in p.parts
    ),
)
def test_code_in_the_docs_runs(page):
    flags = doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE
    result = doctest.testfile(str(DOCS / page), module_relative=False, optionflags=flags)
    assert result.failed == 0


def test_readme_tour_runs():
    flags = doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE
    result = doctest.testfile(str(ROOT / "README.md"), module_relative=False, optionflags=flags)
    assert result.attempted > 10 and result.failed == 0


@pytest.mark.parametrize("path", sorted(EXAMPLES.glob("*.py")), ids=lambda p: p.name)
def test_examples_are_gallery_scripts(path):
    source = path.read_text(encoding="utf-8")
    assert path.name.startswith("plot_")
    docstring = ast.get_docstring(ast.parse(source))
    title, underline = docstring.splitlines()[:2]
    assert title and set(underline) == {"="} and len(underline) >= len(title)
    assert "# %%" in source
    assert (EXAMPLES / "README.rst").exists()
