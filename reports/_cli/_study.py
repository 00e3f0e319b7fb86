"""``hplab study`` (run, worker, enqueue, list, show, export, spec, report) and ``hplab
demo``: what each does beside the flags it takes."""

import argparse
import contextlib

from ._converters import folder_path, given, path, trials
from ._net_flags import workers_flag
from ._output import USER_ERRORS, command_line, emit, say, study_command
from ._parser import Parser
from ._study_end import study_end, study_stops

# a study's processes each held the data: QA's 2 workers on MNIST took ~1 GB, unsaid; a
# set over `data.SHARE_BYTES` is now shared by them, from a temporary file
_STUDY_WORKERS_MEMORY = ("; they share one copy of a set over 64 MB, mapped from a file in "
                         "the temporary folder (MNIST: about 220 MB as float32), and each "
                         "holds its own of a smaller one")
_NAME_HELP = "the study's name in --storage (hplab study list names them)"


def cmd_study_run(args) -> int:
    import study

    try:  # a refused file of a stored study resumes
        spec = study.spec_to_run(args.spec, args.storage, n_trials=args.trials,
                                 data=args.data)
    except study.SpecError as exc:  # beyond a grid's points: the API names n_trials
        message = str(exc)
        if args.trials is not None and message.startswith("n_trials "):
            message = f"--trials{message.removeprefix('n_trials')}"
        raise study.SpecError(message) from None
    if args.out is not None and not args.report:  # it would be dropped without a word
        raise ValueError("--out is the report's folder: it has no use with --no-report")

    def run() -> dict:
        if args.report:  # the storage first: unwritable, it fails --no-report's run too
            _check_report_folder(args, spec)
        return study.run_study(
            spec, storage=args.storage, workers=args.workers, progress=not args.json,
            command=study_command(args.argv), explicit_trials=args.trials is not None,
            dataset=args.data)

    # from the spec read on, a stop prints the JSON of a stop (the checks are in its time)
    summary = study_stops(args, spec.name, run, spec=spec)
    return study_end(args, spec.name, summary, report=args.report,
                      description=spec.description)


def _check_report_folder(args, spec) -> None:
    """Refuse a `study run` whose report could not be written, before it runs: its storage
    unwritable, or its folder (``--out``, else the default one) another report's."""
    import reports
    import study

    study.check_storage_writable(study.resolve_storage(args.storage))
    if args.out:
        created = None  # a new study's: none yet
        with contextlib.suppress(*USER_ERRORS):  # known, a report of it there is its own
            created = study.show_study(spec.name, args.storage)["created"]
        reports.check_out_folder(args.out, "study", spec.name,
                                 storage=study.resolve_storage(args.storage),
                                 created=created)
    else:
        reports.check_study_report_folder(spec.name, args.storage,
                                          "give another folder with --out, or run with "
                                          "--no-report, and write the report elsewhere "
                                          "later (hplab study report --out)")


def cmd_study_worker(args) -> int:
    import reports
    import study

    # NAME as study show, report and export take it, or --study NAME (QA: `study worker
    # digits` was refused, "required: --study", where every other study command takes NAME)
    if args.name is not None and args.study is not None and args.name != args.study:
        raise ValueError(f"two study names: {args.name} and --study {args.study}; give one")
    args.study = args.study if args.study is not None else args.name
    if args.study is None:
        raise ValueError("the study to join: give its name (hplab study worker NAME, or "
                         "--study NAME)")
    summary = study_stops(args, args.study, lambda: study.join_study(
        args.study, storage=args.storage, workers=args.workers, progress=not args.json,
        dataset=args.data, command=study_command(args.argv)), writes_report=False)
    # a worker writes no report: the one `study show` finds, and whether it lags the
    # study, or the command that writes one, as `study show` says them
    said = reports.study_report_lines(args.study, args.storage, summary)
    emit(args, summary, reports.study_lines(summary) + said)
    return 0


def cmd_study_enqueue(args) -> int:
    import reports
    import study

    # every point checked against the study's spec before anything is stored
    summary = study.enqueue_points(args.spec, args.point, storage=args.storage,
                                   command=study_command(args.argv))
    emit(args, summary, reports.enqueue_lines(summary))
    return 0


def cmd_study_list(args) -> int:
    import reports
    import study

    rows = study.list_studies(args.storage)
    emit(args, rows, reports.study_list_lines(rows))
    return 0


