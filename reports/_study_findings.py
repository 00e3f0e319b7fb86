"""What a study found, in words under its report's cards: the best trial and its value,
how many trials it came from, whether the best was still improving, and whether more
trials are worth running, with the command that runs them (`more_trials_text`; QA: the
masthead held cards only, and the one instruction, the command that runs more trials, sat
halfway down)."""

from __future__ import annotations

from collections.abc import Callable

from . import _study_importance as si
from ._study_grid import SPEC_COPY, GridState
from .design import format_value

#: The best trial came late, the best line still improving, when fewer than this share of
#: the finished trials came after it
LATE_SHARE = 0.25
#: Fewest finished trials that say whether the best came late: below 8, the last quarter
#: is one trial or none, and a best that is the last trial shows no trend (trial #0 of a
#: 1-trial study "came late: the best line was still climbing")
LATE_MIN_FINISHED = 8

#: ``n_complete -> (words, command)``: the next step where more trials are suggested
#: (`more_trials_text`); the command is None where none can run
MoreTrials = Callable[[int], tuple[str, str | None]]


def findings_text(summary: dict, spec, after: int, grid: GridState | None = None) -> str:
    """The study's findings in a few sentences ("" with no complete trial: the report's
    note says why): the best trial and its value (its parameters are the card's above),
    or the Pareto front's members, out of how many trials, and whether the best line
    still improved at the end (``after``: the finished trials after the best,
    `trials_after`; not said of a ``grid``, run in a shuffled order, nor judged from fewer
    than `LATE_MIN_FINISHED` finished trials)."""
    done, finished = summary["n_complete"], summary["n_finished"]
    best = summary["best_trial"]
    if not done or best is None:
        return ""
    pruned = summary.get("n_pruned", 0)
    counted = f"{done} complete {'trial' if done == 1 else 'trials'}" + (
        f" of the {finished} finished" + (f" ({pruned} pruned)" if pruned else "")
        if finished > done else "")
    if spec.multi_objective:
        front = ", ".join(f"#{p['number']}" for p in summary.get("pareto_front", []))
        return (f"Of {counted}, the Pareto front holds {front}: no other trial beats one of "
                f"them on every objective. The best trial shown, #{best}, has the "
                f"{'highest' if spec.directions[0] == 'maximize' else 'lowest'} "
                f"{spec.metrics[0]} on the front.")
    metric = spec.metrics[0]
    text = (f"Trial #{best} scored the best {metric}, "
            f"{format_value(summary['best_value'])}, among {counted}")
    if grid is not None:
        return text + "."
    way = "climbing" if spec.directions[0] == "maximize" else "falling"
    if finished < LATE_MIN_FINISHED:
        return text + f": too few to tell whether the best line was still {way}."
    if after < LATE_SHARE * finished:
        return text + (f". It came late ({after} finished "
                       f"{'trial' if after == 1 else 'trials'} after it): the best line was "
                       f"still {way}, so more trials may find better.")
    return text + f". No trial of the {after} finished after it did better."


def more_suggested(summary: dict, spec, grid: GridState | None = None) -> bool:
    """Whether the report suggests more trials: fewer complete than the importances need
    (`_study_importance.FEW_TRIALS`) over several parameters, and a budget not spent on a
    whole grid."""
    return (0 < summary["n_complete"] < si.FEW_TRIALS and len(spec.space.params) > 1
            and not (grid is not None and grid.spent))


def trials_after(trials, number: int | None) -> int:
    """How many finished trials came after trial ``number`` (their numbers above it)."""
    if number is None:
        return 0
    return sum(t.number > number and t.state.is_finished() for t in trials)


