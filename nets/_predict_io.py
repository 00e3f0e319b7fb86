"""Inputs for a saved model from files: ``.npy`` arrays and ``.csv`` tables (with or
without a header, columns matched to the model's features by name)."""

from __future__ import annotations

import gzip
import lzma
import math
import re
import zlib
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from ._column_names import first_positions, key_for
from ._csv_text import (
    is_csv,
    line_of,
    not_utf8,
    open_csv_bytes,
    refuse_other_separator,
    refuse_separator_hint,
    utf16_codec,
    without_comment_mark,
)
from ._left_out import left_out_hint
from ._load_model import check_model
from ._named_features import _some
from ._npz_members import load_refusal, npy_header
from ._predict import SavedModel
from ._warning_filters import filtered_warnings

if TYPE_CHECKING:
    import pandas as pd


def read_inputs(path, model: SavedModel, header: bool | None = None) -> np.ndarray:
    """Raw inputs from a ``.npy`` array or a ``.csv`` table, as float64 (n, d).

    A CSV may start with a header row, whose names pick the columns by
    `SavedModel.feature_columns`' rule (the one a DataFrame's follow): naming every
    feature, those columns in the model's order (other columns, such as the target, are
    ignored); naming none, the file's ``d`` columns by position, for a model with made-up
    names (x1, x2...) only. A first row of numbers is data (no header): ``d`` columns;
    one that also names the model's features (0, 1 for a model of pandas' default names)
    is refused unless ``header`` says which it is (True: a header; False: data).

    Parameters
    ----------
    path : str or path
        A ``.npy`` file, or a ``.csv`` (also ``.csv.gz``...).
    model : SavedModel
        The model the inputs are for (`load_model`): its features and their names.
    header : bool, optional
        Whether a CSV's first row is a header (default: told from the row, see above).

    Returns
    -------
    ndarray
        ``(n, d)`` float64, the model's ``d`` inputs as read (not yet scaled).

    Raises
    ------
    TypeError
        A ``model`` that is not a SavedModel (a path: load it with `load_model` first).
    """
    check_model(model)
    if not str(path).strip():
        raise ValueError("the input needs a file path, got ''")
    path = Path(path)
    if not path.is_file():
        # /dev/null or a named pipe exists: "no input file at /dev/null" puzzled
        raise FileNotFoundError(f"{path} is a folder; give the input file" if path.is_dir()
                                else f"{path} is not a regular file (a pipe or a device, "
                                "as <(...) and /dev/null are): save the inputs to a file and "
                                "give that" if path.exists()
                                else f"no input file at {path}")
    suffix = ".csv" if is_csv(path) else path.suffix.lower()  # .csv.gz too, as data reads
    if header is not None and suffix != ".csv":
        raise ValueError(f"{path}: only a .csv file has a header to say of")
    if suffix == ".npy":
        _refuse_short_npy(path)
        try:
            X = np.load(path, allow_pickle=False)
        except ValueError as exc:  # object arrays (pickle) and bad headers
            raise ValueError(f"{path}: not a plain .npy array ({load_refusal(exc)})") from None
        except EOFError:  # np.load of an empty file
            raise ValueError(f"{path}: empty file") from None
        if not isinstance(X, np.ndarray):  # np.load goes by the bytes: an .npz archive
            X.close()
            raise ValueError(f"{path}: an .npz archive, not a single .npy array")
        if X.ndim == 1 and model.n_features > 1:
            X = X.reshape(1, -1)  # one example
        elif X.ndim == 1:
            X = X.reshape(-1, 1)  # one feature: a column of examples
    elif suffix == ".csv":
        X = _read_csv(path, model, header)
    else:
        raise ValueError(f"{path}: inputs must be a .npy or .csv file (or .csv.gz, .csv.bz2, "
                         f".csv.xz){_idx_hint(path)}")
    if X.ndim == 2 and X.shape[1] == model.n_features and len(X) == 0:
        raise ValueError(f"{path}: no rows (an array of shape {X.shape}): nothing to predict")
    if X.ndim != 2 or X.shape[1] != model.n_features or len(X) == 0:
        wider = X.ndim == 2 and X.shape[1] > model.n_features
        # what the file should hold, not a column to remove: with it removed already (the
        # target still in), "remove column 1" again took out a feature, and predicted
        hint = left_out_hint(model.meta, "the file should hold the model's columns only, "
                             "without {columns} or the target") if wider else ""
        raise ValueError(f"{path}: the model takes {model.n_features} features per example, "
                         f"got an array of shape {X.shape}{hint}")
    if X.dtype.kind not in "uifb":
        raise ValueError(f"{path}: inputs must be numbers, got dtype {X.dtype}")
    X = X.astype(np.float64, copy=False)  # a CSV's are float64 already: no second copy
    if not np.isfinite(X).all():  # a CSV's are found in _read_csv, by their line
        row = int(np.argmin(np.isfinite(X).all(axis=1)))
        raise ValueError(f"{path}: inputs contain NaN or infinite values (first in row {row})")
    return X


