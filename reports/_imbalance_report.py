"""The "imbalance" report: which remedy helps a net on imbalanced data, by how much, and at
what cost to calibration. Built from an `analyses.ImbalanceResult`; each ratio's sections in
:mod:`reports._imbalance_ratios` (the words around each ranking in
:mod:`reports._imbalance_ranking_notes`), its leakage demonstration in
:mod:`reports._imbalance_leakage`, figures in :mod:`reports._imbalance_draw`.
"""

from __future__ import annotations

import math
import os
from pathlib import Path

import data
import nets

from . import design
from ._check_result import check_result
from ._core import Report
from ._imbalance_draw import draw_heatmap
from ._imbalance_leakage import _leakage_section
from ._imbalance_ranking_notes import _tied_first
from ._imbalance_ratios import _per_ratio, class_names
from ._imbalance_tables import metric_note, scores_table
from ._index import analysis_name
from ._run_files import analysis_records, provenance_params
from ._settings import regularisers_text

#: The runs table's columns a printout keeps (with the ranking metric): which run, its
#: scores and its confusion cells; the class counts, reasons and notes stay in runs.csv
#: (all 33 on one page broke their names letter by letter)
PRINTED_RUN_COLUMNS = ("ratio", "strategy", "mode", "seed", "threshold", "threshold_value",
                       "status", "roc_auc", "pr_auc", "precision", "recall", "f1",
                       "balanced_accuracy", "tn", "fp", "fn", "tp")


def _headline(result) -> dict:
    rank = result.ranking()
    # the first ratio where something ran: "Best (1:75) –" hid the 1:10 that had results
    scored = [r for r in result.ratios
              if math.isfinite(rank.loc[rank["ratio"] == r, "mean"].iloc[0])]
    ratio = scored[0] if scored else result.ratios[0]
    check = result.accuracy_check().set_index("ratio", drop=False).loc[ratio]
    status = result.status_frame()
    # a card per ratio where anything ran: the first one's alone hid that 1:50's leader
    # was another strategy (found in the ninth section)
    bests = dict(_best_card(result, rank, r) for r in scored) or {
        f"Best {result.metric} on test ({ratio})": "–"}
    # the majority baseline's accuracy, said to be a model's that finds no positive: its
    # recall of them, 0 by definition, on a card of its own told nothing. Like the best
    # card, it names its ratio, the first best card's (the first one where anything ran)
    negative, positive = class_names(result)
    baseline = (f"Always predicting '{negative}' ({check['ratio']}), which finds no "
                f"{positive}: accuracy")
    head = {**bests,
            baseline: design.format_percent(check["accuracy"]),
            # strategies, not (ratio, strategy, mode) groups
            "Failed strategies": status.loc[status["n_failed"] > 0, "strategy"].nunique(),
            "Seeds": result.seeds}
    n_skipped = status.loc[status["n_skipped"] > 0, "strategy"].nunique()
    if n_skipped:  # not failures: samplers with nothing to resample, never trained
        head["Skipped strategies"] = n_skipped
    return head


def _best_card(result, rank, ratio: str) -> tuple[str, str]:
    """The best strategy's card at ``ratio`` (where something ran): label and score."""
    first = rank[rank["ratio"] == ratio]
    # The strategy's name goes in the card's label, not beside the number: names like
    # borderline_smote have no space to wrap at and were cut mid-word in the big type.
    # An exact tie for first is named whole, as the ranking's "1=" has it: one of four
    # named alone was whichever --strategies listed first
    # a strategy whose runs are another's (SMOTETomek whose Tomek step removed nothing is
    # SMOTE) ties it by construction: "smote and smote_tomek tie" read as a finding
    twin = first["same_as"].map(lambda v: isinstance(v, str))
    copies = [f"{s}'s runs are {t}'s" for s, t in zip(first.loc[twin, "strategy"],
                                                     first.loc[twin, "same_as"], strict=True)
              if t in set(_tied_first(first))]
    first = first[~twin]
    tie = _tied_first(first)
    # "on test": picked on the scores it shows, as the ranking section's caveat says
    label = (f"Best {result.metric} on test ({ratio})"
             + (f": {nets.and_list(tie)} tie" if len(tie) > 1 else
                f": {first.iloc[0]['strategy']}") + _unsettled_label(result, first, tie))
    if copies:
        label = (label[:-1] + "; " if label.endswith(")") else label + " (") \
            + "; ".join(copies) + ")"
    return label, f"{first.iloc[0]['mean']:.3f}"


