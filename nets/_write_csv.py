"""A table written to a CSV file, atomically, compressed as its name says, its text cells
safe to open in a spreadsheet."""

from __future__ import annotations

import bz2
import csv
import gzip
import io
import sys
import zipfile
from contextlib import nullcontext
from pathlib import Path

import numpy as np

from ._files import print_file_text, write_atomically
from ._safe_cells import _distinct, spreadsheet_safe, terminal_safe

# pandas' compression by a file's ending (tar archives first: .tar.gz is one), made explicit
# because the file written is a temporary one beside the path: inferred from its name, a
# .tar.gz was a gzipped CSV, and a zip's member and gzip's header bore the hidden name
_COMPRESSIONS = (  # (ending, pandas' compression, the key that names what it holds)
    # tarfile's gzip stored the time it wrote (two exports a second apart differed): the
    # tar is compressed by `write_csv` instead, as a .tar.bz2's, whose mode "w:bz2" pandas
    # drops the "b" of (its own "wb" is "w": tarfile got "w:z2", a traceback)
    (".tar.gz", {"method": "tar"}, "archive_name"),
    (".tar.bz2", {"method": "tar"}, "archive_name"),
    (".tar.xz", {"method": "tar", "mode": "w:xz"}, "archive_name"),
    (".tar", {"method": "tar"}, "archive_name"),
    # mtime 0: one table, one file, byte for byte
    (".gz", {"method": "gzip", "mtime": 0}, "filename"),
    (".bz2", {"method": "bz2"}, None),
    # written by `write_csv`: pandas dates its member with the time it wrote
    (".zip", {"method": "zip"}, "archive_name"),
    (".xz", {"method": "xz"}, None),
    (".zst", {"method": "zstd"}, None),
)

# endings pandas compresses by none (a CSV was written as plain text under the name, and
# pandas reads such a file back as text), each with the one meant: tar's short ones and
# compressions' long names (x.csv.gzip)
_SAID_OTHERWISE = {".tgz": ".tar.gz", ".tbz": ".tar.bz2", ".tbz2": ".tar.bz2", ".txz": ".tar.xz",
                   ".gzip": ".gz", ".bzip2": ".bz2", ".zstd": ".zst", ".lzma": ".xz"}
# compressions pandas does not write: the file was plain text under an archive's name
_OTHER_COMPRESSIONS = (".7z", ".rar", ".lz4", ".z", ".br")
# another format's endings: a spreadsheet or a reader of that format met CSV text
_OTHER_FORMATS = (".xlsx", ".xlsm", ".xls", ".ods", ".parquet", ".feather", ".arrow", ".orc",
                  ".avro", ".json", ".jsonl", ".pkl", ".pickle", ".h5", ".hdf5", ".npz",
                  ".npy", ".tsv")


def _has_zstandard() -> bool:
    try:
        import zstandard  # noqa: F401  (pandas' own; it compresses .zst with it)
    except ImportError:
        return False
    return True


def csv_endings() -> str:
    """The endings a CSV is compressed by, for a message or a flag's help: ``.gz, .bz2,
    ... .tar.xz, or .zst with the zstandard package``."""
    # the table matches .tar.gz before .gz; a reader wants the short ones first, .tar then
    shown = sorted((e for e, *_ in _COMPRESSIONS if e != ".zst"),
                   key=lambda e: (e.startswith(".tar"), e != ".tar"))
    return ", ".join(shown) + ", or .zst with the zstandard package"


def check_csv_name(path) -> None:
    """Raise ValueError for a CSV name pandas would write wrongly: ending as tar's shorthand
    (``.tgz``...), a compression pandas does not know (``.gzip``, ``.7z``...) or another
    format (``.xlsx``, ``.parquet``...), or in ``.zst`` without the zstandard package. The
    one-line message names the endings that work; any other name is plain CSV text.

    Parameters
    ----------
    path : str or path-like
        The CSV's name as the user gave it; only its name is read, no file is touched.
    """
    name = Path(path).name
    lower = name.lower()
    ending = Path(lower).suffix
    endings = csv_endings()
    if ending in _SAID_OTHERWISE or ending in _OTHER_COMPRESSIONS:
        meant = _SAID_OTHERWISE.get(ending)
        raise ValueError(f"{path}: a CSV is compressed by its name's ending ({endings}), "
                         f"not {name[-len(ending):]}"
                         + (f": name it {name[:-len(ending)]}{meant}" if meant else ""))
    if ending in _OTHER_FORMATS:
        stem = name[:-len(ending)]
        stem += "" if stem.lower().endswith(".csv") else ".csv"  # x.csv.xlsx: x.csv
        raise ValueError(f"{path}: the file written is CSV text, not {name[-len(ending):]}: "
                         f"name it {stem}, or compressed by one of {endings}")
    if lower.endswith(".zst") and not _has_zstandard():
        raise ValueError(f"{path}: a .zst CSV needs the zstandard package: install it "
                         f"(pip install zstandard), or name it {name[:-4]}.gz")


