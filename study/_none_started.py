"""A run that started no trial, its budget spent: said on stderr, with what runs more."""

from __future__ import annotations

import logging

import nets

from ._budget import budget_used
from ._grid_points import grid_next_steps, grid_points, spec_to_copy
from ._record import study_flat_layout, trial_info
from ._spec import StudySpec


def say_if_none_started(study, run_id: str, budget: int, spec: StudySpec, *,
                        who: str = "this run", storage: str | None = None,
                        more: str = "a budget above {used}{cap} (--trials; n_trials from "
                                    "Python) runs more") -> bool:
    """Say on stderr (stdout may be --json) that run ``run_id`` (``who``) started no trial,
    the study's ``budget`` spent: a ``--trials`` below the trials there lowered it without
    a word. ``more``: what raises the budget, ``{used}`` the trials there, ``{cap}`` the
    grid's points it stops at; a grid whose points all ran takes no more, and its spec's
    copy (`spec_to_copy`; ``storage``, the ``--storage`` text to show) is named instead.
    A line, not a warning: PYTHONWARNINGS=error would make it the run's end. Returns
    whether the run started a trial."""
    trials = study.get_trials(deepcopy=False)
    if any(trial_info(t).get("run") == run_id for t in trials):
        return True
    used = budget_used(trials, flat=study_flat_layout(study))
    if used < budget:  # something else stopped it (a timeout: `stopped` says so)
        return False
    had = f"the study already has {nets.count_of(used, 'trial')}"
    points = grid_points(spec)
    if points is not None and budget >= points:  # QA: "N above 12" on 12 points, refused
        held = ("one at each point of its grid" if used == points
                else f"over its grid's {points} points")
        nets.notice("study", f"{had}, {held}: {who} started none, and more trials would "
                    "change nothing. " + grid_next_steps(spec_to_copy(spec, storage)),
                    level=logging.WARNING)
        return False
    held = "its budget" if used == budget else f"over its budget of {budget}"
    cap = f", up to its grid's {points} points" if points is not None else ""
    nets.notice("study", f"{had}, {held}: {who} started none; "
                + more.replace("{used}", str(used)).replace("{cap}", cap), level=logging.WARNING)
    return False
