"""``hplab study enqueue``: points queued as a study's next trials, into the stored study of
a name, or of a spec, created first where it is not stored yet (as `run_study` creates it,
without a trial). Every point is checked (`point_problem`) before anything is stored."""

from __future__ import annotations

import os
from pathlib import Path

import optuna
from optuna.trial import TrialState

import nets

from ._create import create_or_load, refuse_other_spec, stored_table
from ._data_paths import absolute_data
from ._errors import SpecError, StorageAbsent
from ._history_view import check_repeatable
from ._points import POINT_ATTR, parse_point, point_error, point_problem
from ._ready_name import resume_command
from ._resumes import RESUMES_KEPT, record_created
from ._run_data import spec_data
from ._spec import StudySpec
from ._spec_options import check_runnable
from ._spec_to_run import spec_to_run
from ._storage import has_study, open_storage, release
from ._storage_errors import storage_errors
from ._storage_url import StorageURL, resolve_storage
from ._stored_spec import stored_spec
from ._url_masking import mask_url
from ._worker import COMMAND_ATTR, quiet_optuna

# study attribute: the commands that queued points into the study after its creating one
ENQUEUED_ATTR = "hplab_enqueued_by"
# every point's refusal ends alike: none of the points given is stored, so all are given again
_NOTHING = "; nothing was enqueued: fix the point and enqueue again"


def enqueue_points(spec_or_name, points, *, storage: str | os.PathLike[str] | None = None,
                   command: str | None = None) -> dict:
    """Queue ``points`` as the next trials of a study; nothing is stored unless all fit.

    Each point is checked as a worker checks an enqueued trial (`point_problem`: a value
    outside the spec's space, a name it does not search, a value the trial would not
    read), against the study's stored spec where the study exists. A spec whose study is
    not stored yet creates it first, storing what `run_study` stores (its spec, its data's
    fingerprint: the spec's data is loaded), so that running the spec resumes it; the
    queued trials are then its first. They run before any sampled trial, even past the
    budget, which they count in (`run_study`, ``hplab study run``).

    Parameters
    ----------
    spec_or_name : StudySpec, str or path
        A spec, a ready spec's name or a TOML file (as `run_study` takes it), or the name
        of a study ``storage`` holds (its stored spec; a ready spec's name too, where
        ``storage`` holds a study of that name another spec made).
    points : list of dict or str
        Each a point: parameter name -> value, or text ``"lr=0.1,batch_size=32"`` read as
        the space's types (`parse_point`). A point may leave parameters out: the sampler
        draws them.
    storage : str or path, optional
        Any form `resolve_storage` takes (default ``runs/hplab.db``).
    command : str, optional
        The command line as typed (``hplab study enqueue``'s), which the study's report
        shows: as the one that created it (its "Command", where a later ``study run`` was
        shown, whose spec alone runs no queued point), else with those that queued points
        (`ENQUEUED_ATTR`). None (from Python): not recorded.

    Returns
    -------
    dict
        ``study``, ``storage`` (password masked), ``created`` (whether this call created
        the study), ``enqueued`` (``[{number, params}]``, in the order given), ``n_waiting``
        (the study's queued trials now, these included) and ``run_command`` (the ``hplab
        study run`` line that runs them).

    Raises
    ------
    SpecError
        A point that does not fit, a spec that differs from its stored study's.
    StorageError
        No such study or spec, or a storage that cannot be used.
    """
    where = resolve_storage(storage)
    if isinstance(spec_or_name, str | os.PathLike):
        spec = spec_to_run(spec_or_name, storage)
    elif isinstance(spec_or_name, StudySpec):
        spec = spec_or_name
    else:
        raise TypeError(f"spec_or_name must be a StudySpec, a spec's or study's name or a "
                        f"TOML path, got {nets.got_type(spec_or_name, StudySpec)}")
    if isinstance(points, str | dict) or not points:
        raise SpecError("points must be a list of at least one point (a dict, or text such "
                        "as 'lr=0.1,batch_size=32')")
    if not spec.strict:  # a stored study's spec, read by earlier rules (as run_study)
        check_runnable(spec)
    stored_table(spec)  # fields edited past the table: refused before any storage is made
    spec = absolute_data(spec)
    with storage_errors(where), quiet_optuna():
        store = _stored_in(where, spec.name)
        created = store is None
        try:
            if not created:
                study = optuna.load_study(study_name=spec.name, storage=store)
                stored, _ = stored_spec(spec.name, where, store)
                # a name names the stored study, as `study worker NAME` reads it: a ready
                # spec's name too, where another spec made its study (points are checked
                # against the stored spec, which is what its trials run)
                if not _a_name(spec_or_name):
                    refuse_other_spec(study, stored, spec, where)
                spec = stored  # the study's (its run command is for its spec)
                if not spec.strict:  # as `study worker` refuses it: no trial could run
                    check_runnable(spec)
                queued = checked_points(spec, points)
            else:
                queued = checked_points(spec, points)
                if spec.repeatable_workers and where.kind == "journal":
                    check_repeatable(spec, where, 1)  # refused there, as by run_study
                dataset = spec_data(spec, where)  # one that cannot load leaves no storage
                store = open_storage(where, create=True)
                # another run may have made it meanwhile: then loaded, and checked; the
                # command stored before the spec, as `study run` stores its own (a run
                # that lost the race read none and recorded itself as the creator)
                study, created = create_or_load(spec, store, where, keep_budget=True,
                                                dataset=dataset, command=command)
            if command:  # before the points: a worker may run them at once
                _record(study, command, created)
            numbers = [_enqueue(store, study, point) for point in queued]
            waiting = len(study.get_trials(deepcopy=False, states=(TrialState.WAITING,)))
            return {"study": spec.name, "storage": where.masked, "created": created,
                    "enqueued": [{"number": n, "params": p}
                                 for n, p in zip(numbers, queued, strict=True)],
                    "n_waiting": waiting,
                    "run_command": _run_command(study, spec, where, storage)}
        finally:
            if store is not None:
                release(store)


