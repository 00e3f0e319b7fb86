"""Which hplab versions ran a study's trials.

Each trial's record names the version of the worker that ran it (`VERSION_KEY`: a short
string, stored per trial); the study keeps, once for each version that ran in it, the
full `nets.versions` (hplab, Python, numpy, scikit-learn, optuna) under `VERSIONS_ATTR`.
A study resumed after an upgrade holds trials of two versions, and a report retraining
its best trial with another version may not score what the trial stored: both are said.
"""

from __future__ import annotations

import nets

from ._record import VERSION_KEY, flat_layout, run_by_hplab, trial_info

#: study user attribute: [nets.versions() of each hplab that ran trials in it], oldest first
VERSIONS_ATTR = "hplab_versions"
KEPT_VERSIONS = 20  # the latest kept: a study run by every commit of a checkout stays small


def note_versions(study, attrs: dict) -> None:
    """Add this process's `nets.versions` to ``study``'s `VERSIONS_ATTR` (``attrs``: its
    user attributes, as read) unless they are there: one write per new version."""
    mine = nets.versions()
    kept = attrs.get(VERSIONS_ATTR)
    kept = [v for v in kept if isinstance(v, dict)] if isinstance(kept, list) else []
    if mine not in kept:
        study.set_user_attr(VERSIONS_ATTR, [*kept, mine][-KEPT_VERSIONS:])


def trial_version(trial, *, flat: bool = True) -> str | None:
    """The hplab version that ran ``trial``, as its record names it; None for a record
    written before records named it, or another program's trial."""
    version = trial_info(trial, flat=flat).get(VERSION_KEY)
    return version if isinstance(version, str) else None


def trial_versions(trials, study_created) -> list[dict]:
    """``[{"version", "n_trials"}]``: each hplab version that ran trials of the study
    stamped ``study_created`` (its `CREATED_ATTR`), in the order of its first trial, and how
    many it ran. Trials of another program, copied from another study, or recorded before
    records named their version are not counted; more than one entry: mixed versions."""
    flat = flat_layout(study_created)
    counts: dict[str, int] = {}
    for t in sorted(trials, key=lambda t: t.number):
        if run_by_hplab(t, study_created) and (v := trial_version(t, flat=flat)):
            counts[v] = counts.get(v, 0) + 1
    return [{"version": v, "n_trials": n} for v, n in counts.items()]
