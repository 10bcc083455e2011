"""The one module that touches scikit-learn's private API (and its version differences).

Private names of scikit-learn change without notice, so every use of them is
here, behind small named functions and classes, each saying why it is needed;
so are the few differences between supported versions of its public API.
The rest of the package uses only these names and scikit-learn's public API;
``tests/test_layers.py`` checks that no other module imports a private
scikit-learn name.

Checked against scikit-learn 1.6.0 (the oldest supported version, pinned in
``.ci/oldest.txt``) and 1.9.1 (the newest, which CI also runs); what is
used here is the same in both.  :func:`sklearn.metrics.make_scorer` returns an
instance of the private ``sklearn.metrics._scorer._Scorer``, whose
constructor is ``(score_func, sign, kwargs, response_method)`` (positional),
which keeps them as ``_score_func``, ``_sign``, ``_kwargs`` and
``_response_method``, and whose ``_score(method_caller, estimator, X, y_true,
**kwargs)`` is what both ``scorer(estimator, X, y)`` and scikit-learn's
multi-metric scoring call.
"""

import reprlib

import numpy as np
from sklearn.base import is_classifier, is_regressor
from sklearn.metrics import accuracy_score, make_scorer
from sklearn.utils.validation import check_is_fitted

__all__ = [
    "ScorerBase",
    "check_one_column_per_class",
    "fitted_classes",
    "is_classifier_or_false",
    "is_regressor_or_false",
]

#: The type :func:`sklearn.metrics.make_scorer` returns (``_Scorer``), whatever the metric.
_SklearnScorer = type(make_scorer(accuracy_score, response_method="predict"))


class ScorerBase(_SklearnScorer):
    """Base of scorers that scikit-learn treats as its own.

    Why a subclass: scikit-learn calls a scorer's private ``_score`` (not
    ``__call__``) in multi-metric scoring (``cross_validate`` with a dict,
    searches with several metrics), routes metadata (``set_score_request``,
    ``get_metadata_routing``) only through its scorer type, and decides
    whether to cache predictions from its ``_response_method``.  A plain
    callable loses metadata routing; this subclass keeps all of it.

    Subclasses implement ``score_estimator(estimator, X, y_true, **kwargs)``
    (greater is better, ``kwargs`` being the routed metadata) and read their
    settings through the public properties below, never through the
    private attributes that scikit-learn's constructor sets.

    Parameters
    ----------
    score_func : callable
        The metric ``score_func(y_true, y_score, **params)``.  scikit-learn
        reads its signature to know which metadata (``sample_weight``) the
        scorer accepts.
    sign : {1, -1}
        ``-1`` for losses (the scorer negates them).
    params : dict
        Options of the metric, given to :func:`make_scorer`.
    response_method : str or tuple of str
        The estimator method, or methods in order of preference, that the
        scorer reads.
    """

    def __init__(self, score_func, sign, params, response_method):
        # _Scorer's constructor is positional in every checked version.
        super().__init__(score_func, sign, params, response_method)

    @property
    def score_func(self):
        """The metric.

        Examples
        --------
        >>> from skbce import make_scorer
        >>> make_scorer("brier_score").score_func.__name__
        'brier_score_loss'
        """
        return self._score_func

    @property
    def sign(self):
        """``1`` for scores, ``-1`` for losses.

        The scorer returns ``sign * metric``, so that greater is better.

        Examples
        --------
        >>> from skbce import make_scorer
        >>> make_scorer("log_loss").sign, make_scorer("d2_log_loss_score").sign
        (-1, 1)
        """
        return self._sign

    @property
    def metric_params(self):
        """The options of the metric (a dict; do not modify it).

        Examples
        --------
        >>> from skbce import make_scorer
        >>> make_scorer("binary_cross_entropy", pos_weight=3.0).metric_params
        {'pos_weight': 3.0}
        """
        return self._kwargs

    def _score(self, method_caller, estimator, X, y_true, **kwargs):
        """Called by scikit-learn for ``scorer(estimator, X, y)`` and multi-metric scoring.

        ``method_caller`` (scikit-learn's cache of predictions) is not used:
        its cache is keyed by method name only, so it may hold the binary
        predictions another scorer computed for another positive class.
        """
        return self.score_estimator(estimator, X, y_true, **kwargs)


def _or_false(check, estimator):
    # For objects that do not inherit scikit-learn's tags (duck-typed
    # classifiers), is_classifier/is_regressor return False in 1.6.0 and raise
    # AttributeError in 1.9.1: both read as False here.
    try:
        return check(estimator)
    except AttributeError:
        return False


def is_classifier_or_false(estimator):
    """:func:`sklearn.base.is_classifier`, False for objects without tags."""
    return _or_false(is_classifier, estimator)


def is_regressor_or_false(estimator):
    """:func:`sklearn.base.is_regressor`, False for objects without tags."""
    return _or_false(is_regressor, estimator)


def fitted_classes(estimator):
    """The 1-D ``classes_`` of a fitted single-output classifier; refuse anything else.

    Shared by the scorers and the report.  A regressor, or an estimator
    without ``classes_`` (a clusterer, a mixture, an outlier detector, whose
    ``predict_proba`` or ``decision_function`` are not of classes), is a
    TypeError; an unfitted classifier scikit-learn's NotFittedError; a
    ``classes_`` per output a ValueError.
    """
    name = type(estimator).__name__
    if is_regressor_or_false(estimator):
        msg = (
            f"The estimator must be a classifier, got the regressor {name}; "
            "skbce reads predicted class probabilities."
        )
        raise TypeError(msg)
    if not hasattr(estimator, "classes_"):
        if is_classifier_or_false(estimator):
            check_is_fitted(estimator)
        msg = f"The estimator must be a fitted classifier with a classes_ attribute, got {name}."
        raise TypeError(msg)
    try:
        classes = np.asarray(estimator.classes_)
    except ValueError:  # ragged: one array of classes per output
        classes = None
    if classes is None or classes.ndim != 1:
        msg = (
            f"The classes_ of {name} must be a 1-D array of classes (skbce reads "
            f"single-output classifiers), got {reprlib.repr(estimator.classes_)}."
        )
        raise ValueError(msg)
    return classes


def _pairwise_columns(estimator):
    """Whether ``decision_function`` gives one column per pair of classes (SVC's "ovo").

    Looks through the final step of a pipeline and the best estimator of a search.
    """
    if getattr(estimator, "decision_function_shape", None) == "ovo":
        return True
    inner = getattr(estimator, "best_estimator_", None)
    steps = getattr(estimator, "steps", None)
    if inner is None and isinstance(steps, list) and steps:
        inner = steps[-1][1] if isinstance(steps[-1], tuple) else None
    return inner is not None and inner is not estimator and _pairwise_columns(inner)


def check_one_column_per_class(estimator, n_classes):
    """Refuse the decision function of ``decision_function_shape='ovo'`` on 3+ classes.

    Its columns are pairs of classes, not classes; with three classes they
    are three, as many as the classes, and would be read as per-class logits.
    """
    if n_classes > 2 and _pairwise_columns(estimator):
        msg = (
            f"decision_function of {type(estimator).__name__} has one column per pair "
            "of classes (decision_function_shape='ovo'), not one per class; use "
            "decision_function_shape='ovr' or response_method='predict_proba'."
        )
        raise ValueError(msg)
