"""`load`'s arguments and a name's options: each checked once, taken from the name or the
arguments (not both, unless equal), and folded back into the name, so that loading the
set's name alone gives the same data."""

from __future__ import annotations

import contextlib
import math
import numbers

import numpy as np

from ._dataset import DataError
from ._name_forms import with_options

#: The share of the training pool held out for validation when neither the name
#: (``coin?val_fraction=0.3``) nor ``load``'s argument gives one.
VAL_FRACTION = 0.1

@contextlib.contextmanager
def named(name: str):
    """`DataError`s raised within led by the dataset's ``name``, as `load`'s own are
    (those of helpers that other callers use unnamed: `positive_index`, `subsample`)."""
    try:
        yield
    except DataError as exc:
        raise DataError(f"{name}: {exc}") from None


def once(key: str, in_name, in_kwargs, same=lambda a, b: str(a) == str(b)):
    """The option ``key`` from the name or the arguments; both only if ``same``."""
    if in_name is not None and in_kwargs is not None and not same(in_name, in_kwargs):
        raise DataError(f"{key} given twice with different values: {in_name!r} in the name, "
                        f"{in_kwargs!r} as an argument")
    return in_kwargs if in_kwargs is not None else in_name


def flag(key: str, in_name, in_kwargs) -> bool:
    """A yes/no option: ``1``/``true``/``yes`` or ``0``/``false``/``no`` in the name."""
    if in_name is None:
        return bool(in_kwargs)
    words = {"1": True, "true": True, "yes": True, "0": False, "false": False, "no": False}
    value = words.get(str(in_name).strip().lower())
    if value is None:
        raise DataError(f"option {key}={in_name!r} must be 1 or 0 (true or false)")
    if in_kwargs is not None and bool(in_kwargs) != value:
        raise DataError(f"{key} given twice with different values: {in_name!r} in the name, "
                        f"{in_kwargs!r} as an argument")
    return value


def full_name(name: str, options: dict, **given) -> str:
    """``name`` with the options given as arguments folded in, so that loading the name
    alone (as a saved model's ``--dataset`` does) gives the same data."""
    # a value holding &, =, ? or % (a column "R&D") is percent-encoded, as parse_name reads it
    return with_options(name, **{k: v for k, v in given.items() if k not in options})


def check_val_fraction(value, text: str | None = None) -> float:
    """``value`` as a float in [0, 1); a DataError else, naming the name's option when the
    value came from it as ``text``."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real) or \
            not 0 <= value < 1:  # numbers.Real: NumPy's float32 too; nan is no share
        if text is not None:
            raise DataError(f"option val_fraction={text!r} must be a number in [0, 1)")
        raise DataError(f"val_fraction must be a number in [0, 1), got {value!r}")
    return float(value)  # scikit-learn's split refuses NumPy's float32


def is_whole(value) -> bool:
    """Whether ``value`` is a whole number by the analyses' rule (`nets.is_whole`, which
    data may not import): 1.0 is 1; a bool (NumPy's too), text, nan and inf are none."""
    try:
        return (not isinstance(value, bool | np.bool_) and np.ndim(value) == 0
                and value == int(value) and math.isfinite(value))
    except (TypeError, ValueError, OverflowError):  # text, None, nan, inf
        return False


def check_seed(seed) -> int:
    """``seed`` as an int >= 0 (`is_whole`); a DataError else, in the analyses' words
    (`analyses._checks.whole`): the same seed passed both."""
    if not is_whole(seed) or seed < 0:
        raise DataError(f"seed must be an integer >= 0, got {seed!r}")
    return int(seed)


def name_val_fraction(text: str | None) -> float | None:
    """The ``val_fraction`` option of a name, read from its text (None: not given)."""
    if text is None:
        return None
    try:
        value = float(text)
    except ValueError:
        value = None
    return check_val_fraction(value, text)
