"""Where runs go: ``runs/KIND/NAME`` folders whose names are safe on any file system."""

from __future__ import annotations

import hashlib
import json
import os
import re
import sys
import urllib.parse
from pathlib import Path

import nets

RUNS = Path("runs")
#: The files of a training run's folder (`save_run_files`) and of a report's, beside its
#: report_files/ (its tables' CSVs) and a study report's best_model/ (a training run); an
#: analysis's report has its config.json and result.json beside it
RESULT_FILES = ("model.npz", "history.csv", "config.json", "report.html", "result.json")
#: A report's own folders: an output written into one would sit among its files
RESULT_FOLDERS = ("report_files", "best_model")


# File systems cap a name at 255 bytes; a long dataset path or a name in another script
# (2 bytes a letter) is cut here and told apart from its neighbours by a hash.
MAX_NAME_BYTES = 100


def folder_name(text: str, default: str = "run", *, words: str | None = None) -> str:
    """One safe folder name per text: the text itself when it is a safe, short name, else
    its safe form (``csv:/data/d.csv`` -> ``csv-data-d.csv``, ``../../x`` -> ``x``; letters
    of any script stay, where the file system's encoding holds them) cut to
    `MAX_NAME_BYTES` and ending in a short hash of the whole text, so that "x y", "x/y"
    and "x-y" never share a folder. ``words``: what the safe form is made of instead of
    ``text`` (the hash stays the text's).

    Parameters
    ----------
    text : str
        A study's, run's or dataset's name.
    default : str, default "run"
        The name where nothing of ``text`` is safe.
    words : str, optional
        As above.
    """
    safe = _safe(text if words is None else words, default)
    keep = safe == text and len(safe.encode()) <= MAX_NAME_BYTES
    return safe if keep else _hashed(safe, text)


def dataset_folder_name(dataset: str) -> str:
    """`folder_name` of a dataset's name as typed, its words read from the name with its
    percent escapes read back (``csv:50%25 x.csv``: ``csv-50-x.csv-`` and a hash, not
    ``csv-50-25-x.csv-``); the hash is the name's as typed, so that ``a%2Cb.csv`` (one
    file) and ``a,b.csv`` (a pair) keep their own folders.

    Parameters
    ----------
    dataset : str
        A dataset name, as `data.load` takes it.
    """
    return folder_name(dataset, "dataset", words=urllib.parse.unquote(dataset))


def check_study_name(name) -> str:
    """``name`` if it is a str, as a stored study's name is; else TypeError. (Optuna takes
    None for the only study a storage holds, and ran into its own error where there were
    more; 123 was "no study 123".) ValueError for one holding a byte no text decoded (a
    name typed in a locale of another encoding, ``\\udcc3``): a storage keeps text, and
    the lookup failed as "storage ... holds a record optuna cannot read" (QA)."""
    nets.check_type("name", name, str, "a study's name (a str)")
    if any(0xDC80 <= ord(c) <= 0xDCFF for c in name):
        raise ValueError(f"study name {name!r} holds bytes that are no "
                         f"{sys.getfilesystemencoding()} text (typed in a locale of another "
                         "encoding?): a study's name is text; give it from a UTF-8 locale "
                         "(LANG=C.UTF-8, or PYTHONUTF8=1)")
    return name


def study_folder(name: str) -> Path:
    """The report folder of study ``name``: ``runs/studies/`` and its `folder_name`.

    Parameters
    ----------
    name : str
        The study's name.
    """
    return RUNS / "studies" / folder_name(check_study_name(name), "study")


def _safe(text: str, default: str) -> str:
    # under a Latin-1 locale a study named "实验é" made a folder path Python cannot encode
    encoding = sys.getfilesystemencoding()
    kept = "".join(c if _encodes(c, encoding) else "-" for c in str(text))
    return re.sub(r"[^\w.-]+", "-", kept).strip("-.") or default


def _encodes(char: str, encoding: str) -> bool:
    try:
        char.encode(encoding)
    except UnicodeEncodeError:
        return False
    return True


