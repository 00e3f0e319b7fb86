"""The study report: how the search went, what mattered, and the best trial retrained."""

from __future__ import annotations

import os
from functools import partial
from pathlib import Path

from nets import count_of, notice, stage_file

from . import _pareto_draw, _study_data as sd, _study_draw as sw
from ._best_model_files import (
    best_model_staging,
    remove_leftover,
    set_aside,
    swap_best_model,
)
from ._core import Report
from ._held_results import SPEC_COMMENT, SPEC_FILE
from ._library_versions import mixed_libraries_text
from ._out_folder import holding, removed_if_left_empty
from ._pruner_words import pruned_why
from ._report_info import read_report_info
from ._startup_text import no_pruning_text
from ._study_best_section import _add_best_trial
from ._study_findings import add_findings, more_trials_text, trials_after
from ._study_folder import storage_source, study_report_folder
from ._study_grid import grid_state
from ._study_lag import newer_report
from ._study_lines import draw_intermediate, many_curves_note
from ._study_mattered import add_learning_curves, add_what_mattered
from ._study_outcomes import state_counts_frame
from ._study_status import not_started, status, status_detail
from ._study_table import worker_labels
from ._study_text import (
    DOMINATED,
    headline,
    history_caption,
    no_curves,
    outcome_text,
    outcomes_caption,
    pareto_caption,
    pruning_saved,
    subtitle,
)
from ._study_trials_section import TABLE_ROWS, _add_trials_and_provenance
from ._terminal import mixed_versions_text
from ._timeline_axis import timeline_notes
from ._timeline_data import timeline_frame
from ._timeline_draw import draw_timeline, merged_note


def study_report(name: str, *, storage: str | os.PathLike[str] | None = None, out=None,
                 seconds: float | None = None, command: str = "", opened=None,
                 dataset: str | None = None, progress: bool = False) -> Path:
    """Write the report of stored study ``name`` and refresh the index above it.

    The best trial is retrained with its configuration and seed (``[study_seed, number]``)
    through ``study.train_run``; its model is saved in ``best_model/`` beside the report,
    and the spec the study ran with (as stored with it) in ``spec.toml``.

    Parameters
    ----------
    name : str
        Study name in the storage.
    storage : str or path, optional
        Storage URL or path (default ``runs/hplab.db``); shown with its password masked.
    out : path, optional
        Report folder (default ``runs/studies/NAME``, see `study_report_folder`; beside it
        when that folder holds the report of a study of the same name in another storage).
    seconds : float, optional
        Wall time of the run that ends in this report (shown in its provenance).
    command : str
        The command line writing it, recorded with the folder it ran in by
        ``best_model/config.json`` (the provenance shows the command that created the study).
    opened : tuple, optional
        `study.open_study_storage`'s answer for the study, left open (default: opened and
        released here).
    dataset : str, optional
        This machine's copy of the study's data, where it is not at the stored path
        (``hplab study report --data``), checked as ``study.join_data`` checks a worker's:
        the best trial is retrained on it.
    progress : bool
        Say on stderr that the best trial is retrained, with a bar over its epochs (on
        MNIST-size data it takes as long as a trial, after the trials' bar ended).

    Returns
    -------
    Path
        The written ``report.html``; or the one there, kept (and said so on stderr), when
        another writer put there meanwhile a report of the study at more finished trials
        than this one read. Writers of one folder write one at a time.
    """
    import study as hs

    s, where, store = opened or hs.open_study_storage(name, storage)
    try:  # its pooled connections closed when done: a notebook's calls kept them open
        spec, _ = hs.stored_spec(name, where, store)
        return _write_study_report(s, spec, where, name, out, seconds, command, dataset,
                                   progress)
    finally:
        if opened is None:
            hs.release(store)


def _run_line(s, spec, where, summary, out: Path) -> str | None:
    """The ``hplab study run`` line a study no trial of which started (`not_started`) is
    run by, as `hplab study enqueue` gives it (``--storage`` where one was given); a
    storage named by a relative path is named from the report's folder ``out``, where the
    line says to run it, as the "More trials" command does (QA: the badge gave it from
    where the report was written, the section from the report's folder)."""
    import study as hs

    if not not_started(summary):
        return None
    relative = where.path is not None and not where.path.is_absolute()
    shown = where.seen_from(out) if relative else where
    line = hs.resume_command(s, spec, where, None, storage=shown.masked if shown.given
                             else None, out="." if relative else None)
    return f"{line} (from this report's folder)" if relative else line


