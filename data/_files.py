"""Loaders for user files: the course's npz files and CSV tables."""

from __future__ import annotations

import re
import urllib.parse
import warnings
import zipfile
import zlib
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from ._csv_checks import (
    UNREADABLE,
    check_csv_bytes,
    csv_text_hint,
    ignored_columns,
    line_of_row,
    not_utf8,
    refuse_other_separator,
    refuse_ragged_rows,
    refuse_unnamed_columns,
    without_comment_mark,
)
from ._dataset import DataError, Source
from ._declared_size import check_npz_members
from ._home import expand_home
from ._idx import full_scale

if TYPE_CHECKING:
    import pandas as pd

TASK_CHOICES = ("classification", "regression")
# Numeric targets with at most this many distinct integral values count as class labels.
MAX_CLASSES = 50


def infer_task(y: np.ndarray) -> str:
    """"classification" for string, boolean or few integral labels, else "regression"."""
    y = np.asarray(y)
    if y.dtype.kind in "OUSb":
        return "classification"
    finite = y[np.isfinite(y)]
    integral = np.array_equal(finite, np.round(finite))
    return "classification" if integral and len(np.unique(finite)) <= MAX_CLASSES else \
        "regression"


def _resolve_task(y: np.ndarray, task: str | None) -> str:
    if task is None:
        return infer_task(y)
    if task not in TASK_CHOICES:
        raise DataError(f"unknown task {task!r}; valid: {', '.join(TASK_CHOICES)}")
    return task


def _existing(path: str) -> Path:
    p = expand_home(path)
    if p.is_dir():  # "file not found" sent users looking for a file that was there
        raise DataError(f"{p} is a folder; give the data file")
    if not p.is_file():
        raise DataError(f"file not found: {p}")
    return p


def _read_npz(path: Path) -> tuple[np.ndarray, np.ndarray, bool]:
    """``data`` as rows, ``label`` as one column, and whether ``data`` held images."""
    try:
        npz = np.load(path, allow_pickle=False)
        if not isinstance(npz, np.lib.npyio.NpzFile):
            raise DataError(f"{path}: a single .npy array, not an npz file with keys 'data' "
                            "and 'label'")
        with npz:
            missing = [k for k in ("data", "label") if k not in npz.files]
            if missing:
                raise DataError(f"{path} has no key {missing[0]!r} "
                                f"(keys: {', '.join(npz.files) or 'none'})")
            check_npz_members(path, npz.zip, ("data", "label"))  # before NumPy allocates
            X, y = npz["data"], npz["label"]
    except (OSError, ValueError, EOFError, zipfile.BadZipFile, zlib.error) as exc:
        if isinstance(exc, DataError):
            raise
        if "Object arrays" in str(exc):
            raise DataError(f"{path}: holds object arrays, which hplab never loads (reading "
                            "them needs pickle, which can run code); save numbers or text"
                            ) from None
        # NumPy takes a file that is not .npy/.npz for a pickle, and advises allow_pickle
        why = "not a NumPy file" if "pickle" in str(exc) else " ".join(str(exc).split())
        raise DataError(f"{path}: not a readable npz file ({why}){csv_text_hint(path)}") from None
    if X.ndim == 0 or y.ndim == 0:
        raise DataError(f"{path}: 'data' and 'label' need one row per sample, got single "
                        "values")
    images = X.ndim >= 3
    X = X.reshape(len(X), -1) if X.ndim != 2 else X  # 1-D: one feature; images: flatten
    if y.ndim == 2 and y.shape[1] == 1:
        y = y[:, 0]  # the course stores labels as an (N, 1) column
    if y.ndim != 1:
        one_hot = y.ndim == 2 and np.isin(y, (0, 1)).all() and (y.sum(axis=1) == 1).all()
        hint = "; one-hot rows? save label.argmax(axis=1) as the labels" if one_hot else ""
        raise DataError(f"{path}: 'label' must be one column, got shape {y.shape}{hint}")
    return X, _label_values(y, path), images