def _refuse_short_npy(path: Path) -> None:
    """Refuse a .npy whose header declares more than the file holds: NumPy allocates the
    declared shape before reading (10^12 rows: "Unable to allocate 14.6 TiB")."""
    with open(path, "rb") as fh:
        try:
            dtype, shape = npy_header(fh)
        except ValueError:
            return  # no .npy header: np.load names the problem
        held = path.stat().st_size - fh.tell()
    need = math.prod(shape) * dtype.itemsize  # Python ints: no int64 wrap-around
    if need > held and not dtype.hasobject:  # object arrays: refused, unread, by np.load
        rows = shape[0] if shape else 1
        raise ValueError(f"{path}: declares {rows} rows ({dtype} {shape}, {need} bytes) but "
                         f"holds {held} bytes; a truncated or forged file")


def _read_csv(path: Path, model: SavedModel, header: bool | None) -> np.ndarray:
    import pandas as pd  # here: `import nets` would cost pandas' import (~0.3 s)

    try:
        with open_csv_bytes(path) as fh:  # UTF-16 without a BOM reads as UTF-8 with NULs
            if utf16_codec(fh.read(4096)):
                raise ValueError(not_utf8(path))
    except (OSError, EOFError, lzma.LZMAError) as exc:  # its name promised a compression
        raise ValueError(f"{path}: not a readable {path.suffix[1:]} file ({exc})") from None

    def read(header=None, **kwargs) -> pd.DataFrame:
        try:
            # text in a numeric column of a long file: refused below in one line
            with filtered_warnings(("ignore", pd.errors.DtypeWarning),
                                   ("error", pd.errors.ParserWarning)):
                # index_col=False: a row longer than the header is refused, its first field
                # not taken for the row's index (which shifted every value one column)
                # each number the float nearest its text: pandas 2's parser misses by an
                # ulp (4 of 15 of an np.savetxt file's), pandas 3 is exact and deprecates it
                exact = {"float_precision": "round_trip"} if int(
                    pd.__version__.split(".")[0]) < 3 else {}
                return pd.read_csv(path, header=header, skipinitialspace=True,
                                   index_col=False, **exact, **kwargs)
        except pd.errors.EmptyDataError:
            raise ValueError(f"{path}: empty file") from None
        except pd.errors.ParserWarning:
            raise ValueError(f"{path}: rows have more fields than the header; every line "
                             "needs one field per column") from None
        except UnicodeDecodeError:
            raise ValueError(not_utf8(path)) from None
        except ValueError as exc:  # ragged rows and other parse errors: name the file
            # pandas: "Error tokenizing data. C error: Expected 3 fields in line 3, saw 5"
            ragged = re.search(r"Expected (\d+) fields in line (\d+), saw (\d+)", str(exc))
            if ragged:
                width, line, got = ragged.groups()
                # as data says; "the first line": a blank line 1 is skipped
                whose = "the header has" if header == 0 else "the first line has"
                raise ValueError(f"{path}: line {line} has {got} fields, {whose} {width}; "
                                 "every line needs one field per column") from None
            raise ValueError(f"{path}: {exc}") from None

    # the first row as text decides the header; the rest is read as numbers (text cells
    # for every row took ~110 bytes a cell: 1.2 GB for 200k x 50)
    head = read(nrows=1, dtype=str, keep_default_na=False)
    if head.empty:
        raise ValueError(f"{path}: no rows")
    raw = [str(c).strip() for c in head.iloc[0].tolist()]
    first = without_comment_mark(raw)  # np.savetxt's header line, "# a,b", names a and b
    names = list(model.feature_names)
    refuse_separator_hint(path, raw)
    if len(first) == 1 and not _is_number(first[0]):  # one field: 1;0 for a 1-feature model too
        refuse_other_separator(path, first[0])
    numeric = [_is_number(v) for v in raw]  # "# 0,1": numpy's header line, no data
    # numbers compare as numbers: "400.0" names the feature "400"
    key = key_for(names)
    keys, first_at = list(map(key, names)), first_positions(map(key, first))
    every = set(keys).issubset(first_at)
    say_which = "say which: --header yes or no (header=True or False from Python)"
    # a header names every feature (numbers too: 2019,2020), or is text; a row of numbers
    # is data, unless it is pandas' default names 0, 1, 2...; anything else is refused
    # rather than guessed at
    if header is None and all(numeric) and every and sorted(keys) == list(range(len(keys))):
        # features named 0, 1... (pandas' default header) and a first row of them (0,1 or
        # 1,0): the header of a file written as the training file was, or binary data?
        # Taken as a header, a row was silently dropped (and in another order the columns
        # swapped); 2019,400 name features no data row is likely to repeat
        raise ValueError(f"{path}: row 1 ({', '.join(first[:5])}"
                         f"{', ...' if len(first) > 5 else ''}) is numbers that also name the "
                         f"model's features: a header or data? {say_which}")
    if header is None and all(numeric) and not every:
        if len(first) > 1 and [float(v) for v in first] == list(range(len(first))):
            raise ValueError(f"{path}: row 1 is 0, 1, 2...: pandas' default column names, "
                             "or data? Write the file with the model's feature names "
                             f"({_some(names)}) or with no header row, or {say_which}")
        header = False
    if header is False:
        columns = None
    elif header is None and any(numeric) and not every:
        # a headerless training file fed back, its left-out column and label still in it
        hint = left_out_hint(model.meta, "a file without a header holds the model's "
                             "columns only, without {columns} or the target")
        raise ValueError(f"{path}: row 1 mixes numbers and text; the model takes "
                         f"{_some(names)}: give a header naming every one, or numbers "
                         f"only{hint}")
    else:  # a header: the model's rule for a table's column names
        header = True
        columns = model.feature_columns(first, f"the header of {path}")
        if columns is None and len(first) != model.n_features:
            raise ValueError(f"{path}: {len(first)} columns; the model takes "
                             f"{model.n_features} ({_some(names)}): give exactly those "
                             "columns or a header naming them")
    # header=0: the first line pandas parses (blank lines before it are skipped, as above);
    # every column is read (usecols let a ragged row through), the model's then picked
    table = read(header=0 if header else None)
    if table.empty:  # header=0 on a header alone: no error, no rows
        raise ValueError(f"{path}: a header and no rows")
    if columns is not None and columns != list(range(table.shape[1])):
        table = table.iloc[:, columns]  # a copy: only when other columns or another order
    _text_to_numbers(table, path, header)
    X = table.to_numpy(dtype=np.float64)
    bad = ~np.isfinite(X).all(axis=1)  # a short row's missing fields are NaN too
    if bad.any():
        raise ValueError(f"{path}: line {line_of(path, int(np.argmax(bad)), header)} has a "
                         "missing, empty, NaN or infinite value; every field must be a number")
    return X


