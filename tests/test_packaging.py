"""The distribution as a package user gets it: the wheel and the sdist built from the tree.

The wheel carries the packages, their templates and ready specs, and the licence; the sdist
is the whole source tree, so its test suite runs (its helpers and conftest included).
"""

import shutil
import subprocess
import sys
import tarfile
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("nets", "data", "study", "analyses", "reports")
UNTRACKED = shutil.ignore_patterns(".venv", "runs", "build", "dist", "*.egg-info",
                                   "__pycache__", ".pytest_cache", ".ruff_cache", ".git")


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """Build the sdist and the wheel from a copy of the tree (the build writes beside it)."""
    tmp = tmp_path_factory.mktemp("dist")
    src = tmp / "src"
    shutil.copytree(ROOT, src, ignore=UNTRACKED)
    out = tmp / "out"
    # the out folder read once: build_meta rewrites sys.argv
    code = ("import sys; from setuptools import build_meta as b; out = sys.argv[1]; "
            "b.build_sdist(out); b.build_wheel(out)")
    done = subprocess.run([sys.executable, "-c", code, str(out)], cwd=src,
                          capture_output=True, text=True)
    assert done.returncode == 0, done.stderr[-2000:]
    (sdist,), (wheel,) = out.glob("*.tar.gz"), out.glob("*.whl")
    return sdist, wheel, tmp


def test_wheel_carries_templates_specs_and_licence(built):
    _, wheel, _ = built
    names = set(zipfile.ZipFile(wheel).namelist())
    assert "hplab.py" in names
    # every file of the packages, by name: an installed hplab missing a module fails on
    # import (a checkout's editable install would never notice)
    assert not set(_package_files(ROOT)) - names
    assert {"study/specs/xor.toml", "study/specs/digits.toml"} <= names
    assert any(n.startswith("reports/templates/") and n.endswith(".html") for n in names)
    assert any(n.endswith(".dist-info/licenses/LICENSE") for n in names)
    assert not any(n.startswith(("tests/", "benchmarks/", "runs/")) for n in names)


@pytest.mark.slow
def test_sdist_is_the_whole_source_tree_and_its_suite_collects(built, request):
    sdist, _, tmp = built
    with tarfile.open(sdist) as tar:
        tar.extractall(tmp / "unpacked", filter="data")
    tree = next((tmp / "unpacked").iterdir())
    for path in ("LICENSE", "Makefile", ".ci/run", "benchmarks/README.md", "hplab.py",
                 "tests/conftest.py", "tests/cli_helpers.py", "tests/test_cli_train.py"):
        assert (tree / path).is_file(), path
    # the packages byte for byte: the suite below, run by the editable install's finder,
    # would fill a module missing here from the checkout
    assert _package_files(tree) == _package_files(ROOT)
    # the unpacked suite is the tree's, and collects every test this session did (by the
    # same command, python -m: the folder's own packages, not the installed ones); this
    # session's own collection stands in for a second one of the tree (~8 s)
    assert _python_files(tree / "tests") == _python_files(ROOT / "tests")
    ours = {item.nodeid for item in request.session.items}
    theirs = _collected(tree)
    assert len(theirs) > 1000 and ours <= theirs, sorted(ours - theirs)[:20]


def _package_files(root: Path) -> dict[str, bytes]:
    """Every file of the five packages under ``root`` (modules, specs, templates), by its
    path within ``root``; caches left out."""
    return {p.relative_to(root).as_posix(): p.read_bytes() for name in PACKAGES
            for p in sorted((root / name).rglob("*"))
            if p.is_file() and "__pycache__" not in p.parts and p.suffix != ".pyc"}


def _python_files(folder: Path) -> dict[str, bytes]:
    """Every Python file under ``folder``, by its path within it."""
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*.py"))}


def _collected(root: Path) -> set[str]:
    """The test ids ``pytest --collect-only`` lists in ``root``'s tests/.

    Without assertion rewriting: it cost half the collection (the test files, byte for byte
    this session's, were rewritten here already), and the ids are the same."""
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "--collect-only", "-q", "-p", "no:cacheprovider",
         "--assert=plain", "tests"], cwd=root, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    ids = {line for line in done.stdout.splitlines() if line.startswith("tests/")}
    assert f"{len(ids)} tests collected" in done.stdout, done.stdout[-500:]
    return ids
