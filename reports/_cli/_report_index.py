"""``hplab report index``: what it does beside the flags it takes."""

from pathlib import Path

from ._converters import path
from ._output import after_report, emit
from ._parser import Parser
from ._report_compare import add_compare


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
    emit(args, summary, [f"{path or nets.folder_text(folder)}: {counted}"])
    return after_report(args, listing.error)


def add_report(sub) -> None:
    p = sub.add_parser("report", help="HTML reports: rebuild the index of a folder, "
                                      "compare training runs")
    rsub = p.add_subparsers(dest="report_command", required=True, parser_class=Parser)
    # QA: the page groups its reports by kind under a count of each, which the help never said
    q = rsub.add_parser("index", help="write DIR/index.html listing every report under DIR, "
                                      "by kind (newest first in each) under a count of each "
                                      "kind")
    q.add_argument("dir", metavar="DIR", nargs="?", type=path, default=None,
                   help="folder to scan (default runs)")
    q.add_argument("--no-write", action="store_true",
                   help="list the reports without writing DIR/index.html (a folder you "
                        "may read and not write: a teammate's, a class's copied runs)")
    q.add_argument("--json", action="store_true", help="print one JSON object")
    q.set_defaults(func=cmd_report_index)
    add_compare(rsub)
