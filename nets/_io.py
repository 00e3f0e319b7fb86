"""Save and load trained nets as ``.npz``: arrays plus JSON, never pickle."""

from __future__ import annotations

import json
import os
import zipfile
from pathlib import Path

import numpy as np

from ._activations import ACTIVATIONS
from ._arg_types import check_net, check_path
from ._carried import warn_replaced_built_ins
from ._files import write_atomically
from ._finite import read_json_file, settings_from_json, settings_to_json
from ._model import MLP
from ._model_meta import check_saved_meta
from ._npz_members import HEADER_LIMIT, STORED_KINDS, _read_npz
from ._printable import short_repr, short_text
from ._state_layout import state_shapes
from ._write_paths import make_folder

FORMAT = "hplab-net/1"


def save_net(path, net: MLP, *, config=None, meta: dict | None = None,
             arrays: dict | None = None) -> Path:
    """Write weights, architecture, hyperparameters and extra arrays (e.g. input scaling).

    Written to a temporary file and renamed, so a crash never leaves half a model.

    Parameters
    ----------
    path : str or Path
        An existing file is replaced only when it is empty or a model file
        (`is_model_file`): never a study's storage, a CSV or an ONNX graph.
    net : MLP
    config : TrainConfig or dict, optional
        The hyperparameters it was trained with (a TrainConfig is saved as its dict).
    meta : dict, optional
        JSON-able facts about the run (dataset, classes, feature names...).
    arrays : dict, optional
        Extra arrays by name, e.g. ``x_shift`` and ``x_scale``.

    Returns
    -------
    Path

    Raises
    ------
    ValueError
        An activation that is not the registered one of its name (see `MLP.spec`), or
        what `load_net` or `load_model` would refuse: a header over HEADER_LIMIT, an extra
        array that is not bool, numeric or text (objects, bytes, complex, dates: convert it
        first, e.g. ``.astype(str)``), meta ``classes``, ``task`` or ``y_shift``/``y_scale``
        the net contradicts, ``x_shift``/``x_scale`` that are not the net's inputs' finite
        shifts and nonzero scales (or absent with a ``dataset`` in meta); or a ``path`` that
        holds another file than a model.
    TypeError
        ``meta`` that is not a dict, a ``net`` that is no MLP, a ``path`` that is no str
        or os.PathLike.
    """
    path = Path(check_path("path", path))
    spec = check_net(net).spec()  # first: a net that cannot be saved leaves nothing behind
    _check_model_path(path)
    check_saved_meta(path, net, meta, arrays or {}, _plain)
    if hasattr(config, "to_dict"):  # a TrainConfig: its plain dict, as every result saves it
        config = config.to_dict()
    warn_replaced_built_ins(config or {})
    # an infinite setting (divergence_factor) as "inf": the header stays standard JSON
    header = {"format": FORMAT, "spec": spec, "config": settings_to_json(config or {}),
              "meta": meta or {}}
    # a batch-normed net's running statistics follow its parameters, numbered on
    payload = {f"param_{i}": p for i, p in enumerate([*net.params, *net.running])}
    for k, v in (arrays or {}).items():
        payload[f"extra_{k}"] = a = np.asarray(v)
        if a.dtype.kind not in STORED_KINDS:  # saved, it could never be loaded
            raise ValueError(f"array {k!r} is {a.dtype}: a model file holds bool, numeric or "
                             "text arrays only (convert it, e.g. .astype(str))")
    payload["header"] = np.array(json.dumps(header, default=_plain))
    if payload["header"].nbytes > HEADER_LIMIT:
        raise ValueError(f"the header is {payload['header'].nbytes} bytes, over the "
                         f"{HEADER_LIMIT} a model's may have")
    make_folder(path.parent, path)

    def write(tmp: Path) -> None:
        with open(tmp, "wb") as fh:  # a file object: np.savez adds ".npz" to bare names
            np.savez(fh, **payload)

    return write_atomically(path, write)


def is_model_file(path) -> bool:
    """Whether ``path`` is a model file ``save_net`` wrote (an npz with its header and
    weights), by the member names alone: cheap enough to ask before any write.

    Parameters
    ----------
    path : str or path
    """
    path = Path(path)
    if not path.is_file() or not zipfile.is_zipfile(path):
        return False
    with zipfile.ZipFile(path) as archive:
        names = set(archive.namelist())
    return {"header.npy", "param_0.npy"} <= names


