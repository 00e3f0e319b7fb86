"""A saved model's inputs from a ``.csv`` table (``.csv.gz``...): a header or not, told
from its first row, columns matched to the model's features by name, each cell a number
or refused by its line. `read_inputs` (`nets._predict_io`) reads the ``.npy`` arrays."""

from __future__ import annotations

import lzma
import math
import re
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from ._column_names import first_positions, key_for
from ._csv_text import (
    line_of,
    not_utf8,
    open_csv_bytes,
    refuse_other_separator,
    refuse_separator_hint,
    utf16_codec,
    without_comment_mark,
)
from ._left_out import left_out_hint
from ._named_features import _some
from ._predict import SavedModel
from ._printable import count_of
from ._warning_filters import filtered_warnings

if TYPE_CHECKING:
    import pandas as pd


def read_csv_inputs(path: Path, model: SavedModel, header: bool | None) -> np.ndarray:
    """A ``.csv`` table's rows as the model's ``d`` inputs, float64 (n, d): its header
    (``header``: None tells it from the first row) as `read_inputs` documents."""
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
            raise ValueError(f"{path}: {count_of(len(first), 'column')}; the model takes "
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
