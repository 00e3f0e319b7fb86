"""The distribution as a package user gets it: the wheel and the sdist built from the tree.

The wheel carries the packages, their templates and ready specs, and the licence; the sdist
is the whole source tree, so its test suite runs (its helpers and conftest included).
"""

import os
import re
import shutil
import subprocess
import sys
import tarfile
import zipfile
from pathlib import Path

import pytest
from packaging.version import Version

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("nets", "data", "study", "analyses", "reports")
# PKG-INFO: an unpacked sdist's (the suite run from it, as README says it can be), which
# setuptools-scm reads the version from where there is no git: a copy of the tree must not
UNTRACKED = shutil.ignore_patterns(".venv", ".venv-oldest", "runs", "build", "dist",
                                   "*.egg-info", "__pycache__", ".pytest_cache", ".ruff_cache",
                                   ".git", "PKG-INFO")


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """Build the sdist and the wheel from a copy of the tree (the build writes beside it)."""
    tmp = tmp_path_factory.mktemp("dist")
    src = tmp / "src"
    shutil.copytree(ROOT, src, ignore=UNTRACKED)
    # a user's own folders in their clone, named like the packages (QA: the wheel and the
    # sdist took them in as top-level packages, "datasets" clashing with Hugging Face's)
    for folder in ("datasets", "reports_old"):
        (src / folder).mkdir()
        (src / folder / "__init__.py").write_text("")
        (src / folder / "prep.py").write_text("print('mine')\n")
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
    # PEP 561's marker (setuptools >= 69 ships it unasked): without it a user's mypy skips
    # hplab ("missing library stubs or py.typed marker") and pyright reads it as untyped
    assert {f"{name}/py.typed" for name in PACKAGES} <= names
    assert any(n.startswith("reports/templates/") and n.endswith(".html") for n in names)
    assert any(n.endswith(".dist-info/licenses/LICENSE") for n in names)
    assert not any(n.startswith(("tests/", "benchmarks/", "runs/")) for n in names)
    tops = {n.split("/")[0] for n in names if not n.split("/")[0].endswith(".dist-info")}
    assert tops == {*PACKAGES, "hplab.py"}  # a user's datasets/ or reports_old/ is theirs


@pytest.mark.slow
def test_a_module_in_place_of_a_package_is_named_in_one_line(built, tmp_path):
    # QA: the five packages are top-level with generic names (data, reports...): a user's
    # data.py where `python -m hplab` runs, a data/ package on PYTHONPATH, or another
    # distribution's data/__init__.py installed over hplab's broke every command with
    # "AttributeError: module 'data' has no attribute 'list_datasets'" and a traceback
    _, wheel, _ = built
    site = tmp_path / "site"
    zipfile.ZipFile(wheel).extractall(site)  # as pip installs it, its RECORD included
    work, mine = tmp_path / "work", tmp_path / "proj"
    work.mkdir()
    (mine / "data").mkdir(parents=True)
    (mine / "data" / "__init__.py").write_text('"""my project\'s data helpers"""\n')
    fix = ("rename it, or run hplab where it is not on Python's path (the current folder, "
           "under python -m; PYTHONPATH)")

    def hplab(*args, path=(site,)):
        env = {**os.environ, "PYTHONPATH": os.pathsep.join(map(str, path))}
        return subprocess.run([sys.executable, "-m", "hplab", *args], cwd=work, env=env,
                              capture_output=True, text=True, timeout=120)

    def refused(*args, path=(site,)):
        done = hplab(*args, path=path)
        assert (done.returncode, done.stdout) == (2, ""), done.stderr[-2000:]
        return done.stderr

    assert "xor" in hplab("data", "list").stdout
    (work / "data.py").write_text("x = 1\n")
    assert refused("data", "list") == (f"hplab: error: {work / 'data.py'} shadows hplab's "
                                       f"package data: {fix}\n")
    (work / "data.py").unlink()
    assert refused("train", "--dataset", "xor", "--epochs", "2", path=(mine, site)) == (
        f"hplab: error: {mine / 'data'} shadows hplab's package data: {fix}\n")
    own = site / "data" / "__init__.py"
    kept = own.read_bytes()
    own.write_text('"""another project\'s data package"""\n')
    assert refused("data", "list") == (
        f"hplab: error: {own} is not hplab's: another distribution installed a package "
        "named data over it; uninstall that one, then pip install --force-reinstall hplab\n")
    # --version imports nets only where it is hplab's own (else the metadata answers):
    # nothing in the packages' way stops it, nor
    # argparse's abbreviation of it (--vers was stopped)
    for flag in ("--version", "--vers"):
        done = hplab(flag)
        assert (done.returncode, done.stderr) == (0, ""), done.stderr[-2000:]
        assert done.stdout.startswith("hplab ")
    own.write_bytes(kept)
    # QA: pip install --target DIR --upgrade (a downgrade) leaves the other version's
    # dist-info beside the installed one; its RECORD, first in directory order, called
    # hplab's own data/__init__.py another distribution's and stopped every command
    (installed,) = site.glob("hplab-*.dist-info")
    stale = site / "hplab-0.0.1.dist-info"
    shutil.copytree(installed, stale)
    record = stale / "RECORD"
    record.write_text(re.sub(r"^data/__init__.py,sha256=[^,]*,",
                             "data/__init__.py,sha256=AnOtherVersionsHash,",
                             record.read_text(), flags=re.M))
    shutil.move(installed, tmp_path / "moved")  # listed after the stale one, as pip left it
    shutil.move(tmp_path / "moved", installed)
    assert "xor" in hplab("data", "list").stdout
    own.write_text('"""another project\'s data package"""\n')
    assert refused("data", "list").startswith(f"hplab: error: {own} is not hplab's")
    shutil.rmtree(stale)
    own.unlink()  # that distribution uninstalled: data/ is left a namespace package
    assert refused("data", "list") == (
        f"hplab: error: hplab's {own} is missing (an uninstall of another distribution's "
        "data package removes it): pip install --force-reinstall hplab\n")
    own.write_bytes(kept)
    assert "xor" in hplab("data", "list").stdout