def training_run_of(path) -> Path | None:
    """The folder of the training run whose ``model.npz`` ``path`` is (as typed; a link's
    target's), or None: a run is a ``config.json`` beside it that a run wrote (a record
    with ``config`` and ``model_path``), which with the run's history.csv and report would
    then describe another model written there."""
    real = Path(os.path.realpath(path))
    record = real.parent / "config.json"
    if real.name != "model.npz" or not record.is_file():  # not a pipe: it would never answer
        return None
    try:
        saved = read_json_file(record)
    except (OSError, ValueError):  # unreadable, bad UTF-8, bad JSON: not a run's record
        return None
    if not (isinstance(saved, dict) and {"config", "model_path"} <= saved.keys()):
        return None
    return real.parent if os.path.islink(path) else Path(path).parent


def _check_model_path(path) -> None:
    """Refuse to write a model over a file that is neither empty nor a model file: a study's
    SQLite storage, a CSV or an ONNX graph was replaced by an npz without a word."""
    path = Path(path)
    try:
        ours = not path.is_file() or not path.stat().st_size or is_model_file(path)
    except (OSError, zipfile.BadZipFile):  # unreadable, a broken zip: not a model of ours
        ours = False
    if not ours:
        raise ValueError(f"{path} exists and is not a model hplab saved; write the model "
                         "elsewhere (or delete it first)")


def model_file(path) -> Path:
    """The model file ``path`` names: itself, or the one a folder holds, a training run's
    ``model.npz`` or a study report's ``best_model/model.npz`` (the folders a command
    prints), so ``hplab predict runs/train/coin`` needs no file name typed.

    Parameters
    ----------
    path : str or Path
        A model file or such a folder.

    Returns
    -------
    Path
        ``path`` as given when it is not a folder (whether a file is there is the
        loader's to say).

    Raises
    ------
    FileNotFoundError
        A folder holding neither.
    """
    path = Path(check_path("path", path))
    if not path.is_dir():
        return path
    for inside in (path / "model.npz", path / "best_model" / "model.npz"):
        if inside.is_file():
            return inside
    raise FileNotFoundError(f"{path} is a folder with no model.npz (nor best_model/"
                            f"model.npz): give a model file{_runs_inside(path)}")


def _runs_inside(folder: Path) -> str:
    """``", e.g. runs/train/coin or runs/train/xor"``: a folder of runs (``runs/train``)
    given for one, the first two of them that hold a model (``""`` for none)."""
    try:
        names = sorted(p.name for p in os.scandir(folder) if p.is_dir())
    except OSError:  # unreadable: the line says what it can
        return ""
    found = [folder / n for n in names if (folder / n / "model.npz").is_file()][:2]
    return f", e.g. {' or '.join(map(str, found))}" if found else ""


