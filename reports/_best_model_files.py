"""A study report's best_model/ beside it: the folder its best trial is retrained into,
swapped in for the earlier report's as the report is written; whether the one there holds
this trial's model (kept), or a model no report of this study retrained (refused)."""

from __future__ import annotations

import os
import secrets
import shutil
import warnings
from pathlib import Path

from nets import ask_owner, owner_and_mode, read_json_file

from ._held_results import BEST_MODEL

_RUN_FILES = ("model.npz", "history.csv", "config.json")  # what the retrain writes there


def best_model_staging(out: Path) -> Path:
    """A hidden folder of this process beside ``out/best_model`` to retrain into (not
    created): the earlier best_model/ stays beside the earlier report until the new one
    is written. Staging folders of a process that ended are removed here; one of a
    process still running here is left to it; any other (another machine's, an earlier
    boot's, an older hplab's) is kept and said on stderr, once a report."""
    import study as hs

    for old in sorted(Path(out).glob(f".{BEST_MODEL}.*")):
        # .best_model.tmp-WORKER_ID-TOKEN (or .old-, set aside by a swap): a run killed
        # before its report was written left it
        owner = old.name.partition("-")[2].rpartition("-")[0]
        if hs.ended_here(owner):
            remove_leftover(old)
        elif not hs.running_here(owner):
            # another machine's, or an earlier boot's: its run may be alive, so it is kept,
            # and said (it once stayed for good without a word)
            warnings.warn(f"kept {old}, a best model a report of another machine or of "
                          "an earlier boot staged (hplab cannot tell whether its run ended): "
                          "remove it if no run of another machine is using it", stacklevel=2)
    return Path(out) / f".{BEST_MODEL}.tmp-{hs.worker_id()}-{secrets.token_hex(4)}"


def remove_leftover(folder: Path) -> None:
    """Remove ``folder``, a staged or set-aside best model, if there; one this user cannot
    remove is said on stderr with its owner. QA: another user's best_model/ (their umask
    022), set aside when this report replaced it, stayed hidden beside the report, a copy
    of their model at each rewrite, and nothing said so."""
    if not os.path.lexists(folder):
        return
    shutil.rmtree(folder, ignore_errors=True)
    if os.path.lexists(folder):
        warnings.warn(f"could not remove {folder}, a best model an earlier report left "
                      f"({owner_and_mode(folder)}): {ask_owner(folder, 'remove it')}",
                      stacklevel=2)


def holds_trial_model(out: Path, spec, number: int) -> bool:
    """Whether ``out/best_model`` holds the model an earlier report retrained from trial
    ``number`` of this study (its config.json names the run and the trial's seed)."""
    try:
        config = read_json_file(Path(out) / BEST_MODEL / "config.json")
    except (OSError, ValueError):
        return False
    return (_names_study(config, spec.name) and _records_trial(config, spec.seed, number)
            and (Path(out) / BEST_MODEL / "model.npz").is_file())


def _names_study(config, name: str) -> bool:
    """Whether a best model's config.json names a report of study ``name`` (``NAME-best``;
    a train's run is named otherwise unless its user chose that name)."""
    return isinstance(config, dict) and config.get("name") == f"{name}-best"


def _records_trial(config: dict, seed: int, number: int) -> bool:
    """Whether a best model's config.json records trial ``number``: its seed ``[s, k]``, or
    an imbalance-strategy trial's trial_seed (its seed is drawn from it) or, as written
    before trial_seed was recorded, that drawn seed."""
    import study as hs

    return ([seed, number] in (config.get("seed"), config.get("trial_seed"))
            or config.get("seed") == hs.pipeline_seed(seed, number))


def foreign_best_model(out: Path, name: str) -> str | None:
    """What ``out/best_model`` holds, in words, when a report of study ``name`` may not
    write its model there: a link (the model would go where it points), or a model no
    report of this study retrained (see `_names_study`). None when it holds none of
    the files the retrain writes (a user's notes stay beside the model)."""
    final = Path(out) / BEST_MODEL
    if os.path.islink(final):
        return f"a best_model that is a link (to {os.readlink(final)})"
    if not os.path.lexists(final):
        return None
    if not final.is_dir():
        return "a best_model that is not a folder"
    if not any(os.path.lexists(final / f) for f in _RUN_FILES):
        return None
    if not os.path.lexists(final / "config.json"):  # which model it is cannot be told
        return (f"a best_model/ without its config.json (remove {final} if its model is "
                "not needed)")
    try:
        config = read_json_file(final / "config.json")
    except (OSError, ValueError):
        config = None
    if _names_study(config, name):
        return None
    return f"a best_model/ with a model no report of study {name!r} retrained"


def swap_best_model(out: Path, staged: Path, saved: bool, own: bool) -> None:
    """Put the retrained ``staged`` folder (when ``saved``) in place of ``out/best_model``,
    as the report that names it is renamed in (`Report.write`).

    ``own``: the folder held this study's earlier report, whose best_model/ goes whole
    (renamed to `set_aside` ``staged``, for the caller to remove once the report is in);
    else a best_model/ (this study's model, `foreign_best_model` refused any other) keeps
    its other files, the retrain's replacing theirs.
    """
    final = Path(out) / BEST_MODEL
    if own and final.exists():  # renamed, not removed: two renames take no time
        os.replace(final, set_aside(staged))
    if not saved:
        return
    if not final.exists():
        os.replace(staged, final)
        return
    for file in staged.iterdir():
        os.replace(file, final / file.name)


def set_aside(staged: Path) -> Path:
    """Where `swap_best_model` moves the best_model/ that ``staged`` replaces."""
    return staged.with_name(staged.name.replace(".tmp-", ".old-", 1))
