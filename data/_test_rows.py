"""Test rows that are training rows: a test file (or an IDX folder's t10k files) holding
copies of the training rows, in any order, scores training rows as held-out ones."""

from __future__ import annotations

import hashlib
import multiprocessing
import warnings
from collections import Counter

import numpy as np

from ._dataset import DataError, DataWarning, Source
from ._home import expand_home

# At least this share of the test rows being training rows is warned of: real data repeats
# some rows (a test file drawn apart from the training one shares a few), but digits, MNIST
# (train against t10k) and the generated sets share none, and a test set half of training
# rows scores mostly what the net was fitted on.
WARN_SHARE = 0.5
# ...unless the training rows repeat among themselves nearly as often: the share of training
# rows that another training row equals estimates how often a row drawn apart would be a
# training row (a table of three yes/no answers has 8 distinct rows, all in both files).
CHANCE_FACTOR = 2

ALONE = ("; give the training file alone and a test set is held out of it (or, to test on the "
         "training rows knowingly, as the course's XOR does, alone with ?holdout=no)")


def _row_digests(X: np.ndarray, y: np.ndarray, labels: dict) -> list[bytes]:
    """A digest of each row's features and label: rows are equal by their digests (128
    bits: no collision in any data set) without a sort of every row's bytes (MNIST: 0.2 s)."""
    X = np.ascontiguousarray(X)
    if X.dtype.kind == "f":
        X = X + 0.0  # -0.0 is 0.0
    # labels by value (1 and 1.0 one class, as positive= compares them), each a number
    codes = np.array([labels.setdefault(v, len(labels)) for v in y.tolist()], "<i8")
    return [hashlib.blake2b(row.tobytes() + code.tobytes(), digest_size=16).digest()
            for row, code in zip(X, codes, strict=True)]


def shared_rows(X, y, X_test, y_test) -> tuple[int, float]:
    """``(test rows equal to a training row, features and label, share of training rows
    equal to another training row)``."""
    dtype = np.result_type(X.dtype, X_test.dtype)  # uint8 beside float64 pixels compare
    labels: dict = {}
    train = Counter(_row_digests(X.astype(dtype, copy=False), y, labels))
    test = _row_digests(X_test.astype(dtype, copy=False), y_test, labels)
    repeated = sum(count for count in train.values() if count > 1)
    return sum(row in train for row in test), repeated / len(y)


def _said(src: Source, matched: int, total: int, share: float) -> tuple[str, str]:
    """``(the refusal, the warning)``, less the dataset's name: a file pair's paths, or an
    IDX folder's."""
    files = src.info.get("files")
    held = "a test set of the training rows holds nothing out"
    scores = "scores on them are training scores"
    if isinstance(files, list):
        test, train = expand_home(files[1]), f"the training file {expand_home(files[0])}"
        return (f"every row of {test} ({total}) is a row of {train}: {held}{ALONE}",
                f"{matched} of the {total} rows of {test} ({share:.0%}) are rows of {train}: "
                f"{scores}; leave them out of the test file")
    folder = src.info.get("folder", "the folder")
    return (f"every test image of {folder} ({total}), with its label, is a training image "
            f"there: {held}; the t10k files must hold other images than the train files",
            f"{matched} of the {total} test images of {folder} ({share:.0%}), with their "
            f"labels, are training images there: {scores}; leave them out of the t10k files")


def check_test_rows(src: Source, name: str) -> None:
    """Refuse a test set whose every row is a training row (a copy of the training file,
    shuffled, or some of its rows), and warn of one whose `WARN_SHARE` is; not where the
    training rows repeat as often among themselves (see `CHANCE_FACTOR`)."""
    matched, chance = shared_rows(src.X, src.y, src.X_test, src.y_test)
    total = len(src.y_test)
    share = matched / total
    if share < WARN_SHARE or share <= chance * CHANCE_FACTOR:
        return
    refusal, warning = _said(src, matched, total, share)
    if matched == total:
        raise DataError(f"{name}: {refusal}")
    if multiprocessing.parent_process() is None:  # a pool's workers: the parent said it
        warnings.warn(f"{name}: {warning}", DataWarning, stacklevel=3)
