"""One-vs-rest relabelling and imbalanced subsampling of classification sets.

A ratio ``P:N`` (e.g. ``1:50``) is positives to negatives. Each pool (the training pool
and, separately, the test set) keeps as many examples as the ratio allows: all of the
scarcer side and a seeded random subset of the other, so the test set shows the same
imbalanced distribution the model is trained on.
"""

from __future__ import annotations

import itertools
import math
import re
from fractions import Fraction

import numpy as np

from ._dataset import DataError

_RATIO = re.compile(r"\s*(\d+(?:\.\d+)?)\s*:\s*(\d+(?:\.\d+)?)\s*")


def parse_ratio(text: str, name: str = "imbalance") -> tuple[Fraction, Fraction]:
    """``"1:50"`` -> (1, 50); both sides positive numbers. Errors call it ``name`` (the
    option or argument it was given as).

    Parameters
    ----------
    text : str
        ``"pos:neg"``, two positive numbers.
    name : str, default "imbalance"
        What the errors call it.
    """
    match = _RATIO.fullmatch(str(text))
    if not match:
        raise DataError(f"{name} must look like 1:50 (positives:negatives), got {text!r}"
                        + _share_hint(text))
    pos, neg = Fraction(match.group(1)), Fraction(match.group(2))
    if pos <= 0 or neg <= 0:
        raise DataError(f"{name} sides must be positive, got {text!r}")
    return pos, neg


def _share_hint(text) -> str:
    """A bare share (0.05, as --sampling-ratio takes one) in the P:N form, both ways it
    reads (QA: --ratio 0.05 was refused with no word of what to write)."""
    try:
        share = float(text)
    except (TypeError, ValueError):
        return ""
    if not 0 < share < 1:
        return ""
    return (f": 1:{1 / share:.6g} is {share:g} positives per negative, "
            f"1:{(1 - share) / share:.6g} a {share * 100:g} % share of positives")


def ratio_text(pos: Fraction, neg: Fraction) -> str:
    """``pos:neg`` as its decimals were written, to the last digit and without an exponent
    (``0.00002:1``, not ``1/50000:1``; ``:g`` made 1:30.0000001 the ratio 1:30).

    Parameters
    ----------
    pos, neg : fractions.Fraction
        The ratio's sides, as `parse_ratio` returns them.
    """
    return f"{_decimal(pos)}:{_decimal(neg)}"


def _decimal(side: Fraction) -> str:
    if side.denominator == 1:
        return str(side.numerator)
    # a decimal as written: its denominator divides 10^k, k its digits after the point
    k = next(k for k in itertools.count(1) if 10 ** k % side.denominator == 0)
    digits = str(side.numerator * (10 ** k // side.denominator)).rjust(k + 1, "0")
    return f"{digits[:-k]}.{digits[-k:]}".rstrip("0")


def _number(value) -> float | None:
    if isinstance(value, (bool, np.bool_)):  # True is no 1 here: a label, not a count
        return None
    try:
        return float(value)
    except (TypeError, ValueError):
        return None


def same_ratio(a, b) -> bool:
    """Whether two ratios' texts are one ratio (``1:10``, ``1:10.0`` and ``2:20``).

    Parameters
    ----------
    a, b : str
        Ratios as `parse_ratio` reads them.
    """
    (p, n), (q, m) = parse_ratio(a), parse_ratio(b)
    return p * m == q * n


def same_label(a, b) -> bool:
    """Whether two ``positive`` values name one class as `positive_index` reads them."""
    return str(a) == str(b) or (_number(a) is not None and _number(a) == _number(b))


#: How a boolean class may be named (case-insensitive): a CSV's TRUE/FALSE column loads
#: as booleans, whose text is True/False, and no one types it so.
_BOOL_NAMES = {True: ("true", "1"), False: ("false", "0")}


def _bool_named(c, positive) -> bool:
    """Whether ``positive`` names boolean class ``c`` (``TRUE``, ``true`` or ``1``)."""
    return isinstance(c, (bool, np.bool_)) and \
        str(positive).strip().lower() in _BOOL_NAMES[bool(c)]


def positive_index(classes: tuple, positive) -> int:
    """Index of the class label ``positive``: compared as given, then as text, then as a
    number when both are one (``1.0`` is class 1: float labels load as whole numbers); a
    number that several classes' codes equal (``+1`` and ``1``) is refused, not picked. A
    boolean class is also named by its spelling in any case, or 1 / 0 (``TRUE`` is True)."""
    for i, c in enumerate(classes):
        if c == positive or str(c) == str(positive) or _bool_named(c, positive):
            return i
    wanted = _number(positive)
    matches = [i for i, c in enumerate(classes) if wanted is not None and _number(c) == wanted]
    if len(matches) > 1:
        raise DataError(f"positive class {positive!r} equals several classes as a number "
                        f"({', '.join(repr(classes[i]) for i in matches)}): name one as "
                        "written")
    if matches:
        return matches[0]
    booleans = " (the labels were read as booleans)" if all(
        isinstance(c, (bool, np.bool_)) for c in classes) else ""
    raise DataError(f"positive class {positive!r} is not a class; "
                    f"classes: {', '.join(str(c) for c in classes)}{booleans}")


def one_vs_rest(y: np.ndarray, index: int) -> np.ndarray:
    """Class ``index`` becomes 1, every other class 0 (int64)."""
    return (y == index).astype(np.int64)


def subsample(y: np.ndarray, ratio: tuple[Fraction, Fraction], rng: np.random.Generator,
              *, where: str, positive=None) -> np.ndarray:
    """Indices (sorted) of a subset of binary labels y whose positives:negatives follow
    ``ratio``, keeping as many examples as the ratio allows; ``positive`` the positive
    class's label, for an error to name it.

    Raises
    ------
    DataError
        When fewer than 2 positives (or no negative) would remain: what ``where`` holds,
        where it holds too few, else what the ratio leaves of it.
    """
    pos, neg = np.flatnonzero(y == 1), np.flatnonzero(y == 0)
    p, q = ratio
    if len(pos) < 2 or len(neg) < 1:  # no ratio would do: say what the data holds
        named = "" if positive is None else f" (class {positive})"
        held = f"{len(pos)} positive example{'' if len(pos) == 1 else 's'}{named}" \
            if len(pos) < 2 else \
            "no negative example"
        raise DataError(f"imbalance {ratio_text(p, q)}: {where} holds {held} of its "
                        f"{len(y)} rows; needs at least 2 positives and 1 negative")
    if len(pos) * q > len(neg) * p:  # positives too many: keep all negatives
        n_pos, n_neg = math.floor(len(neg) * p / q), len(neg)
    else:
        n_pos, n_neg = len(pos), math.floor(len(pos) * q / p)
    if n_pos < 2 or n_neg < 1:
        raise DataError(f"imbalance {ratio_text(p, q)} leaves {n_pos} positive "
                        f"and {n_neg} negative "
                        f"examples in {where}; needs at least 2 positives and 1 negative")
    keep = np.concatenate([rng.choice(pos, n_pos, replace=False),
                           rng.choice(neg, n_neg, replace=False)])
    return np.sort(keep)
