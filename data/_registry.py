"""The registry of named datasets, the ``NAME?key=value`` syntax, and `list_datasets`."""

from __future__ import annotations

import difflib
import inspect
import math
import urllib.parse
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np

from . import _generated as gen
from ._csv_load import load_csv
from ._dataset import DataError, Source
from ._fetch import data_home
from ._files import load_npz
from ._idx import load_idx_folder
from ._path_escapes import _ESCAPE_HINT, _read_paths, _unescape_path
from ._split import TEST_FRACTION, holdout_sizes

if TYPE_CHECKING:
    import pandas

# Options every set accepts (imbalance and positive: classification ones), with their value
# and what they do: `load` takes these (and only these) before the builders, an unknown
# option's error lists them and `hplab data list` says them
COMMON_OPTIONS = {
    "imbalance": ("P:N", "positives to negatives, in the training pool and the test set "
                         "(classification; a multi-class set with positive=)"),
    "positive": ("CLASS", "this class against the rest: a binary task"),
    "train_size": ("N", "keep N training rows (class shares kept); validation and test "
                        "stay the whole set's"),
    "scaling": ("MODE", "feature scaling: minmax (default), standard or none"),
    "merge_scaling": ("1", "fit the scaling on train, validation and test merged"),
    "val_fraction": ("F", "hold out this share of the training pool for validation "
                          "(default 0.1)"),
    "holdout": ("no", "hold no rows out: validation and test are the training rows, as in "
                      "the course's XOR (a file set too small to split, given alone)"),
}


@dataclass(frozen=True)
class Entry:
    """One named dataset: how to build its raw arrays and what `list_datasets` shows.

    ``build(rng, arg, data_dir, **options)`` returns a `Source`; ``arg`` is the path part
    of ``idx:``/``npz:``/``csv:`` names (None otherwise). ``options`` maps each accepted
    ``?key=value`` option to its default (whose type converts the text). ``fixed_splits``:
    validation and test are the training pool itself (xor), as its `Source` says.
    """

    build: Callable[..., Source]
    kind: str  # generated | bundled | download | file
    description: str
    task: str | None = None
    n_pool: int | None = None  # training pool; validation is held out of it
    n_test: int | None = None
    features: int | None = None
    classes: int | None = None
    options: dict = field(default_factory=dict)
    fixed_splits: bool = False


def _generated(fn, task: str, classes: int, description: str, features: int = 2) -> Entry:
    params = inspect.signature(fn).parameters
    options = {k: p.default for k, p in params.items() if k != "rng"}

    def build(rng, arg, data_dir, **opts):
        if opts.get("noise", 0) < 0:  # a spread: numpy and scikit-learn refuse it each their way
            raise DataError(f"option noise must be >= 0, got {opts['noise']:g}")
        if "noise" in opts:
            opts["noise"] += 0.0  # -0 is 0: as a spread U(-0, 0) numpy finds high < low
        with np.errstate(over="ignore", invalid="ignore"):  # overflow is refused below
            try:
                src = fn(rng, **opts)
            except OverflowError:  # numpy's uniform(-noise, noise) past 1.8e308
                src = None
            finite = src is not None and all(np.isfinite(a).all() for a in
                                              (src.X, src.y, src.X_test, src.y_test))
        if not finite:  # one message for every set, whichever numpy call overflowed
            given = ", ".join(f"{k}={v:g}" for k, v in opts.items() if isinstance(v, float))
            raise DataError(f"options too large ({given}): the generated values overflow "
                            "float64")
        return src

    n_pool, n_test, fixed_splits = options.get("n_train"), options.get("n_test"), False
    if n_pool is None or n_test is None:
        # no size options: a set of one size (xor), built once to read its sizes and
        # whether its splits are fixed, so the listing says what load gives
        src = build(np.random.default_rng(0), None, None)
        n_pool, n_test = (len(src.y), len(src.y_test)) if src.y_test is not None else \
            holdout_sizes(len(src.y), TEST_FRACTION)
        fixed_splits = src.fixed_splits
    return Entry(build, "generated", description, task, n_pool, n_test, features, classes,
                 options, fixed_splits)


def _digits(rng, arg, data_dir) -> Source:
    from sklearn.datasets import load_digits

    bunch = load_digits()
    names = tuple(f"px{i}" for i in range(bunch.data.shape[1]))
    # 8x8 images with values 0..16: scaled as a whole, like MNIST's 0..255.
    return Source(bunch.data, bunch.target.astype(np.int64), None, None, "classification",
                  names, pixel_max=16.0, info={"origin": "sklearn.datasets.load_digits"})


