"""The checks of an output file that commands writing a CSV or a folder of results share
(``study export``, ``predict``, the analyses' ``--out``): never over the storage, its data
or spec, a saved model, another command's results.
"""

from __future__ import annotations

from pathlib import Path

import nets

from ._errors import StorageError
from ._folders import result_file
from ._storage_files import storage_kind


def _is_export_header(header: list[str]) -> bool:
    """Whether ``header`` has the shape of `export_csv`'s: ``number`` first, then only
    optuna's and hplab's columns (values, times, state, ``params_``, ``user_attrs_``,
    ``reason``). A user's ``number,street,price`` is not one (QA: it was replaced)."""
    fixed = {"value", "values", "datetime_start", "datetime_complete", "duration", "state",
             "pareto", "queued_point", "reason"}
    prefixes = ("value_", "values_", "params_", "user_attrs_", "system_attrs_")
    return header[:1] == ["number"] and all(
        c in fixed or c.startswith(prefixes) for c in header[1:])


def refuse_other_file(path, ours=_is_export_header, what: str = "a study export") -> None:
    """Replace an existing file only when it is an earlier output of the same kind (a CSV
    whose whole header ``ours`` takes: `_is_export_header` for a study export,
    `nets.is_prediction_header` for `hplab predict`'s) or empty: `--csv data.csv` wrote
    the trials over the study's own data file, and `--csv spec.toml` (or `predict --out
    spec.toml`) over its spec; a first column alone matched a user's ``number,street``.

    Parameters
    ----------
    path : str or path
    ours : callable
        ``ours(header)``: whether a header (a list of column names) is of that kind.
    what : str
        The kind, as the message names it.

    Raises
    ------
    StorageError
        ``path`` is another file.
    """
    import pandas as pd

    path = Path(path)
    if not path.is_file() or path.stat().st_size == 0:
        return
    try:  # compressed as its ending says, as the output would be written
        header = [str(c) for c in pd.read_csv(path, nrows=0).columns]
    except Exception:  # binary, unreadable, not a table: not an output of ours
        header = []
    if not ours(header):
        raise StorageError(f"{path} exists and is not {what}; write the CSV elsewhere (or "
                           "delete it first)")


def check_output_file(path, where=None, what: str = "the output") -> None:
    """Refuse to write a file over what a run cannot get back: a study storage (this
    study's, or any database or journal: a mistyped --csv wiped one), a saved model or a
    file of a training run's or a report's folder (`result_file`); and name a path that is
    empty, a folder or ends in a separator (a folder's path), before any work.

    Parameters
    ----------
    path : str or path
    where : StorageURL, optional
        The study's storage, refused as well.
    what : str
        How the message names the file.

    Raises
    ------
    StorageError
    """
    if not str(path).strip():
        raise StorageError(f"{what} needs a file path, got {str(path)!r}")
    try:  # newdir/ wrote a file named newdir
        nets.check_file_path(path, what)
    except ValueError as exc:
        raise StorageError(str(exc)) from None
    path = Path(path)
    if path.is_dir():
        raise StorageError(f"{path} is a folder; give a file path for {what}")
    if where is not None and where.path is not None and path.resolve() == where.path.resolve():
        raise StorageError(f"{path} is the study's storage; write {what} elsewhere")
    if path.is_file() and storage_kind(path):
        raise StorageError(f"{path} is a study storage (SQLite or journal); write {what} "
                           "elsewhere")
    # SQLite's side files hold committed trials until a checkpoint: they are the storage
    main, dash, side = path.name.rpartition("-")
    if dash and side in ("wal", "shm", "journal") and (path.parent / main).is_file() \
            and storage_kind(path.parent / main):
        raise StorageError(f"{path} is part of the study storage {path.parent / main}; "
                           f"write {what} elsewhere")
    if nets.is_model_file(path):
        raise StorageError(f"{path} is a saved hplab model; write {what} elsewhere")
    held = result_file(path)
    if held:  # a CSV over a run's report.html or config.json: the run lost it
        raise StorageError(f"{path} is a file of {held}; write {what} elsewhere")
