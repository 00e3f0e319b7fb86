"""The imbalance ratio applied to a set's two pools: the rows of the training pool and of
the test set that ``imbalance=P:N`` keeps, each pool drawn separately (`subsample`)."""

from __future__ import annotations

import numpy as np

from ._dataset import DataError
from ._imbalance import parse_ratio, subsample
from ._load_options import named


def _counts(y: np.ndarray) -> dict:
    return {"positive": int((y == 1).sum()), "negative": int((y == 0).sum())}


def imbalance_kept(name: str, imbalance: str, task: str, classes: tuple, src,
                   y: np.ndarray, y_test: np.ndarray, rng: np.random.Generator
                   ) -> tuple[np.ndarray, np.ndarray | None, dict]:
    """The rows of the training pool and of the test set that ratio ``imbalance`` keeps.

    Parameters
    ----------
    name : str
        The dataset's name, leading its errors.
    imbalance : str
        ``"P:N"`` positives to negatives.
    task : str
        The set's task: only ``binary`` takes a ratio.
    classes : tuple
        The set's two classes, the positive second.
    src : Source
        The source: whether its test set is its training set (``fixed_splits``), and its
        files, for an error to name the one that lacks a class.
    y, y_test : ndarray
        The training pool's and the test set's labels (0 or 1).
    rng : numpy.random.Generator
        The imbalance's own random stream, the training pool drawn first.

    Returns
    -------
    (ndarray, ndarray or None, dict)
        The rows of ``y`` kept, those of ``y_test`` (None where the test set is the
        training set, which keeps the same rows), and the dataset info's ``imbalance``.
    """
    if task != "binary":
        raise DataError(f"{name}: imbalance on a multi-class set needs positive=CLASS "
                        "(one-vs-rest)")
    ratio = parse_ratio(imbalance)
    # the classes as the data has them (which is scarce before the ratio makes one so)
    source = _counts(np.concatenate([y, y_test]) if not src.fixed_splits else y)
    # a pair of files is named: which of them lacks a class (an IDX folder's are in it)
    files = src.info.get("files")
    pair = isinstance(files, list) and len(files) == 2
    keep_test = None
    with named(name):
        keep = subsample(y, ratio, rng, positive=classes[1], where="the training pool"
                         + (f" ({files[0]})" if pair else ""))
        if not src.fixed_splits:
            keep_test = subsample(y_test, ratio, rng, positive=classes[1],
                                  where="the test set" + (f" ({files[1]})" if pair else ""))
    info = {"ratio": str(imbalance), "positive": classes[1],
            "train_pool": _counts(y[keep]),
            "test": _counts(y[keep] if src.fixed_splits else y_test[keep_test]),
            "source": source}
    return keep, keep_test, info
