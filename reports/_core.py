"""The generic report builder every hplab report uses: headline, sections, figures, tables.

A report is one self-contained HTML file (inline CSS, figures as ``data:`` URIs, no
JavaScript) plus a ``<stem>_files/`` folder holding each figure's and table's data as CSV.
It embeds its metadata as JSON in ``<meta name="hplab-report">`` so that
:func:`reports.write_index` can list it without a sidecar file. A table's block is made in
:mod:`reports._table_block`, the files are written by :mod:`reports._report_write`.
"""

from __future__ import annotations

import gc
import json
import os
import re
from collections.abc import Callable, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import pandas as pd
from matplotlib.backend_bases import FigureCanvasBase

from nets import hplab_version

from . import design
from ._html import render
from ._paths import shell_folder, shown_command
from ._report_files import TONES
from ._report_write import write_files
from ._settings import shown_settings
from ._table_block import _printed_columns, table_block

_NAME = re.compile(r"^[a-z0-9][a-z0-9_-]*$")
#: Bumped when the embedded metadata changes shape.
SCHEMA = 1


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


@dataclass
class _Section:
    title: str
    anchor: str
    blocks: list[dict] = field(default_factory=list)


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
        raise TypeError(f"expected a {package}.{cls} (what {package}.{made_by} returns), "
                        f"got {type(result).__name__} {result!r:.60}")


