"""How a study's trials ended, in words: the outcome table's labels. No import of study
or pandas: the terminal's lines may read these, and commands that print no study import
them.
"""

from __future__ import annotations

#: The outcome table's words for the outcomes that need more than their name
OUTCOME_LABELS = {"retried": "retried (worker died)",
                  "left running": "left running (worker stopped)"}


def outcome_of(label: str) -> str:
    """The `study.trial_outcome` an outcome table's ``label`` stands for."""
    return next((o for o, text in OUTCOME_LABELS.items() if text == label), label)
