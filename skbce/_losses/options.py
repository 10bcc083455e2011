"""The options of a loss, checked once into one object shared by every backend."""

from dataclasses import dataclass, fields
from typing import Any

import numpy as np

from skbce._utils.array_namespace import host_array
from skbce._utils.options import (
    check_baseline,
    check_bool,
    check_choice,
    check_clip,
    check_pos_label,
    check_pos_weight,
    check_smoothing,
)
from skbce._utils.validation import check_labels

__all__ = ["LossOptions", "host_option", "loss_options"]

#: ``normalize`` not given (``None`` is a value to refuse).
_UNSET = object()


@dataclass(frozen=True)
class LossOptions:
    """Checked options of a loss; states merge only when theirs are equal.

    ``kind`` is ``"log_loss"`` (classes and columns as :func:`log_loss`),
    ``"bce"`` (targets as :func:`binary_cross_entropy`) or ``"calibration"``
    (binary, as the calibration report).  ``class_totals`` asks the backends
    for the weight of each class.  ``chunk_sums`` (calibration) is a function
    ``(options, target, p, w) -> sums`` of one chunk, used instead of the
    loss sums.  ``score_name`` is the argument holding the scores, named in
    messages (by default ``y_score`` for ``"bce"``, else ``y_proba``).
    """

    kind: str = "log_loss"
    labels: tuple | None = None
    pos_label: Any = None
    from_logits: bool = False
    pos_weight: Any = None
    label_smoothing: float = 0.0
    clip: Any = "dtype"
    reduction: str = "mean"
    baseline: Any = None
    class_totals: bool = False
    bin_edges: tuple | None = None
    chunk_sums: Any = None
    score_name: str = ""

    def __post_init__(self):
        if not self.score_name:  # the argument that holds the scores, for messages
            name = "y_score" if self.kind == "bce" else "y_proba"
            object.__setattr__(self, "score_name", name)

    def differences(self, other):
        """Names of the options that differ from those of ``other``."""
        return [f.name for f in fields(self) if getattr(self, f.name) != getattr(other, f.name)]


#: The validator of each user option (``_utils/options.py`` holds them all).
_VALIDATORS = {
    "labels": check_labels,
    "pos_label": check_pos_label,
    "from_logits": lambda value: check_bool(value, "from_logits"),
    "pos_weight": check_pos_weight,
    "label_smoothing": check_smoothing,
    "clip": check_clip,
    "reduction": lambda value: check_choice(value, "reduction", ["mean", "sum", "none"]),
    "baseline": check_baseline,
}


#: The options that may be arrays, read on the host.
_ARRAY_OPTIONS = ("labels", "pos_weight", "baseline")


def host_option(value):
    """An option given as an array of another library, as a numpy array; else unchanged.

    Torch tensors (detached: ``requires_grad`` does not matter),
    ``array_api_strict`` arrays and Dask arrays (computed: options are
    small) become numpy arrays, which the validators of
    :mod:`skbce._utils.options` read; a 0-d array becomes its Python number.

    Examples
    --------
    >>> import array_api_strict as xp
    >>> from skbce._losses.options import host_option
    >>> host_option(xp.asarray([1.0, 2.0]))
    array([1., 2.])
    """
    value = host_array(value)
    if type(value).__module__.startswith("dask.") and hasattr(value, "compute"):
        value = np.asarray(value.compute())
    if isinstance(value, np.ndarray) and value.ndim == 0:  # a number, as the validators take it
        return value.item()
    return value


def loss_options(kind, *, normalize=_UNSET, **options):
    """Check the user's options once and return them as a :class:`LossOptions`.

    Each option named in ``_VALIDATORS`` goes through its validator; the
    others (``class_totals``, ``bin_edges``, ``chunk_sums``) are set by the
    library.  ``normalize`` (of :func:`log_loss`), when given, sets
    ``reduction`` to ``"mean"`` or ``"sum"``.

    Examples
    --------
    >>> from skbce._losses.options import loss_options
    >>> loss_options("bce", from_logits=True).from_logits
    True
    """
    if normalize is not _UNSET:
        options["reduction"] = "mean" if check_bool(normalize, "normalize") else "sum"
    for name in _ARRAY_OPTIONS:
        if options.get(name) is not None:
            options[name] = host_option(options[name])
    checked = {
        name: _VALIDATORS[name](value) if name in _VALIDATORS else value
        for name, value in options.items()
    }
    return LossOptions(kind=kind, **checked)
