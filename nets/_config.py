"""Training hyperparameters as one typed, frozen, validated dataclass."""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np

from ._activations import Activation, activations_error
from ._finite import NON_FINITE_TEXT
from ._heads import HEADS
from ._init import INITIALIZERS
from ._optimizers import OPTIMIZER_RULES, OPTIMIZERS, decay_refusal
from ._registry_entries import entry_problem
from ._rules import MAX_DEPTH, check_setting, choice, epochs, nonneg, positive, unit, unknown_name
from ._schedules import SCHEDULES, STEPWISE
from ._settings_read import SETTINGS_READ
from ._validation import is_whole


@dataclass(frozen=True)
class TrainConfig:
    """Everything that decides a training run except the data and the seed.

    Saved with every result (``dataclasses.asdict``), so a run can be redone (an
    infinite setting saved as ``"inf"``, JSON having no infinity, is read back). Each
    field's meaning is commented beside it in ``nets/_config.py`` (``TrainConfig??`` in
    IPython or Jupyter, ``inspect.getsource(TrainConfig)`` elsewhere); the units to know:
    ``max_epochs`` and ``checkpoint`` count epochs (fractions allowed), ``patience``
    counts checkpoints, ``lr_decay_steps``, ``lr_milestones`` and ``warmup_steps``
    count optimizer steps; ``batch_size=-1`` is the full batch; ``eps`` and
    ``patience`` of 0 are off. An unknown activation, optimizer, schedule... raises a
    ValueError listing the valid ones (an unknown field, Python's TypeError).

    ``l2`` and ``weight_decay`` both shrink the weights (not the biases): ``l2 * W`` is
    added to the gradient (coupled: an adaptive optimizer such as Adam divides it by its
    denominator too), while ``weight_decay`` is decoupled (Loshchilov & Hutter 2019),
    PyTorch's AdamW and SGDW convention: ``W -= lr_t * weight_decay * W`` before each
    optimizer update, ``lr_t`` the schedule's rate at that step. For plain SGD the two
    are one rule; ``lr * weight_decay`` must stay below 1 (at 1 or more each step would
    zero the weights or flip their sign).

    A fractional ``checkpoint`` is rounded to whole steps, half to even (Python's
    ``round``, at least one step): with 5 steps an epoch, 0.3 and 0.5 epochs both score
    every 2 steps (0.4 epochs), 0.7 and 0.9 every 4. The history's ``epoch`` column shows
    the positions really scored, and ``patience`` counts these checkpoints. (The rule is
    kept as it is: histories recorded with it stay reproducible.)
    """

    # architecture
    hidden: tuple[int, ...] = (8,)  # width of each hidden layer; () = no hidden layer
    activation: tuple[str, ...] | str = "sigmoid"  # one for all hidden layers, or one per layer
    head: str = "auto"  # regression | binary | multiclass | auto (from the targets)
    init: str = "xavier"  # zero | normal | xavier | he (the course's msra)
    # optimization
    # sgd | momentum | nesterov | adagrad | adadelta | rmsprop | adam | adamw
    optimizer: str = "sgd"
    lr: float = 0.1  # base learning rate (eta); adadelta: a multiplier of its step (1 = paper)
    momentum: float = 0.9  # momentum and nesterov
    beta1: float = 0.9  # adam, adamw
    beta2: float = 0.999  # adam, adamw
    # None = the optimizer's own: rho 0.9 (rmsprop), 0.95 (adadelta); opt_eps 1e-8, 1e-6
    rho: float | None = None  # rmsprop / adadelta decay of the running means
    opt_eps: float | None = None  # adam / adamw / rmsprop / adagrad / adadelta denominator guard
    l2: float = 0.0  # L2 penalty on W (not b): l2 * W added to the gradient (coupled decay)
    l1: float = 0.0  # L1 penalty on W (not b): l1 * sign(W) added to the gradient
    # decoupled weight decay on W (not b, nor batch norm's gamma and beta): W -= lr_t *
    # weight_decay * W before each step, lr_t the schedule's rate; None = the optimizer's
    # own, 0 but for adamw's 0.01 (PyTorch's)
    weight_decay: float | None = None
    dropout: float = 0.0  # chance of dropping each hidden unit's output in a training
    # step (inverted dropout: the kept ones scaled by 1 / (1 - dropout)); 0 = off, and
    # evaluation never drops
    batch_norm: bool = False  # normalise each hidden layer's linear map over the batch
    # before its activation, then scale and shift it by trained gamma and beta (its bias
    # unused); evaluation uses running statistics (nets.BatchNorm); an epoch's last batch
    # of at most half a batch then joins the one before it (nets.epoch_steps)
    class_weight: tuple[float, ...] | None = None  # per-class training loss weights (the
    # validation and test losses stay unweighted), None = all 1
    # schedule: a pure function of the step (see nets._schedules)
    schedule: str = "constant"
    lr_gamma: float = 0.9  # factor per lr_decay_steps (step, exponential), milestone (multistep)
    # steps per decay (step, exponential, inverse); a fraction for exponential and inverse,
    # whose rates are smooth in the step (the course's inv gamma 0.0003 is 1 / 3333.33...)
    lr_decay_steps: int = 50
    lr_milestones: tuple[int, ...] = ()  # multistep: steps where lr_gamma applies, e.g. (100, 200)
    lr_power: float = 1.0  # inverse, polynomial
    lr_min: float = 0.0  # floor for polynomial, cosine
    warmup_steps: int = 0  # linear warm-up on top of any schedule
    # loop
    batch_size: int = 32  # -1 = full batch
    max_epochs: float = 100  # fractions allowed; at most nets.MAX_EPOCHS (1 000 000)
    checkpoint: float = 1.0  # epochs between checkpoints (fractions: whole steps, see above)
    eps: float = 0.0  # stop once the monitored loss <= eps (0 = off)
    patience: int = 0  # early stopping: checkpoints without improvement (0 = off)
    min_delta: float = 0.0  # improvement that resets patience
    divergence_factor: float = 10.0  # train loss above factor x its first value = diverged
    eval_size: int = 10_000  # cap on train examples scored at checkpoints
    dtype: str = "float32"  # float32 (fast) or float64
    extra: dict = field(default_factory=dict, compare=False)  # free-form notes, saved along

    def __post_init__(self):
        for f in _NUMBERS:  # "inf": a config.json's infinite setting (JSON has no infinity)
            if isinstance(value := getattr(self, f), str) and value in NON_FINITE_TEXT:
                object.__setattr__(self, f, NON_FINITE_TEXT[value])
        for f in (*_NUMBERS, *_WHOLE):
            object.__setattr__(self, f, _python_number(getattr(self, f)))
        hidden = self.hidden
        if isinstance(hidden, str | bytes):  # "16" would read as widths 1 and 6
            raise ValueError(f"hidden must be widths such as (64, 16), got {hidden!r}")
        hidden = (hidden,) if is_whole(hidden) else _as_tuple(hidden, "hidden", "(64, 16)")
        if not all(is_whole(h) for h in hidden):
            raise ValueError(f"hidden widths must be whole numbers, got {self.hidden!r}")
        object.__setattr__(self, "hidden", tuple(int(h) for h in hidden))
        acts = self.activation
        acts = ((acts,) if isinstance(acts, str | Activation) else
                _as_tuple(acts, "activation", "'relu' or ('tanh', 'relu')"))
        if len(acts) == 1:
            acts = acts * len(self.hidden)
        object.__setattr__(self, "activation", acts)
        if self.class_weight is not None:
            if isinstance(self.class_weight, Mapping):  # tuple() would take its keys
                raise ValueError("class_weight must be weights in class order such as "
                                 f"(1.0, 5.0), got a mapping {dict(self.class_weight)!r}")
            weights = _as_tuple(self.class_weight, "class_weight", "(1.0, 5.0)")
            try:
                if any(isinstance(w, bool | np.bool_) for w in weights):  # True is no weight
                    raise TypeError
                weights = tuple(float(_python_number(w)) for w in weights)
            except (TypeError, ValueError):
                raise ValueError(f"class_weight must be numbers, got {self.class_weight!r}"
                                 ) from None
            object.__setattr__(self, "class_weight", weights)
        milestones = self.lr_milestones
        if isinstance(milestones, str | bytes):  # "100" would read as steps 1, 0 and 0
            raise ValueError(f"lr_milestones must be steps such as (100, 200), got {milestones!r}")
        milestones = ((milestones,) if is_whole(milestones) else
                      _as_tuple(milestones, "lr_milestones", "(100, 200)"))
        if isinstance(self.batch_norm, np.bool_):  # NumPy's (from an array of choices)
            object.__setattr__(self, "batch_norm", bool(self.batch_norm))
        object.__setattr__(self, "lr_milestones", tuple(
            int(m) if is_whole(m) else m for m in milestones))  # a bad one is named by validate
        for name in _WHOLE:  # 16.0 and NumPy integers count; stored as int
            if is_whole(value := getattr(self, name)):
                object.__setattr__(self, name, int(value))
        validate(self)

    def replace(self, **changes) -> TrainConfig:
        """A copy with ``changes`` (field=value), checked as a new config is.

        Parameters
        ----------
        **changes
            New values by field name; an unknown field is a TypeError.
        """
        return dataclasses.replace(self, **changes)

    def to_dict(self) -> dict:
        """The fields as plain values (lists, activation names): ``TrainConfig(**d)``
        reads it back. Not JSON as it is: an infinite setting (``divergence_factor``)
        stays ``float('inf')`` and ``extra`` as given; ``nets.settings_to_json(d)``
        writes the infinity as ``"inf"``, which ``TrainConfig(**d)`` reads too."""
        d = dataclasses.asdict(self)
        d["activation"] = [a if isinstance(a, str) else a.name for a in self.activation]
        d["hidden"] = list(self.hidden)
        d["lr_milestones"] = list(self.lr_milestones)
        return d