class Report:
    """Builder for one self-contained HTML report.

    Parameters
    ----------
    kind : str
        Report family shown in the index, e.g. ``"train"``, ``"study"``, ``"lr-range"``.
    title : str
        Page heading.
    headline : mapping of str to str or number, optional
        The few numbers a reader wants first, in order; numbers are formatted with
        :func:`reports.design.format_value`, strings are shown as given. The index shows
        the first entry as the report's headline metric.
    name : str, optional
        Short name in the index (default: ``title``).
    status : str, optional
        Outcome shown as a coloured badge (``converged``, ``diverged``...).
    status_detail : str
        One sentence that explains the status.
    subtitle : str
        A line under the title (dataset, task, architecture...).
    description : str
        What the results are about, in the user's words (a study spec's description),
        shown between the title and the subtitle.
    created : datetime, optional
        Timestamp used to sort the index (default: now).

    Examples
    --------
    >>> import tempfile
    >>> from pathlib import Path
    >>> import pandas as pd
    >>> from reports import Report, design
    >>> def draw_curve(frame):
    ...     fig = design.new_figure()
    ...     fig.subplots().plot(frame["lr"], frame["loss"])
    ...     return fig
    >>> frame = pd.DataFrame({"lr": [0.01, 0.1, 1.0], "loss": [2.3, 0.9, 4.0]})
    >>> rep = Report("lr-range", "LR range test", {"Best lr": 0.25}, name="digits")
    >>> rep = rep.add_section("Loss against learning rate").add_figure(
    ...     "loss-vs-lr", draw_curve, frame, caption="Loss after each rate of the ramp.")
    >>> path = rep.write(Path(tempfile.mkdtemp()) / "lr" / "digits", index=False)
    >>> path.name, [p.name for p in (path.parent / "report_files").iterdir()]
    ('report.html', ['loss-vs-lr.csv'])
    """

    def __init__(self, kind: str, title: str, headline: Mapping[str, Any] | None = None, *,
                 name: str | None = None, status: str | None = None, status_detail: str = "",
                 subtitle: str = "", description: str = "",
                 created: datetime | None = None):
        self.kind = str(kind)
        self.title = str(title)
        self.name = str(name) if name is not None else self.title
        self.status = None if status is None else str(status)
        self.status_detail = str(status_detail)
        self.subtitle = str(subtitle)
        self.description = str(description)
        self.created = (created or datetime.now()).astimezone().replace(microsecond=0)
        self.headline = [(str(k), v if isinstance(v, str) else design.format_value(v))
                         for k, v in (headline or {}).items()]
        self.provenance: dict[str, str] = {}
        #: A provenance row whose text begins with a file beside the report: that file
        #: (row -> relative href), linked where the text names it
        self.provenance_links: dict[str, str] = {}
        self.params: dict[str, Any] = {}
        # what the results were read from (a study's storage): two studies of one name in
        # two storages must not take each other's report for their own
        self.source: str | None = None
        # ... and which study of that name (`study.study_created`): one deleted and run
        # again under its name is another study, whose report this is not
        self.study_created: str | None = None
        # a study report whose best trial could not be retrained: which, why, and the data
        # files as the retrain found them (`_study_lag.report_lags` reads it)
        self.retrain_failed: dict | None = None
        self._sections: list[_Section] = []
        self._data: dict[str, pd.DataFrame] = {}  # CSV file stem -> frame
        self._font_noted = False  # whether a figure's labels were drawn as boxes, and said

    # -- content ------------------------------------------------------------------
    def add_section(self, title: str, text: str = "") -> Report:
        """Start a section; later figures, tables and text go into it."""
        anchor = re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-") or "section"
        taken = {s.anchor for s in self._sections}
        base, i = anchor, 1
        while anchor in taken:
            i += 1
            anchor = f"{base}-{i}"
        self._sections.append(_Section(str(title), anchor))
        if text:
            self.add_text(text)
        return self

    def add_text(self, text: str, *, note: bool = False) -> Report:
        """A paragraph (escaped); ``note=True`` renders it as a highlighted remark."""
        self._current().blocks.append({"type": "note" if note else "text", "text": str(text)})
        return self

    def add_code(self, code: str) -> Report:
        """A preformatted block (escaped), e.g. commands to copy."""
        self._current().blocks.append({"type": "code", "text": str(code)})
        return self

    def add_links(self, text: str, links: Mapping[str, str]) -> Report:
        """A paragraph ``text`` followed by links ``{label: href}`` (both escaped)."""
        self._current().blocks.append({"type": "links", "text": str(text),
                                       "links": [(str(k), str(v)) for k, v in links.items()]})
        return self

    def add_figure(self, name: str, draw: Callable[[Any], Any], data, *, caption: str,
                   alt: str | None = None) -> Report:
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
        with self._staging(), design.missing_glyphs() as missing, _collector_paused():
            stems = self._register(name, data)
            with design.style():
                fig = draw(data)
            alt = alt or design.figure_label(fig) or f"Figure: {name.replace('-', ' ')}"
            uri, width, height = design.png_data_uri(fig)
            # the PNG is all we keep: a bare canvas lets the Agg one and its pixel buffer
            # go now (fig.clear() kept them, the figure's canvas holding them, and cleared
            # each axes by rebuilding its ticks: ~10 % of a figure's time); the artists go
            # with the figure, garbage before the collector resumes
            FigureCanvasBase(fig)
            del fig
        self._current().blocks.append({
            "type": "figure", "name": name, "src": uri, "width": width, "height": height,
            "caption": str(caption), "alt": str(alt),
            "csv": [f"{stem}.csv" for stem in stems],
        })
        if missing and not self._font_noted:  # said once, under the first figure it concerns
            self._font_noted = True
            advice = design.advise_font(missing)
            self.add_text(advice[0].upper() + advice[1:] + ".", note=True)
        return self

    def add_table(self, frame: pd.DataFrame, *, name: str | None = None, caption: str = "",
                  max_rows: int = 25, index: bool = False,
                  print_columns: Sequence[str] | None = None,
                  page: pd.DataFrame | None = None) -> Report:
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
        """
        name = name or f"table-{sum(s.startswith('table-') for s in self._data) + 1}"
        df = frame.reset_index() if index else frame
        shown = df if page is None else (page.reset_index() if index else page)
        if len(shown) != len(df):
            raise ValueError(f"the page shows {len(shown)} rows of a table of {len(df)}")
        with self._staging():
            stems = self._register(name, df)
            printed = _printed_columns(shown, print_columns, stems)
        self._current().blocks.append({**table_block(shown, name=name, caption=caption,
                                                     max_rows=max_rows, index=index,
                                                     stems=stems), **printed})
        return self

    def set_provenance(self, *, command: str, dataset: str, seed: int | None,
                       params: Mapping[str, Any], date: str | None = None,
                       seconds: float | None = None, extra: Mapping[str, Any] | None = None,
                       cwd: str | None = None, wall_time: str = "Wall time",
                       links: Mapping[str, str] | None = None,
                       task: str | None = None) -> Report:
        """Record how to reproduce the results, with the libraries' versions.

        Parameters
        ----------
        command : str
            The command line (empty: the report says it was written from Python).
        dataset : str
        seed : int or None
        params : mapping
            Every setting (as `shown_settings` has them: the values used).
        date : str, optional
            Default: the report's ``created``.
        seconds : float, optional
            The run's wall time.
        extra : mapping, optional
            More rows, shown after the wall time.
        cwd : str, optional
            The folder the command ran in; the command is then shown as ``cd CWD &&
            COMMAND``, which replays it from anywhere (its paths are as typed), the home
            folder as ``~`` (a recorded ``cd CWD && ...`` given as ``command`` too).
        wall_time : str
            The label of ``seconds`` (a resumed study's are its last run's).
        links : mapping, optional
            Rows of ``extra`` whose text begins with a file beside the report, to that
            file's path relative to it (``{"Spec": "spec.toml"}``): the name is a link.
        task : str, optional
            The data's task: ``"regression"`` leaves out the settings only classification
            reads (`shown_settings`).
        """
        import nets

        libraries = {k: v for k, v in nets.versions().items() if not k.startswith("hplab")}
        if cwd and command:
            command = f"cd {shell_folder(cwd)} && {command}"
        elif command:
            command = shown_command(command)
        self.provenance = {
            "hplab version": nets.version_text(),
            "Library versions": ", ".join(f"{k} {v}" for k, v in libraries.items()),
            # a report written from Python has no command line: said so, not a blank row
            **({"Command": str(command)} if command else
               {"Written from": "Python, not a command line: the settings below reproduce "
                                "it"}),
            "Dataset": str(dataset),
            "Seed": design.format_named("seed", seed),
            "Date": str(date or self.created.isoformat()),
            wall_time: design.format_seconds(seconds) if seconds is not None else "–",
            **{str(k): design.format_named(k, v) for k, v in (extra or {}).items()},
        }
        self.provenance_links = {k: h for k, h in (links or {}).items()
                                 if str(self.provenance.get(k, "")).startswith(h)}
        # settings whole, as given: four digits showed --lr 0.123456 as 0.1235
        self.params = {str(k): design.format_setting(v)
                       for k, v in shown_settings(params, task).items()}
        return self

    # -- output -------------------------------------------------------------------
    def metadata(self) -> dict:
        """What the index reads back from the written file."""
        return {"schema": SCHEMA, "kind": self.kind, "name": self.name, "title": self.title,
                "created": self.created.isoformat(), "status": self.status,
                "headline": [{"label": k, "text": v} for k, v in self.headline],
                "hplab_version": hplab_version(),
                **({"source": self.source} if self.source else {}),
                **({"study_created": self.study_created} if self.study_created else {}),
                **({"retrain_failed": self.retrain_failed} if self.retrain_failed else {})}

    def html(self, files_dir: str = "report_files") -> str:
        """The report as one HTML string (CSV links point into ``files_dir``)."""
        return render("report.html", report=self, sections=self._sections,
                      files_dir=files_dir, tone=TONES.get(self.status or "", "neutral"),
                      meta_json=json.dumps(self.metadata(), ensure_ascii=True))

    def write(self, out_dir: Path | str, *, stem: str = "report", index: bool = True,
              swap: Callable[[], None] | None = None, storage=None,
              created: str | None = None, records: Mapping[str, Any] | None = None) -> Path:
        """Write ``out_dir/<stem>.html`` and ``out_dir/<stem>_files/*.csv``.

        Parameters
        ----------
        out_dir : str or path
        stem : str
            The files' name (``[a-z0-9_-]``).
        index : bool
            Refresh the index of the folder's root as well (see :func:`reports.index_root`;
            one that cannot be written is a warning on stderr).
        swap : callable, optional
            Called with Ctrl-C held right before the files are renamed in, to move into
            place what the new report names beside it (a study report's best_model/).
        storage, created : optional
            A study report's storage (a `study.StorageURL`) and creation stamp: a report of
            the same name from another storage is another study's, not replaced
            (`held_results`).
        records : mapping, optional
            JSON files written beside the page, staged with it (an analysis's config.json
            and result.json: `reports._run_files.analysis_records`).

        Returns
        -------
        Path
            The HTML file.
        """
        if not _NAME.match(stem):
            raise ValueError(f"report file stem must match {_NAME.pattern}, got {stem!r}")
        out_dir = Path(out_dir)
        path = write_files(self, self._data, out_dir, stem, swap=swap, storage=storage,
                           created=created, records=records)
        if index:  # a failure only warns: the report is written
            from ._index import refresh_index

            refresh_index(out_dir)
        return path

    # -- helpers --------------------------------------------------------------------
    def _current(self) -> _Section:
        if not self._sections:
            self.add_section("Results")
        return self._sections[-1]

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

