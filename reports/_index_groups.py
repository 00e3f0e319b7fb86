"""The index's rows grouped by kind, for a page one can find one's way in without a script
(QA: 526 reports in one list, newest first, no counts, nothing to jump to): each group its
count, its newest date and the id its summary link leads to."""

from __future__ import annotations

import re
from collections.abc import Sequence

#: The kinds hplab writes, in the order the index lists their groups, each named for the
#: page; another kind (a report made with `Report` by a script, a later hplab's) follows
#: them, in alphabetical order, as "KIND reports".
KIND_LABELS = {"train": "Training runs", "study": "Studies",
               "lr-range": "Learning-rate range tests", "capacity": "Capacity sweeps",
               "scaling": "Batch-size scaling", "imbalance": "Imbalanced data",
               "compare": "Compared runs"}


def grouped_rows(rows: Sequence[dict]) -> list[dict]:
    """``rows`` (each with its ``kind``, ``date`` and ``order``; a kept row too: `kept_rows`
    reads them off its cells) grouped by kind: each group a dict of its ``kind``, its
    ``label``, ``id`` (an HTML id, unique on the page), ``count``, ``newest`` (the date
    its newest row shows) and ``rows``, newest first, as the rows are sorted."""
    by_kind: dict[str, list[dict]] = {}
    for row in sorted(rows, key=lambda row: row["order"], reverse=True):
        by_kind.setdefault(row["kind"] or "?", []).append(row)
    known = [kind for kind in KIND_LABELS if kind in by_kind]
    others = sorted(kind for kind in by_kind if kind not in KIND_LABELS)
    groups, ids = [], set()
    for kind in known + others:
        members = by_kind[kind]
        groups.append({"kind": kind, "label": KIND_LABELS.get(kind, f"{kind} reports"),
                       "id": _unique_id(kind, ids), "count": len(members),
                       "newest": members[0]["date"], "rows": members})
    return groups


def _unique_id(kind: str, taken: set[str]) -> str:
    """An id for ``kind``'s group: ``kind-`` and its letters, digits and hyphens (a kind
    is any text a script gave); numbered after one taken ("a b" and "a_b" both ``kind-a-b``)."""
    base = "kind-" + (re.sub(r"[^a-z0-9-]+", "-", kind.lower()).strip("-") or "other")
    name, n = base, 1
    while name in taken:
        n += 1
        name = f"{base}-{n}"
    taken.add(name)
    return name
