"""Check a suggested learning rate: brief runs at a grid of rates around it.

Each grid rate trains the same initial nets (the range test's first seeds) at a constant
rate for a few epochs; the best grid rate has the lowest mean final validation loss
(a diverged run counts as infinitely bad), refined between its neighbours; the grid rates
around it whose loss is within seed noise of its own are its range. While the best
rate is the grid's smallest or largest, the grid grows a rate beyond it (`verify_grid`):
the best rate of a range test's suggestion often lies past 10x. The verdict
says how far the suggestion lands from it, in log10 units and as a ratio, whether it lands
within tolerance of that range, or that the
grid cannot say: no run beat a trivial baseline (the training set's prior or mean,
whatever the input), or the loss hardly varies across the rates (within seed noise).
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

import nets

from ._beats_baseline import BASELINE_MARGIN, _learned
from ._lr_grid import decimal_rates
from ._progress import WorkBar, work_callbacks
from ._refine_lr import refine_lr

#: Grid rates = suggestion x these factors: two decades, a quarter decade (x1.78) apart.
VERIFY_FACTORS = tuple(float(f) for f in decimal_rates(10 ** np.linspace(-1, 1, 9)))
#: At most this many rates added past the grid's edges (two more decades, 1000x or
#: 1/1000x the suggestion): a best rate still at the edge after them is reported as such.
VERIFY_GROWTH = 8
#: "Close enough": the suggestion within this factor of the best grid rate.
VERIFY_TOLERANCE = 3.0
VERIFY_COLUMNS = ("lr", "factor", "seed", "status", "val_loss", "val_accuracy", "seconds")
#: The losses "vary" across the grid when their range exceeds this many standard
#: errors of a rate's mean over seeds; the rates within that many of the best's loss,
#: contiguous around it, are its range (`best_range`).
NOISE_SE = 2.0


def verify_runs(ds, cfg: nets.TrainConfig, lr: float, seeds, *, epochs: float,
                factors=VERIFY_FACTORS, bar: WorkBar | None = None) -> pd.DataFrame:
    """Train at ``lr x factor`` for every factor and seed; one row per run.

    Parameters
    ----------
    ds : data.Dataset
    cfg : nets.TrainConfig
        Net and optimizer; rate, schedule and epochs are replaced.
    lr : float
        The suggestion the grid is centred on.
    seeds : sequence of int
        Entropy of each run's streams (`nets.train_streams`), shared by every rate so
        the rates start from the same weights.
    epochs : float
        Length of each run.
    factors : sequence of float, default `VERIFY_FACTORS`
        The grid: each run's rate is ``lr x factor``.
    bar : analyses._progress.WorkBar, optional
        A progress bar the runs' epochs are counted on, as they train.

    Returns
    -------
    DataFrame
        `VERIFY_COLUMNS`.
    """
    if not (math.isfinite(lr) and lr > 0):
        raise ValueError(f"cannot verify a suggestion of {lr!r}")
    rows = []
    counted = iter(bar.add([epochs] * len(factors) * len(seeds)) if bar else ())
    for factor in factors:
        run_cfg = cfg.replace(lr=lr * factor, schedule="constant", warmup_steps=0,
                              max_epochs=epochs, checkpoint=max(epochs / 10, 1e-9), eps=0.0,
                              patience=0)
        for s in seeds:
            net, loop_rng = nets.seeded_net(run_cfg, ds, s)
            i = next(counted, None)
            res = nets.train(net, run_cfg, ds.X_train, ds.y_train, ds.X_val, ds.y_val,
                             rng=loop_rng, callbacks=work_callbacks(
                                 "epoch", report=None if i is None else bar.reporter(i)))
            if i is not None:
                bar.finish(i)  # a diverged run stopped short of its epochs
            bad = res.status == "diverged"
            rows.append({"lr": lr * factor, "factor": factor, "seed": s, "status": res.status,
                         "val_loss": math.inf if bad else res.final("val_loss"),
                         "val_accuracy": math.nan if bad else res.final("val_accuracy"),
                         "seconds": res.seconds})
    return pd.DataFrame(rows, columns=VERIFY_COLUMNS)


def verify_grid(ds, cfg: nets.TrainConfig, lr: float, seeds, *, epochs: float,
                max_growth: int = VERIFY_GROWTH, baseline: dict | None = None,
                bar: WorkBar | None = None) -> pd.DataFrame:
    """`verify_runs` over `VERIFY_FACTORS`, grown past an edge where the best rate lies.

    While the lowest mean validation loss is at the grid's largest rate (or smallest, or
    every run diverged), the next quarter-decade rate beyond it is trained, up to
    ``max_growth`` rates: the grid then brackets its best rate, or says it cannot. No rate
    at which lr x the config's weight decay reaches 1 is trained. With a
    ``baseline``, a grid in which no rate beat it grows toward larger rates until
    one does or the largest diverges: its losses differ by noise, so its lowest is no
    minimum (brief runs at too small a rate learn nothing).

    Parameters
    ----------
    ds, cfg, lr, seeds, epochs
        As `verify_runs`.
    max_growth : int, default `VERIFY_GROWTH`
        At most this many rates added past the grid's edges.
    baseline : dict, optional
        The scores of a constant prediction, ``val_loss`` and ``val_accuracy``
        (`nets.trivial_baseline`); without it the grid grows only
        toward its lowest loss.
    bar : analyses._progress.WorkBar, optional
        As `verify_runs`'s; its total grows with the grid.

    Returns
    -------
    DataFrame
        `VERIFY_COLUMNS`, ordered by rate.
    """
    # rates at which lr x weight_decay reaches 1 are left out: each step would zero or
    # flip the weights (nets refuses them), so the grid stops below them
    decay = nets.weight_decay_of(cfg.optimizer, cfg.weight_decay)
    runs = verify_runs(ds, cfg, lr, seeds, epochs=epochs, bar=bar,
                       factors=tuple(f for f in VERIFY_FACTORS if lr * f * decay < 1))
    # factors stay exact powers of 10**(1/4), as the grid's own
    quarter = round(4 * math.log10(VERIFY_FACTORS[-1]))
    low, high = -quarter, quarter
    for _ in range(max_growth):
        loss = _mean_loss(runs)
        if baseline and np.isfinite(loss.to_numpy()).any() and not _learned(
                runs, loss, baseline).any():
            if not np.isfinite(loss.iloc[-1]):
                break  # the largest rate diverged: no rate of this grid's reach learns
            high += 1
            factor = 10 ** (high / 4)
        elif np.isfinite(loss.to_numpy()).any() and loss.idxmax() != loss.idxmin():
            best = loss.idxmin()
            if best == loss.index.max():
                high += 1
                factor = 10 ** (high / 4)
            elif best == loss.index.min():
                low -= 1
                factor = 10 ** (low / 4)
            else:
                break
        elif np.isfinite(loss.to_numpy()).any():
            break  # flat: no side is better
        else:  # every rate diverged: the best lies below
            low -= 1
            factor = 10 ** (low / 4)
        if lr * factor * decay >= 1:
            break  # past the decay's limit
        more = verify_runs(ds, cfg, lr, seeds, epochs=epochs, factors=(factor,), bar=bar)
        runs = pd.concat([runs, more], ignore_index=True)
    return runs.sort_values(["lr", "seed"], kind="stable", ignore_index=True)


def _mean_loss(runs: pd.DataFrame) -> pd.Series:
    """Mean validation loss per rate, a diverged run counting as infinitely bad."""
    return runs.assign(v=runs["val_loss"].replace(np.nan, np.inf)).groupby("lr")["v"].mean()


def verify_verdict(runs: pd.DataFrame, lr: float, baseline: dict | None = None) -> dict:
    """Where the suggestion ``lr`` lands against the best rate of `verify_runs`.

    The best grid rate is refined by a parabola through its neighbours in (log lr, log
    loss) (`analyses.refine_lr`): compared with the grid point itself, a quarter-decade
    grid would make "within 3x" a matter of rounding.

    Parameters
    ----------
    runs : DataFrame
        `verify_runs`' or `verify_grid`'s rows (`VERIFY_COLUMNS`).
    lr : float
        The suggestion checked.
    baseline : dict, optional
        The scores of a constant prediction, ``val_loss`` and ``val_accuracy``
        (`nets.trivial_baseline`); without it no run is checked against
        one.

    Returns
    -------
    dict
        ``suggested_lr``; ``best_grid_lr`` (lowest mean validation loss) and ``best_lr``
        (refined); ``best_range_low`` and ``best_range_high`` (`best_range`: the grid rates
        within seed noise of the best); ``ratio`` (suggested / best_lr) and
        ``log10_distance``; ``within_tolerance`` (ratio within `VERIFY_TOLERANCE` either
        way, or the suggestion inside the range; None when inconclusive),
        ``tolerance``; ``at_grid_edge`` (the best grid rate is the
        smallest or largest: widen the grid); ``best_val_loss``; ``inconclusive`` and
        ``inconclusive_reason`` (no run beat the baseline by `BASELINE_MARGIN`, the rate
        of lowest loss did not, or the mean losses span at most `NOISE_SE` standard
        errors); ``baseline_val_loss``,
        ``baseline_val_accuracy``. The rates are None when every run diverged.
    """
    base = baseline or {}
    base_keys = {"baseline_val_loss": base.get("val_loss", math.nan),
                 "baseline_val_accuracy": base.get("val_accuracy", math.nan)}
    loss = _mean_loss(runs)
    if not np.isfinite(loss.to_numpy()).any():
        return {"suggested_lr": lr, "best_grid_lr": None, "best_lr": None, "ratio": None,
                "log10_distance": None, "within_tolerance": False,
                "tolerance": VERIFY_TOLERANCE, "at_grid_edge": False, "best_val_loss": None,
                "inconclusive": False, "inconclusive_reason": None, "best_range_low": None,
                "best_range_high": None, **base_keys}
    grid = float(loss.idxmin())
    best = refine_lr(loss.index.to_numpy(), loss.to_numpy())
    ratio = lr / best
    why = _inconclusive(runs, loss, base)
    low, high = best_range(loss, seed_se(runs))
    # near the refined rate, or among the rates seed noise cannot tell from it (not 3x
    # past those too: a decade-wide range would then pass a suggestion 30x off the best)
    near = 1 / VERIFY_TOLERANCE <= ratio <= VERIFY_TOLERANCE or low <= lr <= high
    return {"suggested_lr": lr, "best_grid_lr": grid, "best_lr": best, "ratio": ratio,
            "log10_distance": math.log10(ratio),
            "within_tolerance": None if why else bool(near),
            "tolerance": VERIFY_TOLERANCE,
            "at_grid_edge": grid in (loss.index.min(), loss.index.max()),
            "best_val_loss": float(loss.min()), "inconclusive": bool(why),
            "inconclusive_reason": why or None, "best_range_low": low,
            "best_range_high": high, **base_keys}


def seed_se(runs: pd.DataFrame) -> float:
    """The standard error of a rate's mean validation loss over seeds, the median over the
    rates of `verify_runs`' ``runs`` (diverged runs left out); NaN below two seeds."""
    finite = runs[np.isfinite(runs["val_loss"])].groupby("lr")["val_loss"]
    se = (finite.std() / np.sqrt(finite.count())).dropna()
    return float(se.median()) if len(se) else math.nan


