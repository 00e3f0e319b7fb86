"""Save and load trained nets as ``.npz``: arrays plus JSON, never pickle."""

from __future__ import annotations

import json
import os
import stat
import tempfile
import zipfile
import zlib
from pathlib import Path

import numpy as np

from ._model import MLP

FORMAT = "hplab-net/1"


def save_net(path, net: MLP, *, config=None, meta: dict | None = None,
             arrays: dict | None = None) -> Path:
    """Write weights, architecture, hyperparameters and extra arrays (e.g. input scaling).

    Written to a temporary file and renamed, so a crash never leaves half a model.

    Parameters
    ----------
    path : str or Path
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
        An activation that is not the registered one of its name (see `MLP.spec`).
    """
    path = Path(path)
    spec = net.spec()  # first: a net that cannot be saved leaves nothing behind
    path.parent.mkdir(parents=True, exist_ok=True)
    if hasattr(config, "to_dict"):  # a TrainConfig: its plain dict, as every result saves it
        config = config.to_dict()
    header = {"format": FORMAT, "spec": spec, "config": config or {}, "meta": meta or {}}
    payload = {f"param_{i}": p for i, p in enumerate(net.params)}
    for k, v in (arrays or {}).items():
        payload[f"extra_{k}"] = np.asarray(v)
    payload["header"] = np.array(json.dumps(header, default=_plain))

    def write(tmp: Path) -> None:
        with open(tmp, "wb") as fh:  # a file object: np.savez adds ".npz" to bare names
            np.savez(fh, **payload)

    return write_atomically(path, write)


def is_model_file(path) -> bool:
    """Whether ``path`` is a model file ``save_net`` wrote (an npz with its header and
    weights), by the member names alone: cheap enough to ask before any write."""
    path = Path(path)
    if not path.is_file() or not zipfile.is_zipfile(path):
        return False
    with zipfile.ZipFile(path) as archive:
        names = set(archive.namelist())
    return {"header.npy", "param_0.npy"} <= names


def write_atomically(path, write) -> Path:
    """Call ``write(tmp)`` on a new file beside ``path``, then rename it to ``path``.

    A crash leaves the earlier file (or none), never half a new one; two processes
    writing one path each write a file of their own, and the last rename wins whole.
    A symlink stays a link (its target is replaced), and a FIFO or device (a pipe,
    /dev/stdout) is written directly: a rename would put a plain file in its place.
    """
    path = Path(path)
    try:
        mode = path.stat().st_mode  # of what a link points to
    except OSError:
        mode = None
    if mode is not None and not stat.S_ISREG(mode) and not stat.S_ISDIR(mode):
        write(path)  # opened as given: /proc/self/fd/1 resolves to no openable path
        return path
    target = Path(os.path.realpath(path)) if path.is_symlink() else path  # loops: OSError
    tmp = stage_file(target, write)
    try:
        os.replace(tmp, target)
    finally:
        tmp.unlink(missing_ok=True)
    return path


