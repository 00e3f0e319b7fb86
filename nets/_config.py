"""Training hyperparameters as one typed, frozen, validated dataclass (validated by the
rules of ``_config_rules.py``)."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np

from ._activations import Activation
from ._config_rules import _RULES, check_settings_read, validate
from ._finite import NON_FINITE_TEXT
from ._optimizers import OPTIMIZER_RULES
from ._settings_read import SETTINGS_READ
from ._validation import is_whole


@dataclass(frozen=True)
class TrainConfig:
    """Everything that decides a training run except the data and the seed.

    Saved with every result (``dataclasses.asdict``), so a run can be redone (an
    infinite setting saved as ``"inf"``, JSON having no infinity, is read back). Each
    field's meaning is under Attributes below; the units to know:
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

    Attributes
    ----------
    hidden : tuple of int
        Width of each hidden layer; ``()``: no hidden layer.
    activation : str or tuple of str
        One for all hidden layers, or one per layer.
    head : str
        regression, binary, multiclass or auto (from the targets).
    init : str
        zero, normal, xavier or he (the course's msra).
    optimizer : str
        sgd, momentum, nesterov, adagrad, adadelta, rmsprop, adam or adamw.
    lr : float
        Base learning rate (eta); adadelta: a multiplier of its step (1 = paper).
    momentum : float
        momentum and nesterov's.
    beta1, beta2 : float
        adam and adamw's.
    rho : float or None
        rmsprop and adadelta's decay of the running means; None: the optimizer's own (0.9
        rmsprop, 0.95 adadelta).
    opt_eps : float or None
        adam, adamw, rmsprop, adagrad and adadelta's denominator guard; None: the
        optimizer's own (1e-8; adadelta's 1e-6).
    l2 : float
        L2 penalty on W (not b): ``l2 * W`` added to the gradient (coupled decay).
    l1 : float
        L1 penalty on W (not b): ``l1 * sign(W)`` added to the gradient.
    weight_decay : float or None
        Decoupled weight decay on W (not b, nor batch norm's gamma and beta), as above;
        None: the optimizer's own, 0 but for adamw's 0.01 (PyTorch's).
    dropout : float
        Chance of dropping each hidden unit's output in a training step (inverted
        dropout); 0: off. Evaluation never drops.
    batch_norm : bool
        Normalise each hidden layer's linear map over the batch before its activation
        (`BatchNorm`).
    class_weight : tuple of float or None
        Per-class training loss weights (validation and test losses stay unweighted);
        None: all 1.
    schedule : str
        The learning-rate schedule, a pure function of the step (`SCHEDULES`).
    lr_gamma : float
        Factor per lr_decay_steps (step, exponential) or milestone (multistep).
    lr_decay_steps : int
        Steps per decay (step, exponential, inverse; a fraction for exponential and
        inverse).
    lr_milestones : tuple of int
        multistep: the steps where lr_gamma applies, e.g. ``(100, 200)``.
    lr_power : float
        inverse and polynomial's power.
    lr_min : float
        polynomial and cosine's floor.
    warmup_steps : int
        Linear warm-up on top of any schedule.
    batch_size : int
        Examples a step; -1: the full batch.
    max_epochs : float
        Epochs to train at most (fractions allowed; at most `MAX_EPOCHS`).
    checkpoint : float
        Epochs between checkpoints (fractions: whole steps, as above).
    eps : float
        Stop once the monitored loss <= eps (0: off).
    patience : int
        Early stopping: checkpoints without improvement (0: off).
    min_delta : float
        The improvement that resets patience.
    divergence_factor : float
        A train loss above this factor times its first value is diverged.
    eval_size : int
        Cap on the training examples scored at checkpoints.
    dtype : str
        float32 (fast) or float64.
    extra : dict
        Free-form notes, saved along (no part of equality).
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


check_settings_read(SETTINGS_READ, {f.name for f in dataclasses.fields(TrainConfig)}, _RULES,
                    OPTIMIZER_RULES)

# the fields that hold one number (a float); a config.json records an infinite one as "inf"
_NUMBERS = tuple(f.name for f in dataclasses.fields(TrainConfig) if f.type.startswith("float"))
_WHOLE = ("lr_decay_steps", "warmup_steps", "batch_size", "patience", "eval_size")
