"""Inputs for a saved model (``.npy``/``.csv`` files, a dataset's test split) and its
predictions as table rows, scores and JSON.

The rule for datasets: a model always sees inputs scaled by *its own* stored scaling.
A dataset's splits come normalized by the dataset's scaling; when that is the model's
(same dataset, same seed) they are used as they are, otherwise they are mapped back to
raw values (``X * x_scale + x_shift``) and scaled with the model's. nets never imports
``data``: any object with ``X_test``, ``y_test``, ``x_shift``, ``x_scale``, ``task`` and
``inverse_y`` will do.
"""

from __future__ import annotations

import lzma
import math
import re
import warnings
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from ._csv_text import (
    is_csv,
    line_of,
    not_utf8,
    open_csv_bytes,
    refuse_other_separator,
    utf16_codec,
)
from ._io import load_refusal, npy_header
from ._predict import (
    Prediction,
    SavedModel,
    _first_positions,
    _name_key,
    _some,
    made_up_names,
    named_features,
)

if TYPE_CHECKING:
    import pandas as pd


def read_inputs(path, model: SavedModel, header: bool | None = None) -> np.ndarray:
    """Raw inputs from a ``.npy`` array or a ``.csv`` table, as float64 (n, d).

    A CSV may start with a header row, whose names pick the columns by
    `SavedModel.feature_columns`' rule (the one a DataFrame's follow): naming every
    feature, those columns in the model's order (other columns, such as the target, are
    ignored); naming none, the file's ``d`` columns by position, for a model with made-up
    names (x1, x2...) only. A first row of numbers is data (no header): ``d`` columns;
    one that also names the model's features (0, 1 for a model of pandas' default names)
    is refused unless ``header`` says which it is (True: a header; False: data).
    """
    if not str(path).strip():
        raise ValueError("the input needs a file path, got ''")
    path = Path(path)
    if not path.is_file():
        # /dev/null or a named pipe exists: "no input file at /dev/null" puzzled
        raise FileNotFoundError(f"{path} is a folder; give the input file" if path.is_dir()
                                else f"{path} is not a regular file" if path.exists()
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
        X = _read_csv(path, model, header)
    else:
        raise ValueError(f"{path}: inputs must be a .npy or .csv file (or .csv.gz, .csv.bz2, "
                         ".csv.xz)")
    if X.ndim == 2 and X.shape[1] == model.n_features and len(X) == 0:
        raise ValueError(f"{path}: no rows (an array of shape {X.shape}): nothing to predict")
    if X.ndim != 2 or X.shape[1] != model.n_features or len(X) == 0:
        raise ValueError(f"{path}: the model takes {model.n_features} features per example, "
                         f"got an array of shape {X.shape}")
    if X.dtype.kind not in "uifb":
        raise ValueError(f"{path}: inputs must be numbers, got dtype {X.dtype}")
    X = X.astype(np.float64, copy=False)  # a CSV's are float64 already: no second copy
    if not np.isfinite(X).all():  # a CSV's are found in _read_csv, by their line
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


def _read_csv(path: Path, model: SavedModel, header: bool | None) -> np.ndarray:
    import pandas as pd  # here: `import nets` would cost pandas' import (~0.3 s)

    try:
        with open_csv_bytes(path) as fh:  # UTF-16 without a BOM reads as UTF-8 with NULs
            if utf16_codec(fh.read(4096)):
                raise ValueError(not_utf8(path))
    except (OSError, EOFError, lzma.LZMAError) as exc:  # its name promised a compression
        raise ValueError(f"{path}: not a readable {path.suffix[1:]} file ({exc})") from None

    def read(header=None, **kwargs) -> pd.DataFrame:
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("error", pd.errors.ParserWarning)
                # text in a numeric column of a long file: refused below in one line
                warnings.simplefilter("ignore", pd.errors.DtypeWarning)
                # index_col=False: a row longer than the header is refused, its first field
                # not taken for the row's index (which shifted every value one column)
                return pd.read_csv(path, header=header, skipinitialspace=True,
                                   index_col=False, **kwargs)
        except pd.errors.EmptyDataError:
            raise ValueError(f"{path}: empty file") from None
        except pd.errors.ParserWarning:
            raise ValueError(f"{path}: rows have more fields than the header; every line "
                             "needs one field per column") from None
        except UnicodeDecodeError:
            raise ValueError(not_utf8(path)) from None
        except ValueError as exc:  # ragged rows and other parse errors: name the file
            # pandas: "Error tokenizing data. C error: Expected 3 fields in line 3, saw 5"
            ragged = re.search(r"Expected (\d+) fields in line (\d+), saw (\d+)", str(exc))
            if ragged:
                width, line, got = ragged.groups()
                # as data says; "the first line": a blank line 1 is skipped
                whose = "the header has" if header == 0 else "the first line has"
                raise ValueError(f"{path}: line {line} has {got} fields, {whose} {width}; "
                                 "every line needs one field per column") from None
            raise ValueError(f"{path}: {exc}") from None

    # the first row as text decides the header; the rest is read as numbers (text cells
    # for every row took ~110 bytes a cell: 1.2 GB for 200k x 50)
    head = read(nrows=1, dtype=str, keep_default_na=False)
    if head.empty:
        raise ValueError(f"{path}: no rows")
    first = [str(c).strip() for c in head.iloc[0].tolist()]
    names = list(model.feature_names)
    if len(first) == 1 and not _is_number(first[0]):  # one field: 1;0 for a 1-feature model too
        refuse_other_separator(path, first[0])
    numeric = [_is_number(v) for v in first]
    # numbers compare as numbers: "400.0" names the feature "400"
    keys, first_at = list(map(_name_key, names)), _first_positions(map(_name_key, first))
    every = set(keys).issubset(first_at)
    say_which = "say which: --header yes or no (header=True or False from Python)"
    # a header names every feature (numbers too: 2019,2020), or is text; a row of numbers
    # is data, unless it is pandas' default names 0, 1, 2...; anything else is refused
    # rather than guessed at
    if header is None and all(numeric) and every and sorted(keys) == list(range(len(keys))):
        # features named 0, 1... (pandas' default header) and a first row of them (0,1 or
        # 1,0): the header of a file written as the training file was, or binary data?
        # Taken as a header, a row was silently dropped (and in another order the columns
        # swapped); 2019,400 name features no data row is likely to repeat
        raise ValueError(f"{path}: row 1 ({', '.join(first[:5])}"
                         f"{', ...' if len(first) > 5 else ''}) is numbers that also name the "
                         f"model's features: a header or data? {say_which}")
    if header is None and all(numeric) and not every:
        if len(first) > 1 and [float(v) for v in first] == list(range(len(first))):
            raise ValueError(f"{path}: row 1 is 0, 1, 2...: pandas' default column names, "
                             "or data? Write the file with the model's feature names "
                             f"({_some(names)}) or with no header row, or {say_which}")
        header = False
    if header is False:
        columns = None
    elif header is None and any(numeric) and not every:
        raise ValueError(f"{path}: row 1 mixes numbers and text; the model takes "
                         f"{_some(names)}: give a header naming every one, or numbers "
                         "only")
    else:  # a header: the model's rule for a table's column names
        header = True
        columns = model.feature_columns(first, f"the header of {path}")
        if columns is None and len(first) != model.n_features:
            raise ValueError(f"{path}: {len(first)} columns; the model takes "
                             f"{model.n_features} ({_some(names)}): give exactly those "
                             "columns or a header naming them")
    # header=0: the first line pandas parses (blank lines before it are skipped, as above);
    # every column is read (usecols let a ragged row through), the model's then picked
    table = read(header=0 if header else None)
    if table.empty:  # header=0 on a header alone: no error, no rows
        raise ValueError(f"{path}: a header and no rows")
    if columns is not None and columns != list(range(table.shape[1])):
        table = table.iloc[:, columns]  # a copy: only when other columns or another order
    _text_to_numbers(table, path, header)
    X = table.to_numpy(dtype=np.float64)
    bad = ~np.isfinite(X).all(axis=1)  # a short row's missing fields are NaN too
    if bad.any():
        raise ValueError(f"{path}: line {line_of(path, int(np.argmax(bad)), header)} has a "
                         "missing, empty, NaN or infinite value; every field must be a number")
    return X


def _text_to_numbers(table: pd.DataFrame, path: Path, header: bool) -> None:
    """Make ``table``'s text columns numbers, in place, or refuse the first cell (by row,
    then column) that is not one. Columns pandas read as numbers are left as they are
    (converting all 784 columns of an image one by one took 1.8 s)."""
    import pandas as pd

    text_columns = [j for j, t in enumerate(table.dtypes)
                    if not pd.api.types.is_numeric_dtype(t)]
    if not text_columns:
        return
    numbers = [pd.to_numeric(table.iloc[:, j], errors="coerce") for j in text_columns]
    text = np.column_stack([(n.isna() & table.iloc[:, j].notna()).to_numpy()
                            for j, n in zip(text_columns, numbers, strict=True)])
    if text.any():
        row, k = np.argwhere(text)[0]
        col = text_columns[k]
        where = f"column {table.columns[col]}" if header else f"field {col + 1}"
        raise ValueError(f"{path}: line {line_of(path, row, header)} has "
                         f"{table.iat[row, col]!r} in {where}, not a number")
    for j, n in zip(text_columns, numbers, strict=True):
        table.isetitem(j, n)


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def predict_dataset(model: SavedModel, ds, split: str = "test") -> tuple[Prediction, np.ndarray]:
    """Predict one split of a loaded dataset and return ``(prediction, truth)``.

    Parameters
    ----------
    model : SavedModel
    ds : data.Dataset
        Any object with its fields; its split arrays are normalized by its own scaling.
    split : {"test", "val", "train"}

    Returns
    -------
    prediction : Prediction
    truth : ndarray
        Original class labels (classification) or de-normalized targets (regression).
    """
    if split not in ("test", "val", "train"):
        raise ValueError(f"split must be test, val or train, got {split!r}")
    X, y = getattr(ds, f"X_{split}"), getattr(ds, f"y_{split}")
    if X.shape[1] != model.n_features:
        raise ValueError(f"dataset {ds.name!r} has {X.shape[1]} features, the model takes "
                         f"{model.n_features}")
    ours = tuple(str(f).strip() for f in model.feature_names)
    theirs = tuple(str(f).strip() for f in ds.feature_names)
    # names a loader made up (x1.., px0..) say nothing about what a column holds: compared
    # only where both sides' are their files' own (a CSV's own x1, x2 header counts)
    info = getattr(ds, "info", None) or {}
    own = info["named_features"] if "named_features" in info else not made_up_names(theirs)
    if ours and named_features(model.meta) and own and ours != theirs:
        differ = [(a, b) for a, b in zip(theirs, ours, strict=True) if a != b]
        raise ValueError(f"dataset {ds.name!r} has other features than the model: "
                         + ", ".join(f"{a!r} where the model has {b!r}" for a, b in differ[:3])
                         + (f" (and {len(differ) - 3} more)" if len(differ) > 3 else ""))
    n_targets = 1 if np.ndim(y) == 1 else np.shape(y)[1]
    if model.task == "regression" and model.net.sizes[-1] != n_targets:
        raise ValueError(f"dataset {ds.name!r} has {n_targets} target(s), the model "
                         f"predicts {model.net.sizes[-1]}")
    if (ds.task == "regression") != (model.task == "regression"):
        raise ValueError(f"dataset {ds.name!r} is a {ds.task} task, the model a "
                         f"{model.task} one")
    codes = None
    if model.task != "regression":
        known = [_label(c) for c in model.classes]
        unknown = [c for c in map(_label, ds.classes) if c not in known]
        # a model saved before a CSV's codes (001, 010) loaded as text knows their numbers
        codes = _codes_as_numbers(ds.classes, known) if unknown else None
        if unknown and codes is None:  # its accuracy would count labels it never predicts
            raise ValueError(f"dataset {ds.name!r} has classes the model does not know "
                             f"({', '.join(map(str, unknown))}); the model predicts "
                             f"{', '.join(map(str, known))}")
    if _same_scaling(model, ds):
        pred = model.predict_normalized(X.astype(model.net.dtype, copy=False))
    else:
        pred = model.predict(X.astype(np.float64) * ds.x_scale + ds.x_shift)
    truth = np.asarray(ds.inverse_y(y))
    if codes is not None:
        truth = np.array([codes[c] for c in truth])
    return pred, truth


def _codes_as_numbers(classes, known) -> dict | None:
    """``{"001": 1, ...}`` when every class is text of a number the model predicts, else
    None."""
    if not all(isinstance(c, str) for c in classes):
        return None
    try:
        numbers = {c: _label(float(c)) for c in classes}
    except ValueError:
        return None
    return numbers if set(numbers.values()) <= set(known) else None


def _label(c):
    """A class label comparable across JSON and NumPy: 2, 2.0 and np.int64(2) are 2."""
    c = c.item() if hasattr(c, "item") else c
    return int(c) if isinstance(c, float) and c.is_integer() else c


def _same_scaling(model: SavedModel, ds) -> bool:
    if model.x_shift is None:  # a net saved without scaling took the dataset's arrays
        return True
    return (np.array_equal(model.x_shift, ds.x_shift)
            and np.array_equal(model.x_scale, ds.x_scale))


def regression_errors(err) -> tuple[float, float]:
    """RMSE and MAE of the errors ``err``, finite whenever the errors are.

    Targets of 1e200 square past float64 (RMSE inf, "overflow encountered in square"):
    then the one that overflowed is computed on ``err`` over its largest size and scaled
    back. Only then: every other run keeps its figures to the last bit.
    """
    err = np.asarray(err, dtype=np.float64)
    with np.errstate(over="ignore"):
        rmse, mae = float(np.sqrt(np.mean(err ** 2))), float(np.mean(np.abs(err)))
    if math.isfinite(rmse) and math.isfinite(mae) or not np.isfinite(err).all():
        return rmse, mae
    size = float(np.max(np.abs(err)))
    with np.errstate(over="ignore"):  # a mean past 1.8e308 is inf: it is that large
        if not math.isfinite(rmse):
            rmse = size * float(np.sqrt(np.mean((err / size) ** 2)))
        if not math.isfinite(mae):
            mae = size * float(np.mean(np.abs(err / size)))
    return rmse, mae


def score_prediction(pred: Prediction, truth) -> dict:
    """``accuracy`` (classification) or ``rmse`` and ``mae`` in original units (regression);
    the other keys are None."""
    truth = np.asarray(truth)
    if len(truth) != len(pred):
        raise ValueError(f"{len(truth)} true labels for {len(pred)} predictions")
    if pred.task == "regression":
        err = pred.values - truth.astype(np.float64).reshape(pred.values.shape)
        rmse, mae = regression_errors(err)
        return {"accuracy": None, "rmse": rmse, "mae": mae}
    hits = np.asarray(pred.labels, dtype=object) == np.asarray(truth, dtype=object)
    return {"accuracy": float(np.mean(hits)), "rmse": None, "mae": None}


def prediction_frame(pred: Prediction, truth=None) -> pd.DataFrame:
    """One row per example: ``prediction``, then ``p_<class>`` per class (classification)
    or ``prediction_<j>`` per target (several regression targets), then ``label`` /
    ``target`` with the true value when known."""
    import pandas as pd  # here: `import nets` would cost pandas' import (~0.3 s)

    if pred.task == "regression":
        v = pred.values
        cols = {"prediction": v} if v.ndim == 1 else \
            {f"prediction_{j}": v[:, j] for j in range(v.shape[1])}
        if truth is not None:
            truth = np.asarray(truth, dtype=np.float64)
            if truth.ndim == 2:  # several targets: one column each, as the predictions
                cols.update({f"target_{j}": truth[:, j] for j in range(truth.shape[1])})
            else:
                cols["target"] = truth
        return pd.DataFrame(cols)
    # every column at once: one insert per class fragmented the frame (pandas warned
    # PerformanceWarning past 100 classes)
    frame = pd.DataFrame({"prediction": pred.labels, **{
        f"p_{c}": pred.probabilities[:, j] for j, c in enumerate(pred.classes)}})
    if truth is not None:
        frame["label"] = truth
    return frame


def prediction_records(pred: Prediction, limit: int | None = None) -> dict:
    """JSON-ready ``predictions`` (labels or values) and ``probabilities`` (classification,
    else None) of the first ``limit`` examples (all if None or negative)."""
    n = len(pred) if limit is None or limit < 0 else min(limit, len(pred))  # -1: all
    if pred.task == "regression":
        return {"predictions": pred.values[:n].tolist(), "probabilities": None}
    return {"predictions": [_plain(v) for v in pred.labels[:n]],
            "probabilities": pred.probabilities[:n].astype(np.float64).tolist()}


def _plain(v):
    return v.item() if isinstance(v, np.generic) else v
