"""The import rule of the layout: imports point one way, and the low layers stay light.

nets and data import none of the others; study and analyses import nets and data (and
study, one way, the imbalance pipelines of analyses); reports may import them all;
only hplab.py imports reports. nets imports neither optuna nor matplotlib, and the
analyses never plot. A command imports what draws, tabulates or fits only when it does.
"""

import ast
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from cli_helpers import run_cli

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("nets", "data", "study", "analyses", "reports")
PLOTTING = {"matplotlib", "seaborn"}
FORBIDDEN = {
    "nets": {"data", "study", "analyses", "reports", "hplab", "optuna", *PLOTTING},
    "data": {"nets", "study", "analyses", "reports", "hplab", "optuna", *PLOTTING},
    "analyses": {"study", "reports", "hplab", "optuna", *PLOTTING},
    "study": {"reports", "hplab", *PLOTTING},
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


def test_the_rule_sees_lazy_imports(tmp_path):
    # the check must not pass by missing an import inside a function
    f = tmp_path / "m.py"
    f.write_text("def f():\n    import study.x\n    from analyses import y\n")
    assert _imports(f) == {"study", "analyses"}


def _loaded_after(code: str, modules, cwd=ROOT) -> list[str]:
    """Which of ``modules`` a fresh interpreter holds after running ``code``."""
    code += (f"\nimport sys; print('loaded:' + ','.join(m for m in {tuple(modules)!r} "
             "if m in sys.modules))")
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    done = subprocess.run([sys.executable, "-c", code], cwd=cwd, env=env, capture_output=True,
                          text=True)
    assert done.returncode == 0, done.stderr[-2000:]
    last = done.stdout.splitlines()[-1]
    assert last.startswith("loaded:"), done.stdout[-2000:]
    return [m for m in last.removeprefix("loaded:").split(",") if m]


@pytest.mark.parametrize(("package", "absent"), [
    ("nets", ("optuna", "matplotlib", "data", "study", "analyses", "reports")),
    ("data", ("optuna", "matplotlib", "nets", "study", "analyses", "reports")),
    ("analyses", ("optuna", "matplotlib", "study", "reports")),
])
def test_importing_a_low_layer_loads_nothing_above_it(package, absent):
    assert _loaded_after(f"import {package}", absent) == []


def test_importing_nets_loads_neither_pandas_nor_scipy():
    # every command imports nets (a --help too): pandas and scipy.special cost it ~0.5 s
    # of CPU, for tables and a loss only some of them build
    assert _loaded_after("import nets", ("pandas", "scipy", "sklearn")) == []


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


def test_listing_reports_imports_nothing_that_draws(tmp_path):
    # `report index` imported every report module (matplotlib, scikit-learn): 97 % of its
    # time; so did its error for a missing folder, before its one line
    import reports

    reports.Report("train", "A run", {"Score": 0.5}, name="a").write(tmp_path / "runs" / "a")
    (tmp_path / "runs" / "index.html").unlink()
    assert _loaded_after(_cli(["report", "index", tmp_path / "runs"]), HEAVY) == []
    assert "A run" in (tmp_path / "runs" / "index.html").read_text()
    assert _loaded_after(_cli(["report", "index", tmp_path / "missing"], code=2),
                         HEAVY + ("reports",)) == []


def test_study_show_imports_nothing_that_draws(spec_file, tmp_path, monkeypatch, capsys):
    # it imported every report module to find the study's report and see if it lags
    import reports
    import study

    monkeypatch.chdir(tmp_path)  # the report goes to runs/studies/shown
    db = str(tmp_path / "s.db")
    study.run_study(study.load_spec(spec_file("shown", n_trials=2)), storage=db, progress=False)
    reports.study_report("shown", storage=db)
    code, out, _ = run_cli(["study", "show", "shown", "--storage", db, "--json"], capsys)
    assert code == 0 and json.loads(out)["report_stale"] is False  # found, and read
    assert _loaded_after(_cli(["study", "show", "shown", "--storage", db]),
                         ("matplotlib", "sklearn"), cwd=tmp_path) == []


def test_train_without_a_report_imports_nothing_that_draws(tmp_path, capsys):
    # a re-run with --no-report into a folder with a report imported every report module,
    # to check the folder and remove the earlier report
    train = ["train", "--dataset", "xor", "--epochs", "2", "--out", tmp_path / "run"]
    assert run_cli(train, capsys)[0] == 0
    assert (tmp_path / "run" / "report.html").is_file()
    assert _loaded_after(_cli([*train, "--no-report"]), ("matplotlib", "sklearn", "scipy")) == []
    assert not (tmp_path / "run" / "report.html").exists()  # the earlier report went
    assert (tmp_path / "run" / "model.npz").is_file()


@pytest.mark.parametrize("command", ["train", "imbalance"])
def test_a_commands_help_imports_nothing_that_draws_or_fits(command):
    # the help lists registry names (optimizers, imbalance strategies) from modules of
    # numpy and the standard library: `train --help` cost 9x `hplab --help` (pandas, scipy),
    # `imbalance --help` imported scikit-learn and imbalanced-learn for the strategies
    assert _loaded_after(_cli([command, "--help"]), HEAVY) == []
