"""What a CSV file's bytes are, before pandas reads them as text: compressed (by its name,
or not said by it), a workbook, UTF-16 or other text than UTF-8, NUL bytes, a compressed
file that expands past what one may."""

from __future__ import annotations

import bz2
import contextlib
import gzip
import io
import lzma
import re
import tarfile
import zipfile
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

from ._csv_encoding import _is_utf8, not_utf8_advice, utf16_codec
from ._dataset import DataError
from ._declared_size import refuse_expansion, unreadable_member
from ._path_escapes import _escape_path

#: What pandas decompresses by the file's name (compression="infer"), with the reader of
#: each: a tar archive of one file by these endings first (.tar.gz is a tar), then these
#: suffixes (.zst with the zstandard package pandas uses; without it, pandas says so).
_TAR = (".tar", ".tar.gz", ".tar.bz2", ".tar.xz")
_DECOMPRESS = {".gz": gzip.open, ".bz2": bz2.open, ".xz": lzma.open}
#: The endings of a compressed file (a plain .tar is not one).
_COMPRESSED = (*_DECOMPRESS, ".zst", ".zip")
#: What reading a damaged file raises (a cut-off or corrupt compressed file among them).
UNREADABLE = (OSError, EOFError, zlib.error, lzma.LZMAError, zipfile.BadZipFile,
              tarfile.TarError,
              # a zip member compressed by a method zipfile lacks; an encrypted one (a bare
              # RuntimeError, as any bug in pandas may raise) is refused where `opened_bytes`
              # opens it, so a bug is not reworded as an unreadable file
              NotImplementedError)
#: What a CSV archive's refusal ends with.
ONE_FILE = "a CSV archive holds one file"


@contextlib.contextmanager
def opened_bytes(path: Path) -> Iterator[BinaryIO | None]:
    """``path``'s bytes as pandas reads them (decompressed), or None when not checked here."""
    name, suffix = path.name.lower(), path.suffix.lower()
    if suffix == ".zst":
        try:
            import zstandard
        except ImportError:
            yield None
        else:
            try:  # buffered: its reader has no lines of its own (readline, iteration)
                with io.BufferedReader(zstandard.open(path, "rb")) as fh:
                    yield fh
            except zstandard.ZstdError as exc:  # a damaged file, as UNREADABLE names them
                raise OSError(" ".join(str(exc).split())) from None
    elif name.endswith(_TAR):  # pandas reads a tar of one file; of more, it says what is wrong
        with tarfile.open(path) as archive:
            member = archive.next()  # the first file, not a walk over a bomb's every byte
            while member is not None and not member.isfile():
                # pandas reads a lone link as the file it names (a hard link to a file
                # missing: KeyError), a lone pipe or folder as nothing (AssertionError):
                # the check and pandas read the same file, or none
                if not member.isdir():
                    raise DataError(f"{path}: not a readable CSV file ({_not_a_file(member)}; "
                                    f"{ONE_FILE})")
                member = archive.next()
            if member is None:
                raise DataError(f"{path}: not a readable CSV file (it holds no file; "
                                f"{ONE_FILE})")
            with archive.extractfile(member) as fh:
                yield fh
    elif suffix == ".zip":  # the same for a zip
        with zipfile.ZipFile(path) as archive:
            names = archive.namelist()  # as pandas counts them: a folder is one
            if len(names) != 1:  # pandas listed every name: 240 KB for 20,000 files
                raise DataError(f"{path}: not a readable CSV file ({files_said('zip', names)}; "
                                f"{ONE_FILE})")
            files = [i for i in archive.infolist() if not i.is_dir()]
            if len(files) != 1:
                yield None
            else:
                try:
                    opened = archive.open(files[0])
                except (RuntimeError, NotImplementedError) as exc:
                    raise DataError(f"{path}: not a readable CSV file ("
                                    f"{unreadable_member(files[0], exc)}; extract it and load "
                                    "the CSV)") from None
                with opened as fh:
                    yield fh
    else:
        with _DECOMPRESS.get(suffix, open)(path, "rb") as fh:
            yield fh


