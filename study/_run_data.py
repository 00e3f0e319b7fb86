"""The data a study run reads: its file paths absolute, a joining worker's own copy
(``--data``), and the check that it is the data the study was created on (a fingerprint
stored with the study), so that no run on any machine adds trials trained on other data."""

from __future__ import annotations

import os
import warnings
from pathlib import Path

import optuna
from optuna.trial import TrialState

import data
import nets

from ._data_paths import _paths, absolute_data, read_from, with_stored_path
from ._errors import SpecError
from ._spec import StudySpec
from ._spec_data import check_dataset, majority_positive
from ._storage import open_storage, release
from ._storage_errors import storage_errors
from ._storage_url import StorageURL

_RAN = (TrialState.RUNNING, TrialState.COMPLETE, TrialState.PRUNED, TrialState.FAIL)
DATA_ATTR = "hplab_data"  # study user attribute: `data.Dataset.fingerprint` of its data


def check_data(study, dataset, where: StorageURL, hint: str) -> None:
    """SpecError unless ``dataset`` is the data ``study`` was created on (its stored
    fingerprint); a study without one (made by an earlier version, or by
    `create_or_resume`) records this one's, and warns if it has trials: they may have
    trained on other data. ``hint``: what to do instead, for the error."""
    if study.user_attrs.get(DATA_ATTR) is None:
        study.set_user_attr(DATA_ATTR, mine := dataset.fingerprint())
        # enqueued trials have read nothing yet (create_or_resume leaves no fingerprint)
        ran = study.get_trials(deepcopy=False, states=_RAN)
        if trials := len(ran):
            # QA: restoring the file an old study's trials had read was later refused as
            # "differs from the study's": the fingerprint was an edited file's, unsaid
            warnings.warn(f"study {study.study_name!r} was stored without a fingerprint of "
                          f"its data (an earlier version made it); the data read now from "
                          f"{read_from(dataset.name)} is recorded as the study's (fingerprint "
                          f"{mine}): "
                          + ("its earlier trial" if trials == 1 else f"its {trials} earlier "
                             "trials") + " may have read other data",
                          stacklevel=nets.user_stacklevel())
    # read back: of two runs recording at once, the one written last holds the study
    if differs := data_differs(study, dataset):
        raise SpecError(f"study {study.study_name!r} in {where.masked}: {differs}; {hint}")


def data_differs(study, dataset) -> str:
    """Why ``dataset`` is not the data ``study`` was created on, in words; "" when it is,
    or when the study keeps no fingerprint of its data (an earlier version made it).

    Parameters
    ----------
    study : optuna.Study
    dataset : data.Dataset
        The loaded data to compare (by its fingerprint).
    """
    stored, mine = study.user_attrs.get(DATA_ATTR), dataset.fingerprint()
    if stored is None or stored == mine:
        return ""
    return (f"the data read from {read_from(dataset.name)} differs from the study's "
            f"(fingerprint {mine}, the study's {stored})")


def check_copy_name(dataset) -> None:
    """TypeError unless ``dataset`` (a copy of a stored study's data) is a name or None (a
    loaded Dataset failed as "--data: dataset name must be a non-empty string")."""
    if dataset is not None and not isinstance(dataset, str):
        raise TypeError("dataset must be a dataset name (a str: data.load's name of this "
                        f"machine's copy of the study's data) or None, got "
                        f"{type(dataset).__name__}")


def _copy_words() -> tuple[str, str]:
    """What a copy of the study's data is called: ``--data`` and ``--data NAME`` in a
    command's errors, ``dataset`` and ``dataset=NAME`` in a script's (`run_study`)."""
    return ("--data", "--data NAME") if nets.in_command() else ("dataset", "dataset=NAME")


def join_data(spec: StudySpec, study, where: StorageURL, dataset: str | None):
    """The spec a joining worker runs (on ``dataset``, a copy of the study's data, if
    given) and its data loaded; SpecError unless it is the data of the study.

    Parameters
    ----------
    spec : StudySpec
        The spec stored with the study.
    study : optuna.Study
        The study joined, whose user attributes hold its data's fingerprint.
    where : StorageURL
        Its storage, named (password masked) in errors.
    dataset : str or None
        This machine's copy of the study's data (``--data``); None to load the spec's.
    """
    check_copy_name(dataset)
    copy, give = _copy_words()
    key = "study.dataset" if dataset is None else copy
    if dataset is not None:
        if study.user_attrs.get(DATA_ATTR) is None:  # nothing to check the copy against
            raise SpecError(f"{copy}: study {spec.name!r} in {where.masked} has no "
                            "fingerprint of its data yet (an earlier version made it); run "
                            f"one worker without {copy} where the data is at "
                            f"{read_from(spec.dataset)} first")
        spec = absolute_data(spec, dataset)
    try:
        loaded = data.load(spec.dataset, seed=spec.seed)
    except (data.DataError, OSError) as exc:
        hint = f"give this machine's copy of it with {give}" if dataset is None else ""
        raise SpecError(f"{key}: {load_failure_text(exc, spec.dataset, hint)}") from None
    check_data(study, loaded, where, f"give this machine's copy of the study's data with "
               f"{give}" if dataset is None else f"{copy} must read a copy of the data "
               "the study was created on")
    return spec, loaded


