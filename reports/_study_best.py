"""The study report's best trial: retrained as the trial ran, scored once on the test set.

A plain trial is retrained with its configuration and seed; an imbalance-strategy trial
through the same imbalanced-learn pipeline and seed, so the model shown and saved is the
one the trial scored.
"""

from __future__ import annotations

import math
import os
from dataclasses import dataclass
from functools import partial
from pathlib import Path

import numpy as np
import pandas as pd

from nets import (
    finite_or_none,
    is_stepwise,
    notice,
    version_text,
    version_text_of,
)

from . import _class_scores as cs, _training_data as td, _training_draw as tw
from ._head_words import target_scaled
from ._held_results import BEST_MODEL
from ._r2_words import r2_reading, r2_value
from ._training_captions import lr_caption
from ._training_predictions import add_fit, add_test_set
from ._training_views import add_decision_views
from ._use_model import add_use_model
from .design import format_value


@dataclass
class Retrained:
    """The best trial retrained (`retrain_best`), ready to be shown (`add_best`)."""

    number: int
    trial: object  # the stored optuna trial
    ds: object
    cfg: object
    run: object  # study.TrainRun, None for a strategy without a net
    again: dict  # the metrics the retrained run scored
    proba: object  # binary: positive-class scores on the test set, else None
    how: str  # how it was retrained, in words
    strategy: str | None


def numbered_trial(s, trials, number: int):
    """Finished trial ``number`` of study ``s`` from ``trials``, the study's list as read
    (all of its trials: a trial's number is its place), without a copy of every trial
    (``s.trials``: 0.5 s each at 3000 trials); read again where the list was read before
    that trial finished (a run adding trials meanwhile)."""
    if number < len(trials) and trials[number].number == number \
            and trials[number].state.is_finished():
        return trials[number]
    return s.get_trials(deepcopy=False)[number]  # the cached storage reads the changed ones


def retrain_best(spec, s, summary, best, out: Path, staged: Path, *, where,
                 command: str = "", progress: bool = False) -> Retrained:
    """Retrain the best trial ``best`` as it ran; its model is saved in ``staged``, a folder
    `swap_best_model` moves to ``out/best_model`` (the place the run records). Its
    config.json records ``command`` (the one writing the report) and the folder it ran in,
    and under ``study`` the study (``where``: its storage) and the trial retrained.
    ``progress``: say so on stderr, with a bar over a net's epochs."""
    import analyses
    import data
    import study as hs

    number = best.number
    if progress:  # QA: on MNIST, 15 s of silence after the trials' bar reached 100 %
        notice("reports", f"retraining trial #{number} for the report...")
    try:
        ds = data.load(spec.dataset, seed=spec.seed)
    except (OSError, data.DataError) as exc:  # another user's private file: whose, its mode
        raise ValueError(hs.load_failure_text(exc, spec.dataset)) from None
    cfg = hs.build_config(hs.searched_values(best.params, spec.fixed),
                          hs.fixed_for_data(spec.fixed, ds), spec.max_epochs)
    if differs := hs.data_differs(s, ds):  # another machine's file at the study's path
        raise ValueError(f"{differs}.")
    strategy = best.params.get("imbalance_strategy", spec.fixed.get("imbalance_strategy"))
    name = f"{spec.name}-best"
    if strategy is None:
        run = hs.train_run(ds, cfg, seed=[spec.seed, number], name=name, progress=progress,
                           advice=False)  # a trial's settings: the study's to warn of
        again = dict(zip(spec.metrics, hs.metric_values(run, spec.metrics), strict=True))
        proba = (hs.positive_scores(run.net.output(ds.X_test)) if ds.task == "binary"
                 else None)
        # QA: "seed [0, 6]" read as a Python list; the two numbers named
        how = (f"Retrained from its configuration, seeded by the study's seed {spec.seed} "
               f"and its trial number {number} (SeedSequence([{spec.seed}, {number}]))")
    else:
        ratio = best.params.get("sampling_ratio", spec.fixed.get("sampling_ratio"))
        pipe, run = hs.pipeline_train_run(ds, cfg, strategy, ratio, study_seed=spec.seed,
                                          number=number, name=name)
        again = hs.pipeline_metrics(ds, pipe, run.seconds if run is not None else math.nan)
        proba = pipe.predict_proba(ds.X_test)[:, 1]
        uses_ratio = analyses.STRATEGIES[analyses.resolve_strategies([strategy])[0]].uses_ratio
        # the ratio whole and the seed the pipeline took (not [s, k], which train_run reads
        # otherwise): config.json records the three, to retrain it (README)
        how = (f"Retrained through the trial's imbalanced-learn pipeline (strategy {strategy}"
               + (f", sampling ratio {float(ratio)!r}"
                  if ratio is not None and uses_ratio else "")
               + f") with its configuration and random_state "
               f"{hs.pipeline_seed(spec.seed, number)}, which study.pipeline_seed draws from "
               f"the study's seed {spec.seed} and the trial number {number} "
               f"(SeedSequence([{spec.seed}, {number}]))")
    if run is not None:
        # the folder its paths are relative to: none from Python (as `train_run`)
        run.command, run.cwd = command, os.getcwd() if command else ""
        hs.save_run_files(run, staged, final=out / BEST_MODEL,
                          extra={"study": _trial_record(spec, s, best, where)})
    return Retrained(number, best, ds, cfg, run, again, proba, how, strategy)


