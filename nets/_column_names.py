"""How a table's column names name a saved model's features: stripped, numbers as
numbers (``400.0`` names ``400``), text in one Unicode form (NFC) unless that makes two of
the model's names one."""

from __future__ import annotations

import math
import unicodedata


def name_key(name, compose: bool = True):
    """A column name as `SavedModel.feature_columns` matches it: stripped text composed
    (NFC: macOS writes "é" as "e" and an accent; ``compose=False``: as written), or a finite
    number (a column named ``nan`` as a number would match nothing, itself included)."""
    text = str(name).strip()
    text = unicodedata.normalize("NFC", text) if compose else text
    try:
        number = float(text)
    except ValueError:
        return text
    return number if math.isfinite(number) else text


def key_for(features):
    """The `name_key` ``features`` are matched by: composed, unless that makes two of them
    one (a file that names "é" twice, in both forms, trains; its header must predict)."""
    def exact(name):
        return name_key(name, compose=False)
    texts = {str(f).strip() for f in features}
    if all(unicodedata.is_normalized("NFC", t) for t in texts):  # the common case: no fold
        return name_key
    composed = {unicodedata.normalize("NFC", t) for t in texts}
    return name_key if len(composed) == len(texts) else exact


def first_positions(keys) -> dict:
    """``{key: position of its first occurrence}`` (what ``keys.index(key)`` gives)."""
    at: dict = {}
    for i, k in enumerate(keys):
        at.setdefault(k, i)
    return at
