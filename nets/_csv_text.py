"""The text of a CSV that `predict` reads: the line a data row starts on, and the files
refused for their encoding or separator, each saying how to convert it.

data/_csv_checks.py says the same of training files; nets may not import data, so the two
are kept alike by hand, and tests/test_predict.py holds their messages equal.
"""

from __future__ import annotations

import bz2
import csv
import gzip
import io
import lzma
import re
from pathlib import Path

#: A CSV compressed as data's loaders read training files: by its name's ending, as pandas
COMPRESSED_CSV = {".csv.gz": gzip.open, ".csv.bz2": bz2.open, ".csv.xz": lzma.open}


def is_csv(path: Path) -> bool:
    """Whether ``path`` names a CSV file, plain or compressed (`COMPRESSED_CSV`)."""
    name = path.name.lower()
    return name.endswith(".csv") or name.endswith(tuple(COMPRESSED_CSV))


def open_csv_bytes(path: Path):
    """The CSV's bytes, decompressed by the name's ending (a binary file object)."""
    name = path.name.lower()
    opener = next((o for end, o in COMPRESSED_CSV.items() if name.endswith(end)), open)
    return opener(path, "rb")


def line_of(path: Path, row: int, header: bool) -> int:
    """The file's line (from 1) where data row ``row`` starts, skipping blank lines as
    pandas does."""
    with io.TextIOWrapper(open_csv_bytes(path), newline="", encoding="utf-8",
                          errors="replace") as fh:
        text: list[str] = []  # the lines of the record being read

        def lines():
            for line in fh:
                text.append(line)
                yield line

        reader, end = csv.reader(lines()), 0
        for _ in reader:
            start, end = end + 1, reader.line_num
            # blank by its text, as pandas skips it (spaces and tabs only): a quoted "" or a
            # no-break space is a row, as in data's _records
            blank = not "".join(text).strip(" \t\r\n")
            text.clear()
            if blank:
                continue
            if header:
                header = False
            elif row == 0:
                return start
            else:
                row -= 1
    return end


def utf16_codec(head: bytes) -> str | None:
    """UTF-16's codec by its BOM or its NULs, else None (a copy of data's utf16_codec)."""
    if head[:4] in (b"\xff\xfe\x00\x00", b"\x00\x00\xfe\xff"):  # UTF-32's BOM starts as UTF-16's
        return "utf-32"
    if head[:2] in (b"\xff\xfe", b"\xfe\xff"):
        return "utf-16"
    even, odd = head[:4096:2], head[1:4096:2]
    if len(odd) >= 2 and odd.count(0) > len(odd) // 2 and not even.count(0):
        return "utf-16-le"
    if len(odd) >= 2 and even.count(0) > len(even) // 2 and not odd.count(0):
        return "utf-16-be"
    return None


def not_utf8(path: Path) -> str:
    """How to convert a file that is not UTF-8, as data's not_utf8_advice says it for training
    files (a copy: nets does not import data): its UTF-16 codec, else ENC to fill in (a guessed
    gbk garbled a cp1252 file without an error)."""
    def utf8(raw: bytes) -> bool:
        try:
            raw.decode("utf-8")
        except UnicodeDecodeError:
            return False
        return True

    fix = "save it as UTF-8 (Excel: CSV UTF-8), e.g. pd.read_csv(PATH, encoding={}).to_csv(" \
          "NEW, index=False) or iconv -f {} -t UTF-8 PATH > NEW"
    with open(path, "rb") as fh:  # a UTF-8, GBK or cp1252 character never holds the byte \n
        head = fh.read(4096)
        codec = utf16_codec(head)
        fh.seek(0)
        line = None if codec else next((n for n, t in enumerate(fh, 1) if not utf8(t)), None)
    if codec:  # iconv's UTF-16 without a BOM is big-endian: its LE is named
        iconv = codec.upper().replace("-LE", "LE").replace("-BE", "BE")  # UTF-16LE, UTF-32
        first = head.decode(codec, errors="replace").lstrip("\ufeff").partition("\n")[0]
        if "\t" in first and "," not in first:  # Excel's "Unicode Text": tabs too
            return (f"{path}: {iconv[:6]} text separated by tabs, not a UTF-8 CSV; convert "
                    f"it, e.g. pd.read_csv(PATH, encoding={codec!r}, sep='\\t').to_csv(NEW, "
                    "index=False)")
        return f"{path}: {iconv[:6]} text, not UTF-8; " + fix.format(repr(codec), iconv)
    where = f" (line {line})" if line else ""
    return (f"{path}: not UTF-8 text{where}; " + fix.format("'ENC'", "ENC") + ", ENC being "
            "the file's encoding: gbk from Excel on Chinese Windows, cp1252 from Excel in "
            "Western Europe and the Americas")


