"""A stored study's trials as a CSV (``hplab study export``); the checks of its output
file are `study._output_file`'s.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING

import optuna

import nets

from ._errors import StorageError
from ._export_pareto import add_pareto, front_numbers
from ._open_study import open_study_storage
from ._output_file import check_output_file, refuse_other_file
from ._points import queued_counts, queued_point
from ._record import CREATED_ATTR, flat_layout, hplab_record, other_attrs, trial_info
from ._spec_study_table import study_default
from ._stop_reason import retries_of, stop_reason
from ._storage import release
from ._storage_errors import storage_errors
from ._summary import _study_table, keeps_heartbeats, value_names
from ._trial_times import trial_times
from ._worker import quiet_optuna

if TYPE_CHECKING:
    import pandas as pd


def export_csv(name: str, path: str | Path, storage: str | os.PathLike[str] | None = None) -> Path:
    """Every trial as one CSV row (`export_study`, whose other keys are left out).

    Parameters
    ----------
    name : str
    path : str or path
    storage : str or path, optional
        As `export_study` takes them.

    Returns
    -------
    Path
        The file written (``Path("-")`` for standard output).
    """
    return Path(export_study(name, path, storage)["csv_path"])


def export_study(name: str, path: str | Path,
                 storage: str | os.PathLike[str] | None = None) -> dict:
    """Every trial as one CSV row: number, state, values, params, summary attributes;
    ``hplab study export``.

    Times are UTC, with their offset (``2026-11-01T09:00:00.000000+00:00``): the same
    from every machine, and durations right across a daylight-saving change.

    The stored record is spread into ``user_attrs_<key>`` columns (``user_attrs_status``,
    ``user_attrs_epochs``..., ``user_attrs_imbalance_metrics_val_pr_auc`` for nested
    ones); the per-trial history lists stay out (they are in the storage and the report).
    ``queued_point``: the point queued by hand (`queued_point`) a trial ran or waits to
    run, as ``--point`` takes it (``lr=0.5,width=3``), empty for the sampler's and for
    retries. ``pareto`` (several objectives only, after the values): whether a complete
    trial is on the Pareto front, empty for the others. The last column, ``reason``, says
    why a pruned or failed trial stopped, as the report's table does (`stop_reason`: also
    for a trial whose worker was killed, which recorded none).

    Parameters
    ----------
    name : str
        The stored study.
    path : str or path
        The CSV file written; ``"-"``: standard output (on a terminal, its control
        characters escaped: ``\\x1b``). Compressed as its ending says
        (``.gz``, ``.zip``, ``.tar.gz``...; ``.tgz`` is refused). An existing file is
        replaced only when it is an earlier export or empty; the storage itself is refused.
    storage : str or path, optional
        Any storage form `resolve_storage` takes (default `DEFAULT_STORAGE`).

    Returns
    -------
    dict
        ``study``, ``csv_path`` (``"-"`` for standard output), and as the study's summary
        has them (`queued_counts`) ``queued_trials`` and ``n_queued_waiting``, and
        ``sampler`` (the stored spec's, None without one).
    """
    import pandas as pd  # here: `study show` and the workers need no table

    study, where, store = open_study_storage(name, storage)
    to_stdout = str(path) == "-"
    try:
        if not to_stdout:
            check_output_file(path, where, "the CSV")
            nets.check_csv_name(path)  # before reading the trials: a .tgz is refused
            try:  # a read-only folder: said before the export is built, not after
                nets.check_writable(path, file=True, instead="write the CSV elsewhere")
            except ValueError as exc:
                raise StorageError(str(exc)) from None
            refuse_other_file(path)
        with storage_errors(where), quiet_optuna():
            trials = study.get_trials(deepcopy=False)
            frame = study.trials_dataframe(multi_index=False)
            attrs = study.user_attrs
            flat = flat_layout(attrs.get(CREATED_ATTR))
            table = _study_table(attrs)
            # optuna heads the values by study.metric_names: another client's, maybe
            frame = frame.rename(columns=_value_columns(study, table))
            heartbeats = keeps_heartbeats(study)
            front = front_numbers(study)  # several objectives: the report's pareto too
    finally:
        release(store)
    again = retries_of(trials)
    max_retry = table.get("max_retry", study_default("max_retry"))
    reasons = [stop_reason(t, again.get(t.number), heartbeats=heartbeats,
                           max_retry=max_retry, flat=flat) for t in trials]
    # nested dicts (imbalance_metrics) become columns of their own: key_subkey
    info = pd.json_normalize([_export_attrs(t, flat) for t in trials],
                             sep="_").add_prefix("user_attrs_")
    # merged by number: a worker may add a trial between the two reads
    info.insert(0, "number", [t.number for t in trials])
    # which trials ran the user's points (QA: the report named them, the export did not)
    info["queued_point"] = [_point_text(queued_point(t)) for t in trials]
    info["reason"] = reasons
    frame = frame.drop(columns=[c for c in frame.columns if c.startswith("user_attrs_")])
    if "number" not in frame:  # no trial yet: optuna's frame has no columns at all
        frame = pd.DataFrame({"number": pd.Series(dtype=int)})
    frame = frame.merge(info, on="number", how="left")
    frame = add_pareto(_utc_times(frame, trials), trials, front)
    # whole numbers stay whole where some trials lack the parameter (width_1 of a depth-1
    # trial): pandas made the column float, 3.0. Only where every value is whole: another
    # program's trial may store the name as a float (2.5) or a choice (a journal takes it)
    ints = {n for t in trials for n, d in t.distributions.items()
            if isinstance(d, optuna.distributions.IntDistribution)}
    for name in ints:
        column = frame.get(f"params_{name}")
        if column is not None and _whole_numbers(column):
            frame[f"params_{name}"] = pd.to_numeric(column).astype("Int64")
    # the record's counts as counted (QA: user_attrs_epochs 30.0): each whole one an int, a
    # fraction of an epoch a float. Here, not in the records, which are read back as stored.
    # So are the metrics that count (QA: values_n_parameters 45.0): optuna stores floats
    counted = [f"{head}{m}" for head in ("value_", "values_") for m in _COUNT_METRICS]
    for name in ("user_attrs_epochs", "user_attrs_iterations", "user_attrs_n_parameters",
                 *counted):
        column = frame.get(name)
        if column is not None and pd.api.types.is_numeric_dtype(column):
            frame[name] = nets.count_column(column)
    drop = [c for c in frame.columns if c.startswith("system_attrs_")]
    frame = frame[[*frame.columns.drop("reason"), "reason"]]  # long text: last
    said = {"study": study.study_name, "csv_path": "-", **queued_counts(trials),
            "sampler": table.get("sampler", study_default("sampler")) if table else None}
    if to_stdout:  # `--csv -`: the table on standard output (a terminal's escaped)
        nets.print_csv(frame.drop(columns=drop))
        return said
    frame = frame.drop(columns=drop)
    # renamed in whole: an interrupted re-export keeps the earlier CSV
    return {**said, "csv_path": str(nets.write_csv(Path(path), frame))}


def _point_text(point: dict | None) -> str | None:
    """``point`` as ``--point`` takes it (``lr=0.5,width=3``: every digit of a rate kept,
    where the lines' ``point_words`` rounds); None for no point."""
    if point is None:
        return None
    return ",".join(f"{k}={str(v).lower() if isinstance(v, bool) else v}"
                    for k, v in point.items())


#: The metrics (`METRICS`) that count: a whole one exported as an int
_COUNT_METRICS = ("n_parameters", "epochs")


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
    its history, beside other programs' attributes (their own ``history`` too); one named
    as a key of the trial's record (``enqueue_trial(..., user_attrs={"status": ...})``)
    as ``own_<name>``, where the record's value would hide it."""
    record = hplab_record(trial)
    if record is None and flat:  # an earlier layout: every attribute is hplab's, and
        # 2026-11-28's claim + record are one record (QA session 77: claim_worker columns)
        return {k: v for k, v in trial_info(trial, flat=True).items() if k != "history"}
    record = {k: v for k, v in (record or {}).items() if k != "history"}
    others = other_attrs(trial)
    taken = set(_column_names(record))  # as spread: a nested {"val": {"loss"}} is val_loss
    out = {}
    for key, value in others.items():
        name = key
        while taken.intersection(_column_names({name: value})) or (
                name != key and name in others):
            name = f"own_{name}"
        out[name] = value
    return {**out, **record}


def _column_names(attrs: dict, head: str = ""):
    """The names ``attrs`` spreads into (`export_csv`'s ``json_normalize``, ``sep="_"``)."""
    for key, value in attrs.items():
        if isinstance(value, dict) and value:
            yield from _column_names(value, f"{head}{key}_")
        else:
            yield f"{head}{key}"


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
