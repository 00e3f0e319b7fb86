"""What hplab stores on a trial: one user attribute, ``record``.

Every user attribute write is its own storage transaction (about 2 ms on SQLite), so a
trial writes ``record`` twice: when it starts, ``worker`` and ``run`` (who runs it, so an
interrupted run finds its trials), and when it ends, the same keys plus ``status``,
``reason``, ``epochs``, scores, ``history``... Studies stored before kept ``worker`` and
``run`` in a second attribute, ``claim``, or every key as its own attribute;
:func:`trial_info` reads all three layouts.
"""

from __future__ import annotations

CLAIM_ATTR = "claim"  # only read: studies stored by the previous version have it
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
