"""The import rule of the layout: imports point one way, and the low layers stay light.

nets and data import none of the others; study and analyses import nets and data (and
study, one way, the imbalance pipelines of analyses); reports may import them all;
only hplab.py imports reports. nets imports neither optuna nor matplotlib, and the
analyses never plot.
"""

import ast
import os
import subprocess
import sys
from pathlib import Path

import pytest

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
