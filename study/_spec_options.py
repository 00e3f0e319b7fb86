"""The ``[sampler]`` and ``[pruner]`` options of a spec, checked when it loads.

Every option is checked against the optuna constructor's signature and its annotated
type; options optuna takes at construction but trips over mid-study (every trial then
fails) have rules of their own, and CMA-ES's ``x0`` is checked against the space.
"""

from __future__ import annotations

import importlib.util
import inspect
import math

from ._errors import SpecError
from ._patience import PATIENCE_OPTIONS, check_patience, split_patience
from ._pruner_steps import _first_rung
from ._registry import _RESERVED, PRUNERS, SAMPLERS, _checkpoints


def check_resources(spec) -> None:
    """A rung pruner's (hyperband's, successive halving's) min_resource must not exceed the
    checkpoints of a full run, nor its max_resource: optuna takes it, and then never prunes
    (no trial reaches the first rung)."""
    entry = PRUNERS[spec.pruner]
    if not entry.rungs:
        return
    opts, full = spec.pruner_options, _checkpoints(spec)
    low = _first_rung(spec)
    if low == "auto":
        return
    limits = [(full, f"the checkpoints of a full run ({full}: study.max_epochs / "
                     "checkpoint)")]
    if "max_resource" in opts:  # an option of hyperband's only (the checks refuse others)
        limits.insert(0, (opts["max_resource"], f"pruner.max_resource ({opts['max_resource']})"))
    for limit, where in limits:
        if limit != "auto" and low > limit:
            raise SpecError(f"pruner.min_resource {low} must be <= {where}")


def single_choices(spec) -> str | None:
    """What searching entries of one choice means (every trial trains that choice), or None.
    Not refused: a spec may pin a setting in [space] while it is edited (optuna takes it)."""
    alone = [(p.name, p.choices[0]) for p in spec.space.params
             if p.kind == "categorical" and len(p.choices) == 1]
    if not alone:
        return None
    listed = ", ".join(f"space.{name} = [{value!r}]" for name, value in alone)
    each = "a single choice" if len(alone) == 1 else "each a single choice"
    return (f"{listed}: {each}, so every trial trains it and the search learns "
            f"nothing of it; put it in [fixed], or give two choices or more")


def _whole(low: int, auto: bool = False):
    def ok(v) -> bool:
        return (auto and v == "auto") or (
            isinstance(v, int) and not isinstance(v, bool) and v >= low)
    either = '"auto" or ' if auto else ""
    return ok, f"must be {either}an integer >= {low}"


# Options optuna takes at construction but trips over in the middle of a study (every
# trial then fails): checked when the spec loads. (table, option) -> (check, message).
_OPTION_RULES = {
    ("pruner", "reduction_factor"): _whole(2),
    ("pruner", "min_resource"): _whole(1),  # hyperband: an integer; see below for "auto"
    ("pruner", "max_resource"): _whole(1, auto=True),
    ("pruner", "n_startup_trials"): _whole(0),
    ("pruner", "n_warmup_steps"): _whole(0),
    ("pruner", "interval_steps"): _whole(1),
    ("pruner", "min_early_stopping_rate"): _whole(0),
    ("pruner", "bootstrap_count"): _whole(0),
    ("sampler", "n_startup_trials"): _whole(0),
    ("sampler", "n_ei_candidates"): _whole(1),
    ("sampler", "population_size"): _whole(2),
}


def _number(low: float, above: bool = False):
    def ok(v) -> bool:
        return (isinstance(v, int | float) and not isinstance(v, bool) and math.isfinite(v)
                and (v > low if above else v >= low))
    return ok, f"must be a number {'>' if above else '>='} {low:g}"


# The same, added after studies ran with such values (their startup trials completed): new
# specs only, so a stored one stays readable. Constraints from optuna and cmaes.
_NEW_SPEC_RULES = {
    # cmaes: the better half of a generation (popsize // 2) updates the search; 1 has none
    ("sampler", "popsize"): _whole(2),
    ("sampler", "prior_weight"): _number(0),  # tpe's Parzen estimator refuses a negative
    # cmaes asserts sigma > 0; optuna raises one below 1e-10 to 1e-10: a search that never
    # moves from x0
    ("sampler", "sigma0"): _number(0, above=True),
}
# Of those, the numbers that fail every trial the sampler models (tpe past its startup
# trials, cmaes from its first): a stored study that has one runs no more trials
_FAILS_TRIALS = (("sampler", "prior_weight"), ("sampler", "sigma0"))


