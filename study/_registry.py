"""Registries of metrics, samplers and pruners: plain dicts from name to maker.

A maker takes the parsed spec and the ``[sampler]``/``[pruner]`` options and returns the
optuna object. Every name is checked (and every option against the constructor's
signature) when the spec loads, before any storage is touched.
"""

from __future__ import annotations

import contextlib
import importlib.util
import inspect
import logging
import math
import threading
import warnings

import optuna

from ._errors import SpecError, TrialFailed

# Metric -> direction. Test metrics are absent on purpose: the test set is used once.
METRICS = {
    "val_accuracy": "maximize",
    "val_loss": "minimize",
    "train_accuracy": "maximize",
    "train_loss": "minimize",
    "n_parameters": "minimize",
    "train_seconds": "minimize",
    "epochs": "minimize",
}
# Imbalanced binary classification, on the validation set at threshold 0.5: the study
# name -> direction of analyses.IMBALANCE_METRICS (kept here so `import study` stays light;
# a test checks they agree). They need a binary dataset (e.g. digits?positive=8).
IMBALANCE_METRICS = {
    "val_roc_auc": "maximize", "val_pr_auc": "maximize", "val_precision": "maximize",
    "val_recall": "maximize", "val_f1": "maximize", "val_balanced_accuracy": "maximize",
    "val_g_mean": "maximize", "val_mcc": "maximize", "val_brier": "minimize",
}
METRICS.update(IMBALANCE_METRICS)
# what an imbalance_strategy trial measures on its net alone: NaN for a strategy that
# trains none (the anomaly-detection baseline)
PIPELINE_NET_METRICS = ("val_loss", "train_loss", "n_parameters", "epochs")


