"""The "lr-range" report: loss against learning rate per seed, the suggestions and their
spread, and the verification grid.

Data (``*_frames``) and drawing (``draw_*``, in :mod:`reports._lr_range_draw`) are
separate: a drawing function only sees the frames the report saves as CSV, so every figure
can be redrawn from its files.
"""

from __future__ import annotations

import math
import os
from functools import partial
from pathlib import Path

import numpy as np
import pandas as pd

import data

from . import design
from ._check_result import check_result
from ._core import Report
from ._index import analysis_name
from ._lr_range_captions import curves_caption, verify_runs_table
from ._lr_range_draw import draw_curves, draw_spread, draw_verify
from ._lr_range_verdicts import off_target_detail, verdict_lines
from ._run_files import analysis_records, data_seed_words, provenance_params, result_task
from ._settings import regularisers_text, shown_settings


# ----------------------------------------------------------------------------- data
def spread_frame(result) -> pd.DataFrame:
    """One row per (suggestion, seed): name, seed, lr, and the suggestion's median and
    quartiles as rates (for the spread figure)."""
    s = result.suggestions.set_index("name")
    rows = []
    for name in s.index:
        for seed, lr in zip(result.runs["seed"], result.runs[name], strict=True):
            rows.append({"name": name, "seed": int(seed), "lr": float(lr),
                         "median_lr": 10 ** s.loc[name, "median_log10"],
                         "q25_lr": 10 ** s.loc[name, "q25_log10"],
                         "q75_lr": 10 ** s.loc[name, "q75_log10"]})
    return pd.DataFrame(rows, columns=["name", "seed", "lr", "median_lr", "q25_lr", "q75_lr"])


def marks_frame(result) -> pd.DataFrame:
    """The suggestions drawn on the curves: name, lr (median), q25_lr, q75_lr, chosen."""
    s = result.suggestions
    return pd.DataFrame({"name": s["name"], "lr": s["lr"], "q25_lr": 10 ** s["q25_log10"],
                         "q75_lr": 10 ** s["q75_log10"],
                         "chosen": s["name"] == result.suggestion})


def verify_frame(result) -> pd.DataFrame:
    """Mean validation loss per grid rate, with the best and the suggested rate flagged, and
    the rates within seed noise of the best (its range; none when inconclusive)."""
    v = result.verify
    per = (v.assign(diverged=v["status"] == "diverged")
           .groupby("lr", sort=True)
           .agg(val_loss=("val_loss", "mean"), val_accuracy=("val_accuracy", "mean"),
                diverged=("diverged", "sum"), runs=("seed", "size"))
           .reset_index())
    vague = bool(result.verdict.get("inconclusive"))  # no best rate to flag: the verdict
    per["best"] = (per["lr"] == result.verdict["best_grid_lr"]) & (not vague)  # says why
    per["best_refined_lr"] = math.nan if vague else result.verdict["best_lr"]
    low, high = (result.verdict.get(k) for k in ("best_range_low", "best_range_high"))
    per["within_noise"] = per["lr"].between(low, high) & (not vague) if low is not None \
        else False  # older verdicts lack the range
    per["baseline_val_loss"] = result.verdict.get("baseline_val_loss")
    per["suggested"] = np.isclose(per["lr"], result.verdict["suggested_lr"], rtol=1e-9)
    per["suggestion"] = result.suggestion
    return per


# ----------------------------------------------------------------------------- report
#: Settings that apply only in some modes: the provenance shows them as the result's
#: config holds them, not as given; where they did not apply (None), `NOT_USED`: every
#: setting config.json records is listed, none with a value the test never used.
APPLIED = ("val_batch", "epochs_per_rate", "verify_epochs", "verify_seeds")
#: The runs table's caption, its columns the charts do not name said in words ({loss}: the
#: curve read, smoothed or not)
RUNS_CAPTION = ("One range test per seed. stop_reason: completed (the ramp reached max_lr), "
                "diverged (the loss passed its stop threshold) or nan; descent: how far the "
                "{loss} fell, 1 − its lowest / its first; lowest_at_end: whether the curve was "
                "lowest at its last point (still falling, so the ramp set its suggestions); "
                "then each suggestion's rate on that seed's curve.")
NOT_USED = "not used here"


