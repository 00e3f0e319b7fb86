"""Learning-rate schedules: pure functions of the step.

``learning_rate(step, cfg, total_steps)`` reads the base rate and the schedule's
knobs from a :class:`TrainConfig`; a linear warm-up over ``cfg.warmup_steps``
applies on top of any schedule. The course's decay example,
``0.1 * 0.9 ** (step / 50)``, is ``schedule="exponential", lr_gamma=0.9,
lr_decay_steps=50``. The course's other names: fixed = ``constant``, multistep (at
the steps ``lr_milestones``), exp = ``exponential``, inv = ``inverse``, poly =
``polynomial``.
"""

from __future__ import annotations

import bisect
import math
import numbers
import warnings

from ._rules import check_tables, got_type
from ._user_line import user_stacklevel


def _power(base, exponent):
    """``base ** exponent``, inf where it overflows: a growing rate makes training diverge
    (reported as such) rather than raise."""
    try:
        return base ** exponent
    except OverflowError:
        return math.inf


def constant(step, cfg, total):
    return cfg.lr


def step_decay(step, cfg, total):
    return cfg.lr * _power(cfg.lr_gamma, step // cfg.lr_decay_steps)


def multistep(step, cfg, total):
    # a milestone counts from its own step on, as step_decay's boundaries do (Caffe, PyTorch)
    return cfg.lr * _power(cfg.lr_gamma, bisect.bisect_right(cfg.lr_milestones, step))


def exponential(step, cfg, total):
    return cfg.lr * _power(cfg.lr_gamma, step / cfg.lr_decay_steps)


def inverse(step, cfg, total):
    # Caffe's "inv" with gamma = 1 / decay_steps: halves by decay_steps when power = 1
    return cfg.lr * (1 + step / cfg.lr_decay_steps) ** -cfg.lr_power


def polynomial(step, cfg, total):
    frac = min(step / max(total, 1), 1.0)
    return cfg.lr_min + (cfg.lr - cfg.lr_min) * (1 - frac) ** cfg.lr_power


def cosine(step, cfg, total):
    frac = min(step / max(total, 1), 1.0)
    return cfg.lr_min + 0.5 * (cfg.lr - cfg.lr_min) * (1 + math.cos(math.pi * frac))


def one_cycle(step, cfg, total):
    """A half cosine up from lr/25 at step 0 to lr at step 0.3 T - 1, then one down to
    lr/1e4 at step T - 1, the run's last (PyTorch's OneCycleLR's phases, Smith 2018;
    torch's floor is lr/2.5e5). The peak is a point of the curve, a step only when
    0.3 T - 1 is whole (T a multiple of 10): else the steps beside it fall short of lr
    (0.994 lr at T = 15, 0.81 lr at T = 4). Under 4 steps the climb ends before step 0 and
    the rate only falls (`train` warns): one step is taken at lr/1e4. The floor had been at
    step T, which no step takes: 10 steps ended at lr/20, 2 at lr."""
    start, end = cfg.lr / 25, cfg.lr / 1e4
    peak, last = 0.3 * total - 1, max(total, 1) - 1
    if 0 < peak and step <= peak:
        return start + (cfg.lr - start) * 0.5 * (1 - math.cos(math.pi * step / peak))
    # past the last step (the history's row after it) the rate stays at the floor;
    # below 4 steps the climb ends before step 0, as torch's
    frac = min((step - peak) / (last - peak), 1.0)
    return end + (cfg.lr - end) * 0.5 * (1 + math.cos(math.pi * frac))


SCHEDULES = {
    "constant": constant,
    "step": step_decay,
    "multistep": multistep,
    "exponential": exponential,
    "inverse": inverse,
    "polynomial": polynomial,
    "cosine": cosine,
    "one_cycle": one_cycle,
    # the course's names (aliases: the same rates)
    "fixed": constant,
    "exp": exponential,
    "inv": inverse,
    "poly": polynomial,
}


# the TrainConfig settings each rule reads besides lr (and warmup_steps, which every
# schedule applies): refused when given to a run whose schedule reads none of them. What
# they mean binds a rule that reads them (TrainConfig checks it): lr_min is the floor it
# falls to from lr (so lr_min <= lr), lr_milestones the steps where it multiplies the rate
# by lr_gamma (so it needs at least one)
RULE_SETTINGS = {
    constant: (),
    step_decay: ("lr_gamma", "lr_decay_steps"),
    multistep: ("lr_gamma", "lr_milestones"),
    exponential: ("lr_gamma", "lr_decay_steps"),
    inverse: ("lr_decay_steps", "lr_power"),
    polynomial: ("lr_power", "lr_min"),
    cosine: ("lr_min",),
    one_cycle: (),  # its start and end are fixed fractions of lr
}
#: each rule's rate at step t (0-based) of a run of T steps, g, s and p being lr_gamma,
#: lr_decay_steps and lr_power, keyed by the entry of `SCHEDULES` (public as
#: ``nets.SCHEDULE_RATES``): `hplab --schedule`'s help says it after the rule's first name
RATES = {
    constant: "lr",
    step_decay: "lr*g^floor(t/s)",
    multistep: "lr*g^(milestones passed)",
    exponential: "lr*g^(t/s)",
    inverse: "lr*(1+t/s)^-p (the course's inv lr*(1+gamma*t)^-p: its gamma is 1/s)",
    polynomial: "lr_min+(lr-lr_min)*(1-t/T)^p",
    cosine: "lr_min+(lr-lr_min)*(1+cos(pi*t/T))/2",
    one_cycle: ("up from lr/25 to lr at t=0.3T-1 (a step only if T is a multiple of 10; "
                "under 4 steps it only falls), then cosine down to lr/1e4 at t=T-1"),
}
# the rules that hold the rate between their changes (piecewise constant): a report draws
# their rate as steps, not as lines between checkpoints
STEPWISE = frozenset({step_decay, multistep})


# every schedule has its reads and its rate
check_tables("schedule", SCHEDULES, {"RULE_SETTINGS": RULE_SETTINGS, "RATES": RATES},
             "nets/_schedules.py")


def is_stepwise(schedule) -> bool:
    """Whether the schedule named ``schedule`` holds the rate between its changes (`STEPWISE`);
    False for a name this hplab does not have (a run saved by another).

    Parameters
    ----------
    schedule : str
        A schedule's name (a key of `SCHEDULES`).
    """
    return isinstance(schedule, str) and SCHEDULES.get(schedule) in STEPWISE


def warn_short_one_cycle(cfg, total_steps: int, steps_per_epoch: int) -> None:
    """Warn when ``cfg``'s schedule is one_cycle and the run has under 4 steps: its climb
    then ends before step 0, the rate only falls (one step: at lr/1e4, not lr)."""
    if SCHEDULES.get(cfg.schedule) is not one_cycle or total_steps >= 4:
        return
    rates = ", ".join(f"{learning_rate(t, cfg, total_steps) / cfg.lr:.3g}"
                      for t in range(total_steps))
    steps = f"{total_steps} step{'s' * (total_steps > 1)}"
    warnings.warn(f"schedule one_cycle over {steps} (max_epochs={cfg.max_epochs:g}, "
                  f"{steps_per_epoch} step{'s' * (steps_per_epoch > 1)} an epoch) has no "
                  "climb: under 4 steps its rise ends before step 0 and the rate only falls, "
                  f"here {rates} times lr; train more epochs or smaller batches, or choose "
                  "another schedule", UserWarning, stacklevel=user_stacklevel())


def learning_rate(step: int, cfg, total_steps: int) -> float:
    """The rate for ``step`` under ``cfg.schedule`` and its warm-up.

    Parameters
    ----------
    step : int
        0-based step (one mini-batch update).
    cfg : TrainConfig
        The base rate ``lr``, the ``schedule`` and its knobs, ``warmup_steps``.
    total_steps : int
        The run's length in steps, which ``cosine``, ``one_cycle`` and ``polynomial``
        scale to (`train` passes ``max_epochs`` x steps per epoch).

    Returns
    -------
    float
    """
    if step < 0:  # a warm-up divided by zero, other schedules extrapolated
        raise ValueError(f"step must be >= 0 (0-based), got {step}")
    try:
        lr = SCHEDULES[cfg.schedule](step, cfg, total_steps)
    except AttributeError:
        from ._config import TrainConfig  # here: _config imports this module

        if isinstance(cfg, TrainConfig):
            raise
        # a dict failed as "'dict' object has no attribute 'schedule'"
        raise TypeError(f"cfg must be a nets.TrainConfig (nets.TrainConfig(**settings)), got "
                        f"{got_type(cfg, TrainConfig)}") from None
    if not isinstance(lr, numbers.Real) or not lr >= 0:
        # a script's rule (a sign slipped, 0/0): a negative rate climbed the loss and a NaN
        # one made it NaN, both told as a divergence of the training, not of the rule
        raise ValueError(f"schedule {cfg.schedule!r} gave the rate {lr!r} at step {step} of "
                         f"{total_steps}: a rate is a number >= 0")
    if step < cfg.warmup_steps:
        lr *= (step + 1) / cfg.warmup_steps
    return lr
