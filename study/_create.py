"""A study created in a storage or loaded from it, with the spec it keeps: a run that
creates one stores its spec first; one that finds it (a race lost, a worker joining)
waits for that spec and is refused if its own differs. Which spec ``hplab study run``
runs is `_spec_to_run`'s."""

from __future__ import annotations

import datetime
import json
import os
import uuid
from pathlib import Path

import optuna

import nets

from ._data_paths import absolute_data, new_name_words, new_spec_hint, with_stored_path
from ._errors import SpecError
from ._ready_name import ready_spec_hint, resume_call, resume_data
from ._record import CREATED_ATTR
from ._resumes import created_by_url_user, url_user
from ._run_data import check_data
from ._spec import StudySpec, parse_spec
from ._spec_diff import differences, first_difference
from ._spec_files import SPECS_DIR, load_spec, spec_names
from ._spec_study_table import spec_description, stored_budget
from ._storage_url import StorageURL
from ._stored_spec import _parse_stored, _spec_when_stored
from ._unreadable_records import checked_trials
from ._who import CREATOR_ATTR, creator, creator_record, person
from ._worker import COMMAND_ATTR, SPEC_ATTR, quiet_optuna

ASKED_ATTR = "hplab_trials_asked"  # study attribute: whether --trials set the budget
SPEC_FILE_ATTR = "hplab_spec_file"  # ... the spec file that created it (absolute), if any


def create_or_resume(spec: StudySpec, storage, where: StorageURL, *,
                     keep_budget: bool = True) -> optuna.Study:
    """The stored study of ``spec.name``: created, or loaded if the spec matches.

    It loads no data, so a study it creates keeps no fingerprint of its data until its
    first `run_study` or plain worker records one (before that, `join_study` with
    ``dataset`` has nothing to check a copy against).

    Parameters
    ----------
    spec : StudySpec
    storage : optuna storage
        An open storage (`open_storage`) of ``where``.
    where : StorageURL
        The storage's place (`resolve_storage`), named in messages.
    keep_budget : bool
        By default, as `run_study` without ``explicit_trials``, a stored n_trials that an
        explicit budget (``--trials``) raised above the spec's stays (a plain resume).
        Pass False when ``spec.n_trials`` itself was asked for: it becomes the study's,
        lower than the stored one too.

    Returns
    -------
    optuna.Study
    """
    # stored absolute, as load_spec makes a file's: a spec parse_spec'd from a dict kept
    # csv:d.csv, and a worker in another folder read its own d.csv into the same study
    return create_or_load(absolute_data(spec), storage, where, keep_budget=keep_budget)[0]


