"""Where datasets live on disk, and `fetch_mnist`: download, verify, then move into place.

Verification: each gz file's SHA-256 must match a known sum, taken from (first match)
the ``checksums`` argument, the mirror's ``BASE/SHA256SUMS`` file when a custom ``url``
serves one, or the official MNIST sums (``_mnist_source.py``). A mirror's own SHA256SUMS
guards against truncated and corrupt downloads, not against a hostile mirror.
``verify=False`` skips it.
Files are downloaded to temporary names in the destination and renamed only once all
four are verified, so a failed fetch leaves nothing half-written; then each is unpacked
beside its gz, again through a temporary file and a rename.
"""

from __future__ import annotations

import gzip
import numbers
import os
import zlib
from pathlib import Path

from ._dataset import DataError
from ._download import _download, _mirror_sums, _part_file, _write, sha256_file
from ._home import expand_home
from ._mnist_source import MNIST_FILES, MNIST_SHA256, MNIST_URL
from ._url_credentials import check_mirror_url, mask_userinfo

MAX_TIMEOUT = 86400  # seconds: a day


def data_home(data_dir: str | Path | None = None) -> Path:
    """The folder holding downloaded datasets.

    ``data_dir`` if given, else ``$HPLAB_DATA``, else ``$XDG_CACHE_HOME/hplab``, else
    ``~/.cache/hplab``. MNIST lives in its ``mnist`` subfolder.

    Parameters
    ----------
    data_dir : str or path, optional
        The folder to use (``~`` expanded); None: the environment's, as above.

    Returns
    -------
    pathlib.Path
        The folder (not created here).
    """
    if data_dir is not None:
        return expand_home(data_dir)
    if os.environ.get("HPLAB_DATA"):
        return expand_home(os.environ["HPLAB_DATA"])
    cache = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return expand_home(cache) / "hplab"


def _check_idx_gz(path: Path, name: str, url: str) -> None:
    # Catches an HTML error page, a wrong file or a gzip stream cut short when
    # verification is off: read to its end (a cut one was renamed into place, then failed
    # to unpack with a traceback)
    try:
        with gzip.open(path, "rb") as fh:
            head = fh.read(4)
            while fh.read(1 << 20):
                pass
    except (OSError, EOFError, zlib.error):
        head = b""
    if len(head) < 4 or head[:3] != b"\0\0\x08" or head[3] not in (1, 3):
        raise DataError(f"{mask_userinfo(url)} is not a whole gzipped IDX file ({name}); "
                        "nothing was written")


def fetch_mnist(dest: str | Path | None = None, url: str | None = None, *,
                timeout: float = 30, checksums: dict[str, str] | None = None,
                verify: bool = True) -> Path:
    """Download the four MNIST gz files, verify their SHA-256 and move them into ``dest``.

    Parameters
    ----------
    dest : str or Path, optional
        Target folder; default ``data_home() / "mnist"``.
    url : str, optional
        Base URL of a mirror (``BASE/train-images-idx3-ubyte.gz`` ...); default
        `MNIST_URL`.
    timeout : float
        Seconds per connection attempt.
    checksums : dict, optional
        {file name: SHA-256 hex}. Default: the mirror's ``BASE/SHA256SUMS`` when a
        custom ``url`` serves one (it guards against truncated downloads, not a hostile
        mirror), else the official MNIST sums (`MNIST_SHA256`).
    verify : bool
        False skips the checksum check (files are still renamed only when complete).

    Returns
    -------
    Path
        The folder, ready for ``load("mnist")`` or ``load("idx:FOLDER")``.

    Raises
    ------
    DataError
        Offline (the message says where to put the files by hand), HTTP error or
        checksum mismatch; nothing is left half-written.
    """
    # at most a day: a socket's timeout past ~1e9 s overflows the C call
    if not (isinstance(timeout, numbers.Real) and not isinstance(timeout, bool)
            and 0 < timeout <= MAX_TIMEOUT):
        raise DataError(f"timeout must be a number of seconds > 0 and <= {MAX_TIMEOUT}, "
                        f"got {timeout!r}")
    if url is not None:
        check_mirror_url(url)
    dest = expand_home(dest) if dest is not None else data_home() / "mnist"
    base = (url or MNIST_URL).rstrip("/") + "/"
    made = _missing_folders(dest)
    if dest.exists() and not dest.is_dir():  # mkdir said only "[Errno 17] File exists"
        raise DataError(f"{dest} is a file; give a folder for the MNIST files")
    dest.mkdir(parents=True, exist_ok=True)
    pending: dict[str, Path] = {}
    try:
        table, officials_for_mirror = None, False
        if verify:
            # a mirror's SHA256SUMS, even one listing none of the files, is its word: an
            # empty one fell back to the official sums and every file "mismatched"
            mirror = _mirror_sums(base, timeout, dest) if url and not checksums else None
            table = checksums or (mirror if mirror is not None else MNIST_SHA256)
            # the official sums, for a mirror that has none: its files may differ
            # legitimately (another compression), which only its owner can tell
            officials_for_mirror = bool(url and not checksums and mirror is None)
            absent = [n for n in MNIST_FILES if n not in table]
            if absent:
                raise DataError(f"no SHA-256 known for {', '.join(absent)}; list it in the "
                                "mirror's SHA256SUMS (or pass checksums), or skip "
                                "verification (verify=False; --no-verify on the command line)")
        for name in MNIST_FILES:
            final = dest / name
            if table and final.is_file() and sha256_file(final) == table[name]:
                continue  # already fetched and intact
            tmp, digest = _download(base + name, dest, name, timeout)
            pending[name] = tmp
            if table and digest != table[name]:
                trust = (" (the mirror lists no SHA256SUMS: the official sums were used; "
                         "verify=False, --no-verify on the command line, takes its files as "
                         "they are)"
                         if officials_for_mirror else "")
                raise DataError(f"checksum mismatch for {name} from {mask_userinfo(base)}: "
                                f"expected {table[name][:16]}..., got {digest[:16]}...; "
                                f"nothing was written{trust}")
            _check_idx_gz(tmp, name, base + name)
        for name, tmp in pending.items():
            os.replace(tmp, dest / name)  # atomic on one file system
    except BaseException:
        for tmp in pending.values():
            tmp.unlink(missing_ok=True)
        # the folders this fetch made (dest and the parents it needed) and filled with
        # nothing: gone with it, deepest first; a folder that existed before stays
        for folder in made:
            try:
                folder.rmdir()
            except OSError:  # something else put a file there meanwhile: it and its parents stay
                break
        raise
    for name in MNIST_FILES:
        _unpack(dest / name)
    return dest


def _missing_folders(dest: Path) -> list[Path]:
    """``dest`` and those of its parents that do not exist yet, deepest first: what a
    ``mkdir(parents=True)`` makes (a failed fetch left ``a/b`` of a new ``a/b/c``)."""
    missing = []
    for folder in (dest, *dest.parents):
        if folder.exists() or folder.is_symlink():
            break
        missing.append(folder)
    return missing


def _unpack(gz_path: Path) -> Path:
    """Write the raw IDX file beside its verified gz, atomically (tmp then rename).

    The gz stays: its checksum is what a later fetch checks to skip the download.
    """
    raw = gz_path.with_suffix("")
    fd, tmp = _part_file(gz_path.parent, raw.name)
    try:
        with os.fdopen(fd, "wb") as out, gzip.open(gz_path, "rb") as src:
            while chunk := src.read(1 << 20):
                _write(out, chunk, raw)
        os.replace(tmp, raw)
    finally:
        Path(tmp).unlink(missing_ok=True)
    return raw
