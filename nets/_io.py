"""Save and load trained nets as ``.npz``: arrays plus JSON, never pickle."""

from __future__ import annotations

import json
import os
from pathlib import Path

import numpy as np

from ._model import MLP

FORMAT = "hplab-net/1"


def save_net(path, net: MLP, *, config: dict | None = None, meta: dict | None = None,
             arrays: dict | None = None) -> Path:
    """Write weights, architecture, hyperparameters and extra arrays (e.g. input scaling).

    Written to a temporary file and renamed, so a crash never leaves half a model.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    header = {"format": FORMAT, "spec": net.spec(), "config": config or {}, "meta": meta or {}}
    payload = {f"param_{i}": p for i, p in enumerate(net.params)}
    for k, v in (arrays or {}).items():
        payload[f"extra_{k}"] = np.asarray(v)
    payload["header"] = np.array(json.dumps(header, default=_plain))
    tmp = path.with_name(path.name + ".tmp.npz")
    np.savez(tmp, **payload)
    os.replace(tmp, path)
    return path


def load_net(path) -> tuple[MLP, dict, dict]:
    """Load ``(net, header, extra_arrays)``; a foreign or tampered file raises ValueError."""
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"no model file at {path}")
    try:
        with np.load(path, allow_pickle=False) as z:
            files = {k: z[k] for k in z.files}
    except ValueError as exc:  # object arrays need pickle: refused
        raise ValueError(f"{path}: not an hplab model ({exc})") from None
    except (OSError, EOFError) as exc:
        raise ValueError(f"{path}: not a readable .npz file ({exc})") from None
    try:
        header = json.loads(str(files.pop("header")[()]))
        spec = header["spec"]
        if header.get("format") != FORMAT:
            raise ValueError(f"format {header.get('format')!r}")
        net = MLP(spec["sizes"], spec["activations"], spec["head"], spec["dtype"])
    except (KeyError, TypeError, ValueError, json.JSONDecodeError) as exc:
        raise ValueError(f"{path}: not an hplab model (bad header: {exc})") from None
    for i, p in enumerate(net.params):
        a = files.get(f"param_{i}")
        if a is None or a.shape != p.shape or a.dtype.kind != "f":
            got = "missing" if a is None else f"{a.dtype} {a.shape}"
            raise ValueError(f"{path}: parameter {i} should be float {p.shape}, got {got}")
        p[...] = a
    if f"param_{len(net.params)}" in files:
        raise ValueError(f"{path}: more parameters than its architecture has")
    extra = {k[len("extra_"):]: v for k, v in files.items() if k.startswith("extra_")}
    return net, header, extra


def _plain(obj):
    if hasattr(obj, "tolist"):
        return obj.tolist()
    if hasattr(obj, "name"):
        return obj.name
    raise TypeError(f"not JSON serializable: {type(obj).__name__}")
