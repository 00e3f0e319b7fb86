"""What a user's type checker reads of hplab: the packages ship PEP 561's ``py.typed``, and
the README's Python examples type-check, as a user who runs mypy on their scripts gets them.

QA: every package was untyped to mypy ("Skipping analyzing "nets": module is installed,
but missing library stubs or py.typed marker"); with the marker, the names the packages
import on first use (``__getattr__``) and the analyses behind their decorators were
``Any``, and the README's scoring of a saved model failed to type-check.
"""

import ast
import importlib
import os
import re
import shutil
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("nets", "data", "study", "analyses", "reports")
BLOCKS = re.findall(r"```python\n(.*?)```", (ROOT / "README.md").read_text("utf-8"), re.S)
#: a user's settings: their own scripts' errors only (follow_imports=silent), with the
#: strict options that concern what they import (hplab's re-exports, its calls'
#: annotations); the other libraries the examples import ship no types of their own
CONFIG = """\
[mypy]
follow_imports = silent
no_implicit_reexport = True
disallow_untyped_calls = True
warn_return_any = True
[mypy-sklearn.*,pandas.*,imblearn.*]
ignore_missing_imports = True
"""


@pytest.fixture(scope="module")
def mypy(tmp_path_factory):
    """Run mypy, as a user would, on scripts in a folder of their own, with hplab's
    packages installed (copied into a folder on ``sys.path``: neither the current folder
    nor a source folder, which mypy reads whether or not they are typed)."""
    from mypy import api, modulefinder

    tmp = tmp_path_factory.mktemp("typed")
    site = tmp / "site"
    for name in PACKAGES:
        shutil.copytree(ROOT / name, site / name,
                        ignore=shutil.ignore_patterns("__pycache__"))
    (tmp / "mypy.ini").write_text(CONFIG)

    def run(scripts: dict[str, str]) -> str:
        for name, text in scripts.items():
            (tmp / name).write_text(text)
        # for mypy's run only: a test's fixtures imported the copies while it lasted
        with pytest.MonkeyPatch.context() as patch:
            # not the checkout, whose packages mypy would read as the scripts' own source
            patch.chdir(tmp)
            # mypy reads this process's sys.path (less its first entry) as the installed
            # packages, once (cached) per process
            patch.setattr(sys, "path", [sys.path[0], str(site), *sys.path[1:]])
            modulefinder.get_search_dirs.cache_clear()
            out, err, _ = api.run(["--config-file", str(tmp / "mypy.ini"), "--cache-dir",
                                   str(tmp / "cache"), *(str(tmp / name) for name in scripts)])
        modulefinder.get_search_dirs.cache_clear()
        return (out + err).replace(f"{tmp}{os.sep}", "")

    return run


@pytest.mark.slow
def test_the_readmes_python_examples_type_check(mypy):
    assert len(BLOCKS) == 8
    said = mypy({f"readme_{i}.py": block for i, block in enumerate(BLOCKS)})
    assert said == f"Success: no issues found in {len(BLOCKS)} source files\n", said


@pytest.mark.slow
def test_a_wrong_call_into_each_package_is_reported(mypy):
    # hplab read, not Any: each wrong use below passed unseen where the packages were
    # untyped, or their lazy names and decorated analyses were
    script = """\
import analyses
import data
import nets
import reports
import study

X = [[0.0], [1.0]]
nets.NetClassifier(hidden=(4,)).fit(X, [0, 1]).predict_proba(X).no_such_attribute
analyses.lr_range_test("coin", seeds="2")
analyses.capacity_sweep("coin", workers="2")
data.load("coin", seed="0")
study.open_study("coin")[0].no_such_attribute
reports.study_report("coin").no_such_attribute
"""
    said = mypy({"wrong.py": script})
    reported = re.findall(r"^wrong\.py:(\d+): error", said, re.M)
    assert sorted(map(int, reported)) == [8, 9, 10, 11, 12, 13], said


@pytest.mark.parametrize("package", ["nets", "analyses", "reports"])
def test_the_names_imported_on_first_use_are_the_ones_type_checkers_see(package):
    # each package's _type_names (imported for type checkers only) against the table its
    # __getattr__ imports from: a name added to one alone is Any to a user's mypy, or
    # seen by it and missing at run time
    module = importlib.import_module(package)
    tree = ast.parse((ROOT / package / "_type_names.py").read_text("utf-8"))
    seen = {alias.asname: (node.module or "", node.level, alias.name)
            for node in tree.body if isinstance(node, ast.ImportFrom)
            for alias in node.names if alias.asname}
    for node in tree.body:  # a name the package gives another: NAME = _module.ITS_NAME
        if isinstance(node, ast.Assign):
            (target,) = node.targets
            seen[target.id] = (node.value.value.id, 1, node.value.attr)
    if package == "nets":
        lazy = {name: where for where, names in module._LAZY.items() for name in names}
    else:
        lazy = dict(module._LAZY)
    renamed = getattr(module, "_RENAMED", {})
    expected = {name: (where, 1, renamed.get(name, name)) for name, where in lazy.items()}
    if package == "reports":  # the module itself, imported as a name
        expected["design"] = ("", 1, "design")
    for name in getattr(module, "_FROM_NETS", ()):
        expected[name] = ("nets", 0, name)
    assert seen == expected
    for name in seen:  # and each is what the package gives at run time
        assert getattr(importlib.import_module(f"{package}._type_names"), name) is \
            getattr(module, name)


