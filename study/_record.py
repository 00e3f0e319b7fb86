"""What hplab stores on a trial: one user attribute, ``record``.

Every user attribute write is its own storage transaction (about 2 ms on SQLite), so a
trial writes ``record`` twice: when it starts, ``worker``, ``run`` (who runs it, so an
interrupted run finds its trials) and ``study_created`` (the study it runs in), and when
it ends, the same keys plus ``status``, ``reason``, ``epochs``, scores, ``history``...

A trial that came with a ``record`` of its own (a point another program enqueued with
that user attribute, even a dict with a ``status``) keeps it: hplab's record goes to
``hplab_record`` instead. hplab's own is known by its owner keys (`OWNER_KEYS`). Studies
stored by earlier versions kept every key as its own attribute (the flat layout); that
is read only in studies made before hplab stamped its studies (``hplab_created``): in one
made since, such attributes are another program's. So is the layout of hplab as of
2026-11-28 (commits dde75b99 to 2c90a0c7), ``worker`` and ``run`` in a ``claim`` attribute
and the rest in ``record``: a project made then keeps its studies' records.
"""

from __future__ import annotations

RECORD_ATTR = "record"
#: where the record goes when the trial's ``record`` attribute is another program's
SPARE_RECORD_ATTR = "hplab_record"
#: study user attribute: when hplab created the study, with a random tag (a copy keeps
#: it; a study deleted and run again under its name gets another). Every record names it
#: under ``STUDY_KEY``: a trial added from another study (``add_trials``) is not this one's
CREATED_ATTR = "hplab_created"
STUDY_KEY = "study_created"
INTERRUPTED = {"status": "interrupted", "reason": "its run was stopped (Ctrl-C, SIGTERM or SIGHUP)"}
#: A pool worker's trial when the process that started the pool died (kill -9, the OOM
#: killer): the kernel's death signal, not the user, stopped it.
ORPHANED = {"status": "interrupted", "reason": "its pool's parent process died"}


class ParentDied(KeyboardInterrupt):
    """The interrupt a pool worker gets when its parent process died (see `ORPHANED`)."""


def error_record(exc: Exception) -> dict:
    """The record of a trial that raised: status ``error`` and a one-line reason."""
    return {"status": "error", "reason": " ".join(f"{type(exc).__name__}: {exc}".split())[:500]}


#: record key: the hplab version (`nets.hplab_version`) of the worker that ran the trial
#: (a study resumed after an upgrade holds trials of two); the study keeps each version's
#: libraries once (`_study_versions`)
VERSION_KEY = "hplab"
#: record key: the git checkout (`nets.hplab_checkout`) of that worker, None where it ran
#: from an installed copy: an editable install's version stays the commit it was installed
#: at, so two checkouts at different commits record one version. Absent from records
#: written before trials named it
CHECKOUT_KEY = "hplab_checkout"
#: record keys: the OS user of that worker and the database role its storage logged in as
#: (None for a file), `study._who`; absent from records written before trials named them
OS_USER_KEY, DB_ROLE_KEY = "os_user", "db_role"
#: Keys that say whose trial it is. Every record hplab writes holds the first two from its
#: first write on (the single-record layout always did): another program's own ``record``
#: dict ({"status": "baseline", "source": "paper"}) is not taken for one. Records written
#: since studies were stamped name the study too, since versions were, the version, since
#: checkouts were, the checkout, and since people were, the OS user and database role.
OWNER_KEYS = ("worker", "run", STUDY_KEY, VERSION_KEY, CHECKOUT_KEY, OS_USER_KEY, DB_ROLE_KEY)
#: how earlier versions closed a trial whose first write a failing storage lost: with no
#: owner keys, only this status and a reason starting so
_STOPPED_BEFORE = "its storage failed"


#: the attribute where hplab of 2026-11-28 kept ``worker`` and ``run`` (its ``record``
#: held the rest); read in unstamped studies only, as the flat layout
_CLAIM_BEFORE = "claim"
#: that version's whole record of a trial interrupted before its claim was written
_INTERRUPTED_BEFORE = {"status": "interrupted", "reason": "interrupted by the user"}


def _claim_layout(attrs: dict) -> dict | None:
    """The one flat dict of a trial stored in the ``claim`` + ``record`` layout, or None."""
    claim, record = attrs.get(_CLAIM_BEFORE), attrs.get(RECORD_ATTR)
    rest = {k: v for k, v in attrs.items() if k not in (_CLAIM_BEFORE, RECORD_ATTR)}
    if (isinstance(claim, dict) and "worker" in claim and "run" in claim
            and (record is None or isinstance(record, dict))):
        return {**rest, **claim, **(record or {})}
    if claim is None and record == _INTERRUPTED_BEFORE:
        return {**rest, **record}
    return None


