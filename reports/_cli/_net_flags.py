"""The flags several commands share (a net's, its regularisers', --init, --workers), and
the checks on the settings they set."""

import argparse
import math

from ._converters import int_or_float, ints, names, workers
from ._help_texts import DEFAULT, HIDDEN_HELP, INIT_HELP, NAMES, TEXTS
from ._help_values import INIT_DRAWS, SettingReaders


def workers_flag(p: argparse.ArgumentParser, default: int, memory: str = "") -> None:
    """--workers, one meaning for every command that spreads work over processes;
    ``memory``: what each process holds, where it is the data's."""
    p.add_argument("--workers", type=workers, default=default,
                   help=f"local worker processes (-1: every core){memory}")


REGULARISERS = ("l2", "l1", "dropout")  # the analyses' flags of TRAIN_FINE_SETTINGS
# and weight decay, whose None is the optimizer's own (0, adamw's 0.01)
DECAY = "weight_decay"
BATCH_NORM_HELP = ("batch-normalise each hidden layer's linear map before its activation "
                   "(scale and shift trained; evaluation uses running statistics)")


def regulariser_flags(p: argparse.ArgumentParser) -> None:
    """--l2, --l1 and --dropout, as `hplab train` says them (default 0: off),
    --weight-decay (default: the optimizer's own) and --batch-norm."""
    for field in REGULARISERS:
        p.add_argument(f"--{field}", type=float, default=0.0,
                       help=TRAIN_FINE_SETTINGS[field][1].replace(DEFAULT, "0"))
    p.add_argument("--weight-decay", type=float, default=None,
                   help=TRAIN_FINE_SETTINGS[DECAY][1]).names = SettingReaders(DECAY)
    p.add_argument("--batch-norm", action="store_true", help=BATCH_NORM_HELP)


def regularisers(args) -> dict:
    return {**{field: getattr(args, field) for field in (*REGULARISERS, DECAY)},
            "batch_norm": args.batch_norm}


def add_net_flags(p: argparse.ArgumentParser, dtype: bool = True) -> None:
    p.add_argument("--dataset", required=True, help="dataset name (see `hplab data list`)")
    p.add_argument("--hidden", type=ints, default=(8,), help=HIDDEN_HELP.format("64,16"))
    p.add_argument("--activation", type=names, default=("sigmoid",),
                   help="one activation for all hidden layers or one per layer",
                   names="nets.ACTIVATIONS")
    p.add_argument("--seed", type=int, default=0)
    if dtype:
        p.add_argument("--dtype", default="float32", choices=("float32", "float64"))


def init_flag(p: argparse.ArgumentParser, default) -> None:
    """--init as train takes it (the names and draws of nets' registry): lr-range, scaling
    and capacity refused it, so the course's He init for ReLU could not be tested there."""
    p.add_argument("--init", default=default, names="nets.INITIALIZERS",
                   help=INIT_HELP.format("biases start at 0", texts=TEXTS)).texts = INIT_DRAWS


def refuse_unread(args, given: list[str]) -> None:
    """ValueError naming each setting in ``given`` (TrainConfig fields set by flags) that
    the command's --optimizer and --schedule leave unread: the run would record its value
    as if it had been used."""
    import nets

    unread = nets.unread_settings(given, args.optimizer, args.schedule)
    if unread:
        raise ValueError("; ".join(
            f"--{setting.replace('_', '-')} has no effect with --{kind} {getattr(args, kind)} "
            f"({nets.and_list(readers)} read{'s' if len(readers) == 1 else ''} it"
            f"{_inverse_gamma_hint(args) if setting == 'lr_gamma' else ''})"
            for setting, (kind, readers) in unread.items()))


def _inverse_gamma_hint(args) -> str:
    """Where --lr-gamma is refused with inverse: the course's (Caffe's) inv takes a gamma,
    ours its reciprocal, --lr-decay-steps; "" with other schedules."""
    import nets

    if nets.SCHEDULES.get(args.schedule) is not nets.SCHEDULES["inverse"]:
        return ""
    text = "; the course's inv gamma is 1 / --lr-decay-steps here"
    gamma = getattr(args, "lr_gamma", None)
    # (5e-324's reciprocal is inf, which round() refused with a line of its own)
    if gamma is not None and 0 < gamma <= 1 and math.isfinite(1 / gamma):
        # its reciprocal as it is, 3333.333333 for 0.0003 (rounded to 3333 it was another
        # gamma); a whole one as a whole number, 10000 for 0.0001 (1 / 0.0001 is 10000.000...2)
        text += f": --lr-decay-steps {1 / gamma:.10g} for gamma {gamma:g}"
    return text


# TrainConfig fields `hplab train` takes as --name-with-dashes, with their help; {names}
# is the optimizers or schedules that read the field (SettingReaders), {default} its
# TrainConfig default (PackageDefault)
TRAIN_FINE_SETTINGS = {
    "momentum": (float, f"{NAMES} (default {DEFAULT})"),
    "beta1": (float, f"{NAMES} (default {DEFAULT})"),
    "beta2": (float, f"{NAMES} (default {DEFAULT})"),
    "rho": (float, f"decay of the running means of {NAMES}"),
    "opt_eps": (float, f"denominator guard of {NAMES}"),
    "l2": (float, f"L2 penalty on the weights: l2 * W added to their gradients (coupled "
                  f"weight decay; default {DEFAULT})"),
    "l1": (float, f"L1 penalty on the weights: l1 * sign(W) added to their gradients "
                  f"(default {DEFAULT})"),
    "weight_decay": (float, "decoupled weight decay: W -= lr * weight_decay * W before each "
                            "step, at the schedule's rate, on the weights, not the biases "
                            "(PyTorch's AdamW; --l2 is added to the gradient instead, which "
                            f"adam divides by its denominator too), lr * weight_decay < 1; "
                            "adamw's 0.01 is PyTorch's at its lr 1e-3: at --lr 0.1 each step "
                            "takes 100x that decay, so lower it (e.g. 0.0001) "
                            f"(default {NAMES})"),
    "dropout": (float, "chance of dropping each hidden unit's output in a training step, "
                       f"in [0, 1) (inverted dropout; evaluation drops none; default {DEFAULT})"),
    "min_delta": (float, f"improvement that resets --patience (default {DEFAULT})"),
    "lr_gamma": (float, f"decay factor of {NAMES}, per --lr-decay-steps or per milestone "
                        f"(default {DEFAULT})"),
    "lr_decay_steps": (int_or_float, f"steps per decay: {NAMES} (default {DEFAULT}; a "
                                      "fraction for exponential and inverse)"),
    "lr_milestones": (ints, f"{NAMES}: steps where the rate is multiplied by --lr-gamma, "
                             "e.g. 100,200 (none by default: needed there)"),
    "lr_power": (float, f"{NAMES} (default {DEFAULT})"),
    "lr_min": (float, f"floor of {NAMES} (default {DEFAULT})"),
    "warmup_steps": (int, f"linear warm-up steps on top of any schedule (default {DEFAULT})"),
}


def unused_lr(rates) -> dict:
    """``{"lr": the lowest of rates}`` for the config of an analysis that sets its own
    rates, if they are numbers > 0 (else the analysis's checks say what is wrong)."""
    try:
        low = min(float(r) for r in rates)
    except (TypeError, ValueError):
        return {}
    return {"lr": low} if math.isfinite(low) and low > 0 else {}
