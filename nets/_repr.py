"""Short reprs for result dataclasses that hold tables."""

from __future__ import annotations

import dataclasses

import numpy as np


def compact_repr(result, **extra) -> str:
    """``Name(field=value, ...)`` with each DataFrame and array shown as its shape (an
    array with its dtype too), a dict of more than four keys as its size and a list of
    dicts as its length, plus ``extra`` (one named as a field replaces that field's value).

    A result's dataclass repr printed its tables whole: in a notebook, 37 lines of curves
    for an LR range test, and not the suggested rate a reader wanted (a `Prediction` of
    digits' test split, 3 KB of arrays; a `reports.RunComparison` of two runs, 8 KB).

    Parameters
    ----------
    result : dataclass instance
    **extra
        Values to show by name, each as its repr (one named as a field replaces it).
    """
    import pandas as pd  # here: `import nets` would cost pandas' import (~0.3 s)

    parts = []
    for f in dataclasses.fields(result):
        if not f.repr:
            continue
        if f.name in extra:
            parts.append(f"{f.name}={extra.pop(f.name)!r}")
            continue
        value = getattr(result, f.name)
        shown = (f"<DataFrame {value.shape[0]} x {value.shape[1]}>"
                 if isinstance(value, pd.DataFrame) else
                 f"<ndarray {' x '.join(map(str, value.shape))} {value.dtype}>"
                 if isinstance(value, np.ndarray) else
                 f"<dict of {len(value)}>" if isinstance(value, dict) and len(value) > 4
                 else f"<list of {len(value)} dicts>" if isinstance(value, list | tuple)
                 and value and all(isinstance(v, dict) for v in value)
                 else repr(value))
        parts.append(f"{f.name}={shown}")
    parts += [f"{k}={v!r}" for k, v in extra.items()]
    return f"{type(result).__name__}({', '.join(parts)})"
