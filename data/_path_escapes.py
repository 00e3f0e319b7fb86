"""The path part of a dataset name (``csv:PATH[,PATH_TEST]``): its escapes, and read back."""

from __future__ import annotations

import re
import urllib.parse

from ._dataset import DataError
from ._home import expand_home

# "," parts a path from the test file's and "?" starts the options: in a path they are
# written %2C and %3F (and "%" itself %25), so that any path round-trips through a name;
# a space that ends a name is dropped (as one typed after "coin"), so a path's last spaces
# are written %20 (other spaces may stay: "My Data/d.csv")
_PATH_ESCAPES = {"%": "%25", ",": "%2C", "?": "%3F"}
_PATH_UNESCAPES = re.compile("|".join([*_PATH_ESCAPES.values(), "%20"]), re.IGNORECASE)
_ESCAPE_HINT = "in a path write ',' as %2C, '?' as %3F and '%' as %25"


def _escape_path(path: str) -> str:
    escaped = "".join(_PATH_ESCAPES.get(c, c) for c in path)
    kept = escaped.rstrip(" ")
    return kept + "%20" * (len(escaped) - len(kept))


def _unescape_path(text: str) -> str:
    """``text`` with its escapes read back, or ``text`` itself when only that exists: a
    name saved before paths were escaped holds them as they were ('100%25 done')."""
    path = _PATH_UNESCAPES.sub(lambda m: urllib.parse.unquote(m.group()), text)
    if path != text and not expand_home(path).exists() and expand_home(text).exists():
        return text
    return path


def _paths(arg: str) -> tuple[str, str | None]:
    train, _, test = arg.partition(",")
    return _unescape_path(train), (_unescape_path(test) if test else None)


def _read_paths(arg: str) -> tuple[str, str | None]:
    """`_paths`, refusing a missing train file with a hint when a test file follows, and
    an empty test path: ``csv:train.csv,$TEST`` with $TEST unset held out 20 % instead."""
    train, test = _paths(arg)
    if "," in arg and not (test or "").strip():
        raise DataError(f"no test file after ',' in {arg!r}: name it, or leave out the ',' "
                        "to hold out part of the training file")
    if test and not expand_home(train).exists():  # likely a "," meant in the path
        raise DataError(f"file not found: {train} (',' separates the test file; "
                        f"{_ESCAPE_HINT})")
    return train, test


def _name_paths(key: str, arg: str) -> list[str]:
    """The paths a ``key:arg`` name reads, escapes read back (an IDX folder's is one)."""
    return [_unescape_path(arg)] if key == "idx" else [p for p in _paths(arg) if p]