def _mnist(rng, arg, data_dir) -> Source:
    folder = data_home(data_dir) / "mnist"
    try:
        return load_idx_folder(folder)
    except DataError as exc:
        if data_dir is None:
            raise DataError(f"MNIST: {exc}; run `hplab data fetch mnist` or put the four IDX "
                            "files there by hand (set HPLAB_DATA to use another folder)") from None
        # the folder given holds mnist/ (HPLAB_DATA's layout), where a fetch --dest DIR
        # saved the files in DIR itself: that folder is read as idx:DIR
        raise DataError(f"MNIST: {exc}; run `hplab data fetch mnist --dest {folder}` or put "
                        f"the four IDX files there by hand (--data-dir {data_dir} holds "
                        "mnist/; a folder of the files themselves reads as idx:FOLDER)") from None


_DIGITS_POOL, _DIGITS_TEST = holdout_sizes(1797, TEST_FRACTION)

DATASETS: dict[str, Entry] = {
    "xor": _generated(gen.xor, "binary", 2, "the 4 XOR points; validation = test = train"),
    "double-arc": _generated(gen.double_arc, "binary", 2, "two noisy sine arcs, 0.65 apart"),
    "coin": _generated(gen.coin, "multiclass", 3,
                       "coin with a square hole: square / ring / outside in [-0.5, 0.5]^2"),
    "sine": _generated(gen.sine, "regression", 0, "y = sin(2 pi x), noisy train, clean test",
                       features=1),
    "curve": _generated(gen.curve, "regression", 0,
                        "y = 0.4x^2 + 0.3x sin(15x) + 0.01cos(50x) - 0.3", features=1),
    "spirals": _generated(gen.spirals, "multiclass", 3, "k spiral arms (?classes=k)"),
    "moons": _generated(gen.moons, "binary", 2, "scikit-learn make_moons"),
    "circles": _generated(gen.circles, "binary", 2, "scikit-learn make_circles"),
    "digits": Entry(_digits, "bundled", "scikit-learn 8x8 digits (test: 20 % held out)",
                    "multiclass", _DIGITS_POOL, _DIGITS_TEST, 64, 10),
    "mnist": Entry(_mnist, "download", "MNIST 28x28 from $HPLAB_DATA/mnist, else "
                   "$XDG_CACHE_HOME/hplab/mnist, else ~/.cache/hplab/mnist "
                   "(`hplab data fetch mnist`)", "multiclass", 60000, 10000, 784, 10),
}

# Names with a path: "idx:DIR", "npz:PATH[,PATH_TEST]", "csv:PATH[,PATH_TEST]".
PREFIXES: dict[str, Entry] = {
    "idx": Entry(lambda rng, arg, data_dir: load_idx_folder(_unescape_path(arg)), "file",
                 "folder of MNIST-format IDX files (gz or raw)"),
    "npz": Entry(lambda rng, arg, data_dir, task=None, images=None:
                 load_npz(*_read_paths(arg), task=task, images=images),
                 "file", "npz with keys data, label (+ optional test file); task= to override; "
                 "images=yes|no (default: N x H x W or uint8 data are images, scaled x / 255)",
                 options={"task": None, "images": None}),
    "csv": Entry(lambda rng, arg, data_dir, target=None, task=None, header=None, images=None,
                 ignore=None:
                 load_csv(*_read_paths(arg), target=target, task=task, header=header,
                          images=images, ignore=ignore),
                 "file", "CSV with a header row (header=yes|no for a first row of numbers); "
                 "target= column (default last); ignore=id,date: columns that are no "
                 "features; task= to override; images=yes for pixels",
                 options={"target": None, "task": None, "header": None, "images": None,
                          "ignore": None}),
}
_PREFIX_NAMES = {"idx": "idx:DIR", "npz": "npz:PATH[,PATH_TEST]", "csv": "csv:PATH[,PATH_TEST]"}


def valid_names() -> list[str]:
    """Every registered name and prefix form, for error messages."""
    return [*DATASETS, *_PREFIX_NAMES.values()]


# options whose value is a comma-separated list, kept encoded until it is split
_LIST_OPTIONS = ("ignore",)


