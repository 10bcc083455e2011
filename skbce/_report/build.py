"""Validate once, compute with the calibration layer, and fill a report's fields.

The report class is passed in as ``factory`` (called with the fields as
keyword arguments), so this module does not import it and the class can
build itself (``CalibrationReport.from_estimator``).
"""

import threading
import warnings
from typing import NamedTuple

import numpy as np

from skbce._calibration.binning_free import binning_free_errors
from skbce._calibration.intervals import (
    INTERVAL_COLUMNS,
    exact_intervals,
    loss_moments,
    multiclass_loss_intervals,
)
from skbce._calibration.multiclass import auc_classes, auc_note, multiclass_scores, top_label
from skbce._calibration.recalibration_gain import recalibration_gain
from skbce._calibration.sorting import sort_keys, sort_keys_of
from skbce._calibration.statistics import binary_statistics
from skbce._calibration.subgroups import check_groups, subgroup_table, validation_statistics
from skbce._calibration.uncertainty import uncertainty
from skbce._losses import parallel
from skbce._losses.numpy_sums import rows_off, warn_rows
from skbce._losses.parallel import side_by_side
from skbce._render.definitions import RELIABILITY_COLUMNS
from skbce._report.table import Table
from skbce._utils.binary_targets import validate_binary
from skbce._utils.numeric import weighted_sum
from skbce._utils.options import (
    check_baseline,
    check_bool,
    check_confidence_level,
    check_n_bins,
    check_n_resamples,
    check_response_method,
    check_seed,
    check_strategy,
    positive_rate,
)
from skbce._utils.validation import check_proba, labels_of, n_samples_of, validate_multiclass

__all__ = [
    "Settings",
    "build_report",
    "check_X_y",
    "check_y_classes",
    "collect_warnings",
    "index_of",
    "response",
    "take",
]


def _floating_point(w):
    """Whether a warning is numpy's report of a floating-point event ("... encountered in ...")."""
    return issubclass(w.category, RuntimeWarning) and " encountered in " in str(w.message)


def collect_warnings(func, *args, **kwargs):
    """Run ``func``; return its result and the messages of its warnings, re-issued once each.

    numpy's floating-point warnings (an ``inf`` or NaN met in the arithmetic)
    are left out: the statistics they touch carry their own notes.
    """
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        result = func(*args, **kwargs)
    notes = {}
    for w in caught:
        if _floating_point(w) or str(w.message) in notes:
            continue
        notes[str(w.message)] = None
        warnings.warn_explicit(w.message, w.category, w.filename, w.lineno)
    return result, list(notes)


def _reliability(rel):
    """The reliability table, with the gap and the empty flag of each bin."""
    columns = dict(rel)
    empty = columns["weight"] == 0
    columns["gap"] = np.where(empty, np.nan, columns["mean_predicted"] - columns["observed"])
    columns["empty"] = empty
    return Table({key: columns[key] for key in RELIABILITY_COLUMNS})


def _both_outcomes(t, w):
    """Whether the 0/1 outcomes ``t`` hold both among the samples of non-zero weight."""
    # positive and negative weights apart: a sum of both would lose a small one
    # (t holds 0.0 and 1.0: counts and masked sums need no full-size float temporaries)
    if w is None:
        positive = np.count_nonzero(t)
        negative = t.shape[0] - positive
    else:
        positive, negative = weighted_sum(t, w), weighted_sum(t == 0, w)
    return bool(positive > 0 and negative > 0)


def _check_both_classes(t, w, one_class):
    if not (one_class or _both_outcomes(t, w)):
        msg = (
            "y_true holds a single class (among the samples of non-zero weight); "
            "calibration needs both classes."
        )
        raise ValueError(msg)


