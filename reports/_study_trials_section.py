"""The study report's table of all trials (best first) and its provenance: how the study ran."""

from __future__ import annotations

import pandas as pd

from . import _study_data as sd
from ._held_results import SPEC_FILE
from ._library_versions import library_rows
from ._outcome_words import queued_text
from ._paths import shown_command
from ._problem_words import add_problem_table
from ._study_table import marked_front, trials_page, worker_labels
from ._study_text import busy_time, resume_facts, spec_params
from ._terminal import versions_text

TABLE_ROWS = 25  # rows of a table in the page; its CSV holds them all


def _add_trials_and_provenance(rep, s, spec, trials, timeline, where, name, seconds,
                               best, flat, versions, stale, libraries, front=(), *,
                               spec_unsaved: str | None = None) -> None:
    """The table of all trials (``best`` first) and how the study ran (``versions``: the
    summary's ``hplab_versions``: the report's own version is not the trials'; ``stale``:
    the RUNNING trials whose worker stopped; ``libraries``: its ``library_versions``, as
    the study stored them: the report's own are said beside them where they differ;
    ``front``: the numbers of the Pareto front's trials, of a study of several objectives,
    marked and listed first; ``spec_unsaved``: why no spec file is saved beside the report,
    if none is)."""
    import study as hs

    frame = sd.trials_frame(trials, spec.metrics, flat=flat, max_retry=spec.max_retry,
                            heartbeats=hs.keeps_heartbeats(s), stale=stale)
    rep.add_section("All trials")
    table, pareto = marked_front(_sorted(frame, spec.metrics, spec.directions, best, front),
                                 spec.metrics, front)
    why = ", and why each pruned, diverged or failed one stopped" if "reason" in table else ""
    labels = worker_labels(trials, flat=flat)
    mixed = len(versions) > 1
    page, note = trials_page(table, labels, spec.metrics, mixed=mixed)
    rep.add_table(table, name="trials", max_rows=TABLE_ROWS, page=page, caption=(
        f"Every trial (best first){why}. {pareto}{_queued_note(trials, spec.sampler)}{note}"
        "The CSV holds every row and column, workers by their stored ids."))
    add_problem_table(rep, frame, len(table), TABLE_ROWS, labels, spec.metrics, mixed)
    # the command that created the study (a spec edited from a file is not the ready spec
    # of the same name, and --trials changes the budget), then those that resumed it
    beside = "" if spec_unsaved else f", and saved beside this report as {SPEC_FILE}"
    command = s.user_attrs.get(hs.COMMAND_ATTR) or "not recorded (the spec is stored with " \
        f"the study{beside})"
    resumed = resume_facts(s.user_attrs)
    # the trials' runs too: a study made from Python records no command, yet its resume
    # by the command line timed only its own trials
    runs = {hs.trial_info(t, flat=flat).get("run") for t in trials} - {None, ""}
    rows = library_rows(libraries, ran=any(t.state.name != "WAITING" for t in trials))
    rep.set_provenance(
        libraries=rows.pop("Library versions"), command=command, dataset=spec.dataset,
        seed=spec.seed, params=spec_params(spec),
        seconds=seconds, wall_time="Wall time of the last run"
        if (resumed or len(runs) > 1) and seconds is not None else "Wall time",
        extra={"Storage": where.masked, "Study": name,
                                "Spec": f"not saved beside this report ({spec_unsaved}): "
                                        "it is stored with the study" if spec_unsaved else
                                        f"{SPEC_FILE} beside this report: the spec the "
                                        "study ran with, as stored with it",
                                **resumed,
                                **_queued_by(s.user_attrs),
                                **({"Trials run by hplab": versions_text(versions)}
                                   if versions else {}),
                                **rows,
                                "Time with a trial running": busy_time(timeline)},
        links={} if spec_unsaved else {"Spec": SPEC_FILE})  # QA: named, not linked


def _queued_by(attrs: dict) -> dict:
    """Provenance's "Points queued by": the ``hplab study enqueue`` commands that queued
    points into the study after the one that made it (`study.ENQUEUED_ATTR`)."""
    import study as hs

    listed = attrs.get(hs.ENQUEUED_ATTR)
    if not isinstance(listed, list) or not listed:
        return {}
    return {"Points queued by": "; ".join(shown_command(str(c)) for c in listed)}


def _queued_note(trials, sampler: str) -> str:
    """Which trials ran a point queued by hand (``hplab study enqueue``, Optuna's
    ``enqueue_trial``: `study.queued_point`), not a retry of a failed trial. QA: a study
    enqueued with the course's rate read as sampled throughout, its chosen points nowhere
    told from the sampler's. ``sampler``: the spec's, whose words they take."""
    import study as hs

    said = queued_text((t.number for t in trials if t.state.name != "WAITING"
                        and hs.queued_point(t) is not None), sampler == "grid")
    return f"{said}. " if said else ""


def _sorted(frame: pd.DataFrame, metrics, directions, best: int | None = None,
            front=()) -> pd.DataFrame:
    """The ``best`` trial (the report's), then the other complete trials best first (ties on
    the first objective broken by the next ones, then by number), the Pareto ``front``'s
    (trial numbers) before the others, then pruned ones (their last checkpoint's value can
    beat the best trial's, but they never finished), then the rest by number. Times and,
    when no trial stopped early, the empty reason column are left out."""
    cols = [c for c in frame.columns if c not in ("start", "complete")
            and not (c == "reason" and frame[c].isna().all())]
    if metrics[0] not in frame:
        return frame[cols]
    rank = frame["state"].map({"complete": 0, "pruned": 1}).fillna(2)
    # sorted by the first objective alone, a front member of a poor one (the smallest net)
    # fell below the rows the page shows
    rank = rank.where(~frame["number"].isin(front) | (rank != 0), -0.5)
    # a diverged trial is pruned by the loop: its value is its last before it blew up (the
    # untrained net's, often), no rank
    if "status" in frame:
        rank = rank.where(frame["status"] != "diverged", 2)
    keys = {"rank": rank.where(frame["number"] != best, -1)}
    for i, (m, d) in enumerate(zip(metrics, directions, strict=True)):
        if m in frame:  # larger is better for every key
            keys[f"value_{i}"] = (frame[m] if d == "maximize" else -frame[m]).where(rank < 2)
    keys["number"] = frame["number"]
    order = pd.DataFrame(keys).sort_values(
        list(keys), ascending=[True] + [False] * (len(keys) - 2) + [True],
        na_position="last", kind="stable").index
    return frame.loc[order, cols]
