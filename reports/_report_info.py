"""What a report embeds about itself, read back: `ReportInfo` and `read_report_info`, which
the index, a study's report lookup and a report's rewrite use (a damaged or hand-edited
report's metadata read as no report)."""

from __future__ import annotations

import hashlib
import json
import os
import stat
from dataclasses import dataclass
from datetime import datetime
from html.parser import HTMLParser
from pathlib import Path

#: Metadata sits in <head>, before the CSS: a report's first bytes are enough.
_HEAD_BYTES = 64 * 1024
#: The type of each metadata field a report may embed (see Report.metadata); a report
#: with a field of another type is skipped, as one whose metadata is not JSON is (so is
#: one whose headline entries are not {"label": str, "text": str}: see _fits).
_META_TYPES = {"kind": str, "name": str, "title": str, "created": str,
               "status": (str, type(None)), "headline": list, "source": str,
               "study_created": str, "retrain_failed": dict, "description_digest": str,
               "detail": str, "files": list}


@dataclass(frozen=True)
class ReportInfo:
    """One report found under an index folder (its embedded metadata and its path).

    Attributes
    ----------
    path : Path
        Its report.html.
    kind, name, title : str
        Its kind (``"study"``, ``"lr-range"``...), the run's name and the page's title.
    created : str
        When it was written (ISO 8601).
    status : str or None
        The run's status, if it has one.
    headline : tuple of dict
        Its cards, each ``{"label": str, "text": str}``.
    source : str or None
        A study report's storage (`Report.source`).
    study_created : str or None
        ... and its study's creation (`Report.study_created`).
    retrain_failed : dict or None
        A study report whose best trial could not be retrained: which, why (`Report`).
    description_digest : str or None
        A study report's digest of its study's description (`description_digest`).
    detail : str or None
        The index's line under the first card (`Report.detail`).
    files : tuple of str or None
        The files beside it that it links to (`Report.linked_files`); None: not recorded
        (a report of an earlier version).
    """

    path: Path
    kind: str
    name: str
    title: str
    created: str
    status: str | None
    headline: tuple[dict, ...]
    source: str | None = None  # a study report's storage (see Report.source)
    study_created: str | None = None  # ... and its study (see Report.study_created)
    retrain_failed: dict | None = None  # see Report.retrain_failed
    description_digest: str | None = None  # a study report's (`description_digest`)
    detail: str | None = None  # the index's line under the first card (see Report.detail)
    # the files beside it that it links to (`Report.linked_files`); None: not recorded (a
    # report of an earlier version)
    files: tuple[str, ...] | None = None

    def to_dict(self) -> dict:
        """Its path and what the index shows of it, as JSON values (``path`` a string): the
        start of its `IndexEntry.json`."""
        return {"path": str(self.path), "kind": self.kind, "name": self.name,
                "title": self.title, "created": self.created, "status": self.status,
                "headline": list(self.headline)}


class _MetaFinder(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.content: str | None = None

    def handle_starttag(self, tag, attrs):
        if tag == "meta" and self.content is None:
            a = dict(attrs)
            if a.get("name") == "hplab-report":
                self.content = a.get("content")


def read_report_info(path: Path | str) -> ReportInfo | None:
    """The metadata a report embeds, or None for any other HTML file.

    Parameters
    ----------
    path : str or path
        An HTML file.
    """
    path = Path(path)
    try:
        # without waiting: a named pipe called report.html would hold the command forever
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
    except OSError:
        return None
    try:
        with open(fd, encoding="utf-8", errors="replace") as f:
            if not stat.S_ISREG(os.fstat(fd).st_mode):  # a pipe, a device: no report
                return None
            head = f.read(_HEAD_BYTES)
    except OSError:
        return None
    if "hplab-report" not in head:
        return None
    finder = _MetaFinder()
    # parsed up to the end of the tag that names the metadata, the rest only if that was
    # not it: the index reads every report's head on each refresh, and parsing its whole
    # 64 KB (CSS, the page's first tags) took most of a refresh of 500 reports (QA)
    at = head.find('name="hplab-report"')
    end = head.find(">", at) + 1 if at >= 0 else 0
    finder.feed(head[:end] or head)
    if finder.content is None and end:
        finder.feed(head[end:])
    try:
        meta = json.loads(finder.content or "")
    except (ValueError, RecursionError):  # [[[... nested past Python's stack
        return None
    if not _fits(meta):
        return None
    return ReportInfo(
        path=path, kind=meta.get("kind", "?"), name=meta.get("name", path.stem),
        title=meta.get("title", ""), created=meta.get("created", ""),
        status=meta.get("status"), headline=tuple(meta.get("headline", [])),
        source=meta.get("source"), study_created=meta.get("study_created"),
        retrain_failed=meta.get("retrain_failed"),
        description_digest=meta.get("description_digest"),
        detail=meta.get("detail"),
        files=tuple(meta["files"]) if "files" in meta else None,
    )


def description_digest(description: str) -> str:
    """What a study report records of its study's description (a digest: a long one
    pushed the metadata past what the index reads of a file)."""
    return hashlib.sha1(str(description).encode()).hexdigest()[:12]


def _fits(meta) -> bool:
    """Whether ``meta`` has each field the index reads in the shape it reads it: one that
    does not (a damaged or hand-edited file) would break every index write."""
    if not isinstance(meta, dict) or any(
            key in meta and not isinstance(meta[key], kind) for key, kind in _META_TYPES.items()):
        return False
    # the index shows the first headline entry's label and text
    if not all(isinstance(h, dict) and isinstance(h.get("label"), str)
               and isinstance(h.get("text"), str) for h in meta.get("headline", [])):
        return False
    if not all(isinstance(name, str) for name in meta.get("files", [])):
        return False
    return all(_placeable(meta[key]) for key in ("created", "study_created") if key in meta)


def _placeable(text: str) -> bool:
    """Whether ``text``, if a date, can be put in this machine's zone (the index shows it
    there): one at the calendar's edge (year 1 at +14:00) overflows. Not a date: shown as
    written."""
    try:
        datetime.fromisoformat(text).astimezone()
    except ValueError:
        return True
    except OverflowError:
        return False
    return True
