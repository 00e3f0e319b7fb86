"""Which strategies an imbalance benchmark's seeds tell apart from the best ranked.

Within a seed every strategy trains and is tested on the same data subsample, split and
test set, so most of the seed-to-seed spread (the test split's) is shared: the verdict
compares strategies seed by seed (a paired t-interval of their differences), which
separates strategies that differ on every seed where their unpaired intervals overlap.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from nets import IMBALANCE_METRICS

from ._imbalance_metrics import METRIC_RANGE, mean_ci


def tied_ranks(ranks) -> list[str]:
    """One ratio's ranks (`ImbalanceResult.ranking`'s, or the ``--json`` ranking's) as
    written: ``"3="`` for a rank two strategies or more share (an exact tie), ``"3"`` for
    one of its own, ``""`` for none (a failed or skipped strategy).

    Parameters
    ----------
    ranks : sequence
        One ratio's ranks, in row order (None or NaN for a strategy without one).
    """
    ranks = [None if pd.isna(r) else int(r) for r in ranks]
    return ["" if r is None else f"{r}=" if ranks.count(r) > 1 else str(r) for r in ranks]


#: The ranking's columns comparing each strategy with the first ranked, seed by seed.
PAIRED_COLUMNS = ("paired_diff", "paired_diff_ci_low", "paired_diff_ci_high", "paired_seeds")


#: What `against_first` says of a ranked strategy (the ranking's ``verdict``): its seeds do
#: not tell it from the first ranked, it is worse, it scored better on the seeds both ran (a
#: partial strategy, ranked after those that ran on every seed), or too few seeds to tell.
VERDICTS = ("not_told_apart", "worse", "better", "too_few_seeds")


def against_first(rows, metric: str) -> dict[str, str]:
    """Each ranked strategy against the first ranked, one of `VERDICTS`.

    Within a seed every strategy trains and is tested on the same data, split and test
    set, so each is compared with the first seed by seed: by the 95 % t-interval of its
    per-seed differences (``paired_diff_ci_low`` to ``paired_diff_ci_high``), which either
    includes 0 (not told apart) or lies wholly on the worse or the better side of it. Rows
    without a paired interval (fewer than two seeds shared with the first, or a ``--json``
    ranking written before it had one) fall back to the conservative unpaired check: their
    own 95 % interval meets the first one's, or lies wholly below or above it. A row
    without that interval either (it, or the first, ran on one seed) is too few seeds to
    tell: one seed tells nothing apart.

    Parameters
    ----------
    rows : iterable of mapping
        One ratio's rows of `ImbalanceResult.ranking` (``to_dict("records")``, or the
        ``--json`` ranking), best first.
    metric : str
        The ranked metric (its direction decides which side is worse).

    Returns
    -------
    dict of str to str
        Strategy name to verdict, in rank order, for every scored strategy but the first;
        empty when the first has no score.
    """
    rows = list(rows)
    if not rows or not _scored(rows[0]):  # the first ranked is the best the callers name
        return {}
    best, sign = rows[0], 1.0 if IMBALANCE_METRICS[metric][0] == "maximize" else -1.0

    def side(low: float, high: float) -> str:  # where an interval lies, 0 at the first's
        low, high = sorted((sign * low, sign * high))
        return "worse" if high < 0 else "better" if low > 0 else "not_told_apart"

    out = {}
    for r in rows[1:]:
        if not _scored(r):
            continue
        if _finite(r, *_PAIRED_INTERVAL):
            out[r["strategy"]] = side(r["paired_diff_ci_low"], r["paired_diff_ci_high"])
        elif _finite(r, "ci_low", "ci_high") and _finite(best, "ci_low", "ci_high"):
            # the gap between the intervals: below 0 when r's lies wholly below the first's
            out[r["strategy"]] = side(r["ci_low"] - best["ci_high"],
                                      r["ci_high"] - best["ci_low"])
        else:
            out[r["strategy"]] = "too_few_seeds"
    return out


def overlapping_best(rows, metric: str) -> list[str]:
    """The strategies these seeds do not tell from the best (the first ranked): those
    `against_first` calls ``not_told_apart``. (The name is the unpaired check's, kept.)

    Parameters
    ----------
    rows : iterable of mapping
        One ratio's rows of `ImbalanceResult.ranking` (``to_dict("records")``, or the
        ``--json`` ranking), best first.
    metric : str
        The ranked metric (its direction decides which side is worse).

    Returns
    -------
    list of str
        Strategy names in rank order; empty when the first has no interval (one seed) or
        every other is told apart from it, or too few seeds tell.
    """
    return [name for name, said in against_first(rows, metric).items()
            if said == "not_told_apart"]


def unsettled_first(rows, metric: str, seeds: int) -> tuple[str, list[str]] | None:
    """Why one ratio's first ranked strategy is no settled best by the strategies held with
    it: ``("one seed", [])`` (no intervals, two or more strategies scored), ``("paired",
    names)`` (`overlapping_best`, each of the names by its paired interval), ``("overlap",
    names)`` (one or more of them without a paired interval, held by the unpaired check),
    or None when none is. The others that unsettle it, those too few seeds tell and those
    that beat it on the seeds both ran, are `against_first`'s.

    Parameters
    ----------
    rows : iterable of mapping
        One ratio's rows of `ImbalanceResult.ranking` (or the ``--json`` ranking), best first.
    metric : str
    seeds : int
        Seeds of the benchmark.
    """
    rows = list(rows)
    if seeds == 1 and sum(r["status"] in ("ok", "partial") for r in rows) > 1:
        return "one seed", []
    tied = overlapping_best(rows, metric)
    if not tied:
        return None
    # "paired" when each name was held by its paired interval; one without (fewer than two
    # seeds shared with the best: a seed of each failed) was held by the unpaired check,
    # and "paired" said its per-seed difference's interval includes 0, of none. The
    # unpaired words fit every name: on the same seeds, a per-seed difference whose
    # interval holds 0 comes with own intervals that meet
    by_name = {r["strategy"]: r for r in rows}
    paired = all(_finite(by_name[name], *_PAIRED_INTERVAL) for name in tied)
    return ("paired" if paired else "overlap"), tied


def seeds_compared(rows, names, seeds: int) -> str:
    """``"by 4 seed(s)"``, the seeds ``names`` were compared with the first ranked on:
    ``"by 3 seed(s)"`` when each shares 3 of 4 with it, ``"by 4 seed(s) (random_under by
    the 3 both ran)"`` when some share fewer than the others. A name held by the unpaired
    check counts the benchmark's ``seeds``.

    Parameters
    ----------
    rows : list of dict
        One ratio's ranking rows.
    names : sequence of str
        The strategies said.
    seeds : int
        The benchmark's seeds.
    """
    by_name = {r["strategy"]: r for r in rows}
    n = {name: int(by_name[name]["paired_seeds"])
         if _finite(by_name[name], *_PAIRED_INTERVAL) else seeds for name in names}
    if len(set(n.values())) <= 1:
        return f"by {next(iter(n.values()), seeds)} seed(s)"
    fewer: dict[int, list[str]] = {}
    for name, k in n.items():
        if k != seeds:
            fewer.setdefault(k, []).append(name)
    return f"by {seeds} seed(s) (" + "; ".join(
        f"{', '.join(group)} by the {k} both ran" for k, group in fewer.items()) + ")"


def _scored(row) -> bool:
    """Whether ``row`` has a score: it ran on one seed at least (a partial strategy too)."""
    return row["status"] in ("ok", "partial") and _finite(row, "mean")


#: The bounds of a row's paired interval (`PAIRED_COLUMNS`).
_PAIRED_INTERVAL = ("paired_diff_ci_low", "paired_diff_ci_high")


def _finite(row, *keys) -> bool:
    """Whether ``row`` holds a finite number under each of ``keys`` (None, NaN: no)."""
    return all(row.get(k) is not None and math.isfinite(row[k]) for k in keys)


def add_paired(rows: list[dict], runs: pd.DataFrame, metric: str) -> None:
    """`PAIRED_COLUMNS` into one ratio's ranked ``rows``: each strategy's ``metric`` minus
    the first ranked one's, seed by seed over the seeds both ran (``runs``: that ratio's
    successful runs at one threshold), mean and 95 % t-interval, clipped to the differences
    the metric allows (±1 for one in [0, 1]); NaN (0 seeds) for the first itself and where
    they share no seed."""
    low, high = METRIC_RANGE[metric]
    by_strategy = {name: g.set_index("seed")[metric] for name, g in
                   runs.groupby("strategy", sort=False)}
    best = by_strategy.get(rows[0]["strategy"]) if rows else None
    for k, row in enumerate(rows):
        mine = by_strategy.get(row["strategy"])
        diff = np.array([])
        if k and best is not None and mine is not None:
            seeds = mine.index.intersection(best.index)
            diff = (mine.loc[seeds] - best.loc[seeds]).to_numpy(dtype=np.float64)
            diff = diff[np.isfinite(diff)]
        # two seeds' t-interval can pass what a difference of two scores can be (-1.03
        # for isolation_forest against a net); the mean is never clipped
        mean, lo, hi = mean_ci(diff, bounds=(low - high, high - low))
        row.update(paired_diff=mean, paired_diff_ci_low=lo, paired_diff_ci_high=hi,
                   paired_seeds=len(diff))


def distinct_runs(rows) -> list:
    """One ratio's ranking rows without those whose runs are another's (``same_as``, from
    `twins`): SMOTETomek whose Tomek step removed nothing tied SMOTE at +0.000 [0, 0], and
    "smote and smote_tomek tie" read as a finding. Its twin's row speaks for both.

    Parameters
    ----------
    rows : list of dict
        One ratio's ranking rows.
    """
    return [r for r in rows if not isinstance(r.get("same_as"), str)]  # NaN in a frame


#: `twins`' columns.
TWIN_COLUMNS = ("ratio", "strategy", "twin", "seeds", "unchanged", "same_fit")


def twins(runs: pd.DataFrame, scores: pd.DataFrame, order) -> pd.DataFrame:
    """The proper strategies that scored exactly as another at their ratio: the same test
    probabilities on every seed, the same seeds run (a cleaner that removed nothing, a
    SMOTETomek whose Tomek step removed nothing is SMOTE again). Judged on the scores,
    never on names: ENN removing nothing still reorders the data, and its net differs.

    Parameters
    ----------
    runs, scores : DataFrame
        `ImbalanceResult.runs` and ``.scores``.
    order : sequence of str
        The strategies in the order run; the twin named is the first of a group in the
        registry's order (none before tomek_links, smote before smote_tomek).

    Returns
    -------
    DataFrame
        `TWIN_COLUMNS`: ``strategy`` scored as ``twin`` over ``seeds`` seeds;
        ``unchanged``: it fitted on the training data as it was on every seed;
        ``same_fit``: on the same class counts as its twin on every seed.
    """
    from nets import STRATEGIES

    rank = {name: k for k, name in enumerate(STRATEGIES)}
    ok = runs[(runs["mode"] == "proper") & (runs["threshold"] == "0.5")
              & (runs["status"] == "ok")]
    sc = scores[scores["mode"] == "proper"]
    probas = {key: g["proba"].to_numpy() for key, g in
              sc.groupby(["ratio", "strategy", "seed"], sort=False)}
    out = []
    for ratio, g in ok.groupby("ratio", sort=False):
        seeds = {s: tuple(sorted(r["seed"])) for s, r in g.groupby("strategy", sort=False)}
        fit = {s: [tuple(x) for x in r.sort_values("seed")[
            ["n_train_pos", "n_train_neg", "n_fit_pos", "n_fit_neg"]].to_numpy()]
            for s, r in g.groupby("strategy", sort=False)}
        names = sorted((s for s in order if s in seeds), key=lambda s: rank.get(s, len(rank)))
        taken: set[str] = set()
        for k, first in enumerate(names):
            if first in taken:
                continue
            for other in names[k + 1:]:
                if other in taken or seeds[other] != seeds[first]:
                    continue
                if all(np.array_equal(probas[(ratio, first, s)], probas[(ratio, other, s)])
                       for s in seeds[first]):
                    taken.add(other)
                    out.append({"ratio": ratio, "strategy": other, "twin": first,
                                "seeds": len(seeds[first]),
                                "unchanged": all(c[:2] == c[2:] for c in fit[other]),
                                "same_fit": all(a[2:] == b[2:] for a, b in
                                                zip(fit[other], fit[first], strict=True))})
    return pd.DataFrame(out, columns=list(TWIN_COLUMNS))
