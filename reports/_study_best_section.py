"""The study report's best trial: retrained and shown, or why it could not be."""

from __future__ import annotations

import os
import warnings
from pathlib import Path

from ._best_model_files import holds_trial_model
from ._held_results import BEST_MODEL
from ._library_versions import other_libraries_note
from ._study_best import (
    add_best,
    add_outside_best,
    best_balanced_accuracy,
    numbered_trial,
    retrain_best,
)
from ._study_lag import data_files_state
from ._study_text import one_line, tied_with_best, why_best
from .design import format_percent


def _add_best_trial(rep, spec, s, summary, trials, out: Path, staged: Path,
                    created, where, command: str,
                    progress: bool = False) -> tuple[bool, bool]:
    """The best trial retrained (its model saved in ``staged``) and shown; a failure of
    either is said, not raised (the search's own figures stand without it), and which of
    the two failed. Whether a model was saved, and whether the earlier best_model/ stays
    (the retrain failed, and it holds this same trial's model). ``created``: the study's
    stamp, which the records of its own trials name."""
    import study as hs

    best = numbered_trial(s, trials, summary["best_trial"])
    why = why_best(spec, summary) or tied_with_best(spec, trials, best)
    if not hs.run_by_hplab(best, created):  # by hand, another program, another study
        add_outside_best(rep, summary["best_trial"], best, why=why,
                         copied=hs.copied_from_another_study(best, created))
        return False, False
    if hs.told_while_running(best, flat=hs.flat_layout(created)):
        # its value is that program's (the run dropped its own). A retrain was set against
        # it and the gap blamed on BLAS threads (QA optinterop)
        add_outside_best(rep, summary["best_trial"], best, why=why, told=True)
        return False, False
    try:
        done = retrain_best(spec, s, summary, best, out, staged, where=where,
                            command=command, progress=progress)
    except Exception as exc:
        # its files' folder by the name it would have had: the hidden staging folder (QA:
        # "cannot write .../.best_model.tmp-host:123@...-1a2b/model.npz", a full disk's) is gone
        said = one_line(exc).replace(staged.name, BEST_MODEL)
        rep.add_section(f"Best trial: #{summary['best_trial']}", why)
        # the one copy of a model that can no longer be rebuilt (its data moved) is kept
        kept = holds_trial_model(out, spec, summary["best_trial"])
        # the data as this retrain found it: once it changes (restored), the report lags
        paths = _data_paths(spec.dataset)
        rep.retrain_failed = {"trial": summary["best_trial"], "why": said,
                              "paths": paths, "files": data_files_state(paths)}
        rep.add_text(f"Retraining it for this report failed: {said} The figures "
                     "above come from the stored trials." + (
                         " best_model/ beside this report keeps the model an earlier report "
                         "retrained from this trial." if kept else ""), note=True)
        # said on stderr too: the note alone left a reduced report unnoticed
        warnings.warn(f"the best trial could not be retrained ({said[:-1]}): the "
                      "report shows no test scores or curves", stacklevel=2)
        return False, kept
    try:
        lead = best_balanced_accuracy(done)
        if lead is not None:  # first, as a training report's: the index shows the first
            # card, and on imbalanced data accuracy is mostly the majority share
            rep.headline.insert(0, ("Test balanced accuracy", format_percent(lead)))
        add_best(rep, spec, done, out, why=why,
                 note=other_libraries_note(summary["library_versions"]))
    except Exception as exc:  # the retrain worked: its model is saved all the same
        rep.add_text(f"The best trial was retrained, but drawing its views for this report "
                     f"failed: {one_line(exc)} The figures above come from the stored "
                     "trials.", note=True)
    return done.run is not None, False


def _data_paths(dataset: str) -> list[str]:
    """The files (or IDX folder) that the data name ``dataset`` reads, absolute; none for
    a built-in set or a name that cannot be read."""
    import data

    try:
        return [os.path.abspath(p) for p in data.source_paths(dataset)]
    except data.DataError:
        return []
