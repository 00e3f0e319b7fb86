"""How many positives each seed's test set holds, and whether so few that the ranking's
scores and verdicts may be noise.

With P test positives, one positive more or less found moves recall by 1/P, and each
positive weighs 1/P in PR-AUC (average precision) and in the positives' side of ROC-AUC:
below `FEW_TEST_POSITIVES` (10) one positive's score moves them by over 0.1, more than the
differences the verdicts read (digits' 8 at 1:50 holds 6; moons at 1:100, 2). A paired
interval cannot see it: every strategy of a seed is scored on the same few positives.
"""

from __future__ import annotations

import pandas as pd

#: Fewer test positives per seed than this, and the ranking is flagged: below 10, one
#: positive more or less found moves recall by over 0.1 (the threshold table's cut for
#: validation positives, `reports._imbalance_tables.FEW_VALIDATION_POSITIVES`, too).
FEW_TEST_POSITIVES = 10


def positives_in_test_sets(runs: pd.DataFrame) -> list[dict]:
    """Per ratio, the positives in its seeds' test sets: ``{ratio, min, max, few}``, the
    fewest and the most over the seeds (each seed's strategies share its test set) and
    whether the fewest are under `FEW_TEST_POSITIVES`; the ratios in the order run, those
    without a run that scored left out.

    Parameters
    ----------
    runs : DataFrame
        The benchmark's runs (`ImbalanceResult.runs`).
    """
    if "n_test_pos" not in runs:  # a result from before the counts were recorded
        return []
    ok = runs[(runs["mode"] == "proper") & (runs["status"] == "ok")
              & runs["n_test_pos"].notna()]
    out = []
    for ratio, g in ok.groupby("ratio", sort=False):
        low, high = int(g["n_test_pos"].min()), int(g["n_test_pos"].max())
        out.append({"ratio": ratio, "min": low, "max": high,
                    "few": low < FEW_TEST_POSITIVES})
    return out


def few_positives_words(row: dict) -> str:
    """A `positives_in_test_sets` row whose ``few`` is true, said (``""`` otherwise): how many
    positives each seed's test set holds, and what so few do to the ranking.

    Parameters
    ----------
    row : dict
        A `positives_in_test_sets` row.
    """
    if not row["few"]:
        return ""
    count = str(row["min"]) if row["min"] == row["max"] else f"{row['min']} to {row['max']}"
    return (f"each seed's test set holds {count} positive{'' if count == '1' else 's'}: so "
            "few make the scores noisy (one positive more or less found moves recall by "
            "over 0.1), and the ranking and its verdicts may read noise as a difference (a "
            "milder ratio, or more data, puts more positives in the test set)")
