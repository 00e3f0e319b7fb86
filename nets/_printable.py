"""Characters a name may not print as they are: the ones that move a terminal's cursor or
reorder the text around them (a study's name, a class label: every package prints names,
and nets is the one all of them import)."""

from __future__ import annotations

import errno
import os
import shlex
import unicodedata

# bidi embeddings, overrides and isolates (U+202A-202E, U+2066-2069): printed, they
# reorder the text after them ("rtl\u202eexe.txt" reads as "rtltxt.exe")
_BIDI_CONTROLS = frozenset(map(chr, [*range(0x202A, 0x202F), *range(0x2066, 0x206A)]))


def unprintable(c: str) -> bool:
    """Whether ``c`` is a control character (ESC, CR, BEL, NUL...), a line or paragraph
    separator, a bidi control, or a lone surrogate (a path's byte that was no UTF-8,
    ``\\udcff``: no UTF-8 file or page can hold it). Other format characters print as
    they are: the zero-width (non-)joiners Persian spelling and emoji sequences use, a
    soft hyphen."""
    return c in _BIDI_CONTROLS or unicodedata.category(c) in ("Cc", "Cs", "Zl", "Zp")


def escaped(text: str, keep: str = "") -> str:
    """``text`` with each `unprintable` character but those in ``keep`` written as its
    escape (``\\x1b``)."""
    if text.isascii() and text.isprintable():  # most text: nothing to look at
        return text
    return "".join(c.encode("unicode_escape").decode("ascii")
                   if unprintable(c) and c not in keep else c for c in text)


def shell_word(text) -> str:
    """``text`` as one word a shell reads back: ``shlex.quote``'s, or, holding what no
    page or terminal shows as it is (`unprintable`: a file name's byte that was no UTF-8,
    kept as ``\\udcd6``; ESC, a newline), bash's ``$'...'`` with those as escapes
    (``$'csv:\\xd6\\xd0.csv'``), which names the same bytes when pasted."""
    text = os.fspath(text)
    if not any(unprintable(c) for c in text):
        return shlex.quote(text)
    return "$'" + "".join(_ansi_c(c) for c in text) + "'"


def shell_line(words) -> str:
    """``words`` as a command line: each a `shell_word`, as ``shlex.join`` joins them."""
    return " ".join(shell_word(w) for w in words)


def shell_split(line: str) -> list[str]:
    """``line``'s words as a shell reads them: `shell_word`'s inverse, as ``shlex.split``
    is ``shlex.quote``'s, also reading bash's ``$'...'`` (its ``\\xHH`` bytes that are no
    UTF-8 back as ``\\udcHH``, the name `os.fsdecode` gives). An open quote or a
    trailing backslash: ValueError, as shlex says."""
    words, word, i = [], None, 0
    while i < len(line):
        c = line[i]
        if c in " \t\r\n":
            if word is not None:
                words.append(word)
            word, i = None, i + 1
            continue
        word = word or ""
        if line.startswith("$'", i):
            text, i = _read_ansi_c(line, i + 2)
        elif c == "'":
            end = line.find("'", i + 1)
            if end < 0:
                raise ValueError("No closing quotation")
            text, i = line[i + 1:end], end + 1
        elif c == '"':
            text, i = _read_double_quoted(line, i + 1)
        elif c == "\\":
            if i + 1 == len(line):
                raise ValueError("No escaped character")
            text, i = ("" if line[i + 1] == "\n" else line[i + 1]), i + 2
        else:
            text, i = c, i + 1
        word += text
    return words if word is None else [*words, word]


def _read_double_quoted(line: str, i: int) -> tuple[str, int]:
    """The text of a ``"..."`` whose inside starts at ``i``, and where it ends."""
    text = []
    while i < len(line) and line[i] != '"':
        if line[i] == "\\" and i + 1 < len(line) and line[i + 1] in '$`"\\\n':
            text.append("" if line[i + 1] == "\n" else line[i + 1])
            i += 2
        else:
            text.append(line[i])
            i += 1
    if i == len(line):
        raise ValueError("No closing quotation")
    return "".join(text), i + 1


