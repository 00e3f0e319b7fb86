"""Study specs: a TOML file validated on load into a typed, frozen :class:`StudySpec`.

::

    [study]
    name = "coin"              # default: the file's stem
    dataset = "coin"           # any data.load name
    metric = "val_accuracy"    # or a list for several objectives
    n_trials = 40              # the study-wide total, across workers and resumes
    sampler = "tpe"
    pruner = "hyperband"
    max_epochs = 100

    [space]
    lr = { low = 1e-3, high = 1.0, log = true }
    batch_size = [16, 32, 64]
    width = { low = 4, high = 64, log = true }
    depth = { low = 1, high = 3 }

    [fixed]
    optimizer = "adam"

    # imbalanced binary data (e.g. dataset = "digits?imbalance=1:20&positive=8"): metric
    # val_pr_auc (or any val_* of IMBALANCE_METRICS), and in [space]
    # imbalance_strategy = ["none", "class_weight", "smote"]; sampling_ratio = {low, high}

    [pruner]                   # optional keyword options of the optuna class
    reduction_factor = 3

Every error names its key path and is a :class:`SpecError` (a ValueError).
The ``[study]`` table's keys, defaults and checks are in ``_spec_study_table``.
"""

from __future__ import annotations

import dataclasses
import json
import numbers
from dataclasses import dataclass, field

import numpy as np

import nets

from ._errors import SpecError
from ._grid_points import grid_points
from ._registry import (
    IMBALANCE_METRICS,
    METRICS,
    make_pruner,
    make_sampler,
    quiet_optuna,
)
from ._space import GRID_MAX_POINTS, GRID_MAX_VALUES, Space
from ._space_check import check_config_space, check_settings_read
from ._space_parse import fixed_for_data, parse_fixed, parse_space
from ._spec_options import check_pruner, check_resources, check_sampler, check_x0
from ._spec_pipeline import _check_pipeline
from ._spec_study_table import _parse_study

# what every checkpoint records, so what a pruner can follow during training
CHECKPOINT_METRICS = ("val_accuracy", "val_loss", "train_accuracy", "train_loss")
_TABLES = ("study", "space", "fixed", "sampler", "pruner")


@dataclass(frozen=True)
class StudySpec:
    """A validated study spec. ``raw`` is the parsed TOML, stored with the study.

    Attributes
    ----------
    name, dataset : str
        ``study.name`` and the `data.load` name of its data.
    metrics : tuple of str
        The objectives (``study.metric``), one per direction.
    n_trials, seed : int
        The study-wide trial budget and the study's seed.
    sampler, pruner : str
        The Optuna sampler's and pruner's names.
    max_epochs : float
        Each trial's training budget.
    space : Space
        The searched hyperparameters (``[space]``).
    fixed : dict
        The settings every trial takes (``[fixed]``).
    raw : dict
        The parsed TOML, stored with the study.
    description : str
    timeout : float or None
        Seconds, per worker from its first possible trial (None: no limit).
    heartbeat_interval, grace_period : int
        Seconds between a running trial's heartbeats, and without one before it is
        failed and retried.
    max_retry : int
        How many times a trial failed as stale (no heartbeat for ``grace_period``) is
        retried.
    repeatable_workers : int or None
        Trial k learns from trials 0 .. k - repeatable_workers only (`history_study`).
    sampler_options, pruner_options : dict
        Keyword options of the sampler's and pruner's class (``[sampler]``, ``[pruner]``).
    path : str or None
        The spec file it was read from (None for a dict).
    strict : bool
        False: read by an earlier version's rules (a stored spec, or one resuming its
        study).
    """

    name: str
    dataset: str
    metrics: tuple[str, ...]
    n_trials: int
    seed: int
    sampler: str
    pruner: str
    max_epochs: float
    space: Space
    fixed: dict
    raw: dict = field(repr=False)  # the fields above again: a repr of 1,200 characters
    description: str = ""
    timeout: float | None = None  # seconds, per worker from its first possible trial
    heartbeat_interval: int = 5
    grace_period: int = 30
    max_retry: int = 2
    # trial k learns from trials 0 .. k - repeatable_workers only (`history_study`)
    repeatable_workers: int | None = None
    sampler_options: dict = field(default_factory=dict)
    pruner_options: dict = field(default_factory=dict)
    path: str | None = None
    # False: read by an earlier version's rules (a stored spec, or one resuming its study)
    strict: bool = True

    @property
    def directions(self) -> tuple[str, ...]:
        return tuple(METRICS[m] for m in self.metrics)

    @property
    def multi_objective(self) -> bool:
        return len(self.metrics) > 1

    @property
    def imbalance(self) -> bool:
        """Whether the study needs a binary dataset (imbalance metrics or strategies)."""
        return bool(set(self.metrics) & set(IMBALANCE_METRICS)) or any(
            "imbalance_strategy" in names for names in (self.space.names(), self.fixed))

    @property
    def checkpoint(self) -> float:
        """Epochs between checkpoints (where the pruner is asked)."""
        return float(self.fixed.get("checkpoint", nets.TrainConfig.checkpoint))

    def with_trials(self, n_trials: int) -> StudySpec:
        """The same spec with another study-wide trial count.

        Parameters
        ----------
        n_trials : int
            The new budget of trials (checked as the spec's own).
        """
        return _parse_with_trials(json.loads(json.dumps(self.raw)), n_trials, path=self.path,
                                  strict=self.strict)