def parse_name(name: str) -> tuple[str, str | None, dict[str, str]]:
    """``"digits?imbalance=1:50&positive=8"`` -> ("digits", None, {...});
    ``"csv:a.csv"`` -> ("csv", "a.csv", {}).

    Parameters
    ----------
    name : str
        A dataset name, as `load` takes it.

    Returns
    -------
    (str, str or None, dict of str to str)
        The built-in set's name or the file kind (``"csv"``), the path (files only) and
        the options, their values percent-decoded (a list's, ``ignore``'s, as given).
    """
    if not isinstance(name, str):  # not its repr: a Dataset's printed 31 KB of arrays
        raise DataError(f"dataset name must be a non-empty string, got "
                        f"{type(name).__name__}")
    if not name.strip():
        raise DataError(f"dataset name must be a non-empty string, got {name!r}")
    base, _, query = name.strip().partition("?")
    options: dict[str, str] = {}
    for part in query.split("&") if query else ():
        key, eq, value = part.partition("=")
        key = key.strip()
        if not key or not eq:
            hint = f" ({_ESCAPE_HINT})" if base.partition(":")[0] in PREFIXES else ""
            raise DataError(f"bad option {part!r} in {name!r}; expected key=value{hint}")
        if key in options:
            raise DataError(f"option {key!r} given twice in {name!r}")
        # %26 is "&", %3D "=": how a value holding them is written (see load's name); a
        # list's (ignore=id,x%2Cy) is split first, then each name decoded
        # (`ignored_columns`): decoded here, a %2C in a name split it in two
        value = value.strip()
        options[key] = value if key in _LIST_OPTIONS else urllib.parse.unquote(value)
    prefix, colon, arg = base.partition(":")
    if colon and prefix in PREFIXES:
        if not arg:
            raise DataError(f"{prefix}: needs a path, e.g. {_PREFIX_NAMES[prefix]}")
        return prefix, arg, options
    if base not in DATASETS:
        # the shape of nets' unknown names (nets/_rules.py unknown_name), written here as
        # data imports no nets; matched case aside as there (DIGITS is too far for difflib)
        close = difflib.get_close_matches(base.lower(), list(DATASETS), n=1)
        hint = f" (did you mean {close[0]!r}?)" if close else ""
        raise DataError(f"unknown dataset {base!r}{hint}; valid: {', '.join(valid_names())}")
    return base, None, options


def _convert(key: str, text: str, default):
    kind = type(default) if default is not None else str
    try:
        value = kind(text)
    except ValueError:
        raise DataError(f"option {key}={text!r} must be {kind.__name__}") from None
    if kind is float and not math.isfinite(value):
        raise DataError(f"option {key}={text!r} must be a finite number")
    return value


# other libraries' words for an option (pandas' usecols, a SQL user's drop): what says it here
_LEAVE_OUT = "ignore=COLUMN,... leaves columns out of the features"
_OPTIONS_MEANT = {"drop": ("ignore", _LEAVE_OUT), "exclude": ("ignore", _LEAVE_OUT),
                  "skip": ("ignore", _LEAVE_OUT), "usecols": ("ignore", _LEAVE_OUT),
                  "features": ("ignore", _LEAVE_OUT),
                  "label": ("target", "target=COLUMN names the target")}
# a seed in the name (coin?seed=3) was refused with the options alone; it is a flag's
_SEED_SAID = ("; a seed is no option of the name: the --seed flag sets it (seed in a study "
              "spec's [study], data.load's seed=)")


def build_source(key: str, arg: str | None, options: dict, rng: np.random.Generator,
                 data_dir) -> tuple[Source, dict]:
    """Raw arrays of a parsed name, and its options converted to their types."""
    entry = PREFIXES[key] if arg is not None else DATASETS[key]
    unknown = [k for k in options if k not in entry.options]
    if unknown:
        valid = ", ".join([*entry.options, *COMMON_OPTIONS])
        option, said = _OPTIONS_MEANT.get(unknown[0].lower(), (None, ""))
        hint = f" ({said})" if option in entry.options else ""
        if arg is not None and "?" in unknown[0]:  # a '?' in the path began the options
            hint = f" ({_ESCAPE_HINT})"  # QA: 'x.csv?target' named no cause for q?x.csv
        seed = _SEED_SAID if unknown[0].lower() in ("seed", "random_state", "data_seed") else ""
        raise DataError(f"unknown option {unknown[0]!r} for {key}{hint}; valid: {valid}{seed}")
    typed = {k: _convert(k, v, entry.options[k]) if isinstance(v, str) else v
             for k, v in options.items()}
    return entry.build(rng, arg, data_dir, **typed), typed


def kind_of(key: str, arg: str | None) -> str:
    return PREFIXES[key].kind if arg is not None else DATASETS[key].kind


def list_datasets() -> pandas.DataFrame:
    """The named datasets with their default sizes (after the 1/10 validation hold-out).

    Returns
    -------
    pandas.DataFrame
        Columns name, kind, n_train, n_val, n_test, features, classes, task,
        description; sizes are missing (<NA>) for the path forms.
    """
    import pandas as pd  # here: loading a dataset needs no table

    rows = []
    for name, e in [*DATASETS.items(), *((_PREFIX_NAMES[k], e) for k, e in PREFIXES.items())]:
        n_train = n_val = None
        if e.n_pool is not None:
            n_train, n_val = (e.n_pool, e.n_pool) if e.fixed_splits else \
                holdout_sizes(e.n_pool, 0.1)
        rows.append({"name": name, "kind": e.kind, "n_train": n_train, "n_val": n_val,
                     "n_test": e.n_test, "features": e.features, "classes": e.classes,
                     "task": e.task, "description": e.description})
    frame = pd.DataFrame(rows)
    for column in ("n_train", "n_val", "n_test", "features", "classes"):
        frame[column] = frame[column].astype("Int64")
    return frame