def test_a_plain_folder_in_place_of_a_package_is_named_not_hplabs(tmp_path):
    # QA: under an editable install (pip install -e, make), a project's data/ folder of
    # CSVs, with no __init__.py, is found before hplab's finder: it was reported as
    # "hplab's data/__init__.py is missing ...: pip install --force-reinstall hplab", which
    # named hplab's file (there all along) and a fix that changes nothing
    mine = tmp_path / "proj"
    (mine / "data").mkdir(parents=True)
    (mine / "data" / "fr.csv").write_text("a,label\n1,x\n")
    (mine / "nets").mkdir()
    finder = f"""
import importlib.machinery, sys
class Editable:  # as an editable install maps the packages: after the path's entries
    @staticmethod
    def find_spec(name, path=None, target=None):
        if name in {(*PACKAGES, "hplab")!r} and path is None:
            return importlib.machinery.PathFinder.find_spec(name, [{str(ROOT)!r}])
sys.meta_path[:] = [f for f in sys.meta_path if "editable" not in str(f)] + [Editable]
sys.path[:] = [p for p in sys.path[1:] if p != {str(ROOT)!r}]
sys.path.insert(0, {str(mine)!r})
import hplab
sys.exit(hplab.main(["data", "list"]))
"""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    done = subprocess.run([sys.executable, "-c", finder], cwd=tmp_path, env=env,
                          capture_output=True, text=True, timeout=120)
    assert (done.returncode, done.stdout) == (2, ""), done.stderr[-2000:]
    assert done.stderr == (
        f"hplab: error: {mine / 'nets'} (a folder) shadows hplab's package nets: rename it, "
        "or run hplab where it is not on Python's path (the current folder, under python "
        "-m; PYTHONPATH)\n")
    (mine / "nets").rmdir()
    done = subprocess.run([sys.executable, "-c", finder], cwd=tmp_path, env=env,
                          capture_output=True, text=True, timeout=120)
    assert done.stderr.startswith(f"hplab: error: {mine / 'data'} (a folder) shadows "), \
        done.stderr[-2000:]
    (mine / "data" / "fr.csv").unlink()
    (mine / "data").rmdir()
    done = subprocess.run([sys.executable, "-c", finder], cwd=tmp_path, env=env,
                          capture_output=True, text=True, timeout=120)
    assert (done.returncode, "xor" in done.stdout) == (0, True), done.stderr[-2000:]


