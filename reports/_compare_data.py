"""What ``hplab report compare`` reads and tabulates: training runs' records (``config.json``)
and histories (``history.csv``), the settings they share and those that set them apart, and
the run that did best on validation data.

The course tunes one setting at a time, the others fixed, and compares the curves; a run's
folder holds what that needs, so nothing is trained again.
"""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

import nets

from ._compare_old import code_note
from ._compare_read import SCORES, ComparedRun, read_run
from ._numbers import format_setting
from ._settings import shown_settings

#: Settings of the record beside its ``config`` that set runs apart, in this order after
#: the config's (a sweep of seeds differs in ``seed`` alone).
_RECORD_SETTINGS = ("seed", "data_seed")


@dataclass
class RunComparison:
    """Several training runs side by side (`compare_runs`).

    Attributes
    ----------
    runs : list of ComparedRun
        The runs, in the order given.
    settings : list of dict
        Each run's settings, as its record holds them.
    shared : dict
        Setting -> the value every run used.
    differing : list of str
        The settings whose values differ, in the config's order.
    table : DataFrame
        One row a run: its label, differing settings and scores.
    curves : DataFrame
        Every run's history, a ``run`` column first, ``kept`` last (True at the
        checkpoint an early-stopped run kept).
    best : str or None
        The label of the best run on validation data (None: none scored).
    notes : list of str
        Why the scores may not compare.
    """

    runs: list[ComparedRun]
    settings: list[dict]  # each run's (`_settings`), as its record holds them
    shared: dict  # setting -> the value every run used
    differing: list[str]  # the settings whose values differ, in the config's order
    table: pd.DataFrame  # one row a run: its label, differing settings and scores
    curves: pd.DataFrame  # every run's history, a ``run`` column first, ``kept`` last
    # (True at the checkpoint an early-stopped run kept)
    best: str | None  # the label of the best run on validation data (None: none scored)
    notes: list[str] = field(default_factory=list)  # why the scores may not compare

    def __repr__(self) -> str:  # the runs by label: each one's record and history made
        # two runs' repr 8 KB long
        return nets.compact_repr(self, runs=[run.label for run in self.runs])

    def summary(self) -> dict:
        """What ``hplab report compare --json`` prints (``report_path`` added there): NumPy's
        values as Python's, NaN as None (`nets.finite_or_none`)."""
        rows = self.table.to_dict("records")
        return nets.finite_or_none({
            "n_runs": len(self.runs), "best": self.best, "differing": self.differing,
            "shared": dict(self.shared),
            "runs": [{"label": run.label, "folder": str(run.folder),
                      "dataset": run.record.get("dataset"),
                      "settings": {k: settings.get(k) for k in self.differing},
                      **{k: row[k] for k in SCORES}}
                     for run, settings, row in zip(self.runs, self.settings, rows, strict=True)],
            "notes": list(self.notes)})


def compare_runs(paths: Iterable) -> RunComparison:
    """Read the training runs ``paths`` name (`read_run`) and set them side by side.

    Parameters
    ----------
    paths : iterable of str or Path
        At least two: run folders, their model files, study report folders.

    Returns
    -------
    RunComparison

    Raises
    ------
    TypeError
        ``paths`` is no list of paths (None, a dict, a `RunComparison`).
    ValueError
        Fewer than two runs, one given twice, a folder that holds no run, or runs of a
        regression and a classification (their losses are not of one kind).
    """
    if isinstance(paths, Mapping) or not isinstance(paths, Iterable):  # None, a summary
        raise TypeError(f"expected a list of training runs' folders, got "
                        f"{type(paths).__name__} {paths!r:.60}")
    paths = [paths] if isinstance(paths, str | os.PathLike) else list(paths)
    if len(paths) < 2:
        raise ValueError("give at least two training runs to compare")
    runs = [read_run(p) for p in paths]
    seen: set[str] = set()
    for run in runs:
        real = os.path.realpath(run.folder)
        if real in seen:
            raise ValueError(f"{nets.folder_text(run.folder)} is given twice")
        seen.add(real)
    runs = _unique_labels(runs)
    kinds = {run.classifies for run in runs}
    if len(kinds) > 1:
        which = ", ".join(f"{run.label} ({run.task})" for run in runs)
        raise ValueError(f"runs of a regression and a classification do not compare: {which}")
    settings = [_settings(run) for run in runs]
    keys = list(dict.fromkeys(k for s in settings for k in s))
    shown = [{k: _shown(k, s[k]) if k in s else "–" for k in keys} for s in settings]
    differing = [k for k in keys if len({s[k] for s in shown}) > 1]
    # a setting one run lacks and another leaves to the optimizer (None) shows alike
    shared = {k: next(s[k] for s in settings if k in s) for k in keys if k not in differing}
    table = pd.DataFrame([{"run": run.label, **{k: s[k] for k in differing}, **_scores(run)}
                          for run, s in zip(runs, shown, strict=True)])
    curves = pd.concat([run.history.assign(run=run.label, kept=_kept(run))[
        ["run", *run.history.columns, "kept"]] for run in runs], ignore_index=True)
    best = _best(runs, table)
    return RunComparison(runs, settings, shared, differing, table, curves, best,
                         _notes(runs) + _eps_ties(runs, table, best, shared))