class _FailedTrialInOneLine(logging.Filter):
    """Optuna logs a failed trial with its traceback, then again with its value: keep the
    first line only, and nothing for Ctrl-C (the command says it was interrupted). The
    trial's record keeps the reason (``hplab study show``)."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        if message.endswith(("failed with value None.", "error: KeyboardInterrupt().")):
            return False
        failed = record.exc_info[1] if record.exc_info else None
        if isinstance(failed, TrialFailed):  # its reason, not "parameters: {} ... _Failed("
            record.msg, record.args = f"{message.split(' failed ')[0]} failed: {failed}", ()
        record.exc_info = record.exc_text = None
        return True


_ONE_LINE = _FailedTrialInOneLine()


class _Quiet:
    """The state `quiet_optuna` changes, held while any call (of any thread) is inside:
    the first to enter saves optuna's verbosity and the warning filters, the last to leave
    puts them back (a snapshot per call restored INFO while another thread's run went
    on, and left WARNING for good when the calls ended in the other order)."""

    lock = threading.Lock()
    inside = 0
    saved_verbosity = optuna.logging.WARNING
    warnings_held = None

    @classmethod
    def enter(cls) -> None:
        with cls.lock:
            if cls.inside == 0:
                cls.saved_verbosity = optuna.logging.get_verbosity()
                optuna.logging.set_verbosity(max(cls.saved_verbosity, optuna.logging.WARNING))
                logging.getLogger("optuna.study._optimize").addFilter(_ONE_LINE)  # failed trials
                cls.warnings_held = warnings.catch_warnings()
                cls.warnings_held.__enter__()
                warnings.simplefilter("ignore", optuna.exceptions.ExperimentalWarning)
                warnings.filterwarnings("ignore", message=".*RetryFailedTrialCallback.*")
                warnings.showwarning = _deprecations_once(warnings.showwarning)
            cls.inside += 1

    @classmethod
    def leave(cls) -> None:
        with cls.lock:
            cls.inside -= 1
            if cls.inside == 0:
                cls.warnings_held.__exit__(None, None, None)
                logging.getLogger("optuna.study._optimize").removeFilter(_ONE_LINE)
                optuna.logging.set_verbosity(cls.saved_verbosity)


# optuna's deprecation warnings already shown by this process
_DEPRECATIONS_SHOWN: set[str] = set()


def _deprecations_once(show):
    """``show`` (a ``warnings.showwarning``) passing each of optuna's deprecation warnings
    once a process: a spec's deprecated sampler option (cmaes x0, tpe prior_weight) printed
    it at each of the 3 times a command builds the sampler. A "once" filter cannot: the
    warning filters are reset whenever they change."""

    def showwarning(message, category, *args, **kwargs):
        text = str(message)
        if issubclass(category, FutureWarning) and "has been deprecated in v" in text:
            if text in _DEPRECATIONS_SHOWN:
                return
            _DEPRECATIONS_SHOWN.add(text)
        show(message, category, *args, **kwargs)

    return showwarning


@contextlib.contextmanager
def quiet_optuna():
    """Hide optuna's per-trial INFO lines, failed trials' tracebacks and the
    experimental-feature warnings (heartbeats, grouped TPE) that hplab uses on purpose;
    show a deprecation warning (of a spec's option) once.
    All of it only while some call is inside: a script's own optuna studies went on
    without their INFO lines and failed trials' tracebacks after any hplab call."""
    _Quiet.enter()
    try:
        yield
    finally:
        _Quiet.leave()


def _tpe(spec, opts, seed):
    # multivariate TPE models the joint density; group splits conditional spaces
    # (per-layer widths exist only up to the sampled depth).
    opts = {"multivariate": True, "group": spec.space.per_layer, **opts}
    return optuna.samplers.TPESampler(seed=seed, **opts)


def _grid(spec, opts, seed):
    return optuna.samplers.GridSampler(spec.space.grid(), seed=seed, **opts)


# name -> (maker, optuna class for option checks, extra module needed, multi-objective ok,
#          seed shared by every worker). QMC and grid walk one sequence that all workers
#          share through the storage, so their seed must be the same everywhere.
SAMPLERS = {
    "tpe": (_tpe, optuna.samplers.TPESampler, None, True, False),
    "random": (lambda spec, o, s: optuna.samplers.RandomSampler(seed=s, **o),
               optuna.samplers.RandomSampler, None, True, False),
    "qmc": (lambda spec, o, s: optuna.samplers.QMCSampler(seed=s, **{"scramble": True, **o}),
            optuna.samplers.QMCSampler, None, True, True),
    "cmaes": (lambda spec, o, s: optuna.samplers.CmaEsSampler(seed=s, **o),
              optuna.samplers.CmaEsSampler, "cmaes", False, False),
    "gp": (lambda spec, o, s: optuna.samplers.GPSampler(seed=s, **o),
           optuna.samplers.GPSampler, "torch", True, False),
    "grid": (_grid, optuna.samplers.GridSampler, None, True, True),
    "nsga2": (lambda spec, o, s: optuna.samplers.NSGAIISampler(seed=s, **o),
              optuna.samplers.NSGAIISampler, None, True, False),
}
# Options a spec may not set: the study decides them.
_RESERVED = {"seed", "search_space", "constraints_func", "independent_sampler", "mutation",
             "crossover", "gamma", "weights", "source_trials"}


def _checkpoints(spec) -> int:
    """Checkpoints after the start of a full-length run: the pruners' resource unit."""
    return max(1, math.ceil(spec.max_epochs / spec.checkpoint))


def _threshold(spec, opts):
    if "lower" not in opts and "upper" not in opts:
        raise SpecError("pruner.lower or pruner.upper is needed by the threshold pruner")
    return optuna.pruners.ThresholdPruner(**opts)


def _percentile(spec, opts):
    return optuna.pruners.PercentilePruner(**{"percentile": 25.0, **opts})


def _hyperband(spec, opts):
    return optuna.pruners.HyperbandPruner(**{"min_resource": 1,
                                             "max_resource": _checkpoints(spec), **opts})


def check_resources(spec) -> None:
    """A hyperband pruner's min_resource must not exceed its max_resource (by default the
    checkpoints of a full run): optuna takes it, and then never prunes."""
    if spec.pruner != "hyperband":
        return
    opts = spec.pruner_options
    low, high = opts.get("min_resource", 1), opts.get("max_resource", _checkpoints(spec))
    if high != "auto" and low > high:
        where = (f"pruner.max_resource ({high})" if "max_resource" in opts else
                 f"the checkpoints of a full run ({high}: study.max_epochs / checkpoint)")
        raise SpecError(f"pruner.min_resource {low} must be <= {where}")


PRUNERS = {
    "median": (lambda spec, o: optuna.pruners.MedianPruner(**{"n_warmup_steps": 2, **o}),
               optuna.pruners.MedianPruner),
    "percentile": (_percentile, optuna.pruners.PercentilePruner),
    "successive_halving": (lambda spec, o: optuna.pruners.SuccessiveHalvingPruner(**o),
                           optuna.pruners.SuccessiveHalvingPruner),
    "hyperband": (_hyperband, optuna.pruners.HyperbandPruner),
    "threshold": (_threshold, optuna.pruners.ThresholdPruner),
    "none": (lambda spec, o: optuna.pruners.NopPruner(), optuna.pruners.NopPruner),
}


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


def _check_options(cls, opts: dict, table: str, strict: bool = True) -> None:
    params = inspect.signature(cls.__init__).parameters
    valid = [k for k in params if k not in ("self", *_RESERVED) and params[k].kind not in (
        inspect.Parameter.VAR_KEYWORD, inspect.Parameter.VAR_POSITIONAL)
        and not _takes_callable(params[k])]
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
            if key in _RESERVED and key in params:
                raise SpecError(f"{table}.{key}: {cls.__name__}'s {key} is set by the study, "
                                f"not by a spec; valid: {', '.join(valid) or 'none'}")
            raise SpecError(f"{table}.{key}: unknown option for {cls.__name__}; "
                            f"valid: {', '.join(valid) or 'none'}")
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
    _, cls, module, multi_ok, _ = SAMPLERS[name]
    if n_metrics > 1 and not multi_ok:
        multi = [k for k, v in SAMPLERS.items() if v[3]]
        raise SpecError(f"study.sampler: {name} optimizes one metric; with several use one "
                        f"of {', '.join(multi)}")
    if module and importlib.util.find_spec(module) is None:
        raise SpecError(f"study.sampler: {name} needs the {module} package "
                        f"(pip install 'hplab[{name}]')")
    _check_options(cls, opts, "sampler", strict)


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
    _check_options(PRUNERS[name][1], opts, "pruner", strict)


def walks_sequence(sampler: str) -> bool:
    """Whether ``sampler`` (grid, qmc) walks one sequence that its workers share through the
    storage: a point handed to a trial is spent, even if the trial is interrupted."""
    return SAMPLERS[sampler][4]


def make_sampler(spec, worker_seed: int) -> optuna.samplers.BaseSampler:
    """The spec's sampler, seeded with ``worker_seed`` unless every worker must share one."""
    maker, _, _, _, shared = SAMPLERS[spec.sampler]
    seed = spec.seed if shared else worker_seed
    try:
        return maker(spec, dict(spec.sampler_options), seed)
    except (TypeError, ValueError) as exc:
        raise SpecError(f"sampler: {exc}") from None


def make_pruner(spec) -> optuna.pruners.BasePruner:
    """``spec``'s pruner (a key of `PRUNERS`) with its ``[pruner]`` options; a bad option
    is a SpecError naming it."""
    try:
        return PRUNERS[spec.pruner][0](spec, dict(spec.pruner_options))
    except SpecError:
        raise
    except (TypeError, ValueError) as exc:
        raise SpecError(f"pruner: {exc}") from None
