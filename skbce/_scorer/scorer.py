"""Scorers: skbce metrics for ``scoring=`` in cross-validation and searches.

A scorer is the metric plus one line: :func:`make_scorer` looks the metric up
in :data:`_METRICS` (or takes a callable), and the scorer object turns the
estimator's ``predict_proba`` or ``decision_function`` into the metric's
``y_score``.  Unlike scikit-learn's ``"neg_log_loss"`` it aligns the columns
with the estimator's ``classes_``, so folds that miss a class give a finite,
correct value, and it scores estimators that only have a
``decision_function`` on their decision values read as logits.

Naming: ``*_score`` is better when greater, ``*_loss`` / ``*_error`` when
smaller; the scorer of a loss is negated and named ``neg_*``, so that greater
is better for every scorer.  See ``docs/scorers.rst`` for the design.
"""

import inspect
import warnings
from typing import NamedTuple

import numpy as np
from scipy.special import expit, log_softmax
from sklearn.utils.multiclass import unique_labels

from skbce._metrics.losses import (
    binary_cross_entropy,
    brier_score_loss,
    d2_log_loss_score,
    log_loss,
    normalized_cross_entropy,
)
from skbce._scorer.logits import d2_log_loss_of_logits, log_loss_of_logits
from skbce._utils.options import (
    InvalidParameterError,
    check_bool,
    check_response_method,
    positive_rate,
)
from skbce._utils.sklearn_compat import ScorerBase, check_one_column_per_class, fitted_classes
from skbce._utils.validation import check_logit_range
from skbce._utils.validation import labels_of as _labels_of

__all__ = ["get_scorer", "get_scorer_names", "make_scorer"]


class _Metric(NamedTuple):
    """A named metric and which direction is good.

    Attributes
    ----------
    function : callable
        The metric, ``function(y_true, y_score, **params)``.
    greater_is_better : bool
        True for scores, False for losses and errors (their scorers are
        negated and named ``neg_<name>``).
    logits : callable or None
        The metric of decision values read as logits, with the signature of
        ``function``; ``None`` when ``function`` takes ``from_logits`` itself,
        or when the metric is defined on probabilities only (the decision
        values are then turned into probabilities by ``expit`` or
        ``softmax``).
    binary : bool
        True for metrics of two classes only.
    """

    function: object
    greater_is_better: bool
    logits: object = None
    binary: bool = False


#: The metrics known by name.  Adding one is one line: the scorer of a loss
#: is named ``neg_<name>``, that of a score ``<name>``.
_METRICS = {
    "log_loss": _Metric(log_loss, False, log_loss_of_logits),
    "binary_cross_entropy": _Metric(binary_cross_entropy, False, binary=True),
    "normalized_cross_entropy": _Metric(normalized_cross_entropy, False, binary=True),
    "brier_score": _Metric(brier_score_loss, False),  # on probabilities: expit(margins)
    "d2_log_loss_score": _Metric(d2_log_loss_score, True, d2_log_loss_of_logits),
}

#: Options read by the scorer itself, whatever the metric's signature.
_SCORER_OPTIONS = ("labels", "pos_label", "from_logits")


def _scorer_name(name, entry):
    return name if entry.greater_is_better else f"neg_{name}"


def _parameters(func):
    """Names of the parameters of ``func`` (empty if it has no signature)."""
    try:
        return frozenset(inspect.signature(func).parameters)
    except (TypeError, ValueError):
        return frozenset()


def _metric_of(metric):
    """Resolve ``metric`` to ``(name or None, entry or None, function)``."""
    if isinstance(metric, str):
        if metric not in _METRICS:
            msg = (
                f"metric must be one of {sorted(_METRICS)} or a callable "
                f"metric(y_true, y_score, **params), got {metric!r}."
            )
            raise InvalidParameterError(msg)
        return metric, _METRICS[metric], _METRICS[metric].function
    if not callable(metric):
        msg = (
            "metric must be a metric name or a callable metric(y_true, y_score, "
            f"**params), got {metric!r} of type {type(metric).__name__}."
        )
        raise InvalidParameterError(msg)
    for name, entry in _METRICS.items():
        if metric is entry.function:
            return name, entry, metric
    return None, None, metric


