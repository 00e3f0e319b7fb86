"""What pandas does not say about a CSV file: another separator, unnamed columns, rows of
another width, the line a row is on.

These read the file again with the `csv` module, which counts fields as pandas does
(quotes included) and knows each record's line; the loaders call them only on suspicion,
so a well-formed file is read once (and its bytes once more, fast, for NUL bytes).
"""

from __future__ import annotations

import csv
import io
import re
import urllib.parse
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

from ._csv_bytes import opened_bytes
from ._dataset import DataError, cut
from ._spreadsheet_mark import without_spreadsheet_mark
from ._unicode_names import column_named

#: What a line pandas skips as blank holds (str.strip() would strip U+00A0 and the like too).
BLANK = " \t\r\n"


def _records(path: Path) -> Iterator[tuple[int, list[str]]]:
    """(line, fields) of each record, blank lines skipped as pandas skips them; a record
    whose quoted field holds a newline is named by its first line, as an editor shows it."""
    with opened_bytes(path) as raw:
        if raw is not None:
            yield from _records_of(raw)


def _records_of(raw: BinaryIO) -> Iterator[tuple[int, list[str]]]:
    """`_records` of an open file's bytes."""
    with io.TextIOWrapper(raw, newline="", encoding="utf-8-sig", errors="replace") as fh:
        text: list[str] = []  # the lines of the record being read

        def lines():
            for line in fh:
                text.append(line)
                yield line

        reader = csv.reader(lines(), skipinitialspace=True)
        end = 0
        try:
            for fields in reader:
                start, end = end + 1, reader.line_num  # line_num: the record's last line
                # blank by its text as pandas skips it (spaces and tabs only): a quoted ""
                # or a no-break space is a row (of missing values, or of that text)
                if "".join(text).strip(BLANK):
                    yield start, fields
                text.clear()
        except csv.Error:  # a field past csv's 128 KB limit: the checks stop, pandas reads on
            return


def refuse_ragged_rows(path: Path, header: bool) -> None:
    """Raise `DataError` naming the first record with more or fewer fields than the first
    (the header, if ``header``): pandas takes an extra first field for the row index, or
    drops it, and fills a short row with missing values. One empty field after the last
    column (a trailing comma) is no field, as pandas reads it."""
    records = _records(path)
    first_line, first = next(records, (0, []))
    width = len(first)
    for line, fields in records:
        if len(fields) != width and fields[width:] != [""]:
            whose = "the header has" if header else f"line {first_line} has"
            raise DataError(f"{path}: line {line} has {len(fields)} fields, {whose} {width}; "
                            "every line needs one field per column")


#: Separators other than the comma: (separator, what the file looks, read_csv's options).
#: A Chinese input method types the full-width comma and the ideographic one (pandas reads
#: those, more than one byte in UTF-8, with its python engine only).
OTHER_SEPARATORS = ((";", ";-separated", "sep=';'"), ("\t", "tab-separated", "sep='\\t'"),
                    ("\uff0c", "separated by full-width commas '\uff0c'",
                     "sep='\uff0c', engine='python'"),
                    ("\u3001", "separated by ideographic commas '\u3001'",
                     "sep='\u3001', engine='python'"))


def refuse_other_separator(path: Path, first: list[str]) -> None:
    """Raise `DataError` for a first row that is one field holding a separator of
    `OTHER_SEPARATORS`: a file separated by those reads as one column."""
    if len(first) != 1:
        return
    for sep, name, option in OTHER_SEPARATORS:
        if sep in first[0]:
            raise DataError(f"{path}: the file looks {name} (first row "
                            f"{cut(first[0], 30)!r}), and hplab reads comma-separated CSV: "
                            f"{_conversion(sep, option)}")


def _conversion(sep: str, option: str) -> str:
    """How to convert a file separated by ``sep`` (read_csv's ``option`` for it)."""
    # Excel writes either where a comma is the decimal mark
    decimal = " (with decimal=',' for numbers written 0,5)" if sep in ";\t" else ""
    return f"convert it, e.g. pd.read_csv(PATH, {option}).to_csv(NEW, index=False){decimal}"


def refuse_separator_hint(path: Path, first: list[str]) -> None:
    """Raise `DataError` for a first line ``sep=,`` (or ``sep=;``): the separator hint Excel
    reads and writes, which pandas took for a header of two columns, one without a name."""
    if first and re.fullmatch(r"sep=\S?", first[0].strip(), re.IGNORECASE) \
            and len(first) <= 2 and not "".join(first[1:]).strip():
        said = ",".join(first)
        sep = first[0].strip()[4:] or ","  # "sep=," is read as the fields "sep=" and ""
        if sep == ",":
            raise DataError(f"{path}: line 1 ({said!r}) is Excel's separator hint, not the "
                            "header: delete that line")
        # deleting it only led to the next refusal, the separator's
        name, option = next(((n, o) for s, n, o in OTHER_SEPARATORS if s == sep),
                            (f"{sep}-separated", f"sep={sep!r}"))
        raise DataError(f"{path}: line 1 ({said!r}) is Excel's separator hint: the file is "
                        f"{name}, and hplab reads comma-separated CSV: "
                        f"{_conversion(sep, option + ', skiprows=1')}")


