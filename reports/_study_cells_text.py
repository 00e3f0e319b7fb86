"""`hplab study show`'s table of a study that searches two choices and nothing else (a
grid of rates x batch sizes: the course's table, in the terminal). Light to import:
`study show` loads no pandas or matplotlib for any other study."""

from __future__ import annotations

import os


def study_cells_lines(name: str, storage: str | os.PathLike[str] | None = None, *,
                      opened=None) -> list[str]:
    """The lines of the cells (`reports._study_cells.cells_table`: each pair's final value)
    of stored study ``name`` when its space is two choices and nothing else and it has one
    objective, else none. ``opened``: as for `study.show_study`.

    Parameters
    ----------
    name : str
        The stored study's name.
    storage : str or path, optional
        Any storage form `study.resolve_storage` takes (default ``runs/hplab.db``).
    opened : tuple, optional
        As above.
    """
    import study as hs

    # read-only, as show opened it; the trials only read when the space is such a grid
    s, where, store = opened or hs.open_study_storage(name, storage)
    try:
        spec, _ = hs.stored_spec(name, where, store)
        params = spec.space.params
        if (spec.multi_objective or spec.space.per_layer or len(params) != 2
                or any(p.kind != "categorical" for p in params)):
            return []
        trials = s.get_trials(deepcopy=False)
    finally:
        if opened is None:
            hs.release(store)
    from ._study_cells import category_cells, cells_table, final_word  # pandas, matplotlib
    from ._study_data import contour_frame, param_table
    from ._text_columns import table_lines

    table = param_table(trials)
    if table.empty or table[[p.name for p in params]].isna().any().any():
        return []
    # the columns: the parameter with fewer choices, so the table stays narrow
    x, y = (p.name for p in sorted(params, key=lambda p: len(p.choices)))
    cells = category_cells(contour_frame(table, x, y),
                           maximize=spec.directions[0] == "maximize")
    # "final", as the report's cells: "best" read as each trial's best checkpoint
    return [f"{final_word(cells)} {spec.metrics[0]} by {y} (rows) and {x} (columns):",
            # ASCII for a missing cell, as every terminal table writes it
            *(f"  {line}" for line in table_lines(cells_table(cells, "-"), index=False))]
