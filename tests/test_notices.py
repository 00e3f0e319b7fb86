"""hplab's notices go through ``logging``'s ``"hplab"`` logger, as Optuna's go through
``"optuna"``: its default handler prints them on stderr as the commands always did, and a
script quiets them, raises their level or takes them into its own logging."""

from __future__ import annotations

import copy
import io
import logging
import subprocess
import sys
import threading

import optuna
import pytest

import nets
import study

DESCRIBED = "hplab: the study's description is now this spec's (it was 'first text')\n"
SPENT = ("hplab: the study already has 1 trial, its budget: this run started none; a "
         "budget above 1 (--trials; n_trials from Python) runs more\n")


@pytest.fixture(autouse=True)
def notices_as_they_were():
    """The ``"hplab"`` logger's level, default handler and propagation put back after each
    test: a test's setting must not quiet another's lines. (Its handlers are not put back
    as a list: pytest adds its own to every logger that does not propagate, and takes
    them off as each phase of a test ends.)"""
    from nets import _notices

    logger = logging.getLogger(nets.NOTICE_LOGGER)
    kept = logger.level, _notices._DEFAULT in logger.handlers, logger.propagate
    yield logger
    logger.setLevel(kept[0])
    (nets.enable_default_notice_handler if kept[1] else nets.disable_default_notice_handler)()
    logger.propagate = kept[2]


class _Kept(logging.Handler):
    """A program's own handler on the root logger: the records it got."""

    def __init__(self):
        super().__init__()
        self.records = []

    def emit(self, record):
        self.records.append(record)


@pytest.fixture
def root_handler():
    """A `_Kept` on the root logger while the test runs (pytest's ``caplog`` cannot tell:
    pytest adds its handler to every logger that does not propagate, hplab's too)."""
    kept = _Kept()
    logging.getLogger().addHandler(kept)
    yield kept
    logging.getLogger().removeHandler(kept)


def _described_again(tmp_path):
    """Run a one-trial study, then its spec again with another description: the second
    run says the description changed (INFO) and that it started none (WARNING)."""
    raw = {"study": {"name": "told", "dataset": "xor", "metric": "val_loss", "n_trials": 1,
                     "max_epochs": 2, "pruner": "none", "seed": 0,
                     "description": "first text"},
           "space": {"lr": {"low": 0.05, "high": 2.0, "log": True}},
           "fixed": {"batch_size": 2}}
    storage = str(tmp_path / "s.db")
    assert study.run_study(study.parse_spec(raw), storage=storage)["n_finished"] == 1
    raw = copy.deepcopy(raw)
    raw["study"]["description"] = "second text"
    assert study.run_study(study.parse_spec(raw), storage=storage)["n_finished"] == 1


REFUSED = "hplab: trial 1 failed: lr 5.0 is outside the spec's space 0.05..2\n"


def _failed_once(folder):
    """Run a one-trial study, then a second trial queued outside its space: it fails
    (WARNING)."""
    raw = {"study": {"name": "refused", "dataset": "xor", "metric": "val_loss",
                     "n_trials": 1, "max_epochs": 2, "pruner": "none", "seed": 0},
           "space": {"lr": {"low": 0.05, "high": 2.0, "log": True}},
           "fixed": {"batch_size": 2}}
    storage = str(folder / "s.db")
    study.run_study(study.parse_spec(raw), storage=storage)
    optuna.load_study(study_name="refused", storage=f"sqlite:///{storage}").enqueue_trial(
        {"lr": 5.0})
    raw["study"]["n_trials"] = 2
    assert study.run_study(study.parse_spec(raw), storage=storage)["n_fail"] == 1


def test_the_default_handler_prints_the_notices_as_before(tmp_path, capsys):
    _described_again(tmp_path)
    assert capsys.readouterr().err == DESCRIBED + SPENT
    assert nets.get_notice_level() == logging.INFO


def test_a_raised_level_keeps_the_failures_alone(tmp_path, capsys):
    nets.set_notice_level(logging.WARNING)
    _described_again(tmp_path)
    assert capsys.readouterr().err == SPENT
    nets.set_notice_level("error")
    assert nets.get_notice_level() == logging.ERROR
    _described_again(tmp_path / "again")  # (a folder of its own: a new study)
    assert capsys.readouterr().err == ""


