"""What a stored study looks like from outside: counts, best trial, listings.

These feed ``hplab study show/list`` and their ``--json`` contract (``study export``'s CSV
is `_export`'s).
"""

from __future__ import annotations

import os

import optuna
from optuna.trial import TrialState

from ._budget import budget_used, retried_numbers
from ._outcome import trial_outcome
from ._points import queued_counts
from ._record import CREATED_ATTR, flat_layout
from ._running_beats import heartbeat_backend
from ._spec import default_pruner
from ._spec_study_table import study_default
from ._stale_trials import stale_trials
from ._stop_reason import retries_of, stop_reason
from ._storage_url import StorageURL, resolve_storage
from ._study_versions import library_sets, trial_versions
from ._trial_times import trial_times
from ._unreadable_records import checked_trials
from ._who import trial_people
from ._worker import SPEC_ATTR, STOPPED_ATTR, quiet_optuna


def state_counts(trials, *, flat: bool = True) -> dict:
    """Trials by optuna state, plus hplab's outcomes (`trial_outcome`: diverged, error,
    retried, interrupted).

    ``n_finished`` is what the study-wide ``n_trials`` counts: finished trials less the
    retried and the interrupted ones. ``flat``: the study may hold the flat layout of
    earlier versions (`flat_layout`); if not, other programs' user attributes are not
    read as hplab's.

    Parameters
    ----------
    trials : sequence of optuna.trial.FrozenTrial
        The study's trials.
    flat : bool, default True
        As above.
    """
    states = [t.state for t in trials]
    retried = retried_numbers(trials)
    outcomes = [trial_outcome(t, retried=retried, flat=flat) for t in trials]
    active = sum(s in (TrialState.RUNNING, TrialState.WAITING) for s in states)
    return {
        "n_complete": states.count(TrialState.COMPLETE),
        "n_pruned": states.count(TrialState.PRUNED),
        "n_fail": states.count(TrialState.FAIL),
        "n_running": states.count(TrialState.RUNNING),
        "n_waiting": states.count(TrialState.WAITING),
        # of the n_pruned
        "n_diverged": outcomes.count("diverged"),
        # of the n_fail
        "n_error": outcomes.count("error"),
        "n_interrupted": outcomes.count("interrupted"),
        "n_retried": outcomes.count("retried"),
        "n_finished": budget_used(trials, flat=flat) - active,
    }


def _stopped(attrs: dict, counts: dict, n_trials, stale: int) -> str | None:
    """"timeout" if the last run stopped at its timeout (`STOPPED_ATTR`) and the study is
    still where it left it: trials of its budget to run and none running. A worker of
    another run that went on (still running, or since spent the budget) is not stopped."""
    if attrs.get(STOPPED_ATTR) != "timeout" or not isinstance(n_trials, int):
        return None  # another client's value
    stays = counts["n_finished"] < n_trials and counts["n_running"] - stale <= 0
    return "timeout" if stays else None


def _problems(trials, created, heartbeats: bool, max_retry: int) -> list[dict]:
    """The trials to explain, by `trial_outcome`: diverged, failed by an error,
    interrupted, retried or failed otherwise (``fail``: by another program, or a heartbeat
    check that spent its retries), each with its `stop_reason`, as the export and the
    report say it (a retried one: why its worker was judged stopped, and its retry's
    number)."""
    retried = retried_numbers(trials)
    again = retries_of(trials)
    flat = flat_layout(created)  # ``created``: the study's stamp, `CREATED_ATTR`
    out = []
    for t in trials:
        outcome = trial_outcome(t, retried=retried, flat=flat)
        if outcome not in ("diverged", "error", "interrupted", "retried", "fail"):
            continue
        reason = stop_reason(t, again.get(t.number), heartbeats=heartbeats,
                             max_retry=max_retry, flat=flat)
        out.append({"number": t.number, "state": t.state.name.lower(), "status": outcome,
                    "reason": reason})
    return out


def _study_table(attrs: dict) -> dict:
    """The ``[study]`` table of the spec stored in a study's user ``attrs`` ({} if none)."""
    raw = attrs.get(SPEC_ATTR)
    # not a table: a spec someone else wrote over; list shows the study without it
    table = raw.get("study") if isinstance(raw, dict) else None
    return table if isinstance(table, dict) else {}


