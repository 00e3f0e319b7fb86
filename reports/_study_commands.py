"""What the study commands say of a study's report and write: where `hplab study show` and
`study worker` find it and whether it lags the study, and `hplab study report`'s checked
write. Nothing here draws until a report is written (`study show` stays light).
"""

from __future__ import annotations

import os
from pathlib import Path

import nets

from ._held_results import unreadable
from ._out_folder import check_out_folder, check_study_report_folder
from ._report_info import read_report_info
from ._startup_text import no_pruning_lines
from ._study_folder import find_study_report, study_report_folder
from ._study_lag import report_lags
from ._terminal import study_lines
from ._unregistered_text import python_report_call, unregistered_lines


def note_study_report(name: str, storage, summary: dict,
                      description: str | None = None, missing=()) -> list[str]:
    """Set ``summary``'s ``report_path`` (the study's report, where `study show` finds it)
    and ``report_stale``; return the line that says how the report lags the study, if it
    does (none, when it is current or there is none).

    Parameters
    ----------
    name : str
        The study's name.
    storage : str or None
        Its storage as given (the same name elsewhere is another study).
    summary : dict
        The study as `study.show_study` has it; its two keys are set here.
    description : str, optional
        The study's description as stored (default: read from the storage, where there is
        a report): a report showing another lags.
    missing : list of tuple of str, optional
        `study.unregistered_names` of its spec: the hplab command cannot write its report,
        the lines name `reports.study_report` from the script that registers them.

    Returns
    -------
    list of str
    """
    import study

    report = find_study_report(name, storage, summary["created"])
    if report is not None and description is None:
        description = _stored_description(name, storage)
    summary["report_path"] = str(report) if report else None
    # the storage as given: the same name elsewhere is another study
    again = nets.command_words(["hplab", "study", "report"], name, (
        ["--storage", study.mask_url(storage)] if storage else []))
    if report and not _in_folder(report, study_report_folder(name, storage, summary["created"])):
        # found in the runs folder of the storage file, not where `study report` writes
        # from here: from that runs folder's project folder it is
        # PROJECT/runs/studies/NAME/report.html, named from inside runs/ too (QA)
        project = Path(os.path.abspath(report)).parents[3]
        again = nets.command_words(["hplab", "study", "report"], name, [
            "--storage", study.resolve_storage(storage).seen_from(project).masked])
        lag_command = (f"cd {nets.shell_word(os.path.relpath(project))} && "
                       f"{nets.shell_line(again)}")
    else:
        lag_command = nets.shell_line(again)
    if missing:  # QA: show named `hplab study report`, which refuses such a study
        lag_command = python_report_call(name, storage, missing)
    # a report written before later trials (a run with --no-report, a worker's), or of a
    # deleted study of this name, says so
    said = report_lags(report, summary, lag_command, description) if report else None
    blind = report is not None and unreadable(report)  # its lag is not known
    summary["report_stale"] = said is not None if report and not blind else None
    if said is None and not blind:
        return []
    return [f"  ({said or 'this user cannot read it: Permission denied'})"]


def _stored_description(name: str, storage) -> str | None:
    """The description stored with study ``name`` (None where it cannot be read)."""
    import study

    try:
        opened = study.open_study_storage(name, storage)
    except (ValueError, OSError):  # SpecError and StorageError are ValueErrors
        return None
    try:
        return _description_of(opened[0])
    finally:
        study.release(opened[2])


def _description_of(s) -> str | None:
    """The description in the spec stored with the optuna study ``s`` (None without one)."""
    import study

    return study.spec_description(s.user_attrs.get(study.SPEC_ATTR))


def _in_folder(report, folder) -> bool:
    try:
        return report.parent.resolve() == folder.resolve()
    except OSError:
        return False


def study_report_lines(name: str, storage, summary: dict,
                       description: str | None = None, missing=()) -> list[str]:
    """`note_study_report`'s line, else the one that says the study has no report yet:
    what `hplab study show` and `study worker` end with (QA: a worker said nothing of a
    study without a report, where show gave the command that writes one).

    Parameters
    ----------
    name : str
        The study's name.
    storage : str or StorageURL, optional
        Its storage, any form `study.resolve_storage` takes (None: ``runs/hplab.db``).
    summary : dict
        The study as `study.show_study` has it.
    description : str, optional
        The study's description as stored now (None: not compared).
    missing : list of tuple of str, optional
        `study.unregistered_names` of its spec (`note_study_report`).
    """
    return (note_study_report(name, storage, summary, description, missing)
            or _no_report_yet(name, storage, summary, missing))


def _no_report_yet(name: str, storage, summary: dict, missing=()) -> list[str]:
    """The line `study show` prints where the study has no report (a run with --no-report,
    a report step interrupted: QA found the "report:" line left out without a word), with
    the command that writes one; none where it has one. It names the folder looked in
    (QA: a report written with ``--out`` elsewhere was not found, and the line did not say
    where it had looked)."""
    import study

    if summary["report_path"] is not None:
        return []
    write = nets.shell_line(nets.command_words(["hplab", "study", "report"], name, (
        ["--storage", study.mask_url(storage)] if storage else [])))
    if missing:  # the hplab command refuses it (QA)
        write = python_report_call(name, storage, missing)
    folder = study_report_folder(name, storage, summary["created"])
    primary = study.study_folder(name)
    other = read_report_info(primary / "report.html") if folder != primary else None
    if other is not None and other.source is not None:
        # QA: a copied project (cp -r, the original still there) said "none yet" beside
        # runs/studies/NAME/report.html: that one is the original storage's study
        return [f"report: {primary / 'report.html'} is of the study in {other.source}; "
                f"this one has none yet ({write} writes it to {folder})"]
    return [f"report: none yet in {folder} ({write})"]