def _check_signature(func, label, forwarded):
    """Raise unless ``func(y_true, y_score, **forwarded)`` can be called."""
    try:
        signature = inspect.signature(func)
    except (TypeError, ValueError):
        return
    try:
        signature.bind(None, None, **forwarded)
    except TypeError as exc:
        msg = (
            f"metric {label} cannot be called as metric(y_true, y_score, "
            f"**{forwarded!r}): {exc}. Its signature is {label}{signature}."
        )
        raise InvalidParameterError(msg) from None


def _check_options(params, response_method):
    """Validate the options the scorer reads; return the response methods."""
    labels = params.get("labels")
    if labels is not None:
        values = np.asarray(labels)
        try:
            distinct = values.ndim == 1 and len(np.unique(values)) == len(values)
        except TypeError:  # labels that cannot be sorted, e.g. str and int
            distinct = False
        if not distinct or values.size == 0:
            msg = f"labels must be a 1-D array-like of distinct labels, got {labels!r}."
            raise InvalidParameterError(msg)
    methods = check_response_method(response_method)
    if "from_logits" in params:
        from_logits = check_bool(params["from_logits"], "from_logits")
        wanted = "decision_function" if from_logits else "predict_proba"
        if wanted not in methods:
            msg = (
                f"from_logits={from_logits} scores {wanted} values, but "
                f"response_method={response_method!r}."
            )
            raise InvalidParameterError(msg)
        methods = (wanted,)
    return methods


def _func_repr(func):
    name = getattr(func, "__name__", None)
    return name if isinstance(name, str) and name != "<lambda>" else repr(func)


def _values_equal(a, b):
    if isinstance(a, np.ndarray) or isinstance(b, np.ndarray):
        a, b = np.asarray(a), np.asarray(b)
        same_kind = a.shape == b.shape and a.dtype.kind == b.dtype.kind
        return same_kind and bool(np.all(a == b))
    try:
        return bool(a == b)
    except (TypeError, ValueError):
        return a is b


def _method_of(estimator, methods, response_method):
    for method in methods:
        if hasattr(estimator, method):
            return method
    msg = (
        f"{type(estimator).__name__} has none of the methods {list(methods)} "
        f"that response_method={response_method!r} reads."
    )
    raise AttributeError(msg)


def _union_classes(fold_classes, estimator_classes, labels):
    """Sorted union of the labels of the fold, the estimator and ``labels``."""
    if labels is None and fold_classes.tolist() == estimator_classes.tolist():
        return estimator_classes
    parts = [estimator_classes, fold_classes]
    if labels is not None:
        parts.append(np.asarray(labels))
    try:
        return unique_labels(*parts)
    except (TypeError, ValueError) as exc:
        given = "" if labels is None else f" and labels={np.asarray(labels).tolist()}"
        msg = (
            f"The labels of y_true {fold_classes.tolist()} do not match the classes "
            f"of the estimator {estimator_classes.tolist()}{given}: {exc}"
        )
        raise ValueError(msg) from exc


def _positive_column(values, estimator_classes, positive, logits):
    """1-D probability (or logit) of ``positive`` for a two-class problem."""
    k = len(estimator_classes)
    if logits:
        if values.ndim == 2 and values.shape[1] == 1:
            values = values[:, 0]
        if k != 2 or values.ndim != 1:
            msg = (
                f"decision_function of a classifier with classes "
                f"{estimator_classes.tolist()} returned shape {values.shape}; "
                "expected 1-D decision values of a two-class classifier."
            )
            raise ValueError(msg)
        return values if positive == estimator_classes[1] else -values
    hit = np.flatnonzero(estimator_classes == positive)
    if hit.size:
        return np.ascontiguousarray(values[:, hit[0]])  # faster to read than a strided column
    return np.zeros(values.shape[0], dtype=values.dtype)


def _aligned_matrix(values, estimator_classes, classes, logits):
    """One column per class of ``classes`` (sorted), whatever the order of the estimator's.

    Classes the estimator did not see get 0 (or -inf logits).
    """
    if logits and values.ndim == 1:
        if len(estimator_classes) != 2:
            msg = (
                f"decision_function returned 1-D values but the classifier has "
                f"classes {estimator_classes.tolist()}."
            )
            raise ValueError(msg)
        values = np.column_stack([np.zeros_like(values), values])
    if values.shape[1] == len(classes) and np.array_equal(estimator_classes, classes):
        return values
    fill = -np.inf if logits else 0
    full = np.full((values.shape[0], len(classes)), fill, dtype=values.dtype)
    full[:, np.searchsorted(classes, estimator_classes)] = values
    return full