def _standard_fields(
    p_s, y_s, w_s, stats, *, confidence_level, random_state, n_resamples, clip_dtype
):
    """The validation standard (val.prob, hierarchy, gain), binning-free errors, uncertainty.

    Every log loss clips ``p_s`` to the bounds of ``clip_dtype``.
    """
    seed = 0 if random_state is None else random_state  # a report is reproducible

    def standard():
        found = validation_statistics(p_s, y_s, w_s, stats, confidence_level=confidence_level)
        return found, binning_free_errors(p_s, y_s, w_s)

    def others():
        gain = recalibration_gain(
            p_s,
            y_s,
            w_s,
            random_state=seed,
            confidence_level=confidence_level,
            clip_dtype=clip_dtype,
        )
        exact = exact_intervals(p_s, y_s, w_s, stats, confidence_level, clip_dtype=clip_dtype)
        return gain, exact

    # two halves of about equal time at N = 1e7; weighted data in turn (their temporaries
    # side by side would take more than 4x the memory of the probabilities)
    (found, (debiased, sweep)), (gain, exact) = side_by_side(
        standard, others, p_s.shape[0] if w_s is None else 0
    )
    fields = (
        found.indices._asdict()
        | found.errors._asdict()
        | {
            "flexible_curve": found.curve,
            "hierarchy": found.hierarchy,
            "recalibration_gain": gain,
            "debiased_rmsce": debiased,
            "ece_sweep": sweep,
        }
    )
    found = uncertainty(
        p_s,
        y_s,
        w_s,
        stats | fields,
        exact=exact,
        n_resamples=n_resamples,
        random_state=seed,
        confidence_level=confidence_level,
        clip_dtype=clip_dtype,
    )
    found["intervals"] = Table(found["intervals"])
    return fields | found


def _sorted(data, clip_dtype):
    """``(p_s, y_s, w_s, moments)`` of ``data = [t, p, w]`` (emptied): sorted data, losses' moments.

    Large unweighted data (:data:`~skbce._losses.parallel.OVERLAP_SAMPLES`)
    have the moments of their per-sample losses (for the t intervals,
    :func:`~skbce._calibration.intervals.loss_moments`) computed on a worker
    thread while the calling thread sorts (the sort releases the GIL);
    otherwise ``moments`` is None and the intervals take their own pass
    later.  ``t`` and ``p`` are then kept until both are done.
    """
    w, p, t = data.pop(), data.pop(), data.pop()
    keys = sort_keys_of(t, p, w)
    n = p.shape[0]
    if w is not None or n < parallel.OVERLAP_SAMPLES:
        del t, p, w  # the sort then takes no memory beyond its own
        return (*sort_keys(keys), None)
    (p_s, y_s, w_s), moments = side_by_side(
        lambda: sort_keys(keys), lambda: loss_moments(p, t, clip_dtype=clip_dtype), n
    )
    return p_s, y_s, w_s, moments


def binary_fields(
    data,
    *,
    n_bins,
    strategy,
    confidence_level,
    baseline,
    groups=None,
    random_state=None,
    n_resamples=200,
    one_class=False,
    clip_dtype=np.float64,
):
    """The fields of the report of validated binary data ``[t, p, w]`` (emptied).

    ``one_class`` lets ``t`` hold one outcome only (the statistics that need
    both are then NaN, with warnings): the top-label view of a multiclass
    model that is always, or never, right.  ``clip_dtype`` is the dtype of
    the probabilities as given (``p`` is float64): every log loss clips to
    its bounds, as :func:`skbce.log_loss` does; no other statistic clips.
    """
    t, p, w = data
    n_rows = p.shape[0]
    n_bins = check_n_bins(n_bins, n_rows)
    _check_both_classes(t, w, one_class)
    subgroups = None
    if groups is not None:
        labels = check_groups(groups, n_rows)
        subgroups = subgroup_table(
            t,
            p,
            w,
            labels,
            n_bins=n_bins,
            strategy=strategy,
            confidence_level=confidence_level,
            clip_dtype=clip_dtype,
        )
    del t, p, w  # ``data`` holds the only references: the sort frees them (see _sorted)
    p_s, y_s, w_s, moments = _sorted(data, clip_dtype)
    stats, notes = collect_warnings(
        binary_statistics,
        p_s,
        y_s,
        w_s,
        n_bins=n_bins,
        strategy=strategy,
        confidence_level=confidence_level,
        baseline=baseline,
        clip_dtype=clip_dtype,
    )
    if moments is not None:
        stats["loss_moments"] = moments
    standard, more_notes = collect_warnings(
        _standard_fields,
        p_s,
        y_s,
        w_s,
        stats,
        confidence_level=confidence_level,
        random_state=random_state,
        n_resamples=n_resamples,
        clip_dtype=clip_dtype,
    )
    stats |= standard
    stats.pop("loss_moments", None)
    stats["n_samples"] = n_rows
    stats["reliability"] = _reliability(stats["reliability"])
    return stats | {
        "task": "binary",
        "convention": "positive class",
        "n_bins": n_bins,
        "strategy": strategy,
        "confidence_level": confidence_level,
        "n_resamples": n_resamples,
        "subgroups": subgroups,
        "notes": notes + [m for m in more_notes if m not in notes],
    }