def refuse_unnamed_columns(path: Path, first: list[str]) -> None:
    """Raise `DataError` for a header cell that is blank or pandas' ``Unnamed: 0``: mostly
    the row index ``to_csv`` writes, a feature that leaks the order the file was sorted in."""
    for i, name in enumerate(c.strip() for c in first):
        if name and not re.fullmatch(r"Unnamed: \d+", name):
            continue
        if i == 0:
            fix = "the row index DataFrame.to_csv writes? Save with to_csv(index=False) or " \
                  "drop the column"
        elif i == len(first) - 1 and not name:
            fix = "a trailing comma on the header line? Remove it"
        else:
            fix = "name it in the header or drop the column"
        said = f" ({name!r}, pandas' name for a blank one)" if name else ""
        raise DataError(f"{path}: column {i + 1} has no name{said}: {fix}")


def header_names(fields: list) -> list:
    """A header line's fields as the loader names its columns: each without the ``'``
    hplab's writer puts before "-x" (a spreadsheet's formula) and the spaces around it,
    the first without the ``# `` np.savetxt writes before a header (`without_comment_mark`).
    Fields that are no text (pandas' numbers) stay as they are."""
    return without_comment_mark([without_spreadsheet_mark(c).strip() if isinstance(c, str)
                                 else c for c in fields])


def without_comment_mark(names: list) -> list:
    """A header's names as NumPy reads them back (np.genfromtxt's ``names=True``): the
    first without the ``# `` np.savetxt writes before a header (``# a,b,y``: a, b, y). A
    column named ``#`` alone keeps its name."""
    if names and isinstance(names[0], str) and names[0].startswith("#") and names[0][1:].strip():
        return [names[0][1:].strip(), *names[1:]]
    return list(names)


def ignored_columns(path: Path, ignore, columns: list[str], target: str) -> tuple[str, ...]:
    """The columns ``?ignore=`` leaves out of the features (an ID, a date, a note), checked
    against the file's ``columns``.

    ``ignore``: comma-separated names (as the option gives them, each percent-decoded
    after the split: ``%2C`` is a comma within a name) or a list of names; None
    leaves none out. A name must be a column and not the target, and at least one feature
    must be left: each is refused in one line naming the columns.
    """
    if ignore is None:
        return ()
    # split, then each name decoded: "x%2Cy" names the column "x,y" (%26 "&", %25 "%")
    names = [urllib.parse.unquote(n).strip() for n in ignore.split(",")] \
        if isinstance(ignore, str) else [str(n).strip() for n in ignore]
    if not all(names):  # "id,,date" is a typo; "" names nothing to leave out
        raise DataError(f"option ignore={','.join(names)!r} must name columns, separated by "
                        "commas (e.g. ignore=id,date)")
    # a name holding a comma quoted, so that it reads as one column
    shown = ", ".join(repr(c) if "," in c else c for c in map(str, columns))
    named = [column_named(n, columns) for n in names]  # the file's é for one typed
    unknown = [n for n, column in zip(names, named, strict=True) if column is None]
    if unknown:
        raise DataError(f"{path}: option ignore names no column {unknown[0]!r}; columns: "
                        f"{shown}")
    names = named
    if target in names:
        raise DataError(f"{path}: option ignore names the target column {target!r}; leave "
                        "out only features (?target= names another target)")
    left_out = tuple(dict.fromkeys(names))  # a name given twice is left out once
    if len(left_out) == len(columns) - 1:
        raise DataError(f"{path}: option ignore leaves no feature column (columns: {shown})")
    return left_out


def line_of_row(path: Path, row: int, header: bool) -> int:
    """The line of data row ``row`` (0-based, as in the table pandas read)."""
    return _record_of_row(path, row, header)[0]


def where_row(path: Path, row: int, header: bool) -> str:
    """``"line N"`` of data row ``row``, or ``"row N"`` (pandas' row) where csv cannot read
    the records that far (a field past its 128 KB limit, which pandas reads)."""
    try:
        return f"line {line_of_row(path, row, header)}"
    except ValueError:
        return f"row {row}"


def cell_of_row(path: Path, row: int, header: bool, column: str) -> str | None:
    """The text of data row ``row``'s cell in ``column`` (a header's name, else x1, x2...
    as the loader names the columns), stripped; None if the row has no such cell."""
    at = int(column[1:]) - 1 if not header and re.fullmatch(r"x[1-9]\d*", column) else None
    for i, (_, fields) in enumerate(_records(path)):
        if header and i == 0:
            names = header_names(fields)  # as the loader read them
            at = names.index(column) if column in names else None
        if i == row + header:
            return fields[at].strip() if at is not None and at < len(fields) else None
    return None


def _record_of_row(path: Path, row: int, header: bool) -> tuple[int, list[str]]:
    """(line, fields) of data row ``row`` (0-based, as in the table pandas read)."""
    for i, record in enumerate(_records(path)):
        if i == row + header:
            return record
    raise ValueError(f"{path} has no data row {row}")
