"""A table written to a CSV file, atomically, compressed as its name says."""

from __future__ import annotations

from pathlib import Path

from ._io import write_atomically

# pandas' compression by a file's ending (tar archives first: .tar.gz is one), made explicit
# because the file written is a temporary one beside the path: inferred from its name, a
# .tar.gz was a gzipped CSV, and a zip's member and gzip's header bore the hidden name
_COMPRESSIONS = (  # (ending, pandas' compression, the key that names what it holds)
    (".tar.gz", {"method": "tar", "mode": "w:gz"}, "archive_name"),
    (".tar.bz2", {"method": "tar", "mode": "w:bz2"}, "archive_name"),
    (".tar.xz", {"method": "tar", "mode": "w:xz"}, "archive_name"),
    (".tar", {"method": "tar"}, "archive_name"),
    # mtime 0: one table, one file, byte for byte
    (".gz", {"method": "gzip", "mtime": 0}, "filename"),
    (".bz2", {"method": "bz2"}, None),
    (".zip", {"method": "zip"}, "archive_name"),
    (".xz", {"method": "xz"}, None),
    (".zst", {"method": "zstd"}, None),
)


def write_csv(path, frame) -> Path:
    """Write the DataFrame ``frame`` (no index) to ``path`` with `write_atomically`.

    Compressed as pandas would by the name's ending (``.gz``, ``.zip``, ``.tar.gz``...),
    the archive's member (or gzip's stored name) being the name without that ending (an
    archive's with ``.csv`` added when it lacks it).
    """
    path = Path(path)
    compression = None
    for ending, method, names in _COMPRESSIONS:
        if path.name.lower().endswith(ending):
            inner = path.name[:-len(ending)] or "table.csv"  # a file named just ".gz"
            if names == "archive_name" and not inner.lower().endswith(".csv"):
                inner += ".csv"  # coin.zip unpacks to coin.csv, not an unnamed kind of file
            compression = {**method, names: inner} if names else method
            break

    def write(tmp: Path) -> None:
        with open(tmp, "wb") as fh:  # a handle: nothing inferred from the temporary name
            frame.to_csv(fh, index=False, compression=compression)

    return write_atomically(path, write)
