"""Text in aligned columns for the terminal: cells measured in terminal columns (a wide
character takes two), escaped, a missing value as '-'."""

from __future__ import annotations

import math
import numbers
import unicodedata

from nets import escaped


def text_width(text: str) -> int:
    """The terminal columns ``text`` takes: two for each wide (W) and full-width (F)
    character (Chinese, full-width forms), none for a combining mark (a decomposed é's
    accent, drawn over its e).

    Parameters
    ----------
    text : str
        The text, as printed.
    """
    if text.isascii():  # most cells: one column a character, without a lookup for each
        return len(text)
    return sum(0 if unicodedata.category(c) in ("Mn", "Me") else
               2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def table_lines(frame, *, index: bool = True, float_format=None) -> list[str]:
    """``frame`` as lines of aligned columns, a header line first: numbers right-aligned
    under their header, text left-aligned, in terminal columns (a wide character takes
    two); cells escaped (`nets.escaped`), a missing value as '-'.

    Parameters
    ----------
    frame : DataFrame
    index : bool
        Show the index as the first column.
    float_format : callable, optional
        A float's text (default 6 significant digits).

    Returns
    -------
    list of str
    """
    columns = [("", frame.index.tolist())] if index else []
    columns += [(str(name), frame[name].tolist()) for name in frame.columns]
    table = []
    for header, values in columns:
        cells = [escaped(_cell(v, float_format)) for v in values]
        present = [v for v in values if not _missing(v)]
        numeric = bool(present) and all(isinstance(v, numbers.Number) and
                                        not isinstance(v, bool) for v in present)
        table.append((escaped(header), cells, numeric))
    widths = [max(map(text_width, [header, *cells])) for header, cells, _ in table]
    lines = []
    for row in zip(*([header, *cells] for header, cells, _ in table), strict=True):
        parts = []
        for text, width, (_, _, numeric) in zip(row, widths, table, strict=True):
            fill = " " * (width - text_width(text))
            parts.append(fill + text if numeric else text + fill)
        lines.append(" ".join(parts).rstrip())
    return lines


def _padded(text: str, width: int) -> str:
    """``text`` escaped and left-aligned in ``width`` terminal columns (never cut): a wide
    character (Chinese, full-width) takes two, so format's ``:<`` misaligned the columns
    after it."""
    text = escaped(text)  # as hplab prints it (\x1b takes 4 columns)
    return text + " " * max(0, width - text_width(text))


def _missing(value) -> bool:
    """None, NaN or pandas' NA: a cell shown as '-'."""
    return value is None or (isinstance(value, float) and math.isnan(value)) or \
        type(value).__name__ == "NAType"


def _cell(value, float_format) -> str:
    """A table cell's text ('-' when missing; a float by ``float_format``, else 6
    significant digits)."""
    if _missing(value):
        return "-"
    if isinstance(value, float):
        return float_format(value) if float_format else f"{value:.6g}"
    return str(value)
