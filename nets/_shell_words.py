"""Commands as a shell reads them: a command line hplab prints or stores (`shell_line`),
and read back into its words (`shell_split`) as bash would, ``$'...'`` included."""

from __future__ import annotations

import os
import shlex

from ._printable import unprintable


def shell_word(text) -> str:
    """``text`` as one word a shell reads back: ``shlex.quote``'s, or, holding what no
    page or terminal shows as it is (`unprintable`: a file name's byte that was no UTF-8,
    kept as ``\\udcd6``; ESC, a newline), bash's ``$'...'`` with those as escapes
    (``$'csv:\\xd6\\xd0.csv'``), which names the same bytes when pasted.

    Parameters
    ----------
    text : str
        One word.
    """
    text = os.fspath(text)
    if not any(unprintable(c) for c in text):
        return shlex.quote(text)
    return "$'" + "".join(_ansi_c(c) for c in text) + "'"


def shell_line(words) -> str:
    """``words`` as a command line: each a `shell_word`, as ``shlex.join`` joins them.

    Parameters
    ----------
    words : iterable of str
        The command's words.
    """
    return " ".join(shell_word(w) for w in words)


def command_words(command, operand, options=()) -> list:
    """``[*command, operand, *options]``: a command hplab prints for its user to run, its
    operand (a study's name, a spec) first; one that starts with ``-`` (a study named
    ``-x``) last, after ``--``, which a parser would otherwise take for a flag.

    Parameters
    ----------
    command : sequence of str
        The command's words before its operand (``["hplab", "study", "run"]``).
    operand : str
        As above.
    options : sequence of str, default ()
        Its options.
    """
    if str(operand).startswith("-"):
        return [*command, *options, "--", operand]
    return [*command, operand, *options]


def shell_split(line: str) -> list[str]:
    """``line``'s words as a shell reads them: `shell_word`'s inverse, as ``shlex.split``
    is ``shlex.quote``'s, also reading bash's ``$'...'`` (its ``\\xHH`` bytes that are no
    UTF-8 back as ``\\udcHH``, the name `os.fsdecode` gives). An open quote or a
    trailing backslash: ValueError, as shlex says.

    Parameters
    ----------
    line : str
        A command line.
    """
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
