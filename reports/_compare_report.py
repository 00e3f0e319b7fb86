"""The "compare" report: several training runs side by side, what sets them apart, their
scores and their curves on one figure per split (data in :mod:`reports._compare_data`,
drawing in :mod:`reports._compare_draw`)."""

from __future__ import annotations

import os
from functools import partial
from pathlib import Path

import nets

from . import design
from ._check_result import check_result
from ._compare_data import RunComparison
from ._compare_draw import draw_compared_curves
from ._core import Report
from ._index import analysis_name
from ._paths import href_from_report

#: How the table and the text name a setting or a score (the others: as the config does).
_SHOWN = {"data_seed": "data seed", "batch_size": "batch size", "best_val_loss":
          "lowest val loss", "best_epoch": "at epoch", "val_loss": "val loss",
          "val_accuracy": "val accuracy", "test_loss": "test loss",
          "test_accuracy": "test accuracy", "test_rmse": "test RMSE"}


def _sentence(words: str) -> str:
    """``words`` starting a sentence: its first letter upper case, an acronym kept."""
    return words[:1].upper() + words[1:]


#: What is said for the best run when no run has one.
NO_BEST = "none (each diverged or has no finite validation score)"


def comparison_dataset(comparison: RunComparison) -> str | None:
    """The dataset every run trained on (as its record names it), else None.

    Parameters
    ----------
    comparison : RunComparison
    """
    datasets = {run.record.get("dataset") for run in comparison.runs}
    name = datasets.pop() if len(datasets) == 1 else None
    return str(name) if name else None


def comparison_name(comparison: RunComparison) -> str:
    """The report's short name: the runs' dataset, else ``"N runs"``.

    Parameters
    ----------
    comparison : RunComparison
    """
    return comparison_dataset(comparison) or f"{len(comparison.runs)} runs"


