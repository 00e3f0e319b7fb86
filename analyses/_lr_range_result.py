"""What a learning-rate range test found (`LRRangeResult`), and its suggestions'
summary over seeds (`summarize_suggestions`)."""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from nets import compact_repr, finite_float

from ._lr_advice import ramp_set
from ._lr_said_rates import said_rate


@dataclass(frozen=True, eq=False)  # eq=False: DataFrames have no single truth value
class LRRangeResult:
    """What `lr_range_test` found. ``to_frame()`` is the tidy table of every curve point.

    Attributes
    ----------
    dataset : str
        The dataset's name.
    mode : str
        The ramp: ``"exp"``, ``"linear"`` or ``"looper"``.
    min_lr, max_lr : float
        The rates of the ramp's first and last points.
    num_steps : int
        Its points (`range_test`).
    beta : float
        The smoothing of the recorded loss (0: none, and always for the looper).
    val : bool
        Whether the loss recorded was on validation data.
    seeds : tuple of int
        Each repeat's seed.
    curves : DataFrame
        ``seed, step, lr, loss, smoothed_loss``: every recorded point of every seed.
    runs : DataFrame
        One row per seed: ``seed, stop_reason, stop_lr, divergence_lr``, ``rise_lr`` (a
        looper's first rate past `LOOPER_RISE` x its best before, else NaN), ``steps,
        descent`` (1 - the lowest smoothed loss / its first), ``lowest_at_end`` (the curve read was
        lowest at its last point: `analyses._suggest.lowest_at_end`; not a looper's cut
        where its loss rose or it stopped), ``seconds`` and one
        column per suggestion (its rate on that seed's curve).
    suggestions : DataFrame
        One row per suggestion: ``name, lr`` (10 ** median_log10), ``median_log10,
        q25_log10, q75_log10, iqr_log10, n`` (seeds with a finite value).
    suggestion : str
        The suggestion used for `suggested_lr` and verification.
    verify : DataFrame or None
        The verification runs (`analyses._lr_verify.VERIFY_COLUMNS`).
    verdict : dict or None
        `analyses._lr_verify.verify_verdict`.
    config : dict
        The `nets.TrainConfig` that ran, as a dict, with the ramp's and the
        verification's own settings.
    n_train : int
        Training examples.
    seconds : float
        The test's wall-clock time.
    test_is_train : bool
        The validation (and test) set is the training set itself (XOR's 4 points): the
        verification's scores are then training-set ones.
    settings : dict
        Every setting of the test as used, JSON-plain: `lr_range_test`'s keyword arguments
        (``config`` a `nets.TrainConfig`'s dict) that re-run it.
    data_record : dict
        ``fingerprint``, ``summary`` and ``data_seed`` of the data read
        (`analyses._analysis_data.data_record`).
    """

    dataset: str
    mode: str
    min_lr: float
    max_lr: float
    num_steps: int
    beta: float
    val: bool
    seeds: tuple[int, ...]
    curves: pd.DataFrame
    runs: pd.DataFrame
    suggestions: pd.DataFrame
    suggestion: str
    verify: pd.DataFrame | None
    verdict: dict | None
    config: dict
    n_train: int
    seconds: float
    test_is_train: bool = False
    settings: dict = field(default_factory=dict, repr=False)
    data_record: dict = field(default_factory=dict, repr=False)

    def __repr__(self) -> str:
        return compact_repr(self, suggested_lr=self.suggested_lr)

    def to_frame(self) -> pd.DataFrame:
        """Every recorded point: seed, step, lr, loss, smoothed_loss."""
        return self.curves.copy()

    @property
    def suggested_lr(self) -> float:
        """The median over seeds of the chosen suggestion."""
        return float(self.suggestions.set_index("name").loc[self.suggestion, "lr"])

    def summary(self) -> dict:
        """The JSON contract of ``hplab lr-range --json`` (NaN -> None)."""
        sug = {r["name"]: {"lr": finite_float(r["lr"]),
                           "median_log10": finite_float(r["median_log10"]),
                           "iqr_log10": finite_float(r["iqr_log10"]), "n": int(r["n"]),
                           "per_seed": [finite_float(v) for v in self.runs[r["name"]]]}
               for r in self.suggestions.to_dict("records")}
        said = {
            "dataset": self.dataset, "mode": self.mode, "min_lr": self.min_lr,
            "max_lr": self.max_lr, "num_steps": self.num_steps, "beta": self.beta,
            "val": self.val, "seeds": list(self.seeds),
            # the first seed (--seed), as scaling's and imbalance's seed: one key for it
            "seed": int(self.seeds[0]), "n_train": self.n_train,
            "suggestion": self.suggestion, "suggested_lr": finite_float(self.suggested_lr),
            "suggestions": sug,
            "divergence_lr": finite_float(_log_median(self.runs["divergence_lr"])),
            "stop_lr": finite_float(_log_median(self.runs["stop_lr"])),
            "runs": [{"seed": int(r["seed"]), "stop_reason": r["stop_reason"],
                      "stop_lr": finite_float(r["stop_lr"]),
                      "divergence_lr": finite_float(r["divergence_lr"]),
                      # older results lack it
                      "rise_lr": finite_float(r.get("rise_lr", math.nan)),
                      "steps": int(r["steps"]), "descent": finite_float(r.get("descent")),
                      # older results lack it
                      "lowest_at_end": bool(r.get("lowest_at_end", False))}
                     for r in self.runs.to_dict("records")],
            "verify": None if self.verdict is None else {
                **{k: finite_float(v) if isinstance(v, float) else v
                   for k, v in self.verdict.items()},
                "grid": _grid_records(self.verify)},
            "config": self.config, "seconds": self.seconds,
            "test_is_train": bool(self.test_is_train),
        }
        return {**said, "ramp_set": ramp_set(said)}  # read off the rest


