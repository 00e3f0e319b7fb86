"""``hplab capacity``: what it does beside the flags it takes."""

import argparse
import functools

from ._analysis import analysis_command, analysis_end
from ._converters import folder_path, ints, names
from ._help_texts import NAMES, SCHEDULE_HELP, TEXTS
from ._help_values import SCHEDULE_RATES, PackageDefault, SettingReaders
from ._json_keys import REPORT_ERROR
from ._net_flags import (
    init_flag,
    refuse_unread,
    regulariser_flags,
    regularisers,
    workers_flag,
)


@analysis_command
def cmd_capacity(args) -> int:
    import analyses

    base = analyses.CAPACITY_CONFIG
    if not args.activation:  # the sweep would fall back on its default unsaid
        raise ValueError("--activation '' names none: give one activation for every hidden "
                         "layer")
    # the sweep sets each net's layers: as many as activations here, so that two of them
    # reach its own check ("one activation for every hidden layer"), not TrainConfig's count
    cfg = base.replace(hidden=base.hidden[:1] * len(args.activation),
                       activation=args.activation, optimizer=args.optimizer, lr=args.lr,
                       batch_size=args.batch_size, max_epochs=args.epochs,
                       schedule=args.schedule, lr_milestones=args.lr_milestones,
                       checkpoint=args.checkpoint, init=args.init, dtype=args.dtype,
                       **regularisers(args))
    refuse_unread(args, ["lr_milestones"] if args.lr_milestones else [])
    result = analyses.capacity_sweep(args.dataset, widths=args.widths, depths=args.depths,
                                     seeds=args.seeds, config=cfg, eps=args.eps,
                                     workers=args.workers, seed=args.seed,
                                     progress=not args.json)
    return analysis_end(args, result)


