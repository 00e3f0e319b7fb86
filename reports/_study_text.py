"""The study report's words: its headline, outcome sentence, captions, the
spec's settings as the page lists them, and the time trials ran."""

from __future__ import annotations

import math
import re

import pandas as pd

import nets
import study as hs
from nets import error_line

from . import design
from ._outcome_words import ended_text, left_running_text, waiting_text
from ._paths import shown_command
from ._problem_words import problems_where
from ._pruner_words import pruner_words
from ._study_grid import GridState, grid_history_words
from ._study_lag import _finished_of
from ._study_table import DOMINATED
from .design import format_seconds, format_setting

# what the Pareto front leaves out, said once (a tie on one objective is not "beaten")
_MAX_LISTED = 12  # Pareto-front members named in the best trial's section (pareto.csv: all)


def outcomes_caption(heartbeats: bool) -> str:
    """The outcome chart's caption; ``heartbeats``, the summary's: a storage without them
    (a journal) closes a dead worker's trial as interrupted and draws a new point instead."""
    dead = ("errors and dead workers fail. A dead worker's trial is retried, so its retry "
            "holds its slot." if heartbeats else
            "errors fail. A dead worker's trial is closed as interrupted (this storage keeps "
            "no heartbeats), and a new trial takes its slot.")
    return ("Trials by outcome. Pruned trials were stopped early by the pruner; diverged ones "
            f"stopped themselves (loss exploded) and count as pruned; {dead}")


def why_best(spec, summary) -> str:
    """With several objectives, the sentence saying which front member is the best trial
    (`study.study_summary`'s rule); empty with one."""
    if not spec.multi_objective:
        return ""
    front = [p["number"] for p in summary["pareto_front"]]
    if len(front) == 1:
        return f"It is the only trial on the Pareto front: {DOMINATED.replace('none', 'no other')}."
    listed = ", ".join(f"#{n}" for n in front[:_MAX_LISTED])
    more = f" and {len(front) - _MAX_LISTED} more" if len(front) > _MAX_LISTED else ""
    most = "highest" if spec.directions[0] == "maximize" else "lowest"
    return (f"Of the {len(front)} trials on the Pareto front ({listed}{more}), this is the "
            f"one with the {most} {spec.metrics[0]}, the first metric.")


def tied_with_best(spec, trials, best) -> str:
    """With one objective, the sentence naming the other complete ``trials`` that scored
    the ``best`` trial's value exactly (the best is one of equals); empty if none."""
    if spec.multi_objective:
        return ""
    value = best.value
    tied = [t.number for t in trials if t.number != best.number and t.state.name == "COMPLETE"
            and t.value == value]
    if not tied:
        return ""
    names = nets.and_list([f"#{n}" for n in tied[:_MAX_LISTED]]
                          + ([f"{len(tied) - _MAX_LISTED} more"] if len(tied) > _MAX_LISTED
                             else []))
    return (f"{'Trial' if len(tied) == 1 else 'Trials'} {names} scored the same "
            f"{spec.metrics[0]} as this one, {design.format_value(value)}: it is the best of "
            "equals.")


def pareto_caption(metrics) -> str:
    """The Pareto figure's caption: with more than two objectives, those not drawn."""
    caption = f"{metrics[0]} against {metrics[1]}"
    if len(metrics) == 2:
        return caption + "; each point on the front is a best trade-off."
    hidden = metrics[2:]
    return (f"{caption}; {' and '.join(hidden)} {'is' if len(hidden) == 1 else 'are'} not "
            f"drawn. The front's points are those no trial dominates over all "
            f"{len(metrics)} objectives, so one may look beaten in this plane: it is better on "
            f"{' or '.join(hidden)}. pareto.csv holds every objective.")


def no_curves(inter: pd.DataFrame, checkpoint: float) -> str:
    """Why the pruning view is left out: every trial reported the untrained net alone
    (``inter``: `intermediate_frame`), one point each at epoch 0, which is no curve."""
    stopped = inter.drop_duplicates("number")["status"].value_counts()
    how = ", ".join(f"{n} {status}" for status, n in stopped.items())
    return (f"No curves to draw: every trial stopped before epoch {format_setting(checkpoint)}, "
            "its first checkpoint after the untrained net, so each reported one value (at "
            f"epoch 0) and the pruner compared none ({how}).")


def one_line(exc: Exception) -> str:
    """`nets.error_line` as a sentence (ending in a period); an OSError in words
    (`nets.os_error_line`: "[Errno 13] Permission denied: '...'" read as a crash)."""
    text = nets.os_error_line(exc) if isinstance(exc, OSError) else error_line(exc)
    return text if text.endswith(".") else text + "."


