"""A table written to a CSV file, atomically, compressed as its name says."""

from __future__ import annotations

from pathlib import Path

from ._io import write_atomically

# pandas' compression by a file's ending (tar archives first: .tar.gz is one), made explicit
# because the file written is a temporary one beside the path: inferred from its name, a
# .tar.gz was a gzipped CSV, and a zip's member and gzip's header bore the hidden name
_COMPRESSIONS = (
    (".tar.gz", {"method": "tar", "mode": "w:gz"}),
    (".tar.bz2", {"method": "tar", "mode": "w:bz2"}),
    (".tar.xz", {"method": "tar", "mode": "w:xz"}),
    (".tar", {"method": "tar"}),
    (".gz", {"method": "gzip", "mtime": 0}),  # mtime 0: one table, one file, byte for byte
    (".bz2", {"method": "bz2"}),
    (".zip", {"method": "zip"}),
    (".xz", {"method": "xz"}),
    (".zst", {"method": "zstd"}),
)


def write_csv(path, frame) -> Path:
    """Write the DataFrame ``frame`` (no index) to ``path`` with `write_atomically`.

    Compressed as pandas would by the name's ending (``.gz``, ``.zip``, ``.tar.gz``...),
    the archive's member (or gzip's stored name) being the name without that ending.
    """
    path = Path(path)
    name = path.name
    for ending, compression in _COMPRESSIONS:
        if name.lower().endswith(ending):
            inner = name[:-len(ending)] or "table.csv"  # a file named just ".gz"
            key = "filename" if compression["method"] == "gzip" else "archive_name"
            compression = {**compression, key: inner} \
                if compression["method"] in ("gzip", "zip", "tar") else compression
            break
    else:
        compression = None

    def write(tmp: Path) -> None:
        with open(tmp, "wb") as fh:  # a handle: nothing inferred from the temporary name
            frame.to_csv(fh, index=False, compression=compression)

    return write_atomically(path, write)
