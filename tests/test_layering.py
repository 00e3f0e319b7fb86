"""The import rule of the layout: imports point one way, and the low layers stay light.

nets and data import none of the others; study and analyses import nets and data (the
imbalance strategies both use are nets'); reports may import them all;
only hplab.py imports reports (whose command line, reports/_cli, holds the commands), and
it imports nothing else but the standard library.
nets imports neither optuna nor matplotlib, and the
analyses never plot. A command imports what draws, tabulates or fits only when it does.
"""

import ast
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from cli_helpers import ANALYSES, as_a_user, run_cli

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("nets", "data", "study", "analyses", "reports")
PLOTTING = {"matplotlib", "seaborn"}
FORBIDDEN = {
    "nets": {"data", "study", "analyses", "reports", "hplab", "optuna", *PLOTTING},
    "data": {"nets", "study", "analyses", "reports", "hplab", "optuna", *PLOTTING},
    "analyses": {"study", "reports", "hplab", "optuna", *PLOTTING},
    "study": {"analyses", "reports", "hplab", *PLOTTING},
    "reports": {"hplab"},
}


def _imports(path: Path) -> set[str]:
    """Top-level names of every module imported anywhere in the file (lazy ones too)."""
    names = set()
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module.split(".")[0])
    return names


@pytest.mark.parametrize("package", PACKAGES)
def test_imports_point_one_way(package):
    found = {f"{p.relative_to(ROOT)}: {name}"
             for p in sorted((ROOT / package).rglob("*.py"))
             for name in _imports(p) & FORBIDDEN[package]}
    assert not found


def test_the_cli_imports_only_the_packages_and_the_standard_library():
    # the thin CLI: what a command does with optuna, pandas or numpy lives in a package
    found = _imports(ROOT / "hplab.py") - set(PACKAGES) - sys.stdlib_module_names
    assert not found


def test_the_rule_sees_lazy_imports(tmp_path):
    # the check must not pass by missing an import inside a function
    f = tmp_path / "m.py"
    f.write_text("def f():\n    import study.x\n    from analyses import y\n")
    assert _imports(f) == {"study", "analyses"}


def _private_imports(path: Path, own: str | None) -> list[str]:
    """Each import in the file (lazy ones too) of another package's private module or
    name: ``from nets._pool import X``, ``import nets._pool``, ``from nets import _pool``.
    ``own`` is the file's package, whose private modules it may import."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Import):
            modules = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            modules = ([node.module] if "._" in node.module else  # once, not per name
                       [f"{node.module}.{alias.name}" for alias in node.names])
        else:
            continue
        for module in modules:
            package, *rest = module.split(".")
            if package in PACKAGES and package != own and rest and rest[0].startswith("_"):
                found.append(f"{path.relative_to(ROOT)}:{node.lineno}: {module}")
    return found


def _private_imports_in(root: Path) -> list[str]:
    """`_private_imports` of every package module, hplab.py and benchmark under ``root``."""
    files = [(p, package) for package in PACKAGES for p in sorted((root / package).rglob("*.py"))]
    files += [(root / "hplab.py", None)]
    files += [(p, None) for p in sorted((root / "benchmarks").rglob("*.py"))]
    return [hit for p, own in files for hit in _private_imports(p, own)]


#: the private imports kept, each with why: a benchmark that times a package's internals
#: patches them where they are looked up, as a test of that package does
PRIVATE_IMPORTS_KEPT = {
    # it swaps the train_run and fit_pipeline an Objective calls (fit_pipeline through its
    # base in study._pipeline_trial) for timed ones, to time the study's bookkeeping
    # without the training
    "benchmarks/study_bookkeeping.py: study._objective",
    "benchmarks/study_bookkeeping.py: study._pipeline_trial",
}


def test_no_module_imports_another_packages_private_modules():
    # QA: 26 imports reached into another package's _modules (study and hplab.py into
    # nets._pool, the reports into analyses._lr_rule, _lr_verify..., the benchmarks into
    # study._registry): a package's __init__ names what others may use, lazily where
    # that saves an import, and its private modules stay free to move
    found = {hit.split(":")[0] + ": " + hit.split(": ")[-1] for hit in _private_imports_in(ROOT)}
    assert found == PRIVATE_IMPORTS_KEPT


#: the strings naming another package's private module kept, each with why
PRIVATE_NAMES_KEPT = {
    # the signal handler looks study's HeldInterrupts up in sys.modules, never importing
    # (a half-imported study has no HeldInterrupts yet; the module may have it)
    "hplab.py: study._held_interrupts",
}


def _private_names(path: Path, own: str | None) -> list[str]:
    """Each string in the file that names another package's private module by its dotted
    path (``"nets._schedules.RATES"``, read through importlib), and each read of a nets
    object's private attribute (``net._head``) outside nets."""
    found = []
    tree = ast.parse(path.read_text(), filename=str(path))
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            package, _, rest = node.value.partition(".")
            if package in PACKAGES and package != own and rest.startswith("_") \
                    and " " not in node.value:
                found.append(f"{path.relative_to(ROOT)}: {node.value}")
        elif (own != "nets" and isinstance(node, ast.Attribute) and node.attr in NETS_PRIVATE
              and not (isinstance(node.value, ast.Name) and node.value.id in ("self", "cls"))):
            found.append(f"{path.relative_to(ROOT)}:{node.lineno}: .{node.attr}")
    return found


