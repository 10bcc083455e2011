"""Sphinx configuration of the skbce documentation.

Build with ``sphinx-build -W -b html docs docs/_build/html`` (``-W``: warnings
are errors).  The gallery runs every ``examples/plot_*.py``.  Links to the
scikit-learn, numpy and Python docs (intersphinx) need the network, so they are
only made when ``SKBCE_DOCS_INTERSPHINX=1``; offline, such references render as
plain text.
"""

import os
from importlib.metadata import version as _version

import skbce

# -- project -------------------------------------------------------------------------

project = "skbce"
author = "The skbce developers"
copyright = "2026, The skbce developers"
release = _version("skbce")  # the one version source: the package metadata
version = ".".join(release.split(".")[:2])

# -- extensions ------------------------------------------------------------------------

extensions = [
    "sphinx.ext.autodoc",
    "sphinx.ext.autosummary",
    "sphinx.ext.mathjax",
    "sphinx.ext.intersphinx",
    "numpydoc",
    "sphinx_gallery.gen_gallery",
]

templates_path = ["_templates"]
exclude_patterns = ["_build", "auto_examples/*.ipynb", "auto_examples/*.py"]
root_doc = "index"
default_role = "literal"

autosummary_generate = True
autodoc_default_options = {"members": True, "inherited-members": False}
numpydoc_show_class_members = False
numpydoc_class_members_toctree = False
numpydoc_xref_param_type = False

# Links to other projects need their inventories, which are downloaded: only
# with SKBCE_DOCS_INTERSPHINX=1, so that an offline build passes.
if os.environ.get("SKBCE_DOCS_INTERSPHINX") == "1":
    intersphinx_mapping = {
        "python": ("https://docs.python.org/3", None),
        "numpy": ("https://numpy.org/doc/stable", None),
        "sklearn": ("https://scikit-learn.org/stable", None),
    }
else:
    intersphinx_mapping = {}
    # references such as :func:`sklearn.metrics.log_loss` stay plain text
    nitpicky = False

# -- the gallery -----------------------------------------------------------------------

sphinx_gallery_conf = {
    "examples_dirs": "../examples",
    "gallery_dirs": "auto_examples",
    "filename_pattern": r"/plot_",
    "within_subsection_order": "FileNameSortKey",
    "download_all_examples": False,
    "abort_on_example_error": True,
    "remove_config_comments": True,
    "show_memory": False,
    "reference_url": {"skbce": None},
    "min_reported_time": 1,
}

# -- HTML ------------------------------------------------------------------------------

html_theme = "pydata_sphinx_theme"
html_title = f"skbce {release}"
html_static_path = []
html_theme_options = {
    "navigation_with_keys": False,
    "show_prev_next": False,
    "secondary_sidebar_items": ["page-toc"],
}
html_show_sourcelink = False

# -- the API page: exactly skbce.__all__ -----------------------------------------------

#: Section of the API page for the objects of each module.
#: Section of the API page for each module or package (the longest prefix wins).
API_SECTIONS = {
    "skbce._metrics": "Metrics",
    "skbce._scorer": "Scorers",
    "skbce._calibration": "Calibration",
    "skbce._report": "Calibration",
    "skbce._render.plot": "Calibration",
    "skbce._metrics.gradient": "Training losses",
    "skbce._metrics.streaming": "Streaming and large data",
    "skbce._calibration.streaming": "Streaming and large data",
    "skbce._utils.config": "Configuration",
}


def api_section(module):
    """The section of the API page for a name defined in ``module``."""
    matches = [key for key in API_SECTIONS if module == key or module.startswith(key + ".")]
    return API_SECTIONS[max(matches, key=len)] if matches else "Other tools"


def api_names():
    """The public names documented on the API page: ``skbce.__all__``."""
    return [name for name in skbce.__all__ if name != "__version__"]


def api_rst():
    """The reStructuredText of the API page, one autosummary per section."""
    sections = {}
    for name in api_names():
        module = getattr(getattr(skbce, name), "__module__", "")
        section = api_section(module)
        sections.setdefault(section, []).append(name)
    order = ["Metrics", "Scorers", "Calibration", "Training losses",
             "Streaming and large data", "Configuration", "Other tools"]
    lines = [
        ".. _api:",
        "",
        "API reference",
        "=============",
        "",
        "Everything below is importable from ``skbce`` and listed in",
        "``skbce.__all__``, with ``skbce.__version__``, the version string.",
        "",
        ".. currentmodule:: skbce",
    ]
    for section in order:
        if section not in sections:
            continue
        lines += [
            "",
            section,
            "-" * len(section),
            "",
            ".. autosummary::",
            "   :toctree: generated/",
            "   :nosignatures:",
            "",
        ]
        lines += [f"   {name}" for name in sorted(sections[section], key=str.lower)]
    return "\n".join(lines) + "\n"


def write_api_page():
    """Write ``api.rst`` (not under version control) before Sphinx reads the sources.

    autosummary reads the files themselves to find what to document, so the
    page must exist on disk; it is rewritten only when it changes.
    """
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "api.rst")
    text = api_rst()
    if not os.path.exists(path) or open(path, encoding="utf-8").read() != text:
        with open(path, "w", encoding="utf-8") as f:
            f.write(text)


def setup(app):
    """Write the API page once the configuration is read, before anything else."""
    app.connect("config-inited", lambda app, config: write_api_page())
