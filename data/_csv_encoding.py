"""A CSV's text encoding: UTF-16 told by its first bytes, and how to convert a file that is
not UTF-8."""

from __future__ import annotations

from pathlib import Path


def _is_utf8(raw: bytes) -> bool:
    try:
        raw.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def utf16_codec(head: bytes) -> str | None:
    """The codec of UTF-16 text (Excel's "Unicode Text") from its first bytes: by its BOM, or
    by the NUL byte an ASCII character has on one side (on the other, never); else None."""
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


def not_utf8_advice(path: Path | str, head: bytes, line: int | None) -> str:
    """How to convert a file that is not UTF-8, given its first bytes and first line that is
    not: its UTF-16 codec when it is UTF-16, else the user's encoding to fill in (reading
    cp1252 as gbk, or gbk as cp1252, succeeds and garbles every accent or character).
    nets/_csv_text.py holds a copy: nets does not import data."""
    fix = "save it as UTF-8 (Excel: CSV UTF-8), e.g. pd.read_csv(PATH, encoding={}).to_csv(" \
          "NEW, index=False) or iconv -f {} -t UTF-8 PATH > NEW"
    codec = utf16_codec(head)
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
