"""The machine-readable record an analysis's report folder holds beside report.html.

``config.json``: every setting of the run as used (the analysis function's keyword
arguments), the data (its name with paths absolute, fingerprint and description), the
command and folder it ran in, the libraries' versions, the BLAS threads and ``resolved``
(what the optimizer settings left None stood for), as a training run's config.json records
them (`study.run_record`, one builder for both); an infinite setting as ``"inf"``.
``result.json``: the object ``hplab COMMAND --json`` prints. The report writes both with
its own files, staged and renamed at once: the three always come from one run.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

import nets

#: The analysis function each analysis's report is of (its ``kind``, the command)
ANALYSES = {"capacity": "capacity_sweep", "imbalance": "imbalance_benchmark",
            "lr-range": "lr_range_test", "scaling": "scaling_study"}
#: The record files, and the key each must hold to be hplab's (another is not replaced)
RECORD_KEYS = {"config.json": ("kind", "settings"), "result.json": ("report_path",)}


def provenance_params(result, shown: Mapping | None = None, drop=()) -> dict:
    """The provenance table's settings: ``result.settings`` (what config.json records),
    its ``config`` spread first, then ``shown``'s display forms of some of them (the seeds
    as `design.seeds_text` words them), without ``drop`` (a config's setting every run
    replaced). A hand-built result without settings: its ``config``."""
    settings = dict(result.settings) or {"config": getattr(result, "config", {})}
    config = settings.pop("config", None) or {}
    params = {**config, **settings, **(shown or {})}
    return {k: v for k, v in params.items() if k not in drop}


def data_seed_words(result) -> str:
    """`` (data seed S)`` where an analysis's data was split with another seed than its
    ``seed`` (its settings' ``data_seed``), as a training report's subtitle says it; ``""``
    else."""
    data_seed = (getattr(result, "settings", None) or {}).get("data_seed")
    return "" if data_seed is None else f" (data seed {int(data_seed)})"


def result_task(result) -> str | None:
    """The task (``"regression"``, ``"classification"``) of the data an analysis ``result``
    ran on: its ``task``, else its data record's; None for a hand-built result of neither."""
    record = getattr(result, "data_record", None) or {}
    return getattr(result, "task", None) or (record.get("summary") or {}).get("task")


def analysis_records(result, kind: str, out: Path | str, *, command: str = "") -> dict:
    """``{"config.json": ..., "result.json": ...}`` of an analysis ``result`` whose report
    (of ``kind``, its command) goes to ``out``: JSON-plain, config.json's non-finite
    settings as ``"inf"`` (`nets.settings_to_json`), result.json's NaN as None.

    ``result.json`` is ``result.summary()`` with ``report_path`` (``out/report.html``) and
    ``report_error`` (None: it is written with the report), as ``--json`` prints it.
    """
    import nets
    import study  # here: study imports optuna

    record, settings = result.data_record or {}, result.settings
    # the nets' settings: a TrainConfig's dict, or the imbalance pipelines' NetClassifier's
    net = settings.get("config") or (nets.NetClassifier(**settings["net_params"]).get_params()
                                     if "net_params" in settings else None)
    run = study.run_record(result.dataset, record.get("summary"), record.get("fingerprint"),
                           command=command, cwd=os.getcwd() if command else "", config=net)
    config = {"kind": kind, "analysis": f"analyses.{ANALYSES[kind]}",
              "dataset": run.pop("dataset"), "seed": settings.get("seed"),
              "data_seed": record.get("data_seed"), "settings": settings, **run}
    summary = {**result.summary(), "report_path": str(Path(out) / "report.html"),
               "report_error": None}
    return {"config.json": nets.settings_to_json(config),
            "result.json": nets.finite_or_none(summary)}


def record_text(obj) -> str:
    """``obj`` as the JSON a record file holds (strict: no NaN)."""
    # default str: a Path (a Dask client given as the scheduler is kept as its address)
    return nets.json_file_text(obj, indent=2, allow_nan=False, default=str) + "\n"


def foreign_record(out: Path, kind: str) -> str | None:
    """The first record file in ``out`` that is not an hplab ``kind`` analysis's (the
    user's notes in config.json, another command's), which a report there would replace;
    None when there is none."""
    for name, keys in RECORD_KEYS.items():
        path = Path(out) / name
        if not os.path.lexists(path):
            continue
        try:
            record = nets.read_json_file(path)
        except PermissionError:
            raise ValueError(f"cannot read {path} (Permission denied)") from None
        except (OSError, ValueError):  # a folder, a pipe, bad UTF-8 or JSON: not ours
            return f"a {name} hplab did not write"
        if name == "config.json" and isinstance(record, dict) and \
                {"config", "model_path"} <= record.keys():
            return "a training run"
        if not (isinstance(record, dict) and set(keys) <= record.keys()):
            return f"a {name} hplab did not write"
        if name == "config.json" and record["kind"] != kind:
            return f"the config.json of hplab {record['kind']}"
    return None
