"""Logistic recalibration against R: ``glm`` + ``confint.default``, and ``rms::val.prob``.

R is the oracle.  The calibration slope and intercept are the coefficients of
``glm(y ~ qlogis(p), binomial)``, calibration-in-the-large the intercept of
``glm(y ~ offset(qlogis(p)), binomial)``; their Wald intervals are
``confint.default`` (``estimate +- z * se``, the standard errors at the final
estimate).  R's ``glm`` runs to a tight tolerance, so that its own last
iteration leaves no error in the sixth digit.  Weights are prior weights in R
(frequencies, as in skbce).  Predictions of exactly 0 or 1 are left out of the
fits on both sides (``glm`` on the rows with ``0 < p < 1``, as ``val.prob``).
"""

import sys
import warnings
from pathlib import Path

import numpy as np
import pytest
from scipy.special import expit, logit, ndtri

from skbce import calibration_report

sys.path.insert(0, str(Path(__file__).parent))
from r_oracle import run_r  # noqa: E402

RTOL = 1e-6

_GLM = r"""
keep <- d$p > 0 & d$p < 1
x <- qlogis(d$p[keep]); y <- d$y[keep]; w <- d$w[keep]
ctl <- glm.control(epsilon = 1e-15, maxit = 200)
fit <- function(formula, start = NULL) suppressWarnings(
  glm(formula, family = binomial, weights = w, start = start, control = ctl))
cox <- fit(y ~ x)
citl <- fit(y ~ offset(x), 0)  # R's default start diverges on logits of -700
ci <- confint.default(cox, level = LEVEL)
cl <- confint.default(citl, level = LEVEL)
result <- list(
  intercept = c(coef(cox)[[1]], ci[1, 1], ci[1, 2]),
  slope = c(coef(cox)[[2]], ci[2, 1], ci[2, 2]),
  in_the_large = c(coef(citl)[[1]], cl[1, 1], cl[1, 2]),
  se = unname(sqrt(diag(vcov(cox))))
)
"""


def _data(n, seed, *, power=1.0, weighted=False, exact=0, far=False):
    """Predictions ``expit(power * logit(q))`` of outcomes drawn with probability ``q``.

    ``exact`` rows of each of 0 and 1; ``far``: a few logits beyond +-36 (the
    float64 epsilon), which enter the fit as they are.
    """
    rng = np.random.default_rng(seed)
    q = rng.beta(2, 3, n)
    y = (rng.random(n) < q).astype(float)
    p = expit(power * logit(q))
    if exact:  # exact 0s and 1s, on both outcomes
        p[:exact] = 0.0
        p[exact : 2 * exact] = 1.0
    if far:
        p[-6:] = [1e-20, 1e-200, 5e-324, 1 - 2**-52, 1 - 2**-50, 1e-15]
        y[-6:] = [0.0, 0.0, 0.0, 1.0, 1.0, 1.0]
    w = rng.uniform(0.2, 3.0, n) if weighted else np.ones(n)
    return y, p, w


CASES = {
    "n30": {"n": 30, "seed": 1},
    "n1000": {"n": 1000, "seed": 2},
    "overconfident": {"n": 1000, "seed": 3, "power": 2.0},
    "underconfident": {"n": 1000, "seed": 4, "power": 0.5},
    "weighted": {"n": 500, "seed": 5, "weighted": True},
    "weighted-n30": {"n": 30, "seed": 6, "weighted": True, "power": 1.5},
    "large-warm-start": {"n": 200_000, "seed": 7, "power": 1.2},
    "large-weighted-warm-start": {"n": 150_000, "seed": 12, "power": 0.6, "weighted": True},
    "smallest-warm-start": {"n": 70_000, "seed": 13, "power": 1.4},
    "exact-0-and-1": {"n": 300, "seed": 8, "exact": 4},
    "far-logits": {"n": 300, "seed": 10, "far": True},
    "weighted-exact-and-far": {"n": 400, "seed": 11, "weighted": True, "exact": 3, "far": True},
}


def _report(y, p, w, weighted, level=0.95):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        return calibration_report(
            y, p, sample_weight=w if weighted else None, n_bins=5, confidence_level=level
        )


@pytest.mark.parametrize("level", [0.95, 0.8])
@pytest.mark.parametrize("case", list(CASES), ids=list(CASES))
def test_logistic_recalibration_matches_glm_and_confint_default(case, level):
    spec = CASES[case]
    y, p, w = _data(**spec)
    r = run_r(_GLM.replace("LEVEL", repr(level)), y=y, p=p, w=w)
    report = _report(y, p, w, spec.get("weighted", False), level)
    for name in ("slope", "intercept", "in_the_large"):
        mine = getattr(report, f"calibration_{name}")
        np.testing.assert_allclose(tuple(mine), r[name], rtol=RTOL, atol=1e-9, err_msg=name)
    # the standard errors themselves, from the intervals' half-widths
    z = ndtri(0.5 + level / 2)
    for i, name in enumerate(("intercept", "slope")):
        estimate = getattr(report, f"calibration_{name}")
        assert (estimate.high - estimate.low) / (2 * z) == pytest.approx(r["se"][i], rel=RTOL)


def test_exact_zero_and_one_predictions_are_counted_in_a_note_and_match_val_prob():
    y, p, _ = _data(300, seed=9, exact=3)
    p[6] = 0.0  # 4 zeros, 3 ones
    r = run_r(
        "v <- suppressWarnings(val.prob(d$p, d$y, pl = FALSE))\n"
        "result <- list(intercept = v[['Intercept']], slope = v[['Slope']])",
        packages=("rms",),
        y=y,
        p=p,
    )
    with pytest.warns(RuntimeWarning, match="4 prediction"):
        report = calibration_report(y, p, n_bins=5)
    # val.prob's lrm.fit stops at a loose tolerance: agreement to 1e-4
    assert report.calibration_slope.estimate == pytest.approx(r["slope"], rel=1e-4)
    assert report.calibration_intercept.estimate == pytest.approx(r["intercept"], rel=1e-4)
    note = [n for n in report.notes if "exactly 0" in n]
    assert len(note) == 1
    assert "4 prediction(s) of exactly 0 and 3 of exactly 1" in note[0]
    assert "left out of the logistic recalibration" in note[0]