#: Separators other than the comma: (separator, what the file looks, read_csv's options),
#: as data's OTHER_SEPARATORS (a test holds them equal)
OTHER_SEPARATORS = ((";", ";-separated", "sep=';'"), ("\t", "tab-separated", "sep='\\t'"),
                    ("\uff0c", "separated by full-width commas '\uff0c'",
                     "sep='\uff0c', engine='python'"),
                    ("\u3001", "separated by ideographic commas '\u3001'",
                     "sep='\u3001', engine='python'"))


def refuse_other_separator(path: Path, field: str) -> None:
    """A one-column first row holding ``;``, a tab or a comma a Chinese input method types
    (full-width or ideographic): the file is separated by those. Said as data's loaders
    say it for training files (a test holds the two alike)."""
    for sep, name, option in OTHER_SEPARATORS:
        if sep in field:
            shown = field if len(field) <= 30 else field[:30] + "..."
            raise ValueError(f"{path}: the file looks {name} (first row {shown!r}), and hplab "
                             f"reads comma-separated CSV: {_conversion(sep, option)}")


def _conversion(sep: str, option: str) -> str:
    """How to convert a file separated by ``sep`` (read_csv's ``option`` for it)."""
    # Excel writes either where a comma is the decimal mark
    decimal = " (with decimal=',' for numbers written 0,5)" if sep in ";\t" else ""
    return f"convert it, e.g. pd.read_csv(PATH, {option}).to_csv(NEW, index=False){decimal}"


def refuse_separator_hint(path: Path, first: list[str]) -> None:
    """A first line ``sep=,`` (or ``sep=;``): the separator hint Excel reads and writes,
    not a header (it was "line 2 has 'x0' in column sep=, not a number")."""
    if first and re.fullmatch(r"sep=\S?", first[0].strip(), re.IGNORECASE) \
            and len(first) <= 2 and not "".join(first[1:]).strip():
        said = ",".join(first)
        sep = first[0].strip()[4:] or ","  # "sep=," is read as the fields "sep=" and ""
        if sep == ",":
            raise ValueError(f"{path}: line 1 ({said!r}) is Excel's separator hint, not the "
                             "header: delete that line")
        name, option = next(((n, o) for s, n, o in OTHER_SEPARATORS if s == sep),
                            (f"{sep}-separated", f"sep={sep!r}"))
        raise ValueError(f"{path}: line 1 ({said!r}) is Excel's separator hint: the file is "
                         f"{name}, and hplab reads comma-separated CSV: "
                         f"{_conversion(sep, option + ', skiprows=1')}")


def without_comment_mark(names: list) -> list:
    """A header's names as NumPy reads them back (np.genfromtxt's ``names=True``): the
    first without the ``# `` np.savetxt writes before a header (``# a,b,y``: a, b, y). A
    column named ``#`` alone keeps its name."""
    if names and isinstance(names[0], str) and names[0].startswith("#") and names[0][1:].strip():
        return [names[0][1:].strip(), *names[1:]]
    return list(names)
