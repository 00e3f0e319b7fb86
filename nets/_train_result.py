"""A training's result: how the run ended and its history, one row per checkpoint."""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    import pandas as pd

# One row per checkpoint. ``lr`` is the schedule's rate at the row's iteration: the rate
# of the step taken next (at iteration 50 of ``0.1 * 0.9 ** (step / 50)``, 0.09)
HISTORY_COLUMNS = ("epoch", "iteration", "lr", "train_loss", "train_accuracy",
                   "val_loss", "val_accuracy")


@dataclass(repr=False)
class TrainResult:
    """How a run ended and what it recorded at each checkpoint.

    ``history`` is ``records`` as a DataFrame, made when first read: a study trial needs a
    few of its numbers, and pandas' import cost every worker process ~0.3 s.

    Attributes
    ----------
    status : str
        converged (loss <= eps), max_epochs, early_stopped (patience), diverged (NaN/inf
        or a loss blow-up) or stopped (a callback).
    reason : str
        The status in words.
    records : list of dict
        One per checkpoint, keys `HISTORY_COLUMNS`.
    epochs : float
        Epochs trained.
    iterations : int
        Optimizer steps taken.
    seconds : float
        The training's wall-clock time.
    snapshots : list
        ``(epoch, parameters)`` kept for hidden-space plots (`train`'s ``snapshots``;
        empty without).
    final_row : int
        The ``records`` row of the weights the net ends with: the last checkpoint, or the
        best one when early stopping put its weights back.
    """

    status: str  # converged | max_epochs | early_stopped | diverged | stopped
    reason: str
    records: list[dict]
    epochs: float
    iterations: int
    seconds: float
    snapshots: list = field(default_factory=list)
    # the history row of the weights the net ends with: the last checkpoint, or the best
    # one when early stopping put its weights back
    final_row: int = -1

    @property
    def kept_start(self) -> bool:
        """Whether early stopping put back the weights the run started from: no later
        checkpoint scored a lower watched loss, so the net ends as it began (untrained,
        for a run from step 0)."""
        return self.status == "early_stopped" and self.final_row == 0

    @functools.cached_property
    def history(self) -> pd.DataFrame:
        """One row per checkpoint, columns `HISTORY_COLUMNS`."""
        import pandas as pd

        return pd.DataFrame.from_records(self.records, columns=HISTORY_COLUMNS)

    def column(self, key: str) -> np.ndarray:
        """A history column as float64 values (no DataFrame made).

        Parameters
        ----------
        key : str
            A history column (`HISTORY_COLUMNS`: ``"train_loss"``, ``"val_accuracy"``...).
        """
        return np.array([rec[key] for rec in self.records], dtype=float)

    def __repr__(self) -> str:
        shape = f"<DataFrame {len(self.records)} x {len(HISTORY_COLUMNS)}>"
        fields = ", ".join(f"{name}={getattr(self, name)!r}" for name in (
            "epochs", "iterations", "seconds", "final_row"))
        return (f"TrainResult(status={self.status!r}, reason={self.reason!r}, "
                f"history={shape}, {fields})")

    def final_checkpoint(self) -> pd.Series:
        """The history row that scores the trained net (empty without a history)."""
        import pandas as pd

        return self.history.iloc[self.final_row] if len(self.history) else pd.Series(
            dtype=float)

    def final(self, key: str) -> float:
        """A history column's value for the trained net (see :meth:`final_checkpoint`);
        NaN without a history. A name outside `HISTORY_COLUMNS` raises KeyError.

        Parameters
        ----------
        key : str
            A history column (`HISTORY_COLUMNS`).
        """
        if key not in HISTORY_COLUMNS:  # a typo must not read as "no value"
            raise KeyError(f"no history column {key!r}; columns: {', '.join(HISTORY_COLUMNS)}")
        return float(self.records[self.final_row][key]) if self.records else float("nan")