def load_failure_text(exc: Exception, dataset: str, hint: str = "") -> str:
    """Why the data ``dataset`` names could not be loaded (``exc``: a DataError, or an
    OSError), then ``hint``. A file or folder this user may not read (another user's private
    one) is named with its owner and mode, and whom to ask: Python said "[Errno 13]
    Permission denied", which the CSV reader wraps.

    Parameters
    ----------
    exc : Exception
        The DataError or OSError loading raised.
    dataset : str
        The dataset name or path as given, whose files are checked for permissions.
    hint : str, optional
        What to do instead, added after the reason (and after whom to ask, if any).
    """
    why = nets.os_error_line(exc) if isinstance(exc, OSError) else str(exc)
    advice = ""
    for path in _paths(dataset):
        if refused := nets.unreadable_why(Path(path)):
            why, advice = f"cannot read {path}: {refused[0]}", refused[1]
            break
    if advice and hint:  # another way ("give this machine's copy..."), or a fact
        advice += (", or " if hint.startswith("give ") else "; ") + hint
    advice = advice or hint
    return f"{why}; {advice}" if advice else why


def spec_data(spec: StudySpec, where: StorageURL):
    """The data ``spec`` names, loaded and checked against the spec. One that cannot load
    (MNIST not fetched, an option's value, a file elsewhere) fails here, before any
    storage exists."""
    from ._spec_to_run import holds_study_of, study_spec_of  # it imports this module

    try:
        loaded = data.load(spec.dataset, seed=spec.seed)
    except (data.DataError, OSError) as exc:
        # the stored study's own spec: this machine may have a copy of its file elsewhere
        # (a file's kind only: no storage is opened for MNIST not fetched)
        copied = spec.dataset.partition(":")[0] in ("csv", "npz", "idx")
        stored = study_spec_of(spec, where, any_data_path=True) if copied else None
        hint = _copy_hint(spec, stored, where).removeprefix("; ")
        raise SpecError(f"study.dataset: {load_failure_text(exc, spec.dataset, hint)}") from None
    try:
        check_dataset(spec, loaded)
    except SpecError:
        # a study an earlier version ran from this very spec resumes (a SMOTE choice its
        # data has too few positives for: the other choices' trials trained)
        if not holds_study_of(spec, where):
            raise
    if why := majority_positive(spec, loaded):
        warnings.warn(why, stacklevel=nets.user_stacklevel())
    return loaded


def _copy_hint(spec: StudySpec, stored: StudySpec | None, where: StorageURL) -> str:
    """What resumes ``spec``'s stored study (``stored``, its spec; None: no hint) whose data
    ``spec`` does not find: ``--data`` of the stored path where its files are here (a
    relative path read from another folder missed them), else of this machine's copy; with
    ``--storage`` where one was given."""
    if stored is None:
        return ""
    paths = _paths(stored.dataset)
    # readable too: another user's private file is there, and no use to this one
    here = bool(paths) and all((os.path.isfile(p) or os.path.isdir(p))
                               and os.access(p, os.R_OK) for p in paths)
    command = nets.shell_line(nets.command_words(
        ["hplab", "study", "run"], resume_name(spec),
        (["--storage", where.masked] if where.given else [])
        + ["--data", stored.dataset if here else "NAME"]))
    if here:
        return f"; the study's data is at {read_from(stored.dataset)}: `{command}` reads it"
    return f"; give this machine's copy of it with `{command}`"


def stored_study_data(spec: StudySpec, where: StorageURL, dataset: str):
    """`join_data` of ``spec``'s stored study (``hplab study run NAME_OR_FILE --data``): the
    spec, its data file's path the study's where only that differs (`with_stored_path`), the
    spec reading ``dataset``, this machine's copy of the study's data, and that data loaded;
    SpecError unless the study is stored from this spec with a fingerprint the copy matches."""
    from ._create import refuse_other_spec  # it imports this module
    from ._stored_spec import stored_spec
    from ._worker import quiet_optuna

    check_copy_name(dataset)
    copy = _copy_words()[0]
    none = SpecError(f"{copy} reads a copy of a stored study's data: no study {spec.name!r} "
                     f"in {where.masked}; run the study without {copy} first"
                     + (f", where its data is at {read_from(spec.dataset)}"
                        if read_from(spec.dataset) != spec.dataset else ""))
    if not where.exists():  # nothing stored, and nothing created here
        raise none
    with storage_errors(where), quiet_optuna():
        store = open_storage(where, read_only=True)
        try:
            try:
                study = optuna.load_study(study_name=spec.name, storage=store)
            except KeyError:
                raise none from None
            earlier = stored_spec(spec.name, where, store)[0]
            spec = with_stored_path(earlier, spec)
            refuse_other_spec(study, earlier, spec, where, copy=dataset)
            return (spec, *join_data(spec, study, where, dataset))
        finally:
            release(store)


def resume_name(spec: StudySpec) -> str:
    """What ``hplab study run`` takes to resume ``spec``'s stored study: its name, unless a
    ready spec has that name and ``spec`` came from another file (`study run NAME` would
    read the ready one): then that file."""
    from ._spec_files import SPECS_DIR, spec_names

    ready = SPECS_DIR / f"{spec.name}.toml"
    if (spec.path is not None and spec.name in spec_names()
            and os.path.abspath(spec.path) != os.path.abspath(ready)):
        return os.path.abspath(spec.path)
    return spec.name


def for_workers(dataset, workers: int):
    """The data ``workers`` local processes are given, as a context manager: ``dataset``
    itself (the data this process checked, so none of them trains on a file changed since,
    and none spends its start loading it); a set over `data.SHARE_BYTES` as read-only
    memory maps of a temporary copy, which the processes share, the launcher letting go of
    its own (`data.shared_with_workers`; None if it cannot be written: each then loads and
    checks its own)."""
    return data.shared_with_workers(dataset, workers >= 2 and data.is_large(dataset))
