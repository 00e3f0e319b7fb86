"""What an lr-range report says of the verification runs that failed above the best grid
rate: the rates where they did, and the range test's rates (divergence lr, suggestions) at
or above them, which a reader would otherwise take for safe constant rates; of the runs
that diverged at any rate; and of a best range that reaches the grid's edge (the report's
and the terminal's words)."""

from __future__ import annotations

import math

import numpy as np

import nets
from nets import count_of


def verify_failures(result) -> list[tuple[float, int, int]]:
    """The grid rates above the best one at which verification runs failed (diverged or
    ended no better than the constant prediction, `analyses.failed_runs`), as ``(lr,
    failed, runs)`` by rate; [] without a verification, or with one whose best rate is
    unknown (every run diverged) or inconclusive (its verdict says why)."""
    from analyses import failed_runs

    v, runs = result.verdict, result.verify
    if v is None or runs is None or v.get("best_grid_lr") is None or v.get("inconclusive"):
        return []
    per = runs.assign(failed=failed_runs(runs, v)).groupby("lr", sort=True)["failed"]
    counts = per.agg(["sum", "size"])
    above = counts[(counts.index > v["best_grid_lr"]) & (counts["sum"] > 0)]
    return [(float(lr), int(r["sum"]), int(r["size"])) for lr, r in above.iterrows()]


def range_at_edge(v: dict) -> tuple[str, float] | None:
    """Where the rates within seed noise of the best (``best_range_low`` to
    ``best_range_high``) reach an edge of the verification grid (``v``: a summary's
    ``verify``, with its ``grid``): ``("largest", lr)`` or ``("smallest", lr)``, the true
    plateau, and the best with it, may go on past that rate. None where the range is one
    rate, where the best grid rate itself is at the edge (``at_grid_edge`` says so), or in
    an older summary without them."""
    low, high, grid = v.get("best_range_low"), v.get("best_range_high"), v.get("grid")
    if low is None or high is None or not grid or not low < high or v.get("at_grid_edge"):
        return None
    rates = [g["lr"] for g in grid]
    if high >= max(rates):
        return "largest", max(rates)
    if low <= min(rates):
        return "smallest", min(rates)
    return None


def diverged_rates(v: dict, seeds: int | None) -> list[tuple[float, int, int | None]]:
    """The grid rates of a summary's ``verify`` (``v``, with its ``grid``) where
    verification runs diverged (a NaN or infinite loss among them), at any rate, as ``(lr,
    diverged, seeds)`` by rate; ``seeds`` is the runs per rate (the config's
    ``verify_seeds``; None where unknown). [] without any."""
    return [(float(g["lr"]), int(g["diverged"]), seeds) for g in v.get("grid") or []
            if g.get("diverged")]


def rates_text(rates) -> str:
    """`diverged_rates` or `verify_failures` in words: ``"both seeds at 5.2, 1 of 3 seeds
    at 9.3"``."""
    return ", ".join(f"{_who(k, n)} at {lr:.3g}" for lr, k, n in rates)


def _who(k: int, n: int | None) -> str:
    """``k`` runs of ``n`` seeds in words ("1 of 3 seeds", "both seeds", "2 runs")."""
    if n is None:
        return count_of(k, "run")
    return (f"{k} of {n} seeds" if k < n else "the seed" if n == 1 else
            "both seeds" if n == 2 else "every seed")


def lowest_failing(failures) -> float | None:
    """The smallest rate of `verify_failures` (None without one)."""
    return failures[0][0] if failures else None


def failed_note(lr: float, lowest: float | None) -> str:
    """What the "Others" list says after a suggestion at or above ``lowest``."""
    if lowest is None or not lr >= lowest * (1 - 1e-9):
        return ""
    return f" (≥ {lowest:.3g}, where verification runs failed)"


def _ramp_epochs(result) -> float:
    """The epochs a range test's ramp took, median over seeds (its optimizer steps over an
    epoch's)."""
    cfg = result.config
    per_epoch = nets.epoch_steps(int(result.n_train), int(cfg.get("batch_size", -1)),
                                 bool(cfg.get("batch_norm", False)))
    steps = np.asarray(result.runs["steps"], dtype=float)
    return float(np.median(steps) / per_epoch) if steps.size and per_epoch else math.nan


