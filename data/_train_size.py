"""A smaller training set: ``?train_size=N`` keeps N rows of the training part (class shares
kept for classification), after the validation and test sets are held out, which stay as
the whole set's: runs on 150 rows and on all of them are scored on the same examples."""

from __future__ import annotations

import numbers

import numpy as np

from ._dataset import DataError


def check_train_size(value, name: str) -> int | None:
    """``value`` (the option's text in a name, or an argument) as a whole number >= 1."""
    if value is None:
        return None
    number = value
    if isinstance(value, str):
        try:
            number = int(value.strip())
        except ValueError:
            number = None
    if isinstance(number, bool) or not isinstance(number, numbers.Integral) or number < 1:
        raise DataError(f"{name}: train_size must be a whole number of rows >= 1, "
                        f"got {value!r}")
    return int(number)


def fewer_rows(y: np.ndarray, n: int, rng: np.random.Generator, *, stratify: bool,
               name: str) -> np.ndarray:
    """Indices of ``n`` of the training rows ``y`` (stratified on when ``stratify``, but
    where a class has a single row, which a stratified draw cannot place: `load` then warns
    of a class the subset lost), in shuffled order; all of them when ``n`` is their number.

    Raises
    ------
    DataError
        ``n`` above the rows there are, or too few to hold an example of each class.
    """
    if n > len(y):
        raise DataError(f"{name}: train_size {n} is more than the {len(y)} training rows "
                        "there are (the validation and test sets held out first)")
    if n == len(y):
        return rng.permutation(n)
    if not stratify:
        return rng.choice(len(y), n, replace=False)
    n_classes = len(np.unique(y))
    if n < n_classes:
        raise DataError(f"{name}: train_size {n} cannot hold an example of each of the "
                        f"{n_classes} classes (the shares of the classes are kept)")
    from sklearn.model_selection import train_test_split  # lazy: slow to import

    try:
        kept, _ = train_test_split(np.arange(len(y)), train_size=n, stratify=y,
                                   random_state=int(rng.integers(2**31)))
    except ValueError:  # a class of a single row: that row goes to one side, as it falls
        kept = rng.choice(len(y), n, replace=False)
    return np.asarray(kept, dtype=np.int64)
