"""The line a study's report (its Pruning section) and `hplab study show` say when the
pruner's start-up trials took the study's whole budget (`study.startup_budget`)."""

from __future__ import annotations


def no_pruning_text(spec, budget) -> str | None:
    """Why ``spec``'s pruner could stop no trial of a study of ``budget`` trials, or None."""
    import study as hs

    found = isinstance(budget, int) and hs.startup_budget(spec, budget)
    if not found:
        return None
    return (f"No trial could be pruned: the pruner judges none before {max(1, found[0])} "
            f"completed (pruner.n_startup_trials = {found[0]}), and the study has {budget} "
            "trials.")


def no_pruning_lines(name: str, opened, budget) -> list[str]:
    """`no_pruning_text` of study ``name``'s stored spec (``opened``:
    `study.open_study_storage`'s answer), as `hplab study show` says it."""
    import study

    try:
        spec, _ = study.stored_spec(name, opened[1], opened[2])
    except (ValueError, OSError):  # SpecError and StorageError are ValueErrors
        return []
    said = no_pruning_text(spec, budget)
    return [said] if said else []
