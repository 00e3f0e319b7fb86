"""Reading a saved ``model.npz`` into a `SavedModel`: its net, and the input scaling,
target scaling, classes and task its header records, each checked against the net before
any prediction (a foreign or tampered file is refused in one line).
"""

from __future__ import annotations

import os

import numpy as np

from ._io import load_net, model_file
from ._model_meta import model_facts
from ._predict import SavedModel
from ._printable import short_repr
from ._rules import check_type


def load_model(path) -> SavedModel:
    """Load a saved net and check its scaling, classes and weights before any prediction.

    Parameters
    ----------
    path : str or Path
        A ``model.npz`` written by ``nets.save_net`` (``hplab train`` adds the scaling),
        or a folder holding one (``nets.model_file``: a run's, a study report's).

    Returns
    -------
    SavedModel

    Raises
    ------
    FileNotFoundError
        No file at ``path``, or a folder without a model.
    ValueError
        Not a regular file (a device, a pipe), a foreign or tampered file: bad archive
        or header, missing or misshapen parameters or scaling arrays, scaling that is not
        finite or divides by zero, classes that do not match the output layer, non-finite
        weights (or batch norm running statistics), a negative running variance.
    """
    path = model_file(path)
    net, header, extra = load_net(path)
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
    x_shift, x_scale, y_shift, y_scale, classes = model_facts(str(path), net, meta, extra)
    names = meta.get("feature_names")
    names = tuple(str(n) for n in names) if isinstance(names, list) and \
        len(names) == net.sizes[0] else tuple(f"x{i + 1}" for i in range(net.sizes[0]))
    return SavedModel(path, net, header, x_shift, x_scale, y_shift, y_scale, classes, names,
                      meta)


def check_model(model, name: str = "model") -> SavedModel:
    """``model`` if it is a SavedModel; else a TypeError saying how to load one (a path
    failed as "'str' object has no attribute 'feature_names'")."""
    path = short_repr(str(model)) if isinstance(model, str | os.PathLike) else "path"
    return check_type(name, model, SavedModel,
                      f"a nets.SavedModel (load it first: nets.load_model({path}))")
