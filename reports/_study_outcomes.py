"""The outcome table of a study's report: its trials counted by outcome.

What each trial's outcome is, is the study package's (`study.trial_outcome`); the
table's words for one are `reports._outcome_words`'.
"""

from __future__ import annotations

import pandas as pd

from study import OUTCOMES

from ._outcome_words import OUTCOME_LABELS
from ._study_data import _outcomes


def state_counts_frame(trials, *, flat: bool = True, stale=()) -> pd.DataFrame:
    """Trials per outcome (`study.trial_outcome`, labelled by `OUTCOME_LABELS`), in
    `study.OUTCOMES`' order: columns ``outcome`` and ``trials``.

    ``flat`` as in `study.trial_info`; ``stale``: the numbers of RUNNING trials whose
    worker stopped (`study.stale_trials`), counted apart from the live ones, as the text
    does.
    """
    counts = pd.Series(list(_outcomes(trials, flat, stale).values()),
                       dtype=object).value_counts()
    shown = [o for o in OUTCOMES if o in counts]
    return pd.DataFrame({"outcome": [OUTCOME_LABELS.get(o, o) for o in shown],
                         "trials": [int(counts[o]) for o in shown]})