def _hplabs(value) -> bool:
    if not isinstance(value, dict):
        return False
    if "worker" in value and "run" in value:
        return True
    return (value.get("status") == "interrupted"
            and str(value.get("reason", "")).startswith(_STOPPED_BEFORE))


def owner_keys(info: dict) -> dict:
    """The `OWNER_KEYS` of ``info`` (a `trial_info`): what a record rewritten by someone
    else than its objective keeps, not another program's attributes beside it."""
    return {k: info[k] for k in OWNER_KEYS if k in info}


def record_attr(trial) -> str:
    """The user attribute that holds (or will hold) ``trial``'s record: ``record``,
    unless another program's value is there."""
    attrs = trial.user_attrs
    if _hplabs(attrs.get(SPARE_RECORD_ATTR)):
        return SPARE_RECORD_ATTR
    taken = RECORD_ATTR in attrs and not _hplabs(attrs[RECORD_ATTR])
    return SPARE_RECORD_ATTR if taken else RECORD_ATTR


def flat_layout(study_created) -> bool:
    """Whether trials of a study stamped ``study_created`` (its `CREATED_ATTR`, None if
    it has none) may keep the flat layout: only a study made before hplab stamped them.

    Parameters
    ----------
    study_created : str or None
    """
    return not isinstance(study_created, str)


def study_flat_layout(study) -> bool:
    """`flat_layout` of ``study``'s own stamp (one read of its user attributes)."""
    return flat_layout(study.user_attrs.get(CREATED_ATTR))


def hplab_record(trial) -> dict | None:
    """``trial``'s record as stored (not a copy), or None: nothing stored yet, another
    program's trial, or the flat layout."""
    value = trial.user_attrs.get(record_attr(trial))
    return value if _hplabs(value) else None


def trial_info(trial, *, flat: bool = True) -> dict:
    """A trial's stored keys in one flat dict (``status``, ``worker``, ``epochs``...).

    Parameters
    ----------
    trial : optuna.trial.FrozenTrial or optuna.Trial
        E.g. ``optuna_study.best_trial`` (`open_study`); anything else is a TypeError.
    flat : bool
        Where the trial has no record, read its user attributes as the flat layout of
        earlier versions (`flat_layout` of its study); False: it has nothing of hplab's.

    Returns
    -------
    dict
        A copy of hplab's record, empty for a trial hplab never entered (another
        program's). From the trial's start: ``worker``, ``run`` (who ran it),
        ``study_created`` (the study it ran in), ``hplab`` and ``hplab_checkout`` (the
        version and checkout), ``os_user`` and ``db_role`` (the person: the worker's OS
        user, None where it could not tell, and the database role its storage logged in
        as, None for a file): `OWNER_KEYS`; older records may lack the last five. Once
        it ended, also ``status`` and ``reason``; a trained trial adds ``epochs``,
        ``iterations``, ``seconds``, ``n_parameters``, ``train_loss``, ``val_loss``,
        ``val_accuracy``, ``hidden`` and ``history`` (`trial_record`; an imbalance
        strategy's trial: ``imbalance_metrics``; a repeatable study's trial: ``waited``,
        the seconds it waited for the trials it learns from). ``status`` is how the run ended
        (`nets.TrainResult.status`: ``converged``, ``max_epochs``, ``early_stopped``,
        ``diverged``, ``stopped``), or ``pruned`` (its pruner stopped it), ``error`` (an exception,
        ``reason`` its line) or ``interrupted`` (Ctrl-C, a signal, a dead pool; a resume
        runs it again). What a table calls the trial is `trial_outcome`'s, one of
        `OUTCOMES` (study/_outcome.py).
    """
    # duck-typed: a FrozenTrial or a running Trial; an optuna Study has user attributes
    # too, and its own were returned as a trial's (QA session 71: trial_info(optuna_study))
    if not hasattr(trial, "user_attrs") or not hasattr(trial, "number"):
        hint = (" (a study: give one of its trials, optuna_study.best_trial)"
                if hasattr(trial, "best_trial") else "")
        raise TypeError("trial must be an optuna trial (a FrozenTrial, e.g. "
                        f"optuna_study.trials[0]), got {type(trial).__name__}{hint}")
    # copies: with get_trials(deepcopy=False) these are the storage cache's own dicts
    record = hplab_record(trial)
    if record is not None:
        return dict(record)
    if not flat:
        return {}
    # QA session 77: a study of 2026-11-28's layout read as another program's trials, so
    # its report retrained no best model and removed the one saved beside it
    merged = _claim_layout(trial.user_attrs)
    return merged if merged is not None else dict(trial.user_attrs)


