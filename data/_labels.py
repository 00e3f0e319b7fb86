"""Class labels in `load`: codes read as their numbers, encoded as indices over train and
test, and the test hold-out stratified on them (or on one class against the rest)."""

from __future__ import annotations

import numpy as np

from ._dataset import DataError, _plain
from ._imbalance import one_vs_rest, positive_index
from ._split import TEST_FRACTION, holdout


def numbers_of_codes(y: np.ndarray) -> np.ndarray:
    """Labels that are text of numbers (a CSV's codes: 001, +1, -01) as those numbers;
    other labels as they are. Splits and the class order follow the numbers, as when such
    labels were read as numbers: a model saved then keeps its held-out split (+1 and -1
    sort the other way as text, and a stratified split follows the class order)."""
    if y.dtype.kind != "O":
        return y
    try:
        return np.array([float(v) for v in y])
    except (TypeError, ValueError, OverflowError):  # text, or an integer past 1e308
        return y


def encode_labels(y: np.ndarray, y_test: np.ndarray, name: str, positive=None):
    """Class labels -> indices 0..k-1 over train and test; classes in sorted order (codes
    by their numbers, `numbers_of_codes`). A class in the test set only is refused, unless
    it is of the rest against a ``positive`` class (a single row of it, held out)."""
    try:
        classes, index = np.unique(np.concatenate([y, y_test]), return_inverse=True)
    except TypeError:
        raise DataError(f"{name}: class labels mix types (e.g. numbers and text)") from None
    numbers = numbers_of_codes(classes)
    if numbers is not classes:
        order = np.argsort(numbers, kind="stable")
        rank = np.empty_like(order)
        rank[order] = np.arange(len(order))
        classes, index = classes[order], rank[index]
    if len(classes) < 2:
        raise DataError(f"{name}: a single class ({_plain(classes[0])!r}); classification "
                        "needs at least 2")
    train, test = index[:len(y)].astype(np.int64), index[len(y):].astype(np.int64)
    names = tuple(_plain(c) for c in classes)
    seen = set(train.tolist())
    if len(seen) == 1 and len(test):  # the test set's other classes are no news then
        raise DataError(f"{name}: the training set holds a single class "
                        f"({names[train[0]]!r}); classification needs at least 2 in it")
    only_test = sorted(set(test.tolist()) - seen)
    if only_test and positive is not None:  # the rest's classes are negatives, seen or not
        only_test = [k for k in only_test if k == positive_index(names, positive)]
    if only_test:
        listed = ", ".join(repr(names[k]) for k in only_test[:10])
        more = f", and {len(only_test) - 10} more" if len(only_test) > 10 else ""
        which = f"class {listed} appears" if len(only_test) == 1 else \
            f"classes {listed}{more} appear"
        raise DataError(f"{name}: {which} only in the test set")
    return names, train, test


def test_holdout(y: np.ndarray, classify: bool, positive, rng: np.random.Generator,
                  hint: str, name: str) -> tuple[np.ndarray, np.ndarray]:
    """The test hold-out of labels ``y``: stratified on their classes; for one class
    against the rest (``positive``) whose classes cannot be (another class has a single
    row), on the two sides, from the same draw of ``rng``. A split that worked on the
    classes is the one it was."""
    codes = numbers_of_codes(y) if classify else y
    state = rng.bit_generator.state
    try:
        # an error names a class as written (007, not 7): the labels row by row
        return holdout(codes, TEST_FRACTION, rng, stratify=classify, what="test", hint=hint,
                       names=y if codes is not y else None, source=name)
    except DataError:
        if not classify or positive is None:
            raise
    classes, index, _ = encode_labels(y, y[:0], name)
    positive = positive_index(classes, positive)  # an unknown class: said so
    rng.bit_generator.state = state
    return holdout(one_vs_rest(index, positive), TEST_FRACTION, rng, stratify=True,
                   what="test", hint=hint, names=(f"not {classes[positive]}",
                                                  classes[positive]), source=name)