def add_capacity(sub) -> None:
    p = sub.add_parser(
        "capacity", help="widths x depths x seeds: accuracy, loss, iterations to eps, time",
        description="Train one net per width, depth and seed for the same budget (the "
                    "flags' defaults reproduce the course's coin table). --json prints: "
                    "dataset, task, widths, depths, seeds (a list: the nets' seeds), "
                    "seed (the first, --seed), eps, "
                    "metric (accuracy, or loss for regression), "
                    "majority_share (the validation accuracy of always predicting the "
                    "training set's majority class; null for regression), baseline_val_loss (the "
                    "validation loss of always predicting the training set's mean; null "
                    "for classification), eps_above_baseline (true when eps is at or "
                    "above baseline_val_loss: a constant prediction reaches it, so iterations "
                    "to eps say nothing; null for classification or eps 0), test_is_train "
                    "(true on XOR, "
                    "whose test set is its training set: every test score is then a "
                    "training-set one), best {depth, width, val, test, test_rmse, val_r2, "
                    "test_r2 (its R² on validation and test, the means over its seeds: 1 a "
                    "perfect fit, 0 no better than predicting the mean, as train's test_r2; "
                    "null for classification)}, "
                    "sufficient_width {depth: the smallest width whose validation score "
                    "reached by at least half its seeds (not their mean) comes within the "
                    "larger of 1 % of the depth's best such score and the best's standard "
                    "deviation over seeds (for accuracy also one validation example, and "
                    "less than half the way down to majority_share; for loss less than half "
                    "the way up to baseline_val_loss, at a depth whose best mean is 5 % "
                    "below it and "
                    "below it by more than its spread over seeds; no entry for a depth "
                    "with none)}, undertrained_wider {depth: the widths wider than its "
                    "sufficient width that score worse than the depth's best by more than "
                    "that margin and fit their training set worse than the best does (likely "
                    "undertrained: the sufficient width is then provisional; no entry for a "
                    "depth with none)}, table [{depth, width, "
                    "train_accuracy, val_accuracy, test_accuracy, train_loss, val_loss, "
                    "test_loss (means over the seeds), val_accuracy_std, test_accuracy_std, "
                    "val_loss_std, "
                    "test_loss_std, test_rmse (a regression's test RMSE in the target's "
                    "units, the mean over seeds, as the report's; else null), val_r2, test_r2 "
                    "(a regression's R², the mean over seeds; else null), "
                    "accuracy_gap, loss_gap, iterations_to_eps, epochs_to_eps (medians over "
                    "the seeds that reached eps), reached_eps, n_parameters, "
                    "seconds, diverged (how many of its seeds diverged; with any, the "
                    "configuration has no scores, its accuracies, losses, stds and gaps null "
                    "though its other seeds trained, and is neither best nor sufficient; "
                    "reached_eps and the medians count the other seeds)}] (a diverged seed "
                    "in every configuration: exit code 2, no JSON), "
                    f"config, seconds, report_path, {REPORT_ERROR}.")
    # the sweep's defaults (analyses.CAPACITY_SWEEP_DEFAULTS) and its net's
    # (analyses.CAPACITY_CONFIG)

    sweep = functools.partial(PackageDefault, "analyses.CAPACITY_SWEEP_DEFAULTS")
    config = functools.partial(PackageDefault, "analyses.CAPACITY_CONFIG")

    p.add_argument("--dataset", required=True, help="dataset name (see `hplab data list`)")
    p.add_argument("--widths", type=ints, default=sweep("widths"),
                   help="neurons per hidden layer")
    p.add_argument("--depths", type=ints, default=sweep("depths"), help="hidden layers")
    p.add_argument("--seeds", type=int, default=sweep("seeds"), help="nets per configuration")
    # a list, as the other commands take it: the sweep's own check refuses two activations
    p.add_argument("--activation", type=names, default=config("activation"),
                   names="nets.ACTIVATIONS", help="one activation for every hidden layer")
    p.add_argument("--optimizer", default=config("optimizer"), names="nets.OPTIMIZERS")
    p.add_argument("--lr", type=float, default=config("lr"))
    p.add_argument("--batch-size", type=int, default=config("batch_size"),
                   help="-1 means full batch")
    p.add_argument("--epochs", type=float, default=config("max_epochs"),
                   help="max epochs per net")
    init_flag(p, config("init"))
    # the schedule's settings are the config's: --schedule's rates and --lr-milestones'
    # factor say them
    schedule = p.add_argument(
        "--schedule", default=config("schedule"), names="nets.SCHEDULES",
        help=SCHEDULE_HELP.format(gamma="{lr_gamma}", steps="{lr_decay_steps}",
                                  power="{lr_power}", floor="{lr_min}", names=NAMES,
                                  texts=TEXTS))
    schedule.texts = SCHEDULE_RATES
    schedule.package_defaults = {"{%s}" % f: config(f) for f in (
        "lr_gamma", "lr_decay_steps", "lr_power", "lr_min")}
    milestones = p.add_argument(
        "--lr-milestones", type=ints, default=config("lr_milestones"), metavar="STEPS",
        help=f"{NAMES}: steps where the rate is multiplied by {{lr_gamma}}, e.g. 100,200 "
             "(none by default: needed there)")
    milestones.names = SettingReaders("lr_milestones")
    milestones.package_defaults = {"{lr_gamma}": config("lr_gamma")}
    p.add_argument("--checkpoint", type=float, default=config("checkpoint"),
                   help="epochs between checkpoints (the resolution of iterations to eps)")
    regulariser_flags(p)  # how a regulariser moves the sufficient width
    p.add_argument("--eps", type=float, default=sweep("eps"),
                   help="validation loss whose first crossing is counted (0 = off)")
    workers_flag(p, 1)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--dtype", default="float32", choices=("float32", "float64"))
    p.add_argument("--out", type=folder_path, default=None,
                   help="report folder (default runs/capacity/DATASET)")
    p.add_argument("--report", action=argparse.BooleanOptionalAction, default=True)
    p.add_argument("--json", action="store_true", help="print one JSON object")
    p.set_defaults(func=cmd_capacity)