def print_csv(frame) -> None:
    """``frame`` as CSV on standard output (``--csv -``, ``--out -``): `spreadsheet_safe`,
    and `terminal_safe` where it is a terminal; a failed write names standard output.

    Parameters
    ----------
    frame : pandas.DataFrame
    """
    stream = sys.stdout
    if stream is not None and stream.isatty():
        # a terminal runs the ESC sequences of stored strings (another Optuna client's
        # user attribute, a class label): escaped there, as stored for a pipe or a file
        frame = terminal_safe(frame)
    print_file_text(frame_csv(spreadsheet_safe(frame)))


# a tar's compression, by its ending; the time stored nowhere: the same table, the same bytes
_PACKED = {".tar.gz": lambda tar: gzip.compress(tar, mtime=0), ".tar.bz2": bz2.compress}
# a zip member's date: the earliest a zip can hold (its DOS time starts in 1980)
_ZIP_DATE = (1980, 1, 1, 0, 0, 0)


def _write_zip(fh, name: str, data: bytes) -> None:
    """A zip of one member ``name`` holding ``data``, deflated as pandas does, dated
    `_ZIP_DATE` rather than the time it was written: one table, one file, byte for byte."""
    member = zipfile.ZipInfo(name, date_time=_ZIP_DATE)
    member.compress_type = zipfile.ZIP_DEFLATED
    member.external_attr = 0o644 << 16  # rw-r--r-- once unzipped (0 read as no access)
    with zipfile.ZipFile(fh, "w") as archive:
        archive.writestr(member, data)


def write_csv(path, frame) -> Path:
    """Write the DataFrame ``frame`` (no index) to ``path`` with `write_atomically`, its
    text made `spreadsheet_safe`.

    Compressed as pandas would by the name's ending (``.gz``, ``.zip``, ``.tar.gz``...),
    the archive's member (or gzip's stored name) being the name without that ending (an
    archive's with ``.csv`` added when it lacks it); a name `check_csv_name` refuses
    (``.tgz``, ``.xlsx``...) raises its ValueError.

    Parameters
    ----------
    path : str or path
        The CSV file, compressed by its ending as above.
    frame : pandas.DataFrame

    Returns
    -------
    pathlib.Path
        The file written.
    """
    path = Path(path)
    check_csv_name(path)
    compression, matched = None, None
    for ending, method, names in _COMPRESSIONS:
        if path.name.lower().endswith(ending):
            matched = ending
            inner = path.name[:-len(ending)] or "table.csv"  # a file named just ".gz"
            if names == "archive_name" and not inner.lower().endswith(".csv"):
                inner += ".csv"  # coin.zip unpacks to coin.csv, not an unnamed kind of file
            compression = {**method, names: inner} if names else method
            break

    safe = spreadsheet_safe(frame)

    def write(tmp: Path) -> None:
        with open(tmp, "wb") as fh:  # a handle: nothing inferred from the temporary name
            if compression and compression["method"] == "tar":
                # tarfile names a .tar.gz's gzip header after its file object: the hidden
                # temporary one (gunzip -N restored it); a buffer has no name to store
                buffer = io.BytesIO()
                frame_csv(safe, buffer, compression=compression)
                fh.write(_PACKED.get(matched, bytes)(buffer.getvalue()))
            elif compression and compression["method"] == "zip":
                _write_zip(fh, compression["archive_name"], frame_csv(safe).encode("utf-8"))
            else:
                frame_csv(safe, fh, compression=compression)

    return write_atomically(path, write)


def frame_csv(frame, target=None, **options):
    """``frame.to_csv(target, index=False, **options)``, each float in full whatever the
    caller's NumPy print options: pandas writes a float as NumPy's ``str`` does, and a
    host's ``np.set_printoptions(legacy="1.13")`` cut every CSV's floats to 12 digits.

    Parameters
    ----------
    frame : DataFrame
        The table (its index left out).
    target : path, file object or None
        Where to write; None returns the text.
    **options
        Further arguments of ``DataFrame.to_csv`` (``compression``).

    Returns
    -------
    str or None
        The text when ``target`` is None.
    """
    if "quoting" not in options and _holds_carriage_return(frame):
        options["quoting"] = csv.QUOTE_ALL
    with _full_floats():
        return frame.to_csv(target, index=False, **options)


def _holds_carriage_return(frame) -> bool:
    """Whether a column name or text cell of ``frame`` holds a carriage return: pandas
    quotes a cell that holds its line end, ``\n``, not one holding a lone ``\r``, which
    pandas' own reader and spreadsheets read as a line's end (a trial's user attribute
    ``a\rb`` came back as two rows). Such a table is written with every cell quoted."""
    import pandas as pd

    if any(isinstance(name, str) and "\r" in name for name in frame.columns):
        return True
    return any(isinstance(v, str) and "\r" in v
               for _, column in frame.items()
               if not pd.api.types.is_numeric_dtype(column)
               and not pd.api.types.is_bool_dtype(column)
               for v in _distinct(column))


def _full_floats():
    # only where the caller changed it: before NumPy 2.1's context-local print options,
    # np.printoptions set the process's own, and put them back (another thread's too)
    if np.get_printoptions()["legacy"] is False:
        return nullcontext()
    return np.printoptions(legacy=False)
