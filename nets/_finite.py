"""Numbers ready for JSON, which has no NaN or infinity: None stands for them there."""

from __future__ import annotations

import math


def finite_or_none(obj):
    """``obj`` with every NaN or infinite float as None, and NumPy's values as Python's.

    Parameters
    ----------
    obj : object
        A number, or dicts, lists and tuples of them, nested at will (a ``--json``
        summary); NumPy arrays and scalars among them too.

    Returns
    -------
    object
        ``obj`` rebuilt: NumPy arrays as lists, NumPy scalars as Python numbers, each NaN
        or infinite float as None; tuples stay tuples, anything else as it was.
    """
    if hasattr(obj, "tolist"):  # numpy arrays and scalars: Python lists and numbers
        obj = obj.tolist()
    if isinstance(obj, dict):
        return {k: finite_or_none(v) for k, v in obj.items()}
    if isinstance(obj, list):
        return [finite_or_none(v) for v in obj]
    if isinstance(obj, tuple):
        return tuple(finite_or_none(v) for v in obj)
    if isinstance(obj, float):
        return obj if math.isfinite(obj) else None
    return obj


def finite_float(value) -> float | None:
    """``value`` as a float, None when it is NaN, infinite or None.

    Parameters
    ----------
    value : number or None
        A measurement; a whole one (a count of steps) too, which JSON then writes as a
        float (``120.0``) as every other value of its column.

    Returns
    -------
    float or None
    """
    value = math.nan if value is None else float(value)
    return value if math.isfinite(value) else None