# bash's one-letter escapes inside $'...' (\xHH, \uHHHH, \UHHHHHHHH are read apart)
_ANSI_C_LETTERS = {"a": "\a", "b": "\b", "e": "\x1b", "E": "\x1b", "f": "\f", "n": "\n",
                   "r": "\r", "t": "\t", "v": "\v", "\\": "\\", "'": "'", '"': '"', "?": "?"}


def _read_ansi_c(line: str, i: int) -> tuple[str, int]:
    """The text of a ``$'...'`` whose inside starts at ``i``, and where it ends. Bytes
    (``\\xHH``) are gathered and read as UTF-8 together: ``\\xc3\\xa9`` is é."""
    text, data = [], bytearray()  # data: the \xHH bytes not yet read
    while i < len(line) and line[i] != "'":
        c, i = line[i], i + 1
        if c != "\\" or i == len(line):
            text.append(data.decode("utf-8", "surrogateescape") + c)
            data.clear()
            continue
        kind = line[i]
        digits = {"x": 2, "u": 4, "U": 8}.get(kind, 0)
        hexa = line[i + 1:i + 1 + digits]
        hexa = hexa[:len(hexa) - len(hexa.lstrip("0123456789abcdefABCDEF"))] if digits \
            else ""
        if kind == "x" and hexa:
            data.append(int(hexa, 16))
            i += 1 + len(hexa)
            continue
        if hexa:  # \u, \U: a code point
            text.append(data.decode("utf-8", "surrogateescape") + chr(int(hexa, 16)))
            i += 1 + len(hexa)
        else:  # bash keeps a backslash it has no escape for
            text.append(data.decode("utf-8", "surrogateescape")
                        + _ANSI_C_LETTERS.get(kind, "\\" + kind))
            i += 1
        data.clear()
    if i == len(line):
        raise ValueError("No closing quotation")
    return "".join(text) + data.decode("utf-8", "surrogateescape"), i + 1


def _ansi_c(c: str) -> str:
    """``c`` as it is written inside bash's ``$'...'``."""
    if c in "'\\":
        return "\\" + c
    if 0xDC80 <= ord(c) <= 0xDCFF:  # a byte Python read as no UTF-8 (surrogateescape)
        return f"\\x{ord(c) - 0xDC00:02x}"
    if not unprintable(c):
        return c
    if ord(c) < 0x80:
        return f"\\x{ord(c):02x}"
    return f"\\u{ord(c):04x}" if ord(c) <= 0xFFFF else f"\\U{ord(c):08x}"


def folder_text(folder) -> str:
    """A folder as a message names it: as given (runs/train/xor), or absolute where given
    it ends in no name ("", ".", ".."): "the report in ." said nothing."""
    text = os.fspath(folder)
    return os.path.abspath(text) if os.path.basename(os.path.normpath(text or ".")) in (
        ".", "..") else text


def and_list(names) -> str:
    """``"a"``, ``"a and b"``, ``"a, b and c"``: names in a sentence (every package writes
    lists of strategies, optimizers, settings into its messages)."""
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


def count_of(n: int, noun: str, plural: str | None = None) -> str:
    """``"1 seed"``, ``"3 seeds"``: a count and its noun in the right number.

    Parameters
    ----------
    n : int
    noun : str
        The singular.
    plural : str, optional
        Default: the singular plus "s".

    Returns
    -------
    str
    """
    return f"{n} {noun if n == 1 else plural or noun + 's'}"


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
    when it has none: how an error is quoted inside another line."""
    return " ".join(str(exc).split()) or type(exc).__name__


# what a write alone fails with: the file named is one being written
_WRITE_ERRORS = frozenset({errno.ENOSPC, errno.EDQUOT, errno.EFBIG, errno.EROFS})


def os_error_line(exc: OSError) -> str:
    """``exc`` as a command's error line, in words: "cannot write a.csv: No space left on
    device", "runs: Permission denied" (Python's "[Errno 28] No space left on device:
    'a.csv'" read as a crash, where a report's failure said the same in words)."""
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
