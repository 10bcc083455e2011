"""val.prob's indices and the flexible calibration curve against R's ``rms::val.prob``.

R is the oracle: ``val.prob(p, y, pl = FALSE)`` on the same data, and for the
numbers val.prob only approximates, ``glm`` and ``pROC``:

* its C index (so Dxy) comes from ``lrm.fit``, which rounds the predictions
  to a grid of 5001 points: Dxy is compared with ``2 * pROC::auc - 1``;
* its recalibration (``lrm.fit``) stops when the deviance changes by less
  than 0.025, which on tiny data (n = 30) leaves the coefficients off in the
  fifth digit: U is compared with the deviance of ``glm(y ~ qlogis(p))`` at
  1e-8 everywhere, and with val.prob's U at 1e-6 from n = 200 up.
"""

import math
import sys
from pathlib import Path

import numpy as np
import pytest
from scipy.special import expit, logit

from skbce._calibration.valprob import val_prob, val_prob_indices

sys.path.insert(0, str(Path(__file__).parent))
from r_oracle import run_r  # noqa: E402

RTOL = 1e-6

_R_CODE = r"""
one <- function(p, y) {
v <- suppressWarnings(val.prob(p, y, pl = FALSE))
keep <- p > 0 & p < 1
lg <- qlogis(p[keep]); yk <- y[keep]
L01 <- -2 * sum(yk * lg - log1p(exp(lg)))
g <- glm(yk ~ lg, family = binomial, control = glm.control(epsilon = 1e-14, maxit = 100))
Sm <- lowess(p, y, iter = 0)
er <- abs(p - approx(Sm, xout = p, ties = mean)$y)
list(
  valprob = as.list(v),
  u_glm = L01 - deviance(g),
  d_p = pchisq(v[["D:Chi-sq"]], 1, lower.tail = FALSE),
  dxy_proc = 2 * as.numeric(pROC::auc(y, p, quiet = TRUE, direction = "<")) - 1,
  e50 = unname(quantile(er, 0.5))
)
}
result <- lapply(split(d, d$set), function(s) one(s$p, s$y))
"""


def _data(name):
    rng = np.random.default_rng(NAMES.index(name))
    n = {"n30": 30, "n1e5": 100_000}.get(name, 2000)
    true = rng.normal(-0.5, 1.3, n)
    y = (rng.uniform(size=n) < expit(true)).astype(float)
    p = {
        "overconfident": expit(1.8 * true),  # too extreme: slope < 1
        "underconfident": expit(0.5 * true),  # too modest: slope > 1
        "shifted": expit(true + 0.7),  # too high on average
        "ties": np.round(expit(true), 2),
    }.get(name, expit(true))
    if name == "zero_one":
        p[:15] = 0.0  # exact 0 and 1 predictions, all right
        y[:15] = 0.0
        p[15:25] = 1.0
        y[15:25] = 1.0
    return p, y


NAMES = [
    "calibrated",
    "overconfident",
    "underconfident",
    "shifted",
    "n30",
    "n1e5",
    "ties",
    "zero_one",
]


@pytest.fixture(scope="module")
def r_results():
    """val.prob, glm and pROC on every data set, in one R session."""
    data = [_data(name) for name in NAMES]
    sets = np.concatenate([np.full(p.shape, i) for i, (p, _) in enumerate(data)])
    p = np.concatenate([p for p, _ in data])
    y = np.concatenate([y for _, y in data])
    out = run_r(_R_CODE, packages=("rms", "pROC"), timeout=900, p=p, y=y, set=sets)
    return {name: out[str(i)] for i, name in enumerate(NAMES)}


@pytest.fixture(scope="module", params=NAMES)
def case(request, r_results):
    p, y = _data(request.param)
    r = r_results[request.param]
    if request.param == "zero_one":
        with pytest.warns(RuntimeWarning, match="exactly 0"):
            ours = val_prob(y, p)
    else:
        ours = val_prob(y, p)
    return request.param, ours, r


def test_indices_match_val_prob(case):
    name, ours, r = case
    v = r["valprob"]
    assert ours.nagelkerke_r2 == pytest.approx(v["R2"], rel=RTOL)
    assert ours.discrimination_index.index == pytest.approx(v["D"], rel=RTOL)
    assert ours.discrimination_index.statistic == pytest.approx(v["D:Chi-sq"], rel=RTOL)
    assert ours.discrimination_index.dof == 1
    # val.prob prints NA for D's p-value (its fit starts at the answer)
    assert ours.discrimination_index.pvalue == pytest.approx(r["d_p"], rel=RTOL, abs=1e-300)
    assert ours.unreliability.statistic == pytest.approx(r["u_glm"], rel=1e-8, abs=1e-9)
    assert ours.unreliability.dof == 2
    if name != "n30":  # lrm.fit stops early on tiny data (module docstring)
        assert ours.unreliability.index == pytest.approx(v["U"], rel=RTOL, abs=1e-9)
        assert ours.unreliability.statistic == pytest.approx(v["U:Chi-sq"], rel=RTOL, abs=1e-7)
        assert ours.unreliability.pvalue == pytest.approx(v["U:p"], rel=RTOL)
        assert ours.quality_index == pytest.approx(v["Q"], rel=RTOL)


