"""The "imbalance" report: which remedy helps a net on imbalanced data, by how much, and at
what cost to calibration. Built from an `analyses.ImbalanceResult`; figures in
:mod:`reports._imbalance_draw`.
"""

from __future__ import annotations

import math
import os
from functools import partial
from pathlib import Path

import pandas as pd

import data
import nets

from . import design
from ._core import Report, check_result
from ._imbalance_draw import (
    draw_calibration,
    draw_confusion,
    draw_curves,
    draw_heatmap,
    draw_leakage,
    draw_ranking,
)
from ._imbalance_tables import (
    PR_AUC_NOTE,
    THRESHOLDS,
    TUNED_THRESHOLD_NOTE,
    areas_table,
    metric_note,
    paired_table,
    ranking_table,
    threshold_table,
)
from ._index import analysis_name
from ._run_files import analysis_records, provenance_params

#: The runs table's columns a printout keeps (with the ranking metric): which run, its
#: scores and its confusion cells; the class counts, reasons and notes stay in runs.csv
#: (all 33 on one page broke their names letter by letter)
PRINTED_RUN_COLUMNS = ("ratio", "strategy", "mode", "seed", "threshold", "threshold_value",
                       "status", "roc_auc", "pr_auc", "precision", "recall", "f1",
                       "balanced_accuracy", "tn", "fp", "fn", "tp")


def _slug(text: str) -> str:
    """A file-name part: ":" and "." spelled out, so 1:1.5 and 1.1:5 stay apart."""
    text = str(text).lower().replace(":", "to").replace(".", "p")
    return "".join(c if c.isalnum() else "-" for c in text).strip("-") or "x"


def _headline(result) -> dict:
    rank = result.ranking()
    # the first ratio where something ran: "Best (1:75) –" hid the 1:10 that had results
    scored = [r for r in result.ratios
              if math.isfinite(rank.loc[rank["ratio"] == r, "mean"].iloc[0])]
    ratio = scored[0] if scored else result.ratios[0]
    first = rank[rank["ratio"] == ratio]
    best = first.iloc[0] if scored else None
    check = result.accuracy_check().set_index("ratio", drop=False).loc[ratio]
    status = result.status_frame()
    # The strategy's name goes in the card's label, not beside the number: names like
    # borderline_smote have no space to wrap at and were cut mid-word in the big type.
    best_label = f"Best {result.metric} ({ratio})"
    if best is not None:
        from analyses import unsettled_first

        # the card must not claim more than the ranking below it: 11 of 12 tied with it
        why = unsettled_first(first.to_dict("records"), result.metric, result.seeds)
        best_label += f": {best['strategy']}" + (
            "" if why is None else " (one seed: no interval)" if why[0] == "one seed" else
            f" (not told apart from {len(why[1])} other{'s' if len(why[1]) > 1 else ''})")
    # both baseline cards describe always predicting the majority class; the recall is
    # of the positive (minority) class, which that baseline never finds. Like the best
    # card, they name their ratio, the best card's (the first one where anything ran)
    baseline = f"Majority baseline ({check['ratio']})"
    head = {best_label: f"{best['mean']:.3f}" if best is not None else "–",
            f"{baseline}: accuracy": design.format_percent(check["accuracy"]),
            f"{baseline}: positive-class recall": design.format_percent(check["recall"]),
            # strategies, not (ratio, strategy, mode) groups
            "Failed strategies": status.loc[status["n_failed"] > 0, "strategy"].nunique(),
            "Seeds": result.seeds}
    n_skipped = status.loc[status["n_skipped"] > 0, "strategy"].nunique()
    if n_skipped:  # not failures: samplers with nothing to resample, never trained
        head["Skipped strategies"] = n_skipped
    return head


def _accuracy_section(rep: Report, result) -> None:
    check = result.accuracy_check()
    rep.add_section("Is accuracy misleading?",
                    "Always predicting the majority class is the useless baseline every "
                    "remedy must beat; its accuracy is simply the majority share.")
    for row in check.itertuples():
        rep.add_text(row.message, note=bool(row.misleading))
    rep.add_table(check.drop(columns="message"), name="majority-baseline",
                  caption="Always predicting the majority class: test accuracy, recall of the "
                          "positive class and the positive prevalence (means over seeds).")


