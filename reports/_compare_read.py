"""Reading one training run for ``hplab report compare``: its folder (named by itself, a
file in it, or a study report's folder), its record (``config.json``) and its history
(``history.csv``), each refused in one line where it is no run's."""

from __future__ import annotations

import os
import warnings
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

import data
import nets

from ._compare_old import as_written_today
from ._report_info import read_report_info

#: The files of a run's folder that name it (its model file may be renamed: any .npz).
_RUN_FILES = (".npz", ".json", ".csv", ".html")
#: What a run's history must hold to be drawn (`nets.HISTORY_COLUMNS` has the rest).
HISTORY_NEEDS = ("epoch", "train_loss", "val_loss")
#: A record larger than this is no run's (one is a few KB): not read.
_MAX_RECORD_BYTES = 1 << 20
#: The scores of each run in the table (and in --json's runs), as its record has them;
#: ``best_val_loss`` and ``best_epoch`` are read off its history.
SCORES = ("status", "epochs", "best_val_loss", "best_epoch", "val_loss", "val_accuracy",
          "test_loss", "test_accuracy", "test_rmse", "seconds")


@dataclass(frozen=True)
class ComparedRun:
    """One training run as ``report compare`` reads it (`read_run`).

    Attributes
    ----------
    label : str
        How the report names it: its folder's name, made unique.
    folder : Path
        The folder holding config.json and history.csv.
    record : dict
        config.json, as today's hplab writes it (`as_written_today`).
    history : DataFrame
        history.csv.
    kept_row : int or None
        The row of ``history`` whose scores replaced those an older hplab's record gave
        (its last checkpoint's, of weights early stopping threw away); None: none did.
    """

    label: str  # how the report names it: its folder's name, made unique
    folder: Path  # the folder holding config.json and history.csv
    record: dict  # config.json, as today's hplab writes it (`as_written_today`)
    history: pd.DataFrame  # history.csv
    #: the row of ``history`` whose scores replaced those an older hplab's record gave
    #: (its last checkpoint's, of weights early stopping threw away); None: none did
    kept_row: int | None = None

    def __repr__(self) -> str:  # its record and history as their sizes, not printed whole
        return nets.compact_repr(self)

    @property
    def task(self) -> str | None:
        """``"regression"``, ``"binary"``, ``"multiclass"`` (the head the run trained)."""
        record = self.record
        info = record.get("dataset_info")
        return ((record.get("resolved") or {}).get("head")
                or (info.get("task") if isinstance(info, dict) else None)
                or record["config"].get("head"))

    @property
    def classifies(self) -> bool:
        return self.task != "regression"


def run_folder(path) -> Path:
    """The folder of the training run ``path`` names: itself, the folder of its model file,
    or a study report's ``best_model/``.

    Parameters
    ----------
    path : str or Path
        A run's folder, a file in it, or a study report's folder.

    Returns
    -------
    Path

    Raises
    ------
    FileNotFoundError
        Nothing there.
    ValueError
        A file of no run (``runs/hplab.db``).
    """
    path = Path(nets.check_path("run", path))
    if path.is_file():  # its model.npz, config.json or history.csv
        if path.suffix.lower() not in _RUN_FILES:  # a study's storage given by mistake
            raise ValueError(f"{path} is no file of a training run: give the run's folder "
                             "or its model.npz (a study's best model: its report's folder)")
        return path.parent
    if not path.is_dir():
        raise FileNotFoundError(f"no training run at {path}")
    if not (path / "config.json").exists() and (path / "best_model" / "config.json").exists():
        return path / "best_model"
    return path


