"""The command line under the streams a script, a daemon or a CI job starts it with: stderr
closed (``2>&-``: Python's ``sys.stderr`` is then None)."""

import io
import json
import os
import shlex
import subprocess
import sys

import optuna
import pytest
from cli_helpers import ROOT

import nets
import study


def _without_stderr(*args, cwd) -> subprocess.CompletedProcess:
    """``hplab ARGS`` in a fresh process whose stderr is closed, not merely sent to
    /dev/null (an open file, which hides nothing of this)."""
    command = shlex.join([sys.executable, str(ROOT / "hplab.py"), *map(str, args)])
    return subprocess.run(["sh", "-c", f"exec 2>&-; exec {command}"], cwd=cwd,
                          env={**os.environ, "PYTHONPATH": str(ROOT)}, stdout=subprocess.PIPE,
                          text=True, timeout=180)


@pytest.mark.slow
def test_commands_run_with_stderr_closed(tmp_path, spec_file):
    # QA: `train` and `study run` exited 1 without a word (the progress bar's first frame
    # wrote to None) and left an empty study behind
    done = _without_stderr("train", "--dataset", "xor", "--epochs", "3", "--name", "v2",
                           "--no-report", cwd=tmp_path)
    assert done.returncode == 0 and "status: max_epochs" in done.stdout, done
    assert (tmp_path / "runs/train/v2/model.npz").is_file()
    spec = spec_file("noerr", n_trials=3, max_epochs=4, pruner="none")
    done = _without_stderr("study", "run", spec, "--no-report", cwd=tmp_path)
    assert done.returncode == 0 and "noerr" in done.stdout, done
    stored = optuna.load_study(study_name="noerr", storage="sqlite:///" + str(
        tmp_path / "runs/hplab.db"))
    assert len(stored.trials) == 3
    # and a line meant for stderr (print(file=None) writes to stdout) was printed in front
    # of --json's object: a run trained again under its name says it replaced the first
    for _ in range(2):
        done = _without_stderr("train", "--dataset", "xor", "--epochs", "3", "--name", "j",
                               "--no-report", "--json", cwd=tmp_path)
        assert done.returncode == 0 and json.loads(done.stdout)["status"] == "max_epochs"


def test_progress_bars_draw_nothing_without_stderr(tmp_path, monkeypatch, spec_file):
    # every bar is made by one rule: none where there is no stderr (the Python API's
    # callers, a pythonw process, get the same); the CLI also puts /dev/null in its place
    monkeypatch.chdir(tmp_path)
    spec = spec_file("quiet", n_trials=2, max_epochs=4, pruner="none")
    monkeypatch.setattr(sys, "stderr", None)
    from nets._progress_bar import progress_bar

    # disabled without a stderr; with one, a bar draws unless told not to
    assert progress_bar(total=3).disable
    monkeypatch.setattr(sys, "stderr", io.StringIO())
    with progress_bar(total=3) as bar:
        assert not bar.disable and progress_bar(total=3, enabled=False).disable
    monkeypatch.setattr(sys, "stderr", None)
    run = study.train_run("xor", nets.TrainConfig(hidden=(2,), max_epochs=3), out="t",
                          progress=True)
    assert run.result.status == "max_epochs" and run.result.epochs == 3
    summary = study.run_study(study.load_spec(spec), progress=True)
    assert summary["n_complete"] == 2


def test_a_study_line_without_stderr_is_not_printed_on_stdout(monkeypatch, capsys):
    # read through: the bar is disabled without a stderr, and its `say` (a worker process
    # died) went through tqdm's write, whose file=None is stdout, in front of --json's
    # object for a caller of the Python API
    from study._study_progress import StudyProgress

    monkeypatch.setattr(sys, "stderr", None)
    bar = StudyProgress(optuna.create_study(study_name="said"), 4, enabled=True)
    try:
        bar.say("a worker process died")
    finally:
        bar.close()
    assert capsys.readouterr().out == ""


