"""A training run's record as today's ``hplab train`` writes it, where an older hplab wrote
it otherwise (``report compare`` sets runs of several versions side by side)."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

import nets

#: The record's scores of the weights a run kept (those of its last checkpoint before
#: early stopping put its best weights back, in records of hplab before 2026-11-29).
_KEPT_SCORES = ("val_loss", "val_accuracy", "train_loss", "train_accuracy")
#: The settings a config leaves None for the optimizer's own value, which older hplab
#: wrote out
_OWN = ("rho", "opt_eps")


def as_written_today(record: dict, history: pd.DataFrame) -> tuple[dict, int | None]:
    """``record`` (a run's ``config.json``) with what an older hplab left out or wrote
    otherwise, and the row of ``history`` its kept weights' scores were read off (None:
    none was).

    A setting added since (``l1``, ``dropout``, ``batch_norm``, ``lr_milestones``...) is
    its default, which is the setting off: the run trained without it; a ``rho`` or
    ``opt_eps`` written out as its optimizer's own value is None, as today. A record without
    ``data_seed`` split the data with the seed its ``dataset_info`` names (``--seed``,
    there being no ``--data-seed`` then). An early-stopped run's validation and training
    scores were its last checkpoint's, not those of the weights it kept: they are read off
    its history's kept checkpoint.
    """
    config = {**nets.TrainConfig().to_dict(), **record["config"]}
    if "resolved" not in record:  # before 2026-12-03: rho and opt_eps may be written out
        own = nets.own_defaults(config.get("optimizer"), dict.fromkeys(_OWN))
        # hplab before 2026-11-29 wrote 0.9 and 1e-08 for every optimizer, where today
        # None stands for the optimizer's own: one value, which showed as two
        config.update({k: None for k in _OWN if k in own and config.get(k) == own[k]})
    record = {**record, "config": config}
    info = record.get("dataset_info")
    seed = info.get("info", {}).get("seed") if isinstance(info, dict) and isinstance(
        info.get("info"), dict) else None
    if "data_seed" not in record and isinstance(seed, int) and not isinstance(seed, bool):
        record["data_seed"] = seed
    row = _kept_row(record, history)
    if row is None:
        return record, None
    for key in _KEPT_SCORES:
        if key in history:
            value = float(history[key].iloc[row])
            record[key] = value if math.isfinite(value) else None
    return record, row


def _kept_row(record: dict, history: pd.DataFrame) -> int | None:
    """The row of the checkpoint whose weights an early-stopped run kept, where its record
    gives the last checkpoint's validation loss instead (None: it does not)."""
    written = record.get("val_loss")
    if record.get("status") != "early_stopped" or not isinstance(written, int | float):
        return None
    val = history["val_loss"].to_numpy(float)
    delta = record["config"].get("min_delta")
    delta = float(delta) if isinstance(delta, int | float) else 0.0
    # as hplab then kept them: a checkpoint better by more than min_delta
    best, kept = math.inf, None
    for i, loss in enumerate(val):
        if np.isfinite(loss) and loss < best - delta:
            best, kept = loss, i
    if kept is None or kept == len(val) - 1 or not math.isclose(written, val[-1], rel_tol=1e-9) \
            or math.isclose(written, val[kept], rel_tol=1e-9):
        return None
    return kept


#: How a record without ``versions`` (hplab before it recorded them) names its code.
_UNRECORDED = "none recorded (an older hplab)"


def code_note(runs) -> str | None:
    """What sets apart the code that made ``runs`` (`ComparedRun` s): hplab's version and
    checkout (`nets.version_text_of`), then each library version or BLAS kernel recorded
    otherwise; None where every run names the same code, or none names any.

    Runs of every setting and seed alike that other code made can end apart in the last
    digits (QA: "the runs share every setting", their scores apart in the 7th digit).
    """
    recorded = [run.record.get("versions") for run in runs]
    recorded = [v if isinstance(v, dict) and v.get("hplab") else None for v in recorded]
    if all(v is None for v in recorded):
        return None  # nothing to tell them apart by
    rows = {"hplab": [_UNRECORDED if v is None else nets.version_text_of(
        str(v["hplab"]), v.get("hplab_checkout")) for v in recorded]}
    libraries = dict.fromkeys(k for v in recorded if v for k in v
                              if k not in ("hplab", "hplab_checkout"))
    for name in libraries:  # among the records that name them: an old one names none
        values = [None if v is None else str(v.get(name, "none")) for v in recorded]
        if len({x for x in values if x is not None}) > 1:
            rows[name] = values
    parts = []
    for name, values in rows.items():
        groups: dict[str, list[str]] = {}
        for run, value in zip(runs, values, strict=True):
            if value is not None:
                groups.setdefault(value, []).append(run.label)
        if len(groups) > 1:
            parts.append(f"{name} " + ", ".join(f"{value} for {', '.join(labels)}"
                                                for value, labels in groups.items()))
    if not parts:
        return None
    return ("other code made the runs (" + "; ".join(parts) + "): the same settings and "
            "seeds can end apart in the last digits of their scores")
