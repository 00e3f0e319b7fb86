"""The spec ``hplab study run NAME_OR_PATH`` runs: a spec file or ready spec, checked as a
new one; else the spec stored with the study it names, which resumes that study."""

from __future__ import annotations

import os

import nets

from ._data_paths import absolute_data, with_stored_path
from ._errors import SpecError, StorageAbsent, StorageError
from ._ready_name import is_ready_name, stored_instead
from ._spec import StudySpec
from ._spec_diff import first_difference
from ._spec_files import find_spec, load_spec
from ._storage import release
from ._storage_url import StorageURL
from ._stored_spec import stored_spec


def spec_to_run(name_or_path, storage: str | os.PathLike[str] | None = None,
                n_trials: int | None = None, *, data: str | None = None) -> StudySpec:
    """The spec ``hplab study run NAME_OR_PATH [--trials N] [--data DATA]`` runs: a ready
    spec's name or a TOML file (``n_trials``: its total instead of the file's), checked as a
    new one; when this version's checks refuse it, the spec of the study ``storage`` holds
    under its name (`resumable_spec`), which resumes; a name neither is, that of a study
    ``storage`` holds (one a script made from a dict): the spec stored with it
    (`stored_study_spec`). Given ``data`` (a copy of a stored study's data), a ready spec's
    name whose stored study another spec made is that study's spec (`stored_instead`).

    Parameters
    ----------
    name_or_path : str or path
    storage : str or path, optional
        Any storage form `resolve_storage` takes.
    n_trials : int, optional
    data : str, optional
        ``--data``: resume a stored study from this machine's copy of its data.

    Returns
    -------
    StudySpec
    """
    try:
        spec = load_spec(name_or_path, n_trials=n_trials)
    except SpecError as refused:
        try:
            find_spec(name_or_path)
        except SpecError:  # no such file or ready spec: refused says so
            return stored_study_spec(str(name_or_path), storage, refused, n_trials)
        return resumable_spec(name_or_path, storage, refused, n_trials)
    if data is not None and is_ready_name(name_or_path):
        return stored_instead(spec, storage, n_trials)
    return spec


def stored_study_spec(name: str, storage: str | None, missing: SpecError,
                      n_trials: int | None = None) -> StudySpec:
    """The spec stored with study ``name`` in ``storage`` (``n_trials``: its total instead),
    which resumes it. ``missing``, the error saying no file or ready spec has that name,
    when it names a ``.toml`` file, or when ``storage`` or the study is absent: with the
    stored studies, unless it reads as a path (a ``/``, which a study's name may hold too).
    A storage that cannot be opened (or a study hplab did not make) is its own error.

    Parameters
    ----------
    name : str
    storage : str or None
        Any storage form `resolve_storage` takes.
    missing : SpecError
    n_trials : int, optional

    Returns
    -------
    StudySpec
    """
    if name.endswith(".toml"):  # a spec file's path, mistyped
        raise missing
    try:
        spec, store = stored_spec(name, storage)
    except StorageError as exc:
        if "/" in name or os.sep in name:  # rather a path (study names may hold a "/")
            raise missing from None
        if isinstance(exc, StorageAbsent):  # no storage, or no such study (its list)
            raise SpecError(f"{missing}; nor a stored study: {exc}") from None
        # storage this user cannot open (another's file, a password): the study may well
        # be there, and the name is no spec's, so the storage's error is the one to fix
        raise
    release(store)
    return spec if n_trials is None else spec.with_trials(n_trials)


def resumable_spec(path, storage: str | None, refused: SpecError,
                   n_trials: int | None = None) -> StudySpec:
    """The spec file ``path``, which this version's checks refuse (``refused``), read as
    earlier versions read it, when it is the spec of the study ``storage`` holds under its
    name: that study ran with it, and running the same file again resumes it (choices
    that are aliases of one value, a hidden beside a depth...). Otherwise ``refused``.

    Parameters
    ----------
    path : str or path
        The spec file.
    storage : str or None
        Any storage form `resolve_storage` takes.
    refused : SpecError
        This version's error on the file, raised when the study does not take the file.
    n_trials : int, optional
        The study-wide total instead of the file's.

    Returns
    -------
    StudySpec
    """
    try:
        # read again only to compare with a stored study: the deprecation notes of a
        # sampler it builds (cmaes' x0) came before the refusal, on a line of their own.
        # Those only (optuna's words for any option it deprecates): a warning of a sampler
        # the user added, or of the host's other threads, is seen
        with nets.filtered_warnings(("ignore", FutureWarning, r"\S+ has been deprecated in v\d")):
            spec = load_spec(path, strict=False, n_trials=n_trials)
    except SpecError:
        raise refused from None
    if not holds_study_of(absolute_data(spec), storage):
        raise refused
    return spec


def holds_study_of(spec: StudySpec, where: StorageURL | str | None, *,
                   any_data_path: bool = False) -> bool:
    """Whether ``where`` (a `StorageURL` or what `resolve_storage` takes) holds study
    ``spec.name`` created from this very spec: it ran with the checks of the version that
    made it, and resumes where this version's refuse a new study of it. ``any_data_path``:
    its data file's path may differ (`with_stored_path`), as for a run given ``--data``."""
    return study_spec_of(spec, where, any_data_path=any_data_path) is not None


def study_spec_of(spec: StudySpec, where: StorageURL | str | None, *,
                  any_data_path: bool = False) -> StudySpec | None:
    """The spec stored with study ``spec.name`` in ``where`` where `holds_study_of` (its
    data file's path the stored one), else None."""
    try:
        stored, storage = stored_spec(spec.name, where)
    except (SpecError, StorageError):
        return None
    release(storage)
    if any_data_path:
        spec = with_stored_path(stored, spec)
    return stored if first_difference(stored, spec) is None else None
