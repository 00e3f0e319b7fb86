"""Names and errors in messages: the characters a name may not print as they are (the
ones that move a terminal's cursor or reorder the text around them), lists and counts of
names, an error on one line (a study's name, a class label, a file: every package prints
them, and nets is the one all of them import)."""

from __future__ import annotations

import errno
import os
import unicodedata

# bidi embeddings, overrides and isolates (U+202A-202E, U+2066-2069): printed, they
# reorder the text after them ("rtl\u202eexe.txt" reads as "rtltxt.exe")
_BIDI_CONTROLS = frozenset(map(chr, [*range(0x202A, 0x202F), *range(0x2066, 0x206A)]))


def unprintable(c: str) -> bool:
    """Whether ``c`` is a control character (ESC, CR, BEL, NUL...), a line or paragraph
    separator, a bidi control, or a lone surrogate (a path's byte that was no UTF-8,
    ``\\udcff``: no UTF-8 file or page can hold it). Other format characters print as
    they are: the zero-width (non-)joiners Persian spelling and emoji sequences use, a
    soft hyphen.

    Parameters
    ----------
    c : str
        One character.
    """
    return c in _BIDI_CONTROLS or unicodedata.category(c) in ("Cc", "Cs", "Zl", "Zp")


def escaped(text: str, keep: str = "") -> str:
    """``text`` with each `unprintable` character but those in ``keep`` written as its
    escape (``\\x1b``).

    Parameters
    ----------
    text : str
        The text to print.
    keep : str, default ""
        The characters left as they are (a page keeps tabs and newlines).
    """
    if text.isascii() and text.isprintable():  # most text: nothing to look at
        return text
    return "".join(c.encode("unicode_escape").decode("ascii")
                   if unprintable(c) and c not in keep else c for c in text)


def folder_text(folder) -> str:
    """A folder as a message names it: as given (runs/train/xor), or absolute where given
    it ends in no name ("", ".", ".."): "the report in ." said nothing.

    Parameters
    ----------
    folder : str or os.PathLike
        The folder, as given.
    """
    text = os.fspath(folder)
    return os.path.abspath(text) if os.path.basename(os.path.normpath(text or ".")) in (
        ".", "..") else text


def and_list(names) -> str:
    """``"a"``, ``"a and b"``, ``"a, b and c"``: names in a sentence (every package writes
    lists of strategies, optimizers, settings into its messages).

    Parameters
    ----------
    names : sequence of str
        The names, in order.
    """
    names = [str(n) for n in names]
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} and {names[-1]}"


def first_names(names, shown: int, *, total: bool = True, quote_commas: bool = False) -> str:
    """The first ``shown`` of ``names``, comma-separated, then ``"..."`` for the rest:
    64 pixel names, or a CSV's 300 columns, filled the line.

    Parameters
    ----------
    names : iterable
        Shown as text (``str``).
    shown : int
        How many are listed.
    total : bool
        Say how many there are after the "..." (``"... (64 in all)"``); False where the
        text around already counts them ("64 features (px0, ...)").
    quote_commas : bool
        Quote a name that holds a comma (``'Last, First'``), so that it reads as one: for
        column names, which may (not for shapes such as ``(64, 784)``).

    Returns
    -------
    str
    """
    names = [repr(n) if quote_commas and "," in n else n for n in map(str, names)]
    if len(names) <= shown:
        return ", ".join(names)
    return ", ".join(names[:shown]) + (f", ... ({len(names)} in all)" if total else ", ...")


def count_of(n: int | float, noun: str, plural: str | None = None, fmt: str = "") -> str:
    """``"1 seed"``, ``"3 seeds"``, ``"1 epoch"``, ``"0.5 epochs"``: a count and its noun
    in the right number.

    Parameters
    ----------
    n : int or float
    noun : str
        The singular.
    plural : str, optional
        Default: the singular plus "s".
    fmt : str
        The format of ``n`` (``"g"``: 1.0 as "1"); the noun is singular where ``n`` is 1
        or reads "1" so formatted.

    Returns
    -------
    str
    """
    text = format(n, fmt)
    return f"{text} {noun if n == 1 or text == '1' else plural or noun + 's'}"


def short_repr(value, limit: int = 100) -> str:
    """``repr(value)`` for a message about a file's content, at most about ``limit``
    characters: a list or tuple longer than five shows its first five items and its length
    (``[0, 1, 2, 3, 4, ... (100000 in all)]``), and what is still longer is cut, its length
    told (a crafted model's 100,000 classes made a 689 KB "one-line" error)."""
    if isinstance(value, list | tuple) and len(value) > 5:
        text = f"[{', '.join(map(repr, value[:5]))}, ... ({len(value)} in all)]"
    else:
        text = repr(value)
    return short_text(text, limit)


def short_text(text: str, limit: int = 300) -> str:
    """``text`` cut after ``limit`` characters, its length told."""
    return text if len(text) <= limit else f"{text[:limit]}... ({len(text)} characters)"


def error_line(exc: BaseException) -> str:
    """``exc``'s message on one line (each run of whitespace one space), or its class name
    when it has none: how an error is quoted inside another line.

    Parameters
    ----------
    exc : BaseException
        The error.
    """
    return " ".join(str(exc).split()) or type(exc).__name__


# what a write alone fails with: the file named is one being written
_WRITE_ERRORS = frozenset({errno.ENOSPC, errno.EDQUOT, errno.EFBIG, errno.EROFS})


def os_error_line(exc: OSError) -> str:
    """``exc`` as a command's error line, in words: "cannot write a.csv: No space left on
    device", "runs: Permission denied" (Python's "[Errno 28] No space left on device:
    'a.csv'" read as a crash, where a report's failure said the same in words).

    Parameters
    ----------
    exc : OSError
        The error.
    """
    if not exc.strerror:  # raised with a message of ours
        return error_line(exc)
    if exc.filename is None:
        return exc.strerror
    where = escaped(os.fsdecode(exc.filename))  # a newline in a name: still one line
    if exc.filename2 is not None:  # a rename, a link: both ends
        where = f"{where} -> {escaped(os.fsdecode(exc.filename2))}"
    if exc.errno in _WRITE_ERRORS:
        return f"cannot write {where}: {exc.strerror}"
    return f"{where}: {exc.strerror}"
