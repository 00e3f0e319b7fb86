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

from . import design
from ._capacity_gap import gap_verdict
from ._capacity_table import per_config, scored_columns, shortened
from ._capacity_units import config_rmse, loss_label, loss_words, target_of
from ._core import Report, check_result
from ._index import analysis_name
from ._run_files import analysis_records, data_seed_words, provenance_params, result_task
from ._settings import regularisers_text
from ._terminal_analyses import eps_warning

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


def net_name(depth, width) -> str:
    """A configuration in words, as every verdict names one: "2 hidden layer(s) of 8
    neurons" (a bare "2 × 8" never said which number is which)."""
    return f"{depth:.0f} hidden layer(s) of {width:.0f} neurons"


def _best_of_depth(result, depth: int) -> int:
    """The width with the best mean validation score at ``depth`` (ties to the narrower)."""
    grp = result.table[result.table["depth"] == depth].sort_values("width")
    v = grp[f"val_{result.metric}"]
    return int(grp.loc[v.idxmax() if result.metric == "accuracy" else v.idxmin(), "width"])


def _worse_wider(result, depth: int, width: int, best: int, worse: list[int],
                 close: str) -> str:
    """Why wider widths than the sufficient ``width`` that score clearly worse than the
    depth's ``best`` width are no plateau: a net that fits its training set worse than the
    best does is likely undertrained (coin, 300 epochs: 8 and 16 neurons below 4, above it
    at 2000), one that fits it as well or better overfits."""
    m, epochs = result.metric, result.config["max_epochs"]
    train = result.table[result.table["depth"] == depth].set_index("width")[f"train_{m}"]
    sign = 1 if m == "accuracy" else -1  # a loss is worse higher
    under = [w for w in worse if sign * (train[w] - train[best]) < 0]
    over = [w for w in worse if w not in under]

    def neurons(ws):
        return " and ".join([", ".join(map(str, ws[:-1])), str(ws[-1])] if len(ws) > 1
                            else [str(ws[0])]) + " neurons"

    # "it" is the sentence's width when it is the best; else the best is named
    ref = "it" if best == width else f"the best ({best} neurons)"
    text = (f"wider, {neurons(worse)} score more than {close} "
            f"{'below' if m == 'accuracy' else 'above'} {ref}")
    retrain = (f"likely undertrained in {epochs:g} epochs: raise --epochs, or lower --lr, "
               f"before taking {width} neurons as sufficient")
    if not over:
        return (text + " and fit their training set worse too: more neurons should not, so "
                f"they are {retrain}.")
    if not under:
        return (text + " though they fit their training set as well or better: overfitting, "
                "so wider only costs.")
    return (text + f": {neurons(under)} fit their training set worse too ({retrain}), "
            f"{neurons(over)} as well or better (overfitting).")


