"""The ``'`` hplab's CSV writer puts before a text cell a spreadsheet would run as a formula
(nets' `spreadsheet_cell`: ``-ve`` is written ``'-ve``), dropped when a CSV is read back.

The rule is the writer's, nets/_safe_cells.py's `needs_spreadsheet_mark`; data may not import
nets, so its two constants are copied here, and tests/test_csv_injection.py holds them equal
and the round trip whole.
"""

from __future__ import annotations

import re

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_NUMBER = re.compile(r"[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?")


def without_spreadsheet_mark(value):
    """``value`` without the ``'`` hplab's writer put before it (``'-ve``: ``-ve``;
    ``''=x``: ``'=x``); any other value, ``'-1`` or ``'abc`` too, unchanged."""
    if isinstance(value, str) and value.startswith("'"):
        # the writer marks a text whose start after its own 's is a formula's, no number
        bare = value.lstrip("'")
        if bare.startswith(_FORMULA_START) and not _NUMBER.fullmatch(bare):
            return value[1:]
    return value