def _curves_seeds(result, ratio: str, pr: pd.DataFrame) -> str:
    """How many seed curves each drawn strategy's mean is over (a failed run has none)."""
    n = pr.drop_duplicates("strategy").set_index("strategy")["n_seeds"].astype(int)
    if n.empty or (n == result.seeds).all():
        return f"Mean of each strategy's {result.seeds} seed curve(s)"
    most = int(n.mode().max())
    others = "; ".join(f"{s} at {ratio}: {v}" for s, v in n[n != most].items())
    return (f"Mean of each strategy's seed curves over the seeds that ran ({most} of "
            f"{result.seeds} for " + (f"most; {others})" if others else "every strategy)"))


def _unsettled(result, rank: pd.DataFrame) -> str:
    """Why the first ranked strategy is not settled as the best, or ''."""
    from analyses import unsettled_first

    why = unsettled_first(rank.to_dict("records"), result.metric, result.seeds)
    if why is None:
        return ""
    if why[0] == "one seed":
        return ("One seed: no intervals, so this order may be chance (more --seeds give "
                "intervals).")
    first, names = rank.iloc[0]["strategy"], nets.and_list(why[1])
    if why[0] == "overlap":
        return (f"{first} ranks first, but the 95 % intervals of {names} overlap its own: "
                f"{result.seeds} seeds do not tell them apart (more --seeds narrow the "
                "intervals).")
    # every strategy of a seed shares its data, split and test set: compared seed by seed
    return (f"{first} ranks first, but {result.seeds} seeds do not tell {names} apart from "
            f"it: compared with {first} seed by seed (each seed's strategies share its data, "
            "split and test set), the 95 % t-interval of the difference includes 0 (the table "
            "of paired differences gives it; more --seeds narrow it).")


def _at(ratio: str) -> str:
    """Which ratio a figure is of, for its alt text: a ratio's figures look alike, and
    with one alt each a screen reader could not tell 1:10's from 1:50's."""
    from analyses import OWN

    return "at the data's own balance" if ratio == OWN else f"at ratio {ratio}"


