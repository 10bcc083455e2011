"""The validation helpers skip scikit-learn only where it would return the input unchanged."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn.utils import check_array as sklearn_check_array

from skbce._losses.kernels import baseline_loss
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


@pytest.mark.parametrize("baseline", [None, 0.3, 1e-12])
def test_baseline_loss_matches_mpmath_for_any_class_weights(baseline):
    # the normalized cross-entropy's denominator; a class 1e16 times heavier than the
    # other lost every digit when its share was taken as 1 - the other's
    import mpmath

    rng = np.random.default_rng(0)
    pairs = [(2.0, 1e16 + 2.0), (1e16, 3.0), (1.0, 1.0), (5e-324, 1.0), (0.0, 4.0), (3.0, 0.0)]
    pairs += [tuple(rng.random(2) * 10.0 ** rng.integers(-300, 300, 2)) for _ in range(200)]
    with mpmath.workdps(700):  # shares of 1e-300 next to 1 - 1e-300
        for negative, positive in pairs:
            if baseline is None and 0.0 in (negative, positive):
                assert baseline_loss(negative, positive) == 0.0
                continue
            total = mpmath.mpf(negative) + mpmath.mpf(positive)
            shares = (mpmath.mpf(negative) / total, mpmath.mpf(positive) / total)
            logs = [mpmath.log(s) if s else 0 for s in shares]
            if baseline is not None:
                b = mpmath.mpf(baseline)
                logs = [mpmath.log(1 - b), mpmath.log(b)]
            expected = -sum(s * lg for s, lg in zip(shares, logs, strict=True))
            got = baseline_loss(negative, positive, baseline)
            assert got == pytest.approx(float(expected), rel=1e-13), (negative, positive)
