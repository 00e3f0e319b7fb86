"""A trial's outcome in hplab's words: one rule for ``study show`` (its counts and
``problems``), the terminal summary and every table and figure of a study's report.

The outcome never contradicts the trial's optuna state (``state`` in the same row or
``--json`` entry); it says why the trial is in it:

- COMPLETE: ``complete``; WAITING: ``waiting``;
- PRUNED: ``diverged`` where its record says its training diverged (hplab prunes a
  diverged trial itself), else ``pruned``;
- FAIL: ``retried`` where a staleness check failed it and queued a retry for its slot
  (its record may say more: a storage that failed let its close as interrupted write it),
  else ``error`` or ``interrupted`` as its record says, else ``fail`` (a worker that died
  after recording another status, a check that spent its retries, another program);
- RUNNING: ``left running`` where its worker stopped (`stale_trials`), else ``running``.
"""

from __future__ import annotations

from ._record import trial_status

#: Every outcome `trial_outcome` gives, in the order tables list them.
OUTCOMES = ("complete", "pruned", "diverged", "error", "retried", "interrupted", "fail",
            "running", "left running", "waiting")


def trial_outcome(trial, *, retried, stale=(), flat: bool = True) -> str:
    """hplab's outcome of ``trial``, one of `OUTCOMES` (the rule: see the module doc).

    Parameters
    ----------
    trial : optuna.trial.FrozenTrial
    retried : collection of int
        The numbers of the study's trials a staleness check retried (`retried_numbers` of
        its trials).
    stale : collection of int, optional
        The numbers of its RUNNING trials whose worker stopped (`stale_trials`); none
        given, every RUNNING trial is ``running``.
    flat : bool
        As for `trial_info` (`flat_layout` of the study's stamp).

    Returns
    -------
    str
    """
    state = trial.state.name
    if state == "FAIL":
        if trial.number in retried:
            return "retried"
        status = trial_status(trial, flat=flat)
        return status if status in ("error", "interrupted") else "fail"
    if state == "PRUNED":
        return "diverged" if trial_status(trial, flat=flat) == "diverged" else "pruned"
    if state == "RUNNING":
        return "left running" if trial.number in stale else "running"
    return state.lower()  # complete, waiting
