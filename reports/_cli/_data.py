"""``hplab data`` (list, show, fetch) and ``hplab report index``: what each does beside
the flags it takes."""

from pathlib import Path

from ._converters import _folder_path, _path
from ._output import _after_report, _emit
from ._parser import _Parser


def cmd_data_list(args) -> int:
    import data
    import reports

    records, shown, notes = data.describe_listing()
    _emit(args, records, reports.table_lines(shown, index=False) + notes)
    return 0


def cmd_data_show(args) -> int:
    import data

    ds = data.load(args.name, seed=args.seed, scaling=args.scaling,
                   merge_scaling=args.merge_scaling, val_fraction=args.val_fraction,
                   target=args.target, imbalance=args.imbalance, positive=args.positive,
                   data_dir=args.data_dir, train_size=args.train_size)
    _emit(args, *data.describe_dataset(ds))
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
    _emit(args, *data.describe_fetch(args.dataset, dest, args.url, not args.no_verify))
    return 0


def _add_data(sub) -> None:
    p = sub.add_parser("data", help="list, inspect and download datasets")
    dsub = p.add_subparsers(dest="data_command", required=True, parser_class=_Parser)
    q = dsub.add_parser("list", help="named datasets with sizes, features and classes, and the "
                        "?key=value options they take")
    q.add_argument("--json", action="store_true", help="print a JSON list of objects")
    q.set_defaults(func=cmd_data_list)
    q = dsub.add_parser("show", help="load one dataset and print its sizes and scaling")
    q.add_argument("name", help="e.g. coin, spirals?classes=5, csv:table.csv; a target of "
                   "at most 50 whole numbers is read as classes: csv:table.csv?task=regression "
                   "predicts it as a number")
    q.add_argument("--seed", type=int, default=0)
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
    q.add_argument("--data-dir", type=_folder_path, default=None,
                   help="downloaded data (default $HPLAB_DATA, else $XDG_CACHE_HOME/hplab, "
                        "else ~/.cache/hplab)")
    q.add_argument("--json", action="store_true")
    q.set_defaults(func=cmd_data_show)
    q = dsub.add_parser("fetch", help="download a dataset and verify its SHA-256")
    q.add_argument("dataset", choices=("mnist",))
    q.add_argument("--url", default=None, help="base URL of a mirror")
    q.add_argument("--dest", type=_folder_path, default=None,
                   help="target folder (default $HPLAB_DATA/mnist, "
                        "else $XDG_CACHE_HOME/hplab/mnist, else ~/.cache/hplab/mnist)")
    q.add_argument("--timeout", type=float, default=30.0, help="seconds per connection")
    q.add_argument("--no-verify", action="store_true",
                   help="skip the checksum check (for a mirror without SHA256SUMS)")
    q.add_argument("--json", action="store_true")
    q.set_defaults(func=cmd_data_fetch)


def cmd_report_index(args) -> int:
    if args.dir is None:  # where every command writes its reports
        from study import RUNS  # here: study imports optuna, a DIR given needs it not

        folder = RUNS
        if not folder.is_dir():
            raise ValueError(f"not a folder: {folder} (the default, where commands write "
                             "their reports); give the folder to index")
    elif not args.dir.strip():  # Path("") is "." : the folder it ran in, unasked
        raise ValueError("an empty folder name; give the folder to index, e.g. runs")
    else:
        folder = Path(args.dir)
    import nets

    # said before reports is imported (its drawing libraries): index_folder says it again
    # to a Python caller
    nets.check_folder_readable(folder)
    import reports

    listing = reports.index_folder(folder, write=not args.no_write)
    # QA: a shared index rebuilt by bob left alice's private runs out, and said nothing
    for skipped in listing.skipped():
        nets.say_on_stderr(f"{args.said_as}: warning: {skipped}")
    # the listing is printed all the same (QA: a teammate's folder, readable and not
    # writable, printed no JSON at all), as train prints its results without its report
    entries, path = listing.entries, listing.path
    summary = {"index_path": None if path is None else str(path), "n_reports": len(entries),
               "reports": [e.json() for e in entries], "index_error": listing.error,
               "unreadable": [str(p) for p in (*listing.unreadable,
                                                *listing.unreadable_records)]}
    counted = f"{len(entries)} report{'s' * (len(entries) != 1)}"
    if listing.n_kept:  # the page lists more than this user could read
        counted += f" ({len(entries) + listing.n_kept} listed, {listing.n_kept} kept from before)"
    if path is None:
        counted += "" if args.no_write else " (index.html not written)"
    _emit(args, summary, [f"{path or nets.folder_text(folder)}: {counted}"])
    return _after_report(args, listing.error)


def _add_report(sub) -> None:
    p = sub.add_parser("report", help="HTML reports: rebuild the index of a folder")
    rsub = p.add_subparsers(dest="report_command", required=True, parser_class=_Parser)
    q = rsub.add_parser("index", help="write DIR/index.html listing every report under DIR")
    q.add_argument("dir", metavar="DIR", nargs="?", type=_path, default=None,
                   help="folder to scan (default runs)")
    q.add_argument("--no-write", action="store_true",
                   help="list the reports without writing DIR/index.html (a folder you "
                        "may read and not write: a teammate's, a class's copied runs)")
    q.add_argument("--json", action="store_true", help="print one JSON object")
    q.set_defaults(func=cmd_report_index)