def _unsettled_label(result, first, tie=()) -> str:
    """The best card's word on what its seeds leave unsettled, as the ranking below it says
    (11 of 12 tied with it; 7 on one seed, told apart by none): ' (not told apart from 3
    others; 7 others too few seeds to tell)', or ''. The strategies of ``tie``, named on
    the card as tied with the first, are not counted among the others."""
    from analyses import against_first, unsettled_first

    rows = first.to_dict("records")
    why = unsettled_first(rows, result.metric, result.seeds)
    if why and why[0] == "one seed":
        return " (one seed: no interval)"
    why = why and (why[0], [n for n in why[1] if n not in tie])
    verdict = [v for n, v in against_first(rows, result.metric).items() if n not in tie]

    def others(n: int) -> str:
        return f"{n} other{'s' if n > 1 else ''}"

    said = [f"not told apart from {others(len(why[1]))}"] if why and why[1] else []
    if n := verdict.count("better"):
        said.append(f"{others(n)} beat it on the seeds both ran")
    if n := verdict.count("too_few_seeds"):
        said.append(f"{others(n)} too few seeds to tell")
    return f" ({'; '.join(said)})" if said else ""


def _accuracy_section(rep: Report, result) -> None:
    check = result.accuracy_check()
    rep.add_section("Is accuracy misleading?",
                    "Always predicting the majority class is the useless baseline every "
                    "remedy must beat; its accuracy is simply the majority share.")
    for row in check.itertuples():
        rep.add_text(row.message, note=bool(row.misleading))
    rep.add_table(check.drop(columns="message"), name="majority-baseline",
                  title="Always predicting the majority class",
                  caption="Always predicting the majority class: test accuracy, recall of the "
                          "positive class and the positive prevalence (means over seeds).")


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

    def runs_of(n: int, column: str) -> str:  # as the cards count strategies, said beside
        k = status.loc[status[column] > 0, "strategy"].nunique()
        return f"{nets.count_of(n, 'run')} of {nets.count_of(k, 'strategy', 'strategies')}"

    detail = [f"{runs_of(n_failed, 'n_failed')} failed; see their reasons"] if n_failed else []
    # a skip is a sampler with nothing to resample: nothing to do, so no failure
    if n_skipped:
        detail.append(f"{runs_of(n_skipped, 'n_skipped')} skipped: nothing to resample")
    rep = Report("imbalance", f"Imbalanced data · {result.dataset}", _headline(result),
                 name=name or analysis_name(result.dataset, out, "imbalance"),
                 status="complete" if not n_failed else "partial",
                 status_detail="; ".join(detail) or "every strategy ran on every seed",
                 subtitle=f"positive class {result.positive} · ratios {', '.join(result.ratios)}"
                          f" · {nets.count_of(len(result.strategies), 'strategy', 'strategies')}"
                          f" × {nets.count_of(result.seeds, 'seed')} · "
                          f"samplers aim at {result.sampling_ratio:g} minority/majority"
                          f"{regularisers_text(result.net_params)}")
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
        some = (skipped["n_skipped"] < skipped["n_runs"]).any()
        rep.add_section("Skipped strategies",
                        "These samplers had nothing to resample"
                        + (" on some or all seeds (the reason counts them), so they have no "
                           "scores there: " if some else ", so they have no scores: ")
                        + "either the data was already at least as balanced as the ratio "
                        f"they aim at ({result.sampling_ratio:g} minority/majority; the "
                        "reason says whether a higher sampling ratio runs them, never on "
                        "data with as many positives as negatives), or they found no "
                        "example to act on (BorderlineSMOTE: no positive near the class "
                        "border; a cleaner such as ENN or TomekLinks: none to remove) and left "
                        "the training data as it was, which would train the 'none' net again.")
        rep.add_table(skipped, name="skipped", caption="Strategy, ratio and why it was "
                      "skipped.")
    if len(result.ratios) > 1:
        rank = result.ranking()
        rep.add_section(f"{result.metric} across ratios")
        rep.add_figure("heatmap", draw_heatmap,
                       rank[["ratio", "strategy", "metric", "mean", "status"]],
                       alt=f"Heat map of mean {result.metric} by strategy and ratio",
                       caption=f"Mean test {result.metric} by strategy and imbalance ratio."
                               + metric_note(result.metric) + _chance_note(result))
    from analyses import words_for

    # the advice names hplab imbalance's flags; written from Python, imbalance_benchmark's
    # arguments
    words = words_for("imbalance", command)
    _per_ratio(rep, result, result.curves(), result.confusion(), words)
    if result.leakage_demo:
        _leakage_section(rep, result)
    rep.add_section("Data and runs",
                    "Test class counts are those of the loaded data in every run"
                    + (" but the leaky ones (resampled before the split: their test set "
                       "was drawn from the resampled data)" if result.leakage_demo else "")
                    + ": resampling changed only what the model was fitted on (n_fit_*)."
                    + _unchanged_text(result))
    rep.add_table(result.data, name="data", caption="Class counts per split, ratio and seed.")
    from analyses import training_budget, undertrained_words

    budget = training_budget(result.runs, result.net_params)
    if len(budget):  # fewer rows, fewer steps an epoch: an undersampler's budget is smaller
        said = undertrained_words(budget.to_dict("records"), result.net_params["max_epochs"])
        # nothing watched the loss (--patience 0): every net ran to the cap, unflagged
        unwatched = budget["undertrained"].isna().all()
        rep.add_section("Training budget", words(
            said[0].upper() + said[1:] + "." if said else
            "No stop condition watched the nets' training loss: each trained every epoch "
            "it was given." if unwatched else
            "Every net stopped before the epoch cap: early stopping ended it."))
        rep.add_table(budget, name="budget", caption="Mean epochs and optimizer steps per "
                      "net over seeds, per strategy and ratio; n_capped counts the nets that "
                      "stopped at the epoch cap (not ended by early stopping).")
    runs = result.to_frame()
    printed = {*PRINTED_RUN_COLUMNS, result.metric}
    # mode tells the leakage demonstration's runs from the others: without one, a column
    # of "proper" said nothing it explained
    mode = ("mode is proper (any resampling on the training split only) or leaky (the "
            "leakage demonstration's: resampled before the split)." if result.leakage_demo
            else "mode is proper in every run: any resampling touched the training split only "
                 "(--leakage-demo adds leaky runs, resampled before the split, to show what "
                 "that breaks).")
    rep.add_table(runs, name="runs", max_rows=15,
                  caption=f"Every run and threshold; {words(mode)}",
                  print_columns=[c for c in runs.columns if c in printed])
    scores = scores_table(result)
    rep.add_table(scores, name="scores", max_rows=5, title="Test scores of every run",
                  caption="The test scores every run's metrics above come from, one row "
                          "per test example of each run that ran: row is its place in that "
                          "run's test set (in a seed's proper runs, the same example for "
                          f"every strategy), y_true 1 for the positive class "
                          f"{class_names(result)[1]}, proba the model's score for it "
                          "(IsolationForest's is an anomaly score in (0, 1], not a "
                          "probability).")
    return rep.write(out, index=index,
                     records=analysis_records(result, "imbalance", out, command=command))