def check_runnable(spec) -> None:
    """SpecError if ``spec`` (a stored one, read by earlier rules) holds a sampler option
    whose number fails trials: resuming it spent the rest of the budget on error trials
    (another type, which optuna takes as earlier versions did, is left to it)."""
    for table, key in _FAILS_TRIALS:
        value = spec.sampler_options.get(key)
        ok, message = _NEW_SPEC_RULES[table, key]
        if isinstance(value, int | float) and not isinstance(value, bool) and not ok(value):
            raise SpecError(f"{table}.{key} {message}, got {value!r}: study {spec.name!r} "
                            "cannot run more trials with its stored spec (optuna fails "
                            "each one its sampler models); run a corrected spec under a new "
                            "study.name")


# An option's annotated type -> the TOML values it takes (ints count as floats).
_TOML_KINDS = {"bool": ((bool,), "true or false"), "int": ((int,), "an integer"),
               "float": ((int, float), "a finite number"), "str": ((str,), "a string")}


def _kinds(param: inspect.Parameter) -> list[str] | None:
    """What TOML kinds an option's annotation (``'bool | None'``, ``int``) allows; None
    for types that are not TOML scalars (left to the constructor)."""
    note = param.annotation
    text = note if isinstance(note, str) else getattr(note, "__name__", "")
    names = [t.strip() for t in text.split("|") if t.strip() != "None"]
    return names if names and all(n in _TOML_KINDS for n in names) else None


def _of_kind(value, kinds: list[str]) -> bool:
    if isinstance(value, bool):  # a bool is an int to Python, never a number in a spec
        return "bool" in kinds
    if isinstance(value, float) and not math.isfinite(value):
        return False
    return any(isinstance(value, _TOML_KINDS[k][0]) for k in kinds)


def _takes_callable(param: inspect.Parameter) -> bool:
    return "Callable" in str(param.annotation)


def _check_options(cls, opts: dict, table: str, name: str, strict: bool = True,
                   also: tuple = ()) -> None:
    """``also``: options of the table that are hplab's (listed among the valid ones)."""
    params = inspect.signature(cls.__init__).parameters
    valid = [k for k in params if k not in ("self", *_RESERVED) and params[k].kind not in (
        inspect.Parameter.VAR_KEYWORD, inspect.Parameter.VAR_POSITIONAL)
        and not _takes_callable(params[k])]
    valid += [k for k in also if k not in valid]
    for key, value in opts.items():
        if key in params and key not in _RESERVED and _takes_callable(params[key]):
            if strict:  # optuna calls it in each trial: "'str' object is not callable"
                raise SpecError(f"{table}.{key} takes a Python callable; it cannot be set "
                                "from a spec")
            continue
        if key not in valid:
            if not strict and key in params and params[key].kind is \
                    inspect.Parameter.VAR_POSITIONAL:
                continue  # earlier versions offered NopPruner's *args, which it ignores
            if key == "seed" and key in params:  # "unknown" sent users looking for a way
                raise SpecError(f"{table}.seed: the study seeds its sampler; set study.seed "
                                "instead")
            # "valid: none" read as the option pruner = "none" takes
            listed = (f"valid: {', '.join(valid)}" if valid else
                      f"{table} {name!r} takes no options: remove [{table}]")
            if key in _RESERVED and key in params:
                raise SpecError(f"{table}.{key}: {cls.__name__}'s {key} is set by the study, "
                                f"not by a spec; {listed}")
            raise SpecError(f"{table}.{key}: unknown option for {table} {name!r} "
                            f"({cls.__name__}); {listed}")
        ok, message = _OPTION_RULES.get((table, key), (None, ""))
        if strict and (table, key) in _NEW_SPEC_RULES:
            ok, message = _NEW_SPEC_RULES[table, key]
        if key == "min_resource" and cls.__name__ == "SuccessiveHalvingPruner":
            ok, message = _whole(1, auto=True)  # it measures the resource itself
        if ok is not None and not ok(value):
            raise SpecError(f"{table}.{key} {message}, got {value!r}")
        kinds = _kinds(params[key])
        # optuna takes "false" for multivariate, and it is true; stored specs that did
        # stay readable
        if strict and kinds is not None and not _of_kind(value, kinds):
            wanted = " or ".join(_TOML_KINDS[k][1] for k in kinds)
            raise SpecError(f"{table}.{key} must be {wanted}, got {value!r}")