def _pruner(attrs: dict, table: dict) -> tuple[str | None, dict]:
    """The pruner a study's stored spec runs with (the default where it names none) and its
    ``[pruner]`` options, ``patience`` included; (None, {}) without a stored spec."""
    raw = attrs.get(SPEC_ATTR)
    if not table or not isinstance(raw, dict):
        return None, {}
    options = raw.get("pruner") if isinstance(raw.get("pruner"), dict) else {}
    name = table.get("pruner")
    if name is None:
        metric = table.get("metric", study_default("metric"))
        metrics = metric if isinstance(metric, list) and metric else [metric]
        pipeline = any(isinstance(raw.get(t), dict) and "imbalance_strategy" in raw[t]
                       for t in ("space", "fixed"))
        name = default_pruner(metrics, pipeline)
    return name, dict(options)


def value_names(study, table: dict) -> list[str] | None:
    """What ``study``'s values are: the metrics of its stored spec (``table``, its
    ``[study]``), which hplab's objective returns; ``study.metric_names`` only where the
    spec names none that fit (another client may have renamed them: optuna-dashboard,
    ``set_metric_names``, and the values stay what they were)."""
    metric = table.get("metric")
    metrics = [metric] if isinstance(metric, str) else metric
    if (isinstance(metrics, list) and len(metrics) == len(study.directions)
            and all(isinstance(m, str) for m in metrics)):
        return list(metrics)
    return study.metric_names


def keeps_heartbeats(study) -> bool:
    """Whether ``study``'s storage keeps trial heartbeats, so a heartbeat check may have
    failed a trial: a database (RDBStorage, or optuna's cache over one); not a journal.

    Parameters
    ----------
    study : optuna.Study
    """
    # not isinstance(..., BaseHeartbeat): optuna.storages._heartbeat's class is private
    # ("not supposed to be directly accessed by library users", optuna 5.1), and in
    # optuna 5 only RDBStorage and the cache over one are heartbeat storages
    return heartbeat_backend(study._storage) is not None


def _best(study, trials) -> dict:
    complete = [t for t in trials if t.state == TrialState.COMPLETE]
    if not complete:  # several objectives: the front is there, empty (the --json contract)
        none = {"best_value": None, "best_params": None, "best_trial": None}
        return none if len(study.directions) == 1 else {**none, "pareto_front": []}
    if len(study.directions) == 1:
        best = study.best_trial
        return {"best_value": best.value, "best_params": best.params, "best_trial": best.number}
    # Several objectives: the Pareto front, and as "best" its member best on the first one
    front = study.best_trials
    first = study.directions[0] == optuna.study.StudyDirection.MAXIMIZE
    best = (max if first else min)(front, key=lambda t: t.values[0])
    return {"best_value": best.values, "best_params": best.params, "best_trial": best.number,
            "pareto_front": [{"number": t.number, "values": t.values, "params": t.params}
                             for t in sorted(front, key=lambda t: t.number)]}


def study_created(study: optuna.Study, trials, attrs: dict | None = None) -> str | None:
    """Which study this is: when hplab created it; for a study made before hplab stored
    that, its first trial's start, in UTC as hplab's stamp is (optuna's naive local time
    differed by the reading machine's zone); None before any trial. ``attrs``: the study's
    user attributes, if read already."""
    created = (study.user_attrs if attrs is None else attrs).get(CREATED_ATTR)
    if isinstance(created, str):
        return created
    starts = [start for start, _ in trial_times(trials).values() if start is not None]
    return min(starts).isoformat() if starts else None