def other_attrs(trial) -> dict:
    """``trial``'s user attributes besides hplab's record (another program's)."""
    return {k: v for k, v in trial.user_attrs.items()
            if not (k in (RECORD_ATTR, SPARE_RECORD_ATTR) and _hplabs(v))}


#: `run_by_hplab`'s default: no study named, any record of hplab's counts
ANY_STUDY = object()


def has_hplab_record(trial, *, flat: bool = True) -> bool:
    """Whether an hplab worker entered the trial, in any study (a copy of hplab's trial
    counts); ``flat``: `flat_layout` of the study's stamp (another program's plain user
    attribute ``worker`` in a stamped study is not hplab's record)."""
    return "worker" in trial_info(trial, flat=flat)


def run_by_hplab(trial, study_created=ANY_STUDY) -> bool:
    """Whether hplab's objective ran the trial: it records the worker on entering a trial
    (a trial added by hand or by another program has no such record), and the study it
    runs in. ``study_created``: ran in the study stamped so (its `CREATED_ATTR`; None: a
    study without one), not in another one a trial was copied from (``add_trials``);
    left out, in any study (a copy of hplab's trial counts), and flat-layout user
    attributes count too.

    Parameters
    ----------
    trial : optuna.trial.FrozenTrial
    study_created : str or None, optional
        As above; left out: any study.
    """
    if study_created is ANY_STUDY:
        return has_hplab_record(trial)
    info = trial_info(trial, flat=flat_layout(study_created))
    return "worker" in info and _written_in(info, study_created)


def tally_hplab_trials(trials, study_created, key) -> dict:
    """How many of the study's own hplab trials (`run_by_hplab` in the study stamped
    ``study_created``) give each ``key(trial_info)``, keys in the order of their first trial
    (the versions, and the people, that ran a study).

    Parameters
    ----------
    trials : iterable of optuna.trial.FrozenTrial
    study_created : str or None
        The study's creation stamp (None: a study without one).
    key : callable
        ``key(info)`` of a trial's record (`trial_info`), a hashable.

    Returns
    -------
    dict
        ``{key: n_trials}``.
    """
    flat = flat_layout(study_created)
    counts: dict = {}
    for t in sorted(trials, key=lambda t: t.number):
        if run_by_hplab(t, study_created):
            k = key(trial_info(t, flat=flat))
            counts[k] = counts.get(k, 0) + 1
    return counts


def copied_from_another_study(trial, study_created=None) -> bool:
    """Whether ``trial`` holds a record hplab wrote in another study (it was copied).

    Parameters
    ----------
    trial : optuna.trial.FrozenTrial
    study_created : str, optional
        The creation stamp of the study it is in (its `CREATED_ATTR`; None: a study
        without one).
    """
    info = trial_info(trial, flat=flat_layout(study_created))
    return "worker" in info and not _written_in(info, study_created)


def _written_in(info: dict, study_created) -> bool:
    """Whether the record ``info`` was written in the study stamped ``study_created``."""
    # a record without the key: written before records named their study
    return info.get(STUDY_KEY, study_created) == study_created


def trial_status(trial, *, flat: bool = True) -> str | None:
    """The ``status`` hplab recorded (converged, pruned, diverged, error, interrupted...).

    Parameters
    ----------
    trial : optuna.trial.FrozenTrial
    flat : bool, default True
        As for `trial_info`: read a trial without a record in the flat layout of earlier
        versions.
    """
    return trial_info(trial, flat=flat).get("status")


def told_while_running(trial, *, flat: bool = True) -> bool:
    """Whether another program (``optuna tell``, another Optuna client) ended ``trial``
    while hplab's worker ran it: its record names the worker that entered it and no
    ``status``, which hplab records at every end it makes (``flat`` as for `trial_info`).
    Its state and value are that program's, not the training's.

    Parameters
    ----------
    trial : optuna.trial.FrozenTrial
    flat : bool, default True
        As for `trial_info`.
    """
    info = trial_info(trial, flat=flat)
    return "worker" in info and "status" not in info
