"""The imbalance report's tables: the ranking with its intervals, each strategy's
threshold metrics at 0.5 and at the tuned threshold, and its ROC and PR areas."""

from __future__ import annotations

import math

import pandas as pd

import nets
from analyses import THRESHOLDS, tied_ranks  # THRESHOLDS: the labels its rows carry

#: Threshold metrics compared at 0.5 and at the tuned threshold.
THRESHOLD_METRICS = ("recall", "precision", "f1", "balanced_accuracy", "g_mean", "mcc")

#: What each of `THRESHOLD_METRICS` is, in one line: the names alone (g_mean, mcc) say
#: little to a reader who has not met them.
THRESHOLD_GLOSSARY = ("The metrics: recall, the share of positives found; precision, the "
                      "share of positive predictions that are right; f1, their harmonic mean; "
                      "balanced_accuracy, the mean of the two classes' recalls; g_mean, their "
                      "geometric mean (0 if either is 0); mcc, Matthews' correlation of "
                      "prediction and truth, from −1 to 1 (0: no better than a guess).")


def intervals(estimates, low, high) -> list[str]:
    """``[lo, hi]`` per row with as many decimals as its estimate's four significant digits
    (`format_column`'s cell of the ``estimates`` column beside it, before its trailing
    zeros go), or in scientific notation with as many mantissa digits where that cell is:
    ``0.007693`` beside ``[0.000000, 0.038190]``, not ``[0.000, 0.038]``, and ``5.349e-05``
    beside ``[0.000e+00, 1.200e-04]``. ``–`` without an interval (one seed)."""
    from ._numbers import format_column

    cells = format_column([float(v) for v in estimates])
    out = []
    for cell, estimate, lo, hi in zip(cells, estimates, low, high, strict=True):
        lo, hi = float(lo), float(hi)
        if not (math.isfinite(lo) and math.isfinite(hi)):
            out.append("–")
            continue
        mantissa, scientific, _ = cell.partition("e")
        digits = len(mantissa.partition(".")[2])
        if scientific:
            out.append(f"[{lo:.{digits}e}, {hi:.{digits}e}]")
            continue
        # the cell's stripped zeros are no loss of digits: a mean of 0.64005 shows "0.64",
        # and its interval [0.5721, 0.7080] read "[0.57, 0.71]"; a mean of 0 (paired
        # differences that cancel) took none, and [-0.35, 0.35] read "[-0, 0]"
        if not (lo.is_integer() and hi.is_integer()):  # 1 beside [1, 1] has none to show
            digits = max(digits, _decimals(float(estimate)) if float(estimate) else
                         _decimals(max(abs(lo), abs(hi))))
        out.append(f"[{lo:.{digits}f}, {hi:.{digits}f}]")
    return out


def _decimals(v: float) -> int:
    """Decimals of ``v`` (non-zero) at four significant digits, trailing zeros kept."""
    return max(0, 3 - math.floor(math.log10(abs(float(f"{v:.4g}")))))


def with_page(frame: pd.DataFrame, spans: dict) -> tuple[pd.DataFrame, pd.DataFrame]:
    """``frame``, the table's CSV, with each interval as its two bounds, exact (as every
    other number there: "[0.9225, 1.0000]" beside "[0.905, 1.000]" was the page's rounding
    of each row), and the page's table: each of ``spans``' ``{column: (estimate, low,
    high)}`` bounds as one interval column, where the low bound was (`intervals`)."""
    page = frame.copy()
    for name, (estimate, low, high) in spans.items():
        page.insert(page.columns.get_loc(low), name,
                    intervals(frame[estimate], frame[low], frame[high]))
        page = page.drop(columns=[low, high])
    return frame, page


