"""Where runs go: ``runs/KIND/NAME`` folders whose names are safe on any file system."""

from __future__ import annotations

import re
from pathlib import Path

RUNS = Path("runs")


def folder_name(text: str, default: str = "run") -> str:
    """One safe folder name: ``csv:/data/d.csv`` -> ``csv-data-d.csv``, ``digits?imbalance=1:50``
    -> ``digits-imbalance-1-50``, ``../../x`` -> ``x``; letters of any script stay."""
    return re.sub(r"[^\w.-]+", "-", str(text)).strip("-.") or default


def study_folder(name: str) -> Path:
    """The report folder of study ``name``."""
    return RUNS / "studies" / folder_name(name, "study")
