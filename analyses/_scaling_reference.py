"""The scaling study's reference runs: one row each, the best of them (which sets the
default target and carries the noise-scale measurements), and B_simple measured on the way
to the target."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from ._noise_window import window_noise_scale
from ._scaling_runs import TARGET_METRICS


def _reference_table(rows: list[dict], metric: str,
                     for_target: bool = True) -> tuple[pd.DataFrame, dict | None]:
    """One row per reference run; the best run (best value reached anywhere in it), None
    when every run diverged and no target hangs on them (``for_target`` False: they were
    run for the noise scale alone, which is then left out)."""
    pick = max if TARGET_METRICS[metric] == "max" else min
    table = []
    for r in rows:
        # trained points only: a run that diverged at once still scores its untrained
        # net at step 0, and a target from that is met before any step
        finite = [(s, v) for s, v in r["trace"] if s > 0 and math.isfinite(v)]
        step, value = pick(finite, key=lambda sv: sv[1]) if finite else (0, math.nan)
        table.append({"lr": r["lr"], "status": r["status"], "best_value": value,
                      "best_step": step, "first_value": r["trace"][0][1]})
    frame = pd.DataFrame(table)
    # a diverged run's best is where it was thrown: on coin one huge step predicts one
    # class (0.46, the majority's share), and a target from that every batch met at once
    ok = frame["best_value"].notna() & (frame["status"] != "diverged")
    if not ok.any() and not for_target:
        return frame, None
    if not ok.any():
        raise ValueError("every reference run diverged: lower the learning rates (--lrs "
                         "or --lr-range)")
    col = frame.loc[ok, "best_value"]
    # of runs tied at the best value (common on 40-144 validation examples), the one that
    # got there first: the first in the table, the lowest rate, was often the slowest,
    # and its noise scale 5x another tied run's
    tied = frame.loc[col.index[col == (col.max() if TARGET_METRICS[metric] == "max"
                                       else col.min())]]
    i = tied["best_step"].idxmin()
    return frame, {**rows[i], **table[i]}


def _noise_at_target(best: dict, metric: str, target: float, rng: np.random.Generator):
    """The noise trace, B_simple over the last half of the way to the target (of the
    whole run if it never got there: `window_noise_scale`), and the target's step."""
    frame = best["noise"]
    maximize = TARGET_METRICS[metric] == "max"
    hit = [s for s, v in best["trace"] if (v >= target if maximize else v <= target)]
    step = float(hit[0]) if hit else math.nan
    until = step if hit else float(frame["step"].max())
    return frame, window_noise_scale(frame, until, rng=rng), step