def _shown(key: str, value) -> str:
    """A setting as the table shows it: a full batch says so, as the index does."""
    if key == "batch_size" and value == -1 and not isinstance(value, bool):
        return "full batch"  # not "-1 (full batch)": a CSV quotes a leading minus
    return format_setting(value)


def _settings(run: ComparedRun) -> dict:
    """The run's settings that its report shows (those it read), as its record holds them
    (None: the optimizer's own), then its dataset and seeds."""
    config = run.record["config"]
    read = shown_settings(config, "regression" if not run.classifies else None)
    read.pop("extra", None)  # a script's own notes, not a setting of the net
    return {"dataset": run.record.get("dataset"), **{k: config.get(k) for k in read},
            **{k: run.record.get(k) for k in _RECORD_SETTINGS}}


def _scores(run: ComparedRun) -> dict:
    history, record = run.history, run.record
    val = history["val_loss"].to_numpy(float)
    scored = np.isfinite(val)
    at = int(np.flatnonzero(scored)[np.argmin(val[scored])]) if scored.any() else None
    scores = {k: record.get(k) for k in SCORES}
    scores["best_val_loss"] = None if at is None else float(val[at])
    epoch = None if at is None else float(history["epoch"].iloc[at])
    scores["best_epoch"] = int(epoch) if epoch is not None and epoch.is_integer() else epoch
    return scores


def _kept(run: ComparedRun) -> np.ndarray:
    """Whether each row of ``run``'s history is the checkpoint an early-stopped run kept
    the weights of: the first whose validation loss its record gives (none where no row
    has it; a run that trained on keeps its last weights, not marked)."""
    kept = np.zeros(len(run.history), bool)
    written = run.record.get("val_loss")
    if run.record.get("status") != "early_stopped" or not isinstance(written, int | float):
        return kept
    val = run.history["val_loss"].to_numpy(float)
    at = np.flatnonzero(np.isclose(val, written, rtol=1e-9, atol=0))
    if len(at):
        kept[at[0]] = True
    return kept


def _best(runs: list[ComparedRun], table: pd.DataFrame) -> str | None:
    """The run with the highest validation accuracy, the lower validation loss among
    equals (a regression's: the lowest validation loss); None when no run was scored. A
    diverged run is none: its weights are the blow-up's."""
    # the records' scores: numbers or None (`read_run` refuses others), None as NaN
    loss = table["val_loss"].to_numpy(float)
    accuracy = table["val_accuracy"].to_numpy(float) if runs[0].classifies \
        else np.zeros(len(runs))
    scored = [i for i in range(len(runs)) if np.isfinite(loss[i]) and np.isfinite(accuracy[i])
              and table["status"].iloc[i] != "diverged"]
    if not scored:
        return None
    return runs[min(scored, key=lambda i: (-accuracy[i], loss[i]))].label