def load_net(path) -> tuple[MLP, dict, dict]:
    """Load ``(net, header, extra_arrays)`` from a model file or a folder holding one
    (``model_file``); a foreign or tampered file raises ValueError.
    The header's ``config`` has an infinite setting saved as ``"inf"`` as a float again.

    Nothing is unpickled: object arrays are refused, and so is every member that is not
    a plain numeric or text array save_net writes. Every member's size is checked from its
    .npy header before any data is read (against the bytes it holds, and parameters against
    the header's architecture), and in all they may hold at most EXPANSION_LIMIT more than
    the file's size, so a small forged file cannot ask for gigabytes.

    Parameters
    ----------
    path : str or path
        A model file (``model.npz``) or a run folder holding one.

    Returns
    -------
    tuple
        ``(net, header, extra_arrays)``: the MLP, the file's JSON header as a dict (its
        ``config`` the run's settings) and the extra arrays `save_net` was given, by name.
    """
    path = model_file(path)
    if not path.is_file():
        if path.exists():  # /dev/null, a FIFO: there, but "no model file" said it was not
            raise ValueError(f"{path} is not a regular file (a device, pipe or socket): "
                             "give a model file")
        raise FileNotFoundError(f"no model file at {path}")
    declared, files = _read_npz(path, ["header"])
    try:
        header = json.loads(str(files.pop("header")[()]))
        spec = header["spec"]
        if header.get("format") != FORMAT:
            raise ValueError(f"format {short_repr(header.get('format'))}")
        if spec["dtype"] not in ("float32", "float64"):  # else weights would be cast silently
            raise ValueError(f"dtype {short_repr(spec['dtype'])}")
        sizes = _check_sizes(spec["sizes"], spec["head"])
        batch_norm = spec.get("batch_norm", False)
        if not isinstance(batch_norm, bool):
            raise ValueError(f"batch_norm {short_repr(batch_norm)}")
        header["config"] = _settings_read(header.get("config", {}))
    # RecursionError: JSON nested deeper than Python's stack ('[' * 100000)
    except (KeyError, TypeError, ValueError, RecursionError) as exc:
        raise ValueError(f"{path}: not an hplab model (bad header: {short_text(str(exc))})"
                         ) from None
    # the parameters, then a batch-normed net's running statistics
    shapes = [shape for part in state_shapes(sizes, batch_norm) for shape in part]
    for i, shape in enumerate(shapes):
        a = declared.get(f"param_{i}")  # (dtype, shape), the data not read yet
        if a is None or a[1] != shape or a[0].kind != "f":
            got = "missing" if a is None else f"{a[0]} {a[1]}"
            raise ValueError(f"{path}: parameter {i} should be float {shape}, got {got}")
    if any(k.startswith("param_") and int(k[6:]) >= len(shapes) for k in declared):
        raise ValueError(f"{path}: more parameters than its architecture has")
    if any(declared[f"param_{i}"][0] != spec["dtype"] for i in range(len(shapes))):
        raise ValueError(f"{path}: parameters are not {spec['dtype']} as the header says")
    _check_activations_known(path, spec.get("activations"))
    try:
        net = MLP(sizes, spec["activations"], spec["head"], spec["dtype"], batch_norm)
    except (KeyError, TypeError, ValueError) as exc:
        why = f"no {exc}" if isinstance(exc, KeyError) else exc
        raise ValueError(f"{path}: not an hplab model (bad header: {short_text(str(why))})"
                         ) from None
    _, files = _read_npz(path, [k for k in declared if k != "header"])
    for i, p in enumerate([*net.params, *net.running]):
        p[...] = files[f"param_{i}"]
    extra = {k[len("extra_"):]: v for k, v in files.items() if k.startswith("extra_")}
    return net, header, extra


def _check_activations_known(path: Path, names) -> None:
    """Refuse a model whose activation this process has not registered (a contributor's, or
    a later hplab's): its file is sound, so the message says what to do, not that it is
    foreign."""
    missing = [a for a in names if isinstance(a, str) and a not in ACTIVATIONS] \
        if isinstance(names, list) else []
    if missing:
        raise ValueError(f"{path}: an hplab model with activation {short_repr(missing[0])}, "
                         f"which this hplab does not have (valid: {', '.join(ACTIVATIONS)}); "
                         "register it in nets.ACTIVATIONS before loading, or use the hplab "
                         "that saved it")


def _settings_read(config):
    """A header's config with its "inf" settings as floats, its free-form ``extra`` notes as
    written (a note "nan" is a word, as `TrainConfig` reads it)."""
    if not isinstance(config, dict):
        return config
    return {k: v if k == "extra" else settings_from_json(v) for k, v in config.items()}


def _check_sizes(sizes, head: str) -> tuple[int, ...]:
    """Layer widths as positive ints, with the output width the head needs."""
    if not isinstance(sizes, list) or len(sizes) < 2 or not all(
            isinstance(s, int) and not isinstance(s, bool) and s > 0 for s in sizes):
        raise ValueError("sizes must be a list of at least 2 positive integers, got "
                         f"{short_repr(sizes)}")
    if head == "binary" and sizes[-1] != 1 or head == "multiclass" and sizes[-1] < 2:
        raise ValueError(f"a {head} head cannot have {sizes[-1]} output(s)")
    return tuple(sizes)


def _plain(obj):
    if hasattr(obj, "tolist"):
        return obj.tolist()
    if hasattr(obj, "name"):
        return obj.name
    raise TypeError(f"not JSON serializable: {type(obj).__name__}")
