"""hplab: the command line over nets, data, study, analyses and reports.

Thin by design: each command parses its flags, calls one package function and
prints its result (a JSON object with ``--json``; those keys are a contract).
Bad input ends in one line on stderr and exit code 2.
"""

from __future__ import annotations

import argparse
import json
import shlex
import sys
from pathlib import Path

# Errors that mean "the user asked for something impossible": one line, exit 2.
USER_ERRORS = (ValueError, OSError)


class _Parser(argparse.ArgumentParser):
    """argparse with one-line errors (no usage dump) and exit code 2."""

    def error(self, message):
        self.exit(2, f"{self.prog}: error: {message}\n")


def _ints(text: str) -> tuple[int, ...]:
    try:
        return tuple(int(t) for t in text.split(",") if t.strip())
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"expected comma-separated integers, got {text!r}") from None


def _names(text: str) -> tuple[str, ...]:
    return tuple(t.strip() for t in text.split(",") if t.strip())


def _emit(args, summary: dict, lines: list[str]) -> None:
    """Print the JSON contract with --json, else human lines."""
    if getattr(args, "json", False):
        print(json.dumps(summary, default=_json_default))
    else:
        print("\n".join(lines))


def _json_default(obj):
    if hasattr(obj, "item"):  # numpy scalars
        return obj.item()
    if isinstance(obj, Path):
        return str(obj)
    if hasattr(obj, "tolist"):
        return obj.tolist()
    raise TypeError(f"not JSON serializable: {type(obj).__name__}")


def _command_line(argv) -> str:
    return shlex.join(["hplab", *argv])


# ----------------------------------------------------------------------------- train
def _add_net_flags(p: argparse.ArgumentParser) -> None:
    p.add_argument("--dataset", required=True, help="dataset name (see `hplab data list`)")
    p.add_argument("--hidden", type=_ints, default=(8,), help="hidden widths, e.g. 64,16")
    p.add_argument("--activation", type=_names, default=("sigmoid",),
                   help="one activation for all hidden layers or one per layer")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--dtype", default="float32", choices=("float32", "float64"))


def cmd_train(args) -> int:
    import nets
    import study

    cfg = nets.TrainConfig(
        hidden=args.hidden, activation=args.activation, optimizer=args.optimizer, lr=args.lr,
        batch_size=args.batch_size, max_epochs=args.epochs, eps=args.eps, init=args.init,
        checkpoint=args.checkpoint, patience=args.patience, schedule=args.schedule,
        dtype=args.dtype,
    )
    out = Path(args.out) if args.out else Path("runs") / "train" / (args.name or args.dataset)
    run = study.train_run(
        args.dataset, cfg, seed=args.seed, out=out, name=args.name or args.dataset,
        command=_command_line(args.argv), progress=not args.json,
    )
    summary = run.summary()
    if args.report:
        import reports

        summary["report_path"] = str(reports.training_report(run, out))
    lines = [f"{k}: {v}" for k, v in summary.items()]
    _emit(args, summary, lines)
    return 0


def _add_train(sub) -> None:
    p = sub.add_parser("train", help="train one net and save it, its history and its report")
    _add_net_flags(p)
    p.add_argument("--optimizer", default="sgd")
    p.add_argument("--lr", type=float, default=0.1)
    p.add_argument("--batch-size", type=int, default=10, help="-1 means full batch")
    p.add_argument("--epochs", type=float, default=5000, help="max epochs")
    p.add_argument("--eps", type=float, default=0.0, help="stop once validation loss <= eps")
    p.add_argument("--init", default="xavier")
    p.add_argument("--schedule", default="constant")
    p.add_argument("--checkpoint", type=float, default=1.0, help="epochs between checkpoints")
    p.add_argument("--patience", type=int, default=0, help="early stopping patience (0 = off)")
    p.add_argument("--name", default=None, help="run name (default: the dataset)")
    p.add_argument("--out", default=None, help="output folder (default runs/train/NAME)")
    p.add_argument("--report", action=argparse.BooleanOptionalAction, default=True)
    p.add_argument("--json", action="store_true", help="print one JSON object")
    p.set_defaults(func=cmd_train)


# ----------------------------------------------------------------------------- gradcheck
def cmd_gradcheck(args) -> int:
    import data
    import nets

    ds = data.load(args.dataset, seed=args.seed)
    res = nets.gradcheck_dataset(ds.X_train, ds.y_train, task=ds.task, hidden=args.hidden,
                                 activation=args.activation, seed=args.seed,
                                 n_samples=args.samples)
    summary = {"dataset": args.dataset, "relative_difference": res.relative_difference,
               "verdict": res.verdict, "n_parameters": res.n_parameters}
    _emit(args, summary, [f"relative difference {res.relative_difference:.3e}: {res.verdict}"
                          f" ({res.n_parameters} parameters)"])
    return 0


