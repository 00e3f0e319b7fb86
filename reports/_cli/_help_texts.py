"""The flags' help: the placeholders a help fills when it is shown, the help of a flag
that means the same in every command, --seed's by command, and why a command does not take
another's flag."""


NAMES = "{names}"  # where a flag's help lists its registry's names (see RegistryNames)
TEXTS = "{texts}"  # where it says what each of them does (see _RegistryTexts)
DEFAULT = "{default}"  # where a flag's help gives its default, a package's (PackageDefault)
ENDINGS = "{endings}"  # where a CSV output's help lists the endings it is compressed by
# the help of a flag that means the same in every command that has it (unless it says more)
FLAG_HELP = {
    "--json": "print the result as JSON (its keys: above) instead of lines",
    "--report": "write the HTML report and refresh the runs index (--no-report: neither)",
    "--dtype": "the nets' floats: float32 (faster) or float64",
    "--lr": "learning rate",
    "--csv": f"the CSV file to write (.csv, or compressed: {ENDINGS}; -: to standard "
             "output, without --json)",
    "--reference-batch": "the batch size of the reference runs that set --target and the "
                         "rates' rule",
    "--backend": "joblib: local processes; dask: a running Dask cluster (--scheduler)",
    "--val-fraction": "share of the training pool held out for validation (default 0.1; "
                      "other commands take it in the name: NAME?val_fraction=F)",
}
# --seed, by command: what it seeds
SEED_HELP = {
    "train": "seeds the data (a generated set's points and every set's split), the initial "
             "weights and the batches' shuffles",
    "gradcheck": "seeds the data (a generated set's points and the split), the weights "
                 "(biases too) and the examples checked",
    "data show": "seeds the data shown: a generated set's points and every set's split (as "
                 "train and the analyses draw them; train's --data-seed)",
    "scaling": "seeds the data (a generated set's points and the split); run k of every "
               "setting draws from (SEED, k)",
    "imbalance": "seeds the repeats: each of the --seeds draws its own data (a generated "
                 "set's points too), split, subsample and nets from it",
    "lr-range": "seeds the data (a generated set's points and the split) and the first "
                "repeat's net (then SEED+1, ...)",
    "capacity": "seeds the data (a generated set's points and the split) and each width's "
                "first net (then SEED+1, ...)",
}
# why a command takes none of the flags other commands have (by command), or not one of
# them (by command and flag), where its help does not say
NOT_TAKEN_WHY = {
    "gradcheck": "it neither trains nor writes, only checks backprop on a net it draws",
    ("scaling", "--lr"): "it searches the rates itself: --lrs 0.01,0.1 or --lr-grid N over "
                         "--lr-range LOW,HIGH",
    ("scaling", "--schedule"): "its nets train at constant rates (--scheduler is a Dask "
                               "scheduler's address)",
    ("capacity", "--hidden"): "it sweeps the hidden layers itself: --widths 4,8 (units "
                              "per layer) and --depths 1,2 (layers)",
    # the name as their argument, where the others take a flag (QA: no word of it)
    ("data show", "--dataset"): "it takes the name as its argument: hplab data show NAME",
    ("study show", "--study"): "it takes the name as its argument: hplab study show NAME",
    ("study report", "--study"): "it takes the name as its argument: hplab study report NAME",
    ("study export", "--study"): "it takes the name as its argument: hplab study export NAME "
                                 "--csv PATH",
    ("report index", "--out"): "it writes DIR/index.html, the folder its argument names: "
                               "hplab report index DIR",
    ("report index", "--no-report"): "--no-write lists the reports without writing "
                                     "DIR/index.html",
    # a file's output, spelled three ways (a graph file's argument, --csv, --out)
    ("export-onnx", "--out"): "the graph's file is its second argument: hplab export-onnx "
                              "MODEL OUT.onnx",
    ("study export", "--out"): "its CSV file is --csv PATH",
    ("predict", "--csv"): "--out PRED.csv writes every prediction as CSV",
    ("lr-range", "--epochs"): "the ramp runs --steps steps (looper: --steps rates, each held "
                              "--epochs-per-rate epochs)",
}
# other tools' names for hplab's flags (argparse's, scikit-learn's, PyTorch scripts'), too
# far from them for a typo's "did you mean": offered where the command has the flag
OTHER_NAMES = {
    "--output": "--out", "--output-dir": "--out", "--outdir": "--out", "--out-dir": "--out",
    "--learning-rate": "--lr", "--n-jobs": "--workers", "--jobs": "--workers",
    "--njobs": "--workers",
}
# data show's flags of a dataset's options, which the commands that load a set by its name
# take in the name (coin?scaling=standard); "" for none there (--data-dir: HPLAB_DATA)
DATA_NAME_OPTIONS = {
    "--scaling": "scaling", "--merge-scaling": "merge_scaling", "--target": "target",
    "--val-fraction": "val_fraction", "--imbalance": "imbalance", "--positive": "positive",
    "--train-size": "train_size", "--data-dir": "",
}
# {texts}: what each initializer draws (INIT_DRAWS, from nets.INIT_DRAWS beside the code)
INIT_HELP = "weights ({}): {texts}"
# each schedule's rate at step t (0-based) of a run of T steps (SCHEDULE_RATES, from
# nets.SCHEDULE_RATES beside the rules), g, s, p and lr_min being the settings that
# command takes, or their defaults
SCHEDULE_HELP = ("the rate at step t of T, g = {gamma}, s = {steps}, p = {power}, "
                 "lr_min = {floor}: {texts}. Names: {names}")
HIDDEN_HELP = "hidden widths, e.g. {}; '' for none (the course's single-layer perceptron)"
