"""``hplab imbalance``: what it does beside the flags it takes."""

import argparse
import functools

from ._analysis import analysis_command, analysis_end
from ._converters import folder_path, ints, names
from ._help_texts import HIDDEN_HELP, NAMES
from ._help_values import PackageDefault
from ._net_flags import regulariser_flags, regularisers, workers_flag


@analysis_command
def cmd_imbalance(args) -> int:
    import analyses

    net = {"hidden": args.hidden, "activation": args.activation, "optimizer": args.optimizer,
           "lr": args.lr, "batch_size": args.batch_size, "max_epochs": args.epochs,
           "patience": args.patience, "dtype": args.dtype, **regularisers(args)}
    result = analyses.imbalance_benchmark(
        args.dataset, positive=args.positive, ratios=args.ratio, strategies=args.strategies,
        sampling_ratio=args.sampling_ratio, seeds=args.seeds, metric=args.metric,
        tune_for=args.tune_for, leakage_demo=args.leakage_demo, net_params=net,
        workers=args.workers, seed=args.seed, progress=not args.json)
    return analysis_end(args, result)


def add_imbalance(sub) -> None:
    p = sub.add_parser("imbalance", help="benchmark over/undersampling, class weights and an "
                                         "anomaly baseline on imbalanced data")
    p.add_argument("--dataset", required=True, help="classification dataset (hplab data list)")
    p.add_argument("--positive", default=None,
                   help="positive (minority) class; required for multi-class data")
    p.add_argument("--ratio", default=None, metavar="P:N[,P:N]",
                   help="positives:negatives, e.g. 1:50 or 1:10,1:50 (default: the one the "
                        "dataset name sets, digits?imbalance=1:20, else the data's own)")
    p.add_argument("--strategies", type=names, default=None, names="analyses.STRATEGIES",
                   help=f"comma-separated: {NAMES}, or those samplers' imbalanced-learn "
                        "class names (SMOTE, RandomOverSampler...) (default: all)")
    p.add_argument("--sampling-ratio", default=PackageDefault("nets.DEFAULT_SAMPLING_RATIO"),
                   metavar="R",
                   help="minority/majority the samplers aim for: 0.2, or 1:5 in --ratio's P:N "
                        "form")
    p.add_argument("--seeds", type=int, default=3,
                   help="repetitions (data, split and net), shared by every strategy: the "
                        "ranking compares strategies seed by seed (paired)")
    p.add_argument("--metric", default="pr_auc",
                   help="ranking metric: roc_auc, pr_auc, brier, precision, recall, f1, "
                        "balanced_accuracy, g_mean, mcc, accuracy (default pr_auc: average "
                        "precision, the step-wise area under the PR curve, not the "
                        "trapezoid); those read at a threshold (precision to accuracy) are "
                        "ranked at the fixed 0.5, their value at the tuned threshold shown "
                        "beside it (tuned_mean), not ranked; brier reads probabilities, so "
                        "isolation_forest (an anomaly score) is left out of its ranking")
    p.add_argument("--tune-for", default="f1",
                   help="validation metric the tuned threshold maximizes: f1, "
                        "balanced_accuracy, mcc, g_mean (default f1); each seed tunes one "
                        "for its own net, and the ranking's tuned_threshold is their mean "
                        "over seeds")
    p.add_argument("--leakage-demo", action="store_true",
                   help="also resample before the split (wrong on purpose) to show leakage")
    workers_flag(p, 1)  # as every analysis, and imbalance_benchmark (QA: -1 for no reason)
    # the net's flags default to the one the strategies' pipelines train (nets.DEFAULT_NET)
    net = functools.partial(PackageDefault, "nets.DEFAULT_NET")

    # the reason the net differs from train's, from nets/_imbalance_defaults.py (help text
    # must not say "default" itself: the parser then would not append the value)
    p.add_argument("--hidden", type=ints, default=net("hidden"),
                   help=HIDDEN_HELP.format("32,16") + "; this flag and the net's flags after "
                        "it start from the strategies' own small, quick net "
                        "(nets.DEFAULT_NET: digits one-vs-rest or moons in seconds)")
    p.add_argument("--activation", type=names, default=net("activation"),
                   help="one activation for all hidden layers or one per layer",
                   names="nets.ACTIVATIONS")
    p.add_argument("--optimizer", default=net("optimizer"), names="nets.OPTIMIZERS")
    p.add_argument("--lr", type=float, default=net("lr"))
    p.add_argument("--batch-size", type=int, default=net("batch_size"),
                   help="-1 means full batch")
    p.add_argument("--epochs", type=float, default=net("max_epochs"), help="max epochs per net")
    p.add_argument("--patience", type=int, default=net("patience"),
                   help="early stopping on the training loss (0 = off)")
    regulariser_flags(p)
    p.add_argument("--dtype", default=net("dtype"), choices=("float32", "float64"))
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--out", type=folder_path, default=None,
                   help="report folder (default runs/imbalance/DATASET)")
    p.add_argument("--report", action=argparse.BooleanOptionalAction, default=True)
    p.add_argument("--json", action="store_true", help="print one JSON object")
    p.set_defaults(func=cmd_imbalance)