def _python_number(value):
    """A NumPy number as Python's, as the user wrote it: a float32 0.3 is 0.3, not the
    0.30000001192092896 ``float()`` gives (a config.json recorded that; its shortest text is
    the number meant, and a float32 net computes with the same float32). Anything else as
    it is (a bool, NumPy's too, is for the rules to refuse)."""
    if isinstance(value, np.floating):
        return float(str(value))
    if isinstance(value, np.integer):
        return int(value)
    return value


def _as_tuple(value, name: str, example: str) -> tuple:
    """``value`` as a tuple; a non-sequence fails as a ValueError naming the field."""
    try:
        return tuple(value)
    except TypeError:
        raise ValueError(f"{name} must be a sequence such as {example}, got {value!r}"
                         ) from None


def _increasing_steps(v) -> bool:
    return (all(is_whole(m) and m >= 1 for m in v)
            and all(a < b for a, b in zip(v, v[1:], strict=False)))

# the fields that name a registry's entry: an unknown name is refused as each registry's
# lookup refuses it (`unknown_name`: did you mean..., the valid names), checked first
_NAMED = {"head": {"auto": None, **HEADS}, "init": INITIALIZERS, "optimizer": OPTIMIZERS,
          "schedule": SCHEDULES}
# Validation declared as a table: field -> (check, message).
_RULES = {
    "lr": positive,
    **OPTIMIZER_RULES,  # the optimizers' settings: make_optimizer checks them too
    "l2": nonneg,
    "l1": nonneg,
    "dropout": unit,
    "lr_gamma": positive,
    "lr_decay_steps": (lambda v: v > 0 and math.isfinite(v),
                       "must be a finite number > 0 (of steps; a whole one for schedule step)"),
    "lr_milestones": (_increasing_steps, "must be increasing whole numbers >= 1 (steps)"),
    "lr_power": positive,
    "lr_min": nonneg,
    "warmup_steps": (lambda v: is_whole(v) and v >= 0, "must be a whole number >= 0"),
    "batch_size": (lambda v: is_whole(v) and (v == -1 or v >= 1),
                   "must be a whole number >= 1 (or -1 for full batch)"),
    "max_epochs": epochs,  # at most MAX_EPOCHS
    "checkpoint": positive,
    "eps": nonneg,
    "patience": (lambda v: is_whole(v) and v >= 0, "must be a whole number >= 0"),
    "min_delta": nonneg,
    "divergence_factor": (lambda v: v > 1, "must be > 1"),
    "eval_size": (lambda v: is_whole(v) and v >= 1, "must be a whole number >= 1"),
    "dtype": choice({"float32": None, "float64": None}),
}