def _verdicts(result) -> list[str]:
    best, m = result.best(), result.metric
    lines = [f"Best mean validation {m}: {net_name(best['depth'], best['width'])} "
             f"(validation {best['val']:.4g}, "
             f"{'training set' if result.test_is_train else 'test'} {best['test']:.4g})."]
    from analyses import width_reach

    enough, within = result.sufficient_widths(), result.sufficient_within()
    worse = result.worse_wider_widths()
    base = result.baseline_val_loss  # regression: what predicting the mean scores
    compared = False  # whether a verdict compared widths by the tolerance, said after them
    for depth, width in enough.items():
        # the tolerance used: 1 % of the best, the seeds' spread, for accuracy one example
        close = f"{within[depth]:.3g}"
        above = (f" and above the {result.majority_share:.3g} that always predicting the "
                 "majority class scores" if m == "accuracy" else
                 f" and below the {base:.3g} that always predicting the training set's mean "
                 "scores" if base is not None else "")
        reach = width_reach(result.widths, width)
        if reach == "only":
            lines.append(f"{depth} hidden layer(s): {width} neurons, the only width tried"
                         f"{above.replace(' and', ',')}; no other width to compare it with.")
        elif reach == "widest":  # "within 1 % of the best" compared it with itself alone
            compared = True
            lower, better = ("below", "score higher") if m == "accuracy" else \
                ("above", "reach a lower loss")
            lines.append(f"{depth} hidden layer(s): {width} neurons, the widest tried, score "
                         f"best{above.replace(' and', ',')}, and every narrower width more "
                         f"than {close} {lower}: the sweep shows no plateau, so a wider net may "
                         f"{better} still (add wider --widths).")
        else:
            top = _best_of_depth(result, depth)
            if width == top:  # "come within 0.04 of" itself
                head = (f"{depth} hidden layer(s): {width} neurons score the best validation "
                        f"{m} of that depth{above.replace(' and', ',')}; ")
                flat = "the wider ones tried do no better, so wider only costs."
            else:
                compared = True
                head = (f"{depth} hidden layer(s): {width} neurons already come within "
                        f"{close} of the best validation {m} of that depth{above}; ")
                flat = "wider only costs."
            if depth in worse:  # worse, not merely no better: no plateau to read
                compared = True
                lines.append(head + _worse_wider(result, depth, width, top, worse[depth], close))
            else:
                lines.append(head + flat)
    if compared:
        lines.append(("Close enough: the larger of 1 % of the best, one validation example "
                      f"(1/{result.n_val}) and the best width's standard deviation over seeds "
                      "(closer than that, this sweep cannot tell widths apart), but less than "
                      "half the way down to always predicting the majority class.")
                     if m == "accuracy" else
                     ("Close enough: the larger of 1 % of the best loss and the best width's "
                      "standard deviation over seeds (closer than that, this sweep cannot "
                      "tell widths apart)"
                      + (", but less than half the way up to always predicting the training "
                         "set's mean." if base is not None else ".")))
        if len(result.seeds) > 1:  # the rule reads the seeds, the table shows their means
            lines.append(f"Widths are compared on the validation {m} at least half their "
                         "seeds reach, not on the table's means: one seed stuck in a local "
                         "minimum moves neither a width nor the best.")
    for depth in sorted(set(result.depths) - set(enough)):
        scores = result.table.loc[result.table["depth"] == depth, f"val_{m}"]
        if scores.notna().any() and m == "accuracy":
            # a best within its seeds' spread of the share: as likely one class predicted
            row = result.table.loc[scores.idxmax()]
            spread = ("" if pd.isna(row["val_accuracy_std"]) else
                      f" ± {row['val_accuracy_std']:.2g}")
            lines.append(f"{depth} hidden layer(s): no width scores above always predicting "
                         f"the majority class ({result.majority_share:.3g}) on validation by "
                         f"more than its spread over seeds (the best: "
                         f"{row['val_accuracy']:.3g}{spread}): none trained, so none is "
                         "sufficient.")
        elif scores.notna().any() and base is not None:
            # the rule of lr-range --verify and scaling: 5 % below, and beyond seed noise
            from analyses import BASELINE_MARGIN

            row = result.table.loc[scores.idxmin()]
            spread = ("" if pd.isna(row["val_loss_std"]) else
                      f" ± {row['val_loss_std']:.2g}")
            lines.append(f"{depth} hidden layer(s): no width's validation loss is "
                         f"{BASELINE_MARGIN:.0%} below a constant prediction of the training "
                         f"set's mean ({base:.3g}) and below it by more than its spread over "
                         f"seeds (the best: {row['val_loss']:.3g}{spread}): none is "
                         "sufficient.")
        else:
            lines.append(f"{depth} hidden layer(s): every width has a diverged run, so none "
                         "is sufficient; a lower learning rate may train them.")
    gap = gap_verdict(result)  # among the nets that fit: an underfit one's is no overfitting
    if gap:
        lines.append(gap)
    if result.eps_above_baseline():
        lines.append(eps_warning(result.eps, base) + ".")
    reached = result.table["reached_eps"] > 0
    if result.eps and reached.any():
        runs = result.runs["iterations_to_eps"].notna() & (result.runs["status"] != "diverged")
        # a net whose first loss is already below eps "reaches" it untrained: said apart
        at_start = int((runs & (result.runs["iterations_to_eps"] == 0)).sum())
        lines.append(f"Validation loss reached eps = {result.eps:g} for "
                     f"{int(reached.sum())} of {len(reached)} configurations, in "
                     f"{int(runs.sum())} of {len(runs)} runs"
                     + (f", {at_start} of them already at the start, before any step" if at_start
                        else "")
                     + "; the table's iterations and epochs are medians over the runs that "
                       "reached it.")
    diverged = result.table[result.table["diverged"] > 0]
    if len(diverged):  # their scores are left out: the table shows dashes, the best ignores
        lines.append(f"{int(diverged['diverged'].sum())} of {len(result.runs)} runs diverged ("
                     # compact, a list: which number is which said once before it
                     + "hidden layers × neurons: "
                     + ", ".join(f"{r.depth:.0f} × {r.width:.0f}: {r.diverged:.0f}"
                                 for r in diverged.itertuples())
                     + "); a configuration with a diverged run has no scores, so it is "
                       "neither best nor sufficient (a lower learning rate may train it).")
    return lines


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
    # regression: the loss is ½·MSE of the scaled target, the RMSE beside it in the data's
    # units, as the training and study reports give them
    target = target_of(result)
    label = loss_label(target) if m == "loss" else m
    rmse = config_rmse(result, target) if target is not None else None
    best_rmse = {} if rmse is None else {
        f"{test} RMSE of the best net (original units)": float(rmse[
            (result.table["depth"] == best["depth"]) & (result.table["width"] == best["width"])
        ].iloc[0])}
    headline = {f"{test} {label} of the best net (by validation)": best["test"], **best_rmse,
                # which number is which, as the table's columns (depth, width) have them
                "Best net (hidden layers × neurons)": f"{best['depth']} × {best['width']}",
                **{f"Sufficient width (depth {d})": w
                   for d, w in result.sufficient_widths().items()}}
    cfg = result.config
    batch = "full batch" if cfg["batch_size"] == -1 else f"batch {cfg['batch_size']}"
    rep = Report("capacity", f"Capacity sweep · {result.dataset}", headline,
                 name=name or analysis_name(result.dataset, out, "capacity"), status="complete",
                 subtitle=f"widths {list(result.widths)} × depths {list(result.depths)} × "
                          f"{nets.count_of(len(result.seeds), 'seed')}{data_seed_words(result)} · "
                          f"{cfg['activation']} · "
                          f"{cfg['optimizer']} lr {cfg['lr']:g}, "
                          f"{batch}, "
                          f"{cfg['max_epochs']:g} epochs{regularisers_text(cfg)}")
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
    for line in _verdicts(result):
        rep.add_text(words(line))
    if target is not None:  # QA: sine's cards and verdicts said "loss" with no unit
        rep.add_text(loss_words(target))
    rep.add_section(f"{m.capitalize()} against width")
    scores = score_frame(result).assign(metric_label=label)
    # said only when drawn: the table's widths may all lie outside the sweep's
    course = (f" Crosses: {COURSE_COIN_LABEL[:-1]}; this sweep: {cfg['max_epochs']:g} "
              "epochs)." if (scores["what"] == "course").any() else "")
    rep.add_figure("score-vs-width", draw_score, scores,
                   caption=f"{test} {m} (mean ± std over seeds, solid; a bar stops at "
                           f"{'0 or 1' if m == 'accuracy' else '0'}) and validation {m} "
                           f"(dashed) per depth.{course}")
    rep.add_section("Train / validation gap")
    rep.add_figure("gap-vs-width", draw_gap, result.table.assign(metric=m, metric_label=label),
                   caption="How much better the net does on its training data than on "
                           + ("its validation data (on this dataset, its training points "
                              "themselves)" if result.test_is_train
                              else "held-out data") + ", per width and depth.")
    csv, page, short = per_config(result.table, m, rmse)
    rep.add_table(csv, page=page, name="per-config",
                  caption="Means over seeds (_std: their standard deviation); iterations "
                          "and epochs to eps: medians over the seeds that reached it."
                          + ("" if rmse is None else " Losses: ½·MSE on the scaled target; "
                             "test_rmse: in the target's own units.") + short)
    runs = result.runs[scored_columns(result.runs.columns, m)]  # as the per-config table's
    csv, page, short = shortened(runs.replace([np.inf, -np.inf], np.nan))
    rep.add_table(csv, page=page, name="runs", max_rows=15,
                  caption="Every run; the CSV holds all of them." + short)
    return rep.write(out, index=index,
                     records=analysis_records(result, "capacity", out, command=command))
