"""Whether a study's report lags the study (``hplab study show``'s ``report_stale``, and
``study run`` leaving an up-to-date report as it is): written at other trials, from an
earlier study of its name, missing a file it links to, or without its best trial retrained
when a retrain may now succeed.
"""

from __future__ import annotations

import re
from pathlib import Path

from ._held_results import SPEC_FILE, unreadable
from ._paths import local_link
from ._report_info import description_digest, read_report_info
from ._study_folder import _same_instant, _stamped_report_of, study_report_folder


def report_lags(path, summary: dict, again: str, description: str | None = None) -> str | None:
    """How the study report at ``path`` differs from the study: written at fewer trials,
    or from a deleted study of the same name; or, at the study's trials, how it lags its
    own folder: a file it links to (``best_model/model.npz``, a ``report_files/`` CSV) is
    gone; or its best trial could not be retrained, and its data files changed since (a
    retrain may succeed now: `Report.retrain_failed` records them).

    Parameters
    ----------
    path : path
        The report's HTML file (`find_study_report`).
    summary : dict
        The study as `study.show_study` has it.
    again : str
        The command that rewrites the report, which the text ends in.
    description : str, optional
        The study's description as stored now (None: not compared): a resume from a
        spec of another description replaced it, which the report still shows.

    Returns
    -------
    str or None
        None if the report is current.
    """
    info = read_report_info(path)
    if info is None:
        return None
    if info.study_created is not None and not _same_instant(info.study_created,
                                                            summary.get("created")):
        return f"written from an earlier study of this name: {again} rewrites it"
    said = _trials_said(info)
    now = _finished_of(summary["n_finished"], summary["n_trials"])
    if said is not None and str(said) != now:
        return f"written at {said} trials; now {now}: {again} brings it up to date"
    if description is not None and _shows_another_description(info, Path(path), description):
        return f"it shows the study's earlier description: {again} rewrites it"
    try:
        text = Path(path).read_text("utf-8", errors="replace")
    except OSError:
        return None
    # the model and CSVs it links to deleted: its "Use this model" commands and "Data:"
    # links lead nowhere, and a run that started no trial left it as up to date
    if gone := _linked_file_gone(Path(path), text):
        return f"its {gone} is gone: {again} rewrites it"
    if retrain := _retrain_may_succeed(info, text):
        return f"{retrain}: {again} retrains it"
    return None


def _shows_another_description(info, path: Path, description: str) -> bool:
    """Whether the study report at ``path`` (its ``info``) shows another description than
    ``description``: by the digest it records; one an earlier version wrote records none,
    but every version wrote the spec the report ran with beside it. Without either, the
    description it shows is not known (not said to lag)."""
    if info.description_digest is not None:
        return info.description_digest != description_digest(description)
    shown = _spec_file_description(path.parent / SPEC_FILE)
    return shown is not None and shown != description


def _spec_file_description(path: Path) -> str | None:
    """The description in the spec file at ``path`` ("" when it has none, as a spec reads
    it); None where there is no readable spec."""
    from study import read_spec_file, spec_description  # here: study imports optuna

    try:
        return spec_description(read_spec_file(path))
    except (OSError, ValueError):  # UnicodeDecodeError, tomllib.TOMLDecodeError
        return None


def data_files_state(paths) -> list[list]:
    """``[path, size, mtime_ns]`` of each data file in ``paths`` as it is now (a folder's
    files each, an IDX set's), size and time None for one missing or not to be looked at:
    a retrain that failed on them may succeed once this changes (`report_lags`)."""
    state = []
    for path in map(str, paths):
        try:
            files = sorted(map(str, Path(path).iterdir())) if Path(path).is_dir() else [path]
        except OSError:
            files = [path]
        for file in files:
            try:
                st = Path(file).stat()
                state.append([file, st.st_size, st.st_mtime_ns])
            except OSError:
                state.append([file, None, None])
    return state