def cmd_study_show(args) -> int:
    import reports

    # the course's table of a two-choice grid is for people: --json has the summary only
    summary, lines = reports.study_show(args.name, args.storage, cells=not args.json)
    emit(args, summary, lines)
    return 0


def cmd_study_export(args) -> int:
    import reports
    import study

    if args.csv == "-" and args.json:  # both would go to standard output
        raise ValueError("--csv - writes the table to standard output; leave out --json")
    said = study.export_study(args.name, args.csv, args.storage)
    if said["csv_path"] != "-":  # `--csv -` wrote the table itself to standard output
        emit(args, said, [f"wrote {said['csv_path']}", *reports.export_queued_lines(said)])
    return 0


def cmd_study_spec(args) -> int:
    import study

    if args.name is None:  # the ready specs, a line each
        import reports

        rows = study.ready_specs()  # not validated: that imported scikit-learn (~3 s)
        emit(args, {"specs": rows}, reports.spec_list_lines(rows))
        return 0
    path, text = study.ready_spec_text(args.name)  # a path is a file to open, refused
    if args.json:
        emit(args, {"name": args.name, "path": str(path), "text": text}, [])
    else:  # the file itself: `hplab study spec coin > my.toml` is a spec to edit
        from nets import print_file_text

        print_file_text(text)  # UTF-8 in the file, whatever the locale
    return 0


def cmd_study_report(args) -> int:
    import reports

    path = reports.write_study_report(args.name, args.storage, args.out,
                                      command=command_line(args.argv), dataset=args.data,
                                      instead="give another folder with --out",
                                      progress=not args.json)
    emit(args, {"study": args.name, "report_path": path}, [f"report: {path}"])
    return 0


def cmd_demo(args) -> int:
    import reports
    import study

    spec = study.demo_spec(args.trials, args.storage)
    reports.check_study_report_folder(spec.name, args.storage,
                                      "run it from a folder you can write in")
    # held to its report: another demo started meanwhile would delete the study this one
    # made (or refuse it as no demo's, before its command is stored)
    with study.demo_running(args.storage):
        workers = study.local_workers(args.workers)
        # said once it runs (it came before another demo's refusal); one worker's trials
        # are the same every run without the lockstep
        if study.resolve_storage(args.storage).kind == "journal" and workers > 1:
            say("hplab demo: a journal storage has no heartbeats, so the demo runs without "
                 "its lockstep (study.repeatable_workers): with more than one worker its "
                 "trials may differ from run to run")
        replaced = study.earlier_demo(args.storage, spec)  # the demo replaces only its own
        if replaced:
            say(f"hplab demo: replacing the earlier demo study in {replaced}")
        summary = study_stops(args, spec.name, lambda: study.run_study(
            spec, storage=args.storage, workers=args.workers, progress=not args.json,
            fresh=True, command=study_command(args.argv)), spec=spec)
        return study_end(args, spec.name, summary, report=True)


def _storage_flag(p) -> None:
    p.add_argument("--storage", type=given("a storage URL or file"), default=None,
                   metavar="URL",
                   help="optuna storage: sqlite:///x.db, postgresql://..., mysql://..., "
                        "x.log, x.jsonl or journal:PATH (journal; an existing journal or "
                        "SQLite file of another name is known by its content); default "
                        "runs/hplab.db")


def _data_flag(p, more: str = "") -> None:
    p.add_argument("--data", type=given("a dataset name"), default=None, metavar="NAME",
                   help="this machine's copy of the study's data, where it is not at the "
                        "stored path (e.g. csv:/my/copy.csv?target=y); checked against the "
                        f"study's fingerprint{more}")


