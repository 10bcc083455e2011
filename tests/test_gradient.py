"""bce_gradient_hessian against finite differences, and a Newton fit."""

import numpy as np
import pytest
from sklearn.datasets import make_classification
from sklearn.linear_model import LogisticRegression

from skbce import bce_gradient_hessian, binary_cross_entropy


def per_sample_loss(y, z, **kwargs):
    return binary_cross_entropy(y, z, from_logits=True, reduction="none", **kwargs)


@pytest.mark.parametrize("pos_weight", [None, 2.5], ids=["plain", "pos_weight"])
@pytest.mark.parametrize("soft", [False, True], ids=["hard", "soft"])
def test_matches_central_finite_differences(pos_weight, soft):
    rng = np.random.default_rng(0)
    n = 50
    y = rng.random(n) if soft else rng.integers(0, 2, n)
    z = rng.normal(0, 4, n)
    w = rng.random(n) + 0.5
    grad, hess = bce_gradient_hessian(y, z, sample_weight=w, pos_weight=pos_weight)
    h = 1e-5
    kw = {"pos_weight": pos_weight, "sample_weight": w}
    up, down = per_sample_loss(y, z + h, **kw), per_sample_loss(y, z - h, **kw)
    np.testing.assert_allclose(grad, (up - down) / (2 * h), rtol=1e-6, atol=1e-9)
    # the Hessian as the finite difference of the (just checked) gradient
    grad_up, _ = bce_gradient_hessian(y, z + h, sample_weight=w, pos_weight=pos_weight)
    grad_down, _ = bce_gradient_hessian(y, z - h, sample_weight=w, pos_weight=pos_weight)
    np.testing.assert_allclose(hess, (grad_up - grad_down) / (2 * h), rtol=1e-6, atol=1e-10)


def test_plain_case_is_p_minus_y():
    z = np.array([-3.0, 0.5, 2.0])
    y = np.array([1, 0, 1])
    p = 1 / (1 + np.exp(-z))
    grad, hess = bce_gradient_hessian(y, z)
    np.testing.assert_allclose(grad, p - y, rtol=1e-14)
    np.testing.assert_allclose(hess, p * (1 - p), rtol=1e-14)


def test_stable_for_extreme_logits():
    grad, hess = bce_gradient_hessian([1, 0, 1, 0], [800.0, -800.0, -800.0, 800.0])
    assert np.all(np.isfinite(grad)) and np.all(np.isfinite(hess))
    np.testing.assert_allclose(grad, [-np.exp(-800.0), np.exp(-800.0), -1.0, 1.0])
    assert np.all(hess >= 0)
    g, _ = bce_gradient_hessian([1], [40.0])
    assert g[0] == pytest.approx(-np.exp(-40.0), rel=1e-12)  # no 1 - p cancellation


def test_multilabel_shape():
    Y = np.array([[1, 0, 1], [0, 1, 1]])
    Z = np.array([[2.0, -1.0, 0.5], [-2.0, 1.0, 0.0]])
    grad, hess = bce_gradient_hessian(Y, Z, pos_weight=[1.0, 2.0, 3.0])
    assert grad.shape == hess.shape == (2, 3)


def test_newton_reaches_sklearn_logistic_regression():
    X, y = make_classification(
        n_samples=400, n_features=4, n_informative=3, n_redundant=0, random_state=0
    )
    Xb = np.column_stack([np.ones(len(X)), X])
    beta = np.zeros(Xb.shape[1])
    for _ in range(30):
        grad, hess = bce_gradient_hessian(y, Xb @ beta)
        step = np.linalg.solve(Xb.T @ (hess[:, None] * Xb), Xb.T @ grad)
        beta -= step
        if np.max(np.abs(step)) < 1e-12:
            break
    reference = LogisticRegression(C=np.inf, tol=1e-12, max_iter=10_000).fit(X, y)
    np.testing.assert_allclose(beta[1:], reference.coef_[0], rtol=1e-5)
    np.testing.assert_allclose(beta[0], reference.intercept_[0], rtol=1e-5)


@pytest.mark.parametrize("weights", [[1.0, -1.0, 2.0], [0.0, -1e-300, 1.0]])
def test_negative_weights_are_refused(weights):
    # a negative weight would make the Hessian negative (the docstring promises
    # a convex objective), so the weights are refused by name
    with pytest.raises(ValueError, match="sample_weight must be non-negative"):
        bce_gradient_hessian([0, 1, 1], [0.5, -1.0, 2.0], sample_weight=weights)


def test_zero_weights_give_zero_terms():
    grad, hess = bce_gradient_hessian([0, 1, 1], [0.5, -1.0, 2.0], sample_weight=[0.0, 1.0, 2.0])
    assert grad[0] == 0.0
    assert hess[0] == 0.0
    assert np.all(hess[1:] > 0)
