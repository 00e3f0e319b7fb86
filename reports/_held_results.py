"""What an output folder already holds, told before a report is written there: another
command's results, a file hplab did not write, a file this user cannot read."""

from __future__ import annotations

import os
from pathlib import Path

from nets import files_folder_problem

from ._report_info import read_report_info
from ._run_files import ANALYSES, foreign_record

BEST_MODEL = "best_model"  # the retrained best trial's folder, beside a study's report
SPEC_FILE = "spec.toml"  # a study report's copy of the spec its study ran with
#: The first line's words: true whichever command (study run, report or worker) or Python
#: call wrote the report
SPEC_COMMENT = ("The spec this study ran with, as stored with it (hplab wrote this file "
                "with the study's report).")
#: Earlier versions' first lines (a report rewritten since replaces their spec.toml too)
EARLIER_SPEC_COMMENTS = ("The spec this study ran with, as stored with it (hplab study report "
                         "wrote this file).",)


def is_saved_spec(path: Path) -> bool:
    """Whether ``path`` is missing or a spec a study report saved (`SPEC_COMMENT`, or an
    earlier version's, first): one the user put there is not to be written over."""
    try:
        with open(path, encoding="utf-8-sig") as file:
            line = file.readline().rstrip("\n")
        return line in [f"# {said}" for said in (SPEC_COMMENT, *EARLIER_SPEC_COMMENTS)]
    except FileNotFoundError:
        return True
    except (OSError, UnicodeDecodeError):
        return False


def unreadable(path: Path) -> bool:
    """Whether ``path`` is a file this user cannot read (another user's, mode 600): it
    may well be hplab's, so it is named as unreadable, never as another program's.

    Parameters
    ----------
    path : pathlib.Path
    """
    return path.is_file() and not os.access(path, os.R_OK)


def held_results(out: Path | str, kind: str, name: str | None = None,
                 storage=None, created: str | None = None) -> str | None:
    """What the folder ``out`` holds of another command's (or, given ``name``, another
    study's) results, in words; None when it holds nothing or this ``kind``'s own results,
    which a new report of it replaces. Given ``storage`` too (the study's: a ``--storage``
    value or a `study.StorageURL`), a report of that name from another storage is another
    study's (as for the default folders, `study_report_folder`; ``created``, the study's
    creation stamp, knows it in a storage file moved since); one that recorded no
    storage (an earlier version's) is taken for the name's. A report_files that is no
    folder of the folder's own (a link) is named too: the report would delete the CSVs in
    it; so is, for a study's report, a best_model/ it would replace that is not its
    study's (`foreign_best_model`). A file it must read to tell and cannot is a
    ValueError.

    Parameters
    ----------
    out : str or path
        The folder.
    kind : str
        The kind of the report to be written there.
    name, storage, created : optional
        The study the report is of: its name, storage and creation stamp.

    Returns
    -------
    str or None
    """
    out = Path(out)
    if why := files_folder_problem(out / "report_files"):
        return f"a report_files that {why}"
    read = [out / SPEC_FILE] if kind == "study" else []  # the report writes one
    for path in (*read, out / "report.html"):
        if unreadable(path):
            raise ValueError(f"cannot read {path} (Permission denied)")
    if kind != "train" and (out / "model.npz").is_file():
        return "a training run"
    if kind == "train" and out.name == BEST_MODEL:  # looks like a run: it is a report's
        beside = read_report_info(out.parent / "report.html")
        if beside is not None and beside.kind == "study":
            return f"the best model of the report of study {beside.name!r}"
    if kind == "study" and not is_saved_spec(out / SPEC_FILE):  # the report writes one
        return f"a {SPEC_FILE} hplab did not write"
    report = out / "report.html"
    info = read_report_info(report)
    if info is None and report.exists():
        return "a report.html hplab did not write"
    if info is not None and info.kind != kind:
        return "a training run" if info.kind == "train" else f"a report of hplab {info.kind}"
    if kind == "train":  # after the report's kind: an analysis writes a config.json too
        from study import foreign_run_file  # here: study imports optuna

        if foreign := foreign_run_file(out):  # the run's files would replace it
            # an analysis's config.json (its report.html deleted) is named as such
            whose = foreign_record(out, kind) if foreign == "config.json" else None
            return whose or f"a {foreign} hplab did not write"
    if kind in ANALYSES and (foreign := foreign_record(out, kind)):  # it writes them too
        return foreign
    if info is not None and name is not None and info.name != name:
        return f"the report of study {info.name!r}"
    if info is not None and name is not None and storage is not None:
        import study  # here: study imports optuna

        from ._study_folder import of_storage  # here: it imports this module

        if not of_storage(info, study.resolve_storage(storage), created):
            return f"the report of study {info.name!r} in another storage ({info.source})"
    if kind == "study" and name is not None:  # its report replaces best_model/
        from ._best_model_files import foreign_best_model

        return foreign_best_model(out, name)
    return None


def holds_another_run(out: Path | str, run) -> bool:
    """Whether the folder ``out`` holds a training run (its model.npz, or hplab's
    config.json of one) that is not ``run``'s: ``run`` saved elsewhere or not at all, or
    another run saved over it since (its config.json's ``seconds`` are not ``run``'s). A
    report of ``run`` written there would describe a model that is not the one beside it."""
    import nets
    from study import holds_run_record  # here: study imports optuna

    out = Path(out)
    model = out / "model.npz"
    if not (nets.is_model_file(model) or holds_run_record(out)):
        return False
    own = run.model_path is not None and os.path.realpath(run.model_path) == \
        os.path.realpath(model)
    if not own:
        return True
    try:  # the run's own folder, unless another run was saved there since
        record = nets.read_json_file(out / "config.json")
    except (OSError, ValueError):  # none left: the model file is the run's
        return False
    return isinstance(record, dict) and record.get("seconds") != run.seconds
