"""Process-wide settings around study calls that run in threads (a notebook's study in a
background thread while the next cells go on): a call undoes only its own changes."""

import logging
import sys
import threading
import warnings

import optuna
import pytest

import study
from study._study_progress import StudyProgress


class _InThread(threading.Thread):
    """Runs ``enter`` in a thread of its own, then ``leave`` when told to."""

    def __init__(self, enter, leave):
        super().__init__(daemon=True)
        self._enter, self._leave = enter, leave
        self.entered, self.go = threading.Event(), threading.Event()
        self.left = threading.Event()

    def run(self):
        self._enter()
        self.entered.set()
        self.go.wait(10)
        self._leave()
        self.left.set()

    def leave(self):
        self.go.set()
        self.join(10)
        assert self.left.is_set()


@pytest.fixture
def optuna_state():
    """The state these tests change, put back whatever they leave."""
    verbosity = optuna.logging.get_verbosity()
    with warnings.catch_warnings():
        yield
    optuna.logging.set_verbosity(verbosity)


def _noisy_filters():
    return [f for f in warnings.filters if f[1] is not None and "noisy" in f[1].pattern]


def test_settings_made_while_a_study_runs_in_a_thread_stay_after_it(optuna_state):
    # QA: a warning filter and optuna's verbosity set in the next cell, while the study ran
    # in a thread, were undone when it ended
    optuna.logging.set_verbosity(optuna.logging.INFO)
    before = list(warnings.filters)
    quiet = study.quiet_optuna()
    bg = _InThread(quiet.__enter__, lambda: quiet.__exit__(None, None, None))
    bg.start()
    bg.entered.wait(10)
    assert optuna.logging.get_verbosity() == optuna.logging.WARNING
    warnings.filterwarnings("ignore", message="my noisy warning")
    optuna.logging.set_verbosity(optuna.logging.ERROR)
    bg.leave()
    assert optuna.logging.get_verbosity() == optuna.logging.ERROR
    with warnings.catch_warnings(record=True) as shown:
        warnings.warn("my noisy warning", stacklevel=1)
    assert not shown
    # the user's filter stays, and the call's own are gone
    assert warnings.filters == _noisy_filters() + before
    assert not logging.getLogger("optuna.study._optimize").filters


def test_a_quiet_call_puts_back_what_it_changed_and_keeps_a_users_filter(optuna_state):
    optuna.logging.set_verbosity(optuna.logging.INFO)
    warnings.simplefilter("error")
    before = list(warnings.filters)
    show = warnings.showwarning
    with study.quiet_optuna():
        assert optuna.logging.get_verbosity() == optuna.logging.WARNING
        # ahead of the user's "error": hplab's experimental features do not raise
        warnings.warn("heartbeats", optuna.exceptions.ExperimentalWarning, stacklevel=1)
        assert warnings.showwarning is not show
    assert warnings.filters == before
    assert warnings.showwarning is show
    assert optuna.logging.get_verbosity() == optuna.logging.INFO
    # a filter equal to one of the call's, the user's own, stays where it was
    warnings.simplefilter("ignore", optuna.exceptions.ExperimentalWarning)
    warnings.simplefilter("error")
    before = list(warnings.filters)
    with study.quiet_optuna():
        pass
    assert warnings.filters == before


def test_overlapping_progress_bars_leave_optunas_handlers_as_they_were(monkeypatch):
    # QA: two runs in threads, the first to start ending first: optuna's logger kept
    # tqdm's handler, and disable_default_handler() no longer silenced optuna
    logger = logging.getLogger("optuna")
    handlers = list(logger.handlers)
    default = [h for h in handlers if type(h) is logging.StreamHandler]
    assert len(default) == 1
    monkeypatch.setattr(sys, "stderr", default[0].stream)  # a console's, as outside tests
    bars = {}

    def open_bar(name):
        return lambda: bars.__setitem__(name, StudyProgress(
            optuna.create_study(study_name=name), 4, enabled=True))

    first = _InThread(open_bar("first"), lambda: bars["first"].close())
    second = _InThread(open_bar("second"), lambda: bars["second"].close())
    first.start()
    first.entered.wait(10)
    second.start()
    second.entered.wait(10)
    first.leave()
    second.leave()
    assert logger.handlers == handlers
    assert not [f for h in logger.handlers for f in h.filters]
    optuna.logging.disable_default_handler()
    try:
        assert default[0] not in logger.handlers
    finally:
        optuna.logging.enable_default_handler()
        logger.handlers[:] = handlers  # in their order, for the other tests


