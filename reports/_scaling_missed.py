"""The scaling report's words on batch sizes that ran out of budget before the target, and
its runs table ordered so a shortened one shows each batch size's best run (QA: "only 2
distinct batch sizes reached the target; the fit needs 3" with no advice, B = 4 at 0.88
against a target of 0.912 within --max-steps; the table's first 12 of 54 rows all B = 4
"not reached")."""

from __future__ import annotations

import pandas as pd

#: The batch sizes a fit lacks (it needs three), as words
_ORDINALS = {1: "first", 2: "second", 3: "third"}
_COUNTS = {1: "one", 2: "two", 3: "three"}


def budget_missed_text(result) -> str:
    """Of a fit with too few batch sizes (``too_few_points``), the batch sizes whose runs
    ran out of steps short of the target (none reached it, some ran to --max-steps), each
    with its best run's value and rate, and the flags that may bring them there; "" for
    any other fit or where none ran out of budget (diverged and stalled runs have their
    own advice in the fit's message)."""
    from analyses import SCALING_MIN_POINTS, TARGET_METRICS

    if result.fit.status != "too_few_points":
        return ""
    runs = result.runs
    reached = runs.groupby("batch_size")["reached"].any()
    short = [b for b, ok in reached.items() if not ok
             and (runs.loc[runs["batch_size"] == b, "status"] == "not reached").any()]
    if not short:
        return ""
    higher = TARGET_METRICS[result.target_metric] == "max"
    said = []
    for b in short:
        own = runs[(runs["batch_size"] == b) & (runs["status"] == "not reached")]
        best = own.loc[own["final_value"].idxmax() if higher else own["final_value"].idxmin()]
        said.append(f"B = {b:g}'s best run ended at {best['final_value']:.3g} (lr "
                    f"{best['lr']:.3g})")
    # review: three batch sizes short, none reached, read "give the fit its first batch size"
    had = int(reached.sum())
    lacking = SCALING_MIN_POINTS - had
    if lacking == 1:
        gives = f"its {_ORDINALS.get(had + 1, 'next')} batch size"
    else:
        needed = (f"the {_COUNTS.get(lacking, lacking)}{' more' if had else ''} batch sizes "
                  "it needs")
        # the others diverged or stalled: the fit's message says what to do of those
        gives = needed if len(short) >= lacking else f"{_COUNTS[len(short)]} of {needed}"
    return (f"{'; '.join(said)} against the target {result.target:.4g}, within --max-steps "
            f"{result.max_steps}: a larger --max-steps (or an easier --target) may bring "
            f"{'it' if len(short) == 1 else 'them'} there and give the fit {gives}.")


def best_runs_first(runs: pd.DataFrame, target_metric: str) -> pd.DataFrame:
    """``runs`` with each batch size's best run first, by batch size, then the others in
    their order: one that reached the target in the fewest steps, else the best final
    value (a diverged run last)."""
    from analyses import TARGET_METRICS

    sign = -1.0 if TARGET_METRICS[target_metric] == "max" else 1.0
    key = pd.DataFrame({
        "missed": ~runs["reached"].astype(bool),
        "steps": runs["steps"].astype(float).fillna(float("inf")),
        "value": (sign * runs["final_value"].astype(float)).fillna(float("inf")),
    }, index=runs.index)
    order = key.assign(batch_size=runs["batch_size"]).sort_values(
        ["batch_size", "missed", "steps", "value"], kind="stable")
    best = order.groupby("batch_size", sort=True).head(1).index
    return pd.concat([runs.loc[best], runs.drop(index=best)])