@pytest.mark.slow
def test_the_version_names_its_commit(built, tmp_path):
    # QA: the version was 0.1.0 for every commit, so pip kept an install of another
    # commit's code ("Requirement already satisfied", for a git URL or a wheel alike), and
    # every report's provenance said 0.1.0 whatever code made it
    if shutil.which("git") is None:
        pytest.skip("needs git")
    src = tmp_path / "src"
    shutil.copytree(ROOT, src, ignore=UNTRACKED)
    git = ["git", "-C", str(src), "-c", "user.name=hplab", "-c", "user.email=hplab@localhost"]

    def commit(message):
        for args in (["add", "-A"], ["commit", "-q", "-m", message]):
            subprocess.run([*git, *args], check=True, capture_output=True)
        return subprocess.run([*git, "rev-parse", "HEAD"], check=True, capture_output=True,
                              text=True).stdout.strip()

    subprocess.run([*git, "init", "-q"], check=True)
    first = (commit("one"), _version_built(src))
    (src / "hplab.py").write_text((src / "hplab.py").read_text("utf-8") + "# another\n")
    second = (commit("two"), _version_built(src))
    for head, version in (first, second):
        assert re.fullmatch(r"0\.1\.\d+\.dev\d+\+g[0-9a-f]{7,}", version), version
        assert head.startswith(version.partition("+g")[2])
    assert Version(second[1]) > Version(first[1])  # pip replaces the first by the second
    # an sdist keeps its commit's version (it has no git metadata), a tree without any
    # (a copy, an archive) is the fallback
    out = tmp_path / "sdist"
    code = "import sys; from setuptools import build_meta as b; b.build_sdist(sys.argv[1])"
    subprocess.run([sys.executable, "-c", code, str(out)], cwd=src, check=True,
                   capture_output=True)
    with tarfile.open(next(out.glob("*.tar.gz"))) as tar:
        tar.extractall(tmp_path / "unpacked", filter="data")
    assert _version_built(next((tmp_path / "unpacked").iterdir())) == second[1]
    assert built[1].name == "hplab-0.1.0-py3-none-any.whl"


def _version_built(src: Path) -> str:
    """The version a wheel built from ``src`` would have (its metadata only)."""
    out = src.parent / "metadata"
    shutil.rmtree(out, ignore_errors=True)
    out.mkdir()
    code = ("import sys; from setuptools import build_meta as b; "
            "b.prepare_metadata_for_build_wheel(sys.argv[1])")
    done = subprocess.run([sys.executable, "-c", code, str(out)], cwd=src,
                          capture_output=True, text=True)
    assert done.returncode == 0, done.stderr[-2000:]
    (metadata,) = out.glob("*.dist-info/METADATA")
    return next(line.partition(": ")[2] for line in metadata.read_text("utf-8").splitlines()
                if line.startswith("Version: "))

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


def _sources(root: Path = ROOT) -> list[Path]:
    """The tree's Python files: not those of runs, builds, git, or of any virtualenv in it
    (a folder holding pyvenv.cfg: QA's venv of the lowest versions, a developer's venv/,
    failed three tests on its libraries' files and took ten times as long)."""
    found = []
    for folder, subfolders, files in os.walk(root):
        subfolders[:] = sorted(
            name for name in subfolders
            if name not in {".venv", "runs", "build", "dist", ".git"}
            and not (Path(folder, name) / "pyvenv.cfg").exists())
        found += [Path(folder, name) for name in sorted(files) if name.endswith(".py")]
    return found


def test_the_sources_are_the_trees_not_its_virtualenvs(tmp_path):
    for name in ("nets/_a.py", "tests/test_b.py", "venv/lib/site-packages/c.py",
                 ".venv-oldest/lib/d.py", "runs/e.py", "env/f.py"):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text("")
    for venv in ("venv", ".venv-oldest"):
        (tmp_path / venv / "pyvenv.cfg").write_text("home = /usr/bin\n")
    assert [str(p.relative_to(tmp_path)) for p in _sources(tmp_path)] == [
        "env/f.py", "nets/_a.py", "tests/test_b.py"]
    assert ROOT / "hplab.py" in _sources() and ROOT / "tests" / "conftest.py" in _sources()