def files_said(kind: str, names: list[str]) -> str:
    """An archive's files as a refusal says them: counted, the first three named.

    Parameters
    ----------
    kind : str
        "zip" or "tar".
    names : list of str
        Its members' names.
    """
    if not names:
        return "it holds no file"
    shown = ", ".join(f"{name!r:.80}" for name in names[:3])  # escaped, each cut short
    return f"a {kind} of {len(names)} files: {shown}{'...' if len(names) > 3 else ''}"


def tar_files_said(path: Path) -> str:
    """`files_said` of the tar ``path``, which pandas refused as holding several files
    (having walked it: its names are read as pandas read them)."""
    with tarfile.open(path) as archive:
        return files_said("tar", archive.getnames())


def _not_a_file(member: tarfile.TarInfo) -> str:
    """What a tar member that is neither a file nor a folder is."""
    if member.islnk() or member.issym():
        kind = "a hard link" if member.islnk() else "a symbolic link"
        return f"member {member.name!r} is {kind} (to {member.linkname!r}), not a file"
    return f"member {member.name!r} is a special file (a device or a pipe), not a file"


def check_csv_bytes(path: Path) -> None:
    """One pass over the bytes pandas reads (decompressed): raise `DataError` for a
    compressed file or a workbook under a text file's name (`refuse_unnamed_compression`),
    at the first NUL byte, naming its line (pandas keeps it in the cell, so a damaged label
    ``1\\x00`` was a class of its own; UTF-16 text, mostly NULs, is named), or once a
    compressed file expands past what one may (`refuse_expansion`: a 200 KB .csv.gz of one
    repeated row took 42 s and 3 GB of rows parsed into memory before any check saw them),
    or for a last byte 0x1A (DOS's end-of-file mark)."""
    line, read, chunk = 1, 0, b""
    size = path.stat().st_size
    name = path.name.lower()
    compressed = name.endswith(_COMPRESSED)
    if name.endswith(".zip") and _zipped_workbook(path):  # pandas: "Multiple files found"
        raise DataError(_workbook_said(path))
    with opened_bytes(path) as fh:  # the text as pandas reads it: gzip's own bytes hold NULs
        for n, chunk in enumerate(iter(lambda: fh.read(1 << 20), b"") if fh else ()):
            if n == 0 and not compressed and not name.endswith(_TAR):
                refuse_unnamed_compression(path, chunk)
            if n == 0 and utf16_codec(chunk):  # Excel's "Unicode Text", not a damaged file
                raise DataError(not_utf8_advice(path, chunk, None))
            at = chunk.find(b"\0")
            if at >= 0:
                line += chunk.count(b"\n", 0, at)
                raise DataError(f"{path} holds NUL bytes (line {line}): not a text CSV")
            line += chunk.count(b"\n")
            read += len(chunk)
            if compressed:
                refuse_expansion(path, read, size, "decompress it", verb="expands to at least")
    if chunk.endswith(b"\x1a"):  # pandas reads it as a row of one field, or in a last cell
        raise DataError(f"{path} ends with the byte 0x1A (line {line}), the end-of-file mark "
                        "of old DOS programs (Ctrl-Z): delete that last byte (an editor "
                        "shows it as ^Z or SUB)")


#: The first bytes of each compressed format pandas reads, and the ending it knows it by
#: (bzip2's "BZh" could start a header: its block size and block magic follow).
_MAGIC = {rb"\x1f\x8b": ("gzip", ".gz"), rb"BZh[1-9]1AY&SY": ("bzip2", ".bz2"),
          rb"\xfd7zXZ\x00": ("xz", ".xz"), rb"PK\x03\x04": ("zip", ".zip"),
          rb"\(\xb5/\xfd": ("zstd", ".zst")}


#: Spreadsheet workbooks: zip archives by these endings, or OLE2 files (.xls); told by
#: their bytes, since some exports write CSV text under a workbook's name.
_WORKBOOKS = (".xlsx", ".xlsm", ".ods", ".numbers")
_OLE2 = b"\xd0\xcf\x11\xe0"


