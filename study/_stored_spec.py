"""The spec a stored study keeps, read back: waited for a moment where the run creating the
study has yet to store it, read as leniently as an earlier version wrote it, and refused in
words where it cannot be (not hplab's, empty, entries this process has not registered)."""

from __future__ import annotations

import time
import unicodedata

import optuna

from ._errors import SpecError, StorageAbsent, StorageError
from ._folders import check_study_name
from ._journal_file import check_last_line
from ._space_parse import unregistered_names, unregistered_words
from ._spec import StudySpec, parse_spec
from ._storage import open_storage
from ._storage_url import StorageURL, resolve_storage
from ._worker import SPEC_ATTR, quiet_optuna

# how long a run or worker that finds a study without a spec (and without trials) waits for
# the run creating it to store one, and how often it looks
SPEC_WAIT = 5.0
SPEC_POLL = 0.1


def stored_spec(name: str, where: StorageURL | str, storage=None) -> tuple[StudySpec, object]:
    """The spec kept in study ``name``, and the storage it was read from; SpecError where
    it names an entry this process has not registered (`readable_study`).

    Parameters
    ----------
    name : str
    where : StorageURL or str
        Or what `resolve_storage` takes.
    storage : optuna storage, optional
        ``where`` already open (default: opened here, never created).

    Returns
    -------
    (StudySpec, storage) : tuple
    """
    raw, storage, where = _stored_raw(name, where, storage)
    return _parse_stored(raw, name, where), storage


def readable_study(name: str, where: StorageURL, storage) -> list[tuple[str, str]]:
    """Study ``name`` refused as `stored_spec` refuses it, except where its spec names
    entries this process has not registered: those ``(setting, name)`` pairs are returned
    ([] where there are none).

    For the commands that only read the study's stored trials (show, export): a script
    registered the entries in the process that ran it, and the hplab command can register
    none. Those that build its nets (run, worker, report) take `stored_spec`.
    """
    raw, _, where = _stored_raw(name, where, storage)
    missing = unregistered_names(raw)
    if not missing:  # without the names, the rest of the spec cannot be checked either
        _parse_stored(raw, name, where)
    return missing


def _stored_raw(name: str, where: StorageURL | str, storage) -> tuple[dict, object, StorageURL]:
    """`stored_spec`'s reading: the stored spec as kept, the storage, and ``where``."""
    check_study_name(name)
    if not isinstance(where, StorageURL):
        where = resolve_storage(where)
    with quiet_optuna():
        storage = storage or open_storage(where, create=False)
        for _ in range(2):  # a study the listing names was created after the first load
            try:
                study = optuna.load_study(study_name=name, storage=storage)
                break
            except KeyError:
                known = optuna.get_all_study_names(storage)
                if name not in known:
                    raise StorageAbsent(f"no study {name!r} in {where.masked}; studies "
                                        f"there: {', '.join(known) or 'none'}"
                                        f"{_other_form(name, known)}{_cut(where)}") from None
        else:
            raise StorageError(f"study {name!r} in {where.masked} changed while it was "
                               "being loaded; try again")
    if (where.kind == "journal" and SPEC_ATTR not in study.user_attrs
            and not study.get_trials(deepcopy=False)):
        # a last line cut short (the spec's own, a crash) is why it keeps none, not a run
        # yet to store it (whose `study run` the refusal below advises, and the cut line
        # refuses): named first, without waiting for a spec
        check_last_line(where.path)
    raw = _spec_when_stored(study)
    if raw is None and not study.get_trials(deepcopy=False):
        raise StorageError(f"study {name!r} in {where.masked} is empty and keeps no spec (a "
                           "run creating it was stopped before storing one, or another "
                           "program made it): `hplab study run` of a spec optimizing its "
                           "directions takes it over")
    if raw is None:
        raise StorageError(f"study {name!r} in {where.masked} was not made by hplab")
    return raw, storage, where


def _cut(where: StorageURL) -> str:
    """``; <the refusal of a journal's broken last line>``, which may be the missing
    study's creation ('' for a whole one): QA, a journal whose only line a crash cut
    said "studies there: none" and no more (its warning is not said on an error)."""
    if where.kind != "journal" or where.path is None:
        return ""
    try:
        check_last_line(where.path)
    except StorageError as exc:
        return f"; {exc}"
    return ""


def _other_form(name: str, known: list[str]) -> str:
    """What `_stored_raw`'s refusal adds where a stored name is ``name`` in another Unicode
    form (``e`` and a combining accent, as macOS writes a file's name, the spec's default
    study name, against the ``é`` typed): the two look alike, and "no study 'café';
    studies there: café" said nothing (QA). "" for none."""
    same = [k for k in known if unicodedata.normalize("NFC", k)
            == unicodedata.normalize("NFC", name)]
    if not same:
        return ""
    return (" (the stored name is the one given in another Unicode form, alike on screen: "
            f"{ascii(same[0])} against {ascii(name)}; name it as stored, copied from `hplab "
            "study list`)")


def _spec_when_stored(study) -> dict | None:
    """The spec stored with ``study``, or None (not an hplab study).

    A study without one and without trials may be one that a run has just created and
    not yet given its spec: that is waited for, up to ``SPEC_WAIT`` seconds.
    """
    give_up = time.monotonic() + SPEC_WAIT
    while True:
        raw = study.user_attrs.get(SPEC_ATTR)
        if (raw is not None or study.get_trials(deepcopy=False)
                or time.monotonic() >= give_up):
            return raw
        time.sleep(SPEC_POLL)


def _parse_stored(raw: dict, name: str, where: StorageURL) -> StudySpec:
    """The spec kept with study ``name``, read as leniently as an earlier version wrote
    it; one that fails even so is named as the stored one.

    Its study.name is ``name``: a study that optuna's ``copy_study`` made under another
    name keeps its origin's spec, whose study.name is only where it came from (a worker
    that loaded that one ran its trials in the origin).
    """
    if isinstance(raw, dict) and isinstance(raw.get("study"), dict):
        raw = {**raw, "study": {**raw["study"], "name": name}}
    try:
        return parse_spec(raw, strict=False)
    except SpecError as exc:
        missing = unregistered_names(raw)
        if missing:  # not this version's: the names the study's own process registered
            raise SpecError(_unregistered_text(missing, name, where)) from None
        raise SpecError(f"the spec stored with study {name!r} in {where.masked} does not "
                        f"pass this version's checks ({exc}); run the corrected spec under a "
                        "new study.name") from None


def _unregistered_text(missing: list[tuple[str, str]], name: str, where: StorageURL) -> str:
    """Why study ``name`` cannot be opened here: its spec names ``missing`` (setting, name),
    which the process that ran it registered and this one has not."""
    used, tables = unregistered_words(missing)
    return (f"study {name!r} in {where.masked} uses {used}, not registered in this process: "
            f"register {'it' if len(missing) == 1 else 'them'} in {tables} before running "
            "the study or writing its report (from Python: the hplab command has only the "
            "built-in names); its trials are stored as they ran (`hplab study show` and "
            "`study export` read them)")