def test_optunas_line_goes_above_a_bar_and_its_handlers_rules_still_hold(capsys):
    # the bar's redirect writes through the handler's own format, after its own filters
    logger = logging.getLogger("optuna")
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("[optuna] %(message)s"))
    handler.addFilter(lambda record: "secret" not in record.getMessage())
    logger.addHandler(handler)
    try:
        bar = StudyProgress(optuna.create_study(study_name="lines"), 4, enabled=True)
        try:
            logging.getLogger("optuna.study._optimize").warning("Trial 3 failed: boom")
            logging.getLogger("optuna.study._optimize").warning("a secret")
        finally:
            bar.close()
        assert handler.filters and len(handler.filters) == 1
    finally:
        logger.removeHandler(handler)
    lines = capsys.readouterr().err.replace("\r", "\n").splitlines()
    assert "[optuna] Trial 3 failed: boom" in lines
    assert "[optuna] a secret" not in lines  # (optuna's own handler has no such filter)


def _coin_spec(name, n_trials):
    return study.parse_spec({
        "study": {"name": name, "dataset": "coin", "metric": "val_accuracy",
                  "n_trials": n_trials, "max_epochs": 3, "sampler": "tpe", "pruner": "none",
                  "seed": 0},
        "space": {"lr": {"low": 0.003, "high": 1.0, "log": True}},
        "fixed": {"optimizer": "adam", "activation": "relu", "batch_size": 16}})


def test_storage_calls_in_threads_ending_in_the_other_order_put_back_the_hook(tmp_path):
    # QA: two run_study calls in threads, the first to enter leaving first, left hplab's
    # one-line hook as threading.excepthook for good: the user's threads' exceptions no
    # longer reached the hook from before
    from study._storage_errors import storage_errors

    before = threading.excepthook
    where = study.resolve_storage(str(tmp_path / "s.db"))
    first = _InThread(lambda: setattr(first, "cm", storage_errors(where)) or first.cm.__enter__(),
                      lambda: first.cm.__exit__(None, None, None))
    second = _InThread(lambda: setattr(second, "cm", storage_errors(where))
                       or second.cm.__enter__(), lambda: second.cm.__exit__(None, None, None))
    first.start()
    first.entered.wait(10)
    second.start()
    second.entered.wait(10)
    assert threading.excepthook is not before
    first.leave()
    assert threading.excepthook is not before  # the second call is still inside
    second.leave()
    assert threading.excepthook is before


def test_overlapping_studies_in_threads_leave_the_thread_hook_as_it_was(tmp_path):
    before = threading.excepthook
    for round_ in range(4):
        runs = [threading.Thread(target=study.run_study, args=(_coin_spec(f"r{round_}{n}", 2),),
                                 kwargs={"storage": str(tmp_path / f"{n}.db"), "fresh": True})
                for n in "ab"]
        for run in runs:
            run.start()
        for run in runs:
            run.join(60)
        assert threading.excepthook is before, f"round {round_}"


def test_a_thread_hook_set_while_a_study_runs_in_a_thread_stays(tmp_path):
    # QA: a notebook's own hook, set while its study ran in a background thread, was
    # replaced by the hook from before the study when it ended
    before = threading.excepthook
    seen = []

    def mine(args):
        seen.append(args.exc_type)

    run = threading.Thread(target=study.run_study, args=(_coin_spec("bg", 40),),
                           kwargs={"storage": str(tmp_path / "bg.db"), "fresh": True})
    run.start()
    try:
        for _ in range(2000):  # until the study holds the storage
            if threading.excepthook is not before or not run.is_alive():
                break
            threading.Event().wait(0.005)
        assert run.is_alive() and threading.excepthook is not before
        threading.excepthook = mine
        run.join(120)
        assert threading.excepthook is mine
        failing = threading.Thread(target=lambda: 1 / 0)
        failing.start()
        failing.join()
        assert seen == [ZeroDivisionError]
    finally:
        run.join(120)
        threading.excepthook = before
