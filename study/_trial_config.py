"""A trial's values turned into its `nets.TrainConfig`: over the spec's fixed settings,
``width`` and ``depth`` (or one ``width_i`` per layer) building ``hidden``, and the rate and
weight decay pairs that cannot train together."""

from __future__ import annotations

import nets

from ._space import DEFAULT_DEPTH, DEFAULT_WIDTH, IMBALANCE_PARAMS, _depth


def searched_values(params: dict, fixed: dict) -> dict:
    """A trial's stored parameters as `Space.suggest` returned them (``width_i`` ->
    ``widths``), for `build_config` to rebuild the trial's config.

    Parameters
    ----------
    params : dict
        The trial's ``params``, as optuna stores them.
    fixed : dict
        The spec's fixed settings (a fixed ``depth`` counts the widths).
    """
    values = {k: v for k, v in params.items() if not k.startswith("width_")}
    if any(k.startswith("width_") for k in params):
        values["widths"] = [params[f"width_{i}"] for i in range(_depth(params, fixed))]
    return values


def build_config(values: dict, fixed: dict, max_epochs: float) -> nets.TrainConfig:
    """A TrainConfig from suggested values over fixed ones (``width``/``depth`` -> hidden).

    Parameters
    ----------
    values : dict
        A trial's suggested values (`Space.suggest`); ``widths`` (one per layer) wins
        over ``width`` and ``depth``.
    fixed : dict
        The spec's fixed settings, which ``values`` override.
    max_epochs : float

    Returns
    -------
    nets.TrainConfig
        Without the imbalance settings, which are the pipeline's.
    """
    merged = {k: v for k, v in {**fixed, **values}.items()
              if k != "widths" and k not in IMBALANCE_PARAMS}
    width = merged.pop("width", None)
    depth = merged.pop("depth", None)
    if depth is not None and depth < 0:  # (8,) * -1 is (): it trained a net of no hidden layer
        raise ValueError(f"depth must be >= 0 (0: no hidden layer), got {depth}")
    if depth is not None and depth > nets.MAX_DEPTH:  # before (8,) * depth: see MAX_DEPTH
        raise ValueError(f"depth must be at most {nets.MAX_DEPTH:,} (nets.MAX_DEPTH), "
                         f"got {depth:,}")
    if "widths" in values:
        merged["hidden"] = tuple(values["widths"])
    elif width is not None or depth is not None:
        merged["hidden"] = ((DEFAULT_WIDTH if width is None else width),) * (
            DEFAULT_DEPTH if depth is None else depth)  # width 0 stays 0: TrainConfig refuses it
    if isinstance(merged.get("activation"), list):
        merged["activation"] = tuple(merged["activation"])
    return nets.TrainConfig(**merged, max_epochs=max_epochs)


def decay_refusal(values: dict, fixed: dict) -> str | None:
    """Why a trial's rate and decoupled weight decay (``values`` over ``fixed``, the
    defaults' where neither names one) cannot train together, for a space that allows
    such pairs (the spec's check refuses only a space where none is fine): their product
    is 1 or more, so every step zeroes the weights or flips their sign. None where they
    can, or where the optimizer is no known name (`build_config` then says so)."""
    merged, default = {**fixed, **values}, nets.TrainConfig()
    optimizer = merged.get("optimizer", default.optimizer)
    lr = merged.get("lr", default.lr)
    if optimizer not in nets.OPTIMIZERS or not isinstance(lr, int | float):
        return None
    refused = nets.decay_refusal(optimizer, merged.get("weight_decay", default.weight_decay),
                                 lr, f"lr {lr:g}", "lr")
    return refused and f"{refused}; the space allows such pairs: narrow lr's or " \
                       "weight_decay's range"