def _write_study_report(s, spec, where, name: str, out, seconds, command: str,
                        dataset: str | None = None, progress: bool = False) -> Path:
    """`study_report` of the loaded study ``s`` and its ``spec``."""
    import study as hs

    # a copy that is not the study's data is refused before anything is drawn
    best_spec = spec if dataset is None else hs.join_data(spec, s, where, dataset)[0]
    trials = s.get_trials(deepcopy=False)
    summary = hs.study_summary(s, where)
    created = s.user_attrs.get(hs.CREATED_ATTR)
    flat = hs.flat_layout(created)  # other programs' user attributes are not hplab's
    # RUNNING trials whose worker stopped are left over, not live (the summary's n_stale)
    stale = hs.stale_trials(s, trials, spec.grace_period, flat=flat)
    out = Path(out) if out else study_report_folder(name, where, summary["created"])
    metric = spec.metrics[0]
    maximize = spec.directions[0] == "maximize"
    complete = summary["n_complete"]
    grid = grid_state(spec, summary)  # a spent grid takes no more trials
    # another storage than the default: said in the title, so the index tells them apart
    other = where.path is None or where.path.resolve() != Path(hs.DEFAULT_STORAGE).resolve()
    title = f"Study: {name}" + (f" ({where.masked})" if other else "")
    run_line = _run_line(s, spec, where, summary, out)
    rep = Report("study", title, headline(summary, spec.metrics, trials), name=name,
                 status=status(summary, spec.n_trials),
                 status_detail=status_detail(summary, spec, run_line),
                 subtitle=subtitle(spec), description=spec.description)
    rep.source, rep.study_created = storage_source(where), summary["created"]

    rep.add_section("Trials", outcome_text(summary, len(trials), TABLE_ROWS))
    for mixed in (mixed_versions_text(summary["hplab_versions"]),
                  mixed_libraries_text(summary["library_versions"])):
        if mixed:  # a study resumed after an upgrade
            rep.add_text(f"This study is mixed: {mixed}.", note=True)
    if not complete and summary["n_finished"]:
        rep.add_text("No trial completed, so there is no best trial. The table of all trials "
                     "below gives the reason each one stopped; if they diverged, "
                     f"{_lower_rate(spec)}.", note=True)
    if trials:  # no trial yet (a timeout before the first): no bars to draw
        outcomes = state_counts_frame(trials, flat=flat, stale=stale)
        rep.add_figure("outcomes", sw.draw_state_counts, outcomes,
                       caption=outcomes_caption(summary["heartbeats"]))
    if complete:
        history = sd.history_frame(trials, maximize, flat=flat)
        rep.add_figure("history", partial(sw.draw_history, metric=metric), history,
                       caption=history_caption(history, metric, maximize, grid))
    if spec.multi_objective and complete:
        rep.add_section("Pareto front", f"Trials no other trial dominates: {DOMINATED}.")
        rep.add_figure("pareto", partial(_pareto_draw.draw_pareto, directions=spec.directions),
                       sd.pareto_frame(trials, [p["number"] for p in summary["pareto_front"]],
                                       spec.metrics),
                       caption=pareto_caption(spec.metrics))
    table = sd.param_table(trials)
    more_trials = more_trials_text(s, spec, where, summary, dataset, out, grid)
    add_findings(rep, summary, spec, trials_after(trials, summary["best_trial"]), grid,
                 more_trials)
    ranked = add_what_mattered(rep, s, spec, table, metric, maximize, more_trials=more_trials,
                               grid=grid, flat=flat, trials=trials)
    inter = sd.intermediate_frame(trials, spec.checkpoint, flat=flat)
    if not inter.empty and inter["epoch"].nunique() == 1:  # one point a trial: on x = ±0.04
        rep.add_section("Pruning", no_curves(inter, spec.checkpoint))
    elif not inter.empty:
        rep.add_section("Pruning")
        rep.add_figure("intermediate", partial(draw_intermediate, metric=metric), inter,
                       caption=f"{metric} at every checkpoint, as the pruner saw "
                       f"it. Curves that end early (x; ×3: three of them at that point) were "
                       f"stopped: {pruned_why(spec)}"
                       + pruning_saved(trials, spec.max_epochs, flat=flat)
                       + _no_pruning(spec, summary["n_trials"])
                       + many_curves_note(inter["number"].nunique()))
    elif not table.empty:  # no pruner's curves: the complete trials' own, by parameter
        add_learning_curves(rep, trials, table, ranked, metric, flat=flat)
    timeline = timeline_frame(trials, flat=flat, stale=stale)
    if not timeline.empty:
        # the stored id's start is clock ticks since boot (a key): the lane says when
        labels = worker_labels(trials, flat=flat)
        timeline["worker_label"] = timeline["worker"].map(lambda w: labels.get(w, w))
        rep.add_section("Workers")
        rep.add_figure("timeline", draw_timeline, timeline, caption=(
            "Each trial as a bar on the lane of the worker that ran it: host:pid (the UTC "
            "time of its first trial). Gaps are "
            "time spent outside training: sampling, storage, process start-up"
            + (", and a trial's wait for the trials it learns from (repeatable_workers "
               f"{spec.repeatable_workers}: each trial is drawn from the end of its wait)."
               if spec.repeatable_workers else ".")
            + (" A trial whose worker died is drawn as long as its checkpoint reports took "
               "at the complete trials' pace, or as a typical trial (when it died is not "
               "recorded, only when another process noticed)."
               if not timeline["end_known"].all() else "") + timeline_notes(timeline)
            + merged_note(timeline)))
    # an earlier write's best model goes when the new report is written (until then it
    # stays beside the earlier report that names it): a best trial not retrained (added
    # by hand, or failing) must not sit beside another's. Only a study report's own: a
    # best_model/ of anything else is not this report's to remove
    earlier = read_report_info(out / "report.html")
    own = earlier is not None and earlier.kind == "study"
    staged = best_model_staging(out)
    staged_spec = None
    # an interrupted first report leaves no folder, as a first train does (runs/studies/NAME
    # was left empty); its staged files are removed first, below
    with removed_if_left_empty(out, "report_files"):
        try:
            saved, kept = (_add_best_trial(rep, best_spec, s, summary, trials, out, staged,
                                           created, where, command, progress)
                           if summary["best_trial"] is not None else (False, False))
            # the stored table itself: the provenance's lines are read, this file is run
            text, unsaved = _spec_text(spec.raw, summary["n_finished"])
            _add_trials_and_provenance(rep, s, spec, trials, timeline, where, name, seconds,
                                       summary["best_trial"], flat, summary["hplab_versions"],
                                       stale, summary["library_versions"],
                                       [p["number"] for p in summary.get("pareto_front", [])],
                                       spec_unsaved=unsaved)
            if text is not None:
                staged_spec = stage_file(out / SPEC_FILE,
                                         lambda tmp: tmp.write_text(text, "utf-8"))
            # one writer at a time, each keeping a report of more trials than its own: a
            # report begun before a run's last trials, ending after the run's report, put
            # its older snapshot in place of the run's
            with holding(out, wait=True):
                said = newer_report(out / "report.html", summary, where)
                if said is not None:
                    notice("reports", f"kept the newer report {out / 'report.html'} "
                                      f"({said} trials); this one had "
                                      f"{count_of(summary['n_finished'], 'finished trial')}")
                    return out / "report.html"
                return rep.write(out, swap=partial(_swap_in, partial(
                    swap_best_model, out, staged, saved, own and not kept), staged_spec, out),
                    storage=where, created=summary["created"])
        finally:  # an interrupted or failed report leaves no staged model or spec behind
            for folder in (staged, set_aside(staged)):
                remove_leftover(folder)
            if staged_spec is not None:
                staged_spec.unlink(missing_ok=True)


