"""Run a study: create or resume it in a storage, then spread its trials over workers.

``run_study`` is ``hplab study run``: N local processes (joblib's loky backend), each with
its BLAS threads limited so that workers x threads <= cores. ``join_study`` is ``hplab
study worker``: it needs only the study name and the storage, because the spec is stored
in the study.
"""

from __future__ import annotations

import numbers
import os
import time
import uuid
import warnings

import optuna

import nets

from ._create import create_or_load, stored_table
from ._data_paths import absolute_data
from ._errors import SpecError
from ._execute import execute
from ._folders import check_study_name
from ._history_view import check_repeatable
from ._none_started import say_if_none_started
from ._pruner_budget import startup_budget_note
from ._pruner_steps import idle_pruner
from ._ready_name import resume_command
from ._resumes import record_created, record_resume, say_whose
from ._run_data import check_copy_name, for_workers, join_data, spec_data, stored_study_data
from ._sampler_budget import random_budget_note
from ._spec import StudySpec
from ._spec_options import check_runnable, single_choices
from ._spec_to_run import spec_to_run
from ._storage import FRESH_HINT, RESUME_HINT, has_study, new_study_hint, open_storage, release
from ._storage_errors import storage_errors
from ._storage_url import resolve_storage
from ._stored_spec import stored_spec
from ._url_masking import mask_url
from ._worker import (
    COMMAND_ATTR,
    deleted_as_error,
    quiet_optuna,
    stored_n_trials,
)


def local_workers(workers) -> int:
    """``workers`` as a number of processes: -1 is one per core (as for the analyses).

    Parameters
    ----------
    workers : int
        A count >= 1, or -1.

    Returns
    -------
    int

    Raises
    ------
    SpecError
        Not an integer >= 1 or -1.
    """
    if isinstance(workers, bool) or not isinstance(workers, numbers.Integral) or (
            workers < 1 and workers != -1):  # NumPy's integers too
        raise SpecError(f"workers must be an integer >= 1 (or -1 for every core), "
                        f"got {workers!r}")
    return nets.cores() if workers == -1 else int(workers)


def run_study(spec: StudySpec | str | os.PathLike[str], *,
              storage: str | os.PathLike[str] | None = None, workers: int = 1,
              progress: bool = False, fresh: bool = False, command: str | None = None,
              explicit_trials: bool = False, dataset: str | None = None) -> dict:
    """Create (or resume) ``spec``'s study and run it to its budget of trials.

    Parameters
    ----------
    spec : StudySpec, str or path
        A spec, or what `load_spec` takes: a ready spec's name (``"coin"``) or a TOML file.
    storage : str or path, optional
        Any storage form `resolve_storage` takes (default ``runs/hplab.db``).
    workers : int
        Local processes (-1: one per core).
    progress : bool
        Show a progress bar on stderr (off by default, as the analyses' and reports':
        a notebook or a script logging to a file got a frame per trial; the command
        line shows one).
    fresh : bool
        Delete a stored study of the same name first (``hplab demo``) instead of resuming.
    command : str, optional
        The command line that runs it, stored with the study for its report (mask any
        password first).
    explicit_trials : bool
        Set the budget to ``spec.n_trials``, lower than the stored one too, as ``hplab
        study run --trials`` does. By default, as without ``--trials``, ``spec.n_trials``
        (wherever it came from: a file, `parse_spec`, `load_spec`'s ``n_trials``) is the
        spec's: a resume keeps a larger budget an earlier explicit one stored.
    dataset : str, optional
        A dataset name reading this machine's copy of the stored study's data, where it
        is not at the path the study stores (``hplab study run NAME --data``, as `join_study`
        takes it): the study must be stored, with a fingerprint of its data that the copy
        matches. Not with ``fresh``. A name (a loaded Dataset is a TypeError): its errors
        say ``dataset``, where the command's say ``--data``.

    Returns
    -------
    dict
        `study_summary` plus ``stopped`` (``"timeout"`` if the spec's timeout ended the
        run before the budget was spent, else None) and ``seconds`` (the time its trials
        took; 0 when it started none).

    Warns
    -----
    UserWarning
        The pruner the spec names cannot stop a trial before its end (a run has too few
        checkpoints). Another command (a run with another ``--trials``) changed the study's
        budget while this one ran: the run ended at that budget, not at its own. (A run
        that started no trial, the budget spent, says so on stderr.)
    """
    from ._summary import study_summary

    check_copy_name(dataset)
    if isinstance(spec, str | os.PathLike):  # as `hplab study run coin` takes it
        spec = spec_to_run(spec, storage, data=dataset)
    elif not isinstance(spec, StudySpec):
        raise TypeError(f"spec must be a StudySpec, a ready spec's name or a TOML path, got "
                        f"{nets.got_type(spec, StudySpec)}")
    if not spec.strict:  # a stored study's spec, read by earlier rules: before any write
        check_runnable(spec)
    stored_table(spec)  # fields edited past the table: refused before a storage is made
    for why in (idle_pruner(spec), single_choices(spec)):
        if why:
            warnings.warn(why, stacklevel=2)
    workers = local_workers(workers)
    where = resolve_storage(storage)
    check_repeatable(spec, where, workers)
    t0 = time.perf_counter()
    spec = absolute_data(spec)  # the pool's workers keep the folder they started in
    if dataset is not None:  # a copy of a stored study's data, checked against it
        if fresh:
            raise SpecError("dataset reads a copy of a stored study's data: not with fresh")
        spec, run_spec, dataset = stored_study_data(spec, where, dataset)
    else:
        run_spec, dataset = spec, spec_data(spec, where)
    # what the same command does after a storage failure: a fresh run replaces the study,
    # another resumes it once it is stored (before, or by this run)
    stored = False  # read when the storage fails: the lambda sees its latest value
    after = FRESH_HINT if fresh else lambda text: RESUME_HINT if stored else new_study_hint(text)
    with storage_errors(where, after, running=True):
        with quiet_optuna():
            store = open_storage(where, create=True)
            stored = not fresh and has_study(store, spec.name)
            if fresh and spec.name in optuna.get_all_study_names(store):
                # another run deleted it first: the same end
                with nets.filtered_warnings(("ignore", Warning, "DELETE statement on table")):
                    optuna.delete_study(study_name=spec.name, storage=store)
            study, new = create_or_load(spec, store, where, keep_budget=not explicit_trials,
                                         dataset=dataset, command=command)
            stored = True
            budget = stored_n_trials(study, spec.n_trials)  # another run's --trials may change it
            for why in (random_budget_note(spec, budget), startup_budget_note(spec, budget)):
                if why:
                    warnings.warn(why, stacklevel=2)
            if command:  # the creating command reproduces the study; resumes are listed
                if new or COMMAND_ATTR not in study.user_attrs:
                    study.set_user_attr(COMMAND_ATTR, command)
                    record_created(study)
                else:
                    say_whose(study, where)
                    record_resume(study, command, explicit_trials=explicit_trials)
        try:
            # deleted after its last trial too: its summary cannot be read; a large set
            # shared with the workers, let go of here
            with deleted_as_error(store, where, study), \
                    for_workers(dataset, workers) as dataset:
                run_id = uuid.uuid4().hex[:12]
                timed_out = execute(run_spec, where, store, study, workers=workers,
                                    progress=progress, dataset=dataset, run_id=run_id)
                started = say_if_none_started(study, run_id, stored_n_trials(study, budget),
                                              spec, storage=(mask_url(str(storage))
                                                             if storage is not None else None))
                summary = study_summary(study, where)
        finally:
            release(store)
    if summary["n_trials"] != budget:  # the last --trials wins: this run ended at another's
        began = "asked for" if explicit_trials else "it began with"
        warnings.warn(f"another command set the study's budget to {summary['n_trials']} "
                      f"trials while this one ran ({began} {budget})", stacklevel=2)
    return _with_stop(summary, timed_out, t0, started)