def _softmax(z, name):
    from scipy.special import softmax
    from sklearn.utils import check_array

    z = check_array(z, dtype=np.float64, input_name=name)
    return softmax(z, axis=1)


def _label(value):
    return value.item() if isinstance(value, np.generic) else value


def index_of(classes, label):
    """Position of ``label`` in ``classes``, or a ValueError naming pos_label."""
    matches = [i for i, c in enumerate(np.asarray(classes).tolist()) if c == label]
    if not matches:
        msg = f"pos_label={label!r} is not a class: {np.asarray(classes).tolist()}."
        raise ValueError(msg)
    return matches[0]


class Settings(NamedTuple):
    """The report's options, as given (:func:`build_report` checks them)."""

    n_bins: object = 10
    strategy: object = "uniform"
    confidence_level: object = 0.95
    baseline: object = None
    per_class: bool = False
    groups: object = None
    random_state: object = None
    n_resamples: object = 200


def _is_matrix(y_proba):
    """Whether ``y_proba`` has one column per class (a ragged sequence is refused)."""
    try:
        shape = np.shape(y_proba)
    except ValueError:
        msg = "y_proba must be a rectangular array-like, got rows of different lengths."
        raise ValueError(msg) from None
    return len(shape) == 2 and shape[1] > 1


def _clip_dtype(y_proba, from_logits):
    """``(y_proba, clip_dtype)``: the probabilities checked, and the dtype whose bounds clip.

    The report computes on float64 copies of the probabilities; its log
    losses clip them to the :func:`~skbce._utils.numeric.clip_bounds` of their
    dtype as given (float16, float32 or float64, the dtypes
    :func:`~skbce._utils.validation.check_proba` keeps), as
    :func:`skbce.log_loss` does.  Logits become float64 probabilities
    (``expit``, ``softmax``), clipped to the float64 bounds.
    """
    if from_logits:
        return y_proba, np.dtype(np.float64)
    y_proba = check_proba(y_proba)
    return y_proba, y_proba.dtype


#: Reports are built one at a time: their notes are the warnings caught by
#: ``warnings.catch_warnings``, which is process-wide (reports built at once on
#: several threads took each other's notes, and left filters behind).
_BUILDING = threading.RLock()


def build_report(factory, y_true, y_proba, sample_weight, options, **given):
    """Validate once and build the report (binary or multiclass) with ``factory``.

    ``options`` is a :class:`Settings`, unchecked; ``given``: ``pos_label``,
    ``from_logits`` and ``labels``.  One report is built at a time (the
    threads of the block kernels still serve it).
    """
    data = [y_true, y_proba, sample_weight]
    del y_true, y_proba, sample_weight  # the report frees the arrays it no longer needs
    with _BUILDING:
        return _build_report(factory, data, options, **given)


def _build_report(factory, data, options, *, pos_label, from_logits=False, labels=None):
    y_true, y_proba, sample_weight = data
    data.clear()
    settings = options._asdict()
    per_class = check_bool(settings.pop("per_class"), "per_class")
    settings["strategy"] = check_strategy(settings["strategy"])
    settings["confidence_level"] = check_confidence_level(settings["confidence_level"])
    settings["n_resamples"] = check_n_resamples(settings["n_resamples"])
    settings["random_state"] = check_seed(settings["random_state"])
    matrix = _is_matrix(y_proba)
    y_proba, settings["clip_dtype"] = _clip_dtype(y_proba, from_logits)
    if matrix:
        if from_logits:
            y_proba = _softmax(y_proba, "y_proba")
        codes, P, w, classes = validate_multiclass(
            y_true, y_proba, sample_weight=sample_weight, labels=labels
        )
        _, input_notes = collect_warnings(lambda: rows_off(P) and warn_rows(stacklevel=7))
        if P.shape[1] > 2:
            return _multiclass_report(
                factory, codes, P, w, classes, settings, per_class, input_notes
            )
        pos = 1 if pos_label is None else index_of(classes, pos_label)
        data = [(codes == pos).astype(np.float64), P[:, pos], w]
        ordered = np.array([classes[1 - pos], classes[pos]], dtype=object)
        pos_label = _label(classes[pos])
        del codes, P, w
    else:
        input_notes = []
        if labels is not None:
            msg = (
                "labels applies to a matrix of probabilities, one column per class; "
                "1-D probabilities are of the class pos_label."
            )
            raise ValueError(msg)
        *data, ordered = validate_binary(
            y_true,
            y_proba,
            sample_weight=sample_weight,
            pos_label=pos_label,
            from_logits=from_logits,
        )
        pos_label = _label(ordered[1])
    settings["baseline"] = positive_rate(settings["baseline"], ordered)
    del y_true, y_proba, sample_weight  # the report frees the arrays it no longer needs
    fields = binary_fields(data, **settings)
    fields["notes"][:0] = input_notes
    return factory(**fields, classes=ordered, pos_label=pos_label)


