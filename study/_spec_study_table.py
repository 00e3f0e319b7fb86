"""The ``[study]`` table of a spec: its keys, their defaults and the checks of their values."""

from __future__ import annotations

import warnings

import nets

from ._errors import SpecError
from ._registry import METRICS
from ._space_parse import _typed

MAX_SEED = 2**32 - 1
def spec_description(table) -> str | None:
    """The description in a spec's table (``{"study": {...}}``, as a file or a study
    stores it), "" when it has none, as a spec reads it; None where it has no [study]
    table (no spec).

    Parameters
    ----------
    table : dict
        As above.
    """
    study = table.get("study") if isinstance(table, dict) else None
    return str(study.get("description", "")) if isinstance(study, dict) else None


#: a study's most trials, as ``max_epochs`` has its most: 10**20 was taken, its bar's
#: estimate trillions of hours
MAX_TRIALS = 1_000_000
#: the longest heartbeat interval and grace period, in seconds: a year (10**11 s, before
#: year 1, failed every run as 'date value out of range' once the study was stored)
MAX_PERIOD = 365 * 24 * 3600
# [study] key -> (type, default); None means required.
_STUDY_KEYS = {
    "name": (str, None), "dataset": (str, None), "description": (str, ""),
    "metric": (object, "val_accuracy"), "n_trials": (int, 20), "timeout": (float, None),
    "seed": (int, 0), "sampler": (str, "tpe"), "pruner": (str, None),
    "max_epochs": (float, 100.0), "heartbeat_interval": (int, 5), "grace_period": (int, 30),
    "max_retry": (int, 2), "repeatable_workers": (int, None),
}
# samplers whose proposals a trial's view of the study (`history_study`) cannot fix
_NOT_REPEATABLE = {
    "grid": "its workers walk one shared sequence, a point to whichever claims first",
    "qmc": "its workers walk one shared sequence, a point to whichever claims first",
    "nsga2": "it caches each generation's parents in the study, as the first trial to "
             "need them saw the study",
}


def study_default(key: str):
    """The default of a ``[study]`` key (what a spec that leaves it out means)."""
    return _STUDY_KEYS[key][1]


def stored_budget(stored: dict) -> int:
    """A stored spec's n_trials (its default where an older hplab left it out)."""
    return stored["study"].get("n_trials", study_default("n_trials"))


def _parse_study(raw: dict, strict: bool = True) -> dict:
    out = {}
    for key in raw:
        if key not in _STUDY_KEYS:
            raise SpecError(f"study.{key}: unknown key; valid: {', '.join(_STUDY_KEYS)}")
    for key, (kind, default) in _STUDY_KEYS.items():
        if key not in raw:
            if default is None and key in ("name", "dataset"):
                raise SpecError(f"study.{key} is missing")
            out[key] = default
            continue
        out[key] = raw[key] if kind is object else _typed(raw[key], kind, f"study.{key}")
    if not out["name"].strip():  # "must be 1-200 characters, got '  '" read as a miscount
        raise SpecError("study.name is blank; give the study a name")
    if len(out["name"]) > 200:
        raise SpecError(f"study.name must be 1-200 characters, got {len(out['name'])}")
    # printed, they move a terminal's cursor or reorder the text (PostgreSQL refuses NUL
    # besides); strict only: a study an earlier version stored under such a name resumes
    if strict and any(map(nets.unprintable, out["name"])):
        raise SpecError(f"study.name must not hold control characters, got {out['name']!r}")
    _check_dataset(out["dataset"])
    metric = out.pop("metric")
    metrics = [metric] if isinstance(metric, str) else metric
    if not isinstance(metrics, list) or not metrics or not all(
            isinstance(m, str) for m in metrics):
        raise SpecError(f"study.metric must be a name or a list of names, got {metric!r}")
    for m in metrics:
        if m not in METRICS:
            raise SpecError(f"study.metric: unknown metric {m!r}; valid: {', '.join(METRICS)}")
    if len(set(metrics)) != len(metrics):
        raise SpecError(f"study.metric lists a metric twice: {metrics}")
    out["metrics"] = tuple(metrics)
    for key, low in (("n_trials", 1), ("seed", 0), ("heartbeat_interval", 1),
                     ("max_retry", 0)):
        if out[key] < low:
            raise SpecError(f"study.{key} must be >= {low}, got {out[key]}")
    if strict and out["n_trials"] > MAX_TRIALS:  # a study stored with more still reads
        raise SpecError(f"study.n_trials must be at most {MAX_TRIALS:,}, got "
                        f"{out['n_trials']:,}")
    if out["seed"] > MAX_SEED:  # optuna's samplers take 32-bit seeds
        raise SpecError(f"study.seed must be between 0 and 2**32 - 1, got {out['seed']}")
    for key in ("timeout", "max_epochs"):
        if out[key] is not None and out[key] <= 0:
            raise SpecError(f"study.{key} must be > 0, got {out[key]}")
    if strict:  # TrainConfig's rule, said here (1e99 ran its first trial for good); a study
        # an earlier version stored with more still reads (to show or report it)
        try:
            nets.check_epochs("study.max_epochs", out["max_epochs"])
        except ValueError as exc:
            raise SpecError(str(exc)) from None
    _check_repeatable(out["repeatable_workers"], out["sampler"])
    for key in ("heartbeat_interval", "grace_period"):
        if strict and out[key] > MAX_PERIOD:
            raise SpecError(f"study.{key} must be at most {MAX_PERIOD:,} seconds (a year), "
                            f"got {out[key]:,}")
    if not strict:
        _clamp_periods(out)
    if out["grace_period"] <= out["heartbeat_interval"]:
        raise SpecError("study.grace_period must be > study.heartbeat_interval, got "
                        f"{out['grace_period']} and {out['heartbeat_interval']}")
    return out


def _clamp_periods(out: dict) -> None:
    """A study stored before the limit keeps its periods, and runs with a year at most
    (10**11 s overflowed Python's dates: every resume failed), said in one warning."""
    # the grace stays above the interval, as a spec within the limits has it
    over = [(key, out[key], most) for key, most in (("heartbeat_interval", MAX_PERIOD - 1),
                                                     ("grace_period", MAX_PERIOD))
            if out[key] > most]
    if not over:
        return
    names = " and ".join(f"study.{key}" for key, _, _ in over)
    stored = " and ".join(f"{value:,}" for _, value, _ in over)
    taken = " and ".join(f"{most:,}" for _, _, most in over)
    warnings.warn(f"study {out['name']!r} stores {names} {stored} seconds, over a year: "
                  f"{'they are' if len(over) > 1 else 'it is'} taken as {taken} (the stored "
                  "spec is kept)", stacklevel=nets.user_stacklevel())
    out.update({key: most for key, _, most in over})


def _check_repeatable(workers: int | None, sampler: str) -> None:
    if workers is None:
        return
    if workers < 1:
        raise SpecError(f"study.repeatable_workers must be >= 1, got {workers}")
    if sampler in _NOT_REPEATABLE:
        raise SpecError(f"study.repeatable_workers: the {sampler} sampler cannot run "
                        f"repeatably in parallel: {_NOT_REPEATABLE[sampler]}; leave "
                        "repeatable_workers out")


def _check_dataset(name: str) -> None:
    """Unknown names and options fail here, without loading (or downloading) anything."""
    from data import DataError, parse_name

    try:
        parse_name(name)
    except DataError as exc:
        raise SpecError(f"study.dataset: {exc}") from None
