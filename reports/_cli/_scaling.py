"""``hplab scaling``: what it does beside the flags it takes."""

import argparse

from ._analysis import analysis_command, analysis_end
from ._converters import floats, folder_path, ints
from ._help_texts import DEFAULT
from ._help_values import PackageDefault
from ._json_keys import REPORT_ERROR
from ._net_flags import (
    add_net_flags,
    init_flag,
    regulariser_flags,
    regularisers,
    unused_lr,
    workers_flag,
)


@analysis_command
def cmd_scaling(args) -> int:
    import analyses
    import nets

    if args.lrs is not None:
        if args.lr_range is not None:  # it would be dropped without a word
            raise ValueError("--lr-range sets the bounds of --lr-grid; with --lrs, list the "
                             "rates themselves")
        lrs = args.lrs  # even empty: an error, not the default grid
    elif args.lr_range is not None and len(args.lr_range) != 2:
        raise ValueError(f"--lr-range needs two numbers LOW,HIGH, got {args.lr_range}")
    else:  # lr_grid's checks name its arguments, said as the flags (FIELD_FLAGS)
        lrs = analyses.lr_grid(args.lr_grid, *args.lr_range or ())
    # every run sets its own rate: the config's lr is the lowest, so that lr x
    # --weight-decay is checked on the rates that run (scaling_study: the top one)
    cfg = nets.TrainConfig(hidden=args.hidden, activation=args.activation,
                           optimizer=args.optimizer, init=args.init, dtype=args.dtype,
                           **unused_lr(lrs), **regularisers(args))
    result = analyses.scaling_study(
        args.dataset, batch_sizes=args.batch_sizes, lrs=lrs, seeds=args.seeds,
        target_metric=args.target_metric, target=args.target, max_steps=args.max_steps,
        max_epochs=args.max_epochs, config=cfg, reference_batch=args.reference_batch,
        noise=args.noise, workers=args.workers, backend=args.backend,
        scheduler=args.scheduler, seed=args.seed, progress=not args.json)
    return analysis_end(args, result)


def add_scaling(sub) -> None:
    p = sub.add_parser(
        "scaling", help="steps to a target per batch size, the critical batch size, best-rate "
                        "scaling and the gradient noise scale",
        description="Train every batch size x rate x seed until the target (or --max-steps) "
                    "and fit the steps to McCandlish et al.'s law. The defaults train 27 nets "
                    "(9 rates x 3 seeds) per batch size, 1, 2, 4... and the full batch: "
                    "hundreds of nets, minutes on 2 cores "
                    "(--workers -1 uses every core; fewer --batch-sizes, --lr-grid or "
                    "--seeds cost less). A batch size that does not reach the target within "
                    "--max-steps is reported as not reached. --json prints: dataset, n_train, "
                    "target_metric, target, target_source, batch_sizes, and per batch size "
                    "(lists in that order) reached, steps_to_target, examples_to_target, "
                    "best_lr, lr_opt, at_grid_edge, regimes; then fit_status (fitted, "
                    "no_critical_batch, below_range, inconclusive, poor_fit, "
                    "dataset_too_small, too_few_points), fit_message, b_crit, s_min, e_min "
                    "(null unless fitted), b_crit_at_least (the lower bound on B_crit of "
                    "no_critical_batch and dataset_too_small, else null), "
                    "r2, alpha, alpha_se (null with fewer than 3 sizes fitted, or their best "
                    "rates all at the grid's edge or all one grid rate), alpha_rule (the "
                    "one rule within alpha's 95 % interval, alpha ± t alpha_se with t Student's "
                    "for the sizes fitted less 2 degrees of freedom: linear, square-root or "
                    "flat; where a "
                    "slope that holds none lies: between square-root and linear, between "
                    "flat and square-root, steeper than linear or falling; or unknown, "
                    "alpha_reason says why; t is 12.71 at 3 sizes and 4.30 at 4, so a rule "
                    "is rarely named: give 5 or more batch sizes below B_crit), alpha_reason, "
                    "lr_cap_batch, b_simple, b_simple_step, "
                    "b_simple_low, b_simple_high, b_simple_measurements, b_simple_interval, "
                    "lrs, seeds (a count: the nets per batch size and rate, seeded from "
                    "seed), seed, max_steps, config, seconds, test_is_train (true on "
                    "XOR, whose validation set is its training set: the target is then met "
                    f"on training data), report_path, {REPORT_ERROR}.")
    add_net_flags(p)
    p.add_argument("--optimizer", default="sgd", names="nets.OPTIMIZERS")
    init_flag(p, PackageDefault("nets.TrainConfig", "init"))
    regulariser_flags(p)
    p.add_argument("--batch-sizes", type=ints, default=None,
                   help="e.g. 1,4,16,64; -1 is the full batch (default: 1, 2, 4, ... and "
                        "the full batch)")
    rates = p.add_mutually_exclusive_group()
    rates.add_argument("--lrs", type=floats, default=None, help="rates tried at every batch")
    # the grid's defaults are lr_grid's own (its signature's)
    rates.add_argument("--lr-grid", type=int, default=PackageDefault("analyses.lr_grid", "num"),
                       help=f"number of log-spaced rates over --lr-range (default {DEFAULT})")
    p.add_argument("--lr-range", type=floats, default=None, metavar="LOW,HIGH",
                   help="bounds of --lr-grid (default {low},{high})").package_defaults = {
        f"{{{bound}}}": PackageDefault("analyses.lr_grid", bound) for bound in ("low", "high")}
    p.add_argument("--seeds", type=int, default=3, help="runs per batch size and rate")
    p.add_argument("--target-metric", default=None, choices=("val_accuracy", "val_loss"),
                   help="default val_accuracy (val_loss for regression)")
    p.add_argument("--target", type=float, default=None,
                   help="value to reach (default: 0.95 x the best val_accuracy of reference "
                        "runs at --reference-batch (the full batch if larger), or 95%% of their "
                        "val_loss drop)")
    p.add_argument("--max-steps", type=int, default=10_000, help="step budget per run")
    p.add_argument("--max-epochs", type=float, default=None,
                   help="epoch budget per run as well (whichever ends first)")
    p.add_argument("--reference-batch", type=int, default=32)
    p.add_argument("--noise", action=argparse.BooleanOptionalAction, default=True,
                   help="measure the gradient noise scale during the reference runs (which "
                        "then run even with --target; --no-noise --target skips them)")
    workers_flag(p, 1)
    p.add_argument("--backend", default="joblib", choices=("joblib", "dask"))
    p.add_argument("--scheduler", default=None, help="Dask scheduler address (with --backend "
                                                     "dask), e.g. tcp://127.0.0.1:8786")
    p.add_argument("--out", type=folder_path, default=None,
                   help="report folder (default runs/scaling/DATASET)")
    p.add_argument("--report", action=argparse.BooleanOptionalAction, default=True)
    p.add_argument("--json", action="store_true", help="print one JSON object")
    p.set_defaults(func=cmd_scaling)
