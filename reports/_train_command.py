"""`hplab train`'s run into its folder: trained, then its files and its report written aside
and swapped in together for an earlier run's, with Ctrl-C held. Nothing here draws
(``--no-report`` stays light): the report comes from the caller."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

from ._report_files import remove_report


def train_into(out: Path, dataset, cfg, *, seed=0, name: str | None = None,
               command: str = "", progress: bool = False,
               report: Callable | None = None, replaced: Callable | None = None):
    """Train a net of ``cfg`` on ``dataset`` (`study.train_run`) and save it into ``out``
    (held by the caller: `holding`) in place of an earlier run there, with its report.

    The new model.npz, history.csv and config.json are staged beside their names, then
    renamed in with Ctrl-C held: with the report's files, when ``report`` writes it; else
    after the earlier run's report is deleted (it described a model no longer there). An
    interrupt before then leaves the earlier run whole, after it the new one.

    Parameters
    ----------
    out : Path
        The run's folder.
    dataset : data.Dataset
        The data.
    cfg : nets.TrainConfig
        The run's settings.
    seed : int
        Seeds the weights and the shuffles.
    name : str, optional
        The run's name (default the dataset's).
    command : str
        The command as typed, which config.json records.
    progress : bool
        Show a progress bar on stderr.
    report : callable, optional
        ``report(run, swap)`` writes the run's report (`training_report`), passing
        ``swap`` on to `Report.write`: called with Ctrl-C held, it moves the model files
        in with the report's. A report that fails before then leaves the run saved
        without one, as None (``--no-report``) does.
    replaced : callable, optional
        ``replaced(earlier)``, called with Ctrl-C held once the new files replaced an
        earlier run's or report (``earlier`` as returned): the moment to say so.

    Returns
    -------
    (study.TrainRun, list of str)
        The run, and which of config.json and report.html an earlier run left in ``out``
        (none: nothing was replaced).
    """
    import study

    earlier = [f for f in ("config.json", "report.html") if (out / f).is_file()]
    run = study.train_run(dataset, cfg, seed=seed, name=name, command=command,
                          progress=progress)
    staged = study.stage_run_files(run, out)
    study.set_run_paths(run, out)  # the report names the files where they will be
    swapped = False

    def swap():  # with Ctrl-C held
        nonlocal swapped
        for path, tmp in staged.items():
            os.replace(tmp, path)
        swapped = True
        if earlier and replaced is not None:
            replaced(earlier)

    try:
        if report is not None:
            report(run, swap)
        if not swapped:  # no report, or one that failed before its files went in
            with study.HeldInterrupts():
                if (out / "report.html").is_file():
                    # the earlier run's report would describe a model no longer there
                    remove_report(out)
                swap()
    finally:  # an interrupted or failed run leaves no staged file behind
        for tmp in staged.values():
            tmp.unlink(missing_ok=True)
    return run, earlier
