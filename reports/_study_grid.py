"""Where a study's sampler lists every point of its space (grid): the report's "more
trials" advice stops at the grid's points, as `hplab study run` refuses ``--trials`` past
them (QA: lr-batch's report gave ``--trials 41`` for its 15 points, a refused command)."""

from __future__ import annotations

from dataclasses import dataclass

#: The spec file a spent grid's report names to copy (`study.grid_next_steps`, the words a
#: run of the spent grid says too)
SPEC_COPY = "spec.toml beside this report"


@dataclass(frozen=True)
class GridState:
    """A grid's ``points`` and the trials that ``ran`` on it (finished or running)."""

    points: int
    ran: int

    @property
    def spent(self) -> bool:
        """Every point ran: no trial is left to run."""
        return self.ran >= self.points


def grid_state(spec, summary: dict) -> GridState | None:
    """The grid of study ``spec`` (``summary``: `study.study_summary`'s counts), or None
    where its sampler samples (or its space cannot be listed)."""
    import study  # here: the reports that never read a study do not import optuna

    try:  # no limit: a stored spec ran as it is (as study.load_spec reads it)
        points = study.grid_points(spec)
    except study.SpecError:
        return None
    if points is None:
        return None
    ran = int(summary.get("n_finished") or 0) + int(summary.get("n_running") or 0)
    return GridState(points, ran)


def grid_history_words(grid: GridState) -> str:
    """The history caption's last sentence for a grid: its line's rise is no forecast."""
    ran = (f"all {grid.points} of its points ran, so there are no more to try" if grid.spent
           else f"{grid.ran} of its {grid.points} points ran")
    return ("The grid sampler takes its points in a shuffled order, so the line's shape says "
            f"nothing of what more trials would find; {ran}.")