def _label_values(y: np.ndarray, path: Path) -> np.ndarray:
    """Labels as numbers, booleans or str: bytes (b"cat") are decoded, as JSON has no
    bytes; dates, records and complex numbers are refused."""
    if y.dtype.kind == "S":
        try:
            return np.char.decode(y, "utf-8")  # np.strings: NumPy 2 only
        except UnicodeDecodeError:
            raise DataError(f"{path}: 'label' holds bytes that are not UTF-8 text") from None
    if y.dtype.kind not in "biufU":
        raise DataError(f"{path}: 'label' has dtype {y.dtype}; labels must be numbers, "
                        "booleans or text")
    return y


#: ``npz:``/``csv:`` ``?images=...``: yes (pixels: scaled as a whole, x / 255 for uint8,
#: never per column), no (features: per column), auto (npz: N x H x W arrays and uint8
#: data are images; csv: never).
IMAGE_OPTIONS = ("auto", "yes", "no")


def _as_images(X: np.ndarray, images: str | None, auto: bool) -> dict:
    """The `Source` fields that make ``X`` images (or not), from the ``images`` option."""
    images = images or "auto"
    if images not in IMAGE_OPTIONS:
        raise DataError(f"option images={images!r} must be one of {', '.join(IMAGE_OPTIONS)}")
    if images == "no" or images == "auto" and not auto:
        return {"images": False, "pixel_max": None}
    # the course: a pixel always 0 in train must not blow up on test, as per column it would
    return {"images": True, "pixel_max": full_scale(X)}


def load_npz(path: str, test_path: str | None = None, *, task: str | None = None,
             images: str | None = None) -> Source:
    """An npz file with keys ``data`` (N x features) and ``label`` (N or N x 1), and an
    optional second file with the test set; ``images`` as in `IMAGE_OPTIONS`."""
    p = _existing(path)
    X, y, shaped = _read_npz(p)
    X_test = y_test = None
    if test_path:
        X_test, y_test, _ = _read_npz(_existing(test_path))
    names = tuple(f"x{i + 1}" for i in range(X.shape[1]))
    # images (N x H x W..., or flattened uint8 as the course's MNIST files) are scaled as a
    # whole, as IDX images are
    return Source(X, y, X_test, y_test, _resolve_task(y, task), names,
                  **_as_images(X, images, auto=shaped or X.dtype == np.uint8),
                  info={"files": [str(p)] + ([str(Path(test_path))] if test_path else [])})


#: ``csv:PATH?header=...``: auto (a first row whose features are numbers is refused as
#: ambiguous, whatever its target cell, unless it names ``target``), yes (the first row
#: names the columns, numbers or not), no (every row is data; columns x1, x2...).
CSV_HEADERS = ("auto", "yes", "no")


def _unreadable(path: Path, exc: Exception) -> DataError:
    if isinstance(exc, UnicodeDecodeError):
        return not_utf8(path)
    return DataError(f"{path}: not a readable CSV file ({' '.join(str(exc).split())})")


