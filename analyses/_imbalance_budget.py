"""How much training each strategy's nets got: epochs, optimizer steps, and whether they
stopped at the epoch cap with their training loss still falling.

Every strategy's net trains the same ``max_epochs``; an undersampler fits on a fraction of
the rows, so an epoch is fewer optimizer steps (digits at 1:20, the defaults: 660 for
random_under against 2340 for none). A net that hit the cap before early stopping ended
it may be undertrained, and its strategy ranked for that rather than for what it does.
"""

from __future__ import annotations

import math

import pandas as pd


def training_budget(runs: pd.DataFrame, net_params: dict, mode: str = "proper") -> pd.DataFrame:
    """Per ratio and strategy: mean ``epochs`` and ``steps`` over the runs that trained a
    net, and ``undertrained``: True when any of them stopped at ``max_epochs`` with its
    training loss still improving (early stopping had not ended it), None where no stop
    condition watched the loss (patience and eps 0) or no net was trained
    (isolation_forest, a strategy that never ran).

    Parameters
    ----------
    runs : pandas.DataFrame
        An imbalance benchmark's runs (``ImbalanceResult.runs``).
    net_params : dict
        The nets' settings (``ImbalanceResult.net_params``): its ``patience`` and ``eps``
        say whether a stop condition watched the loss.
    mode : str, default "proper"
        ``"proper"``, or ``"leaky"`` for the runs of ``leakage_demo``.
    """
    cols = ["ratio", "strategy", "epochs", "steps", "n_capped", "n_nets", "undertrained"]
    if "n_steps" not in runs:  # a result from before the budget was recorded
        return pd.DataFrame(columns=cols)
    watched = bool(net_params.get("patience") or net_params.get("eps"))
    ok = runs[(runs["threshold"] == "0.5") & (runs["mode"] == mode) & (runs["status"] == "ok")]
    out = []
    for (ratio, strategy), g in ok.groupby(["ratio", "strategy"], sort=False):
        nets_ = g[g["n_steps"].notna()]
        capped = int((nets_["net_status"] == "max_epochs").sum())
        epochs, steps = ((float(nets_[c].mean()) for c in ("n_epochs", "n_steps"))
                         if len(nets_) else (math.nan, math.nan))
        out.append({"ratio": ratio, "strategy": strategy, "epochs": epochs, "steps": steps,
                    "n_capped": capped, "n_nets": len(nets_),
                    "undertrained": (capped > 0) if watched and len(nets_) else None})
    return pd.DataFrame(out, columns=cols)


def undertrained_words(rows, max_epochs) -> str:
    """One sentence naming the strategies whose nets hit the epoch cap still improving,
    with their mean optimizer steps per net, or '' when none did.

    ``rows`` are dicts with ``ratio, strategy, steps, undertrained``: `training_budget`'s
    records, or ``--json``'s ranking rows.

    Parameters
    ----------
    rows : list of dict
        As above.
    max_epochs : float
        The nets' epoch cap, as the sentence names it.
    """
    rows = [r for r in rows if r.get("undertrained")]
    if not rows:
        return ""
    several = len({r["ratio"] for r in rows}) > 1
    steps = ", ".join(r["strategy"] + (f" ({r['ratio']})" if several else "")
                      + f" {r['steps']:.0f}" for r in rows)
    n = len({r["strategy"] for r in rows})
    return (f"possibly undertrained: the nets of {n} {'strategy' if n == 1 else 'strategies'}"
            f" stopped at the epoch cap ({max_epochs:g}) with their training loss still "
            "falling; one that fits on fewer rows takes fewer optimizer steps an epoch (mean "
            f"steps per net: {steps}): raise --epochs until early stopping ends them to "
            "compare the strategies, not their training budgets")
