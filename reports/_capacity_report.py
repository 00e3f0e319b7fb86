"""The "capacity" report: score against width per depth, and the train / validation gap.

Drawing functions are pure (``frame -> Figure``) and only see the frames the report
saves as CSV, so every figure can be redrawn from its files.
"""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pandas as pd

import data
import nets
from analyses import config_rmse

from . import design
from ._capacity_table import per_config, scored_columns, shortened
from ._capacity_units import loss_label, loss_words, losses_caption, target_of
from ._capacity_verdicts import capacity_verdicts, sufficient_cards
from ._check_result import check_result
from ._core import Report
from ._index import analysis_name
from ._r2_words import r2_reading, r2_value
from ._run_files import analysis_records, data_seed_words, provenance_params, result_task
from ._settings import regularisers_text

#: The course's coin table (hidden width -> test accuracy, 10 000 SGD epochs).
COURSE_COIN = {2: 0.618, 4: 0.954, 8: 0.97, 16: 0.978, 32: 0.974, 64: 0.972}
#: What that table is: nets of one hidden layer, trained far longer than a sweep's default.
COURSE_COIN_LABEL = "the course's coin table (1 hidden layer, 10 000 SGD epochs)"


def _depth_look(k: int) -> dict[str, str]:
    """Depth ``k``'s colour and marker, as any series k's: depths differ by more than
    colour (test solid, validation dashed, in both)."""
    style = design.series_style(k)
    return {"color": style["color"], "marker": style["marker"]}


def draw_score(frame: pd.DataFrame):
    """Test score (mean ± std over seeds) and validation score against width, per depth."""
    metric = frame["metric"].iloc[0]
    sweep = frame[frame["what"] == "sweep"]
    # XOR's test set is its training set: its scores named so, as on the report's card
    test = "training set" if "test_is_train" in frame and frame["test_is_train"].any() \
        else "test"
    # tall enough for the legend's two entries per depth (and the course's two lines)
    entries = 2 * sweep["depth"].nunique() + 2
    fig = design.new_figure(height=max(3.8, 0.8 + 0.2 * entries))
    ax = fig.subplots()
    ax.set_xscale("log", base=2)
    handles = []  # in drawing order: each depth's test then validation
    for k, (depth, f) in enumerate(sweep.groupby("depth")):
        look = _depth_look(k)
        mean, std = f[f"test_{metric}"], f[f"test_{metric}_std"].fillna(0)
        # a bar stops where the score does: accuracy at 1 (0.685 ± 0.352 drew up to 1.04),
        # a loss at 0
        low = std.clip(upper=mean)
        high = std.clip(upper=1 - mean) if metric == "accuracy" else std
        handles.append(ax.errorbar(
            f["width"], mean, yerr=[low.to_numpy(), high.to_numpy()],
            ls="-", capsize=3, label=f"{test}, {depth} hidden layer(s)", **look))
        handles += ax.plot(f["width"], f[f"val_{metric}"], ls="--", ms=4, alpha=0.6,
                           label=f"validation, {depth} hidden layer(s)", **look)
    ref = frame[frame["what"] == "course"]
    if len(ref):
        handles += ax.plot(ref["width"], ref[f"test_{metric}"], "x:", color=design.MUTED,
                           ms=7, label=COURSE_COIN_LABEL.replace(" (", "\n("))
    widths = sorted(frame["width"].unique())
    ax.set_xticks(widths, [str(w) for w in widths])
    ax.set_xlabel("neurons per hidden layer (log scale)")
    # a regression loss named as the training report's card names it (½·MSE, scaled y)
    ax.set_ylabel(frame["metric_label"].iloc[0] if "metric_label" in frame else metric)
    # beside the axes: inside ("best"), two entries per depth covered the points of
    # several widths, and low accuracies sit where "lower right" would go
    fig.legend(handles=handles, loc="outside right upper", fontsize=8)
    return fig


