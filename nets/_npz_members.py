"""A model file's members checked before any data is read: each one save_net writes and no
other, plain numeric or text arrays (never pickled objects), each declaring no more than
the bytes it holds, and in all no more than `EXPANSION_LIMIT` past the file's size."""

from __future__ import annotations

import math
import re
import zipfile
import zlib
from pathlib import Path

import numpy as np

# the JSON header as NumPy stores it (4 bytes a character): room for ~16M characters, far
# more than any run's names and classes, so a forged one cannot ask for gigabytes
HEADER_LIMIT = 64 * 2**20
# what a file's members may declare beyond its own size on disk, in all (NumPy allocates
# what is declared before reading). save_net stores them uncompressed (np.savez), so a file
# it wrote declares no more than the bytes it holds, however large its net or extra arrays;
# only a compressed member (zeros deflate ~1000:1) or a forged zip directory declares more.
# 1 GiB: more than compressing any model's floats by hand saves, far less than a bomb asks
EXPANSION_LIMIT = 2**30
# the members save_net writes; no other is ever read
_MEMBER = re.compile(r"(header|param_(0|[1-9][0-9]*)|extra_.+)\.npy")
# the dtype kinds a member may have (bool, ints, floats, text): load_net reads these only,
# save_net writes these only
STORED_KINDS = "biufU"


class _Refusal(ValueError):
    """Why a member of an archive is not one save_net writes."""


def _read_npz(path: Path, names) -> tuple[dict, dict[str, np.ndarray]]:
    """``(declared, arrays)``: every member's ``(dtype, shape)`` from its .npy header, and
    the arrays of ``names`` among them, read only once every header is checked; no pickle."""
    try:
        z = np.load(path, allow_pickle=False)
        if not isinstance(z, np.lib.npyio.NpzFile):
            raise ValueError("a single .npy array, not an .npz archive")
        with z:
            _check_expansion(path, z.zip.infolist())
            declared = {m.filename[:-len(".npy")]: _declared(z.zip, m) for m in z.zip.infolist()}
            files = {k: z[k] for k in names if k in declared}
    except _Refusal as exc:
        raise ValueError(f"{path}: not an hplab model ({exc})") from None
    except ValueError as exc:  # object arrays need pickle: refused
        raise ValueError(f"{path}: not an hplab model ({load_refusal(exc)})") from None
    except (OSError, EOFError, zipfile.BadZipFile, zlib.error) as exc:
        raise ValueError(f"{path}: not a readable .npz file ({exc})") from None
    return declared, files


def _check_expansion(path: Path, members) -> None:
    """Refuse members declaring, in all, over EXPANSION_LIMIT bytes more than the file."""
    declared, size = sum(m.file_size for m in members), path.stat().st_size
    if declared > size + EXPANSION_LIMIT:
        raise _Refusal(f"its members declare {declared} bytes, over its own {size} bytes by "
                       f"more than the {EXPANSION_LIMIT} a model's may expand to")


def _declared(archive: zipfile.ZipFile, member: zipfile.ZipInfo) -> tuple[np.dtype, tuple]:
    """A member's dtype and shape from its .npy header, checked against the bytes the
    member holds (a declared shape is what NumPy allocates before reading)."""
    name = member.filename
    if not _MEMBER.fullmatch(name):
        raise _Refusal(f"member {name!r} is not one hplab writes")
    name = name[:-len(".npy")]
    try:
        opened = archive.open(member)
    except (RuntimeError, NotImplementedError) as exc:  # save_net writes neither
        raise _Refusal(_unreadable_member(member, exc)) from None
    with opened as fh:
        try:
            dtype, shape = npy_header(fh)
        except ValueError:  # no magic string, a bad header dict, a newer format version
            raise _Refusal(f"member {name!r} is not a plain .npy array") from None
        held = member.file_size - fh.tell()
    if dtype.hasobject:
        raise _Refusal("it holds pickled objects, which hplab never loads")
    if dtype.kind not in STORED_KINDS:
        raise _Refusal(f"member {name!r} is {dtype}, not a numeric array")
    size = math.prod(shape) * dtype.itemsize
    if size != held:
        raise _Refusal(f"member {name!r} declares {dtype} {shape} ({size} bytes) but holds "
                       f"{held} bytes")
    if name == "header" and size > HEADER_LIMIT:
        raise _Refusal(f"its header is {size} bytes, over the {HEADER_LIMIT} a model's may "
                       "have")
    return dtype, shape


def _unreadable_member(member: zipfile.ZipInfo, exc: Exception) -> str:
    """Why zipfile could not open ``member``: encrypted (its RuntimeError names the member's
    ZipInfo), or compressed by a method it lacks (NotImplementedError)."""
    if isinstance(exc, RuntimeError) and "encrypted" in str(exc):
        return f"member {member.filename!r} is encrypted"
    text = str(exc)
    return f"member {member.filename!r} cannot be read: {text[:1].lower()}{text[1:]}"


def npy_header(fh) -> tuple[np.dtype, tuple[int, ...]]:
    """The dtype and shape an open .npy file or member declares (NumPy's reader of its
    header), leaving ``fh`` at the data; ValueError for no .npy header."""
    version = np.lib.format.read_magic(fh)
    read_header = {(1, 0): np.lib.format.read_array_header_1_0,
                   (2, 0): np.lib.format.read_array_header_2_0}.get(version)
    if read_header is None:
        raise ValueError(f"version {version}")
    shape, _, dtype = read_header(fh)
    return dtype, shape


def load_refusal(exc: ValueError) -> str:
    """Why ``np.load(allow_pickle=False)`` refused a file, without NumPy's advice to
    allow pickle (which would run code from the file)."""
    text = str(exc)
    if "Object arrays" in text:
        return "it holds pickled objects, which hplab never loads"
    if "pickle" in text:  # NumPy takes any file that is not .npy or .npz for a pickle
        return "not a NumPy .npy/.npz file"
    return text
