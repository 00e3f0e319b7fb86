"""A ready spec's name that is also a stored study's, made from another spec (a user's own
``xor.toml`` with ``name = "xor"``): ``hplab study run NAME --data`` resumes the stored
study, as it does a study stored under any other name, and what says how to resume it
without the spec file names that command."""

from __future__ import annotations

import warnings
from pathlib import Path

import optuna

import nets

from ._data_paths import absolute_data, with_stored_path
from ._errors import SpecError, StorageError
from ._spec import StudySpec
from ._spec_diff import differences
from ._spec_files import SPECS_DIR, load_spec, spec_names
from ._storage import release
from ._storage_url import StorageURL, resolve_storage
from ._worker import quiet_optuna


def is_ready_name(name_or_path) -> bool:
    """Whether ``hplab study run`` reads ``name_or_path`` as a ready spec's name (no file of
    that path here)."""
    return (isinstance(name_or_path, str) and name_or_path in spec_names()
            and not Path(name_or_path).is_file())


def stored_instead(spec: StudySpec, storage, n_trials: int | None = None) -> StudySpec:
    """``spec`` (a ready spec, run with ``--data``: a copy of a stored study's data), or,
    where ``storage`` holds a study of its name made from another spec whose file is not
    here, that study's stored spec (``n_trials``: its total instead), said in a warning:
    ``--data`` resumes a stored study, and the ready spec was never this one's. With no
    such study, one the ready spec made, or one its file here resumes (the refusal names
    that file), ``spec``."""
    from ._create import resuming_file  # it imports this module
    from ._stored_spec import stored_spec

    where = resolve_storage(storage)
    if not where.exists():
        return spec
    try:
        stored, store = stored_spec(spec.name, where)
    except (SpecError, StorageError):  # none stored: --data says so as for any spec
        return spec
    try:
        changed = differences(stored, with_stored_path(stored, absolute_data(spec)))
        if changed:
            with quiet_optuna():
                study = optuna.load_study(study_name=spec.name, storage=store)
            if resuming_file(study, where, any_data_path=True):
                return spec
    finally:
        release(store)
    if not changed:
        return spec
    warnings.warn(f"study {spec.name!r} in {where.masked} was created from another spec than "
                  f"the ready spec {spec.name} ({nets.and_list(changed)} "
                  f"differ{'s' if len(changed) == 1 else ''}): --data resumes it with the "
                  "spec stored with it", stacklevel=nets.user_stacklevel())
    return stored if n_trials is None else stored.with_trials(n_trials)


def ready_spec_hint(spec: StudySpec, stored: StudySpec, where: StorageURL) -> str | None:
    """For a ready spec ``spec`` refused as another spec than ``stored`` (its study's, whose
    file is not here): the command that resumes that study, reading its data where it is
    stored (``--data``, this machine's copy, takes another path); None for another spec."""
    if spec.path is None or Path(spec.path) != SPECS_DIR / f"{spec.name}.toml":
        return None
    return resume_call(spec.name, where, stored.dataset)


def resume_call(spec: str, where: StorageURL, data: str | None = None) -> str:
    """What runs study ``spec`` (a name or a spec file) in ``where`` reading ``data``, in
    the words of the caller: ``hplab study run SPEC --storage S --data D`` in a command,
    ``study.run_study('SPEC', storage='S', dataset='D')`` from Python (a notebook's spec
    refused gets no flags to translate)."""
    if nets.in_command():
        return nets.shell_line(nets.command_words(
            ["hplab", "study", "run"], spec, (["--storage", where.masked] if where.given else [])
            + (["--data", data] if data is not None else [])))
    args = [repr(spec), *([f"storage={where.masked!r}"] if where.given else []),
            *([f"dataset={data!r}"] if data is not None else [])]
    return f"study.run_study({', '.join(args)})"


def resume_data(resume: str, spec: StudySpec) -> str | None:
    """The ``--data`` a command resuming study ``spec.name`` as ``resume`` (`spec_to_resume`)
    takes, given no worker's ``--data``: the stored data's name (``spec``, the study's spec)
    where ``resume`` is a ready spec's name and that spec is not the study's (the file that
    made it is not here): without it, the command reads the ready spec and is refused.
    None where ``resume`` reads the study's spec."""
    if resume != spec.name or not is_ready_name(resume):
        return None
    try:
        ready = load_spec(resume)
    except SpecError:  # refused by this version: the command resumes only the study it made
        return None
    return spec.dataset if differences(spec, with_stored_path(spec, ready)) else None


def resume_command(study: optuna.Study, spec: StudySpec, where: StorageURL,
                   trials: str | None, *, storage: str | None = None,
                   dataset: str | None = None, out: str | None = None) -> str:
    """The ``hplab study run`` line that runs ``study`` (made from ``spec``) on to ``trials``
    trials in all (None: no ``--trials``, its budget), quoted for a shell: its name or
    resuming spec file (`spec_to_resume`), ``--storage storage`` (a text to show, its
    password masked) where one was given, and ``--data``: ``dataset`` (this machine's
    copy), else the stored data's where a ready spec's name would resume a study another
    spec made (`resume_data`): without it, the line reads the ready spec and is refused;
    ``--out out`` where given, among the flags (QA: appended, it came after the ``--`` of a
    study named ``-x``, which took it for a second name).

    Parameters
    ----------
    study : optuna.Study
        As above.
    spec : StudySpec
        As above.
    where : StorageURL
        Its storage.
    trials : str or None
        As above.
    storage : str, optional
        As above.
    dataset : str, optional
        As above.
    out : str, optional
        As above.
    """
    from ._create import spec_to_resume  # it imports this module

    resume = spec_to_resume(study, where, any_data_path=dataset is not None)
    copy = dataset if dataset is not None else resume_data(resume, spec)
    return nets.shell_line(nets.command_words(
        ["hplab", "study", "run"], resume,
        (["--trials", trials] if trials is not None else [])
        + (["--storage", storage] if storage is not None else [])
        + (["--data", copy] if copy is not None else [])
        + (["--out", out] if out is not None else [])))