def best_range(loss: pd.Series, se: float) -> tuple[float, float]:
    """The lowest and highest rate of the best rate's plateau: the rates next to it, and
    next to those, whose mean loss is within `NOISE_SE` x ``se`` of the lowest.

    Parameters
    ----------
    loss : Series
        Mean validation loss per rate, indexed by increasing rate (inf: diverged).
    se : float
        A rate's standard error (`seed_se`); NaN: the best rate alone (and its ties).

    Returns
    -------
    tuple of float
        ``(low, high)``; both the best grid rate where no neighbour is within noise.
    """
    v = loss.to_numpy(dtype=float)
    i = int(np.argmin(v))
    limit = v[i] + NOISE_SE * se if math.isfinite(se) else v[i]
    lo = hi = i
    while lo > 0 and v[lo - 1] <= limit:
        lo -= 1
    while hi < len(v) - 1 and v[hi + 1] <= limit:
        hi += 1
    return float(loss.index[lo]), float(loss.index[hi])


def _inconclusive(runs: pd.DataFrame, loss: pd.Series, base: dict) -> str:
    """Why the grid cannot place a best rate, or "" when it can."""
    acc = runs.groupby("lr")["val_accuracy"].mean()
    b_loss, b_acc = base.get("val_loss", math.nan), base.get("val_accuracy", math.nan)
    if math.isfinite(b_loss):
        learned = _learned(runs, loss, base)
        what = "prior" if math.isfinite(b_acc) else "mean"
        if not learned.any():
            shown = (f"; accuracy at most {acc.max():.3g}, the majority class scores "
                     f"{b_acc:.3g}" if math.isfinite(b_acc) else "")
            return (f"no grid rate beat a constant prediction of the training set's "
                    f"{what} (validation loss at best "
                    f"{loss.min():.4f} against its {b_loss:.4f}{shown}): the nets learned "
                    f"nothing from the inputs in these runs, so the grid says nothing of the "
                    f"best rate")
        best = loss[np.isfinite(loss)].idxmin() if np.isfinite(loss).any() else None
        if best is not None and not learned[best]:  # another rate did: the best is noise
            # by accuracy: a loss below the baseline's would be below the lowest one. Named
            # with its measure ("though another rate did" read as a lower loss)
            other = learned[learned].index[0]
            return (f"the rate of the lowest validation loss, {best:.3g}, did not beat a "
                    f"constant prediction of the training set's {what} by "
                    f"{BASELINE_MARGIN:.0%} ({loss[best]:.4f} against {b_loss:.4f}), though "
                    f"rate {other:.3g} beat the majority class's accuracy ({acc[other]:.3g} "
                    f"against {b_acc:.3g}): where the grid puts its best is seed noise")
    se = seed_se(runs)  # as `best_range`'s: a flat grid is one plateau
    means = loss[np.isfinite(loss)]
    if math.isfinite(se) and len(means) > 1 and means.max() - means.min() <= NOISE_SE * se:
        return (f"the mean validation loss varies by {means.max() - means.min():.2g} across "
                f"the rates that did not diverge, within {NOISE_SE:g} standard errors of a "
                f"rate's mean over seeds ({se:.2g}): the grid cannot tell them apart")
    return ""