def _response_array(estimator, X, estimator_classes, method):
    """The estimator's predictions as floats, checked against its classes."""
    values = np.asarray(getattr(estimator, method)(X))
    if values.dtype.kind != "f":
        values = values.astype(np.float64)
    k = len(estimator_classes)
    expected = values.ndim == 2 and values.shape[1] == k
    if method == "decision_function":
        expected = expected or (values.ndim == 1 and k == 2)
        check_one_column_per_class(estimator, k)
        if values.size:
            check_logit_range(values.min(), values.max(), method)
    if not expected:
        msg = (
            f"{method} returned an array of shape {values.shape}, which does not "
            f"match the classifier's classes {estimator_classes.tolist()}."
        )
        raise ValueError(msg)
    return values


def _positive_class(classes, pos_label):
    if pos_label is None:
        return classes[1]
    if pos_label in classes.tolist():
        return pos_label
    msg = f"pos_label={pos_label!r} is not a class: {classes.tolist()}."
    raise ValueError(msg)


def _aligned(y, values, fold_classes, estimator_classes, logits, params):
    """``(y_true, y_score, classes, one_class)`` for the metric.

    Two classes give 0/1 labels of the positive class and its 1-D score;
    more classes the labels and one column per class of the sorted union of
    classes.  Pops ``labels`` and ``pos_label`` from ``params``.
    """
    labels = params.pop("labels", None)
    pos_label = params.pop("pos_label", None)
    classes = _union_classes(fold_classes, estimator_classes, labels)
    if len(classes) < 2:
        msg = (
            f"y_true and the classes of the estimator hold a single class {classes.tolist()}; "
            "pass labels=[...] with all the classes to make_scorer."
        )
        raise ValueError(msg)
    if len(classes) == 2:
        positive = _positive_class(classes, pos_label)
        y_score = _positive_column(values, estimator_classes, positive, logits)
        y_true = (y == positive).astype(np.int8)
        if params.get("baseline") is not None:  # the positive class's rate, for 0/1 labels
            negative = classes[1] if positive == classes[0] else classes[0]
            params["baseline"] = positive_rate(params["baseline"], [negative, positive])
        return y_true, y_score, np.array([0, 1]), len(fold_classes) == 1
    if pos_label is not None:
        msg = (
            f"pos_label={pos_label!r} applies to two classes, but there are "
            f"{len(classes)}: {classes.tolist()}."
        )
        raise ValueError(msg)
    return y, _aligned_matrix(values, estimator_classes, classes, logits), classes, False


