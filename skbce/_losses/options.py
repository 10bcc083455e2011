"""The options of a loss, checked once into one object shared by every backend."""

from dataclasses import dataclass, fields
from typing import Any

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

__all__ = ["LossOptions", "loss_options"]

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
    loss sums.
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

    def differences(self, other):
        """Names of the options that differ from those of ``other``."""
        return [f.name for f in fields(self) if getattr(self, f.name) != getattr(other, f.name)]


def loss_options(
    kind,
    *,
    labels=None,
    pos_label=None,
    from_logits=False,
    pos_weight=None,
    label_smoothing=0.0,
    clip="dtype",
    reduction="mean",
    normalize=_UNSET,
    baseline=None,
    class_totals=False,
    **extra,
):
    """Check the user's options once and return them as a :class:`LossOptions`.

    ``normalize`` (of :func:`log_loss`), when given, sets ``reduction`` to
    ``"mean"`` or ``"sum"``.

    Examples
    --------
    >>> from skbce._losses.options import loss_options
    >>> loss_options("bce", from_logits=True).from_logits
    True
    """
    if normalize is not _UNSET:
        reduction = "mean" if check_bool(normalize, "normalize") else "sum"
    return LossOptions(
        kind=kind,
        labels=check_labels(labels),
        pos_label=check_pos_label(pos_label),
        from_logits=check_bool(from_logits, "from_logits"),
        pos_weight=check_pos_weight(pos_weight),
        label_smoothing=check_smoothing(label_smoothing),
        clip=check_clip(clip),
        reduction=check_choice(reduction, "reduction", ["mean", "sum", "none"]),
        baseline=check_baseline(baseline),
        class_totals=class_totals,
        **extra,
    )
