"""``hplab train`` and ``hplab gradcheck``: what each does beside the flags it takes."""

import argparse
from pathlib import Path

from ._converters import floats, folder_path, given
from ._help_texts import DEFAULT, INIT_HELP, NAMES, SCHEDULE_HELP, TEXTS
from ._help_values import INIT_DRAWS, SCHEDULE_RATES, PackageDefault, SettingReaders
from ._in_flags import in_flags
from ._net_flags import (
    BATCH_NORM_HELP,
    TRAIN_FINE_SETTINGS,
    add_net_flags,
    init_flag,
    refuse_unread,
)
from ._output import after_report, command_line, emit, say, say_replaced, write_report


def cmd_train(args) -> int:
    import data
    import nets
    import reports
    import study

    cfg = nets.TrainConfig(
        hidden=args.hidden, activation=args.activation, optimizer=args.optimizer, lr=args.lr,
        batch_size=args.batch_size, max_epochs=args.epochs, eps=args.eps, init=args.init,
        checkpoint=args.checkpoint, patience=args.patience, schedule=args.schedule,
        dtype=args.dtype, batch_norm=args.batch_norm,
        # the finer settings only when given: TrainConfig keeps the one set of defaults
        **{f: v for f in TRAIN_FINE_SETTINGS if (v := getattr(args, f)) is not None},
    )
    refuse_unread(args, [f for f in TRAIN_FINE_SETTINGS if getattr(args, f) is not None])
    out = (Path(args.out) if args.out else
           study.RUNS / "train" / (study.folder_name(args.name) if args.name else
                                   study.dataset_folder_name(args.dataset)))
    reports.check_out_folder(out, "train")  # found now, not after the training
    if args.data_seed is not None and args.data_seed < 0:  # named as typed, not "seed"
        raise ValueError(f"--data-seed must be a non-negative integer, got {args.data_seed}")
    # bad data fails before the notice
    dataset = data.load(args.dataset, seed=args.seed if args.data_seed is None
                        else args.data_seed)
    if "batch_size" in args.given and args.batch_size > (rows := len(dataset.X_train)):
        # typed only: the default batch (10) is more than XOR's 4 rows, as the course has it
        say(f"hplab train: --batch-size {args.batch_size} is more than the {rows} training "
            f"rows of {args.dataset}: every step takes all {rows} (as --batch-size -1 does)")
    if args.class_weight is not None:
        cfg = cfg.replace(class_weight=data.class_weights(dataset, args.class_weight))
    # the init and eps checks are train_run's (Python's runs too)
    with reports.holding(out):
        return _train_into(args, cfg, dataset, out)


def _class_weight_text(text: str):
    """--class-weight: "balanced", or one weight per class."""
    return "balanced" if text.strip().lower() == "balanced" else floats(text)


def _train_into(args, cfg, dataset, out: Path) -> int:
    """Train, save and report into ``out`` (held by this process)."""
    import reports
    import study

    reported = {}  # the report's path and error (`write_report`), once written

    def report(run, swap):  # study.train_run warned of its start kept, before the report
        write_report(reported, out, lambda: reports.training_report(run, out, swap=swap))

    def replaced(earlier):  # said as the new files go in, with Ctrl-C held
        say_replaced("train", "run" if "config.json" in earlier else "report", out,
                      "another --out" if args.out else "another --name")
        if left := study.files_left_beside(out):  # an earlier model's ONNX, predictions...
            from nets import folder_text

            say(f"hplab train: {', '.join(left)} in {folder_text(out)} came before this "
                 "run and may be the earlier model's (left as they were)")

    run, earlier = reports.train_into(out, dataset, cfg, seed=args.seed,
                                      name=args.name or args.dataset,
                                      command=command_line(args.argv), progress=not args.json,
                                      report=report if args.report else None,
                                      replaced=replaced)
    failed = reported.get("report_error")
    if failed and "report.html" in earlier and not (out / "report.html").is_file():
        # QA: nothing rebuilds a training run's report: the loss is said, not left to find
        failed += "; the earlier run's report was removed with its model"
    summary = run.summary()
    # the keys are part of the contract, with or without a report
    summary["report_path"] = reported.get("report_path")
    summary["report_error"] = failed
    # the reason printed in the flags' words ("reached --epochs=200"); --json keeps the
    # API's (TrainResult.reason, a trial's stored reason: "reached max_epochs=200")
    shown = {**summary, "reason": in_flags(summary["reason"], args)}
    emit(args, summary, reports.train_lines(shown, run.dataset.task))
    return after_report(args, failed)