def _per_ratio(rep: Report, result, curves: dict, confusion: pd.DataFrame) -> None:
    for ratio in result.ratios:
        tag, where = _slug(ratio), f" · {ratio}" if len(result.ratios) > 1 else ""
        rank = result.ranking()
        rank = rank[rank["ratio"] == ratio]
        rep.add_section(f"Ranking by {result.metric}{where}",
                        "Every strategy trained on the training split only, scored once on the "
                        "untouched test split; threshold metrics at 0.5, with the same metric "
                        f"at the threshold tuned for {result.tune_for} on validation data.")
        ran = rank["status"].isin(["ok", "partial"]).any()
        if ran:  # with nothing run, the chart and all below were empty
            some_partial = (rank["status"] == "partial").any()
            rep.add_figure(f"ranking-{tag}", partial(draw_ranking, among=result.strategies),
                           rank,
                           alt=f"Dot chart of mean {result.metric} per strategy with intervals "
                               f"{_at(ratio)}",
                           caption=f"{result.metric}: mean and 95 % t-interval over "
                                   f"{result.seeds} seed(s), best first"
                                   + ("; a partial strategy (it failed on some seeds) over the "
                                      "seeds it ran, ranked after those that ran on all"
                                      if some_partial else "") + "."
                                   + metric_note(result.metric))
            if said := _unsettled(result, rank):
                rep.add_text(said, note=True)
        rep.add_table(ranking_table(rank), name=f"ranking-table-{tag}",
                      caption="Ranked strategies; failed, then skipped ones last with their "
                              "reason. The 95 % interval is each strategy's own over seeds."
                              + metric_note(result.metric)
                              + (TUNED_THRESHOLD_NOTE if (rank["threshold"] != "").any()
                                 else ""))
        paired = paired_table(rank)
        if len(paired):
            rep.add_table(paired, name=f"paired-{tag}",
                          caption=f"Each strategy against {rank.iloc[0]['strategy']}, seed by "
                                  "seed: the mean of its per-seed differences in "
                                  f"{result.metric} and their 95 % t-interval, over the seeds "
                                  "both ran. A seed's strategies share its data, split and "
                                  "test set, so this, not the overlap of their own intervals, "
                                  "tells them apart.")
        if not ran:
            rep.add_text(f"Nothing ran at {ratio}: every strategy failed or was skipped, so "
                         "there are no scores, curves, thresholds, calibration or confusion "
                         "matrices to show.", note=True)
            continue
        sel = {k: v[v["ratio"] == ratio] for k, v in curves.items()}
        rep.add_section(f"ROC and precision-recall curves{where}")
        rep.add_figure(f"curves-{tag}", partial(draw_curves, among=result.strategies),
                       {"roc": sel["roc"], "pr": sel["pr"]},
                       caption=_curves_seeds(result, ratio, sel["pr"]) + ": the "
                               "true-positive rate averaged at each false-positive rate (ROC), "
                               "the precision at each recall (PR), so the area under each "
                               "curve is the strategy's mean ROC-AUC and PR-AUC over seeds (the "
                               "table below gives them). "
                               f"{PR_AUC_NOTE} The PR chance line sits at the positive "
                               "prevalence: on imbalanced data the PR curve separates "
                               "strategies that ROC curves make look alike.",
                       alt=f"ROC and precision-recall curves {_at(ratio)}, one line per "
                           "strategy")
        rep.add_table(areas_table(result, ratio), name=f"areas-{tag}",
                      caption="The areas under the curves above: each strategy's mean "
                              "ROC-AUC and PR-AUC over the seeds that ran, with 95 % "
                              "t-intervals.")
        rep.add_section(f"Threshold 0.5 against the tuned threshold{where}")
        rep.add_table(threshold_table(result, ratio), name=f"thresholds-{tag}",
                      caption=f"Test metrics at 0.5 and at the threshold that maximizes "
                              f"{result.tune_for} on the validation split, each seed's for "
                              "its own net (mean over seeds). "
                              "With few validation positives the tuned threshold is noisy.")
        rep.add_section(f"Calibration{where}",
                        "Resampling and class weights change the training prevalence, so the "
                        "net's probabilities can drift above the real ones, a price a remedy "
                        "may pay: the Brier scores below say whether it did here.")
        rep.add_figure(f"calibration-{tag}", partial(draw_calibration, among=result.strategies),
                       sel["calibration"],
                       alt=f"Reliability curves {_at(ratio)}, one panel per strategy",
                       caption="Reliability curves (10 uniform bins, seeds pooled), one panel "
                               "per strategy; the dotted diagonal is perfect calibration"
                               + ("" if "none" not in set(sel["calibration"]["strategy"]) else
                                  " and the grey curve the plain net (none)")
                               + ". The Brier score in the table below summarizes each curve.")
        s = result.summary_frame()
        brier = s[(s["ratio"] == ratio) & (s["metric"] == "brier") & (s["mode"] == "proper")
                  & (s["threshold"] == "0.5")][["strategy", "mean", "ci_low", "ci_high"]]
        rep.add_table(brier.rename(columns={"mean": "brier"}), name=f"brier-{tag}",
                      caption="Brier score (lower is better): mean and 95 % interval.")
        rep.add_section(f"Confusion matrices{where}")
        for thr in THRESHOLDS:
            cm = confusion[(confusion["ratio"] == ratio) & (confusion["threshold"] == thr)]
            if len(cm):
                rep.add_figure(f"confusion-{tag}-{_slug(thr)}", draw_confusion, cm,
                               alt=f"Confusion matrices {_at(ratio)}, threshold {thr}, one per "
                                   "strategy",
                               caption=f"Threshold {thr}: test counts summed over seeds; "
                                       "shading is the share of each true class.")
        cm = confusion[confusion["ratio"] == ratio]
        if len(cm):
            # every row: one per strategy and threshold (26 for all 13; a cap of 25 left
            # the last strategy's tuned counts to the CSV)
            rep.add_table(cm.drop(columns="ratio"), name=f"confusion-counts-{tag}",
                          max_rows=len(result.strategies) * len(THRESHOLDS),
                          caption="The matrices' counts: true negatives (tn), false "
                                  "positives (fp), false negatives (fn) and true positives "
                                  "(tp) on the test set, summed over seeds.")