def _record(study: optuna.Study, command: str, created: bool) -> None:
    """``command`` kept for the study's report: the creating command, or one of the last
    `RESUMES_KEPT` that queued points into it."""
    if created:  # a study made from Python keeps none: a later `study run` records its own
        study.set_user_attr(COMMAND_ATTR, command)
        record_created(study)
    else:
        earlier = study.user_attrs.get(ENQUEUED_ATTR)
        earlier = earlier if isinstance(earlier, list) else []
        study.set_user_attr(ENQUEUED_ATTR, [*earlier, command][-RESUMES_KEPT:])


def _a_name(spec_or_name) -> bool:
    """Whether ``spec_or_name`` is given as a name (of a ready spec or a stored study), not
    as a spec or a spec file."""
    return isinstance(spec_or_name, str) and not spec_or_name.endswith(".toml") and \
        not Path(spec_or_name).is_file()


def _stored_in(where: StorageURL, name: str):
    """``where`` opened, where it holds study ``name``; else None (no storage yet, or
    none of that name: nothing is made here)."""
    try:
        store = open_storage(where)
    except StorageAbsent:  # no file, or an empty one
        return None
    if has_study(store, name):
        return store
    release(store)
    return None


def checked_points(spec: StudySpec, points) -> list[dict]:
    """``points`` read against ``spec``'s space (text by `parse_point`), each checked by
    `point_problem`; SpecError naming the first that does not fit."""
    queued = []
    for point in points:
        shown = point  # as typed, where typed
        try:
            if isinstance(point, str):
                point = parse_point(point, spec.space)
            elif not isinstance(point, dict) or not point:
                raise SpecError(point_error(point, "give a dict of parameter values, or "
                                                   "text such as 'lr=0.1,batch_size=32'"))
        except SpecError as exc:
            raise SpecError(f"{exc}{_NOTHING}") from None
        # NumPy's scalars as Python's: the storage writes the point as JSON
        point = {k: v.item() if hasattr(v, "item") else v for k, v in point.items()}
        why = point_problem(spec, point)
        if why:
            raise SpecError(point_error(shown if isinstance(shown, str) else point, why)
                            + _NOTHING)
        queued.append(dict(point))
    return queued


def _enqueue(store, study: optuna.Study, point: dict) -> int:
    """``point`` queued as a WAITING trial, as `optuna.Study.enqueue_trial` queues it;
    its number (enqueue_trial returns none, and another worker may queue or start
    trials meanwhile)."""
    frozen = optuna.trial.create_trial(state=TrialState.WAITING,
                                       system_attrs={POINT_ATTR: point})
    trial_id = store.create_new_trial(store.get_study_id_from_name(study.study_name),
                                      template_trial=frozen)
    return store.get_trial_number_from_id(trial_id)


def _run_command(study: optuna.Study, spec: StudySpec, where: StorageURL,
                 storage: str | None) -> str:
    """The ``hplab study run`` line that runs the study on (its queued trials first): its
    name or the spec file that resumes it, ``--storage`` as given (password masked)."""
    return resume_command(study, spec, where, None,
                          storage=None if storage is None else mask_url(str(storage)))
