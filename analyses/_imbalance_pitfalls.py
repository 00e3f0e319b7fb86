"""The two pitfalls an imbalance benchmark shows beside its ranking: scores inflated by
resampling before the split (`leakage`), and an accuracy that flatters a model finding
nothing (`accuracy_check`). A base of `ImbalanceResult`, on its tables."""

from __future__ import annotations

import pandas as pd

from nets import IMBALANCE_METRICS, STRATEGIES

from ._imbalance_variants import OWN, produced_ratio

#: Metrics compared in the leakage demonstration (the ones leakage inflates most).
LEAKAGE_METRICS = ("roc_auc", "pr_auc", "recall", "precision", "f1")
#: Majority-class accuracy at or above this (1:3), with zero recall, is called misleading:
#: the useless model's balanced accuracy is 0.5, so accuracy overstates it by 25 points+.
MISLEADING_ACCURACY = 0.75


class _Pitfalls:
    """`ImbalanceResult`'s leakage and accuracy checks, read off its ``runs``, ``majority``
    and ``data`` frames."""

    def leakage(self) -> pd.DataFrame:
        """Proper against leaky scores (threshold 0.5) for every sampler run both ways.

        Paired by seed: ``proper``, ``leaky`` and ``inflation`` (leaky - proper) are means
        over the ``n_seeds_paired`` seeds that succeeded both ways (NaN when none did), so
        a seed failed one way does not move the other way's mean. ``kind`` is the
        sampler's (over, under, clean, combined): only over and combined samplers put
        copies of (or points between) test positives into training. Every kind changes
        the test set's class balance: ``test_prevalence_proper`` and
        ``test_prevalence_leaky`` are its positive share (mean over the paired seeds),
        which alone moves PR-AUC, precision and F1.
        """
        cols = ["ratio", "strategy", "kind", "metric", "proper", "leaky", "inflation",
                "test_prevalence_proper", "test_prevalence_leaky", "n_seeds_paired"]
        if not self.leakage_demo:
            return pd.DataFrame(columns=cols)
        runs = self.runs[self.runs["threshold"] == "0.5"]
        runs = runs.assign(test_prevalence=runs["n_test_pos"]
                           / (runs["n_test_pos"] + runs["n_test_neg"]))
        metrics = [m for m in IMBALANCE_METRICS if m in LEAKAGE_METRICS]
        rows = []
        # every sampler with a leaky run that succeeded, in the order run
        for (ratio, strategy), g in runs.groupby(["ratio", "strategy"], sort=False):
            g = g[g["status"] == "ok"]
            by_mode = {m: g[g["mode"] == m].set_index("seed") for m in ("proper", "leaky")}
            if by_mode["leaky"].empty:
                continue
            paired = by_mode["proper"].index.intersection(by_mode["leaky"].index)
            proper, leaky = by_mode["proper"].loc[paired], by_mode["leaky"].loc[paired]
            for metric in metrics:
                p, lk = proper[metric].mean(), leaky[metric].mean()  # NaN when none paired
                rows.append({"ratio": ratio, "strategy": strategy,
                             "kind": STRATEGIES[strategy].kind, "metric": metric,
                             "proper": p, "leaky": lk, "inflation": lk - p,
                             "test_prevalence_proper": proper["test_prevalence"].mean(),
                             "test_prevalence_leaky": leaky["test_prevalence"].mean(),
                             "n_seeds_paired": len(paired)})
        return pd.DataFrame(rows, columns=cols)

    def accuracy_check(self) -> pd.DataFrame:
        """Per ratio: how the always-majority model scores, and whether accuracy misleads.

        Its accuracy is the majority share; its balanced accuracy is 0.5 whatever the
        balance. ``misleading`` is True when that accuracy is at least
        `MISLEADING_ACCURACY` while its recall is zero; ``message`` says so in words,
        naming the ratio with the test set's class counts where they stray from it
        (`produced_ratio`: "At 1:100 (test 2:250, 1:125), ...").
        """
        rows = []
        for ratio in self.ratios:
            m = self.majority[self.majority["ratio"] == ratio]
            d = self.data[self.data["ratio"] == ratio]
            acc, rec = float(m["accuracy"].mean()), float(m["recall"].mean())
            prevalence = float((d["test_pos"] / (d["test_pos"] + d["test_neg"])).mean())
            misleading = acc >= MISLEADING_ACCURACY and rec == 0.0
            # the ratio as the test set has it, where rounding moved it (1:100 made 2:250)
            where = ("the data's own balance" if ratio == OWN else
                     ratio + produced_ratio(ratio, zip(d["test_pos"], d["test_neg"],
                                                       strict=True)))
            gap = acc - 0.5  # over the 50 % balanced accuracy of a model that finds nothing
            above = (f"{gap * 100:.0f} points above the 50% balanced accuracy of a model that "
                     "finds nothing")
            verdict = (f"accuracy is misleading here, {above}; read PR-AUC, recall and "
                       "balanced accuracy instead." if misleading else
                       f"accuracy misleads less at this balance but is still {above}; read "
                       "balanced accuracy, recall and PR-AUC beside it." if gap >= 0.05 else
                       "accuracy does not flatter it at this balance (its balanced accuracy "
                       "is 50%).")
            message = (f"At {where}, predicting the majority class for every example scores "
                       f"{acc:.1%} accuracy and {rec:.0%} recall of the positive class: "
                       + verdict)
            none = self.runs[(self.runs["ratio"] == ratio) & (self.runs["strategy"] == "none")
                             & (self.runs["threshold"] == "0.5") & (self.runs["mode"] == "proper")
                             & (self.runs["status"] == "ok")]
            if len(none) and none["recall"].max() == 0.0:
                message += (f" The untreated net (none) finds no positive at threshold 0.5 "
                            f"either, at {none['accuracy'].mean():.1%} accuracy.")
            rows.append({"ratio": ratio, "accuracy": acc, "recall": rec,
                         "prevalence": prevalence, "misleading": misleading,
                         "message": message})
        return pd.DataFrame(rows)
