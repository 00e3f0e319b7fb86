"""Where runs go: ``runs/KIND/NAME`` folders whose names are safe on any file system."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

RUNS = Path("runs")


def folder_name(text: str, default: str = "run") -> str:
    """One safe folder name: ``csv:/data/d.csv`` -> ``csv-data-d.csv``, ``digits?imbalance=1:50``
    -> ``digits-imbalance-1-50``, ``../../x`` -> ``x``; letters of any script stay."""
    return re.sub(r"[^\w.-]+", "-", str(text)).strip("-.") or default


def study_folder(name: str) -> Path:
    """The report folder of study ``name``: the name itself when it is a safe folder name,
    else its safe form and a short hash of it, so that "x y" and "x-y" stay apart."""
    safe = folder_name(name, "study")
    if safe != name:
        safe += "-" + hashlib.sha1(str(name).encode()).hexdigest()[:6]
    return RUNS / "studies" / safe