def study_show(name: str, storage=None, *, cells: bool = True) -> tuple[dict, list[str]]:
    """`hplab study show`: the study's summary (with its report, `note_study_report`) and
    its lines.

    Parameters
    ----------
    name : str
        The study's name.
    storage : str or None
        Its storage (default runs/hplab.db).
    cells : bool
        Add the course's table of a grid of two choices (rates x batch sizes) to the lines.

    Returns
    -------
    (dict, list of str)
        The summary (``--json``'s object) and the lines for people.
    """
    import study

    # one open for the summary and the cells: each open of a database costs its engine
    opened = study.open_study_storage(name, storage)
    try:
        summary = study.show_study(name, storage, opened=opened)
        missing = study.unregistered_names(opened[0].user_attrs.get(study.SPEC_ATTR))
        # sets its report_path first; the description as stored, read on this open
        said = study_report_lines(name, storage, summary, _description_of(opened[0]),
                                  missing)
        # the report's best-trial note, in the JSON too (a value another program told)
        summary["best_told_while_running"] = told = _best_told(opened[0], summary)
        note = "  (value told by another program while hplab trained it)" if told else ""
        # the line that runs the waiting trials, as `study enqueue` gave it (QA: show said
        # `hplab study run`, without the study or its storage)
        run = _run_command(name, storage, opened) if summary["n_waiting"] else None
        # the report's line where the pruner's start-up trials took the budget (QA)
        idle = [] if missing else no_pruning_lines(name, opened, summary["n_trials"])
        lines = (study_lines(summary, best_note=note, run_command=run) + idle + said
                 + unregistered_lines(missing))
        # the cells read the parsed spec, which needs the names registered
        if cells and not missing and len(summary["best_params"] or {}) == 2:
            # a grid of two choices (rates x batch sizes): the course's table of them
            from ._study_cells_text import study_cells_lines

            lines += study_cells_lines(name, storage, opened=opened)
    finally:
        study.release(opened[2])
    return summary, lines


def _run_command(name: str, storage, opened) -> str:
    """The ``hplab study run`` line that resumes study ``name`` (`study.resume_command`:
    its name, or the file that resumes it where a ready spec of its name is another),
    ``--storage`` as given; by its name where its stored spec cannot be read here."""
    import study

    given = None if storage is None else study.mask_url(str(storage))
    try:
        spec, _ = study.stored_spec(name, opened[1], opened[2])
        return study.resume_command(opened[0], spec, opened[1], None, storage=given)
    except (ValueError, OSError):  # SpecError and StorageError are ValueErrors
        return nets.shell_line(nets.command_words(["hplab", "study", "run"], name, (
            ["--storage", given] if given else [])))


def _best_told(s, summary: dict) -> bool | None:
    """Whether another program told the best trial's value while hplab trained it
    (`study.told_while_running`, as the report tells it): its line, else read as the
    training's score, says so. None without a best trial."""
    import study

    if summary["best_trial"] is None:
        return None
    created = s.user_attrs.get(study.CREATED_ATTR)
    best = s.get_trials(deepcopy=False)[summary["best_trial"]]
    return bool(study.run_by_hplab(best, created) and study.told_while_running(
        best, flat=study.flat_layout(created)))


def write_study_report(name: str, storage=None, out=None, *, command: str = "",
                       dataset=None, instead: str = "give another folder as out",
                       progress: bool = False) -> str:
    """`study_report` with its folder checked first, on one open of the storage (`hplab
    study report`); returns the report's path.

    Parameters
    ----------
    name : str
        The study's name (a missing study fails before anything is written).
    storage : str or None
        Its storage (default runs/hplab.db).
    out : path, optional
        The report's folder (default the study's, `study_report_folder`).
    command : str
        The command as typed, which the report and best_model/config.json record.
    dataset : str, optional
        This machine's copy of the study's data, which retrains its best trial.
    instead : str
        What to do instead when the default folder cannot take the report (it holds
        another study's, say).
    progress : bool
        Say on stderr that the best trial is retrained, with a bar (`study_report`).

    Returns
    -------
    str
    """
    import study

    opened = study.open_study_storage(name, storage)  # a missing study fails here
    try:  # one open for the summary and the report
        # and one whose nets this process cannot build (an activation registered by the
        # script that ran it): before any folder is checked
        study.stored_spec(name, opened[1], opened[2])
        summary = study.show_study(name, storage, opened=opened)
        # before retraining the best trial and drawing the figures (a file of the folder it
        # could not read was refused after 10 s of both)
        if out:
            # the same name in another storage is another study, as for the default folders
            check_out_folder(out, "study", name, storage=study.resolve_storage(storage),
                             created=summary["created"])
        else:
            check_study_report_folder(name, storage, instead, created=summary["created"])
        from ._study_report import study_report  # matplotlib loads here

        return str(study_report(name, storage=storage, out=out, command=command,
                                opened=opened, dataset=dataset, progress=progress))
    finally:
        study.release(opened[2])