def add_train(sub) -> None:
    p = sub.add_parser("train", help="train one net and save it, its history and its report")
    add_net_flags(p)
    p.add_argument("--optimizer", default="sgd", names="nets.OPTIMIZERS",
                   help=f"{NAMES} (adamw decays the weights by its own --weight-decay "
                        "0.01, too much at --lr 0.1: see --weight-decay)")
    p.add_argument("--lr", type=float, default=0.1)
    p.add_argument("--batch-size", type=int, default=10, help="-1 means full batch")
    p.add_argument("--epochs", type=float, default=5000,
                   help="max epochs, fractions allowed (at most 1,000,000: nets.MAX_EPOCHS)")
    p.add_argument("--eps", type=float, default=0.0, help="stop once validation loss <= eps")
    init_flag(p, "xavier")
    p.add_argument("--schedule", default="constant", names="nets.SCHEDULES",
                   help=SCHEDULE_HELP.format(gamma="--lr-gamma", steps="--lr-decay-steps",
                                             power="--lr-power", floor="--lr-min", names=NAMES,
                                             texts=TEXTS)).texts = SCHEDULE_RATES
    p.add_argument("--checkpoint", type=float, default=1.0,
                   help="epochs between checkpoints, where the history scores the whole "
                        "training set (at most 10 000 rows; the course: the current "
                        "mini-batch) and the validation set")
    p.add_argument("--patience", type=int, default=0,
                   help="stop after this many checkpoints (--checkpoint epochs apart) without "
                        "the watched loss (validation, else training) improving by more than "
                        "--min-delta, and restore the best one's weights (0 = off)")
    for field, (kind, text) in TRAIN_FINE_SETTINGS.items():
        action = p.add_argument("--" + field.replace("_", "-"), type=kind, default=None,
                                help=text)
        if NAMES in text:
            action.names = SettingReaders(field)
        if DEFAULT in text:
            action.package_defaults = {DEFAULT: PackageDefault("nets.TrainConfig", field)}
    p.add_argument("--class-weight", type=_class_weight_text, default=None,
                   help="per-class training loss weights in class order, e.g. 1,5, or "
                        "'balanced': n / (classes x count) over the training split, as "
                        "scikit-learn's (default: all 1)")
    p.add_argument("--batch-norm", action="store_true", help=BATCH_NORM_HELP)
    p.add_argument("--data-seed", type=int, default=None,
                   help="seeds the data alone (a generated set's points and the split), so "
                        "that --seed changes only the weights and shuffles (default: --seed)")
    p.add_argument("--name", type=given("a run name"), default=None,
                   help="run name (default: the dataset)")
    p.add_argument("--out", type=folder_path, default=None,
                   help="output folder (default runs/train/NAME)")
    p.add_argument("--report", action=argparse.BooleanOptionalAction, default=True,
                   help="write the HTML report and refresh the runs index (--no-report: no "
                        "report, but the report an earlier run left in the folder, which "
                        "described a model no longer there, is deleted and the index "
                        "refreshed without it)")
    p.add_argument("--json", action="store_true", help="print one JSON object")
    p.set_defaults(func=cmd_train)


def cmd_gradcheck(args) -> int:
    import data
    import nets

    ds = data.load(args.dataset, seed=args.seed)
    res = nets.gradcheck_dataset(ds.X_train, ds.y_train, task=ds.task, hidden=args.hidden,
                                 activation=args.activation, seed=args.seed,
                                 n_samples=args.samples, init=args.init, h=args.h,
                                 progress=not args.json, n_classes=ds.n_classes or None,
                                 dropout=args.dropout, batch_norm=args.batch_norm,
                                 l2=args.l2, l1=args.l1)
    note = nets.step_note(args.h, "--h")  # res.note, in the flag's words
    # the note is in the JSON too: a script saw "wrong" without what explains it
    summary = {"dataset": args.dataset, "relative_difference": res.relative_difference,
               "verdict": res.verdict, "n_parameters": res.n_parameters, "note": note,
               # what else decides the result: a verdict read without them was ambiguous
               "hidden": args.hidden, "activation": args.activation, "init": args.init,
               "seed": args.seed, "n_samples": min(args.samples, len(ds.X_train)),
               "h": args.h, "dropout": args.dropout, "batch_norm": args.batch_norm,
               "l2": args.l2, "l1": args.l1}
    lines = [nets.gradcheck_line(res, dropout=args.dropout, batch_norm=args.batch_norm,
                                 l2=args.l2, l1=args.l1)]
    if note is not None:
        lines.append(f"note: {note}")
        if args.json:  # and said where a person watching a --json run reads
            say(f"hplab gradcheck: note: {note}")
    emit(args, summary, lines)
    return 0  # whatever the verdict: a result, not a failure (README: a CI gate reads it)


def add_gradcheck(sub) -> None:
    p = sub.add_parser("gradcheck", help="compare backprop with two-sided differences "
                                          "(always in float64)")
    add_net_flags(p, dtype=False)
    p.add_argument("--samples", type=int, default=64, help="examples used (float64)")
    p.add_argument("--init", default="xavier", names="nets.INITIALIZERS",
                   help=INIT_HELP.format("biases drawn with std 0.1: a point off ReLU's "
                                          "kink", texts=TEXTS)).texts = INIT_DRAWS
    p.add_argument("--h", type=float, default=1e-5,
                   help="finite-difference step (default 1e-5; the course: 1e-4 to 1e-7)")
    p.add_argument("--dropout", type=float, default=0.0,
                   help="check backprop through dropout of this rate, in [0, 1): one set of "
                        "masks (drawn from --seed) for the whole check (default 0)")
    p.add_argument("--batch-norm", action="store_true",
                   help="check backprop through batch norm (on the sample's statistics)")
    p.add_argument("--l2", type=float, default=0.0,
                   help="check the gradient with train's weight decay: l2 / 2 * |W|^2 added "
                        "to the loss (default 0)")
    p.add_argument("--l1", type=float, default=0.0,
                   help="check the gradient with train's L1 penalty: l1 * |W|_1 added to the "
                        "loss (default 0)")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_gradcheck)
