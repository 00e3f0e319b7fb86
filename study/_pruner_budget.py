"""A pruner whose budget ends before it may prune: the median and percentile pruners judge
no trial until ``n_startup_trials`` trials have completed (optuna's 5), and a study of no
more trials than that runs every trial to its end as if pruning were on (QA: a 5-trial
xor study, pruner median, pruned nothing without a word)."""

from __future__ import annotations

from ._pruner_steps import _default
from ._registry import PRUNERS

#: The pruners that wait for completed trials before they judge one (``n_startup_trials``).
STARTUP_PRUNERS = ("median", "percentile")


def startup_trials(spec) -> int | None:
    """The completed trials ``spec``'s pruner waits for (its ``n_startup_trials``, optuna's
    default where the spec sets none), or None for a pruner that waits for none."""
    if spec.pruner not in STARTUP_PRUNERS:
        return None
    return spec.pruner_options.get("n_startup_trials",
                                   _default(PRUNERS[spec.pruner].cls, "n_startup_trials"))


def startup_budget(spec, budget: int) -> tuple[int, int] | None:
    """``(n_startup_trials, last)`` where ``spec``'s pruner, in a study of ``budget``
    trials, can prune none (its start-up trials take the whole budget: ``budget <= last``,
    the first trial number it may prune), else None.

    Trial k (from 0) sees at most k completed trials, ``repeatable_workers`` - 1 fewer in a
    repeatable study, and optuna judges none before one has completed.

    Parameters
    ----------
    spec : StudySpec
        The study's spec (its pruner, ``[pruner]`` options and ``repeatable_workers``).
    budget : int
        The study's n_trials, as it runs (``--trials``).

    Returns
    -------
    tuple of int or None
    """
    first = startup_trials(spec)
    if first is None:
        return None
    lag = spec.repeatable_workers or 1
    if lag > 1 and lag >= budget:  # `repeatable_notes` says it: no trial learns from another
        return None
    needed = max(1, first) + lag - 1  # the first trial number that may be pruned
    return None if budget > needed else (first, needed)


def startup_budget_note(spec, budget: int) -> str | None:
    """Why no trial of ``spec``, run to ``budget`` trials, can be pruned (`startup_budget`),
    to warn of as it runs; or None."""
    if (found := startup_budget(spec, budget)) is None:
        return None
    first, needed = found
    waits = max(1, first)
    return (f"pruner {spec.pruner!r} judges no trial before {waits} "
            f"{'has' if waits == 1 else 'have'} completed (pruner.n_startup_trials = "
            f"{first}), and the study's budget is {budget}: no "
            f"trial can be pruned, every one trains to its end; give n_trials (or --trials) "
            f"above {needed}, lower pruner.n_startup_trials, or set pruner = \"none\"")
