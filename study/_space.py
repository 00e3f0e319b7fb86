"""The searched hyperparameters: parsed from ``[space]`` (`_space_parse`), suggested per
trial, turned into a :class:`nets.TrainConfig` together with ``[fixed]`` (`_trial_config`).

``width`` and ``depth`` are not TrainConfig fields: they build ``hidden`` (one width shared
by every layer, or ``width.per_layer = true`` for one ``width_i`` per layer).
``imbalance_strategy`` (names of ``nets.STRATEGIES``) and ``sampling_ratio`` are not
either: the objective fits the strategy's imbalanced-learn pipeline around the net, and
``sampling_ratio`` is suggested only for strategies that use it. Every other name is a
TrainConfig field whose type (float, int, str) comes from the dataclass; one that only some
of the searched optimizers or schedules read (momentum) is suggested only for the trials
that read it (`_space_reads`).
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from decimal import Decimal

import nets

from ._errors import SpecError
from ._space_reads import conditional_settings, reads_setting, refuse_conditional

# TrainConfig fields that are not plain scalars, or that the study sets itself.
_NOT_SEARCHABLE = {"hidden", "class_weight", "extra", "max_epochs"}
_PSEUDO = {"width": int, "depth": int}
IMBALANCE_PARAMS = {"imbalance_strategy": str, "sampling_ratio": float}
DEFAULT_WIDTH, DEFAULT_DEPTH = 8, 1
GRID_MAX_VALUES = 1000  # a range of more points than this is no grid
# Optuna's GridSampler lists every combination up front, in every process that reads the
# spec: 1e7 of them took 2 GB and 40 s before the first trial
GRID_MAX_POINTS = 100_000


def _field_types() -> dict[str, type]:
    kinds = {"float": float, "int": int, "str": str, "bool": bool}
    out = {}
    for f in dataclasses.fields(nets.TrainConfig):
        if f.name in _NOT_SEARCHABLE:
            continue
        text = str(f.type).removesuffix(" | None")  # rho, opt_eps: None = the default
        # `activation: tuple[str, ...] | str`: one name for every layer when searched
        out[f.name] = str if f.name == "activation" else kinds.get(text)
    return {k: v for k, v in out.items() if v is not None}


FIELD_TYPES: dict[str, type] = {**_PSEUDO, **IMBALANCE_PARAMS, **_field_types()}


@dataclass(frozen=True)
class Param:
    """One searched hyperparameter.

    Attributes
    ----------
    name : str
        The setting searched (``"lr"``, ``"width"``...).
    kind : str
        ``"float"``, ``"int"`` or ``"categorical"``.
    low, high : float or None
        The range's ends, inclusive (None for a categorical one).
    log : bool
        Drawn on a log scale.
    step : float or None
        The spacing of its values (optuna's ``step``); None: any value (1 for an int).
    choices : tuple or None
        A categorical parameter's choices.
    """

    name: str
    kind: str
    low: float | None = None
    high: float | None = None
    log: bool = False
    step: float | None = None
    choices: tuple | None = None

    def suggest(self, trial, name: str | None = None):
        """This parameter's value drawn by optuna ``trial``, under ``name`` (default its own).

        Parameters
        ----------
        trial : optuna.Trial
        name : str, optional
            The name stored with the trial (``width_0``...); None: the parameter's.
        """
        name = name or self.name
        if self.kind == "categorical":
            return trial.suggest_categorical(name, list(self.choices))
        if self.kind == "int":
            return trial.suggest_int(name, int(self.low), int(self.high), log=self.log,
                                     step=int(self.step or 1))
        return trial.suggest_float(name, self.low, self.high, log=self.log, step=self.step)

    def grid_values(self, limit: int | None = None, sampler: str = "grid") -> list:
        """Every value, for a sampler that lists them (``sampler``, named by the errors);
        raises SpecError for a continuous range, or for more than ``limit`` values (counted
        before they are listed).

        Parameters
        ----------
        limit : int, optional
            The most values allowed; None: no limit.
        sampler : str, default "grid"
            The sampler's name, for the errors.
        """
        if self.kind == "categorical":
            return list(self.choices)
        if self.kind != "int" and self.step is None:
            raise SpecError(f"space.{self.name}: the {sampler} sampler needs choices (or a "
                            "step)")
        # in decimal steps, as optuna reads the range: low + 2 * 0.1 is 0.3, not the float
        # sum 0.30000000000000004 that lies outside [low, high]
        low, step = _decimal(self.low), _decimal(self.step or 1)
        n = int((_decimal(self.high) - low) / step) + 1
        if limit is not None and n > limit:  # a step of 1e-9 listed 1e9 points: memory full
            raise SpecError(f"space.{self.name}: {n} grid points; the {sampler} sampler takes "
                            f"at most {limit} per parameter (give choices or a larger step)")
        kind = int if self.kind == "int" else float
        return [kind(low + k * step) for k in range(n)]

    def candidates(self, inner: bool = True) -> list:
        """Values that must each make a valid TrainConfig.

        A range's ends, and (``inner``) 0 for an integer range across it: every
        TrainConfig rule on a number is an interval except batch_size's (-1 for full
        batch, or >= 1).

        Parameters
        ----------
        inner : bool, default True
            Include 0 inside an integer range.
        """
        if self.kind == "categorical":
            return list(self.choices)
        inside = (inner and self.kind == "int" and self.low < 0 < self.high
                  and -self.low % int(self.step or 1) == 0)  # 0 is one of its values
        return [self.low, *([0] if inside else []), self.high]


def _depth(values: dict, fixed: dict) -> int:
    """The depth of a trial's net: its searched one, else the spec's fixed, else 1."""
    return values.get("depth", fixed.get("depth", DEFAULT_DEPTH))


@dataclass(frozen=True)
class Space:
    """The searched parameters of a study, in suggestion order.

    Attributes
    ----------
    params : tuple of Param
        The searched parameters.
    per_layer : bool
        ``width.per_layer``: one width ``width_i`` searched per hidden layer, not one for
        every layer.
    """

    params: tuple[Param, ...]
    per_layer: bool = False

    def names(self) -> list[str]:
        """The searched parameters' names, in the spec's order."""
        return [p.name for p in self.params]

    def get(self, name: str) -> Param | None:
        """The searched parameter ``name``, or None when it is not searched.

        Parameters
        ----------
        name : str
            A setting's name (``"lr"``, ``"width"``...).
        """
        return next((p for p in self.params if p.name == name), None)

    def conditional(self) -> list[str]:
        """The searched settings only some of the searched optimizers or schedules read
        (momentum with optimizer = ["sgd", "momentum"]): suggested only where read."""
        return conditional_settings(self.names(), {
            kind: p.choices for kind in ("optimizer", "schedule") if (p := self.get(kind))})

    def suggest(self, trial, fixed: dict) -> dict:
        """Suggest every parameter; per-layer widths only for the layers that exist, and a
        setting only some optimizers or schedules read only for a trial that reads it.

        Parameters
        ----------
        trial : optuna.Trial
        fixed : dict
            The spec's fixed settings (what the optimizer, schedule and depth are when not
            searched).
        """
        values, conditional = {}, self.conditional()
        for p in self.params:
            if (p.name == "width" and self.per_layer) or p.name == "sampling_ratio" or \
                    p.name in conditional:
                continue
            values[p.name] = p.suggest(trial)
        for name in conditional:  # after the optimizer and schedule they depend on
            if reads_setting(name, values, fixed):
                values[name] = self.get(name).suggest(trial)
        ratio = self.get("sampling_ratio")
        if ratio is not None and uses_ratio(values.get("imbalance_strategy",
                                                       fixed.get("imbalance_strategy"))):
            values["sampling_ratio"] = ratio.suggest(trial)  # conditional on the strategy
        width = self.get("width")
        if width is not None and self.per_layer:
            values["widths"] = [width.suggest(trial, f"width_{i}")
                                for i in range(_depth(values, fixed))]
        return values

    def numeric_ranges(self, fixed: dict) -> dict[str, tuple]:
        """Every number a trial may suggest, by its name in the trial -> (low, high); a
        per-layer width once for each layer of the deepest net.

        Parameters
        ----------
        fixed : dict
            The spec's fixed settings (a fixed ``depth`` sets the per-layer widths' count).
        """
        out = {}
        for p in self.params:
            if p.kind == "categorical":
                continue
            if p.name == "width" and self.per_layer:
                depth = self.get("depth")
                deepest = max(depth.candidates()) if depth else fixed.get("depth", DEFAULT_DEPTH)
                out.update({f"width_{i}": (p.low, p.high) for i in range(deepest)})
            else:
                out[p.name] = (p.low, p.high)
        return out

    def grid(self, limit: int | None = None, sampler: str = "grid") -> dict[str, list]:
        """Every parameter's grid values (see `Param.grid_values`).

        Parameters
        ----------
        limit : int, optional
            The most values allowed per parameter; None: no limit.
        sampler : str, default "grid"
            The sampler's name, for the errors.
        """
        if self.per_layer:
            raise SpecError(f"space.width.per_layer: the {sampler} sampler needs a fixed set "
                            "of parameters; use a shared width")
        strategies = self.get("imbalance_strategy")
        if self.get("sampling_ratio") is not None and strategies is not None and not all(
                uses_ratio(name) for name in strategies.choices):
            # suggested only for strategies that resample: the grid would count the points
            # it skips for the others, and run one configuration several times
            raise SpecError(f"space.sampling_ratio: the {sampler} sampler needs every parameter "
                            "in every trial; fix sampling_ratio in [fixed] or use another "
                            "sampler")
        refuse_conditional(self.conditional(), sampler)  # as sampling_ratio: not in every trial
        return {p.name: p.grid_values(limit, sampler) for p in self.params}


def uses_ratio(strategy: str | None) -> bool:
    """Whether ``strategy`` (a registry key) resamples toward a target ratio."""
    if strategy is None:
        return False
    return nets.STRATEGIES[strategy].uses_ratio


def _decimal(value) -> Decimal:
    """A spec's number as the decimal it was written as (optuna's reading of a step)."""
    return Decimal(str(value))
