"""What the index reads beside a report: the record (``config.json``) of the training run it
shows, for the row's settings line and ``report index --json``'s numbers (QA: a teacher
grading 40 reports had their headlines' text alone, "67.0 %", no seed or settings), and
the files it links to that are not there."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

from nets import read_json_file

from ._paths import local_link
from ._report_info import ReportInfo

#: A record larger than this is no run's (one is a few KB): not read.
_MAX_RECORD_BYTES = 1 << 20
#: A history larger than this is not read for an old record's kept scores.
_MAX_HISTORY_BYTES = 64 << 20
#: The keys of a run's record that ``report index --json`` gives (its ``run``), as
#: config.json names them; ``hplab`` is the version that trained it. Its help lists them
#: too (the command line's JSON_KEYS: building the parser imports no other module of
#: reports); a test compares.
RUN_KEYS = ("dataset", "seed", "data_seed", "status", "epochs", "train_loss",
            "train_accuracy", "val_loss", "val_accuracy", "test_loss", "test_accuracy",
            "test_rmse", "test_mae", "test_r2", "config")


def record_path(info: ReportInfo) -> Path | None:
    """Where the record of the run report ``info`` shows is: a training run's
    ``config.json`` beside it, a study's best model's in ``best_model/``; None for other
    kinds."""
    folder = info.path.parent
    return {"train": folder / "config.json",
            "study": folder / "best_model" / "config.json"}.get(info.kind)


def read_shown_record(info: ReportInfo) -> dict | None:
    """The record of the run report ``info`` shows, read from its `record_path` (study's
    `run_record` makes one); None where there is none hplab wrote there (not there,
    unreadable, not JSON, a pipe, another tool's file)."""
    path = record_path(info)
    try:
        # is_file first: a named pipe so named would hold the index for good
        if path is None or not path.is_file() or path.stat().st_size > _MAX_RECORD_BYTES:
            return None
        record = read_json_file(path)  # a BOM too: a Windows editor's save stays the run's
    except (OSError, ValueError, RecursionError):
        return None
    ours = isinstance(record, dict) and isinstance(record.get("config"), dict) \
        and "model_path" in record
    return record if ours else None


def unreadable_record(info: ReportInfo) -> Path | None:
    """The record of the run report ``info`` shows (`record_path`) when this user cannot
    read it, or the folder on its way they cannot search (a study's ``best_model/``): its
    run is then not known, where None says there is none (QA: another user's 0600
    config.json read as a report without a run). None when readable, or not there."""
    path = record_path(info)
    if path is None:
        return None
    try:
        os.stat(path)
    except PermissionError:  # the report's own folder was read: its best_model/ is closed
        return path.parent
    except OSError:
        return None
    return None if os.access(path, os.R_OK) else path


def missing_files(info: ReportInfo, *, whole_page: bool = True,
                  root: Path | None = None) -> list[str] | None:
    """The files report ``info`` links to (its model, its figures' CSVs: those its head
    records, `ReportInfo.files`, or a page of a version that recorded none links) that are
    not there, as it names them from its folder, sorted (QA: a submission without its
    model.npz or a CSV was listed as whole; only `hplab predict` noticed). None, not
    checked, for a page that records none unless ``whole_page``: the refresh after each
    report does not read every older report's whole page (~0.5 MB each) again.

    Names outside ``root`` (the indexed folder; default the report's own) are not its
    files: skipped, not looked at."""
    if info.files is None and not whole_page:
        return None
    folder = info.path.parent
    linked = info.files if info.files is not None else _page_links(info.path)
    bounds = _bounds(folder, folder if root is None else Path(root))
    return sorted(name for name in dict.fromkeys(linked)
                  if _within(folder, name, bounds) and not os.path.lexists(folder / name))


def _bounds(folder: Path, root: Path) -> tuple[str, tuple[str, ...]]:
    """``root`` as written, and the real folders a name's may lie in: ``root``'s and the
    report's own (reached through a link the scan follows: runs/train on another disk)."""
    return os.path.abspath(root), (os.path.realpath(root), os.path.realpath(folder))


def _within(folder: Path, name: str, bounds: tuple[str, tuple[str, ...]]) -> bool:
    """Whether the file ``name`` of the report in ``folder`` lies under the indexed folder.

    A report's head and links are its author's to write: ``../../x`` or ``/etc/x``, looked
    up, had the index say whether any path of the machine exists (QA). Checked as written
    (``..`` read as a step up) and through links (``sub/link/..``), without touching it.
    """
    root, reals = bounds
    target = os.path.normpath(os.path.join(os.path.abspath(folder), name))
    parent = os.path.realpath(os.path.dirname(os.path.join(folder, name)))
    return (not os.path.isabs(name) and _under(target, root)
            and any(_under(parent, real) for real in reals))


def _under(path: str, folder: str) -> bool:
    return path == folder or path.startswith(folder.rstrip(os.sep) + os.sep)


#: A page's links (`local_link` tells those to files of its folder).
_LINK = re.compile(rb'(?:href|src)="([^"]*)"')
#: A page larger than this is not read for its links (a report is about 1 MB).
_MAX_REPORT_BYTES = 64 << 20


def _page_links(page: Path) -> list[str]:
    """The files of its folder ``page`` links to, read from the whole page: a report of a
    version before reports recorded them in their head (QA: such reports were listed as
    whole without their model.npz)."""
    try:
        if page.stat().st_size > _MAX_REPORT_BYTES:
            return []
        text = page.read_bytes()
    except OSError:
        return []
    links = (local_link(os.fsdecode(m.group(1))) for m in _LINK.finditer(text))
    return [name for name in links if name is not None]


#: The card a kind's index row shows under its first (QA: a study listed its best value,
#: not what scored it).
_DETAIL_CARDS = {"study": "Best parameters"}
#: The card shown beside a row's first, by how that first card's label starts: (the
#: card's label in the report, its label in the row). QA: a regression run's RMSE alone,
#: 0.65, of a fit no better than the mean.
_BESIDE_CARDS = {"Test RMSE": ("Test R²", "R²")}


@dataclass(frozen=True)
class IndexEntry:
    """One report as the index lists it: its `ReportInfo`, its row's `detail`, its
    ``missing`` files and, read when asked, the ``record`` and ``run`` of the training run
    it shows. Made by `index_entry`.

    Attributes
    ----------
    info : ReportInfo
        The report's facts.
    missing : tuple of str or None
        Its files that are missing (`missing_files`); None: not checked.
    """

    info: ReportInfo
    missing: tuple[str, ...] | None

    @cached_property
    def record(self) -> dict | None:
        """`read_shown_record` of the report."""
        return read_shown_record(self.info)

    @cached_property
    def detail(self) -> str | None:
        """The line under the row's first card: the one the report records (a training
        run's settings: 200 runs of sine read alike), else a training run's from its
        `record` (a report of a version before reports recorded it), else the text of its
        kind's `_DETAIL_CARDS` card, if it has one."""
        info = self.info
        if info.detail:
            return info.detail
        if info.kind == "train" and self.record is not None:
            from ._settings import settings_line  # here: most rows record their line

            return settings_line(self.record["config"]) or None
        label = _DETAIL_CARDS.get(info.kind)
        return next((h["text"] for h in info.headline[1:] if h["label"] == label), None)

    @cached_property
    def beside(self) -> dict | None:
        """The card shown beside the row's first one (`_BESIDE_CARDS`: a regression run's
        R² beside its RMSE); None for other rows, or where its report has no such card
        (one of a version before R²)."""
        cards = self.info.headline
        wanted = next((pair for start, pair in _BESIDE_CARDS.items()
                       if cards and cards[0]["label"].startswith(start)), None)
        if wanted is None:
            return None
        label, shown = wanted
        return next(({"label": shown, "text": h["text"]} for h in cards[1:]
                     if h["label"] == label), None)

    @cached_property
    def run(self) -> dict | None:
        """The numbers of the run it shows: `RUN_KEYS` of its `record`, ``record``, the
        record's path, and ``hplab``, the version that trained it; None without one."""
        record = self.record
        if record is None:
            return None
        record = _as_written_today(record, record_path(self.info).parent)
        versions = record.get("versions")
        return {"record": str(record_path(self.info)),
                **{key: record.get(key) for key in RUN_KEYS},
                "hplab": versions.get("hplab") if isinstance(versions, dict) else None}

    def json(self) -> dict:
        """The report in ``report index --json``: `ReportInfo.to_dict`, ``detail``, ``run``
        and ``missing`` (null only where not checked: report index checks each), with the
        no-break spaces that keep a card's words together on the page ("lr 0.5, batch
        size 16") as plain ones, which a script matches."""
        shown = self.info.to_dict()
        return {**shown, "headline": [{**card, "text": _plain(card["text"])}
                                      for card in shown["headline"]],
                "detail": _plain(self.detail), "run": self.run,
                "missing": None if self.missing is None else list(self.missing)}


def _as_written_today(record: dict, folder: Path) -> dict:
    """``record`` as `report compare` reads it (`as_written_today`): a record of an earlier
    hplab with the settings added since, its data seed and, early stopped, the scores of
    the weights it kept read off its ``history.csv`` (upgrade QA: the index gave an old
    run's thrown-away last checkpoint, 0.67, where compare gave its kept 0.71). As it is
    where its history cannot be read."""
    if "resolved" in record:  # written since 2026-12-03: as today's, and pandas not needed
        return record
    from ._compare_old import as_written_today  # here: pandas, for a few old records

    try:
        history = _kept_history(record, folder)
        return as_written_today(record, history)[0]
    except (OSError, ValueError, TypeError, KeyError, AttributeError):
        return record  # an edited record or history: its numbers as they are


def _kept_history(record: dict, folder: Path):
    """The history an early-stopped run's kept scores are read from, as compare reads it
    (an empty one for other runs, whose scores are the record's)."""
    import pandas as pd

    from ._compare_read import read_history

    path = folder / "history.csv"
    if record.get("status") != "early_stopped" or not path.is_file() \
            or path.stat().st_size > _MAX_HISTORY_BYTES:
        return pd.DataFrame({"val_loss": []})
    return read_history(path)


def _plain(text: str | None) -> str | None:
    return text.replace("\xa0", " ") if isinstance(text, str) else text


def index_entry(info: ReportInfo, *, whole_page: bool = True,
                root: Path | None = None) -> IndexEntry:
    """Report ``info``'s `IndexEntry`, its missing files checked (`missing_files`: a page
    that records none read whole only if ``whole_page``; names outside ``root``, the
    indexed folder, default the report's own, skipped).

    Parameters
    ----------
    info : ReportInfo
        The report.
    whole_page : bool, default True
        As above.
    root : Path, optional
        As above.
    """
    missing = missing_files(info, whole_page=whole_page, root=root)
    return IndexEntry(info, None if missing is None else tuple(missing))
