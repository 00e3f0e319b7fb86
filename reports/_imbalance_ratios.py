"""The imbalance report's sections of each ratio: the ranking, the ROC and PR curves, the
thresholds, calibration and the confusion matrices."""

from __future__ import annotations

from functools import partial

import pandas as pd

from analyses import (  # METRIC_RANGE: what add_paired clips to
    METRIC_RANGE,
    few_positives_words,
    positives_in_test_sets,
    tied_ranks,
    unranked,
    unranked_words,
)

from ._core import Report
from ._imbalance_calibration import calibration_section
from ._imbalance_draw import draw_confusion, draw_curves, draw_ranking
from ._imbalance_ranking_notes import (
    _off_scale_note,
    _partial_note,
    _scored_on,
    _tied_first,
    _twins_note,
    _unsettled,
)
from ._imbalance_tables import (
    PR_AUC_NOTE,
    THRESHOLD_GLOSSARY,
    THRESHOLDS,
    TUNED_THRESHOLD_NOTE,
    areas_table,
    metric_note,
    paired_table,
    ranking_table,
    threshold_notes,
    threshold_table,
    tuned_threshold_table,
)


def _slug(text: str) -> str:
    """A file-name part: ":" and "." spelled out, so 1:1.5 and 1.1:5 stay apart."""
    text = str(text).lower().replace(":", "to").replace(".", "p")
    return "".join(c if c.isalnum() else "-" for c in text).strip("-") or "x"


def _curves_seeds(result, ratio: str, pr: pd.DataFrame) -> str:
    """How many seed curves each drawn strategy's mean is over (a failed run has none)."""
    n = pr.drop_duplicates("strategy").set_index("strategy")["n_seeds"].astype(int)
    if n.empty or (n == result.seeds).all():
        return f"Mean of each strategy's {result.seeds} seed curve(s)"
    most = int(n.mode().max())
    others = "; ".join(f"{s} at {ratio}: {v}" for s, v in n[n != most].items())
    return (f"Mean of each strategy's seed curves over the seeds that ran ({most} of "
            f"{result.seeds} for " + (f"most; {others})" if others else "every strategy)"))


def class_names(result) -> tuple[str, str]:
    """The negative and the positive class as the report names them: "not 8" and "8" (the
    subtitle's "positive class 8"), whatever the data called its other class or classes."""
    return f"not {result.positive}", str(result.positive)


def _at(ratio: str) -> str:
    """Which ratio a figure is of, for its alt text: a ratio's figures look alike, and
    with one alt each a screen reader could not tell 1:10's from 1:50's."""
    from analyses import OWN

    return "at the data's own balance" if ratio == OWN else f"at ratio {ratio}"