def _log_median(values) -> float:
    v = np.asarray(values, dtype=np.float64)
    v = v[np.isfinite(v) & (v > 0)]
    # said as the decimal it stands for: one seed's 0.005 came back 0.004999999999999999
    return said_rate(float(10 ** np.median(np.log10(v)))) if v.size else math.nan


def _grid_records(verify: pd.DataFrame) -> list[dict]:
    per = verify.groupby("lr", sort=True).agg(val_loss=("val_loss", "mean"),
                                              val_accuracy=("val_accuracy", "mean"),
                                              diverged=("status", lambda s: int(
                                                  (s == "diverged").sum())))
    return [{"lr": float(lr), "val_loss": finite_float(r["val_loss"]),
             "val_accuracy": finite_float(r["val_accuracy"]), "diverged": int(r["diverged"])}
            for lr, r in per.iterrows()]


def summarize_suggestions(runs: pd.DataFrame, names) -> pd.DataFrame:
    """Median and interquartile range (log10 units) of each suggestion over seeds.

    Parameters
    ----------
    runs : DataFrame
        One row per seed, one column per suggestion name.
    names : sequence of str

    Returns
    -------
    DataFrame
        ``name, lr, median_log10, q25_log10, q75_log10, iqr_log10, n``; the quartiles
        and IQR are NaN below two values.
    """
    rows = []
    for name in names:
        v = runs[name].to_numpy(dtype=np.float64)
        v = np.log10(v[np.isfinite(v) & (v > 0)])
        q25 = med = q75 = math.nan
        if v.size:
            med = float(np.median(v))
        if v.size > 1:  # one seed shows no spread: NaN, not an IQR of 0
            q25, q75 = np.percentile(v, [25, 75])
        rows.append({"name": name, "lr": 10 ** med, "median_log10": med, "q25_log10": q25,
                     "q75_log10": q75, "iqr_log10": q75 - q25, "n": int(v.size)})
    return pd.DataFrame(rows)
