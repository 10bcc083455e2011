"""``skbce demo``: tune two models by log loss on a bundled data set, compare their calibration."""

import os
import re
import time
import warnings

import numpy as np

from skbce._cli.output import check_output, text_table, write_output
from skbce._render.numbers import fmt

__all__ = ["command_demo"]

#: The models of the demo (kept small: the demo runs in seconds).
_DEMO_MODELS = ("logistic regression", "gradient boosting")

_SEARCH_HEADER = ["parameters", "log loss", "std", "accuracy", "rank"]


def _demo_models():
    from sklearn.ensemble import HistGradientBoostingClassifier
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    return {
        "logistic regression": (
            make_pipeline(StandardScaler(), LogisticRegression(max_iter=1000)),
            {"logisticregression__C": [0.01, 0.1, 1.0, 10.0, 100.0]},
        ),
        "gradient boosting": (
            HistGradientBoostingClassifier(max_iter=100, early_stopping=False, random_state=0),
            {"learning_rate": [0.03, 0.1, 0.3], "max_leaf_nodes": [4, 15]},
        ),
    }


def _short_params(params):
    return ", ".join(f"{k.split('__')[-1]}={v:g}" for k, v in params.items())


def _search_rows(search):
    """Rows (params, mean log loss, std, accuracy, rank) of a finished search."""
    res = search.cv_results_
    rows = []
    for i in np.argsort(res["rank_test_log_loss"], kind="stable"):
        rows.append(
            [
                _short_params(res["params"][i]),
                fmt(-res["mean_test_log_loss"][i]),
                fmt(res["std_test_log_loss"][i]),
                fmt(res["mean_test_accuracy"][i]),
                str(res["rank_test_log_loss"][i]),
            ]
        )
    return rows


class _Clock:
    """Prints lines with the seconds since the start."""

    def __init__(self):
        self.start = time.perf_counter()

    def say(self, text):
        print(f"[{time.perf_counter() - self.start:5.1f}s] {text}", flush=True)


def _tune(name, model, grid, X_train, y_train, clock):
    """Grid-search ``model`` by log loss; print the results; return the search."""
    from sklearn.model_selection import GridSearchCV, StratifiedKFold
    from threadpoolctl import threadpool_limits

    from skbce._scorer.scorer import get_scorer

    scoring = {"log_loss": get_scorer("neg_log_loss"), "accuracy": "accuracy"}
    cv = StratifiedKFold(5, shuffle=True, random_state=0)
    n_candidates = int(np.prod([len(v) for v in grid.values()]))
    clock.say(f"tuning {name}: {n_candidates} candidates x 5 folds, scored by log loss ...")
    search = GridSearchCV(model, grid, scoring=scoring, refit="log_loss", cv=cv)
    # one thread: on 400 samples threads cost more than they bring, and
    # OpenMP threads spinning on a busy machine slow the fits tenfold
    with warnings.catch_warnings(), threadpool_limits(1, user_api="openmp"):
        warnings.simplefilter("ignore")  # convergence chatter of weak candidates
        search.fit(X_train, y_train)
    clock.say(
        f"  best: {_short_params(search.best_params_)}, cross-validated log loss "
        f"{fmt(-search.best_score_)}"
    )
    print(text_table(_SEARCH_HEADER, _search_rows(search)), flush=True)
    res = search.cv_results_
    by_accuracy = int(np.argmin(res["rank_test_accuracy"]))
    if by_accuracy != search.best_index_:
        print(
            f"  (accuracy alone would pick {_short_params(res['params'][by_accuracy])}"
            f": log loss {fmt(-res['mean_test_log_loss'][by_accuracy])})",
            flush=True,
        )
    return search


def _reliability_text(reports):
    """The reliability tables of the reports side by side, as text."""
    first = next(iter(reports.values())).reliability
    header = ["bin"]
    rows = [
        [f"({lo:.1f}, {hi:.1f}]"] for lo, hi in zip(first.bin_lower, first.bin_upper, strict=True)
    ]
    for report in reports.values():
        rel = report.reliability
        header += ["n", "predicted", "observed"]
        for row, n, mp, ob, empty in zip(
            rows, rel.count, rel.mean_predicted, rel.observed, rel.empty, strict=True
        ):
            row += ["0", "-", "-"] if empty else [f"{n:,}", fmt(mp), fmt(ob)]
    lines = text_table(header, rows).splitlines()
    # the name of each model above its three columns
    starts = [m.start() for m in re.finditer(r"\s+n\b", lines[0])]
    names = " " * len(lines[0])
    for start, name in zip(starts, reports, strict=True):
        names = names[:start] + f"  {name}" + names[start + len(name) + 2 :]
    return "\n".join([names.rstrip(), *lines])


def _write_page(comparison, searches, n_samples, n_features, output):
    best = "; ".join(
        f"{name}: {_short_params(search.best_params_)}" for name, search in searches.items()
    )
    subtitle = (
        f"The breast cancer data set that ships with scikit-learn: {n_samples} samples, "
        f"{n_features} features. Each model is tuned by GridSearchCV on 70% of the data, "
        "scored by skbce's neg_log_loss scorer (5-fold cross-validation), and its best "
        f"version is reported on the remaining 30% ({best})."
    )
    page = comparison.to_html(title="skbce demo: tuned by log loss", subtitle=subtitle)
    write_output(page, output)
    return "standard output" if output == "-" else os.path.abspath(output)


def command_demo(args):
    """``skbce demo``: tune two models by log loss, compare their calibration."""
    from sklearn.datasets import load_breast_cancer
    from sklearn.model_selection import train_test_split

    from skbce._report.report import CalibrationReport, compare_calibration

    check_output(args.output, [])  # before the work, not after
    clock = _Clock()
    data = load_breast_cancer()
    X, y = data.data, data.target_names[data.target]
    X_train, X_test, y_train, y_test = train_test_split(
        X, y, test_size=0.3, stratify=y, random_state=0
    )
    clock.say(
        f"breast cancer data (ships with scikit-learn): {X.shape[0]} samples, "
        f"{X.shape[1]} features, classes {sorted(map(str, set(y)))}; {len(y_train)} to train, "
        f"{len(y_test)} to test"
    )
    searches, reports = {}, {}
    for name, (model, grid) in _demo_models().items():
        searches[name] = _tune(name, model, grid, X_train, y_train, clock)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # kept in report.notes
            reports[name] = CalibrationReport.from_estimator(
                searches[name].best_estimator_, X_test, y_test, n_bins=5
            )
    positive = reports[_DEMO_MODELS[0]].pos_label
    clock.say(f"calibration on the {len(y_test)} test samples (positive class {positive!r}):")
    comparison = compare_calibration(reports)
    print(comparison, flush=True)
    print(f"\nreliability on the test set\n{_reliability_text(reports)}", flush=True)
    path = _write_page(comparison, searches, X.shape[0], X.shape[1], args.output)
    clock.say(f"wrote the HTML report to {path}: open it in a web browser")
    return 0
