"""Loaders for user files: npz files, and the task, path and images checks CSVs share."""

from __future__ import annotations

import zipfile
import zlib
from pathlib import Path

import numpy as np

from ._csv_bytes import csv_text_hint
from ._dataset import DataError, Source
from ._declared_size import check_npz_members
from ._home import expand_home
from ._idx import check_image_pair, full_scale
from ._test_rows import ALONE
from ._unicode_names import other_form_of

TASK_CHOICES = ("classification", "regression")
# Numeric targets with at most this many distinct integral values count as class labels.
MAX_CLASSES = 50


def infer_task(y: np.ndarray) -> str:
    """"classification" for string, boolean or few integral labels, else "regression"."""
    y = np.asarray(y)
    if y.dtype.kind in "OUSb":
        return "classification"
    finite = y[np.isfinite(y)]
    integral = np.array_equal(finite, np.round(finite))
    return "classification" if integral and len(np.unique(finite)) <= MAX_CLASSES else \
        "regression"


def _resolve_task(y: np.ndarray, task: str | None) -> str:
    if task is None:
        return infer_task(y)
    if task not in TASK_CHOICES:
        raise DataError(f"unknown task {task!r}; valid: {', '.join(TASK_CHOICES)}")
    return task


def _existing(path: str) -> Path:
    p = expand_home(path)
    if p.is_dir():  # "file not found" sent users looking for a file that was there
        raise DataError(f"{p} is a folder; give the data file")
    if p.exists() and not p.is_file():  # "file not found" of a <(...) that was there
        raise DataError(f"{p} is not a regular file (a pipe or a device, as <(...) and "
                        "/dev/null are): save the data to a file and give that")
    if not p.is_file():
        if other := other_form_of(p):  # typed é for the é + accent macOS wrote: alike on screen
            raise DataError(f"file not found: {p} (the folder holds {other.name}, the same name "
                            "in another Unicode form, as macOS writes accents: type it by "
                            "tab completion, or rename the file)")
        raise DataError(f"file not found: {p}")
    return p


def checked_test_file(train: Path, test_path: str) -> Path:
    """The test file of a pair, refused where it is the training file under another name
    (a link, ``./``): the test set would be every training row, its scores no held-out
    ones, and nothing said so."""
    test = _existing(test_path)
    if test.samefile(train):
        raise DataError(f"{test} is the training file {train} itself: a test set of the "
                        f"training rows holds nothing out{ALONE}")
    return test


def _read_npz(path: Path) -> tuple[np.ndarray, np.ndarray, tuple]:
    """``data`` as rows, ``label`` as one column, and the shape of a row of ``data`` as
    stored (two or more dimensions: images)."""
    try:
        npz = np.load(path, allow_pickle=False)
        if not isinstance(npz, np.lib.npyio.NpzFile):
            raise DataError(f"{path}: a single .npy array, not an npz file with keys 'data' "
                            "and 'label'")
        with npz:
            missing = [k for k in ("data", "label") if k not in npz.files]
            if missing:
                raise DataError(f"{path} has no key {missing[0]!r} "
                                f"(keys: {', '.join(npz.files) or 'none'})")
            check_npz_members(path, npz.zip, ("data", "label"))  # before NumPy allocates
            X, y = npz["data"], npz["label"]
    except (OSError, ValueError, EOFError, zipfile.BadZipFile, zlib.error) as exc:
        if isinstance(exc, DataError):
            raise
        if "Object arrays" in str(exc):
            raise DataError(f"{path}: holds object arrays, which hplab never loads (reading "
                            "them needs pickle, which can run code); save numbers or text"
                            ) from None
        # NumPy takes a file that is not .npy/.npz for a pickle, and advises allow_pickle
        why = "not a NumPy file" if "pickle" in str(exc) else " ".join(str(exc).split())
        raise DataError(f"{path}: not a readable npz file ({why}){csv_text_hint(path)}") from None
    if X.ndim == 0 or y.ndim == 0:
        raise DataError(f"{path}: 'data' and 'label' need one row per sample, got single "
                        "values")
    stored = X.shape[1:]
    X = X.reshape(len(X), -1) if X.ndim != 2 else X  # 1-D: one feature; images: flatten
    if y.ndim == 2 and y.shape[1] == 1:
        y = y[:, 0]  # the course stores labels as an (N, 1) column
    if y.ndim != 1:
        one_hot = y.ndim == 2 and np.isin(y, (0, 1)).all() and (y.sum(axis=1) == 1).all()
        hint = "; one-hot rows? save label.argmax(axis=1) as the labels" if one_hot else ""
        raise DataError(f"{path}: 'label' must be one column, got shape {y.shape}{hint}")
    return X, _label_values(y, path), stored


def _label_values(y: np.ndarray, path: Path) -> np.ndarray:
    """Labels as numbers, booleans or str: bytes (b"cat") are decoded, as JSON has no
    bytes; dates, records and complex numbers are refused."""
    if y.dtype.kind == "S":
        try:
            return np.char.decode(y, "utf-8")  # np.strings: NumPy 2 only
        except UnicodeDecodeError:
            raise DataError(f"{path}: 'label' holds bytes that are not UTF-8 text") from None
    if y.dtype.kind not in "biufU":
        raise DataError(f"{path}: 'label' has dtype {y.dtype}; labels must be numbers, "
                        "booleans or text")
    return y


#: ``npz:``/``csv:`` ``?images=...``: yes (pixels: scaled as a whole, x / 255 for uint8,
#: never per column), no (features: per column), auto (npz: N x H x W arrays and uint8
#: data are images; csv: never).
IMAGE_OPTIONS = ("auto", "yes", "no")


def _as_images(X: np.ndarray, images: str | None, auto: bool) -> dict:
    """The `Source` fields that make ``X`` images (or not), from the ``images`` option."""
    images = "auto" if images is None else images  # ?images= is refused, not auto
    if images not in IMAGE_OPTIONS:
        raise DataError(f"option images={images!r} must be one of {', '.join(IMAGE_OPTIONS)}")
    if images == "no" or images == "auto" and not auto:
        return {"images": False, "pixel_max": None}
    # the course: a pixel always 0 in train must not blow up on test, as per column it would
    return {"images": True, "pixel_max": full_scale(X)}


def load_npz(path: str, test_path: str | None = None, *, task: str | None = None,
             images: str | None = None) -> Source:
    """An npz file with keys ``data`` (N x features) and ``label`` (N or N x 1), and an
    optional second file with the test set; ``images`` as in `IMAGE_OPTIONS`."""
    p = _existing(path)
    X, y, stored = _read_npz(p)
    X_test = y_test = None
    if test_path:
        pt = checked_test_file(p, test_path)
        X_test, y_test, test_stored = _read_npz(pt)
    names = tuple(f"x{i + 1}" for i in range(X.shape[1]))
    # images (N x H x W..., or flattened uint8 as the course's MNIST files) are scaled as a
    # whole, as IDX images are
    pixels = _as_images(X, images, auto=len(stored) >= 2 or X.dtype == np.uint8)
    if X_test is not None and pixels["images"]:  # scaled by the training file's scale
        # a flattened file beside one of images holds the same pixels in the same order (a
        # count of them apart is refused with the other arrays' checks)
        if len(stored) < 2 or len(test_stored) < 2:
            stored = test_stored = ()
        check_image_pair(stored, X.dtype, test_stored, X_test.dtype,
                         where=f"{expand_home(test_path)} beside {p}: ")
    return Source(X, y, X_test, y_test, _resolve_task(y, task), names, **pixels,
                  info={"files": [str(p)] + ([str(Path(test_path))] if test_path else [])})