def lr_range_report(result, out: Path | str, *, command: str = "", name: str | None = None,
                    index: bool = True) -> Path:
    """Write the report of an `analyses.LRRangeResult` to ``out/report.html``.

    Parameters
    ----------
    result : analyses.LRRangeResult
    out, command, name, index
        As for `capacity_report`: the report's folder, the command that ran the analysis,
        its name in the index and whether to refresh that index. ``command`` is shown (and
        recorded) for reproducing the test; its advice names ``hplab lr-range``'s flags
        (--steps) only when it is an hplab command line (``hplab ...``), else (none, or a
        script's ``python my_experiment.py``) `analyses.lr_range_test`'s arguments
        (num_steps).

    Returns
    -------
    Path
        The HTML file; ``out/report_files/`` holds every figure's and table's CSV.
    """
    check_result(result, "analyses", "LRRangeResult", "lr_range_test")
    from analyses import RAMP_REPLACES, no_suggestion_reason, words_for

    # the advice names hplab lr-range's flags; written from Python, lr_range_test's arguments
    words = words_for("lr-range", command)

    summary = result.summary()
    v = result.verdict
    # a rate the ramp set (the loss still falling at the end) is no headline number
    headline = {f"Suggested lr ({result.suggestion})":
                "set by the ramp, not the data" if result.suggestion in summary["ramp_set"]
                else result.suggested_lr,
                "IQR (log10)": float(result.suggestions.set_index("name")
                                     .loc[result.suggestion, "iqr_log10"]),
                "Divergence lr (ramp)": summary["divergence_lr"]}
    if v is not None:  # an inconclusive grid has no best rate to show (its verdict says why)
        vague = bool(v.get("inconclusive"))
        headline["Best lr (verify)"] = "inconclusive" if vague else v["best_lr"]
        headline["Suggestion / best"] = "–" if vague else v["ratio"]
    ok = math.isfinite(result.suggested_lr)
    status = ("failed" if not ok else "inconclusive" if v is not None and v.get("inconclusive")
              else "complete" if v is None or v["within_tolerance"] else "off-target")
    cfg = result.config
    rep = Report("lr-range", f"Learning-rate range test · {result.dataset}", headline,
                 name=name or analysis_name(result.dataset, out, "lr-range"), status=status,
                 status_detail=f"no suggestion: {words(no_suggestion_reason(summary))}"
                 if not ok else
                 f"verification: {v['inconclusive_reason']}" if status == "inconclusive" else
                 off_target_detail(v, summary) if status == "off-target" else "",
                 subtitle=f"{result.mode} ramp {result.min_lr:g} → {result.max_lr:g} in "
                          f"{result.num_steps} points · hidden {cfg['hidden']} "
                          f"{'/'.join(cfg['activation']) or '-'} · {cfg['optimizer']}, batch "
                          f"{cfg['batch_size']}{regularisers_text(cfg)} · "
                          f"{len(result.seeds)} seed(s){data_seed_words(result)}")
    if status == "off-target":  # the index shows the suggestion: and the rate to use
        rep.detail = f"verified best {v['best_lr']:.3g}: use it, not the suggestion"
    # the data's path absolute, as a training report's (the command as typed, its cwd)
    rep.set_provenance(command=command, dataset=data.absolute_name(result.dataset),
                       seed=result.seeds[0],
                       # config.json's settings, but those the ramp sets itself; rho and
                       # opt_eps resolved first: their None is a value used
                       # QA: those that applied as --json gives them, the others 'not used':
                       # val_batch 256 and epochs_per_rate 1 showed with --val off, mode exp
                       params={k: v for k, v in shown_settings(provenance_params(
                           result, {"seeds": design.seeds_text(result.seeds),
                                    **{k: NOT_USED if cfg.get(k) is None else cfg[k]
                                       for k in APPLIED if k in cfg}},
                           drop=RAMP_REPLACES)).items() if v not in (None, {})},
                       seconds=result.seconds, cwd=os.getcwd(), task=result_task(result))
    rep.add_section("Verdicts")
    for line in verdict_lines(result, summary):
        rep.add_text(words(line))
    rep.add_section("Loss against learning rate")
    rep.add_figure("loss-vs-lr", partial(draw_curves,
                                         loss="validation loss" if result.val else "loss"),
                   {"curves": result.curves, "marks": marks_frame(result)},
                   caption=curves_caption(result))
    heading = "Spread of the suggestions over seeds"  # the section's, and its table's name
    rep.add_section(heading)
    spread = spread_frame(result)
    if np.isfinite(spread["lr"].to_numpy(dtype=float)).any():
        rep.add_figure("suggestion-spread", draw_spread, spread,
                       alt="Dot chart of each seed's learning rate, one row per suggestion",
                       caption=(
            "Each dot is one seed's suggestion; the bar spans the quartiles and the tick "
            "marks the median. A wide spread means one test is noise."))
    else:
        rep.add_text("No seed gave a suggestion, so there is no spread to draw.", note=True)
    rep.add_table(result.suggestions, name="suggestions", title=heading,
                  caption="Median, quartiles and IQR in log10 units; n = seeds with a value. "
                          "The IQR (interquartile range, the card's for the chosen "
                          "suggestion) is the 75th minus the 25th percentile of the seeds' "
                          "log10 rates: 0.3 is a factor of 2 between them, 1 a factor of 10 "
                          "(none below two seeds).")
    looper = result.mode == "looper"  # rise_lr is a looper's (older results lack it)
    rep.add_table(result.runs if looper else result.runs.drop(columns="rise_lr",
                                                              errors="ignore"),
                  name="runs", caption=RUNS_CAPTION.format(
                      loss="smoothed loss" if result.beta else "loss")
                  + (" rise_lr: the first rate whose loss rose past 1.5× its best before "
                     "(where the suggestions end), stopped or not." if looper else ""))
    if result.verify is not None:
        rep.add_section("Verification at a grid of rates")
        rep.add_figure("verify-grid", draw_verify, verify_frame(result),
                       caption="Validation loss after brief constant-rate runs from the same "
                               "initial nets, at rates around the suggestion.")
        runs, caption = verify_runs_table(result)
        rep.add_table(runs, name="verify-runs", max_rows=18, caption=caption)
    rep.add_section("Recorded points")
    rep.add_table(result.curves, name="curve", max_rows=12,
                  caption="Every recorded point.")
    return rep.write(out, index=index,
                     records=analysis_records(result, "lr-range", out, command=command))
