"""A report's figures and tables, and the data each keeps as CSV (a base of `Report`)."""

from __future__ import annotations

import gc
import re
from collections.abc import Callable, Mapping, Sequence
from contextlib import contextmanager
from typing import Any, NamedTuple, Self

import pandas as pd
from matplotlib.backend_bases import FigureCanvasBase

from . import design
from ._table_block import _printed_columns, caption_title, table_block

#: What a figure's, table's or report file's name may be.
_NAME = re.compile(r"^[a-z0-9][a-z0-9_-]*$")


@contextmanager
def _collector_paused():
    """Python's cyclic garbage collector held off while a figure is drawn (as it was,
    after). A figure is ~100k linked objects, alive until drawn: collections during the
    drawing found none to free, only moved them to the older generations, whose full
    collections (~0.4 s each in a report) then freed them; held off, the figure, garbage by
    then, is freed by the first young collection after it (~8 % of a study report's time).
    """
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:  # another thread's pause may have ended meanwhile: enabling is safe
            gc.enable()


class _Drawn(NamedTuple):
    uri: str  # the PNG, as a data: URI
    width: int
    height: int
    label: str  # `design.figure_label`
    missing: list[str]  # the characters drawn as boxes for want of a font
    boxed: list[str]  # the texts holding them


def _drawn(draw: Callable[[Any], Any], data) -> _Drawn:
    """``draw(data)`` as PNG, with what a report says of it."""
    with _collector_paused():
        with design.missing_glyphs() as missing:
            with design.style():
                fig = draw(data)
            label = design.figure_label(fig)
            uri, width, height = design.png_data_uri(fig)
        boxed = design.texts_holding(fig, missing) if missing else []
        # the PNG is all we keep: a bare canvas lets the Agg one and its pixel buffer go
        # now (fig.clear() kept them, the figure's canvas holding them, and cleared each
        # axes by rebuilding its ticks: ~10 % of a figure's time); the artists go with the
        # figure, garbage before the collector resumes
        FigureCanvasBase(fig)
        del fig
    return _Drawn(uri, width, height, label, missing, boxed)


class _FiguresAndTables:
    """`reports.Report`'s figures and tables: each goes into the report's current section
    (``_current``), its data staged as CSV (``self._data``: file stem -> frame)."""

    def add_figure(self, name: str, draw: Callable[[Any], Any], data, *, caption: str,
                   alt: str | None = None) -> Self:
        """Draw ``draw(data)`` (a :class:`matplotlib.figure.Figure`) and embed it as PNG.

        Parameters
        ----------
        name : str
            Slug (``[a-z0-9_-]``) naming the figure's CSV: ``<stem>_files/<name>.csv``.
        draw : callable
            Pure drawing function ``data -> Figure``; use :func:`reports.design.new_figure`.
        data : DataFrame or mapping of str to DataFrame
            Exactly what is drawn; a mapping gives one CSV per entry (``<name>-<key>.csv``).
        caption : str
            What the figure shows and what to look for.
        alt : str, optional
            The image's text alternative: a short name of what it shows, which the caption
            then describes (a screen reader reads both). Default: the titles drawn on the
            figure (`design.figure_label`), else its name.
        """
        with self._staging():
            stems = self._register(name, data)
            drawn = _drawn(draw, data)
            if drawn.missing and design.found_new_fonts():  # installed since matplotlib
                drawn = _drawn(draw, data)  # listed its fonts: drawn again, with them
        self._current().blocks.append({
            "type": "figure", "name": name, "src": drawn.uri, "width": drawn.width,
            "height": drawn.height, "caption": str(caption),
            "alt": str(alt or drawn.label or f"Figure: {name.replace('-', ' ')}"),
            "csv": [f"{stem}.csv" for stem in stems],
        })
        if drawn.missing and not self._font_noted:  # said once, under the first figure
            self._font_noted = True
            advice = design.advise_font(drawn.missing, drawn.boxed)
            self.add_text(advice[0].upper() + advice[1:] + ".", note=True)
        return self

    def add_table(self, frame: pd.DataFrame, *, name: str | None = None, caption: str = "",
                  max_rows: int = 25, index: bool = False,
                  print_columns: Sequence[str] | None = None,
                  page: pd.DataFrame | None = None, title: str | None = None) -> Self:
        """A table from a DataFrame, capped at ``max_rows`` (the CSV keeps every row).

        Parameters
        ----------
        frame : DataFrame
        name : str, optional
            Slug naming its CSV (default ``table-<k>``).
        caption : str
        max_rows : int
            Rows shown on the page (see `reports._table_block.rows_shown`).
        index : bool
            Show the frame's index as its first column.
        print_columns : sequence of str, optional
            The columns a printout keeps (the others are left to the CSV, which the printed
            caption says): paper cannot scroll, and 33 columns on one page broke their
            names letter by letter. Default: every column.
        page : DataFrame, optional
            What the page shows of ``frame``: its rows in the same order, columns left out
            or reworded where they would run past the page (``print_columns`` name its
            columns). Default: ``frame``. The CSV holds ``frame``.
        title : str, optional
            The table's name, its ``<caption>``: out of sight (the caption under it says
            it), read out by a screen reader that lists or enters the tables. Default: the
            caption's first sentence (`reports._table_block.caption_title`), else the
            section's heading; the heading is added where two tables' names are the same.
        """
        name = name or f"table-{sum(s.startswith('table-') for s in self._data) + 1}"
        df = frame.reset_index() if index else frame
        shown = df if page is None else (page.reset_index() if index else page)
        if len(shown) != len(df):
            raise ValueError(f"the page shows {len(shown)} rows of a table of {len(df)}")
        with self._staging():
            stems = self._register(name, df)
            printed = _printed_columns(shown, print_columns, stems)
        title = title or caption_title(str(caption)) or self._current().title
        self._current().blocks.append({**table_block(shown, name=name, caption=caption,
                                                     max_rows=max_rows, index=index,
                                                     stems=stems, title=title), **printed})
        return self

    @contextmanager
    def _staging(self):
        # a figure whose drawing fails (or a table whose print_columns are wrong) stages
        # no CSV: the report stays as it was, with no file that nothing links to
        before = set(self._data)
        try:
            yield
        except BaseException:
            for stem in set(self._data) - before:
                del self._data[stem]
            raise

    def _register(self, name: str, data) -> list[str]:
        if not _NAME.match(name):
            raise ValueError(f"figure/table name must match {_NAME.pattern}, got {name!r}")
        if isinstance(data, pd.DataFrame):
            frames = {name: data}
        elif isinstance(data, Mapping):
            frames = {f"{name}-{k}": v for k, v in data.items() if isinstance(v, pd.DataFrame)}
        else:
            raise TypeError(f"figure data must be a DataFrame or a mapping of DataFrames, "
                            f"got {type(data).__name__}")
        stems = []
        for stem, frame in frames.items():
            if stem in self._data:
                raise ValueError(f"duplicate figure/table name {stem!r}")
            # a frame shared by several figures is written (and linked) once
            same = next((s for s, f in self._data.items() if f is frame), None)
            if same is None:
                self._data[stem] = frame
            stems.append(same or stem)
        return stems
