"""Downloading one file safely: an http(s) or file URL streamed into a temporary file in
its folder with its SHA-256 (a body cut short is an error), a mirror's SHA256SUMS, and
every failure of the network as one `DataError` (`fetch_mnist` moves the files into place).
"""

from __future__ import annotations

import hashlib
import http.client
import os
import re
import tempfile
import urllib.error
import urllib.request
from pathlib import Path

from ._dataset import DataError
from ._mnist_source import MNIST_FILES, MNIST_URL
from ._url_credentials import http_refusal, mask_userinfo, url_request

_BLOCK = 1 << 16


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