def study_summary(study: optuna.Study, where: StorageURL | str | os.PathLike) -> dict:
    """The ``--json`` contract of ``study run`` and ``study show``, of ``study`` (an
    optuna.Study, `open_study`'s; `show_study` takes a name) in the storage ``where``: a
    `StorageURL` or what `resolve_storage` takes (``"runs/k.db"``, a URL, a path), as every
    study function takes a storage.

    Keys: study, storage (password masked), heartbeats (whether the storage keeps trial
    heartbeats, `keeps_heartbeats`: a stopped worker's trials are then failed and run
    again, on a journal closed as interrupted), dataset, sampler (the stored spec's: how
    `reports.queued_text` words its queued points), pruner and pruner_options (the stored
    spec's pruner as it runs, the default where it names none, and its ``[pruner]``
    options: ``patience`` and ``min_delta`` wrap it in Optuna's PatientPruner), metrics,
    directions, n_trials (the
    target), the `state_counts`, n_stale (of the n_running, those whose worker stopped:
    `stale_trials`, which the next run or worker fails and runs again), queued_trials and
    n_queued_waiting (`study._points.queued_counts`: trials that ran points queued by hand,
    and of the n_waiting those still to run), best_value,
    best_params, best_trial (and pareto_front with several metrics), problems (diverged,
    failed, interrupted or retried trials with their reasons), created
    (``study._summary.study_created``: a report of a deleted study of the same name is not
    this one's), report_path (always None here: the study package does not look at
    reports; ``reports.find_study_report`` does, and ``hplab study show`` fills it in),
    stopped ("timeout" while the last run's stop at its
    timeout left trials of the budget to run and none runs, else None; a run's summary
    says its own), hplab_versions (``[{version, checkout, n_trials}]``: the hplab versions
    that ran its trials, with the checkout where it is other code than the version names,
    in order, `trial_versions`: version None for an hplab before records named it; two or
    more: a study resumed after an upgrade or from another checkout), library_versions
    (``[{"python": ..., "numpy": ..., ...}]``: the Python and library versions its trials
    ran on, as stored, `library_sets`; none for a study from before they were stored; two
    or more: mixed), run_by (``[{user, os_user, db_role, n_trials}]``: who ran its
    trials, `trial_people`).

    Parameters
    ----------
    study : optuna.Study
    where : StorageURL, str or os.PathLike
        Its storage, as above.
    """
    if isinstance(study, str):  # was "'str' object has no attribute 'get_trials'" (QA)
        raise TypeError(f"study_summary takes an optuna.Study (study.open_study's), got the "
                        f"name {study!r}: study.show_study(name, storage) reads one by name")
    if isinstance(where, str | os.PathLike):  # was "'str' object has no attribute 'masked'"
        where = resolve_storage(where)
    with quiet_optuna():
        trials = checked_trials(study, where)
        attrs = study.user_attrs
        flat = flat_layout(attrs.get(CREATED_ATTR))
        s = _study_table(attrs)
        # a spec stored by an older hplab may leave a key out: its default then
        n_trials = s.get("n_trials", study_default("n_trials") if s else None)
        counts = state_counts(trials, flat=flat)
        stale = len(stale_trials(study, trials, s.get(
            "grace_period", study_default("grace_period")), flat=flat))
        heartbeats = keeps_heartbeats(study)
        out = {
            "study": study.study_name,
            "storage": where.masked,
            "heartbeats": heartbeats,
            "dataset": s.get("dataset"),
            # a spec stored by an older hplab may leave it out: the default sampler then
            "sampler": s.get("sampler", study_default("sampler")) if s else None,
            # as it runs: a spec naming none has the default; patience is a [pruner] option
            **dict(zip(("pruner", "pruner_options"), _pruner(attrs, s), strict=True)),
            "metrics": value_names(study, s),
            "directions": [d.name.lower() for d in study.directions],
            "n_trials": n_trials,
            **counts,
            "n_stale": stale,
            **queued_counts(trials),
            **_best(study, trials),
            "problems": _problems(trials, attrs.get(CREATED_ATTR), heartbeats,
                                  s.get("max_retry", study_default("max_retry"))),
            "created": study_created(study, trials, attrs),
            "report_path": None,
            "stopped": _stopped(attrs, counts, n_trials, stale),
            "hplab_versions": trial_versions(trials, attrs.get(CREATED_ATTR)),
            "library_versions": library_sets(attrs),
            "run_by": trial_people(trials, attrs.get(CREATED_ATTR)),
        }
    return out


def unstored_summary(name: str, storage: str | os.PathLike[str] | None = None, spec=None) -> dict:
    """`study_summary`'s keys for study ``name``, which ``storage`` does not hold (no
    storage there, or no such study in it): what a run stopped before it stored the study
    prints. Every count is 0, ``created`` None, the lists empty.

    Parameters
    ----------
    name : str
        The study's name.
    storage : str or path, optional
        Any form `resolve_storage` takes.
    spec : StudySpec, optional
        Its spec, if known: dataset, sampler, metrics, directions and n_trials are
        its (else None).

    Returns
    -------
    dict
    """
    where = resolve_storage(storage)
    several = spec is not None and spec.multi_objective
    best = {"best_value": None, "best_params": None, "best_trial": None}
    return {
        "study": name, "storage": where.masked,
        "heartbeats": where.kind != "journal",  # a database keeps them
        "dataset": spec and spec.dataset, "sampler": spec and spec.sampler,
        "pruner": spec and spec.pruner,
        "pruner_options": dict(spec.pruner_options) if spec is not None else {},
        "metrics": spec and list(spec.metrics),
        "directions": spec and list(spec.directions), "n_trials": spec and spec.n_trials,
        **state_counts([]), "n_stale": 0, **queued_counts([]), **best,
        **({"pareto_front": []} if several else {}),
        "problems": [], "created": None, "report_path": None, "stopped": None,
        "hplab_versions": [], "library_versions": [], "run_by": [],
    }
