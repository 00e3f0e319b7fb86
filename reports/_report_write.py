"""Writing a report's files: each staged beside its final name, then all renamed in at once
with Ctrl-C held, so an interrupted run leaves the earlier report whole."""

from __future__ import annotations

import contextlib
import os
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import pandas as pd

from nets import files_folder_problem, folder_text, report_csvs

from ._report_files import foreign_csvs
from ._run_files import record_text


def write_files(report, frames: Mapping[str, pd.DataFrame], out_dir: Path, stem: str, *,
                swap: Callable[[], None] | None, storage, created: str | None,
                records: Mapping[str, Any] | None) -> Path:
    """`Report.write`'s files: ``out_dir/<stem>.html``, the CSV of each of ``frames`` (by
    file stem) in ``out_dir/<stem>_files/`` and the JSON ``records``; returns the page."""
    from nets import frame_csv, spreadsheet_safe, stage_file
    from study import HeldInterrupts, holds_run_record

    files = out_dir / f"{stem}_files"
    if why := files_folder_problem(files):
        raise ValueError(f"{files} {why}, where the report's CSV files go; remove it or "
                         "write the report elsewhere")
    if stem == "report" and out_dir.is_dir():  # the command line says so before a run
        from ._held_results import held_results

        held = held_results(out_dir, report.kind, report.name if report.kind == "study" else None,
                            storage, created)
        if held:  # a report of another kind replaced it and mixed its files in
            raise ValueError(f"{folder_text(out_dir)} holds {held}; write the report "
                             "elsewhere")
    path = out_dir / f"{stem}.html"
    # the CSVs the earlier version wrote (its links) are the ones it replaces or removes;
    # any other file there is the user's: kept, and not written over
    headers = {f"{csv_stem}.csv": frame_csv(spreadsheet_safe(frame.head(0)))
               for csv_stem, frame in frames.items()}
    # a training run's folder whose report.html went: the CSVs it left are its report's
    left_by_a_run = report.kind == "train" and holds_run_record(out_dir)
    if foreign := foreign_csvs(path, files, headers, left_by_a_run=left_by_a_run):
        raise ValueError(f"{folder_text(out_dir)} holds a {files.name}/{foreign[0]} hplab "
                         "did not write; move it, or write the report elsewhere")
    earlier = report_csvs(path, files)
    html = report.html(files.name)
    # every file of the new version is written beside its final name first, then all
    # are renamed at once with Ctrl-C held: an interrupted run leaves the earlier
    # report whole, never its page over another version's data
    staged: list[tuple[Path, Path]] = []
    made_files = not files.exists()  # a folder this write makes: not left behind empty
    try:
        for csv_stem, frame in frames.items():
            final = files / f"{csv_stem}.csv"
            # text cells opened in a spreadsheet: no formula (class names are data's)
            safe = spreadsheet_safe(frame)
            staged.append((stage_file(final, lambda tmp, safe=safe: frame_csv(safe, tmp)),
                           final))
        for name, obj in (records or {}).items():
            text = record_text(obj)
            staged.append((stage_file(out_dir / name, lambda tmp, text=text:
                                      tmp.write_text(text, "utf-8")), out_dir / name))
        staged.append((stage_file(path, lambda tmp: tmp.write_text(html, "utf-8")), path))
        with HeldInterrupts():
            if swap is not None:
                swap()
            for tmp, final in staged:
                os.replace(tmp, final)
            keep = {final for _, final in staged}
            for old in earlier - keep:  # not the user's, nor another writer's staged files
                old.unlink(missing_ok=True)  # another process may refresh it too
    finally:
        for tmp, _ in staged:
            tmp.unlink(missing_ok=True)
        if made_files:  # QA: a full disk left a new run an empty report_files/
            with contextlib.suppress(OSError):  # not empty: the report's files went in
                files.rmdir()
    return path
