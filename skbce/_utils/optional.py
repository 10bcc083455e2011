"""Optional dependencies, imported only when a feature needs them."""

import importlib

__all__ = ["import_optional"]

_EXTRAS = {
    "matplotlib": "plot",
    "pandas": "pandas",
    "pyarrow": "cli",
    "dask": "dask",
    "distributed": "dask",
    "array_api_compat": "array-api",
}


def import_optional(name, feature):
    """Import module ``name`` for ``feature``, or say how to install it.

    Parameters
    ----------
    name : str
        The module, e.g. ``"matplotlib.pyplot"``.
    feature : str
        What needs it, named in the error message.

    Returns
    -------
    module : module

    Raises
    ------
    ImportError
        When the module is not installed, with the pip command that adds it.

    Examples
    --------
    >>> from skbce._utils.optional import import_optional
    >>> import_optional("math", "a doctest").sqrt(4.0)
    2.0
    """
    try:
        return importlib.import_module(name)
    except ImportError as exc:
        top = name.split(".")[0]
        extra = _EXTRAS.get(top)
        hint = f'pip install "skbce[{extra}]"' if extra else f"pip install {top}"
        msg = f"{feature} requires {top}, which is not installed; run: {hint}"
        raise ImportError(msg) from exc
