"""The facts a model file's header meta and extra arrays give beside its net (input and
target scaling, classes, task), checked against the net: by `load_model` before any
prediction, and by `save_net` before writing, so a file it writes always loads.
"""

from __future__ import annotations

import json
import math

import numpy as np

from ._printable import short_repr


def model_facts(where: str, net, meta: dict, extra: dict) -> tuple:
    """``(x_shift, x_scale, y_shift, y_scale, classes)`` from a model's meta and extra
    arrays; ValueError, its message starting with ``where``, for any that ``net`` refutes."""
    x_shift, x_scale = _input_scaling(where, extra, meta, net.sizes[0])
    y_shift, y_scale = _target_scaling(where, meta, net.head)
    classes = _classes(where, meta, net)
    task = meta.get("task")
    two_class_softmax = task == "binary" and net.head == "multiclass" and net.sizes[-1] == 2
    if task is not None and task != net.head and not two_class_softmax:
        raise ValueError(f"{where}: meta says task {short_repr(task)} but the net has a "
                         f"{net.head} head")
    return x_shift, x_scale, y_shift, y_scale, classes


def check_saved_meta(path, net, meta, arrays: dict, plain) -> None:
    """Refuse to save what `load_model` would refuse: meta as the header will hold it
    (through JSON, ``plain`` turning arrays into lists), and the extra arrays."""
    if meta is not None and not isinstance(meta, dict):
        raise TypeError(f"meta must be a dict, got {type(meta).__name__}")
    written = json.loads(json.dumps(meta or {}, default=plain))
    model_facts(f"cannot save {path}", net, written,
                {k: np.asarray(v) for k, v in arrays.items()})


def _input_scaling(where, extra, meta, d):
    """``x_shift, x_scale`` as float64 (d,); both absent only for nets saved without data."""
    shift, scale = extra.get("x_shift"), extra.get("x_scale")
    if shift is None and scale is None:
        if "dataset" in meta:  # a training run always saves them: stripped, not absent
            raise ValueError(f"{where}: the input scaling (x_shift, x_scale) is missing")
        return None, None
    for name, a in (("x_shift", shift), ("x_scale", scale)):
        if a is None or a.shape != (d,) or a.dtype.kind not in "uif":
            got = "missing" if a is None else f"{a.dtype} {a.shape}"
            raise ValueError(f"{where}: {name} should be {d} numbers, got {got}")
        if not np.isfinite(a).all():
            raise ValueError(f"{where}: {name} contains NaN or infinite values")
    if np.any(scale == 0):
        raise ValueError(f"{where}: x_scale contains zeros (would divide by zero)")
    return shift.astype(np.float64), scale.astype(np.float64)


def _target_scaling(where, meta, head) -> tuple[float, float]:
    if head != "regression":
        return 0.0, 1.0
    try:
        shift, scale = float(meta.get("y_shift", 0.0)), float(meta.get("y_scale", 1.0))
    except (TypeError, ValueError):
        raise ValueError(f"{where}: y_shift and y_scale must be numbers, got "
                         f"{short_repr(meta.get('y_shift'))} and "
                         f"{short_repr(meta.get('y_scale'))}") from None
    if not (math.isfinite(shift) and math.isfinite(scale) and scale != 0):
        raise ValueError(f"{where}: bad target scaling y_shift={shift}, y_scale={scale}")
    return shift, scale


def _classes(where, meta, net) -> tuple:
    """Original class labels in index order; indices when a net was saved without them."""
    if net.head == "regression":
        return ()
    k = 2 if net.head == "binary" else net.sizes[-1]
    classes = meta.get("classes")
    if classes is None:
        return tuple(range(k))
    if not isinstance(classes, list) or len(classes) != k or not all(
            isinstance(c, str | int | float) for c in classes):  # bool: True/False labels
        raise ValueError(f"{where}: classes should be {k} labels (numbers or text) for a "
                         f"{net.head} head, got {short_repr(classes)}")
    if len(set(classes)) != k:
        raise ValueError(f"{where}: classes are not distinct: {short_repr(classes)}")
    return tuple(classes)
