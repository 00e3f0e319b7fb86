"""Where runs go: ``runs/KIND/NAME`` folders whose names are safe on any file system."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

RUNS = Path("runs")


# File systems cap a name at 255 bytes; a long dataset path or a name in another script
# (2 bytes a letter) is cut here and told apart from its neighbours by a hash.
MAX_NAME_BYTES = 100


def folder_name(text: str, default: str = "run") -> str:
    """One safe folder name: ``csv:/data/d.csv`` -> ``csv-data-d.csv``, ``digits?imbalance=1:50``
    -> ``digits-imbalance-1-50``, ``../../x`` -> ``x``; letters of any script stay; names
    longer than `MAX_NAME_BYTES` are cut and end in a short hash of the whole text."""
    safe = re.sub(r"[^\w.-]+", "-", str(text)).strip("-.") or default
    if len(safe.encode()) <= MAX_NAME_BYTES:
        return safe
    cut = safe.encode()[:MAX_NAME_BYTES - 7].decode(errors="ignore").rstrip("-.")
    return f"{cut}-{hashlib.sha1(str(text).encode()).hexdigest()[:6]}"


def study_folder(name: str) -> Path:
    """The report folder of study ``name``: the name itself when it is a safe folder name,
    else its safe form and a short hash of it, so that "x y" and "x-y" stay apart."""
    safe = folder_name(name, "study")
    if safe != name and len(safe.encode()) <= MAX_NAME_BYTES - 7:  # (a cut name has one)
        safe += "-" + hashlib.sha1(str(name).encode()).hexdigest()[:6]
    return RUNS / "studies" / safe