def join_study(name: str, *, storage: str | os.PathLike[str] | None = None, workers: int = 1,
               progress: bool = False, dataset: str | None = None,
               command: str | None = None) -> dict:
    """Join stored study ``name`` from this machine until its budget is spent.

    Parameters
    ----------
    name : str
        The study, as stored (its spec is read from the storage).
    storage : str or path, optional
        An Optuna storage URL or a file path; default `DEFAULT_STORAGE`.
    workers : int
        Local worker processes (-1: every core).
    progress : bool
        Show a progress bar on stderr (off by default, as the analyses' and reports':
        a notebook or a script logging to a file got a frame per trial; the command
        line shows one).
    dataset : str, optional
        A dataset name reading this machine's copy of the study's data (``hplab study
        worker --data``), where it is not at the path the study stores.
    command : str, optional
        The command line that runs the worker, listed with the runs that resumed the
        study (its report's "Resumed by") once it started a trial (mask any password).

    Returns
    -------
    dict
        `study_summary` plus ``stopped`` and ``seconds``, as `run_study` returns. (A
        worker that started no trial, the budget spent, says so on stderr.)

    Raises
    ------
    SpecError
        The data read (at the stored path or ``dataset``) is not the data the study was
        created on (its stored fingerprint), or cannot be read.
    StorageError
        No such study, one hplab did not make, or an unreachable storage.
    """
    from ._summary import study_summary

    check_study_name(name)
    check_copy_name(dataset)
    workers = local_workers(workers)
    where = resolve_storage(storage)
    t0 = time.perf_counter()
    with storage_errors(where, RESUME_HINT, running=True):
        spec, store = stored_spec(name, where)
        try:
            check_runnable(spec)
            check_repeatable(spec, where, workers)
            with quiet_optuna():
                study = optuna.load_study(study_name=name, storage=store)
            with deleted_as_error(store, where, study):
                spec, loaded = join_data(spec, study, where, dataset)
                run_id = uuid.uuid4().hex[:12]
                with for_workers(loaded, workers) as loaded:
                    timed_out = execute(spec, where, store, study, workers=workers,
                                        progress=progress, dataset=loaded, run_id=run_id)
                # a worker has no --trials: `study run` of the stored study raises it
                # with this worker's --data: the stored path is not this machine's
                shown = mask_url(str(storage)) if storage is not None else None
                again = resume_command(study, spec, where, "N", dataset=dataset, storage=shown)
                started = say_if_none_started(
                    study, run_id, stored_n_trials(study, spec.n_trials), spec,
                    who="this worker", storage=shown,
                    more=f"raise the budget with `{again}` (N above {{used}}{{cap}})")
                if command and started:  # QA: its trials showed only as a lane of a pid
                    record_resume(study, command, worker=True)
                return _with_stop(study_summary(study, where), timed_out, t0, started)
        finally:
            release(store)


def _with_stop(summary: dict, timed_out: bool, t0: float, started: bool = True) -> dict:
    """A run's summary: ``stopped`` says why trials remain ("timeout"), then ``seconds``:
    the time its trials took, 0 when it started none (QA: "trials took 2.7 s" of a worker
    that started none, the time it took to find the budget spent)."""
    left = summary["n_trials"] is not None and summary["n_finished"] < summary["n_trials"]
    return {**summary, "stopped": "timeout" if timed_out and left else None,
            "seconds": time.perf_counter() - t0 if started else 0.0}
