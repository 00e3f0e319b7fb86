"""A spec's data file paths: made absolute, the stored study's kept where only they differ
(a copy's, a relative path read from another folder), the files a dataset name reads, and
what to do about a spec that differs from the stored one."""

from __future__ import annotations

import dataclasses
import json
import os

import data
import nets

from ._spec import StudySpec
from ._spec_diff import first_difference
from ._spec_files import SPECS_DIR, read_spec_file


def _paths(name: str) -> list:
    """The files and folders a dataset name reads ([] where it cannot say)."""
    try:
        return list(data.source_paths(name))
    except data.DataError:
        return []


def with_stored_path(stored: StudySpec, spec: StudySpec) -> StudySpec:
    """``spec`` reading the ``stored`` spec's data file where only that file's path differs
    (its relative path read from another folder, a copy's): a run given ``--data`` reads
    the copy, whatever path its spec names, and is otherwise the stored study's spec."""
    if spec.dataset != stored.dataset and _path_only_differs(stored.dataset, spec.dataset):
        return absolute_data(spec, stored.dataset)
    return spec


def absolute_data(spec: StudySpec, name: str | None = None) -> StudySpec:
    """``spec`` with its data file's path absolute (as `load_spec` makes a file's): a
    parse_spec'd dict's csv:d.csv was read by pool workers from the folder they started
    in, not the caller's after a chdir. ``name``: another dataset to read instead (a
    worker's --data)."""
    name = data.absolute_name(spec.dataset if name is None else name)
    if name == spec.dataset:
        return spec
    raw = json.loads(json.dumps(spec.raw))
    raw["study"]["dataset"] = name
    # the other fields as they are: a field edited past its table (dataclasses.replace)
    # is still refused by `create_or_resume`, not silently read back from the table
    return dataclasses.replace(spec, dataset=name, raw=raw)


def new_spec_hint(stored: StudySpec, spec: StudySpec) -> str:
    """What to do about a spec that differs from the stored one: change study.name, or,
    where only its data file's path differs (a copy on another machine, ~ made absolute
    there), join the study with that copy."""
    same_but_path = dataclasses.replace(spec, dataset=stored.dataset)
    if (_path_only_differs(stored.dataset, spec.dataset)
            and first_difference(stored, same_but_path) is None):
        flag = ([f"--study={spec.name}"] if spec.name.startswith("-")  # argparse: a flag
                else ["--study", spec.name])
        join = (f"`hplab study worker {nets.shell_line(flag)} --data "
                f"{nets.shell_word(spec.dataset)}` and the same --storage" if nets.in_command()
                else f"`study.join_study({spec.name!r}, dataset={spec.dataset!r})` and the "
                "same storage")  # a notebook's spec: no flags to translate
        return (f"the study reads {read_from(stored.dataset)}: if this spec's file is a copy "
                f"of it, join the study with {join}; else {new_name_words(spec)} to start a "
                "new one")
    return f"{new_name_words(spec)} to start a new one"


def new_name_words(spec: StudySpec) -> str:
    """How ``spec`` takes another study's name: "change study.name", or, where its file
    names none (the file's name gives it), "set study.name (or rename the file)" (QA:
    "change study.name" of a file without one)."""
    if spec.path is None or os.path.dirname(os.path.abspath(spec.path)) == str(SPECS_DIR):
        return "change study.name"  # a ready spec's too: its copy is the file to edit
    try:
        table = read_spec_file(spec.path).get("study")
    except (OSError, ValueError):  # gone since it was read: its words as they were
        return "change study.name"
    named = not isinstance(table, dict) or "name" in table
    return "change study.name" if named else "set study.name (or rename the file)"


def read_from(name: str) -> str:
    """The files a dataset name reads (its name, for one that reads none)."""
    return ", ".join(map(str, _paths(name))) or name


def _path_only_differs(stored: str, given: str) -> bool:
    """Whether two dataset names differ only in the file paths they read."""
    kind = stored.partition(":")[0]
    return (kind in ("csv", "npz", "idx") and given.partition(":")[0] == kind
            and data.canonical_name(stored).partition("?")[2]
            == data.canonical_name(given).partition("?")[2])
