"""A dataset name in its other forms: with options added, its paths made absolute, in one
order to compare, and the files it reads."""

from __future__ import annotations

import urllib.parse
from pathlib import Path

from ._csv_load import option_text
from ._dataset import DataError
from ._files import _existing
from ._home import expand_home
from ._idx import find_idx_files
from ._path_escapes import _escape_path, _name_paths, _read_paths, _unescape_path
from ._registry import PREFIXES, parse_name


def with_options(name: str, **options) -> str:
    """``name`` with ``options`` added as `parse_name` reads them back, its own kept:
    ``with_options("csv:a.csv?target=kind", positive="R&D")`` is
    ``"csv:a.csv?target=kind&positive=R%26D"`` (a value's "&", "=", "%" and "?"
    percent-encoded, `option_text`). Options of value None are left out.

    Parameters
    ----------
    name : str
        A dataset name, as `load` takes it.
    **options
        Option values by name (``imbalance="1:50"``), each written by `option_text`.
    """
    extra = [f"{k}={option_text(v)}" for k, v in options.items() if v is not None]
    if not extra:
        return name
    return name + ("" if name.endswith("?") else "&" if "?" in name else "?") + "&".join(extra)


def absolute_name(name: str) -> str:
    """``name`` with the paths of ``idx:``/``npz:``/``csv:`` made absolute, options kept
    (``csv:a.csv?target=y`` -> ``csv:/home/me/a.csv?target=y``): a saved model names its
    data the same from any folder. A name that is none (a hand-built Dataset's) is kept.

    Parameters
    ----------
    name : str
        A dataset name, as `load` takes it.
    """
    try:
        key, arg, _ = parse_name(name)
    except DataError:
        return name
    if arg is None:
        return name
    paths = _name_paths(key, arg)
    # resolved, not abspath: "L/../a" through a link L is the file the run read, and
    # abspath's textual ".." names another
    base = ",".join(_escape_path(str(expand_home(p).resolve())) for p in paths)
    query = name.strip().partition("?")[2]
    return f"{key}:{base}" + (f"?{query}" if query else "")


def canonical_name(name: str) -> str:
    """``name`` as `absolute_name` makes it, with its options in one order (values read
    back from their escapes), to compare two names: ``csv:a.csv?target=y&task=regression``
    and ``csv:a.csv?task=regression&target=y`` are one dataset. Not a name to store.

    Parameters
    ----------
    name : str
        A dataset name, as `load` takes it.
    """
    full = absolute_name(name)
    try:
        _, _, options = parse_name(full)
    except DataError:
        return full
    base = full.strip().partition("?")[0]
    # quote, not urlencode's quote_plus: parse_name reads "+" back as itself, not a space
    query = urllib.parse.urlencode(sorted(options.items()), quote_via=urllib.parse.quote)
    return base + (f"?{query}" if options else "")


def source_paths(name: str) -> list[Path]:
    """The files (or IDX folder) that loading ``name`` reads; none for built-in sets.

    Parameters
    ----------
    name : str
        A dataset name, as `load` takes it.
    """
    key, arg, _ = parse_name(name)
    return [expand_home(p) for p in _name_paths(key, arg)] if key in PREFIXES else []


def check_sources(name: str) -> None:
    """Refuse, as loading ``name`` would, a file or IDX folder it names that is not there,
    the path said as typed: for a caller that loads it by `absolute_name` (in its workers).

    Parameters
    ----------
    name : str
        A dataset name, as `load` takes it.
    """
    key, arg, _ = parse_name(name)
    if key == "idx":
        find_idx_files(_unescape_path(arg))
    elif key in PREFIXES:
        for path in _read_paths(arg):
            if path:
                _existing(path)
