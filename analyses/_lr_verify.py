"""Check a suggested learning rate: brief runs at a grid of rates around it.

Each grid rate trains the same initial nets (the range test's first seeds) at a constant
rate for a few epochs; the best grid rate has the lowest mean final validation loss
(a diverged run counts as infinitely bad), refined between its neighbours. The verdict
says how far the suggestion lands from it, in log10 units and as a ratio.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

import nets

from ._scaling_law import refine_lr

#: Grid rates = suggestion x these factors: two decades, a quarter decade (x1.78) apart.
VERIFY_FACTORS = tuple(float(f) for f in 10 ** np.linspace(-1, 1, 9))
#: "Close enough": the suggestion within this factor of the best grid rate.
VERIFY_TOLERANCE = 3.0
VERIFY_COLUMNS = ("lr", "factor", "seed", "status", "val_loss", "val_accuracy", "seconds")


def verify_runs(ds, cfg: nets.TrainConfig, lr: float, seeds, *, epochs: float,
                factors=VERIFY_FACTORS) -> pd.DataFrame:
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

    Returns
    -------
    DataFrame
        `VERIFY_COLUMNS`.
    """
    if not (math.isfinite(lr) and lr > 0):
        raise ValueError(f"cannot verify a suggestion of {lr!r}")
    rows = []
    for factor in factors:
        run_cfg = cfg.replace(lr=lr * factor, schedule="constant", warmup_steps=0,
                              max_epochs=epochs, checkpoint=max(epochs / 10, 1e-9), eps=0.0,
                              patience=0)
        for s in seeds:
            init_rng, loop_rng = nets.train_streams(s)
            net = nets.build_net(run_cfg, ds.n_features, ds.y_train, rng=init_rng,
                                 n_classes=ds.n_classes or None, task=ds.task)
            res = nets.train(net, run_cfg, ds.X_train, ds.y_train, ds.X_val, ds.y_val,
                             rng=loop_rng)
            bad = res.status == "diverged"
            rows.append({"lr": lr * factor, "factor": factor, "seed": s, "status": res.status,
                         "val_loss": math.inf if bad else res.final("val_loss"),
                         "val_accuracy": math.nan if bad else res.final("val_accuracy"),
                         "seconds": res.seconds})
    return pd.DataFrame(rows, columns=VERIFY_COLUMNS)


def verify_verdict(runs: pd.DataFrame, lr: float) -> dict:
    """Where the suggestion ``lr`` lands against the best rate of `verify_runs`.

    The best grid rate is refined by a parabola through its neighbours in (log lr, log
    loss) (`analyses.refine_lr`): compared with the grid point itself, a quarter-decade
    grid would make "within 3x" a matter of rounding.

    Returns
    -------
    dict
        ``suggested_lr``; ``best_grid_lr`` (lowest mean validation loss) and ``best_lr``
        (refined); ``ratio`` (suggested / best_lr) and ``log10_distance``;
        ``within_tolerance`` (ratio within `VERIFY_TOLERANCE` either way), ``tolerance``;
        ``at_grid_edge`` (the best grid rate is the smallest or largest: widen the grid);
        ``best_val_loss``. The rates are None when every run diverged.
    """
    loss = runs.assign(v=runs["val_loss"].replace(np.nan, np.inf)).groupby("lr")["v"].mean()
    if not np.isfinite(loss.to_numpy()).any():
        return {"suggested_lr": lr, "best_grid_lr": None, "best_lr": None, "ratio": None,
                "log10_distance": None, "within_tolerance": False,
                "tolerance": VERIFY_TOLERANCE, "at_grid_edge": False, "best_val_loss": None}
    grid = float(loss.idxmin())
    best = refine_lr(loss.index.to_numpy(), loss.to_numpy())
    ratio = lr / best
    return {"suggested_lr": lr, "best_grid_lr": grid, "best_lr": best, "ratio": ratio,
            "log10_distance": math.log10(ratio),
            "within_tolerance": bool(1 / VERIFY_TOLERANCE <= ratio <= VERIFY_TOLERANCE),
            "tolerance": VERIFY_TOLERANCE,
            "at_grid_edge": grid in (loss.index.min(), loss.index.max()),
            "best_val_loss": float(loss.min())}