def _read_csv(path: Path, target: str | None, header: str = "auto",
              names_of: tuple[Path, list] | None = None) -> tuple[pd.DataFrame, str]:
    import pandas as pd  # here: the npz files and every named set load without it

    try:
        check_csv_bytes(path)
    except UNREADABLE as exc:
        raise _unreadable(path, exc) from None
    try:
        # the header as written (pandas renames a repeated name "0.5" to "0.5.1")
        first = pd.read_csv(path, header=None, nrows=1, dtype=str, keep_default_na=False,
                            skipinitialspace=True).iloc[0].tolist()
    except (*UNREADABLE, ValueError) as exc:
        raise _unreadable(path, exc) from None
    except ImportError as exc:  # a .zst file without the zstandard package: pandas says so
        raise DataError(f"{path}: {' '.join(str(exc).split())}") from None
    refuse_other_separator(path, first)
    if header != "no":  # pandas would name a blank "Unnamed: 0": a column like any other
        refuse_unnamed_columns(path, first)
    try:
        with warnings.catch_warnings():  # a row longer than the header: refused below
            warnings.simplefilter("error", pd.errors.ParserWarning)
            # text in a numeric column of a long file (read in chunks): refused below in
            # one line, by its line number
            warnings.simplefilter("ignore", pd.errors.DtypeWarning)
            # "a, b, label" is a common way to write a header: names and labels lose the
            # space; index_col=False: a longer row's first field is not the row's index;
            # only an empty cell is missing (pandas also reads labels NA, None, null so)
            frame = pd.read_csv(path, skipinitialspace=True, index_col=False,
                                keep_default_na=False, na_values=[""],
                                header=None if header == "no" else "infer")
    except (*UNREADABLE, ValueError, pd.errors.ParserWarning) as exc:
        refuse_ragged_rows(path, header != "no")
        raise _unreadable(path, exc) from None
    if frame.shape[1] and frame.iloc[:, -1].isna().any():  # short rows are filled with NaN
        refuse_ragged_rows(path, header != "no")
    if header == "no":
        frame.columns = [f"x{i + 1}" for i in range(frame.shape[1])]
    elif (header == "auto" and _numbers_first(first, target)
          and not _names_its_target(first[-1], frame.iloc[:, -1])):
        # a file without a header would lose its first row of data to the names; iris.data
        # has text labels after its numbers, so only the features are looked at
        held = "holds numbers" if _is_number(first[-1]) else \
            "holds numbers in every feature column"
        if names_of is not None:  # a test file: ?header= would apply to the train file too
            train, names = names_of
            shown = ", ".join(map(str, names[:4])) + (", ..." if len(names) > 4 else "")
            raise DataError(f"{path}: the first row {held} ({', '.join(first[:3])}"
                            f"{', ...' if len(first) > 3 else ''}), not the column names "
                            f"{train.name} has ({shown}): add {train.name}'s header line "
                            "to it (?header= sets both files)")
        raise DataError(f"{path}: the first row {held} ({', '.join(first[:3])}"
                        f"{', ...' if len(first) > 3 else ''}), not column names: add "
                        "?header=no if it is data (columns x1, x2...), or ?header=yes if "
                        "those numbers name the columns")
    # the names as written: pandas renames a repeated "a" (or "0.5") to "a.1"
    names = frame.columns if header == "no" or len(first) != frame.shape[1] else first
    stripped = [c.strip() if isinstance(c, str) else c for c in names]
    if header != "no":  # np.savetxt's header line, "# a,b,y", names column a
        stripped = without_comment_mark(stripped)
    if len(set(stripped)) < len(stripped):  # "x" and "x ": two columns, one name
        twice = next(c for c in stripped if stripped.count(c) > 1)
        raise DataError(f"{path}: two columns are named {twice!r} (spaces around names are "
                        "ignored); rename one")
    frame.columns = stripped
    if frame.shape[1] < 2:
        raise DataError(f"{path}: needs at least one feature column and a target column")
    if frame.empty:
        raise DataError(f"{path}: a header and no rows")
    target = frame.columns[-1] if target is None else target
    if target not in frame.columns:
        raise DataError(f"{path}: no column {target!r}; columns: {', '.join(frame.columns)}")
    if not pd.api.types.is_numeric_dtype(frame[target]):
        # "cat " is "cat" (skipinitialspace strips only the leading space); a blank is missing
        labels = frame[target] = frame[target].map(lambda v: (v.strip() or np.nan)
                                                   if isinstance(v, str) else v)
        # None, Mild, Severe are classes; 0, 1, NA is a label missing
        # (True/False with a blank, or 20-digit integers, are no text: pandas keeps objects)
        spelled = labels.map(lambda v: isinstance(v, str) and v.lower() in MISSING_SPELLINGS)
        if spelled.any() and pd.to_numeric(labels, errors="coerce").notna().any():
            row = int(np.argmax(spelled.to_numpy()))
            raise DataError(f"{path}: target column {target!r} holds {labels.iloc[row]!r} "
                            f"among numbers (line {line_of_row(path, row, header != 'no')}): "
                            "a missing label? Only an empty cell is read as missing, and "
                            "every example needs its label: drop the row")
    return frame, target