def _text_to_numbers(table: pd.DataFrame, path: Path, header: bool) -> None:
    """Make ``table``'s text columns numbers, in place, or refuse the first cell (by row,
    then column) that is not one. Columns pandas read as numbers are left as they are
    (converting all 784 columns of an image one by one took 1.8 s)."""
    import pandas as pd

    text_columns = [j for j, t in enumerate(table.dtypes)
                    if not pd.api.types.is_numeric_dtype(t)]
    if not text_columns:
        return
    numbers = [_numeric(table.iloc[:, j]) for j in text_columns]
    text = np.column_stack([(n.isna() & table.iloc[:, j].notna()).to_numpy()
                            for j, n in zip(text_columns, numbers, strict=True)])
    if text.any():
        row, k = np.argwhere(text)[0]
        col = text_columns[k]
        where = f"column {table.columns[col]}" if header else f"field {col + 1}"
        raise ValueError(f"{path}: line {line_of(path, row, header)} has "
                         f"{table.iat[row, col]!r} in {where}, not a number")
    for j, n in zip(text_columns, numbers, strict=True):
        table.isetitem(j, n)


def _numeric(column: pd.Series) -> pd.Series:
    """``pd.to_numeric`` of a text column; an integer past float's range (400 digits, kept
    by pandas as a Python int, on which it raised) infinite: refused by its line, as 1e309."""
    import pandas as pd

    try:
        return pd.to_numeric(column, errors="coerce")
    except OverflowError:
        return pd.to_numeric(column.map(_float_of_int), errors="coerce")


def _float_of_int(value):
    """A Python int as a float (infinite past float's range), any other value as it is."""
    if type(value) is not int:
        return value
    try:
        return float(value)
    except OverflowError:
        return math.inf if value > 0 else -math.inf


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


# IDX's type codes (uint8, int8, int16, int32, float32, float64), as data's reader has them
_IDX_TYPES = (0x08, 0x09, 0x0B, 0x0C, 0x0D, 0x0E)


def _idx_hint(path: Path) -> str:
    """How to predict on an IDX file (MNIST's t10k-images-idx3-ubyte[.gz]) given as
    ``--input``, where its first bytes are an IDX magic number; "" for other files."""
    try:
        with open(path, "rb") as fh:
            head = fh.read(4)
        if head[:2] == b"\x1f\x8b":  # gzip: the IDX header is the first bytes inside
            with gzip.open(path, "rb") as fh:
                head = fh.read(4)
    except (OSError, EOFError, zlib.error):
        return ""
    if len(head) < 4 or head[:2] != b"\0\0" or head[2] not in _IDX_TYPES or head[3] == 0:
        return ""
    # its folder is named only as the one to check: alone in it, the file is no dataset
    # (`--dataset idx:` of it was refused for the three files missing)
    return (f"; {path.name} is an IDX file (MNIST's format): predict on the test split of a "
            "folder of the four IDX files (train and t10k images and labels) with --dataset "
            f"idx:FOLDER ({path.parent}, if it holds all four)")
