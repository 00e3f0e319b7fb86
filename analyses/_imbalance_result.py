"""`ImbalanceResult`: the frozen outcome of an imbalance benchmark, as tidy tables.

Plots live in :mod:`reports`; this holds the numbers every figure is drawn from. Nothing
in `to_frame` depends on timing or worker count: same seed, same table. Its leakage and
accuracy checks are in ``_imbalance_pitfalls``, its ranking's table in
``_imbalance_ranking``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from nets import (
    CONFUSION,
    IMBALANCE_METRICS,
    check_metric,
    compact_repr,
    finite_or_none,
)

from ._imbalance_budget import training_budget
from ._imbalance_metrics import METRIC_RANGE, curve_frames, mean_ci
from ._imbalance_pitfalls import _Pitfalls
from ._imbalance_positives import positives_in_test_sets
from ._imbalance_ranking import rank_strategies
from ._imbalance_unchanged import unchanged_runs
from ._imbalance_verdict import PAIRED_COLUMNS, twins

#: A run's status as `ImbalanceResult.status_frame`'s reasons count it.
_SAID = {"ok": "ran", "failed": "failed", "skipped": "skipped"}


def _records(frame: pd.DataFrame) -> list[dict]:
    return [{k: finite_or_none(v) for k, v in row.items()} for row in frame.to_dict("records")]


@dataclass(frozen=True, eq=False)  # eq=False: frames have no single truth value
class ImbalanceResult(_Pitfalls):
    """Outcome of `imbalance_benchmark`.

    Attributes
    ----------
    dataset, positive : str, object
        The dataset name and its positive (minority) class label.
    ratios, strategies : tuple of str
        Ratio labels (``"1:50"``, ``"own"``) and strategy keys, in the order run.
    metric, tune_for : str
        Ranking metric; what the tuned threshold maximizes on validation data.
    sampling_ratio : float
        Minority/majority ratio the samplers aimed for.
    seeds, seed : int
        Repetitions and the root seed.
    leakage_demo : bool
    net_params : dict
    runs : DataFrame
        One row per ratio, strategy, mode, seed and threshold (see `to_frame`).
    scores : DataFrame
        Test-set labels and positive probabilities of every successful run.
    majority : DataFrame
        Scores of always predicting the training majority class, per ratio and seed.
    data : DataFrame
        Class counts of each split, per ratio and seed.
    timings : DataFrame
        Seconds per run (kept out of `to_frame`, which must not vary).
    seconds : float
    test_is_train : bool
        The test set is the training set itself (XOR's 4 points): no score is held out.
    settings : dict
        Every setting of the benchmark as used, JSON-plain: `imbalance_benchmark`'s
        keyword arguments that re-run it.
    data_record : dict
        ``fingerprint``: one per variant ``{ratio, seed, data_seed, fingerprint}`` (each
        seed draws its own data); ``summary``: the first variant's; ``data_seed`` None
        (each variant's is in its entry).
    """

    dataset: str
    positive: object
    ratios: tuple
    strategies: tuple
    metric: str
    tune_for: str
    sampling_ratio: float
    seeds: int
    seed: int
    leakage_demo: bool
    net_params: dict
    runs: pd.DataFrame
    scores: pd.DataFrame
    majority: pd.DataFrame
    data: pd.DataFrame
    timings: pd.DataFrame = field(repr=False)
    seconds: float = 0.0
    test_is_train: bool = False
    settings: dict = field(default_factory=dict, repr=False)
    data_record: dict = field(default_factory=dict, repr=False)

    # -- tables ---------------------------------------------------------------------
    def __repr__(self) -> str:
        return compact_repr(self)

    def to_frame(self) -> pd.DataFrame:
        """Every run's test scores: one row per ratio, strategy, mode, seed and threshold.

        Columns: ``ratio, strategy, mode`` (proper / leaky), ``seed, threshold`` (``"0.5"``
        or ``"tuned"``), ``threshold_value, status, reason, note``, each metric of
        `IMBALANCE_METRICS`, the confusion cells ``tn, fp, fn, tp``, and the class counts
        ``n_train_*`` (before resampling), ``n_fit_*`` (what the model was fitted on),
        ``n_val_*``, ``n_test_*``. A failed run has NaN scores and its reason.
        """
        return self.runs.copy()

    def status_frame(self) -> pd.DataFrame:
        """Per ratio, strategy and mode: ok / partial / failed / skipped, why (the first
        failure's or skip's; where seeds differ, each kind's count and first reason: "1 of
        3 seeds ran; 2 skipped: ..."), and the runs ok, failed (an error, or too few samples
        for the sampler) and skipped (not trained: nothing to resample)."""
        rows = []
        first = self.runs[self.runs["threshold"] == "0.5"]
        for (ratio, strategy, mode), g in first.groupby(["ratio", "strategy", "mode"],
                                                        sort=False):
            n = {s: int((g["status"] == s).sum()) for s in ("ok", "failed", "skipped")}
            status = ("ok" if n["ok"] == len(g) else "skipped" if n["skipped"] == len(g)
                      else "failed" if n["ok"] == 0 else "partial")
            # a mix says each part as it was: adasyn failed on one seed and was skipped on
            # two, and the skipped table gave the failure's reason alone; a partial one's
            # mean and interval are over fewer seeds
            parts = [(kind, g.loc[g["status"] == kind, "reason"].iloc[0] if kind != "ok"
                      else "") for kind in ("ok", "failed", "skipped") if n[kind]]
            reason = parts[0][1] if len(parts) == 1 else "; ".join(
                f"{n[kind]}{f' of {len(g)} seeds' if not i else ''} {_SAID[kind]}"
                + (f": {why.rstrip('.')}" if why else "") for i, (kind, why) in enumerate(parts))
            rows.append({"ratio": ratio, "strategy": strategy, "mode": mode, "status": status,
                         "reason": reason, "n_ok": n["ok"],
                         "n_failed": n["failed"], "n_skipped": n["skipped"],
                         "n_runs": len(g)})
        return pd.DataFrame(rows)

    def summary_frame(self) -> pd.DataFrame:
        """Long table: mean and 95 % interval over seeds per ratio, strategy, mode,
        threshold and metric (failed seeds left out; ``n`` counts the rest)."""
        # computed once (the result is frozen) and copied out: a report asks for it a
        # dozen times through `ranking` and its tables, ~0.3 s each on the default run
        cached = self.__dict__.get("_summary")
        if cached is None:
            cached = self.__dict__["_summary"] = self._summary_frame()
        return cached.copy()

    def _summary_frame(self) -> pd.DataFrame:
        rows = []
        keys = ["ratio", "strategy", "mode", "threshold"]
        for key, g in self.runs.groupby(keys, sort=False):
            ok = g[g["status"] == "ok"]
            for metric in IMBALANCE_METRICS:
                values = ok[metric] if metric in ok else []
                mean, lo, hi = mean_ci(values, bounds=METRIC_RANGE[metric])
                rows.append({**dict(zip(keys, key, strict=True)), "metric": metric,
                             "mean": mean, "ci_low": lo, "ci_high": hi, "n": len(ok)})
        return pd.DataFrame(rows)

    def ranking(self, metric: str | None = None, mode: str = "proper") -> pd.DataFrame:
        """Strategies ranked by ``metric`` within each ratio, best first, then failed,
        then skipped, unranked: their ``rank`` is missing (NA; null in ``--json``).
        Exactly tied strategies (the same mean) share the first one's rank (1, 2, 2, 4;
        `tied_ranks` writes them "2=").

        Threshold metrics are ranked at 0.5 (what the remedy itself changes); the
        ``tuned_*`` columns give the same metric at the validation-tuned threshold.
        ``ci_low``/``ci_high`` are each strategy's own 95 % interval over seeds; the
        `PAIRED_COLUMNS` compare it with the first ranked seed by seed (every strategy of
        a seed shares its data, split and test set): ``paired_diff`` is the mean of its
        per-seed differences, ``paired_diff_ci_*`` their 95 % t-interval, ``paired_seeds``
        the seeds both ran; ``verdict`` is `against_first`'s word on it, read from them
        (None for the first and for a strategy with no score). Intervals are clipped to
        what the metric, or a difference of two, can be. ``tuned_threshold`` is the mean over
        seeds of each seed's validation-tuned threshold (each seed trains its own net): no
        one model's threshold. ``same_as`` names the strategy whose runs a strategy's are
        (`twins`: the same test probabilities on every seed), else None. A strategy whose
        score is no probability has no row in a ranking by a metric that reads one
        (`unranked`: isolation_forest by brier).

        Parameters
        ----------
        metric : str, optional
            A column of `scores`; None: the benchmark's own ``metric``.
        mode : str, default "proper"
            ``"proper"``, or ``"leaky"`` for the runs of ``leakage_demo``.
        """
        metric = metric or self.metric
        check_metric(metric)
        self._check_mode(mode)
        return rank_strategies(self, metric, mode)

    def twins(self) -> pd.DataFrame:
        """The strategies that scored exactly as another at their ratio (proper runs):
        the same test probabilities on every seed. They keep their own ranks (each did
        run); the report says whose scores they are. See `analyses._imbalance_verdict.twins`
        for the columns."""
        cached = self.__dict__.get("_twins")  # as `summary_frame`: every ranking reads it
        if cached is None:
            cached = self.__dict__["_twins"] = twins(self.runs, self.scores, self.strategies)
        return cached.copy()

    def _check_mode(self, mode: str) -> None:
        modes = sorted(set(self.runs["mode"]))
        if mode not in modes:
            raise ValueError(f"mode {mode!r} is not in this result; valid: {', '.join(modes)}")

    def confusion(self, mode: str = "proper") -> pd.DataFrame:
        """Confusion cells summed over the successful seeds, per ratio, strategy and
        threshold.

        Parameters
        ----------
        mode : str, default "proper"
            ``"proper"``, or ``"leaky"`` for the runs of ``leakage_demo`` (a ValueError names
            the modes the result holds).
        """
        self._check_mode(mode)  # a typo must not read as "no runs"
        ok = self.runs[(self.runs["status"] == "ok") & (self.runs["mode"] == mode)]
        if ok.empty:
            return pd.DataFrame(columns=["ratio", "strategy", "threshold", *CONFUSION])
        return (ok.groupby(["ratio", "strategy", "threshold"], sort=False)[list(CONFUSION)]
                .sum().astype(int).reset_index())

    def curves(self) -> dict[str, pd.DataFrame]:
        """ROC and precision-recall curves of the proper runs averaged over seeds (their
        areas are the mean ROC-AUC and PR-AUC), calibration curves with seeds pooled."""
        return curve_frames(self.scores[self.scores["mode"] == "proper"])

    # -- JSON -------------------------------------------------------------------------
    def summary(self) -> dict:
        """The ``hplab imbalance --json`` contract (NaN as null)."""
        # each strategy's training budget beside its rank: undersamplers take fewer steps
        budget = training_budget(self.runs, self.net_params)[
            ["ratio", "strategy", "epochs", "steps", "undertrained"]]
        rank = self.ranking().merge(budget, on=["ratio", "strategy"], how="left")
        metrics = []
        s = self.summary_frame()
        s = s[s["mode"] == "proper"]
        for (ratio, strategy, threshold), g in s.groupby(["ratio", "strategy", "threshold"],
                                                         sort=False):
            thr = self.runs[(self.runs["ratio"] == ratio) & (self.runs["strategy"] == strategy)
                            & (self.runs["threshold"] == threshold)
                            & (self.runs["mode"] == "proper")]["threshold_value"]
            entry = {"strategy": strategy, "ratio": ratio, "threshold": threshold,
                     "threshold_value": finite_or_none(
                         float(np.nanmean(thr)) if thr.notna().any() else math.nan)}
            for row in g.itertuples():
                entry[row.metric] = {"mean": finite_or_none(row.mean),
                                     "ci_low": finite_or_none(row.ci_low),
                                     "ci_high": finite_or_none(row.ci_high)}
            metrics.append(entry)
        status = self.status_frame()
        cols = ["strategy", "ratio", "mode", "status", "reason"]
        failed, skipped = status[status["n_failed"] > 0], status[status["n_skipped"] > 0]
        check = self.accuracy_check()
        return {
            "dataset": self.dataset, "positive": finite_or_none(self.positive),
            "ratio": self.ratios[0], "ratios": list(self.ratios), "metric": self.metric,
            "tune_for": self.tune_for, "sampling_ratio": self.sampling_ratio,
            "seeds": self.seeds, "seed": self.seed, "strategies": list(self.strategies),
            "net_params": {k: finite_or_none(v) for k, v in self.net_params.items()},
            "ranking": _records(rank[["strategy", "ratio", "rank", "metric", "mean", "ci_low",
                                      "ci_high", "tuned_mean", "tuned_threshold", "status",
                                      "reason", "same_as", *PAIRED_COLUMNS, "verdict", "epochs",
                                      "steps", "undertrained"]]),
            "metrics": metrics,
            "failed": _records(failed[cols]),
            # not trained, not failed: their sampler had nothing to resample
            "skipped": _records(skipped[cols]),
            # ...and those whose sampler did nothing on some seeds only: still ranked
            "unchanged": unchanged_runs(self.runs),
            # QA: verdicts read from 2 test positives a seed were not flagged
            "test_positives": positives_in_test_sets(self.runs),
            "majority": _records(check),
            "accuracy_misleading": bool(check["misleading"].any()),
            "leakage": _records(self.leakage()) if self.leakage_demo else None,
            "n_runs": int(len(self.timings)), "seconds": self.seconds,
            "test_is_train": bool(self.test_is_train),
        }