def pruning_saved(trials, max_epochs: float, *, flat: bool = True) -> str:
    """What the trials stopped early (pruned or diverged) left untrained, in epochs: ''
    without any. Epochs, not time: every checkpoint a pruner follows costs the storage a
    write and a read, which on short checkpoints (coin's) take longer than the training.

    Parameters
    ----------
    trials : list of optuna.trial.FrozenTrial
    max_epochs : float
        A full run's epochs (the spec's).
    flat : bool
        As in `trials_frame`.
    """
    trained = [hs.trial_info(t, flat=flat).get("epochs") for t in trials
               if t.state.name == "PRUNED"]
    trained = [e for e in trained if isinstance(e, int | float) and math.isfinite(e)]
    if not trained:
        return ""
    full = len(trained) * max_epochs
    return (f" The {nets.count_of(len(trained), 'trial')} stopped early trained "
            f"{format_setting(round(sum(trained), 2))} of the {format_setting(full)} epochs "
            f"their full runs would have: {format_setting(round(full - sum(trained), 2))} "
            "epochs not trained (epochs, not time: each checkpoint a pruner follows costs a "
            "storage write and read, which short checkpoints' training may not outweigh).")


def headline(summary, metrics, trials) -> dict:
    """The header's cards. With several objectives the first holds the best trial's value
    on each (the index shows the first card): its first alone hid what it traded for it."""
    best = summary["best_value"]
    values = best if isinstance(best, list) else [best]
    if len(values) > 1:
        first = {f"Best trial's {' · '.join(metrics[:len(values)])}":
                 " · ".join(design.format_value(v) for v in values)}
    elif not summary["n_complete"] and (summary["n_pruned"] or summary["n_fail"]):
        # trials ended, none with a value (an interrupted one is outside n_finished): say
        # how, not "Best val_loss –" (nor a best trial)
        first = {"No trial completed": ended_text(summary)}
    else:
        first = {f"Best {metrics[0]}": values[0] if values[0] is not None else "–"}
    # QA: the best parameters were first seen in the sixth section
    params = ({"Best parameters": best_params_text(summary["best_params"])}
              if summary["best_trial"] is not None and summary.get("best_params") else {})
    best_card = ({} if "No trial completed" in first else {
        "Best trial": f"#{summary['best_trial']}" if summary["best_trial"] is not None
        else "–"})
    return {**first, **best_card, **params,
            "Trials": _finished_of(summary["n_finished"], summary["n_trials"]),
            "Pruned": summary["n_pruned"]}


def best_params_text(params: dict) -> str:
    """``lr 0.5, batch size 16``: the best trial's searched values, short, a name's
    underscores read as spaces (a layer's width_0 keeps its own); the spaces within a
    name and its value are no-break ones where the two fit a phone's card (a card broke
    "width | 5"; "activation sigmoid" unbroken was cut mid-word there)."""
    pairs = (f"{_UNDERSCORE.sub(' ', name)} {design.format_value(value)}"
             for name, value in params.items())
    return ", ".join(p.replace(" ", "\N{NO-BREAK SPACE}") if len(p) <= _UNBROKEN else p
                     for p in pairs)


_UNDERSCORE = re.compile(r"_(?!\d+$)")  # not width_0's: "width 0 16" read as two numbers
_UNBROKEN = 14  # characters of a card's line at its narrowest (160 px)


def history_caption(history: pd.DataFrame, metric: str, maximize: bool,
                    grid: GridState | None = None) -> str:
    """The optimization history's caption (``history``: `history_frame`): what its marks
    are, the stopped trials' among them only when there are some; for a ``grid`` (its
    points in a shuffled order), no forecast from the line's shape."""
    state = history["state"]
    pruned, broke = (state == "pruned").sum(), (~state.isin(["complete", "pruned"])).sum()
    marks = [f"{pruned} pruned {_trials(pruned)} hollow, at the last value each reported"
             ] if pruned else []
    marks += [f"{broke} that diverged or failed as x marks along the bottom"] if broke else []
    text = f"{metric} of every trial up to the last (#{history['number'].max()}): " + (
        f"complete trials filled, {' and '.join(marks)}; " if marks else "")
    forecast = (grid_history_words(grid) if grid is not None else
                f"A best line that still {'climbs' if maximize else 'falls'} at the end says "
                "more trials would pay off.")
    return (text + f"the line is the best complete trial so far. {forecast}"
            + (" history.csv's state column says which trial is which." if marks else ""))


def _trials(n: int) -> str:
    return "trial" if n == 1 else "trials"


def subtitle(spec) -> str:
    goal = ", ".join(f"{d} {m}" for m, d in zip(spec.metrics, spec.directions, strict=True))
    # QA: pruner "none" read "none pruner"
    pruner = pruner_words(spec.pruner or "none", spec.pruner_options)
    return (f"{spec.dataset} · {goal} · {spec.sampler} sampler · {pruner} · "
            f"up to {nets.count_of(spec.max_epochs, 'epoch', fmt='g')}")