#: Spellings of a missing value (lower case) that pandas reads as NaN by default; hplab
#: takes them for text, and for a missing label only among numbers.
MISSING_SPELLINGS = ("na", "n/a", "nan", "-nan", "null", "none", "#n/a", "#na", "<na>")


def _is_number(text: str) -> bool:
    """Whether ``float`` reads the text: "nan" and "inf" too (refused later as such)."""
    try:
        float(text)
    except (TypeError, ValueError):
        return False
    return True


def option_text(value, listed: bool = False) -> str:
    """A value as an option in a dataset name (a column "R&D"): "&", "=", "%" and "?"
    percent-encoded, as `parse_name` reads them back (spaces, ":", "," and "/" kept); a
    ``listed`` one (a name in ``ignore``'s list, which "," separates) has "," encoded too."""
    return urllib.parse.quote(str(value), safe=" :/" if listed else " :,/")


def _numbers_first(first: list[str], target: str | None) -> bool:
    """Whether a first row is numbers in every feature cell (the target's, by default the
    last, may be anything); a row naming ``target`` is a header."""
    if len(first) < 2 or target is not None and target in (c.strip() for c in first):
        return False
    return all(_is_number(c) for c in first[:-1])


def _names_its_target(cell: str, targets: pd.Series) -> bool:
    """Whether the first row's last cell is a column's name, not a label: text that no
    later row holds in that column (``400,410,label`` names wavelengths; iris.data's first
    ``Iris-setosa`` recurs in 49 rows, so that row is data)."""
    cell = cell.strip()
    return not _is_number(cell) and cell not in set(targets.astype(str).str.strip())


def _text_column_hint(column: str, values: pd.Series, target: str, named: bool) -> str:
    """How to mend a feature column of text only: mostly an ID or a date, no feature, left
    out; but text that repeats as class labels do, beside a default target (the last
    column, not ``named``), is likely the target (penguins' species comes first)."""
    hint = ("if it is no feature (an ID, a date), leave it out with "
            f"?ignore={option_text(column, listed=True)}")
    distinct = values.nunique()
    if named or not distinct < values.count() or distinct > MAX_CLASSES:
        return f"; {hint}"
    return (f"; if it holds the labels to predict, name it the target with "
            f"?target={option_text(column)} (the default is the last column, {target!r}); "
            f"{hint}")


def _features(frame: pd.DataFrame, target: str, path: Path, header: bool,
              left_out: tuple[str, ...] = (), named: bool = True) -> np.ndarray:
    import pandas as pd

    # del on a shallow copy keeps views of the other columns (drop copied them all before
    # pandas 3); ``frame`` itself keeps its target and the columns ``?ignore=`` leaves out
    features = frame.copy(deep=False)
    for column in (target, *left_out):
        del features[column]
    for column in features.columns:
        values = features[column]
        if pd.api.types.is_numeric_dtype(values):
            continue
        text = values.map(lambda v: isinstance(v, str) and not _is_number(v)).to_numpy()
        if text.any():  # "NA", "?", "red"
            row = int(np.argmax(text))
            # a column of text only: how to leave it out or name it the target (an "NA"
            # among numbers is a value missing, which no option mends)
            hint = "" if not text[values.notna().to_numpy()].all() else \
                _text_column_hint(column, values, target, named)
            raise DataError(f"{path}: feature column {column!r} is not numeric (first "
                            f"non-number {values.iloc[row]!r} at line "
                            f"{line_of_row(path, row, header)}){hint}")
        features[column] = values.astype(np.float64)  # "nan" among numbers: pandas left text
    return features.to_numpy(dtype=np.float64)


def _target_text(path: Path, column: int, header: str) -> np.ndarray:
    """The target column's cells as written, spaces around them dropped (as text labels'
    are), read as the table was."""
    import pandas as pd

    try:
        text = pd.read_csv(path, skipinitialspace=True, index_col=False, keep_default_na=False,
                           na_values=[""], header=None if header == "no" else "infer",
                           usecols=[column], dtype=str).iloc[:, 0]
    except (*UNREADABLE, ValueError) as exc:  # read once already: changed since?
        raise _unreadable(path, exc) from None
    return text.str.strip().to_numpy(dtype=object)