def refuse_unnamed_compression(path: Path, head: bytes) -> None:
    """Raise `DataError` for a compressed file whose name does not say so (a .tgz, a
    gzipped d.csv) or a spreadsheet workbook: pandas decompresses by the name's ending
    and read them as text, which was refused for NUL bytes on line 1."""
    if head.startswith(_OLE2) or (head.startswith(b"PK\x03\x04") and (
            path.suffix.lower() in _WORKBOOKS or _zipped_workbook(path))):
        raise DataError(_workbook_said(path))
    if head.startswith(b"PK\x03\x04") and _holds_npy(path):
        # renamed .npz.zip as the loop below would say, pandas found "Multiple files"
        raise DataError(f"{path} is a NumPy .npz archive, not CSV text: load it as "
                        f"npz:{_escape_path(str(path))}")
    for magic, (kind, ending) in _MAGIC.items():
        if re.match(magic, head):
            name = path.name
            better = name + ending
            if name.lower().endswith(".tgz"):  # a tar inside, or a gzipped CSV so named
                stem = name[:-4]
                better = stem + (".tar.gz" if _gzipped_tar(path) else
                                 ".gz" if stem.lower().endswith(".csv") else ".csv.gz")
            raise DataError(f"{path} is {kind}-compressed, but pandas decompresses only a file "
                            f"whose name ends in {ending}: rename it {better}")


def csv_text_hint(path: Path) -> str:
    """Where an npz file could not be read: "; it looks like CSV text..." when its first line
    is UTF-8 text with a comma, else ""."""
    try:
        with open(path, "rb") as fh:
            first = fh.read(4096).split(b"\n", 1)[0]
    except OSError:  # unreadable: the error np.load gave says it
        return ""
    if b"," not in first or b"\0" in first:
        return ""
    try:
        first.decode("utf-8")
    except UnicodeDecodeError:
        return ""
    return f"; it looks like CSV text: load it as csv:{_escape_path(str(path))}"


def _workbook_said(path: Path) -> str:
    return (f"{path} is a spreadsheet workbook, not CSV text: save it as CSV (UTF-8) from "
            "the program that made it")


def _zipped_workbook(path: Path) -> bool:
    """Whether the zip file ``path`` is a workbook under any name (an .xlsx renamed .csv was
    told to be renamed .csv.zip, which pandas then refused as a zip of many files): Excel's
    ``xl/workbook.xml``, or an OpenDocument spreadsheet's ``mimetype``."""
    try:
        with zipfile.ZipFile(path) as z:
            names = set(z.namelist())
            if "xl/workbook.xml" in names:
                return True
            if "mimetype" not in names:
                return False
            with z.open("mimetype") as fh:  # its first bytes: the name of the format
                return b"opendocument.spreadsheet" in fh.read(200)
    except (OSError, zipfile.BadZipFile, RuntimeError, NotImplementedError, zlib.error):
        return False


def _holds_npy(path: Path) -> bool:
    """Whether the zip file ``path`` holds NumPy arrays (an npz file), and nothing else."""
    try:
        with zipfile.ZipFile(path) as z:
            names = z.namelist()
    except (OSError, zipfile.BadZipFile):
        return False
    return bool(names) and all(n.endswith(".npy") for n in names)


def _gzipped_tar(path: Path) -> bool:
    """Whether the gzip file ``path`` holds a tar archive (its "ustar" magic at 257)."""
    try:
        with gzip.open(path, "rb") as fh:
            return fh.read(263)[257:262] == b"ustar"
    except (OSError, EOFError, zlib.error):
        return False


def not_utf8(path: Path) -> DataError:
    """The error for a file pandas could not read as UTF-8, naming its first line that is
    not (or that it is UTF-16)."""
    line = None
    with opened_bytes(path) as fh:
        head = b"" if fh is None else fh.read(4096)
    with opened_bytes(path) as fh:  # anew: a zstd stream cannot seek back
        if fh is not None:  # a UTF-8, GBK or cp1252 character never holds the byte \n
            line = next((n for n, text in enumerate(fh, 1) if not _is_utf8(text)), None)
    return DataError(not_utf8_advice(path, head, line))