#: Why a leaky score moves, per kind of sampler: only oversamplers put (near-)copies of
#: test positives into training; every sampler changes the re-split test set's balance.
LEAKAGE_CAUSES = {
    "over": "copies of (or interpolations between) test positives reach training, so the "
            "model is scored on positives it has (nearly) seen; and the added positives "
            "raise the test prevalence",
    "combined": "SMOTE's interpolations between test positives reach training; and the "
                "resampled test set has a higher prevalence (the cleaning step also drops "
                "hard examples near the class border)",
    "under": "no copies: nothing of the test set reaches training. The score moves because "
             "dropping negatives raises the test prevalence, which alone lifts PR-AUC, "
             "precision and F1 of the same model",
    "clean": "no copies: nothing of the test set reaches training. They drop majority "
             "examples near the class border from the test set too, which makes it easier; "
             "its prevalence changes little when few are dropped",
}


def _leakage_section(rep: Report, result) -> None:
    leak = result.leakage()
    rep.add_section("Leakage demonstration (resampling before the split: WRONG on purpose)",
                    "Here each sampler ran on train, validation and test merged, which were "
                    "then split again, so the test set no longer has the real class balance "
                    "(every sampler). For oversamplers, copies of (or interpolations between) "
                    "test positives also reach training. Neither makes the model any better. "
                    "The leaky runs are scored on a re-drawn test set, so with few seeds part "
                    "of any difference is that split's chance.")
    if leak.empty:
        rep.add_text("No sampler ran in both modes.")
        return
    first = leak.drop_duplicates(["ratio", "strategy"])
    short = first[first["n_seeds_paired"] < result.seeds]
    if len(short):  # a seed failed one way: the other way's score on it is left out too
        rep.add_text("Proper and leaky scores are compared seed by seed, over the seeds that "
                     "ran both ways; a failed run left fewer for "
                     + "; ".join(f"{r.strategy} at {r.ratio} ({r.n_seeds_paired} of "
                                 f"{result.seeds} seeds"
                                 + (": nothing to compare" if not r.n_seeds_paired else "")
                                 + ")" for r in short.itertuples())
                     + ".", note=True)
    # a sampler with no seed run both ways has no numbers: no text or figure of its own
    # (the table keeps its rows, as the JSON does)
    table, leak = leak, leak[leak["n_seeds_paired"] > 0]
    first = first[first["n_seeds_paired"] > 0]
    for kind, cause in LEAKAGE_CAUSES.items():
        g = first[first["kind"] == kind]
        if not len(g):
            continue
        prevalence = "; ".join(
            f"{r.strategy} at {r.ratio}: {r.test_prevalence_proper:.3f} → "
            f"{r.test_prevalence_leaky:.3f}" for r in g.itertuples())
        rep.add_text(f"{', '.join(dict.fromkeys(g['strategy']))} ({kind}): {cause}. Test "
                     f"prevalence, real → leaky: {prevalence}.")
    for ratio in result.ratios:
        g = leak[(leak["ratio"] == ratio) & leak["metric"].isin(["pr_auc", "recall", "f1"])]
        if len(g):
            rep.add_figure(f"leakage-{_slug(ratio)}", draw_leakage, g,
                           alt="Bar charts of proper against leaky scores per sampler "
                               f"{_at(ratio)}",
                           caption=f"{ratio}: proper against LEAKY scores at threshold 0.5.")
    rep.add_table(table, name="leakage", caption="Proper and leaky means over the seeds that ran "
                  "both ways (n_seeds_paired); inflation = leaky − proper, with the test set's "
                  "positive prevalence each way. Inflation is not skill: for oversamplers it "
                  "mixes leaked positives with the changed test balance; for undersamplers "
                  "and cleaners it comes from the changed test set alone.")


