"""One training job from a dataset name to saved model, history and config.

``hplab train``, every study trial and the analyses share this path, so a run
is recorded the same way wherever it comes from (its files written by `_run_files`).
"""

from __future__ import annotations

import math
import numbers
import os
import time
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

import numpy as np

import data
import nets

from ._folders import foreign_run_file
from ._run_files import save_run_files
from ._train_advice import warn_if_eps_is_met_by_a_constant, warn_if_start_kept
from ._train_progress import _Progress

SNAPSHOTS_FOR_2D = 20  # parameter copies kept for the views of 2-feature data over training
# (a report shows 5: picked from 20, their epochs come near evenly spaced ones)


@dataclass
class TrainRun:
    """A finished training run and where its files are.

    Attributes
    ----------
    name : str
        The run's name in its files and report (the dataset's by default).
    dataset : data.Dataset
        The data it trained on, its test split scored.
    config : nets.TrainConfig
    net : nets.MLP
        The trained net.
    result : nets.TrainResult
        Its status, reason, epochs, iterations and history.
    seed : int or tuple
        The seed of the net's streams (a tuple: ``[s, k]``, trial ``k`` of a study seeded
        ``s``).
    command, cwd : str
        The command line that started it and the folder it ran in ("" without a command).
    out, model_path, history_path : Path or None
        The run's folder and its ``model.npz`` and ``history.csv``; None when nothing was
        written.
    started : str
        When training started, ISO 8601 in UTC.
    seconds : float
        Wall-clock seconds from the start to the test set scored (a dataset given by name:
        its loading too); the files' saving not counted.
    test_metrics : dict
        ``test_loss`` and ``test_accuracy`` (`test_metrics`).
    imbalance_strategy : str or None
        An imbalance-strategy trial's strategy (its pipeline's net); None otherwise.
    sampling_ratio : float or None
        That strategy's sampling ratio.
    trial_seed : tuple or None
        The trial's seed ``[s, k]`` the pipeline's ``seed`` was drawn from.
    """

    name: str
    dataset: data.Dataset
    config: nets.TrainConfig
    net: nets.MLP
    result: nets.TrainResult
    seed: int | tuple
    command: str = ""
    cwd: str = ""  # the folder the command ran in (its paths are as typed there)
    out: Path | None = None
    model_path: Path | None = None
    history_path: Path | None = None
    started: str = ""
    seconds: float = 0.0
    test_metrics: dict = field(default_factory=dict)
    # the net of an imbalance-strategy trial's pipeline (`pipeline_train_run`): what else
    # shaped its training, and the trial's seed [s, k] its ``seed`` (the pipeline's
    # random_state) was drawn from; config.json records them to retrain it
    imbalance_strategy: str | None = None
    sampling_ratio: float | None = None
    trial_seed: tuple | None = None

    def __repr__(self) -> str:
        # the dataclass repr printed its dataset's every array (coin: 670 lines, 32 KB), the
        # last line of many a notebook cell
        pipeline = ("" if self.imbalance_strategy is None else
                    f", imbalance_strategy={self.imbalance_strategy!r}")
        return (f"TrainRun(name={self.name!r}, dataset={self.dataset.name!r}, "
                f"net={self.net!r}{pipeline}, seed={self.seed!r}, "
                f"status={self.result.status!r}, epochs={self.result.epochs!r}, "
                f"out={self.out!r})")

    def test_errors(self) -> tuple[float, float]:
        """RMSE and MAE on the test set in the target's own units (NaN for classification),
        as ``hplab predict --dataset`` scores the saved model."""
        ds = self.dataset
        if ds.task != "regression":
            return math.nan, math.nan
        z = self.net.logits(ds.X_test).astype(np.float64)
        # in predict's order (both sides back to the target's units, then subtract), so
        # the figures agree to the last bit
        values = z * ds.y_scale + ds.y_shift
        err = values - ds.inverse_y(ds.y_test).reshape(values.shape)
        return nets.regression_errors(err)

    def test_r2(self) -> float:
        """R² on the test set (`nets.regression_r2`, as ``hplab predict --dataset`` scores
        the saved model; NaN for classification and where undefined)."""
        ds = self.dataset
        if ds.task != "regression":
            return math.nan
        return nets.net_r2(self.net, ds.X_test, ds.inverse_y(ds.y_test), ds.y_scale,
                           ds.y_shift)

    def summary(self) -> dict:
        """The JSON contract of ``hplab train --json`` (NaN, e.g. a regression's accuracy,
        as None: JSON has no NaN)."""
        r = self.result
        val = (r.final("val_loss"), r.final("val_accuracy"))
        train, resampled = (r.final("train_loss"), r.final("train_accuracy")), {}
        if self.imbalance_strategy is not None:  # a pipeline's net trains without val
            val = val_scores(self.net, self.dataset)  # what its trial recorded
            if nets.STRATEGIES[self.imbalance_strategy].sampler is not None:
                # its fit's scores are of the resampled rows: beside the test set's, a
                # user reads the gap, so train_* are the real training rows' (QA)
                resampled = dict(zip(("resampled_train_loss", "resampled_train_accuracy"),
                                     train, strict=True))
                train = nets.evaluate(self.net, self.dataset.X_train, self.dataset.y_train)
        summary = {
            "name": self.name,
            "dataset": self.dataset.name,
            "status": r.status,
            "reason": r.reason,
            "epochs": nets.finite_count(r.epochs),  # 2000, not 2000.0 beside the iterations
            "iterations": r.iterations,
            "train_loss": train[0],
            "train_accuracy": train[1],
            **resampled,
            "val_loss": val[0],
            "val_accuracy": val[1],
            "test_loss": self.test_metrics.get("test_loss", float("nan")),
            "test_accuracy": self.test_metrics.get("test_accuracy", float("nan")),
            # the losses are half the MSE of the scaled target: these are in its own units
            **dict(zip(("test_rmse", "test_mae"), self.test_errors(), strict=True)),
            "test_r2": self.test_r2(),  # 0: no better than the mean of the targets
            "seconds": self.seconds,
            "n_parameters": self.net.n_parameters,
            "seed": self.seed,
            # the data's own (`--data-seed`): the split, and a generated set's points
            "data_seed": self.dataset.info.get("seed"),
            **({"imbalance_strategy": self.imbalance_strategy,
                "sampling_ratio": self.sampling_ratio, "trial_seed": self.trial_seed}
               if self.imbalance_strategy is not None else {}),
            "model_path": str(self.model_path) if self.model_path else None,
            "history_path": str(self.history_path) if self.history_path else None,
        }
        return {k: None if isinstance(v, float) and not math.isfinite(v) else v
                for k, v in summary.items()}