# A label written as a code: a leading zero or a plus sign, which its number would lose
CODE = re.compile(r"\+|-?0\d")


def _labels_as_written(labels: list[np.ndarray], paths: list[Path], column: int,
                       header: str) -> list[np.ndarray]:
    """Class labels read as numbers, as text when every file (train and test) writes at
    least one as a code (001, 010 are no classes 1, 10); numbers stay numbers (7.0 and 7e0
    are class 7, as in npz files and saved models)."""
    if not all(y.dtype.kind in "iuf" and np.isfinite(y).all() for y in labels):
        return labels  # text, booleans or a missing label (refused later): as read
    texts = [_target_text(p, column, header) for p in paths]
    # every file writes codes: a test file saved again by a spreadsheet (1 for 01) keeps
    # the pair's numbers, as before, rather than two spellings of one class
    if all(any(CODE.match(w) for w in np.unique(t)) for t in texts):
        return texts
    return labels


def _columns_differ(got: list, want: list, train: Path) -> str:
    """How a test file's columns differ from the train file's, said for a fix."""
    def shown(names) -> str:
        return ", ".join(map(str, names[:6])) + (", ..." if len(names) > 6 else "")

    if sorted(map(str, got)) == sorted(map(str, want)):
        return (f"the columns of {train.name} in another order ({shown(got)}); write them "
                f"in its order ({shown(want)})")
    missing, extra = [c for c in want if c not in got], [c for c in got if c not in want]
    said = [f"lacks {shown(missing)}" if missing else "",
            f"has {shown(extra)}, which {train.name} has not" if extra else ""]
    return f"columns differ from {train.name}'s: " + ("; ".join(filter(None, said))
                                                      or f"{len(got)} against {len(want)}")


def load_csv(path: str, test_path: str | None = None, *, target: str | None = None,
             task: str | None = None, header: str | None = None,
             images: str | None = None, ignore=None) -> Source:
    """A CSV table with a header (see `CSV_HEADERS`): numeric feature columns and one
    target column (default the last; string class labels are fine), and an optional test
    table (with the same columns); ``images=yes`` for pixel columns (see `IMAGE_OPTIONS`);
    ``ignore``: columns that are no features (an ID), comma-separated or a list, left out
    of both files (see `ignored_columns`)."""
    header = header or "auto"
    if header not in CSV_HEADERS:
        raise DataError(f"option header={header!r} must be one of {', '.join(CSV_HEADERS)}")
    p = _existing(path)
    named = target is not None  # else the last column: a text column may be the one meant
    frame, target = _read_csv(p, target, header)
    left_out = ignored_columns(p, ignore, list(frame.columns), target)
    X = _features(frame, target, p, header != "no", left_out, named)
    # a copy: a view held the whole parsed table (125 MB of int64 for 160 KB of labels)
    y = frame[target].to_numpy(copy=True)
    X_test = y_test = None
    if test_path:
        pt = _existing(test_path)
        test, _ = _read_csv(pt, target, header, names_of=(p, list(frame.columns)))
        if list(test.columns) != list(frame.columns):
            raise DataError(f"{pt}: "
                            f"{_columns_differ(list(test.columns), list(frame.columns), p)}")
        X_test = _features(test, target, pt, header != "no", left_out, named)
        y_test = test[target].to_numpy(copy=True)
    task = _resolve_task(y, task)
    if task == "classification":
        paths = [p] + ([pt] if test_path else [])
        labels = _labels_as_written([y] + ([y_test] if test_path else []), paths,
                                    frame.columns.get_loc(target), header)
        y, y_test = labels[0], labels[1] if test_path else None
    names = tuple(str(c) for c in frame.columns if c != target and c not in left_out)
    info = {"files": [str(p)] + ([str(Path(test_path))] if test_path else []),
            "target": str(target), "ignored": list(left_out),
            # the file's own header names the features (header=no: made up, x1, x2...)
            "named_features": header != "no"}
    return Source(X, y, X_test, y_test, task, names, **_as_images(X, images, auto=False),
                  info=info)
