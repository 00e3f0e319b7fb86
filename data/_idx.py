"""Reader for IDX files (the MNIST format), gzip-compressed or raw.

Layout: two zero bytes, a type code, the number of dimensions, one big-endian uint32
per dimension, then the values in row-major order. Images are idx3 (magic 2051 for
uint8), labels idx1 (magic 2049).
"""

from __future__ import annotations

import gzip
import math
import multiprocessing
import warnings
import zlib
from pathlib import Path

import numpy as np

from ._dataset import DataError, DataWarning, Source
from ._declared_size import refuse_expansion
from ._home import expand_home

_TYPES = {0x08: np.dtype(np.uint8), 0x09: np.dtype(np.int8), 0x0B: np.dtype(">i2"),
          0x0C: np.dtype(">i4"), 0x0D: np.dtype(">f4"), 0x0E: np.dtype(">f8")}
# The four files of an MNIST-format folder (Fashion-MNIST and KMNIST use the same names).
IDX_FILES = {
    "train_images": "train-images-idx3-ubyte",
    "train_labels": "train-labels-idx1-ubyte",
    "test_images": "t10k-images-idx3-ubyte",
    "test_labels": "t10k-labels-idx1-ubyte",
}


def _open_idx(path: Path) -> tuple:
    """``(file object of the IDX bytes, gzipped?)``: a gzip file decompresses as read."""
    with open(path, "rb") as fh:
        gzipped = fh.read(2) == b"\x1f\x8b"
    return (gzip.open if gzipped else open)(path, "rb"), gzipped


def read_idx(path: str | Path, *, ndim: int | None = None) -> np.ndarray:
    """Read one IDX file, gzip-compressed or raw.

    Parameters
    ----------
    path : str or Path
    ndim : int, optional
        Expected number of dimensions (3 for images, 1 for labels); another magic
        number is an error.

    Returns
    -------
    ndarray
        In native byte order (uint8 for MNIST).

    Raises
    ------
    DataError
        Missing, truncated or over-long file, a wrong magic number, or a gzip file whose
        header declares more than it may expand to (checked before decompressing).
    """
    path = Path(path)
    if not path.is_file():
        raise DataError(f"IDX file not found: {path}")
    fh, gzipped = _open_idx(path)
    try:
        with fh:
            dtype, shape, dims_end = _header(fh, path, ndim)
            expected = math.prod(shape) * dtype.itemsize  # Python ints: no int64 wrap-around
            if gzipped:
                refuse_expansion(path, dims_end + expected, path.stat().st_size, "gunzip it",
                                 values=math.prod(shape),
                                 what=f"{' x '.join(map(str, shape))} {dtype.name} values")
                # one byte more tells trailing bytes, without decompressing them all
                data = fh.read(expected + 1)
                found = len(data)
            else:
                found = path.stat().st_size - dims_end
                data = fh.read(expected) if found == expected else b""
    except (EOFError, OSError, zlib.error) as exc:
        if not gzipped:
            raise
        raise DataError(f"{path}: truncated or corrupt gzip file ({exc})") from None
    if found != expected:
        problem = "truncated" if found < expected else "has trailing bytes"
        held = "more" if gzipped and found > expected else found
        raise DataError(f"{path}: {problem}: shape {shape} needs {expected} bytes of data, "
                        f"found {held}")
    array = np.frombuffer(data, dtype=dtype).reshape(shape)
    return array.astype(dtype.newbyteorder("="), copy=False)


def _header(fh, path: Path, ndim: int | None) -> tuple[np.dtype, tuple[int, ...], int]:
    """``(dtype, shape, header length)`` from the IDX header at ``fh``'s start."""
    head = fh.read(4)
    if len(head) < 4:
        raise DataError(f"{path}: truncated IDX file ({len(head)} bytes, no header)")
    magic = int.from_bytes(head, "big")
    dtype = _TYPES.get(head[2])
    if head[:2] == b"\0\0" and dtype is not None and ndim is not None and head[3] != ndim:
        # a well-formed IDX file of other dimensions: "wrong magic number 2050; not an IDX
        # file" sent people looking for damage
        dims = "N x H x W images" if ndim == 3 else "N labels" if ndim == 1 else f"{ndim}-D"
        raise DataError(f"{path}: an IDX file of {head[3]} dimension(s), not {ndim} "
                        f"({dims}; magic number {0x0800 + ndim} for uint8)")
    if head[:2] != b"\0\0" or dtype is None or (ndim is not None and head[3] != ndim):
        want = f" (expected {0x0800 + ndim} for idx{ndim} uint8)" if ndim else ""
        raise DataError(f"{path}: wrong magic number {magic}{want}; not an IDX file")
    dims = fh.read(4 * head[3])
    if len(dims) < 4 * head[3]:
        raise DataError(f"{path}: truncated IDX header")
    shape = tuple(int.from_bytes(dims[i:i + 4], "big") for i in range(0, len(dims), 4))
    return dtype, shape, 4 + len(dims)


def full_scale(images: np.ndarray) -> float | None:
    """255 for uint8 images; None (read off the training part) for other types."""
    return 255.0 if images.dtype == np.uint8 else None


