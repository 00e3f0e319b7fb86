"""Shared helpers for the study benchmarks: spec variants, fresh storages, trial epochs."""

from __future__ import annotations

import json
import os
import platform
import time
from datetime import datetime, timezone

import optuna

import nets
import study
from study import quiet_optuna


def variant(spec_name: str, /, **overrides) -> study.StudySpec:
    """Ready spec ``spec_name`` with ``[study]`` keys replaced (validated like any spec).

    Another pruner or sampler drops the spec's options for the one it replaces.
    """
    spec = study.load_spec(spec_name)
    raw = json.loads(json.dumps(spec.raw))
    raw["study"].update(overrides)
    for table in ("pruner", "sampler"):
        if table in overrides and overrides[table] != spec.raw["study"].get(table):
            raw.pop(table, None)
    return study.parse_spec(raw, path=spec.path)


def trial_epochs(trial: optuna.trial.FrozenTrial, checkpoint: float) -> float:
    """Epochs a trial trained: its ``epochs`` user attribute, else its last reported step."""
    epochs = study.trial_info(trial).get("epochs")
    if epochs is not None:
        return float(epochs)
    steps = trial.intermediate_values
    return float(max(steps) * checkpoint) if steps else 0.0


def finished_trials(spec: study.StudySpec, storage_path: str) -> list:
    with quiet_optuna():
        storage = study.open_storage(study.resolve_storage(storage_path))
        return optuna.load_study(study_name=spec.name, storage=storage).get_trials(
            deepcopy=False)


def machine() -> dict:
    """Where and when: cores, load average (other users share the machine), date."""
    return {"date": datetime.now(timezone.utc).isoformat(timespec="minutes"),
            "cores": nets.cores(), "loadavg": [round(x, 2) for x in os.getloadavg()],
            "python": platform.python_version(), "optuna": optuna.__version__}


class Stopwatch:
    """Accumulated seconds of wrapped callables (one process, one thread)."""

    def __init__(self):
        self.seconds = 0.0
        self.calls = 0

    def wrap(self, fn):
        def timed(*args, **kwargs):
            t0 = time.perf_counter()
            try:
                return fn(*args, **kwargs)
            finally:
                self.seconds += time.perf_counter() - t0
                self.calls += 1

        timed.__wrapped__ = fn
        return timed
