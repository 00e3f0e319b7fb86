"""A training run's files: model.npz, history.csv and config.json, and the record of where
its numbers came from that every saved run's config.json holds (an analysis's too)."""

from __future__ import annotations

import dataclasses
import os
from pathlib import Path
from typing import TYPE_CHECKING

import data
import nets

from ._held_interrupts import HeldInterrupts

if TYPE_CHECKING:
    from ._train_run import TrainRun


def save_run_files(run: TrainRun, out: Path, *, final: Path | None = None,
                   extra: dict | None = None) -> None:
    """Write the model (with its input scaling), the history CSV and the config JSON.

    All three are staged first (`stage_run_files`), then renamed in with Ctrl-C held: an
    interrupt leaves the earlier run whole, or the new one. An earlier run's report in
    ``out`` goes with its files (`nets.remove_report_files`, as ``hplab train`` removes
    it): it described a model no longer there. The index that listed it drops it at the
    next report written under it (`reports.write_index` at once).

    Parameters
    ----------
    run, out, final, extra
        As `stage_run_files` takes them.
    """
    staged = stage_run_files(run, out, final=final, extra=extra)
    try:
        with HeldInterrupts():  # Ctrl-C (or SIGTERM) waits for the three renames
            if nets.is_report_page(out / "report.html"):
                nets.remove_report_files(out)
            for path, tmp in staged.items():
                os.replace(tmp, path)
    finally:
        for tmp in staged.values():
            tmp.unlink(missing_ok=True)
    set_run_paths(run, out if final is None else Path(final))


def set_run_paths(run: TrainRun, folder: Path) -> None:
    """Point ``run`` at its files in ``folder`` (`save_run_files`' names).

    Parameters
    ----------
    run : TrainRun
        Its ``out``, ``model_path`` and ``history_path`` are set.
    folder : pathlib.Path
    """
    run.model_path, run.history_path = folder / "model.npz", folder / "history.csv"
    run.out = folder


def stage_run_files(run: TrainRun, out: Path, *, final: Path | None = None,
                    extra: dict | None = None) -> dict[Path, Path]:
    """`save_run_files`' three files, each written beside its name in ``out``, not renamed
    in: {its path: the staged file}. The caller renames them in (with Ctrl-C held, as
    ``hplab train`` does with its report) or deletes them; ``run`` is left as it was.

    Parameters
    ----------
    run : TrainRun
    out : Path
        The folder written into.
    final : Path, optional
        The folder the caller moves ``out`` to afterwards (a staged folder), which the run
        and config.json record as the files' place; default ``out``.
    extra : dict, optional
        More keys for config.json (a report's best model: ``study``, the trial it retrains).
    """
    out.mkdir(parents=True, exist_ok=True)
    final = out if final is None else Path(final)
    ds = run.dataset
    config = run.config.to_dict()
    record = run_record(ds.name, ds.summary(), ds.fingerprint(), command=run.command,
                        cwd=run.cwd, config=config)
    dataset, fingerprint, versions = (record[k] for k in ("dataset", "data_fingerprint",
                                                         "versions"))
    meta = {"name": run.name, "dataset": dataset, "task": ds.task,
            "seed": run.seed, "data_seed": ds.info.get("seed"),
            # `predict MODEL --dataset` tells a changed file from the data trained on
            "data_fingerprint": fingerprint,
            "classes": [c.item() if hasattr(c, "item") else c for c in ds.classes],
            "feature_names": list(ds.feature_names),
            "named_features": bool(ds.info.get("named_features")), "command": run.command,
            "cwd": run.cwd, "versions": versions,
            "y_shift": float(ds.y_shift), "y_scale": float(ds.y_scale)}
    paths = {"model_path": final / "model.npz", "history_path": final / "history.csv"}
    # the paths as they will be once the files are in place (the run gets them after),
    # absolute as the dataset's: the record is read from other folders too
    summary = {**run.summary(), "dataset": dataset,
               **{k: os.path.abspath(v) for k, v in paths.items()}, "config": config,
               **{k: v for k, v in record.items() if k != "dataset"}, **(extra or {})}
    writers = {
        "model.npz": lambda tmp: nets.save_net(
            tmp, run.net, config=config, meta=meta,
            arrays={"x_shift": ds.x_shift, "x_scale": ds.x_scale}),
        "history.csv": lambda tmp: nets.frame_csv(_history_rows(run.result), tmp),
        # an infinite setting as "inf" (the scores' NaN are None already): standard JSON
        "config.json": lambda tmp: tmp.write_text(nets.json_file_text(
            nets.settings_to_json(summary), indent=2, allow_nan=False, default=_plain),
            "utf-8"),
    }

    staged = {}
    try:
        for name, write in writers.items():
            staged[out / name] = nets.stage_file(out / name, write)
    except BaseException:  # Ctrl-C too: none is left behind
        for tmp in staged.values():
            tmp.unlink(missing_ok=True)
        raise
    return staged