def draw_gap(frame: pd.DataFrame):
    """Train - validation accuracy (or validation - train loss) against width, per depth."""
    metric = frame["metric"].iloc[0]
    col = "accuracy_gap" if metric == "accuracy" else "loss_gap"
    fig = design.new_figure(height=3.2)
    ax = fig.subplots()
    ax.set_xscale("log", base=2)
    ax.axhline(0, color=design.MUTED, lw=1)
    for k, (depth, f) in enumerate(frame.groupby("depth")):
        ax.plot(f["width"], f[col], ls="-", label=f"{depth} hidden layer(s)", **_depth_look(k))
    widths = sorted(frame["width"].unique())
    ax.set_xticks(widths, [str(w) for w in widths])
    ax.set_xlabel("neurons per hidden layer (log scale)")
    ax.set_ylabel("train − validation accuracy" if metric == "accuracy"
                  else "validation − train " + (frame["metric_label"].iloc[0]
                                                if "metric_label" in frame else "loss"))
    ax.legend(loc="best", fontsize=8)
    return fig


def score_frame(result) -> pd.DataFrame:
    """The sweep's per-(depth, width) means, plus the course's coin table on coin when the
    sweep has one hidden layer, as the table's nets (``what`` "course", depth 1)."""
    t = result.table.assign(what="sweep", metric=result.metric,
                            test_is_train=result.test_is_train)
    # beside deeper nets alone, a one-layer table read as their reference
    if result.dataset == "coin" and result.metric == "accuracy" and 1 in result.depths:
        lo, hi = min(result.widths), max(result.widths)  # only where the sweep compares
        widths = [w for w in COURSE_COIN if lo <= w <= hi]
        ref = pd.DataFrame({"width": widths, "test_accuracy": [COURSE_COIN[w] for w in widths],
                            "depth": 1, "what": "course", "metric": "accuracy"})
        t = pd.concat([t, ref], ignore_index=True) if widths else t
    return t


