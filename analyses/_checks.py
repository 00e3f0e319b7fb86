"""Argument checks the analyses share: one rule and one message for each kind of count."""

from __future__ import annotations

import numbers

import nets

#: Repetitions beyond this are a typo (a seed typed into --seeds), not an experiment: the
#: list of runs alone filled the memory before the first one started.
MAX_SEEDS = 1000


def whole(name: str, value, low: int, high: int | None = None) -> int:
    """``value`` as an int from ``low`` to ``high``; a ValueError naming ``name`` else."""
    if (isinstance(value, bool) or not isinstance(value, numbers.Integral) or value < low
            or (high is not None and value > high)):
        bound = f">= {low}" if high is None else f"from {low} to {high}"
        raise ValueError(f"{name} must be an integer {bound}, got {value!r}")
    return int(value)


def seed_count(value, name: str = "seeds") -> int:
    """A number of repetitions (seeds): 1 to `MAX_SEEDS`."""
    return whole(name, value, 1, MAX_SEEDS)


def train_config(value, name: str = "config"):
    """``value`` if it is None (the analysis's default) or a nets.TrainConfig; a TypeError
    naming ``name`` else (a dict failed deep inside, "'dict' object has no attribute")."""
    return None if value is None else nets.check_type(name, value, nets.TrainConfig,
                                                      "a nets.TrainConfig")