#: the private attributes nets' objects give themselves (``self._head = ...``)
NETS_PRIVATE = {
    target.attr
    for p in sorted((ROOT / "nets").rglob("*.py"))
    for node in ast.walk(ast.parse(p.read_text()))
    if isinstance(node, ast.Assign | ast.AnnAssign)
    for target in (node.targets if isinstance(node, ast.Assign) else [node.target])
    if isinstance(target, ast.Attribute) and isinstance(target.value, ast.Name)
    and target.value.id == "self" and target.attr.startswith("_")
    and not target.attr.startswith("__")
}


@pytest.mark.slow
def test_no_module_names_another_packages_private_names():
    # review: hplab.py read "nets._init.DRAWS" and "nets._schedules.RATES" through
    # importlib strings, and the analyses a net's private _head (nets.get_head(net.head)
    # is public): the import rule above saw neither
    files = [(p, package) for package in PACKAGES for p in sorted((ROOT / package).rglob("*.py"))]
    files += [(ROOT / "hplab.py", None)]
    found = {hit for p, own in files for hit in _private_names(p, own)}
    assert "_head" in NETS_PRIVATE and found == PRIVATE_NAMES_KEPT


def test_the_private_import_rule_sees_each_form(tmp_path, monkeypatch):
    # the check above must not pass by missing a form, nor flag a package's own modules
    monkeypatch.setattr(sys.modules[__name__], "ROOT", tmp_path)
    f = tmp_path / "m.py"
    f.write_text("import nets._pool\nfrom nets import _pool, train\nfrom nets import MLP\n"
                 "def f():\n    from analyses._lr_rule import LR_CAP\n"
                 "    from reports._core import Report\n    from nets import MLP\n")
    assert _private_imports(f, "reports") == [
        "m.py:1: nets._pool", "m.py:2: nets._pool", "m.py:5: analyses._lr_rule"]
    assert _private_imports(f, None)[-1] == "m.py:6: reports._core"


def _loaded_after(code: str, modules, cwd=ROOT) -> list[str]:
    """Which of ``modules`` a fresh interpreter holds after running ``code``."""
    return _loaded_after_each([(code, modules)], cwd)[0]


def _loaded_after_each(steps, cwd=ROOT) -> list[list[str]]:
    """Which of its ``modules`` a fresh interpreter holds after each ``(code, modules)`` of
    ``steps``, run one after another in it (one start-up for them all). Modules only come:
    a later step sees the earlier ones', so it watches only what they must not load."""
    code = ""
    for step, modules in steps:
        code += (f"{step}\nimport sys; print('loaded:' + ','.join(m for m in "
                 f"{tuple(modules)!r} if m in sys.modules), flush=True)\n")
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    done = subprocess.run([sys.executable, "-c", code], cwd=cwd, env=env, capture_output=True,
                          text=True)
    assert done.returncode == 0, done.stderr[-2000:]
    said = [line for line in done.stdout.splitlines() if line.startswith("loaded:")]
    assert len(said) == len(steps), done.stdout[-2000:]
    return [[m for m in line.removeprefix("loaded:").split(",") if m] for line in said]


