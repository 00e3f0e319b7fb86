"""Which hplab versions ran a study's trials.

Each trial's record names the version of the worker that ran it (`VERSION_KEY`: a short
string, stored per trial) and the git checkout it ran from (`CHECKOUT_KEY`: an editable
install's version stays the commit it was installed at, whatever commit its checkout is
at since); the study keeps, once for each version that ran in it, the full
`nets.versions` (hplab and its checkout, Python and the libraries it ran on) under
`VERSIONS_ATTR`. A study resumed after an upgrade, or from another checkout, holds trials
of two codes, and a report retraining its best trial with other code may not score what
the trial stored: both are said. Libraries are said the same way (`library_sets`), from
what the study stored, not what the process reading it runs on.
"""

from __future__ import annotations

import nets

from ._record import (
    CHECKOUT_KEY,
    VERSION_KEY,
    tally_hplab_trials,
    trial_info,
)

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
    written before records named it, or another program's trial.

    Parameters
    ----------
    trial : optuna.trial.FrozenTrial
    flat : bool, default True
        As for `trial_info`.
    """
    version = trial_info(trial, flat=flat).get(VERSION_KEY)
    return version if isinstance(version, str) else None


def trial_checkout(trial, *, flat: bool = True) -> str | None:
    """The git checkout (`nets.hplab_checkout`) that ran ``trial``, as its record names
    it; None for one run from an installed copy, a record written before records named
    it, or another program's trial.

    Parameters
    ----------
    trial : optuna.trial.FrozenTrial
    flat : bool, default True
        As for `trial_info`.
    """
    checkout = trial_info(trial, flat=flat).get(CHECKOUT_KEY)
    return checkout if isinstance(checkout, str) else None


def other_checkout(version: str | None, checkout: str | None) -> str | None:
    """``checkout`` (a trial's `trial_checkout`) where it ran other code than ``version``
    (its `trial_version`) names, else None: an editable install's version stays the commit
    it was installed at, and the checkout's commit (or its uncommitted changes) tells the
    code; a clean checkout at that commit ran what an installed copy of the version runs
    (`nets.version_text_of`). None too where no version was recorded (an earlier hplab's
    record).

    Parameters
    ----------
    version : str or None
        The trial's hplab version (`trial_version`).
    checkout : str or None
        The trial's checkout (`trial_checkout`).
    """
    if version is None or not checkout or nets.version_text_of(version, checkout) == version:
        return None
    return checkout


def ran_other_code(trial, *, flat: bool = True) -> bool:
    """Whether other code than this process's ran ``trial``: another hplab version, or
    the same version from another commit or an edited checkout (`nets.version_text_of`);
    a record written before records named the checkout is compared by its version
    alone, and one written before records named the version is an earlier hplab's. One
    hplab never entered (another program's trial) is not other code.

    Parameters
    ----------
    trial : optuna.trial.FrozenTrial
    flat : bool, default True
        As for `trial_info`.
    """
    info = trial_info(trial, flat=flat)
    version = info.get(VERSION_KEY)
    if not isinstance(version, str):
        return "worker" in info  # hplab's worker names itself from a trial's first write
    if CHECKOUT_KEY not in info:
        return version != nets.hplab_version()
    return nets.version_text_of(version, trial_checkout(trial, flat=flat)) != \
        nets.version_text()


def trial_versions(trials, study_created) -> list[dict]:
    """``[{"version", "checkout", "n_trials"}]``: each hplab version that ran trials of
    the study stamped ``study_created`` (its `CREATED_ATTR`), with the checkout it ran
    from where that is other code than the version names (`nets.version_text_of`; None
    where the version says it, or the trials did not record it), in the order of its first
    trial, and how many it ran. Trials recorded before records named their version are
    one entry, its version None: an earlier hplab's, whichever (a study begun before an
    upgrade and resumed since is mixed). Trials of another program or copied from another
    study are not counted; more than one entry: mixed code.

    Parameters
    ----------
    trials : iterable of optuna.trial.FrozenTrial
        The study's trials.
    study_created : str or None
        The study's creation stamp (None: a study without one).
    """
    def version_and_checkout(info: dict) -> tuple:
        v, checkout = (x if isinstance(x, str) else None
                       for x in (info.get(VERSION_KEY), info.get(CHECKOUT_KEY)))
        return v, other_checkout(v, checkout)

    counts = tally_hplab_trials(trials, study_created, version_and_checkout)
    return [{"version": v, "checkout": c, "n_trials": n} for (v, c), n in counts.items()]


def library_sets(attrs: dict) -> list[dict]:
    """The Python and library versions the study's trials ran on (``attrs``: its user
    attributes, as read): each set `VERSIONS_ATTR` holds, without hplab's own keys, oldest
    first; none for a study from before it was stored. Sets that name the same versions of
    every library both name are one (their union): a record from before a library was
    recorded is not other software. Two or more: its trials ran on mixed libraries.

    Parameters
    ----------
    attrs : dict
        The study's ``user_attrs``.
    """
    kept = attrs.get(VERSIONS_ATTR)
    sets: list[dict] = []
    for entry in kept if isinstance(kept, list) else []:
        if not isinstance(entry, dict):
            continue
        libs = {k: v for k, v in entry.items()
                if not str(k).startswith("hplab") and isinstance(v, str)}
        alike = next((s for s in sets if same_libraries(s, libs)), None)
        if alike is None:
            sets.append(libs)
        else:
            alike.update(libs)
    return sets


def same_libraries(a: dict, b: dict) -> bool:
    """Whether two sets of library versions (`library_sets`) name the same version of
    every library both name.

    Parameters
    ----------
    a, b : dict
        Library name to version, as `library_sets` gives them.
    """
    return all(a[k] == b[k] for k in a.keys() & b.keys())
