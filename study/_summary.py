"""What a stored study looks like from outside: counts, best trial, listings, CSV export.

These feed ``hplab study show/list/export`` and their ``--json`` contract.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING

import optuna
from optuna.storages._heartbeat import BaseHeartbeat  # public as optuna.storages.RDBStorage's base
from optuna.trial import TrialState

import nets

from ._errors import StorageError
from ._folders import result_file
from ._record import (
    CREATED_ATTR,
    NEVER_ENTERED,
    flat_layout,
    hplab_record,
    other_attrs,
    run_by_hplab,
    trial_info,
    trial_status,
    unexplained_fail,
)
from ._spec import study_default
from ._storage import open_storage, release
from ._storage_errors import storage_errors
from ._storage_files import storage_kind
from ._storage_url import StorageURL, resolve_storage
from ._trial_times import trial_times
from ._worker import SPEC_ATTR, budget_used, quiet_optuna, retried_numbers

if TYPE_CHECKING:
    import pandas as pd


def state_counts(trials, *, flat: bool = True) -> dict:
    """Trials by optuna state, plus hplab's reasons (diverged, error, retried, interrupted).

    ``n_finished`` is what the study-wide ``n_trials`` counts: finished trials less the
    retried and the interrupted ones. ``flat``: the study may hold the flat layout of
    earlier versions (`flat_layout`); if not, other programs' user attributes are not
    read as hplab's.
    """
    states = [t.state for t in trials]
    status = [trial_status(t, flat=flat) for t in trials]
    retried = retried_numbers(trials)
    active = sum(s in (TrialState.RUNNING, TrialState.WAITING) for s in states)
    return {
        "n_complete": states.count(TrialState.COMPLETE),
        "n_pruned": states.count(TrialState.PRUNED),
        "n_fail": states.count(TrialState.FAIL),
        "n_running": states.count(TrialState.RUNNING),
        "n_waiting": states.count(TrialState.WAITING),
        "n_diverged": status.count("diverged"),
        "n_error": status.count("error"),
        # not one a heartbeat retry replaced (a storage failing let its close as
        # interrupted write the record, not the state): that one counts as retried
        "n_interrupted": sum(s == TrialState.FAIL and st == "interrupted"
                             and t.number not in retried
                             for t, s, st in zip(trials, states, status, strict=True)),
        "n_retried": sum(t.number in retried for t in trials),
        "n_finished": budget_used(trials, flat=flat) - active,
    }


def _problems(trials, created, heartbeats: bool, max_retry: int) -> list[dict]:
    """The trials to explain: diverged, failed by an error, interrupted, or retried (a
    worker that stopped sending heartbeats: counted as retried, so said as retried, even
    where its close as interrupted wrote the record), or failed otherwise (``fail``: by
    another program, or a heartbeat check that spent its retries; `unexplained_fail`)."""
    retried = retried_numbers(trials)
    flat = flat_layout(created)  # ``created``: the study's stamp, `CREATED_ATTR`
    out = []
    for t in trials:
        info = trial_info(t, flat=flat)
        status, reason = info.get("status"), info.get("reason")
        if t.number in retried:
            # no record: a worker lost while starting it, or another client's untold ask
            who = ("its worker stopped sending heartbeats" if run_by_hplab(t, created) else
                   NEVER_ENTERED)
            status, reason = "retried", (f"{who}; a new trial ran its slot"
                                         + (f" ({reason})" if reason else ""))
        elif t.state == TrialState.FAIL and status not in ("error", "interrupted"):
            status, reason = "fail", reason or unexplained_fail(
                t, retried=False, heartbeats=heartbeats, max_retry=max_retry, flat=flat)
        elif status not in ("diverged", "error", "interrupted"):
            continue
        out.append({"number": t.number, "state": t.state.name.lower(), "status": status,
                    "reason": reason})
    return out


def _study_table(attrs: dict) -> dict:
    """The ``[study]`` table of the spec stored in a study's user ``attrs`` ({} if none)."""
    raw = attrs.get(SPEC_ATTR)
    # not a table: a spec someone else wrote over; list shows the study without it
    table = raw.get("study") if isinstance(raw, dict) else None
    return table if isinstance(table, dict) else {}


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
    failed a trial: a database (RDBStorage, or optuna's cache over one); not a journal."""
    return isinstance(study._storage, BaseHeartbeat)


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


def study_summary(study: optuna.Study, where: StorageURL) -> dict:
    """The ``--json`` contract of ``study run`` and ``study show``.

    Keys: study, storage (password masked), dataset, metrics, directions, n_trials (the
    target), the `state_counts`, best_value, best_params, best_trial (and pareto_front with
    several metrics), problems (diverged, failed, interrupted or retried trials with their
    reasons), created (``study._summary.study_created``: a report of
    a deleted study of the same name is not this one's), report_path (always None here: the
    study package does not look at reports; ``reports.find_study_report`` does, and
    ``hplab study show`` fills it in).
    """
    with quiet_optuna():
        trials = study.get_trials(deepcopy=False)
        attrs = study.user_attrs
        flat = flat_layout(attrs.get(CREATED_ATTR))
        s = _study_table(attrs)
        out = {
            "study": study.study_name,
            "storage": where.masked,
            "dataset": s.get("dataset"),
            "metrics": value_names(study, s),
            "directions": [d.name.lower() for d in study.directions],
            # a spec stored by an older hplab may leave a key out: its default then
            "n_trials": s.get("n_trials", study_default("n_trials") if s else None),
            **state_counts(trials, flat=flat),
            **_best(study, trials),
            "problems": _problems(trials, attrs.get(CREATED_ATTR), keeps_heartbeats(study),
                                  s.get("max_retry", study_default("max_retry"))),
            "created": study_created(study, trials, attrs),
            "report_path": None,
        }
    return out


def open_study(name: str, storage: str | None = None):
    """Load stored study ``name`` read-only (never creates files); returns (study, where)."""
    return open_study_storage(name, storage)[:2]


def open_study_storage(name: str, storage: str | None = None):
    """`open_study` and its storage, for callers that `release` it when done: (study,
    where, storage)."""
    from ._create import stored_spec

    where = resolve_storage(storage)
    with storage_errors(where), quiet_optuna():
        _, store = stored_spec(name, where, open_storage(where, read_only=True))
        return optuna.load_study(study_name=name, storage=store), where, store


def show_study(name: str, storage: str | None = None) -> dict:
    """`study_summary` of a stored study: `hplab study show --json` without its
    ``report_stale`` (the report is the reports package's: `reports.report_lags`)."""
    study, where, store = open_study_storage(name, storage)
    try:
        with storage_errors(where):
            return study_summary(study, where)
    finally:
        release(store)


def list_studies(storage: str | None = None) -> list[dict]:
    """One row per study in the storage: ``study`` (its name), ``dataset``, ``metrics``,
    ``n_trials``, ``n_finished``, ``n_complete``, ``n_pruned``, ``n_fail``, ``n_running``,
    ``best_value``."""
    where = resolve_storage(storage)
    with storage_errors(where), quiet_optuna():
        store = open_storage(where, read_only=True)
        rows = []
        try:
            for name in optuna.get_all_study_names(store):
                study = optuna.load_study(study_name=name, storage=store)
                summary = study_summary(study, where)
                rows.append({k: summary[k] for k in (
                    "study", "dataset", "metrics", "n_trials", "n_finished", "n_complete",
                    "n_pruned", "n_fail", "n_running", "best_value")})
        finally:
            release(store)
    return rows


def export_csv(name: str, path: str | Path, storage: str | None = None) -> Path:
    """Every trial as one CSV row: number, state, values, params, summary attributes.

    Times are UTC, with their offset (``2026-11-01T09:00:00.000000+00:00``): the same
    from every machine, and durations right across a daylight-saving change.

    The stored record is spread into ``user_attrs_<key>`` columns (``user_attrs_status``,
    ``user_attrs_epochs``..., ``user_attrs_imbalance_metrics_val_pr_auc`` for nested
    ones); the per-trial history lists stay out (they are in the storage and the report).

    Parameters
    ----------
    name : str
        The stored study.
    path : str or path
        The CSV file written; ``"-"``: standard output. An existing file is replaced only
        when it is an earlier export or empty; the storage itself is refused.
    storage : str, optional
        Any storage form `resolve_storage` takes (default `DEFAULT_STORAGE`).

    Returns
    -------
    Path
        The file written.
    """
    import pandas as pd  # here: `study show` and the workers need no table

    study, where, store = open_study_storage(name, storage)
    to_stdout = str(path) == "-"
    try:
        if not to_stdout:
            check_output_file(path, where, "the CSV")
            refuse_other_file(path)
        with storage_errors(where), quiet_optuna():
            trials = study.get_trials(deepcopy=False)
            frame = study.trials_dataframe(multi_index=False)
            attrs = study.user_attrs
            flat = flat_layout(attrs.get(CREATED_ATTR))
            # optuna heads the values by study.metric_names: another client's, maybe
            frame = frame.rename(columns=_value_columns(study, _study_table(attrs)))
    finally:
        release(store)
    # nested dicts (imbalance_metrics) become columns of their own: key_subkey
    info = pd.json_normalize([_export_attrs(t, flat) for t in trials],
                             sep="_").add_prefix("user_attrs_")
    # merged by number: a worker may add a trial between the two reads
    info.insert(0, "number", [t.number for t in trials])
    frame = frame.drop(columns=[c for c in frame.columns if c.startswith("user_attrs_")])
    if "number" not in frame:  # no trial yet: optuna's frame has no columns at all
        frame = pd.DataFrame({"number": pd.Series(dtype=int)})
    frame = frame.merge(info, on="number", how="left")
    frame = _utc_times(frame, trials)
    # whole numbers stay whole where some trials lack the parameter (width_1 of a depth-1
    # trial): pandas made the column float, 3.0. Only where every value is whole: another
    # program's trial may store the name as a float (2.5) or a choice (a journal takes it)
    ints = {n for t in trials for n, d in t.distributions.items()
            if isinstance(d, optuna.distributions.IntDistribution)}
    for name in ints:
        column = frame.get(f"params_{name}")
        if column is not None and _whole_numbers(column):
            frame[f"params_{name}"] = pd.to_numeric(column).astype("Int64")
    drop = [c for c in frame.columns if c.startswith("system_attrs_")]
    if to_stdout:  # `--csv -`: the table on standard output, for a pipe
        nets.spreadsheet_safe(frame.drop(columns=drop)).to_csv(sys.stdout, index=False)
        return Path("-")
    path = Path(path)
    frame = frame.drop(columns=drop)
    # renamed in whole: an interrupted re-export keeps the earlier CSV
    return nets.write_csv(path, frame)


def _value_columns(study, table: dict) -> dict[str, str]:
    """Optuna's value columns named by ``study.metric_names``, renamed by `value_names`."""
    given, names = study.metric_names, value_names(study, table)
    if not given or not names:
        return {}
    head = "value_" if len(given) == 1 else "values_"
    return {head + old: head + new for old, new in zip(given, names, strict=True)}


def _whole_numbers(column: pd.Series) -> bool:
    """Whether every value of ``column`` (empty cells aside) is a whole number."""
    import pandas as pd

    given = column.dropna()
    numbers = pd.to_numeric(given, errors="coerce")
    return bool(numbers.notna().all() and (numbers % 1 == 0).all())


def _export_attrs(trial, flat: bool) -> dict:
    """The user attributes of ``trial`` as `export_csv` spreads them: hplab's record but
    its history, over other programs' attributes (their own ``history`` too)."""
    record = hplab_record(trial)
    if record is None and flat:  # the flat layout: every attribute is hplab's
        return {k: v for k, v in trial.user_attrs.items() if k != "history"}
    return {**other_attrs(trial), **{k: v for k, v in (record or {}).items() if k != "history"}}


def _utc_times(frame: pd.DataFrame, trials) -> pd.DataFrame:
    """Optuna's naive local times (another machine's zone gave others, and a duration
    across a daylight-saving change was an hour off) as ISO UTC times with their offset."""
    import pandas as pd

    if "datetime_start" not in frame:
        return frame
    times = trial_times(trials)
    # a trial that started after the first read (optuna's frame has it) is left empty
    start, end = (pd.to_datetime(frame["number"].map(
        lambda n, i=i: times.get(n, (None, None))[i]), utc=True) for i in (0, 1))

    def iso(when):
        return when.isoformat(timespec="microseconds") if pd.notna(when) else None

    frame["datetime_start"] = start.map(iso)
    if "datetime_complete" in frame:
        frame["datetime_complete"] = end.map(iso)
    if "duration" in frame:
        frame["duration"] = end - start
    return frame


def refuse_other_file(path, first: str = "number", what: str = "a study export") -> None:
    """Replace an existing file only when it is an earlier output of the same kind (a CSV
    whose header starts with ``first``: ``number`` for a study export, ``prediction`` for
    `hplab predict`'s) or empty: `--csv data.csv` wrote the trials over the study's own
    data file, and `--csv spec.toml` (or `predict --out spec.toml`) over its spec.

    Parameters
    ----------
    path : str or path
    first : str
        The first column of an output of that kind.
    what : str
        The kind, as the message names it.

    Raises
    ------
    StorageError
        ``path`` is another file.
    """
    import pandas as pd

    path = Path(path)
    if not path.is_file() or path.stat().st_size == 0:
        return
    try:  # compressed as its ending says, as the output would be written
        header = list(pd.read_csv(path, nrows=0).columns)
    except Exception:  # binary, unreadable, not a table: not an output of ours
        header = []
    if header[:1] != [first]:
        raise StorageError(f"{path} exists and is not {what}; write the CSV elsewhere (or "
                           "delete it first)")


def check_output_file(path, where=None, what: str = "the output") -> None:
    """Refuse to write a file over what a run cannot get back: a study storage (this
    study's, or any database or journal: a mistyped --csv wiped one), a saved model or a
    file of a training run's or a report's folder (`result_file`); and name a path that is
    empty or a folder, before any work.

    Parameters
    ----------
    path : str or path
    where : StorageURL, optional
        The study's storage, refused as well.
    what : str
        How the message names the file.

    Raises
    ------
    StorageError
    """
    if not str(path).strip():
        raise StorageError(f"{what} needs a file path, got {str(path)!r}")
    path = Path(path)
    if path.is_dir():
        raise StorageError(f"{path} is a folder; give a file path for {what}")
    if where is not None and where.path is not None and path.resolve() == where.path.resolve():
        raise StorageError(f"{path} is the study's storage; write {what} elsewhere")
    if path.is_file() and storage_kind(path):
        raise StorageError(f"{path} is a study storage (SQLite or journal); write {what} "
                           "elsewhere")
    # SQLite's side files hold committed trials until a checkpoint: they are the storage
    main, dash, side = path.name.rpartition("-")
    if dash and side in ("wal", "shm", "journal") and (path.parent / main).is_file() \
            and storage_kind(path.parent / main):
        raise StorageError(f"{path} is part of the study storage {path.parent / main}; "
                           f"write {what} elsewhere")
    if nets.is_model_file(path):
        raise StorageError(f"{path} is a saved hplab model; write {what} elsewhere")
    held = result_file(path)
    if held:  # a CSV over a run's report.html or config.json: the run lost it
        raise StorageError(f"{path} is a file of {held}; write {what} elsewhere")