@pytest.mark.parametrize(("package", "absent"), [
    # and nets loads neither pandas nor scipy: every command imports nets (a --help too),
    # and pandas and scipy.special cost it ~0.5 s of CPU, for tables and a loss only some
    # of them build (one fresh interpreter for both claims)
    # (nor joblib: only a pool needs it, nets.HeldStartLoky, named in nets' _LAZY)
    ("nets", ("optuna", "matplotlib", "data", "study", "analyses", "reports",
              "pandas", "scipy", "sklearn", "joblib")),
    # data and study load neither pandas nor scikit-learn until a CSV is read or a set
    # split: `study show`, `study list` and a study's pool workers (given the data) skip them
    ("data", ("optuna", "matplotlib", "nets", "study", "analyses", "reports", "pandas",
              "sklearn")),
    ("study", ("matplotlib", "analyses", "reports", "pandas", "sklearn")),
    ("analyses", ("optuna", "matplotlib", "study", "reports")),
])
def test_importing_a_low_layer_loads_nothing_above_it(package, absent):
    assert _loaded_after(f"import {package}", absent) == []


def test_importing_reports_loads_nothing_until_a_name_is_used():
    # every command imports reports, whose command line it is (reports/_cli), a --help too
    assert _loaded_after("import reports", ("nets", "numpy", "jinja2", "reports._index")) == []


# what draws (matplotlib), tabulates (pandas) or fits (scikit-learn, scipy): only the
# commands that do so pay for its import
HEAVY = ("matplotlib", "pandas", "scipy", "sklearn", "imblearn")


def _cli(argv, code: int = 0) -> str:
    """Python that runs ``hplab ARGV`` in-process and checks its exit code (a --help
    exits through SystemExit)."""
    return ("import hplab\ntry:\n"
            f"    code = hplab.main({[str(a) for a in argv]!r})\n"
            "except SystemExit as exc:\n    code = exc.code\n"
            f"assert code == {code}, code\n")


# what `import reports` cost before its names came with their first use: its listing's
# modules (the command line, reports/_cli, is in reports too: every command loads it)
REPORTS_LISTING = ("reports._index_folder", "reports._index", "jinja2")


def test_recording_the_versions_imports_none_of_the_libraries():
    # every run and study trial records them: read from the packages' metadata, not
    # their modules (imbalanced-learn, scikit-learn and optuna cost a second or more)
    code = ("import nets\nv = nets.versions()\n"
            "assert {'scipy', 'imbalanced-learn', 'optuna'} <= set(v), v")
    assert _loaded_after(code, (*HEAVY, "optuna")) == []


def test_listing_reports_imports_nothing_that_draws(tmp_path):
    # `report index` imported every report module (matplotlib, scikit-learn): 97 % of its
    # time; so did its error for a missing folder, before its one line
    import reports

    reports.Report("train", "A run", {"Score": 0.5}, name="a").write(tmp_path / "runs" / "a")
    (tmp_path / "runs" / "index.html").unlink()
    # one interpreter: the error first (it loads not even reports' listing, nor jinja2),
    # then the listing
    missing, listed = _loaded_after_each([
        (_cli(["report", "index", tmp_path / "missing"], code=2), HEAVY + REPORTS_LISTING),
        (_cli(["report", "index", tmp_path / "runs"]), HEAVY)])
    assert listed == []
    assert "A run" in (tmp_path / "runs" / "index.html").read_text()
    assert missing == []


def test_a_folder_this_user_cannot_list_is_refused_before_reports_is_imported(tmp_path):
    # review: hplab checked only "not a folder" itself (a copy of index_folder's check);
    # a closed folder's refusal came after reports, and its libraries, were imported
    closed = tmp_path / "closed"
    closed.mkdir()
    closed.chmod(0)
    code = _cli(["report", "index", closed], code=2) + (
        "import sys; print('loaded:' + ','.join(m for m in "
        f"{(*HEAVY, *REPORTS_LISTING)!r} if m in sys.modules))\n")
    done = subprocess.run([*as_a_user(tmp_path), sys.executable, "-c", code], cwd=tmp_path,
                          env={**os.environ, "PYTHONPATH": str(ROOT)}, capture_output=True,
                          text=True)
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.splitlines()[-1] == "loaded:"
    assert done.stderr.startswith(f"hplab report index: error: cannot read {closed}: closed "
                                  "is not readable (owner "), done.stderr