def check_image_pair(shape: tuple, dtype: np.dtype, test_shape: tuple, test_dtype: np.dtype,
                     where: str = "") -> None:
    """Refuse test images stored otherwise than the training images (``shape`` an image's,
    not the set's): the test set is scaled by the training file's full scale and read as
    its pixels, so a float test file (x / 255 on [0, 1] pixels) or 14 x 56 images scored
    as 28 x 28 ones gave a test accuracy of chance without a word. ``where`` leads the
    error (the files, where the message alone does not tell them)."""
    if tuple(shape) != tuple(test_shape):
        raise DataError(f"{where}test images are {'x'.join(map(str, test_shape))} but train "
                        f"images {'x'.join(map(str, shape))}")
    dtype, test_dtype = np.dtype(dtype), np.dtype(test_dtype)
    if (dtype.kind == "f") != (test_dtype.kind == "f") or \
            (dtype == np.uint8) != (test_dtype == np.uint8):  # float32, float64: alike
        raise DataError(f"{where}test images are {test_dtype} but train images {dtype}: both "
                        "files must store pixels alike (they are scaled alike)")


def find_idx_files(folder: str | Path) -> dict[str, Path]:
    """Paths of the four MNIST-format files in ``folder`` (``NAME``, ``NAME.gz``, or the
    ``train-images.idx3-ubyte`` spelling some mirrors use)."""
    folder = expand_home(folder)
    if folder.is_file():  # "folder not found" for a file that was there
        raise DataError(f"{folder} is a file, not a folder: idx: takes the folder of the four "
                        "IDX files (train-images-idx3-ubyte[.gz]...)")
    if not folder.is_dir():
        raise DataError(f"folder not found: {folder}")
    found, missing = {}, []
    for key, stem in IDX_FILES.items():
        dotted = stem.replace("-idx", ".idx")
        candidates = [folder / f"{s}{ext}" for s in (stem, dotted) for ext in ("", ".gz")]
        hit = next((p for p in candidates if p.is_file()), None)
        if hit is None:
            missing.append(stem + "[.gz]")
        else:
            found[key] = hit
    if missing:
        raise DataError(f"{folder} lacks {', '.join(missing)}")
    return found


def _pair(images: Path, labels: Path) -> tuple[np.ndarray, np.ndarray]:
    X = read_idx(images, ndim=3)
    y = read_idx(labels, ndim=1)
    if len(X) != len(y):
        # the folder once, in the first path: which of the user's folders it is
        raise DataError(f"{labels} has {len(y)} labels but {images.name} beside it has "
                        f"{len(X)} images")
    if len(X) == 0:
        raise DataError(f"{images} holds no images")
    if y.dtype.kind == "f" and not (np.all(np.mod(y, 1) == 0) and np.all(np.abs(y) < 2**62)):
        raise DataError(f"{labels}: labels must be whole numbers (class indices)")
    return X, y.astype(np.int64)


def load_idx_folder(folder: str | Path) -> Source:
    """The train and test pairs of an MNIST-format folder as a raw `Source` (images
    flattened to rows, still in their stored dtype)."""
    files = find_idx_files(folder)
    train, test = files["train_images"], files["test_images"]
    if test.samefile(train):  # a link: its images would be tested as held out
        raise DataError(f"{expand_home(folder)}: {test.name} is {train.name} itself: a test "
                        "set of the training images holds nothing out; the t10k files must "
                        "hold other images than the train files")
    X, y = _pair(files["train_images"], files["train_labels"])
    X_test, y_test = _pair(files["test_images"], files["test_labels"])
    check_image_pair(X.shape[1:], X.dtype, X_test.shape[1:], X_test.dtype,
                     where=f"{expand_home(folder)}: ")
    X, X_test = X.reshape(len(X), -1), X_test.reshape(len(X_test), -1)
    names = tuple(f"px{i}" for i in range(X.shape[1]))
    info = {"folder": str(expand_home(folder)),
            "files": {k: p.name for k, p in files.items()}}
    return Source(X, y, X_test, y_test, "classification", names, pixel_max=full_scale(X),
                  images=True, info=info)


def warn_label_gaps(src: Source, name: str) -> None:
    """DataWarning where an IDX folder's labels are not 0..k-1 without gaps, naming the
    values past the run from 0 and their counts: each distinct label is read as a class,
    so 50 labels corrupted to 255 made MNIST "11 classes [0, ..., 9, 255]" without a word.
    Not in a pool's worker process: the parent loaded the same files first and said so."""
    if multiprocessing.parent_process() is not None:
        return
    parts = [(y, part) for y, part in ((src.y, "training"), (src.y_test, "test"))
             if y is not None]
    values = np.unique(np.concatenate([y for y, _ in parts]))
    if np.array_equal(values, np.arange(len(values))):
        return
    run = 0  # the labels 0..run-1 are all there
    while run < len(values) and values[run] == run:
        run += 1
    odd = values[run:]
    said = []
    for v in odd[:5]:
        counts = [(int((y == v).sum()), part) for y, part in parts]
        said.append(f"{v} ({', '.join(f'{n} {part}' for n, part in counts if n)} "
                    f"label{'s' * (sum(n for n, _ in counts) != 1)})")
    more = f" and {len(odd) - 5} more values" if len(odd) > 5 else ""
    first = f"0..{run - 1}, then " if run > 1 else "0, then " if run else ""
    warnings.warn(f"{name}: the labels are not 0..{len(values) - 1} without gaps: {first}"
                  f"{', '.join(said)}{more}; each distinct label is read as a class "
                  f"({len(values)} classes): a stray value is likely a corrupt label",
                  DataWarning, stacklevel=3)
