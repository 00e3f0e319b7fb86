"""The dependency versions pyproject.toml promises: each lower bound is at least the release
that first has what hplab calls of it (a QA run on every lower bound found three too low:
hplab ran there, and went wrong)."""

from __future__ import annotations

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
}


@pytest.mark.parametrize("name", sorted(NEEDED))
def test_each_lower_bound_has_what_hplab_calls(name):
    first, what = NEEDED[name]
    assert lower_bounds()[name] >= Version(first), f"{name} < {first} lacks {what}"