def create_or_load(spec: StudySpec, storage, where: StorageURL, *, keep_budget: bool,
                    dataset=None, command: str | None = None) -> tuple[optuna.Study, bool]:
    """`create_or_resume`, and whether this call created the study (of two runs racing
    to create one, exactly one did). ``dataset``: the spec's data as loaded, checked
    against the study's (`check_data`) before anything is stored. ``command``: the
    creating command line, stored before the spec (`COMMAND_ATTR`)."""
    raw = stored_table(spec)
    directions = list(spec.directions)
    try:  # the storage decides which of two runs racing to create it does
        study = optuna.create_study(study_name=spec.name, storage=storage,
                                    directions=directions)
        created = True
        if command:  # before the spec: the run that lost the race, which waits for the
            # spec, took a study without a command for one made from Python, and stored
            # itself as the creator too (no resume recorded)
            study.set_user_attr(COMMAND_ATTR, command)
        # the spec first, the creator's own: a run that lost the race waits for it and
        # compares (one that came before it was stored took the study as its own)
        study.set_user_attr(SPEC_ATTR, raw)
        if spec.path is not None:  # named when `study run NAME` would take another spec
            study.set_user_attr(SPEC_FILE_ATTR, os.path.abspath(spec.path))
        _stamp_created(study)
    except optuna.exceptions.DuplicatedStudyError:
        study = optuna.create_study(study_name=spec.name, storage=storage,
                                    load_if_exists=True, directions=directions)
        created = False
    if not created:  # a trial it cannot read: refused before any write (out of the except:
        checked_trials(study, where)  # its error's context would be the race's)
    stored = _spec_when_stored(study)
    if stored is None and not study.get_trials(deepcopy=False):
        # empty, and no spec came: its creator was killed before storing one (or an empty
        # optuna.create_study made it); nothing in it to mix with, so this run takes it,
        # and of two that do, the spec stored last holds it (the other compares below);
        # one it refuses keeps nothing of it
        _check_directions(study, spec, where)
        study.set_user_attr(SPEC_ATTR, raw)
        with quiet_optuna():  # its own, not the other program's (show/export read them)
            study.set_metric_names(list(spec.metrics))
        if study.user_attrs.get(CREATED_ATTR) is None:
            _stamp_created(study)
        stored = study.user_attrs.get(SPEC_ATTR)
        created = True  # a new study in all but name: its sampler starts from the seed
    if stored is None:
        raise SpecError(f"study {spec.name!r} in {where.masked} was not made by hplab; "
                        "choose another study.name")
    refuse_other_spec(study, _parse_stored(stored, spec.name, where), spec, where)
    _check_directions(study, spec, where)
    if dataset is not None:
        check_data(study, dataset, where, "restore the study's data, or change study.name "
                   "to start a new study on this data")
    if study.metric_names is None:
        with quiet_optuna():  # experimental in optuna, and used on purpose
            study.set_metric_names(list(spec.metrics))
    asked = not keep_budget  # the budget given explicitly (--trials), not read off a spec
    if (keep_budget and study.user_attrs.get(ASKED_ATTR)
            and stored_budget(stored) > raw["study"]["n_trials"]):
        raw["study"]["n_trials"] = stored_budget(stored)  # --trials raised it: it stays
        asked = True
    study.set_user_attr(ASKED_ATTR, asked)
    _say_description_replaced(stored, raw)
    study.set_user_attr(SPEC_ATTR, raw)  # the latest n_trials, for every worker
    return study, created


def _say_description_replaced(stored: dict, raw: dict) -> None:
    """Say on stderr that this run's spec replaces the study's description (a spec may
    change it on a resume, as its budget): QA saw it flip silently between two files."""
    was = spec_description(stored)
    if was != spec_description(raw):
        nets.notice("study", f"the study's description is now this spec's (it was {was!r})")


def stored_table(spec: StudySpec) -> dict:
    """``spec.raw`` as its study stores it (plain JSON, n_trials written out); SpecError
    where a field says otherwise than the table, since workers and reports run the table.
    `run_study` checks it before it opens any storage."""
    raw = json.loads(json.dumps(spec.raw))  # what comes back from storage: plain JSON
    raw["study"]["n_trials"] = spec.n_trials  # explicit, even where it was a default
    edited = first_difference(parse_spec(raw, strict=spec.strict), spec)
    if edited:  # a field replaced (dataclasses.replace), or the table edited in place
        raise SpecError(f"{edited} of this spec differs from spec.raw: a spec's fields and "
                        "table must agree; edit the table and build the spec with "
                        "study.parse_spec")
    return raw


def refuse_other_spec(study: optuna.Study, earlier: StudySpec, spec: StudySpec,
                      where: StorageURL, copy: str | None = None) -> None:
    """SpecError unless ``spec`` is ``earlier``, the spec stored with ``study``, naming the
    spec file that resumes it where there is one. ``copy``: the run's ``--data``, this
    machine's copy of the study's data, which that command takes too."""
    changed = differences(earlier, spec)  # every one: fixed one by one, they came one by one
    if not changed:
        return
    file = resuming_file(study, where, any_data_path=copy is not None)
    hint = new_spec_hint(earlier, spec)
    if file and (spec.path is None or os.path.abspath(spec.path) != file):
        hint = f"`{resume_call(file, where, copy)}` resumes it; else {hint}"
    elif not file and (again := ready_spec_hint(spec, earlier, where)):
        data = "--data" if nets.in_command() else "dataset"
        hint = (f"`{again}` resumes it (its {data} this machine's copy of the data, if "
                f"elsewhere); else {hint}")
    elif not file and hint == f"{new_name_words(spec)} to start a new one":
        # QA: with the file that made it gone (or edited), no command resumed it; its
        # name runs the spec stored with it (a ready spec's name, with the stored data).
        # Not where only the data's path differs: a worker joins with this copy then
        data_name = copy if copy is not None else resume_data(spec.name, earlier)
        hint = (f"`{resume_call(spec.name, where, data_name)}` resumes it with the spec "
                f"stored with it; else {hint}")
    if not nets.in_command():  # a notebook's edited spec: fresh replaces the study
        hint += " (or run_study(..., fresh=True) to replace it and its trials)"
    raise SpecError(f"study {spec.name!r} in {where.masked} was created from another "
                    f"spec ({nets.and_list(changed)} "
                    f"differ{'s' if len(changed) == 1 else ''}){_whose(study, where)}; "
                    f"{hint}")


