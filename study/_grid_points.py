"""A grid's points: a sampler that lists every point of its space (grid) runs each once,
so a study's budget stops at their number (`parse_spec` refuses more), and a spent grid
takes no more trials: what runs more is a copy of its spec with other values (QA: a spent
12-point grid's hint was ``--trials 13``, a refused command). The study report says it too.
"""

from __future__ import annotations

import math
from pathlib import Path

import nets

from ._registry import SAMPLERS


def grid_points(spec, limit: int | None = None) -> int | None:
    """The points of the grid ``spec``'s sampler walks (each of its parameters' values with
    each of the others'), or None where its sampler samples. ``limit``: at most this many
    values a parameter (`Param.grid_values`). Raises SpecError where the space cannot be
    listed (which `parse_spec` refuses for a grid).

    Parameters
    ----------
    spec : StudySpec
    limit : int, optional
        As above; None: no limit.
    """
    entry = SAMPLERS.get(getattr(spec, "sampler", None))
    if entry is None or not entry.finite_space:
        return None
    return math.prod(len(v) for v in spec.space.grid(limit, spec.sampler).values())


def grid_next_steps(copy: str) -> str:
    """What firms up a spent grid's results in place of more trials; ``copy``: the spec
    file to copy (``"spec.toml beside this report"``).

    Parameters
    ----------
    copy : str
        As above.
    """
    return (f"Other seeds or a finer grid would firm up the ranking: copy {copy}, give it "
            "another name and seed (or more values in [space]), and run it with hplab study "
            "run FILE.")


def spec_to_copy(spec, storage: str | None = None) -> str:
    """Where ``spec``'s file is, as `grid_next_steps` names it: the file it was read from,
    a ready spec's ``hplab study spec`` line, else (a stored spec, one built in Python) the
    report's copy. ``storage``: the ``--storage`` text to show (password masked), if any."""
    from ._spec_files import SPECS_DIR  # it imports this module

    if spec.path is None:
        report = nets.shell_line(nets.command_words(
            ["hplab", "study", "report"], spec.name,
            ["--storage", storage] if storage is not None else []))
        return nets.escaped(f"the spec.toml that `{report}` writes beside the report")
    path = Path(spec.path)
    if path.parent == SPECS_DIR:
        return f"its ready spec (`hplab study spec {path.stem} > FILE`)"
    return nets.escaped(str(path))