class _MetricScorer(ScorerBase):
    """Scorer of an skbce metric (or a callable) built by :func:`make_scorer`.

    A subclass of the type :func:`sklearn.metrics.make_scorer` returns
    (through :class:`skbce._utils.sklearn_compat.ScorerBase`), so it works
    wherever ``scoring=`` does, with scikit-learn's metadata routing
    (``set_score_request``).  Call it as ``scorer(estimator, X, y_true)``;
    greater is better.

    Examples
    --------
    >>> from sklearn.linear_model import LogisticRegression
    >>> from skbce import make_scorer
    >>> X, y = [[0.0], [1.0], [2.0], [3.0]], [0, 0, 1, 1]
    >>> clf = LogisticRegression().fit(X, y)
    >>> scorer = make_scorer("log_loss")
    >>> scorer
    make_scorer('log_loss')
    >>> float(scorer(clf, X, y))
    -0.3475...
    """

    def __init__(self, metric, name, entry, func, response_method, methods, sign, params):
        super().__init__(func, sign, params, methods[0] if len(methods) == 1 else methods)
        self._metric = metric if name is None else name
        self._entry = entry
        self._methods = methods
        self._response = response_method
        self._accepts = _parameters(func)

    def score_estimator(self, estimator, X, y_true, **kwargs):
        """Score ``estimator`` on ``X`` against ``y_true``; greater is better.

        What ``scorer(estimator, X, y_true, **kwargs)`` returns, also in
        scikit-learn's multi-metric scoring.

        Parameters
        ----------
        estimator : fitted classifier
            Has ``classes_`` and ``predict_proba`` or ``decision_function``.
        X : array-like of shape (n_samples, n_features)
            Input data.
        y_true : array-like of shape (n_samples,)
            True labels.
        **kwargs
            Metadata passed to the metric, such as ``sample_weight``; they
            override the options given to :func:`make_scorer` of the same
            name (with a warning).

        Returns
        -------
        score : float
            The metric, negated for losses.

        Raises
        ------
        sklearn.exceptions.NotFittedError
            If the classifier is not fitted.
        TypeError
            If ``estimator`` is a regressor or has no ``classes_``, or
            ``y_true`` is None.
        ValueError
            If the labels of ``y_true`` do not fit the estimator's classes
            and the metric (e.g. more than two classes for a binary metric).

        Examples
        --------
        >>> from sklearn.linear_model import LogisticRegression
        >>> from skbce import make_scorer
        >>> X, y = [[0.0], [1.0], [2.0], [3.0]], [0, 0, 1, 1]
        >>> clf = LogisticRegression().fit(X, y)
        >>> scorer = make_scorer("log_loss")
        >>> scorer.score_estimator(clf, X, y)
        -0.3475...
        >>> scorer.score_estimator(clf, X, y, sample_weight=[1, 1, 1, 3])
        -0.3027...
        """
        overlap = sorted(set(self.metric_params) & set(kwargs))
        if overlap:  # as scikit-learn's scorers: the metadata passed wins
            msg = (
                f"{overlap} were given both to make_scorer and as metadata of this call; "
                "the metadata are used. Pass them one way, not both."
            )
            warnings.warn(msg, UserWarning, stacklevel=3)
        params = {**self.metric_params, **kwargs}
        estimator_classes = fitted_classes(estimator)
        method = _method_of(estimator, self._methods, self._response)
        if y_true is None:
            msg = "skbce scorers need the true labels y_true, got None."
            raise TypeError(msg)
        values = _response_array(estimator, X, estimator_classes, method)
        logits = method == "decision_function"
        params.pop("from_logits", None)
        y, fold_classes = _labels_of(y_true, "y_true")
        one_class = len(fold_classes) == 1 and len(y) > 1  # one sample: NaN, as sklearn's
        if self._entry is _METRICS["d2_log_loss_score"] and one_class:
            msg = (
                f"y_true holds a single class ({fold_classes.tolist()[0]!r}): the D2 log-loss "
                "score compares with predicting the class frequencies, which is then perfect, "
                "so the score is undefined."
            )
            raise ValueError(msg)
        aligned = _aligned(y, values, fold_classes, estimator_classes, logits, params)
        if self._entry is not None and self._entry.binary and aligned[1].ndim == 2:
            msg = (
                f"make_scorer({self._metric!r}) scores two classes, got {len(aligned[2])}: "
                f"{aligned[2].tolist()} (the classifier's classes_ "
                f"{estimator_classes.tolist()}, the labels of y_true {fold_classes.tolist()} "
                "and labels, if given)."
            )
            raise ValueError(msg)
        return self.sign * self._call_metric(*aligned, logits, params)

    def _call_metric(self, y_true, y_score, classes, one_class, logits, params):
        """Call the metric on aligned scores.

        Decision values (``logits``) go to the registered metric of logits,
        or with ``from_logits=True`` to a metric that takes it; other metrics
        get ``expit`` or ``softmax`` of them.  Binary scores are 1-D, of the
        positive class; when the fold holds one class, metrics of
        probabilities that take ``labels`` get the two columns ``[1 - p, p]``,
        since a 1-D score leaves the other class unnamed.
        """
        if "labels" in self._accepts:
            params["labels"] = classes
        func = self.score_func
        if logits and self._entry is not None and self._entry.logits is not None:
            func = self._entry.logits
        elif "from_logits" in self._accepts:
            params["from_logits"] = logits
        elif logits:
            y_score = expit(y_score) if y_score.ndim == 1 else np.exp(log_softmax(y_score, axis=1))
            logits = False
        if one_class and not logits and "labels" in self._accepts:
            y_score = np.column_stack([1 - y_score, y_score])
        return func(y_true, y_score, **params)

    def __repr__(self):
        if isinstance(self._metric, str):
            args = [repr(self._metric)]
        else:
            args = [_func_repr(self._metric)]
            args.append(f"greater_is_better={self.sign > 0}")
        if self._response != "auto":
            args.append(f"response_method={self._response!r}")
        args += [f"{k}={v!r}" for k, v in self.metric_params.items()]
        return f"make_scorer({', '.join(args)})"

    def _state(self):
        return (self._metric, self._response, self.sign, sorted(self.metric_params))

    def __eq__(self, other):
        if type(other) is not type(self) or self._state() != other._state():
            return False
        theirs = other.metric_params
        if not all(_values_equal(v, theirs[k]) for k, v in self.metric_params.items()):
            return False
        return repr(self.get_metadata_routing()) == repr(other.get_metadata_routing())

    def __hash__(self):
        metric = self._metric if isinstance(self._metric, str) else id(self._metric)
        return hash((type(self), metric, self._response, self.sign))