def stage_file(path, write) -> Path:
    """``write(tmp)`` on a new file of this call beside ``path``; the caller renames it.

    The file gets the mode a plain open would (not mkstemp's 0600); if ``write`` fails,
    nothing is left behind.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    # the suffix kept last, for writers that go by it
    fd, name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=f".tmp{path.suffix}",
                                dir=path.parent)
    os.close(fd)
    tmp = Path(name)
    umask = os.umask(0)
    os.umask(umask)
    try:
        os.chmod(tmp, 0o666 & ~umask)
        write(tmp)
    except BaseException:  # Ctrl-C too: no temporary file outlives its writer
        tmp.unlink(missing_ok=True)
        raise
    return tmp


def load_net(path) -> tuple[MLP, dict, dict]:
    """Load ``(net, header, extra_arrays)``; a foreign or tampered file raises ValueError.

    Nothing is unpickled: object arrays are refused, and so is every member that is not
    a plain numeric or text array. Shapes are checked against the header before the net
    is allocated, so a forged header cannot ask for gigabytes.
    """
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"no model file at {path}")
    files = _read_npz(path)
    try:
        header = json.loads(str(files.pop("header")[()]))
        spec = header["spec"]
        if header.get("format") != FORMAT:
            raise ValueError(f"format {header.get('format')!r}")
        if spec["dtype"] not in ("float32", "float64"):  # else weights would be cast silently
            raise ValueError(f"dtype {spec['dtype']!r}")
        sizes = _check_sizes(spec["sizes"], spec["head"])
    except (KeyError, TypeError, ValueError, json.JSONDecodeError) as exc:
        raise ValueError(f"{path}: not an hplab model (bad header: {exc})") from None
    shapes = [s for n_in, n_out in zip(sizes[:-1], sizes[1:], strict=True)
              for s in ((n_in, n_out), (n_out,))]
    for i, shape in enumerate(shapes):
        a = files.get(f"param_{i}")
        if a is None or a.shape != shape or a.dtype.kind != "f":
            got = "missing" if a is None else f"{a.dtype} {a.shape}"
            raise ValueError(f"{path}: parameter {i} should be float {shape}, got {got}")
    if f"param_{len(shapes)}" in files:
        raise ValueError(f"{path}: more parameters than its architecture has")
    if any(files[f"param_{i}"].dtype != spec["dtype"] for i in range(len(shapes))):
        raise ValueError(f"{path}: parameters are not {spec['dtype']} as the header says")
    try:
        net = MLP(sizes, spec["activations"], spec["head"], spec["dtype"])
    except (KeyError, TypeError, ValueError) as exc:
        why = f"no {exc}" if isinstance(exc, KeyError) else exc
        raise ValueError(f"{path}: not an hplab model (bad header: {why})") from None
    for i, p in enumerate(net.params):
        p[...] = files[f"param_{i}"]
    extra = {k[len("extra_"):]: v for k, v in files.items() if k.startswith("extra_")}
    return net, header, extra


def _read_npz(path: Path) -> dict[str, np.ndarray]:
    """Every member of an ``.npz`` as an array, without pickle."""
    try:
        z = np.load(path, allow_pickle=False)
        if not isinstance(z, np.lib.npyio.NpzFile):
            raise ValueError("a single .npy array, not an .npz archive")
        with z:
            files = {k: z[k] for k in z.files}
    except ValueError as exc:  # object arrays need pickle: refused
        raise ValueError(f"{path}: not an hplab model ({load_refusal(exc)})") from None
    except (OSError, EOFError, zipfile.BadZipFile, zlib.error) as exc:
        raise ValueError(f"{path}: not a readable .npz file ({exc})") from None
    for k, v in files.items():
        # np.load hands back raw bytes for members that are not .npy arrays
        if not isinstance(v, np.ndarray) or v.dtype.kind not in "biufU":
            kind = str(v.dtype) if isinstance(v, np.ndarray) else type(v).__name__
            raise ValueError(f"{path}: not an hplab model (member {k!r} is {kind}, "
                             "not a numeric array)")
    return files


def _check_sizes(sizes, head: str) -> tuple[int, ...]:
    """Layer widths as positive ints, with the output width the head needs."""
    if not isinstance(sizes, list) or len(sizes) < 2 or not all(
            isinstance(s, int) and not isinstance(s, bool) and s > 0 for s in sizes):
        raise ValueError(f"sizes must be a list of at least 2 positive integers, got {sizes!r}")
    if head == "binary" and sizes[-1] != 1 or head == "multiclass" and sizes[-1] < 2:
        raise ValueError(f"a {head} head cannot have {sizes[-1]} output(s)")
    return tuple(sizes)


def load_refusal(exc: ValueError) -> str:
    """Why ``np.load(allow_pickle=False)`` refused a file, without NumPy's advice to
    allow pickle (which would run code from the file)."""
    text = str(exc)
    if "Object arrays" in text:
        return "it holds pickled objects, which hplab never loads"
    if "pickle" in text:  # NumPy takes any file that is not .npy or .npz for a pickle
        return "not a NumPy .npy/.npz file"
    return text


def _plain(obj):
    if hasattr(obj, "tolist"):
        return obj.tolist()
    if hasattr(obj, "name"):
        return obj.name
    raise TypeError(f"not JSON serializable: {type(obj).__name__}")