def comparison_report(comparison: RunComparison, out_dir: Path | str, *, command: str = "",
                      index: bool = True) -> Path:
    """Write the report of ``comparison`` (`compare_runs`) to ``out_dir/report.html``.

    Parameters
    ----------
    comparison : RunComparison
        The runs side by side, as `compare_runs` returns them.
    out_dir : str or Path
        The report's folder; one that holds another command's results (a training run,
        another kind of report) is refused.
    command : str
        The command line that asked for it (empty: written from Python).
    index : bool
        Refresh the index of the folder's root too.

    Returns
    -------
    Path
        The report.

    Raises
    ------
    TypeError
        ``comparison`` is no `RunComparison` (its ``summary()``, a list of folders...).
    ValueError
        ``out_dir`` holds another command's results.
    """
    check_result(comparison, "reports", "RunComparison", "compare_runs")
    runs, best = comparison.runs, comparison.best
    classify = runs[0].classifies
    row = comparison.table.set_index("run").loc[best] if best is not None else None
    metric = "val_accuracy" if classify else "val_loss"
    headline = {"Best run": best or "none"}
    score = None
    # accuracy as a percentage, as the train reports' cards and the index give it (QA:
    # "0.86" here beside "85.0 %" there)
    shown = design.format_percent if classify else (lambda v: v)
    if row is not None:
        score = float(row[metric])
        headline[_sentence(_SHOWN[metric])] = shown(score)
        test = "test_accuracy" if classify else "test_rmse"
        if row[test] is not None and row[test] == row[test]:
            headline[_sentence(_SHOWN[test])] = shown(float(row[test]))
    headline["Runs"] = str(len(runs))
    differ = "differ in " + ", ".join(map(_name, comparison.differing)) \
        if comparison.differing else "share every setting"
    dataset = comparison_dataset(comparison)
    # two comparisons of one dataset told apart in the index: by their folders
    name = analysis_name(dataset, out_dir, "compare") if dataset else \
        comparison_name(comparison)
    # a folder's name in the title (--out cmp) leaves the data to the subtitle, where a
    # training report names it first (QA: "Compared runs: es" named no dataset above
    # Provenance)
    data = f"{dataset} · " if dataset and name != dataset else ""
    rep = Report("compare", f"Compared runs: {name}", headline, name=name,
                 subtitle=f"{data}{len(runs)} training runs that {differ}")
    # the index row shows the first card alone (the best run's name): its score and what
    # the runs vary go on the line under it, so two comparisons read apart there (QA)
    rep.detail = ("" if score is None else
                  f"{_name(metric)} {design.format_value(shown(score))}; ") + \
        f"the runs {differ}"
    rep.add_lead(_lead(comparison))
    for note in comparison.notes:
        rep.add_lead(f"Mind: {note}.")
    shared = comparison.shared
    rep.set_provenance(command=command, cwd=os.getcwd() if command else None,
                       dataset=str(shared.get("dataset", "several (see the table)")),
                       seed=shared.get("seed"),
                       params={k: v for k, v in shared.items() if k not in ("dataset", "seed")},
                       task=None if classify else "regression", wall_time="Runs' training",
                       seconds=sum(float(run.record.get("seconds") or 0) for run in runs))
    rep.add_section("Runs")
    rep.add_table(_page_table(comparison), name="runs", max_rows=100, caption=(
        "One row a run, in the order given: the settings that set the runs apart, then how "
        "each ended (its status, epochs trained, the lowest validation loss of its "
        "checkpoints and the epoch it was reached at, then the validation and test scores of "
        "the weights it kept: an early-stopped run's are its best checkpoint's, not its "
        "last). The settings the runs share are listed under Provenance. "
        + ("The best run has the highest validation accuracy (the lower validation loss "
           "among equals): picked on validation data, so its test score is still an "
           "honest estimate." if classify else
           "The best run has the lowest validation loss.")))
    # URL-encoded (QA: a run in "r #1" linked "../r #1/report.html", which a browser reads
    # as ../r and a fragment; a folder name's byte that was no UTF-8 stopped the report)
    links = {run.label: href_from_report(page, out_dir) for run in runs
             if (page := _own_report(run.folder)) is not None}
    if links:
        rep.add_links("Each run's own report:", links)
    for split, words in (("val", "validation"), ("train", "training")):
        rep.add_section(f"{_sentence(words)} curves")
        # one CSV holds both splits' curves: named for both ("curves"), not validation's
        rep.add_figure("curves" if split == "val" else "train-curves",
                       partial(draw_compared_curves, split=split, best=best),
                       comparison.curves, caption=_curves_caption(comparison, words, split))
    return rep.write(out_dir, index=index)


def _lead(comparison: RunComparison) -> str:
    runs, best = comparison.runs, comparison.best
    if best is None:
        return (f"None of the {len(runs)} runs has a finite validation score (each diverged "
                "or was never scored): the table says how each ended.")
    row = comparison.table.set_index("run").loc[best]
    differing = [k for k in comparison.differing if k != "dataset"]
    # "–": a setting the best run's optimizer or schedule does not read
    setting = ", ".join(f"{_name(k)} {row[k]}" for k in differing if row[k] != "–")
    differing = _independent(comparison.table, differing)
    scored = (f"validation accuracy {design.format_percent(float(row['val_accuracy']))}"
              if runs[0].classifies else
              f"validation loss {design.format_value(float(row['val_loss']))}")
    text = f"{best}{f' ({setting})' if setting else ''} did best of the {len(runs)} runs, " \
           f"{scored}."
    if not comparison.differing:
        text += (" The runs share every setting and seed (a run copied, or trained again): "
                 "no setting tells their scores apart.")
    elif differing and set(differing) <= {"seed", "data_seed"}:
        text += (" The runs differ in their seeds alone: their spread is the noise of one "
                 "setting, the margin any other change must beat.")
    elif len(differing) > 1:
        text += (" The runs differ in more than one setting: the course tunes one at a "
                 "time, the others fixed, to tell which one made the difference.")
    return text