def test_somers_dxy_matches_proc(case):
    name, ours, r = case
    if name == "zero_one":  # val.prob and our AUC differ here by design: compare with pROC
        assert ours.somers_dxy == pytest.approx(r["dxy_proc"], rel=1e-9)
        return
    assert ours.somers_dxy == pytest.approx(r["dxy_proc"], rel=1e-9)
    assert ours.somers_dxy == pytest.approx(r["valprob"]["Dxy"], abs=1e-4)  # rounded by lrm.fit


def test_curve_errors_match_val_prob(case):
    _, ours, r = case
    v = r["valprob"]
    assert ours.eavg == pytest.approx(v["Eavg"], rel=RTOL)
    assert ours.e90 == pytest.approx(v["E90"], rel=RTOL)
    assert ours.emax == pytest.approx(v["Emax"], rel=RTOL)
    assert ours.e50 == pytest.approx(r["e50"], rel=RTOL)


def test_zero_one_predictions_left_out_of_the_deviances():
    """Exact 0/1 predictions change D, U and R2 exactly as leaving their rows out does."""
    p, y = _data("zero_one")
    with pytest.warns(RuntimeWarning, match="exactly 0"):
        full = val_prob(y, p)
    kept = val_prob(y[25:], p[25:])
    assert full.discrimination_index == pytest.approx(kept.discrimination_index, rel=1e-9)
    assert full.unreliability.statistic == pytest.approx(kept.unreliability.statistic, rel=1e-6)
    assert full.nagelkerke_r2 == pytest.approx(kept.nagelkerke_r2, rel=1e-12)
    assert full.eavg != pytest.approx(kept.eavg, rel=1e-6)  # the curve keeps them


@pytest.mark.parametrize("n", [50, 3000])
def test_integer_weights_equal_repeated_rows(n):
    rng = np.random.default_rng(n)
    p = np.round(rng.uniform(0.02, 0.98, n), 3)
    y = (rng.uniform(size=n) < expit(1.3 * logit(p))).astype(int)
    w = rng.integers(0, 4, n)
    weighted = val_prob(y, p, sample_weight=w)
    repeated = val_prob(np.repeat(y, w), np.repeat(p, w))
    for field in ("somers_dxy", "nagelkerke_r2", "quality_index", "eavg", "e50", "e90", "emax"):
        assert getattr(weighted, field) == pytest.approx(getattr(repeated, field), rel=1e-9)
    for field in ("discrimination_index", "unreliability"):
        assert getattr(weighted, field) == pytest.approx(getattr(repeated, field), rel=1e-7)
    for a, b in zip(weighted.flexible_curve[:4], repeated.flexible_curve[:4], strict=True):
        np.testing.assert_allclose(a, b, rtol=1e-9, atol=1e-12)


def test_scaled_fractional_weights_change_nothing():
    rng = np.random.default_rng(3)
    p = rng.uniform(0.05, 0.95, 400)
    y = (rng.uniform(size=400) < p).astype(int)
    w = rng.uniform(0.1, 2.0, 400)
    a, b = val_prob(y, p, sample_weight=w), val_prob(y, p, sample_weight=7.3 * w)
    assert a.discrimination_index == pytest.approx(b.discrimination_index, rel=1e-9)
    assert (a.eavg, a.e90, a.emax) == pytest.approx((b.eavg, b.e90, b.emax), rel=1e-9)


def test_one_class_gives_nan_r2_and_no_error():
    p = np.array([0.2, 0.4, 0.6, 0.8])
    out = val_prob_indices(
        p, np.zeros(4, dtype=bool), roc_auc=math.nan, intercept=math.nan, slope=math.nan
    )
    assert math.isnan(out.nagelkerke_r2) and math.isnan(out.unreliability.statistic)
    assert out.discrimination_index.statistic < 0  # worse than the base rate of 0
    assert out.discrimination_index.pvalue == 1.0  # as R's pchisq of a negative statistic


@pytest.mark.parametrize("slope", [1.0, 0.8], ids=["calibrated", "too-extreme"])
def test_pooled_indices_above_exact_max_within_documented_bound(monkeypatch, slope):
    from skbce._calibration import valprob as module
    from skbce._calibration.statistics import binary_statistics

    rng = np.random.default_rng(9)
    p = np.sort(expit(rng.normal(-1.0, 1.5, 200_000)))
    y = rng.uniform(size=p.shape[0]) < expit(slope * logit(p))
    stats = binary_statistics(p, y, None)
    pooled = module.indices_of_statistics(p, y, None, stats)
    monkeypatch.setattr(module, "EXACT_MAX", 10**9)
    exact = module.indices_of_statistics(p, y, None, stats)
    assert pooled.discrimination_index.statistic == pytest.approx(
        exact.discrimination_index.statistic, rel=1e-4
    )
    assert pooled.nagelkerke_r2 == pytest.approx(exact.nagelkerke_r2, rel=1e-4)
    assert pooled.quality_index == pytest.approx(exact.quality_index, rel=1e-4)
    assert pooled.unreliability.statistic == pytest.approx(
        exact.unreliability.statistic, rel=1e-3, abs=0.01
    )
