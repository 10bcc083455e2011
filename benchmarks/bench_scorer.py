"""Time skbce's scorer against scikit-learn's "neg_log_loss", side by side, in one run.

Usage::

    python benchmarks/bench_scorer.py           # N = 1e6 calls, a search on 200k rows
    python benchmarks/bench_scorer.py --quick   # small sizes, for a smoke test

Two tables:

1. One scorer call on a fitted ``LogisticRegression`` (cheap to predict),
   best of several calls, in ms; ``predict_proba`` alone is timed too, as the
   floor both scorers share.  ``ratio`` is how many times faster skbce is.
   The "replayed" columns time the same calls on a classifier that returns
   stored probabilities: the scorers alone, without the cost (and the timing
   noise) of ``predict_proba``.
2. A ``GridSearchCV`` (5 folds, 3 values of ``C``) with each scorer, best of
   three runs taken in turns: the total time, the time spent fitting and
   scoring (``mean_fit_time`` and ``mean_score_time`` summed over candidates
   and folds) and the share of scoring in the total.  Fitting dominates and
   is the same work for both; differences in it are noise.

BLAS runs on one thread (threadpoolctl), the same for both sides: on a busy
machine threaded BLAS makes the fits, and so the totals, erratic.
"""

import argparse
import time

import numpy as np
from _measure import best_time
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import get_scorer
from sklearn.model_selection import GridSearchCV
from threadpoolctl import threadpool_limits

from skbce._scorer.scorer import make_scorer


class Replay(ClassifierMixin, BaseEstimator):
    """A fitted classifier that returns stored probabilities: times the scorer alone."""

    def __init__(self, fitted=None, X=None):
        self.fitted = fitted
        self.X = X
        self.classes_ = fitted.classes_
        self.proba_ = fitted.predict_proba(X)

    def predict_proba(self, X):
        return self.proba_


def dataset(n, n_classes, seed=0):
    """``n`` rows of 4 features; labels from a noisy linear model."""
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, 4))
    logits = X @ rng.normal(size=(4, n_classes)) + rng.gumbel(size=(n, n_classes))
    return X, np.argmax(logits, axis=1) if n_classes > 2 else (logits[:, 1] > logits[:, 0])


def scorer_table(n, repeat):
    """Print one scorer call at ``n`` rows, skbce against scikit-learn."""
    sk_scorer, our_scorer = get_scorer("neg_log_loss"), make_scorer()
    print(f"One scorer call, N = {n:.0e}, LogisticRegression fitted on 5 000 rows")
    header = (
        f"{'case':<12} {'predict_proba':>14} {'neg_log_loss':>13} {'skbce':>8} "
        f"{'ratio':>6} {'| replayed:':>12} {'neg_log_loss':>13} {'skbce':>8} {'ratio':>6} "
        f"{'same value':>11}"
    )
    print(header)
    print("-" * len(header))
    for name, n_classes in (("binary", 2), ("5 classes", 5)):
        X, y = dataset(n, n_classes)
        clf = LogisticRegression().fit(X[:5000], y[:5000])
        t_proba = best_time(lambda clf=clf, X=X: clf.predict_proba(X), repeat)
        t_sk = best_time(lambda clf=clf, X=X, y=y: sk_scorer(clf, X, y), repeat)
        t_ours = best_time(lambda clf=clf, X=X, y=y: our_scorer(clf, X, y), repeat)
        same = np.isclose(sk_scorer(clf, X, y), our_scorer(clf, X, y), rtol=1e-9, atol=0)
        replay = Replay(clf, X)
        r_sk = best_time(lambda replay=replay, X=X, y=y: sk_scorer(replay, X, y), repeat)
        r_ours = best_time(lambda replay=replay, X=X, y=y: our_scorer(replay, X, y), repeat)
        print(
            f"{name:<12} {t_proba:>11.1f} ms {t_sk:>10.1f} ms {t_ours:>5.1f} ms "
            f"{t_sk / t_ours:>5.1f}x {'|':>12} {r_sk:>10.1f} ms {r_ours:>5.1f} ms "
            f"{r_sk / r_ours:>5.1f}x {'yes' if same else 'NO':>11}"
        )


def search_table(n, repeat):
    """Print a GridSearchCV with each scorer: total time and scoring share."""
    X, y = dataset(n, 2, seed=1)
    grid = {"C": [0.01, 0.1, 1.0]}
    print(f"\nGridSearchCV, 5 folds x {len(grid['C'])} values of C, N = {n:.0e}")
    header = (
        f"{'scoring':<14} {'total':>9} {'fitting':>9} {'scoring':>9} {'share':>6} "
        f"{'best C':>7} {'mean score (best)':>18}"
    )
    print(header)
    print("-" * len(header))
    rows = {"neg_log_loss": "neg_log_loss", "skbce": make_scorer()}
    best = {name: (np.inf, None) for name in rows}
    for _ in range(repeat):  # alternate, so that load on the machine hits both
        for name, scoring in rows.items():
            search = GridSearchCV(LogisticRegression(), grid, cv=5, scoring=scoring)
            start = time.perf_counter()
            search.fit(X, y)
            total = time.perf_counter() - start
            if total < best[name][0]:
                best[name] = (total, search)
    for name, (total, search) in best.items():
        results = search.cv_results_
        scoring_time = results["mean_score_time"].sum() * search.n_splits_
        fit_time = results["mean_fit_time"].sum() * search.n_splits_
        print(
            f"{name:<14} {total * 1e3:>6.0f} ms {fit_time * 1e3:>6.0f} ms "
            f"{scoring_time * 1e3:>6.0f} ms {scoring_time / total:>6.1%} "
            f"{search.best_params_['C']:>7} {search.best_score_:>18.12f}"
        )


def main(argv=None):
    """Print both tables."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small sizes only")
    args = parser.parse_args(argv)
    with threadpool_limits(limits=1):  # BLAS threads make timings erratic on busy machines
        run(args.quick)


def run(quick):
    """Print both tables, small sizes when ``quick``."""
    if quick:
        scorer_table(10**5, repeat=3)
        search_table(20_000, repeat=1)
    else:
        scorer_table(10**6, repeat=7)
        search_table(200_000, repeat=3)


if __name__ == "__main__":
    main()