def test_library_lines_without_stderr_are_not_printed_on_stdout(tmp_path, monkeypatch,
                                                                capsys):
    # read through: every line the packages say on stderr (an index not refreshed, a wait
    # for another command, a kept newer report, a storage failure...) went through
    # print(file=sys.stderr), which writes to stdout when stderr is None: one rule now
    from reports._index import refresh_index

    (tmp_path / "runs" / "train" / "r").mkdir(parents=True)
    (tmp_path / "runs" / "index.html").mkdir()  # the index cannot be written: said
    # a warning now, which the program prints with the command's name (Python's printing
    # of one writes nothing without a stderr)
    with pytest.warns(UserWarning, match="was not refreshed"):
        assert refresh_index(tmp_path / "runs" / "train" / "r") is None
    monkeypatch.setattr(sys, "stderr", None)
    nets.say_on_stderr("hplab: a line")
    assert capsys.readouterr().out == ""


@pytest.mark.slow
def test_a_home_matplotlib_cannot_write_is_one_warning_line(tmp_path):
    # QA: under a HOME this user cannot write (a CI container run as another uid), a
    # report's first import of matplotlib printed two lines of its own on stderr ("mkdir
    # -p failed for path ...", "Matplotlib created a temporary cache directory at ...")
    (tmp_path / "a-file").write_text("")
    home = tmp_path / "a-file" / "home"  # under a file: no mkdir makes it, root's neither
    env = {k: v for k, v in os.environ.items()
           if k not in ("MPLCONFIGDIR", "XDG_CONFIG_HOME", "XDG_CACHE_HOME")}
    done = subprocess.run(
        [sys.executable, str(ROOT / "hplab.py"), "train", "--dataset", "xor", "--hidden", "2",
         "--epochs", "3", "--out", "t", "--json"], cwd=tmp_path, text=True, timeout=180,
        env={**env, "HOME": str(home), "PYTHONPATH": str(ROOT)}, capture_output=True)
    result = json.loads(done.stdout)
    assert (done.returncode, result["status"], result["epochs"]) == (0, "max_epochs", 3)
    assert (tmp_path / "t" / "report.html").is_file()
    lines = done.stderr.splitlines()
    assert len(lines) == 1, done.stderr
    start = (f"hplab train: warning: matplotlib cannot write its config and cache folder "
             f"({home}/.config/matplotlib): it uses a temporary one, ")
    end = (", for this run and builds its font cache again in every run (slower); set "
           "MPLCONFIGDIR to a writable folder")
    assert lines[0].startswith(start) and lines[0].endswith(end), lines[0]
    temporary = lines[0][len(start):-len(end)]
    assert os.path.basename(temporary).startswith("matplotlib-")
    assert not os.path.exists(temporary)  # matplotlib removes it as the process ends


def _stderr_full(*args, cwd) -> subprocess.CompletedProcess:
    """``hplab ARGS`` in a fresh process whose stderr is /dev/full: every write fails with
    "No space left on device", as a ``2> run.log`` on a full disk does."""
    if not os.path.exists("/dev/full"):
        pytest.skip("no /dev/full here")
    with open("/dev/full", "w") as full:
        return subprocess.run([sys.executable, str(ROOT / "hplab.py"), *map(str, args)],
                              cwd=cwd, env={**os.environ, "PYTHONPATH": str(ROOT)},
                              stdout=subprocess.PIPE, stderr=full, text=True, timeout=180)


def test_a_stderr_on_a_full_disk_loses_lines_not_the_work(tmp_path):
    # QA diskfull: with stderr on a full disk, a bar's first frame (tqdm drops only EIO)
    # ended the training, exit 1 and nothing saved; a rerun's "replaced the earlier run"
    # line failed its report ("the report could not be written ... (No space left on
    # device)"), exit 1; and every error line's print ended in exit 1, not 2
    train = ["train", "--dataset", "sine", "--epochs", "3", "--eps", "0.06", "--name", "s",
             "--json"]  # --eps warns before training: a held line, said at the first bar
    for _ in range(2):
        done = _stderr_full(*train, cwd=tmp_path)
        assert done.returncode == 0, done
        result = json.loads(done.stdout)
        assert (result["status"], result["epochs"], result["report_error"]) == (
            "converged", 2, None)
        assert round(result["val_loss"], 4) == 0.0568
    assert (tmp_path / "runs/train/s/report.html").is_file()
    assert (tmp_path / "runs/train/s/model.npz").is_file()
    done = _stderr_full("train", "--dataset", "nosuch", cwd=tmp_path)
    assert (done.returncode, done.stdout) == (2, "")
