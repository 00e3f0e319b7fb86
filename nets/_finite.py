"""Values ready for JSON, which has no NaN or infinity: None stands for a measured one
(no number), the text ``"inf"``, ``"-inf"`` or ``"nan"`` for a setting (its value kept);
and the text of a JSON file, UTF-8 as written (`json_file_text`) and as read back
(`read_json_file`)."""

from __future__ import annotations

import json
import math

#: What a non-finite setting is recorded as in a JSON file, and the float it stands for
NON_FINITE_TEXT = {"inf": math.inf, "-inf": -math.inf, "nan": math.nan}


def finite_or_none(obj):
    """``obj`` with every NaN or infinite float as None, and NumPy's values as Python's.

    Parameters
    ----------
    obj : object
        A number, or dicts, lists and tuples of them, nested at will (a ``--json``
        summary); NumPy arrays and scalars among them too.

    Returns
    -------
    object
        ``obj`` rebuilt: NumPy arrays as lists, NumPy scalars as Python numbers, each NaN
        or infinite float as None; tuples stay tuples, anything else as it was.
    """
    return _rebuilt(obj, float, lambda v: v if math.isfinite(v) else None)


def settings_to_json(obj):
    """``obj`` (settings, as a config.json records them) with every NaN or infinite float
    as its text ``"nan"``, ``"inf"`` or ``"-inf"``: standard JSON that keeps the value
    (`settings_from_json` reads it back), where `finite_or_none`'s None would lose it.
    NumPy's values as Python's, as there.

    Parameters
    ----------
    obj : dict, list or scalar
        Settings; dicts, lists and tuples are walked.
    """
    return _rebuilt(obj, float, lambda v: v if math.isfinite(v) else str(v))


def settings_from_json(obj):
    """``obj`` (a config.json read with ``json.load``) with each `NON_FINITE_TEXT` string
    as its float, nested at will: `settings_to_json`'s inverse. Numbers (Infinity, which
    earlier versions wrote) and None are left as they are.

    Parameters
    ----------
    obj : dict, list or scalar
        Parsed JSON; dicts and lists are walked.

    Returns
    -------
    object
        ``obj`` rebuilt, with ``"inf"``, ``"-inf"`` and ``"nan"`` as floats.
    """
    return _rebuilt(obj, str, lambda v: NON_FINITE_TEXT.get(v, v))


def _rebuilt(obj, kind: type, leaf):
    """``obj`` with each value of ``kind`` as ``leaf(value)``, through dicts, lists and
    tuples (kept tuples), NumPy arrays and scalars first made Python's."""
    if hasattr(obj, "tolist"):  # numpy arrays and scalars: Python lists and numbers
        obj = obj.tolist()
    if isinstance(obj, dict):
        return {k: _rebuilt(v, kind, leaf) for k, v in obj.items()}
    if isinstance(obj, list):
        return [_rebuilt(v, kind, leaf) for v in obj]
    if isinstance(obj, tuple):
        return tuple(_rebuilt(v, kind, leaf) for v in obj)
    if isinstance(obj, kind):
        return leaf(obj)
    return obj


def finite_float(value) -> float | None:
    """``value`` as a float, None when it is NaN, infinite or None.

    Parameters
    ----------
    value : number or None
        A measurement; a whole one too, which JSON then writes as a float (``120.0``) as
        every other value of its column (`finite_count` keeps a count whole).

    Returns
    -------
    float or None
    """
    value = math.nan if value is None else float(value)
    return value if math.isfinite(value) else None


def finite_count(value) -> int | float | None:
    """``value`` as an int when whole, else as a float; None when NaN, infinite or None.

    Parameters
    ----------
    value : number or None
        A count: steps, examples, epochs. A step count is whole, but a median over two
        seeds may not be (``1365.5``), nor epochs checkpointed every fraction of one.

    Returns
    -------
    int, float or None
        ``2000`` for ``2000.0`` (JSON wrote ``2000.0`` beside ``"iterations": 2000``).
    """
    value = finite_float(value)
    return int(value) if value is not None and value.is_integer() else value


def parse_number(text: str) -> int | float | None:
    """``text`` as the number it spells: an int where it is one (``50``), else a float
    (``3333.3``, ``1e3``, ``inf``), None where it is neither. A command's flag
    (``--lr-decay-steps``) and a queued point (``study enqueue --point lr=0.5``) read
    numbers alike through it.

    Parameters
    ----------
    text : str
        As typed: Python's ``int`` and ``float`` spellings (``1_000``, `` 5 ``).

    Returns
    -------
    int, float or None
    """
    try:
        return int(text)
    except ValueError:
        pass
    try:
        return float(text)
    except ValueError:
        return None


def count_column(column):
    """A pandas column of counts as `finite_count` gives each (``1``, ``0.5``, None).

    Parameters
    ----------
    column : pandas.Series
        Epochs, steps... (history.csv's epochs, an export's counts).

    Returns
    -------
    pandas.Series
        Of object dtype, on ``column``'s index: ints and floats together in one column of
        floats were every one a float again.
    """
    import pandas as pd

    return pd.Series([finite_count(v) for v in column], index=column.index, dtype=object)


def json_file_text(obj, **options) -> str:
    """``obj`` as the text of a JSON file (UTF-8): non-ASCII as written, a Chinese label or
    path readable in an editor (QA: ``"\\u5b9e\\u9a8c"``), unless some string holds
    what UTF-8 cannot encode (a file name of undecodable bytes, kept as surrogates), which
    is escaped then. ``options`` go to ``json.dumps`` (``indent``, ``default``...).

    Parameters
    ----------
    obj : object
        What ``json.dumps`` takes.
    **options
        As above.
    """
    text = json.dumps(obj, ensure_ascii=False, **options)
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return json.dumps(obj, **options)
    return text


def read_json_file(path):
    """What the JSON file at ``path`` holds, read as UTF-8 with or without a byte order
    mark (QA: a config.json a Windows editor saved with one was "a config.json hplab did
    not write"). Raises OSError if it cannot be read, ValueError if it is not UTF-8 or
    not JSON (``json.JSONDecodeError`` and ``UnicodeDecodeError`` are ValueErrors).

    Parameters
    ----------
    path : str or path
    """
    with open(path, encoding="utf-8-sig") as fh:
        return json.load(fh)