def _whose(study, where: StorageURL) -> str:
    """``", by alice"``: who created ``study``, where that is known and is not who runs
    this (on a lab's shared server a study's name is the database's, not its user's);
    else "". A study made before studies named their creator: the user its creating
    command's URL named, against this one's."""
    made = creator(study.user_attrs)
    if made is not None:
        return "" if made == person(study._storage) else f", by {made}"
    theirs = created_by_url_user(study)
    return "" if theirs is None or theirs == url_user(where.url) else f", by {theirs}"


def _stamp_created(study) -> None:
    """When, and which, study of its name this is (a report folder tells successors apart)."""
    stamp = datetime.datetime.now(datetime.timezone.utc).isoformat()
    study.set_user_attr(CREATED_ATTR, f"{stamp} {uuid.uuid4().hex[:8]}")
    study.set_user_attr(CREATOR_ATTR, creator_record(study._storage))  # whose it is


def _check_directions(study, spec: StudySpec, where: StorageURL) -> None:
    stored = [d.name.lower() for d in study.directions]
    if stored != list(spec.directions):  # named both ways: which one to change is the user's
        raise SpecError(f"study {spec.name!r} in {where.masked} optimizes other directions "
                        f"({_goal_words(stored, study.metric_names)}) than the spec "
                        f"({_goal_words(spec.directions, spec.metrics)}); "
                        f"{new_name_words(spec)} to start a new one")


def _goal_words(directions, metrics) -> str:
    """``"maximize val_accuracy, minimize n_parameters"``; the directions alone where the
    metrics are not known (a study another program made names none)."""
    if not metrics or len(metrics) != len(directions):
        return ", ".join(directions)
    return ", ".join(f"{d} {m}" for d, m in zip(directions, metrics, strict=True))


def resuming_file(study: optuna.Study, where: StorageURL, *,
                  any_data_path: bool = False) -> str | None:
    """The spec file that created ``study``, where it still is and, read from here (its
    data path resolved from this folder, as `load_spec` does), still the study's spec;
    else None (a file edited since, or a relative data path another folder resolves
    elsewhere: a second machine joins with ``study worker --data`` instead).
    ``any_data_path``: for a run given ``--data``, which reads a copy of the data whatever
    path the file names (`with_stored_path`)."""
    file, stored = study.user_attrs.get(SPEC_FILE_ATTR), study.user_attrs.get(SPEC_ATTR)
    if not file or stored is None or not os.path.isfile(file):
        return None
    try:
        again = absolute_data(load_spec(file))
        earlier = _parse_stored(stored, study.study_name, where)
    except (SpecError, OSError):
        return None
    if any_data_path:
        again = with_stored_path(earlier, again)
    return None if differences(earlier, again) else file


def spec_to_resume(study: optuna.Study, where: StorageURL, *,
                   any_data_path: bool = False) -> str:
    """What ``hplab study run`` takes to resume ``study``: its name, unless a ready spec of
    that name is not the spec that created it; then that spec's file (`resuming_file`;
    ``any_data_path`` as there, for a command given ``--data``)."""
    name = study.study_name
    file = (resuming_file(study, where, any_data_path=any_data_path)
            if name in spec_names() else None)
    return file if file and Path(file) != SPECS_DIR / f"{name}.toml" else name
