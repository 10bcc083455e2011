"""brier_score_loss against scikit-learn and the formula."""

import numpy as np
import pytest
import sklearn
from sklearn import metrics as sk

from skbce import brier_score_loss

SKLEARN = tuple(int(part) for part in sklearn.__version__.split(".")[:2])
needs_multiclass_brier = pytest.mark.skipif(
    SKLEARN < (1, 7), reason="scikit-learn < 1.7 has no multiclass Brier score"
)


@pytest.fixture
def data():
    rng = np.random.default_rng(0)
    n = 1000
    return rng.integers(0, 2, n), rng.random(n), rng.random(n)


def test_binary_is_mean_squared_error(data):
    y, p, w = data
    assert brier_score_loss(y, p) == pytest.approx(np.mean((p - y) ** 2), rel=1e-13)
    assert brier_score_loss(y, p, sample_weight=w) == pytest.approx(
        np.average((p - y) ** 2, weights=w), rel=1e-13
    )


BINARY_CASES = [
    ("0/1", [0, 1, 1, 0], [0.1, 0.9, 0.8, 0.3], {}),
    ("-1/1", [-1, 1, 1, -1], [0.1, 0.9, 0.8, 0.3], {}),
    ("only zeros", [0, 0, 0], [0.1, 0.2, 0.3], {}),
    ("only ones", [1, 1], [0.1, 0.2], {}),
    ("pos_label 0", [0, 1, 1], [0.9, 0.2, 0.1], {"pos_label": 0}),
    ("str with pos_label", ["ham", "spam", "spam"], [0.2, 0.7, 0.9], {"pos_label": "spam"}),
    ("absent pos_label", ["a", "a"], [0.1, 0.2], {"pos_label": "b"}),
    ("two columns", [0, 1, 1], [[0.8, 0.2], [0.3, 0.7], [0.5, 0.5]], {}),
]


@pytest.mark.parametrize(
    ("y", "p", "kwargs"), [c[1:] for c in BINARY_CASES], ids=[c[0] for c in BINARY_CASES]
)
def test_binary_matches_sklearn(y, p, kwargs):
    if np.ndim(p) == 2 and SKLEARN < (1, 7):
        pytest.skip("scikit-learn < 1.7 takes 1-D probabilities only")
    assert brier_score_loss(y, p, **kwargs) == pytest.approx(
        sk.brier_score_loss(y, p, **kwargs), rel=1e-12
    )


@needs_multiclass_brier
@pytest.mark.parametrize("scale_by_half", ["auto", True, False])
def test_multiclass_matches_sklearn(scale_by_half):
    rng = np.random.default_rng(1)
    y = rng.choice(["eggs", "ham", "spam"], 500)
    P = rng.dirichlet(np.ones(3), 500)
    w = rng.random(500)
    ours = brier_score_loss(y, P, sample_weight=w, scale_by_half=scale_by_half)
    theirs = sk.brier_score_loss(y, P, sample_weight=w, scale_by_half=scale_by_half)
    assert ours == pytest.approx(theirs, rel=1e-12)


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"y_proba": [0.2, 1.2]}, "y_proba"),
        ({"y_true": [0, 1, 2], "y_proba": [0.2, 0.3, 0.4]}, "binary"),
        ({"scale_by_half": "yes"}, "scale_by_half"),
        ({"sample_weight": [1, -1]}, "sums to zero"),
    ],
    ids=["range", "three classes 1-D", "scale_by_half", "zero weight sum"],
)
def test_bad_input(kwargs, match):
    args = {"y_true": [0, 1], "y_proba": [0.2, 0.3], **kwargs}
    with pytest.raises(ValueError, match=match):
        brier_score_loss(args.pop("y_true"), args.pop("y_proba"), **args)
