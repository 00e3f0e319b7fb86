"""The check that a report writer was given the result it reads, not a name, a path or
another of hplab's objects."""

from __future__ import annotations

import os
from collections.abc import Mapping


def check_result(result, package: str, cls: str, made_by: str) -> None:
    """TypeError for what a script passes instead of ``package.cls``: a name, a path, a
    ``--json`` summary or any other built-in value (they ended in "'str' object has no
    attribute 'fit'"), or another of hplab's objects (an LRRangeResult given to
    capacity_report, the nets.TrainConfig of a run to training_report). Anything else is
    read by its attributes, as the tests' stand-ins are."""
    kind = type(result)
    other = kind.__module__.partition(".")[0] in ("analyses", "study", "nets", "data") \
        and kind.__name__ != cls
    if other or kind.__module__ == "builtins" or isinstance(result, os.PathLike | Mapping):
        article = "an" if package[0] in "aeiou" else "a"  # an analyses.LRRangeResult
        raise TypeError(f"expected {article} {package}.{cls} (what {package}.{made_by} returns), "
                        f"got {type(result).__name__} {result!r:.60}")
