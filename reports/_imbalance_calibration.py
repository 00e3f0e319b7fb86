"""The imbalance report's calibration section of one ratio: reliability curves and Brier
scores of the strategies whose scores are probabilities."""

from __future__ import annotations

from functools import partial

import pandas as pd

import nets

from ._core import Report
from ._imbalance_draw import draw_calibration
from ._imbalance_tables import brier_table


def not_probabilities(strategies) -> list[str]:
    """The strategies whose test score is no probability: isolation_forest's is an anomaly
    score in (0, 1], drawn as a reliability curve and Brier-scored, it read as the worst
    calibrated remedy, which it never claimed to be."""
    return [s for s in strategies if nets.STRATEGIES[s].kind == "anomaly"]


def calibration_section(rep: Report, result, ratio: str, *, where: str, tag: str, at: str,
                        calibration: pd.DataFrame) -> None:
    """One ratio's calibration section: ``calibration`` its reliability bins, ``where`` and
    ``tag`` its title's and files' ratio, ``at`` its alt text's."""
    rep.add_section(f"Calibration{where}",
                    "Resampling and class weights change the training prevalence, so the "
                    "net's probabilities can drift above the real ones, a price a remedy "
                    "may pay: the Brier scores below say whether it did here.")
    s = result.summary_frame()
    brier = s[(s["ratio"] == ratio) & (s["metric"] == "brier") & (s["mode"] == "proper")
              & (s["threshold"] == "0.5")][["strategy", "mean", "ci_low", "ci_high"]]
    away = [n for n in not_probabilities(result.strategies)
            if n in set(calibration["strategy"]) | set(brier["strategy"])]
    calibration = calibration[~calibration["strategy"].isin(away)]
    brier = brier[~brier["strategy"].isin(away)]
    left_out = (f" {nets.and_list(away)} is left out: its score is an anomaly score in "
                "(0, 1], not a probability, so it has no calibration to read."
                if away else "")
    if calibration.empty:  # isolation_forest alone ran
        rep.add_text("No strategy here scores a probability." + left_out, note=True)
        return
    rep.add_figure(f"calibration-{tag}", partial(draw_calibration, among=result.strategies),
                   calibration, alt=f"Reliability curves {at}, one panel per strategy",
                   caption="Reliability curves (10 uniform bins, seeds pooled), one panel "
                           "per strategy; the dotted diagonal is perfect calibration"
                           + ("" if "none" not in set(calibration["strategy"]) else
                              " and the grey curve the plain net (none)")
                           + ". The Brier score in the table below summarizes each curve."
                           + left_out)
    table, page = brier_table(brier)
    rep.add_table(table, page=page, name=f"brier-{tag}",
                  caption="Brier score (lower is better): mean and 95 % interval.")
