"""A spec's table as TOML text, which `load_spec` reads back into the same spec.

Python's tomllib only reads TOML; a spec's table (`StudySpec.raw`, plain JSON values) needs
little of the format: its tables, each of keys set to numbers, strings, booleans, lists
and inline tables. (tomli-w writes a table's scalar keys before its subtables: it would
reorder a space's parameters, and their order sets the order a seeded search draws them.)
"""

from __future__ import annotations

import json
import math
import re

from ._spec import StudySpec

_BARE_KEY = re.compile(r"[A-Za-z0-9_-]+")


def spec_toml(raw: dict | StudySpec, comment: str = "") -> str:
    """``raw`` (a spec's tables, as `parse_spec` takes them, or a `StudySpec`, whose
    ``raw`` they are) as the text of a TOML file, under ``comment`` (one line, written as
    a TOML comment).

    Floats keep every digit (the shortest text that reads back as the same number); a key
    set to None (a Python-built spec's "not set") is left out, as TOML has no null. Raises
    ValueError for what TOML cannot hold (a string with a file name's undecodable byte).

    Parameters
    ----------
    raw : dict or StudySpec
        As above.
    comment : str, optional
        One line written above the tables; "" for none.
    """
    if isinstance(raw, StudySpec):  # it failed as "'StudySpec' object has no attribute 'items'"
        raw = raw.raw
    if not isinstance(raw, dict):
        raise TypeError("raw must be a spec's tables (a dict) or a StudySpec, got "
                        f"{type(raw).__name__}")
    lines = [f"# {comment}", ""] if comment else []
    for table, body in raw.items():
        if not isinstance(body, dict):
            raise ValueError(f"{table}: a spec's top level holds tables, got {body!r}")
        lines.append(f"[{_key(table)}]")
        lines += [f"{_key(k)} = {_value(v)}" for k, v in body.items() if v is not None]
        lines.append("")
    return "\n".join(lines)


def _key(key: str) -> str:
    return key if _BARE_KEY.fullmatch(key) else _string(key)


def _string(text: str) -> str:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        # a file name's byte that is no UTF-8 (kept by Python as a lone surrogate): TOML is
        # UTF-8 text, whose \u escapes exclude surrogates, so no spec file can name it
        raise ValueError(f"{text!r} holds a byte that is no UTF-8 (a file name's): a TOML "
                         "spec cannot hold it") from None
    # JSON's escapes are TOML's (\" \\ \n \t \uXXXX...); DEL is a control TOML escapes too
    return json.dumps(text, ensure_ascii=False).replace("\x7f", "\\u007f")


def _value(value) -> str:
    if isinstance(value, bool):  # before int: True is an int to Python
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):  # repr: the shortest text that round-trips (inf, nan too)
        return repr(value) if math.isfinite(value) else str(value)
    if isinstance(value, str):
        return _string(value)
    if isinstance(value, list | tuple):
        return "[" + ", ".join(_value(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{_key(k)} = {_value(v)}" for k, v in value.items()
                               if v is not None) + "}"
    raise ValueError(f"{value!r} cannot be written in a TOML spec (a {type(value).__name__})")
