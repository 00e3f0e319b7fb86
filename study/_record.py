"""What hplab stores on a trial: one user attribute, ``record``.

Every user attribute write is its own storage transaction (about 2 ms on SQLite), so a
trial writes ``record`` twice: when it starts, ``worker`` and ``run`` (who runs it, so an
interrupted run finds its trials), and when it ends, the same keys plus ``status``,
``reason``, ``epochs``, scores, ``history``... Studies stored by earlier versions kept
every key as its own attribute; :func:`trial_info` reads both layouts.
"""

from __future__ import annotations

RECORD_ATTR = "record"
INTERRUPTED = {"status": "interrupted", "reason": "its run was stopped (Ctrl-C, SIGTERM or SIGHUP)"}
#: A pool worker's trial when the process that started the pool died (kill -9, the OOM
#: killer): the kernel's death signal, not the user, stopped it.
ORPHANED = {"status": "interrupted", "reason": "its pool's parent process died"}


class ParentDied(KeyboardInterrupt):
    """The interrupt a pool worker gets when its parent process died (see `ORPHANED`)."""


def error_record(exc: Exception) -> dict:
    """The record of a trial that raised: status ``error`` and a one-line reason."""
    return {"status": "error", "reason": " ".join(f"{type(exc).__name__}: {exc}".split())[:500]}


def trial_info(trial) -> dict:
    """A trial's stored keys in one flat dict (``status``, ``worker``, ``epochs``...)."""
    # copies: with get_trials(deepcopy=False) these are the storage cache's own dicts
    attrs = trial.user_attrs
    if not isinstance(attrs.get(RECORD_ATTR), dict):
        # the earlier flat layout, nothing stored yet, or another program's own ``record``
        return dict(attrs)
    return {**{k: v for k, v in attrs.items() if k != RECORD_ATTR}, **attrs[RECORD_ATTR]}


def run_by_hplab(trial) -> bool:
    """Whether hplab's objective ran the trial: it records the worker on entering one (a
    trial added by hand or by another program has no such record)."""
    return "worker" in trial_info(trial)


def trial_status(trial) -> str | None:
    """The ``status`` hplab recorded (converged, pruned, diverged, error, interrupted...)."""
    return trial_info(trial).get("status")
