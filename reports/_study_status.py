"""The study report's status badge and the line beside it: complete, running, stopped,
queued, failed, or not started (a study `hplab study enqueue` created, no trial run)."""

from __future__ import annotations

import nets

from ._outcome_words import timeout_text
from ._study_lag import _finished_of


def status(summary, n_trials: int) -> str:
    """The badge: complete, stopped (budget left), queued (budget spent, but a queued
    trial waits: a run or worker runs it even so), or, finished without a complete trial
    (no result, red): failed when trials failed, else no_complete_trial (all pruned;
    "failed" beside "0 failed" would contradict the counts); not_started for a study no
    trial of which ever started (`not_started`)."""
    if not_started(summary):
        return "not_started"
    if summary["n_finished"] < n_trials:  # a report written mid-run says so
        live = summary.get("n_running", 0) - summary.get("n_stale", 0)
        return "running" if live > 0 else "stopped"
    if summary.get("n_waiting"):
        return "queued"
    if summary["n_complete"]:
        return "complete"
    return "failed" if summary["n_fail"] else "no_complete_trial"


def not_started(summary) -> bool:
    """Whether no trial of the study ever started: none finished or running, and no run
    recorded a stop (``stopped``). QA: a study `hplab study enqueue` created read "stopped,
    0 of 30 trials finished", as if a run had been interrupted. A trial interrupted (or
    retried) is failed outside the budget: started all the same, its study is stopped, not
    "no trial run yet"."""
    return (not summary["n_finished"] and not summary.get("n_running")
            and not summary.get("n_fail") and not summary.get("stopped"))


def status_detail(summary, spec, run_command: str | None = None) -> str:
    """Beside the badge: the trials finished, and for a study stopped at its timeout
    (the summary's ``stopped``) that a run resumes it, in ``hplab study show``'s words
    (`timeout_text`); for one not started (`not_started`), its queued points and
    ``run_command``, the line that runs them (unquoted: the page has no code in a
    sentence)."""
    if not_started(summary):
        queued = summary.get("n_waiting", 0)
        run = f"{run_command} runs " if run_command else "hplab study run runs "
        text = f"no trial run yet of its {nets.count_of(spec.n_trials, 'trial')}"
        if queued:
            return (f"{text}; {nets.count_of(queued, 'point')} queued: {run}"
                    f"{'it' if queued == 1 else 'them'} first")
        return f"{text}: {run}{'it' if spec.n_trials == 1 else 'them'}"
    text = f"{_finished_of(summary['n_finished'], spec.n_trials)} trials finished"
    if summary.get("stopped") == "timeout":
        text += f"; {timeout_text(summary)}"
    return text
