"""An imbalance strategy's trial: its imbalanced-learn pipeline fitted on the training split
and scored on the untouched validation split (`Objective`'s base)."""

from __future__ import annotations

import math

import optuna

from nets import finite_float

from ._pipeline_run import fit_pipeline, pipeline_metrics, pipeline_seed
from ._registry import IMBALANCE_METRICS
from ._run_record import compress_history


class _PipelineTrial:
    """`Objective`'s trial of an imbalance strategy (its ``spec``, ``dataset``, ``_values``
    and ``_write_record`` are the objective's)."""

    def _run_pipeline(self, trial: optuna.Trial, cfg, strategy: str, ratio):
        """One trial of an imbalance strategy: its pipeline, fitted on training data only."""
        spec, ds = self.spec, self.dataset
        # a sampler may fail on the data: an error of this trial
        pipe, seconds = fit_pipeline(ds, cfg, strategy, ratio,
                                     pipeline_seed(spec.seed, trial.number))
        model = pipe.named_steps["model"]
        net = getattr(model, "net_", None)  # None for the anomaly-detection baseline
        known = pipeline_metrics(ds, pipe, seconds)
        status = getattr(model, "status_", "converged")
        record = {"status": status, "reason": getattr(model, "reason_", ""),
                  "seconds": finite_float(seconds),
                  "imbalance_metrics": _finite_dict(
                      {k: known[k] for k in (*IMBALANCE_METRICS, "val_accuracy")}),
                  "val_accuracy": finite_float(known["val_accuracy"])}
        if net is not None:
            record.update({"epochs": finite_float(model.n_iter_), "iterations": int(model.t_),
                           "n_parameters": int(net.n_parameters),
                           "val_loss": finite_float(known["val_loss"]),
                           "train_loss": finite_float(model.loss_), "hidden": list(cfg.hidden),
                           "history": compress_history(model.result_)})
        if status == "diverged":
            self._write_record(trial, record)
            raise optuna.TrialPruned("training diverged")
        return self._values(trial, record, [float(known.get(m, math.nan)) for m in spec.metrics])


def _finite_dict(scores: dict) -> dict:
    return {k: finite_float(v) for k, v in scores.items()}
