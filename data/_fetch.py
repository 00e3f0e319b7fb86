"""Where datasets live on disk, and `fetch_mnist`: download, verify, then move into place.

Verification: each gz file's SHA-256 must match a known sum, taken from (first match)
the ``checksums`` argument, the mirror's ``BASE/SHA256SUMS`` file when a custom ``url``
serves one, or the official MNIST sums below. A mirror's own SHA256SUMS guards against
truncated and corrupt downloads, not against a hostile mirror. ``verify=False`` skips it.
Files are downloaded to temporary names in the destination and renamed only once all
four are verified, so a failed fetch leaves nothing half-written; then each is unpacked
beside its gz, again through a temporary file and a rename.
"""

from __future__ import annotations

import gzip
import hashlib
import http.client
import numbers
import os
import re
import tempfile
import urllib.error
import urllib.request
import zlib
from pathlib import Path

from ._dataset import DataError
from ._home import expand_home
from ._idx import IDX_FILES
from ._url_credentials import check_mirror_url, http_refusal, mask_userinfo, url_request

# The mirror TensorFlow uses (yann.lecun.com now refuses most downloads).
MNIST_URL = "https://storage.googleapis.com/cvdf-datasets/mnist/"
MNIST_SHA256 = {
    "train-images-idx3-ubyte.gz":
        "440fcabf73cc546fa21475e81ea370265605f56be210a4024d2ca8f203523609",
    "train-labels-idx1-ubyte.gz":
        "3552534a0a558bbed6aed32b30c495cca23d567ec52cac8be1a0730e8010255c",
    "t10k-images-idx3-ubyte.gz":
        "8d422c7b0a1c1c79245a5bcf07fe86e33eeafee792b84584aec276f5a2dbc4e6",
    "t10k-labels-idx1-ubyte.gz":
        "f7ae60f92e00ec6debd23a6088c31dbd2371eca3ffa0defaefb259924204aec6",
}
MNIST_FILES = tuple(f"{stem}.gz" for stem in IDX_FILES.values())
_BLOCK = 1 << 16
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


def sha256_file(path: str | Path) -> str:
    """Hex SHA-256 of a file, read in blocks.

    Parameters
    ----------
    path : str or path
    """
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        while block := fh.read(_BLOCK):
            digest.update(block)
    return digest.hexdigest()


def _offline(url: str, reason, dest: Path) -> DataError:
    return DataError(
        f"cannot download {mask_userinfo(url)} ({reason}); download "
        f"{', '.join(MNIST_FILES)} by hand "
        f"(e.g. from {MNIST_URL}) and put them, gzipped or unpacked, in {dest}")


def _open(url: str, timeout: float, dest: Path):
    try:
        return urllib.request.urlopen(url_request(url), timeout=timeout)  # http(s), file
    except urllib.error.HTTPError as exc:
        raise http_refusal(url, exc) from None
    except (urllib.error.URLError, OSError, http.client.HTTPException) as exc:
        # HTTPException: a reply that is no HTTP (BadStatusLine) or ends early
        raise _offline(url, getattr(exc, "reason", exc), dest) from None


def _mirror_sums(base: str, timeout: float, dest: Path) -> dict[str, str] | None:
    """The mirror's SHA256SUMS as {file name: hex}, or None when it serves none."""
    url = base + "SHA256SUMS"
    try:
        with urllib.request.urlopen(url_request(url), timeout=timeout) as response:
            text = b"".join(_blocks(response)).decode("utf-8", "replace")
    except urllib.error.HTTPError as exc:
        if exc.code in (404, 410):
            return None
        raise http_refusal(url, exc) from None
    except urllib.error.URLError as exc:
        if isinstance(exc.reason, FileNotFoundError):  # file:// mirror without the file
            return None
        raise _offline(url, exc.reason, dest) from None
    except (OSError, http.client.HTTPException) as exc:
        raise _offline(url, exc, dest) from None
    sums = {}
    for line in text.splitlines():
        match = re.fullmatch(r"\s*([0-9a-fA-F]{64})\s+\*?(\S.*?)\s*", line)
        if match:
            sums[Path(match.group(2)).name] = match.group(1).lower()
        elif line.strip() and not line.lstrip().startswith("#"):
            raise DataError(f"{mask_userinfo(url)}: not a SHA256SUMS file "
                            f"(line {line.strip()[:40]!r})")
    return sums


def _part_file(folder: Path, name: str) -> tuple[int, str]:
    """A temporary file for ``name`` in ``folder``, with the mode a plain open would give.

    mkstemp makes it private (0600) and the rename keeps that: a shared data folder
    would hold files only their downloader can read.
    """
    fd, tmp = tempfile.mkstemp(prefix=f".{name}.", suffix=".part", dir=folder)
    umask = os.umask(0)
    os.umask(umask)
    os.fchmod(fd, 0o666 & ~umask)
    return fd, tmp


def _download(url: str, dest: Path, name: str, timeout: float) -> tuple[Path, str]:
    """Stream url into a temporary file in dest; return (path, hex SHA-256)."""
    digest = hashlib.sha256()
    response = _open(url, timeout, dest)
    fd, tmp = _part_file(dest, name)
    try:
        with response, os.fdopen(fd, "wb") as out:
            for block in _blocks(response):
                digest.update(block)
                _write(out, block, dest / name)
    except (OSError, http.client.HTTPException) as exc:  # connection dropped mid-file
        Path(tmp).unlink(missing_ok=True)
        if getattr(exc, "filename", None) == str(dest / name):  # the disk failed, not it
            raise
        raise _offline(url, exc, dest) from None
    except BaseException:  # Ctrl-C or SIGTERM mid-file: no .part file outlives it
        Path(tmp).unlink(missing_ok=True)
        raise
    return Path(tmp), digest.hexdigest()


def _write(out, data: bytes, path: Path) -> None:
    """``data`` written to ``out`` and flushed (a failure is this write's); an OSError names
    ``path`` (QA: a full disk said "cannot download URL (...)" and to download by hand, or
    "No space left on device" alone, unpacking)."""
    try:
        out.write(data)
        out.flush()
    except OSError as exc:
        raise OSError(exc.errno, exc.strerror, str(path)) from None


def _blocks(response):
    """The body in blocks; a body shorter than its Content-Length is an error, not an end
    (``read(n)`` returns what came before the connection closed, without a word)."""
    while block := response.read(_BLOCK):
        yield block
    if getattr(response, "length", None):  # http.client counts down what is still owed
        raise http.client.IncompleteRead(b"", response.length)


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