def _raw_to_rerun(raw: dict, n_finished: int) -> dict:
    """The stored spec, its ``n_trials`` raised to the trials the study holds where a
    resume lowered its budget after them (the file then ran fewer, its best trial among
    those left out)."""
    table = raw.get("study", {})
    if n_finished <= table.get("n_trials", n_finished):
        return raw
    return {**raw, "study": {**table, "n_trials": n_finished}}


def _spec_text(raw: dict, n_finished: int) -> tuple[str | None, str | None]:
    """The spec file's text and None, or None and why TOML cannot hold the spec (a data
    path of undecodable bytes, given from Python: the report is still written)."""
    import study as hs

    try:
        return hs.spec_toml(_raw_to_rerun(raw, n_finished), SPEC_COMMENT), None
    except ValueError as e:
        notice("reports", f"{SPEC_FILE} not written: {e}; the spec is stored with the study")
        return None, str(e)


def _swap_in(swap_model, staged_spec: Path | None, out: Path) -> None:
    """The best model, then the spec (if written), put in place as the report is
    (`Report.write`)."""
    swap_model()
    if staged_spec is not None:
        os.replace(staged_spec, out / SPEC_FILE)


def _lower_rate(spec) -> str:
    """What to lower when every trial diverged: the searched range, or the fixed rate (QA:
    "lower the learning-rate range" of a study whose [fixed] lr = 500 searched none)."""
    if spec.space.get("lr") is not None:
        return "lower the learning-rate range (space.lr)"
    if "lr" in spec.fixed:
        return f"lower the learning rate (fixed.lr = {spec.fixed['lr']:g})"
    return "set a lower learning rate (fixed.lr)"


def _no_pruning(spec, budget) -> str:
    """Why the pruner could stop no trial here (its start-up trials took the budget)."""
    said = no_pruning_text(spec, budget)
    return f" {said}" if said else ""
