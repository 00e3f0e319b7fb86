"""The capacity report's train / validation gap verdict: the largest gap among the nets
that fit (at or wider than their depth's sufficient width), and a larger one of a net
that misses capacity said to come from its poor fit, not from overfitting."""

from __future__ import annotations

import pandas as pd

from analyses import config_rmse

from ._capacity_units import loss_label, target_of


def _name(row) -> str:
    return f"{row['depth']:.0f} hidden layer(s) of {row['width']:.0f} neurons"


def _scores(result, row, target) -> str:
    """A configuration's train and validation scores, in the loss's units and, for a
    regression whose runs are known, its RMSE in the target's own units."""
    m = result.metric
    text = f"train {row[f'train_{m}']:.3g}, validation {row[f'val_{m}']:.3g}"
    if m == "loss" and target is not None and len(result.runs):
        rmse = {c: config_rmse(result, f"{c}_loss")[row.name] for c in ("train", "val")}
        if all(pd.notna(v) for v in rmse.values()):
            text += (f"; RMSE {rmse['train']:.3g} and {rmse['val']:.3g} in the target's "
                     "own units")
    return text


def _trivial(result) -> str:
    """What a net that learned nothing scores on validation, in words, or ""."""
    if result.metric == "accuracy" and result.majority_share is not None:
        return f"; always predicting the majority class scores {result.majority_share:.3g}"
    if result.metric == "loss" and result.baseline_val_loss is not None:
        return (f"; always predicting the training set's mean scores "
                f"{result.baseline_val_loss:.3g}")
    return ""


def _why_not_fit(result, t) -> pd.Series:
    """Per row of ``t`` (``result.table``), why its gap is no overfitting, or "" for a net
    that fits: at a depth with a sufficient width, not narrower than it while fitting its
    training set worse, and not one of the wider widths that score clearly worse than the
    depth's best while fitting their training set worse too (likely undertrained, as the
    verdict above says of them)."""
    m = result.metric
    enough, why_worse = result.sufficient_widths(), result.why_wider_worse()
    sign = 1 if m == "accuracy" else -1  # a loss is worse higher
    why = []
    for _, row in t.iterrows():
        depth, width = int(row["depth"]), int(row["width"])
        if depth not in enough:
            why.append("no width is sufficient at its depth")
        elif width < enough[depth]:
            # a narrower net that fits its training set as well as the sufficient one (coin,
            # 4 neurons: train 0.932 against 5's 0.92, validation 0.91) has a gap of its own
            own = t[(t["depth"] == depth) & (t["width"] == enough[depth])].iloc[0]
            under = sign * (row[f"train_{m}"] - own[f"train_{m}"]) < 0
            why.append("it is narrower than its depth's sufficient width and fits its "
                       "training set worse too" if under else "")
        elif width in why_worse.get(depth, {}).get("undertrained", []):
            why.append("it fits its training set worse than its depth's best width too "
                       "(likely undertrained)")
        else:
            why.append("")
    return pd.Series(why, index=t.index, dtype=object)


def _growth(t, col, fits, best, within) -> str:
    """Whether the largest gap ``best`` grows with width: from a narrower net that fits, at
    its depth, by more than ``within`` (None: any rise). QA: coin, 1000 epochs, gaps 0.016,
    0.006, 0.025 and 0.019 at 8, 16, 32 and 64 neurons (tolerance 0.0212) read "a gap that
    grows with width is overfitting" of 32 neurons, wider 64 with a smaller one."""
    narrower = t[fits & (t["depth"] == best["depth"]) & (t["width"] < best["width"])
                 & t[col].notna()]
    if narrower.empty:
        return ("no narrower net that fits to compare it with, so this sweep shows no gap "
                "growing with width: no sign that width overfits.")
    low = narrower.loc[narrower[col].idxmin()]
    tol = within or 0.0
    if float(best[col]) - float(low[col]) > tol + 1e-9:
        return (f"it grows with width, from {float(low[col]):.3g} at {low['width']:.0f} "
                "neurons: overfitting.")
    return (f"only {float(best[col]) - float(low[col]):.3g} above the {float(low[col]):.3g} "
            f"of {low['width']:.0f} neurons, narrower: within the {tol:.3g} closer than which "
            "this sweep cannot tell widths apart (Close enough, above), so the gap does not "
            "grow with width that these seeds can tell: no sign that width overfits.")


def gap_verdict(result) -> str | None:
    """The "Largest train/validation gap" line of `analyses.CapacityResult` ``result``, or
    None when no configuration has a gap (each has a diverged seed).

    The gap of a net that misses capacity is no overfitting: coin's 2 neurons fit their
    training set at 0.63 and validation at 0.56, the largest gap of the sweep, shrinking with
    width. The largest gap is looked for among the nets that fit (`_why_not_fit`); a larger
    one of another net is said to come from its poor fit.
    """
    m, t = result.metric, result.table
    col = "accuracy_gap" if m == "accuracy" else "loss_gap"
    gap = t[col]
    if not gap.notna().any():
        return None
    target = target_of(result)
    unit = "" if m == "accuracy" else f" in {loss_label(target)}"
    what = "train − validation accuracy" if m == "accuracy" else "validation − train loss"
    why = _why_not_fit(result, t)
    fits = why == ""
    poor = "a poor fit (a low accuracy)" if m == "accuracy" else "a poor fit (a high loss)"
    worst = t.loc[gap.idxmax()]
    if not (fits & gap.notna()).any():
        return (f"Largest train/validation gap ({what}): {_name(worst)} "
                f"({float(worst[col]):.3g}{unit}: {_scores(result, worst, target)}"
                f"{_trivial(result)}); {why[worst.name]}, so the gap comes from {poor}, not "
                "overfitting.")
    best = t.loc[gap.where(fits).idxmax()]
    if float(best[col]) <= 0:  # "largest gap" of a negative number sent readers looking
        side = "at or above" if m == "accuracy" else "at or below"
        line = (f"No train/validation gap ({what}) among the nets that fit: each scores "
                f"{side} its training score on validation (closest: {_name(best)}, "
                f"{float(best[col]):.3g}{unit}: {_scores(result, best, target)}), so no "
                "sign of overfitting.")
    else:
        # QA: coin at 200 epochs, 8 neurons' 0.0144 (train 0.681, validation 0.667) beside
        # "a gap that grows with width is overfitting", with the seeds' spread at 0.055
        within = result.sufficient_within().get(int(best["depth"]))
        line = (f"Largest train/validation gap ({what}) among the nets that fit (none "
                "narrower than its depth's sufficient width fitting its training set worse, "
                f"none undertrained): {_name(best)} ({float(best[col]):.3g}{unit}: "
                f"{_scores(result, best, target)}); "
                + (f"within the {within:.3g} closer than which this sweep cannot tell "
                   "widths apart (Close enough, above), so no sign of overfitting."
                   if within is not None and float(best[col]) <= within + 1e-9 else
                   _growth(t, col, fits, best, within)))
    if worst.name != best.name and worst[col] > best[col]:
        line += (f" {_name(worst)} has a larger one ({float(worst[col]):.3g}{unit}: "
                 f"{_scores(result, worst, target)}{_trivial(result)}), but "
                 f"{why[worst.name]}: that gap comes from {poor}, not overfitting.")
    return line
