"""The imbalance report's tables: the ranking with its intervals, each strategy's
threshold metrics at 0.5 and at the tuned threshold, and its ROC and PR areas."""

from __future__ import annotations

import math

import pandas as pd

from analyses._imbalance_runs import THRESHOLDS  # the labels its rows carry

#: Threshold metrics compared at 0.5 and at the tuned threshold.
THRESHOLD_METRICS = ("recall", "precision", "f1", "balanced_accuracy", "g_mean", "mcc")


def _interval(lo, hi) -> str:
    if lo is None or hi is None or not (math.isfinite(lo) and math.isfinite(hi)):
        return "–"
    return f"[{lo:.3f}, {hi:.3f}]"


def intervals(low, high) -> list[str]:
    """``[lo, hi]`` per row, every bound of the column in one notation (`format_column`'s
    choice for them all), a zero bound included: ``[0.000e+00, 5.349e-03]``, never
    ``0`` beside ``5.349e-03`` (Brier scores near 0 take scientific notation)."""
    from ._numbers import format_column

    low, high = [float(v) for v in low], [float(v) for v in high]
    cells = format_column(low + high)
    scientific = any("e" in c for c in cells)
    cells = [f"{v:.3e}" if scientific and v == 0 else c for v, c in zip(low + high, cells,
                                                                         strict=True)]
    return [f"[{a}, {b}]" if math.isfinite(lo) and math.isfinite(hi) else "–"
            for a, b, lo, hi in zip(cells[:len(low)], cells[len(low):], low, high,
                                    strict=True)]


def brier_table(brier: pd.DataFrame) -> pd.DataFrame:
    """The calibration section's table: each strategy's mean Brier score and its 95 %
    interval in one column of one notation (two columns of their own mixed them)."""
    out = brier[["strategy"]].copy()
    out["brier"] = brier["mean"]
    out["95 % interval"] = intervals(brier["ci_low"], brier["ci_high"])
    return out


#: What pr_auc is, wherever it is named: not the trapezoid area the name suggests.
PR_AUC_NOTE = ("pr_auc is average precision (scikit-learn's average_precision_score): the "
               "step-wise area under the precision-recall curve, not the trapezoid.")


#: What the ranking's tuned threshold is: a mean over nets, to apply to none of them as is.
TUNED_THRESHOLD_NOTE = (" The mean tuned threshold is the mean over seeds of each seed's "
                        "threshold, tuned on that seed's validation split for its own net: "
                        "no one model's threshold.")


def metric_note(metric: str) -> str:
    return f" {PR_AUC_NOTE}" if metric == "pr_auc" else ""


def ranking_table(rank: pd.DataFrame) -> pd.DataFrame:
    out = rank[["rank", "strategy", "label", "mean"]].copy()
    # a failed or skipped strategy is unranked: "–", not pandas' "<NA>"
    out["rank"] = [None if pd.isna(r) else int(r) for r in rank["rank"]]
    out["95 % interval"] = [_interval(a, b) for a, b in zip(rank["ci_low"], rank["ci_high"],
                                                            strict=True)]
    if (rank["threshold"] != "").any():  # a threshold metric: show it at the tuned one too
        # each seed's net has its own: their mean is no one model's threshold
        out["mean tuned threshold"] = rank["tuned_threshold"]
        out["at tuned threshold"] = rank["tuned_mean"]
    out["status"] = rank["status"]
    out["reason"] = rank["reason"]
    return out


def paired_table(rank: pd.DataFrame) -> pd.DataFrame:
    """The ranking verdict's own numbers: each strategy's per-seed differences from the
    first ranked (a seed's strategies share its data, split and test set, so the test
    split's spread, which widens each one's own interval, cancels), where it has them.
    A table of its own: beside the ranking's nine columns it scrolled at 1100 px."""
    has = rank["paired_seeds"] > 0
    out = rank.loc[has, ["rank", "strategy"]].copy()
    out[f"difference from {rank.iloc[0]['strategy']}" if len(rank) else "difference"] = \
        rank.loc[has, "paired_diff"]
    out["95 % interval (paired)"] = [_interval(a, b) for a, b in zip(
        rank.loc[has, "paired_diff_ci_low"], rank.loc[has, "paired_diff_ci_high"],
        strict=True)]
    out["seeds"] = rank.loc[has, "paired_seeds"]
    return out


def threshold_table(result, ratio: str) -> pd.DataFrame:
    s = result.summary_frame()
    s = s[(s["ratio"] == ratio) & (s["mode"] == "proper") & s["metric"].isin(THRESHOLD_METRICS)]
    wide = s.pivot_table(index="strategy", columns=["metric", "threshold"], values="mean",
                         sort=False, dropna=False)
    rows = []
    for strategy in result.strategies:
        if strategy not in wide.index:
            continue
        row = {"strategy": strategy}
        for metric in THRESHOLD_METRICS:
            for thr in THRESHOLDS:
                key = (metric, thr)
                row[f"{metric} @{thr}"] = wide.loc[strategy, key] if key in wide else math.nan
        rows.append(row)
    return pd.DataFrame(rows)


def areas_table(result, ratio: str) -> pd.DataFrame:
    """Each strategy's mean ROC-AUC and PR-AUC over seeds with their 95 % intervals: the
    numbers the curves figure shows only as areas."""
    s = result.summary_frame()
    s = s[(s["ratio"] == ratio) & (s["mode"] == "proper") & (s["threshold"] == "0.5")]
    rows = []
    for strategy, g in s.groupby("strategy", sort=False):
        row = {"strategy": strategy}
        for metric in ("roc_auc", "pr_auc"):
            m = g[g["metric"] == metric].iloc[0]
            row[metric] = m["mean"]
            row[f"{metric} 95 % interval"] = _interval(m["ci_low"], m["ci_high"])
        rows.append({**row, "seeds": int(g["n"].iloc[0])})
    return pd.DataFrame(rows)
