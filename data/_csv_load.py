"""The CSV loader: a table's features and labels, and a test table with the same columns."""

from __future__ import annotations

import itertools
import re
import urllib.parse
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from ._csv_checks import ignored_columns, where_row
from ._csv_read import CSV_HEADERS, _is_number, _read_csv, _target_text
from ._dataset import DataError, Source, cut
from ._files import (
    MAX_CLASSES,
    _as_images,
    _existing,
    _resolve_task,
    checked_test_file,
)

if TYPE_CHECKING:
    import pandas as pd


def option_text(value, listed: bool = False) -> str:
    """A value as an option in a dataset name (a column "R&D"): "&", "=", "%" and "?"
    percent-encoded, as `parse_name` reads them back (spaces, ":", "," and "/" kept); a
    ``listed`` one (a name in ``ignore``'s list, which "," separates) has "," encoded too.

    Parameters
    ----------
    value : object
        The option's value (its ``str`` is written).
    listed : bool, default False
        Encode "," too.
    """
    return urllib.parse.quote(str(value), safe=" :/" if listed else " :,/")


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


_BY_COLUMN = 256  # columns of a numeric run copied one at a time (more: as one block)


def _features(frame: pd.DataFrame, target: str, path: Path, header: bool,
              left_out: tuple[str, ...] = (), named: bool = True) -> np.ndarray:
    """The feature columns (all but ``target`` and ``left_out``) as float64; a column of
    text refused, naming its line."""
    import pandas as pd

    # by position, a run of numeric columns at a time: del of the target split the table
    # into a block per column (86 s over 100,000 columns, which pandas reads in 3), and a
    # copy of the features (drop) doubled a large table
    kept = [i for i, c in enumerate(frame.columns) if c != target and c not in left_out]
    dtypes = frame.dtypes.tolist()  # once: frame.dtypes builds a Series each time
    numeric = [pd.api.types.is_numeric_dtype(dtypes[i]) for i in kept]
    X = np.empty((len(frame), len(kept)), np.float64)
    runs = itertools.groupby(enumerate(kept), key=lambda ji: (ji[1] - ji[0], numeric[ji[0]]))
    for (_, is_number), run in runs:
        (j, i), width = (run := list(run))[0], len(run)
        if is_number and width <= _BY_COLUMN:
            # a chunked read's table holds a block per column: a run taken whole was
            # copied once more (the file's size) on its way into X
            for k in range(width):
                X[:, j + k] = frame.iloc[:, i + k].to_numpy(np.float64)
            continue
        if is_number:
            part = frame.iloc[:, i:i + width]  # a view: cast as copied into X
            X[:, j:j + width] = part.to_numpy() if part.dtypes.nunique() == 1 else \
                part.to_numpy(np.float64)  # int beside bool columns: no object array
            continue
        for j, i in run:
            X[:, j] = _numbers(frame.iloc[:, i], frame.columns[i], target, path, header,
                               named)
    return X


def _numbers(values: pd.Series, column, target: str, path: Path, header: bool,
             named: bool) -> np.ndarray:
    """A feature column pandas left text as numbers, or `DataError` for its first cell of
    text ("NA", "?", "red"); "nan" among numbers is a number."""
    text = values.map(lambda v: isinstance(v, str) and not _is_number(v)).to_numpy()
    if text.any():
        row = int(np.argmax(text))
        # a column of text only: how to leave it out or name it the target (an "NA"
        # among numbers is a value missing, which no option mends)
        hint = "" if not text[values.notna().to_numpy()].all() else \
            _text_column_hint(column, values, target, named)
        cell = values.iloc[row]
        hint = _comma_hint(values[text].str.strip(), cell.strip()) or hint
        shown = repr(cut(cell))  # a cell of 200,000
        raise DataError(f"{path}: feature column {column!r} is not numeric (first "
                        f"non-number {shown} at {where_row(path, row, header)}){hint}")
    try:
        return values.astype(np.float64).to_numpy()
    except OverflowError:  # an integer past float's range (1e309 written out), which pandas
        # keeps as a Python int: infinite, then refused by its line as 1e309 is
        return np.array([_float(v) for v in values], np.float64)


def _big_integers(y: np.ndarray, y_test: np.ndarray | None) -> bool:
    """Whether a target holds integers past 2**64 (pandas keeps them as Python ints, an
    object column a task's guess took for text) and nothing else."""
    return y.dtype == object and all(type(v) is int for v in y) and \
        (y_test is None or y_test.dtype == object and all(type(v) is int for v in y_test))


def _float(value) -> float:
    """``float(value)``, or infinite of its sign for an integer too large for a float."""
    try:
        return float(value)
    except OverflowError:
        return float("inf") if value > 0 else float("-inf")