def _history_rows(result: nets.TrainResult):
    """The history as history.csv holds it: each epoch whole where it is (1, not 1.0; 0.5
    where checkpoints fall inside an epoch), as the summary says the run's."""
    return result.history.assign(epoch=nets.count_column(result.history["epoch"]))


def run_record(dataset: str, data_summary: dict | None, fingerprint, *, command: str = "",
               cwd: str = "", config: dict | None = None) -> dict:
    """What every saved run's config.json records of where its numbers came from: a
    training run's (`save_run_files`) and an analysis's (``reports``' writers).

    Parameters
    ----------
    dataset : str
        The data's name as loaded; recorded with its paths absolute (``predict MODEL
        --dataset`` and a re-run find them from any folder).
    data_summary : dict or None
        ``Dataset.summary()`` of the data read (None: unknown, recorded as null).
    fingerprint : str, list or None
        ``Dataset.fingerprint()``: a file may change under its name.
    command, cwd : str
        The command line and the folder it ran in (empty from Python).
    config : dict, optional
        The settings its nets trained with (`nets.TrainConfig.to_dict`, or a
        ``NetClassifier``'s params), for ``resolved``.

    Returns
    -------
    dict
        ``dataset, resolved, data_fingerprint, dataset_info, command, cwd, versions,
        blas``: ``resolved`` what each None of ``config`` left to the optimizer stood for
        (`nets.own_defaults`: a later version's other defaults would re-run config with
        other values) and, for ``head`` "auto", the head the data's task chose
        (``"binary"``), ``blas`` the BLAS threads multiplied with (another count changes a
        wide net's last bits).
    """
    name = data.absolute_name(dataset)
    config = config or {}
    nets.warn_replaced_built_ins(config)  # what the record names is not what ran
    resolved = nets.own_defaults(config.get("optimizer"), config)
    task = (data_summary or {}).get("task")
    if config.get("head") == "auto" and task in nets.HEADS:  # nets.train's rule: the task's
        resolved["head"] = task
    return {"dataset": name, "resolved": resolved,
            "data_fingerprint": fingerprint,
            "dataset_info": None if data_summary is None else _dataset_info(data_summary, name),
            "command": command, "cwd": cwd, "versions": nets.versions(),
            "blas": nets.blas_threads()}


def _dataset_info(summary: dict, dataset: str) -> dict:
    """A ``Dataset.summary()`` with its name and file paths absolute (``path``, ``files``,
    an IDX ``folder``), the path's escapes read back (``d%2C1.csv`` is the file
    ``/home/me/d,1.csv``; a test file: ``test_path``)."""
    info = dict(summary["info"])
    try:
        paths = [str(p.resolve()) for p in data.source_paths(dataset)]
    except data.DataError:  # a hand-built Dataset's name is no name to load
        paths = []
    if paths and "path" in info:
        info["path"] = paths[0]
        if len(paths) > 1:
            info["test_path"] = paths[1]
        # the files read, as the path beside them (they were as typed: csv/d.csv)
        if isinstance(info.get("files"), list) and len(info["files"]) == len(paths):
            info["files"] = paths
        if "folder" in info:  # an IDX folder's (its files are named in it)
            info["folder"] = paths[0]
    return {**summary, "name": dataset, "info": info}


def _plain(obj):
    if hasattr(obj, "item"):
        return obj.item()
    if dataclasses.is_dataclass(obj):
        return dataclasses.asdict(obj)
    return str(obj)