#: Metrics whose chance level (a random ranking's, or guess's) is the test set's positive
#: prevalence, which each ratio sets.
PREVALENCE_METRICS = ("pr_auc", "precision")


def _unchanged_text(result) -> str:
    """The Data and runs sentences on samplers that left the training data as it was on
    some of their seeds (on all, they were skipped, and said so above)."""
    from analyses import unchanged_runs, unchanged_words

    return "".join(f" At {u['ratio']}, {unchanged_words(u)}." for u in
                   unchanged_runs(result.runs))


def _chance_note(result) -> str:
    """The heat map's word on comparing its columns: a metric whose chance level is the
    test prevalence (a model guessing at random scores it) moves with the ratio, whatever
    the model does."""
    if result.metric not in PREVALENCE_METRICS:
        return ""
    check = result.accuracy_check()
    levels = ", ".join(f"{r.ratio}: {r.prevalence:.3f}" for r in check.itertuples())
    return (f" For {result.metric} its chance level, the test set's positive prevalence, "
            f"differs by ratio ({levels}): compare strategies within a column; across "
            "columns part of the change is that prevalence.")


def _params(result) -> dict:
    """The provenance's settings: config.json's (`provenance_params`), the net's first."""
    settings = result.settings or {"net_params": result.net_params}
    shown = {"seeds": design.seeds_text(result.seeds, drawn_from=result.seed)}
    if settings.get("positive") is None:  # not given: the data's own, as found
        shown["positive"] = f"{design.format_setting(result.positive)} (the data's own)"
    return {**settings.get("net_params", {}),
            **provenance_params(result, shown, drop=("net_params",))}
