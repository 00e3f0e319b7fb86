"""What a capacity sweep found (`CapacityResult`): its runs and per-configuration table,
the best configuration and its ``--json`` (the smallest sufficient width per depth: its
base, in ``_capacity_widths.py``)."""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

import nets
from nets import compact_repr

from ._beats_baseline import beats_baseline
from ._capacity_rmse import config_rmse
from ._capacity_widths import _WidthVerdicts


@dataclass(frozen=True, eq=False)  # eq=False: DataFrames have no single truth value
class CapacityResult(_WidthVerdicts):
    """What `capacity_sweep` found. ``to_frame()`` is the tidy table of every run.

    Attributes
    ----------
    dataset, task : str
        The dataset's name and its task (``"binary"``, ``"regression"``...).
    widths, depths : tuple of int
        The widths and depths swept.
    seeds : tuple of int
        Each net's seed (``seed, seed + 1, ...``).
    eps : float
        The validation loss whose crossing the iterations to eps measure (0: not measured).
    metric : str
        ``"accuracy"`` (classification) or ``"loss"`` (regression): what "best" means.
    runs : DataFrame
        `RUN_COLUMNS`, one row per (depth, width, seed).
    table : DataFrame
        One row per (depth, width): means and standard deviations over seeds, the
        train - validation gap and the median iterations to ``eps``.
    config : dict
        The `nets.TrainConfig` that ran, as a dict (``hidden`` None: each net's own).
    seconds : float
        The sweep's wall-clock time.
    majority_share : float or None
        Validation accuracy of always predicting the training set's most frequent class
        (`nets.trivial_baseline`; None for regression): the floor a net must beat to have
        learned anything.
    n_val : int or None
        Validation examples: one of them is the finest step a validation accuracy takes.
    test_is_train : bool
        The test set is the training set itself (XOR's 4 points): no score is held out.
    baseline_val_loss : float or None
        Validation loss of always predicting the training set's mean (regression; None for
        classification): the loss a net must beat to have learned anything from the inputs.
    settings : dict
        Every setting of the sweep as used, JSON-plain: `capacity_sweep`'s keyword
        arguments (``config`` a `nets.TrainConfig`'s dict) that re-run it.
    data_record : dict
        ``fingerprint``, ``summary`` and ``data_seed`` of the data read
        (`analyses._analysis_data.data_record`).
    """

    dataset: str
    task: str
    widths: tuple[int, ...]
    depths: tuple[int, ...]
    seeds: tuple[int, ...]
    eps: float
    metric: str
    runs: pd.DataFrame
    table: pd.DataFrame
    config: dict
    seconds: float
    majority_share: float | None = None
    n_val: int | None = None
    test_is_train: bool = False  # XOR: its 4 points are training, validation and test set
    baseline_val_loss: float | None = None
    settings: dict = field(default_factory=dict, repr=False)
    data_record: dict = field(default_factory=dict, repr=False)

    def __repr__(self) -> str:
        return compact_repr(self)

    def to_frame(self) -> pd.DataFrame:
        """One row per run: depth, width, seed, losses, accuracies, iterations, seconds."""
        return self.runs.copy()

    def best(self) -> dict:
        """The (depth, width) with the best mean validation score: ``{"depth", "width",
        "val", "test"}``, its mean validation and test scores in the sweep's metric."""
        row = _rank(self.table, self.metric).iloc[0]
        return {"depth": int(row["depth"]), "width": int(row["width"]),
                "val": float(row[f"val_{self.metric}"]),
                "test": float(row[f"test_{self.metric}"])}

    def beats_mean(self, loss: float, spread: float = math.nan) -> bool:
        """Whether a mean validation ``loss`` learned anything from the inputs: it beats
        `baseline_val_loss` by ``BASELINE_MARGIN`` (``analyses._beats_baseline.beats_baseline``,
        as ``lr-range --verify`` and ``scaling`` ask) and by more than ``spread``, its standard
        deviation over seeds. True without a baseline (classification).

        Parameters
        ----------
        loss : float
            A mean validation loss (regression).
        spread : float, default NaN
            Its standard deviation over seeds; NaN (one seed): only the margin is asked.
        """
        base = self.baseline_val_loss
        if base is None:
            return True
        return bool(beats_baseline(loss, base)
                    and (np.isnan(spread) or base - loss > spread))

    def beats_majority(self, accuracy: float, spread: float = math.nan) -> bool:
        """Whether a mean validation ``accuracy`` learned anything from the inputs: it is
        above `majority_share` by more than ``spread``, its standard deviation over seeds
        (a seed that predicts one class scores the share itself). True without a share.

        Parameters
        ----------
        accuracy : float
            A mean validation accuracy, 0 to 1.
        spread : float, default NaN
            Its standard deviation over seeds; NaN (one seed): only the share is beaten.
        """
        share = self.majority_share
        if share is None:
            return True
        return bool(accuracy - share > (0.0 if np.isnan(spread) else spread))

    def eps_above_baseline(self) -> bool | None:
        """Whether ``eps`` is at or above `baseline_val_loss` (None without one, or with
        eps 0): a net that predicts the training set's mean reaches it, so iterations to
        eps then say nothing of capacity (sine's mean scores 0.0544, below the default 0.1:
        a regression loss is half the MSE of a target scaled to [0, 1])."""
        if self.baseline_val_loss is None or not self.eps:
            return None
        return bool(self.eps >= self.baseline_val_loss)

    def summary(self) -> dict:
        """The JSON contract of ``hplab capacity --json`` (NaN -> None)."""
        # a regression's test RMSE in the target's units, as the report's card and table
        # give it (null for classification): beside the test loss it comes from
        rmse = config_rmse(self)
        table = self.table.assign(test_rmse=rmse)
        rows = [{k: nets.finite_or_none(v) for k, v in r.items()}
                for r in table.to_dict("records")]
        best = self.best()
        at = (self.table["depth"] == best["depth"]) & (self.table["width"] == best["width"])
        best["test_rmse"] = nets.finite_or_none(float(rmse[at].iloc[0]))
        # and its R², as `hplab train`'s test_r2 (means over seeds; null for classification)
        for k in ("val_r2", "test_r2"):
            best[k] = (nets.finite_or_none(float(self.table.loc[at, k].iloc[0]))
                       if k in self.table else None)
        return {"dataset": self.dataset, "task": self.task, "widths": list(self.widths),
                "depths": list(self.depths), "seeds": list(self.seeds),
                # the first seed (--seed), as scaling's and imbalance's seed: one key for it
                "seed": int(self.seeds[0]), "eps": self.eps,
                "metric": self.metric, "majority_share": self.majority_share,
                "baseline_val_loss": self.baseline_val_loss,
                "eps_above_baseline": self.eps_above_baseline(),
                # XOR: its "test" scores are training-set ones, as the report says
                "test_is_train": bool(self.test_is_train), "best": best,
                "sufficient_width": {str(d): w for d, w in self.sufficient_widths().items()},
                # a sufficient width read while wider nets still trained is provisional
                "undertrained_wider": {str(d): why["undertrained"]
                                       for d, why in self.why_wider_worse().items()
                                       if why["undertrained"]},
                "table": rows, "config": self.config, "seconds": self.seconds}


def width_reach(widths, width: int) -> str:
    """What a sufficient ``width`` shows among the ``widths`` swept: ``"only"`` (the one
    width tried), ``"widest"`` (sufficient only by comparison with itself: no plateau seen,
    a wider net may do better) or ``"plateau"`` (a wider width tried did no better).

    Parameters
    ----------
    widths : sequence of int
        The widths swept.
    width : int
        A sufficient width among them.
    """
    if len(widths) == 1:
        return "only"
    return "widest" if width == max(widths) else "plateau"


def _rank(table: pd.DataFrame, metric: str) -> pd.DataFrame:
    # configurations with a diverged seed last; ties go to the smaller net: capacity beyond
    # need only costs. Means to 12 digits: 0.715 and 0.7150000000000001 (two seeds' 0.72 and
    # 0.71 against 0.66 and 0.77) are a tie, not a win by the last bit
    score = table[f"val_{metric}"].map(lambda v: float(f"{v:.12g}"))
    return table.assign(_any=table["diverged"] > 0, _score=score).sort_values(
        ["_any", "_score", "n_parameters"], ascending=[True, metric == "loss", True],
        na_position="last").drop(columns=["_any", "_score"])
