"""The training-run report: one trained net, its curves and the course's views."""

from __future__ import annotations

import dataclasses
import math
from functools import partial
from pathlib import Path

import numpy as np
import pandas as pd

import data
import nets

from . import _class_scores as cs, _training_data as td, _training_draw as tw
from ._check_result import check_result
from ._core import Report
from ._head_words import head_setting, head_text, regression_loss, target_scaled
from ._held_results import holds_another_run
from ._index import analysis_name
from ._paths import from_report
from ._r2_words import r2_reading, r2_value
from ._settings import regularisers_text, settings_line
from ._training_binary import add_positive_class
from ._training_captions import curves_note, history_caption
from ._training_predictions import add_fit, add_test_set
from ._training_stop import epochs_card, falling_text, kept_epoch, stop_detail, stop_reason
from ._training_views import add_decision_views, add_hidden_space
from ._use_model import add_use_model, unusable_weights
from .design import format_percent, format_seconds, format_value


def training_report(run, out_dir: Path | str, *, swap=None) -> Path:
    """Write the report of one training run and refresh the index above it.

    Parameters
    ----------
    run : study.TrainRun
        A finished run: dataset, config, trained net, result, test metrics.
    out_dir : path
        Folder for ``report.html`` and ``report_files/`` (usually the run's folder). One
        that holds another training run is refused (ValueError): the report would
        describe a model that is not the one beside it.
    swap : callable, optional
        Called with Ctrl-C held right before the report's files are renamed in
        (`Report.write`): ``hplab train`` moves the run's staged files in with them.

    Returns
    -------
    Path
        The written ``report.html``.
    """
    check_result(run, "study", "TrainRun", "train_run")
    if swap is None and holds_another_run(out_dir, run):  # hplab train's is swapped in
        raise ValueError(f"{nets.folder_text(out_dir)} holds another training run; write "
                         "the report elsewhere")
    ds, net, res = run.dataset, run.net, run.result
    classify = ds.task in ("binary", "multiclass")
    classes = [str(c) for c in ds.classes] if classify else []
    finite = all(np.isfinite(p).all() for p in net.folded())

    # a run named after its data is listed in the index as an analysis is: by its folder
    # where that is not named after the data (two runs of coin read "coin" twice)
    listed = analysis_name(run.name, out_dir, "train") if run.name == ds.name else run.name
    hist = td.history_frame(res.history)
    rep = Report("train", f"Training run: {run.name}", _headline(run, classify, finite),
                 name=listed, status=res.status, status_detail=stop_detail(run, hist),
                 subtitle=_subtitle(run))
    rep.add_section("Learning curves")
    schedule = run.config.schedule
    rep.add_figure("history", partial(tw.draw_history, eps=float(run.config.eps),
                                      lr_steps=nets.is_stepwise(schedule)), hist,
                   caption=history_caption(run, hist, schedule))
    if note := " ".join(t for t in (curves_note(run, hist), falling_text(run, hist)) if t):
        rep.add_text(note, note=True)
    kept = kept_epoch(res)
    rep.add_table(_final_numbers(run), name="final", title="Train, validation and test loss"
                  + " and accuracy" * classify, caption=(
        (f"Train and validation values are from the best checkpoint (epoch {kept:g}), "
         "whose weights early stopping put back; " if kept is not None else
         "Train and validation values are from the last checkpoint; ") +
        "the test set is scored once, after training"
        + (f" ({shared})." if (shared := td.training_test_set_note(ds)) else ".")
        + ("" if classify else f" Loss: {regression_loss(ds)}.") + td.clean_test_note(ds)))

    if not finite:
        rep.add_section("Predictions")
        rep.add_text("The trained weights are not finite numbers (training diverged), so "
                     "there are no predictions to show. Try a smaller learning rate.", note=True)
    elif classify:
        add_test_set(rep, net, ds, classes)
        if len(classes) == 2:  # what accuracy hides on imbalanced data, as predict gives it
            add_positive_class(rep, net, ds)
    else:
        add_fit(rep, net, ds)
        if reading := r2_reading(run.test_r2()):
            rep.add_text(reading, note=True)

    if finite and classify and ds.n_features == 2:
        add_decision_views(rep, run, classes)
        if net.activations:
            add_hidden_space(rep, run, classes)

    out_dir = Path(out_dir)
    if finite and run.model_path is not None:
        add_use_model(rep, run.model_path, ds.name, out_dir, n_features=ds.n_features,
                      task=ds.task, feature_names=ds.feature_names,
                      warning=unusable_weights(res))

    params = (run.config.to_dict() if hasattr(run.config, "to_dict")
              else dataclasses.asdict(run.config))
    params["head"] = head_setting(params.get("head"), net.head)
    rep.detail = settings_line(params)  # the index's line under the row's first card
    threads = _step_threads(net, ds, run.config)
    rep.set_provenance(
        # the data's path absolute, as the model records it; the command as typed, with
        # the folder it ran in (a run built by hand may have none), and the BLAS threads
        # a wide net's steps ran on: another count trains other last bits
        command=f"{nets.threads_setting(threads)} {run.command}" if threads and run.command
        else run.command, cwd=run.cwd, dataset=data.absolute_name(ds.name),
        seed=run.seed, params=params, date=run.started, seconds=run.seconds, task=ds.task,
        extra={"Data": _describe(ds), "Iterations": res.iterations,
               "Stop reason": stop_reason(run) or res.status,
               **({"BLAS threads": f"{threads}: this net's steps ran on them, and another "
                                   "count changes its weights' last bits"}
                  if threads else {}),
               "Model file": _saved_file(run.model_path, out_dir),
               "History file": _saved_file(run.history_path, out_dir)})
    return rep.write(out_dir, swap=swap)


