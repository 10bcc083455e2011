"""The package's layers: imports only go down, and no module imports itself back.

``LAYERS`` is the one place where the order is declared (``docs/design.rst``
draws it).  Every module of a layer may import modules of its own layer and of
the layers below; an import of a higher layer, or a cycle between modules
(counting imports inside functions), fails this test.
"""

import ast
from pathlib import Path

import pytest

import skbce

ROOT = Path(skbce.__file__).parent

#: Lowest first.  Each entry is a subpackage (all its modules) or a module.
LAYERS = (
    "_utils",  # option and array validation, numeric helpers, config, optional, sklearn compat
    "_losses",  # numpy block kernels returning mergeable sums, the finishing step, states
    "_backends",  # array-API and Dask sums, the one dispatch place
    "_metrics",  # the public losses, streaming states, breakdown, gradient
    "_calibration",  # every statistic of the report
    "_render",  # statistic definitions table, number formats, text/Markdown/HTML/SVG, plot displays
    "_report",  # report objects (declared fields) and the functions that build them
    "_scorer",  # scorers: thin shells over the metrics
    "_cli",  # the command line: a thin shell over everything
    "__init__",
    "__main__",
)


def _module_name(path):
    rel = path.relative_to(ROOT.parent).with_suffix("")
    parts = list(rel.parts)
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(parts)


def _layer(module):
    parts = module.split(".")
    if len(parts) == 1:  # the package itself
        return LAYERS.index("__init__")
    return LAYERS.index(parts[1])


def _imports(path):
    """Every skbce module ``path`` imports, at any depth of the code."""
    module = _module_name(path)
    package = module if path.name == "__init__.py" else module.rsplit(".", 1)[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            found.update(a.name for a in node.names if a.name.split(".")[0] == "skbce")
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - node.level + 1]
                name = ".".join(base + ([node.module] if node.module else []))
            else:
                name = node.module or ""
            if name.split(".")[0] != "skbce":
                continue
            for alias in node.names:  # ``from skbce._x import y`` may name a module y
                candidate = f"{name}.{alias.name}"
                found.add(candidate if candidate in MODULES else name)
    return {name for name in found if name in MODULES or name == "skbce"}


MODULES = {_module_name(p): p for p in sorted(ROOT.rglob("*.py"))}
GRAPH = {name: _imports(path) for name, path in MODULES.items()}


def test_every_module_has_a_declared_layer():
    undeclared = sorted(m for m in MODULES if m != "skbce" and m.split(".")[1] not in LAYERS)
    assert not undeclared, f"declare these in LAYERS: {undeclared}"


@pytest.mark.parametrize("module", sorted(MODULES), ids=str)
def test_imports_only_go_down(module):
    upward = sorted(
        f"{name} (layer {LAYERS[_layer(name)]})"
        for name in GRAPH[module]
        if _layer(name) > _layer(module)
    )
    assert not upward, f"{module} (layer {LAYERS[_layer(module)]}) imports upward: {upward}"


def test_no_import_cycle():
    state = {}
    stack = []

    def visit(node):
        state[node] = "open"
        stack.append(node)
        for target in sorted(GRAPH[node]):
            if target == node or target not in GRAPH:
                continue
            if state.get(target) == "open":
                cycle = stack[stack.index(target) :] + [target]
                pytest.fail("import cycle: " + " -> ".join(cycle))
            if target not in state:
                visit(target)
        stack.pop()
        state[node] = "done"

    for node in sorted(GRAPH):
        if node not in state:
            visit(node)


def test_private_sklearn_api_only_in_compat_module():
    """Only ``skbce._utils.sklearn_compat`` touches scikit-learn's private names."""
    offenders = []
    for name, path in MODULES.items():
        if name == "skbce._utils.sklearn_compat":
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("sklearn"):
                private = [a.name for a in node.names if a.name.startswith("_")]
                if private or any(p.startswith("_") for p in node.module.split(".")):
                    offenders.append(f"{name}: from {node.module} import {private or '...'}")
    assert not offenders, offenders


#: Largest module (lines) and function body (lines of code, without its
#: docstring, blank lines and comments) the package allows.
MAX_MODULE_LINES = 700
MAX_FUNCTION_LINES = 60


def _code_lines(lines, node):
    body = node.body
    start = body[0].lineno
    first = body[0]
    if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant):
        if isinstance(first.value.value, str):
            start = first.end_lineno + 1
    code = lines[start - 1 : node.end_lineno]
    return sum(1 for line in code if line.strip() and not line.strip().startswith("#"))


@pytest.mark.parametrize("module", sorted(MODULES), ids=str)
def test_modules_and_functions_stay_small(module):
    source = MODULES[module].read_text()
    lines = source.splitlines()
    assert len(lines) <= MAX_MODULE_LINES, f"{module} has {len(lines)} lines"
    long = [
        f"{node.name} ({_code_lines(lines, node)} lines)"
        for node in ast.walk(ast.parse(source))
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
        and _code_lines(lines, node) > MAX_FUNCTION_LINES
    ]
    assert not long, f"{module}: functions over {MAX_FUNCTION_LINES} lines of code: {long}"
