"""Reading a CSV table: its header, separator, rows and target labels, checked."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from ._csv_bytes import ONE_FILE, UNREADABLE, check_csv_bytes, not_utf8, tar_files_said
from ._csv_checks import (
    header_names,
    refuse_other_separator,
    refuse_ragged_rows,
    refuse_separator_hint,
    refuse_unnamed_columns,
    where_row,
)
from ._dataset import DataError
from ._spreadsheet_mark import without_spreadsheet_mark
from ._unicode_names import column_named, name_key
from ._warning_filters import filtered_warnings

if TYPE_CHECKING:
    import pandas as pd


#: ``csv:PATH?header=...``: auto (a first row whose features are numbers is refused as
#: ambiguous, whatever its target cell, unless it names ``target``), yes (the first row
#: names the columns, numbers or not), no (every row is data; columns x1, x2...).
CSV_HEADERS = ("auto", "yes", "no")


def exact_floats() -> dict:
    """``pandas.read_csv``'s options that read each number to the float nearest its text:
    pandas 2's parser misses by an ulp (a third of a test file's numbers), so one file gave
    other scalings and fingerprints on pandas 2 and 3; pandas 3 is exact, and deprecates
    the option.

    Returns
    -------
    dict
        Keyword arguments for ``pandas.read_csv``.
    """
    import pandas as pd

    return {"float_precision": "round_trip"} if int(pd.__version__.split(".")[0]) < 3 else {}


def _unreadable(path: Path, exc: Exception) -> DataError:
    if isinstance(exc, UnicodeDecodeError):
        return not_utf8(path)
    text = " ".join(str(exc).split())
    if text.startswith("Multiple files found in TAR archive"):  # pandas lists every name
        text = f"{tar_files_said(path)}; {ONE_FILE}"
    return DataError(f"{path}: not a readable CSV file ({text})")


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
    refuse_separator_hint(path, first)
    refuse_other_separator(path, first)
    if header != "no":  # pandas would name a blank "Unnamed: 0": a column like any other
        refuse_unnamed_columns(path, first)
    try:
        # a row longer than the header (ParserWarning): refused below; text in a numeric
        # column of a long file (read in chunks; DtypeWarning): refused below in one line,
        # by its line number
        with filtered_warnings(("ignore", pd.errors.DtypeWarning),
                               ("error", pd.errors.ParserWarning)):
            # "a, b, label" is a common way to write a header: names and labels lose the
            # space; index_col=False: a longer row's first field is not the row's index;
            # only an empty cell is missing (pandas also reads labels NA, None, null so)
            frame = _read_table(path, skipinitialspace=True, index_col=False,
                                keep_default_na=False, na_values=[""],
                                header=None if header == "no" else "infer", **exact_floats())
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
    # x1, x2... with ?header=no: no line of the file's
    stripped = list(names) if header == "no" else header_names(names)
    if len(set(stripped)) < len(stripped):  # "x" and "x ": two columns, one name
        twice = next(c for c in stripped if stripped.count(c) > 1)
        raise DataError(f"{path}: two columns are named {twice!r} (spaces around names are "
                        "ignored); rename one")
    if names_of is not None and list(map(name_key, stripped)) == \
            list(map(name_key, names_of[1])):  # a test file saved on another system
        stripped = list(names_of[1])
    frame.columns = stripped
    if frame.shape[1] < 2:
        raise DataError(f"{path}: needs at least one feature column and a target column")
    if frame.empty:
        raise DataError(f"{path}: a header and no rows")
    if names_of is not None and stripped != list(names_of[1]):
        return frame, target  # the loader says how the columns differ (not a lack of one)
    given = frame.columns[-1] if target is None else target
    target = column_named(given, list(frame.columns))  # the file's é for one typed
    if target is None:
        raise DataError(f"{path}: no column {given!r}; columns: {', '.join(frame.columns)}")
    if not pd.api.types.is_numeric_dtype(frame[target]):
        # "cat " is "cat" (skipinitialspace strips only the leading space); a blank is missing
        # and a label hplab wrote '-ve (a predictions CSV) is -ve, as trained on
        labels = frame[target] = frame[target].map(
            lambda v: (without_spreadsheet_mark(v).strip() or np.nan)
            if isinstance(v, str) else v)
        # None, Mild, Severe are classes; 0, 1, NA is a label missing
        # (True/False with a blank, or 20-digit integers, are no text: pandas keeps objects)
        spelled = labels.map(lambda v: isinstance(v, str) and v.lower() in MISSING_SPELLINGS)
        if spelled.any() and pd.to_numeric(labels, errors="coerce").notna().any():
            row = int(np.argmax(spelled.to_numpy()))
            raise DataError(f"{path}: target column {target!r} holds {labels.iloc[row]!r} "
                            f"among numbers ({where_row(path, row, header != 'no')}): "
                            "a missing label? Only an empty cell is read as missing, and "
                            "every example needs its label: drop the row")
    return frame, target


#: A file past this many bytes is read in chunks of `CHUNK_ROWS` rows: pandas' read of the
#: whole file held its parser's buffers beside the table, 4.4x the table (a 168 MB file of
#: 284,807 x 31 numbers: 305 MB over the imports, against 145 MB in chunks)
CHUNKED_BYTES = 64 << 20
CHUNK_ROWS = 50_000


def _read_table(path: Path, **options) -> pd.DataFrame:
    """``pandas.read_csv(path, **options)``, in chunks for a large file: the same table
    (each number parsed alone, each chunk's column types widened by `pandas.concat` as the
    parser widens its own chunks'), at about twice the table's memory."""
    import pandas as pd

    if path.stat().st_size <= CHUNKED_BYTES:
        return pd.read_csv(path, **options)
    with pd.read_csv(path, chunksize=CHUNK_ROWS, **options) as chunks:
        parts = list(chunks)
    frame = pd.concat(parts, ignore_index=True)
    # int64 chunks beside uint64 ones (an integer past 2**63 - 1 after the first chunk)
    # were joined as float64, which merged big integers (two class labels into one): such
    # a column is read again alone, as pandas reads it from the whole file
    mixed = [c for c in range(frame.shape[1])
             if {"i", "u"} <= {part.dtypes.iloc[c].kind for part in parts}]
    del parts
    for c in mixed:
        frame.isetitem(c, pd.read_csv(path, usecols=[c], **options).iloc[:, 0])
    return frame


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


def _numbers_first(first: list[str], target: str | None) -> bool:
    """Whether a first row is numbers in every feature cell (the target's, by default the
    last, may be anything); a row naming ``target`` is a header."""
    if len(first) < 2 or target is not None and \
            column_named(target, [c.strip() for c in first]) is not None:
        return False
    return all(_is_number(c) for c in first[:-1])


def _names_its_target(cell: str, targets: pd.Series) -> bool:
    """Whether the first row's last cell is a column's name, not a label: text that no
    later row holds in that column (``400,410,label`` names wavelengths; iris.data's first
    ``Iris-setosa`` recurs in 49 rows, so that row is data)."""
    cell = cell.strip()
    return not _is_number(cell) and cell not in set(targets.astype(str).str.strip())


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
