"""A multi-objective study's export: its ``pareto`` column, which trials are on the front
(as the report's trials.csv marks them)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from optuna.trial import TrialState

if TYPE_CHECKING:
    import pandas as pd


def front_numbers(study) -> set[int] | None:
    """The numbers of the trials on ``study``'s Pareto front (optuna's ``best_trials``, as
    ``study show``'s ``pareto_front``); None for a study of one objective."""
    if len(study.directions) < 2:
        return None
    return {t.number for t in study.best_trials}


def add_pareto(frame: pd.DataFrame, trials, front: set[int] | None) -> pd.DataFrame:
    """``frame`` with a ``pareto`` column after its last ``values_`` one: True on the
    front, False for a complete trial off it, empty for a trial that did not complete (no
    values to compare). ``frame`` unchanged without a ``front`` (one objective: its header
    as it was)."""
    if front is None:
        return frame
    complete = {t.number for t in trials if t.state == TrialState.COMPLETE}
    marks = frame["number"].map(lambda n: (n in front) if n in complete else None)
    values = [i for i, c in enumerate(frame.columns) if str(c).startswith("values_")]
    at = values[-1] + 1 if values else 1  # beside the objectives, as the report's table
    frame = frame.copy()
    frame.insert(at, "pareto", marks.astype(object))
    return frame
