"""Reading a saved ``model.npz`` into a `SavedModel`: its net, and the input scaling,
target scaling, classes and task its header records, each checked against the net before
any prediction (a foreign or tampered file is refused in one line).
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np

from ._io import load_net
from ._predict import SavedModel
from ._printable import short_repr


def load_model(path) -> SavedModel:
    """Load a saved net and check its scaling, classes and weights before any prediction.

    Parameters
    ----------
    path : str or Path
        A ``model.npz`` written by ``nets.save_net`` (``hplab train`` adds the scaling).

    Returns
    -------
    SavedModel

    Raises
    ------
    FileNotFoundError
        No file at ``path``.
    ValueError
        A foreign or tampered file: bad archive or header, missing or misshapen
        parameters or scaling arrays, scaling that is not finite or divides by zero,
        classes that do not match the output layer, non-finite weights (or batch norm
        running statistics), a negative running variance.
    """
    net, header, extra = load_net(path)
    path = Path(path)
    meta = header.get("meta") or {}
    if not isinstance(meta, dict):
        raise ValueError(f"{path}: not an hplab model (meta is {type(meta).__name__})")
    if not np.isfinite(net.state).all():  # batch norm's running statistics too
        raise ValueError(f"{path}: the weights{' or running statistics' * net.batch_norm} "
                         "contain NaN or infinite values (a diverged run?); nothing to "
                         "predict with")
    if any((var < 0).any() for var in net.running[1::2]):  # training never makes one
        raise ValueError(f"{path}: a batch norm running variance is negative (not a file "
                         "hplab trained); nothing to predict with")
    x_shift, x_scale = _input_scaling(path, extra, meta, net.sizes[0])
    y_shift, y_scale = _target_scaling(path, meta, net.head)
    classes = _classes(path, meta, net)
    task = meta.get("task")
    two_class_softmax = task == "binary" and net.head == "multiclass" and net.sizes[-1] == 2
    if task is not None and task != net.head and not two_class_softmax:
        raise ValueError(f"{path}: meta says task {short_repr(task)} but the net has a "
                         f"{net.head} head")
    names = meta.get("feature_names")
    names = tuple(str(n) for n in names) if isinstance(names, list) and \
        len(names) == net.sizes[0] else tuple(f"x{i + 1}" for i in range(net.sizes[0]))
    return SavedModel(path, net, header, x_shift, x_scale, y_shift, y_scale, classes, names,
                      meta)


def _input_scaling(path, extra, meta, d):
    """``x_shift, x_scale`` as float64 (d,); both absent only for nets saved without data."""
    shift, scale = extra.get("x_shift"), extra.get("x_scale")
    if shift is None and scale is None:
        if "dataset" in meta:  # a training run always saves them: stripped, not absent
            raise ValueError(f"{path}: the input scaling (x_shift, x_scale) is missing")
        return None, None
    for name, a in (("x_shift", shift), ("x_scale", scale)):
        if a is None or a.shape != (d,) or a.dtype.kind not in "uif":
            got = "missing" if a is None else f"{a.dtype} {a.shape}"
            raise ValueError(f"{path}: {name} should be {d} numbers, got {got}")
        if not np.isfinite(a).all():
            raise ValueError(f"{path}: {name} contains NaN or infinite values")
    if np.any(scale == 0):
        raise ValueError(f"{path}: x_scale contains zeros (would divide by zero)")
    return shift.astype(np.float64), scale.astype(np.float64)


def _target_scaling(path, meta, head) -> tuple[float, float]:
    if head != "regression":
        return 0.0, 1.0
    try:
        shift, scale = float(meta.get("y_shift", 0.0)), float(meta.get("y_scale", 1.0))
    except (TypeError, ValueError):
        raise ValueError(f"{path}: y_shift and y_scale must be numbers, got "
                         f"{short_repr(meta.get('y_shift'))} and "
                         f"{short_repr(meta.get('y_scale'))}") from None
    if not (math.isfinite(shift) and math.isfinite(scale) and scale != 0):
        raise ValueError(f"{path}: bad target scaling y_shift={shift}, y_scale={scale}")
    return shift, scale


def _classes(path, meta, net) -> tuple:
    """Original class labels in index order; indices when a net was saved without them."""
    if net.head == "regression":
        return ()
    k = 2 if net.head == "binary" else net.sizes[-1]
    classes = meta.get("classes")
    if classes is None:
        return tuple(range(k))
    if not isinstance(classes, list) or len(classes) != k or not all(
            isinstance(c, str | int | float) for c in classes):  # bool: True/False labels
        raise ValueError(f"{path}: classes should be {k} labels (numbers or text) for a "
                         f"{net.head} head, got {short_repr(classes)}")
    if len(set(classes)) != k:
        raise ValueError(f"{path}: classes are not distinct: {short_repr(classes)}")
    return tuple(classes)
