"""A table's cells made safe where they are shown: a ``'`` before a text a spreadsheet would
run as a formula, and the ESC sequences a terminal would run escaped."""

from __future__ import annotations

import re

from ._printable import escaped

# a spreadsheet runs a cell starting with one of these as a formula (=HYPERLINK(...), DDE);
# class names and trial user attrs come from other people's data and other Optuna clients
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
# ...unless it reads as a plain number (a label -1 or +0.5): a spreadsheet takes a number
_NUMBER = re.compile(r"[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?")


def spreadsheet_cell(value):
    """``value`` as a CSV cell a spreadsheet shows as it is: a text starting with
    ``= + - @``, a tab or a carriage return gets a leading ``'`` (OWASP's advice against
    CSV injection), unless it reads as a plain number (``-1``, ``+0.5``); anything else,
    numbers included, is returned unchanged. data's CSV reader drops that ``'`` again
    (data/_spreadsheet_mark.py: the rule's constants copied, data not importing nets).

    Parameters
    ----------
    value : object
        A cell as stored: only a ``str`` may change.
    """
    if isinstance(value, str) and needs_spreadsheet_mark(value):
        return "'" + value
    return value


def needs_spreadsheet_mark(text: str) -> bool:
    """Whether `spreadsheet_cell` puts a ``'`` before ``text``: one starting with a formula's
    character that is no plain number, after any ``'`` of its own (``'=x`` is written
    ``''=x``), so that a reader dropping one ``'`` from a marked cell gets the text back."""
    bare = text.lstrip("'")
    return bare.startswith(_FORMULA_START) and not _NUMBER.fullmatch(bare)


def spreadsheet_safe(frame):
    """``frame`` with `spreadsheet_cell` applied to its column names and text cells (its
    numeric columns as they are); ``frame`` itself when nothing needs it.

    Parameters
    ----------
    frame : pandas.DataFrame
        The table about to be written as CSV; never changed in place.
    """
    return _cells_mapped(frame, spreadsheet_cell)


def terminal_safe(frame):
    """``frame`` with its column names and text cells `escaped` (``\\x1b``, ``\\r``): a CSV
    printed to a terminal, whose stored strings (another Optuna client's user attributes,
    a categorical choice) could move its cursor, clear it or retitle it raw. For a
    terminal only: a file or a pipe takes the cells as stored. ``frame`` itself when
    nothing needs it."""
    return _cells_mapped(frame, _terminal_cell)


def _terminal_cell(value):
    """``value`` `escaped` where it is text holding what a terminal would run; else
    ``value`` itself (`_cells_mapped` tells a changed cell by identity)."""
    if not isinstance(value, str):
        return value
    shown = escaped(value)
    return value if shown == value else shown


def _cells_mapped(frame, cell):
    """``frame`` with ``cell`` applied to its column names and the cells of its text
    columns, ``frame`` itself where ``cell`` returns every one of them unchanged (the same
    object): a copy only where one is needed."""
    import pandas as pd  # not at import: nets loads without pandas (a study's --help)

    texts = [name for name, column in frame.items()
             if not pd.api.types.is_numeric_dtype(column)
             and not pd.api.types.is_bool_dtype(column)]
    changed = [name for name in texts
               if any(cell(v) is not v for v in _distinct(frame[name]))]
    names = [cell(name) for name in frame.columns]
    if not changed and names == list(frame.columns):
        return frame
    out = frame.copy()
    for name in changed:
        out[name] = frame[name].astype(object).map(cell)
    out.columns = names
    return out


def _distinct(column):
    """``column``'s distinct values, to check each once: a report's class column repeats a
    few labels over a grid of 40,000 points (cell by cell, 0.3 s a report); all of them
    where one cannot be hashed (a list an Optuna client stored)."""
    import pandas as pd

    try:
        return pd.unique(column)
    except TypeError:
        return column
