"""What a compressed or .npy data file declares it holds, checked before it is read: NumPy
allocates an array's declared shape before reading it, and zeros deflate ~1000:1, so a
2 MB file could ask for gigabytes.

nets checks its model files the same way (nets._npz_members: npy_header, EXPANSION_LIMIT,
_unreadable_member). data
may not import nets, nor nets data, and a dataset may expand more than a model's weights
(so its limit grows with the file, where a model's is one cap): this is data's own copy.
"""

from __future__ import annotations

import math
import zipfile

import numpy as np

from ._dataset import DataError

# What a compressed file may declare: EXPANSION_RATIO times its own size, plus
# EXPANSION_ALLOWANCE. Real data compresses far less (MNIST's images: 47 MB in 9.9 MB,
# under 5x); a bomb of zeros asks ~1000x
EXPANSION_RATIO = 100
EXPANSION_ALLOWANCE = 64 * 2**20
# Bytes a load holds per value of an array file beyond the values as stored: their float32
# copy (scaled features). The bytes alone let a 65 KB file of zero images declare 67 MB,
# which took 892 MB as floats (the review's bomb), so an array's memory is what is charged
FLOAT_COPY = 4


def refuse_expansion(path, declared: int, size: int, undo: str, verb: str = "declares", *,
                     values: int | None = None, what: str = "") -> None:
    """Raise `DataError` when a ``size``-byte compressed file declares more than it may.

    Parameters
    ----------
    path : str or Path
        The file, as the message names it.
    declared : int
        The bytes it declares (or expands to).
    size : int
        Its own size.
    undo : str
        How to store it uncompressed ("gunzip it").
    verb : str
        How the bytes are known: a header declares them; a stream read so far "expands to
        at least" them.
    values : int, optional
        For an array file: the values it declares, whose float32 copy a load makes too;
        their memory is charged, not the bytes alone.
    what : str
        For an array file: what it declares ("60000 x 28 x 28 uint8 values").
    """
    limit = EXPANSION_RATIO * size + EXPANSION_ALLOWANCE
    memory = declared + FLOAT_COPY * (values or 0)
    if memory <= limit:
        return
    if values is None:
        raise DataError(f"{path}: {verb} {declared} bytes in a {size}-byte file, more "
                        f"than the {EXPANSION_RATIO}x its size plus {EXPANSION_ALLOWANCE} "
                        f"bytes a compressed file may expand to; {undo} if the data is real")
    raise DataError(f"{path}: declares {what} in a {size}-byte file: {declared} bytes, "
                    f"{memory} in memory with the float32 copy a load makes, more than the "
                    f"{EXPANSION_RATIO}x its size plus {EXPANSION_ALLOWANCE} bytes a "
                    f"compressed file may take; {undo} if the data is real")


def unreadable_member(member: zipfile.ZipInfo, exc: Exception) -> str:
    """Why zipfile could not open ``member`` of an archive: encrypted (its RuntimeError names
    the member's ZipInfo), or compressed by a method it lacks (NotImplementedError).

    Parameters
    ----------
    member : zipfile.ZipInfo
        The member opened.
    exc : Exception
        What opening it raised.
    """
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
        raise ValueError(f"unsupported .npy format version {version}")
    shape, _, dtype = read_header(fh)
    return dtype, shape


def check_npz_members(path, archive: zipfile.ZipFile, keys) -> None:
    """Refuse members ``keys`` of an npz whose .npy header declares more bytes than the
    member holds, or that together declare more than the file may expand to."""
    names = archive.namelist()  # NpzFile's lookup: the name as given, else with .npy
    members = [archive.getinfo(k if k in names else f"{k}.npy") for k in keys]
    arrays = []  # (key, dtype, shape) of those with a .npy header
    for key, member in zip(keys, members, strict=True):
        try:
            opened = archive.open(member)
        except (RuntimeError, NotImplementedError) as exc:
            raise DataError(f"{path}: not a readable npz file ({unreadable_member(member, exc)})"
                            ) from None
        with opened as fh:
            try:
                dtype, shape = npy_header(fh)
            except ValueError:
                continue  # no .npy header: np.load names the problem
            held = member.file_size - fh.tell()
        arrays.append((key, dtype, shape))
        need = math.prod(shape) * dtype.itemsize  # Python ints: no int64 wrap-around
        if need > held and not dtype.hasobject:  # object arrays: refused, unread, by np.load
            rows = shape[0] if shape else 1
            raise DataError(f"{path}: {key!r} declares {rows} rows ({dtype} {shape}, {need} "
                            f"bytes) but holds {held} bytes; a truncated or forged file")
    values = sum(math.prod(shape) for _, _, shape in arrays)
    each = ", ".join(f"{key!r} {dtype} {' x '.join(map(str, shape)) or 'one value'}"
                     for key, dtype, shape in arrays)
    refuse_expansion(path, sum(m.file_size for m in members), path.stat().st_size,
                     "save it uncompressed (np.savez)", values=values,
                     what=f"{values} values ({each})")