#: A number written with a decimal comma, as Excel writes it in much of Europe (quoted in a
#: comma-separated file: "0,1257")
DECIMAL_COMMA = re.compile(r"[+-]?\d+,\d+")
#: A number written with thousands separators ("1,234" or "12,345.5"), which a decimal
#: comma's advice would read a thousand times too small
THOUSANDS = re.compile(r"[+-]?\d{1,3}(,\d{3})+(\.\d*)?")


def _comma_hint(cells: pd.Series, first: str) -> str:
    """The conversion to advise for a column of numbers written with commas ("" if its
    first text cell is none): ``decimal=','`` or ``thousands=','``, both where "1,000"
    could be either and no other cell tells."""
    decimal = "decimal=',').to_csv(NEW, index=False) where every number is written 0,5"
    thousands = "thousands=',').to_csv(NEW, index=False) where 1,000 is a thousand"
    decimal_hint = ("; a decimal comma? hplab reads numbers written 0.5: convert the file, "
                    f"e.g. pd.read_csv(PATH, {decimal}")
    if not THOUSANDS.fullmatch(first):
        return decimal_hint if DECIMAL_COMMA.fullmatch(first) else ""
    if cells.map(lambda c: bool(THOUSANDS.fullmatch(c)) and ("." in c or c.count(",") > 1)
                 ).any():  # "1,234.5" or "1,234,567": no decimal comma writes these
        return ("; thousands separators? hplab reads numbers written 1234.5: convert the "
                f"file, e.g. pd.read_csv(PATH, {thousands}")
    if cells.map(lambda c: bool(DECIMAL_COMMA.fullmatch(c)) and not THOUSANDS.fullmatch(c)
                 ).any():  # "0,5" beside the "1,000": a decimal comma
        return decimal_hint
    return ("; a thousands separator or a decimal comma? hplab reads numbers written 1234.5: "
            f"convert the file, e.g. pd.read_csv(PATH, {thousands}, or pd.read_csv(PATH, "
            f"{decimal}")


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


def _columns_differ(got: list, want: list, train: Path, named: bool = True) -> str:
    """How a test file's columns differ from the train file's, said for a fix; by their
    count where no header names them (``named`` false: x1, x2... made up)."""
    def shown(names) -> str:
        return ", ".join(map(str, names[:6])) + (", ..." if len(names) > 6 else "")

    if not named:
        return f"{len(got)} columns, {train.name} {len(want)}; both files need the same columns"

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
    header = "auto" if header is None else header  # ?header= is refused, not auto
    if header not in CSV_HEADERS:
        raise DataError(f"option header={header!r} must be one of {', '.join(CSV_HEADERS)}")
    p = _existing(path)
    named = target is not None  # else the last column: a text column may be the one meant
    frame, target = _read_csv(p, target, header)
    left_out = ignored_columns(p, ignore, list(frame.columns), target)
    X = _features(frame, target, p, header != "no", left_out, named)
    # a copy: a view held the whole parsed table (125 MB of int64 for 160 KB of labels)
    y = frame[target].to_numpy(copy=True)
    # the table freed: the labels' second read (_labels_as_written) is the load's peak
    columns, frame = frame.columns, None
    X_test = y_test = None
    if test_path:
        pt = checked_test_file(p, test_path)
        test, _ = _read_csv(pt, target, header, names_of=(p, list(columns)))
        if list(test.columns) != list(columns):
            differ = _columns_differ(list(test.columns), list(columns), p, header != "no")
            raise DataError(f"{pt}: {differ}")
        X_test = _features(test, target, pt, header != "no", left_out, named)
        y_test = test[target].to_numpy(copy=True)
        del test
    big = _big_integers(y, y_test)
    task = _resolve_task(y, task) if not big or task else \
        "classification" if len(set(y) | set(y if y_test is None else y_test)) <= MAX_CLASSES \
        else "regression"
    if big and task == "regression":  # numbers, as the target of smaller ones
        y, y_test = (None if v is None else np.array([_float(i) for i in v]) for v in (y, y_test))
    if task == "classification":
        paths = [p] + ([pt] if test_path else [])
        labels = _labels_as_written([y] + ([y_test] if test_path else []), paths,
                                    columns.get_loc(target), header)
        y, y_test = labels[0], labels[1] if test_path else None
    names = tuple(str(c) for c in columns if c != target and c not in left_out)
    info = {"files": [str(p)] + ([str(Path(test_path))] if test_path else []),
            "target": str(target), "ignored": list(left_out),
            # the file's own header names the features (header=no: made up, x1, x2...)
            "named_features": header != "no"}
    return Source(X, y, X_test, y_test, task, names, **_as_images(X, images, auto=False),
                  info=info)