def _trial_record(spec, s, best, where) -> dict:
    """The study and trial a best model retrains, for its config.json: the trial's stored
    values by metric (its record alone is compared with them, without the storage)."""
    import study as hs

    # a --storage naming it from any folder: a file's path absolute, escaped as its URL
    # needs ("a?b.db"), a password masked
    return {"name": spec.name, "storage": where.absolute().masked,
            "created": s.user_attrs.get(hs.CREATED_ATTR), "trial": best.number,
            # the version that ran the trial, and its checkout where it recorded one
            # (``versions`` above: the ones retraining it)
            "hplab": hs.trial_version(best),
            **({"hplab_checkout": checkout} if (checkout := hs.trial_checkout(best)) else {}),
            "values": {m: finite_or_none(v)
                       for m, v in zip(spec.metrics, best.values, strict=True)}}


def best_balanced_accuracy(done: Retrained) -> float | None:
    """The retrained best trial's test balanced accuracy (`cs.balanced_accuracy`) on
    imbalanced classification data, None on other data: a pipeline's predictions at
    threshold 0.5, as its test scores are; NaN for a net whose weights are not finite."""
    ds = done.ds
    if not cs.is_imbalanced(ds.y_train, ds.n_classes):
        return None
    if done.strategy is not None:
        proba = np.asarray(done.proba, np.float64)
        return (cs.balanced_accuracy(ds, (proba >= 0.5).astype(np.int64))
                if np.isfinite(proba).all() else math.nan)
    net = done.run.net
    if not all(np.isfinite(p).all() for p in net.params):
        return math.nan
    return cs.balanced_accuracy(ds, net.predict(ds.X_test))


def add_outside_best(rep, number: int, best, *, why: str = "", copied: bool = False,
                     told: bool = False) -> None:
    """A best trial hplab did not run in this study (added by hand, or ``copied`` from
    another study: ``add_trials``), or whose end another program ``told`` while hplab ran
    it: how it trained, or how its value came about, is not known, and a retrain would
    guess (or train it with this study's spec and seed), so its parameters are shown and
    nothing is retrained. ``why``: how it was chosen, put first (several objectives)."""
    rep.add_section(f"Best trial: #{number}", _first(why) + (
        "It was copied from another study (its record names the study hplab ran it in), "
        "which trained it with that study's spec and seed" if copied else
        "It was ended by another program (optuna tell, or another Optuna client) while "
        "hplab trained it, and hplab dropped its own result: its value is that program's, "
        "not the training's" if told else
        "It was added to the study from outside hplab, with no record of how it trained")
        + ", so it is not retrained and no model is saved.")
    _add_params(rep, best)


def add_best(rep, spec, done: Retrained, out: Path, *, why: str = "",
             note: str | None = None) -> None:
    """Show the retrained best trial: its section, comparison, curves and test set.
    ``why``: how it was chosen, put first (several objectives); ``note``: one more note
    on the code that retrained it (other libraries than the trials')."""
    run, ds, cfg, best = done.run, done.ds, done.cfg, done.trial
    saved = run is not None and run.model_path is not None
    rep.add_section(f"Best trial: #{done.number}", _first(why) + done.how + (
        "; the model is saved as best_model/model.npz beside this report." if saved else
        "; this strategy has no net to save." if run is None else "."))
    _version_note(rep, best)
    if note:
        rep.add_text(note, note=True)
    _compare(rep, spec, best, done.again)
    _add_params(rep, best)
    if run is not None:
        hist = td.history_frame(run.result.history)
        rep.add_figure("best-history", partial(tw.draw_history,
                                               lr_steps=is_stepwise(cfg.schedule)), hist,
                       caption="Learning curves of the best trial, retrained."
                               + (_no_validation(hist) if done.strategy is not None else "")
                               + lr_caption(hist, cfg.schedule))
    _add_test(rep, spec, ds, run, done.proba, plain=done.strategy is None)
    if saved and all(np.isfinite(p).all() for p in run.net.params):
        add_use_model(rep, run.model_path, spec.dataset, out, n_features=ds.n_features,
                      task=ds.task, feature_names=ds.feature_names)


def _no_validation(hist) -> str:
    """Why a pipeline's curves have no validation line ("" when they have one)."""
    if "val_loss" in hist and hist["val_loss"].notna().any():
        return ""
    return (" The imbalanced-learn pipeline fits its net on the (resampled) training split "
            "alone, so there is no validation curve.")