@pytest.mark.slow
def test_study_show_imports_nothing_that_draws(spec_file, tmp_path, monkeypatch, capsys):
    # it imported every report module to find the study's report and see if it lags
    import reports
    import study
    from reports._study_folder import storage_source

    monkeypatch.chdir(tmp_path)  # the report goes to runs/studies/shown
    db = str(tmp_path / "s.db")
    study.run_study(study.load_spec(spec_file("shown", n_trials=2)), storage=db, progress=False)
    # the study's report as show reads it: its storage, its study and its trials (a whole
    # study_report adds figures and the best trial retrained, ~5 s, that show never reads;
    # report_stale False below says show took this one for the study's, and up to date)
    rep = reports.Report("study", "Study: shown", {"Trials": "2 of 2"}, name="shown")
    rep.source = storage_source(study.resolve_storage(db))
    rep.study_created = study.show_study("shown", db)["created"]
    rep.write(reports.study_report_folder("shown", db))
    code, out, _ = run_cli(["study", "show", "shown", "--storage", db, "--json"], capsys)
    assert code == 0 and json.loads(out)["report_stale"] is False  # found, and read
    # nor tabulates: pandas was ~0.5 s of every `study show` and `study list`
    shown, listed = _loaded_after_each([
        (_cli(["study", "show", "shown", "--storage", db]), ("matplotlib", "sklearn", "pandas")),
        (_cli(["study", "list", "--storage", db]), ("matplotlib", "sklearn", "pandas"))],
        cwd=tmp_path)
    assert shown == [] and listed == []


def test_predict_json_builds_no_table(saved_model, tmp_path, capsys):
    # QA: `predict --json --limit -1` built the terminal table of every row (74 % of its
    # time on 100k rows) and threw it away: --json prints the records only
    import numpy as np

    import nets

    path, X_raw, _ = saved_model("multiclass")
    np.save(tmp_path / "x.npy", X_raw)
    argv = ["predict", path, "--input", tmp_path / "x.npy", "--json", "--limit", "-1"]
    # where the table is made
    assert _loaded_after(_cli(argv), ("reports._terminal_predict", "reports._terminal")) == []
    code, out, err = run_cli(argv, capsys)
    assert code == 0, err
    pred = nets.load_model(path).predict(X_raw)
    assert json.loads(out) == json.loads(json.dumps({
        "model": str(path), "task": "multiclass", "classes": ["cat", "dog", "eel"],
        "dataset": None, "split": None, "data_seed": None, "data_changed": None,
        "input": str(tmp_path / "x.npy"), "n": 40, "n_shown": 40,
        **nets.prediction_records(pred, -1), "accuracy": None, "rmse": None, "mae": None,
        "r2": None,
        "loss": None,
        "out_path": None, "threshold": None,
        **dict.fromkeys(("positive", "precision", "recall", "f1", "roc_auc", "pr_auc"))}))
    code, out, _ = run_cli([a for a in argv if a != "--json"], capsys)  # the table: all
    assert code == 0 and len(out.splitlines()) == 2 + 1 + 40


@pytest.mark.slow
def test_train_without_a_report_imports_nothing_that_draws(tmp_path, capsys):
    # a re-run with --no-report into a folder with a report imported every report module,
    # to check the folder and remove the earlier report
    train = ["train", "--dataset", "xor", "--epochs", "2", "--out", tmp_path / "run"]
    assert run_cli(train, capsys)[0] == 0
    assert (tmp_path / "run" / "report.html").is_file()
    assert _loaded_after(_cli([*train, "--no-report"]), ("matplotlib", "sklearn", "scipy")) == []
    assert not (tmp_path / "run" / "report.html").exists()  # the earlier report went
    assert (tmp_path / "run" / "model.npz").is_file()


