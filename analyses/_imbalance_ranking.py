"""`ImbalanceResult.ranking`'s table: strategies ranked by a metric within each ratio,
their intervals, their paired comparison with the first, verdicts and shared ranks."""

from __future__ import annotations

import math

import pandas as pd

from nets import IMBALANCE_METRICS, STRATEGIES

from ._imbalance_metrics import unranked
from ._imbalance_verdict import PAIRED_COLUMNS, add_paired, against_first


def rank_strategies(result, metric: str, mode: str) -> pd.DataFrame:
    """`ImbalanceResult.ranking` of ``result`` by ``metric`` (checked) for runs of
    ``mode`` (checked): see that method for the columns."""
    direction, thresholded = IMBALANCE_METRICS[metric]
    s = result.summary_frame()
    s = s[(s["metric"] == metric) & (s["mode"] == mode)]
    at = s[s["threshold"] == "0.5"].set_index(["ratio", "strategy"])
    tuned = s[s["threshold"] == "tuned"].set_index(["ratio", "strategy"])
    runs = result.runs
    thr = runs[(runs["threshold"] == "tuned") & (runs["mode"] == mode)]
    thr = thr.groupby(["ratio", "strategy"], sort=False)["threshold_value"].mean()
    ranked_runs = runs[(runs["threshold"] == "0.5") & (runs["mode"] == mode)
                       & (runs["status"] == "ok")]
    status = result.status_frame()
    status = status[status["mode"] == mode].set_index(["ratio", "strategy"])
    twin = result.twins() if mode == "proper" else pd.DataFrame(columns=["ratio"])
    same_as = {(r.ratio, r.strategy): r.twin for r in twin.itertuples()}
    left_out = set(unranked(metric, result.strategies))
    out = []
    for ratio in result.ratios:
        rows = []
        for strategy in result.strategies:
            if (ratio, strategy) not in at.index or strategy in left_out:
                continue
            a, t, st = at.loc[(ratio, strategy)], tuned.loc[(ratio, strategy)], \
                status.loc[(ratio, strategy)]
            rows.append({"ratio": ratio, "strategy": strategy,
                         "label": STRATEGIES[strategy].label, "metric": metric,
                         "threshold": "0.5" if thresholded else "",
                         "mean": a["mean"], "ci_low": a["ci_low"], "ci_high": a["ci_high"],
                         "tuned_mean": t["mean"], "tuned_ci_low": t["ci_low"],
                         "tuned_ci_high": t["ci_high"],
                         "tuned_threshold": thr.get((ratio, strategy), math.nan),
                         "status": st["status"], "reason": st["reason"]})
        sign = -1.0 if direction == "maximize" else 1.0
        # a partial strategy's mean is over the seeds it survived (the hard one may be
        # the one it failed on): after those that ran on every seed, never "best"
        rows.sort(key=lambda r: (not math.isfinite(r["mean"]), r["status"] == "skipped",
                                 r["status"] == "partial",
                                 sign * r["mean"] if math.isfinite(r["mean"]) else 0.0))
        for r in rows:  # a strategy whose runs are another's (`twins`), or None
            r["same_as"] = same_as.get((ratio, r["strategy"]))
        add_paired(rows, ranked_runs[ranked_runs["ratio"] == ratio], metric)
        said = against_first(rows, metric)
        for r in rows:
            r["verdict"] = said.get(r["strategy"])
        # with no score (every seed failed or skipped) there is nothing to rank by; an
        # exact tie (the same mean, both ran on every seed or neither) shares the first
        # one's rank: none, random_under and tomek_links at f1 0 ranked 3, 4 and 5
        ranks: list = []
        for i, r in enumerate(rows):
            tied = i > 0 and math.isfinite(r["mean"]) and r["mean"] == rows[i - 1]["mean"] \
                and (r["status"] == "partial") == (rows[i - 1]["status"] == "partial")
            ranks.append(ranks[-1] if tied else i + 1 if math.isfinite(r["mean"]) else None)
        out += [{"rank": k, **r} for k, r in zip(ranks, rows, strict=True)]
    cols = ["ratio", "rank", "strategy", "label", "metric", "threshold", "mean", "ci_low",
            "ci_high", "tuned_mean", "tuned_ci_low", "tuned_ci_high", "tuned_threshold",
            "status", "reason", "same_as", *PAIRED_COLUMNS, "verdict"]
    return pd.DataFrame(out, columns=cols).astype({"rank": "Int64"})