def read_run(path, label: str | None = None) -> ComparedRun:
    """The record and history of the training run ``path`` names (`run_folder`).

    Parameters
    ----------
    path : str or Path
        A run's folder, a file in it, or a study report's folder.
    label : str, optional
        How the comparison names it (default: its folder's name; a study's for its best
        model).

    Returns
    -------
    ComparedRun

    Raises
    ------
    FileNotFoundError
        No folder there.
    ValueError
        No config.json or history.csv a training run wrote there.
    """
    folder = run_folder(path)
    record_file, history_file = folder / "config.json", folder / "history.csv"
    what = f"{_folder_holds(folder)} (the config.json and history.csv `hplab train` " \
           "writes, or a study report's best_model/)"
    for file in (record_file, history_file):
        if not file.is_file():  # a pipe so named would hold the command for good
            raise ValueError(what)
    if record_file.stat().st_size > _MAX_RECORD_BYTES:
        raise ValueError(what)
    try:
        record = nets.read_json_file(record_file)
    except (ValueError, RecursionError):  # bad UTF-8 or JSON
        raise ValueError(f"{record_file}: not JSON (cut short or edited?)") from None
    if not (isinstance(record, dict) and isinstance(record.get("config"), dict)
            and "model_path" in record):
        raise ValueError(what)
    wrong = _wrong_field(record)
    if wrong:  # an edited record: refused here, not a traceback in the table (QA)
        raise ValueError(f"{record_file}: not a training run's record ({wrong})")
    history = read_history(history_file)
    record, kept_row = as_written_today(record, history)
    # "." or ".." named by the folder they are (QA: labelled /home/me/runs/b, the home
    # folder a shared report names as ~ elsewhere)
    named = Path(os.path.abspath(folder))
    name = named.parent.name if named.name == "best_model" else named.name
    return ComparedRun(label or name or os.path.abspath(folder), folder, record, history,
                       kept_row)


def read_history(history_file: Path) -> pd.DataFrame:
    """A run's ``history.csv`` as a comparison reads it: the numbers the run wrote, to the
    last bit; a cell edited into text a missing value, said in a warning. A ValueError
    where it is no training history (unreadable, no rows, or without `HISTORY_NEEDS`)."""
    try:  # round trip: the numbers the run wrote, to the last bit
        history = pd.read_csv(history_file, **data.exact_floats())
    except (ValueError, pd.errors.ParserError):  # EmptyDataError is a ValueError
        raise ValueError(f"{history_file}: not a training history") from None
    missing = [c for c in HISTORY_NEEDS if c not in history]
    if missing or history.empty:
        raise ValueError(f"{history_file}: not a training history (no "
                         f"{', '.join(missing) or 'rows'})")
    # numbers from here on: a cell edited into text is a missing value, read once
    numeric = [c for c in history if c in nets.HISTORY_COLUMNS]
    read = history[numeric].apply(pd.to_numeric, errors="coerce")
    texts = [c for c in numeric if (read[c].isna() & history[c].notna()).any()]
    if texts:  # said: its curve's gap (or a best epoch passed over) came with no word
        first = texts[0]
        cell = str(history[first][read[first].isna() & history[first].notna()].iloc[0])
        where = f" in {first}" if len(texts) > 1 else ""
        warnings.warn(f"{history_file}: column{'s' * (len(texts) > 1)} {nets.and_list(texts)} "
                      f"hold{'s' * (len(texts) == 1)} text, not numbers ({cell[:40]!r}{where}"
                      "): read as missing values", UserWarning, stacklevel=3)
    history[numeric] = read
    return history


def _folder_holds(folder: Path) -> str:
    """``"runs/lr-range/xor holds a report of kind lr-range, not a training run"``: what
    is there instead of a run, where a report says."""
    info = read_report_info(folder / "report.html")
    if info is None or info.kind == "train":
        return f"{nets.folder_text(folder)} holds no training run"
    return f"{nets.folder_text(folder)} holds a report of kind {info.kind}, not a training run"


#: The types of the record's fields a comparison reads, beside its config and scores.
_FIELD_TYPES = {"dataset": str, "resolved": dict, "dataset_info": dict, "status": str}


def _wrong_field(record: dict) -> str | None:
    """What of ``record`` is of no type `hplab train` writes (None: nothing)."""
    for key, kind in _FIELD_TYPES.items():
        if record.get(key) is not None and not isinstance(record[key], kind):
            return f"its {key} is {_json_type(record[key])}"
    for key in SCORES:
        value = record.get(key)
        if key != "status" and value is not None and (
                isinstance(value, bool) or not isinstance(value, int | float)):
            return f"its {key} is {_json_type(value)}, not a number"
    return None


def _json_type(value) -> str:
    """How JSON names the type of ``value`` (a string, a list...)."""
    names = {str: "a string", list: "a list", dict: "an object", bool: "a boolean",
             int: "a number", float: "a number"}
    return names.get(type(value), type(value).__name__)
