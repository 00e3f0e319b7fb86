"""A report's output: its metadata (the index reads it back), the files it links to, its
HTML and the files written (`Report`'s half that turns what was added into a page)."""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from nets import hplab_version, version_text

from ._html import render
from ._paths import local_link
from ._report_figures import _NAME
from ._report_files import TONES
from ._report_info import description_digest
from ._report_write import write_files
from ._table_block import table_titles

#: Bumped when the embedded metadata changes shape.
SCHEMA = 1


class _ReportOutput:
    """`Report`'s output methods, over the state its builder half keeps (``_sections``,
    ``_data``, the headline and provenance)."""

    def metadata(self, files_dir: str = "report_files") -> dict:
        """What the index reads back from the written file (``files_dir``: where its
        CSVs go).

        Parameters
        ----------
        files_dir : str, default "report_files"
            The folder of the report's CSVs, relative to the page.
        """
        return {"schema": SCHEMA, "kind": self.kind, "name": self.name, "title": self.title,
                "created": self.created.isoformat(), "status": self.status,
                "headline": [{"label": k, "text": v} for k, v in self.headline],
                "hplab_version": hplab_version(),
                **({"source": self.source} if self.source else {}),
                **({"study_created": self.study_created,
                    # its study's description changes on a resume: the report then lags
                    "description_digest": description_digest(self.description)}
                   if self.study_created else {}),
                **({"retrain_failed": self.retrain_failed} if self.retrain_failed else {}),
                **({"detail": self.detail} if self.detail else {}),
                "files": self.linked_files(files_dir)}

    def linked_files(self, files_dir: str = "report_files") -> list[str]:
        """The files beside the report that it links to, as named from its folder: the CSV
        of each figure and table (in ``files_dir``), then the relative links of its text
        (its model.npz, a study's spec.toml). Recorded in its head, the index names those
        gone from what it reads of each report (a whole page is about 1 MB).

        Parameters
        ----------
        files_dir : str, default "report_files"
            The folder of the report's CSVs, relative to the page.
        """
        hrefs = [*(href for s in self._sections for b in s.blocks if b["type"] == "links"
                   for _, href in b["links"]), *self.provenance_links.values()]
        beside = [name for name in map(local_link, hrefs) if name is not None]
        return list(dict.fromkeys([*(f"{files_dir}/{stem}.csv" for stem in self._data),
                                   *beside]))

    def html(self, files_dir: str = "report_files") -> str:
        """The report as one HTML string (CSV links point into ``files_dir``).

        Parameters
        ----------
        files_dir : str, default "report_files"
            The folder of the report's CSVs, relative to the page.
        """
        return render("report.html", report=self, sections=self._sections,
                      files_dir=files_dir, titles=table_titles(self._sections),
                      tone=TONES.get(self.status or "", "neutral"),
                      # the code that ran, as the provenance's row says it: the installed
                      # version alone named another commit than a checkout's (QA session 77)
                      hplab_code=version_text(),
                      meta_json=json.dumps(self.metadata(files_dir), ensure_ascii=True))

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