SCRIPT = f"""
import sys
sys.path.insert(0, {str(__import__("pathlib").Path(__file__).parent)!r})
import nets
from test_notices import _described_again
nets.disable_default_notice_handler()
_described_again(__import__("pathlib").Path(sys.argv[1]))
nets.enable_default_notice_handler()
nets.enable_default_notice_handler()
_described_again(__import__("pathlib").Path(sys.argv[1]) / "again")
"""


def test_without_the_default_handler_nothing_is_printed(tmp_path):
    # in a process of its own, as a script's: pytest puts a handler of its own on the
    # logger, and logging's last resort (which prints a WARNING on stderr when a logger
    # has no handler at all) is never reached under it
    done = subprocess.run([sys.executable, "-c", SCRIPT, str(tmp_path)], capture_output=True,
                          text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr
    # nothing from the first run; the second's once each (enabled twice, added once)
    assert done.stderr == DESCRIBED + SPENT


def test_propagated_notices_reach_the_programs_handlers(tmp_path, capsys, root_handler):
    _described_again(tmp_path)
    assert not [r for r in root_handler.records if r.name.startswith("hplab")]
    nets.disable_default_notice_handler()
    nets.enable_notice_propagation()
    _described_again(tmp_path / "again")
    got = [(r.name, r.levelno, r.getMessage()) for r in root_handler.records
           if r.name.startswith("hplab")]
    assert got == [("hplab.study", logging.INFO, DESCRIBED.removeprefix("hplab: ")[:-1]),
                   ("hplab.study", logging.WARNING, SPENT.removeprefix("hplab: ")[:-1])]
    # where it was said, not the logging helper
    assert [r.filename for r in root_handler.records if r.name == "hplab.study"] == [
        "_create.py", "_none_started.py"]
    assert capsys.readouterr().err == DESCRIBED + SPENT  # the first run's alone


def test_a_failed_trial_is_said_whatever_optunas_verbosity(tmp_path, capsys):
    # a notebook's optuna.logging.set_verbosity(ERROR), quieting optuna's own lines, took
    # hplab's line of each failed trial with it: it was said from optuna's log record,
    # which optuna at ERROR never made
    before = optuna.logging.get_verbosity()
    optuna.logging.set_verbosity(optuna.logging.ERROR)
    try:
        _failed_once(tmp_path)
    finally:
        optuna.logging.set_verbosity(before)
    assert capsys.readouterr().err == REFUSED
    nets.set_notice_level("ERROR")  # hplab's own level quiets it
    _failed_once(tmp_path / "again")
    assert capsys.readouterr().err == ""


CONFIGURED = f"""
import logging.config, sys
sys.path.insert(0, {str(__import__("pathlib").Path(__file__).parent)!r})
from pathlib import Path
import nets
from test_notices import _described_again, _failed_once
CONFIG = {{"version": 1, "root": {{"level": "INFO", "handlers": ["out"]}},
          "handlers": {{"out": {{"class": "logging.StreamHandler", "formatter": "named",
                                 "stream": "ext://sys.stdout"}}}},
          "formatters": {{"named": {{"format": "%(name)s %(levelname)s %(message)s"}}}}}}
if sys.argv[2] == "named":
    CONFIG["loggers"] = {{"hplab": {{"propagate": True}}}}
logging.config.dictConfig(CONFIG)
_described_again(Path(sys.argv[1]))
_failed_once(Path(sys.argv[1]))
"""


def test_a_logging_config_disables_the_notices_unless_it_names_hplab(tmp_path):
    # dictConfig disables every logger that exists and that it does not name, as it does
    # Optuna's: hplab's children ("hplab.study") were made at their first notice, and a
    # script configured before it still printed them; one configured after, in a
    # notebook's later cell, did not. A config naming "hplab" gets every one
    def run(config):
        done = subprocess.run([sys.executable, "-c", CONFIGURED, str(tmp_path / config),
                               config], capture_output=True, text=True, timeout=120,
                              check=False)
        assert done.returncode == 0, done.stderr
        return done.stdout, done.stderr

    assert run("unnamed") == ("", "")
    assert run("named") == ("".join(
        f"hplab.study {level} {line.removeprefix('hplab: ')}"
        for level, line in (("INFO", DESCRIBED), ("WARNING", SPENT), ("WARNING", REFUSED))), "")


def test_a_level_is_one_of_loggings(capsys):
    with pytest.raises(ValueError, match=r"unknown notice level 'warn' \(did you mean "
                                         r"'WARNING'\?\); valid: DEBUG, INFO, WARNING, "
                                         r"ERROR, CRITICAL"):
        nets.set_notice_level("warn")
    with pytest.raises(TypeError, match="level must be an int or a level's name, got bool"):
        nets.set_notice_level(True)
    assert nets.get_notice_level() == logging.INFO


def test_a_notice_is_of_a_package_whose_logger_is_made_at_import():
    # a logger made at the first notice escaped a logging config made before it
    with pytest.raises(ValueError, match=r"unknown notice package 'studies' \(did you mean "
                                         r"'study'\?\); valid: study, reports"):
        nets.notice("studies", "a wait")


def test_notices_of_threads_print_whole_lines(monkeypatch):
    # a heartbeat's thread and a lock's say theirs while the main thread says its own:
    # print writes a line and its end apart, and two lines met ("ab\n\n")
    monkeypatch.setattr(sys, "stderr", io.StringIO())
    said = [[f"thread {t} line {i}" for i in range(200)] for t in range(4)]

    def say(lines):
        for line in lines:
            nets.notice("study", line, printed="as_is")

    threads = [threading.Thread(target=say, args=(lines,)) for lines in said]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    printed = sys.stderr.getvalue().splitlines()
    assert sorted(printed) == sorted(f"hplab: {line}" for lines in said for line in lines)


class _InterruptedStderr(io.StringIO):
    """A stderr whose first write is where Ctrl-C lands."""

    def __init__(self):
        super().__init__()
        self.interrupted = False

    def write(self, text):
        if not self.interrupted:
            self.interrupted = True
            raise KeyboardInterrupt
        return super().write(text)


def test_a_ctrl_c_inside_a_notice_leaves_its_handler_free(monkeypatch):
    # the interrupt is the command's stop, not logging's error to report; and the
    # handler's lock, left held, kept every other thread's next notice waiting for ever
    monkeypatch.setattr(sys, "stderr", _InterruptedStderr())
    with pytest.raises(KeyboardInterrupt):
        nets.notice("study", "waiting for a lock")
    other = threading.Thread(target=nets.notice, args=("study", "a heartbeat failed"),
                             kwargs={"level": logging.WARNING})
    other.start()
    other.join(timeout=10)
    assert not other.is_alive()
    assert sys.stderr.getvalue() == "hplab: a heartbeat failed\n"


POOLED = f"""
import os, sys
sys.path.insert(0, {str(__import__("pathlib").Path(__file__).parent)!r})
import numpy as np
import nets, study

HERE = os.getpid()


class Broken(nets.Activation):
    # every trial of it in a pool's worker process fails (the spec's check, here, passes)
    name = "broken"

    def forward(self, z, out=None):
        if os.getpid() != HERE:
            raise ValueError("this activation is broken")
        return np.tanh(z, out=out)

    def backward(self, a, grad):
        return np.zeros_like(grad)


nets.ACTIVATIONS["broken"] = Broken()
nets.set_notice_level(sys.argv[2])
summary = study.run_study(study.parse_spec({{
    "study": {{"name": "told", "dataset": "xor", "metric": "val_loss", "n_trials": 2,
              "max_epochs": 2, "sampler": "random", "pruner": "none", "seed": 0}},
    "space": {{"lr": {{"low": 0.05, "high": 2.0, "log": True}}}},
    "fixed": {{"activation": "broken", "batch_size": 2}}}}),
    storage=sys.argv[1], workers=2)
assert summary["n_fail"] == 2, summary
"""


@pytest.mark.slow
def test_a_pools_workers_take_the_level_of_their_parent(tmp_path):
    # a script's quieted study still printed its worker processes' failed trials: each
    # imports hplab afresh, its logger at INFO. (In a process of its own: a worker loky
    # kept from an earlier test writes to that test's stderr, where capfd cannot see)
    def run(level):
        done = subprocess.run([sys.executable, "-c", POOLED, str(tmp_path / f"{level}.db"),
                               level], capture_output=True, text=True, timeout=300,
                              check=False)
        assert done.returncode == 0, done.stderr
        return done.stderr

    assert sorted(run("INFO").splitlines()) == [
        f"hplab: trial {n} failed: ValueError: this activation is broken" for n in (0, 1)]
    assert run("ERROR") == ""
