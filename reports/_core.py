"""The generic report builder every hplab report uses: headline, sections, figures, tables.

A report is one self-contained HTML file (inline CSS, figures as ``data:`` URIs, no
JavaScript) plus a ``<stem>_files/`` folder holding each figure's and table's data as CSV.
It embeds its metadata as JSON in ``<meta name="hplab-report">`` so that
:func:`reports.write_index` can list it without a sidecar file. Figures and tables are
added by :mod:`reports._report_figures` (a table's block made in :mod:`reports._table_block`),
its metadata, HTML and files by :mod:`reports._report_output` (written by
:mod:`reports._report_write`).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import datetime
from typing import Any

import pandas as pd

from . import design
from ._paths import shell_folder, shown_command
from ._report_figures import _FiguresAndTables
from ._report_output import _ReportOutput
from ._report_section import _Section
from ._settings import shown_settings


class Report(_FiguresAndTables, _ReportOutput):
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
        # a line the index shows under the row's first card (a run's settings), if any
        self.detail: str | None = None
        # what the report found, in words under its cards (`add_lead`)
        self.lead: list[dict] = []
        self._sections: list[_Section] = []
        self._data: dict[str, pd.DataFrame] = {}  # CSV file stem -> frame
        self._font_noted = False  # whether a figure's labels were drawn as boxes, and said

    # -- content ------------------------------------------------------------------
    def add_section(self, title: str, text: str = "") -> Report:
        """Start a section; later figures, tables and text go into it.

        Parameters
        ----------
        title : str
            Its heading; its anchor is made from it (unique in the report).
        text : str, optional
            A first paragraph.
        """
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
        """A paragraph (escaped); ``note=True`` renders it as a highlighted remark.

        Parameters
        ----------
        text : str
        note : bool, default False
        """
        self._current().blocks.append({"type": "note" if note else "text", "text": str(text)})
        return self

    def add_lead(self, text: str, code: str | None = None) -> Report:
        """A paragraph under the header's cards (escaped): what the report found, read
        before any section; with ``code``, a command to copy after it.

        Parameters
        ----------
        text : str
        code : str, optional
        """
        self.lead.append({"type": "text", "text": str(text)})
        if code is not None:
            self.lead.append({"type": "code", "text": str(code)})
        return self

    def add_code(self, code: str) -> Report:
        """A preformatted block (escaped), e.g. commands to copy.

        Parameters
        ----------
        code : str
        """
        self._current().blocks.append({"type": "code", "text": str(code)})
        return self

    def add_links(self, text: str, links: Mapping[str, str]) -> Report:
        """A paragraph ``text`` followed by links ``{label: href}`` (both escaped).

        Parameters
        ----------
        text : str
        links : mapping of str to str
            Label to relative path or URL.
        """
        self._current().blocks.append({"type": "links", "text": str(text),
                                       "links": [(str(k), str(v)) for k, v in links.items()]})
        return self

    def set_provenance(self, *, command: str, dataset: str, seed: int | None,
                       params: Mapping[str, Any], date: str | None = None,
                       seconds: float | None = None, extra: Mapping[str, Any] | None = None,
                       cwd: str | None = None, wall_time: str = "Wall time",
                       links: Mapping[str, str] | None = None,
                       task: str | None = None, libraries: str | None = None) -> Report:
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
        libraries : str, optional
            The library versions the results ran on, in words (a study's, as it stored
            them); default: this process's libraries (`nets.library_versions`: hplab's own
            version and checkout left out).
        """
        import nets

        from ._library_versions import libraries_text

        if libraries is None:
            libraries = libraries_text(nets.library_versions())
        if cwd and command:
            command = f"cd {shell_folder(cwd)} && {command}"
        elif command:
            command = shown_command(command)
        self.provenance = {
            "hplab version": nets.version_text(),
            "Library versions": libraries,
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

    # -- helpers --------------------------------------------------------------------
    def _current(self) -> _Section:
        if not self._sections:
            self.add_section("Results")
        return self._sections[-1]
