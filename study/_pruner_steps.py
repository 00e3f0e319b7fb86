"""The checkpoints a spec's pruner judges: its warm-up, its rungs, patience's first
report, and whether it can stop a trial before a full run's end at all."""

from __future__ import annotations

import inspect

from ._patience import patience_of
from ._registry import MEDIAN_WARMUP, PRUNERS, _checkpoints


def idle_pruner(spec) -> str | None:
    """Why the pruner ``spec`` names cannot stop a trial before its last checkpoint (its
    first judged checkpoint is a full run's last or later), or None. A pruner the spec
    leaves to its default is not judged: nobody asked for it."""
    named = (spec.raw.get("study") or {}).get("pruner")
    patience = patience_of(spec)
    if named in (None, "none") and patience is None:
        return None
    entry, last = PRUNERS[spec.pruner], _checkpoints(spec)
    if spec.pruner == "none":
        first = 0
    elif entry.rungs:  # its first rung; successive halving's "auto" is unknown here
        first = _first_rung(spec)
        if first == "auto":
            return None
    else:
        first = _warmup(spec)
    if first == "auto":  # a pruner of a script's own, without a warm-up option: unknown
        return None
    # patience compares its last patience + 1 reports (from checkpoint 0) with one before
    first = max(1, first, 0 if patience is None else patience + 1)
    if first < last:
        return None
    which, fix = f"pruner {spec.pruner!r}", 'or set pruner = "none"'
    if patience is not None:
        which, fix = f"{which} with pruner.patience = {patience}", "or lower pruner.patience"
    return (f"{which} cannot stop a trial early: it first judges checkpoint "
            f"{first}, and a full run ends at checkpoint {last} (max_epochs "
            f"{spec.max_epochs:g} / checkpoint {spec.checkpoint:g}); every trial trains to "
            f"its end (lower fixed.checkpoint, {fix})")


def _warmup(spec):
    """The ``n_warmup_steps`` of ``spec``'s pruner: as set, else hplab's default for the
    median, optuna's for the others ("auto": a class without one, a script's own)."""
    return spec.pruner_options.get("n_warmup_steps", MEDIAN_WARMUP if spec.pruner == "median"
                                   else _default(PRUNERS[spec.pruner].cls, "n_warmup_steps"))


def warmup_steps(spec) -> int:
    """The first checkpoint a median, percentile or threshold pruner judges
    (``n_warmup_steps``: hplab's 2 for the median, optuna's 0 for the others); 0 for the
    others. Optuna reads every trial of the study before it looks at the warm-up."""
    first = 0 if PRUNERS[spec.pruner].rungs else _warmup(spec)
    first = 0 if first == "auto" else first
    patience = patience_of(spec)  # it needs patience + 2 reports: never asked before
    return first if patience is None else max(first, patience + 1)


def rung_steps(spec) -> tuple[int, int] | None:
    """``(min_resource, reduction_factor)`` of a rung pruner that can stop a trial only at
    checkpoints ``min_resource * reduction_factor ** j`` (the first reported at or past
    one), or None where any checkpoint may be judged: another pruner, or a rung pruner
    whose rungs are known only once trials end (an "auto" resource)."""
    entry = PRUNERS[spec.pruner]
    opts = spec.pruner_options
    # patience calls the rung pruner at its first step past a rung where the curve has
    # stalled, which then judges the rungs it passed: any step may be judged
    if not entry.rungs or opts.get("max_resource") == "auto" or patience_of(spec) is not None:
        return None
    low = _first_rung(spec)
    if low == "auto":
        return None
    return low, opts.get("reduction_factor", _default(entry.cls, "reduction_factor"))


def _first_rung(spec):
    """A rung pruner's min_resource as it runs: its own default where the spec sets none
    (hyperband's 1, successive halving's "auto")."""
    return spec.pruner_options.get("min_resource",
                                   _default(PRUNERS[spec.pruner].cls, "min_resource"))


def _default(cls, option: str):
    """The default of ``option`` in the optuna class ``cls`` ("auto" when it has none)."""
    param = inspect.signature(cls.__init__).parameters.get(option)
    return "auto" if param is None or param.default is param.empty else param.default