def _multiclass_report(factory, codes, P, w, classes, settings, per_class, input_notes):
    baseline = check_baseline(settings["baseline"], n_classes=P.shape[1])
    conf, correct = top_label(codes, P)
    one_class = not _both_outcomes(correct, w)
    top_note = []
    if one_class:
        right = np.count_nonzero(correct) if w is None else weighted_sum(correct, w)
        what = "every" if right > 0 else "no"
        top_note.append(
            f"The top label is right for {what} sample: the top-label statistics that "
            "need both outcomes (ROC AUC, calibration slope and intercept, "
            "calibration-in-the-large) are nan; per_class=True gives one-vs-rest reports."
        )
        warnings.warn(top_note[0], UserWarning, stacklevel=4)
    binary_settings = settings | {"baseline": None}
    fields = binary_fields([correct, conf, w], **binary_settings, one_class=one_class)
    fields["notes"][:0] = input_notes + top_note  # kept in the notes, as every warning
    scores, notes = collect_warnings(
        multiclass_scores, codes, P, w, baseline, clip_dtype=settings["clip_dtype"]
    )
    fields |= scores | {"task": "multiclass", "convention": "top label"}
    fields["notes"] += notes
    present = len(auc_classes(np.bincount(codes, weights=w, minlength=P.shape[1])))
    if present:  # data lacking a class of the model: a note, not a warning
        fields["notes"] += [n for n in [auc_note(present, P.shape[1])] if n is not None]
    fields["intervals"] = _all_class_intervals(fields, codes, P, w, settings)
    reports = None
    if per_class:
        reports = {}
        for j, label in enumerate(np.asarray(classes).tolist()):
            t = (codes == j).astype(np.float64)
            if not _both_outcomes(t, w):
                fields["notes"].append(f"No one-vs-rest report for class {label!r}: one class.")
                continue
            one = binary_fields([t, P[:, j], w], **binary_settings)
            reports[label] = factory(
                **one, classes=np.array(["rest", label], dtype=object), pos_label=label
            )
    return factory(**fields, classes=classes, pos_label=None, per_class=reports)


def _all_class_intervals(fields, codes, P, w, settings):
    """The top-label intervals, those of the all-class log loss and Brier score in place.

    The macro ROC AUC of a multiclass report has no interval (its row of the
    top label is dropped).
    """
    rows = multiclass_loss_intervals(
        codes,
        P,
        w,
        fields["log_loss"],
        fields["brier_score"],
        settings["confidence_level"],
        clip_dtype=settings["clip_dtype"],
    )
    replaced = {row.statistic for row in rows} | {"roc_auc"}
    table = fields["intervals"]
    keep = [i for i, name in enumerate(table.statistic.tolist()) if name not in replaced]
    columns = {name: [getattr(row, name) for row in rows] for name in INTERVAL_COLUMNS}
    for name in INTERVAL_COLUMNS:
        columns[name] += table[name][keep].tolist()
    return Table(columns)


# --- estimators ---------------------------------------------------------------------


