"""Rules a setting's value must follow: ``(check, message)`` pairs, shared by
`TrainConfig`'s validation and the optimizers' constructors (one rule, one message)."""

from __future__ import annotations

import math


def choice(registry):
    return (lambda v: v in registry, f"must be one of {', '.join(registry)}")


positive = (lambda v: v > 0 and math.isfinite(v), "must be a finite number > 0")
nonneg = (lambda v: v >= 0 and math.isfinite(v), "must be a finite number >= 0")
unit = (lambda v: 0 <= v < 1, "must be in [0, 1)")


def or_default(rule):
    """``rule``, with None allowed (the optimizer's own default)."""
    ok, message = rule
    return (lambda v: v is None or ok(v), message)


def check_setting(name: str, value, rule) -> None:
    """ValueError ``"<name> <message>, got <value>"`` unless ``value`` follows ``rule``
    (a value the check cannot compare, such as a string for a number, breaks it)."""
    ok, message = rule
    try:
        good = ok(value)
    except TypeError:
        good = False
    if not good:
        raise ValueError(f"{name} {message}, got {value!r}")
