"""Names that are the same text in another Unicode form: macOS writes an accent as a letter
and a combining mark (NFD: "e" + U+0301), a keyboard types it as one character (NFC: "é").
The two look alike in every message, and were told apart as two names."""

from __future__ import annotations

import os
import unicodedata
from pathlib import Path


def name_key(name):
    """``name`` as names are compared: text composed (NFC); anything else as it is."""
    return unicodedata.normalize("NFC", name) if isinstance(name, str) else name


def column_named(name, columns):
    """The one of ``columns`` (as the file writes it) that ``name`` names, in either Unicode
    form; None when none does."""
    if name in columns:
        return name
    return next((c for c in columns if name_key(c) == name_key(name)), None)


def other_form_of(path: Path) -> Path | None:
    """The file in ``path``'s folder whose name is ``path``'s in another Unicode form, where
    ``path`` itself is missing; None when there is none (or the folder cannot be read)."""
    try:
        names = os.listdir(path.parent)
    except OSError:
        return None
    key = name_key(path.name)
    return next((path.parent / n for n in names if n != path.name and name_key(n) == key),
                None)