def _add_gradcheck(sub) -> None:
    p = sub.add_parser("gradcheck", help="compare backprop with two-sided differences")
    _add_net_flags(p)
    p.add_argument("--samples", type=int, default=64, help="examples used (float64)")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_gradcheck)


# ----------------------------------------------------------------------------- data
def cmd_data_list(args) -> int:
    import data

    frame = data.list_datasets()
    records = frame.astype(object).where(frame.notna(), None).to_dict("records")
    _emit(args, records, frame.to_string(index=False, na_rep="-").splitlines())
    return 0


def cmd_data_show(args) -> int:
    import data

    ds = data.load(args.name, seed=args.seed, scaling=args.scaling,
                   merge_scaling=args.merge_scaling, val_fraction=args.val_fraction,
                   target=args.target, imbalance=args.imbalance, positive=args.positive,
                   data_dir=args.data_dir)
    summary = ds.summary()
    lines = [f"{ds.name}: {ds.task}, {ds.n_features} features, "
             f"{ds.n_classes or 'no'} classes {list(ds.classes) if ds.classes else ''}".rstrip(),
             "sizes: " + ", ".join(f"{k} {v}" for k, v in ds.sizes().items())]
    _emit(args, summary, lines)
    return 0


def cmd_data_fetch(args) -> int:
    import data

    dest = data.fetch_mnist(args.dest, args.url, timeout=args.timeout,
                            verify=not args.no_verify)
    files = [{"name": n, "bytes": (dest / n).stat().st_size,
              "sha256": data.sha256_file(dest / n)} for n in data.MNIST_FILES]
    summary = {"dataset": args.dataset, "dest": str(dest), "url": args.url or data.MNIST_URL,
               "verified": not args.no_verify, "files": files}
    lines = [f"{f['name']}  {f['bytes']} bytes  sha256 {f['sha256'][:16]}..." for f in files]
    _emit(args, summary, [*lines, f"saved in {dest}"])
    return 0


def _add_data(sub) -> None:
    p = sub.add_parser("data", help="list, inspect and download datasets")
    dsub = p.add_subparsers(dest="data_command", required=True, parser_class=_Parser)
    q = dsub.add_parser("list", help="named datasets with sizes, features and classes")
    q.add_argument("--json", action="store_true", help="print a JSON list of objects")
    q.set_defaults(func=cmd_data_list)
    q = dsub.add_parser("show", help="load one dataset and print its sizes and scaling")
    q.add_argument("name", help="e.g. coin, spirals?classes=5, csv:table.csv")
    q.add_argument("--seed", type=int, default=0)
    q.add_argument("--scaling", default="minmax", choices=("minmax", "standard", "none"))
    q.add_argument("--merge-scaling", action="store_true",
                   help="fit the scaling on train, validation and test merged")
    q.add_argument("--val-fraction", type=float, default=0.1)
    q.add_argument("--target", default=None, help="CSV target column (default: last)")
    q.add_argument("--imbalance", default=None, help="positives:negatives, e.g. 1:50")
    q.add_argument("--positive", default=None, help="positive class (one-vs-rest)")
    q.add_argument("--data-dir", default=None, help="downloaded data (default $HPLAB_DATA)")
    q.add_argument("--json", action="store_true")
    q.set_defaults(func=cmd_data_show)
    q = dsub.add_parser("fetch", help="download a dataset and verify its SHA-256")
    q.add_argument("dataset", choices=("mnist",))
    q.add_argument("--url", default=None, help="base URL of a mirror")
    q.add_argument("--dest", default=None, help="target folder (default $HPLAB_DATA/mnist)")
    q.add_argument("--timeout", type=float, default=30.0, help="seconds per connection")
    q.add_argument("--no-verify", action="store_true",
                   help="skip the checksum check (for a mirror without SHA256SUMS)")
    q.add_argument("--json", action="store_true")
    q.set_defaults(func=cmd_data_fetch)


# ----------------------------------------------------------------------------- main
COMMANDS = [_add_train, _add_gradcheck, _add_data]


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="hplab", description=__doc__.splitlines()[0])
    parser.add_argument("--version", action="version", version=f"hplab {_version()}")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)
    for add in COMMANDS:
        add(sub)
    return parser


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("hplab")
    except PackageNotFoundError:
        return "0+unknown"


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else list(argv)
    args = build_parser().parse_args(argv)
    args.argv = argv
    try:
        return args.func(args) or 0
    except KeyboardInterrupt:
        print("hplab: interrupted", file=sys.stderr)
        return 130
    except USER_ERRORS as exc:
        message = " ".join(str(exc).split()) or type(exc).__name__
        print(f"hplab {args.command}: error: {message}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