def brier_table(brier: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The calibration section's table, its CSV's and its page's (`with_page`): each
    strategy's mean Brier score and its 95 % interval, on the page in one column at the
    mean's decimals (two columns of their own mixed notations)."""
    out = brier[["strategy"]].copy()
    out["brier"], out["ci_low"], out["ci_high"] = brier["mean"], brier["ci_low"], \
        brier["ci_high"]
    return with_page(out, {"95 % interval": ("brier", "ci_low", "ci_high")})


#: What pr_auc is, wherever it is named: not the trapezoid area the name suggests.
PR_AUC_NOTE = ("pr_auc is average precision (scikit-learn's average_precision_score): the "
               "step-wise area under the precision-recall curve, not the trapezoid.")


#: What the ranking's tuned threshold is: a mean over nets, to apply to none of them as is.
TUNED_THRESHOLD_NOTE = (" The mean tuned threshold is the mean over seeds of each seed's "
                        "threshold, tuned on that seed's validation split for its own net: "
                        "no one model's threshold.")


def metric_note(metric: str) -> str:
    return f" {PR_AUC_NOTE}" if metric == "pr_auc" else ""


def ranking_table(rank: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The ranking's table, its CSV's and its page's (`with_page`)."""
    out = rank[["rank", "strategy", "label", "mean", "ci_low", "ci_high"]].copy()
    if (rank["threshold"] != "").any():  # a threshold metric: show it at the tuned one too
        # each seed's net has its own: their mean is no one model's threshold
        out["mean tuned threshold"] = rank["tuned_threshold"]
        out["at tuned threshold"] = rank["tuned_mean"]
    out["status"] = rank["status"]
    out["reason"] = rank["reason"]
    out, page = with_page(out, {"95 % interval": ("mean", "ci_low", "ci_high")})
    page["rank"] = _page_ranks(rank["rank"])
    return out, page


def _page_ranks(ranks) -> list:
    """A ranking table's ranks on its page: "–" for a failed or skipped strategy (None),
    not pandas' "<NA>"; "3=" for a rank exact ties share (`analyses.tied_ranks`). The
    CSV's stay whole numbers (1, not the 1.0 a column holding None made them)."""
    return [None if not t else t if t.endswith("=") else int(t) for t in tied_ranks(ranks)]


def paired_table(rank: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The ranking verdict's own numbers, its CSV's and its page's table (`with_page`):
    each strategy's per-seed differences from the first ranked (a seed's strategies share
    its data, split and test set, so the test split's spread, which widens each one's own
    interval, cancels), where it has them. A table of its own: beside the ranking's nine
    columns it scrolled at 1100 px."""
    has = rank["paired_seeds"] > 0
    out = rank.loc[has, ["rank", "strategy"]].copy()
    diff = f"difference from {rank.iloc[0]['strategy']}" if len(rank) else "difference"
    out[diff] = rank.loc[has, "paired_diff"]
    for bound in ("paired_diff_ci_low", "paired_diff_ci_high"):
        out[bound] = rank.loc[has, bound]
    out["seeds"] = rank.loc[has, "paired_seeds"]
    out, page = with_page(out, {"95 % interval (paired)": (diff, "paired_diff_ci_low",
                                                           "paired_diff_ci_high")})
    page["rank"] = [r for r, h in zip(_page_ranks(rank["rank"]), has, strict=True) if h]
    return out, page


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


def tuned_threshold_table(result, ratio: str) -> pd.DataFrame:
    """Each strategy's tuned threshold: its mean over seeds (`TUNED_THRESHOLD_NOTE`) and the
    lowest and highest seed's, the spread a few validation positives give it. A table of
    its own: the section named "the tuned threshold" never showed it, and as a 14th column
    of `threshold_table` it scrolled at 1100 px."""
    tuned = _ok_runs(result, ratio)
    tuned = tuned[tuned["threshold"] == "tuned"].groupby("strategy", sort=False)
    # the rows of `threshold_table` below it: a skipped strategy a row of dashes, as there
    out = tuned["threshold_value"].agg(["mean", "min", "max"]).reindex(
        _summarized(result, ratio))
    out.columns = ["mean tuned threshold", "lowest seed's", "highest seed's"]
    return out.rename_axis("strategy").reset_index()


def _summarized(result, ratio: str) -> list[str]:
    """The strategies `threshold_table` gives a row at ``ratio``, in the run's order: every
    one its summary holds, a skipped or failed one too (its numbers NaN)."""
    s = result.summary_frame()
    held = set(s.loc[(s["ratio"] == ratio) & (s["mode"] == "proper"), "strategy"])
    return [strategy for strategy in result.strategies if strategy in held]


def _ok_runs(result, ratio: str) -> pd.DataFrame:
    runs = result.runs
    return runs[(runs["ratio"] == ratio) & (runs["mode"] == "proper") & (runs["status"] == "ok")]


#: Fewer validation positives per seed than this, and the threshold table says its tuned
#: threshold is noisy: below 10, one positive more or less found moves the validation
#: recall by over 0.1, and the best threshold jumps between the few positives' scores.
FEW_VALIDATION_POSITIVES = 10


def threshold_notes(result, ratio: str) -> str:
    """The threshold table's words on its tuned columns, or '': how few validation
    positives each seed tuned on (under `FEW_VALIDATION_POSITIVES`), and the strategies
    whose tuned threshold scored no better than chance on the test set (MCC 0 or below,
    or precision below the test prevalence, which predicting at random reaches)."""
    ok = _ok_runs(result, ratio)
    if ok.empty:
        return ""
    said = []
    per_seed = ok.drop_duplicates("seed")  # a seed's strategies share its split
    low, high = int(per_seed["n_val_pos"].min()), int(per_seed["n_val_pos"].max())
    if low < FEW_VALIDATION_POSITIVES:
        count = f"{low}" if low == high else f"{low} to {high}"
        said.append(f"Each seed tuned its threshold on {count} validation "
                    f"positive{'' if count == '1' else 's'}: so few make the tuned threshold "
                    "noisy, and it may not carry to the test set.")
    prevalence = float((per_seed["n_test_pos"]
                        / (per_seed["n_test_pos"] + per_seed["n_test_neg"])).mean())
    table = threshold_table(result, ratio).set_index("strategy")
    chance = table[(table["mcc @tuned"] <= 0) | (table["precision @tuned"] < prevalence)]
    if len(chance):
        one = len(chance) == 1
        said.append(f"At {'its' if one else 'their'} tuned threshold{'' if one else 's'} "
                    f"{nets.and_list(chance.index)} "
                    f"{'scores' if one else 'score'} no better than chance on the test set: "
                    f"{'its' if one else 'their'} mean MCC is 0 or below, or "
                    f"{'its' if one else 'their'} precision is below the test prevalence "
                    f"({prevalence:.3g}), which predicting at random reaches.")
    return " ".join(said)


def areas_table(result, ratio: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Each strategy's mean ROC-AUC and PR-AUC over seeds with their 95 % intervals: the
    numbers the curves figure shows only as areas; its CSV's and its page's (`with_page`)."""
    s = result.summary_frame()
    s = s[(s["ratio"] == ratio) & (s["mode"] == "proper") & (s["threshold"] == "0.5")]
    rows = []
    for strategy, g in s.groupby("strategy", sort=False):
        row = {"strategy": strategy}
        for metric in AREAS:
            m = g[g["metric"] == metric].iloc[0]
            row.update({metric: m["mean"], f"{metric} ci_low": m["ci_low"],
                        f"{metric} ci_high": m["ci_high"]})
        rows.append({**row, "seeds": int(g["n"].iloc[0])})
    return with_page(pd.DataFrame(rows), {f"{m} 95 % interval": (m, f"{m} ci_low",
                                                                 f"{m} ci_high")
                                          for m in AREAS})


#: The areas `areas_table` gives.
AREAS = ("roc_auc", "pr_auc")


def scores_table(result) -> pd.DataFrame:
    """Every successful run's test scores, one row per test example: ``ratio, strategy,
    mode, seed``, ``row`` (the example's place in that run's test set), ``y_true`` and
    ``proba``: what each run's metrics were computed from, so a run can be checked
    without running it again."""
    scores = result.scores
    keys = ["ratio", "strategy", "mode", "seed"]
    out = scores[keys].copy()
    out["row"] = scores.groupby(keys, sort=False).cumcount()
    out["y_true"], out["proba"] = scores["y_true"], scores["proba"]
    return out