@pytest.mark.slow
def test_no_docstring_holds_a_lone_surrogate():
    # QA: a docstring's "\udcff" (one backslash) was a lone surrogate, which Python 3.13's
    # compiler refuses (it encodes docstrings as strict UTF-8 to dedent them): `import
    # nets` failed there, so every command. Other strings may hold one (tests do)
    import ast

    def docstrings(tree):
        for node in ast.walk(tree):
            if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef,
                                 ast.AsyncFunctionDef)) and ast.get_docstring(node, False):
                yield node, ast.get_docstring(node, False)

    found = [f"{p.relative_to(ROOT)}: {getattr(node, 'name', 'module')}"
             for p in _sources() for node, doc in docstrings(ast.parse(p.read_text("utf-8")))
             if any(0xD800 <= ord(c) <= 0xDFFF for c in doc)]
    assert found == []


def _python(version: str) -> str | None:
    """An interpreter of ``version`` on this machine (on PATH, or pyenv's), if any."""
    import glob
    import os

    root = os.environ.get("PYENV_ROOT", os.path.expanduser("~/.pyenv"))
    for python in (shutil.which(f"python{version}"),
                   *sorted(glob.glob(f"{root}/versions/{version}.*/bin/python{version}"))):
        if python and subprocess.run([python, "--version"], capture_output=True).returncode == 0:
            return python
    return None


@pytest.mark.parametrize("version", ["3.12", "3.13", "3.14"])
def test_every_module_compiles_on_the_later_pythons_it_admits(version):
    # requires-python >= 3.11 admits them; the suite runs on one (3.11 here), and a module
    # 3.13 would not compile went unseen (its whole import failed, so every command)
    python = _python(version)
    if python is None:
        pytest.skip(f"no Python {version} on this machine")
    code = ("import sys\nfor path in sys.argv[1:]:\n"
            "    with open(path, encoding='utf-8') as f:\n"
            "        compile(f.read(), path, 'exec')\n")
    done = subprocess.run([python, "-W", "error", "-c", code, *map(str, _sources())],
                          capture_output=True, text=True)
    assert done.returncode == 0, done.stderr[-2000:]


def test_every_install_hint_quotes_its_extra():
    # QA: `pip install hplab[onnx]` (the export-onnx error and --help, every train report's
    # "Use this model", the postgres storage's error) fails in zsh ("no matches found"),
    # and in bash once a file in the folder matches the glob; cmaes', gp's and dask's were
    # quoted
    import re

    bare = re.compile(r"pip install (?:-e )?(?!['\"])\S*\[")
    found = [f"{p.relative_to(ROOT)}:{n}: {line.strip()}"
             for p in [*_sources(), ROOT / "README.md"] if p.parent.name != "tests"
             for n, line in enumerate(p.read_text("utf-8").splitlines(), 1)
             if bare.search(line)]
    assert found == []


def test_the_wheels_texts_send_no_one_to_files_it_lacks(built):
    # QA: the long description (PyPI's page, the installed METADATA) linked
    # benchmarks/README.md relatively, and the ready specs that `hplab study spec coin`
    # writes out cited benchmarks/ files: none of them is in the wheel
    import re

    _, wheel, _ = built
    with zipfile.ZipFile(wheel) as whl:
        texts = {name: whl.read(name).decode("utf-8") for name in whl.namelist()
                 if name.endswith((".dist-info/METADATA", ".toml"))}
    (metadata,) = (text for name, text in texts.items() if name.endswith("METADATA"))
    links = re.findall(r"\]\(([^)]*)\)", metadata)
    assert links and [link for link in links if not link.startswith(("#", "https://"))] == []
    specs = [name for name in texts if name.startswith("study/specs/")]
    assert len(specs) >= 7
    for name in specs:  # each comment (its lines joined) that cites benchmarks/ says where
        for comment in re.findall(r"(?:^#.*\n)+", texts[name], re.MULTILINE):
            if "benchmarks/" in comment:
                assert "source distribution" in comment, (name, comment)