def test_metrics(net: nets.MLP, ds: data.Dataset) -> dict:
    """Loss and accuracy on the test set (used once, at the end).

    Parameters
    ----------
    net : nets.MLP
        The trained net.
    ds : data.Dataset
        Its data; the test split is scored.
    """
    loss, accuracy = nets.evaluate(net, ds.X_test, ds.y_test)
    return {"test_loss": loss, "test_accuracy": accuracy}


def val_scores(net: nets.MLP, ds: data.Dataset) -> tuple[float, float]:
    """Loss and accuracy of the final net on the validation set (after any restore)."""
    return nets.evaluate(net, ds.X_val, ds.y_val)


def refuse_foreign_out(out: Path) -> None:
    """ValueError for a run's ``out`` that would write over other results: a file, a study
    report's ``best_model/`` (beside its report.html and spec.toml; the study could then
    neither resume its report nor be retrained from it), or a folder holding another
    command's report (a report.html without a model.npz beside it), or a file named as a
    run's that hplab did not write (`foreign_run_file`). A training run's own folder is
    replaced, with its report (`save_run_files`), as `hplab train --out` replaces it."""
    if out.exists() and not out.is_dir():
        raise ValueError(f"out {out} is a file; give a folder")
    if out.name == "best_model" and (out.parent / "report.html").is_file() and (
            out.parent / "spec.toml").is_file():
        raise ValueError(f"out {out} is the best model of a study's report; give another "
                         "folder")
    if (out / "report.html").is_file() and not (out / "model.npz").is_file():
        raise ValueError(f"out {out} holds another command's report; give another folder")
    if foreign := foreign_run_file(out):  # the run's files would replace it
        raise ValueError(f"out {out} holds a {foreign} hplab did not write; give another "
                         "folder")
    if nets.is_report_page(out / "report.html"):  # the earlier run's, removed at the end
        nets.check_report_removable(out)


