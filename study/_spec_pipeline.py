"""What a spec's imbalance-strategy trials (imbalanced-learn pipelines) can measure and
take: their metrics, and the settings a ``nets.NetClassifier`` reads."""

from __future__ import annotations

import nets

from ._errors import SpecError
from ._registry import IMBALANCE_METRICS, PIPELINE_NET_METRICS

# What a trial with an imbalance_strategy (an imbalanced-learn pipeline) measures.
PIPELINE_METRICS = (*IMBALANCE_METRICS, "val_accuracy", "val_loss", "train_loss",
                    "n_parameters", "train_seconds", "epochs")


def _check_pipeline(metrics, space, fixed, strict: bool = True) -> None:
    """What an imbalance_strategy trial (an imbalanced-learn pipeline) can measure and take."""
    for m in metrics:
        if m not in PIPELINE_METRICS:
            raise SpecError(f"study.metric: {m} is not measured on imbalance_strategy "
                            f"trials (the net trains without a validation curve); use "
                            f"one of {', '.join(PIPELINE_METRICS)}")
    if not strict:
        return
    searched = space.get("imbalance_strategy")
    where, strategies = (("space", searched.choices) if searched is not None
                         else ("fixed", (fixed["imbalance_strategy"],)))
    netless = [n for n in strategies if nets.STRATEGIES[n].kind == "anomaly"]
    on_net = [m for m in metrics if m in PIPELINE_NET_METRICS]
    if netless and on_net:  # each of its trials would fail, spending the budget
        measured = [m for m in PIPELINE_METRICS if m not in PIPELINE_NET_METRICS]
        raise SpecError(f"{where}.imbalance_strategy: {netless[0]} trains no net, so its "
                        f"trials have no {on_net[0]} (study.metric) and would all fail; drop "
                        f"it or optimize only what it measures: {', '.join(measured)}")
    taken = {*nets.PIPELINE_NET_PARAMS, "width", "depth", "imbalance_strategy",
             "sampling_ratio"}
    for table, names in (("space", space.names()), ("fixed", list(fixed))):
        for name in names:
            if name not in taken and not name.startswith("width_"):
                raise SpecError(f"{table}.{name}: imbalance_strategy trials train a "
                                f"nets.NetClassifier, which takes only "
                                f"{', '.join(sorted(taken))}; {name} would be ignored")