def check_settings_read(settings_read: Mapping, fields, rules: Mapping,
                        optimizer_rules: Mapping) -> None:
    """LookupError naming the first optimizer or schedule (``settings_read``: kind -> name ->
    settings) that reads a setting ``fields`` (TrainConfig's) lacks or no rule checks, as
    ``import nets`` checks them: a setting with no field died later as a bare KeyError or
    AttributeError, one with no rule took any value (a schedule's loop ran for good)."""
    for kind, table in settings_read.items():
        for name, reads in table.items():
            for setting in reads:
                said = f"{kind} {name!r} reads {setting!r}"
                if setting not in fields:
                    raise LookupError(f"{said}, which is no nets.TrainConfig field "
                                      "(nets/_config.py)")
                if kind == "optimizer" and setting not in optimizer_rules:
                    # the rules there are also what passes a setting to the constructors
                    raise LookupError(f"{said}, which has no OPTIMIZER_RULES entry "
                                      "(nets/_optimizers.py)")
                if setting not in rules:
                    raise LookupError(f"{said}, which has no _RULES entry (nets/_config.py)")


check_settings_read(SETTINGS_READ, {f.name for f in dataclasses.fields(TrainConfig)}, _RULES,
                    OPTIMIZER_RULES)

# the fields that hold one number (a float); a config.json records an infinite one as "inf"
_NUMBERS = tuple(f.name for f in dataclasses.fields(TrainConfig) if f.type.startswith("float"))
_WHOLE = ("lr_decay_steps", "warmup_steps", "batch_size", "patience", "eval_size")