def test_every_library_the_packages_import_is_declared():
    # QA: scipy (nets, analyses) and sqlalchemy (study, reports) were imported directly but
    # not declared: they came through scikit-learn and optuna, at whatever version those
    # allowed (scipy.stats.bootstrap's rng= needs SciPy 1.15; scikit-learn asks for 1.6)
    import ast
    import importlib.metadata
    import re
    import tomllib

    project = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))["project"]
    # each extra's first requirement is the library it is for (gp's: torch; its scipy came
    # with it, a library the packages' code needs, not its)
    extras = [reqs[0] for name, reqs in project["optional-dependencies"].items()
              if name != "test"]

    def names(requirements):  # "dask[distributed]>=2024.1": dask and its extra's distributed
        found = set()
        for requirement in requirements:
            name, _, extra = re.match(r"([\w.-]+)(\[([\w,-]+)\])?", requirement).groups()
            found |= {name, *(extra.split(",") if extra else ())}
        return {re.sub(r"[-_.]+", "-", name).lower() for name in found}

    declared, optional = names(project["dependencies"]), names(extras)
    # imported where its ImportError is caught: pandas' own reader of .zst files
    optional.add("zstandard")
    sources = [ROOT / "hplab.py", *(p for name in PACKAGES for p in (ROOT / name).rglob("*.py"))]
    imported = set()
    for path in sources:
        for node in ast.walk(ast.parse(path.read_text("utf-8"))):
            if isinstance(node, ast.Import):
                imported |= {alias.name.partition(".")[0] for alias in node.names}
            elif isinstance(node, ast.ImportFrom) and node.level == 0:
                imported.add(node.module.partition(".")[0])
    imported -= {*sys.stdlib_module_names, *PACKAGES, "hplab"}
    distributions = importlib.metadata.packages_distributions()
    undeclared = {module: dists for module in imported
                  if (dists := names(distributions.get(module, [module])))
                  and not dists & (declared | optional)}
    assert imported >= {"numpy", "scipy", "sqlalchemy", "optuna"}
    assert undeclared == {}


def test_make_refuses_an_old_python_and_remakes_an_old_venv(tmp_path):
    # QA: `make demo` with a python3 older than 3.11 left a .venv that pip refused to
    # install hplab into, and `make demo PYTHON=python3.11` then never made it again (its
    # bin/python existed): the same pip error each time, no word of PYTHON= or make clean
    old, new = _python("3.10"), _python("3.11")
    if old is None or new is None or shutil.which("make") is None:
        pytest.skip("needs make, Python 3.10 and Python 3.11")
    for name in ("Makefile", "pyproject.toml"):
        shutil.copy(ROOT / name, tmp_path)

    # as run from a shell: under `make test`, make's variables would make it a sub-make
    env = {k: v for k, v in os.environ.items() if k not in ("MAKEFLAGS", "MAKELEVEL", "MFLAGS")}

    def make(*args):
        return subprocess.run(["make", *args], cwd=tmp_path, env=env, capture_output=True,
                              text=True, timeout=60)

    version = subprocess.run([old, "-V"], capture_output=True, text=True).stdout.strip()
    done = make("demo", f"PYTHON={old}")
    assert done.returncode == 2 and not (tmp_path / ".venv").exists()
    assert done.stderr.splitlines()[0] == (
        f"hplab needs Python >= 3.11 and {old} is {version}: name one with PYTHON=, e.g. "
        "make demo PYTHON=python3.11")
    # the .venv an older Makefile left; -n: what make would run, with no download
    subprocess.run([old, "-m", "venv", "--without-pip", tmp_path / ".venv"], check=True)
    planned = make("-n", "demo", f"PYTHON={new}").stdout.splitlines()
    assert ["rm -rf .venv", f"{new} -m venv .venv"] == [
        line for line in planned if line.startswith(("rm ", f"{new} -m venv"))]
    shutil.rmtree(tmp_path / ".venv")  # one of a new enough Python stays
    subprocess.run([new, "-m", "venv", "--without-pip", tmp_path / ".venv"], check=True)
    assert make("-n", ".venv/bin/python", f"PYTHON={old}").stdout == (
        "make: '.venv/bin/python' is up to date.\n")


def test_make_clean_leaves_no_build_folder_for_the_next_wheel(tmp_path):
    # QA: `pip wheel --no-deps .` twice in a clone, a module deleted between: setuptools
    # reused build/lib, and the second wheel still held the deleted module
    if shutil.which("make") is None:
        pytest.skip("needs make")
    shutil.copy(ROOT / "Makefile", tmp_path)
    for left in ("build/lib/reports/_gone.py", "dist/hplab-0.whl",
                 "hplab.egg-info/PKG-INFO", "runs/hplab.db"):
        (tmp_path / left).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / left).write_text("")
    subprocess.run(["make", "-s", "clean"], cwd=tmp_path, check=True, capture_output=True)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["Makefile"]