def _per_ratio(rep: Report, result, curves: dict, confusion: pd.DataFrame, words) -> None:
    """Each ratio's sections of the imbalance report; ``words`` rewords their advice in
    hplab imbalance's flags (`analyses.words_for`)."""
    twins, ranking = result.twins(), result.ranking()  # every ratio's: read once
    for ratio in result.ratios:
        tag, where = _slug(ratio), f" · {ratio}" if len(result.ratios) > 1 else ""
        rank = ranking[ranking["ratio"] == ratio]
        # a strategy whose runs are another's (`twins`) is no other pick, nor in a tie
        own = rank[~rank["same_as"].map(lambda v: isinstance(v, str))]
        scored = int(own["mean"].notna().sum())
        rep.add_section(f"Ranking by {result.metric}{where}",
                        _scored_on(result, scored, _tied_first(own) if scored else ()))
        if result.test_is_train:  # XOR: as --json's test_is_train and the terminal say
            rep.add_text(f"On {result.dataset} the test set is the training set itself, as the "
                         "validation set is: no score here is held out, and the tuned "
                         "threshold is tuned on the points it is scored on.", note=True)
        ran = rank["status"].isin(["ok", "partial"]).any()
        if ran:  # with nothing run, the chart and all below were empty
            rep.add_figure(f"ranking-{tag}", partial(draw_ranking, among=result.strategies),
                           rank,
                           alt=f"Dot chart of mean {result.metric} per strategy with intervals "
                               f"{_at(ratio)}",
                           caption=f"{result.metric}: mean and 95 % t-interval over "
                                   f"{result.seeds} seed(s), best first"
                                   + _partial_note(result, ratio) + "."
                                   + metric_note(result.metric) + _off_scale_note(rank))
            if said := _unsettled(result, rank):
                rep.add_text(words(said), note=True)
            # a ranking on a few test positives a seed: the paired intervals cannot show it
            for t in positives_in_test_sets(result.runs):
                if t["ratio"] == ratio and t["few"]:
                    said = few_positives_words(t)
                    rep.add_text(said[0].upper() + said[1:] + ".", note=True)
        # as the calibration section: isolation_forest's score is no probability
        if said := unranked_words(result.metric, unranked(result.metric, result.strategies)):
            rep.add_text(said, note=True)
        table, page = ranking_table(rank)
        tied = sorted({t for t in tied_ranks(rank["rank"]) if t.endswith("=")},
                      key=lambda t: int(t[:-1]))
        rep.add_table(table, page=page, name=f"ranking-table-{tag}",
                      caption="Ranked strategies; failed, then skipped ones last, unranked, "
                              "with their reason. The 95 % interval is each strategy's own "
                              "over seeds, clipped to the metric's range."
                              + (f" Strategies of exactly the same mean are tied: they "
                                 f"share a rank, marked = ({', '.join(tied)})." if tied else "")
                              + metric_note(result.metric)
                              + (TUNED_THRESHOLD_NOTE if (rank["threshold"] != "").any()
                                 else ""))
        if said := _twins_note(twins[twins["ratio"] == ratio]):
            rep.add_text(said, note=True)
        paired, page = paired_table(rank)
        if len(paired):
            span = METRIC_RANGE[result.metric][1] - METRIC_RANGE[result.metric][0]
            # a title of its own: the caption's first sentence is a paragraph, and a
            # screen reader's list of tables reads it whole as the table's name
            rep.add_table(paired, page=page, name=f"paired-{tag}",
                          title=f"Paired differences from {rank.iloc[0]['strategy']}",
                          caption=f"Each strategy against {rank.iloc[0]['strategy']}, seed by "
                                  "seed: the mean of its per-seed differences in "
                                  f"{result.metric} and their 95 % t-interval, clipped to the "
                                  f"differences {result.metric} allows (−{span:g} to {span:g}), "
                                  "over the seeds both ran. A seed's strategies share its "
                                  "data, split and test set, so this, not the overlap of their "
                                  "own intervals, tells them apart.")
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
        table, page = areas_table(result, ratio)
        rep.add_table(table, page=page, name=f"areas-{tag}", title="Areas under the curves",
                      caption="The areas under the curves above: each strategy's mean "
                              "ROC-AUC and PR-AUC over the seeds that ran, with 95 % "
                              "t-intervals.")
        rep.add_section(f"Threshold 0.5 against the tuned threshold{where}",
                        THRESHOLD_GLOSSARY)
        rep.add_table(tuned_threshold_table(result, ratio), name=f"tuned-thresholds-{tag}",
                      title="Tuned thresholds",
                      caption=f"The threshold that maximizes {result.tune_for} on the "
                              "validation split, each seed's for its own net: the mean over "
                              "seeds and the lowest and highest seed's." + TUNED_THRESHOLD_NOTE)
        rep.add_table(threshold_table(result, ratio), name=f"thresholds-{tag}",
                      title="Metrics at both thresholds",
                      caption="Test metrics at 0.5 and at the tuned threshold above, each "
                              "seed's for its own net (mean over seeds).")
        if said := threshold_notes(result, ratio):
            rep.add_text(said, note=True)
        calibration_section(rep, result, ratio, where=where, tag=tag, at=_at(ratio),
                            calibration=sel["calibration"])
        rep.add_section(f"Confusion matrices{where}")
        for thr in THRESHOLDS:
            cm = confusion[(confusion["ratio"] == ratio) & (confusion["threshold"] == thr)]
            if len(cm):
                rep.add_figure(f"confusion-{tag}-{_slug(thr)}",
                               partial(draw_confusion, classes=class_names(result)), cm,
                               alt=f"Confusion matrices {_at(ratio)}, threshold {thr}, one per "
                                   "strategy",
                               caption=f"Threshold {thr}: test counts summed over seeds; "
                                       "shading is the share of each true class.")
        cm = confusion[confusion["ratio"] == ratio]
        if len(cm):
            # every row: one per strategy and threshold (26 for all 13; a cap of 25 left
            # the last strategy's tuned counts to the CSV)
            rep.add_table(cm.drop(columns="ratio"), name=f"confusion-counts-{tag}",
                          title="Confusion matrix counts",
                          max_rows=len(result.strategies) * len(THRESHOLDS),
                          caption="The matrices' counts: true negatives (tn), false "
                                  "positives (fp), false negatives (fn) and true positives "
                                  "(tp) on the test set, summed over seeds; the positive "
                                  f"class is {class_names(result)[1]}.")
