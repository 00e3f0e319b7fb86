"""What hplab stores on a trial: two user attributes, ``claim`` and ``record``.

Every user attribute is its own storage transaction (about 2 ms on SQLite), so a trial
writes two: ``claim`` when it starts (``worker``, ``run``: who runs it, so an interrupted
run finds its trials) and ``record`` when it ends (``status``, ``reason``, ``epochs``,
scores, ``history``...). Studies stored before kept each key as its own attribute;
:func:`trial_info` reads both layouts.
"""

from __future__ import annotations

CLAIM_ATTR = "claim"
RECORD_ATTR = "record"
INTERRUPTED = {"status": "interrupted", "reason": "interrupted by the user"}


def error_record(exc: Exception) -> dict:
    """The record of a trial that raised: status ``error`` and a one-line reason."""
    return {"status": "error", "reason": " ".join(f"{type(exc).__name__}: {exc}".split())[:500]}


def trial_info(trial) -> dict:
    """A trial's stored keys in one flat dict (``status``, ``worker``, ``epochs``...)."""
    attrs = trial.user_attrs
    if CLAIM_ATTR not in attrs and RECORD_ATTR not in attrs:
        # the older flat layout (or nothing stored yet); a copy, because with
        # get_trials(deepcopy=False) these are the storage cache's own
        return dict(attrs)
    info = {k: v for k, v in attrs.items() if k not in (CLAIM_ATTR, RECORD_ATTR)}
    info.update(attrs.get(CLAIM_ATTR) or {})
    info.update(attrs.get(RECORD_ATTR) or {})
    return info


def trial_status(trial) -> str | None:
    """The ``status`` hplab recorded (converged, pruned, diverged, error, interrupted...)."""
    return trial_info(trial).get("status")
