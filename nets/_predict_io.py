"""Inputs for a saved model from files: ``.npy`` arrays and ``.csv`` tables (with or
without a header, columns matched to the model's features by name: `nets._predict_csv`)."""

from __future__ import annotations

import gzip
import math
import zlib
from pathlib import Path

import numpy as np

from ._csv_text import is_csv
from ._left_out import left_out_hint
from ._load_model import check_model
from ._npz_members import load_refusal, npy_header
from ._predict import SavedModel
from ._predict_csv import read_csv_inputs


def read_inputs(path, model: SavedModel, header: bool | None = None) -> np.ndarray:
    """Raw inputs from a ``.npy`` array or a ``.csv`` table, as float64 (n, d).

    A CSV may start with a header row, whose names pick the columns by
    `SavedModel.feature_columns`' rule (the one a DataFrame's follow): naming every
    feature, those columns in the model's order (other columns, such as the target, are
    ignored); naming none, the file's ``d`` columns by position, for a model with made-up
    names (x1, x2...) only. A first row of numbers is data (no header): ``d`` columns;
    one that also names the model's features (0, 1 for a model of pandas' default names)
    is refused unless ``header`` says which it is (True: a header; False: data).

    Parameters
    ----------
    path : str or path
        A ``.npy`` file, or a ``.csv`` (also ``.csv.gz``...).
    model : SavedModel
        The model the inputs are for (`load_model`): its features and their names.
    header : bool, optional
        Whether a CSV's first row is a header (default: told from the row, see above).

    Returns
    -------
    ndarray
        ``(n, d)`` float64, the model's ``d`` inputs as read (not yet scaled).

    Raises
    ------
    TypeError
        A ``model`` that is not a SavedModel (a path: load it with `load_model` first).
    """
    check_model(model)
    if not str(path).strip():
        raise ValueError("the input needs a file path, got ''")
    path = Path(path)
    if not path.is_file():
        # /dev/null or a named pipe exists: "no input file at /dev/null" puzzled
        raise FileNotFoundError(f"{path} is a folder; give the input file" if path.is_dir()
                                else f"{path} is not a regular file (a pipe or a device, "
                                "as <(...) and /dev/null are): save the inputs to a file and "
                                "give that" if path.exists()
                                else f"no input file at {path}")
    suffix = ".csv" if is_csv(path) else path.suffix.lower()  # .csv.gz too, as data reads
    if header is not None and suffix != ".csv":
        raise ValueError(f"{path}: only a .csv file has a header to say of")
    if suffix == ".npy":
        _refuse_short_npy(path)
        try:
            X = np.load(path, allow_pickle=False)
        except ValueError as exc:  # object arrays (pickle) and bad headers
            raise ValueError(f"{path}: not a plain .npy array ({load_refusal(exc)})") from None
        except EOFError:  # np.load of an empty file
            raise ValueError(f"{path}: empty file") from None
        if not isinstance(X, np.ndarray):  # np.load goes by the bytes: an .npz archive
            X.close()
            raise ValueError(f"{path}: an .npz archive, not a single .npy array")
        if X.ndim == 1 and model.n_features > 1:
            X = X.reshape(1, -1)  # one example
        elif X.ndim == 1:
            X = X.reshape(-1, 1)  # one feature: a column of examples
    elif suffix == ".csv":
        X = read_csv_inputs(path, model, header)
    else:
        raise ValueError(f"{path}: inputs must be a .npy or .csv file (or .csv.gz, .csv.bz2, "
                         f".csv.xz){_idx_hint(path)}")
    if X.ndim == 2 and X.shape[1] == model.n_features and len(X) == 0:
        raise ValueError(f"{path}: no rows (an array of shape {X.shape}): nothing to predict")
    if X.ndim != 2 or X.shape[1] != model.n_features or len(X) == 0:
        wider = X.ndim == 2 and X.shape[1] > model.n_features
        # what the file should hold, not a column to remove: with it removed already (the
        # target still in), "remove column 1" again took out a feature, and predicted
        hint = left_out_hint(model.meta, "the file should hold the model's columns only, "
                             "without {columns} or the target") if wider else ""
        raise ValueError(f"{path}: the model takes {model.n_features} features per example, "
                         f"got an array of shape {X.shape}{hint}")
    if X.dtype.kind not in "uifb":
        raise ValueError(f"{path}: inputs must be numbers, got dtype {X.dtype}")
    X = X.astype(np.float64, copy=False)  # a CSV's are float64 already: no second copy
    if not np.isfinite(X).all():  # a CSV's are found in read_csv_inputs, by their line
        row = int(np.argmin(np.isfinite(X).all(axis=1)))
        raise ValueError(f"{path}: inputs contain NaN or infinite values (first in row {row})")
    return X


def _refuse_short_npy(path: Path) -> None:
    """Refuse a .npy whose header declares more than the file holds: NumPy allocates the
    declared shape before reading (10^12 rows: "Unable to allocate 14.6 TiB")."""
    with open(path, "rb") as fh:
        try:
            dtype, shape = npy_header(fh)
        except ValueError:
            return  # no .npy header: np.load names the problem
        held = path.stat().st_size - fh.tell()
    need = math.prod(shape) * dtype.itemsize  # Python ints: no int64 wrap-around
    if need > held and not dtype.hasobject:  # object arrays: refused, unread, by np.load
        rows = shape[0] if shape else 1
        raise ValueError(f"{path}: declares {rows} rows ({dtype} {shape}, {need} bytes) but "
                         f"holds {held} bytes; a truncated or forged file")


# IDX's type codes (uint8, int8, int16, int32, float32, float64), as data's reader has them
_IDX_TYPES = (0x08, 0x09, 0x0B, 0x0C, 0x0D, 0x0E)


def _idx_hint(path: Path) -> str:
    """How to predict on an IDX file (MNIST's t10k-images-idx3-ubyte[.gz]) given as
    ``--input``, where its first bytes are an IDX magic number; "" for other files."""
    try:
        with open(path, "rb") as fh:
            head = fh.read(4)
        if head[:2] == b"\x1f\x8b":  # gzip: the IDX header is the first bytes inside
            with gzip.open(path, "rb") as fh:
                head = fh.read(4)
    except (OSError, EOFError, zlib.error):
        return ""
    if len(head) < 4 or head[:2] != b"\0\0" or head[2] not in _IDX_TYPES or head[3] == 0:
        return ""
    # its folder is named only as the one to check: alone in it, the file is no dataset
    # (`--dataset idx:` of it was refused for the three files missing)
    return (f"; {path.name} is an IDX file (MNIST's format): predict on the test split of a "
            "folder of the four IDX files (train and t10k images and labels) with --dataset "
            f"idx:FOLDER ({path.parent}, if it holds all four)")
