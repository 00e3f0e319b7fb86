"""The imbalance benchmark's slow strategies, said before they run: the samplers that search
the nearest neighbours of every row, which take minutes on a large set.

imbalanced-learn's TomekLinks and EditedNearestNeighbours (alone, and after SMOTE in
SMOTETomek and SMOTEENN) ask scikit-learn for the nearest neighbours of every row (ENN:
of every majority row) among all of them. Above 15 features scikit-learn searches by brute
force, every pair of rows, so their time grows with the square of the rows: on a 30-feature
set, 20,000 training rows took 2-3 s a run, 80,000 about 55 s, and a fraud table's 205,060
(284,807 rows less the test and validation splits) 5 minutes (TomekLinks), where every other
strategy's sampler took under a second (benchmarks/README.md, "A fraud-sized CSV").
"""

from __future__ import annotations

#: Distance terms (query row x fitted row x feature) a second that the figures above
#: measured: 2.7e9-3.6e9 on a 2-core machine running another job. A guess elsewhere, said so.
TERMS_PER_SECOND = 3e9
#: Estimated seconds of neighbour search over a benchmark's runs past which it warns.
WARN_SECONDS = 60.0
#: The strategies whose sampler searches every row's neighbours (`neighbour_rows`), the
#: slow ones; benchmarks/fraud_csv.py times these
SLOW_STRATEGIES = ("tomek_links", "enn", "smote_enn", "smote_tomek")


def neighbour_rows(strategy: str, n_neg: int, n_pos: int,
                   sampling_ratio: float) -> tuple[int, int] | None:
    """(rows queried, rows searched among) by ``strategy``'s search of every row, or None
    for a strategy without one (SMOTE and its kin search the minority's neighbours only).

    Parameters
    ----------
    strategy : str
        A key of ``nets.STRATEGIES``.
    n_neg, n_pos : int
        The majority and minority rows the sampler is given.
    sampling_ratio : float
        Minority/majority after SMOTE, for the combined samplers.

    Returns
    -------
    tuple of int, or None
    """
    if strategy not in SLOW_STRATEGIES:
        return None
    n = n_neg + n_pos
    smoted = n_neg + max(n_pos, int(sampling_ratio * n_neg))  # SMOTE's rows, then cleaned
    return {"tomek_links": (n, n), "enn": (n_neg, n), "smote_tomek": (smoted, smoted),
            "smote_enn": (smoted, smoted)}[strategy]


def slow_strategies_warning(runs, n_features: int) -> str:
    """A warning naming the strategies whose neighbour searches make the benchmark slow,
    with a rough estimate of their time, or ``""`` under `WARN_SECONDS`.

    Parameters
    ----------
    runs : iterable of (str, int, int, float)
        Each run's (strategy, majority rows, minority rows, sampling ratio).
    n_features : int
        The features every row has.

    Returns
    -------
    str
    """
    seconds: dict[str, float] = {}
    n_runs = most_rows = 0
    for strategy, n_neg, n_pos, ratio in runs:
        searched = neighbour_rows(strategy, n_neg, n_pos, ratio)
        if searched is not None:
            n_runs, most_rows = n_runs + 1, max(most_rows, n_neg + n_pos)
            seconds[strategy] = seconds.get(strategy, 0.0) + \
                searched[0] * searched[1] * n_features / TERMS_PER_SECOND
    total = sum(seconds.values())
    if total < WARN_SECONDS:
        return ""
    slow = sorted(seconds, key=seconds.get, reverse=True)
    minutes = max(1, round(total / 60))
    return (f"{', '.join(slow)} search each row's nearest neighbours among all "
            f"{most_rows:,} training rows (imbalanced-learn, by brute force above 15 "
            f"features: time grows with the square of the rows): about {minutes} minute"
            f"{'s' if minutes != 1 else ''} for their {n_runs} run"
            f"{'s' if n_runs != 1 else ''} at {TERMS_PER_SECOND / 1e9:g} billion "
            "distance terms a second (a 2-core machine's; a guess elsewhere), where every "
            "other sampler takes seconds; leave them out (--strategies, strategies=) or train "
            "on fewer rows (the dataset's ?train_size=)")