def _first(sentence: str) -> str:
    return sentence + " " if sentence else ""


def _version_note(rep, best) -> None:
    """A note when other code ran the best trial than the one retraining it: another
    hplab version, or another checkout (a study resumed, or reported, after an upgrade or
    from another commit)."""
    import study as hs

    if hs.ran_other_code(best):
        version = hs.trial_version(best)
        # a record written before records named the version: an earlier hplab's
        ran = "an earlier hplab that did not record its version" if version is None else \
            f"hplab {version_text_of(version, hs.trial_checkout(best))}"
        rep.add_text(f"Trial #{best.number} ran on {ran}; this report retrained it "
                     f"with hplab {version_text()}, so its scores here (and "
                     "best_model/) are that code's and may differ from the stored ones.",
                     note=True)


def _add_params(rep, best) -> None:
    # the values themselves: the page rounds them for reading, the CSV keeps every digit
    params = pd.DataFrame({"parameter": list(best.params),
                           "value": pd.Series(list(best.params.values()), dtype=object)})
    rep.add_table(params, name="best-params", caption="The searched values of the best trial; "
                  "everything else is in the provenance below.")


def _compare(rep, spec, best, again: dict) -> None:
    """A note when the retrained run does not score what the trial stored: put down to
    the other hplab code `_version_note` names where that ran the trial."""
    import study as hs

    # wall time never repeats: only the metrics a seed fixes are compared
    pairs = [(m, again.get(m, math.nan), v)
             for m, v in zip(spec.metrics, best.values, strict=True) if m != "train_seconds"]
    if any(round(a, 6) != round(b, 6) for _, a, b in pairs):
        scores = ", ".join(f"{m} {a:.6g} against {b:.6g}" for m, a, b in pairs)
        # QA session 77: a trial of an earlier hplab, retrained by today's, was put down
        # to BLAS threads or libraries, where neither had changed
        why = ("the other hplab code that ran the trial, said above" if hs.ran_other_code(best)
               else "different BLAS threads or library versions")
        rep.add_text(f"The retrained run scored {scores} in the study ({why}).", note=True)


def _add_test(rep, spec, ds, run, proba, *, plain: bool) -> None:
    """The test set, used only here: the study's own metric first on binary data."""
    import analyses

    classify = ds.task in ("binary", "multiclass")
    classes = [str(c) for c in ds.classes] if classify else []
    scores, binary = dict(run.test_metrics) if run is not None else {}, {}
    if proba is not None:  # binary: the imbalance metrics at threshold 0.5
        m = analyses.imbalance_metrics(ds.y_test, np.asarray(proba, np.float64), 0.5)
        binary = {f"test_{k}": float(m[k]) for k in analyses.IMBALANCE_METRICS}
        binary["test_accuracy"] = float(np.mean((proba >= 0.5) == (ds.y_test == 1)))
        scores.update(binary)
    headline = [m.replace("val_", "test_", 1) for m in spec.metrics]
    headline = [m for m in headline if m in scores] or (
        ["test_accuracy"] if classify else ["test_loss"])
    if ds.task == "regression" and run is not None:  # the loss: ½·MSE as the net saw y
        scores["test_rmse"], scores["test_mae"] = run.test_errors()
        scores["test_r2"] = run.test_r2()  # QA: a flat line at the mean went unsaid
        headline = ["test_rmse", "test_mae", "test_r2", *headline]
    shown = ", ".join("R² " + r2_value(scores[m]) if m == "test_r2" else
                      f"{m.removeprefix('test_').replace('_', ' ')} "
                      f"{format_value(scores.get(m))}" for m in headline)
    units = "" if "test_rmse" not in headline else (
        " RMSE and MAE are in the target's own units; the loss is half the MSE of the "
        "scaled target." if target_scaled(ds) else  # ?scaling=none: in those units too
        " RMSE, MAE and the loss (half the MSE) are in the target's own units.")
    why = td.training_test_set_note(ds) or "the test set is used only here, once the search is over"
    reading = f" {r2_reading(scores['test_r2'])}" if "test_r2" in scores else ""
    rep.add_text(f"On the test set, the best trial scores {shown} ({why}).{units}{reading}"
                 .rstrip())
    if binary:
        table = pd.DataFrame({"metric": [k.removeprefix("test_") for k in binary],
                              "test": [format_value(v) for v in binary.values()]})
        rep.add_table(table, name="best-test-metrics", caption=(
            f"Test-set scores of the positive class ({ds.classes[1]}) at threshold 0.5; "
            "PR-AUC and ROC-AUC rank the scores and need no threshold."))
    if run is None:
        return
    if classify:
        add_test_set(rep, run.net, ds, classes)
        if plain and ds.n_features == 2:
            add_decision_views(rep, run, classes)
    else:
        add_fit(rep, run.net, ds)
