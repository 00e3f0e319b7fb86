"""Samplers that left the training data as it was on some of their seeds.

imbalanced-learn returns the data untouched, unsaid, when a cleaner finds nothing to
remove (TomekLinks, EditedNearestNeighbours on well separated classes) or a sampler aiming
at a ratio finds nothing to act on. On every seed, the benchmark skips the strategy and
says so (`skip_unchanged`); on some seeds only, its runs there are the untreated net's and
stay in its mean, which the ranking alone does not tell: these say it.
"""

from __future__ import annotations

import pandas as pd

from nets import STRATEGIES


def left_as_it_was(strategy: str, mode: str, fitted, trained) -> bool:
    """Whether a run of ``strategy`` fitted on the training split's class counts as they
    were (``fitted == trained``, each ``(positives, negatives)``) where its sampler was
    meant to change them: a proper run of a cleaner or of a sampler aiming at a ratio."""
    entry = STRATEGIES[strategy]
    return (mode == "proper" and (entry.uses_ratio or entry.kind == "clean")
            and tuple(fitted) == tuple(trained))


def unchanged_runs(runs: pd.DataFrame) -> list[dict]:
    """Per ratio and strategy whose sampler left the training data as it was on some of
    the seeds it ran, not all (those are skipped): ``{ratio, strategy, seeds, n_seeds}``,
    the seeds it did so on and the seeds it ran, in the order run.

    Parameters
    ----------
    runs : DataFrame
        The benchmark's runs (`ImbalanceResult.runs`).
    """
    cols = ("n_fit_pos", "n_fit_neg", "n_train_pos", "n_train_neg")
    if not set(cols) <= set(runs):  # a result from before the counts were recorded
        return []
    ok = runs[(runs["threshold"] == "0.5") & (runs["mode"] == "proper")
              & (runs["status"] == "ok")]
    out = []
    for (ratio, strategy), g in ok.groupby(["ratio", "strategy"], sort=False):
        same = sum(left_as_it_was(strategy, "proper", (r.n_fit_pos, r.n_fit_neg),
                                  (r.n_train_pos, r.n_train_neg)) for r in g.itertuples())
        if 0 < same < len(g):
            out.append({"ratio": ratio, "strategy": strategy, "seeds": int(same),
                        "n_seeds": len(g)})
    return out


def unchanged_words(row: dict) -> str:
    """One `unchanged_runs` row said: which strategy, on how many seeds, and what its runs
    there are.

    Parameters
    ----------
    row : dict
        An `unchanged_runs` row.
    """
    entry = STRATEGIES[row["strategy"]]
    verb = "remove" if entry.kind == "clean" else "act on"
    return (f"{row['strategy']} left the training data as it was on {row['seeds']} of "
            f"{row['n_seeds']} seeds ({entry.label} found no example to {verb}): there it "
            "fitted the data as none does, and those runs are in its mean")