def imbalance_report(result, out: Path | str, *, command: str = "", name: str | None = None,
                     index: bool = True) -> Path:
    """Write the report of an `analyses.ImbalanceResult` to ``out/report.html``.

    Parameters
    ----------
    result : analyses.ImbalanceResult
    out, command, name, index
        As for `capacity_report`: the report's folder, the command that ran the analysis,
        its name in the index and whether to refresh that index.

    Returns
    -------
    Path
        The HTML file; ``out/report_files/`` holds every figure's and table's CSV.
    """
    check_result(result, "analyses", "ImbalanceResult", "imbalance_benchmark")
    status = result.status_frame()
    # runs, every seed counted
    n_failed, n_skipped = int(status["n_failed"].sum()), int(status["n_skipped"].sum())
    detail = [f"{n_failed} strategy run(s) failed; see their reasons"] if n_failed else []
    # a skip is a sampler with nothing to resample: nothing to do, so no failure
    if n_skipped:
        detail.append(f"{n_skipped} strategy run(s) skipped: nothing to resample")
    rep = Report("imbalance", f"Imbalanced data · {result.dataset}", _headline(result),
                 name=name or analysis_name(result.dataset, out, "imbalance"),
                 status="complete" if not n_failed else "partial",
                 status_detail="; ".join(detail) or "every strategy ran on every seed",
                 subtitle=f"positive class {result.positive} · ratios {', '.join(result.ratios)}"
                          f" · {nets.count_of(len(result.strategies), 'strategy', 'strategies')}"
                          f" × {nets.count_of(result.seeds, 'seed')} · "
                          f"samplers aim at {result.sampling_ratio:g} minority/majority")
    # the data's path absolute, as a training report's (the command as typed, its cwd)
    rep.set_provenance(command=command, dataset=data.absolute_name(result.dataset),
                       seed=result.seed,
                       # config.json's settings, the net's spread first
                       params=_params(result),
                       seconds=result.seconds, cwd=os.getcwd())
    _accuracy_section(rep, result)
    failed = status[status["n_failed"] > 0]
    if len(failed):
        why = result.runs.loc[result.runs["status"] == "failed", "reason"]
        # found before training (too_few_for_neighbours), not raised by the sampler
        too_few = why.str.contains("needs at least", regex=False).any()
        rep.add_section("Failed strategies",
                        "These could not run on the data; the benchmark went on without them."
                        + (" SMOTE and its kin look for each minority sample's nearest "
                           "minority neighbours (NearMiss for each majority sample's): with "
                           "fewer minority samples than that they cannot run, so they were "
                           "not trained. More data or a milder imbalance ratio runs them."
                           if too_few else ""))
        rep.add_table(failed, name="failed", caption="Strategy, ratio and why it failed.")
    skipped = status[status["n_skipped"] > 0]
    if len(skipped):
        rep.add_section("Skipped strategies",
                        "These samplers had nothing to resample, so they have no scores: "
                        "either the data was already at least as balanced as the ratio "
                        f"they aim at ({result.sampling_ratio:g} minority/majority; the "
                        "reason says whether a higher sampling ratio runs them, never on "
                        "data with as many positives as negatives), or they found no "
                        "example to act on (BorderlineSMOTE: no positive near the class "
                        "border) and left the training data as it was, which would train the "
                        "'none' net again.")
        rep.add_table(skipped, name="skipped", caption="Strategy, ratio and why it was "
                      "skipped.")
    if len(result.ratios) > 1:
        rank = result.ranking()
        rep.add_section(f"{result.metric} across ratios")
        rep.add_figure("heatmap", draw_heatmap,
                       rank[["ratio", "strategy", "metric", "mean", "status"]],
                       alt=f"Heat map of mean {result.metric} by strategy and ratio",
                       caption=f"Mean test {result.metric} by strategy and imbalance ratio."
                               + metric_note(result.metric))
    _per_ratio(rep, result, result.curves(), result.confusion())
    if result.leakage_demo:
        _leakage_section(rep, result)
    rep.add_section("Data and runs",
                    "Test class counts are those of the loaded data in every run"
                    + (" but the leaky ones (resampled before the split: their test set "
                       "was drawn from the resampled data)" if result.leakage_demo else "")
                    + ": resampling changed only what the model was fitted on (n_fit_*).")
    rep.add_table(result.data, name="data", caption="Class counts per split, ratio and seed.")
    runs = result.to_frame()
    printed = {*PRINTED_RUN_COLUMNS, result.metric}
    rep.add_table(runs, name="runs", max_rows=15, caption="Every run and threshold.",
                  print_columns=[c for c in runs.columns if c in printed])
    return rep.write(out, index=index,
                     records=analysis_records(result, "imbalance", out, command=command))


def _params(result) -> dict:
    """The provenance's settings: config.json's (`provenance_params`), the net's first."""
    settings = result.settings or {"net_params": result.net_params}
    shown = {"seeds": design.seeds_text(result.seeds, drawn_from=result.seed)}
    if settings.get("positive") is None:  # not given: the data's own, as found
        shown["positive"] = f"{design.format_setting(result.positive)} (the data's own)"
    return {**settings.get("net_params", {}),
            **provenance_params(result, shown, drop=("net_params",))}
