"""`hplab train`'s run into its folder: trained, then saved in place of an earlier run, whose
report goes first. Nothing here draws (``--no-report`` stays light).
"""

from __future__ import annotations

from pathlib import Path

from ._report_files import remove_report


def train_into(out: Path, dataset, cfg, *, seed=0, name: str | None = None,
               command: str = "", progress: bool = False):
    """Train a net of ``cfg`` on ``dataset`` (`study.train_run`) and save it into ``out``
    (held by the caller: `holding`), an earlier run's report there deleted first.

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
    with study.HeldInterrupts():  # Ctrl-C waits: the earlier run keeps its report or goes
        if "report.html" in earlier:
            # the earlier run's report would describe a model no longer there: it goes (and
            # its index line) before the new files come, so an interrupted re-run leaves the
            # new model without a report, as --no-report does, never beside the earlier one's
            remove_report(out)
        study.save_run_files(run, out)
    return run, earlier
