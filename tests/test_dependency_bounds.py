"""The dependency versions pyproject.toml promises: each lower bound is at least the release
that first has what hplab calls of it (a QA run on every lower bound found three too low:
hplab ran there, and went wrong), and tests/oldest-versions.txt, which `make test-oldest`
runs the suite on, pins those bounds."""

from __future__ import annotations

import os
import tomllib
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name
from packaging.version import Version

ROOT = Path(__file__).resolve().parents[1]


def lower_bounds() -> dict[str, Version]:
    """Each dependency's ``>=`` bound in pyproject.toml, by its canonical name."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))["project"]
    bounds = {}
    for line in project["dependencies"]:
        req = Requirement(line)
        (low,) = [Version(s.version) for s in req.specifier if s.operator == ">="]
        bounds[canonicalize_name(req.name)] = low
    return bounds


#: dependency -> (the first release with what hplab needs of it, what that is)
NEEDED = {
    # nets/_sklearn.py's balanced class weights: on 1.6 every `hplab imbalance` and every
    # class_weight trial of the imbalance study failed with "got an unexpected keyword
    # argument 'sample_weight'"
    "scikit-learn": ("1.7", "compute_class_weight(sample_weight=)"),
    # 0.13 does not import on scikit-learn 1.7 (sklearn.utils._tags._safe_tags is gone)
    "imbalanced-learn": ("0.14", "an import on scikit-learn 1.7"),
    # study/_storage_url.py's SQLite URLs escape '?' and '%' in the file's name: 2.0 left
    # them escaped, so `--storage 'q?x.db'` put the trials in q%3Fx.db, said it had, and
    # `study show` then found no study; '?mode=ro' was ignored, the file written to
    "sqlalchemy": ("2.1", "a URL's database part percent-decoded"),
    # requires-python admits 3.11, whose code objects 2.0 cannot rebuild: a Dask worker
    # unpickled no function by value ("code() argument 13 must be str, not int"), so
    # --backend dask failed, and so did a script's registered activation on Dask
    "cloudpickle": ("2.1", "Python 3.11's code pickled by value"),
}


@pytest.mark.parametrize("name", sorted(NEEDED))
def test_each_lower_bound_has_what_hplab_calls(name):
    first, what = NEEDED[name]
    assert lower_bounds()[name] >= Version(first), f"{name} < {first} lacks {what}"


def test_the_oldest_versions_the_suite_runs_on_are_pyprojects_lower_bounds():
    pinned = {}
    for line in (ROOT / "tests" / "oldest-versions.txt").read_text("utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            req = Requirement(line)
            (pin,) = [Version(s.version) for s in req.specifier if s.operator == "=="]
            pinned[canonicalize_name(req.name)] = pin
    assert pinned == lower_bounds()  # 1.7 is 1.7.0: what pip installs for either


def test_make_test_oldest_installs_the_pins_in_a_venv_of_its_own(tmp_path):
    import shutil
    import subprocess

    if shutil.which("make") is None:
        pytest.skip("needs make")
    for name in ("Makefile", "pyproject.toml", "tests/oldest-versions.txt"):
        (tmp_path / name).parent.mkdir(exist_ok=True)
        shutil.copy(ROOT / name, tmp_path / name)

    def make(*args):
        env = {k: v for k, v in os.environ.items()
               if k not in ("MAKEFLAGS", "MAKELEVEL", "MFLAGS")}  # not a sub-make of ours
        return subprocess.run(["make", *args], cwd=tmp_path, env=env, capture_output=True,
                              text=True, timeout=60)

    done = make("test-oldest", "OLDEST_PYTHON=no-such-python")
    assert done.returncode == 2 and done.stderr.splitlines()[0] == (
        "make test-oldest needs Python 3.11 and no-such-python is missing: name one with "
        "OLDEST_PYTHON=, e.g. make test-oldest OLDEST_PYTHON=/usr/bin/python3.11")
    planned = make("-n", "test-oldest", "OLDEST_PYTHON=python3.11").stdout
    assert "python3.11 -m venv .venv-oldest\n" in planned
    assert ".venv-oldest/bin/pip install -q -c tests/oldest-versions.txt -e '.[test]'\n" in (
        planned)
    assert ".venv-oldest/bin/python -m pytest" in planned
    assert ".venv-oldest/" in (ROOT / ".gitignore").read_text().splitlines()