def _step_threads(net, ds, config) -> int | None:
    """The BLAS threads a net's training steps ran on where it stepped on all of them
    (`nets.wide_steps`: a small net steps on one, whatever the count), else None. Read
    as config.json records them, right after the training."""
    batch_size = getattr(config, "batch_size", None)
    if not isinstance(batch_size, int) or not nets.wide_steps(
            net.sizes, nets.batch_rows(len(ds.X_train), batch_size)):
        return None
    return max((lib["threads"] for lib in nets.blas_threads()), default=None)


def _headline(run, classify: bool, finite: bool) -> dict:
    res, test = run.result, run.test_metrics
    head = {}
    if classify:
        ds = run.dataset
        # the index shows the first card: on imbalanced data accuracy is mostly the
        # majority share (98 % by never finding the positives), balanced accuracy (the mean
        # recall over the classes, two or more) is not
        if cs.is_imbalanced(ds.y_train, ds.n_classes):
            head["Test balanced accuracy"] = format_percent(
                cs.balanced_accuracy(ds, run.net.predict(ds.X_test)) if finite else math.nan)
        head["Test accuracy"] = format_percent(test.get("test_accuracy", math.nan))
        head["Test loss"] = test.get("test_loss", math.nan)
    else:
        # the RMSE is in the data's units, the loss is half the MSE of the scaled target:
        # side by side they look contradictory unless each card says which it is
        if finite:  # the MAE beside it, as --json gives both (test_mae)
            head["Test RMSE (original units)"], head["Test MAE (original units)"] = \
                _test_errors(run)
            # QA: RMSE and MAE never said a flat line at the mean was one (test_r2)
            head["Test R²"] = r2_value(run.test_r2())
        head["Test loss (½·MSE, scaled y)" if target_scaled(run.dataset)
             else "Test loss (½·MSE)"] = test.get("test_loss", math.nan)
    head["Epochs"] = epochs_card(res)
    head["Wall time"] = format_seconds(run.seconds)
    return head


def _test_errors(run) -> tuple[str, str]:
    """Test root-mean-square and mean absolute errors in the target's original units
    (finite for targets of 1e200 too: `nets.regression_errors`)."""
    ds = run.dataset
    pred = np.asarray(ds.inverse_y(np.asarray(run.net.predict(ds.X_test))), float).reshape(-1)
    true = np.asarray(ds.inverse_y(np.asarray(ds.y_test)), float).reshape(-1)
    rmse, mae = nets.regression_errors(pred - true)
    return format_value(rmse), format_value(mae)


def _subtitle(run) -> str:
    ds, net = run.dataset, run.net
    sizes = [w.shape[0] for w in net.weights] + [net.weights[-1].shape[1]]
    n_params = net.n_parameters
    acts = ", ".join(dict.fromkeys(net.activations)) or "no hidden layer"
    acts += ", batch norm" if net.batch_norm else ""
    # batch norm is said with the activations above
    penalties = regularisers_text({k: getattr(run.config, k) for k in (
        "l2", "l1", "weight_decay", "dropout", "optimizer")})
    # train --data-seed: the data drawn with another seed than the net's
    data_seed = ds.info.get("seed", run.seed)
    return (f"{ds.name} · {ds.task} · net {'-'.join(map(str, sizes))} ({acts}, "
            f"{head_text(net.head)}) · {n_params:,} parameters{penalties} · seed {run.seed}"
            + (f" (data seed {data_seed})" if data_seed != run.seed else ""))


def _final_numbers(run) -> pd.DataFrame:
    last = run.result.final_checkpoint()
    test = run.test_metrics
    frame = pd.DataFrame({
        "split": ["train", "validation", "test"],
        "loss": [last.get("train_loss", np.nan), last.get("val_loss", np.nan),
                 test.get("test_loss", np.nan)],
        "accuracy": [last.get("train_accuracy", np.nan), last.get("val_accuracy", np.nan),
                     test.get("test_accuracy", np.nan)],
    })
    if run.dataset.task == "regression":
        frame = frame.drop(columns="accuracy")
    return frame


def _describe(ds) -> str:
    """Task, features (named, and the CSV columns left out), classes and split sizes of
    the dataset in one line."""
    # named, so that an ID column taken for a feature shows (a wide set: the first few)
    listed = nets.first_names(ds.feature_names, 8, total=False,
                              quote_commas=True)
    parts = [ds.task, f"{ds.n_features} feature{'s' if ds.n_features != 1 else ''}"
             + (f" ({listed})" if listed else "")]
    ignored = ds.info.get("ignored")
    if ignored:
        parts.append(f"left out: {nets.first_names(ignored, len(ignored), quote_commas=True)}")
    if ds.classes:
        shown = ", ".join(str(c) for c in list(ds.classes)[:12])
        parts.append(f"classes {shown}{', ...' if len(ds.classes) > 12 else ''}")
    sizes = {"train": len(ds.y_train), "validation": len(ds.y_val), "test": len(ds.y_test)}
    parts.append(" / ".join(f"{k} {v:,}" for k, v in sizes.items()))
    return " · ".join(parts)


def _saved_file(path, out_dir: Path) -> str:
    """A file the run saved, named from the report's folder as its links are (one elsewhere
    was shown from the Python process's folder: models/coin/model.npz, not there from the
    report); "not saved" for none."""
    if path is None:  # a run trained without out=: nothing was saved
        return "not saved"
    return from_report(path, out_dir)