# -- found with pyright (VS Code's Pylance), checked by hand: a README-following script's
# errors that were hplab's annotations, each guarded here without pyright (CI has no npm)

@pytest.mark.slow
def test_a_study_by_name_and_a_storage_as_a_path_type_check(mypy):
    # run_study took a ready spec's name as its docs say, yet was typed StudySpec alone;
    # every storage takes a Path (resolve_storage's "a notebook's Path") but was typed str
    script = """\
from pathlib import Path

import reports
import study

db = Path("runs/hplab.db")
study.run_study("coin", storage=db)
study.run_study(Path("my-spec.toml"), storage=db)
study.join_study("coin", storage=db)
study.enqueue_points("coin", [{"lr": 0.5}], storage=db)
study.open_study("coin", db)
study.open_study_storage("coin", db)
study.show_study("coin", db)
study.list_studies(db)
study.export_csv("coin", "coin.csv", db)
study.export_study("coin", "coin.csv", db)
study.unstored_summary("coin", db)
study.spec_to_run("coin", db)
reports.study_report("coin", storage=db)
reports.study_cells_lines("coin", db)
"""
    said = mypy({"paths.py": script})
    assert said == "Success: no issues found in 1 source file\n", said


@pytest.mark.slow
def test_the_estimators_parameters_and_fitted_attributes_have_types(mypy):
    # stored by setattr (scikit-learn's __init__ convention, and its validate_data's
    # n_features_in_): pyright said `clf.lr` was no attribute, and classes_ a union of
    # scikit-learn's inferred tuples (`clf.classes_.tolist()` an error); mypy read Any
    script = """\
import nets

clf = nets.NetClassifier(hidden=(4,)).fit([[0.0], [1.0]], [0, 1])
reveal_type(clf.lr)
reveal_type(clf.class_weight)
reveal_type(clf.classes_)
reveal_type(clf.n_features_in_)
reveal_type(nets.NetRegressor().fit([[0.0], [1.0]], [0.0, 1.0]).batch_norm)
"""
    said = mypy({"attrs.py": script})
    # (mypy 2 leaves builtins' and numpy's module names off, 1.x writes them out)
    revealed = [re.sub(r"\b(builtins|numpy)\.", "", t)
                for t in re.findall(r'Revealed type is "(.*)"', said)]
    assert [t.split("[")[0] for t in revealed] == [
        "float", "str | dict", "ndarray", "int", "bool"], said
    assert revealed[1].endswith("| None"), said


@pytest.mark.parametrize("name", ["NetClassifier", "NetRegressor"])
def test_every_attribute_an_estimator_sets_is_declared(name):
    # type checkers see only what a class declares or its methods assign to self: each
    # __init__ parameter (stored by setattr) and each attribute a fit sets, scikit-learn's
    # n_features_in_ and feature_names_in_ included, is declared on the class
    import numpy as np
    import pandas as pd

    import nets

    cls = getattr(nets, name)
    declared = {n for klass in cls.__mro__ for n in vars(klass).get("__annotations__", {})}
    X = pd.DataFrame(np.random.default_rng(0).normal(size=(20, 2)), columns=["a", "b"])
    with pytest.warns(Warning):  # max_epochs=2: reached before the loss stopped improving
        fitted = cls(hidden=(3,), max_epochs=2, random_state=0).fit(X, np.arange(20) % 2)
    assert "feature_names_in_" in vars(fitted) and "net_" in vars(fitted)
    assert set(vars(fitted)) - declared == set()


@pytest.mark.parametrize("package", PACKAGES)
def test_each_packages_all_is_a_list_of_names_a_type_checker_reads(package):
    # pyright reads __all__ only as string literals (its "Operation on __all__ is not
    # supported" for nets', analyses' and reports' lists built from their tables): its
    # `from nets import *` then took importlib and typing, which Python's does not
    tree = ast.parse((ROOT / package / "__init__.py").read_text("utf-8"))
    (value,) = [node.value for node in tree.body if isinstance(node, ast.Assign)
                and [t.id for t in node.targets if isinstance(t, ast.Name)] == ["__all__"]]
    assert isinstance(value, ast.List)
    names = [item.value for item in value.elts
             if isinstance(item, ast.Constant) and isinstance(item.value, str)]
    assert len(names) == len(value.elts), ast.unparse(value)
    module = importlib.import_module(package)
    assert names == module.__all__ and len(set(names)) == len(names)
    # ... and it names every table's name, each imported on first use
    lazy = getattr(module, "_LAZY", {})
    lazy = [n for ns in lazy.values() for n in ns] if package == "nets" else list(lazy)
    assert set(lazy) | set(getattr(module, "_FROM_NETS", ())) <= set(names)
