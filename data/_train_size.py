"""A smaller training set: ``?train_size=N`` keeps N rows of the training part (class shares
kept for classification), after the validation and test sets are held out, which stay as
the whole set's: runs on 150 rows and on all of them are scored on the same examples."""

from __future__ import annotations

import numpy as np

from ._dataset import DataError
from ._load_options import is_whole


def check_train_size(value, name: str) -> int | None:
    """``value`` (the option's text in a name, or an argument) as a whole number >= 1
    (`is_whole`: 20.0 is 20)."""
    if value is None:
        return None
    number = value
    if isinstance(value, str):  # a name's text: 20 or 20.0, as an argument may be
        try:
            number = float(value.strip())
        except ValueError:
            number = None
    if not is_whole(number) or number < 1:
        raise DataError(f"{name}: train_size must be a whole number of rows >= 1, "
                        f"got {value!r}")
    return int(number)


def _sure_of_each(counts: np.ndarray, n: int) -> bool:
    """Whether a stratified draw of ``n`` rows from classes of ``counts`` rows surely keeps a
    row of each: scikit-learn's share of a class (its rows' share of ``n``, rounded down, the
    rows left over going to the largest fractions, a tie drawn at random), a tie at the
    cut counted as lost."""
    exact = counts / counts.sum() * n  # as scikit-learn computes it
    floored = np.floor(exact)
    left = int(n - floored.sum())
    fractions = exact - floored
    for c in np.flatnonzero(floored == 0):
        if (fractions >= fractions[c]).sum() > left:  # ties and larger fill what is left
            return False
    return True


def _smallest_of_each(counts: np.ndarray) -> int:
    """The smallest train_size from which on every stratified draw keeps a row of each
    class (from ``ceil(rows / rows of the rarest class)`` on each class's share is >= 1)."""
    total = int(counts.sum())
    m = -(-total // int(counts.min()))
    while m - 1 >= len(counts) and _sure_of_each(counts, m - 1):
        m -= 1
    return m


def fewer_rows(y: np.ndarray, n: int, rng: np.random.Generator, *, stratify: bool,
               name: str, names: tuple = ()) -> np.ndarray:
    """Indices of ``n`` of the training rows ``y`` (stratified on when ``stratify``; where
    a stratified draw is impossible, a class of a single row, one row of each class kept and
    the rest drawn at random), in shuffled order; all of them when ``n`` is their number.

    ``names`` are the classes' labels (``y`` their indices), for an error to name one.

    Raises
    ------
    DataError
        ``n`` above the rows there are, or too few to hold an example of each class (the
        shares kept: a class of 1.8 % of the rows has no row of 20).
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
    except ValueError:  # a class of a single row: kept (its row fell either way, and a
        # draw that left it out trained on no row of the class without a word)
        kept = _one_of_each_then_any(y, n, rng)
    else:  # a rare class's share of n rounded to no row: trained on without it, silently
        labels, counts = np.unique(y, return_counts=True)
        lost = np.setdiff1d(labels, y[kept])
        if len(lost):
            c = int(lost[0])
            label = names[c] if c < len(names) else c
            raise DataError(
                f"{name}: train_size {n} leaves no training example of class {label} "
                f"({counts[labels == c][0]} of the {len(y)} training rows; the shares of the "
                f"classes are kept): train_size {_smallest_of_each(counts)} or more keeps "
                "one of each class")
    return np.asarray(kept, dtype=np.int64)


def _one_of_each_then_any(y: np.ndarray, n: int, rng: np.random.Generator) -> np.ndarray:
    """``n`` indices of ``y``'s rows (``n`` at least its number of classes): a row of each
    class drawn first, then the rest at random from the other rows."""
    order = rng.permutation(len(y))
    _, first = np.unique(y[order], return_index=True)
    each = order[first]
    others = np.setdiff1d(order, each)
    return rng.permutation(np.r_[each, rng.choice(others, n - len(each), replace=False)])