def _eps_ties(runs: list[ComparedRun], table: pd.DataFrame, best: str | None,
              shared: dict) -> list[str]:
    """A note where the best run and others stopped on reaching one eps at one validation
    accuracy: each stopped at the checkpoint its validation loss first fell to eps, so the
    losses that picked the best say when each crossed it, not which learned better. QA:
    double-arc at lr 0.1 and 1, both converged at validation accuracy 1, losses 0.0781 and
    0.0706 under eps 0.08, 173 and 20 epochs: "arc-lr1 did best" on the 0.0075."""
    if best is None or shared.get("eps") in (None, 0):
        return []
    t = table.set_index("run")
    row = t.loc[best]
    if row["status"] != "converged":
        return []
    same = t["status"] == "converged"
    if runs[0].classifies:
        same &= t["val_accuracy"] == row["val_accuracy"]
    tied = [label for label in t.index[same] if label != best]
    if not tied:
        return []
    at = (f" at one validation accuracy, {format_setting(row['val_accuracy'])}"
          if runs[0].classifies else "")
    epochs = ", ".join(f"{label} {format_setting(t.loc[label, 'epochs'])}"
                       for label in [best, *tied])
    return [f"{best} and {', '.join(tied)} {'both' if len(tied) == 1 else 'all'} stopped "
            f"on reaching eps "
            f"{format_setting(shared['eps'])}{at}: each stopped where its validation loss "
            "first fell to eps, so their losses, just under it, say when each crossed it, "
            f"not which learned better; their epochs tell them apart ({epochs})"]


def _notes(runs: list[ComparedRun]) -> list[str]:
    """Why the runs' scores may not be of one test (other data, another split), and whose
    were read off its history (an older hplab's record: `ComparedRun.kept_row`)."""
    def grouped(key):
        groups: dict[str, list[str]] = {}
        for run in runs:
            groups.setdefault(format_setting(run.record.get(key)), []).append(run.label)
        return groups

    notes = []
    datasets = grouped("dataset")
    if len(datasets) > 1:
        notes.append("the runs trained on other data (" + "; ".join(
            f"{name}: {', '.join(labels)}" for name, labels in datasets.items())
            + "): their scores are not of one validation or test set")
    # the seeds first: the fingerprint is of the split arrays, so another data_seed gives
    # another one too (coin's seeds 0 and 3 read as "the data file changed")
    elif len(grouped("data_seed")) > 1:
        notes.append("the runs split the data with other seeds (data_seed): their "
                     "validation and test sets are other rows")
    # a record of hplab before 2026-12-03 has no fingerprint: not another one
    elif len({format_setting(r.record["data_fingerprint"]) for r in runs
              if r.record.get("data_fingerprint") is not None}) > 1:
        notes.append("the data file changed between the runs (another fingerprint): their "
                     "scores are not of one validation or test set")
    for run in runs:
        if run.kept_row is not None:
            epoch = format_setting(float(run.history["epoch"].iloc[run.kept_row]))
            notes.append(f"{run.label}'s record, of an older hplab, gives the validation "
                         "scores of its last checkpoint, whose weights early stopping threw "
                         f"away: its scores are those of the checkpoint it kept, at epoch "
                         f"{epoch}, read off its history")
    if code := code_note(runs):
        notes.append(code)
    return notes


def _unique_labels(runs: list[ComparedRun]) -> list[ComparedRun]:
    """Runs whose labels clash labelled by their paths' last parts that differ, the others
    left as they are (a copy of one run among twenty renamed the twenty: QA). A study's
    best model is named by its study's folder, not by ``best_model``. A label is text to
    show: `nets.escaped`, as the terminal's table shows it (QA: a folder name's byte that
    was no UTF-8, ``caf\\udce9``, left the report's CSV and page unwritable)."""
    labels = [nets.escaped(run.label) for run in runs]
    paths = [Path(os.path.abspath(r.folder)) for r in runs]
    paths = [p.parent if p.name == "best_model" else p for p in paths]
    for depth in range(2, 9):
        clash = [i for i, label in enumerate(labels) if labels.count(label) > 1]
        if not clash:
            break
        for i in clash:
            labels[i] = nets.escaped(Path(*paths[i].parts[-depth:]).as_posix())
    if len(set(labels)) < len(labels):
        labels = [f"{label} ({i + 1})" for i, label in enumerate(labels)]
    return [dataclasses.replace(r, label=label) for label, r in zip(labels, runs, strict=True)]
