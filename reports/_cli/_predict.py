"""``hplab predict`` and ``hplab export-onnx``: what each does with a saved model beside
the flags it takes."""


from ._converters import path
from ._help_texts import ENDINGS
from ._output import emit, escaped, refuse_overwrite, say

MODEL_HELP = ("a saved model, e.g. runs/train/coin/model.npz, or the folder holding it: a "
              "run's (runs/train/coin), a study report's (its best_model/model.npz)")
PREDICT_SHOWN = 20  # predictions listed (stdout and --json) unless --limit says otherwise


def cmd_predict(args) -> int:
    import data
    import nets
    import study

    if args.limit < -1:
        raise ValueError(f"--limit must be >= 0, or -1 for all, got {args.limit}")
    to_stdout = args.out == "-"
    if to_stdout and args.json:  # both would go to standard output
        raise ValueError("--out - writes the CSV to standard output; leave out --json")
    out = None if to_stdout else args.out
    if out is not None:  # as an --out folder is: before the model loads
        nets.check_writable(out, "--out", file=True)
    args.model = nets.model_file(args.model)  # a run's folder: its model.npz, named so
    refuse_overwrite(out, args.model, args.input)
    model = nets.load_model(args.model)
    refuse_overwrite(out, *data.model_data_paths(model.meta))
    if out is not None:  # a .xlsx or .tgz is refused before the predictions, not after
        nets.check_csv_name(out)
    nets.check_threshold(model, args.threshold, "--threshold")  # before the data loads
    truth = seed = dataset = changed = loss = None
    if args.dataset is not None:
        dataset = args.dataset or model.meta.get("dataset")
        if not dataset:
            raise ValueError(f"{args.model} does not name its dataset: give --dataset NAME")
        if args.header is not None:
            raise ValueError("--header says what the first row of an --input CSV is; it "
                             "does nothing with --dataset")
        seed = args.seed if args.seed is not None else data.model_data_seed(model.meta)
        refuse_overwrite(out, *data.source_paths(dataset))
        ds = data.load(dataset, seed=seed)
        changed = data.model_data_changed(model.meta, ds, seed)
        if changed:
            # the name as the model file wrote it: escaped, as every name printed
            say(f"hplab predict: warning: {escaped(dataset)} is not the data "
                 f"{escaped(str(args.model))} was "
                 "trained on (another fingerprint): its test split is not the held-out "
                 "one, and the scores may count training rows")
        pred, truth, loss = nets.predict_dataset_and_loss(model, ds, threshold=args.threshold)
    elif args.seed is not None:
        raise ValueError("--seed picks the split of --dataset; it does nothing with --input")
    else:
        header = None if args.header is None else args.header == "yes"
        pred = model.predict(nets.read_inputs(args.input, model, header), args.threshold)
    if out is not None:  # an earlier --out's predictions only (it wrote over a spec)
        study.refuse_other_file(out, ours=nets.is_prediction_header,
                                what="a predictions CSV")
    summary = nets.predict_summary(
        model, pred, truth, limit=args.limit, threshold=args.threshold, dataset=dataset,
        data_seed=seed, data_changed=changed, input=args.input, out_path=out, loss=loss)
    frame = nets.prediction_frame(pred, truth)
    if to_stdout:  # `--out -`: the CSV on standard output (a terminal's escaped)
        nets.print_csv(frame)
    elif out is not None:
        # a new file renamed into place: never half a CSV, nor two runs' rows mixed
        nets.write_csv(out, frame)
    if args.json:  # the records: a table (and the import of reports) would be thrown away
        emit(args, summary, [])
        return 0
    import reports

    lines = reports.predict_lines(summary, model, frame=None if to_stdout else frame,
                                  threshold_asked=args.threshold is not None)
    if to_stdout:  # the scores for people, kept out of the piped CSV (which lists every row)
        say("\n".join(map(escaped, lines)))
    else:
        emit(args, summary, lines)
    return 0