def _retrain_may_succeed(info, text: str) -> str | None:
    """Why a report whose best trial could not be retrained lags, when a retrain may now
    succeed: the data files it read changed since (a file edited, then restored; a file
    moved back); or an earlier version wrote it, recording no data to compare. None for
    a report with its best trial retrained, or failing as it would again (its data as it
    found it: a file still edited, a built-in set)."""
    failed = info.retrain_failed
    if failed is None:  # a report of an earlier version says it only in its page
        return ("its best trial was not retrained, and an earlier version wrote it"
                if _RETRAIN_FAILED in text else None)
    try:
        changed = data_files_state(failed["paths"]) != failed["files"]
        number = int(failed["trial"])
    except (KeyError, TypeError, ValueError):  # a hand-edited report: not to be trusted
        return None
    return (f"its best trial #{number} could not be retrained and its data files changed "
            "since" if changed else None)


#: the note of a report whose best trial could not be retrained (`_study_best_section`'s, as
#: every version wrote it)
_RETRAIN_FAILED = "Retraining it for this report failed:"


def _linked_file_gone(path: Path, text: str) -> str | None:
    """The first file beside the report at ``path`` (its HTML ``text``) that it links to
    (its ``best_model/model.npz``, its ``report_files/``) and that is not there; None if
    each is."""
    for link in dict.fromkeys(_LOCAL_LINK.findall(text)):
        name = local_link(link)
        if not (path.parent / name).is_file():
            return name
    return None


_LOCAL_LINK = re.compile(r'href="((?:best_model|report_files)/[^"#?]+)"')


def current_study_report(name: str, storage, summary: dict, folder=None,
                         description: str | None = None) -> Path | None:
    """The report of study ``name`` in the folder `study_report` writes it to (``folder``,
    else the study's default), when it is up to date with ``summary``
    (`study.study_summary`): of this study (its storage and creation stamp), at its
    finished trials and budget, with the files it links to, as `report_lags` (``hplab
    study show``) tells. None otherwise: no such report, one of another study or of an
    earlier version (no stamp), one this user cannot read, or one that lags (``description``
    as `report_lags` takes it).

    Parameters
    ----------
    name : str
        The study's name.
    storage : str or StorageURL, optional
        Its storage, any form `study.resolve_storage` takes (None: ``runs/hplab.db``).
    summary : dict
        The study as `study.show_study` has it.
    folder : str or path, optional
        The report's folder; None: the study's default (`study_report_folder`).
    description : str, optional
        The study's description as stored now (None: not compared).
    """
    import study

    where = study.resolve_storage(storage)
    folder = Path(folder) if folder else study_report_folder(name, where, summary["created"])
    path = folder / "report.html"
    if not _stamped_report_of(read_report_info(path), name, where, summary["created"]) \
            or unreadable(path):
        return None
    return path if report_lags(path, summary, "", description) is None else None


def newer_report(path, summary: dict, where) -> str | None:
    """What the report at ``path`` says of its trials ("10 of 10") when it is of the study
    ``summary`` (`study.study_summary`) describes, in storage ``where``, and was written at
    more finished trials than ``summary`` counts: a later snapshot of the study, which this
    older one must not replace. None otherwise (no report, another study's, an earlier
    version's without the study's stamp, or one written at as many trials or fewer)."""
    info = read_report_info(path)
    if not (_stamped_report_of(info, summary["study"], where, summary["created"])
            and _same_instant(info.study_created, summary["created"])):
        return None
    said = _trials_said(info)
    finished = re.match(r"\d+", said or "")  # "10 of 10", "10 (budget 8)": `_finished_of`
    return said if finished and int(finished[0]) > summary["n_finished"] else None


def _trials_said(info) -> str | None:
    """The trials the study report ``info`` says it was written at (`_finished_of`)."""
    return next((h.get("text") for h in info.headline if h.get("label") == "Trials"), None)


def _finished_of(finished: int, budget: int) -> str:
    """"3 of 8"; "3 (budget 2)" once --trials lowered the budget below what ran."""
    return f"{finished} of {budget}" if finished <= budget else f"{finished} (budget {budget})"