def _hashed(safe: str, text: str) -> str:
    """``safe``, cut to fit `MAX_NAME_BYTES`, then a short hash of the whole ``text``."""
    cut = safe.encode()[:MAX_NAME_BYTES - 7].decode(errors="ignore").rstrip("-.")
    # surrogatepass: a name's undecodable byte (bad\xff arrives as "bad\udcff") hashes too
    digest = hashlib.sha1(str(text).encode(errors="surrogatepass")).hexdigest()
    return f"{cut}-{digest[:6]}"


def files_left_beside(folder) -> list[str]:
    """The names in ``folder`` that no run or report writes (neither `RESULT_FILES` nor
    `RESULT_FOLDERS`; hidden ones aside), sorted: after a re-run there, an ONNX graph or
    predictions made from the earlier model (as its report suggests) now sit beside
    another. hplab leaves them as they are: it cannot tell what they came from.

    Parameters
    ----------
    folder : path
        A run's folder.

    Returns
    -------
    list of str
    """
    ours = {*RESULT_FILES, *RESULT_FOLDERS}
    return sorted(p.name for p in Path(folder).iterdir() if p.name not in ours
                  and not p.name.startswith("."))


def result_file(path) -> str | None:
    """Whose file ``path`` is among hplab's results, in words (``"the training run in
    runs/train/xor"``): an output written there would replace it, or sit among a report's
    files; None when it is none of theirs."""
    given = Path(path)
    real = Path(os.path.realpath(given))  # a link is written through: its target counts

    def shown(up: int) -> str:
        # the folder as typed (runs/train/xor), absolute where that names none
        # (`nets.folder_text`): report.html's is ".", and final.csv's from inside
        # report_files is "..", where the typed path's parents give "."
        if os.path.islink(given):
            return str(real.parents[up - 1])
        typed = given if len(given.parts) > up else Path(os.path.abspath(given))
        return nets.folder_text(typed.parents[up - 1])

    if real.parent.name in RESULT_FOLDERS:
        held = _results_in(real.parent.parent)
        if held:
            return f"{held} in {shown(2)}"
    if real.name in RESULT_FILES:
        held = _results_in(real.parent)
        if held:
            return f"{held} in {shown(1)}"
    return None


#: A training run's own files (`save_run_files`), which a new run in its folder replaces
RUN_FILES = RESULT_FILES[:3]
_HISTORY_HEAD = ",".join(nets.HISTORY_COLUMNS[:2]) + ","  # how a run's history.csv starts


def foreign_run_file(folder) -> str | None:
    """The first of a run's files in ``folder`` that hplab did not write (the user's data
    named history.csv, notes in config.json, an npz of data named model.npz), which a run
    saved there would replace; None when there is none. One this user cannot read is a
    ValueError (another user's run, perhaps: not to be called foreign).

    Parameters
    ----------
    folder : str or os.PathLike
        The run's folder.
    """
    for name in RUN_FILES:
        path = Path(folder) / name
        if os.path.lexists(path) and not _written_by_hplab(path):
            return name
    return None


def holds_run_record(folder) -> bool:
    """Whether ``folder/config.json`` is a training run's record hplab wrote (one that
    cannot be read: no).

    Parameters
    ----------
    folder : str or os.PathLike
        The folder.
    """
    try:
        return _written_by_hplab(Path(folder) / "config.json")
    except ValueError:
        return False


def _written_by_hplab(path: Path) -> bool:
    try:
        if not path.is_file():  # a folder, or a link to nowhere, so named
            return False
        if path.name == "model.npz":
            return nets.is_model_file(path)
        with open(path, encoding="utf-8-sig") as fh:
            if path.name == "history.csv":
                return fh.readline().startswith(_HISTORY_HEAD)
            record = json.load(fh)
        return isinstance(record, dict) and {"config", "model_path"} <= record.keys()
    except PermissionError:
        raise ValueError(f"cannot read {path} (Permission denied)") from None
    except (OSError, ValueError):  # a pipe, bad UTF-8, bad JSON, a bad zip: not a run's
        return False


def _results_in(folder: Path) -> str | None:
    """``"the training run"`` or ``"the report"`` that ``folder`` holds, if any."""
    try:
        if nets.is_model_file(folder / "model.npz"):
            return "the training run"
        if nets.is_report_page(folder / "report.html"):
            return "the report"
    except OSError:  # a folder this user cannot read: nor write, so nothing to lose
        return None
    return None