def add_findings(rep, summary: dict, spec, after: int, grid: GridState | None,
                 more_trials: MoreTrials) -> None:
    """Put the study's findings under ``rep``'s cards (`findings_text`), and, where more
    trials are suggested (`more_suggested`), the command that runs them (``more_trials``:
    `more_trials_text`'s, whose words under "What mattered" say how far)."""
    text = findings_text(summary, spec, after, grid)
    if not text:
        return
    if not more_suggested(summary, spec, grid):
        rep.add_lead(text)
        return
    done = summary["n_complete"]
    _, command = more_trials(done)
    rep.add_lead(f"{text} More trials are suggested: {done} complete "
                 f"{'trial gives' if done == 1 else 'trials give'} only a rough ranking of "
                 "the parameters (What mattered says how many more, and why). From this "
                 "report's folder, this runs the study on:", command)


def more_trials_text(s, spec, where, summary: dict, dataset: str | None = None,
                     folder=None, grid: GridState | None = None) -> MoreTrials:
    """``n_complete -> (words, command)``: the command that runs the study ``s`` (made from
    ``spec``) on in its storage ``where`` until about `FEW_TRIALS` trials are complete, as
    `hplab study run` hints give it (`study.resume_command`: ``--storage`` where one was
    given, its password masked; ``--data``, this machine's or the stored one a ready
    spec's name needs). A storage file named by a relative path (the default's too) is
    named from the report's ``folder``, where the words say to run it: its ``--out .``
    brings this report up to date. ``--trials`` is the
    study-wide total, so it counts the trials run so far; the trials still to run are the
    complete ones wanted, scaled by the share of finished trials that completed (the rest
    pruned or failed). A ``grid`` (`grid_state`) runs at most its points; a spent one
    none: its words say so, and the command is None."""
    import study as hs

    # copied from the report and run in another folder, a relative storage was not found;
    # from the report's folder it is, wherever the project moves (as best_model's commands)
    relative = folder is not None and where.path is not None and not where.path.is_absolute()
    shown = where.seen_from(folder) if relative else where

    def text(n_complete: int) -> tuple[str, str | None]:
        if grid is not None and grid.spent:  # QA: --trials 41 on 15 points was refused
            return (f"More trials would change nothing: all {grid.points} points of the "
                    "grid ran, and hplab study run takes no --trials past them. "
                    + hs.grid_next_steps(SPEC_COPY)), None
        so_far = max(int(summary.get("n_trials") or 0), int(summary.get("n_finished") or 0)
                     + int(summary.get("n_running") or 0))
        wanted = max(si.FEW_TRIALS - n_complete, 1)
        done, finished = int(summary.get("n_complete") or 0), int(summary.get("n_finished") or 0)
        # QA: 8 of 20 complete (12 pruned): "33 more trials for 41 complete" gave about 21
        pruned_share = 0 < done < finished
        extra = -(-wanted * finished // done) if pruned_share else wanted
        total = so_far + extra
        capped = grid is not None and total >= grid.points
        total = min(total, grid.points) if grid is not None else total
        # --out .: the report it writes is this one (QA: run from here, it wrote another
        # report in runs/studies/NAME under this folder, and this one stayed behind)
        cmd = hs.resume_command(s, spec, where, str(total), dataset=dataset,
                                storage=shown.masked if shown.given else None, out=".")
        run = "this command, run from this report's folder,"
        budget = f"--trials is the study-wide total, the {so_far} of its budget so far included"
        if capped:
            return (f"More trials: {run} runs the study on, in the same storage, to all "
                    f"{total} points of its grid ({budget}; a grid takes no more, and "
                    "past them other seeds or a finer grid firm up the ranking):"), cmd
        rate = (f". Only {done} of its {finished} finished trials completed (the others were "
                f"pruned or failed), so the {wanted} complete ones still wanted take about "
                f"{extra} more trials at that rate" if pruned_share else "")
        return (f"More trials: {run} runs the study on, in the same storage, to {total} "
                f"trials in all ({budget}), for about {si.FEW_TRIALS} complete ones, from "
                f"which the importances settle{rate}:"), cmd
    return text
