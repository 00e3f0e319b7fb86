"""Spec files: the ready specs in ``study/specs``, a spec found by short name or path, its
TOML read and validated (`load_spec`)."""

from __future__ import annotations

import tomllib
from pathlib import Path

import data

from ._errors import SpecError
from ._spec import StudySpec, _parse_with_trials

SPECS_DIR = Path(__file__).parent / "specs"


def spec_names() -> list[str]:
    """The ready specs in ``study/specs`` (short names)."""
    return sorted(p.stem for p in SPECS_DIR.glob("*.toml"))


def find_spec(name_or_path: str | Path) -> Path:
    """A ready spec's short name (``coin``) or a path to a TOML file -> its path.

    Parameters
    ----------
    name_or_path : str or path
        A ready spec's name, or a TOML file (a SpecError names the ready specs otherwise).
    """
    path = Path(name_or_path)
    if path.is_file():
        return path
    ready = SPECS_DIR / f"{name_or_path}.toml"
    if ready.is_file() and path.suffix != ".toml":
        return ready
    raise SpecError(f"no spec {str(name_or_path)!r}: not a file, and ready specs are "
                    f"{', '.join(spec_names())}")


def read_spec_file(path) -> dict:
    """What the spec file at ``path`` holds, its TOML read as UTF-8 with or without a byte
    order mark (TOML has none, but Notepad writes one and it is unambiguous). Raises
    OSError if it cannot be read, ValueError if it is not UTF-8 or not TOML
    (``UnicodeDecodeError`` and ``tomllib.TOMLDecodeError`` are ValueErrors); `load_spec`
    says which in words.

    Parameters
    ----------
    path : str or path
    """
    return tomllib.loads(Path(path).read_text(encoding="utf-8-sig"))


def load_spec(name_or_path: str | Path, *, strict: bool = True,
              n_trials: int | None = None) -> StudySpec:
    """Read and validate a spec by short name or path.

    Parameters
    ----------
    name_or_path : str or path
        A TOML file, or the name of a ready spec (`spec_names`: ``"coin"``...).
    strict : bool
        As `parse_spec`'s.
    n_trials : int, optional
        The study-wide total instead of the file's (a grid's file may ask for more than
        its points, which this total need not).

    Returns
    -------
    StudySpec

    Raises
    ------
    SpecError
        Missing file, bad TOML, or any invalid key (the message names its path).
    """
    path = find_spec(name_or_path)
    not_utf8 = SpecError(f"{path}: not UTF-8 text; save the spec as UTF-8")
    try:
        text = path.read_text(encoding="utf-8-sig")  # as read_spec_file reads it
    except UnicodeDecodeError:
        raise not_utf8 from None
    if "\0" in text:  # UTF-16 without its mark decodes, a NUL beside each ASCII character
        raise not_utf8
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        # a JSON or YAML spec got tomllib's "Invalid statement (at line 1, column 1)" alone
        kind = {".json": "JSON", ".yaml": "YAML", ".yml": "YAML"}.get(path.suffix.lower())
        hint = f"; a spec is TOML, not {kind} (`hplab study spec coin` prints one)" \
            if kind else ""
        raise SpecError(f"{path}: {exc}{hint}") from None
    except RecursionError:  # tomllib reads nested lists and tables recursively
        raise SpecError(f"{path}: lists or tables nested too deep to read") from None
    named = not isinstance(raw.get("study"), dict) or "name" in raw["study"]
    if isinstance(raw.get("study"), dict):
        raw["study"].setdefault("name", path.stem)
        if isinstance(raw["study"].get("dataset"), str):
            # a file's paths absolute, as the study stores them: a worker started in
            # another folder read csv:data.csv there, another file, into the same study
            raw["study"]["dataset"] = data.absolute_name(raw["study"]["dataset"])
    try:
        return _parse_with_trials(raw, n_trials, path=str(path), strict=strict)
    except SpecError as exc:
        if named or not str(exc).startswith("study.name "):
            raise
        # QA: "study.name must not hold control characters", of a spec that has none: its
        # file's name is the study's
        why = str(exc).removeprefix("study.name ").split("; ")[0]
        raise SpecError(f"{path}: the study's name is the file's, {path.stem!r} (the spec "
                        f"gives no study.name), which {why}; give it one with study.name "
                        "or rename the file") from None
