"""What pandas does not say about a CSV file: rows of another width, and where a row is.

These read the file again with the `csv` module, which counts fields as pandas does
(quotes included) and knows each record's line; the loaders call them only on suspicion,
so a well-formed file is read once.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from pathlib import Path

from ._dataset import DataError


def _records(path: Path) -> Iterator[tuple[int, list[str]]]:
    """(line, fields) of each record, blank lines skipped as pandas skips them."""
    with path.open(newline="", encoding="utf-8-sig", errors="replace") as fh:
        reader = csv.reader(fh, skipinitialspace=True)
        for fields in reader:
            if any(f.strip() for f in fields) or len(fields) > 1:
                yield reader.line_num, fields


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