def _parse_with_trials(raw: dict, n_trials: int | None, **kwargs) -> StudySpec:
    """`parse_spec` of ``raw`` with the study-wide total ``n_trials`` (None: its own)
    instead of its ``study.n_trials``, whose errors then name the argument."""
    if n_trials is None:
        return parse_spec(raw, **kwargs)
    if isinstance(n_trials, bool) or not isinstance(n_trials, numbers.Integral) or n_trials < 1:
        raise SpecError(f"n_trials must be an integer >= 1, got {n_trials!r}")
    if isinstance(raw.get("study"), dict):  # else parse_spec says what the table must be
        raw = {**raw, "study": {**raw["study"], "n_trials": int(n_trials)}}
    try:
        return parse_spec(raw, **kwargs)
    except SpecError as exc:  # the count came from the argument, not the spec's key
        message = str(exc)
        if message.startswith("study.n_trials"):
            raise SpecError(message.removeprefix("study.")) from None
        raise


def parse_spec(raw: dict, *, path: str | None = None, strict: bool = True) -> StudySpec:
    """Validate a parsed spec (a dict shaped like the TOML) into a :class:`StudySpec`.

    Parameters
    ----------
    raw : dict
        The spec's tables: ``study``, ``space``, ``fixed``... (`tomllib.loads` of a file).
    path : str, optional
        The file it was read from, kept as the spec's ``path`` (and named in errors).
    strict : bool
        False reads a spec stored by an earlier version, which let through settings this
        one refuses as having no effect (a pruner on a metric scored after training,
        momentum with the sgd optimizer): its trials stay readable.

    Returns
    -------
    StudySpec

    Raises
    ------
    SpecError
        Any invalid key (the message names its path).
    """
    if not isinstance(raw, dict):
        raise SpecError("a spec must be a table")
    for key in raw:
        if key not in _TABLES:
            raise SpecError(f"{key}: unknown table; valid: {', '.join(_TABLES)}")
    for key in _TABLES:
        if not isinstance(raw.get(key, {}), dict):
            raise SpecError(f"{key} must be a table")
    raw = _python_values(raw)
    _json_safe(raw)
    if not raw.get("study"):  # load_spec names a study after its file: dataset is the need
        raise SpecError("study: the [study] table is missing or empty; it needs at least "
                        "dataset = \"NAME\" (a data.load name)")
    s = _parse_study(raw["study"], strict)
    metrics = s.pop("metrics")
    space = parse_space(raw.get("space", {}), strict)
    if not space.params:
        # a user who means to run enqueued points alone needs them searched (README)
        raise SpecError("space: nothing to search; add at least one hyperparameter (to run "
                        "only points you enqueue, search their names here, e.g. lr = [0.01, "
                        "0.1], and set n_trials to their number; one net alone: hplab train)")
    fixed = parse_fixed(raw.get("fixed", {}))
    check_config_space(space, fixed_for_data(fixed), s["max_epochs"], strict)
    if strict:  # a stored spec that searched one anyway ran with it: its study still reads
        check_settings_read(space, fixed)
    pipeline = "imbalance_strategy" in {*space.names(), *fixed}
    if pipeline:
        _check_pipeline(metrics, space, fixed, strict)
    # n_parameters, val_pr_auc... and pipeline trials: scored once, no curve to prune on
    after_training = metrics[0] not in CHECKPOINT_METRICS or pipeline
    if s["pruner"] is None:
        s["pruner"] = default_pruner(metrics, pipeline)  # "none" where after_training
    if after_training and strict:
        what = "imbalance_strategy trials are" if pipeline else f"{metrics[0]} is"
        if s["pruner"] != "none":
            raise SpecError(f"study.pruner: {what} scored once, after training, so nothing "
                            "can be pruned; use pruner = \"none\"")
        if "patience" in raw.get("pruner", {}):
            raise SpecError(f"pruner.patience: {what} scored once, after training, so no "
                            "curve can stop improving; drop pruner.patience")
    if "checkpoint" in space.names() and s["pruner"] != "none":
        raise SpecError("space.checkpoint: pruners compare trials checkpoint by checkpoint, "
                        "so every trial needs the same checkpoint; fix it in [fixed] or use "
                        "pruner = \"none\"")
    sampler_options, pruner_options = raw.get("sampler", {}), raw.get("pruner", {})
    check_sampler(s["sampler"], sampler_options, len(metrics), strict)
    check_pruner(s["pruner"], pruner_options, len(metrics), strict)
    spec = StudySpec(metrics=metrics, space=space, fixed=fixed, raw=raw, path=path,
                     sampler_options=dict(sampler_options),
                     pruner_options=dict(pruner_options), strict=strict, **s)
    # grid: n_trials defaults to its size, and cannot exceed it; new specs: at most
    # GRID_MAX_VALUES a parameter (a stored one ran as it is)
    size = grid_points(spec, GRID_MAX_VALUES if strict else None)
    if size is not None:
        if strict and size > GRID_MAX_POINTS:
            raise SpecError(f"space: the grid has {size} points; the {spec.sampler} sampler "
                            f"takes at most {GRID_MAX_POINTS} (it lists them all): give fewer "
                            "values or larger steps")
        if "n_trials" not in raw.get("study", {}):
            spec = dataclasses.replace(spec, n_trials=size)
        elif spec.n_trials > size:
            raise SpecError(f"study.n_trials {spec.n_trials} exceeds the grid's {size} points")
    if strict:
        check_x0(spec)  # before the sampler is built: optuna warns that x0 is deprecated
    with quiet_optuna():  # constructor-level checks (e.g. grid values)
        make_sampler(spec)
        make_pruner(spec)
    if strict:
        check_resources(spec)
    return spec