def response(estimator, X, response_method):
    """Predictions of a fitted classifier: ``(scores, from_logits, labels)``.

    NaN or infinite scores are refused, naming the method; so are a regressor,
    an estimator without ``classes_`` (a clusterer, a mixture, an outlier
    detector) and the decision function of ``decision_function_shape='ovo'``
    (columns of pairs of classes), as the scorers refuse them.
    """
    from skbce._utils.sklearn_compat import check_one_column_per_class, fitted_classes

    methods = check_response_method(response_method)
    classes = fitted_classes(estimator)
    for method in methods:
        if hasattr(estimator, method):
            if method == "decision_function":
                check_one_column_per_class(estimator, len(classes))
            scores = np.asarray(getattr(estimator, method)(X))
            scores = _check_response_shape(scores, method, classes)
            if not _all_finite(scores):
                msg = (
                    f"The estimator's {method} returned NaN or infinite values; "
                    "probabilities need finite scores."
                )
                raise ValueError(msg)
            return scores, method != "predict_proba", classes
    msg = (
        f"estimator {type(estimator).__name__} has none of the methods {list(methods)} "
        f"that response_method={response_method!r} reads; cannot compute probabilities."
    )
    raise ValueError(msg)


def _all_finite(scores):
    """Whether no score is NaN or infinite (arrays that are not of numbers are checked later)."""
    return scores.dtype.kind not in "fc" or bool(np.all(np.isfinite(scores)))


def _check_response_shape(scores, method, classes):
    """``scores`` of ``method``, or a ValueError when they do not fit ``classes``.

    One column per class; two classes may also have one score (the positive
    class's probability or logit), 1-D or as a single column of logits.
    """
    k = len(classes)
    if scores.ndim == 2 and scores.shape[1] == 1 and k == 2 and method != "predict_proba":
        scores = scores[:, 0]
    if (scores.ndim == 1 and k == 2) or (scores.ndim == 2 and scores.shape[1] == k):
        return scores
    msg = (
        f"{method} returned an array of shape {scores.shape}, which does not match "
        f"the classifier's classes {np.asarray(classes).tolist()}."
    )
    raise ValueError(msg)


def sorted_classes(y_proba, classes, pos_label, from_logits):
    """An estimator's predictions for classes in sorted order: ``(y_proba, classes, pos_label)``.

    ``classes`` is the estimator's ``classes_``, in the order of its columns
    (custom estimators may not sort them): a matrix's columns are put in the
    sorted order the report reads.  The binary positive class defaults to
    ``classes_[1]``; a 1-D decision function is the logit of ``classes_[1]``,
    negated when ``pos_label`` is ``classes_[0]``.  A model of a single class
    is refused: its one column of ones is not a calibration problem.
    """
    classes = np.asarray(classes)
    if classes.shape[0] < 2:
        msg = (
            f"The estimator was fitted on a single class (classes_={classes.tolist()}); "
            "a calibration report needs a model of at least two classes."
        )
        raise ValueError(msg)
    if pos_label is None and classes.shape[0] == 2:
        pos_label = _label(classes[1])
    if y_proba.ndim == 1:
        if from_logits and pos_label is not None and index_of(classes, pos_label) == 0:
            y_proba = -y_proba
        return y_proba, classes, pos_label
    order = np.argsort(classes, kind="stable")
    return y_proba[:, order], classes[order], pos_label


def check_y_classes(y, classes):
    """Refuse labels of ``y`` that are not among the estimator's ``classes``, naming both.

    (The report's own check would name ``y_true`` and ``labels`` or
    ``pos_label``, which the caller of ``from_estimator`` did not pass.)
    """
    _, found = labels_of(y, "y")
    known = set(np.asarray(classes).tolist())
    unknown = [label for label in found.tolist() if label not in known]
    if unknown:
        msg = (
            f"y contains labels {unknown} that are not classes of the estimator "
            f"(classes_={np.asarray(classes).tolist()})."
        )
        raise ValueError(msg)


def check_X_y(X, y):
    """The number of samples of an estimator's input ``X`` and labels ``y``, which must agree.

    ``X`` is what the estimator reads: a sparse matrix too (the check of
    labels and scores refuses those), or a list of texts.
    """
    n_y = n_samples_of(y, "y")
    n_X = X.shape[0] if hasattr(X, "tocsr") else n_samples_of(X, "X")
    if n_X != n_y:
        msg = f"Inconsistent numbers of samples: X has {n_X}, y has {n_y}."
        raise ValueError(msg)
    return n_y


def take(X, idx):
    """Rows ``idx`` of ``X`` (a DataFrame, an array, a sparse matrix or a list)."""
    if hasattr(X, "iloc"):
        return X.iloc[idx]
    if hasattr(X, "tocsr") or hasattr(X, "shape"):
        return X[idx]
    return [X[i] for i in idx]
