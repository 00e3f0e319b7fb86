"""``hplab data`` (list, show, fetch): what each does beside the flags it takes."""

from ._converters import folder_path
from ._output import emit
from ._parser import Parser


def cmd_data_list(args) -> int:
    import data
    import reports

    records, shown, notes = data.describe_listing()
    emit(args, records, reports.table_lines(shown, index=False) + notes)
    return 0


def cmd_data_show(args) -> int:
    import data

    ds = data.load(args.name, seed=args.seed, scaling=args.scaling,
                   merge_scaling=args.merge_scaling, val_fraction=args.val_fraction,
                   target=args.target, imbalance=args.imbalance, positive=args.positive,
                   data_dir=args.data_dir, train_size=args.train_size)
    emit(args, *data.describe_dataset(ds))
    return 0


def cmd_data_fetch(args) -> int:
    import data
    import nets

    # as an --out folder is: one line naming it, not Python's
    if args.dest is not None:
        nets.check_writable(data.expand_home(args.dest), "--dest")
    else:
        nets.check_writable(data.data_home() / "mnist", "the download folder",
                            instead="give another with --dest")
    dest = data.fetch_mnist(args.dest, args.url, timeout=args.timeout,
                            verify=not args.no_verify)
    emit(args, *data.describe_fetch(args.dataset, dest, args.url, not args.no_verify))
    return 0


def add_data(sub) -> None:
    p = sub.add_parser("data", help="list, inspect and download datasets")
    dsub = p.add_subparsers(dest="data_command", required=True, parser_class=Parser)
    q = dsub.add_parser("list", help="named datasets with sizes, features and classes, and the "
                        "?key=value options they take")
    q.add_argument("--json", action="store_true", help="print a JSON list of objects")
    q.set_defaults(func=cmd_data_list)
    q = dsub.add_parser("show", help="load one dataset and print its sizes and scaling")
    q.add_argument("name", help="e.g. coin, spirals?classes=5, csv:table.csv; a target of "
                   "at most 50 whole numbers is read as classes: csv:table.csv?task=regression "
                   "predicts it as a number")
    # --data-seed: train's name for the seed of the data alone, which this one is (QA)
    q.add_argument("--seed", "--data-seed", type=int, default=0)
    # None when not given: the name may carry them (coin?scaling=standard)
    q.add_argument("--scaling", default=None, choices=("minmax", "standard", "none"),
                   help="feature scaling (default minmax)")
    q.add_argument("--merge-scaling", action="store_true", default=None,
                   help="fit the scaling on train, validation and test merged")
    q.add_argument("--val-fraction", type=float, default=None)
    q.add_argument("--target", default=None, help="CSV target column (default: last)")
    q.add_argument("--imbalance", default=None, help="positives:negatives, e.g. 1:50")
    q.add_argument("--positive", default=None, help="positive class (one-vs-rest)")
    q.add_argument("--train-size", type=int, default=None,
                   help="keep this many training rows (class shares kept; the validation "
                        "and test sets stay the whole set's)")
    q.add_argument("--data-dir", type=folder_path, default=None,
                   help="downloaded data (default $HPLAB_DATA, else $XDG_CACHE_HOME/hplab, "
                        "else ~/.cache/hplab)")
    q.add_argument("--json", action="store_true")
    q.set_defaults(func=cmd_data_show)
    q = dsub.add_parser("fetch", help="download a dataset and verify its SHA-256")
    q.add_argument("dataset", choices=("mnist",), help="the dataset to download: mnist")
    q.add_argument("--url", default=None, help="base URL of a mirror (https://user:password@"
                   "host/...: sent as HTTP Basic authentication, printed masked)")
    q.add_argument("--dest", type=folder_path, default=None,
                   help="target folder (default $HPLAB_DATA/mnist, "
                        "else $XDG_CACHE_HOME/hplab/mnist, else ~/.cache/hplab/mnist)")
    q.add_argument("--timeout", type=float, default=30.0, help="seconds per connection")
    q.add_argument("--no-verify", action="store_true",
                   help="skip the checksum check (for a mirror without SHA256SUMS)")
    q.add_argument("--json", action="store_true")
    q.set_defaults(func=cmd_data_fetch)
