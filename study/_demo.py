"""The demo study (`hplab demo`): the ready digits spec under the name "demo", run afresh
each time, replacing the last demo and nothing else."""

from __future__ import annotations

import contextlib

import optuna
from optuna.trial import TrialState

import nets

from ._errors import StorageError
from ._registry import quiet_optuna
from ._spec import StudySpec, parse_spec
from ._spec_files import load_spec
from ._stale_trials import stale_trials
from ._storage import open_storage, release
from ._storage_url import resolve_storage
from ._worker import COMMAND_ATTR

DEMO = "demo"  # the demo study's name
DEMO_COMMAND = ("hplab", "demo")  # the stored command line's words: the demo made it
# the demo's trials are those of 4 workers in lockstep (`study.repeatable_workers`): the
# same report from run to run with --workers 1 to 4; twice the 2 workers it runs, so that
# a worker seldom waits (benchmarks/study_repeatable.py: as fast as a plain study)
DEMO_REPEATABLE_WORKERS = 4


def made_by_demo(command: str) -> bool:
    """Whether a study's stored command line is a demo's: ``cd DIR && hplab demo ...``, or
    ``hplab demo ...`` as the demo stored it before it named its folder."""
    try:
        words = nets.shell_split(command)
    except ValueError:  # an unbalanced quote: no command hplab stored
        return False
    if words[:1] == ["cd"] and words[2:3] == ["&&"]:
        words = words[3:]
    return tuple(words[:2]) == DEMO_COMMAND


def demo_spec(trials: int | None = None, storage=None) -> StudySpec:
    """The ready digits spec named "demo" (``trials``: its n_trials instead of the spec's),
    repeatable with up to `DEMO_REPEATABLE_WORKERS` workers; not on a journal ``storage``
    (it has no heartbeats: a dead worker's trial would hold up the others for good), nor
    with that few trials or fewer (no trial would learn from another).

    Parameters
    ----------
    trials : int, optional
        The demo's budget of trials; None: the digits spec's.
    storage : str, optional
        The storage it will run on (any form `resolve_storage` takes).
    """
    spec = load_spec("digits")
    study_table = {**spec.raw["study"], "name": DEMO}
    journal = storage is not None and resolve_storage(storage).kind == "journal"
    n_trials = study_table["n_trials"] if trials is None else trials
    # (a count that is no whole number is with_trials' to refuse)
    if not journal and not (isinstance(n_trials, int) and n_trials <= DEMO_REPEATABLE_WORKERS):
        study_table["repeatable_workers"] = DEMO_REPEATABLE_WORKERS
    spec = parse_spec({**spec.raw, "study": study_table}, path=spec.path)
    return spec if trials is None else spec.with_trials(trials)


def earlier_demo(storage, spec: StudySpec) -> str | None:
    """Where an earlier demo study is that a fresh demo run would replace (the storage,
    masked), or None when there is none; a study named "demo" that the demo did not make
    (one without a command only if it holds trials), or one still running, is refused
    (ValueError). Whoever made it: one made from optuna itself was deleted unsaid, taken
    for no study.

    Parameters
    ----------
    storage : str, optional
        Any storage form `resolve_storage` takes.
    spec : StudySpec
        The demo's spec.
    """
    where = resolve_storage(storage)
    if not where.exists():
        return None
    # whose it is, read as it is: a refused storage is left as it was (not made WAL)
    with _demo_in(where, read_only=True) as demo:
        if demo is None:
            return None
        _check_owner(demo, where)
    # a trial whose heartbeat went stale (its worker killed, on any machine) is not
    # running; the demo's spec has the heartbeat settings every demo ran with
    with _demo_in(where, heartbeat_interval=spec.heartbeat_interval,
                  grace_period=spec.grace_period) as demo:
        if demo is not None:
            _check_not_running(demo, where, spec.grace_period)
    return where.masked


@contextlib.contextmanager
def _demo_in(where, **options):
    """Study "demo" in ``where`` as optuna reads it, whoever made it, its storage opened
    with ``options`` and released after; None where there is none, or where the storage
    cannot be read (the run says why)."""
    try:
        with quiet_optuna():  # heartbeats are experimental: optuna warns at each open
            store = open_storage(where, **options)
    except StorageError:
        yield None
        return
    try:
        try:
            with quiet_optuna():
                demo = optuna.load_study(study_name=DEMO, storage=store)
        except KeyError:  # no study of that name
            demo = None
        yield demo
    finally:
        release(store)


def _check_owner(demo, where) -> None:
    """Refuse (ValueError) to replace ``demo``, the study named "demo" in ``where``, when
    the demo did not make it."""
    # a demo that failed between making its study and storing its command (a full disk)
    # left one with neither: nothing to lose, and refusing it barred every later demo. One
    # holding an attribute hplab never writes (all its own are hplab_...) is someone's
    leftover = (COMMAND_ATTR not in demo.user_attrs and not demo.get_trials(deepcopy=False)
                and all(key.startswith("hplab_") for key in demo.user_attrs))
    if not leftover and not made_by_demo(str(demo.user_attrs.get(COMMAND_ATTR, ""))):
        raise ValueError(f"{where.masked} holds a study named 'demo' that hplab demo did not "
                         "make; the demo would replace it: give another --storage")


def _check_not_running(demo, where, grace_period: float) -> None:
    """Refuse (ValueError) to replace the demo's study ``demo`` while it is running: a
    RUNNING trial that `stale_trials` (``study show``'s rule) does not count left over."""
    # optuna calls fail_stale_trials experimental, on each call: only that is left out
    with nets.filtered_warnings((
            "ignore", optuna.exceptions.ExperimentalWarning, r".*fail_stale_trials is experim")):
        optuna.storages.fail_stale_trials(demo)
    trials = demo.get_trials(deepcopy=False)
    left = stale_trials(demo, trials, grace_period)
    live = [t.number for t in trials if t.state == TrialState.RUNNING and t.number not in left]
    if live:  # deleting it under a running demo would mix the two runs' trials
        raise ValueError(f"the demo study in {where.masked} is still running (trial "
                         f"#{live[0]}); wait for it to end, or give another --storage")
