"""Fixtures shared by several test modules."""

import warnings

import pytest


@pytest.fixture
def pyplot():
    """The pyplot module on the Agg backend, all figures closed around the test."""
    with warnings.catch_warnings():  # old matplotlib with new pyparsing
        warnings.simplefilter("ignore", DeprecationWarning)
        plt = pytest.importorskip("matplotlib.pyplot")
    plt.switch_backend("Agg")
    plt.close("all")
    yield plt
    plt.close("all")
