"""The validation helpers skip scikit-learn only where it would return the input unchanged."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn.utils import check_array as sklearn_check_array

from skbce._losses.kernels import binary_entropy
from skbce._utils.validation import FLOAT_DTYPES, check_array

DTYPES = [np.float64, np.float32, np.float16, np.int64, np.int8, np.uint16, np.bool_, np.complex128]
OPTIONS = [
    {"ensure_2d": False, "dtype": list(FLOAT_DTYPES), "ensure_all_finite": False},
    {"ensure_2d": False, "dtype": "numeric", "ensure_all_finite": False},
    {"ensure_2d": True, "dtype": None},
    {"dtype": np.float64},
]


def _outcome(func, array, options):
    try:
        out = func(array, **options)
    except (ValueError, TypeError) as exc:
        return type(exc), None
    return out.dtype, out


@settings(max_examples=150, deadline=None)
@given(
    dtype=st.sampled_from(DTYPES),
    shape=st.sampled_from([(0,), (1,), (5,), (3, 2), (4, 1), (0, 2), (2, 0), (2, 2, 2), ()]),
    options=st.sampled_from(OPTIONS),
    special=st.sampled_from([None, np.nan, np.inf]),
    container=st.sampled_from(["array", "list", "view"]),
)
def test_check_array_agrees_with_sklearn(dtype, shape, options, special, container):
    array = np.ones(shape, dtype=dtype)
    if special is not None and array.size and array.dtype.kind in "fc":
        array.flat[0] = special
    if container == "list":
        array = array.tolist()
    elif container == "view" and array.ndim:
        array = array[::-1]
    ours = _outcome(lambda a, **k: check_array(a, input_name="x", **k), array, options)
    theirs = _outcome(lambda a, **k: sklearn_check_array(a, input_name="x", **k), array, options)
    assert ours[0] == theirs[0]
    if theirs[1] is not None:
        np.testing.assert_array_equal(ours[1], theirs[1])
        assert type(ours[1]) is type(theirs[1])
        # an array scikit-learn hands back as it is is handed back as it is
        if theirs[1] is array:
            assert ours[1] is array


def test_binary_entropy_is_scipy_xlogy_to_the_bit():
    from scipy.special import xlogy

    rng = np.random.default_rng(0)
    rates = np.concatenate([rng.random(2000), rng.random(200) ** 40, [0.0, 1.0, 0.5, 1e-300]])
    for rate in rates:
        expected = -float(xlogy(rate, rate) + xlogy(1 - rate, 1 - rate))
        assert binary_entropy(rate) == expected
    assert np.isnan(binary_entropy(np.nan))
    assert binary_entropy(np.float32(0.25)) == pytest.approx(0.5623351446188083, rel=1e-15)
