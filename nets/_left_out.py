"""The columns a saved model's training data left out (a CSV's ``?ignore=``), for the
errors of inputs that still hold them: a count of columns alone left the user to guess."""

from __future__ import annotations

import re
import urllib.parse


def left_out_columns(meta: dict) -> tuple[str, ...]:
    """The column names ``?ignore=`` left out of the training data the model's ``meta``
    names (its ``dataset``), read as `data` reads them: the list split on commas, then
    each name percent-decoded. Empty for none (nets may not import data)."""
    raw = _ignore_option(meta)
    return tuple(urllib.parse.unquote(n).strip() for n in raw.split(",")) if raw else ()


def left_out_hint(meta: dict, fix: str, present=None, **fields: str) -> str:
    """``"; the model was trained on NAME, which leaves out COLS: FIX"``, or "" when its
    training left no column out. ``fix`` may hold ``{option}`` (``ignore=...``, as the
    training name wrote it), ``{listed}`` (the same list without ``ignore=``),
    ``{columns}`` (the columns, for a headerless file by position: ``column 1 (x1)``) and
    the ``fields`` given: text such as a dataset's name, whose own braces (a path's) are
    no fields of ``fix``. With ``present`` (column names the input still holds), the
    three fields name only the left-out columns among them, and "" when there are none:
    a dataset leaving out some of them already is told the rest."""
    raw = _ignore_option(meta)
    if not raw:
        return ""
    names = left_out_columns(meta)
    parts = raw.split(",")  # one each, as left_out_columns decoded them
    if present is not None:
        present = set(map(str, present))
        kept = [i for i, n in enumerate(names) if n in present]
        if not kept:
            return ""
        raw = ",".join(parts[i] for i in kept)
        shown = tuple(names[i] for i in kept)
    else:
        shown = names
    # the run's name when it is the dataset as the command spelled it (the default), not
    # a --name such as "fr" (QA: "trained on fr, which leaves out id"): then the dataset
    name = meta.get("name")
    trained = str(name if ignore_option(name) == raw else meta.get("dataset") or name)
    headerless = "header=no" in str(meta.get("dataset") or "")
    columns = ", ".join(f"column {n[1:]} ({n})" if headerless and re.fullmatch(r"x\d+", n)
                        else n for n in shown)
    return (f"; the model was trained on {trained}, which leaves out {', '.join(names)}: "
            + fix.format(option=f"ignore={raw}", listed=raw, columns=columns,
                                  **fields))


def _ignore_option(meta: dict) -> str:
    """The raw value of the ``ignore`` option of the model's training dataset name."""
    return ignore_option(meta.get("dataset") or meta.get("name"))


def ignore_option(name) -> str:
    """The raw (still percent-encoded) value of a dataset name's ``ignore`` option; ""
    for none."""
    if not isinstance(name, str):
        return ""
    for part in name.partition("?")[2].split("&"):
        key, _, value = part.partition("=")
        if key.strip() == "ignore":
            return value.strip()
    return ""