def make_scorer(
    metric="log_loss",
    *,
    response_method="auto",
    greater_is_better=None,
    **metric_params,
):
    """Make a scorer of an skbce metric, for ``scoring=`` anywhere in scikit-learn.

    The scorer calls the classifier's ``predict_proba`` (or
    ``decision_function``), lines its columns up with the classes, and
    returns the metric; losses are negated, so greater is better for every
    scorer.  ``make_scorer()`` gives the numbers of scikit-learn's
    ``"neg_log_loss"`` where that is defined, and also works where it fails:

    - **Classes missing from a fold.**  The classes are the sorted union of
      the estimator's ``classes_``, the labels of the fold and ``labels``;
      classes the model never saw get probability 0 (then the clipping of
      the metric; for decision values, logit ``-inf``, and a sample of such a
      class costs ``-log(eps)`` as probability 0 does), so a fold with one
      class, or a model trained without a class, gives a finite, correct
      value instead of NaN.
    - **Estimators without predict_proba.**  With ``response_method="auto"``,
      classifiers that only have ``decision_function`` (``LinearSVC``,
      ``RidgeClassifier``, ...) are scored on their decision values read as
      logits, without clipping: the log loss becomes the logistic loss of
      the margin (binary) or the softmax cross-entropy of the decision values
      (multiclass), so a margin of 800 against the true class costs 800 nats
      (a probability rounded to 0 and clipped would cost 36).  The same holds
      for ``"binary_cross_entropy"``, ``"normalized_cross_entropy"`` and
      ``"d2_log_loss_score"``.  The Brier score is defined on probabilities:
      ``"brier_score"`` (and any other metric that does not take
      ``from_logits``) receives ``expit`` (binary) or ``softmax``
      (multiclass) of the decision values; callables that take
      ``from_logits`` receive the decision values with ``from_logits=True``.

    Parameters
    ----------
    metric : str or callable, default="log_loss"
        The metric: a name from ``"log_loss"``, ``"binary_cross_entropy"``,
        ``"normalized_cross_entropy"``, ``"brier_score"``,
        ``"d2_log_loss_score"`` (and other skbce metrics, see
        :func:`get_scorer_names`), or a callable ``metric(y_true, y_score,
        **params)``.  For two classes, ``y_true`` is passed as 1 for the
        positive class and 0 otherwise and ``y_score`` is the probability (or
        logit) of the positive class; for more classes ``y_true`` holds the
        labels and ``y_score`` one column per class of the sorted union of
        classes.  ``labels`` is passed when the metric takes it.
    response_method : {"auto", "predict_proba", "decision_function"}, \
default="auto"
        The estimator method to score: ``"auto"`` takes ``predict_proba`` if
        the estimator has it, else ``decision_function``;
        ``"predict_proba"`` is scikit-learn's strict behaviour.
    greater_is_better : bool, default=None
        Whether the callable ``metric`` is a score (True) or a loss (False,
        the scorer negates it).  ``None`` means True for callables, as in
        :func:`sklearn.metrics.make_scorer`; named metrics know their
        direction.
    **metric_params
        Passed to the metric, for example ``pos_weight=3.0`` or
        ``sample_weight``.  The scorer reads three of them itself, whatever
        the metric: ``labels`` (all the classes; the union above), ``pos_label``
        (the positive class of two; by default the greater label) and
        ``from_logits`` (True scores ``decision_function`` values, False
        ``predict_proba``).

    Returns
    -------
    scorer : callable
        A scikit-learn scorer (a subclass of the type
        :func:`sklearn.metrics.make_scorer` returns), called as
        ``scorer(estimator, X, y_true, **metadata)``.

    Raises
    ------
    ValueError, TypeError
        For an unknown metric name (the message lists the known ones), a
        callable that cannot take ``(y_true, y_score, **metric_params)``, or
        a ``response_method`` not among the allowed values.  When called,
        for a regressor or any estimator without ``classes_`` (TypeError).

    See Also
    --------
    get_scorer : The scorers by name, e.g. ``"neg_log_loss"``.
    sklearn.metrics.make_scorer : The scikit-learn function this one extends.

    Examples
    --------
    Unshuffled folds of sorted labels: the first and last test folds hold one
    class each, where scikit-learn's ``"neg_log_loss"`` gives NaN.

    >>> from sklearn.linear_model import LogisticRegression
    >>> from sklearn.model_selection import KFold, cross_val_score
    >>> from sklearn.svm import LinearSVC
    >>> from skbce import make_scorer
    >>> X = [[0.0], [1.0], [2.0], [3.0], [4.0], [5.0]]
    >>> y = [0, 0, 0, 1, 1, 1]
    >>> scorer = make_scorer()
    >>> cross_val_score(LogisticRegression(), X, y, cv=KFold(3), scoring=scorer)
    array([-0.2886..., -0.4794..., -0.2887...])

    A classifier without ``predict_proba`` is scored on its decision values:

    >>> cross_val_score(LinearSVC(), X, y, cv=KFold(3), scoring=scorer)
    array([-0.4762..., -0.5956..., -0.3588...])

    Options of the metric pass through:

    >>> make_scorer("binary_cross_entropy", pos_weight=3.0)
    make_scorer('binary_cross_entropy', pos_weight=3.0)
    """
    methods = _check_options(metric_params, response_method)
    name, entry, func = _metric_of(metric)
    if greater_is_better is not None:
        check_bool(greater_is_better, "greater_is_better")
        if entry is not None and greater_is_better != entry.greater_is_better:
            direction = "a score" if entry.greater_is_better else "a loss"
            msg = (
                f"greater_is_better={greater_is_better} contradicts metric {name!r}, "
                f"which is {direction}; leave greater_is_better=None."
            )
            raise InvalidParameterError(msg)
    elif entry is None:
        greater_is_better = True
    else:
        greater_is_better = entry.greater_is_better
    forwarded = {k: v for k, v in metric_params.items() if k not in _SCORER_OPTIONS}
    label = repr(name) if name is not None else _func_repr(func)
    _check_signature(func, label, forwarded)
    sign = 1 if greater_is_better else -1
    return _MetricScorer(metric, name, entry, func, response_method, methods, sign, metric_params)