def add_predict(sub) -> None:
    p = sub.add_parser("predict", help="predict with a saved model.npz on raw inputs or a "
                                       "dataset's test split")
    p.add_argument("model", metavar="MODEL", type=path, help=MODEL_HELP)
    src = p.add_mutually_exclusive_group(required=True)
    src.add_argument("--dataset", nargs="?", const="", default=None, metavar="NAME",
                     help="the test split of NAME (no NAME: the model's own dataset), "
                          "rescaled to the model's input scaling if NAME's differs; scored "
                          "with accuracy (a binary model also with precision, recall, F1, "
                          "ROC-AUC and PR-AUC of its positive class), or rmse, mae and R² "
                          "for regression")
    src.add_argument("--input", metavar="FILE", type=path, default=None,
                     help="raw (unscaled) inputs: .npy (n, d) or .csv (.csv.gz, .bz2, .xz), "
                          "with or without a header; the model applies its stored input "
                          "scaling")
    p.add_argument("--header", choices=("yes", "no"), default=None,
                   help="whether the first row of an --input CSV is a header (default: "
                        "told by its cells; asked for where they could be either)")
    # --data-seed: train's name for the same seed (QA: refused here, where the JSON says
    # data_seed and `train --data-seed 3` made the model)
    p.add_argument("--seed", "--data-seed", type=int, default=None,
                   help="data seed for --dataset, as train's --data-seed (default: the one "
                        "the model was trained with, so its test split is the held-out one)")
    p.add_argument("--threshold", type=float, default=None, metavar="T",
                   help="binary models: predict the positive class (the second of classes) "
                        "where its probability is >= T, e.g. a threshold tuned on "
                        "validation data (default: the more probable class)")
    p.add_argument("--out", metavar="PRED.csv", type=path, default=None,
                   help="write every prediction (and probabilities, true label) as CSV, "
                        f"compressed as its ending says ({ENDINGS}; -: to standard "
                        "output, the scores to standard error)")
    p.add_argument("--limit", type=int, default=PREDICT_SHOWN,
                   help=f"predictions listed on stdout and in --json (default "
                        f"{PREDICT_SHOWN}; -1: all)")
    p.add_argument("--json", action="store_true", help="print one JSON object")
    p.set_defaults(func=cmd_predict)


def cmd_export_onnx(args) -> int:
    import data
    import nets

    if args.out == "-":  # QA: `export-onnx m.npz - > m.onnx` wrote a file named "-", exit 0
        raise ValueError("export-onnx writes the graph to a file, not to standard output "
                         "(-); give the file's path, e.g. model.onnx (./- for a file named -)")
    nets.check_writable(args.out, file=True)
    args.model = nets.model_file(args.model)
    refuse_overwrite(args.out, args.model)
    model = nets.load_model(args.model)
    refuse_overwrite(args.out, *data.model_data_paths(model.meta))
    try:  # it replaces only a graph of its own (nets.is_hplab_onnx)
        path = nets.export_onnx(model, args.out, opset=args.opset)
    except ModuleNotFoundError as exc:  # the optional extra: one line, no traceback
        raise ValueError(str(exc)) from None
    outputs = list(nets.ONNX_OUTPUTS[model.task])
    summary = {"model": str(model.path), "onnx_path": str(path), "opset": args.opset,
               "task": model.task, "n_features": model.n_features,
               "dtype": model.net.dtype.name, "input": "input", "outputs": outputs,
               "bytes": path.stat().st_size}
    emit(args, summary, [f"wrote {path} (opset {args.opset}): input (N, {model.n_features}) "
                          f"{model.net.dtype.name} raw features -> {', '.join(outputs)}"])
    return 0


def add_export_onnx(sub) -> None:
    p = sub.add_parser("export-onnx", help="write a saved model.npz as an ONNX graph "
                                           "(needs pip install 'hplab[onnx]')")
    p.add_argument("model", metavar="MODEL", type=path, help=MODEL_HELP)
    p.add_argument("out", metavar="OUT.onnx", type=path,
                   help="the graph's file (not -: it writes no standard output); graph "
                        "input 'input': raw features (N, d); outputs 'label' and "
                        "'probabilities', or 'value' for regression")
    p.add_argument("--opset", type=int, default=17,
                   help="ONNX opset, 13 or later (default 17)")
    p.add_argument("--json", action="store_true", help="print one JSON object")
    p.set_defaults(func=cmd_export_onnx)