def capacity_report(result, out: Path | str, *, command: str = "", name: str | None = None,
                    index: bool = True) -> Path:
    """Write the report of an `analyses.CapacityResult` to ``out/report.html``.

    Parameters
    ----------
    result : analyses.CapacityResult
    out : path
        The report's folder (made if missing; ``report.html`` and its figures' data go in it).
    command : str
        The command that ran the analysis, shown (and recorded in config.json) for
        reproducing it. Its advice names ``hplab capacity``'s flags (--widths) only when it
        is an hplab command line (``hplab ...`` or ``cd DIR && hplab ...``); without one (a
        report written from Python) or from a script (``python my_experiment.py``), it
        names `analyses.capacity_sweep`'s arguments (widths).
    name : str, optional
        The report's name in the index (default `reports._index.analysis_name`: the
        dataset's, or ``out``'s folder when it is not the dataset's, or the folders above
        it when they are not ``runs/capacity``).
    index : bool
        Refresh ``index.html`` of the runs folder ``out`` is in (as `write_index` does).

    Returns
    -------
    Path
        The HTML file; ``out/report_files/`` holds every figure's and table's CSV.
    """
    check_result(result, "analyses", "CapacityResult", "capacity_sweep")
    best, m = result.best(), result.metric
    # the net is chosen by validation; a net worse there may score higher on test
    # XOR's "test" set is its 4 training points: no held-out score, said on the card
    test = "Training-set" if result.test_is_train else "Test"
    # regression: the loss is ½·MSE of the target as the nets saw it (scaled unless
    # ?scaling=none), the RMSE beside it in the data's
    # units, as the training and study reports give them
    target = target_of(result)
    label = loss_label(target) if m == "loss" else m
    rmse = config_rmse(result) if target is not None else None
    best_rmse = {} if rmse is None else {
        f"{test} RMSE of the best net (original units)": float(rmse[
            (result.table["depth"] == best["depth"]) & (result.table["width"] == best["width"])
        ].iloc[0])}
    # QA: its R², the score a regression user reads in train's and study's reports
    best_r2 = result.summary()["best"]["test_r2"] if target is not None else None
    if target is not None:
        best_rmse[f"{test} R² of the best net"] = r2_value(best_r2)
    headline = {f"{test} {label} of the best net (by validation)": best["test"], **best_rmse,
                # which number is which, as the table's columns (depth, width) have them
                "Best net (hidden layers × neurons)": f"{best['depth']} × {best['width']}",
                **sufficient_cards(result)}
    cfg = result.config
    batch = "full batch" if cfg["batch_size"] == -1 else f"batch {cfg['batch_size']}"
    epochs = nets.count_of(cfg["max_epochs"], "epoch", fmt="g")  # "1 epoch" with --epochs 1
    rep = Report("capacity", f"Capacity sweep · {result.dataset}", headline,
                 name=name or analysis_name(result.dataset, out, "capacity"), status="complete",
                 subtitle=f"widths {list(result.widths)} × depths {list(result.depths)} × "
                          f"{nets.count_of(len(result.seeds), 'seed')}{data_seed_words(result)} · "
                          f"{cfg['activation']} · "
                          f"{cfg['optimizer']} lr {cfg['lr']:g}, "
                          f"{batch}, "
                          f"{epochs}{regularisers_text(cfg)}")
    # the data's path absolute, as a training report's (the command as typed, its cwd)
    rep.set_provenance(command=command, dataset=data.absolute_name(result.dataset),
                       seed=result.seeds[0],
                       # config.json's settings: the widths replace the config's hidden
                       params=provenance_params(
                           result, {"activation": cfg["activation"],
                                    "seeds": design.seeds_text(result.seeds)}, drop=("hidden",)),
                       seconds=result.seconds, cwd=os.getcwd(), task=result_task(result))
    rep.add_section("Verdicts")
    from analyses import words_for

    # the advice names hplab capacity's flags; written from Python, capacity_sweep's arguments
    words = words_for("capacity", command)
    for line in capacity_verdicts(result):
        rep.add_text(words(line))
    if target is not None and (reading := r2_reading(
            best_r2, f"the best net ({best['depth']} × {best['width']})")):  # a poor fit
        rep.add_text(reading)
    if target is not None:  # QA: sine's cards and verdicts said "loss" with no unit
        rep.add_text(loss_words(target))
    rep.add_section(f"{m.capitalize()} against width")
    # QA: a classification's figure data had empty val_r2/test_r2 columns: no R² there
    no_r2 = ["val_r2", "test_r2"] if m == "accuracy" else []
    scores = score_frame(result).drop(columns=no_r2, errors="ignore").assign(metric_label=label)
    # said only when drawn: the table's widths may all lie outside the sweep's
    course = (f" Crosses: {COURSE_COIN_LABEL[:-1]}; this sweep: {epochs})."
              if (scores["what"] == "course").any() else "")
    rep.add_figure("score-vs-width", draw_score, scores,
                   caption=f"{test} {m} (mean ± std over seeds, solid; a bar stops at "
                           f"{'0 or 1' if m == 'accuracy' else '0'}) and validation {m} "
                           f"(dashed) per depth.{course}")
    rep.add_section("Train / validation gap")
    rep.add_figure("gap-vs-width", draw_gap, result.table.drop(columns=no_r2, errors="ignore")
                   .assign(metric=m, metric_label=label),
                   caption="How much better the net does on its training data than on "
                           + ("its validation data (on this dataset, its training points "
                              "themselves)" if result.test_is_train
                              else "held-out data") + ", per width and depth.")
    csv, page, short = per_config(result.table, m, rmse)
    rep.add_table(csv, page=page, name="per-config",
                  caption="Means over seeds (_std: their standard deviation); iterations "
                          "and epochs to eps: medians over the seeds that reached it."
                          + ("" if rmse is None else losses_caption(target)) + short)
    runs = result.runs[scored_columns(result.runs.columns, m)]  # as the per-config table's
    csv, page, short = shortened(runs.replace([np.inf, -np.inf], np.nan))
    rep.add_table(csv, page=page, name="runs", max_rows=15,
                  caption="Every run; the CSV holds all of them." + short)
    return rep.write(out, index=index,
                     records=analysis_records(result, "capacity", out, command=command))
