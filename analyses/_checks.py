"""Argument checks the analyses share: one rule and one message for each kind of count."""

from __future__ import annotations

import collections
import math
import numbers

import numpy as np

import nets

#: Repetitions beyond this are a typo (a seed typed into --seeds), not an experiment: the
#: list of runs alone filled the memory before the first one started.
MAX_SEEDS = 1000


def whole(name: str, value, low: int, high: int | None = None) -> int:
    """``value`` as an int from ``low`` to ``high``; a ValueError naming ``name`` else.
    Whole numbers by TrainConfig's rule (`nets.is_whole`: 20.0 is 20, a bool none)."""
    if not nets.is_whole(value) or value < low or (high is not None and value > high):
        bound = f">= {low}" if high is None else f"from {low} to {high}"
        raise ValueError(f"{name} must be an integer {bound}, got {value!r}")
    return int(value)


def whole_numbers(name: str, values) -> tuple[int, ...]:
    """``values``, a sequence (`sequence`), as ints of 1 or more in their order, by
    `whole`'s rule (20.0 is 20); a ValueError naming ``name`` for none given, another
    value, or one listed twice (2 and 2.0 too), a typo more likely than a wish for the same
    runs twice. Widths, depths and batch sizes: one rule for every list of counts."""
    if not values:
        raise ValueError(f"no {name} given")
    for v in values:
        if not nets.is_whole(v) or v < 1:
            raise ValueError(f"{name} must be positive integers, got {v!r}")
    ints = tuple(int(v) for v in values)
    # a Counter: list.count per value took 42 s for 40,000 widths
    twice = [v for v, n in collections.Counter(ints).items() if n > 1]
    if twice:
        raise ValueError(f"{name} list {twice[0]} twice")
    return ints


def number(name: str, value, ok, wanted: str):
    """``value`` if it is a real number (NumPy's too, not a bool) for which ``ok(value)``
    holds; a ValueError ``"<name> must be <wanted>, got <value!r>"`` else (a str compared
    failed as "'<=' not supported between instances of 'int' and 'str'")."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real) or not ok(value):
        raise ValueError(f"{name} must be {wanted}, got {value!r}")
    return value


def positive(name: str, value, wanted: str = "a finite number > 0"):
    """``value`` if it is a finite number above 0 (`number`); ``wanted`` words it."""
    return number(name, value, lambda v: math.isfinite(v) and v > 0, wanted)


def flag(name: str, value) -> bool:
    """``value`` as a bool if it is one (NumPy's too); a ValueError else: ``"no"`` is true
    to Python, and switched on what it said to switch off."""
    if not isinstance(value, bool | np.bool_):
        raise ValueError(f"{name} must be True or False, got {value!r}")
    return bool(value)


def seed_count(value, name: str = "seeds") -> int:
    """A number of repetitions (seeds): 1 to `MAX_SEEDS`."""
    return whole(name, value, 1, MAX_SEEDS)


def sequence(name: str, values, kind: str, example: str) -> tuple:
    """``values`` as a tuple, for an argument that takes a list of ``kind`` ("integers");
    TypeError for what is no sequence, and for a string, which would be read as its
    characters ("2,4" gave "widths must be positive integers, got '2'"): its message
    gives the list the string spells, or ``example``."""
    if isinstance(values, str | bytes):
        text = values.decode(errors="replace") if isinstance(values, bytes) else values
        items = [v.strip() for v in text.split(",")]
        spelled = all(_number(v) for v in items)
        raise TypeError(f"{name} must be a sequence of {kind}, got {values!r} (a string; give "
                        f"a list such as {'[' + ', '.join(items) + ']' if spelled else example})")
    try:
        return tuple(values)
    except TypeError:  # None, a number
        raise TypeError(f"{name} must be a sequence of {kind}, got "
                        f"{type(values).__name__}") from None


def _number(text: str) -> bool:
    try:
        return math.isfinite(float(text))
    except ValueError:
        return False


def train_config(value, name: str = "config"):
    """``value`` if it is None (the analysis's default) or a nets.TrainConfig; a TypeError
    naming ``name`` else (a dict failed deep inside, "'dict' object has no attribute")."""
    return None if value is None else nets.check_type(name, value, nets.TrainConfig,
                                                      "a nets.TrainConfig")
