"""A section of a report: its title, its anchor and its blocks, and which of them print
on its heading's page."""

from __future__ import annotations

from dataclasses import dataclass, field

#: A table of at most this many rows prints on its heading's page (a Letter page holds ~40).
OPENING_ROWS = 25


@dataclass
class _Section:
    title: str
    anchor: str
    blocks: list[dict] = field(default_factory=list)

    @property
    def opening(self) -> int:
        """How many blocks print on the heading's page: up to the first figure, or table
        of a page's rows (`OPENING_ROWS`), that one included; a longer table starts after it.
        Whole sections kept to a page left pages half empty; none kept, a heading ended a
        page, its figure on the next."""
        for i, block in enumerate(self.blocks):
            if block["type"] == "figure" or block["type"] == "table":
                return i + (block["type"] == "figure" or len(block["rows"]) <= OPENING_ROWS)
        return min(1, len(self.blocks))