def add_study(sub) -> None:
    p = sub.add_parser("study", help="Optuna searches over a net's hyperparameters")
    ssub = p.add_subparsers(dest="study_command", required=True, parser_class=Parser)
    q = ssub.add_parser("run", help="create or resume a study from a spec and run it")
    q.add_argument("spec", type=path,
                   help="ready spec name (xor, coin, digits...), a .toml path, or the "
                        "name of a study --storage holds (run with the spec stored with it)")
    workers_flag(q, 1, _STUDY_WORKERS_MEMORY)
    q.add_argument("--trials", type=trials, default=None,
                   help="study-wide total (overrides)")
    _data_flag(q, "; a stored study's, run by its name or its spec file")
    _storage_flag(q)
    q.add_argument("--report", action=argparse.BooleanOptionalAction, default=True)
    q.add_argument("--out", type=folder_path, default=None,
                   help="the report's folder (default runs/studies/NAME; a report's \"More "
                        "trials\" command gives . to bring that report up to date)")
    q.add_argument("--json", action="store_true", help="print one JSON object")
    q.set_defaults(func=cmd_study_run)
    q = ssub.add_parser("worker", help="join a stored study (any machine) until it is done; "
                                       "it writes no report (hplab study report does)")
    q.add_argument("name", nargs="?", default=None, metavar="NAME",
                   help="the stored study to join (or --study NAME)")
    q.add_argument("--study", default=None, help="study name, as NAME")
    _data_flag(q)
    workers_flag(q, 1, _STUDY_WORKERS_MEMORY)
    _storage_flag(q)
    q.add_argument("--json", action="store_true")
    q.set_defaults(func=cmd_study_worker)
    q = ssub.add_parser("enqueue", help="queue chosen points as a study's next trials, "
                                        "checked against its space (creating the study of "
                                        "a spec, without running a trial)")
    q.add_argument("spec", type=path, metavar="SPEC_OR_NAME",
                   help="ready spec name (xor, coin, digits...) or a .toml path, as study "
                        "run takes them (its study created if --storage holds none), or the "
                        "name of a study --storage holds (its stored spec)")
    q.add_argument("--point", action="append", required=True, metavar="NAME=VALUE,...",
                   help="a point of the spec's [space], e.g. lr=0.1,batch_size=32 (repeat "
                        "for more, queued in order); values read as the space's types; "
                        "parameters left out are the sampler's to draw. A point outside the "
                        "space, or with a value its trial would not read, is refused and "
                        "nothing is stored. Under the grid sampler a point takes a grid "
                        "trial's slot of the budget (at most the grid's size): that trial's "
                        "grid point is not run; queue it after the run (README)")
    _storage_flag(q)
    q.add_argument("--json", action="store_true", help="print one JSON object")
    q.set_defaults(func=cmd_study_enqueue)
    q = ssub.add_parser("list", help="studies in a storage")
    _storage_flag(q)
    q.add_argument("--json", action="store_true", help="print a JSON list of objects")
    q.set_defaults(func=cmd_study_list)
    q = ssub.add_parser("show", help="counts by state, best trial, diverged and failed trials")
    q.add_argument("name", help=_NAME_HELP)
    _storage_flag(q)
    q.add_argument("--json", action="store_true")
    q.set_defaults(func=cmd_study_show)
    q = ssub.add_parser("export", help="every trial as a CSV row: number, values, "
                                       "pareto (several objectives only: True for a "
                                       "complete trial on the Pareto front, False for "
                                       "one off it, empty for the others), times, "
                                       "params_*, state, user_attrs_*, queued_point (the "
                                       "point queued by hand that the trial ran or waits "
                                       "to run, as --point takes it; empty for the "
                                       "sampler's), and last, always, reason (why a "
                                       "trial stopped)")
    q.add_argument("name", help=_NAME_HELP)
    q.add_argument("--csv", type=path, required=True, metavar="PATH")
    _storage_flag(q)
    q.add_argument("--json", action="store_true")
    q.set_defaults(func=cmd_study_export)
    q = ssub.add_parser("spec", help="list the ready specs, or print one to copy and edit")
    q.add_argument("name", nargs="?", default=None, help="ready spec name (xor, coin...)")
    q.add_argument("--json", action="store_true")
    q.set_defaults(func=cmd_study_spec)
    q = ssub.add_parser("report", help="write the study's HTML report")
    q.add_argument("name", help=_NAME_HELP)
    q.add_argument("--out", type=folder_path, default=None,
                   help="folder (default runs/studies/NAME)")
    _data_flag(q, "; it retrains the best trial")
    _storage_flag(q)
    q.add_argument("--json", action="store_true")
    q.set_defaults(func=cmd_study_report)
    q = sub.add_parser("demo", help="a real study on digits with 2 workers (the same trials "
                       "every run, on SQLite or PostgreSQL), and its report")
    # 2, where every other command's is 1: the demo shows a study's trials shared by workers
    workers_flag(q, 2, "; 2 by default, where the other commands take 1: the demo "
                       "shows one study's trials shared by two processes")
    q.add_argument("--trials", type=trials, default=None, help="trials (default: the spec's)")
    _storage_flag(q)
    q.add_argument("--json", action="store_true")
    q.set_defaults(func=cmd_demo)
