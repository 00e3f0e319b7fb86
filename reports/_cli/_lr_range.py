"""``hplab lr-range``: what it does beside the flags it takes."""

import argparse
import functools

from ._analysis import analysis_command, analysis_end
from ._converters import folder_path
from ._help_texts import DEFAULT
from ._help_values import PackageDefault
from ._json_keys import REPORT_ERROR
from ._net_flags import (
    add_net_flags,
    init_flag,
    regulariser_flags,
    regularisers,
    unused_lr,
)


@analysis_command
def cmd_lr_range(args) -> int:
    import analyses
    import nets

    # the ramp sets the rate: the config's lr is where it starts, so that lr x
    # --weight-decay is checked on the ramp's rates (lr_range_test: --max-lr), never on
    # the unused default 0.1
    cfg = nets.TrainConfig(hidden=args.hidden, activation=args.activation,
                           optimizer=args.optimizer, batch_size=args.batch_size,
                           init=args.init, dtype=args.dtype, **unused_lr([args.min_lr]),
                           **regularisers(args))
    result = analyses.lr_range_test(
        args.dataset, cfg, min_lr=args.min_lr, max_lr=args.max_lr, num_steps=args.steps,
        mode=args.mode, beta=args.beta, diverge=args.diverge, val=args.val,
        val_batch=args.val_batch, epochs_per_rate=args.epochs_per_rate, seeds=args.seeds,
        suggestion=args.suggestion,
        verify=args.verify, verify_epochs=args.verify_epochs, seed=args.seed,
        progress=not args.json)
    return analysis_end(args, result)


def add_lr_range(sub) -> None:
    p = sub.add_parser(
        "lr-range", help="learning-rate range test: ramp the rate, watch the loss, suggest",
        description="Ramp the learning rate every step (or hold each rate for some epochs: "
                    "looper), record the smoothed loss until it passes --diverge x its best, "
                    "and read "
                    "suggestions off the curve; weights and optimizer state are restored. "
                    "--json prints: dataset, mode, min_lr, max_lr, num_steps, beta, val, "
                    "seeds (a list: each seed's own ramp), seed (the first, --seed), n_train, "
                    "suggestion, suggested_lr, "
                    "suggestions {name: {lr (median "
                    "over seeds), median_log10, iqr_log10 (null for one seed), n, per_seed}}, "
                    "divergence_lr (where the rise that stopped the test began: a ramp's "
                    "last rate within 1.2x its lowest smoothed loss so far, a looper's first "
                    "rate past 1.5x its best before), stop_lr, runs [{seed, stop_reason, "
                    "stop_lr, divergence_lr, rise_lr (a looper's first rate whose loss rose "
                    "past 1.5x its best before, stopped or not: its suggestions end there; "
                    "null for a ramp, or where it never rose), "
                    "steps, descent (1 - the lowest smoothed loss / its first), lowest_at_end "
                    "(the curve read, trimmed, was lowest at its last point: still falling; not "
                    "a looper's, read up to where its loss rose)}], "
                    "ramp_set (the suggestions, of valley and minimum, that the ramp's "
                    "--min-lr, --max-lr and --steps placed rather than the data: both when "
                    "most seeds' curves are lowest_at_end, else none), verify (null, "
                    "or {suggested_lr, best_grid_lr, best_lr (refined), "
                    "best_range_low, best_range_high (the grid rates next to the best whose "
                    "mean loss is within 2 standard errors of its own), ratio, "
                    "log10_distance, within_tolerance (the suggestion within 3x of best_lr "
                    "or inside that range; null when inconclusive), tolerance, at_grid_edge, "
                    "best_val_loss, inconclusive (no grid run beat a constant prediction of "
                    "the training set's prior or mean by 5 %, or the losses differ within "
                    "seed noise), inconclusive_reason, baseline_val_loss, "
                    "baseline_val_accuracy, grid [{lr, "
                    "val_loss, val_accuracy, diverged}]}), config, seconds, test_is_train "
                    "(true on XOR, whose validation set is its training set: the grid's "
                    f"scores are then training-set ones), report_path, {REPORT_ERROR}.")
    # the range test's defaults (analyses.LR_RANGE_TEST_DEFAULTS) and its net's
    # (analyses.LR_RANGE_CONFIG)

    test = functools.partial(PackageDefault, "analyses.LR_RANGE_TEST_DEFAULTS")
    config = functools.partial(PackageDefault, "analyses.LR_RANGE_CONFIG")

    add_net_flags(p)
    p.add_argument("--optimizer", default=config("optimizer"), names="nets.OPTIMIZERS")
    init_flag(p, config("init"))
    regulariser_flags(p)
    p.add_argument("--batch-size", type=int, default=config("batch_size"),
                   help="-1 means full batch")
    p.add_argument("--min-lr", type=float, default=test("min_lr"), help="first rate")
    p.add_argument("--max-lr", type=float, default=test("max_lr"), help="last rate")
    p.add_argument("--steps", type=int, default=test("num_steps"),
                   help="points of the ramp: steps (exp, linear) or rates (looper)")
    p.add_argument("--mode", default="exp",
                   help="exp (default): the rate multiplied by a constant every step; "
                        "linear: raised by a constant; looper (the course's): rates linear "
                        "within each decade, the --steps spread evenly over the decades "
                        "(--min-lr 1e-4 --max-lr 1 --steps 37: 1e-4, 2e-4, ..., 1e-3, 2e-3, "
                        "..., 1), each held --epochs-per-rate epochs")
    p.add_argument("--epochs-per-rate", type=float, default=test("epochs_per_rate"),
                   help="looper: epochs each rate is held")
    p.add_argument("--beta", type=float, default=None,
                   help="loss smoothing: a moving average over about 1 / (1 - beta) points; "
                        "default 1 - 30 / --steps (0.7 for 100 points: a thirtieth of the "
                        "ramp, so the curve lags the loss by a thirtieth of its decades; "
                        "fastai's 0.98 lags it by 50 points), 0 = none (full-batch losses "
                        "need none)")
    p.add_argument("--diverge", type=float, default=test("diverge"),
                   help=f"stop once the smoothed loss passes this x its best (default {DEFAULT}; "
                        "> 1); a looper's suggestions are read up to the first rate past 1.5x "
                        "its best before, or this x, if lower")
    p.add_argument("--val", action="store_true",
                   help="record the loss on a fixed validation batch after each step")
    p.add_argument("--val-batch", type=int, default=test("val_batch"), help="size of that batch")
    p.add_argument("--seeds", type=int, default=1, help="repeats: seeds SEED, SEED+1, ...")
    p.add_argument("--suggestion", default="valley",
                   help="the rate verified and headlined: valley (default; fastai's: half "
                        "way into the longest fall of the loss), steepest (where it falls "
                        "fastest over half a decade), minimum (the lowest loss's rate / 10) "
                        "or slide (fastai's slide rule)")
    p.add_argument("--verify", action="store_true",
                   help="train briefly at 9 rates around the suggestion (x0.1 .. x10), and "
                        "at more past an edge where the best one lies (up to x1000), each "
                        "with the test's first 2 seeds (one with --seeds 1)")
    p.add_argument("--verify-epochs", type=float, default=test("verify_epochs"),
                   help="epochs of each verification run")
    p.add_argument("--out", type=folder_path, default=None,
                   help="report folder (default runs/lr-range/DATASET)")
    p.add_argument("--report", action=argparse.BooleanOptionalAction, default=True)
    p.add_argument("--json", action="store_true", help="print one JSON object")
    p.set_defaults(func=cmd_lr_range)
