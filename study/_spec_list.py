"""The ready specs as `hplab study spec` lists them: each one's [study] fields, read
without validating the spec (the test suite validates every ready spec).

Validating a spec checks what its trials would take: the imbalance spec's pipeline
strategies import scikit-learn and imbalanced-learn (~3 s), for a listing of names.
"""

from __future__ import annotations

from pathlib import Path

import data

from ._spec_files import SPECS_DIR, find_spec, load_spec, read_spec_file, spec_names
from ._spec_study_table import study_default


def ready_specs() -> list[dict]:
    """A row for each ready spec, by name: its ``name``, ``dataset``, ``n_trials``,
    ``description`` and ``path``, as `load_spec` reads them (`listed_fields`)."""
    # not find_spec(name): a file ./xor in the working folder is no ready spec
    return [listed_fields(SPECS_DIR / f"{name}.toml") for name in spec_names()]


def listed_fields(path: Path) -> dict:
    """The listed fields of a valid spec file, read from its [study] table; a spec that
    leaves n_trials out (a grid's is its size) is loaded whole for it."""
    table = read_spec_file(path)["study"]
    n_trials = table["n_trials"] if "n_trials" in table else load_spec(path).n_trials
    return {"name": table.get("name", path.stem),
            "dataset": data.absolute_name(table["dataset"]), "n_trials": n_trials,
            "description": table.get("description", study_default("description")),
            "path": str(path)}


def ready_spec_text(name: str) -> tuple[Path, str]:
    """The file of ready spec ``name`` and its text (`hplab study spec NAME` prints it);
    ValueError naming the ready specs for any other name (a path is a file to open, not a
    ready spec).

    Parameters
    ----------
    name : str
        A ready spec's name (``"coin"``; `hplab study spec` lists them).
    """
    if name not in spec_names():
        raise ValueError(f"no ready spec {name!r}; ready specs are {', '.join(spec_names())}")
    path = find_spec(name)
    # UTF-8, as written: the locale's encoding (ASCII under LC_ALL=C PYTHONUTF8=0) refused
    # curve's "R²" (QA)
    return path, path.read_text(encoding="utf-8")
