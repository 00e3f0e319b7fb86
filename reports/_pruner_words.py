"""How a study's pruner is said (``study show``'s first line, the report's subtitle and
its pruned trials' caption), its patience included: ``[pruner] patience`` wraps the named
pruner in Optuna's PatientPruner (`study._patience`)."""

from __future__ import annotations


def pruner_words(name: str | None, options: dict | None) -> str:
    """``median pruner``, ``no pruner``, ``median pruner, patience 2``, ``patience 3
    (min_delta 0.01), no other pruner``; '' for an unknown pruner (no stored spec)."""
    if name is None:
        return ""
    patience = (options or {}).get("patience")
    if patience is None:
        return "no pruner" if name == "none" else f"{name} pruner"
    delta = (options or {}).get("min_delta")
    said = f"patience {patience}" + (
        f" (min_delta {delta})" if delta else "")
    return f"{said}, no other pruner" if name == "none" else f"{name} pruner, {said}"


def patience_why(options: dict | None) -> str:
    """What patience adds to why a trial was pruned ('' without it): Optuna's rule, whose
    min_delta is how far a curve may fall back, not an improvement it must make."""
    patience = (options or {}).get("patience")
    if patience is None:
        return ""
    delta = (options or {}).get("min_delta") or 0
    back = f" by more than {delta}" if delta else ""
    return (f" With patience {patience}, a trial is stopped only once its "
            f"best over its last {patience + 1} checkpoints is worse than "
            f"its best before them{back}.")


def pruned_why(spec) -> str:
    """What made the spec's pruner stop a trial (each compares at its own points)."""
    from study import PRUNERS  # here: study imports optuna

    return _pruned_why(spec, PRUNERS.get(spec.pruner)) + patience_why(spec.pruner_options)


def _pruned_why(spec, entry) -> str:
    if spec.pruner == "none" and "patience" in spec.pruner_options:  # patience alone
        return "their curve stopped improving, or they diverged."
    if entry is not None and entry.rungs:  # hyperband, successive halving
        return ("at each rung the pruner keeps only the best part of the trials that reached "
                "it (in hyperband, only those of the same bracket), so a trial can stop ahead "
                "of another that goes on in a different bracket. Diverged trials end too.")
    if spec.pruner in ("median", "percentile"):
        # optuna compares a trial's best value so far, against complete trials only
        return ("even their best value so far was behind the median (percentile) of the "
                "complete trials at the same checkpoint. Diverged trials end too.")
    return "by the pruner's rule, or because they diverged."