def failures_line(result, summary: dict, failures) -> str:
    """The verdict's sentence on `verify_failures` ("" without any)."""
    if not failures:
        return ""
    lowest = lowest_failing(failures)
    grid = sorted(result.verify["lr"].unique())
    # "from X up" only when every grid rate from the lowest failing one up failed
    from_up = len(failures) == sum(lr >= lowest * (1 - 1e-9) for lr in grid)
    each = rates_text(failures)
    where = (f"rates ≥ {lowest:.3g}" if from_up else
             "rates " + ", ".join(f"{lr:.3g}" for lr, _, _ in failures))
    line = (f"Verification runs failed at {where} (diverged, or ended no better than the "
            f"constant prediction): {each}.")
    div = summary.get("divergence_lr")
    if div is not None and math.isfinite(div) and div >= lowest:
        epochs = _ramp_epochs(result)
        over = (f" for only ~{count_of(epochs, 'epoch', fmt='.2g')}" if math.isfinite(epochs)
                else "")
        verify = count_of(result.config["verify_epochs"], "epoch", fmt="g")
        line += (f" The divergence lr ({div:.3g}) is the ramp's, whose rates rose{over}: "
                 f"not a safe constant rate for {verify}.")
    if result.suggested_lr >= lowest * (1 - 1e-9):
        line += " The suggestion itself lies at or above the lowest failing rate."
    return line


def diverged_line(result, summary: dict, failures=()) -> list[str]:
    """The report's sentence naming every grid rate where verification runs diverged (a NaN
    or infinite loss), below the best rate too (`diverged_rates`), but those of
    ``failures`` (`verify_failures`, which `failures_line` names); none without any."""
    said = {lr for lr, _, _ in failures}
    rates = [r for r in diverged_rates(summary["verify"], result.config.get("verify_seeds"))
             if r[0] not in said]
    return [f"Verification runs diverged (a NaN or infinite loss): {rates_text(rates)}."
            ] if rates else []


def lone_learner(v: dict) -> dict | None:
    """Where the best grid rate is the only one of a verification grid (``v``: a summary's
    ``verify``, with its ``grid``) whose nets beat the constant prediction by their means
    over seeds (`analyses.failed_runs`): that grid row, else None. QA: coin, SGD, 20
    epochs: 1.57 the best of 12 rates, the only one that learned, on 1 of its 2 seeds; the
    report said "use ≈1.57" and named failures only above it."""
    import pandas as pd

    from analyses import failed_runs

    grid, best = v.get("grid") or [], v.get("best_grid_lr")
    if best is None or v.get("inconclusive") or len(grid) < 3:
        return None
    rows = pd.DataFrame(grid).assign(status="max_epochs")
    learned = rows[~failed_runs(rows, v)]
    if len(learned) != 1 or not math.isclose(float(learned["lr"].iloc[0]), best):
        return None
    return learned.iloc[0].to_dict()


def lone_learner_line(v: dict, epochs: float, seeds_failed: tuple[int, int] | None = None
                      ) -> str:
    """`lone_learner` in the report's words ("" without one); ``seeds_failed`` the runs at
    that rate that failed, and its runs, where known."""
    row = lone_learner(v)
    if row is None:
        return ""
    at = f"{row['lr']:.3g}"
    seeds = ""
    if seeds_failed and seeds_failed[0]:
        seeds = f", and at {at} itself {_who(*seeds_failed)} did not either"
    return (f"Only the best grid rate, {at}, beat the constant prediction (mean validation "
            f"loss {row['val_loss']:.4g} against {v['baseline_val_loss']:.4g}, accuracy "
            f"{row['val_accuracy']:.3g} against {v['baseline_val_accuracy']:.3g}); at every "
            f"other rate the nets learned nothing in {count_of(epochs, 'epoch', fmt='g')}{seeds}: "
            "the best rate rests on too few runs to use as it is. Train longer (--verify-epochs) "
            "or add --seeds first.")