def train_run(dataset, cfg: nets.TrainConfig, *, seed=0, out=None, name: str | None = None,
              command: str = "", progress: bool = False, callbacks=(),
              data_seed: int | None = None, advice: bool = True) -> TrainRun:
    """Load (or take) a dataset, train a net on it, score the test set, save the files.

    Parameters
    ----------
    dataset : str or data.Dataset
    cfg : nets.TrainConfig
    seed : int or sequence of int
        Seeds the net's streams (``SeedSequence(seed)``). An int also seeds the data split
        unless ``data_seed`` is given, a sequence its first entry: ``[s, k]`` retrains trial
        ``k`` of a study seeded ``s`` on the study's split.
    out : path, optional
        Folder for ``model.npz``, ``history.csv`` and ``config.json``; nothing written if None.
        A folder of another command's results is refused (ValueError); an earlier run's
        there is replaced, its report removed (it described the earlier model).
    name : str, optional
        The run's name in its files and report (default: the dataset's).
    command : str
        The command line that started it, saved in ``config.json`` to reproduce it.
    progress : bool
        Print a line at each checkpoint.
    callbacks : sequence of nets.Callback
        Called during training as ``nets.train`` calls them (e.g. to stop early).
    data_seed : int, optional
        Seeds the data split instead of ``seed`` (a capacity sweep's nets share one).
    advice : bool
        Warn before training when ``cfg.init`` starts units alike
        (`nets.warn_if_units_start_alike`) or ``cfg.eps`` is met by a constant prediction
        (`warn_if_eps_is_met_by_a_constant`), and after it when early stopping kept the
        starting weights (`warn_if_start_kept`); a study's trials do not, one by one.

    Returns
    -------
    TrainRun
        The net, its ``result`` (a `nets.TrainResult`), ``test_metrics`` and, with
        ``out``, ``model_path`` and ``history_path``.
    """
    nets.check_type("cfg", cfg, nets.TrainConfig, "a nets.TrainConfig")
    nets.check_dataset(dataset, name="dataset", or_name=True)  # a bad name: data.load says
    # 1.5 or None failed as "'float' object is not iterable", True ran as seed 1
    nets.check_seed(seed)
    callbacks = list(nets.check_callbacks(callbacks))  # 5: "'int' object is not iterable"
    nets.check_type("name", name, str | None, "a str (or None)")  # 5 went into config.json
    if out is not None:
        refuse_foreign_out(Path(out))
    started = datetime.now(timezone.utc).isoformat(timespec="seconds")
    t0 = time.perf_counter()
    # np.int64(5) is a seed like 5 (the data split and the JSON of config.json need ints)
    seed = int(seed) if isinstance(seed, numbers.Integral) else tuple(
        int(s) if isinstance(s, numbers.Integral) else s for s in seed)
    if isinstance(dataset, str):
        ds_seed = data_seed if data_seed is not None else (
            seed if isinstance(seed, int) else seed[0] if seed else 0)
        dataset = data.load(dataset, seed=ds_seed)
    if advice:
        nets.warn_if_units_start_alike(cfg)
        warn_if_eps_is_met_by_a_constant(cfg, dataset)
    net, loop_rng = nets.seeded_net(cfg, dataset, seed)
    nets.release_warnings()  # the training starts: a command's held warnings, bar or not
    if progress:
        callbacks.append(_Progress(cfg.max_epochs))
    has_val = len(dataset.X_val) > 0  # data.load(val_fraction=0): train on the loss alone
    try:
        result = nets.train(net, cfg, dataset.X_train, dataset.y_train,
                            dataset.X_val if has_val else None,
                            dataset.y_val if has_val else None, rng=loop_rng,
                            callbacks=callbacks,
                            snapshots=SNAPSHOTS_FOR_2D if dataset.n_features == 2 else 0)
    finally:  # Ctrl-C too: the bar is cleared before "hplab: interrupted" is printed
        for cb in callbacks:
            if isinstance(cb, _Progress):
                cb.close()
    run = TrainRun(name=name or dataset.name, dataset=dataset, config=cfg, net=net,
                   result=result, seed=seed, command=command,
                   cwd=os.getcwd() if command else "", started=started,
                   test_metrics=test_metrics(net, dataset))
    run.seconds = time.perf_counter() - t0  # before saving: config.json records it
    if advice:  # `hplab train` said it, a script's train_run did not (QA session 71)
        warn_if_start_kept(run)
    if out is not None:
        save_run_files(run, Path(out))
    return run
