"""Short reprs for result dataclasses that hold tables."""

from __future__ import annotations

import dataclasses


def compact_repr(result, **extra) -> str:
    """``Name(field=value, ...)`` with each DataFrame shown as its shape (and a dict of
    more than four keys as its size), plus ``extra``.

    A result's dataclass repr printed its tables whole: in a notebook, 37 lines of curves
    for an LR range test, and not the suggested rate a reader wanted.
    """
    import pandas as pd  # here: `import nets` would cost pandas' import (~0.3 s)

    parts = []
    for f in dataclasses.fields(result):
        if not f.repr:
            continue
        value = getattr(result, f.name)
        shown = (f"<DataFrame {value.shape[0]} x {value.shape[1]}>"
                 if isinstance(value, pd.DataFrame) else
                 f"<dict of {len(value)}>" if isinstance(value, dict) and len(value) > 4
                 else repr(value))
        parts.append(f"{f.name}={shown}")
    parts += [f"{k}={v!r}" for k, v in extra.items()]
    return f"{type(result).__name__}({', '.join(parts)})"
