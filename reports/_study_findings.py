"""What a study found, in words under its report's cards: the best trial and its value,
how many trials it came from, whether the best was still improving, and whether more
trials are worth running (QA: the masthead held cards only, and the one instruction, the
command that runs more trials, sat halfway down); and whether the importance methods
agree on the first parameter."""

from __future__ import annotations

import pandas as pd

from . import _study_importance as si
from ._study_grid import GridState
from .design import format_value

#: The best trial came late, the best line still improving, when fewer than this share of
#: the finished trials came after it
LATE_SHARE = 0.25
#: Fewest finished trials that say whether the best came late: below 8, the last quarter
#: is one trial or none, and a best that is the last trial shows no trend (trial #0 of a
#: 1-trial study "came late: the best line was still climbing")
LATE_MIN_FINISHED = 8


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


def agreement_text(imp: pd.DataFrame, methods: list[str]) -> str:
    """Whether the importance methods put the same parameter first, and what that means
    (QA: "agreement between the two is reassuring" under PED-ANOVA's lr at 0.77 and
    fANOVA's lr at 0.05, width first)."""
    firsts = {m: imp[imp["method"] == m].sort_values("importance", ascending=False).iloc[0]
              for m in methods}
    tops = {row["param"] for row in firsts.values()}
    if len(tops) == 1:
        return f" Both put {tops.pop()} first: agreement between the two is reassuring."
    shares = imp.set_index(["method", "param"])["importance"]

    def first(m: str) -> str:
        top = firsts[m]["param"]
        others = "; ".join(f"{o} {format_value(shares.get((o, top), float('nan')))}"
                           for o in methods if o != m)
        return f"{m} puts {top} first ({format_value(firsts[m]['importance'])}; {others})"

    return (f" The two disagree: {', '.join(first(m) for m in methods)}. A parameter can set the "
            "best trials apart without explaining much of the value's spread over all "
            "trials, or the reverse, and with few trials either ranking may be noise. Read "
            "neither as settled; more trials tell them apart.")


def add_findings(rep, summary: dict, spec, after: int, grid: GridState | None,
                 more) -> None:
    """Put the study's findings under ``rep``'s cards (`findings_text`), and, where more
    trials are suggested (`more_suggested`), the command that runs them (``more``:
    `_study_mattered.more_trials_text`'s, whose words under "What mattered" say how far)."""
    text = findings_text(summary, spec, after, grid)
    if not text:
        return
    if not more_suggested(summary, spec, grid):
        rep.add_lead(text)
        return
    done = summary["n_complete"]
    _, command = more(done)
    rep.add_lead(f"{text} More trials are suggested: {done} complete "
                 f"{'trial gives' if done == 1 else 'trials give'} only a rough ranking of "
                 "the parameters (What mattered says how many more, and why). From this "
                 "report's folder, this runs the study on:", command)