def check_sampler(name: str, opts: dict, n_metrics: int, strict: bool = True) -> None:
    """Raise SpecError for an unknown or unusable sampler, or an unknown option (or,
    ``strict``, an option's value of the wrong type)."""
    if name not in SAMPLERS:
        raise SpecError(f"study.sampler: unknown sampler {name!r}; valid: {', '.join(SAMPLERS)}")
    entry = SAMPLERS[name]
    cls, module, multi_ok = entry.cls, entry.module, entry.multi_objective
    if n_metrics > 1 and not multi_ok:
        multi = [k for k, v in SAMPLERS.items() if v.multi_objective]
        raise SpecError(f"study.sampler: {name} optimizes one metric; with several use one "
                        f"of {', '.join(multi)}")
    if module and importlib.util.find_spec(module) is None:
        install = f"'hplab[{entry.extra}]'" if entry.extra else module
        raise SpecError(f"study.sampler: {name} needs the {module} package "
                        f"(pip install {install})")
    _check_options(cls, opts, "sampler", name, strict)


def check_x0(spec) -> None:
    """CMA-ES's ``x0``, its starting point: a value within its range for every parameter it
    searches (optuna checks none of it until CMA-ES starts, after the startup trials, and
    then every trial failed)."""
    if spec.sampler != "cmaes" or "x0" not in spec.sampler_options:
        return
    x0, ranges = spec.sampler_options["x0"], spec.space.numeric_ranges(spec.fixed)
    if not ranges:
        raise SpecError("sampler.x0: CMA-ES searches no numeric parameter here (choices are "
                        "sampled independently); drop x0")
    wanted = (f"sampler.x0 must give every searched parameter ({', '.join(ranges)}) a value "
              "within its range")
    if not isinstance(x0, dict):
        raise SpecError(f"{wanted}, got {x0!r}")
    for key, value in x0.items():
        if key not in ranges:
            param = spec.space.get(key)
            why = (" (it samples choices independently)"
                   if param is not None and param.kind == "categorical" else "")
            raise SpecError(f"sampler.x0.{key}: not a parameter CMA-ES searches{why}; it "
                            f"searches {', '.join(ranges)}")
        low, high = ranges[key]
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise SpecError(f"{wanted}; {key} {value!r} is not a number")
        if not low <= value <= high:
            raise SpecError(f"{wanted}; {key} {value!r} is outside {low}..{high}")
    missing = [k for k in ranges if k not in x0]
    if missing:
        raise SpecError(f"{wanted}; missing: {', '.join(missing)}")


def check_pruner(name: str, opts: dict, n_metrics: int, strict: bool = True) -> None:
    """Raise SpecError for an unknown pruner, an unknown option (or, ``strict``, an
    option's value of the wrong type), or pruning several metrics."""
    if name not in PRUNERS:
        raise SpecError(f"study.pruner: unknown pruner {name!r}; valid: {', '.join(PRUNERS)}")
    if n_metrics > 1 and name != "none":
        raise SpecError("study.pruner: optuna prunes single-metric studies only; "
                        "use pruner = \"none\" with several metrics")
    cls = PRUNERS[name].cls
    check_patience(cls, opts)  # hplab's wrapper's options: the class's own are checked below
    own, wrap = split_patience(cls, opts)
    if n_metrics > 1 and "patience" in wrap:
        raise SpecError("pruner.patience: optuna prunes single-metric studies only; drop "
                        "it with several metrics")
    _check_options(cls, own, "pruner", name, strict, also=PATIENCE_OPTIONS)