def outcome_text(summary, n_trials: int, max_rows: int) -> str:
    """The Trials section's opening: the counts by outcome, the first problem, and where
    every problem's reason is (`problems_where`: ``n_trials`` in the table of all trials,
    ``max_rows`` shown of a table)."""
    text = (f"{summary['n_complete']} complete, {summary['n_pruned']} pruned "
            f"({summary['n_diverged']} of them diverged), {summary['n_fail']} failed")
    left = summary.get("n_stale", 0)
    live = summary.get("n_running", 0) - left
    text += f", {live} still running" if live > 0 else ""
    text += f", {left_running_text(left, summary['heartbeats'])}" if left else ""
    queued = summary.get("n_waiting", 0)
    # QA: "1 queued (enqueued, or a retry)", where study show tells points from retries
    text += (f", {waiting_text(summary)} waiting, which the next study run or worker runs "
             "first, even with the budget spent." if queued else ".")
    if summary["problems"]:
        worst = summary["problems"][0]
        # an exception's message may end in a full stop; an ellipsis ("0.1, 0.2...") stays
        reason = str(worst["reason"])
        reason = reason if reason.endswith("...") else reason.rstrip(".") + "."
        text += f" First problem: trial #{worst['number']} {worst['status']}: {reason}"
        text += problems_where(summary["problems"], n_trials, max_rows)
    return text


#: The spec's settings counted in seconds, shown with their unit (QA: "grace_period 30"
#: beside the pruner's settings read as a pruner's grace in epochs)
SECONDS_SETTINGS = ("timeout", "heartbeat_interval", "grace_period")


def spec_params(spec) -> dict:
    """The spec's settings, every number whole (a rounded bound or fixed value is another
    study: spec.toml beside the report is the file to run); those of seconds with their
    unit, the workers' (heartbeats, retries) after the search's."""
    out = {"metric": ", ".join(spec.metrics), "n_trials": spec.n_trials,
           "timeout": spec.timeout, "max_epochs": spec.max_epochs, "sampler": spec.sampler,
           **{f"sampler.{k}": v for k, v in spec.sampler_options.items()},
           "pruner": spec.pruner, **{f"pruner.{k}": v for k, v in spec.pruner_options.items()}}
    for p in spec.space.params:
        out[f"space.{p.name}"] = _space_entry(p, spec.space.per_layer)
    out.update({f"fixed.{k}": v for k, v in spec.fixed.items()})
    out.update({"heartbeat_interval": spec.heartbeat_interval,
                "grace_period": spec.grace_period, "max_retry": spec.max_retry,
                "repeatable_workers": spec.repeatable_workers})
    return {k: format_setting(v) + (" s" if k in SECONDS_SETTINGS and v is not None else "")
            for k, v in out.items()}


def _space_entry(p, per_layer: bool) -> str:
    """``0 .. 0.0012345 step 0.00012345``, ``2 .. 16 (log), one per layer (width_0,
    width_1...)`` or the choices."""
    if p.choices:
        return ", ".join(format_setting(c) if isinstance(c, float) else str(c) for c in p.choices)
    text = f"{format_setting(p.low)} .. {format_setting(p.high)}"
    text += f" step {format_setting(p.step)}" if p.step is not None else ""
    text += " (log)" if p.log else ""
    if p.name == "width" and per_layer:
        text += ", one per layer (width_0, width_1...)"
    return text


def busy_time(timeline: pd.DataFrame) -> str:
    """How long at least one trial was running: the union of the trials' intervals.

    Not first start to last end: a study resumed a week later would say a week. Trials
    of several workers that overlap count once.
    """
    if timeline.empty:
        return "–"
    busy, reach = 0.0, -math.inf
    for start, end in timeline.sort_values("start")[["start", "end"]].itertuples(index=False):
        start = max(start, reach)  # what an earlier trial already covered counts once
        busy += max(0.0, end - start)
        reach = max(reach, end)
    return format_seconds(busy)


def resume_facts(attrs: dict) -> dict:
    """Provenance's "Resumed by" (the resumes a study keeps, saying how many it dropped)
    and "Budget set by" where the resume that set the current budget is not among them
    (QA: 28 resumes showed as 20, the runs that raised the budget gone unsaid)."""
    listed, count, exact = hs.resumes(attrs)
    if not listed:
        return {}
    shown = "; ".join(shown_command(c) for c in listed)
    if not exact:  # an older hplab's study: it kept the last 20 and counted none dropped
        of = f" of at least {count}" if count > len(listed) else ""
        shown = (f"the last {len(listed)}{of} resumes (an older hplab kept the last "
                 f"{hs.RESUMES_KEPT} and did not count those it dropped): {shown}")
    elif count > len(listed):
        shown = f"the last {len(listed)} of {count} resumes: {shown}"
    facts = {"Resumed by": shown}
    budget = hs.budget_command(attrs)
    if budget is not None and budget[0] not in listed:
        facts["Budget set by"] = (f"{shown_command(budget[0])} (the study's budget, "
                                  f"{budget[1]} trials)")
    return facts