def _independent(table, differing: list[str]) -> list[str]:
    """``differing`` without the settings that come with another one there: momentum,
    beta1... with the optimizer, lr_gamma... with the schedule (sgd against adam is one
    change, of optimizer, however many of their own settings differ with it). One that
    differs between runs of one optimizer (momentum 0.9 and 0.5) stays: a change of its
    own."""
    owner = {k: parent for parent, readers in nets.SETTINGS_READ.items()
             if parent in differing for keys in readers.values() for k in keys}
    return [k for k in differing
            if k not in owner or table.groupby(owner[k])[k].nunique().max() > 1]


def _page_table(comparison: RunComparison):
    """The runs' table without the scores of the other task (a classification's rmse)."""
    other = ("val_accuracy", "test_accuracy") if not comparison.runs[0].classifies else (
        "test_rmse",)
    table = comparison.table.drop(columns=list(other))
    return table.rename(columns={k: _name(k) for k in table.columns})


def _curves_caption(comparison: RunComparison, words: str, split: str) -> str:
    best = comparison.best
    scores = "loss and accuracy" if comparison.runs[0].classifies else "loss"
    text = f"Each run's {words} {scores} at its checkpoints, against epochs."
    if "batch_size" in comparison.differing:
        steps = _steps_per_epoch(comparison)
        text += (" The batch sizes differ, so the runs take other numbers of steps an epoch"
                 + (f" ({steps})" if steps else "") + ": at one epoch they have seen the "
                 "same rows, not made as many updates (the CSV's iteration column counts "
                 "the steps).")
    if best is not None:
        text += f" The thicker solid line is the best run, {best}."
    if split == "val" and comparison.curves["kept"].any():
        text += (" A ring marks the checkpoint an early-stopped run kept: its weights, and "
                 "its scores in the table, are that checkpoint's, not its last one's.")
    if split == "train":
        text += (" A training curve far below its validation one is a run fitting its "
                 "training rows more than the data.")
    return text


def _steps_per_epoch(comparison: RunComparison) -> str:
    """``coin-b1 900, coin-b-1 1`` steps an epoch, from each run's record ("" when one
    lacks them)."""
    parts = []
    for run in comparison.runs:
        epochs, steps = run.record.get("epochs"), run.record.get("iterations")
        if not (isinstance(epochs, int | float) and isinstance(steps, int | float)
                and epochs > 0):
            return ""
        parts.append(f"{run.label} {design.format_value(steps / epochs)}")
    return ", ".join(parts) if len(parts) <= 8 else ""


def _own_report(folder: Path) -> Path | None:
    """The report of the run in ``folder``: its own, or for a study's best model the
    study's report beside its ``best_model/`` (None: none there)."""
    for page in (folder / "report.html", folder.parent / "report.html"):
        if page.is_file() and (page.parent == folder or folder.name == "best_model"):
            return page
    return None


def _name(key: str) -> str:
    return _SHOWN.get(key, key.replace("_", " "))


def compare_lines(summary: dict, comparison: RunComparison) -> list[str]:
    """What ``hplab report compare`` prints for people: the runs' table, the best, the
    notes and where the report is.

    Parameters
    ----------
    summary : dict
        ``report compare``'s ``--json`` object.
    comparison : RunComparison
        `compare_runs`' answer.
    """
    from ._text_columns import table_lines

    columns = ["run", *comparison.differing, "status", "epochs",
               "val_accuracy" if comparison.runs[0].classifies else "val_loss",
               "test_accuracy" if comparison.runs[0].classifies else "test_rmse"]
    lines = table_lines(comparison.table[columns].rename(columns=_name), index=False)
    lines.append(f"best on validation: {comparison.best or NO_BEST}")
    lines += [f"mind: {note}" for note in comparison.notes]
    if summary.get("report_path"):
        lines.append(f"report: {summary['report_path']}")
    return lines