def validate(cfg: TrainConfig) -> None:
    """Raise ValueError naming the first field that breaks its rule."""
    for name, registry in _NAMED.items():
        value = getattr(cfg, name)
        if not isinstance(value, str) or value not in registry:  # a list cannot be a key
            raise ValueError(unknown_name(name, value, registry))
        problem = entry_problem(name, value, registry[value])  # a script's of another kind
        if problem:
            raise ValueError(problem)
    for name, rule in _RULES.items():
        check_setting(name, getattr(cfg, name), rule)
    reads = SETTINGS_READ["schedule"][cfg.schedule]  # what those settings mean binds the rule
    if SCHEDULES[cfg.schedule] in STEPWISE and "lr_decay_steps" in reads \
            and not is_whole(cfg.lr_decay_steps):
        # its rate changes on whole steps: every 2.5 steps would be at steps 3, 5, 8, 10...
        raise ValueError(f"lr_decay_steps must be a whole number with schedule "
                         f"{cfg.schedule}, which holds the rate for that many steps, got "
                         f"{cfg.lr_decay_steps!r} (a fraction is for exponential and inverse)")
    if "lr_milestones" in reads and not cfg.lr_milestones:
        raise ValueError(f"schedule {cfg.schedule} needs lr_milestones, the steps where the "
                         "rate is multiplied by lr_gamma, e.g. (100, 200)")
    if "lr_min" in reads and cfg.lr_min > cfg.lr:
        # it falls from lr to lr_min: above it, the rate would climb instead
        raise ValueError(f"lr_min must be <= lr (schedule {cfg.schedule} falls from lr to "
                         f"lr_min), got lr_min {cfg.lr_min!r} and lr {cfg.lr!r}")
    refused = decay_refusal(cfg.optimizer, cfg.weight_decay, cfg.lr, f"lr {cfg.lr:g}", "lr")
    if refused:  # W *= 1 - lr * decay, 0 or less: zeroed or flipped
        raise ValueError(refused)
    if len(cfg.hidden) > MAX_DEPTH:
        raise ValueError(f"hidden has {len(cfg.hidden):,} layers; a net has at most "
                         f"{MAX_DEPTH:,} (nets.MAX_DEPTH)")
    for h in cfg.hidden:
        if h < 1:
            raise ValueError(f"hidden widths must be >= 1, got {cfg.hidden}; () for no hidden "
                             f"layer (a perceptron; --hidden '' on the command line)")
    problem = activations_error(cfg.activation, len(cfg.hidden))  # the one place
    if problem:
        raise ValueError(problem)
    if not isinstance(cfg.batch_norm, bool):  # "false" would have been true
        raise ValueError(f"batch_norm must be true or false, got {cfg.batch_norm!r}")
    if cfg.batch_norm and not cfg.hidden:
        raise ValueError("batch_norm normalises hidden layers, and a net with no hidden "
                         "layer has none; leave batch_norm off")
    if cfg.batch_norm and cfg.batch_size == 1:  # one row standardises to 0: W learns nothing
        raise ValueError("batch_norm needs batches of 2 rows or more (one row's batch "
                         "statistics standardise it to 0), got batch_size 1")
    if cfg.dropout and not cfg.hidden:  # it would be recorded as if it had been used
        raise ValueError(f"dropout {cfg.dropout!r} drops hidden units' outputs, and a net "
                         "with no hidden layer has none; leave dropout at 0")
    if cfg.class_weight is not None and not (
            all(w >= 0 and math.isfinite(w) for w in cfg.class_weight)
            and any(w > 0 for w in cfg.class_weight)):
        # a zero weight leaves a class out of the loss (as in scikit-learn); all zero, all
        raise ValueError("class_weight must be finite numbers >= 0, not all 0, "
                         f"got {cfg.class_weight}")
    largest = float(np.finfo(cfg.dtype).max)
    if cfg.class_weight is not None and max(cfg.class_weight) > largest:
        # finite in float64, inf in a float32 net: QA's 1e39 warned "overflow encountered
        # in cast" and diverged, exit 0
        limit = f"{largest:.1e}".replace("e+", "e")
        raise ValueError(f"class_weight has values beyond {cfg.dtype}'s range (about {limit}), "
                         f"got {cfg.class_weight}; give smaller weights, or train a "
                         "float64 net (dtype=float64)")