def get_scorer_names():
    """Return the names of the skbce scorers, for :func:`get_scorer`.

    A loss ``<metric>`` gives the scorer ``neg_<metric>`` (negated, so that
    greater is better), a score ``<metric>`` the scorer ``<metric>``.

    Returns
    -------
    names : list of str
        Sorted names.

    See Also
    --------
    get_scorer : The scorer of a name.

    Examples
    --------
    >>> from skbce import get_scorer_names
    >>> "neg_log_loss" in get_scorer_names()
    True
    """
    return sorted(_scorer_name(name, entry) for name, entry in _METRICS.items())


def get_scorer(name):
    """Return the skbce scorer of a name, such as ``"neg_log_loss"``.

    ``get_scorer("neg_log_loss")`` equals ``make_scorer("log_loss")``: a new
    scorer at each call.

    Parameters
    ----------
    name : str
        One of :func:`get_scorer_names`: ``"neg_log_loss"``,
        ``"neg_binary_cross_entropy"``, ``"neg_normalized_cross_entropy"``,
        ``"neg_brier_score"``, ``"d2_log_loss_score"``, ...

    Returns
    -------
    scorer : callable
        The scorer, as :func:`make_scorer` builds it.

    Raises
    ------
    ValueError
        If ``name`` is not one of :func:`get_scorer_names` (the error is also
        a TypeError).

    See Also
    --------
    make_scorer : Scorers with options, or of any callable.

    Examples
    --------
    >>> from skbce import get_scorer
    >>> get_scorer("neg_log_loss")
    make_scorer('log_loss')
    """
    metrics = {_scorer_name(name, entry): name for name, entry in _METRICS.items()}
    if not isinstance(name, str) or name not in metrics:
        msg = f"name must be one of {sorted(metrics)}, got {name!r}."
        raise InvalidParameterError(msg)
    return make_scorer(metrics[name])
