"""A DataFrame as a report's table block: the rows shown, each column formatted, the
columns a printout keeps."""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence

import pandas as pd

from . import design

_LONG_TEXT = 24  # characters past which a table column reads as sentences
#: the characters of a text cell that holds figures only: an interval "[0.8850, 1.0000]",
#: a difference "0.66 ± 0.47", a missing value "–"
_FIGURE_CHARS = frozenset("0123456789.,eE+-−–±[]() ")


def rows_shown(total: int, max_rows: int) -> int:
    """Rows a table of ``total`` rows shows under a cap of ``max_rows``: every one up to half
    again the cap (hiding a handful sends the reader to the CSV for the rows a verdict
    often names: a scaling study's largest batch, the rate past a grid's edge)."""
    return total if total <= max_rows + max_rows // 2 else max_rows


def caption_title(caption: str) -> str:
    """The words of a table's caption that name it: its first sentence, up to the first
    ". " or "; " outside parentheses ("Every trial (best first)" of "Every trial (best
    first). Same in every row: ..."); "" for no caption."""
    depth = 0
    for i, char in enumerate(caption):
        depth += (char in "([") - (char in ")]")
        if depth > 0 or char not in ".;" or caption[i + 1:i + 2] not in ("", " "):
            continue  # "0.5", "(mean; std)" go on
        if not caption[:i].endswith(("e.g", "i.e")):
            return caption[:i].strip()
    return caption.strip()


def table_titles(sections) -> dict[str, str]:
    """Each table's name (a report's ``_sections``' table blocks, by ``name``) to its
    ``<caption>``: its ``title``, and where another table's is the same (a ratio's tables
    in an imbalance report of several), its section's heading too, in parentheses."""
    tables = [(b, s.title) for s in sections for b in s.blocks if b["type"] == "table"]
    counts = Counter(b["title"] for b, _ in tables)
    return {b["name"]: b["title"] + (f" ({heading})" if counts[b["title"]] > 1 else "")
            for b, heading in tables}


def table_block(df: pd.DataFrame, *, name: str, caption: str, max_rows: int, index: bool,
                stems: Sequence[str], title: str) -> dict:
    """`Report.add_table`'s block of ``df`` but its ``printed`` and ``print_note`` (those
    of `_printed_columns`): the rows shown (`rows_shown`), formatted a column at a time;
    ``title``, its name in its ``<caption>`` (`table_titles`)."""
    shown = df.head(rows_shown(len(df), max_rows))
    numeric = [pd.api.types.is_numeric_dtype(df[c]) and not pd.api.types.is_bool_dtype(df[c])
               for c in df.columns]
    # formatted a column at a time: one notation and no separators down a column
    columns = [design.format_column(_py(v) for v in shown.iloc[:, k])
               for k in range(shown.shape[1])]
    rows = [list(row) for row in zip(*columns, strict=True)] if columns else []
    # a column of sentences (a trial's reason) wraps at a readable width, not a word
    # a line: decided per column, so short and long reasons line up
    long = [not num and any(len(r[k]) > _LONG_TEXT for r in rows)
            for k, num in enumerate(numeric)]
    # a text column of figures (an interval) keeps each cell on one line, as a number
    # column does (QA: the imbalance ranking's "[0.8850, / 1.0000]" broke at its comma)
    figures = [not num and not lng and any(any(c.isdigit() for c in r[k]) for r in rows)
               and all(set(r[k]) <= _FIGURE_CHARS for r in rows)
               for k, (num, lng) in enumerate(zip(numeric, long, strict=True))]
    return {
        "type": "table", "name": name, "title": str(title),
        "columns": [str(c) for c in df.columns],
        "numeric": numeric, "long": long, "figures": figures, "rows": rows,
        "caption": str(caption),
        "row_header": index and len(df.columns) > 0,
        "total": len(df), "shown": len(shown), "csv": [f"{stem}.csv" for stem in stems],
    }


def _printed_columns(df: pd.DataFrame, keep: Sequence[str] | None, stems) -> dict:
    """The table block's ``printed`` (per column: whether a printout shows it; None: all)
    and ``print_note``, the printed caption's word on the columns left to the CSV."""
    columns = [str(c) for c in df.columns]
    if keep is None:
        return {"printed": None, "print_note": ""}
    unknown = [c for c in keep if c not in columns]
    if unknown:
        raise ValueError(f"print_columns names no column of the table: {', '.join(unknown)}")
    printed = [c in keep for c in columns]
    return {"printed": printed, "print_note": (
        f"Printed: {sum(printed)} of its {len(columns)} columns; every column is in "
        f"{stems[0]}.csv.")}


def _py(value):
    """numpy scalars and NaN-like values to what format_value expects."""
    if hasattr(value, "item") and not isinstance(value, str):
        value = value.item()
    if isinstance(value, float) and math.isnan(value):
        return None
    return value