@pytest.mark.slow
def test_an_analysis_without_a_report_imports_no_optuna(tmp_path):
    # QA: every analysis imported study, and so optuna (~0.3 s), for the name of the report
    # folder, with --no-report too (one interpreter for them all)
    steps = [(_cli([*argv, "--no-report"]), ("optuna", "study")) for argv, _ in ANALYSES.values()]
    assert _loaded_after_each(steps, cwd=tmp_path) == [[]] * len(ANALYSES)


@pytest.mark.slow
def test_a_study_run_without_a_report_imports_nothing_that_draws_or_tabulates(spec_file,
                                                                               tmp_path):
    # each trial's history was a DataFrame for the ~50 numbers its record keeps: pandas'
    # import (~0.3 s) in every `study run --no-report`, `study worker` and pool worker
    db = tmp_path / "s.db"
    run = _cli(["study", "run", spec_file("bare", n_trials=2), "--storage", db, "--no-report"])
    assert _loaded_after(run, HEAVY, cwd=tmp_path) == []
    # and the records keep their curves: a point per checkpoint, the last the trial's score
    import optuna

    import study

    for trial in optuna.load_study(study_name="bare", storage=f"sqlite:///{db}").trials:
        record = study.trial_info(trial)
        curve = record["history"]
        assert curve["epoch"] == [4.0 * k for k in range(len(curve["epoch"]))]
        assert curve["epoch"][-1] == record["epochs"] and len(curve["epoch"]) > 1
        assert {len(v) for v in curve.values()} == {len(curve["epoch"])}
        assert curve["val_loss"][-1] == float(f"{record['val_loss']:.6g}")


def test_a_commands_help_imports_nothing_that_draws_or_fits():
    # the help lists registry names (optimizers, imbalance strategies) from modules of
    # numpy and the standard library: `train --help` cost 9x `hplab --help` (pandas, scipy),
    # `imbalance --help` imported scikit-learn and imbalanced-learn for the strategies
    # (one interpreter: what the second loads adds to what the first did); the analyses'
    # helps state their defaults, read from the packages, where pandas and scipy are not
    commands = ("train", "imbalance", "capacity", "lr-range", "scaling")
    loaded = _loaded_after_each([(_cli([c, "--help"]), HEAVY) for c in commands])
    assert dict(zip(commands, loaded, strict=True)) == {c: [] for c in commands}


def test_dir_lists_the_names_imported_on_first_use_without_importing_them():
    # QA: help(analyses) showed 3 of its 70 names and a notebook completed none (dir()
    # holds only what was imported so far)
    code = ("import analyses, nets, reports\n"
            "for m in (analyses, nets, reports):\n"
            "    assert set(m.__all__) <= set(dir(m)), sorted(set(m.__all__) - set(dir(m)))\n")
    assert _loaded_after(code, ("sklearn", "pandas", "matplotlib", "imblearn")) == []


@pytest.mark.slow
def test_every_name_a_package_exports_is_one_it_has():
    # QA: the test above cannot fail on a bad name (__dir__ lists __all__ itself): a typo
    # in analyses.__all__ passed it, and `from analyses import *` failed. Here each name is
    # imported, and the names imported on first use (_LAZY: name -> module, or nets'
    # module -> names) and the public ones imported at once are all in __all__
    code = (
        "import importlib, types\n"
        f"for package in {PACKAGES!r}:\n"
        "    m = importlib.import_module(package)\n"
        "    names = set(m.__all__)\n"
        "    assert len(names) == len(m.__all__), package\n"
        "    eager = {n for n, v in vars(m).items() if not n.startswith('_')\n"
        "             and not isinstance(v, types.ModuleType)}\n"
        "    lazy = {n for k, v in getattr(m, '_LAZY', {}).items()\n"
        "            for n in ([k] if isinstance(v, str) else v)}\n"
        "    assert eager | lazy <= names, (package, sorted((eager | lazy) - names))\n"
        "    missing = [n for n in m.__all__ if not hasattr(m, n)]\n"
        "    assert not missing, (package, missing)\n"
        "    exec(f'from {package} import *', {})\n"
    )
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True,
                          text=True)
    assert done.returncode == 0, done.stderr[-2000:]