def default_pruner(metrics, pipeline: bool) -> str:
    """The pruner of a spec naming none: "median", or "none" where nothing has a curve to
    prune on (several metrics, a metric scored after training, imbalance_strategy trials)."""
    after_training = metrics[0] not in CHECKPOINT_METRICS or pipeline
    return "none" if len(metrics) > 1 or after_training else "median"


def _python_values(value):
    """A spec built in Python, as TOML would give it: NumPy scalars and arrays as Python
    numbers and lists (seed=np.int64(3), batch_size=np.array([16, 32])), tuples as lists."""
    if isinstance(value, dict):
        return {k: _python_values(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_python_values(v) for v in value]
    return value.tolist() if isinstance(value, np.ndarray | np.generic) else value


def _json_safe(raw: dict) -> None:
    """The spec is stored in the study as JSON: TOML dates and times cannot be; the first
    one is named by its key path."""
    def first_other(value, path: str):
        if isinstance(value, dict):
            items = ((f"{path}.{k}" if path else str(k), v) for k, v in value.items())
        elif isinstance(value, list):
            items = ((f"{path}[{i}]", v) for i, v in enumerate(value))
        else:
            ok = value is None or isinstance(value, str | int | float | bool)
            return None if ok else (path, value)
        return next((hit for p, v in items if (hit := first_other(v, p))), None)

    hit = first_other(raw, "")
    if hit:
        key, value = hit
        raise SpecError(f"{key}: spec values must be strings, numbers, booleans, lists or "
                        f"tables, got a {type(value).__name__} ({value})")
